"""JAX knowledge as data: Flax layers, functional ops, optax optimizers, losses and schedules.

To teach the JAX reader a new layer, add a row here. Keys are the last
segment of the name as written (``nn.Conv`` -> ``Conv``); the reader checks
separately that the name comes from Flax (``flax.linen`` or ``flax.nnx``).
Types are canonical (``corpus.knowledge.layers``).
"""

from __future__ import annotations

# flax.linen class -> (canonical type, positional argument names in order). A convolution's
# dimension comes from its kernel_size (Conv2D when it cannot be read).
LINEN_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Dense": ("Dense", ("features",)),
    "DenseGeneral": ("Dense", ("features",)),
    "Conv": ("Conv2D", ("features", "kernel_size", "strides", "padding")),
    "ConvTranspose": ("Conv2DTranspose", ("features", "kernel_size", "strides", "padding")),
    "ConvLocal": ("LocallyConnected2D", ("features", "kernel_size", "strides", "padding")),
    "Dropout": ("Dropout", ("rate",)),
    "BatchNorm": ("BatchNormalization", ("use_running_average",)),
    "LayerNorm": ("LayerNormalization", ("epsilon",)),
    "RMSNorm": ("LayerNormalization", ("epsilon",)),
    "GroupNorm": ("GroupNormalization", ("num_groups",)),
    "Embed": ("Embedding", ("num_embeddings", "features")),
    "LSTMCell": ("LSTM", ("features",)),
    "OptimizedLSTMCell": ("LSTM", ("features",)),
    "ConvLSTMCell": ("ConvLSTM2D", ("features", "kernel_size")),
    "GRUCell": ("GRU", ("features",)),
    "SimpleCell": ("SimpleRNN", ("features",)),
    "MultiHeadDotProductAttention": ("MultiHeadAttention", ("num_heads",)),
    "MultiHeadAttention": ("MultiHeadAttention", ("num_heads",)),
    "SelfAttention": ("MultiHeadAttention", ("num_heads",)),
}

# flax.nnx class -> (canonical type, positional argument names in order): nnx layers take their
# input size first (``nnx.Linear(784, 128, rngs=rngs)``).
NNX_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Linear": ("Dense", ("in_features", "out_features")),
    "LinearGeneral": ("Dense", ("in_features", "out_features")),
    "Conv": ("Conv2D", ("in_features", "out_features", "kernel_size", "strides", "padding")),
    "ConvTranspose": ("Conv2DTranspose", ("in_features", "out_features", "kernel_size", "strides", "padding")),
    "Dropout": ("Dropout", ("rate",)),
    "BatchNorm": ("BatchNormalization", ("num_features",)),
    "LayerNorm": ("LayerNormalization", ("num_features",)),
    "RMSNorm": ("LayerNormalization", ("num_features",)),
    "GroupNorm": ("GroupNormalization", ("num_features", "num_groups")),
    "Embed": ("Embedding", ("num_embeddings", "features")),
    "LSTMCell": ("LSTM", ("in_features", "hidden_features")),
    "OptimizedLSTMCell": ("LSTM", ("in_features", "hidden_features")),
    "GRUCell": ("GRU", ("in_features", "hidden_features")),
    "SimpleCell": ("SimpleRNN", ("in_features", "hidden_features")),
    "MultiHeadAttention": ("MultiHeadAttention", ("num_heads", "in_features")),
}

# the argument that holds a layer's output size (-> args.units for Dense, args.filters for convolutions)
OUTPUT_ARGS = ("features", "out_features", "hidden_features")

# recurrent wrappers: nn.RNN(nn.LSTMCell(64)) is the cell's layer; nn.Bidirectional(fwd, bwd) wraps it
RNN_WRAPPERS = {"RNN"}
BIDIRECTIONAL = {"Bidirectional"}

# functional ops of flax.linen / flax.nnx / jax.nn / jax.numpy that are layers, by last name
# (pools: the dimension comes from window_shape, 2D when it cannot be read)
FUNCTIONAL: dict[str, str] = {
    "max_pool": "MaxPooling2D",
    "avg_pool": "AveragePooling2D",
    "pool": "MaxPooling2D",
    "concatenate": "Concatenate",
    "dropout": "Dropout",
}

# optax losses by last name -> canonical loss
LOSSES: dict[str, str] = {
    "softmax_cross_entropy": "categorical_crossentropy",
    "softmax_cross_entropy_with_integer_labels": "categorical_crossentropy",
    "safe_softmax_cross_entropy": "categorical_crossentropy",
    "sigmoid_binary_cross_entropy": "binary_crossentropy",
    "sigmoid_focal_loss": "binary_crossentropy",
    "l2_loss": "mse",
    "squared_error": "mse",
    "huber_loss": "huber",
    "log_cosh": "other",
    "hinge_loss": "hinge",
    "ctc_loss": "ctc",
    "ctc_loss_with_forward_probs": "ctc",
    "cosine_distance": "cosine",
    "cosine_similarity": "cosine",
    "kl_divergence": "kl_divergence",
    "convex_kl_divergence": "kl_divergence",
    "poly_loss_cross_entropy": "categorical_crossentropy",
}

# optax optimizers whose canonical name differs from their own (the rest go through vocab)
OPTIMIZER_ALIASES: dict[str, str] = {"adabelief": "adam", "radam": "adam", "lamb": "adam", "lion": "adam",
                                     "novograd": "adam", "yogi": "adam", "fromage": "sgd", "noisy_sgd": "sgd",
                                     "lars": "sgd", "sm3": "adagrad", "adafactor": "adam"}
# optax optimizer positional arguments (the learning rate first)
OPTIMIZER_ARGS: dict[str, tuple[str, ...]] = {
    "sgd": ("learning_rate", "momentum", "nesterov"),
    "adam": ("learning_rate", "b1", "b2", "eps"),
    "adamw": ("learning_rate", "b1", "b2", "eps", "eps_root", "mu_dtype", "weight_decay"),
    "rmsprop": ("learning_rate", "decay", "eps"),
}

# optax learning-rate schedules (a schedule passed as the learning rate: the lr_schedule trick), with the
# argument that holds the rate the schedule starts from
SCHEDULES: dict[str, str] = {
    "exponential_decay": "init_value",
    "cosine_decay_schedule": "init_value",
    "warmup_cosine_decay_schedule": "peak_value",
    "warmup_exponential_decay_schedule": "peak_value",
    "linear_schedule": "init_value",
    "piecewise_constant_schedule": "init_value",
    "polynomial_schedule": "init_value",
    "cosine_onecycle_schedule": "peak_value",
    "linear_onecycle_schedule": "peak_value",
    "join_schedules": "",
    "sgdr_schedule": "",
    "constant_schedule": "value",
}

# optax transformations that are training tricks
TRICKS: dict[str, str] = {
    "clip_by_global_norm": "gradient_clipping",
    "clip": "gradient_clipping",
    "clip_by_block_rms": "gradient_clipping",
    "adaptive_grad_clip": "gradient_clipping",
    "add_decayed_weights": "weight_decay",
    "save_checkpoint": "checkpointing",
    "CheckpointManager": "checkpointing",
    "PyTreeCheckpointer": "checkpointing",
    "StandardCheckpointer": "checkpointing",
}
