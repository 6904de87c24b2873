"""The vector index: exact inner product today, approximate (FAISS) when the corpus is large.

``make_faiss_index`` picks the structure from the size (a table, not a
choice buried in the search code):

- up to ``EXACT_MAX`` vectors: ``ExactIndex``, exact; a query scans every
  vector (about 10 ms per 100k on 2 cores). It is FAISS's ``IndexFlatIP``
  in numpy: the same scan, without importing faiss (~0.1 s of a cold
  ``examplenet search``) or copying the vectors into it;
- larger: IVF (``IndexIVFFlat``, nlist ~ sqrt(n), nprobe 32), which builds in about a minute
  at a million vectors, or HNSW (``IndexHNSWFlat``, M=32) when asked.

Vectors are normalized, so inner product is cosine similarity. Filtered
searches on an approximate index pass an ``IDSelectorBitmap`` so FAISS only
returns matching rows (results still fill k); very selective filters are
answered exactly by the caller instead (see ``index.search``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss

EXACT_MAX = 200_000
IVF_NPROBE = 32
KINDS = ("flat", "ivf", "hnsw")


def choose_kind(n: int) -> str:
    """The index structure for ``n`` vectors: ``flat`` up to ``EXACT_MAX``, else ``ivf``."""
    return "flat" if n <= EXACT_MAX else "ivf"


class ExactIndex:
    """Exact inner-product search over float32 rows (what ``faiss.IndexFlatIP`` does).

    Args:
        vectors: (n, d) float32, rows of norm 1; kept as given when already
            float32 and contiguous (no copy), read-only.
    """

    def __init__(self, vectors: np.ndarray) -> None:
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError(f"vectors must be 2-d, not {x.shape}")
        if x.flags.writeable:
            x = x.view()
            x.flags.writeable = False
        self.xb = x
        self.ntotal, self.d = x.shape

    def search(self, q: np.ndarray, n: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``n`` (row numbers, scores) by inner product, best first; ties by row."""
        cand = np.arange(self.ntotal, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        n = int(min(n, len(cand)))
        if n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims = (self.xb if rows is None else self.xb[cand]) @ np.asarray(q, dtype=np.float32).reshape(-1)
        top = np.argpartition(-sims, n - 1)[:n] if n < len(cand) else np.arange(len(cand))
        top = top[np.lexsort((cand[top], -sims[top]))]
        return cand[top], sims[top].astype(np.float32, copy=False)


def make_faiss_index(vectors: np.ndarray, kind: str = "auto", seed: int = 0) -> ExactIndex | faiss.Index:
    """Build a FAISS inner-product index holding ``vectors`` (row i has id i).

    Args:
        vectors: (n, d) float32, rows of norm 1.
        kind: ``auto`` (by size), ``flat``, ``ivf`` or ``hnsw``.
        seed: k-means seed for IVF, so builds are reproducible.

    Returns:
        The filled index, with its search depth (nprobe / efSearch) set.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = x.shape
    if kind == "auto":
        kind = choose_kind(n)
    if kind == "flat":
        return ExactIndex(x)
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}: choose one of auto, {', '.join(KINDS)}")
    import faiss

    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        index.hnsw.efSearch = 128
    elif kind == "ivf":
        # ~sqrt(n) lists of ~sqrt(n) vectors; k-means on a sample of 50 per list
        # with 10 iterations keeps a million-vector build to about a minute on 2 cores
        nlist = max(1, min(int(math.sqrt(n)), n // 39 or 1))
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample = x if n <= 50 * nlist else x[np.sort(rng.choice(n, 50 * nlist, replace=False))]
        index.cp.seed = seed
        index.cp.niter = 10
        index.cp.max_points_per_centroid = 50
        index.train(sample)
        index.nprobe = min(nlist, IVF_NPROBE)
    else:
        raise ValueError(f"unknown index kind {kind!r}: choose one of auto, {', '.join(KINDS)}")
    index.add(x)
    return index


def kind_of(index: ExactIndex | faiss.Index) -> str:
    """``flat``, ``hnsw`` or ``ivf`` for an index made by ``make_faiss_index``."""
    if isinstance(index, ExactIndex):
        return "flat"
    import faiss

    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexFlat):
        return "flat"
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVF):
        return "ivf"
    return type(index).__name__


class _Owner:
    """Keeps a FAISS index alive as long as a numpy view of its memory exists."""

    def __init__(self, index: faiss.Index, raw: np.ndarray) -> None:
        self.index = index
        self.__array_interface__ = raw.__array_interface__


def vectors_view(index: ExactIndex | faiss.Index) -> np.ndarray | None:
    """The stored vectors as a read-only numpy view (no copy) for flat and HNSW-flat
    indexes, else None. The view holds a reference to the index, so it stays valid."""
    if isinstance(index, ExactIndex):
        return index.xb
    import faiss

    top = index
    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexHNSW):
        index = faiss.downcast_index(index.storage)
    if isinstance(index, faiss.IndexFlat):
        n, d = index.ntotal, index.d
        if n == 0:
            return np.zeros((0, d), dtype=np.float32)
        raw = faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d)
        view = np.asarray(_Owner((top, index), raw))
        view.flags.writeable = False
        return view
    return None


def search(index: ExactIndex | faiss.Index, q: np.ndarray, n: int,
           rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top ``n`` rows by inner product, optionally only among ``rows``.

    Args:
        index: a FAISS index from ``make_faiss_index``.
        q: the query vector (d,) float32.
        n: how many results.
        rows: sorted row numbers allowed (None: all).

    Returns:
        (row numbers, scores), best first; -1 rows removed.
    """
    if isinstance(index, ExactIndex):
        return index.search(q, n, rows)
    import faiss

    n = int(min(n, index.ntotal if rows is None else len(rows)))
    if n <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    kind = kind_of(index)
    params = None
    keep = None
    if rows is not None:
        mask = np.zeros(index.ntotal, dtype=bool)
        mask[rows] = True
        keep = np.packbits(mask, bitorder="little")
        sel = faiss.IDSelectorBitmap(len(keep), faiss.swig_ptr(keep))
        if kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(2 * n, 128))
        elif kind == "ivf":
            params = faiss.SearchParametersIVF(sel=sel, nprobe=faiss.downcast_index(index).nprobe)
        else:
            params = faiss.SearchParameters(sel=sel)
    elif kind == "hnsw":
        params = faiss.SearchParametersHNSW(efSearch=max(2 * n, 128))
    dist, ids = index.search(q.reshape(1, -1).astype(np.float32, copy=False), n, params=params)
    del keep  # the bitmap must outlive the search call
    ok = ids[0] >= 0
    return ids[0][ok].astype(np.int64), dist[0][ok]
