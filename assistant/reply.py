"""A few sentences that answer a question from the data of its population.

``describe(agg, context)`` -> "Of 100 examples for “classify movie reviews”,
64 use an Embedding then an LSTM. Most have 3 to 5 layers. The median
learning rate is 1e-3 (set by 80); 58 of 90 use Adam; ... 71% use dropout."

Every number comes from the :class:`~assistant.aggregate.Aggregate`; nothing
is said that the population does not show (a hyperparameter set by too few
examples is left out). The text is plain: it holds corpus strings (layer
types, optimizer names, datasets), so the caller escapes it for Markdown or
HTML (engineer F's ``session.escape_text`` does).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.aggregate import Aggregate, Motif, fmt_number
from corpus.knowledge import layers
from corpus.knowledge.vocab import prose as human  # a canonical name in a sentence

# A value is only quoted when at least this many examples set it (a median of two is anecdote).
MIN_SET = 5
# A motif is worth a sentence when at least this share of the examples has it.
MIN_MOTIF_SHARE = 0.25
# Layers that join or regularize: a motif of only these ("Dropout -> Flatten")
# says little about the architecture.
STRUCTURAL = layers.of_family(layers.DROP, layers.RESHAPE, layers.NORM, layers.ACT, layers.MERGE)
MAX_TRICKS = 3
MAX_QUERY = 60

@dataclass
class ReplyContext:
    """What the population was retrieved for (all optional)."""

    query: str | None = None
    filters: Any = None  # index.search.Filters, or a dict of field -> value
    total_matching: int | None = None


def fmt_rate(x: float) -> str:
    """A learning rate in one notation below 0.1: 1e-3, 5e-3, 1e-2 (not 0.01 beside 1e-3).

    Args:
        x: the rate.

    Returns:
        ``fmt_number`` of it, in mantissa-exponent form when below 0.1.
    """
    if 0 < x < 0.1 and math.isfinite(x):
        mantissa, exp = f"{x:.1e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exp)}"
    return fmt_number(x)


def _context(context: ReplyContext | Mapping[str, Any] | str | None) -> ReplyContext:
    if context is None:
        return ReplyContext()
    if isinstance(context, str):
        return ReplyContext(query=context)
    if isinstance(context, Mapping):
        return ReplyContext(query=context.get("query"), filters=context.get("filters"),
                            total_matching=context.get("total_matching"))
    return context


def _filter_words(filters: Any) -> list[str]:
    if filters is None:
        return []
    d = filters.as_dict() if hasattr(filters, "as_dict") else dict(filters)
    words = []
    for key in ("framework", "dataset", "task", "trick", "layer_type"):
        if d.get(key):
            words.append(human(d[key]) if key in ("framework", "trick") else str(d[key]).replace("_", " "))
    if d.get("max_layers") is not None:
        words.append(f"at most {d['max_layers']} layers")
    if d.get("min_layers") is not None:
        words.append(f"at least {d['min_layers']} layers")
    return words


def article(token: str) -> str:
    """'an' before a vowel sound: an Embedding, an LSTM, a GRU, a Conv2D."""
    if not token:
        return "a"
    if token[0] in "AEIOUaeiou":
        return "an"
    # Acronyms read letter by letter: L-S-T-M starts with "el".
    if len(token) > 1 and token[1].isupper() and token[0] in "FHLMNRSX":
        return "an"
    return "a"


def motif_phrase(m: Motif) -> str:
    """'an Embedding then an LSTM then a Dense layer'."""
    parts = [f"{article(t)} {t}" for t in m.layers]
    return " then ".join(parts)


def best_motif(agg: Aggregate) -> Motif | None:
    """The motif most telling of the population: common, with a non-structural layer,
    longer ones preferred when nearly as common."""
    best, best_score = None, 0.0
    for m in [*agg.trigrams, *agg.bigrams]:
        if m.share < MIN_MOTIF_SHARE or all(t in STRUCTURAL for t in m.layers):
            continue
        if len(set(m.layers)) == 1:
            continue  # "Dense then Dense (then Dense)" is depth, not a pattern
        # Each structural layer halves the appeal: "Conv2D then MaxPooling2D" (83)
        # says more than "Flatten then Dense" (94).
        score = m.count * (1.0 + 0.2 * (len(m.layers) - 2)) * 0.5 ** sum(t in STRUCTURAL for t in m.layers)
        if score > best_score:
            best, best_score = m, score
    return best


def _opening(agg: Aggregate, ctx: ReplyContext) -> str:
    what = f"{agg.n} example{'s' if agg.n != 1 else ''}"
    if ctx.query and ctx.query.strip():
        q = " ".join(ctx.query.split())
        if len(q) > MAX_QUERY:
            q = q[: MAX_QUERY - 1] + "…"
        what += f" for “{q}”"
    words = _filter_words(ctx.filters)
    if words:
        what += f" ({', '.join(words)})"
    if ctx.total_matching and ctx.total_matching > agg.n:
        what += f", the closest of {ctx.total_matching}"
    return what


def describe(agg: Aggregate, context: ReplyContext | Mapping[str, Any] | str | None = None) -> str:
    """A few sentences drawn from the aggregate.

    Args:
        agg: from ``aggregate.aggregate``.
        context: what the examples were retrieved for: a :class:`ReplyContext`,
            a dict with ``query``, ``filters`` (``Filters`` or dict) and
            ``total_matching``, or just the query text.

    Returns:
        Plain text (escape it before rendering as Markdown/HTML).
    """
    ctx = _context(context)
    if agg.n == 0:
        return "No examples match" + (f" “{ctx.query}”." if ctx.query else ".")
    sentences = [_motif_sentence(agg, _opening(agg, ctx))]
    sentences += [x for x in (_shape_sentence(agg), _training_sentence(agg), _tricks_sentence(agg)) if x]
    return " ".join(sentences)


def _capitalized(parts: list[str]) -> str | None:
    """The parts as one sentence, None when there are none."""
    if not parts:
        return None
    s = "; ".join(parts)
    return s[0].upper() + s[1:] + "."


def _motif_sentence(agg: Aggregate, opening: str) -> str:
    m = best_motif(agg)
    if m is not None:
        return f"Of {opening}, {m.count} use {motif_phrase(m)}."
    return f"Here are {opening}; no layer pattern is shared by more than a quarter of them."


def _shape_sentence(agg: Aggregate) -> str | None:
    """How deep the examples are and, when they mix, their frameworks."""
    shape = []
    if agg.layer_count is not None:
        lc = agg.layer_count
        lo, hi = round(lc.p25), round(lc.p75)
        if lo != hi:
            shape.append(f"most have {lo} to {hi} layers")
        elif lo > 1:
            shape.append(f"most have {lo} layers")
        elif lo == 1:
            shape.append("most are single-layer models")
    if agg.frameworks and len(agg.frameworks) > 1 and agg.frameworks[0][1] < agg.n:
        shape.append("frameworks: " + ", ".join(f"{c} {human(name)}" for name, c in agg.frameworks[:3]))
    return _capitalized(shape)


def _training_sentence(agg: Aggregate) -> str | None:
    """The usual learning rate, optimizer, batch size, epochs and loss, where enough examples set them."""
    hp = agg.hyperparameters
    parts = []
    lr = hp["learning_rate"]
    if lr.stats and lr.set_by >= MIN_SET:
        parts.append(f"the median learning rate is {fmt_rate(lr.stats.median)} (set by {lr.set_by})")
    opt = hp["optimizer"]
    if opt.values and opt.set_by >= MIN_SET:
        name, c = opt.values[0]
        parts.append(f"{c} of {opt.set_by} that name an optimizer use {human(name)}")
    bs, ep = hp["batch_size"], hp["epochs"]
    # Counts: a median between two examples ("7.5 epochs") is said as a whole number.
    nums = []
    if bs.stats and bs.set_by >= MIN_SET:
        nums.append(f"batch size {fmt_number(round(bs.stats.median))}")
    if ep.stats and ep.set_by >= MIN_SET:
        nums.append(f"{fmt_number(round(ep.stats.median))} epochs")
    if nums:
        parts.append(" and ".join(nums) + " at the median")
    loss = hp["loss"]
    if loss.values and loss.set_by >= MIN_SET:
        name, c = loss.values[0]
        parts.append(f"the usual loss is {human(name)} ({c} of {loss.set_by})")
    return _capitalized(parts)


def _tricks_sentence(agg: Aggregate) -> str | None:
    """The share of the commonest tricks: "40% use dropout, 20% batch norm and 10% early stopping"."""
    tricks = [t for t in agg.tricks if t.count >= 2][:MAX_TRICKS]
    if not tricks:
        return None
    first = tricks[0]
    s = f"{100 * first.share:.0f}% use {human(first.name)}"
    rest = [f"{100 * t.share:.0f}% {human(t.name)}" for t in tricks[1:]]
    if rest:
        s += ", " + ", ".join(rest[:-1]) + " and " + rest[-1] if len(rest) > 1 else " and " + rest[0]
    return s + "."
