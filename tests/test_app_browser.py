"""End-to-end: the app in real headless Chromium, on a tiny index built here.

The app runs in this process on a free 127.0.0.1 port, over an index of the
hand-written summaries in ``tests/browser/corpus.py`` (no harvested corpus
needed). Each test opens a fresh page, so each is its own user session.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from browser.chromium import chromium_path, new_page, running_app
from browser.corpus import FLAWED_KERAS_MODEL, HOSTILE_PATH, HOSTILE_REPO
from browser.ui import ask, bot_messages, open_tab, status, table_column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed (make chromium)"),
]


def test_task_shows_flow_table_and_a_reply(page) -> None:
    reply = ask(page, "classify handwritten digits")
    assert re.search(r"\d+ examples", status(page))
    assert reply.strip()
    page.wait_for_selector("#sankey .js-plotly-plot .sankey")
    open_tab(page, "Examples")
    ranks = table_column(page, 0)
    assert ranks[:3] == ["1", "2", "3"]
    link = page.query_selector("#examples a[href^='https://github.com/']")
    assert link is not None
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")


def test_refinement_only_pytorch_filters_the_table_and_the_control(page) -> None:
    ask(page, "classify handwritten digits")
    ask(page, "only PyTorch")
    assert page.input_value("#framework input").startswith("PyTorch")
    assert "PyTorch" in status(page)
    open_tab(page, "Examples")
    frameworks = table_column(page, 3)
    assert len(frameworks) >= 5 and set(frameworks) == {"PyTorch"}


def test_no_match_relaxes_and_says_so(page) -> None:
    ask(page, "classify images")
    ask(page, "only PyTorch")
    reply = ask(page, "on CIFAR-100 instead")
    assert "No examples match PyTorch + CIFAR-100: showing the 8 PyTorch + CIFAR-10 examples instead." in reply
    assert page.input_value("#dataset input").startswith("CIFAR-100")  # what the user asked for stays shown
    open_tab(page, "Examples")
    assert set(table_column(page, 4)) == {"cifar10"}


def test_controls_refine_and_tell_the_chat(page) -> None:
    ask(page, "classify movie reviews")
    page.click("#framework input")
    page.get_by_role("option", name=re.compile(r"^Keras")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].pop().innerText"
        ".includes('Filters: Keras')")
    open_tab(page, "Examples")
    assert set(table_column(page, 3)) == {"Keras"}
    # and back through the chat: the dropdown follows
    ask(page, "any framework")
    assert page.input_value("#framework input") == "any"


def test_selecting_an_example_highlights_it(page) -> None:
    ask(page, "sentiment of movie reviews")
    open_tab(page, "Examples")
    repo = table_column(page, 1)[1]
    page.click("#examples [data-testid='cell-1-1']")
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('selected')")
    assert repo.split("/")[0] in status(page)


def test_sort_the_table_then_select_by_rank(page) -> None:
    ask(page, "classify handwritten digits")
    open_tab(page, "Examples")
    page.click("#sort input")
    page.get_by_role("option", name="most layers").click()
    page.wait_for_function(
        "() => document.querySelector(\"#examples [data-testid='cell-0-6']\").innerText.trim() === '16'")
    layers = [int(x) for x in table_column(page, 6)]
    assert layers == sorted(layers, reverse=True) and layers[0] > layers[-1]
    rank, repo = table_column(page, 0)[0], table_column(page, 1)[0]
    page.click("#examples [data-testid='cell-0-2']")
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('selected')")
    assert repo.split("/")[0] in status(page) and rank != "1"


def test_paste_a_flawed_model_lists_its_findings(page) -> None:
    ask(page, "classify handwritten digits")
    open_tab(page, "Your model")
    page.fill("#paste textarea", FLAWED_KERAS_MODEL)
    page.click("#compare")
    page.wait_for_function("() => document.querySelector('#findings').innerText.includes('finding')")
    text = page.inner_text("#findings")
    for kind in ("missing_activation", "huge_epochs", "huge_learning_rate", "missing_dropout"):
        assert kind in text
    assert "5000" in text  # the evidence names the model's own value
    page.wait_for_selector("#model-sankey .js-plotly-plot")
    # the examples compared with: its own dataset on its task first, said in the reply
    assert "How they were chosen: " in bot_messages(page)[-1]
    assert "MNIST image classification examples" in bot_messages(page)[-1]


def test_oversized_paste_is_refused_with_a_message(page) -> None:
    open_tab(page, "Your model")
    page.evaluate("""() => {
        const t = document.querySelector('#paste textarea');
        t.value = 'x = 1\\n'.repeat(40000);
        t.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    page.click("#compare")
    page.wait_for_function("() => document.querySelector('#findings').innerText.includes('limit')")
    assert "the limit is 200 kB" in page.inner_text("#findings")


def test_hostile_corpus_text_is_shown_as_text(page) -> None:
    page.add_init_script("window.__pwned = undefined")
    # the words of the hostile record bring it to the top (the table renders the rows in view)
    ask(page, "evil img src onerror window pwned script")
    open_tab(page, "Examples")
    page.wait_for_selector("#examples [data-testid='cell-0-0']")
    body = page.inner_text("#examples")
    assert HOSTILE_REPO in body and HOSTILE_PATH in body
    assert page.query_selector("#examples img, #examples script, #chat img, #status img") is None
    for link in page.query_selector_all("#examples a"):
        assert link.get_attribute("href").startswith("https://")
    open_tab(page, "Layer flow")
    # what a user types is shown as typed, too
    ask(page, "<img src=x onerror=window.__pwned=9> [x](javascript:window.__pwned=10) digits")
    assert "<img src=x onerror=window.__pwned=9>" in page.inner_text("#chat")
    assert page.query_selector("#chat img, #chat a[href^='javascript']") is None
    assert page.evaluate("window.__pwned") is None


def test_export_csv_downloads_the_examples(page) -> None:
    ask(page, "only PyTorch")
    open_tab(page, "Examples")
    with page.expect_download() as dl:
        page.click("#export-csv")
    text = open(dl.value.path(), encoding="utf-8").read()
    got = list(csv.DictReader(io.StringIO(text)))
    assert len(got) == 31 and {r["framework"] for r in got} == {"pytorch"}
    assert all(r["url"].startswith("https://github.com/") for r in got)
    with page.expect_download() as dl:
        page.click("#export-json")
    items = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert [i["rank"] for i in items] == list(range(1, 32)) and items[0]["layers"]


def test_upload_a_model_file(page, tmp_path) -> None:
    path = tmp_path / "my_mnist.py"
    path.write_text(FLAWED_KERAS_MODEL, encoding="utf-8")
    open_tab(page, "Your model")
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_selector("#upload :text('my_mnist.py')")
    page.click("#compare")
    page.wait_for_function("() => document.querySelector('#findings').innerText.includes('finding')")
    assert "my_mnist.py" in page.inner_text("#findings")
    assert "huge_learning_rate" in page.inner_text("#findings")


def test_nothing_leaves_the_machine(page) -> None:
    ask(page, "classify handwritten digits")
    for tab in ("Aligned", "Hyperparameters", "Tricks", "Examples", "Your model", "Layer flow"):
        open_tab(page, tab)
    page.wait_for_timeout(500)
    hosts = {urlsplit(u).hostname for u in page.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {"127.0.0.1"}, hosts


def test_fits_a_1280x800_screen(page) -> None:
    ask(page, "classify handwritten digits")
    for sel in ("#msg textarea", "#framework", "#sankey .js-plotly-plot"):
        box = page.query_selector(sel).bounding_box()
        assert box["y"] + min(box["height"], 100) <= 800 and box["x"] + box["width"] <= 1280, sel


def test_missing_index_shows_the_rebuild_command(tmp_path, browser) -> None:
    import app

    engine = app.load_engine(index_dir=tmp_path / "index", corpus_path=tmp_path / "no-corpus.jsonl.gz")
    assert engine.index is None
    with running_app(engine) as u, new_page(browser) as page:
        page.goto(u)
        page.wait_for_selector("#msg textarea")
        assert "examplenet index build" in status(page)
        page.fill("#msg textarea", "classify digits")
        page.press("#msg textarea", "Enter")
        page.wait_for_selector('#chat [data-testid="bot"]')
        assert "examplenet index build" in bot_messages(page)[-1]


def test_twenty_concurrent_sessions_stay_apart(url) -> None:
    """20 users at once through the API: each gets the answer to its own refinement."""
    import threading

    from gradio_client import Client

    results: dict[int, str] = {}
    errors: list[str] = []
    want = {0: ("keras", "Keras"), 1: ("pytorch", "PyTorch")}

    def user(i: int) -> None:
        try:
            # generous timeouts: 20 users share two cores here; the test is about correctness
            client = Client(url, verbose=False, httpx_kwargs={"timeout": 120})
            client.predict(f"classify images number {i}", api_name="/ask")
            out = client.predict(f"only {want[i % 2][0]}", api_name="/ask")
            results[i] = str(out[2])  # the status line: "31 examples of 31 matching PyTorch"
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"{i}: {exc!r}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors
    assert len(results) == 20
    for i, status_line in results.items():
        other = want[1 - i % 2][1]
        assert f"matching {want[i % 2][1]}" in status_line and other not in status_line, (i, status_line)


# -- views linked by clicks: chips ------------------------------------------------
def chip_labels(page) -> list[str]:
    return [t.inner_text().strip() for t in page.query_selector_all("#chips .token")]


def wait_status(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('#status').innerText.includes(t)", arg=text)


def plot_meta(page, sel: str) -> list:
    """The click descriptions of every trace of a plot (``meta.points``, see assistant.figures)."""
    sel = f"#{sel}" if not sel.startswith("#") else sel
    # a tab's plot mounts after the tab opens: wait for it rather than read a missing node
    page.wait_for_function("sel => (document.querySelector(sel + ' .js-plotly-plot') || {}).data", arg=sel)
    return page.evaluate(
        "sel => [...document.querySelector(sel + ' .js-plotly-plot').data].map(t => (t.meta || {}).points || [])",
        sel)


def click_at(page, x: float, y: float) -> None:
    """Point, then click: plotly finds the clicked point from the hover it computed (throttled)."""
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)


def click_sankey_node(page, position: int, token: str) -> str:
    """Click the Sankey node of ``token`` at ``position`` (0-based); returns its hover text."""
    page.wait_for_selector("#sankey .js-plotly-plot .sankey-node")
    box = page.evaluate("""([position, token]) => {
        const gd = document.querySelector('#sankey .js-plotly-plot');
        const points = gd.data[0].meta.points;
        for (const el of gd.querySelectorAll('.sankey-node')) {
            const node = el.__data__.node;
            const p = points[node.pointNumber];
            if (p && p.position === position && p.token === token) {
                const r = el.querySelector('.node-rect').getBoundingClientRect();
                return {x: r.x + r.width / 2, y: r.y + r.height / 2,
                        hover: gd.data[0].node.customdata[node.pointNumber]};
            }
        }
        return null;
    }""", [position, token])
    assert box is not None, (position, token)
    click_at(page, box["x"], box["y"])
    return box["hover"]


def click_bar(page, sel: str, trace: int, want: dict) -> None:
    """Click the bar of trace ``trace`` whose click description contains ``want``."""
    page.wait_for_selector(f"#{sel} .js-plotly-plot .barlayer .point")
    box = page.evaluate("""([sel, trace, want]) => {
        const gd = document.querySelector('#' + sel + ' .js-plotly-plot');
        const points = gd.data[trace].meta.points;
        const i = points.findIndex(p => Object.entries(want).every(([k, v]) => p[k] === v));
        if (i < 0) return null;
        const bar = gd.querySelectorAll('.barlayer .trace')[trace].querySelectorAll('.point')[i];
        const r = bar.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""", [sel, trace, want])
    assert box is not None, (sel, want)
    click_at(page, box["x"], box["y"])


def test_clicking_a_sankey_node_narrows_the_table_and_views(page) -> None:
    ask(page, "classify handwritten digits")
    retrieved = int(re.search(r"(\d+) examples", status(page)).group(1))
    hover = click_sankey_node(page, 0, "Conv2D")
    node_count = int(re.search(r"(\d+) of \d+ example", hover).group(1))
    assert 0 < node_count < retrieved
    wait_status(page, "picked in the views")
    assert f"{retrieved} examples · {node_count} pass the 1 filter picked in the views" in status(page)
    page.wait_for_selector("#chips .token")
    assert chip_labels(page) == ["layer 1: Conv2D"]
    # the flow itself now starts with Conv2D only, and the minimap lists the same examples
    page.wait_for_function("n => document.querySelector('#sankey .js-plotly-plot').data[0].meta.points"
                           ".filter(p => p && p.position === 0).length === 1", arg=node_count)
    open_tab(page, "Minimap")
    page.wait_for_function("n => (document.querySelector('#minimap .js-plotly-plot') || {}).data"
                           " && document.querySelector('#minimap .js-plotly-plot').data[0].meta.points.length"
                           " === n", arg=node_count)
    shapes = plot_meta(page, "minimap")[0]
    assert len(shapes) == node_count and all(p["shape"][0] == "conv" for p in shapes)
    open_tab(page, "Examples")
    layers = table_column(page, 6)
    assert layers and "4" not in layers  # the 4-layer MLPs start with Flatten: gone
    assert len(table_column(page, 0)) <= node_count


def test_a_chips_remove_button_undoes_it_and_chips_combine(page) -> None:
    ask(page, "classify handwritten digits")
    before = status(page)
    click_sankey_node(page, 0, "Conv2D")
    wait_status(page, "picked in the views")
    narrowed = status(page)
    open_tab(page, "Hyperparameters")
    click_bar(page, "hp-optimizer", 0, {"value": "sgd"})
    wait_status(page, "2 filters")
    assert chip_labels(page) == ["layer 1: Conv2D", "optimizer: sgd"]
    kept = int(re.search(r"\*?(\d+)\*? pass", status(page).replace("**", "")).group(1))
    assert kept < int(re.search(r"(\d+) pass", narrowed.replace("**", "")).group(1))
    # × on the first chip: the sgd chip alone remains
    page.query_selector_all("#chips .token-remove")[0].click()
    page.wait_for_function("() => document.querySelectorAll('#chips .token').length === 1")
    wait_status(page, "1 filter ")
    assert chip_labels(page) == ["optimizer: sgd"]
    page.query_selector("#chips .token-remove").click()
    page.wait_for_function("() => !document.querySelector('#status').innerText.includes('picked')")
    assert status(page) == before
    assert page.query_selector("#chips .token") is None


def test_family_view_and_minimap_render(page) -> None:
    ask(page, "classify movie reviews")
    open_tab(page, "Families")
    page.wait_for_selector("#families .js-plotly-plot .barlayer .point")
    fams, types = plot_meta(page, "families")
    assert {p["family"] for p in fams} >= {"rnn", "embedding", "dense"}
    assert {p["type"] for p in types} >= {"LSTM", "Embedding", "Dense"}
    assert "Layer families and types" in page.inner_text("#families")
    open_tab(page, "Minimap")
    page.wait_for_selector("#minimap .js-plotly-plot .heatmaplayer")
    strips = plot_meta(page, "minimap")[0]
    n = int(re.search(r"(\d+) examples", status(page)).group(1))
    assert len(strips) == n and [p["rank"] for p in strips] == list(range(1, n + 1))
    # the minimap follows the table's order
    open_tab(page, "Examples")
    page.click("#sort input")
    page.get_by_role("option", name="most layers").click()
    page.wait_for_function("() => { const gd = document.querySelector('#minimap .js-plotly-plot');"
                           " return gd && gd.data[0].meta.points[0].rank !== 1; }")
    ranks = [p["rank"] for p in plot_meta(page, "minimap")[0]]
    assert ranks[: 3] == [int(x) for x in table_column(page, 0)[:3]]


def test_clicking_a_family_bar_and_a_minimap_strip_narrows(page) -> None:
    ask(page, "classify movie reviews")
    open_tab(page, "Families")
    click_bar(page, "families", 0, {"family": "attention"})
    wait_status(page, "picked in the views")
    assert chip_labels(page) == ["with a attention layer"]
    kept = int(re.search(r"(\d+) pass", status(page).replace("**", "")).group(1))
    assert kept == 4  # the four BiLSTM + attention examples of the tiny corpus
    open_tab(page, "Minimap")
    page.wait_for_selector("#minimap .js-plotly-plot .heatmaplayer")
    page.wait_for_function("() => document.querySelector('#minimap .js-plotly-plot').data[0].meta.points.length"
                           " === 4")
    box = page.evaluate("""() => {
        const gd = document.querySelector('#minimap .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
        return {x: r.x + xa._offset + xa.l2p(1), y: r.y + ya._offset + ya.l2p(0)};  // layer 1 of strip 1
    }""")
    click_at(page, box["x"], box["y"])
    wait_status(page, "2 filters")
    assert chip_labels(page)[1].startswith("shaped like #1: embedding → rnn → attention")


def test_a_hostile_layer_type_in_a_chip_stays_text(page) -> None:
    page.add_init_script("window.__pwned = undefined")
    ask(page, "evil img src onerror window pwned script")
    # the hostile type sits at layer 2 of one example: a node of its own or grouped into "other"
    points = [p for p in plot_meta(page, "sankey")[0] if p and p.get("position") == 1]
    hostile = next(p for p in points if "onerror" in p["token"] or any("onerror" in m for m in p["members"]))
    click_sankey_node(page, 1, hostile["token"])
    wait_status(page, "picked in the views")
    label = chip_labels(page)[0]
    assert "<img src=y onerror=window.__pwned=3>" in label
    assert page.query_selector("#chips img, #status img, [onerror]") is None
    assert page.evaluate("window.__pwned") is None


def test_clicking_a_histogram_bin_narrows_to_its_range(page) -> None:
    ask(page, "classify handwritten digits")
    open_tab(page, "Hyperparameters")
    page.wait_for_selector("#hp-epochs .js-plotly-plot .barlayer .point")
    # the bin of 12 epochs (7.5 to 13.3: the Keras MNIST examples, not the PyTorch ones at 14)
    payload = page.evaluate("""() => {
        const t = document.querySelector('#hp-epochs .js-plotly-plot').data[0];
        return t.meta.points.find(p => p.low <= 12 && 12 < p.high);
    }""")
    click_bar(page, "hp-epochs", 0, {"low": payload["low"]})
    wait_status(page, "picked in the views")
    assert chip_labels(page)[0].startswith("epochs ")
    open_tab(page, "Examples")
    page.wait_for_function("() => document.querySelector(\"#examples [data-testid='cell-0-1']\")"
                           ".innerText.startsWith('kerasfan')")
    owners = {r.split("/")[0].rstrip("0123456789") for r in table_column(page, 1)}
    assert "kerasfan" in owners and "torchfan" not in owners
