"""Keras models in a script -> summaries (Sequential, functional, subclassed).

The reading itself is :mod:`corpus.readers.keras_interp`; this module turns what it
found into :class:`~corpus.record.summary.Summary` records: it flattens each model's
graph into layers in data-flow order, folds activations, decides which models
are reported (a GAN's ``combined`` model is its parts; a sub-model used inside
a bigger one is expanded in place) and attaches hyperparameters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from corpus.knowledge.layers import SEQUENCE_RECURRENT
from corpus.knowledge.vocab import canonical_loss
from corpus.readers.keras_interp import (
    Batched,
    Enumerated,
    Interpreter,
    LayerObj,
    Loop,
    LossVal,
    ModelObj,
    Optim,
    Tensor,
    Training,
    hand_loss,
    jsonable_shape,
)
from corpus.readers.script import Script
from corpus.readers.syntax import dotted_name, node_text, undecorated
from corpus.record.summary import ONLY_USED, Hyperparameters, Layer, ParseInfo, Source, Summary

# Layers that make a model (a function applying two of them builds one); the
# rest (pooling, dropout, reshapes, merges) only accompany them.
_MAJOR = {"Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D",
          "LSTM", "GRU", "SimpleRNN", "Embedding", "Bidirectional", "Pretrained", "MultiHeadAttention",
          "Attention", "TransformerEncoder", "TransformerDecoder", "ConvLSTM2D", "Conv1DTranspose",
          "Conv3DTranspose", "SeparableConv1D"}
_EPOCH_RE = re.compile(r"epoch|n_iter_epoch", re.I)
_NEUTRAL_VARS = {"i", "_", "j", "k", "n", "it"}
_FIT_CALL = re.compile(r"\.(?:fit|fit_generator|train_on_batch)\s*\(")
_RNN_TYPES = SEQUENCE_RECURRENT
_BATCH_NAMES = ("batch_size", "BATCH_SIZE", "batchsize", "BATCHSIZE", "batchSize")
_STEP_RE = re.compile(r"step|iter|batches|num_updates", re.I)


def analyse(script: Script) -> dict[str, list[Summary]]:
    """Run the interpreter once per script; both extractors read this result."""
    cached = getattr(script, "_keras_tf_result", None)
    if cached is not None:
        return cached
    interp = Interpreter(script)
    interp.run()
    result = _Builder(script, interp).build()
    script._keras_tf_result = result  # type: ignore[attr-defined]
    return result


def extract_keras(script: Script) -> list[Summary]:
    """Summaries of the Keras models the script defines (any import style, Keras 1 to 3).

    Args:
        script: the loaded script.

    Returns:
        One summary per model, ``id`` empty and lines in analysed-code numbering.
    """
    return [s for s in analyse(script)["all"] if s.framework == "keras"]


# ---------------------------------------------------------------------------


class _Flat:
    """A model flattened: its layer applications in order, and what it used."""

    def __init__(self) -> None:
        self.entries: list[tuple[LayerObj, Tensor]] = []
        self.direct: list[Any] = []  # direct producers (LayerObj or ModelObj) in order
        self.submodels: list[ModelObj] = []
        self.pre: list[str] = []
        self.pretrained: list[LayerObj] = []
        self.tensors: set[int] = set()


def _graph(outputs: list[Tensor], inputs: list[Tensor]) -> list[Tensor]:
    stop = {id(t) for t in inputs}
    seen: set[int] = set()
    apps: list[Tensor] = []
    stack = [t for t in outputs if isinstance(t, Tensor)]
    while stack and len(seen) < 20000:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if id(t) in stop and t.producer is None:
            continue
        if t.producer is not None:
            apps.append(t)
        if id(t) in stop:
            continue
        stack.extend(t.inputs)
    apps.sort(key=lambda t: t.seq)
    return _dedupe_shared(apps)


def _descends(t: Tensor, ancestor: Tensor, limit: int = 3000) -> bool:
    stack = list(t.inputs)
    seen = 0
    visited: set[int] = set()
    while stack and seen < limit:
        x = stack.pop()
        if x is ancestor:
            return True
        if id(x) in visited:
            continue
        visited.add(id(x))
        seen += 1
        stack.extend(x.inputs)
    return False


def _majors(ts: list[Tensor]) -> int:
    return sum(1 for t in ts if t.producer.type in _MAJOR)


def _reads(ts: list[Tensor], test: Callable[[Tensor], bool], limit: int = 3000) -> bool:
    """Whether a tensor of ``ts`` is computed from one that passes ``test`` (at most ``limit`` visited)."""
    stack = [x for t in ts for x in t.inputs]
    visited: set[int] = set()
    while stack and len(visited) < limit:
        x = stack.pop()
        if test(x):
            return True
        if id(x) not in visited:
            visited.add(id(x))
            stack.extend(x.inputs)
    return False


def _reads_any(ts: list[Tensor], ids: set[int]) -> bool:
    """Whether a tensor of ``ts`` is computed from one of the tensors ``ids`` names."""
    return _reads(ts, lambda x: id(x) in ids)


def _dedupe_shared(apps: list[Tensor]) -> list[Tensor]:
    """A shared layer applied to parallel inputs (a siamese tower) counts once."""
    first: dict[int, list[Tensor]] = {}
    out = []
    for t in apps:
        prev = first.get(id(t.producer))
        if prev and isinstance(t.producer, (LayerObj, ModelObj)):
            if not any(_descends(t, p) for p in prev):
                continue
        first.setdefault(id(t.producer), []).append(t)
        out.append(t)
    return out


def _without_label_reshapes(ts: list[Tensor]) -> list[Tensor]:
    """Drop what no layer reads: a reshape of a raw input (tf.reshape(targets, [-1]) in a
    loss), a pooling left off the data path."""
    apps = {id(t) for t in ts}
    read: set[int] = set()
    for t in ts:
        stack, seen = list(t.inputs), 0
        while stack and seen < 200:  # through the non-layer ops between two layers
            x = stack.pop()
            seen += 1
            read.add(id(x))
            if id(x) not in apps:
                stack.extend(x.inputs)
    if len(ts) < 2:
        return ts
    last = ts[-1]
    return [t for t in ts if not (
        id(t) not in read and (
            # a pooling whose result nothing reads (pool_2 computed, flatten(conv_2) used)
            (t is not last and t.producer.type.startswith(("MaxPooling", "AveragePooling")))
            or (t.producer.type in ("Reshape", "Flatten")
                and t.inputs and all(x.producer is None and not x.inputs for x in t.inputs))))]


def flatten(m: ModelObj, depth: int = 0, stack: tuple = ()) -> _Flat:
    flat = _Flat()
    if id(m) in stack or depth > 6:
        return flat
    for t in _graph(m.outputs, m.inputs):
        p = t.producer
        flat.tensors.add(id(t))
        flat.direct.append(p)
        if isinstance(p, ModelObj):
            flat.submodels.append(p)
            sub = flatten(p, depth + 1, (*stack, id(m)))
            flat.entries.extend(sub.entries)
            flat.pre.extend(sub.pre)
            flat.pretrained.extend(sub.pretrained)
            flat.tensors |= sub.tensors
            flat.submodels.extend(sub.submodels)
        elif isinstance(p, LayerObj):
            if p.kind == "preprocess":
                if p.pre:
                    flat.pre.append(p.pre)
            elif p.kind == "input":
                continue
            else:
                if p.kind == "pretrained":
                    flat.pretrained.append(p)
                flat.entries.append((p, t))
    return flat


def to_layers(entries: list[tuple[LayerObj, Tensor]]) -> list[Layer]:
    """Layer records in order, activations folded into the layer before."""
    out: list[Layer] = []
    for p, t in entries:
        if p.kind == "activation":
            if out:
                # relu then a Softmax layer after one Dense: the last is what it outputs (as the PyTorch reader's
                # ``push``); a linear activation layer changes nothing
                if p.activation not in (None, "linear") or out[-1].activation is None:
                    out[-1].activation = p.activation
                continue
            out.append(Layer(type="Activation", raw=p.raw, args={}, activation=p.activation, line=p.line or t.line,
                             repeat=t.repeat))
            continue
        args = {k: v for k, v in p.args.items() if not k.startswith("_")}
        # a backbone is often built far from the model that uses it: point at the use
        line = (t.line or p.line) if p.kind == "pretrained" else (p.line or t.line)
        out.append(Layer(type=p.type, raw=p.raw, args=args, activation=p.activation, line=line,
                         repeat=t.repeat))
    for prev, nxt in zip(out, out[1:], strict=False):
        if prev.type == "Flatten" and "reshape" in prev.raw.lower() and nxt.type in _RNN_TYPES:
            prev.type = "Reshape"  # tf.reshape(x, [-1, n]) feeding an RNN lays out time steps
    return out


def _composed(models: list[ModelObj], flats: dict[int, _Flat], drop: set[int],
              hp_from: dict[int, list[ModelObj]]) -> None:
    """A model made only of sub-models, one of them trained on its own (a GAN's combined model), is its parts:
    dropped, their parent. Trained whole with no part trained alone (an autoencoder), it is the model."""
    for m in models:
        f = flats[id(m)]
        if m.kind == "subclass" and m.cls is not None:
            continue  # a Model subclass is one model, whatever it holds (Autoencoder(encoder, decoder))
        direct = [p for p in f.direct if not (isinstance(p, LayerObj) and p.kind in ("activation", "preprocess", "input"))]
        subs = [p for p in direct if isinstance(p, ModelObj)]
        if not (direct and len(subs) == len(direct)):
            continue
        uniq = list(dict.fromkeys(subs))
        if not any(sm.compiled or sm.trained for sm in uniq):
            # autoencoder = Model(x, decoder(encoder(x))) trained whole, or nothing trained at all (a guide
            # that builds and shows them): the whole is the model, its parts are blocks
            continue
        drop.add(id(m))
        for sm in uniq:
            hp_from.setdefault(id(sm), []).append(m)
        if len(uniq) == 1:
            sm = uniq[0]
            if m.name and m.name_depth < sm.name_depth and not (sm.kind == "subclass" and sm.cls):
                sm.name, sm.name_depth = m.name, m.name_depth
            if sm.input_shape is None:
                sm.input_shape = m.input_shape or (m.inputs[0].shape if m.inputs else None)


def _wrapped_parents(models: list[ModelObj], flats: dict[int, _Flat], drop: set[int],
                     hp_from: dict[int, list[ModelObj]]) -> None:
    """A wrapper's parents train what it wraps (a GAN's combined model trains the generator
    inside the generator's Model(noise, img))."""
    for _ in range(3):
        for m in models:
            if id(m) in drop and id(m) in hp_from:
                subs = list(dict.fromkeys(p for p in flats[id(m)].direct if isinstance(p, ModelObj)))
                if len(subs) == 1:
                    lst = hp_from.setdefault(id(subs[0]), [])
                    for par in hp_from[id(m)]:
                        if par not in lst and par is not subs[0]:
                            lst.append(par)


def _not_views(kept: list[ModelObj], flats: dict[int, _Flat]) -> list[ModelObj]:
    """Drop views of a bigger model (an autoencoder's encoder) that are never trained."""
    sets = {id(m): {id(p) for p, _ in flats[id(m)].entries} for m in kept}
    final: list[ModelObj] = []
    for m in kept:
        mine = sets[id(m)]
        view = False
        if not (m.compiled or m.trained):
            for o in kept:
                if o is m:
                    continue
                other = sets[id(o)]
                if mine < other or (mine == other and (o.compiled or o.trained or o.seq < m.seq)):
                    view = True
                    break
        if not view:
            final.append(m)
    return final


def _transfer_tricks(m: ModelObj, flat: _Flat, tricks: set[str]) -> None:
    for p in flat.pretrained:
        if p.pretrained:
            tricks.add("pretrained_weights")
        if p.frozen or m.frozen and p.pretrained:
            tricks.add("transfer_learning")
    for sm in flat.submodels:
        if sm.frozen and flat.pretrained:
            tricks.add("transfer_learning")


def _model_input_shape(m: ModelObj, flat: _Flat) -> Any:
    shape = m.input_shape
    if shape is None and m.inputs and isinstance(m.inputs[0], Tensor):
        shape = m.inputs[0].shape
    if shape is None:
        for p, _ in flat.entries:
            if "_input_shape" in p.args:
                return p.args["_input_shape"]
    return shape


def _hp_from_loops(loops: list[Loop]) -> tuple[int | None, int | None, int | None]:
    """(epochs, steps, batch) from the loops around a training call."""
    epochs = steps = batch = None
    # an unnamed outer loop around a loop over batches passes over the data: epochs
    for outer, inner in zip(loops, loops[1:], strict=False):
        text = f"{outer.var} {outer.src}"
        inner_it = inner.iterable.inner if isinstance(inner.iterable, Enumerated) else inner.iterable
        if outer.count and not (_EPOCH_RE.search(text) or _STEP_RE.search(text)) and \
                (re.search(r"batch", f"{inner.var} {inner.src}", re.I) or isinstance(inner_it, Batched)):
            epochs = outer.count
            break
    for lp in loops:
        text = f"{lp.var} {lp.src}"
        it = lp.iterable.inner if isinstance(lp.iterable, Enumerated) else lp.iterable
        if isinstance(it, Batched) and isinstance(it.size, int):
            batch = batch or it.size
        if lp.epochs is not None and epochs is None:
            epochs = lp.epochs
        if lp.count is None:
            continue
        if _EPOCH_RE.search(text) and epochs is None:
            epochs = lp.count
        elif _STEP_RE.search(text) and steps is None:
            steps = lp.count
    if epochs is None:
        for lp in loops:
            # one loop over a dataset repeated N times (ds.batch(32).repeat(10)): N passes
            it = lp.iterable.inner if isinstance(lp.iterable, Enumerated) else lp.iterable
            if isinstance(it, Batched) and isinstance(it.repeat, int) and it.repeat > 0:
                epochs = it.repeat
                break
    return epochs, steps, batch


class _Builder:
    def __init__(self, script: Script, interp: Interpreter) -> None:
        self.script = script
        self.interp = interp
        self.sub_opt: dict[int, Optim] = {}

    # -- keras ------------------------------------------------------------
    def build(self) -> dict[str, list[Summary]]:
        models = self.interp.models
        flats = {id(m): flatten(m) for m in models}
        drop: set[int] = set()
        hp_from: dict[int, list[ModelObj]] = {}  # a model -> the models that train it
        _composed(models, flats, drop, hp_from)
        self.trainer_subclasses(models, flats, drop, hp_from)
        _wrapped_parents(models, flats, drop, hp_from)
        # sub-models expanded inside a bigger model
        for m in models:
            if id(m) in drop:
                continue
            for sm in flats[id(m)].submodels:
                if not (sm.compiled or sm.trained):
                    drop.add(id(sm))
        # another object of the same builder line (``up(32, 4)`` of a loop read once, pix2pix's upsample
        # helper called with other arguments) is that block too, not a model of its own
        block_lines = {sm.line for m in models if id(m) not in drop for sm in flats[id(m)].submodels}
        helpers = self.helpers_called_by_builders(models, drop, flats)
        for m in models:
            if (m.line in block_lines or m.line in helpers) and not (m.compiled or m.trained) \
                    and not flats[id(m)].submodels:
                drop.add(id(m))
        layer_spans = _layer_class_spans(self.script)
        for m in models:
            if m.line is not None and not (m.compiled or m.trained or m.block) and \
                    any(a <= m.line <= b and not (of_model and m.cls is not None) for a, b, of_model in layer_spans):
                # a Model built inside a Layer subclass (athena's VariantPredictor holds its small predictor
                # network): a part of that layer, which the network using the layer holds
                drop.add(id(m))
        out_models = self.one_per_reading(_not_views(self.kept(models, flats, drop), flats), flats, hp_from)
        if any(m.compiled or m.trained for m in out_models):
            out_models = [m for m in out_models if m.block or not _toy(m, flats[id(m)], hp_from.get(id(m), []))]
        summaries: list[Summary] = []
        single = len(out_models) == 1
        used_tensors: set[int] = set()
        for m in models:
            used_tensors |= flats[id(m)].tensors
        for m in out_models:
            summaries.append(self.keras_summary(m, flats[id(m)], hp_from.get(id(m), []), single))
        tf_summaries = self.raw_tf(used_tensors, bool(summaries))
        allsum = summaries + tf_summaries
        allsum.sort(key=lambda s: (s.source.line_start or 0))
        if self.interp.warnings:
            for s in allsum:
                s.parse.warnings.extend(self.interp.warnings)
                s.parse.status = "partial"
        return {"all": allsum}

    def helpers_called_by_builders(self, models: list[ModelObj], drop: set[int],
                                   flats: dict[int, _Flat]) -> set[int]:
        """Lines of models built inside a helper function that another model's builder function calls
        (pix2pix's ``upsample()`` Sequential, applied in a loop the reader reads once)."""
        script = self.script
        spans = {m.line: _def_node(script, m.line) for m in models if m.line}
        code = script.code_bytes
        # the names each composing builder calls, read once per builder (only a builder that composes models
        # from parts: get_saes() returning the helper's autoencoders beside its own stack makes models, not blocks)
        called: dict[Any, set[bytes]] = {}
        for o in models:
            g = spans.get(o.line)
            if g is not None and id(o) not in drop and flats[id(o)].submodels and g not in called:
                called[g] = set(_CALLED_NAME.findall(code, g.start_byte, g.end_byte))
        lines: set[int] = set()
        for m in models:
            f = spans.get(m.line)
            name = f.child_by_field_name("name") if f is not None else None
            if name is None or m.compiled or m.trained:
                continue
            word = code[name.start_byte:name.end_byte]
            if any(g != f and word in names for g, names in called.items()):
                lines.add(m.line)
        return lines

    def trainer_subclasses(self, models: list[ModelObj], flats: dict[int, _Flat], drop: set[int],
                           hp_from: dict[int, list[ModelObj]]) -> None:
        """A Model subclass without call() that holds models (a keras.io GAN or VAE overriding
        train_step) trains them: it is their parent, and each gets its optimizer."""
        for m in models:
            if not (m.kind == "subclass" and m.cls is not None and not flats[id(m)].entries):
                continue
            subs = [(k, v) for k, v in m.attrs.items() if isinstance(v, ModelObj)]
            if not subs:
                continue
            drop.add(id(m))
            opts = [(k, v) for k, v in m.attrs.items() if isinstance(v, Optim)]
            losses = [v for v in m.attrs.values() if isinstance(v, LossVal)]
            if losses and "loss" not in m.hp:
                m.hp["loss"], m.hp["loss_raw"] = losses[0].canonical, losses[0].raw
            for k, sm in subs:
                hp_from.setdefault(id(sm), []).append(m)
                mine = [o for ok, o in opts if ok.startswith(k[:1] + "_") or k in ok]
                if mine or opts:
                    self.sub_opt[id(sm)] = (mine or [opts[0][1]])[0]

    def kept(self, models: list[ModelObj], flats: dict[int, _Flat], drop: set[int]) -> list[ModelObj]:
        """The models worth a summary: a real layer, or compiled or trained.

        A model with no real layer that nobody trains (a style-transfer helper of
        pooling layers) is not an example; another file's model only compiled here,
        to load weights and predict, is none either (compiled in a notebook whose
        fit() runs on a reloaded copy of it, it is).
        """
        fits_here = bool(_FIT_CALL.search(self.script.source.code))
        return [m for m in models if id(m) not in drop and flats[id(m)].entries
                and ((m.compiled or m.trained or any(p.type in _MAJOR for p, _ in flats[id(m)].entries))
                     if m.kind != "imported" else bool(self.trainings_of(m)) or (m.compiled and fits_here))]

    def one_per_reading(self, final: list[ModelObj], flats: dict[int, _Flat],
                        hp_from: dict[int, list[ModelObj]] | None = None) -> list[ModelObj]:
        """The same builder read twice gives the same model once (unless trained apart)."""
        seen_sig: dict[tuple, set[str | None]] = {}
        seen_fit: dict[tuple, set[tuple]] = {}
        keep: set[int] = set()
        parents = hp_from or {}

        def trained(m: ModelObj) -> bool:  # by itself, or inside a model that is (a GAN's generator)
            return m.trained or any(p.trained for p in parents.get(id(m), ()))

        # (a trained reading first: a test that only predicts or shows a summary() may be read before the
        # one that fits)
        for m in sorted(final, key=lambda m: (not m.trained, not trained(m))):
            sig = (m.line, tuple((p.type, p.line) for p, _ in flats[id(m)].entries))
            fits = tuple(tr.seq for tr in self.trainings_of(m) if tr.seq)
            if sig in seen_sig and (not m.trained or (m.name in seen_sig[sig] and (not fits or fits in seen_fit[sig]))):
                continue  # built again by the same code (k-fold, reload) and not trained apart
            seen_fit.setdefault(sig, set()).add(fits)
            seen_sig.setdefault(sig, set()).add(m.name)
            keep.add(id(m))
        return [m for m in final if id(m) in keep]

    def trainings_of(self, m: ModelObj) -> list[Training]:
        return [t for t in self.interp.trainings if t.model is m]

    def keras_summary(self, m: ModelObj, flat: _Flat, parents: list[ModelObj], single: bool) -> Summary:
        layers = to_layers(flat.entries)
        hp = Hyperparameters()
        tricks: set[str] = set(m.tricks)
        for src in [m, *parents]:
            self.fill_hp(hp, src, tricks)
        self.training_hp(hp, m, parents, single, tricks)
        _transfer_tricks(m, flat, tricks)
        shape = _clean_shape(_model_input_shape(m, flat))
        lines = [x.line for x in layers if x.line] + ([m.line] if m.line else [])
        own = _def_lines(self.script, m.line) if m.line and not m.span else None
        if own is not None:
            # layers a helper function adds (``def conv_bn_relu(x, ...)`` above the builder) do not move the
            # model's lines (and name) into the helper: the builder's own lines hold it
            lines = [n for n in lines if own[0] <= n <= own[1]] or lines
        if m.span:
            start, end = m.span
        else:
            start, end = (min(lines), max(lines)) if lines else (None, None)
        warnings = list(m.warnings)
        # (a block read alone is for the join to expand where it is used; the join drops it)
        status = ONLY_USED if m.block else "partial" if warnings else "ok"
        name = m.name or "model"
        return Summary(id="", name=name, source=Source(path=self.script.path, line_start=start, line_end=end),
                       framework="keras", layers=layers, hyperparameters=hp, input_shape=shape,
                       tricks=sorted(tricks), preprocessing=list(dict.fromkeys(flat.pre)),
                       parse=ParseInfo(status=status, warnings=warnings))

    def training_hp(self, hp: Hyperparameters, m: ModelObj, parents: list[ModelObj], single: bool,
                    tricks: set[str]) -> None:
        """What compile() did not say: from the parents, a custom training loop, the batches fed."""
        if hp.learning_rate is None and hp.optimizer:
            # compiled with a bare name, trained through a combined model that sets it
            for par in parents:
                if par.hp.get("optimizer") == hp.optimizer and par.hp.get("learning_rate") is not None:
                    hp.learning_rate = par.hp["learning_rate"]
                    break
        if hp.learning_rate is None and m.hp.get("builder_lr") is not None:
            hp.learning_rate = m.hp["builder_lr"]
        if hp.optimizer is None and id(m) in self.sub_opt:
            self.set_opt(hp, self.sub_opt[id(m)], tricks)
        # custom training loops: optimizers and losses linked to this model
        if hp.optimizer is None:
            linked = [o for o in self.interp.optims if o.model is m or m in o.also] or (
                [o for o in self.interp.optims if o.model is None] if single else [])
            if linked:
                self.set_opt(hp, linked[0], tricks)
        if hp.loss is None:
            self.linked_loss(hp, m, single)
        fits_only = bool(self.trainings_of(m)) and all(
            tr.method in ("fit", "fit_generator") and not tr.loops for tr in self.trainings_of(m))
        if hp.batch_size is None and single and not fits_only and \
                (m.trained or any(o.model is m or m in o.also for o in self.interp.optims)):
            # (a plain fit() given arrays and no batch_size uses the library default:
            # null, whatever another part of the file batches)
            sig = set(self.interp.batch_signals)
            if len(sig) == 1:
                hp.batch_size = sig.pop()

    def linked_loss(self, hp: Hyperparameters, m: ModelObj, single: bool) -> None:
        lv = [x for x in self.interp.losses if x.model is m] or (
            [x for x in self.interp.losses if x.model is None] if single else [])
        if not lv and (m.trained or any(o.model is m or m in o.also for o in self.interp.optims)):
            # several models trained by hand with one kind of loss (a GAN)
            kinds = {x.canonical for x in self.interp.losses}
            lv = self.interp.losses[:1] if len(kinds) == 1 else []
        if lv:
            hp.loss, hp.loss_raw = lv[0].canonical, lv[0].raw

    def function_body(self, name: str) -> str:
        """The text of the file's one function or method called ``name`` ('' if none or several)."""
        nodes = [f.node for f in self.interp.funcs if f.name == name]
        nodes += [c.methods[name] for c in self.interp.classes if name in c.methods]
        if len(nodes) != 1:
            return ""
        body = nodes[0].child_by_field_name("body")
        return body.text.decode("utf-8", "replace") if body is not None and body.text else ""

    def set_opt(self, hp: Hyperparameters, o: Optim, tricks: set[str]) -> None:
        hp.optimizer = o.name
        if o.lr is not None and hp.learning_rate is None:
            hp.learning_rate = o.lr
        for k in ("momentum", "weight_decay", "decay", "nesterov"):
            if k in o.extra:
                hp.extra.setdefault(k, o.extra[k])
        tricks |= o.tricks

    def fill_hp(self, hp: Hyperparameters, m: ModelObj, tricks: set[str]) -> None:
        d = m.hp
        if hp.optimizer is None and d.get("optimizer"):
            hp.optimizer = d["optimizer"]
            if hp.learning_rate is None and d.get("learning_rate") is not None:
                hp.learning_rate = d["learning_rate"]
        if hp.loss is None and d.get("loss"):
            hp.loss, hp.loss_raw = d["loss"], d.get("loss_raw")
        if hp.metrics is None and d.get("metrics"):
            hp.metrics = list(d["metrics"])
        for k, v in d.get("extra", {}).items():
            hp.extra.setdefault(k, v)
        tricks |= m.tricks
        for tr in self.trainings_of(m):
            le, ls, lb = _hp_from_loops(tr.loops)
            if hp.epochs is None:
                if tr.epochs is not None:
                    hp.epochs = tr.epochs
                elif tr.method not in ("fit", "fit_generator") or tr.one_epoch_a_call:
                    hp.epochs = le
            if hp.batch_size is None:
                hp.batch_size = tr.batch if tr.batch is not None else (tr.scope_batch or lb)
            if hp.steps is None and tr.method not in ("fit", "fit_generator") and le is None and ls is not None:
                hp.steps = ls

    # -- raw tensorflow -----------------------------------------------------
    def raw_tf(self, used: set[int], have_keras: bool) -> list[Summary]:
        apps = [t for t in self.interp.tensors if id(t) not in used and isinstance(t.producer, LayerObj)
                and t.producer.kind not in ("preprocess", "input")]
        if not apps:
            return []
        groups, names = _groups_by_builder(apps)
        cuts = self.interp.graph_cuts
        if cuts and "<module>" in groups:
            # a notebook's graphs, one after another (tf.reset_default_graph(), graph = tf.Graph()): one model each
            for t in groups.pop("<module>"):
                i = bisect_right(cuts, t.seq)
                groups.setdefault("<module>" if i == 0 else f"<module>:{i}", []).append(t)
        graphs = self.graphs(groups, used)
        # a graph built by the one method of a class that builds one is named for the class
        # (ConvNet.train_model -> ConvNet); several (a GAN's generator, discriminator) keep theirs
        by_class: dict[str, int] = {}
        for key, _, _ in graphs:
            cls = self.interp.method_class.get(key[0]) if not isinstance(key, str) else None
            if cls is not None:
                by_class[cls] = by_class.get(cls, 0) + 1
        out: list[Summary] = []
        for key, ts, fw in graphs:
            window = None
            if cuts:  # (the graph the layers were built in, and what trains it)
                i = bisect_right(cuts, min(t.seq for t in ts))
                window = (cuts[i - 1] if i else 0, cuts[i] if i < len(cuts) else None)
            if isinstance(key, str):
                named = [t.name for t in ts if t.name]
                name = named[-1] if named else "model"
            else:
                name = names[key]
                cls = self.interp.method_class.get(key[0])
                if cls is not None and by_class.get(cls) == 1:
                    name = cls
            out.append(self.tf_summary(name, fw, [(t.producer, t) for t in ts], ts, window))
        return out

    def graphs(self, groups: dict[Any, list[Tensor]], used: set[int]) -> list[tuple[Any, list[Tensor], str]]:
        """The builders' groups of layers that are networks: (builder key, tensors, framework)."""
        # functions whose layers a Keras model of the file holds: their own graph is a block of it
        in_models = {fr[0] for t in self.interp.tensors if id(t) in used for fr in t.frames}
        # functions another graph of the file calls inside its own builder (an Encoder layer's call
        # inside the Transformer's): read on their own too (a test cell), they are blocks
        inside: dict[Any, set[int]] = {}
        for key, ts in groups.items():
            if not isinstance(key, str):
                inside[key] = {fr[0] for t in ts for fr in t.frames if fr[0] != key[0]}
        # a custom Keras layer's call() builds layers, but a layer is a part of the model that applies it
        layer_classes = {c.name for c in self.interp.classes if c.kind == "layer"}
        networks = {id(t) for ts in groups.values() if _majors(ts) >= 2 for t in ts}
        out: list[tuple[Any, list[Tensor], str]] = []
        for key, ts in groups.items():
            if not isinstance(key, str) and any(key[0] in fids for other, fids in inside.items() if other != key):
                continue
            if not isinstance(key, str) and self.interp.method_class.get(key[0]) in layer_classes:
                continue
            split = isinstance(key, str) and bool(self.interp.graph_cuts)
            if split and any(not isinstance(k, str) and _majors(g) >= 2 for k, g in groups.items()) \
                    and _reads_built_in_function(ts):
                # one graph of a notebook whose network a function builds: what the cell adds on its output
                # (``valid_prediction = tf.nn.softmax(forward_prop(tf_valid_dataset))``) is a head, no network
                continue
            if _majors(ts) < 2 and _reads_any(ts, networks):
                # a layer applied to another graph's output (``score = tf.matmul(model.output, W)`` of a
                # ``predict()``): a head on that network, not a network of its own
                continue
            ts.sort(key=lambda t: t.seq)
            ts[:] = _without_label_reshapes(ts)
            fw = self.graph_framework([(t.producer, t) for t in ts], ts)
            if fw is None:
                continue
            if fw == "keras" and not self.interp.minimized and (isinstance(key, str) or key[0] in in_models):
                # Keras layers called on tensors that no Model(...) takes and no optimizer minimizes:
                # a look at intermediate outputs (prediction_batch = layer(features)), or a block
                # another model of the file expands in place; not a network of its own
                continue
            out.append((key, ts, fw))
        return out

    def graph_framework(self, entries: list[tuple[LayerObj, Tensor]], ts: list[Tensor]) -> str | None:
        """``keras`` or ``tensorflow`` for a graph that is a model, None for pieces that are not."""
        n_major = sum(1 for p, _ in entries if p.type in _MAJOR)
        fw = "keras" if any(p.framework == "keras" for p, _ in entries) else "tensorflow"
        # Keras layers outside any Model are usually pieces (an inference
        # encoder's states); only a real stack of them counts as a model.
        if n_major == 0 and self.interp.minimized and all(p.type == "Custom" and p.cls_name for p, _ in entries) \
                and len({p.raw for p, _ in entries}) == 1 and not any(t.fallback for t in ts):
            # a graph built by another file's function (layer.add_layer(x, ...)) and
            # trained here with a TF optimizer: one Custom block per call (a GAN's
            # imported generator and discriminator are two models: not read as one)
            return "tensorflow"
        if all(p.type == "Embedding" for p, _ in entries if p.type in _MAJOR):
            return None  # a lookup table alone (k-means labels, word vectors) is not a network
        if n_major == 0 or (fw == "keras" and (n_major < 2 or len(entries) < 3 or all(t.fallback for t in ts))):
            return None
        return fw

    def tf_summary(self, name: str, fw: str, entries: list, ts: list[Tensor],
                   window: tuple[int, int | None] | None = None) -> Summary:
        layers = to_layers(entries)
        hp = Hyperparameters()
        tricks: set[str] = set()
        self.tf_optimizer_and_loss(hp, tricks, window)
        self.tf_loop_hp(hp, window)
        for p, _ in entries:
            if p.kind == "pretrained":
                if p.pretrained:
                    tricks.add("pretrained_weights")
                if p.frozen:
                    tricks.add("transfer_learning")
        lines = [x.line for x in layers if x.line]
        return Summary(id="", name=name, source=Source(path=self.script.path, line_start=min(lines) if lines else None,
                                                         line_end=max(lines) if lines else None),
                       framework=fw, layers=layers, hyperparameters=hp, input_shape=_clean_shape(_root_shape(ts)),
                       tricks=sorted(tricks), parse=ParseInfo())

    def tf_optimizer_and_loss(self, hp: Hyperparameters, tricks: set[str],
                              window: tuple[int, int | None] | None = None) -> None:
        """The optimizer that minimizes (else one tied to no model) and the loss it minimizes; with a
        ``window`` of one graph of several, only what was read while that graph was built."""
        opt = None
        loss_val: Any = None
        loss_text = ""
        minimized = self.interp.minimized if window is None else [
            m for m, sq in zip(self.interp.minimized, self.interp.minimized_seq, strict=False) if _within(sq, window)]
        if window is not None and not minimized:
            return
        if minimized:
            opt, loss_val, loss_text = minimized[0]
        elif self.interp.optims:
            opt = next((o for o in self.interp.optims if o.model is None), None)
        if opt is not None:
            self.set_opt(hp, opt, tricks)
        if isinstance(loss_val, LossVal):
            hp.loss, hp.loss_raw = loss_val.canonical, loss_val.raw
        elif loss_val is not None and loss_text:
            # (``minimize(self.loss)``: the expression assigned to the attribute)
            txt = self.interp.exprs.get(loss_text) or self.interp.expr_chain.get(loss_text, loss_text)
            hp.loss, hp.loss_raw = hand_loss(txt), txt
            if hp.loss == "other" and txt.isidentifier():
                # minimize(loss) inside training(loss, lr): the file's loss(...) function says which
                body = self.function_body(txt)
                if body:
                    hp.loss = canonical_loss(txt) or hand_loss(body)
        elif self.interp.losses:
            hp.loss, hp.loss_raw = self.interp.losses[0].canonical, self.interp.losses[0].raw

    def tf_loop_hp(self, hp: Hyperparameters, window: tuple[int, int | None] | None = None) -> None:
        """Epochs, steps and batch size of a graph trained by hand, from the loops and signals read."""
        for tr in self.interp.trainings:
            if tr.model is not None or (window is not None and not _within(tr.seq, window)):
                continue
            le, ls, lb = _hp_from_loops(tr.loops)
            hp.epochs = hp.epochs or le
            if hp.epochs is None:
                hp.steps = hp.steps or ls
            hp.batch_size = hp.batch_size or lb
        if hp.epochs is None and hp.steps is None and not self.interp.batch_signals:
            hp.epochs = _neutral_loop_count(self.interp.trainings)
        repeats = {n for n in self.interp.repeat_signals if n > 0}
        if hp.epochs is None and len(repeats) == 1 and (self.interp.minimized or self.interp.trainings):
            # the input pipeline repeats the data N times (ds.batch(32).repeat(3)) and the graph
            # reads it until it ends: N passes over the data, whatever loop runs the steps
            hp.epochs = repeats.pop()
        if hp.epochs is None and hp.steps is None and self.interp.step_signals:
            hp.steps = self.interp.step_signals[0]
        if hp.epochs is not None:
            hp.steps = None
        if hp.batch_size is None and self.interp.batch_signals:
            hp.batch_size = self.interp.batch_signals[0]
        if hp.batch_size is None and self.interp.trainings:
            # a graph fed by hand (x[i * batch_size:(i + 1) * batch_size], zero_state(batch_size)):
            # the module's batch size constant is the one it trains with
            for nm in _BATCH_NAMES:
                v = self.script.constants.get(nm)
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    hp.batch_size = v
                    break


def _neutral_loop_count(trainings: list[Training]) -> int | None:
    """One loop with a neutral counter (for i in range(3000)) running the training op on the
    same fixed data: each pass is a pass over the data."""
    nests = {tuple(map(id, tr.loops)): tr.loops for tr in trainings if tr.model is None and tr.loops}
    loops = list(nests.values())
    if len(loops) == 1 and len(loops[0]) == 1 and loops[0][0].var in _NEUTRAL_VARS \
            and isinstance(loops[0][0].count, int) and loops[0][0].count > 1:
        return loops[0][0].count
    return None


def _root_shape(ts: list[Tensor]) -> Any:
    """The shape of the input the graph's first layer reads from (a placeholder's), if known."""
    seen: set[int] = set()
    stack = list(ts[0].inputs)
    while stack and len(seen) < 500:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if x.producer is None and x.shape is not None:
            return x.shape
        stack.extend(x.inputs)
    return None


def _reads_built_in_function(ts: list[Tensor]) -> bool:
    """Whether a tensor of ``ts`` is computed from one a function built (any of its calls)."""
    return _reads(ts, lambda x: bool(x.frames))


def _within(seq: int, window: tuple[int, int | None]) -> bool:
    return window[0] <= seq and (window[1] is None or seq < window[1])


def _groups_by_builder(apps: list[Tensor]) -> tuple[dict[Any, list[Tensor]], dict[Any, str]]:
    """Layer applications outside Keras models, grouped by the outermost function that builds two or
    more major layers (its first call only), else the module; and each group's function name."""
    major: dict[tuple, int] = {}
    for t in apps:
        if t.producer.type in _MAJOR:
            for fr in t.frames:
                major[fr] = major.get(fr, 0) + 1
    groups: dict[Any, list[Tensor]] = {}
    names: dict[Any, str] = {}
    first_inv: dict[int, int] = {}
    seen_inv: dict[int, int] = {}  # function -> the one call of it that is read
    towers: dict[int, tuple[int, int]] = {}  # a function building 2+ major layers -> (its first call, its input)
    copies: set[int] = set()
    for t in apps:
        key, depth = _builder_frame(t.frames, major)
        # the model function called again (a shared-weights tower, a test
        # pass) is the same model: keep its first call only
        if any(seen_inv.get(fid, inv) != inv for fid, _, inv in t.frames[:depth]):
            continue
        if _built_again(t, depth, major, towers) or any(id(x) in copies for x in t.inputs):
            copies.add(id(t))  # (and what is computed from the copy: a DQN's TD target r + gamma * q_next)
            continue
        for fid, _, inv in t.frames:
            seen_inv.setdefault(fid, inv)
        if key != "<module>":
            fid, fname, inv = key
            if fid in first_inv and first_inv[fid] != inv:
                continue
            first_inv[fid] = inv
            names[key] = fname
        groups.setdefault(key, []).append(t)
    return groups, names


def _built_again(t: Tensor, depth: int, major: dict[tuple, int], towers: dict[int, tuple[int, int]]) -> bool:
    """A tensor of a network-building function called again, inside the model's builder, on another input: a
    DQN's ``_build_net(s, 'eval_net')`` then ``_build_net(s_, 'target_net')``, a discriminator applied to real
    and to generated data. The copy is the same network: its layers count once. A block called again on the
    output of its first call (stacked blocks) has the same input chain, and counts each time."""
    for fr in t.frames[depth:]:
        if major.get(fr, 0) < 2:
            continue
        fid, _, inv = fr
        first = towers.setdefault(fid, (inv, t.origin))
        if first[0] != inv and first[1] != t.origin:
            return True
    return False


def _builder_frame(frames: tuple, major: dict[tuple, int]) -> tuple[Any, int]:
    """The call frame that builds this layer's model, and its depth (``<module>``, 0 when none)."""
    for i, fr in enumerate(frames):
        if major.get(fr, 0) >= 2:
            # go down while one inner call holds all of it (a train step
            # calling the model function)
            while i + 1 < len(frames) and major.get(frames[i + 1], 0) == major[frames[i]]:
                i += 1
            return frames[i], i + 1
    return "<module>", 0


_CALLED_NAME = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)\s*\(")  # a name called: ``upsample(``, not ``x.up(``


def _layer_class_spans(script: Script) -> list[tuple[int, int, bool]]:
    """Lines of the top-level classes written on a Keras ``Layer`` base (``class VariantPredictor(layers.Layer)``),
    or on ``Model`` with no training step of their own: a Sequential such a class builds
    (``self.consistency_validator = keras.Sequential([...])``) is one of its parts. A ``Model`` subclass with a
    ``train_step`` (a GAN) trains the networks it holds: they stay models."""
    spans = []
    for stmt in script.root.named_children:
        node = undecorated(stmt)
        if node is None or node.type != "class_definition":
            continue
        sup = node.child_by_field_name("superclasses")
        bases = [(dotted_name(b) or "").rsplit(".", 1)[-1] for b in (sup.named_children if sup is not None else ())]
        if "Layer" in bases or ("Model" in bases and not _OWN_TRAIN_STEP.search(node_text(node))):
            spans.append((node.start_point[0] + 1, node.end_point[0] + 1, "Layer" not in bases))
    return spans


_OWN_TRAIN_STEP = re.compile(r"\bdef (?:train_step|test_step)\b|\.compile\(|\.fit\(")


def _toy(m: ModelObj, flat: _Flat, parents: list[ModelObj]) -> bool:
    """A model of one or two layers that nothing compiles or trains, in a file that trains another: a demo of
    the API (a Sequential built to show summary(), a Dense placed on a GPU), not an example."""
    return not (m.compiled or m.trained or any(p.compiled or p.trained for p in parents)) \
        and len(flat.entries) <= 2


def _def_node(script: Script, line: int) -> Any:
    """The innermost function definition holding ``line`` (a script line); None at module level."""
    node = script.root.descendant_for_point_range((line - 1, 0), (line - 1, 0))
    while node is not None and node.type != "function_definition":
        node = node.parent
    return node


def _def_lines(script: Script, line: int) -> tuple[int, int] | None:
    """(first, last) line of the innermost function definition holding ``line`` (a script line); None at
    module level."""
    node = _def_node(script, line)
    return (node.start_point[0] + 1, node.end_point[0] + 1) if node is not None else None


def _clean_shape(shape: Any) -> list | None:
    shape = jsonable_shape(shape)
    if not isinstance(shape, list) or not shape:
        return None
    if all(x is None for x in shape) and len(shape) > 1:
        return None
    return shape
