"""Unpacking a zip of model scripts (the app's upload of a whole project), within bounds.

A zip is written by whoever uploads it, so nothing in one is trusted:
entries are extracted only below the folder given, never over a file and
never through a symlink; names with ``..``, absolute paths, control
characters or ``.git`` are skipped (:mod:`corpus.harvest.paths`), as are
symlink and encrypted entries; the number of entries, each file's size,
the total and the compression ratio are capped, counting the bytes actually
inflated rather than what the archive claims. Every entry left out is named
in a warning.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from corpus.harvest.paths import path_problem, shown

MAX_ENTRIES = 2000
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200  # source code deflates 3-10:1; a zip bomb of zeros ~1000:1
_CHUNK = 1 << 16


@dataclass
class Extracted:
    """What :func:`extract_zip` wrote and what it left out."""

    files: list[Path] = field(default_factory=list)  # written, all inside the destination, in archive order
    warnings: list[str] = field(default_factory=list)
    total_bytes: int = 0


def extract_zip(src: str | Path | IO[bytes], dest: str | Path, *, extensions: tuple[str, ...] | None = None,
                max_entries: int = MAX_ENTRIES, max_file_bytes: int = MAX_FILE_BYTES,
                max_total_bytes: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO) -> Extracted:
    """Extract the safe files of a zip into ``dest`` (an existing, preferably empty, temporary folder).

    Args:
        src: the zip (a path or a binary file object).
        dest: the folder to extract into; nothing is written outside it.
        extensions: lower-case endings to keep (``(".py", ".ipynb")``); None keeps all.
        max_entries: entries looked at; the rest are left out with a warning.
        max_file_bytes: a bigger file is left out.
        max_total_bytes: extraction stops once this much was written.
        max_ratio: a file that inflates more than this many times its compressed size is left out.

    Returns:
        The files written and a warning per entry left out; a file that is
        not a zip gives no files and one warning.
    """
    out = Extracted()
    base = Path(dest).resolve()
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        out.warnings.append(f"not a readable zip file: {exc}")
        return out
    with zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            out.warnings.append(f"{len(infos):,} entries, over the {max_entries:,} limit: only the first "
                                f"{max_entries:,} are read")
            infos = infos[:max_entries]
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if info.is_dir():
                continue
            if extensions is not None and not name.lower().endswith(extensions):
                continue
            why = _entry_problem(info, name, seen, max_file_bytes, max_ratio)
            if why:
                out.warnings.append(f"{shown(name)}: {why}: not extracted")
                continue
            seen.add(name.lower())
            if out.total_bytes + info.file_size > max_total_bytes:
                out.warnings.append(f"{shown(name)}: the archive's files pass {max_total_bytes:,} bytes in all: "
                                    "it and the entries after it are not extracted")
                break
            target = base.joinpath(*name.split("/"))
            if not target.resolve().is_relative_to(base):
                out.warnings.append(f"{shown(name)}: would be written outside the folder: not extracted")
                continue
            why = _copy(zf, info, target, base, max_file_bytes, max_ratio)
            if why:
                out.warnings.append(f"{shown(name)}: {why}: not extracted")
                continue
            out.files.append(target)
            out.total_bytes += target.stat().st_size
    return out


def _entry_problem(info: zipfile.ZipInfo, name: str, seen: set[str], max_file_bytes: int,
                   max_ratio: float) -> str | None:
    why = path_problem(name)
    if why:
        return why
    if "\\" in name:
        return "backslash in the name"
    if name.lower() in seen:
        return "a second entry with the same name"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "symlink"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > max_file_bytes:
        return f"{info.file_size:,} bytes, over the {max_file_bytes:,}-byte limit"
    if info.file_size > max_ratio * max(info.compress_size, 1) and info.file_size > _CHUNK:
        return f"compressed {info.file_size / max(info.compress_size, 1):,.0f}:1, over the {max_ratio:g}:1 limit"
    return None


def _copy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, base: Path, max_file_bytes: int,
          max_ratio: float) -> str | None:
    """Inflate one entry into ``target``, counting real bytes; the partial file is removed on failure."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    if not parent.resolve().is_relative_to(base):
        return "its folder is outside the destination"
    limit = min(max_file_bytes, max(max_ratio * max(info.compress_size, 1), _CHUNK))
    # O_EXCL|O_NOFOLLOW: never over an existing file, never through a symlink planted in the folder
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as exc:
        return f"cannot be written ({exc.strerror})"
    written = 0
    why = None
    try:
        with os.fdopen(fd, "wb") as fh, zf.open(info) as src:
            while True:
                chunk = src.read(_CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > limit:
                    why = (f"inflates past {limit:,} bytes (its header said {info.file_size:,}; "
                           f"limits {max_file_bytes:,} bytes and {max_ratio:g}:1)")
                    break
                fh.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        why = f"unreadable ({type(exc).__name__}: {str(exc)[:120]})"
    if why:
        target.unlink(missing_ok=True)
    return why
