"""Conversation state, refinement parsing and answer assembly.

A conversation is a sequence of immutable :class:`State` values.
:func:`apply_message` turns the user's words into the next state (a new task,
or a refinement of the current result set such as "only PyTorch" or "fewer
than 10 layers"); :func:`answer` retrieves the examples for a state and
assembles everything the app shows. The app only maps these onto widgets, so
the chat and the controls always agree: both edit the same State.

Refinement phrases are data (:data:`PHRASES`, ``index.vocab``), not branches:
to understand a new phrase, add a row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from corpus.knowledge.datasets import family_of
from corpus.knowledge.vocab import LABELS, LOSSES, OPTIMIZERS, fold, label
from corpus.record.summary import Summary
from index.understand import Tables, Understanding, build_tables, understand

# ---------------------------------------------------------------------------
# State

INDEX_FIELDS = ("dataset", "framework", "task", "trick", "layer_type", "min_layers", "max_layers")
# Hyperparameter values narrow the retrieved set itself (the index does not filter on them).
NARROW_FIELDS = ("optimizer", "loss")
FILTER_FIELDS = INDEX_FIELDS + NARROW_FIELDS
MIN_K, MAX_K, DEFAULT_K = 5, 500, 100


@dataclass(frozen=True)
class State:
    """Everything that decides what the user sees; the app keeps one per session.

    Attributes:
        query: the task in the user's words ("" before the first message).
        dataset, framework, task, trick, layer_type: exact filters (canonical values) or None.
        min_layers, max_layers: bounds on the layer count, inclusive, or None.
        optimizer, loss: keep only examples with this hyperparameter value, or None.
        k: how many examples to retrieve.
        selected: id of the example picked in the table (highlighted in the views).
        model: the user's own model, parsed from pasted code, or None.
        model_label: a short name for the pasted model (file name or "pasted code").
        sort: how the examples table is ordered (a key of ``assistant.table.SORTS``).
    """

    query: str = ""
    dataset: str | None = None
    framework: str | None = None
    task: str | None = None
    trick: str | None = None
    layer_type: str | None = None
    min_layers: int | None = None
    max_layers: int | None = None
    optimizer: str | None = None
    loss: str | None = None
    k: int = DEFAULT_K
    selected: str | None = None
    model: Summary | None = field(default=None, compare=False)
    model_label: str | None = None
    sort: str = "best match"

    def filter_values(self) -> dict[str, Any]:
        """The filters that are set, by field name."""
        return {f: getattr(self, f) for f in FILTER_FIELDS if getattr(self, f) is not None}

    def with_filters(self, **changes: Any) -> State:
        """A copy with some filters changed; the picked example no longer applies."""
        return replace(self, selected=None, **changes)

    def search_text(self) -> str:
        """The text to embed: the query, or the filters in words when there is none."""
        if self.query.strip():
            return self.query.strip()
        words = [display(v) for v in (self.task, self.dataset, self.framework, self.layer_type, self.trick) if v]
        if self.model is not None:
            words += [self.model.task, *self.model.datasets, *self.model.layer_types[:8]]
        return " ".join(w.replace("_", " ") for w in words if w) or "neural network example"


def clamp_k(k: int) -> int:
    """Keep the number of examples in a range the app can draw quickly."""
    return max(MIN_K, min(MAX_K, int(k)))


# ---------------------------------------------------------------------------
# Display names: canonical values as people write them.

# One short label per canonical value (corpus.knowledge.vocab.NAMES).
DISPLAY = LABELS
display = label


# ---------------------------------------------------------------------------
# Reading a message: ``index.understand``, the one reading of a question that
# ``examplenet search``, ``compare`` and the benches share. Its tables hold the
# words; here only what a chat adds: which words are filler.

OPTIMIZER_NAMES = tuple(sorted(set(OPTIMIZERS.values())))
LOSS_NAMES = tuple(sorted(set(LOSSES.values()) - {"other"}))
# Words that name no filter and no task: a message made only of these and of
# filter words is a refinement ("what about Keras instead?").
FILLER = frozenset("""
only just instead now then and or but also please pls thanks ok okay so well what about how show me give
let see use using used uses with in on for from of to the a an any all some those these them ones one
examples example models model results networks network nets net data dataset datasets framework frameworks
task tasks version versions loss losses optimizer optimizers optimiser layer type trick tricks trained train training written built implemented i want would like can could you
is are be it that which there same but rather than switch change make it s its lets let s
""".split())


def find_entities(text: str, tables: Tables | None = None) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """The filter values a text names, and the words left over (``index.understand``'s chat view).

    Phrases are matched longest first, so "fashion mnist" is one dataset, not
    MNIST. A value right after a negation ("without dropout", "no Keras") is
    marked negated. Hints ("movie reviews") name nothing: their words are left over.

    Returns:
        ([(field, value, negated), ...] in text order, [remaining words]).
    """
    u = understand(text, tables)
    return [(m.field, m.value, m.negated) for m in u.named(include_negated=True)], u.leftover


# ---------------------------------------------------------------------------
# Refinement phrases: (pattern, action). An action maps (state, match) to changes.

Action = Callable[[State, re.Match[str]], dict[str, Any]]
_FIELD_WORDS = {
    "framework": "framework", "frameworks": "framework", "dataset": "dataset", "datasets": "dataset",
    "task": "task", "tasks": "task", "trick": "trick", "tricks": "trick", "layer": "layer_type",
    "layers": "layer_type", "layer type": "layer_type", "layer types": "layer_type",
    "depth": "depth", "size": "depth", "number of layers": "depth",
    "optimizer": "optimizer", "optimizers": "optimizer", "loss": "loss", "losses": "loss",
}


def _clear(m: re.Match[str]) -> dict[str, Any]:
    name = _FIELD_WORDS[m.group("field")]
    if name == "depth":
        return {"min_layers": None, "max_layers": None}
    return {name: None}


def _n(m: re.Match[str]) -> int:
    return int(m.group("n"))


PHRASES: list[tuple[str, Action]] = [
    (r"\b(?:start over|start again|reset|restart|clear (?:all|everything)|from scratch|new search)\b",
     lambda s, m: {"__reset__": True}),
    (r"\b(?:clear|remove|drop|no|any|all|every|without)(?: the| a)? (?P<field>frameworks?|datasets?|tasks?|tricks?"
     r"|layer types?|number of layers|depth|size|optimizers?|loss(?:es)?)(?: filters?| restrictions?)?\b",
     lambda s, m: _clear(m)),
    (r"\b(?:fewer|less) than (?P<n>\d+) layers?\b", lambda s, m: {"max_layers": max(1, _n(m) - 1)}),
    (r"\b(?:at most|up to|no more than|max(?:imum)?(?: of)?|under|below) (?P<n>\d+) layers?\b",
     lambda s, m: {"max_layers": _n(m)}),
    (r"\b(?:more than|over|above) (?P<n>\d+) layers?\b", lambda s, m: {"min_layers": _n(m) + 1}),
    (r"\b(?:at least|min(?:imum)?(?: of)?) (?P<n>\d+) layers?\b", lambda s, m: {"min_layers": _n(m)}),
    (r"\b(?:between )?(?P<a>\d+) (?:to|and|-) (?P<b>\d+) layers\b",
     lambda s, m: {"min_layers": min(int(m["a"]), int(m["b"])), "max_layers": max(int(m["a"]), int(m["b"]))}),
    (r"\b(?:k ?= ?|top )(?P<n>\d+)\b", lambda s, m: {"k": clamp_k(_n(m))}),
    (r"\b(?P<n>\d+) (?:examples|models|results|networks)\b", lambda s, m: {"k": clamp_k(_n(m))}),
    (r"\b(?:sort|order)(?:ed)? (?:the table )?by (?:the )?(?P<sort>fewest layers|most layers|best match|relevance"
     r"|repository|framework|dataset|task|license)\b",
     lambda s, m: {"sort": "best match" if m["sort"] == "relevance" else m["sort"]}),
    (r"\bmore (?:examples|models|results)\b", lambda s, m: {"k": clamp_k(s.k * 2)}),
    (r"\b(?:fewer|less) (?:examples|models|results)\b", lambda s, m: {"k": clamp_k(s.k // 2)}),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), a) for p, a in PHRASES]


def apply_message(state: State, text: str, tables: Tables | None = None) -> State:
    """The state after the user says ``text``: a refinement or a new task.

    A message whose words all name filters, layer bounds, a count of examples
    or filler ("only PyTorch", "on CIFAR-100 instead", "with attention",
    "fewer than 10 layers") refines the current result set. "start over"
    resets. Anything else is a new task: its words become the query; the
    filters are those ``index.understand`` reads from it (a framework or a
    distinctive dataset named once), as ``examplenet search`` does, while
    layers, tricks, task words and dataset hints are left to the search
    (over-filtering a first question hides good examples: a "CNN" may be
    Conv1D or Conv2D).

    Args:
        state: the current state.
        text: what the user typed.
        tables: the phrase tables (``index.understand``; the app's hold its index's values).

    Returns:
        The next state (``state`` itself when the text is empty).
    """
    text = (text or "").strip()
    if not text:
        return state
    changes: dict[str, Any] = {}
    remaining = text
    for pattern, action in _COMPILED:
        def _take(m: re.Match[str], action: Action = action) -> str:
            changes.update(action(state, m))
            return " "
        remaining = pattern.sub(_take, remaining)
    reset = changes.pop("__reset__", False)
    base = State(k=state.k, model=state.model, model_label=state.model_label, sort=state.sort) if reset else state

    reading = understand(remaining, tables)
    found = [(m.field, m.value, m.negated) for m in reading.named(include_negated=True)]
    entities = [(f, v) for f, v, neg in found if not neg]
    negated = [(f, v) for f, v, neg in found if neg]
    content = [w for w in reading.leftover if w not in FILLER and not w.isdigit()]
    if not base.query and base.model is None:
        # A first message: a dataset named by a plain word or a family's phrase ("digits",
        # "house prices") names no filter yet; its words are the question, as on the command line.
        weak = [m for m in reading.named() if m.field == "dataset" and not m.strong]
        content += [w for m in weak for w in reading.words[m.start:m.end]]
        found = [f for f in found if not any(f[:2] == (m.field, m.value) for m in weak)]
        entities = [(f, v) for f, v, neg in found if not neg]

    names_task = any(f == "task" for f, _ in entities)
    if content or (reset and found) or (names_task and not base.query):
        # A new task: its own words, and the filters the one reading gives them.
        query = " ".join(remaining.split()).strip(" :,;.-") if reset else text
        new = State(query=query, k=changes.get("k", base.k), model=base.model, model_label=base.model_label,
                    sort=changes.get("sort", base.sort))
        sets = dict(reading.filters)
        bounds = {f: changes[f] for f in ("min_layers", "max_layers") if f in changes}
        return replace(new, **sets, **bounds)
    if not (changes or entities or negated or reset):
        return state
    for f, v in negated:
        if getattr(base, f) == v:
            changes[f] = None
    for f, v in entities:
        changes[f] = v
    if not reset and not base.query and base.model is None:
        changes["query"] = text  # the first words are the task, even when they only name filters
    return replace(base, selected=None, **changes)


def describe_filters(values: dict[str, Any]) -> str:
    """Filters in words: "PyTorch + CIFAR-100 + at most 9 layers"."""
    parts = []
    for f in ("framework", "dataset", "task", "layer_type", "trick", "optimizer", "loss"):
        if values.get(f):
            parts.append({"layer_type": f"{values[f]} layers", "optimizer": f"optimizer {display(values[f])}",
                          "loss": f"loss {display(values[f])}"}.get(f, display(values[f])))
    lo, hi = values.get("min_layers"), values.get("max_layers")
    if lo is not None and hi is not None:
        parts.append(f"{lo}-{hi} layers")
    elif hi is not None:
        parts.append(f"at most {hi} layers")
    elif lo is not None:
        parts.append(f"at least {lo} layers")
    return " + ".join(parts)


# ---------------------------------------------------------------------------
# Answers: retrieve the examples for a state, relax filters that match nothing,
# and build everything the app shows.

# The order in which filters give way when nothing matches: the narrowest
# refinements first, the framework (what the user will write code in) last.
RELAX_ORDER: tuple[tuple[str, ...], ...] = (
    ("optimizer",), ("loss",), ("min_layers", "max_layers"), ("layer_type",), ("trick",), ("task",), ("dataset",), ("framework",),
)


def related_datasets(dataset: str, known: Iterable[str]) -> list[str]:
    """Datasets of the same family, closest first: ``cifar100`` -> ``["cifar10"]``.

    The family is ``corpus.knowledge.datasets.FAMILIES`` (``titanic``'s, the
    house-price sets, MNIST's variants), in its order; then names sharing the
    alphabetic stem (``cifar``; ``mnist`` for ``fashion_mnist`` is not one: the
    stem must start the name).
    """
    known = list(known)
    family = family_of(dataset)
    out = [d for d in (family.members if family else ()) if d != dataset and d in known]
    stem = re.match(r"[a-z]+", fold(dataset))
    if stem and len(stem.group(0)) >= 3:
        same = [d for d in known if d != dataset and d not in out and fold(d).startswith(stem.group(0))]
        out += sorted(same, key=lambda d: (abs(len(d) - len(dataset)), d))
    return out


def relaxations(filters: dict[str, Any], datasets: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Looser filter sets to try, in order, when ``filters`` match nothing.

    First each filter dropped alone (in :data:`RELAX_ORDER`), with a dataset
    swapped for one of its family before it is dropped; then filters dropped
    cumulatively in the same order. Never the empty filter set twice.
    """
    out: list[dict[str, Any]] = []

    def add(c: dict[str, Any]) -> None:
        if c != filters and c not in out:
            out.append(c)

    for group in RELAX_ORDER:
        if not any(f in filters for f in group):
            continue
        if group == ("dataset",):
            for d in related_datasets(filters["dataset"], datasets):
                add({**filters, "dataset": d})
        add({f: v for f, v in filters.items() if f not in group})
    dropped: dict[str, Any] = dict(filters)
    for group in RELAX_ORDER:
        if any(f in dropped for f in group):
            dropped = {f: v for f, v in dropped.items() if f not in group}
            add(dict(dropped))
    return out


# Below this many examples a notice suggests which filter to let go.
MIN_USEFUL = 20
_WIDEN = {"optimizer": "any optimizer", "loss": "any loss", "min_layers": "any number of layers",
          "max_layers": "any number of layers", "layer_type": "any layer type", "trick": "any trick",
          "task": "any task", "dataset": "any dataset", "framework": "any framework"}


def widen_hint(filters: dict[str, Any]) -> str | None:
    """The phrase that drops the filter to give way first (see :data:`RELAX_ORDER`)."""
    for group in RELAX_ORDER:
        for f in group:
            if f in filters:
                return _WIDEN[f]
    return None


@dataclass
class Population:
    """The retrieved examples for a state, and how they were chosen."""

    summaries: list[Summary]
    scores: list[float]
    total_matching: int
    filters: dict[str, Any]  # the filters actually applied (after relaxing)
    notices: list[str]
    # for a pasted model: how its population was chosen, in words, and its tiers
    # (``assistant.compare.PopulationChoice``: own dataset and task first, then family, task, nearest)
    how: str = ""
    tiers: list[Any] = field(default_factory=list)
    reference: list[Summary] = field(default_factory=list)  # the task's examples (compare's reference)


def _filters(values: dict[str, Any]):
    from index.search import Filters

    return Filters(**{f: v for f, v in values.items() if f in INDEX_FIELDS})


def _hp(summary: Summary, name: str) -> Any:
    return getattr(summary.hyperparameters, name, None)


def reading(index: Any, text: str, values: dict[str, Any]) -> Understanding:
    """The question read as ``examplenet search`` reads it (``index.understand``, the
    index's tables), except that a dataset or framework the state has let go of
    ("any dataset", a relaxed filter) is only a boost, its words kept in the embedded text."""
    hard = [f for f in ("dataset", "framework") if values.get(f) is not None]
    return understand(text, getattr(index, "tables", None), hard=hard)


def _search(index: Any, text: str, k: int, values: dict[str, Any], fill: bool = True) -> tuple[list[Any], int, Any]:
    """Hits, how many match, and the shortfall, for index filters plus hyperparameter narrowing.

    The words are read as the command line reads them (:func:`reading`): the
    same boosts, the same embedded text; a dataset with few examples is filled
    up with its family and task, and a task with few examples is said so
    (``index.search.Shortfall``). Narrowing searches a larger pool (all matching
    examples up to 10 k) and keeps those with the values, so the result still
    fills k when it can; the count is then of that pool.
    """
    narrow = {f: v for f, v in values.items() if f in NARROW_FIELDS}
    u = reading(index, text, values)
    if not narrow:
        result = index.search(text, k=k, filters=_filters(values), understand=u, fill=fill)
        return list(result.hits), int(result.total_matching), getattr(result, "shortfall", None)
    pool = index.count(_filters(values))
    result = index.search(text, k=min(pool, max(10 * k, 1000)), filters=_filters(values), understand=u,
                          fill=False)
    hits = [h for h in result.hits if all(_hp(h.summary, f) == v for f, v in narrow.items())]
    return hits[:k], len(hits), None


def _matches(index: Any, text: str, values: dict[str, Any]) -> int:
    if any(f in NARROW_FIELDS for f in values):
        return _search(index, text, 1, values)[1]
    return int(index.count(_filters(values)))


def retrieve(index: Any, state: State, datasets: Iterable[str] = ()) -> Population:
    """The examples for ``state``, relaxing its filters when they match nothing.

    Args:
        index: an ``index.search.ExampleIndex`` (search, count, values).
        state: the conversation state.
        datasets: the dataset names the index holds (for "same family" relaxing).

    Returns:
        A :class:`Population` with notices in words ("no examples match ...",
        "only 9 Titanic examples exist; the other 91 are ...").
    """
    if state.model is not None:
        return model_population(index, state)
    wanted = state.filter_values()
    text = state.search_text()
    hits, total, shortfall = _search(index, text, state.k, wanted)
    used, notices = wanted, []
    if not hits and wanted:
        for candidate in relaxations(wanted, datasets):
            if _matches(index, text, candidate):
                # the relaxed filters already stand in for the named ones: no filling up on top
                hits, total, shortfall = _search(index, text, state.k, candidate, fill=False)
                used = candidate
                what = describe_filters(candidate)
                notices.append(
                    f"No examples match {describe_filters(wanted)}: showing the {len(hits)} "
                    + (f"{what} examples instead." if what else "closest examples without filters instead.")
                )
                break
        else:
            notices.append(f"No examples match {describe_filters(wanted)}, even with the filters relaxed.")
    elif wanted and 0 < total < state.k and not (shortfall is not None and shortfall.field == "dataset"):
        notice = f"Only {total} examples match {describe_filters(wanted)}."
        hint = widen_hint(wanted)
        if total < MIN_USEFUL and hint:
            notice += f" Say “{hint}” to see more."
        notices.append(notice)
    if shortfall is not None:
        notices.append(shortfall.sentence(display, describe_filters))
    return Population(
        summaries=[h.summary for h in hits],
        scores=[float(h.score) for h in hits],
        total_matching=total,
        filters=used,
        notices=notices,
    )


def model_population(index: Any, state: State) -> Population:
    """The examples a pasted model is compared with, within the chat's filters.

    Its own dataset on its task first, then its dataset's family, its task,
    and the nearest of any task (``assistant.compare.choose_population``, as
    ``examplenet compare`` chooses them), ranked by the chat's question when
    there is one (else by the model's own words). The chat's index filters hold
    in every tier; an optimizer or loss filter narrows what was retrieved.
    """
    from assistant.compare import choose_population

    values = state.filter_values()
    index_filters = {f: v for f, v in values.items() if f in INDEX_FIELDS}
    narrow = {f: v for f, v in values.items() if f in NARROW_FIELDS}
    k = state.k if not narrow else min(10 * state.k, 2000)
    choice = choose_population(index, state.model, k=k, query=state.query or None, filters=index_filters)
    pairs = [(s, sc) for s, sc in zip(choice.summaries, choice.scores, strict=True)
             if all(_hp(s, f) == v for f, v in narrow.items())][:state.k]
    notices = list(choice.notes)
    if narrow and len(pairs) < state.k:
        notices.append(f"Only {len(pairs)} of the examples chosen for your model match {describe_filters(narrow)}.")
    try:
        total = int(index.count(_filters(choice.filters)))
    except (AttributeError, TypeError):
        total = len(pairs)
    return Population(summaries=[s for s, _ in pairs], scores=[sc for _, sc in pairs], total_matching=total,
                      filters={**choice.filters, **narrow}, notices=notices, how=choice.how(),
                      tiers=list(choice.tiers), reference=list(choice.reference))


@dataclass
class Answer:
    """Everything the app shows for one state.

    Attributes:
        state: the state answered.
        population: the retrieved examples (None when there is no index).
        reply: a few sentences for the chat, as Markdown whose corpus text is escaped.
        notices: relaxed filters, empty results, refused input, in words.
        figures: plotly figures by name: ``sankey``, ``alignment``, ``tricks`` and
            one per hyperparameter (``learning_rate``, ``batch_size``, ``epochs``,
            ``optimizer``, ``loss``).
        table: the examples table (``assistant.table.rows``).
        findings: how the pasted model differs from the population (``compare.Finding``).
        selected: the picked example, if it is among the retrieved ones.
        error: set when nothing could be answered (no index): the message to show.
    """

    state: State
    population: Population | None = None
    reply: str = ""
    notices: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    table: Any = None
    findings: list[Any] = field(default_factory=list)
    selected: Summary | None = None
    error: str | None = None


def escape_text(text: str) -> str:
    """Corpus or user text for the chat's Markdown: shown as written, never as markup."""
    from assistant.table import escape_markdown

    return escape_markdown(text, keep_newlines=True)


def build_answer(state: State, population: Population) -> Answer:
    """Aggregate, compare and draw a retrieved population (pure given its inputs).

    Args:
        state: the state (its ``selected`` example is highlighted, its ``model`` overlaid).
        population: from :func:`retrieve`.

    Returns:
        The :class:`Answer`.
    """
    from assistant import figures, table
    from assistant.aggregate import aggregate
    from assistant.flow import align_summaries, build_flow, path_of
    from assistant.reply import describe

    summaries = population.summaries
    agg = aggregate(summaries)
    flow = build_flow(summaries)
    selected = next((s for s in summaries if s.id == state.selected), None) if state.selected else None
    model = state.model
    highlight = path_of(selected, flow) if selected is not None else None
    # A picked example is marked; otherwise the user's own model is.
    marked = selected or model
    mark_label = "selected" if selected is not None else "your model"
    figs: dict[str, Any] = {
        "sankey": figures.sankey_figure(flow, highlight=highlight, overlay=model),
        "alignment": figures.alignment_figure(
            align_summaries(summaries, extra=model),
            highlight=marked.id if marked is not None else None,
        ),
        "tricks": figures.tricks_figure(agg, mark=marked),
    }
    figs.update(figures.hyperparameter_figures(agg, mark=marked, mark_label=mark_label))

    findings: list[Any] = []
    if model is not None:
        from assistant.compare import compare

        findings = compare(model, summaries, population.reference or None)

    context = {"query": state.query, "filters": population.filters, "total_matching": population.total_matching}
    text = describe(agg, context) if summaries else "No examples to show."
    lines = [escape_text(n) for n in population.notices]
    lines.append(escape_text(text))
    if model is not None:
        label = escape_text(state.model_label or "your model")
        lines.append(
            f"**{label}** compared with these {len(summaries)} examples: "
            + (f"{len(findings)} finding(s), listed under *Your model*." if findings
               else "nothing unusual found.")
        )
        if population.how:
            lines.append("How they were chosen: " + escape_text(population.how) + ".")
    return Answer(
        state=state,
        population=population,
        reply="\n\n".join(lines),
        notices=list(population.notices),
        figures=figs,
        table=table.rows(summaries, state.sort),
        findings=findings,
        selected=selected,
    )


def answer(index: Any, state: State, datasets: Iterable[str] = ()) -> Answer:
    """Retrieve and build the answer for ``state``.

    Args:
        index: an ``ExampleIndex``, or None when it could not be loaded.
        state: the conversation state.
        datasets: dataset names the index holds (for relaxing a dataset filter).

    Returns:
        An :class:`Answer`.
    """
    return build_answer(state, retrieve(index, state, datasets))


class Engine:
    """One loaded index shared by every user of the app, with a small answer cache.

    Retrieval results are cached by what decides them (text, filters, k), so
    picking an example or pasting a model redraws without searching again.
    The index is read under a lock: the embedding model and FAISS are shared
    by all sessions, and a search takes milliseconds.

    Args:
        index: a loaded ``ExampleIndex``, or None when loading failed.
        error: the message to show when ``index`` is None (names the rebuild command).
        cache_size: how many populations to keep.
    """

    def __init__(self, index: Any, error: str | None = None, cache_size: int = 256) -> None:
        import threading
        from collections import OrderedDict

        self.index = index
        self.error = error if index is None else None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Population] = OrderedDict()
        self._cache_size = cache_size
        self.choices: dict[str, list[tuple[str, int]]] = {}
        if index is not None:
            for name in ("dataset", "framework", "task", "trick", "layer_type"):
                try:
                    self.choices[name] = list(index.values(name))
                except (KeyError, ValueError):
                    self.choices[name] = []
        # the index's own tables, so the chat reads a question as `examplenet search` does
        self.tables: Tables = index.tables if index is not None and hasattr(index, "tables") else build_tables()

    def __len__(self) -> int:
        return len(self.index) if self.index is not None else 0

    def apply_message(self, state: State, text: str) -> State:
        """:func:`apply_message` with this index's tables."""
        return apply_message(state, text, self.tables)

    def population(self, state: State) -> Population:
        """The retrieved examples for ``state`` (cached)."""
        key = (state.search_text(), tuple(sorted(state.filter_values().items())), state.k,
               state.model.id if state.model is not None else None)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            pop = retrieve(self.index, state, [d for d, _ in self.choices.get("dataset", [])])
            self._cache[key] = pop
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return pop

    def answer(self, state: State) -> Answer:
        """The full answer for ``state``, or one carrying :attr:`error`."""
        if self.index is None:
            return Answer(state=state, reply=escape_text(self.error or "The index is not loaded."),
                          error=self.error or "The index is not loaded.")
        return build_answer(state, self.population(state))


# ---------------------------------------------------------------------------
# The user's own model: parsed statically, never run.

MAX_MODEL_BYTES = 200_000
MAX_NAMES_SHOWN = 5  # other model names listed in the note on a pasted file


def _kb(size: int) -> str:
    """A size in kB rounded up, so a size over a limit never reads as the limit."""
    return f"{math.ceil(size / 100) / 10:,.1f} kB"


def read_model(data: bytes, filename: str = "pasted.py",
               size: int | None = None) -> tuple[Summary | None, str]:
    """Parse a pasted or uploaded script (statically) and pick its model.

    Args:
        data: the file's bytes or the pasted text, encoded.
        filename: its name (``.py``, ``.ipynb`` or ``.md`` decides how it is read).
        size: the whole file's size when ``data`` is only its first bytes (an
            upload is read no further than the limit + 1 byte).

    Returns:
        (the model with the most layers, a note for the user), or
        (None, why not) for an empty, oversized or model-less input.
    """
    size = max(size or 0, len(data))
    if size > MAX_MODEL_BYTES:
        return None, (f"That code is {_kb(size)}; the limit is {MAX_MODEL_BYTES // 1000} kB. "
                      "Paste just the model definition and its training call.")
    if not data.strip():
        return None, "Paste a Keras or PyTorch model (or upload a .py or .ipynb file) first."
    from corpus.readers import fragments
    from corpus.readers.parser import parse_bytes

    summaries = parse_bytes(data, filename)
    models = [s for s in summaries if s.layers]
    if not models:
        warnings = [w for s in summaries for w in s.parse.warnings][:2]
        why = f" ({'; '.join(warnings)})" if warnings else ""
        return None, ("No Keras or PyTorch model found in that code" + why +
                      ". ExampleNet reads models built with Sequential, the functional API or an nn.Module.")
    model = max(models, key=lambda s: len(s.layers))
    note = f"Read `{model.name}`: {model.framework}, {len(model.layers)} layers"
    if len(models) > 1:
        # A file of hundreds of models must not flood the chat: a count and a few names.
        names = list(dict.fromkeys(s.name for s in models if s is not model))
        shown = ", ".join(names[:MAX_NAMES_SHOWN]) + (", ..." if len(names) > MAX_NAMES_SHOWN else "")
        note += f" (also found {len(models) - 1} more: {shown}; compared the largest)"
    # a fragment is read on assumptions (imports it lacks, layers never wired): the user should see them
    assumed = fragments.notes_of(model.parse.warnings)
    if assumed:
        note += f". Read as a fragment: {'; '.join(assumed)}"
    return model, note + "."


MAX_ZIP_BYTES = 20 * 1024 * 1024  # a zipped repository of scripts; its contents are capped again on extraction


def read_zip_model(path: str, size: int | None = None) -> tuple[Summary | None, str]:
    """The models of an uploaded ``.zip`` of a repository, read as one repository (statically).

    The zip is extracted within bounds into a temporary folder that is removed
    afterwards (``corpus.harvest.archive.extract_zip``); the model compared is
    the trained one with the most layers, and the others are named.

    Returns:
        (the model, a note for the user), or (None, why not).
    """
    from pathlib import Path

    from assistant.compare_cli import pick_model, read_zip

    size = size if size is not None else Path(path).stat().st_size
    if size > MAX_ZIP_BYTES:
        return None, (f"That zip is {size / 2**20:,.1f} MB; the limit is {MAX_ZIP_BYTES // 2**20} MB. "
                      "Zip just the code of the project (its .py and .ipynb files).")
    summaries, notes = read_zip(path)
    models = [s for s in summaries if s.layers]
    if not models:
        why = f" ({'; '.join(notes[:2])})" if notes else ""
        return None, ("No Keras or PyTorch model found in that zip" + why +
                      ". ExampleNet reads models built with Sequential, the functional API or an nn.Module.")
    model, others = pick_model(models, Path(path).name, None)
    note = (f"Read `{model.name}` from {model.source.path}: {model.framework}, {len(model.layers)} layers")
    if others:
        names = list(dict.fromkeys(f"{s.name} ({s.source.path})" for s in others))
        shown = ", ".join(names[:MAX_NAMES_SHOWN]) + (", ..." if len(names) > MAX_NAMES_SHOWN else "")
        note += f"; the project also defines {len(others)} more: {shown}. Compared the trained one with the most layers"
    if notes:
        note += ". " + "; ".join(notes[:3])
    return model, note + "."


def with_model(state: State, model: Summary | None, label: str | None = None) -> State:
    """The state for comparing ``model``: the chat's question and filters kept, its path overlaid.

    The examples are then chosen for the model (:func:`model_population`: its
    own dataset and task first) within the filters the chat had set; None
    removes the model and keeps the search.
    """
    if model is None:
        return replace(state, model=None, model_label=None, selected=None)
    return replace(state, model=model, model_label=label or model.name, selected=None)
