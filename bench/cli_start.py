"""Cold-start time of `examplenet search` and `examplenet compare`, and what they import.

    .venv/bin/python bench/cli_start.py [--runs 5] [--index-dir DIR] [--no-check]

Each run is a new process (`examplenet search QUESTION -k 100` and
`examplenet compare FILE`), as a user starts them; output goes to a pipe and
is discarded. Prints per command the wall time (p50, max) and the CPU time of
the process (user + sys, p50: less sensitive than wall time to a busy
machine), the load average around the runs, then one `python -X importtime`
run per command: the import time by top-level package and whether torch,
sentence-transformers, transformers, gradio or plotly were imported.

Then (unless --no-check) the same questions are answered three ways and
compared, 100 examples each: `examplenet search --json` in a subprocess,
`ExampleIndex.search` in this process (the app's index and encoder), and the
app's chat path (`assistant.session.Engine.apply_message` + `population`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "classify movie reviews as positive or negative",
    "a digit classifier trained on MNIST with pytorch",
    "segment medical images",
    "forecast a time series with an lstm",
    "generate faces with a gan",
]
COMPARE_FILE = ROOT / "tests" / "fixtures" / "compare_huge_epochs.py"
HEAVY = ("torch", "sentence_transformers", "transformers", "gradio", "plotly", "pandas", "pyarrow")


def _cmd(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one cold run (exit status must be 0)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {out.returncode}: {out.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_breakdown(argv: list[str]) -> tuple[dict[str, float], float]:
    """Cumulative import seconds by top-level package, and the total, from -X importtime."""
    out = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    by_top: dict[str, float] = defaultdict(float)
    total = 0.0
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cum, name = line.split("|", 2)
        try:
            cum_us = int(cum.strip())
        except ValueError:
            continue
        depth = len(name) - len(name.lstrip(" "))
        if depth == 1:  # a module the program itself imported (not a dependency's own import)
            by_top[name.strip().split(".")[0]] += cum_us / 1e6
            total += cum_us / 1e6
        # heavy packages imported deeper count under their own name too
        mod = name.strip()
        if mod in HEAVY:
            by_top[f"({mod})"] += cum_us / 1e6
    return dict(by_top), total


def check_same(index_dir: str | None) -> None:
    from assistant.session import Engine, State
    from index.store import load_index

    ix = load_index(index_dir)
    engine = Engine(ix)
    same_index = same_chat = 0
    for q in QUESTIONS:
        args = ["search", q, "-k", "100", "--json"] + (["--index-dir", index_dir] if index_dir else [])
        out = subprocess.run(_cmd(args), cwd=ROOT, capture_output=True, text=True, check=True)
        cli_ids = [d["id"] for d in json.loads(out.stdout)]
        cli_scores = [d["score"] for d in json.loads(out.stdout)]
        r = ix.search(q, k=100)
        ids = [h.summary.id for h in r.hits]
        chat = [s.id for s in engine.population(engine.apply_message(State(), q)).summaries]
        same_index += cli_ids == ids
        same_chat += cli_ids == chat
        drift = max((abs(a - round(h.score, 4)) for a, h in zip(cli_scores, r.hits, strict=False)), default=0.0)
        print(f"  {'same' if cli_ids == ids else 'DIFF'} as index.search, "
              f"{'same' if cli_ids == chat else 'diff'} as the chat ({len(cli_ids)} examples, "
              f"max score difference {drift:.4f}): {q}")
    print(f"command line = index.search for {same_index} of {len(QUESTIONS)} questions; "
          f"= the app's chat for {same_chat} of {len(QUESTIONS)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--index-dir", default=None, help="index folder (default: var/index)")
    ap.add_argument("--no-check", action="store_true", help="skip the same-results check")
    args = ap.parse_args(argv)
    extra = ["--index-dir", args.index_dir] if args.index_dir else []
    commands = {
        "search": _cmd(["search", QUESTIONS[0], "-k", "100", *extra]),
        "compare": _cmd(["compare", str(COMPARE_FILE), *extra]),
    }
    for argv_ in commands.values():  # warm the page cache (a user's second call); not timed
        timed(argv_)
    load0 = os.getloadavg()[0]
    print(f"cold starts, {args.runs} runs each, {os.cpu_count()} cores")
    for name, argv_ in commands.items():
        walls, cpus = zip(*(timed(argv_) for _ in range(args.runs)), strict=True)
        print(f"  {name:8s} wall p50 {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
              f"CPU p50 {statistics.median(cpus):.2f} s")
    print(f"load average (1 min) {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
    for name, argv_ in commands.items():
        by_top, total = import_breakdown(argv_)
        heavy = [m for m in HEAVY if f"({m})" in by_top]
        top = sorted(((v, k) for k, v in by_top.items() if not k.startswith("(")), reverse=True)[:8]
        print(f"imports of {name}: {total:.2f} s; " + ", ".join(f"{k} {v:.2f}" for v, k in top))
        print("  heavy packages imported: " + (", ".join(f"{m} {by_top[f'({m})']:.2f} s" for m in heavy)
                                               if heavy else "none"))
    if not args.no_check:
        print("same results (100 examples per question):")
        check_same(args.index_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
