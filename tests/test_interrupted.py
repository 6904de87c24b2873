"""Interrupted work loses nothing (issue 14): SIGKILL the harvest and the index build for real.

The harvest runs as `examplenet harvest` in a subprocess with a slowed-down
stub parser that logs each call; it is killed (the whole process group,
workers included) at several points chosen at random but reproducibly, and
resumed with `--resume` each time. The final output must equal, byte for
byte, that of a run never interrupted, and the files parsed again must be at
most those of the repositories in flight at each kill (one per worker). The index build is
paused at four points (tests/interrupt_index_build.py), killed there, and
the old index must still load and answer; then a build let run swaps in.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.harvest.run import JOURNAL_SUFFIX

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PARSER = "interrupt_stub_parser:parse_in_order"  # names say the order a repository was read in
WORKERS = 2


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]), **extra}


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


@pytest.fixture
def repos(tmp_path: Path) -> list[Path]:
    from test_harvest import small_repos, three_repos

    # a repository is read whole by one worker: a kill loses the repositories in flight (4 files each)
    return three_repos(tmp_path, many=4) + small_repos(tmp_path, 15)


def _harvest_cmd(repos: list[Path], out: Path, resume: bool) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "harvest", *map(str, repos), "--out", str(out),
            "--workers", str(WORKERS), "--parser", PARSER, "--quiet", *(["--resume"] if resume else [])]


def test_killed_harvest_resumes_to_the_same_bytes(tmp_path: Path, repos: list[Path]):
    ref = tmp_path / "ref" / "summaries.jsonl.gz"
    ref_log = tmp_path / "ref.log"
    done = subprocess.run(_harvest_cmd(repos, ref, False), env=_env(EXAMPLENET_PARSE_LOG=str(ref_log)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    n_files = _lines(ref_log)
    assert n_files == 5 + 4 + 15 * 4

    out = tmp_path / "run" / "summaries.jsonl.gz"
    journal = out.parent / (out.name + JOURNAL_SUFFIX)
    log = tmp_path / "run.log"
    env = _env(EXAMPLENET_PARSE_LOG=str(log), EXAMPLENET_PARSE_SLEEP="0.05")
    rng = random.Random(14)
    # Kill points: during start-up (nothing parsed yet), five after a random number of
    # further files were parsed, and one once the journal holds every file (the final write).
    points = [("start", 0)] + [("files", rng.randint(3, 12)) for _ in range(5)] + [("journal", n_files)]
    kills = 0
    for i, (kind, n) in enumerate(points):
        target = _lines(log) + n
        proc = subprocess.Popen(_harvest_cmd(repos, out, resume=i > 0), env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if kind == "start" or (kind == "files" and _lines(log) >= target) or \
                    (kind == "journal" and _lines(journal) > n):  # the header line, then one per file
                break
            time.sleep(0.01)
        if kind == "start":
            time.sleep(0.3)
        if proc.poll() is None:
            kills += 1
        _kill_group(proc)
    assert kills >= 5, f"only {kills} runs were still going when killed"

    final = subprocess.run(_harvest_cmd(repos, out, True), env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert out.read_bytes() == ref.read_bytes()
    assert (out.parent / "manifest.json").read_bytes() == (ref.parent / "manifest.json").read_bytes()
    assert not journal.exists()  # removed once the output is complete
    parsed = _lines(log)
    # Each kill loses at most the repositories in flight, one per worker (of 4 files at most).
    assert n_files <= parsed <= n_files + kills * WORKERS * 4, (parsed, n_files, kills)


def test_killed_index_build_leaves_the_old_index_usable(tmp_path: Path):
    # The build is paused at each point by tests/interrupt_index_build.py and killed there: no timing.
    # (It used to poll for the new folder and, on a loaded machine, could miss it and meet a finished
    # build, whose MiniLM vectors the test's 64-dimension HashEmbedder then refused: IndexStale.)
    from corpus.record.store import write_summaries
    from index.build import build_index
    from index.embed import HashEmbedder
    from index.store import load_index
    from index.synthetic import synthetic_summaries

    small, big = tmp_path / "small.jsonl.gz", tmp_path / "big.jsonl.gz"
    write_summaries(small, synthetic_summaries(40, seed=1))
    write_summaries(big, synthetic_summaries(80, seed=2))
    index_dir = tmp_path / "index"
    emb = HashEmbedder()
    build_index(small, index_dir, progress=False, embedder=emb)
    cmd = [sys.executable, str(TESTS / "interrupt_index_build.py"), "index", "build", "--corpus", str(big),
           "--index-dir", str(index_dir), "--force"]
    mark = tmp_path / "paused-at"
    for point in ("start", "embedding", "written", "swap"):
        mark.unlink(missing_ok=True)
        err = tmp_path / f"build-{point}.err"
        with open(err, "wb") as fh:
            proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=fh,
                                    env=_env(HF_HUB_OFFLINE="1", EXAMPLENET_PAUSE_AT=point,
                                             EXAMPLENET_PAUSE_MARK=str(mark)))
        guard = time.monotonic() + 600  # a hang guard only: the child waits at the point until killed
        while not mark.exists() and proc.poll() is None and time.monotonic() < guard:
            time.sleep(0.05)
        reached = mark.exists() and mark.read_text() == point
        _kill_group(proc)
        assert reached, (point, proc.returncode, err.read_text(errors="replace")[-2000:])
        if point == "swap":
            assert not index_dir.exists()  # killed between the two renames: only the old folder, aside
        ix = load_index(index_dir, check_stale=False, embedder=emb)  # puts an interrupted swap back
        assert len(ix) == 40, point
        assert ix.search("image classification on mnist", k=5)
    done = subprocess.run(cmd, env=_env(HF_HUB_OFFLINE="1"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(load_index(index_dir, check_stale=False, embedder=emb)) == 80  # a build let run swaps in whole


def test_journal_drops_a_cut_line_and_ignores_another_parser(tmp_path: Path):
    from corpus.harvest.run import FileResult, Journal
    from corpus.record.summary import ParseInfo, Source, Summary

    path = tmp_path / "s.jsonl.gz.journal"
    j = Journal(path, "p:f", history=False)
    j.open(resume=False)
    for i in range(2):
        s = Summary(id=str(i), name=f"Net{i}", source=Source(repo="a/b", path=f"n{i}.py"), parse=ParseInfo("ok", []))
        j.add(FileResult("a/b", f"n{i}.py", "c" * 40, False, "h", "ok", [s]), "c" * 40)
    j.close()
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"repo": "a/b", "head": "cut by a ki')
    j = Journal(path, "p:f", history=False)
    got = j.load()
    assert sorted(k[2] for k in got) == ["n0.py", "n1.py"]
    assert got[("a/b", "c" * 40, "n1.py", "c" * 40)].summaries[0].name == "Net1"
    j.open(resume=True)
    j.close()
    assert path.read_bytes() == whole  # the cut line is gone, the rest kept
    assert Journal(path, "other:parser", history=False).load() == {}
    assert Journal(path, "p:f", history=True).load() == {}
    # nor one written by a reader whose code has changed since (a harvest resumed after a fix)
    assert Journal(path, "p:f", history=False, reader="0" * 16).load() == {}
