"""The harvest on a dask.distributed cluster gives the same bytes as the local pool.

A LocalCluster with 2 worker processes on 127.0.0.1 parses a few tiny git
repositories built here; the summaries and manifest must equal, byte for
byte, those of the local process pool on the same input. The process
driving a dask harvest is killed (SIGKILL) at seven points and resumed: the
output is the same, byte for byte, and each kill loses at most the files in
flight (issue 14).
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from corpus.harvest import run as harvest

distributed = pytest.importorskip("dask.distributed")

TESTS = Path(__file__).resolve().parent
STUB = "harvest_stub_parser:parse_bytes"
IN_ORDER = "harvest_stub_parser:parse_in_order"


@pytest.fixture
def repos(tmp_path: Path, monkeypatch) -> list[tuple[Path, None]]:
    from test_harvest import fx, three_repos

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    # the third repository's 40 small files make several dask tasks run
    out = three_repos(tmp_path, many=40, extra={"util/plot_utils.py": fx("plot_utils.py")})
    return [(p, None) for p in out]


def test_dask_cluster_gives_the_same_bytes_as_the_local_pool(tmp_path: Path, repos):
    """Each repository is read by one process, its files in order, on the cluster as in the local pool:
    a model's name here says how many files its repository context was given before its own."""
    local = tmp_path / "local" / "summaries.jsonl.gz"
    harvest.harvest(repos, local, workers=2, parser=IN_ORDER, progress=False)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            remote = tmp_path / "dask" / "summaries.jsonl.gz"
            stats = harvest.harvest(repos, remote, scheduler=cluster.scheduler_address, parser=IN_ORDER,
                                    progress=False, dask_batch=3)
            # the work really ran on both worker processes
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
            assert len(executed) == 2 and all(n > 0 for n in executed.values()), executed

    assert stats.models == 3 + 1 + 40 and stats.duplicate_files == 1
    assert remote.read_bytes() == local.read_bytes()
    assert (remote.parent / "manifest.json").read_bytes() == (local.parent / "manifest.json").read_bytes()
    with gzip.open(remote, "rt") as fh:
        rows = [json.loads(line) for line in fh]
    assert rows[0]["source"]["repo"] == "alice/dl-examples"
    assert {r["parse"]["status"] for r in rows} == {"ok", "partial"}
    many = sorted((r["source"]["path"], r["name"]) for r in rows if r["source"]["repo"] == "carol/many")
    assert many == [(f"nets/net{i:02d}.py", f"Net{i}_after{i}") for i in range(40)]


# A harvest process driving the cluster, with small dask tasks so a kill loses few files.
DRIVER = ("import json, sys\nfrom pathlib import Path\nfrom corpus.harvest.run import harvest\n"
          "a = json.loads(sys.argv[1])\n"
          "st = harvest([(Path(p), None) for p in a['repos']], Path(a['out']), scheduler=a['scheduler'],\n"
          "             resume=a['resume'], parser=a['parser'], progress=False, dask_batch=a['batch'])\n"
          "print(json.dumps({'parsed': st.parsed_files, 'resumed': st.resumed_files}))\n")
KILL_PARSER = "interrupt_stub_parser:parse_in_order"  # names say the order a repository was read in
BATCH = 2


def test_killed_dask_harvest_resumes_to_the_same_bytes(tmp_path: Path, monkeypatch):
    """SIGKILL the process driving a dask harvest at random points; --resume gives the same bytes."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from corpus.harvest.run import JOURNAL_SUFFIX

    monkeypatch.syspath_prepend(str(TESTS))
    from test_harvest import small_repos, three_repos

    log = tmp_path / "parse.log"
    # the workers inherit these when the cluster starts: they import the stub parser and log each file
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), str(TESTS.parent),
                                                      os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("EXAMPLENET_PARSE_LOG", str(log))
    monkeypatch.setenv("EXAMPLENET_PARSE_SLEEP", "0.03")
    # many small repositories: a dask task holds whole repositories, so a kill loses those in flight
    repos = [str(p) for p in three_repos(tmp_path, many=4)]
    repos += [str(p) for p in small_repos(tmp_path, 30)]

    def lines(path: Path) -> int:
        return path.read_bytes().count(b"\n") if path.exists() else 0

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        def cmd(out: Path, resume: bool) -> list[str]:
            args = {"repos": repos, "out": str(out), "scheduler": cluster.scheduler_address, "resume": resume,
                    "parser": KILL_PARSER, "batch": BATCH}
            return [sys.executable, "-c", DRIVER, json.dumps(args)]

        ref = tmp_path / "ref" / "summaries.jsonl.gz"
        done = subprocess.run(cmd(ref, False), cwd=TESTS.parent, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        n_files = lines(log)
        assert n_files == 5 + 4 + 30 * 4  # three_repos: 5 files and 4 small nets

        out = tmp_path / "run" / "summaries.jsonl.gz"
        journal = out.parent / (out.name + JOURNAL_SUFFIX)
        base = lines(log)
        rng = random.Random(14)
        # while connecting (nothing parsed yet), five after a random number of further files,
        # and once the journal holds every file (the final write)
        points = [("start", 0)] + [("files", rng.randint(6, 24)) for _ in range(5)] + [("journal", n_files)]
        kills = 0
        for i, (kind, n) in enumerate(points):
            target = lines(log) + n
            proc = subprocess.Popen(cmd(out, resume=i > 0), cwd=TESTS.parent, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if kind == "start" or (kind == "files" and lines(log) >= target) or \
                        (kind == "journal" and lines(journal) > n):  # the header line, then one per file
                    break
                time.sleep(0.01)
            if kind == "start":
                time.sleep(0.5)
            if proc.poll() is None:
                kills += 1
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        assert kills >= 5, f"only {kills} runs were still going when killed"

        final = subprocess.run(cmd(out, True), cwd=TESTS.parent, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
        last = json.loads(final.stdout.strip().splitlines()[-1])
        # the last run took the files done before from the journal and parsed only the rest
        assert last["resumed"] > 0 and last["resumed"] + last["parsed"] == n_files, last
        # tasks of a killed driver that were already running finish on the workers: wait for them
        # before counting (the scheduler forgets the queued ones when the driver's connection drops)
        client_gone = time.monotonic() + 30
        while time.monotonic() < client_gone:
            with distributed.Client(cluster) as client:
                if not any(client.processing().values()):
                    break
            time.sleep(0.2)

    assert out.read_bytes() == ref.read_bytes()
    assert (out.parent / "manifest.json").read_bytes() == (ref.parent / "manifest.json").read_bytes()
    assert not journal.exists()  # removed once the output is complete
    parsed = lines(log) - base
    # A kill loses at most the files in flight: up to 4 tasks per worker thread, each BATCH files
    # rounded up to whole repositories (of 4 files here)
    assert n_files <= parsed <= n_files + kills * 2 * 4 * 4, (parsed, n_files, kills)
    print(f"dask harvest: {kills} kills, {parsed} files parsed for {n_files} ({last})")
