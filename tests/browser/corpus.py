"""A tiny, hand-written corpus for the session and app tests.

Every summary is built here (no harvested data), so the tests run in a fresh
clone. It is shaped so that the interesting cases happen: PyTorch has
CIFAR-10 but no CIFAR-100 examples (the relaxing notice), some examples use
attention, depths vary around 10 layers, and one record carries hostile
strings (markup in its repository, path, dataset and layer names, a
``javascript:`` URL) that must reach the browser as text.
"""

from __future__ import annotations

from corpus.record.summary import Hyperparameters, Layer, Source, Summary, github_url, make_id

HOSTILE_REPO = "evil/<img src=x onerror=window.__pwned=1>"
HOSTILE_PATH = "<script>window.__pwned=2</script>.py"

_CNN = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"]
_DEEP_CNN = ["Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization", "MaxPooling2D", "Dropout",
             "Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization", "MaxPooling2D", "Dropout",
             "Flatten", "Dense", "Dropout", "Dense"]
_MLP = ["Flatten", "Dense", "Dropout", "Dense"]
_LSTM = ["Embedding", "LSTM", "Dense"]
_BILSTM_ATT = ["Embedding", "Bidirectional", "Attention", "Dense", "Dropout", "Dense"]
_TS = ["LSTM", "Dropout", "LSTM", "Dense"]
_GAN = ["Dense", "BatchNormalization", "Dense", "BatchNormalization", "Dense"]


def _layers(types: list[str], last: str) -> list[Layer]:
    out = []
    for i, t in enumerate(types):
        act = None
        if t in ("Conv2D", "Dense", "LSTM"):
            act = last if i == len(types) - 1 else "relu"
        out.append(Layer(type=t, raw=t, activation=act, line=10 + i))
    return out


def make(repo: str, path: str, framework: str, task: str, datasets: list[str], types: list[str], *,
         lr: float | None = 1e-3, batch: int | None = 64, epochs: int | None = 10,
         optimizer: str | None = "adam", loss: str | None = "categorical_crossentropy",
         last: str = "softmax", tricks: list[str] | None = None, license: str | None = "MIT",
         name: str = "model", url: str | None = None) -> Summary:
    """One example summary with the fields the app shows."""
    commit = "0" * 40
    line_end = 10 + len(types) + 20
    src = Source(repo=repo, commit=commit, path=path, line_start=10, line_end=line_end, license=license,
                 url=url if url is not None else github_url(repo, commit, path, 10, line_end))
    found_tricks = set(tricks or [])
    if "Dropout" in types:
        found_tricks.add("dropout")
    if "BatchNormalization" in types:
        found_tricks.add("batch_norm")
    if "Attention" in types:
        found_tricks.add("attention")
    return Summary(
        id=make_id(repo, commit, path, name, 10), name=name, source=src, framework=framework, task=task,
        datasets=datasets, layers=_layers(types, last),
        hyperparameters=Hyperparameters(optimizer=optimizer, learning_rate=lr, batch_size=batch,
                                        epochs=epochs, loss=loss),
        tricks=sorted(found_tricks),
    )


def tiny_corpus() -> list[Summary]:
    """About 70 examples over five tasks, both frameworks, and one hostile record."""
    out: list[Summary] = []
    for i in range(10):
        out.append(make(f"kerasfan{i}/mnist-cnn", "mnist_cnn.py", "keras", "image_classification", ["mnist"],
                        _CNN, batch=128, epochs=12, lr=None if i % 3 else 1e-3))
        out.append(make(f"torchfan{i}/mnist", f"examples/mnist{i}/main.py", "pytorch", "image_classification",
                        ["mnist"], _CNN if i % 2 else _MLP, lr=0.01, batch=64, epochs=14, optimizer="sgd",
                        license="BSD-3-Clause" if i % 2 else "Apache-2.0"))
    for i in range(8):
        out.append(make(f"cifarlab{i}/cifar10-keras", "train_cifar10.py", "keras", "image_classification",
                        ["cifar10"], _DEEP_CNN, batch=32, epochs=50, tricks=["data_augmentation"]))
        out.append(make(f"visionclub{i}/cifar10-pytorch", "cifar/train.py", "pytorch", "image_classification",
                        ["cifar10"], _DEEP_CNN if i % 2 else _CNN, lr=0.1, batch=128, epochs=200,
                        optimizer="sgd", tricks=["lr_schedule", "data_augmentation"]))
        out.append(make(f"cifarlab{i}/cifar100-keras", "train_cifar100.py", "keras", "image_classification",
                        ["cifar100"], _DEEP_CNN, batch=64, epochs=100))
    for i in range(8):
        out.append(make(f"nlpfan{i}/imdb-sentiment", "sentiment_lstm.py", "keras", "text_classification",
                        ["imdb"], _LSTM if i % 2 else _BILSTM_ATT, batch=32, epochs=5,
                        loss="binary_crossentropy", last="sigmoid"))
        out.append(make(f"textlab{i}/pytorch-sentiment", "sentiment.py", "pytorch", "text_classification",
                        ["imdb"], _LSTM, batch=64, epochs=5, loss="binary_crossentropy", last="sigmoid"))
    for i in range(5):
        out.append(make(f"quant{i}/stock-lstm", "stock_prediction.py", "keras", "time_series_forecasting",
                        ["yahoo_finance"], _TS, batch=32, epochs=100, loss="mse", last="linear"))
        out.append(make(f"ganfan{i}/simple-gan", "gan.py", "pytorch", "image_generation", ["mnist"], _GAN,
                        lr=2e-4, batch=64, epochs=200, loss="binary_crossentropy", last="tanh",
                        name="generator"))
    out.append(make(HOSTILE_REPO, HOSTILE_PATH, "keras", "image_classification",
                    ["<b>mnist</b>"], ["Conv2D", "<img src=y onerror=window.__pwned=3>", "Dense"],
                    url="javascript:window.__pwned=4", name="<svg onload=window.__pwned=5>"))
    return out


# A flawed Keras model (written for these tests): no activation on the hidden
# layers, no dropout, a learning rate of 5 and 5000 epochs.
FLAWED_KERAS_MODEL = '''\
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(512),
    layers.Dense(256),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=5.0),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=5000)
'''
