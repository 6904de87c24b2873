"""What reading a whole repository costs per file, against reading its files one by one.

The repositories of ``bench/parse_files.tsv`` (the parser-speed sample: 40
public repositories, each at the commit the list names) are read from fetched
bare mirrors (nothing is copied into this repo). For each, the same files (the
repository pass's own choice, ``repository.code_paths``) are parsed twice in
one process:

- per file: ``parse_bytes`` on each file alone (its README's words given, as
  the harvest gives them), no repository context;
- whole repository: ``repository.read_repository``: the same parses with the
  repository context (imports, configs, settings resolved inside it), then
  the join across files.

Every file the repository pass may open (code, configs, READMEs) is read from
git into memory first, so neither side pays for git. Prints CPU seconds of
this process for both, the ratio (issue 11 asks at most 1.3x), files, and the
repositories that cost most over their per-file time.

    .venv/bin/python bench/repo_cost.py --mirror DIR [--list FILE] [--repeat N] [--only REPO] [--dump FILE]

``--dump FILE`` also writes what the whole-repository pass gave (the first
run's), one JSON line per repository, sorted: its files, its summaries
(``Summary.to_json``, sorted), its counts and warnings. Speed work compares
the dumps of the code before and after a change (``cmp``): they must be
byte for byte the same.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.harvest import gitread  # noqa: E402
from corpus.readers.parser import parse_bytes  # noqa: E402
from corpus.readers.repository import code_paths, read_repository, readme_context  # noqa: E402

DEFAULT_LIST = Path(__file__).resolve().parent / "parse_files.tsv"


def repo_commits(list_file: Path) -> dict[str, str]:
    """owner/name -> the commit the list reads it at."""
    out: dict[str, str] = {}
    with open(list_file, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault(row["repo"], row["commit"])
    return out


def load_files(mirror: Path, repo: str, commit: str) -> dict[str, bytes] | None:
    """Every file the repository pass may read, in memory (None: no mirror or commit)."""
    git_dir = gitread.find_git_dir(mirror / repo.replace("/", "+"))
    if git_dir is None:
        return None
    try:
        tree = gitread.list_tree(git_dir, commit)
    except gitread.GitError:
        return None
    lazy = gitread.GitFiles.of_tree(git_dir, tree)
    try:
        return dict(lazy.items())
    finally:
        lazy.close()


def per_file_seconds(files: dict[str, bytes], paths: list[str], repo: str, commit: str) -> float:
    near = readme_context(files)
    t0 = time.process_time()
    for p in paths:
        parse_bytes(files[p], p, repo=repo, commit=commit, context_text=near(p))
    return time.process_time() - t0


def repository_seconds(files: dict[str, bytes], paths: list[str], repo: str, commit: str
                       ) -> tuple[float, int, str]:
    """CPU seconds of the whole-repository pass, its examples, and its output as one JSON line."""
    t0 = time.process_time()
    result = read_repository(files, repo=repo, commit=commit, paths=paths)
    seconds = time.process_time() - t0
    dump = json.dumps({
        "repo": repo, "paths": paths, "summaries": sorted(s.to_json() for s in result.summaries),
        "counts": [result.joined, result.blocks, result.not_trained, result.expanded, result.not_models],
        "warnings": result.warnings}, sort_keys=True)
    return seconds, len(result.summaries), dump


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", default=os.environ.get("EXAMPLENET_MIRROR"), required=False,
                    help="folder of fetched mirrors (owner+name/)")
    ap.add_argument("--list", default=str(DEFAULT_LIST), metavar="FILE", help="repo/commit list (TSV)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each side; the least CPU time is kept")
    ap.add_argument("--only", metavar="REPO", action="append", help="read only this repository (repeatable)")
    ap.add_argument("--dump", metavar="FILE", help="write the whole-repository output, sorted (.gz: gzipped)")
    args = ap.parse_args(argv)
    if not args.mirror:
        ap.error("--mirror DIR is required (or EXAMPLENET_MIRROR)")
    mirror = Path(args.mirror)
    rows: list[tuple[str, int, float, float, int]] = []
    missing: list[str] = []
    dumps: list[str] = []
    for repo, commit in repo_commits(Path(args.list)).items():
        if args.only and repo not in args.only:
            continue
        files = load_files(mirror, repo, commit)
        if files is None:
            missing.append(repo)
            continue
        paths = code_paths(files)
        if not paths:
            continue
        single = min(per_file_seconds(files, paths, repo, commit) for _ in range(args.repeat))
        whole = [repository_seconds(files, paths, repo, commit) for _ in range(args.repeat)]
        rows.append((repo, len(paths), single, min(w[0] for w in whole), whole[0][1]))
        dumps.append(whole[0][2])
        print(f"  {repo:55} {len(paths):5} files  per file {single:7.2f} s  repository {rows[-1][3]:7.2f} s",
              file=sys.stderr)
    if args.dump:
        with (gzip.open if args.dump.endswith(".gz") else open)(args.dump, "wt") as fh:
            fh.writelines(line + "\n" for line in sorted(dumps))
    files_n = sum(r[1] for r in rows)
    single = sum(r[2] for r in rows)
    whole = sum(r[3] for r in rows)
    print(f"{len(rows)} repositories, {files_n} files parsed (missing mirrors: {len(missing)})")
    print(f"per file:          {single:8.2f} CPU s  ({files_n / single:6.1f} files/s)")
    print(f"whole repository:  {whole:8.2f} CPU s  ({files_n / whole:6.1f} files/s)")
    print(f"ratio:             {whole / single:8.2f}x per file (issue 11: at most 1.3x)")
    print("most over their per-file time:")
    for repo, n, s, w, models in sorted(rows, key=lambda r: r[3] - r[2], reverse=True)[:8]:
        print(f"  {repo:55} {n:5} files  {w / s:5.2f}x  (+{w - s:.2f} s, {models} examples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
