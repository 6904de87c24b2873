"""PyTorch knowledge as data: ``nn.X`` -> canonical layer type, argument names, ops.

To teach the PyTorch extractor a new layer, add a row here. Keys are the last
segment of the class or function name as written (``nn.Conv2d`` ->
``Conv2d``); the extractor checks separately that the name comes from torch.
"""

from __future__ import annotations

import re

from corpus.knowledge import layers

# nn.X -> (canonical type, positional argument names in order)
LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Linear": ("Dense", ("in_features", "out_features", "bias")),
    "LazyLinear": ("Dense", ("out_features",)),
    "Bilinear": ("Dense", ("in1_features", "in2_features", "out_features")),
    "Conv1d": ("Conv1D", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "Conv2d": ("Conv2D", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "Conv3d": ("Conv3D", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "LazyConv2d": ("Conv2D", ("out_channels", "kernel_size", "stride", "padding")),
    "ConvTranspose1d": ("Conv1DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "ConvTranspose2d": ("Conv2DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "ConvTranspose3d": ("Conv3DTranspose", ("in_channels", "out_channels", "kernel_size", "stride", "padding")),
    "MaxPool1d": ("MaxPooling1D", ("kernel_size", "stride", "padding")),
    "MaxPool2d": ("MaxPooling2D", ("kernel_size", "stride", "padding")),
    "MaxPool3d": ("MaxPooling3D", ("kernel_size", "stride", "padding")),
    "AvgPool1d": ("AveragePooling1D", ("kernel_size", "stride", "padding")),
    "AvgPool2d": ("AveragePooling2D", ("kernel_size", "stride", "padding")),
    "AvgPool3d": ("AveragePooling3D", ("kernel_size", "stride", "padding")),
    # Adaptive pools become global pools when the output size is 1 (see GLOBAL_POOLS)
    "AdaptiveAvgPool1d": ("AveragePooling1D", ("output_size",)),
    "AdaptiveAvgPool2d": ("AveragePooling2D", ("output_size",)),
    "AdaptiveAvgPool3d": ("AveragePooling3D", ("output_size",)),
    "AdaptiveMaxPool1d": ("MaxPooling1D", ("output_size",)),
    "AdaptiveMaxPool2d": ("MaxPooling2D", ("output_size",)),
    "Flatten": ("Flatten", ("start_dim", "end_dim")),
    "Unflatten": ("Reshape", ("dim", "unflattened_size")),
    "Dropout": ("Dropout", ("p",)),
    "AlphaDropout": ("Dropout", ("p",)),
    "Dropout1d": ("SpatialDropout", ("p",)),
    "Dropout2d": ("SpatialDropout", ("p",)),
    "Dropout3d": ("SpatialDropout", ("p",)),
    "BatchNorm1d": ("BatchNormalization", ("num_features", "eps", "momentum")),
    "BatchNorm2d": ("BatchNormalization", ("num_features", "eps", "momentum")),
    "BatchNorm3d": ("BatchNormalization", ("num_features", "eps", "momentum")),
    "SyncBatchNorm": ("BatchNormalization", ("num_features", "eps", "momentum")),
    "LayerNorm": ("LayerNormalization", ("normalized_shape", "eps")),
    "RMSNorm": ("LayerNormalization", ("normalized_shape", "eps")),
    "GroupNorm": ("GroupNormalization", ("num_groups", "num_channels", "eps")),
    "InstanceNorm1d": ("InstanceNormalization", ("num_features", "eps")),
    "InstanceNorm2d": ("InstanceNormalization", ("num_features", "eps")),
    "InstanceNorm3d": ("InstanceNormalization", ("num_features", "eps")),
    "LocalResponseNorm": ("LocalResponseNormalization", ("size",)),
    "Embedding": ("Embedding", ("num_embeddings", "embedding_dim", "padding_idx")),
    "EmbeddingBag": ("Embedding", ("num_embeddings", "embedding_dim")),
    "RNN": ("SimpleRNN", ("input_size", "hidden_size", "num_layers")),
    "LSTM": ("LSTM", ("input_size", "hidden_size", "num_layers")),
    "GRU": ("GRU", ("input_size", "hidden_size", "num_layers")),
    "RNNCell": ("SimpleRNN", ("input_size", "hidden_size")),
    "LSTMCell": ("LSTM", ("input_size", "hidden_size")),
    "GRUCell": ("GRU", ("input_size", "hidden_size")),
    "MultiheadAttention": ("MultiHeadAttention", ("embed_dim", "num_heads", "dropout")),
    "TransformerEncoder": ("TransformerEncoder", ("encoder_layer", "num_layers")),
    "TransformerEncoderLayer": ("TransformerEncoder", ("d_model", "nhead", "dim_feedforward", "dropout")),
    "TransformerDecoder": ("TransformerDecoder", ("decoder_layer", "num_layers")),
    "TransformerDecoderLayer": ("TransformerDecoder", ("d_model", "nhead", "dim_feedforward", "dropout")),
    "Upsample": ("UpSampling2D", ("size", "scale_factor", "mode")),
    "UpsamplingNearest2d": ("UpSampling2D", ("size", "scale_factor")),
    "UpsamplingBilinear2d": ("UpSampling2D", ("size", "scale_factor")),
    "PixelShuffle": ("UpSampling2D", ("upscale_factor",)),
    "ZeroPad2d": ("ZeroPadding2D", ("padding",)),
    "ReflectionPad2d": ("ZeroPadding2D", ("padding",)),
    "ReplicationPad2d": ("ZeroPadding2D", ("padding",)),
    "ConstantPad2d": ("ZeroPadding2D", ("padding", "value")),
}

# nn.Transformer is a whole encoder-decoder: two canonical layers.
TRANSFORMER = "Transformer"

# Recurrent classes: bidirectional=True wraps them in one Bidirectional layer.
RECURRENT = frozenset(k for k, (t, _) in LAYERS.items() if t in layers.RECURRENT and not k.endswith("Cell"))
CELLS = frozenset(k for k, (t, _) in LAYERS.items() if t in layers.RECURRENT and k.endswith("Cell"))

# Adaptive pools with output size 1 are global pools.
GLOBAL_POOLS: dict[str, str] = {
    "AdaptiveAvgPool1d": "GlobalAveragePooling1D",
    "AdaptiveAvgPool2d": "GlobalAveragePooling2D",
    "AdaptiveAvgPool3d": "GlobalAveragePooling3D",
    "AdaptiveMaxPool1d": "GlobalMaxPooling1D",
    "AdaptiveMaxPool2d": "GlobalMaxPooling2D",
}

# Argument aliases so a torch layer compares with a Keras one (units, filters).
ARG_ALIASES: dict[str, dict[str, str]] = {
    "Dense": {"out_features": "units"},
    "Conv1D": {"out_channels": "filters"},
    "Conv2D": {"out_channels": "filters"},
    "Conv3D": {"out_channels": "filters"},
    "Conv2DTranspose": {"out_channels": "filters"},
    "SimpleRNN": {"hidden_size": "units"},
    "LSTM": {"hidden_size": "units"},
    "GRU": {"hidden_size": "units"},
}

# Activation modules (nn.ReLU ...) and functions (F.relu, torch.sigmoid, x.relu())
# are recognised through vocab.canonical_activation; these are the spellings
# that are not activations although they look like one.
NOT_ACTIVATIONS = {"identity", "linear"}

# Containers: their children are the layers.
CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}

# Modules that are not layers (applying them emits nothing).
NO_LAYER = {"Identity"}

# torch.nn.functional / torch functions -> canonical layer type
FUNCTIONAL: dict[str, str] = {
    "max_pool1d": "MaxPooling1D",
    "max_pool2d": "MaxPooling2D",
    "max_pool3d": "MaxPooling3D",
    "avg_pool1d": "AveragePooling1D",
    "avg_pool2d": "AveragePooling2D",
    "avg_pool3d": "AveragePooling3D",
    "adaptive_avg_pool1d": "AveragePooling1D",
    "adaptive_avg_pool2d": "AveragePooling2D",
    "adaptive_max_pool1d": "MaxPooling1D",
    "adaptive_max_pool2d": "MaxPooling2D",
    "dropout": "Dropout",
    "alpha_dropout": "Dropout",
    "dropout1d": "SpatialDropout",
    "dropout2d": "SpatialDropout",
    "dropout3d": "SpatialDropout",
    "batch_norm": "BatchNormalization",
    "layer_norm": "LayerNormalization",
    "interpolate": "UpSampling2D",
    "upsample": "UpSampling2D",
    "upsample_nearest": "UpSampling2D",
    "upsample_bilinear": "UpSampling2D",
    "pixel_shuffle": "UpSampling2D",
    "embedding": "Embedding",
    "linear": "Dense",
    "conv1d": "Conv1D",
    "conv2d": "Conv2D",
    "scaled_dot_product_attention": "Attention",
}
FUNCTIONAL_GLOBAL = {
    "adaptive_avg_pool1d": "GlobalAveragePooling1D",
    "adaptive_avg_pool2d": "GlobalAveragePooling2D",
    "adaptive_max_pool1d": "GlobalMaxPooling1D",
    "adaptive_max_pool2d": "GlobalMaxPooling2D",
}
FUNCTIONAL_ARGS: dict[str, tuple[str, ...]] = {
    "max_pool1d": ("kernel_size", "stride"),
    "max_pool2d": ("kernel_size", "stride"),
    "max_pool3d": ("kernel_size", "stride"),
    "avg_pool1d": ("kernel_size", "stride"),
    "avg_pool2d": ("kernel_size", "stride"),
    "avg_pool3d": ("kernel_size", "stride"),
    "adaptive_avg_pool1d": ("output_size",),
    "adaptive_avg_pool2d": ("output_size",),
    "adaptive_max_pool1d": ("output_size",),
    "adaptive_max_pool2d": ("output_size",),
    "dropout": ("p",),
    "dropout2d": ("p",),
    "interpolate": ("size", "scale_factor", "mode"),
    "upsample": ("size", "scale_factor", "mode"),
}
# first positional argument is the input tensor for functional ops
FUNCTIONAL_INPUT_FIRST = True

# Layer types without weights of their own: a model made only of these is no model.
NON_PARAMETRIC = layers.WEIGHTLESS

# Functions that create new tensors (noise, zeros): their result is not the data flowing through
NEW_TENSORS = {"randn", "randn_like", "rand", "rand_like", "zeros", "zeros_like", "ones", "ones_like",
               "empty", "full", "arange", "tensor", "normal", "randint", "eye", "linspace"}
# a hand-written block with weights of its own, named for a normalization layer (BertLayerNorm, RMSNorm,
# ConditionalBatchNorm2d), is that normalization: its maths are the layer's by name and by convention
HANDWRITTEN_NORM = re.compile(r"(LayerNorm|RMSNorm|GroupNorm|BatchNorm|InstanceNorm)(?:[123]d)?$")


def handwritten_norm(class_name: str) -> str | None:
    """The canonical layer type of a hand-written normalization class, from its name (else None)."""
    m = HANDWRITTEN_NORM.search(class_name)
    if m is None:
        return None
    key = {"BatchNorm": "BatchNorm1d", "InstanceNorm": "InstanceNorm1d"}.get(m.group(1), m.group(1))
    return LAYERS[key][0]


# tensor methods that make a new tensor of data, not of the tensor they are called on (``x + x.new_tensor(offsets)``
# shifts indices: no residual)
NEW_TENSOR_METHODS = {"new_tensor", "new_zeros", "new_ones", "new_full", "new_empty"}

# Functions that merge tensors
CONCAT = {"cat", "concat", "concatenate"}
ADD = {"add"}

# Reductions over positions that act as global pooling when a dim is given
REDUCTIONS = {"mean", "max", "amax"}

# Tensor methods that flatten or reshape
RESHAPE_METHODS = {"view", "reshape"}
FLATTEN_METHODS = {"flatten"}

# Losses: nn.XLoss classes and F.x functions, as vocab keys (norm_key).
FUNCTIONAL_LOSSES: dict[str, str] = {
    "cross_entropy": "categorical_crossentropy",
    "nll_loss": "categorical_crossentropy",
    "binary_cross_entropy": "binary_crossentropy",
    "binary_cross_entropy_with_logits": "binary_crossentropy",
    "mse_loss": "mse",
    "l1_loss": "mae",
    "smooth_l1_loss": "huber",
    "huber_loss": "huber",
    "kl_div": "kl_divergence",
    "ctc_loss": "ctc",
    "hinge_embedding_loss": "hinge",
    "multi_margin_loss": "hinge",
    "margin_ranking_loss": "hinge",
    "cosine_embedding_loss": "cosine",
    "triplet_margin_loss": "other",
    "poisson_nll_loss": "other",
}

# torchvision.models constructors that are not backbones
TV_NOT_MODELS = {"get_model_weights", "get_weight", "list_models", "get_model_builder"}

# HuggingFace / timm loaders -> Pretrained
PRETRAINED_LOADERS = {"from_pretrained"}
# builders of a whole pretrained transformer from a checkpoint (bert4torch, bert4keras): the argument that names
# the checkpoint (keyword, place), the one that names the architecture and its default
CHECKPOINT_BUILDERS: dict[str, tuple[str, int, str, str]] = {
    "build_transformer_model": ("checkpoint_path", 1, "model", "bert"),
}
PRETRAINED_MODULES = ("torchvision.models", "transformers", "timm", "pretrainedmodels", "efficientnet_pytorch")

# Hugging Face model classes by the head their name ends with (``AutoModelForSequenceClassification``,
# ``BertForTokenClassification``, ``GPT2LMHeadModel``): the task the head implies (None: the data or the
# words decide, as for a sequence-to-sequence head that translates or summarizes), the loss it computes
# itself when given ``labels=``, and the head's output units when the head fixes them (None: ``num_labels``
# or the vocabulary). The head is one Dense layer after the Pretrained backbone.
HF_HEADS: dict[str, tuple[str | None, str, int | None]] = {
    "ForSequenceClassification": ("text_classification", "categorical_crossentropy", None),
    "ForTokenClassification": ("sequence_labeling", "categorical_crossentropy", None),
    "ForQuestionAnswering": ("question_answering", "categorical_crossentropy", 2),
    "ForMultipleChoice": (None, "categorical_crossentropy", 1),
    "ForCausalLM": ("language_modeling", "categorical_crossentropy", None),
    "LMHeadModel": ("language_modeling", "categorical_crossentropy", None),
    "ForMaskedLM": ("language_modeling", "categorical_crossentropy", None),
    "ForSeq2SeqLM": (None, "categorical_crossentropy", None),
    "ForConditionalGeneration": (None, "categorical_crossentropy", None),
    "MTModel": ("machine_translation", "categorical_crossentropy", None),
    "ForImageClassification": ("image_classification", "categorical_crossentropy", None),
    "ForAudioClassification": ("audio_classification", "categorical_crossentropy", None),
    "ForSpeechSeq2Seq": ("speech_recognition", "categorical_crossentropy", None),
    "ForCTC": ("speech_recognition", "ctc", None),
    # vision heads beyond classification (ImageGPT's pixels, DETR's boxes, Mask2Former's masks)
    "ForCausalImageModeling": ("image_generation", "categorical_crossentropy", None),
    "ForSemanticSegmentation": ("image_segmentation", "categorical_crossentropy", None),
    "ForUniversalSegmentation": ("image_segmentation", "other", None),
    "ForInstanceSegmentation": ("image_segmentation", "other", None),
    "ForObjectDetection": ("object_detection", "other", None),
}
# A sequence-to-sequence head (task None above) summarizes or translates: words and datasets of the
# script that say which (regular expressions over the lower-cased code).
SEQ2SEQ_TASK_WORDS: tuple[tuple[str, str], ...] = (
    ("summarization", r"summar|cnn_dailymail|xsum|samsum|billsum|multi_news|gigaword|big_patent|arxiv_summ"),
    ("machine_translation", r"translat|\bwmt\d*|opus|iwslt|multi30k|marian|\bsource_lang|\btarget_lang"),
)
# what a loss computed inside a Hugging Face head is called in ``hyperparameters.loss_raw``
HF_INTERNAL_LOSS = "model-internal (HF head)"

# Optimizer positional arguments after params
OPTIMIZER_ARGS: dict[str, tuple[str, ...]] = {
    "sgd": ("lr", "momentum", "dampening", "weight_decay"),
    "adam": ("lr", "betas", "eps", "weight_decay"),
    "adamw": ("lr", "betas", "eps", "weight_decay"),
    "rmsprop": ("lr", "alpha", "eps", "weight_decay", "momentum"),
    "adagrad": ("lr", "lr_decay", "weight_decay"),
    "adadelta": ("lr", "rho", "eps", "weight_decay"),
    "adamax": ("lr", "betas", "eps", "weight_decay"),
    "nadam": ("lr", "betas", "eps", "weight_decay"),
    "lbfgs": ("lr", "max_iter"),
}
