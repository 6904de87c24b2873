"""The examples table: one row per retrieved example, and its CSV/JSON export.

Corpus strings (repository names, paths, dataset names) come from strangers,
so every cell is plain text except the link, which is built here from
escaped text and a URL that must be an http(s) link; nothing from the corpus
reaches the browser as markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

import pandas as pd

from corpus.knowledge.vocab import label
from corpus.record.summary import Summary

COLUMNS = ["#", "repository", "file", "framework", "dataset", "task", "layers", "license", "source"]
# Widths that add up to the table's width at 1280x800 (the link text is short: "lines 10-42").
COLUMN_WIDTHS = ["40px", "18%", "20%", "9%", "9%", "13%", "6%", "9%", "11%"]
# Column types for gr.Dataframe: the link column is Markdown that this module escapes.
DATATYPES = ["number", "str", "str", "str", "str", "str", "number", "str", "markdown"]
EXPORT_COLUMNS = ["rank", "score", "id", "name", "repository", "file", "line_start", "line_end",
                  "framework", "datasets", "task", "layers", "layer_sequence", "license", "url"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~!&$])")
_MD_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])", re.MULTILINE)


def escape_markdown(text: str, keep_newlines: bool = False) -> str:
    """Text that Markdown shows literally: special characters escaped, so no HTML, link or list.

    Args:
        text: untrusted text (corpus strings, user input).
        keep_newlines: keep line breaks (chat paragraphs); otherwise they become spaces (table cells).
    """
    text = text.replace("\r", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), text)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, with characters that could end a Markdown link encoded.

    Returns None for anything else (``javascript:``, ``data:``, relative paths).
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # Keep URL syntax, encode the rest (spaces, quotes, brackets, parentheses, angle brackets).
    return quote(url, safe=":/?#&=%~+@,;!$-._")


def source_label(summary: Summary) -> str:
    """``path:10-42`` for the link text."""
    src = summary.source
    label = src.path or "(file)"
    if src.line_start:
        label += f":{src.line_start}"
        if src.line_end and src.line_end != src.line_start:
            label += f"-{src.line_end}"
    return label


def lines_label(summary: Summary) -> str:
    """``lines 10-42`` (the file is in its own column), or ``source`` when no lines are known."""
    src = summary.source
    if not src.line_start:
        return "source"
    if src.line_end and src.line_end != src.line_start:
        return f"lines {src.line_start}-{src.line_end}"
    return f"line {src.line_start}"


def source_link(summary: Summary) -> str:
    """A Markdown link to the exact source lines, escaped; plain text when there is no safe URL."""
    label = escape_markdown(lines_label(summary))
    url = safe_url(summary.source.url)
    if url is None:
        return label
    return f"[{label}]({url})"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1):]


# How the table can be ordered: label -> (column, descending). Ties keep the retrieval order.
SORTS: dict[str, tuple[str, bool] | None] = {
    "best match": None,
    "fewest layers": ("layers", False),
    "most layers": ("layers", True),
    "repository": ("repository", False),
    "framework": ("framework", False),
    "dataset": ("dataset", False),
    "task": ("task", False),
    "license": ("license", False),
}


def rows(summaries: Sequence[Summary], sort: str = "best match") -> pd.DataFrame:
    """The table shown in the app.

    Args:
        summaries: retrieved examples, best first.
        sort: a key of :data:`SORTS` (unknown keys keep the best-match order).

    Returns:
        A frame with :data:`COLUMNS`; ``#`` is the retrieval rank (1-based)
        whatever the order, which the app uses to find the example a user selects.
    """
    data = [
        [
            rank,
            s.source.repo or "",
            _short(s.source.path or "", 48),
            label(s.framework),
            ", ".join(s.datasets),
            s.task.replace("_", " "),
            len(s.layers),
            s.source.license or "",
            source_link(s),
        ]
        for rank, s in enumerate(summaries, start=1)
    ]
    frame = pd.DataFrame(data, columns=COLUMNS)
    how = SORTS.get(sort)
    if how is not None and len(frame):
        column, descending = how
        key = [v.lower() if isinstance(v, str) else v for v in frame[column]]
        if descending:  # numbers only (layers); ties keep the retrieval order
            order = sorted(range(len(frame)), key=lambda i: (-key[i], i))
        else:
            order = sorted(range(len(frame)), key=lambda i: (key[i], i))
        frame = frame.iloc[order].reset_index(drop=True)
    return frame


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_records(summaries: Sequence[Summary], scores: Sequence[float] | None = None) -> list[dict]:
    """Flat records for the CSV export, best first."""
    out = []
    for rank, s in enumerate(summaries, start=1):
        out.append({
            "rank": rank,
            "score": round(float(scores[rank - 1]), 4) if scores is not None else None,
            "id": s.id,
            "name": s.name,
            "repository": s.source.repo or "",
            "file": s.source.path,
            "line_start": s.source.line_start,
            "line_end": s.source.line_end,
            "framework": s.framework,
            "datasets": ";".join(s.datasets),
            "task": s.task,
            "layers": len(s.layers),
            "layer_sequence": " > ".join(s.layer_types),
            "license": s.source.license or "",
            "url": s.source.url or "",
        })
    return out


def to_csv(summaries: Sequence[Summary], scores: Sequence[float] | None = None) -> str:
    """CSV text of the examples (one row each, the columns of :data:`EXPORT_COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in export_records(summaries, scores):
        writer.writerow({k: _cell(v) if isinstance(v, str) else v for k, v in rec.items()})
    return buf.getvalue()


def to_json(summaries: Sequence[Summary], scores: Sequence[float] | None = None) -> str:
    """A JSON array of the full summaries, best first, each with its ``rank`` and ``score``."""
    items = []
    for rank, s in enumerate(summaries, start=1):
        d = s.to_dict()
        d["rank"] = rank
        d["score"] = round(float(scores[rank - 1]), 4) if scores is not None else None
        items.append(d)
    return json.dumps(items, ensure_ascii=False, indent=1)
