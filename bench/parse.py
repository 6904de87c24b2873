"""Parser speed and coverage on real scripts, against a baseline on Python's `ast`.

Reads the deep-learning files of fetched repositories (bare git mirrors, as
the harvest reads them; nothing is copied into this repo), then on the same
files, in one process:

- ours: ``corpus.readers.parser.parse_bytes`` (tree-sitter);
- baseline: the same code extraction (notebook code cells, Markdown blocks)
  then ``ast.parse`` and a walk that finds ``nn.Module`` / ``Model``
  subclasses and ``Sequential(...)`` calls.

Prints files/s, MB/s and the share of files each reads: ours ``ok``, ``ok
or partial`` and not ``failed``; the baseline's share that ``ast.parse``
accepts (Python 2 files, IPython magics left in, half-broken files fail).

    .venv/bin/python bench/parse.py --mirror DIR [--max-files 3000]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.harvest import gitread  # noqa: E402
from corpus.harvest.run import imports_dl, is_candidate, resolve_repos  # noqa: E402
from corpus.readers.script import source_text  # noqa: E402


def add_mirror_args(ap: argparse.ArgumentParser, max_files: int) -> None:
    """The options that say which real files to read (shared by the parser benchmarks)."""
    ap.add_argument("--mirror", default=os.environ.get("EXAMPLENET_MIRROR"),
                    help="folder of fetch mirrors (owner+name/); or set EXAMPLENET_MIRROR")
    ap.add_argument("--repos-file", default=None, help="which mirrors (default corpus/repos.txt)")
    ap.add_argument("--max-files", type=int, default=max_files)


def files_of_args(ap: argparse.ArgumentParser, args: argparse.Namespace) -> list[tuple[str, bytes]]:
    """The files :func:`add_mirror_args`'s options name; a usage error without a mirror folder."""
    if not args.mirror or not Path(args.mirror).is_dir():
        ap.error("give --mirror DIR: a folder of fetched repositories")
    return collect(args.mirror, args.repos_file, args.max_files)


def collect(mirror: str, repos_file: str | None, max_files: int) -> list[tuple[str, bytes]]:
    """The DL files of the mirrors at HEAD, a deterministic sample of ``max_files``."""
    repo_dirs, _ = resolve_repos([], mirror, repos_file)
    files: list[tuple[str, bytes]] = []
    for folder, name in repo_dirs:
        g = gitread.find_git_dir(folder)
        if g is None:
            continue
        try:
            tree = gitread.list_tree(g, gitread.head_commit(g))
        except gitread.GitError:
            continue
        with gitread.BlobReader(g) as rd:
            for f in tree:
                if not is_candidate(f.path) or (f.size or 0) >= 4 * 1024 * 1024:
                    continue
                data = rd.read(f.blob)
                if data and imports_dl(data):
                    files.append((f"{name}:{f.path}", data))
    files.sort(key=lambda x: hashlib.sha1(x[0].encode()).hexdigest())
    return files[:max_files]


_MODEL_BASES = ("Module", "Model", "Layer")


def ast_baseline(data: bytes, path: str) -> tuple[str, int]:
    """(status, models) with the standard library's parser."""
    code = source_text(data, path).code if path.endswith((".ipynb", ".md")) else \
        data.decode("utf-8", "replace")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "failed", 0
    models = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Attribute) and b.attr in _MODEL_BASES)
                or (isinstance(b, ast.Name) and b.id in _MODEL_BASES) for b in node.bases):
            models += 1
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name == "Sequential":
                models += 1
    return "ok", models


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_mirror_args(ap, max_files=3000)
    args = ap.parse_args(argv)
    from corpus.readers.parser import parse_bytes

    t = time.perf_counter()
    files = files_of_args(ap, args)
    mb = sum(len(d) for _, d in files) / 1e6
    print(f"{len(files)} deep-learning files ({mb:.1f} MB) from the mirrors, read in "
          f"{time.perf_counter() - t:.1f} s")

    ours = Counter()
    models = 0
    # CPU time of this process: the figure per core, whatever else the machine runs
    t = time.process_time()
    w = time.perf_counter()
    for key, data in files:
        path = key.split(":", 1)[1]
        try:
            out = parse_bytes(data, path)
        except Exception:  # count, never stop: a crash is a finding
            ours["crash"] += 1
            continue
        st = {s.parse.status for s in out}
        ours["failed" if "failed" in st else "partial" if "partial" in st else "ok"] += 1
        models += sum(1 for s in out if s.parse.status != "failed")
    t_ours = time.process_time() - t
    w_ours = time.perf_counter() - w

    base = Counter()
    base_models = 0
    t = time.process_time()
    w = time.perf_counter()
    for key, data in files:
        st, m = ast_baseline(data, key.split(":", 1)[1])
        base[st] += 1
        base_models += m
    t_base = time.process_time() - t
    w_base = time.perf_counter() - w

    n = len(files) or 1
    print()
    print(f"{'':28}{'files/s':>10}{'MB/s':>8}{'ok':>8}{'ok+partial':>12}{'not failed':>12}{'models':>8}")
    print(f"{'ours (tree-sitter)':28}{n / t_ours:>10.0f}{mb / t_ours:>8.2f}{ours['ok'] / n:>8.1%}"
          f"{(ours['ok'] + ours['partial']) / n:>12.1%}{1 - (ours['failed'] + ours['crash']) / n:>12.1%}"
          f"{models:>8}")
    print(f"{'baseline (ast.parse + walk)':28}{n / t_base:>10.0f}{mb / t_base:>8.2f}{base['ok'] / n:>8.1%}"
          f"{base['ok'] / n:>12.1%}{base['ok'] / n:>12.1%}{base_models:>8}")
    print()
    print(f"ours: {ours['crash']} crashes; files the ast baseline cannot read: {base['failed']} "
          f"({base['failed'] / n:.1%}); ours reads {(ours['ok'] + ours['partial']) - base['ok']:+d} files more "
          f"than the baseline ({(ours['ok'] + ours['partial']) / max(base['ok'], 1):.2f}x)")
    print(f"rates per CPU-second of one core (wall clock: ours {w_ours:.1f} s, baseline {w_base:.1f} s); "
          "'ok' for ours is parse.status (a readable file with no model counts as ok), for the "
          "baseline that ast.parse accepts the file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
