"""Input generators shared by tests/test_fuzz.py and bench/fuzz.py.

Seeds are small model scripts written for these tests; mutations cut,
splice, garble, nest and re-encode them the way real broken files look.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from corpus.record.summary import Hyperparameters, Layer, Source, Summary

SEEDS: dict[str, str] = {
    "keras_seq.py": """\
from tensorflow import keras
from tensorflow.keras import layers
(x, y), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
model.fit(x, y, batch_size=128, epochs=12)
""",
    "torch_net.py": """\
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.fc1 = nn.Linear(16 * 26 * 26, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)

model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loader = DataLoader(train_set, batch_size=64)
for epoch in range(5):
    for x, y in loader:
        opt.zero_grad()
        loss = F.nll_loss(model(x), y)
        loss.backward()
        opt.step()
""",
    "keras1_py2.py": """\
from keras.models import Sequential
from keras.layers import Dense, Convolution2D, Activation
model = Sequential()
model.add(Convolution2D(32, 3, 3, border_mode='same', input_shape=(1, 28, 28)))
model.add(Activation('relu'))
model.add(Dense(10, init='uniform'))
model.compile(loss='categorical_crossentropy', optimizer='sgd')
print "training"
model.fit(X, Y, nb_epoch=10, batch_size=32)
""",
}

_JUNK = ["(", ")", "[", "]", ":", "\n", "    ", "lambda", "\x00", "\\", "'''", '"', "#", "@", "\t", "é", "\ufeff"]


def mutate(code: str, rng: random.Random) -> bytes:
    """One random mutation (or a few stacked) of a seed script."""
    text = code
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(7)
        if op == 0 and text:  # cut off
            text = text[: rng.randrange(len(text))]
        elif op == 1:  # splice junk tokens
            for _ in range(rng.randint(1, 20)):
                i = rng.randrange(len(text) + 1)
                text = text[:i] + rng.choice(_JUNK) + text[i:]
        elif op == 2:  # deep nesting
            depth = rng.choice([50, 500, 5000])
            text += "\nx = " + "(" * depth + "1" + ")" * rng.choice([depth, depth // 2]) + "\n"
        elif op == 3:  # duplicate a random span
            if text:
                i, j = sorted(rng.randrange(len(text)) for _ in range(2))
                text = text[:j] + text[i:j] * rng.randint(1, 5) + text[j:]
        elif op == 4:  # shuffle lines
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
        elif op == 5:  # wrong indentation
            text = "\n".join(("  " if rng.random() < 0.3 else "") + line for line in text.split("\n"))
        else:  # garble bytes
            raw = bytearray(text.encode("utf-8"))
            for _ in range(rng.randint(1, 30)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            return bytes(raw)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def mutated_script(draw: st.DrawFn) -> bytes:
    seed = draw(st.sampled_from(sorted(SEEDS)))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    return mutate(SEEDS[seed], rng)


def population(n: int = 60) -> list[Summary]:
    """A plain, varied population of image classifiers to compare against."""
    out = []
    for i in range(n):
        layers = [
            Layer("Conv2D", "Conv2D", {"filters": 32}, "relu"),
            Layer("MaxPooling2D", "MaxPooling2D"),
            Layer("Flatten", "Flatten"),
            Layer("Dense", "Dense", {"units": 128}, "relu"),
        ]
        if i % 3:
            layers.append(Layer("Dropout", "Dropout", {"rate": 0.5}))
        layers.append(Layer("Dense", "Dense", {"units": 10}, "softmax"))
        out.append(
            Summary(
                id=f"p{i}",
                name="model",
                source=Source(repo=f"o/r{i}", path="m.py"),
                framework="keras" if i % 2 else "pytorch",
                task="image_classification",
                datasets=["mnist"],
                layers=layers,
                hyperparameters=Hyperparameters(
                    optimizer="adam", learning_rate=[1e-3, 1e-4, 3e-4][i % 3],
                    batch_size=[32, 64, 128][i % 3], epochs=[10, 20, 5][i % 3],
                    loss="categorical_crossentropy",
                ),
            )
        )
    return out


# -- whole repositories (issue 14): the repository pass (imports, configs, the join) fuzzed ------

_MODEL_DEF = """import torch
import torch.nn as nn
{imports}

class {name}(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear({width}, HIDDEN)
        self.block = {block}
        self.fc2 = nn.Linear(HIDDEN, 10)

    def forward(self, x):
        return self.fc2(self.block(self.fc1(x)))


def get_model(args=None):
    return {name}()
"""

_TRAINER = """import torch
import yaml
import json
import argparse
{imports}

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default={lr})
parser.add_argument("--config", default="{config}")
args = parser.parse_args()
cfg = yaml.safe_load(open(args.config))
extra = json.load(open("{json_config}"))
model = {make}
opt = torch.optim.Adam(model.parameters(), lr=cfg.get("lr", args.lr))
for epoch in range(cfg["epochs"] if "epochs" in cfg else EPOCHS):
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
"""


def _laughs(depth: int) -> str:
    return "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(depth))


def _config(rng: random.Random) -> bytes:
    """A configuration file: sound, or one of the hostile kinds (tags, aliases, nesting, garbage)."""
    kind = rng.randrange(9)
    if kind == 0:
        return b"lr: !!python/object/apply:os.system ['true']\nepochs: 3\n"
    if kind == 1:
        return _laughs(rng.choice([3, 9, 12])).encode()
    if kind == 2:
        depth = rng.choice([10, 64, 65, 1000, 100_000])
        return b"[" * depth + b"]" * depth
    if kind == 3:
        return rng.randbytes(rng.randint(0, 2000))
    if kind == 4:
        return b"&a [*a]\n"
    if kind == 5:
        return b"lr: 0.01\nepochs: " + rng.choice([b"5", b"'ten'", b"[1, 2]", b"{x: 1}", b"null", b"1e400"]) + b"\n"
    if kind == 6:
        return mutate("lr: 0.001\nepochs: 12\nbatch_size: 64\nmodel:\n  hidden: [64, 64]\n", rng)
    if kind == 7:
        return b"%YAML 1.1\n---\nlr: 0.1\n---\nepochs: 2\n"
    return b"lr: 0.003\nepochs: 7\nbatch_size: 32\n"


def random_repository(rng: random.Random) -> dict[str, bytes]:
    """A small repository written to stress the repository pass: models defined in one file and built in
    another, imports through packages and wildcards, import cycles (a module importing itself, two
    modules importing each other, ``__init__`` re-exports that loop), constants and options defined
    elsewhere, configuration files (sound and hostile) the trainers load, and mutated or garbage files."""
    files: dict[str, bytes] = {}
    pkg = rng.choice(["models", "src/models", "lib/nets", ""])
    prefix = f"{pkg}/" if pkg else ""
    dotted = pkg.replace("/", ".")
    names = [f"Net{i}" for i in range(rng.randint(1, 4))]
    for i, name in enumerate(names):
        imports = rng.choice(["from .common import *", "from common import HIDDEN", "from common import Block, HIDDEN",
                              "from .common import Block", "import common", f"import {dotted or 'common'}",
                              f"from .{name.lower()} import {name}", "from . import *", "HIDDEN = 32"])
        block = rng.choice(["nn.ReLU()", "Block()", f"{names[(i + 1) % len(names)]}()", "common.Block()",
                            "nn.Sequential(*[nn.Linear(HIDDEN, HIDDEN) for _ in range(DEPTH)])"])
        code = _MODEL_DEF.format(imports=imports, name=name, width=rng.choice([4, 784, "IN_FEATURES"]),
                                 block=block)
        files[f"{prefix}{name.lower()}.py"] = mutate(code, rng) if rng.random() < 0.25 else code.encode()
    files[f"{prefix}common.py"] = rng.choice([
        b"HIDDEN = 64\nDEPTH = 3\nIN_FEATURES = 784\nfrom common import *\n",
        b"from .net0 import *\nHIDDEN = HIDDEN + 1\n",
        b"import torch.nn as nn\nHIDDEN = 16\nDEPTH = 2\nIN_FEATURES = 8\n\n\nclass Block(nn.Module):\n"
        b"    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(HIDDEN, HIDDEN)\n\n"
        b"    def forward(self, x):\n        return self.l(x)\n",
    ])
    if pkg:
        files[f"{prefix}__init__.py"] = rng.choice([
            "".join(f"from .{n.lower()} import {n}\n" for n in names).encode(),
            b"from .common import *\nfrom . import common\n", b"from models import *\n", b""])
    files["config.py"] = rng.choice([b"EPOCHS = 10\nLR = 1e-3\n", b"from train import *\nEPOCHS = 5\n",
                                     b"import config\nEPOCHS = config.EPOCHS\n"])
    configs = [f"configs/c{i}.{rng.choice(['yaml', 'yml', 'json', 'toml'])}" for i in range(rng.randint(1, 4))]
    for c in configs:
        files[c] = _config(rng)
    for t in range(rng.randint(1, 3)):
        name = rng.choice(names)
        module = f"{dotted}.{name.lower()}" if dotted else name.lower()
        imports = rng.choice([f"from {module} import {name}", f"from {dotted or module} import *",
                              f"import {module} as M", f"from {module} import get_model"]) + \
            "\nfrom config import *" * rng.randint(0, 1) + "\nfrom train import *" * (rng.random() < 0.2)
        make = rng.choice([f"{name}()", "M." + name + "()", "get_model(args)", f"{name}().cuda()"])
        code = _TRAINER.format(imports=imports, lr=rng.choice(["0.01", "1e-3", "LR", "'x'"]),
                               config=rng.choice(configs), json_config=rng.choice(configs), make=make)
        path = rng.choice(["train.py", f"scripts/train{t}.py", f"{prefix}train_{t}.py", "main.ipynb"])
        if path.endswith(".ipynb"):
            files[path] = __import__("json").dumps(
                {"cells": [{"cell_type": "code", "source": code.splitlines(True)}]}).encode()
        else:
            files[path] = mutate(code, rng) if rng.random() < 0.25 else code.encode()
    if rng.random() < 0.3:
        files["README.md"] = b"# A model\nTrained on MNIST.\n```python\nimport torch\nmodel = Net0()\n```\n"
    if rng.random() < 0.2:
        files["junk.py"] = rng.randbytes(rng.randint(0, 3000))
    return files
