"""Parser speed in CPU time per core, stage by stage, on real scripts.

The machine is shared, so wall-clock time says more about the neighbours
than about the parser: this script counts CPU time (``time.process_time``)
of one process. It reads the deep-learning files of fetched repositories
(bare git mirrors, as ``bench/parse.py`` does; nothing is copied into this
repo), runs ``corpus.readers.parser.parse_bytes`` on each, and prints files/s per
core and the share of CPU spent in each stage: reading the file
(``source_text``: notebook JSON to code), the tree and names (``Script``),
each extractor, and ``facts.annotate``. ``--cprofile N`` adds the N
functions with the most CPU time of their own.

    .venv/bin/python bench/parse_profile.py --mirror DIR [--max-files 1000] [--repeat 3] [--cprofile 30] [--code CHECKOUT]

The files are those of the committed sample ``bench/parse_files.tsv``;
``--code CHECKOUT`` profiles another checkout's parser (see ``bench/parse.py``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import add_mirror_args, code_module, files_of_args, parse_bytes_of  # noqa: E402


def _timed(acc: dict[str, float], label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[label] = acc.get(label, 0.0) + time.process_time() - t
    return wrapper


def stage_times(files: list[tuple[str, bytes]]) -> tuple[float, dict[str, float]]:
    """CPU seconds of the whole run and of each stage.

    Args:
        files: (``repo:path``, bytes) pairs.

    Returns:
        (total CPU seconds, CPU seconds by stage).
    """
    parser = code_module("corpus.readers.parser", "corpus.parser")

    acc: dict[str, float] = {}
    labels = {"source_text": "read file (source_text)", "Script": "tree + names (Script)",
              "finish": "ids, links, lines (finish)", "annotate": "datasets/task/tricks (facts)",
              "_annotate_outcomes": "results, environment (outcomes)", "fragments.apply": "fragments (names)"}
    # a stage the measured checkout does not have (renamed, moved) is left out, not an error
    originals: list[tuple[Any, str, Any]] = [(parser, name, getattr(parser, name)) for name in labels
                                             if "." not in name and hasattr(parser, name)]
    fragments = getattr(parser, "fragments", None)
    if fragments is not None and hasattr(fragments, "apply"):
        originals.append((fragments, "apply", fragments.apply))
    readers = getattr(parser, "READERS", None)
    try:
        for mod, name, fn in originals:
            label = labels.get(name) or labels[f"fragments.{name}"]
            setattr(mod, name, _timed(acc, label, fn))
        if readers is not None:
            # each registered reader (Keras, raw TF, PyTorch, JAX) is its own stage
            parser.READERS = tuple(type(r)(r.name, r.family, _timed(acc, f"{r.name} reader", r.read))
                                   for r in readers)
        total = _run(files)
    finally:
        for mod, name, fn in originals:
            setattr(mod, name, fn)
        if readers is not None:
            parser.READERS = readers
    return total, acc


def _run(files: list[tuple[str, bytes]]) -> float:
    parse_bytes = parse_bytes_of()
    t = time.process_time()
    for key, data in files:
        parse_bytes(data, key.split(":", 1)[1])
    return time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_mirror_args(ap)
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="time the plain run N times and report the fastest (the machine is shared)")
    ap.add_argument("--cprofile", type=int, default=0, metavar="N",
                    help="also print the N functions with the most CPU time of their own")
    args = ap.parse_args(argv)
    files = files_of_args(ap, args)
    parse_bytes = parse_bytes_of()
    if not files:
        print("no deep-learning files found in the mirrors")
        return 1
    n = len(files)
    mb = sum(len(d) for _, d in files) / 1e6
    notebooks = sum(1 for k, _ in files if k.endswith(".ipynb"))
    print(f"{n} deep-learning files ({mb:.1f} MB, {notebooks} notebooks)")
    parse_bytes(files[0][1], files[0][0].split(":", 1)[1])  # imports and tables, outside the timing

    runs = [_run(files) for _ in range(max(1, args.repeat))]
    plain = min(runs)
    shown = f" (min of {len(runs)}: {', '.join(f'{r:.2f}' for r in runs)})" if len(runs) > 1 else ""
    print(f"\nCPU time {plain:.2f} s{shown}: {n / plain:.0f} files/s per core, {mb / plain:.2f} MB/s per core")

    total, acc = stage_times(files)
    print(f"\n{'stage':34}{'CPU s':>8}{'share':>8}")
    for label, sec in sorted(acc.items(), key=lambda kv: -kv[1]):
        print(f"{label:34}{sec:>8.2f}{sec / total:>8.1%}")
    print(f"{'rest (checks, warnings)':34}{total - sum(acc.values()):>8.2f}"
          f"{(total - sum(acc.values())) / total:>8.1%}")

    if args.cprofile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        _run(files)
        prof.disable()
        print(f"\nTop {args.cprofile} by own CPU time (profiled, so slower than above):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
