"""`examplenet search` and `examplenet index build`: table, JSON, clear errors."""

import json

import pytest

import cli
from corpus.record.store import write_summaries
from index.embed import HashEmbedder
from index.search import ExampleIndex
from index.search_cli import describe, format_table
from index.synthetic import synthetic_summaries


def test_table_has_the_columns_and_fits_the_width():
    ix = ExampleIndex.from_summaries(synthetic_summaries(60, seed=11), embedder=HashEmbedder())
    r = ix.search("recognize digits on MNIST", k=5)
    table = format_table(r.hits, width=120)
    lines = table.splitlines()
    assert lines[0].split() == ["#", "score", "repository/path", "framework", "dataset", "task", "layers"]
    assert len(lines) == 1 + len(r.hits)
    assert all(len(line) <= 120 for line in lines)
    assert lines[1].split()[0] == "1" and "mnist" in lines[1]
    head = describe(r, "recognize digits on MNIST")
    assert "dataset=mnist" in head and "task~image_classification" in head
    assert f"{len(r.hits)} of {r.total_matching}" in head


def test_missing_index_tells_the_rebuild_command(tmp_path, capsys):
    rc = cli.main(["search", "digits", "--index-dir", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert rc == 1
    assert "no index has been built" in err and "examplenet index build --index-dir" in err


def test_bad_k_is_refused(tmp_path, capsys):
    assert cli.main(["search", "digits", "-k", "0", "--index-dir", str(tmp_path)]) == 2
    assert "-k" in capsys.readouterr().err


def test_build_without_corpus_is_a_clear_error(tmp_path, capsys):
    rc = cli.main(["index", "build", "--corpus", str(tmp_path / "none.jsonl.gz"),
                   "--index-dir", str(tmp_path / "idx")])
    assert rc == 1
    assert "no corpus at" in capsys.readouterr().err


@pytest.mark.slow
def test_build_and_search_with_the_real_model(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(90, seed=12))
    d = tmp_path / "idx"
    assert cli.main(["index", "build", "--corpus", str(corpus), "--index-dir", str(d)]) == 0
    out = capsys.readouterr().out
    assert "indexed 90 summaries" in out and "summaries/s" in out

    assert cli.main(["search", "classify movie reviews as positive or negative", "-k", "7",
                     "--framework", "keras", "--index-dir", str(d), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 7
    assert all(h["framework"] == "keras" for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert hits[0]["task"] == "text_classification"
    assert {"id", "source", "layers", "hyperparameters", "score"} <= set(hits[0])

    assert cli.main(["search", "recognize handwritten digits", "-k", "3", "--index-dir", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3 of 90 matching examples")
    assert out[1].split()[:2] == ["#", "score"]


@pytest.mark.slow
def test_search_and_compare_import_no_torch_gradio_or_plotly(tmp_path):
    # A cold command must not pay for torch (7.5 s to import), nor the app's
    # Gradio and plotly: the real encoder, a real index folder, a new process.
    import subprocess
    import sys
    from pathlib import Path

    from index.build import build_index

    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(12, seed=3))
    build_index(corpus, tmp_path / "idx", progress=False)
    model = Path(__file__).parent / "fixtures" / "compare_huge_epochs.py"
    heavy = ("torch", "sentence_transformers", "transformers", "gradio", "plotly")
    for argv in (["search", "classify digits", "-k", "5"], ["compare", str(model)]):
        code = ("import sys, cli\n"
                f"rc = cli.main({[*argv, '--index-dir', str(tmp_path / 'idx')]!r})\n"
                f"print(rc, sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[1], timeout=300)
        assert out.stderr.strip().splitlines()[-1] == "0 []", (argv, out.stderr[-800:])


def test_a_filled_up_dataset_is_not_told_as_more_hits_than_matches():
    from index.search import Filters, SearchResult

    r = SearchResult(hits=[object()] * 100, filters=Filters(), understood={"dataset": "titanic"}, total_matching=6)
    head = describe(r, "predict whether a passenger survived")
    assert head.startswith("100 examples (6 matching) for ")
    assert "100 of 6" not in head
