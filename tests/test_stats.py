"""`examplenet corpus stats`: counts and target checks on a corpus written here."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.harvest.stats import corpus_stats, format_stats, run_stats
from corpus.record.store import write_summaries
from corpus.record.summary import ParseInfo, Source, Summary


def _s(i: int, framework: str, task: str, datasets: list[str], status: str = "ok", url: bool = True,
       repo: str = "a/b") -> Summary:
    src = Source(repo=repo, commit="c" * 40, path=f"m{i}.py", line_start=3, line_end=9, license="MIT",
                 url=f"https://github.com/{repo}/blob/{'c' * 40}/m{i}.py#L3-L9" if url else None)
    return Summary(id=str(i), name="model", source=src, framework=framework, task=task,
                   datasets=datasets, parse=ParseInfo(status, []))


def corpus() -> list[Summary]:
    out = [_s(i, "pytorch", "image_classification", ["mnist"], repo=f"r/{i % 3}") for i in range(6)]
    out += [_s(10 + i, "keras", "text_classification", ["imdb"], status="partial") for i in range(3)]
    out += [_s(20, "tensorflow", "unknown", [], url=False)]
    return out


def test_corpus_stats_counts_and_targets():
    st = corpus_stats(corpus(), {"totals": {"files_parsed": {"ok": 90, "partial": 5, "failed": 5}}})
    assert st["models"] == 10 and st["repos"] == 4
    assert st["by_framework"] == {"pytorch": 6, "keras": 3, "tensorflow": 1}
    assert st["by_task"]["image_classification"] == 6 and st["by_task"]["unknown"] == 1
    assert st["by_task"]["summarization"] == 0  # every task of the spec is listed, zeros included
    assert st["by_dataset"] == {"mnist": 6, "imdb": 3, "none": 1}
    assert st["by_status"] == {"ok": 7, "partial": 3}
    assert st["by_repo"] == {"a/b": 4, "r/0": 2, "r/1": 2, "r/2": 2}
    assert st["with_url"] == 9 and st["with_hyperparameter"] == 0
    t = st["targets"]
    assert t["pytorch share"] == {"value": 0.6, "goal": 0.3, "met": True}
    assert t["keras+tensorflow share"]["value"] == 0.4
    assert t["task unknown share"]["met"] is True  # 0.1 <= 0.15
    assert t["source url to lines share"]["met"] is False  # 0.9 < 0.95
    assert t["files parsed ok/partial share"]["value"] == 0.95 and t["files parsed ok/partial share"]["met"] is False
    assert t["models"]["met"] is False and t["tasks with >= 100 models"]["value"] == 0
    assert t["largest repository share"] == {"value": 0.4, "goal": "<= 0.02", "met": False}
    assert t["largest named dataset share"]["value"] == 0.6 and st["over_share"]["largest_named_dataset"] == "mnist"
    assert t["with a hyperparameter share"]["met"] is False
    assert st["duplicates"] is None


def _tuned(i: int, repo: str, task: str, datasets: list[str], **hp) -> Summary:
    s = _s(i, "pytorch", task, datasets, repo=repo)
    for k, v in hp.items():
        if k == "momentum":
            s.hyperparameters.extra[k] = v
        else:
            setattr(s.hyperparameters, k, v)
    return s


def test_issue_12_targets_per_task_dataset_and_repository():
    # 100 summarization examples from 100 repositories, 20 QA ones from one, unnamed datasets everywhere but 5
    out = [_tuned(i, f"sum/{i}", "summarization", ["custom"], epochs=3) for i in range(100)]
    out += [_tuned(100 + i, "qa/one", "question_answering", ["synthetic"], momentum=0.9) for i in range(20)]
    out += [_tuned(200 + i, f"ds/{i}", "image_classification", ["mnist"] if i < 5 else []) for i in range(80)]
    st = corpus_stats(out)
    assert st["thin_tasks"]["question_answering"] == 20 and "summarization" not in st["thin_tasks"]
    assert st["thin_tasks"]["speech_synthesis"] == 0
    assert st["over_share"]["repos"] == {"qa/one": 20}  # 10% > 2%; the 0.5% ones are fine
    assert st["over_share"]["datasets"] == {}  # custom (50%), synthetic, none aside; mnist is 2.5%
    assert st["targets"]["largest named dataset share"] == {"value": 0.025, "goal": "<= 0.1", "met": True}
    assert st["with_hyperparameter"] == 120  # epochs, or an extra setting such as momentum
    assert st["targets"]["with a hyperparameter share"] == {"value": 0.6, "goal": 0.7, "met": False}
    text = format_stats(st)
    assert "  question_answering" in text and "MISS < 100" in text
    assert [ln for ln in text.splitlines() if ln.startswith("  qa/one")][0].endswith("MISS over the cap")
    assert not [ln for ln in text.splitlines() if ln.startswith("  summarization") and "MISS" in ln]


def test_duplicates_removed_come_from_the_manifest():
    manifest = {
        "totals": {"files_parsed": {"ok": 9}},
        "repos": [{"repo": "a/b", "files": [{"path": "x.py", "models": 2, "duplicate_of": "c/d:x.py"},
                                            {"path": "y.py", "models": 1}]}],
        "dedup": {"removed": 7, "by_content": 5, "by_structure": 2, "by_repo": {"tf/docs": 6, "a/b": 1}},
    }
    st = corpus_stats(corpus(), manifest)
    assert st["duplicates"] == {"identical_files": 1, "identical_file_models": 2,
                                "near": {"removed": 7, "by_content": 5, "by_structure": 2,
                                         "by_repo": {"tf/docs": 6, "a/b": 1}}}
    text = format_stats(st)
    assert "identical files                    1  (2 models)" in text
    assert "near-duplicate models              7  (5 same content, 2 same layers + hyperparameters)" in text
    assert "tf/docs" in text
    # a manifest from before the dedup step shows no such section
    assert corpus_stats(corpus(), {"totals": {}})["duplicates"] is None
    assert "duplicates removed" not in format_stats(corpus_stats(corpus(), {"totals": {}}))


def test_format_stats_reads_as_tables():
    text = format_stats(corpus_stats(corpus()))
    assert text.splitlines()[0] == "10 models from 4 repositories"
    assert "  pytorch                            6   60.0%" in text
    assert "MISS models" in text and "met  pytorch share" in text


def test_run_stats_text_json_and_missing(tmp_path: Path, capsys):
    path = tmp_path / "summaries.jsonl.gz"
    write_summaries(path, corpus())
    (tmp_path / "manifest.json").write_text(json.dumps({"totals": {"files_parsed": {"ok": 3, "empty": 1}}}))
    assert run_stats(str(path), as_json=False) == 0
    out = capsys.readouterr().out
    assert "text_classification" in out and "parse status (files" in out
    assert run_stats(str(path), as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_framework"]["keras"] == 3 and data["files"] == {"ok": 3, "empty": 1}
    assert run_stats(str(tmp_path / "none.jsonl.gz"), as_json=False) == 1
    assert "examplenet harvest" in capsys.readouterr().err


def test_internal_errors_from_the_manifest_are_shown():
    st = corpus_stats(corpus(), {"totals": {"files_parsed": {"ok": 9, "failed": 1}, "internal_errors": 2}})
    assert st["internal_errors"] == 2
    assert "internal errors: 2 " in format_stats(st)
    old = corpus_stats(corpus(), {"totals": {"files_parsed": {"ok": 9}}})
    assert old["internal_errors"] is None and "internal errors" not in format_stats(old)
