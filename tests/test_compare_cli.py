"""`examplenet compare FILE`: parse, retrieve, compare, print (text and --json), clear errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from fixtures.compare_population import image_population, text_population

from assistant.compare_cli import inferred_query, read_model, run_compare

pytest.importorskip("corpus.readers.parser")
FIXTURES = Path(__file__).parent / "fixtures"


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
    # The model's task is the filter: all 100 image classifiers, none of the text ones.
    assert pop["count"] == 100 and pop["filters"] == {"task": "image_classification"}
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
    assert "compared with the 100 examples the index retrieves for 'image classification mnist" in out
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
    assert inferred_query(model).startswith("image classification mnist Conv2D MaxPooling2D Dropout")
