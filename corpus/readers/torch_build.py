"""The model-class reader: runs ``__init__`` bodies and builder helpers symbolically.

It learns what each ``self.x`` attribute and local name holds as a module (a
layer, an activation, a container, an instance of another module class of the
file, or a plain value); :mod:`corpus.readers.torch_forward` then applies them.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import replace
from typing import Any, NamedTuple

from tree_sitter import Node

from corpus.knowledge import torch_layers, vocab
from corpus.knowledge.layers import SEGMENTATION_ARCHITECTURES, SEGMENTATION_ZOOS
from corpus.readers.evaluate import arith, bind_arguments, range_length
from corpus.readers.script import (
    UNKNOWN,
    call_arguments,
    call_function_name,
    dotted_name,
    line_of,
    node_text,
    walk,
)
from corpus.readers.torch_common import (
    MAX_DEPTH,
    MAX_EXPR_DEPTH,
    MAX_INSTANCES,
    ClassInfo,
    FuncInfo,
    Instance,
    LayerClass,
    ModuleValue,
    Scope,
    activation_layer,
    attention_maths,
    before_splat,
    copy_layer,
    from_library,
    hf_head,
    identifiers,
    is_tf_hf_class,
    jsonable,
    last_name,
    method_in_bases,
    push,
)
from corpus.record.summary import Layer

# ``Swish_module``, ``MishLayer``: a class named for the activation it writes by hand, with a word for "module"
_ACTIVATION_CLASS_SUFFIX = re.compile(r"_?(?:module|layer|act|activation)$", re.IGNORECASE)


class ModuleBuilder:
    """Building module values (a mixin of :class:`~corpus.readers.torch_models.TorchExtractor`)."""

    # -- building module values ----------------------------------------
    def build(self, node: Node | None, scope: Scope) -> ModuleValue | None:
        """The module an expression of model-building code holds, or None (one handler per node type)."""
        if node is None or self.depth > MAX_DEPTH or self.expr_depth > MAX_EXPR_DEPTH:
            return None
        handler = _BUILD_BY_TYPE.get(node.type)
        if handler is None:
            return None
        self.expr_depth += 1
        try:
            return handler(self, node, scope)
        finally:
            self.expr_depth -= 1

    def _build_parenthesized(self, node: Node, scope: Scope) -> ModuleValue | None:
        return self.build(node.named_children[0], scope) if node.named_children else None

    def _build_identifier(self, node: Node, scope: Scope) -> ModuleValue | None:
        return scope.mods.get(node_text(node))

    def _build_attribute(self, node: Node, scope: Scope) -> ModuleValue | None:
        dn = dotted_name(node)
        if dn and dn.startswith("self.") and scope.inst is not None:
            return self._attr(scope.inst, dn[5:])
        head, _, rest = (dn or "").partition(".")
        base = scope.mods.get(head) if rest else None
        if base is not None and base.layers and all(x.type == "Pretrained" for x in base.layers) \
                and last_name(rest) not in _NOT_PARTS:
            # vgg.features / resnet.layer4 of a pretrained model held in a local: part of that backbone
            return base
        return None

    def _build_subscript(self, node: Node, scope: Scope) -> ModuleValue | None:
        base = self.build(node.child_by_field_name("value"), scope)
        if base is None:
            return None
        idx = self.value(node.child_by_field_name("subscript"), scope)
        if base.keys and isinstance(idx, str) and idx in base.keys:
            return base.keys[idx]  # self.heads["cls"] of a ModuleDict: that head only
        if base.kind == "list" and not base.items and isinstance(idx, int):
            # an item of a list still empty here (``blocks[-1]`` before the first append): unknown,
            # not the list itself, which appended to itself would hold itself
            return None
        if base.kind != "list" or not base.items:
            return base
        if len(base.items) == 1 and (base.items[0].repeat or 0) > 1:
            # one layer built n times ([nn.Linear(...) for _ in range(n)]): layers[-1] is one
            # of them, layers[:-1] the other n - 1
            return self._index_repeated(base, node.child_by_field_name("subscript"), idx, scope)
        if isinstance(idx, int) and -len(base.items) <= idx < len(base.items):
            return base.items[idx]
        return base

    def _build_sequence(self, node: Node, scope: Scope) -> ModuleValue:
        return ModuleValue(kind="list", items=self._items(node.named_children, scope))

    def _items(self, nodes: list[Node], scope: Scope) -> list[ModuleValue]:
        """The modules of the items of a list display or a call's arguments (``*blocks`` spliced in)."""
        items: list[ModuleValue] = []
        for c in nodes:
            if c.type == "list_splat":
                items.extend(self._splat_items(c, scope))
                continue
            m = self.build(c, scope)
            if m is not None:
                items.append(m)
        return items

    def _splat_items(self, splat: Node, scope: Scope) -> list[ModuleValue]:
        """``*layers``: the items of the list it spreads (or the one module it names)."""
        inner = self.build(splat.named_children[0] if splat.named_children else None, scope)
        if inner is None:
            return []
        return inner.items if inner.kind == "list" else [inner]

    def _build_binary(self, node: Node, scope: Scope) -> ModuleValue | None:
        op = node_text(node.child_by_field_name("operator"))
        left = self.build(node.child_by_field_name("left"), scope)
        right = self.build(node.child_by_field_name("right"), scope)
        if op == "+" and left is not None and right is not None and left.kind == right.kind == "list":
            return ModuleValue(kind="list", items=left.items + right.items)
        if op == "*" and left is not None and left.kind == "list":
            n = self.value(node.child_by_field_name("right"), scope)
            if isinstance(n, int) and left.items:
                return ModuleValue(kind="list", items=[_repeat_mod(m, n) for m in left.items])
        return left or right

    def _build_conditional(self, node: Node, scope: Scope) -> ModuleValue | None:
        kids = node.named_children
        if len(kids) != 3:
            return None
        cond = self.value(kids[1], scope)
        if cond is not UNKNOWN and cond is not None:
            return self.build(kids[0] if cond else kids[2], scope)
        return self.build(kids[0], scope) or self.build(kids[2], scope)

    def _index_repeated(self, base: ModuleValue, sub: Node | None, idx: Any, scope: Scope) -> ModuleValue:
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

    def _comprehension(self, node: Node, scope: Scope) -> ModuleValue | None:
        body = node.named_children[0] if node.named_children else None
        clause = next((c for c in node.named_children if c.type == "for_in_clause"), None)
        inner = scope.child()
        count = None
        if clause is not None:
            right = clause.child_by_field_name("right")
            count = self._loop_count(right, scope)
            left = clause.child_by_field_name("left")
            for ident in identifiers(left):
                inner.env.pop(ident, None)
        m = self.build(body, inner)
        if m is None:
            return None
        return ModuleValue(kind="list", items=[_repeat_mod(m, count)])

    def _loop_count(self, it: Node | None, scope: Scope) -> int | None:
        """How many times a loop over ``it`` runs, when that can be read."""
        if it is None:
            return None
        if it.type == "call":
            fn = self._fname(it)
            pos, kw = call_arguments(it)
            if fn == "range" and pos:
                return range_length([self.value(p, scope) for p in pos])
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

    def _attr(self, inst: Instance, name: str) -> ModuleValue | None:
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

    def _attr_named(self, inst: Instance, name: Node, scope: Scope) -> ModuleValue | None:
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

    def _build_call(self, node: Node, scope: Scope) -> ModuleValue | None:
        """What a call builds: handlers by the called name's last part first, then the general rules in order."""
        fnode = node.child_by_field_name("function")
        fn = dotted_name(fnode)
        pos, kw = call_arguments(node)
        if fn is None:
            handler = _BUILD_BY_CALLEE_TYPE.get(fnode.type) if fnode is not None else None
            return handler(self, node, fnode, pos, kw, scope) if handler is not None else None
        last = last_name(fn)
        call = _Call(node, fnode, fn, last, self.script.resolve(fn) or fn, pos, kw, line_of(node))
        by_name = _BUILD_BY_CALL_NAME.get(last)
        if by_name is not None:
            got = by_name(self, call, scope)
            if got is not _NOT_MINE:
                return got
        for rule in _BUILD_CALL_RULES:
            got = rule(self, call, scope)
            if got is not _NOT_MINE:
                return got
        return None

    # chained calls, by what is called: Net().to(device), models.__dict__[arch](...), getattr(nn, name)(...)
    def _build_method_of_call(self, node: Node, fnode: Node, pos: list[Node], kw: dict[str, Node],
                              scope: Scope) -> ModuleValue | None:
        obj = fnode.child_by_field_name("object")
        meth = node_text(fnode.child_by_field_name("attribute"))
        if meth in _SAME_MODULE_CHAINED:
            return self.build(obj, scope)
        if meth in torch_layers.PRETRAINED_LOADERS:
            return self._pretrained_hf(node, obj, scope)
        return None

    def _build_zoo_lookup(self, node: Node, fnode: Node, pos: list[Node], kw: dict[str, Node],
                          scope: Scope) -> ModuleValue | None:
        # models.__dict__[args.arch](pretrained=True)
        base = dotted_name(fnode.child_by_field_name("value")) or ""
        full = self.script.resolve(base) or base
        if not full.startswith(torch_layers.PRETRAINED_MODULES):
            return None
        key = self.value(fnode.child_by_field_name("subscript"), scope)
        name = key if isinstance(key, str) else "unknown"
        return self._pretrained(node, name, kw, scope, raw=base + "[...]")

    def _build_class_by_name(self, node: Node, fnode: Node, pos: list[Node], kw: dict[str, Node],
                             scope: Scope) -> ModuleValue | None:
        # getattr(nn, rnn_type)(...): the class named by a value
        if self._fname(fnode) != "getattr":
            return None
        gpos, _ = call_arguments(fnode)
        if len(gpos) != 2 or not (self.script.resolve(dotted_name(gpos[0]) or "") or "").startswith("torch.nn"):
            return None
        cname = self.value(gpos[1], scope)
        if not isinstance(cname, str) and "rnn" in node_text(gpos[1]).lower():
            cname = "LSTM"  # the usual choice of scripts that pick the cell by name
        if isinstance(cname, str) and cname in torch_layers.LAYERS:
            return self._torch_module(cname, f"nn.{cname}", node, pos, kw, scope)
        return None

    # calls by the last part of their name (each may decline: _NOT_MINE)
    def _build_moved(self, call: _Call, scope: Scope) -> Any:
        # .to(device) and friends on a plain name; list(resnet.children())
        if "." not in call.fn:
            return _NOT_MINE
        return self.build(call.fnode.child_by_field_name("object") if call.fnode is not None else None, scope)

    def _build_layer_class_value(self, call: _Call, scope: Scope) -> Any:
        """``act()`` of a name that holds a torch layer class handed over uncalled (``activation=nn.Tanh``, then
        ``act = activation if j < n - 2 else output_activation``): that layer."""
        held = scope.env.get(call.fn) if "." not in call.fn else None
        if not isinstance(held, LayerClass):
            return _NOT_MINE
        return self._torch_module(held.name, f"nn.{held.name}", call.node, call.pos, call.kw, scope)

    def _build_copy(self, call: _Call, scope: Scope) -> Any:
        """``copy.deepcopy(layer)`` (``nn.ModuleList([copy.deepcopy(layer) for _ in range(n)])``): the same module."""
        if call.fn in ("copy.deepcopy", "deepcopy", "copy.copy") and len(call.pos) == 1:
            return self.build(call.pos[0], scope)
        return _NOT_MINE

    def _build_list_call(self, call: _Call, scope: Scope) -> Any:
        if call.fn in ("list", "tuple") and len(call.pos) == 1:
            return self.build(call.pos[0], scope)
        if call.fn in ("list", "tuple") and not call.pos and not call.kw:
            return ModuleValue(kind="list", items=[])  # ``layers = list()``, filled by appends as ``[]`` is
        return _NOT_MINE

    def _build_getattr(self, call: _Call, scope: Scope) -> Any:
        pos = call.pos
        if call.fn == "getattr" and len(pos) >= 2 and scope.inst is not None and node_text(pos[0]) == "self":
            return self._attr_named(scope.inst, pos[1], scope)
        return _NOT_MINE

    def _build_ordered_dict_call(self, call: _Call, scope: Scope) -> Any:
        if not (call.full.startswith("collections.") or call.fn == "OrderedDict"):
            return _NOT_MINE
        od = self._ordered_dict(call.node, scope)
        return ModuleValue(kind="list", items=list(od.values()), keys=od, raw="OrderedDict", line=call.line) if od else None

    def _build_from_pretrained(self, call: _Call, scope: Scope) -> Any:
        fn, kw = call.fn, call.kw
        owner = fn.rsplit(".", 1)[0]
        if self.torch_name(owner) in ("Embedding", "EmbeddingBag"):
            # nn.Embedding.from_pretrained(vectors): an embedding layer with given weights
            args: dict[str, Any] = {"pretrained": True}
            if "freeze" in kw and self.plain(kw["freeze"], scope) is not UNKNOWN:
                args["freeze"] = self.plain(kw["freeze"], scope)
            layer = Layer(type="Embedding", raw=fn, args=args, line=call.line)
            return ModuleValue(kind="layer", layers=[layer], raw=fn, line=call.line)
        return self._pretrained_hf(call.node, call.fnode.child_by_field_name("object") if call.fnode else None, scope)

    def _build_from_checkpoint(self, call: _Call, scope: Scope) -> Any:
        # build_transformer_model(config_path, checkpoint_path, model="roberta"): the pretrained transformer;
        # without a checkpoint it is built from its config, and read as the repository's or a library's code
        ckpt_kw, ckpt_at, arch_kw, arch_default = torch_layers.CHECKPOINT_BUILDERS[call.last]
        ckpt = call.kw.get(ckpt_kw) or (call.pos[ckpt_at] if len(call.pos) > ckpt_at else None)
        if ckpt is None or ckpt.type == "none":
            return _NOT_MINE
        arch = self.plain(call.kw[arch_kw], scope) if arch_kw in call.kw else arch_default
        layer = Layer(type="Pretrained", raw=call.fn, args={"name": arch if isinstance(arch, str) else arch_default},
                      line=call.line)
        return ModuleValue(kind="layer", layers=[layer], raw=call.fn, line=call.line)

    def _build_parallel(self, call: _Call, scope: Scope) -> Any:
        return self.build(call.pos[0], scope) if call.pos else _NOT_MINE

    # the general rules, in order
    def _build_local_class(self, call: _Call, scope: Scope) -> Any:
        # local classes (also names bound to a local class: block=BasicBlock)
        fn = call.fn
        cls = scope.classes.get(fn) or (self.classes.get(fn) if "." not in fn else None)
        if cls is None or not cls.is_module:
            return _NOT_MINE
        base = self._layer_base(cls)
        if base is not None:
            # class Layer(nn.Linear): the layer it extends, under its own name
            m = self._torch_module(base, cls.name, call.node, call.pos, call.kw, scope)
            if m is not None:
                return m
        inst = self.instantiate(cls, call.node, scope)
        if inst is None:
            return ModuleValue(kind="layer", layers=[Layer(type="Custom", raw=cls.name, line=call.line)], raw=cls.name)
        return ModuleValue(kind="inst", inst=inst, raw=cls.name, line=call.line)

    def _build_torch_class(self, call: _Call, scope: Scope) -> Any:
        tn = self.torch_name(call.fn)
        m = self._torch_module(tn, call.fn, call.node, call.pos, call.kw, scope) if tn is not None else None
        return m if m is not None else _NOT_MINE

    def _build_zoo_model(self, call: _Call, scope: Scope) -> Any:
        # torchvision / timm / pretrained model constructors
        full, last = call.full, call.last
        if full.split(".")[0] in SEGMENTATION_ZOOS and last in SEGMENTATION_ARCHITECTURES:
            return self._segmentation_zoo_model(call, scope)
        if not (full.startswith(torch_layers.PRETRAINED_MODULES) and last not in torch_layers.TV_NOT_MODELS
                and last[:1].islower()):
            return _NOT_MINE
        if not (full.startswith("torchvision.models") or full.startswith(("timm.create_model", "pretrainedmodels"))):
            return _NOT_MINE
        name = last
        if last == "create_model" and call.pos:
            v = self.value(call.pos[0], scope)
            name = v if isinstance(v, str) else "unknown"
        got = self._pretrained(call.node, name, call.kw, scope, raw=call.fn)
        if last == "create_model" and "num_classes" in call.kw:
            # timm.create_model(..., num_classes=10): the backbone with a new classifier of that size
            n = self.plain(call.kw["num_classes"], scope)
            if isinstance(n, int) and not isinstance(n, bool):
                got.layers[0].args["num_classes"] = n
        return got

    def _build_helper_call(self, call: _Call, scope: Scope) -> Any:
        # helper functions and methods that return modules or lists of them
        fn = call.fn
        f = None
        if fn.startswith("self.") and scope.inst is not None and fn.count(".") == 1:
            f = self._method(scope.inst.cls, fn[5:])
        elif "." not in fn:
            f = scope.funcs.get(fn) or self.funcs.get(fn)
        return self.call_builder(f, call.node, scope) if f is not None else _NOT_MINE

    def _build_repository_class(self, call: _Call, scope: Scope) -> Any:
        # a module class of another file of the repository that a network builds in its __init__, built with
        # what this call gives it (Encoder([EncoderLayer(...) for _ in range(n)], norm_layer=...)): its own
        # file read alone has no such arguments (the join would leave it Custom)
        context = self.script.context
        if context is None or not call.last[:1].isupper() or (scope.inst is None and not _sequential_item(call.node)):
            return _NOT_MINE
        hit = self.script.repository_definition(call.fn)
        cls = context.torch_module_class(*hit) if hit is not None else None
        if cls is None:
            return _NOT_MINE
        with self.at_home(cls):
            if self._layer_base(cls) is not None:
                return _NOT_MINE
        inst = self.instantiate(cls, call.node, scope)
        return ModuleValue(kind="inst", inst=inst, raw=cls.name, line=call.line) if inst is not None else _NOT_MINE

    def _build_foreign_class(self, call: _Call, scope: Scope) -> Any:
        # a class from elsewhere that looks like a module: Custom
        # (imported by name, by a wildcard, or through a local package: blocks.ResBlock)
        fn, last = call.fn, call.last
        head = fn.split(".")[0]
        if call.full.startswith("transformers.") and last.endswith("Model") and not is_tf_hf_class(last):
            # ``self.dinov2 = Dinov2Model(config)`` in a class loaded with from_pretrained: the backbone
            layer = Layer(type="Pretrained", raw=fn, args={"name": last}, line=call.line)
            return ModuleValue(kind="layer", layers=[layer], raw=fn, line=call.line)
        if last[:1].isupper() and not from_library(call.full, _NOT_BLOCK_MODULES) and last not in _NOT_BLOCKS \
                and ("." not in fn or (head in self.script.aliases and head not in ("nn", "F", "torch"))):
            return ModuleValue(kind="layer", layers=[Layer(type="Custom", raw=last, line=call.line)], raw=fn)
        return None

    def _has_parameters(self, cls: ClassInfo) -> bool:
        text = node_text(cls.node)
        return "Parameter(" in text or "register_parameter" in text

    def _layer_base(self, cls: ClassInfo) -> str | None:
        for b in cls.bases:
            tn = self.torch_name(b)
            if tn is not None and (tn in torch_layers.LAYERS or tn == torch_layers.TRANSFORMER):
                return tn
        return None

    def _method(self, cls: ClassInfo, name: str) -> FuncInfo | None:
        return method_in_bases(cls, name, self.classes)

    def _segmentation_zoo_model(self, call: _Call, scope: Scope) -> ModuleValue:
        """``smp.Unet(encoder_name="resnet34", encoder_weights="imagenet", classes=1)``: one whole network whose
        encoder loads ImageNet weights unless ``encoder_weights=None`` is written."""
        encoder = self.plain(call.kw["encoder_name"], scope) if "encoder_name" in call.kw else \
            self.plain(call.pos[0], scope) if call.pos else UNKNOWN
        weights = self.plain(call.kw["encoder_weights"], scope) if "encoder_weights" in call.kw else "imagenet"
        args: dict[str, Any] = {"name": call.last, "pretrained": weights is not None}
        if isinstance(encoder, str):
            args["encoder"] = encoder
        classes = self.plain(call.kw["classes"], scope) if "classes" in call.kw else UNKNOWN
        if isinstance(classes, int) and not isinstance(classes, bool):
            args["classes"] = classes
        layer = Layer(type="Pretrained", raw=call.fn, args=args, line=line_of(call.node))
        return ModuleValue(kind="layer", layers=[layer], raw=call.fn, line=line_of(call.node))

    def _pretrained(self, node: Node, name: str, kw: dict[str, Node], scope: Scope, raw: str) -> ModuleValue:
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
        return ModuleValue(kind="layer", layers=[layer], raw=raw, line=line_of(node))

    def _pretrained_hf(self, node: Node, obj: Node | None, scope: Scope) -> ModuleValue | None:
        pos, kw = call_arguments(node)
        owner = dotted_name(obj) or ""
        full = self.script.resolve(owner) or owner
        if any(w in owner for w in ("Tokenizer", "Config", "Processor", "FeatureExtractor", "Dataset")):
            return None
        if is_tf_hf_class(owner):
            return None  # TFAutoModel...: the Keras reader's
        if not (full.startswith(("transformers", "torchvision", "timm", "efficientnet")) or owner.endswith(("Model", "ForSequenceClassification", "Net"))):
            return None
        name = self.value(pos[0], scope) if pos else UNKNOWN
        if not isinstance(name, str):
            name = last_name(owner) or "unknown"
        line = line_of(node)
        layers = [Layer(type="Pretrained", raw=f"{owner}.from_pretrained", args={"name": name, "pretrained": True}, line=line)]
        head = hf_head(owner)
        if head is not None:
            # AutoModelForSequenceClassification is one whole pretrained model (the spec's Pretrained): the
            # head its name implies is not written in the code, so it is no layer; its size is an argument
            units = self.plain(kw["num_labels"], scope) if "num_labels" in kw else UNKNOWN
            units = head[2] if head[2] is not None else units
            if isinstance(units, int) and not isinstance(units, bool):
                layers[0].args["num_labels"] = units
            problem = self.plain(kw["problem_type"], scope) if "problem_type" in kw else UNKNOWN
            if isinstance(problem, str):
                layers[0].args["problem_type"] = problem  # the loss the head computes (multi-label: BCE)
        return ModuleValue(kind="layer", layers=layers, raw=owner, line=line)

    def _torch_module(self, tn: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope) -> ModuleValue | None:
        """What ``nn.<tn>(...)`` builds: a container, a layer, an activation, or nothing (``nn.Identity``)."""
        container = _TORCH_CONTAINERS.get(tn)
        if container is not None:
            return container(self, tn, fn, node, pos, kw, scope)
        line = line_of(node)
        if tn in torch_layers.NO_LAYER:
            return ModuleValue(kind="none", raw=fn, line=line)
        act = vocab.canonical_activation(tn)
        if act is not None and tn.lower() not in torch_layers.NOT_ACTIVATIONS and tn not in torch_layers.LAYERS:
            return ModuleValue(kind="act", act=act, layers=[activation_layer(act, fn, line)], raw=fn, line=line)
        spec = torch_layers.LAYERS.get(tn)
        if spec is None:
            return None
        ctype, names = spec
        args = self._args(names, pos, kw, scope)
        if tn in torch_layers.GLOBAL_POOLS and args.get("output_size") in (1, [1, 1], [1], [1, 1, 1]):
            ctype = torch_layers.GLOBAL_POOLS[tn]
        for src, dst in torch_layers.ARG_ALIASES.get(ctype, {}).items():
            if src in args and dst not in args:
                args[dst] = args[src]
        if tn in torch_layers.RECURRENT and args.get("bidirectional") is True:
            args["layer"] = ctype
            ctype = "Bidirectional"
        if tn in ("TransformerEncoder", "TransformerDecoder") and pos:
            # the layer passed in carries d_model / nhead
            inner = self.build(pos[0], scope)
            if inner is not None and inner.layers:
                for k, v in inner.layers[0].args.items():
                    args.setdefault(k, v)
        layer = Layer(type=ctype, raw=fn, args=args, line=line)
        return ModuleValue(kind="layer", layers=[layer], raw=fn, line=line, cell=tn in torch_layers.CELLS)

    def _build_sequential(self, tn: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope) -> ModuleValue:
        """``nn.Sequential(...)`` / ``nn.ModuleList([...])``."""
        items: list[ModuleValue] = []
        for p in pos:
            if p.type == "list_splat":
                items.extend(self._splat_items(p, scope))
                continue
            if p.type == "call" and last_name(self._fname(p)) == "OrderedDict":
                items.extend(self._ordered_dict(p, scope).values())
                continue
            m = self.build(p, scope)
            if m is not None:
                # nn.Sequential(blocks) where blocks = OrderedDict([...]) holds the items
                ordered = m.kind == "list" and m.raw == "OrderedDict"
                items.extend(m.items if (m.kind == "list" and (tn == "ModuleList" or ordered)) else [m])
        line = line_of(node)
        if tn == "ModuleList":
            return ModuleValue(kind="list", items=items, raw=fn, line=line)
        return ModuleValue(kind="seq", layers=self.flatten(items), items=items, raw=fn, line=line)

    def _build_module_dict(self, tn: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope) -> ModuleValue:
        keys: dict[str, ModuleValue] = {}
        if pos and pos[0].type == "dictionary":
            for pair in pos[0].named_children:
                if pair.type == "pair":
                    k = self.value(pair.child_by_field_name("key"), scope)
                    m = self.build(pair.child_by_field_name("value"), scope)
                    if isinstance(k, str) and m is not None:
                        keys[k] = m
        return ModuleValue(kind="list", items=list(keys.values()), keys=keys, raw=fn, line=line_of(node))

    def _build_transformer(self, tn: str, fn: str, node: Node, pos: list[Node], kw: dict[str, Node], scope: Scope) -> ModuleValue:
        line = line_of(node)
        args = self._args(("d_model", "nhead", "num_encoder_layers", "num_decoder_layers"), pos, kw, scope)
        layers = [
            Layer(type="TransformerEncoder", raw=fn, args=dict(args), line=line),
            Layer(type="TransformerDecoder", raw=fn, args=dict(args), line=line),
        ]
        return ModuleValue(kind="layer", layers=layers, raw=fn, line=line)

    def _ordered_dict(self, call: Node, scope: Scope) -> dict[str, ModuleValue]:
        out: dict[str, ModuleValue] = {}
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

    def flatten(self, items: list[ModuleValue]) -> list[Layer]:
        """The layers applying ``items`` in order emits (Sequential semantics)."""
        out: list[Layer] = []
        for m in items:
            for layer in self.mod_layers(m):
                if not push(out, layer):
                    break
        return out

    def mod_layers(self, m: ModuleValue, modes: tuple[tuple[str, Any], ...] = ()) -> list[Layer]:
        if m.kind in ("layer", "seq", "act"):
            layers = m.layers
        elif m.kind == "inst" and m.inst is not None:
            layers = self.expand(m.inst, modes)
            self.copies += len(layers)
            if self.copies > MAX_COPIES:
                if "copy budget" not in " ".join(self.warnings):
                    self.warnings.append(f"copy budget of {MAX_COPIES} layers spent: further blocks kept as Custom")
                return [Layer(type="Custom", raw=m.inst.cls.name, line=m.line)]
            act = vocab.canonical_activation(_ACTIVATION_CLASS_SUFFIX.sub("", m.inst.cls.name) or m.inst.cls.name)
            if act is not None and not any(x.type not in torch_layers.NON_PARAMETRIC for x in layers) \
                    and not self._has_parameters(m.inst.cls):
                # an activation written by hand as a class (``class GELU(nn.Module)``: ``0.5 * x * (1 + tanh(...))``):
                # the activation its name says, folded into the layer before, not the maths' Add
                layers = [activation_layer(act, m.inst.cls.name, m.line)]
            elif not any(x.type not in torch_layers.NON_PARAMETRIC and x.type != "Attention" for x in layers) \
                    and attention_maths(node_text(m.inst.cls.node)):
                # attention written by hand, no weights of its own (its helpers' reductions and views, an
                # Attention read in one of them: ProbAttention): one Attention layer
                layers = [Layer(type="Attention", raw=m.inst.cls.name, line=m.line)]
            elif not layers and (_plain_ops(m.inst.cls) or _fixed_maths(m.inst.cls)):
                # a slice, a reshape or a clamp written as a module (class Trim), or fixed maths over buffers
                # (a sinusoidal PositionalEmbedding): expanded, no layer
                pass
            elif not layers or (not any(x.type not in torch_layers.NON_PARAMETRIC for x in layers) and self._has_parameters(m.inst.cls)):
                # a block we cannot read as layers (its own weights, custom maths): one Custom layer, unless
                # it is a normalization written by hand
                norm = torch_layers.handwritten_norm(m.inst.cls.name) if self._has_parameters(m.inst.cls) else None
                layers = [Layer(type=norm or handwritten_linear(m.inst.cls) or "Custom", raw=m.inst.cls.name,
                                line=m.line)]
        elif m.kind == "list":
            layers = self.flatten(m.items)
        else:
            return []
        if m.repeat:
            return [copy_layer(x, m.repeat) for x in layers]
        return layers

    # -- running builder code (__init__, helpers) ----------------------
    def bind(self, f: FuncInfo, call: Node | None, caller: Scope, skip_self: bool) -> Scope:
        """A scope for running ``f`` with the arguments of ``call`` (defaults otherwise), bound by the
        shared :func:`~corpus.readers.evaluate.bind_arguments`; each parameter is read where its node is
        (an argument in the caller's scope, a default among the module constants)."""
        scope = Scope(funcs=dict(caller.funcs) if f.cls is None else {})
        params = list(f.params)
        if skip_self and params and params[0].name in ("self", "cls"):
            params = params[1:]
        pos, kw = call_arguments(call) if call is not None else ([], {})
        bound = bind_arguments(
            params, [(arg, caller) for arg in before_splat(pos)], {k: (arg, caller) for k, arg in kw.items()},
            default=lambda node: (node, None), missing=None)
        for p in params:
            got = bound[p.name] if p.kind == "plain" else None
            if got is None:
                continue
            node, sc = got
            if sc is not None:
                self._bind_param(scope, p.name, node, sc)
                continue
            # a default is read in the file that writes it (a class of another file: its constants and classes)
            with self.at_home(f.cls) if f.cls is not None else nullcontext():
                self._bind_param(scope, p.name, node, Scope(env=dict(self.script.constants)))
        return scope

    def layer_class(self, node: Node, sc: Scope) -> Any:
        """A torch layer class named without a call (``nn.Tanh``), or a name that holds one: a :class:`LayerClass`."""
        if node.type == "identifier" and isinstance(sc.env.get(node_text(node)), LayerClass):
            return sc.env[node_text(node)]
        tn = self.torch_name(dotted_name(node))
        if tn is None or not (tn in torch_layers.LAYERS or vocab.canonical_activation(tn) or tn == "Identity"):
            return UNKNOWN
        return LayerClass(tn)

    def _bind_param(self, scope: Scope, name: str, node: Node, sc: Scope) -> None:
        """Bind ``name`` to what ``node`` (read in ``sc``) holds: a value, a class, a function or a module."""
        v = self.value(node, sc)
        if v is UNKNOWN and node.type in ("identifier", "attribute"):
            v = self.layer_class(node, sc)
        if v is not UNKNOWN:
            scope.env[name] = v
        if node.type == "identifier":
            ident = node_text(node)
            c = sc.classes.get(ident) or self.classes.get(ident)
            if c is not None:
                scope.classes[name] = c
                return
            if ident in sc.funcs or ident in self.funcs:
                scope.funcs[name] = sc.funcs.get(ident) or self.funcs[ident]
                return
        if node.type in ("call", "identifier", "attribute", "list", "subscript", "list_comprehension"):
            if node.type == "call" and self.depth > MAX_DEPTH - 2:
                return
            m = self.build(node, sc)
            if m is not None:
                scope.mods[name] = m

    def instantiate(self, cls: ClassInfo, call: Node | None, caller: Scope) -> Instance | None:
        if self.depth > MAX_DEPTH or self.budget <= 0:
            if self.budget <= 0 and "expansion budget" not in " ".join(self.warnings):
                self.warnings.append(f"expansion budget of {MAX_INSTANCES} blocks spent: deeper blocks kept as Custom")
            return None
        with self.at_home(cls):
            init = self._method(cls, "__init__")
        self.depth += 1
        try:
            # the arguments are the caller's, read in the caller's file
            scope = self.bind(init, call, caller, skip_self=True) if init is not None else Scope()
            if cls.home is None or cls.home.script is self.script:  # a class of this file sees its top-level modules
                # (not under the name of one of its parameters: ``__init__(self, env)`` given a gym env is no
                # module of the file that happens to be called ``env``)
                params = {p.name for p in init.params} if init is not None else set()
                for name, mod in self.module_mods.items():
                    if name not in params:
                        scope.mods.setdefault(name, mod)
            # the same block built at the same place with the same arguments is the same
            # block: sharing it keeps nested blocks (3 children, 10 levels) from exploding
            # (node ids: a class of another file may start at the same byte as one of this file)
            key = (cls.node.id, call.id if call is not None else -1, _env_key(scope))
            if key in self._instances:
                return self._instances[key]
            self.budget -= 1
            inst = Instance(cls=cls, scope=scope)
            self._instances[key] = inst
            scope.inst = inst
            if any(self.torch_name(b) == torch_layers.TRANSFORMER for b in cls.bases):
                # class Model(nn.Transformer): self.encoder / self.decoder come from the base
                for attr, ctype in (("encoder", "TransformerEncoder"), ("decoder", "TransformerDecoder")):
                    layer = Layer(type=ctype, raw="nn.Transformer", line=line_of(cls.node))
                    inst.attrs[attr] = ModuleValue(kind="layer", layers=[layer], raw="nn.Transformer")
            if init is not None:
                with self.at_home(cls):
                    if init.body is not None and self.holds(init.body, b"save_hyperparameters("):
                        # Lightning's self.save_hyperparameters(): self.hparams.lr is __init__'s lr as called
                        for p in init.params:
                            if p.name != "self" and p.name in scope.env:
                                scope.env[f"self.hparams.{p.name}"] = scope.env[p.name]
                    self.run_builder(init.body, scope, inst)
            return inst
        finally:
            self.depth -= 1

    def call_builder(self, f: FuncInfo, call: Node, caller: Scope) -> ModuleValue | None:
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

    def run_builder(self, body: Node | None, scope: Scope, inst: Instance | None, repeat: int | None = None) -> ModuleValue | None:
        """Run statements that build modules; returns the value of the first ``return``.

        Each statement type has one handler; a handler answers :data:`_GO_ON` to let the
        statements after it run, anything else (None too: a bare ``return``) to return it.
        """
        if body is None:
            return None
        for stmt in body.named_children:
            handler = _RUN_BY_TYPE.get(stmt.type)
            if handler is not None:
                got = handler(self, stmt, scope, inst, repeat)
                if got is not _GO_ON:
                    return got
        return None

    def _run_expression(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        for e in stmt.named_children:
            handler = _BUILDER_EXPR_BY_TYPE.get(e.type)
            if handler is not None:
                handler(self, e, scope, inst, repeat)
        return _GO_ON

    def _run_return(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        val = stmt.named_children[0] if stmt.named_children else None
        return self.build(val, scope) if val is not None else None

    def _run_if(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        ret = self._builder_if(stmt, scope, inst, repeat)
        return ret if ret is not None else _GO_ON

    def _run_for(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        unrolled = self._unroll(stmt, scope, inst, repeat)
        if unrolled:
            return unrolled[0] if unrolled[0] is not None else _GO_ON
        count = self._loop_count(stmt.child_by_field_name("right"), scope)
        for ident in identifiers(stmt.child_by_field_name("left")):
            scope.env.pop(ident, None)
        rep = count if count is not None and count > 1 else None
        if repeat and rep:
            rep = rep * repeat
        if count == 0:
            return _GO_ON
        ret = self.run_builder(stmt.child_by_field_name("body"), scope, inst, rep or repeat)
        return ret if ret is not None else _GO_ON

    def _run_body(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        # with / while / try: the body runs once
        ret = self.run_builder(stmt.child_by_field_name("body"), scope, inst, repeat)
        return ret if ret is not None else _GO_ON

    def _run_def(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        f = self._func_info(stmt, None)
        scope.funcs[f.name] = f
        return _GO_ON

    def _run_block(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> Any:
        self.run_builder(stmt, scope, inst, repeat)
        return _GO_ON

    def _unroll(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> tuple[ModuleValue | None] | None:
        """Run a loop over a literal list once per item when its body branches on the item.

        ``for v in cfg: if v == 'M': layers += [MaxPool] else: layers += [Conv, BN, ReLU]``
        (VGG) is a different layer per item, not one layer repeated.
        """
        left, right, body = stmt.child_by_field_name("left"), stmt.child_by_field_name("right"), stmt.child_by_field_name("body")
        if left is None or right is None or body is None or left.type != "identifier":
            return None
        items = self.value(right, scope)
        if not isinstance(items, list):
            items = self._range_items(right, scope)
        if not isinstance(items, list) or not items or len(items) > 64:
            return None
        var = node_text(left)
        word = re.compile(rf"\b{re.escape(var)}\b")
        if not any(word.search(node_text(c.child_by_field_name("condition")))
                   for c in body.named_children if c.type == "if_statement") and \
                not any(word.search(node_text(c.named_children[1])) for c in walk(body)
                        if c.type == "conditional_expression" and len(c.named_children) == 3):
            return None
        for item in items:
            scope.env[var] = item
            ret = self.run_builder(body, scope, inst, repeat)
            if ret is not None:
                return (ret,)
        scope.env.pop(var, None)
        return (None,)

    def _range_items(self, right: Node, scope: Scope) -> list[int] | None:
        """The numbers of ``range(len(sizes) - 1)`` when its bounds are known (spinningup's ``mlp`` builder gives the
        last layer another activation: ``act = activation if j < len(sizes) - 2 else output_activation``)."""
        if right.type != "call" or call_function_name(right) != "range":
            return None
        bounds = [self.value(a, scope) for a in call_arguments(right)[0]]
        if not 1 <= len(bounds) <= 3 or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            return None
        return list(range(*bounds))[:65]

    def _builder_if(self, stmt: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> ModuleValue | None:
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

    # -- expressions of builder code, by type ----------------------------
    def _builder_assignment(self, e: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> None:
        left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
        if left is None or right is None:
            return
        if right.type == "assignment":
            # ``resnet = backbone = models.resnet50(...)``: the inner binding first, then this name to the same value
            self._builder_assignment(right, scope, inst, repeat)
            right = right.child_by_field_name("left")
            if right is None:
                return
        handler = _ASSIGN_BY_TARGET.get(left.type)
        if handler is not None:
            handler(self, left, right, scope, inst)

    def _assign_name(self, left: Node, right: Node, scope: Scope, inst: Instance | None) -> None:
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

    def _assign_attribute(self, left: Node, right: Node, scope: Scope, inst: Instance | None) -> None:
        dn = dotted_name(left)
        if dn and dn.startswith("self.") and inst is not None and dn.count(".") == 1:
            v = self.value(right, scope)
            if v is not UNKNOWN and jsonable(v):
                scope.env[dn] = v
            m = self.build(right, scope)
            if m is not None:
                inst.attrs[dn[5:]] = m
        elif dn and "." in dn and dn.split(".")[0] in scope.mods:
            # m = models.resnet34(); m.fc = nn.Linear(...): the new head follows the backbone
            var = dn.split(".")[0]
            base = scope.mods[var]
            head = self.build(right, scope)
            if head is not None and base.kind in ("layer", "seq") and \
                    any(x.type == "Pretrained" for x in base.layers):
                layers = [copy_layer(x) for x in base.layers]
                for layer in self.mod_layers(head):
                    push(layers, layer)
                scope.mods[var] = ModuleValue(kind="seq", layers=layers, raw=base.raw, line=base.line)

    def _assign_pattern(self, left: Node, right: Node, scope: Scope, inst: Instance | None) -> None:
        if right.type not in ("expression_list", "tuple"):
            return
        for n, r in zip(left.named_children, right.named_children, strict=False):
            if n.type == "identifier":
                v = self.value(r, scope)
                if v is not UNKNOWN:
                    scope.env[node_text(n)] = v
                m = self.build(r, scope)
                if m is not None:
                    scope.mods[node_text(n)] = m

    def _builder_augmented(self, e: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> None:
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
            new_v = arith(old, op[:-1], inc) if old is not UNKNOWN else UNKNOWN
            if new_v is not UNKNOWN:
                scope.env[name] = new_v
            else:
                scope.env.pop(name, None)

    def _builder_call(self, e: Node, scope: Scope, inst: Instance | None, repeat: int | None) -> None:
        fnode = e.child_by_field_name("function")
        fn = dotted_name(fnode) or ""
        handler = _BUILDER_CALLS.get(last_name(fn))
        if handler is None and fnode is not None and node_text(fnode).endswith("__init__"):
            handler = ModuleBuilder._call_init  # super().__init__(...) / super(Net, self).__init__(...)
        if handler is not None:
            handler(self, e, fnode, fn, scope, inst, repeat)

    def _call_add(self, e: Node, fnode: Node | None, fn: str, scope: Scope, inst: Instance | None,
                  repeat: int | None) -> None:
        """``layers.append(m)`` / ``.extend`` / ``.insert`` / ``.add``; ``self.add_module(name, m)``."""
        if fnode is None or fnode.type != "attribute":
            return
        last = last_name(fn)
        pos, _ = call_arguments(e)
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
        m = self.build(pos[-1] if pos else None, scope) if target is not None else None
        if target is None or m is None:
            return
        if last == "extend" or (m.kind == "list" and last != "append"):
            target.items.extend(_repeat_mod(x, repeat) for x in m.items)
        else:
            target.items.append(_repeat_mod(m, repeat))
        if target.kind == "seq":
            target.layers = self.flatten(target.items)

    def _call_setattr(self, e: Node, fnode: Node | None, fn: str, scope: Scope, inst: Instance | None,
                      repeat: int | None) -> None:
        # setattr(self, f"stage{i}", nn.Conv2d(...)) in a loop: one attribute per pattern of names
        pos, _ = call_arguments(e)
        if fn != "setattr" or len(pos) != 3 or inst is None or node_text(pos[0]) != "self":
            return
        m = self.build(pos[2], scope)
        k = self.value(pos[1], scope)
        key = k if isinstance(k, str) else _name_pattern(pos[1])
        if m is not None and key:
            inst.attrs[key] = _repeat_mod(m, repeat)

    def _call_init(self, e: Node, fnode: Node | None, fn: str, scope: Scope, inst: Instance | None,
                   repeat: int | None) -> None:
        if inst is None or fnode is None:
            return
        if any(last_name(b) == "Sequential" for b in inst.cls.bases):
            # class Block(nn.Sequential): super().__init__(layers...)
            inst.seq.extend(self._items(call_arguments(e)[0], scope))
        elif node_text(fnode).startswith("super("):
            self._base_init(e, scope, inst)

    def _base_init(self, call: Node, scope: Scope, inst: Instance) -> None:
        # super().__init__(config) runs a same-file base's __init__ on this instance: the
        # Embedding an Encoder base sets is used by the subclass's forward
        cnode = call.parent
        while cnode is not None and cnode.type != "class_definition":
            cnode = cnode.parent
        own = next((c for c in self.class_defs if c.node == cnode), None)
        if own is None or self.depth > MAX_DEPTH:
            return
        base = next((self.classes[last_name(b)] for b in own.bases
                     if last_name(b) in self.classes and last_name(b) != own.name), None)
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

    def _target_list(self, node: Node | None, scope: Scope, inst: Instance | None) -> ModuleValue | None:
        if node is None:
            return None
        if node.type == "identifier":
            name = node_text(node)
            m = scope.mods.get(name)
            if m is None:
                if name in scope.env and isinstance(scope.env[name], list) and not scope.env[name]:
                    m = ModuleValue(kind="list")
                    scope.mods[name] = m
                    return m
                return None
            return m if m.kind in ("list", "seq") else None
        dn = dotted_name(node)
        if dn and dn.startswith("self.") and inst is not None:
            m = self._attr(inst, dn[5:])
            return m if m is not None and m.kind in ("list", "seq") else None
        return None


MAX_COPIES = 100_000  # layers copied while expanding blocks, per file (same reason)


def _repeat_mod(m: ModuleValue, n: int | None) -> ModuleValue:
    """The same module applied in a loop ``n`` times (``repeat`` on its layers)."""
    if not n or n <= 1:
        return m
    return replace(m, repeat=n * (m.repeat or 1))


def _name_pattern(node: Node) -> str | None:
    """``f"stage{i}"`` / ``"fc%d" % i`` / ``"conv" + str(i)`` -> ``stage*`` / ``fc*`` / ``conv*``: a family of names."""
    text = node_text(node)
    m = re.match(r"[fF]?[\"']([A-Za-z_][A-Za-z0-9_]*)(?:\{|%|[\"']\s*\+)", text)
    return m.group(1) + "*" if m else None


def _env_key(scope: Scope) -> tuple[Any, ...]:
    """What a block's constructor was given: plain values, modules and classes bound to its parameters."""
    vals = tuple(sorted((k, repr(v)[:200]) for k, v in scope.env.items()))
    mods = tuple(sorted((k, id(m)) for k, m in scope.mods.items()))
    classes = tuple(sorted((k, c.name) for k, c in scope.classes.items()))
    return vals, mods, classes


# capitalised calls that are not blocks of a model
_NOT_BLOCK_MODULES = ("numpy", "np.", "collections", "typing", "argparse", "logging", "pathlib", "math",
                      "dataclasses", "enum", "functools", "itertools", "PIL", "sklearn", "pandas", "keras",
                      "tensorflow", "tf.", "jax", "flax")


_NOT_BLOCKS = {"Exception", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "KeyError",
               "AssertionError", "Parameter", "Tensor", "FloatTensor", "LongTensor", "OrderedDict", "Variable",
               "Path", "Counter", "Image", "Normal", "Categorical", "Bernoulli", "Uniform"}


# attributes of a backbone that are numbers or tensors, not parts of it
_NOT_PARTS = {"in_features", "out_features", "in_channels", "out_channels", "num_features", "weight", "bias",
              "hidden_size", "embedding_dim", "num_classes", "config", "device", "dtype"}


# what an expression of model-building code holds, by node type (other types hold no module)
_BUILD_BY_TYPE = {
    "parenthesized_expression": ModuleBuilder._build_parenthesized,
    "identifier": ModuleBuilder._build_identifier,
    "attribute": ModuleBuilder._build_attribute,
    "subscript": ModuleBuilder._build_subscript,
    "list": ModuleBuilder._build_sequence,
    "tuple": ModuleBuilder._build_sequence,
    "list_comprehension": ModuleBuilder._comprehension,
    "generator_expression": ModuleBuilder._comprehension,
    "binary_operator": ModuleBuilder._build_binary,
    "conditional_expression": ModuleBuilder._build_conditional,
    "call": ModuleBuilder._build_call,
}


class _Call(NamedTuple):
    """A call of a plain dotted name in model-building code, as the handlers read it."""

    node: Node
    fnode: Node | None  # what is called
    fn: str  # its dotted name as written
    last: str  # the last part of that name
    full: str  # the name through the imports
    pos: list[Node]
    kw: dict[str, Node]
    line: int


_NOT_MINE = object()  # a handler's answer when the call is for the rules after it

# methods that hand back the module they are called on: model.to(device), list(resnet.children())
_SAME_MODULE = ("to", "cuda", "cpu", "double", "float", "half", "children", "modules")
_SAME_MODULE_CHAINED = _SAME_MODULE + ("train", "eval", "requires_grad_")

_BUILD_BY_CALLEE_TYPE = {
    "attribute": ModuleBuilder._build_method_of_call,
    "subscript": ModuleBuilder._build_zoo_lookup,
    "call": ModuleBuilder._build_class_by_name,
}
_BUILD_BY_CALL_NAME = {
    **dict.fromkeys(_SAME_MODULE, ModuleBuilder._build_moved),
    "list": ModuleBuilder._build_list_call,
    "deepcopy": ModuleBuilder._build_copy,
    "copy": ModuleBuilder._build_copy,
    "tuple": ModuleBuilder._build_list_call,
    "getattr": ModuleBuilder._build_getattr,
    "OrderedDict": ModuleBuilder._build_ordered_dict_call,
    **dict.fromkeys(torch_layers.PRETRAINED_LOADERS, ModuleBuilder._build_from_pretrained),
    **dict.fromkeys(torch_layers.CHECKPOINT_BUILDERS, ModuleBuilder._build_from_checkpoint),
    "DataParallel": ModuleBuilder._build_parallel,
    "DistributedDataParallel": ModuleBuilder._build_parallel,
    # weight re-parametrizations return the layer they are given (hifi-gan's weight_norm(Conv1d(...)))
    **dict.fromkeys(("weight_norm", "spectral_norm", "remove_weight_norm", "remove_spectral_norm"),
                    ModuleBuilder._build_parallel),
}
_BUILD_CALL_RULES = (
    ModuleBuilder._build_layer_class_value,
    ModuleBuilder._build_local_class,
    ModuleBuilder._build_torch_class,
    ModuleBuilder._build_zoo_model,
    ModuleBuilder._build_helper_call,
    ModuleBuilder._build_repository_class,
    ModuleBuilder._build_foreign_class,
)
_TORCH_CONTAINERS = {
    "Sequential": ModuleBuilder._build_sequential,
    "ModuleList": ModuleBuilder._build_sequential,
    "ModuleDict": ModuleBuilder._build_module_dict,
    torch_layers.TRANSFORMER: ModuleBuilder._build_transformer,
}

_GO_ON = object()  # a statement handler's answer when the statements after it run too

_BUILDER_EXPR_BY_TYPE = {
    "assignment": ModuleBuilder._builder_assignment,
    "augmented_assignment": ModuleBuilder._builder_augmented,
    "call": ModuleBuilder._builder_call,
}
_ASSIGN_BY_TARGET = {
    "identifier": ModuleBuilder._assign_name,
    "attribute": ModuleBuilder._assign_attribute,
    "pattern_list": ModuleBuilder._assign_pattern,
    "tuple_pattern": ModuleBuilder._assign_pattern,
}
# calls in builder code that change what is being built, by the last part of their name
_BUILDER_CALLS = {
    **dict.fromkeys(("append", "extend", "add_module", "insert", "add"), ModuleBuilder._call_add),
    "setattr": ModuleBuilder._call_setattr,
    "__init__": ModuleBuilder._call_init,
}
_RUN_BY_TYPE = {
    "expression_statement": ModuleBuilder._run_expression,
    "return_statement": ModuleBuilder._run_return,
    "if_statement": ModuleBuilder._run_if,
    "for_statement": ModuleBuilder._run_for,
    "with_statement": ModuleBuilder._run_body,
    "while_statement": ModuleBuilder._run_body,
    "try_statement": ModuleBuilder._run_body,
    "function_definition": ModuleBuilder._run_def,
    "block": ModuleBuilder._run_block,
}


# what makes a module hold state of its own: a parameter, a buffer, or anything its methods build and keep
_MODULE_STATE = re.compile(r"Parameter\(|register_parameter|register_buffer|\bnn\.|self\.\w+\s*=\s*[A-Za-z_][\w.]*\s*\(")


# maths that makes a new representation (a hand-written activation such as x * sigmoid(x))
_MIXING = re.compile(r"relu|tanh|sigmoid|\belu|gelu|swish|softplus|\bcat\(|concat|matmul|\bmm\(|einsum|conv|pool|"
                     r"\bexp\(|\blog\(|maximum|minimum|abs\(|\bsin\(|\bcos\(|norm(?!al)", re.I)


# ``return self.weights * x + self.bias`` / ``x @ self.W + self.b`` / ``torch.matmul(x, self.w) + self.b``
_LINEAR_MATHS = re.compile(r"return\s+(?:\(?\s*self\.\w+\s*\*\s*\w+|\(?\s*\w+\s*(?:\*|@)\s*self\.\w+|"
                           r"torch\.(?:matmul|mm)\(\s*\w+\s*,\s*self\.\w+\s*\))\s*\)?\s*\+\s*self\.\w+\s*$", re.M)


_PROPAGATION = re.compile(r"\b(?:spmm|sparse|adj\w*|edge_index|laplacian|scatter\w*)\b", re.I)


def _sequential_item(node: Node) -> bool:
    """Whether a call is an item of an ``nn.Sequential(...)`` / ``nn.ModuleList([...])`` built at the top of a
    script (``nn.Sequential(EmbeddingPackable(nn.Embedding(100, 64)), nn.LSTM(...), ...)``)."""
    p = node.parent
    if p is not None and p.type == "list":
        p = p.parent
    if p is None or p.type != "argument_list" or p.parent is None or p.parent.type != "call":
        return False
    fn = p.parent.child_by_field_name("function")
    return fn is not None and node_text(fn).rsplit(".", 1)[-1] in ("Sequential", "ModuleList")


def handwritten_linear(cls: ClassInfo) -> str | None:
    """``Dense`` for a module of its own weight and bias whose forward is ``w * x + b`` (a linear regression
    written by hand, as courses do before ``nn.Linear``); None otherwise."""
    text = node_text(cls.node)
    if re.search(r"\bnn\.(?!Parameter|Module)\w+\(", text):
        return None
    forward = cls.methods.get("forward")
    body = node_text(forward.body) if forward is not None and forward.body is not None else ""
    if text.count("Parameter(") <= 2 and _LINEAR_MATHS.search(body):
        return "Dense"
    # a linear layer of its own parameters applied to its input, noisy or factorised (rasbt's and Rainbow's
    # NoisyLinear: F.linear(x, mu + sigma * eps, ...), torch.mm(x, w.t()) + b), not a graph convolution's
    # propagation
    params = forward.node.child_by_field_name("parameters") if forward is not None else None
    names = [node_text(p) for p in (params.named_children if params is not None else []) if p.type == "identifier"]
    x = names[1] if len(names) > 1 and names[0] == "self" else None
    if x and "Parameter(" in text and not _PROPAGATION.search(body) and \
            re.search(rf"\b(?:F\.linear|torch\.(?:mm|matmul))\(\s*{re.escape(x)}\b", body):
        return "Dense"
    return None


def _fixed_maths(cls: ClassInfo) -> bool:
    """A module class that keeps only buffers (``register_buffer``): no parameter of its own and no layer it
    builds, so nothing of it is trained."""
    body = cls.node.child_by_field_name("body")
    text = node_text(body) if body is not None else ""
    return "register_buffer" in text and not _LEARNED_STATE.search(text)


_LEARNED_STATE = re.compile(r"Parameter\(|register_parameter|\bnn\.[A-Z]|self\.\w+\s*=\s*[A-Z][\w.]*\s*\(")


def _plain_ops(cls: ClassInfo) -> bool:
    """A module class whose body keeps nothing (no parameter, buffer, layer or object it builds) and whose
    maths only moves, slices or reshapes its input: plain tensor operations, no layer."""
    body = cls.node.child_by_field_name("body")
    text = node_text(body) if body is not None else ""
    return body is not None and not _MODULE_STATE.search(text) and not _MIXING.search(text)
