"""Fragments: code that uses a framework's names without importing them.

Learners paste fragments: a snippet that imports ``Sequential`` and not
``Dense``, a PyTorch class that uses ``nn.Conv2d`` with no ``import torch.nn
as nn``, a function that uses ``tf.`` with no ``import tensorflow as tf``.
:func:`infer` reads which framework the names imply and returns the import
aliases to add (``tf`` -> ``tensorflow``), each group with a note for the
user ("no import of tf: read as tensorflow"). It is pure: names in, aliases
out; :func:`names_of` collects the names from a parsed script.

A name is only ever added when the script neither imports nor defines it.
Heads that name one framework alone (``tf``, ``keras``, ``torch``, ``nn``,
``slim``) decide on their own; heads that other libraries use too (``F``,
``layers``, ``models``, ``K``) and bare layer names shared by both
frameworks (``Dropout``, ``LSTM``) are added only for a framework the script
already shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corpus.knowledge.keras_layers import KERAS_LAYERS
from corpus.knowledge.torch_layers import LAYERS as TORCH_LAYERS

if TYPE_CHECKING:
    from tree_sitter import Node

    from corpus.readers.script import Script
    from corpus.record.summary import Layer, Summary

KERAS, PYTORCH = "keras", "pytorch"

# Module heads that name one framework whatever else the script does.
STRONG_HEADS: dict[str, tuple[str, str]] = {
    "tf": ("tensorflow", KERAS),
    "tensorflow": ("tensorflow", KERAS),
    "keras": ("keras", KERAS),
    "slim": ("tensorflow.contrib.slim", KERAS),
    "torch": ("torch", PYTORCH),
    "nn": ("torch.nn", PYTORCH),
    "torchvision": ("torchvision", PYTORCH),
}
# Heads other libraries use too: only for a framework the script already shows.
WEAK_HEADS: dict[str, tuple[str, str]] = {
    "F": ("torch.nn.functional", PYTORCH),
    "optim": ("torch.optim", PYTORCH),
    "layers": ("keras.layers", KERAS),
    "models": ("keras.models", KERAS),
    "optimizers": ("keras.optimizers", KERAS),
    "K": ("keras.backend", KERAS),
    "backend": ("keras.backend", KERAS),
}
# Bare Keras model names (``Sequential`` is also torch's container: decided by the family).
KERAS_MODEL_NAMES = {"Sequential": "keras.models.Sequential", "Model": "keras.models.Model",
                     "Input": "keras.layers.Input"}
# Layer names of one framework only (case tells Conv2D from Conv2d).
_KERAS_ONLY = frozenset(n for n in KERAS_LAYERS if n[:1].isupper()) - set(TORCH_LAYERS)
_TORCH_ONLY = frozenset(n for n in TORCH_LAYERS if n[:1].isupper()) - set(KERAS_LAYERS)
_SHARED = (frozenset(n for n in KERAS_LAYERS if n[:1].isupper()) & set(TORCH_LAYERS))
FAMILY_NAME = {KERAS: "Keras", PYTORCH: "PyTorch"}
NO_IMPORT = "no import of "  # how a note on an assumed import begins (fragments.notes_of finds them)


@dataclass
class Inference:
    """What a fragment's names imply.

    Attributes:
        aliases: local name -> dotted origin to add to the script's imports.
        families: the frameworks the script is read as after the inference.
        notes: one per group of added names, "no import of X: read as Y".
    """

    aliases: dict[str, str] = field(default_factory=dict)
    families: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _family_of_origin(origin: str) -> str | None:
    parts = origin.split(".")
    if parts[0] in ("keras", "tensorflow", "tf_keras", "tensorflow_hub") or "keras" in parts:
        return KERAS
    if parts[0] in ("torch", "torchvision", "torchtext", "torchaudio", "pytorch_lightning", "lightning", "timm"):
        return PYTORCH
    return None


def _listing(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit})" if len(names) > limit else "")


def infer(used: Iterable[str], bound: Mapping[str, str], defined: Iterable[str] = (),
          kerasish: bool = False) -> Inference:
    """The aliases a fragment's names imply.

    Args:
        used: the heads of dotted names the code calls or subclasses (``tf`` for
            ``tf.keras.layers.Dense(...)``, ``Dense`` for ``Dense(64)``).
        bound: the script's imports (local name -> origin; ``*module`` for a
            wildcard import).
        defined: names the script defines itself (functions, classes, assignments).
        kerasish: the code shows Keras model building (``Sequential(``,
            ``model.add(``) without naming a framework: read as Keras when
            nothing else decides.

    Returns:
        An :class:`Inference`; empty when every name is imported or defined.
    """
    skip = set(bound) | set(defined)
    families = {f for f in (_family_of_origin(o) for o in bound.values()) if f}
    free = sorted(n for n in set(used) if n not in skip)
    out = Inference()
    groups: dict[str, list[str]] = {}
    # (name, origin, group the note names)
    found = [(name, STRONG_HEADS[name][0], STRONG_HEADS[name][0]) for name in free if name in STRONG_HEADS]
    families |= {STRONG_HEADS[name][1] for name in free if name in STRONG_HEADS}
    if not families:
        families |= _bare_family(free, kerasish)
    found += [(name, WEAK_HEADS[name][0], WEAK_HEADS[name][0])
              for name in free if name in WEAK_HEADS and WEAK_HEADS[name][1] in families]
    single = families if len(families) == 1 else set()
    # A wildcard import of a framework's layers binds every bare layer name.
    if KERAS in families and not _star_import_of(bound, KERAS):
        found += _keras_bare(free, single)
    for name, origin, group in found:
        out.aliases[name] = origin
        groups.setdefault(group, []).append(name)
    if PYTORCH in families and not _star_import_of(bound, PYTORCH):
        for name in _torch_bare(free, single, out.aliases):
            out.aliases[name] = f"torch.nn.{name}"
            groups.setdefault("torch.nn", []).append(name)
    for group, names in groups.items():
        out.notes.append(f"{NO_IMPORT}{_listing(names)}: read as {group}")
    out.families = families
    return out


def _star_import_of(bound: Mapping[str, str], family: str) -> bool:
    return any(k.startswith("*") and _family_of_origin(v) == family for k, v in bound.items())


def _bare_family(free: list[str], kerasish: bool) -> set[str]:
    """Bare layer names decide when they are of one framework only; else the Keras look."""
    keras_bare = any(n in _KERAS_ONLY for n in free)
    torch_bare = any(n in _TORCH_ONLY for n in free)
    if keras_bare and not torch_bare:
        return {KERAS}
    if torch_bare and not keras_bare:
        return {PYTORCH}
    if kerasish or any(n in KERAS_MODEL_NAMES for n in free):
        return {KERAS}
    return set()


def _keras_bare(free: list[str], single: set[str]) -> list[tuple[str, str, str]]:
    """Bare names read as Keras layers and models."""
    out = []
    for name in free:
        if name in _KERAS_ONLY or (name in _SHARED and single == {KERAS}):
            out.append((name, f"keras.layers.{name}", "Keras layers"))
        elif name in KERAS_MODEL_NAMES and (single == {KERAS} or name != "Sequential"):
            out.append((name, KERAS_MODEL_NAMES[name], "Keras layers"))
    return out


def _torch_bare(free: list[str], single: set[str], taken: Mapping[str, str]) -> list[str]:
    """Bare names read as ``torch.nn`` modules (names already read otherwise are kept)."""
    return [name for name in free if name not in taken
            and (name in _TORCH_ONLY or (name in _SHARED and single == {PYTORCH})
                 or (name == "Sequential" and single == {PYTORCH}))]


# -- collecting the names of a script ------------------------------------------------
def _head(dotted: str) -> str:
    return dotted.split(".", 1)[0].split("(", 1)[0].strip()


def names_of(script: Script) -> tuple[set[str], set[str]]:
    """(heads the script calls or subclasses, names it defines), from its tree."""
    from corpus.readers.script import node_text

    used: set[str] = set()
    for call in script.nodes("call"):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type in ("identifier", "attribute"):
            used.add(_head(node_text(fn)))
    defined: set[str] = set()
    for kind in ("function_definition", "class_definition"):
        for node in script.nodes(kind):
            name = node.child_by_field_name("name")
            if name is not None:
                defined.add(node_text(name))
            if kind == "class_definition":
                bases = node.child_by_field_name("superclasses")
                for base in bases.named_children if bases is not None else ():
                    if base.type in ("identifier", "attribute"):
                        used.add(_head(node_text(base)))
            else:
                params = node.child_by_field_name("parameters")
                for p in params.named_children if params is not None else ():
                    ident = p if p.type == "identifier" else p.child_by_field_name("name")
                    if ident is None and p.named_children:
                        ident = p.named_children[0]
                    if ident is not None and ident.type == "identifier":
                        defined.add(node_text(ident))
    for node in script.nodes("assignment"):
        left = node.child_by_field_name("left")
        targets = [left] if left is not None and left.type == "identifier" else \
            [c for c in (left.named_children if left is not None else ()) if c.type == "identifier"]
        defined.update(node_text(t) for t in targets)
    return used, defined


def notes_of(warnings: list[str]) -> list[str]:
    """The warnings that say how a fragment was read (assumed imports, layers as listed), for the user."""
    return [w for w in warnings if w.startswith(NO_IMPORT) or w == LISTED_NOTE]


def apply(script: Script, fws: set[str], warnings: list[str], kerasish: bool = False) -> Inference:
    """Add the aliases a fragment's names imply to ``script`` and ``fws``, with notes in ``warnings``."""
    used, defined = names_of(script)
    inf = infer(used, script.aliases, defined, kerasish=kerasish)
    for name, origin in inf.aliases.items():
        script.aliases.setdefault(name, origin)
    fws.update(inf.families)
    warnings.extend(n for n in inf.notes if n not in warnings)
    return inf


# -- a fragment's layers as listed ---------------------------------------------------------
# A fragment often lists its layers without wiring them (``tf.keras.layers.Conv2D(32, 3)``
# as a statement, ``x = Dense(x, 64)``): when the readers find no model in it, the Keras
# layer calls of the function that builds the model are read in source order.
MIN_LISTED = 3
LISTED_NOTE = "layers read in the order they are written (they are not connected in the code)"
_MODEL_BUILDERS = frozenset({"Sequential", "Model"})


def _keras_name(script: Script, call: Node) -> str | None:
    from corpus.readers.script import node_text

    fn = call.child_by_field_name("function")
    if fn is None or fn.type not in ("identifier", "attribute"):
        return None
    origin = script.resolve(node_text(fn)) or ""
    parts = origin.split(".")
    if "keras" not in parts and parts[0] != "keras":
        return None
    return parts[-1]


def _activation_arg(script: Script, call: Node) -> str | None:
    from corpus.knowledge.vocab import canonical_activation
    from corpus.readers.script import node_text

    args = call.child_by_field_name("arguments")
    for a in args.named_children if args is not None else ():
        if a.type == "keyword_argument" and node_text(a.child_by_field_name("name")) == "activation":
            v = script.value(a.child_by_field_name("value"))
            return canonical_activation(v) if isinstance(v, str) else None
    return None


def _owner(node: Node) -> Node | None:
    """The function definition a node is in, or None at module level."""
    from corpus.readers.syntax import enclosing

    return enclosing(node, "function_definition")


def _inside_counted(node: Node, counted: set[int]) -> bool:
    p = node.parent
    while p is not None:
        if p.type == "call" and p.id in counted:
            return True
        p = p.parent
    return False


def listed_layers(script: Script) -> list[tuple[str, list[Layer], int, int]]:
    """Per function (or the module) that builds a Keras model: (name, layers, first line, last line)."""
    from corpus.knowledge.vocab import canonical_activation
    from corpus.readers.script import node_text
    from corpus.record.summary import Layer

    scopes: dict[int | None, dict] = {}
    counted: set[int] = set()
    for call in script.nodes("call"):
        name = _keras_name(script, call)
        if name is None:
            continue
        owner = _owner(call)
        key = owner.id if owner is not None else None
        scope = scopes.setdefault(key, {"owner": owner, "layers": [], "builds": False})
        if name in _MODEL_BUILDERS:
            scope["builds"] = True
            continue
        if "activations" in (script.resolve(node_text(call.child_by_field_name("function"))) or "").split("."):
            # tf.keras.activations.relu() as a statement: the activation of the layer before
            act = canonical_activation(name)
            if act and scope["layers"] and not _inside_counted(call, counted):
                scope["layers"][-1].activation = act
            continue
        spec = KERAS_LAYERS.get(name)
        if spec is None or spec.kind in ("preprocess", "input") or _inside_counted(call, counted):
            continue
        counted.add(call.id)
        line = call.start_point[0] + 1
        act = spec.activation or _activation_arg(script, call)
        if spec.kind == "activation":
            if name == "Activation":
                args = call.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                v = script.value(first) if first is not None else None
                act = canonical_activation(v) if isinstance(v, str) else None
            if scope["layers"] and act:
                scope["layers"][-1].activation = act
                continue
        scope["layers"].append(Layer(type=spec.type, raw=node_text(call.child_by_field_name("function")),
                                     activation=act, line=line))
    out = []
    for scope in scopes.values():
        lays = scope["layers"]
        if len(lays) < MIN_LISTED or not scope["builds"]:
            continue
        owner = scope["owner"]
        name = node_text(owner.child_by_field_name("name")) if owner is not None else "model"
        first = owner.start_point[0] + 1 if owner is not None else lays[0].line
        last = owner.end_point[0] + 1 if owner is not None else lays[-1].line
        out.append((name, lays, first, last))
    return out


def listed_models(script: Script, warnings: list[str]) -> list[Summary]:
    """Summaries of the layer lists of :func:`listed_layers` (framework Keras), noted as such."""
    from corpus.record.summary import ParseInfo, Source, Summary

    out = []
    for name, lays, first, last in listed_layers(script):
        out.append(Summary(id="", name=name, source=Source(path=script.path, line_start=first, line_end=last),
                           framework="keras", layers=lays,
                           parse=ParseInfo(status="partial", warnings=[LISTED_NOTE])))
    if out and LISTED_NOTE not in warnings:
        warnings.append(LISTED_NOTE)
    return out


def add_listed(script: Script, summaries: list[Summary], warnings: list[str]) -> list[Summary]:
    """``summaries``, plus a fragment's listed layers when the readers found no model of
    :data:`MIN_LISTED` layers in it."""
    if max((len(s.layers) for s in summaries), default=0) >= MIN_LISTED:
        return summaries
    listed = listed_models(script, warnings)
    if not listed:
        return summaries
    return [s for s in summaries if s.layers] + listed
