"""Query understanding: named datasets/frameworks are filters, descriptions are boosts."""

import pytest

from index.understand import understand


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
    assert u.boosts["dataset"][0] == ("mnist",)


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
