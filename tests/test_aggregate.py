"""aggregate(): counts, distributions, shares, transitions and motifs of a population."""

from __future__ import annotations

import pytest
from fixtures.compare_population import image_population, layer, summary, text_population

from assistant.aggregate import END, Aggregate, aggregate, fmt_number, quantile


def small_population() -> list:
    """Four hand-made models whose answers are easy to count."""
    return [
        summary("a", [layer("Embedding"), layer("LSTM"), layer("Dense", "sigmoid")],
                task="text_classification", datasets=("imdb",), framework="keras",
                learning_rate=1e-3, batch_size=32, epochs=10, tricks=("early_stopping",),
                preprocessing=("tokenize",)),
        summary("b", [layer("Embedding"), layer("LSTM"), layer("Dropout"), layer("Dense", "sigmoid")],
                task="text_classification", datasets=("imdb",), framework="pytorch",
                learning_rate=1e-2, batch_size=64, epochs=20, preprocessing=("tokenize", "pad_sequences")),
        summary("c", [layer("Embedding"), layer("GRU"), layer("Dense", "sigmoid")],
                task="text_classification", datasets=("imdb",), framework="keras",
                optimizer="rmsprop", learning_rate=None, batch_size=64, epochs=None),
        summary("d", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                      layer("Dense", "softmax")], datasets=("mnist",), framework="keras",
                optimizer=None, learning_rate=1e-4, batch_size=128, epochs=5, loss=None),
    ]


def test_counts_by_framework_dataset_task():
    agg = aggregate(small_population())
    assert agg.n == 4
    assert agg.frameworks == [("keras", 3), ("pytorch", 1)]
    assert agg.datasets == [("imdb", 3), ("mnist", 1)]
    assert agg.tasks == [("text_classification", 3), ("image_classification", 1)]


def test_hyperparameters_count_only_examples_that_set_them():
    agg = aggregate(small_population())
    lr = agg.hyperparameters["learning_rate"]
    assert (lr.set_by, lr.total) == (3, 4)
    assert lr.stats is not None and lr.stats.median == pytest.approx(1e-3)
    assert lr.stats.min == pytest.approx(1e-4) and lr.stats.max == pytest.approx(1e-2)
    epochs = agg.hyperparameters["epochs"]
    assert epochs.set_by == 3 and sorted(epochs.numbers) == [5, 10, 20]
    opt = agg.hyperparameters["optimizer"]
    assert opt.set_by == 3 and opt.values == [("adam", 2), ("rmsprop", 1)]
    assert opt.most_common == "adam" and opt.count_of("rmsprop") == 1 and opt.count_of("sgd") == 0
    assert agg.hyperparameters["loss"].set_by == 3
    assert agg.hyperparameters["batch_size"].values[0] == (64, 2)


def test_bad_numbers_are_not_counted_as_set():
    pop = small_population()
    pop[0].hyperparameters.learning_rate = float("nan")
    pop[1].hyperparameters.epochs = 0
    pop[2].hyperparameters.batch_size = True  # a bool is not a batch size
    agg = aggregate(pop)
    assert agg.hyperparameters["learning_rate"].set_by == 2
    assert agg.hyperparameters["epochs"].set_by == 2
    assert agg.hyperparameters["batch_size"].set_by == 3


def test_tricks_and_preprocessing_are_shares_of_examples():
    agg = aggregate(small_population())
    shares = {s.name: (s.count, s.share) for s in agg.tricks}
    # "b" has a Dropout layer: dropout counts even though its tricks list omits it.
    assert shares["dropout"] == (1, 0.25)
    assert shares["early_stopping"] == (1, 0.25)
    pre = {s.name: s.count for s in agg.preprocessing}
    assert pre == {"tokenize": 2, "pad_sequences": 1}
    assert agg.share_of_trick("dropout") == 0.25 and agg.share_of_trick("attention") == 0.0


def test_layer_counts_and_types():
    agg = aggregate(small_population())
    assert agg.layer_count is not None
    assert (agg.layer_count.min, agg.layer_count.median, agg.layer_count.max) == (3, 3.5, 4)
    types = {s.name: s.count for s in agg.layer_types}
    assert types["Embedding"] == 3 and types["Dense"] == 4 and types["Conv2D"] == 1
    assert agg.first_layers[0] == ("Embedding", 3)
    assert agg.last_layers == [("Dense", 4)]


def test_what_follows_counts_examples_and_ends():
    agg = aggregate(small_population())
    assert agg.follows["Embedding"] == [("LSTM", 2), ("GRU", 1)]
    assert agg.follows["Dense"] == [(END, 4)]
    assert dict(agg.follows["LSTM"]) == {"Dense": 1, "Dropout": 1}


def test_motifs_count_each_example_once():
    # One model repeats Conv2D -> MaxPooling2D three times: it still counts once.
    deep = summary("deep", [layer("Conv2D"), layer("MaxPooling2D")] * 3 + [layer("Dense")])
    shallow = summary("shallow", [layer("Conv2D"), layer("MaxPooling2D"), layer("Dense")])
    agg = aggregate([deep, shallow])
    m = agg.motif("Conv2D", "MaxPooling2D")
    assert m is not None and (m.count, m.total, m.share) == (2, 2, 1.0)
    assert m.label == "Conv2D -> MaxPooling2D"
    assert agg.motif("MaxPooling2D", "Conv2D") is None  # only one example: below MIN_MOTIF_COUNT
    t = agg.motif("Conv2D", "MaxPooling2D", "Dense")
    assert t is not None and t.count == 2


def test_text_population_motif_matches_its_construction():
    pop = text_population(60)
    agg = aggregate(pop)
    lstm = sum(1 for s in pop if s.layer_types[1] == "LSTM")
    m = agg.motif("Embedding", "LSTM")
    assert m is not None and m.count == lstm
    assert agg.bigrams[0].count >= m.count  # sorted most common first


def test_empty_population():
    agg = aggregate([])
    assert isinstance(agg, Aggregate) and agg.n == 0
    assert agg.layer_count is None and agg.bigrams == [] and agg.tricks == []
    assert agg.hyperparameters["epochs"].set_by == 0 and agg.hyperparameters["epochs"].stats is None


def test_models_without_layers_do_not_break_layer_stats():
    pop = [summary("x", []), summary("y", [layer("Dense")])]
    agg = aggregate(pop)
    assert agg.layer_count is not None and agg.layer_count.count == 1
    assert agg.first_layers == [("Dense", 1)]


def test_quantile_matches_numpy_linear():
    import numpy as np

    xs = sorted([1.0, 5.0, 10.0, 10.0, 20.0, 50.0, 5000.0])
    for q in (0.0, 0.05, 0.25, 0.5, 0.95, 1.0):
        assert quantile(xs, q) == pytest.approx(float(np.quantile(xs, q)))


def test_fmt_number():
    assert fmt_number(0.001) == "1e-3"
    assert fmt_number(3e-4) == "3e-4"
    assert fmt_number(0.01) == "0.01"
    assert fmt_number(0.5) == "0.5"
    assert fmt_number(128) == "128"
    assert fmt_number(2.5e-5) == "2.5e-5"


def test_large_population_is_consistent():
    pop = image_population(100)
    agg = aggregate(pop)
    assert agg.n == 100
    assert sum(c for _, c in agg.frameworks) == 100
    epochs = agg.hyperparameters["epochs"]
    assert epochs.stats is not None and epochs.stats.p5 <= epochs.stats.median <= epochs.stats.p95
    assert agg.share_of_trick("dropout") > 0.5
