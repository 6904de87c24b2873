"""`examplenet parse PATH...`: one JSON summary per model, one per line.

Folders are searched for ``.py``, ``.ipynb`` and ``.md`` files (hidden folders,
virtual environments and ``node_modules`` skipped). Summaries go to stdout,
warnings to stderr; a file that cannot be read gives a ``failed`` summary,
never a crash.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

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
    files = list(iter_files(paths))
    bar = None
    if len(files) > 20 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="parsing", file=sys.stderr)

    def note(msg: str) -> None:
        if bar is not None:
            bar.write(msg, file=sys.stderr)
        else:
            print(msg, file=sys.stderr)

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
            n_models += s.parse.status != "failed"
            for w in s.parse.warnings:
                note(f"{shown}: {s.name}: {w}")
            d = s.to_dict()
            out.write(json.dumps(d, ensure_ascii=False, indent=2 if pretty else None) + "\n")
    out.flush()
    if bar is not None:
        bar.close()
    print(f"examplenet parse: {n_files} file(s), {n_models} model(s)", file=sys.stderr)
    return code
