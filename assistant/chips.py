"""Filters picked from the views ("chips"): pure functions over summaries.

Clicking a Sankey node, a family or layer-type bar, a minimap strip or a
hyperparameter bar adds a :class:`Chip`. Chips narrow the retrieved
population *after* retrieval (the chat's own filters in ``session`` are
untouched); several chips combine with AND, and every view and the table are
redrawn from what is left.

The figures describe each clickable point in their traces' ``meta``
(``meta["points"][i]``, see ``figures``); the browser sends that description
back and :func:`from_click` turns it into a chip. The description comes from
the browser, so it is validated here like any other user input: an unknown
view, a wrong type or an oversized value gives no chip rather than an error.

A chip's ``label`` is plain text built from corpus strings: escape it for
where it is shown (``table.escape_markdown`` in Markdown, ``figures.esc`` in
plotly).

Payloads (one dict per clickable point)::

    {"view": "sankey", "position": 2, "token": "Conv2D", "members": []}
    {"view": "sankey", "token": "more layers", "depth": 8}
    {"view": "family", "family": "conv"}
    {"view": "type", "type": "LSTM"}
    {"view": "minimap", "shape": ["conv", "pool", "dense"], "rank": 3}
    {"view": "hp", "name": "learning_rate", "low": 0.00056, "high": 0.00178}
    {"view": "hp", "name": "optimizer", "value": "adam"}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.aggregate import (
    CATEGORICAL_HYPERPARAMETERS,
    NUMERIC_HYPERPARAMETERS,
    hyperparameter_value,
    tokens,
)
from assistant.flow import END, MORE, OTHER
from assistant.reply import fmt_rate
from corpus.knowledge import layers
from corpus.record.summary import Summary

# Bounds on what a click may carry (it is user input).
MAX_PAYLOAD = 4_000  # characters of JSON
MAX_TOKEN = 120  # characters of a layer type or family name
MAX_MEMBERS = 50  # layer types grouped into one "other" node
MAX_SHAPE = 200  # blocks in a minimap shape
MAX_POSITION = 10_000
# At most this many chips at once: each one narrows, so more is never useful.
MAX_CHIPS = 12
# How many blocks of a shape the chip's label spells out.
SHAPE_LABEL_BLOCKS = 6

# The family of a layer type the table does not know (corpus.knowledge.layers).
OTHER_FAMILY = "other"

HP_LABELS = {"learning_rate": "learning rate", "batch_size": "batch size", "epochs": "epochs",
             "optimizer": "optimizer", "loss": "loss"}


def family_of(layer_type: str) -> str:
    """The family of a layer type from the layer table (``conv``, ``rnn``, ``dense`` ...),
    ``other`` for a type the table does not know."""
    return layers.family(layer_type) or OTHER_FAMILY


def shape_of(summary: Summary) -> tuple[str, ...]:
    """The families of a model's layers with repeats merged: its block structure.

    ``Conv2D Conv2D MaxPooling2D Flatten Dense Dense`` -> ``conv pool reshape dense``.
    """
    out: list[str] = []
    for t in tokens(summary):
        f = family_of(t)
        if not out or out[-1] != f:
            out.append(f)
    return tuple(out)


def _range_label(name: str, low: float, high: float) -> str:
    """``learning rate 5.6e-4–1.8e-3``; whole numbers for counts (``batch size 46–90``)."""
    if name == "learning_rate":
        return f"{HP_LABELS[name]} {fmt_rate(low)}–{fmt_rate(high)}"
    first, last = math.ceil(low), math.ceil(high) - 1
    span = f"{first}" if first >= last else f"{first}–{last}"
    return f"{HP_LABELS[name]} {span}"


@dataclass(frozen=True)
class Chip:
    """One filter picked from a view.

    Attributes:
        kind: ``layer_at`` (a layer type at a position), ``deeper`` (more than
            ``position`` layers), ``family`` (has a layer of that family),
            ``type`` (has a layer of that type), ``shape`` (same block
            structure, see :func:`shape_of`), ``hp_range`` (a numeric
            hyperparameter in ``[low, high)``) or ``hp_value`` (a categorical
            one equal to ``values[0]``).
        values: layer types, a family, shape blocks or a hyperparameter value.
        position: the 0-based layer position (``layer_at``) or the depth (``deeper``).
        name: the hyperparameter (``hp_*``).
        low, high: the range of ``hp_range``.
        label: what the chip says, plain unescaped text.
    """

    kind: str
    values: tuple[str, ...] = ()
    position: int | None = None
    name: str | None = None
    low: float | None = None
    high: float | None = None
    label: str = ""

    @property
    def key(self) -> str:
        """A stable identity: two clicks on the same thing give the same key."""
        return json.dumps([self.kind, list(self.values), self.position, self.name, self.low, self.high])

    def matches(self, summary: Summary) -> bool:
        """Whether ``summary`` passes this chip."""
        if self.kind == "layer_at":
            seq = tokens(summary)
            return self.position is not None and self.position < len(seq) and seq[self.position] in self.values
        if self.kind == "deeper":
            return len(summary.layers) > (self.position or 0)
        if self.kind == "family":
            return any(family_of(t) in self.values for t in tokens(summary))
        if self.kind == "type":
            return any(t in self.values for t in tokens(summary))
        if self.kind == "shape":
            return shape_of(summary) == self.values
        if self.kind == "hp_range":
            v = hyperparameter_value(summary, self.name or "")
            return v is not None and (self.low or 0) <= v < (self.high or math.inf)
        if self.kind == "hp_value":
            return hyperparameter_value(summary, self.name or "") in self.values
        if self.kind == "no_gpu":  # runs without a GPU: the code does not move to CUDA unconditionally
            return summary.environment.gpu != "required"
        return True


# The "runs without a GPU" filter (a button in the app), a chip like those the views add.
NO_GPU = Chip("no_gpu", label="runs without a GPU")


def apply(chips: Iterable[Chip], summaries: Sequence[Summary]) -> list[Summary]:
    """The summaries that pass every chip, in their order.

    Args:
        chips: the active chips (AND).
        summaries: the retrieved examples.

    Returns:
        A new list (all of ``summaries`` when there are no chips).
    """
    chips = list(chips)
    return [s for s in summaries if all(c.matches(s) for c in chips)]


def add(chips: Sequence[Chip], chip: Chip | None) -> list[Chip]:
    """``chips`` with ``chip`` appended, unless it is None or already there (or there are too many)."""
    out = list(chips)
    if chip is None or any(c.key == chip.key for c in out) or len(out) >= MAX_CHIPS:
        return out
    out.append(chip)
    return out


def keep(chips: Sequence[Chip], keys: Iterable[str]) -> list[Chip]:
    """The chips whose keys are still in ``keys`` (the chip box after the user removed some)."""
    wanted = set(keys)
    return [c for c in chips if c.key in wanted]


def describe(chips: Sequence[Chip]) -> str:
    """The chips in words, plain text: ``layer 1: Conv2D + with LSTM``."""
    return " + ".join(c.label for c in chips)


# -- clicks -> chips ------------------------------------------------------------
def _text(x: Any) -> str | None:
    if isinstance(x, str) and 0 < len(x) <= MAX_TOKEN:
        return x
    return None


def _int(x: Any, hi: int = MAX_POSITION) -> int | None:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= hi:
        return None
    return x


def _float(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or x < 0:
        return None
    return float(x)


def _sankey(p: dict) -> Chip | None:
    token = _text(p.get("token"))
    if token is None or token == END:
        return None  # "stops here" merges every depth: not one set of examples to keep
    if token == MORE:
        depth = _int(p.get("depth"))
        return None if depth is None else Chip("deeper", position=depth, label=f"more than {depth} layers")
    position = _int(p.get("position"))
    if position is None:
        return None
    where = f"layer {position + 1}"
    if token == OTHER:
        members = p.get("members")
        if not isinstance(members, list) or not members or len(members) > MAX_MEMBERS:
            return None
        names = [m for m in (_text(x) for x in members) if m]
        if len(names) != len(members):
            return None
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        return Chip("layer_at", tuple(sorted(names)), position=position, label=f"{where}: other ({shown})")
    return Chip("layer_at", (token,), position=position, label=f"{where}: {token}")


def _family(p: dict) -> Chip | None:
    fam = _text(p.get("family"))
    return None if fam is None else Chip("family", (fam,), label=f"with a {fam} layer")


def _type(p: dict) -> Chip | None:
    t = _text(p.get("type"))
    return None if t is None else Chip("type", (t,), label=f"with {t}")


def _minimap(p: dict) -> Chip | None:
    shape = p.get("shape")
    if not isinstance(shape, list) or not shape or len(shape) > MAX_SHAPE:
        return None
    blocks = [b for b in (_text(x) for x in shape) if b]
    if len(blocks) != len(shape):
        return None
    spelled = " → ".join(blocks[:SHAPE_LABEL_BLOCKS]) + (" → …" if len(blocks) > SHAPE_LABEL_BLOCKS else "")
    rank = _int(p.get("rank"))
    like = f"shaped like #{rank}" if rank is not None else "shaped like"
    return Chip("shape", tuple(blocks), label=f"{like}: {spelled}")


def _hp(p: dict) -> Chip | None:
    name = p.get("name")
    if name in NUMERIC_HYPERPARAMETERS:
        low, high = _float(p.get("low")), _float(p.get("high"))
        if low is None or high is None or not low < high:
            return None
        return Chip("hp_range", name=name, low=low, high=high,
                    label=_range_label(name, low, high))
    if name in CATEGORICAL_HYPERPARAMETERS:
        value = _text(p.get("value"))
        return None if value is None else Chip("hp_value", (value,), name=name,
                                               label=f"{HP_LABELS[name]}: {value}")
    return None


_VIEWS = {"sankey": _sankey, "family": _family, "type": _type, "minimap": _minimap, "hp": _hp}


def from_click(payload: str | dict | None) -> Chip | None:
    """The chip a click asks for, or None when the payload is not a valid click.

    Args:
        payload: the point description the browser sends (JSON text or a dict;
            see the module docstring). Extra keys (a nonce) are ignored.

    Returns:
        A :class:`Chip`, or None for END nodes, unknown views and malformed input.
    """
    if isinstance(payload, str):
        if not payload or len(payload) > MAX_PAYLOAD:
            return None
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if not isinstance(payload, dict):
        return None
    handler = _VIEWS.get(payload.get("view"))  # type: ignore[arg-type]
    return handler(payload) if handler is not None else None
