"""The shipped corpus on disk: gzip JSON Lines, one Summary per line.

Everyone reads the corpus through ``load_summaries`` so that the path and the
format live in one place. Writes are atomic (a temp file in the same folder,
then ``os.replace``) so a killed harvest never leaves a half-written corpus.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.record.summary import Summary

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO_ROOT / "corpus" / "data" / "summaries.jsonl.gz"


class CorpusMissing(FileNotFoundError):
    """The summaries file does not exist."""


def _open_text(path: Path, mode: str):
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def iter_summaries(path: str | os.PathLike | None = None) -> Iterator[Summary]:
    """Yield the summaries of a corpus file one by one.

    Args:
        path: a ``.jsonl.gz`` or ``.jsonl`` file (default: the shipped corpus).

    Returns:
        An iterator of Summary; blank lines are skipped.

    Raises:
        CorpusMissing: the file does not exist (the message says how to make it).
        ValueError: a line is not a valid summary (with its line number).
    """
    p = Path(path) if path is not None else DEFAULT_CORPUS
    if not p.exists():
        raise CorpusMissing(
            f"no corpus at {p}: run `examplenet harvest` to create it, or pass --corpus FILE"
        )
    with _open_text(p, "r") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield Summary.from_json(line)
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{p}:{n}: not a valid summary ({e})") from e


def load_summaries(path: str | os.PathLike | None = None) -> list[Summary]:
    """Read every summary of a corpus file.

    Args:
        path: a ``.jsonl.gz`` or ``.jsonl`` file (default: the shipped corpus).

    Returns:
        The summaries in file order.
    """
    return list(iter_summaries(path))


def write_summaries(path: str | os.PathLike, summaries: Iterable[Summary]) -> int:
    """Write summaries as (gzip) JSON Lines, atomically.

    Args:
        path: the target file; ``.gz`` gives gzip, anything else plain text.
        summaries: the records to write, in order.

    Returns:
        How many summaries were written.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=p.name + ".", suffix=".tmp", dir=p.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    n = 0
    try:
        # mtime=0 keeps the gzip bytes a function of the content only.
        if p.suffix == ".gz":
            raw = open(tmp_path, "wb")
            fh = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            with raw, fh:
                for s in summaries:
                    fh.write((s.to_json() + "\n").encode("utf-8"))
                    n += 1
        else:
            with open(tmp_path, "w", encoding="utf-8") as fh:
                for s in summaries:
                    fh.write(s.to_json() + "\n")
                    n += 1
        # mkstemp makes the file private (0600): give it the usual permissions
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, p)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return n
