"""The ExampleNet web app: a Gradio chat beside the views of ~100 examples.

Thin on purpose: the conversation logic is ``assistant.session`` (State,
apply_message, Engine.answer) and the figures come from
``assistant.figures``; this module only maps an Answer onto widgets.

Run ``examplenet serve`` or ``python app.py`` (127.0.0.1:7860). Nothing
reaches the internet: analytics off, no share link, loopback only.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import hashlib  # noqa: E402
import html  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from assistant import chips, session  # noqa: E402
from assistant.chips import Chip  # noqa: E402
from assistant.session import Answer, Engine, Population, State  # noqa: E402
from corpus.record.summary import Summary  # noqa: E402

HOST = "127.0.0.1"
ANY = "any"
HP_NAMES = ("learning_rate", "batch_size", "epochs", "optimizer", "loss")
# Answers are CPU-bound (~0.1 s) and share the GIL: two at a time keeps the event loop
# responsive under 20 users (measured: 3.5 answers/s, no errors) where four starved it.
CONCURRENCY = 2
QUEUE_SIZE = 200
# Uploads larger than this are refused by the server itself; the parser's own limit is 200 kB.
MAX_UPLOAD = "2mb"
EXAMPLE_PROMPTS = [
    "classify handwritten digits",
    "classify movie reviews as positive or negative",
    "image classification on CIFAR-10 with PyTorch",
    "predict stock prices from past prices with an LSTM",
    "generate faces with a GAN",
]
CSS = """
.gradio-container {max-width: 100% !important; padding: 8px 14px !important;}
#title h1 {font-size: 1.35rem; margin: 0;}
#title p {margin: 2px 0 0 0; font-size: 0.9rem; opacity: 0.8;}
#status {min-height: 1.6em;}
#status p {margin: 0;}
#findings li {margin-bottom: 0.5em;}
#examples span, #examples p, #examples a {font-family: var(--font); font-size: 0.92em;}
#table-help p {font-size: 0.88em; opacity: 0.8;}
#findings .evidence {font-size: 0.85em; opacity: 0.8;}
#tabs .tab-container button {padding-left: 10px; padding-right: 10px;}
#example-details {font-size: 0.9em;}
"""

RESIZE_JS = "() => { for (const t of [30, 300]) setTimeout(() => window.dispatchEvent(new Event('resize')), t); }"
# Gradio's Plot has no click event for plotly: bind plotly_click on every plot as it
# appears (Gradio redraws with Plotly.react, which keeps listeners; a remounted plot is
# a new element). A click sends the point's description from its trace's
# meta.points (see assistant.figures) through the hidden #view-click box and
# #view-click-go button; the server turns it into a chip (assistant.chips.from_click)
# and validates it there.
CLICK_JS = """
() => {
  const send = (point) => {
    const box = document.querySelector('#view-click textarea');
    if (!point || !box) return;
    box.value = JSON.stringify(point);
    box.dispatchEvent(new Event('input', {bubbles: true}));
    // The box's value reaches Gradio's state on the next tick; then the hidden button sends it.
    setTimeout(() => { const go = document.querySelector('#view-click-go'); if (go) go.click(); }, 30);
  };
  const pointsOf = (trace) => (trace && trace.meta && Array.isArray(trace.meta.points)) ? trace.meta.points : null;
  const handler = (gd) => (ev) => {
    const p = ev && ev.points && ev.points[0];
    if (!p) return;
    const trace = (gd.data || [])[p.curveNumber || 0];
    if (!trace || trace.type === 'sankey') return;  // Sankey nodes: see onSankeyUp
    const points = pointsOf(trace);
    let i = p.pointNumber !== undefined ? p.pointNumber : p.pointIndex;
    if (Array.isArray(i)) i = i[0];  // a heatmap cell [row, column]: the minimap strip is the row
    if (points && typeof i === 'number') send(points[i]);
  };
  // A Sankey node raises itself to the top on mousedown (it can be dragged), which
  // loses the browser's click: a press and release without moving is the click.
  let down = null;
  const onSankeyDown = (ev) => { down = {x: ev.clientX, y: ev.clientY}; };
  const onSankeyUp = (ev) => {
    const node = ev.target.closest && ev.target.closest('.sankey-node');
    const moved = !down || Math.abs(ev.clientX - down.x) + Math.abs(ev.clientY - down.y) > 4;
    down = null;
    if (!node || moved || !node.__data__ || !node.__data__.node) return;
    const gd = node.closest('.js-plotly-plot');
    const points = pointsOf(gd && gd.data && gd.data[0]);
    if (points) send(points[node.__data__.node.pointNumber]);
  };
  const bind = () => {
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
      if (!gd.__exnSankey) {
        gd.__exnSankey = true;
        gd.addEventListener('mousedown', onSankeyDown, true);
        gd.addEventListener('mouseup', onSankeyUp, true);
      }
      if (typeof gd.on !== 'function' || !gd._ev) continue;
      if (gd.__exnClick && gd._ev.listeners('plotly_click').includes(gd.__exnClick)) continue;
      gd.__exnClick = handler(gd);
      gd.on('plotly_click', gd.__exnClick);
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    setTimeout(() => { queued = false; bind(); }, 100);
  }).observe(document.body, {childList: true, subtree: true});
  bind();
}
"""
_EXPORT_DIR = Path(tempfile.gettempdir()) / "examplenet-exports"


# ---------------------------------------------------------------------------
# Answer -> widget values


def _choices(engine: Engine, field: str) -> list[tuple[str, str]]:
    if field in session.NARROW_FIELDS:
        names = session.OPTIMIZER_NAMES if field == "optimizer" else session.LOSS_NAMES
        return [(ANY, ANY), *[(session.display(v), v) for v in names]]
    pairs = [(f"{session.display(v) if field != 'layer_type' else v} ({n})", v)
             for v, n in engine.choices.get(field, []) if v]
    return [(ANY, ANY), *pairs]


def _value(v: Any) -> Any:
    return ANY if v is None else v


def population(engine: Engine, state: State, active: Sequence[Chip] = ()) -> Population:
    """The retrieved examples for ``state``, narrowed by the chips picked in the views.

    The chips act after retrieval (the chat's filters decide what is retrieved);
    the table, every view and the export show what is left.
    """
    pop = engine.population(state)
    if not active:
        return pop
    kept = chips.apply(active, pop.summaries)
    ids = {s.id for s in kept}
    scores = [sc for s, sc in zip(pop.summaries, pop.scores, strict=True) if s.id in ids]
    return replace(pop, summaries=kept, scores=scores)


def answer(engine: Engine, state: State, active: Sequence[Chip] = ()) -> tuple[Answer, int]:
    """The answer for ``state`` over the chip-narrowed examples, and how many were retrieved."""
    if engine.index is None or not active:
        ans = engine.answer(state)
        return ans, len(ans.population.summaries) if ans.population is not None else 0
    retrieved = len(engine.population(state).summaries)
    return session.build_answer(state, population(engine, state, active)), retrieved


def _status(ans: Answer, active: Sequence[Chip] = (), retrieved: int = 0) -> str:
    if ans.error:
        return f"**Index not loaded.** {html.escape(ans.error)}"
    pop = ans.population
    if pop is None:
        return ""
    what = session.describe_filters(pop.filters)
    text = f"**{retrieved if active else len(pop.summaries)} examples**"
    if pop.filters:
        text += f" of {pop.total_matching} matching {session.escape_text(what)}"
    if active:
        kept = len(pop.summaries)
        text += (f" · **{kept}** pass the {len(active)} filter{'s' if len(active) != 1 else ''} "
                 "picked in the views (× removes one)" if kept else
                 " · **none** pass the filters picked in the views: remove one")
    if ans.selected is not None:
        text += f" · selected: {session.escape_text(ans.selected.source.repo or '')} " \
                f"{session.escape_text(ans.selected.name)} (highlighted)"
    return text


def _findings_md(ans: Answer) -> str:
    state = ans.state
    if state.model is None:
        return ("Paste a Keras or PyTorch model above (or upload a file) and press **Compare**. "
                "It is read statically, never run.")
    label = session.escape_text(state.model_label or state.model.name)
    n = len(ans.population.summaries) if ans.population else 0
    if not ans.findings:
        return f"**{label}**: nothing unusual compared with {n} examples."
    lines = [f"**{label}** compared with {n} examples: {len(ans.findings)} finding(s)", ""]
    for f in ans.findings:
        severity = session.escape_text(str(getattr(f, "severity", "") or "note"))
        msg = session.escape_text(str(getattr(f, "message", f)))
        ev = getattr(f, "evidence", None) or {}
        evidence = "; ".join(f"{session.escape_text(str(k))}: {session.escape_text(str(v))}"
                             for k, v in ev.items())[:400]
        kind = session.escape_text(str(getattr(f, "kind", "")))
        lines.append(f"- *{severity}* **{kind}**: {msg}"
                     + (f"  \n  <span class='evidence'>{evidence}</span>" if evidence else ""))
    return "\n".join(lines)


def export_file(engine: Engine, state: State, fmt: str, active: Sequence[Chip] = ()) -> str | None:
    """Write the current examples as CSV or JSON and return the file's path (None without results).

    Written on demand (the export button), not with every answer: the JSON of
    a hundred full summaries costs more than the rest of an answer.
    """
    from assistant import table

    if engine.index is None:
        return None
    pop = population(engine, state, active)
    if not pop.summaries:
        return None
    _EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1("\x1f".join(s.id for s in pop.summaries).encode()).hexdigest()[:12]
    path = _EXPORT_DIR / f"examplenet-{key}.{fmt}"
    if not path.exists():
        text = table.to_csv(pop.summaries, pop.scores) if fmt == "csv" else table.to_json(pop.summaries, pop.scores)
        tmp = path.with_suffix(f".{fmt}.tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # atomic: a concurrent export of the same examples never reads half a file
    return str(path)


def _view_figures(ans: Answer) -> list[Any]:
    """The layer-family view and the minimap (the minimap in the table's order)."""
    from assistant import figures

    pop = ans.population
    if pop is None:
        return [None, None, None]
    ranks = [int(r) for r in ans.table["#"]] if ans.table is not None and len(ans.table) else []
    ordered = [pop.summaries[r - 1] for r in ranks]
    marked = ans.selected or ans.state.model
    return [
        figures.family_figure(pop.summaries, mark=marked),
        figures.minimap_figure(ordered, ranks, highlight=ans.selected.id if ans.selected is not None else None,
                               labels=figures.labels_for(ordered)),
        figures.results_figure(pop.summaries, mark=ans.selected),
    ]


def _details_md(ans: Answer) -> str:
    """The picked example: where it is defined and trained, what it reports, how it runs."""
    from assistant import table

    return table.details_markdown(ans.selected)


def _chip_box(active: Sequence[Chip]) -> Any:
    # Dropdown tokens render labels as text (never markup), each with its remove button.
    return gr.update(choices=[(c.label, c.key) for c in active], value=[c.key for c in active],
                     visible=bool(active))


def _outputs(ans: Answer, active: Sequence[Chip] = (), retrieved: int = 0) -> list[Any]:
    """Values for OUTPUTS in order (see build_app)."""
    s = ans.state
    figs = ans.figures
    return [
        s,
        _status(ans, active, retrieved),
        gr.update(value=_value(s.dataset)),
        gr.update(value=_value(s.framework)),
        gr.update(value=_value(s.task)),
        gr.update(value=_value(s.layer_type)),
        gr.update(value=_value(s.trick)),
        gr.update(value=_value(s.optimizer)),
        gr.update(value=_value(s.loss)),
        gr.update(value=s.k),
        gr.update(value=s.sort),
        figs.get("sankey"),
        figs.get("alignment"),
        *[figs.get(name) for name in HP_NAMES],
        figs.get("tricks"),
        ans.table if ans.table is not None else None,
        gr.update(interactive=ans.population is not None and bool(ans.population.summaries)),
        gr.update(interactive=ans.population is not None and bool(ans.population.summaries)),
        *_view_figures(ans),
        _details_md(ans),
        _chip_box(active),
        list(active),
        # findings and the model's flow stay last: API clients read them as out[-2], out[-1]
        _findings_md(ans),
        figs.get("sankey") if s.model is not None else None,
    ]


def _say(history: list[dict], user: str | None, reply: str) -> list[dict]:
    history = list(history or [])
    if user:
        history.append({"role": "user", "content": user})
    history.append({"role": "assistant", "content": reply})
    return history


# ---------------------------------------------------------------------------
# The app


def _any_is_none(x: Any) -> Any:
    """A control's value as a filter: "any" (or empty) is no filter."""
    return None if x in (None, "", ANY) else x


def _unchanged(engine: Engine, state: State, active: Sequence[Chip], new_active: Sequence[Chip]) -> bool:
    """A chip added by a click changes nothing: no index, nothing shown yet, or the chip is there already."""
    shown = state.query or state.filter_values() or state.model is not None
    return engine.index is None or not shown or len(new_active) == len(active)


def _read_compared(code: str, upload: str | None) -> tuple[Summary | None, str, str]:
    """The model to compare from an upload (a file, or a .zip read as one repository) or the pasted
    code: (the model or None, the note on how it was read, how the chat names it)."""
    if upload and Path(upload).suffix.lower() == ".zip":
        # a whole project: read as one repository (extracted, bounded, into a temporary folder)
        model, note = session.read_zip_model(upload)
        return model, note, Path(upload).name
    if upload:
        path = Path(upload)
        with path.open("rb") as fh:  # never more than the limit + 1 byte: enough to refuse
            data = fh.read(session.MAX_MODEL_BYTES + 1)
        size = path.stat().st_size  # the refusal states the real size, not what was read
        model, note = session.read_model(data, path.name, size=size)
        return model, note, path.name
    data = (code or "").encode("utf-8", errors="replace")
    model, note = session.read_model(data, "pasted.py", size=None)
    return model, note, "your model"


def _row_pick(engine: Engine, state: State, active: Sequence[Chip], row: list[Any] | None) -> str | None:
    """The id of the example a clicked table row shows (its first cell is the rank); None for none."""
    pop = population(engine, state, active) if engine.index is not None else None
    try:
        rank = int((row or [])[0])
    except (IndexError, TypeError, ValueError):
        return None
    if pop is None or not 1 <= rank <= len(pop.summaries):
        return None
    return pop.summaries[rank - 1].id


# C901 (20 > 15): ruff counts each event handler defined here (+1 each, ten of them); they are
# closures over the engine and the components laid out below. Their logic is in the functions above.
def build_app(engine: Engine) -> gr.Blocks:  # noqa: C901
    """The Blocks app over a loaded engine (tests build it on a tiny index).

    Args:
        engine: the shared :class:`assistant.session.Engine`.

    Returns:
        The Blocks, not launched (see :func:`launch`).
    """

    def show(state: State, active: Sequence[Chip]) -> tuple[Answer, list[Any]]:
        ans, retrieved = answer(engine, state, active)
        return ans, _outputs(ans, active, retrieved)

    def on_message(text: str, history: list[dict], state: State, active: list[Chip]):
        text = (text or "").strip()
        if not text:
            return ["", history, *show(state, active)[1]] if state.query else \
                   ["", history, *[gr.skip()] * len(OUTPUTS)]
        new = engine.apply_message(state, text)
        # Chips narrow one task's examples; a new task starts without them.
        ans, out = show(new, active if new.query == state.query else [])
        return ["", _say(history, session.escape_text(text), ans.reply), *out]

    def on_control(dataset, framework, task, layer_type, trick, optimizer, loss, k, history, state: State,
                   active: list[Chip]):
        v = _any_is_none
        new = state.with_filters(dataset=v(dataset), framework=v(framework), task=v(task),
                                 layer_type=v(layer_type), trick=v(trick), optimizer=v(optimizer),
                                 loss=v(loss), k=session.clamp_k(k or state.k))
        if new == state and state.query:
            return [history, *[gr.skip()] * len(OUTPUTS)]
        ans, out = show(new, active)
        what = session.describe_filters(new.filter_values()) or "no filters"
        note = f"Filters: {session.escape_text(what)}, {new.k} examples.\n\n{ans.reply}"
        return [_say(history, None, note), *out]

    def on_select(evt: gr.SelectData, state: State, active: list[Chip]):
        picked = _row_pick(engine, state, active, evt.row_value)
        if picked is None:
            return [gr.skip()] * len(OUTPUTS)
        new = replace(state, selected=None if state.selected == picked else picked)
        return show(new, active)[1]

    def on_view_click(payload: str, state: State, active: list[Chip]):
        chip = chips.from_click(payload)
        new_active = chips.add(active, chip)
        if _unchanged(engine, state, active, new_active):
            return [gr.skip()] * len(OUTPUTS)
        return show(state, new_active)[1]

    def on_no_gpu(state: State, active: list[Chip]):
        new_active = chips.add(active, chips.NO_GPU)
        if _unchanged(engine, state, active, new_active):
            return [gr.skip()] * len(OUTPUTS)
        return show(state, new_active)[1]

    def on_chips_edit(keys: list[str] | None, state: State, active: list[Chip]):
        kept = chips.keep(active, keys or [])
        if len(kept) == len(active):
            return [gr.skip()] * len(OUTPUTS)
        return show(state, kept)[1]

    def on_compare(code: str, upload: str | None, history: list[dict], state: State, active: list[Chip]):
        model, note, label = _read_compared(code, upload)
        if model is None:
            out = [gr.skip()] * len(OUTPUTS)
            out[OUTPUTS.index(findings)] = session.escape_text(note)
            return [_say(history, None, session.escape_text(note)), *out]
        new = session.with_model(state, model, label)
        # A new model is a new search: chips picked for the old examples would not apply.
        ans, out = show(new, active if new.query == state.query and new.task == state.task else [])
        reply = session.escape_text(note) + "\n\n" + ans.reply
        return [_say(history, f"(compare {session.escape_text(label)})", reply), *out]

    def on_clear_model(history: list[dict], state: State, active: list[Chip]):
        ans, out = show(session.with_model(state, None), active)
        return [_say(history, None, "Removed your model from the views."), *out]

    def on_reset(history: list[dict], state: State):
        return ["", [], *_outputs(Answer(state=State(k=state.k)))]

    with gr.Blocks(title="ExampleNet") as demo:
        state = gr.State(State())
        chip_state = gr.State([])  # the Chips picked in the views (assistant.chips)
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                gr.Markdown(
                    f"# ExampleNet\nAbout a hundred real example models for the task you describe "
                    f"({len(engine)} in the index).",
                    elem_id="title",
                )
                chat = gr.Chatbot(
                    elem_id="chat", height=290, show_label=False, buttons=["copy"], allow_tags=False,
                    placeholder="Describe your task in plain words, e.g. *classify movie reviews as "
                                "positive or negative*. Then refine: *only PyTorch*, *on CIFAR-100 instead*, "
                                "*with attention*, *fewer than 10 layers*, *start over*.",
                )
                with gr.Row(equal_height=True):
                    msg = gr.Textbox(elem_id="msg", show_label=False, scale=5, lines=1, max_lines=4,
                                     placeholder="Describe your task, or refine: only PyTorch…", autofocus=True)
                    send = gr.Button("Send", elem_id="send", variant="primary", scale=1, min_width=64)
                    reset = gr.Button("Start over", elem_id="reset", scale=1, min_width=64)
                with gr.Group(elem_id="controls"):
                    with gr.Row():
                        dataset = gr.Dropdown(_choices(engine, "dataset"), value=ANY, label="Dataset",
                                              elem_id="dataset", min_width=110)
                        framework = gr.Dropdown(_choices(engine, "framework"), value=ANY, label="Framework",
                                                elem_id="framework", min_width=110)
                        task = gr.Dropdown(_choices(engine, "task"), value=ANY, label="Task",
                                           elem_id="task", min_width=110)
                    with gr.Row():
                        layer = gr.Dropdown(_choices(engine, "layer_type"), value=ANY, label="With layer",
                                            elem_id="layer", min_width=110)
                        trick = gr.Dropdown(_choices(engine, "trick"), value=ANY, label="With trick",
                                            elem_id="trick", min_width=110)
                        optimizer = gr.Dropdown(_choices(engine, "optimizer"), value=ANY, label="Optimizer",
                                                elem_id="optimizer", min_width=110)
                    with gr.Row():
                        loss = gr.Dropdown(_choices(engine, "loss"), value=ANY, label="Loss",
                                           elem_id="loss", min_width=110)
                        k = gr.Slider(session.MIN_K, 300, value=session.DEFAULT_K, step=5,
                                      label="Examples to retrieve", elem_id="k", min_width=110, scale=2)
                gr.Examples(EXAMPLE_PROMPTS, inputs=[msg], label="Try")
            with gr.Column(scale=8, min_width=480):
                status = gr.Markdown(
                    f"**Index not loaded.** {html.escape(engine.error)}" if engine.error else
                    "Ask about a task to see its examples.",
                    elem_id="status",
                )
                # Shown only while a view narrows the examples; the status line says so.
                chip_box = gr.Dropdown(
                    [], value=[], multiselect=True, allow_custom_value=False, elem_id="chips", visible=False,
                    label="Narrowed in the views", show_label=False, container=False, interactive=True,
                )
                # Clicks on the plots arrive here (CLICK_JS); never shown.
                view_click = gr.Textbox(elem_id="view-click", visible="hidden", show_label=False)
                view_click_go = gr.Button(elem_id="view-click-go", visible="hidden")
                with gr.Tabs(elem_id="tabs") as tabs:
                    with gr.Tab("Layer flow", elem_id="tab-flow"):
                        sankey = gr.Plot(elem_id="sankey", show_label=False)
                    with gr.Tab("Families", elem_id="tab-families"):
                        families = gr.Plot(elem_id="families", show_label=False)
                    with gr.Tab("Minimap", elem_id="tab-minimap"):
                        minimap = gr.Plot(elem_id="minimap", show_label=False)
                    with gr.Tab("Aligned", elem_id="tab-aligned"):
                        aligned = gr.Plot(elem_id="aligned", show_label=False)
                    with gr.Tab("Hyperparameters", elem_id="tab-hp"):
                        with gr.Row():
                            hp_plots = {n: gr.Plot(elem_id=f"hp-{n.replace('_', '-')}", show_label=False)
                                        for n in HP_NAMES[:3]}
                        with gr.Row():
                            hp_plots.update({n: gr.Plot(elem_id=f"hp-{n}", show_label=False)
                                             for n in HP_NAMES[3:]})
                    with gr.Tab("Tricks", elem_id="tab-tricks"):
                        tricks = gr.Plot(elem_id="tricks", show_label=False)
                    with gr.Tab("Results", elem_id="tab-results"):
                        results_plot = gr.Plot(elem_id="results", show_label=False)
                    with gr.Tab("Examples", elem_id="tab-examples"):
                        from assistant.table import COLUMN_WIDTHS, COLUMNS, DATATYPES, SORTS

                        examples = gr.Dataframe(
                            headers=COLUMNS, datatype=DATATYPES, elem_id="examples", interactive=False,
                            wrap=False, max_height=520, show_label=False, column_widths=COLUMN_WIDTHS,
                        )
                        with gr.Row(equal_height=True):
                            gr.Markdown("Select a row to highlight that example in the views and see where "
                                        "it is defined and trained, what it reports and how it runs.",
                                        elem_id="table-help")
                            sort = gr.Dropdown(list(SORTS), value="best match", label="Sort by", elem_id="sort",
                                               min_width=140, scale=0)
                            no_gpu_btn = gr.Button("Runs without a GPU", elem_id="no-gpu", size="sm")
                            csv_btn = gr.Button("Export CSV", elem_id="export-csv", size="sm",
                                                interactive=False)
                            json_btn = gr.Button("Export JSON", elem_id="export-json", size="sm",
                                                 interactive=False)
                        # The files are written when asked for, then handed to these hidden buttons.
                        csv_dl = gr.DownloadButton(elem_id="dl-csv", visible="hidden")
                        json_dl = gr.DownloadButton(elem_id="dl-json", visible="hidden")
                        details = gr.Markdown("", elem_id="example-details")
                    with gr.Tab("Your model", elem_id="tab-model"):
                        with gr.Row():
                            paste = gr.Textbox(elem_id="paste", label="Paste a Keras or PyTorch model",
                                               lines=10, max_lines=18, scale=3,
                                               placeholder="model = Sequential([...]) ... model.fit(...)")
                            upload = gr.File(label="…or upload .py / .ipynb / a project .zip",
                                             file_types=[".py", ".ipynb", ".md", ".zip"],
                                             elem_id="upload", scale=1, type="filepath")
                        with gr.Row():
                            compare_btn = gr.Button("Compare", variant="primary", elem_id="compare")
                            clear_btn = gr.Button("Remove my model", elem_id="clear-model")
                        findings = gr.Markdown(_findings_md(Answer(state=State())), elem_id="findings")
                        model_sankey = gr.Plot(elem_id="model-sankey", show_label=False)

        OUTPUTS = [state, status, dataset, framework, task, layer, trick, optimizer, loss, k, sort, sankey, aligned,
                   *[hp_plots[n] for n in HP_NAMES], tricks, examples, csv_btn, json_btn, families, minimap,
                   results_plot, details, chip_box, chip_state, findings, model_sankey]

        # A plot drawn while its tab was hidden has no width; redraw when the tab shows.
        tabs.select(None, None, None, js=RESIZE_JS)
        msg.submit(on_message, [msg, chat, state, chip_state], [msg, chat, *OUTPUTS], api_name="ask")
        send.click(on_message, [msg, chat, state, chip_state], [msg, chat, *OUTPUTS], api_name=False)
        controls = [dataset, framework, task, layer, trick, optimizer, loss, k, chat, state, chip_state]
        for dd in (dataset, framework, task, layer, trick, optimizer, loss):
            dd.input(on_control, controls, [chat, *OUTPUTS], api_name=False)
        k.release(on_control, controls, [chat, *OUTPUTS], api_name=False)
        examples.select(on_select, [state, chip_state], OUTPUTS, api_name=False)
        sort.input(lambda how, st, active: show(replace(st, sort=how), active)[1], [sort, state, chip_state],
                   OUTPUTS, api_name=False)
        view_click_go.click(on_view_click, [view_click, state, chip_state], OUTPUTS, api_name=False)
        chip_box.input(on_chips_edit, [chip_box, state, chip_state], OUTPUTS, api_name=False)
        no_gpu_btn.click(on_no_gpu, [state, chip_state], OUTPUTS, api_name=False)
        compare_btn.click(on_compare, [paste, upload, chat, state, chip_state], [chat, *OUTPUTS],
                          api_name="compare")
        clear_btn.click(on_clear_model, [chat, state, chip_state], [chat, *OUTPUTS], api_name=False)
        for btn, dl, fmt in ((csv_btn, csv_dl, "csv"), (json_btn, json_dl, "json")):
            btn.click(lambda st, active, fmt=fmt: export_file(engine, st, fmt, active), [state, chip_state], [dl],
                      api_name=False).then(None, None, None, js=f"() => document.querySelector('#dl-{fmt}')?.click()")
        reset.click(on_reset, [chat, state], [msg, chat, *OUTPUTS], api_name=False)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


def launch(demo: gr.Blocks, port: int = 7860, block: bool = True) -> None:
    """Start the app on 127.0.0.1 only, never with a share link."""
    demo.launch(
        server_name=HOST, server_port=port, share=False, prevent_thread_lock=not block,
        inbrowser=False, show_error=True, quiet=not block, css=CSS, footer_links=[],
        theme=gr.themes.Default(primary_hue="indigo", secondary_hue="slate"), allowed_paths=[str(_EXPORT_DIR)],
        ssr_mode=False, max_file_size=MAX_UPLOAD, js=CLICK_JS,
    )


def load_engine(index_dir: str | os.PathLike | None = None,
                corpus_path: str | os.PathLike | None = None) -> Engine:
    """Load (building when missing or stale) the index and the embedding model, once.

    Args:
        index_dir: the index folder (default: var/index).
        corpus_path: the summaries to build from (default: the shipped corpus).

    Returns:
        An Engine; when the index cannot be built, one whose ``error`` says why
        and how to rebuild, so the app still starts and shows it.
    """
    from index.store import ensure_index

    try:
        index = ensure_index(corpus_path=corpus_path, index_dir=index_dir, progress=True)
    except Exception as exc:  # noqa: BLE001 - any failure becomes the message the user sees
        msg = str(exc) or exc.__class__.__name__
        if "examplenet index build" not in msg:
            msg += " Rebuild it with: examplenet index build"
        print(f"examplenet: {msg}", file=sys.stderr)
        return Engine(None, error=msg)
    # Warm the embedding model and the figure code so the first answer is quick.
    engine = Engine(index)
    try:
        engine.answer(State(query="image classification"))
    except Exception as exc:  # noqa: BLE001 - a failed warm-up must not stop the app
        print(f"examplenet: warm-up answer failed: {exc}", file=sys.stderr)
    return engine


def serve(port: int = 7860, index_dir: str | os.PathLike | None = None,
          corpus_path: str | os.PathLike | None = None) -> int:
    """Load the index and serve the app on 127.0.0.1 until interrupted.

    Args:
        port: the port (default 7860).
        index_dir: the index folder (default: var/index, built when missing).
        corpus_path: the corpus to build it from (default: the shipped corpus).

    Returns:
        The exit status (0).
    """
    engine = load_engine(index_dir, corpus_path)
    demo = build_app(engine)
    print(f"ExampleNet on http://{HOST}:{port} ({len(engine)} examples)", file=sys.stderr)
    launch(demo, port=port, block=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
