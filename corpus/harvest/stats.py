"""`examplenet corpus stats`: what the corpus holds, and whether it meets its targets.

Counts by framework, task, dataset, parse status and repository, from the
summaries file, checked against issue 12's targets (every task at 100
examples or more, no repository above 2 %, no named dataset above 10 %,
Keras+TF and PyTorch each at 30 % or more, 70 % with a hyperparameter).
File-level parse counts and the duplicates the harvest removed come from the
manifest beside it (the harvest writes both).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from corpus.record.summary import TASKS, Summary

# Issue 12's targets (breadth), with issue 3's quality checks kept.
TARGETS = {
    "models": 25000,
    "repos": 2000,
    "per_task": 100,
    "repo_share_max": 0.02,
    "dataset_share_max": 0.10,
    "framework_share": 0.30,  # keras+tensorflow, and pytorch, each
    "hyperparameter_share": 0.70,
    "unknown_task_share": 0.15,
    "url_share": 0.95,
    "files_readable_share": 0.97,
}
# Not named datasets: they may be as common as they are (issue 12 sets them aside).
UNNAMED_DATASETS = ("custom", "synthetic", "none")
# What counts as "carries a hyperparameter": a training setting, not the metrics it reports.
_HP_KEYS = ("optimizer", "learning_rate", "batch_size", "epochs", "steps", "loss")


def has_hyperparameter(s: Summary) -> bool:
    """Whether the summary carries at least one training setting (optimizer, rate, batch, epochs, ...)."""
    hp = s.hyperparameters
    return any(getattr(hp, k) is not None for k in _HP_KEYS) or any(v is not None for v in hp.extra.values())


def _duplicates(manifest: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the harvest removed as duplicates, from the manifest; None when it records nothing."""
    if not manifest:
        return None
    out: dict[str, Any] = {}
    files = [f for r in manifest.get("repos") or [] for f in r.get("files") or [] if f.get("duplicate_of")]
    if files:
        out["identical_files"] = len(files)
        out["identical_file_models"] = sum(int(f.get("models") or 0) for f in files)
    near = manifest.get("dedup")
    if isinstance(near, dict):
        out["near"] = {"removed": int(near.get("removed") or 0),
                       "by_content": int(near.get("by_content") or 0),
                       "by_structure": int(near.get("by_structure") or 0),
                       "by_repo": dict(near.get("by_repo") or {})}
    return out or None


def corpus_stats(summaries: list[Summary], manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """Counts over a corpus.

    Args:
        summaries: the corpus.
        manifest: the harvest manifest (file-level parse counts, duplicates removed), if any.

    Returns:
        A JSON-ready dict: models, repos, by_framework, by_task (every task of
        the spec, zeros included), by_dataset, by_status, by_license, by_repo
        (every repository), top_repos, with_url, with_hyperparameter, files and
        internal_errors (from the manifest), duplicates (from the manifest, or
        None), thin_tasks (task -> count, under the per-task goal), over_share
        (repositories above the cap; named datasets above theirs) and targets
        (each with value, goal and met).
    """
    n = len(summaries)
    fw = Counter(s.framework for s in summaries)
    task = Counter(s.task for s in summaries)
    ds = Counter(d for s in summaries for d in (s.datasets or ["none"]))
    status = Counter(s.parse.status for s in summaries)
    lic = Counter(s.source.license or "none" for s in summaries)
    repos = Counter(s.source.repo or "none" for s in summaries)
    with_url = sum(1 for s in summaries if s.source.url and "#L" in s.source.url)
    with_hp = sum(1 for s in summaries if has_hyperparameter(s))
    files: dict[str, int] = {}
    internal = None
    if manifest:
        files = dict((manifest.get("totals") or {}).get("files_parsed") or {})
        internal = (manifest.get("totals") or {}).get("internal_errors")

    def share(k: int) -> float:
        return k / n if n else 0.0

    readable = None
    if files:
        total = sum(files.values())
        readable = (files.get("ok", 0) + files.get("partial", 0) + files.get("empty", 0)) / total if total else None
    by_task = {t: task.get(t, 0) for t in TASKS}
    by_task = dict(sorted(by_task.items(), key=lambda kv: (-kv[1], kv[0])))
    if task.get("unknown"):
        by_task["unknown"] = task["unknown"]
    for t, c in task.items():  # a task outside the spec's list still shows
        by_task.setdefault(t, c)
    thin = {t: c for t, c in by_task.items() if t in TASKS and c < TARGETS["per_task"]}
    named = Counter({d: c for d, c in ds.items() if d not in UNNAMED_DATASETS})
    top_repo, top_repo_n = repos.most_common(1)[0] if repos else ("none", 0)
    top_ds, top_ds_n = named.most_common(1)[0] if named else ("none", 0)
    over_repos = {r: c for r, c in repos.most_common() if n and c / n > TARGETS["repo_share_max"]}
    over_ds = {d: c for d, c in named.most_common() if n and c / n > TARGETS["dataset_share_max"]}
    kt = share(fw["keras"] + fw["tensorflow"])
    pt = share(fw["pytorch"])
    targets = {
        "models": (n, TARGETS["models"], n >= TARGETS["models"]),
        "repos": (len(repos), TARGETS["repos"], len(repos) >= TARGETS["repos"]),
        f"tasks with >= {TARGETS['per_task']} models": (len(TASKS) - len(thin), len(TASKS), not thin),
        "largest repository share": (round(share(top_repo_n), 4), f"<= {TARGETS['repo_share_max']}",
                                     share(top_repo_n) <= TARGETS["repo_share_max"]),
        "largest named dataset share": (round(share(top_ds_n), 4), f"<= {TARGETS['dataset_share_max']}",
                                        share(top_ds_n) <= TARGETS["dataset_share_max"]),
        "keras+tensorflow share": (round(kt, 3), TARGETS["framework_share"], kt >= TARGETS["framework_share"]),
        "pytorch share": (round(pt, 3), TARGETS["framework_share"], pt >= TARGETS["framework_share"]),
        "with a hyperparameter share": (round(share(with_hp), 3), TARGETS["hyperparameter_share"],
                                        share(with_hp) >= TARGETS["hyperparameter_share"]),
        "task unknown share": (round(share(task["unknown"]), 3), f"<= {TARGETS['unknown_task_share']}",
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
        "by_task": by_task,
        "by_dataset": dict(ds.most_common()),
        "by_status": dict(status.most_common()),
        "by_license": dict(lic.most_common()),
        "by_repo": dict(repos.most_common()),
        "top_repos": dict(repos.most_common(15)),
        "with_url": with_url,
        "with_hyperparameter": with_hp,
        "files": files,
        "internal_errors": internal,  # files where a catch-all caught a bug (None: the manifest predates the count)
        "duplicates": _duplicates(manifest),
        "thin_tasks": thin,
        "over_share": {"repos": over_repos, "datasets": over_ds,
                       "largest_repo": top_repo, "largest_named_dataset": top_ds},
        "targets": {k: {"value": v, "goal": g, "met": m} for k, (v, g, m) in targets.items()},
    }


def format_stats(st: dict[str, Any], top: int = 25) -> str:
    """The counts as aligned text tables; rows that miss a target are flagged at the end of the line."""
    n = st["models"] or 1
    out = [f"{st['models']} models from {st['repos']} repositories"]
    widths: list[int] = []

    def table(title: str, counts: dict[str, int], limit: int | None = None,
              flag: dict[str, str] | None = None) -> None:
        out.append("")
        out.append(title)
        items = list(counts.items())
        shown = items[:limit] if limit else items
        w = max([28] + [len(str(k)) for k, _ in shown])  # long repository names keep the columns aligned
        for k, v in shown:
            mark = (flag or {}).get(k, "")
            out.append(f"  {k:<{w}} {v:>7}  {100 * v / n:5.1f}%" + (f"  {mark}" if mark else ""))
        if limit and len(items) > limit:
            rest = sum(v for _, v in items[limit:])
            out.append(f"  {'(' + str(len(items) - limit) + ' more)':<{w}} {rest:>7}")
        widths.append(w)

    goal = TARGETS["per_task"]
    over = st.get("over_share") or {}
    table("framework", st["by_framework"])
    table(f"task (goal: >= {goal} each)", st["by_task"],
          flag={t: f"MISS < {goal}" for t in st.get("thin_tasks") or {}})
    table(f"dataset (goal: no named dataset above {100 * TARGETS['dataset_share_max']:.0f}%; "
          f"{', '.join(UNNAMED_DATASETS)} aside)", st["by_dataset"], top,
          flag={d: "MISS over the cap" for d in over.get("datasets") or {}})
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
    by_repo = st.get("by_repo") or st["top_repos"]
    shown = dict(list(by_repo.items())[:top])
    for r in over.get("repos") or {}:  # every repository over the cap, however many there are
        shown.setdefault(r, by_repo[r])
    table(f"repositories (most models; goal: none above {100 * TARGETS['repo_share_max']:.0f}%)", shown,
          flag={r: "MISS over the cap" for r in over.get("repos") or {}})
    if len(by_repo) > len(shown):
        rest = sum(v for k, v in by_repo.items() if k not in shown)
        out.append(f"  {'(' + str(len(by_repo) - len(shown)) + ' more)':<{widths[-1]}} {rest:>7}")
    dup = st.get("duplicates")
    if dup:
        out.append("")
        out.append("duplicates removed by the harvest")
        if "identical_files" in dup:
            out.append(f"  identical files              {dup['identical_files']:>7}  "
                       f"({dup['identical_file_models']} models)")
        near = dup.get("near")
        if near:
            out.append(f"  near-duplicate models        {near['removed']:>7}  "
                       f"({near['by_content']} same content, {near['by_structure']} same layers + hyperparameters)")
            for r, c in list(near["by_repo"].items())[:5]:
                out.append(f"    {r:<48} {c:>5}")
            if len(near["by_repo"]) > 5:
                out.append(f"    ({len(near['by_repo']) - 5} more repositories)")
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
