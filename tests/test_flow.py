"""Layer flow (Sankey nodes/links, grouping, END, path_of) and the sequence alignment."""

from __future__ import annotations

from collections import Counter

from fixtures.compare_population import image_population, layer, summary
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.flow import (
    END,
    MAX_ALIGN_LEN,
    MAX_POSITIONS,
    MORE,
    OTHER,
    align,
    align_summaries,
    build_flow,
    path_of,
)


def seq_summary(sid: str, types: list[str]):
    return summary(sid, [layer(t) for t in types])


def test_nodes_are_position_and_type_with_counts():
    pop = [seq_summary(f"c{i}", ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]) for i in range(6)]
    pop += [seq_summary(f"d{i}", ["Flatten", "Dense", "Dense"]) for i in range(4)]
    flow = build_flow(pop)
    nodes = {(nd.position, nd.token): nd.count for nd in flow.nodes}
    assert nodes[(0, "Conv2D")] == 6 and nodes[(0, "Flatten")] == 4
    assert nodes[(3, "Dense")] == 6
    # Every path ends in an END node one position after its last layer.
    assert nodes[(4, END)] == 6 and nodes[(3, END)] == 4
    assert flow.n == 10 and flow.truncated == 0
    # Links conserve the flow: what enters a (non-start) node equals its count.
    inflow = Counter()
    for lk in flow.links:
        inflow[lk.target] += lk.count
    for i, nd in enumerate(flow.nodes):
        if nd.position > 0:
            assert inflow[i] == nd.count
    link = next(lk for lk in flow.links
                if flow.nodes[lk.source].token == "Conv2D" and flow.nodes[lk.target].token == "MaxPooling2D")
    assert link.count == 6 and sorted(link.ids) == [f"c{i}" for i in range(6)]
    assert sorted(flow.nodes[flow.node_index(0, "Flatten")].ids) == [f"d{i}" for i in range(4)]


def test_rare_types_are_grouped_into_other():
    pop = [seq_summary(f"c{i}", ["Conv2D", "Dense"]) for i in range(40)]
    pop += [seq_summary("r1", ["Conv3D", "Dense"]), seq_summary("r2", ["SeparableConv2D", "Dense"])]
    flow = build_flow(pop)
    tokens0 = {nd.token for nd in flow.nodes if nd.position == 0}
    assert tokens0 == {"Conv2D", OTHER}
    other = flow.nodes[flow.node_index(0, OTHER)]
    assert other.count == 2 and set(other.members) == {"Conv3D", "SeparableConv2D"}
    assert path_of(pop[-1], flow) == [OTHER, "Dense", END]
    assert path_of(pop[-1]) == ["SeparableConv2D", "Dense", END]


def test_a_single_rare_type_keeps_its_name():
    pop = [seq_summary(f"c{i}", ["Conv2D", "Dense"]) for i in range(40)]
    pop.append(seq_summary("r", ["Conv3D", "Dense"]))
    flow = build_flow(pop)
    assert flow.node_index(0, "Conv3D") is not None and flow.node_index(0, OTHER) is None


def test_deep_models_are_capped_into_more():
    deep = seq_summary("deep", ["Conv2D"] * (MAX_POSITIONS + 5) + ["Dense"])
    flow = build_flow([deep, seq_summary("s", ["Conv2D", "Dense"])])
    assert flow.truncated == 1
    assert max(nd.position for nd in flow.nodes) == MAX_POSITIONS + 1
    assert flow.node_index(MAX_POSITIONS, MORE) is not None
    assert path_of(deep, flow)[-2:] == [MORE, END]
    assert len(path_of(deep, flow)) == MAX_POSITIONS + 2


def test_models_without_layers_are_left_out():
    flow = build_flow([summary("empty", []), seq_summary("a", ["Dense"])])
    assert flow.n == 1
    assert build_flow([]).nodes == []


def test_flow_of_a_realistic_population_reads_at_a_glance():
    flow = build_flow(image_population(100))
    per_pos = Counter(nd.position for nd in flow.nodes)
    # At most MAX_NODES_PER_POSITION types + OTHER + END (+ MORE) per column.
    assert max(per_pos.values()) <= 6 + 3
    assert max(per_pos) <= MAX_POSITIONS + 1


# -- alignment -----------------------------------------------------------------
def ungapped(row):
    return [t for t in row.tokens if t is not None]


def test_different_depths_line_up():
    short = ["Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    deep = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    al = align([short, short, deep], ids=["s1", "s2", "d"])
    assert al.n == 3 and len(al.rows) == 2
    rs, rd = al.row_of("s1"), al.row_of("d")
    assert rs is not None and rd is not None and rs.count == 2
    assert len(rs.tokens) == len(rd.tokens) == al.width
    # Flatten and the Dense head sit in the same columns for both depths.
    for tok in ("Flatten",):
        assert rs.tokens.index(tok) == rd.tokens.index(tok)
    assert rs.tokens[-1] == rd.tokens[-1] == "Dense"
    assert rs.tokens.count(None) == 2 and rd.tokens.count(None) == 0
    assert [t for t in al.consensus if t] == short


def test_consensus_has_support_counts():
    seqs = [["Embedding", "LSTM", "Dense"]] * 6 + [["Embedding", "GRU", "Dense"]] * 3 + [["Embedding", "Dense"]]
    al = align(seqs)
    j = al.consensus.index("LSTM")
    assert al.support[j] == 6
    assert al.consensus[0] == "Embedding" and al.support[0] == 10
    # Similar types (LSTM ~ GRU) share a column rather than opening gaps.
    assert al.width == 3


def test_user_model_aligns_without_voting():
    pop = [seq_summary(f"p{i}", ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]) for i in range(5)]
    mine = seq_summary("mine", ["Dropout", "Conv2D", "Flatten", "Dense"])
    al = align_summaries(pop, extra=mine)
    row = al.row_of("mine")
    assert row is not None and ungapped(row) == ["Dropout", "Conv2D", "Flatten", "Dense"]
    assert [t for t in al.consensus if t] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert al.support[al.consensus.index("Conv2D")] == 5


def test_empty_and_single():
    assert align([]).rows == []
    assert align([[]]).rows == []
    al = align([["Dense"]])
    assert al.consensus == ["Dense"] and al.rows[0].tokens == ["Dense"]


def test_realistic_population_alignment_is_complete():
    pop = image_population(100)
    al = align_summaries(pop)
    assert al.n == 100
    assert sum(r.count for r in al.rows) == 100
    by_id = {s.id: s for s in pop}
    for r in al.rows:
        for sid in r.ids:
            assert ungapped(r) == by_id[sid].layer_types[:MAX_ALIGN_LEN]


TYPES = ["Conv2D", "MaxPooling2D", "Dense", "Dropout", "Flatten", "LSTM", "Embedding", "X<b>"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TYPES), min_size=0, max_size=50), min_size=0, max_size=25))
def test_alignment_keeps_every_sequence(seqs):
    al = align(seqs)
    nonempty = [s for s in seqs if s]
    assert al.n == len(nonempty)
    assert all(len(r.tokens) == al.width for r in al.rows)
    assert len(al.consensus) == len(al.support) == al.width
    got = sorted(tuple(ungapped(r)) for r in al.rows for _ in r.ids)
    assert got == sorted(tuple(s[:MAX_ALIGN_LEN]) for s in nonempty)


def _reference_score(a, b) -> int:
    """Textbook Needleman-Wunsch optimum, for checking the vectorised one."""
    from assistant.flow import GAP, _score

    prev = [j * GAP for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i * GAP] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = max(prev[j - 1] + _score(a[i - 1], b[j - 1]), prev[j] + GAP, cur[j - 1] + GAP)
        prev = cur
    return prev[-1]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(TYPES), min_size=1, max_size=15),
       st.lists(st.lists(st.sampled_from(TYPES), min_size=1, max_size=15), min_size=1, max_size=6))
def test_pairwise_alignments_are_optimal(center, seqs):
    from assistant.flow import GAP, _pairwise_all, _score

    pairs = _pairwise_all(tuple(center), [tuple(s) for s in seqs])
    for seq, (inserts, at) in zip(seqs, pairs, strict=True):
        rebuilt = [t for j in range(len(center) + 1) for t in
                   (list(inserts[j]) + ([at[j]] if j < len(center) and at[j] is not None else []))]
        assert rebuilt == seq
        score = sum(len(x) for x in inserts) * GAP
        score += sum(_score(c, t) if t is not None else GAP for c, t in zip(center, at, strict=True))
        assert score == _reference_score(center, seq)
