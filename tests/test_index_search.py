"""ExampleIndex: exact filters, filling k, boosts, the SEAMS.md API (fake embedder)."""

import pytest

from corpus.record.summary import Layer, Source, Summary
from index.embed import HashEmbedder
from index.search import ExampleIndex, Filters, Shortfall
from index.synthetic import synthetic_summaries


@pytest.fixture(scope="module")
def corpus():
    return synthetic_summaries(400, seed=1)


@pytest.fixture(scope="module")
def ix(corpus):
    return ExampleIndex.from_summaries(corpus, embedder=HashEmbedder())


def test_len_get_and_values(ix, corpus):
    assert len(ix) == len(corpus)
    assert ix.get(corpus[5].id) == corpus[5]
    assert ix.get("nope") is None
    tasks = dict(ix.values("task"))
    assert tasks["image_classification"] == sum(s.task == "image_classification" for s in corpus)
    counts = [c for _v, c in ix.values("dataset")]
    assert counts == sorted(counts, reverse=True)


def test_filters_are_exact_and_fill_k(ix, corpus):
    want = [s for s in corpus if "mnist" in s.datasets and s.framework == "keras"]
    assert len(want) >= 5
    r = ix.search("a convolutional network for pictures", k=len(want) + 50,
                  filters=Filters(dataset="MNIST", framework="Keras"), understand=False)
    assert r.total_matching == len(want)
    assert {h.summary.id for h in r.hits} == {s.id for s in want}
    r = ix.search("anything", k=3, filters=Filters(dataset="mnist"), understand=False)
    assert len(r.hits) == 3 and all("mnist" in h.summary.datasets for h in r.hits)


def test_count_layer_bounds_and_layer_type(ix, corpus):
    assert ix.count(Filters(max_layers=3)) == sum(len(s.layers) <= 3 for s in corpus)
    assert ix.count(Filters(min_layers=6, max_layers=8)) == sum(6 <= len(s.layers) <= 8 for s in corpus)
    # a Bidirectional LSTM counts as an LSTM
    assert ix.count(Filters(layer_type="lstm")) == sum(
        "LSTM" in s.layer_types or any(la.args.get("layer") == "LSTM" for la in s.layers) for s in corpus)
    assert ix.count(Filters(trick="dropout")) == sum("dropout" in s.tricks for s in corpus)


def test_named_dataset_is_a_hard_filter_and_task_a_boost(ix):
    r = ix.search("recognize digits on MNIST", k=20)
    assert r.filters.dataset == "mnist"
    assert r.understood["dataset"] == "mnist"
    assert all("mnist" in h.summary.datasets for h in r.hits)
    assert "task" in r.boosts and r.filters.task is None


def test_task_boost_brings_the_task_first(ix):
    r = ix.search("classify movie reviews as positive or negative", k=20)
    assert r.boosts["task"] == ["text_classification"]
    assert sum(h.summary.task == "text_classification" for h in r.hits) >= 18
    scores = [h.score for h in r.hits]
    # a hinted dataset with few examples (IMDB for "movie reviews") comes first, then the rest
    n = r.shortfall.have if r.shortfall is not None else 0
    assert scores[:n] == sorted(scores[:n], reverse=True) and scores[n:] == sorted(scores[n:], reverse=True)


def test_explicit_filter_wins_over_words(ix):
    r = ix.search("digit classifier on MNIST", k=10, filters=Filters(dataset="cifar10"))
    assert r.filters.dataset == "cifar10"
    assert all("cifar10" in h.summary.datasets for h in r.hits)
    assert any("wins" in n for n in r.notes)


def test_words_naming_what_is_absent_are_relaxed_with_a_note(ix):
    r = ix.search("recognize digits with jax", k=10)
    assert r.filters.framework is None
    assert len(r.hits) == 10
    assert any("jax" in n for n in r.notes)


def test_explicit_filter_matching_nothing_gives_no_hits(ix):
    r = ix.search("anything", k=10, filters=Filters(dataset="no_such_dataset"))
    assert r.hits == [] and r.total_matching == 0


def test_task_guess_from_centroids(ix, corpus):
    tasks, centroids = ix._task_centroids()
    assert "image_classification" in tasks and "unknown" not in tasks
    i = tasks.index("time_series_forecasting")
    assert ix._guess_task(centroids[i]) == "time_series_forecasting"
    # a question exactly between two tasks is no clear guess
    j = tasks.index("text_classification")
    mid = (centroids[i] + centroids[j]) / 2
    assert ix._guess_task(mid / (mid @ mid) ** 0.5) is None


def test_understand_false_reads_nothing(ix):
    r = ix.search("recognize digits on MNIST", k=10, understand=False)
    assert r.filters.dataset is None and r.understood == {} and r.boosts == {}
    assert r.total_matching == len(ix)


def test_soft_understanding_boosts_without_filtering(ix, corpus):
    r = ix.search("recognize digits on MNIST", k=30, understand="soft")
    assert r.filters.dataset is None and r.total_matching == len(ix)
    assert r.boosts["dataset"] == ["mnist"] and r.boosts["task"] == ["image_classification"]
    plain = ix.search("recognize digits on MNIST", k=30, understand=False)
    assert (sum("mnist" in h.summary.datasets for h in r.hits)
            > sum("mnist" in h.summary.datasets for h in plain.hits))
    with pytest.raises(ValueError):
        ix.search("x", understand="maybe")


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_index_filters_fill_k_through_the_id_selector(corpus, kind, monkeypatch):
    import index.search as search_mod

    monkeypatch.setattr(search_mod, "EXACT_SUBSET_MAX", 0)  # force FAISS's filtered search
    ix = ExampleIndex.from_summaries(corpus, embedder=HashEmbedder(), kind=kind)
    assert ix.kind == kind
    want = {s.id for s in corpus if s.framework == "pytorch" and s.task == "image_classification"}
    r = ix.search("convolutional digits", k=len(want), filters=Filters(framework="pytorch",
                                                                       task="image_classification"))
    assert {h.summary.id for h in r.hits} == want
    r = ix.search("classify movie reviews", k=15)
    assert len(r.hits) == 15
    assert sum(h.summary.task == "text_classification" for h in r.hits) >= 13


# -- a thin corpus: few examples of some datasets and tasks ------------------------------


def thin_corpus() -> list[Summary]:
    """3 Titanic, 5 Kaggle house-price, 12 California and 4 Boston housing, 30 churn,
    5 SQuAD question answering, 40 IMDB and 20 MNIST examples."""
    rows = [("titanic", "tabular_classification", 3), ("house_prices", "tabular_regression", 5),
            ("california_housing", "tabular_regression", 12), ("boston_housing", "tabular_regression", 4),
            ("churn", "tabular_classification", 30), ("squad", "question_answering", 5),
            ("imdb", "text_classification", 40), ("mnist", "image_classification", 20)]
    out = []
    for dataset, task, n in rows:
        for i in range(n):
            out.append(Summary(id=f"{dataset}{i}", name=f"{dataset} model {i}", framework="keras", task=task,
                               source=Source(repo=f"o/{dataset}{i}", path=f"{dataset}/train.py"),
                               datasets=[dataset], layers=[Layer(type="Dense")] * (2 + i % 3)))
    return out


@pytest.fixture(scope="module")
def thin():
    return ExampleIndex.from_summaries(thin_corpus(), embedder=HashEmbedder())


def test_named_dataset_with_few_examples_is_filled_with_its_task_named_first(thin):
    r = thin.search("predict which Titanic passengers survived", k=20)
    assert r.filters.dataset == "titanic" and r.total_matching == 3
    assert len(r.hits) == 20
    assert all("titanic" in h.summary.datasets for h in r.hits[:3])
    assert all(h.summary.task == "tabular_classification" for h in r.hits)
    assert r.shortfall == Shortfall("dataset", ("titanic",), 3, 20, [], [("tabular_classification", 17)])
    assert r.notes[-1] == ("Only 3 titanic examples exist; the other 17 are tabular classification "
                           "examples of other datasets, retrieved as nearest.")


def test_named_dataset_is_filled_from_its_family_first(thin):
    r = thin.search("regression on the kaggle house prices set", k=25)
    assert r.filters.dataset == "house_prices"
    assert all("house_prices" in h.summary.datasets for h in r.hits[:5])
    family = {"california_housing", "boston_housing"}
    assert sum(bool(family & set(h.summary.datasets)) for h in r.hits) == 16
    assert dict(r.shortfall.family) == {"california_housing": 12, "boston_housing": 4}
    assert "from its family" in r.notes[-1]


def test_survived_brings_titanic_first_without_a_filter(thin):
    r = thin.search("predict whether a passenger survived from tabular data", k=20)
    assert r.filters.dataset is None
    assert [h.summary.datasets for h in r.hits[:3]] == [["titanic"]] * 3
    assert r.shortfall.values == ("titanic",) and r.shortfall.have == 3


def test_house_prices_boost_the_whole_family(thin):
    r = thin.search("predict house prices", k=21)
    assert r.filters.dataset is None and r.shortfall is None  # 21 examples: not thin
    family = {"house_prices", "california_housing", "boston_housing"}
    assert sum(bool(family & set(h.summary.datasets)) for h in r.hits) == 21


def test_an_explicit_dataset_filter_is_not_filled_unless_asked(thin):
    assert len(thin.search("anything", k=20, filters=Filters(dataset="titanic")).hits) == 3
    r = thin.search("anything", k=20, filters=Filters(dataset="titanic"), fill=True)
    assert len(r.hits) == 20 and r.shortfall.have == 3


def test_thin_task_says_how_many_and_what_fills_the_rest(thin):
    r = thin.search("answer questions about a paragraph of text", k=20)
    assert sum(h.summary.task == "question_answering" for h in r.hits) == 5
    assert r.shortfall.field == "task" and r.shortfall.have == 5 and r.shortfall.shown == 20
    assert r.notes[-1].startswith("Only 5 question answering examples exist; the other 15 are ")


def test_missing_task_boosts_its_nearest_and_says_none_exist(thin):
    r = thin.search("summarize long news articles", k=10)
    assert r.shortfall.have == 0 and r.shortfall.values == ("summarization",)
    assert r.notes[-1].startswith("No summarization examples exist; the 10 shown are ")


def test_common_task_says_nothing(thin):
    assert thin.search("classify movie reviews", k=20).shortfall is None


def test_fill_goes_on_with_the_nearest_when_family_and_task_run_out(thin):
    r = thin.search("predict which Titanic passengers survived", k=60)
    assert len(r.hits) == 60
    assert all("titanic" in h.summary.datasets for h in r.hits[:3])
    assert all(h.summary.task == "tabular_classification" for h in r.hits[:33])
    assert r.shortfall.others[0] == ("tabular_classification", 30)
