"""The PyTorch reader's records (what a name holds, a model found) and the small tree helpers its parts share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tree_sitter import Node

from corpus.knowledge import torch_layers, vocab
from corpus.knowledge.tasks import fine_tuned_task
from corpus.readers.evaluate import Param
from corpus.readers.script import Script, dotted_name, end_line_of, line_of, node_text
from corpus.record.summary import Hyperparameters, Layer, ParseInfo, Source, Summary

MAX_DEPTH = 10  # nesting of block expansions and helper calls
MAX_LAYERS = 2000  # a model bigger than this is cut (and says so)
MAX_INSTANCES = 400  # block instantiations per file: hostile nesting must not run for minutes
# nesting of expressions built or walked (blocks inside blocks count too): deeper is not read, so that
# hostile nesting ((((x)))), Sequential(Sequential(...)) stays within Python's stack
MAX_EXPR_DEPTH = 100


# ---------------------------------------------------------------------------
# Records


@dataclass
class FuncInfo:
    node: Node
    name: str
    params: list[Param]  # read_parameters: name, default node, kind plain|star|kw
    body: Node | None
    cls: ClassInfo | None = None


@dataclass
class ClassInfo:
    name: str
    node: Node
    bases: list[str]
    methods: dict[str, FuncInfo] = field(default_factory=dict)
    is_module: bool = False
    # the names of the file that defines the class (a Home): its code means them, whichever file's network
    # builds it (``TorchExtractor.at_home``)
    home: Any = None


@dataclass(frozen=True)
class Home:
    """A file's own names, as its extractor read them: its script (imports, constants), module classes, class
    definitions and top-level functions."""

    script: Any
    classes: dict[str, ClassInfo]
    funcs: dict[str, FuncInfo]
    class_defs: list[ClassInfo]


@dataclass
class ModuleValue:
    """What an expression in model code holds, seen as a module."""

    kind: str  # layer | act | seq | list | inst | none
    layers: list[Layer] = field(default_factory=list)  # emitted when applied (layer/seq)
    act: str | None = None  # kind == act
    items: list[ModuleValue] = field(default_factory=list)  # kind == list (ModuleList, python list)
    keys: dict[str, ModuleValue] = field(default_factory=dict)  # ModuleDict
    inst: Instance | None = None  # kind == inst
    raw: str = ""
    line: int | None = None
    cell: bool = False  # a recurrent cell (stepped in a loop)
    repeat: int | None = None  # built in a loop with a literal count


@dataclass
class Instance:
    cls: ClassInfo
    scope: Scope
    attrs: dict[str, ModuleValue] = field(default_factory=dict)
    seq: list[ModuleValue] = field(default_factory=list)  # nn.Sequential subclass children
    expanded: list[Layer] | None = None
    # expansions for calls that name a mode of forward (``block(x, pool_type="max")``), by those values
    expanded_with: dict[tuple[tuple[str, Any], ...], list[Layer]] = field(default_factory=dict)


@dataclass
class Scope:
    env: dict[str, Any] = field(default_factory=dict)  # plain values
    mods: dict[str, ModuleValue] = field(default_factory=dict)  # names bound to modules
    classes: dict[str, ClassInfo] = field(default_factory=dict)  # names bound to local classes
    funcs: dict[str, FuncInfo] = field(default_factory=dict)  # nested defs
    inst: Instance | None = None  # self

    def child(self) -> Scope:
        return Scope(dict(self.env), dict(self.mods), dict(self.classes), dict(self.funcs), self.inst)


@dataclass(frozen=True)
class LayerClass:
    """A torch layer class handed over uncalled (``activation=nn.ReLU``), which the code calls later (``act()``)."""

    name: str  # its torch name: ReLU, Tanh


@dataclass
class ForwardState:
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
    returned: bool = False  # a return ran in a branch known to be taken: the statements after it do not
    assigned: set[str] = field(default_factory=set)  # the names the statement being walked assigns
    # a block applied so far -> the names its outputs went to (a second call on other inputs is a parallel one)
    outputs_of: dict[int, set[str]] = field(default_factory=dict)


def copy_layer(layer: Layer, repeat: int | None = None) -> Layer:
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
    if layer.type == "Pretrained" and layers and layers[-1].type == "Pretrained" and layers[-1].raw == layer.raw \
            and layers[-1].args.get("name") == layer.args.get("name"):
        # the stages of one backbone taken apart (``self.layer0 = nn.Sequential(resnet.conv1, ...)``,
        # ``self.layer1 = resnet.layer1``): one pretrained backbone, not one per stage
        return True
    layers.append(copy_layer(layer, repeat))
    return True


def activation_layer(act: str, raw: str, line: int | None) -> Layer:
    return Layer(type="Activation", raw=raw, args={}, activation=act, line=line)


def jsonable(v: Any) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return not (isinstance(v, float) and v != v)
    if isinstance(v, list):
        return all(jsonable(x) for x in v)
    return False


# the torch packages whose classes are never a block of a project. Matched on the whole first dotted name:
# a project package called ``torchfm`` or ``torch_ext`` (its FeaturesEmbedding, its models) is the project's,
# and another library's layer (``torch_geometric.nn.GCNConv``) is Custom, as the spec has code from elsewhere
TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchtext", "torchaudio", "torchmetrics", "torchdata"})


def from_torch_packages(full: str) -> bool:
    """Whether a resolved dotted name belongs to torch or its own domain packages."""
    return full.split(".", 1)[0] in TORCH_PACKAGES


def from_library(full: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``full`` comes from torch's packages or starts with one of ``prefixes`` (other libraries)."""
    return from_torch_packages(full) or full.startswith(prefixes)


@lru_cache(maxsize=8192)
def last_name(name: str | None) -> str:
    """``nn.Conv2d`` -> ``Conv2d`` (cached: the same few thousand names recur)."""
    return (name or "").rsplit(".", 1)[-1]


def method_in_bases(cls: Any, name: str, classes: Mapping[str, Any]) -> Any:
    """Method ``name`` of class ``cls`` or of its nearest base among ``classes`` (breadth first, as
    Python looks it up for single inheritance); None when none defines it.

    Args:
        cls: a class of the file (``.name``, ``.methods``: name -> method, ``.bases``: dotted names).
        name: the method's name.
        classes: the file's classes by name.
    """
    seen: set[str] = set()
    todo = [cls]
    while todo:
        c = todo.pop(0)
        if c.name in seen:
            continue
        seen.add(c.name)
        if name in c.methods:
            return c.methods[name]
        todo.extend(classes[last_name(b)] for b in c.bases if last_name(b) in classes)
    return None


def identifiers(node: Node | None) -> list[str]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node_text(node)]
    out: list[str] = []
    for c in node.named_children:
        out.extend(identifiers(c))
    return out


def target_name(left: Node) -> str | None:
    if left.type == "identifier":
        return node_text(left)
    dn = dotted_name(left)
    if dn:
        return last_name(dn)
    return None


SCHEDULERS = {"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "OneCycleLR",
               "LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts", "LinearLR", "PolynomialLR", "SequentialLR"}


@lru_cache(maxsize=8192)
def is_optimizer_name(last: str) -> bool:
    """Call names of optimizers (``Adam``, ``SGD``); the same few hundred names recur in every file."""
    return vocab.canonical_optimizer(last) is not None


@lru_cache(maxsize=8192)
def is_trick_name(last: str) -> bool:
    """Call names that may show a training trick (schedulers, clipping, AMP, saving)."""
    return (last in SCHEDULERS or last.endswith("LR") or "schedul" in last.lower() or last in ("clip_grad_norm_", "clip_grad_value_",
            "clip_grad_norm", "autocast", "GradScaler", "save", "Accelerator"))


FIXED_PREDICATES = (is_optimizer_name, is_trick_name)


@lru_cache(maxsize=1024)
def hf_head(owner: str) -> tuple[str | None, str, int | None] | None:
    """The head a Hugging Face class name implies (``torch_layers.HF_HEADS``: task, loss, units), else None.

    ``AutoModelForTokenClassification`` -> ``("sequence_labeling", "categorical_crossentropy", None)``;
    a bare backbone (``AutoModel``, ``BertModel``) has no head.
    """
    last = last_name(owner)
    for suffix, head in torch_layers.HF_HEADS.items():
        if last.endswith(suffix) and len(last) > len(suffix):
            return head
    return None


def seq2seq_task(script: Script) -> str:
    """A sequence-to-sequence head's task by the script's words (``torch_layers.SEQ2SEQ_TASK_WORDS``):
    the task whose words occur more often, ``unknown`` (the data and file votes decide) when none do."""
    text = script.code_bytes.decode("utf-8", "replace").lower()
    counts = {task: len(re.findall(rx, text)) for task, rx in torch_layers.SEQ2SEQ_TASK_WORDS}
    best = max(counts, key=lambda t: counts[t])
    return best if counts[best] and sorted(counts.values())[-2] < counts[best] else "unknown"


def is_tf_hf_class(owner: str) -> bool:
    """``TFAutoModel`` / ``TFBertForSequenceClassification`` / ``FlaxBertModel``: Hugging Face classes of
    other frameworks, read by their own readers, never the PyTorch one."""
    last = last_name(owner)
    return _TF_HF_CLASS.match(last) is not None and ("Model" in last or "For" in last)


_TF_HF_CLASS = re.compile(r"(?:TF|Flax)[A-Z]")

# attention computed by hand: scores by a batched product, weights by a softmax
_PRODUCT = re.compile(r"\b(?:bmm|matmul|einsum)\s*\(|\w\s*@\s*\w")


def attention_maths(text: str) -> bool:
    return "softmax" in text and _PRODUCT.search(text) is not None


def enclosing_function_name(node: Node) -> str | None:
    p = node.parent
    while p is not None:
        if p.type == "function_definition":
            return node_text(p.child_by_field_name("name"))
        p = p.parent
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
        # a Hugging Face head (AutoModelForTokenClassification) names the task, unless the data must decide
        heads = [h for x in self.layers[:3] if x.type == "Pretrained" and (h := hf_head(x.raw.rsplit(".", 1)[0]))]
        task = next((h[0] for h in heads if h[0] is not None), None) or (seq2seq_task(script) if heads else "unknown")
        if heads and task in ("language_modeling", "unknown"):
            # a generic head on a checkpoint fine-tuned for a task (``AutoModelForCausalLM`` of ``git-base-textvqa``)
            named = next((str(x.args.get("name")) for x in self.layers[:3] if x.type == "Pretrained"), "")
            task = fine_tuned_task(named) or task
        return Summary(
            id="",
            name=self.name,
            source=Source(path=script.path, line_start=line_of(self.node), line_end=end_line_of(self.node)),
            framework="pytorch",
            task=task,
            layers=self.layers,
            hyperparameters=self.hp,
            input_shape=self.input_shape,
            tricks=list(dict.fromkeys(self.tricks)),
            parse=ParseInfo(status=status, warnings=warnings + list(file_warnings)),
        )


def before_splat(pos: list[Node]) -> list[Node]:
    """A call's positional arguments up to the first ``*xs`` / ``**kw`` (whose items cannot be counted)."""
    for i, arg in enumerate(pos):
        if arg.type in ("list_splat", "dictionary_splat"):
            return pos[:i]
    return pos


def in_branch_not_taken(script: Script, node: Node, env: dict[str, Any]) -> bool:
    """Whether ``node`` is under an ``if``/``elif`` whose condition is known to be false when the script runs
    with no arguments (a flag's default picks another branch), or under the ``else`` of one known true."""
    child, p = node, node.parent
    while p is not None and p.type not in ("function_definition", "class_definition", "module"):
        if p.type in ("if_statement", "elif_clause") and p.child_by_field_name("consequence") == child:
            if script.value(p.child_by_field_name("condition"), env) is False:
                return True
        if p.type == "else_clause" and p.parent is not None and p.parent.type == "if_statement" and \
                not any(c.type == "elif_clause" for c in p.parent.named_children):
            if script.value(p.parent.child_by_field_name("condition"), env) is True:
                return True
        child, p = p, p.parent
    return False
