"""Today's stacks read as well as the old ones: Hugging Face transformers (Trainer, from_pretrained heads,
accelerate), PyTorch Lightning, timm and Keras 3, on fixture scripts written for these tests."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, by_name, parse_fixture
from conftest import layer_types as seq

from assistant.compare import compare
from corpus.knowledge import torch_layers
from corpus.readers import torch_models
from corpus.readers.parser import parse_bytes
from corpus.readers.registry import import_families
from corpus.readers.script import load

INTERNAL = torch_layers.HF_INTERNAL_LOSS


def parse(name: str) -> dict:
    return by_name(parse_fixture(name, context_text=""))


# -- Hugging Face transformers --------------------------------------------

def test_trainer_and_training_arguments_without_a_torch_import():
    m = parse("stacks_hf_trainer.py")["model"]
    assert m.framework == "pytorch"
    # one whole pretrained model: the head its class implies is not written, so no layer (blind labels agree)
    assert seq(m) == ["Pretrained"]
    assert m.layers[0].args["name"] == "bert-base-uncased"
    assert m.layers[0].args["num_labels"] == 2  # num_labels
    hp = m.hyperparameters
    assert (hp.batch_size, hp.epochs, hp.learning_rate) == (16, 3, 2e-5)
    # the Trainer's default optimizer is the library's choice, not the script's
    assert hp.optimizer is None
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == INTERNAL
    assert {"weight_decay", "mixed_precision", "lr_schedule", "pretrained_weights"} <= set(m.tricks)
    assert m.task == "text_classification" and m.datasets == ["sst2"]


def test_written_optimizer_of_training_arguments_and_the_language_model_head():
    m = parse("stacks_hf_causal_lm.py")["model"]
    assert m.hyperparameters.optimizer == "adamw"  # optim="adamw_torch" is written
    assert m.task == "language_modeling"
    assert m.hyperparameters.loss_raw == INTERNAL
    assert "lr_schedule" not in m.tricks  # no schedule written


def test_seq2seq_head_task_by_the_scripts_words():
    m = parse("stacks_hf_seq2seq.py")["model"]
    assert m.task == "summarization"
    hp = m.hyperparameters
    assert (hp.batch_size, hp.epochs, hp.learning_rate) == (8, 2, 5e-5)  # Seq2SeqTrainingArguments


def test_user_module_wrapping_a_pretrained_backbone_with_a_linear_head():
    m = parse("stacks_hf_custom_head.py")["SentimentClassifier"]
    assert seq(m) == ["Pretrained", "Dropout", "Dense"]
    assert m.layers[0].args["name"] == "distilbert-base-uncased"
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adamw", 3e-5, 32, 4)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "nn.CrossEntropyLoss"  # its own criterion
    assert {"lr_schedule", "pretrained_weights"} <= set(m.tricks)


def test_accelerate_loop_with_the_loss_computed_inside_the_model():
    m = parse("stacks_hf_accelerate.py")["model"]
    assert seq(m) == ["Pretrained"] and m.layers[0].args["num_labels"] == 9
    assert m.task == "sequence_labeling"
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adamw", 5e-5, 8, 5)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == INTERNAL  # outputs.loss
    assert "mixed_precision" in m.tricks  # Accelerator(mixed_precision="fp16")


def test_the_model_internal_loss_is_not_called_missing():
    m = parse("stacks_hf_trainer.py")["model"]
    assert "missing_loss" not in {f.kind for f in compare(m, [m] * 5)}


def test_tensorflow_heads_are_left_to_the_keras_reader():
    code = ("import tensorflow as tf\nimport torch\nfrom transformers import TFBertForSequenceClassification\n"
            "model = TFBertForSequenceClassification.from_pretrained('bert-base-cased')\n"
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(x, y, epochs=2)\n")
    assert not any(s.framework == "pytorch" for s in parse_bytes(code.encode(), "tf_bert.py"))


def test_transformers_and_accelerate_imports_are_pytorch():
    assert import_families(load("from transformers import Trainer\nimport accelerate\n")) == {"pytorch"}


# -- PyTorch Lightning ----------------------------------------------------

def test_lightning_module_with_datamodule_trainer_and_saved_hyperparameters():
    m = parse("stacks_lightning.py")["LitClassifier"]
    assert seq(m) == ["Flatten", "Dense", "Dense"]
    hp = m.hyperparameters
    assert hp.optimizer == "adam"
    assert hp.learning_rate == 1e-3  # self.hparams.lr, from __init__'s default via save_hyperparameters()
    assert hp.batch_size == 128  # MNISTDataModule(batch_size=128) over its default of 64
    assert hp.epochs == 5  # Trainer(max_epochs=5)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "F.cross_entropy"  # training_step
    assert {"lr_schedule", "mixed_precision"} <= set(m.tricks)  # configure_optimizers' scheduler; precision=16


def test_lightning_datamodule_default_batch_size():
    code = (FIXTURES / "stacks_lightning.py").read_text().replace("MNISTDataModule(batch_size=128)",
                                                                 "MNISTDataModule()")
    m = {s.name: s for s in parse_bytes(code.encode(), "lit.py")}["LitClassifier"]
    assert m.hyperparameters.batch_size == 64


# -- timm -----------------------------------------------------------------

def test_timm_create_model_is_a_pretrained_backbone():
    m = parse("stacks_timm.py")["model"]
    assert seq(m) == ["Pretrained"]
    assert m.layers[0].args == {"name": "resnet50", "pretrained": True, "num_classes": 10}
    assert "pretrained_weights" in m.tricks
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 64, 10)
    assert m.task == "image_classification" and m.datasets == ["cifar10"]


# -- Keras 3 --------------------------------------------------------------

def test_keras3_without_tensorflow():
    m = parse("stacks_keras3.py")["model"]
    assert m.framework == "keras"
    assert seq(m) == ["Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"]
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 1e-3, 128, 15)
    assert m.input_shape == [28, 28, 1]
    assert not m.parse.warnings


def test_keras3_functional_model_beside_a_keras_ops_layer():
    m = parse("stacks_keras3_ops.py")["model"]
    assert m.framework == "keras" and seq(m) == ["Dense", "Dense", "Dense"]
    assert m.hyperparameters.loss == "binary_crossentropy" and m.hyperparameters.epochs == 20


@pytest.mark.parametrize("head", ["import keras_core as keras", "import keras"])
def test_keras3_import_roots_are_keras(head: str):
    assert import_families(load(head + "\n")) == {"keras"}


# -- honest crash counts (issue 14) -----------------------------------------

def test_a_recursion_error_in_the_torch_reader_is_an_internal_error(monkeypatch):
    def deep(self):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(torch_models.TorchExtractor, "extract", deep)
    got = parse_bytes(b"import torch\nmodel = torch.nn.Linear(2, 1)\n", "deep.py")
    assert len(got) == 1 and got[0].parse.status == "failed"
    assert any(w.startswith("internal error: pytorch reader: RecursionError") for w in got[0].parse.warnings)


def test_the_transformers_adamw_of_older_tutorials_is_read():
    m = parse("stacks_hf_adamw_loop.py")["model"]
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adamw", 5e-5, 5)


def test_a_paged_or_8bit_optimizer_of_training_arguments_is_named_by_its_kind():
    # optim="paged_adamw_32bit": the first word names nothing, the second does
    hp = parse("stacks_hf_qlora_sft.py")["model"].hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adamw", 2e-4, 4, 1)


def test_trl_sft_and_dpo_settings_are_read_as_training_arguments_are():
    sft = parse("stacks_trl_sft.py")["model"]
    hp = sft.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adamw", 3e-5, 8, 2, "categorical_crossentropy")
    dpo = parse("stacks_trl_dpo.py")["policy"]
    hp = dpo.hyperparameters
    # DPO's loss is its own, not the language-model head's
    assert (hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (5e-7, 2, 1, None)


def test_training_arguments_of_a_library_built_on_the_trainer_are_read_as_training_arguments_are():
    code = (
        "from transformers import AutoModelForSequenceClassification\n"
        "from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments\n\n"
        "model = AutoModelForSequenceClassification.from_pretrained('bert-base-uncased', num_labels=2)\n"
        "args = CrossEncoderTrainingArguments(output_dir='out', num_train_epochs=2, learning_rate=8e-6,\n"
        "                                     per_device_train_batch_size=16)\n"
        "trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=None)\n"
        "trainer.train()\n"
    )
    (m,) = parse_bytes(code.encode(), "train_ce.py")
    hp = m.hyperparameters
    assert (hp.learning_rate, hp.epochs, hp.batch_size) == (8e-6, 2, 16)


def test_the_problem_type_of_a_classification_head_names_its_loss():
    code = (
        "from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments\n"
        "model = AutoModelForSequenceClassification.from_pretrained('bert-base-uncased', num_labels=5,\n"
        "    problem_type='multi_label_classification')\n"
        "trainer = Trainer(model=model, args=TrainingArguments(output_dir='o', num_train_epochs=2))\n"
        "trainer.train()\n"
    )
    (m,) = parse_bytes(code.encode(), "multilabel.py")
    assert m.hyperparameters.loss == "binary_crossentropy" and m.hyperparameters.loss_raw == INTERNAL


def test_a_generic_head_on_a_checkpoint_fine_tuned_for_a_task_takes_that_task():
    from corpus.readers.parser import parse_bytes

    code = b'''from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

vqa = AutoModelForCausalLM.from_pretrained("microsoft/git-base-textvqa")
summarizer = AutoModelForSeq2SeqLM.from_pretrained("philschmid/bart-large-cnn-samsum")
lm = AutoModelForCausalLM.from_pretrained("gpt2")
'''
    got = {s.name: s.task for s in parse_bytes(code, "demo.py")}
    assert got == {"vqa": "question_answering", "summarizer": "summarization", "lm": "language_modeling"}


def test_hf_argument_dataclasses_give_the_checkpoint_and_the_optimizer_their_defaults_name():
    code = b'''from dataclasses import dataclass, field
from typing import Optional
import transformers
from transformers import Trainer


@dataclass
class ModelArguments:
    model_name_or_path: Optional[str] = field(default="facebook/opt-125m")


@dataclass
class TrainingArguments(transformers.TrainingArguments):
    optim: str = field(default="adamw_torch")
    model_max_length: int = field(default=512)


def train():
    parser = transformers.HfArgumentParser((ModelArguments, TrainingArguments))
    model_args, training_args = parser.parse_args_into_dataclasses()
    model = transformers.AutoModelForCausalLM.from_pretrained(model_args.model_name_or_path)
    trainer = Trainer(model=model, args=training_args)
    trainer.train()
'''
    (s,) = parse_bytes(code, "train.py")
    assert s.layers[0].args["name"] == "facebook/opt-125m"
    assert s.hyperparameters.optimizer == "adamw"
