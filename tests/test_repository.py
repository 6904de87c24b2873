"""The whole-repository pass: one example per model across its definition and training files."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.readers.repo_context import RepoContext
from corpus.readers.repository import NOT_TRAINED, parse_files, read_repository
from corpus.readers.script import load

MODELS = b'''import torch.nn as nn
import torch.nn.functional as F
from .blocks import Block


class Net(nn.Module):
    def __init__(self, n=10):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.block = Block(32)
        self.fc = nn.Linear(32, n)

    def forward(self, x):
        x = self.block(F.relu(self.conv(x)))
        x = x.mean((2, 3))
        return self.fc(x)


class Unused(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
'''

BLOCKS = b'''import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))
'''

INIT = b"from .models import Net\n"

SETTINGS = b"EPOCHS = 7\nBATCH = 64\n"

TRAIN = b'''import argparse
import torch
import torch.optim as optim
import torch.nn as nn
from torchvision import datasets
from pkg import Net
import settings as S

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.01)
args = p.parse_args()
train = datasets.MNIST("data", download=True)
loader = torch.utils.data.DataLoader(train, batch_size=S.BATCH)
model = Net()
opt = optim.SGD(model.parameters(), lr=args.lr)
crit = nn.CrossEntropyLoss()
for epoch in range(S.EPOCHS):
    for x, y in loader:
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
'''

FILES = {"pkg/__init__.py": INIT, "pkg/models.py": MODELS, "pkg/blocks.py": BLOCKS, "settings.py": SETTINGS,
         "train.py": TRAIN}


def by_name(summaries):
    return {s.name: s for s in summaries}


def test_a_model_defined_in_one_file_and_trained_in_another_is_one_example():
    res = read_repository(FILES, repo="o/n", commit="a" * 40)
    got = by_name(res.summaries)
    net = got["Net"]
    assert net.source.path == "pkg/models.py" and net.source.line_start == 6
    assert net.source.train_path == "train.py" and net.source.train_line_start
    assert net.source.train_url.startswith("https://github.com/o/n/blob/" + "a" * 40 + "/train.py#L")
    # the block imported from blocks.py is expanded in place, not a Custom layer
    assert [x.type for x in net.layers] == ["Conv2D", "Conv2D", "BatchNormalization", "GlobalAveragePooling2D",
                                            "Dense"]
    hp = net.hyperparameters
    # argparse default of the training file, constants of a module it imports (import settings as S)
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 64, 7)
    assert net.datasets == ["mnist"]
    assert net.value_sources["learning_rate"].startswith("train.py:")
    assert not any("defined in another file" in w for w in net.parse.warnings)
    # the block is not an example; the definition nothing trains is one, with a warning
    assert "Block" not in got
    assert NOT_TRAINED in got["Unused"].parse.warnings
    assert res.joined == 1 and res.blocks == 1 and res.not_trained == 1


def test_one_model_trained_by_two_scripts_is_two_examples_with_distinct_ids():
    files = dict(FILES)
    files["finetune.py"] = TRAIN.replace(b"default=0.01", b"default=0.001")
    nets = [s for s in parse_files(files, repo="o/n") if s.name == "Net"]
    assert sorted(s.source.train_path for s in nets) == ["finetune.py", "train.py"]
    assert len({s.id for s in nets}) == 2
    assert sorted(s.hyperparameters.learning_rate for s in nets) == [0.001, 0.01]


def test_a_file_read_alone_keeps_the_custom_layer():
    from corpus.readers.parser import parse_bytes

    (alone,) = parse_bytes(TRAIN, "train.py")
    assert [x.type for x in alone.layers] == ["Custom"]
    assert alone.hyperparameters.epochs is None  # S.EPOCHS lives in another file


def test_imports_resolve_relative_reexported_and_by_sys_path():
    files = {"a/b/__init__.py": b"from .c import Thing\n", "a/b/c.py": b"class Thing:\n    pass\n",
             "src/lib/tool.py": b"X = 1\n", "scripts/run.py": b"import sys\nsys.path.append('../src')\n"}
    ctx = RepoContext(files)
    load(files["scripts/run.py"], "scripts/run.py", context=ctx)
    assert ctx.resolve("a.b.Thing", "main.py") == ("a/b/c.py", "Thing")  # through the package's re-export
    assert ctx.resolve("c.Thing", "a/b/x.py", dots=1) == ("a/b/c.py", "Thing")
    assert ctx.resolve("lib.tool.X", "scripts/run.py") == ("src/lib/tool.py", "X")
    assert ctx.resolve("numpy.zeros", "main.py") is None


def test_import_cycles_and_self_imports_stay_bounded():
    files = {"a.py": b"from b import Y\nX = 1\n", "b.py": b"from a import X\nY = X + 1\n",
             "c.py": b"from c import Z\nZ = 3\n"}
    ctx = RepoContext(files)
    sa = load(files["a.py"], "a.py", context=ctx)
    assert sa.constants["X"] == 1
    load(files["c.py"], "c.py", context=ctx)  # must return


def test_keras_builder_in_another_file_with_constants_from_a_config_module():
    files = {
        "model.py": b'''from tensorflow.keras import layers, models


def build_model(n_classes=10):
    model = models.Sequential()
    model.add(layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)))
    model.add(layers.Flatten())
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model
''',
        "config.py": b"EPOCHS = 12\nBATCH_SIZE = 128\n",
        "train.py": b'''import tensorflow as tf
from model import build_model
from config import EPOCHS, BATCH_SIZE
(x, y), _ = tf.keras.datasets.mnist.load_data()
model = build_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE)
''',
    }
    (s,) = parse_files(files, repo="o/n")
    assert s.name == "build_model" and s.source.path == "model.py" and s.source.train_path == "train.py"
    assert [x.type for x in s.layers] == ["Conv2D", "Flatten", "Dense"]
    assert (s.hyperparameters.epochs, s.hyperparameters.batch_size, s.hyperparameters.optimizer) == (12, 128, "adam")


def test_a_factory_function_is_followed_to_the_model_it_returns():
    files = {
        "nets.py": b'''from tensorflow import keras


def small(n=2):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(n)])
    return model


def get_model(name="small"):
    return small()
''',
        "train.py": b'''from nets import get_model
model = get_model()
model.compile(optimizer="sgd", loss="mse")
model.fit(None, None, epochs=3)
''',
    }
    (s,) = parse_files(files)
    assert s.name == "small" and s.source.train_path == "train.py" and s.hyperparameters.epochs == 3
    assert [x.type for x in s.layers] == ["Dense", "Dense"]


def test_a_model_built_in_a_builder_function_takes_its_name():
    files = {"models.py": b'''from tensorflow import keras


def get_lstm(units=32):
    model = keras.Sequential()
    model.add(keras.layers.LSTM(units))
    model.add(keras.layers.Dense(1))
    return model
'''}
    (s,) = parse_files(files, repo="o/n")
    assert s.name == "get_lstm" and NOT_TRAINED in s.parse.warnings


NET = b'''import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 2)

    def forward(self, x):
        return self.fc(x)
'''

TRAINER = b'''import torch
import torch.nn as nn
from torchvision import datasets

EPOCHS = 4


def get_loader(batch_size=16):
    return torch.utils.data.DataLoader(datasets.CIFAR10("data", download=True), batch_size=batch_size)


def train(model, loader, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    crit = nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        for x, y in loader:
            opt.zero_grad()
            crit(model(x), y).backward()
            opt.step()
'''

MAIN = b'''from net import Net
from utils.trainer import get_loader, train

model = Net()
train(model, get_loader(), lr=0.005)
'''


def test_training_and_data_functions_called_from_another_file_are_read_where_called():
    (s,) = parse_files({"net.py": NET, "utils/trainer.py": TRAINER, "main.py": MAIN}, repo="o/n")
    assert s.name == "Net" and s.source.path == "net.py" and s.source.train_path == "main.py"
    hp = s.hyperparameters
    assert (hp.optimizer, hp.loss, hp.epochs, hp.batch_size) == ("adam", "categorical_crossentropy", 4, 16)
    assert s.datasets == ["cifar10"]


def test_a_training_function_that_builds_the_model_is_not_read_twice():
    builds = TRAINER.replace(b"def train(model, loader, lr):", b"def train(loader, lr):\n    model = Net()") \
        .replace(b"from torchvision import datasets", b"from torchvision import datasets\nfrom net import Net")
    main = b"from utils.trainer import get_loader, train\ntrain(get_loader(), lr=0.005)\n"
    got = parse_files({"net.py": NET, "utils/trainer.py": builds, "main.py": main})
    assert [(s.name, s.source.train_path) for s in got] == [("Net", "utils/trainer.py")]


def test_a_pytorch_factory_in_another_file_is_followed_to_its_model():
    files = {"net.py": NET + b"\n\ndef get_model(cfg=None):\n    return Net()\n",
             "train.py": b"import torch\nfrom net import get_model\nmodel = get_model()\n"
                         b"opt = torch.optim.SGD(model.parameters(), lr=0.3)\nfor epoch in range(2):\n    opt.step()\n"}
    (s,) = parse_files(files)
    assert (s.name, s.source.path, s.source.train_path) == ("Net", "net.py", "train.py")
    assert s.hyperparameters.learning_rate == 0.3 and [x.type for x in s.layers] == ["Dense"]


def test_a_pytorch_factory_shown_under_its_files_main_is_the_definition_the_trainer_joins():
    """``model = create(98); print(model)`` under ``__main__`` of the models file is a look at the factory:
    the example is the factory, and the training script's values join it (not a Custom of its own)."""
    files = {"model.py": b"""import torch.nn as nn
from torchvision.models import resnet50


def create_pose_model(num_keypoints):
    net = resnet50(weights="IMAGENET1K_V2")
    net.fc = nn.Linear(2048, num_keypoints * 2)
    return net


if __name__ == "__main__":
    model = create_pose_model(98)
    print(model)
""", "train.py": b"""import torch
from model import create_pose_model
model = create_pose_model(98)
opt = torch.optim.Adam(model.parameters(), lr=5e-4)
for epoch in range(210):
    opt.step()
"""}
    (s,) = parse_files(files)
    assert (s.name, s.source.path, s.source.line_start, s.source.train_path) == \
        ("create_pose_model", "model.py", 5, "train.py")
    assert [x.type for x in s.layers] == ["Pretrained", "Dense"]
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs) == \
        ("adam", 5e-4, 210)


def test_a_model_handed_to_a_training_module_function_is_one_example_with_the_entry_scripts_options():
    """``net = model.Net(args); train.train(loader, net, args)`` (cnn-text-classification's layout): one
    example, joined to the entry script; the definition seeing the options' batch size is no run of its own."""
    files = {"model.py": b"""import torch.nn as nn


class Net(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.fc = nn.Linear(args.dim, 2)

    def forward(self, x):
        return self.fc(x)
""", "train.py": b"""import torch
import torch.nn.functional as F


def train(loader, model, args):
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
""", "main.py": b"""import argparse
import torch
import model
import train

parser = argparse.ArgumentParser()
parser.add_argument('-lr', type=float, default=0.01)
parser.add_argument('-epochs', type=int, default=7)
parser.add_argument('-batch-size', type=int, default=64)
parser.add_argument('-dim', type=int, default=16)
args = parser.parse_args()
loader = torch.utils.data.DataLoader([], batch_size=args.batch_size)
net = model.Net(args)
train.train(loader, net, args)
"""}
    (s,) = parse_files(files)
    assert (s.name, s.source.path, s.source.train_path) == ("Net", "model.py", "main.py")
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == \
        ("adam", 0.01, 64, 7, "categorical_crossentropy")


def test_an_agent_taking_its_settings_as_keyword_attributes_reads_the_entry_scripts_options():
    """``self.__dict__.update(kwargs)`` in an agent built with ``Agent(**vars(opt))`` (DRL-Pytorch's layout, in a
    folder whose name is no identifier): ``lr=self.a_lr`` is the ``--a_lr`` default."""
    files = {"4.1 DDPG/utils.py": b"""import torch.nn as nn


class Actor(nn.Module):
    def __init__(self, state_dim, action_dim, width):
        super().__init__()
        self.l1 = nn.Linear(state_dim, width)
        self.l2 = nn.Linear(width, action_dim)

    def forward(self, s):
        return self.l2(self.l1(s).relu()).tanh()
""", "4.1 DDPG/DDPG.py": b"""import torch
from utils import Actor


class DDPG_agent():
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)
        self.actor = Actor(self.state_dim, self.action_dim, self.net_width)
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=self.a_lr)

    def train(self, s):
        a_loss = -self.actor(s).mean()
        self.actor_optimizer.zero_grad()
        a_loss.backward()
        self.actor_optimizer.step()
""", "4.1 DDPG/main.py": b"""import argparse
from DDPG import DDPG_agent

parser = argparse.ArgumentParser()
parser.add_argument('--a_lr', type=float, default=1e-3)
parser.add_argument('--net_width', type=int, default=400)
opt = parser.parse_args()
agent = DDPG_agent(**vars(opt))
"""}
    (s,) = parse_files(files)
    assert (s.name, s.source.path, s.source.train_path) == ("Actor", "4.1 DDPG/utils.py", "4.1 DDPG/DDPG.py")
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("adam", 1e-3)


def test_an_import_through_a_package_name_the_repository_does_not_have_resolves_from_the_scripts_folder():
    """``from ch4.model.gru import GRU`` in ``Chapter 04/gru_example.py``: ``ch4`` is the author's install name for
    the folder; ``model/gru.py`` beside the script is the module."""
    files = {"Chapter 04/model/gru.py": b"""import torch.nn as nn


class GRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 16, batch_first=True)
        self.fc = nn.Linear(16, 1)

    def forward(self, x):
        return self.fc(self.gru(x)[0][:, -1])
""", "Chapter 04/gru_example.py": b"""import torch
from ch4.model.gru import GRU

model = GRU()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
for epoch in range(500):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
"""}
    (s,) = parse_files(files)
    assert (s.name, s.source.train_path) == ("GRU", "Chapter 04/gru_example.py")
    assert (s.hyperparameters.learning_rate, s.hyperparameters.epochs) == (0.02, 500)


def test_the_repository_requirements_reach_the_environment():
    files = {**FILES, "requirements.txt": b"torch==2.1.0\ntorchvision\n"}
    net = next(s for s in parse_files(files) if s.name == "Net")
    assert net.environment.packages.get("torch") == "==2.1.0"


def test_a_model_built_twice_by_one_training_file_gives_distinct_ids():
    import copy

    from corpus.readers.parser import parse_bytes
    from corpus.readers.repository import join

    ctx = RepoContext(FILES)
    per_file = {p: parse_bytes(FILES[p], p, context=ctx) for p in ("pkg/models.py", "pkg/blocks.py", "train.py")}
    again = copy.deepcopy(per_file["train.py"][0])  # a second training of the same model, with its own rate
    again.hyperparameters.learning_rate = 0.05
    per_file["train.py"].append(again)
    for p in per_file:
        ctx.module_facts(p)
    nets = [s for s in join(per_file, ctx).summaries if s.name == "Net"]
    assert len(nets) == 2 and len({s.id for s in nets}) == 2


def test_a_fine_tuning_script_that_imports_only_transformers_is_read():
    from corpus.readers.repository import code_paths

    train = b'''from datasets import load_dataset
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

data = load_dataset("imdb")
model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)
args = TrainingArguments(output_dir="out", learning_rate=3e-5, per_device_train_batch_size=8, num_train_epochs=2)
Trainer(model=model, args=args, train_dataset=data["train"]).train()
'''
    files = {"finetune.py": train, "helpers.py": b"import json\n"}
    assert code_paths(files) == ["finetune.py"]
    (s,) = parse_files(files, repo="o/n")
    hp = s.hyperparameters
    assert ([x.type for x in s.layers], hp.learning_rate, hp.batch_size, hp.epochs) == (["Pretrained"], 3e-5, 8, 2)
    assert s.datasets == ["imdb"]


def test_a_checkpoint_only_loaded_to_run_it_says_it_is_not_trained_here():
    infer = (b"from transformers import AutoModel, AutoTokenizer\n"
             b"tok = AutoTokenizer.from_pretrained('bert-base-uncased')\n"
             b"encoder = AutoModel.from_pretrained('bert-base-uncased')\n"
             b"features = encoder(**tok('a sentence', return_tensors='pt'))\n")
    (s,) = parse_files({"embed.py": infer})
    assert [x.type for x in s.layers] == ["Pretrained"] and NOT_TRAINED in s.parse.warnings
    # fine-tuned in the same script: no such warning
    tuned = infer + (b"import torch\nopt = torch.optim.AdamW(encoder.parameters(), lr=2e-5)\n"
                     b"features.last_hidden_state.mean().backward()\nopt.step()\n")
    (s,) = parse_files({"embed.py": tuned})
    assert s.hyperparameters.learning_rate == 2e-5 and NOT_TRAINED not in s.parse.warnings


def test_a_network_built_by_a_class_method_of_its_class_is_joined():
    models = b'''import torch.nn as nn


class Stage(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(8, width)
        self.out = nn.Linear(width, 1)

    def forward(self, x):
        return self.out(self.fc(x).relu())

    @classmethod
    def get_model(cls, opt):
        return cls(opt.width)
'''
    train = b'''import argparse
import torch
from models import Stage

p = argparse.ArgumentParser()
p.add_argument("--width", type=int, default=16)
opt = p.parse_args()
for stage in range(3):
    model = Stage.get_model(opt)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.004)
    for x, y in loader:
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
'''
    (s,) = parse_files({"models.py": models, "train.py": train}, repo="o/n")
    assert (s.name, s.source.path, s.source.train_path) == ("Stage", "models.py", "train.py")
    assert [x.type for x in s.layers] == ["Dense", "Dense"] and s.hyperparameters.learning_rate == 0.004


def test_a_trainer_module_run_by_an_entry_script_is_one_training():
    # (a class named in lower case is read below main.py with the trainer: both files train it)
    models = b'''import torch.nn as nn


class small_net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
'''
    trainer = b'''import torch
from models import small_net


class Runner:
    def __init__(self, args, loader):
        self.args = args
        self.loader = loader

    def train(self):
        net = small_net()
        opt = torch.optim.Adam(net.parameters(), lr=self.args.lr)
        for epoch in range(self.args.epochs):
            for x, y in self.loader:
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(x), y).backward()
                opt.step()
'''
    main = b'''import argparse
from torch.utils.data import DataLoader
from trainer import Runner

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.02)
parser.add_argument("--epochs", type=int, default=6)
args = parser.parse_args()
Runner(args, DataLoader(None, batch_size=12)).train()
'''
    got = parse_files({"models.py": models, "trainer.py": trainer, "main.py": main}, repo="o/n")
    assert [(s.name, s.source.path, s.source.train_path) for s in got] == [("small_net", "models.py", "main.py")]
    hp = got[0].hyperparameters
    assert (hp.learning_rate, hp.epochs, hp.batch_size) == (0.02, 6, 12)


def test_importers_asked_while_an_importer_is_being_read_are_asked_again_later():
    files = {"models.py": b"import torch.nn as nn\n", "train.py": b"from models import nn\n"}
    ctx = RepoContext(files)
    ctx._reading.add("train.py")  # as while train.py's own script is built
    assert ctx.importers_of("models.py") == []
    ctx._reading.discard("train.py")
    assert ctx.importers_of("models.py") == []  # (the answer given while reading, until asked as final)
    assert ctx.importers_of("models.py", final=True) == ["train.py"]


def test_a_graph_named_for_a_loss_it_computes_is_no_example():
    from corpus.readers.repository import _named_not_network
    from corpus.record.summary import Layer, Source, Summary

    def named(name: str) -> Summary:
        return Summary(id="", name=name, source=Source(path="m.py"), framework="tensorflow",
                       layers=[Layer(type="Dense", raw="dense")])

    assert _named_not_network(named("_compute_seq_loss4")) and _named_not_network(named("loss"))
    assert not _named_not_network(named("closs_net")) and not _named_not_network(named("glossary_model"))


_NET = b'''import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())
'''


def _script(head: str, opt: str, epochs: int, guard: bool = True) -> bytes:
    body = (f"def main():\n    model = Net()\n    opt = torch.optim.{opt}\n    for epoch in range({epochs}):\n"
            "        model(torch.randn(4, 784)).sum().backward()\n        opt.step()\n")
    return (head + "\n\n" + body + ('\n\nif __name__ == "__main__":\n    main()\n' if guard else "")).encode()


def test_two_entry_scripts_each_train_the_model_though_one_imports_a_helper_of_the_other():
    train = _script("import torch\nfrom models import Net\n\n\ndef evaluate(model):\n    return 0",
                    "SGD(model.parameters(), lr=0.1)", 10)
    tune = _script("import torch\nfrom models import Net\nfrom train import evaluate", "Adam(model.parameters(), lr=0.001)", 3)
    got = parse_files({"models.py": _NET, "train.py": train, "finetune.py": tune}, repo="o/n")
    assert sorted((s.source.train_path, s.hyperparameters.learning_rate) for s in got) == [
        ("finetune.py", 0.001), ("train.py", 0.1)]


def test_a_script_s_own_wildcard_import_wins_over_a_name_of_helper_code_read_below_it():
    legacy = _NET.replace(b"nn.Linear(784, 128)", b"nn.Conv2d(1, 8, 3)")
    utils = b'import yaml\nfrom legacy import Net\n\n\ndef load_cfg():\n    return yaml.safe_load(open("cfg.yaml"))\n'
    train = (b"import torch\nimport utils\nfrom models import *\n\ncfg = utils.load_cfg()\nmodel = Net()\n"
             b"opt = torch.optim.SGD(model.parameters(), lr=cfg['lr'])\nfor epoch in range(cfg['epochs']):\n"
             b"    model(torch.randn(4, 784)).sum().backward()\n    opt.step()\n")
    files = {"models.py": _NET, "legacy.py": legacy, "utils.py": utils, "train.py": train,
             "cfg.yaml": b"lr: 0.05\nepochs: 12\n"}
    trained = [s for s in parse_files(files, repo="o/n") if s.source.train_path == "train.py"]
    assert [(s.source.path, s.hyperparameters.learning_rate, s.hyperparameters.epochs) for s in trained] == [
        ("models.py", 0.05, 12)]


@pytest.mark.parametrize("in_function", [True, False])
def test_a_lightning_wrapper_that_builds_a_repository_loss_still_trains_the_backbone_it_is_handed(in_function):
    # ViT-pytorch_lightning: the LightningModule's __init__ builds tools.LabelSmoothingLoss, an nn.Module of the
    # repository; a loss module is no network, so the wrapper still trains the VisionTransformer handed to it
    vit = (b"import torch.nn as nn\n\n\nclass VisionTransformer(nn.Module):\n"
           b"    def __init__(self, num_classes=10, **kwargs):\n        super().__init__()\n"
           b"        self.embed = nn.Conv2d(3, 64, 16, 16)\n        self.head = nn.Linear(64, num_classes)\n\n"
           b"    def forward(self, x):\n        return self.head(self.embed(x).flatten(1))\n")
    tools = (b"import torch.nn as nn\n\n\nclass LabelSmoothingLoss(nn.Module):\n"
             b"    def __init__(self, classes, smoothing=0.1):\n        super().__init__()\n"
             b"        self.smoothing = smoothing\n\n"
             b"    def forward(self, pred, target):\n        return -(pred.log_softmax(-1) * target).sum(-1).mean()\n")
    lit = (b"import torch\nimport pytorch_lightning as pl\nfrom tools import LabelSmoothingLoss\n\n\n"
           b"class LitClassifier(pl.LightningModule):\n"
           b"    def __init__(self, backbone, **kwargs):\n        super().__init__()\n"
           b"        self.save_hyperparameters(kwargs)\n"
           b"        self.criterion = LabelSmoothingLoss(kwargs['num_classes'], smoothing=0.1)\n"
           b"        self.backbone = backbone\n\n"
           b"    def forward(self, x):\n        return self.backbone(x)\n\n"
           b"    def training_step(self, batch, batch_idx):\n        x, y = batch\n"
           b"        return self.criterion(self(x), y)\n\n"
           b"    def configure_optimizers(self):\n"
           b"        return torch.optim.Adam(self.parameters(), lr=self.hparams.learning_rate)\n")
    main = (b"import argparse\nimport pytorch_lightning as pl\nfrom vit import VisionTransformer\n"
            b"from lit import LitClassifier\n\n\ndef cli():\n    parser = argparse.ArgumentParser()\n"
            b"    parser.add_argument('--learning_rate', default=1e-4, type=float)\n"
            b"    parser.add_argument('--num_classes', default=10, type=int)\n"
            b"    parser.add_argument('--max_epochs', default=3, type=int)\n    args = parser.parse_args()\n"
            b"    backbone = VisionTransformer(**vars(args))\n    model = LitClassifier(backbone, **vars(args))\n"
            b"    trainer = pl.Trainer.from_argparse_args(args)\n    trainer.fit(model)\n\n\n"
            b"if __name__ == '__main__':\n    cli()\n")
    if not in_function:  # the same script written at module level: the backbone is a top-level name
        main = b"\n".join(line[4:] if line.startswith(b"    ") else line for line in main.split(b"\n")
                          if not line.startswith((b"def cli", b"if __name__", b"    cli()")))
    (s,) = parse_files({"project/vit.py": vit, "project/tools.py": tools, "project/lit.py": lit,
                        "project/__main__.py": main}, repo="o/n")
    assert s.name == "VisionTransformer" and s.source.train_path == "project/__main__.py"
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adam", 0.0001, 3)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "LabelSmoothingLoss"


def test_settings_of_an_attribute_dict_a_function_returns_are_read():
    from pathlib import Path

    code = (Path(__file__).parent / "fixtures" / "icefall_style_params.py").read_bytes()
    (s,) = parse_files({"train.py": code})
    assert (s.hyperparameters.learning_rate, s.hyperparameters.epochs) == (0.003, 25)


def test_icefalls_scaled_adam_of_the_repositorys_optim_module_is_an_adam():
    files = {"train.py": (Path(__file__).parent / "fixtures" / "icefall_style_optim.py").read_bytes(),
             "optim.py": b"import torch\n\n\nclass ScaledAdam(torch.optim.Optimizer):\n    pass\n\n\nclass Eden:\n    pass\n"}
    (s,) = parse_files(files)
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs) == ("adam", 0.045, 30)


def test_a_folders_symbolic_link_is_the_file_it_points_at_as_in_the_harvest(tmp_path):
    """``examplenet parse DIR`` reads a link to a file of the folder as the harvest does: the module an import
    names, never a file read for models of its own (icefall's recipes link ``model.py`` to another recipe's)."""
    import os

    from corpus.readers.repository import parse_directory, read_folder

    net = (b"import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
           b"        self.fc = nn.Linear(4, 8)\n        self.out = nn.Linear(8, 2)\n\n"
           b"    def forward(self, x):\n        return self.out(self.fc(x).relu())\n")
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    (tmp_path / "a" / "model.py").write_bytes(net)
    os.symlink("../a/model.py", tmp_path / "b" / "model.py")
    (tmp_path / "b" / "train.py").write_bytes(
        b"import torch\nfrom model import Net\n\nmodel = Net()\nopt = torch.optim.SGD(model.parameters(), lr=0.3)\n"
        b"for epoch in range(4):\n    opt.zero_grad()\n    model(x).sum().backward()\n    opt.step()\n")
    files, _ = read_folder(tmp_path)
    assert "b/model.py" not in files and files.links == {"b/model.py": "a/model.py"}
    (s,) = parse_directory(tmp_path)
    assert (s.name, s.source.path, s.source.train_path, s.hyperparameters.learning_rate) == \
        ("Net", "a/model.py", "b/train.py", 0.3)


def test_a_class_named_like_its_module_and_bound_by_the_package_is_the_class():
    # ``from models import DLinear`` where models/__init__.py binds the class of models/DLinear.py: Python takes
    # the package's attribute (the class) before the submodule of that name; the training joins the class
    model = b'''import torch
import torch.nn as nn


class DLinear(nn.Module):
    def __init__(self, seq_len, pred_len):
        super().__init__()
        self.hidden = nn.Linear(seq_len, 64)
        self.linear = nn.Linear(64, pred_len)

    def forward(self, x):
        return self.linear(torch.relu(self.hidden(x)))
'''
    train = b'''import torch
from models import DLinear

model = DLinear(96, 24)
opt = torch.optim.Adam(model.parameters(), lr=0.005)
for epoch in range(12):
    for x, y in loader:
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
'''
    got = parse_files({"models/__init__.py": b"from .DLinear import DLinear\n", "models/DLinear.py": model,
                       "run.py": train})
    assert [(s.name, s.source.path, s.source.train_path) for s in got] == [("DLinear", "models/DLinear.py", "run.py")]
    (s,) = got
    assert [x.type for x in s.layers] == ["Dense", "Dense"] and not s.parse.warnings
    assert (s.hyperparameters.learning_rate, s.hyperparameters.epochs) == (0.005, 12)


def test_what_a_library_keeps_beside_its_networks_is_not_an_example():
    files = {
        # a layer class in a folder of custom layers, inside a folder of models: a layer, not a network
        "models/custom_layers/gaussian.py": b"import torch.nn as nn\nimport torch.nn.functional as F\n"
        b"class DoGConv2d(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        b"        self.conv = nn.Conv2d(1, 1, 5)\n    def forward(self, x):\n        return self.conv(x)\n",
        # a task helper that builds one embedding table for another module
        "tasks/tts.py": b"import torch\nclass TTSTask:\n    @classmethod\n    def speaker_table(cls, path):\n"
        b"        embed_speaker = torch.nn.Embedding.from_pretrained(torch.load(path))\n"
        b"        return embed_speaker\n",
        # a wrapper whose only part is the model it is handed
        "utils/extract.py": b"import torch.nn as nn\nclass Extract(nn.Module):\n"
        b"    def __init__(self, model):\n        super().__init__()\n        self.model = GraphExtractNet(model)\n"
        b"    def forward(self, x):\n        return self.model(x)\n",
        # hand-made kernels run through tf.nn.conv2d in a loop: a filtering demo
        "filters.py": b"import tensorflow as tf\n"
        b"def convolve(image, kernels):\n    images = []\n    for kernel in kernels:\n"
        b"        filtered_image = tf.nn.conv2d(image, kernel, strides=[1, 3, 3, 1], padding='SAME')\n"
        b"        images.append(filtered_image)\n    return images\n",
        # a whole network beside them stays, trained or not
        "models/lenet.py": b"import torch.nn as nn\nclass LeNet(nn.Module):\n    def __init__(self):\n"
        b"        super().__init__()\n        self.conv = nn.Conv2d(1, 6, 5)\n        self.fc = nn.Linear(864, 10)\n"
        b"    def forward(self, x):\n        return self.fc(self.conv(x).flatten(1))\n",
    }
    assert sorted(s.name for s in parse_files(files, repo="o/r")) == ["LeNet"]


def test_a_block_function_a_networks_table_names_is_not_an_example():
    code = b"""import tensorflow as tf

def batch_norm_relu(inputs, is_training):
    inputs = tf.layers.batch_normalization(inputs, training=is_training)
    return tf.nn.relu(inputs)

def residual_block(inputs, filters, is_training, strides):
    inputs = tf.layers.conv2d(inputs, filters, 3, strides=strides)
    inputs = batch_norm_relu(inputs, is_training)
    inputs = tf.layers.conv2d(inputs, filters, 3)
    return batch_norm_relu(inputs, is_training)

def resnet_generator(block_fn, layers, num_classes):
    def model(inputs, is_training):
        inputs = tf.layers.conv2d(inputs, 64, 7, strides=2)
        for i, n in enumerate(layers):
            inputs = block_fn(inputs, 64 * 2 ** i, is_training, 1)
        return tf.layers.dense(tf.reduce_mean(inputs, [1, 2]), num_classes)
    return model

def resnet_v1(depth, num_classes):
    params = {18: {'block': residual_block, 'layers': [2, 2, 2, 2]}}[depth]
    return resnet_generator(params['block'], params['layers'], num_classes)
"""
    names = [s.name for s in parse_files({"resnet_model.py": code}, repo="o/r")]
    assert "residual_block" not in names


def test_a_training_script_joins_a_builder_that_returns_another_builder_of_its_file():
    unet = b"""from tensorflow.keras.layers import Input, Conv2D, UpSampling2D
from tensorflow.keras.models import Model


def build_unet(num_classes, name):
    inputs = Input((224, 224, 3))
    x = Conv2D(16, 3, activation='relu')(inputs)
    x = UpSampling2D()(x)
    outputs = Conv2D(num_classes, 1, activation='sigmoid')(x)
    model = Model(inputs, outputs, name=name)
    return model


def unet(num_classes, name='UNET'):
    model = build_unet(num_classes, name)
    return model


def unet_small(num_classes=1):
    return unet(num_classes, 'UNET_SMALL')
"""
    train = b"""from models.segmentation import unet_small

model = unet_small(3)
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(x, y, batch_size=5, epochs=10)
"""
    files = {"models/__init__.py": b"", "models/segmentation.py": unet, "examples/train.py": train}
    (s,) = [s for s in parse_files(files, repo="o/r") if s.source.train_path == "examples/train.py"]
    assert [x.type for x in s.layers] == ["Conv2D", "UpSampling2D", "Conv2D"]
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (5, 10)


def test_the_review_cases_of_the_non_example_rules_keep_real_networks():
    files = {
        # a project folder named *_nn is no folder of parts
        "pytorch_nn/lenet.py": b"import torch.nn as nn\nclass LeNet5(nn.Module):\n    def __init__(self):\n"
        b"        super().__init__()\n        self.c1 = nn.Conv2d(1, 6, 5)\n        self.f1 = nn.Linear(864, 10)\n"
        b"    def forward(self, x):\n        return self.f1(self.c1(x).flatten(1))\n",
        # a part bound at the top of the file by an assignment is bound, not an argument handed in
        "models/blocks.py": b"import torch.nn as nn\nclass ResBlock(nn.Module):\n    def __init__(self, c):\n"
        b"        super().__init__()\n        self.conv = nn.Conv2d(c, c, 3, padding=1)\n"
        b"    def forward(self, x):\n        return x + self.conv(x)\n",
        "models/tower.py": b"import functools\nimport torch.nn as nn\nfrom models import blocks\n"
        b"Block = functools.partial(blocks.ResBlock, 64)\nclass ResTower(nn.Module):\n    def __init__(self):\n"
        b"        super().__init__()\n        self.b1 = Block()\n        self.b2 = Block()\n"
        b"    def forward(self, x):\n        return self.b2(self.b1(x))\n",
    }
    names = {s.name for s in parse_files(files, repo="o/r")}
    assert {"LeNet5", "ResTower"} <= names
