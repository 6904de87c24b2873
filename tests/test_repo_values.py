"""Values that live in another file of the repository, read statically: configuration files the training code
loads, options defined by the entry script that imports a trainer, settings classes; and where they came from."""

from __future__ import annotations

import pytest

from corpus.readers.parser import parse_bytes
from corpus.readers.repository import parse_files

TORCH_MODEL = b'''import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
'''

TORCH_LOOP = '''model = Net()
opt = torch.optim.Adam(model.parameters(), lr={lr})
loader = torch.utils.data.DataLoader(None, batch_size={bs})
for epoch in range({ep}):
    for x, y in loader:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
'''


def torch_train(head: str, lr: str, bs: str, ep: str, indent: str = "") -> bytes:
    loop = TORCH_LOOP.format(lr=lr, bs=bs, ep=ep)
    body = "".join(indent + line + "\n" if line else "\n" for line in loop.splitlines())
    return (head + body).encode()


def hp_of(files: dict[str, bytes], name: str = "Net") -> tuple:
    (s,) = [s for s in parse_files(files, repo="o/n") if s.name == name]
    hp = s.hyperparameters
    return (hp.learning_rate, hp.batch_size, hp.epochs), s


YAML = b"train:\n  lr: 0.003\n  batch_size: 48\n  epochs: 9\n"


# -- 1. configuration files -----------------------------------------------------------------------


def test_yaml_loaded_in_a_with_block_at_module_level_reaches_pytorch_hyperparameters_with_its_key():
    train = torch_train('import yaml\nimport torch\nfrom model import Net\n\nwith open("configs/train.yaml") as f:\n'
                        '    cfg = yaml.safe_load(f)\n\n',
                        'cfg["train"]["lr"]', 'cfg["train"]["batch_size"]', 'cfg["train"]["epochs"]')
    files = {"model.py": TORCH_MODEL, "train.py": train, "configs/train.yaml": YAML}
    got, s = hp_of(files)
    assert got == (0.003, 48, 9)
    assert s.value_sources["learning_rate"] == "configs/train.yaml: train.lr"
    assert s.value_sources["batch_size"] == "configs/train.yaml: train.batch_size"
    assert s.value_sources["optimizer"].startswith("train.py:")  # written in the code
    assert type(s.hyperparameters.learning_rate) is float and type(s.hyperparameters.epochs) is int
    # the file read alone keeps today's behaviour: nothing from the configuration
    (alone,) = parse_bytes(train, "train.py")
    assert alone.hyperparameters.learning_rate is None


def test_tf_hparams_built_by_a_function_of_another_file_are_the_settings():
    # Tacotron 2 and its forks: hparams.py builds a tf.contrib.training.HParams bag, train.py reads hparams.X
    hparams = (b"import tensorflow as tf\n\n\ndef create_hparams(hparams_string=None):\n"
               b"    hparams = tf.contrib.training.HParams(epochs=30, learning_rate=1e-3, batch_size=64)\n"
               b"    if hparams_string:\n        hparams.parse(hparams_string)\n    return hparams\n")
    train = torch_train("import torch\nfrom model import Net\nfrom hparams import create_hparams\n\n"
                        "def train(hp):\n", "hp.learning_rate", "hp.batch_size", "hp.epochs", indent="    ")
    train += b"\n\nif __name__ == '__main__':\n    train(create_hparams(None))\n"
    got, _ = hp_of({"model.py": TORCH_MODEL, "train.py": train, "hparams.py": hparams})
    assert got == (0.001, 64, 30)


def test_inline_load_under_the_main_guard_with_get_and_attribute_access():
    train = torch_train('import yaml\nimport torch\nfrom easydict import EasyDict\nfrom model import Net\n\n'
                        'if __name__ == "__main__":\n'
                        '    cfg = EasyDict(yaml.load(open("configs/train.yaml"), Loader=yaml.FullLoader))\n',
                        'cfg.train.lr', 'cfg.train.get("batch_size", 4)', 'cfg["train"].get("max_epochs", 2)',
                        indent="    ")
    files = {"model.py": TORCH_MODEL, "train.py": train, "configs/train.yaml": YAML}
    got, _ = hp_of(files)
    assert got == (0.003, 48, 2)


def test_config_loaded_in_main_from_the_argparse_default_path():
    head = '''import argparse
import json
import torch
from model import Net


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="params.json")
    args = parser.parse_args()
    with open(args.config) as fh:
        params = json.load(fh)
'''
    train = torch_train(head, 'params["lr"]', 'params["batch_size"]', 'params["epochs"]', indent="    ")
    train += b"\n\nif __name__ == '__main__':\n    main()\n"
    files = {"model.py": TORCH_MODEL, "train.py": train, "params.json": b'{"lr": 0.02, "batch_size": 16, "epochs": 4}'}
    got, s = hp_of(files)
    assert got == (0.02, 16, 4)
    assert s.value_sources["epochs"] == "params.json: epochs"


def test_toml_and_ini_configs():
    toml_train = torch_train('import tomllib\nimport torch\nfrom model import Net\n'
                             'with open("conf/run.toml", "rb") as f:\n    conf = tomllib.load(f)\n',
                             'conf["optim"]["lr"]', 'conf["data"]["batch_size"]', 'conf["epochs"]')
    files = {"model.py": TORCH_MODEL, "train.py": toml_train,
             "conf/run.toml": b'epochs = 3\n[optim]\nlr = 0.5\n[data]\nbatch_size = 8\n'}
    assert hp_of(files)[0] == (0.5, 8, 3)
    ini_train = torch_train('import configparser\nimport torch\nfrom model import Net\n'
                            'config = configparser.ConfigParser()\nconfig.read("settings.ini")\n',
                            'config.getfloat("train", "lr")', 'int(config["train"]["batch_size"])',
                            'config.getint("train", "epochs", fallback=1)')
    files = {"model.py": TORCH_MODEL, "train.py": ini_train,
             "settings.ini": b"[train]\nlr = 0.25\nbatch_size = 12\nepochs = 6\n"}
    got, s = hp_of(files)
    assert got == (0.25, 12, 6)
    assert s.value_sources["learning_rate"] == "settings.ini: train.lr"


def test_omegaconf_load_and_a_config_in_a_sub_folder_relative_to_the_script():
    train = torch_train('import torch\nfrom omegaconf import OmegaConf\nfrom model import Net\n'
                        'cfg = OmegaConf.load("conf.yaml")\n', 'cfg.lr', 'cfg.batch_size', 'cfg.epochs')
    files = {"exp/model.py": TORCH_MODEL, "exp/train.py": train,
             "exp/conf.yaml": b"lr: 0.1\nbatch_size: 64\nepochs: 5\n", "conf.yaml": b"lr: 9\n"}
    assert hp_of(files)[0] == (0.1, 64, 5)


def test_hydra_main_with_a_defaults_list():
    head = '''import hydra
import torch
from model import Net


@hydra.main(config_path="conf", config_name="config")
def main(cfg):
'''
    train = torch_train(head, 'cfg.optim.lr', 'cfg.data.batch_size', 'cfg.epochs', indent="    ")
    files = {"model.py": TORCH_MODEL, "train.py": train,
             "conf/config.yaml": b"defaults:\n  - optim: adam\n  - data: small\n  - _self_\nepochs: 7\n",
             "conf/optim/adam.yaml": b"lr: 0.0007\n", "conf/data/small.yaml": b"batch_size: 24\n"}
    got, s = hp_of(files)
    assert got == (0.0007, 24, 7)
    assert s.value_sources["learning_rate"] == "conf/optim/adam.yaml: lr"


KERAS_MODEL = b'''from tensorflow import keras


def build_model(n=10):
    model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(n)])
    return model
'''


def test_keras_reads_a_yaml_config_through_the_interpreter():
    train = b'''import yaml
import tensorflow as tf
from model import build_model


def main():
    with open("config.yaml") as f:
        cfg = yaml.safe_load(f)
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=cfg["lr"]), loss="mse")
    model.fit(None, None, epochs=cfg["training"]["epochs"], batch_size=cfg.get("batch_size", 32))


main()
'''
    files = {"model.py": KERAS_MODEL, "train.py": train,
             "config.yaml": b"lr: 0.004\nbatch_size: 256\ntraining:\n  epochs: 11\n"}
    got, s = hp_of(files, "build_model")
    assert got == (0.004, 256, 11)
    assert s.value_sources["epochs"] == "config.yaml: training.epochs"


def test_a_config_file_outside_the_repository_or_missing_gives_nothing():
    train = torch_train('import yaml\nimport torch\nfrom model import Net\n'
                        'cfg = yaml.safe_load(open("../secrets/train.yaml"))\n', 'cfg["lr"]', '8', '1')
    files = {"model.py": TORCH_MODEL, "train.py": train}
    assert hp_of(files)[0] == (None, 8, 1)


# -- 2. options defined by the script that imports the trainer ------------------------------------


TRAINER = torch_train('import torch\nfrom model import Net\n\n\ndef train(args):\n', 'args.lr', 'args.batch_size',
                      'args.epochs', indent="    ")


def test_a_trainer_module_gets_the_options_of_the_entry_script_that_imports_it():
    main = b'''import argparse
from trainer import train

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.05)
parser.add_argument("--batch_size", type=int, default=20)
parser.add_argument("--epochs", type=int, default=30)
train(parser.parse_args())
'''
    files = {"model.py": TORCH_MODEL, "trainer.py": TRAINER, "main.py": main}
    assert hp_of(files)[0] == (0.05, 20, 30)


def test_options_reach_a_trainer_through_one_more_module_or_the_only_file_defining_options():
    opts = b'''import argparse
from engine import run

p = argparse.ArgumentParser()
p.add_argument("--lr", default=0.3)
p.add_argument("--batch_size", default=2)
p.add_argument("--epochs", default=3)
run(p.parse_args())
'''
    engine = b"from trainer import train\n\n\ndef run(a):\n    train(a)\n"
    files = {"model.py": TORCH_MODEL, "trainer.py": TRAINER, "engine.py": engine, "cli.py": opts}
    assert hp_of(files)[0] == (0.3, 2, 3)
    # no import path at all: the one file of the repository that defines options
    lonely = opts.replace(b"from engine import run\n", b"").replace(b"run(p.parse_args())\n", b"")
    files = {"model.py": TORCH_MODEL, "trainer.py": TRAINER, "options.py": lonely}
    assert hp_of(files)[0] == (0.3, 2, 3)


# -- 3. settings classes and namespaces ---------------------------------------------------------


PARAMS = b'''from dataclasses import dataclass, field


@dataclass
class Params:
    lr: float = 1e-3
    batch_size: int = 12
    epochs: int = field(default=40)
    name: str = "run"


class Config:
    LR = 0.01
    BATCH = 256
    EPOCHS = 2


class ModelConfigs:
    def __init__(self):
        self.model_path = "Models/run"
        self.batch_size = 16
        self.learning_rate = 0.0005
        self.train_epochs = 1000
'''


@pytest.mark.parametrize("head,lr,bs,ep,want", [
    ("from params import Params\nparams = Params(batch_size=7)\n", "params.lr", "params.batch_size", "params.epochs",
     (1e-3, 7, 40)),
    ("from params import Config\n", "Config.LR", "Config.BATCH", "Config.EPOCHS", (0.01, 256, 2)),
    ("import params as P\ncfg = P.Config()\n", "cfg.LR", "cfg.BATCH", "cfg.EPOCHS", (0.01, 256, 2)),
    # settings set in __init__ (mltu's ModelConfigs)
    ("from params import ModelConfigs\nconfigs = ModelConfigs()\n", "configs.learning_rate", "configs.batch_size",
     "configs.train_epochs", (5e-4, 16, 1000)),
    ("from types import SimpleNamespace\nhp = SimpleNamespace(lr=0.2, bs=5, ep=6)\n", "hp.lr", "hp.bs", "hp.ep",
     (0.2, 5, 6)),
    ("hp = dict(lr=0.2, bs=5, ep=6)\n", "hp['lr']", "hp['bs']", "hp.get('ep')", (0.2, 5, 6)),
])
def test_settings_classes_and_namespaces(head, lr, bs, ep, want):
    train = torch_train("import torch\nfrom model import Net\n" + head, lr, bs, ep)
    files = {"model.py": TORCH_MODEL, "params.py": PARAMS, "train.py": train}
    assert hp_of(files)[0] == want


def test_a_settings_class_in_the_same_file_for_both_frameworks():
    train = torch_train("import torch\nfrom model import Net\n" + PARAMS.decode().split("\n", 1)[1]
                        + "\nparams = Params()\n", "params.lr", "params.batch_size", "Config.EPOCHS")
    files = {"model.py": TORCH_MODEL, "train.py": b"from dataclasses import dataclass, field\n" + train}
    assert hp_of(files)[0] == (1e-3, 12, 2)
    keras = b'''from params import Params
from model import build_model
p = Params()
model = build_model()
model.compile(optimizer="sgd", loss="mse")
model.fit(None, None, epochs=p.epochs, batch_size=p.batch_size)
'''
    files = {"model.py": KERAS_MODEL, "params.py": PARAMS, "train.py": keras}
    got, _ = hp_of(files, "build_model")
    assert got[1:] == (12, 40)


# -- loaders written by the repository --------------------------------------------------------------


def test_a_loader_function_of_the_script_and_a_config_loaded_by_an_imported_module():
    head = '''import yaml
import torch
from pathlib import Path
from model import Net


def load_config(path="configs/default.yaml"):
    with open(path) as f:
        conf = yaml.safe_load(f)
    return conf


cfg = load_config("configs/train.yaml")
other = yaml.safe_load(Path("configs/train.yaml").read_text())
'''
    train = torch_train(head, 'cfg["train"]["lr"]', 'other["train"]["batch_size"]', 'load_config()["epochs"]')
    files = {"model.py": TORCH_MODEL, "train.py": train, "configs/train.yaml": YAML,
             "configs/default.yaml": b"epochs: 13\n"}
    assert hp_of(files)[0] == (0.003, 48, 13)
    # a settings module that loads the configuration; the script imports its value
    settings = b'import json\nwith open("params.json") as f:\n    PARAMS = json.load(f)\n'
    train = torch_train("import torch\nfrom model import Net\nfrom conf.settings import PARAMS\n",
                        'PARAMS["lr"]', 'PARAMS["bs"]', '2')
    files = {"model.py": TORCH_MODEL, "train.py": train, "conf/settings.py": settings,
             "conf/params.json": b'{"lr": 0.125, "bs": 3}'}
    got, s = hp_of(files)
    assert got == (0.125, 3, 2) and s.value_sources["learning_rate"] == "conf/params.json: lr"


def test_hydra_config_reaches_the_keras_interpreter():
    train = b'''import hydra
from model import build_model


@hydra.main(config_path="conf", config_name="config")
def main(cfg):
    model = build_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(None, None, epochs=cfg.epochs, batch_size=cfg.data.batch_size)


if __name__ == "__main__":
    main()
'''
    files = {"model.py": KERAS_MODEL, "train.py": train, "conf/config.yaml": b"defaults:\n  - data: small\nepochs: 5\n",
             "conf/data/small.yaml": b"batch_size: 7\n"}
    got, s = hp_of(files, "build_model")
    assert got == (None, 7, 5) and s.value_sources["batch_size"] == "conf/data/small.yaml: batch_size"


def test_the_parameters_of_a_repository_module_are_read_with_one_parse_of_it(monkeypatch):
    """keras' ops modules are called thousands of times by name: reading a callee's parameters must not parse its
    file again per name (a harvest worker ran out of memory on keras-team/keras so)."""
    import corpus.readers.script as script_module
    from corpus.readers.evaluate import UNKNOWN
    from corpus.readers.repo_context import RepoContext

    ops = b"def add(x, y):\n    return x + y\n\n\ndef batches(data, batch_size=32, shuffle=True):\n    return data\n\n\n" \
          b"class Loader:\n    def __init__(self, root, batch_size=16):\n        self.root = root\n"
    ctx = RepoContext({"lib/ops.py": ops})
    made = []
    real = script_module.Script

    def counting(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(script_module, "Script", counting)
    assert ctx.call_parameters("lib/ops.py", "add") == [("x", UNKNOWN), ("y", UNKNOWN)]
    assert ctx.call_parameters("lib/ops.py", "batches") == [("data", UNKNOWN), ("batch_size", 32), ("shuffle", True)]
    assert ctx.call_parameters("lib/ops.py", "Loader") == [("root", UNKNOWN), ("batch_size", 16)]
    assert ctx.call_parameters("lib/ops.py", "missing") is None
    assert len(made) == 1


def test_a_loader_function_called_through_its_module_and_a_compile_splatted_from_the_config():
    nets = b'''from tensorflow import keras


def make_net(width):
    inp = keras.Input(shape=(width,))
    h = keras.layers.Dense(64, activation="relu")(inp)
    return keras.Model(inp, keras.layers.Dense(width)(h))
'''
    helpers = b'''import yaml


def read_settings():
    with open("settings.yaml") as stream:
        conf = yaml.safe_load(stream)
    return conf
'''
    run = b'''import helpers as H
import nets

if __name__ == "__main__":
    conf = H.read_settings()
    for part in ["a", "b"]:
        net = nets.make_net(conf["width"])
        net.compile(**conf["fit"]["compile"])
        net.fit(None, None, epochs=conf["fit"]["epochs"], batch_size=conf["fit"]["batch_size"])
'''
    settings = b"width: 40\nfit:\n  compile:\n    optimizer: adam\n    loss: mean_squared_error\n  epochs: 7\n" \
               b"  batch_size: 256\n"
    files = {"nets.py": nets, "helpers.py": helpers, "run.py": run, "settings.yaml": settings}
    (s,) = parse_files(files, repo="o/n")
    hp = s.hyperparameters
    assert (s.name, s.source.train_path, [x.type for x in s.layers]) == ("make_net", "run.py", ["Dense", "Dense"])
    assert (hp.optimizer, hp.loss, hp.epochs, hp.batch_size) == ("adam", "mse", 7, 256)
    # the same script for PyTorch: the evaluator calls the module's loader too
    train = torch_train("import torch\nimport helpers as H\nfrom model import Net\nconf = H.read_settings()\n",
                        'conf["lr"]', 'conf["bs"]', 'conf["epochs"]')
    files = {"model.py": TORCH_MODEL, "train.py": train, "helpers.py": helpers,
             "settings.yaml": b"lr: 0.02\nbs: 12\nepochs: 4\n"}
    assert hp_of(files)[0] == (0.02, 12, 4)


def test_a_data_function_called_through_its_module_runs_with_the_arguments_it_is_given():
    data = b'''import torch
from torchvision import datasets


def make_loader(split, batch_size=1, shuffle=False):
    ds = datasets.MNIST("data", train=split == "train", download=True)
    return torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle)
'''
    train = b'''import torch
import data as D
from model import Net

BS = 24
loader = D.make_loader("train", batch_size=BS, shuffle=True)
model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for epoch in range(3):
    for x, y in loader:
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
'''
    got, s = hp_of({"model.py": TORCH_MODEL, "data.py": data, "train.py": train})
    assert got == (0.05, 24, 3)
    assert s.datasets == ["mnist"]


def test_a_toml_loader_in_another_file_is_read_like_a_yaml_one():
    helpers = b'import tomllib\n\n\ndef settings():\n    with open("run.toml", "rb") as f:\n        return tomllib.load(f)\n'
    train = torch_train("import torch\nimport helpers\nfrom model import Net\nconf = helpers.settings()\n",
                        'conf["lr"]', 'conf["bs"]', 'conf["epochs"]')
    files = {"model.py": TORCH_MODEL, "train.py": train, "helpers.py": helpers,
             "run.toml": b"lr = 0.07\nbs = 5\nepochs = 2\n"}
    assert hp_of(files)[0] == (0.07, 5, 2)


def test_a_repository_training_helper_that_builds_its_own_optimizer_trains_with_it():
    helper = b'''import torch
from torch import optim


def train_classifier(model, batches, loss_fn, epochs, rate=None):
    opt = optim.SGD(model.parameters(), lr=rate, momentum=0.9)
    for _ in range(epochs):
        for x, y in batches:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
'''
    script = b'''import torch
from torch import nn, optim
from tools.training import train_classifier

net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
rate, passes = 0.3, 8
unused = optim.Adam(net.parameters(), lr=0.001)
train_classifier(net, train_batches, nn.CrossEntropyLoss(), passes, rate)

other = nn.Sequential(nn.Flatten(), nn.Linear(784, 2))
own = optim.Adam(other.parameters(), lr=0.002)
train_classifier(other, train_batches, nn.CrossEntropyLoss(), passes, own)
'''
    got = {s.name: s.hyperparameters for s in parse_files({"tools/__init__.py": b"", "tools/training.py": helper,
                                                          "run.py": script})}
    assert (got["net"].optimizer, got["net"].learning_rate, got["net"].epochs) == ("sgd", 0.3, 8)
    # handed its own optimizer, the script's stays
    assert (got["other"].optimizer, got["other"].learning_rate) == ("adam", 0.002)


def test_an_agent_class_built_by_another_file_takes_the_values_that_file_gives_it():
    agent = b'''import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, 50)
        self.out = nn.Linear(50, n_out)

    def forward(self, x):
        return self.out(F.relu(self.fc1(x)))


class Learner:
    def __init__(self, n_in, n_out, lr, gamma=0.9):
        self.net = Net(n_in, n_out)
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=lr)

    def learn(self, s, target):
        loss = F.mse_loss(self.net(s), target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
'''
    main = b'''from learner import Learner

RATE = 0.005
agent = Learner(4, 2, lr=RATE)
for episode in range(300):
    agent.learn(state, target)
'''
    (s,) = parse_files({"learner.py": agent, "main.py": main})
    assert (s.name, s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("Net", "adam", 0.005)


def test_a_raw_graph_trains_in_the_batches_a_repository_data_helper_is_given_by_an_attribute():
    # stanford-tensorflow-tutorials' ConvNet: self.batch_size = 128 handed to utils.get_mnist_dataset(batch_size)
    utils = b'''import tensorflow as tf


def get_mnist_dataset(batch_size):
    train = tf.data.Dataset.from_tensor_slices(read_mnist())
    return train.batch(batch_size)
'''
    model = b'''import tensorflow as tf
import utils


class ConvNet(object):
    def __init__(self):
        self.lr = 0.001
        self.batch_size = 128

    def get_data(self):
        train_data = utils.get_mnist_dataset(self.batch_size)
        iterator = tf.data.Iterator.from_structure(train_data.output_types, train_data.output_shapes)
        self.img, self.label = iterator.get_next()

    def inference(self):
        conv = tf.layers.conv2d(self.img, 32, [5, 5], activation=tf.nn.relu)
        self.logits = tf.layers.dense(tf.layers.flatten(conv), 10)

    def loss(self):
        self.loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=self.label, logits=self.logits))

    def optimize(self):
        self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss)

    def build(self):
        self.get_data()
        self.inference()
        self.loss()
        self.optimize()


model = ConvNet()
model.build()
'''
    (s,) = [x for x in parse_files({"utils.py": utils, "convnet.py": model}, repo="o/r") if x.source.path == "convnet.py"]
    assert s.hyperparameters.batch_size == 128
