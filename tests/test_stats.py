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
    assert st["by_dataset"] == {"mnist": 6, "imdb": 3, "none": 1}
    assert st["by_status"] == {"ok": 7, "partial": 3}
    assert st["with_url"] == 9
    t = st["targets"]
    assert t["pytorch share"] == {"value": 0.6, "goal": 0.25, "met": True}
    assert t["keras+tensorflow share"]["value"] == 0.4
    assert t["task unknown share"]["met"] is True  # 0.1 <= 0.15
    assert t["source url to lines share"]["met"] is False  # 0.9 < 0.95
    assert t["files parsed ok/partial share"]["value"] == 0.95 and t["files parsed ok/partial share"]["met"] is False
    assert t["models"]["met"] is False and t["tasks with >= 30 models"]["value"] == 0


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
