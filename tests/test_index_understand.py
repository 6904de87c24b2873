"""The one reading of a question: named datasets/frameworks are filters, descriptions are boosts,
and the chat's view (one field per phrase) of the same mentions."""

import pytest

from corpus.knowledge import datasets as ds
from index.understand import build_tables, understand


@pytest.mark.parametrize("query, field, value", [
    ("a CNN on CIFAR-10", "dataset", "cifar10"),
    ("cifar 10 classifier", "dataset", "cifar10"),
    ("classify Fashion-MNIST clothes", "dataset", "fashion_mnist"),
    ("digits with PyTorch", "framework", "pytorch"),
    ("sentiment with tf.keras", "framework", "keras"),
])
def test_named_things_become_hard_filters(query, field, value):
    u = understand(query)
    assert u.filters[field] == value
    assert u.understood[field] == value


def test_fashion_mnist_is_not_also_mnist():
    assert understand("fashion mnist").filters == {"dataset": "fashion_mnist"}


def test_named_words_leave_the_embedded_text_with_their_glue():
    u = understand("classify images on CIFAR-10 with PyTorch")
    assert u.residual == "classify images"
    filters, residual = understand("classify images on CIFAR-10 with PyTorch")
    assert filters == {"dataset": "cifar10", "framework": "pytorch"} and residual == "classify images"


def test_only_named_words_left_falls_back_to_the_whole_question():
    assert understand("MNIST").residual == "mnist"


def test_description_gives_task_and_dataset_boosts_not_filters():
    u = understand("classify movie reviews as positive or negative")
    assert u.filters == {}
    assert u.boosts["task"][0] == ("text_classification",)
    assert u.boosts["dataset"][0] == ("imdb",)


def test_generation_wins_over_digits():
    u = understand("generate images of handwritten digits")
    assert u.boosts["task"][0] == ("image_generation",)
    # "handwritten digits": the family of MNIST and its variants, MNIST first
    assert u.boosts["dataset"][0][0] == "mnist" and "emnist" in u.boosts["dataset"][0]


def test_layers_are_boosts():
    u = understand("predict stock prices using an LSTM")
    assert "LSTM" in u.boosts["layer_type"][0]
    assert u.boosts["task"][0] == ("time_series_forecasting",)
    assert "layer_type" not in u.filters


def test_tensorflow_is_a_soft_keras_or_tensorflow():
    u = understand("image classifier in TensorFlow")
    assert "framework" not in u.filters
    assert set(u.boosts["framework"][0]) == {"keras", "tensorflow"}


def test_two_named_datasets_are_boosts():
    u = understand("a classifier for MNIST or CIFAR-10")
    assert "dataset" not in u.filters
    assert set(u.boosts["dataset"][0]) == {"mnist", "cifar10"}


def test_negated_mentions_are_ignored():
    u = understand("not pytorch, keras please")
    assert u.filters == {"framework": "keras"}
    assert "layer_type" not in understand("text classifier without a transformer").boosts


def test_word_boundaries():
    # "organ" holds "gan", "corner" holds "ner": neither is a task
    assert "task" not in understand("organ corner").boosts


# -- datasets by family ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["predict house prices from a table of features", "house prices",
                                   "estimate housing prices", "king county house sales"])
def test_house_prices_mean_the_house_price_family(query):
    u = understand(query)
    assert "dataset" not in u.filters  # a family is a boost, never the Kaggle set alone
    assert set(u.boosts["dataset"][0]) == {"house_prices", "california_housing", "boston_housing"}
    assert u.hinted == u.boosts["dataset"][0]


@pytest.mark.parametrize("query", ["predict whether a passenger survived from tabular data",
                                   "which passengers survived", "survival of passengers"])
def test_survived_means_titanic(query):
    u = understand(query)
    assert u.boosts["dataset"][0] == ("titanic",) and "dataset" not in u.filters


def test_a_named_member_of_a_family_is_a_filter():
    assert understand("the kaggle house prices competition").filters == {"dataset": "house_prices"}
    assert understand("regression on California housing").filters == {"dataset": "california_housing"}
    assert understand("predict which Titanic passengers survived").filters == {"dataset": "titanic"}


def test_dataset_spellings_come_from_the_knowledge_table():
    # one-word spellings of corpus.knowledge.datasets name their dataset in a question
    assert understand("a kuzushiji classifier").filters == {"dataset": "kmnist"}
    assert understand("fine-tune on tinyimagenet").filters == {"dataset": "tiny_imagenet"}
    assert understand("train on flowers102").filters == {"dataset": "oxford_flowers102"}
    # file-like spellings and code words do not ("cell_images" is malaria's folder)
    assert "dataset" not in understand("segment cell images").filters
    assert "dataset" not in understand("classify fashion items").filters


def test_every_family_member_and_word_is_a_dataset_of_the_table():
    for fam in ds.FAMILIES.values():
        assert fam.members and all(m in ds.DATASETS for m in fam.members), fam.label
    assert set(ds.IN_WORDS) <= set(ds.DATASETS)
    assert ds.family_of("california_housing") is ds.FAMILIES["house_prices"]
    assert ds.family_of("cifar100").members == ("cifar10", "cifar100")
    assert ds.family_of("no_such_set") is None


@pytest.mark.parametrize("query, family_member", [
    ("recognize handwritten digits", "kmnist"),
    ("a cifar classifier", "cifar100"),
    ("classify pets", "oxford_pets"),
    ("sentiment of product reviews", "amazon_reviews"),
])
def test_obvious_families(query, family_member):
    assert family_member in understand(query).boosts["dataset"][0]


# -- tasks ------------------------------------------------------------------------------


@pytest.mark.parametrize("query, task", [
    ("summarize long news articles", "summarization"),
    ("write captions for photos", "image_captioning"),
    ("text to speech with a vocoder", "speech_synthesis"),
    ("detect anomalies in sensor data", "anomaly_detection"),
    ("answer questions about a paragraph of text", "question_answering"),
])
def test_thin_tasks_are_read(query, task):
    assert task in understand(query).boosts["task"][0]


# -- negations and frameworks -------------------------------------------------------------


@pytest.mark.parametrize("query", ["image classifier not in pytorch", "image classifier without PyTorch",
                                   "image classifier, no pytorch", "image classifier except pytorch",
                                   "image classifier excluding the pytorch ones"])
def test_negations(query):
    u = understand(query)
    assert "framework" not in u.filters
    assert [m.negated for m in u.mentions if m.field == "framework"] == [True]


@pytest.mark.parametrize("query, framework", [
    ("a GAN in torch", "pytorch"), ("keras model", "keras"), ("a flax network", "jax"),
    ("with tensorflow.keras", "keras"),
])
def test_frameworks(query, framework):
    assert understand(query).filters["framework"] == framework


def test_lightning_and_tensorflow_name_a_framework_only_in_the_chat():
    u = understand("a model with lightning")
    assert "framework" not in u.filters
    assert [(m.field, m.value) for m in u.named()] == [("framework", "pytorch")]
    assert [(m.field, m.value) for m in understand("what about TensorFlow?").named()] == [
        ("framework", "tensorflow")]


# -- the chat's view ----------------------------------------------------------------------


def test_one_field_per_phrase_in_a_stated_order():
    u = understand("with attention using batch norm and an LSTM, Adam, mse loss")
    assert [(m.field, m.value) for m in u.named()] == [
        ("trick", "attention"), ("trick", "batch_norm"), ("layer_type", "LSTM"), ("optimizer", "adam"),
        ("loss", "mse")]
    assert u.leftover == ["with", "using", "and", "an"]  # "mse loss" is one phrase


def test_hints_name_nothing_and_stay_words():
    u = understand("classify movie reviews")
    assert u.named() == []
    assert u.leftover == ["classify", "movie", "reviews"]


def test_plain_word_datasets_name_only_in_a_refinement():
    u = understand("on digits instead")
    assert [(m.field, m.value, m.strong) for m in u.named()] == [("dataset", "digits", False)]
    assert "dataset" not in u.filters


def test_tables_learn_an_index_values():
    tables = build_tables(datasets=["my_set_2"])
    assert understand("trained on my set 2", tables).filters == {"dataset": "my_set_2"}
    assert "dataset" not in understand("trained on my set 2").filters


def test_hard_fields_choose_what_may_filter():
    u = understand("classify images on CIFAR-10 with PyTorch", hard=("framework",))
    assert u.filters == {"framework": "pytorch"}
    assert u.boosts["dataset"][0] == ("cifar10",)
    assert "cifar 10" in u.residual


@pytest.mark.parametrize("query, task", [
    ("turn text into natural sounding speech", "speech_synthesis"),
    ("read text aloud with a synthetic voice", "speech_synthesis"),
    ("turn spoken audio into text", "speech_recognition"),
    ("detect unusual heartbeats", "anomaly_detection"),
])
def test_speech_and_anomaly_in_plain_words(query, task):
    # "speech" alone is recognition; speech made from text, and "unusual", were read as something else
    assert understand(query).boosts["task"][0][0] == task


def test_unusual_sensor_readings_boost_anomaly_detection_beside_time_series():
    assert understand("find machines whose sensor readings look unusual").boosts["task"][0] == (
        "time_series_forecasting", "anomaly_detection")
