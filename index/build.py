"""Build the index from the corpus: embed what is new, reuse what is not, write atomically.

The embedding cache is the previous index itself: a summary whose embedded
text (hash) is unchanged keeps its vector, so adding summaries to the corpus
embeds only the new ones; equal texts are embedded once. ``--force``
re-embeds everything.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.record.store import DEFAULT_CORPUS, CorpusMissing, load_summaries
from index.embed import Embedder, get_embedder
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
from index.text import summary_text, text_hash

BATCH = 64
CHUNK = 256  # texts per call: the progress bar moves every chunk


@dataclass
class BuildStats:
    count: int  # summaries in the index
    embedded: int  # summaries whose vector this build computed (equal texts share one pass)
    reused: int  # vectors taken from the previous index
    duplicates: int  # summaries dropped because their id was already seen
    seconds: float  # the whole build, reading the corpus to the swap
    embed_seconds: float

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
        t_embed = time.perf_counter()
        if todo:
            # similar lengths together: less padding in each batch
            groups = sorted(todo.values(), key=lambda rows: len(texts[rows[0]]))
            bar = _bar(sum(len(g) for g in groups), progress)
            for start in range(0, len(groups), CHUNK):
                chunk = groups[start:start + CHUNK]
                got = embedder.embed([texts[g[0]] for g in chunk], batch_size=BATCH)
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
                           duplicates=len(raw) - len(summaries), seconds=seconds, embed_seconds=embed_seconds)
        ix.manifest = save_index(ix, index_dir, extra={
            "corpus_path": _display(corpus),
            "corpus_hash": chash,
            "build_seconds": round(seconds, 3),
            "embedded": stats.embedded,
            "reused": stats.reused,
        })
    stats.seconds = time.perf_counter() - t0
    return ix, stats


def _bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding summaries", unit="summary", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True)


def run_build(corpus_path: str | None = None, index_dir: str | None = None, force: bool = False) -> int:
    """``examplenet index build``: build, then print count, time and rate.

    Args:
        corpus_path: the summaries file (default: the shipped corpus).
        index_dir: the index folder (default ``var/index``).
        force: re-embed everything.

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
          + (f", dropped {st.duplicates} duplicate ids" if st.duplicates else "")
          + f"; faiss {ix.kind}, model {ix.embedder.name}, dimension {ix.vectors.shape[1]}")
    return 0
