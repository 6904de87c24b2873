"""The table cells, details line, export and Results figure of reported results and environments."""

from __future__ import annotations

import csv
import io
import re

import plotly.graph_objects as go
import pytest

from assistant.chips import NO_GPU, apply
from assistant.figures import held_out_accuracy, results_figure
from assistant.table import (
    EXPORT_COLUMNS,
    details_markdown,
    gpu_cell,
    result_cell,
    rows,
    source_cell,
    to_csv,
    version_cell,
)
from corpus.readers.environment import INFERRED_KEY, INFERRED_SUFFIX
from corpus.record.summary import Environment, Hyperparameters, Layer, Reported, Source, Summary

URL = "https://github.com/a/b/blob/" + "c" * 40


def _s(i: int, reported: list[Reported] | None = None, gpu: str | None = None, n_layers: int = 3,
       dataset: str = "cifar10") -> Summary:
    return Summary(id=f"s{i}", name="Net", framework="keras", task="image_classification", datasets=[dataset],
                   source=Source(repo=f"u{i}/r", commit="c" * 40, path="m.py", line_start=1, line_end=9,
                                 url=f"{URL}/m.py#L1-L9"),
                   layers=[Layer(type="Dense")] * n_layers, hyperparameters=Hyperparameters(epochs=10 * i or None),
                   reported=reported or [], environment=Environment(gpu=gpu))


def test_the_headline_result_is_held_out_before_training() -> None:
    s = _s(1, [Reported("accuracy", 0.99, "train", 5, f"{URL}/nb.ipynb?plain=1#L40"),
               Reported("accuracy", 0.912, "val", 5, f"{URL}/nb.ipynb?plain=1#L41")])
    assert result_cell(s) == f"[val acc 91.2%]({URL}/nb.ipynb?plain=1#L41) \\(+1\\)"
    assert result_cell(_s(2)) == ""
    hostile = _s(3, [Reported("<b>x</b>", 2.0, "test", None, "javascript:alert(1)")])
    assert result_cell(hostile) == "test \\<b\\>x\\</b\\> 2"


def test_version_and_gpu_cells() -> None:
    s = _s(1, gpu="required")
    s.environment.packages = {"tensorflow-gpu": "==1.15.0"}
    assert version_cell(s) == "tensorflow-gpu 1.15.0" and gpu_cell(s) == "needs a GPU"
    t = _s(2, gpu="optional")
    t.value_sources[INFERRED_KEY] = "keras 3.x" + INFERRED_SUFFIX
    assert version_cell(t) == "keras 3.x (inferred)" and gpu_cell(t) == "GPU optional"
    assert version_cell(_s(3)) == "" and gpu_cell(_s(3)) == ""


def test_a_joined_model_links_both_files() -> None:
    s = _s(1)
    s.source.train_path, s.source.train_line_start, s.source.train_line_end = "train.py", 5, 50
    s.source.train_url = f"{URL}/train.py#L5-L50"
    assert source_cell(s) == f"[lines 1-9]({URL}/m.py#L1-L9) · [trained in train.py]({URL}/train.py#L5-L50)"
    s.value_sources = {"learning_rate": "train.py:12"}
    md = details_markdown(s)
    assert "defined in m.py, trained in train.py" in md and "learning\\_rate: train.py:12" in md
    assert details_markdown(None) == ""


def test_the_details_escape_corpus_text() -> None:
    s = _s(1, [Reported("accuracy", 0.5, "test", None, "javascript:alert(1)")])
    s.environment = Environment(python="<script>", packages={"<img src=x>": "==1"}, gpu="required")
    md = details_markdown(s)
    assert "\\<script\\>" in md and "\\<img src=x\\>" in md
    assert re.search(r"(?<!\\)[<>]", md) is None and "](javascript" not in md


def test_export_has_the_new_columns() -> None:
    s = _s(1, [Reported("accuracy", 0.9, "test", None, f"{URL}/nb.ipynb?plain=1#L3")], gpu="cpu")
    s.environment.packages = {"torch": "==2.1", "numpy": ""}
    s.environment.data_download = True
    got = next(csv.DictReader(io.StringIO(to_csv([s]))))
    assert list(got) == EXPORT_COLUMNS
    assert got["reported"] == "test accuracy 0.9" and got["reported_where"].endswith("#L3")
    assert got["packages"] == "numpy; torch==2.1" and got["gpu"] == "cpu" and got["data_download"] == "True"
    assert len(rows([s]).columns) == 12


def test_runs_without_a_gpu_keeps_cpu_optional_and_silent_examples() -> None:
    items = [_s(1, gpu="required"), _s(2, gpu="optional"), _s(3, gpu="cpu"), _s(4)]
    assert [s.id for s in apply([NO_GPU], items)] == ["s2", "s3", "s4"]


def test_results_figure_plots_test_else_validation_never_training() -> None:
    items = [_s(1, [Reported("accuracy", 0.8, "test"), Reported("accuracy", 0.9, "val")], n_layers=4),
             _s(2, [Reported("accuracy", 0.85, "val"), Reported("accuracy", 0.99, "train")], n_layers=8),
             _s(3, [Reported("accuracy", 0.99, "train")]),
             _s(4, [Reported("accuracy", 0.7, "test")], dataset="mnist", n_layers=2),
             _s(5)]
    assert held_out_accuracy(items[0]).value == 0.8 and held_out_accuracy(items[2]) is None
    fig = results_figure(items, mark=items[1])
    go.Figure(fig.to_dict())  # valid with plotly's property validation on
    assert "3 of 5 examples report one" in fig.layout.title.text
    ys = {t.name: list(t.y) for t in fig.data}
    assert ys == {"cifar10 (2)": [0.8, 0.85], "mnist (1)": [0.7]}
    xs = {t.name: list(t.x) for t in fig.data}
    assert xs["cifar10 (2)"] == [4, 8]
    # the epochs button swaps in each example's epochs
    epochs = fig.layout.updatemenus[0].buttons[1].args[0]["x"]
    assert epochs == [[10, 20], [40]]


@pytest.mark.parametrize("items", [[], [_s(1)], [_s(2, [Reported("loss", 0.2, "test")])]])
def test_results_figure_without_results_says_so(items: list[Summary]) -> None:
    fig = results_figure(items)
    go.Figure(fig.to_dict())
    assert fig.layout.annotations and "report" in fig.layout.annotations[0].text or not items
