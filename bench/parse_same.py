"""Does the parser still give the same summaries? A guard for speed work.

Speed work on the parser must not change what it reads. This script parses
the files of the committed sample ``bench/parse_files.tsv`` (read by blob id
from fetched bare git mirrors, as ``bench/parse.py`` reads them; nothing is
copied into this repo) and either writes every file's summaries as a
reference, or compares a new run with that reference and prints the files
whose summaries differ, field by field.

    .venv/bin/python bench/parse_same.py --mirror DIR --write REF.jsonl.gz [--code CHECKOUT]
    .venv/bin/python bench/parse_same.py --mirror DIR --check REF.jsonl.gz [--show 20]

``--code CHECKOUT`` runs another checkout's parser (see ``bench/parse.py``):
write the reference with the code before a change, check with the code after.
Keep the reference outside the repo: it holds parser output of fetched files.
Exit status: 0 when every file gives the same summaries, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import add_mirror_args, files_of_args, parse_bytes_of, stray_modules  # noqa: E402


def summaries_of(files: list[tuple[str, bytes]]) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """Each file's summaries as dicts (by ``repo:path``), and the CPU seconds the parsing took."""
    parse_bytes = parse_bytes_of()
    out: dict[str, list[dict[str, Any]]] = {}
    cpu = 0.0
    for key, data in files:
        repo, path = key.split(":", 1)
        t = time.process_time()
        got = parse_bytes(data, path, repo=repo)
        cpu += time.process_time() - t
        # (the JSON round trip makes floats, tuples and None compare as they are stored)
        out[key] = [json.loads(s.to_json()) for s in got]
    return out, cpu


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Paths where two JSON values differ, each with both values (shortened)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(set(old) | set(new)):
            out += differences(old.get(k), new.get(k), f"{where}.{k}" if where else k)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += differences(a, b, f"{where}[{i}]")
        return out
    if old != new:
        return [f"{where}: {json.dumps(old)[:160]} -> {json.dumps(new)[:160]}"]
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_mirror_args(ap)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="REF", help="write the reference (JSON Lines, gzip)")
    mode.add_argument("--check", metavar="REF", help="compare with a reference written before")
    ap.add_argument("--show", type=int, default=20, metavar="N", help="print at most N differing files")
    args = ap.parse_args(argv)
    files = files_of_args(ap, args)
    if args.check:
        with gzip.open(args.check, "rt", encoding="utf-8") as fh:
            ref = {r["key"]: r["summaries"] for r in map(json.loads, fh)}
        files = [f for f in files if f[0] in ref]
    got, cpu = summaries_of(files)
    if stray_modules():
        print(f"error: modules of another checkout were loaded: {', '.join(stray_modules())}")
        return 2
    n = len(files)
    print(f"{n} files, {sum(len(v) for v in got.values())} summaries, "
          f"parsed in {cpu:.2f} CPU s ({n / max(cpu, 1e-9):.0f} files/s per core)")
    if args.write:
        with gzip.open(args.write, "wt", encoding="utf-8") as fh:
            for key, summaries in got.items():
                fh.write(json.dumps({"key": key, "summaries": summaries}, sort_keys=True) + "\n")
        print(f"reference written to {args.write}")
        return 0

    missing = sorted(set(ref) - set(got))
    changed = [k for k in got if got[k] != ref[k]]
    for key in changed[: args.show]:
        old, new = ref[key], got[key]
        print(f"\n{key}")
        if len(old) != len(new):
            print(f"  {len(old)} summaries -> {len(new)}: "
                  f"{[s.get('name') for s in old]} -> {[s.get('name') for s in new]}")
        for line in differences(old, new)[:8]:
            print(f"  {line}")
    print(f"\n{len(changed)} of {n} files differ from the reference"
          + (f"; {len(missing)} files of the reference were not found" if missing else ""))
    return 1 if changed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
