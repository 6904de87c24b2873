"""Parser speed and coverage on real scripts, against a baseline on Python's `ast`.

Reads a fixed sample of real deep-learning files, the committed list
``bench/parse_files.tsv`` (columns repo, commit, path, blob: 2,000 files of
40 public repositories; facts only, no code). Each file is read by its git
blob id from a fetched bare mirror (nothing is copied into this repo), so the
sample cannot drift; a missing mirror or blob is counted and reported. Then,
on the same files, in one process:

- ours: ``parse_bytes`` of the readers (tree-sitter);
- baseline: the same code extraction (notebook code cells, Markdown blocks)
  then ``ast.parse`` and a walk that finds ``nn.Module`` / ``Model``
  subclasses and ``Sequential(...)`` calls.

Prints files/s, MB/s and the share of files each reads: ours ``ok``, ``ok
or partial`` and not ``failed``; the baseline's share that ``ast.parse``
accepts (Python 2 files, IPython magics left in, half-broken files fail).
Rates are CPU seconds of this process (one core), not wall clock.

    .venv/bin/python bench/parse.py --mirror DIR [--max-files N] [--code CHECKOUT]

``--code CHECKOUT`` measures another checkout's parser (its folder goes
first on ``sys.path``; ``corpus.readers.parser`` is imported, or
``corpus.parser`` of the layout before the readers/ split), so one script
times the code before and after a change. ``--list FILE`` reads another list.

A new list (written once, then committed; the benchmarks only read it):

    .venv/bin/python bench/parse.py --mirror DIR --write-list [FILE] [--max-files 2000] [--repos-file F]

takes the repositories with the most deep-learning files in
``corpus/data/manifest.json`` until, with each capped at 5% of the sample,
they hold 1.4x the sample (or the ``owner/name`` lines of ``--repos-file``),
lists their candidate files at the mirror's HEAD as the harvest does
(``is_candidate``, ``imports_dl``, under 4 MiB), and keeps the first
``--max-files`` in the order of sha1(``repo:path``), skipping a blob already
taken and a repository at its 5% cap.
"""

from __future__ import annotations

import argparse
import ast
import csv
import functools
import hashlib
import importlib
import json
import os
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_LIST = ROOT / "bench" / "parse_files.tsv"
LIST_COLUMNS = ("repo", "commit", "path", "blob")
MAX_BYTES = 4 * 1024 * 1024
REPO_SHARE = 0.05  # no repository above this share of a new sample (some are huge and repetitive)


_code_root = ROOT  # the checkout whose corpus/ is measured (see use_code)


def use_code(code: str | None) -> None:
    """Import ``corpus`` from the checkout ``code`` (None: this one); call before any corpus import."""
    global _code_root
    if not code:
        return
    d = Path(code).resolve()
    if _code_root == d:
        return
    if not (d / "corpus").is_dir():
        raise SystemExit(f"--code {code}: no corpus/ folder there")
    if any(m == "corpus" or m.startswith("corpus.") for m in sys.modules):
        raise RuntimeError("corpus was imported before --code took effect")
    sys.path.insert(0, str(d))
    _code_root = d


def code_module(*names: str) -> ModuleType:
    """The first of ``names`` that the measured checkout has: a module of the current layout, then of the one before.

    Chosen by the files of the checkout, not by trying imports: an editable
    install of this project would otherwise answer for a module the other
    checkout lacks, and the run would mix two versions of the code.
    """
    for name in names:
        base = _code_root.joinpath(*name.split("."))
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            mod = importlib.import_module(name)
            where = Path(mod.__file__ or "").resolve()
            if not where.is_relative_to(_code_root):
                raise RuntimeError(f"{name} was imported from {where}, not from {_code_root}")
            return mod
    raise ModuleNotFoundError(f"none of {', '.join(names)} in {_code_root}")


def stray_modules() -> list[str]:
    """Loaded ``corpus`` modules that are not the measured checkout's (should be none)."""
    return sorted(name for name, mod in list(sys.modules.items())
                  if (name == "corpus" or name.startswith("corpus.")) and getattr(mod, "__file__", None)
                  and not Path(mod.__file__).resolve().is_relative_to(_code_root))


def parse_bytes_of() -> Callable[..., list[Any]]:
    """``parse_bytes`` of the checkout in use (see :func:`use_code`)."""
    return code_module("corpus.readers.parser", "corpus.parser").parse_bytes


def add_mirror_args(ap: argparse.ArgumentParser, max_files: int | None = None) -> None:
    """The options that say which real files to read (shared by the parser benchmarks)."""
    ap.add_argument("--mirror", default=os.environ.get("EXAMPLENET_MIRROR"),
                    help="folder of fetch mirrors (owner+name/); or set EXAMPLENET_MIRROR")
    ap.add_argument("--list", default=str(DEFAULT_LIST), metavar="FILE",
                    help="the files to read, TSV repo/commit/path/blob (default: %(default)s)")
    ap.add_argument("--max-files", type=int, default=max_files, metavar="N",
                    help="read only the first N files of the list (default: all)")
    ap.add_argument("--code", metavar="CHECKOUT", default=None,
                    help="measure the parser of another checkout of this project (default: this one)")


def files_of_args(ap: argparse.ArgumentParser, args: argparse.Namespace) -> list[tuple[str, bytes]]:
    """The files :func:`add_mirror_args`'s options name; a usage error without a mirror folder."""
    use_code(args.code)
    if not args.mirror or not Path(args.mirror).is_dir():
        ap.error("give --mirror DIR: a folder of fetched repositories")
    rows = read_list(Path(args.list))
    if args.max_files is not None:
        rows = rows[: args.max_files]
    files, missing = read_files(args.mirror, rows)
    if missing:
        why = Counter(reason for reason in missing.values())
        print(f"warning: {len(missing)} of {len(rows)} listed files not read ("
              + ", ".join(f"{n} {r}" for r, n in sorted(why.items())) + "); first: "
              + ", ".join(sorted(missing)[:5]), file=sys.stderr)
    return files


def read_list(path: Path) -> list[dict[str, str]]:
    """The rows of a file list (TSV with a header of :data:`LIST_COLUMNS`), in file order."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if not reader.fieldnames or not set(LIST_COLUMNS) <= set(reader.fieldnames):
            raise SystemExit(f"{path}: needs a header with the columns {', '.join(LIST_COLUMNS)}")
        return [row for row in reader if row.get("repo") and row.get("blob")]


def _git_dir(mirror: str, repo: str) -> Path | None:
    gitread = code_module("corpus.harvest.gitread", "corpus.gitread")
    return gitread.find_git_dir(Path(mirror) / repo.replace("/", "+", 1))


def read_files(mirror: str, rows: list[dict[str, str]]) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """Each listed file's bytes by blob id, in list order.

    Returns:
        (``repo:path``, bytes) pairs, and ``repo:path`` -> why not read
        (``no mirror`` or ``no blob``) for the rest.
    """
    gitread = code_module("corpus.harvest.gitread", "corpus.gitread")
    by_repo: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_repo[row["repo"]].append(row)
    got: dict[str, bytes] = {}
    missing: dict[str, str] = {}
    for repo, rs in by_repo.items():
        g = _git_dir(mirror, repo)
        if g is None:
            missing.update((f"{repo}:{r['path']}", "no mirror") for r in rs)
            continue
        with gitread.BlobReader(g) as rd:
            for r in rs:
                data = rd.read(r["blob"])
                if data is None:
                    missing[f"{repo}:{r['path']}"] = "no blob"
                else:
                    got[f"{repo}:{r['path']}"] = data
    order = [f"{r['repo']}:{r['path']}" for r in rows]
    return [(k, got[k]) for k in order if k in got], missing


def manifest_repos(target: int, manifest: Path = ROOT / "corpus" / "data" / "manifest.json") -> list[str]:
    """The repositories with the most deep-learning files, enough for ``target`` files at the per-repo cap."""
    repos = json.loads(manifest.read_text(encoding="utf-8"))["repos"]
    cap = max(1, int(target * REPO_SHARE))
    out: list[str] = []
    room = 0
    # 1.4x: the mirror's HEAD may hold fewer files than the manifest counted, and blobs repeat
    for r in sorted(repos, key=lambda r: (-r["dl_files"], r["repo"])):
        if room >= 1.4 * target or not r["dl_files"]:
            break
        out.append(r["repo"])
        room += min(r["dl_files"], cap)
    return out


def _read_names(path: str) -> list[str]:
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line not in names:
            names.append(line)
    return names


def write_list(mirror: str, repos: list[str], out: Path, max_files: int) -> None:
    """Draw a new sample from the mirrors' deep-learning files and write it as a list (see the docstring)."""
    gitread = code_module("corpus.harvest.gitread", "corpus.gitread")
    run = code_module("corpus.harvest.run", "corpus.harvest")
    cands: list[tuple[str, str, str, str, str]] = []
    absent = []
    for repo in repos:
        g = _git_dir(mirror, repo)
        if g is None:
            absent.append(repo)
            continue
        commit = gitread.head_commit(g)
        with gitread.BlobReader(g) as rd:
            for f in gitread.list_tree(g, commit):
                if not run.is_candidate(f.path) or (f.size or 0) >= MAX_BYTES:
                    continue
                data = rd.read(f.blob)
                if data and run.imports_dl(data):
                    key = hashlib.sha1(f"{repo}:{f.path}".encode()).hexdigest()
                    cands.append((key, repo, commit, f.path, f.blob))
    cands.sort()
    cap = max(1, int(max_files * REPO_SHARE))
    per_repo: Counter = Counter()
    seen: set[str] = set()
    rows = []
    for _, repo, commit, path, blob in cands:
        if len(rows) >= max_files:
            break
        if blob in seen or per_repo[repo] >= cap:
            continue
        seen.add(blob)
        per_repo[repo] += 1
        rows.append((repo, commit, path, blob))
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(LIST_COLUMNS)
        w.writerows(rows)
    print(f"{len(rows)} files of {len(per_repo)} repositories (of {len(cands)} candidates) written to {out}"
          + (f"; no mirror for {len(absent)}: {', '.join(absent)}" if absent else ""))


_MODEL_BASES = ("Module", "Model", "Layer")


@functools.cache
def _source_text() -> Callable[[bytes, str], Any]:
    return code_module("corpus.readers.script", "corpus.script").source_text


def ast_baseline(data: bytes, path: str) -> tuple[str, int]:
    """(status, models) with the standard library's parser."""
    code = _source_text()(data, path).code if path.endswith((".ipynb", ".md")) else \
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
    add_mirror_args(ap)
    ap.add_argument("--write-list", nargs="?", const=str(DEFAULT_LIST), default=None, metavar="FILE",
                    help="draw a new sample and write it as a list (default file: the committed list)")
    ap.add_argument("--repos-file", default=None,
                    help="with --write-list: the repositories (owner/name lines; default from the manifest)")
    args = ap.parse_args(argv)
    if args.write_list:
        use_code(args.code)
        if not args.mirror or not Path(args.mirror).is_dir():
            ap.error("give --mirror DIR: a folder of fetched repositories")
        n = args.max_files or 2000
        repos = _read_names(args.repos_file) if args.repos_file else manifest_repos(n)
        write_list(args.mirror, repos, Path(args.write_list), n)
        return 0

    t = time.perf_counter()
    files = files_of_args(ap, args)
    parse_bytes = parse_bytes_of()
    mb = sum(len(d) for _, d in files) / 1e6
    print(f"{len(files)} deep-learning files ({mb:.1f} MB) of {len({k.split(':', 1)[0] for k, _ in files})} "
          f"repositories, read in {time.perf_counter() - t:.1f} s; parser: {parse_bytes.__module__} of {_code_root}")
    if files:  # imports and tables load outside the timing (the baseline's too)
        parse_bytes(files[0][1], files[0][0].split(":", 1)[1])
        ast_baseline(files[0][1], files[0][0].split(":", 1)[1])

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
    if stray_modules():
        print(f"warning: modules of another checkout were loaded: {', '.join(stray_modules())}")
    print()
    print(f"{'':28}{'files/s':>10}{'MB/s':>8}{'ok':>8}{'ok+partial':>12}{'not failed':>12}{'models':>8}")
    print(f"{'ours (tree-sitter)':28}{n / t_ours:>10.0f}{mb / t_ours:>8.2f}{ours['ok'] / n:>8.1%}"
          f"{(ours['ok'] + ours['partial']) / n:>12.1%}{1 - (ours['failed'] + ours['crash']) / n:>12.1%}"
          f"{models:>8}")
    print(f"{'baseline (ast.parse + walk)':28}{n / t_base:>10.0f}{mb / t_base:>8.2f}{base['ok'] / n:>8.1%}"
          f"{base['ok'] / n:>12.1%}{base['ok'] / n:>12.1%}{base_models:>8}")
    print()
    print(f"ours: {ours['crash']} crashes; {t_ours:.1f} CPU s, {n / t_ours / (n / t_base):.2f}x the baseline's "
          f"rate; files the ast baseline cannot read: {base['failed']} ({base['failed'] / n:.1%}); ours reads "
          f"{(ours['ok'] + ours['partial']) - base['ok']:+d} files more than the baseline "
          f"({(ours['ok'] + ours['partial']) / max(base['ok'], 1):.2f}x)")
    print(f"rates per CPU-second of one core (wall clock: ours {w_ours:.1f} s, baseline {w_base:.1f} s); "
          "'ok' for ours is parse.status (a readable file with no model counts as ok), for the "
          "baseline that ast.parse accepts the file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
