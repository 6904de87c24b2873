"""JAX models read statically: Flax modules (``flax.linen`` and ``flax.nnx``) and their optax training.

A Flax module is a class over ``nn.Module``. Its layers are built in one of
three places, and this reader follows each:

- ``@nn.compact def __call__(self, x)``: layers constructed and applied inline
  (``x = nn.Conv(features=32, kernel_size=(3, 3))(x)``);
- ``def setup(self)`` (linen) or ``def __init__(self, ..., rngs)`` (nnx): layers
  bound to ``self.x``, applied by ``__call__`` (``x = nn.relu(self.dense1(x))``);
- dataclass fields (``num_classes: int = 10``) give the values ``self.x`` reads,
  overridden by the arguments the model is created with (``CNN(num_classes=5)``).

``__call__`` is walked in evaluation order (arguments before the call), so the
layers come out in the order data flows through them; activations
(``nn.relu(x)``) fold into the layer before them as the other readers fold
``F.relu``. A block (another Flax module of the file) is expanded in place;
a module that is only ever a block is not a model of its own.

Training is read from the file: optax optimizers and their learning rate (a
schedule gives ``lr_schedule``), optax or hand-written losses, epochs and steps
from counted loops, the batch size from ``batch_size=`` arguments,
``.batch(N)``, constants, configs and flags; values through the one evaluator
(:mod:`corpus.readers.evaluate`). Framework knowledge lives in
:mod:`corpus.knowledge.jax_layers`. Nothing is executed or imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from corpus.knowledge import jax_layers, vocab
from corpus.knowledge.layers import WEIGHTLESS
from corpus.readers.evaluate import UNKNOWN, range_length, read_parameters
from corpus.readers.script import (
    Script,
    call_arguments,
    call_function_name,
    dotted_name,
    end_line_of,
    line_of,
    node_text,
)
from corpus.readers.syntax import ancestors, returned_values, undecorated
from corpus.readers.torch_common import (
    MAX_LAYERS,
    activation_layer,
    copy_layer,
    jsonable,
    last_name,
    method_in_bases,
    push,
)
from corpus.readers.trainers import chosen_callee, registry_callees
from corpus.record.summary import Hyperparameters, Layer, ParseInfo, Source, Summary

MAX_DEPTH = 10  # nesting of block expansions and helper calls
MAX_UNROLL = 50  # a loop over a known list longer than this is walked once
MAX_INSTANCES = 400  # block instantiations per file: hostile nesting must not run for minutes
MAX_IMPORTERS = 20  # files a definition looks at for the arguments its training file creates it with

_JAX_OPS_ROOTS = ("flax", "jax", "haiku", "equinox")


@dataclass
class _Class:
    name: str
    node: Node
    bases: list[str]
    methods: dict[str, Node] = field(default_factory=dict)  # name -> function_definition
    fields: list[tuple[str, Node | None]] = field(default_factory=list)  # dataclass fields, in order
    lib: str = "linen"  # the library of its base class (jax_layers.LIBRARIES)


@dataclass
class _Ref:
    """A class or function held as a value, called later: ``conv: ModuleDef = nn.Conv``,
    ``act: Callable = nn.relu``, ``partial(nn.Conv, use_bias=False)``, ``block_cls=ResNetBlock``.

    kind: ``flax`` (a layer class of a library: Flax, Haiku or Equinox, whose name ``lib`` says),
    ``module`` (a module class of the file), ``act`` (an activation function), ``op`` (a functional op
    such as ``nn.avg_pool``). ``pos`` / ``kw`` are the arguments a ``partial`` fixed (values as
    :meth:`JaxReader._val` reads them).
    """

    kind: str
    name: str
    raw: str
    lib: str = "linen"
    pos: list[Any] = field(default_factory=list)
    kw: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Mod:
    """What a name holds inside model code, seen as a module."""

    kind: str  # layer | act | seq | list | inst | ref
    layers: list[Layer] = field(default_factory=list)
    act: str | None = None
    items: list[_Mod] = field(default_factory=list)
    inst: _Inst | None = None
    ref: _Ref | None = None
    open: bool = False  # a list of unknown length, its one item standing for each (a comprehension over unknowns)


@dataclass
class _Inst:
    cls: _Class
    env: dict[str, Any] = field(default_factory=dict)  # self.field -> plain value
    attrs: dict[str, _Mod] = field(default_factory=dict)  # self.x -> module, class or function
    layers: list[Layer] | None = None  # expanded once


@dataclass
class _Walk:
    """One walk of model code (``__call__``, ``setup``, a helper): layers so far and the local names."""

    inst: _Inst | None
    env: dict[str, Any]  # plain values (self.x and locals)
    mods: dict[str, _Mod] = field(default_factory=dict)  # locals bound to modules, classes or functions
    tensors: set[str] = field(default_factory=set)
    layers: list[Layer] = field(default_factory=list)
    repeat: int | None = None


class JaxReader:
    """Reads the Flax models of one script and the optax training around them."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self._importer_files: list[str] | None = None  # (_importers: read once)
        self.classes: dict[str, _Class] = {}
        self.funcs: dict[str, Node] = {}
        self.depth = 0
        self.budget = MAX_INSTANCES
        self.warnings: list[str] = []
        self.calls = script.nodes("call")
        for cnode in script.nodes("class_definition"):
            info = self._class_info(cnode)
            self.classes[info.name] = info
        for fnode in script.nodes("function_definition"):
            parent = fnode.parent
            if parent is not None and parent.type == "decorated_definition":
                parent = parent.parent
            if parent is not None and parent.type == "module":
                self.funcs[node_text(fnode.child_by_field_name("name"))] = fnode
        self.modules = {n: c for n, c in self.classes.items() if self._is_flax_module(c, set())}
        self._ranges = [(c.node.start_byte, c.node.end_byte) for c in self.modules.values()]

    # -- index ------------------------------------------------------------
    def _class_info(self, cnode: Node) -> _Class:
        sup = cnode.child_by_field_name("superclasses")
        bases = [dn for b in (sup.named_children if sup is not None else []) if (dn := dotted_name(b))]
        info = _Class(name=node_text(cnode.child_by_field_name("name")), node=cnode, bases=bases)
        body = cnode.child_by_field_name("body")
        for stmt in body.named_children if body is not None else []:
            fnode = undecorated(stmt)
            if fnode is not None and fnode.type == "function_definition":
                info.methods.setdefault(node_text(fnode.child_by_field_name("name")), fnode)
            elif stmt.type == "expression_statement" and stmt.named_children:
                a = stmt.named_children[0]
                left = a.child_by_field_name("left") if a.type == "assignment" else None
                if left is not None and left.type == "identifier":
                    # num_classes: int = 10 / num_classes = 10 / features: Sequence[int] (no default)
                    info.fields.append((node_text(left), a.child_by_field_name("right")))
        return info

    def _is_flax_module(self, c: _Class, seen: set[str]) -> bool:
        if c.name in seen:
            return False
        seen.add(c.name)
        for b in c.bases:
            full = self.script.resolve(b) or b
            lib = _library(full)
            if lib is not None and last_name(full) == "Module":
                c.lib = lib
                return True
            base = self.classes.get(last_name(b))
            if base is not None and base is not c and self._is_flax_module(base, seen):
                c.lib = base.lib
                return True
        return False

    def _in_module_class(self, node: Node) -> bool:
        return any(s <= node.start_byte < e for s, e in self._ranges)

    def _fname(self, call: Node) -> str:
        return call_function_name(call) or ""

    def _flax_name(self, dotted: str) -> tuple[str, str] | None:
        """``nn.Dense`` -> (``Dense``, ``linen``); ``nnx.Linear`` -> (``Linear``, ``nnx``); ``hk.nets.MLP`` ->
        (``MLP``, ``haiku``): a name from a library of layers, with that library."""
        full = self.script.resolve(dotted) or dotted
        lib = _library(full)
        return (last_name(full), lib) if lib is not None else None

    def _op_name(self, dotted: str) -> str | None:
        """``nn.relu`` / ``jax.nn.relu`` / ``jnp.tanh`` -> the function's last name, for names from Flax or JAX."""
        full = self.script.resolve(dotted) or dotted
        if full.split(".")[0] in _JAX_OPS_ROOTS and "." in full:
            return last_name(full)
        return None

    # -- models -----------------------------------------------------------
    def read(self) -> list[Summary]:
        models = self._class_models() + self._forward_models(self._forward_functions())
        foreign = self._foreign_models()
        if not models and not foreign:
            return []
        hp, tricks = self._training()
        shape = self._input_shape()
        out = [self._summary(name, node, layers, hp, tricks, shape.get(name) or shape.get(""))
               for name, node, layers in models]
        if not any(hp.get(k) is not None for k in ("optimizer", "loss", "epochs", "steps")):
            return out  # a script that only creates another file's model (to restore it, to predict) trains none
        for name, call, layer in foreign:
            s = self._summary(name, call, [layer], hp, tricks, shape.get(name) or shape.get(""))
            # (the repository join replaces the layer with the definition's and drops this warning)
            s.parse.warnings.append(f"{layer.raw} is defined in another file: its layers are not read")
            out.append(s)
        return out

    def _summary(self, name: str, node: Node, layers: list[Layer], hp: dict[str, Any], tricks: list[str],
                 shape: list[int] | None) -> Summary:
        warnings = list(self.warnings)
        status = "ok"
        if len(layers) >= MAX_LAYERS:
            warnings.append(f"model cut at {MAX_LAYERS} layers")
            status = "partial"
        return Summary(
            id="", name=name,
            source=Source(path=self.script.path, line_start=line_of(node), line_end=end_line_of(node)),
            framework="jax", layers=layers,
            hyperparameters=Hyperparameters(**{k: v for k, v in hp.items() if k != "extra"},
                                            extra=dict(hp.get("extra", {}))),
            input_shape=shape,
            tricks=list(dict.fromkeys(tricks)),
            parse=ParseInfo(status=status, warnings=warnings),
        )

    def _class_models(self) -> list[tuple[str, Node, list[Layer]]]:
        """(name, class node, layers) of each module class that is a model: not only ever a block."""
        created = self._created_outside()
        used = self._used_as_blocks()
        out = []
        for c in self.modules.values():
            if self._method(c, "__call__") is None:
                continue
            call = created.get(c.name)
            # a class another file of the repository creates and trains is a model, built with its arguments
            given = self._given_by_importer(c.name) if call is None or self._is_partial(call) else None
            if c.name in used and call is None and given is None:
                continue
            self.depth = 0
            top = _Walk(inst=None, env=dict(self.script.constants))
            pos, kw = given if given is not None else self._creation_args(call, top)
            inst = self._instantiate(c, pos, kw)
            layers = self._expand(inst) if inst is not None else []
            if all(x.type in WEIGHTLESS for x in layers):
                continue  # weights of its own (self.param) and reshapes: no layers to show, as in the torch reader
            out.append((c.name, c.node, layers))
        return out

    # -- models of other files of the repository, created and trained here ------------
    def _foreign_models(self) -> list[tuple[str, Node, Layer]]:
        """Models this file creates from a module class, a ``partial`` of one, a factory or a Haiku forward
        function of another file of the repository: (its name there, the creation call, a Custom layer
        whose ``raw`` the repository join follows to the definition, as it follows PyTorch's). A class is
        read in its own file's names (that file's reader, through ``RepoContext.read_with``)."""
        if self.script.context is None:
            return []
        out: dict[tuple[str, str], tuple[str, Node, Layer]] = {}
        self._foreign_calls: list[tuple[str, str, str, Node]] = []
        for call in self.calls:
            if self._in_module_class(call):
                continue
            for written in self._created_names(call):
                found = self._foreign_target(written)
                if found is None:
                    continue
                where, name, raw = found
                self._foreign_calls.append((where, name, written, call))
                _, kw = call_arguments(call)
                args = {k: v for k, a in kw.items() if (v := self.script.value(a, self._env_at(call))) is not UNKNOWN
                        and jsonable(v)}
                out.setdefault((where, name), (name, call, Layer(type="Custom", raw=raw, args=args,
                                                                 line=line_of(call))))
        return list(out.values())

    def _has_layers(self, name: str) -> bool:
        """Whether a module class of this file, built with its defaults, has layers of weights (cached)."""
        cache: dict[str, bool] = self.__dict__.setdefault("_with_layers", {})
        if name not in cache:
            cache[name] = False  # a class that builds itself: no
            self.depth = 0
            inst = self._instantiate(self.modules[name], [], {})
            cache[name] = inst is not None and any(x.type not in WEIGHTLESS for x in self._expand(inst))
        return cache[name]

    def _is_partial(self, call: Node) -> bool:
        return last_name(self._fname(call)) == "partial"

    def creations(self) -> list[tuple[str, str, str, list[Any], dict[str, Any]]]:
        """(file, model name, name there, positional and keyword values) of each model of another repository
        file that this file creates and trains (cached): what that file's reader builds its model with."""
        got = getattr(self, "_creations", None)
        if got is None:
            got = self._creations = []
            hp, _ = self._training() if self._foreign_models() else ({}, [])
            if any(hp.get(k) is not None for k in ("optimizer", "loss", "epochs", "steps")):
                for where, name, written, call in self._foreign_calls:
                    pos, kw = call_arguments(call)
                    w = self._walk_at(call)
                    got.append((where, name, written, [_portable(self._val(a, w)) for a in pos],
                                {k: v for k, a in kw.items() if (v := _portable(self._val(a, w))) is not UNKNOWN}))
        return got

    def _walk_at(self, call: Node) -> _Walk:
        """The values at a call outside model code, with the library classes and functions that the enclosing
        functions' parameters default to (``def make_model(config, norm=nn.BatchNorm)``)."""
        w = _Walk(inst=None, env=self._env_at(call))
        for f in reversed([p for p in ancestors(call) if p.type == "function_definition"]):
            for prm in read_parameters(f):
                if prm.default is not None and prm.name not in w.env:
                    ref = self._ref(prm.default, w)
                    if ref is not None:
                        self._bind(w, prm.name, ref)
        return w

    def _given_by_importer(self, name: str) -> tuple[list[Any], dict[str, Any]] | None:
        """The arguments a training file of the repository that imports this one creates the class ``name``
        with (``MODELS[args.arch](num_classes=10)``, through a ``partial`` of this file: its arguments
        first), so the definition is read as it is trained; None when no such file creates it."""
        ctx = self.script.context
        for path in self._importers() if ctx is not None else ():
            other = ctx.read_with(path, "jax", JaxReader)
            for where, model, written, pos, kw in other.creations() if isinstance(other, JaxReader) else ():
                if where != self.script.path or model != name:
                    continue
                alias = self._alias_partial(written.rpartition(".")[2], name)
                base_pos, base_kw = self._creation_args(alias, _Walk(inst=None, env={})) if alias else ([], {})
                return base_pos + pos, {**base_kw, **kw}
        return None

    def _importers(self) -> list[str]:
        """Python files of the repository whose imports name this file, or a package above it (``import
        models.cnn`` is recorded as an import of ``models``), in path order (at most MAX_IMPORTERS).

        Read here, not from ``RepoContext.importers_of``: that list is kept from the first time it is asked
        for, which may be while an importer is itself being read (then it misses that importer)."""
        ctx = self.script.context
        path = self.script.path
        if ctx is None:
            return []
        if self._importer_files is not None:
            return self._importer_files  # (once per file, not per class)
        stem = path.rsplit("/", 1)[-1].removesuffix(".py")
        word = (path.rsplit("/", 2)[-2] if stem == "__init__" and "/" in path else stem).encode()
        parts = path.split("/")[:-1]
        packages = {"/".join(parts[:i]) + "/__init__.py" for i in range(1, len(parts) + 1)}
        out: list[str] = []
        for p, data in sorted(ctx.files.items()):
            if p == path or not p.endswith(".py") or word not in data or b"import" not in data:
                continue
            facts = ctx.module_facts(p)
            for local, origin in facts.aliases.items() if facts is not None else ():
                hit = ctx.resolve(origin, p, facts.relative.get(local, 0))
                if hit is not None and (hit[0] == path or hit[0] in packages):
                    out.append(p)
                    break
            if len(out) >= MAX_IMPORTERS:
                break
        self._importer_files = out
        return out

    def _alias_partial(self, alias: str, name: str) -> Node | None:
        """The ``partial(name, ...)`` call a top-level ``alias = partial(name, ...)`` of this file holds."""
        for a in self.script.assignments_to(alias) if alias != name else ():
            right = a.child_by_field_name("right")
            if right is not None and right.type == "call" and self._is_partial(right):
                return right
        return None

    def _created_names(self, call: Node) -> list[str]:
        """The names, as this file writes them, of what a call may create: its callee, the function a Haiku
        transform is given, the class a registry or ``getattr`` picks by a written key (``trainers``), or
        each a registry can pick when its key is not written."""
        fn = self._fname(call)
        pos, _ = call_arguments(call)
        if fn and self._haiku_transform(fn):
            return [dotted_name(pos[0]) or ""] if pos else []
        out = [fn] if fn else []
        chosen = chosen_callee(self.script, call)
        out += [chosen] if chosen else registry_callees(self.script, call)
        fnode = call.child_by_field_name("function")
        if not chosen and fnode is not None and fnode.type == "identifier":
            out += self._registry_values(node_text(fnode), call)
        return [n for n in out if n]

    def _registry_values(self, var: str, call: Node) -> list[str]:
        """``model_fn = {"vgg11": models.vgg.VGG11, "wrn": partial(models.wrn.WRN, depth=28)}[config.arch]``
        then ``model_fn(...)``: the entry the key picks where it is read, else every entry."""
        for a in reversed(self.script.assignments_to(var)):
            right = a.child_by_field_name("right")
            if a.start_byte > call.start_byte or right is None or right.type != "subscript":
                continue
            table = right.child_by_field_name("value")
            if table is not None and table.type == "identifier":
                table = next((x.child_by_field_name("right") for x in self.script.assignments_to(node_text(table))),
                             None)
            if table is None or table.type != "dictionary":
                return []
            key = self.script.value(right.child_by_field_name("subscript"), self._env_at(right))
            entries = []
            for pair in table.named_children:
                value = pair.child_by_field_name("value") if pair.type == "pair" else None
                if value is not None and value.type == "call" and last_name(self._fname(value)) == "partial":
                    value = (call_arguments(value)[0] or [None])[0]
                name = dotted_name(value) if value is not None else None
                if name:
                    entries.append((self.script.value(pair.child_by_field_name("key"), {}), name))
            picked = [n for k, n in entries if k == key]
            return picked or [n for _, n in entries]
        return []

    def _foreign_target(self, written: str) -> tuple[str, str, str] | None:
        """(file, model name, name to write for the join) of a model of another repository file that
        ``written`` names here, or None when it names none (kept per name: a backend file calls the same
        repository functions thousands of times)."""
        cache: dict[str, tuple[str, str, str] | None] = self.__dict__.setdefault("_foreign_cache", {})
        if written not in cache:
            cache[written] = self._foreign_target_uncached(written)
        return cache[written]

    def _foreign_target_uncached(self, written: str) -> tuple[str, str, str] | None:
        if self._flax_name(written) is not None:
            return None  # a library's own layer (the repository may be that library: flax's docs build nn.Dense)
        hit = self.script.repository_definition(written)
        ctx = self.script.context
        if hit is None or ctx is None or not hit[1] or "." in hit[1] or hit[0] == self.script.path:
            return None
        home = ctx.read_with(hit[0], "jax", JaxReader)
        target = home.model_named(hit[1]) if isinstance(home, JaxReader) else None
        if target is None:
            return None
        if target == hit[1]:
            return hit[0], target, written
        # VGG11 = partial(VGG, ...) there: the join follows the class, named by its module's dotted path
        module = hit[0][:-3].replace("/", ".").removesuffix(".__init__")
        local = next((k for k, v in self.script.aliases.items() if v == f"{module}.{target}"), None)
        return hit[0], target, local or f"{module}.{target}"

    def model_named(self, name: str, depth: int = 0) -> str | None:
        """The model a top-level name of this file stands for: a module class with layers, a function that
        returns one (a factory) or builds Haiku layers, or the class a ``partial`` (or a plain alias) of this
        file fixes arguments of; None for anything else (a parameter holder such as a learned temperature, a
        training function)."""
        if name in self.modules:
            return name if self._has_layers(name) else None
        fnode = self.funcs.get(name)
        if fnode is not None:
            returned = [r for r in returned_values(fnode) if r.type == "call" and self._fname(r) in self.modules]
            makes = any(self._has_layers(self._fname(r)) for r in returned)
            return name if makes or self._builds_haiku_layers(fnode) else None
        for a in self.script.assignments_to(name) if depth < MAX_DEPTH else ():
            right = a.child_by_field_name("right")
            if a.parent is None or a.parent.parent is None or a.parent.parent.type != "module" or right is None:
                continue
            if right.type == "call" and last_name(self._fname(right)) == "partial":
                right = (call_arguments(right)[0] or [None])[0]
            base = dotted_name(right) if right is not None else None
            if base and base != name:
                return self.model_named(base, depth + 1)
        return None

    # -- haiku: functions that build the model, transformed ------------------------
    def _haiku_transform(self, dotted: str) -> bool:
        full = self.script.resolve(dotted) or dotted
        return _library(full) == "haiku" and last_name(full) in jax_layers.HAIKU_TRANSFORMS

    def _forward_functions(self) -> dict[str, Node]:
        """Functions that build a Haiku model: given to ``hk.transform`` (or decorated with it), or, in a file
        that transforms none, a top-level function that builds Haiku layers and that nothing here calls (a
        ``models.py`` whose forward function ``train.py`` transforms)."""
        defs: dict[str, Node] = {}
        for fnode in self.script.nodes("function_definition"):
            if not self._in_module_class(fnode):
                defs.setdefault(node_text(fnode.child_by_field_name("name")), fnode)
        out: dict[str, Node] = {}
        for call in self.calls:
            pos, _ = call_arguments(call)
            if pos and pos[0].type == "identifier" and node_text(pos[0]) in defs \
                    and self._haiku_transform(self._fname(call)):
                out.setdefault(node_text(pos[0]), defs[node_text(pos[0])])
        for name, fnode in defs.items():
            dec = fnode.parent
            if dec is not None and dec.type == "decorated_definition" and any(
                    self._haiku_transform(dotted_name(d.named_children[0]) or "")
                    for d in dec.named_children if d.type == "decorator" and d.named_children):
                out.setdefault(name, fnode)
        if out:
            return out
        called = {last_name(self._fname(c)) for c in self.calls}
        return {name: f for name, f in defs.items() if name in self.funcs and name not in called
                and self._builds_haiku_layers(f)}

    def _builds_haiku_layers(self, fnode: Node) -> bool:
        for call in self.calls:
            if fnode.start_byte <= call.start_byte < fnode.end_byte:
                found = self._flax_name(self._fname(call))
                if found is not None and found[1] == "haiku" and _is_layer_class(*found):
                    return True
        return False

    def _forward_models(self, forwards: dict[str, Node]) -> list[tuple[str, Node, list[Layer]]]:
        """(name, function node, layers) of each forward function that builds its own layers; one that
        creates a module class of the file (``return CNN()(x)``) leaves the model to that class."""
        out = []
        for name, fnode in forwards.items():
            if any(fnode.start_byte <= c.start_byte < fnode.end_byte and self._fname(c) in self.modules
                   for c in self.calls):
                continue
            body = fnode.child_by_field_name("body")
            w = _Walk(inst=None, env=self._env_at(body) if body is not None else {})
            for p in read_parameters(fnode):
                if p.kind == "plain" and p.name not in w.env:
                    w.tensors.add(p.name)
            self.depth = 0
            self._walk_block(body, w)
            if w.layers and not all(x.type in WEIGHTLESS for x in w.layers):
                out.append((name, fnode, w.layers))
        return out

    def _created_outside(self) -> dict[str, Node]:
        """Module classes created outside module classes: class -> its first creation call
        (``CNN(num_classes=10)``, else ``partial(ResNet, [2, 2, 2, 2], ResNetBlock)``)."""
        out: dict[str, Node] = {}
        partials: dict[str, Node] = {}
        for call in self.calls:
            if self._in_module_class(call):
                continue
            fn = self._fname(call)
            if fn in self.modules:
                if self._in_sequential(call):
                    continue  # nnx.Sequential(NoisyLinear(4, 8), NoisyLinear(8, 2)): layers of that model
                out.setdefault(fn, call)
            elif last_name(fn) == "partial":
                pos, _ = call_arguments(call)
                name = node_text(pos[0]) if pos else ""
                if name in self.modules:
                    partials.setdefault(name, call)
            elif self._maker(call) in self.modules and call.parent is not None and call.parent.type == "call":
                # eqx.nn.make_with_state(Net)(sizes, key): the outer call creates Net with its arguments
                out.setdefault(self._maker(call) or "", call.parent)
        return {**partials, **out}

    def _maker(self, call: Node) -> str | None:
        """The module class a library's maker is given (``eqx.nn.make_with_state(Net)``), else None."""
        if last_name(self._op_name(self._fname(call)) or "") not in jax_layers.MAKERS:
            return None
        pos, _ = call_arguments(call)
        return node_text(pos[0]) if pos and pos[0].type == "identifier" else None

    def _in_sequential(self, call: Node) -> bool:
        """Whether a call is an argument of a ``Sequential(...)`` (a list of layers it is given)."""
        p = call.parent
        while p is not None and p.type in ("argument_list", "list", "tuple"):
            if p.type == "argument_list":
                outer = p.parent
                return outer is not None and outer.type == "call" and last_name(self._fname(outer) or "") == "Sequential"
            p = p.parent
        return False

    def _creation_args(self, call: Node | None, w: _Walk) -> tuple[list[Any], dict[str, Any]]:
        if call is None:
            return [], {}
        pos, kw = call_arguments(call)
        if last_name(self._fname(call)) == "partial":
            pos = pos[1:]
        w = _Walk(inst=None, env=self._env_at(call))
        return [self._val(a, w) for a in pos], {k: self._val(v, w) for k, v in kw.items()}

    def _used_as_blocks(self) -> set[str]:
        """Module classes that are parts of others: named inside another module class, or handed to a
        call outside them (``partial(ResNet, [2, 2], ResNetBlock)``), unless created as models."""
        used: set[str] = set()
        for c in self.modules.values():
            text = node_text(c.node)
            for other in self.modules:
                if other != c.name and re.search(rf"\b{re.escape(other)}\b", text) \
                        and not any(last_name(b) == other for b in c.bases):
                    used.add(other)
        for call in self.calls:
            if self._in_module_class(call):
                continue
            pos, kw = call_arguments(call)
            skip = 1 if last_name(self._fname(call)) == "partial" or self._maker(call) else 0
            for a in pos[skip:] + list(kw.values()):
                if a.type == "identifier" and node_text(a) in self.modules:
                    used.add(node_text(a))
            if self._fname(call) in self.modules and self._in_sequential(call):
                used.add(self._fname(call))
        return used

    def _method(self, c: _Class, name: str) -> Node | None:
        return method_in_bases(c, name, self.modules)

    def _fields(self, c: _Class, seen: set[str] | None = None) -> list[tuple[str, Node | None]]:
        """Dataclass fields of a class and its bases in this file, base fields first."""
        seen = seen if seen is not None else set()
        if c.name in seen:
            return []
        seen.add(c.name)
        out: list[tuple[str, Node | None]] = []
        for b in c.bases:
            base = self.modules.get(last_name(b))
            if base is not None:
                out.extend(self._fields(base, seen))
        return out + c.fields

    def _instantiate(self, c: _Class, pos: list[Any], kw: dict[str, Any]) -> _Inst | None:
        """An instance of a module class: its fields (or ``__init__``'s parameters) bound to the values it
        is created with, then ``setup`` / ``__init__`` run for what each ``self.x`` holds."""
        if self.depth > MAX_DEPTH or self.budget <= 0:
            if self.budget <= 0 and "expansion budget" not in " ".join(self.warnings):
                self.warnings.append(f"expansion budget of {MAX_INSTANCES} blocks spent: deeper blocks left out")
            return None
        self.budget -= 1
        inst = _Inst(cls=c)
        top = _Walk(inst=None, env=dict(self.script.constants))
        init = self._method(c, "__init__")
        if init is not None and (c.lib != "linen" or ("setup" not in c.methods and not c.fields)):
            params = [p for p in read_parameters(init) if p.name != "self" and p.kind == "plain"]
            w = _Walk(inst=inst, env=dict(self.script.constants))
            for i, p in enumerate(params):
                v = kw[p.name] if p.name in kw else pos[i] if i < len(pos) else \
                    self._val(p.default, top) if p.default is not None else UNKNOWN
                self._bind(w, p.name, v)
            self._run_builder(init, w)
            return inst
        for i, (name, default) in enumerate(self._fields(c)):
            v = kw[name] if name in kw else pos[i] if i < len(pos) else \
                self._val(default, top) if default is not None else UNKNOWN
            self._bind_attr(inst, name, v)
        setup = self._method(c, "setup")
        if setup is not None:
            self._run_builder(setup, _Walk(inst=inst, env={**self.script.constants, **inst.env}))
        return inst

    @staticmethod
    def _bind(w: _Walk, name: str, v: Any) -> None:
        """A local name bound to a value: a module, class or function (``w.mods``), else a plain value."""
        m = _as_module(v)
        if m is not None:
            w.mods[name] = m
        elif v is not UNKNOWN:
            w.env[name] = v

    @staticmethod
    def _bind_attr(inst: _Inst, name: str, v: Any) -> None:
        m = _as_module(v)
        if m is not None:
            inst.attrs[name] = m
        elif v is not UNKNOWN and jsonable(v):
            inst.env[f"self.{name}"] = v

    def _run_builder(self, fnode: Node, w: _Walk) -> None:
        """``setup`` / ``__init__``: what each ``self.x`` holds (a layer, a list of layers, a block, a value)."""
        inst = w.inst
        for a in _assignments(fnode.child_by_field_name("body")):
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is None or right is None:
                continue
            target = dotted_name(left) or ""
            v = self._val(right, w)
            if target.startswith("self.") and target.count(".") == 1 and inst is not None:
                self._bind_attr(inst, target[5:], v)
                if not isinstance(v, (_Mod, _Ref)) and v is not UNKNOWN:
                    w.env[target] = v
            elif left.type == "identifier":
                self._bind(w, target, v)

    def _expand(self, inst: _Inst) -> list[Layer]:
        if inst.layers is not None:
            return inst.layers
        inst.layers = []  # a module that calls itself expands to nothing the second time
        call = self._method(inst.cls, "__call__")
        if call is None:
            return []
        params = [p for p in read_parameters(call) if p.name != "self"]
        w = _Walk(inst=inst, env={**self.script.constants, **inst.env}, tensors={p.name for p in params})
        for p in params:
            if p.default is not None:
                v = self.script.value(p.default, self.script.constants)
                if v is not UNKNOWN:
                    w.env.setdefault(p.name, v)
                    w.tensors.discard(p.name)
        self.depth += 1
        try:
            self._walk_block(call.child_by_field_name("body"), w)
        finally:
            self.depth -= 1
        inst.layers = w.layers
        return w.layers

    # -- values: plain, classes and functions held as values, modules -----------
    def _val(self, node: Node | None, w: _Walk) -> Any:
        """A value as model code holds it: a plain value, a :class:`_Ref` (``nn.Conv``, ``nn.relu``,
        ``partial(...)``, a module class), a :class:`_Mod` (``nn.Dense(10)``, ``self.fc``), or UNKNOWN."""
        if node is None:
            return UNKNOWN
        v = self.script.value(node, w.env)
        if v is not UNKNOWN and jsonable(v):
            return v
        ref = self._ref(node, w)
        if ref is not None:
            return ref
        m = self._build(node, w)
        return m if m is not None else v  # [nn.Dense(64), nn.relu] is modules, [64, x] a partly known list

    def _ref(self, node: Node, w: _Walk) -> _Ref | None:
        """The class or function an expression names (not calls), or None."""
        t = node.type
        if t == "call" and last_name(self._fname(node)) == "partial":
            pos, kw = call_arguments(node)
            inner = self._ref(pos[0], w) if pos else None
            if inner is None:
                return None
            return _Ref(kind=inner.kind, name=inner.name, raw=inner.raw, lib=inner.lib,
                        pos=inner.pos + [self._val(a, w) for a in pos[1:]],
                        kw={**inner.kw, **{k: self._val(v, w) for k, v in kw.items()}})
        if t not in ("identifier", "attribute"):
            return None
        dn = dotted_name(node) or ""
        m = self._lookup(dn, w)
        if m is not None:
            return m.ref if m.kind == "ref" else None
        if dn in self.modules:
            return _Ref(kind="module", name=dn, raw=dn)
        flax = self._flax_name(dn)
        if flax is not None and _is_layer_class(*flax):
            return _Ref(kind="flax", name=flax[0], raw=dn, lib=flax[1])
        op = self._op_name(dn)
        if op is not None:
            act = vocab.canonical_activation(op)
            if act is not None:
                return _Ref(kind="act", name=act, raw=dn)
            if op in jax_layers.FUNCTIONAL:
                return _Ref(kind="op", name=op, raw=dn)
        return None

    def _lookup(self, dn: str, w: _Walk) -> _Mod | None:
        """What a local name or ``self.x`` holds as a module, class or function."""
        if dn in w.mods:
            return w.mods[dn]
        if dn.startswith("self.") and w.inst is not None and dn.count(".") == 1:
            return w.inst.attrs.get(dn[5:])
        return None

    def _build(self, node: Node | None, w: _Walk) -> _Mod | None:
        """The module an expression constructs or names (``nn.Dense(10)``, ``[nn.Dense(n) for n in f]``,
        ``nn.Sequential([...])``, ``Block(64)``, ``self.conv(32, (3, 3))``, ``self.fc``), or None."""
        if node is None:
            return None
        t = node.type
        if t in ("list", "tuple"):
            items = [m for c in node.named_children if (m := self._build(c, w)) is not None]
            return _Mod(kind="list", items=items) if items else None
        if t == "list_comprehension":
            return self._build_comprehension(node, w)
        if t in ("attribute", "identifier"):
            m = self._lookup(dotted_name(node) or "", w)
            if m is not None:
                return m
            ref = self._ref(node, w)
            if ref is None or ref.kind not in ("act", "op"):
                return None
            # [eqx.nn.Conv2d(...), jax.nn.relu, jnp.ravel, eqx.nn.Linear(...)]: functions in a list of layers
            return _Mod(kind="act", act=ref.name) if ref.kind == "act" else _Mod(kind="ref", ref=ref)
        if t == "subscript":
            return self._build_item(node, w)
        if t != "call":
            return None
        fnode = node.child_by_field_name("function")
        ref = self._ref(fnode, w) if fnode is not None else None
        if ref is None or ref.kind in ("act", "op"):
            return None
        pos, kw = call_arguments(node)
        return self._construct(ref, [self._val(a, w) for a in pos], {k: self._val(v, w) for k, v in kw.items()},
                               line_of(node))

    def _build_item(self, node: Node, w: _Walk) -> _Mod | None:
        """``self.layers[:-1]`` (a slice of a list of layers) or ``self.layers[-1]`` (one of them)."""
        base = self._build(node.child_by_field_name("value"), w)
        sub = node.child_by_field_name("subscript")
        if base is None or base.kind not in ("list", "seq") or sub is None:
            return None
        if base.open:
            return base if sub.type == "slice" else base.items[0]  # each of an unknown number is alike
        if sub.type == "slice":
            bounds = _slice_bounds(sub, self.script, w.env)
            return _Mod(kind="list", items=base.items[bounds[0]:bounds[1]]) if bounds is not None else None
        idx = self.script.value(sub, w.env)
        if isinstance(idx, int) and not isinstance(idx, bool) and -len(base.items) <= idx < len(base.items):
            return base.items[idx]
        return None

    def _build_comprehension(self, node: Node, w: _Walk) -> _Mod | None:
        body = node.child_by_field_name("body")
        clause = next((c for c in node.named_children if c.type == "for_in_clause"), None)
        if body is None or clause is None:
            return None
        var = node_text(clause.child_by_field_name("left"))
        seq = self.script.value(clause.child_by_field_name("right"), w.env)
        if isinstance(seq, list) and 0 < len(seq) <= MAX_UNROLL and var.isidentifier():
            items = []
            for v in seq:
                inner = _Walk(inst=w.inst, env={**w.env, var: v}, mods=w.mods)
                if (m := self._build(body, inner)) is not None:
                    items.append(m)
            return _Mod(kind="list", items=items) if items else None
        m = self._build(body, w)
        return _Mod(kind="list", items=[m], open=True) if m is not None else None

    def _construct(self, ref: _Ref, pos: list[Any], kw: dict[str, Any], line: int) -> _Mod | None:
        """Calling a class held as a value: a Flax layer, or an instance of a module class of the file."""
        pos, kw = ref.pos + pos, {**ref.kw, **kw}
        if ref.kind == "module":
            self.depth += 1
            try:
                inst = self._instantiate(self.modules[ref.name], pos, kw)
            finally:
                self.depth -= 1
            if inst is None:
                # nesting past the bounds: the block stays one Custom layer, as in the torch reader
                return _Mod(kind="layer", layers=[Layer(type="Custom", raw=ref.name, line=line)])
            return _Mod(kind="inst", inst=inst)
        if ref.kind != "flax":
            return None
        if ref.name in jax_layers.CONTAINERS:
            # nn.Sequential([...]) / hk.Sequential([...]) / eqx.nn.Sequential([...]) / nnx.Sequential(a, b)
            items: list[_Mod] = []
            for v in pos + [kw.get("layers")]:
                if isinstance(v, _Mod):
                    items.extend(v.items if v.kind == "list" else [v])
            return _Mod(kind="seq", items=items)
        if ref.name in jax_layers.LAMBDAS:
            fn = pos[0] if pos else kw.get("fn")
            return _as_module(fn) if isinstance(fn, _Ref) else None
        layers = self._library_layers(ref, pos, kw, line)
        return _Mod(kind="layer", layers=layers) if layers else None

    def _library_layers(self, ref: _Ref, pos: list[Any], kw: dict[str, Any], line: int) -> list[Layer]:
        """The layers a library class builds: one from its table's row, a wrapped cell, an MLP's Dense
        layers, or a zoo network as one Pretrained layer."""
        name, raw = ref.name, ref.raw
        if name in jax_layers.RNN_WRAPPERS or name in jax_layers.BIDIRECTIONAL:
            cell = next((x for v in pos + list(kw.values()) if isinstance(v, _Mod) for x in v.layers), None)
            if cell is None:
                return []
            if name in jax_layers.BIDIRECTIONAL:
                return [Layer(type="Bidirectional", raw=raw, args={"layer": cell.type, **cell.args}, line=line)]
            return [Layer(type=cell.type, raw=f"{raw}({cell.raw})", args=dict(cell.args), line=line)]
        if name == "MLP" and ref.lib in jax_layers.MLPS:
            return _mlp_layers(ref, dict(zip(jax_layers.MLPS[ref.lib], pos, strict=False)) | kw, line)
        if name in jax_layers.ZOO.get(ref.lib, ()):
            args = {"name": name, "pretrained": False}
            args.update({k: v for k, v in kw.items() if k not in _SKIPPED_ARGS and v is not UNKNOWN and jsonable(v)})
            return [Layer(type="Pretrained", raw=raw, args=args, line=line)]
        row = jax_layers.LAYERS[ref.lib].get(name)
        if row is None:
            return []
        ltype, names = row
        args: dict[str, Any] = {}
        for k, v in list(zip(names, pos, strict=False)) + list(kw.items()):
            if k not in _SKIPPED_ARGS and v is not UNKNOWN and jsonable(v):
                args[k] = v
        for k, common in jax_layers.ARG_ALIASES.items():
            if k in args:
                args.setdefault(common, args[k])
        out = next((args[k] for k in jax_layers.OUTPUT_ARGS if k in args), None)
        if ltype == "Dense" and out is not None:
            args["units"] = out
        if ltype.startswith(("Conv", "LocallyConnected")) and "LSTM" not in ltype:
            if out is not None:
                args["filters"] = out
            if not any(ch.isdigit() for ch in name):
                # Flax's nn.Conv is of the kernel's dimension (equinox's and haiku's say theirs in the name)
                ks = args.get("kernel_size")
                dims = len(ks) if isinstance(ks, list) else 1 if isinstance(ks, int) else 2
                ltype = _with_dims(ltype, dims)
        return [Layer(type=ltype, raw=raw, args=args, line=line)]

    def _op_layer(self, ref: _Ref, pos: list[Any], kw: dict[str, Any], line: int | None) -> Layer | None:
        """``nn.max_pool(x, (2, 2))`` / ``nn.avg_pool`` / ``jnp.concatenate`` / ``nn.dropout`` as a layer."""
        ltype = jax_layers.FUNCTIONAL.get(ref.name)
        if ltype is None:
            return None
        pos, kw = ref.pos + pos, {**ref.kw, **kw}
        args: dict[str, Any] = {}
        if ltype.endswith("Pooling2D"):
            # nn.max_pool(x, window_shape, strides, padding): the data is no list, the window is
            window = kw.get("window_shape", next((v for v in pos if isinstance(v, list)), UNKNOWN))
            if isinstance(window, list) and jsonable(window):
                args["window_shape"] = window
                ltype = _with_dims(ltype, len(window))
            elif isinstance(window, int) and not isinstance(window, bool):
                args["window_shape"] = window  # hk.avg_pool(x, window_shape=2, ...): every spatial axis
            strides = kw.get("strides", UNKNOWN)
            if strides is not UNKNOWN and jsonable(strides):
                args["strides"] = strides
        elif ltype == "Dropout":
            # nn.dropout(x, rate) / hk.dropout(rng, rate, x): the rate is the one number given
            rate = kw.get("rate", next((v for v in pos if isinstance(v, float)), UNKNOWN))
            if isinstance(rate, (int, float)) and not isinstance(rate, bool):
                args["rate"] = rate
        return Layer(type=ltype, raw=ref.raw, args=args, line=line)

    # -- the forward walk ---------------------------------------------------
    def _walk_block(self, block: Node | None, w: _Walk) -> None:
        for stmt in block.named_children if block is not None else []:
            if len(w.layers) >= MAX_LAYERS:
                return
            self._walk_stmt(stmt, w)

    def _walk_stmt(self, stmt: Node, w: _Walk) -> None:
        t = stmt.type
        if t in ("expression_statement", "return_statement"):
            for c in stmt.named_children:
                self._walk_expr_stmt(c, w)
        elif t == "for_statement":
            self._walk_for(stmt, w)
        elif t == "if_statement":
            cond = self.script.value(stmt.child_by_field_name("condition"), w.env)
            alt = stmt.child_by_field_name("alternative")
            if cond is not UNKNOWN and not cond and alt is not None:
                self._walk_block(alt.child_by_field_name("body") or alt, w)
            elif cond is UNKNOWN or cond:
                self._walk_block(stmt.child_by_field_name("consequence"), w)
        elif t in ("with_statement", "while_statement"):
            self._walk_block(stmt.child_by_field_name("body"), w)

    def _walk_expr_stmt(self, node: Node, w: _Walk) -> None:
        if node.type == "assignment":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if right is None or left is None:
                return
            before = len(w.layers)
            if left.type == "identifier" and not self._applies(right, w):
                # conv = nn.Conv(32, (3, 3)) / conv = partial(self.conv, use_bias=False): applied later
                v = self._val(right, w)
                if isinstance(v, (_Mod, _Ref)) or v is not UNKNOWN:
                    self._bind(w, node_text(left), v)
                    return
            self._expr(right, w)
            names = [node_text(n) for n in ([left] if left.type == "identifier" else left.named_children)
                     if n.type == "identifier"]
            if len(w.layers) > before or self._reads_tensor(right, w):
                w.tensors.update(names)
                for n in names:
                    w.env.pop(n, None)
        elif node.type == "augmented_assignment":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            self._expr(right, w)
            if node_text(node.child_by_field_name("operator")) == "+=" and left is not None and right is not None \
                    and node_text(left) in w.tensors and right.type == "identifier" and node_text(right) in w.tensors:
                push(w.layers, Layer(type="Add", raw="+=", line=line_of(node)), w.repeat)
        else:
            self._expr(node, w)

    def _reads_tensor(self, node: Node, w: _Walk) -> bool:
        if node.type == "identifier":
            return node_text(node) in w.tensors
        return node.type in ("call", "subscript", "attribute", "binary_operator", "conditional_expression") and any(
            n in w.tensors for n in re.findall(r"[A-Za-z_]\w*", node_text(node)[:400]))

    def _applies(self, node: Node, w: _Walk) -> bool:
        """Whether an expression applies something to data (``nn.Dense(10)(x)``, ``self.fc(x)``,
        ``nn.relu(x)``) rather than builds or names a module (``nn.Dense(10)``, ``partial(nn.Conv)``)."""
        if node.type != "call":
            return False
        fnode = node.child_by_field_name("function")
        if fnode is None or fnode.type == "call":
            return True
        if last_name(self._fname(node)) == "partial":
            return False
        ref = self._ref(fnode, w)
        return ref is None or ref.kind in ("act", "op")

    def _walk_for(self, loop: Node, w: _Walk) -> None:
        var = loop.child_by_field_name("left")
        it = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        name = node_text(var) if var is not None and var.type == "identifier" else None
        m = self._build(it, w) if it is not None else None
        if m is not None and m.kind in ("list", "seq") and name:
            # for layer in self.layers: x = layer(x)
            for item in m.items[:MAX_UNROLL]:
                w.mods[name] = item
                self._walk_block(body, w)
            return
        seq = self.script.value(it, w.env) if it is not None else UNKNOWN
        if seq is UNKNOWN and it is not None and it.type == "call" and self._fname(it) == "enumerate":
            args = call_arguments(it)[0]
            inner = self.script.value(args[0], w.env) if len(args) == 1 else UNKNOWN
            seq = [[i, v] for i, v in enumerate(inner)] if isinstance(inner, list) else UNKNOWN
        names = [node_text(n) for n in (var.named_children if var is not None and var.type in
                                        ("pattern_list", "tuple_pattern") else [])]
        if isinstance(seq, list) and 0 < len(seq) <= MAX_UNROLL and (name or names):
            # for feat in self.features: x = nn.Conv(feat, (3, 3))(x); for i, n in enumerate(sizes)
            for v in seq:
                if name:
                    w.env[name] = v
                elif isinstance(v, list) and len(v) == len(names):
                    w.env.update(zip(names, v, strict=True))
                self._walk_block(body, w)
            return
        count = None
        if it is not None and it.type == "call" and self._fname(it) == "range":
            count = range_length([self.script.value(a, w.env) for a in call_arguments(it)[0]])
        if count is not None and 0 < count <= MAX_UNROLL and name:
            # for j in range(block_size): the blocks, each with its index (strides differ for j == 0)
            for j in range(*[self.script.value(a, w.env) for a in call_arguments(it)[0]]):
                w.env[name] = j
                self._walk_block(body, w)
            return
        saved, start = w.repeat, len(w.layers)
        w.repeat = count if count and count > 1 else saved
        self._walk_block(body, w)
        w.repeat = saved
        if count and count > 1:
            for layer in w.layers[start:]:
                layer.repeat = layer.repeat or count

    def _expr(self, node: Node | None, w: _Walk) -> None:
        """Emit the layers an expression applies, arguments first (evaluation order)."""
        if node is None or self.depth > MAX_DEPTH + 5:
            return
        t = node.type
        if t == "call":
            self._call(node, w)
        elif t == "binary_operator":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            self._expr(left, w)
            self._expr(right, w)
            if node_text(node.child_by_field_name("operator")) == "+" and left is not None and right is not None \
                    and left.type == "identifier" and right.type == "identifier" \
                    and node_text(left) in w.tensors and node_text(right) in w.tensors:
                push(w.layers, Layer(type="Add", raw="+", line=line_of(node)), w.repeat)
        elif t in ("lambda", "function_definition", "string"):
            return
        else:
            for c in node.named_children:
                self._expr(c, w)

    def _call(self, node: Node, w: _Walk) -> None:
        fnode = node.child_by_field_name("function")
        pos, kw = call_arguments(node)
        for a in pos + list(kw.values()):
            self._expr(a, w)
        if fnode is None:
            return
        if fnode.type == "call":
            self._call_built(fnode, w)
        elif fnode.type == "subscript":
            self._call_item(fnode, w)
        else:
            self._call_named(node, fnode, pos, kw, w)

    def _call_built(self, fnode: Node, w: _Walk) -> None:
        """nn.Dense(10)(x) / self.conv(32, (3, 3))(x): built and applied at once; ``jax.vmap(self.fc)(x)``:
        the module a function transform is given, applied."""
        m = self._build(fnode, w)
        inner: Node | None = fnode
        for _ in range(MAX_DEPTH):  # jax.vmap(jax.vmap(self.mlp))(x): through each transform
            if m is not None or inner is None or inner.type != "call" or \
                    last_name(self._op_name(self._fname(inner)) or "") not in jax_layers.FUNCTION_TRANSFORMS:
                break
            pos, kw = call_arguments(inner)
            inner = pos[0] if pos else kw.get("fun") or kw.get("f")
            m = self._build(inner, w) if inner is not None else None
        if m is not None:
            self._apply(m, w)
        else:
            self._expr(fnode, w)

    def _call_item(self, fnode: Node, w: _Walk) -> None:
        """self.layers[0](x)"""
        m = self._build_item(fnode, w)
        if m is not None:
            self._apply(m, w)

    def _call_named(self, node: Node, fnode: Node, pos: list[Node], kw: dict[str, Node], w: _Walk) -> None:
        """A call of a name or attribute: a module, a method of the instance, a data op, or a helper."""
        fn = dotted_name(fnode) or ""
        m = self._lookup(fn, w)
        if m is not None:
            if m.kind == "ref" and m.ref is not None:
                self._apply_ref(m.ref, node, w)
            else:
                self._apply(m, w)
            return
        if fn.startswith("self.") and w.inst is not None and fn.count(".") == 1:
            meth = self._method(w.inst.cls, fn[5:])
            if meth is not None and fn[5:] not in ("__call__", "setup", "__init__"):
                self._helper(meth, node, w, skip_self=True)
                return
        if fnode.type == "attribute" and self._call_method_of_data(node, fnode, pos, w):
            return
        if self._call_op(fn, pos, kw, line_of(node), w):
            return
        if (self._op_name(fn) or "") in jax_layers.UNROLLS and pos:
            # hk.dynamic_unroll(self.lstm, x, state): the core it unrolls is applied
            core = self._build(pos[0], w)
            if core is not None:
                self._apply(core, w)
            return
        if (self._op_name(fn) or "") in jax_layers.LOOPS:
            # jax.lax.scan(step, carry, xs) over a function defined in the model code: its layers, once
            for a in pos + list(kw.values()):
                local = self._local_function(a, node)
                if local is not None:
                    self._walk_local(local, w)
            return
        ref = self._ref(fnode, w)
        if ref is not None and ref.kind in ("act", "op"):
            self._apply_ref(ref, node, w)
            return
        if fn in self.funcs and fn not in self.modules:
            self._helper(self.funcs[fn], node, w, skip_self=False)

    def _local_function(self, arg: Node, at: Node) -> Node | None:
        """The function an argument names, defined in the function that holds ``at`` (``def step(...)``)."""
        if arg.type != "identifier":
            return None
        outer = next((p for p in ancestors(at) if p.type == "function_definition"), None)
        if outer is None:
            return None
        name = node_text(arg)
        for fnode in self.script.nodes("function_definition"):
            if outer.start_byte < fnode.start_byte < outer.end_byte \
                    and node_text(fnode.child_by_field_name("name")) == name:
                return fnode
        return None

    def _walk_local(self, fnode: Node, w: _Walk) -> None:
        """A local function stepped by a loop primitive, walked in place: its parameters are data."""
        if self.depth >= MAX_DEPTH:
            return
        inner = _Walk(inst=w.inst, env=dict(w.env), mods=dict(w.mods), repeat=w.repeat,
                      tensors={p.name for p in read_parameters(fnode)})
        self._walk_inner(fnode, inner, w)

    def _walk_inner(self, fnode: Node, inner: _Walk, w: _Walk) -> None:
        """A function's body walked one level deeper, its layers added to the caller's."""
        self.depth += 1
        try:
            self._walk_block(fnode.child_by_field_name("body"), inner)
        finally:
            self.depth -= 1
        for layer in inner.layers:
            if not push(w.layers, layer):
                return

    def _call_method_of_data(self, node: Node, fnode: Node, pos: list[Node], w: _Walk) -> bool:
        """``x.reshape(...)`` is a layer (True); any other method walks its object first (False)."""
        meth = node_text(fnode.child_by_field_name("attribute"))
        obj = fnode.child_by_field_name("object")
        if meth == "reshape" and obj is not None and obj.type != "call" and not self._op_name(node_text(obj)):
            # x.reshape((x.shape[0], -1)) is Flatten; any other reshape of the data is Reshape
            push(w.layers, _reshape_layer(pos, "reshape", line_of(node)), w.repeat)
            return True
        if obj is not None and obj.type != "identifier":
            self._expr(obj, w)
        return False

    def _call_op(self, fn: str, pos: list[Node], kw: dict[str, Node], line: int, w: _Walk) -> bool:
        """``jnp.reshape(x, ...)`` and ``jnp.mean(x, axis=(1, 2))`` are layers: True when one was pushed."""
        op = self._op_name(fn)
        if op == "reshape":
            push(w.layers, _reshape_layer(pos[1:], fn, line), w.repeat)
            return True
        dims = _reduced_axes(kw, pos, self.script, w.env) if op in ("mean", "max") else 0
        if dims:
            push(w.layers, Layer(type=_GLOBAL_POOLS[(op, dims)], raw=fn, line=line), w.repeat)
            return True
        return False

    def _apply_ref(self, ref: _Ref, node: Node, w: _Walk) -> None:
        """A function held as a value, applied to data: an activation folds, an op is a layer."""
        if ref.kind == "act":
            push(w.layers, activation_layer(ref.name, ref.raw, line_of(node)), w.repeat)
        elif ref.kind == "op":
            pos, kw = call_arguments(node)
            layer = self._op_layer(ref, [self._val(a, w) for a in pos], {k: self._val(v, w) for k, v in kw.items()},
                                   line_of(node))
            if layer is not None:
                push(w.layers, layer, w.repeat)

    def _apply(self, m: _Mod, w: _Walk) -> None:
        if m.kind == "layer":
            for layer in m.layers:
                if not push(w.layers, layer, w.repeat):
                    return
        elif m.kind == "act" and m.act:
            push(w.layers, activation_layer(m.act, "act", None), w.repeat)
        elif m.kind == "ref" and m.ref is not None and m.ref.kind in ("act", "op"):
            # a function held in a list of layers (jnp.ravel), applied to the data alone
            layer = activation_layer(m.ref.name, m.ref.raw, None) if m.ref.kind == "act" else \
                self._op_layer(m.ref, [], {}, None)
            if layer is not None:
                push(w.layers, layer, w.repeat)
        elif m.kind in ("seq", "list"):
            for item in m.items:
                self._apply(item, w)
        elif m.kind == "inst" and m.inst is not None:
            self.depth += 1
            try:
                if self.depth <= MAX_DEPTH:
                    for layer in self._expand(m.inst):
                        if not push(w.layers, copy_layer(layer), w.repeat):
                            return
            finally:
                self.depth -= 1

    def _helper(self, fnode: Node, call: Node, w: _Walk, skip_self: bool) -> None:
        """A helper function or method applied to data: its layers, in place (arguments bound)."""
        if self.depth >= MAX_DEPTH:
            return
        params = [p for p in read_parameters(fnode) if not (skip_self and p.name == "self")]
        pos, kw = call_arguments(call)
        inner = _Walk(inst=w.inst, env={k: v for k, v in w.env.items() if k.startswith("self.")}, repeat=w.repeat)
        inner.env.update(self.script.constants)
        plain = [p for p in params if p.kind == "plain"]
        for i, p in enumerate(plain):
            node = kw.get(p.name) or (pos[i] if i < len(pos) else None)
            if node is not None and self._reads_tensor(node, w):
                inner.tensors.add(p.name)
                continue
            v = self._val(node, w) if node is not None else \
                self._val(p.default, inner) if p.default is not None else UNKNOWN
            self._bind(inner, p.name, v)
        self._walk_inner(fnode, inner, w)

    # -- training -----------------------------------------------------------
    def _env_at(self, node: Node) -> dict[str, Any]:
        """Values visible at ``node``: constants, ``config.x = v`` settings, module-level names assigned
        before it, and the enclosing functions' parameter defaults and earlier local assignments."""
        env: dict[str, Any] = dict(self.script.constants)
        env.update(self._settings())
        funcs = [p for p in ancestors(node) if p.type == "function_definition"]
        if not funcs:
            # code of the main guard: ``num_epochs = 8`` above it in the same ``if __name__ == "__main__":``
            for a in self._guarded_assignments():
                if a.start_byte >= node.start_byte:
                    break
                v = self.script.value(a.child_by_field_name("right"), env)
                if v is not UNKNOWN:
                    env[node_text(a.child_by_field_name("left"))] = v
        for f in reversed(funcs):
            params = [p for p in read_parameters(f) if p.name not in ("self", "cls")]
            for prm in params:
                if prm.default is not None:
                    v = self.script.value(prm.default, env)
                    if v is not UNKNOWN:
                        env[prm.name] = v
            env.update(self._call_site_values(f, params))
            for a in _assignments(f.child_by_field_name("body")):
                if a.start_byte >= node.start_byte:
                    break
                left = a.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    v = self.script.value(a.child_by_field_name("right"), env)
                    if v is not UNKNOWN:
                        env[node_text(left)] = v
        return env

    def _guarded_assignments(self) -> list[Node]:
        """Assignments to a name in the top-level ``if`` blocks of the file (its main guard), in order (cached)."""
        got = getattr(self, "_guarded", None)
        if got is None:
            got = self._guarded = []
            for stmt in self.script.root.named_children:
                if stmt.type == "if_statement":
                    got.extend(a for a in _assignments(stmt.child_by_field_name("consequence"))
                               if (left := a.child_by_field_name("left")) is not None and left.type == "identifier")
        return got

    def _call_site_values(self, f: Node, params: list[Any]) -> dict[str, Any]:
        """A function's arguments as its first call with arguments passes them (``train_model(..., num_epochs=200)``
        over ``def train_model(self, ..., num_epochs=500)``): a call's argument wins over a default."""
        name = node_text(f.child_by_field_name("name"))
        for call in self.calls:
            if last_name(self._fname(call)) != name or f.start_byte <= call.start_byte < f.end_byte:
                continue
            pos, kw = call_arguments(call)
            if not pos and not kw:
                continue
            env = {**self.script.constants, **self._settings()}
            out: dict[str, Any] = {}
            plain = [p for p in params if p.kind == "plain"]
            for p, arg in zip(plain, pos, strict=False):
                if arg.type in ("list_splat", "dictionary_splat"):
                    break
                v = self.script.value(arg, env)
                if v is not UNKNOWN:
                    out[p.name] = v
            for k, arg in kw.items():
                v = self.script.value(arg, env)
                if v is not UNKNOWN:
                    out[k] = v
            return out
        return {}

    def _settings(self) -> dict[str, Any]:
        """``config.batch_size = 128`` (ml_collections style) and other attribute settings outside models."""
        got = getattr(self, "_settings_cache", None)
        if got is not None:
            return got
        got = self._settings_cache = {}
        for a in self.script.nodes("assignment"):
            left = a.child_by_field_name("left")
            if left is None or left.type != "attribute" or self._in_module_class(a):
                continue
            dn = dotted_name(left) or ""
            if dn.startswith("self.") or not dn:
                continue
            v = self.script.value(a.child_by_field_name("right"), {**self.script.constants, **got})
            if v is not UNKNOWN and jsonable(v):
                got[dn] = v
        return got

    def _training(self) -> tuple[dict[str, Any], list[str]]:
        """Hyperparameters (as ``Hyperparameters`` keywords) and tricks of the file's training code."""
        hp: dict[str, Any] = {"extra": {}}
        tricks: list[str] = []
        outside = [c for c in self.calls if not self._in_module_class(c)]
        self._optimizer(outside, hp, tricks)
        self._loss(outside, hp)
        self._loops(hp)
        if hp.get("batch_size") is None:
            hp["batch_size"] = self._batch_size(outside)
        for call in outside:
            fn = self._fname(call)
            full = self.script.resolve(fn) or fn
            trick = jax_layers.TRICKS.get(last_name(fn))
            if trick and full.split(".")[0] in ("optax", "flax", "orbax", "jax"):
                tricks.append(trick)
        return {k: v for k, v in hp.items() if v is not None}, tricks

    def _optax(self, call: Node) -> str | None:
        fn = self._fname(call)
        full = self.script.resolve(fn) or fn
        return last_name(full) if full.startswith("optax.") else None

    def _library_loss(self, node: Node) -> str | None:
        """The loss of optax or jaxopt a name or a call names (``optax.l2_loss(...)``,
        ``jax.vmap(jaxopt.loss.multiclass_logistic_loss)``), as written; None for anything else."""
        fn = self._fname(node) if node.type == "call" else dotted_name(node) if node.type == "attribute" else None
        full = self.script.resolve(fn or "") or fn or ""
        if full.split(".")[0] in ("optax", "jaxopt") and last_name(full) in jax_layers.LOSSES:
            return fn
        return None

    def _optimizer(self, calls: list[Node], hp: dict[str, Any], tricks: list[str]) -> None:
        for call in calls:
            name = self._optax(call)
            pos, kw = call_arguments(call)
            if name == "inject_hyperparams" and pos:
                # optax.inject_hyperparams(optax.adam)(learning_rate=1e-3): the outer call holds the values
                outer = call.parent.parent if call.parent is not None and call.parent.type == "call" else None
                name = last_name(self.script.resolve(dotted_name(pos[0]) or "") or "")
                pos, kw = call_arguments(outer) if outer is not None else ([], {})
            if not name:
                continue
            opt = jax_layers.OPTIMIZER_ALIASES.get(name) or vocab.canonical_optimizer(name)
            if opt is None:
                continue
            env = self._env_at(call)
            names = jax_layers.OPTIMIZER_ARGS.get(name, ("learning_rate",))
            vals: dict[str, Node] = dict(zip(names, pos, strict=False))
            vals.update(kw)
            hp["optimizer"] = opt
            lr_node = vals.get("learning_rate")
            lr = self._rate(lr_node, env, tricks) if lr_node is not None else None
            if lr is not None:
                hp["learning_rate"] = lr
            for extra in ("momentum", "weight_decay", "nesterov", "b1", "b2"):
                v = self.script.value(vals[extra], env) if extra in vals else UNKNOWN
                if v is not UNKNOWN and jsonable(v):
                    hp["extra"][extra] = v
            wd = hp["extra"].get("weight_decay")
            if isinstance(wd, (int, float)) and not isinstance(wd, bool) and wd > 0:
                tricks.append("weight_decay")
            return

    def _rate(self, node: Node, env: dict[str, Any], tricks: list[str]) -> float | None:
        """A learning rate: a number, or the rate a schedule starts from (the schedule is ``lr_schedule``)."""
        v = self.script.value(node, env)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        sched = node if node.type == "call" else self._assigned_call(node)
        name = self._optax(sched) if sched is not None else None
        if name in jax_layers.SCHEDULES:
            tricks.append("lr_schedule")
            key, at = jax_layers.SCHEDULES[name]
            pos, kw = call_arguments(sched)
            node = kw.get(key) if key in kw else pos[at] if 0 <= at < len(pos) else None
            v = self.script.value(node, self._env_at(sched)) if node is not None else UNKNOWN
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
        return None

    def _assigned_call(self, node: Node) -> Node | None:
        """The call last assigned, before ``node``, to the name ``node`` is."""
        if node.type != "identifier":
            return None
        name = node_text(node)
        got = None
        for a in self.script.nodes("assignment"):
            if a.start_byte >= node.start_byte:
                break
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and node_text(left) == name and right is not None and right.type == "call":
                got = right
        return got

    def _loss(self, calls: list[Node], hp: dict[str, Any]) -> None:
        for call in calls:
            pos, _ = call_arguments(call)
            for node in [call, *pos[:1]]:  # the loss called, or handed to a transform (jax.vmap(loss))
                raw = self._library_loss(node)
                if raw is not None:
                    hp["loss"], hp["loss_raw"] = jax_layers.LOSSES[last_name(raw)], raw
                    return
        # a loss written by hand in a loss function: -sum(labels * log_softmax(logits)), mean((pred - y) ** 2);
        # nested ones too (cleanrl's mse_loss inside the jitted update of its main guard)
        for fnode in self.script.nodes("function_definition"):
            name = node_text(fnode.child_by_field_name("name"))
            if self._in_module_class(fnode):
                continue
            if "loss" not in name.lower():
                continue
            text = node_text(fnode)
            compact = re.sub(r"\s+", " ", text)
            if "log_softmax" in text or re.search(r"\blog\s*\(", text) and "softmax" in text:
                hp["loss"], hp["loss_raw"] = "categorical_crossentropy", f"{name} (log-softmax)"
                return
            if re.search(r"\*\*\s*2|square\(", compact) and "-" in compact:
                hp["loss"], hp["loss_raw"] = "mse", f"{name} (squared error)"
                return
            if "take_along_axis" in compact and re.search(r"-\s*(?:jnp\.)?(?:mean|sum)\(", compact):
                # -mean(take_along_axis(log_probs, y, axis=1)): the negative log-likelihood of the true class
                hp["loss"], hp["loss_raw"] = "categorical_crossentropy", f"{name} (negative log-likelihood)"
                return

    def _loops(self, hp: dict[str, Any]) -> None:
        """Epochs (``for epoch in range(N)``) and steps (``for step in range(N)``) of counted loops."""
        for loop in self.script.nodes("for_statement"):
            if self._in_module_class(loop):
                continue
            it = loop.child_by_field_name("right")
            # for step, (x, y) in zip(range(STEPS), loader): the counted range is zip's first
            while it is not None and it.type == "call" and last_name(self._fname(it)) in ("enumerate", "tqdm", "trange",
                                                                                         "zip"):
                if last_name(self._fname(it)) == "trange":
                    break
                args = call_arguments(it)[0]
                it = args[0] if args else None
            if it is None or it.type != "call" or last_name(self._fname(it)) not in ("range", "trange"):
                continue
            env = self._env_at(loop)
            count = range_length([self.script.value(a, env) for a in call_arguments(it)[0]])
            if count is None:
                continue
            words = (node_text(loop.child_by_field_name("left")) + " " + node_text(it)).lower()
            if "epoch" in words and hp.get("epochs") is None:
                hp["epochs"] = count
            elif re.search(r"step|iter|update", words) and hp.get("steps") is None:
                hp["steps"] = count
        if hp.get("epochs") is None:
            flags = {**self.script.argparse_defaults, **{last_name(k): v for k, v in self._settings().items()}}
            v = next((flags[k] for k in ("num_epochs", "epochs", "n_epochs") if k in flags), None)
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                hp["epochs"] = v

    def _batch_size(self, calls: list[Node]) -> int | None:
        for call in calls:
            _, kw = call_arguments(call)
            node = kw.get("batch_size")
            last = last_name(self._fname(call))
            if node is None and (last == "batch" or last == "sample" and vocab.REPLAY_RECEIVER.search(
                    self._fname(call).rpartition(".")[0])):
                pos, _ = call_arguments(call)
                node = pos[0] if pos else None
            v = self.script.value(node, self._env_at(call)) if node is not None else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        named = {**self.script.argparse_defaults, **{last_name(k): v for k, v in self._settings().items()},
                 **self.script.constants}
        for key in ("batch_size", "BATCH_SIZE", "bs", "batchsize"):
            v = named.get(key)
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        return None

    def _input_shape(self) -> dict[str, list[int]]:
        """``model.init(rng, jnp.ones([1, 28, 28, 1]))``: the input shape without the batch dimension,
        by the class of the model initialised (``""`` when the model's class cannot be told)."""
        out: dict[str, list[int]] = {}
        created: dict[str, str] = {}
        for a in self.script.nodes("assignment"):
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and right is not None and right.type == "call" and self._fname(right) in self.modules:
                created[node_text(left)] = self._fname(right)
            elif left is not None and right is not None and right.type == "call":
                # net = hk.without_apply_rng(hk.transform(forward)): net.init(...) initialises forward's model
                inner = right
                while inner.type == "call" and not self._haiku_transform(self._fname(inner)):
                    args = call_arguments(inner)[0]
                    inner = args[0] if args else inner
                    if not args:
                        break
                args = call_arguments(inner)[0] if inner.type == "call" else []
                if args and args[0].type == "identifier" and self._haiku_transform(self._fname(inner)):
                    created[node_text(left)] = self._forward_model_name(node_text(args[0]))
        for call in self.calls:
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("attribute")) != "init":
                continue
            obj = node_text(fnode.child_by_field_name("object"))
            pos, _ = call_arguments(call)
            for arg in pos[1:]:
                shape = self._dummy_shape(arg)
                if shape is not None:
                    out.setdefault(created.get(obj, ""), shape)
                    break
        return out

    def _forward_model_name(self, forward: str) -> str:
        """The model a transformed function stands for: the one module class of the file it creates, else itself."""
        fnode = next((f for f in self.script.nodes("function_definition")
                      if node_text(f.child_by_field_name("name")) == forward), None)
        made = {self._fname(c) for c in self.calls if fnode is not None
                and fnode.start_byte <= c.start_byte < fnode.end_byte and self._fname(c) in self.modules}
        return made.pop() if len(made) == 1 else forward

    def _dummy_shape(self, node: Node) -> list[int] | None:
        if node.type == "identifier":
            node = self._assigned_call(node) or node
        if node.type != "call":
            return None
        fn = self._fname(node)
        if last_name(fn) not in ("ones", "zeros", "empty", "normal", "uniform") or not self._op_name(fn):
            return None
        pos, kw = call_arguments(node)
        arg = kw.get("shape") or (pos[1] if last_name(fn) in ("normal", "uniform") and len(pos) > 1 else pos[0] if pos else None)
        v = self.script.value(arg, self._env_at(node)) if arg is not None else UNKNOWN
        if isinstance(v, list) and len(v) >= 2 and all(isinstance(d, int) and not isinstance(d, bool) for d in v):
            return v[1:]
        return None


def _as_module(v: Any) -> _Mod | None:
    """A value held where modules are: a module, or a function held as a value; None for data."""
    if isinstance(v, _Mod):
        return v
    if isinstance(v, _Ref):
        return _Mod(kind="ref", ref=v)
    return None


def _assignments(body: Node | None) -> list[Node]:
    """Assignments of a function body in source order, nested blocks included (not nested defs)."""
    out: list[Node] = []
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == "assignment":
            out.append(n)
            continue
        if n.type in ("function_definition", "class_definition", "lambda"):
            continue
        stack.extend(reversed(n.named_children))
    return out


def _portable(v: Any) -> Any:
    """A value one file hands another's model: plain data, or a library's class or function (``nn.BatchNorm``,
    ``nn.relu``), which mean the same in any file; UNKNOWN for the rest (a module class of the giver's file)."""
    if isinstance(v, _Ref):
        return v if v.kind in ("flax", "act", "op") else UNKNOWN
    return v if v is not UNKNOWN and jsonable(v) else UNKNOWN


def _slice_bounds(sub: Node, script: Script, env: dict[str, Any]) -> tuple[int | None, int | None] | None:
    """``[:-1]`` -> (None, -1); ``[1:3]`` -> (1, 3); None for a step or a bound that cannot be read."""
    parts: list[Node | None] = [None]
    for c in sub.children:
        if c.type == ":":
            parts.append(None)
        elif c.is_named:
            parts[-1] = c
    if len(parts) != 2:
        return None  # a step (x[::2]) is no run of layers
    bounds = [script.value(c, env) if c is not None else None for c in parts]
    if any(b is not None and (not isinstance(b, int) or isinstance(b, bool)) for b in bounds):
        return None
    return bounds[0], bounds[1]


def _mlp_layers(ref: _Ref, args: dict[str, Any], line: int) -> list[Layer]:
    """``hk.nets.MLP([300, 100, 10])`` -> Dense 300, 100, 10; ``eqx.nn.MLP(2, 1, 32, 2)`` -> Dense 32, 32, 1.
    Hidden layers take the activation (relu unless another is given); the last one only where asked."""
    if ref.lib == "haiku":
        sizes = args.get("output_sizes")
        final = args.get("activate_final") is True
    else:
        width, depth, out = args.get("width_size"), args.get("depth"), args.get("out_size")
        sizes = [width] * depth + [out] if isinstance(depth, int) and 0 <= depth <= MAX_UNROLL else None
        final = isinstance(args.get("final_activation"), _Ref)
    if not isinstance(sizes, list) or not sizes or len(sizes) > MAX_UNROLL:
        return [Layer(type="Dense", raw=ref.raw, line=line)]  # sizes not written: one Dense stands for them
    act_ref = args.get("activation")
    act = act_ref.name if isinstance(act_ref, _Ref) and act_ref.kind == "act" else "relu"
    last = args.get("final_activation") if ref.lib == "equinox" else act_ref
    last_act = last.name if final and isinstance(last, _Ref) and last.kind == "act" else act if final else None
    out: list[Layer] = []
    for i, size in enumerate(sizes):
        units = {"units": size} if isinstance(size, int) and not isinstance(size, bool) else {}
        out.append(Layer(type="Dense", raw=ref.raw, args=units, activation=last_act if i == len(sizes) - 1 else act,
                         line=line))
    return out


def _library(full: str) -> str | None:
    """The library of layers a resolved dotted name comes from (``haiku.nets.MLP`` -> ``haiku``), or None."""
    parts = full.split(".")
    for n in range(min(3, len(parts) - 1), 0, -1):
        lib = jax_layers.LIBRARIES.get(".".join(parts[:n]))
        if lib is not None:
            return lib
    return None


def _is_layer_class(name: str, lib: str) -> bool:
    """A library class that builds a layer (or a container of layers, a whole network) when called."""
    return name in jax_layers.LAYERS[lib] or name in jax_layers.CONTAINERS or name in jax_layers.LAMBDAS \
        or name in jax_layers.RNN_WRAPPERS or name in jax_layers.BIDIRECTIONAL \
        or lib in jax_layers.MLPS and name == "MLP" or name in jax_layers.ZOO.get(lib, ())


# arguments that say how a layer runs or is initialised, not what it is
_SKIPPED_ARGS = {"rngs", "dtype", "param_dtype", "kernel_init", "bias_init", "scale_init", "name", "deterministic",
                 "use_running_average", "precision", "w_init", "b_init", "key", "inference"}


def _with_dims(ltype: str, dims: int) -> str:
    """``Conv2D`` with a 1-D kernel -> ``Conv1D``; ``MaxPooling2D`` over 3 axes -> ``MaxPooling3D``."""
    if dims in (1, 3) and "2D" in ltype:
        got = ltype.replace("2D", f"{dims}D")
        return got if got in _KNOWN_DIMS else ltype
    return ltype


_KNOWN_DIMS = {"Conv1D", "Conv3D", "Conv1DTranspose", "Conv3DTranspose", "LocallyConnected1D", "MaxPooling1D",
               "MaxPooling3D", "AveragePooling1D", "AveragePooling3D"}


def _reshape_layer(pos: list[Node], raw: str, line: int) -> Layer:
    shape = pos[0] if len(pos) == 1 and pos[0].type in ("tuple", "list") else None
    items = shape.named_children if shape is not None else pos
    text = [node_text(x).replace(" ", "") for x in items]
    if text == ["-1"]:
        return Layer(type="Flatten", raw=raw, line=line)  # x.reshape(-1): one example's features, flat (equinox)
    flat = len(text) == 2 and text[1] == "-1" and ("shape[0]" in text[0] or text[0] in ("B", "b", "batch", "batch_size", "bs", "n"))
    return Layer(type="Flatten" if flat else "Reshape", raw=raw, line=line)


def _reduced_axes(kw: dict[str, Node], pos: list[Node], script: Script, env: dict[str, Any]) -> int:
    """``jnp.mean(x, axis=(1, 2))``: a mean over the spatial axes of a feature map (global pooling, 2),
    ``axis=1`` over the steps of a sequence (1); 0 for any other reduction."""
    node = kw.get("axis") or (pos[1] if len(pos) > 1 else None)
    v = script.value(node, env) if node is not None else UNKNOWN
    if v in ([1, 2], [-3, -2]):
        return 2
    return 1 if v in (1, [1]) else 0


_GLOBAL_POOLS = {("mean", 1): "GlobalAveragePooling1D", ("mean", 2): "GlobalAveragePooling2D",
                 ("max", 1): "GlobalMaxPooling1D", ("max", 2): "GlobalMaxPooling2D"}


def extract_jax(script: Script) -> list[Summary]:
    """One summary per Flax model the script defines, with the optax training the file writes.

    Args:
        script: the loaded script (``corpus.readers.script.load``).

    Returns:
        Summaries with ``id=""``, lines of the analysed code, ``framework="jax"``,
        layers in the order ``__call__`` applies them, and the training's hyperparameters.
    """
    return JaxReader(script).read()
