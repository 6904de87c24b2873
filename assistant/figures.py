"""Plotly figures of a population: layer flow, alignment, hyperparameters, tricks.

All figures are built here, from the results of ``aggregate`` and ``flow``,
sized for a 1280x800 screen (fixed heights, short labels, details on hover).

Corpus strings are untrusted. Plotly renders a subset of HTML in labels,
titles and hover text (``<b>``, ``<a href>``, ``<br>``), so every string
that comes from data (layer types, values, repository names) passes through
:func:`esc`, which escapes ``&``, ``<`` and ``>``; plotly shows the entities
as the literal characters. Data never goes into a ``hovertemplate`` (where
``%{...}`` is interpreted): it travels in ``customdata``.

Figures are assembled as plain dicts and wrapped without plotly's property
validation (``go.Figure(d, _validate=False)``): validation costs ~30 ms per
figure, a third of the whole answer's budget. The tests rebuild every figure
with validation on, so a wrong property still fails there.

For engineer F: every public function returns a ``go.Figure`` (or a dict of
them) and never raises on an empty population: it returns a figure with a
"no examples" note instead.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from assistant.aggregate import (
    NUMERIC_HYPERPARAMETERS,
    Aggregate,
    Distribution,
    fmt_number,
    has_dropout,
    hyperparameter_value,
)
from assistant.flow import END, FAMILIES, MORE, OTHER, Alignment, Flow, path_of
from assistant.reply import fmt_rate, human
from corpus.knowledge import layers
from corpus.knowledge.vocab import label
from corpus.record.summary import Reported, Summary

SANKEY_HEIGHT = 520
ALIGNMENT_HEIGHT = 520
HP_HEIGHT = 260
# At most this many tick labels on a hyperparameter axis (plots are ~230 px wide).
MAX_TICKS = 5
TRICKS_HEIGHT = 320
# The alignment shows this many distinct sequences (most common first);
# more rows than this stop being readable at 520 px.
MAX_ALIGNMENT_ROWS = 24
# Labels longer than this are cut (full text stays in the hover).
MAX_LABEL = 18
# Tricks bars are labelled on a full-width panel: room for "learning-rate schedules".
MAX_TRICK_LABEL = 24
# Sankey columns are ~75 px apart at 720 px: ~13 characters of 10-px text.
MAX_SANKEY_LABEL = 13
# Sankey nodes thinner than this share of the examples go unlabelled (hover names them).
MIN_LABEL_SHARE = 0.04
TERMINAL = (END, MORE)

FONT = dict(family="Inter, Helvetica, Arial, sans-serif", size=12)
MARGIN = dict(l=40, r=20, t=56, b=40)
HIGHLIGHT = "#d62728"  # a selected example
YOURS = "#ff7f0e"  # the user's model
BASE = "#4c78a8"
PALE_LINK = "rgba(160,160,160,0.25)"
END_LINK = "rgba(120,120,120,0.13)"
# A light template by hand: plotly's named templates are large to copy per figure.
_TEMPLATE = dict(layout=dict(
    plot_bgcolor="white", paper_bgcolor="white",
    xaxis=dict(gridcolor="#ebebeb", zerolinecolor="#ebebeb", linecolor="#bbb"),
    yaxis=dict(gridcolor="#ebebeb", zerolinecolor="#ebebeb", linecolor="#bbb"),
))

# One color per layer family (see flow.FAMILIES); plain types get their own.
FAMILY_COLORS: dict[str, str] = {
    "conv": "#4c78a8", "pool": "#72b7b2", "gpool": "#54a24b", "dropout": "#b279a2",
    "norm": "#9d755d", "rnn": "#e45756", "attention": "#f58518", "reshape": "#bab0ac",
    "merge": "#eeca3b", "resize": "#86bcb6", "regularizer": "#d4a6c8",
}
TYPE_COLORS: dict[str, str] = {
    "Dense": "#59a14f", "Embedding": "#edc948", "Pretrained": "#af7aa1", "Custom": "#8c8c8c",
    "Activation": "#ff9da7", OTHER: "#c7c7c7", MORE: "#dddddd", END: "#555555",
}

# Labels beside Sankey nodes and bars are the layer table's short names (corpus.knowledge.layers);
# alignment cells (~50 px) its abbreviations, full names on hover.
SHORT_NAMES: dict[str, str] = {END: "end", MORE: "more…"}
MAX_ABBREVIATION = 7


def abbreviate(token: str) -> str:
    """A cell label for the alignment grid (escaped)."""
    a = layers.abbreviation(token)
    return esc(a if len(a) <= MAX_ABBREVIATION else a[: MAX_ABBREVIATION - 1] + "…")


TITLES = {
    "learning_rate": "Learning rate",
    "batch_size": "Batch size",
    "epochs": "Epochs",
    "optimizer": "Optimizer",
    "loss": "Loss",
}

# Bin width in log10 units: a quarter decade for rates and epochs; one
# octave for batch sizes so that 32, 64, 128 each get their own bar.
LOG_BIN = {"learning_rate": 0.25, "epochs": 0.25, "batch_size": math.log10(2)}


def esc(text: object) -> str:
    """Escape ``&``, ``<``, ``>`` so plotly shows data as text, never as markup."""
    return html.escape(str(text), quote=False)


def short(token: str, limit: int = MAX_LABEL) -> str:
    """A short, escaped label for a layer type (at most ``limit`` characters)."""
    s = SHORT_NAMES.get(token) or layers.label(token)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return esc(s)


def _next_name(token: str) -> str:
    return "end" if token == END else esc(token)


def token_color(token: str) -> str:
    if token in TYPE_COLORS:
        return TYPE_COLORS[token]
    fam = FAMILIES.get(token)
    if fam in FAMILY_COLORS:
        return FAMILY_COLORS[fam]
    # Unknown types: a stable color from the name, so a type keeps its color.
    palette = ["#76b7b2", "#ff9da7", "#9c755f", "#bab0ac", "#d37295", "#a0cbe8"]
    return palette[sum(map(ord, token)) % len(palette)]


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _figure(data: list[dict], layout: dict, title: str, height: int) -> go.Figure:
    base = dict(
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=14)),
        height=height, margin=MARGIN, font=FONT, template=_TEMPLATE,
        hoverlabel=dict(font=dict(size=12)), showlegend=False, bargap=0.35,
    )
    base.update(layout)
    return go.Figure(dict(data=data, layout=base), _validate=False)


def _empty(title: str, height: int, note: str = "no examples to show") -> go.Figure:
    return _figure([], dict(
        annotations=[dict(text=esc(note), showarrow=False, x=0.5, y=0.5, xref="paper",
                          yref="paper", font=dict(size=14, color="#777"))],
        xaxis=dict(visible=False), yaxis=dict(visible=False)), title, height)


def _vline(x: float, color: str, dash: str = "solid", width: float = 2) -> dict:
    return dict(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper",
                line=dict(color=color, dash=dash, width=width))


def _value(name: str, x: float) -> str:
    """A hyperparameter value as the axis shows it: rates as 1e-2 (as 1e-3 is,
    not 0.01 beside 1e-3), batch sizes of 4096 as 4k (narrow plots)."""
    if name == "learning_rate":
        return fmt_rate(x)
    if name == "batch_size" and x >= 1000 and round(x) % 1024 == 0:
        return f"{round(x) // 1024}k"
    return fmt_number(x)


def _of(k: int, n: int) -> str:
    return f"{k} of {n} example{'s' if n != 1 else ''}"


# -- Sankey -------------------------------------------------------------------
def sankey_figure(
    flow: Flow,
    highlight: Sequence[str] | None = None,
    overlay: Summary | None = None,
    title: str | None = None,
) -> go.Figure:
    """The layer-flow Sankey.

    Args:
        flow: from ``flow.build_flow``.
        highlight: one example's path (``flow.path_of(summary, flow)``): its
            nodes and links are drawn in red, the rest paler.
        overlay: a user's model; its path is drawn over the flow in orange
            (with nodes of its own where the population has none).
        title: replaces the default title (escaped).

    Returns:
        A ``go.Figure`` of height ``SANKEY_HEIGHT``: one column per layer
        position, then one final column where the flow's END nodes (at
        whatever depth) are merged into "end" and deeper models sit in
        "more…". Labels are short (``SHORT_NAMES``, at most
        ``MAX_SANKEY_LABEL`` characters; nodes under ``MIN_LABEL_SHARE``
        unlabelled); full names, counts and depths are on hover.
    """
    default = f"Layer flow of {flow.n} examples"
    if flow.truncated:
        default += (f" (first {flow.max_positions} layers; {flow.truncated} "
                    f"{'goes' if flow.truncated == 1 else 'go'} deeper)")
    title = esc(title) if title else default
    if not flow.nodes:
        return _empty(title, SANKEY_HEIGHT)

    nodes = _SankeyNodes(flow)
    n = nodes.n
    index = nodes.add_layers(flow)  # flow node -> figure node
    nodes.add_final(flow, index)
    nodes.scale_y()

    # Links into the merged nodes add up; MORE -> END would run inside the final column.
    merged: dict[tuple[int, int], int] = {}
    for lk in flow.links:
        a, b = index[lk.source], index[lk.target]
        if flow.nodes[lk.source].token not in TERMINAL:
            merged[(a, b)] = merged.get((a, b), 0) + lk.count
    links = _SankeyLinks([a for a, _ in merged], [b for _, b in merged], list(merged.values()), [], [])
    tok = {index[k]: nd.token for k, nd in enumerate(flow.nodes)}
    # Links into END cross the diagram to the final column: faint, so the
    # layer-to-layer flow stays what the eye follows (their count is on hover).
    links.colors.extend(END_LINK if tok[b] == END else _rgba(token_color(tok[a]), 0.35) for a, b in merged)
    links.hovers.extend(f"{esc(tok[a])} → {_next_name(tok[b])}<br>{_of(c, n)}" for (a, b), c in merged.items())

    if highlight:
        _highlight_path(flow, highlight, index, list(merged), nodes, links)
    if overlay is not None and overlay.layers:
        _overlay_path(flow, overlay, index, tok, nodes, links)

    labels, colors, hovers, xs, ys, points = nodes.labels, nodes.colors, nodes.hovers, nodes.xs, nodes.ys, nodes.points
    src, tgt, val, link_colors, link_hover = links
    trace = dict(
        type="sankey", arrangement="snap", meta=dict(points=points),
        node=dict(label=labels, color=colors, customdata=hovers, x=xs, y=ys,
                  hovertemplate="%{customdata}<extra></extra>", pad=10, thickness=12,
                  # Scalar outline: plotly.js ignores per-node line colors and
                  # misplaces labels given per-node widths.
                  line=dict(width=0.5, color="rgba(0,0,0,0.35)")),
        textfont=dict(size=10),
        link=dict(source=src, target=tgt, value=val, color=link_colors, customdata=link_hover,
                  hovertemplate="%{customdata}<extra></extra>"),
    )
    return _figure([trace], {}, title, SANKEY_HEIGHT)


class _SankeyLinks(NamedTuple):
    """The Sankey's links, one entry per link in each list."""

    source: list[int]
    target: list[int]
    value: list[float]
    colors: list[str]
    hovers: list[str]

    def add(self, a: int, b: int, value: float, color: str, hover: str) -> None:
        self.source.append(a)
        self.target.append(b)
        self.value.append(value)
        self.colors.append(color)
        self.hovers.append(hover)


class _SankeyNodes:
    """The Sankey's nodes as plotly wants them (one entry per node in each list), placed in columns.

    Where models stop (END) and where deeper ones continue (MORE) are drawn
    as one final column: END nodes scattered over every column read as a
    wall of dark slivers, and their labels collided with the layers'.
    """

    def __init__(self, flow: Flow) -> None:
        self.n = max(flow.n, 1)
        self.labels: list[str] = []
        self.colors: list[str] = []
        self.hovers: list[str] = []
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.points: list[dict | None] = []  # what a click on each node picks (see chips.from_click)
        self.layer_nodes = [k for k, nd in enumerate(flow.nodes) if nd.token not in TERMINAL]
        self.columns = (max((flow.nodes[k].position for k in self.layer_nodes), default=0) + 1) + 1
        self.final = self.columns - 1
        self.col_fill: dict[int, float] = {}

    def x_of(self, position: int) -> float:
        return 0.01 + 0.98 * min(position, self.columns - 1) / max(self.columns - 1, 1)

    def y_of(self, column: int, count: float) -> float:
        # The center in examples from the column's top; scaled to 0..1 by scale_y.
        top = self.col_fill.get(column, 0.0)
        self.col_fill[column] = top + count + self.n * 0.03
        return top + count / 2

    def add(self, label: str, point: dict | None, color: str, hover: str, x: float, y: float) -> int:
        """A node; returns its figure index."""
        self.labels.append(label)
        self.points.append(point)
        self.colors.append(color)
        self.hovers.append(hover)
        self.xs.append(x)
        self.ys.append(y)
        return len(self.labels) - 1

    def add_layers(self, flow: Flow) -> dict[int, int]:
        """One node per layer node of the flow, in its column; returns flow node -> figure node."""
        n = self.n
        # "What comes after X": each node's hover lists where its examples go next.
        nexts: dict[int, list[tuple[int, int]]] = {}
        for lk in flow.links:
            nexts.setdefault(lk.source, []).append((lk.count, lk.target))
        index: dict[int, int] = {}
        for k in self.layer_nodes:
            nd = flow.nodes[k]
            hover = f"<b>{esc(nd.token)}</b> at layer {nd.position + 1}<br>{_of(nd.count, n)}"
            if nd.members:
                hover += "<br>grouped: " + esc(", ".join(nd.members[:8]))
                if len(nd.members) > 8:
                    hover += ", …"
            if nexts.get(k):
                top = sorted(nexts[k], reverse=True)[:4]
                hover += "<br>next: " + ", ".join(f"{_next_name(flow.nodes[t].token)} ({c})" for c, t in top)
            # Slivers keep their name in the hover: a label beside a 2-px node
            # only overlaps its neighbours'.
            index[k] = self.add(short(nd.token, MAX_SANKEY_LABEL) if nd.count >= MIN_LABEL_SHARE * n else "",
                                dict(view="sankey", position=nd.position, token=nd.token, members=list(nd.members)),
                                token_color(nd.token), hover, self.x_of(nd.position), self.y_of(nd.position, nd.count))
        return index

    def add_final(self, flow: Flow, index: dict[int, int]) -> None:
        """The final column: END (stops after ... layers) above MORE (goes deeper); fills ``index``."""
        for token in (END, MORE):
            ks = [k for k, nd in enumerate(flow.nodes) if nd.token == token]
            if not ks:
                continue
            for k in ks:
                index[k] = len(self.labels)
            # The END after MORE is not a stop: those models went deeper.
            ks = [k for k in ks if token == MORE or flow.nodes[k].position <= flow.max_positions]
            count = sum(flow.nodes[k].count for k in ks)
            if token == END:
                depths = sorted(((flow.nodes[k].count, flow.nodes[k].position) for k in ks), reverse=True)
                hover = (f"<b>end</b>: {_of(count, self.n)} stop here<br>after: "
                         + ", ".join(f"{d} layer{'s' if d != 1 else ''} ({c})" for c, d in depths[:5]))
            else:
                hover = f"<b>more layers</b>: {_of(count, self.n)} go deeper than {flow.max_positions}"
            self.add(short(token), dict(view="sankey", token=token, depth=flow.max_positions),
                     token_color(token), hover, self.x_of(self.final), self.y_of(self.final, count))

    def scale_y(self) -> None:
        # The fullest column (nodes and gaps) spans the height: none is pushed off the bottom.
        span = max([self.n, *self.col_fill.values()])
        self.ys = [min(0.99, 0.01 + 0.98 * y / span) for y in self.ys]


def _highlight_path(flow: Flow, highlight: Sequence[str], index: dict[int, int], pairs_in_order: list[tuple[int, int]],
                    nodes: _SankeyNodes, links: _SankeyLinks) -> None:
    """One example's path in red, every other link paler."""
    on_path = []
    for p, t in enumerate(highlight):
        i = flow.node_index(p, t)
        if i is None:
            i = flow.node_index(p, OTHER)
        on_path.append(index.get(i) if i is not None else None)
    pairs = {(a, b) for a, b in zip(on_path, on_path[1:], strict=False) if a is not None and b is not None}
    for k, ab in enumerate(pairs_in_order):
        links.colors[k] = _rgba(HIGHLIGHT, 0.75) if ab in pairs else PALE_LINK
    for i in on_path:
        if i is not None:
            nodes.colors[i] = HIGHLIGHT


def _overlay_path(flow: Flow, overlay: Summary, index: dict[int, int], tok: dict[int, str],
                  nodes: _SankeyNodes, links: _SankeyLinks) -> None:
    """The user's model drawn over the flow in orange, with nodes of its own where the flow has none."""
    path = path_of(overlay)[: flow.max_positions + 2]
    weight = max(1.0, 0.04 * nodes.n)
    ids: list[int] = []
    ends = {t: next((index[k] for k, nd in enumerate(flow.nodes) if nd.token == t), None)
            for t in TERMINAL}
    for p, t in enumerate(path):
        found = ends[t] if t in TERMINAL else flow.node_index(p, t)
        i = index.get(found) if found is not None and t not in TERMINAL else found
        if i is None:
            i = nodes.add(short(t, MAX_SANKEY_LABEL), None, YOURS, f"<b>{esc(t)}</b> at layer {p + 1}<br>only in your model",
                          nodes.x_of(nodes.final) if t in TERMINAL else nodes.x_of(min(p, nodes.final - 1)), 0.97)
            if t in TERMINAL:
                ends[t] = i
        else:
            nodes.colors[i] = YOURS
        ids.append(i)
    for (a, b), t in zip(zip(ids, ids[1:], strict=False), path, strict=False):
        if t in TERMINAL:
            continue
        links.add(a, b, weight, _rgba(YOURS, 0.85), f"your model: {nodes.labels[a] or esc(tok.get(a, ''))} → {nodes.labels[b]}")


def labels_for(summaries: Sequence[Summary]) -> dict[str, str]:
    """Hover names for ``alignment_figure(labels=...)``: id -> "owner/repo/path"."""
    out = {}
    for s in summaries:
        where = "/".join(x for x in (s.source.repo, s.source.path) if x)
        out[s.id] = where or s.name or s.id
    return out


# -- alignment ------------------------------------------------------------------
def alignment_figure(
    alignment: Alignment,
    highlight: str | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """The aligned layer sequences as a grid, the consensus on top.

    Args:
        alignment: from ``flow.align`` / ``flow.align_summaries``.
        highlight: an example id (or the user's model id): its row is shown
            right under the consensus and marked.
        labels: optional id -> display name (e.g. repository) for hover text.
        title: replaces the default title (escaped).

    Returns:
        A heatmap ``go.Figure``: one row per distinct sequence ("×7" = seven
        examples share it), gaps blank, hover gives type and examples.
    """
    default = f"Aligned layer sequences of {alignment.n} examples (consensus on top)"
    title = esc(title) if title else default
    if not alignment.rows:
        return _empty(title, ALIGNMENT_HEIGHT)
    labels = labels or {}
    rows = list(alignment.rows)
    yours = alignment.extra_id
    marked = next((r for r in rows if highlight in r.ids), None) if highlight is not None else None
    mine = next((r for r in rows if yours in r.ids), None) if yours is not None else None
    for r in (marked, mine):  # the user's row first, then the selected example's
        if r is not None:
            rows.remove(r)
            rows.insert(0, r)
    shown = rows[:MAX_ALIGNMENT_ROWS]
    # Columns only the rarer, hidden rows use would show as blank stripes.
    keep = [j for j in range(alignment.width)
            if alignment.consensus[j] is not None or any(r.tokens[j] is not None for r in shown)]

    vocab = sorted({t for r in shown for t in r.tokens if t} | {t for t in alignment.consensus if t})
    code = {t: i for i, t in enumerate(vocab)}
    grid_tokens = [[row[j] for j in keep] for row in [alignment.consensus] + [r.tokens for r in shown]]
    support = [alignment.support[j] for j in keep]
    z = [[code[t] if t else None for t in row] for row in grid_tokens]
    text = [[abbreviate(t) if t else "" for t in row] for row in grid_tokens]
    y_names = ["consensus"]
    hover: list[list[str]] = []
    cons_hover = [
        (f"consensus: <b>{esc(t)}</b><br>{_of(s, alignment.n)} have it here" if t else "consensus: gap")
        for t, s in zip(grid_tokens[0], support, strict=True)
    ]
    hover.append(cons_hover)
    for k, (r, row_tokens) in enumerate(zip(shown, grid_tokens[1:], strict=True)):
        if r is mine:
            y_names.append("your model" + (f" ×{r.count}" if r.count > 1 else ""))
        else:
            y_names.append(f"{'▶ ' if r is marked else ''}#{k + 1} ×{r.count}")
        ids = [i for i in r.ids if i != yours]
        who = ", ".join(esc(labels.get(i, i)) for i in ids[:3]) + (", …" if len(ids) > 3 else "")
        if r is mine:
            who = "your model" + (f" and {who}" if ids else "")
        hover.append([
            f"{esc(t) if t else 'gap'}<br>{r.count} example{'s' if r.count != 1 else ''}: {who}"
            for t in row_tokens
        ])

    m = max(len(vocab) - 1, 1)
    scale = []
    for t, i in code.items():
        c = token_color(t)
        scale += [[i / (m + 1), c], [(i + 1) / (m + 1), c]]
    trace = dict(
        type="heatmap", z=z, text=text, texttemplate="%{text}", textfont=dict(size=9),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", colorscale=scale,
        zmin=0, zmax=m + 1, showscale=False, xgap=1, ygap=1,
    )
    layout: dict = dict(
        yaxis=dict(autorange="reversed", tickvals=list(range(len(y_names))), ticktext=y_names,
                   showgrid=False),
        xaxis=dict(showticklabels=False, showgrid=False, zeroline=False, ticks=""),
        margin=dict(MARGIN, l=90),
    )
    if len(alignment.rows) > len(shown):
        layout["annotations"] = [dict(
            text=f"{len(alignment.rows) - len(shown)} rarer sequences not shown",
            xref="paper", yref="paper", x=1, y=-0.06, showarrow=False,
            font=dict(size=11, color="#777"), xanchor="right")]
    return _figure([trace], layout, title, ALIGNMENT_HEIGHT)


# -- hyperparameters ------------------------------------------------------------
def _hp_title(name: str, dist: Distribution) -> str:
    # Two lines: the app shows three of these side by side (~230 px each).
    return (f"{TITLES.get(name, esc(name))}<br><span style='font-size:11px;color:#666'>"
            f"set by {_of(dist.set_by, dist.total)}</span>")


def _numeric_figure(name: str, dist: Distribution, mark_value: float | None, mark_label: str) -> go.Figure:
    title = _hp_title(name, dist)
    if not dist.numbers and mark_value is None:
        return _empty(title, HP_HEIGHT, "no example sets it")
    width = LOG_BIN[name]
    logs = np.log10(np.asarray(dist.numbers, dtype=float)) if dist.numbers else np.zeros(0)
    every = logs.tolist() + ([math.log10(mark_value)] if mark_value else [])
    # Bins aligned on multiples of the width, so 1e-3 and 64 sit at bin centers.
    lo = math.floor(min(every) / width + 0.5) - 0.5
    hi = math.floor(max(every) / width + 0.5) + 0.5
    edges = np.arange(lo, hi + 1e-9, 1.0) * width
    counts, _ = np.histogram(logs, bins=edges)
    centers = (edges[:-1] + edges[1:]) / 2
    hover = [
        f"{_value(name, 10 ** a)} – {_value(name, 10 ** b)}: {_of(int(c), dist.total)}"
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
    trace = dict(type="bar", x=centers.tolist(), y=counts.tolist(), width=width * 0.9,
                 marker=dict(color=BASE), customdata=hover,
                 meta=dict(points=[dict(view="hp", name=name, low=10 ** a, high=10 ** b)
                                   for a, b in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)]),
                 hovertemplate="%{customdata}<extra></extra>")
    span = range(math.floor(edges[0]), math.ceil(edges[-1]) + 1)
    if name == "batch_size":
        ticks = [k * math.log10(2) for k in range(0, 16) if edges[0] <= k * math.log10(2) <= edges[-1]]
        # In a ~230 px plot more than 5 labels turn sideways over the axis title:
        # every 2nd or 4th power of two, counted from the median's so it keeps its tick.
        if len(ticks) > MAX_TICKS:
            step = math.ceil(len(ticks) / MAX_TICKS)
            anchor = round(math.log2(dist.stats.median)) if dist.stats else 0
            ticks = [t for t in ticks if (round(t / math.log10(2)) - anchor) % step == 0]
    else:
        ticks = [float(k) for k in span if edges[0] <= k <= edges[-1]]
        if len(ticks) < 3:  # a narrow range: add 2x and 5x ticks
            ticks = sorted(t + math.log10(f) for t in map(float, span) for f in (1, 2, 5)
                           if edges[0] <= t + math.log10(f) <= edges[-1])
    shapes, notes = [], []
    if dist.stats:
        shapes.append(_vline(math.log10(dist.stats.median), "#999", "dot", 1))
    if mark_value:
        shapes.append(_vline(math.log10(mark_value), HIGHLIGHT))
        # Centered on a mark near either end, the note ran off a ~230 px plot: it
        # grows away from the nearer edge.
        where = (math.log10(mark_value) - edges[0]) / max(edges[-1] - edges[0], 1e-9)
        notes.append(dict(x=math.log10(mark_value), y=1, xref="x", yref="paper", showarrow=False,
                          text=f"{esc(mark_label)}: {_value(name, mark_value)}", yanchor="top",
                          xanchor="right" if where > 0.6 else "left" if where < 0.4 else "center",
                          bgcolor="rgba(255,255,255,0.85)", font=dict(color=HIGHLIGHT, size=11)))
    layout = dict(
        xaxis=dict(tickvals=ticks, ticktext=[_value(name, 10 ** t) for t in ticks], tickangle=0,
                   title=dict(text=f"{TITLES[name].lower()} (log scale)")),
        yaxis=dict(title=dict(text="examples"), rangemode="tozero"),
        shapes=shapes, annotations=notes,
    )
    return _figure([trace], layout, title, HP_HEIGHT)


def _categorical_figure(name: str, dist: Distribution, mark_value: str | None, mark_label: str) -> go.Figure:
    title = _hp_title(name, dist)
    values = list(dist.values[:10])
    if mark_value is not None and all(v != mark_value for v, _ in values):
        values.append((mark_value, dist.count_of(mark_value)))
    if not values:
        return _empty(title, HP_HEIGHT, "no example sets it")
    # Optimizers by their usual names (Adam, SGD); losses keep the short forms (binary CE).
    xs = [short(label(str(v)), MAX_TRICK_LABEL) for v, _ in values]
    colors = [HIGHLIGHT if v == mark_value else BASE for v, _ in values]
    hover = [f"{esc(v)}: {_of(c, dist.total)}" + (f" ({esc(mark_label)})" if v == mark_value else "")
             for v, c in values]
    trace = dict(type="bar", x=xs, y=[c for _, c in values], marker=dict(color=colors),
                 meta=dict(points=[dict(view="hp", name=name, value=v) for v, _ in values]),
                 customdata=hover, hovertemplate="%{customdata}<extra></extra>")
    layout = dict(xaxis=dict(type="category"),
                  yaxis=dict(title=dict(text="examples"), rangemode="tozero"))
    return _figure([trace], layout, title, HP_HEIGHT)


def hyperparameter_figures(
    agg: Aggregate, mark: Summary | None = None, mark_label: str = "selected"
) -> dict[str, go.Figure]:
    """One figure per hyperparameter, each titled "set by N of M examples".

    Args:
        agg: from ``aggregate.aggregate``.
        mark: an example or the user's model whose values are marked in red.
        mark_label: what to call it in the marker ("your model", "selected").

    Returns:
        ``{"learning_rate", "batch_size", "epochs", "optimizer", "loss"} -> go.Figure``;
        numbers on a log x-axis with the median dotted.
    """
    out: dict[str, go.Figure] = {}
    for name, dist in agg.hyperparameters.items():
        value = hyperparameter_value(mark, name) if mark is not None else None
        if name in NUMERIC_HYPERPARAMETERS:
            out[name] = _numeric_figure(name, dist, value, mark_label)
        else:
            out[name] = _categorical_figure(name, dist, value, mark_label)
    return out


# -- tricks and preprocessing ------------------------------------------------------
def tricks_figure(agg: Aggregate, mark: Summary | None = None) -> go.Figure:
    """Tricks and preprocessing as shares of the examples (horizontal bars, side by side).

    Args:
        agg: from ``aggregate.aggregate``.
        mark: an example or the user's model: the bars of what it uses are red.

    Returns:
        A ``go.Figure`` of height ``TRICKS_HEIGHT``.
    """
    title = f"Tricks and preprocessing across {agg.n} examples"
    if not agg.n:
        return _empty(title, TRICKS_HEIGHT)
    used_tricks = (set(mark.tricks) | ({"dropout"} if has_dropout(mark) else set())) if mark else set()
    used_pre = set(mark.preprocessing) if mark is not None else set()
    data, layout = [], {}
    notes = []
    domains = ((0.0, 0.39), (0.61, 1.0))
    panels = (("tricks", agg.tricks[:12], used_tricks), ("preprocessing", agg.preprocessing[:12], used_pre))
    for k, (name, shares, used) in enumerate(panels):
        suffix = "" if k == 0 else str(k + 1)
        shares = list(reversed(shares))  # largest on top
        data.append(dict(
            type="bar", orientation="h", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            y=[short(human(s.name), MAX_TRICK_LABEL) for s in shares], x=[100 * s.share for s in shares],
            marker=dict(color=[HIGHLIGHT if s.name in used else BASE for s in shares]),
            customdata=[f"{esc(s.name)}: {_of(s.count, s.total)} ({100 * s.share:.0f}%)" for s in shares],
            hovertemplate="%{customdata}<extra></extra>",
            text=[f"{100 * s.share:.0f}%" for s in shares], textposition="outside", cliponaxis=False,
        ))
        layout[f"xaxis{suffix}"] = dict(domain=list(domains[k]), range=[0, 115], ticksuffix="%",
                                        anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", type="category", automargin=True)
        notes.append(dict(text=name if shares else f"{name}: none recorded", x=sum(domains[k]) / 2,
                          y=1.02, xref="paper", yref="paper", showarrow=False, yanchor="bottom",
                          font=dict(size=12)))
    layout["annotations"] = notes
    return _figure(data, layout, title, TRICKS_HEIGHT)


# -- layer families and the minimap ------------------------------------------------
# Both views are clickable: each trace's ``meta["points"][i]`` describes point i
# for ``chips.from_click`` (the browser sends it back when the point is clicked).
FAMILY_HEIGHT = 520
MINIMAP_HEIGHT = 520
# The type panel lists at most this many layer types (most used first, grouped by family).
MAX_FAMILY_TYPES = 22
# The minimap draws at most this many layers per example; deeper models are cut (hover says so).
MAX_MINIMAP_LAYERS = 60
# Rank ticks on the minimap's y axis: about this many, whatever the number of examples.
MINIMAP_TICKS = 10
# Families without a color of their own in FAMILY_COLORS.
# Families of one type each take that type's color, as in the Sankey.
_EXTRA_FAMILY_COLORS = {"dense": TYPE_COLORS["Dense"], "embedding": TYPE_COLORS["Embedding"],
                        "activation": TYPE_COLORS["Activation"], "pretrained": TYPE_COLORS["Pretrained"],
                        "custom": TYPE_COLORS["Custom"], "other": TYPE_COLORS[OTHER]}


def family_color(family: str) -> str:
    """The color of a layer family (the Sankey colors its nodes the same way)."""
    if family in FAMILY_COLORS:
        return FAMILY_COLORS[family]
    if family in _EXTRA_FAMILY_COLORS:
        return _EXTRA_FAMILY_COLORS[family]
    palette = ["#76b7b2", "#ff9da7", "#9c755f", "#d37295", "#a0cbe8"]
    return palette[sum(map(ord, family)) % len(palette)]


def family_figure(summaries: Sequence[Summary], mark: Summary | None = None) -> go.Figure:
    """Layer families and types across the examples: two bar panels, both clickable.

    Args:
        summaries: the examples shown.
        mark: an example or the user's model: the bars of the families and
            types it uses are outlined in red.

    Returns:
        A ``go.Figure`` of height ``FAMILY_HEIGHT``: on the left, per family,
        how many examples have at least one layer of it; on the right the
        most used layer types (at most ``MAX_FAMILY_TYPES``), grouped by
        family. Hover gives example and layer counts.
    """
    from assistant.aggregate import tokens
    from assistant.chips import family_of

    with_layers = [s for s in summaries if s.layers]
    n = len(with_layers)
    title = f"Layer families and types across {n} examples (click a bar to narrow)"
    if not n:
        return _empty(title, FAMILY_HEIGHT)
    fam_examples: dict[str, int] = {}
    fam_layers: dict[str, int] = {}
    type_examples: dict[str, int] = {}
    type_layers: dict[str, int] = {}
    for s in with_layers:
        seq = tokens(s)
        for t in seq:
            fam_layers[family_of(t)] = fam_layers.get(family_of(t), 0) + 1
            type_layers[t] = type_layers.get(t, 0) + 1
        for f in {family_of(t) for t in seq}:
            fam_examples[f] = fam_examples.get(f, 0) + 1
        for t in set(seq):
            type_examples[t] = type_examples.get(t, 0) + 1
    used = set(tokens(mark)) if mark is not None else set()
    used_fams = {family_of(t) for t in used}

    fams = sorted(fam_examples, key=lambda f: (-fam_examples[f], f))
    rank = {f: i for i, f in enumerate(fams)}
    types = sorted(type_examples, key=lambda t: (-type_examples[t], t))[:MAX_FAMILY_TYPES]
    types.sort(key=lambda t: (rank[family_of(t)], -type_examples[t], t))

    def bars(names: list[str], counts: dict[str, int], layers: dict[str, int], colors: list[str],
             marked: set[str], points: list[dict], what: str, suffix: str) -> dict:
        names = names[::-1]  # largest on top
        colors, points = colors[::-1], points[::-1]
        return dict(
            type="bar", orientation="h", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            y=[short(x, MAX_TRICK_LABEL) for x in names], x=[counts[x] for x in names],
            marker=dict(color=colors, line=dict(color=[HIGHLIGHT if x in marked else "rgba(0,0,0,0)"
                                                       for x in names], width=2)),
            customdata=[f"<b>{esc(x)}</b>{what(x)}<br>in {_of(counts[x], n)}, {layers[x]} layers in all"
                        for x in names],
            hovertemplate="%{customdata}<extra></extra>", meta=dict(points=points),
            text=[str(counts[x]) for x in names], textposition="outside", cliponaxis=False,
        )

    data = [
        bars(fams, fam_examples, fam_layers, [family_color(f) for f in fams], used_fams,
             [dict(view="family", family=f) for f in fams], lambda f: " family", ""),
        bars(types, type_examples, type_layers, [family_color(family_of(t)) for t in types], used,
             [dict(view="type", type=t) for t in types], lambda t: f" ({esc(family_of(t))})", "2"),
    ]
    domains = ((0.0, 0.36), (0.58, 1.0))
    layout: dict = {}
    notes = []
    for k, (name, count) in enumerate((("families", len(fams)), ("layer types", len(type_examples)))):
        suffix = "" if k == 0 else str(k + 1)
        layout[f"xaxis{suffix}"] = dict(domain=list(domains[k]), range=[0, n * 1.18], anchor=f"y{suffix}",
                                        title=dict(text="examples"))
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", type="category", automargin=True)
        shown = f"{name} (top {MAX_FAMILY_TYPES} of {count})" if k and count > MAX_FAMILY_TYPES else name
        notes.append(dict(text=shown, x=sum(domains[k]) / 2, y=1.01, xref="paper", yref="paper",
                          showarrow=False, yanchor="bottom", font=dict(size=12)))
    layout["annotations"] = notes
    return _figure(data, layout, title, FAMILY_HEIGHT)


def minimap_figure(
    summaries: Sequence[Summary],
    ranks: Sequence[int] | None = None,
    highlight: str | None = None,
    labels: dict[str, str] | None = None,
) -> go.Figure:
    """Every example's layers as one thin strip, colored by family, in the table's order.

    Args:
        summaries: the examples in the order the table shows them.
        ranks: their ``#`` in the table (retrieval rank); default 1, 2, ...
        highlight: an example id whose strip is marked.
        labels: optional id -> display name for the hover (``labels_for``).

    Returns:
        A heatmap ``go.Figure`` of height ``MINIMAP_HEIGHT``: row i is the
        i-th example of the table, column j its j-th layer (at most
        ``MAX_MINIMAP_LAYERS``). Clicking a strip picks the examples with the
        same block structure (``chips.shape_of``).
    """
    from assistant.aggregate import tokens
    from assistant.chips import family_of, shape_of

    ranks = list(ranks) if ranks is not None else list(range(1, len(summaries) + 1))
    title = f"Minimap: the layers of {len(summaries)} examples, one strip each, in the table's order"
    if not summaries:
        return _empty(title, MINIMAP_HEIGHT)
    labels = labels or {}
    seqs = [tokens(s)[:MAX_MINIMAP_LAYERS] for s in summaries]
    width = max((len(q) for q in seqs), default=0) or 1
    fams = sorted({family_of(t) for q in seqs for t in q})
    if not fams:
        return _empty(title, MINIMAP_HEIGHT, "no layers to show")
    code = {f: i for i, f in enumerate(fams)}
    # Per-cell arrays are numpy: go.Figure deep-copies lists cell by cell (15 ms for 6,000
    # cells), arrays at once. Hover text per cell is only the layer's type; the example is
    # named once per row, as its y category.
    z = np.full((len(seqs), width), np.nan, dtype=np.float32)
    cells = np.full((len(seqs), width), "", dtype=object)
    for i, q in enumerate(seqs):
        z[i, : len(q)] = [code[family_of(t)] for t in q]
        cells[i, : len(q)] = [esc(t[:MAX_LABEL]) for t in q]
    cells = cells.astype(str)
    rows = []
    for s, r in zip(summaries, ranks, strict=True):
        deep = f", first {MAX_MINIMAP_LAYERS} shown" if len(s.layers) > MAX_MINIMAP_LAYERS else ""
        rows.append(f"#{r} {esc(labels.get(s.id) or s.source.repo or s.name)} ({len(s.layers)} layers{deep})")
    m = max(len(fams), 1)
    scale = []
    for f, i in code.items():
        scale += [[i / m, family_color(f)], [(i + 1) / m, family_color(f)]]
    points = [dict(view="minimap", shape=list(shape_of(s)), rank=r) for s, r in zip(summaries, ranks, strict=True)]
    trace = dict(
        type="heatmap", z=z, x=list(range(1, width + 1)), y=rows, customdata=cells, hoverongaps=False,
        hovertemplate="%{y}<br>layer %{x}: <b>%{customdata}</b><extra></extra>",
        # Family i sits at the middle of its band of the scale: (i + 0.5) / m.
        colorscale=scale, zmin=-0.5, zmax=m - 0.5,
        showscale=False, xgap=1, ygap=1 if len(summaries) <= 150 else 0, meta=dict(points=points),
    )
    step = max(1, math.ceil(len(summaries) / MINIMAP_TICKS))
    tick_rows = list(range(0, len(summaries), step))
    layout: dict = dict(
        yaxis=dict(type="category", autorange="reversed", tickvals=[rows[i] for i in tick_rows],
                   ticktext=[f"#{ranks[i]}" for i in tick_rows], showgrid=False, zeroline=False),
        xaxis=dict(title=dict(text="layer"), showgrid=False, zeroline=False),
        margin=dict(MARGIN, t=78, l=48),
    )
    # A legend of the families in the subtitle (a heatmap has no legend of its own).
    legend = " ".join(f"<span style='color:{family_color(f)}'>■</span> {esc(f)}" for f in fams)
    layout["title"] = dict(text=f"{title}<br><span style='font-size:11px'>{legend}</span>", x=0.01,
                           xanchor="left", font=dict(size=14))
    if highlight is not None:
        row = next((i for i, s in enumerate(summaries) if s.id == highlight), None)
        if row is not None:
            layout["shapes"] = [dict(type="rect", xref="paper", yref="y", x0=0, x1=1, y0=row - 0.5,
                                     y1=row + 0.5, line=dict(color=HIGHLIGHT, width=2))]
    return _figure([trace], layout, title, MINIMAP_HEIGHT)


# -- reported results ------------------------------------------------------------
RESULTS_HEIGHT = 520
# Datasets drawn in their own color (the most common among the examples that report); the rest share one.
MAX_RESULT_DATASETS = 7
RESULT_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d"]
OTHER_DATASETS = "other datasets"


def held_out_accuracy(summary: Summary) -> Reported | None:
    """The accuracy an example reports on held-out data: test, else validation; never training."""
    for split in ("test", "val"):
        for r in summary.reported:
            if r.metric == "accuracy" and r.split == split:
                return r
    return None


def _epochs_of(summary: Summary, r: Reported) -> int | None:
    e = summary.hyperparameters.epochs
    if isinstance(e, int) and not isinstance(e, bool) and e > 0:
        return e
    return r.epoch if r.epoch and r.epoch > 0 else None


def results_figure(summaries: Sequence[Summary], mark: Summary | None = None) -> go.Figure:
    """Reported held-out accuracy against depth (or epochs), one color per dataset.

    Args:
        summaries: the examples shown.
        mark: the selected example, ringed in red when it reports one.

    Returns:
        A ``go.Figure`` of height ``RESULTS_HEIGHT``: one point per example that
        reports a test (filled) or validation (open) accuracy, x = its layer
        count; buttons switch x to its epochs. The title says how many of the
        examples report one.
    """
    n = len(summaries)
    points = [(s, r) for s in summaries if (r := held_out_accuracy(s)) is not None]
    k = len(points)
    title = (f"Reported test accuracy (else validation) by depth: {_of(k, n)} report one"
             if n else "Reported test accuracy (else validation)")
    if not k:
        note = "none of these examples reports a test or validation accuracy" if n else "no examples to show"
        return _empty(title, RESULTS_HEIGHT, note)
    counts: dict[str, int] = {}
    for s, _ in points:
        d = s.datasets[0] if s.datasets else "unknown"
        counts[d] = counts.get(d, 0) + 1
    named = sorted(counts, key=lambda d: (-counts[d], d))[:MAX_RESULT_DATASETS]
    groups: dict[str, list[tuple[Summary, Reported]]] = {}
    for s, r in points:
        d = s.datasets[0] if s.datasets else "unknown"
        groups.setdefault(d if d in named else OTHER_DATASETS, []).append((s, r))
    order = [d for d in named if d in groups] + ([OTHER_DATASETS] if OTHER_DATASETS in groups else [])
    data: list[dict] = []
    xs_layers: list[list] = []
    xs_epochs: list[list] = []
    for i, d in enumerate(order):
        members = groups[d]
        color = RESULT_COLORS[i] if d != OTHER_DATASETS else "#8c8c8c"
        layers_x = [len(s.layers) for s, _ in members]
        epochs_x = [_epochs_of(s, r) for s, r in members]
        xs_layers.append(layers_x)
        xs_epochs.append(epochs_x)
        marked = [mark is not None and s.id == mark.id for s, _ in members]
        data.append(dict(
            type="scatter", mode="markers", name=esc(f"{d} ({len(members)})"), x=layers_x,
            y=[r.value for _, r in members],
            marker=dict(color=color, size=[14 if m else 9 for m in marked], opacity=0.85,
                        symbol=["circle" if r.split == "test" else "circle-open" for _, r in members],
                        line=dict(color=[HIGHLIGHT if m else color for m in marked],
                                  width=[3 if m else 1.5 for m in marked])),
            customdata=[f"<b>{esc(s.source.repo or '')}</b><br>{esc(s.source.path)}<br>"
                        f"{esc(r.split)} accuracy {100 * r.value:.1f}% · {len(s.layers)} layers"
                        + (f" · {e} epochs" if (e := _epochs_of(s, r)) else "")
                        + f"<br>dataset: {esc(', '.join(s.datasets) or 'unknown')}"
                        for s, r in members],
            hovertemplate="%{customdata}<extra></extra>",
        ))
    layout = dict(
        showlegend=True, legend=dict(title=dict(text="dataset"), x=1.0, xanchor="right", y=0.02,
                                     yanchor="bottom", bgcolor="rgba(255,255,255,0.8)"),
        xaxis=dict(title=dict(text="layers"), rangemode="tozero"),
        # the values' own span (padded), not 0-100%: differences of a few points must show
        yaxis=dict(title=dict(text="reported accuracy"), tickformat=".0%",
                   range=[max(0.0, min(r.value for _, r in points) - 0.05),
                          min(1.02, max(r.value for _, r in points) + 0.03)]),
        annotations=[dict(text="filled: test · open: validation", x=0.0, y=1.0, xref="paper", yref="paper",
                          showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=11, color="#666"))],
        updatemenus=[dict(
            type="buttons", direction="right", x=1.0, xanchor="right", y=1.08, yanchor="bottom",
            showactive=True, active=0, pad=dict(r=2, t=2),
            buttons=[
                dict(label="by layers", method="update",
                     args=[dict(x=xs_layers), {"xaxis.title.text": "layers", "xaxis.type": "linear"}]),
                dict(label="by epochs", method="update",
                     args=[dict(x=xs_epochs), {"xaxis.title.text": "epochs (log)", "xaxis.type": "log"}]),
            ],
        )],
        margin=dict(l=56, r=20, t=72, b=44),
    )
    return _figure(data, layout, title, RESULTS_HEIGHT)
