"""`examplenet compare FILE`: parse, retrieve, compare, print (text and --json), clear errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from fixtures.compare_population import image_population, text_population

from assistant.compare_cli import inferred_query, read_model, run_compare

pytest.importorskip("corpus.readers.parser")


@pytest.fixture(scope="module")
def index():
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    return ExampleIndex.from_summaries(image_population(100) + text_population(60), embedder=HashEmbedder())


def args(file, **kw) -> argparse.Namespace:
    base = dict(file=str(file), task=None, k=100, json=False, index_dir=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_json_report_for_a_flawed_model(index, capsys):
    code = run_compare(args(FIXTURES / "compare_huge_epochs.py", json=True), index=index)
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"model", "population", "findings"}
    assert out["model"]["hyperparameters"]["epochs"] == 5000
    pop = out["population"]
    # Its own dataset on its task first, then its task: all 100 image classifiers, none of the text ones.
    assert pop["count"] == 100 and pop["filters"] == {}
    assert [t["what"] for t in pop["tiers"]] == ["dataset", "task"]
    assert pop["tiers"][0]["filters"] == {"dataset": "mnist", "task": "image_classification"}
    assert sum(t["count"] for t in pop["tiers"]) == 100
    assert pop["how"].startswith(f"100 examples: {pop['tiers'][0]['count']} MNIST image classification examples, "
                                 "then ")
    assert pop["query"].startswith("image classification mnist Conv2D")
    assert len(pop["ids"]) == 100 and all(i.startswith("img") for i in pop["ids"])
    (f,) = out["findings"]
    assert f["kind"] == "huge_epochs" and f["severity"] == "warning"
    assert f["message"].startswith("your 5000 epochs is more than 100 of 100 examples")
    assert f["evidence"]["value"] == 5000


def test_text_report_lists_findings(index, capsys):
    assert run_compare(args(FIXTURES / "compare_missing_dense.py"), index=index) == 0
    out = capsys.readouterr().out
    first, second = out.splitlines()[:2]
    assert first == f"{FIXTURES / 'compare_missing_dense.py'}:"
    assert second.startswith("  model (keras, image classification, mnist), 4 layers: ")
    assert "compared with 100 examples: " in out and " MNIST image classification examples, then " in out
    assert "ranked by 'image classification mnist" in out
    assert "WARNING [missing_dense] your classifier ends with Flatten" in out
    assert "1 warning, 0 notes:" in out


def test_ordinary_model_prints_no_warning(index, capsys):
    assert run_compare(args(FIXTURES / "compare_ordinary_keras_cnn.py"), index=index) == 0
    out = capsys.readouterr().out
    assert "WARNING" not in out
    assert "No differences from common practice found" in out


def test_task_words_are_the_query(index, capsys):
    run_compare(args(FIXTURES / "compare_ordinary_keras_lstm.py", task="movie review sentiment",
                     json=True, k=30), index=index)
    out = json.loads(capsys.readouterr().out)
    assert out["population"]["query"] == "movie review sentiment"
    assert out["population"]["count"] == 30


def test_missing_index_names_the_build_command(tmp_path, capsys):
    code = run_compare(args(FIXTURES / "compare_ordinary_keras_cnn.py", index_dir=str(tmp_path / "nowhere")))
    assert code == 2
    err = capsys.readouterr().err
    assert "examplenet index build" in err


def test_file_without_a_model(tmp_path, capsys, index):
    p = tmp_path / "plain.py"
    p.write_text("import os\nprint(os.getcwd())\n")
    assert run_compare(args(p), index=index) == 1
    assert "no model found in" in capsys.readouterr().err


def test_missing_file(capsys, index):
    assert run_compare(args("no/such/file.py"), index=index) == 1
    assert "no such file: no/such/file.py" in capsys.readouterr().err


def test_through_the_cli_entry_point(tmp_path, capsys):
    import cli

    code = cli.main(["compare", str(FIXTURES / "compare_missing_loss.py"), "--index-dir", str(tmp_path)])
    assert code == 2 and "examplenet index build" in capsys.readouterr().err


def test_the_file_is_parsed_never_run(tmp_path, index, capsys):
    canary = tmp_path / "canary"
    p = tmp_path / "evil.py"
    p.write_text(
        f"open({str(canary)!r}, 'w').write('ran')\n"
        "from tensorflow import keras\n"
        "model = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
    )
    assert run_compare(args(p), index=index) == 0
    assert not canary.exists()


def test_read_model_prefers_the_trained_model():
    model, others = read_model(FIXTURES / "compare_ordinary_torch_cnn.py")
    assert model.name == "Net" and others == []
    # the words leave out what the checks judge (dropout, normalization, activations)
    assert inferred_query(model) == "image classification mnist Conv2D MaxPooling2D Flatten Dense"


# -- the population: own dataset and task first -------------------------------------------

CIFAR_MODEL = """import tensorflow as tf
from tensorflow.keras import layers
(x, y), _ = tf.keras.datasets.cifar10.load_data()
model = tf.keras.Sequential([
    layers.Conv2D(32, 3, activation='relu', input_shape=(32, 32, 3)),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation='relu'),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(128, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x, y, epochs=20, batch_size=64)
"""


@pytest.fixture(scope="module")
def cifar_index():
    """5 CIFAR-10 and 6 CIFAR-100 image classifiers (Keras), 40 MNIST ones (half PyTorch), 30 text classifiers."""
    import random

    from fixtures.compare_population import cnn_layers, summary

    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    rng = random.Random(3)
    pop = [summary(f"c10_{i}", cnn_layers(rng), datasets=("cifar10",)) for i in range(5)]
    pop += [summary(f"c100_{i}", cnn_layers(rng), datasets=("cifar100",)) for i in range(6)]
    pop += [summary(f"mn_{i}", cnn_layers(rng), datasets=("mnist",), framework="pytorch" if i % 2 else "keras")
            for i in range(40)]
    pop += text_population(30)
    return ExampleIndex.from_summaries(pop, embedder=HashEmbedder())


def test_cifar10_model_is_compared_with_cifar10_first(tmp_path, cifar_index, capsys):
    p = tmp_path / "cifar.py"
    p.write_text(CIFAR_MODEL)
    assert run_compare(args(p, json=True, k=60), index=cifar_index) == 0
    pop = json.loads(capsys.readouterr().out)["population"]
    assert [(t["what"], t["count"]) for t in pop["tiers"]] == [("dataset", 5), ("family", 6), ("task", 40),
                                                               ("nearest", 9)]
    assert all(i.startswith("c10_") for i in pop["ids"][:5])
    assert all(i.startswith("c100_") for i in pop["ids"][5:11])
    assert pop["how"].startswith("60 examples: 5 CIFAR-10 image classification examples, then 6 CIFAR-100 "
                                 "image classification (same family), then 40 other image classification, "
                                 "then 9 nearest of any task")


def test_filters_hold_in_every_tier(tmp_path, cifar_index):
    from assistant.compare_cli import compare_with_index

    p = tmp_path / "cifar.py"
    p.write_text(CIFAR_MODEL)
    model, _ = read_model(p)
    report = compare_with_index(model, cifar_index, k=100, filters={"framework": "pytorch"})
    assert len(report.population) == 20 and all(s.framework == "pytorch" for s in report.population)
    assert report.to_dict()["population"]["filters"] == {"framework": "pytorch"}
    # nothing matches: compared without the filters, and said so
    report = compare_with_index(model, cifar_index, k=10, filters={"framework": "jax"})
    assert len(report.population) == 10 and "compared without those filters" in report.notes[0]


# -- a whole project ---------------------------------------------------------------------

PROJECT_MODELS = """import torch.nn as nn
import torch.nn.functional as F

class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.fc2 = nn.Linear(64, 10)
    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.view(x.size(0), -1))))

class BigNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop(torch.flatten(x, 1))
        return self.fc2(F.relu(self.fc1(x)))
"""
PROJECT_TRAIN = """import torch
import torch.nn as nn
from torchvision import datasets, transforms
from models import BigNet
model = BigNet()
loader = torch.utils.data.DataLoader(datasets.MNIST('data', train=True, download=True,
                                     transform=transforms.ToTensor()), batch_size=64)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(10):
    for x, y in loader:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
"""


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "models.py").write_text(PROJECT_MODELS)
    (root / "train.py").write_text(PROJECT_TRAIN)
    (root / "README.md").write_text("# digits\n")
    return root


def test_compare_a_folder_lists_the_models(tmp_path, index, capsys):
    root = _project(tmp_path / "proj")
    assert run_compare(args(root), index=index) == 0
    out = capsys.readouterr().out
    assert "BigNet" in out.splitlines()[1]
    assert "note: also found " in out and "SmallNet" in out and "(pick another with --model NAME)" in out
    assert run_compare(args(root, model="SmallNet", json=True), index=index) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["model"]["name"] == "SmallNet" and "BigNet" in {o["name"] for o in got["others"]}


def test_unknown_model_name_lists_the_models(tmp_path, index, capsys):
    root = _project(tmp_path / "proj")
    assert run_compare(args(root, model="Nope"), index=index) == 1
    err = capsys.readouterr().err
    assert "no model named 'Nope'" in err and "BigNet" in err and "SmallNet" in err


def test_compare_a_zip_of_a_project(tmp_path, index, capsys):
    import zipfile

    root = _project(tmp_path / "proj")
    z = tmp_path / "proj.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in root.iterdir():
            zf.write(f, f"proj/{f.name}")
        zf.writestr("../escape.py", "print('no')\n")
    before = set(tmp_path.iterdir())
    assert run_compare(args(z, json=True), index=index) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["model"]["name"] == "BigNet"
    assert any("escape.py" in n for n in got["population"]["notes"])  # left out, and said so
    assert set(tmp_path.iterdir()) == before  # nothing extracted beside it
