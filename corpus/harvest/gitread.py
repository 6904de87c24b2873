"""Reading repositories with git plumbing: no checkout, no work tree needed.

The harvest reads hundreds of repositories as the ``fetch`` tool brings them
(bare git directories, ``owner+name/repo``, sometimes ``repo/.git``) or as
ordinary work trees. ``git ls-tree -r -l`` lists a commit's files with their
sizes and ``git cat-file --batch`` streams their blobs through one process,
which is much faster than one ``git show`` per file. Fetched snapshots omit
blobs of 4 MiB and more: those read as ``None`` (missing), never as an error.

Trees are written by strangers, so nothing in one is trusted: symlinks are
never followed (their blob is the link text; they are skipped), submodules
are not entered, names with ``..``, control characters or bytes that are
not UTF-8 are skipped (:mod:`corpus.harvest.paths`), a tree's listing stops
at ``MAX_TREE_ENTRIES`` and a blob's size is asked before its bytes, so a
2 GB file is never read into memory.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.harvest.paths import decode_path

# The ``fetch`` tool names a mirror folder ``owner+name``.
_MIRROR_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\+([A-Za-z0-9_.-]+)$")
_REMOTE = re.compile(r"github\.com[:/]+([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


MAX_TREE_ENTRIES = 500_000  # the biggest real repository listed held ~40,000 files
_SYMLINK, _GITLINK = b"120000", b"160000"
MAX_LINKS = 20_000  # symbolic links followed per tree (icefall's recipes hold about 1,400)


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


# A commit that deleted thousands of files (a dataset folder) would otherwise make one
# command line longer than the kernel takes (E2BIG: the repository was skipped).
ARG_BYTES = 64 * 1024


def _arg_chunks(paths: list[str], limit: int | None = None) -> list[list[str]]:
    """``paths`` in runs whose total length stays under ``limit`` bytes (each run non-empty)."""
    limit = ARG_BYTES if limit is None else limit
    chunks: list[list[str]] = []
    size = limit
    for p in paths:
        n = len(p.encode("utf-8", "surrogateescape")) + 1
        if size + n > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(p)
        size += n
    return chunks


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


def first_commit_time(git_dir: Path) -> int | None:
    """Unix time of the oldest root commit of HEAD (which of two copies came first), or None."""
    roots = _git(git_dir, "rev-list", "--max-parents=0", "HEAD", check=False).decode().split()
    times = []
    for r in roots[:20]:
        out = _git(git_dir, "show", "-s", "--format=%ct", r, check=False).decode().strip()
        if out.isdigit():
            times.append(int(out))
    return min(times) if times else None


def head_commit(git_dir: Path) -> str:
    """The 40-hex id of HEAD."""
    return _git(git_dir, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()


def list_tree(git_dir: Path, commit: str, skipped: list[tuple[str, str]] | None = None,
              max_entries: int = MAX_TREE_ENTRIES, links: list[TreeFile] | None = None) -> list[TreeFile]:
    """Every regular file (blob) of ``commit``'s tree, recursively, in path order.

    Args:
        git_dir: the git directory.
        commit: the commit (or tree-ish) to list.
        skipped: when given, gets ``(name, reason)`` for each entry left out
            (symlink, submodule, unsafe name, listing cut at ``max_entries``);
            names are escaped for printing.
        max_entries: stop listing after this many entries.
        links: when given, gets the symbolic links (their blob holds the target path), which
            :meth:`GitFiles.of_tree` may map to the file they point at inside the repository.

    Returns:
        The files; raises GitError when git cannot list the tree.
    """
    files: list[TreeFile] = []
    proc = subprocess.Popen(["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-l", "-z", "--full-tree", commit],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    n = 0
    cut = False
    try:
        for rec in _records(proc.stdout):
            n += 1
            if n > max_entries:
                cut = True
                break
            tf, why = _tree_entry(rec, commit, links)
            if tf is not None:
                files.append(tf)
            elif why and skipped is not None:
                skipped.append(why)
    except BaseException:
        proc.kill()  # else git would block on a full pipe while we wait for it
        raise
    finally:
        if cut:
            proc.kill()
        err = proc.stderr.read() if proc.stderr else b""
        proc.stdout.close()
        rc = proc.wait()
    if cut:
        if skipped is not None:
            skipped.append(("", f"tree has more than {max_entries:,} entries: the rest is not read"))
    elif rc != 0:
        raise GitError(f"git ls-tree {commit[:12]} in {git_dir.name}: "
                       f"{err.decode('utf-8', 'replace').strip()[:300]}")
    return files


def _records(stream: Any) -> Iterator[bytes]:
    """NUL-terminated records of a stream, read in chunks (never the whole output at once)."""
    buf = b""
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        buf += chunk
        *done, buf = buf.split(b"\0")
        yield from (r for r in done if r)
    if buf:
        yield buf


def _tree_entry(rec: bytes, commit: str, links: list[TreeFile] | None = None
                ) -> tuple[TreeFile | None, tuple[str, str] | None]:
    """One ``ls-tree -l -z`` record as a TreeFile, or why it is left out (a symbolic link of a safe name is
    also put into ``links``, when given)."""
    meta, _, raw = rec.partition(b"\t")
    parts = meta.split()
    path, problem = decode_path(raw)
    if len(parts) < 4:
        return None, (path, "unreadable tree entry")
    if parts[0] == _GITLINK or parts[1] == b"commit":
        return None, (path, "submodule: not entered")
    if parts[0] == _SYMLINK:
        if links is not None and not problem:
            links.append(TreeFile(path, parts[2].decode(), None, commit))
        return None, (path, "symlink: not followed")
    if parts[1] != b"blob":
        return None, (path, f"{parts[1].decode('ascii', 'replace')} entry: not read")
    if problem:
        return None, (path, problem)
    size = int(parts[3]) if parts[3].isdigit() else None
    return TreeFile(path, parts[2].decode(), size, commit), None


def link_targets(git_dir: Path, links: list[TreeFile], files: dict[str, str], hops: int = 3) -> dict[str, str]:
    """Symbolic links of code and settings files mapped to the file they point at, where that is a regular
    file of the same tree (k2's icefall recipes link ``model.py`` to a sibling recipe's): link path -> target
    path. A target outside the repository, absolute, or not a file of the tree is not followed."""
    wanted = [f for f in links if f.path.lower().endswith(CONTEXT_EXTENSIONS)][:MAX_LINKS]
    if not wanted:
        return {}
    target_of: dict[str, str] = {}
    with BlobReader(git_dir, max_bytes=4096) as rd:
        for f in wanted:
            data, _ = rd.read_capped(f.blob)
            text = data.decode("utf-8", "replace").strip() if data else ""
            if not text or text.startswith("/") or "\0" in text:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(f.path), text))
            if target != ".." and not target.startswith("../"):
                target_of[f.path] = target
    out: dict[str, str] = {}
    for path, target in target_of.items():
        for _ in range(hops):
            if target not in target_of:
                break
            target = target_of[target]  # a link to a link
        if target in files:
            out[path] = target
    return out


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
        path, problem = decode_path(tok)
        if problem is None and path not in have and path not in newest:
            newest[path] = parent  # log is newest first: the first deletion seen wins
    by_commit: dict[str, list[str]] = {}
    for path, c in newest.items():
        by_commit.setdefault(c, []).append(path)
    files: list[TreeFile] = []
    for c, paths in by_commit.items():
        for chunk in _arg_chunks(paths):
            out = _git(git_dir, "--literal-pathspecs", "ls-tree", "-l", "-z", "--full-tree", c, "--", *chunk,
                       check=False)
            for rec in out.split(b"\0"):
                tf, _ = _tree_entry(rec, c) if rec else (None, None)
                if tf is not None:
                    files.append(tf)
    files.sort(key=lambda f: f.path)
    return files


class BlobReader:
    """Streams blobs through one ``git cat-file --batch-command`` process.

    Use as a context manager; ``read(blob)`` returns the bytes or None when
    the object is missing (a fetched snapshot leaves out blobs >= 4 MiB) or
    bigger than ``max_bytes``. Each blob's size is asked (``info``) before
    its bytes (``contents``), so a huge blob is never streamed at all.
    """

    def __init__(self, git_dir: Path, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.git_dir = git_dir
        self.max_bytes = max_bytes
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> BlobReader:
        self._start()
        return self

    def _start(self) -> None:
        self._proc = subprocess.Popen(
            ["git", f"--git-dir={self.git_dir}", "cat-file", "--batch-command"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def read(self, blob: str, max_bytes: int | None = None) -> bytes | None:
        """The blob's bytes; None when it is missing, not a blob, corrupt or over the limit."""
        data, _ = self.read_capped(blob, max_bytes)
        return data

    def read_capped(self, blob: str, max_bytes: int | None = None) -> tuple[bytes | None, str | None]:
        """The blob's bytes and, when there are none, why.

        Args:
            blob: the object id.
            max_bytes: the biggest blob read (default: the reader's ``max_bytes``).

        Returns:
            ``(bytes, None)``, or ``(None, "missing" | "too_big" | "not_blob" | "corrupt")``.
        """
        assert self._proc is not None
        if not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", blob):
            return None, "missing"  # an object id, never a revision expression
        limit = self.max_bytes if max_bytes is None else max_bytes
        try:
            parts = self._ask(b"info " + blob.encode()).split()
            if len(parts) != 3 or parts[1] == b"missing":
                return None, "missing"
            if parts[1] != b"blob":
                return None, "not_blob"
            size = int(parts[2])
            if size > limit:
                return None, "too_big"
            header = self._ask(b"contents " + blob.encode()).split()
            if len(header) != 3 or header[1] == b"missing":
                return None, "missing"
            data = self._proc.stdout.read(size)
            if len(data) != size or self._proc.stdout.read(1) != b"\n":
                raise OSError("git cat-file stopped in the middle of an object")
        except (OSError, ValueError):
            # git dies on an object it cannot inflate: a corrupt repository must not stop the
            # others, so the reader starts again and the blob is reported unreadable
            self._proc.kill()
            self._proc.wait()
            self._start()
            return None, "corrupt"
        return data, None

    def _ask(self, command: bytes) -> bytes:
        assert self._proc is not None and self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(command + b"\n")
        self._proc.stdin.flush()
        return self._proc.stdout.readline()

    def read_many(self, blobs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        for b in blobs:
            yield b, self.read(b)


# files a repository pass may read as data (imports, configs, READMEs), besides the code it parses
CONTEXT_EXTENSIONS = (".py", ".ipynb", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".txt", ".md")
CONTEXT_MAX_BYTES = 1024 * 1024
_UNREADABLE = {"corrupt": "its git object is corrupt", "missing": "its blob is not in the snapshot",
               "not_blob": "not a blob", "too_big": f"over the {CONTEXT_MAX_BYTES // 2**20} MiB limit"}


class GitFiles:
    """A commit's files as a read-only mapping path -> bytes, each blob read when first asked.

    The repository pass (``corpus.readers.repo_context``) asks for the few
    files a script imports or loads; reading all of a 50,000-file tree up
    front would be waste. Blobs over ``CONTEXT_MAX_BYTES`` are never read:
    they are not iterated, but ``path in files`` holds for them, so a script
    that loads a 2 GB ``config.yaml`` finds it, reads empty bytes and the
    caller can warn. Any blob that cannot be read (over the limit, corrupt,
    missing from the snapshot) reads as empty bytes, never as a ``KeyError``
    (the readers ask ``path in files`` then ``files[path]``), and is named
    in :attr:`unreadable` with why.
    """

    def __init__(self, git_dir: Path, blobs: dict[str, str], too_big: dict[str, int] | None = None) -> None:
        self.git_dir = git_dir
        self.blobs = blobs  # path -> blob id
        self.too_big = too_big or {}  # path -> size, of files over CONTEXT_MAX_BYTES (never read)
        self._cache: dict[str, bytes] = {}
        self._reader: BlobReader | None = None
        self.unreadable: dict[str, str] = {}  # path -> why its blob could not be read
        self.links: dict[str, str] = {}  # symbolic link -> the file of the tree it points at

    @classmethod
    def of_tree(cls, git_dir: Path, files: list[TreeFile], links: list[TreeFile] | None = None) -> GitFiles:
        kept = [f for f in files if f.path.lower().endswith(CONTEXT_EXTENSIONS)]
        blobs = {f.path: f.blob for f in kept if f.size is None or f.size < CONTEXT_MAX_BYTES}
        out = cls(git_dir, blobs, {f.path: f.size for f in kept if f.size is not None and f.size >= CONTEXT_MAX_BYTES})
        if links:
            # (an import of a linked module is resolved to the file it points at; never a candidate of its own)
            out.links = link_targets(git_dir, links, blobs)
        return out

    def __contains__(self, path: object) -> bool:
        return path in self.blobs or path in self.too_big

    def __iter__(self) -> Iterator[str]:
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)

    def __getitem__(self, path: str) -> bytes:
        if path in self.too_big:
            self.unreadable[path] = f"{self.too_big[path] / 2**20:,.1f} MiB, over the {CONTEXT_MAX_BYTES // 2**20} MiB limit"
            return b""
        if path not in self.blobs:
            raise KeyError(path)
        if path not in self._cache:
            if self._reader is None:
                self._reader = BlobReader(self.git_dir, max_bytes=CONTEXT_MAX_BYTES)
                self._reader._start()
            data, why = self._reader.read_capped(self.blobs[path])
            if data is None:
                self.unreadable[path] = _UNREADABLE.get(why or "missing", str(why))
            self._cache[path] = data or b""
        return self._cache[path]

    def get(self, path: str, default: bytes | None = None) -> bytes | None:
        return self[path] if path in self else default

    def items(self) -> Iterator[tuple[str, bytes]]:
        for p in self.blobs:
            yield p, self[p]

    def close(self) -> None:
        if self._reader is not None:
            self._reader.__exit__(None, None, None)
            self._reader = None
