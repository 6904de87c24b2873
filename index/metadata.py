"""The metadata of the indexed summaries as a pandas frame, and exact filters over it.

One row per summary, in index order (row i is FAISS id i). Filters are
answered from posting lists (value -> sorted row numbers) built once from the
frame, so a filter costs an intersection of small arrays, not a scan of the
frame, and a million rows stay cheap.

List columns (datasets, tricks, layer_types) hold every value of the row; a
row matches a filter value when its list contains it. ``layer_types`` also
holds the wrapped layer of a ``Bidirectional`` (a Bidirectional LSTM is an LSTM).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corpus.knowledge.vocab import fold
from corpus.record.summary import Summary

# filter field -> frame column; scalar columns hold one value, list columns several
SCALAR_FIELDS = {"framework": "framework", "task": "task"}
LIST_FIELDS = {"dataset": "datasets", "trick": "tricks", "layer_type": "layer_types"}
FIELDS = (*SCALAR_FIELDS, *LIST_FIELDS)
COLUMNS = ["id", "text_hash", "framework", "task", "datasets", "tricks", "layer_types",
           "n_layers", "repo", "path"]


def layer_type_set(s: Summary) -> list[str]:
    """The layer types a summary counts as having (wrapped layers included), sorted."""
    out = set()
    for layer in s.layers:
        out.add(layer.type)
        inner = layer.args.get("layer") if isinstance(layer.args, dict) else None
        if isinstance(inner, str) and inner:
            out.add(inner)
    return sorted(out)


def frame_of(summaries: Sequence[Summary], text_hashes: Sequence[str] | None = None) -> pd.DataFrame:
    """The metadata frame of summaries, one row each, in order.

    Args:
        summaries: the records.
        text_hashes: the hash of each embedded text (the embedding cache key).

    Returns:
        A DataFrame with the columns of ``COLUMNS``.
    """
    hashes = list(text_hashes) if text_hashes is not None else [""] * len(summaries)
    return pd.DataFrame({
        "id": [s.id for s in summaries],
        "text_hash": hashes,
        "framework": [s.framework or "unknown" for s in summaries],
        "task": [s.task or "unknown" for s in summaries],
        "datasets": [sorted(set(s.datasets)) for s in summaries],
        "tricks": [sorted(set(s.tricks)) for s in summaries],
        "layer_types": [layer_type_set(s) for s in summaries],
        "n_layers": np.array([len(s.layers) for s in summaries], dtype=np.int32),
        "repo": [s.source.repo or "" for s in summaries],
        "path": [s.source.path or "" for s in summaries],
    }, columns=COLUMNS)


@dataclass
class _Postings:
    rows: dict[str, np.ndarray]  # value -> sorted int64 row numbers
    lower: dict[str, str]  # normalized spelling -> value, for case-insensitive filters


_norm = fold  # filter values match whatever their case and punctuation


def _postings_scalar(col: pd.Series) -> _Postings:
    codes, uniques = pd.factorize(col, sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    rows = {str(u): order[bounds[i]:bounds[i + 1]].astype(np.int64) for i, u in enumerate(uniques)}
    return _Postings(rows, {_norm(v): v for v in rows})


def _postings_list(col: pd.Series) -> _Postings:
    lengths = np.fromiter((len(x) for x in col), dtype=np.int64, count=len(col))
    if lengths.sum() == 0:
        return _Postings({}, {})
    flat = pd.Series([v for x in col for v in x])
    row_of = np.repeat(np.arange(len(col), dtype=np.int64), lengths)
    codes, uniques = pd.factorize(flat, sort=False)
    order = np.argsort(codes, kind="stable")  # stable keeps rows sorted within a value
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    rows = {str(u): np.unique(row_of[order[bounds[i]:bounds[i + 1]]]) for i, u in enumerate(uniques)}
    return _Postings(rows, {_norm(v): v for v in rows})


class Metadata:
    """The frame plus posting lists answering exact filters.

    Args:
        frame: one row per indexed summary (see ``frame_of``), in index order.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame.reset_index(drop=True)
        self.n = len(self.frame)
        self.n_layers = self.frame["n_layers"].to_numpy(dtype=np.int64)
        self._postings: dict[str, _Postings] = {}
        for f, col in SCALAR_FIELDS.items():
            self._postings[f] = _postings_scalar(self.frame[col])
        for f, col in LIST_FIELDS.items():
            self._postings[f] = _postings_list(self.frame[col])
        self.row_of_id = {id_: i for i, id_ in enumerate(self.frame["id"])}

    def canonical(self, field: str, value: str) -> str | None:
        """The stored spelling of a filter value (case and punctuation ignored), or None."""
        p = self._postings[field]
        if value in p.rows:
            return value
        return p.lower.get(_norm(value))

    def rows_for(self, field: str, values: str | Sequence[str]) -> np.ndarray:
        """Sorted row numbers whose ``field`` has any of ``values`` (exact, after ``canonical``)."""
        if isinstance(values, str):
            values = [values]
        p = self._postings[field]
        parts = [p.rows[c] for v in values if (c := self.canonical(field, v)) is not None]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))

    def rows(self, filters) -> np.ndarray | None:
        """Row numbers matching every set field of ``filters``; None when nothing is set.

        Args:
            filters: an ``index.search.Filters`` (any object with its fields).

        Returns:
            Sorted int64 row numbers, or None meaning "all rows".
        """
        result: np.ndarray | None = None
        for f in FIELDS:
            v = getattr(filters, f, None)
            if v is None or v == "":
                continue
            r = self.rows_for(f, v)
            result = r if result is None else np.intersect1d(result, r, assume_unique=True)
        lo, hi = getattr(filters, "min_layers", None), getattr(filters, "max_layers", None)
        if lo is not None or hi is not None:
            ok = np.ones(self.n, dtype=bool)
            if lo is not None:
                ok &= self.n_layers >= lo
            if hi is not None:
                ok &= self.n_layers <= hi
            r = np.flatnonzero(ok).astype(np.int64)
            result = r if result is None else np.intersect1d(result, r, assume_unique=True)
        return result

    def values(self, field: str) -> list[tuple[str, int]]:
        """Each value of a field with how many rows have it, most common first.

        Args:
            field: ``dataset``, ``framework``, ``task``, ``trick`` or ``layer_type``.

        Returns:
            ``[(value, count), ...]`` sorted by count descending, then value.
        """
        if field not in self._postings:
            raise ValueError(f"unknown field {field!r}: choose one of {', '.join(FIELDS)}")
        items = [(v, len(r)) for v, r in self._postings[field].rows.items()]
        return sorted(items, key=lambda x: (-x[1], x[0]))
