"""Framework knowledge for Keras and raw TensorFlow, as tables.

To teach the parser a new layer, add a row: the spelling as written (the last
segment of the dotted name for Keras classes, the last two segments for raw
TF functions) -> a :class:`Spec` with the canonical type, how its positional
arguments are named, and what kind of thing it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.knowledge.vocab import SCHEDULERS


@dataclass(frozen=True)
class Spec:
    """What a layer-ish callable is.

    kind: ``layer`` (a normal layer), ``activation`` (folds into the layer
    before), ``preprocess`` (goes to ``preprocessing``), ``merge`` (joins
    branches), ``wrapper`` (Bidirectional / TimeDistributed: wraps a layer),
    ``pretrained`` (a whole backbone), ``passthrough`` (not a layer: the data
    flows through unchanged), ``cell`` (an RNN cell, a layer once run).
    """

    type: str
    positional: tuple[str, ...] = ()
    kind: str = "layer"
    activation: str | None = None  # a fixed activation (LeakyReLU) or a default (fully_connected)
    pre: str | None = None  # preprocessing tag for kind=preprocess
    renames: dict[str, str] = field(default_factory=dict)  # keyword spellings -> Keras names


_CONV = ("filters", "kernel_size", "strides", "padding")
_POOL = ("pool_size", "strides", "padding")

# Keras 1 keyword spellings shared by every layer.
KERAS1_KWARGS: dict[str, str] = {
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "pool_length": "pool_size",
    "stride": "strides",
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "p": "rate",
    "dim_ordering": "data_format",
}

# The readable arguments kept in Layer.args (others are dropped: they are noise
# for comparison: names, initializers objects, regularizer objects...).
KEEP_ARGS = {
    "units", "filters", "kernel_size", "strides", "padding", "rate", "pool_size",
    "input_dim", "output_dim", "input_length", "return_sequences", "return_state",
    "dropout", "recurrent_dropout", "size", "target_shape", "num_heads", "key_dim",
    "dilation_rate", "depth_multiplier", "momentum", "epsilon", "axis", "use_bias",
    "mask_zero", "stateful", "n", "cropping", "stddev", "layer", "merge_mode",
    "num_layers", "alpha", "negative_slope", "kernel_initializer", "groups", "trainable",
    "interpolation", "data_format", "include_top", "weights", "pooling", "time_distributed",
    "keep_prob", "mode", "mask_value", "dims", "output_shape", "sequence_length", "ksize",
}

K1_CONV = Spec("Conv2D", ("filters", "_k1", "_k2"), renames={})

KERAS_LAYERS: dict[str, Spec] = {
    # core
    "Dense": Spec("Dense", ("units", "activation")),  # Dense(units, activation=None, ...)
    "Flatten": Spec("Flatten"),
    "Reshape": Spec("Reshape", ("target_shape",)),
    "Dropout": Spec("Dropout", ("rate",)),
    "AlphaDropout": Spec("Dropout", ("rate",)),
    "GaussianDropout": Spec("Dropout", ("rate",)),
    "SpatialDropout1D": Spec("SpatialDropout", ("rate",)),
    "SpatialDropout2D": Spec("SpatialDropout", ("rate",)),
    "SpatialDropout3D": Spec("SpatialDropout", ("rate",)),
    "Embedding": Spec("Embedding", ("input_dim", "output_dim")),
    "Lambda": Spec("Custom", ()),
    "RepeatVector": Spec("RepeatVector", ("n",)),
    "Permute": Spec("Permute", ("dims",)),
    "Masking": Spec("Masking", ("mask_value",)),
    "GaussianNoise": Spec("GaussianNoise", ("stddev",)),
    "ActivityRegularization": Spec("ActivityRegularization"),
    "Highway": Spec("Dense", ()),
    "MaxoutDense": Spec("Dense", ("units",)),
    # convolution
    "Conv1D": Spec("Conv1D", _CONV),
    "Conv2D": Spec("Conv2D", _CONV),
    "Conv3D": Spec("Conv3D", _CONV),
    "Convolution1D": Spec("Conv1D", _CONV),
    "Convolution2D": Spec("Conv2D", _CONV),
    "Convolution3D": Spec("Conv3D", _CONV),
    "AtrousConvolution2D": Spec("Conv2D", _CONV),
    "AtrousConv2D": Spec("Conv2D", _CONV),
    "Conv2DTranspose": Spec("Conv2DTranspose", _CONV),
    "Convolution2DTranspose": Spec("Conv2DTranspose", _CONV),
    "Deconvolution2D": Spec("Conv2DTranspose", _CONV),
    "Deconv2D": Spec("Conv2DTranspose", _CONV),
    "Conv1DTranspose": Spec("Conv1DTranspose", _CONV),
    "Conv3DTranspose": Spec("Conv3DTranspose", _CONV),
    "SeparableConv1D": Spec("SeparableConv1D", _CONV),
    "SeparableConv2D": Spec("SeparableConv2D", _CONV),
    "SeparableConvolution2D": Spec("SeparableConv2D", _CONV),
    "DepthwiseConv2D": Spec("DepthwiseConv2D", ("kernel_size", "strides", "padding")),
    "ConvLSTM2D": Spec("ConvLSTM2D", _CONV),
    "LocallyConnected1D": Spec("LocallyConnected1D", _CONV),
    "LocallyConnected2D": Spec("LocallyConnected2D", _CONV),
    # pooling
    "MaxPooling1D": Spec("MaxPooling1D", _POOL),
    "MaxPooling2D": Spec("MaxPooling2D", _POOL),
    "MaxPooling3D": Spec("MaxPooling3D", _POOL),
    "MaxPool1D": Spec("MaxPooling1D", _POOL),
    "MaxPool2D": Spec("MaxPooling2D", _POOL),
    "MaxPool3D": Spec("MaxPooling3D", _POOL),
    "AveragePooling1D": Spec("AveragePooling1D", _POOL),
    "AveragePooling2D": Spec("AveragePooling2D", _POOL),
    "AveragePooling3D": Spec("AveragePooling3D", _POOL),
    "AvgPool1D": Spec("AveragePooling1D", _POOL),
    "AvgPool2D": Spec("AveragePooling2D", _POOL),
    "GlobalAveragePooling1D": Spec("GlobalAveragePooling1D"),
    "GlobalAveragePooling2D": Spec("GlobalAveragePooling2D"),
    "GlobalAveragePooling3D": Spec("GlobalAveragePooling3D"),
    "GlobalAvgPool1D": Spec("GlobalAveragePooling1D"),
    "GlobalAvgPool2D": Spec("GlobalAveragePooling2D"),
    "GlobalMaxPooling1D": Spec("GlobalMaxPooling1D"),
    "GlobalMaxPooling2D": Spec("GlobalMaxPooling2D"),
    "GlobalMaxPool1D": Spec("GlobalMaxPooling1D"),
    "GlobalMaxPool2D": Spec("GlobalMaxPooling2D"),
    "UpSampling1D": Spec("UpSampling1D", ("size",)),
    "UpSampling2D": Spec("UpSampling2D", ("size",)),
    "UpSampling3D": Spec("UpSampling3D", ("size",)),
    "ZeroPadding1D": Spec("ZeroPadding1D", ("padding",)),
    "ZeroPadding2D": Spec("ZeroPadding2D", ("padding",)),
    "ZeroPadding3D": Spec("ZeroPadding3D", ("padding",)),
    "Cropping1D": Spec("Cropping1D", ("cropping",)),
    "Cropping2D": Spec("Cropping2D", ("cropping",)),
    # normalization
    "BatchNormalization": Spec("BatchNormalization"),
    "LayerNormalization": Spec("LayerNormalization"),
    "GroupNormalization": Spec("GroupNormalization"),
    "UnitNormalization": Spec("UnitNormalization"),
    # recurrent
    "SimpleRNN": Spec("SimpleRNN", ("units",)),
    "LSTM": Spec("LSTM", ("units",)),
    "GRU": Spec("GRU", ("units",)),
    "CuDNNLSTM": Spec("LSTM", ("units",)),
    "CuDNNGRU": Spec("GRU", ("units",)),
    "LSTMCell": Spec("LSTM", ("units",), kind="cell"),
    "GRUCell": Spec("GRU", ("units",), kind="cell"),
    "SimpleRNNCell": Spec("SimpleRNN", ("units",), kind="cell"),
    "RNN": Spec("RNN", ("cell",), kind="wrapper"),
    "Bidirectional": Spec("Bidirectional", ("layer",), kind="wrapper"),
    "TimeDistributed": Spec("TimeDistributed", ("layer",), kind="wrapper"),
    # attention
    "Attention": Spec("Attention"),
    "AdditiveAttention": Spec("Attention"),
    "MultiHeadAttention": Spec("MultiHeadAttention", ("num_heads", "key_dim")),
    "TransformerEncoder": Spec("TransformerEncoder"),
    "TransformerDecoder": Spec("TransformerDecoder"),
    # merges (classes and Keras-2 functions)
    "Concatenate": Spec("Concatenate", ("axis",), kind="merge"),
    "concatenate": Spec("Concatenate", (), kind="merge"),
    "Add": Spec("Add", (), kind="merge"),
    "add": Spec("Add", (), kind="merge"),
    "Multiply": Spec("Multiply", (), kind="merge"),
    "multiply": Spec("Multiply", (), kind="merge"),
    "Subtract": Spec("Subtract", (), kind="merge"),
    "subtract": Spec("Subtract", (), kind="merge"),
    "Average": Spec("Average", (), kind="merge"),
    "average": Spec("Average", (), kind="merge"),
    "Maximum": Spec("Maximum", (), kind="merge"),
    "maximum": Spec("Maximum", (), kind="merge"),
    "Dot": Spec("Dot", ("axes",), kind="merge"),
    "dot": Spec("Dot", (), kind="merge"),
    "Merge": Spec("Concatenate", ("layers",), kind="merge"),
    "merge": Spec("Concatenate", (), kind="merge"),
    # activations as layers
    "Activation": Spec("Activation", ("activation",), kind="activation"),
    "ReLU": Spec("Activation", (), kind="activation", activation="relu"),
    "LeakyReLU": Spec("Activation", ("alpha",), kind="activation", activation="leaky_relu"),
    "PReLU": Spec("Activation", (), kind="activation", activation="leaky_relu"),
    "ELU": Spec("Activation", ("alpha",), kind="activation", activation="elu"),
    "ThresholdedReLU": Spec("Activation", (), kind="activation", activation="relu"),
    "Softmax": Spec("Activation", (), kind="activation", activation="softmax"),
    # preprocessing layers
    "Rescaling": Spec("Rescaling", kind="preprocess", pre="normalize"),
    "Normalization": Spec("Normalization", kind="preprocess", pre="normalize"),
    "RandomFlip": Spec("RandomFlip", kind="preprocess", pre="augment"),
    "RandomRotation": Spec("RandomRotation", kind="preprocess", pre="augment"),
    "RandomZoom": Spec("RandomZoom", kind="preprocess", pre="augment"),
    "RandomContrast": Spec("RandomContrast", kind="preprocess", pre="augment"),
    "RandomTranslation": Spec("RandomTranslation", kind="preprocess", pre="augment"),
    "RandomCrop": Spec("RandomCrop", kind="preprocess", pre="augment"),
    "RandomHeight": Spec("RandomHeight", kind="preprocess", pre="augment"),
    "RandomWidth": Spec("RandomWidth", kind="preprocess", pre="augment"),
    "RandomBrightness": Spec("RandomBrightness", kind="preprocess", pre="augment"),
    "Resizing": Spec("Resizing", kind="preprocess", pre="resize"),
    "CenterCrop": Spec("CenterCrop", kind="preprocess", pre="resize"),
    "TextVectorization": Spec("TextVectorization", kind="preprocess", pre="tokenize"),
    "StringLookup": Spec("StringLookup", kind="preprocess", pre="tokenize"),
    "IntegerLookup": Spec("IntegerLookup", kind="preprocess", pre="tokenize"),
    "CategoryEncoding": Spec("CategoryEncoding", kind="preprocess", pre="one_hot"),
    "Discretization": Spec("Discretization", kind="preprocess", pre="standardize"),
    "Hashing": Spec("Hashing", kind="preprocess", pre="tokenize"),
    "HashedCrossing": Spec("HashedCrossing", kind="preprocess", pre="one_hot"),
    # not layers: the input, and wrappers of the input
    "InputLayer": Spec("InputLayer", kind="input"),
    "KerasLayer": Spec("Pretrained", ("handle",), kind="pretrained"),
}

# Keras application classes (a whole backbone) -> Pretrained.
APPLICATION_PREFIXES = (
    "ResNet", "VGG", "Inception", "Xception", "MobileNet", "DenseNet", "NASNet",
    "EfficientNet", "ConvNeXt", "RegNet",
)

# Raw TensorFlow functions, keyed by the last two segments of the dotted name.
TF_OPS: dict[str, Spec] = {
    "layers.dense": Spec("Dense", ("inputs", "units", "activation")),
    "layers.conv1d": Spec("Conv1D", ("inputs",) + _CONV),
    "layers.conv2d": Spec("Conv2D", ("inputs",) + _CONV),
    "layers.conv3d": Spec("Conv3D", ("inputs",) + _CONV),
    "layers.conv2d_transpose": Spec("Conv2DTranspose", ("inputs",) + _CONV),
    "layers.separable_conv2d": Spec("SeparableConv2D", ("inputs",) + _CONV),
    "layers.max_pooling1d": Spec("MaxPooling1D", ("inputs",) + _POOL),
    "layers.max_pooling2d": Spec("MaxPooling2D", ("inputs",) + _POOL),
    "layers.max_pooling3d": Spec("MaxPooling3D", ("inputs",) + _POOL),
    "layers.average_pooling2d": Spec("AveragePooling2D", ("inputs",) + _POOL),
    "layers.dropout": Spec("Dropout", ("inputs", "rate")),
    "layers.flatten": Spec("Flatten", ("inputs",)),
    "layers.batch_normalization": Spec("BatchNormalization", ("inputs",)),
    "layers.batch_norm": Spec("BatchNormalization", ("inputs",)),
    "layers.layer_norm": Spec("LayerNormalization", ("inputs",)),
    "layers.fully_connected": Spec("Dense", ("inputs", "units"), activation="relu",
                                   renames={"num_outputs": "units", "activation_fn": "activation"}),
    "layers.linear": Spec("Dense", ("inputs", "units"), renames={"num_outputs": "units"}),
    "layers.conv2d_contrib": Spec("Conv2D", ("inputs", "filters", "kernel_size", "strides", "padding"),
                                  activation="relu", renames={"num_outputs": "filters", "activation_fn": "activation"}),
    "layers.max_pool2d": Spec("MaxPooling2D", ("inputs", "pool_size", "strides", "padding"),
                              renames={"kernel_size": "pool_size", "stride": "strides"}),
    "layers.avg_pool2d": Spec("AveragePooling2D", ("inputs", "pool_size", "strides", "padding"),
                              renames={"kernel_size": "pool_size", "stride": "strides"}),
    "layers.embed_sequence": Spec("Embedding", ("inputs", "input_dim", "output_dim"),
                                  renames={"vocab_size": "input_dim", "embed_dim": "output_dim"}),
    # tf.contrib.slim: activation_fn defaults to relu, like contrib.layers
    "slim.conv2d": Spec("Conv2D", ("inputs", "filters", "kernel_size", "strides", "padding"), activation="relu",
                        renames={"num_outputs": "filters", "activation_fn": "activation", "stride": "strides"}),
    "slim.fully_connected": Spec("Dense", ("inputs", "units"), activation="relu",
                                 renames={"num_outputs": "units", "activation_fn": "activation"}),
    "slim.max_pool2d": Spec("MaxPooling2D", ("inputs", "pool_size", "strides", "padding"),
                            renames={"kernel_size": "pool_size", "stride": "strides"}),
    "slim.avg_pool2d": Spec("AveragePooling2D", ("inputs", "pool_size", "strides", "padding"),
                            renames={"kernel_size": "pool_size", "stride": "strides"}),
    "slim.flatten": Spec("Flatten", ("inputs",)),
    "slim.dropout": Spec("Dropout", ("inputs", "keep_prob")),
    "slim.batch_norm": Spec("BatchNormalization", ("inputs",)),
    "nn.conv1d": Spec("Conv1D", ("input", "_weights", "strides", "padding")),
    "nn.conv2d": Spec("Conv2D", ("input", "_weights", "strides", "padding")),
    "nn.conv3d": Spec("Conv3D", ("input", "_weights", "strides", "padding")),
    "nn.atrous_conv2d": Spec("Conv2D", ("input", "_weights", "dilation_rate", "padding")),
    "nn.depthwise_conv2d": Spec("DepthwiseConv2D", ("input", "_weights", "strides", "padding")),
    "nn.conv2d_transpose": Spec("Conv2DTranspose", ("input", "_weights", "output_shape", "strides", "padding")),
    "nn.max_pool": Spec("MaxPooling2D", ("input", "ksize", "strides", "padding")),
    "nn.max_pool2d": Spec("MaxPooling2D", ("input", "ksize", "strides", "padding")),
    "nn.max_pool1d": Spec("MaxPooling1D", ("input", "ksize", "strides", "padding")),
    "nn.avg_pool": Spec("AveragePooling2D", ("input", "ksize", "strides", "padding")),
    "nn.avg_pool2d": Spec("AveragePooling2D", ("input", "ksize", "strides", "padding")),
    "nn.dropout": Spec("Dropout", ("x", "keep_prob")),
    "nn.batch_normalization": Spec("BatchNormalization", ("x",)),
    "nn.embedding_lookup": Spec("Embedding", ("_weights", "ids")),
    "nn.dynamic_rnn": Spec("RNN", ("cell", "inputs"), kind="rnn_run"),
    "rnn.static_rnn": Spec("RNN", ("cell", "inputs"), kind="rnn_run"),
    "nn.static_rnn": Spec("RNN", ("cell", "inputs"), kind="rnn_run"),
    "contrib.static_rnn": Spec("RNN", ("cell", "inputs"), kind="rnn_run"),
    "nn.rnn": Spec("RNN", ("cell", "inputs"), kind="rnn_run"),
    "nn.bidirectional_dynamic_rnn": Spec("Bidirectional", ("cell", "cell_bw", "inputs"), kind="rnn_run"),
    "rnn.static_bidirectional_rnn": Spec("Bidirectional", ("cell", "cell_bw", "inputs"), kind="rnn_run"),
    "nn.static_bidirectional_rnn": Spec("Bidirectional", ("cell", "cell_bw", "inputs"), kind="rnn_run"),
    # TF1's resizes of a feature map inside a graph (a generator's decoder): up-sampling; the generic
    # ``tf.image.resize`` is as often the data's preprocessing and stays out
    "image.resize_nearest_neighbor": Spec("UpSampling2D", ("images", "size")),
    "image.resize_bilinear": Spec("UpSampling2D", ("images", "size")),
    "nn.bias_add": Spec("", ("value",), kind="passthrough"),
    "nn.local_response_normalization": Spec("", ("input",), kind="passthrough"),
    "nn.lrn": Spec("", ("input",), kind="passthrough"),
}

# Raw TF RNN cells, keyed by class name.
TF_CELLS: dict[str, Spec] = {
    "BasicLSTMCell": Spec("LSTM", ("units",), kind="cell", renames={"num_units": "units"}),
    "LSTMCell": Spec("LSTM", ("units",), kind="cell", renames={"num_units": "units"}),
    "LSTMBlockCell": Spec("LSTM", ("units",), kind="cell", renames={"num_units": "units"}),
    "CudnnLSTM": Spec("LSTM", ("num_layers", "units"), kind="cell", renames={"num_units": "units"}),
    "GRUCell": Spec("GRU", ("units",), kind="cell", renames={"num_units": "units"}),
    "GRUBlockCell": Spec("GRU", ("units",), kind="cell", renames={"num_units": "units"}),
    "BasicRNNCell": Spec("SimpleRNN", ("units",), kind="cell", renames={"num_units": "units"}),
    "RNNCell": Spec("SimpleRNN", ("units",), kind="cell", renames={"num_units": "units"}),
    "MultiRNNCell": Spec("", ("cells",), kind="multicell"),
    "DropoutWrapper": Spec("", ("cell",), kind="cellwrap"),
}

# Functions applied to tensors that are activations (fold into the layer before).
# Matched through vocab.canonical_activation on the last segment; these are the
# modules whose functions count (tf.nn.relu, K.relu, keras.activations.relu).
ACTIVATION_MODULES = ("nn", "activations", "backend", "math", "keras", "tensorflow", "K")

# Functions on tensors that join branches, in raw TF / backend spelling.
TF_MERGES: dict[str, str] = {"concat": "Concatenate", "concat_v2": "Concatenate", "add": "Add",
                             "add_n": "Add", "stack": "Concatenate", "concatenate": "Concatenate"}

# Reshape-like functions: Flatten when the target is (-1, N), else Reshape.
TF_RESHAPES = {"reshape"}
TF_FLATTENS = {"flatten"}

# Optimizers whose first positional argument is the learning rate (all of them
# in Keras and tf.train, except Adadelta in Keras 1 which was still lr first).
OPTIMIZER_LR_KEYS = ("learning_rate", "lr", "initial_learning_rate")

# Learning-rate schedules (their initial value is the learning rate).
LR_SCHEDULES = frozenset(name for name, (library, _) in SCHEDULERS.items() if library == "tensorflow")

# Callbacks -> tricks.
CALLBACK_TRICKS = {
    "EarlyStopping": "early_stopping",
    "ModelCheckpoint": "checkpointing",
    **{name: "lr_schedule" for name, (library, _) in SCHEDULERS.items() if library == "keras"},
}

# Calls that yield batches of a fixed size, and the argument holding it.
BATCHERS = {
    "batch": ("batch_size", 0),
    "padded_batch": ("batch_size", 0),
    "flow": ("batch_size", 2),
    "flow_from_directory": ("batch_size", None),
    "flow_from_dataframe": ("batch_size", None),
    "image_dataset_from_directory": ("batch_size", None),
    "text_dataset_from_directory": ("batch_size", None),
    "timeseries_dataset_from_array": ("batch_size", None),
    "audio_dataset_from_directory": ("batch_size", None),
    "next_batch": ("batch_size", 0),
    "shuffle_batch": ("batch_size", None),
    "make_csv_dataset": ("batch_size", 1),
    "numpy_input_fn": ("batch_size", None),
    "random_batch": ("batch_size", 0),
    "DataLoader": ("batch_size", 1),
    # spektral's graph loaders: ``DisjointLoader(dataset, batch_size=32, epochs=10)`` (``epochs``: passes)
    "DisjointLoader": ("batch_size", 1),
    "BatchLoader": ("batch_size", 1),
    "PackedBatchLoader": ("batch_size", 1),
    "MixedLoader": ("batch_size", 1),
}
