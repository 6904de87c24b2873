"""Which paths a hostile repository, folder or archive may not make us read.

Repositories are written by strangers. A tree can hold a symlink to
``/etc/passwd``, an entry named ``..``, a file name with terminal escape
codes or bytes that are not UTF-8; a checkout folder can hold a symlink
out of it or a FIFO that blocks whoever opens it. The harvest, ``examplenet
parse DIR`` and the archive reader share one policy: such entries are
skipped with a warning that shows the name escaped, never followed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

# C0 and C1 control characters and DEL: a name holding them could rewrite a terminal line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_PATH_CHARS = 1024


def shown(name: str) -> str:
    """``name`` safe to print: control characters and undecodable bytes as ``\\xNN`` escapes."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)[:300]


def path_problem(path: str) -> str | None:
    """Why a repository-relative path must not be read, or None when it is fine.

    Args:
        path: a ``/``-separated path as a tree or an archive names it.

    Returns:
        A short reason (``"absolute path"``, ``"'..' in path"``, ...) or None.
    """
    if not path:
        return "empty path"
    if len(path) > MAX_PATH_CHARS:
        return f"path longer than {MAX_PATH_CHARS} characters"
    if _CONTROL.search(path):
        return "control characters in the name"
    if "\ufffd" in path or any("\udc80" <= c <= "\udcff" for c in path):
        return "name is not UTF-8"
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "absolute path"
    parts = path.replace("\\", "/").split("/")
    if any(p in ("..", ".") for p in parts):
        return "'..' or '.' in the path"
    if any(p == "" for p in parts):
        return "empty path component"
    if any(p.lower() == ".git" for p in parts):
        return "'.git' in the path"
    return None


def decode_path(raw: bytes) -> tuple[str, str | None]:
    """A tree entry's name as text, and why it must be skipped (None when fine)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), "name is not UTF-8"
    return text, path_problem(text)


def walk_files(root: str | Path, extensions: Iterable[str], skip_dirs: Iterable[str] = ()
               ) -> Iterator[tuple[Path | None, str | None]]:
    """The files of a folder to read, without ever leaving it.

    Folders are not followed through symlinks (``os.walk``'s default);
    files that are symlinks are read only when they resolve inside
    ``root``; FIFOs, sockets and devices are never opened.

    Args:
        root: the folder.
        extensions: lower-case endings to keep (``.py`` ...).
        skip_dirs: folder names not entered (hidden folders never are).

    Returns:
        ``(path, None)`` for each file to read, in a stable order, and
        ``(None, warning)`` for each file skipped and why.
    """
    exts = tuple(extensions)
    skip = set(skip_dirs)
    base = Path(root).resolve()
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for f in sorted(files):
            if not f.lower().endswith(exts):
                continue
            p = Path(dirpath) / f
            why = path_problem(f)
            if why is None:
                why = _file_problem(p, base)
            if why:
                yield None, f"{shown(str(p))}: skipped ({why})"
            else:
                yield p, None


def _file_problem(p: Path, base: Path) -> str | None:
    try:
        st = p.lstat()
        if stat.S_ISLNK(st.st_mode):
            target = p.resolve()
            if not target.is_relative_to(base):
                return "symlink out of the folder"
            st = target.stat()
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on older Pythons
        return f"cannot read: {exc.__class__.__name__}"
    return None
