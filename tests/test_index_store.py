"""Index persistence: manifest, atomic swap, incremental builds, clear errors (fake embedder)."""

import json

import numpy as np
import pytest

from corpus.record.store import write_summaries
from index.build import build_index
from index.embed import HashEmbedder
from index.search import Filters
from index.store import (
    IndexCorrupt,
    IndexMissing,
    IndexStale,
    ensure_index,
    load_index,
    save_index,
)
from index.synthetic import synthetic_summaries


@pytest.fixture
def built(tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(120, seed=7))
    emb = HashEmbedder()
    ix, stats = build_index(corpus, tmp_path / "index", progress=False, embedder=emb)
    return corpus, tmp_path / "index", emb, ix, stats


def test_build_writes_a_manifest_and_loads_back(built):
    corpus, d, emb, ix, stats = built
    m = json.loads((d / "manifest.json").read_text())
    assert m["count"] == 120 == stats.count == stats.embedded
    assert m["dimension"] == emb.dim and m["embedding_model"] == emb.name
    assert m["corpus_hash"] and m["faiss"] == "flat"
    back = load_index(d, corpus, embedder=emb)
    assert len(back) == 120
    q = "classify movie reviews"
    a, b = ix.search(q, k=15), back.search(q, k=15)
    assert [h.summary.id for h in a.hits] == [h.summary.id for h in b.hits]
    assert back.get(ix.records.get(3).id) == ix.records.get(3)
    assert back.count(Filters(task="image_classification")) == ix.count(Filters(task="image_classification"))


def test_missing_index_names_the_rebuild_command(tmp_path):
    with pytest.raises(IndexMissing, match="examplenet index build"):
        load_index(tmp_path / "nothing")


def test_truncated_file_is_corrupt(built):
    corpus, d, emb, *_ = built
    data = (d / "vectors.npy").read_bytes()
    (d / "vectors.npy").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match=r"vectors.npy.*truncated.*examplenet index build"):
        load_index(d, corpus, embedder=emb)


def test_garbled_manifest_is_corrupt(built):
    corpus, d, emb, *_ = built
    (d / "manifest.json").write_text("{ not json")
    with pytest.raises(IndexCorrupt, match="manifest"):
        load_index(d, corpus, embedder=emb)


def test_wrong_dimension_is_reported(built):
    corpus, d, _emb, *_ = built
    with pytest.raises(IndexStale, match="dimension"):
        load_index(d, corpus, embedder=HashEmbedder(dim=32, name="hash-embedder"))
    # a manifest that lies about the vectors' shape is corrupt
    m = json.loads((d / "manifest.json").read_text())
    m["dimension"] = 32
    (d / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexCorrupt, match=r"\(120, 32\)"):
        load_index(d, corpus, check_stale=False, embedder=HashEmbedder(dim=32, name="hash-embedder"))


def test_changed_corpus_makes_it_stale_but_usable(built):
    corpus, d, emb, *_ = built
    write_summaries(corpus, synthetic_summaries(130, seed=7))
    with pytest.raises(IndexStale, match="corpus .* changed") as err:
        load_index(d, corpus, embedder=emb)
    assert err.value.usable
    assert len(load_index(d, corpus, check_stale=False, embedder=emb)) == 120


def test_other_model_is_stale_and_not_usable(built):
    corpus, d, *_ = built
    with pytest.raises(IndexStale, match="another model") as err:
        load_index(d, corpus, embedder=HashEmbedder(name="other"))
    assert not err.value.usable


def test_adding_summaries_embeds_only_the_new_ones(built):
    corpus, d, _emb, ix, _ = built
    more = synthetic_summaries(150, seed=7)  # the same first 120, then 30 new
    assert [s.id for s in more[:120]] == [ix.records.get(i).id for i in range(120)]
    write_summaries(corpus, more)
    emb = HashEmbedder()
    ix2, stats = build_index(corpus, d, progress=False, embedder=emb)
    assert (stats.embedded, stats.reused, emb.calls) == (30, 120, 30)
    np.testing.assert_array_equal(ix2.vectors[:120], ix.vectors)
    # force re-embeds everything
    emb = HashEmbedder()
    _, stats = build_index(corpus, d, force=True, progress=False, embedder=emb)
    assert (stats.embedded, emb.calls) == (150, 150)


def test_changed_summary_text_is_re_embedded(built):
    corpus, d, _emb, ix, _ = built
    ss = [ix.records.get(i) for i in range(len(ix))]
    ss[0].task = "graph_learning" if ss[0].task != "graph_learning" else "recommendation"
    write_summaries(corpus, ss)
    emb = HashEmbedder()
    _, stats = build_index(corpus, d, progress=False, embedder=emb)
    assert (stats.embedded, stats.reused) == (1, 119)


def test_failed_save_leaves_the_old_index(built, monkeypatch):
    corpus, d, emb, ix, _ = built
    before = (d / "manifest.json").read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("index.store._swap_in", boom)
    with pytest.raises(OSError):
        save_index(ix, d)
    assert (d / "manifest.json").read_text() == before
    assert [p.name for p in d.parent.iterdir() if p.name.startswith(".index.tmp")] == []
    assert len(load_index(d, corpus, embedder=emb)) == 120


def test_interrupted_swap_is_recovered(built):
    corpus, d, emb, *_ = built
    d.rename(d.parent / ".index.old-123-456")  # killed between the two renames
    assert len(load_index(d, corpus, embedder=emb)) == 120


def test_ensure_index_builds_when_missing_or_stale(tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    d = tmp_path / "idx"
    write_summaries(corpus, synthetic_summaries(40, seed=2))
    emb = HashEmbedder()
    assert len(ensure_index(corpus, d, progress=False, embedder=emb)) == 40
    assert emb.calls == 40
    assert len(ensure_index(corpus, d, progress=False, embedder=emb)) == 40
    assert emb.calls == 40  # current: loaded, not rebuilt
    write_summaries(corpus, synthetic_summaries(45, seed=2))
    assert len(ensure_index(corpus, d, progress=False, embedder=emb)) == 45
    assert emb.calls == 45  # stale: only the 5 new ones embedded


def test_ensure_index_without_corpus_or_index_explains(tmp_path):
    with pytest.raises(IndexMissing, match="no corpus"):
        ensure_index(tmp_path / "none.jsonl.gz", tmp_path / "idx", progress=False, embedder=HashEmbedder())


def test_approximate_index_round_trips(tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(300, seed=9))
    emb = HashEmbedder()
    ix, _ = build_index(corpus, tmp_path / "idx", progress=False, embedder=emb, kind="hnsw")
    assert (tmp_path / "idx" / "index.faiss").exists()
    back = load_index(tmp_path / "idx", corpus, embedder=emb)
    assert back.kind == "hnsw"
    r = back.search("generate images with a gan", k=10, filters=Filters(framework="pytorch"))
    assert len(r.hits) == 10 and all(h.summary.framework == "pytorch" for h in r.hits)


def test_equal_texts_are_embedded_once(tmp_path):
    from dataclasses import replace

    base = synthetic_summaries(3, seed=4)
    twins = [*base, replace(base[0], id="twin-of-0")]  # same text, another id
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, twins)
    emb = HashEmbedder()
    ix, stats = build_index(corpus, tmp_path / "idx", progress=False, embedder=emb)
    assert emb.calls == 3 and stats.embedded == 4
    np.testing.assert_array_equal(ix.vectors[0], ix.vectors[3])


# -- vectors shipped beside the corpus ---------------------------------------------------
def _ship(corpus, d, emb):
    """Build, then write the shipped vectors beside the corpus, as `index build --ship-vectors` does."""
    from index.build import shipped_vectors_path, write_shipped_vectors

    ix, _ = build_index(corpus, d, progress=False, embedder=emb)
    path = shipped_vectors_path(corpus)
    write_shipped_vectors(path, ix.frame["text_hash"].tolist(), np.asarray(ix.vectors), emb)
    return ix, path


def test_shipped_vectors_make_a_fresh_build_embed_nothing(tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(60, seed=3))
    ix, path = _ship(corpus, tmp_path / "first", HashEmbedder())
    assert path.name == "c.vectors.npz"
    emb = HashEmbedder()  # a fresh clone: no previous index, the shipped file only
    ix2, stats = build_index(corpus, tmp_path / "fresh", progress=False, embedder=emb)
    assert (emb.calls, stats.embedded, stats.shipped, stats.reused) == (0, 0, 60, 60)
    assert json.loads((tmp_path / "fresh" / "manifest.json").read_text())["shipped_vectors"] == 60
    # float16 rows, renormalized: the same ranking
    np.testing.assert_allclose(ix2.vectors, ix.vectors, atol=2e-3)
    np.testing.assert_allclose(np.linalg.norm(ix2.vectors, axis=1), 1.0, atol=1e-5)
    q = "classify movie reviews"
    assert [h.summary.id for h in ix2.search(q, k=10).hits] == [h.summary.id for h in ix.search(q, k=10).hits]


def test_a_changed_corpus_embeds_only_what_the_shipped_file_lacks(tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(50, seed=5))
    _ship(corpus, tmp_path / "first", HashEmbedder())
    ss = synthetic_summaries(56, seed=5)  # 6 new summaries, and one changed text
    ss[0].task = "graph_learning" if ss[0].task != "graph_learning" else "recommendation"
    write_summaries(corpus, ss)
    emb = HashEmbedder()
    _, stats = build_index(corpus, tmp_path / "fresh", progress=False, embedder=emb)
    assert (emb.calls, stats.shipped) == (7, 49)


def test_shipped_vectors_of_another_model_or_text_version_are_ignored(tmp_path, monkeypatch):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(30, seed=6))
    _ship(corpus, tmp_path / "first", HashEmbedder(name="other-model"))
    emb = HashEmbedder()
    _, stats = build_index(corpus, tmp_path / "a", progress=False, embedder=emb)
    assert (emb.calls, stats.shipped) == (30, 0)
    _ship(corpus, tmp_path / "first", HashEmbedder())
    monkeypatch.setattr("index.build.TEXT_VERSION", -1)  # the embedded text changed since
    emb = HashEmbedder()
    _, stats = build_index(corpus, tmp_path / "b", progress=False, embedder=emb)
    assert (emb.calls, stats.shipped) == (30, 0)


def test_a_damaged_shipped_file_is_ignored_with_a_warning(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, synthetic_summaries(20, seed=8))
    _, path = _ship(corpus, tmp_path / "first", HashEmbedder())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    emb = HashEmbedder()
    ix, stats = build_index(corpus, tmp_path / "fresh", progress=False, embedder=emb)
    assert (emb.calls, stats.shipped, len(ix)) == (20, 0, 20)
    assert "cannot be read" in capsys.readouterr().err


def test_writing_shipped_vectors_keeps_existing_rows_bit_for_bit(tmp_path):
    from index.build import read_shipped_vectors, write_shipped_vectors

    emb = HashEmbedder(dim=8)
    path = tmp_path / "s.vectors.npz"
    rng = np.random.default_rng(0)
    v = rng.normal(size=(3, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert write_shipped_vectors(path, ["bb", "aa", "bb"], v, emb) == 2  # one row per hash
    first = path.read_bytes()
    got = read_shipped_vectors(path, emb)
    assert sorted(got) == ["aa", "bb"]
    np.testing.assert_allclose(got["bb"], v[0], atol=1e-3)
    # written again from the widened vectors: the same bytes
    write_shipped_vectors(path, ["aa", "bb"], np.stack([got["aa"], got["bb"]]), emb)
    assert path.read_bytes() == first


def test_the_shipped_vectors_cover_the_shipped_corpus():
    # A changed corpus still works (its new texts are embedded at build), but a
    # fresh clone is only quick when this holds: after a harvest, run
    # `examplenet index build --ship-vectors`.
    from corpus.record.store import DEFAULT_CORPUS, load_summaries
    from index.build import shipped_vectors_path
    from index.embed import MODEL_NAME
    from index.text import TEXT_VERSION, summary_text, text_hash

    path = shipped_vectors_path(DEFAULT_CORPUS)
    if not DEFAULT_CORPUS.exists():
        pytest.skip("no shipped corpus")
    with np.load(path, allow_pickle=False) as z:
        assert str(z["model"]) == MODEL_NAME and int(z["text_version"]) == TEXT_VERSION
        have = {h.decode("ascii") for h in z["hashes"].tolist()}
        assert z["vectors"].dtype == np.float16 and z["vectors"].shape == (len(have), 384)
    want = {text_hash(summary_text(s)) for s in load_summaries(DEFAULT_CORPUS)}
    missing = len(want - have)
    assert missing <= 0.02 * len(want), (
        f"{missing} of {len(want)} corpus texts have no shipped vector: "
        "run `examplenet index build --ship-vectors`")


def test_summaries_with_line_breaks_in_their_text_round_trip(tmp_path):
    from dataclasses import replace

    ss = synthetic_summaries(5, seed=1)
    ss[2] = replace(ss[2], name="two\nlines\r\u2028and\u2029more\x85")
    corpus = tmp_path / "c.jsonl.gz"
    write_summaries(corpus, ss)
    emb = HashEmbedder()
    build_index(corpus, tmp_path / "idx", progress=False, embedder=emb)
    assert sorted(p.name for p in (tmp_path / "idx").iterdir()) == [
        "manifest.json", "metadata.json", "summaries.jsonl", "vectors.npy"]
    back = load_index(tmp_path / "idx", corpus, embedder=emb)
    assert [back.records.get(i) for i in range(5)] == ss


def test_exact_index_ranks_as_faiss_flat_does():
    import faiss

    from index import ann

    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[7] + 0.1 * rng.normal(size=16).astype(np.float32)
    exact = ann.make_faiss_index(x, kind="flat")
    assert isinstance(exact, ann.ExactIndex) and ann.kind_of(exact) == "flat"
    np.testing.assert_array_equal(ann.vectors_view(exact), x)
    ref = faiss.IndexFlatIP(16)
    ref.add(x)
    d, i = ref.search(q.reshape(1, -1), 20)
    rows, scores = ann.search(exact, q, 20)
    np.testing.assert_array_equal(rows, i[0])
    np.testing.assert_allclose(scores, d[0], rtol=1e-5)
    only = np.arange(0, 500, 3)
    rows, _ = ann.search(exact, q, 10, only)
    assert set(rows) <= set(only) and len(rows) == 10
    assert rows[0] == only[np.argmax(x[only] @ q)]
