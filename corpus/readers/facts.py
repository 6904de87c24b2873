"""Facts about a script beyond its layers: datasets, task, tricks, preprocessing.

:func:`annotate` is called by the parser after the extractors. It reads the
script once (:func:`~corpus.readers.file_facts.collect`: a handler per node of
interest, see :mod:`corpus.readers.file_facts`) into ``FileFacts``, then fills
each summary:

- ``datasets``, strongest evidence first (:func:`file_datasets`):
  1. loaders: ``keras.datasets.X``, ``torchvision.datasets.X``,
     ``torchtext``/``torchaudio``/``torch_geometric`` datasets,
     ``tfds.load("x")``, ``load_dataset("x")`` (a GLUE config names it),
     sklearn ``load_x``/``fetch_x``, ``gym.make(id)``, ``yf.download``, and
     the paths given to file readers (``read_csv("IMDB Dataset.csv")`` is
     ``imdb``: a benchmark from local files is that benchmark);
  2. other strings, names of functions/classes, the file path;
  3. ``custom`` when local files are read, or, in a file that trains, data
     comes from the project's own data module (``initial_data.input_()``);
     a README naming exactly one dataset may name the benchmark behind them;
  4. ``synthetic`` for generated data (``make_moons``, random arrays, toy
     number lists, a passage typed into the script);
  5. comments and docstrings.
  A model-definition file (nothing trained, no data read) lists none: the
  names, folders and docstrings that point at a data set there only vote on
  the task. Model builders (``get_mnist_model``) never name data.
  With several models and data loaded in between (notebooks), each model
  gets the dataset named last before it (:func:`model_datasets`).
- ``task``: a weighted vote (rules and weights in :mod:`corpus.knowledge.tasks`) of
  the dataset's usual task, structure (a generator/discriminator pair, an
  encoder/decoder pair, a diffusion model, an autoencoder fitted on its own
  input, CTC, gym), library heads and imports, the model's layers, output
  and loss (:func:`model_scores`), names in the model, file path and code,
  and the README's words.
- ``tricks``: layer-derived ones per model (:func:`layer_tricks`);
  code-derived ones (callbacks, schedulers, weight decay, clipping, mixed
  precision, checkpointing, pretrained/frozen weights, augmentation,
  pretrained embeddings) attributed to the model they touch: the model
  whose lines hold them, the model their names reach
  (``torch.save(netG...)``, ``optim.Adam(model.parameters(), ...)``), in a
  notebook the model defined next; else every model. Merged with what the
  extractors found; never dropped. Sorted in the spec's order.
- ``preprocessing``: from the data pipeline (a small fixed vocabulary,
  :data:`PREPROCESSING`), for every model of the file; merged likewise.

Nothing here executes the script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from tree_sitter import Node

from corpus.knowledge import datasets as known_datasets
from corpus.knowledge import tasks as task_rules
from corpus.knowledge.layers import SEQUENCE_RECURRENT
from corpus.readers.file_facts import (
    CUSTOM_TRICKS,
    TRANSFER_WORDS,
    FileFacts,
    Occurrence,
    add_score,
    call_name,
    collect,
    last_name,
)
from corpus.readers.script import (
    Script,
    node_text,
)
from corpus.readers.syntax import ancestors
from corpus.record.summary import TRICKS, Layer, Summary

# -- tables of the per-model reading ----------------------------------------------

# Layer types -> trick, per model.
LAYER_TRICKS: dict[str, str] = {
    "Dropout": "dropout",
    "SpatialDropout": "dropout",
    "BatchNormalization": "batch_norm",
    "LayerNormalization": "layer_norm",
    "Attention": "attention",
    "MultiHeadAttention": "attention",
    "TransformerEncoder": "attention",
    "TransformerDecoder": "attention",
    "Add": "residual",
    "Bidirectional": "bidirectional",
    "Pretrained": "pretrained_weights",
}
PREPROCESSING = (
    "normalize", "standardize", "resize", "grayscale", "reshape", "one_hot", "label_encode",
    "tokenize", "pad_sequences", "augment", "windowing", "impute",
)
_ARG_DATASET_KEYS = ("dataset", "data", "dataset_name", "data_name", "task", "data_set", "dset", "env",
                     "env_name", "env_id")
_IMAGE_TASKS = frozenset({"image_classification", "object_detection", "image_segmentation",
                          "image_generation"})
_TEXT_TASKS = frozenset({"text_classification", "machine_translation", "language_modeling",
                         "text_generation", "question_answering", "sequence_labeling"})
# A file named for training trains, even where the parser reads no optimizer (train_breakout.py)
_TRAINING_FILE = re.compile(r"train", re.I)
_VOCAB_WORDS = re.compile(r"vocab|dict_size|ntoken|n_token|num_tokens|n_chars|num_chars|len\(chars\)|nchars|n_vocab|n_word\b|"
                          r"len\(char|num_words|max_words|n_words|len\(words\)|total_words|"
                          r"len\(tokenizer", re.I)


# -- per model -----------------------------------------------------------------------


def file_datasets(script: Script, facts: FileFacts, context_text: str | None = None,
                  trained: bool = False) -> list[str]:
    """The datasets of a file, strongest evidence first (see the module docstring).

    Args:
        script: the loaded script.
        facts: what :func:`collect` found in it.
        context_text: nearby README words; trusted only when they name exactly one
            dataset, and only for a model trained on local files or on data read elsewhere.
        trained: whether a model of the file is trained here (so random numbers are its data).

    Returns:
        Canonical dataset names, possibly empty.
    """
    by_columns = known_datasets.dataset_from_columns(facts.columns) if facts.columns else None
    out = _loaded_datasets(script, facts, by_columns)
    if out:
        return out
    if not trained and not facts.local_files and not facts.synthetic and not facts.train_calls and \
            not _TRAINING_FILE.search(script.path.replace("\\", "/").rsplit("/", 1)[-1]):
        # Nothing is trained and no data is read: the file defines models only. A class
        # name, a folder or a docstring naming a data set says what the project uses, not
        # what this file reads; it still says what the model is for (the task votes on it).
        facts.hinted_datasets = list(facts.text_datasets) or known_datasets.find_in_text(script.path.replace("\\", "/")) \
            or facts.weak_datasets[:2]
        return []
    return _weaker_datasets(script, facts, context_text, trained, by_columns)


def _argparse_dataset(script: Script, among: list[str] | None = None) -> str | None:
    """The dataset a dataset option's default names (``--dataset default='pascal_voc'``), the first of
    ``_ARG_DATASET_KEYS`` that names one (of ``among``, when given)."""
    for key in _ARG_DATASET_KEYS:
        v = script.argparse_defaults.get(key)
        if isinstance(v, str):
            name = known_datasets.canonical_dataset(v) or (known_datasets.gym_dataset(v) if key.startswith("env") else None)
            if name is not None and (among is None or name in among):
                return name
    return None


def _loaded_datasets(script: Script, facts: FileFacts, by_columns: str | None) -> list[str]:
    """Datasets a loader reads: the one argparse picks when there are several; Boston's columns over a
    tabular loader's guess; market data last."""
    out = list(facts.loader_datasets)
    if len(out) > 1:
        # a script that picks one by argparse: the default is the one it runs with
        picked = _argparse_dataset(script, out)
        if picked is not None:
            return [picked]
    if by_columns and out and all((known_datasets.default_task(n) or "").startswith("tabular") for n in out):
        return [by_columns]  # housing.csv read with Boston's columns (MEDV) is Boston
    if known_datasets.YAHOO_FINANCE in out and len(out) > 1:
        out.remove(known_datasets.YAHOO_FINANCE)
        out.append(known_datasets.YAHOO_FINANCE)
    return out


def _weaker_datasets(script: Script, facts: FileFacts, context_text: str | None, trained: bool,
                     by_columns: str | None) -> list[str]:
    """No loader names the data: strings, the path, local files, toy data, prose, the README, in that order."""
    if len(facts.text_datasets) > 1:
        # the strings name several (an option's choices, a dict of their short names): the option's default
        # is the one the script runs with
        picked = _argparse_dataset(script)
        if picked in facts.text_datasets:
            return [picked]
    if facts.text_datasets:
        return list(facts.text_datasets)
    path_names = known_datasets.find_in_text(script.path.replace("\\", "/"))
    if path_names:
        return path_names
    readme = known_datasets.find_in_text(context_text or "")
    if len(readme) > 1:
        readme = []  # a collection's README lists every example's data
    # data read through the project's own data module counts once something is trained here
    local = facts.local_files or (trained and facts.project_data)
    if local and by_columns:
        return [by_columns]
    if local:
        return facts.weak_datasets[:2] or readme or [known_datasets.CUSTOM]
    if facts.synthetic:
        return [known_datasets.SYNTHETIC]
    if facts.weak_datasets:
        return facts.weak_datasets[:2]
    if trained and facts.random_calls >= 1:
        facts.synthetic_guess = True
        return [known_datasets.SYNTHETIC]  # trained on nothing it reads: on numbers it draws
    if trained and readme:
        return readme  # the data is read by a helper module; the project's README names it
    return []


def model_datasets(summaries: list[Summary], facts: FileFacts, datasets: list[str],
                   notebook: bool = False) -> list[list[str]]:
    """The datasets of each model: in a notebook that loads one dataset per model, its own.

    When data is loaded between the models (IMDB, then a model, then Reuters,
    then a model), each model gets the dataset named last before it.
    Otherwise every model gets the file's datasets. In notebooks (and
    Markdown), data paths in strings count too (``cats_vs_dogs_small``).
    """
    same = [list(datasets) for _ in summaries]
    if notebook and datasets and datasets != [known_datasets.CUSTOM]:
        datasets = list(dict.fromkeys(datasets + facts.loader_datasets + facts.text_datasets +
                                      ([known_datasets.SYNTHETIC] if facts.synthetic else [])))
    if len(summaries) < 2 or len(datasets) < 2:
        return same
    starts = [s.source.line_start for s in summaries]
    if any(st is None for st in starts):
        return same
    first = min(starts)
    wanted = set(datasets)
    mentions = sorted((ln, n) for ln, n in facts.mentions if n in wanted)
    if not any(ln > first for ln, _ in mentions) or len({n for _, n in mentions}) < 2:
        return same  # all data is read before the first model: it is shared
    out: list[list[str]] = []
    for st in starts:
        # a real dataset named before the model wins over numbers drawn at random
        # (a notebook that explains an RNN with np.random after loading its data)
        before = [n for ln, n in mentions if ln <= st and n != known_datasets.SYNTHETIC] or \
            [n for ln, n in mentions if ln <= st]
        after = [n for ln, n in mentions if ln > st]
        pick = before[-1] if before else (after[0] if after else None)
        out.append([pick] if pick else list(datasets))
    return out


_FIT_NAMES = frozenset({"fit", "fit_generator", "train_on_batch", "evaluate"})
_DATA_KEYWORDS = ("x", "y", "validation_data", "generator", "dataset")
_DATA_KEY_WORDS = re.compile(r"data|loader|_ds$|_set$|^train|^valid|^test")


def fed_datasets(s: Summary, facts: FileFacts, until: int | None = None, max_steps: int = 300,
                 drawn_by_hand: bool = False) -> list[str]:
    """The datasets of the data a model's own training calls are given (``reg.fit(x, y)`` with
    ``x = np.random.rand(...)``: synthetic), followed back through the assignments that reach each
    call (the last one before it, then what that one was made from). Real data wins over random
    numbers (a GAN's discriminator sees both). ``[]`` when nothing is fed to the model by name, or
    nothing that names a dataset.

    Args:
        s: the model (its training calls are ``<name>.fit(...)`` and the like, from its first line on).
        facts: the file's facts.
        until: the line where the next model of the same name starts (a notebook reusing ``model``).
        max_steps: a bound on the assignments followed.
        drawn_by_hand: random numbers a model is called on by hand count too (a model with its own optimizer
            and no generator's part: a toy fit on drawn numbers beside a network trained on real data).
    """
    start = s.source.line_start or 0
    names = _instance_names(s.name, facts)
    calls = _fit_calls(s.name, names, facts, start, until)
    by_hand = False
    if not calls:
        # a model called on its data by hand (reg(x) in a PyTorch loop, model(images) under a GradientTape)
        calls = _calls_by_hand(s.name, names, facts, start, until)
        by_hand = bool(calls)
    if not calls or not (facts.mentions or facts.local_lines or (drawn_by_hand and facts.random_lines)):
        return []
    by_line: dict[int, list[str]] = {}
    for ln, n in facts.mentions:
        by_line.setdefault(ln, []).append(n)
    # local files stand for the benchmark their columns name (``df['medv']``: boston_housing), else custom
    local = known_datasets.dataset_from_columns(facts.columns) if facts.columns else None
    for ln in facts.local_lines:
        by_line.setdefault(ln, []).append(local or known_datasets.CUSTOM)
    if drawn_by_hand:
        for ln in facts.random_lines:
            by_line.setdefault(ln, []).append(known_datasets.SYNTHETIC)
    found: list[str] = []
    todo: list[tuple[str, int]] = []  # (name, the line it is used at)
    for call in calls:
        for a in _data_arguments(call):
            for ln in range(a.start_point[0] + 1, a.end_point[0] + 2):
                found.extend(by_line.get(ln, ()))  # fit(*tfds.load("mnist", ...)): named in place
            todo.extend((n, a.start_point[0] + 1) for n in _idents_of(a) if n != s.name)
    found += _named_before(todo, facts, by_line, max_steps)
    found = list(dict.fromkeys(found))
    if any(n not in (known_datasets.CUSTOM, known_datasets.SYNTHETIC) for n in found):
        found = [n for n in found if n != known_datasets.CUSTOM]  # a named dataset read from a local copy
    real = [n for n in found if n != known_datasets.SYNTHETIC]
    # (random numbers a model is called on by hand are as often a test of it or a generator's noise)
    if by_hand and drawn_by_hand and not real and not any(_in_loop(c) for c in calls):
        return []  # ``net(torch.randn(1, 3, 32, 32))`` once: a shape check, not its training data
    return real if by_hand and not drawn_by_hand else real or found


def _in_loop(node: Node) -> bool:
    """Whether a loop of its own function (or of the module) holds ``node``."""
    for p in ancestors(node):
        if p.type in ("function_definition", "class_definition"):
            return False
        if p.type in ("for_statement", "while_statement"):
            return True
    return False


def _outside(line: int, start: int, until: int | None) -> bool:
    return line < start or (until is not None and line >= until)


def _fit_calls(model: str, names: set[str], facts: FileFacts, start: int, until: int | None) -> list[Node]:
    """The model's ``<name>.fit(...)``-like calls between ``start`` and ``until``."""
    calls = []
    for call in facts.train_calls:
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "attribute" or _outside(call.start_point[0] + 1, start, until) or \
                node_text(fn.child_by_field_name("attribute")) not in _FIT_NAMES:
            continue
        if _holds(node_text(fn.child_by_field_name("object")).rsplit(".", 1)[-1], model, names, call, facts):
            calls.append(call)
    return calls or _helper_training_calls(model, names, facts, start, until)


_TRAINING_HELPER = re.compile(r"fit|train", re.IGNORECASE)


def _helper_training_calls(model: str, names: set[str], facts: FileFacts, start: int, until: int | None) -> list[Node]:
    """``fit_and_evaluate(model, train_ds, valid_ds)``, ``training_loop(model=net, train_loader=...)``: a
    training helper the model is handed to, with its data beside it."""
    calls = []
    for call in _calls_between(facts, start, until):
        fn = call.child_by_field_name("function")
        callee = node_text(fn).rsplit(".", 1)[-1] if fn is not None else ""
        if not _TRAINING_HELPER.search(callee) or callee in _FIT_NAMES:
            continue
        args = call.child_by_field_name("arguments")
        given = [a.child_by_field_name("value") if a.type == "keyword_argument" else a
                 for a in (args.named_children if args is not None else [])]
        if any(a is not None and a.type == "identifier" and _holds(node_text(a), model, names, call, facts)
               for a in given):
            calls.append(call)
    return calls


def _calls_by_hand(model: str, names: set[str], facts: FileFacts, start: int, until: int | None) -> list[Node]:
    """The calls of the model itself on data (``reg(x)``) between ``start`` and ``until``."""
    calls = []
    for call in _calls_between(facts, start, until):
        fn = call.child_by_field_name("function")
        callee = node_text(fn) if fn is not None and fn.type == "identifier" else ""
        # (a class's own name called builds it; its instance called runs it)
        if callee and (callee != model or not _is_class_name(model)) and _holds(callee, model, names, call, facts):
            calls.append(call)
    return calls


def _calls_between(facts: FileFacts, start: int, until: int | None) -> Iterator[Node]:
    """The file's calls from line ``start`` up to ``until``, in line order."""
    for line in sorted(facts.calls_by_line):
        if not _outside(line, start, until):
            yield from facts.calls_by_line[line]


def _data_arguments(call: Node) -> list[Node]:
    """A training call's positional arguments and the values of its data keywords (``x=``, ...; a helper's
    keywords that name data: ``train_loader=``)."""
    out = []
    args = call.child_by_field_name("arguments")
    for a in (args.named_children if args is not None else []):
        if a.type == "keyword_argument":
            key = node_text(a.child_by_field_name("name"))
            if key not in _DATA_KEYWORDS and not _DATA_KEY_WORDS.search(key):
                continue
            a = a.child_by_field_name("value")
        if a is not None:
            out.append(a)
    return out


def _named_before(todo: list[tuple[str, int]], facts: FileFacts, by_line: dict[int, list[str]],
                  max_steps: int) -> list[str]:
    """The datasets named by the assignments that reach each ``(name, line used at)`` of ``todo``,
    followed back through what they were made from (at most ``max_steps`` uses)."""
    found: list[str] = []
    seen: set[tuple[str, int]] = set()
    while todo and len(seen) < max_steps:
        name, used_at = todo.pop()
        if (name, used_at) in seen:
            continue
        seen.add((name, used_at))
        # the assignment that reaches the use: the last one above it (straight-line reading)
        before = [n for n in facts.dep_nodes.get(name, ()) if n.start_point[0] + 1 < used_at or
                  (n.start_point[0] + 1 == used_at and n.end_point[0] + 1 < used_at)]
        if not before:
            continue
        node = max(before, key=lambda n: n.start_byte)
        first, last = node.start_point[0] + 1, min(node.end_point[0] + 1, node.start_point[0] + 50)
        for ln in range(first, last + 1):
            found.extend(by_line.get(ln, ()))
        todo.extend((n, first) for n in _idents_of(node))
    return found


def _is_class_name(name: str) -> bool:
    return name[:1].isupper() and not name.isupper()


def _instance_names(name: str, facts: FileFacts) -> set[str]:
    """The model's name and the variables holding an instance of it (``net = Net()`` for class ``Net``)."""
    out = {name}
    if not _is_class_name(name):
        return out
    for var, nodes in facts.dep_nodes.items():
        for n in nodes[:5]:
            if n.type == "call":
                fn = n.child_by_field_name("function")
                if fn is not None and node_text(fn).rsplit(".", 1)[-1] == name:
                    out.add(var)
                    break
    return out


def _holds(var: str, model: str, names: set[str], call: Node, facts: FileFacts) -> bool:
    """Whether ``var`` holds the model where ``call`` uses it: the last assignment of ``var`` above,
    in the same function, is the model (its name) or an instance of its class (a notebook reusing
    ``autoencoder`` for three classes; a library's ``net`` parameter is some other network)."""
    if var not in names:
        return False
    line = call.start_point[0] + 1
    before = [n for n in facts.dep_nodes.get(var, ()) if n.start_point[0] + 1 < line]
    if not before:
        return False
    last = max(before, key=lambda n: n.start_byte)
    if _enclosing_def(last) != _enclosing_def(call):
        return False
    if var == model:
        return True
    fn = last.child_by_field_name("function") if last.type == "call" else None
    return fn is not None and node_text(fn).rsplit(".", 1)[-1] == model


def _enclosing_def(node: Node) -> int:
    """The start byte of the function around a node (-1 at module level)."""
    p = node.parent
    depth = 0
    while p is not None and depth < 200:
        if p.type == "function_definition":
            return p.start_byte
        p = p.parent
        depth += 1
    return -1


def _idents_of(node: Node) -> list[str]:
    # a list in walk order, not a set: the order names are followed back in decides the order of the
    # datasets found, which must not change with the interpreter's hash seed
    out: dict[str, None] = {}
    stack = [node]
    while stack and len(out) < 100:
        n = stack.pop()
        if n.type == "identifier":
            out[node_text(n)] = None
        elif n.type != "keyword_argument" or n.child_by_field_name("value") is None:
            stack.extend(n.named_children)
        else:
            stack.append(n.child_by_field_name("value"))
    return list(out)


def layer_tricks(layers: Iterable[Layer]) -> list[str]:
    """Tricks a model's layers show: Dropout -> dropout, Add -> residual, ..."""
    out: list[str] = []
    for layer in layers:
        t = LAYER_TRICKS.get(layer.type)
        args = layer.args or {}
        if t == "pretrained_weights" and (args.get("weights", "x") is None or args.get("pretrained") is False):
            t = None
        if t and t not in out:
            out.append(t)
        for key in ("dropout", "recurrent_dropout", "dropout_rate", "attention_dropout"):
            v = args.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and "dropout" not in out:
                out.append("dropout")
        if args.get("bidirectional") is True and "bidirectional" not in out:
            out.append("bidirectional")
        if layer.type == "Custom":
            for rx, trick in CUSTOM_TRICKS:
                if rx.search(layer.raw or "") and trick not in out:
                    out.append(trick)
        if layer.type in ("TransformerEncoder", "TransformerDecoder") and "layer_norm" not in out:
            out.append("layer_norm")
    return out


def _block_tricks(s: Summary, facts: FileFacts) -> list[str]:
    """Tricks of the blocks a model's layers were expanded from (a ``MultiHeadAttention`` class)."""
    if not facts.trick_classes:
        return []
    out: list[str] = []
    for layer in s.layers:
        if not isinstance(layer.line, int):
            continue
        for start, end, trick in facts.trick_classes:
            if start <= layer.line <= end and trick not in out:
                out.append(trick)
    return out


def _ordered(items: Iterable[str], order: tuple[str, ...]) -> list[str]:
    rank = {name: i for i, name in enumerate(order)}
    uniq = list(dict.fromkeys(i for i in items if i))
    return sorted(uniq, key=lambda x: (rank.get(x, len(order)), x))


def _owners(occ: Occurrence, summaries: list[Summary], facts: FileFacts, notebook: bool = False) -> list[int]:
    """Indices of the summaries a trick occurrence belongs to.

    In order: the model whose lines hold it; the models its names reach
    (``torch.save(netG...)``, an optimizer built on ``model.parameters()``);
    in a notebook, the model defined next (else the one before); else all.
    """
    if len(summaries) == 1:
        return [0]
    # inside a model's own lines
    inside = [i for i, s in enumerate(summaries)
              if s.source.line_start and s.source.line_end and s.source.line_start <= occ.line <= s.source.line_end]
    if inside:
        return [min(inside, key=lambda i: summaries[i].source.line_end - summaries[i].source.line_start)]
    reached = _reached_by_names(occ, summaries, facts)
    if reached:
        return reached
    if occ.assigned_to:
        # data_augmentation = Sequential([RandomFlip(...)]) ... x = data_augmentation(inputs)
        using = [i for i, s in enumerate(summaries) if occ.assigned_to in _names_called(s, facts)]
        if using:
            return using
    starts = [(s.source.line_start, i) for i, s in enumerate(summaries) if s.source.line_start]
    if notebook and starts:
        after = [(st, i) for st, i in starts if st >= occ.line]
        before = [(st, i) for st, i in starts if st < occ.line]
        return [min(after)[1]] if after else [max(before)[1]]
    return list(range(len(summaries)))


def _reached_by_names(occ: Occurrence, summaries: list[Summary], facts: FileFacts) -> list[int]:
    """The models named by the occurrence's statement, or by what its names were computed from
    (up to four steps back); a name reused for several models means the nearest one defined before."""
    names: dict[str, list[int]] = {}
    for i, s in enumerate(summaries):
        names.setdefault(s.name, []).append(i)
    frontier = set(occ.idents)
    if occ.assigned_to:
        for use in facts.train_uses():
            if occ.assigned_to in use:
                frontier |= use
    seen: set[str] = set()
    for _depth in range(4):
        hit = [n for n in frontier if n in names]
        if hit:
            out: list[int] = []
            for n in hit:
                idx = names[n]
                if len(idx) > 1:  # a name reused: the nearest model defined before
                    before = [i for i in idx if (summaries[i].source.line_start or 0) <= occ.line]
                    idx = [max(before, key=lambda i: summaries[i].source.line_start or 0)] if before else idx[:1]
                out.extend(idx)
            return sorted(set(out))
        seen |= frontier
        nxt: set[str] = set()
        for n in frontier:
            nxt |= facts.deps(n)
        frontier = nxt - seen
        if not frontier:
            break
    return []


def _names_called(s: Summary, facts: FileFacts) -> set[str]:
    """Names of what is called within a model's lines (``data_augmentation(inputs)``)."""
    start, end = s.source.line_start, s.source.line_end
    if not start or not end:
        return set()
    out: set[str] = set()
    for ln in range(start, min(end, start + 2000) + 1):
        for call in facts.calls_by_line.get(ln, ()):
            fn = call_name(call)
            if fn:
                out.add(fn.split(".")[0])
    return out


def _out_units(layer: Layer) -> int | None:
    for key in ("units", "out_features", "output_dim", "num_classes"):
        v = (layer.args or {}).get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


def _output_text(layer: Layer, facts: FileFacts) -> str:
    """The source text of a layer's call, found by its line (for ``Dense(vocab_size)``)."""
    if layer.line is None:
        return ""
    raw_last = last_name(layer.raw) if layer.raw else ""
    for call in facts.calls_by_line.get(layer.line, []):
        if last_name(call_name(call)) == raw_last or not raw_last:
            return node_text(call.child_by_field_name("arguments"))[:300]
    return ""


_CONV2D = frozenset({"Conv2D", "SeparableConv2D", "DepthwiseConv2D", "MaxPooling2D", "AveragePooling2D",
                     "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Conv3D", "MaxPooling3D"})
_UP = frozenset({"Conv2DTranspose", "UpSampling2D", "Conv3DTranspose", "UpSampling3D"})
_RNN = SEQUENCE_RECURRENT
_SEQ = frozenset({"Conv1D", "MaxPooling1D", "GlobalAveragePooling1D", "TransformerEncoder",
                  "MultiHeadAttention", "Attention"})
_DENSEISH = frozenset({"Dense", "Dropout", "BatchNormalization", "Flatten", "Activation", "LayerNormalization",
                       "Reshape"})


class _Shape(NamedTuple):
    """What a model's layers say about its task, read once for the votes of :func:`model_scores`."""

    types: list[str]
    kinds: set[str]
    loss: str | None
    out: Layer | None  # the last Dense / Conv2D / Conv2DTranspose
    units: int | None  # of that output when it is Dense
    big_output: bool  # a vocabulary-sized output
    conv: bool
    up: bool
    rnn: bool
    regression_loss: bool


def model_scores(s: Summary, facts: FileFacts) -> dict[str, float]:
    """Task votes from one model's layers, output and loss."""
    scores: dict[str, float] = {}
    types = s.layer_types
    if not types:
        return scores
    kinds = set(types)
    loss = s.hyperparameters.loss
    out = next((layer for layer in reversed(s.layers) if layer.type in ("Dense", "Conv2D", "Conv2DTranspose")),
               None)
    units = _out_units(out) if out is not None and out.type == "Dense" else None
    out_text = _output_text(out, facts) if out is not None else ""
    shape = _Shape(types, kinds, loss, out, units,
                   big_output=(units is not None and units >= 1000) or bool(_VOCAB_WORDS.search(out_text)),
                   conv=bool(kinds & _CONV2D), up=bool(kinds & _UP), rnn=bool(kinds & _RNN),
                   regression_loss=loss in ("mse", "mae", "huber"))
    _image_votes(shape, scores)
    _sequence_votes(shape, scores, facts)
    _dense_votes(shape, scores, s, facts)
    if loss == "ctc":
        add_score(scores, "speech_recognition", task_rules.WEIGHT_CERTAIN)
    for layer in s.layers:
        if layer.type == "Pretrained":
            backbone = str((layer.args or {}).get("name") or layer.raw or "")
            for task, w in task_rules.backbone_tasks(backbone):
                add_score(scores, task, w)
    return scores


def _image_votes(m: _Shape, scores: dict[str, float]) -> None:
    if m.conv and not m.up:
        add_score(scores, "image_classification", 2.0)
    if m.conv and m.up:
        if "Concatenate" in m.kinds:
            # a U-Net: skip connections and a per-pixel output
            add_score(scores, "image_segmentation", 6.0 if m.types[-1] in ("Conv2D", "Activation") else 3.0)
        elif "Conv3D" in m.kinds and "Add" in m.kinds and m.types[-1] in ("Conv3D", "Activation") \
                and not m.regression_loss:
            # a V-Net: volumes down and up with residual skips, a per-voxel output (medical segmentation)
            add_score(scores, "image_segmentation", 6.0)
        else:
            add_score(scores, "representation_learning", 1.5)
            add_score(scores, "image_segmentation", 1.0)
    if m.up and not m.conv:
        add_score(scores, "image_generation", 2.0)


def _token_and_position(kinds: set[str]) -> bool:
    """Embeddings only added together (a token and a position embedding of a decoder or prompt encoder), never
    multiplied, dotted or concatenated as a recommender's user and item embeddings are."""
    return "Add" in kinds and not kinds & {"Dot", "Multiply", "Concatenate", "Flatten"}


def _sequence_votes(m: _Shape, scores: dict[str, float], facts: FileFacts) -> None:
    types, kinds, rnn = m.types, m.kinds, m.rnn
    emb = "Embedding" in kinds
    if emb and types.count("Embedding") >= 2 and (rnn or "TransformerDecoder" in kinds) and m.big_output:
        add_score(scores, "machine_translation", 2.5)  # a source and a target embedding: seq2seq
    if emb:
        if m.big_output and (rnn or kinds & _SEQ or (types.count("Embedding") >= 2 and _token_and_position(kinds))):
            add_score(scores, "language_modeling", 2.5)
            add_score(scores, "text_generation", 1.5)
        elif types.count("Embedding") >= 2 and not rnn and not kinds & _SEQ and "LayerNormalization" not in kinds \
                and (m.units is None or m.units <= 1 or m.regression_loss) and not _token_and_position(kinds):
            add_score(scores, "recommendation", 2.5)
        elif rnn and m.out is not None and _per_step(m.out, facts):
            add_score(scores, "sequence_labeling", 3.0)  # a small softmax at every token: a tagger
        else:
            add_score(scores, "text_classification", 2.5)
    elif rnn:
        if m.regression_loss or (m.units == 1 and (m.out is None or m.out.activation in (None, "linear"))):
            add_score(scores, "time_series_forecasting", 3.5)
        elif m.big_output:
            add_score(scores, "text_generation", 2.0)


def _dense_votes(m: _Shape, scores: dict[str, float], s: Summary, facts: FileFacts) -> None:
    if not (m.kinds <= _DENSEISH and "Dense" in m.kinds):
        return
    if m.types[0] == "Flatten" and not m.regression_loss and not facts.text_signals and \
            known_datasets.SYNTHETIC not in s.datasets:
        add_score(scores, "image_classification", 2.0)  # flattening a 2-D input first: an image MLP
    elif m.regression_loss or (m.units == 1 and m.out is not None and m.out.activation in (None, "linear")):
        add_score(scores, "tabular_regression", 2.5)
    elif m.loss in ("binary_crossentropy", "categorical_crossentropy") or m.units is not None:
        add_score(scores, "tabular_classification", 1.5)


def _per_step(layer: Layer, facts: FileFacts) -> bool:
    """Whether a layer is applied at every time step (``TimeDistributed(Dense(n_tags))``)."""
    if layer.line is None:
        return False
    return any(last_name(call_name(c)) == "TimeDistributed" for c in facts.calls_by_line.get(layer.line, ()))


def _tabular_kind(task: str, s: Summary) -> str:
    """A table's usual task, turned by the model's loss: churn data with a regression loss is regression."""
    loss = s.hyperparameters.loss
    if task == "tabular_classification" and loss in ("mse", "mae", "huber"):
        return "tabular_regression"
    if task == "tabular_regression" and loss in ("binary_crossentropy", "categorical_crossentropy"):
        return "tabular_classification"
    return task


_SEQUENCE_LAYERS = frozenset({"LSTM", "GRU", "SimpleRNN", "Conv1D", "Bidirectional"})
_OPAQUE = frozenset({"Custom", "Pretrained"})  # layers that may hold an image backbone


def _modality(s: Summary, scores: dict[str, float], datasets: list[str]) -> None:
    """A model that embeds tokens is not a detector or a segmenter (a text RCNN, word segmentation); nor is one
    that reads sequences only (recurrent or 1-D layers, no image layer): "trigger word detection" over a
    spectrogram, "action detection" over keypoint frames."""
    types = set(s.layer_types)
    if types & _SEQUENCE_LAYERS and not types & _OPAQUE and not any(t.endswith(("2D", "3D")) for t in types):
        for task in ("object_detection", "image_segmentation"):
            scores.pop(task, None)
    if "Embedding" in s.layer_types and not set(s.layer_types) & _UP:
        for task in ("object_detection", "image_segmentation"):
            scores.pop(task, None)
        if s.layer_types[0] == "Embedding" and not any(known_datasets.default_task(d) in _IMAGE_TASKS
                                                       for d in list(s.datasets) + datasets):
            # tokens embedded at the input: a Conv2D over the embedded sentence (a text CNN) is text
            scores.pop("image_classification", None)


_GEN_NAME = re.compile(r"(generator|^gen$|^g$|^netg$|^g_|_g$|^generator_model$|^make_generator)", re.I)
_DIS_NAME = re.compile(r"(discriminator|critic|^dis$|^disc$|^d$|^netd$|^d_|_d$|^make_discriminator)", re.I)
_ENC_NAME = re.compile(r"encoder|^enc$", re.I)
_DEC_NAME = re.compile(r"decoder|^dec$", re.I)
_DIFFUSION = re.compile(r"ddpm|ddim|diffusion|denoisingdiffusion|score_?model|noise_?scheduler", re.I)
_AE_NAME = re.compile(r"autoencoder|^ae$|vae|auto_encoder", re.I)
# a model that is a part of the file's structure (or the whole: a GAN's combined model)
_STRUCTURE_NAME = re.compile("|".join(rx.pattern for rx in (_GEN_NAME, _DIS_NAME, _ENC_NAME, _DEC_NAME, _DIFFUSION,
                                                            _AE_NAME)) + r"|gan|adversarial|combined", re.I)


def _file_structure(summaries: list[Summary], facts: FileFacts, data_tasks: set[str]) -> dict[str, float]:
    """Votes that need the whole file: a generator/discriminator pair, an encoder/decoder pair."""
    scores: dict[str, float] = {}
    names = [s.name for s in summaries]
    texty = facts.text_signals or bool(data_tasks & _TEXT_TASKS)
    if any(_GEN_NAME.search(n) for n in names) and any(_DIS_NAME.search(n) for n in names):
        # (a GAN over token sequences, with a vocabulary or text data, generates text: TextGAN-PyTorch; a
        # conditional image GAN's label Embedding alone says nothing)
        add_score(scores, "text_generation" if texty else "image_generation", task_rules.WEIGHT_CERTAIN)
    if any(_DIFFUSION.search(n) for n in names + facts.class_names):
        add_score(scores, "image_generation", 2 * task_rules.WEIGHT_CERTAIN)  # the U-Net of a DDPM denoises, it does not segment
    enc = any(_ENC_NAME.search(n) for n in names)
    dec = any(_DEC_NAME.search(n) for n in names)
    if (enc and dec) or any(_AE_NAME.search(n) for n in names):
        texty = texty or any("Embedding" in s.layer_types for s in summaries)
        if texty and not any(_AE_NAME.search(n) for n in names):
            add_score(scores, "machine_translation", 5.0)
        else:
            add_score(scores, "representation_learning", 7.0)
    return scores


def _own_data(summaries: list[Summary], facts: FileFacts, datasets: list[str],
              notebook: bool, trains: bool = True
              ) -> tuple[list[list[str]], list[list[str]], list[list[str] | None]]:
    """Each model's datasets, the data its own training is fed (``[]`` where that cannot be followed), and for a
    model nothing here trains, the file's data it no longer has (its task is still judged by it; None for the
    others)."""
    per_model_data = model_datasets(summaries, facts, datasets, notebook=notebook)
    fed: list[list[str]] = [[] for _ in summaries]
    file_data: list[list[str] | None] = [None for _ in summaries]
    if len(summaries) > 1:
        # several models: each one's data is what its own training is fed, where that can be followed
        for i, s in enumerate(summaries):
            later = [x.source.line_start for x in summaries if x.name == s.name and x.source.line_start and
                     x.source.line_start > (s.source.line_start or 0)] + _rebound(s, summaries, facts)
            own_optimizer = s.hyperparameters.optimizer is not None and not _STRUCTURE_NAME.search(s.name)
            fed[i] = fed_datasets(s, facts, until=min(later) if later else None, drawn_by_hand=own_optimizer)
        for i in range(len(summaries)):
            if fed[i] and not _local_copy_of_named(fed, i, per_model_data[i]):
                per_model_data[i] = fed[i]
        for i in [i for i, s in enumerate(summaries) if any(fed) and _never_run(s, summaries, facts)]:
            # a Keras model never fit nor called, in a file that fits others on their data: none of it is its
            # own, nor does it say what this one is for
            file_data[i], per_model_data[i] = [], []
        trained = [s.hyperparameters.any_set() for s in summaries]
        if any(trained):
            for i, s in enumerate(summaries):
                if not trained[i] and s.layers and (s.layers[0].type == "Pretrained"
                                                    or not _STRUCTURE_NAME.search(s.name)):
                    # a network nothing here trains, beside one that is trained (a checkpoint reloaded to
                    # predict, a notebook's alternative class it never builds): only the data it is given is its
                    # own, not the file's (a GAN's generator, trained through the combined model, keeps it);
                    # the file's data still says what kind of task it is for
                    file_data[i] = per_model_data[i]
                    # (a zoo backbone loaded with its ImageNet weights keeps their data, as a definition does)
                    per_model_data[i] = fed[i] or (["imagenet"] if any(_imagenet_weights(x) for x in s.layers)
                                                   else [])
    if not trains:
        _untrained(summaries, facts, per_model_data)
    return per_model_data, fed, file_data


def _never_run(s: Summary, summaries: list[Summary], facts: FileFacts) -> bool:
    """A Keras model, beside others, that nothing fits, trains by hand or calls on data, with no run values of
    its own, and no part of a pair (a GAN's generator is trained through the combined model)."""
    if s.framework != "keras" or _STRUCTURE_NAME.search(s.name) or not s.layers or \
            s.hyperparameters.any_set(("batch_size", "epochs", "steps")):
        return False  # (a builder's model is fit where it is called, after the next builder's lines)
    start = s.source.line_start or 0
    later = [x.source.line_start for x in summaries if x.name == s.name and x.source.line_start and x.source.line_start > start]
    until = min(later) if later else None
    if not any(x is not s and x.name == s.name for x in summaries):
        start = 0  # a name bound once: its fit may come above its lines (a builder defined below main())
    names = _instance_names(s.name, facts)
    return not _fit_calls(s.name, names, facts, start, until) and not _calls_by_hand(s.name, names, facts, start, until)


def _local_copy_of_named(fed: list[list[str]], i: int, file_data: list[str]) -> bool:
    """Whether model ``i``, fed only local files, is fed a copy of a benchmark the file names that no other
    model of the file is fed (``ImageFolder(d_path)`` with ``d_path = './datasets/cars_train/'`` in one branch:
    stanford_cars), rather than data of its own beside another model's benchmark (a notebook's ridership CSV
    beside the QuickDraw a later model is fed)."""
    if fed[i] != [known_datasets.CUSTOM]:
        return False
    others = {n for j, f in enumerate(fed) if j != i for n in f}
    return any(n not in others and n not in (known_datasets.CUSTOM, known_datasets.SYNTHETIC) for n in file_data)


def _untrained(summaries: list[Summary], facts: FileFacts, per_model_data: list[list[str]]) -> None:
    """The models of a file that trains nothing (no optimizer, trainer, fit or backward pass written)."""
    for s in summaries:
        hp = s.hyperparameters
        if hp.any_set(("batch_size", "steps")) and not hp.any_set(("optimizer", "learning_rate", "epochs", "loss")):
            hp.batch_size = hp.steps = None  # a loader's batch for a forward pass over the data, not a training's
    if any(s.hyperparameters.any_set(_RUN_FIELDS) for s in summaries):
        return
    for i, s in enumerate(summaries):
        if s.layers and all(x.type == "Pretrained" for x in s.layers):
            # a pretrained network, no head added, that the file only asks (generation, retrieval,
            # evaluation): the data it is asked about is not its training data; a dataset its checkpoint is
            # named for stays ("ast-finetuned-audioset"), as the spec gives a definition-only model its weights'
            per_model_data[i] = [n for n in per_model_data[i] if n not in facts.loader_datasets
                                 and n not in (known_datasets.CUSTOM, known_datasets.SYNTHETIC)]
            if s.hyperparameters.loss is not None:
                s.hyperparameters.loss = s.hyperparameters.loss_raw = None  # an evaluation's criterion
        if not per_model_data[i] and any(_imagenet_weights(x) for x in s.layers):
            per_model_data[i] = ["imagenet"]  # vgg16(pretrained=True) loaded, not trained: its weights' data
        if not per_model_data[i]:
            per_model_data[i] = _checkpoint_data(s.layers)


def _checkpoint_data(layers: list[Layer]) -> list[str]:
    """The dataset the last word of a hub checkpoint's name gives (``facebook/maskformer-swin-small-coco``: coco),
    for a model the file loads and does not train (the spec's "pretrained weights of a known dataset")."""
    name = layers[0].args.get("name") if layers and layers[0].type == "Pretrained" else None
    if not isinstance(name, str) or "/" not in name:
        return []
    last = re.split(r"[-_]", name.rsplit("/", 1)[1])[-1].lower()
    found = known_datasets.canonical_dataset(last) if len(last) >= 3 else None
    return [found] if found else []


def _imagenet_weights(layer: Layer) -> bool:
    """A torchvision or timm backbone loaded with its pretrained weights (``vgg16(pretrained=True)``,
    ``resnet50(weights=ResNet50_Weights.IMAGENET1K_V2)``, ``timm.create_model(name, pretrained=True)``)."""
    if layer.type != "Pretrained":
        return False
    name = str(layer.args.get("name") or "")
    weights = str(layer.args.get("weights") or "")
    library = (layer.raw or "").startswith(("torchvision", "timm", "models.")) or (name[:1].islower() and
                                                                                 "from_pretrained" not in (layer.raw or ""))
    return library and (layer.args.get("pretrained") is True or "IMAGENET" in weights.upper())


# what only a training run sets (a loss alone may be an evaluation's criterion)
_RUN_FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs", "steps")
# what a file that trains something writes, read or not (an optimizer, a trainer, a fit, a backward pass)
_TRAINING_WORDS = re.compile(rb"\boptim\b|Optimizer\b|\b(?:AdamW?|SGD|RMSprop)\(|Trainer\(|\.fit(?:_generator)?\(|"
                             rb"\.backward\(|\.train\(|train_step|train_on_batch|train_op\b|apply_gradients|"
                             rb"\.minimize\(|\boptax\b")


def _rebound(s: Summary, summaries: list[Summary], facts: FileFacts) -> list[int]:
    """Lines where the variable a model is (``model = nn.Linear(1, 1)``) is bound to another model of the file
    (``model = Model(4, 16, 3)`` later in the same notebook): what follows is that model's."""
    start = s.source.line_start or 0
    others = {x.name for x in summaries if x.name != s.name}
    out = []
    for n in facts.dep_nodes.get(s.name, ())[:20]:
        line = n.start_point[0] + 1
        fn = n.child_by_field_name("function") if n.type == "call" else None
        if line > start and fn is not None and node_text(fn).rsplit(".", 1)[-1] in others:
            out.append(line)
    return out


def annotate(script: Script, summaries: list[Summary], context_text: str | None = None,
             repo: str | None = None) -> None:
    """Fill ``datasets``, ``task``, ``tricks`` and ``preprocessing`` of each summary, in place.

    Args:
        script: the script the summaries were extracted from.
        summaries: the extractors' summaries (lines are lines of the analysed code).
        context_text: words of the nearby README, if any.
        repo: ``owner/name``; the repository's name votes like a README that names one task.

    Returns:
        None. What the extractors already put in ``tricks`` / ``preprocessing`` is kept.
    """
    if not summaries:
        return
    facts = collect(script)
    trained = facts.computes_gradients or any(
        s.hyperparameters.optimizer or s.hyperparameters.loss or s.hyperparameters.epochs for s in summaries)
    datasets = file_datasets(script, facts, context_text, trained)

    # file-level task votes (the datasets vote per model, below)
    file_scores = dict(facts.task_scores)
    from_code = bool(facts.loader_datasets or facts.text_datasets)
    data_weight = task_rules.WEIGHT_DATASET if from_code else task_rules.WEIGHT_DATASET / 2
    notebook = script.source.kind != "py"
    trains = facts.computes_gradients or bool(facts.train_calls) or bool(_TRAINING_WORDS.search(script.code_bytes))
    per_model_data, fed, file_data = _own_data(summaries, facts, datasets, notebook, trains)
    # the data each model's task is judged by: what it is trained on, else what its file names
    # (a model nothing here trains is judged by the file's data, not by the data of the weights it loads)
    task_data = [(names if file_data[i] is None else file_data[i]) or facts.hinted_datasets
                 for i, names in enumerate(per_model_data)]
    data_tasks = {t for names in task_data for t in map(known_datasets.default_task, names) if t}
    _file_votes(file_scores, script, summaries, facts, context_text, repo)
    structure = _structure_domain(_file_structure(summaries, facts, data_tasks), file_scores)
    in_structure = [bool(_STRUCTURE_NAME.search(s.name)) for s in summaries]
    structure_data = {n for i, names in enumerate(per_model_data) if in_structure[i] for n in names}
    # a GAN's or an autoencoder's pair votes for the file's models, but not for one trained apart on
    # other data (a regression fitted on random numbers earlier in the same guide)
    apart = [bool(fed[i]) and not in_structure[i] and any(in_structure) and structure_data.isdisjoint(fed[i])
             for i in range(len(summaries))]
    # nor for a classifier of its own beside the pair (a DCGAN notebook's MNIST classifier, scoring the
    # generated digits): a softmax head trained with a cross-entropy says what it is
    apart = [a or (not in_structure[i] and any(in_structure) and _softmax_classifier(summaries[i]))
             for i, a in enumerate(apart)]

    # attribute code tricks and task hints to models
    per_model_tricks: list[list[str]] = [[] for _ in summaries]
    for occ in facts.tricks:
        for i in _owners(occ, summaries, facts, notebook):
            per_model_tricks[i].append(occ.name)
    per_model_hints: list[dict[str, float]] = [{} for _ in summaries]
    for occ in facts.task_hints:
        for i in _owners(occ, summaries, facts, notebook):
            hints = per_model_hints[i]
            hints[occ.name] = max(hints.get(occ.name, 0.0), occ.weight)
    # frozen layers alone are common in GANs (discriminator.trainable = False);
    # they are transfer learning when the script says so
    transfer_named = bool(TRANSFER_WORDS.search(script.path))

    for i, s in enumerate(summaries):
        _fill_lists(s, facts, per_model_data[i], per_model_tricks[i], transfer_named)
        if s.task and s.task != "unknown":
            continue  # an extractor that knows better (a library head) already said
        scores = dict(file_scores)
        if not apart[i]:
            for task, w in structure.items():
                add_score(scores, task, w)
        for task in dict.fromkeys(t for t in map(known_datasets.default_task, task_data[i]) if t):
            add_score(scores, _tabular_kind(task, s), data_weight)
        for task, w in per_model_hints[i].items():
            add_score(scores, task, w)
        _model_task(s, facts, scores, task_data[i])


def _softmax_classifier(s: Summary) -> bool:
    last = next((x for x in reversed(s.layers) if x.type not in ("Dropout", "Flatten", "Reshape")), None)
    return last is not None and last.type == "Dense" and last.activation == "softmax" \
        and s.hyperparameters.loss == "categorical_crossentropy"


def _structure_domain(structure: dict[str, float], file_scores: dict[str, float]) -> dict[str, float]:
    """A GAN pair, an autoencoder or an encoder/decoder pair is also how vocoders, anomaly detectors,
    captioners and summarizers are built: when the file's own words (path, README, repository name,
    imports) name one of those tasks, the pair's votes go to it instead of image generation,
    representation learning or translation."""
    named = [t for t in task_rules.STRUCTURE_DOMAINS if file_scores.get(t, 0.0) >= task_rules.DOMAIN_MIN]
    if not structure or not named:
        return structure
    domain = max(named, key=lambda t: file_scores[t])
    return {domain: sum(structure.values())}


def _file_votes(file_scores: dict[str, float], script: Script, summaries: list[Summary], facts: FileFacts,
                context_text: str | None, repo: str | None = None) -> None:
    """Task votes of the file's path, the repository's name and a README that names few tasks."""
    task_rules.score_words(script.path, task_rules.WEIGHT_PATH, file_scores, cap=task_rules.WEIGHT_PATH * 1.5)
    if repo:
        named: dict[str, float] = {}
        task_rules.score_words(repo.rsplit("/", 1)[-1], task_rules.WEIGHT_REPO_NAME, named,
                               cap=task_rules.WEIGHT_REPO_NAME)
        if len(named) <= 2:  # "Deep-Learning-Examples" names none; a collection's name may name many
            for task, w in named.items():
                add_score(file_scores, task, w)
    if context_text:
        readme: dict[str, float] = {}
        task_rules.score_words(context_text[:20000], task_rules.WEIGHT_README, readme, cap=task_rules.README_CAP)
        if len(readme) <= 3:  # more, and it is a collection's README, not this example's
            for task, w in readme.items():
                add_score(file_scores, task, w)


def _fill_lists(s: Summary, facts: FileFacts, datasets: list[str], tricks_found: list[str],
                transfer_named: bool) -> None:
    """A model's datasets, tricks and preprocessing: what the reader said, then what the file shows."""
    s.datasets = list(dict.fromkeys(list(s.datasets) + datasets))
    tricks = list(s.tricks) + layer_tricks(s.layers) + tricks_found + _block_tricks(s, facts)
    if facts.freezes and ("pretrained_weights" in tricks or transfer_named):
        tricks.append("transfer_learning")  # frozen layers of a model trained before
    s.tricks = _ordered(tricks, TRICKS)
    prep = list(s.preprocessing) + facts.preprocessing
    if "data_augmentation" in s.tricks:
        prep.append("augment")
    s.preprocessing = _ordered(prep, PREPROCESSING)


def _model_task(s: Summary, facts: FileFacts, scores: dict[str, float], task_data: list[str]) -> None:
    """The model's task: the file's and its data's votes (``scores``), its layers', its name's, its modality."""
    for task, w in model_scores(s, facts).items():
        add_score(scores, task, w)
    task_rules.score_words(s.name, task_rules.WEIGHT_MODEL_NAME, scores)
    _modality(s, scores, task_data)
    s.task = task_rules.best_task(scores)
    if s.task == "reinforcement_learning" and facts.synthetic_guess and s.datasets == [known_datasets.SYNTHETIC]:
        s.datasets = []  # an agent's random numbers explore an environment; they are not its data
