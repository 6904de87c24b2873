"""Plotly figures: valid, titled with counts, highlights and markers, and no markup injection."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest
from fixtures.compare_population import image_population, layer, random_summaries, summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.aggregate import aggregate
from assistant.figures import (
    HIGHLIGHT,
    YOURS,
    alignment_figure,
    esc,
    family_figure,
    hyperparameter_figures,
    labels_for,
    minimap_figure,
    sankey_figure,
    tricks_figure,
)
from assistant.flow import MORE, align_summaries, build_flow, path_of


def validated(fig: go.Figure) -> dict:
    """Rebuild with plotly's validation on (the module skips it for speed)."""
    return go.Figure(fig.to_dict()).to_dict()


def strings(obj) -> list[str]:
    """Every string plotly may render; ``meta`` is left out: it carries raw values for
    clicks (chips) and is never shown (no template of ours refers to ``%{meta}``)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if k != "meta" for s in strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in strings(v)]
    if hasattr(obj, "tolist"):  # numpy arrays (the minimap's cells)
        return strings(obj.tolist())
    return []


def all_figures(pop, mark=None):
    agg = aggregate(pop)
    flow = build_flow(pop)
    figs = {
        "sankey": sankey_figure(flow, highlight=path_of(pop[0], flow), overlay=mark),
        "alignment": alignment_figure(align_summaries(pop, extra=mark),
                                      highlight=mark.id if mark else None,
                                      labels={s.id: s.source.repo for s in pop}),
        "tricks": tricks_figure(agg, mark=mark),
    }
    figs.update(hyperparameter_figures(agg, mark=mark, mark_label="your model"))
    figs["families"] = family_figure(pop, mark=mark)
    figs["minimap"] = minimap_figure(pop, highlight=pop[0].id if pop else None, labels=labels_for(pop))
    return figs


@pytest.fixture(scope="module")
def population():
    return image_population(100)


def test_every_figure_is_valid_plotly_with_fixed_height(population):
    mine = summary("mine", [layer("Dropout"), layer("Conv2D"), layer("Flatten"), layer("Dense")],
                   learning_rate=0.5, epochs=5000)
    for name, fig in all_figures(population, mark=mine).items():
        d = validated(fig)
        assert d["layout"]["height"] <= 560, name
        assert d["layout"]["title"]["text"], name


def test_hyperparameter_titles_say_set_by_n_of_m(population):
    population = list(population)
    population[0].hyperparameters.learning_rate = None
    figs = hyperparameter_figures(aggregate(population))
    assert set(figs) == {"learning_rate", "batch_size", "epochs", "optimizer", "loss"}
    n_lr = sum(1 for s in population if s.hyperparameters.learning_rate)
    assert figs["learning_rate"].layout.title.text.startswith("Learning rate<br>")
    assert f"set by {n_lr} of 100 examples" in figs["learning_rate"].layout.title.text
    assert "set by 100 of 100 examples" in figs["epochs"].layout.title.text


def test_learning_rate_on_log_axis_with_marker(population):
    mine = summary("mine", [layer("Dense")], learning_rate=0.5, optimizer="lion")
    figs = hyperparameter_figures(aggregate(population), mark=mine, mark_label="your model")
    d = validated(figs["learning_rate"])
    bars = d["data"][0]
    # x is log10 of the value: bars sit between 1e-4 and 0.5.
    assert min(bars["x"]) < -3.5 and max(bars["x"]) <= math.log10(0.5) + 0.2
    assert sum(bars["y"]) == aggregate(population).hyperparameters["learning_rate"].set_by
    marks = [s for s in d["layout"]["shapes"] if s["line"]["color"] == HIGHLIGHT]
    assert len(marks) == 1 and marks[0]["x0"] == pytest.approx(math.log10(0.5))
    assert any("your model: 0.5" in a["text"] for a in d["layout"]["annotations"])
    assert "1e-3" in d["layout"]["xaxis"]["ticktext"]
    # One notation along the axis: 1e-2 beside 1e-3, not 0.01.
    assert "1e-2" in d["layout"]["xaxis"]["ticktext"] and "0.01" not in d["layout"]["xaxis"]["ticktext"]
    # The note of a mark at the right end grows leftwards, inside the plot.
    note = next(a for a in d["layout"]["annotations"] if "your model" in a["text"])
    assert note["xanchor"] == "right" and note["yanchor"] == "top"
    # A categorical value nobody uses still shows, in red, with a count of 0.
    opt = validated(figs["optimizer"])["data"][0]
    assert opt["x"][-1] == "lion" and opt["y"][-1] == 0 and opt["marker"]["color"][-1] == HIGHLIGHT


def test_sankey_highlight_colours_the_examples_path(population):
    flow = build_flow(population)
    chosen = population[0]
    d = validated(sankey_figure(flow, highlight=path_of(chosen, flow)))
    link = d["data"][0]["link"]
    red = [i for i, c in enumerate(link["color"]) if c.startswith("rgba(214,39,40")]
    path = path_of(chosen, flow)
    # MORE and END share the final column: no link between them.
    assert MORE in path and len(red) == len(path) - 2
    node_colors = d["data"][0]["node"]["color"]
    assert node_colors.count(HIGHLIGHT) == len(path_of(chosen, flow))


def test_sankey_hover_says_what_comes_next():
    pop = [summary(f"a{i}", [layer("Conv2D"), layer("MaxPooling2D"), layer("Dense")]) for i in range(5)]
    pop += [summary(f"b{i}", [layer("Conv2D"), layer("Dropout"), layer("Dense")]) for i in range(2)]
    flow = build_flow(pop)
    d = validated(sankey_figure(flow))
    hover = d["data"][0]["node"]["customdata"][flow.node_index(0, "Conv2D")]
    assert "7 of 7 examples" in hover and "next: MaxPooling2D (5), Dropout (2)" in hover


def test_alignment_hover_names_examples(population):
    from assistant.figures import labels_for

    labels = labels_for(population)
    assert labels[population[0].id] == f"someone/examples/{population[0].id}.py"
    d = validated(alignment_figure(align_summaries(population), labels=labels))
    assert "someone/examples/" in d["data"][0]["customdata"][1][-1]


def test_sankey_overlay_draws_the_users_path(population):
    flow = build_flow(population)
    mine = summary("mine", [layer("Conv2D"), layer("Flatten"), layer("Transformer<x>"), layer("Dense")])
    d = validated(sankey_figure(flow, overlay=mine))
    sk = d["data"][0]
    n_base = len(validated(sankey_figure(flow))["data"][0]["link"]["source"])
    assert len(sk["link"]["source"]) == n_base + 4  # 4 layers + END: 4 links
    assert all(c.startswith("rgba(255,127,14") for c in sk["link"]["color"][n_base:])
    # The type no example has gets a node of its own, escaped (and cut to fit a column).
    mine_label = next(lb for lb in sk["node"]["label"] if lb.startswith("Transformer&lt;"))
    assert sk["node"]["color"][sk["node"]["label"].index(mine_label)] == YOURS
    assert "Transformer&lt;x&gt;" in "".join(sk["node"]["customdata"])
    assert sk["node"]["color"][flow.node_index(0, "Conv2D")] == YOURS


def test_alignment_puts_the_users_model_first_and_drops_empty_columns(population):
    mine = summary("mine", [layer("Dropout"), layer("Conv2D", "relu"), layer("Flatten"), layer("Dense")])
    al = align_summaries(population, extra=mine)
    assert al.extra_id == "mine"
    d = validated(alignment_figure(al, highlight=population[5].id))
    hm = d["data"][0]
    names = d["layout"]["yaxis"]["ticktext"]
    assert names[0] == "consensus" and names[1] == "your model" and names[2].startswith("▶ ")
    assert [t for t in hm["text"][1] if t] == ["Drop", "Conv2D", "Flat", "Dense"]
    # Every column shown has something in it.
    for j in range(len(hm["z"][0])):
        assert any(row[j] is not None for row in hm["z"]), j
    assert len(hm["z"][0]) <= al.width


def test_empty_population_gives_figures_not_errors():
    agg = aggregate([])
    for fig in [sankey_figure(build_flow([])), alignment_figure(align_summaries([])),
                tricks_figure(agg), *hyperparameter_figures(agg).values()]:
        d = validated(fig)
        assert any("no example" in a["text"] for a in d["layout"]["annotations"])


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '<a href="javascript:alert(3)">x</a>',
    "<b>bold</b>&amp;",
]


def test_corpus_strings_cannot_inject_markup():
    pop = image_population(30)
    for i, s in enumerate(pop[:12]):
        bad = HOSTILE[i % len(HOSTILE)]
        s.layers.insert(1, layer(bad))
        s.hyperparameters.optimizer = bad
        s.hyperparameters.loss = bad
        s.tricks.append(bad)
        s.preprocessing.append(bad)
        s.datasets = [bad]
        s.source.repo = bad
    mine = summary("mine<i>", [layer(HOSTILE[0]), layer("Dense")], optimizer=HOSTILE[1])
    figs = all_figures(pop, mark=mine)
    figs["titled"] = sankey_figure(build_flow(pop), title=HOSTILE[1])
    for name, fig in figs.items():
        text = "\n".join(strings(validated(fig)))
        for tag in ("<img", "<script", "<a ", "<b>bold", "<i>"):
            assert tag not in text, (name, tag)
        # What the data said is still there, as text.
        if name in ("sankey", "alignment", "optimizer", "tricks", "families", "minimap"):
            assert "&lt;" in text, name


def test_esc():
    assert esc("<b>&x</b>") == "&lt;b&gt;&amp;x&lt;/b&gt;"
    assert esc(3) == "3"


@pytest.mark.browser
def test_hostile_labels_render_as_text_in_chromium(tmp_path):
    """The figures drawn by plotly.js in a real browser: no injected element, no script, text shown."""
    import plotly.io as pio

    browser = pytest.importorskip("browser.chromium")
    if browser.chromium_path() is None:
        pytest.skip("chromium is not installed")
    pop = image_population(30)
    # plotly.js itself drops javascript: links and unknown tags; the tags it does
    # render (<b>, <i>, <a href>, <span style>) show whether the escaping holds.
    # Short, so that label truncation does not defuse them.
    for s in pop[:10]:
        s.layers.insert(1, layer(HOSTILE[0]))
        s.layers.insert(2, layer("<b>BOLD</b>"))
        s.hyperparameters.optimizer = HOSTILE[0]
        s.tricks.append(HOSTILE[2])
        s.tricks.append("<i>slant</i>")
    mine = summary("mine", [layer(HOSTILE[1]), layer("Dense")], optimizer=HOSTILE[0])
    figs = all_figures(pop, mark=mine)
    body = "".join(pio.to_html(f, full_html=False, include_plotlyjs=(i == 0), div_id=f"fig{i}")
                   for i, f in enumerate(figs.values()))
    page_file = tmp_path / "figs.html"
    page_file.write_text(f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>',
                         encoding="utf-8")
    with browser.browser_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_file.as_uri())
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length === {len(figs)}")
        page.wait_for_timeout(300)
        injected = page.evaluate("""() => ({
            imgs: document.querySelectorAll('img').length,
            links: [...document.querySelectorAll('a')].filter(a => /javascript|example[.]com/.test(
                a.getAttribute('href') || a.getAttribute('xlink:href') || '')).length,
            styled: [...document.querySelectorAll('svg tspan')].filter(t => /bold|italic/.test(
                t.getAttribute('style') || '')).length,
            text: [...document.querySelectorAll('svg text')].map(t => t.textContent).join(' | '),
        })""")
    assert dialogs == []
    # (The payloads sit in the figures' JSON as data; they would alert if they became markup.)
    assert injected["imgs"] == 0 and injected["links"] == 0 and injected["styled"] == 0
    # Shown literally (cut to the label length), as the data wrote it.
    assert "<img src=x" in injected["text"]
    assert "<b>BOLD</b>" in injected["text"] and "<i>slant</i>" in injected["text"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(random_summaries(), max_size=25), random_summaries())
def test_odd_populations_still_draw(pop, mine):
    """Aggregation, flow, alignment, every figure and the reply never raise."""
    from assistant.reply import describe

    ids = {}
    pop = [ids.setdefault(s.id, s) for s in pop if s.id not in ids]
    figs = all_figures(pop, mark=mine) if pop else {}
    for fig in figs.values():
        text = "\n".join(strings(validated(fig)))
        assert "<b>x" not in text and "<script" not in text and "<i>d" not in text
    assert isinstance(describe(aggregate(pop), "q"), str)


def test_sankey_ends_in_one_final_column_with_short_labels():
    pop = [summary(f"a{i}", [layer("Embedding"), layer("GlobalMaxPooling1D"), layer("Dense")]) for i in range(6)]
    pop += [summary(f"b{i}", [layer("Embedding"), layer("LSTM"), layer("Dense"), layer("Dense")]) for i in range(4)]
    pop += [summary("deep", [layer("Conv2D")] * 12)]
    flow = build_flow(pop)
    sk = validated(sankey_figure(flow))["data"][0]
    labels, xs = sk["node"]["label"], sk["node"]["x"]
    # One END node (11 stop, after 3 or 4 layers) and one MORE node, both in the rightmost column.
    assert labels.count("end") == 1 and labels.count("more…") == 1
    end, more = labels.index("end"), labels.index("more…")
    assert xs[end] == xs[more] == max(xs) and sorted(xs)[-3] < xs[end]
    assert "10 of 11 examples stop here" in sk["node"]["customdata"][end]
    assert "3 layers (6), 4 layers (4)" in sk["node"]["customdata"][end]
    # Long names are shortened in the label, whole in the hover.
    i = labels.index("GlobMaxPool1D")
    assert "<b>GlobalMaxPooling1D</b>" in sk["node"]["customdata"][i]
    assert all(len(lb) <= 13 for lb in labels)
    # Every node but the final ones sits left of the final column; no link stays inside it.
    assert all(not (s in (end, more) and t in (end, more)) for s, t in zip(sk["link"]["source"], sk["link"]["target"],
                                                                          strict=True))
    # Flow into END is conserved.
    assert sum(v for t, v in zip(sk["link"]["target"], sk["link"]["value"], strict=True) if t == end) == 10


def test_wide_batch_size_range_keeps_few_level_ticks():
    pop = [summary(f"s{i}", [layer("Dense")]) for i in range(12)]
    for s, b in zip(pop, [16, 32, 64, 128, 128, 256, 512, 1024, 2048, 4096, 8192, 32768], strict=True):
        s.hyperparameters.batch_size = b
    x = validated(hyperparameter_figures(aggregate(pop))["batch_size"])["layout"]["xaxis"]
    # Sideways labels collided with the axis title in a ~230 px plot.
    assert 3 <= len(x["ticktext"]) <= 5 and x["tickangle"] == 0
    assert "32k" in x["ticktext"] and "32768" not in x["ticktext"]


def test_optimizers_and_tricks_are_labelled_by_their_usual_names():
    pop = image_population(100)
    for s in pop[:20]:
        s.tricks = [*s.tricks, "lr_schedule"]
    agg = aggregate(pop)
    opt = validated(hyperparameter_figures(agg)["optimizer"])["data"][0]
    assert "Adam" in opt["x"] and "adam" not in opt["x"]
    tricks = validated(tricks_figure(agg))["data"][0]
    assert "learning-rate schedules" in tricks["y"] and "lr schedule" not in tricks["y"]


# -- layer families and the minimap ----------------------------------------------------
def test_family_figure_counts_examples_by_family_and_type():
    pop = [summary(f"c{i}", [layer("Conv2D"), layer("Conv2D"), layer("MaxPooling2D"), layer("Dense")])
           for i in range(6)]
    pop += [summary(f"r{i}", [layer("Embedding"), layer("LSTM"), layer("Dense")]) for i in range(4)]
    mine = summary("mine", [layer("LSTM"), layer("Dense")])
    fig = validated(family_figure(pop, mark=mine))
    fams, types = fig["data"]
    got = dict(zip(fams["y"], fams["x"], strict=True))
    assert got == {"conv": 6, "pool": 6, "dense": 10, "embedding": 4, "rnn": 4}
    assert fams["y"][-1] == "dense"  # the largest on top
    assert dict(zip(types["y"], types["x"], strict=True))["Conv2D"] == 6
    hover = dict(zip(types["y"], types["customdata"], strict=True))
    assert "12 layers in all" in hover["Conv2D"] and "(conv)" in hover["Conv2D"]
    # the families and types of the marked model are outlined
    outlined = {y for y, c in zip(types["y"], types["marker"]["line"]["color"], strict=True) if c == HIGHLIGHT}
    assert outlined == {"LSTM", "Dense"}
    assert fig["layout"]["height"] == 520 and "across 10 examples" in fig["layout"]["title"]["text"]


def test_family_figure_lists_at_most_max_types():
    from assistant.figures import MAX_FAMILY_TYPES

    pop = [summary(f"s{i}", [layer(f"Type{i}"), layer("Dense")]) for i in range(40)]
    types = validated(family_figure(pop))["data"][1]
    assert len(types["y"]) == MAX_FAMILY_TYPES and "Dense" in types["y"]


def test_minimap_one_strip_per_example_in_the_given_order():
    from assistant.figures import MAX_MINIMAP_LAYERS, family_color

    pop = [summary("a", [layer("Conv2D"), layer("Dense")]), summary("b", [layer("LSTM")]),
           summary("deep", [layer("Conv2D")] * (MAX_MINIMAP_LAYERS + 5))]
    fig = validated(minimap_figure(pop, ranks=[3, 1, 2], highlight="b"))
    hm = fig["data"][0]
    z = minimap_figure(pop).data[0].z  # a numpy array (plotly sends it as binary)
    assert z.shape == (3, MAX_MINIMAP_LAYERS)
    assert all(math.isnan(v) for v in z[1][1:])  # the short model leaves the rest blank
    assert [p["rank"] for p in hm["meta"]["points"]] == [3, 1, 2]
    assert hm["meta"]["points"][0]["shape"] == ["conv", "dense"]
    assert "first 60 shown" in hm["y"][2] and hm["y"][0].startswith("#3 someone/examples (2 layers")
    assert list(hm["customdata"][0][:3]) == ["Conv2D", "Dense", ""]
    # each family keeps its color: the value of a cell falls in its family's band of the scale
    scale = hm["colorscale"]
    for row, seq in zip(z, (["conv", "dense"], ["rnn"], ["conv"]), strict=True):
        for v, fam in zip(row, seq, strict=False):
            t = (v - hm["zmin"]) / (hm["zmax"] - hm["zmin"])
            band = [c for (lo, c), (hi, _) in zip(scale, scale[1:], strict=False) if lo <= t <= hi]
            assert family_color(fam) in band, (fam, t)
    # the highlighted example's strip is outlined
    (rect,) = fig["layout"]["shapes"]
    assert rect["y0"] == 0.5 and rect["line"]["color"] == HIGHLIGHT


def test_new_views_never_raise_on_an_empty_population():
    for fig in (family_figure([]), minimap_figure([]), family_figure([summary("x", [])])):
        d = validated(fig)
        assert d["layout"]["annotations"][0]["text"] == "no examples to show"


def test_clickable_points_match_their_traces(population):
    """Every clickable trace describes each of its points, and no template shows the raw meta."""
    figs = all_figures(population)
    for name, fig in figs.items():
        for trace in validated(fig)["data"]:
            assert "%{meta" not in str(trace.get("hovertemplate", "")) + str(trace.get("texttemplate", ""))
            points = (trace.get("meta") or {}).get("points")
            if points is None:
                continue
            size = len(trace["node"]["label"]) if trace["type"] == "sankey" else \
                len(trace["y"]) if trace["type"] == "heatmap" else len(trace["x"])
            assert len(points) == size, name
