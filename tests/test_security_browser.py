"""Hostile text and hostile code in the real app, in headless Chromium (issue 6, items 2-4).

The app runs in this process on a free 127.0.0.1 port (engineer F's harness,
``tests/browser``) over a tiny index of summaries written here: ordinary
examples mixed with records whose every shown field (repository, path, name,
layer types and raw names, dataset, task, trick, license, optimizer, loss,
URL) holds HTML, JavaScript or Markdown link tricks. A user asks a question
that retrieves them, opens every tab, picks a hostile dataset in a dropdown
and a hostile row in the table; no script may run, no element may come from
the data, and the strings must show as text.

A pasted or uploaded model whose import or any call would write a canary
file is compared; the canary never appears.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser.chromium import chromium_path
from browser.corpus import make, tiny_corpus
from browser.ui import ask
from browser.ui import open_tab as _open_tab
from test_never_executes import canary_model

from corpus.record.summary import Environment, Reported

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed (make chromium)"),
]
TIMEOUT = 60_000  # generous: the suite shares two cores with everything else

# Each payload sets window.__pwned or opens a dialog if it ever becomes markup or runs.
SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=2;alert(2)">'
SVG = '"><svg onload=window.__pwned=3>'
MD_LINK = "[click](javascript:window.__pwned=4)"
A_TAG = '<a href="javascript:window.__pwned=5">link</a>'
MD_IMG = "![x](x onerror=alert(6))"
IFRAME = "<iframe src=javascript:window.__pwned=7></iframe>"
TEMPLATE = "%{customdata} {{7*7}} ${alert(8)}"
PAYLOADS = [SCRIPT, IMG, SVG, MD_LINK, A_TAG, MD_IMG, IFRAME, TEMPLATE]
# One hostile layer type in every hostile record: common enough to get its own node in the flow.
LAYER = "<img src=x onerror=alert(13)>"
URLS = ["javascript:window.__pwned=9", 'https://github.com/a/b"><svg onload=window.__pwned=10>',
        "https://github.com/a/b)[x](javascript:alert(11)", "data:text/html,<script>alert(12)</script>"]
# Words every hostile record and the question share, so the hashing embedder ranks them first.
BAIT = "zebra quokka"
QUESTION = f"{BAIT} {BAIT} pangolin"


def hostile_corpus() -> list:
    """Eight hostile records, one per payload, beside F's ordinary tiny corpus (~70 examples)."""
    out = [s for s in tiny_corpus() if "pwned" not in (s.source.repo or "")]
    for i, p in enumerate(PAYLOADS):
        s = make(f"{BAIT}{i}/{p}", f"{BAIT} {p}.py", "keras" if i % 2 else "pytorch",
                 f"{BAIT} {p}", [f"{p}data"], ["Conv2D", LAYER, p, "Dense"], url=URLS[i % len(URLS)],
                 name=f"{BAIT} {p}", license=p, optimizer=p, loss=p, tricks=[p])
        for layer in s.layers:
            layer.raw = f"{p}.{layer.type}"
        s.preprocessing = [p]
        # the fields of issues 13 and 11: results, environment, training code, value sources
        s.reported = [Reported("accuracy", 0.5 + 0.05 * i, "test", where=URLS[i % len(URLS)]),
                      Reported(p, 0.5, p, epoch=3, where=p)]
        s.environment = Environment(python=p, packages={p: p}, gpu=p if i % 2 else "required",
                                    data_download=True)
        s.source.train_path, s.source.train_line_start = f"{p}/train.py", 3
        s.source.train_url = URLS[(i + 1) % len(URLS)]
        s.value_sources = {p: p, "environment.framework": p}
        out.append(s)
    return out


@pytest.fixture(scope="module")
def engine():
    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    return Engine(ExampleIndex.from_summaries(hostile_corpus(), embedder=HashEmbedder()))


def open_tab(page, name: str) -> None:
    _open_tab(page, name)
    page.wait_for_timeout(400)  # let plotly redraw on the resize the tab change sends


# Elements and attributes that only data could have put there (Gradio itself uses none of them).
INJECTED_JS = """() => {
    const q = s => [...document.querySelectorAll(s)].map(e => e.outerHTML.slice(0, 120));
    return {
        img_x: q('img[src="x"], img[onerror]'),
        svg_onload: q('svg[onload], [onload]'),
        onerror: q('[onerror]'),
        js_links: q('a[href^="javascript:" i], a[href^="data:" i], [*|href^="javascript:" i]'),
        iframes: q('iframe'),
        // Gradio's own config script carries the data as JSON with '<' written \\u003c; any other is injected.
        scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('pwned')
            && !/^\\s*window[.]gradio_(config|api_info) = /.test(s.textContent)).map(s => s.outerHTML.slice(0, 120)),
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
    };
}"""


def assert_clean(page) -> None:
    found = page.evaluate(INJECTED_JS)
    assert found["pwned"] is None, found
    assert page.dialogs == [], page.dialogs
    for key, elements in found.items():
        if key != "pwned":
            assert elements == [], (key, elements)


def plot_text(page, selector: str) -> str:
    return page.evaluate(
        "s => [...document.querySelectorAll(s + ' svg text')].map(t => t.textContent).join(' | ')", selector)


def test_hostile_corpus_text_never_runs_and_shows_as_text(page) -> None:
    reply = ask(page, QUESTION)
    # The chat reply: whatever it quotes from the data is text; and what the user typed is shown as typed.
    assert reply.strip()
    assert_clean(page)

    # Every tab, drawn by plotly.js from hostile labels.
    open_tab(page, "Layer flow")
    page.wait_for_selector("#sankey .js-plotly-plot .sankey")
    flow = plot_text(page, "#sankey")
    assert "<img src" in flow, flow[:500]  # cut to the label length, but literal
    # Hover text (full labels) is drawn only on hover: hover the hostile layer's node.
    node = next(n for n in page.query_selector_all("#sankey .sankey-node") if "<img src" in n.text_content())
    box = node.query_selector("rect.node-rect").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('#sankey .hoverlayer')?.textContent.includes('<img src=x')")
    assert LAYER in page.text_content("#sankey .hoverlayer")
    assert_clean(page)
    for tab, sel in (("Aligned", "#aligned"), ("Hyperparameters", "#hp-optimizer"), ("Tricks", "#tricks"),
                     ("Results", "#results")):
        open_tab(page, tab)
        page.wait_for_selector(f"{sel} .js-plotly-plot svg text")
        assert_clean(page)
    # optimizer and trick names come straight from the hostile records: shown as text
    open_tab(page, "Hyperparameters")
    assert "<" in plot_text(page, "#hp-optimizer")
    open_tab(page, "Tricks")
    assert "<" in plot_text(page, "#tricks")
    open_tab(page, "Your model")
    assert_clean(page)

    # The table: each hostile repository and file is visible, literally.
    open_tab(page, "Examples")
    page.wait_for_selector("#examples [data-testid='cell-0-0']")
    table = page.inner_text("#examples")
    shown = [p for p in PAYLOADS if f"{BAIT}{PAYLOADS.index(p)}/{p}" in table]
    assert len(shown) >= 4, table[:2000]  # rows out of view are not rendered
    for link in page.query_selector_all("#examples a"):
        assert (link.get_attribute("href") or "").startswith("https://"), link.get_attribute("href")
    assert_clean(page)

    # Pick a hostile row: the status names it (repository and model name) as text.
    cells = page.query_selector_all("#examples [role='gridcell'][data-col='1']")
    row = next(c for c in cells if SCRIPT in c.inner_text() or IMG in c.inner_text())
    payload = SCRIPT if SCRIPT in row.inner_text() else IMG
    row.click()
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('selected')")
    status = page.inner_text("#status")
    assert payload in status and f"{BAIT} {payload}" in status, status
    # the picked example's details (results, environment, training code, value sources) are text
    page.wait_for_function("() => document.querySelector('#example-details').innerText.includes('Runs with')")
    details = page.inner_text("#example-details")
    assert f"{payload}/train.py" in details and f"{payload}: {payload}" in details, details
    for link in page.query_selector_all("#example-details a"):
        assert (link.get_attribute("href") or "").startswith("https://"), link.get_attribute("href")
    open_tab(page, "Layer flow")
    open_tab(page, "Hyperparameters")
    assert_clean(page)


def test_hostile_dropdown_values_and_filter_notes_are_text(page) -> None:
    ask(page, QUESTION)
    page.click("#dataset input")
    # Type to narrow the list first: Gradio renders a long list virtually and recycles
    # option elements on scroll, so a click after scrolling can land on another dataset.
    page.fill("#dataset input", "alert(2)")
    # (labels show underscores as spaces, so match on what has none)
    option = page.get_by_role("option", name=re.compile(r'^<img src=x onerror="window.*alert\(2\)">data'))
    option.wait_for()
    assert_clean(page)
    option.click()
    # the chat notes the filter and the status names it: both as text
    note = page.wait_for_function(
        "() => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].map(m => m.innerText)"
        ".find(t => t.includes('Filters:') && t.includes('alert(2)\">data'))").json_value()
    status = page.wait_for_function(
        "() => { const t = document.querySelector('#status').innerText; return t.includes('alert(2)\">data') && t; }"
    ).json_value()
    for text in (note, status):
        assert '<img src=x onerror="window.' in text, text
    # a user's own markup, typed in the chat, is shown as typed
    ask(page, f"{SVG} {MD_LINK} {BAIT}")
    assert SVG in page.inner_text("#chat") and MD_LINK in page.inner_text("#chat")
    assert_clean(page)


def wait_findings(page, before: str) -> str:
    page.wait_for_function(
        "b => { const t = document.querySelector('#findings').innerText; return t !== b && /compared|found|limit/.test(t); }",
        arg=before)
    return page.inner_text("#findings")


def test_pasted_model_is_read_never_run(page, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    open_tab(page, "Your model")
    page.fill("#paste textarea", canary_model(canary))
    before = page.inner_text("#findings")
    page.click("#compare")
    text = wait_findings(page, before)
    assert "compared with" in text, text  # it was parsed and compared
    page.wait_for_selector("#model-sankey .js-plotly-plot")
    assert not canary.exists()
    assert_clean(page)


def test_uploaded_model_with_a_hostile_name_is_read_never_run(page, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    name = '<img src=x onerror="window.__pwned=20">.py'
    path = tmp_path / name
    path.write_text(canary_model(canary), encoding="utf-8")
    open_tab(page, "Your model")
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelector('#upload').innerText.includes('.py')")
    before = page.inner_text("#findings")
    page.click("#compare")
    text = wait_findings(page, before)
    # Gradio strips '<' and '>' from uploaded file names; the rest is shown as text
    assert "compared with" in text and "img src=x onerror=" in text, text
    assert not canary.exists()
    assert_clean(page)


def test_paste_just_over_the_limit_is_refused_with_a_message(page) -> None:
    from assistant.session import MAX_MODEL_BYTES

    open_tab(page, "Your model")
    # The model, then comment lines up to one byte over the limit (set in the page: typing it is slow).
    page.evaluate("""([model, size]) => {
        let text = model;
        while (text.length < size) text += '# padding\\n';
        const t = document.querySelector('#paste textarea');
        t.value = text.slice(0, size);
        t.dispatchEvent(new Event('input', {bubbles: true}));
    }""", [canary_model(Path("unused")), MAX_MODEL_BYTES + 1])
    before = page.inner_text("#findings")
    page.click("#compare")
    text = wait_findings(page, before)
    assert "the limit is 200 kB" in text and "Paste just the model definition" in text, text
    assert "the limit is 200 kB" in page.query_selector_all('#chat [data-testid="bot"]')[-1].inner_text()


def test_upload_over_the_server_cap_is_refused_with_a_message(page, tmp_path: Path) -> None:
    path = tmp_path / "huge_model.py"
    path.write_bytes(b"# padding\n" * 250_000)  # 2.5 MB, over app.MAX_UPLOAD
    open_tab(page, "Your model")
    page.set_input_files("#upload input[type=file]", str(path))
    toast = page.get_by_text(re.compile("exceed the maximum allowed size"))
    toast.wait_for()
    assert "huge_model.py" in toast.inner_text()
