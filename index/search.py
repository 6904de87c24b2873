"""Search the examples: embedding similarity, exact filters, boosts from the question's words.

How a query runs (``ExampleIndex.search``):

1. ``index.understand`` reads the question: named datasets/frameworks become
   hard filters (explicit ``Filters`` win over them), tasks, layers and hints
   become boosts; the residual text is embedded.
2. The filters give the set of matching rows (posting lists of
   ``index.metadata``). If filters read from the words match nothing, they are
   relaxed to boosts and a note says so; explicit filters are never relaxed.
   A dataset read from the words with fewer than ``FILL_BELOW`` examples keeps
   them first and fills the rest with its family and task (``Shortfall``); a
   task asked for with fewer examples than k is said so, with what fills the
   rest; a task the corpus lacks boosts its nearest tasks (``vocab.TASK_NEAR``).
3. Scores are cosine similarity plus the boosts a row earns. On an exact (flat)
   index every matching row is scored, so k is always filled when k rows
   match. On an approximate index (large corpora) candidates come from FAISS
   within the matching rows (an ID selector), once for the filter and once
   per boosted subset, then are rescored exactly; a filter matching few rows
   is scored exactly.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from corpus.knowledge import datasets as ds
from corpus.record.summary import Summary
from index import ann
from index.embed import Embedder, get_embedder
from index.metadata import FIELDS, Metadata, frame_of
from index.text import summary_text, text_hash
from index.understand import WORD_BOOST, Tables, Understanding, default_tables, understand
from index.understand import normalize as _normalize_words
from index.vocab import TASK_NEAR

# below this many matching rows an approximate index is bypassed: scoring them
# exactly costs less than a filtered graph/IVF walk and never misses a row
EXACT_SUBSET_MAX = 10_000
# candidates per subset drawn from an approximate index before exact rescoring
POOL_FACTOR = 3
POOL_MIN = 300
# When no phrase names a task, the question is compared with each task's
# centroid (the mean of its examples' vectors); a clear winner gets a small boost.
TASK_GUESS_BOOST = 0.1
TASK_GUESS_MARGIN = 0.03
TASK_GUESS_MIN_EXAMPLES = 5
# A named dataset with fewer examples than this is filled up with its family and task.
FILL_BELOW = 20


@dataclass
class Filters:
    """Exact filters; None means "any". Values are canonical names (``cifar10``,
    ``pytorch``, ``image_classification``, ``LSTM``); case and punctuation are
    forgiven (``CIFAR-10`` finds ``cifar10``)."""

    dataset: str | None = None
    framework: str | None = None
    task: str | None = None
    trick: str | None = None
    layer_type: str | None = None
    max_layers: int | None = None
    min_layers: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields that are set."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    def is_empty(self) -> bool:
        return not self.as_dict()


@dataclass
class Hit:
    summary: Summary
    score: float


@dataclass
class SearchResult:
    """The answer to one search.

    Attributes:
        hits: best first, at most k.
        filters: the filters actually applied (explicit + understood hard ones).
        understood: what understanding took from the words, e.g. {"dataset": "mnist",
            "task": "image_classification"}; fields present in ``filters`` were
            hard filters, the others (listed in ``boosts``) only raised scores.
        total_matching: how many examples match ``filters`` at all.
        boosts: the soft matches used, field -> values.
        notes: plain sentences about what was relaxed, ignored or missing.
        query_text: the text that was embedded.
        shortfall: set when fewer examples of the dataset or task asked for exist
            than k: how many, and what fills the rest (also in ``notes``).
    """

    hits: list[Hit]
    filters: Filters
    understood: dict[str, str]
    total_matching: int
    boosts: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    query_text: str = ""
    shortfall: Shortfall | None = None


@dataclass
class Shortfall:
    """Fewer examples of what was asked for than were wanted, and what fills the rest.

    Attributes:
        field: ``dataset`` (a named dataset with few examples, filled up) or ``task``.
        values: what was asked for (``("titanic",)``, ``("question_answering",)``).
        have: how many examples of it match the other filters.
        shown: hits shown in all.
        family: hits from the dataset's family: (dataset, count), most first.
        others: the other hits by task: (task, count), most first.
        filters: the other filters in force (field -> value).
        of_task: the tasks ``have`` counts examples of, when not all of them.
    """

    field: str
    values: tuple[str, ...]
    have: int
    shown: int
    family: list[tuple[str, int]] = field(default_factory=list)
    others: list[tuple[str, int]] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    of_task: tuple[str, ...] = ()

    def sentence(self, name: Callable[[str], str] | None = None,
                 filters: Callable[[dict[str, Any]], str] | None = None) -> str:
        """In words: "Only 6 Titanic examples exist; the other 94 are ... retrieved as nearest."

        Args:
            name: display name of a canonical value (default: ``_`` as spaces).
            filters: the other filters in words (default: "framework pytorch, max layers 9").
        """
        name = name or (lambda v: v.replace("_", " "))
        in_words = (filters or _in_words)(self.filters) if self.filters else ""
        what = " or ".join(name(v) for v in self.values)
        if self.of_task:
            what += " " + " or ".join(name(v) for v in self.of_task)
        one = self.have == 1
        where = f" match{'es' if one else ''} {in_words}" if in_words else f" exist{'s' if one else ''}"
        rest = self.shown - min(self.have, self.shown)
        parts = []
        if self.family:
            parts.append(_listing([(name(v), n) for v, n in self.family]) + " from its family")
        if self.others and not self.family and len(self.others) == 1:
            listed = name(self.others[0][0])  # all of the rest: the count is the sentence's
            parts.append(f"{listed} {'examples of other datasets' if self.field == 'dataset' else 'models'}")
        elif self.others:
            listed = _listing([(name(v), n) for v, n in self.others])
            parts.append(f"{listed} {'examples of other datasets' if self.field == 'dataset' else 'models'}")
        filled = ", and ".join(parts) or "other examples"
        if self.have == 0:
            return f"No {what} examples{where}; the {rest} shown are {filled}, retrieved as nearest."
        return (f"Only {self.have} {what} example{'s' if self.have != 1 else ''}{where}; "
                f"the other {rest} are {filled}, retrieved as nearest.")


def _listing(items: list[tuple[str, int]], most: int = 3) -> str:
    """``a (5), b (3) and other (2)``: the first few by name, the rest together."""
    shown = [f"{v} ({n})" for v, n in items[:most]]
    rest = sum(n for _v, n in items[most:])
    if rest:
        shown.append(f"other ({rest})")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


class _Records:
    """Summaries by row: kept as objects, or as JSON lines parsed on first use."""

    def __init__(self, summaries: Sequence[Summary] | None = None, lines: Sequence[str] | None = None) -> None:
        self._objs: list[Summary | None] = list(summaries) if summaries is not None else [None] * len(lines or [])
        self._lines = lines

    def __len__(self) -> int:
        return len(self._objs)

    def get(self, row: int) -> Summary:
        s = self._objs[row]
        if s is None:
            s = Summary.from_json(self._lines[row])
            self._objs[row] = s
        return s


class ExampleIndex:
    """Summaries, their embeddings in FAISS and their metadata; see the module doc.

    Build one with ``from_summaries`` (in memory) or ``index.store.load_index``.
    """

    def __init__(self, faiss_index, metadata: Metadata, records: _Records | Sequence[Summary],
                 embedder: Embedder | None = None, vectors: np.ndarray | None = None,
                 manifest: dict[str, Any] | None = None) -> None:
        if not isinstance(records, _Records):
            records = _Records(summaries=records)
        if not (faiss_index.ntotal == metadata.n == len(records)):
            raise ValueError(f"index holds {faiss_index.ntotal} vectors, {metadata.n} metadata rows "
                             f"and {len(records)} summaries: they must agree")
        self.faiss_index = faiss_index
        self.meta = metadata
        self.records = records
        self._embedder = embedder
        self.vectors = vectors if vectors is not None else ann.vectors_view(faiss_index)
        if self.vectors is None:
            raise ValueError("an IVF index needs its vectors passed alongside")
        self.kind = ann.kind_of(faiss_index)
        self.manifest = manifest or {}
        self._mask_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.query_cache_size = 256  # the bench sets 0 to time every embedding
        self._lock = threading.Lock()

    # -- construction -----------------------------------------------------
    @classmethod
    def from_summaries(cls, summaries: Sequence[Summary], embedder: Embedder | None = None,
                       kind: str = "auto", vectors: np.ndarray | None = None) -> ExampleIndex:
        """An in-memory index of summaries (tests, the assistant, a pasted corpus).

        Args:
            summaries: the records; ids should be unique (later duplicates are dropped).
            embedder: the embedding model (default: MiniLM); tests pass ``HashEmbedder()``.
            kind: FAISS structure: ``auto``, ``flat``, ``ivf``, ``hnsw``.
            vectors: precomputed embeddings, one row per summary (skips embedding).

        Returns:
            A ready ExampleIndex.
        """
        summaries = _unique(summaries)
        embedder = embedder or get_embedder()
        texts = [summary_text(s) for s in summaries]
        if vectors is None:
            vectors = embedder.embed(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        meta = Metadata(frame_of(summaries, [text_hash(t) for t in texts]))
        return cls.from_parts(vectors, meta, _Records(summaries=summaries), embedder, kind=kind)

    @classmethod
    def from_parts(cls, vectors: np.ndarray, metadata: Metadata, records: _Records | Sequence[Summary],
                   embedder: Embedder | None, kind: str = "auto",
                   manifest: dict[str, Any] | None = None) -> ExampleIndex:
        """Assemble an index from vectors, metadata and records (the store and the bench use it)."""
        index = ann.make_faiss_index(vectors, kind=kind)
        view = ann.vectors_view(index)
        return cls(index, metadata, records, embedder,
                   vectors=view if view is not None else np.ascontiguousarray(vectors, np.float32),
                   manifest=manifest)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    # -- the API --------------------------------------------------------------
    def __len__(self) -> int:
        return self.meta.n

    def get(self, id: str) -> Summary | None:
        """The summary with this id, or None."""
        row = self.meta.row_of_id.get(id)
        return None if row is None else self.records.get(row)

    def count(self, filters: Filters | None = None) -> int:
        """How many examples match the filters (all of them for None/empty)."""
        rows = self.meta.rows(self._canonical(filters or Filters())[0])
        return self.meta.n if rows is None else len(rows)

    def values(self, field: str) -> list[tuple[str, int]]:
        """Values of a field with their counts, most common first (for dropdowns).

        Args:
            field: ``dataset``, ``framework``, ``task``, ``trick`` or ``layer_type``.

        Returns:
            ``[("mnist", 412), ...]``.
        """
        return self.meta.values(field)

    @property
    def frame(self) -> pd.DataFrame:
        """The metadata frame, row i = FAISS id i."""
        return self.meta.frame

    @property
    def tables(self) -> Tables:
        """The phrase tables questions are read with: the defaults plus this index's values."""
        with self._lock:
            cached = getattr(self, "_tables", None)
        if cached is None:
            if self.meta.n == 0:
                cached = default_tables()
            else:
                from index.understand import build_tables

                cached = build_tables(**{f"{f}s" if f != "layer_type" else "layer_types":
                                         [v for v, _n in self.values(f)]
                                         for f in ("dataset", "task", "layer_type", "trick")})
            with self._lock:
                self._tables = cached
        return cached

    def understand(self, query: str, hard: Sequence[str] = ("dataset", "framework")) -> Understanding:
        """``index.understand.understand`` with this index's tables."""
        return understand(query, self.tables, hard=hard)

    def search(self, query: str, k: int = 100, filters: Filters | None = None,
               understand: bool | str | Understanding = True, fill: bool | None = None) -> SearchResult:
        """The k examples that best fit a plain-language task.

        Args:
            query: the task in the user's words; may be empty when filters are given.
            k: how many examples (the result has min(k, matching) hits, more when filled).
            filters: explicit exact filters; they win over what the words say.
            understand: read datasets/frameworks/tasks/layers from the words:
                True: named datasets/frameworks become filters, the rest boosts;
                ``"soft"``: everything read only boosts;
                an ``Understanding``: this reading, as the caller made it (the chat
                reads with the fields its state holds as filters);
                False: the words only go to the embedding.
            fill: fill up a dataset filter with fewer than ``FILL_BELOW`` examples
                with its family and task (named ones first). None: only a dataset
                read from the words; True: an explicit one too.

        Returns:
            A SearchResult, hits best first.
        """
        k = max(0, int(k))
        explicit, notes = self._canonical(filters or Filters())
        u = self._reading(query, understand)
        reads = understand is not False

        applied = replace(explicit)
        understood = dict(u.understood)
        boosts = dict(u.boosts)
        from_words = _words_as_filters(u, applied, understood, notes)
        rows = self.meta.rows(applied)
        if rows is not None and len(rows) == 0 and from_words:
            # the words named something the corpus does not have with these
            # filters: keep the explicit filters, turn the words into boosts
            named = ", ".join(f"{f} {getattr(applied, f)}" for f in from_words)
            for fld in from_words:
                boosts[fld] = ((getattr(applied, fld),), WORD_BOOST.get(fld, 0.1))
                setattr(applied, fld, getattr(explicit, fld))
            notes.append(f"no examples match {named}: showing the closest examples instead")
            rows = self.meta.rows(applied)
            from_words = []
            # their words go back into the embedded text, as when the chat relaxes a filter
            u = Understanding(filters={}, boosts=u.boosts, residual=" ".join(u.words) or u.residual,
                              understood=u.understood, mentions=u.mentions, leftover=u.leftover,
                              hinted=u.hinted, words=u.words)
        for fld in applied.as_dict():
            boosts.pop(fld, None)  # a filter already decides that field
        if "task" in boosts:
            boosts["task"], missing = self._near_tasks(boosts["task"])
        else:
            missing = ()
        total = self.meta.n if rows is None else len(rows)

        fills = (applied.dataset is not None and k > total > 0 and total < FILL_BELOW
                 and (fill is True or (fill is None and "dataset" in from_words)))
        # datasets only hinted at ("survived": Titanic) but few: they too come first, then the rest
        few = None
        if not fills and applied.dataset is None and fill is not False and u.hinted and "dataset" in boosts:
            few = self._few_hinted(u, rows, k)
        if from_words and 0 < total < k and rows is not None and not fills:
            named = ", ".join(f"{f} {getattr(applied, f)}" for f in from_words)
            notes.append(f"only {total} examples match {named} (read from the question)")

        query_text = u.residual or _normalize_words(query)
        hits: list[Hit] = []
        shortfall = None
        if k and total:
            q = self._embed_query(query_text)
            if reads and "task" not in boosts and applied.task is None:
                guess = self._guess_task(q)
                if guess is not None:
                    boosts["task"] = ((guess,), TASK_GUESS_BOOST)
                    understood["task"] = guess
            if fills or few is not None:
                named = (applied.dataset,) if fills else tuple(u.hinted)
                of_task = tuple(u.boosts["task"][0]) if few is not None and "task" in u.boosts else ()
                hits, shortfall = self._fill(q, rows if fills else few, named, applied, boosts, k, of_task)
            else:
                row_ids, scores = self._rank(q, rows, boosts, k)
                hits = [Hit(self.records.get(int(r)), float(s)) for r, s in zip(row_ids, scores, strict=True)]
            if shortfall is None and "task" in u.boosts and applied.task is None:
                shortfall = self._thin_task(hits, rows, missing or boosts["task"][0], applied, k)
        if shortfall is not None:
            notes.append(shortfall.sentence())
        return SearchResult(hits=hits, filters=applied, understood=understood, total_matching=total,
                            boosts={f: list(v[0]) for f, v in boosts.items()}, notes=notes,
                            query_text=query_text, shortfall=shortfall)

    def _reading(self, query: str, understand: bool | str | Understanding) -> Understanding:
        """What :meth:`search` reads from the words (see its ``understand`` argument)."""
        if isinstance(understand, Understanding):
            return understand
        if understand in (True, "soft"):
            return self.understand(query, hard=("dataset", "framework") if understand is True else ())
        if understand is False:
            return Understanding(residual=_normalize_words(query))
        raise ValueError(f"understand must be True, False, 'soft' or an Understanding, not {understand!r}")

    def _few_hinted(self, u: Understanding, rows: np.ndarray | None, k: int) -> np.ndarray | None:
        """The rows of the datasets the words hint at (on the task they read, if any) when they are
        few enough to come first; else None."""
        few = self.meta.rows_for("dataset", u.hinted)
        if rows is not None:
            few = np.intersect1d(few, rows, assume_unique=True)
        if "task" in u.boosts:
            # only those on the task read from the words come first (a hint is no name)
            few = np.intersect1d(few, self.meta.rows_for("task", u.boosts["task"][0]), assume_unique=True)
        return few if k > len(few) > 0 and len(few) < FILL_BELOW else None

    # -- thin corpus: fill up, say so -----------------------------------------------
    def _near_tasks(self, boost: tuple[tuple[str, ...], float]) -> tuple[tuple[tuple[str, ...], float], tuple]:
        """A task boost whose tasks have no examples becomes one of their nearest tasks.

        Returns:
            (the boost to use, the tasks asked for when they were replaced, else ()).
        """
        values, weight = boost
        if len(self.meta.rows_for("task", values)):
            return boost, ()
        near = tuple(dict.fromkeys(n for v in values for n in TASK_NEAR.get(v, ())))
        return ((near, weight) if near else boost), values

    def _fill(self, q: np.ndarray, named_rows: np.ndarray, named: tuple[str, ...], applied: Filters,
              boosts: dict, k: int, of_task: tuple[str, ...] = ()) -> tuple[list[Hit], Shortfall]:
        """The few examples of the named datasets first, then their family's on their task,
        then their task's, then the nearest of the rest, each part best first.

        Args:
            q: the question's vector.
            named_rows: the rows of the named (or hinted) datasets that match the filters.
            named: those datasets.
            applied: the filters (a dataset filter among them gives way to the family).
            boosts: the boosts in force.
            k: how many hits in all.
            of_task: the tasks the named rows were kept to (hinted datasets), if any.
        """
        first = named[0]
        family = ds.family_of(first)
        members = tuple(m for m in (family.members if family else ()) if m not in named)
        task = applied.task or ds.default_task(first)
        if task is None and "task" in boosts and len(boosts["task"][0]) == 1:
            task = boosts["task"][0][0]
        row_ids, scores = self._rank(q, named_rows, boosts, k)
        hits = [Hit(self.records.get(int(r)), float(s)) for r, s in zip(row_ids, scores, strict=True)]
        others = self.meta.rows(replace(applied, dataset=None))
        everything = np.arange(self.meta.n, dtype=np.int64) if others is None else others
        on_task = self.meta.rows_for("task", task) if task else everything
        family_rows = self.meta.rows_for("dataset", members) if members else np.zeros(0, np.int64)
        # tiers, each best first: the family on the task, the task, then the nearest of the rest
        taken = named_rows
        for tier in (np.intersect1d(family_rows, on_task, assume_unique=True), on_task, everything):
            if k <= len(hits):
                break
            tier = np.setdiff1d(np.intersect1d(tier, everything, assume_unique=True), taken, assume_unique=True)
            if len(tier):
                row_ids, scores = self._rank(q, tier, boosts, k - len(hits))
                hits += [Hit(self.records.get(int(r)), float(s)) for r, s in zip(row_ids, scores, strict=True)]
                taken = np.union1d(taken, row_ids)
        filled = hits[len(named_rows):]
        in_family = Counter(next(d for d in h.summary.datasets if d in members) for h in filled
                            if any(d in members for d in h.summary.datasets))
        rest = Counter(h.summary.task for h in filled if not any(d in members for d in h.summary.datasets))
        present = tuple(d for d in named if len(self.meta.rows_for("dataset", d)))
        return hits, Shortfall("dataset", present or named, len(named_rows), len(hits), in_family.most_common(),
                               rest.most_common(), replace(applied, dataset=None).as_dict(), of_task)

    def _thin_task(self, hits: list[Hit], rows: np.ndarray | None, tasks: tuple[str, ...],
                   applied: Filters, k: int) -> Shortfall | None:
        """When fewer examples of the task asked for exist than k: how many, and what the others are."""
        on_task = self.meta.rows_for("task", tasks)
        if rows is not None:
            on_task = np.intersect1d(on_task, rows, assume_unique=True)
        if len(on_task) >= k or not hits:
            return None
        other = Counter(h.summary.task for h in hits if h.summary.task not in tasks)
        if not other:
            return None
        return Shortfall("task", tasks, len(on_task), len(hits), others=other.most_common(),
                         filters=applied.as_dict())

    # -- internals ---------------------------------------------------------------
    def _embed_query(self, text: str) -> np.ndarray:
        """The question's vector; recent ones are cached (a chat re-asks the same
        question with other filters)."""
        if not text.strip():
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        with self._lock:
            v = self._query_cache.get(text)
            if v is not None:
                self._query_cache.move_to_end(text)
                return v
        v = self.embedder.embed([text])[0]
        with self._lock:
            if self.query_cache_size > 0:
                self._query_cache[text] = v
                while len(self._query_cache) > self.query_cache_size:
                    self._query_cache.popitem(last=False)
        return v

    def _canonical(self, f: Filters) -> tuple[Filters, list[str]]:
        """Map filter spellings to stored values (``CIFAR-10`` -> ``cifar10``)."""
        out = replace(f)
        notes: list[str] = []
        for fld in FIELDS:
            v = getattr(f, fld)
            if v is None or v == "":
                setattr(out, fld, None)
                continue
            c = self.meta.canonical(fld, v) or _synonym(fld, v)
            setattr(out, fld, c or v)
        return out, notes

    def _task_centroids(self) -> tuple[list[str], np.ndarray]:
        """Each task's unit mean vector (tasks with enough examples), computed once."""
        with self._lock:
            cached = getattr(self, "_centroids", None)
        if cached is not None:
            return cached
        tasks = [t for t, c in self.values("task") if t != "unknown" and c >= TASK_GUESS_MIN_EXAMPLES]
        d = self.vectors.shape[1]
        sums = np.zeros((len(tasks), d), dtype=np.float32)
        if tasks:
            pos = {t: i for i, t in enumerate(tasks)}
            codes = np.fromiter((pos.get(t, -1) for t in self.frame["task"]), dtype=np.int64,
                                count=self.meta.n)
            # sums by task as one-hot products, in chunks: no copy of the vectors
            for s in range(0, self.meta.n, 100_000):
                c = codes[s:s + 100_000]
                onehot = np.zeros((len(tasks), len(c)), dtype=np.float32)
                ok = c >= 0
                onehot[c[ok], np.flatnonzero(ok)] = 1.0
                sums += onehot @ self.vectors[s:s + 100_000]
            sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        with self._lock:
            self._centroids = (tasks, sums)
        return tasks, sums

    def _guess_task(self, q: np.ndarray) -> str | None:
        """The task whose centroid is clearly the closest to the question, or None."""
        if TASK_GUESS_BOOST <= 0 or not q.any():
            return None
        tasks, centroids = self._task_centroids()
        if len(tasks) < 2:
            return None
        sims = centroids @ q
        best, second = np.argsort(-sims)[:2]
        return tasks[best] if sims[best] - sims[second] >= TASK_GUESS_MARGIN else None

    def _boost_mask(self, fld: str, values: tuple[str, ...]) -> np.ndarray:
        key = (fld, values)
        with self._lock:
            m = self._mask_cache.get(key)
            if m is not None:
                self._mask_cache.move_to_end(key)
                return m
        m = np.zeros(self.meta.n, dtype=bool)
        m[self.meta.rows_for(fld, values)] = True
        with self._lock:
            self._mask_cache[key] = m
            while len(self._mask_cache) > 64:
                self._mask_cache.popitem(last=False)
        return m

    def _rank(self, q: np.ndarray, rows: np.ndarray | None, boosts: dict, k: int) -> tuple[np.ndarray, np.ndarray]:
        if rows is not None and (len(rows) <= EXACT_SUBSET_MAX if self.kind != "flat"
                                 else len(rows) <= self.meta.n // 4):
            # few rows: gather them and score exactly
            cand = rows
            sims = self.vectors[rows] @ q
        elif self.kind == "flat":
            # many rows: one pass over every vector beats gathering a large subset
            sims = self.vectors @ q
            cand = np.arange(self.meta.n, dtype=np.int64)
            if rows is not None:
                cand, sims = rows, sims[rows]
        else:
            pool = max(POOL_FACTOR * k, POOL_MIN)
            first = ann.search(self.faiss_index, q, pool, rows)[0]
            if len(first) < min(pool, self.meta.n if rows is None else len(rows)):
                # a filtered graph walk can strand matching rows: score them all
                first = rows if rows is not None else np.arange(self.meta.n, dtype=np.int64)
            parts = [first]
            for fld, (values, _w) in boosts.items():
                sub = np.flatnonzero(self._boost_mask(fld, values))
                if rows is not None:
                    sub = np.intersect1d(sub, rows, assume_unique=True)
                if len(sub) == 0:
                    continue
                if len(sub) <= EXACT_SUBSET_MAX:
                    sims_sub = self.vectors[sub] @ q
                    top = np.argpartition(-sims_sub, min(pool, len(sub)) - 1)[:pool]
                    parts.append(sub[top])
                else:
                    parts.append(ann.search(self.faiss_index, q, pool, sub)[0])
            cand = np.unique(np.concatenate(parts))
            sims = self.vectors[cand] @ q
        score = sims.astype(np.float32, copy=True)
        for fld, (values, weight) in boosts.items():
            score += np.float32(weight) * self._boost_mask(fld, values)[cand]
        k = min(k, len(cand))
        if k == 0:
            return cand[:0], score[:0]
        top = np.argpartition(-score, k - 1)[:k] if k < len(cand) else np.arange(len(cand))
        # best first; equal scores by row so results are deterministic
        order = np.lexsort((cand[top], -score[top]))
        top = top[order]
        return cand[top], score[top]


def _words_as_filters(u: Understanding, applied: Filters, understood: dict[str, Any], notes: list[str]
                      ) -> list[str]:
    """Set the filters the words name where no explicit filter is set (in place); an explicit
    filter that differs wins, with a note. Returns the fields set from the words."""
    from_words: list[str] = []
    for fld, value in u.filters.items():
        if getattr(applied, fld) is None:
            setattr(applied, fld, value)
            from_words.append(fld)
        elif getattr(applied, fld) != value:
            notes.append(f"the question names {fld} {value}, but the filter {fld}={getattr(applied, fld)} wins")
            understood.pop(fld, None)
    return from_words


def _in_words(filters: dict[str, Any]) -> str:
    """Filters as a phrase for a sentence: "framework pytorch, max layers 9"."""
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in filters.items())


def _synonym(fld: str, value: str) -> str | None:
    """Canonical dataset/framework for a known spelling (``CIFAR-10``, ``torch``)."""
    if fld == "dataset":
        return ds.canonical_dataset(value)
    if fld == "framework":
        found = [m for m in understand(value).named() if m.field == "framework"]
        return found[0].value if found else None
    return None


def _unique(summaries: Sequence[Summary]) -> list[Summary]:
    seen: set[str] = set()
    out = []
    for s in summaries:
        if s.id not in seen:
            seen.add(s.id)
            out.append(s)
    return out


def hit_dict(hit: Hit) -> dict[str, Any]:
    """A hit as the JSON of ``examplenet search --json``: the summary plus ``score``."""
    d = hit.summary.to_dict()
    d["score"] = round(hit.score, 4)
    return d


def dumps_hits(hits: Sequence[Hit]) -> str:
    """One JSON array of summaries, best first, each with a score."""
    return json.dumps([hit_dict(h) for h in hits], ensure_ascii=False)

