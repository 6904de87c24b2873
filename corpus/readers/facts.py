"""Facts about a script beyond its layers: datasets, task, tricks, preprocessing.

:func:`annotate` is called by the parser after the extractors. It reads the
script once (:func:`collect`: one tree-sitter query, then a handler per node
of interest) into :class:`FileFacts`, then fills each summary:

- ``datasets``, strongest evidence first (:func:`file_datasets`):
  1. loaders: ``keras.datasets.X``, ``torchvision.datasets.X``,
     ``torchtext``/``torchaudio``/``torch_geometric`` datasets,
     ``tfds.load("x")``, ``load_dataset("x")`` (a GLUE config names it),
     sklearn ``load_x``/``fetch_x``, ``gym.make(id)``, ``yf.download``, and
     the paths given to file readers (``read_csv("IMDB Dataset.csv")`` is
     ``imdb``: a benchmark from local files is that benchmark);
  2. other strings, names of functions/classes, the file path;
  3. ``custom`` when local files are read, or, in a file that trains, data
     comes from the project's own data module (``initial_data.input_()``);
     a README naming exactly one dataset may name the benchmark behind them;
  4. ``synthetic`` for generated data (``make_moons``, random arrays, toy
     number lists, a passage typed into the script);
  5. comments and docstrings.
  A model-definition file (nothing trained, no data read) lists none: the
  names, folders and docstrings that point at a data set there only vote on
  the task. Model builders (``get_mnist_model``) never name data.
  With several models and data loaded in between (notebooks), each model
  gets the dataset named last before it (:func:`model_datasets`).
- ``task``: a weighted vote (rules and weights in :mod:`corpus.knowledge.tasks`) of
  the dataset's usual task, structure (a generator/discriminator pair, an
  encoder/decoder pair, a diffusion model, an autoencoder fitted on its own
  input, CTC, gym), library heads and imports, the model's layers, output
  and loss (:func:`model_scores`), names in the model, file path and code,
  and the README's words.
- ``tricks``: layer-derived ones per model (:func:`layer_tricks`);
  code-derived ones (callbacks, schedulers, weight decay, clipping, mixed
  precision, checkpointing, pretrained/frozen weights, augmentation,
  pretrained embeddings) attributed to the model they touch: the model
  whose lines hold them, the model their names reach
  (``torch.save(netG...)``, ``optim.Adam(model.parameters(), ...)``), in a
  notebook the model defined next; else every model. Merged with what the
  extractors found; never dropped. Sorted in the spec's order.
- ``preprocessing``: from the data pipeline (a small fixed vocabulary,
  :data:`PREPROCESSING`), for every model of the file; merged likewise.

Nothing here executes the script.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from tree_sitter import Node

from corpus.knowledge import datasets as known_datasets
from corpus.knowledge import tasks as task_rules
from corpus.knowledge.layers import SEQUENCE_RECURRENT
from corpus.knowledge.vocab import SCHEDULERS, canonical_loss
from corpus.readers.script import (
    UNKNOWN,
    Script,
    call_arguments,
    call_function_name,
    node_text,
)
from corpus.record.summary import TRICKS, Layer, Summary

# -- vocabularies and their order in a summary ---------------------------------------

PREPROCESSING = (
    "normalize", "standardize", "resize", "grayscale", "reshape", "one_hot", "label_encode",
    "tokenize", "pad_sequences", "augment", "windowing", "impute",
)

# Layer types -> trick, per model.
LAYER_TRICKS: dict[str, str] = {
    "Dropout": "dropout",
    "SpatialDropout": "dropout",
    "BatchNormalization": "batch_norm",
    "LayerNormalization": "layer_norm",
    "Attention": "attention",
    "MultiHeadAttention": "attention",
    "TransformerEncoder": "attention",
    "TransformerDecoder": "attention",
    "Add": "residual",
    "Bidirectional": "bidirectional",
    "Pretrained": "pretrained_weights",
}
# Words in a Custom block's name that say what it holds.
CUSTOM_TRICKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"attention|transformer|selfattn|mhsa", re.I), "attention"),
    (re.compile(r"residual|resblock|res_block|basicblock|bottleneck|resnetblock|resunit", re.I), "residual"),
    (re.compile(r"batchnorm|batch_norm", re.I), "batch_norm"),
    (re.compile(r"layernorm|layer_norm", re.I), "layer_norm"),
)

# Calls (last segment of the dotted name) -> trick, wherever they appear.
TRICK_CALLS: dict[str, str] = {
    "EarlyStopping": "early_stopping",
    **dict.fromkeys(SCHEDULERS, "lr_schedule"),  # every learning-rate scheduler the readers know
    "ModelCheckpoint": "checkpointing", "CheckpointManager": "checkpointing",
    "clip_grad_norm_": "gradient_clipping", "clip_grad_norm": "gradient_clipping",
    "clip_grad_value_": "gradient_clipping", "clip_by_global_norm": "gradient_clipping",
    "clip_by_norm": "gradient_clipping",
    "GradScaler": "mixed_precision", "autocast": "mixed_precision",
    "set_global_policy": "mixed_precision", "set_policy": "mixed_precision",
    "load_word2vec_format": "embedding_pretrained", "GloVe": "embedding_pretrained",
    "FastText": "embedding_pretrained", "KeyedVectors": "embedding_pretrained",
    "load_vectors": "embedding_pretrained", "Vectors": "embedding_pretrained",
}
# Random transforms: torchvision, Keras preprocessing layers, tf.image, albumentations.
AUGMENT_CALLS = frozenset({
    "RandomCrop", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "RandomRotation",
    "RandomAffine", "RandomErasing", "RandomPerspective", "RandomGrayscale", "RandomSizedCrop",
    "ColorJitter", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix", "RandomApply",
    "RandomChoice", "RandomFlip", "RandomZoom", "RandomContrast", "RandomTranslation",
    "RandomBrightness", "RandomHeight", "RandomWidth",
    "random_flip_left_right", "random_flip_up_down", "random_crop", "random_brightness",
    "random_contrast", "random_hue", "random_saturation", "stateless_random_flip_left_right",
    "HorizontalFlip", "VerticalFlip", "ShiftScaleRotate", "RandomBrightnessContrast",
    "RandomRotate90", "GaussNoise", "ElasticTransform", "GridDistortion", "RandomSizedBBoxSafeCrop",
})
# ImageDataGenerator arguments that augment (any non-zero value).
AUGMENT_KWARGS = frozenset({
    "rotation_range", "width_shift_range", "height_shift_range", "horizontal_flip", "vertical_flip",
    "zoom_range", "shear_range", "brightness_range", "channel_shift_range",
})
STANDARDIZE_KWARGS = frozenset({"featurewise_center", "featurewise_std_normalization",
                                "samplewise_center", "samplewise_std_normalization"})

# Calls (last segment) -> preprocessing.
PREP_CALLS: dict[str, str] = {
    "Normalize": "normalize", "Rescaling": "normalize", "Normalization": "normalize",
    "MinMaxScaler": "normalize", "normalize": "normalize", "minmax_scale": "normalize",
    "StandardScaler": "standardize", "scale": "standardize", "per_image_standardization": "standardize",
    "RobustScaler": "standardize",
    "Resize": "resize", "Scale": "resize", "Resizing": "resize", "resize": "resize",
    "resize_images": "resize", "resize_with_pad": "resize", "resize_with_crop_or_pad": "resize",
    "CenterCrop": "resize", "center_crop": "resize", "imresize": "resize",
    "Grayscale": "grayscale", "rgb_to_grayscale": "grayscale",
    "to_categorical": "one_hot", "one_hot": "one_hot", "OneHotEncoder": "one_hot",
    "get_dummies": "one_hot", "LabelBinarizer": "one_hot", "CategoryEncoding": "one_hot",
    "LabelEncoder": "label_encode", "StringLookup": "label_encode",
    "Tokenizer": "tokenize", "text_to_word_sequence": "tokenize", "texts_to_sequences": "tokenize",
    "TextVectorization": "tokenize", "get_tokenizer": "tokenize", "build_vocab_from_iterator": "tokenize",
    "word_tokenize": "tokenize", "sent_tokenize": "tokenize", "AutoTokenizer": "tokenize",
    "BertTokenizer": "tokenize", "BertTokenizerFast": "tokenize", "DistilBertTokenizer": "tokenize",
    "GPT2Tokenizer": "tokenize", "RobertaTokenizer": "tokenize", "build_vocab": "tokenize",
    "Field": "tokenize", "CountVectorizer": "tokenize", "TfidfVectorizer": "tokenize",
    "one_hot_text": "tokenize", "SentencePieceProcessor": "tokenize", "RegexpTokenizer": "tokenize",
    "pad_sequences": "pad_sequences", "pad_sequence": "pad_sequences", "pack_padded_sequence": "pad_sequences",
    "padded_batch": "pad_sequences",
    "TimeseriesGenerator": "windowing", "timeseries_dataset_from_array": "windowing",
    "fillna": "impute", "SimpleImputer": "impute", "KNNImputer": "impute", "interpolate": "impute",
    "expand_dims": "reshape",
}
# Receivers of `.resize(...)` / `.reshape(...)` that are data, not a model's tensor.
_DATA_RECEIVER = re.compile(r"(train|test|val|valid|data|images?|img|^x$|^X$|^y$|^X_|^x_|^Y_|^y_|"
                            r"features|labels|inputs)", re.I)

# -- dataset sources ---------------------------------------------------------------

# Dotted prefixes whose next segment names a dataset (keras.datasets.mnist).
LOADER_MODULES = (
    "keras.datasets.", "tensorflow.keras.datasets.", "tf.keras.datasets.", "tensorflow.python.keras.datasets.",
    "torchvision.datasets.", "torchtext.datasets.", "torchtext.legacy.datasets.", "torchaudio.datasets.",
    "sklearn.datasets.", "tensorflow.examples.tutorials.", "tensorflow.contrib.learn.python.learn.datasets.",
    "torch_geometric.datasets.", "dgl.data.", "spektral.datasets.", "keras.src.datasets.",
    "tensorflow.keras.utils.", "ogb.",
)
# Loader calls whose string arguments name the dataset.
STRING_LOADERS = frozenset({
    "load", "builder", "load_dataset", "fetch_openml", "get_file", "Planetoid", "TUDataset",
    "PygNodePropPredDataset", "DglNodePropPredDataset", "make", "data_path", "download_url",
    "download_and_extract_archive", "download", "KarateClub",
})
# Hugging Face loaders of local files: not a benchmark.
HF_LOCAL = frozenset({"csv", "json", "text", "parquet", "imagefolder", "audiofolder", "pandas", "arrow"})
# Calls that read local files: a benchmark if a path names one, else `custom`.
LOCAL_READERS = frozenset({
    "read_csv", "read_excel", "read_json", "read_table", "read_parquet", "read_pickle", "read_feather",
    "loadtxt", "genfromtxt", "fromfile", "ImageFolder", "DatasetFolder", "flow_from_directory",
    "flow_from_dataframe", "image_dataset_from_directory", "text_dataset_from_directory",
    "audio_dataset_from_directory", "load_img", "imread", "glob", "listdir", "walk", "scandir",
    "TextLineDataset", "TFRecordDataset", "loadmat", "wavfile", "load_wav", "reader", "DictReader",
    "list_files", "ImageDataGenerator", "File", "open",
})
_OPEN_WRITE = re.compile(r"^[wax]")
# sklearn generators and random tensors as training data.
SYNTHETIC_CALLS = frozenset({
    "make_classification", "make_regression", "make_moons", "make_circles", "make_blobs",
    "make_swiss_roll", "make_s_curve", "make_friedman1", "make_gaussian_quantiles", "FakeData",
})
_RANDOM_DATA = re.compile(r"^(np|numpy|torch|tf|tensorflow)\.(random\.\w+|rand|randn|randint|linspace|"
                          r"arange|normal|uniform|sin|cos)$|^(np|numpy)\.random\.")
_RANDOM_CALL = re.compile(r"^(np|numpy)\.random\.(rand|randn|randint|normal|uniform|random|choice|random_sample)$|"
                          r"^torch\.(rand|randn|randint|normal)$|^tf\.random\.(normal|uniform)$")
# Project helpers that draw their data: generate_random_data(), make_toy_dataset(), simulate()
_GENERATOR_CALL = re.compile(r"^(generate|gen|make|create|simulate|sample)_?(random|toy|synthetic|fake|dummy|"
                             r"sine|sin|time_?series|series)_?(data|dataset|samples|series|shapes|points)?$|"
                             r"^(generate|simulate)_(data|dataset|samples)$", re.I)
_PY_RANDOM = re.compile(r"^(random|uniform|randint|gauss|random\.\w+)$")
_LITERAL_ARRAY = re.compile(r"^(np|numpy)\.(array|asarray)$|^torch\.(tensor|Tensor|FloatTensor|LongTensor)$|"
                            r"^(tf|tensorflow)\.constant$")
_NUMBERS = re.compile(r"^[\[\]\s\d.,eE+\-]+$")
_DATA_VAR = re.compile(r"^([xXyY]\d?|data|inputs?|targets?|labels?|features|train_?[xXyY]|test_?[xXyY]|"
                       r"[xXyY]_?(train|test|data|val|values)|x_np|y_np|dataset|series|t|time|steps|"
                       r"sequences?|signal|sin|cos|samples|(raw|in|out)_?seq(uence)?s?\d*|"
                       r"(train_|test_)?(sentences?|texts?|docs|documents|corpus))$")
# Text written in the script as its data: sentences = ["i love you", ...]
_TEXT_DATA_VAR = re.compile(r"^(train_|test_)?(sentences?|texts?|docs|documents|corpus)$")
# A passage written in the script as its data: sample = " if you want you"; sent = '...'
_INLINE_TEXT_VAR = re.compile(r"^(sent|sentence|sample|text|raw_text|corpus|paragraph|passage|train_text|"
                              r"training_text|input_text|data)$")
_NOT_PROSE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$|^\w+$")
# A model builder named for its data set names the model, not the data: get_mnist_model()
_MODEL_WORD = re.compile(r"model", re.I)
# A helper that fetches market prices for a ticker: downloaded market data (yahoo_finance)
_STOCK_FETCH = re.compile(r"^(fetch|get|download|load|read)_?(stock|price|ticker|share|quote)s?(_?(data|prices?|history))?$",
                          re.I)
_TICKER = re.compile(r"^\^?[A-Z]{1,5}([.-][A-Z]{1,2})?$")
# An input as wide as the vocabulary: one slot per word (multi-hot text)
_BAG_OF_WORDS_SHAPE = re.compile(r"^\(\s*(vocabulary_size|vocab_size|max_features|num_words|max_words|max_tokens|"
                                 r"n_words|vocab_len)\s*,\s*\)$")
# A file named for training trains, even where the parser reads no optimizer (train_breakout.py)
_TRAINING_FILE = re.compile(r"train", re.I)
# A project module named for data, imported at the top: `import initial_data`,
# `initial_data.input_()` reads the project's own files (custom data).
_LOCAL_DATA_MODULE = re.compile(r"^(data|dataset|loader|dataloader)(_\w+)?$|^\w+_(data|dataset|loader|dataloader)$")
_DATA_LIBRARIES = frozenset({"datasets", "dataclasses", "tensorflow_datasets", "torchdata", "pandas_datareader",
                             "input_data"})
# Libraries whose `data` / `datasets` modules are theirs, not the project's (`from torch.utils import data`).
_LIBRARIES = frozenset("""
torch torchvision torchtext torchaudio tensorflow keras tf_keras sklearn tensorflow_datasets datasets mxnet gluoncv
paddle jax flax numpy pandas chainer spacy nltk gensim transformers lightning pytorch_lightning torch_geometric dgl
fastai tflearn theano lasagne sonnet trax haiku ogb spektral detectron2 mmcv mmdet albumentations monai timm allennlp
tensorlayer tensorpack scipy statsmodels torchdata pandas_datareader
""".split())


def _is_local_data_module(origin: str) -> bool:
    """``initial_data`` (``import initial_data``) or ``submodules.datasets`` (``from submodules import datasets``):
    a module of the project that reads its data."""
    top, _, _rest = origin.partition(".")
    last = origin.rsplit(".", 1)[-1]
    if top in _LIBRARIES or origin in _DATA_LIBRARIES:
        return False
    return bool(_LOCAL_DATA_MODULE.match(last)) or ("." in origin and last == "datasets")
# Files written, not read: their names are not the data (plt.savefig("HousePrices.png")).
_OUTPUT_CALLS = frozenset({
    "savefig", "to_csv", "to_excel", "to_json", "to_pickle", "to_parquet", "save", "save_weights", "save_model",
    "ModelCheckpoint", "imsave", "imwrite", "save_image", "write", "dump", "export", "save_pretrained",
    "CSVLogger", "TensorBoard", "SummaryWriter", "makedirs", "mkdir", "plot_model", "savez", "savetxt",
})
# Pretrained word vectors read from a file: the embedding_pretrained trick, not the data.
_EMBEDDING_FILE = re.compile(r"glove|word2vec|fasttext|googlenews|crawl-\d+d|wiki-news|\.vec\b|w2v|"
                             r"embedding_?(file|path|dir|matrix)|embeddings?_index", re.I)
# A path to a data file handed to any call (a project's readfile("data/train.txt"),
# torch.load("traindata.pt")): local data, unless its name says it is something else.
_DATA_FILE = re.compile(r"\.(csv|tsv|txt|jsonl?|npy|npz|h5|hdf5|pkl|pickle|parquet|xlsx?|data|mat|feather)$|"
                        r"data[^/\\]*\.pth?$", re.I)
_NOT_DATA_FILE = re.compile(r"config|vocab|log|result|output|pred|submission|checkpoint|weight|model|history|"
                            r"requirements|readme|license|embedding|glove|stopword|label_?map|classes", re.I)
# Calls that compute gradients: a model is trained in the file even when no optimizer is read
# (w.assign(w - lr * grad) after tf.gradients).
_GRADIENT_CALLS = frozenset({"backward", "gradients", "minimize", "apply_gradients", "GradientTape", "grad"})
# Function names that say they provide data.
_DATA_DEF = re.compile(r"load|get|read|fetch|download|prepare|prep|data|loader|batch|iter|sample|split|"
                       r"train|preprocess|process|transform|parse", re.I)
_DATA_NAME_VAR = re.compile(r"data|corpus|(^|_)(path|dir|file|folder)$", re.I)
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAMED_LOADERS = ("datasets.", "tensorflow_datasets.", "tfds.", "nlp.")
_DATASET_ID = re.compile(r"^[A-Za-z][\w\-]*(/[\w\-.]+)?$")
_YAHOO = ("yfinance.", "pandas_datareader.", "yahoo_fin.", "yahoofinancials.")
_ARG_DATASET_KEYS = ("dataset", "data", "dataset_name", "data_name", "task", "data_set", "dset", "env",
                     "env_name", "env_id")

# Names of model-training calls whose arguments tie a callback/optimizer variable to a model.
_TRAIN_CALLS = frozenset({"fit", "fit_generator", "compile", "train_on_batch", "fit_one_cycle", "Trainer"})
_SAVE_CALLS = frozenset({"save", "save_weights", "save_checkpoint", "save_model", "save_state_dict"})
_FREEZE_ATTRS = frozenset({"trainable", "requires_grad"})
_RECON_WORDS = re.compile(r"recon|decoded|reconstruct|x_hat|xhat|x_rec", re.I)
_VOCAB_WORDS = re.compile(r"vocab|dict_size|ntoken|n_token|num_tokens|n_chars|num_chars|len\(chars\)|nchars|n_vocab|n_word\b|"
                          r"len\(char|num_words|max_words|n_words|len\(words\)|total_words|"
                          r"len\(tokenizer", re.I)
_FACTORY_METHODS = frozenset({"from_pretrained", "from_config"})
_LOSS_VARS = frozenset({"criterion", "loss_fn", "loss_func", "loss_function", "lossfunc", "loss_fcn",
                        "reconstruction_loss", "recon_loss"})
_TRANSFER_WORDS = re.compile(r"transfer|fine[_-]?tun|finetun", re.I)
_LR_NAME = re.compile(r"(^|\.)(lr|learning_rate|current_lr|curr_lr)$")
_LOOP_TYPES = frozenset({"for_statement", "while_statement"})
_STOP_CLIMB = frozenset({"function_definition", "class_definition", "module"})
_TEXT_TASKS = frozenset({"text_classification", "machine_translation", "language_modeling",
                         "text_generation", "question_answering", "sequence_labeling"})
_IMAGE_TASKS = frozenset({"image_classification", "object_detection", "image_segmentation",
                          "image_generation"})


@dataclass
class Occurrence:
    """A trick (or a task hint) seen at a place in the code, with the names around it."""

    name: str
    line: int
    idents: frozenset[str]
    assigned_to: str | None = None
    weight: float = 0.0  # for task hints


@dataclass
class FileFacts:
    """What one walk of a script found, before it is attributed to models."""

    loader_datasets: list[str] = field(default_factory=list)  # from loader calls and local paths
    text_datasets: list[str] = field(default_factory=list)  # from strings and call names
    weak_datasets: list[str] = field(default_factory=list)  # from comments and docstrings
    local_files: bool = False
    synthetic: bool = False
    random_calls: int = 0  # np.random / torch.rand calls: generated data when nothing else is read
    synthetic_guess: bool = False  # `synthetic` only because random numbers are drawn
    tricks: list[Occurrence] = field(default_factory=list)
    task_hints: list[Occurrence] = field(default_factory=list)  # attributed like tricks
    preprocessing: list[str] = field(default_factory=list)
    task_scores: dict[str, float] = field(default_factory=dict)  # for every model of the file
    freezes: bool = False
    # var -> the expressions assigned to it; their identifiers are read only when a
    # trick must be attributed among several models (most files have one)
    dep_nodes: dict[str, list[Node]] = field(default_factory=dict)
    train_calls: list[Node] = field(default_factory=list)  # fit/compile calls
    _deps: dict[str, set[str]] = field(default_factory=dict)
    _train_uses: list[frozenset[str]] | None = None

    def deps(self, name: str) -> set[str]:
        """Identifiers of what was assigned to ``name`` (``opt = Adam(model.parameters())`` -> model, ...)."""
        got = self._deps.get(name)
        if got is None:
            got = set()
            for n in self.dep_nodes.get(name, ())[:20]:
                got |= _idents(n, limit=200)
            self._deps[name] = got
        return got

    def train_uses(self) -> list[frozenset[str]]:
        """Identifiers of each fit/compile call, to tie callbacks and optimizers to models."""
        if self._train_uses is None:
            self._train_uses = [frozenset(_idents(c)) for c in self.train_calls]
        return self._train_uses
    calls_by_line: dict[int, list[Node]] = field(default_factory=dict)
    text_signals: bool = False  # tokenizers, vocabularies: the data is text
    computes_gradients: bool = False  # loss.backward(), tf.gradients(...): a model is trained here
    columns: set[str] = field(default_factory=set)  # string keys of columns read (df['medv'])
    hinted_datasets: list[str] = field(default_factory=list)  # named in a model-only file: for the task only
    project_data: bool = False  # a function of the project's own data module is called (initial_data.input_())

    mentions: list[tuple[int, str]] = field(default_factory=list)  # (line, dataset) from loaders and strings
    at: Node | None = None  # the node being read: its line is where a dataset is mentioned
    class_names: list[str] = field(default_factory=list)
    # classes whose names say what they hold (MultiHeadAttention, ResidualBlock): (start, end, trick)
    trick_classes: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def cur_line(self) -> int:
        return self.at.start_point[0] + 1 if self.at is not None else 0

    def mark_synthetic(self) -> None:
        self.synthetic = True
        self.mentions.append((self.cur_line, known_datasets.SYNTHETIC))

    def add_dataset(self, where: list[str], name: str | None) -> None:
        if not name:
            return
        if where is self.loader_datasets or where is self.text_datasets:
            self.mentions.append((self.cur_line, name))
        if name not in where:
            where.append(name)


def _add(scores: dict[str, float], task: str, weight: float) -> None:
    scores[task] = scores.get(task, 0.0) + weight


def _last(fn: str | None) -> str:
    return fn.rsplit(".", 1)[-1] if fn else ""


def _call_name(call: Node) -> str | None:
    """Dotted name of a call, or ``.name`` for a method on a call result (``Net().to``)."""
    fn = call_function_name(call)
    if fn:
        return fn
    func = call.child_by_field_name("function")
    if func is not None and func.type == "attribute":
        return "." + node_text(func.child_by_field_name("attribute"))
    return None


def _idents(node: Node, limit: int = 400) -> set[str]:
    out: set[str] = set()
    stack = [node]
    seen = 0
    while stack and seen < limit:
        n = stack.pop()
        seen += 1
        if n.type == "identifier":
            out.add(node_text(n))
        else:
            stack.extend(n.named_children)
    return out


def _statement(node: Node) -> Node:
    """The statement holding ``node`` (stops at a def/class)."""
    n = node
    while n.parent is not None and n.parent.type not in ("block", "module") and n.parent.type not in _STOP_CLIMB:
        n = n.parent
    return n


def _assigned_name(stmt: Node) -> str | None:
    inner = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else stmt
    if inner.type == "assignment":
        left = inner.child_by_field_name("left")
        if left is not None and left.type == "identifier":
            return node_text(left)
        if left is not None and left.type == "attribute":
            return node_text(left.child_by_field_name("attribute"))
    return None


def _in_loop(node: Node) -> bool:
    """Inside a for/while, or in a function that takes an epoch (called once per epoch)."""
    n = node.parent
    while n is not None:
        if n.type in _LOOP_TYPES:
            return True
        if n.type == "function_definition":
            params = node_text(n.child_by_field_name("parameters"))
            name = node_text(n.child_by_field_name("name"))
            return bool(re.search(r"\b(epoch|epochs|step|iteration|it|global_step)\b", params)) or \
                "checkpoint" in name.lower()
        if n.type in ("class_definition", "module"):
            return False
        n = n.parent
    return False


def _in_class(node: Node) -> bool:
    n = node.parent
    while n is not None:
        if n.type == "class_definition":
            return True
        n = n.parent
    return False


def _enclosing_def(node: Node) -> str:
    n = node.parent
    while n is not None:
        if n.type == "function_definition":
            return node_text(n.child_by_field_name("name"))
        n = n.parent
    return ""


def _nonzero(v) -> bool:
    if v is UNKNOWN:
        return True  # written but not readable: an argument given is meant
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, (list, tuple)):
        return any(_nonzero(x) for x in v)
    return v is not None


def _strings_in(node: Node, script: Script, limit: int = 200) -> list[str]:
    """Static string values inside ``node`` (literals, constants and argparse defaults they name)."""
    out: list[str] = []
    stack = [node]
    seen = 0
    while stack and seen < limit:
        n = stack.pop()
        seen += 1
        if n.type in ("string", "concatenated_string", "identifier", "attribute", "binary_operator"):
            v = script.value(n)
            if isinstance(v, str):
                out.append(v)
                continue
            if n.type == "string":
                out.append(node_text(n))  # an f-string: its literal parts still name files
                continue
        if n.type in ("string", "identifier"):
            continue
        stack.extend(n.named_children)
    return out


# Call names worth a closer look; every other call is only scanned for keywords and its name.
_INTERESTING = frozenset(TRICK_CALLS) | AUGMENT_CALLS | frozenset(PREP_CALLS) | frozenset(task_rules.CALL_RULES) | \
    LOCAL_READERS | STRING_LOADERS | SYNTHETIC_CALLS | _SAVE_CALLS | _TRAIN_CALLS | _LOSS_VARS | frozenset({
        "ImageDataGenerator", "from_pretrained", "initialize", "copy_", "requires_grad_", "freeze",
        "reshape", "split", "read_data_sets", "Embedding", "get_data_yahoo", "DataReader", "download", "Input",
        "train_on_batch", "binary_cross_entropy", "mse_loss", "l1_loss", "cross_entropy"})
_INTERESTING_MODULES = LOADER_MODULES + _YAHOO + ("albumentations.", "tensorflow_datasets.", "gym")
_KEYWORDS = ("weight_decay", "wd", "kernel_regularizer", "W_regularizer", "decay", "clipnorm", "clipvalue",
             "global_clipnorm", "gradient_clip_val", "max_grad_norm", "weights", "embeddings_initializer", "vectors",
             "pretrained", "precision", "padding", "truncation", "fix_length", "target_size", "image_size")
_INTERESTING_KW = re.compile(r"\b(" + "|".join(_KEYWORDS) + r")\s*=")
_KEYWORDS_BYTES = tuple(k.encode() for k in _KEYWORDS)


class _CallKind(NamedTuple):
    """What :meth:`_Collector._call` reads from a call's name alone."""

    fn: str  # the dotted name as written
    last: str  # the last segment (or the class of a ``from_pretrained`` factory)
    resolved: str  # the dotted name through the imports
    pretrained: bool  # SomeModel.from_pretrained(...)
    random: bool  # np.random.rand(...)
    gradient: bool  # loss.backward(), tf.gradients(...)
    generator: bool  # generate_toy_data()
    interesting: bool  # worth reading the arguments
    named: tuple[str, ...]  # datasets the name of an uninteresting call names (load_mnist)
    local_data: bool  # a function of the project's own data module (initial_data.input_())

class _CallSite(NamedTuple):
    """A call whose arguments are worth reading, as the call rules see it."""

    node: Node
    fn: str  # the dotted name as written
    last: str  # its last segment (or the class of a ``from_pretrained`` factory)
    resolved: str  # the dotted name through the imports
    positional: list[Node]
    keywords: dict[str, Node]


# Calls whose string arguments name pretrained weights, not data.
_WEIGHT_LOADERS = frozenset({"from_preset", "from_pretrained", "load_weights", "load_state_dict", "load_model",
                             "KerasLayer", "load_url", "load_state_dict_from_url", "hub_load"})
# Calls whose strings are prose (what a script prints or plots), weak evidence.
_PROSE_CALLS = frozenset({"print", "ArgumentParser", "set_title", "title", "xlabel", "ylabel", "suptitle",
                          "info", "warning", "debug", "write", "format", "log", "set_description", "legend"})
_WEIGHTS_TEXT = re.compile(r"resnet|vgg|xception|inception|mobilenet|efficientnet|densenet|weights|pretrain|"
                           r"\.h5|\.pth?\b|\.ckpt|tfhub|checkpoint|_notop|convnext|vit", re.I)

_MAX_NODES = 20000
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VOCAB_IDENT = frozenset("word_index word2idx vocab_to_int char_to_idx char2idx stoi char_indices word_to_ix "
                         "word2index word_to_idx char_to_int".split())



def _datasets_named(name: str) -> list[str]:
    """Datasets a function or class name names; ``ImagenetTransferLearning`` names weights, not data."""
    found = known_datasets.find_in_text(name)
    if "imagenet" in found and (_TRANSFER_WORDS.search(name) or "pretrain" in name.lower()):
        found = [n for n in found if n != "imagenet"]
    return found


@lru_cache(maxsize=16384)
def _name_facts(fn: str) -> tuple[str, bool, bool, bool, bool, bool, tuple[str, ...]]:
    """What a call's dotted name says in any file: (last segment or factory class, a pretrained
    factory, random numbers, gradients, a data generator, interesting by its last segment,
    datasets the last segment names)."""
    last = _last(fn)
    pretrained = False
    if last in _FACTORY_METHODS and "." in fn.lstrip("."):
        # AutoTokenizer.from_pretrained(...): the class says what it is
        owner = _last(fn.rsplit(".", 1)[0])
        if owner in PREP_CALLS or owner in task_rules.CALL_RULES:
            last = owner
        elif last == "from_pretrained" and owner != "Embedding" and not fn.startswith("."):
            pretrained = True
    named = tuple(_datasets_named(last)) if len(last) > 4 and not _MODEL_WORD.search(last) else ()
    return (last, pretrained, bool(_RANDOM_CALL.match(fn)), last in _GRADIENT_CALLS,
            bool(_GENERATOR_CALL.match(last)), last in _INTERESTING, named)


# -- the walk ------------------------------------------------------------------------


class _Collector:
    def __init__(self, script: Script) -> None:
        self.s = script
        self.f = FileFacts()
        self.defs: list[str] = []
        self.fired: set[str] = set()
        self.str_assign: dict[str, list[tuple[int, str]]] = {}  # name -> (line, string) in order
        self.classes: list[str] = []
        # local names bound to a dataset module or class: mnist = tf.keras.datasets.mnist
        self.module_alias: dict[str, str] = {}
        self.written: set[str] = set()  # files the script writes (torch.save(net, "net.pkl"))
        self.data_files: set[str] = set()  # data-file paths handed to calls, decided in _finish
        self._kinds: dict[bytes, _CallKind] = {}  # a called function's text -> what its name says
        self._kw_offsets: list[int] | None = None  # byte offsets of keyword-argument candidates

    def run(self) -> FileFacts:
        # The script's shared index (one query pass in C, made once for every reader) finds
        # every node of interest; walking each node in Python would cost more than parsing the file.
        nodes = self.s.nodes
        for kind, handler in _HANDLERS:
            # bounded: a generated 10 MB file must not cost more than a real script or two
            for n in nodes(kind)[:_MAX_NODES]:
                self.f.at = n
                handler(self, n)
        self._finish()
        return self.f

    # ---- node handlers (return True to skip the children)
    def _call_kind(self, fn: str) -> _CallKind:
        """What a call's dotted name says in this file (the same for every call of that name)."""
        last, pretrained, random, gradient, generator, last_interesting, named = _name_facts(fn)
        resolved = self.s.resolve(fn) if not fn.startswith(".") else fn
        head = fn.split(".", 1)[0]
        if head in self.module_alias:
            resolved = self.module_alias[head] + fn[len(head):]
        resolved = resolved or fn
        interesting = last_interesting or resolved.startswith(_INTERESTING_MODULES)
        local_data = "." in fn and head in self.s.aliases and _is_local_data_module(self.s.aliases[head])
        return _CallKind(fn, last, resolved, pretrained, random, gradient, generator, interesting,
                         () if interesting else named, local_data)

    def _keyword_offsets(self) -> list[int]:
        """Where any of the :data:`_KEYWORDS` occurs in the file: a superset of the keyword arguments."""
        code = self.s.code_bytes
        offsets: list[int] = []
        for word in _KEYWORDS_BYTES:
            at = code.find(word)
            while at >= 0:
                offsets.append(at)
                at = code.find(word, at + 1)
        offsets.sort()
        self._kw_offsets = offsets
        return offsets

    def _call(self, call: Node) -> bool:
        """A call: what its name says, then the rules of :data:`_CALL_RULES` that apply to its name, in order."""
        kind = self._kind_of_call(call)
        if kind is None:
            return False
        self._note_call(call, kind)
        if not kind.interesting:
            self._plain_call(call, kind)
            return False
        positional, keywords = call_arguments(call)
        site = _CallSite(call, kind.fn, kind.last, kind.resolved, positional, keywords)
        for rule in _rules_for(kind.last):
            rule(self, site)
        return False

    def _kind_of_call(self, call: Node) -> _CallKind | None:
        """What the called name says (None for ``f()(x)``, ``d[k](x)``: no name to read)."""
        func = call.child_by_field_name("function")
        if func is None:
            return None
        t = func.type
        if t != "identifier" and t != "attribute":
            return None
        # The name read from the function's text (a chain with an error inside is read
        # the long way): calls of one name share one look-up.
        raw = func.text if t == "identifier" or not func.has_error else None
        kind = self._kinds.get(raw) if raw is not None else None
        if kind is None:
            fn = _call_name(call)
            if not fn:
                return None
            kind = self._call_kind(fn)
            if raw is not None:
                self._kinds[raw] = kind
        return kind

    def _note_call(self, call: Node, kind: _CallKind) -> None:
        """What every call tells by its name alone: pretrained weights, random numbers, gradients, toy data."""
        f = self.f
        if kind.pretrained:
            self._trick(call, "pretrained_weights")
        f.calls_by_line.setdefault(call.start_point[0] + 1, []).append(call)
        if kind.random:
            f.random_calls += 1
        if kind.gradient:
            f.computes_gradients = True
        if kind.generator:
            f.mark_synthetic()
        if kind.local_data:
            f.project_data = True
        if _STOCK_FETCH.match(kind.last):
            # fetch_stock_data("AAPL", ...): a project helper downloading a ticker's prices
            positional = call_arguments(call)[0]
            ticker = self.s.value(positional[0]) if positional else None
            if isinstance(ticker, str) and _TICKER.match(ticker):
                f.add_dataset(f.loader_datasets, known_datasets.YAHOO_FINANCE)

    def _plain_call(self, call: Node, kind: _CallKind) -> None:
        """Most calls are layers and tensor ops: only their keywords and name may matter."""
        args = call.child_by_field_name("arguments")
        if args is not None:
            # a keyword this file holds somewhere inside these arguments? (no false negatives)
            offsets = self._kw_offsets
            if offsets is None:
                offsets = self._keyword_offsets()
            i = bisect_left(offsets, args.start_byte)
            if i < len(offsets) and offsets[i] < args.end_byte and _INTERESTING_KW.search(node_text(args)):
                for k, v in call_arguments(call)[1].items():
                    self._keyword_trick(call, kind.last, k, v)
        for n in kind.named:
            self.f.add_dataset(self.f.text_datasets, n)

    # ---- call rules (each one row of _CALL_RULES: the names it applies to, or all)
    def _train_call(self, c: _CallSite) -> None:
        self.f.train_calls.append(c.node)

    def _task_of_call(self, c: _CallSite) -> None:
        # task hints named by the call itself; a rule votes once, however often it is called
        rule = task_rules.CALL_RULES.get(c.last)
        if rule and c.last not in self.fired:
            self.fired.add(c.last)
            _add(self.f.task_scores, rule[0], rule[1])

    def _fit_on_inputs(self, c: _CallSite) -> None:
        # model.fit(x, x): an autoencoder
        if len(c.positional) >= 2 and node_text(c.positional[0]) == node_text(c.positional[1]):
            self._hint(c.node, "representation_learning", task_rules.WEIGHT_CERTAIN)

    def _reconstruction_loss(self, c: _CallSite) -> None:
        loss = canonical_loss(c.last) or c.last in _LOSS_VARS
        if loss and len(c.positional) >= 2 and any(_RECON_WORDS.search(node_text(p)) for p in c.positional[:2]):
            self._hint(c.node, "representation_learning", 6.0)

    def _bag_of_words_input(self, c: _CallSite) -> None:
        if "Input" in self.fired:
            return
        shape = c.keywords.get("shape") or (c.positional[0] if c.positional else None)
        if shape is not None and _BAG_OF_WORDS_SHAPE.match(node_text(shape)):
            self.fired.add("Input")  # keras.Input(shape=(vocabulary_size,)): a multi-hot bag of words
            _add(self.f.task_scores, "text_classification", 2.0)

    def _image_folders(self, c: _CallSite) -> None:
        if c.last not in self.fired:
            self.fired.add(c.last)
            _add(self.f.task_scores, "image_classification", 3.0)

    def _trick_of_call(self, c: _CallSite) -> None:
        trick = TRICK_CALLS.get(c.last)
        if trick == "mixed_precision" and c.last in ("set_global_policy", "set_policy"):
            trick = "mixed_precision" if any("16" in v for v in _strings_in(c.node, self.s)) else None
        if trick:
            self._trick(c.node, trick)

    def _augmentation(self, c: _CallSite) -> None:
        if c.last in AUGMENT_CALLS or c.resolved.startswith("albumentations."):
            self._trick(c.node, "data_augmentation")
            self._prep("augment")

    def _image_data_generator(self, c: _CallSite) -> None:
        keywords = c.keywords
        if any(k in AUGMENT_KWARGS and _nonzero(self.s.value(v)) for k, v in keywords.items()):
            self._trick(c.node, "data_augmentation")
            self._prep("augment")
        if "rescale" in keywords:
            self._prep("normalize")
        if any(k in STANDARDIZE_KWARGS and _nonzero(self.s.value(v)) for k, v in keywords.items()):
            self._prep("standardize")
        if "preprocessing_function" in keywords:
            self._prep("normalize")

    def _keyword_tricks(self, c: _CallSite) -> None:
        for k, v in c.keywords.items():
            self._keyword_trick(c.node, c.last, k, v)

    def _pretrained_embedding(self, c: _CallSite) -> None:
        if "Embedding" in c.fn and \
                not re.search(r"sinusoid|position|pos_", node_text(c.node.child_by_field_name("arguments"))):
            self._trick(c.node, "embedding_pretrained")

    def _apex_amp(self, c: _CallSite) -> None:
        if "amp" in c.resolved:
            self._trick(c.node, "mixed_precision")

    def _embedding_copy(self, c: _CallSite) -> None:
        if re.search(r"embedding.*weight|weight.*embedding", c.fn + node_text(c.node), re.I) \
                and re.search(r"pretrain|vectors|glove|word2vec|embedding_matrix", node_text(c.node), re.I):
            self._trick(c.node, "embedding_pretrained")

    def _save_in_loop(self, c: _CallSite) -> None:
        if not c.resolved.startswith(("np.", "numpy", "pickle", "json", "plt", "matplotlib", "joblib")) \
                and _in_loop(c.node):
            self._trick(c.node, "checkpointing")

    def _freeze_call(self, c: _CallSite) -> None:
        if not c.positional or node_text(c.positional[0]) == "False":
            self.f.freezes = True

    def _preprocessing_call(self, c: _CallSite) -> None:
        prep = PREP_CALLS.get(c.last)
        veto = _PREP_VETOES.get(c.last)
        if prep and veto is not None and veto(c):
            prep = None
        if prep:
            self._prep(prep)
            if prep in ("tokenize", "pad_sequences"):
                self.f.text_signals = True

    def _reshape_call(self, c: _CallSite) -> None:
        if _enclosing_def(c.node) in ("forward", "call", "__call__", "__init__", "build"):
            return
        fn = c.fn
        recv = fn.rsplit(".", 1)[0] if "." in fn else ""
        if fn.startswith("."):  # a method on an expression: df["x"].values.reshape(-1, 1)
            func = c.node.child_by_field_name("function")
            recv = node_text(func.child_by_field_name("object"))[-60:] if func is not None else ""
        if recv in ("np", "numpy") or recv.endswith((".values", ".to_numpy()")) or \
                _DATA_RECEIVER.search(recv.rsplit(".", 1)[-1] if recv else ""):
            self._prep("reshape")

    def _split_text(self, c: _CallSite) -> None:
        fn = c.fn
        if "." in fn and not fn.startswith(".") and not c.positional and \
                re.search(r"(text|sentence|review|doc|corpus)s?$", fn.rsplit(".", 1)[0], re.I):
            self._prep("tokenize")

    def _one_hot_reader(self, c: _CallSite) -> None:
        if "one_hot" in c.keywords and self.s.value(c.keywords["one_hot"]) is True:
            self._prep("one_hot")

    def _embedding_weights(self, c: _CallSite) -> None:
        if "weights" in c.keywords:
            self._trick(c.node, "embedding_pretrained")
    # ---- datasets a call names or loads
    def _datasets_of_call(self, c: _CallSite) -> None:
        self._loader_module_datasets(c)
        if c.last in SYNTHETIC_CALLS:
            self.f.mark_synthetic()
        if c.last in STRING_LOADERS:
            self._string_loader_datasets(c)
        self._project_module_datasets(c)
        # downloaded market data
        if c.resolved.startswith(_YAHOO) or c.last in ("get_data_yahoo", "DataReader") or \
                (c.last == "download" and c.fn.split(".")[0] in ("yf", "yfinance")):
            self.f.add_dataset(self.f.loader_datasets, known_datasets.YAHOO_FINANCE)
        if (c.last in LOCAL_READERS or (c.last == "load" and c.resolved.startswith(("numpy.", "np.")))) \
                and not self._local_file_datasets(c):
            return
        # call names that name a dataset (load_mnist(), get_cifar10_loaders())
        if not c.resolved.startswith(LOADER_MODULES) and len(c.last) > 4 and not _MODEL_WORD.search(c.last):
            for n in known_datasets.find_in_text(c.last.replace("_", " ")):
                self.f.add_dataset(self.f.text_datasets, n)

    def _loader_module_datasets(self, c: _CallSite) -> None:
        """keras.datasets.mnist.load_data, torchvision.datasets.CIFAR10, sklearn.datasets.load_iris."""
        f, strong = self.f, self.f.loader_datasets
        prefix = next((p for p in LOADER_MODULES if c.resolved.startswith(p)), None)
        if prefix is None:
            return
        rest = c.resolved[len(prefix):].split(".")
        for seg in rest:
            if seg in SYNTHETIC_CALLS or seg.startswith("make_"):
                f.mark_synthetic()
                break
            name = known_datasets.canonical_dataset(seg)
            if name:
                f.add_dataset(strong, name)
                break
        if rest and rest[0] in ("Planetoid", "TUDataset"):
            self._string_datasets(c.node, strong)
        if rest and rest[0] in ("ImageFolder", "DatasetFolder"):
            f.local_files = True
            self._string_datasets(c.node, strong)

    def _string_loader_datasets(self, c: _CallSite) -> None:
        """tfds.load("mnist"), load_dataset("imdb"), gym.make("CartPole-v1"): the dataset a string names."""
        f, s, last = self.f, self.s, c.last
        vals = [s.value(p) for p in c.positional[:2]]
        for key in ("name", "path", "id", "env_id", "fname", "origin", "url"):
            if key in c.keywords:
                vals.append(s.value(c.keywords[key]))
        strs = [v for v in vals if isinstance(v, str)]
        if last == "make":
            if c.resolved.startswith(("gym", "gymnasium", "retro")) or c.fn.startswith(("gym.", "gymnasium.")):
                env = self._string_at(c.positional[0], c.node) if c.positional else None
                for v in ([env] if env else strs[:1]):
                    f.add_dataset(f.loader_datasets, known_datasets.gym_dataset(v))
        elif last == "load_dataset" and strs and strs[0].lower() in HF_LOCAL:
            f.local_files = True
        elif last in ("load", "builder") and not c.resolved.startswith(("tensorflow_datasets", "tfds")):
            pass  # json.load, torch.load, np.load: not a dataset name
        elif strs:
            self._named_datasets(c, strs)

    def _named_datasets(self, c: _CallSite, strs: list[str]) -> None:
        f, strong, last = self.f, self.f.loader_datasets, c.last
        names = [known_datasets.canonical_dataset(v) for v in strs]
        known = [n for n in names if n]
        if last == "load_dataset" and len(known) == 2 and known[0] == "glue":
            known = known[1:]  # load_dataset("glue", "sst2"): the config names it
        if known:
            for n in known[:1] if last in ("load", "builder", "load_dataset") else known:
                f.add_dataset(strong, n)
        elif last in ("load", "builder", "load_dataset") and c.resolved.startswith(_NAMED_LOADERS) and \
                _DATASET_ID.match(strs[0]):
            bare = strs[0].split(":", 1)[0].rsplit("/", 1)[-1]
            f.add_dataset(strong, re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_"))
        else:
            found = [d for v in strs for d in known_datasets.find_in_text(v)]
            for n in found:
                f.add_dataset(strong, n)
            if last in ("get_file", "download_url", "download", "download_and_extract_archive") and not found:
                f.local_files = True

    def _project_module_datasets(self, c: _CallSite) -> None:
        # a helper module of the project named for its data: cifar10.load_training_data()
        s, fn = self.s, c.fn
        head = fn.split(".", 1)[0]
        if "." in fn and head in s.aliases and not c.resolved.startswith(LOADER_MODULES) and \
                s.aliases[head].split(".")[0] == head:
            for n in known_datasets.find_in_text(head):
                self.f.add_dataset(self.f.loader_datasets, n)

    def _local_file_datasets(self, c: _CallSite) -> bool:
        """Local files read: a benchmark if a path names one. False when the call reads no data
        (a file opened for writing, pretrained word vectors, settings) and nothing more is to be read of it."""
        s, last, resolved = self.s, c.last, c.resolved
        if last == "open":
            mode = s.value(c.positional[1]) if len(c.positional) > 1 else s.value(c.keywords.get("mode"))
            if isinstance(mode, str) and _OPEN_WRITE.match(mode):
                return False
        if (last == "File" and not resolved.startswith("h5py")) or (last == "walk" and not resolved.startswith("os")) \
                or (last == "reader" and not resolved.startswith("csv")):
            return False
        args = c.node.child_by_field_name("arguments")
        if args is not None and _EMBEDDING_FILE.search(" ".join(_strings_in(c.node, s)) + " " +
                                                        node_text(args)[:300]):
            return False  # glove.6B.100d.txt: pretrained word vectors, not the data
        if last == "open":
            names = [re.split(r"[/\\]", v)[-1] for v in _strings_in(c.node, s)]
            if names and all(_NOT_DATA_FILE.search(n) for n in names):
                return False  # open("config.json"), open("vocab.txt"): settings, not the data
        self._string_datasets(c.node, self.f.loader_datasets)
        if last not in ("ImageDataGenerator",) and (c.positional or c.keywords):
            self.f.local_files = True
        return True

    def _string_at(self, node: Node, where: Node) -> str | None:
        """A name's string value as last assigned before ``where`` (a notebook reassigns ``env_id``)."""
        if node.type != "identifier":
            return None
        line = where.start_point[0] + 1
        best = None
        for ln, v in self.str_assign.get(node_text(node), ()):
            if ln <= line:
                best = v
        return best

    def _string_datasets(self, call: Node, where: list[str]) -> list[str]:
        found: list[str] = []
        args = call.child_by_field_name("arguments")
        texts = _strings_in(call, self.s)
        if args is not None:
            # read_csv(movielens_dir + '/ratings.csv'): the variable's name says it
            texts += [name for name in _idents(args, limit=60) if len(name) > 5]
        for v in texts:
            for n in known_datasets.find_in_text(v):
                self.f.add_dataset(where, n)
                found.append(n)
        return found

    def _keyword_trick(self, call: Node, last: str, key: str, value: Node) -> None:
        """A keyword argument that shows a trick or a preprocessing step (one handler per keyword)."""
        handler = _KEYWORD_RULES.get(key)
        if handler is not None:
            handler(self, call, last, value)

    def _kw_weight_decay(self, call: Node, last: str, value: Node) -> None:
        if _nonzero(self.s.value(value)):
            self._trick(call, "weight_decay")

    def _kw_regularizer(self, call: Node, last: str, value: Node) -> None:
        if re.search(r"l2|l1_l2", node_text(value)):
            self._trick(call, "weight_decay")

    def _kw_decay(self, call: Node, last: str, value: Node) -> None:
        # Adam(decay=1e-6): a schedule of the optimizer's learning rate
        if last[:1].isupper() and _nonzero(self.s.value(value)):
            self._trick(call, "lr_schedule")

    def _kw_clipping(self, call: Node, last: str, value: Node) -> None:
        if _nonzero(self.s.value(value)):
            self._trick(call, "gradient_clipping")

    def _kw_weights(self, call: Node, last: str, value: Node) -> None:
        if last == "Embedding":
            self._trick(call, "embedding_pretrained")
        elif self.s.value(value) == "imagenet" or re.search(r"_Weights\.|DEFAULT|IMAGENET", node_text(value)):
            self._trick(call, "pretrained_weights")

    def _kw_embeddings_initializer(self, call: Node, last: str, value: Node) -> None:
        if re.search(r"Constant|embedding_matrix", node_text(value)):
            self._trick(call, "embedding_pretrained")

    def _kw_vectors(self, call: Node, last: str, value: Node) -> None:
        if last in ("build_vocab", "Field"):
            self._trick(call, "embedding_pretrained")

    def _kw_pretrained(self, call: Node, last: str, value: Node) -> None:
        if self.s.value(value) is True:
            self._trick(call, "pretrained_weights")

    def _kw_precision(self, call: Node, last: str, value: Node) -> None:
        if "16" in node_text(value):
            self._trick(call, "mixed_precision")

    def _kw_padding(self, call: Node, last: str, value: Node) -> None:
        if last in ("tokenizer", "encode_plus", "batch_encode_plus", "__call__", "encode") and \
                node_text(value) not in ("False", "None"):
            self._prep("pad_sequences")

    def _kw_fix_length(self, call: Node, last: str, value: Node) -> None:
        self._prep("pad_sequences")

    def _kw_image_size(self, call: Node, last: str, value: Node) -> None:
        if last in ("flow_from_directory", "load_img", "image_dataset_from_directory", "flow_from_dataframe"):
            self._prep("resize")

    def _string(self, node: Node) -> bool:
        parent = node.parent
        text = node_text(node)
        if len(text) > 4000:
            text = text[:4000]
        if parent is not None and parent.type in ("list", "tuple", "subscript") and self._column_key(node):
            return True  # df['truth_higgs_pt'] is a column, not a dataset
        if not known_datasets.find_in_text(text):
            # Most strings name no dataset (prose finds none either): all they may still
            # be is the path of a data file, which the walk below records.
            value = self.s.value(node)
            if not (isinstance(value, str) and len(value) < 300 and _DATA_FILE.search(value)):
                return True
        if parent is not None and parent.type == "expression_statement":  # a docstring or a bare note
            for n in known_datasets.find_as_data_in_prose(text):
                if n != "imagenet":
                    self.f.add_dataset(self.f.weak_datasets, n)
            return True
        if self._string_context(node, text):
            return True
        value = self.s.value(node)
        if isinstance(value, str) and _IDENTIFIER_LIKE.match(value) and not known_datasets.canonical_dataset(value) and \
                not self._names_data(node):
            return True  # a name that only contains a dataset's ('truth_higgs_pt'), not one
        if isinstance(value, str) and _EMBEDDING_FILE.search(value):
            return True
        for n in known_datasets.find_in_text(text):
            # "imagenet" in a string is nearly always pretrained weights or their
            # normalization; as data it comes as a path (/data/imagenet/train)
            if n == "imagenet" and (_WEIGHTS_TEXT.search(text) or not re.search(r"[/\\]|ilsvrc", text, re.I)):
                continue
            self.f.add_dataset(self.f.text_datasets, n)
        return True

    def _string_context(self, node: Node, text: str) -> bool:
        """True when the string's place says all there is of it: an argparse help text or choice,
        pretrained weights' names, prose printed or plotted, a file written."""
        p = node.parent
        is_default = False
        for _ in range(4):
            if p is None:
                return False
            if p.type == "keyword_argument":
                kname = node_text(p.child_by_field_name("name"))
                if kname in ("help", "choices", "description", "metavar", "weights", "preset"):
                    return True  # argparse: help texts and choices list every option; only `default` counts
                is_default = kname == "default"
            if p.type == "call":
                return self._string_in_call(node, p, text, is_default)
            p = p.parent
        return False

    def _string_in_call(self, node: Node, call: Node, text: str, is_default: bool) -> bool:
        name = _last(call_function_name(call) or _call_name(call))
        if name in _WEIGHT_LOADERS:
            return True  # "xception_41_imagenet": pretrained weights, not the data
        if name == "add_argument" or name.startswith("DEFINE"):
            if is_default or name.startswith("DEFINE"):
                for n in known_datasets.find_in_text(text):
                    self.f.add_dataset(self.f.text_datasets, n)
                if is_default:
                    self._data_file(node)
            return True
        if name in _PROSE_CALLS:
            for n in known_datasets.find_as_data_in_prose(text):
                self.f.add_dataset(self.f.weak_datasets, n)
            return True
        if name in _OUTPUT_CALLS or (name == "open" and self._opens_for_writing(call)):
            value = self.s.value(node)
            if isinstance(value, str):
                self.written.add(value)
            return True  # a file written: plt.savefig("HousePrices.png")
        if node.parent is not None and node.parent.type == "argument_list":
            self._data_file(node)
        return False

    def _column_key(self, node: Node) -> bool:
        """Record a string used as a column key (``df['medv']``, ``df[['crim', 'zn']]``, ``names=[...]``)."""
        p = node.parent
        if p is not None and p.type in ("list", "tuple"):
            p = p.parent
            if p is not None and p.type == "keyword_argument" and \
                    node_text(p.child_by_field_name("name")) in ("names", "columns", "usecols"):
                self.f.columns.add(str(self.s.value(node)))
                return True
        if p is None or p.type != "subscript" or p.child_by_field_name("value") is None:
            return False
        if p.child_by_field_name("value").start_byte == node.start_byte:
            return False
        value = self.s.value(node)
        if isinstance(value, str) and len(value) < 60:
            self.f.columns.add(value)
            return True
        return False

    @staticmethod
    def _names_data(node: Node) -> bool:
        """A string assigned to a variable named for the data (``data_name = 'coco_5_cap_per_img'``)."""
        p = node.parent
        if p is None or p.type != "assignment" or p.child_by_field_name("right") != node:
            return False
        left = p.child_by_field_name("left")
        return left is not None and bool(_DATA_NAME_VAR.search(node_text(left)))

    def _data_file(self, node: Node) -> None:
        value = self.s.value(node)
        if isinstance(value, str) and len(value) < 300 and _DATA_FILE.search(value):
            base = re.split(r"[/\\]", value)[-1]
            if not _NOT_DATA_FILE.search(base):
                self.data_files.add(value)

    def _opens_for_writing(self, call: Node) -> bool:
        positional, keywords = call_arguments(call)
        mode = self.s.value(positional[1]) if len(positional) > 1 else \
            (self.s.value(keywords["mode"]) if "mode" in keywords else None)
        return isinstance(mode, str) and bool(_OPEN_WRITE.match(mode))

    def _comment(self, node: Node) -> bool:
        for n in known_datasets.find_as_data_in_prose(node_text(node)):
            if n != "imagenet":  # "pretrained on ImageNet": the weights, not this script's data
                self.f.add_dataset(self.f.weak_datasets, n)
        return True

    def _assignment(self, node: Node) -> bool:
        """An assignment, by the kind of its target (one handler each)."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        handler = _ASSIGN_BY_TARGET.get(left.type) if left is not None and right is not None else None
        if handler is not None:
            handler(self, node, left, right)
        return False

    def _assign_name(self, node: Node, left: Node, right: Node) -> None:
        name = node_text(left)
        self.f.dep_nodes.setdefault(name, []).append(right)
        rt = right.type
        if (rt == "attribute" or rt == "identifier") and right.end_byte - right.start_byte < 120:
            bound = self.s.resolve(node_text(right)) or ""
            if bound.startswith(LOADER_MODULES):
                self.module_alias[name] = bound  # mnist = tf.keras.datasets.mnist
        elif rt == "string" or rt == "concatenated_string":
            self._string_assigned(node, name, right)
        if _DATA_VAR.match(name):
            self._synthetic_value(name, right)

    def _string_assigned(self, node: Node, name: str, right: Node) -> None:
        """``env_id = "CartPole-v1"`` (kept for later look-ups); ``text = "i love you ..."``: toy data."""
        v = self.s.value(right)
        if not isinstance(v, str):
            return
        if right.type == "string":
            self.str_assign.setdefault(name, []).append((node.start_point[0] + 1, v))
        if _INLINE_TEXT_VAR.match(name) and len(v.strip()) >= 10 and (" " in v.strip() or not v.isascii()) \
                and not _NOT_PROSE.search(v.strip()) and not _in_class(right):
            self.f.mark_synthetic()

    def _assign_names(self, node: Node, left: Node, right: Node) -> None:
        for c in left.named_children:
            if c.type == "identifier":
                name = node_text(c)
                self.f.dep_nodes.setdefault(name, []).append(right)
                if _DATA_VAR.match(name):
                    self._synthetic_value(name, right)

    def _assign_attribute(self, node: Node, left: Node, right: Node) -> None:
        attr = node_text(left.child_by_field_name("attribute"))
        if attr in _FREEZE_ATTRS and node_text(right) == "False":
            self.f.freezes = True
        elif attr in ("lr", "learning_rate") and left.child_by_field_name("object") is not None:
            obj = node_text(left.child_by_field_name("object"))
            if "optim" in obj.lower():
                self._trick(node, "lr_schedule")
        else:
            self.f.dep_nodes.setdefault(attr, []).append(right)

    def _assign_item(self, node: Node, left: Node, right: Node) -> None:
        # param_group['lr'] = ...: the learning rate changed by hand
        key = node_text(left.child_by_field_name("subscript"))
        if key in ("'lr'", '"lr"'):
            self._trick(node, "lr_schedule")

    def _synthetic_value(self, name: str, right: Node) -> None:
        if not _DATA_VAR.match(name) or _in_class(right):
            return  # noise drawn inside a model's method (NoisyLinear, a VAE's sample) is not data
        if right.type == "list" and right.named_child_count >= 3:
            items = right.named_children
            if _NUMBERS.match(node_text(right)) or (_TEXT_DATA_VAR.match(name) and
                                                   all(c.type == "string" for c in items)):
                self.f.mark_synthetic()  # raw_seq = [10, 20, 30, ...]; sentences = ["i love you", ...]
                return
        stack = [right]
        seen = 0
        while stack and seen < 60:
            n = stack.pop()
            seen += 1
            if n.type == "call":
                fn = call_function_name(n)
                if fn and (_RANDOM_DATA.match(fn) or _PY_RANDOM.match(fn) and self.s.resolve(fn).startswith("random")):
                    self.f.mark_synthetic()
                    return
                if fn and (_LITERAL_ARRAY.match(fn) or _LITERAL_ARRAY.match(self.s.resolve(fn) or "")):
                    args = n.child_by_field_name("arguments")
                    first = args.named_children[0] if args is not None and args.named_children else None
                    if first is not None and first.type == "list" and _NUMBERS.match(node_text(first)):
                        self.f.mark_synthetic()  # x_train = np.array([[3.3], [4.4], ...]): toy numbers
                        return
            stack.extend(n.named_children)

    def _augmented(self, node: Node) -> bool:
        op = node_text(node.child_by_field_name("operator"))
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if op == "/=" and right is not None:
            self._division(right, node_text(left))
        if op in ("/=", "*=") and left is not None and _LR_NAME.search(node_text(left)):
            self._trick(node, "lr_schedule")  # lr /= 4.0 when the validation loss stalls
        return False

    def _binary(self, node: Node) -> bool:
        op = node_text(node.child_by_field_name("operator"))
        if op == "/":
            self._division(node.child_by_field_name("right"), node_text(node.child_by_field_name("left")))
        return False

    def _division(self, right: Node | None, left_text: str) -> None:
        if right is None:
            return
        v = self.s.value(right)
        rt = node_text(right)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v in (255, 255.0, 127.5, 256):
            self._prep("normalize")
        elif re.search(r"\bstd\b|\.std\(|_std\b|\bsigma\b|stddev", rt) and re.search(r"mean", left_text):
            self._prep("standardize")
        elif re.search(r"\bstd\b|\.std\(|_std\b", rt) and not _enclosing_def(right).startswith(("forward", "call")):
            self._prep("standardize")
        elif re.search(r"\.max\(\)|\bmax_val|np\.max\(", rt) and re.search(r"min", left_text):
            self._prep("normalize")

    def _comparison(self, node: Node) -> bool:
        text = node_text(node)
        if len(text) < 200 and re.search(r"patience|no_improve|early_stop|without_improv|bad_epochs|"
                                         r"not_improved|wait\s*>=", text):
            self._trick(node, "early_stopping")
        return False

    def _def(self, node: Node) -> bool:
        name = node_text(node.child_by_field_name("name"))
        self.defs.append(name)
        if _DATA_DEF.search(name) and not _MODEL_WORD.search(name):
            # load_mnist(), get_cifar10(); not has_both_higgs_bjets(), not get_mnist_model()
            for n in known_datasets.find_in_text(name):
                self.f.add_dataset(self.f.text_datasets, n)
        task_rules.score_def(name, self.f.task_scores)
        return False

    def _class(self, node: Node) -> bool:
        name = node_text(node.child_by_field_name("name"))
        self.classes.append(name)
        self.f.class_names.append(name)
        for rx, trick in CUSTOM_TRICKS:
            if rx.search(name):
                self.f.trick_classes.append((node.start_point[0] + 1, node.end_point[0] + 1, trick))
        for n in _datasets_named(name):
            self.f.add_dataset(self.f.text_datasets, n)
        bases = node_text(node.child_by_field_name("superclasses"))
        if re.search(r"\bgym\.(Env|Wrapper)\b", bases):
            _add(self.f.task_scores, "reinforcement_learning", task_rules.WEIGHT_CERTAIN)
        return False

    # ---- recording
    def _trick(self, node: Node, trick: str) -> None:
        stmt = _statement(node)
        self.f.tricks.append(Occurrence(trick, node.start_point[0] + 1, frozenset(_idents(stmt)),
                                        _assigned_name(stmt)))

    def _hint(self, node: Node, task: str, weight: float) -> None:
        stmt = _statement(node)
        self.f.task_hints.append(Occurrence(task, node.start_point[0] + 1, frozenset(_idents(stmt)),
                                            _assigned_name(stmt), weight))

    def _prep(self, name: str) -> None:
        if name not in self.f.preprocessing:
            self.f.preprocessing.append(name)

    def _finish(self) -> None:
        f, s = self.f, self.s
        if self.data_files - self.written:
            f.local_files = True  # a file the script saves and reloads (net.pkl) is not its data
        # Imports: libraries that name the task.
        # every dotted prefix of every import: torch_geometric.nn.GCNConv -> torch_geometric, ...
        prefixes: set[str] = set()
        for m in s.imported_modules:
            parts = m.split(".")
            prefixes.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        for prefix, task, weight in task_rules.IMPORT_RULES:
            if prefix in prefixes:
                _add(f.task_scores, task, weight)
        # Identifiers that hint at a task, each rule once.
        idents = set(_IDENT.findall(s.source.code))
        task_rules.score_identifiers(idents, f.task_scores)
        if not _VOCAB_IDENT.isdisjoint(idents):
            f.text_signals = True
            self._prep("tokenize")
        for name in self.defs:
            if re.match(r"^(create_dataset|create_sequences|create_windows?|sliding_windows?|split_sequence|"
                        r"windowed_dataset|univariate_data|multivariate_data|make_windows?)$", name):
                self._prep("windowing")
        # Function and class names of the file: a weak vote.
        names = " ".join(self.defs + self.classes)
        if names:
            task_rules.score_words(names, task_rules.WEIGHT_CODE_NAME * 0.5, f.task_scores, cap=task_rules.WEIGHT_CODE_NAME)



def _method_of_tensor(c: _CallSite) -> bool:
    return c.fn.startswith(".")  # x.resize_(...) on a tensor result: not readable as data work


def _resize_of_tensor(c: _CallSite) -> bool:
    if c.fn.startswith("."):
        return True
    recv = c.fn.rsplit(".", 1)[0]
    return not (recv.startswith(("cv2", "tf.image", "skimage", "transform", "np", "PIL"))
                or _DATA_RECEIVER.search(recv.rsplit(".", 1)[-1]) or "Image" in recv)


_ASSIGN_BY_TARGET = {
    "identifier": _Collector._assign_name,
    "pattern_list": _Collector._assign_names,
    "tuple_pattern": _Collector._assign_names,
    "attribute": _Collector._assign_attribute,
    "subscript": _Collector._assign_item,
}

# keyword arguments that show a trick or a preprocessing step: keyword -> its rule (a subset of _KEYWORDS)
_KEYWORD_RULES = {
    "weight_decay": _Collector._kw_weight_decay,
    "wd": _Collector._kw_weight_decay,
    "kernel_regularizer": _Collector._kw_regularizer,
    "W_regularizer": _Collector._kw_regularizer,
    "decay": _Collector._kw_decay,
    **dict.fromkeys(("clipnorm", "clipvalue", "global_clipnorm", "gradient_clip_val", "max_grad_norm"),
                    _Collector._kw_clipping),
    "weights": _Collector._kw_weights,
    "embeddings_initializer": _Collector._kw_embeddings_initializer,
    "vectors": _Collector._kw_vectors,
    "pretrained": _Collector._kw_pretrained,
    "precision": _Collector._kw_precision,
    "padding": _Collector._kw_padding,
    "truncation": _Collector._kw_padding,
    "fix_length": _Collector._kw_fix_length,
    "target_size": _Collector._kw_image_size,
    "image_size": _Collector._kw_image_size,
}

# calls of a preprocessing name that are no preprocessing (name -> the test that vetoes them)
_PREP_VETOES = {
    "resize": _resize_of_tensor,
    # F.interpolate is an upsampling layer
    "interpolate": lambda c: _method_of_tensor(c) or c.resolved.startswith("torch"),
    "scale": lambda c: _method_of_tensor(c) or not c.resolved.startswith("sklearn"),
    "normalize": lambda c: _method_of_tensor(c) or c.resolved.startswith(("torch.nn.functional", "tensorflow.nn",
                                                                           "tf.nn", "F.")),
    "one_hot": lambda c: _enclosing_def(c.node) in ("forward", "call", "__call__"),
}

# The rules read from a call whose arguments are worth reading, in the order they run: (the call
# names a rule applies to, or None for every call; the rule). Each is one small method of _Collector.
_CALL_RULES = (
    (_TRAIN_CALLS, _Collector._train_call),
    (None, _Collector._datasets_of_call),
    (frozenset(task_rules.CALL_RULES), _Collector._task_of_call),
    (frozenset({"fit", "fit_generator", "train_on_batch"}), _Collector._fit_on_inputs),
    (None, _Collector._reconstruction_loss),
    (frozenset({"Input"}), _Collector._bag_of_words_input),
    (frozenset({"ImageFolder", "flow_from_directory", "image_dataset_from_directory"}), _Collector._image_folders),
    (frozenset(TRICK_CALLS), _Collector._trick_of_call),
    (None, _Collector._augmentation),
    (frozenset({"ImageDataGenerator"}), _Collector._image_data_generator),
    (None, _Collector._keyword_tricks),
    (frozenset({"from_pretrained"}), _Collector._pretrained_embedding),
    (frozenset({"amp", "initialize"}), _Collector._apex_amp),
    (frozenset({"copy_"}), _Collector._embedding_copy),
    (_SAVE_CALLS, _Collector._save_in_loop),
    (frozenset({"requires_grad_", "freeze"}), _Collector._freeze_call),
    (frozenset(PREP_CALLS), _Collector._preprocessing_call),
    (frozenset({"reshape"}), _Collector._reshape_call),
    (frozenset({"split"}), _Collector._split_text),
    (frozenset({"read_data_sets"}), _Collector._one_hot_reader),
    (frozenset({"Embedding"}), _Collector._embedding_weights),
)


@lru_cache(maxsize=16384)
def _rules_for(last: str) -> tuple[Callable[[_Collector, _CallSite], None], ...]:
    """The call rules that apply to a call's last name, in order (the same few hundred names recur)."""
    return tuple(rule for names, rule in _CALL_RULES if names is None or last in names)

# node kinds of the script's index (``Script.nodes``) -> handler, in the order they are read
_HANDLERS = (
    ("assignment", _Collector._assignment), ("call", _Collector._call), ("string", _Collector._string),
    ("comment", _Collector._comment), ("augmented_assignment", _Collector._augmented),
    ("division", _Collector._binary), ("comparison_operator", _Collector._comparison),
    ("function_definition", _Collector._def), ("class_definition", _Collector._class),
)


def collect(script: Script) -> FileFacts:
    """Read a script once: dataset evidence, tricks, preprocessing and task hints.

    Args:
        script: the loaded script.

    Returns:
        The facts of the file, not yet attributed to models.
    """
    return _Collector(script).run()


# -- per model -----------------------------------------------------------------------


def file_datasets(script: Script, facts: FileFacts, context_text: str | None = None,
                  trained: bool = False) -> list[str]:
    """The datasets of a file, strongest evidence first (see the module docstring).

    Args:
        script: the loaded script.
        facts: what :func:`collect` found in it.
        context_text: nearby README words; trusted only when they name exactly one
            dataset, and only for a model trained on local files or on data read elsewhere.
        trained: whether a model of the file is trained here (so random numbers are its data).

    Returns:
        Canonical dataset names, possibly empty.
    """
    by_columns = known_datasets.dataset_from_columns(facts.columns) if facts.columns else None
    out = _loaded_datasets(script, facts, by_columns)
    if out:
        return out
    if not trained and not facts.local_files and not facts.synthetic and not facts.train_calls and \
            not _TRAINING_FILE.search(script.path.replace("\\", "/").rsplit("/", 1)[-1]):
        # Nothing is trained and no data is read: the file defines models only. A class
        # name, a folder or a docstring naming a data set says what the project uses, not
        # what this file reads; it still says what the model is for (the task votes on it).
        facts.hinted_datasets = list(facts.text_datasets) or known_datasets.find_in_text(script.path.replace("\\", "/")) \
            or facts.weak_datasets[:2]
        return []
    return _weaker_datasets(script, facts, context_text, trained, by_columns)


def _loaded_datasets(script: Script, facts: FileFacts, by_columns: str | None) -> list[str]:
    """Datasets a loader reads: the one argparse picks when there are several; Boston's columns over a
    tabular loader's guess; market data last."""
    out = list(facts.loader_datasets)
    if len(out) > 1:
        # a script that picks one by argparse: the default is the one it runs with
        for key in _ARG_DATASET_KEYS:
            v = script.argparse_defaults.get(key)
            if isinstance(v, str):
                name = known_datasets.canonical_dataset(v) or (known_datasets.gym_dataset(v) if key.startswith("env") else None)
                if name in out:
                    return [name]
    if by_columns and out and all((known_datasets.default_task(n) or "").startswith("tabular") for n in out):
        return [by_columns]  # housing.csv read with Boston's columns (MEDV) is Boston
    if known_datasets.YAHOO_FINANCE in out and len(out) > 1:
        out.remove(known_datasets.YAHOO_FINANCE)
        out.append(known_datasets.YAHOO_FINANCE)
    return out


def _weaker_datasets(script: Script, facts: FileFacts, context_text: str | None, trained: bool,
                     by_columns: str | None) -> list[str]:
    """No loader names the data: strings, the path, local files, toy data, prose, the README, in that order."""
    if facts.text_datasets:
        return list(facts.text_datasets)
    path_names = known_datasets.find_in_text(script.path.replace("\\", "/"))
    if path_names:
        return path_names
    readme = known_datasets.find_in_text(context_text or "")
    if len(readme) > 1:
        readme = []  # a collection's README lists every example's data
    # data read through the project's own data module counts once something is trained here
    local = facts.local_files or (trained and facts.project_data)
    if local and by_columns:
        return [by_columns]
    if local:
        return facts.weak_datasets[:2] or readme or [known_datasets.CUSTOM]
    if facts.synthetic:
        return [known_datasets.SYNTHETIC]
    if facts.weak_datasets:
        return facts.weak_datasets[:2]
    if trained and facts.random_calls >= 1:
        facts.synthetic_guess = True
        return [known_datasets.SYNTHETIC]  # trained on nothing it reads: on numbers it draws
    if trained and readme:
        return readme  # the data is read by a helper module; the project's README names it
    return []


def model_datasets(summaries: list[Summary], facts: FileFacts, datasets: list[str],
                   notebook: bool = False) -> list[list[str]]:
    """The datasets of each model: in a notebook that loads one dataset per model, its own.

    When data is loaded between the models (IMDB, then a model, then Reuters,
    then a model), each model gets the dataset named last before it.
    Otherwise every model gets the file's datasets. In notebooks (and
    Markdown), data paths in strings count too (``cats_vs_dogs_small``).
    """
    same = [list(datasets) for _ in summaries]
    if notebook and datasets and datasets != [known_datasets.CUSTOM]:
        datasets = list(dict.fromkeys(datasets + facts.loader_datasets + facts.text_datasets +
                                      ([known_datasets.SYNTHETIC] if facts.synthetic else [])))
    if len(summaries) < 2 or len(datasets) < 2:
        return same
    starts = [s.source.line_start for s in summaries]
    if any(st is None for st in starts):
        return same
    first = min(starts)
    wanted = set(datasets)
    mentions = sorted((ln, n) for ln, n in facts.mentions if n in wanted)
    if not any(ln > first for ln, _ in mentions) or len({n for _, n in mentions}) < 2:
        return same  # all data is read before the first model: it is shared
    out: list[list[str]] = []
    for st in starts:
        # a real dataset named before the model wins over numbers drawn at random
        # (a notebook that explains an RNN with np.random after loading its data)
        before = [n for ln, n in mentions if ln <= st and n != known_datasets.SYNTHETIC] or \
            [n for ln, n in mentions if ln <= st]
        after = [n for ln, n in mentions if ln > st]
        pick = before[-1] if before else (after[0] if after else None)
        out.append([pick] if pick else list(datasets))
    return out


def layer_tricks(layers: Iterable[Layer]) -> list[str]:
    """Tricks a model's layers show: Dropout -> dropout, Add -> residual, ..."""
    out: list[str] = []
    for layer in layers:
        t = LAYER_TRICKS.get(layer.type)
        args = layer.args or {}
        if t == "pretrained_weights" and (args.get("weights", "x") is None or args.get("pretrained") is False):
            t = None
        if t and t not in out:
            out.append(t)
        for key in ("dropout", "recurrent_dropout", "dropout_rate", "attention_dropout"):
            v = args.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and "dropout" not in out:
                out.append("dropout")
        if args.get("bidirectional") is True and "bidirectional" not in out:
            out.append("bidirectional")
        if layer.type == "Custom":
            for rx, trick in CUSTOM_TRICKS:
                if rx.search(layer.raw or "") and trick not in out:
                    out.append(trick)
        if layer.type in ("TransformerEncoder", "TransformerDecoder") and "layer_norm" not in out:
            out.append("layer_norm")
    return out


def _block_tricks(s: Summary, facts: FileFacts) -> list[str]:
    """Tricks of the blocks a model's layers were expanded from (a ``MultiHeadAttention`` class)."""
    if not facts.trick_classes:
        return []
    out: list[str] = []
    for layer in s.layers:
        if not isinstance(layer.line, int):
            continue
        for start, end, trick in facts.trick_classes:
            if start <= layer.line <= end and trick not in out:
                out.append(trick)
    return out


def _ordered(items: Iterable[str], order: tuple[str, ...]) -> list[str]:
    rank = {name: i for i, name in enumerate(order)}
    uniq = list(dict.fromkeys(i for i in items if i))
    return sorted(uniq, key=lambda x: (rank.get(x, len(order)), x))


def _owners(occ: Occurrence, summaries: list[Summary], facts: FileFacts, notebook: bool = False) -> list[int]:
    """Indices of the summaries a trick occurrence belongs to.

    In order: the model whose lines hold it; the models its names reach
    (``torch.save(netG...)``, an optimizer built on ``model.parameters()``);
    in a notebook, the model defined next (else the one before); else all.
    """
    if len(summaries) == 1:
        return [0]
    # inside a model's own lines
    inside = [i for i, s in enumerate(summaries)
              if s.source.line_start and s.source.line_end and s.source.line_start <= occ.line <= s.source.line_end]
    if inside:
        return [min(inside, key=lambda i: summaries[i].source.line_end - summaries[i].source.line_start)]
    reached = _reached_by_names(occ, summaries, facts)
    if reached:
        return reached
    if occ.assigned_to:
        # data_augmentation = Sequential([RandomFlip(...)]) ... x = data_augmentation(inputs)
        using = [i for i, s in enumerate(summaries) if occ.assigned_to in _names_called(s, facts)]
        if using:
            return using
    starts = [(s.source.line_start, i) for i, s in enumerate(summaries) if s.source.line_start]
    if notebook and starts:
        after = [(st, i) for st, i in starts if st >= occ.line]
        before = [(st, i) for st, i in starts if st < occ.line]
        return [min(after)[1]] if after else [max(before)[1]]
    return list(range(len(summaries)))


def _reached_by_names(occ: Occurrence, summaries: list[Summary], facts: FileFacts) -> list[int]:
    """The models named by the occurrence's statement, or by what its names were computed from
    (up to four steps back); a name reused for several models means the nearest one defined before."""
    names: dict[str, list[int]] = {}
    for i, s in enumerate(summaries):
        names.setdefault(s.name, []).append(i)
    frontier = set(occ.idents)
    if occ.assigned_to:
        for use in facts.train_uses():
            if occ.assigned_to in use:
                frontier |= use
    seen: set[str] = set()
    for _depth in range(4):
        hit = [n for n in frontier if n in names]
        if hit:
            out: list[int] = []
            for n in hit:
                idx = names[n]
                if len(idx) > 1:  # a name reused: the nearest model defined before
                    before = [i for i in idx if (summaries[i].source.line_start or 0) <= occ.line]
                    idx = [max(before, key=lambda i: summaries[i].source.line_start or 0)] if before else idx[:1]
                out.extend(idx)
            return sorted(set(out))
        seen |= frontier
        nxt: set[str] = set()
        for n in frontier:
            nxt |= facts.deps(n)
        frontier = nxt - seen
        if not frontier:
            break
    return []


def _names_called(s: Summary, facts: FileFacts) -> set[str]:
    """Names of what is called within a model's lines (``data_augmentation(inputs)``)."""
    start, end = s.source.line_start, s.source.line_end
    if not start or not end:
        return set()
    out: set[str] = set()
    for ln in range(start, min(end, start + 2000) + 1):
        for call in facts.calls_by_line.get(ln, ()):
            fn = _call_name(call)
            if fn:
                out.add(fn.split(".")[0])
    return out


def _out_units(layer: Layer) -> int | None:
    for key in ("units", "out_features", "output_dim", "num_classes"):
        v = (layer.args or {}).get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


def _output_text(layer: Layer, facts: FileFacts) -> str:
    """The source text of a layer's call, found by its line (for ``Dense(vocab_size)``)."""
    if layer.line is None:
        return ""
    raw_last = _last(layer.raw) if layer.raw else ""
    for call in facts.calls_by_line.get(layer.line, []):
        if _last(_call_name(call)) == raw_last or not raw_last:
            return node_text(call.child_by_field_name("arguments"))[:300]
    return ""


_CONV2D = frozenset({"Conv2D", "SeparableConv2D", "DepthwiseConv2D", "MaxPooling2D", "AveragePooling2D",
                     "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Conv3D", "MaxPooling3D"})
_UP = frozenset({"Conv2DTranspose", "UpSampling2D"})
_RNN = SEQUENCE_RECURRENT
_SEQ = frozenset({"Conv1D", "MaxPooling1D", "GlobalAveragePooling1D", "TransformerEncoder",
                  "MultiHeadAttention", "Attention"})
_DENSEISH = frozenset({"Dense", "Dropout", "BatchNormalization", "Flatten", "Activation", "LayerNormalization",
                       "Reshape"})


class _Shape(NamedTuple):
    """What a model's layers say about its task, read once for the votes of :func:`model_scores`."""

    types: list[str]
    kinds: set[str]
    loss: str | None
    out: Layer | None  # the last Dense / Conv2D / Conv2DTranspose
    units: int | None  # of that output when it is Dense
    big_output: bool  # a vocabulary-sized output
    conv: bool
    up: bool
    rnn: bool
    regression_loss: bool


def model_scores(s: Summary, facts: FileFacts) -> dict[str, float]:
    """Task votes from one model's layers, output and loss."""
    scores: dict[str, float] = {}
    types = s.layer_types
    if not types:
        return scores
    kinds = set(types)
    loss = s.hyperparameters.loss
    out = next((layer for layer in reversed(s.layers) if layer.type in ("Dense", "Conv2D", "Conv2DTranspose")),
               None)
    units = _out_units(out) if out is not None and out.type == "Dense" else None
    out_text = _output_text(out, facts) if out is not None else ""
    shape = _Shape(types, kinds, loss, out, units,
                   big_output=(units is not None and units >= 1000) or bool(_VOCAB_WORDS.search(out_text)),
                   conv=bool(kinds & _CONV2D), up=bool(kinds & _UP), rnn=bool(kinds & _RNN),
                   regression_loss=loss in ("mse", "mae", "huber"))
    _image_votes(shape, scores)
    _sequence_votes(shape, scores, facts)
    _dense_votes(shape, scores, s, facts)
    if loss == "ctc":
        _add(scores, "speech_recognition", task_rules.WEIGHT_CERTAIN)
    for layer in s.layers:
        if layer.type == "Pretrained":
            backbone = str((layer.args or {}).get("name") or layer.raw or "")
            for task, w in task_rules.backbone_tasks(backbone):
                _add(scores, task, w)
    return scores


def _image_votes(m: _Shape, scores: dict[str, float]) -> None:
    if m.conv and not m.up:
        _add(scores, "image_classification", 2.0)
    if m.conv and m.up:
        if "Concatenate" in m.kinds:
            # a U-Net: skip connections and a per-pixel output
            _add(scores, "image_segmentation", 6.0 if m.types[-1] in ("Conv2D", "Activation") else 3.0)
        else:
            _add(scores, "representation_learning", 1.5)
            _add(scores, "image_segmentation", 1.0)
    if m.up and not m.conv:
        _add(scores, "image_generation", 2.0)


def _sequence_votes(m: _Shape, scores: dict[str, float], facts: FileFacts) -> None:
    types, kinds, rnn = m.types, m.kinds, m.rnn
    emb = "Embedding" in kinds
    if emb and types.count("Embedding") >= 2 and (rnn or "TransformerDecoder" in kinds) and m.big_output:
        _add(scores, "machine_translation", 2.5)  # a source and a target embedding: seq2seq
    if emb:
        if m.big_output and (rnn or kinds & _SEQ):
            _add(scores, "language_modeling", 2.5)
            _add(scores, "text_generation", 1.5)
        elif types.count("Embedding") >= 2 and not rnn and not kinds & _SEQ and "LayerNormalization" not in kinds \
                and (m.units is None or m.units <= 1 or m.regression_loss):
            _add(scores, "recommendation", 2.5)
        elif rnn and m.out is not None and _per_step(m.out, facts):
            _add(scores, "sequence_labeling", 3.0)  # a small softmax at every token: a tagger
        else:
            _add(scores, "text_classification", 2.5)
    elif rnn:
        if m.regression_loss or (m.units == 1 and (m.out is None or m.out.activation in (None, "linear"))):
            _add(scores, "time_series_forecasting", 3.5)
        elif m.big_output:
            _add(scores, "text_generation", 2.0)


def _dense_votes(m: _Shape, scores: dict[str, float], s: Summary, facts: FileFacts) -> None:
    if not (m.kinds <= _DENSEISH and "Dense" in m.kinds):
        return
    if m.types[0] == "Flatten" and not m.regression_loss and not facts.text_signals and \
            known_datasets.SYNTHETIC not in s.datasets:
        _add(scores, "image_classification", 2.0)  # flattening a 2-D input first: an image MLP
    elif m.regression_loss or (m.units == 1 and m.out is not None and m.out.activation in (None, "linear")):
        _add(scores, "tabular_regression", 2.5)
    elif m.loss in ("binary_crossentropy", "categorical_crossentropy") or m.units is not None:
        _add(scores, "tabular_classification", 1.5)


def _per_step(layer: Layer, facts: FileFacts) -> bool:
    """Whether a layer is applied at every time step (``TimeDistributed(Dense(n_tags))``)."""
    if layer.line is None:
        return False
    return any(_last(_call_name(c)) == "TimeDistributed" for c in facts.calls_by_line.get(layer.line, ()))


def _tabular_kind(task: str, s: Summary) -> str:
    """A table's usual task, turned by the model's loss: churn data with a regression loss is regression."""
    loss = s.hyperparameters.loss
    if task == "tabular_classification" and loss in ("mse", "mae", "huber"):
        return "tabular_regression"
    if task == "tabular_regression" and loss in ("binary_crossentropy", "categorical_crossentropy"):
        return "tabular_classification"
    return task


def _modality(s: Summary, scores: dict[str, float], datasets: list[str]) -> None:
    """A model that embeds tokens is not a detector or a segmenter (a text RCNN, word segmentation)."""
    if "Embedding" in s.layer_types and not set(s.layer_types) & _UP:
        for task in ("object_detection", "image_segmentation"):
            scores.pop(task, None)
        if s.layer_types[0] == "Embedding" and not any(known_datasets.default_task(d) in _IMAGE_TASKS
                                                       for d in list(s.datasets) + datasets):
            # tokens embedded at the input: a Conv2D over the embedded sentence (a text CNN) is text
            scores.pop("image_classification", None)


_GEN_NAME = re.compile(r"(generator|^gen$|^g$|^netg$|^g_|_g$|^generator_model$|^make_generator)", re.I)
_DIS_NAME = re.compile(r"(discriminator|critic|^dis$|^disc$|^d$|^netd$|^d_|_d$|^make_discriminator)", re.I)
_ENC_NAME = re.compile(r"encoder|^enc$", re.I)
_DEC_NAME = re.compile(r"decoder|^dec$", re.I)
_DIFFUSION = re.compile(r"ddpm|ddim|diffusion|denoisingdiffusion|score_?model|noise_?scheduler", re.I)
_AE_NAME = re.compile(r"autoencoder|^ae$|vae|auto_encoder", re.I)


def _file_structure(summaries: list[Summary], facts: FileFacts, data_tasks: set[str]) -> dict[str, float]:
    """Votes that need the whole file: a generator/discriminator pair, an encoder/decoder pair."""
    scores: dict[str, float] = {}
    names = [s.name for s in summaries]
    if any(_GEN_NAME.search(n) for n in names) and any(_DIS_NAME.search(n) for n in names):
        _add(scores, "image_generation", task_rules.WEIGHT_CERTAIN)
    if any(_DIFFUSION.search(n) for n in names + facts.class_names):
        _add(scores, "image_generation", 2 * task_rules.WEIGHT_CERTAIN)  # the U-Net of a DDPM denoises, it does not segment
    enc = any(_ENC_NAME.search(n) for n in names)
    dec = any(_DEC_NAME.search(n) for n in names)
    if (enc and dec) or any(_AE_NAME.search(n) for n in names):
        texty = facts.text_signals or bool(data_tasks & _TEXT_TASKS) or any(
            "Embedding" in s.layer_types for s in summaries)
        if texty and not any(_AE_NAME.search(n) for n in names):
            _add(scores, "machine_translation", 5.0)
        else:
            _add(scores, "representation_learning", 7.0)
    return scores


def annotate(script: Script, summaries: list[Summary], context_text: str | None = None) -> None:
    """Fill ``datasets``, ``task``, ``tricks`` and ``preprocessing`` of each summary, in place.

    Args:
        script: the script the summaries were extracted from.
        summaries: the extractors' summaries (lines are lines of the analysed code).
        context_text: words of the nearby README, if any.

    Returns:
        None. What the extractors already put in ``tricks`` / ``preprocessing`` is kept.
    """
    if not summaries:
        return
    facts = collect(script)
    trained = facts.computes_gradients or any(
        s.hyperparameters.optimizer or s.hyperparameters.loss or s.hyperparameters.epochs for s in summaries)
    datasets = file_datasets(script, facts, context_text, trained)

    # file-level task votes (the datasets vote per model, below)
    file_scores = dict(facts.task_scores)
    from_code = bool(facts.loader_datasets or facts.text_datasets)
    data_weight = task_rules.WEIGHT_DATASET if from_code else task_rules.WEIGHT_DATASET / 2
    notebook = script.source.kind != "py"
    per_model_data = model_datasets(summaries, facts, datasets, notebook=notebook)
    # the data each model's task is judged by: what it is trained on, else what its file names
    task_data = [names or facts.hinted_datasets for names in per_model_data]
    data_tasks = {t for names in task_data for t in map(known_datasets.default_task, names) if t}
    _file_votes(file_scores, script, summaries, facts, context_text, data_tasks)

    # attribute code tricks and task hints to models
    per_model_tricks: list[list[str]] = [[] for _ in summaries]
    for occ in facts.tricks:
        for i in _owners(occ, summaries, facts, notebook):
            per_model_tricks[i].append(occ.name)
    per_model_hints: list[dict[str, float]] = [{} for _ in summaries]
    for occ in facts.task_hints:
        for i in _owners(occ, summaries, facts, notebook):
            hints = per_model_hints[i]
            hints[occ.name] = max(hints.get(occ.name, 0.0), occ.weight)
    # frozen layers alone are common in GANs (discriminator.trainable = False);
    # they are transfer learning when the script says so
    transfer_named = bool(_TRANSFER_WORDS.search(script.path))

    for i, s in enumerate(summaries):
        _fill_lists(s, facts, per_model_data[i], per_model_tricks[i], transfer_named)
        if s.task and s.task != "unknown":
            continue  # an extractor that knows better (a library head) already said
        scores = dict(file_scores)
        for task in dict.fromkeys(t for t in map(known_datasets.default_task, task_data[i]) if t):
            _add(scores, _tabular_kind(task, s), data_weight)
        for task, w in per_model_hints[i].items():
            _add(scores, task, w)
        _model_task(s, facts, scores, task_data[i])


def _file_votes(file_scores: dict[str, float], script: Script, summaries: list[Summary], facts: FileFacts,
                context_text: str | None, data_tasks: set[str]) -> None:
    """Task votes of the file's path, of a README that names few tasks, and of the file's structure."""
    task_rules.score_words(script.path, task_rules.WEIGHT_PATH, file_scores, cap=task_rules.WEIGHT_PATH * 1.5)
    if context_text:
        readme: dict[str, float] = {}
        task_rules.score_words(context_text[:20000], task_rules.WEIGHT_README, readme, cap=task_rules.README_CAP)
        if len(readme) <= 3:  # more, and it is a collection's README, not this example's
            for task, w in readme.items():
                _add(file_scores, task, w)
    for task, w in _file_structure(summaries, facts, data_tasks).items():
        _add(file_scores, task, w)


def _fill_lists(s: Summary, facts: FileFacts, datasets: list[str], tricks_found: list[str],
                transfer_named: bool) -> None:
    """A model's datasets, tricks and preprocessing: what the reader said, then what the file shows."""
    s.datasets = list(dict.fromkeys(list(s.datasets) + datasets))
    tricks = list(s.tricks) + layer_tricks(s.layers) + tricks_found + _block_tricks(s, facts)
    if facts.freezes and ("pretrained_weights" in tricks or transfer_named):
        tricks.append("transfer_learning")  # frozen layers of a model trained before
    s.tricks = _ordered(tricks, TRICKS)
    prep = list(s.preprocessing) + facts.preprocessing
    if "data_augmentation" in s.tricks:
        prep.append("augment")
    s.preprocessing = _ordered(prep, PREPROCESSING)


def _model_task(s: Summary, facts: FileFacts, scores: dict[str, float], task_data: list[str]) -> None:
    """The model's task: the file's and its data's votes (``scores``), its layers', its name's, its modality."""
    for task, w in model_scores(s, facts).items():
        _add(scores, task, w)
    task_rules.score_words(s.name, task_rules.WEIGHT_MODEL_NAME, scores)
    _modality(s, scores, task_data)
    s.task = task_rules.best_task(scores)
    if s.task == "reinforcement_learning" and facts.synthetic_guess and s.datasets == [known_datasets.SYNTHETIC]:
        s.datasets = []  # an agent's random numbers explore an environment; they are not its data
