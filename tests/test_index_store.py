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
