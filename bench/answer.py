"""Server-side time from a question to a complete answer (target: p50 <= 100 ms).

A complete answer is what ``assistant.session.answer`` builds: retrieval of
~100 examples from the index, aggregation, the layer flow and its alignment,
every figure (Sankey, alignment, five hyperparameter plots, tricks), the
reply text, the examples table and, when a model is pasted, its comparison.
Each question is answered cold (no answer cache, no query-embedding cache);
the first answer, which loads the embedding model, is reported apart.

The index is the built one (``var/index``, the shipped corpus) when it loads;
otherwise an in-memory index of synthetic summaries (``--synthetic N``)
embedded with the same MiniLM model, and the output says so.

    .venv/bin/python bench/answer.py [--index-dir DIR] [--repeat 3] [--synthetic 1000]

Prints p50/p95 per stage and in total, and the ratio of p50 to the target.
Also reports plotly serialisation (``fig.to_json``), which Gradio does after
the answer is built, as a separate line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TARGET_MS = 100.0

QUESTIONS = [
    ("classify handwritten digits", {}),
    ("sentiment of movie reviews", {}),
    ("image classification on cifar-10 with pytorch", {}),
    ("generate faces with a GAN", {}),
    ("forecast a time series of stock prices", {}),
    ("translate english to german", {}),
    ("detect objects in images", {}),
    ("predict house prices from tabular data", {}),
    ("speech command recognition", {}),
    ("text classification with attention", {}),
    ("cnn for fashion mnist", {"framework": "keras"}),
    ("autoencoder for denoising images", {}),
    ("classify news articles", {"framework": "pytorch"}),
    ("small convolutional network", {"max_layers": 10}),
]
PASTED = ROOT / "tests" / "fixtures" / "compare_huge_learning_rate.py"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def open_index(index_dir: str | None, synthetic: int):
    from index.store import IndexProblem, load_index

    try:
        ix = load_index(index_dir, check_stale=False)
        return ix, f"built index ({len(ix)} examples)"
    except IndexProblem as e:
        print(f"note: {e.reason}; using {synthetic} synthetic summaries embedded in memory", file=sys.stderr)
    import numpy as np

    from index.search import ExampleIndex
    from index.synthetic import synthetic_summaries
    from index.text import TEXT_VERSION

    summaries = synthetic_summaries(synthetic)
    # Embedding thousands of texts takes minutes on 2 cores: keep the vectors
    # (var/ is not committed) for the next run.
    cache = ROOT / "var" / "bench" / f"answer-synthetic-{synthetic}-t{TEXT_VERSION}.npy"
    vectors = np.load(cache) if cache.exists() else None
    t = time.perf_counter()
    ix = ExampleIndex.from_summaries(summaries, vectors=vectors)
    if vectors is None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, np.asarray(ix.vectors, dtype=np.float32))
        print(f"(embedded {synthetic} synthetic summaries in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return ix, f"synthetic in-memory index ({len(ix)} examples, MiniLM)"


def stages(index, state) -> dict[str, float]:
    """One answer, timed stage by stage (the same calls as session.build_answer)."""
    from assistant import figures, table
    from assistant.aggregate import aggregate
    from assistant.compare import compare
    from assistant.flow import align_summaries, build_flow, path_of
    from assistant.reply import describe
    from assistant.session import retrieve

    ms: dict[str, float] = {}

    def clock(name, fn):
        t = time.perf_counter()
        out = fn()
        ms[name] = (time.perf_counter() - t) * 1000
        return out

    pop = clock("retrieval", lambda: retrieve(index, state))
    s = pop.summaries
    agg = clock("aggregate", lambda: aggregate(s))
    flow = clock("flow", lambda: build_flow(s))
    al = clock("alignment", lambda: align_summaries(s, extra=state.model))
    sel = s[0] if s else None

    def figs():
        out = {"sankey": figures.sankey_figure(flow, highlight=path_of(sel, flow) if sel else None,
                                               overlay=state.model),
               "alignment": figures.alignment_figure(al, highlight=sel.id if sel else None),
               "tricks": figures.tricks_figure(agg)}
        out.update(figures.hyperparameter_figures(agg, mark=sel))
        return out

    built = clock("figures", figs)
    if state.model is not None:
        clock("compare", lambda: compare(state.model, s))
    clock("reply+table", lambda: (describe(agg, {"query": state.query}), table.rows(s)))
    ms["(to_json, after)"] = 0.0
    t = time.perf_counter()
    for f in built.values():
        f.to_json()
    ms["(to_json, after)"] = (time.perf_counter() - t) * 1000
    return ms


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index-dir", default=None)
    ap.add_argument("--repeat", type=int, default=3, help="rounds over the questions (default 3)")
    ap.add_argument("--synthetic", type=int, default=1000, help="synthetic examples when no index is built")
    a = ap.parse_args(argv)

    from assistant import session
    from assistant.session import State
    from corpus.readers.parser import parse_bytes

    index, what = open_index(a.index_dir, a.synthetic)
    # Every question embedded afresh: the index's query cache would turn the
    # repeated rounds into lookups (a real chat hits it only on re-asks).
    if hasattr(index, "query_cache_size"):
        index.query_cache_size = 0
    pasted = max((s for s in parse_bytes(PASTED.read_bytes(), PASTED.name) if s.layers),
                 key=lambda s: len(s.layers))
    states = [State(query=q, **f) for q, f in QUESTIONS]
    states.append(State(query="", model=pasted, model_label=PASTED.name))

    t = time.perf_counter()
    session.answer(index, states[0])
    first = (time.perf_counter() - t) * 1000

    totals: list[float] = []
    cpu: list[float] = []
    per_stage: dict[str, list[float]] = {}
    sizes: list[int] = []
    for _ in range(a.repeat):
        for st in states:
            t, c = time.perf_counter(), time.process_time()
            ans = session.answer(index, st)
            totals.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            sizes.append(len(ans.population.summaries) if ans.population else 0)
            for k, v in stages(index, st).items():
                per_stage.setdefault(k, []).append(v)

    print(f"index: {what}")
    print(f"questions: {len(states)} (one with a pasted model) x {a.repeat} rounds; "
          f"examples per answer: median {statistics.median(sizes):.0f}")
    print(f"first answer (loads the embedding model): {first:.0f} ms")
    print(f"{'stage':<22}{'p50 ms':>9}{'p95 ms':>9}")
    for k, v in per_stage.items():
        print(f"{k:<22}{pct(v, 0.5):>9.1f}{pct(v, 0.95):>9.1f}")
    p50, p95 = pct(totals, 0.5), pct(totals, 0.95)
    print(f"{'session.answer total':<22}{p50:>9.1f}{p95:>9.1f}")
    # CPU time of this process: what the answer costs when the machine is not
    # shared (wall time above includes waiting for a core on a loaded machine).
    print(f"{'  (CPU time)':<22}{pct(cpu, 0.5):>9.1f}{pct(cpu, 0.95):>9.1f}")
    load = os.getloadavg()[0]
    print(f"machine load average {load:.1f} on {os.cpu_count()} cores"
          + ("  (loaded: wall times are inflated)" if load > (os.cpu_count() or 1) else ""))
    print(f"p50 / target ({TARGET_MS:.0f} ms) = {p50 / TARGET_MS:.2f}  "
          f"[{'meets' if p50 <= TARGET_MS else 'MISSES'} the target]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
