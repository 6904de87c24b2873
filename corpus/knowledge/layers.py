"""The canonical layer types, one row each: family, label and abbreviation.

Every layer type a reader can emit has a row here (``tests/test_knowledge.py``
holds the readers' tables and literals against it). The named sets below
(``RECURRENT``, ``CONVOLUTION``...) are derived from the rows, so the readers,
the compare rules, the layer flow and the aligned view agree on what a
convolution is. To teach the project a new layer type, add a row.

Families (one per type; the names are short because the app shows them):

- ``dense``: fully connected layers.
- ``conv``: convolutions of any dimension, transposed, separable, depthwise,
  and locally connected (a convolution without weight sharing).
- ``pool``: local max/average pooling.
- ``gpool``: pooling over all positions (a feature vector out).
- ``resize``: up-sampling, padding and cropping of a feature map (no weights).
- ``dropout``: dropout of units or whole channels.
- ``regularizer``: other regularizers that are layers (noise, an activity penalty).
- ``norm``: batch, layer, group, instance, unit and local response normalization.
- ``rnn``: recurrent layers and the bidirectional wrapper (ConvLSTM2D is one:
  Keras lists it with the recurrent layers).
- ``attention``: attention layers and whole transformer blocks.
- ``embedding``: lookup tables of token vectors.
- ``reshape``: layers that only rearrange values (Flatten, Reshape, Permute,
  RepeatVector).
- ``masking``: Masking (marks time steps to skip).
- ``merge``: layers that join branches (Add, Concatenate, ...).
- ``activation``: an activation standing alone (no layer before it to fold into).
- ``pretrained``: a whole pretrained backbone.
- ``custom``: a user-defined block.
"""

from __future__ import annotations

from dataclasses import dataclass

DENSE, CONV, POOL, GPOOL, RESIZE = "dense", "conv", "pool", "gpool", "resize"
DROP, REG, NORM, RNN, ATTN = "dropout", "regularizer", "norm", "rnn", "attention"
EMBED, RESHAPE, MASK, MERGE = "embedding", "reshape", "masking", "merge"
ACT, PRETRAINED, CUSTOM = "activation", "pretrained", "custom"

FAMILY_NAMES: tuple[str, ...] = (DENSE, CONV, POOL, GPOOL, RESIZE, DROP, REG, NORM, RNN, ATTN, EMBED, RESHAPE,
                                 MASK, MERGE, ACT, PRETRAINED, CUSTOM)


@dataclass(frozen=True)
class LayerType:
    """One canonical layer type.

    name: the type as summaries store it (``Conv2D``).
    family: one of ``FAMILY_NAMES`` (module docstring).
    label: a short name for figure labels (at most 15 characters).
    abbreviation: a cell of the aligned view (the view cuts it at 7 characters).
    spec: listed among the spec's canonical types (summary.md), which is
        also the list the app offers as layer words.
    """

    name: str
    family: str
    label: str
    abbreviation: str
    spec: bool = False


_T = LayerType

# Spec types first, in the spec's order; then the other types the readers emit.
ROWS: tuple[LayerType, ...] = (
    _T("Dense", DENSE, "Dense", "Dense", spec=True),
    _T("Conv1D", CONV, "Conv1D", "Conv1D", spec=True),
    _T("Conv2D", CONV, "Conv2D", "Conv2D", spec=True),
    _T("Conv3D", CONV, "Conv3D", "Conv3D", spec=True),
    _T("Conv2DTranspose", CONV, "ConvTranspose2D", "ConvT", spec=True),
    _T("SeparableConv2D", CONV, "SepConv2D", "SepConv", spec=True),
    _T("DepthwiseConv2D", CONV, "DepthwiseConv2D", "DWConv", spec=True),
    _T("MaxPooling1D", POOL, "MaxPool1D", "MaxPool", spec=True),
    _T("MaxPooling2D", POOL, "MaxPool2D", "MaxPool", spec=True),
    _T("MaxPooling3D", POOL, "MaxPool3D", "MaxPool", spec=True),
    _T("AveragePooling2D", POOL, "AvgPool2D", "AvgPool", spec=True),
    _T("GlobalAveragePooling1D", GPOOL, "GlobAvgPool1D", "GAP", spec=True),
    _T("GlobalAveragePooling2D", GPOOL, "GlobAvgPool2D", "GAP", spec=True),
    _T("GlobalMaxPooling2D", GPOOL, "GlobMaxPool2D", "GMP", spec=True),
    _T("Flatten", RESHAPE, "Flatten", "Flat", spec=True),
    _T("Reshape", RESHAPE, "Reshape", "Reshp", spec=True),
    _T("Dropout", DROP, "Dropout", "Drop", spec=True),
    _T("SpatialDropout", DROP, "SpatialDropout", "SDrop", spec=True),
    _T("BatchNormalization", NORM, "BatchNorm", "BN", spec=True),
    _T("LayerNormalization", NORM, "LayerNorm", "LN", spec=True),
    _T("Embedding", EMBED, "Embedding", "Embed", spec=True),
    _T("SimpleRNN", RNN, "SimpleRNN", "SimpleRNN", spec=True),
    _T("LSTM", RNN, "LSTM", "LSTM", spec=True),
    _T("GRU", RNN, "GRU", "GRU", spec=True),
    _T("Bidirectional", RNN, "Bidirectional", "BiRNN", spec=True),
    _T("Attention", ATTN, "Attention", "Attn", spec=True),
    _T("MultiHeadAttention", ATTN, "MultiHeadAttn", "MHA", spec=True),
    _T("TransformerEncoder", ATTN, "TransformerEnc", "TEnc", spec=True),
    _T("TransformerDecoder", ATTN, "TransformerDec", "TDec", spec=True),
    _T("UpSampling2D", RESIZE, "UpSample2D", "UpSmp", spec=True),
    _T("ZeroPadding2D", RESIZE, "ZeroPad2D", "Pad", spec=True),
    _T("Concatenate", MERGE, "Concat", "Concat", spec=True),
    _T("Add", MERGE, "Add", "Add", spec=True),
    _T("Activation", ACT, "Activation", "Act", spec=True),
    _T("Pretrained", PRETRAINED, "Pretrained", "Pretr", spec=True),
    _T("Custom", CUSTOM, "Custom", "Custom", spec=True),
    # -- emitted by the readers beyond the spec's list
    _T("Conv1DTranspose", CONV, "ConvTranspose1D", "ConvT"),
    _T("Conv3DTranspose", CONV, "ConvTranspose3D", "ConvT"),
    _T("SeparableConv1D", CONV, "SepConv1D", "SepConv"),
    _T("LocallyConnected1D", CONV, "LocallyConn1D", "LocConn"),
    _T("LocallyConnected2D", CONV, "LocallyConn2D", "LocConn"),
    _T("AveragePooling1D", POOL, "AvgPool1D", "AvgPool"),
    _T("AveragePooling3D", POOL, "AvgPool3D", "AvgPool"),
    _T("GlobalAveragePooling3D", GPOOL, "GlobAvgPool3D", "GAP"),
    _T("GlobalMaxPooling1D", GPOOL, "GlobMaxPool1D", "GMP"),
    _T("UpSampling1D", RESIZE, "UpSample1D", "UpSmp"),
    _T("UpSampling3D", RESIZE, "UpSample3D", "UpSmp"),
    _T("ZeroPadding1D", RESIZE, "ZeroPad1D", "Pad"),
    _T("ZeroPadding3D", RESIZE, "ZeroPad3D", "Pad"),
    _T("Cropping1D", RESIZE, "Cropping1D", "Crop"),
    _T("Cropping2D", RESIZE, "Cropping2D", "Crop"),
    _T("GaussianNoise", REG, "GaussianNoise", "Noise"),
    _T("ActivityRegularization", REG, "ActivityReg", "ActReg"),
    _T("GroupNormalization", NORM, "GroupNorm", "GN"),
    _T("InstanceNormalization", NORM, "InstanceNorm", "IN"),
    _T("UnitNormalization", NORM, "UnitNorm", "UN"),
    _T("LocalResponseNormalization", NORM, "LocalRespNorm", "LRN"),
    _T("ConvLSTM2D", RNN, "ConvLSTM2D", "ConvLSTM2D"),
    _T("Permute", RESHAPE, "Permute", "Perm"),
    _T("RepeatVector", RESHAPE, "RepeatVector", "Repeat"),
    _T("Masking", MASK, "Masking", "Mask"),
    _T("Multiply", MERGE, "Multiply", "Mul"),
    _T("Subtract", MERGE, "Subtract", "Sub"),
    _T("Average", MERGE, "Average", "Avg"),
    _T("Maximum", MERGE, "Maximum", "Max"),
    _T("Dot", MERGE, "Dot", "Dot"),
)

BY_NAME: dict[str, LayerType] = {row.name: row for row in ROWS}
# layer type -> family: a Conv1D against a Conv2D is a near-match in the aligned view.
FAMILIES: dict[str, str] = {row.name: row.family for row in ROWS}
# The spec's canonical types, in its order.
SPEC_TYPES: tuple[str, ...] = tuple(row.name for row in ROWS if row.spec)


def of_family(*families: str) -> frozenset[str]:
    """The layer types of the given families."""
    return frozenset(row.name for row in ROWS if row.family in families)


def family(layer_type: str) -> str | None:
    """The family of a layer type, None for a type not in the table."""
    return FAMILIES.get(layer_type)


def label(layer_type: str) -> str:
    """A short name for a layer type; an unknown type is its own label."""
    row = BY_NAME.get(layer_type)
    return row.label if row else layer_type


def abbreviation(layer_type: str) -> str:
    """A cell of the aligned view; an unknown type is its own abbreviation."""
    row = BY_NAME.get(layer_type)
    return row.abbreviation if row else layer_type


# -- named sets, derived from the families ------------------------------------------
CONVOLUTION = of_family(CONV)
POOLING = of_family(POOL)
GLOBAL_POOLING = of_family(GPOOL)
ANY_POOLING = POOLING | GLOBAL_POOLING
DROPOUT = of_family(DROP)
NORMALIZATION = of_family(NORM)
RECURRENT = of_family(RNN)
ATTENTION = of_family(ATTN)
MERGES = of_family(MERGE)
RESHAPES = of_family(RESHAPE)
# Layers with weights that map features (the "weight layers" of the compare rules).
WEIGHTED = of_family(DENSE, CONV)
# Recurrent layers over a sequence of vectors: all but ConvLSTM2D, which runs over a
# sequence of feature maps (the readers use this narrower set: a Reshape before an
# RNN, a model ending in an RNN, text-task votes).
SEQUENCE_RECURRENT = RECURRENT - {"ConvLSTM2D"}
# Layer types without weights of their own (a model made only of these is no model).
WEIGHTLESS = of_family(POOL, GPOOL, RESIZE, DROP, REG, RESHAPE, MASK, MERGE, ACT)

# segmentation zoos (``segmentation_models`` for Keras, ``segmentation_models_pytorch``): each class is a
# whole network, an encoder of its own name (``encoder_name=``/first argument) under a decoder of the class's
SEGMENTATION_ZOOS = ("segmentation_models_pytorch", "segmentation_models")
SEGMENTATION_ARCHITECTURES = frozenset({
    "Unet", "UnetPlusPlus", "FPN", "Linknet", "PSPNet", "DeepLabV3", "DeepLabV3Plus", "MAnet", "PAN", "UPerNet",
    "Segformer",
})
