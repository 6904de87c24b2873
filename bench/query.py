"""Search latency, build time and memory: the shipped corpus, then 100k and 1M synthetic summaries.

A "search" is what the app does per question: embed the question (MiniLM, on
CPU), search FAISS within the filter, apply boosts, fetch the hits' summaries.
Each question of bench/questions.jsonl runs without filters, with a framework
filter and with a dataset filter; p50/p95 are over all of those runs.

The synthetic scales do not embed a million texts: their vectors are random
unit vectors around a thousand centres (so IVF cells mean something, as with
real embeddings) and their metadata is drawn from the task recipes of
``index.synthetic``. Questions are still embedded by the real model.

    .venv/bin/python bench/query.py                    # shipped, 100k, 1M
    .venv/bin/python bench/query.py --sizes shipped,100k --repeat 3

Targets (issue 4, 2 cores): p50 <= 30 ms at the shipped size, <= 100 ms at
1M; index build >= 100 summaries/s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from corpus.record.store import DEFAULT_CORPUS, write_summaries  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import get_embedder  # noqa: E402
from index.metadata import COLUMNS, Metadata  # noqa: E402
from index.search import ExampleIndex, Filters, _Records  # noqa: E402
from index.store import load_index  # noqa: E402
from index.synthetic import RECIPES, synthetic_summaries  # noqa: E402

QUESTIONS = Path(__file__).with_name("questions.jsonl")


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]


def percentiles(ms: list[float]) -> str:
    a = np.array(ms)
    return f"p50 {np.percentile(a, 50):6.1f} ms   p95 {np.percentile(a, 95):6.1f} ms   (n={len(a)})"


class TimedEmbedder:
    """Wraps the embedder to split a search's time into embedding and the rest."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.ms = 0.0

    def embed(self, texts, batch_size=64, progress=False):
        t = time.perf_counter()
        v = self.inner.embed(texts, batch_size=batch_size, progress=progress)
        self.ms += (time.perf_counter() - t) * 1000
        return v


def time_searches(ix: ExampleIndex, qs: list[str], repeat: int, k: int = 100) -> dict[str, dict[str, list[float]]]:
    """Per kind of filter: wall ms, process CPU ms and embedding ms of each search."""
    fw = ix.values("framework")[0][0]
    ds = next((v for v, _c in ix.values("dataset") if v not in ("custom", "synthetic")), None)
    kinds = {"no filter": Filters(), f"framework={fw}": Filters(framework=fw)}
    if ds:
        kinds[f"dataset={ds}"] = Filters(dataset=ds)
    timed = TimedEmbedder(ix.embedder)
    ix._embedder = timed
    ix.query_cache_size = 0  # every search embeds its question
    out: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": [], "embed": []} for name in kinds}
    try:
        for _ in range(repeat):
            for q in qs:
                for name, f in kinds.items():
                    timed.ms = 0.0
                    t, c = time.perf_counter(), time.process_time()
                    r = ix.search(q, k=k, filters=f)
                    _ = [h.summary.source.url for h in r.hits]  # fetch the summaries
                    out[name]["wall"].append((time.perf_counter() - t) * 1000)
                    out[name]["cpu"].append((time.process_time() - c) * 1000)
                    out[name]["embed"].append(timed.ms)
    finally:
        ix._embedder = timed.inner
    return out


def report_latency(lat: dict[str, dict[str, list[float]]]) -> list[float]:
    wall = [x for v in lat.values() for x in v["wall"]]
    cpu = [x for v in lat.values() for x in v["cpu"]]
    emb = [x for v in lat.values() for x in v["embed"]]
    rest = [w - e for v in lat.values() for w, e in zip(v["wall"], v["embed"], strict=True)]
    print(f"  search (embed + search + filter + fetch, k=100): wall {percentiles(wall)}")
    print(f"    of which embedding the question: p50 {np.percentile(emb, 50):.1f} ms; "
          f"index, filter, boosts, fetch: p50 {np.percentile(rest, 50):.1f} ms p95 {np.percentile(rest, 95):.1f} ms")
    print(f"    CPU time of this process per search: p50 {np.percentile(cpu, 50):.1f} ms "
          f"p95 {np.percentile(cpu, 95):.1f} ms (what an idle machine would need, roughly)")
    for name, v in lat.items():
        print(f"    {name:28s} wall {percentiles(v['wall'])}")
    return wall


def recall_at_k(ix: ExampleIndex, n_queries: int = 20, k: int = 100) -> float:
    """Share of the exact top-k (by cosine, no filter) that the index returns, for
    queries near the data (stored vectors slightly moved), as real questions are."""
    from index import ann

    rng = np.random.default_rng(5)
    qs = ix.vectors[rng.choice(len(ix), n_queries, replace=False)]
    qs = qs + rng.standard_normal(qs.shape, dtype=np.float32) * 0.03
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    hits = 0
    for v in qs:
        exact = np.argpartition(-(ix.vectors @ v), k)[:k]
        got, _ = ann.search(ix.faiss_index, v, k)
        hits += len(set(exact.tolist()) & set(got.tolist()))
    return hits / (k * len(qs))


# -- the shipped corpus -------------------------------------------------------------
def bench_shipped(repeat: int, corpus: Path | None, index_dir: Path | None = None) -> None:
    qs = questions()
    with tempfile.TemporaryDirectory() as tmp:
        if corpus is None:
            corpus = DEFAULT_CORPUS
        if corpus.exists():
            label = f"corpus {corpus.name}"
        else:
            corpus = Path(tmp) / "synthetic.jsonl.gz"
            write_summaries(corpus, synthetic_summaries(2000, seed=0))
            label = "no shipped corpus yet: 2,000 synthetic summaries in its place"
        get_embedder().embed(["warm up the model"])  # model load is not build speed
        gc.collect()
        m0 = rss_mb()
        target = index_dir or Path(tmp) / "index"
        c0 = time.process_time()
        # with --index-dir the build is incremental (what is cached is reused), else from scratch
        ix, st = build_index(corpus, target, force=index_dir is None, progress=False)
        cpu = time.process_time() - c0
        cores = min(os.cpu_count() or 1, 2)
        print(f"\n== {label}: {st.count} summaries")
        print(f"  build: {st.seconds:.1f} s = {st.per_second:.0f} summaries/s; embedded {st.embedded} "
              f"({st.embedded_per_second:.0f}/s), reused {st.reused}; target >= 100/s")
        if st.embedded:
            print(f"    CPU {cpu:.1f} s: {st.embedded / cpu:.0f} summaries embedded per CPU-second, "
                  f"about {cores * st.embedded / cpu:.0f}/s on {cores} idle cores")
        del ix
        gc.collect()
        t = time.perf_counter()
        ix = load_index(target, corpus)
        print(f"  load: {(time.perf_counter() - t) * 1000:.0f} ms; memory +{rss_mb() - m0:.0f} MB over the loaded model")
        size = sum(p.stat().st_size for p in target.iterdir())
        print(f"  on disk: {size / 1e6:.1f} MB; faiss {ix.kind}")
        ix.search("warm up", k=10)
        lat = report_latency(time_searches(ix, qs, repeat))
        print(f"  p50 target <= 30 ms: {'met' if np.percentile(lat, 50) <= 30 else 'MISSED'} (wall)")


# -- synthetic scale ------------------------------------------------------------------
def clustered_vectors(n: int, d: int = 384, centres: int = 1000, seed: int = 0) -> np.ndarray:
    """Unit vectors scattered around ``centres`` random directions, built in chunks."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, d), dtype=np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    out = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, 100_000):
        e = min(n, s + 100_000)
        x = c[rng.integers(0, centres, e - s)] + rng.standard_normal((e - s, d), dtype=np.float32) * (0.9 / np.sqrt(d))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[s:e] = x
    return out


def synthetic_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Metadata rows in the proportions of the task recipes (no Summary objects)."""
    rng = random.Random(seed)
    tasks = list(RECIPES)
    task_col = rng.choices(tasks, [RECIPES[t][0] for t in tasks], k=n)
    fw_col = rng.choices(["keras", "pytorch", "tensorflow"], [0.5, 0.4, 0.1], k=n)
    datasets, tricks, layers, n_layers = [], [], [], []
    for t in task_col:
        _w, ds, stacks, _words, tr = RECIPES[t]
        stack = rng.choice(stacks)
        datasets.append([rng.choice(ds)])
        tricks.append(sorted({x for x in tr if rng.random() < 0.4}))
        layers.append(sorted(set(stack)))
        n_layers.append(len(stack))
    return pd.DataFrame({
        "id": [f"syn{i:08d}" for i in range(n)], "text_hash": [""] * n,
        "framework": fw_col, "task": task_col, "datasets": datasets, "tricks": tricks,
        "layer_types": layers, "n_layers": np.array(n_layers, dtype=np.int32),
        "repo": ["synthetic/repo"] * n, "path": [f"s/{i}.py" for i in range(n)],
    }, columns=COLUMNS)


class SyntheticRecords(_Records):
    """Summaries made on demand from a template of the row's task (fetching stays realistic)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._n = len(frame)
        self._ids = frame["id"].to_numpy()
        self._tasks = frame["task"].to_numpy()
        self._templates: dict[str, object] = {}
        for s in synthetic_summaries(600, seed=1):
            self._templates.setdefault(s.task, s)

    def __len__(self) -> int:
        return self._n

    def get(self, row: int):
        return replace(self._templates[self._tasks[row]], id=str(self._ids[row]))


def bench_scale(n: int, kinds: list[str], repeat: int) -> None:
    qs = questions()
    embedder = get_embedder()
    embedder.embed(["warm up"])
    print(f"\n== {n:,} synthetic summaries (random clustered vectors, 384-d)")
    t = time.perf_counter()
    gc.collect()
    m0 = rss_mb()
    vectors = clustered_vectors(n)
    frame = synthetic_frame(n)
    t_data = time.perf_counter() - t
    m_data = rss_mb()
    t = time.perf_counter()
    meta = Metadata(frame)
    records = SyntheticRecords(frame)
    t_meta = time.perf_counter() - t
    print(f"  data made in {t_data:.1f} s (vectors {vectors.nbytes / 1e6:.0f} MB, +{m_data - m0:.0f} MB RSS); "
          f"metadata + posting lists {t_meta:.1f} s")
    for kind in kinds:
        gc.collect()
        m1 = rss_mb()
        t = time.perf_counter()
        ix = ExampleIndex.from_parts(vectors, meta, records, embedder, kind=kind)
        build = time.perf_counter() - t
        print(f"  [{ix.kind}] build {build:.1f} s ({n / build:,.0f} vectors/s), index memory +{rss_mb() - m1:.0f} MB; "
              f"process RSS {rss_mb():.0f} MB")
        if ix.kind != "flat":
            print(f"    recall@100 vs exact (no filter, queries near the data): {recall_at_k(ix):.3f}")
        ix.search("warm up", k=10)
        lat = report_latency(time_searches(ix, qs, repeat))
        target = 100
        print(f"    p50 target <= {target} ms: {'met' if np.percentile(lat, 50) <= target else 'MISSED'}")
        del ix
        gc.collect()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="shipped,100k,1m", help="comma list of shipped, 100k, 1m")
    p.add_argument("--repeat", type=int, default=2, help="times each question is asked per filter kind")
    p.add_argument("--corpus", type=Path, default=None, help="summaries file (default: the shipped corpus)")
    p.add_argument("--index-dir", type=Path, default=None,
                   help="keep the shipped-size index here (incremental: a second run reuses the vectors)")
    p.add_argument("--hnsw-1m", action="store_true", help="also build HNSW at 1M (several minutes)")
    args = p.parse_args(argv)
    import torch

    print(f"ExampleNet search benchmark: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, "
          f"{len(questions())} questions; load average {os.getloadavg()[0]:.1f} at start "
          "(other work on the machine inflates wall times: compare the CPU times)")
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    if "shipped" in sizes:
        bench_shipped(args.repeat, args.corpus, args.index_dir)
    if "100k" in sizes:
        bench_scale(100_000, ["flat", "ivf", "hnsw"], args.repeat)
    if "1m" in sizes:
        bench_scale(1_000_000, ["ivf", *(["hnsw"] if args.hnsw_1m else [])], args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
