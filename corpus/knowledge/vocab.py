"""Canonical values shared by every framework: activations, optimizers, losses.

Framework knowledge is data: to teach the parser a new spelling, add a row.
Keys are matched on the last segment of a dotted name, case-insensitively
with ``_`` removed (``tf.keras.optimizers.Adam``, ``optim.Adam``,
``tf.train.AdamOptimizer`` and ``'adam'`` all meet at ``adam``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_ALNUM = re.compile(r"[^a-z0-9]")

# the receiver of a ``.sample(n)`` that draws a training minibatch (a replay buffer, reinforcement learning)
REPLAY_RECEIVER = re.compile(r"(?i)buffer|memory|replay|\bmem\b|\brb\b")


def fold(text: str) -> str:
    """The one folding of names people write: ``CIFAR-100`` / ``cifar 100`` / ``Cifar_100`` -> ``cifar100``.

    Lower case, ASCII letters and digits only. Used wherever a name or a key
    is matched whatever its spelling (datasets, question words, filter values).
    """
    return _NOT_ALNUM.sub("", text.lower())


def norm_key(name: str) -> str:
    """``tf.keras.losses.SparseCategoricalCrossentropy`` -> ``sparsecategoricalcrossentropy``.

    The key of a spelling in code: the last segment of a dotted name, without
    ``_``, lower case. Narrower than :func:`fold` on purpose: it runs on every
    call name the readers meet, and keeps the parser's output as it was for
    strings with other punctuation (``'binary-crossentropy'``).
    """
    return name.rsplit(".", 1)[-1].replace("_", "").lower()


# Activation spellings: strings (`activation='relu'`), functions (`F.relu`,
# `tf.nn.relu`, `torch.sigmoid`) and layers (`nn.ReLU`, `LeakyReLU`).
ACTIVATIONS: dict[str, str] = {
    "relu": "relu", "relu6": "relu", "crelu": "relu",
    "leakyrelu": "leaky_relu", "lrelu": "leaky_relu", "prelu": "leaky_relu", "rrelu": "leaky_relu",
    "elu": "elu", "celu": "elu",
    "selu": "selu",
    "gelu": "gelu", "approximategelu": "gelu",
    "sigmoid": "sigmoid", "hardsigmoid": "sigmoid", "logsigmoid": "sigmoid",
    "tanh": "tanh", "hardtanh": "tanh",
    "softmax": "softmax", "softmax2d": "softmax",
    "logsoftmax": "log_softmax",
    "swish": "swish", "silu": "swish", "mish": "swish", "hardswish": "swish",
    "linear": "linear", "identity": "linear",
    "softplus": "linear", "softsign": "tanh",
}

OPTIMIZERS: dict[str, str] = {
    "sgd": "sgd", "gradientdescentoptimizer": "sgd", "gradientdescent": "sgd",
    "momentumoptimizer": "sgd", "momentum": "sgd", "asgd": "sgd",
    "adam": "adam", "adamoptimizer": "adam", "sparseadam": "adam", "radam": "adam", "lazyadam": "adam",
    "adamw": "adamw", "adamwoptimizer": "adamw",
    "rmsprop": "rmsprop", "rmspropoptimizer": "rmsprop",
    "adagrad": "adagrad", "adagradoptimizer": "adagrad",
    "adadelta": "adadelta", "adadeltaoptimizer": "adadelta",
    "adamax": "adamax",
    "nadam": "nadam",
    "lbfgs": "lbfgs",
    # differentially private variants (tensorflow_privacy): the optimizer they clip and noise
    "dpgradientdescentgaussianoptimizer": "sgd", "dpgradientdescentoptimizer": "sgd", "dpkerassgdoptimizer": "sgd",
    "vectorizeddpkerassgdoptimizer": "sgd", "dpadamgaussianoptimizer": "adam", "dpkerasadamoptimizer": "adam",
    "dpadamoptimizer": "adam", "dpkerasadagradoptimizer": "adagrad", "dpadagradoptimizer": "adagrad",
    # Adam as BERT's and the Transformer paper's code wrap it
    "bertadam": "adamw", "noamopt": "adam",
    # variants of a listed optimizer, named for the one they adapt (adabelief_pytorch, a repository's LARS, LAMB)
    "adabelief": "adam", "adabound": "adam", "lars": "sgd", "larsoptimizer": "sgd", "lamb": "adamw",
    # k2's icefall recipes: ScaledAdam (zipformer, VALL-E) and Eve, Adam variants of its own ``optim.py``
    "scaledadam": "adam", "eve": "adam",
}

# Losses: Keras strings and classes, torch criteria and functions, tf.losses.
LOSSES: dict[str, str] = {
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparsecategoricalcrossentropy": "categorical_crossentropy",
    "crossentropyloss": "categorical_crossentropy",
    "crossentropy": "categorical_crossentropy",
    # cross-entropy against smoothed targets, as repositories write it by hand
    "labelsmoothing": "categorical_crossentropy", "labelsmoothingcrossentropy": "categorical_crossentropy",
    "nllloss": "categorical_crossentropy",
    "nllloss2d": "categorical_crossentropy",
    "nll": "categorical_crossentropy",
    "softmaxcrossentropywithlogits": "categorical_crossentropy",
    "softmaxcrossentropywithlogitsv2": "categorical_crossentropy",
    "sparsesoftmaxcrossentropywithlogits": "categorical_crossentropy",
    "softmaxcrossentropy": "categorical_crossentropy",
    "sparsesoftmaxcrossentropy": "categorical_crossentropy",
    "sequenceloss": "categorical_crossentropy",  # tf.contrib.seq2seq: a softmax CE per time step
    "binarycrossentropy": "binary_crossentropy",
    "logloss": "binary_crossentropy",  # tf.losses.log_loss: the cross-entropy of a probability against 0/1 labels
    "bceloss": "binary_crossentropy",
    "bcewithlogitsloss": "binary_crossentropy",
    "bce": "binary_crossentropy",
    "binarycrossentropywithlogits": "binary_crossentropy",
    "sigmoidcrossentropywithlogits": "binary_crossentropy",
    "sigmoidcrossentropy": "binary_crossentropy",
    "meansquarederror": "mse", "mse": "mse", "mseloss": "mse", "l2loss": "mse", "meansquarederrorloss": "mse",
    "meanabsoluteerror": "mae", "mae": "mae", "l1loss": "mae", "absolutedifference": "mae",
    "huber": "huber", "huberloss": "huber", "smoothl1loss": "huber",
    "kldivergence": "kl_divergence", "kld": "kl_divergence", "kldivloss": "kl_divergence",
    "kullbackleiblerdivergence": "kl_divergence",
    "ctc": "ctc", "ctcloss": "ctc",
    "hinge": "hinge", "squaredhinge": "hinge", "categoricalhinge": "hinge",
    "hingeembeddingloss": "hinge", "multimarginloss": "hinge", "marginrankingloss": "hinge",
    "cosinesimilarity": "cosine", "cosineembeddingloss": "cosine", "cosineproximity": "cosine",
    "meansquaredlogarithmicerror": "mse", "msle": "mse",
    # A percentage error weighs each error by the target's size: not the spec's mae.
    "meanabsolutepercentageerror": "other", "mape": "other",
    "poisson": "other", "poissonnllloss": "other", "tripletmarginloss": "other", "logcosh": "other",
}


def canonical_activation(name: str | None) -> str | None:
    """Canonical activation for a spelling, or None if it is not one."""
    if not name:
        return None
    return ACTIVATIONS.get(norm_key(name))


def canonical_optimizer(name: str | None) -> str | None:
    if not name:
        return None
    return OPTIMIZERS.get(norm_key(name))


def canonical_loss(name: str | None) -> str | None:
    """Canonical loss for a spelling; ``other`` for a loss-like name we do not know."""
    if not name:
        return None
    key = norm_key(name)
    if key in LOSSES:
        return LOSSES[key]
    if key.endswith("loss") and key[:-4] in LOSSES:
        return LOSSES[key[:-4]]
    return None


# Learning-rate schedulers the readers know, by class or function name ->
# (library, what it is called). Calling one is the ``lr_schedule`` trick; the
# TensorFlow ones also start from the learning rate (keras_layers.LR_SCHEDULES).
SCHEDULERS: dict[str, tuple[str, str]] = {
    "StepLR": ("pytorch", "step decay"), "MultiStepLR": ("pytorch", "multi-step decay"),
    "ExponentialLR": ("pytorch", "exponential decay"), "CosineAnnealingLR": ("pytorch", "cosine annealing"),
    "CosineAnnealingWarmRestarts": ("pytorch", "cosine annealing with restarts"),
    "CyclicLR": ("pytorch", "cyclic"), "OneCycleLR": ("pytorch", "one-cycle"), "LambdaLR": ("pytorch", "custom"),
    "PolynomialLR": ("pytorch", "polynomial decay"), "LinearLR": ("pytorch", "linear"),
    "SequentialLR": ("pytorch", "sequential"), "MultiplicativeLR": ("pytorch", "multiplicative"),
    "ConstantLR": ("pytorch", "constant"), "ChainedScheduler": ("pytorch", "chained"),
    "ExponentialDecay": ("tensorflow", "exponential decay"), "InverseTimeDecay": ("tensorflow", "inverse time decay"),
    "PiecewiseConstantDecay": ("tensorflow", "piecewise constant"),
    "PolynomialDecay": ("tensorflow", "polynomial decay"), "CosineDecay": ("tensorflow", "cosine decay"),
    "CosineDecayRestarts": ("tensorflow", "cosine decay with restarts"),
    "exponential_decay": ("tensorflow", "exponential decay"), "piecewise_constant": ("tensorflow", "piecewise constant"),
    "polynomial_decay": ("tensorflow", "polynomial decay"), "cosine_decay": ("tensorflow", "cosine decay"),
    "inverse_time_decay": ("tensorflow", "inverse time decay"), "natural_exp_decay": ("tensorflow", "exponential decay"),
    "ReduceLROnPlateau": ("keras", "reduce on plateau"), "LearningRateScheduler": ("keras", "custom"),
    "CosineAnnealingScheduler": ("keras", "cosine annealing"),
    "get_linear_schedule_with_warmup": ("transformers", "linear with warm-up"),
    "get_cosine_schedule_with_warmup": ("transformers", "cosine with warm-up"),
    "get_scheduler": ("transformers", "named schedule"),
    "LearningRateMonitor": ("lightning", "monitored schedule"),
}


# -- display names -------------------------------------------------------------------
@dataclass(frozen=True)
class Name:
    """How one canonical value is shown (datasette's ``display`` / ``human_template`` pair).

    value: as stored in a summary (``categorical_crossentropy``).
    kind: ``framework``, ``optimizer``, ``loss``, ``activation``, ``trick``, ``task`` or ``dataset``.
    label: short, for chips, table cells and figure labels; default: the
        value with ``_`` as spaces.
    prose: inside a sentence ("the usual loss is ..."); default: the label.
    """

    value: str
    kind: str
    label: str
    prose: str


def _rows(kind: str, *rows: str | tuple[str, str | None] | tuple[str, str | None, str]) -> tuple[Name, ...]:
    """``"sgd"`` or ``("sgd", "SGD")`` or ``("mse", "MSE", "mean squared error")`` -> Name rows."""
    out = []
    for row in rows:
        value, *words = (row,) if isinstance(row, str) else row
        label = (words[0] if words else None) or value.replace("_", " ")
        out.append(Name(value, kind, label, words[1] if len(words) > 1 and words[1] else label))
    return tuple(out)


NAMES: tuple[Name, ...] = (
    *_rows("framework", ("pytorch", "PyTorch"), ("keras", "Keras"), ("tensorflow", "TensorFlow"), ("jax", "JAX"),
           "unknown"),
    *_rows("optimizer", ("sgd", "SGD"), ("adam", "Adam"), ("adamw", "AdamW"), ("rmsprop", "RMSprop"),
           ("adagrad", "Adagrad"), ("adadelta", "Adadelta"), ("adamax", "Adamax"), ("nadam", "Nadam"),
           ("lbfgs", "L-BFGS")),
    *_rows("loss", ("categorical_crossentropy", "cross-entropy", "categorical cross-entropy"),
           ("binary_crossentropy", "binary cross-entropy"), ("mse", "MSE", "mean squared error"),
           ("mae", "MAE", "mean absolute error"), ("huber", None, "Huber loss"),
           ("kl_divergence", "KL divergence"), ("ctc", "CTC", "CTC loss"), "hinge",
           ("cosine", None, "cosine loss"), ("other", None, "a less common loss")),
    *_rows("activation", ("relu", "ReLU"), ("leaky_relu", "leaky ReLU"), ("elu", "ELU"), ("selu", "SELU"),
           ("gelu", "GELU"), "sigmoid", "tanh", "softmax", ("log_softmax", "log-softmax"), "swish", "linear"),
    *_rows("trick", "dropout", ("batch_norm", "batch norm", "batch normalization"),
           ("layer_norm", "layer norm", "layer normalization"), "attention",
           ("residual", None, "residual connections"), ("data_augmentation", None, "data augmentation"),
           ("early_stopping", None, "early stopping"), ("lr_schedule", "LR schedule", "learning-rate schedules"),
           ("weight_decay", None, "weight decay"), ("gradient_clipping", None, "gradient clipping"),
           ("pretrained_weights", None, "pretrained weights"), ("transfer_learning", None, "transfer learning"),
           ("bidirectional", None, "bidirectional RNNs"), ("embedding_pretrained", None, "pretrained embeddings"),
           ("mixed_precision", None, "mixed precision"), ("checkpointing", None, "checkpoints")),
    *_rows("task", "image_classification", "object_detection", "image_segmentation", "image_generation",
           "text_classification", "sequence_labeling", "machine_translation", "language_modeling",
           "text_generation", "question_answering", "speech_recognition", "audio_classification",
           "time_series_forecasting", "tabular_regression", "tabular_classification", "recommendation",
           "reinforcement_learning", "representation_learning", "graph_learning", "summarization",
           "image_captioning", "speech_synthesis", "anomaly_detection", "unknown"),
    # The datasets people name most; other datasets show as their value.
    *_rows("dataset", ("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST"), ("cifar10", "CIFAR-10"),
           ("cifar100", "CIFAR-100"), ("svhn", "SVHN"), ("stl10", "STL-10"), ("imagenet", "ImageNet"),
           ("coco", "COCO"), ("voc", "Pascal VOC"), ("celeba", "CelebA"), ("imdb", "IMDB"), ("reuters", "Reuters"),
           ("ag_news", "AG News"), ("sst2", "SST-2"), ("yelp", "Yelp"), ("ptb", "Penn Treebank"),
           ("wikitext2", "WikiText-2"), ("squad", "SQuAD"), ("multi30k", "Multi30k"),
           ("boston_housing", "Boston housing"), ("california_housing", "California housing"), ("iris", "Iris"),
           ("titanic", "Titanic"), ("speech_commands", "Speech Commands"), ("librispeech", "LibriSpeech"),
           ("movielens", "MovieLens"), ("cora", "Cora")),
)
_BY_VALUE: dict[str, Name] = {}
for _n in NAMES:
    _BY_VALUE.setdefault(_n.value, _n)  # "unknown" is a framework and a task: both show as "unknown"
# value -> short label, for every value with a row
LABELS: dict[str, str] = {n.value: n.label for n in _BY_VALUE.values()}


def names_of(kind: str) -> tuple[str, ...]:
    """The values of one kind that have a row, in table order."""
    return tuple(n.value for n in NAMES if n.kind == kind)


def label(value: str | None) -> str:
    """``cifar100`` -> ``CIFAR-100``, ``image_classification`` -> ``image classification``."""
    if value is None:
        return ""
    row = _BY_VALUE.get(value)
    return row.label if row else value.replace("_", " ")


def prose(value: object) -> str:
    """A value inside a sentence: ``binary_crossentropy`` -> ``binary cross-entropy``.

    Unknown values: underscores become spaces.
    """
    key = str(value)
    row = _BY_VALUE.get(key) or _BY_VALUE.get(key.lower())
    return row.prose if row else key.replace("_", " ")
