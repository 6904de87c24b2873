"""Query understanding without a model: the words of a question become filters or boosts.

The tables of ``index.vocab`` are matched against the question (longest
phrase first, on word boundaries, ``-``/``_``/``.`` and spaces alike):

- a dataset or framework *named* once ("on CIFAR-10", "with PyTorch") is a hard
  filter, and its words (with the glue word before it) leave the text that is
  embedded;
- a task is always a guess from a description ("classify movie reviews") and
  so a boost, as are layer names ("using an LSTM"), dataset hints ("movie
  reviews" -> imdb), "TensorFlow" (keras or tensorflow) and several datasets
  or frameworks named together ("MNIST or CIFAR-10");
- a mention right after "not", "no", "without" or "except" is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.vocab import (
    DATASET_HINTS,
    DATASET_NAME_STOP,
    DATASETS,
    FRAMEWORK_SOFT,
    FRAMEWORKS,
    GLUE_WORDS,
    LAYERS,
    TASKS,
)


def normalize(text: str) -> str:
    """Lower-case, punctuation to single spaces: the form phrases are matched in."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_NEGATIONS = {"not", "no", "without", "except", "excluding", "but"}


class _Table:
    """Phrases of one kind compiled into one regex, longest first."""

    def __init__(self, phrases: dict[str, tuple[str, ...]]) -> None:
        self.values: dict[str, tuple[str, ...]] = {}
        for phrase, vals in phrases.items():
            key = normalize(phrase)
            if key:
                self.values[key] = tuple(dict.fromkeys(self.values.get(key, ()) + tuple(vals)))
        alts = sorted(self.values, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alts) or "(?!)"
        self.regex = re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")

    def find(self, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        return [(m.start(), m.end(), self.values[m.group(0)]) for m in self.regex.finditer(text)]


def _invert(table: dict[str, tuple[str, tuple[str, ...]]], with_key: bool = True) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for value, (_gloss, phrases) in table.items():
        keys = (value, value.replace("_", " ")) if with_key and value not in DATASET_NAME_STOP else ()
        for p in (*phrases, *keys):
            out[p] = (*out.get(p, ()), value)
    return out


def _dataset_names() -> dict[str, tuple[str, ...]]:
    """Phrases that name a dataset: ours (index.vocab), plus the corpus table's
    distinctive one-word names (``gtsrb``, ``esc50``); its descriptive names
    (``house_prices``) become hints instead, see ``_dataset_hints``."""
    out = _invert({k: v for k, v in DATASETS.items() if k not in ("custom", "synthetic")})
    for name in _corpus_dataset_names():
        if name not in DATASETS and "_" not in name and name not in DATASET_NAME_STOP:
            out.setdefault(name, (name,))
    return out


def _dataset_hints() -> dict[str, tuple[str, ...]]:
    out = dict(DATASET_HINTS)
    for name in _corpus_dataset_names():
        if name not in DATASETS and "_" in name and name not in DATASET_NAME_STOP:
            out.setdefault(name.replace("_", " "), (name,))
    return out


def _corpus_dataset_names() -> list[str]:
    try:
        from corpus.knowledge.datasets import DATASETS as CORPUS_DATASETS
    except ImportError:  # the corpus table is optional for the index
        return []
    return sorted(CORPUS_DATASETS)


_DATASETS = _Table(_dataset_names())
_FRAMEWORKS = _Table(_invert({k: v for k, v in FRAMEWORKS.items() if k != "tensorflow"}))
_FRAMEWORKS_SOFT = _Table(dict(FRAMEWORK_SOFT))
_TASKS = _Table(_invert(TASKS))
_LAYERS = _Table({p: (k,) for k, phrases in LAYERS.items() for p in (*phrases, k)})
_HINTS = _Table(_dataset_hints())
_GLUE = {normalize(g) for g in GLUE_WORDS}

# boost weights added to the cosine similarity (which lies in about [0, 0.8])
TASK_BOOST = 0.25
DATASET_BOOST = 0.12
FRAMEWORK_BOOST = 0.06
LAYER_BOOST = 0.08


@dataclass
class Understanding:
    """What a question says beyond its meaning.

    Attributes:
        filters: hard filters, field -> value (``{"dataset": "cifar10"}``).
        boosts: soft matches, field -> (values, weight); a row gets the weight once
            per field when it has any of the values.
        residual: the text left for the embedding (named datasets/frameworks removed).
        understood: a readable account for the UI, field -> comma-joined values.
    """

    filters: dict[str, str] = field(default_factory=dict)
    boosts: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    residual: str = ""
    understood: dict[str, str] = field(default_factory=dict)

    def __iter__(self):
        # `filters, residual = understand(q)` as SEAMS.md writes it
        yield self.filters
        yield self.residual


def _negated(text: str, start: int) -> bool:
    before = text[:start].split()[-2:]
    if before and before[-1] in _NEGATIONS:
        return True
    # "without a transformer", "not with keras"
    return len(before) == 2 and before[0] in _NEGATIONS and before[1] in _GLUE


def _positive(text: str, found: list[tuple[int, int, tuple[str, ...]]]):
    return [f for f in found if not _negated(text, f[0])]


def _weights_by_coverage(found: list[tuple[int, int, tuple[str, ...]]]) -> dict[str, int]:
    """Characters of the question that speak for each value (longer phrases weigh more)."""
    cover: dict[str, int] = {}
    for s, e, vals in found:
        for v in vals:
            cover[v] = cover.get(v, 0) + (e - s)
    return cover


def understand(query: str) -> Understanding:
    """Read datasets, frameworks, tasks and layers named in a question.

    Args:
        query: the user's words, e.g. "classify movie reviews with PyTorch using an LSTM".

    Returns:
        An ``Understanding``: hard filters (framework=pytorch), boosts
        (task text_classification, dataset imdb, layer LSTM), the residual text
        for the embedding and a readable account.
    """
    text = normalize(query)
    u = Understanding()
    remove: list[tuple[int, int]] = []

    for fld, table, weight in (("dataset", _DATASETS, DATASET_BOOST),
                               ("framework", _FRAMEWORKS, FRAMEWORK_BOOST)):
        found = _positive(text, table.find(text))
        named = list(dict.fromkeys(v for _s, _e, vals in found for v in vals))
        if len(named) == 1:
            u.filters[fld] = named[0]
            u.understood[fld] = named[0]
            remove.extend((s, e) for s, e, _v in found)
        elif named:
            u.boosts[fld] = (tuple(named), weight)
            u.understood[fld] = ",".join(named)

    if "framework" not in u.filters and "framework" not in u.boosts:
        soft = _positive(text, _FRAMEWORKS_SOFT.find(text))
        if soft:
            vals = tuple(dict.fromkeys(v for _s, _e, vs in soft for v in vs))
            u.boosts["framework"] = (vals, FRAMEWORK_BOOST)
            u.understood["framework"] = ",".join(vals)

    if "dataset" not in u.filters and "dataset" not in u.boosts:
        hints = _positive(text, _HINTS.find(text))
        if hints:
            cover = _weights_by_coverage(hints)
            top = max(cover.values())
            vals = tuple(v for v, c in cover.items() if c == top)
            u.boosts["dataset"] = (vals, DATASET_BOOST)
            u.understood["dataset"] = ",".join(vals)

    tasks = _positive(text, _TASKS.find(text))
    if tasks:
        cover = _weights_by_coverage(tasks)
        top = max(cover.values())
        # the best-supported task(s) only: "generate images of digits" is generation
        vals = tuple(v for v, c in sorted(cover.items(), key=lambda x: -x[1]) if c == top)
        u.boosts["task"] = (vals, TASK_BOOST)
        u.understood["task"] = ",".join(vals)

    layers = _positive(text, _LAYERS.find(text))
    if layers:
        vals = tuple(dict.fromkeys(v for _s, _e, vs in layers for v in vs))
        u.boosts["layer_type"] = (vals, LAYER_BOOST)
        u.understood["layer_type"] = ",".join(vals)

    u.residual = _residual(text, remove) or text
    return u


def _residual(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without the given spans and the glue word just before each."""
    if not spans:
        return text
    keep = []
    pos = 0
    for s, e in sorted(spans):
        head = text[pos:s].split()
        while head and head[-1] in _GLUE:
            head.pop()
        keep.extend(head)
        pos = e
    keep.extend(text[pos:].split())
    return " ".join(keep)
