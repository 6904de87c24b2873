"""The knowledge tables held against each other: each fact once, and every copy agrees.

- every layer type a reader can emit (the readers' tables and the literal
  types written in their code) has a row in ``corpus.knowledge.layers``:
  a family, a label and an abbreviation;
- every optimizer, loss, activation, trick, task and framework value has a
  display name in ``corpus.knowledge.vocab.NAMES``; every scheduler the
  readers know is in ``vocab.SCHEDULERS``;
- the layer flow, the aligned view, the figures and the compare rules read
  the same family table.
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
from pathlib import Path

import pytest

from assistant import compare, figures, flow, reply, session
from corpus.knowledge import keras_layers, layers, torch_layers, vocab
from corpus.record import summary

ROOT = Path(__file__).resolve().parent.parent
READERS = ROOT / "corpus" / "readers"

# Spec kinds whose type is not a layer of the summary: preprocessing goes to
# ``preprocessing``, the input is no layer, passthrough ops and cell wrappers emit nothing.
_NOT_EMITTED_KINDS = {"preprocess", "input", "passthrough", "multicell", "cellwrap"}
# Wrappers resolved into the layer they wrap (keras reader: TimeDistributed(Dense) is a Dense).
_RESOLVED = {"RNN", "TimeDistributed"}
# A layer type written in reader code: LayerObj("Dense", ...), Layer(type="Dense"), x.type = "Reshape".
_LITERAL = re.compile(r"""(?:LayerObj\(\s*|Layer\(\s*|\btype\s*=\s*|\.type\s*=\s*)["']([A-Z][A-Za-z0-9]*)["']""")


def _optional(name: str) -> object:
    """A module that may be moved by other work; None when it is gone."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _spec_types() -> set[str]:
    out = set()
    for table in (keras_layers.KERAS_LAYERS, keras_layers.TF_OPS, keras_layers.TF_CELLS):
        for spec in table.values():
            if spec.type and spec.kind not in _NOT_EMITTED_KINDS and spec.type not in _RESOLVED:
                out.add(spec.type)
    return out


def _torch_types() -> set[str]:
    return ({t for t, _ in torch_layers.LAYERS.values()} | set(torch_layers.FUNCTIONAL.values())
            | set(torch_layers.FUNCTIONAL_GLOBAL.values()) | set(torch_layers.GLOBAL_POOLS.values()))


def _reader_modules() -> list[str]:
    return sorted(p.stem for p in READERS.glob("*.py") if p.stem != "__init__")


def _merge_tables() -> set[str]:
    """Values of the readers' merge-mode tables (``merge(mode='mul')`` -> ``Multiply``)."""
    out = set(keras_layers.TF_MERGES.values())
    for name in _reader_modules():
        mod = importlib.import_module(f"corpus.readers.{name}")
        for attr, value in vars(mod).items():
            if "MERGE" in attr and isinstance(value, dict):
                out |= {v for v in value.values() if isinstance(v, str)}
    return out


def _literal_types() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in READERS.glob("*.py"):
        for t in _LITERAL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(t, set()).add(path.name)
    return found


def emitted_types() -> set[str]:
    """Every layer type a reader can emit, as far as its tables and code say."""
    return (_spec_types() | _torch_types() | _merge_tables() | set(_literal_types())
            | {"Pretrained", "TransformerEncoder", "TransformerDecoder", "Bidirectional", "Custom"})


# -- layer types ----------------------------------------------------------------------
def test_the_literal_scan_finds_the_readers_types() -> None:
    # A guard on the scan itself: if the readers stop writing types this way, say so.
    found = _literal_types()
    assert {"Custom", "Add", "Dense", "Flatten"} <= set(found)


@pytest.mark.parametrize("layer_type", sorted(emitted_types()))
def test_every_emitted_type_is_canonical_with_a_family_and_names(layer_type: str) -> None:
    row = layers.BY_NAME.get(layer_type)
    assert row is not None, f"{layer_type} is emitted by a reader but has no row in corpus/knowledge/layers.py"
    assert row.family in layers.FAMILY_NAMES
    assert row.label and len(row.label) <= 15
    assert row.abbreviation


def test_types_in_the_shipped_corpus_are_in_the_table() -> None:
    path = ROOT / "corpus" / "data" / "summaries.jsonl.gz"
    if not path.exists():
        pytest.skip("no shipped corpus")
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            seen.update(lay["type"] for lay in json.loads(line).get("layers", ()))
    assert seen - set(layers.BY_NAME) == set()


def test_the_table_has_one_row_per_type_and_the_spec_types_in_order() -> None:
    names = [row.name for row in layers.ROWS]
    assert len(names) == len(set(names))
    spec = ROOT.parent / "shared" / "spec" / "summary.md"
    if spec.exists():  # the spec sits beside the repository in the team's layout
        text = spec.read_text(encoding="utf-8")
        part = text.split("## Canonical layer types", 1)[1].split("\n## ", 1)[0]
        listed = re.findall(r"`([A-Z][A-Za-z0-9]*)`", part)
        # the spec also names a torch spelling in parentheses: "`Dense` (torch `Linear`)"
        assert tuple(t for t in listed if t != "Linear") == layers.SPEC_TYPES
    assert {"Dense", "Conv2D", "LSTM", "Pretrained", "Custom"} <= set(layers.SPEC_TYPES)


def test_the_named_sets_follow_the_families() -> None:
    assert layers.RECURRENT == {"SimpleRNN", "LSTM", "GRU", "Bidirectional", "ConvLSTM2D"}
    assert layers.SEQUENCE_RECURRENT == {"SimpleRNN", "LSTM", "GRU", "Bidirectional"}
    assert {"Conv2DTranspose", "Conv1DTranspose", "SeparableConv1D"} <= layers.CONVOLUTION
    assert layers.GLOBAL_POOLING >= {"GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D"}
    assert layers.DROPOUT == {"Dropout", "SpatialDropout"}
    assert not layers.WEIGHTLESS & layers.WEIGHTED
    # The torch tables name torch classes; they are derived from the same families.
    assert torch_layers.RECURRENT == {"RNN", "LSTM", "GRU"}
    assert torch_layers.CELLS == {"RNNCell", "LSTMCell", "GRUCell"}


# -- one family table for the flow, the aligned view, the figures and compare ---------
def test_flow_figures_and_compare_read_the_same_families() -> None:
    assert flow.FAMILIES is layers.FAMILIES
    assert figures.FAMILIES is layers.FAMILIES
    assert compare.CONV_TYPES == layers.CONVOLUTION == {t for t, f in flow.FAMILIES.items() if f == layers.CONV}
    assert compare.WEIGHT_TYPES >= compare.CONV_TYPES
    assert compare.ATTENTION_TYPES == layers.ATTENTION
    assert compare.POOL_TYPES == {t for t, f in flow.FAMILIES.items() if f in (layers.POOL, layers.GPOOL)}
    # The disagreement the table ended: a transposed convolution is a convolution everywhere.
    assert "Conv2DTranspose" in compare.CONV_TYPES and flow.FAMILIES["Conv2DTranspose"] == layers.CONV
    # The layer words the app understands are the spec's types (wherever the question side keeps them).
    for mod in (session, _optional("index.vocab")):
        if hasattr(mod, "LAYER_TYPES"):
            assert set(mod.LAYER_TYPES) <= set(layers.SPEC_TYPES)
    assert reply.STRUCTURAL >= layers.DROPOUT | layers.NORMALIZATION | layers.MERGES


@pytest.mark.parametrize("a, b", [("GlobalMaxPooling1D", "GlobalMaxPooling2D"),
                                  ("Conv1DTranspose", "Conv2DTranspose"),
                                  ("SeparableConv1D", "Conv1D")])
def test_the_aligned_view_scores_one_family_as_a_near_match(a: str, b: str) -> None:
    assert flow._score(a, b) == flow.SIMILAR
    # In an alignment, b lines up with a (its family) rather than with the Dense beside it.
    aligned = flow.align([[a, "Dense"], [a, "Dense"], [b]], ids=["x", "y", "z"])
    row = aligned.row_of("z")
    assert row is not None and row.tokens == [b, None]


def test_types_of_different_families_stay_a_mismatch() -> None:
    assert flow._score("Conv2D", "MaxPooling2D") == flow.MISMATCH
    assert flow._score("Conv2D", "NotALayer") == flow.MISMATCH


def test_every_family_with_two_types_or_more_has_a_figure_color() -> None:
    sizes: dict[str, int] = {}
    for f in layers.FAMILIES.values():
        sizes[f] = sizes.get(f, 0) + 1
    shared = {f for f, n in sizes.items() if n > 1}
    assert shared <= set(figures.FAMILY_COLORS)
    assert figures.token_color("UpSampling2D") == figures.token_color("ZeroPadding2D")
    assert figures.token_color("GlobalMaxPooling1D") == figures.token_color("GlobalAveragePooling2D")


def test_figure_labels_come_from_the_table() -> None:
    assert figures.abbreviate("GlobalMaxPooling1D") == "GMP"
    assert figures.short("BatchNormalization") == "BatchNorm"
    assert figures.short("SomethingNew") == "SomethingNew"


# -- display names ----------------------------------------------------------------------
def _named(kind: str) -> set[str]:
    return set(vocab.names_of(kind))


def test_every_optimizer_loss_and_activation_the_readers_know_has_a_display_name() -> None:
    assert set(vocab.OPTIMIZERS.values()) <= _named("optimizer")
    assert set(vocab.LOSSES.values()) | set(torch_layers.FUNCTIONAL_LOSSES.values()) <= _named("loss")
    assert set(vocab.ACTIVATIONS.values()) <= _named("activation")
    assert set(torch_layers.OPTIMIZER_ARGS) <= _named("optimizer")
    assert {spec.activation for spec in keras_layers.KERAS_LAYERS.values() if spec.activation} <= _named("activation")


def test_every_trick_task_and_framework_of_the_record_has_a_display_name() -> None:
    assert set(summary.TRICKS) <= _named("trick")
    assert set(summary.TASKS) <= _named("task")
    assert set(summary.FRAMEWORKS) <= _named("framework")
    assert set(keras_layers.CALLBACK_TRICKS.values()) <= _named("trick")


def test_every_scheduler_the_readers_know_is_in_the_scheduler_table() -> None:
    assert keras_layers.LR_SCHEDULES <= set(vocab.SCHEDULERS)
    assert {k for k, v in keras_layers.CALLBACK_TRICKS.items() if v == "lr_schedule"} <= set(vocab.SCHEDULERS)
    # the readers' own scheduler lists (facts' trick calls, the PyTorch reader's set)
    for name in _reader_modules():
        mod = importlib.import_module(f"corpus.readers.{name}")
        for attr, value in vars(mod).items():
            if attr.strip("_") == "SCHEDULERS" and isinstance(value, set | frozenset):
                assert value <= set(vocab.SCHEDULERS), (name, value - set(vocab.SCHEDULERS))
            if attr == "TRICK_CALLS":
                assert {k for k, v in value.items() if v == "lr_schedule"} <= set(vocab.SCHEDULERS)
    assert all(lib and label for lib, label in vocab.SCHEDULERS.values())


def test_one_label_and_one_prose_form_per_value() -> None:
    values = [(n.kind, n.value) for n in vocab.NAMES]
    assert len(values) == len(set(values))
    assert session.display("categorical_crossentropy") == "cross-entropy"
    assert reply.human("categorical_crossentropy") == "categorical cross-entropy"
    assert session.display("cifar100") == "CIFAR-100" and session.display(None) == ""
    assert reply.human("lr_schedule") == "learning-rate schedules" and session.display("lr_schedule") == "LR schedule"
    assert reply.human("some_new_value") == session.display("some_new_value") == "some new value"


# -- one text normalizer -----------------------------------------------------------------
def test_one_fold_for_names() -> None:
    assert vocab.fold("CIFAR-100") == vocab.fold("cifar 100") == vocab.fold("Cifar_100") == "cifar100"
    # the copies that folded names their own way now use it
    for name in ("corpus.knowledge.datasets", "index.metadata", "assistant.session"):
        mod = _optional(name)
        for attr in ("norm", "_norm"):
            if hasattr(mod, attr):
                assert getattr(mod, attr) is vocab.fold, f"{name}.{attr}"
    # code spellings keep their own narrower key (last dotted segment, no underscores)
    assert vocab.norm_key("tf.keras.losses.Sparse_Categorical_Crossentropy") == "sparsecategoricalcrossentropy"


@pytest.mark.parametrize("text, name", [
    ("data/HARDataset/train/X_train.txt", "uci_har"),
    ("download_and_extract(url, 'Task09_Spleen.tar')", "msd_spleen"),
    ("np.load('PEMS08/pems08.npz')", "pems"),
    ("pd.read_csv('audioset/balanced_train_segments.csv')", "audioset"),
    ("glob('training-monolingual.tokenized.shuffled/news.en-*')", "lm1b"),
    ("pd.read_csv('dog-breed-identification/labels.csv')", "stanford_dogs"),
    ("open('rt-polaritydata/rt-polarity.pos')", "rotten_tomatoes"),
    ("!wget https://guillaumejaume.github.io/FUNSD/dataset.zip", "funsd"),
    ("unzip criteo_small.zip", "criteo"),
    ("root = 'data/modelnet40_normal_resampled'", "modelnet"),
    # session 11's sample: the Kaggle "skin cancer MNIST" is HAM10000, not digits; DSB 2018 nuclei, Otto, SMILEsmileD
    ("pd.read_csv('skin-cancer-mnist-ham10000/HAM10000_metadata.csv')", "ham10000"),
    ("TRAIN_PATH = 'stage1_train/'", "dsb2018"),
    ("pd.read_csv('otto-group-product-classification-challenge/train.csv')", "otto"),
    ("glob('SMILEsmileD-master/SMILEs/positives/*.jpg')", "smilesmiled"),
    ("loadmat('devkit/cars_train_annos.mat')", "stanford_cars"),
    # session 14's mining of the shipped corpus's custom examples: public sets read from local files
    ("pd.read_csv('../input/lish-moa/train_features.csv')", "moa"),
    ("pd.read_csv('UNSW_NB15_training-set.csv')", "unsw_nb15"),
    ("glob('dev_data/ToyConveyor/train/*.wav')", "dcase2020_task2"),
    ("pd.read_csv('/tmp/data/taxi-train.csv')", "nyc_taxi_fare"),
    ("get_file('census-income.data.gz', url)", "census_income_kdd"),
    ("json.load(open('FEIDEGGER_release_1.1.json'))", "feidegger"),
    ("open('vgg_face_dataset/files/A.J._Buckley.txt')", "vgg_face"),
    ("np.load('full_numpy_bitmap_cat.npy')", "quickdraw"),
    ("json.load(open('v2_OpenEnded_mscoco_train2014_questions.json'))", "vqa_v2"),
    ("loadmat('flowers/imagelabels.mat')", "oxford_flowers102"),
    ("os.path.join(root_dir, 'MedNIST.tar.gz')", "mednist"),
    ("open('pubmed-dataset/train.txt')", "scientific_papers"),
    ("pd.read_csv('HIV.csv')", "moleculenet_hiv"),
    ("pd.read_csv('PM_train.txt', sep=' ')", "cmapss"),
    ("pd.read_csv('PeMSD7_V_228.csv')", "pems"),
    ("json.load(open('News_Category_Dataset_v2.json'))", "news_category"),
    ("pd.read_csv('Youtube01-Psy.csv')", "youtube_spam"),
    ("pd.read_csv('SN_d_tot_V2.0.csv', sep=';')", "sunspots"),
    ("image_dataset_from_directory('10_food_classes_10_percent/train')", "food101"),
    ("sorted(glob('./lol_dataset/our485/low/*'))", "lol"),
    ("pd.read_csv('./data/babyweight_train.csv')", "natality"),
    ("pd.read_csv('../input/bitcoin-historical-data/bitstampUSD_1-min_data.csv')", "bitcoin_historical"),
])
def test_benchmarks_named_by_their_files_are_not_custom(text, name):
    # each was read as custom data in the session-7 sample of the shipped corpus
    from corpus.knowledge.datasets import find_in_text
    assert find_in_text(text) == [name]


@pytest.mark.parametrize("text", [
    "model.load_weights('../models/vgg_face_weights.h5')",  # the VGGFace network, not its face images
    "VGGFace(model='resnet50')",
    "names = ['pizza', 'hot dog', 'donut']",  # COCO's class names
    "pd.read_csv('ratings_train.txt')",  # a generic name (NSMC only under its own folder)
    "pd.read_csv('assets/datasets/taxi/taxi_data.csv')",
    "pd.read_csv('train_features.csv')",
    "dolly-v2-3b",  # the model, not the Dolly 15k instructions
])
def test_near_misses_name_no_benchmark(text):
    from corpus.knowledge.datasets import find_in_text
    assert find_in_text(text) == []


def test_the_two_census_income_sets_stay_apart():
    from corpus.knowledge.datasets import find_in_text
    assert find_in_text("adult.data") == ["adult"]
    assert find_in_text("census-income.data") == ["census_income_kdd"]
    assert find_in_text("nyc_taxi.csv") == ["nab"]  # Numenta's taxi passenger counts, not fares


@pytest.mark.parametrize("columns, name", [
    ({"fare_amount", "pickup_datetime"}, "nyc_taxi_fare"),
    ({"pickuplon", "pickuplat", "dropofflon"}, "nyc_taxi_fare"),
    ({"attack_cat", "label"}, "unsw_nb15"),
    ({"airline_sentiment", "text"}, "twitter_airline_sentiment"),
    ({"Date", "Close", "Adj Close"}, "yahoo_finance"),
    ({"pickup_longitude", "pickup_latitude", "trip_duration"}, None),  # NYC trip durations: no fare
])
def test_benchmarks_named_by_their_columns(columns, name):
    from corpus.knowledge.datasets import dataset_from_columns
    assert dataset_from_columns(columns) == name


def test_everyday_path_words_of_new_dataset_spellings_name_no_dataset_in_free_text():
    from corpus.knowledge import datasets as known

    assert known.find_in_text("data/full_simplified_features.csv") == []
    assert known.find_in_text("/kaggle/input/kaggle_dog/train") == []
    assert known.canonical_dataset("full_simplified") == "quickdraw"


def test_clue_emotional_speech_and_instruction_sets_are_named():
    from corpus.knowledge import datasets as ds

    assert ds.canonical_dataset("iflytek") == "iflytek" and ds.default_task("iflytek") == "text_classification"
    assert ds.find_in_text("data/emo-db/wav/03a01Fa.wav") == ["emodb"]
    assert ds.canonical_dataset("Muennighoff/natural-instructions") == "natural_instructions"


def test_mnist_format_files_in_a_fashion_folder_are_fashion_mnist():
    from corpus.knowledge.datasets import find_in_text

    assert find_in_text("data/fashion/train-images-idx3-ubyte.gz") == ["fashion_mnist"]
    assert find_in_text("data/mnist/train-images-idx3-ubyte.gz") == ["mnist"]
    # prose naming both keeps both
    assert find_in_text("results on MNIST and Fashion-MNIST") == ["mnist", "fashion_mnist"]
