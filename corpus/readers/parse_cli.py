"""`examplenet parse PATH...`: one JSON summary per model, one per line.

A folder is read as ONE repository (the spec's "Whole repositories"): a model
defined in one file and trained in another is one example; paths are relative
to the folder; ``repo`` and ``commit`` come from its git metadata when it is a
checkout (else null, unless ``--repo`` is given). A file is read as a
repository of one file. Hidden folders, virtual environments and
``node_modules`` are skipped, and nothing outside the folder is read.
Summaries go to stdout, warnings to stderr; a file that cannot be read gives
a ``failed`` summary, never a crash.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.harvest.paths import walk_files
from corpus.readers.parser import parse_path

EXTENSIONS = (".py", ".ipynb", ".md")
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", "site-packages",
              ".ipynb_checkpoints", ".tox", "build", "dist"}


def iter_files(paths: list[str]) -> Iterator[Path]:
    """Files to parse, in a stable order: given files as they are, folders walked."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # never out of the folder: no symlinks out, no FIFOs, no names with control characters
            for f, warning in walk_files(p, EXTENSIONS, _SKIP_DIRS):
                if warning:
                    print(f"examplenet parse: {warning}", file=sys.stderr)
                else:
                    yield f
        else:
            yield p


def folder_metadata(folder: Path, repo: str | None) -> tuple[str | None, str | None, str | None]:
    """(repo, commit, license) of a folder: from its git metadata when it is a checkout's root."""
    from corpus.harvest import gitread
    from corpus.harvest.licenses import license_of_text, pick_license_file

    commit = None
    git_dir = folder / ".git"
    if (git_dir / "HEAD").is_file():
        try:
            commit = gitread.head_commit(git_dir)
            repo = repo or gitread.repo_name(git_dir)
        except gitread.GitError:
            commit = None
        if repo and "/" not in repo:
            repo = None  # a folder name is not owner/name: no link can be made
    lic = None
    names = [f.name for f in folder.iterdir() if f.is_file()] if folder.is_dir() else []
    picked = pick_license_file(names)
    if picked:
        try:
            lic = license_of_text((folder / picked).read_bytes()[:1024 * 1024].decode("utf-8", "replace"))
        except OSError:
            lic = None
    return repo, commit, lic


def parse_folder(folder: Path, repo: str | None = None) -> tuple[list, list[str]]:
    """The examples of a folder read as one repository, and the warnings of files skipped."""
    from corpus.readers.repository import read_folder, read_repository

    files, warnings = read_folder(folder)
    repo, commit, lic = folder_metadata(folder, repo)
    got = read_repository(files, repo=repo, commit=commit, license=lic)
    return got.summaries, warnings + got.warnings  # files skipped, then configs refused


def run_parse(paths: list[str], pretty: bool = False, repo: str | None = None) -> int:
    """Print the summaries of every model in ``paths`` as JSON Lines.

    Args:
        paths: files or folders.
        pretty: indented JSON (one object after another) instead of one line each.
        repo: ``owner/name`` recorded in ``source.repo`` (paths then are taken
            relative to the current folder for the links).

    Returns:
        The exit code: 0, or 1 when a path does not exist.
    """
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    files = list(iter_files([p for p in paths if not Path(p).is_dir()]))
    printer = _Printer(pretty, total=len(files))
    for folder in folders:
        summaries, skipped = parse_folder(folder, repo)
        for w in skipped:
            printer.note(f"examplenet parse: {w}")
        printer.n_files += len({s.source.path for s in summaries})
        for s in summaries:
            printer.emit(s, f"{folder.as_posix().rstrip('/')}/{s.source.path}")
    code = 0
    for p in files:
        if printer.bar is not None:
            printer.bar.update(1)
        if not p.exists():
            printer.note(f"examplenet parse: {p}: no such file or folder")
            code = 1
            continue
        shown = _shown_path(p, repo)
        printer.n_files += 1
        for s in parse_path(p, repo=repo, display_path=shown):
            printer.emit(s, shown)
    printer.close()
    what = f"{len(folders)} folder(s) read as repositories, " if folders else ""
    print(f"examplenet parse: {what}{printer.n_files} file(s) with models or given, "
          f"{printer.n_models} model(s)", file=sys.stderr)
    return code


def _shown_path(p: Path, repo: str | None) -> str:
    """How a file is named in warnings and links: relative to the current folder when a repo is given."""
    if repo:
        try:
            return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            pass
    return p.as_posix()


class _Printer:
    """Writes summaries to stdout and their warnings to stderr (through the progress bar when there is one)."""

    def __init__(self, pretty: bool, total: int) -> None:
        self.pretty = pretty
        self.n_files = self.n_models = 0
        self.bar: Any = None
        if total > 20 and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="parsing", file=sys.stderr)

    def note(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.write(msg, file=sys.stderr)
        else:
            print(msg, file=sys.stderr)

    def emit(self, s: Any, shown: str) -> None:
        self.n_models += s.parse.status != "failed"
        for w in s.parse.warnings:
            self.note(f"{shown}: {s.name}: {w}")
        sys.stdout.write(json.dumps(s.to_dict(), ensure_ascii=False, indent=2 if self.pretty else None) + "\n")

    def close(self) -> None:
        sys.stdout.flush()
        if self.bar is not None:
            self.bar.close()
