"""The index on disk: a folder with a manifest, written atomically, checked on load.

Layout of ``var/index/`` (``DEFAULT_INDEX_DIR``, found from the package, so
it does not depend on the working directory)::

    manifest.json        schema, embedding model, dimension, corpus hash, count, file sizes
    vectors.npy          float32 (count, dimension), row i = summary i: also the embedding cache
    metadata.json        the metadata frame by column (id, text_hash, framework, task, ...)
    summaries.jsonl      the summaries in row order, one JSON per line (read from disk per row asked for)
    index.faiss          only for approximate indexes (a flat one is rebuilt in milliseconds)

The metadata and summaries are plain JSON rather than parquet and gzip so
that a cold ``examplenet search`` opens them in milliseconds: reading parquet
imported pyarrow's dataset modules and unzipping every summary cost ~0.3 s of
a start that should take ~1 s; a search reads and parses only the lines of
its hits, by a table of line offsets, so the summaries stay on disk.

A build writes a new folder beside the target and swaps it in with renames,
so a killed build leaves the previous index usable. Loading checks the
manifest, the file sizes and the shapes, and compares the corpus hash with
the corpus file: a missing, stale or corrupt index raises an ``IndexProblem``
whose message names the rebuild command.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corpus.record.store import DEFAULT_CORPUS, REPO_ROOT
from corpus.record.summary import SCHEMA_VERSION, Summary
from index import ann
from index.embed import MODEL_NAME, Embedder
from index.metadata import COLUMNS, Metadata
from index.search import ExampleIndex, _Records
from index.text import TEXT_VERSION

DEFAULT_INDEX_DIR = REPO_ROOT / "var" / "index"
INDEX_SCHEMA_VERSION = 2  # 2: metadata.json and summaries.jsonl (was parquet, gzip)
REBUILD_COMMAND = "examplenet index build"
MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
METADATA = "metadata.json"
SUMMARIES = "summaries.jsonl"
FAISS = "index.faiss"


class IndexProblem(RuntimeError):
    """The index cannot be used as it is; the message says why and how to rebuild."""

    def __init__(self, index_dir: Path, reason: str, command: str = REBUILD_COMMAND) -> None:
        self.index_dir = Path(index_dir)
        self.reason = reason
        self.command = command
        super().__init__(f"{reason} (index folder {index_dir}). Rebuild it with: {command}")


IndexError_ = IndexProblem  # the name SEAMS.md uses


class IndexMissing(IndexProblem):
    """No index has been built in this folder."""


class IndexStale(IndexProblem):
    """The index was built from another corpus, model or format.

    ``usable`` is True when only the corpus changed: the index still answers,
    it just lacks the newest summaries (the search command warns and goes on).
    """

    usable = False


class IndexCorrupt(IndexProblem):
    """Files are missing, truncated or disagree with the manifest."""


def _rebuild_command(index_dir: Path, corpus_path: Path | None = None) -> str:
    cmd = REBUILD_COMMAND
    if corpus_path is not None and Path(corpus_path).resolve() != DEFAULT_CORPUS.resolve():
        cmd += f" --corpus {_display(corpus_path)}"
    if Path(index_dir).resolve() != DEFAULT_INDEX_DIR.resolve():
        cmd += f" --index-dir {_display(index_dir)}"
    return cmd


def _display(p: Path | str) -> str:
    """A path relative to the repository when it lies inside it (manifests stay portable)."""
    p = Path(p).resolve()
    try:
        return str(p.relative_to(REPO_ROOT))
    except ValueError:
        return str(p)


def file_hash(path: Path | str) -> str:
    """sha256 of a file's bytes (the corpus hash of the manifest)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- writing ------------------------------------------------------------------
@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder (the app and the CLI may both try)."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.parent / f".{index_dir.name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def save_index(ix: ExampleIndex, index_dir: Path | str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write an index folder atomically (new folder, then renames).

    Args:
        ix: the index (its records must all be readable).
        index_dir: the target folder; an existing index there is replaced.
        extra: more manifest entries (corpus hash and path, build figures).

    Returns:
        The manifest written.
    """
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.tmp-", dir=index_dir.parent))
    try:
        vectors = np.ascontiguousarray(ix.vectors, dtype=np.float32)
        np.save(tmp / VECTORS, vectors)
        frame = ix.frame
        columns = {c: [list(map(str, v)) for v in frame[c]] if c in _LIST_COLUMNS
                   else [int(v) for v in frame[c]] if c == "n_layers" else [str(v) for v in frame[c]]
                   for c in COLUMNS}
        (tmp / METADATA).write_text(json.dumps({"columns": columns}, ensure_ascii=False), encoding="utf-8")
        with open(tmp / SUMMARIES, "wb") as fh:
            for row in range(len(ix)):
                # to_json escapes nothing into a raw newline, so lines are records
                fh.write((ix.records.get(row).to_json() + "\n").encode("utf-8"))
        files = [VECTORS, METADATA, SUMMARIES]
        if ix.kind != "flat":
            import faiss

            faiss.write_index(ix.faiss_index, str(tmp / FAISS))
            files.append(FAISS)
        manifest = {
            "index_schema_version": INDEX_SCHEMA_VERSION,
            "summary_schema_version": SCHEMA_VERSION,
            "text_version": TEXT_VERSION,
            "embedding_model": ix.embedder.name,
            "dimension": int(vectors.shape[1]),
            "count": len(ix),
            "faiss": ix.kind,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **(extra or {}),
            "files": {f: (tmp / f).stat().st_size for f in files},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for f in [*files, MANIFEST]:
            with open(tmp / f, "rb") as fh:
                os.fsync(fh.fileno())
        # mkdtemp makes the folder private (0700): give it the usual permissions
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)
        _swap_in(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with renames; the old folder is kept until the new is in place."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{int(time.time() * 1000)}"
        os.rename(target, old)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _restore_interrupted_swap(index_dir: Path) -> None:
    """A build killed between its two renames leaves only ``.NAME.old-*``: put it back."""
    if index_dir.exists() or not index_dir.parent.exists():
        return
    olds = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"))
    if olds:
        with contextlib.suppress(OSError):
            os.rename(olds[-1], index_dir)


# -- reading ---------------------------------------------------------------------
def read_manifest(index_dir: Path | str | None = None) -> dict[str, Any]:
    """The manifest of an index folder (raises IndexMissing / IndexCorrupt)."""
    index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    _restore_interrupted_swap(index_dir)
    cmd = _rebuild_command(index_dir)
    path = index_dir / MANIFEST
    if not path.exists():
        if index_dir.exists() and any(index_dir.iterdir()):
            raise IndexCorrupt(index_dir, "the index has no manifest.json (an unfinished or foreign folder)", cmd)
        raise IndexMissing(index_dir, "no index has been built yet", cmd)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as e:
        raise IndexCorrupt(index_dir, f"the index manifest cannot be read ({e})", cmd) from e
    return manifest


def staleness(manifest: dict[str, Any], corpus_path: Path | str | None = None,
              embedder: Embedder | None = None) -> str | None:
    """Why an index no longer matches the corpus, model or code; None when it is current.

    Args:
        manifest: the index manifest.
        corpus_path: the corpus it should reflect (default: the shipped corpus;
            when that file does not exist the corpus is not checked).
        embedder: the model queries will use (default: MiniLM).

    Returns:
        A sentence, or None.
    """
    model = embedder.name if embedder is not None else MODEL_NAME
    checks = [
        ("index_schema_version", INDEX_SCHEMA_VERSION, "the index format changed"),
        ("summary_schema_version", SCHEMA_VERSION, "the summary schema changed"),
        ("text_version", TEXT_VERSION, "the text that is embedded changed"),
        ("embedding_model", model, "it was embedded with another model"),
    ]
    for key, want, why in checks:
        if manifest.get(key) != want:
            return f"the index is stale: {why} ({key} {manifest.get(key)!r}, expected {want!r})"
    if embedder is not None and manifest.get("dimension") != embedder.dim:
        return (f"the index is stale: vectors of dimension {manifest.get('dimension')}, "
                f"the model gives {embedder.dim}")
    corpus = Path(corpus_path) if corpus_path is not None else DEFAULT_CORPUS
    if corpus.exists() and manifest.get("corpus_hash") != file_hash(corpus):
        return f"the index is stale: the corpus {_display(corpus)} changed since the index was built"
    return None


_LIST_COLUMNS = ("datasets", "tricks", "layer_types")


def _read_metadata(path: Path) -> pd.DataFrame:
    cols = json.loads(path.read_text(encoding="utf-8"))["columns"]
    data = {c: cols[c] for c in COLUMNS}
    data["n_layers"] = np.asarray(cols["n_layers"], dtype=np.int32)
    return pd.DataFrame(data, columns=COLUMNS)


def _line_offsets(fd: int, block: int = 1 << 23) -> tuple[np.ndarray, np.ndarray]:
    """Start and end byte offsets of the non-empty lines of an open file, read in blocks
    (the file is never in memory whole)."""
    ends: list[np.ndarray] = []
    pos = 0
    last = b""
    while True:
        data = os.pread(fd, block, pos)
        if not data:
            break
        ends.append(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10).astype(np.int64) + pos)
        pos += len(data)
        last = data[-1:]
    end = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    if pos and last != b"\n":
        end = np.append(end, pos)
    start = np.concatenate([[0], end[:-1] + 1]).astype(np.int64) if len(end) else end
    keep = end > start  # blank lines are not records
    return start[keep], end[keep]


class _DiskRecords(_Records):
    """Summaries read from summaries.jsonl when asked for, by a table of line offsets.

    Only the offsets (16 bytes a summary) and the last ``cache_size`` parsed
    summaries (and those still referenced elsewhere, shared rather than
    parsed twice) stay in memory, so serving memory does not grow with the corpus
    (100,000 full summaries are ~280 MB of JSON, ~900 MB once parsed: see
    bench/memory.py). The file stays open: an index rebuilt and swapped in
    meanwhile does not change what this one reads.
    """

    def __init__(self, path: Path, cache_size: int = 4096) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._closer = weakref.finalize(self, os.close, self._fd)
        self._starts, self._ends = _line_offsets(self._fd)
        self._cache: OrderedDict[int, Summary] = OrderedDict()
        self.cache_size = cache_size
        # rows still held elsewhere (the session's cached populations): the same object again, not a copy
        self._alive: weakref.WeakValueDictionary[int, Summary] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._starts)

    def line(self, row: int) -> str:
        """The JSON line of a row."""
        start, end = int(self._starts[row]), int(self._ends[row])
        return os.pread(self._fd, end - start, start).decode("utf-8")

    def get(self, row: int) -> Summary:
        row = int(row)
        if row < 0:
            row += len(self._starts)
        with self._lock:
            s = self._cache.get(row)
            if s is not None:
                self._cache.move_to_end(row)
                return s
            s = self._alive.get(row)
        if s is None:
            s = Summary.from_json(self.line(row))
        with self._lock:
            s = self._alive.setdefault(row, s)
            self._cache[row] = s
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return s


def load_index(index_dir: Path | str | None = None, corpus_path: Path | str | None = None,
               check_stale: bool = True, embedder: Embedder | None = None) -> ExampleIndex:
    """Open a built index.

    Args:
        index_dir: the folder (default ``var/index``).
        corpus_path: the corpus the index must match (default: the shipped corpus).
        check_stale: compare the manifest with the corpus, model and code.
        embedder: the query embedder (default: MiniLM, loaded on the first query).

    Returns:
        The ExampleIndex.

    Raises:
        IndexMissing, IndexStale, IndexCorrupt: with the rebuild command in the message.
    """
    index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    cmd = _rebuild_command(index_dir, Path(corpus_path) if corpus_path else None)
    manifest = read_manifest(index_dir)
    if check_stale:
        why = staleness(manifest, corpus_path, embedder)
        if why:
            err = IndexStale(index_dir, why, cmd)
            err.usable = "corpus" in why and "changed since" in why
            raise err

    def corrupt(reason: str) -> IndexCorrupt:
        return IndexCorrupt(index_dir, f"the index is corrupt: {reason}", cmd)

    count, dim = manifest.get("count"), manifest.get("dimension")
    files = manifest.get("files")
    if not isinstance(count, int) or not isinstance(dim, int) or not isinstance(files, dict):
        raise corrupt("the manifest lacks count, dimension or files")
    for name, size in files.items():
        p = index_dir / name
        if not p.exists():
            raise corrupt(f"{name} is missing")
        if p.stat().st_size != size:
            raise corrupt(f"{name} has {p.stat().st_size} bytes, the manifest says {size} (truncated?)")
    try:
        vectors = np.load(index_dir / VECTORS, allow_pickle=False)
        frame = _read_metadata(index_dir / METADATA)
        records = _DiskRecords(index_dir / SUMMARIES)
    except Exception as e:  # numpy, json and pandas each raise their own kinds
        raise corrupt(f"a file cannot be read ({type(e).__name__}: {e})") from e
    if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape != (count, dim):
        raise corrupt(f"vectors are {vectors.dtype} {vectors.shape}, the manifest says float32 ({count}, {dim})")
    if embedder is not None and embedder.dim != dim:
        raise IndexStale(index_dir, f"the index has vectors of dimension {dim}, the model gives {embedder.dim}", cmd)
    if len(frame) != count or len(records) != count or list(frame.columns) != COLUMNS:
        raise corrupt(f"{len(frame)} metadata rows and {len(records)} summaries for {count} vectors")
    meta = Metadata(frame)
    kind = manifest.get("faiss", "flat")
    if kind == "flat":
        return ExampleIndex.from_parts(vectors, meta, records, embedder, kind="flat", manifest=manifest)
    import faiss

    try:
        findex = faiss.read_index(str(index_dir / FAISS))
    except RuntimeError as e:
        raise corrupt(f"{FAISS} cannot be read ({e})") from e
    if findex.ntotal != count or findex.d != dim:
        raise corrupt(f"{FAISS} holds {findex.ntotal} vectors of dimension {findex.d}")
    view = ann.vectors_view(findex)
    return ExampleIndex(findex, meta, records, embedder, vectors=view if view is not None else vectors,
                        manifest=manifest)


def ensure_index(corpus_path: Path | str | None = None, index_dir: Path | str | None = None,
                 progress: bool = True, embedder: Embedder | None = None) -> ExampleIndex:
    """The index, built first when it is missing, stale or corrupt (used at app start).

    Args:
        corpus_path: the corpus (default: the shipped corpus).
        index_dir: the folder (default ``var/index``).
        progress: show the build's progress bar.
        embedder: the embedding model (default: MiniLM).

    Returns:
        A current ExampleIndex.

    Raises:
        IndexMissing: there is no index and no corpus to build one from.
    """
    index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    corpus = Path(corpus_path) if corpus_path is not None else DEFAULT_CORPUS
    try:
        return load_index(index_dir, corpus, embedder=embedder)
    except IndexProblem as problem:
        if not corpus.exists():
            if isinstance(problem, IndexStale):
                raise
            raise IndexMissing(index_dir, f"{problem.reason}, and there is no corpus at {_display(corpus)} "
                                          "to build it from (run `examplenet harvest` first)",
                               _rebuild_command(index_dir, corpus)) from problem
    from index.build import build_index

    ix, _stats = build_index(corpus, index_dir, progress=progress, embedder=embedder)
    return ix

