"""`examplenet harvest`: parse many repositories into the shipped corpus.

The flow, for each repository (a fetch mirror, a bare git dir or a work tree):

1. list the newest commit's files with ``git ls-tree`` (and, with
   ``history``, example files that only older commits hold);
2. keep ``.py`` / ``.ipynb`` / ``.md`` files outside tests and vendored
   folders, read their blobs through one ``git cat-file --batch``, and keep
   those whose bytes import a deep-learning framework (a cheap byte test);
3. parse them in worker processes (or on a dask cluster with
   ``scheduler``), each file bounded in time, with the repository's license
   and the nearest README's words as context;
4. drop files whose normalized content (comments and whitespace removed)
   was already seen in a repository that ranks first (bigger collections
   first, then by name and path), so a file vendored into fifty repos counts
   once;
5. write the summaries sorted (same input, same bytes) and a manifest of
   every repository with its commit, license, files and counts, so anyone
   can rebuild the corpus and ``resume`` can skip what is done.

Nothing is executed: the parser is static. Missing blobs (fetch snapshots
leave out files >= 4 MiB) are counted and skipped. Repositories are not
trusted: symlinks, submodules, unsafe names, blobs over the size limit and
Git LFS pointers are skipped with a warning in the manifest (see
:mod:`corpus.harvest.gitread` and :mod:`corpus.harvest.paths`).

A repository's files are read in order by one worker (its repository
context then holds the same in every run, whatever the number of workers),
so the same input gives the same bytes.

Interrupted work loses little: every parsed file is appended to a journal
beside the output as it arrives (fsync'd every few seconds), so ``resume``
after a kill re-parses only the repositories that were in flight, and gives
the same bytes as a run never interrupted.

An exception that reaches a catch-all (here, or one the parser reports with
an ``internal error:`` warning) is a bug, not bad input: it is counted apart
as an internal error, with its traceback in the stats.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import multiprocessing as mp
import os
import re
import sys
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from corpus.harvest import gitread
from corpus.harvest.dedup import DedupStats, dedup
from corpus.harvest.licenses import license_of_text, pick_license_file
from corpus.harvest.paths import shown
from corpus.readers.repo_files import (  # noqa: F401 (re-exported: the harvest's file policy)
    _README,
    DL_IMPORT,
    EXTENSIONS,
    SKIP_DIRS,
    SKIP_NAMES,
    importers_pattern,
    imports_dl,
    is_candidate,
    is_history_candidate,
    nearest_readme,
    readme_words,
    unit_test,
)
from corpus.record.summary import Summary, github_url

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "corpus" / "data" / "summaries.jsonl.gz"
DEFAULT_REPOS_FILE = REPO_ROOT / "corpus" / "repos.txt"
DEFAULT_PARSER = "corpus.readers.parser:parse_bytes"
MANIFEST_NAME = "manifest.json"
JOURNAL_SUFFIX = ".journal"

MAX_BYTES = 4 * 1024 * 1024  # fetch snapshots hold no blob this big anyway
FILE_TIMEOUT = 30.0  # CPU seconds a single file may take before its worker is replaced
WALL_FACTOR = 4  # ... and wall seconds, as a multiple of that, for a worker stuck without computing
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
TEXT_BYTES = 1024 * 1024  # LICENSE and README files read at most this much
MAX_WARNINGS = 20  # per repository in the manifest; the rest are counted
INTERNAL = "internal error:"  # how a catch-all's warning starts, in the parser and here
LFS_POINTER = b"version https://git-lfs.github.com/spec/"



# ---------------------------------------------------------------------------
# Records


@dataclass
class Task:
    """One file to parse, with everything the parser needs (picklable)."""

    repo: str
    path: str
    commit: str
    data: bytes
    license: str | None = None
    context_text: str | None = None
    history: bool = False
    # the repository around the file, for imported values and config files (None: the file alone)
    git_dir: str | None = None
    tree_commit: str | None = None


@dataclass
class FileResult:
    """What parsing one file gave."""

    repo: str
    path: str
    commit: str
    history: bool
    content_hash: str
    status: str  # ok | partial | failed | empty (readable, no model)
    summaries: list[Summary] = field(default_factory=list)
    error: str | None = None
    size: int = 0
    seconds: float = 0.0
    internal: str | None = None  # a catch-all's traceback (a bug, not bad input)
    # files read as data during the parse that were refused or unreadable (a config with YAML tags)
    notes: list[str] = field(default_factory=list)


@dataclass
class RepoPlan:
    """What planning one repository found (its files are streamed as tasks)."""

    repo: str
    git_dir: Path
    commit: str
    license: str | None
    files_listed: int = 0
    candidates: list[gitread.TreeFile] = field(default_factory=list)
    readmes: dict[str, str] = field(default_factory=dict)  # folder -> README blob
    dl_files: int = 0
    missing_blobs: int = 0
    too_big: int = 0
    history: bool = False
    warnings: list[str] = field(default_factory=list)  # what was skipped and why
    context_blobs: dict[str, str] = field(default_factory=dict)  # path -> blob of files read as data
    context_links: dict[str, str] = field(default_factory=dict)  # symbolic link -> the file it points at


@dataclass
class HarvestStats:
    repos: int = 0
    repos_skipped: int = 0
    files_listed: int = 0
    candidates: int = 0
    dl_files: int = 0
    missing_blobs: int = 0
    status: Counter = field(default_factory=Counter)
    models: int = 0
    duplicate_files: int = 0
    duplicate_models: int = 0
    near_duplicates: int = 0
    timeouts: int = 0
    seconds: float = 0.0
    parsed_files: int = 0
    resumed_files: int = 0  # taken from the journal of an interrupted run
    skipped_entries: int = 0  # symlinks, submodules, unsafe names, LFS pointers, over-size blobs
    internal_errors: int = 0
    tracebacks: list[str] = field(default_factory=list)  # the first few internal errors

    def add_records(self, records: Iterable[dict[str, Any]]) -> None:
        """Add the counts of harvested repositories' manifest records."""
        for r in records:
            self.files_listed += r["files_listed"]
            self.candidates += r["candidates"]
            self.dl_files += r["dl_files"]
            self.missing_blobs += r["missing_blobs"]
            self.status.update(r["status"])

    def lines(self, tracebacks: int = 3) -> list[str]:
        rate = self.parsed_files / self.seconds if self.seconds else 0.0
        parsed = sum(self.status.values()) or 1
        good = self.status["ok"] + self.status["partial"] + self.status["empty"]
        return [
            f"repositories      {self.repos} harvested, {self.repos_skipped} already done (resume)",
            f"files seen        {self.files_listed} ({self.candidates} .py/.ipynb/.md candidates)",
            f"DL files          {self.dl_files} import torch/keras/tensorflow/jax"
            f" ({self.missing_blobs} blobs missing from the snapshot, skipped)",
            f"parsed            ok {self.status['ok']}, partial {self.status['partial']}, "
            f"failed {self.status['failed']} (timeouts {self.timeouts}), no model {self.status['empty']}"
            f"  -> {100 * good / parsed:.1f}% readable",
            f"models            {self.models} in the corpus",
            f"duplicates        {self.duplicate_files} files ({self.duplicate_models} models) removed, "
            f"{self.near_duplicates} near-duplicate models",
            f"skipped           {self.skipped_entries} entries (symlinks, submodules, unsafe names, "
            "LFS pointers, over-size blobs; listed in the manifest)",
            f"speed             {rate:.0f} files/s over {self.seconds:.1f} s"
            + (f" ({self.resumed_files} files taken from the journal)" if self.resumed_files else ""),
            f"internal errors: {self.internal_errors}"
            + (" (bugs caught by a catch-all, apart from bad input; first tracebacks below)"
               if self.internal_errors else ""),
            *[line for tb in self.tracebacks[:tracebacks] for line in ("---", *tb.rstrip().splitlines())],
        ]


# ---------------------------------------------------------------------------
# Pure helpers




_COMMENT = re.compile(r"#[^\n]*")
_SPACE = re.compile(r"\s+")


def content_hash(data: bytes, path: str) -> str:
    """A hash of the file's code with comments and whitespace removed.

    For notebooks only the code cells count (outputs and metadata differ
    between copies of the same notebook). Strings holding ``#`` lose their
    tail too, which only makes two copies more alike.
    """
    from corpus.readers.script import source_text

    code = source_text(data, path).code if path.lower().endswith((".ipynb", ".md")) else \
        data.decode("utf-8", "replace")
    code = _SPACE.sub("", _COMMENT.sub("", code))
    return hashlib.sha1(code.encode("utf-8", "replace")).hexdigest()[:16]




# ---------------------------------------------------------------------------
# Parsing one file (runs in worker processes or on dask workers)

_PARSE_FN: dict[str, Callable[..., list[Summary]]] = {}


def _parse_fn(spec: str) -> Callable[..., list[Summary]]:
    fn = _PARSE_FN.get(spec)
    if fn is None:
        mod, _, name = spec.partition(":")
        fn = getattr(importlib.import_module(mod), name or "parse_bytes")
        _PARSE_FN[spec] = fn
    return fn


def _complete_source(s: Summary, task: Task) -> None:
    """Fill what the parser left empty of ``source`` (it fills it when given repo)."""
    src = s.source
    src.repo = src.repo or task.repo
    src.commit = src.commit or task.commit
    src.path = src.path or task.path
    if src.license is None:
        src.license = task.license
    if not src.url and src.repo and src.line_start:
        src.url = github_url(src.repo, src.commit, src.path, src.line_start, src.line_end)


def _json_safe(v: Any) -> tuple[Any, bool]:
    """``v`` with values JSON cannot hold replaced by None; and whether any was."""
    if v is None or isinstance(v, (bool, int, str)):
        return v, False
    if isinstance(v, float):
        return (v, False) if v == v and v not in (float("inf"), float("-inf")) else (None, True)
    if isinstance(v, (list, tuple)):
        pairs = [_json_safe(x) for x in v]
        return [x for x, _ in pairs], any(b for _, b in pairs)
    if isinstance(v, dict):
        out, bad = {}, False
        for k, x in v.items():
            x, b = _json_safe(x)
            if not b:  # an argument that could not be read is left out, as the spec says
                out[str(k)] = x
            bad = bad or b or not isinstance(k, str)
        return out, bad
    return None, True


def _sanitize(s: Summary) -> bool:
    """Make a summary JSON-writable in place (a parser slip must not stop a harvest).

    Returns:
        True when something had to be dropped (a warning is added to the summary).
    """
    try:
        s.to_json()
        return False
    except (TypeError, ValueError):
        pass
    bad = False
    for layer in s.layers:
        layer.args, b = _json_safe(layer.args)
        bad |= b
        for attr in ("activation", "raw", "repeat", "line"):
            val, b = _json_safe(getattr(layer, attr))
            setattr(layer, attr, val)
            bad |= b
    hp = s.hyperparameters
    for attr in ("optimizer", "learning_rate", "batch_size", "epochs", "loss", "loss_raw", "metrics", "steps"):
        val, b = _json_safe(getattr(hp, attr))
        setattr(hp, attr, val)
        bad |= b
    hp.extra, b = _json_safe(hp.extra)
    bad |= b
    for attr in ("input_shape", "datasets", "tricks", "preprocessing", "name", "task", "framework"):
        val, b = _json_safe(getattr(s, attr))
        setattr(s, attr, val)
        bad |= b
    s.parse.warnings = [str(w) for w in s.parse.warnings]
    s.parse.warnings.append("harvest: a value the parser read could not be written as JSON and was dropped")
    return True


def _takes_context(fn: Callable[..., Any]) -> bool:
    import inspect

    try:
        return "context" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


_CONTEXTS: dict[tuple[str, str], Any] = {}  # a worker process's: the repository it reads now


def _worker_context(git_dir: str, commit: str, contexts: dict[tuple[str, str], Any] | None = None) -> Any:
    """The repository context of the repository a worker reads now (one kept: a worker is given a
    repository's files together, in order; see :meth:`LocalPool.map`)."""
    from corpus.readers.repo_context import RepoContext

    contexts = _CONTEXTS if contexts is None else contexts
    key = (git_dir, commit)
    if key not in contexts:
        close_contexts(contexts)
        links: list[gitread.TreeFile] = []
        tree = gitread.list_tree(Path(git_dir), commit, links=links)
        contexts[key] = RepoContext(gitread.GitFiles.of_tree(Path(git_dir), tree, links))
    return contexts[key]


def close_contexts(contexts: dict[tuple[str, str], Any]) -> None:
    for old in contexts.values():
        old.files.close()
    contexts.clear()


def parse_task(task: Task, parser: str = DEFAULT_PARSER,
               contexts: dict[tuple[str, str], Any] | None = None) -> FileResult:
    """Parse one file; never raises (an exception becomes a ``failed`` result).

    Args:
        task: the file and its context.
        parser: ``module:function`` of a ``parse_bytes``-like function.
        contexts: where the repository context is kept between files (default: the process's).

    Returns:
        The file's summaries, status and normalized content hash.
    """
    t0 = time.perf_counter()
    res = FileResult(task.repo, task.path, task.commit, task.history, "", "failed", size=len(task.data))
    try:
        res.content_hash = content_hash(task.data, task.path)
        fn = _parse_fn(parser)
        extra = {}
        if task.git_dir and not task.history and _takes_context(fn):
            extra["context"] = _worker_context(task.git_dir, task.tree_commit or task.commit, contexts)
            seen = data_warnings(extra["context"])
        summaries = fn(task.data, task.path, repo=task.repo, commit=task.commit,
                       license=task.license, context_text=task.context_text, **extra)
        if extra:
            res.notes = sorted(data_warnings(extra["context"]) - seen)
        for s in summaries:
            _complete_source(s, task)
            if _sanitize(s):
                res.error = "parser gave a value that is not JSON (dropped)"
        res.summaries = list(summaries)
        statuses = {s.parse.status for s in res.summaries}
        res.status = ("failed" if "failed" in statuses else "partial" if "partial" in statuses
                      else "ok" if statuses else "empty")
        if res.error is None:
            res.internal = next((w for s in res.summaries for w in s.parse.warnings
                                 if str(w).startswith(INTERNAL)), None)
            if res.internal:
                res.error = res.internal[:300]
            elif res.status == "failed":
                # why the file could not be read goes in the manifest (the failed summary itself is not kept)
                res.error = next((str(w)[:300] for s in res.summaries if s.parse.status == "failed"
                                  for w in s.parse.warnings[:1]), None)
    except Exception as exc:  # a parser bug must not stop a harvest of hundreds of repos
        res.status = "failed"
        res.error = internal_error(exc)
        res.internal = traceback.format_exc(limit=-6)
    res.seconds = time.perf_counter() - t0
    return res


# the warnings of a catch-all of the repository pass (join_repository's, the repository's outcomes reader's)
_REPO_INTERNAL = (f"{INTERNAL} repository pass", f"{INTERNAL} outcomes reader (repository)")


def data_warnings(context: Any) -> set[str]:
    """The warnings so far of files a repository context read as data: a config refused (YAML tags,
    aliases that expand exponentially, too deep, too big), a blob that could not be read."""
    got = {shown(w) for ws in context.warnings.values() for w in ws}  # each names its file
    got.update(f"{shown(p)}: {why}: not read" for p, why in getattr(context.files, "unreadable", {}).items())
    return got


def internal_error(exc: BaseException) -> str:
    """A one-line report of a caught bug: ``internal error: Type: message at file.py:line in function``.

    Only the last frame's file name is kept (no folder: manifests are committed).
    """
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno} in {tb[-1].name}" if tb else ""
    return f"{INTERNAL} {type(exc).__name__}: {str(exc)[:200]}{where}"


def parse_batch(tasks: list[Task], parser: str = DEFAULT_PARSER) -> list[FileResult]:
    """Parse whole repositories' files in order (one dask task), each repository in a context of its own
    (a dask worker's threads share the process: no context is kept between tasks)."""
    contexts: dict[tuple[str, str], Any] = {}
    try:
        return [parse_task(t, parser, contexts) for t in tasks]
    finally:
        close_contexts(contexts)


def repository_batches(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    """Tasks in batches of whole repositories (one at least, then more until ``size`` files): the
    files of a repository come together, and one process reads them in order."""
    out: list[Task] = []
    for _repo, group in groupby(tasks, key=lambda t: t.repo):
        out.extend(group)
        if len(out) >= size:
            yield out
            out = []
    if out:
        yield out


def _timeout_result(task: Task, seconds: float, why: str) -> FileResult:
    return FileResult(task.repo, task.path, task.commit, task.history,
                      content_hash(task.data, task.path), "failed", error=why,
                      size=len(task.data), seconds=seconds)


# ---------------------------------------------------------------------------
# Local process pool with a hard time bound per file


def _worker_main(conn: Connection, parser: str) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(parse_task(task, parser))


class _RepositoryQueue:
    """Hands out tasks so that one worker reads all of a repository's files, in their order.

    ``tasks`` gives each repository's files together. A worker keeps its repository until every one of
    its files is handed out; an idle worker takes a repository nobody reads, and the files of a
    repository another worker reads that it meets on the way wait for that worker.
    """

    def __init__(self, tasks: Iterator[Task]) -> None:
        self.tasks = tasks
        self.waiting: dict[str, deque[Task]] = {}  # taken from ``tasks``, not handed out yet (insertion: oldest)
        self.reader: dict[str, int] = {}  # repository -> its worker
        self.reading: dict[int, str] = {}  # worker -> its repository
        self.last: str | None = None  # the repository ``tasks`` gives now: more of its files may come
        self.exhausted = False

    def _pull(self) -> Task | None:
        if self.exhausted:
            return None
        task = next(self.tasks, None)
        if task is None:
            self.exhausted = True
        else:
            self.last = task.repo
        return task

    def _take(self, repo: str) -> Task:
        queue = self.waiting[repo]
        task = queue.popleft()
        if not queue:
            del self.waiting[repo]
        return task

    def next_for(self, worker: int) -> Task | None:
        """The next file for an idle worker; None: nothing it may read now."""
        repo = self.reading.get(worker)
        if repo is not None:
            if repo in self.waiting:
                return self._take(repo)
            while repo == self.last and (task := self._pull()) is not None:
                if task.repo == repo:
                    return task
                self.waiting.setdefault(task.repo, deque()).append(task)
            del self.reading[worker]  # every file of its repository is handed out
            del self.reader[repo]
        repo = next((r for r in self.waiting if r not in self.reader), None)
        while repo is None:
            task = self._pull()
            if task is None:
                return None
            self.waiting.setdefault(task.repo, deque()).append(task)
            if task.repo not in self.reader:
                repo = task.repo
        self.reader[repo] = worker
        self.reading[worker] = repo
        return self._take(repo)


class LocalPool:
    """N worker processes, one file at a time each, so a file that hangs is known and killed.

    A worker that exceeds ``timeout`` on a file is terminated and replaced;
    the file gets a ``failed`` result saying so. A worker that dies gives
    the same.
    """

    def __init__(self, workers: int, parser: str = DEFAULT_PARSER, timeout: float = FILE_TIMEOUT):
        self.n = max(1, workers)
        self.parser = parser
        self.timeout = timeout
        self.ctx = mp.get_context("spawn")
        self.timeouts = 0
        self._workers: list[tuple[Any, Connection]] = []

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker_main, args=(child, self.parser), daemon=True)
        p.start()
        child.close()
        return p, parent

    def __enter__(self) -> LocalPool:
        self._workers = [self._start() for _ in range(self.n)]
        return self

    def __exit__(self, *exc: object) -> None:
        for _p, conn in self._workers:
            try:
                conn.send(None)
            except OSError:
                pass
        for p, conn in self._workers:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
            conn.close()
        self._workers = []

    def map(self, tasks: Iterable[Task]) -> Iterator[FileResult]:
        """Parse every task; results come as they finish (unordered).

        A repository's files all go to one worker, in the order they come (``tasks`` gives each
        repository's files together): what its repository context has read before a file (the facts of
        the modules read, their budget) is then the same in every run, whatever the number of workers or
        their speed, so the same repositories give the same summaries. A worker replaced after a timeout
        starts its repository's context anew.
        """
        plan = _RepositoryQueue(iter(tasks))
        idle = list(range(self.n))
        busy: dict[int, tuple[Task, float]] = {}
        while True:
            for i in list(idle):
                task = plan.next_for(i)
                if task is None:
                    continue
                idle.remove(i)
                try:
                    self._workers[i][1].send(task)
                except OSError:
                    self._replace(i)
                    self._workers[i][1].send(task)
                busy[i] = (task, time.monotonic(), self._cpu(i))
            if not busy:
                return
            conns = {self._workers[i][1]: i for i in busy}
            # a worker spends CPU no faster than the clock runs: none can be over budget before ``left``
            left = min(self.timeout - self._spent(i, start, cpu0)[0] for i, (_, start, cpu0) in busy.items())
            for conn in wait(list(conns), timeout=max(0.0, left)):
                i = conns[conn]
                task, start, _cpu0 = busy.pop(i)
                try:
                    yield conn.recv()
                except (EOFError, OSError):
                    self._replace(i)
                    res = _timeout_result(task, time.monotonic() - start,
                                          f"{INTERNAL} worker process died")
                    res.internal = res.error
                    yield res
                idle.append(i)
            for i, (task, start, cpu0) in list(busy.items()):
                spent, wall = self._spent(i, start, cpu0)
                if spent >= self.timeout or wall >= WALL_FACTOR * self.timeout:
                    busy.pop(i)
                    self._replace(i)
                    self.timeouts += 1
                    yield _timeout_result(task, wall, f"timeout: parsing took over {self.timeout:g} s of CPU time")
                    idle.append(i)

    def _cpu(self, i: int) -> float | None:
        """CPU seconds worker ``i`` has used (Linux ``/proc``), else None."""
        pid = self._workers[i][0].pid
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return None

    def _spent(self, i: int, start: float, cpu0: float | None) -> tuple[float, float]:
        """(budget spent, wall seconds) of worker ``i``'s file: its CPU time where the system tells it, so a
        busy machine (other jobs on its cores) times out the same files as an idle one; else wall time."""
        wall = time.monotonic() - start
        cpu = self._cpu(i) if cpu0 is not None else None
        return (cpu - cpu0 if cpu is not None and cpu0 is not None else wall), wall

    def _replace(self, i: int) -> None:
        p, conn = self._workers[i]
        if p.is_alive():
            p.kill()
        p.join()
        conn.close()
        self._workers[i] = self._start()


def dask_map(tasks: Iterable[Task], scheduler: str, parser: str = DEFAULT_PARSER,
             batch: int = 16) -> Iterator[FileResult]:
    """Parse tasks on a dask.distributed cluster, whole repositories per dask task (as
    :meth:`LocalPool.map`, so the summaries are those of a local run).

    The client streams batches (at most a few per worker in flight), so
    the file bytes never all sit in memory at once.

    Args:
        tasks: the files to parse.
        scheduler: ``tcp://HOST:PORT`` of a running scheduler.
        parser: ``module:function`` importable on the workers.
        batch: files per dask task (at least one whole repository).

    Returns:
        FileResults as they finish (unordered).
    """
    from dask.distributed import Client, as_completed

    with Client(scheduler, timeout="30s") as client:
        nworkers = max(1, sum(client.nthreads().values()))
        batches = repository_batches(tasks, batch)
        ac = as_completed()
        for b in islice(batches, nworkers * 4):
            ac.add(client.submit(parse_batch, b, parser, pure=False))
        for fut in ac:
            results = fut.result()
            fut.release()
            b = next(batches, None)
            if b:
                ac.add(client.submit(parse_batch, b, parser, pure=False))
            yield from results


# ---------------------------------------------------------------------------
# Planning repositories


def plan_repo(repo_dir: str | Path, name: str | None = None, history: bool = False) -> RepoPlan:
    """List a repository's candidate files, license and READMEs (no blob reads but those).

    Args:
        repo_dir: a fetch mirror folder, bare git dir or work tree.
        name: ``owner/name`` to record (default: from the mirror name or remote).
        history: also list example files that only older commits hold.

    Returns:
        The plan; raises gitread.GitError when the directory is not a readable repo.
    """
    git_dir = gitread.find_git_dir(repo_dir)
    if git_dir is None:
        raise gitread.GitError(f"{repo_dir}: no git repository here")
    repo = gitread.repo_name(git_dir, name)
    commit = gitread.head_commit(git_dir)
    skipped: list[tuple[str, str]] = []
    links: list[gitread.TreeFile] = []
    files = gitread.list_tree(git_dir, commit, skipped, links=links)
    paths = [f.path for f in files]
    plan = RepoPlan(repo=repo, git_dir=git_dir, commit=commit, license=None,
                    files_listed=len(files), history=history)
    for name, why in skipped:
        # An entry the harvest would not read anyway (lib.so -> lib.so.1, a macOS "Icon\r") is not
        # worth a line; one posing as an example, README or LICENSE is, and so is a submodule.
        if name and not why.startswith("submodule") and not (
                is_candidate(name) or _README.match(name.rsplit("/", 1)[-1]) or pick_license_file([name])):
            continue
        plan.warnings.append(f"{shown(name)}: {why}" if name else why)
    lic = pick_license_file(paths)
    readmes = {}
    for f in files:
        base = f.path.rsplit("/", 1)[-1]
        if _README.match(base):
            folder = f.path.rsplit("/", 1)[0] if "/" in f.path else ""
            # prefer README.md over README.rst etc. in the same folder
            if folder not in readmes or base.lower().endswith(".md"):
                readmes[folder] = f.blob
    plan.readmes = readmes
    if lic:
        blob = next(f.blob for f in files if f.path == lic)
        with gitread.BlobReader(git_dir) as rd:
            data = rd.read(blob, max_bytes=TEXT_BYTES)
        plan.license = license_of_text(data.decode("utf-8", "replace")) if data else None
    plan.candidates = [f for f in files if is_candidate(f.path)]
    context = gitread.GitFiles.of_tree(git_dir, files, links)
    plan.context_blobs, plan.context_links = context.blobs, context.links
    if history:
        old = gitread.deleted_files(git_dir, keep=paths)
        plan.candidates += [f for f in old if is_history_candidate(f.path)]
        plan.files_listed += len(old)
    return plan


def _candidates_then_importers(plan: RepoPlan, later: list[gitread.TreeFile], dl_stems: set[str],
                               rd: gitread.BlobReader, skip: Callable[[str], None]
                               ) -> Iterator[tuple[gitread.TreeFile, bytes | None]]:
    """The plan's candidates (bytes not read yet: None), then, with their bytes, the non-DL ones
    (collected in ``later`` on the way) that import a module of the repository that is DL code:
    a ``train.py`` that only imports ``model`` trains it."""
    for f in plan.candidates:
        yield f, None
    pattern = importers_pattern(sorted(dl_stems))
    for f in list(later):
        data = rd.read(f.blob)
        if pattern is not None and data is not None and pattern.search(data):
            yield f, data
        else:
            skip("no_dl")


def iter_tasks(plan: RepoPlan, on_skip: Callable[[str], None] | None = None) -> Iterator[Task]:
    """Read the plan's candidate blobs and yield those that import a DL framework.

    ``on_skip(reason)`` is called for each candidate not yielded
    (``missing``, ``too_big``, ``lfs``, ``no_dl``), so a progress bar can tick.
    """
    skip = on_skip or (lambda reason: None)
    readme_text: dict[str, str | None] = {}
    later: list[gitread.TreeFile] = []
    dl_stems: set[str] = set()
    with gitread.BlobReader(plan.git_dir, max_bytes=MAX_BYTES - 1) as rd:
        for f, again in _candidates_then_importers(plan, later, dl_stems, rd, skip):
            if again is not None:
                data, why = again, None
            elif f.size is not None and f.size >= MAX_BYTES:
                data, why = None, "too_big"
            else:
                data, why = rd.read_capped(f.blob)
            if why == "too_big":
                plan.too_big += 1
                plan.missing_blobs += 1
                size = f"{f.size / 2**20:,.1f} MiB" if f.size is not None else "over the limit"
                plan.warnings.append(f"{shown(f.path)}: {size}, over the {MAX_BYTES // 2**20} MiB limit: not read")
                skip("too_big")
                continue
            if data is None:
                plan.missing_blobs += 1
                if why == "corrupt":
                    plan.warnings.append(f"{shown(f.path)}: its git object is corrupt: not read")
                skip("missing")
                continue
            if data.startswith(LFS_POINTER):
                plan.warnings.append(f"{shown(f.path)}: Git LFS pointer (the content is not in the repository): "
                                     "not read")
                skip("lfs")
                continue
            if unit_test(f.path, data):
                skip("no_dl")
                continue
            if again is None and not imports_dl(data):
                if f.commit == plan.commit and f.path.endswith((".py", ".ipynb")):
                    later.append(f)  # read again if it imports a module of the repository that is DL code
                else:
                    skip("no_dl")
                continue
            dl_stems.add(f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            plan.dl_files += 1
            blob = nearest_readme(f.path, plan.readmes)
            if blob is not None and blob not in readme_text:
                raw = rd.read(blob, max_bytes=TEXT_BYTES)
                readme_text[blob] = readme_words(raw.decode("utf-8", "replace")) if raw else None
            yield Task(repo=plan.repo, path=f.path, commit=f.commit, data=data,
                       license=plan.license, context_text=readme_text.get(blob) if blob else None,
                       history=f.commit != plan.commit, git_dir=str(plan.git_dir), tree_commit=plan.commit)


# ---------------------------------------------------------------------------
def near_totals(repos: list[dict[str, Any]], near: DedupStats,
                old_near: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The manifest's ``dedup``: this run's removals plus those a resumed run's earlier part made.

    Each repository record keeps its own counts (``near_duplicates``), so a
    resumed run, which sees only the copies the earlier part kept, reports
    what an uninterrupted run would.
    """
    kinds = ("by_content", "by_structure")
    total = {k: 0 for k in kinds}
    by_repo: Counter = Counter()
    for r in repos:
        name = r["repo"]
        counts = {k: old_near.get(name, {}).get(k, 0) + near.by_repo_kind[(name, k)] for k in kinds}
        if any(counts.values()):
            r["near_duplicates"] = counts
        else:
            r.pop("near_duplicates", None)
        for k in kinds:
            total[k] += counts[k]
        by_repo[name] += sum(counts.values())
    by_repo = +by_repo
    return {"removed": sum(total.values()), **total,
            "by_repo": dict(sorted(by_repo.items(), key=lambda kv: (-kv[1], kv[0])))}


# Selection (dedup), ordering and writing


def _summary_key(s: Summary) -> tuple:
    return (s.source.repo or "", s.source.path, s.source.line_start or 0, s.name, s.id)


def select(repos: list[dict[str, Any]], summaries_by_file: dict[tuple[str, str], list[Summary]]
           ) -> tuple[list[Summary], int, int]:
    """Remove duplicate files across repositories and order the summaries.

    Files rank by their repository (more DL files first: collections before
    the projects that copy from them; then by name), then current files
    before history ones, then path. The first file with a given normalized
    hash keeps its models; later ones are marked ``duplicate_of`` in place.

    Args:
        repos: manifest records (``repo``, ``dl_files``, ``files`` with
            ``path``, ``hash``, ``models``, ``history``).
        summaries_by_file: (repo, path) -> that file's summaries.

    Returns:
        (summaries sorted for output, duplicate files, duplicate models).
    """
    order = sorted(repos, key=lambda r: (-r.get("dl_files", 0), r["repo"].lower(), r["repo"]))
    first: dict[str, str] = {}
    kept: list[Summary] = []
    dup_files = dup_models = 0
    for r in order:
        for f in sorted(r["files"], key=lambda f: (bool(f.get("history")), f["path"])):
            f.pop("duplicate_of", None)
            mine = summaries_by_file.get((r["repo"], f["path"]), [])
            # (a definition file read as nothing on its own holds the examples the repository pass joined
            # there: hifi-gan's models.py, trained by train.py)
            if not f.get("models") and not mine:
                continue
            where = f"{r['repo']}:{f['path']}"
            h = f.get("hash")
            if h and h in first and first[h] != where:
                f["duplicate_of"] = first[h]
                dup_files += 1
                dup_models += f.get("models") or len(mine)
                continue
            if h:
                first[h] = where
            kept.extend(mine)
    kept.sort(key=_summary_key)
    return kept, dup_files, dup_models


def _write_summaries(path: Path, summaries: list[Summary]) -> None:
    try:
        from corpus.record.store import write_summaries
    except ImportError:  # store.py is engineer D's; the format is the same
        import gzip
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            for s in summaries:
                fh.write((s.to_json() + "\n").encode("utf-8"))
        os.replace(tmp, path)
        return
    write_summaries(path, summaries)


def _read_summaries(path: Path) -> list[Summary]:
    if not path.exists():
        return []
    try:
        from corpus.record.store import load_summaries
    except ImportError:
        import gzip

        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return [Summary.from_json(line) for line in fh if line.strip()]
    return load_summaries(path)


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _keep_in_corpus(s: Summary) -> bool:
    # A failed summary with no layers is the parser's "could not read this
    # file" marker: counted in the manifest, useless to someone looking for
    # examples.
    return not (s.parse.status == "failed" and not s.layers)


# ---------------------------------------------------------------------------
# The journal: what an interrupted run had parsed


def journal_path(out: Path) -> Path:
    """Where the harvest writing ``out`` keeps its journal (removed once ``out`` is complete)."""
    return out.parent / (out.name + JOURNAL_SUFFIX)


@functools.cache
def reader_version() -> str:
    """A digest of the code that turns a file into summaries (``corpus/readers``, ``knowledge``, ``record``)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for part in ("readers", "knowledge", "record"):
        for f in sorted((root / part).glob("*.py")):
            h.update(f"{part}/{f.name}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class Journal:
    """Every parsed file, one JSON line each, appended as results arrive.

    A line is written (and flushed to the kernel, which keeps it when the
    process is killed) per file, and fsync'd at most every ``sync_seconds``
    (for a power cut). The first line names the parser, a digest of the
    reader's code and the history flag: a journal written with others is not reused. A line cut by a kill
    is dropped and the file truncated before it. Results are keyed by
    (repository, HEAD commit, path, file commit): a repository that moved
    on is parsed again.
    """

    def __init__(self, path: Path, parser: str, history: bool, sync_seconds: float = 5.0,
                 reader: str | None = None) -> None:
        self.path = path
        # the reader's own code too: a run resumed after the readers changed reads every file again
        self.header = {"journal": 1, "parser": parser, "reader": reader or reader_version(), "history": history}
        self.sync_seconds = sync_seconds
        self._fh: Any = None
        self._last_sync = 0.0
        self._good = 0  # bytes of whole lines :meth:`load` kept

    @staticmethod
    def key(repo: str, head: str, path: str, commit: str) -> tuple[str, str, str, str]:
        return (repo, head, path, commit)

    def load(self) -> dict[tuple[str, str, str, str], FileResult]:
        """The results of an earlier run with the same parser and history flag (else none)."""
        done: dict[tuple[str, str, str, str], FileResult] = {}
        good = 0  # bytes up to the last whole line
        try:
            fh = open(self.path, "rb")
        except OSError:
            return done
        with fh:
            first = fh.readline()
            try:
                if not first.endswith(b"\n") or json.loads(first) != self.header:
                    return done
            except ValueError:
                return done
            good = len(first)
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # cut by a kill
                try:
                    d = json.loads(line)
                    res = FileResult(d["repo"], d["path"], d["commit"], d["history"], d["hash"], d["status"],
                                     [Summary.from_json(x) for x in d["summaries"]], d.get("error"),
                                     d.get("size", 0), 0.0, d.get("internal"), d.get("notes", []))
                except (ValueError, KeyError, TypeError):
                    break
                done[self.key(res.repo, d["head"], res.path, res.commit)] = res
                good += len(line)
        self._good = good
        return done

    def open(self, resume: bool) -> None:
        """Start writing: after what :meth:`load` kept when resuming, else from scratch."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        good = self._good if resume else 0
        if good:
            self._fh = open(self.path, "r+b")
            self._fh.truncate(good)
            self._fh.seek(good)
        else:
            self._fh = open(self.path, "wb")
            self._fh.write(json.dumps(self.header).encode() + b"\n")
            self._sync()

    def add(self, res: FileResult, head: str) -> None:
        d = {"repo": res.repo, "head": head, "path": res.path, "commit": res.commit, "history": res.history,
             "hash": res.content_hash, "status": res.status, "error": res.error, "size": res.size,
             "internal": res.internal, "notes": res.notes, "summaries": [x.to_json() for x in res.summaries]}
        self._fh.write(json.dumps(d, ensure_ascii=False).encode("utf-8") + b"\n")
        self._fh.flush()
        if time.monotonic() - self._last_sync > self.sync_seconds:
            self._sync()

    def _sync(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fh is not None:
            self._sync()
            self._fh.close()
            self._fh = None

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# The harvest


def resolve_repos(repos: list[str], mirror: str | None, repos_file: str | None
                  ) -> tuple[list[tuple[Path, str | None]], list[str]]:
    """Which repository folders to harvest.

    Args:
        repos: folders given on the command line.
        mirror: a folder of fetch mirrors (``owner+name``); with no ``repos``,
            the repositories listed in ``repos_file`` found there (all of
            the mirror's repositories when the list is missing or empty).
        repos_file: lines ``owner/name`` (``#`` comments allowed).

    Returns:
        ((folder, owner/name or None), ...) and the listed names not found.
    """
    if repos:
        return [(Path(r), None) for r in repos], []
    if not mirror:
        return [], []
    mdir = Path(mirror)
    names: list[str] = []
    rf = Path(repos_file) if repos_file else DEFAULT_REPOS_FILE
    if rf.exists():
        for line in rf.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if re.fullmatch(r"[\w.-]+/[\w.-]+", line) and line not in names:
                names.append(line)
    if not names:
        found = sorted(p for p in mdir.iterdir() if "+" in p.name and gitread.find_git_dir(p))
        return [(p, p.name.replace("+", "/", 1)) for p in found], []
    out: list[tuple[Path, str | None]] = []
    missing: list[str] = []
    for n in names:
        p = mdir / n.replace("/", "+", 1)
        if gitread.find_git_dir(p):
            out.append((p, n))
        else:
            missing.append(n)
    return out, missing


# C901: the planning is _plan_all; what is left, absorb, tasks and write, are closures
# over this run's state (records, pending counts, the journal, the bar): a class would hold it.
def harvest(repo_dirs: list[tuple[Path, str | None]], out: Path, *, workers: int | None = None,  # noqa: C901
            scheduler: str | None = None, history: bool = False, resume: bool = False, reread: bool = False,
            parser: str = DEFAULT_PARSER, progress: bool = True, file_timeout: float = FILE_TIMEOUT,
            checkpoint_seconds: float = 120.0, log: Callable[[str], None] | None = None,
            dask_batch: int = 16) -> HarvestStats:
    """Harvest repositories into ``out`` (summaries) and ``out``'s folder's manifest.json.

    Args:
        repo_dirs: (folder, owner/name or None) pairs.
        out: the summaries file (gzip JSON Lines).
        workers: local processes (default: all cores); ignored with ``scheduler``.
        scheduler: ``tcp://HOST:PORT`` of a dask.distributed scheduler.
        history: also read example files that only older commits hold.
        resume: keep repositories already in the manifest at the same commit, and
            the files an interrupted run had parsed (its journal).
        reread: with ``resume``, read the given repositories again even at the same commit (a newer
            parser, the corpus harvested across sessions); those not given stay as they were.
        parser: ``module:function`` of the parse function.
        progress: show a tqdm bar.
        file_timeout: seconds per file before its worker is replaced (local pool).
        checkpoint_seconds: write what is done this often, so a killed run resumes.
        log: where warnings go (default: stderr).
        dask_batch: files per dask task.

    Returns:
        The counts printed at the end.
    """
    from tqdm import tqdm

    say = log or (lambda m: print(m, file=sys.stderr))
    t0 = time.perf_counter()
    stats = HarvestStats()
    manifest_path = out.parent / MANIFEST_NAME
    earlier = _old_repos(manifest_path, say)  # (read also without resume: an unreadable one is said)
    old_repos = earlier if resume else {}
    old_summaries = _read_summaries(out) if resume and old_repos else []
    plans, kept_old = _plan_all(repo_dirs, old_repos, history, progress, say, stats, reread)
    # a resumed run re-deduplicates only what survived the earlier one: its removals are carried
    old_near = {n: dict(r.get("near_duplicates") or {}) for n, r in kept_old.items()}

    summaries_by_file: dict[tuple[str, str], list[Summary]] = {}
    for s in old_summaries:
        if s.source.repo in kept_old:
            summaries_by_file.setdefault((s.source.repo, s.source.path), []).append(s)

    records = {p.repo: _new_record(p, history) for p in plans}
    pending: Counter = Counter()
    planned_done: set[str] = set()
    total = sum(len(p.candidates) for p in plans)
    bar = tqdm(total=total, desc="harvest", unit="file", disable=not progress, smoothing=0.05)
    journal = Journal(journal_path(out), parser, history)
    journaled = journal.load() if resume else {}
    journal.open(resume=bool(journaled))
    internal: list[tuple[str, str, str]] = []  # (repo, path, traceback)
    notes: dict[str, set[str]] = {}  # repo -> warnings of data files its parses refused (FileResult.notes)

    def absorb(res: FileResult) -> None:
        bar.update(1)
        rec = records[res.repo]
        pending[res.repo] -= 1
        file_rec: dict[str, Any] = {"path": res.path, "hash": res.content_hash,
                                    "status": res.status, "models": len(res.summaries)}
        if res.history:
            file_rec["history"] = True
            file_rec["commit"] = res.commit
        if res.error:
            file_rec["error"] = res.error
        if res.internal:
            internal.append((res.repo, res.path, res.internal))
        notes.setdefault(res.repo, set()).update(res.notes)
        rec["files"].append(file_rec)
        rec["status"][res.status] = rec["status"].get(res.status, 0) + 1
        rec["models"] += len(res.summaries)
        if res.summaries:
            summaries_by_file[(res.repo, res.path)] = res.summaries

    in_journal = {k[0] for k in journaled}

    def tasks() -> Iterator[Task]:
        for p in plans:
            todo = iter_tasks(p, on_skip=lambda reason: bar.update(1))
            if p.repo in in_journal:
                # a repository is read whole by one worker, so its files' summaries depend on what its
                # context read before them: one only partly in the journal is read again from its start
                todo = list(todo)
                done = [journaled.get(Journal.key(t.repo, p.commit, t.path, t.commit)) for t in todo]
                if all(d is not None for d in done):
                    pending[p.repo] += len(todo)
                    for d in done:
                        stats.resumed_files += 1
                        absorb(d)
                    todo = []
            for t in todo:
                pending[p.repo] += 1
                yield t
            rec = records[p.repo]
            rec["dl_files"] = p.dl_files
            rec["missing_blobs"] = p.missing_blobs
            stats.skipped_entries += len(p.warnings)
            planned_done.add(p.repo)

    def finished_repos() -> list[str]:
        return [r for r in planned_done if pending[r] == 0]

    plan_of = {p.repo: p for p in plans}
    joined: dict[str, dict[tuple[str, str], list[Summary]]] = {}

    def write(final: bool) -> None:
        done = finished_repos() if not final else list(records)
        for n in done:  # entries left out, then data files refused while parsing (known once all are in)
            every = plan_of[n].warnings + sorted(notes.get(n, ()))
            more = len(every) - MAX_WARNINGS
            if every:
                records[n]["warnings"] = every[:MAX_WARNINGS] + ([f"... and {more} more"] if more > 0 else [])
        repos = [kept_old[n] for n in sorted(kept_old)] + [records[n] for n in sorted(done)]
        for r in repos:
            r["files"].sort(key=lambda f: (bool(f.get("history")), f["path"]))
            r["status"] = dict(sorted(r.get("status", {}).items()))
        kept, dup_files, dup_models = select(repos, whole_repositories(summaries_by_file, plan_of, joined, done))
        for n in done:  # a bug in the repository pass is an internal error too, counted once per repository
            bug = next((w for v in joined.get(n, {}).values() for s in v for w in s.parse.warnings
                        if str(w).startswith(_REPO_INTERNAL)), None)
            if bug:
                records[n]["internal_error"] = str(bug)[:300]
        kept = [s for s in kept if _keep_in_corpus(s)]
        # forks, translations and copies of one tutorial count once; the dates come from the
        # repository records (kept across resumes), so a resumed run chooses the same copies
        dates = {r["repo"]: r["first_commit_time"] for r in repos if r.get("first_commit_time")}
        kept, near = dedup(kept, dates)
        per_repo = Counter(s.source.repo for s in kept)
        for r in repos:
            r["models_kept"] = per_repo.get(r["repo"], 0)
        _write_summaries(out, kept)
        manifest = _manifest(repos, kept, parser, history)
        manifest["dedup"] = near_totals(repos, near, old_near)
        _write_json(manifest_path, manifest)
        stats.models, stats.duplicate_files, stats.duplicate_models = len(kept), dup_files, dup_models
        stats.near_duplicates = manifest["dedup"]["removed"]

    if scheduler:
        results = dask_map(tasks(), scheduler, parser, batch=dask_batch)
        pool = None
    else:
        pool = LocalPool(workers or os.cpu_count() or 1, parser, file_timeout)
        pool.__enter__()
        results = pool.map(tasks())
    last_checkpoint = time.monotonic()
    try:
        for res in results:
            stats.parsed_files += 1
            journal.add(res, records[res.repo]["commit"])
            absorb(res)
            if checkpoint_seconds and time.monotonic() - last_checkpoint > checkpoint_seconds:
                write(final=False)
                last_checkpoint = time.monotonic()
    finally:
        bar.close()
        if pool is not None:
            stats.timeouts = pool.timeouts
            pool.__exit__(None, None, None)
        journal.close()
    write(final=True)
    journal.remove()  # the output is complete: nothing to resume

    stats.repos = len(plans)
    stats.add_records(records.values())
    internal += [(n, "(repository pass)", r["internal_error"]) for n, r in records.items() if r.get("internal_error")]
    internal.sort(key=lambda x: (x[0], x[1]))
    stats.internal_errors = len(internal)
    stats.tracebacks = [f"{repo}:{path}\n{tb}" for repo, path, tb in internal[:5]]
    stats.seconds = time.perf_counter() - t0
    return stats


def _old_repos(manifest_path: Path, say: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """The repositories of an earlier run's manifest, by name (``{}`` when there is none)."""
    old_manifest: dict[str, Any] = {}
    if manifest_path.exists():
        try:
            old_manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            say(f"warning: {manifest_path.name} unreadable: harvesting everything again")
    return {r["repo"]: r for r in old_manifest.get("repos", [])}


def _plan_all(repo_dirs: list[tuple[Path, str | None]], old_repos: dict[str, dict[str, Any]], history: bool,
              progress: bool, say: Callable[[str], None], stats: HarvestStats, reread: bool = False
              ) -> tuple[list[RepoPlan], dict[str, dict[str, Any]]]:
    """Plan every repository first (cheap: ls-tree), so the bar knows its total.

    Returns:
        (the plans of the repositories to harvest, the earlier records kept as they were by name:
        same commit, or not given this time).
    """
    from tqdm import tqdm

    plans: list[RepoPlan] = []
    kept_old: dict[str, dict[str, Any]] = {}
    seen_names: set[str] = set()
    for folder, name in tqdm(repo_dirs, desc="listing", unit="repo", disable=not progress, leave=False):
        try:
            plan = plan_repo(folder, name, history=history)
        except (gitread.GitError, OSError) as e:
            say(f"warning: skipped {folder}: {e}")
            continue
        if plan.repo in seen_names:
            continue
        seen_names.add(plan.repo)
        prev = old_repos.get(plan.repo)
        if prev and not reread and prev.get("commit") == plan.commit and bool(prev.get("history")) == history:
            kept_old[plan.repo] = prev
            stats.repos_skipped += 1
            continue
        plans.append(plan)
    # repositories harvested before but not given this time stay as they were
    for name, prev in old_repos.items():
        if name not in seen_names:
            kept_old[name] = prev
    return plans, kept_old


def _new_record(p: RepoPlan, history: bool) -> dict[str, Any]:
    """A repository's manifest record before its files are parsed."""
    return {"repo": p.repo, "commit": p.commit, "license": p.license,
            "history": history, "files_listed": p.files_listed,
            "candidates": len(p.candidates), "dl_files": 0, "missing_blobs": 0,
            "status": {}, "models": 0, "files": [],
            "first_commit_time": gitread.first_commit_time(p.git_dir)}


def whole_repositories(summaries_by_file: dict[tuple[str, str], list[Summary]], plan_of: dict[str, RepoPlan],
                       joined: dict[str, dict[tuple[str, str], list[Summary]]], done: list[str]
                       ) -> dict[tuple[str, str], list[Summary]]:
    """The summaries with each finished repository read as one.

    Each repository is joined once (``joined`` keeps it across checkpoints);
    repositories kept from an earlier run (no plan) were written joined.
    """
    view = dict(summaries_by_file)
    keys_of: dict[str, list[tuple[str, str]]] = {}  # one pass over the files, not one per repository
    for key in summaries_by_file:
        keys_of.setdefault(key[0], []).append(key)
    for name in done:
        plan = plan_of.get(name)
        if plan is None:
            continue
        if name not in joined:
            joined[name] = join_repository(plan, {k[1]: summaries_by_file[k] for k in keys_of.get(name, ())})
        for key in keys_of.get(name, ()):
            if _current(view[key], plan):
                del view[key]
        for key, summaries in joined[name].items():
            view.setdefault(key, []).extend(summaries)
    return view


def _current(summaries: list[Summary], plan: RepoPlan) -> bool:
    return all(s.source.commit in (None, plan.commit) for s in summaries)


def join_repository(plan: RepoPlan, per_path: dict[str, list[Summary]]) -> dict[tuple[str, str], list[Summary]]:
    """A repository's per-file summaries put together (the spec's "Whole repositories"), by (repo, path).

    Files of older commits (``--history``) stay as they were read. A bug in the
    pass must not lose the repository: its files then stay as read, with an
    internal-error warning.
    """
    from corpus.readers.repo_context import RepoContext
    from corpus.readers.repository import join

    current = {p: v for p, v in per_path.items() if _current(v, plan)}
    out: dict[tuple[str, str], list[Summary]] = {}
    files = gitread.GitFiles(plan.git_dir, plan.context_blobs)
    files.links = plan.context_links
    try:
        context = RepoContext(files)
        for path in sorted(current):  # the order of read_repository, whatever order the files came in
            context.module_facts(path)
        result = join(current, context, repo=plan.repo, commit=plan.commit).summaries
    except Exception as exc:  # noqa: BLE001 (one bug must not lose a repository: counted as internal)
        warning = f"{INTERNAL} repository pass: {type(exc).__name__}: {str(exc)[:160]}"
        result = [s for v in current.values() for s in v]
        for s in result:
            s.parse.warnings.append(warning)
    finally:
        files.close()
    for s in result:
        out.setdefault((plan.repo, s.source.path), []).append(s)
    return out


def _manifest(repos: list[dict[str, Any]], kept: list[Summary], parser: str, history: bool
              ) -> dict[str, Any]:
    status = Counter()
    for r in repos:
        status.update(r.get("status", {}))
    return {
        "schema_version": 1,
        "what": "every repository harvested into summaries.jsonl.gz: rebuild with "
                "`examplenet harvest --mirror DIR` after fetching these repositories at these commits",
        "totals": {
            "repos": len(repos),
            "repos_with_models": len({s.source.repo for s in kept}),
            "dl_files": sum(r.get("dl_files", 0) for r in repos),
            "files_parsed": dict(sorted(status.items())),
            "internal_errors": sum(1 for r in repos for f in r.get("files", [])
                                   if str(f.get("error") or "").startswith(INTERNAL))
            + sum(1 for r in repos if r.get("internal_error")),
            "models": len(kept),
        },
        "repos": sorted(repos, key=lambda r: r["repo"].lower()),
    }


def run_harvest(args: Any) -> int:
    """`examplenet harvest`: the CLI entry (arguments parsed by cli.py).

    Returns:
        0 on success, 2 when there is nothing to harvest.
    """
    repos = list(getattr(args, "repos", []) or [])
    mirror = getattr(args, "mirror", None)
    repo_dirs, missing = resolve_repos(repos, mirror, getattr(args, "repos_file", None))
    if missing:
        print(f"warning: {len(missing)} repositories of the list are not under {mirror} "
              f"(fetch them first): {', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}",
              file=sys.stderr)
    if not repo_dirs:
        print("nothing to harvest: give repository folders (bare git dirs or work trees), "
              "or --mirror DIR holding the fetch mirrors of corpus/repos.txt", file=sys.stderr)
        return 2
    out = Path(args.out) if getattr(args, "out", None) else DEFAULT_OUT
    stats = harvest(
        repo_dirs, out,
        workers=getattr(args, "workers", None),
        scheduler=getattr(args, "scheduler", None),
        history=bool(getattr(args, "history", False)),
        resume=bool(getattr(args, "resume", False)),
        reread=bool(getattr(args, "reread", False)),
        parser=getattr(args, "parser", None) or DEFAULT_PARSER,
        file_timeout=getattr(args, "file_timeout", None) or FILE_TIMEOUT,
        progress=not getattr(args, "quiet", False),
    )
    for line in stats.lines():
        print(line)
    print(f"wrote {out} and {out.parent / MANIFEST_NAME}")
    return 0
