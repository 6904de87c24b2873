"""Fragments: how many of the seed prototype's 46 analysed files give a model.

The seed's prototype (``tianyi-zhang/ExamploreDL``) analysed 46 files under
``backend/code_analysis/test_folder``; its ``data.json`` there lists their
layer counts. Many are fragments (a ``Sequential`` imported and no ``Dense``,
``tf.`` used without ``import tensorflow``). This script reads each listed
file from a fetched bare mirror (``git show``, never copied into this repo),
parses it statically and prints the share that gives a model of at least
``--min-layers`` layers.

    .venv/bin/python bench/fragments.py --mirror MIRROR_GIT_DIR [-v]

``MIRROR_GIT_DIR`` is the bare git directory of the fetched repository
(``fetch github:tianyi-zhang/ExamploreDL``). Exit status 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FOLDER = "backend/code_analysis/test_folder"


def _git(mirror: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True).stdout


def listed_files(mirror: str, rev: str = "HEAD") -> dict[str, list[int]]:
    """The files ``data.json`` lists (path under the folder -> the prototype's layer counts)."""
    data = json.loads(_git(mirror, "show", f"{rev}:{FOLDER}/data.json"))
    out: dict[str, list[int]] = {}
    for entry in data.values():
        path = f"{entry['Project_Name']}/{entry['file_name']}"
        out.setdefault(path, []).append(int(entry.get("num_layers") or 0))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", required=True, help="bare git dir of the fetched ExamploreDL repository")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--min-layers", type=int, default=3)
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per file")
    args = ap.parse_args(argv)

    from corpus.readers.parser import parse_bytes

    files = listed_files(args.mirror, args.rev)
    read = 0
    fragment_notes = 0
    for path, counts in sorted(files.items()):
        data = _git(args.mirror, "show", f"{args.rev}:{FOLDER}/{path}")
        summaries = parse_bytes(data, path)
        best = max((len(s.layers) for s in summaries), default=0)
        ok = best >= args.min_layers
        read += ok
        notes = sorted({w for s in summaries for w in s.parse.warnings if w.startswith("no import of")
                        or w.startswith("no framework import")})
        fragment_notes += bool(notes)
        if args.verbose:
            fws = ",".join(sorted({s.framework for s in summaries})) or "-"
            print(f"{'ok ' if ok else 'MISS'} {best:4d} layers (prototype {'/'.join(map(str, counts))}) "
                  f"{fws:18s} {path}" + (f"  [{'; '.join(notes)}]" if notes else ""))
    n = len(files)
    print(f"files: {n}; a model of >= {args.min_layers} layers read from {read} ({100 * read / n:.0f}%); "
          f"read with a fragment note: {fragment_notes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
