"""``examplenet search``: the examples for a task, as a table or as JSON.

Plain output is a table (rank, score, repository/path, framework, dataset,
task, layers) under a line saying how many examples matched and what was read
from the words; ``--json`` prints one JSON array of summaries, best first,
each with a ``score`` (notes go to stderr so stdout stays pure JSON).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence

from index.search import ExampleIndex, Filters, Hit, SearchResult, dumps_hits
from index.store import IndexProblem, IndexStale, load_index


def _open(index_dir: str | None) -> ExampleIndex | None:
    try:
        return load_index(index_dir)
    except IndexStale as e:
        if not e.usable:
            print(f"examplenet search: {e}", file=sys.stderr)
            return None
        print(f"warning: {e.reason}; searching it anyway (the newest summaries are missing). "
              f"Rebuild with: {e.command}", file=sys.stderr)
        return load_index(index_dir, check_stale=False)
    except IndexProblem as e:
        print(f"examplenet search: {e}", file=sys.stderr)
        return None


def describe(result: SearchResult, query: str) -> str:
    """One line: how many examples, how many matched, and what the words said."""
    parts = []
    for fld, value in result.understood.items():
        hard = getattr(result.filters, fld, None) == value
        parts.append(f"{fld}={value}" if hard else f"{fld}~{value}")
    if len(result.hits) > result.total_matching:
        # a thin dataset filled up with its family and task (the shortfall note says how)
        head = f"{len(result.hits)} examples ({result.total_matching} matching) for {query!r}"
    else:
        head = f"{len(result.hits)} of {result.total_matching} matching examples for {query!r}"
    applied = ", ".join(f"{k}={v}" for k, v in result.filters.as_dict().items())
    if applied:
        head += f" [filters: {applied}]"
    if parts:
        head += f" (read from the words: {', '.join(parts)}; = filter, ~ boost)"
    return head


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "\u2026"


def _cut_middle(text: str, width: int) -> str:
    """Shorten keeping both ends: the repository and the file name both matter."""
    if len(text) <= width:
        return text
    head = max(1, (width - 1) * 2 // 5)
    return text[:head] + "\u2026" + text[len(text) - (width - 1 - head):]


def format_table(hits: Sequence[Hit], width: int | None = None) -> str:
    """The hits as an aligned text table that fits ``width`` columns.

    Args:
        hits: best first.
        width: terminal width (default: the current terminal, at least 100).

    Returns:
        The table, header first.
    """
    width = width or max(100, shutil.get_terminal_size((140, 24)).columns)
    rows = []
    for i, h in enumerate(hits, 1):
        s = h.summary
        where = f"{s.source.repo or '?'}/{s.source.path}"
        if s.source.line_start:
            where += f":{s.source.line_start}"
        layers = " > ".join(s.layer_types)
        rows.append([str(i), f"{h.score:.3f}", where, s.framework, ",".join(s.datasets) or "-",
                     s.task, f"{len(s.layers)}: {layers}" if s.layers else "0"])
    head = ["#", "score", "repository/path", "framework", "dataset", "task", "layers"]
    caps = [4, 6, 64, 10, 16, 24, 0]
    widths = [max(len(head[c]), *(len(r[c]) for r in rows)) if rows else len(head[c]) for c in range(len(head))]
    widths = [min(w, cap) if cap else w for w, cap in zip(widths, caps, strict=True)]
    # narrow terminals: give up path, then task and dataset width before the layers
    for col, floor in ((2, 24), (5, 19), (4, 8)):
        over = sum(widths[:-1]) + 2 * (len(head) - 1) + 20 - width
        if over > 0:
            widths[col] = max(floor, widths[col] - over)
    fixed = sum(widths[:-1]) + 2 * (len(head) - 1)
    widths[-1] = max(20, width - fixed)
    lines = ["  ".join(_cut(h, w).ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for r in rows:
        cells = [(_cut_middle if c == 2 else _cut)(v, w).ljust(w) for c, (v, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def run_search(args: argparse.Namespace) -> int:
    """``examplenet search``.

    Args:
        args: query, dataset, framework, task, k, json, index_dir.

    Returns:
        The exit status: 0; 1 when the index cannot be used (message on stderr);
        2 for a bad argument.
    """
    if args.k is not None and args.k < 1:
        print("examplenet search: -k must be at least 1", file=sys.stderr)
        return 2
    ix = _open(getattr(args, "index_dir", None))
    if ix is None:
        return 1
    filters = Filters(dataset=args.dataset, framework=args.framework, task=args.task)
    result = ix.search(args.query, k=args.k or 100, filters=filters)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(dumps_hits(result.hits))
        return 0
    print(describe(result, args.query))
    if not result.hits:
        print("no examples match; try fewer filters", file=sys.stderr)
        return 0
    print(format_table(result.hits))
    return 0
