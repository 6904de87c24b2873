"""``examplenet compare FILE|DIR``: how a model differs from the examples for its task.

The file is parsed statically (``corpus.readers.parser.parse_bytes``: never imported
or run); a folder (or a ``.zip`` of one) is read as one repository and its
models listed: the first (the trained one with the most layers) is compared,
``--model NAME`` picks another. The population is the model's own dataset on
its task first, then its family, its task, the nearest
(``assistant.compare.choose_population``), ranked by the ``--task`` words or
else the task, dataset and layer types the parser read; and
``assistant.compare.compare`` lists the differences with their evidence.

Plain output is readable text; ``--json`` prints one object::

    {"model": {...summary...},
     "population": {"count": 100, "query": "...", "filters": {...}, "understood": {...},
                    "how": "...", "notes": [...], "ids": [...],
                    "tiers": [{"what", "label", "filters", "count"}, ...]},
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

from assistant.compare import (
    WARNING,
    Finding,
    PopulationChoice,
    choose_population,
    compare,
    inferred_query,
)
from corpus.record.summary import Summary

__all__ = ["CompareError", "Report", "compare_with_index", "format_report", "inferred_query", "read_model",
           "pick_model", "read_project", "read_zip", "run_compare"]

# A model script is a few KB; beyond this it is not a script someone wrote by hand.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Other models of a project named in the note (a model zoo holds hundreds).
MAX_OTHERS_SHOWN = 8


class CompareError(Exception):
    """A problem the user can fix; the message says how. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Report:
    """The result of comparing one model with its population."""

    model: Summary
    population: list[Summary]
    query: str
    filters: dict[str, Any]
    understood: dict[str, Any]
    findings: list[Finding]
    others: list[Summary] = field(default_factory=list)  # other models in the file or project
    notes: list[str] = field(default_factory=list)
    choice: PopulationChoice | None = None

    def how(self) -> str:
        if self.choice is not None:
            return f"{len(self.population)} examples: {self.choice.how()}"
        how = f"the {len(self.population)} examples the index retrieves for {self.query!r}"
        if self.filters:
            how += " with " + ", ".join(f"{k}={v}" for k, v in self.filters.items())
        return how

    def to_dict(self) -> dict[str, Any]:
        population = {
            "count": len(self.population),
            "query": self.query,
            "filters": self.filters,
            "understood": self.understood,
            "how": self.how(),
            "notes": self.notes,
            "ids": [s.id for s in self.population],
        }
        if self.choice is not None:
            population["tiers"] = [t.to_dict() for t in self.choice.tiers]
        out = {"model": self.model.to_dict(), "population": population,
               "findings": [f.to_dict() for f in self.findings]}
        if self.others:
            out["others"] = [{"name": o.name, "path": o.source.path, "layers": len(o.layers)} for o in self.others]
        return out


def pick_model(models: list[Summary], where: str, model_name: str | None) -> tuple[Summary, list[Summary]]:
    """The model to compare (``model_name``, else the one with a loss and the most layers) and the others."""
    models = sorted(models, key=lambda s: (s.hyperparameters.loss is None, -len(s.layers)))
    if model_name:
        wanted = model_name.strip()
        hit = [m for m in models if m.name == wanted or f"{m.source.path}:{m.name}" == wanted]
        if not hit:
            names = ", ".join(dict.fromkeys(m.name for m in models))
            raise CompareError(f"no model named {wanted!r} in {where}; it defines: {names}")
        return hit[0], [m for m in models if m is not hit[0]]
    return models[0], models[1:]


def _no_model(where: str, summaries: list[Summary]) -> CompareError:
    why = "; ".join(w for s in summaries for w in s.parse.warnings[:3])[:400]
    return CompareError(
        f"no model found in {where}: the parser read no layers"
        + (f" ({why})" if why else "")
        + ". compare needs a Keras or PyTorch model definition (Sequential, functional, "
          "or an nn.Module with forward()).")


def read_project(folder: str | Path) -> tuple[list[Summary], list[str]]:
    """The models of a folder read as one repository, and notes on how it was read.

    Uses ``corpus.readers.repository.read_repository`` (a model defined in one
    file and trained in another is one example) when the checkout has it;
    else each code file is parsed alone.
    """
    root = Path(folder)
    try:
        from corpus.readers.repository import read_folder, read_repository
    except ImportError:  # the whole-repository pass is not in this checkout: file by file
        read_repository = None
    notes: list[str] = []
    if read_repository is not None:
        files, skipped = read_folder(root)
        got = read_repository(files)
        summaries = got.summaries
        # what was left out or refused (a symlink out, a config with YAML tags, a notebook too deep)
        notes += skipped + got.warnings + [f"{s.source.path}: {s.parse.warnings[0]}" for s in summaries
                                           if s.parse.status == "failed" and s.parse.warnings]
    else:
        from corpus.harvest.paths import walk_files
        from corpus.readers.parser import parse_path

        notes.append("read file by file (this version has no whole-repository reader)")
        summaries = []
        for f, warning in walk_files(root, (".py", ".ipynb"), (".git", "__pycache__", ".venv", "venv",
                                                                "node_modules", "site-packages")):
            if f is None or warning:
                continue
            rel = "/".join(f.relative_to(root).parts)
            summaries += parse_path(f, display_path=rel)
    return summaries, notes


def read_zip(path: str | Path) -> tuple[list[Summary], list[str]]:
    """The models of a zipped repository: extracted (bounded) into a temporary folder that is
    removed afterwards, then read as :func:`read_project` reads a folder."""
    import tempfile

    from corpus.harvest.archive import extract_zip

    with tempfile.TemporaryDirectory(prefix="examplenet-zip-") as tmp:
        got = extract_zip(path, tmp)
        summaries, notes = read_project(tmp)
    notes = [w for w in got.warnings[:5]] + notes
    if len(got.warnings) > 5:
        notes.append(f"{len(got.warnings) - 5} more entries left out of the zip")
    return summaries, notes


def read_model(path: str | Path, model_name: str | None = None) -> tuple[Summary, list[Summary]]:
    """Parse a file, a folder (one repository) or a ``.zip`` of one, and pick the model to compare.

    Args:
        path: a ``.py``, ``.ipynb`` or ``.md`` file, a folder, or a ``.zip``.
        model_name: the model to compare (``--model``), by name or ``PATH:NAME``;
            default: the model with a loss and the most layers (in a GAN file,
            the trained one).

    Returns:
        ``(model, others)``: the model, and the other models found.

    Raises:
        CompareError: the input cannot be read, holds no model, or no model of that name.
    """
    model, others, _ = read_models(path, model_name)
    return model, others


def read_models(path: str | Path, model_name: str | None = None) -> tuple[Summary, list[Summary], list[str]]:
    """As :func:`read_model`, with notes on how a folder or zip was read."""
    p = Path(path)
    if p.is_dir():
        summaries, notes = read_project(p)
        return (*_chosen(summaries, path, model_name), notes)
    if not p.is_file():
        raise CompareError(f"no such file: {path}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES and p.suffix.lower() != ".zip":
        # Rounded up: a file just over the limit must not read as "5.0 MB" against "5 MB".
        shown = math.ceil(size / 2**20 * 10) / 10
        raise CompareError(f"{path} is {shown:.1f} MB; compare reads model scripts up to "
                           f"{MAX_FILE_BYTES // 2**20} MB")
    if p.suffix.lower() == ".zip":
        summaries, notes = read_zip(p)
        return (*_chosen(summaries, path, model_name), notes)
    from corpus.readers.parser import parse_bytes

    try:
        data = p.read_bytes()
    except OSError as e:
        raise CompareError(f"cannot read {path}: {e.strerror or e}") from e
    return (*_chosen(parse_bytes(data, p.name), path, model_name), [])


def _chosen(summaries: list[Summary], path: str | Path, model_name: str | None) -> tuple[Summary, list[Summary]]:
    """:func:`pick_model` over the summaries that have layers; CompareError when none has."""
    models = [s for s in summaries if s.layers]
    if not models:
        raise _no_model(str(path), summaries)
    return pick_model(models, str(path), model_name)


def compare_with_index(model: Summary, index: Any, task_words: str | None = None, k: int = 100,
                       filters: dict[str, Any] | None = None) -> Report:
    """Choose the model's population from ``index`` and compare.

    The population is the model's own dataset on its task first, then its
    dataset's family, then its task, then the nearest of any task
    (:func:`assistant.compare.choose_population`).

    Args:
        model: the parsed model.
        index: an ``index.search.ExampleIndex``.
        task_words: the user's description of the task (``--task``): the words
            the examples are ranked by; None: words inferred from the model.
        k: how many examples.
        filters: filters kept in every tier (the chat's).

    Returns:
        A :class:`Report`.
    """
    from corpus.readers import fragments

    choice = choose_population(index, model, k=k, query=task_words, filters=filters)
    population = choice.summaries
    return Report(model=model, population=population, query=choice.query,
                  filters=dict(choice.filters), understood=dict(choice.understood),
                  findings=compare(model, population, choice.reference),
                  notes=[f"read as a fragment: {n}" for n in fragments.notes_of(model.parse.warnings)]
                  + list(choice.notes),
                  choice=choice)


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
        names = list(dict.fromkeys(o.name or "?" for o in report.others))
        shown = ", ".join(names[:MAX_OTHERS_SHOWN]) + (f" and {len(names) - MAX_OTHERS_SHOWN} more"
                                                       if len(names) > MAX_OTHERS_SHOWN else "")
        lines.append(f"note: also found {shown}; compared {m.name} (pick another with --model NAME)")
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
        args: ``file`` (a file, a folder or a ``.zip``), ``model``, ``task``, ``k``, ``json``,
            ``index_dir`` (see cli.py).
        index: an already open ``ExampleIndex`` (tests); default: load ``--index-dir``.

    Returns:
        The exit status (module docstring).
    """
    try:
        model, others, notes = read_models(args.file, getattr(args, "model", None))
        if index is None:
            index = _open_index(getattr(args, "index_dir", None))
        k = max(1, int(getattr(args, "k", 100) or 100))
        report = compare_with_index(model, index, getattr(args, "task", None), k)
        report.others = others
        report.notes[:0] = notes
    except CompareError as e:
        print(f"examplenet compare: {e}", file=sys.stderr)
        return e.code
    if getattr(args, "json", False):
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(format_report(report, args.file))
    return 0
