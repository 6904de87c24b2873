"""JAX knowledge as data: Flax, Haiku and Equinox layers, functional ops, optax optimizers, losses and schedules.

To teach the JAX reader a new layer, add a row here. Keys are the last
segment of the name as written (``nn.Conv`` -> ``Conv``, ``hk.nets.MLP`` ->
``MLP``); the reader checks separately which library the name comes from
(:data:`LIBRARIES`) and looks it up in that library's table (:data:`LAYERS`).
Types are canonical (``corpus.knowledge.layers``).
"""

from __future__ import annotations

from corpus.knowledge import torch_layers

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

# haiku class -> (canonical type, positional argument names in order). Haiku names its dimensions
# (``hk.Conv1D``), so the type is the row's, whatever the kernel's length.
HAIKU_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Linear": ("Dense", ("output_size", "with_bias")),
    "Conv1D": ("Conv1D", ("output_channels", "kernel_shape", "stride", "rate", "padding")),
    "Conv2D": ("Conv2D", ("output_channels", "kernel_shape", "stride", "rate", "padding")),
    "Conv3D": ("Conv3D", ("output_channels", "kernel_shape", "stride", "rate", "padding")),
    "Conv1DTranspose": ("Conv1DTranspose", ("output_channels", "kernel_shape", "stride", "output_shape", "padding")),
    "Conv2DTranspose": ("Conv2DTranspose", ("output_channels", "kernel_shape", "stride", "output_shape", "padding")),
    "Conv3DTranspose": ("Conv3DTranspose", ("output_channels", "kernel_shape", "stride", "output_shape", "padding")),
    "DepthwiseConv2D": ("DepthwiseConv2D", ("channel_multiplier", "kernel_shape", "stride", "padding")),
    "SeparableDepthwiseConv2D": ("SeparableConv2D", ("channel_multiplier", "kernel_shape", "stride", "padding")),
    "BatchNorm": ("BatchNormalization", ("create_scale", "create_offset", "decay_rate", "eps")),
    "LayerNorm": ("LayerNormalization", ("axis", "create_scale", "create_offset", "eps")),
    "RMSNorm": ("LayerNormalization", ("axis", "eps")),
    "GroupNorm": ("GroupNormalization", ("groups",)),
    "InstanceNorm": ("InstanceNormalization", ("create_scale", "create_offset")),
    "Flatten": ("Flatten", ("preserve_dims",)),
    "Reshape": ("Reshape", ("output_shape",)),
    "MaxPool": ("MaxPooling2D", ("window_shape", "strides", "padding")),
    "AvgPool": ("AveragePooling2D", ("window_shape", "strides", "padding")),
    "LSTM": ("LSTM", ("hidden_size",)),
    "GRU": ("GRU", ("hidden_size",)),
    "VanillaRNN": ("SimpleRNN", ("hidden_size",)),
    "Conv2DLSTM": ("ConvLSTM2D", ("input_shape", "output_channels", "kernel_shape")),
    "Embed": ("Embedding", ("vocab_size", "embed_dim")),
    "MultiHeadAttention": ("MultiHeadAttention", ("num_heads", "key_size")),
}

# equinox.nn class -> (canonical type, positional argument names in order): equinox layers take their input
# size first (``eqx.nn.Linear(784, 128, key=k)``) and name their dimensions (``eqx.nn.Conv2d``)
EQUINOX_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Linear": ("Dense", ("in_features", "out_features", "use_bias")),
    "Conv": ("Conv2D", ("num_spatial_dims", "in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "Conv1d": ("Conv1D", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation")),
    "Conv2d": ("Conv2D", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation")),
    "Conv3d": ("Conv3D", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation")),
    "ConvTranspose1d": ("Conv1DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "output_padding",
                                            "padding")),
    "ConvTranspose2d": ("Conv2DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "output_padding",
                                            "padding")),
    "ConvTranspose3d": ("Conv3DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "output_padding",
                                            "padding")),
    "Dropout": ("Dropout", ("p",)),
    "LayerNorm": ("LayerNormalization", ("shape", "eps")),
    "RMSNorm": ("LayerNormalization", ("shape", "eps")),
    "GroupNorm": ("GroupNormalization", ("groups", "channels")),
    "BatchNorm": ("BatchNormalization", ("input_size", "axis_name")),
    # (equinox's pools take torch's arguments: torch's rows)
    **{k: torch_layers.LAYERS[k] for k in ("MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d",
                                            "AvgPool3d")},
    "AdaptiveAvgPool2d": ("GlobalAveragePooling2D", ("target_shape",)),
    "LSTMCell": ("LSTM", ("input_size", "hidden_size")),
    "GRUCell": ("GRU", ("input_size", "hidden_size")),
    "Embedding": ("Embedding", ("num_embeddings", "embedding_size")),
    "MultiheadAttention": ("MultiHeadAttention", ("num_heads", "query_size")),
}

# import root -> the library whose module classes and layers it holds (the longest root that matches wins)
LIBRARIES: dict[str, str] = {
    "flax.linen": "linen",
    "flax.nnx": "nnx",
    "flax.experimental.nnx": "nnx",
    "haiku": "haiku",
    "equinox": "equinox",
}
LAYERS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "linen": LINEN_LAYERS, "nnx": NNX_LAYERS, "haiku": HAIKU_LAYERS, "equinox": EQUINOX_LAYERS,
}

# the argument that holds a layer's output size (-> args.units for Dense, args.filters for convolutions)
OUTPUT_ARGS = ("features", "out_features", "hidden_features", "output_size", "output_channels", "out_channels")
# arguments written under another library's name that the record also gives under the common one
# (haiku's ``kernel_shape``, equinox's dropout ``p``)
ARG_ALIASES: dict[str, str] = {"kernel_shape": "kernel_size", "p": "rate"}

# containers: the layers they are given, applied in turn (``hk.Sequential([...])``, ``hk.DeepRNN([...])``)
CONTAINERS = {"Sequential", "DeepRNN"}
# a function wrapped as a layer: ``eqx.nn.Lambda(jax.nn.relu)`` is the function
LAMBDAS = {"Lambda"}
# multi-layer perceptrons of a library, by library: their positional arguments. ``hk.nets.MLP([300, 100, 10])``
# is one Dense per output size; ``eqx.nn.MLP(in_size, out_size, width_size, depth)`` is depth + 1 Dense.
# Their hidden layers take ``activation`` (relu by default); the last one takes it only where asked
# (haiku ``activate_final=True``, equinox ``final_activation=``).
MLPS: dict[str, tuple[str, ...]] = {
    "haiku": ("output_sizes", "w_init", "b_init", "with_bias", "activation", "activate_final"),
    "equinox": ("in_size", "out_size", "width_size", "depth", "activation", "final_activation"),
}
# whole networks of a library's model zoo (``hk.nets.ResNet50(num_classes)``): a Pretrained layer, as
# the other readers give a library's backbone, with ``pretrained: false`` (haiku loads no weights)
ZOO: dict[str, frozenset[str]] = {
    "haiku": frozenset({"ResNet", "ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152", "ResNet200",
                        "ResNetV2", "MobileNetV1"}),
}
# haiku's recurrent unrolls: the core they are given is applied (``hk.dynamic_unroll(self.lstm, x, state)``)
UNROLLS = {"dynamic_unroll", "static_unroll"}
# function transforms applied to a module or a function: ``jax.vmap(self.linear)(x)`` applies the linear
# layer (equinox models are written for one example and mapped over the batch)
FUNCTION_TRANSFORMS = {"vmap", "filter_vmap", "pmap", "filter_pmap", "remat", "checkpoint", "filter_checkpoint",
                       "jit", "filter_jit", "named_call"}
# loop primitives that step a function (``jax.lax.scan(step, carry, xs)``): its layers are the model's, once
LOOPS = {"scan", "fori_loop", "while_loop", "associative_scan"}
# makers that create a module class they are given with the arguments of the call they return
# (``eqx.nn.make_with_state(Net)(sizes, key)``)
MAKERS = {"make_with_state"}
# haiku's transforms: the function they are given builds the model (``hk.transform(forward_fn)``)
HAIKU_TRANSFORMS = {"transform", "transform_with_state", "multi_transform", "multi_transform_with_state"}

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
    "ravel": "Flatten",
}

# optax (and jaxopt.loss) losses by last name -> canonical loss
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
    "multiclass_logistic_loss": "categorical_crossentropy",
    "multiclass_sparsemax_loss": "categorical_crossentropy",
    "binary_logistic_loss": "binary_crossentropy",
    "multiclass_hinge_loss": "hinge",
    "binary_hinge_loss": "hinge",
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
# argument that holds the rate the schedule starts from and its position (-1: keyword only)
SCHEDULES: dict[str, tuple[str, int]] = {
    "exponential_decay": ("init_value", 0),
    "cosine_decay_schedule": ("init_value", 0),
    "warmup_cosine_decay_schedule": ("peak_value", 1),
    "warmup_exponential_decay_schedule": ("peak_value", 1),
    "linear_schedule": ("init_value", 0),
    "piecewise_constant_schedule": ("init_value", 0),
    "polynomial_schedule": ("init_value", 0),
    "cosine_onecycle_schedule": ("peak_value", 1),
    "linear_onecycle_schedule": ("peak_value", 1),
    "join_schedules": ("", -1),
    "sgdr_schedule": ("", -1),
    "constant_schedule": ("value", 0),
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
