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
