"""The model-class reader: runs ``__init__`` bodies and builder helpers symbolically.

It learns what each ``self.x`` attribute and local name holds as a module (a
layer, an activation, a container, an instance of another module class of the
file, or a plain value); :mod:`corpus.readers.torch_forward` then applies them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tree_sitter import Node

from corpus.knowledge import torch_layers, vocab
from corpus.readers.script import UNKNOWN, call_arguments, dotted_name, line_of, node_text
from corpus.readers.torch_common import (
    MAX_DEPTH,
    MAX_INSTANCES,
    ClassInfo,
    FuncInfo,
    Instance,
    Mod,
    Scope,
    activation_layer,
    attention_maths,
    copy_layer,
    identifiers,
    jsonable,
    last_name,
    push,
)
from corpus.record.summary import Layer


class ModuleBuilder:
    """Building module values (a mixin of :class:`~corpus.readers.torch_models.TorchExtractor`)."""

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
                    and last_name(rest) not in _NOT_PARTS:
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
            for ident in identifiers(left):
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
                if meth in torch_layers.PRETRAINED_LOADERS:
                    return self._pretrained_hf(node, obj, scope)
            if fnode is not None and fnode.type == "subscript":
                # models.__dict__[args.arch](pretrained=True)
                base = dotted_name(fnode.child_by_field_name("value")) or ""
                full = self.s.resolve(base) or base
                if full.startswith(torch_layers.PRETRAINED_MODULES):
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
                    if isinstance(cname, str) and cname in torch_layers.LAYERS:
                        return self._torch_module(cname, f"nn.{cname}", node, pos, kw, scope)
            return None
        last = last_name(fn)
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
        if last in torch_layers.PRETRAINED_LOADERS:
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
        if full.startswith(torch_layers.PRETRAINED_MODULES) and last not in torch_layers.TV_NOT_MODELS and last[:1].islower():
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
            if tn is not None and (tn in torch_layers.LAYERS or tn == torch_layers.TRANSFORMER):
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
                if last_name(b) in self.classes:
                    todo.append(self.classes[last_name(b)])
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
            name = last_name(owner) or "unknown"
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
                if p.type == "call" and last_name(self._fname(p)) == "OrderedDict":
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
        if tn in torch_layers.NO_LAYER:
            return Mod(kind="none", raw=fn, line=line)
        act = vocab.canonical_activation(tn)
        if act is not None and tn.lower() not in torch_layers.NOT_ACTIVATIONS and tn not in torch_layers.LAYERS:
            return Mod(kind="act", act=act, layers=[activation_layer(act, fn, line)], raw=fn, line=line)
        if tn == torch_layers.TRANSFORMER:
            args = self._args(("d_model", "nhead", "num_encoder_layers", "num_decoder_layers"), pos, kw, scope)
            layers = [
                Layer(type="TransformerEncoder", raw=fn, args=dict(args), line=line),
                Layer(type="TransformerDecoder", raw=fn, args=dict(args), line=line),
            ]
            return Mod(kind="layer", layers=layers, raw=fn, line=line)
        spec = torch_layers.LAYERS.get(tn)
        if spec is None:
            return None
        ctype, names = spec
        args = self._args(names, pos, kw, scope)
        if tn in torch_layers.GLOBAL_POOLS:
            osz = args.get("output_size")
            if osz in (1, [1, 1], [1], [1, 1, 1]):
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
        return Mod(kind="layer", layers=[layer], raw=fn, line=line, cell=tn in torch_layers.CELLS)

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
            if not any(x.type not in torch_layers.NON_PARAMETRIC for x in layers) and attention_maths(node_text(m.inst.cls.node)):
                layers = [Layer(type="Attention", raw=m.inst.cls.name, line=m.line)]
            elif not layers or (not any(x.type not in torch_layers.NON_PARAMETRIC for x in layers) and self._has_parameters(m.inst.cls)):
                # a block we cannot read as layers (its own weights, custom maths): one Custom layer
                layers = [Layer(type="Custom", raw=m.inst.cls.name, line=m.line)]
        elif m.kind == "list":
            layers = self.flatten(m.items)
        else:
            return []
        if m.repeat:
            return [copy_layer(x, m.repeat) for x in layers]
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
            if any(self.torch_name(b) == torch_layers.TRANSFORMER for b in cls.bases):
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
                for ident in identifiers(stmt.child_by_field_name("left")):
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
                    if v is not UNKNOWN and jsonable(v):
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
                        layers = [copy_layer(x) for x in base.layers]
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
            last = last_name(fn)
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
                if inst is not None and any(last_name(b) == "Sequential" for b in inst.cls.bases):
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


MAX_COPIES = 100_000  # layers copied while expanding blocks, per file (same reason)


def _repeat_mod(m: Mod, n: int | None) -> Mod:
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
_NOT_BLOCK_MODULES = ("torch", "numpy", "np.", "collections", "typing", "argparse", "logging", "pathlib", "math",
                      "dataclasses", "enum", "functools", "itertools", "PIL", "sklearn", "pandas", "keras",
                      "tensorflow", "tf.", "jax", "flax")


_NOT_BLOCKS = {"Exception", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "KeyError",
               "AssertionError", "Parameter", "Tensor", "FloatTensor", "LongTensor", "OrderedDict", "Variable",
               "Path", "Counter", "Image", "Normal", "Categorical", "Bernoulli", "Uniform"}


# attributes of a backbone that are numbers or tensors, not parts of it
_NOT_PARTS = {"in_features", "out_features", "in_channels", "out_channels", "num_features", "weight", "bias",
              "hidden_size", "embedding_dim", "num_classes", "config", "device", "dtype"}
