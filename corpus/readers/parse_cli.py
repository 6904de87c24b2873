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
    from corpus.readers.repository import parse_files, read_folder

    files, warnings = read_folder(folder)
    repo, commit, lic = folder_metadata(folder, repo)
    return parse_files(files, repo=repo, commit=commit, license=lic), warnings


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
    code = 0
    out = sys.stdout
    n_files = n_models = 0
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    files = list(iter_files([p for p in paths if not Path(p).is_dir()]))
    bar = None
    if len(files) > 20 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="parsing", file=sys.stderr)

    def note(msg: str) -> None:
        if bar is not None:
            bar.write(msg, file=sys.stderr)
        else:
            print(msg, file=sys.stderr)

    def emit(s: Any, shown: str) -> None:
        nonlocal n_models
        n_models += s.parse.status != "failed"
        for w in s.parse.warnings:
            note(f"{shown}: {s.name}: {w}")
        out.write(json.dumps(s.to_dict(), ensure_ascii=False, indent=2 if pretty else None) + "\n")

    for folder in folders:
        summaries, skipped = parse_folder(folder, repo)
        for w in skipped:
            note(f"examplenet parse: {w}")
        n_files += len({s.source.path for s in summaries})
        for s in summaries:
            emit(s, f"{folder.as_posix().rstrip('/')}/{s.source.path}")
    for p in files:
        if bar is not None:
            bar.update(1)
        if not p.exists():
            note(f"examplenet parse: {p}: no such file or folder")
            code = 1
            continue
        shown = p.as_posix()
        if repo:
            try:
                shown = p.resolve().relative_to(Path.cwd().resolve()).as_posix()
            except ValueError:
                shown = p.as_posix()
        n_files += 1
        for s in parse_path(p, repo=repo, display_path=shown):
            emit(s, shown)
    out.flush()
    if bar is not None:
        bar.close()
    what = f"{len(folders)} folder(s) read as repositories, " if folders else ""
    print(f"examplenet parse: {what}{n_files} file(s) with models or given, {n_models} model(s)", file=sys.stderr)
    return code
