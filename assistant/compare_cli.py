"""``examplenet compare FILE``: how a model differs from the examples for its task.

The file is parsed statically (``corpus.readers.parser.parse_bytes``: never imported
or run), examples are retrieved from the index for its task (``--task``
words, or else the task, dataset and layer types the parser read), and
``assistant.compare.compare`` lists the differences with their evidence.

Plain output is readable text; ``--json`` prints one object::

    {"model": {...summary...},
     "population": {"count": 100, "query": "...", "filters": {...}, "understood": {...},
                    "how": "...", "notes": [...]},
     "findings": [{"kind", "severity", "message", "evidence"}, ...]}

Exit status: 0 when the comparison ran (with or without findings), 1 when
the file holds no model or cannot be read, 2 when the index is missing or
unusable (the message names ``examplenet index build``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.compare import WARNING, Finding, compare
from corpus.record.summary import Summary

# A model script is a few KB; beyond this it is not a script someone wrote by hand.
MAX_FILE_BYTES = 5 * 1024 * 1024
# With the model's task as a filter, fewer hits than this make a thin
# population: search again without the filter.
MIN_POPULATION = 20
# How many layer types go into the inferred query (the embedding sees the start best).
QUERY_LAYERS = 12


class CompareError(Exception):
    """A problem the user can fix; the message says how. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Report:
    """The result of comparing one file's model with its population."""

    model: Summary
    population: list[Summary]
    query: str
    filters: dict[str, Any]
    understood: dict[str, Any]
    findings: list[Finding]
    others: list[Summary] = field(default_factory=list)  # other models in the file
    notes: list[str] = field(default_factory=list)

    def how(self) -> str:
        how = f"the {len(self.population)} examples the index retrieves for {self.query!r}"
        if self.filters:
            how += " with " + ", ".join(f"{k}={v}" for k, v in self.filters.items())
        return how

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.to_dict(),
            "population": {
                "count": len(self.population),
                "query": self.query,
                "filters": self.filters,
                "understood": self.understood,
                "how": self.how(),
                "notes": self.notes,
                "ids": [s.id for s in self.population],
            },
            "findings": [f.to_dict() for f in self.findings],
        }


def read_model(path: str | Path) -> tuple[Summary, list[Summary]]:
    """Parse a file and pick the model to compare.

    Args:
        path: a ``.py``, ``.ipynb`` or ``.md`` file.

    Returns:
        ``(model, others)``: the model with a loss and the most layers (in a
        GAN file, the trained one), and the other models found.

    Raises:
        CompareError: the file cannot be read or holds no model.
    """
    from corpus.readers.parser import parse_bytes

    p = Path(path)
    if not p.is_file():
        raise CompareError(f"no such file: {path}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        # Rounded up: a file just over the limit must not read as "5.0 MB" against "5 MB".
        shown = math.ceil(size / 2**20 * 10) / 10
        raise CompareError(f"{path} is {shown:.1f} MB; compare reads model scripts up to "
                           f"{MAX_FILE_BYTES // 2**20} MB")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise CompareError(f"cannot read {path}: {e.strerror or e}") from e
    summaries = parse_bytes(data, p.name)
    models = [s for s in summaries if s.layers]
    if not models:
        why = "; ".join(w for s in summaries for w in s.parse.warnings[:3])
        raise CompareError(
            f"no model found in {path}: the parser read no layers"
            + (f" ({why})" if why else "")
            + ". compare needs a Keras or PyTorch model definition (Sequential, functional, "
              "or an nn.Module with forward()).")
    models.sort(key=lambda s: (s.hyperparameters.loss is None, -len(s.layers)))
    return models[0], models[1:]


def inferred_query(model: Summary) -> str:
    """Words for retrieval from what the parser read: task, datasets, framework, layers."""
    words = []
    if model.task and model.task != "unknown":
        words.append(model.task.replace("_", " "))
    words += [d for d in model.datasets if d != "custom"]
    seen: list[str] = []
    for t in model.layer_types:
        if t not in seen:
            seen.append(t)
    words += seen[:QUERY_LAYERS]
    return " ".join(words) or "neural network model"


def compare_with_index(model: Summary, index: Any, task_words: str | None = None, k: int = 100) -> Report:
    """Retrieve the model's population from ``index`` and compare.

    Args:
        model: the parsed model.
        index: an ``index.search.ExampleIndex``.
        task_words: the user's description of the task (``--task``); when None
            the query is inferred and the model's task is used as a filter.
        k: how many examples.

    Returns:
        A :class:`Report`.
    """
    from index.search import Filters

    notes: list[str] = []
    if task_words and task_words.strip():
        query = task_words.strip()
        result = index.search(query, k=k)
    else:
        query = inferred_query(model)
        filters = Filters(task=model.task) if model.task and model.task != "unknown" else None
        # The inferred words name datasets and layers: read as the chat reads them
        # (index.understand), they rank, not filter (the task is the one filter).
        result = index.search(query, k=k, filters=filters, understand="soft")
        if filters is not None and len(result.hits) < min(k, MIN_POPULATION):
            notes.append(f"only {len(result.hits)} examples have task {model.task}: "
                         "compared with the closest examples of any task")
            result = index.search(query, k=k, understand="soft")
    population = [h.summary for h in result.hits if h.summary.id != model.id]
    notes += list(getattr(result, "notes", []))
    return Report(model=model, population=population, query=query,
                  filters=result.filters.as_dict(), understood=dict(result.understood),
                  findings=compare(model, population), notes=notes)


def format_report(report: Report, path: str, width: int = 100) -> str:
    """The report as text for a terminal."""
    m = report.model
    head = f"{m.name or 'model'} ({m.framework}, {m.task.replace('_', ' ')}"
    if m.datasets:
        head += ", " + ", ".join(m.datasets)
    head += f"), {len(m.layers)} layers: " + " > ".join(m.layer_types)
    # The path stands alone: a long one must not push the model's description into a wrap.
    lines = [f"{path}:", *textwrap.wrap(head, width, initial_indent="  ", subsequent_indent="    ")]
    if report.others:
        lines.append(f"(the file also defines {', '.join(o.name or '?' for o in report.others)}; "
                     f"compared {m.name})")
    lines.append(f"compared with {report.how()}")
    lines += [f"note: {n}" for n in report.notes]
    lines.append("")
    if not report.findings:
        lines.append("No differences from common practice found: nothing here is far from these examples.")
        return "\n".join(lines)
    warnings = sum(1 for f in report.findings if f.severity == WARNING)
    lines.append(f"{warnings} warning{'s' if warnings != 1 else ''}, "
                 f"{len(report.findings) - warnings} note{'s' if len(report.findings) - warnings != 1 else ''}:")
    for f in report.findings:
        tag = "WARNING" if f.severity == WARNING else "note   "
        lines += textwrap.wrap(f"{tag} [{f.kind}] {f.message}", width, subsequent_indent=" " * 10)
    return "\n".join(lines)


def _open_index(index_dir: str | None) -> Any:
    from index.store import IndexProblem, IndexStale, load_index

    try:
        return load_index(index_dir)
    except IndexStale as e:
        if not getattr(e, "usable", False):
            raise CompareError(str(e), code=2) from e
        print(f"warning: {e.reason}; comparing with it anyway. Rebuild with: {e.command}", file=sys.stderr)
        return load_index(index_dir, check_stale=False)
    except IndexProblem as e:
        raise CompareError(str(e), code=2) from e


def run_compare(args: argparse.Namespace, index: Any = None) -> int:
    """The ``compare`` command.

    Args:
        args: ``file``, ``task``, ``k``, ``json``, ``index_dir`` (see cli.py).
        index: an already open ``ExampleIndex`` (tests); default: load ``--index-dir``.

    Returns:
        The exit status (module docstring).
    """
    try:
        model, others = read_model(args.file)
        if index is None:
            index = _open_index(getattr(args, "index_dir", None))
        k = max(1, int(getattr(args, "k", 100) or 100))
        report = compare_with_index(model, index, getattr(args, "task", None), k)
        report.others = others
    except CompareError as e:
        print(f"examplenet compare: {e}", file=sys.stderr)
        return e.code
    if getattr(args, "json", False):
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(format_report(report, args.file))
    return 0
