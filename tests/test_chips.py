"""Chips: filters picked from the views, as pure functions over summaries.

Each chip must keep exactly the examples that the clicked point counted: the
Sankey node's examples, the family or type bar's, the histogram bin's. Clicks
come from the browser, so malformed ones give no chip rather than an error.
"""

from __future__ import annotations

import json

import pytest
from fixtures.compare_population import image_population, layer, summary, text_population

from assistant import chips
from assistant.aggregate import aggregate, tokens
from assistant.chips import Chip, add, apply, family_of, from_click, keep, shape_of
from assistant.figures import family_figure, hyperparameter_figures, minimap_figure, sankey_figure
from assistant.flow import END, MORE, OTHER, build_flow


@pytest.fixture(scope="module")
def population():
    deep = [summary(f"deep{i}", [layer("Conv2D")] * (9 + i)) for i in range(3)]
    # rare first layers: grouped into one "other" node
    rare = [summary(f"rare{t}", [layer(t), layer("Dense")]) for t in ("Conv3D", "SeparableConv2D", "GRU")]
    return image_population(100) + text_population(60) + deep + rare


def _points(fig) -> list:
    return [p for trace in fig.data for p in (trace.meta or {}).get("points", [])]


def test_every_sankey_node_keeps_exactly_its_examples(population):
    flow = build_flow(population)
    fig = sankey_figure(flow)
    points = fig.data[0].meta["points"]
    checked = 0
    for node in flow.nodes:
        if node.token in (END, MORE):
            continue
        payload = next(p for p in points if p and p.get("position") == node.position and p["token"] == node.token)
        chip = from_click(json.dumps(payload))
        assert chip is not None and chip.kind == "layer_at"
        assert [s.id for s in apply([chip], population)] == [s.id for s in population if s.id in set(node.ids)]
        checked += 1
    assert checked > 10 and any(nd.token == OTHER for nd in flow.nodes)


def test_more_node_keeps_the_deeper_models_and_end_gives_no_chip(population):
    flow = build_flow(population)
    more = from_click({"view": "sankey", "token": MORE, "depth": flow.max_positions})
    assert more is not None and more.label == f"more than {flow.max_positions} layers"
    assert len(apply([more], population)) == flow.truncated > 0
    assert from_click({"view": "sankey", "token": END, "depth": 8}) is None


def test_family_and_type_bars_keep_what_they_count(population):
    fig = family_figure(population)
    fams, types = fig.data
    for trace in (fams, types):
        for count, payload in zip(trace.x, trace.meta["points"], strict=True):
            chip = from_click(payload)
            assert chip is not None
            kept = apply([chip], population)
            assert len(kept) == count, payload
    conv = from_click({"view": "family", "family": "conv"})
    assert all(any(family_of(t) == "conv" for t in tokens(s)) for s in apply([conv], population))
    assert conv.label == "with a conv layer"


def test_histogram_bars_keep_what_they_count(population):
    figs = hyperparameter_figures(aggregate(population))
    checked = 0
    for name, fig in figs.items():
        for count, payload in zip(fig.data[0].y, fig.data[0].meta["points"], strict=True):
            chip = from_click(payload)
            assert chip is not None and chip.name == name
            assert len(apply([chip], population)) == count, (name, payload)
            checked += 1
    assert checked > 15


def test_minimap_strip_keeps_the_examples_of_the_same_shape(population):
    fig = minimap_figure(population[:40])
    payload = fig.data[0].meta["points"][3]
    assert payload["rank"] == 4
    chip = from_click(payload)
    kept = apply([chip], population)
    assert population[3] in kept and all(shape_of(s) == shape_of(population[3]) for s in kept)
    assert chip.label.startswith("shaped like #4: ")


def test_shape_merges_repeated_families():
    s = summary("a", [layer("Conv2D"), layer("Conv2D"), layer("MaxPooling2D"), layer("Flatten"),
                      layer("Dense"), layer("Dense")])
    assert shape_of(s) == ("conv", "pool", "reshape", "dense")
    assert family_of("NoSuchLayer") == "other"


def test_chips_combine_and_come_off():
    pop = [summary("cnn-adam", [layer("Conv2D"), layer("Dense")]),
           summary("cnn-sgd", [layer("Conv2D"), layer("Dense")], optimizer="sgd"),
           summary("mlp-sgd", [layer("Dense"), layer("Dense")], optimizer="sgd")]
    conv = from_click({"view": "type", "type": "Conv2D"})
    sgd = from_click({"view": "hp", "name": "optimizer", "value": "sgd"})
    active = add(add([], conv), sgd)
    assert [s.id for s in apply(active, pop)] == ["cnn-sgd"]
    assert add(active, from_click({"view": "type", "type": "Conv2D"})) == active  # the same click twice
    assert add(active, None) == active
    assert keep(active, [sgd.key]) == [sgd]
    assert [s.id for s in apply(keep(active, [sgd.key]), pop)] == ["cnn-sgd", "mlp-sgd"]
    assert apply([], pop) == pop and apply([], pop) is not pop
    assert chips.describe(active) == "with Conv2D + optimizer: sgd"


def test_at_most_max_chips():
    active: list[Chip] = []
    for i in range(chips.MAX_CHIPS + 3):
        active = add(active, from_click({"view": "type", "type": f"T{i}"}))
    assert len(active) == chips.MAX_CHIPS


def test_range_labels_read_as_the_axis():
    lr = from_click({"view": "hp", "name": "learning_rate", "low": 10 ** -3.125, "high": 10 ** -2.875})
    assert lr.label == "learning rate 7.5e-4–1.3e-3"
    bs = from_click({"view": "hp", "name": "batch_size", "low": 45.25, "high": 90.5})
    assert bs.label == "batch size 46–90"


def test_a_hostile_type_stays_plain_text_in_the_label():
    bad = "<img src=x onerror=alert(1)>"
    chip = from_click({"view": "sankey", "position": 1, "token": bad, "members": []})
    assert chip.label == f"layer 2: {bad}"  # escaped where it is shown, not here
    other = from_click({"view": "sankey", "position": 0, "token": OTHER, "members": [bad, "GRU", "A", "B"]})
    assert other.label == f"layer 1: other ({bad}, GRU, A, …)"
    assert other.values == tuple(sorted([bad, "GRU", "A", "B"]))


@pytest.mark.parametrize("payload", [
    None, "", "not json", "[1, 2]", "{}", json.dumps({"view": "nope"}), "x" * 5000,
    {"view": "sankey", "position": -1, "token": "Conv2D"},
    {"view": "sankey", "position": True, "token": "Conv2D"},
    {"view": "sankey", "position": 1.5, "token": "Conv2D"},
    {"view": "sankey", "position": 1},
    {"view": "sankey", "position": 1, "token": "x" * 500},
    {"view": "sankey", "position": 1, "token": OTHER, "members": []},
    {"view": "sankey", "position": 1, "token": OTHER, "members": ["a", 3]},
    {"view": "sankey", "position": 1, "token": OTHER, "members": ["a"] * 500},
    {"view": "sankey", "token": MORE},
    {"view": "family", "family": ["conv"]},
    {"view": "type", "type": None},
    {"view": "minimap", "shape": []},
    {"view": "minimap", "shape": "conv"},
    {"view": "minimap", "shape": ["conv", {}]},
    {"view": "hp", "name": "learning_rate", "low": 0.1, "high": 0.01},
    {"view": "hp", "name": "learning_rate", "low": "0.1", "high": 1},
    {"view": "hp", "name": "learning_rate", "low": float("nan"), "high": 1},
    {"view": "hp", "name": "momentum", "value": "0.9"},
    {"view": "hp", "name": "optimizer"},
])
def test_malformed_clicks_give_no_chip(payload):
    assert from_click(payload) is None


def test_a_chip_that_matches_nothing_leaves_nothing(population):
    chip = from_click({"view": "type", "type": "NoSuchLayer"})
    assert apply([chip], population) == []
