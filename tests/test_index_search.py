"""ExampleIndex: exact filters, filling k, boosts, the SEAMS.md API (fake embedder)."""

import pytest

from index.embed import HashEmbedder
from index.search import ExampleIndex, Filters
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
    assert scores == sorted(scores, reverse=True)


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
