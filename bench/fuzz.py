"""Fuzz the parser and the comparison for longer than the tests do (issue 6).

    .venv/bin/python bench/fuzz.py [--n 10000] [--seed 0]
    .venv/bin/python bench/fuzz.py --mirror DIR      # every file of the corpus instead
    .venv/bin/python bench/fuzz.py --repos 2000      # whole generated repositories instead

Feeds random bytes, mutated model scripts (cut off, spliced, garbled, deeply
nested, shuffled, re-encoded), broken notebooks and a few 10 MB inputs to
``parse_bytes``, and each parsed model to ``compare``. With ``--mirror``, the
inputs are every file ``corpus/data/manifest.json`` lists, read from the fetch
mirrors at the recorded commit (files whose mirror or blob is missing are
counted). With ``--repos``, each input is a small generated repository
(``tests/fuzz_inputs.random_repository``: models defined in one file and
built in another, imports through packages, wildcards and cycles, constants,
options and configuration files elsewhere, hostile configs, mutated files)
read whole by ``corpus.readers.repository.read_repository``, the pass of the
harvest, ``examplenet parse DIR`` and the zip upload. Prints crashes (an
exception escaping ``parse_bytes``, ``read_repository`` or
``compare``) and internal errors (crashes plus every summary whose parser
catch-all caught a bug: a warning starting "internal error:"), both should
be 0, with the first tracebacks; the slowest input and the per-input time
that held (p50, p99, max).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fuzz_inputs import SEEDS, mutate, population, random_repository  # noqa: E402

from assistant.compare import compare  # noqa: E402
from corpus.harvest import gitread  # noqa: E402
from corpus.readers.parser import parse_bytes  # noqa: E402
from corpus.readers.repository import read_repository  # noqa: E402

INTERNAL = "internal error:"


def corpus_files(mirror: str, manifest: Path = ROOT / "corpus" / "data" / "manifest.json"):
    """Yield (label, path, bytes) for every file the manifest lists; print how many could not be read."""
    m = json.loads(manifest.read_text(encoding="utf-8"))
    missing = 0
    for r in m["repos"]:
        g = gitread.find_git_dir(Path(mirror) / r["repo"].replace("/", "+", 1))
        if g is None:
            missing += len(r["files"])
            continue
        trees: dict[str, dict[str, str]] = {}
        with gitread.BlobReader(g) as rd:
            for f in r["files"]:
                commit = f.get("commit") or r["commit"]
                if commit not in trees:
                    try:
                        trees[commit] = {t.path: t.blob for t in gitread.list_tree(g, commit)}
                    except gitread.GitError:
                        trees[commit] = {}
                blob = trees[commit].get(f["path"])
                data = rd.read(blob) if blob else None
                if data is None:
                    missing += 1
                    continue
                yield f"{r['repo']}:{f['path']}", f["path"], data
    print(f"corpus files not read (mirror or blob missing): {missing}")


def inputs(n: int, rng: random.Random):
    """Yield (label, path, bytes) for n inputs of mixed kinds."""
    seeds = sorted(SEEDS)
    big = SEEDS["torch_net.py"] * (10_000_000 // len(SEEDS["torch_net.py"]))
    for i in range(n):
        kind = i % 10
        if i in (n // 3, 2 * n // 3):
            yield "10MB-script", "big.py", big.encode()
        elif i == n // 2:
            yield "10MB-binary", "big.py", rng.randbytes(10_000_000)
        elif kind == 0:
            yield "random-bytes", "r.py", rng.randbytes(rng.randint(0, 8192))
        elif kind == 1:
            text = mutate(SEEDS[rng.choice(seeds)], rng).decode("utf-8", "replace")
            nb = json.dumps({"cells": [{"cell_type": "code", "source": text.splitlines(True)}]})
            yield "notebook", "n.ipynb", nb[: rng.randint(0, len(nb))].encode() if rng.random() < 0.5 else nb.encode()
        elif kind == 2:
            text = mutate(SEEDS[rng.choice(seeds)], rng).decode("utf-8", "replace")
            yield "re-encoded", "e.py", text.encode(rng.choice(["utf-16", "latin-1", "cp1252"]), "replace")
        elif kind == 3:
            yield "markdown", "m.md", b"```python\n" + mutate(SEEDS[rng.choice(seeds)], rng) + b"\n```\n"
        else:
            yield "mutated", "m.py", mutate(SEEDS[rng.choice(seeds)], rng)


def repositories(n: int, rng: random.Random):
    """Yield (label, None, files) for n generated repositories."""
    for i in range(n):
        yield f"repository-{i}", None, random_repository(rng)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="inputs to try (default 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mirror", default=None, metavar="DIR",
                    help="fetch mirrors (owner+name/): parse every file of corpus/data/manifest.json instead")
    ap.add_argument("--repos", type=int, default=0, metavar="N",
                    help="read N generated repositories whole instead (the repository pass)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pop = population()
    times: list[float] = []
    crashes: list[str] = []
    internal: list[str] = []
    slowest = (0.0, "", 0)
    statuses: dict[str, int] = {}
    t_all = time.perf_counter()
    source = (corpus_files(args.mirror) if args.mirror else repositories(args.repos, rng) if args.repos
              else inputs(args.n, rng))
    repo_counts = {"joined": 0, "expanded": 0, "config warnings": 0}
    for label, path, data in source:
        t0 = time.perf_counter()
        try:
            if path is None:  # a whole repository
                got = read_repository(data)
                models = got.summaries
                repo_counts["joined"] += got.joined
                repo_counts["expanded"] += got.expanded
                repo_counts["config warnings"] += len(got.warnings)
            else:
                models = parse_bytes(data, path)
            for model in models:
                statuses[model.parse.status] = statuses.get(model.parse.status, 0) + 1
                bugs = [w for w in model.parse.warnings if str(w).startswith(INTERNAL)]
                if bugs:
                    internal.append(f"{label} ({model.name}): " + "; ".join(bugs))
                compare(model, pop)
        except Exception:  # noqa: BLE001 - counting crashes is the point
            crashes.append(f"{label}: {traceback.format_exc(limit=-4)}")
            internal.append(crashes[-1])
        dt = time.perf_counter() - t0
        times.append(dt)
        if dt > slowest[0]:
            slowest = (dt, label, len(data) if path is not None else sum(map(len, data.values())))
    total = time.perf_counter() - t_all
    times.sort()
    print(f"inputs tried:        {len(times)}")
    print(f"crashes:             {len(crashes)}")
    print(f"internal errors: {len(internal)}")
    print(f"summaries by status: {statuses}")
    if args.repos:
        print(f"repository pass:     {repo_counts['joined']} joined across files, {repo_counts['expanded']} "
              f"layers expanded from another file, {repo_counts['config warnings']} configs refused (warned)")
    print(f"time per input:      p50 {statistics.median(times) * 1000:.1f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.0f} ms")
    print(f"slowest input:       {slowest[1]} ({slowest[2]:,} bytes) in {slowest[0] * 1000:.0f} ms")
    print(f"limit that held:     every input under {times[-1]:.2f} s (target < 1 s)")
    print(f"total:               {total:.1f} s, {len(times) / total:.0f} inputs/s")
    for c in internal[:5]:
        print("---\n" + c)
    return 1 if internal else 0


if __name__ == "__main__":
    sys.exit(main())
