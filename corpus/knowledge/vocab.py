"""Canonical values shared by every framework: activations, optimizers, losses.

Framework knowledge is data: to teach the parser a new spelling, add a row.
Keys are matched on the last segment of a dotted name, case-insensitively
with ``_`` removed (``tf.keras.optimizers.Adam``, ``optim.Adam``,
``tf.train.AdamOptimizer`` and ``'adam'`` all meet at ``adam``).
"""

from __future__ import annotations


def norm_key(name: str) -> str:
    """``tf.keras.losses.SparseCategoricalCrossentropy`` -> ``sparsecategoricalcrossentropy``."""
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
}

# Losses: Keras strings and classes, torch criteria and functions, tf.losses.
LOSSES: dict[str, str] = {
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparsecategoricalcrossentropy": "categorical_crossentropy",
    "crossentropyloss": "categorical_crossentropy",
    "crossentropy": "categorical_crossentropy",
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
