"""Harvest throughput on a dask cluster with 1 and 2 workers, and what scale needs.

Reads the deep-learning files of fetched repositories (bare git mirrors;
nothing is copied here), then parses the same files:

- on a ``LocalCluster`` (127.0.0.1) with 1 worker process, then with 2,
  through the harvest's own ``dask_map`` (the ``--scheduler`` path);
- on the local process pool with 1 and 2 processes, for comparison.

It prints files/s, the speed-up from 1 to 2 workers, the projected time to
harvest 1 million repositories at the measured rate per core (using the
mirrors' mean number of DL files per repository), and, for the index at 10
million examples, the measured bytes per example of a FAISS IVF-PQ index
(built here on random 384-d vectors, the embedding size) against a flat one.

    .venv/bin/python bench/harvest.py --mirror DIR [--max-files 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.harvest import gitread
from corpus.harvest import run as harvest  # noqa: E402


def collect(mirror: str, repos_file: str | None, max_files: int) -> tuple[list[harvest.Task], float]:
    """Tasks for up to ``max_files`` DL files, and the mean DL files per repository."""
    repo_dirs, _ = harvest.resolve_repos([], mirror, repos_file)
    tasks: list[harvest.Task] = []
    per_repo: list[int] = []
    for folder, name in repo_dirs:
        try:
            plan = harvest.plan_repo(folder, name)
        except gitread.GitError:
            continue
        got = list(harvest.iter_tasks(plan))
        per_repo.append(len(got))
        tasks.extend(got)
    # interleave repositories so both measurements see the same mix
    tasks.sort(key=lambda t: hash((t.repo, t.path)) % 1_000_003)
    return tasks[:max_files], statistics.mean(per_repo) if per_repo else 0.0


def _cpu_seconds() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_dask(tasks: list[harvest.Task], workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds summed over the workers) to parse ``tasks`` on dask."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
        # warm the workers (imports, tree-sitter) outside the timing
        client.run(lambda: __import__("corpus.readers.parser"))
        cpu0 = sum(client.run(_cpu_seconds).values())
        t = time.perf_counter()
        n = sum(1 for _ in harvest.dask_map(tasks, cluster.scheduler_address, batch=16))
        dt = time.perf_counter() - t
        cpu = sum(client.run(_cpu_seconds).values()) - cpu0
    assert n == len(tasks)
    return dt, cpu


def run_pool(tasks: list[harvest.Task], workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the worker processes, warm-up included) on the local pool."""
    import resource

    def children() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    before = children()
    with harvest.LocalPool(workers) as pool:
        list(pool.map(tasks[: workers * 4]))  # warm-up
        t = time.perf_counter()
        n = sum(1 for _ in pool.map(tasks))
        dt = time.perf_counter() - t
    # the workers have exited and been reaped: their CPU time is in RUSAGE_CHILDREN
    assert n == len(tasks)
    return dt, children() - before


def index_bytes_per_example(n: int = 40_000, dim: int = 384, m: int = 48) -> dict[str, float]:
    """Marginal serialized bytes per vector of an IVF-PQ (``m`` 8-bit codes) and a flat index.

    Marginal (bytes added by the second half of the vectors, per vector), so
    the fixed centroid and codebook tables, negligible at 10 M, do not count.
    The memory does not depend on how well the codebooks are trained, so
    the PQ codebooks are set from sample vectors rather than trained by
    k-means (which takes minutes on a busy 2-core machine).
    """
    import faiss
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, dim)).astype("float32")
    faiss.normalize_L2(x)
    half = n // 2
    out: dict[str, float] = {}

    flat = faiss.IndexFlatIP(dim)
    flat.add(x[:half])
    a = len(faiss.serialize_index(flat))
    flat.add(x[half:])
    out["flat"] = (len(faiss.serialize_index(flat)) - a) / (n - half)

    nlist = 64
    quantizer = faiss.IndexFlatIP(dim)
    quantizer.add(x[:nlist])
    ivfpq = faiss.IndexIVFPQ(quantizer, dim, nlist, m, 8, faiss.METRIC_INNER_PRODUCT)
    # codebooks: m sub-spaces x 256 centroids of dim/m, taken from the data
    sub = dim // m
    cents = np.stack([x[rng.choice(n, 256, replace=False), j * sub:(j + 1) * sub] for j in range(m)])
    faiss.copy_array_to_vector(np.ascontiguousarray(cents, dtype="float32").ravel(), ivfpq.pq.centroids)
    ivfpq.is_trained = True
    t = time.perf_counter()
    ivfpq.add(x[:half])
    a = len(faiss.serialize_index(ivfpq))
    ivfpq.add(x[half:])
    out["ivfpq_add_s"] = time.perf_counter() - t
    out["ivfpq"] = (len(faiss.serialize_index(ivfpq)) - a) / (n - half)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", default=os.environ.get("EXAMPLENET_MIRROR"),
                    help="folder of fetch mirrors (owner+name/); or set EXAMPLENET_MIRROR")
    ap.add_argument("--repos-file", default=None)
    ap.add_argument("--max-files", type=int, default=2000)
    ap.add_argument("--no-index", action="store_true", help="skip the FAISS memory measurement")
    args = ap.parse_args(argv)
    if not args.mirror or not Path(args.mirror).is_dir():
        ap.error("give --mirror DIR: a folder of fetched repositories")

    tasks, mean_files = collect(args.mirror, args.repos_file, args.max_files)
    mb = sum(len(t.data) for t in tasks) / 1e6
    print(f"{len(tasks)} DL files ({mb:.1f} MB); mirrors hold {mean_files:.1f} DL files per repository "
          f"on average; {os.cpu_count()} cores")
    rows = []
    for label, fn in (("dask LocalCluster", run_dask), ("local process pool", run_pool)):
        res = []
        for w in (1, 2):
            wall, cpu = fn(tasks, w)
            res.append((len(tasks) / wall, len(tasks) / cpu if cpu > 0 else float("nan")))
        (r1, c1), (r2, c2) = res
        rows.append((label, r1, r2, c2))
        print(f"{label:20} 1 worker {r1:6.0f} files/s   2 workers {r2:6.0f} files/s   speed-up "
              f"{r2 / r1:.2f}x   ({c1:.0f} and {c2:.0f} files per worker CPU-second)")
    label, r1, r2, per_core = rows[0]
    # the rate per core from CPU time: wall-clock rates suffer when other work shares the cores
    files_1m = mean_files * 1_000_000
    core_hours = files_1m / per_core / 3600
    print()
    print(f"1 million repositories ~ {files_1m / 1e6:.1f} M DL files; at {per_core:.0f} files/s per core "
          f"(dask, 2 workers): {core_hours:.0f} core-hours, {core_hours / 100:.1f} h on 100 cores, "
          f"{core_hours / 2 / 24:.1f} days on this 2-core machine (parsing only; fetching and git "
          f"reading not counted)")
    if not args.no_index:
        ix = index_bytes_per_example()
        print()
        print(f"FAISS, 384-d embeddings: flat {ix['flat']:.0f} B/example -> "
              f"{ix['flat'] * 1e7 / 1e9:.1f} GB at 10 M; IVF64,PQ48 {ix['ivfpq']:.0f} B/example -> "
              f"{ix['ivfpq'] * 1e7 / 1e9:.2f} GB at 10 M (adding 40k vectors took "
              f"{ix['ivfpq_add_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
