"""Reported results: stored notebook outputs and README result tables (issue 13, item 1).

The notebooks are written here the way Jupyter stores them (one JSON line per
source or output line), from code and outputs written for these tests.
"""

from __future__ import annotations

import json

import pytest

from corpus.readers.outcomes import annotate_file, annotate_repository
from corpus.readers.parser import parse_bytes
from corpus.readers.reported import attach, line_results, notebook_results, readme_results
from corpus.record.summary import Reported, Source, Summary

REPO, COMMIT = "someone/mnist-notebooks", "a" * 40


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def code_cell(source: str, *outputs: str, result: str | None = None) -> dict:
    outs: list[dict] = [{"name": "stdout", "output_type": "stream", "text": _lines(o)} for o in outputs]
    if result is not None:
        outs.append({"data": {"text/plain": _lines(result)}, "execution_count": 1, "metadata": {},
                     "output_type": "execute_result"})
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": outs,
            "source": _lines(source)}


def notebook(*cells: dict) -> bytes:
    nb = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


KERAS_BUILD = """from tensorflow import keras
from tensorflow.keras import layers
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])"""
KERAS_FIT = "model.fit(x_train, y_train, epochs=3, validation_split=0.1)"
KERAS_LOG = """Epoch 1/3
1688/1688 [==============================] - 4s 2ms/step - loss: 0.2900 - accuracy: 0.9170 - val_loss: 0.1400 - val_accuracy: 0.9600
Epoch 2/3
1688/1688 [==============================] - 3s 2ms/step - loss: 0.1300 - accuracy: 0.9610 - val_loss: 0.1000 - val_accuracy: 0.9700
Epoch 3/3
1688/1688 [==============================] - 3s 2ms/step - loss: 0.0900 - accuracy: 0.9730 - val_loss: 0.0850 - val_accuracy: 0.9750"""
KERAS_TEST = """test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
print('Test accuracy:', test_acc)"""


def keras_notebook() -> bytes:
    return notebook(
        code_cell(KERAS_BUILD),
        code_cell(KERAS_FIT, KERAS_LOG),
        code_cell(KERAS_TEST, "Test accuracy: 0.9712\n"),
    )


def by_key(results: list[tuple[int, Reported]]) -> dict[tuple[str, str], Reported]:
    return {(r.metric, r.split): r for _, r in results}


def test_keras_progress_lines_keep_the_last_epoch_and_the_test_value() -> None:
    got = by_key(notebook_results(keras_notebook(), "mnist.ipynb", REPO, COMMIT))
    assert got[("accuracy", "train")].value == pytest.approx(0.973)
    assert got[("accuracy", "train")].epoch == 3
    assert got[("accuracy", "val")].value == pytest.approx(0.975)
    assert got[("loss", "val")].value == pytest.approx(0.085)
    assert got[("accuracy", "test")].value == pytest.approx(0.9712)
    assert got[("accuracy", "test")].epoch is None
    assert len(got) == 5


def test_the_line_is_the_stored_line_and_the_link_opens_it() -> None:
    data = keras_notebook()
    stored = data.decode().split("\n")
    results = notebook_results(data, "nb/mnist.ipynb", REPO, COMMIT)
    for line, rep in results:
        assert f"{rep.value:g}"[2:5] in stored[line - 1].replace("0.", "", 1) or rep.metric in stored[line - 1].lower()
        assert rep.where == f"https://github.com/{REPO}/blob/{COMMIT}/nb/mnist.ipynb?plain=1#L{line}"
    test_line = next(line for line, r in results if r.split == "test")
    assert "Test accuracy: 0.9712" in stored[test_line - 1]
    val_line = next(line for line, r in results if r.split == "val" and r.metric == "accuracy")
    assert "val_accuracy: 0.9750" in stored[val_line - 1]


def test_no_repository_no_link() -> None:
    assert all(r.where is None for _, r in notebook_results(keras_notebook(), "x.ipynb", None, None))


@pytest.mark.parametrize(("line", "want"), [
    ("Test accuracy: 0.91", [("accuracy", 0.91, "test")]),
    ("Test loss: 0.3", [("loss", 0.3, "test")]),
    ("Epoch 3 | Loss 0.21 | Acc 91.2%", [("loss", 0.21, "train"), ("accuracy", 0.912, "train")]),
    ("Epoch 5: train_loss=0.4 val_acc=88.5", [("loss", 0.4, "train"), ("accuracy", 0.885, "val")]),
    ("Test set: Average loss: 0.0330, Accuracy: 9899/10000 (99%)", [("loss", 0.033, "test"),
                                                                    ("accuracy", 0.9899, "test")]),
    ("Accuracy of the network on the 10000 test images: 54 %", [("accuracy", 0.54, "test")]),
    ("{'eval_loss': 0.31, 'eval_accuracy': 0.9}", [("loss", 0.31, "val"), ("accuracy", 0.9, "val")]),
    ("Epoch 00010: val_acc improved from 0.90 to 0.95, saving model to best.h5", []),
    ("Step 3000, Average Loss= 5.62", [("loss", 5.62, "train")]),
    ("loss: 65.81%", []),  # a percentage is not a loss
    ("Accuracy: 250.0", []),  # not a fraction or a percentage
    ("Downloading data from https://example.org/mnist.npz", []),
])
def test_printed_results(line: str, want: list) -> None:
    got, _ = line_results(line, epoch_seen=False, cell_hint=None)
    assert [(m, pytest.approx(v), s) for m, v, s, _, _ in got] == want


def test_unlabelled_values_take_the_split_the_cell_evaluates_on() -> None:
    nb = notebook(code_cell("score = model.evaluate(x_test, y_test)",
                            "313/313 [==============================] - 1s 2ms/step - loss: 0.0700 - accuracy: 0.9800"))
    assert by_key(notebook_results(nb, "a.ipynb", None, None)) .keys() == {("loss", "test"), ("accuracy", "test")}
    unknown = notebook(code_cell("print(run())", "loss: 0.07 - accuracy: 0.98"))
    assert notebook_results(unknown, "a.ipynb", None, None) == []


def test_torch_loop_keeps_the_last_epoch() -> None:
    log = "\n".join(f"Epoch {e} train loss {1 / e:.3f} val acc {80 + e}.5%" for e in range(1, 6))
    got = by_key(notebook_results(notebook(code_cell("for epoch in range(5):\n    train()", log)), "t.ipynb",
                                  None, None))
    assert got[("accuracy", "val")].value == pytest.approx(0.855)
    assert got[("accuracy", "val")].epoch == 5
    assert got[("loss", "train")].value == pytest.approx(0.2)


def test_tracebacks_and_bad_notebooks_give_nothing() -> None:
    cell = code_cell("1/0")
    cell["outputs"] = [{"output_type": "error", "ename": "X", "evalue": "Test accuracy: 0.5", "traceback": []}]
    assert notebook_results(notebook(cell), "e.ipynb", None, None) == []
    assert notebook_results(b"{not json", "e.ipynb", None, None) == []
    assert notebook_results(b"[1, 2]", "e.ipynb", None, None) == []


def _summary(name: str, line: int, path: str = "nb.ipynb") -> Summary:
    return Summary(id=name, name=name, source=Source(path=path, line_start=line, line_end=line + 5))


def test_attach_gives_each_result_to_the_model_trained_before_it() -> None:
    a, b = _summary("a", 10), _summary("b", 100)
    results = [(50, Reported("accuracy", 0.9, "val", 2)), (60, Reported("accuracy", 0.91, "val", 3)),
               (150, Reported("accuracy", 0.8, "test")), (5, Reported("loss", 1.0, "train"))]
    assert attach([a, b], results) == 3
    assert [(r.value, r.split) for r in a.reported] == [(0.91, "val")]
    assert [(r.value, r.split) for r in b.reported] == [(0.8, "test")]


def test_attach_uses_the_training_lines_in_the_training_file() -> None:
    s = _summary("net", 3, path="models.py")
    s.source.train_path, s.source.train_line_start = "train.ipynb", 40
    attach([s], [(30, Reported("accuracy", 0.5, "test")), (90, Reported("accuracy", 0.7, "test"))],
           path="train.ipynb")
    assert [r.value for r in s.reported] == [0.7]


def test_the_parser_and_annotate_file_give_the_notebooks_model_its_results() -> None:
    data = keras_notebook()
    summaries = parse_bytes(data, "mnist.ipynb", repo=REPO, commit=COMMIT)
    assert len(summaries) == 1
    annotate_file(summaries, data, "mnist.ipynb", REPO, COMMIT)
    got = {(r.metric, r.split): r.value for r in summaries[0].reported}
    assert got[("accuracy", "test")] == pytest.approx(0.9712)
    assert got[("accuracy", "val")] == pytest.approx(0.975)
    assert summaries[0].environment.data_download is True


def test_two_models_in_one_notebook_each_get_their_own() -> None:
    second = KERAS_BUILD.split("\n", 3)[3].replace("128", "256")
    data = notebook(code_cell(KERAS_BUILD), code_cell(KERAS_FIT, KERAS_LOG),
                    code_cell(second), code_cell(KERAS_TEST, "Test accuracy: 0.9800\n"))
    summaries = parse_bytes(data, "two.ipynb", repo=REPO, commit=COMMIT)
    assert len(summaries) == 2
    annotate_file(summaries, data, "two.ipynb", REPO, COMMIT)
    first, last = sorted(summaries, key=lambda s: s.source.line_start)
    assert {(r.metric, r.split) for r in first.reported} == {("accuracy", "train"), ("loss", "train"),
                                                             ("accuracy", "val"), ("loss", "val")}
    assert [(r.metric, r.split, r.value) for r in last.reported] == [("accuracy", "test", pytest.approx(0.98))]


README = """# Small CNNs

Results on the MNIST test set after 10 epochs:

| Model | File | Test accuracy | Params |
|-------|------|--------------:|-------:|
| SimpleCNN | [cnn.py](models/cnn.py) | **99.1%** | 1.2M |
| `DeepMLP` | mlp.py | 0.978 | 2.4M |
| LeNet (paper) | - | 99.05 | 60k |

| Script | Val Acc | Top-1 | Train loss |
|---|---|---|---|
| train_rnn.py | 88.0 | 87.5 | 0.21 |
"""


def test_readme_tables_name_models_and_files() -> None:
    names = {"cnn": ("SimpleCNN", "models/cnn.py"), "mlp": ("DeepMLP", "models/mlp.py"),
             "rnn": ("model", "train_rnn.py"), "none": ("Other", "other.py")}
    got = readme_results(README, "README.md", REPO, COMMIT, names)
    assert set(got) == {"cnn", "mlp", "rnn"}
    assert [(r.metric, r.split, r.value) for r in got["cnn"]] == [("accuracy", "test", pytest.approx(0.991))]
    assert got["cnn"][0].where == f"https://github.com/{REPO}/blob/{COMMIT}/README.md?plain=1#L5-L7"
    assert got["mlp"][0].value == pytest.approx(0.978)
    rnn = {(r.metric, r.split): r.value for r in got["rnn"]}
    # the table speaks of training (a "Train loss" column), so unlabelled columns are not read as test
    assert rnn == {("accuracy", "val"): pytest.approx(0.88), ("accuracy", "train"): pytest.approx(0.875),
                   ("loss", "train"): pytest.approx(0.21)}


def test_readme_without_tables_or_names_gives_nothing() -> None:
    assert readme_results("no tables here", "README.md", REPO, None, {"a": ("Net", "a.py")}) == {}
    assert readme_results(README, "README.md", REPO, None, {"a": ("model", "main.py")}) == {}


def test_annotate_repository_adds_readme_results_and_keeps_the_notebooks_own() -> None:
    s = _summary("SimpleCNN", 3, path="models/cnn.py")
    s.reported.append(Reported("accuracy", 0.95, "test"))
    t = _summary("DeepMLP", 3, path="models/mlp.py")
    annotate_repository([s, t], {"README.md": README.encode(), "models/cnn.py": b"x = 1\n"}, REPO, COMMIT)
    assert [r.value for r in s.reported] == [0.95]
    assert [r.value for r in t.reported] == [pytest.approx(0.978)]
