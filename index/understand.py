"""The one reading of a question: what its words name, what they suggest, what is left.

The app's chat (``assistant.session``), ``examplenet search``,
``examplenet compare`` and the benches all read questions here, from the
tables of ``index.vocab`` and, for datasets, ``corpus.knowledge.datasets``.

Phrases are matched on whole words, longest first, their words folded
together (``CIFAR-10`` = ``cifar 10`` = ``cifar10``; a plural ``s`` is
forgiven). A phrase either *names* a value ("CIFAR-10", "PyTorch", "batch
norm", "Adam") or only *hints* at some ("movie reviews" suggests text
classification and the review datasets; "house prices" the house-price
family). A mention a word or two after "not", "no", "without", "except"...
is negated.

Two views of the same mentions:

- for retrieval (:func:`understand`'s ``filters``, ``boosts``, ``residual``):
  a dataset or framework named once is a hard filter and its words (with the
  glue word before them) leave the embedded text; tasks, layers, dataset
  hints and families, "TensorFlow" (Keras or TensorFlow) and several named
  datasets are boosts;
- for a chat (``mentions``, ``leftover``): one field per phrase (framework,
  dataset, trick, layer type, optimizer, loss, task, in that order when a
  phrase could be several), so "only PyTorch" or "with attention" refine
  the current answer and anything that names nothing is a new question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from corpus.knowledge import datasets as ds
from corpus.knowledge.vocab import fold
from corpus.record.summary import TASKS as SPEC_TASKS
from corpus.record.summary import TRICKS
from index.vocab import (
    FRAMEWORK_NAMES,
    FRAMEWORK_SOFT,
    FRAMEWORKS,
    GLUE_WORDS,
    LAYER_TYPES,
    LAYER_WORDS,
    LAYERS,
    LOSS_WORDS,
    NEGATIONS,
    OPTIMIZER_WORDS,
    TASK_NAMES,
    TASKS,
    TRICK_NAMES,
)

# When one phrase could name several fields, the first of these wins: "tf" is
# TensorFlow, "attention" the trick (it covers multi-head attention), not the layer.
FIELD_ORDER = ("framework", "dataset", "trick", "layer_type", "optimizer", "loss", "task")

# boost weights added to the cosine similarity (which lies in about [0, 0.8])
TASK_BOOST = 0.25
DATASET_BOOST = 0.12
FRAMEWORK_BOOST = 0.06
LAYER_BOOST = 0.08
WORD_BOOST = {"dataset": DATASET_BOOST, "framework": FRAMEWORK_BOOST}

_GLUE = frozenset(g for g in GLUE_WORDS if " " not in g)
# words that may stand between a negation and what it negates ("without the Keras ones")
_NEGATION_GAP = _GLUE | {"any", "more", "of"}


def normalize(text: str) -> str:
    """Lower-case, punctuation to single spaces: the words a question is read in."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class Mention:
    """One phrase of a question and what it means.

    Attributes:
        field: ``dataset``, ``framework``, ``task``, ``trick``, ``layer_type``, ``optimizer`` or ``loss``.
        values: canonical values, the named one (or the most likely) first.
        start, end: word positions in the normalized question (end exclusive).
        negated: said after "not", "no", "without"...
        named: the phrase names ``values[0]`` outright; otherwise it only hints.
        strong: a name distinctive enough to filter a new question on (a
            dataset or framework; not "digits", not "TensorFlow").
    """

    field: str
    values: tuple[str, ...]
    start: int
    end: int
    negated: bool = False
    named: bool = True
    strong: bool = False

    @property
    def value(self) -> str:
        return self.values[0]


@dataclass
class Understanding:
    """What a question says beyond its meaning.

    Attributes:
        filters: hard filters, field -> value (``{"dataset": "cifar10"}``).
        boosts: soft matches, field -> (values, weight); a row gets the weight once
            per field when it has any of the values.
        residual: the text left for the embedding (named datasets/frameworks removed).
        understood: a readable account, field -> comma-joined values.
        mentions: one per phrase, in text order (the chat's view).
        leftover: the words no named mention covers, negation words aside, in order.
        hinted: the datasets suggested, not named ("survived" -> titanic), when the
            dataset boost comes from such words.
        words: the normalized words the positions of ``mentions`` refer to.
    """

    filters: dict[str, str] = field(default_factory=dict)
    boosts: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    residual: str = ""
    understood: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)
    hinted: tuple[str, ...] = ()
    words: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator:
        # `filters, residual = understand(q)`
        yield self.filters
        yield self.residual

    def named(self, include_negated: bool = False) -> list[Mention]:
        """The mentions that name a value (hints aside)."""
        return [m for m in self.mentions if m.named and (include_negated or not m.negated)]


# ---------------------------------------------------------------------------
# Phrase tables


@dataclass(frozen=True)
class _Entry:
    values: tuple[str, ...]
    named: bool
    strong: bool
    boost: bool  # also a boost (or hard filter) for retrieval, not only a chat refinement


class _Phrases:
    """Phrases of one field, keyed by their folded words."""

    def __init__(self, field_name: str) -> None:
        self.field = field_name
        self.entries: dict[str, _Entry] = {}
        self.longest = 1

    def add(self, phrase: str, values: Iterable[str], named: bool = True, strong: bool = False,
            boost: bool = True) -> None:
        """A phrase and the values it means; a phrase added twice keeps both values
        and the stronger reading."""
        key = fold(phrase)
        if not key:
            return
        vals = tuple(values)
        old = self.entries.get(key)
        if old is not None:
            vals = tuple(dict.fromkeys(old.values + vals))
            named, strong, boost = old.named or named, old.strong or strong, old.boost or boost
        self.entries[key] = _Entry(vals, named, strong, boost)
        self.longest = max(self.longest, len(normalize(phrase).split()) or 1)

    def add_names(self, phrases_of: Mapping[str, Iterable[str]], named: bool = True,
                  boost: bool = False) -> _Phrases:
        """Each value's phrases (``{value: phrases}``); returns the table."""
        for name, phrases in phrases_of.items():
            for p in phrases:
                self.add(p, (name,), named=named, boost=boost)
        return self

    def add_words(self, value_of: Mapping[str, str]) -> _Phrases:
        """Phrases that each name one value (``{phrase: value}``), named, not boosted; returns the table."""
        for p, name in value_of.items():
            self.add(p, (name,), boost=False)
        return self

    def add_underscored(self, values: Iterable[str]) -> None:
        """Canonical values spelled with spaces (``batch_norm`` -> "batch norm"), not boosted."""
        for name in values:
            if name:
                self.add(name.replace("_", " "), (name,), boost=False)

    def at(self, words: list[str], i: int) -> tuple[int, _Entry] | None:
        """The longest phrase starting at word ``i``: (its length in words, entry)."""
        for n in range(min(self.longest, len(words) - i), 0, -1):
            key = "".join(words[i:i + n])
            e = self.entries.get(key)
            if e is None and len(key) > 3 and key.endswith("s"):
                e = self.entries.get(key[:-1])
            if e is not None:
                return n, e
        return None

    def scan(self, words: list[str], boost_only: bool = True) -> list[tuple[int, int, _Entry]]:
        """Every phrase in the words, leftmost-longest, not overlapping."""
        out = []
        i = 0
        while i < len(words):
            hit = self.at(words, i)
            if hit is not None and (hit[1].boost or not boost_only):
                out.append((i, i + hit[0], hit[1]))
                i += hit[0]
            else:
                i += 1
        return out


@dataclass(frozen=True)
class Tables:
    """The phrase tables a question is read with: the defaults, plus the values an index holds."""

    datasets: _Phrases
    dataset_hints: _Phrases
    frameworks: _Phrases
    framework_soft: _Phrases
    tasks: _Phrases
    tricks: _Phrases
    layers: _Phrases
    optimizers: _Phrases
    losses: _Phrases

    def by_field(self) -> list[_Phrases]:
        """The tables of the chat's view, in :data:`FIELD_ORDER` (hints after names)."""
        return [self.frameworks, self.datasets, self.dataset_hints, self.tricks, self.layers,
                self.optimizers, self.losses, self.tasks]


def build_tables(datasets: Iterable[str] = (), tasks: Iterable[str] = (), layer_types: Iterable[str] = (),
                 tricks: Iterable[str] = ()) -> Tables:
    """The default tables plus the values an index holds (``index.values(field)``).

    Args:
        datasets, tasks, layer_types, tricks: canonical values seen in the index;
            those the tables do not know are added as names (a dataset name with a
            digit or ``_`` is strong, a plain word only names it in a refinement).

    Returns:
        The :class:`Tables`.
    """
    names, hints = _dataset_tables(datasets)
    frameworks, soft = _framework_tables()
    return Tables(names, hints, frameworks, soft, _task_table(tasks), _trick_table(tricks),
                  _layer_table(layer_types), _Phrases("optimizer").add_words(OPTIMIZER_WORDS),
                  _Phrases("loss").add_words(LOSS_WORDS))


def _dataset_tables(datasets: Iterable[str]) -> tuple[_Phrases, _Phrases]:
    """(names of datasets, hints of a dataset or a family of them)."""
    hints = _Phrases("dataset")
    for name, words in ds.IN_WORDS.items():
        for p in words.hints:
            hints.add(p, (name,), named=False)
    for fam in ds.FAMILIES.values():
        for p in fam.phrases:
            hints.add(p, fam.members, named=False)

    names = _Phrases("dataset")
    for name in ds.DATASETS:
        if name in (ds.CUSTOM, ds.SYNTHETIC):
            continue
        for p in ds.question_names(name):
            weak = p == name.replace("_", " ") and name in ds.PLAIN_WORDS
            names.add(p, (name,), strong=not weak, boost=not weak)
    for name in datasets:
        if name and name not in ds.DATASETS and fold(name) not in names.entries:
            strong = bool(re.search(r"[\d_]", name))
            names.add(name.replace("_", " "), (name,), strong=strong, boost=strong)
    # a family's phrase means the family, even where it spells one member ("house prices"):
    # such a name only names the member in a refinement of the chat
    for key in set(names.entries) & set(hints.entries):
        names.entries[key] = replace(names.entries[key], strong=False, boost=False)
    return names, hints


def _framework_tables() -> tuple[_Phrases, _Phrases]:
    """(frameworks named, frameworks hinted at)."""
    frameworks = _Phrases("framework")
    for name, (_gloss, phrases) in FRAMEWORKS.items():
        if name != "tensorflow":
            for p in (name, *phrases):
                frameworks.add(p, (name,), strong=True)
    frameworks.add_words(FRAMEWORK_NAMES)
    soft = _Phrases("framework")
    for p, vals in FRAMEWORK_SOFT.items():
        soft.add(p, vals, named=False)
    return frameworks, soft


def _task_table(tasks: Iterable[str]) -> _Phrases:
    table = _Phrases("task")
    table.add_names({name: phrases for name, (_gloss, phrases) in TASKS.items()}, named=False, boost=True)
    table.add_underscored(n for n in (*SPEC_TASKS, *TASKS, *tasks) if n != "unknown")
    return table.add_names(TASK_NAMES)


def _layer_table(layer_types: Iterable[str]) -> _Phrases:
    table = _Phrases("layer_type").add_names({name: (*phrases, name) for name, phrases in LAYERS.items()},
                                              boost=True)
    for name in (*LAYER_TYPES, *layer_types):
        if name:
            table.add(name, (name,), boost=False)
    return table.add_words(LAYER_WORDS)


def _trick_table(tricks: Iterable[str]) -> _Phrases:
    table = _Phrases("trick")
    table.add_underscored((*TRICKS, *tricks))
    return table.add_names(TRICK_NAMES)


@lru_cache(maxsize=1)
def default_tables() -> Tables:
    """The tables without any index's values (built once)."""
    return build_tables()


# ---------------------------------------------------------------------------
# Reading


def _negated(words: list[str], start: int) -> bool:
    before = words[max(0, start - 2):start]
    if before and before[-1] in NEGATIONS:
        return True
    # "without a transformer", "not with keras"
    return len(before) == 2 and before[0] in NEGATIONS and before[1] in _NEGATION_GAP


def _mentions(words: list[str], tables: Tables) -> tuple[list[Mention], list[str]]:
    """The chat's view: one mention per phrase, longest first, then named before
    hinted, then :data:`FIELD_ORDER`; and the words left over."""
    out: list[Mention] = []
    leftover: list[str] = []
    i = 0
    while i < len(words):
        best: tuple[int, _Entry, str] | None = None
        for table in tables.by_field():
            hit = table.at(words, i)
            if hit is not None and (best is None or hit[0] > best[0] or (hit[0] == best[0] and hit[1].named
                                                                        and not best[1].named)):
                best = (hit[0], hit[1], table.field)
        if best is None:
            if words[i] not in NEGATIONS:
                leftover.append(words[i])
            i += 1
            continue
        n, entry, fld = best
        out.append(Mention(fld, entry.values, i, i + n, _negated(words, i), entry.named, entry.strong))
        if not entry.named:
            leftover.extend(words[i:i + n])  # a hint is a description: its words stay the question's
        i += n
    return out, leftover


def _weights_by_coverage(found: list[tuple[int, int, _Entry]]) -> dict[str, int]:
    """Words of the question that speak for each value (longer phrases weigh more)."""
    cover: dict[str, int] = {}
    for s, e, entry in found:
        for v in entry.values:
            cover[v] = cover.get(v, 0) + (e - s)
    return cover


def _positive(words: list[str], found: list[tuple[int, int, _Entry]]) -> list[tuple[int, int, _Entry]]:
    return [f for f in found if not _negated(words, f[0])]


def understand(query: str, tables: Tables | None = None,
               hard: Iterable[str] = ("dataset", "framework")) -> Understanding:
    """Read datasets, frameworks, tasks, layers, tricks and hyperparameters named in a question.

    Args:
        query: the user's words, e.g. "classify movie reviews with PyTorch using an LSTM".
        tables: the phrase tables (default: :func:`default_tables`; the app adds its index's values).
        hard: the fields a named value may filter on; a named value of another
            field is a boost and its words stay in the embedded text (the chat
            passes the fields its state has not let go of).

    Returns:
        An :class:`Understanding`: hard filters (framework=pytorch), boosts
        (task text_classification, dataset imdb, layer LSTM), the residual
        text for the embedding, a readable account, and the mentions.
    """
    tables = tables or default_tables()
    hard = set(hard)
    words = normalize(query).split()
    u = Understanding(words=words)
    u.mentions, u.leftover = _mentions(words, tables)
    remove: list[tuple[int, int]] = []

    for fld, table, weight in (("dataset", tables.datasets, DATASET_BOOST),
                               ("framework", tables.frameworks, FRAMEWORK_BOOST)):
        found = [f for f in _positive(words, table.scan(words)) if f[2].strong]
        named = list(dict.fromkeys(v for _s, _e, entry in found for v in entry.values))
        if len(named) == 1 and fld in hard:
            u.filters[fld] = named[0]
            remove.extend((s, e) for s, e, _entry in found)
        elif named:
            u.boosts[fld] = (tuple(named), weight)
        if named:
            u.understood[fld] = ",".join(named)

    if "framework" not in u.understood:
        soft = _positive(words, tables.framework_soft.scan(words))
        if soft:
            vals = tuple(dict.fromkeys(v for _s, _e, entry in soft for v in entry.values))
            u.boosts["framework"] = (vals, FRAMEWORK_BOOST)
            u.understood["framework"] = ",".join(vals)

    if "dataset" not in u.understood:
        hints = _positive(words, tables.dataset_hints.scan(words))
        if hints:
            cover = _weights_by_coverage(hints)
            top = max(cover.values())
            vals = tuple(v for v, c in cover.items() if c == top)
            u.boosts["dataset"] = (vals, DATASET_BOOST)
            u.understood["dataset"] = ",".join(vals)
            u.hinted = vals

    tasks = _positive(words, tables.tasks.scan(words))
    if tasks:
        cover = _weights_by_coverage(tasks)
        top = max(cover.values())
        # the best-supported task(s) only: "generate images of digits" is generation
        vals = tuple(v for v, c in sorted(cover.items(), key=lambda x: -x[1]) if c == top)
        u.boosts["task"] = (vals, TASK_BOOST)
        u.understood["task"] = ",".join(vals)

    layers = _positive(words, tables.layers.scan(words))
    if layers:
        vals = tuple(dict.fromkeys(v for _s, _e, entry in layers for v in entry.values))
        u.boosts["layer_type"] = (vals, LAYER_BOOST)
        u.understood["layer_type"] = ",".join(vals)

    u.residual = _residual(words, remove) or " ".join(words)
    return u


def _residual(words: list[str], spans: list[tuple[int, int]]) -> str:
    """The words without the given spans and the glue words just before each."""
    if not spans:
        return " ".join(words)
    keep: list[str] = []
    pos = 0
    for s, e in sorted(spans):
        head = words[pos:s]
        while head and head[-1] in _GLUE:
            head.pop()
        keep.extend(head)
        pos = e
    keep.extend(words[pos:])
    return " ".join(keep)
