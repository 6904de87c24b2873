"""PyTorch models read statically: ``nn.Module`` classes, ``nn.Sequential`` models, training code.

The extractor is a small abstract interpreter over the tree-sitter tree:

- ``__init__`` bodies (and helper functions that build layer lists) are run
  symbolically to learn what each ``self.x`` attribute holds: a layer, an
  activation, a container (``nn.Sequential``, ``nn.ModuleList``), an instance
  of another module class of the same file, or a plain value;
- ``forward`` is then walked in evaluation order (arguments before the call),
  emitting one :class:`Layer` per module applied or functional op met, so the
  layers come out in the order data flows through them;
- the training code (optimizers, criteria, loops, loaders) is read and
  attributed to the model it trains.

Framework knowledge (layer names, functional ops) lives in ``torch_layers``.
Nothing is executed or imported.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from typing import Any

from tree_sitter import Node

from corpus.knowledge import torch_layers as T
from corpus.knowledge import vocab
from corpus.readers.script import (
    UNKNOWN,
    Script,
    call_arguments,
    call_function_name,
    dotted_name,
    end_line_of,
    line_of,
    node_text,
    walk,
    word_positions,
)
from corpus.record.summary import Hyperparameters, Layer, ParseInfo, Source, Summary

MAX_DEPTH = 10  # nesting of block expansions and helper calls
MAX_LAYERS = 2000  # a model bigger than this is cut (and says so)
MAX_INSTANCES = 400  # block instantiations per file: hostile nesting must not run for minutes
MAX_COPIES = 100_000  # layers copied while expanding blocks, per file (same reason)

_START = attrgetter("start_byte")  # sort key of nodes: source order


# ---------------------------------------------------------------------------
# Records


@dataclass
class FuncInfo:
    node: Node
    name: str
    params: list[tuple[str, Node | None, str]]  # (name, default, kind: plain|star|kw)
    body: Node | None
    cls: ClassInfo | None = None


@dataclass
class ClassInfo:
    name: str
    node: Node
    bases: list[str]
    methods: dict[str, FuncInfo] = field(default_factory=dict)
    is_module: bool = False


@dataclass
class Mod:
    """What an expression in model code holds, seen as a module."""

    kind: str  # layer | act | seq | list | inst | none
    layers: list[Layer] = field(default_factory=list)  # emitted when applied (layer/seq)
    act: str | None = None  # kind == act
    items: list[Mod] = field(default_factory=list)  # kind == list (ModuleList, python list)
    keys: dict[str, Mod] = field(default_factory=dict)  # ModuleDict
    inst: Instance | None = None  # kind == inst
    raw: str = ""
    line: int | None = None
    cell: bool = False  # a recurrent cell (stepped in a loop)
    repeat: int | None = None  # built in a loop with a literal count


@dataclass
class Instance:
    cls: ClassInfo
    scope: Scope
    attrs: dict[str, Mod] = field(default_factory=dict)
    seq: list[Mod] = field(default_factory=list)  # nn.Sequential subclass children
    expanded: list[Layer] | None = None


@dataclass
class Scope:
    env: dict[str, Any] = field(default_factory=dict)  # plain values
    mods: dict[str, Mod] = field(default_factory=dict)  # names bound to modules
    classes: dict[str, ClassInfo] = field(default_factory=dict)  # names bound to local classes
    funcs: dict[str, FuncInfo] = field(default_factory=dict)  # nested defs
    inst: Instance | None = None  # self

    def child(self) -> Scope:
        return Scope(dict(self.env), dict(self.mods), dict(self.classes), dict(self.funcs), self.inst)


@dataclass
class FState:
    """The forward walk: layers emitted so far and what holds a tensor."""

    layers: list[Layer] = field(default_factory=list)
    tensors: set[str] = field(default_factory=set)
    repeat: int | None = None
    loop: int = 0
    cells_done: set[int] = field(default_factory=set)  # ids of cell Mods already emitted
    lists: set[str] = field(default_factory=set)  # names bound to [] (outputs gathered step by step)
    target: str | None = None  # the name the statement being walked assigns
    branching: int = 0  # inside a loop over a ModuleList (parallel branches)
    raw_weights: set[str] = field(default_factory=set)  # module-level weights of a model written as maths
    branch_lists: set[str] = field(default_factory=set)  # lists filled by such a loop
    recurrent: bool = False  # a caller of this helper already ran a recurrent layer


def _copy(layer: Layer, repeat: int | None = None) -> Layer:
    rep = layer.repeat if layer.repeat or not (repeat and repeat > 1) else repeat
    return Layer(layer.type, layer.raw, dict(layer.args), layer.activation, layer.line, rep)


def push(layers: list[Layer], layer: Layer, repeat: int | None = None) -> bool:
    """Append ``layer``, folding a stand-alone activation into the layer before it.

    Returns False once the list is full (``MAX_LAYERS``), so callers stop copying.
    """
    if len(layers) >= MAX_LAYERS:
        return False
    if layer.type == "Activation" and layers:
        # relu then softmax after one Linear: both belong to it, and the last one is what it outputs
        layers[-1].activation = layer.activation
        return True
    layers.append(_copy(layer, repeat))
    return True


def _act_layer(act: str, raw: str, line: int | None) -> Layer:
    return Layer(type="Activation", raw=raw, args={}, activation=act, line=line)


def _jsonable(v: Any) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return not (isinstance(v, float) and v != v)
    if isinstance(v, list):
        return all(_jsonable(x) for x in v)
    return False


@lru_cache(maxsize=8192)
def _last(name: str | None) -> str:
    """``nn.Conv2d`` -> ``Conv2d`` (cached: the same few thousand names recur)."""
    return (name or "").rsplit(".", 1)[-1]


# ---------------------------------------------------------------------------
# The extractor


class TorchExtractor:
    def __init__(self, script: Script) -> None:
        self.s = script
        self.warnings: list[str] = []
        self.classes: dict[str, ClassInfo] = {}
        self.funcs: dict[str, FuncInfo] = {}  # module-level functions
        self.all_funcs: list[FuncInfo] = []
        self.calls: list[Node] = []
        self.fors: list[Node] = []
        self.assigns: list[Node] = []
        self.augs: list[Node] = []
        self.depth = 0
        self.class_defs: list[ClassInfo] = []
        self._fnames: dict[Node, str | None] = {}
        self._unwrap_cache: dict[Node, Node | None] = {}
        self._finfos: dict[Node, FuncInfo] = {}
        self._where: dict[Any, list[Node]] = {}
        self._instances: dict[tuple[Any, ...], Instance] = {}
        self.budget = MAX_INSTANCES
        self.copies = 0
        self._index()
        # byte ranges of model classes: code inside them is model code, not training code
        self._model_ranges = [(c.node.start_byte, c.node.end_byte) for c in self.classes.values() if c.is_module]
        # the same ranges merged (nested classes), for a binary search
        self._model_starts, self._model_ends = _merged_ranges(self._model_ranges)

    def calls_where(self, pred: Any) -> list[Node]:
        """Calls (in source order) whose last name satisfies ``pred``.

        Answers for a module-level ``pred`` (a fixed question) are kept: the training reader asks twice.
        """
        cached = self._where.get(pred) if pred in _FIXED_PREDICATES else None
        if cached is None:
            cached = [c for last, calls in self.by_last.items() if pred(last) for c in calls]
            cached.sort(key=_START)
            if pred in _FIXED_PREDICATES:
                self._where[pred] = cached
        return list(cached)

    def holds(self, node: Node, text: bytes) -> bool:
        """Whether ``text`` (ASCII) is written inside ``node``: a search of the bytes, without decoding them."""
        return self.s.code_bytes.find(text, node.start_byte, node.end_byte) >= 0

    def _fname(self, call: Node) -> str | None:
        """``call_function_name`` cached: the training reader asks about the same calls many times."""
        got = self._fnames.get(call, False)
        if got is False:
            got = self._fnames[call] = _fast_function_name(call)
        return got

    # -- index: one query pass over the tree ----------------------------
    def _index(self) -> None:
        # the script's shared index: one query pass per file for every reader (lists in source order,
        # shared: never changed here)
        nodes = self.s.nodes
        self.calls = nodes("call")
        # calls by the last name of what they call (DataLoader, backward, step): most
        # questions of the training reader are about a few names
        self.by_last: dict[str, list[Node]] = {}
        # in a tree without errors, a plain chain's text is its name (as in _fast_function_name):
        # read it once here for both the index and _fname
        clean = not self.s.root.has_error
        fnames = self._fnames
        for call in self.calls:
            fnode = call.child_by_field_name("function")
            if fnode is None:
                continue
            t = fnode.type
            if t == "attribute":
                raw = fnode.text
                if clean and raw is not None and _DOTTED_BYTES.fullmatch(raw):
                    name = raw.decode("ascii")
                    fnames[call] = name
                    last = name.rsplit(".", 1)[-1]
                else:
                    last = node_text(fnode.child_by_field_name("attribute"))
            elif t == "identifier":
                last = node_text(fnode)
                fnames[call] = last
            else:
                continue
            self.by_last.setdefault(last, []).append(call)
        self.fors = nodes("for_statement")
        self.assigns = nodes("assignment")
        self.augs = nodes("augmented_assignment")
        self.whiles = nodes("while_statement")
        # strings, comments and imports: a class named in a docstring is not used there (see _code_only)
        self._prose = nodes("string") + nodes("comment") + nodes("import_statement") + nodes("import_from_statement")
        self._def_nodes = nodes("class_definition") + nodes("function_definition")
        for cnode in nodes("class_definition"):
            name = node_text(cnode.child_by_field_name("name"))
            bases: list[str] = []
            sup = cnode.child_by_field_name("superclasses")
            if sup is not None:
                for b in sup.named_children:
                    dn = dotted_name(b)
                    if dn:
                        bases.append(dn)
            info = ClassInfo(name=name, node=cnode, bases=bases)
            body = cnode.child_by_field_name("body")
            for stmt in body.named_children if body is not None else []:
                fnode = stmt
                if stmt.type == "decorated_definition":
                    fnode = stmt.child_by_field_name("definition") or stmt
                if fnode.type == "function_definition":
                    f = self._func_info(fnode, info)
                    info.methods.setdefault(f.name, f)
            # later definitions of the same name win, as in Python; a notebook that
            # redefines a model keeps every definition in class_defs
            self.classes[name] = info
            self.class_defs.append(info)
        for fnode in nodes("function_definition"):
            f = self._func_info(fnode, None)
            self.all_funcs.append(f)
            parent = fnode.parent
            if parent is not None and parent.type == "decorated_definition":
                parent = parent.parent
            if parent is not None and parent.type == "module":
                self.funcs[f.name] = f
        for info in self.class_defs:
            info.is_module = self._is_module(info, set())
        for info in self.class_defs:
            # no forward of its own (the project base has it), but built and trained here: a model
            if not info.is_module and any(self._project_base(b) for b in info.bases) \
                    and self._init_has_layers(info) and self._trained_instance(info.name):
                info.is_module = True

    def _func_info(self, fnode: Node, cls: ClassInfo | None) -> FuncInfo:
        # methods are read twice (as methods and among all functions): read each once
        got = self._finfos.get(fnode)
        if got is None:
            got = self._finfos[fnode] = self._read_func(fnode)
        return FuncInfo(node=fnode, name=got.name, params=got.params, body=got.body, cls=cls)

    def _read_func(self, fnode: Node) -> FuncInfo:
        params: list[tuple[str, Node | None, str]] = []
        pnode = fnode.child_by_field_name("parameters")
        for p in pnode.named_children if pnode is not None else []:
            if p.type == "identifier":
                params.append((node_text(p), None, "plain"))
            elif p.type in ("default_parameter", "typed_default_parameter"):
                params.append((node_text(p.child_by_field_name("name")), p.child_by_field_name("value"), "plain"))
            elif p.type == "typed_parameter":
                ident = next((c for c in p.named_children if c.type == "identifier"), None)
                if ident is not None:
                    params.append((node_text(ident), None, "plain"))
                elif p.named_children and p.named_children[0].type == "list_splat_pattern":
                    params.append(("*", None, "star"))
            elif p.type == "list_splat_pattern":
                params.append((node_text(p).lstrip("*"), None, "star"))
            elif p.type == "dictionary_splat_pattern":
                params.append((node_text(p).lstrip("*"), None, "kw"))
        return FuncInfo(
            node=fnode,
            name=node_text(fnode.child_by_field_name("name")),
            params=params,
            body=fnode.child_by_field_name("body"),
        )

    def _is_module(self, info: ClassInfo, seen: set[str]) -> bool:
        if info.name in seen:
            return False
        seen.add(info.name)
        for b in info.bases:
            full = self.s.resolve(b) or b
            last = _last(b)
            if full.startswith("torch.nn") or b.startswith("nn.") or last in ("Module", "Sequential", "ModuleList"):
                if last in ("Module", "Sequential", "ModuleList", "ModuleDict") or full.startswith("torch.nn"):
                    return True
            if last in ("LightningModule",):
                return True
            if last in self.classes and last != info.name and self._is_module(self.classes[last], seen):
                return True
        # a base imported from the project (class Generator(BaseModel), from models.base import BaseModel)
        # hides nn.Module: a body shaped like a model still makes one
        return any(self._project_base(b) for b in info.bases) and self._module_shaped(info)

    def _project_base(self, base: str) -> bool:
        if _last(base) in self.classes:
            return False
        full = self.s.resolve(base) or base
        if full == base and "." not in base:
            # not imported at all (a builtin like object or Exception, or a name from a star import)
            return base not in ("object", "Exception", "dict", "list", "tuple") and any(
                k.startswith("*") for k in self.s.aliases)
        return full.split(".", 1)[0] not in _LIBRARY_ROOTS

    def _trained_instance(self, cls_name: str) -> bool:
        for a in self.assigns:
            right = a.child_by_field_name("right")
            left = a.child_by_field_name("left")
            if right is None or left is None or left.type != "identifier" or right.type != "call":
                continue
            call = _unwrap_call(right)
            if call is not None and _last(self._fname(call) or "") == cls_name and self._trained(node_text(left)):
                return True
        return False

    def _module_shaped(self, info: ClassInfo) -> bool:
        # a forward method, and torch layers assigned to self in __init__
        return "forward" in info.methods and self._init_has_layers(info)

    def _init_has_layers(self, info: ClassInfo) -> bool:
        init = info.methods.get("__init__")
        if init is None or init.body is None:
            return False
        for stmt in init.body.named_children:
            for a in [n for n in walk(stmt) if n.type == "assignment"]:
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is None or right is None or not node_text(left).startswith("self."):
                    continue
                for c in walk(right):
                    tn = self.torch_name(self._fname(c)) if c.type == "call" else None
                    if tn is not None and (tn in T.LAYERS or tn in T.CONTAINERS or tn == T.TRANSFORMER):
                        return True
        return False

    # -- values ---------------------------------------------------------
    def value(self, node: Node | None, scope: Scope | None) -> Any:
        if node is None:
            return UNKNOWN
        return self.s.value(node, scope.env if scope is not None else None)

    def plain(self, node: Node | None, scope: Scope | None) -> Any:
        v = self.value(node, scope)
        return v if v is not UNKNOWN and _jsonable(v) else UNKNOWN

    # -- names ----------------------------------------------------------
    def torch_name(self, dotted: str | None) -> str | None:
        """``nn.Conv2d`` -> ``Conv2d`` when the name comes from torch.nn (or looks like it)."""
        if not dotted:
            return None
        full = self.s.resolve(dotted) or dotted
        last = _last(full)
        head = full.split(".")[0]
        if full.startswith("torch.nn.") and not full.startswith("torch.nn.functional"):
            return last
        if head in ("nn", "torch") and "functional" not in full:
            return last
        if "." not in dotted and head not in self.s.aliases and "*torch.nn" in self.s.aliases:
            return last
        return None

    def functional_name(self, dotted: str | None) -> str | None:
        """``F.relu`` / ``torch.relu`` / ``nn.functional.relu`` -> ``relu``."""
        if not dotted:
            return None
        full = self.s.resolve(dotted) or dotted
        if full.startswith("torch.nn.functional.") or full.startswith("torch.") or full.startswith("F."):
            return _last(full)
        return None

    # -- building module values ----------------------------------------
    def build(self, node: Node | None, scope: Scope) -> Mod | None:
        """The module an expression of model-building code holds, or None."""
        if node is None or self.depth > MAX_DEPTH:
            return None
        t = node.type
        if t == "parenthesized_expression" and node.named_children:
            return self.build(node.named_children[0], scope)
        if t == "identifier":
            name = node_text(node)
            if name in scope.mods:
                return scope.mods[name]
            return None
        if t == "attribute":
            dn = dotted_name(node)
            if dn and dn.startswith("self.") and scope.inst is not None:
                return self._attr(scope.inst, dn[5:])
            head, _, rest = (dn or "").partition(".")
            base = scope.mods.get(head) if rest else None
            if base is not None and base.layers and all(x.type == "Pretrained" for x in base.layers) \
                    and _last(rest) not in _NOT_PARTS:
                # vgg.features / resnet.layer4 of a pretrained model held in a local: part of that backbone
                return base
            return None
        if t == "subscript":
            base = self.build(node.child_by_field_name("value"), scope)
            if base is None:
                return None
            idx = self.value(node.child_by_field_name("subscript"), scope)
            if base.keys and isinstance(idx, str) and idx in base.keys:
                return base.keys[idx]  # self.heads["cls"] of a ModuleDict: that head only
            if base.kind == "list" and base.items:
                if len(base.items) == 1 and (base.items[0].repeat or 0) > 1:
                    # one layer built n times ([nn.Linear(...) for _ in range(n)]): layers[-1] is one
                    # of them, layers[:-1] the other n - 1
                    return self._index_repeated(base, node.child_by_field_name("subscript"), idx, scope)
                if isinstance(idx, int) and -len(base.items) <= idx < len(base.items):
                    return base.items[idx]
                return base
            if base.keys and isinstance(idx, str) and idx in base.keys:
                return base.keys[idx]
            return base
        if t in ("list", "tuple"):
            items = []
            for c in node.named_children:
                if c.type == "list_splat":
                    inner = self.build(c.named_children[0] if c.named_children else None, scope)
                    if inner is not None:
                        items.extend(inner.items if inner.kind == "list" else [inner])
                    continue
                m = self.build(c, scope)
                if m is not None:
                    items.append(m)
            return Mod(kind="list", items=items)
        if t in ("list_comprehension", "generator_expression"):
            return self._comprehension(node, scope)
        if t == "binary_operator":
            op = node_text(node.child_by_field_name("operator"))
            left = self.build(node.child_by_field_name("left"), scope)
            right = self.build(node.child_by_field_name("right"), scope)
            if op == "+" and left is not None and right is not None and left.kind == right.kind == "list":
                return Mod(kind="list", items=left.items + right.items)
            if op == "*" and left is not None and left.kind == "list":
                n = self.value(node.child_by_field_name("right"), scope)
                if isinstance(n, int) and left.items:
                    return Mod(kind="list", items=[_repeat_mod(m, n) for m in left.items])
            return left or right
        if t == "conditional_expression":
            kids = node.named_children
            if len(kids) == 3:
                cond = self.value(kids[1], scope)
                if cond is not UNKNOWN and cond is not None:
                    return self.build(kids[0] if cond else kids[2], scope)
                return self.build(kids[0], scope) or self.build(kids[2], scope)
            return None
        if t == "call":
            return self._build_call(node, scope)
        return None

    def _index_repeated(self, base: Mod, sub: Node | None, idx: Any, scope: Scope) -> Mod:
        """``layers[i]`` / ``layers[a:b]`` of a list holding one module built ``n`` times."""
        item = base.items[0]
        n = item.repeat or 1
        if isinstance(idx, int):
            return replace(item, repeat=None)
        if sub is not None and sub.type == "slice":
            bounds = [self.value(c, scope) for c in sub.named_children if c.type != "comment"]
            text = node_text(sub).replace(" ", "")
            start, _, stop = text.partition(":")
            if text.count(":") == 1 and len(bounds) == bool(start) + bool(stop) \
                    and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
                lo = bounds[0] if start else None
                hi = bounds[-1] if stop else None
                k = len(range(n)[lo:hi])
                return replace(base, items=[replace(item, repeat=k if k > 1 else None)])
        return base

    def _comprehension(self, node: Node, scope: Scope) -> Mod | None:
        body = node.named_children[0] if node.named_children else None
        clause = next((c for c in node.named_children if c.type == "for_in_clause"), None)
        inner = scope.child()
        count = None
        if clause is not None:
            right = clause.child_by_field_name("right")
            count = self._loop_count(right, scope)
            left = clause.child_by_field_name("left")
            for ident in _identifiers(left):
                inner.env.pop(ident, None)
        m = self.build(body, inner)
        if m is None:
            return None
        return Mod(kind="list", items=[_repeat_mod(m, count)])

    def _loop_count(self, it: Node | None, scope: Scope) -> int | None:
        """How many times a loop over ``it`` runs, when that can be read."""
        if it is None:
            return None
        if it.type == "call":
            fn = self._fname(it)
            pos, kw = call_arguments(it)
            if fn == "range" and pos:
                vals = [self.value(p, scope) for p in pos]
                if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
                    r = range(*vals[:3]) if len(vals) <= 3 else None
                    return len(r) if r is not None else None
                return None
            if fn in ("enumerate", "reversed") and pos:
                return self._loop_count(pos[0], scope)
            if fn == "zip" and pos:
                counts = [self._loop_count(p, scope) for p in pos]
                known = [c for c in counts if c is not None]
                return min(known) if known else None
            return None
        v = self.value(it, scope)
        if isinstance(v, (list, str, dict)):
            return len(v)
        return None

    def _attr(self, inst: Instance, name: str) -> Mod | None:
        head, _, rest = name.partition(".")
        m = inst.attrs.get(head)
        if m is None:
            return None
        while rest and m is not None:
            part, _, rest = rest.partition(".")
            if part == "_modules":
                continue  # self.backbone._modules: the same children
            if m.inst is not None:
                m = m.inst.attrs.get(part)
            elif m.keys:
                m = m.keys.get(part)
            else:
                return None  # self.gru.flatten_parameters: a method of a layer, not a module
        return m

    def _attr_named(self, inst: Instance, name: Node, scope: Scope) -> Mod | None:
        """``getattr(self, name)``: the attribute of that name, or of that pattern (``f"stage{i}"``)."""
        k = self.value(name, scope)
        if isinstance(k, str):
            return self._attr(inst, k)
        pattern = _name_pattern(name)
        if pattern is None:
            return None
        if pattern in inst.attrs:
            return inst.attrs[pattern]
        prefix = pattern[:-1]
        return next((m for key, m in inst.attrs.items() if key.startswith(prefix)), None)

    def _build_call(self, node: Node, scope: Scope) -> Mod | None:
        fnode = node.child_by_field_name("function")
        fn = dotted_name(fnode)
        pos, kw = call_arguments(node)
        line = line_of(node)
        if fn is None:
            # chained: Net().to(device), models.resnet18(...).cuda()
            if fnode is not None and fnode.type == "attribute":
                obj = fnode.child_by_field_name("object")
                meth = node_text(fnode.child_by_field_name("attribute"))
                if meth in ("to", "cuda", "cpu", "double", "float", "half", "train", "eval", "requires_grad_",
                            "children", "modules"):
                    return self.build(obj, scope)
                if meth in T.PRETRAINED_LOADERS:
                    return self._pretrained_hf(node, obj, scope)
            if fnode is not None and fnode.type == "subscript":
                # models.__dict__[args.arch](pretrained=True)
                base = dotted_name(fnode.child_by_field_name("value")) or ""
                full = self.s.resolve(base) or base
                if full.startswith(T.PRETRAINED_MODULES):
                    key = self.value(fnode.child_by_field_name("subscript"), scope)
                    name = key if isinstance(key, str) else "unknown"
                    return self._pretrained(node, name, kw, scope, raw=base + "[...]")
            if fnode is not None and fnode.type == "call" and self._fname(fnode) == "getattr":
                # getattr(nn, rnn_type)(...): the class named by a value
                gpos, _ = call_arguments(fnode)
                if len(gpos) == 2 and (self.s.resolve(dotted_name(gpos[0]) or "") or "").startswith("torch.nn"):
                    cname = self.value(gpos[1], scope)
                    if not isinstance(cname, str) and "rnn" in node_text(gpos[1]).lower():
                        cname = "LSTM"  # the usual choice of scripts that pick the cell by name
                    if isinstance(cname, str) and cname in T.LAYERS:
                        return self._torch_module(cname, f"nn.{cname}", node, pos, kw, scope)
            return None
        last = _last(fn)
        full = self.s.resolve(fn) or fn
        # .to(device) and friends on a plain name; list(resnet.children())
        if "." in fn and last in ("to", "cuda", "cpu", "double", "float", "half", "children", "modules"):
            return self.build(fnode.child_by_field_name("object"), scope)
        if fn in ("list", "tuple") and len(pos) == 1:
            return self.build(pos[0], scope)
        if fn == "getattr" and len(pos) >= 2 and scope.inst is not None and node_text(pos[0]) == "self":
            return self._attr_named(scope.inst, pos[1], scope)
        if last == "OrderedDict" and (full.startswith("collections.") or fn == "OrderedDict"):
            od = self._ordered_dict(node, scope)
            return Mod(kind="list", items=list(od.values()), keys=od, raw="OrderedDict", line=line) if od else None
        if last in T.PRETRAINED_LOADERS:
            owner = fn.rsplit(".", 1)[0]
            if self.torch_name(owner) in ("Embedding", "EmbeddingBag"):
                # nn.Embedding.from_pretrained(vectors): an embedding layer with given weights
                args: dict[str, Any] = {"pretrained": True}
                if "freeze" in kw and self.plain(kw["freeze"], scope) is not UNKNOWN:
                    args["freeze"] = self.plain(kw["freeze"], scope)
                return Mod(kind="layer", layers=[Layer(type="Embedding", raw=fn, args=args, line=line)], raw=fn, line=line)
            return self._pretrained_hf(node, fnode.child_by_field_name("object"), scope)
        if last in ("DataParallel", "DistributedDataParallel") and pos:
            return self.build(pos[0], scope)
        # local classes (also names bound to a local class: block=BasicBlock)
        cls = scope.classes.get(fn) or (self.classes.get(fn) if "." not in fn else None)
        if cls is not None and cls.is_module:
            base = self._layer_base(cls)
            if base is not None:
                # class Layer(nn.Linear): the layer it extends, under its own name
                m = self._torch_module(base, cls.name, node, pos, kw, scope)
                if m is not None:
                    return m
            inst = self.instantiate(cls, node, scope)
            if inst is None:
                return Mod(kind="layer", layers=[Layer(type="Custom", raw=cls.name, line=line)], raw=cls.name)
            return Mod(kind="inst", inst=inst, raw=cls.name, line=line)
        # torch.nn classes
        tn = self.torch_name(fn)
        if tn is not None:
            m = self._torch_module(tn, fn, node, pos, kw, scope)
            if m is not None:
                return m
        # torchvision / timm / pretrained model constructors
        if full.startswith(T.PRETRAINED_MODULES) and last not in T.TV_NOT_MODELS and last[:1].islower():
            if full.startswith("torchvision.models") or full.startswith(("timm.create_model", "pretrainedmodels")):
                name = last
                if last == "create_model" and pos:
                    v = self.value(pos[0], scope)
                    name = v if isinstance(v, str) else "unknown"
                return self._pretrained(node, name, kw, scope, raw=fn)
        # helper functions and methods that return modules or lists of them
        f = None
        if fn.startswith("self.") and scope.inst is not None and fn.count(".") == 1:
            f = self._method(scope.inst.cls, fn[5:])
        elif "." not in fn:
            f = scope.funcs.get(fn) or self.funcs.get(fn)
        if f is not None:
            return self.call_builder(f, node, scope)
        # a class from elsewhere that looks like a module: Custom
        # (imported by name, by a wildcard, or through a local package: blocks.ResBlock)
        head = fn.split(".")[0]
        if last[:1].isupper() and not full.startswith(_NOT_BLOCK_MODULES) and last not in _NOT_BLOCKS \
                and ("." not in fn or (head in self.s.aliases and head not in ("nn", "F", "torch"))):
            return Mod(kind="layer", layers=[Layer(type="Custom", raw=last, line=line)], raw=fn)
        return None

    def _has_parameters(self, cls: ClassInfo) -> bool:
        text = node_text(cls.node)
        return "Parameter(" in text or "register_parameter" in text

    def _layer_base(self, cls: ClassInfo) -> str | None:
        for b in cls.bases:
            tn = self.torch_name(b)
            if tn is not None and (tn in T.LAYERS or tn == T.TRANSFORMER):
                return tn
        return None

    def _method(self, cls: ClassInfo, name: str) -> FuncInfo | None:
        seen: set[str] = set()
        todo = [cls]
        while todo:
            c = todo.pop(0)
            if c.name in seen:
                continue
            seen.add(c.name)
            if name in c.methods:
                return c.methods[name]
            for b in c.bases:
                if _last(b) in self.classes:
                    todo.append(self.classes[_last(b)])
        return None

    def _pretrained(self, node: Node, name: str, kw: dict[str, Node], scope: Scope, raw: str) -> Mod:
        args: dict[str, Any] = {"name": name}
        if "pretrained" in kw:
            v = self.plain(kw["pretrained"], scope)
            if v is not UNKNOWN:
                args["pretrained"] = bool(v)
        elif "weights" in kw:
            v = self.value(kw["weights"], scope)
            args["pretrained"] = v is not None if v is not UNKNOWN else True
        elif name != "unknown":
            args["pretrained"] = False
        layer = Layer(type="Pretrained", raw=raw, args=args, line=line_of(node))
        return Mod(kind="layer", layers=[layer], raw=raw, line=line_of(node))

    def _pretrained_hf(self, node: Node, obj: Node | None, scope: Scope) -> Mod | None:
        pos, kw = call_arguments(node)
        owner = dotted_name(obj) or ""
        full = self.s.resolve(owner) or owner
        if any(w in owner for w in ("Tokenizer", "Config", "Processor", "FeatureExtractor", "Dataset")):
            return None
        if not (full.startswith(("transformers", "torchvision", "timm", "efficientnet")) or owner.endswith(("Model", "ForSequenceClassification", "Net"))):
            return None
        name = self.value(pos[0], scope) if pos else UNKNOWN
        if not isinstance(name, str):
            name = _last(owner) or "unknown"
        layer = Layer(type="Pretrained", raw=f"{owner}.from_pretrained", args={"name": name, "pretrained": True}, line=line_of(node))
        return Mod(kind="layer", layers=[layer], raw=owner, line=line_of(node))

    def _torch_module(self, tn: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope) -> Mod | None:
        line = line_of(node)
        if tn in ("Sequential", "ModuleList"):
            items: list[Mod] = []
            for p in pos:
                if p.type == "list_splat":
                    inner = self.build(p.named_children[0] if p.named_children else None, scope)
                    if inner is not None:
                        items.extend(inner.items if inner.kind == "list" else [inner])
                    continue
                if p.type == "call" and _last(self._fname(p)) == "OrderedDict":
                    od = self._ordered_dict(p, scope)
                    items.extend(od.values())
                    continue
                m = self.build(p, scope)
                if m is not None:
                    # nn.Sequential(blocks) where blocks = OrderedDict([...]) holds the items
                    ordered = m.kind == "list" and m.raw == "OrderedDict"
                    items.extend(m.items if (m.kind == "list" and (tn == "ModuleList" or ordered)) else [m])
            if tn == "ModuleList":
                return Mod(kind="list", items=items, raw=fn, line=line)
            return Mod(kind="seq", layers=self.flatten(items), items=items, raw=fn, line=line)
        if tn == "ModuleDict":
            keys: dict[str, Mod] = {}
            if pos and pos[0].type == "dictionary":
                for pair in pos[0].named_children:
                    if pair.type == "pair":
                        k = self.value(pair.child_by_field_name("key"), scope)
                        m = self.build(pair.child_by_field_name("value"), scope)
                        if isinstance(k, str) and m is not None:
                            keys[k] = m
            return Mod(kind="list", items=list(keys.values()), keys=keys, raw=fn, line=line)
        if tn in T.NO_LAYER:
            return Mod(kind="none", raw=fn, line=line)
        act = vocab.canonical_activation(tn)
        if act is not None and tn.lower() not in T.NOT_ACTIVATIONS and tn not in T.LAYERS:
            return Mod(kind="act", act=act, layers=[_act_layer(act, fn, line)], raw=fn, line=line)
        if tn == T.TRANSFORMER:
            args = self._args(("d_model", "nhead", "num_encoder_layers", "num_decoder_layers"), pos, kw, scope)
            layers = [
                Layer(type="TransformerEncoder", raw=fn, args=dict(args), line=line),
                Layer(type="TransformerDecoder", raw=fn, args=dict(args), line=line),
            ]
            return Mod(kind="layer", layers=layers, raw=fn, line=line)
        spec = T.LAYERS.get(tn)
        if spec is None:
            return None
        ctype, names = spec
        args = self._args(names, pos, kw, scope)
        if tn in T.GLOBAL_POOLS:
            osz = args.get("output_size")
            if osz in (1, [1, 1], [1], [1, 1, 1]):
                ctype = T.GLOBAL_POOLS[tn]
        for src, dst in T.ARG_ALIASES.get(ctype, {}).items():
            if src in args and dst not in args:
                args[dst] = args[src]
        if tn in T.RECURRENT and args.get("bidirectional") is True:
            args["layer"] = ctype
            ctype = "Bidirectional"
        if tn in ("TransformerEncoder", "TransformerDecoder") and pos:
            # the layer passed in carries d_model / nhead
            inner = self.build(pos[0], scope)
            if inner is not None and inner.layers:
                for k, v in inner.layers[0].args.items():
                    args.setdefault(k, v)
        layer = Layer(type=ctype, raw=fn, args=args, line=line)
        return Mod(kind="layer", layers=[layer], raw=fn, line=line, cell=tn in T.CELLS)

    def _ordered_dict(self, call: Node, scope: Scope) -> dict[str, Mod]:
        out: dict[str, Mod] = {}
        pos, _ = call_arguments(call)
        if not pos:
            return out
        arg = pos[0]
        if arg.type in ("list", "tuple"):
            for pair in arg.named_children:
                # ("up1", self.up(64, 32)),  # a comment inside the pair is no item
                kids = [c for c in pair.named_children if c.type != "comment"]
                if pair.type in ("tuple", "list") and len(kids) == 2:
                    k = self.value(kids[0], scope)
                    m = self.build(kids[1], scope)
                    if m is not None:
                        out[str(k) if k is not UNKNOWN else f"_{len(out)}"] = m
        elif arg.type == "dictionary":
            for pair in arg.named_children:
                if pair.type == "pair":
                    k = self.value(pair.child_by_field_name("key"), scope)
                    m = self.build(pair.child_by_field_name("value"), scope)
                    if m is not None:
                        out[str(k) if k is not UNKNOWN else f"_{len(out)}"] = m
        return out

    def _args(self, names: tuple[str, ...], pos: list[Node], kw: dict[str, Node], scope: Scope) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for name, p in zip(names, pos, strict=False):
            if p.type in ("list_splat", "dictionary_splat"):
                break
            v = self.plain(p, scope)
            if v is not UNKNOWN:
                args[name] = v
        for k, p in kw.items():
            v = self.plain(p, scope)
            if v is not UNKNOWN:
                args[k] = v
        return args

    def flatten(self, items: list[Mod]) -> list[Layer]:
        """The layers applying ``items`` in order emits (Sequential semantics)."""
        out: list[Layer] = []
        for m in items:
            for layer in self.mod_layers(m):
                if not push(out, layer):
                    break
        return out

    def mod_layers(self, m: Mod) -> list[Layer]:
        if m.kind in ("layer", "seq", "act"):
            layers = m.layers
        elif m.kind == "inst" and m.inst is not None:
            layers = self.expand(m.inst)
            self.copies += len(layers)
            if self.copies > MAX_COPIES:
                if "copy budget" not in " ".join(self.warnings):
                    self.warnings.append(f"copy budget of {MAX_COPIES} layers spent: further blocks kept as Custom")
                return [Layer(type="Custom", raw=m.inst.cls.name, line=m.line)]
            if not any(x.type not in T.NON_PARAMETRIC for x in layers) and _attention_maths(node_text(m.inst.cls.node)):
                layers = [Layer(type="Attention", raw=m.inst.cls.name, line=m.line)]
            elif not layers or (not any(x.type not in T.NON_PARAMETRIC for x in layers) and self._has_parameters(m.inst.cls)):
                # a block we cannot read as layers (its own weights, custom maths): one Custom layer
                layers = [Layer(type="Custom", raw=m.inst.cls.name, line=m.line)]
        elif m.kind == "list":
            layers = self.flatten(m.items)
        else:
            return []
        if m.repeat:
            return [_copy(x, m.repeat) for x in layers]
        return layers

    # -- running builder code (__init__, helpers) ----------------------
    def bind(self, f: FuncInfo, call: Node | None, caller: Scope, skip_self: bool) -> Scope:
        """A scope for running ``f`` with the arguments of ``call`` (defaults otherwise)."""
        scope = Scope(funcs=dict(caller.funcs) if f.cls is None else {})
        params = list(f.params)
        if skip_self and params and params[0][0] in ("self", "cls"):
            params = params[1:]
        pos, kw = call_arguments(call) if call is not None else ([], {})
        bound: dict[str, tuple[Node | None, Scope | None]] = {}
        for name, default, _kind in params:
            bound[name] = (default, Scope(env=dict(self.s.constants)))
        plain = [p for p in params if p[2] == "plain"]
        for (name, _, _), arg in zip(plain, pos, strict=False):
            if arg.type in ("list_splat", "dictionary_splat"):
                break
            bound[name] = (arg, caller)
        for k, arg in kw.items():
            if k in bound:
                bound[k] = (arg, caller)
        for name, (node, sc) in bound.items():
            if node is None or sc is None:
                continue
            v = self.value(node, sc)
            if v is not UNKNOWN:
                scope.env[name] = v
            if node.type == "identifier":
                ident = node_text(node)
                c = sc.classes.get(ident) or self.classes.get(ident)
                if c is not None:
                    scope.classes[name] = c
                    continue
                if ident in sc.funcs or ident in self.funcs:
                    scope.funcs[name] = sc.funcs.get(ident) or self.funcs[ident]
                    continue
            if node.type in ("call", "identifier", "attribute", "list", "subscript", "list_comprehension"):
                if node.type == "call" and self.depth > MAX_DEPTH - 2:
                    continue
                m = self.build(node, sc)
                if m is not None:
                    scope.mods[name] = m
        return scope

    def instantiate(self, cls: ClassInfo, call: Node | None, caller: Scope) -> Instance | None:
        if self.depth > MAX_DEPTH or self.budget <= 0:
            if self.budget <= 0 and "expansion budget" not in " ".join(self.warnings):
                self.warnings.append(f"expansion budget of {MAX_INSTANCES} blocks spent: deeper blocks kept as Custom")
            return None
        init = self._method(cls, "__init__")
        self.depth += 1
        try:
            scope = self.bind(init, call, caller, skip_self=True) if init is not None else Scope()
            # the same block built at the same place with the same arguments is the same
            # block: sharing it keeps nested blocks (3 children, 10 levels) from exploding
            key = (cls.node.start_byte, call.start_byte if call is not None else -1, _env_key(scope))
            if key in self._instances:
                return self._instances[key]
            self.budget -= 1
            inst = Instance(cls=cls, scope=scope)
            self._instances[key] = inst
            scope.inst = inst
            if any(self.torch_name(b) == T.TRANSFORMER for b in cls.bases):
                # class Model(nn.Transformer): self.encoder / self.decoder come from the base
                for attr, ctype in (("encoder", "TransformerEncoder"), ("decoder", "TransformerDecoder")):
                    layer = Layer(type=ctype, raw="nn.Transformer", line=line_of(cls.node))
                    inst.attrs[attr] = Mod(kind="layer", layers=[layer], raw="nn.Transformer")
            if init is not None:
                self.run_builder(init.body, scope, inst)
                if init.cls is not cls:
                    pass
            return inst
        finally:
            self.depth -= 1

    def call_builder(self, f: FuncInfo, call: Node, caller: Scope) -> Mod | None:
        if self.depth > MAX_DEPTH:
            return None
        self.depth += 1
        try:
            scope = self.bind(f, call, caller, skip_self=f.cls is not None)
            scope.inst = caller.inst if f.cls is not None else None
            if scope.inst is not None:
                # a method sees and updates the instance's plain attributes (self.in_channels)
                for k, v in caller.env.items():
                    if k.startswith("self."):
                        scope.env.setdefault(k, v)
            ret = self.run_builder(f.body, scope, scope.inst)
            if scope.inst is not None:
                for k, v in scope.env.items():
                    if k.startswith("self."):
                        caller.env[k] = v
            return ret
        finally:
            self.depth -= 1

    def run_builder(self, body: Node | None, scope: Scope, inst: Instance | None, repeat: int | None = None) -> Mod | None:
        """Run statements that build modules; returns the value of the first ``return``."""
        if body is None:
            return None
        for stmt in body.named_children:
            t = stmt.type
            if t == "expression_statement":
                for e in stmt.named_children:
                    self._builder_expr(e, scope, inst, repeat)
            elif t == "return_statement":
                val = stmt.named_children[0] if stmt.named_children else None
                return self.build(val, scope) if val is not None else None
            elif t == "if_statement":
                ret = self._builder_if(stmt, scope, inst, repeat)
                if ret is not None:
                    return ret
            elif t == "for_statement":
                unrolled = self._unroll(stmt, scope, inst, repeat)
                if unrolled:
                    if unrolled[0] is not None:
                        return unrolled[0]
                    continue
                count = self._loop_count(stmt.child_by_field_name("right"), scope)
                for ident in _identifiers(stmt.child_by_field_name("left")):
                    scope.env.pop(ident, None)
                rep = count if count is not None and count > 1 else None
                if repeat and rep:
                    rep = rep * repeat
                if count == 0:
                    continue
                ret = self.run_builder(stmt.child_by_field_name("body"), scope, inst, rep or repeat)
                if ret is not None:
                    return ret
            elif t in ("with_statement", "while_statement", "try_statement"):
                ret = self.run_builder(stmt.child_by_field_name("body"), scope, inst, repeat)
                if ret is not None:
                    return ret
            elif t == "function_definition":
                f = self._func_info(stmt, None)
                scope.funcs[f.name] = f
            elif t == "block":
                self.run_builder(stmt, scope, inst, repeat)
        return None

    def _unroll(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> tuple[Mod | None] | None:
        """Run a loop over a literal list once per item when its body branches on the item.

        ``for v in cfg: if v == 'M': layers += [MaxPool] else: layers += [Conv, BN, ReLU]``
        (VGG) is a different layer per item, not one layer repeated.
        """
        left, right, body = stmt.child_by_field_name("left"), stmt.child_by_field_name("right"), stmt.child_by_field_name("body")
        if left is None or right is None or body is None or left.type != "identifier":
            return None
        items = self.value(right, scope)
        if not isinstance(items, list) or not items or len(items) > 64:
            return None
        var = node_text(left)
        if not any(re.search(rf"\b{re.escape(var)}\b", node_text(c.child_by_field_name("condition")))
                   for c in body.named_children if c.type == "if_statement"):
            return None
        for item in items:
            scope.env[var] = item
            ret = self.run_builder(body, scope, inst, repeat)
            if ret is not None:
                return (ret,)
        scope.env.pop(var, None)
        return (None,)

    def _builder_if(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Mod | None:
        cond = self.value(stmt.child_by_field_name("condition"), scope)
        branches: list[tuple[Node | None, Node | None]] = [(stmt.child_by_field_name("condition"), stmt.child_by_field_name("consequence"))]
        for alt in stmt.children_by_field_name("alternative"):
            if alt.type == "elif_clause":
                branches.append((alt.child_by_field_name("condition"), alt.child_by_field_name("consequence")))
            else:
                branches.append((None, alt.child_by_field_name("body")))
        known = cond is not UNKNOWN
        if known:
            for c, body in branches:
                v = self.value(c, scope) if c is not None else True
                if v is UNKNOWN:
                    return self.run_builder(body, scope, inst, repeat)
                if v:
                    return self.run_builder(body, scope, inst, repeat)
            return None
        # unknown condition: every branch runs, the first (the common path)
        # last, so its assignments win
        ret = None
        for i, (_c, body) in reversed(list(enumerate(branches))):
            r = self.run_builder(body, scope, inst, repeat)
            if i == 0:
                ret = r
        return ret

    def _builder_expr(self, e: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> None:
        t = e.type
        if t == "assignment":
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            if left is None or right is None:
                return
            if left.type == "identifier":
                name = node_text(left)
                v = self.value(right, scope)
                if v is not UNKNOWN:
                    scope.env[name] = v
                else:
                    scope.env.pop(name, None)
                m = self.build(right, scope)
                if m is not None:
                    scope.mods[name] = m
                elif right.type == "none":
                    scope.mods.pop(name, None)
                if right.type == "identifier" and node_text(right) in scope.classes:
                    scope.classes[name] = scope.classes[node_text(right)]
            elif left.type == "attribute":
                dn = dotted_name(left)
                if dn and dn.startswith("self.") and inst is not None and dn.count(".") == 1:
                    attr = dn[5:]
                    v = self.value(right, scope)
                    if v is not UNKNOWN and _jsonable(v):
                        scope.env[dn] = v
                    m = self.build(right, scope)
                    if m is not None:
                        inst.attrs[attr] = m
                elif dn and "." in dn and dn.split(".")[0] in scope.mods:
                    # m = models.resnet34(); m.fc = nn.Linear(...): the new head follows the backbone
                    base = scope.mods[dn.split(".")[0]]
                    head = self.build(right, scope)
                    if head is not None and base.kind in ("layer", "seq") and \
                            any(x.type == "Pretrained" for x in base.layers):
                        layers = [_copy(x) for x in base.layers]
                        for layer in self.mod_layers(head):
                            push(layers, layer)
                        scope.mods[dn.split(".")[0]] = Mod(kind="seq", layers=layers, raw=base.raw, line=base.line)
            elif left.type in ("pattern_list", "tuple_pattern") and right.type in ("expression_list", "tuple"):
                for n, r in zip(left.named_children, right.named_children, strict=False):
                    if n.type == "identifier":
                        v = self.value(r, scope)
                        if v is not UNKNOWN:
                            scope.env[node_text(n)] = v
                        m = self.build(r, scope)
                        if m is not None:
                            scope.mods[node_text(n)] = m
            return
        if t == "augmented_assignment":
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            op = node_text(e.child_by_field_name("operator"))
            target = self._target_list(left, scope, inst)
            if target is not None and op == "+=":
                m = self.build(right, scope)
                if m is not None:
                    new = m.items if m.kind == "list" else [m]
                    target.items.extend(_repeat_mod(x, repeat) for x in new)
            elif left is not None and left.type == "identifier":
                name = node_text(left)
                old = scope.env.get(name, UNKNOWN)
                inc = self.value(right, scope)
                from corpus.readers.script import _arith

                new_v = _arith(old, op[:-1], inc) if old is not UNKNOWN else UNKNOWN
                if new_v is not UNKNOWN:
                    scope.env[name] = new_v
                else:
                    scope.env.pop(name, None)
            return
        if t == "call":
            fnode = e.child_by_field_name("function")
            fn = dotted_name(fnode) or ""
            last = _last(fn)
            pos, kw = call_arguments(e)
            if last in ("append", "extend", "add_module", "insert", "add") and fnode is not None and fnode.type == "attribute":
                obj = fnode.child_by_field_name("object")
                if last == "add_module" and dotted_name(obj) == "self" and inst is not None and len(pos) >= 2:
                    m = self.build(pos[1], scope)
                    k = self.value(pos[0], scope)
                    if m is not None:
                        key = k if isinstance(k, str) else f"_m{len(inst.attrs)}"
                        inst.attrs[key] = _repeat_mod(m, repeat)
                        inst.seq.append(_repeat_mod(m, repeat))
                    return
                target = self._target_list(obj, scope, inst)
                if target is None:
                    return
                arg = pos[-1] if pos else None
                m = self.build(arg, scope)
                if m is None:
                    return
                if last == "extend" or (m.kind == "list" and last != "append"):
                    target.items.extend(_repeat_mod(x, repeat) for x in m.items)
                else:
                    target.items.append(_repeat_mod(m, repeat))
                if target.kind == "seq":
                    target.layers = self.flatten(target.items)
                return
            if fn == "setattr" and len(pos) == 3 and inst is not None and node_text(pos[0]) == "self":
                # setattr(self, f"stage{i}", nn.Conv2d(...)) in a loop: one attribute per pattern of names
                m = self.build(pos[2], scope)
                k = self.value(pos[1], scope)
                key = k if isinstance(k, str) else _name_pattern(pos[1])
                if m is not None and key:
                    inst.attrs[key] = _repeat_mod(m, repeat)
                return
            if fn in ("super().__init__",) or (fnode is not None and node_text(fnode).endswith("__init__")):
                # class Block(nn.Sequential): super().__init__(layers...)
                if inst is not None and any(_last(b) == "Sequential" for b in inst.cls.bases):
                    for p in pos:
                        if p.type == "list_splat":
                            inner = self.build(p.named_children[0] if p.named_children else None, scope)
                            if inner is not None:
                                inst.seq.extend(inner.items if inner.kind == "list" else [inner])
                        else:
                            m = self.build(p, scope)
                            if m is not None:
                                inst.seq.append(m)
                elif inst is not None and fnode is not None and node_text(fnode).startswith("super("):
                    self._base_init(e, scope, inst)
                return

    def _base_init(self, call: Node, scope: Scope, inst: Instance) -> None:
        # super().__init__(config) runs a same-file base's __init__ on this instance: the
        # Embedding an Encoder base sets is used by the subclass's forward
        cnode = call.parent
        while cnode is not None and cnode.type != "class_definition":
            cnode = cnode.parent
        own = next((c for c in self.class_defs if c.node == cnode), None)
        if own is None or self.depth > MAX_DEPTH:
            return
        base = next((self.classes[_last(b)] for b in own.bases
                     if _last(b) in self.classes and _last(b) != own.name), None)
        init = self._method(base, "__init__") if base is not None else None
        if init is None or init.cls is None or init.cls.node == cnode or init.body is None:
            return
        self.depth += 1
        try:
            bscope = self.bind(init, call, scope, skip_self=True)
            bscope.inst = inst
            self.run_builder(init.body, bscope, inst)
            for k, v in bscope.env.items():
                if k.startswith("self.") and k not in scope.env:
                    scope.env[k] = v
        finally:
            self.depth -= 1

    def _target_list(self, node: Node | None, scope: Scope, inst: Instance | None) -> Mod | None:
        if node is None:
            return None
        if node.type == "identifier":
            name = node_text(node)
            m = scope.mods.get(name)
            if m is None:
                if name in scope.env and isinstance(scope.env[name], list) and not scope.env[name]:
                    m = Mod(kind="list")
                    scope.mods[name] = m
                    return m
                return None
            return m if m.kind in ("list", "seq") else None
        dn = dotted_name(node)
        if dn and dn.startswith("self.") and inst is not None:
            m = self._attr(inst, dn[5:])
            return m if m is not None and m.kind in ("list", "seq") else None
        return None

    # -- forward -------------------------------------------------------
    def expand(self, inst: Instance) -> list[Layer]:
        """The layers an instance emits, in forward order (cached)."""
        if inst.expanded is not None:
            return inst.expanded
        inst.expanded = []  # guards recursion
        if self.depth > MAX_DEPTH:
            return inst.expanded
        fwd = self._method(inst.cls, "forward") or self._method(inst.cls, "call") or self._method(inst.cls, "__call__")
        state = FState()
        self.depth += 1
        try:
            if fwd is not None and fwd.cls is not None and fwd.cls.is_module:
                scope = inst.scope.child()
                scope.inst = inst
                for name, _d, _k in fwd.params[1:]:
                    if name in _LABEL_PARAMS:
                        continue  # forward(x, targets): the labels are not data flowing through layers
                    state.tensors.add(name)
                    scope.env.pop(name, None)
                    scope.mods.pop(name, None)
                self.run_forward(fwd.body, scope, state)
            if not state.layers and inst.seq:
                state.layers = self.flatten(inst.seq)
            elif not state.layers and fwd is None:
                state.layers = self.flatten([m for m in inst.attrs.values()])
        finally:
            self.depth -= 1
        inst.expanded = state.layers
        return inst.expanded

    def run_forward(self, body: Node | None, scope: Scope, st: FState) -> None:
        if body is None:
            return
        for stmt in body.named_children:
            self.fstmt(stmt, scope, st)

    def fstmt(self, stmt: Node, scope: Scope, st: FState) -> None:
        t = stmt.type
        if t == "expression_statement":
            for e in stmt.named_children:
                self.fexpr_stmt(e, scope, st)
        elif t == "return_statement":
            for e in stmt.named_children:
                self.fexpr(e, scope, st)
        elif t == "if_statement":
            self.fif(stmt, scope, st)
        elif t == "for_statement":
            self.ffor(stmt, scope, st)
        elif t == "while_statement":
            st.loop += 1
            self.run_forward(stmt.child_by_field_name("body"), scope, st)
            st.loop -= 1
        elif t in ("with_statement", "try_statement"):
            self.run_forward(stmt.child_by_field_name("body"), scope, st)
        elif t == "function_definition":
            f = self._func_info(stmt, None)
            scope.funcs[f.name] = f

    def fif(self, stmt: Node, scope: Scope, st: FState) -> None:
        branches: list[tuple[Node | None, Node | None]] = [(stmt.child_by_field_name("condition"), stmt.child_by_field_name("consequence"))]
        for alt in stmt.children_by_field_name("alternative"):
            if alt.type == "elif_clause":
                branches.append((alt.child_by_field_name("condition"), alt.child_by_field_name("consequence")))
            else:
                branches.append((None, alt.child_by_field_name("body")))
        # a condition known statically picks its branch
        for c, body in branches:
            v = self._cond(c, scope) if c is not None else True
            if v is UNKNOWN:
                break
            if v:
                self.run_forward(body, scope, st)
                return
        else:
            return
        # otherwise the branch that applies the most layers (the model's main path)
        best: FState | None = None
        for _c, body in branches:
            sub = FState(tensors=set(st.tensors), repeat=st.repeat, loop=st.loop, cells_done=set(st.cells_done))
            self.run_forward(body, scope, sub)
            if best is None or len(sub.layers) > len(best.layers):
                best = sub
        if best is not None:
            for layer in best.layers:
                if not push(st.layers, layer):
                    break
            st.tensors |= best.tensors
            st.cells_done |= best.cells_done
        if len(branches) == 1 and best is not None and not best.layers:
            pass

    def _cond(self, c: Node | None, scope: Scope) -> Any:
        if c is None:
            return UNKNOWN
        v = self.value(c, scope)
        if v is not UNKNOWN:
            return v
        # `if self.downsample is not None` / `if self.shortcut:`: known when the attribute is
        dn = dotted_name(c)
        if dn and dn.startswith("self.") and scope.inst is not None and dn[5:] in scope.inst.attrs:
            return True
        return UNKNOWN

    def ffor(self, stmt: Node, scope: Scope, st: FState) -> None:
        right = stmt.child_by_field_name("right")
        left = stmt.child_by_field_name("left")
        inner = scope.child()
        idents = _identifiers(left)
        count = self._loop_count(right, scope)
        it_mod = self._iter_mod(right, scope)
        if it_mod is not None and idents:
            # for layer in self.layers: x = layer(x) -- a block applied in a loop counts once,
            # so items built alike (the first block and the ones appended in a loop) count once
            pairs = self._pair_targets(left, right, it_mod)
            if pairs is not None:
                inner.mods.update(pairs)
            else:
                for name, m in (self._loop_targets(right, left, scope) or {idents[-1]: it_mod}).items():
                    inner.mods[name] = self._distinct_items(m)
        else:
            for i in idents:
                inner.mods.pop(i, None)
                inner.env.pop(i, None)
            if self._expr_is_tensor(right, st):
                st.tensors.update(idents)
        rep = count if (count and count > 1 and it_mod is None) else None
        old = st.repeat
        st.repeat = rep if rep else old
        st.loop += 1
        st.branching += 1 if it_mod is not None else 0
        self.run_forward(stmt.child_by_field_name("body"), inner, st)
        st.branching -= 1 if it_mod is not None else 0
        st.loop -= 1
        st.repeat = old

    def _pair_targets(self, left: Node | None, right: Node | None, it_mod: Mod) -> dict[str, Mod] | None:
        """``for up, conv in [(self.up1, self.conv1), ...]`` (or ``for i, pair in enumerate(...)``): the
        loop body is one stage, so its names take the first tuple's modules."""
        if left is None or it_mod.kind != "list" or not it_mod.items:
            return None
        first = it_mod.items[0]
        if first.kind != "list" or len(first.items) < 2 or first.inst is not None or first.raw:
            return None
        target = left
        if right is not None and right.type == "call" and self._fname(right) == "enumerate":
            kids = [c for c in left.named_children if c.type != "comment"]
            if left.type not in ("pattern_list", "tuple_pattern", "list_pattern") or len(kids) != 2:
                return None
            target = kids[1]  # for i, (up, conv) in enumerate(...) / for i, pair in enumerate(...)
        elif right is not None and right.type == "call" and self._fname(right) == "zip":
            return None  # zip of separate lists: _loop_targets
        if target.type == "identifier":
            return {node_text(target): first}
        kids = [c for c in target.named_children if c.type != "comment"]
        if len(kids) != len(first.items) or any(k.type != "identifier" for k in kids):
            return None
        return {node_text(k): m for k, m in zip(kids, first.items, strict=True)}

    def _distinct_items(self, m: Mod) -> Mod:
        if m.kind != "list" or len(m.items) < 2:
            return m
        seen: set[Any] = set()
        items: list[Mod] = []
        for item in m.items:
            sig = item.inst.cls.name if item.inst is not None else tuple(x.type for x in item.layers)
            if sig in seen:
                continue
            seen.add(sig)
            items.append(item)
        return replace(m, items=items)

    def _loop_targets(self, it: Node | None, left: Node | None, scope: Scope) -> dict[str, Mod] | None:
        """Loop variables that take modules in ``for conv, norm in zip(self.convs, self.norms)`` (each its own list)."""
        if it is None or left is None or it.type != "call" or self._fname(it) != "zip":
            return None
        targets = [c for c in left.named_children if c.type != "comment"]
        pos, _ = call_arguments(it)
        if left.type not in ("pattern_list", "tuple_pattern", "list_pattern") or len(targets) != len(pos):
            return None
        out: dict[str, Mod] = {}
        for target, arg in zip(targets, pos, strict=True):
            m = self._iter_mod(arg, scope)
            if m is not None and target.type == "identifier" and (m.kind != "list" or m.items):
                out[node_text(target)] = m  # (q, k, v) of tensors builds an empty list: no modules
        return out or None

    def _iter_mod(self, it: Node | None, scope: Scope) -> Mod | None:
        if it is None:
            return None
        if it.type == "call":
            fn = self._fname(it) or ""
            pos, _ = call_arguments(it)
            if fn in ("enumerate", "zip", "reversed") and pos:
                for p in pos:
                    m = self._iter_mod(p, scope)
                    if m is not None:
                        return m
                return None
            if _last(fn) in ("children", "values", "modules", "items", "named_children", "named_modules") \
                    and it.child_by_field_name("function").type == "attribute":
                return self.build(it.child_by_field_name("function").child_by_field_name("object"), scope)
            return None
        m = self.build(it, scope)
        if m is not None and m.kind in ("list", "seq"):
            return m
        return None

    def _expr_is_tensor(self, node: Node | None, st: FState) -> bool:
        if node is None:
            return False
        if node.type == "identifier":
            return node_text(node) in st.tensors
        return any(self._expr_is_tensor(c, st) for c in node.named_children)

    def fexpr_stmt(self, e: Node, scope: Scope, st: FState) -> None:
        t = e.type
        if t == "assignment":
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            if right is None:
                return
            if right.type in ("subscript", "attribute", "identifier") or (
                    right.type == "call" and self.torch_name(self._fname(right)) in T.LAYERS):
                # layer = self.layers[i]; mp = nn.MaxPool2d(k) built in forward, applied below
                m = self.build(right, scope)
                if m is not None and left is not None and left.type == "identifier":
                    scope.mods[node_text(left)] = m  # layer = self.layers[i]
                    return
            if left is not None and left.type in ("pattern_list", "tuple_pattern") and right.type in ("expression_list", "tuple"):
                # trans, conv = pair[0], pair[1]: modules taken from a pair, applied below
                names = [c for c in left.named_children if c.type != "comment"]
                vals = [c for c in right.named_children if c.type != "comment"]
                if len(names) == len(vals) and all(n.type == "identifier" and v.type in ("subscript", "attribute", "identifier")
                                                   for n, v in zip(names, vals, strict=True)):
                    built = [self.build(v, scope) for v in vals]
                    if all(b is not None and b.kind != "list" for b in built):
                        for n, b in zip(names, built, strict=True):
                            scope.mods[node_text(n)] = b
                        return
            if right.type == "list" and not right.named_children and left is not None and left.type == "identifier":
                st.lists.add(node_text(left))
            st.target = node_text(left) if left is not None and left.type == "identifier" else None
            is_t = self.fexpr(right, scope, st)
            st.target = None
            names = _identifiers(left)
            if is_t:
                st.tensors.update(names)
            elif left is not None and left.type == "identifier":
                v = self.value(right, scope)
                if v is not UNKNOWN:
                    scope.env[node_text(left)] = v
            return
        if t == "augmented_assignment":
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            op = node_text(e.child_by_field_name("operator"))
            rt = self.fexpr(right, scope, st)
            lt = self._expr_is_tensor(left, st)
            if op == "+=" and rt and lt:
                self.emit(st, Layer(type="Add", raw="+=", line=line_of(e)))
            return
        self.fexpr(e, scope, st)

    def emit(self, st: FState, layer: Layer) -> None:
        push(st.layers, layer, st.repeat)

    def emit_act(self, st: FState, act: str, raw: str, line: int) -> None:
        if act == "linear":
            return  # identity-like (softplus on a scale, nn.Identity): nothing to fold
        push(st.layers, _act_layer(act, raw, line))

    def apply(self, m: Mod, st: FState) -> None:
        if m.kind == "act":
            self.emit_act(st, m.act or "linear", m.raw, m.line or 0)
            return
        if m.cell or (m.kind == "layer" and st.loop > 0 and id(m) in st.cells_done):
            if id(m) in st.cells_done:
                return
            st.cells_done.add(id(m))
        elif st.loop > 0 and m.kind in ("layer", "seq", "inst"):
            if id(m) in st.cells_done:
                return
            st.cells_done.add(id(m))
        for layer in self.mod_layers(m):
            if not push(st.layers, layer, st.repeat):
                break

    def fexpr(self, node: Node | None, scope: Scope, st: FState) -> bool:
        """Walk an expression of forward code in evaluation order; True if it yields a tensor."""
        if node is None:
            return False
        t = node.type
        if t == "identifier":
            return node_text(node) in st.tensors
        if t == "call":
            return self.fcall(node, scope, st)
        if t == "binary_operator":
            lt = self.fexpr(node.child_by_field_name("left"), scope, st)
            rt = self.fexpr(node.child_by_field_name("right"), scope, st)
            op = node_text(node.child_by_field_name("operator"))
            bias = st.raw_weights and any(_root_name(node.child_by_field_name(k)) in st.raw_weights
                                          for k in ("left", "right"))
            if op == "+" and lt and rt and not bias and not _REPARAM.search(node_text(node)):
                self.emit(st, Layer(type="Add", raw="+", line=line_of(node)))
            if op == "@" and st.raw_weights and (lt != rt) and self._is_weight(
                    node.child_by_field_name("right" if lt else "left"), st):
                # h @ W with W a weight of the script: a dense layer written by hand
                self.emit(st, Layer(type="Dense", raw="@", line=line_of(node)))
                return True
            return lt or rt
        if t in ("list_comprehension", "generator_expression"):
            clause = next((c for c in node.named_children if c.type == "for_in_clause"), None)
            inner = scope.child()
            if clause is not None:
                right = clause.child_by_field_name("right")
                left = clause.child_by_field_name("left")
                idents = _identifiers(left)
                it_mod = self._iter_mod(right, scope)
                rt = self.fexpr(right, scope, st) if it_mod is None else False
                if it_mod is not None and idents:
                    inner.mods.update(self._loop_targets(right, left, scope) or {idents[-1]: it_mod})
                elif rt:
                    st.tensors.update(idents)
            body = node.named_children[0] if node.named_children else None
            return self.fexpr(body, inner, st)
        if t in ("string", "integer", "float", "true", "false", "none", "comment", "lambda"):
            return False
        if t == "attribute":
            return self.fexpr(node.child_by_field_name("object"), scope, st)
        if t == "subscript":
            r = self.fexpr(node.child_by_field_name("value"), scope, st)
            return r
        if t == "keyword_argument":
            return self.fexpr(node.child_by_field_name("value"), scope, st)
        res = False
        for c in node.named_children:
            res = self.fexpr(c, scope, st) or res
        return res

    def fcall(self, node: Node, scope: Scope, st: FState) -> bool:
        fnode = node.child_by_field_name("function")
        argnode = node.child_by_field_name("arguments")
        fn = dotted_name(fnode)
        line = line_of(node)
        pos, kw = call_arguments(node)

        def args_first() -> bool:
            return self.fexpr(argnode, scope, st) if argnode is not None else False

        if fn is None:
            # chained: self.conv(x).view(...), F.relu(x).squeeze(), self.layers[i](x)
            if fnode is not None and fnode.type == "attribute":
                obj = fnode.child_by_field_name("object")
                meth = node_text(fnode.child_by_field_name("attribute"))
                ot = self.fexpr(obj, scope, st)
                at = args_first()
                return self._method_op(meth, node, pos, ot, st, line) or ot or at
            if fnode is not None and fnode.type == "subscript":
                m = self.build(fnode, scope)
                at = args_first()
                if m is not None:
                    self.apply(m, st)
                    return True
                return at
            if fnode is not None and fnode.type == "call" and self._fname(fnode) == "getattr":
                m = self.build(fnode, scope)  # getattr(self, f"block{i}")(x)
                at = args_first()
                if m is not None:
                    self.apply(m, st)
                    return True
                # getattr(F, "gelu")(x) / getattr(torch, self.act)(x): an activation picked by name
                gpos, _ = call_arguments(fnode)
                name = self.value(gpos[1], scope) if len(gpos) == 2 else None
                owner = (self.s.resolve(dotted_name(gpos[0]) or "") or "") if gpos else ""
                act = vocab.canonical_activation(name) if isinstance(name, str) else None
                if act is not None and owner.startswith("torch"):
                    self.emit_act(st, act, str(name), line)
                    return True
                return at
            return args_first()
        # self.X(...) : a module attribute or a method
        if fn.startswith("self.") and scope.inst is not None:
            attr = fn[5:]
            m = self._attr(scope.inst, attr)
            if m is not None:
                args_first()
                self.apply(m, st)
                return True
            if "." not in attr:
                f = self._method(scope.inst.cls, attr)
                if f is not None:
                    return self._inline(f, node, scope, st, method=True)
            if "." in attr:
                # self.conv(x) handled above; self.x.view(...): method on an attribute
                head, _, meth = attr.rpartition(".")
                base = self._attr(scope.inst, head)
                if base is not None and meth in ("forward", "__call__"):
                    args_first()
                    self.apply(base, st)
                    return True
            return args_first()
        # a name bound to a module (loop variable over a ModuleList, a block param)
        if "." not in fn and fn in scope.mods:
            args_first()
            self.apply(scope.mods[fn], st)
            return True
        last = _last(fn)
        # a tensor method: x.view(...), x.relu(), out.flatten(1)
        head = fn.split(".")[0]
        if last in ("append", "extend") and head in st.lists and st.branching:
            st.branch_lists.add(head)  # one output per branch of a ModuleList: joined later by torch.cat
        if "." in fn and head in st.tensors:
            at = args_first()
            return self._method_op(last, node, pos, True, st, line) or True or at
        # torch functional ops
        fname = self.functional_name(fn)
        if fname in T.NEW_TENSORS:
            args_first()
            return False
        if fname is not None:
            at = args_first()
            return self._functional(fname, fn, node, pos, kw, scope, st, line) or at
        # local classes created in forward (rare) and local helper functions
        cls = scope.classes.get(fn) or self.classes.get(fn)
        if cls is not None and cls.is_module:
            m = self.build(node, scope)
            at = args_first()
            if m is not None:
                self.apply(m, st)
                return True
            return at
        f = scope.funcs.get(fn) or self.funcs.get(fn)
        if f is not None and "." not in fn:
            return self._inline(f, node, scope, st, method=False)
        # nn.X(...)(x) built inline is rare; everything else: just its arguments
        return args_first()

    def _inline(self, f: FuncInfo, call: Node, scope: Scope, st: FState, method: bool) -> bool:
        """Walk a helper (``self.encode(x)``, ``def block(x)``) in place."""
        if self.depth > MAX_DEPTH:
            return False
        argnode = call.child_by_field_name("arguments")
        pos, kw = call_arguments(call)
        tensor_args: list[bool] = []
        for p in pos:
            tensor_args.append(self.fexpr(p, scope, st))
        kw_tensor = {k: self.fexpr(v, scope, st) for k, v in kw.items()}
        _ = argnode
        self.depth += 1
        try:
            inner = self.bind(f, call, scope, skip_self=method)
            inner.inst = scope.inst if method else None
            sub = FState(tensors=set(), repeat=st.repeat, loop=st.loop, cells_done=st.cells_done,
                         recurrent=st.recurrent or any(x.type in _RNN_TYPES for x in st.layers))
            params = [p for p in f.params if p[2] == "plain"]
            if method and params and params[0][0] == "self":
                params = params[1:]
            any_t = False
            for (name, _d, _k), is_t in zip(params, tensor_args, strict=False):
                if is_t:
                    sub.tensors.add(name)
                    any_t = True
            for k, is_t in kw_tensor.items():
                if is_t:
                    sub.tensors.add(k)
                    any_t = True
            if not any_t and params:
                # a helper given no tensor we know of: treat its first argument as the data
                sub.tensors.add(params[0][0])
            self.run_forward(f.body, inner, sub)
        finally:
            self.depth -= 1
        layers = sub.layers
        if not any(x.type not in T.NON_PARAMETRIC for x in layers) and _attention_maths(node_text(f.body)):
            # attention written by hand (bmm + softmax) in a helper: one Attention layer
            layers = [Layer(type="Attention", raw=f.name, line=line_of(call))]
        for layer in layers:
            if not push(st.layers, layer):
                break
        return bool(sub.layers) or any(tensor_args)

    def _method_op(self, meth: str, node: Node, pos: list[Node], on_tensor: bool, st: FState, line: int) -> bool:
        if not on_tensor:
            return False
        if meth in T.RESHAPE_METHODS:
            self.emit(st, Layer(type=self._reshape_type(pos, st), raw=f".{meth}", line=line))
            return True
        if meth in T.FLATTEN_METHODS:
            self.emit(st, Layer(type="Flatten", raw=".flatten", line=line))
            return True
        if meth in T.REDUCTIONS:
            pool = self._reduction(meth, node, pos)
            if pool is not None:
                self.emit(st, Layer(type=pool, raw=f".{meth}", line=line))
            return True
        act = vocab.canonical_activation(meth)
        if act is not None and meth not in ("linear",) and meth.lower() not in T.NOT_ACTIVATIONS:
            self.emit_act(st, act, f".{meth}", line)
            return True
        return on_tensor

    def _reduction(self, fname: str, call: Node, dims: list[Node]) -> str | None:
        """``x.mean(dim=1)`` / ``x.max(dim=-1)`` / ``torch.mean(x, (2, 3))``: pooling over positions."""
        _, kw = call_arguments(call)
        dim = kw.get("dim") or kw.get("axis") or (dims[0] if dims else None)
        if dim is None:
            return None
        two = dim.type in ("tuple", "list") and len(dim.named_children) >= 2
        if fname in ("mean", "avg"):
            return "GlobalAveragePooling2D" if two else "GlobalAveragePooling1D"
        return "GlobalMaxPooling2D" if two else "GlobalMaxPooling1D"

    def _reshape_type(self, pos: list[Node], st: FState) -> str:
        """``view(B, -1)`` / ``view(-1, 320)`` flatten; any other shape is a Reshape.

        ``view(-1)`` / ``view(-1, 1)`` reshape a model's output, ``view(B * T, C)`` merges
        batch and time, and so does ``view(-1, hidden)`` / ``view(len(seq), -1)`` on an RNN's
        output: all reshapes, not the flattening before a classifier (the spec's hard cases
        and the labellers' decision). ``view(x.size(0), -1)`` after an RNN still flattens.
        """
        if len(pos) == 1 and pos[0].type in ("tuple", "list"):
            pos = list(pos[0].named_children)
        if any(p.type in ("list_splat", "tuple", "list") for p in pos):
            return "Reshape"
        if len(pos) != 2:
            return "Reshape"
        texts = [node_text(p).replace(" ", "") for p in pos]
        if "-1" not in texts:
            # view(x.size(0), 784): two dimensions, batch first, is the same flatten written with its width
            # (not on a recurrent model, whose (batch, hidden) views pick a time step's output)
            if _BATCH_DIM.search(texts[0]) and texts[1] != "1" and not _BATCH_DIM.search(texts[1]) \
                    and not st.recurrent and not any(layer.type in _RNN_TYPES for layer in st.layers):
                return "Flatten"
            return "Reshape"
        other = texts[1] if texts[0] == "-1" else texts[0]
        if other == "1":
            return "Reshape"
        if _after_rnn(st.layers) and (texts[0] == "-1" or not _BATCH_DIM.search(texts[0])):
            return "Reshape"
        return "Flatten"

    def _functional(self, fname: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope, st: FState, line: int) -> bool:
        if fname in ("mm", "matmul") and st.raw_weights and len(pos) == 2 and self._is_weight(pos[1], st):
            self.emit(st, Layer(type="Dense", raw="@", line=line))
            return True
        if fname in T.CONCAT:
            if pos and pos[0].type == "identifier" and node_text(pos[0]) in st.lists \
                    and node_text(pos[0]) not in st.branch_lists:
                return True  # time steps gathered in a loop, not branches joined
            if st.loop and not st.branching and st.target and pos and pos[0].type in ("tuple", "list") \
                    and pos[0].named_children and node_text(pos[0].named_children[0]) == st.target:
                # x = torch.cat((x, step), 0) in a loop: accumulating, not joining branches (a loop over
                # decoder stages joins the skip: for up, conv in ...: x = torch.cat((up(x), skip), 1))
                return True
            self.emit(st, Layer(type="Concatenate", raw=fn, line=line))
            return True
        if fname in T.ADD and len(pos) >= 2:
            self.emit(st, Layer(type="Add", raw=fn, line=line))
            return True
        if fname == "flatten":
            self.emit(st, Layer(type="Flatten", raw=fn, line=line))
            return True
        if fname in T.REDUCTIONS:
            pool = self._reduction(fname, node, pos[1:])
            if pool is not None:
                self.emit(st, Layer(type=pool, raw=fn, line=line))
                return True
            return False
        if fname in ("reshape", "view"):
            self.emit(st, Layer(type=self._reshape_type(pos[1:], st), raw=fn, line=line))
            return True
        if fname in T.FUNCTIONAL:
            ctype = T.FUNCTIONAL[fname]
            names = T.FUNCTIONAL_ARGS.get(fname, ())
            args = self._args(names, pos[1:], {k: v for k, v in kw.items() if k not in ("training", "inplace")}, scope)
            if fname in T.FUNCTIONAL_GLOBAL and args.get("output_size") in (1, [1, 1], [1]):
                ctype = T.FUNCTIONAL_GLOBAL[fname]
            if fname in ("max_pool1d", "avg_pool1d") and pos[1:2] and pos[1].type in ("call", "subscript", "attribute"):
                # F.max_pool1d(x, x.size(2)): pooling over the whole sequence
                ctype = "GlobalMaxPooling1D" if fname.startswith("max") else "GlobalAveragePooling1D"
            self.emit(st, Layer(type=ctype, raw=fn, args=args, line=line))
            return True
        act = vocab.canonical_activation(fname)
        if act is not None and fname.lower() not in T.NOT_ACTIVATIONS:
            self.emit_act(st, act, fn, line)
            return True
        return False

    # -- models ---------------------------------------------------------
    def extract(self) -> list[Summary]:
        models = self._find_models()
        if not models:
            return []
        training = TrainingReader(self, models)
        training.read()
        out: list[Summary] = []
        for m in models:
            if not m.layers:
                continue
            out.append(m.summary(self.s, self.warnings))
        return out

    def _code_only(self) -> str:
        """The analysed code with strings and comments blanked (byte offsets kept, as latin-1 text)."""
        raw = bytearray(self.s.code_bytes)
        for n in self._prose:
            start, end = n.start_byte, n.end_byte
            raw[start:end] = b" " * (end - start)
        return raw.decode("latin-1")

    def _outside_assigns(self) -> list[tuple[Node, Node, Node]]:
        """Assignments outside model classes (training code), as (assignment, left, right)."""
        got = getattr(self, "_outside", None)
        if got is None:
            got = self._outside = []
            for a in self.assigns:
                if self._inside_module_class(a):
                    continue
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is not None and right is not None:
                    got.append((a, left, right))
        return got

    def _find_models(self) -> list[ModelRec]:
        module_classes = [c for c in self.class_defs if c.is_module]
        top = Scope(env=dict(self.s.constants))
        # classes named anywhere outside their own body (inside another model,
        # or passed to one: ResNet(BasicBlock, ...)) are blocks unless created as models
        used_inside: set[str] = set()
        if module_classes:
            # where each name is written as a word; a class's own uses are those inside its range
            at = word_positions(self._code_only(), dict.fromkeys(c.name for c in module_classes))
            own: dict[str, int] = {}
            for c in module_classes:
                where = at.get(c.name, [])
                inside = bisect_left(where, c.node.end_byte) - bisect_left(where, c.node.start_byte)
                own[c.name] = own.get(c.name, 0) + inside
            for name, n in own.items():
                if len(at.get(name, [])) > n:
                    used_inside.add(name)
        # functions that are only helpers of module classes (conv3x3, make_layers)
        instantiated_outside: dict[str, list[tuple[str, Node]]] = {}
        var_of: dict[str, list[str]] = {}
        for a, left, right in self._outside_assigns():
            cls_name = self._created_class(right)
            if cls_name is None:
                continue
            var = _target_name(left)
            instantiated_outside.setdefault(cls_name, []).append((var or cls_name, a))
            if var:
                var_of.setdefault(cls_name, []).append(var)
        for call in self.calls_where(lambda last: last in self.classes):
            fn = self._fname(call)
            if fn in self.classes and fn not in instantiated_outside and not self._inside_module_class(call) \
                    and not self._built_into_model(call):
                instantiated_outside.setdefault(fn, []).append((fn, call))
        models: list[ModelRec] = []
        component_vars: set[str] = set()  # backbones passed to a model class or put into a model
        for c in module_classes:
            if c.name in used_inside and c.name not in instantiated_outside:
                continue
            inst = None
            parts: set[str] = set()
            creations = instantiated_outside.get(c.name) or []
            redefs = [d for d in module_classes if d.name == c.name]
            if len(redefs) > 1:
                # a notebook that defines Net again: each definition owns the creations that follow it
                nxt = next((d.node.start_byte for d in redefs if d.node.start_byte > c.node.start_byte), None)
                creations = [(v, n) for v, n in creations
                             if n.start_byte > c.node.start_byte and (nxt is None or n.start_byte < nxt)]
                if not creations and c.name in used_inside:
                    continue
            call = None
            cscope = top
            for _v, n in creations:
                cnode = n.child_by_field_name("right") if n.type == "assignment" else n
                call = _find_ctor_call(cnode, c.name)
                if call is not None:
                    cscope = Scope(env=self.env_at(call), mods=self._top_mods(call))
                    for arg in call_arguments(call)[0] + list(call_arguments(call)[1].values()):
                        if arg.type == "identifier":
                            component_vars.add(node_text(arg))
                            parts.add(node_text(arg))
                    break
            self.depth = 0
            inst = self.instantiate(c, call, cscope)
            layers = self.expand(inst) if inst is not None else []
            if creations and self._has_parameters(c) and not any(x.type not in T.NON_PARAMETRIC for x in layers):
                # a model of its own weights and maths (W @ x + b), built and used here: one Custom layer
                layers = [Layer(type="Custom", raw=c.name, line=line_of(c.node))]
            rec = ModelRec(name=c.name, node=c.node, layers=list(layers), parts=parts,
                           vars={v for v, _n in creations} if len(redefs) > 1 else set(var_of.get(c.name, [])))
            if inst is not None:
                rec.self_env = {k: v for k, v in inst.scope.env.items() if k.startswith("self.")}
            for v, n in creations:
                rec.created.setdefault(v, []).append(n.start_byte)
            models.append(rec)
        # nn.Sequential / pretrained models built outside classes
        for a, left, right in self._outside_assigns():
            if left.type != "identifier":
                continue
            kind = self._model_expr_kind(right)
            if kind is None:
                continue
            var = node_text(left)
            if kind == "layer" and not self._trained(var):
                continue
            branch = _branch_of(a)
            if any(var in r.vars and r.branch is not None and r.branch == branch for r in models):
                continue  # the same model built in the other branch of an if/else
            scope = Scope(env=self.env_at(a))
            self.depth = 0
            m = self.build(right, scope)
            if m is None:
                continue
            layers = [_copy(x) for x in self.mod_layers(m)]
            if kind == "seq":
                # `model = nn.Sequential()` then `model.add_module('fc', nn.Linear(...))`
                for layer in self._added_later(var, a):
                    if not push(layers, layer):
                        break
            if not layers:
                continue
            rec = ModelRec(name=var, node=a, layers=layers, vars={var}, branch=branch,
                           created={var: [a.start_byte]})
            # a later `model.fc = nn.Linear(...)` replaces the head of a backbone
            self._head_changes(rec, var, a, scope, component_vars)
            models.append(rec)
        # models imported from elsewhere and trained here
        known_vars = {v for r in models for v in r.vars}
        for a, left, right in self._outside_assigns():
            call = self._unwrapped(right)
            if call is None:
                continue
            var = _target_name(left)
            if var is None or var in known_vars:
                continue
            fn = self._fname(call) or ""
            last = _last(fn)
            if not last[:1].isupper() or fn in self.classes:
                continue
            full = self.s.resolve(fn) or fn
            if full.startswith(("torch", "numpy", "sklearn", "torchvision", "transformers", "collections", "argparse", "tensorflow", "keras")):
                continue
            wildcard = "." not in fn and any(k.startswith("*") for k in self.s.aliases)
            if (fn.split(".")[0] not in self.s.aliases and not wildcard) or not self._trained(var):
                continue
            layer = Layer(type="Custom", raw=last, line=line_of(a))
            rec = ModelRec(name=last, node=a, layers=[layer], vars={var}, imported=True)
            models.append(rec)
            known_vars.add(var)
        # models written as functions over weight tensors: def Q(X): h = relu(X @ Wxh + bxh) ...
        models.extend(self._function_models({m.name for m in models}))
        # a backbone handed to a model is part of it, not a model of its own
        models = [m for m in models if m.imported or not (m.vars & component_vars) or m.node.type != "assignment"
                  or any(v in self.classes for v in m.vars)]
        # a model built and returned by a helper (def build(): m = ...; return m) is reported where the helper is called
        builders = {self._fname(self._unwrapped(r)) for _a, _l, r in self._outside_assigns()
                    if self._model_expr_kind(r) == "func"}
        models = [m for m in models if not (m.node.type == "assignment" and _returned_by(m.node, m.vars) in builders)]
        # a model of only weightless ops (an fx demo, a loss module) is no model
        return [m for m in models if any(x.type not in T.NON_PARAMETRIC for x in m.layers)]

    def _built_into_model(self, call: Node) -> bool:
        """``AutoEncoder(Encoder(), Decoder())``: a block made right inside another model's constructor call."""
        p = call.parent
        if p is not None and p.type == "keyword_argument":
            p = p.parent
        outer = p.parent if p is not None and p.type == "argument_list" else None
        if outer is None or outer.type != "call":
            return False
        cls = self.classes.get(self._fname(outer) or "")
        return cls is not None and cls.is_module

    def _is_weight(self, node: Node | None, st: FState) -> bool:
        return node is not None and node.type == "identifier" and node_text(node) in st.raw_weights

    def _function_models(self, taken: set[str]) -> list[ModelRec]:
        """Module-level functions that apply weight tensors (``X @ W + b``) and are called where training happens."""
        out: list[ModelRec] = []
        train_loops = [lp for lp in self.fors + self.whiles if self.holds(lp, b".backward(")]
        if not train_loops:
            return out
        weights = {node_text(left) for _a, left, _r in self._outside_assigns() if left.type == "identifier"}
        for f in self.funcs.values():
            if f.name in taken or f.body is None or "loss" in f.name.lower():
                continue  # a loss written with the weights (a contractive penalty W**2 @ ...) is no model
            if not (self.holds(f.body, b"@") or self.holds(f.body, b"matmul(") or self.holds(f.body, b".mm(")):
                continue
            call = re.compile(rf"\b{re.escape(f.name)}\s*\(")
            if not any(call.search(node_text(lp)) for lp in train_loops):
                continue
            params = [p[0] for p in f.params if p[2] == "plain"]
            st = FState(tensors=set(params), raw_weights=weights - set(params))
            self.depth = 0
            self.run_forward(f.body, Scope(env=dict(self.s.constants)), st)
            if any(x.type == "Dense" and x.raw == "@" for x in st.layers):
                out.append(ModelRec(name=f.name, node=f.node, layers=st.layers, vars={f.name}))
        return out

    def _added_later(self, var: str, after: Node) -> list[Layer]:
        """Layers given to ``var.add_module(...)`` / ``var.append(...)`` after ``var = nn.Sequential()``."""
        out: list[Layer] = []
        calls = sorted(self.by_last.get("add_module", []) + self.by_last.get("append", []), key=lambda n: n.start_byte)
        for call in calls:
            if call.start_byte <= after.start_byte:
                continue
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("object")) != var:
                continue
            pos, _ = call_arguments(call)
            if not pos:
                continue
            m = self.build(pos[-1], Scope(env=self.env_at(call), mods=self._top_mods(call)))
            if m is not None:
                for layer in self.mod_layers(m):
                    if not push(out, layer):
                        break
        return out

    def _trained(self, var: str) -> bool:
        """Whether ``var`` appears in the arguments of an optimizer (it is trained here)."""
        texts = getattr(self, "_opt_texts", None)
        if texts is None:
            texts = self._opt_texts = []
            for call in self.calls_where(_optimizer_name):
                fn = self._fname(call) or ""
                if vocab.canonical_optimizer(_last(fn)) and (self.s.resolve(fn) or fn).startswith(("torch.optim", "optim")):
                    texts.append(node_text(call))
        if any(re.search(rf"\b{re.escape(var)}\b", t) for t in texts):
            return True
        # trained by hand: fc.zero_grad() ... loss.backward() ... param.data.add_(-lr * param.grad)
        return bool(self.by_last.get("backward")) and any(
            node_text(c.child_by_field_name("function")).split(".")[0] == var
            for key in ("zero_grad", "parameters") for c in self.by_last.get(key, []))

    def _top_mods(self, at: Node) -> dict[str, Mod]:
        """Modules bound to plain names before ``at`` outside model classes (``backbone = models.resnet18()``)."""
        cache = getattr(self, "_top_cache", None)
        if cache is None:
            cache = self._top_cache = {}
        out: dict[str, Mod] = {}
        cands = getattr(self, "_top_cands", None)
        if cands is None:
            cands = self._top_cands = []
            for a, left, right in self._outside_assigns():
                if left.type == "identifier" and (self._model_expr_kind(right) is not None
                                                  or self._created_class(right) is not None):
                    cands.append((a, left, right))
        for a, left, right in cands:
            if a.start_byte >= at.start_byte:
                break
            key = a.start_byte
            if key not in cache:
                cache[key] = None
                saved = self.depth
                self.depth = 0
                # earlier names are visible: dec = Decoder(..., attn) sees attn
                cache[key] = self.build(right, Scope(env=self.env_at(a), mods=dict(out)))
                self.depth = saved
            if cache[key] is not None:
                out[node_text(left)] = cache[key]
        return out

    def _head_changes(self, rec: ModelRec, var: str, after: Node, scope: Scope, component_vars: set[str]) -> None:
        """``model.fc = nn.Linear(...)`` after ``model = models.resnet18()``: the new head follows the backbone.

        A later assignment to the same attribute replaces the earlier one; a new
        ``model = ...`` ends the search (a notebook that builds the model again).
        """
        if not any(x.type == "Pretrained" for x in rec.layers):
            return
        heads: dict[str, list[Layer]] = {}
        for a in self.assigns:
            if a.start_byte <= after.start_byte:
                continue
            left = a.child_by_field_name("left")
            right = a.child_by_field_name("right")
            if left is None or right is None:
                continue
            text = node_text(left)
            if text == var:
                break
            if not (text.startswith(var + ".") or text.startswith(var + "[")):
                continue
            m = self.build(right, Scope(env=self.env_at(a), mods=self._top_mods(a)))
            if m is None:
                continue
            if right.type == "identifier":
                component_vars.add(node_text(right))
            heads[re.sub(r"\s+", "", text)] = [_copy(x) for x in self.mod_layers(m)]
        for layers in heads.values():
            for layer in layers:
                if not push(rec.layers, layer):
                    break

    def _model_expr_kind(self, right: Node) -> str | None:
        """``seq`` / ``pretrained`` / ``layer`` for an expression that builds a model, else None (cached)."""
        cache = getattr(self, "_kinds", None)
        if cache is None:
            cache = self._kinds = {}
        if right not in cache:
            cache[right] = None  # a builder that calls itself must not recurse forever
            cache[right] = self._model_expr_kind_uncached(right)
        return cache[right]

    def _model_expr_kind_uncached(self, right: Node) -> str | None:
        call = self._unwrapped(right)
        if call is None:
            return None
        fn = self._fname(call)
        if fn is None:
            fnode = call.child_by_field_name("function")
            if fnode is not None and fnode.type == "subscript":
                base = dotted_name(fnode.child_by_field_name("value")) or ""
                if (self.s.resolve(base) or base).startswith("torchvision.models"):
                    return "pretrained"
            return None
        tn = self.torch_name(fn)
        if tn in ("Sequential",):
            return "seq"
        if tn in T.LAYERS:
            return "layer"  # a single layer trained as a model (linear regression)
        full = self.s.resolve(fn) or fn
        last = _last(fn)
        if full.startswith("torchvision.models") and last[:1].islower() and last not in T.TV_NOT_MODELS:
            return "pretrained"
        if full.startswith("timm.create_model"):
            return "pretrained"
        if last == "from_pretrained":
            return "pretrained"
        f = self.funcs.get(fn) if "." not in fn else None
        if f is not None and f.body is not None and fn in self._model_makers():
            # model = build_model(): a function that returns an nn.Sequential or a backbone
            text = node_text(f.body)
            if not any(re.search(rf"\b{re.escape(c.name)}\s*\(", text) for c in self.class_defs if c.is_module):
                return "func"
        return None

    def _model_makers(self) -> set[str]:
        """Names of module-level functions whose body builds an nn.Sequential or a pretrained backbone."""
        got = getattr(self, "_makers", None)
        if got is not None:
            return got
        got = self._makers = set()
        cands = [c for key in ("Sequential", "from_pretrained", "create_model") for c in self.by_last.get(key, [])]
        vision = {k for k, v in self.s.aliases.items() if v.startswith("torchvision")}
        if vision:
            cands += [c for last, calls in self.by_last.items() if last[:1].islower() for c in calls
                      if (self._fname(c) or "").split(".")[0] in vision]
        for call in cands:
            name = _enclosing_function_name(call)
            if name in self.funcs and name not in got and self._model_expr_kind(call) in ("seq", "pretrained"):
                got.add(name)
        return got

    def _unwrapped(self, node: Node) -> Node | None:
        """``_unwrap_call`` cached: model finding asks about the same right-hand sides many times."""
        cache = self._unwrap_cache
        if node in cache:
            return cache[node]
        got = cache[node] = _unwrap_call(node, self._fname)
        return got

    def _created_class(self, right: Node) -> str | None:
        call = self._unwrapped(right)
        if call is None:
            return None
        fn = self._fname(call)
        if fn in self.classes and self.classes[fn].is_module:
            return fn
        return None

    def _inside_module_class(self, node: Node) -> bool:
        b = node.start_byte
        i = bisect_right(self._model_starts, b) - 1
        return i >= 0 and b < self._model_ends[i]

    # -- values in training code ---------------------------------------
    _env_cache: dict[int, dict[str, Any]]

    def env_at(self, node: Node) -> dict[str, Any]:
        """Values visible at ``node``: constants, enclosing functions' defaults/call arguments, local assignments."""
        env = dict(self._module_env(node.start_byte))
        funcs = []
        p = node.parent
        while p is not None:
            if p.type == "function_definition":
                funcs.append(p)
            p = p.parent
        for fnode in reversed(funcs):
            env.update(self._func_env(fnode, node))
        return env

    def _module_env(self, upto: int) -> dict[str, Any]:
        """Constants, settings-class values and module-level names assigned before byte ``upto`` (shared: copy it).

        Many places ask for the values at a point of a long notebook; each distinct
        point is built once.
        """
        values = self._module_values()
        starts = self._modval_starts
        i = bisect_left(starts, upto)
        got = self._module_envs.get(i)
        if got is None:
            got = dict(self.s.constants)
            got.update(self._class_constants())
            # module-level code inside `if __name__ == "__main__":` / `with` / loops
            for _start, name, value in values[:i]:
                got[name] = value
            self._module_envs[i] = got
        return got

    def _class_constants(self) -> dict[str, Any]:
        """``class CFG: lr = 1e-3`` (a settings class, common in notebooks) as ``CFG.lr``."""
        got = getattr(self, "_cls_consts", None)
        if got is not None:
            return got
        got = self._cls_consts = {}
        for c in self.classes.values():
            if c.is_module:
                continue
            body = c.node.child_by_field_name("body")
            init = c.methods.get("__init__")
            stmts = list(body.named_children) if body is not None else []
            if init is not None and init.body is not None:
                stmts += list(init.body.named_children)  # self.batch_size = 128 in a Config's __init__
            for stmt in stmts:
                a = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
                if a is None or a.type != "assignment":
                    continue
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                key = node_text(left) if left is not None and left.type == "identifier" else None
                if left is not None and left.type == "attribute" and (dotted_name(left) or "").startswith("self."):
                    key = (dotted_name(left) or "")[5:]
                if key and right is not None and "." not in key:
                    v = self.s.value(right, {**self.s.constants, **got})
                    if v is not UNKNOWN and _jsonable(v):
                        got[f"{c.name}.{key}"] = v
        # config = Config(batch_size=128): the instance's values, its arguments first
        for _a, left, right in self._outside_assigns():
            if left.type != "identifier" or right.type != "call":
                continue
            cname = self._fname(right)
            prefix = f"{cname}."
            if not cname or not any(k.startswith(prefix) for k in got):
                continue
            var = node_text(left)
            for k, v in list(got.items()):
                if k.startswith(prefix):
                    got[f"{var}.{k[len(prefix):]}"] = v
            _, kw = call_arguments(right)
            for k, node in kw.items():
                v = self.s.value(node, {**self.s.constants, **got})
                if v is not UNKNOWN and _jsonable(v):
                    got[f"{var}.{k}"] = v
        return got

    def _module_values(self) -> list[tuple[int, str, Any]]:
        """Names assigned at module level (top-level statements and blocks such as the main guard), in order.

        A notebook that sets ``batch_size = 128`` and later ``batch_size = 10000`` for a
        test loader uses 128 for what comes between the two.
        """
        got = getattr(self, "_modvals", None)
        if got is not None:
            return got
        got = self._modvals = []
        self._modval_starts: list[int] = []
        self._module_envs: dict[int, dict[str, Any]] = {}
        env: dict[str, Any] = {}
        # byte ranges of every def and class (an assignment cannot sit in a lambda)
        starts, ends = _merged_ranges((n.start_byte, n.end_byte) for n in self._def_nodes)
        for a in self.assigns:
            b = a.start_byte
            i = bisect_right(starts, b) - 1
            if i >= 0 and b < ends[i]:
                continue  # inside a function or class
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is None or right is None or left.type != "identifier":
                continue
            v = self.s.value(right, env)
            if v is not UNKNOWN:
                env[node_text(left)] = v
                got.append((a.start_byte, node_text(left), v))
                self._modval_starts.append(a.start_byte)
        return got

    def _func_env(self, fnode: Node, upto: Node) -> dict[str, Any]:
        cache = getattr(self, "_fenv", None)
        if cache is None:
            cache = self._fenv = {}
        key = fnode.start_byte
        if key not in cache:
            cache[key] = None  # recursion guard
            f = self._func_info(fnode, None)
            env: dict[str, Any] = {}
            for name, default, _ in f.params:
                if default is not None:
                    v = self.s.value(default, self.s.constants)
                    if v is not UNKNOWN:
                        env[name] = v
            # a call's argument wins over the default
            call = self._call_site(f.name, fnode)
            if call is not None:
                pos, kw = call_arguments(call)
                cenv = self.env_at(call) if call is not None else {}
                params = [p for p in f.params if p[2] == "plain" and p[0] not in ("self",)]
                for (name, _, _), arg in zip(params, pos, strict=False):
                    if arg.type in ("list_splat", "dictionary_splat"):
                        break
                    v = self.s.value(arg, cenv)
                    if v is not UNKNOWN:
                        env[name] = v
                    else:
                        env.pop(name, None)
                for k, arg in kw.items():
                    v = self.s.value(arg, cenv)
                    if v is not UNKNOWN:
                        env[k] = v
            cache[key] = (env, self._local_assigns(fnode))
        entry = cache[key]
        if entry is None:
            return {}
        env, assigns = entry
        env = dict(env)
        for a in assigns:
            if a.start_byte >= upto.start_byte:
                break
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and right is not None and left.type == "identifier":
                v = self.s.value(right, {**self.s.constants, **env})
                if v is not UNKNOWN:
                    env[node_text(left)] = v
        return env

    def _local_assigns(self, fnode: Node) -> list[Node]:
        out = []
        for a in self.assigns:
            if fnode.start_byte <= a.start_byte < fnode.end_byte:
                out.append(a)
        return out

    def _call_site(self, name: str, fnode: Node) -> Node | None:
        for call in self.by_last.get(name, []):
            fn = self._fname(call)
            if fn == name and not (fnode.start_byte <= call.start_byte < fnode.end_byte):
                pos, kw = call_arguments(call)
                if pos or kw:
                    return call
        return None


# mu + eps * std: sampling a latent, not a residual connection
_REPARAM = re.compile(r"\b(eps|epsilon|std|sigma|noise)\b|randn|normal")


def _repeat_mod(m: Mod, n: int | None) -> Mod:
    """The same module applied in a loop ``n`` times (``repeat`` on its layers)."""
    if not n or n <= 1:
        return m
    return replace(m, repeat=n * (m.repeat or 1))


# the batch dimension as scripts write it: x.size(0), x.shape[0], batch_size, bs, B, N
_BATCH_DIM = re.compile(r"size\(0\)|shape\[0\]|batch|^bs?$|^[bBnN]$|^n_?samples$", re.I)
# packages whose classes are never a hidden nn.Module subclass of the project
_LIBRARY_ROOTS = {"torch", "torchvision", "tensorflow", "tf", "keras", "sklearn", "numpy", "np", "pandas",
                  "abc", "typing", "enum", "collections", "dataclasses", "lightning", "pytorch_lightning",
                  "transformers", "gym", "gymnasium", "threading", "multiprocessing", "json", "unittest"}
_RNN_TYPES = {"LSTM", "GRU", "SimpleRNN", "Bidirectional"}
_PASS_THROUGH = {"Dropout", "SpatialDropout", "Activation"}


def _name_pattern(node: Node) -> str | None:
    """``f"stage{i}"`` / ``"fc%d" % i`` / ``"conv" + str(i)`` -> ``stage*`` / ``fc*`` / ``conv*``: a family of names."""
    text = node_text(node)
    m = re.match(r"[fF]?[\"']([A-Za-z_][A-Za-z0-9_]*)(?:\{|%|[\"']\s*\+)", text)
    return m.group(1) + "*" if m else None


def _after_rnn(layers: list[Layer]) -> bool:
    """Whether the last layer that changes the data (dropout aside) is recurrent."""
    for layer in reversed(layers):
        if layer.type not in _PASS_THROUGH:
            return layer.type in _RNN_TYPES
    return False


def _identifiers(node: Node | None) -> list[str]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node_text(node)]
    out: list[str] = []
    for c in node.named_children:
        out.extend(_identifiers(c))
    return out


def _env_key(scope: Scope) -> tuple[Any, ...]:
    """What a block's constructor was given: plain values, modules and classes bound to its parameters."""
    vals = tuple(sorted((k, repr(v)[:200]) for k, v in scope.env.items()))
    mods = tuple(sorted((k, id(m)) for k, m in scope.mods.items()))
    classes = tuple(sorted((k, c.name) for k, c in scope.classes.items()))
    return vals, mods, classes


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


def _merged_ranges(ranges: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Half-open byte ranges merged where they nest or touch: (starts, ends), for ``bisect``."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [r[0] for r in merged], [r[1] for r in merged]


def _word_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        counts[w] = counts.get(w, 0) + 1
    return counts


def _target_name(left: Node) -> str | None:
    if left.type == "identifier":
        return node_text(left)
    dn = dotted_name(left)
    if dn:
        return _last(dn)
    return None


def _unwrap_call(node: Node, fname: Any = call_function_name) -> Node | None:
    """``Net().to(device)`` / ``nn.DataParallel(Net())`` -> the ``Net()`` call.

    ``fname`` names what a call calls (the extractor passes its cached reader).
    """
    while node is not None and node.type == "call":
        fn = fname(node)
        if fn is None:
            # not a plain name, so possibly a method of a call: Net().to(device)
            fnode = node.child_by_field_name("function")
            if fnode is not None and fnode.type == "attribute":
                meth = node_text(fnode.child_by_field_name("attribute"))
                obj = fnode.child_by_field_name("object")
                if meth in ("to", "cuda", "cpu", "double", "float", "half") and obj is not None and obj.type == "call":
                    node = obj
                    continue
            return node
        if _last(fn) in ("DataParallel", "DistributedDataParallel", "compile"):
            pos, _ = call_arguments(node)
            if pos and pos[0].type == "call":
                node = pos[0]
                continue
        return node
    return None


_DOTTED_BYTES = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_PLAIN_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*")


def _fast_function_name(call: Node) -> str | None:
    """``call_function_name`` from the node's text when it is a plain dotted name (most calls)."""
    fnode = call.child_by_field_name("function")
    if fnode is None or fnode.type not in ("identifier", "attribute"):
        return None
    raw = fnode.text
    text = raw.decode("utf-8", "replace") if raw is not None else ""
    if _PLAIN_DOTTED.fullmatch(text):
        return re.sub(r"\s+", "", text) if ("\n" in text or " " in text) else text
    return call_function_name(call)


_SCHEDULERS = {"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "OneCycleLR",
               "LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts", "LinearLR", "PolynomialLR", "SequentialLR"}


@lru_cache(maxsize=8192)
def _optimizer_name(last: str) -> bool:
    """Call names of optimizers (``Adam``, ``SGD``); the same few hundred names recur in every file."""
    return vocab.canonical_optimizer(last) is not None


@lru_cache(maxsize=8192)
def _trick_name(last: str) -> bool:
    """Call names that may show a training trick (schedulers, clipping, AMP, saving)."""
    return (last in _SCHEDULERS or last.endswith("LR") or "schedul" in last.lower() or last in ("clip_grad_norm_", "clip_grad_value_",
            "clip_grad_norm", "autocast", "GradScaler", "save"))


_FIXED_PREDICATES = (_optimizer_name, _trick_name)

# attention computed by hand: scores by a batched product, weights by a softmax
_PRODUCT = re.compile(r"\b(?:bmm|matmul|einsum)\s*\(|\w\s*@\s*\w")


def _attention_maths(text: str) -> bool:
    return "softmax" in text and _PRODUCT.search(text) is not None

# capitalised calls that are not blocks of a model
_NOT_BLOCK_MODULES = ("torch", "numpy", "np.", "collections", "typing", "argparse", "logging", "pathlib", "math",
                      "dataclasses", "enum", "functools", "itertools", "PIL", "sklearn", "pandas", "keras",
                      "tensorflow", "tf.", "jax", "flax")
_NOT_BLOCKS = {"Exception", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "KeyError",
               "AssertionError", "Parameter", "Tensor", "FloatTensor", "LongTensor", "OrderedDict", "Variable",
               "Path", "Counter", "Image", "Normal", "Categorical", "Bernoulli", "Uniform"}

# attributes of a backbone that are numbers or tensors, not parts of it
_NOT_PARTS = {"in_features", "out_features", "in_channels", "out_channels", "num_features", "weight", "bias",
              "hidden_size", "embedding_dim", "num_classes", "config", "device", "dtype"}

_LABEL_PARAMS = {"targets", "target", "labels", "label", "y", "y_true", "gt"}

# names under which scripts keep a loss they compute by hand
_LOSS_NAME = re.compile(r"loss|kl|bce|mse|err|cost|nll|elbo|^ce$", re.I)


def _call_parts(call: Node) -> list[Node]:
    """The object a method is called on and the positional arguments of a call."""
    out: list[Node] = []
    fnode = call.child_by_field_name("function")
    while fnode is not None and fnode.type == "attribute":
        obj = fnode.child_by_field_name("object")
        if obj is None:
            break
        out.append(obj)
        fnode = obj.child_by_field_name("function") if obj.type == "call" else None
        if obj.type == "call":
            out.extend(call_arguments(obj)[0])
    out.extend(call_arguments(call)[0])
    return out


def _returned_by(node: Node, names: set[str]) -> str | None:
    """The function holding ``node`` if it returns one of ``names``."""
    p = node.parent
    while p is not None and p.type != "function_definition":
        p = p.parent
    if p is None:
        return None
    body = p.child_by_field_name("body")
    for stmt in body.named_children if body is not None else []:
        if stmt.type == "return_statement" and stmt.named_children and node_text(stmt.named_children[0]) in names:
            return node_text(p.child_by_field_name("name"))
    return None


def _root_name(node: Node | None) -> str | None:
    """``bxh`` for ``bxh.repeat(n, 1)`` / ``b[0]`` / ``b``: the name an expression starts from."""
    while node is not None:
        if node.type == "identifier":
            return node_text(node)
        if node.type == "call":
            node = node.child_by_field_name("function")
        elif node.type == "attribute":
            node = node.child_by_field_name("object")
        elif node.type == "subscript":
            node = node.child_by_field_name("value")
        else:
            return None
    return None


def _enclosing_function_name(node: Node) -> str | None:
    p = node.parent
    while p is not None:
        if p.type == "function_definition":
            return node_text(p.child_by_field_name("name"))
        p = p.parent
    return None


def _range_call(it: Node | None) -> Node | None:
    """The ``range(...)`` a loop runs over, through ``enumerate`` / ``tqdm`` / ``trange`` wrappers."""
    for _ in range(4):
        if it is None or it.type != "call":
            return None
        fn = call_function_name(it) or ""
        last = _last(fn)
        if fn == "range" or last == "trange":
            return it
        if last not in ("enumerate", "tqdm", "notebook", "auto", "progress_bar", "track"):
            return None
        pos, _ = call_arguments(it)
        it = pos[0] if pos else None
    return None


def _branch_of(node: Node) -> int | None:
    """The if-statement one of whose branches holds ``node`` (for if/else pairs), if any."""
    p = node.parent
    while p is not None and p.type not in ("function_definition", "module"):
        if p.type == "if_statement":
            return p.start_byte
        p = p.parent
    return None


def _find_ctor_call(node: Node | None, name: str) -> Node | None:
    if node is None:
        return None
    call = _unwrap_call(node)
    if call is not None and call_function_name(call) == name:
        return call
    return None


# ---------------------------------------------------------------------------
# Models and their training


@dataclass
class ModelRec:
    name: str
    node: Node
    layers: list[Layer]
    vars: set[str] = field(default_factory=set)
    imported: bool = False
    branch: int | None = None  # start of the if-statement whose branch built it
    created: dict[str, list[int]] = field(default_factory=dict)  # var -> where it is bound to this model
    parts: set[str] = field(default_factory=set)  # names of models handed to its constructor (Seq2Seq(enc, dec))
    self_env: dict[str, Any] = field(default_factory=dict)  # self.lr = 1e-3 and the like, read in __init__
    hp: Hyperparameters = field(default_factory=Hyperparameters)
    tricks: list[str] = field(default_factory=list)
    input_shape: list[Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self, script: Script, file_warnings: list[str]) -> Summary:
        warnings = list(self.warnings)
        status = "ok"
        if self.imported:
            warnings.append(f"{self.name} is defined in another file: its layers are not read")
            status = "partial"
        if len(self.layers) >= MAX_LAYERS:
            warnings.append(f"model cut at {MAX_LAYERS} layers")
            status = "partial"
        if file_warnings:
            status = "partial"
        return Summary(
            id="",
            name=self.name,
            source=Source(path=script.path, line_start=line_of(self.node), line_end=end_line_of(self.node)),
            framework="pytorch",
            layers=self.layers,
            hyperparameters=self.hp,
            input_shape=self.input_shape,
            tricks=list(dict.fromkeys(self.tricks)),
            parse=ParseInfo(status=status, warnings=warnings + list(file_warnings)),
        )


class TrainingReader:
    """Reads optimizers, losses, loops and loaders, and gives each to the model it trains."""

    def __init__(self, ex: TorchExtractor, models: list[ModelRec]) -> None:
        self.ex = ex
        self.s = ex.s
        self.models = models
        self.by_var: dict[str, list[ModelRec]] = {}
        for m in models:
            for v in m.vars:
                self.by_var.setdefault(v, []).append(m)
        self.opt_of: dict[str, list[ModelRec]] = {}  # optimizer var -> models
        self._parts_cache: dict[Node, list[str]] = {}
        self._library_losses: dict[Node, tuple[str, str] | None] = {}
        self._fname = ex._fname  # the extractor's cached call names
        self._trained_loaders: set[str] | None = None

    def owners(self, node: Node) -> list[ModelRec]:
        """Models whose variables appear in ``node`` (``generator.parameters()``)."""
        text = node_text(node)
        found: list[ModelRec] = []
        for ident in re.findall(r"(?<![.\w])([A-Za-z_]\w*)(?:\s*\.\s*\w+|\[[^\]]*\])*?\s*\.\s*(?:parameters|named_parameters|state_dict)\b", text):
            m = self._var_model(ident, node)
            if m is not None and m not in found:
                found.append(m)
        if not found:
            for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
                m = self._var_model(ident, node)
                if m is not None and m not in found:
                    found.append(m)
        return found

    def _var_model(self, var: str, at: Node) -> ModelRec | None:
        """The model a name holds at ``at``: the latest one bound to it before (a notebook reuses ``model``)."""
        cands = self.by_var.get(var, [])
        if len(cands) <= 1:
            return cands[0] if cands else None
        best, best_pos = None, -1
        for m in cands:
            for pos in m.created.get(var, [m.node.start_byte]):
                if best_pos < pos <= at.start_byte:
                    best, best_pos = m, pos
        return best or cands[0]

    def _in_model_class(self, node: Node) -> bool:
        return self.ex._inside_module_class(node)

    def read(self) -> None:
        self._optimizers()
        self._manual_sgd()
        self._losses()
        self._loops_and_loaders()
        self._tricks()
        self._input_shape()
        self._lightning_losses()
        self._config_class_values()
        self._flag_defaults()
        self._parts_share_training()

    def _config_class_values(self) -> None:
        """A settings class of the file (``class Config: self.learning_rate = 1e-3``) fills what training code did not."""
        consts = self.ex._class_constants()
        if not consts:
            return
        keys = {"learning_rate": ("learning_rate", "lr"), "batch_size": ("batch_size", "bs"),
                "epochs": ("num_epochs", "epochs", "n_epochs", "epoch", "max_epochs")}
        found: dict[str, Any] = {}
        for field_name, names in keys.items():
            for k, v in consts.items():
                cls, _, attr = k.partition(".")
                if cls in self.ex.classes and attr in names and isinstance(v, (int, float)) and not isinstance(v, bool):
                    found.setdefault(field_name, v)
        for m in self.models:
            if m.hp.learning_rate is None and "learning_rate" in found:
                m.hp.learning_rate = float(found["learning_rate"])
            if m.hp.batch_size is None and "batch_size" in found:
                m.hp.batch_size = int(found["batch_size"])
            if m.hp.epochs is None and m.hp.steps is None and "epochs" in found:
                m.hp.epochs = int(found["epochs"])

    def _flag_defaults(self) -> None:
        """``--lr`` / ``--epochs`` defaults of the script's own flags, where training code elsewhere reads them.

        ``mp.Process(target=train, args=(rank, args, model))`` with ``train`` imported: the
        optimizer and the loop are in another file, the values are written here.
        """
        flags = self.s.argparse_defaults
        lr = next((v for k in ("lr", "learning_rate") if _is_number(v := flags.get(k))), None)
        epochs = next((v for k in ("epochs", "num_epochs", "n_epochs", "max_epochs")
                       if isinstance(v := flags.get(k), int) and not isinstance(v, bool) and v > 0), None)
        for m in self.models:
            # an optimizer made here without lr= runs at the library's default, whatever --lr says
            if m.hp.learning_rate is None and m.hp.optimizer is None and lr is not None:
                m.hp.learning_rate = float(lr)
            if m.hp.epochs is None and m.hp.steps is None and epochs is not None:
                m.hp.epochs = int(epochs)

    def _parts_share_training(self) -> None:
        """An encoder handed to ``Seq2Seq(enc, dec)`` is trained with the Seq2Seq's optimizer and loss."""
        for whole in [w for _ in range(3) for w in self.models]:  # parts of parts (attention in a decoder)
            if not whole.parts or whole.hp.optimizer is None:
                continue
            for m in self.models:
                if m is whole or not (m.vars & whole.parts):
                    continue
                for f in ("epochs", "steps", "batch_size"):
                    if getattr(m.hp, f) is None:
                        setattr(m.hp, f, getattr(whole.hp, f))
                if m.hp.optimizer is not None:
                    continue
                m.hp.optimizer, m.hp.learning_rate = whole.hp.optimizer, whole.hp.learning_rate
                m.hp.extra = {**whole.hp.extra, **m.hp.extra}
                if m.hp.loss is None:
                    m.hp.loss, m.hp.loss_raw = whole.hp.loss, whole.hp.loss_raw
                m.tricks.extend(t for t in whole.tricks if t in ("lr_schedule", "gradient_clipping", "weight_decay",
                                                                 "mixed_precision", "checkpointing"))

    def _targets(self, owners: list[ModelRec]) -> list[ModelRec]:
        return owners or self.models

    def _manual_sgd(self) -> None:
        """``param.data.add_(-0.1 * param.grad)`` / ``w -= lr * w.grad``: plain SGD written by hand."""
        lacking = [m for m in self.models if m.hp.optimizer is None]
        if not lacking:
            return
        steps: list[tuple[Node, Node]] = []  # (node, the factor before .grad)
        for aug in self.ex.augs:
            right = aug.child_by_field_name("right")
            if node_text(aug.child_by_field_name("operator")) == "-=" and right is not None and ".grad" in node_text(right):
                steps.append((aug, right))
        for key in ("add_", "sub_"):
            for call in self.ex.by_last.get(key, []):
                pos, _ = call_arguments(call)
                if pos and ".grad" in node_text(pos[0]):
                    steps.append((call, pos[0]))
        for node, expr in steps:
            factor = expr
            if expr.type == "binary_operator" and node_text(expr.child_by_field_name("operator")) == "*":
                left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
                factor = right if ".grad" in node_text(left) else left
            lr = self.s.value(factor, self.ex.env_at(node))
            for m in lacking:
                m.hp.optimizer = "sgd"
                if isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr:
                    m.hp.learning_rate = abs(float(lr))
            return

    def _optimizers(self) -> None:
        for call in self.ex.calls_where(_optimizer_name):
            fn = self._fname(call)
            if not fn:
                continue
            full = self.s.resolve(fn) or fn
            opt = vocab.canonical_optimizer(_last(fn))
            if opt is None or not (full.startswith(("torch.optim", "optim.")) or fn.startswith("optim.")):
                continue
            pos, kw = call_arguments(call)
            env = self.ex.env_at(call)
            if self._in_model_class(call):
                # a LightningModule's configure_optimizers(self): the optimizer of that model
                own = self._class_rec(call)
                # configure_optimizers (Lightning) or self.optimizer = Adam(self.parameters()) in the model
                if own is None or (_enclosing_function_name(call) != "configure_optimizers"
                                   and "self.parameters" not in node_text(call)):
                    continue
                owners = [own]
                env = {**env, **own.self_env}
            else:
                owners = self.owners(pos[0]) if pos else (self.owners(kw["params"]) if "params" in kw else [])
            names = T.OPTIMIZER_ARGS.get(opt, ("lr",))
            vals: dict[str, Any] = {}
            for name, p in zip(names, pos[1:], strict=False):
                vals[name] = self.s.value(p, env)
            for k, p in kw.items():
                vals[k] = self.s.value(p, env)
            var = self._assigned_var(call)
            targets = self._targets(owners)
            if var:
                self.opt_of[var] = targets
            for m in targets:
                if m.hp.optimizer is not None:
                    continue
                m.hp.optimizer = opt
                lr = vals.get("lr", UNKNOWN)
                if isinstance(lr, (int, float)) and not isinstance(lr, bool):
                    m.hp.learning_rate = float(lr)
                for extra in ("momentum", "weight_decay", "betas", "eps", "nesterov", "alpha", "rho"):
                    v = vals.get(extra, UNKNOWN)
                    if v is not UNKNOWN and _jsonable(v):
                        m.hp.extra[extra] = v
                wd = vals.get("weight_decay", UNKNOWN)
                if isinstance(wd, (int, float)) and wd > 0:
                    m.tricks.append("weight_decay")

    def _class_rec(self, node: Node) -> ModelRec | None:
        """The model whose class holds ``node``."""
        for m in self.models:
            if m.node.type == "class_definition" and m.node.start_byte <= node.start_byte < m.node.end_byte:
                return m
        return None

    def _lightning_losses(self) -> None:
        """Losses computed in a LightningModule's training_step (no backward() of its own)."""
        for m in self.models:
            if m.hp.loss is not None or m.node.type != "class_definition":
                continue
            crit: dict[str, tuple[str, str]] = {}
            for call in self.ex.calls:
                if not (m.node.start_byte <= call.start_byte < m.node.end_byte):
                    continue
                fn = self._fname(call) or ""
                last = _last(fn)
                full = self.s.resolve(fn) or fn
                torch_loss = full.startswith("torch.nn.") or fn.startswith("nn.")
                # a loss class of the project or a library (DiceLoss, FocalLoss): its own name, `other` unless known
                own_loss = not torch_loss and last[:1].isupper() and not full.startswith(("torch", "keras", "tensorflow"))
                if last.endswith("Loss") and (torch_loss or own_loss):
                    var = self._assigned_var(call)
                    crit[f"self.{var}" if var else fn] = (vocab.canonical_loss(last) or "other", fn)
                    continue
                if _enclosing_function_name(call) not in ("training_step", "shared_step", "_shared_step", "step",
                                                          "_step", "compute_loss", "loss", "forward"):
                    continue
                got = self._loss_of_call(call, crit)
                if got is not None:
                    m.hp.loss, m.hp.loss_raw = got
                    break
            if m.hp.loss is not None:
                continue
            # a loss written by hand in the model's own training method (policy gradients)
            for a in self.ex.assigns:
                if not (m.node.start_byte <= a.start_byte < m.node.end_byte):
                    continue
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is None or right is None or left.type != "identifier" or not _LOSS_NAME.search(node_text(left)):
                    continue
                name = _enclosing_function_name(a) or ""
                if not re.search(r"train|learn|update|step|loss", name):
                    continue
                kinds = self._loss_kinds(right, crit, {}, hand=True)
                if not kinds and re.search(rf"\b{re.escape(node_text(left))}(\.\w+\(\))*\.backward\(", node_text(m.node)):
                    kinds = {("other", re.sub(r"\s+", " ", node_text(right))[:80])}
                if kinds:
                    canon = {k[0] for k in kinds}
                    m.hp.loss = canon.pop() if len(canon) == 1 else "other"
                    m.hp.loss_raw = " + ".join(sorted({k[1] for k in kinds}))[:80]
                    break

    def _assigned_var(self, node: Node) -> str | None:
        p = node.parent
        while p is not None and p.type in ("call", "argument_list", "parenthesized_expression", "attribute"):
            p = p.parent
        if p is not None and p.type == "assignment":
            left = p.child_by_field_name("left")
            return _target_name(left) if left is not None else None
        return None

    # -- losses --------------------------------------------------------
    def _loss_of_call(self, call: Node, crit: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
        fn = self._fname(call)
        if not fn:
            return None
        if fn in crit:
            return crit[fn]
        if call not in self._library_losses:
            self._library_losses[call] = self._library_loss(fn)
        return self._library_losses[call]

    def _library_loss(self, fn: str) -> tuple[str, str] | None:
        """A loss of torch called by name (``F.cross_entropy``, ``nn.MSELoss``), whatever the criteria."""
        full = self.s.resolve(fn) or fn
        last = _last(fn)
        if full.startswith("torch.nn.functional") or fn.startswith("F.") or full.startswith("torch.nn.functional"):
            if last in T.FUNCTIONAL_LOSSES:
                return T.FUNCTIONAL_LOSSES[last], fn
        if full.startswith("torch.nn.") or fn.startswith("nn."):
            c = vocab.canonical_loss(last)
            if c is not None and last.lower().endswith("loss"):
                return c, fn
        return None

    def _losses(self) -> None:
        crit: dict[str, tuple[str, str]] = {}  # criterion var -> (canonical, raw)
        first: tuple[str, str] | None = None
        for call in self.ex.calls_where(lambda last: last.endswith("Loss")):
            if self._in_model_class(call):
                continue
            fn = self._fname(call)
            if not fn:
                continue
            full = self.s.resolve(fn) or fn
            last = _last(fn)
            torch_loss = (full.startswith("torch.nn.") or fn.startswith("nn.")) and "functional" not in full
            # a loss class of the script or a library (FocalLoss, DiceLoss): its own name, `other` unless known
            own_loss = not torch_loss and last[:1].isupper() and not full.startswith(("torch", "keras", "tensorflow"))
            if (torch_loss or own_loss) and last.endswith("Loss"):
                c = vocab.canonical_loss(last) or "other"
                var = self._assigned_var(call)
                if var:
                    crit[var] = (c, fn)
                if first is None:
                    first = (c, fn)
        # a loss function kept under a name: loss_fn = F.cross_entropy
        for _a, left, right in self.ex._outside_assigns():
            if left.type != "identifier" or right.type != "attribute":
                continue
            dn = dotted_name(right) or ""
            full = self.s.resolve(dn) or dn
            if full.startswith("torch.nn.functional.") and _last(dn) in T.FUNCTIONAL_LOSSES:
                crit[node_text(left)] = (T.FUNCTIONAL_LOSSES[_last(dn)], dn)
        # losses by name: `loss = criterion(out, y)`, `d_loss = (real + fake) / 2`;
        # read twice so a loss function's return (read in between) feeds its callers
        named: dict[str, set[tuple[str, str]]] = {}
        self._named_losses(crit, named)
        self._loss_function_returns(crit, named)
        self._named_losses(crit, named)
        self._backward_losses(crit, named, first)

    def _named_losses(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]]) -> None:
        for _a, left, right in self.ex._outside_assigns():
            if left.type != "identifier" or right.type not in ("call", "binary_operator", "unary_operator",
                                                                 "parenthesized_expression", "identifier"):
                continue
            name = node_text(left)
            # maths written by hand is read only where the name says it is a loss
            kinds = self._loss_kinds(right, crit, named, hand=_LOSS_NAME.search(name) is not None)
            if not kinds and "loss" in name.lower() and right.type in ("binary_operator", "unary_operator", "call") \
                    and re.search(r"\b(mean|sum)\s*\(", node_text(right)):
                # a loss written by hand in no known form (Wasserstein, policy gradient)
                kinds = {("other", re.sub(r"\s+", " ", node_text(right))[:80])}
            if kinds:
                named[name] = kinds

    def _loss_function_returns(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]]) -> None:
        # returns of loss functions (VAE: return BCE + KLD)
        for f in self.ex.all_funcs:
            if "loss" not in f.name.lower() or f.cls is not None and f.cls.is_module:
                continue
            for stmt in (f.body.named_children if f.body is not None else []):
                if stmt.type == "return_statement" and stmt.named_children:
                    kinds = self._loss_kinds(stmt.named_children[0], crit, named)
                    if kinds:
                        named[f.name] = kinds

    def _backward_losses(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]],
                         first: tuple[str, str] | None) -> None:
        # the loss each model trains on: the tensor whose .backward() precedes its optimizer's step()
        assigned: dict[int, set[tuple[str, str]]] = {}
        for call in self.ex.by_last.get("backward", []):
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("attribute")) != "backward":
                continue
            obj = fnode.child_by_field_name("object")
            kinds = self._loss_kinds(obj, crit, named)
            if not kinds:
                continue
            owners = self._step_owner(call)
            for m in owners:
                assigned.setdefault(id(m), set()).update(kinds) if id(m) not in assigned else None
        for m in self.models:
            kinds = assigned.get(id(m))
            if not kinds:
                # no backward seen: the first criterion or loss function used
                kinds = set()
                if first is not None:
                    kinds = {first}
                elif "loss" in named:
                    kinds = named["loss"]  # the total, by the usual name (VAE: loss = -(recon - kl))
                else:
                    for v in named.values():
                        kinds = v
                        break
            if not kinds:
                continue
            canon = {k[0] for k in kinds}
            if len(canon) == 1:
                m.hp.loss = next(iter(canon))
                raws = sorted({k[1] for k in kinds})
                m.hp.loss_raw = raws[0] if len(raws) == 1 else " + ".join(raws)[:80]
            else:
                m.hp.loss = "other"
                m.hp.loss_raw = " + ".join(sorted({k[1] for k in kinds}))[:80]

    def _loss_kinds(self, node: Node | None, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]],
                    hand: bool = True) -> set[tuple[str, str]]:
        """The losses an expression is made of: criteria, F.* losses, named losses, hand-written terms."""
        if node is None:
            return set()
        t = node.type
        if t == "identifier":
            return set(named.get(node_text(node), set()))
        if t == "call":
            got = self._loss_of_call(node, crit)
            if got is not None:
                return {got}
            fn = self._fname(node) or ""
            if fn in named:
                return set(named[fn])
            fnode = node.child_by_field_name("function")
            if fnode is not None and fnode.type == "attribute":
                # loss.mean(), loss.sum(), criterion(...).item()
                meth = node_text(fnode.child_by_field_name("attribute"))
                if meth in ("mean", "sum", "item", "backward"):
                    inner = self._loss_kinds(fnode.child_by_field_name("object"), crit, named, hand)
                    if inner:
                        return inner
            got = self._hand_written(node) if hand else None
            if got:
                return {got}
            # torch.sum(KLD_element).mul_(-0.5): the losses it wraps
            out: set[tuple[str, str]] = set()
            if named:
                for name in self._part_names(node):
                    if name in named:
                        out |= named[name]
            return out
        if t in ("binary_operator", "parenthesized_expression", "unary_operator"):
            out: set[tuple[str, str]] = set()
            parts = [c for c in node.named_children]
            for c in parts:
                out |= self._loss_kinds(c, crit, named, hand)
            if not out and t != "parenthesized_expression":
                got = self._hand_written(node) if hand else None
                return {got} if got else set()
            return out
        if t == "attribute":
            return self._loss_kinds(node.child_by_field_name("object"), crit, named, hand)
        return set()

    def _part_names(self, call: Node) -> list[str]:
        """The plain names among a call's object and positional arguments (``_call_parts``), read once per call."""
        got = self._parts_cache.get(call)
        if got is None:
            got = self._parts_cache[call] = [node_text(c) for c in _call_parts(call) if c.type == "identifier"]
        return got

    def _hand_written(self, node: Node) -> tuple[str, str] | None:
        """A loss written as maths: -log(D(x)) terms, squared errors, absolute errors, a KL term."""
        text = node_text(node)
        if len(text) > 400:
            return None
        compact = re.sub(r"\s+", " ", text)[:80]
        flat = text.replace(" ", "")
        squared = "**2" in flat or ".pow(2)" in flat or "pow(" in flat
        # a Gaussian KL term: mean and spread of a latent (mu, logvar/sigma), squared and exp'd or logged
        if re.search(r"\b(mu|mean|z_mean)\b", text) and re.search(r"sigma|logvar|log_var|var\b|std", text) \
                and squared and ("exp" in text or "log" in text):
            return ("kl_divergence", compact)
        if re.search(r"\blog\s*\(", text) and re.search(r"\b(mean|sum)\s*\(", text):
            return ("binary_crossentropy", compact)
        if squared and "-" in text:
            return ("mse", compact)
        if re.search(r"\babs\s*\(", text) and "-" in text:
            return ("mae", compact)
        return None

    def _step_owner(self, backward_call: Node) -> list[ModelRec]:
        """Models of the optimizer whose ``step()`` follows this ``backward()`` in the same block."""
        for call in self.ex.by_last.get("step", []):
            if call.start_byte <= backward_call.start_byte:
                continue
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("attribute")) != "step":
                continue
            var = _target_name(fnode.child_by_field_name("object"))
            if var in self.opt_of:
                return self.opt_of[var]
            if call.start_byte - backward_call.end_byte > 2000:
                break
        return self.models if len(self.models) == 1 else []

    # -- loops and loaders ---------------------------------------------
    def _loops_and_loaders(self) -> None:
        epochs = steps = None
        found: list[tuple[str, int, Node]] = []  # (epochs|steps, count, loop) in source order
        # functions that run a backward pass (train(), learn(), finish_episode())
        trainers = {f.name for f in self.ex.all_funcs if f.body is not None and self.ex.holds(f.body, b".backward(")}
        for loop in self.ex.fors:
            if self._in_model_class(loop):
                continue
            left = loop.child_by_field_name("left")
            right = loop.child_by_field_name("right")
            rng = _range_call(right)
            if rng is None:
                continue
            rpos, _ = call_arguments(rng)
            env = self.ex.env_at(loop)
            vals = [self.s.value(p, env) for p in rpos]
            count = None
            if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals) and len(vals) <= 3:
                count = len(range(*vals))
            var = " ".join(_identifiers(left)).lower()
            rtext = node_text(rng).lower()
            is_epoch = "epoch" in var or "epoch" in rtext
            is_step = (any(w in var or w in rtext for w in ("step", "iter", "epi", "batch", "update", "games"))
                       or var in ("it", "itr", "n_it")) and not is_epoch
            if count is None:
                continue
            if is_epoch:
                found.append(("epochs", count, loop))
                if epochs is None:
                    epochs = count
                continue
            body = loop.child_by_field_name("body")
            btext = node_text(body) if body is not None else ""
            trains = "backward(" in btext or any(re.search(rf"\b{re.escape(v)}\s*\.\s*step\(", btext) for v in self.opt_of) \
                or any(re.search(rf"\b{re.escape(f)}\s*\(", btext) for f in trainers)
            if not trains:
                continue
            if is_step:
                found.append(("steps", count, loop))
                if steps is None:
                    steps = count
            elif self._inner_loop(loop):
                continue  # `for i in range(10)` inside an episode or epoch: updates, not passes over the data
            else:
                # `for t in range(200)`: over batches inside, or the whole data each time
                # (full-batch training): either way each pass sees all the data
                found.append(("epochs", count, loop))
                if epochs is None:
                    epochs = count
        for call in self.ex.by_last.get("Trainer", []):
            # pytorch_lightning.Trainer(max_epochs=10)
            _, kw = call_arguments(call)
            for key, cur in (("max_epochs", epochs), ("max_steps", steps)):
                v = self.s.value(kw[key], self.ex.env_at(call)) if key in kw else UNKNOWN
                if cur is None and isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    if key == "max_epochs":
                        epochs = v
                    else:
                        steps = v
        hf = self._hf_training_arguments()
        if epochs is None and isinstance(hf.get("num_train_epochs"), (int, float)):
            epochs = int(hf["num_train_epochs"])
        if steps is None and isinstance(hf.get("max_steps"), int) and hf["max_steps"] > 0:
            steps = hf["max_steps"]
        batch = self._batch_size()
        if batch is None and isinstance(hf.get("per_device_train_batch_size"), int):
            batch = hf["per_device_train_batch_size"]
        own = self._own_loops(found) if len(self.models) > 1 and found else {}
        if hf:
            for m in self.models:
                if m.hp.learning_rate is None and isinstance(hf.get("learning_rate"), (int, float)):
                    m.hp.learning_rate = float(hf["learning_rate"])
                if m.hp.optimizer is None and isinstance(hf.get("optim"), str):
                    m.hp.optimizer = vocab.canonical_optimizer(hf["optim"].split("_")[0])
                wd = hf.get("weight_decay")
                if isinstance(wd, (int, float)) and wd > 0:
                    m.hp.extra.setdefault("weight_decay", wd)
                    m.tricks.append("weight_decay")
                if hf.get("fp16") is True or hf.get("bf16") is True:
                    m.tricks.append("mixed_precision")
        for m in self.models:
            mine = own.get(id(m), {})
            if not (own and not mine):  # else the loops train the other models of the file, not this one
                if "epochs" in mine or epochs is not None:
                    m.hp.epochs = mine.get("epochs", epochs)
                if "steps" in mine or steps is not None:
                    m.hp.steps = mine.get("steps", steps)
            if batch is not None:
                m.hp.batch_size = batch

    def _inner_loop(self, loop: Node) -> bool:
        """A loop inside another loop, or in a function that a loop calls (train() per episode)."""
        p = loop.parent
        while p is not None and p.type != "function_definition":
            if p.type in ("for_statement", "while_statement"):
                return True
            p = p.parent
        if p is None:
            return False
        name = node_text(p.child_by_field_name("name"))
        call = re.compile(rf"\b{re.escape(name)}\s*\(")
        return any(call.search(node_text(other.child_by_field_name("body") or other)) for other in self.ex.fors
                   if not (p.start_byte <= other.start_byte < p.end_byte)) or \
            any(call.search(node_text(w)) for w in self.ex.whiles)

    def _own_loops(self, found: list[tuple[str, int, Node]]) -> dict[int, dict[str, int]]:
        """Per model, the loops that train it: those naming it or its optimizer, first after it is built.

        A loop inside a function runs where the function is called (``train(model, ...)``).
        A notebook that trains two models in two loops gives each its own epochs.
        """
        sites: dict[int, list[tuple[Node, str]]] = {}
        for _kind, _count, loop in found:
            p = loop.parent
            while p is not None and p.type != "function_definition":
                p = p.parent
            if p is None:
                sites[loop.start_byte] = [(loop, node_text(loop))]
                continue
            name = node_text(p.child_by_field_name("name"))
            calls = [c for c in self.ex.by_last.get(name, []) if not (p.start_byte <= c.start_byte < p.end_byte)]
            sites[loop.start_byte] = [(c, node_text(c) + "\n" + node_text(loop)) for c in calls] or \
                [(loop, node_text(loop))]
        out: dict[int, dict[str, int]] = {}
        for m in self.models:
            names = set(m.vars) | {v for v, ms in self.opt_of.items() if m in ms}
            if not names:
                continue
            pat = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
            born = min((p for ps in m.created.values() for p in ps), default=m.node.start_byte)
            mine: dict[str, int] = {}
            for kind, count, loop in found:
                if kind in mine:
                    continue
                for at, text in sites[loop.start_byte]:
                    if at.start_byte < born or not pat.search(text):
                        continue
                    # a later binding of the same name to another model takes this place away
                    if any(self._var_model(n, at) is not m for n in m.vars if re.search(rf"\b{re.escape(n)}\b", text)):
                        continue
                    mine[kind] = count
                    break
            if mine:
                out[id(m)] = mine
        return out

    def _hf_training_arguments(self) -> dict[str, Any]:
        """HuggingFace ``TrainingArguments(num_train_epochs=3, learning_rate=2e-5, ...)`` as plain values."""
        out: dict[str, Any] = {}
        for call in self.ex.by_last.get("TrainingArguments", []):
            _, kw = call_arguments(call)
            env = self.ex.env_at(call)
            for k, node in kw.items():
                v = self.s.value(node, env)
                if v is not UNKNOWN and _jsonable(v):
                    out.setdefault(k, v)
        return out

    def _loader_vars(self, call: Node) -> set[str]:
        """Names that hold what a loader call makes: ``train_dl = DataLoader(...)``, or each name set from
        a factory (``make = lambda: DataLoader(...)``; ``train_dl = make()``)."""
        var = self._assigned_var(call)
        if var:
            return {var}
        p = call.parent
        while p is not None and p.type not in ("lambda", "function_definition", "module"):
            p = p.parent
        factory = None
        if p is not None and p.type == "lambda":
            factory = self._assigned_var(p)
        elif p is not None and p.type == "function_definition":
            factory = node_text(p.child_by_field_name("name"))
        if not factory:
            return set()
        return {v for c in self.ex.by_last.get(factory, []) if (v := self._assigned_var(c))}

    def _training_names(self) -> set[str]:
        """Names the training loop iterates: ``for ... in X`` with a backward pass in its body, or X passed
        to a same-file function (``train(train_dl)``) whose loop over that parameter runs backward."""
        if self._trained_loaders is not None:
            return self._trained_loaders
        names: set[str] = set()
        by_func: dict[str, set[str]] = {}  # function -> its parameters iterated by a training loop
        for loop in self.ex.fors:
            body = loop.child_by_field_name("body")
            if body is None or b"backward(" not in (body.text or b""):
                continue
            it = loop.child_by_field_name("right")
            while it is not None and it.type == "call" and _last(self._fname(it) or "") in ("enumerate", "tqdm", "iter"):
                args = call_arguments(it)[0]
                it = args[0] if args else None
            if it is None or it.type != "identifier":
                continue
            f = loop.parent
            while f is not None and f.type != "function_definition":
                f = f.parent
            fname = node_text(f.child_by_field_name("name")) if f is not None else None
            if fname is not None and fname in self.ex.funcs and \
                    any(p[0] == node_text(it) for p in self.ex.funcs[fname].params):
                # a parameter: the loaders are what the callers pass
                by_func.setdefault(fname, set()).add(node_text(it))
            else:
                names.add(node_text(it))
        for fname, params in by_func.items():
            f = self.ex.funcs.get(fname)
            if f is None:
                continue
            plain = [p[0] for p in f.params if p[2] == "plain"]
            for call in self.ex.by_last.get(fname, []):
                pos, kw = call_arguments(call)
                for i, arg in enumerate(pos):
                    if i < len(plain) and plain[i] in params and arg.type == "identifier":
                        names.add(node_text(arg))
                for k, arg in kw.items():
                    if k in params and arg.type == "identifier":
                        names.add(node_text(arg))
        self._trained_loaders = names
        return names

    def _batch_size(self) -> int | None:
        loaders: list[tuple[int, int]] = []  # (priority, batch)
        trained = self._training_names()
        # a project loader class (MyDataloader(data, batch_size=4)) counts when it names its batch
        # a project loader class (MyDataloader(data, batch_size=4), or a class whose object the training
        # loop iterates) counts when it names its batch
        custom = [c for last, calls in self.ex.by_last.items()
                  if last != "DataLoader" and last[:1].isupper() for c in calls]
        for call in self.ex.by_last.get("DataLoader", []) + custom:
            fn = self._fname(call) or ""
            is_custom = _last(fn) != "DataLoader"
            if is_custom and ("batch_size" not in call_arguments(call)[1] or not (
                    _last(fn).lower().endswith("loader") or self._loader_vars(call) & trained)):
                continue
            pos, kw = call_arguments(call)
            env = self.ex.env_at(call)
            node = kw.get("batch_size")
            if node is None and len(pos) >= 2 and pos[1].type not in ("list_splat", "dictionary_splat"):
                node = pos[1]
            v = self.s.value(node, env) if node is not None else UNKNOWN
            if node is None:
                # **train_kwargs with {'batch_size': ...}
                args = call.child_by_field_name("arguments")
                for c in args.named_children if args is not None else []:
                    if c.type == "dictionary_splat" and c.named_children:
                        d = self.s.value(c.named_children[0], env)
                        if isinstance(d, dict) and "batch_size" in d:
                            v = d["batch_size"]
                        elif c.named_children[0].type == "identifier":
                            v = self._dict_var_batch(node_text(c.named_children[0]), call, env)
            if isinstance(v, int) and not isinstance(v, bool):
                text = node_text(call).lower()
                var = (self._assigned_var(call) or "").lower()
                prio = 0 if ("train" in var or "train" in text or "shuffle=true" in text.replace(" ", "")) else 1
                if "test" in var or "val" in var:
                    prio = 2
                if self._loader_vars(call) & trained:
                    prio = -1  # the loader the training loop iterates wins over a demo loader above it
                loaders.append((prio + (3 if is_custom else 0), v))
        if loaders:
            return sorted(loaders, key=lambda x: x[0])[0][1]
        gen = self._generator_batch()
        if gen is not None:
            return gen
        for call in self.ex.by_last.get("next_batch", []):
            # mnist.train.next_batch(mb_size): the TF tutorials' reader, common in old scripts
            pos, _ = call_arguments(call)
            v = self.s.value(pos[0], self.ex.env_at(call)) if pos else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        for key in ("batch_size", "BATCH_SIZE", "batchsize", "BATCHSIZE", "bs", "BATCH"):
            v = self.s.constants.get(key, self.s.argparse_defaults.get(key))
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        v = self.s.argparse_defaults.get("batch_size")
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def _generator_batch(self) -> int | None:
        """``for x, y in get_batches(words, 512)`` / ``x, y = get_batch()`` in a loop: a batch builder's size."""
        sources = [(loop, loop.child_by_field_name("right")) for loop in self.ex.fors]
        for a, _left, right in self.ex._outside_assigns():
            p = a.parent
            while p is not None and p.type not in ("for_statement", "while_statement", "function_definition"):
                p = p.parent
            if p is not None and p.type != "function_definition":
                sources.append((a, right))
        for loop, it in sources:
            if it is None or it.type != "call":
                continue
            fn = self._fname(it) or ""
            f = self.ex.funcs.get(fn)
            if f is None:
                continue
            params = [p for p in f.params if p[2] == "plain"]
            idx = next((i for i, p in enumerate(params) if "batch" in p[0].lower() or p[0] in ("bs", "n_batch")), None)
            if idx is None:
                continue
            name, default, _ = params[idx]
            pos, kw = call_arguments(it)
            node = kw.get(name) or (pos[idx] if idx < len(pos) else default)
            v = self.s.value(node, self.ex.env_at(loop)) if node is not None else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        return None

    def _dict_var_batch(self, name: str, before: Node, env: dict[str, Any]) -> Any:
        for a in self.ex.assigns:
            if a.start_byte >= before.start_byte:
                break
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and right is not None and node_text(left) == name:
                d = self.s.value(right, env)
                if isinstance(d, dict) and "batch_size" in d:
                    return d["batch_size"]
        return UNKNOWN

    # -- tricks ----------------------------------------------------------
    def _tricks(self) -> None:
        epoch_loops = [loop for loop in self.ex.fors if "epoch" in node_text(loop.child_by_field_name("left") or loop).lower()
                       or "epoch" in node_text(loop.child_by_field_name("right") or loop).lower()]
        frozen = False
        for a in self.ex.assigns:
            right = a.child_by_field_name("right")
            if right is None or right.type != "false":
                continue
            left = a.child_by_field_name("left")
            if left is not None and node_text(left).endswith("requires_grad"):
                frozen = True
        for call in self.ex.calls_where(_trick_name):
            fn = self._fname(call) or ""
            last = _last(fn)
            full = self.s.resolve(fn) or fn
            is_schedule = "lr_scheduler" in full or last in _SCHEDULERS or last.startswith("get_") and "schedule" in last
            if self._in_model_class(call):
                own = self._class_rec(call)
                if is_schedule and own is not None and _enclosing_function_name(call) == "configure_optimizers":
                    own.tricks.append("lr_schedule")
                continue
            if is_schedule:
                pos, kw = call_arguments(call)
                opt = pos[0] if pos else kw.get("optimizer")
                owners = self.opt_of.get(node_text(opt), []) if opt is not None else []
                for m in self._targets(owners):
                    m.tricks.append("lr_schedule")
            elif last in ("clip_grad_norm_", "clip_grad_value_", "clip_grad_norm"):
                for m in self._targets(self.owners(call)):
                    m.tricks.append("gradient_clipping")
            elif last in ("autocast", "GradScaler"):
                for m in self.models:
                    m.tricks.append("mixed_precision")
            elif fn in ("torch.save",) or (last == "save" and full.startswith("torch")):
                if any(loop.start_byte <= call.start_byte < loop.end_byte for loop in epoch_loops) or self._called_in_epoch_loop(call, epoch_loops):
                    for m in self._targets(self.owners(call)):
                        m.tricks.append("checkpointing")
        for m in self.models:
            if any(x.type == "Pretrained" and x.args.get("pretrained") for x in m.layers):
                m.tricks.append("pretrained_weights")
                if frozen:
                    m.tricks.append("transfer_learning")
            if any(x.type == "Embedding" and x.args.get("pretrained") for x in m.layers):
                m.tricks.append("embedding_pretrained")
        # model.embedding.weight.data.copy_(vectors): word vectors loaded into the embedding
        for call in self.ex.by_last.get("copy_", []):
            text = node_text(call.child_by_field_name("function"))
            if "embed" in text.lower() and "weight" in text:
                own = self._class_rec(call) if self._in_model_class(call) else None
                for m in ([own] if own is not None else self._targets(self.owners(call.child_by_field_name("function")))):
                    m.tricks.append("embedding_pretrained")

    def _called_in_epoch_loop(self, node: Node, epoch_loops: list[Node]) -> bool:
        p = node.parent
        while p is not None and p.type != "function_definition":
            p = p.parent
        if p is None:
            return False
        name = node_text(p.child_by_field_name("name"))
        for loop in epoch_loops:
            if re.search(rf"\b{re.escape(name)}\s*\(", node_text(loop)):
                return True
        return False

    def _input_shape(self) -> None:
        for call in self.ex.by_last.get("summary", []):
            fn = self._fname(call) or ""
            if _last(fn) != "summary":
                continue
            pos, kw = call_arguments(call)
            node = kw.get("input_size") or (pos[1] if len(pos) >= 2 else None)
            if node is None:
                continue
            v = self.s.value(node, self.ex.env_at(call))
            if isinstance(v, list) and v and all(isinstance(x, int) for x in v):
                for m in self._targets(self.owners(pos[0]) if pos else []):
                    m.input_shape = v
        # a dummy batch fed to the model: x = torch.randn(1, 3, 224, 224); model(x) / onnx.export(model, x)
        dummies: dict[str, list[int]] = {}
        for _a, left, right in self.ex._outside_assigns():
            if left.type != "identifier" or right.type != "call":
                continue
            fn = self._fname(right) or ""
            if _last(fn) not in ("randn", "rand", "zeros", "ones", "empty") or not (self.s.resolve(fn) or fn).startswith("torch"):
                continue
            pos, _ = call_arguments(right)
            env = self.ex.env_at(right)
            dims = [self.s.value(p, env) for p in pos]
            if len(dims) == 1 and isinstance(dims[0], list):
                dims = dims[0]
            if len(dims) >= 2 and all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
                dummies[node_text(left)] = dims[1:]  # without the batch dimension, as Keras writes it
        if not dummies:
            return
        for call in self.ex.calls:
            if self._in_model_class(call):
                continue
            fn = self._fname(call) or ""
            pos, _ = call_arguments(call)
            args = [node_text(p) for p in pos]
            if _last(fn) == "export" and len(pos) >= 2 and args[1] in dummies:
                targets, shape = self.owners(pos[0]), dummies[args[1]]
            elif pos and args[0] in dummies and "." not in fn and fn:
                m = self._var_model(fn, call)
                targets, shape = ([m] if m is not None else []), dummies[args[0]]
            else:
                continue
            for m in targets:
                if m.input_shape is None:
                    m.input_shape = shape


def extract_torch(script: Script) -> list[Summary]:
    """One summary per PyTorch model the script defines (or builds) and trains.

    Args:
        script: the loaded script (``corpus.readers.script.load``).

    Returns:
        Summaries with ``id=""``, lines of the analysed code, ``framework="pytorch"``,
        layers in forward order and the hyperparameters of each model's training.
    """
    try:
        return TorchExtractor(script).extract()
    except RecursionError:
        return []
