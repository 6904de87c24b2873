"""`examplenet corpus stats`: what the corpus holds, and whether it meets its targets.

Counts by framework, task, dataset, parse status and repository, from the
summaries file; file-level parse counts come from the manifest beside it
(the harvest writes both).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from corpus.record.summary import Summary

# Issue 3's targets, checked on what lands.
TARGETS = {
    "models": 3000,
    "repos": 300,
    "framework_share": 0.25,  # keras+tensorflow, and pytorch, each
    "tasks_with_30": 10,
    "unknown_task_share": 0.15,
    "url_share": 0.95,
    "files_readable_share": 0.97,
}


def corpus_stats(summaries: list[Summary], manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """Counts over a corpus.

    Args:
        summaries: the corpus.
        manifest: the harvest manifest (for file-level parse counts), if any.

    Returns:
        A JSON-ready dict: models, repos, by_framework, by_task, by_dataset,
        by_status, by_license, top_repos, with_url, files and internal_errors
        (from the manifest) and targets (each with value, goal and met).
    """
    n = len(summaries)
    fw = Counter(s.framework for s in summaries)
    task = Counter(s.task for s in summaries)
    ds = Counter(d for s in summaries for d in (s.datasets or ["none"]))
    status = Counter(s.parse.status for s in summaries)
    lic = Counter(s.source.license or "none" for s in summaries)
    repos = Counter(s.source.repo or "none" for s in summaries)
    with_url = sum(1 for s in summaries if s.source.url and "#L" in s.source.url)
    files: dict[str, int] = {}
    internal = None
    if manifest:
        files = dict((manifest.get("totals") or {}).get("files_parsed") or {})
        internal = (manifest.get("totals") or {}).get("internal_errors")
    share = (lambda k: k / n) if n else (lambda k: 0.0)
    readable = None
    if files:
        total = sum(files.values())
        readable = (files.get("ok", 0) + files.get("partial", 0) + files.get("empty", 0)) / total if total else None
    targets = {
        "models": (n, TARGETS["models"], n >= TARGETS["models"]),
        "repos": (len(repos), TARGETS["repos"], len(repos) >= TARGETS["repos"]),
        "keras+tensorflow share": (round(share(fw["keras"] + fw["tensorflow"]), 3), TARGETS["framework_share"],
                                   share(fw["keras"] + fw["tensorflow"]) >= TARGETS["framework_share"]),
        "pytorch share": (round(share(fw["pytorch"]), 3), TARGETS["framework_share"],
                          share(fw["pytorch"]) >= TARGETS["framework_share"]),
        "tasks with >= 30 models": (sum(1 for t, c in task.items() if t != "unknown" and c >= 30),
                                    TARGETS["tasks_with_30"],
                                    sum(1 for t, c in task.items() if t != "unknown" and c >= 30)
                                    >= TARGETS["tasks_with_30"]),
        "task unknown share": (round(share(task["unknown"]), 3), TARGETS["unknown_task_share"],
                               share(task["unknown"]) <= TARGETS["unknown_task_share"]),
        "source url to lines share": (round(share(with_url), 3), TARGETS["url_share"],
                                      share(with_url) >= TARGETS["url_share"]),
    }
    if readable is not None:
        targets["files parsed ok/partial share"] = (round(readable, 3), TARGETS["files_readable_share"],
                                                    readable >= TARGETS["files_readable_share"])
    return {
        "models": n,
        "repos": len(repos),
        "by_framework": dict(fw.most_common()),
        "by_task": dict(task.most_common()),
        "by_dataset": dict(ds.most_common()),
        "by_status": dict(status.most_common()),
        "by_license": dict(lic.most_common()),
        "top_repos": dict(repos.most_common(15)),
        "with_url": with_url,
        "files": files,
        "internal_errors": internal,  # files where a catch-all caught a bug (None: the manifest predates the count)
        "targets": {k: {"value": v, "goal": g, "met": m} for k, (v, g, m) in targets.items()},
    }


def format_stats(st: dict[str, Any], top: int = 25) -> str:
    """The counts as aligned text tables."""
    n = st["models"] or 1
    out = [f"{st['models']} models from {st['repos']} repositories"]

    def table(title: str, counts: dict[str, int], limit: int | None = None) -> None:
        out.append("")
        out.append(title)
        items = list(counts.items())
        shown = items[:limit] if limit else items
        for k, v in shown:
            out.append(f"  {k:<28} {v:>7}  {100 * v / n:5.1f}%")
        if limit and len(items) > limit:
            rest = sum(v for _, v in items[limit:])
            out.append(f"  {'(' + str(len(items) - limit) + ' more)':<28} {rest:>7}")

    table("framework", st["by_framework"])
    table("task", st["by_task"])
    table("dataset", st["by_dataset"], top)
    table("parse status (models)", st["by_status"])
    if st["files"]:
        out.append("")
        out.append("parse status (files; empty = readable, no model)")
        for k, v in st["files"].items():
            out.append(f"  {k:<28} {v:>7}")
    if st.get("internal_errors") is not None:
        out.append(f"internal errors: {st['internal_errors']} (files where a catch-all caught a parser bug; "
                   "bad input is counted as failed)")
    table("license", st["by_license"], 10)
    table("repositories (most models)", st["top_repos"])
    out.append("")
    out.append("targets")
    for k, t in st["targets"].items():
        out.append(f"  {'met ' if t['met'] else 'MISS'} {k:<30} {t['value']!s:>8}  (goal {t['goal']})")
    return "\n".join(out)


def run_stats(corpus_path: str | None, as_json: bool = False) -> int:
    """`examplenet corpus stats`.

    Args:
        corpus_path: a summaries file (default: the shipped corpus).
        as_json: print one JSON object instead of tables.

    Returns:
        0, or 1 when the corpus is missing or unreadable.
    """
    from corpus.record.store import DEFAULT_CORPUS, load_summaries

    path = Path(corpus_path) if corpus_path else DEFAULT_CORPUS
    try:
        summaries = load_summaries(path)
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    manifest = None
    mpath = path.parent / "manifest.json"
    if mpath.exists():
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except ValueError:
            print(f"warning: {mpath.name} is not valid JSON; file counts left out", file=sys.stderr)
    st = corpus_stats(summaries, manifest)
    if as_json:
        print(json.dumps(st, indent=1))
    else:
        print(format_stats(st))
    return 0
