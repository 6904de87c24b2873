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
from corpus.readers.environment import shown_framework_version
from corpus.record.summary import Reported, Summary

COLUMNS = ["#", "repository", "file", "framework", "dataset", "task", "layers", "license", "source",
           "result", "version", "GPU"]
# Widths that add up to the table's width at 1280x800 (the link text is short: "lines 10-42").
COLUMN_WIDTHS = ["40px", "11%", "12%", "7%", "8%", "9%", "5%", "7%", "13%", "12%", "9%", "7%"]
# Column types for gr.Dataframe: the link columns are Markdown that this module escapes.
DATATYPES = ["number", "str", "str", "str", "str", "str", "number", "str", "markdown", "markdown", "str", "str"]
EXPORT_COLUMNS = ["rank", "score", "id", "name", "repository", "file", "line_start", "line_end",
                  "framework", "datasets", "task", "layers", "layer_sequence", "license", "url",
                  "train_file", "train_line_start", "train_line_end", "train_url", "reported", "reported_where",
                  "framework_version", "framework_version_inferred", "python", "packages", "gpu", "data_download",
                  "value_sources"]
# What the GPU column says for each Environment.gpu.
GPU_LABELS = {"required": "needs a GPU", "optional": "GPU optional", "cpu": "CPU", None: ""}
# The order a row's headline result is chosen in: held-out accuracy first, training values last.
_RESULT_ORDER = [("accuracy", "test"), ("accuracy", "val"), ("f1", "test"), ("f1", "val"),
                 ("top5_accuracy", "test"), ("auc", "test"), ("loss", "test"), ("loss", "val"),
                 ("accuracy", "train"), ("loss", "train")]
METRIC_SHORT = {"accuracy": "acc", "top5_accuracy": "top-5 acc", "loss": "loss", "f1": "F1", "auc": "AUC"}

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


def train_link(summary: Summary) -> str:
    """A Markdown link to the training code in another file (``trained in train.py``), escaped; "" without one."""
    src = summary.source
    if not src.train_path:
        return ""
    text = escape_markdown(f"trained in {src.train_path.rsplit('/', 1)[-1]}")
    url = safe_url(src.train_url)
    return f"[{text}]({url})" if url else text


def joined_note(summary: Summary) -> str:
    """``defined in models.py, trained in train.py`` for a model joined across files (plain text), else ""."""
    src = summary.source
    if not src.train_path or src.train_path == src.path:
        return ""
    return f"defined in {src.path}, trained in {src.train_path}"


def source_cell(summary: Summary) -> str:
    """The definition's lines, and the training code's file where the model is trained in another one."""
    link = source_link(summary)
    trained = train_link(summary)
    return f"{link} · {trained}" if trained else link


def headline_result(summary: Summary) -> Reported | None:
    """The result a row shows: test accuracy, else validation accuracy, ... training values last."""
    if not summary.reported:
        return None
    rank = {k: i for i, k in enumerate(_RESULT_ORDER)}
    return min(summary.reported, key=lambda r: rank.get((r.metric, r.split), len(rank)))


def _fmt_value(r: Reported) -> str:
    if r.metric in ("accuracy", "top5_accuracy", "f1", "auc") and 0 <= r.value <= 1:
        return f"{100 * r.value:.1f}%"
    return f"{r.value:.4g}"


def result_text(r: Reported) -> str:
    """``test acc 97.3%`` (plain text)."""
    return f"{r.split} {METRIC_SHORT.get(r.metric, r.metric)} {_fmt_value(r)}"


def result_cell(summary: Summary) -> str:
    """The headline reported result, linked to where it is printed; ``+2`` when there are more."""
    r = headline_result(summary)
    if r is None:
        return ""
    text = escape_markdown(result_text(r))
    url = safe_url(r.where)
    cell = f"[{text}]({url})" if url else text
    more = len(summary.reported) - 1
    return cell + (escape_markdown(f" (+{more})") if more > 0 else "")


def version_cell(summary: Summary) -> str:
    """``tensorflow 2.4.1``, or ``tensorflow 1.x (inferred)`` where only the APIs say it."""
    text, inferred = shown_framework_version(summary)
    if not text:
        return ""
    return f"{text} (inferred)" if inferred else text


def gpu_cell(summary: Summary) -> str:
    return GPU_LABELS.get(summary.environment.gpu, "")


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
            source_cell(s),
            result_cell(s),
            version_cell(s),
            gpu_cell(s),
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
        version, inferred = shown_framework_version(s)
        env = s.environment
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
            "train_file": s.source.train_path or "",
            "train_line_start": s.source.train_line_start,
            "train_line_end": s.source.train_line_end,
            "train_url": s.source.train_url or "",
            "reported": "; ".join(f"{r.split} {r.metric} {r.value:g}" + (f" (epoch {r.epoch})" if r.epoch else "")
                                  for r in s.reported),
            "reported_where": " ".join(r.where or "" for r in s.reported).strip(),
            "framework_version": version or "",
            "framework_version_inferred": inferred if version else None,
            "python": env.python or "",
            "packages": "; ".join(f"{k}{v}" for k, v in sorted(env.packages.items())),
            "gpu": env.gpu or "",
            "data_download": env.data_download,
            "value_sources": "; ".join(f"{k}: {v}" for k, v in s.value_sources.items()),
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


MAX_DETAIL_PACKAGES = 12


def _link(text: str, url: str | None) -> str:
    safe = safe_url(url)
    text = escape_markdown(text)
    return f"[{text}]({safe})" if safe else text


def details_markdown(summary: Summary | None) -> str:
    """A few lines on one example: where it is defined and trained, what it reports, how it runs,
    and where its values came from. Markdown whose corpus text is escaped; "" for no example."""
    if summary is None:
        return ""
    src = summary.source
    head = f"**{escape_markdown(summary.name or '(model)')}** in {escape_markdown(src.repo or '(pasted)')}"
    out = [head]
    where = f"Defined in {_link(f'{src.path} {lines_label(summary)}', src.url)}"
    if src.train_path:
        lines = ""
        if src.train_line_start:
            lines = f" lines {src.train_line_start}-{src.train_line_end or src.train_line_start}"
        where += f", trained in {_link(src.train_path + lines, src.train_url)}"
        if src.train_path != src.path:
            where += f" ({escape_markdown(joined_note(summary))}: one example joined across files)"
    out.append("- " + where)
    if summary.reported:
        items = [_link(result_text(r) + (f" (epoch {r.epoch})" if r.epoch else ""), r.where)
                 for r in summary.reported]
        out.append("- Reported: " + ", ".join(items))
    else:
        out.append("- Reported: nothing found in its outputs or README")
    env = summary.environment
    parts = []
    version, inferred = shown_framework_version(summary)
    if version:
        parts.append(escape_markdown(version + (" (inferred from the APIs it uses)" if inferred else "")))
    if env.python:
        parts.append("Python " + escape_markdown(env.python))
    parts.append(escape_markdown({"required": "needs a GPU (moves to CUDA unconditionally)",
                                  "optional": "uses a GPU if there is one", "cpu": "runs on the CPU",
                                  None: "says nothing about a GPU"}.get(env.gpu, str(env.gpu))))
    if env.data_download is True:
        parts.append("downloads its data")
    elif env.data_download is False:
        parts.append("reads local data files")
    if env.packages:
        names = sorted(env.packages.items())
        shown = ", ".join(f"{k}{v}" for k, v in names[:MAX_DETAIL_PACKAGES])
        more = f" and {len(names) - MAX_DETAIL_PACKAGES} more" if len(names) > MAX_DETAIL_PACKAGES else ""
        parts.append("packages: " + escape_markdown(shown + more))
    out.append("- Runs with: " + "; ".join(parts))
    if summary.value_sources:
        out.append("- Values from: " + escape_markdown("; ".join(f"{k}: {v}" for k, v in
                                                                 summary.value_sources.items())))
    return "\n".join(out)
