"""Models a training script picks by a written name (a registry, ``getattr``, ``eval``).

Real training scripts seldom write ``model = ResNet()``: they pick the class
by an option, ``MODELS[args.arch](...)``, ``model_dict[self.args.model].Model(args)``,
``getattr(models, args.model)(...)`` or ``Model = eval(args.model_type)``. When the
key is written (a literal, a constant, an ``argparse``/flag default, a config
value), the class is the one the script runs with no arguments; this module
names it statically, as a dotted name the script's imports resolve
(``Net``, ``Autoformer.Model``), so the repository join can follow it to its
definition. Nothing is run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from corpus.readers.syntax import call_arguments, dotted_name, node_text

if TYPE_CHECKING:
    from tree_sitter import Node

    from corpus.readers.script import Script

# the names a script's parsed options are held under (``args.model``, ``self.opt.arch``)
_OPTION_HOLDERS = r"(?:args|opt|opts|cfg|config|hparams|params|options|flags)"
# ``self.args.model`` / ``self.opt.arch`` / ``self.config.model_name``: an option read through an object
_SELF_OPTION = re.compile(rf"^self\.{_OPTION_HOLDERS}\.(\w+)$")
_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_MAX_DEPTH = 3


def chosen_callee(script: Script, call: Node) -> str | None:
    """The dotted name a call calls when it picks a class by a written key, else None.

    ``MODELS[args.arch]()`` with ``MODELS = {"net": Net}`` and the option's
    default ``"net"`` gives ``Net``; ``model_dict[k].Model(args)`` gives
    ``Autoformer.Model``; ``getattr(models, "vgg")(...)`` gives ``models.vgg``;
    ``Model(...)`` after ``Model = eval(args.model_type)`` gives the option's value.
    """
    fnode = call.child_by_field_name("function")
    if fnode is None:
        return None
    return _callee(script, fnode, 0)


def _callee(script: Script, node: Node, depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if node.type == "attribute":
        obj = node.child_by_field_name("object")
        attr = node_text(node.child_by_field_name("attribute"))
        if obj is None or obj.type not in ("subscript", "call", "identifier"):
            return None
        base = _callee(script, obj, depth + 1)
        return f"{base}.{attr}" if base else None
    if node.type == "subscript":
        return _from_registry(script, node)
    if node.type == "call":
        return _from_call(script, node)
    if node.type == "identifier":
        return _from_variable(script, node, depth)
    return None


def _key(script: Script, node: Node | None) -> str | None:
    """A written key: the evaluator's value, or an option read as ``self.args.X``."""
    if node is None:
        return None
    got: Any = script.value(node)
    if isinstance(got, str):
        return got
    m = _SELF_OPTION.match(node_text(node))
    if m:
        got = script.argparse_defaults.get(m.group(1))
        if isinstance(got, str):
            return got
    return None


def _from_registry(script: Script, sub: Node) -> str | None:
    """``REGISTRY[key]`` where ``REGISTRY`` is a dict literal of names assigned in the script."""
    value = sub.child_by_field_name("value")
    index = sub.child_by_field_name("subscript")
    if value is not None and value.type == "attribute" and node_text(value.child_by_field_name("attribute")) == "__dict__":
        # ``models_vit.__dict__[args.model]``: the module's function or class the key names, as getattr gives
        module = dotted_name(value.child_by_field_name("object"))
        key = _key(script, index)
        return f"{module}.{key}" if module and key and _NAME.match(key) else None
    if value is None or value.type != "identifier":
        return None
    key = None if _required_option(script, index) else _key(script, index)
    if key is None:
        return None
    return next((v for k, v in _registry(script, value) if k == key), None)


_OPTION_READ = re.compile(rf"^(?:self\.)?(?:{_OPTION_HOLDERS}|FLAGS)\.(\w+)$")


def _required_option(script: Script, node: Node | None) -> bool:
    """Whether a registry's key is a command-line option declared ``required=True`` (LTSF-Linear's ``--model``,
    ``required=True, default='Autoformer'``): argparse never uses its default, each run names the model, so the
    registry stands for every class it holds (:func:`registry_callees`)."""
    m = _OPTION_READ.match(node_text(node)) if node is not None else None
    if m is None:
        return False
    # (asked for each registry call, by chosen_callee and registry_callees alike: answered once per option)
    known: dict[str, bool] = script.__dict__.setdefault("_required_options", {})
    name = m.group(1)
    if name not in known:
        pattern = re.compile(rb"add_argument\(\s*['\"]--" + re.escape(name.encode()) +
                             rb"['\"][^)]*?\brequired\s*=\s*True")
        ctx = script.context
        known[name] = pattern.search(script.code_bytes) is not None or (
            ctx is not None and any(pattern.search(ctx.files.get(p) or b"") for p in ctx.option_files()))
    return known[name]


def _registry(script: Script, name: Node) -> list[tuple[Any, str]]:
    """The (key, class name) pairs of the dict literals assigned to a registry's name (``{"net": Net}``)."""
    out: list[tuple[Any, str]] = []
    for a in script.assignments_to(node_text(name)):
        right = a.child_by_field_name("right")
        if right is None or right.type != "dictionary":
            continue
        for pair in right.named_children:
            if pair.type != "pair":
                continue
            v = node_text(pair.child_by_field_name("value"))
            if _NAME.match(v):
                out.append((script.value(pair.child_by_field_name("key")), v))
    return out


def registry_callees(script: Script, call: Node) -> list[str]:
    """``model_dict[args.model].Model(args)`` whose key nothing written gives (a required option): every class
    the registry can pick, each with the attribute called (``a.Model``, ``b.Model``); [] for a written key
    (:func:`chosen_callee` reads it) or a registry of fewer than two names."""
    node = call.child_by_field_name("function")
    suffix = ""
    while node is not None and node.type == "attribute":
        suffix = f".{node_text(node.child_by_field_name('attribute'))}{suffix}"
        node = node.child_by_field_name("object")
    if node is None or node.type != "subscript":
        return []
    value = node.child_by_field_name("value")
    index = node.child_by_field_name("subscript")
    if value is None or value.type != "identifier" or (_key(script, index) and not _required_option(script, index)):
        return []
    names = list(dict.fromkeys(v + suffix for _k, v in _registry(script, value)))
    return names if len(names) >= 2 else []


def _from_call(script: Script, call: Node) -> str | None:
    """``getattr(module, key)`` / ``eval(key)`` with a written key naming a class; ``import_module(key)``."""
    fn = node_text(call.child_by_field_name("function"))
    positional, _ = call_arguments(call)
    if fn == "getattr" and len(positional) == 2 and positional[0].type in ("identifier", "attribute"):
        key = _key(script, positional[1])
        return f"{node_text(positional[0])}.{key}" if key and key.isidentifier() else None
    if fn in ("importlib.import_module", "import_module", "__import__") and positional:
        # ``importlib.import_module("models." + args.model)``: the module, named by its dotted path
        key = _key(script, positional[0])
        return key if key and _NAME.match(key) else None
    if fn == "eval" and len(positional) == 1:
        key = _key(script, positional[0])
        return key if key and _NAME.match(key) else None
    return None


def _from_variable(script: Script, ident: Node, depth: int) -> str | None:
    """``Model = eval(args.model_type)`` (or a registry lookup) assigned once before the call."""
    found: str | None = None
    for a in script.assignments_to(node_text(ident)):
        if a.start_byte > ident.start_byte:
            break
        right = a.child_by_field_name("right")
        found = _callee(script, right, depth + 1) if right.type in ("subscript", "call") else None
    return found
