"""corpus.record.store: gzip JSON Lines round trip, atomic writes, clear errors."""

import gzip

import pytest

from corpus.record.store import DEFAULT_CORPUS, CorpusMissing, load_summaries, write_summaries
from index.synthetic import synthetic_summaries


def test_round_trip_gzip_and_plain(tmp_path):
    ss = synthetic_summaries(25, seed=3)
    for name in ("c.jsonl.gz", "c.jsonl"):
        assert write_summaries(tmp_path / name, ss) == 25
        assert load_summaries(tmp_path / name) == ss
    with gzip.open(tmp_path / "c.jsonl.gz", "rt") as fh:
        assert len(fh.read().splitlines()) == 25


def test_write_is_deterministic_and_leaves_no_temp_files(tmp_path):
    ss = synthetic_summaries(10, seed=4)
    write_summaries(tmp_path / "a.jsonl.gz", ss)
    write_summaries(tmp_path / "b.jsonl.gz", ss)
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl.gz", "b.jsonl.gz"]


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "c.jsonl.gz"
    ss = synthetic_summaries(5, seed=5)
    write_summaries(target, ss)
    before = target.read_bytes()

    def broken():
        yield ss[0]
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_summaries(target, broken())
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl.gz"]


def test_missing_corpus_says_how_to_make_it(tmp_path):
    with pytest.raises(CorpusMissing, match="examplenet harvest"):
        load_summaries(tmp_path / "none.jsonl.gz")


def test_bad_line_names_its_line_number(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text(synthetic_summaries(1)[0].to_json() + "\n\n{not json\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:3"):
        load_summaries(p)


def test_default_corpus_lives_in_the_repository():
    assert DEFAULT_CORPUS.parts[-3:] == ("corpus", "data", "summaries.jsonl.gz")


def test_written_file_has_the_usual_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        write_summaries(tmp_path / "c.jsonl.gz", synthetic_summaries(2))
    finally:
        os.umask(mask)
    assert (tmp_path / "c.jsonl.gz").stat().st_mode & 0o777 == 0o644
