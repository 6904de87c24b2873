"""The harvest on a dask.distributed cluster gives the same bytes as the local pool.

A LocalCluster with 2 worker processes on 127.0.0.1 parses a few tiny git
repositories built here; the summaries and manifest must equal, byte for
byte, those of the local process pool on the same input.
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


@pytest.fixture
def repos(tmp_path: Path, monkeypatch) -> list[tuple[Path, None]]:
    from test_harvest import fx, three_repos

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    # the third repository's 40 small files make several dask tasks run
    out = three_repos(tmp_path, many=40, extra={"util/plot_utils.py": fx("plot_utils.py")})
    return [(p, None) for p in out]


def test_dask_cluster_gives_the_same_bytes_as_the_local_pool(tmp_path: Path, repos):
    local = tmp_path / "local" / "summaries.jsonl.gz"
    harvest.harvest(repos, local, workers=2, parser=STUB, progress=False)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            remote = tmp_path / "dask" / "summaries.jsonl.gz"
            stats = harvest.harvest(repos, remote, scheduler=cluster.scheduler_address, parser=STUB,
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
