"""A loaded index keeps its summaries on disk (issue 14): an offset table, a bounded cache."""

import os

import pytest

from corpus.record.store import write_summaries
from index.build import build_index
from index.embed import HashEmbedder
from index.store import SUMMARIES, _DiskRecords, _line_offsets, load_index
from index.synthetic import synthetic_summaries


@pytest.fixture
def built(tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    summaries = synthetic_summaries(60, seed=3)
    write_summaries(corpus, summaries)
    emb = HashEmbedder()
    build_index(corpus, tmp_path / "index", progress=False, embedder=emb)
    return corpus, tmp_path / "index", emb, summaries


def test_offsets_skip_blank_lines_and_read_a_last_line_without_newline(tmp_path):
    path = tmp_path / "lines"
    path.write_bytes(b'{"a": 1}\n\n{"b": 22}\n{"c": 333}')
    fd = os.open(path, os.O_RDONLY)
    try:
        for block in (1, 3, 7, 1 << 20):  # lines cut across reads of every size
            starts, ends = _line_offsets(fd, block=block)
            data = path.read_bytes()
            assert [data[s:e] for s, e in zip(starts, ends, strict=True)] == \
                [b'{"a": 1}', b'{"b": 22}', b'{"c": 333}']
    finally:
        os.close(fd)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    fd = os.open(empty, os.O_RDONLY)
    try:
        assert [len(x) for x in _line_offsets(fd)] == [0, 0]
    finally:
        os.close(fd)


def test_loaded_summaries_are_read_per_row_and_the_cache_is_bounded(built):
    corpus, d, emb, summaries = built
    ix = load_index(d, corpus, embedder=emb)
    records = ix.records
    assert isinstance(records, _DiskRecords)
    assert not hasattr(records, "_lines")  # the file's bytes are not held
    records.cache_size = 5
    by_id = {s.id: s for s in summaries}
    for row in range(len(records)):
        s = records.get(row)
        assert s == by_id[s.id]
    assert len(records._cache) == 5
    assert records.get(len(records) - 1) is records.get(len(records) - 1)  # a cached row is not parsed again
    held = records.get(0)  # evicted from the cache since, but still held here: the same object, not a copy
    for row in range(1, 12):
        records.get(row)
    assert 0 not in records._cache and records.get(0) is held
    assert records.get(-1) is records.get(len(records) - 1)
    hits = ix.search("classify movie reviews", k=10).hits
    assert len(hits) == 10 and all(h.summary == by_id[h.summary.id] for h in hits)


def test_an_index_swapped_in_later_does_not_change_a_loaded_one(built, tmp_path):
    corpus, d, emb, summaries = built
    ix = load_index(d, corpus, embedder=emb)
    first = ix.records.line(0)
    other = tmp_path / "other.jsonl.gz"
    write_summaries(other, synthetic_summaries(30, seed=9))
    build_index(other, d, progress=False, embedder=emb, force=True)
    assert len(load_index(d, other, embedder=emb)) == 30
    # the old folder is gone; the loaded index still reads its own file, whole
    assert ix.records.line(0) == first
    assert [ix.records.get(r).id for r in range(len(ix))] == [s.id for s in summaries]
    assert (d / SUMMARIES).exists()
