"""What a population of example models has in common: pure functions over summaries.

``aggregate(summaries)`` turns the ~100 retrieved examples into an
:class:`Aggregate`: counts by framework, dataset and task; one
:class:`Distribution` per hyperparameter with the number of examples that
set it; tricks and preprocessing as shares; layer-count statistics; "what
follows X" transitions; and the common two- and three-layer motifs.

Everything counts *examples*, not occurrences: a motif "Conv2D -> MaxPooling2D"
that one model repeats four times counts once, so "used by 64 of 100" reads
as a share of models. Nothing here touches the web, the index or a model; it
runs per question, so it stays linear in the number of layers.

For engineer F (session/app): the dataclasses below are the API. Every list
of ``(value, count)`` pairs is sorted most common first, ties by value.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.knowledge import layers
from corpus.record.summary import Layer, Summary

NUMERIC_HYPERPARAMETERS = ("learning_rate", "batch_size", "epochs")
CATEGORICAL_HYPERPARAMETERS = ("optimizer", "loss")
HYPERPARAMETERS = NUMERIC_HYPERPARAMETERS + CATEGORICAL_HYPERPARAMETERS

# No learning rate, batch size or epoch count is above this; a larger number is
# a misread (a sample count, an overflow), and it would break log-scale plots.
MAX_PLAUSIBLE = 1e9

# The marker of a sequence's end in transitions ("what follows Dense": END).
END = "END"

# Motifs used by fewer examples than this are dropped from the lists: a motif
# seen once tells the reader nothing about common practice.
MIN_MOTIF_COUNT = 2
# How many motifs of each length to keep; the UI and the reply show a handful.
MAX_MOTIFS = 30


@dataclass
class NumericStats:
    """Order statistics of the values that examples set (None-free)."""

    count: int
    min: float
    p5: float
    p25: float
    median: float
    p75: float
    p95: float
    max: float
    mean: float

    @classmethod
    def of(cls, values: Sequence[float]) -> NumericStats | None:
        """Stats of ``values``, or None when there are none."""
        if not values:
            return None
        xs = sorted(float(v) for v in values)
        return cls(
            count=len(xs),
            min=xs[0],
            p5=quantile(xs, 0.05),
            p25=quantile(xs, 0.25),
            median=quantile(xs, 0.5),
            p75=quantile(xs, 0.75),
            p95=quantile(xs, 0.95),
            max=xs[-1],
            mean=sum(xs) / len(xs),
        )


@dataclass
class Distribution:
    """One hyperparameter across the population.

    ``values`` holds ``(value, count)`` most common first; ``numbers`` the raw
    numeric values (for histograms), ``stats`` their order statistics.
    """

    name: str
    set_by: int  # examples that set it
    total: int  # examples in the population
    values: list[tuple[Any, int]] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    stats: NumericStats | None = None

    @property
    def most_common(self) -> Any:
        return self.values[0][0] if self.values else None

    def count_of(self, value: Any) -> int:
        return next((c for v, c in self.values if v == value), 0)


@dataclass
class Share:
    """How many examples use a trick / preprocessing step / layer type."""

    name: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass
class Motif:
    """A run of consecutive layer types, and how many examples contain it."""

    layers: tuple[str, ...]
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def label(self) -> str:
        return " -> ".join(self.layers)


@dataclass
class Aggregate:
    """What the population has in common. See the module docstring."""

    n: int
    frameworks: list[tuple[str, int]]
    datasets: list[tuple[str, int]]
    tasks: list[tuple[str, int]]
    hyperparameters: dict[str, Distribution]
    tricks: list[Share]
    preprocessing: list[Share]
    layer_types: list[Share]  # examples using each layer type at least once
    layer_count: NumericStats | None
    # "what follows X": X -> [(next type or END, examples with that step)]
    follows: dict[str, list[tuple[str, int]]]
    bigrams: list[Motif]
    trigrams: list[Motif]
    first_layers: list[tuple[str, int]]
    last_layers: list[tuple[str, int]]

    def share_of_trick(self, trick: str) -> float:
        """Share of examples with ``trick`` (0.0 when none)."""
        return next((s.share for s in self.tricks if s.name == trick), 0.0)

    def motif(self, *layers: str) -> Motif | None:
        """The counted motif for these layer types, if it is in the lists."""
        pool = self.bigrams if len(layers) == 2 else self.trigrams
        return next((m for m in pool if m.layers == tuple(layers)), None)


# -- helpers shared with flow/compare/reply ---------------------------------
def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of already sorted values (numpy's default)."""
    if not sorted_values:
        raise ValueError("quantile of no values")
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo
    return sorted_values[lo] * (1 - frac) + sorted_values[hi] * frac


def tokens(summary: Summary) -> list[str]:
    """The layer types of a summary in forward order (the flow's alphabet)."""
    return [layer_token(layer) for layer in summary.layers]


def layer_token(layer: Layer) -> str:
    """The token a layer contributes to flows and motifs: its canonical type."""
    return layer.type or "Custom"


def hyperparameter_value(summary: Summary, name: str) -> Any:
    """A summary's value for one of HYPERPARAMETERS, None when not set or unreadable."""
    value = getattr(summary.hyperparameters, name, None)
    if name in NUMERIC_HYPERPARAMETERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not math.isfinite(value) or value <= 0 or value > MAX_PLAUSIBLE:
            return None  # zero, negative or astronomical: a parse artefact, not a choice
        return value
    if isinstance(value, str) and value:
        return value
    return None


def has_dropout(summary: Summary) -> bool:
    return "dropout" in summary.tricks or any(
        t in DROPOUT_TYPES for t in summary.layer_types
    )


DROPOUT_TYPES = layers.DROPOUT


def fmt_number(x: float) -> str:
    """Short human form: 0.001 -> '1e-3', 3e-4 -> '3e-4', 0.01 -> '0.01', 128 -> '128'."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 1e7:
        return f"{x:.3g}"
    if x == int(x):
        return str(int(x))
    if abs(x) < 0.01:
        mantissa, exp = f"{x:.1e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exp)}"
    return f"{x:.4g}"


def _ranked(counter: Counter) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _shares(counter: Counter, total: int) -> list[Share]:
    return [Share(name, c, total) for name, c in _ranked(counter)]


def _per_example(items: Iterable[Iterable[Any]]) -> Counter:
    """Count each distinct item once per example."""
    c: Counter = Counter()
    for its in items:
        c.update(set(its))
    return c


def ngrams(seq: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(seq[i : i + size]) for i in range(len(seq) - size + 1)]


def _motifs(counter: Counter, total: int) -> list[Motif]:
    return [
        Motif(m, c, total)
        for m, c in _ranked(counter)[:MAX_MOTIFS]
        if c >= MIN_MOTIF_COUNT
    ]


def aggregate(summaries: Sequence[Summary]) -> Aggregate:
    """Aggregate a population of example summaries.

    Args:
        summaries: the retrieved examples (typically ~100).

    Returns:
        An :class:`Aggregate`; with no summaries every count is zero and every
        list empty (never raises on an empty or odd population).
    """
    n = len(summaries)
    seqs = [tokens(s) for s in summaries]

    hps: dict[str, Distribution] = {}
    for name in HYPERPARAMETERS:
        vals = [v for v in (hyperparameter_value(s, name) for s in summaries) if v is not None]
        dist = Distribution(name=name, set_by=len(vals), total=n, values=_ranked(Counter(vals)))
        if name in NUMERIC_HYPERPARAMETERS:
            dist.numbers = [float(v) for v in vals]
            dist.stats = NumericStats.of(dist.numbers)
        hps[name] = dist

    # Bigrams include the END marker so "what follows Dense" can say END.
    bigram_sets = [ngrams([*seq, END], 2) if seq else [] for seq in seqs]
    bigram_counts = _per_example(bigram_sets)
    follows: dict[str, Counter] = {}
    for (a, b), c in bigram_counts.items():
        follows.setdefault(a, Counter())[b] += c
    pure_bigrams = Counter({k: v for k, v in bigram_counts.items() if END not in k})

    return Aggregate(
        n=n,
        frameworks=_ranked(Counter(s.framework or "unknown" for s in summaries)),
        datasets=_ranked(_per_example(s.datasets for s in summaries)),
        tasks=_ranked(Counter(s.task or "unknown" for s in summaries)),
        hyperparameters=hps,
        tricks=_shares(_per_example(_tricks_of(s) for s in summaries), n),
        preprocessing=_shares(_per_example(s.preprocessing for s in summaries), n),
        layer_types=_shares(_per_example(seqs), n),
        layer_count=NumericStats.of([len(seq) for seq in seqs if seq]),
        follows={a: _ranked(c) for a, c in follows.items()},
        bigrams=_motifs(pure_bigrams, n),
        trigrams=_motifs(_per_example(ngrams(seq, 3) for seq in seqs), n),
        first_layers=_ranked(Counter(seq[0] for seq in seqs if seq)),
        last_layers=_ranked(Counter(seq[-1] for seq in seqs if seq)),
    )


def _tricks_of(summary: Summary) -> set[str]:
    """Tricks as listed, plus dropout when a Dropout layer shows it (parsers may omit the tag)."""
    tricks = set(summary.tricks)
    if has_dropout(summary):
        tricks.add("dropout")
    return tricks
