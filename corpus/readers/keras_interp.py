"""A small symbolic interpreter for Keras and raw TensorFlow model scripts.

It walks the statements of a script in order (never executing anything) and
keeps symbolic values: layers, tensors (which layer produced them from which
inputs), models (Sequential, functional, subclassed), optimizers, losses and
batched datasets. User functions and classes are interpreted at their call
sites, so blocks and builder functions expand in place once per call site.

Control flow is read, not run: every branch of an ``if`` is read in order,
a loop body is read once (a literal count becomes ``repeat`` on the layers it
applies and, for epoch or step loops, a hyperparameter). Everything is
bounded: call depth, expression depth, a step budget and a wall-clock
deadline, so hostile input cannot hang or overflow it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from corpus.knowledge import keras_layers
from corpus.knowledge.layers import RECURRENT, SEGMENTATION_ARCHITECTURES, SEGMENTATION_ZOOS
from corpus.knowledge.vocab import canonical_activation, canonical_loss, canonical_optimizer
from corpus.readers.evaluate import (
    LITERAL_TYPES,
    MISSING,
    OPTION_DEFAULTS,
    STATIC_BUILTINS,
    UNKNOWN,
    ConfigDict,
    Evaluator,
    IniFile,
    Param,
    Scope,
    SettingsClass,
    arith,
    bind_arguments,
    literal,
    negate,
    read_parameters,
)
from corpus.readers.script import Script, word_positions
from corpus.readers.syntax import call_arguments, node_text, undecorated

MAX_STEPS = 400_000
MAX_DEPTH = 90  # nested eval/exec frames (each is a few Python frames)
MAX_CALL_DEPTH = 14
MAX_LITERAL = 512  # longer literal lists are data, not configuration


class Budget(Exception):
    """The per-file analysis budget (steps or time) is spent."""


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


# ---------------------------------------------------------------------------
# Symbolic values


class Imported:
    """An imported (framework) name, resolved to its dotted origin."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def last(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def __repr__(self) -> str:
        return f"Imported({self.name})"


@dataclass(eq=False)
class LayerObj:
    type: str
    raw: str
    kind: str = "layer"
    args: dict[str, Any] = field(default_factory=dict)
    activation: str | None = None
    line: int | None = None
    pre: str | None = None
    framework: str = "keras"  # keras | tensorflow
    frozen: bool = False
    pretrained: bool = False
    sub: list[Any] | None = None  # Merge(layers=[models]) in Keras 1; a backbone's input tensor
    cls_name: str | None = None
    attrs_out: Any = None  # a backbone's .output tensor (one per backbone)
    as_model: Any = None  # a backbone compiled and trained as the whole model


@dataclass(eq=False)
class Tensor:
    producer: Any = None  # LayerObj | ModelObj | None (an input)
    inputs: list[Tensor] = field(default_factory=list)
    seq: int = 0
    origin: int = 0  # seq of the root input its chain started from
    repeat: int | None = None
    shape: Any = None
    frames: tuple = ()
    name: str | None = None
    loss: Any = None  # a LossVal when this tensor is a loss
    expr: str = ""
    line: int | None = None
    fallback: bool = False  # applied while reading code nobody calls


@dataclass(eq=False)
class Optim:
    name: str
    raw: str
    lr: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    tricks: set[str] = field(default_factory=set)
    model: Any = None
    also: list[Any] = field(default_factory=list)  # other models it steps (``apply_gradients`` of two models' weights)


@dataclass(eq=False)
class LossVal:
    canonical: str
    raw: str
    model: Any = None


@dataclass(eq=False)
class Batched:
    size: Any
    take: Any = None
    repeat: Any = None  # ds.repeat(N): N passes over the data


@dataclass(eq=False)
class Schedule:
    lr: Any


@dataclass(eq=False)
class Callback:
    trick: str | None


@dataclass(eq=False)
class Weight:
    shape: Any


@dataclass(eq=False)
class RangeVal:
    start: Any
    stop: Any
    step: Any = 1

    @property
    def count(self) -> int | None:
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (self.start, self.stop, self.step)) and self.step:
            return max(0, len(range(self.start, self.stop, self.step)))
        return None


class Repeated(list):
    """A list built by a comprehension: one element read, ``count`` copies."""

    count: int | None = None


@dataclass(eq=False)
class ModelRef:
    model: Any


@dataclass(eq=False)
class FreezeRef:
    target: Any  # LayerObj or ModelObj whose layers get frozen


@dataclass(eq=False)
class FuncVal:
    node: Node
    scope: Scope
    name: str
    cls: ClassVal | None = None


@dataclass(eq=False)
class ClassVal:
    node: Node
    name: str
    kind: str  # model | sequential | layer | other
    methods: dict[str, Node]
    scope: Scope
    bases: list[Any] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)  # class-level constants (a config class)

    def method(self, name: str) -> tuple[Node, ClassVal] | None:
        seen = 0
        cls: ClassVal | None = self
        stack = [self]
        while stack and seen < 20:
            cls = stack.pop(0)
            seen += 1
            if name in cls.methods:
                return cls.methods[name], cls
            stack.extend(b for b in cls.bases if isinstance(b, ClassVal))
        return None


@dataclass(eq=False)
class Instance:
    cls: ClassVal
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class BoundMethod:
    func: FuncVal
    obj: Any


@dataclass(eq=False)
class ObjMethod:
    """A method of a symbolic value (model.fit, optimizer.minimize, ds.batch)."""

    obj: Any
    name: str


@dataclass(eq=False)
class Super:
    obj: Any


@dataclass(eq=False)
class ModelObj:
    kind: str  # sequential | functional | subclass
    line: int | None
    node: Node | None = None
    name: str | None = None
    name_depth: int = 99
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)
    cur: Tensor | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    cls: ClassVal | None = None
    hp: dict[str, Any] = field(default_factory=dict)
    tricks: set[str] = field(default_factory=set)
    input_shape: Any = None
    compiled: bool = False
    trained: bool = False
    frozen: bool = False
    warnings: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None
    seq: int = 0
    block: bool = False  # a Layer class read alone for the repository's other files to expand, never an example


@dataclass
class Loop:
    var: str
    src: str
    count: int | None
    start_seq: int
    iterable: Any = None
    trained: bool = False
    epochs: int | None = None  # range(EPOCHS * n_batches): epochs written as a factor


@dataclass
class Training:
    """A training call seen: which model, what it said, and the loops around it."""

    model: Any
    method: str
    epochs: Any = None
    batch: Any = None
    loops: list[Loop] = field(default_factory=list)
    scope_batch: Any = None
    seq: int = 0  # when it was read: two fit() calls of one model differ
    one_epoch_a_call: bool = False  # fit(epochs=epoch + 1, initial_epoch=epoch): the loops around count them


_BUILTIN_PASS = {
    "len", "print", "list", "tuple", "zip", "range", "isinstance", "int", "float", "str", "getattr",
    "sum", "max", "min", "abs", "enumerate", "sorted", "dict", "set", "super", "type", "hasattr",
    "round", "map", "filter", "open", "iter", "next", "reversed", "any", "all", "repr", "format",
    "vars", "id", "callable", "slice", "bool", "setattr", "input", "locals", "globals", "exec", "eval",
    "xrange",
}

_FRAMEWORK_ROOTS = ("tensorflow", "keras", "tf", "numpy", "np", "math", "scipy", "torch", "K",
                    "tensorflow_hub", "tensorflow_datasets", "sklearn", "pandas", "cv2", "PIL",
                    "matplotlib", "os", "sys", "random", "time", "json", "pickle", "h5py", "gym",
                    "tensorflow_addons", "transformers", "re", "collections", "itertools", "functools")

_NOT_LAYER_MODULES = {"backend", "ops", "activations", "losses", "metrics", "optimizers", "callbacks",
                      "initializers", "regularizers", "constraints", "K", "utils", "math", "nn"}

_GENERIC_METHODS = {"__init__", "build", "call", "__call__", "forward", "cnn", "rnn", "model", "network", "net",
                    "inference", "build_model", "_build_model", "_build_net", "build_network", "create_model",
                    "_build_graph", "build_graph", "add_model", "_create_model", "build_net", "_build"}

_SKIP_MODULES = {"matplotlib", "numpy", "os", "sys", "pandas", "seaborn", "json", "time", "random", "pickle",
                 "cv2", "PIL", "re", "math", "logging", "tqdm", "shutil", "glob", "datetime", "sklearn",
                 "scipy", "csv", "print", "IPython", "warnings", "pathlib", "zipfile", "urllib", "requests"}
_BUILTIN_SKIP = {"print"}

# Functions of tensors whose result is not the data flowing through the model.
_TF_NOT_DATA = {"shape", "size", "rank", "range", "argmax", "argmin", "equal", "not_equal", "greater", "less",
                "zeros_like", "ones_like", "get_shape", "gradients", "global_variables_initializer",
                "trainable_variables", "count_params", "cast_to_floatx", "int_shape", "Session"}

_TRAIN_METHODS = {"fit", "fit_generator", "train_on_batch", "fit_on_batch", "train"}
_MODEL_USES = {"compile", "build", "trainable_variables", "trainable_weights", *_TRAIN_METHODS}
_FIT_WORDS = {"epochs", "nb_epoch", "batch_size", "callbacks", "validation_data", "validation_split",
              "steps_per_epoch"}
# libraries whose objects also have a fit(): their results are never Keras models
_NOT_MODEL_LIBS = {"xgboost", "lightgbm", "catboost", "prophet", "fbprophet", "statsmodels", "gensim", "pmdarima",
                   "umap", "hdbscan", "imblearn", "mlxtend", "surprise", "lifelines", "tpot", "optuna",
                   "rl", "tensorflow_decision_forests", "keras_hub", "keras_nlp", "keras_cv",
                   # test doubles: a MagicMock that is "fit" in a unit test is not a model
                   "unittest", "mock", "pytest", "pytest_mock"}
_HUB_ROOTS = {"keras_hub", "keras_nlp", "keras_cv"}
# frameworks whose optimizers never train a Keras model (a notebook may hold a PyTorch part beside it)
_OTHER_FRAMEWORKS = {"torch", "jax", "optax", "flax", "paddle", "mxnet", "chainer", "lasagne", "theano"}
# methods of a pretrained backbone that do not run it on the model's tensors
_NOT_APPLY = {"save", "save_weights", "load_weights", "summary", "get_layer", "save_pretrained", "resize_token_embeddings",
              "predict", "evaluate", "get_config", "count_params"}
_HUB_NOT_MODEL = re.compile(r"Preprocessor|Tokenizer|Converter|Sampler|Packer|Loss|Metric")
_CONFIG_NAMES = {"config", "cfg", "conf", "configs"}
_BATCH_ARG_NAMES = {"batch_size", "batchsize", "bs", "n_batch", "mb_size"}
_RECURRENT = RECURRENT
_SNIPPET_NAMES = {"keras": "keras", "layers": "keras.layers"}
_LITERALS = LITERAL_TYPES


# the statements the interpreter reads (each has an ``exec_<type>`` method); others are skipped
_STATEMENT_TYPES = ("expression_statement", "function_definition", "decorated_definition", "class_definition",
                    "if_statement", "for_statement", "while_statement", "with_statement", "try_statement",
                    "return_statement", "break_statement", "continue_statement", "print_statement",
                    "match_statement")


_PLAIN = (bool, int, float, str, type(None))
# comparisons of plain values; ``is`` is ``==`` unless one side is None (small ints and strings are interned
# at run time, which a static reading cannot know)
_COMPARE_PLAIN: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "is": lambda a, b: a is b if a is None or b is None else a == b,
    "is not": lambda a, b: a is not b if a is None or b is None else a != b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def _membership(a: Any, op: str, b: Any) -> Any:
    """``a in b`` / ``a not in b`` for a plain ``a`` and a list of plain values, a dict or a string."""
    if isinstance(b, list) and not all(isinstance(x, _PLAIN) for x in b):
        return UNKNOWN
    try:
        r = a in b
    except TypeError:
        return UNKNOWN
    return r if op == "in" else not r


_KERAS1_CONVS = ("Convolution2D", "Conv2D", "Deconvolution2D", "AtrousConvolution2D", "Convolution3D",
                 "SeparableConvolution2D", "SeparableConv2D")


def _truth(v: Any) -> Any:
    """A condition's value as a bool where it is a plain literal (``if 0:``, ``if "":``), else as read."""
    if isinstance(v, (bool, int, float, str)):
        return bool(v)
    return v


def _layer_arguments(spec: keras_layers.Spec, last: str, pos: list[Any], kw: dict[str, Any]) -> dict[str, Any]:
    """A layer call's arguments by their Keras 2 names (positionals named by the spec, Keras 1 names renamed)."""
    args: dict[str, Any] = {}
    names = list(spec.positional)
    # Keras 1: Convolution2D(32, 3, 3) -> filters 32, kernel_size [3, 3]
    if last in _KERAS1_CONVS and len(pos) >= 3 and all(isinstance(p, int) and not isinstance(p, bool) for p in pos[1:3]):
        nk = 3 if last == "Convolution3D" and len(pos) >= 4 else 2
        args["filters"] = pos[0]
        args["kernel_size"] = list(pos[1:1 + nk])
        pos = []
        names = []
    if spec.type in ("Conv2D", "Conv2DTranspose", "Conv3D") and "nb_row" in kw:
        kw = dict(kw)
        r, c = kw.pop("nb_row"), kw.pop("nb_col", UNKNOWN)
        kw["kernel_size"] = [r, c]
    for i, v in enumerate(pos):
        if i < len(names):
            args[names[i]] = v
    for k, v in kw.items():
        k = spec.renames.get(k, k)
        k = keras_layers.KERAS1_KWARGS.get(k, k)
        args[k] = v
    if "output_dim" in args and spec.type not in ("Embedding",) and "units" not in args:
        args["units"] = args.pop("output_dim")
    return args


def _input_shape_of(spec: keras_layers.Spec, args: dict[str, Any], layer: LayerObj) -> None:
    """``input_shape=`` / ``batch_input_shape=`` / ``input_dim=`` / ``input_length=``: ``_input_shape``."""
    if "input_shape" in args:
        layer.args["_input_shape"] = args.pop("input_shape")
    if "batch_input_shape" in args:
        bis = args.pop("batch_input_shape")
        layer.args["_input_shape"] = bis[1:] if isinstance(bis, list) else bis
    if "input_dim" in args and "_input_shape" not in layer.args and spec.type != "Embedding":
        layer.args["_input_shape"] = [args["input_dim"]]
    if spec.type == "Embedding" and "input_length" in args:
        layer.args["_input_shape"] = [args["input_length"]]


def _fit_epochs_and_batch(name: str, pos: list[Any], kw: dict[str, Any]) -> tuple[Any, Any]:
    """``fit(x, y, batch, epochs)`` / ``fit_generator(gen, steps, epochs)``: the values given (or MISSING)."""
    epochs = kw.get("epochs", kw.get("nb_epoch", MISSING))
    if epochs is MISSING:
        if name == "fit" and len(pos) > 3:
            epochs = pos[3]
        elif name == "fit_generator" and len(pos) > 2:
            epochs = pos[2]
    batch = kw.get("batch_size", MISSING)
    if batch is MISSING and name == "fit" and len(pos) > 2:
        batch = pos[2]
    x = pos[0] if pos else kw.get("x", kw.get("generator", UNKNOWN))
    if batch is MISSING and isinstance(x, Batched):
        batch = x.size
    return epochs, batch


def _is_keras(name: str) -> bool:
    return "keras" in name.split(".")[:-1] or name.startswith("keras")


def _tf_key(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else name


class Interpreter(Evaluator):
    """Read one script symbolically. Use :meth:`run`, then read ``models`` etc.

    An :class:`Evaluator` whose values include layers, tensors and models: the
    handlers of calls, attributes, operators and subscripts are its own, the
    literal, container and parenthesis handlers are the shared ones.
    """

    max_depth = MAX_DEPTH
    max_literal = MAX_LITERAL
    spread_splats = True

    def __init__(self, script: Script, deadline_s: float = 1.0) -> None:
        super().__init__(script.constants, script.argparse_defaults)
        self.script = script
        self.steps = 0
        self.depth = 0
        self.calls: list[tuple[int, str, int]] = []  # (func id, name, invocation)
        self.invocations: dict[int, int] = {}
        self.executed: set[int] = set()
        self.seq = 0
        self.models: list[ModelObj] = []
        self.tensors: list[Tensor] = []  # every layer application
        self.loops: list[Loop] = []
        self.trainings: list[Training] = []
        self.optims: list[Optim] = []
        self.minimized: list[tuple[Optim, Any, str]] = []
        self.minimized_seq: list[int] = []  # when each was read (which graph of a notebook it trains)
        self.graph_cuts: list[int] = []  # tf.reset_default_graph() / tf.Graph(): a new graph starts here
        self.losses: list[LossVal] = []
        self.batch_signals: list[Any] = []
        self.repeat_signals: list[int] = []  # ds.repeat(N) with a literal N: passes over the data
        self.warnings: list[str] = []
        self.funcs: list[FuncVal] = []
        self.classes: list[ClassVal] = []
        self.instantiated: set[int] = set()
        # CPU seconds, not wall-clock: a busy machine must not cut a script short and change its summary
        self.deadline = time.process_time() + deadline_s
        self.globals = Scope()
        self.in_layer_call = 0
        self.star_keras = any(k.startswith("*") and "keras" in v for k, v in script.aliases.items())
        self.star_tf = any(k.startswith("*") and v.startswith("tensorflow") for k, v in script.aliases.items())
        # libraries a name is imported from by name: a star import of TensorFlow does not make them TensorFlow's
        self.named_roots = {v.split(".")[0] for k, v in script.aliases.items() if not k.startswith("*")} - {"tensorflow", "tf"}
        self.truncated = False
        self.exprs: dict[str, str] = {}
        self.reuse = 0
        self.step_signals: list[int] = []
        self.loop_vars: set[str] = set()
        self.in_fallback = False
        self.frame_seq: list[int] = []
        self.loop_lists: set[int] = set()
        self.too_deep = False
        # results of a project module's function (another file of the repo)
        # held by a variable: (scope, name) -> (scope, builder name, call)
        self.expr_chain: dict[str, str] = {}  # a tensor's expression, through its reassignments
        self.method_class: dict[int, str] = {}  # a method's node id -> its class's name
        self.builder_calls: dict[Node, tuple[str, float | None]] = {}  # -> (name, learning rate given)
        self.imported_vars: dict[tuple[int, str], tuple[Scope, tuple[str, float | None], Node]] = {}
        self.literals: dict[Node, Any] = {}  # per node, for code read more than once
        self.params: dict[Node, list[Param]] = {}  # a def's parameters, read once
        self.statements = {t: getattr(self, "exec_" + t) for t in _STATEMENT_TYPES}
        for t in ("ERROR", "block", "module"):
            self.statements[t] = self.exec_block_statement
        self.shapes: dict[Node, tuple[Node | None, list[Node], dict[str, Node], str | None]] = {}

    # -- driver ----------------------------------------------------------
    def run(self) -> None:
        try:
            inlined = self.script.source.inlined_from
            hoisted: set[int] = set()
            for stmt in self.script.root.named_children if inlined else ():
                # another file's helpers, read below this one, are there when this file's code calls them
                # (``train_model(model, ..., epochs=500)`` of utils/keras_utils.py in a main guard)
                # (and its classes: ``model = Caser(...)`` of a raw TF graph class the script trains)
                if stmt.type in ("function_definition", "class_definition") and stmt.start_point[0] + 1 >= inlined:
                    self.exec_stmt(stmt, self.globals)
                    hoisted.add(stmt.id)
            for stmt in self.script.root.named_children:
                if stmt.id in hoisted:
                    continue  # defined once: a class defined again would be read again as one nobody built
                try:
                    self.exec_stmt(stmt, self.globals)
                except (_Return, _Break):
                    continue  # a stray return/break at module level (broken or cut-off code)
            self.read_uncalled()
        except Budget:
            self.truncated = True
            self.warnings.append("analysis stopped at the per-file budget; the summary may be incomplete")
        except RecursionError:
            self.truncated = True
            self.warnings.append("analysis stopped: nesting too deep")
        except MemoryError:
            self.truncated = True
            self.warnings.append("analysis stopped: out of memory; the summary may be incomplete")
        except Exception as exc:  # keep what was read before an unexpected construct
            # Not a bound (those are caught above): an exception here is a bug of this reader. Keep
            # what was read, but say "internal error:" so a harvest counts it apart from bad input.
            from corpus.readers.parser import internal_error  # the parser imports this module

            self.truncated = True
            self.warnings.append(internal_error("Keras/TF interpreter (analysis stopped early; the summary "
                                                "may be incomplete)", exc))
        if self.too_deep:
            self.warnings.append(f"expressions nested deeper than {MAX_DEPTH} levels were not read")

    def read_uncalled(self) -> None:
        """Builders and classes nobody calls in this file are still models: read them with unknown
        arguments (last defined first, so that a builder runs its helpers before they would run alone)."""
        self.in_fallback = True
        pending = [c for c in self.classes if id(c) not in self.instantiated] + [
            f for f in self.funcs if id(f.node) not in self.executed]
        called = _called_names(self.script.source.code, {getattr(x, "name", "") for x in pending})
        for cls in self.classes:
            if id(cls) not in self.instantiated and cls.kind in ("model", "sequential") and called.get(cls.name, 0) < 2:
                self.instantiate(cls, [], {}, cls.node)
        for fn in reversed(self.funcs):
            if id(fn.node) not in self.executed and called.get(fn.name, 0) < 2:
                self.invoke(fn, [], self.estimator_params(fn), None)
        for cls in self.classes:
            if id(cls) not in self.instantiated and cls.kind == "other" and called.get(cls.name, 0) < 2:
                self.read_methods(cls, self.instantiate(cls, [], {}, cls.node))
        if self.script.context is not None:
            # a Layer class this file never applies: read alone, as a block the repository's other files expand
            # (``ConvBlock(32)(x)`` in train.py of blocks.py's class)
            for cls in self.classes:
                if id(cls) not in self.instantiated and cls.kind == "layer" and cls.method("call") is not None \
                        and self.script.context.named_by_importer(self.script.path, cls.name):
                    self.instantiate(cls, [], {}, cls.node, block=True)

    def estimator_params(self, fn: FuncVal) -> dict[str, Any]:
        """``tf.estimator.Estimator(model_fn=model_fn, params={"learning_rate": 1e-4})``: the ``params`` the
        estimator hands its model function (Hvass's tutorials: ``params["learning_rate"]`` inside it)."""
        if b"model_fn" not in self.script.code_bytes or "params" not in node_text(
                fn.node.child_by_field_name("parameters")):
            return {}
        for call in self.script.nodes("call"):
            _, kw = call_arguments(call)
            given = kw.get("model_fn")
            if given is not None and node_text(given) == fn.name and "params" in kw:
                value = self.eval(kw["params"], self.globals)
                return {"params": value} if isinstance(value, dict) else {}
        return {}

    def read_methods(self, cls: ClassVal, inst: Any) -> None:
        """Each method of an uncalled class not read yet, read on ``inst``."""
        # helper methods other methods call (self.conv2d(...)) last: the method
        # that builds the graph reads them in place, not alone before it
        body = cls.node.text or b""
        names = list(cls.methods)
        helpers = [m for m in names if b"self." + m.encode() + b"(" in body]
        for mname in [m for m in names if m not in helpers] + helpers:
            found = cls.method(mname)
            if found and id(found[0]) not in self.executed and mname != "__init__":
                self.invoke(FuncVal(found[0], cls.scope, mname, found[1]), [inst], {}, None)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Budget
        if not self.steps & 1023 and time.process_time() > self.deadline:
            raise Budget

    # -- statements ------------------------------------------------------
    def exec_block(self, block: Node, scope: Scope) -> None:
        for stmt in block.named_children:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, n: Node, scope: Scope) -> None:
        self.tick()
        handler = self.statements.get(n.type)
        if handler is not None:
            handler(n, scope)

    # -- statement handlers (node type -> method, in ``self.statements``) --
    def exec_expression_statement(self, n: Node, scope: Scope) -> None:
        for c in n.named_children:
            if c.type == "assignment":
                self.exec_assign(c, scope)
            elif c.type == "augmented_assignment":
                self.exec_augassign(c, scope)
            elif c.type != "string":
                self.eval(c, scope)

    def exec_function_definition(self, n: Node, scope: Scope) -> None:
        self.define_function(n, scope)

    def exec_decorated_definition(self, n: Node, scope: Scope) -> None:
        d = n.child_by_field_name("definition")
        if d is not None:
            self.exec_stmt(d, scope)

    def exec_class_definition(self, n: Node, scope: Scope) -> None:
        self.define_class(n, scope)

    def exec_if_statement(self, n: Node, scope: Scope) -> None:
        """A condition known statically picks its branch (``if 0:`` is dead code, ``CRF = True`` then
        ``if CRF:`` takes the first); otherwise every branch is read in order."""
        cond_node = n.child_by_field_name("condition")
        cond = _truth(self.eval(cond_node, scope))
        if cond is None and cond_node is not None and cond_node.type == "identifier" and \
                scope.get(node_text(cond_node)) is None:
            cond = False  # if dropout_rate: with the parameter's default None
        if self.in_fallback and n.text is not None and b"return" in n.text and \
                not isinstance(_truth(self.script.value(cond_node)), bool):
            # code nobody calls here: its parameters' defaults are not a run; alternatives
            # that each return a model are all read (a module constant or flag still decides)
            cond = UNKNOWN
        if self.loops and isinstance(cond, bool) and cond_node is not None and b"len(" in (cond_node.text or b""):
            # a list's length inside a loop grows from pass to pass (if len(batch_x) >= batch_size:
            # runs the training step once the batch is full): not decided by the first pass
            cond = UNKNOWN
        body = n.child_by_field_name("consequence")
        if cond is True:
            self._guarded_block(body, scope)
            return
        alts = n.children_by_field_name("alternative")
        if cond is not False and len(alts) == 1 and alts[0].type == "else_clause":
            self._either(body, alts[0].child_by_field_name("body"), scope)
            return
        if cond is not False:
            self._branch(body, scope)
        for alt in n.children_by_field_name("alternative"):
            if alt.type != "elif_clause":
                (self._guarded_block if cond is False else self._branch)(alt.child_by_field_name("body"), scope)
            elif self.exec_elif(alt, cond, scope):
                return

    def _either(self, first: Node | None, second: Node | None, scope: Scope) -> None:
        """``if ...: a else: b`` with a condition not known statically: both are read, each from the names as
        they were before the ``if`` (``if exists(ckpt): model = load_model(ckpt) else: model.fit(...)`` fits the
        model built above; ``x = Conv2D(...)(x)`` in either arm is one layer after the same ``x``). After it, a
        name the first arm alone set to a value it knows keeps that value."""
        before = dict(scope.vars)
        self._branch(first, scope)
        after_first = dict(scope.vars)
        scope.vars.update(before)
        self._branch(second, scope)
        for name, value in after_first.items():
            if value is UNKNOWN or before.get(name, _UNSET) is value:
                continue
            if scope.vars.get(name, _UNSET) is before.get(name, _UNSET):
                scope.vars[name] = value

    def exec_elif(self, alt: Node, cond: Any, scope: Scope) -> bool:
        """One ``elif`` after an ``if`` whose condition was ``cond``; True when it is the branch taken."""
        c = _truth(self.eval(alt.child_by_field_name("condition"), scope))
        if self.in_fallback and cond is UNKNOWN:
            c = UNKNOWN
        if c is True and cond is False:
            self._guarded_block(alt.child_by_field_name("consequence"), scope)
            return True
        if c is not False:
            self._branch(alt.child_by_field_name("consequence"), scope)
        return False

    def exec_while_statement(self, n: Node, scope: Scope) -> None:
        cond = n.child_by_field_name("condition")
        var, count = self.while_count(cond, scope)
        self.seq += 1
        self.loops.append(Loop(var=var, src=node_text(cond)[:80], count=count, start_seq=self.seq))
        try:
            self._guarded_block(n.child_by_field_name("body"), scope)
        finally:
            self.loops.pop()

    def while_count(self, cond: Node | None, scope: Scope) -> tuple[str, int | None]:
        """``while epoch <= hm_epochs:`` / ``while step < 500:``: the counter and its literal bound,
        read like ``for epoch in range(hm_epochs)``; ("", None) for any other condition."""
        if cond is None or cond.type != "comparison_operator" or len(cond.named_children) != 2:
            return "", None
        left, right = cond.named_children
        ops = [c.type for c in cond.children if not c.is_named]
        if left.type != "identifier" or ops not in (["<"], ["<="]):
            return "", None
        bound = self.eval(right, scope)
        var = node_text(left)
        # (inside another loop only an epoch counter: `while t < max_steps` in an episode is no total)
        if isinstance(bound, int) and not isinstance(bound, bool) and bound > 0 and \
                (not self.loops or "epoch" in var.lower()):
            return var, bound
        return var, None

    def exec_with_statement(self, n: Node, scope: Scope) -> None:
        for item in n.named_children:
            if item.type == "with_clause":
                for wi in item.named_children:
                    self.exec_with_item(wi, scope)
        body = n.child_by_field_name("body")
        if body is not None:
            self.exec_block(body, scope)

    def exec_with_item(self, wi: Node, scope: Scope) -> None:
        v = wi.child_by_field_name("value")
        if v is not None and v.type == "as_pattern":
            val = self.eval(v.named_children[0] if v.named_children else None, scope)
            alias = v.child_by_field_name("alias")
            if alias is not None:
                self.assign(alias.named_children[0] if alias.named_children else alias, val, scope)
        else:
            self.eval(v, scope)

    def exec_try_statement(self, n: Node, scope: Scope) -> None:
        """An except clause is usually the same step for another version of the library:
        it is read only when the try body built nothing."""
        before = len(self.tensors), len(self.models)
        for c in n.named_children:
            if c.type == "block":
                self._guarded_block(c, scope)
                continue
            handler = c.type in ("except_clause", "except_group_clause")
            if (handler and (len(self.tensors), len(self.models)) == before) or \
                    c.type in ("else_clause", "finally_clause"):
                for b in c.named_children:
                    if b.type == "block":
                        self._guarded_block(b, scope)

    def exec_return_statement(self, n: Node, scope: Scope) -> None:
        vals = n.named_children
        raise _Return(self.eval(vals[0], scope) if vals else None)

    def exec_break_statement(self, n: Node, scope: Scope) -> None:
        raise _Break

    exec_continue_statement = exec_break_statement

    def exec_print_statement(self, n: Node, scope: Scope) -> None:
        for c in n.named_children:
            self.eval(c, scope)

    def exec_match_statement(self, n: Node, scope: Scope) -> None:
        for c in n.named_children:
            if c.type == "block":
                for case in c.named_children:
                    for b in case.named_children:
                        if b.type == "block":
                            self._guarded_block(b, scope)

    def exec_block_statement(self, n: Node, scope: Scope) -> None:
        """A block, the module or a recovered ``ERROR`` node: the statements, calls and assignments in it."""
        for c in n.named_children:
            if c.type.endswith(("statement", "definition")) or c.type in ("block", "ERROR"):
                self.exec_stmt(c, scope)
            elif c.type == "assignment":
                self.exec_assign(c, scope)
            elif c.type == "call":
                self.eval(c, scope)

    def _branch(self, block: Node | None, scope: Scope) -> None:
        """A branch that may not run: a ``return`` in it is kept, reading goes on."""
        try:
            self._guarded_block(block, scope)
        except _Return as r:
            if "__pending_return__" not in scope.vars:
                scope.vars["__pending_return__"] = r.value

    def _guarded_block(self, block: Node | None, scope: Scope) -> None:
        if block is None:
            return
        try:
            self.exec_block(block, scope)
        except _Break:
            pass

    def define_function(self, n: Node, scope: Scope, cls: ClassVal | None = None) -> FuncVal:
        name = node_text(n.child_by_field_name("name"))
        fn = FuncVal(n, scope, name, cls)
        if cls is None:
            scope.vars[name] = fn
            self.funcs.append(fn)
        return fn

    def define_class(self, n: Node, scope: Scope) -> None:
        name = node_text(n.child_by_field_name("name"))
        bases: list[Any] = []
        kind = "other"
        sup = n.child_by_field_name("superclasses")
        if sup is not None:
            for b in sup.named_children:
                if b.type == "keyword_argument":
                    continue
                bv = self.eval(b, scope)
                bases.append(bv)
                if isinstance(bv, ClassVal) and bv.kind != "other":
                    kind = bv.kind
                elif isinstance(bv, Imported) or bv is UNKNOWN:
                    dotted = bv.name if isinstance(bv, Imported) else node_text(b)
                    last = dotted.rsplit(".", 1)[-1]
                    kerasish = _is_keras(dotted) or dotted.startswith(("tf.", "tensorflow")) or isinstance(bv, Imported)
                    if last == "Sequential" and kerasish:
                        kind = "sequential"
                    elif last == "Model" and kerasish and "torch" not in dotted:
                        kind = "model"
                    elif last == "Layer" and kerasish:
                        kind = "layer"
        methods: dict[str, Node] = {}
        body = n.child_by_field_name("body")
        if body is not None:
            for c in body.named_children:
                d = undecorated(c)
                if d is not None and d.type == "function_definition":
                    methods[node_text(d.child_by_field_name("name"))] = d
        cls = ClassVal(n, name, kind, methods, scope, bases)
        if body is not None:
            for c in body.named_children:
                a = c.named_children[0] if c.type == "expression_statement" and c.named_children else None
                if a is not None and a.type == "assignment" and a.child_by_field_name("left") is not None \
                        and a.child_by_field_name("left").type == "identifier":
                    cls.attrs[node_text(a.child_by_field_name("left"))] = self.eval(a.child_by_field_name("right"), scope)
        scope.vars[name] = cls
        self.classes.append(cls)

    def exec_for_statement(self, n: Node, scope: Scope) -> None:
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        it = self.eval(right, scope)
        body = n.child_by_field_name("body")
        if isinstance(it, RangeVal) and _batch_walk(right):
            it = Batched(it.step)  # ``range(0, len(X), 128)``: the first index of each batch of 128
        if isinstance(it, list) and not isinstance(it, Repeated) and it and len(it) <= 32 and \
                len({id(x) for x in it}) == len(it) and \
                all(isinstance(x, (LayerObj, ModelObj, Instance)) for x in it):
            # a list of distinct layers applied in turn: read each
            for item in it:
                self.assign(left, item, scope)
                self._guarded_block(body, scope)
            return
        count, first = _count_and_first(it)
        if count == 0 and right is not None and right.type == "conditional_expression":
            return  # ``for i in range(n) if n > 0 else []`` with n = 0: the body never runs (a list filled
            # where the reader cannot see, ``x_train.extend(load(p))``, still runs it)
        if left is not None:
            self.loop_vars.update(node_text(x) for x in (left, *left.named_children) if x.type == "identifier")
        self.seq += 1
        loop = Loop(var=node_text(left)[:40], src=node_text(right)[:80], count=count, start_seq=self.seq, iterable=it)
        if count is None and right is not None and right.type == "call":
            loop.epochs = self.epoch_factor(right, scope)
        self.loops.append(loop)
        try:
            self.assign(left, first, scope)
            self._guarded_block(body, scope)
        finally:
            self.loops.pop()

    def epoch_factor(self, call: Node, scope: Scope) -> int | None:
        """``range(EPOCH * n_batch)``: one loop over every batch of every epoch; EPOCH is the epochs."""
        fnode, pos_nodes, kw_nodes, _ = self.call_shape(call)
        if node_text(fnode) not in ("range", "xrange", "tqdm") or len(pos_nodes) != 1:
            return None
        arg = pos_nodes[0]
        if arg.type == "call":  # tqdm(range(...))
            return self.epoch_factor(arg, scope)
        if arg.type != "binary_operator" or node_text(arg.child_by_field_name("operator")) != "*":
            return None
        for side in (arg.child_by_field_name("left"), arg.child_by_field_name("right")):
            if side is not None and side.type in ("identifier", "attribute") and \
                    "epoch" in node_text(side).rsplit(".", 1)[-1].lower():
                v = self.eval(side, scope)
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    return v
        return None

    def exec_assign(self, n: Node, scope: Scope) -> None:
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        if right is None:
            return
        if right.type == "assignment":  # a = b = value: both names hold the one object (a model built once)
            self.exec_assign(right, scope)
            val = self.eval(right.child_by_field_name("left"), scope)
        else:
            val = self.eval(right, scope)
        if isinstance(val, (Tensor, LossVal)) and left is not None and left.type == "identifier":
            name, txt = node_text(left), node_text(right)
            self.exprs[name] = txt[:160]
            prev = self.expr_chain.get(name)
            at = word_positions(txt, (name,)).get(name, [-1])[0] if prev is not None else -1
            if at != -1:
                # loss = tf.square(d); loss = tf.reduce_sum(loss): the whole expression
                txt = txt[:at] + prev + txt[at + len(name):]
            self.expr_chain[name] = txt[:400]
        elif isinstance(val, (Tensor, LossVal)) and left is not None and left.type == "attribute":
            self.expr_chain[node_text(left)] = node_text(right)[:400]  # self.c_loss = ...
        self.assign(left, val, scope)
        if val is UNKNOWN and self.builder_calls and right.type == "call" and left is not None \
                and left.type == "identifier" and right in self.builder_calls:
            name = node_text(left)
            self.imported_vars[(id(scope), name)] = (scope, self.builder_calls[right], right)

    def exec_augassign(self, n: Node, scope: Scope) -> None:
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        op = node_text(n.child_by_field_name("operator")).rstrip("=")
        a = self.eval(left, scope)
        b = self.eval(right, scope)
        self.assign(left, self.binop(a, op, b, n), scope)

    def assign(self, target: Node | None, val: Any, scope: Scope) -> None:
        if target is None:
            return
        t = target.type
        if t == "identifier":
            name = node_text(target)
            scope.vars[name] = val
            if self.imported_vars:
                self.imported_vars.pop((id(scope), name), None)
            self.name_value(val, name, scope.depth)
        elif t == "attribute":
            obj = self.eval(target.child_by_field_name("object"), scope)
            attr = node_text(target.child_by_field_name("attribute"))
            if attr == "trainable" and val is False:
                self.freeze(obj)
            if isinstance(obj, (Instance, ModelObj)):
                obj.attrs[attr] = val
                self.name_value(val, attr, scope.depth)
        elif t in ("pattern_list", "tuple_pattern", "list_pattern"):
            kids = [c for c in target.named_children]
            if isinstance(val, list) and len(val) == len(kids):
                for k, v in zip(kids, val, strict=True):
                    self.assign(k, v, scope)
            else:
                # (``train_ds, val_ds = image_dataset_from_directory(..., batch_size=64, subset="both")``: both
                # splits come in batches of 64)
                for k in kids:
                    self.assign(k, val if isinstance(val, (Tensor, LossVal, Batched)) else UNKNOWN, scope)
        elif t == "subscript":
            obj = self.eval(target.child_by_field_name("value"), scope)
            if isinstance(obj, dict):
                key = self.eval(target.child_by_field_name("subscript"), scope)
                if isinstance(key, (str, int)):
                    obj[key] = val
        elif t in ("list_splat_pattern",):
            pass

    def name_value(self, val: Any, name: str, depth: int) -> None:
        if isinstance(val, ModelObj):
            if val.kind == "subclass" and val.cls is not None:
                return
            if val.name is None or depth < val.name_depth:
                val.name, val.name_depth = name, depth
        elif isinstance(val, Tensor) and val.name is None:
            val.name = name

    def freeze(self, obj: Any) -> None:
        if isinstance(obj, FreezeRef):
            obj = obj.target
        if isinstance(obj, (LayerObj, ModelObj)):
            obj.frozen = True

    # -- calls into user code ------------------------------------------
    def invoke(self, fn: FuncVal, pos: list[Any], kw: dict[str, Any], call: Node | None) -> Any:
        if len(self.calls) >= MAX_CALL_DEPTH or sum(1 for c in self.calls if c[0] == id(fn.node)) >= 2:
            return UNKNOWN
        self.executed.add(id(fn.node))
        inv = self.invocations.get(id(fn.node), 0) + 1
        self.invocations[id(fn.node)] = inv
        scope = Scope(fn.scope, depth=len(self.calls) + 1)
        self.bind_params(fn, pos, kw, scope)
        # a model-building method is named for its class (TextCNN.__init__ -> TextCNN)
        shown = fn.cls.name if fn.cls is not None and fn.name in _GENERIC_METHODS else fn.name
        if fn.cls is not None:
            self.method_class[id(fn.node)] = fn.cls.name
        self.calls.append((id(fn.node), shown, inv))
        self.seq += 1  # orders this call against loops opened before it
        self.frame_seq.append(self.seq)
        reuse = kw.get("reuse") is True
        self.reuse += reuse
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return UNKNOWN
            body = fn.node.child_by_field_name("body")
            if body is not None:
                self.exec_block(body, scope)
        except _Return as r:
            return r.value
        except _Break:
            pass
        finally:
            self.depth -= 1
            self.reuse -= reuse
            self.calls.pop()
            self.frame_seq.pop()
        if "__pending_return__" in scope.vars:
            return scope.vars["__pending_return__"]
        bs = scope.vars.get("batch_size")
        if isinstance(bs, int) and not isinstance(bs, bool) and fn.node.text and b"yield" in fn.node.text:
            return Batched(bs)
        return None

    def bind_params(self, fn: FuncVal, pos: list[Any], kw: dict[str, Any], scope: Scope) -> None:
        params = self.params.get(fn.node)
        if params is None:
            params = self.params[fn.node] = read_parameters(fn.node)
        scope.vars.update(bind_arguments(params, pos, kw, default=lambda d: self.eval(d, fn.scope)))

    def instantiate(self, cls: ClassVal, pos: list[Any], kw: dict[str, Any], call: Node, block: bool = False) -> Any:
        self.instantiated.add(id(cls))
        if cls.kind in ("model", "sequential") or block:
            m = ModelObj(kind="subclass" if cls.kind != "sequential" else "sequential", line=self.s_line(cls.node),
                         node=cls.node, name=cls.name, name_depth=-1, cls=cls, seq=self.seq, block=block)
            m.span = (self.s_line(cls.node), cls.node.end_point[0] + 1)
            self.models.append(m)
            if cls.kind == "sequential":
                m.cur = self.new_root(None)
                m.inputs = [m.cur]
            obj: Any = m
        else:
            obj = Instance(cls)
        init = cls.method("__init__")
        if init is not None:
            self.invoke(FuncVal(init[0], cls.scope, "__init__", init[1]), [obj, *pos], kw, call)
        if isinstance(obj, ModelObj) and obj.kind == "subclass":
            found = cls.method("call")
            if found is not None:
                x = self.new_root(None)
                obj.inputs = [x]
                # (a Layer class read alone is inside its own call: its backend ops stay plain ops, as where the
                # file applies it)
                self.in_layer_call += block
                try:
                    out = self.invoke(FuncVal(found[0], cls.scope, "call", found[1]), [obj, x], {}, call)
                finally:
                    self.in_layer_call -= block
                # (a call returning named outputs or a tuple: ``{"out": ..., "enc": ...}``)
                obj.outputs = self.tensors_in(out)
            elif self.read_train_step(obj, cls, pos, kw, call):
                pass
            else:
                # Model subclass built functionally: CustomModel(inputs, outputs)
                ins = kw.get("inputs", pos[0] if pos else UNKNOWN)
                outs = kw.get("outputs", pos[1] if len(pos) > 1 else UNKNOWN)
                if self.tensors_in(outs):
                    obj.inputs, obj.outputs = self.tensors_in(ins), self.tensors_in(outs)
                    obj.span = None
                    obj.line = self.s_line(call)
                    obj.kind, obj.name, obj.name_depth = "functional", None, 99
        elif isinstance(obj, ModelObj):
            obj.outputs = [obj.cur] if obj.cur is not None else []
        return obj

    def read_train_step(self, obj: ModelObj, cls: ClassVal, pos: list[Any], kw: dict[str, Any], call: Node) -> bool:
        """``VAE(encoder, decoder)``, ``SimSiam(encoder, predictor)``: a Model subclass with no ``call`` that
        trains two or more models it is handed in its ``train_step`` with one optimizer is one model, its parts
        in the order the step applies them. A GAN's (``d_optimizer``, ``g_optimizer``) trains its parts apart,
        and a wrapper of one model (``CustomFit(model)``) trains that model: not these."""
        found = cls.method("train_step")
        if found is None or not any(isinstance(v, ModelObj) for v in [*pos, *kw.values()]):
            return False
        text = node_text(found[0])
        if len(_OWN_OPTIMIZER_STEP.findall(text)) != 1 or _OTHER_OPTIMIZERS.search(text):
            return False
        x = self.new_root(None)
        n_apps = len(self.tensors)
        try:
            self.invoke(FuncVal(found[0], cls.scope, "train_step", found[1]), [obj, x], {}, call)
        except (_Return, _Break):
            pass
        applied = [t for t in self.tensors[n_apps:] if isinstance(t.producer, ModelObj) and t.producer is not obj]
        if len({id(t.producer) for t in applied}) < 2:
            return False  # a training wrapper of one model (``CustomFit(model)``): that model is the example
        obj.inputs, obj.outputs = [x], [applied[-1]]
        return True

    def apply_instance(self, inst: Instance, pos: list[Any], kw: dict[str, Any], call: Node) -> Any:
        found = inst.cls.method("call") or inst.cls.method("__call__")
        x = pos[0] if pos else kw.get("inputs", UNKNOWN)
        before = self.seq
        n_apps = len(self.tensors)
        out: Any = UNKNOWN
        if found is not None:
            self.in_layer_call += 1
            try:
                out = self.invoke(FuncVal(found[0], inst.cls.scope, found[1].name, found[1]), [inst, *pos], kw, call)
            finally:
                self.in_layer_call -= 1
        built = any(not (isinstance(t.producer, LayerObj) and t.producer.kind == "activation")
                    for t in self.tensors[n_apps:])
        # a layer returning its output with extras (``return self.ln_2(...), attention_scores``): the output
        first = out[0] if isinstance(out, (tuple, list)) and out and isinstance(out[0], Tensor) else out
        if isinstance(out, dict):  # named outputs (``{"embedding": e, "type_probs": p}``)
            first = next(iter(self.tensors_in(out)), out)
        if not built or not isinstance(first, Tensor) or first.seq <= before:
            # nothing of Keras inside (or it hands its input back): one Custom block,
            # or a Dense when its call is one product with a weight of its own
            kind = "Dense" if found is not None and _is_weight_product(found[0], inst.cls.node) else "Custom"
            ins = self.tensors_in(x)
            if kind == "Custom" and found is not None and len(ins) == 1 and _plain_ops(found[0], inst.cls.node):
                # plain ops with no weight of their own (noise, a one-hot, a slice, a pad, a loss it adds),
                # expanded in place as an in-file block is: no layer; an activation it ends with stays
                return out if isinstance(out, Tensor) and out.seq > before and not built else ins[0]
            layer = LayerObj(kind, inst.cls.name, line=self.s_line(call), cls_name=inst.cls.name)
            if built and isinstance(out, Tensor) and out.seq > before and out not in ins:
                ins = [out]
            return self.apply(layer, ins, call)
        return out

    # -- expressions -----------------------------------------------------
    def s_line(self, n: Node | None) -> int | None:
        return n.start_point[0] + 1 if n is not None else None

    def eval(self, n: Node | None, scope: Scope) -> Any:
        if n is None:
            return UNKNOWN
        # (the hottest function: ``tick`` is inlined, and names and literals,
        # which open no deeper frame, skip the depth bookkeeping)
        self.steps += 1
        if self.steps > MAX_STEPS or (not self.steps & 1023 and time.process_time() > self.deadline):
            raise Budget
        t = n.type
        if t == "identifier" or t in _LITERALS:
            if self.depth >= MAX_DEPTH:
                self.too_deep = True
                return UNKNOWN
            if t != "identifier":
                lit = self.literals.get(n, MISSING)
                if lit is MISSING:
                    lit = self.literals[n] = literal(n)
                return lit
            # (IDENTIFIER, inlined)
            raw = n.text
            name = "" if raw is None else raw.decode("utf-8", "replace")
            v = scope.get(name)
            if v is UNKNOWN and self.script.context is not None:  # a @hydra.main function's config (evaluate.py)
                return self.repo_identifier(n, name, scope)
            return v if v is not MISSING else self.global_name(name)
        handler = self.handlers.get(t)
        if handler is None:
            return UNKNOWN
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                self.too_deep = True
                return UNKNOWN
            return handler(n, scope)
        finally:
            self.depth -= 1

    # -- expression handlers (node type -> method; see corpus.readers.evaluate) --
    def IDENTIFIER(self, n: Node, scope: Scope) -> Any:
        raw = n.text
        name = "" if raw is None else raw.decode("utf-8", "replace")
        v = scope.get(name)
        if v is not MISSING:
            return v
        return self.global_name(name)

    def ATTRIBUTE(self, n: Node, scope: Scope) -> Any:
        return self.eval_attribute(n, scope)

    def CALL(self, n: Node, scope: Scope) -> Any:
        return self.eval_call(n, scope)

    def BINARY_OPERATOR(self, n: Node, scope: Scope) -> Any:
        a = self.eval(n.child_by_field_name("left"), scope)
        b = self.eval(n.child_by_field_name("right"), scope)
        op = node_text(n.child_by_field_name("operator"))
        if op == "@" and isinstance(b, Weight) and not isinstance(a, Weight):
            # x @ w1: a dense layer written with the matrix-product operator
            return self.call_tf(ImportedCall(self, Imported("tensorflow.matmul"), [a, b], {}, n, [], {}, scope))
        if op == "-" and isinstance(a, Weight) and self.loops:
            right = n.child_by_field_name("right")
            if right is not None and right.type == "binary_operator":
                self.hand_update(right, scope)  # w1 = w1 - lr * grad[0]
        return self.binop(a, op, b, n)

    def UNARY_OPERATOR(self, n: Node, scope: Scope) -> Any:
        v = self.eval(n.child_by_field_name("argument"), scope)
        if isinstance(v, (Tensor, LossVal)):
            return v
        return negate(v, node_text(n.child_by_field_name("operator")))

    def SUBSCRIPT(self, n: Node, scope: Scope) -> Any:
        obj = self.eval(n.child_by_field_name("value"), scope)
        subs = n.children_by_field_name("subscript")
        if len(subs) == 1 and subs[0].type == "slice" and isinstance(obj, list):
            return self.slice_of(obj, subs[0], scope)
        key = self.eval(subs[0], scope) if len(subs) == 1 else UNKNOWN
        if isinstance(obj, dict):
            return obj.get(key, UNKNOWN) if isinstance(key, (str, int, float)) else UNKNOWN
        if isinstance(obj, (list, tuple)):
            if isinstance(key, int) and not isinstance(key, bool) and -len(obj) <= key < len(obj):
                return obj[key]
            return UNKNOWN
        if isinstance(obj, (Tensor, LossVal, FreezeRef)):
            return obj
        return UNKNOWN

    def slice_of(self, obj: list[Any], sl: Node, scope: Scope) -> Any:
        """``layers[1:-1]`` of a list with literal bounds."""
        parts: list[Any] = [None, None, None]
        i = 0
        for c in sl.children:
            if c.type == ":":
                i += 1
            elif i < 3:
                parts[i] = self.eval(c, scope)
        if all(p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
            try:
                return list(obj[slice(*parts)])
            except ValueError:
                return UNKNOWN
        return UNKNOWN

    def LIST_COMPREHENSION(self, n: Node, scope: Scope) -> Any:
        return self.eval_comprehension(n, scope)

    GENERATOR_EXPRESSION = SET_COMPREHENSION = LIST_COMPREHENSION

    def CONDITIONAL_EXPRESSION(self, n: Node, scope: Scope) -> Any:
        """``a if c else b``: ``a`` when it can be read, else ``b`` (the condition is not read)."""
        kids = n.named_children
        v = self.eval(kids[0], scope) if kids else UNKNOWN
        if v is UNKNOWN and len(kids) >= 3:
            v = self.eval(kids[2], scope)
        return v

    def BOOLEAN_OPERATOR(self, n: Node, scope: Scope) -> Any:
        # both sides are read (a side may build layers); an unknown side keeps what is certain
        a = self.eval(n.child_by_field_name("left"), scope)
        b = self.eval(n.child_by_field_name("right"), scope)
        op = node_text(n.child_by_field_name("operator"))
        if op == "or":
            if a is UNKNOWN:
                return b if b is True else UNKNOWN if isinstance(b, bool) else b
            return a if a else b
        if a is UNKNOWN:
            return False if b is False else UNKNOWN
        return b if a else a

    def COMPARISON_OPERATOR(self, n: Node, scope: Scope) -> Any:
        return self.compare(n, scope)

    def NOT_OPERATOR(self, n: Node, scope: Scope) -> Any:
        v = self.eval(n.child_by_field_name("argument"), scope)
        return (not v) if isinstance(v, (bool, int, str, float)) or v is None else UNKNOWN

    def AWAIT(self, n: Node, scope: Scope) -> Any:
        kids = n.named_children
        return self.eval(kids[0], scope) if kids else UNKNOWN

    def KEYWORD_ARGUMENT(self, n: Node, scope: Scope) -> Any:
        return self.eval(n.child_by_field_name("value"), scope)

    def compare(self, n: Node, scope: Scope) -> Any:
        """``a op b`` on plain values (two operands only); a loop variable's test is unknown."""
        kids = [c for c in n.named_children]
        ops = [node_text(c) for c in n.children if not c.is_named]
        if len(kids) != 2 or len(ops) < 1:
            return UNKNOWN
        # a loop variable holds its first value only: tests on it are unknown
        if any(k.type == "identifier" and node_text(k) in self.loop_vars for k in kids):
            for k in kids:
                self.eval(k, scope)
            return UNKNOWN
        a, b = self.eval(kids[0], scope), self.eval(kids[1], scope)
        op = " ".join(ops)
        if op in ("in", "not in") and isinstance(a, _PLAIN) and isinstance(b, (list, dict, str)) \
                and not isinstance(b, Repeated):
            return _membership(a, op, b)
        fn = _COMPARE_PLAIN.get(op)
        if fn is None or not (isinstance(a, _PLAIN) and isinstance(b, _PLAIN)):
            return UNKNOWN
        try:
            return fn(a, b)
        except TypeError:
            return UNKNOWN

    def eval_comprehension(self, n: Node, scope: Scope) -> Any:
        body = n.child_by_field_name("body")
        inner = Scope(scope, scope.depth)
        count: int | None = 1
        for c in n.named_children:
            if c.type == "for_in_clause":
                it = self.eval(c.child_by_field_name("right"), inner)
                if isinstance(it, RangeVal):
                    cnt, first = it.count, it.start
                elif isinstance(it, list):
                    cnt, first = len(it), (it[0] if it else UNKNOWN)
                else:
                    cnt, first = None, UNKNOWN
                count = count * cnt if (count is not None and cnt is not None) else None
                self.assign(c.child_by_field_name("left"), first, inner)
        v = self.eval(body, inner)
        out = Repeated([v])
        out.count = count
        return out

    def global_name(self, name: str) -> Any:
        origin = self.script.aliases.get(name)
        if origin is not None:
            if origin.startswith(("six.moves.", "builtins.", "past.builtins.", "future.builtins.")):
                return Imported("builtins." + origin.rsplit(".", 1)[-1])
            return Imported(origin)
        if name in self.script.constants:
            return self.script.constants[name]
        if self.star_keras and (name in keras_layers.KERAS_LAYERS or name in ("Sequential", "Model", "Input")):
            return Imported("keras.layers." + name)
        if self.star_keras and name[:1].isupper():
            if canonical_optimizer(name):
                return Imported("keras.optimizers." + name)
            if name in keras_layers.CALLBACK_TRICKS:
                return Imported("keras.callbacks." + name)
            if name.startswith(keras_layers.APPLICATION_PREFIXES):
                return Imported("keras.applications." + name)
        if name in _SNIPPET_NAMES:
            # a book snippet using keras.Input / layers.Dense with its imports left out:
            # nothing else binds these names
            return Imported(_SNIPPET_NAMES[name])
        if name == "super":
            return Imported("builtins.super")
        if name in _BUILTIN_PASS:
            return Imported("builtins." + name)
        context = self.script.context
        if context is not None and any(k.startswith("*") for k in self.script.aliases):
            # ``from model import *`` then ``model = unet()``: a builder of the repository, trained here
            wild = context.star_origins(self.script.aliases, self.script.relative_imports, self.script.path, name)
            if wild:
                return Imported(wild[-1][0])
        return UNKNOWN

    def eval_attribute(self, n: Node, scope: Scope) -> Any:
        """``obj.attr``: the handler of the object's kind (``_ATTRIBUTES_BY_KIND``), else of an unknown object."""
        obj_node = n.child_by_field_name("object")
        attr = node_text(n.child_by_field_name("attribute"))
        obj = self.eval(obj_node, scope)
        handler = _ATTRIBUTES_BY_KIND.get(type(obj))
        if handler is not None:
            return handler(self, obj, attr, n)
        if obj is UNKNOWN or obj is None:
            return self.attribute_of_unknown(n, obj, obj_node, attr, scope)
        return UNKNOWN

    # -- attributes, by the kind of object (in _ATTRIBUTES_BY_KIND) -------------
    def attribute_of_imported(self, obj: Imported, attr: str, n: Node) -> Any:
        if attr == "config" and obj.name == "wandb":
            got = self.wandb_config()  # the settings given to wandb.init (evaluate.Evaluator.wandb_config)
            if got is not UNKNOWN:
                return got
        if attr in self.script.argparse_defaults and (obj.name.endswith(".FLAGS") or self.of_repository(obj)):
            # FLAGS = tf.app.flags.FLAGS (or absl's): FLAGS.batch_size is the flag's default; so is
            # args.batch_size of ``from argparser import args`` (another file of the repository parses them)
            v = self.script.argparse_defaults[attr]
            return UNKNOWN if v is None else v
        inlined = self.inlined_function(attr) if attr in self.loader_functions() else self.inlined_class(attr)
        if inlined is not None and self.of_repository(Imported(f"{obj.name}.{attr}")):
            # ``com.yaml_load()`` of ``import common as com``: the loader read below the script (a data function
            # stays the repository's call: ``repository_batcher`` reads the batch size it is given)
            return inlined
        return Imported(f"{obj.name}.{attr}")

    def inlined_function(self, name: str) -> FuncVal | None:
        """A function of another file of the repository, read below this script (``RepoContext.imported_code``)."""
        return self._inlined_global(name, FuncVal)

    def inlined_class(self, name: str) -> ClassVal | None:
        """A class of another file read below this script (``net = model.Model(784, lr)`` of ``import model``: a
        raw TF graph class the script trains, a settings class), reached through its module's name."""
        return self._inlined_global(name, ClassVal)

    def _inlined_global(self, name: str, kind: type) -> Any:
        """The global ``name`` when it is a ``kind`` defined in the code read below this script, else None."""
        inlined = self.script.source.inlined_from
        got = self.globals.get(name) if inlined else None
        return got if isinstance(got, kind) and got.node.start_point[0] + 1 >= inlined else None

    def of_repository(self, obj: Imported) -> bool:
        """Whether an imported name is a top-level name of another file of the repository (the parsed command
        line ``args``, whose flags the script's flags already hold; a loss function of its own)."""
        context = self.script.context
        if context is None or "." not in obj.name:
            return False
        head = obj.name.split(".")[0]
        local = next((k for k, v in self.script.aliases.items() if v == obj.name or v == head), head)
        hit = context.resolve(obj.name, self.script.path, self.script.relative_imports.get(local, 0))
        return hit is not None and bool(hit[1]) and "." not in hit[1]

    def attribute_of_instance(self, obj: Instance, attr: str, n: Node) -> Any:
        if attr in obj.attrs:
            return obj.attrs[attr]
        found = obj.cls.method(attr)
        if found is not None:
            return _bound(FuncVal(found[0], found[1].scope, attr, found[1]), obj)
        return obj.cls.attrs.get(attr, UNKNOWN)

    def attribute_of_class(self, obj: ClassVal, attr: str, n: Node) -> Any:
        if attr in obj.attrs:
            return obj.attrs[attr]
        found = obj.method(attr)
        if found is None:
            return UNKNOWN
        # ``LeNet.build(28, 28, 1, 10)`` of a ``@staticmethod`` (pyimagesearch's builders); a classmethod gets
        # its class; a plain method called on the class is given its object by the caller
        fn = FuncVal(found[0], found[1].scope, attr, found[1])
        p = found[0].parent
        decorators = {node_text(d).strip() for d in p.named_children if d.type == "decorator"} \
            if p is not None and p.type == "decorated_definition" else set()
        return BoundMethod(fn, obj) if "@classmethod" in decorators else fn

    def attribute_of_model(self, obj: ModelObj, attr: str, n: Node) -> Any:
        if attr in obj.attrs:
            return obj.attrs[attr]
        if obj.cls is not None:
            found = obj.cls.method(attr)
            if found is not None:
                return _bound(FuncVal(found[0], found[1].scope, attr, found[1]), obj)
        if attr in ("output", "outputs"):
            return obj.outputs[0] if attr == "output" and obj.outputs else (list(obj.outputs) or UNKNOWN)
        if attr in ("input", "inputs"):
            return obj.inputs[0] if attr == "input" and obj.inputs else (list(obj.inputs) or UNKNOWN)
        if attr in ("trainable_variables", "trainable_weights", "variables", "weights"):
            return ModelRef(obj)
        if attr == "layers":
            return FreezeRef(obj)
        return ObjMethod(obj, attr)

    def attribute_of_layer(self, obj: LayerObj, attr: str, n: Node) -> Any:
        """``base_model.output`` / ``.input`` of a backbone (applied once), ``layer.layers``."""
        given = obj.sub[0] if obj.kind == "pretrained" and obj.sub and isinstance(obj.sub[0], Tensor) else None
        if attr in ("output", "outputs"):
            out = obj.attrs_out if getattr(obj, "attrs_out", None) is not None else None
            if out is None:
                out = self.apply(obj, [given] if given is not None else [], n)
                obj.attrs_out = out
            return out
        if attr in ("input", "inputs"):
            if given is not None:
                return given
            if getattr(obj, "attrs_out", None) is not None and obj.attrs_out.inputs:
                return obj.attrs_out.inputs[0]
            root = self.new_root(obj.args.get("_input_shape"))
            obj.attrs_out = self.apply(obj, [root], n)
            obj.sub = [root]
            return root
        if attr == "layers":
            return FreezeRef(obj)
        return ObjMethod(obj, attr)

    def attribute_is_method(self, obj: Any, attr: str, n: Node) -> Any:
        """A method of a symbolic value (``optimizer.minimize``, ``ds.batch``), read when called."""
        return ObjMethod(obj, attr)

    def attribute_of_method(self, obj: ObjMethod, attr: str, n: Node) -> Any:
        return ObjMethod(UNKNOWN, attr)

    def attribute_of_str(self, obj: str, attr: str, n: Node) -> Any:
        return ObjMethod(obj, attr) if attr in ("lower", "upper", "strip", "title", "casefold") else UNKNOWN

    def attribute_of_list(self, obj: list[Any], attr: str, n: Node) -> Any:
        if attr == "layers" and obj and all(isinstance(x, (LayerObj, ModelObj, Instance)) for x in obj):
            # ``for layer in self.listLayers.layers:`` over a plain list of blocks (as d2l's TF port writes
            # it, a Sequential's attribute on a list): the blocks the code means
            return obj
        return ObjMethod(obj, attr) if attr in ("append", "extend") else UNKNOWN

    def attribute_of_unknown(self, n: Node, obj: Any, obj_node: Node | None, attr: str, scope: Scope) -> Any:
        """``args.lr`` (argparse/absl defaults), ``self.config.lr`` (a settings class), a project model's ``fit``."""
        plain = obj_node is not None and obj_node.type in ("identifier", "attribute")
        if obj is UNKNOWN and self.imported_vars and obj_node is not None and obj_node.type == "identifier" \
                and attr in _MODEL_USES:
            m = self.promote_imported(n, node_text(obj_node), attr, scope)
            if m is not None:
                return self.eval_attribute(n, scope)
        if attr in self.script.argparse_defaults and plain:
            v = self.script.argparse_defaults[attr]
            return UNKNOWN if v is None else v  # no default: given at run time
        holder = self.script.constants.get(node_text(obj_node)) if plain else None
        if isinstance(holder, dict) and isinstance(holder.get(attr), (int, float, str)):
            return holder.get(attr)  # self.config of a config file the repository names (repo_context.settings_holders)
        configs = [c for c in self.classes if "config" in c.name.lower() and attr in c.attrs]
        if configs and plain and node_text(obj_node).rsplit(".", 1)[-1].lower() in _CONFIG_NAMES:
            # self.config.learning_rate with a settings class of this file (class TCNNConfig)
            if len(configs) == 1 and isinstance(configs[0].attrs[attr], (int, float, str)):
                return configs[0].attrs[attr]
        return ObjMethod(UNKNOWN, attr)

    def binop(self, a: Any, op: str, b: Any, n: Node) -> Any:
        if isinstance(a, LossVal) or isinstance(b, LossVal):
            other = b if isinstance(a, LossVal) else a
            lv = a if isinstance(a, LossVal) else b
            if op in ("+", "-") and isinstance(other, (LossVal, Tensor)) and other is not lv:
                # a sum of several losses (a VAE's reconstruction + KL) is other;
                # one loss on two halves (a discriminator's real + fake) keeps its kind
                same = isinstance(other, LossVal) and other.canonical == lv.canonical
                out = LossVal(lv.canonical if same else "other", node_text(n)[:120],
                              lv.model or getattr(other, "model", None))
                self.losses.append(out)
                return out
            return lv
        ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
        if ta and tb:
            data = (a.producer is not None or not a.inputs) and (b.producer is not None or not b.inputs)
            if op == "+" and data and (a.producer is not None or b.producer is not None):
                fw = "keras" if "keras" in (getattr(a.producer, "framework", None),
                                            getattr(b.producer, "framework", None)) else "tensorflow"
                return self.apply(LayerObj("Add", node_text(n)[:40], kind="merge", line=self.s_line(n),
                                           framework=fw), [a, b], n)
            return self.passthrough([a, b], n)
        if ta or tb:
            return self.passthrough([a if ta else b], n)
        if isinstance(a, list) and isinstance(b, list) and op == "+":
            return a + b
        if op == "+" and isinstance(a, (ModelRef, list)) and isinstance(b, (ModelRef, list)):
            # ``encoder.trainable_variables + decoder.trainable_variables``: the weights of both
            return (a if isinstance(a, list) else [a]) + (b if isinstance(b, list) else [b])
        if isinstance(a, list) and isinstance(b, int) and op == "*" and b <= 64:
            r = Repeated(a[:1] if len({id(x) for x in a}) == 1 else a)
            r.count = b * len(a) if len({id(x) for x in a}) == 1 else None
            return r if r.count else a * b
        if isinstance(a, str) and op == "%":
            return UNKNOWN
        try:
            return arith(a, op, b)
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            return UNKNOWN

    # -- tensors -----------------------------------------------------------
    def new_root(self, shape: Any, n: Node | None = None) -> Tensor:
        self.seq += 1
        return Tensor(None, [], self.seq, self.seq, shape=shape, line=self.s_line(n))

    def tensors_in(self, v: Any) -> list[Tensor]:
        if isinstance(v, Tensor):
            return [v]
        if isinstance(v, (list, tuple)):
            return [x for x in v if isinstance(x, Tensor)][:64]
        if isinstance(v, dict):  # Model(inputs, {"pitch": p, "step": s}): named outputs
            return [x for x in v.values() if isinstance(x, Tensor)][:64]
        return []

    def repeat_for(self, inputs: list[Tensor]) -> int | None:
        origin = min((t.origin for t in inputs), default=self.seq + 1)
        r = 1
        known = True
        for lp in self.loops:
            if origin <= lp.start_seq or not inputs:
                if lp.count is None:
                    known = False
                else:
                    r *= lp.count
        if not inputs:
            return None
        if not known:
            return None
        return r if r > 1 else None

    def apply(self, producer: Any, inputs: list[Tensor], n: Node | None) -> Tensor:
        if not inputs:
            # an input we cannot see (a parameter, a dataset): it existed before
            # any loop around this call
            inputs = [self.new_root(None, n)]
            inputs[0].origin = self.frame_seq[-1] if self.frame_seq else 0
        self.seq += 1
        t = Tensor(producer, list(inputs), self.seq, min(x.origin for x in inputs),
                   repeat=self.repeat_for(inputs), frames=tuple(self.calls), line=self.s_line(n))
        t.fallback = self.in_fallback
        if not self.reuse:
            self.tensors.append(t)
        return t

    def passthrough(self, inputs: list[Tensor], n: Node | None) -> Tensor:
        if len(inputs) == 1:
            return inputs[0]
        self.seq += 1
        return Tensor(None, list(inputs), self.seq, min(x.origin for x in inputs), line=self.s_line(n),
                      expr=node_text(n)[:120] if n is not None else "")

    # -- calls -------------------------------------------------------------
    def call_shape(self, call: Node) -> tuple[Node | None, list[Node], dict[str, Node], str | None]:
        """A call's callee, argument nodes and skippable root name, read once per call node.

        The root name is set when the call is a plain call into plotting,
        numpy, os... (see ``eval_call``); it is skipped while no local
        variable shadows that name. Functions called many times and loops
        read the same call nodes again, so this is kept per node.
        """
        got = self.shapes.get(call)
        if got is None:
            fnode = call.child_by_field_name("function")
            skip_root = None
            if fnode is not None and call.text is not None and call.text.count(b"(") == 1:
                head = fnode
                while head.type == "attribute":
                    head = head.child_by_field_name("object")
                if head is not None and head.type == "identifier":
                    root = node_text(head)
                    origin = self.script.aliases.get(root, root if root in _BUILTIN_SKIP else "")
                    if origin.split(".")[0] in _SKIP_MODULES:
                        skip_root = root
            got = (fnode, *call_arguments(call), skip_root)
            self.shapes[call] = got
        return got

    def eval_args(self, pos_nodes: list[Node], kw_nodes: dict[str, Node],
                  scope: Scope) -> tuple[list[Any], dict[str, Any], list[Node], dict[str, Node]]:
        pos: list[Any] = []
        kw: dict[str, Any] = {}
        for p in pos_nodes:
            if p.type == "list_splat":
                v = self.eval(p.named_children[0] if p.named_children else None, scope)
                if isinstance(v, list):
                    pos.extend(v)
                continue
            if p.type == "dictionary_splat":
                v = self.eval(p.named_children[0] if p.named_children else None, scope)
                if isinstance(v, dict):
                    kw.update({k: x for k, x in v.items() if isinstance(k, str)})
                continue
            pos.append(self.eval(p, scope))
        for k, v in kw_nodes.items():
            kw[k] = self.eval(v, scope)
        return pos, kw, pos_nodes, kw_nodes

    def eval_call(self, call: Node, scope: Scope) -> Any:
        # a settings object, a configuration of the repository (evaluate.py)
        got = self.settings_call(call, scope)
        if got is MISSING:
            got = self.repo_call(call, scope)
        if got is not MISSING:
            return got
        fnode, pos_nodes, kw_nodes, skip_root = self.call_shape(call)
        # A plain call into plotting, numpy, os... with no call nested in its
        # arguments cannot build or train a model: not worth reading.
        if skip_root is not None and scope.get(skip_root) is MISSING:
            return UNKNOWN
        f = self.eval(fnode, scope)
        pos, kw, pos_nodes, kw_nodes = self.eval_args(pos_nodes, kw_nodes, scope)
        if self.loops and not isinstance(f, (LayerObj, ModelObj)):
            # a data source asked for batch_size items in a training loop
            # (trainset.next(batch_size), get_batch(data, BATCH_SIZE))
            # (or next_batch(self.BATCH_SIZE), get_batch(args.batch_size))
            for pn, pv in zip(pos_nodes, pos, strict=False):
                if pn.type in ("identifier", "attribute") and isinstance(pv, int) and not isinstance(pv, bool) \
                        and node_text(pn).rsplit(".", 1)[-1].lower() in _BATCH_ARG_NAMES:
                    self.batch_signals.append(pv)
                    break
        return self.call_value(f, pos, kw, call, scope, pos_nodes, kw_nodes, fnode)

    def call_value(self, f: Any, pos: list[Any], kw: dict[str, Any], call: Node, scope: Scope,
                   pos_nodes: list[Node], kw_nodes: dict[str, Node], fnode: Node | None) -> Any:
        """Call what ``f`` is: the handler of its kind (``_CALLS_BY_KIND``), else an unknown callable."""
        handler = _CALLS_BY_KIND.get(type(f))
        if handler is not None:
            return handler(self, f, pos, kw, call, scope, pos_nodes, kw_nodes)
        # An unknown callable applied to tensors: a block from another module.
        ins = self.tensors_in(pos[0]) if pos else []
        if ins and fnode is not None and fnode.type == "identifier" and not self.in_layer_call:
            name = node_text(fnode)
            if name not in _BUILTIN_PASS:
                return self.apply(LayerObj("Custom", name, line=self.s_line(call), cls_name=name), ins, call)
        if ins and fnode is not None and fnode.type == "attribute":
            # ``self.attention(x)`` of ``self.attention = Attention(self.maxlen)``, a layer class this file imports
            # and cannot read (a sibling module): a block applied to the tensor, not nothing
            held = self.imported_layer_class(node_text(fnode))
            if held is not None:
                return self.apply(LayerObj("Custom", held, line=self.s_line(call),
                                           cls_name=held.rsplit(".", 1)[-1]), ins, call)
        if ins and fnode is not None and fnode.type == "call" and not self.in_layer_call:
            # ``ConvBlock(32)(x)`` of a class this file imports and cannot read: a block applied to the tensor
            written = dotted_written(fnode)
            last = written.rsplit(".", 1)[-1]
            if last[:1].isupper() and written.split(".")[0] not in _FRAMEWORK_ROOTS:
                layer = LayerObj("Custom", written, line=self.s_line(call), cls_name=last)
                # ``ChebConv(7, activation="softmax")(x)``: a block of another library keeps the activation it is given
                act = call_arguments(fnode)[1].get("activation")
                layer.activation = self.activation_of(self.eval(act, scope)) if act is not None else None
                return self.apply(layer, ins, call)
        if ins:
            return ins[0]
        return UNKNOWN

    def imported_layer_class(self, target: str) -> str | None:
        """The class, as written, of ``self.x = Cls(...)`` when every binding of ``target`` is such a call of a
        capitalised name imported from outside the frameworks; else None."""
        if not target.startswith("self.") or target.count(".") != 1:
            return None
        found: set[str] = set()
        for a in self.script.assignments_to(target):
            right = a.child_by_field_name("right")
            written = dotted_written(right) if right is not None and right.type == "call" else ""
            head = written.split(".")[0]
            if not written[:1] or not written.rsplit(".", 1)[-1][:1].isupper() or head not in self.script.aliases \
                    or self.script.aliases[head].split(".")[0] in _FRAMEWORK_ROOTS:
                return None
            found.add(written)
        return found.pop() if len(found) == 1 else None

    # -- calling a value, by its kind (in _CALLS_BY_KIND) ----------------------
    def call_function(self, f: FuncVal, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        return self.user_call_result(f, self.invoke(f, pos, kw, call), pos, kw)

    def call_bound_method(self, f: BoundMethod, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        return self.user_call_result(f.func, self.invoke(f.func, [f.obj, *pos], kw, call), pos, kw)

    def call_class(self, f: ClassVal, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        return self.instantiate(f, pos, kw, call)

    def call_imported(self, f: Imported, pos: list[Any], kw: dict[str, Any], call: Node, scope: Scope,
                      pos_nodes: list[Node], kw_nodes: dict[str, Node]) -> Any:
        return self.call_ext(f, pos, kw, call, pos_nodes, kw_nodes, scope)

    def call_layer_value(self, f: LayerObj, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        return self.call_layer(f, pos, kw, call)

    def call_model(self, f: ModelObj, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        return self.apply(f, self.tensors_in(pos[0] if pos else kw.get("inputs")), call)

    def call_instance(self, f: Instance, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        """A custom layer applied (its ``call``), or an object's ``__call__``."""
        if f.cls.kind == "layer" or f.cls.method("call") is not None:
            return self.apply_instance(f, pos, kw, call)
        found = f.cls.method("__call__")
        if found is not None:
            return self.invoke(FuncVal(found[0], found[1].scope, "__call__", found[1]), [f, *pos], kw, call)
        return UNKNOWN

    def call_object_method(self, f: ObjMethod, pos: list[Any], kw: dict[str, Any], call: Node, scope: Scope,
                           pos_nodes: list[Node], kw_nodes: dict[str, Node]) -> Any:
        return self.call_method(f, pos, kw, call, pos_nodes, kw_nodes, scope)

    def call_loss(self, f: LossVal, pos: list[Any], kw: dict[str, Any], *args: Any) -> Any:
        """``loss_fn(y, model(x))``: the loss, now tied to the model its arguments come from."""
        for v in [*pos, *kw.values()]:
            m = self.model_of(v)
            if m is not None and f.model is None:
                f.model = m
        return f

    def call_itself(self, f: Any, *args: Any) -> Any:
        """An optimizer, a schedule or a tensor called: the same value."""
        return f

    def call_initializer(self, f: Initializer, pos: list[Any], kw: dict[str, Any], *args: Any) -> Any:
        return Weight(pos[0] if pos else kw.get("shape", UNKNOWN))

    def user_call_result(self, f: FuncVal, out: Any, pos: list[Any], kw: dict[str, Any]) -> Any:
        lname = f.name.lower()
        if isinstance(out, Tensor) and (canonical_loss(f.name) or any(
                w in lname for w in ("loss", "entropy", "square", "mse", "mae"))):
            # a loss written by hand in a function named for it (cross_entropy, mean_square)
            lv = LossVal(canonical_loss(f.name) or hand_loss(node_text(f.node.child_by_field_name("body"))),
                         f.name, self.first_model(pos, kw))
            self.losses.append(lv)
            return lv
        if out is None or out is UNKNOWN:
            bs = kw.get("batch_size")
            if isinstance(bs, int) and not isinstance(bs, bool):
                return Batched(bs)
        return out

    def model_of(self, v: Any, depth: int = 0) -> ModelObj | None:
        if depth > 6:
            return None
        if isinstance(v, ModelObj):
            return v
        if isinstance(v, ModelRef):
            return v.model
        if isinstance(v, Tensor):
            seen = 0
            stack = [v]
            while stack and seen < 200:
                x = stack.pop()
                seen += 1
                if isinstance(x.producer, ModelObj):
                    return x.producer
                stack.extend(x.inputs)
            return None
        if isinstance(v, list):
            for x in v[:16]:
                m = self.model_of(x, depth + 1)
                if m is not None:
                    return m
        return None

    # -- layers ------------------------------------------------------------
    def make_layer(self, spec: keras_layers.Spec, raw: str, pos: list[Any], kw: dict[str, Any], call: Node,
                   framework: str = "keras", skip_input: bool = False) -> LayerObj:
        layer = LayerObj(spec.type, raw, kind=spec.kind, line=self.s_line(call), pre=spec.pre,
                         framework=framework, activation=spec.activation)
        args = _layer_arguments(spec, raw.rsplit(".", 1)[-1], pos, kw)
        if skip_input:
            for k in ("inputs", "input", "x", "value", "ids"):
                args.pop(k, None)
        act = args.pop("activation", MISSING)
        if act is not MISSING:
            layer.activation = self.activation_of(act)
        if spec.kind == "activation" and spec.type == "Activation" and spec.activation is None and act is MISSING:
            # Activation('relu'); Activation(activation='relu') was read just above
            layer.activation = self.activation_of(pos[0] if pos else UNKNOWN)
        _input_shape_of(spec, args, layer)
        if "padding" in args and isinstance(args["padding"], str) and spec.kind != "layer" + "_pad":
            args["padding"] = args["padding"].lower()
        for k, v in args.items():
            if k in keras_layers.KEEP_ARGS:
                jv = jsonable(v)
                if jv is not MISSING:
                    layer.args[k] = jv
        return layer

    def activation_of(self, v: Any) -> str | None:
        if v is None or v is UNKNOWN:
            return None
        if isinstance(v, str):
            return canonical_activation(v) or v.lower()
        if isinstance(v, Imported):
            return canonical_activation(v.last)
        if isinstance(v, LayerObj):
            return v.activation
        if isinstance(v, FuncVal):
            return canonical_activation(v.name) or "custom"
        return None

    def call_layer(self, layer: LayerObj, pos: list[Any], kw: dict[str, Any], call: Node) -> Any:
        x = pos[0] if pos else kw.get("inputs", kw.get("x", UNKNOWN))
        if layer.kind == "preprocess" or layer.kind == "input":
            ins = self.tensors_in(x)
            return self.apply(layer, ins, call) if ins else self.new_root(None, call)
        if layer.kind == "pretrained" and not self.tensors_in(x):
            return self.apply(layer, [], call)
        ins = self.tensors_in(x)
        for k in ("initial_state", "constants", "mask", "value", "key"):
            if k in kw:
                ins.extend(t for t in self.tensors_in(kw[k]) if t not in ins)
        for extra in pos[1:3]:
            ins.extend(t for t in self.tensors_in(extra) if t not in ins)
        return self.apply(layer, ins, call)

    def wrap_layer(self, spec: keras_layers.Spec, raw: str, pos: list[Any], kw: dict[str, Any], call: Node) -> LayerObj:
        inner = pos[0] if pos else kw.get("layer", kw.get("cell", UNKNOWN))
        if spec.type == "TimeDistributed" and isinstance(inner, LayerObj):
            out = LayerObj(inner.type, inner.raw, kind=inner.kind, args=dict(inner.args), activation=inner.activation,
                           line=self.s_line(call), framework=inner.framework)
            out.args["time_distributed"] = True
            return out
        if spec.type == "RNN":
            if isinstance(inner, LayerObj):
                return LayerObj(inner.type, raw, args=dict(inner.args), activation=inner.activation,
                                line=self.s_line(call))
            return LayerObj("SimpleRNN", raw, line=self.s_line(call))
        out = LayerObj("Bidirectional", raw, line=self.s_line(call))
        if isinstance(inner, LayerObj):
            out.args["layer"] = inner.type
            out.args.update({k: v for k, v in inner.args.items() if not k.startswith("_") and k != "layer"})
            if "_input_shape" in inner.args:
                out.args["_input_shape"] = inner.args["_input_shape"]
            out.activation = None
        elif isinstance(inner, Instance):
            out.args["layer"] = inner.cls.name
        mm = kw.get("merge_mode")
        if isinstance(mm, str):
            out.args["merge_mode"] = mm
        if "input_shape" in kw:
            out.args["_input_shape"] = jsonable(kw["input_shape"])
        return out

    # -- external calls ------------------------------------------------------
    def call_ext(self, f: Imported, pos: list[Any], kw: dict[str, Any], call: Node, pos_nodes: list[Node],
                 kw_nodes: dict[str, Node], scope: Scope) -> Any:
        """A call of an imported name: the rules of ``_EXT_BY_NAME``, then ``_EXT_RULES`` in order."""
        name = f.name
        if name.startswith("builtins."):
            return self.call_builtin(f.last, pos, kw, call, scope)
        c = ImportedCall(self, f, pos, kw, call, pos_nodes, kw_nodes, scope)
        handler = _EXT_BY_NAME.get(c.last)
        if handler is not None:
            out = handler(self, c)
            if out is not _NEXT:
                return out
        for rule in _EXT_RULES:
            out = rule(self, c)
            if out is not _NEXT:
                return out
        return UNKNOWN

    # -- calls of imported names (rules; _NEXT: not this rule's call) ---------
    def ext_option(self, c: ImportedCall) -> Any:
        """``epochs: int = typer.Option(9)``: the option's default (what runs when it is not given)."""
        if c.f.name not in OPTION_DEFAULTS:
            return _NEXT
        default = c.kw["default"] if "default" in c.kw else (c.pos[0] if c.pos else UNKNOWN)
        return UNKNOWN if default is Ellipsis else default

    def ext_graph_cut(self, c: ImportedCall) -> Any:
        """``tf.reset_default_graph()`` / ``graph = tf.Graph()``: what is built after it is another graph (a
        notebook's next model), at module level."""
        if c.parts[0] != "tensorflow":
            return _NEXT
        if not self.calls:  # (inside a function it resets the graph that function builds)
            self.seq += 1
            self.graph_cuts.append(self.seq)
        return UNKNOWN

    def ext_sequential(self, c: ImportedCall) -> Any:
        if not (c.keras_mod or "models" in c.parts):
            return _NEXT
        call, pos, kw = c.node, c.pos, c.kw
        m = ModelObj(kind="sequential", line=self.s_line(call), node=call, name=None, seq=self.seq)
        m.cur = self.new_root(None, call)
        m.inputs = [m.cur]
        self.models.append(m)
        layers = pos[0] if pos else kw.get("layers")
        if isinstance(layers, list):
            for item in layers:
                self.seq_add(m, item, call)
        m.outputs = [m.cur]
        return m

    def ext_model(self, c: ImportedCall) -> Any:
        """``Model(inputs, outputs)``: a functional model."""
        if not c.keras_mod:
            return _NEXT
        pos, kw = c.pos, c.kw
        ins = kw.get("inputs", kw.get("input", pos[0] if pos else UNKNOWN))
        outs = kw.get("outputs", kw.get("output", pos[1] if len(pos) > 1 else UNKNOWN))
        m = ModelObj(kind="functional", line=self.s_line(c.node), node=c.node, seq=self.seq)
        m.inputs = self.tensors_in(ins)
        m.outputs = self.tensors_in(outs)
        if not m.outputs:
            m.warnings.append("could not follow the model's outputs")
        self.models.append(m)
        return m

    def ext_input(self, c: ImportedCall) -> Any:
        if not c.keras_mod:
            return _NEXT
        kw = c.kw
        shape = kw.get("shape", c.pos[0] if c.pos else UNKNOWN)
        if "batch_shape" in kw and isinstance(kw["batch_shape"], list):
            shape = kw["batch_shape"][1:]
        if "input_shape" in kw:
            shape = kw["input_shape"]
        return self.new_root(jsonable_shape(shape), c.node)

    def ext_placeholder(self, c: ImportedCall) -> Any:
        shape = c.kw.get("shape", c.pos[1] if len(c.pos) > 1 else UNKNOWN)
        if isinstance(shape, list) and shape and shape[0] is None:
            shape = shape[1:]
        return self.new_root(jsonable_shape(shape), c.node)

    def ext_variable(self, c: ImportedCall) -> Any:
        """``tf.Variable(tf.random_normal([784, 256]))``: a weight of that shape."""
        pos, kw = c.pos, c.kw
        if c.last == "Variable":
            v = pos[0] if pos else kw.get("initial_value", UNKNOWN)
            return v if isinstance(v, Weight) else Weight(UNKNOWN)
        shape = kw.get("shape", pos[1] if c.last == "get_variable" and len(pos) > 1 else (pos[0] if pos else UNKNOWN))
        return Weight(shape)

    def ext_keras(self, c: ImportedCall) -> Any:
        """Keras layers (classes), applications, optimizers, losses, callbacks..."""
        if not (c.keras_mod or (self.star_keras and c.last in keras_layers.KERAS_LAYERS)):
            return _NEXT
        spec = keras_layers.KERAS_LAYERS.get(c.last) if not _NOT_LAYER_MODULES.intersection(c.parts[:-1]) else None
        if spec is not None:
            return self.keras_layer(spec, c)
        for rule in _KERAS_RULES:
            out = rule(self, c)
            if out is not _NEXT:
                return out
        return _NEXT

    def keras_layer(self, spec: keras_layers.Spec, c: ImportedCall) -> Any:
        last, pos, kw, call = c.last, c.pos, c.kw, c.node
        if spec.kind == "wrapper":
            return self.wrap_layer(spec, dotted_written(call), pos, kw, call)
        if spec.kind == "merge" and last[0].islower() or (last == "merge"):
            # layers.concatenate([a, b]) / Keras 1 merge([a, b], mode='sum')
            ins = self.tensors_in(pos[0] if pos else kw.get("inputs"))
            mode = kw.get("mode")
            typ = _MERGE_MODES.get(mode, spec.type) if isinstance(mode, str) else spec.type
            return self.apply(LayerObj(typ, dotted_written(call), kind="merge", line=self.s_line(call)), ins, call)
        if last == "Merge":
            mode = kw.get("mode")
            typ = _MERGE_MODES.get(mode, "Concatenate") if isinstance(mode, str) else "Concatenate"
            layer = LayerObj(typ, dotted_written(call), kind="merge", line=self.s_line(call))
            sub = pos[0] if pos else kw.get("layers")
            layer.sub = sub if isinstance(sub, list) else None
            return layer
        if spec.kind == "pretrained":
            return self.pretrained(pos[0] if pos else kw.get("handle"), call, kw, hub=True)
        if last == "Lambda":
            spec = _lambda_spec(call) or spec
        return self.make_layer(spec, dotted_written(call), pos, kw, call)

    def keras_application(self, c: ImportedCall) -> Any:
        if ("applications" in c.parts or c.last.startswith(keras_layers.APPLICATION_PREFIXES)) and c.last[0].isupper():
            return self.pretrained(c.last, c.node, c.kw)
        return _NEXT

    def ext_segmentation_zoo(self, c: ImportedCall) -> Any:
        """``sm.Unet("resnet34", encoder_weights="imagenet")`` of ``segmentation_models``: a whole network whose
        encoder loads ImageNet weights unless ``encoder_weights=None`` is written."""
        if c.parts[0] not in SEGMENTATION_ZOOS or c.last not in SEGMENTATION_ARCHITECTURES:
            return _NEXT
        layer = self.pretrained(c.last, c.node, {"weights": c.kw.get("encoder_weights", "imagenet")})
        encoder = c.kw.get("backbone_name", c.pos[0] if c.pos else UNKNOWN)
        if isinstance(encoder, str):
            layer.args["encoder"] = encoder
        return layer

    def keras_optimizer(self, c: ImportedCall) -> Any:
        if canonical_optimizer(c.last):
            return self.optimizer(c.last, dotted_written(c.node), c.pos, c.kw, c.node)
        return _NEXT

    def keras_schedule(self, c: ImportedCall) -> Any:
        if c.last in keras_layers.LR_SCHEDULES:
            return Schedule(c.kw.get("initial_learning_rate", c.pos[0] if c.pos else UNKNOWN))
        return _NEXT

    def keras_callback(self, c: ImportedCall) -> Any:
        if c.last in keras_layers.CALLBACK_TRICKS:
            return Callback(keras_layers.CALLBACK_TRICKS[c.last])
        return Callback(None) if "callbacks" in c.parts else _NEXT

    def keras_loss(self, c: ImportedCall) -> Any:
        if not ("losses" in c.parts or canonical_loss(c.last)):
            return _NEXT
        lv = self.loss_value(c.f, c.node)
        if lv is None:
            return _NEXT
        self.losses.append(lv)
        m = self.first_model(c.pos, c.kw)
        if m is not None:
            lv.model = m
        return lv

    def keras_activation(self, c: ImportedCall) -> Any:
        """``activations.relu(x)`` / ``keras_layers.sigmoid(x)`` on a tensor: an Activation layer."""
        last = c.last
        if not ("activations" in c.parts or ("backend" in c.parts and canonical_activation(last))):
            return _NEXT
        ins = self.tensors_in(c.pos[0]) if c.pos else []
        if ins and canonical_activation(last):
            return self.apply(LayerObj("Activation", dotted_written(c.node), kind="activation",
                                       activation=canonical_activation(last), line=self.s_line(c.node)), ins, c.node)
        return _NEXT

    def ext_batcher(self, c: ImportedCall) -> Any:
        if c.last == "load" and c.parts[0] == "tensorflow_datasets" and isinstance(c.kw.get("batch_size"), int) \
                and not isinstance(c.kw["batch_size"], bool) and c.kw["batch_size"] > 0:
            # ``tfds.load("mnist", batch_size=32)``: the dataset comes batched
            self.batch_signals.append(c.kw["batch_size"])
            return Batched(c.kw["batch_size"])
        if c.last == "zip" and "Dataset" in c.parts and c.pos and isinstance(c.pos[0], (list, tuple)):
            # ``tf.data.Dataset.zip((horses, zebras))``: batches of the datasets it pairs
            return _first_batched(c.pos[0], _NEXT)
        return self.batcher(c.last, c.pos, c.kw) if c.last in keras_layers.BATCHERS else _NEXT

    def keras_loader(self, c: ImportedCall) -> Any:
        return UNKNOWN if c.last in ("load_model", "clone_model", "model_from_json") else _NEXT

    def ext_sklearn_wrapper(self, c: ImportedCall) -> Any:
        """``KerasClassifier(build_fn=create_model, epochs=10)``: the builder's model, trained."""
        if c.last not in ("KerasClassifier", "KerasRegressor"):
            return _NEXT
        pos, kw = c.pos, c.kw
        build = pos[0] if pos else kw.get("build_fn", kw.get("model", UNKNOWN))
        m = None
        if isinstance(build, FuncVal):
            out = self.invoke(build, [], {}, c.node)
            m = out if isinstance(out, ModelObj) else None
        elif isinstance(build, ModelObj):
            m = build
        if m is not None:
            self.record_fit(m, "fit", [], {k: v for k, v in kw.items() if k in ("epochs", "batch_size", "nb_epoch")},
                            c.scope)
        if m is None:
            return UNKNOWN
        # the wrapper is the model for what follows (``reg.fit(X, y, epochs=100)``), but its variable does not
        # rename the model its builder named
        if m.name is not None:
            m.name_depth = min(m.name_depth, 0)
        return m

    def ext_hub_layer(self, c: ImportedCall) -> Any:
        if c.parts[0] == "tensorflow_hub" and c.last == "KerasLayer":
            return self.pretrained(c.pos[0] if c.pos else c.kw.get("handle"), c.node, c.kw, hub=True)
        return _NEXT

    def ext_tensorflow(self, c: ImportedCall) -> Any:
        if c.parts[0] in ("tensorflow", "tf") or (self.star_tf and c.parts[0] not in self.named_roots):
            return self.call_tf(c)
        return _NEXT

    def repository_batcher(self, c: ImportedCall) -> Batched | None:
        """A data function of another file of the repository given its batch size (``dataset.prepare_cifar100(
        BATCH_SIZE, ...)`` over ``def prepare_cifar100(batch_size, ...)``, ``trainGenerator(2, ...)``): the data it
        returns comes in those batches."""
        context = self.script.context
        if context is None:
            return None
        hit = context.resolve(c.name, self.script.path, self.script.relative_imports.get(c.name.split(".")[0], 0))
        if hit is None or not hit[1] or "." in hit[1]:
            return None
        params = context.call_parameters(*hit)
        for i, (name, _default) in enumerate(params or ()):
            if name in _BATCH_ARG_NAMES:
                if context.is_network_class(*hit):
                    return None  # (a network given its batch size, ``DiffusionModel(batch_size=64)``, is no data)
                v = c.kw.get(name, c.pos[i] if i < len(c.pos) else UNKNOWN)
                if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                    return None
                self.batch_signals.append(v)  # (a raw graph's iterator over it trains in its batches)
                return Batched(v)
        return None

    def ext_progress(self, c: ImportedCall) -> Any:
        """A progress bar around what a loop runs over (``for epoch in tqdm(range(10))``): that iterable;
        ``trange(10)`` is ``range(10)``."""
        if c.parts[0] != "tqdm":
            return _NEXT
        if c.last == "trange":
            return self.builtin_range(c.pos, c.kw, c.scope)
        return c.pos[0] if c.pos and c.last in ("tqdm", "tqdm_notebook") else _NEXT

    def ext_other_optimizer(self, c: ImportedCall) -> Any:
        """An optimizer class of another library a Keras model compiles with (``tfa.optimizers.AdamW``,
        tensorflow_privacy's ``DPGradientDescentGaussianOptimizer``): the optimizer it names."""
        if c.last[:1].isupper() and canonical_optimizer(c.last) and c.parts[0] not in _OTHER_FRAMEWORKS:
            return self.optimizer(c.last, dotted_written(c.node), c.pos, c.kw, c.node)
        return _NEXT

    def ext_transformers_tf(self, c: ImportedCall) -> Any:
        """A TensorFlow model of Hugging Face ``transformers`` (``TFAutoModel.from_pretrained("bert-base-cased")``,
        ``TFBertModel.from_pretrained(...)``) used inside a Keras model: a pretrained backbone."""
        if c.parts[0] == "transformers" and c.last == "from_pretrained" and len(c.parts) > 2 \
                and c.parts[-2].startswith("TF"):
            preset = c.pos[0] if c.pos and isinstance(c.pos[0], str) else c.parts[-2]
            return self.pretrained(preset, c.node, {})
        return _NEXT

    def ext_keras_hub(self, c: ImportedCall) -> Any:
        """Keras 3's model hub (``keras_hub``, formerly ``keras_nlp`` / ``keras_cv``): a backbone or a task model
        from a preset (``Backbone.from_preset("vit_base_patch16_224")``) or around a backbone
        (``ViTImageClassifier(backbone=backbone, num_classes=100)``) is a pretrained network; its preprocessors
        and tokenizers are not."""
        if c.parts[0] not in _HUB_ROOTS or "models" not in c.parts:
            return _NEXT
        cls = c.parts[-2] if c.last == "from_preset" and len(c.parts) > 2 else c.last
        if not cls[:1].isupper() or _HUB_NOT_MODEL.search(cls):
            return _NEXT
        preset = c.pos[0] if c.last == "from_preset" and c.pos and isinstance(c.pos[0], str) else cls
        return self.pretrained(preset, c.node, {})

    def ext_other_module(self, c: ImportedCall) -> Any:
        """Another module's function or class: on tensors a Custom block; else maybe a model builder."""
        parts, last, pos, call = c.parts, c.last, c.pos, c.node
        ins = self.tensors_in(pos[0]) if pos else []
        if ins and parts[0] not in _FRAMEWORK_ROOTS and not self.in_layer_call:
            return self.apply(LayerObj("Custom", dotted_written(call), cls_name=last, line=self.s_line(call)), ins, call)
        if ins:
            return ins[0]
        batched = self.repository_batcher(c)
        if batched is not None:
            return batched
        if parts[0] not in _FRAMEWORK_ROOTS and parts[0] not in _SKIP_MODULES and parts[0] not in _NOT_MODEL_LIBS:
            # maybe a model built in another file of the project (models.create_mlp(...)):
            # it becomes one if this file compiles or trains what it returns
            lr = c.kw.get("learning_rate", c.kw.get("lr"))
            lr = float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) else None
            written = dotted_written(call).split(".")
            # ``LeNet.build(...)``: a static builder of another file's class, named by the class for the join
            name = ".".join(written[-2:]) if len(written) >= 2 and written[-2][:1].isupper() else last
            self.builder_calls[call] = (name, lr)
        return UNKNOWN

    def models_in(self, values: list[Any], depth: int = 0) -> list[ModelObj]:
        """Every model whose weights ``values`` hold (``zip(grads, enc_vars + dec_vars)``), in order."""
        out: list[ModelObj] = []
        for v in values:
            if isinstance(v, list) and depth < 3:
                got = self.models_in(v[:16], depth + 1)
            else:
                m = self.model_of(v)
                got = [m] if m is not None else []
            out.extend(m for m in got if m not in out)
        return out

    def first_model(self, pos: list[Any], kw: dict[str, Any]) -> ModelObj | None:
        for v in [*pos, *kw.values()]:
            m = self.model_of(v)
            if m is not None:
                return m
        return None

    def pretrained(self, name: Any, call: Node, kw: dict[str, Any], hub: bool = False) -> LayerObj:
        nm = name if isinstance(name, str) else dotted_written(call)
        layer = LayerObj("Pretrained", dotted_written(call), kind="pretrained", line=self.s_line(call))
        layer.args["name"] = nm
        # Keras applications load ImageNet weights unless told; a hub module's are whatever its handle names
        # (a text embedding's are no ImageNet's)
        w = kw.get("weights", "imagenet" if not hub or "imagenet" in str(nm).lower() else None)
        layer.pretrained = hub or (w is not None)
        if isinstance(w, str) or ("weights" in kw and w is None):
            layer.args["weights"] = w  # None: the architecture only, trained from scratch
        if hub:
            layer.frozen = kw.get("trainable", False) is False
        it = kw.get("include_top")
        if isinstance(it, bool):
            layer.args["include_top"] = it
        if "input_shape" in kw:
            layer.args["_input_shape"] = jsonable(kw["input_shape"])
        it = kw.get("input_tensor")
        if isinstance(it, Tensor):
            layer.sub = [it]  # its input, for base_model.input / .output
            if it.shape is not None and "_input_shape" not in layer.args:
                layer.args["_input_shape"] = it.shape
        return layer

    def optimizer(self, last: str, raw: str, pos: list[Any], kw: dict[str, Any], call: Node) -> Optim:
        o = Optim(canonical_optimizer(last) or last.lower(), raw)
        lr = MISSING
        for key in keras_layers.OPTIMIZER_LR_KEYS:
            if key in kw:
                lr = kw[key]
                break
        if lr is MISSING and pos:
            lr = pos[0]
        if isinstance(lr, Schedule):
            o.tricks.add("lr_schedule")
            lr = lr.lr
        if isinstance(lr, (int, float)) and not isinstance(lr, bool):
            o.lr = float(lr)
        for k in ("momentum", "decay", "weight_decay", "beta_1", "beta_2", "rho", "epsilon", "nesterov", "clipnorm",
                  "clipvalue"):
            if k in kw:
                v = jsonable(kw[k])
                if v is not MISSING:
                    o.extra[k] = v
        if last == "MomentumOptimizer" and len(pos) > 1:
            v = jsonable(pos[1])
            if v is not MISSING:
                o.extra["momentum"] = v
        if isinstance(o.extra.get("decay"), (int, float)) and o.extra["decay"]:
            o.tricks.add("lr_schedule")
        if isinstance(o.extra.get("weight_decay"), (int, float)) and o.extra["weight_decay"]:
            o.tricks.add("weight_decay")
        if "clipnorm" in o.extra or "clipvalue" in o.extra:
            o.tricks.add("gradient_clipping")
        self.optims.append(o)
        return o

    def loss_value(self, f: Any, n: Node) -> LossVal | None:
        if isinstance(f, LossVal):
            return f
        if isinstance(f, str):
            c = canonical_loss(f)
            return LossVal(c or "other", f)
        if isinstance(f, Imported):
            c = canonical_loss(f.last)
            if c is None and ("loss" in f.last.lower() and self.of_repository(f)
                              or "losses" in f.name.split(".")[1:-1]):
                # a loss function of another file of the repository (model.py's dice_loss), written by hand, or
                # of a library's losses module (segmentation_models' bce_jaccard_loss): named, not canonical
                c = "other"
            if c is None:
                return None
            return LossVal(c, node_text(n.child_by_field_name("function")) if n.type == "call" else node_text(n))
        if isinstance(f, FuncVal):
            return LossVal(canonical_loss(f.name) or "other", f.name)
        if isinstance(f, BoundMethod):  # compile(loss=self._huber_loss)
            body = f.func.node.child_by_field_name("body")
            return LossVal(canonical_loss(f.func.name) or hand_loss(node_text(body)), f.func.name)
        if isinstance(f, Instance):
            # compile(loss=PerceptualLoss()): an object of the file's own Loss class (not a model)
            bases = [b.name for b in f.cls.bases if isinstance(b, Imported)]
            if "loss" in f.cls.name.lower() or any(".losses." in b or b.endswith("Loss") for b in bases):
                found = f.cls.method("call") or f.cls.method("__call__")
                body = found[0].child_by_field_name("body") if found else None
                return LossVal(canonical_loss(f.cls.name) or (hand_loss(node_text(body)) if body is not None
                                                              else "other"), f.cls.name)
        return None

    def batcher(self, last: str, pos: list[Any], kw: dict[str, Any]) -> Any:
        key, idx = keras_layers.BATCHERS[last]
        v = kw.get(key, pos[idx] if idx is not None and len(pos) > idx else UNKNOWN)
        passes = kw.get("epochs")  # a loader that repeats its data itself (spektral's ``epochs=``)
        passes = passes if isinstance(passes, int) and not isinstance(passes, bool) and passes > 0 else None
        if isinstance(v, int) and not isinstance(v, bool):
            self.batch_signals.append(v)
            return Batched(v, repeat=passes)
        return Batched(UNKNOWN, repeat=passes)

    def call_builtin(self, last: str, pos: list[Any], kw: dict[str, Any], call: Node, scope: Scope) -> Any:
        handler = _BUILTIN_CALLS.get(last)
        return UNKNOWN if handler is None else handler(self, pos, kw, scope)

    # -- builtins (name -> handler, in _BUILTIN_CALLS) ----------------------
    def builtin_range(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        nums = pos[:3]
        if len(nums) == 1:
            return RangeVal(0, nums[0])
        if len(nums) >= 2:
            return RangeVal(nums[0], nums[1], nums[2] if len(nums) > 2 else 1)
        return UNKNOWN

    def builtin_len(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        v = pos[0] if pos else UNKNOWN
        if isinstance(v, Repeated) and v.count:
            return v.count
        return len(v) if isinstance(v, (list, dict, str)) else UNKNOWN

    def builtin_int(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return _INT(pos[0] if pos else UNKNOWN)

    def builtin_float(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return _FLOAT(pos[0] if pos else UNKNOWN)

    def builtin_list(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        """``list``, ``tuple``, ``sorted``, ``reversed``: the items as they are."""
        v = pos[0] if pos else []
        return v if isinstance(v, (list, RangeVal)) else UNKNOWN

    def builtin_zip(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        # zip of datasets (a CycleGAN's two domains): one batch from each, so the batch size is theirs
        steps = {r.step for r in pos if isinstance(r, RangeVal)}
        if len(pos) >= 2 and all(isinstance(r, RangeVal) for r in pos) and len(steps) == 1:
            step = steps.pop()
            if isinstance(step, int) and not isinstance(step, bool) and step > 1:
                # ``zip(range(0, len(X), 128), range(128, len(X) + 1, 128))``: the bounds of each batch of 128
                return Batched(step)
        return _first_batched(pos, list(pos))

    def builtin_enumerate(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return Enumerated(pos[0] if pos else UNKNOWN)

    def builtin_dict(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return dict(kw)

    def builtin_vars(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        if pos and pos[0] is UNKNOWN and self.script.argparse_defaults:
            # vars(parser.parse_args()): the options as a dict
            return {k: (UNKNOWN if v is None else v) for k, v in self.script.argparse_defaults.items()}
        return UNKNOWN

    def builtin_min(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return min(pos) if len(pos) >= 2 and all(isinstance(p, (int, float)) for p in pos) else UNKNOWN

    def builtin_max(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        return max(pos) if len(pos) >= 2 and all(isinstance(p, (int, float)) for p in pos) else UNKNOWN

    def builtin_super(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        obj = scope.get("self")
        return Super(obj if obj is not MISSING else UNKNOWN)

    def builtin_getattr(self, pos: list[Any], kw: dict[str, Any], scope: Scope) -> Any:
        if len(pos) >= 2 and isinstance(pos[1], str) and isinstance(pos[0], (Instance, ModelObj)):
            return pos[0].attrs.get(pos[1], UNKNOWN)
        return UNKNOWN

    def call_tf(self, c: ImportedCall) -> Any:
        """A raw TensorFlow call (``tf.nn.conv2d``, ``tf.matmul``, ``tf.train.AdamOptimizer``...): ``_TF_RULES`` in order."""
        if c.last == "l2_loss":
            return UNKNOWN  # weight regularization, not the training loss
        key = _tf_key(c.name)
        if c.last in ("conv2d", "max_pool2d", "avg_pool2d") and "contrib" in c.parts and "layers" in c.parts:
            key = {"conv2d": "layers.conv2d_contrib"}.get(c.last, key)
        c.key = key
        for rule in _TF_RULES:
            out = rule(self, c)
            if out is not _NEXT:
                return out
        return UNKNOWN

    # -- raw TensorFlow calls (rules, in _TF_RULES; _NEXT: not this rule's call) --
    def tf_optimize_loss(self, c: ImportedCall) -> Any:
        """``tf.contrib.layers.optimize_loss(loss, step, learning_rate=0.01, optimizer="Adam")``: an optimizer
        minimizing the loss, named by a string, a class or an optimizer object."""
        if c.last != "optimize_loss":
            return _NEXT
        opt = c.kw.get("optimizer", c.pos[3] if len(c.pos) > 3 else UNKNOWN)
        lr = c.kw.get("learning_rate", c.pos[2] if len(c.pos) > 2 else UNKNOWN)
        name = opt if isinstance(opt, str) else (opt.last if isinstance(opt, Imported) else None)
        if isinstance(opt, Optim):
            o = opt
            if o.lr is None and isinstance(lr, (int, float)) and not isinstance(lr, bool):
                o.lr = float(lr)
        elif name and canonical_optimizer(name):
            o = self.optimizer(name, dotted_written(c.node), [], {"learning_rate": lr}, c.node)
        else:
            return UNKNOWN
        loss_nodes = c.pos_nodes[:1] or [c.kw_nodes[k] for k in ("loss",) if k in c.kw_nodes]
        loss = c.pos[0] if c.pos else c.kw.get("loss", UNKNOWN)
        self.minimized.append((o, loss, node_text(loss_nodes[0]) if loss_nodes else ""))
        self.minimized_seq.append(self.seq)
        self.mark_training(None, "minimize")
        return UNKNOWN

    def tf_initializer(self, c: ImportedCall) -> Any:
        last = c.last
        if "initializers" in c.parts or last.endswith(("_initializer", "Normal", "Uniform")) and last[0].isupper():
            return Initializer()
        return _NEXT

    def tf_optimizer(self, c: ImportedCall) -> Any:
        parts = c.parts
        if canonical_optimizer(c.last) and ("train" in parts or "optimizers" in parts or "optimizer" in parts):
            return self.optimizer(c.last, dotted_written(c.node), c.pos, c.kw, c.node)
        return _NEXT

    def tf_schedule(self, c: ImportedCall) -> Any:
        if c.last in keras_layers.LR_SCHEDULES:
            kw = c.kw
            return Schedule(kw.get("learning_rate", kw.get("initial_learning_rate", c.pos[0] if c.pos else UNKNOWN)))
        return _NEXT

    def tf_cell(self, c: ImportedCall) -> Any:
        """RNN cells: ``tf.nn.rnn_cell.LSTMCell(128)``, ``MultiRNNCell([cell] * 2)``, wrappers."""
        cell = keras_layers.TF_CELLS.get(c.last)
        parts = c.parts
        if cell is None or not ("rnn" in parts or "rnn_cell" in parts or "contrib" in parts or "nn" in parts
                                or "cudnn_rnn" in parts):
            return _NEXT
        pos, kw, call = c.pos, c.kw, c.node
        if cell.kind == "multicell":
            cells = pos[0] if pos else kw.get("cells", UNKNOWN)
            if isinstance(cells, list) and cells and isinstance(cells[0], LayerObj):
                c0 = cells[0]
                n_layers = cells.count if isinstance(cells, Repeated) else len(cells)
                out = LayerObj(c0.type, c0.raw, kind="cell", args=dict(c0.args), line=c0.line, framework="tensorflow")
                if isinstance(n_layers, int) and n_layers > 1:
                    out.args["num_layers"] = n_layers
                return out
            return LayerObj("LSTM", dotted_written(call), kind="cell", line=self.s_line(call), framework="tensorflow")
        if cell.kind == "cellwrap":
            inner = pos[0] if pos else kw.get("cell")
            return inner if isinstance(inner, LayerObj) else UNKNOWN
        return self.make_layer(cell, dotted_written(call), pos, kw, call, framework="tensorflow")

    def tf_op(self, c: ImportedCall) -> Any:
        """An op of the TF_OPS table (``tf.nn.conv2d``, ``tf.layers.dense``...) applied to a tensor."""
        spec = keras_layers.TF_OPS.get(c.key)
        if spec is None or self.in_layer_call:
            return _NEXT
        pos, kw, call = c.pos, c.kw, c.node
        if spec.kind == "passthrough":
            ins = self.tensors_in(pos[0] if pos else UNKNOWN)
            return ins[0] if ins else UNKNOWN
        if spec.kind == "rnn_run":
            return self.rnn_run(spec, pos, kw, call)
        layer = self.make_layer(spec, dotted_written(call), pos, kw, call, framework="tensorflow", skip_input=True)
        x = pos[0] if pos else kw.get(spec.positional[0] if spec.positional else "inputs", UNKNOWN)
        self.tf_shapes(layer, spec, pos, kw)
        if spec.type == "Embedding":
            x = pos[1] if len(pos) > 1 else kw.get("ids", UNKNOWN)
        if spec.type == "Dropout" and c.key == "nn.dropout":
            kp = kw.get("keep_prob", pos[1] if len(pos) > 1 else UNKNOWN)
            layer.args.pop("keep_prob", None)
            if isinstance(kw.get("rate"), (int, float)):
                layer.args["rate"] = kw["rate"]
            elif isinstance(kp, (int, float)) and not isinstance(kp, bool):
                layer.args["rate"] = round(1 - kp, 6)
        return self.apply(layer, self.tensors_in(x), call)

    def tf_of_loss(self, c: ImportedCall) -> Any:
        """``tf.reduce_mean(loss)``: still that loss."""
        for p in c.pos:
            if isinstance(p, LossVal):
                return p
        return _NEXT

    def tf_not_data(self, c: ImportedCall) -> Any:
        if c.last == "gradients" and c.pos:
            self.differentiated(c.pos[0], c.pos_nodes[0] if c.pos_nodes else None)  # tf.gradients(loss, [w1, w2])
        return UNKNOWN if c.last in _TF_NOT_DATA else _NEXT

    def tf_activation(self, c: ImportedCall) -> Any:
        """``tf.nn.relu(x)`` on a tensor folds into the layer before."""
        act = canonical_activation(c.last)
        pos = c.pos
        if act and pos and isinstance(pos[0], Tensor) and c.last not in ("identity",):
            return self.apply(LayerObj("Activation", dotted_written(c.node), kind="activation", activation=act,
                                       line=self.s_line(c.node), framework="tensorflow"), [pos[0]], c.node)
        return _NEXT

    def tf_in_layer(self, c: ImportedCall) -> Any:
        """Inside a custom layer's ``call``: ops pass their input through (the layer is one block)."""
        if self.in_layer_call:
            ins = [t for p in c.pos for t in self.tensors_in(p)]
            return ins[0] if ins else UNKNOWN
        return _NEXT

    def tf_loss(self, c: ImportedCall) -> Any:
        lc = canonical_loss(c.last)
        parts = c.parts
        if lc and ("losses" in parts or "nn" in parts or "keras" in parts or "seq2seq" in parts):
            lv = LossVal(lc, dotted_written(c.node), self.first_model(c.pos, c.kw))
            self.losses.append(lv)
            return lv
        return _NEXT

    def tf_global_pool(self, c: ImportedCall) -> Any:
        """``tf.reduce_max(conv, axis=1)``: a global pooling over a convolution's output."""
        last, pos, kw = c.last, c.pos, c.kw
        if not (last in ("reduce_max", "reduce_mean") and pos and isinstance(pos[0], Tensor) and
                isinstance(pos[0].producer, LayerObj) and pos[0].producer.type.startswith("Conv")):
            return _NEXT
        axis = kw.get("axis", kw.get("reduction_indices", pos[1] if len(pos) > 1 else UNKNOWN))
        axis = axis if isinstance(axis, list) else [axis]
        if axis and all(isinstance(a, int) for a in axis) and 1 in axis:
            kind = "GlobalMaxPooling" if last == "reduce_max" else "GlobalAveragePooling"
            typ = kind + ("1D" if pos[0].producer.type == "Conv1D" else "2D")
            return self.apply(LayerObj(typ, dotted_written(c.node), line=self.s_line(c.node),
                                       framework="tensorflow"), [pos[0]], c.node)
        return _NEXT

    def tf_matmul(self, c: ImportedCall) -> Any:
        """``tf.matmul(x, w)`` / ``tf.nn.xw_plus_b(x, w, b)`` with a weight: a Dense layer."""
        if c.last == "xw_plus_b" and len(c.pos) > 1:
            c.pos = [c.pos[0], c.pos[1]]
            c.last = "matmul"  # (later rules read it as a matmul too)
        pos = c.pos
        if c.last == "matmul" and len(pos) > 1 and not isinstance(pos[1], Tensor) and (
                isinstance(pos[0], Tensor) or (isinstance(pos[1], Weight) and pos[0] is UNKNOWN)):
            layer = LayerObj("Dense", dotted_written(c.node), line=self.s_line(c.node), framework="tensorflow")
            w = pos[1]
            if isinstance(w, Weight) and isinstance(w.shape, list) and len(w.shape) == 2:
                u = jsonable(w.shape[1])
                if u is not MISSING and u is not None:
                    layer.args["units"] = u
            return self.apply(layer, self.tensors_in(pos[0]), c.node)
        return _NEXT

    def tf_reshape(self, c: ImportedCall) -> Any:
        """``tf.reshape(x, [-1, n])``: a Flatten (not after an RNN), else a Reshape."""
        if c.last not in keras_layers.TF_RESHAPES or not c.pos:
            return _NEXT
        pos, kw, call = c.pos, c.kw, c.node
        shape = kw.get("shape", pos[1] if len(pos) > 1 else UNKNOWN)
        if pos[0] is UNKNOWN and self.calls and isinstance(shape, list) and len(shape) >= 3:
            # a function's input reshaped to an image: the input of the graph
            pos = c.pos = [self.new_root(None, call), *pos[1:]]
            pos[0].origin = self.frame_seq[-1] if self.frame_seq else 0
        if not isinstance(pos[0], Tensor):
            return _NEXT
        src = pos[0].producer
        after_rnn = isinstance(src, LayerObj) and src.type in _RECURRENT
        if isinstance(shape, list) and len(shape) == 2 and shape[0] in (-1, None) and not after_rnn:
            # (after an RNN, [-1, hidden] merges time into the batch: a Reshape)
            layer = LayerObj("Flatten", dotted_written(call), line=self.s_line(call), framework="tensorflow")
        else:
            layer = LayerObj("Reshape", dotted_written(call), line=self.s_line(call), framework="tensorflow")
            if isinstance(shape, list):
                ts = jsonable(shape[1:] if shape and shape[0] in (-1, None) else shape)
                if ts is not MISSING:
                    layer.args["target_shape"] = ts
        return self.apply(layer, [pos[0]], call)

    def tf_flatten(self, c: ImportedCall) -> Any:
        if c.last in keras_layers.TF_FLATTENS and c.pos and isinstance(c.pos[0], Tensor):
            return self.apply(LayerObj("Flatten", dotted_written(c.node), line=self.s_line(c.node),
                                       framework="tensorflow"), [c.pos[0]], c.node)
        return _NEXT

    def tf_merge(self, c: ImportedCall) -> Any:
        """``tf.concat([a, b], 1)`` of two branches (or of branches gathered in a loop)."""
        if c.last not in keras_layers.TF_MERGES:
            return _NEXT
        pos = c.pos
        ins = self.tensors_in(pos[0]) if pos and isinstance(pos[0], list) else [p for p in pos if isinstance(p, Tensor)]
        looped = bool(pos) and isinstance(pos[0], list) and id(pos[0]) in self.loop_lists
        if (len(ins) >= 2 or looped) and ins and all(t.producer is not None for t in ins):
            return self.apply(LayerObj(keras_layers.TF_MERGES[c.last], dotted_written(c.node), kind="merge",
                                       line=self.s_line(c.node), framework="tensorflow"), ins, c.node)
        return ins[0] if ins else _NEXT

    def keras_backend_op(self, c: ImportedCall) -> Any:
        """``keras.ops.concatenate([a, b])`` / ``K.concatenate`` / ``keras.ops.reshape(x, shape)``: the backend's
        join of two branches or reshape, read as ``tf.concat`` and ``tf.reshape`` are. Inside a ``Layer``'s own
        call they stay plain ops of that one block (Antirectifier's ``K.concatenate([pos, neg])``)."""
        if self.in_layer_call or not {"ops", "backend"}.intersection(c.parts[:-1]):
            return _NEXT
        if c.last in keras_layers.TF_RESHAPES:
            return self.tf_reshape(c)
        return self.tf_merge(c)

    def tf_elementwise(self, c: ImportedCall) -> Any:
        """``tf.log(p)``, ``tf.square(d)``: the tensor, with the expression kept (a loss written by hand)."""
        if c.last in ("log", "square", "pow", "abs") and c.pos and isinstance(c.pos[0], Tensor):
            t = self.passthrough([c.pos[0]], c.node)
            return Tensor(t.producer, [t], self.seq, t.origin, expr=node_text(c.node)[:120], line=self.s_line(c.node))
        return _NEXT

    def tf_other(self, c: ImportedCall) -> Any:
        """Any other op: its first tensor argument passes through."""
        ins = [t for p in c.pos for t in self.tensors_in(p)]
        return self.passthrough(ins[:1], c.node) if ins else UNKNOWN

    def tf_shapes(self, layer: LayerObj, spec: keras_layers.Spec, pos: list[Any], kw: dict[str, Any]) -> None:
        """Raw TF: kernel sizes and filter counts from the weight variable's shape."""
        if "_weights" in spec.positional:
            idx = spec.positional.index("_weights")
            w = pos[idx] if len(pos) > idx else kw.get("filter", kw.get("filters", kw.get("params", UNKNOWN)))
            layer.args.pop("_weights", None)
            if isinstance(w, Weight) and isinstance(w.shape, list):
                sh = [jsonable(x) for x in w.shape]
                if spec.type in ("Conv2D", "Conv2DTranspose", "DepthwiseConv2D") and len(sh) == 4:
                    layer.args["kernel_size"] = sh[:2]
                    if spec.type == "Conv2D":
                        layer.args["filters"] = sh[3]
                    elif spec.type == "Conv2DTranspose":
                        layer.args["filters"] = sh[2]
                elif spec.type == "Conv1D" and len(sh) == 3:
                    layer.args["kernel_size"] = sh[0]
                    layer.args["filters"] = sh[2]
                elif spec.type == "Embedding" and len(sh) == 2:
                    layer.args["input_dim"], layer.args["output_dim"] = sh
                # A dimension that could not be read is left out, never written as a placeholder.
                for key in ("kernel_size", "filters", "input_dim", "output_dim"):
                    v = layer.args.get(key)
                    if v is MISSING or (isinstance(v, list) and any(x is MISSING for x in v)):
                        del layer.args[key]
        for k in ("ksize", "strides"):
            v = layer.args.get(k)
            if isinstance(v, list) and len(v) == 4:
                layer.args[k] = v[1:3]
        if "ksize" in layer.args:
            layer.args["pool_size"] = layer.args.pop("ksize")
        if "padding" in layer.args and isinstance(layer.args["padding"], str):
            layer.args["padding"] = layer.args["padding"].lower()

    def rnn_run(self, spec: keras_layers.Spec, pos: list[Any], kw: dict[str, Any], call: Node) -> Any:
        cell = pos[0] if pos else kw.get("cell", kw.get("cell_fw", UNKNOWN))
        if spec.type == "Bidirectional":
            x = pos[2] if len(pos) > 2 else kw.get("inputs", UNKNOWN)
            layer = LayerObj("Bidirectional", dotted_written(call), line=self.s_line(call), framework="tensorflow")
            if isinstance(cell, LayerObj):
                layer.args["layer"] = cell.type
                layer.args.update({k: v for k, v in cell.args.items() if not k.startswith("_")})
                layer.line = cell.line or layer.line
        else:
            x = pos[1] if len(pos) > 1 else kw.get("inputs", UNKNOWN)
            if isinstance(cell, LayerObj):
                layer = cell
            else:
                layer = LayerObj("SimpleRNN", dotted_written(call), line=self.s_line(call), framework="tensorflow")
        ins = self.tensors_in(x)
        return self.apply(layer, ins, call)

    # -- methods of symbolic values ---------------------------------------
    def seq_add(self, m: ModelObj, item: Any, call: Node) -> None:
        if isinstance(item, Tensor) and item.producer is None:
            if item.shape is not None and m.input_shape is None:
                m.input_shape = item.shape
            return
        if isinstance(item, LayerObj):
            if item.kind == "input":
                shp = item.args.get("_input_shape")
                if shp is not None:
                    m.input_shape = shp
                return
            if "_input_shape" in item.args and m.input_shape is None and (m.cur is None or m.cur.producer is None):
                m.input_shape = item.args["_input_shape"]
            if item.sub and item.kind == "merge":  # Keras 1 Merge([left, right]) inside a Sequential
                branch_outs = []
                for sm in item.sub:
                    if isinstance(sm, ModelObj):
                        branch_outs.append(self.apply(sm, [self.new_root(None)], call))
                m.cur = self.apply(item, branch_outs, call)
                return
            m.cur = self.apply(item, [m.cur] if m.cur is not None else [], call)
            return
        if isinstance(item, ModelObj):
            m.cur = self.apply(item, [m.cur] if m.cur is not None else [], call)
            if m.input_shape is None and item.input_shape is not None:
                m.input_shape = item.input_shape
            return
        if isinstance(item, Instance):
            out = self.apply_instance(item, [m.cur], {}, call)
            if isinstance(out, Tensor):
                m.cur = out
            return
        if item is UNKNOWN or isinstance(item, Imported):
            return

    def call_method(self, f: ObjMethod, pos: list[Any], kw: dict[str, Any], call: Node, pos_nodes: list[Node],
                    kw_nodes: dict[str, Node], scope: Scope) -> Any:
        """``obj.name(...)``: the handler of the object's kind (``_METHODS_BY_KIND``), else of the name."""
        handler = _METHODS_BY_KIND.get(type(f.obj))
        if handler is not None:
            out = handler(self, f.obj, f.name, pos, kw, call, pos_nodes, kw_nodes, scope)
            if out is not _NEXT:
                return out
        return self.method_of_unknown(f, pos, kw, pos_nodes, scope)

    # -- methods by the kind of object (in _METHODS_BY_KIND); _NEXT: not handled here --
    def method_of_nothing(self, obj: Any, name: str, *args: Any) -> Any:
        """``super().__init__(...)``, ``tensor.numpy()`` on a frozen set of layers...: nothing to read."""
        return UNKNOWN

    def method_of_str(self, obj: str, name: str, pos: list[Any], kw: dict[str, Any], *args: Any) -> Any:
        return getattr(obj, name)() if not pos and not kw else UNKNOWN

    def method_of_list(self, obj: list[Any], name: str, pos: list[Any], *args: Any) -> Any:
        """``append``/``extend`` on a list of layers or branches."""
        if len(obj) < 1000 and pos:
            if name == "append":
                obj.append(pos[0])
            elif isinstance(pos[0], list):
                obj.extend(pos[0][:1000])
            if self.loops:
                self.loop_lists.add(id(obj))  # branches gathered in a loop
        return None

    def method_of_model(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                        pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        return self.model_method(m, name, pos, kw, call, pos_nodes, kw_nodes, scope)

    def method_of_optimizer(self, obj: Optim, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                            pos_nodes: list[Node], *args: Any) -> Any:
        if name in ("minimize", "compute_gradients"):
            loss = pos[0] if pos else kw.get("loss", UNKNOWN)
            self.minimized.append((obj, loss, node_text(pos_nodes[0]) if pos_nodes else ""))
            self.minimized_seq.append(self.seq)
            self.mark_training(None, "minimize")
        elif name == "apply_gradients":
            found = self.models_in([*pos, *kw.values()])
            m = found[0] if found else None
            if m is not None and obj.model is None:
                obj.model = m
            # (one optimizer stepping an encoder's and a decoder's weights together trains both)
            obj.also.extend(x for x in found[1:] if x is not obj.model and x not in obj.also)
            for x in found or [None]:
                self.mark_training(x, "apply_gradients")
        return UNKNOWN

    def method_of_dataset(self, obj: Batched, name: str, pos: list[Any], kw: dict[str, Any], *args: Any) -> Any:
        """``ds.batch(32)``, ``ds.take(100)``, ``ds.repeat(10)`` on a batched dataset."""
        if name in keras_layers.BATCHERS:
            out = self.batcher(name, pos, kw)
            out.repeat = obj.repeat
            return out
        if name == "take" and pos and isinstance(pos[0], int):
            return Batched(obj.size, pos[0], obj.repeat)
        if name == "repeat" and pos and isinstance(pos[0], int) and not isinstance(pos[0], bool):
            self.repeat_signals.append(pos[0])
            return Batched(obj.size, obj.take, pos[0])
        return obj

    def method_of_layer(self, obj: LayerObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                        pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        if obj.kind == "pretrained" and name in ("compile", *_TRAIN_METHODS):
            # a whole application trained as the model (ResNet50(weights=None, classes=10))
            return self.model_method(self.promote(obj, call), name, pos, kw, call, pos_nodes, kw_nodes, scope)
        ins = self.tensors_in(pos[0]) if pos and obj.kind == "pretrained" and name not in _NOT_APPLY else []
        if ins:
            # a backbone's own network applied to the model's tensors (``bert.bert(input_ids, ...)``)
            return self.apply(obj, ins, call)
        return UNKNOWN

    def method_of_tensor(self, obj: Any, name: str, *args: Any) -> Any:
        return UNKNOWN if name in _TF_NOT_DATA or name in ("numpy", "eval", "as_list") else obj

    def method_of_weight(self, obj: Weight, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                         pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        """``w.assign_sub(lr * grad)`` / ``w.assign(w - lr * grad)``: gradient descent by hand."""
        if name == "assign_sub" and pos_nodes:
            return self.hand_update(pos_nodes[0], scope)
        if name == "assign" and pos_nodes and pos_nodes[0].type == "binary_operator" \
                and node_text(pos_nodes[0].child_by_field_name("operator")) == "-":
            return self.hand_update(pos_nodes[0].child_by_field_name("right"), scope)
        return _NEXT

    def method_of_unknown(self, f: ObjMethod, pos: list[Any], kw: dict[str, Any], pos_nodes: list[Node],
                          scope: Scope) -> Any:
        """A method of an object that is not read (a session, a tape, a dataset from elsewhere)."""
        name = f.name
        if name in keras_layers.BATCHERS:
            return self.batcher(name, pos, kw)
        if name == "repeat" and pos and isinstance(pos[0], int) and not isinstance(pos[0], bool):
            self.repeat_signals.append(pos[0])
            return Batched(UNKNOWN, None, pos[0])  # (a dataset repeated, batched next)
        if name == "run":
            self.mark_training(None, "run")
        elif name == "train" and isinstance(kw.get("steps"), int):
            self.step_signals.append(kw["steps"])
        elif name == "gradient" and pos:
            self.differentiated(pos[0], pos_nodes[0] if pos_nodes else None)
        elif name == "append" and pos:
            return f.obj
        return UNKNOWN

    def differentiated(self, v: Any, node: Node | None) -> None:
        """``tape.gradient(loss, ...)``: that loss is the one trained, whatever else is computed."""
        if isinstance(v, Tensor) and node is not None:
            # a loss written by hand: read from the expression assigned to it
            txt = self.expr_chain.get(node_text(node), node_text(node))
            v = LossVal(hand_loss(txt), txt[:120], self.model_of(v))
            self.losses.append(v)
        if isinstance(v, LossVal) and self.losses and self.losses[0] is not v:
            if v in self.losses:
                self.losses.remove(v)
            self.losses.insert(0, v)

    def hand_update(self, step: Node | None, scope: Scope) -> Any:
        """``w.assign_sub(grad * lr)``: gradient descent written by hand is SGD at that rate."""
        lr = None
        if step is not None and step.type == "binary_operator" and node_text(step.child_by_field_name("operator")) == "*":
            for side in (step.child_by_field_name("left"), step.child_by_field_name("right")):
                if side is not None and side.type in ("identifier", "float", "integer", "attribute"):
                    v = self.eval(side, scope)
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 1:
                        lr = float(v)
        if not any(o.raw == "assign_sub" for o in self.optims):
            o = Optim("sgd", "assign_sub", lr)
            self.optims.append(o)
            self.mark_training(None, "assign_sub")
        return UNKNOWN

    def promote(self, layer: LayerObj, call: Node) -> ModelObj:
        m = getattr(layer, "as_model", None)
        if m is None:
            m = ModelObj(kind="functional", line=layer.line, node=call, seq=self.seq)
            root = self.new_root(layer.args.get("_input_shape"))
            m.inputs, m.outputs = [root], [self.apply(layer, [root], call)]
            fn = call.child_by_field_name("function")
            obj = fn.child_by_field_name("object") if fn is not None and fn.type == "attribute" else None
            if obj is not None and obj.type in ("identifier", "attribute"):
                m.name = node_text(obj).rsplit(".", 1)[-1]
            self.models.append(m)
            layer.as_model = m
        return m

    def promote_imported(self, n: Node, var: str, attr: str, scope: Scope) -> ModelObj | None:
        """A project builder's result compiled or trained here is a model of one ``Custom`` layer."""
        owner: Scope | None = scope
        while owner is not None and var not in owner.vars:
            owner = owner.parent
        if owner is None:
            return None
        found = self.imported_vars.get((id(owner), var))
        if found is None or found[0] is not owner:
            return None
        if attr in _TRAIN_METHODS:
            # only Keras's fit (epochs, batch size, callbacks), not another library's
            call = n.parent
            kws = call_arguments(call)[1] if call is not None and call.type == "call" else {}
            if not _FIT_WORDS.intersection(kws):
                return None
        _, (builder, lr), call = found
        m = ModelObj(kind="imported", line=self.s_line(call), node=call, name=var, name_depth=owner.depth,
                     seq=self.seq)
        root = self.new_root(None, call)
        m.inputs = [root]
        m.outputs = [self.apply(LayerObj("Custom", builder, cls_name=builder, line=self.s_line(call)), [root], call)]
        m.warnings.append(f"{builder} is defined in another file: its layers are not read")
        if lr is not None:
            m.hp["builder_lr"] = lr  # the builder compiles with the rate this file hands it
        self.models.append(m)
        owner.vars[var] = m
        del self.imported_vars[(id(owner), var)]
        return m

    def model_method(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                     pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        """``model.add/compile/fit/...``: the handler of the name (``_MODEL_METHODS``)."""
        handler = _MODEL_METHODS.get(name)
        if handler is None:
            return UNKNOWN
        return handler(self, m, name, pos, kw, call, pos_nodes, kw_nodes, scope)

    # -- model methods (name -> handler, in _MODEL_METHODS) -------------------
    def model_add(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        if pos:
            self.seq_add(m, pos[0], call)
            m.outputs = [m.cur] if m.cur is not None else []
        return None

    def model_compile(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                      pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        self.record_compile(m, pos, kw, pos_nodes, kw_nodes, call)
        return None

    def model_fit(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                  pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> Any:
        self.record_fit(m, name, pos, kw, scope)
        return UNKNOWN

    def model_add_loss(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node,
                       pos_nodes: list[Node], *args: Any) -> Any:
        if not pos:
            return UNKNOWN
        v = pos[0]
        if isinstance(v, LossVal):
            m.hp.setdefault("loss", v.canonical)
            m.hp.setdefault("loss_raw", v.raw)
        elif pos_nodes:
            txt = self.exprs.get(node_text(pos_nodes[0]), node_text(pos_nodes[0]))
            m.hp.setdefault("loss", "other")
            m.hp.setdefault("loss_raw", txt[:120])
        return None

    def model_build(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], *args: Any) -> Any:
        shape = pos[0] if pos else kw.get("input_shape")
        if isinstance(shape, list) and m.input_shape is None:
            m.input_shape = jsonable_shape(shape[1:] if shape and shape[0] is None else shape)
        return None

    def model_apply(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], call: Node, *args: Any) -> Any:
        """``model(x)`` written as ``model.call(x)`` / ``predict_on_batch(x)``."""
        return self.apply(m, self.tensors_in(pos[0]), call) if pos else UNKNOWN

    def record_compile(self, m: ModelObj, pos: list[Any], kw: dict[str, Any], pos_nodes: list[Node],
                       kw_nodes: dict[str, Node], call: Node) -> None:
        if m.compiled and not m.trained:
            # compiled again before any training: the later compile is the one used
            for k in ("optimizer", "learning_rate", "loss", "loss_raw", "metrics"):
                m.hp.pop(k, None)
        m.compiled = True
        opt = kw.get("optimizer", pos[0] if pos else MISSING)
        loss = kw.get("loss", pos[1] if len(pos) > 1 else MISSING)
        loss_node = kw_nodes.get("loss", pos_nodes[1] if len(pos_nodes) > 1 else None)
        metrics = kw.get("metrics", pos[2] if len(pos) > 2 else MISSING)
        if opt is not MISSING:
            self.set_optimizer(m, opt, kw_nodes.get("optimizer", pos_nodes[0] if pos_nodes else None))
        if loss is not MISSING:
            self.set_loss(m, loss, loss_node)
        if metrics is not MISSING and "metrics" not in m.hp:
            mv = metrics.values() if isinstance(metrics, dict) else metrics
            names = []
            if isinstance(mv, (list, type({}.values()))):
                for x in mv:
                    if isinstance(x, str):
                        names.append(x)
                    elif isinstance(x, Imported):
                        names.append(_snake(x.last))
                    elif isinstance(x, FuncVal):
                        names.append(x.name)
                    elif isinstance(x, list):
                        names.extend(y for y in x if isinstance(y, str))
            elif isinstance(mv, str):
                names.append(mv)
            if names:
                m.hp["metrics"] = names

    def set_optimizer(self, m: ModelObj, opt: Any, node: Node | None) -> None:
        if "optimizer" in m.hp:
            return
        if isinstance(opt, str):
            c = canonical_optimizer(opt)
            if c:
                m.hp["optimizer"] = c
        elif isinstance(opt, Optim):
            m.hp["optimizer"] = opt.name
            if opt.lr is not None:
                m.hp["learning_rate"] = opt.lr
            for k, v in opt.extra.items():
                if k in ("momentum", "weight_decay", "decay", "nesterov"):
                    m.hp.setdefault("extra", {})[k] = v
            m.tricks |= opt.tricks
            opt.model = opt.model or m
        elif isinstance(opt, Imported):
            c = canonical_optimizer(opt.last)
            if c:
                m.hp["optimizer"] = c
        elif node is not None:
            c = canonical_optimizer(node_text(node))
            if c:
                m.hp["optimizer"] = c
            else:
                m.warnings.append(f"optimizer not readable: {node_text(node)[:60]}")

    def set_loss(self, m: ModelObj, loss: Any, node: Node | None) -> None:
        if "loss" in m.hp:
            return
        lv: LossVal | None = None
        if isinstance(loss, (dict, list)) and loss:
            vals = list(loss.values()) if isinstance(loss, dict) else list(loss)
            lvs = [self.loss_value(v, node) if node is not None else None for v in vals]
            cs = {x.canonical for x in lvs if x is not None}
            raws = [x.raw for x in lvs if x is not None]
            if cs:
                lv = LossVal(cs.pop() if len(cs) == 1 else "other", ", ".join(raws)[:120])
        elif node is not None:
            lv = self.loss_value(loss, node)
            if lv is None and loss is UNKNOWN:
                txt = node_text(node)
                c = canonical_loss(txt)
                lv = LossVal(c or "other", txt[:120])
        elif isinstance(loss, str) and loss:
            # ``compile(**conf["compile"])``: the name comes from a configuration, with no node of its own
            lv = LossVal(canonical_loss(loss) or "other", loss[:120])
        if lv is not None:
            m.hp["loss"] = lv.canonical
            m.hp["loss_raw"] = lv.raw

    def record_fit(self, m: ModelObj, name: str, pos: list[Any], kw: dict[str, Any], scope: Scope) -> None:
        m.trained = True
        self.seq += 1
        tr = Training(m, name, loops=list(self.loops), seq=self.seq)
        epochs, batch = _fit_epochs_and_batch(name, pos, kw)
        start = kw.get("initial_epoch", MISSING)
        if self.loops and isinstance(start, int) and isinstance(epochs, int) and epochs == start + 1:
            # ``for epoch in range(250): fit(..., epochs=epoch + 1, initial_epoch=epoch)``: one epoch a call
            tr.one_epoch_a_call = True
        elif isinstance(epochs, int) and not isinstance(epochs, bool):
            tr.epochs = epochs
        if isinstance(batch, int) and not isinstance(batch, bool):
            tr.batch = batch
        if name in ("train_on_batch", "fit_on_batch", "train"):
            # one batch per call: the batch size is what the code around calls it
            bs = MISSING
            for nm in ("batch_size", "BATCH_SIZE", "batchSize", "batchsize", "bs", "mb_size", "n_batch"):
                bs = scope.get(nm)
                if bs is not MISSING:
                    break
            if isinstance(bs, int) and not isinstance(bs, bool):
                tr.scope_batch = bs
        cbs = kw.get("callbacks")
        if isinstance(cbs, list):
            for cb in cbs:
                if isinstance(cb, Callback) and cb.trick:
                    m.tricks.add(cb.trick)
        for k in ("validation_split", "steps_per_epoch"):
            v = kw.get(k)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                m.hp.setdefault("extra", {}).setdefault(k, v)
        self.trainings.append(tr)
        self.mark_training(m, name)

    def mark_training(self, m: ModelObj | None, how: str) -> None:
        for lp in self.loops:
            lp.trained = True
        if m is not None and how != "fit":
            self.trainings.append(Training(m, how, loops=list(self.loops)))
        elif m is None:
            self.trainings.append(Training(None, how, loops=list(self.loops), seq=self.seq))


class Initializer:
    """A weight initializer object: calling it with a shape gives a weight."""


@dataclass(eq=False)
class Enumerated:
    inner: Any


class ImportedCall:
    """One call of an imported name, as the call rules read it."""

    __slots__ = ("f", "name", "last", "parts", "keras_mod", "key", "pos", "kw", "node", "pos_nodes", "kw_nodes",
                 "scope")

    def __init__(self, interp: Interpreter, f: Imported, pos: list[Any], kw: dict[str, Any], node: Node,
                 pos_nodes: list[Node], kw_nodes: dict[str, Node], scope: Scope) -> None:
        self.f, self.name, self.last = f, f.name, f.last
        self.parts = parts = f.name.split(".")
        # a Keras module, by name or through a star import of keras.layers
        self.keras_mod = _is_keras(f.name) or (interp.star_keras and len(parts) <= 2 and self.last in keras_layers.KERAS_LAYERS) \
            or f.name in ("tensorflow.keras", "keras")
        self.pos, self.kw, self.node, self.pos_nodes, self.kw_nodes, self.scope = pos, kw, node, pos_nodes, kw_nodes, scope
        self.key = ""  # a raw TF op's table key (module.name), set by call_tf


# calls of imported names: first the rule of the name, then the general rules in order
_EXT_BY_NAME: dict[str, Callable[..., Any]] = {
    # Keras 3's ``layers.Pipeline([...])`` chains layers as a Sequential does
    "Sequential": Interpreter.ext_sequential, "Pipeline": Interpreter.ext_sequential, "Model": Interpreter.ext_model, "Functional": Interpreter.ext_model,
    "Input": Interpreter.ext_input, "InputLayer": Interpreter.ext_input,
    "Option": Interpreter.ext_option, "Argument": Interpreter.ext_option,
    "placeholder": Interpreter.ext_placeholder, "placeholder_with_default": Interpreter.ext_placeholder,
    "reset_default_graph": Interpreter.ext_graph_cut, "Graph": Interpreter.ext_graph_cut,
    **{name: Interpreter.ext_variable for name in ("Variable", "get_variable", "random_normal", "truncated_normal",
                                                   "random_uniform", "zeros", "ones", "constant", "glorot_uniform")},
}
_EXT_RULES: tuple[Callable[..., Any], ...] = (
    Interpreter.ext_keras, Interpreter.ext_sklearn_wrapper, Interpreter.ext_hub_layer, Interpreter.ext_tensorflow,
    Interpreter.ext_batcher, Interpreter.ext_progress, Interpreter.ext_keras_hub, Interpreter.ext_transformers_tf,
    Interpreter.ext_other_optimizer, Interpreter.ext_segmentation_zoo,
    Interpreter.ext_other_module,
)
# raw TensorFlow calls, in order
_TF_RULES: tuple[Callable[..., Any], ...] = (
    Interpreter.tf_optimize_loss, Interpreter.tf_initializer, Interpreter.tf_optimizer, Interpreter.tf_schedule, Interpreter.ext_batcher,
    Interpreter.tf_cell, Interpreter.tf_op, Interpreter.tf_of_loss, Interpreter.tf_not_data,
    Interpreter.tf_activation, Interpreter.tf_in_layer, Interpreter.tf_loss, Interpreter.tf_global_pool,
    Interpreter.tf_matmul, Interpreter.tf_reshape, Interpreter.tf_flatten, Interpreter.tf_merge,
    Interpreter.tf_elementwise, Interpreter.tf_other,
)
# Keras names that are not layers, in order (inside ext_keras)
_KERAS_RULES: tuple[Callable[..., Any], ...] = (
    Interpreter.keras_application, Interpreter.keras_optimizer, Interpreter.keras_schedule,
    Interpreter.keras_callback, Interpreter.keras_loss, Interpreter.keras_activation, Interpreter.ext_batcher,
    Interpreter.keras_loader, Interpreter.keras_backend_op,
)

# attributes, by the kind of object (exact type; UNKNOWN and None: attribute_of_unknown)
_ATTRIBUTES_BY_KIND: dict[type, Callable[..., Any]] = {
    Imported: Interpreter.attribute_of_imported, Instance: Interpreter.attribute_of_instance,
    ClassVal: Interpreter.attribute_of_class, ModelObj: Interpreter.attribute_of_model,
    LayerObj: Interpreter.attribute_of_layer, ObjMethod: Interpreter.attribute_of_method,
    str: Interpreter.attribute_of_str, list: Interpreter.attribute_of_list, Repeated: Interpreter.attribute_of_list,
    **{kind: Interpreter.attribute_is_method for kind in (Super, Optim, Batched, Tensor, LossVal, Weight, FreezeRef)},
    **{kind: Interpreter.attribute_of_config for kind in (ConfigDict, SettingsClass, IniFile)},
}

# calling a value, by its kind (exact type)
_CALLS_BY_KIND: dict[type, Callable[..., Any]] = {
    FuncVal: Interpreter.call_function, BoundMethod: Interpreter.call_bound_method, ClassVal: Interpreter.call_class,
    Imported: Interpreter.call_imported, LayerObj: Interpreter.call_layer_value, ModelObj: Interpreter.call_model,
    Instance: Interpreter.call_instance, ObjMethod: Interpreter.call_object_method, LossVal: Interpreter.call_loss,
    Optim: Interpreter.call_itself, Schedule: Interpreter.call_itself, Tensor: Interpreter.call_itself,
    Initializer: Interpreter.call_initializer,
}

# methods of symbolic values, by the kind of object (exact type: a Repeated is a list)
_METHODS_BY_KIND: dict[type, Callable[..., Any]] = {
    Super: Interpreter.method_of_nothing, FreezeRef: Interpreter.method_of_nothing,
    str: Interpreter.method_of_str, list: Interpreter.method_of_list, Repeated: Interpreter.method_of_list,
    ModelObj: Interpreter.method_of_model, Optim: Interpreter.method_of_optimizer,
    Batched: Interpreter.method_of_dataset, LayerObj: Interpreter.method_of_layer,
    Tensor: Interpreter.method_of_tensor, LossVal: Interpreter.method_of_tensor,
    Weight: Interpreter.method_of_weight,
}
_NEXT: Any = object()  # a handler's "not mine": the next rule decides

# methods of a model (name -> handler); others give UNKNOWN
_MODEL_METHODS: dict[str, Callable[..., Any]] = {
    "add": Interpreter.model_add, "compile": Interpreter.model_compile, "add_loss": Interpreter.model_add_loss,
    "build": Interpreter.model_build, "__call__": Interpreter.model_apply, "call": Interpreter.model_apply,
    "predict_on_batch": Interpreter.model_apply, **{m: Interpreter.model_fit for m in _TRAIN_METHODS},
}

# builtins the interpreter reads (name -> handler); any other builtin call is UNKNOWN
_BUILTIN_CALLS: dict[str, Callable[..., Any]] = {
    "range": Interpreter.builtin_range, "xrange": Interpreter.builtin_range, "len": Interpreter.builtin_len,
    "int": Interpreter.builtin_int, "float": Interpreter.builtin_float, "list": Interpreter.builtin_list,
    "tuple": Interpreter.builtin_list, "sorted": Interpreter.builtin_list, "reversed": Interpreter.builtin_list,
    "zip": Interpreter.builtin_zip, "enumerate": Interpreter.builtin_enumerate, "dict": Interpreter.builtin_dict,
    "vars": Interpreter.builtin_vars, "min": Interpreter.builtin_min, "max": Interpreter.builtin_max,
    "super": Interpreter.builtin_super, "getattr": Interpreter.builtin_getattr,
}
_INT, _FLOAT = STATIC_BUILTINS["int"], STATIC_BUILTINS["float"]

_MERGE_MODES = {"concat": "Concatenate", "sum": "Add", "mul": "Multiply", "ave": "Average", "dot": "Dot",
                "cos": "Dot", "max": "Maximum"}


def _is_weight_product(call_fn: Node, cls: Node) -> bool:
    """A Layer whose ``call`` is ``inputs @ self.kernel`` (or ``tf.matmul``) with a weight it adds: a Dense."""
    body = call_fn.child_by_field_name("body")
    text = body.text if body is not None and body.text is not None else b""
    own = cls.text or b""
    return bool(_PRODUCT.search(text)) and (b"add_weight(" in own or b"Variable(" in own) \
        and not _NOT_DENSE.search(text)


# a Layer class that makes weights of its own (a hand-written attention or dense layer)
_WEIGHTS = re.compile(rb"add_weight|add_variable|Variable\(|\bvariable\(|get_variable\(")
# maths that makes a new representation (Antirectifier's relu and concatenation, a hand-written activation)
_MIXING = re.compile(rb"relu|tanh|sigmoid|\belu|gelu|swish|softplus|concat|matmul|\bdot\(|einsum|conv|pool|"
                     rb"\bexp\(|\blog\(|maximum|minimum|abs\(|\bsin\(|\bcos\(|norm(?!al)", re.I)


def _plain_ops(call_fn: Node, cls: Node) -> bool:
    """A Layer with no weight of its own whose ``call`` only moves, pads, casts, one-hots or noises its input
    (or adds a loss): expanded in place, it is no layer."""
    body = call_fn.child_by_field_name("body")
    text = body.text if body is not None and body.text is not None else b""
    if _WEIGHTS.search(cls.text or b""):
        return False
    return b"add_loss(" in text or not _MIXING.search(text)
_PRODUCT = re.compile(rb"@\s*self\.\w+|matmul\([^)]*self\.\w+")
_NOT_DENSE = re.compile(rb"conv|pool|lstm|gru|rnn|attention|softmax\(|einsum", re.I)


def _called_names(code: str, names: set[str]) -> dict[str, int]:
    """How often each name is written followed by ``(`` (its def or class line counts once)."""
    counts: dict[str, int] = {}
    for name in names:
        if name:
            # whole words only: ``train_model(`` is no call of a class ``model``
            if _WORD.fullmatch(name):
                n = _word_calls(code, name)
            else:
                n = len(re.findall(r"\b" + re.escape(name) + r"\s*\(", code))
            counts[name] = n
    return counts


def _word_calls(code: str, name: str) -> int:
    """Occurrences of the word ``name`` followed by ``\\s*(``: what ``\\bname\\s*\\(`` counts."""
    n = 0
    for i in word_positions(code, (name,)).get(name, ()):
        j = i + len(name)
        while j < len(code) and code[j].isspace():
            j += 1
        n += j < len(code) and code[j] == "("
    return n


_WORD = re.compile(r"\w+")


# (``returns``, not ``return``: the keyword starts a loss function's body)
_POLICY_GRADIENT = re.compile(r"\badv(?:antages?|s)?\b|\breturns\b|\brewards?\b|\bratios?\b|td_?err|\bgae\b|discount")


def hand_loss(text: str) -> str:
    """Canonical loss of a loss written by hand (the spec's hard cases)."""
    t = text.replace(" ", "").lower()
    if "kl" in t or ("exp(" in t and ("log(" in t or "square(" in t)):
        return "other"  # a VAE: reconstruction + KL divergence
    if "crossentropy" in t or "cross_entropy" in t:
        return "binary_crossentropy" if "sigmoid" in t or "binary" in t else "categorical_crossentropy"
    one_hot_log_p = bool(re.search(r"\blog_?p(?:rob)?s?(?:_|\b)", t)) and ("one_hot" in t or "onehot" in t)
    if "log(" in t or "log_softmax(" in t or one_hot_log_p:
        if _POLICY_GRADIENT.search(t):
            return "other"  # log-probabilities times an advantage or a return: a policy gradient
        if re.search(r"1\.?0?-", t):
            return "binary_crossentropy"  # y * log(p) + (1 - y) * log(1 - p)
        # one-hot labels times log-probabilities (y * log(softmax)), or log-softmax picked per class: the
        # categorical cross-entropy, whether summed or averaged; a log alone (-log(D(G(z)))) is binary
        if "*" in t or "multiply(" in t or "log_softmax(" in t:
            return "categorical_crossentropy"
        return "binary_crossentropy"
    if "abs(" in t and ("square(" in t or "**2" in t) and ("switch(" in t or "where(" in t):
        return "huber"  # quadratic near zero, linear beyond: a Huber (smooth L1) loss
    if "square(" in t or "pow(" in t or "**2" in t or "squared" in t:
        return "mse"
    if "abs(" in t:
        return "mae"
    return "other"


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def dotted_written(call: Node) -> str:
    """The callee as written (``layers.Conv2D``), for ``Layer.raw``."""
    f = call.child_by_field_name("function")
    if f is None and call.type == "binary_operator":
        return node_text(call.child_by_field_name("operator"))  # x @ w
    txt = node_text(f)
    return txt if len(txt) <= 80 else txt[:80]


def jsonable(v: Any, depth: int = 0) -> Any:
    """A plain JSON value, or ``MISSING`` when it cannot be one."""
    if depth > 4:
        return MISSING
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else MISSING
    if isinstance(v, list):
        out = [jsonable(x, depth + 1) for x in v[:16]]
        return MISSING if any(x is MISSING for x in out) else out
    return MISSING


def jsonable_shape(shape: Any) -> Any:
    if isinstance(shape, int) and not isinstance(shape, bool):
        return [shape]
    if not isinstance(shape, list):
        return None
    out = []
    for x in shape[:8]:
        j = jsonable(x)
        out.append(None if j is MISSING else j)
    if out and all(x is None for x in out) and not all(x is None for x in shape):
        return None
    return out


def _batch_walk(right: Node | None) -> bool:
    """``range(0, len(X), batch_size)``: a walk over the data in strides of a batch, not a count of passes."""
    if right is None or right.type != "call":
        return False
    pos = call_arguments(right)[0]
    if len(pos) != 3 or node_text(right.child_by_field_name("function")) != "range":
        return False
    stop, step = node_text(pos[1]), node_text(pos[2]).lower()
    return "len(" in stop or "shape[0]" in stop or "batch" in step


def _count_and_first(it: Any) -> tuple[int | None, Any]:
    """How many times a ``for`` over ``it`` runs (None: unknown) and the first item it binds."""
    if isinstance(it, RangeVal):
        return it.count, it.start
    if isinstance(it, (Repeated, list)):
        return (it.count if isinstance(it, Repeated) else len(it)), (it[0] if it else UNKNOWN)
    if isinstance(it, dict):
        return len(it), next(iter(it), UNKNOWN)
    if isinstance(it, Enumerated):
        inner = it.inner
        c = inner.count if isinstance(inner, (RangeVal, Repeated)) else (len(inner) if isinstance(inner, list) else None)
        if isinstance(inner, Batched) and isinstance(inner.take, int):
            c = inner.take
        f0 = inner.start if isinstance(inner, RangeVal) else (inner[0] if isinstance(inner, list) and inner else UNKNOWN)
        return c, [0, f0]
    if isinstance(it, (LayerObj, ModelObj, FreezeRef)):
        return None, it
    if isinstance(it, Batched):
        return (it.take if isinstance(it.take, int) else None), UNKNOWN
    return None, UNKNOWN


def _first_batched(values: list[Any] | tuple[Any, ...], otherwise: Any) -> Any:
    """The first batched dataset among ``values`` (zipped datasets iterate in its batches), else ``otherwise``."""
    return next((v for v in values if isinstance(v, Batched)), otherwise)


def _bound(func: FuncVal, obj: Any) -> Any:
    """A method looked up on an object: bound to it, except a ``@staticmethod`` (``self.conv2d(img, 64)`` of a
    static block helper takes ``img`` as its first parameter, not the object)."""
    p = func.node.parent
    if p is not None and p.type == "decorated_definition" and any(
            node_text(d).strip() == "@staticmethod" for d in p.named_children if d.type == "decorator"):
        return func
    return BoundMethod(func, obj)


_UNSET = object()  # a name not bound (beside None, a value)
# a train_step's optimizer step, and the optimizers of a GAN that trains its parts apart
_OWN_OPTIMIZER_STEP = re.compile(r"\bself\.optimizer\.(?:apply_gradients|apply|minimize)\(")
_OTHER_OPTIMIZERS = re.compile(r"\bself\.\w+_optimizer\b|\bself\.optimizer_\w+\b")


# ``Lambda(lambda x: tf.expand_dims(x, -1))`` reshapes the data; ``Lambda(lambda x: x / 255.0)`` rescales it
_LAMBDA_RESHAPE = re.compile(r"(?:tf|K|backend|keras\.backend|keras\.ops|ops|tf\.compat\.v1)\.(?:expand_dims|reshape|squeeze)\(")
_LAMBDA_RESCALE = re.compile(r"\(?\s*\w+\s*(?:/\s*(?:255|127\.5)\.?0*|\*\s*\(?\s*1\.?0*\s*/\s*255\.?0*\s*\)?)\s*\)?"
                             r"(?:\s*-\s*1\.?0*)?")
_RESHAPE_SPEC = keras_layers.Spec("Reshape")
_RESCALE_SPEC = keras_layers.Spec("Rescaling", kind="preprocess", pre="normalize")


def _lambda_spec(call: Node) -> keras_layers.Spec | None:
    """What a ``Lambda`` layer is, by its lambda's body: a reshape, a rescaling of the data, else None (Custom)."""
    pos, kw = call_arguments(call)
    fn = pos[0] if pos else kw.get("function")
    body = fn.child_by_field_name("body") if fn is not None and fn.type == "lambda" else None
    if body is None:
        return None
    text = node_text(body)
    if _LAMBDA_RESHAPE.match(text):
        return _RESHAPE_SPEC
    if _LAMBDA_RESCALE.fullmatch(text):
        return _RESCALE_SPEC
    return None
