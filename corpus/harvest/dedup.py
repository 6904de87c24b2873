"""Near-duplicate examples across the corpus: forks, translations and copies of one tutorial, counted once.

The harvest already drops files whose normalized text is identical
(``run.content_hash``). What survives that are copies whose text differs
but whose model does not: a tutorial translated into eight languages (the
prose and comments differ, the code does not), a fork that reformatted a
file, a course that pasted the same network under another name. Two passes
over the summaries find them:

1. **Content**: the summary's own content without where it lives (name,
   framework, task, datasets, every layer with its arguments, the
   hyperparameters, the input shape, tricks, preprocessing). Any two
   summaries from different files with the same content are one example.
2. **Structure**: layer types + hyperparameters (+ framework, task,
   datasets). Looser, so it needs a model with enough in it to be
   distinctive (at least ``MIN_LAYERS`` layers, ``MIN_HPARAMS`` of the
   main hyperparameters and ``MIN_SIGNAL`` of both together), and it only merges across repositories, or within
   one repository between files of the same name (``site/en/x.ipynb`` and
   ``site/ko/x.ipynb``): two different files of one project that share an
   architecture are usually steps of a lesson, not copies.

Which copy stays: the original's. A "forked from" link is not in a
snapshot, so the original is taken to be the copy with the oldest commit
date (``commit_dates``), then the shorter path (``site/en/...`` before
``site/en-snapshot/...``), then repository and path names, so the choice is
the same on every run. Pure: no I/O, no git.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corpus.record.summary import Summary

# The structural pass needs this much in a model before it calls two models copies:
# a two-layer network with one hyperparameter is written independently all the time.
MIN_LAYERS = 3
MIN_HPARAMS = 2
MIN_SIGNAL = 6  # layers + hyperparameters together: a 3-layer MLP with adam at 0.01 is everyone's CartPole policy
_MAIN_HPARAMS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")


@dataclass
class DedupStats:
    """What ``dedup`` removed."""

    removed: int = 0
    by_content: int = 0  # same content, another file
    by_structure: int = 0  # same layer types + hyperparameters, another repository (or same-named file)
    by_repo: Counter = field(default_factory=Counter)  # repository -> summaries removed from it
    kept_for: dict[str, str] = field(default_factory=dict)  # removed id -> id of the copy kept
    by_repo_kind: Counter = field(default_factory=Counter)  # (repository, "by_content"|"by_structure") -> removed

    def to_dict(self) -> dict[str, Any]:
        """The JSON form recorded in the harvest manifest (``manifest["dedup"]``)."""
        return {
            "removed": self.removed,
            "by_content": self.by_content,
            "by_structure": self.by_structure,
            "by_repo": dict(sorted(self.by_repo.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def _num(v: Any) -> Any:
    # 1e-3 and 0.001, 10 and 10.0: the same value written differently
    if isinstance(v, bool) or not isinstance(v, int | float):
        return v
    return float(f"{float(v):.6g}")


def _norm(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _norm(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
    if isinstance(v, list | tuple):
        return [_norm(x) for x in v]
    return _num(v)


def content_key(s: Summary) -> str | None:
    """The summary's content without its location, or None when there is nothing to compare.

    Line numbers, links, ids, value sources and parse warnings differ between
    copies of one model and are left out; so is the environment (it comes
    from the repository's requirements, not from the model).
    """
    if not s.layers:
        return None
    # the raw name without its module path: ``layers.Conv2D`` and ``keras.layers.Conv2D`` are one layer,
    # ``DenseNet121`` and ``VGG16`` (both "a pretrained backbone") are not
    layers = [[la.type, (la.raw or "").rsplit(".", 1)[-1].lower(), _norm(la.args), la.activation, la.repeat]
              for la in s.layers]
    hp = {k: v for k, v in s.hyperparameters.to_dict().items() if v not in (None, [], {})}
    body = {
        "name": (s.name or "").strip().lower(),
        "framework": s.framework,
        "task": s.task,
        "datasets": sorted(s.datasets),
        "layers": layers,
        "hp": _norm(hp),
        "input_shape": _norm(s.input_shape),
        "tricks": sorted(s.tricks),
        "preprocessing": sorted(s.preprocessing),
    }
    return json.dumps(body, sort_keys=True, default=str)


def structure_key(s: Summary) -> str | None:
    """Layer types + the main hyperparameters, or None when the model is too plain to tell copies apart."""
    types = [[la.type, la.repeat] for la in s.layers]
    hp = s.hyperparameters
    main = {k: _num(getattr(hp, k)) for k in _MAIN_HPARAMS if getattr(hp, k) is not None}
    if len(types) < MIN_LAYERS or len(main) < MIN_HPARAMS or len(types) + len(main) < MIN_SIGNAL:
        return None
    body = {"framework": s.framework, "task": s.task, "datasets": sorted(s.datasets),
            "types": types, "hp": main}
    return json.dumps(body, sort_keys=True, default=str)


def _date(s: Summary, commit_dates: Mapping[str, int] | None) -> float:
    if not commit_dates:
        return float("inf")
    for key in (s.source.commit, s.source.repo):
        if key and key in commit_dates:
            return float(commit_dates[key])
    return float("inf")  # undated copies rank after every dated one


def _rank(s: Summary, commit_dates: Mapping[str, int] | None) -> tuple:
    src = s.source
    return (_date(s, commit_dates), len(src.path or ""), (src.repo or "").lower(), src.repo or "",
            src.path or "", src.line_start or 0, s.id)


def _file(s: Summary) -> tuple[str, str]:
    return (s.source.repo or "", s.source.path or "")


def _groups(summaries: list[Summary], key_fn) -> dict[str, list[Summary]]:
    out: dict[str, list[Summary]] = {}
    for s in summaries:
        k = key_fn(s)
        if k is not None:
            out.setdefault(k, []).append(s)
    return {k: v for k, v in out.items() if len(v) > 1}


def dedup(summaries: list[Summary], commit_dates: Mapping[str, int] | None = None
          ) -> tuple[list[Summary], DedupStats]:
    """Remove near-duplicate summaries, keeping the copy in the original repository.

    Args:
        summaries: the corpus (after the harvest's own identical-file removal).
        commit_dates: Unix times used to tell the original from its copies,
            keyed by commit hash (a summary's ``source.commit``) or by
            ``owner/name`` (its repository); the commit hash is looked up
            first. The older wins. The date of a repository's first commit
            is the better witness of which came first; without dates the
            shorter path wins.

    Returns:
        (the summaries kept, in their input order; what was removed).
    """
    stats = DedupStats()
    removed: set[int] = set()  # id() of removed summaries: ids may repeat in hand-made inputs

    def drop(s: Summary, keeper: Summary, how: str) -> None:
        removed.add(id(s))
        stats.removed += 1
        stats.by_repo[s.source.repo or "none"] += 1
        stats.kept_for[s.id] = keeper.id
        stats.by_repo_kind[(s.source.repo or "none", "by_content" if how == "content" else "by_structure")] += 1
        if how == "content":
            stats.by_content += 1
        else:
            stats.by_structure += 1

    # Pass 1: same content in another file (several models of one file stay: a notebook may
    # define the same network twice on purpose, to compare two trainings).
    for group in _groups(summaries, content_key).values():
        group.sort(key=lambda s: _rank(s, commit_dates))
        keeper = group[0]
        for s in group[1:]:
            if _file(s) != _file(keeper):
                drop(s, keeper, "content")

    # Pass 2: same layer types + hyperparameters in another repository, or in a same-named file.
    left = [s for s in summaries if id(s) not in removed]
    for group in _groups(left, structure_key).values():
        group.sort(key=lambda s: _rank(s, commit_dates))
        stay: list[Summary] = []
        for s in group:
            base = posixpath.basename(s.source.path or "")
            keeper = next((k for k in stay if _file(k) != _file(s) and (
                k.source.repo != s.source.repo or posixpath.basename(k.source.path or "") == base)), None)
            if keeper is None:
                stay.append(s)
            else:
                drop(s, keeper, "structure")

    kept = [s for s in summaries if id(s) not in removed]
    return kept, stats
