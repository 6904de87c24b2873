"""How one model differs from the common choices of a population of examples.

``compare(model, population)`` returns :class:`Finding` records, warnings
first. Each check measures the population (never a fixed opinion alone) and
quotes that evidence: "your learning rate 0.5 is higher than 98 of 100
examples (median 1e-3)". A check speaks only when the model is far from the
population, so an ordinary model gets no warnings.

The kinds cover the design mistakes of the seed's user study
(``missing_activation``, ``huge_epochs``, ``missing_loss``,
``missing_dropout``, ``missing_dense``, ``huge_learning_rate``,
``unusual_layer_order``) and other values far from the population
(``unusual_hyperparameter``). Severity is ``warning`` (likely a mistake) or
``info`` (unusual, worth a look).

Where the population holds too few values to measure (fewer than
``MIN_VALUES``), checks fall back to small tables of what is commonly known
(a learning rate above an optimizer's usual ceiling, thousands of epochs),
and say so in the evidence.

``Finding.to_dict()`` is the JSON form used by
``examplenet compare --json``; ``evidence`` is a flat dict of numbers and
strings (corpus strings are not escaped here: escape them when rendering).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.aggregate import (
    DROPOUT_TYPES,
    fmt_number,
    has_dropout,
    hyperparameter_value,
    ngrams,
    quantile,
    tokens,
)
from corpus.knowledge import layers
from corpus.knowledge.vocab import norm_key
from corpus.record.summary import Layer, Summary

WARNING, INFO = "warning", "info"

# -- thresholds (each with why) ------------------------------------------------
# Fewer values than this and percentiles are noise: fall back to known tables.
MIN_VALUES = 8
# A sub-population (same task, same optimizer) is used when it has this many
# examples; below it, the whole population is the better reference.
MIN_SUBGROUP = 10
# "Far above": beyond the population's 95th percentile AND a multiple of its
# median, so a long tail (a few 200-epoch ResNets) does not make 60 epochs odd.
HIGH_QUANTILE = 0.95
LOW_QUANTILE = 0.05
HUGE_EPOCHS_FACTOR = 10
# Beyond the 95th percentile and 3x the median: long training, worth a note.
LONG_EPOCHS_FACTOR = 3
# Below this, many epochs is a choice, not a mistake: CIFAR ResNets train for 200
# (keras-team's cifar10_resnet); the study's huge values were in the thousands.
HUGE_EPOCHS_MIN = 300
# Without population values: thousands of passes over a dataset is a slip (steps for epochs).
HUGE_EPOCHS_ABSOLUTE = 1000
# Epochs at 10x the median and in the thousands are huge while at most this share of the
# examples set as many (their few outliers are mostly step counts read as epochs).
FEW_AT_OR_ABOVE = 0.15
# Tasks whose loops count episodes or frames, not passes over a dataset.
EPISODIC_TASKS = frozenset({"reinforcement_learning"})
FAR_EPOCHS_MIN = 2000
# A learning rate 10x the median is a different regime (divergence for Adam).
HUGE_LR_FACTOR = 10
# Learning rates above these are unusual for the optimizer whatever the task
# (Keras/PyTorch defaults and common schedules' peaks); adadelta/lbfgs default to 1.0.
LR_CEILING: dict[str, float] = {
    "adam": 0.01, "adamw": 0.01, "nadam": 0.01, "adamax": 0.02, "rmsprop": 0.01,
    "sgd": 0.2, "adagrad": 0.1, "adadelta": 1.0, "lbfgs": 1.0,
}
LR_CEILING_UNKNOWN = 0.1  # optimizer not read: the highest ceiling of the common ones
# Far below: a hundredth of the median learning rate learns next to nothing.
TINY_LR_FACTOR = 100
TINY_EPOCHS_FACTOR = 10
# Batch sizes 8x away from the median change the regime (memory, noise, BN
# statistics): a note. 512 against a median of 64 is still common (Keras's IMDB
# tutorial); 32x (a batch of 2048+ where 64 is usual) is a note that says so: a
# multi-GPU script's 4,096 is a choice, not one of the seven mistakes.
BATCH_FACTOR = 8
HUGE_BATCH_FACTOR = 32
# An optimizer or loss used by under 3% of the examples that set one is unusual.
RARE_SHARE = 0.03
# The population "mostly" does something when at least this share does.
MOSTLY = 0.6
# Dropout is "expected" (warning) when at least 4 in 5 examples of the task use it:
# leaving it out is then a departure from nearly all. From a fifth up it is worth a
# note (info) that names the share: well-known designs go without it (a text RCNN,
# where 60% of text classifiers use it), so half is a choice, not a slip.
# (In the shipped corpus about 40% of the image classifiers retrieved for an MNIST
# CNN use dropout: a note, not a warning.)
DROPOUT_EXPECTED = 0.8
DROPOUT_NOTE = 0.2
# Dropout regularizes models that fit labels; generators, autoencoders, RL
# policies and detection/segmentation backbones are judged by other means.
DROPOUT_TASKS = frozenset({
    "image_classification", "text_classification", "tabular_classification", "audio_classification",
    "speech_recognition", "sequence_labeling", "tabular_regression", "time_series_forecasting",
    "language_modeling", "machine_translation", "text_generation", "question_answering"})
# Tiny models (logistic regression, one hidden layer) rarely need dropout.
MIN_LAYERS_FOR_DROPOUT = 4
# Hidden layers of a type carry an activation in at least this share of the
# population before a missing one is called a mistake.
ACTIVATION_RATE_MIN = 0.75
# Activations written as none (activation="linear", nn.Identity): the layer stays linear.
NO_ACTIVATION = frozenset({"linear", "identity", "none"})
# A hidden layer's missing activation is a slip, whatever the population does, when the
# model's own other layers of that type carry one: at least this many, and at least this
# share of them (the script shows it knows activations and how the reader sees them).
OWN_ACTIVATIONS_MIN = 2
OWN_ACTIVATION_SHARE = 2 / 3
# How many hidden layers of a type one example weighs at most in the population's rate.
RATE_LAYERS_CAP = 4
# A known-wrong order is reported when at most this share of the population shows it.
KNOWN_WRONG_MAX_SHARE = 0.05
# A classifier ending (Flatten, GlobalAveragePooling...) used by more than this
# share of the population is a practice there (all-convolutional nets), not a slip.
COMMON_ENDING_SHARE = 0.1
# A bigram is "never seen" evidence only if both types are common in the population.
BIGRAM_COMMON_SHARE = 0.2
MAX_BIGRAM_FINDINGS = 2

# -- layer sets (derived from the families in corpus.knowledge.layers) ----------------
WEIGHT_TYPES = layers.WEIGHTED
CONV_TYPES = layers.CONVOLUTION
POOL_TYPES = layers.ANY_POOLING
# Layers whose internals are opaque or carry their own nonlinearity: the
# search for a hidden layer's activation stops at them.
STOP_TYPES = WEIGHT_TYPES | layers.RECURRENT | layers.ATTENTION | layers.of_family(
    layers.EMBED, layers.PRETRAINED, layers.CUSTOM)
# A branch that ends in a merge is judged as satisfied: residual branches are
# linear before the Add by design, and an activation after a merge (or inside
# a branch listed before it) cannot be placed reliably from the flat layer list.
MERGE_TYPES = layers.MERGES
# What a hidden layer's output may pass through into the next weight layer and still make
# one linear map with it (``_feeds_weight_layer``).
NEUTRAL_TYPES = layers.of_family(layers.POOL, layers.GPOOL, layers.DROP, layers.NORM, layers.RESIZE,
                                 layers.REG) | frozenset({"Flatten"})
ATTENTION_TYPES = layers.ATTENTION
OUTPUT_ACTIVATIONS = frozenset({"softmax", "sigmoid", "log_softmax"})
# A classifier's last layer: these map features to class scores (or hide their own head).
OUTPUT_TYPES = frozenset({"Dense", "Pretrained", "Custom"})
# Endings that leave features unmapped to classes. A block whose head lives elsewhere
# ends like this too: a model the script never trains gets a note (``_check_dense``).
# A Dense layer with a hidden activation (relu, tanh) as a classifier's last layer is one too.
HIDDEN_DENSE = "a hidden Dense layer"
# So is the sum (or join) of a residual branch and its shortcut, normalized or not: a
# transformer or ResNet whose output layer was removed ends in its last block's Add.
SUMMED = "a residual sum"
FEATURE_ENDINGS = POOL_TYPES | CONV_TYPES | layers.DROPOUT | layers.RECURRENT | frozenset(
    {"Flatten", HIDDEN_DENSE, SUMMED})
# Layers looked past for what a model ends with (``_ending``). Not dropout: a classifier
# ending Dense -> Dropout has a hidden Dense and no output layer.
TRAILING_TYPES = layers.NORMALIZATION | layers.MERGES | frozenset({"Activation"})

CLASSIFICATION_TASKS = frozenset({"image_classification", "text_classification",
                                  "tabular_classification", "audio_classification"})
REGRESSION_TASKS = frozenset({"tabular_regression", "time_series_forecasting"})
CLASSIFICATION_LOSSES = frozenset({"categorical_crossentropy", "binary_crossentropy", "hinge"})
# Losses that do not fit a task family: (task family, loss) -> why.
LOSS_MISFIT: dict[tuple[str, str], str] = {
    ("classification", "mse"): "a squared error on class labels trains slowly and is not a probability",
    ("classification", "mae"): "an absolute error on class labels is not a classification loss",
    ("classification", "huber"): "a regression loss on class labels is not a classification loss",
    ("regression", "categorical_crossentropy"): "cross-entropy needs classes, not real-valued targets",
    ("regression", "binary_crossentropy"): "cross-entropy needs classes, not real-valued targets",
}

# What a loss expects from the model's output, by the name as written
# (norm_key of loss_raw). Keras string/class losses take probabilities unless
# from_logits=True; torch CrossEntropyLoss applies log-softmax itself.
LOSS_EXPECTS: dict[str, str] = {
    "categoricalcrossentropy": "probabilities", "sparsecategoricalcrossentropy": "probabilities",
    "binarycrossentropy": "probabilities", "bceloss": "probabilities",
    "crossentropyloss": "logits", "crossentropy": "logits",
    "bcewithlogitsloss": "logits", "binarycrossentropywithlogits": "logits",
    "softmaxcrossentropywithlogits": "logits", "softmaxcrossentropywithlogitsv2": "logits",
    "sparsesoftmaxcrossentropywithlogits": "logits", "sigmoidcrossentropywithlogits": "logits",
    "nllloss": "log_probabilities", "nll": "log_probabilities",
}
# torch's functional names differ from Keras's strings of the same spelling.
TORCH_LOSS_EXPECTS: dict[str, str] = {
    "crossentropy": "logits", "binarycrossentropy": "probabilities",
    "binarycrossentropywithlogits": "logits", "nllloss": "log_probabilities",
}
EXPECTED_OUTPUT = {
    "probabilities": ("softmax", "sigmoid"),
    "log_probabilities": ("log_softmax",),
}


@dataclass
class OrderRule:
    """A layer order known to be wrong.

    ``pattern`` is one of: ``first`` (the model starts with one of ``a``),
    ``before`` (a layer of ``a`` comes before the first layer of ``b``, with
    none of ``unless`` between), ``after_output`` (one of ``a`` follows a
    layer with an output activation at the end), ``mid_softmax`` (a softmax
    before the last layer, in a model without attention).
    """

    name: str
    description: str
    pattern: str
    a: frozenset[str] = frozenset()
    b: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    # "before any b": only an ``a`` placed before the model's first ``b`` counts.
    before_first_b: bool = False


KNOWN_WRONG_ORDERS: tuple[OrderRule, ...] = (
    OrderRule("dropout_first", "Dropout before the first layer", "first", DROPOUT_TYPES),
    OrderRule("flatten_before_conv", "Flatten before a convolution", "before",
              frozenset({"Flatten"}), CONV_TYPES, frozenset({"Reshape"})),
    OrderRule("pool_before_conv", "pooling before any convolution", "before",
              POOL_TYPES, CONV_TYPES, layers.RECURRENT | {"Reshape", "Dense", "Embedding", "Pretrained"},
              before_first_b=True),
    OrderRule("dense_before_conv", "a Dense layer before a convolution (no Reshape between)",
              "before", frozenset({"Dense"}), CONV_TYPES, frozenset({"Reshape", "Embedding"})),
    OrderRule("pool_after_flatten", "2D pooling after Flatten (the feature map is already flat)", "before",
              frozenset({"Flatten"}), frozenset({"MaxPooling2D", "AveragePooling2D", "MaxPooling3D"}),
              frozenset({"Reshape"})),
    OrderRule("embedding_not_first", "an Embedding after other layers (it takes token ids)", "before",
              WEIGHT_TYPES | layers.RECURRENT, frozenset({"Embedding"}),
              frozenset({"Concatenate", "Add", "Pretrained", "Custom"})),
    OrderRule("bn_after_output", "normalization after the output layer", "after_output",
              layers.NORMALIZATION),
    OrderRule("dropout_after_output", "Dropout after the output layer", "after_output", DROPOUT_TYPES),
    OrderRule("softmax_in_middle", "a softmax in the middle of the model", "mid_softmax"),
)


@dataclass
class Finding:
    """One difference between a model and its population.

    Attributes:
        kind: ``missing_activation``, ``huge_epochs``, ... (module docstring).
        severity: ``warning`` or ``info``.
        message: one sentence for people, quoting the evidence.
        evidence: the numbers behind it (counts, medians, the layer index...).
    """

    kind: str
    severity: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- helpers ----------------------------------------------------------------------
def _values(population: Sequence[Summary], name: str) -> list[float]:
    return sorted(float(v) for v in (hyperparameter_value(s, name) for s in population) if v is not None)


def _examples(k: int, n: int) -> str:
    return f"{k} of {n} example{'s' if n != 1 else ''}"


def _task_family(task: str | None, loss: str | None = None) -> str | None:
    if task in CLASSIFICATION_TASKS:
        return "classification"
    if task in REGRESSION_TASKS:
        return "regression"
    if task in (None, "", "unknown") and loss in CLASSIFICATION_LOSSES:
        return "classification"
    return None


def _model_task(model: Summary, population: Sequence[Summary]) -> str:
    """The model's task, or the population's most common one when it is unknown."""
    if model.task and model.task != "unknown":
        return model.task
    tasks = Counter(s.task for s in population if s.task and s.task != "unknown")
    return tasks.most_common(1)[0][0] if tasks else "unknown"


def _same_task(task: str, population: Sequence[Summary]) -> list[Summary]:
    sub = [s for s in population if s.task == task]
    return sub if len(sub) >= MIN_SUBGROUP else list(population)


def _is_classifier(model: Summary, task: str) -> bool:
    """A classifier by its task; by its loss only when the task is unknown (a GAN's
    generator shares a script with a BCE loss that belongs to its discriminator)."""
    return _task_family(task, model.hyperparameters.loss) == "classification"


def _act(lay: Layer) -> str | None:
    """The layer's own activation; ``linear``/``identity`` are none."""
    a = lay.activation
    return None if not a or a.lower() in NO_ACTIVATION else a


def _known_layer_names() -> frozenset[str]:
    from corpus.knowledge import jax_layers, keras_layers, torch_layers

    return frozenset(n.lower() for n in (*keras_layers.KERAS_LAYERS, *keras_layers.TF_OPS, *torch_layers.LAYERS,
                                         *torch_layers.FUNCTIONAL, *jax_layers.LINEN_LAYERS,
                                         *jax_layers.NNX_LAYERS))


KNOWN_LAYER_NAMES = _known_layer_names()


def _own_class(lay: Layer) -> bool:
    """A weight layer of the script's own class (``class Antirectifier(layers.Layer)``, typed
    by the weights it holds): its call may apply a nonlinearity the flat list does not show."""
    name = (lay.raw or "").rsplit(".", 1)[-1]
    return lay.type in WEIGHT_TYPES and name[:1].isupper() and name.lower() not in KNOWN_LAYER_NAMES


def _residual(model: Summary) -> bool:
    """Whether the model adds shortcuts (an Add in the list, or residual blocks the reader saw
    as a trick without listing their Add)."""
    return "residual" in model.tricks or any(lay.type == "Add" for lay in model.layers)


def _activation_after(layers: Sequence[Layer], i: int, residual: bool | None = None) -> str | None:
    """The activation applied to layer i's output: its own, or one folded into the
    pooling/normalization/dropout/merge layers that follow before the next weight layer.
    ``residual``: the model adds shortcuts (None: an Add among ``layers``)."""
    if _act(layers[i]):
        return _act(layers[i])
    if residual is None:
        residual = any(lay.type == "Add" for lay in layers)
    for k, nxt in enumerate(layers[i + 1 :]):
        if _own_class(nxt):
            return "custom"  # the script's own layer may apply one inside
        if nxt.type in STOP_TYPES:
            return None  # the next weight layer's activation is its own
        if _act(nxt):
            return _act(nxt)
        if nxt.type in MERGE_TYPES:
            return "merge"
        # In a residual net, conv -> BN without activation feeds the Add (the
        # parser lists the shortcut branch between them).
        if residual and k == 0 and nxt.type == "BatchNormalization":
            return "residual"
    return None


def _feeds_weight_layer(lays: Sequence[Layer], i: int) -> bool:
    """Whether layer i's output reaches the next weight layer through pooling, dropout,
    normalization or Flatten only: the two are then one linear map without an activation.
    A recurrent, attention, embedding or custom layer, a reshape or a merge next makes a
    linear projection a design (a Dense before an LSTM, attention's query/key/value, a
    generator's Dense before its Reshape), not a slip."""
    for nxt in lays[i + 1:]:
        if nxt.type in WEIGHT_TYPES:
            return True
        if nxt.type not in NEUTRAL_TYPES:
            return False
    return False


IN_SIZE = ("in_features", "in_channels")
OUT_SIZE = ("out_features", "out_channels", "units", "filters")


def _size(lay: Layer, keys: Sequence[str]) -> int | None:
    """The first of ``keys`` the parser read as a number (a variable's name is no size)."""
    for k in keys:
        v = lay.args.get(k)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


def _parallel(a: Layer, b: Layer) -> bool:
    """Two layers side by side in the flat list (``a`` listed first) that read the same input
    (a VAE's mean and log-variance heads): same type and the same input size, where the
    parser read it, made on different lines (one helper line building every convolution is
    no evidence), and ``a``'s output not of ``b``'s input size (64 -> 64 then 64 -> 256 may
    as well be a chain)."""
    if a.type != b.type or (a.line is not None and a.line == b.line):
        return False
    size = _size(a, IN_SIZE)
    if size is None or size != _size(b, IN_SIZE):
        return False
    return _size(a, OUT_SIZE) != size


def _plain(model: Summary) -> bool:
    """A plain stack of layers: no merges, attention or custom blocks, whose flat layer
    list may interleave branches (the parser lists parallel branches one after another);
    residual or attention blocks the reader saw only as a trick count as branches too."""
    if "residual" in model.tricks or "attention" in model.tricks:
        return False
    return not any(t in MERGE_TYPES or t in ATTENTION_TYPES or t == "Custom" for t in model.layer_types)


def _hidden_weight_layers(layers: Sequence[Layer]) -> list[int]:
    """Indices of weight layers that are not an output: not the last weight layer, nor the
    run of identical linear layers before it (a Keras model's several outputs, Dense(1)
    each, listed one after another)."""
    idx = [i for i, lay in enumerate(layers) if lay.type in WEIGHT_TYPES]
    if not idx:
        return []
    last = layers[idx[-1]]
    size = _size(last, OUT_SIZE)
    n = len(idx) - 1
    while n > 0 and size is not None and not _act(last):
        prev = layers[idx[n - 1]]
        if prev.type != last.type or _size(prev, OUT_SIZE) != size or _act(prev) \
                or any(lay.type not in NEUTRAL_TYPES for lay in layers[idx[n - 1] + 1:idx[n]]):
            break
        n -= 1
    return idx[:n]


def _trains(model: Summary) -> bool:
    """Whether the script shows any training set-up (so a missing loss is a slip)."""
    hp = model.hyperparameters
    return bool(hp.metrics) or any(v is not None for v in (hp.optimizer, hp.epochs, hp.batch_size,
                                                          hp.learning_rate, hp.steps))


def _loss_expects(model: Summary) -> str | None:
    """What the model's loss expects from the output, or None when unknown."""
    hp = model.hyperparameters
    raw = hp.loss_raw or ""
    if re.search(r"from_logits\s*=\s*True", raw) or hp.extra.get("from_logits") is True:
        return "logits"
    if hp.extra.get("from_logits") is False:
        return "probabilities"
    last = raw.split("(", 1)[0].rsplit(".", 1)[-1]
    name = norm_key(last) if raw else ""
    if model.framework == "pytorch" and name in TORCH_LOSS_EXPECTS:
        return TORCH_LOSS_EXPECTS[name]
    if model.framework != "pytorch" and (last[:1].isupper() or "." in raw) and "(" not in raw \
            and name in LOSS_EXPECTS and LOSS_EXPECTS[name] == "probabilities":
        # A Keras loss object (SparseCategoricalCrossentropy) or a loss function called in
        # a hand-written loop (tf.losses.categorical_crossentropy(y, out, from_logits=True))
        # takes from_logits; when the parser did not record its arguments, what it expects
        # is unknown. (A compile() string, 'categorical_crossentropy', has no such argument.)
        return None
    if name in LOSS_EXPECTS:
        return LOSS_EXPECTS[name]
    if not raw and model.framework == "keras" and hp.loss in ("categorical_crossentropy",
                                                              "binary_crossentropy"):
        return "probabilities"  # Keras losses default to from_logits=False
    return None


# -- checks -------------------------------------------------------------------------
def _check_missing_loss(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    if model.hyperparameters.loss or model.hyperparameters.loss_raw:
        return []
    n = len(population)
    losses = Counter(s.hyperparameters.loss for s in population if s.hyperparameters.loss)
    k = sum(losses.values())
    common = losses.most_common(1)[0][0] if losses else None
    ev = {"population": n, "set_loss": k, "most_common": common}
    compiled = model.framework == "keras" and bool(model.hyperparameters.optimizer)
    if n and k / n < 0.5 and not compiled:
        # the population rarely states a loss either: no evidence it is missing (a Keras
        # model given an optimizer and no loss is evidence enough: fit() needs one)
        return []
    tail = f"; most use {common}" if common else ""
    if any(t == "Pretrained" for t in model.layer_types):
        return [Finding("missing_loss", INFO,
                        f"no loss found in your script; a pretrained model (e.g. Hugging Face) may "
                        f"compute it itself ({_examples(k, n)} set a loss{tail})", ev)]
    if not _trains(model):
        return [Finding("missing_loss", INFO,
                        f"no loss and no training set-up found in your script ({_examples(k, n)} "
                        f"set a loss{tail})", ev)]
    hp = model.hyperparameters
    if model.framework != "keras" or not hp.optimizer:
        # A PyTorch (or raw TF) loop cannot step without computing a loss: when none was
        # read, it is computed where the reader does not see it (a helper, another file).
        return [Finding("missing_loss", INFO,
                        f"no loss found in your script's training code ({_examples(k, n)} set a loss{tail}); "
                        "if it is computed elsewhere, ignore this", ev)]
    if not hp.metrics and hp.epochs is None and hp.batch_size is None:
        # an optimizer alone is no evidence that the reader saw this model's compile(): it may
        # be a global (OPTIMIZER = Adam()), an agent's compile (keras-rl), a hand-written loop
        return [Finding("missing_loss", INFO,
                        f"no loss found for your model ({_examples(k, n)} set a loss{tail}); if it is "
                        "compiled or trained where the reader does not look, ignore this", ev)]
    seen = f": {_examples(k, n)} set one{tail}" if n else " (no examples to compare with)"
    return [Finding("missing_loss", WARNING, f"your script trains without a loss{seen}", ev)]


def _check_epochs(model: Summary, population: Sequence[Summary], task: str = "") -> list[Finding]:
    found = _epochs_findings(model, population)
    if task in EPISODIC_TASKS:
        # an agent's "epochs" are episodes or frames: thousands of them are ordinary, a note at most
        for f in found:
            if f.kind == "huge_epochs":
                f.kind, f.severity = "unusual_hyperparameter", INFO
                f.evidence["hyperparameter"] = "epochs"
        return found
    # Many epochs that need not be a slip: a ceiling early stopping cuts short, passes over a
    # few generated samples, a GAN's loop counting iterations. Still worth a note.
    why = ("early stopping ends training before this ceiling" if "early_stopping" in model.tricks
           else "on data generated in the script an epoch may be a single step" if "synthetic" in model.datasets
           else "a GAN's training loop often counts iterations, not passes" if task == "image_generation"
           else None)
    for f in found:
        if why and f.kind == "huge_epochs" and f.severity == WARNING:
            f.severity = INFO
            f.message += f"; {why}"
            f.evidence["note"] = why
    return found


def _epochs_findings(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    v = hyperparameter_value(model, "epochs")
    if v is None:
        return []
    xs = _values(population, "epochs")
    if len(xs) < MIN_VALUES:
        if v > HUGE_EPOCHS_ABSOLUTE:
            return [Finding("huge_epochs", WARNING,
                            f"your {fmt_number(v)} epochs is far above what examples use "
                            f"(only {len(xs)} similar examples set epochs; over "
                            f"{HUGE_EPOCHS_ABSOLUTE} passes is rarely needed)",
                            {"value": v, "set_by": len(xs), "threshold": HUGE_EPOCHS_ABSOLUTE})]
        return []
    med, hi, lo = quantile(xs, 0.5), quantile(xs, HIGH_QUANTILE), quantile(xs, LOW_QUANTILE)
    below = sum(1 for x in xs if x < v)
    above = sum(1 for x in xs if x > v)
    ev = {"value": v, "median": med, "p95": hi, "p5": lo, "set_by": len(xs),
          "population": len(population), "examples_below": below, "examples_above": above}
    at_or_above = len(xs) - below
    # An order of magnitude above the median, in the thousands, and set by few examples: a
    # handful of step counts read as epochs (GAN iterations, a char-RNN's "epochs") must not
    # make 5,000 passes look ordinary through the 95th percentile.
    far = (v >= FAR_EPOCHS_MIN and v >= HUGE_EPOCHS_FACTOR * med
           and at_or_above / len(xs) <= FEW_AT_OR_ABOVE)
    if far or (v > hi and v >= LONG_EPOCHS_FACTOR * med):
        # beyond the 95th percentile: huge when 10x the median, or 3x it and in the thousands
        huge = far or (v >= HUGE_EPOCHS_MIN and (v > HUGE_EPOCHS_FACTOR * med or v >= FAR_EPOCHS_MIN))
        return [Finding("huge_epochs" if huge else "unusual_hyperparameter", WARNING if huge else INFO,
                        f"your {fmt_number(v)} epochs is more than {_examples(below, len(xs))} "
                        f"(median {fmt_number(med)})", {**ev, "hyperparameter": "epochs"})]
    if v < lo and v * TINY_EPOCHS_FACTOR <= med:
        return [Finding("unusual_hyperparameter", INFO,
                        f"your {fmt_number(v)} epoch{'s' if v != 1 else ''} is fewer than "
                        f"{_examples(above, len(xs))} (median {fmt_number(med)})",
                        {**ev, "hyperparameter": "epochs"})]
    return []


def _check_learning_rate(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    v = hyperparameter_value(model, "learning_rate")
    if v is None:
        return []
    opt = model.hyperparameters.optimizer
    ceiling = LR_CEILING.get(opt or "", LR_CEILING_UNKNOWN)
    same_opt = [s for s in population if opt and s.hyperparameters.optimizer == opt]
    ref, scope = population, ""
    if len(_values(same_opt, "learning_rate")) >= MIN_SUBGROUP:
        ref, scope = same_opt, f" using {opt}"
    xs = _values(ref, "learning_rate")
    if not scope and opt in LR_CEILING and v <= LR_CEILING[opt] and len(same_opt) < MIN_SUBGROUP:
        # Too few examples share the optimizer to judge its rate against (adadelta's
        # default is 1.0, adam's 1e-3): within its usual range, say nothing.
        return []
    if len(xs) < MIN_VALUES:
        if v > ceiling:
            return [Finding("huge_learning_rate", WARNING,
                            f"your learning rate {fmt_number(v)} is above what {opt or 'common optimizers'} "
                            f"is usually run with (<= {fmt_number(ceiling)}); only {len(xs)} similar "
                            "examples set one", {"value": v, "ceiling": ceiling, "set_by": len(xs)})]
        return []
    med, hi, lo = quantile(xs, 0.5), quantile(xs, HIGH_QUANTILE), quantile(xs, LOW_QUANTILE)
    below = sum(1 for x in xs if x < v)
    above = sum(1 for x in xs if x > v)
    ev = {"value": v, "median": med, "p95": hi, "p5": lo, "set_by": len(xs),
          "population": len(population), "optimizer": opt, "compared_with": f"examples{scope}",
          "examples_below": below, "examples_above": above, "ceiling": ceiling}
    if v > hi and v >= HUGE_LR_FACTOR * med:
        msg = (f"your learning rate {fmt_number(v)} is higher than {_examples(below, len(xs))}"
               f"{scope} (median {fmt_number(med)})")
        if v > ceiling:
            return [Finding("huge_learning_rate", WARNING, msg, ev)]
        return [Finding("unusual_hyperparameter", INFO, msg, {**ev, "hyperparameter": "learning_rate"})]
    if v > ceiling and v > hi:
        return [Finding("huge_learning_rate", WARNING,
                        f"your learning rate {fmt_number(v)} is higher than {_examples(below, len(xs))}"
                        f"{scope} (median {fmt_number(med)}) and above the usual ceiling for "
                        f"{opt or 'common optimizers'} ({fmt_number(ceiling)})", ev)]
    if v < lo and v * TINY_LR_FACTOR <= med:
        return [Finding("unusual_hyperparameter", INFO,
                        f"your learning rate {fmt_number(v)} is lower than {_examples(above, len(xs))}"
                        f"{scope} (median {fmt_number(med)})", {**ev, "hyperparameter": "learning_rate"})]
    return []


def _check_batch_size(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    v = hyperparameter_value(model, "batch_size")
    xs = _values(population, "batch_size")
    if v is None or len(xs) < MIN_VALUES:
        return []
    med, hi, lo = quantile(xs, 0.5), quantile(xs, HIGH_QUANTILE), quantile(xs, LOW_QUANTILE)
    ev = {"hyperparameter": "batch_size", "value": v, "median": med, "p95": hi, "p5": lo,
          "set_by": len(xs), "population": len(population)}
    if v > hi and v >= BATCH_FACTOR * med:
        k = sum(1 for x in xs if x < v)
        # a note even far above: large batches are a choice (multi-GPU, scaled learning rates)
        # outside the seven mistakes
        huge = " (far above: check the learning rate is scaled with it)" if v >= HUGE_BATCH_FACTOR * med else ""
        return [Finding("unusual_hyperparameter", INFO,
                        f"your batch size {fmt_number(v)} is larger than {_examples(k, len(xs))} "
                        f"(median {fmt_number(med)}){huge}", ev)]
    if v < lo and v * BATCH_FACTOR <= med:
        k = sum(1 for x in xs if x > v)
        return [Finding("unusual_hyperparameter", INFO,
                        f"your batch size {fmt_number(v)} is smaller than {_examples(k, len(xs))} "
                        f"(median {fmt_number(med)})", ev)]
    return []


def _check_optimizer(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    opt = model.hyperparameters.optimizer
    opts = Counter(s.hyperparameters.optimizer for s in population if s.hyperparameters.optimizer)
    k = sum(opts.values())
    if not opt or k < 2 * MIN_VALUES:
        return []
    if opts[opt] / k < RARE_SHARE:
        common = ", ".join(f"{o} ({c})" for o, c in opts.most_common(3))
        return [Finding("unusual_hyperparameter", INFO,
                        f"your optimizer {opt} is used by {_examples(opts[opt], k)} that set one "
                        f"(most use {common})",
                        {"hyperparameter": "optimizer", "value": opt, "count": opts[opt], "set_by": k,
                         "most_common": opts.most_common(3)})]
    return []


def _check_loss_fit(model: Summary, population: Sequence[Summary], task: str) -> list[Finding]:
    loss = model.hyperparameters.loss
    if not loss:
        return []
    losses = Counter(s.hyperparameters.loss for s in _same_task(task, population) if s.hyperparameters.loss)
    k = sum(losses.values())
    common = ", ".join(f"{name} ({c})" for name, c in losses.most_common(2))
    ev = {"hyperparameter": "loss", "value": loss, "task": task, "count": losses[loss], "set_by": k,
          "most_common": losses.most_common(3)}
    family = _task_family(task)
    why = LOSS_MISFIT.get((family or "", loss))
    if why and (k == 0 or losses[loss] / k <= KNOWN_WRONG_MAX_SHARE):
        if model.task in (None, "", "unknown"):
            return []  # the task is the population's guess: no evidence the loss misfits the model
        seen = f"; {_examples(losses[loss], k)} for {task.replace('_', ' ')} use it (most use {common})" if k else ""
        # A cross-entropy on a "regression" task more often means the reader guessed the task
        # wrong (the loss is written, the task inferred): a note.
        return [Finding("unusual_hyperparameter", INFO if family == "regression" else WARNING,
                        f"your loss {loss} does not fit {task.replace('_', ' ')}: {why}{seen}", ev)]
    if k >= 2 * MIN_VALUES and losses[loss] / k < RARE_SHARE:
        return [Finding("unusual_hyperparameter", INFO,
                        f"your loss {loss} is used by {_examples(losses[loss], k)} that set one "
                        f"(most use {common})", ev)]
    return []


def _depth(model: Summary) -> int:
    return sum(1 for t in model.layer_types if t in WEIGHT_TYPES | STOP_TYPES)


def _check_dropout(model: Summary, population: Sequence[Summary], task: str) -> list[Finding]:
    weight_layers = _depth(model)
    if has_dropout(model) or len(model.layers) < MIN_LAYERS_FOR_DROPOUT or weight_layers < 2:
        return []
    if task not in DROPOUT_TASKS:
        return []
    ref = _same_task(task, population)
    scope = f" for {task.replace('_', ' ')}" if ref and all(s.task == task for s in ref) else ""
    # Batch normalization regularizes too: judge against the examples that also use it.
    if "BatchNormalization" in model.layer_types:
        bn = [s for s in ref if "BatchNormalization" in s.layer_types]
        if len(bn) >= MIN_SUBGROUP:
            ref, scope = bn, f"{scope} with batch normalization"
    if not ref:
        return []
    k = sum(1 for s in ref if has_dropout(s))
    share = k / len(ref)
    severity = WARNING if share >= DROPOUT_EXPECTED else INFO
    # Deeper models regularize more: a task where few examples use dropout (time series, tabular
    # data, mostly small models) may still use it in most models as deep as yours. Worth a note
    # then; a warning still needs nearly all of the task's examples.
    deeper = [s for s in ref if _depth(s) >= weight_layers]
    n = len(ref)
    if len(deeper) >= MIN_SUBGROUP and len(deeper) < n:
        kd = sum(1 for s in deeper if has_dropout(s))
        if kd / len(deeper) > share and share < DROPOUT_NOTE:
            k, n, share, scope = kd, len(deeper), kd / len(deeper), f"{scope} at least as deep as yours"
    if share < DROPOUT_NOTE:
        return []
    return [Finding("missing_dropout", severity,
                    f"your model has no dropout, while {_examples(k, n)}{scope} use it "
                    f"({100 * share:.0f}%)",
                    {"population": n, "with_dropout": k, "share": round(share, 3), "task": task})]


def _activation_rates(population: Sequence[Summary]) -> dict[str, tuple[float, int]]:
    """Per weight type: (the share of hidden layers with an activation, how many examples have
    such hidden layers), over the population's plain models (where there are enough): the
    flat list of a model with attention puts its query, key and value projections in a row,
    which says nothing about hidden layers. An example weighs at most ``RATE_LAYERS_CAP``
    layers, so one record of many flattened variants (a dispatcher building ten models) does
    not outweigh the rest."""
    plain = [s for s in population if _plain(s)]
    rates: dict[str, list[float]] = {}
    examples: Counter[str] = Counter()
    for s in plain if len(plain) >= MIN_SUBGROUP else population:
        residual = _residual(s)
        mine: dict[str, list[int]] = {}
        for i in _hidden_weight_layers(s.layers):
            if not _feeds_weight_layer(s.layers, i) or _own_class(s.layers[i]):
                continue
            r = mine.setdefault(s.layers[i].type, [0, 0])
            r[1] += 1
            if _activation_after(s.layers, i, residual):
                r[0] += 1
        for t, (a, b) in mine.items():
            w = min(1.0, RATE_LAYERS_CAP / b)
            acc = rates.setdefault(t, [0.0, 0.0])
            acc[0] += a * w
            acc[1] += b * w
            examples[t] += 1
    return {t: (a / b, examples[t]) for t, (a, b) in rates.items()}


def _own_practice(lays: Sequence[Layer], i: int, residual: bool) -> bool:
    """Whether the model's other layers of layer i's type mostly carry a hidden activation
    (relu, tanh; not an output's softmax), so i without one departs from the script itself.
    Not for a narrow code layer between wider ones (an autoencoder's linear bottleneck), nor
    where the sizes that would tell are unknown."""
    t = lays[i].type
    others = [j for j, lay in enumerate(lays) if j != i and lay.type == t and not _own_class(lay)]
    hidden = [j for j in others if (a := _activation_after(lays, j, residual))
              and a not in OUTPUT_ACTIVATIONS and a not in ("merge", "residual", "custom")]
    if len(hidden) < OWN_ACTIVATIONS_MIN or len(hidden) < OWN_ACTIVATION_SHARE * len(others):
        return False
    return _narrow(lays, i) is False


def _into_reshape(lays: Sequence[Layer], j: int) -> bool:
    """Whether layer j's output goes into a Reshape: a decoder's first projection (an
    autoencoder's code, then Dense -> Unflatten), linear by design like the code before it."""
    nxt = next((lay for lay in lays[j + 1:] if lay.type not in NEUTRAL_TYPES), None)
    return nxt is not None and nxt.type == "Reshape"


def _narrow(lays: Sequence[Layer], i: int) -> bool | None:
    """Whether weight layer i is narrower than the weight layers on both sides (a code, a
    bottleneck: linear by design); None when a size that would tell is unknown."""
    size = _size(lays[i], OUT_SIZE)
    weights = [j for j, lay in enumerate(lays) if lay.type in WEIGHT_TYPES]
    k = weights.index(i)
    around = [_size(lays[j], OUT_SIZE) for j in weights[max(0, k - 1):k] + weights[k + 1:k + 2]]
    if size is None or (len(around) == 2 and None in around):
        return None
    return len(around) == 2 and all(s is not None and size < s for s in around)


def _soft_activation(model: Summary, lay: Layer, task: str) -> str | None:
    """Why a missing hidden activation in this model is a note, not a warning, or None."""
    if not _plain(model):
        # the flat list of a model with branches may put two parallel layers side by side
        return "branches"
    if task in EPISODIC_TASKS:
        return "heads"  # an agent's policy and value heads are listed one after the other
    if model.framework == "pytorch" and not any(_act(x) for x in model.layers):
        # none read anywhere: a forward the reader did not follow (pi()/v() methods), or a
        # deliberately linear model
        return "none_read"
    if lay.type in CONV_TYPES and lay.args.get("kernel_size") in (1, [1, 1], (1, 1)):
        return "projection"  # a 1x1 convolution is often a linear projection by design
    return None


def _check_activation(model: Summary, population: Sequence[Summary], task: str) -> list[Finding]:
    out: list[Finding] = []
    layers = model.layers
    ref = _same_task(task, population)
    rates = _activation_rates(ref)
    missing: list[int] = []
    hidden = _hidden_weight_layers(layers)
    # shortcuts explain a linear conv -> BN before an Add, not a model with no activation at all
    residual = _residual(model) and any(_act(x) and _act(x) not in OUTPUT_ACTIVATIONS for x in layers)
    linear = {i for i in hidden if not _activation_after(layers, i, residual) and _feeds_weight_layer(layers, i)
              and not _own_class(layers[i])}
    why: dict[int, str] = {}
    for i in hidden:
        if i not in linear:
            continue
        share, total = rates.get(layers[i].type, (0.0, 0))
        nxt = next((j for j in range(i + 1, len(layers)) if layers[j].type in WEIGHT_TYPES), None)
        prev = next((j for j in range(i - 1, -1, -1) if layers[j].type in WEIGHT_TYPES), None)
        if (nxt is not None and _parallel(layers[i], layers[nxt])) or \
                (prev is not None and _parallel(layers[prev], layers[i])):
            # i sits beside a sibling (a VAE's mean and log-variance, two heads), their outputs
            # joined by code the flat list does not show (sampling): not a stack
            continue
        # the next weight layer is linear too (none, or only a shortcut's Add after it, the
        # output's logits included): the two are one linear map
        chain = nxt is not None and not _own_class(layers[nxt]) and not _narrow(layers, i) \
            and not _into_reshape(layers, nxt) \
            and _activation_after(layers, nxt, residual) in (None, "merge", "residual")
        if chain:
            why[i] = "chain"
        elif _own_practice(layers, i, residual):
            why[i] = "own"
        elif total >= MIN_VALUES and share < ACTIVATION_RATE_MIN:
            # linear layers of this type are common practice here (projections, an
            # autoencoder's code)
            continue
        missing.append(i)
    if missing:
        i = missing[0]
        t = layers[i].type
        share, total = rates.get(t, (0.0, 0))
        if why.get(i) == "chain":
            evidence = "it feeds the next weight layer with no activation between, and two linear layers " \
                       "in a row are one linear map"
        elif why.get(i) == "own":
            evidence = f"your other hidden {t} layers have one"
        elif total >= MIN_VALUES:
            evidence = f"in the {total} examples with hidden {t} layers, {100 * share:.0f}% of them have one"
        else:
            evidence = "a stack of linear layers is one linear map"
        where = ", ".join(f"{layers[j].type} (layer {j + 1})" for j in missing[:4])
        verb = "have" if len(missing) > 1 else "has"
        soft = _soft_activation(model, layers[i], task)
        tail = {"branches": "", "heads": " (an agent's heads may be listed in a row: check)",
                "none_read": " (no activation was read anywhere in this model: if its forward applies them "
                             "where the reader does not look, ignore this)",
                "projection": " (a 1x1 convolution may be a linear projection by design)"}.get(soft or "", "")
        out.append(Finding("missing_activation", INFO if soft else WARNING,
                           f"hidden {where} {verb} no activation: {evidence}{tail}",
                           {"layers": [j + 1 for j in missing], "type": t, "population_share": round(share, 3),
                            "population_examples": total, "why": why.get(i, "population"),
                            **({"note": soft} if soft else {})}))

    # The output: a loss that expects probabilities needs a softmax/sigmoid.
    if not layers or not _is_classifier(model, task):
        return out
    last = layers[-1]
    expects = _loss_expects(model)
    if last.type not in WEIGHT_TYPES or expects not in EXPECTED_OUTPUT:
        return out
    act = last.activation
    if act in EXPECTED_OUTPUT[expects]:
        return out
    pop_cls = [s for s in ref if s.layers and s.layers[-1].type in WEIGHT_TYPES
               and _loss_expects(s) == expects]
    k = sum(1 for s in pop_cls if s.layers[-1].activation in EXPECTED_OUTPUT[expects])
    need = " or ".join(EXPECTED_OUTPUT[expects])
    loss_name = model.hyperparameters.loss_raw or model.hyperparameters.loss
    seen = (f"; {_examples(k, len(pop_cls))} with such a loss end in {need}" if pop_cls else "")
    out.append(Finding("missing_activation", WARNING,
                       f"the output {last.type} has {'no activation' if not act else act} but the loss "
                       f"{loss_name} expects {expects.replace('_', '-')} ({need}; or pass from_logits=True "
                       f"/ use a loss on logits){seen}",
                       {"layer": len(layers), "activation": act, "loss": loss_name, "expects": expects,
                        "population_with": k, "population": len(pop_cls)}))
    return out


def _ending(lays: Sequence[Layer]) -> str:
    """The type a model ends with, past trailing normalization and merge layers (a
    classifier that ends conv -> BN -> Add after its head was removed still ends in
    features). Dropout after an output layer is an order slip, not a missing head: that
    model ends with its output."""
    summed = False
    for i in range(len(lays) - 1, -1, -1):
        t = lays[i].type
        if t in layers.DROPOUT and i > 0 and lays[i - 1].activation in OUTPUT_ACTIVATIONS:
            return lays[i - 1].type
        summed = summed or t in MERGE_TYPES
        if t == "Custom" and re.search(r"norm", lays[i].raw or "", re.IGNORECASE):
            continue  # the script's own RMSNorm/LayerNorm class: a normalization
        if t not in TRAILING_TYPES and summed and lays[i].activation not in OUTPUT_ACTIVATIONS:
            return SUMMED  # the layer before the Add is inside a branch, not the output
        if t not in TRAILING_TYPES:
            if t == "Dense" and _act(lays[i]) and _act(lays[i]) not in OUTPUT_ACTIVATIONS:
                # Dense(128, relu) last: hidden features, the output layer after them is gone
                return HIDDEN_DENSE
            return t
    return lays[-1].type


def _pooled_scores(lays: Sequence[Layer]) -> str | None:
    """Why a model ending in pooling or Flatten may end in class scores: the weight layer
    before that ending is a Dense, or narrower than every earlier weight layer (a 1x1
    convolution to the classes, then global pooling). None otherwise."""
    end = len(lays)
    while end > 0 and (lays[end - 1].type in POOL_TYPES or lays[end - 1].type in TRAILING_TYPES
                       or lays[end - 1].type == "Flatten"):
        end -= 1
    if end == len(lays) or end == 0 or lays[end - 1].type not in WEIGHT_TYPES:
        return None
    if not any(lays[j].type in POOL_TYPES or lays[j].type == "Flatten" for j in range(end, len(lays))):
        return None
    last = lays[end - 1]
    if last.type == "Dense":
        return "a Dense layer's outputs pooled at the end may be the class scores"
    size = _size(last, OUT_SIZE)
    earlier = [_size(x, OUT_SIZE) for x in lays[:end - 1] if x.type in WEIGHT_TYPES]
    earlier = [s for s in earlier if s is not None]
    if size is not None and earlier and all(size < s for s in earlier):
        return f"the last {last.type} narrows to {size} channels before pooling: if those are the classes, fine"
    return None


def _check_dense(model: Summary, population: Sequence[Summary], task: str) -> list[Finding]:
    layers = model.layers
    if not layers or not _is_classifier(model, task):
        return []
    last = _ending(layers)
    if last not in FEATURE_ENDINGS or len(layers) < 2:
        return []
    pooled = _pooled_scores(layers)
    ref = [s for s in _same_task(task, population) if s.layers]
    n = len(ref)
    ends = Counter(_ending(s.layers) for s in ref)
    dense = sum(c for t, c in ends.items() if t in OUTPUT_TYPES)
    ev = {"last_layer": last, "population": n, "end_with_dense": dense, "end_like_yours": ends[last]}
    if n >= MIN_VALUES:
        if dense / n < MOSTLY or ends[last] / n > COMMON_ENDING_SHARE:
            return []  # ending like this is common practice in this population
        msg = (f"your classifier ends with {last}, not a Dense output layer: {_examples(dense, n)} "
               f"end with Dense (and {ends[last]} with {last})")
    else:
        msg = f"your classifier ends with {last}, not a Dense output layer mapping features to classes"
    if last == HIDDEN_DENSE and not pooled:
        sizes = [_size(x, OUT_SIZE) for x in layers if x.type in WEIGHT_TYPES]
        if sizes[-1] is not None and len(sizes) > 1 and all(s is not None and sizes[-1] < s for s in sizes[:-1]):
            pooled = "the last Dense is the narrowest layer: if it is the output, a hidden activation on class " \
                     "scores is unusual"
    if pooled:
        # the last weight layer may give the class scores, pooled over positions or frames (an
        # all-convolutional head, a Dense per video frame averaged): a note
        return [Finding("missing_dense", INFO, f"{msg} ({pooled})", {**ev, "note": "pooled"})]
    # A model the script never trains may be a block or a feature extractor whose head is
    # added elsewhere (a ResNet stage, an inception module): a note.
    return [Finding("missing_dense", WARNING if _trains(model) else INFO, msg, ev)]


def _order_matches(rule: OrderRule, layers: Sequence[Layer]) -> int | None:  # noqa: C901 - one short branch per order pattern
    """Index of the layer where ``rule`` applies to ``layers``, or None."""
    types = [lay.type for lay in layers]
    if not types:
        return None
    if rule.pattern == "first":
        return 0 if types[0] in rule.a and len(types) > 1 else None
    if rule.pattern == "before":
        for i, t in enumerate(types):
            if t in rule.a:
                for j in range(i + 1, len(types)):
                    if types[j] in rule.unless:
                        break
                    if types[j] in rule.b:
                        return i
            elif t in rule.b and rule.before_first_b:
                return None
        return None
    if rule.pattern == "after_output":
        if len(types) >= 2 and types[-1] in rule.a:
            j = len(types) - 2
            while j >= 0 and types[j] in rule.a:
                j -= 1
            if j >= 0 and layers[j].activation in OUTPUT_ACTIVATIONS:
                return len(types) - 1
        return None
    if rule.pattern == "mid_softmax":
        if any(t in ATTENTION_TYPES for t in types):
            return None
        for i, lay in enumerate(layers[:-1]):
            if lay.activation == "softmax" and any(x.type in WEIGHT_TYPES | STOP_TYPES
                                                   for x in layers[i + 1 :]):
                return i
        return None
    raise ValueError(f"unknown order pattern {rule.pattern!r}")


def _check_order(model: Summary, population: Sequence[Summary]) -> list[Finding]:
    out: list[Finding] = []
    n = len(population)
    flagged: set[int] = set()
    for rule in KNOWN_WRONG_ORDERS:
        at = _order_matches(rule, model.layers)
        if at is None or at in flagged:
            continue  # one misplaced layer, one finding (Flatten first is also "before pooling")
        k = sum(1 for s in population if _order_matches(rule, s.layers) is not None)
        if n and k / n > KNOWN_WRONG_MAX_SHARE:
            continue  # this population does it: a practice, not a slip
        flagged.update({at, at + 1})
        # a flat list of a model with branches may put a layer of one branch before another's
        out.append(Finding("unusual_layer_order", WARNING if _plain(model) else INFO,
                           f"{rule.description} (layer {at + 1}, {model.layers[at].type}): "
                           f"{_examples(k, n)} do this",
                           {"rule": rule.name, "layer": at + 1, "population_with": k, "population": n}))

    # Data-driven: a step between two types the population uses a lot but never in that order.
    if n < MIN_VALUES:
        return out
    seqs = [tokens(s) for s in population]
    uses = Counter(t for seq in seqs for t in set(seq))
    pairs = Counter(b for seq in seqs for b in set(ngrams(seq, 2)))
    seen: set[tuple[str, ...]] = set()
    for i, bg in enumerate(ngrams(tokens(model), 2)):
        if bg in seen or i in flagged or i + 1 in flagged or bg[0] == bg[1]:
            continue
        seen.add(bg)
        if pairs[bg] == 0 and min(uses[bg[0]], uses[bg[1]]) >= max(2, BIGRAM_COMMON_SHARE * n):
            follows = Counter(b[1] for seq in seqs for b in set(ngrams(seq, 2)) if b[0] == bg[0])
            usual = ", ".join(f"{t} ({c})" for t, c in follows.most_common(2))
            out.append(Finding("unusual_layer_order", INFO,
                               f"{bg[0]} -> {bg[1]} (layers {i + 1}-{i + 2}) appears in none of the "
                               f"{n} examples, though {uses[bg[0]]} use {bg[0]} and {uses[bg[1]]} use "
                               f"{bg[1]}; after {bg[0]} they use {usual}",
                               {"bigram": list(bg), "layer": i + 1, "population_with": 0, "population": n,
                                "uses_first": uses[bg[0]], "uses_second": uses[bg[1]]}))
            if sum(1 for f in out if f.severity == INFO) >= MAX_BIGRAM_FINDINGS:
                break
    return out


def compare(model: Summary, population: Sequence[Summary],
            reference: Sequence[Summary] | None = None) -> list[Finding]:
    """How ``model`` differs from the common choices of ``population``.

    Args:
        model: the user's model (a parsed summary; never executed).
        population: the retrieved examples (the model itself is left out if present).
        reference: examples of the model's task chosen without regard to its layers
            (``PopulationChoice.reference``), for how common a practice is (dropout):
            the population, ranked by the model's own layers, leans towards models
            like it. None: the population.

    Returns:
        Findings, warnings first, each with a message quoting the population
        and an ``evidence`` dict. Empty for an ordinary model.
    """
    population = [s for s in population if s.id != model.id]
    practice = [s for s in reference if s.id != model.id] if reference else population
    task = _model_task(model, population)
    checks: list[Callable[[], list[Finding]]] = [
        lambda: _check_missing_loss(model, population),
        lambda: _check_activation(model, population, task),
        lambda: _check_dense(model, population, task),
        lambda: _check_dropout(model, practice, task),
        lambda: _check_order(model, population),
        lambda: _check_epochs(model, population, task),
        lambda: _check_learning_rate(model, population),
        lambda: _check_batch_size(model, population),
        lambda: _check_optimizer(model, population),
        lambda: _check_loss_fit(model, population, task),
    ]
    findings = [f for check in checks for f in check()]
    for f in findings:
        f.evidence = {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v)
                      for k, v in f.evidence.items()}
    return sorted(findings, key=lambda f: f.severity != WARNING)


# -- choosing the population --------------------------------------------------------
# A pasted model is compared with the examples most like it first: those of its own
# dataset on its task, then its dataset's family on that task, then its task, then
# (only when still short) the nearest examples of any task. Each tier is ranked by the
# same words (the chat's question, or the model's task, datasets and layers).
# Datasets that name no benchmark: no tier of their own.
UNNAMED_DATASETS = frozenset({"custom", "synthetic"})
# How many layer types go into the inferred words (the embedding sees the start best).
QUERY_LAYERS = 12
# Index fields the chat filters by (the others narrow after retrieval).
# How many of the task's examples the practice reference samples (seeded: the same answer each time).
REFERENCE_SAMPLE, REFERENCE_SEED = 400, 0
INDEX_FILTERS = ("dataset", "framework", "task", "trick", "layer_type", "min_layers", "max_layers")


@dataclass
class Tier:
    """One part of a population: what it holds, and how many examples it gave."""

    what: str  # "dataset", "family", "task", "nearest"
    label: str  # in words: "CIFAR-10 image classification"
    filters: dict[str, Any]
    count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PopulationChoice:
    """The examples a model is compared with, and how they were chosen.

    Attributes:
        summaries, scores: the examples, tier by tier, each tier best first.
        query: the words the examples were ranked by.
        filters: the chat's (or the command line's) filters kept in every tier.
        tiers: the tiers that gave examples, in order.
        understood: what the words were read as (``index.understand``).
        notes: sentences about relaxed filters.
    """

    summaries: list[Summary]
    scores: list[float]
    query: str
    filters: dict[str, Any]
    tiers: list[Tier]
    understood: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the model's task's examples ranked by the task's words alone (see ``compare``'s reference)
    reference: list[Summary] = field(default_factory=list)

    def how(self) -> str:
        """In words: "62 CIFAR-10 image classification examples, then 38 of image classification"."""
        from corpus.knowledge.vocab import label

        if not self.tiers:
            return "no examples"
        parts = []
        for i, t in enumerate(self.tiers):
            parts.append(f"{t.count} {t.label} example{'s' if t.count != 1 else ''}" if i == 0
                          else f"then {t.count} {t.label}")
        text = ", ".join(parts)
        if self.filters:
            text += " (with " + ", ".join(f"{k} {label(v) if isinstance(v, str) else v}"
                                         for k, v in self.filters.items()) + ")"
        return f"{text}, ranked by {self.query!r}"

    def to_dict(self) -> dict[str, Any]:
        return {"count": len(self.summaries), "query": self.query, "filters": dict(self.filters),
                "understood": dict(self.understood), "how": self.how(), "notes": list(self.notes),
                "tiers": [t.to_dict() for t in self.tiers], "ids": [s.id for s in self.summaries]}


# The details the checks judge stay out of the words the population is ranked by:
# a model without dropout must not be ranked among the examples without dropout and
# then found ordinary for it (likewise normalization and activation layers). A
# classifier's words always name its Dense head, so one that lacks it is still
# compared with classifiers that have one.
QUERY_SKIP = layers.DROPOUT | layers.NORMALIZATION | {"Activation"}


def inferred_query(model: Summary) -> str:
    """Words for retrieval from what the parser read: task, datasets and layer types (in
    order of first use, without dropout, normalization and activation layers; a
    classifier's always with ``Dense``)."""
    words = []
    if model.task and model.task != "unknown":
        words.append(model.task.replace("_", " "))
    words += [d for d in model.datasets if d not in UNNAMED_DATASETS]
    seen: list[str] = []
    for t in model.layer_types:
        if t not in QUERY_SKIP and t not in seen:
            seen.append(t)
    seen = seen[:QUERY_LAYERS]
    if model.task in CLASSIFICATION_TASKS and "Dense" not in seen:
        seen.append("Dense")
    words += seen
    return " ".join(words) or "neural network model"


def _tier_plan(model: Summary, filters: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(what, label, filters) per tier, most specific first; the chat's filters win."""
    from corpus.knowledge.datasets import family_of
    from corpus.knowledge.vocab import label

    task = filters.get("task") or (model.task if model.task not in (None, "", "unknown") else None)
    task_words = label(task) if task else ""
    named = [filters["dataset"]] if filters.get("dataset") else \
        [d for d in model.datasets if d not in UNNAMED_DATASETS]
    plan: list[tuple[str, str, dict[str, Any]]] = []
    on_task = {"task": task} if task else {}
    for d in named:
        plan.append(("dataset", f"{label(d)} {task_words}".strip(), {**filters, "dataset": d, **on_task}))
    if not filters.get("dataset"):
        members: list[str] = []
        for d in named:
            fam = family_of(d)
            members += [m for m in (fam.members if fam else ()) if m not in named and m not in members]
        for m in members:
            plan.append(("family", f"{label(m)} {task_words} (same family)".strip(),
                         {**filters, "dataset": m, **on_task}))
    if task:
        plan.append(("task", f"other {task_words}", {**filters, "task": task}))
    if not filters.get("task"):
        plan.append(("nearest", "nearest of any task", {k: v for k, v in filters.items() if k != "task"}))
    return plan


def choose_population(index: Any, model: Summary, k: int = 100, query: str | None = None,
                      filters: dict[str, Any] | None = None) -> PopulationChoice:
    """The examples to compare ``model`` with: its own dataset and task first.

    Tiers, each ranked by the words (``query``, else :func:`inferred_query`):
    the model's datasets on its task; the datasets of their family on that
    task; the rest of its task; the nearest of any task (only while short of
    ``k``). ``filters`` (the chat's) hold in every tier; a dataset or task
    among them replaces the model's own. When nothing matches the filters,
    they are dropped and a note says so.

    Args:
        index: an ``index.search.ExampleIndex`` (or anything with its ``search``).
        model: the parsed model (left out of its own population).
        k: how many examples in all.
        query: the words to rank by (the chat's question, ``--task``); None: inferred.
        filters: index filters kept in every tier (``INDEX_FILTERS`` fields).
    """
    from index.search import Filters

    filters = {f: v for f, v in (filters or {}).items() if f in INDEX_FILTERS and v is not None}
    text = (query or "").strip() or inferred_query(model)
    notes: list[str] = []
    choice = _fill_tiers(index, model, k, text, filters, Filters)
    if not choice.summaries and filters:
        from assistant.session import describe_filters

        notes.append(f"no examples match {describe_filters(filters)}: compared without those filters")
        choice = _fill_tiers(index, model, k, text, {}, Filters)
    choice.notes = notes + choice.notes
    task = choice.filters.get("task") or (model.task if model.task not in (None, "", "unknown") else None)
    if task:
        choice.reference = _task_sample(index, model, Filters(**{**choice.filters, "task": task}))
    return choice


def _task_sample(index: Any, model: Summary, filters: Any) -> list[Summary]:
    """A seeded random sample of the examples matching ``filters`` (the model's task): how
    common a practice is there, unbiased by the words (any ranking by words leans towards
    examples whose text is like the query: short models without dropout for "image
    classification"). Empty when the index cannot list its rows."""
    import random

    meta, records = getattr(index, "meta", None), getattr(index, "records", None)
    if meta is None or records is None:
        return []
    rows = meta.rows(filters)
    rows = list(range(len(records))) if rows is None else [int(r) for r in rows]
    if len(rows) > REFERENCE_SAMPLE:
        rows = sorted(random.Random(REFERENCE_SEED).sample(rows, REFERENCE_SAMPLE))
    return [s for s in (records.get(r) for r in rows) if s.id != model.id]


def _fill_tiers(index: Any, model: Summary, k: int, text: str, filters: dict[str, Any],
                filters_cls: Any) -> PopulationChoice:
    taken: set[str] = {model.id}
    summaries: list[Summary] = []
    scores: list[float] = []
    tiers: list[Tier] = []
    understood: dict[str, Any] = {}
    notes: list[str] = []
    for what, words, tier_filters in _tier_plan(model, filters):
        need = k - len(summaries)
        if need <= 0:
            break
        result = index.search(text, k=need + len(taken), filters=filters_cls(**tier_filters),
                              understand="soft", fill=False)
        if not understood:
            understood = dict(getattr(result, "understood", {}) or {})
        got = [h for h in result.hits if h.summary.id not in taken][:need]
        if not got:
            continue
        for h in got:
            taken.add(h.summary.id)
            summaries.append(h.summary)
            scores.append(float(h.score))
        tiers.append(Tier(what, words, tier_filters, len(got)))
    return PopulationChoice(summaries, scores, text, filters, tiers, understood, notes)
