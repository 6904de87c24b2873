"""Reading repositories with git plumbing: no checkout, no work tree needed.

The harvest reads hundreds of repositories as the ``fetch`` tool brings them
(bare git directories, ``owner+name/repo``, sometimes ``repo/.git``) or as
ordinary work trees. ``git ls-tree -r -l`` lists a commit's files with their
sizes and ``git cat-file --batch`` streams their blobs through one process,
which is much faster than one ``git show`` per file. Fetched snapshots omit
blobs of 4 MiB and more: those read as ``None`` (missing), never as an error.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The ``fetch`` tool names a mirror folder ``owner+name``.
_MIRROR_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\+([A-Za-z0-9_.-]+)$")
_REMOTE = re.compile(r"github\.com[:/]+([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


class GitError(RuntimeError):
    """A git command failed on a repository (its message says which and why)."""


@dataclass(frozen=True)
class TreeFile:
    """One file of a commit's tree."""

    path: str
    blob: str  # 40-hex object id
    size: int | None  # bytes, as ls-tree -l reports (None when unknown)
    commit: str  # the commit the file is read at (HEAD, or an older one for --history)


def find_git_dir(path: str | Path) -> Path | None:
    """The git directory of a bare repo, a work tree, or a fetch mirror folder.

    Args:
        path: ``owner+name`` (a fetch mirror folder), its ``repo`` child, a bare
            git directory, or a work tree with ``.git``.

    Returns:
        The git directory, or None when ``path`` holds no repository.
    """
    p = Path(path)
    for cand in (p, p / ".git", p / "repo", p / "repo" / ".git"):
        if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
            return cand
    return None


def _git(git_dir: Path, *args: str, input_: bytes | None = None, check: bool = True) -> bytes:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        input=input_,
        capture_output=True,
        check=False,
    )
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:3])} in {git_dir.name}: "
                       f"{proc.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return proc.stdout


def repo_name(git_dir: str | Path, given: str | None = None) -> str:
    """``owner/name`` of a repository.

    From the ``remote.origin.url`` of its config when it is on GitHub, else
    the fetch mirror's folder name (``owner+name``), else the folder's own name.

    Args:
        git_dir: the git directory (see :func:`find_git_dir`).
        given: an explicit name, which wins.

    Returns:
        ``owner/name`` (or just a folder name when nothing better is known).
    """
    if given:
        return given
    g = Path(git_dir).resolve()
    url = _git(g, "config", "--get", "remote.origin.url", check=False).decode().strip()
    m = _REMOTE.search(url)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    for part in (g, *g.parents):
        m = _MIRROR_NAME.match(part.name)
        if m:
            return f"{m.group(1)}/{m.group(2)}"
        if part.name not in ("repo", ".git"):
            break
    work = g.parent if g.name == ".git" else g
    if work.name == "repo":
        work = work.parent
    return work.name


def head_commit(git_dir: Path) -> str:
    """The 40-hex id of HEAD."""
    return _git(git_dir, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()


def list_tree(git_dir: Path, commit: str) -> list[TreeFile]:
    """Every file (blob) of ``commit``'s tree, recursively, in path order."""
    out = _git(git_dir, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
    files: list[TreeFile] = []
    for rec in out.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob":
            continue  # submodules (commit), odd entries
        size = int(parts[3]) if parts[3].isdigit() else None
        files.append(TreeFile(path.decode("utf-8", "replace"), parts[2].decode(), size, commit))
    return files


def deleted_files(git_dir: Path, keep: Iterable[str] = ()) -> list[TreeFile]:
    """Files that older commits held and HEAD no longer does (newest version of each).

    ``git log --diff-filter=D`` names each deletion and the commit that made
    it; the file's last content is in that commit's first parent, which is
    also the commit its link points at.

    Args:
        git_dir: the git directory.
        keep: paths already read at HEAD (never taken again from history).

    Returns:
        One TreeFile per deleted path (its newest deletion), blob and size
        read from the parent tree; paths whose parent tree lacks them are left out.
    """
    have = set(keep)
    out = _git(git_dir, "log", "--diff-filter=D", "--name-only", "--no-renames",
               "--format=%x00C%H %P", "-z", "HEAD", check=False)
    newest: dict[str, str] = {}  # path -> parent commit holding its last version
    parent = None
    for tok in out.split(b"\0"):
        tok = tok.strip(b"\n")
        if not tok:
            continue
        if tok.startswith(b"C") and re.fullmatch(rb"C[0-9a-f]{40}( [0-9a-f]{40})*", tok):
            ids = tok[1:].split()
            parent = ids[1].decode() if len(ids) > 1 else None
            continue
        if parent is None:
            continue
        path = tok.decode("utf-8", "replace")
        if path not in have and path not in newest:
            newest[path] = parent  # log is newest first: the first deletion seen wins
    by_commit: dict[str, list[str]] = {}
    for path, c in newest.items():
        by_commit.setdefault(c, []).append(path)
    files: list[TreeFile] = []
    for c, paths in by_commit.items():
        out = _git(git_dir, "ls-tree", "-l", "-z", "--full-tree", c, "--", *paths, check=False)
        for rec in out.split(b"\0"):
            meta, _, p = rec.partition(b"\t")
            parts = meta.split()
            if len(parts) >= 4 and parts[1] == b"blob":
                size = int(parts[3]) if parts[3].isdigit() else None
                files.append(TreeFile(p.decode("utf-8", "replace"), parts[2].decode(), size, c))
    files.sort(key=lambda f: f.path)
    return files


class BlobReader:
    """Streams blobs through one ``git cat-file --batch`` process.

    Use as a context manager; ``read(blob)`` returns the bytes or None when
    the object is missing (a fetched snapshot leaves out blobs >= 4 MiB).
    """

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> BlobReader:
        self._proc = subprocess.Popen(
            ["git", f"--git-dir={self.git_dir}", "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            self._proc.wait(timeout=30)
            self._proc = None

    def read(self, blob: str) -> bytes | None:
        assert self._proc is not None and self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(blob.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline()
        parts = header.split()
        if len(parts) != 3 or parts[1] == b"missing":
            return None
        size = int(parts[2])
        data = self._proc.stdout.read(size)
        self._proc.stdout.read(1)  # the newline after the content
        return data

    def read_many(self, blobs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        for b in blobs:
            yield b, self.read(b)
