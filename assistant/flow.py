"""Layer flow of a population: Sankey nodes and links, and an aligned view.

Two views of the same layer sequences (``aggregate.tokens(summary)``):

* :func:`build_flow` -- position by position. A node is ``(position, layer
  type)``; a link counts the examples that go from one node to the next.
  To read at a glance with ~100 sequences of different depths, at most
  ``MAX_POSITIONS`` positions are shown (deeper models continue into one
  ``MORE`` node), rare types at a position are grouped into ``OTHER``, and
  every path ends in an ``END`` node at the position after its last layer
  (so where models stop reads as the height of the END nodes).
* :func:`align` -- a multiple alignment of layer-type strings, as for
  biological sequences: a center-star alignment (each distinct sequence is
  aligned to a center sequence with Needleman-Wunsch, then the gaps are
  merged), with a consensus row. Models of different depth line up where
  they agree ("Conv2D MaxPooling2D" blocks in one column, the extra block of
  the deeper model against gaps).

For linked views: ``path_of(summary, flow)`` gives the tokens of one example as
the flow shows them (rare types mapped to ``OTHER``), ending with ``END``;
pass it as ``highlight=`` to ``figures.sankey_figure``. Links carry the ids
of the examples that follow them (for linked views).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.aggregate import tokens
from corpus.knowledge import layers
from corpus.record.summary import Summary

# 8 layer columns and one final column (END and MORE, see figures.sankey_figure)
# leave ~75 px per column in the ~720 px panel of the app at 1280 px: room for
# a short label beside each node. Deeper models continue in MORE.
MAX_POSITIONS = 8
# At most this many distinct layer types per column; more is a wall of slivers.
MAX_NODES_PER_POSITION = 6
# A type used by fewer than this share of the sequences at a position joins
# OTHER (a 1-in-100 choice is noise at a glance; it is still in the table).
MIN_NODE_SHARE = 0.03
MIN_NODE_COUNT = 2

OTHER = "other"
MORE = "more layers"
END = "END"

# Alignment: sequences are cut to this many layers (keeps each pairwise
# alignment at most 40x40 cells; real classifiers rarely list more).
MAX_ALIGN_LEN = 40
MATCH, SIMILAR, MISMATCH, GAP = 2, 1, -1, -1

# Layer families (corpus.knowledge.layers): a Conv1D against a Conv2D is a
# near-match, not a mismatch. Re-exported for the figures and the chips.
FAMILIES = layers.FAMILIES


# -- Sankey flow ------------------------------------------------------------
@dataclass
class FlowNode:
    position: int  # 0-based column
    token: str  # layer type, OTHER, MORE or END
    count: int  # sequences passing through it
    members: list[str] = field(default_factory=list)  # raw types grouped into OTHER
    ids: list[str] = field(default_factory=list)  # examples passing through (linked views)


@dataclass
class FlowLink:
    source: int  # index into Flow.nodes
    target: int
    count: int
    ids: list[str] = field(default_factory=list)  # example ids following this link


@dataclass
class Flow:
    """Nodes and links of the layer-flow Sankey (see module docstring)."""

    nodes: list[FlowNode]
    links: list[FlowLink]
    n: int  # sequences in the flow (examples with at least one layer)
    truncated: int  # sequences deeper than MAX_POSITIONS
    max_positions: int = MAX_POSITIONS

    def node_index(self, position: int, token: str) -> int | None:
        """Index of the node at ``position`` for ``token`` (None if absent)."""
        return self._index().get((position, token))

    def _index(self) -> dict[tuple[int, str], int]:
        idx = getattr(self, "_idx", None)
        if idx is None:
            idx = {(nd.position, nd.token): i for i, nd in enumerate(self.nodes)}
            self._idx = idx
        return idx


def _shown(seq: Sequence[str], max_positions: int) -> list[str]:
    """Tokens as columns: capped, with MORE for the tail, then END."""
    out = list(seq[:max_positions])
    if len(seq) > max_positions:
        out.append(MORE)
    out.append(END)
    return out


def build_flow(summaries: Sequence[Summary], max_positions: int = MAX_POSITIONS) -> Flow:
    """The layer flow of a population, ready for ``figures.sankey_figure``.

    Args:
        summaries: the examples; those without layers are left out.
        max_positions: columns of layers shown before the MORE node.

    Returns:
        A :class:`Flow` whose nodes are ordered by position, then count.
    """
    rows = [(s.id, _shown(tokens(s), max_positions)) for s in summaries if s.layers]
    n = len(rows)
    threshold = max(MIN_NODE_COUNT, math.ceil(MIN_NODE_SHARE * n))

    # Which tokens keep their own node at each position.
    per_pos: dict[int, Counter] = {}
    for _, path in rows:
        for p, t in enumerate(path):
            per_pos.setdefault(p, Counter())[t] += 1
    keep: dict[int, set[str]] = {}
    for p, counter in per_pos.items():
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = {t for t, c in ranked[:MAX_NODES_PER_POSITION] if c >= threshold}
        kept |= {t for t in counter if t in (END, MORE)}
        # Grouping a single type into OTHER hides its name for nothing.
        rest = [t for t in counter if t not in kept]
        if len(rest) == 1:
            kept.add(rest[0])
        keep[p] = kept

    node_counts: Counter = Counter()
    node_ids: dict[tuple[int, str], list[str]] = {}
    members: dict[tuple[int, str], Counter] = {}
    link_ids: dict[tuple[tuple[int, str], tuple[int, str]], list[str]] = {}
    for sid, path in rows:
        grouped = [t if t in keep[p] else OTHER for p, t in enumerate(path)]
        for p, (raw, t) in enumerate(zip(path, grouped, strict=True)):
            node_counts[(p, t)] += 1
            node_ids.setdefault((p, t), []).append(sid)
            if t == OTHER:
                members.setdefault((p, t), Counter())[raw] += 1
        for p in range(len(grouped) - 1):
            link_ids.setdefault(((p, grouped[p]), (p + 1, grouped[p + 1])), []).append(sid)

    keys = sorted(node_counts, key=lambda k: (k[0], k[1] == OTHER, k[1] == END, -node_counts[k], k[1]))
    index = {k: i for i, k in enumerate(keys)}
    nodes = [
        FlowNode(p, t, node_counts[(p, t)],
                 [m for m, _ in sorted(members.get((p, t), Counter()).items(), key=lambda kv: -kv[1])],
                 node_ids[(p, t)])
        for p, t in keys
    ]
    links = [
        FlowLink(index[a], index[b], len(ids), ids)
        for (a, b), ids in sorted(link_ids.items(), key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))
    ]
    truncated = sum(1 for _, path in rows if MORE in path)
    return Flow(nodes=nodes, links=links, n=n, truncated=truncated, max_positions=max_positions)


def path_of(summary: Summary, flow: Flow | None = None) -> list[str]:
    """One example's path as the flow shows it, ending with END.

    Args:
        summary: the example (or a user's model).
        flow: when given, tokens without their own node at a position become
            OTHER (as that example was counted); without it, raw tokens.

    Returns:
        Tokens by position, e.g. ``["Conv2D", "MaxPooling2D", "Dense", "END"]``.
    """
    max_positions = flow.max_positions if flow else MAX_POSITIONS
    path = _shown(tokens(summary), max_positions)
    if flow is None:
        return path
    return [t if flow.node_index(p, t) is not None else OTHER for p, t in enumerate(path)]


# -- alignment ----------------------------------------------------------------
@dataclass
class AlignedRow:
    """One distinct aligned sequence; ``None`` marks a gap."""

    tokens: list[str | None]
    ids: list[str]  # examples with this exact (capped) sequence

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class Alignment:
    """A multiple alignment of layer-type strings with its consensus.

    ``rows`` are distinct sequences, most common first; every row and the
    consensus have ``width`` columns. ``support[j]`` is how many sequences
    carry the consensus token in column j (0 where the consensus is a gap).
    """

    rows: list[AlignedRow]
    consensus: list[str | None]
    support: list[int]
    n: int
    center: list[str]
    extra_id: str | None = None  # the user's model lined up with the population, if any

    @property
    def width(self) -> int:
        return len(self.consensus)

    def row_of(self, example_id: str) -> AlignedRow | None:
        return next((r for r in self.rows if example_id in r.ids), None)


def _score(a: str, b: str) -> int:
    if a == b:
        return MATCH
    fa = FAMILIES.get(a)
    return SIMILAR if fa is not None and fa == FAMILIES.get(b) else MISMATCH


Pair = tuple[tuple[tuple[str, ...], ...], tuple[str | None, ...]]
# (center, sequence) -> pairwise alignment: the same corpus sequences come back
# question after question. Bounded: cleared when full (cheap to refill).
_PAIR_CACHE: dict[tuple[tuple[str, ...], tuple[str, ...]], Pair] = {}
PAIR_CACHE_MAX = 50_000


def _pairwise_all(center: tuple[str, ...], seqs: Sequence[tuple[str, ...]]) -> list[Pair]:
    """Needleman-Wunsch of every sequence against ``center``, all at once.

    Returns, per sequence, ``(inserts, at)``: ``inserts[j]`` the tokens placed
    before center position j (j == len(center): after the end), ``at[j]`` the
    token aligned to center position j or None.

    The dynamic programme runs over center positions with numpy across all
    sequences (and positions): with a linear gap cost, the "left" move of a row
    is a running maximum, ``cur[j] = max_k<=j (t[k] - GAP*k) + GAP*j``. Only the
    traceback is a Python loop, O(n + m) per sequence.
    """
    todo = [u for u in dict.fromkeys(seqs) if (center, u) not in _PAIR_CACHE]
    if todo:
        if len(_PAIR_CACHE) + len(todo) > PAIR_CACHE_MAX:
            _PAIR_CACHE.clear()
        for u, pair in zip(todo, _nw_batch(center, todo), strict=True):
            _PAIR_CACHE[(center, u)] = pair
    return [_PAIR_CACHE[(center, u)] for u in seqs]


def _nw_batch(center: tuple[str, ...], seqs: list[tuple[str, ...]]) -> list[Pair]:
    vocab = {t: i for i, t in enumerate(dict.fromkeys([*center, *(t for u in seqs for t in u)]))}
    names = list(vocab)
    table = np.array([[_score(a, b) for b in names] for a in names], dtype=np.int32)
    n, big_m, count = len(center), max(len(u) for u in seqs), len(seqs)
    padded = np.zeros((count, big_m), dtype=np.int64)
    for r, u in enumerate(seqs):
        padded[r, : len(u)] = [vocab[t] for t in u]
    cidx = [vocab[t] for t in center]
    js = np.arange(big_m + 1, dtype=np.int32) * GAP
    h = np.empty((n + 1, count, big_m + 1), dtype=np.int32)
    h[0] = js[None, :]
    for i in range(1, n + 1):
        sub = table[cidx[i - 1]][padded]  # (count, big_m)
        t = np.empty((count, big_m + 1), dtype=np.int32)
        t[:, 0] = i * GAP
        np.maximum(h[i - 1, :, :-1] + sub, h[i - 1, :, 1:] + GAP, out=t[:, 1:])
        h[i] = np.maximum.accumulate(t - js[None, :], axis=1) + js[None, :]

    out: list[Pair] = []
    for r, u in enumerate(seqs):
        hr = h[:, r, :].tolist()
        row_codes = padded[r].tolist()
        inserts: list[list[str]] = [[] for _ in range(n + 1)]
        at: list[str | None] = [None] * n
        i, j = n, len(u)
        while i > 0 or j > 0:
            here = hr[i][j]
            # Same preference as the classic loop: diagonal, then up, then left.
            if i > 0 and j > 0 and here == hr[i - 1][j - 1] + int(table[cidx[i - 1], row_codes[j - 1]]):
                at[i - 1] = u[j - 1]
                i, j = i - 1, j - 1
            elif i > 0 and here == hr[i - 1][j] + GAP:
                i -= 1
            else:
                inserts[i].insert(0, u[j - 1])
                j -= 1
        out.append((tuple(tuple(x) for x in inserts), tuple(at)))
    return out


def _choose_center(uniq: list[tuple[str, ...]], weight: list[int]) -> int:
    """The medoid by shared types and bigrams (a cheap stand-in for pairwise alignment scores)."""
    if len(uniq) == 1:
        return 0
    vocab: dict[tuple[str, ...], int] = {}
    feats: list[Counter] = []
    for seq in uniq:
        c = Counter([(t,) for t in seq] + [tuple(seq[i : i + 2]) for i in range(len(seq) - 1)])
        for k in c:
            vocab.setdefault(k, len(vocab))
        feats.append(c)
    x = np.zeros((len(uniq), len(vocab)), dtype=np.float32)
    for r, c in enumerate(feats):
        for k, v in c.items():
            x[r, vocab[k]] = v
    w = np.asarray(weight, dtype=np.float32)
    shared = np.minimum(x[:, None, :], x[None, :, :]).sum(axis=2)  # (u, u)
    # Penalise length difference: the center should be typical, not the longest.
    lengths = x[:, [vocab[k] for k in vocab if len(k) == 1]].sum(axis=1)
    sim = 2 * shared - np.abs(lengths[:, None] - lengths[None, :])
    return int(np.argmax((sim * w[None, :]).sum(axis=1)))


def _group(sequences: Sequence[Sequence[str]], ids: Sequence[str]) -> dict[tuple[str, ...], list[str]]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for sid, seq in zip(ids, sequences, strict=True):
        key = tuple(seq[:MAX_ALIGN_LEN])
        if key:
            groups.setdefault(key, []).append(sid)
    return groups


def _star(groups: dict[tuple[str, ...], list[str]], center: tuple[str, ...],
          outside: frozenset[str] = frozenset()) -> Alignment:
    """Merge the pairwise alignments to ``center`` into one; ``outside`` ids do not vote."""
    uniq = list(groups)
    pairs = _pairwise_all(center, uniq)
    width_ins = [max(len(ins[j]) for ins, _ in pairs) for j in range(len(center) + 1)]
    rows: list[AlignedRow] = []
    for u, (ins, at) in zip(uniq, pairs, strict=True):
        out: list[str | None] = []
        for j in range(len(center) + 1):
            # Inserted layers sit right before the center layer they precede.
            out.extend([None] * (width_ins[j] - len(ins[j])) + list(ins[j]))
            if j < len(center):
                out.append(at[j])
        rows.append(AlignedRow(out, list(groups[u])))

    votes = [sum(1 for i in r.ids if i not in outside) for r in rows]
    voters = sum(votes)
    consensus: list[str | None] = []
    support: list[int] = []
    for col in range(len(rows[0].tokens)):
        c: Counter = Counter()
        for r, v in zip(rows, votes, strict=True):
            t = r.tokens[col]
            if t is not None and v:
                c[t] += v
        # A column most sequences skip is a gap in the consensus.
        if c and sum(c.values()) * 2 >= voters:
            tok, cnt = max(c.items(), key=lambda kv: (kv[1], kv[0]))
            consensus.append(tok)
            support.append(cnt)
        else:
            consensus.append(None)
            support.append(0)

    def agreement(r: AlignedRow) -> int:
        return sum(1 for a, b in zip(r.tokens, consensus, strict=True) if a is not None and a == b)

    rows.sort(key=lambda r: (-r.count, -agreement(r), r.ids[0]))
    return Alignment(rows=rows, consensus=consensus, support=support,
                     n=sum(len(r.ids) for r in rows), center=list(center))


def align(sequences: Sequence[Sequence[str]], ids: Sequence[str] | None = None) -> Alignment:
    """Center-star multiple alignment of layer-type sequences.

    Args:
        sequences: layer types per example (e.g. ``aggregate.tokens(s)``);
            each is cut to ``MAX_ALIGN_LEN``; empty ones are left out.
        ids: one id per sequence (default: their positions as strings).

    Returns:
        An :class:`Alignment`: distinct rows most common first, consensus.
    """
    ids = list(ids) if ids is not None else [str(i) for i in range(len(sequences))]
    groups = _group(sequences, ids)
    if not groups:
        return Alignment(rows=[], consensus=[], support=[], n=0, center=[])
    uniq = list(groups)
    center = uniq[_choose_center(uniq, [len(groups[u]) for u in uniq])]
    return _star(groups, center)


def align_summaries(summaries: Sequence[Summary], extra: Summary | None = None) -> Alignment:
    """Align the population's layer sequences (plus, optionally, a user's model).

    Args:
        summaries: the examples.
        extra: a model to line up with them (its row holds ``extra.id``); it
            neither chooses the center nor votes in the consensus.

    Returns:
        The :class:`Alignment`.
    """
    seqs = [tokens(s) for s in summaries]
    ids = [s.id for s in summaries]
    groups = _group(seqs, ids)
    if extra is None or not tokens(extra):
        return align(seqs, ids)
    if not groups:
        return align([tokens(extra)], [extra.id])
    uniq = list(groups)
    center = uniq[_choose_center(uniq, [len(groups[u]) for u in uniq])]
    groups.setdefault(tuple(tokens(extra)[:MAX_ALIGN_LEN]), []).append(extra.id)
    al = _star(groups, center, outside=frozenset({extra.id}))
    al.extra_id = extra.id
    return al
