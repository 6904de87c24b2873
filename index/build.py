"""Build the index from the corpus: embed what is new, reuse what is not, write atomically.

Vectors are looked up by the hash of the embedded text (``index.text``), in
two places before anything is embedded:

1. the previous index in the folder (float32, the model's exact output);
2. the vectors shipped beside the corpus (``corpus/data/summaries.vectors.npz``:
   float16, one row per distinct text hash, written by
   ``examplenet index build --ship-vectors``), so a fresh clone builds its
   index in seconds instead of embedding every summary (80 s for 6,452 on
   2 cores). The file is used only when its model, dimension and text version
   match; otherwise, or for the summaries whose text it lacks (a changed
   corpus), those are embedded as before. A damaged file is ignored with a
   warning, never fatal.

Equal texts are embedded once; ``--force`` re-embeds everything.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.record.store import DEFAULT_CORPUS, CorpusMissing, load_summaries
from index.embed import Embedder, bulk_embedder, get_embedder
from index.metadata import Metadata, frame_of
from index.search import ExampleIndex, _Records, _unique
from index.store import (
    DEFAULT_INDEX_DIR,
    IndexProblem,
    _display,
    build_lock,
    file_hash,
    load_index,
    read_manifest,
    save_index,
)
from index.text import TEXT_VERSION, summary_text, text_hash

BATCH = 64
CHUNK = 256  # texts per call: the progress bar moves every chunk
SHIPPED_SUFFIX = ".vectors.npz"


@dataclass
class BuildStats:
    count: int  # summaries in the index
    embedded: int  # summaries whose vector this build computed (equal texts share one pass)
    reused: int  # vectors taken from the previous index or the shipped file
    duplicates: int  # summaries dropped because their id was already seen
    seconds: float  # the whole build, reading the corpus to the swap
    embed_seconds: float
    shipped: int = 0  # of ``reused``, how many came from the shipped vectors

    @property
    def per_second(self) -> float:
        """Summaries indexed per second of the whole build."""
        return self.count / self.seconds if self.seconds > 0 else float("inf")

    @property
    def embedded_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else float("inf")


def _cached_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """text hash -> vector from the previous index, when it used the same model.

    A vector depends only on the text and the model, so the text hash is the
    whole key: a summary whose id changed but whose text did not is not re-embedded.
    """
    try:
        manifest = read_manifest(index_dir)
        if manifest.get("embedding_model") != embedder.name or manifest.get("dimension") != embedder.dim:
            return {}
        old = load_index(index_dir, check_stale=False, embedder=embedder)
    except IndexProblem:
        return {}
    hashes = old.frame["text_hash"].tolist()
    vectors = np.array(old.vectors, dtype=np.float32)  # a copy: it outlives the old index
    return {h: vectors[r] for r, h in enumerate(hashes) if h}


def shipped_vectors_path(corpus_path: Path | str) -> Path:
    """Where the precomputed vectors of a corpus file live: beside it,
    ``NAME.vectors.npz`` for ``NAME.jsonl.gz``."""
    p = Path(corpus_path)
    return p.with_name(p.name.split(".", 1)[0] + SHIPPED_SUFFIX)


def read_shipped_vectors(path: Path | str, embedder: Embedder) -> dict[str, np.ndarray]:
    """text hash -> unit float32 vector from a shipped file, or {} when it cannot serve.

    Args:
        path: the ``.vectors.npz`` file.
        embedder: the model the index uses; the file must be of the same model,
            dimension and text version.

    Returns:
        The vectors (float16 widened and renormalized); {} when the file is
        missing, of another model or text version, or unreadable (then with a
        warning on stderr: the build embeds instead).
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as z:
            model, version = str(z["model"]), int(z["text_version"])
            hashes, vectors = z["hashes"], z["vectors"]
    except Exception as e:  # noqa: BLE001 - zip, numpy and key errors alike: embed instead
        print(f"warning: {_display(path)} cannot be read ({type(e).__name__}: {e}); embedding instead",
              file=sys.stderr)
        return {}
    if model != embedder.name or version != TEXT_VERSION or vectors.ndim != 2 \
            or vectors.shape != (len(hashes), embedder.dim):
        return {}
    v = vectors.astype(np.float32)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return {h.decode("ascii"): v[i] for i, h in enumerate(hashes.tolist())}


def write_shipped_vectors(path: Path | str, hashes: list[str], vectors: np.ndarray,
                          embedder: Embedder) -> int:
    """Write the shipped vectors of an index: one float16 row per distinct text hash, sorted.

    Rows already in the file are kept bit for bit (a vector read from it and
    rounded again could change its last bit, and the file would churn).

    Args:
        path: the ``.vectors.npz`` to (over)write, atomically.
        hashes: the text hash of each row of ``vectors``.
        vectors: (n, dim) float32.
        embedder: the model they come from.

    Returns:
        The number of rows written.
    """
    path = Path(path)
    old: dict[str, np.ndarray] = {}
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["model"]) == embedder.name and int(z["text_version"]) == TEXT_VERSION:
                    old = dict(zip((h.decode("ascii") for h in z["hashes"].tolist()), z["vectors"], strict=True))
        except Exception:  # noqa: BLE001 - an unreadable file is simply replaced
            old = {}
    rows: dict[str, np.ndarray] = {}
    for h, v in zip(hashes, vectors, strict=True):
        if h and h not in rows:
            rows[h] = old[h] if h in old else v.astype(np.float16)
    keys = sorted(rows)
    out = np.stack([rows[h] for h in keys]) if keys else np.zeros((0, embedder.dim), np.float16)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, model=np.array(embedder.name), text_version=np.array(TEXT_VERSION),
                 hashes=np.array(keys, dtype="S"), vectors=out.astype(np.float16))
    os.replace(tmp, path)
    return len(keys)


def build_index(corpus_path: Path | str | None = None, index_dir: Path | str | None = None,
                force: bool = False, progress: bool = True, embedder: Embedder | None = None,
                kind: str = "auto") -> tuple[ExampleIndex, BuildStats]:
    """Embed the corpus and write the index folder.

    Args:
        corpus_path: the summaries file (default: the shipped corpus).
        index_dir: the index folder (default ``var/index``).
        force: re-embed every summary instead of reusing the previous vectors.
        progress: show a tqdm progress bar while embedding.
        embedder: the embedding model (default: MiniLM).
        kind: FAISS structure (``auto`` picks by size, see ``index.ann``).

    Returns:
        The new index and the build figures.

    Raises:
        CorpusMissing: no corpus file.
    """
    t0 = time.perf_counter()
    corpus = Path(corpus_path) if corpus_path is not None else DEFAULT_CORPUS
    index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    embedder = embedder or get_embedder()
    with build_lock(index_dir):
        chash = file_hash(corpus) if corpus.exists() else None
        raw = load_summaries(corpus)
        summaries = _unique(raw)
        texts = [summary_text(s) for s in summaries]
        hashes = [text_hash(t) for t in texts]
        cache = {} if force else _cached_vectors(index_dir, embedder)
        vectors = np.zeros((len(summaries), embedder.dim), dtype=np.float32)
        # rows of each distinct text still to embed (equal texts are embedded once)
        todo: dict[str, list[int]] = {}
        for row, h in enumerate(hashes):
            v = cache.get(h)
            if v is not None:
                vectors[row] = v
            else:
                todo.setdefault(h, []).append(row)
        del cache
        shipped = 0
        if todo and not force:
            ship = read_shipped_vectors(shipped_vectors_path(corpus), embedder)
            for h in [h for h in todo if h in ship]:
                rows = todo.pop(h)
                vectors[rows] = ship[h]
                shipped += len(rows)
            del ship
        t_embed = time.perf_counter()
        if todo:
            doc_embedder = bulk_embedder(embedder, len(todo))
            # similar lengths together: less padding in each batch
            groups = sorted(todo.values(), key=lambda rows: len(texts[rows[0]]))
            bar = _bar(sum(len(g) for g in groups), progress)
            for start in range(0, len(groups), CHUNK):
                chunk = groups[start:start + CHUNK]
                got = doc_embedder.embed([texts[g[0]] for g in chunk], batch_size=BATCH)
                for g, v in zip(chunk, got, strict=True):
                    vectors[g] = v
                bar.update(sum(len(g) for g in chunk))
            bar.close()
        embedded = sum(len(g) for g in todo.values())
        embed_seconds = time.perf_counter() - t_embed
        meta = Metadata(frame_of(summaries, hashes))
        ix = ExampleIndex.from_parts(vectors, meta, _Records(summaries=summaries), embedder, kind=kind)
        seconds = time.perf_counter() - t0
        stats = BuildStats(count=len(summaries), embedded=embedded, reused=len(summaries) - embedded,
                           duplicates=len(raw) - len(summaries), seconds=seconds, embed_seconds=embed_seconds,
                           shipped=shipped)
        ix.manifest = save_index(ix, index_dir, extra={
            "corpus_path": _display(corpus),
            "corpus_hash": chash,
            "build_seconds": round(seconds, 3),
            "embedded": stats.embedded,
            "reused": stats.reused,
            "shipped_vectors": stats.shipped,
        })
    stats.seconds = time.perf_counter() - t0
    return ix, stats


def _bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding summaries", unit="summary", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True)


def run_build(corpus_path: str | None = None, index_dir: str | None = None, force: bool = False,
              ship_vectors: bool = False) -> int:
    """``examplenet index build``: build, then print count, time and rate.

    Args:
        corpus_path: the summaries file (default: the shipped corpus).
        index_dir: the index folder (default ``var/index``).
        force: re-embed everything.
        ship_vectors: then write the vectors beside the corpus (float16) for
            fresh clones to start from.

    Returns:
        The exit status (0, or 1 with a message on stderr).
    """
    try:
        ix, st = build_index(corpus_path, index_dir, force=force, progress=True)
    except CorpusMissing as e:
        print(f"examplenet index build: {e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"examplenet index build: the corpus cannot be read: {e}", file=sys.stderr)
        return 1
    where = _display(index_dir or DEFAULT_INDEX_DIR)
    print(f"indexed {st.count} summaries in {st.seconds:.1f} s ({st.per_second:.0f} summaries/s) -> {where}")
    print(f"  embedded {st.embedded} ({st.embedded_per_second:.0f}/s), reused {st.reused} cached vectors"
          + (f" ({st.shipped} shipped with the corpus)" if st.shipped else "")
          + (f", dropped {st.duplicates} duplicate ids" if st.duplicates else "")
          + f"; faiss {ix.kind}, model {ix.embedder.name}, dimension {ix.vectors.shape[1]}")
    if ship_vectors:
        target = shipped_vectors_path(corpus_path or DEFAULT_CORPUS)
        n = write_shipped_vectors(target, ix.frame["text_hash"].tolist(), np.asarray(ix.vectors), ix.embedder)
        print(f"wrote {n} float16 vectors to {_display(target)} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0
