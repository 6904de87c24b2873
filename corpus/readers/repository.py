"""A repository read as one project: the spec's "Whole repositories".

Each code file is first read by the parser with a :class:`RepoContext`
(imported constants, options defined in another module, configuration files),
then :func:`join` puts the files together:

- a model defined in file A and built for training in file B (B's reader
  sees ``model = Net()`` of an imported ``Net``: a model of one ``Custom``
  layer) becomes ONE example: layers and ``source`` from A, ``train_*`` and
  the training values (hyperparameters, datasets, task, training tricks) from
  B, A's own in-file values filling what B leaves unset;
- a ``Custom`` layer whose class or function is defined in another file of
  the repository is expanded in place (recursively, cycles cut), and a
  definition used that way is a block, not an example of its own;
- a definition nothing in the repository trains stays an example, with the
  warning "not trained in this repository";
- one model trained by two scripts is two examples (the id includes the
  training path).

:func:`parse_files` is the entry point for a repository held as bytes (the
harvest, ``examplenet parse DIR``, an uploaded project, the benches).
"""

from __future__ import annotations

import json
import keyword
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.knowledge import datasets as known_datasets
from corpus.knowledge import tasks as task_rules
from corpus.knowledge.layers import RECURRENT
from corpus.knowledge.vocab import canonical_loss
from corpus.readers.parser import looks_binary, parse_bytes
from corpus.readers.repo_context import (
    Definition,
    ModuleFacts,
    RepoContext,
    code_only,
    file_lines,
    module_parts,
)
from corpus.readers.repo_files import (
    _README,
    importers_pattern,
    imports_dl,
    is_candidate,
    nearest_readme,
    readme_words,
    unit_test,
)
from corpus.readers.torch_common import hf_head
from corpus.record.summary import (
    ONLY_USED,
    TRAINING_FIELDS,
    TRICKS,
    Hyperparameters,
    Layer,
    Source,
    Summary,
    github_url,
    make_id,
)

NOT_TRAINED = "not trained in this repository"
# the reader's warning on a model whose class is imported (the join replaces it)
_ELSEWHERE = "is defined in another file: its layers are not read"
# hyperparameter fields, in the record's order; "extra" keys are merged by name
_HP = ("optimizer", "learning_rate", "batch_size", "epochs", "loss", "loss_raw", "metrics", "steps")
# tricks that describe the training, not the network: taken from the training file
_TRAINING_TRICKS = frozenset({"data_augmentation", "early_stopping", "lr_schedule", "weight_decay",
                              "gradient_clipping", "mixed_precision", "checkpointing"})
# variable names that say nothing of the model: one built inside a builder function or a wrapping
# class takes the definition's name instead
GENERIC_NAMES = frozenset({"model", "net", "network", "m", "clf", "classifier", "mdl", "self.model"})
MAX_EXPAND_DEPTH = 8
MAX_LAYERS = 2000  # an expanded model larger than this keeps its Custom layers


@dataclass
class RepoResult:
    """A repository's examples and what the pass found on the way (for stats and tests)."""

    summaries: list[Summary] = field(default_factory=list)
    joined: int = 0  # examples put together from a definition and a training file
    blocks: int = 0  # definitions dropped because another model uses them
    not_trained: int = 0  # definitions kept with the NOT_TRAINED warning
    expanded: int = 0  # Custom layers replaced by a definition of the repository
    not_models: int = 0  # training-file "models" naming a repository class or function that is no network
    warnings: list[str] = field(default_factory=list)  # files read as data and refused (a config with YAML tags)


def code_paths(files: Mapping[str, bytes]) -> list[str]:
    """The files read for models: candidates (not tests, not vendored) that import a framework,
    or import a module of the repository that does (a ``train.py`` that only imports ``model``)."""
    candidates = [p for p in files if is_candidate(p) and not unit_test(p, files[p])]
    dl = {p for p in candidates if imports_dl(files[p])}
    uses = importers_pattern(sorted({parts[-1] for p in dl if (parts := module_parts(p))}))
    if uses is not None:
        dl |= {p for p in candidates if p not in dl and p.endswith((".py", ".ipynb")) and uses.search(files[p])}
    # a candidate that cannot be read as text is parsed too: it gives a "failed" summary saying why
    dl |= {p for p in candidates if p not in dl and p.endswith(".py") and looks_binary(files[p])}
    return sorted(dl)


def readme_context(files: Mapping[str, bytes]) -> Callable[[str], str | None]:
    """path -> the words of the README nearest above it (for the task), read once each."""
    readmes: dict[str, str] = {}
    for p in files:
        folder, _, base = p.rpartition("/")
        if _README.match(base) and (folder not in readmes or base.lower().endswith(".md")):
            readmes[folder] = p
    words: dict[str, str] = {}

    def near(path: str) -> str | None:
        readme = nearest_readme(path, readmes)
        if readme is None:
            return None
        if readme not in words:
            words[readme] = readme_words(files[readme][:1024 * 1024].decode("utf-8", "replace"))
        return words[readme]
    return near


def parse_files(files: Mapping[str, bytes], *, repo: str | None = None, commit: str | None = None,
                license: str | None = None, paths: Iterable[str] | None = None,
                parse: Callable[..., list[Summary]] = parse_bytes) -> list[Summary]:
    """The examples of a repository given as bytes. Never raises on bad input.

    Args:
        files: repository-relative path -> bytes: code, configuration and
            text files (what imports and config loads may name).
        repo, commit, license: for ``source`` and links.
        paths: the files to read for models (default: :func:`code_paths`).
        parse: a ``parse_bytes``-like function (the harvest passes its own).

    Returns:
        One summary per example, in path then line order.
    """
    return read_repository(files, repo=repo, commit=commit, license=license, paths=paths, parse=parse).summaries


def read_repository(files: Mapping[str, bytes], *, repo: str | None = None, commit: str | None = None,
                    license: str | None = None, paths: Iterable[str] | None = None,
                    parse: Callable[..., list[Summary]] = parse_bytes) -> RepoResult:
    """As :func:`parse_files`, with the pass's counts."""
    context = RepoContext(files)
    near = readme_context(files)
    per_file: dict[str, list[Summary]] = {}
    order = sorted(paths) if paths is not None else code_paths(files)
    context.ahead = {path: i for i, path in enumerate(order)}
    for path in order:
        context.ahead.pop(path, None)  # its own parse takes a script parsed ahead; none is kept after
        per_file[path] = parse(files[path], path, repo=repo, commit=commit, license=license,
                               context_text=near(path), context=context)
        context.module_facts(path)  # read by the parse; cached
    result = join(per_file, context, repo=repo, commit=commit)
    result.warnings = [w for path in sorted(context.warnings) for w in context.warnings[path]]
    return result


# ---------------------------------------------------------------------------
# The join


@dataclass
class _Def:
    """A definition of the repository that the readers turned into a model."""

    path: str
    definition: Definition
    summary: Summary
    layers: list[Layer] | None = None  # expanded (None: not yet)
    trained_elsewhere: int = 0
    read_where_used: bool = False  # read again inside a training file that uses it (a graph class)
    used_as_block: int = 0
    # the file whose names its layers are written in, when not its own (a class read below a training script)
    names_from: str | None = None


def _definition_models(per_file: dict[str, list[Summary]], context: RepoContext) -> dict[tuple[str, str], _Def]:
    """(path, definition name) -> the model its lines hold (the first, when a definition holds several)."""
    out: dict[tuple[str, str], _Def] = {}
    for path, summaries in per_file.items():
        facts = context.facts.get(path)
        if facts is None:
            continue
        for d in facts.definitions.values():
            inside = [s for s in summaries if s.parse.status != "failed" and s.source.line_start
                      and d.line_start <= s.source.line_start <= d.line_end]
            if not inside:
                continue
            named = [s for s in inside if s.name == d.name]
            out[(path, d.name)] = _Def(path, d, (named or inside)[0])
    return out


def _target(context: RepoContext, path: str, raw: str, defs: dict[tuple[str, str], _Def],
            modules: bool = False, local: bool = False) -> _Def | None:
    """The repository definition a Custom layer's name refers to from ``path`` (a factory followed once; a
    variable of the file followed to the one call it is bound to, unless ``local``: already followed)."""
    facts = context.facts.get(path)
    if facts is None or not raw:
        return None
    head, _, rest = raw.partition(".")
    if (path, head) in defs:
        return None  # defined in the file itself: the reader already expanded it or chose not to
    found = _imported_origin(context, facts, path, head, modules)
    if found is None and rest and "." in rest:
        found = (head, 0)  # ``models.net.Net`` of a module imported by its path (importlib, trainers.py)
    if found is None and not rest:
        # ``import caption.decoders.vanilla`` then ``caption.decoders.vanilla.Decoder(cfg)``, read as ``Decoder``
        dotted = context.dotted_written(path, head)
        if dotted is not None:
            return _target(context, path, dotted, defs, modules, local=True)
    if found is None and not rest and not local:
        # a variable the file binds to one call: ``G = build_generator(z_dim)`` then ``Model(z, D(G(z)))``
        callee = _assigned_callee(context.files.get(path), head)
        return _target(context, path, callee, defs, modules, local=True) if callee else None
    if found is None:
        return None
    hit = _class_factory(context, context.resolve(found[0] + (f".{rest}" if rest else ""), path, found[1]))
    target = _factory_target(context, hit, defs)
    if target is None and hit is not None and hit[1] and "." not in hit[1]:
        # no model it builds or returns: a Keras block function applied to a tensor (``residual_block(x, 32)``)
        hit_facts = context.module_facts(hit[0])
        d = hit_facts.definitions.get(hit[1]) if hit_facts else None
        if d is not None and d.kind == "function":
            return _function_block_def(context, hit, d, defs)
    return target


def _factory_target(context: RepoContext, hit: tuple[str, str] | None,
                    defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """The definition a repository name stands for: a model definition, a block class, or what a factory
    returns (followed up to three times)."""
    for _ in range(3):
        if hit is None or not hit[1] or "." in hit[1]:
            return None
        found = defs.get(hit)
        if found is not None:
            return found
        # a factory: ``def get_model(): return ResNet(...)`` with one model it can return
        target_facts = context.module_facts(hit[0])
        d = target_facts.definitions.get(hit[1]) if target_facts else None
        if d is not None and d.kind == "class":
            return _block_def(context, hit, d, defs) or _wrapped_network(context, hit, d, defs)
        if d is None or d.kind != "function" or len(d.returns) != 1:
            return None
        ret = d.returns[0]
        if (hit[0], ret) in defs:
            return defs[(hit[0], ret)]
        rhead, _, rrest = ret.partition(".")
        if not rrest and rhead in target_facts.definitions:
            hit = (hit[0], rhead)  # a factory of its own file (``return UNET(...)`` in ``UNET_VGG16``)
            continue
        if rhead not in target_facts.aliases:
            return None
        hit = context.resolve(target_facts.aliases[rhead] + (f".{rrest}" if rrest else ""), hit[0],
                              target_facts.relative.get(rhead, 0))
    return None


def _class_factory(context: RepoContext, hit: tuple[str, str] | None) -> tuple[str, str] | None:
    """``MLP_2HL.get_model(stage, opt)``, ``Net.from_config(cfg)``: a method called on a network class of the
    repository (a class or static method that builds it) gives that class."""
    if hit is None or hit[1].count(".") != 1:
        return hit
    cls = hit[1].partition(".")[0]
    return (hit[0], cls) if context.is_network_class(hit[0], cls) else hit


def _block_def(context: RepoContext, hit: tuple[str, str], d: Definition,
               defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """A class of the repository that its own file did not read as a model (a wrapper of one layer, a block
    only other files build), read now as the block the Custom layer stands for."""
    # (nothing read inside: a model built from what it is given (WideDeep(wide, deeptabular)) or its own
    # weights and maths (pygcn's GraphConvolution, Custom in its own file too) stays Custom)
    return _block_read(hit, d, defs, context.class_layers(*hit), "pytorch")


def _block_read(hit: tuple[str, str], d: Definition, defs: dict[tuple[str, str], _Def],
                layers: list[Layer] | None, framework: str) -> _Def | None:
    """A block read on demand, kept among the definitions; None when nothing was read inside it."""
    if not layers:
        return None
    source = Source(path=hit[0], line_start=d.line_start, line_end=d.line_end)
    block = _Def(hit[0], d, Summary(id="", name=hit[1], source=source, framework=framework, layers=layers))
    defs[hit] = block
    return block


def _function_block_def(context: RepoContext, hit: tuple[str, str], d: Definition,
                        defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """A Keras block function of the repository (``residual_block(x, filters)`` of a ``model_utils.py``) that
    its own file read no model in, read now as the block the Custom layer stands for."""
    return _block_read(hit, d, defs, context.function_layers(*hit), "keras")


# ``self.network = create_unet_model(...)`` in a class's body
_SELF_BUILT = re.compile(r"^[ \t]*self\.\w+[ \t]*(?::[^=\n]*)?=[ \t]*([A-Za-z_][\w.]*)[ \t]*\(", re.MULTILINE)


def _wrapped_network(context: RepoContext, hit: tuple[str, str], d: Definition,
                     defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """The one network of the repository a class its file read no model in holds and trains (a Keras
    ``DiffusionModel(keras.Model)`` with ``self.network = create_unet_model(...)`` and its own
    ``train_step``): what training the class trains."""
    wrapping: set[tuple[str, str]] = context.__dict__.setdefault("_wrapping", set())
    if hit in wrapping:
        return None  # (two classes that hold each other: ``self.b = B()`` in A, ``self.a = A()`` in B)
    wrapping.add(hit)
    try:
        text = file_lines(context.files.get(hit[0]) or b"", d.line_start, d.line_end)
        found: dict[tuple[str, str], _Def] = {}
        for callee in dict.fromkeys(_SELF_BUILT.findall(code_only(text))):
            t = defs.get((hit[0], callee)) or _target(context, hit[0], callee, defs, local=True)
            if t is not None:
                found.setdefault((t.path, t.definition.name), t)
        return next(iter(found.values())) if len(found) == 1 else None
    finally:
        wrapping.discard(hit)


def _assigned_callee(data: bytes | None, name: str) -> str | None:
    """The function or class a file's variable is bound to by calls (``G = build_generator(...)`` gives
    ``build_generator``); None when the file binds it to none, or to two different ones."""
    if not data or not name.isidentifier():
        return None
    found = {m.group(1).decode() for m in re.finditer(
        rb"^[ \t]*" + re.escape(name.encode()) + rb"[ \t]*=[ \t]*([A-Za-z_][\w.]*)[ \t]*\(", data, re.MULTILINE)}
    return found.pop() if len(found) == 1 and name not in found else None


def _imported_definition(context: RepoContext, path: str, raw: str, modules: bool = False) -> tuple[str, str] | None:
    """(file, top-level name) of the repository definition a Custom layer's name imports into ``path``."""
    facts = context.facts.get(path)
    head = raw.partition(".")[0]
    found = _imported_origin(context, facts, path, head, modules) if facts is not None else None
    hit = context.resolve(found[0] + raw[len(head):], path, found[1]) if found else None
    return hit if hit is not None and hit[1] and "." not in hit[1] else None


def _imported_origin(context: RepoContext, facts: ModuleFacts, path: str, name: str,
                     modules: bool = False) -> tuple[str, int] | None:
    """(dotted origin, leading dots) of a name a file imports: by name, or through a wildcard import
    (``from models import *``) of a repository module that defines it (the last such import wins).

    A module import (``models.Net()`` read as ``Net``) is followed only with ``modules`` (where exactly
    one imported module defines it), to tell what a name is: the join does not follow it (the label sets
    keep ``vae.Encoder`` built in a training file, and ``networks.Decoder`` inside a network, as
    examples of their own)."""
    if name in facts.aliases:
        return facts.aliases[name], facts.relative.get(name, 0)
    wild = context.star_origins(facts.aliases, facts.relative, path, name)
    if wild:
        return wild[-1]
    plain: list[tuple[str, int]] = []
    for local, origin in facts.aliases.items() if modules else ():
        if local.startswith("*") or origin.rsplit(".", 1)[-1] != local:
            continue
        dots = facts.relative.get(local, 0)
        hit = context.resolve(origin, path, dots)
        module = context.module_facts(hit[0]) if hit is not None and not hit[1] else None
        if module is not None and (name in module.definitions or name in module.aliases):
            plain.append((f"{origin}.{name}", dots))
    if len(plain) == 1:
        return plain[0]
    if name in context.inlined_aliases.get(path, {}):
        # a name of another file's code read below this one (a trainer class's ``from models import Net``): the
        # script's own imports win over it
        return context.inlined_aliases[path][name], 0
    return None


def _expanded(d: _Def, context: RepoContext, defs: dict[tuple[str, str], _Def], stack: tuple[str, ...],
              counts: RepoResult) -> list[Layer]:
    """A definition's layers with its own imported blocks expanded (memoized; cycles keep Custom)."""
    if d.layers is not None:
        return d.layers
    key = f"{d.path}:{d.definition.name}"
    if key in stack or len(stack) > MAX_EXPAND_DEPTH:
        return list(d.summary.layers)
    layers = _expand_layers(d.summary.layers, d.names_from or d.path, context, defs, (*stack, key), counts)
    d.layers = layers
    return layers


def _expand_layers(layers: list[Layer], path: str, context: RepoContext, defs: dict[tuple[str, str], _Def],
                   stack: tuple[str, ...], counts: RepoResult) -> list[Layer]:
    out: list[Layer] = []
    for layer in layers:
        target = _target(context, path, layer.raw, defs) if layer.type == "Custom" else None
        if target is None or f"{target.path}:{target.definition.name}" in stack:
            out.append(layer)
            continue
        inner = _expanded(target, context, defs, stack, counts)
        if len(out) + len(inner) > MAX_LAYERS:
            out.append(layer)
            continue
        target.used_as_block += 1
        counts.expanded += 1
        for _ in range(layer.repeat or 1):
            for x in inner:
                if x.type == "Activation" and out:
                    # an activation written as a class of the repository (DoubleSwish) folds into the layer before
                    out[-1] = replace(out[-1], args=dict(out[-1].args), activation=x.activation)
                else:
                    out.append(replace(x, args=dict(x.args)))
    return out


def _trainer_target(s: Summary, context: RepoContext, defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """The definition a training file's model stands for: a model of one Custom layer naming it."""
    customs = [x for x in s.layers if x.type == "Custom"]
    if len(customs) != 1 or len(s.layers) != 1:
        return None
    # ``import keras_model`` then ``model = keras_model.get_model(...)`` and ``model.fit``: a model the file
    # trains is the definition its module names, whether imported by name or through its module
    return _target(context, s.source.path, customs[0].raw, defs, modules=_has_training(s))


# what only a training of its own gives a definition (a learning rate or epochs may be the repository's flag
# defaults, which a file reading ``args`` sees)
_OWN_RUN_FIELDS = ("optimizer", "batch_size", "steps")


# how many models one factory's flag may choose among before it is read as something else (a registry of
# every layer of a library)
MAX_DISPATCH = 60
_PARAMETER_WORDS = frozenset({"self", "args", "opt", "cfg", "config", "params", "kwargs", "print", "len", "dict"})
# the names a factory's body uses: called (``vgg16_bn()``) or put in a registry (``{'GCN': GCNNet}``)
_NAMED = re.compile(r"(?<![\w.'\"])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")


def _dispatch_targets(s: Summary, context: RepoContext, defs: dict[tuple[str, str], _Def]) -> list[_Def]:
    """The models a training file's factory of another file can build, when it builds one of several by a
    flag (``def get_network(args): if args.net == 'vgg16': from models.vgg import vgg16_bn; net = vgg16_bn()
    elif ...``); [] when the model names no such function, or it builds fewer than two models of the
    repository."""
    if len(s.layers) != 1 or s.layers[0].type != "Custom" or not s.layers[0].raw or not _has_training(s):
        return []
    hit = _imported_definition(context, s.source.path, s.layers[0].raw)
    if hit is None:
        return []
    where, name = hit
    target_facts = context.module_facts(where)
    d = target_facts.definitions.get(name) if target_facts else None
    data = context.files.get(where)
    if d is None or d.kind != "function" or len(d.returns) == 1 or not data:
        return []  # (a factory of one model is joined as that model: _trainer_target)
    out: dict[tuple[str, str], _Def] = {}
    body = file_lines(data, d.line_start + 1, d.line_end)
    header = file_lines(data, d.line_start, d.line_start)
    chosen = _chosen_branch(body, header, s.layers[0].args, context.facts.get(s.source.path))
    names = dict.fromkeys(_NAMED.findall(code_only(chosen if chosen is not None else body)))
    for named in names if len(names) <= 20 * MAX_DISPATCH else ():
        if keyword.iskeyword(named) or named in _PARAMETER_WORDS:
            continue
        local = target_facts.definitions.get(named)
        if local is not None and local.kind == "function" and len(local.returns) == 1 and named != name:
            named = local.returns[0]  # ``def GAT(net_params): return GATNet(net_params)`` beside the registry
        t = defs.get((where, named)) or _target(context, where, named, defs)
        if t is not None:
            out.setdefault((t.path, t.definition.name), t)
        if len(out) > MAX_DISPATCH:
            return []
    if chosen is not None:
        return list(out.values())[:1]  # the flag's default picks one: the script trains that one
    return list(out.values()) if len(out) >= 2 else []


_BRANCH = re.compile(r"""(?m)^([ \t]*)(?:el)?if\s+([A-Za-z_][\w.]*)\s*==\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*:""")


def _chosen_branch(body: str, header: str, given: Mapping[str, Any], train: ModuleFacts | None) -> str | None:
    """The body of the ``if``/``elif`` branch of a factory that the training call picks: ``net_type == "unet"``
    with ``net_factory(net_type=args.model)`` (--model defaults to unet), or ``args.net == 'vgg16'`` with
    ``get_network(args)`` and the training file's --net default; None when no branch is known to be picked."""
    params = set(re.findall(r"([A-Za-z_]\w*)\s*(?:[:=,)]|$)", header.partition("(")[2]))
    for m in _BRANCH.finditer(body):
        var, word = m.group(2), m.group(3) if m.group(3) is not None else m.group(4)
        head, _, attr = var.partition(".")
        if var in given:
            value = given[var]
        elif attr and "." not in attr and head in params and train is not None:
            value = train.flags.get(attr)
        else:
            continue
        if value != word:
            continue
        indent = len(m.group(1).expandtabs())
        lines = body[m.end():].split("\n")
        block = [lines[0]]
        for line in lines[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            block.append(line)
        return "\n".join(block)
    return None


def _inlined_target(s: Summary, context: RepoContext, defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """A training file's model read from a class of another file that the file uses (a raw TF graph class,
    ``net = TextCNN(...)``, read below the script: no line of its own): that class's definition."""
    if s.source.line_start is not None or not s.name:
        return None
    target = _target(context, s.source.path, s.name, defs) or _class_read_below(context, s, defs)
    if target is None:
        # ``import model`` then ``model.Model(...)``: the class read below the script under its own name
        hit = context.inlined_definitions.get(s.source.path, {}).get(s.name)
        target = defs.get(hit) if hit is not None else None
    if target is not None:
        data = context.files.get(s.source.path)
        if not data or not _RUNS_TRAINING.search(data):
            s.parse.status = ONLY_USED  # a script that only restores and runs it (predict.py): no example
            return None
        s.source.line_start = s.source.line_end = _call_line(data, s.name)
        target.read_where_used = True
    return target


def _class_read_below(context: RepoContext, s: Summary, defs: dict[tuple[str, str], _Def]) -> _Def | None:
    """A class of another file that its own file read no network in, read below the training script that
    builds it with its parts (``LitAutoEncoder(Encoder(), Decoder())`` of a LightningModule holding what it is
    given): the definition, its layers as the script read them."""
    hit = _imported_definition(context, s.source.path, s.name)
    facts = context.module_facts(hit[0]) if hit is not None else None
    d = facts.definitions.get(hit[1]) if facts is not None and hit is not None else None
    if hit is None or d is None or d.kind != "class" or hit in defs:
        return None
    source = Source(path=hit[0], line_start=d.line_start, line_end=d.line_end)
    # (not kept among the definitions: another script may build it from other parts)
    return _Def(hit[0], d, Summary(id="", name=hit[1], source=source, framework=s.framework, layers=s.layers),
                names_from=s.source.path)


# the bytes of a script that runs training (not one that restores a model to predict)
# (``sess.run([net.cost, net.optimizer], ...)``: a graph class's own training op, run by the script)
_RUNS_TRAINING = re.compile(rb"\btrain_op\b|\.minimize\(|\.fit\(|\.backward\(|apply_gradients\(|"
                            rb"\.run\([^\n]*\.(?:optimizer|optimiser|optim|opt|train_op|train_step|trainer|update_op)\b")


def _call_line(data: bytes | None, name: str) -> int | None:
    """The first line of a file that calls ``name(`` (where a training script builds the model)."""
    if not data:
        return None
    m = re.search(rb"\b" + re.escape(name.encode()) + rb"\s*\(", data)
    return data.count(b"\n", 0, m.start()) + 1 if m else None


def _has_training(s: Summary, fields: tuple[str, ...] = TRAINING_FIELDS) -> bool:
    return s.hyperparameters.any_set(fields)


def join(per_file: dict[str, list[Summary]], context: RepoContext, *, repo: str | None = None,
         commit: str | None = None) -> RepoResult:
    """Put a repository's per-file models together (see the module docstring)."""
    result = RepoResult()
    defs = _definition_models(per_file, context)
    by_summary = {id(d.summary): d for d in defs.values()}
    placed: list[Summary] = []
    for path in sorted(per_file):
        for s in per_file[path]:
            chosen = _dispatch_targets(s, context, defs)
            # ``net = get_network(args)`` of another file that builds one of several models by a flag: the
            # script trains each of them, one example per model (as for one trained by two scripts)
            for target in chosen:
                target.trained_elsewhere += 1
                result.joined += 1
                placed.append(_joined(target, _expanded(target, context, defs, (), result), deepcopy(s), repo, commit,
                                      context))
            if not chosen:
                placed.append(_placed(s, path, context, defs, by_summary, result, repo, commit))
    kept = [s for s in placed if s.parse.status != ONLY_USED and _kept(s, by_summary.get(id(s)), result, repo,
                                                                      commit, context)]
    kept = _one_per_training(_entry_trainings(kept, context))
    for s in kept:
        context.record_value_sources(s)  # a value read from a config key says so: "configs/train.yaml: train.lr"
    _distinct_ids(kept, repo, commit)
    _annotate_repository(kept, context, repo, commit)
    result.summaries = kept
    return result


def _entry_trainings(summaries: list[Summary], context: RepoContext) -> list[Summary]:
    """A definition joined with a trainer module and with the script that imports that module (``train.py``'s
    ``Trainer`` class run by ``main.py``) is one training: the script's, which runs the module's code with its
    own settings."""
    by_def: dict[tuple[str, str], set[str]] = {}
    for s in summaries:
        if s.source.train_path is not None:
            by_def.setdefault((s.source.path, s.name), set()).add(s.source.train_path)
    return [s for s in summaries if s.source.train_path is None or _runs_itself(context, s.source.train_path)
            or not any(other != s.source.train_path and _imports_file(context, other, s.source.train_path)
                       for other in by_def[(s.source.path, s.name)])]


def _runs_itself(context: RepoContext, path: str) -> bool:
    """Whether a training file is an entry script of its own (a ``__main__`` guard, a notebook), not a module
    only other scripts run."""
    data = context.files.get(path) or b""
    return not path.endswith(".py") or b"__main__" in data


def _imports_file(context: RepoContext, importer: str, path: str) -> bool:
    """Whether a file's imports name another file of the repository (read now: every file has been read)."""
    facts = context.module_facts(importer)
    if facts is None:
        return False
    for local, origin in facts.aliases.items():
        hit = context.resolve(origin, importer, facts.relative.get(local, 0))
        if hit is not None and hit[0] == path:
            return True
    return False


def _one_per_training(summaries: list[Summary]) -> list[Summary]:
    """One example per definition trained alike by one script: ``ResNet18()`` ... ``ResNet101()`` of one
    script are four builders of one class, which that script trains once (as the definition reads it); two
    trainings with their own values stay two."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for s in summaries:
        if s.source.train_path is not None:
            key = (s.source.path, s.source.line_start, s.name, s.source.train_path,
                   json.dumps(s.hyperparameters.to_dict(), sort_keys=True, default=str), tuple(s.datasets))
            if key in seen:
                continue
            seen.add(key)
        out.append(s)
    return out


def _placed(s: Summary, path: str, context: RepoContext, defs: dict[tuple[str, str], _Def],
            by_summary: dict[int, _Def], result: RepoResult, repo: str | None, commit: str | None) -> Summary:
    """A file's model as the repository sees it: joined with its definition, or its imported blocks expanded."""
    if s.parse.status == "failed":
        return s
    mine = by_summary.get(id(s))
    # a class of its own whose one part is another file's block (LogisticRegressionModel holding
    # FeaturesLinear) is a model made of that block, not a training of it; one that trains it (a Lightning
    # module with its optimizer) is its training
    own_class = mine is not None and mine.definition.kind == "class" and mine.definition.name == s.name \
        and not _has_training(s)
    target = None if own_class else _trainer_target(s, context, defs) or _inlined_target(s, context, defs)
    if target is not None and not _has_training(s) and context.part_elsewhere(target.path, target.definition.name):
        # a builder that only returns a block another network of the repository is made of
        # (torchtune's ``llama4_vision_projection_head()``): no training of it, and no example
        result.blocks += 1
        s.parse.status = ONLY_USED
        return s
    if target is not None:
        target.trained_elsewhere += 1
        result.joined += 1
        return _joined(target, _expanded(target, context, defs, (), result), s, repo, commit, context)
    if any(x.type == "Custom" for x in s.layers):
        if mine is not None:
            s.layers = _expanded(mine, context, defs, (), result)
        else:
            s.layers = _expand_layers(s.layers, path, context, defs, (), result)
        _drop_elsewhere_warning(s)
    return s


def _names_no_network(s: Summary, context: RepoContext) -> bool:
    """A training file's "model" that is one Custom layer naming something of the repository that is no
    network (``config = Config()``, ``opt = get_std_opt(model)`` read as trained): not an example."""
    if len(s.layers) != 1 or s.layers[0].type != "Custom" or not s.layers[0].raw:
        return False
    hit = _imported_definition(context, s.source.path, s.layers[0].raw, modules=True)
    if hit is None:
        return False
    return context.is_network_definition(hit[0], hit[1]) is False


def _defined_here(s: Summary, context: RepoContext) -> bool:
    """Whether a summary's name is a top-level definition of its file (a block function placed at a helper
    above it), not a variable that a parameter elsewhere happens to share."""
    facts = context.module_facts(s.source.path)
    return facts is not None and s.name in facts.definitions


def _unbound(raw: str, path: str, context: RepoContext) -> bool:
    """Whether a Custom layer's name is bound by nothing of its file (no import, no definition): an object
    handed in (``self.model = model`` of a wrapper), not a part of the repository that failed to resolve."""
    facts = context.facts.get(path)
    head = raw.partition(".")[0]
    if facts is None or not head or head in facts.aliases or head in facts.definitions \
            or any(k.startswith("*") for k in facts.aliases):
        return False
    # (nor assigned at the top of the file: ``Block = functools.partial(blocks.ResBlock, 64)``)
    return re.search(rb"(?m)^" + re.escape(head.encode()) + rb"\s*(?::[^=\n]*)?=[^=]", context.files.get(path) or b"") is None


def _from_outside(raw: str, path: str, context: RepoContext) -> bool:
    """Whether a Custom layer's name is imported, absolutely, from a module outside the repository."""
    facts = context.facts.get(path)
    head = raw.partition(".")[0]
    if facts is None or head not in facts.aliases or facts.relative.get(head, 0):
        return False
    return context.resolve(facts.aliases[head], path, 0) is None


def _kept(s: Summary, d: _Def | None, result: RepoResult, repo: str | None, commit: str | None,
          context: RepoContext) -> bool:
    """Whether a model stays an example (a definition trained elsewhere or used as a block does not)."""
    if _no_network(s, d, context):
        result.not_models += 1
        return False
    if (d is None or d.definition.kind == "function") and not _has_training(s) \
            and context.handed_to_network_at(s.source.path, s.source.line_start, s.name):
        # ``output = nn.Sequential(...)`` then ``return ProjectionHead(output=output)``: a part of that network
        result.blocks += 1
        return False
    if d is None:
        if not _has_training(s) and _defined_here(s, context) and context.part_elsewhere(s.source.path, s.name):
            result.blocks += 1  # (``{'block': residual_block, ...}``: a block function the reader placed oddly)
            return False
        _checkpoint_only_run(s)
        return True
    if s.name in GENERIC_NAMES and d.definition.name != s.name and (s.source.line_end or 0) <= d.definition.line_end:
        # ``def get_lstm(): model = Sequential(...)``: the model is the builder's (not a model built at the top
        # whose first layer sits in a block function or a layer class above it)
        s.name = d.definition.name
        s.id = make_id(repo, commit, s.source.path, s.name, s.source.line_start)
    if d.trained_elsewhere and (d.read_where_used or not _own_run(s)):
        # its examples are the joined ones (a loss method of its own is no training run; a graph class
        # read in its training file builds its own optimizer, and is trained there)
        return False
    if _ALWAYS_PART_NAME.fullmatch(s.name):
        # a LoRA wrapper swapped into another network's layers (trained with it, in its training file), a
        # positional encoding of a transformer
        result.blocks += 1
        return False
    if _has_training(s, ("optimizer", "steps")):
        return True
    if d.used_as_block or context.part_elsewhere(d.path, d.definition.name) or \
            (s.name != d.definition.name and _defined_here(s, context) and context.part_elsewhere(d.path, s.name)):
        # (a block function whose first layers sit in helpers above it is placed at those: its own name counts;
        # a loss alone is no training of its own: a block's file may hold the network's loss function; nor a
        # learning rate its file sees as the repository's flag default: Pyraformer's Layers.py; nor a batch size
        # with no optimizer: vendored transformers' MarianDecoderLayer saw the repository's settings)
        result.blocks += 1
        return False
    if _has_training(s, (*_OWN_RUN_FIELDS, "loss")):
        return True
    if (_library_parts_path(d.path) or _part_named(s.name, d.path)) and not _WHOLE_MODEL_NAME.search(s.name):
        # a library's layers, blocks and ops (dgl/nn/pytorch/conv, timm/layers, gpunet_modules.py) that nothing
        # here trains are parts for its users' models, not examples; so is a class named for a layer or a block
        # (an adapter's Linear4bit, a CoordConv1d, fairseq's SelfAttention) that nothing trains
        result.blocks += 1
        return False
    if d.definition.kind == "class" and len(s.layers) == 1 and s.layers[0].type in RECURRENT:
        # ``class BiLSTM(nn.Module)`` around one ``nn.LSTM`` that nothing here trains or builds into a network:
        # a layer given a class of its own for the networks that would hold it, not a network
        result.blocks += 1
        return False
    if s.layers and all(x.type == "Custom" and (_from_outside(x.raw, s.source.path, context)
                                                 or _unbound(x.raw, s.source.path, context)) for x in s.layers):
        # never trained here and nothing read inside it but objects of another library (a decoding
        # utility, a wrapper): nothing a reader can learn from. A part of this repository that did not
        # resolve (``from .missing import Encoder``) keeps the composite: it is a network we failed to read
        result.not_models += 1
        return False
    if NOT_TRAINED not in s.parse.warnings:
        s.parse.warnings.append(NOT_TRAINED)
    # nothing here trains it: a learning rate or epochs it carries are flag defaults of the repository's
    # scripts, not values of a training of its own
    s.hyperparameters.learning_rate = s.hyperparameters.epochs = None
    # nor are random numbers run through it data (kuangliu's ``def test(): net(torch.randn(1, 3, 32, 32))``):
    # a shape check; the spec gives a model that loads nothing no dataset
    s.datasets = [d for d in s.datasets if d != known_datasets.SYNTHETIC]
    result.not_trained += 1
    return True


def _no_network(s: Summary, d: _Def | None, context: RepoContext) -> bool:
    """Whether a model is no network to learn from, whatever trains it."""
    if _named_not_network(s):
        # a loss, an optimizer or a parallel wrapper built beside the model (``optimizer = ScaledAdam(...)``
        # stepped in the loop reads as trained; a ``VGGLoss`` holds a network but is the loss)
        return True
    if _CONVERSION_PATH.search(s.source.path) and s.layers and all(x.type == "Pretrained" for x in s.layers) \
            and not _has_training(s, (*_OWN_RUN_FIELDS, "epochs")):
        return True  # a checkpoint loaded to be converted (keras-hub's tools/checkpoint_conversion)
    if d is None and _not_a_network(s, context):
        return True
    # a stand-in its author calls one (d2l's ``dummy_model`` compiled to print a schedule, a ``MockAgent``)
    if _STAND_IN_NAME.search(s.name) or _unnamed_checkpoint_run(s):
        return True
    # one layer that nothing trains, built in a script: a tutorial's shape demonstration
    # (``Sequential([SimpleRNN(3)])`` built to print its summary). A class of one layer (LTSF-Linear's
    # Model) is a definition, and stays; so is one a script of the repository joins (hands it to a trainer)
    # (a layer a class method builds and returns for another module, ``embed_speaker = nn.Embedding(...)``,
    # is no class of one layer; nor are hand-made kernels run through ``tf.nn.conv2d`` in a loop a network)
    return len(s.layers) == 1 and s.layers[0].type not in ("Pretrained", "Custom") \
        and ((s.layers[0].repeat or 1) == 1 or (s.layers[0].raw or "").startswith("tf.nn.")) \
        and not s.hyperparameters.any_set() \
        and (d is None or d.definition.kind != "class" or _inside_class(s, d)) and not s.source.train_path


def _inside_class(s: Summary, d: _Def) -> bool:
    """Whether a summary is a variable inside a class (``embed_speaker = nn.Embedding(...)`` in a method),
    not the class itself."""
    return d.definition.name != s.name and (s.source.line_start or 0) > d.definition.line_start


def _checkpoint_only_run(s: Summary) -> None:
    """A pretrained checkpoint a script loads to run it (a pipeline, a feature extractor), with nothing of a
    training: says it is not trained here."""
    if s.layers and all(x.type == "Pretrained" for x in s.layers) and not s.hyperparameters.any_set() \
            and NOT_TRAINED not in s.parse.warnings:
        s.parse.warnings.append(NOT_TRAINED)


def _unnamed_checkpoint_run(s: Summary) -> bool:
    """A checkpoint whose name the code does not write, loaded and never trained (``AutoModel.from_pretrained(
    model_path)`` in a serving adapter, a merge or an inference script): no network is written here, and none
    is named, so there is nothing to learn from it."""
    if len(s.layers) != 1 or s.layers[0].type != "Pretrained" or s.hyperparameters.any_set():
        return False
    raw = s.layers[0].raw or ""
    if not raw.endswith(".from_pretrained"):
        return False
    return s.layers[0].args.get("name") == raw.removesuffix(".from_pretrained").rsplit(".", 1)[-1]


def _named_not_network(s: Summary) -> bool:
    """A loss, an optimizer or a parallel wrapper by its name (or its one layer's), a trainer object that is
    handed the model (``trainer = KerasTrainer(model)``), or loaded weights held in a variable named for them
    (``state_dict = load_state_dict_from_url(url)``)."""
    if _NOT_NETWORK_NAME.search(s.name) or (len(s.layers) == 1 and _NOT_NETWORK_NAME.search(s.layers[0].raw or "")):
        return True
    if len(s.layers) == 1 and s.layers[0].type == "Custom" and _TRAINER_CLASS.search(s.layers[0].raw or ""):
        return True
    return bool(s.layers) and all(x.type == "Pretrained" for x in s.layers) and bool(_WEIGHTS_NAME.fullmatch(s.name))


def _not_a_network(s: Summary, context: RepoContext) -> bool:
    """A script's "model" that is no network: one Custom layer naming something of the repository that is
    no network (:func:`_names_no_network`), one layer bound to a variable named for a layer
    (``embedding_layer = nn.Embedding(10, 3)``, shown on its own), or a pretrained component handed to another
    model's ``from_pretrained`` (``pipe = ...from_pretrained(..., unet=unet)``: a part of that pipeline)."""
    if _names_no_network(s, context):
        return True
    if len(s.layers) == 1 and (s.layers[0].repeat or 1) == 1 and re.fullmatch(r"\w*_?layer", s.name, re.I):
        return True
    if s.layers and all(x.type == "Pretrained" for x in s.layers) and s.name.isidentifier():
        text = (context.files.get(s.source.path) or b"").decode("utf-8", "replace")
        handed = rf"\.from_pretrained\((?:[^()]|\([^()]*\))*?\b\w+\s*=\s*{re.escape(s.name)}\b"
        return "from_pretrained" in text and re.search(handed, text) is not None
    return False


def _own_run(s: Summary) -> bool:
    """Whether a definition's own file trains it: a batch or steps of its own, or epochs with an optimizer.
    A Keras builder that compiles what it returns (``model.compile(optimizer=Adam(1e-4), ...)`` inside ``unet()``)
    or a LightningModule's ``configure_optimizers``, fitted by the scripts importing it, has an optimizer but
    no run of its own (and epochs alone may be the repository's flag defaults; so may a batch size with no
    optimizer and no loss: ``class CNN_Text(args)`` sees ``main.py``'s options)."""
    hp = s.hyperparameters
    return _has_training(s, ("batch_size", "steps")) and bool(hp.optimizer or hp.loss) or bool(hp.epochs and hp.optimizer)


# what a class is called when it is a layer or a block of a network, not a whole one
# (not "...Block": a block class nothing uses is as often a small network of its own, labelled so)
# (nor "...Encoder": an LSTMEncoder nothing here uses is labelled a model of its own; LoRA classes are
# _ALWAYS_PART_NAME's)
_PART_NAME = re.compile(r"\w*(?:Linear\w{0,4}|Conv[123][dD]\w{0,4}|Embedding|Embeddings|Norm|Attention|Layer|"
                        r"Pooler|Head|Heads|FeedForward|Projection|Pool(?:ing)?[123]?[dD]?)")
# never a whole network, wherever it sits: a LoRA wrapper, a positional encoding (DETR's PositionEmbeddingSine)
_ALWAYS_PART_NAME = re.compile(r"\w*(?:LoRA|Lora)\w*|\w*Position(?:al)?(?:Encoding|Embedding)\w*")
# a variable holding weights, not a network (``state_dict = load_state_dict_from_url(url)``)
_WEIGHTS_NAME = re.compile(r"(?:\w+_)?(?:state_dict|checkpoint|ckpt|weights)")
# a script that converts a checkpoint between formats: what it loads is the weights it converts
_CONVERSION_PATH = re.compile(r"(?:^|/)convert_[^/]*\.py$|checkpoint_conversion/|(?:^|/)conversion/")

# what a class is called when it is the training's loss, optimizer or a wrapper for parallel runs
_TRAINER_CLASS = re.compile(r"Trainer(?:GA|V\d)?$")
_STAND_IN_NAME = re.compile(r"(?i)^_?(?:dummy|mock|stub)(?:_|[A-Z]|\d|$)")
_NOT_NETWORK_NAME = re.compile(r"(?:Loss|Criterion|Regularizer|Optimizer|Adam[a-zW]{0,2}|SGD|Lamb|Scheduler|DDP|"
                               r"DataParallel|(?:^|_)loss\d*)$")

# where a library keeps the parts its users build models from, by folder or file name; a folder of
# whole models inside one (torch_geometric/nn/models, cogdl/models/nn) holds examples
_PARTS_FOLDERS = frozenset({"layers", "layer", "nn", "blocks", "block", "ops"})
# files of parts by their name, in any folder (yolov7's models/common.py, a models/layers.py)
_PARTS_FILES = frozenset({"layers", "layer", "blocks", "block", "ops", "modules", "module", "common"})
# a definition so named is a whole network wherever it sits (a CNN kept in a modules.py)
_WHOLE_MODEL_NAME = re.compile(r"(?:Net|Model|Network|Classifier|Regressor)$")
_MODEL_FOLDERS = frozenset({"models", "model", "zoo", "networks", "nets", "architectures", "archs"})


def _part_named(name: str, path: str) -> bool:
    """A class named for a layer or a block, outside a folder of models (models/SingleConvLayer.py is a model)."""
    return bool(_PART_NAME.fullmatch(name)) and not any(f in _MODEL_FOLDERS for f in path.split("/")[:-1])


def _library_parts_path(path: str) -> bool:
    """Whether a file is a library's parts: named for them (``layers.py``, ``common.py``), or with a
    ``layers``/``nn``/``blocks``/``ops`` folder (``custom_layers``) nearer to it than any folder of models."""
    *folders, name = path.split("/")
    stem = name.rsplit(".", 1)[0].lower()
    if stem in _PARTS_FILES or stem.rpartition("_")[2] in _PARTS_FILES - {"common"}:  # gpunet_modules.py
        return True
    # the innermost folder that says which decides: models/custom_layers/ holds layers,
    # torch_geometric/nn/models/ whole networks
    for f in reversed(folders):
        if f in _MODEL_FOLDERS:
            return False
        if f in _PARTS_FOLDERS or f.rpartition("_")[2] in _PARTS_FOLDERS - {"nn"}:  # (simple_nn/ is a project)
            return True
    return False


def _distinct_ids(summaries: list[Summary], repo: str | None, commit: str | None) -> None:
    """A model built twice by one training file (two runs of a notebook cell) gives two examples, two ids."""
    seen: dict[str, int] = {}
    for s in summaries:
        seen[s.id] = seen.get(s.id, 0) + 1
        if seen[s.id] > 1:
            s.id = make_id(repo, commit, s.source.path, f"{s.name}#{seen[s.id]}", s.source.line_start,
                           s.source.train_path)


def _annotate_repository(summaries: list[Summary], context: RepoContext, repo: str | None,
                         commit: str | None) -> None:
    """README result tables and package files of the repository; a bug here must not lose its models."""
    from corpus.readers.outcomes import annotate_repository
    from corpus.readers.parser import internal_error

    try:
        annotate_repository(summaries, context.files, repo, commit)
    except Exception as exc:  # noqa: BLE001 (counted as an internal error, the models kept)
        for s in summaries:
            s.parse.warnings.append(internal_error("outcomes reader (repository)", exc))


def _drop_elsewhere_warning(s: Summary) -> None:
    if not any(x.type == "Custom" for x in s.layers):
        s.parse.warnings = [w for w in s.parse.warnings if _ELSEWHERE not in w]


def _joined_task(defn: Summary, trainer: Summary) -> str:
    """The training file's task, unless the definition's own code names one of the tasks a dataset's
    default hides (HybridModel's ``get_caption`` trained on COCO is a captioner, not a detector), or its
    model is a Hugging Face head that names its task (``AutoModelForCausalLM`` is a language model whatever
    words the training script holds)."""
    head = next((h for x in defn.layers[:3] if x.type == "Pretrained"
                 and (h := hf_head((x.raw or "").removesuffix(".from_pretrained"))) is not None), None)
    if head is not None and head[0] is not None:
        return head[0]
    if trainer.task == "unknown":
        return defn.task
    if defn.task in task_rules.STRUCTURE_DOMAINS and trainer.task != defn.task and \
            trainer.task in {known_datasets.default_task(n) for n in trainer.datasets}:
        return defn.task
    return trainer.task


# a loss the training file only receives from the model (``loss, logits = model(..., labels)``; ``loss.mean()``,
# ``outputs.loss``, ``outputs[0]``): the model computes it
_RETURNED_LOSS = re.compile(r"[A-Za-z_][\w.]*(?:\[\d+\])?(?:\.(?:mean|sum)\(\))?")
# a criterion a definition's code calls (``loss_fct = CrossEntropyLoss()``, ``F.cross_entropy(...)``)
_CRITERION_CALL = re.compile(r"(?<![\w.])(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Loss|_loss|cross_entropy))\s*\(")


def _own_loss(d: _Def, context: RepoContext | None) -> tuple[str, str] | None:
    """The loss a definition computes itself (a head given labels), when its code calls one kind of criterion."""
    data = context.files.get(d.path) if context is not None else None
    if not data:
        return None
    text = code_only(file_lines(data, d.definition.line_start, d.definition.line_end))
    found = {(canon, raw) for raw in _CRITERION_CALL.findall(text) if (canon := canonical_loss(raw))}
    kinds = {canon for canon, _ in found}
    return min(found) if len(kinds) == 1 else None


def _joined(d: _Def, layers: list[Layer], trainer: Summary, repo: str | None, commit: str | None,
            context: RepoContext | None = None) -> Summary:
    """One example: the definition's network, the training file's values (the definition's fill gaps)."""
    defn, tsrc = d.summary, trainer.source
    name = d.definition.name
    hp = Hyperparameters(extra={**defn.hyperparameters.extra, **trainer.hyperparameters.extra})
    value_sources: dict[str, str] = {}
    received = trainer.hyperparameters.loss in (None, "other") and defn.hyperparameters.loss is None and \
        _RETURNED_LOSS.fullmatch(trainer.hyperparameters.loss_raw or "loss") is not None
    own = _own_loss(d, context) if received and _has_training(trainer, ("optimizer", "epochs", "steps")) else None
    if own is not None:
        trainer = deepcopy(trainer)
        trainer.hyperparameters.loss, trainer.hyperparameters.loss_raw = own
    for f in _HP:
        mine, theirs = getattr(trainer.hyperparameters, f), getattr(defn.hyperparameters, f)
        if mine is not None:
            setattr(hp, f, mine)
            value_sources[f] = _where(tsrc.path, tsrc.line_start)
        elif theirs is not None:
            setattr(hp, f, theirs)
            value_sources[f] = _where(defn.source.path, defn.source.line_start)
    dsrc = defn.source
    # (a block read on demand has no link of its own yet: the repository's, as for any of its files)
    url = dsrc.url or (github_url(repo, commit, dsrc.path, dsrc.line_start, dsrc.line_end) if repo else None)
    source = Source(repo=dsrc.repo or tsrc.repo, commit=dsrc.commit or tsrc.commit, path=dsrc.path,
                    line_start=dsrc.line_start, line_end=dsrc.line_end,
                    license=dsrc.license or tsrc.license, url=url,
                    train_path=tsrc.path, train_line_start=tsrc.line_start, train_line_end=tsrc.line_end,
                    train_url=tsrc.url or (github_url(repo, commit, tsrc.path, tsrc.line_start, tsrc.line_end)
                                           if repo else None))
    arch = [t for t in defn.tricks if t not in _TRAINING_TRICKS]
    tricks = set(arch) | set(trainer.tricks)
    warnings = [w for w in (*defn.parse.warnings, *trainer.parse.warnings)
                if _ELSEWHERE not in w and w != NOT_TRAINED]
    status = "partial" if "partial" in (defn.parse.status, trainer.parse.status) else "ok"
    if trainer.datasets:
        value_sources["datasets"] = _where(tsrc.path, tsrc.line_start)
    s = Summary(
        id=make_id(repo, commit, defn.source.path, name, defn.source.line_start, tsrc.path),
        name=name, source=source, framework=defn.framework if defn.framework != "unknown" else trainer.framework,
        task=_joined_task(defn, trainer),
        datasets=list(trainer.datasets or defn.datasets),
        layers=[replace(x, args=dict(x.args)) for x in layers], hyperparameters=hp,
        input_shape=defn.input_shape if defn.input_shape is not None else trainer.input_shape,
        tricks=[t for t in TRICKS if t in tricks],
        preprocessing=list(dict.fromkeys([*trainer.preprocessing, *defn.preprocessing])),
        reported=list(trainer.reported or defn.reported),
        environment=trainer.environment,
        value_sources=value_sources,
    )
    s.parse.status = status
    s.parse.warnings = list(dict.fromkeys(warnings))
    return s


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


# ---------------------------------------------------------------------------
# A folder on disk


def read_folder(root: str | Path, max_files: int = 50_000, max_bytes: int = 4 * 1024 * 1024,
                max_total: int = 256 * 1024 * 1024) -> tuple[dict[str, bytes], list[str]]:
    """A folder's code, configuration and text files (bounded: each, and ``max_total`` in all, as a
    zip upload is), by repository-relative path; and warnings."""
    from corpus.harvest.paths import walk_files

    exts = (".py", ".ipynb", ".md", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".txt", ".rst")
    files = FolderFiles()
    warnings: list[str] = []
    base = Path(root)
    resolved_base = base.resolve()
    total = 0
    for f, warning in walk_files(base, exts, (".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv",
                                              "venv", "site-packages")):
        if warning:
            warnings.append(warning)
            continue
        if f is None:
            continue
        rel = posixpath.join(*f.relative_to(base).parts)
        if f.is_symlink():
            # a link to a file of the folder is that file where it is imported (as the harvest reads a
            # repository's links), never a file of its own to read for models
            files.links[rel] = posixpath.join(*f.resolve().relative_to(resolved_base).parts)
            continue
        if len(files) >= max_files:
            warnings.append(f"more than {max_files:,} files: the rest are not read")
            break
        try:
            if f.stat().st_size > max_bytes:
                warnings.append(f"{rel}: over {max_bytes // 2**20} MiB: not read")
                continue
            with open(f, "rb") as fh:
                data = fh.read(max_bytes + 1)  # the size asked may be stale: never more than the bound
            if len(data) > max_bytes:
                warnings.append(f"{rel}: over {max_bytes // 2**20} MiB: not read")
                continue
            if data.startswith(b"version https://git-lfs.github.com/spec/"):
                warnings.append(f"{rel}: Git LFS pointer (the content is not in the folder): not read")
                continue
            total += len(data)
            if total > max_total:
                warnings.append(f"{rel}: the folder's files pass {max_total // 2**20} MiB in all: the rest are not read")
                break
            files[rel] = data
        except OSError as exc:
            warnings.append(f"{rel}: cannot read: {exc.strerror or exc}")
    return files, warnings


class FolderFiles(dict):
    """A folder's files by path (:func:`read_folder`), and its symbolic links to files of it (``links``)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}


def parse_directory(root: str | Path, *, repo: str | None = None, commit: str | None = None,
                    license: str | None = None) -> list[Summary]:
    """The examples of a folder read as one repository (paths relative to it). Never raises on bad input."""
    files, _ = read_folder(root)
    return parse_files(files, repo=repo, commit=commit, license=license)


