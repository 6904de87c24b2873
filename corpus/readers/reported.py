"""Results an example reports itself: stored notebook outputs and README result tables.

Read statically: a notebook's JSON keeps what its cells printed when its
author ran them (a Keras progress line, ``Test accuracy: 0.91``), and a
README's Markdown tables name models or files beside their scores. Nothing
here runs or imports the code it reads.

Shapes::

    notebook_results(...) -> [(stored line, Reported(metric, value, split, epoch, where)), ...]
    readme_results(...)   -> {key: [Reported, ...]}   # key: one of the caller's model keys

Accuracies are fractions in [0, 1] (``91.2%`` and ``91.2`` give 0.912);
losses and other metrics stay as printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from corpus.record.summary import Reported, Summary, github_url

SPLITS = ("train", "val", "test")
# Output text past this many characters in one notebook is not read: outputs
# can hold megabytes of logs, and the results are at the end of training anyway.
MAX_OUTPUT_CHARS = 4_000_000
MAX_LINE_CHARS = 20_000
MAX_RESULT_LINES = 300  # lines of one output read for results (a long log's last ones)  # one printed line (old Keras progress bars repeat themselves with backspaces)

# A metric as printed: an optional split prefix, the metric name, a separator and a number.
# ``val_accuracy: 0.95``, ``Test Acc 91.2%``, ``training_loss=0.3``, ``Accuracy: 9899/10000 (99%)``.
# Each pattern below that opens with a look-behind opens first with a look-ahead at the letters its
# matches can start with: the regex engine then skips other positions in C, instead of trying the
# whole pattern at every character of a long output (three times faster; same matches).
_METRIC = re.compile(
    r"(?=[tvedamscblfr])(?<![\w.])"
    r"(?P<prefix>(?:train(?:ing)?|val(?:id(?:ation)?)?|test(?:ing)?|eval|dev)(?:[ _-]?set)?[ _-]?)?"
    r"(?:avg[ _-]|average[ _-]|mean[ _-])?"
    r"(?P<metric>(?:sparse_categorical_|categorical_|binary_)?acc(?:uracy)?|loss|f1(?:[ _-]?score)?"
    r"|top[ _-]?1(?:[ _-]?acc(?:uracy)?)?|auc|rmse|mae|mse)"
    r"(?![\w(])['\"]?[ \t]*(?::|=|\bis\b)?[ \t]*"
    r"(?P<value>\d+(?:\.\d+)?(?:e[-+]?\d+)?|\.\d+)(?![\w.])"
    r"(?:[ \t]*/[ \t]*(?P<den>\d+)(?:[ \t]*\((?P<pct2>\d+(?:\.\d+)?)[ \t]*%\))?)?"
    r"(?P<pct>[ \t]*%)?",
    re.IGNORECASE,
)
# "Accuracy of the network on the 10000 test images: 54 %" (the PyTorch tutorial's wording)
_ACC_ON = re.compile(
    r"(?<!\w)accuracy of the (?:network|model|net) on (?:the )?[\d,]* ?(?P<split>test|val\w*|train\w*)"
    r"[\w ]*?:[ \t]*(?P<value>\d+(?:\.\d+)?)[ \t]*(?P<pct>%)?",
    re.IGNORECASE,
)
_METRIC_WORDS = ("acc", "loss", "f1", "top", "auc", "mae", "mse")  # one is in every match of _METRIC
_EPOCH = re.compile(r"(?=e)(?<![\w])epoch\b[ \t:#]*\[?(?P<n>\d+)(?:[ \t]*/[ \t]*(?P<total>\d+))?", re.IGNORECASE)
# A line without any of these prints no result (most output lines: arrays, logs, tables).
_KEYWORD_LOW = re.compile(r"acc|loss|f1|auc|mae|mse|top|epoch")  # on lower-cased text: faster than IGNORECASE
_SPLIT_WORD = re.compile(r"(?=[tv])(?<![a-z])(test(?:ing)?|val(?:id(?:ation)?)?|train(?:ing)?)(?![a-z])", re.IGNORECASE)
_EVALUATE = re.compile(r"(?:\.evaluate(?:_generator)?|\baccuracy_score|\.score)\s*\(([^)]{0,200})")
_STEP = re.compile(r"(?=[sibm])(?<![\w])(?:step|iter(?:ation)?|batch|minibatch)\b[ \t:#]*\[?\d+", re.IGNORECASE)
_TEST_WORD = re.compile(r"test", re.IGNORECASE)
_VAL_WORD = re.compile(r"(?<![a-z])val(?:id(?:ation)?)?(?![a-z])|x_val|y_val|_val\b", re.IGNORECASE)


def split_of(prefix: str | None) -> str | None:
    """``val_`` -> val, ``Test `` -> test, ``training_`` -> train; None when there is no prefix."""
    if not prefix:
        return None
    p = prefix.strip(" _-").lower()
    if p.endswith("set"):
        p = p[:-3].strip(" _-")
    if p.startswith("train"):
        return "train"
    if p.startswith(("val", "eval", "dev")):
        return "val"
    if p.startswith("test"):
        return "test"
    return None


def metric_name(raw: str) -> str:
    """``val_accuracy``/``acc``/``top-1`` -> accuracy, ``F1 score`` -> f1, others lower case."""
    m = raw.lower().replace("-", "_").replace(" ", "_")
    if m.startswith("top") or m.endswith(("acc", "accuracy")):
        return "accuracy"
    if m.startswith("f1"):
        return "f1"
    return m


def fraction(metric: str, value: float, percent: bool) -> float | None:
    """An accuracy (or F1, AUC) as a fraction in [0, 1]; None when it cannot be one."""
    if metric not in ("accuracy", "f1", "auc"):
        return value
    if percent or 1.0 < value <= 100.0:
        value /= 100.0
    if not 0.0 <= value <= 1.0:
        return None
    return round(value, 6)


# -- notebooks -------------------------------------------------------------------------
def _text(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, list):
        return "".join(s for s in x if isinstance(s, str))
    return ""


def _cells(nb: Any) -> list[dict]:
    if isinstance(nb, dict) and isinstance(nb.get("cells"), list):
        cells = nb["cells"]
    elif isinstance(nb, dict) and isinstance(nb.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in nb["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    else:
        return []
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]


def _output_texts(cell: dict) -> list[str]:
    """What a code cell printed, one entry per output (streams, results; never tracebacks)."""
    out = []
    for o in cell.get("outputs") or []:
        if not isinstance(o, dict) or o.get("output_type") in ("error", "pyerr"):
            continue
        text = _text(o.get("text"))
        if not text and isinstance(o.get("data"), dict):
            text = _text(o["data"].get("text/plain"))
        if text:
            out.append(text)
    return out


def _source_hint(source: str) -> str | None:
    """The split a cell's code evaluates on, where it names one: ``model.evaluate(x_test, y_test)``."""
    ev = _EVALUATE.search(source)
    if ev is None:
        return None  # words elsewhere in a cell (a test_loader built there) say nothing of what it prints
    scope = ev.group(1)
    test, val = bool(_TEST_WORD.search(scope)), bool(_VAL_WORD.search(scope))
    if test and not val:
        return "test"
    if val and not test:
        return "val"
    return None


class _Locator:
    """Stored line numbers of printed text, found in order in the raw JSON."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0
        # the last position looked up and its line: positions only move forward (from the cursor),
        # so each look-up counts the newlines since the last one instead of indexing every line
        self.at = (0, 1)

    def line(self, *spellings: str) -> int:
        pos = -1
        for s in spellings:
            if s:
                pos = self.raw.find(s, self.cursor)
                if pos >= 0:
                    break
        if pos < 0:
            pos = self.cursor
        else:
            self.cursor = pos
        last, line = self.at
        if pos < last:
            last, line = 0, 1
        line += self.raw.count("\n", last, pos)
        self.at = (pos, line)
        return line


def _spellings(text: str) -> tuple[str, str]:
    """How ``text`` is written inside a JSON string (as Jupyter writes it, and ASCII-escaped)."""
    return json.dumps(text, ensure_ascii=False)[1:-1], json.dumps(text)[1:-1]


def line_results(line: str, *, epoch_seen: bool, cell_hint: str | None
                 ) -> tuple[list[tuple[str, float, str, int | None, str]], int | None]:
    """The results printed on one line of output, and the epoch it names.

    Args:
        line: one printed line (``\\r`` and backspaces kept; the last value of each metric wins).
        epoch_seen: an ``Epoch n`` marker was printed earlier in the cell (Keras prints it on its own line).
        cell_hint: the split the cell's code evaluates on (:func:`_source_hint`).

    Returns:
        ``[(metric, value, split, epoch, matched text)]`` and the epoch named on the line, if any.
    """
    found: dict[tuple[str, str], tuple[str, float, str, int | None, str]] = {}
    # Each pattern needs a word of its own (matched ignoring case, so looked for in the case-folded
    # line, where ``ſ`` is an ``s`` as it is to the pattern): a line without it is not scanned.
    folded = line.casefold()
    epochs = _EPOCH.findall(line) if "epoch" in folded else None
    epoch = int(epochs[-1][0]) if epochs else None
    if "accuracy of the " in folded:
        for m in _ACC_ON.finditer(line):
            split = split_of(m.group("split"))
            value = fraction("accuracy", float(m.group("value")), bool(m.group("pct")))
            if split and value is not None:
                found[("accuracy", split)] = ("accuracy", value, split, epoch, m.group(0))
    if not any(word in folded for word in _METRIC_WORDS):
        return list(found.values()), epoch
    unprefixed: list[str | None] = []  # the split of metrics printed without one, worked out once a line
    matches = list(_METRIC.finditer(line))
    for m in matches:
        metric = metric_name(m.group("metric"))
        split = split_of(m.group("prefix"))
        if split is None:
            if not unprefixed:
                unprefixed.append(_line_split(line, epoch, epoch_seen, cell_hint, matches, folded))
            split = unprefixed[0]
        if split is None:
            continue
        v = _metric_value(m, metric)
        if v is None:
            continue
        found[(metric, split)] = (metric, v, split, epoch, m.group(0))
    return list(found.values()), epoch


def _line_split(line: str, epoch: int | None, epoch_seen: bool, cell_hint: str | None,
                matches: list[re.Match[str]], folded: str) -> str | None:
    """The split of a metric printed without a split prefix on ``line`` (``matches``: the line's
    :data:`_METRIC` matches; ``folded``: the line case-folded)."""
    if epoch is not None:
        return "train"
    # the split a line speaks of, outside the metrics' own prefixes ("Test set: Average loss: ...");
    # only where a split word may be ("train" is looked for as "tra": ``ı`` is an ``i`` to the pattern)
    line_hint = None
    if "test" in folded or "val" in folded or "tra" in folded:
        word = _SPLIT_WORD.search(_without(line, matches))
        line_hint = split_of(word.group(1)) if word else None
    if line_hint is not None:
        return line_hint
    if _STEP.search(line) or epoch_seen:
        return "train"
    return cell_hint


def _without(line: str, matches: list[re.Match[str]]) -> str:
    """``line`` with each of ``matches`` (in order, disjoint) replaced by a blank: what
    ``_METRIC.sub(" ", line)`` gives, from the matches found already."""
    parts: list[str] = []
    at = 0
    for m in matches:
        parts.append(line[at:m.start()])
        at = m.end()
    parts.append(line[at:])
    return " ".join(parts)


def _metric_value(m: re.Match[str], metric: str) -> float | None:
    """The value a :data:`_METRIC` match prints (accuracies as fractions); None when it is no result."""
    try:
        value = float(m.group("value"))
    except ValueError:
        return None
    percent = bool(m.group("pct"))
    if percent and metric not in ("accuracy", "f1", "auc"):
        return None  # "loss: 65.81%" is not a loss
    if m.group("den"):
        den = int(m.group("den"))
        if metric != "accuracy" or den == 0 or value > den:
            return None
        value, percent = value / den, False
    return fraction(metric, value, percent)


def notebook_results(data: bytes, path: str, repo: str | None, commit: str | None) -> list[tuple[int, Reported]]:
    """Results a notebook's stored outputs report, with the stored line each is printed on.

    Per cell, the last value of each (metric, split) is kept: the last epoch's
    train and val values and the last test value. Never raises on bad input.

    Args:
        data: the ``.ipynb`` as stored.
        path: its path (for the links).
        repo: ``owner/name``; the links are None without it.
        commit: 40-hex commit for the links (else ``HEAD``).

    Returns:
        ``[(line, Reported)]`` in file order; ``[]`` when nothing is reported.
    """
    try:
        raw = data.decode("utf-8", errors="replace")
        nb = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    return results_of(nb, raw, path, repo, commit)


def _keyword_lines(text: str) -> list[str]:
    """The lines of ``text`` that hold a keyword, found by one scan of the lower-cased text."""
    low = text.lower()
    out: list[str] = []
    end = -1
    for m in _KEYWORD_LOW.finditer(low):
        if m.start() <= end:
            continue  # this line is taken already
        start = low.rfind("\n", 0, m.start()) + 1
        end = low.find("\n", m.end())
        if end < 0:
            end = len(low)
        out.append(text[start:end])
    return out


def results_of(nb: Any, raw: str, path: str, repo: str | None, commit: str | None) -> list[tuple[int, Reported]]:
    """:func:`notebook_results` of a notebook already loaded (``nb``) from its stored text ``raw``."""
    loc = _Locator(raw)
    out: list[tuple[int, Reported]] = []
    budget = [MAX_OUTPUT_CHARS]
    for cell in _cells(nb):
        texts = _output_texts(cell)
        if not texts:
            continue
        hint = _source_hint(_text(cell.get("source", cell.get("input", ""))))
        kept = _cell_results(texts, hint, budget)
        # only the kept results are looked up in the stored text, in the order they were printed
        for _, line, matched, rep in sorted(kept.values(), key=lambda t: t[0]):
            tail = line.rstrip("\r")[-120:]
            at = loc.line(*_spellings(tail), *_spellings(matched))
            rep.where = github_url(repo, commit, path, at, at) if repo else None
            out.append((at, rep))
        if budget[0] < 0:
            break
    out.sort(key=lambda t: t[0])
    return out


def _cell_results(texts: list[str], hint: str | None, budget: list[int]
                  ) -> dict[tuple[str, str], tuple[int, str, str, Reported]]:
    """The last result of each (metric, split) one cell printed.

    Args:
        texts: the cell's outputs.
        hint: the split the cell's code evaluates on.
        budget: ``[characters of output still to read]``, lowered in place; reading stops below 0.

    Returns:
        ``{(metric, split): (order in the cell, the printed line, the matched text, Reported without a link)}``.
    """
    kept: dict[tuple[str, str], tuple[int, str, str, Reported]] = {}
    epoch_seen: int | None = None
    order = 0
    for text in texts:
        budget[0] -= len(text)
        if budget[0] < 0:
            break
        lines, epoch_seen = _result_lines(text, epoch_seen)
        for line in lines:
            results, epoch = line_results(line, epoch_seen=epoch_seen is not None, cell_hint=hint)
            if epoch is not None:
                epoch_seen = epoch
            order += 1
            for metric, value, split, ep, matched in results:
                if split == "test":
                    ep = None
                elif ep is None:
                    ep = epoch_seen
                kept[(metric, split)] = (order, line, matched,
                                         Reported(metric=metric, value=value, split=split, epoch=ep))
    return kept


def _result_lines(text: str, epoch_seen: int | None) -> tuple[list[str], int | None]:
    """The lines of one output that may print results (shortened), and the epoch seen before them."""
    lines = _keyword_lines(text)
    if len(lines) > MAX_RESULT_LINES:
        # a long training log: its last lines hold the last epoch; earlier epochs only set the epoch
        epochs = [e for ln in lines[:-MAX_RESULT_LINES] for e in _EPOCH.findall(ln)]
        if epochs:
            epoch_seen = int(epochs[-1][0])
        lines = lines[-MAX_RESULT_LINES:]
    return [ln[-MAX_LINE_CHARS:] if len(ln) > MAX_LINE_CHARS else ln for ln in lines], epoch_seen


def _start_in(summary: Summary, path: str | None) -> int | None:
    """The line where ``summary``'s model starts in ``path`` (its definition or its training code)."""
    src = summary.source
    if path is None or src.path == path:
        return src.line_start
    if src.train_path == path:
        return src.train_line_start
    return None


def attach(summaries: Sequence[Summary], results: Iterable[tuple[int, Reported]], path: str | None = None) -> int:
    """Give each result to the last model that starts at or before its line, in place.

    A later result of the same metric and split replaces an earlier one (a
    model trained again in a later cell reports its last run).

    Args:
        summaries: the models of one file.
        results: ``(stored line, Reported)`` from :func:`notebook_results`.
        path: the file the results come from; when given, only models defined or
            trained in it (``source.path`` or ``source.train_path``) take results.

    Returns:
        How many results were attached.
    """
    starts = [(st, i) for i, s in enumerate(summaries) if (st := _start_in(s, path)) is not None]
    starts.sort()
    n = 0
    for line, rep in sorted(results, key=lambda t: t[0]):
        owner = None
        for st, i in starts:
            if st <= line:
                owner = summaries[i]
            else:
                break
        if owner is None:
            continue
        owner.reported[:] = [r for r in owner.reported if (r.metric, r.split) != (rep.metric, rep.split)]
        owner.reported.append(rep)
        n += 1
    return n


# -- README tables ---------------------------------------------------------------------
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADER_METRIC = re.compile(
    r"(?<![a-z])(top[ _-]?1|top[ _-]?5|acc(?:uracy)?|f1(?:[ _-]?score)?|auc|loss)(?![a-z])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%)?")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
# Names too common to say which model a table row is about.
_GENERIC = frozenset({"model", "models", "net", "network", "main", "train", "test", "baseline", "ours"})


def _cells_of(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in row.split("|")]


def _plain(cell: str) -> str:
    """A cell's words: link targets kept beside their text, emphasis and code marks dropped."""
    cell = _LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", cell)
    cell = re.sub(r"[*`]+", " ", cell)
    return re.sub(r"(?<!\w)_+|_+(?!\w)", " ", cell).strip()


def _header_metric(header: str) -> tuple[str, str | None] | None:
    """(metric, split) a column header names: ``Test acc (%)`` -> (accuracy, test); None for other columns."""
    m = _HEADER_METRIC.search(header)
    if not m:
        return None
    word = m.group(1).lower().replace(" ", "").replace("_", "").replace("-", "")
    if word == "top5":
        metric = "top5_accuracy"
    else:
        metric = metric_name(m.group(1))
    sw = _SPLIT_WORD.search(header)
    split = split_of(sw.group(1)) if sw else None
    if split is None and re.search(r"(?<![a-z])(eval|dev)(?![a-z])", header, re.IGNORECASE):
        split = "val"
    return metric, split


def _tables(lines: list[str]) -> Iterable[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """Markdown tables: (header line index, header cells, [(row line index, cells)])."""
    i = 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _TABLE_SEP.match(lines[i + 1]) and "-" in lines[i + 1]:
            header = _cells_of(lines[i])
            rows = []
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append((j, _cells_of(lines[j])))
                j += 1
            yield i, header, rows
            i = j
        else:
            i += 1


def _name_patterns(names_and_paths: Mapping[Any, tuple[str, str]]) -> list[tuple[Any, re.Pattern[str]]]:
    pats = []
    for key, (name, path) in names_and_paths.items():
        words = set()
        if name and len(name) >= 3 and name.lower() not in _GENERIC:
            words.add(name)
        if path:
            base = path.replace("\\", "/").rsplit("/", 1)[-1]
            stem = base.rsplit(".", 1)[0]
            words.add(base)
            if len(stem) >= 4 and stem.lower() not in _GENERIC:
                words.add(stem)
            if "/" in path:
                words.add(path)
        words.discard("")
        if words:
            alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            pats.append((key, re.compile(rf"(?<![\w.-])(?:{alt})(?![\w-])", re.IGNORECASE)))
    return pats


def readme_results(text: str, readme_path: str, repo: str | None, commit: str | None,
                   names_and_paths: Mapping[Any, tuple[str, str]]) -> dict[Any, list[Reported]]:
    """Results of a README's Markdown tables whose rows name a model or a file.

    A column is a result when its header names a metric (accuracy, acc, top-1,
    F1, AUC, loss); its split comes from the header's words (test, val), and a
    header that names none is read as the evaluation result (``test``) unless
    the table's headers speak of training. A row gives a result to each model
    whose class/function name or file the row names.

    Args:
        text: the README.
        readme_path: its path in the repository (for the links).
        repo: ``owner/name``; the links are None without it.
        commit: 40-hex commit for the links.
        names_and_paths: ``{key: (model name, file path)}`` of the models that may be named.

    Returns:
        ``{key: [Reported]}`` for the keys some row names.
    """
    out: dict[Any, list[Reported]] = {}
    if "|" not in text:
        return out
    # one pattern per model, compiled only for a README with a table of results (most have none, and a
    # repository's models are many)
    pats: list[tuple[Any, re.Pattern[str]]] | None = None
    lines = text.split("\n")
    for h, header, rows in _tables(lines):
        columns = {ci: hm for ci, cell in enumerate(header) if (hm := _header_metric(_plain(cell)))}
        if not columns:
            continue
        if pats is None:
            pats = _name_patterns(names_and_paths)
        if not pats:
            return out
        trains = any(_SPLIT_WORD.search(c) and split_of(_SPLIT_WORD.search(c).group(1)) == "train" for c in header)
        for r, cells in rows:
            words = " ".join(_plain(c) for ci, c in enumerate(cells) if ci not in columns)
            keys = [key for key, pat in pats if pat.search(words)]
            if not keys:
                continue
            where = github_url(repo, commit, readme_path, h + 1, r + 1) if repo else None
            for ci, (metric, split) in columns.items():
                if ci >= len(cells):
                    continue
                split = split or ("train" if trains else "test")
                m = _NUMBER.search(_plain(cells[ci]))
                if not m:
                    continue
                value = fraction(metric if metric != "top5_accuracy" else "accuracy", float(m.group(1)),
                                 bool(m.group(2)))
                if value is None:
                    continue
                rep = Reported(metric=metric, value=value, split=split, epoch=None, where=where)
                for key in keys:
                    got = out.setdefault(key, [])
                    if not any((g.metric, g.split) == (metric, split) for g in got):
                        got.append(rep)
    return out
