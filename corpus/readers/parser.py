"""The parser: a script's bytes -> one summary per model (the spec's record).

It reads the file within bounds (size cap, binary check, per-file time
budget), runs the readers the imports call for (Keras, raw TensorFlow,
PyTorch: :mod:`corpus.readers.registry`), lets ``facts.annotate`` add datasets, task, tricks and
preprocessing, then fills ids, source links and line numbers of the file as
stored. Nothing here executes or imports the code it reads, and no input
makes it raise: what cannot be read becomes a ``failed`` summary with a
warning.
"""

from __future__ import annotations

import re
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.readers import fragments
from corpus.readers.facts import annotate
from corpus.readers.registry import READERS, import_families
from corpus.readers.script import Script, SourceText, error_nodes, source_text
from corpus.record.summary import ParseInfo, Source, Summary, github_url, make_id

if TYPE_CHECKING:
    from corpus.readers.repo_context import RepoContext

# Bounds. A notebook's JSON holds outputs (images), so its raw cap is larger;
# the code analysed is capped in all cases (tree-sitter reads ~8 MB/s and the
# extractors are slower: 256 KB of repeated models took 1.7 s of CPU, 128 KB
# keeps the worst input under a second). Of 1,000 real scripts sampled from the
# harvest, none holds over 128 KB of code (the largest, 98 KB).
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_CODE_BYTES = 128 * 1024

# Python 2 statements at the start of a line: print 'x', except E, e:, exec 'code'.
# Each pattern starts with its keyword, which the regex engine scans for in C
# (a leading ``^[ \t]*`` made it try every position); the line start is checked by hand.
_PY2 = (re.compile(r"print[ \t]+[\"'\w]"), re.compile(r"except[ \t]+[\w.()]+[ \t]*,[ \t]*\w+[ \t]*:"),
        re.compile(r"exec[ \t]+[\"']"))
_CONTROL = bytes(b for b in range(32) if b < 9 or 13 < b)
_KERASISH = re.compile(r"\b(Sequential\(|model\.add\(|Conv2D\(|Dense\(|LSTM\()")


def _failed(path: str, warnings: list[str], repo: str | None, commit: str | None, license: str | None,
            framework: str = "unknown") -> Summary:
    name = path.replace("\\", "/").rsplit("/", 1)[-1] or path
    src = Source(repo=repo, commit=commit, path=path, license=license)
    if repo:
        src.url = github_url(repo, commit, path, None, None)
    return Summary(id=make_id(repo, commit, path, name, 0), name=name, source=src, framework=framework,
                   parse=ParseInfo(status="failed", warnings=warnings))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly control characters in the first 8 KiB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    ctrl = len(head) - len(head.translate(None, _CONTROL))
    return ctrl / len(head) > 0.1


def _looks_py2(code: str) -> bool:
    """A Python 2 statement opens a line (after blanks) somewhere in ``code``."""
    for pattern in _PY2:
        for m in pattern.finditer(code):
            i = m.start()
            if not code[code.rfind("\n", 0, i) + 1:i].strip(" \t"):
                return True
    return False


def _cap(st: SourceText, warnings: list[str], size: int) -> SourceText:
    code = st.code
    if len(code) <= MAX_CODE_BYTES:
        return st
    cut = code.rfind("\n", 0, MAX_CODE_BYTES)
    cut = cut if cut > 0 else MAX_CODE_BYTES
    kept = code[:cut]
    n = kept.count("\n") + 1
    warnings.append(f"code is {len(code) / 1e6:.1f} MB; only the first {MAX_CODE_BYTES // 1024} KB "
                    f"({n} lines) were analysed")
    return SourceText(code=kept, orig_lines=st.orig_lines[:n], cells=st.cells[:n] if st.cells else None,
                      kind=st.kind, warnings=st.warnings, notebook=st.notebook)


def _error_lines(script: Script, limit: int = 5) -> list[int]:
    lines: list[int] = []
    for n in error_nodes(script.root):
        ln = script.orig_line(n.start_point[0] + 1) or n.start_point[0] + 1
        if ln not in lines:
            lines.append(ln)
        if len(lines) >= limit:
            break
    return lines


def parse_bytes(data: bytes, path: str, *, repo: str | None = None, commit: str | None = None,
                license: str | None = None, context_text: str | None = None,
                context: RepoContext | None = None) -> list[Summary]:
    """Summaries of the models in one file's bytes. Never raises on bad input.

    Args:
        data: the file as stored (``.py``, ``.ipynb`` or ``.md``).
        path: its path (relative to the repository when ``repo`` is given).
        repo: ``owner/name`` for ``source.repo`` and links.
        commit: 40-hex commit for links (else ``HEAD``).
        license: SPDX id of the repository's license.
        context_text: nearby README words, for the task.
        context: the repository around the file (imported values, config
            files); None reads the file alone.

    Returns:
        One summary per model; ``[]`` for a readable file without a model; one
        ``failed`` summary named after the file when it cannot be read.
    """
    t0 = time.perf_counter()
    try:
        return _parse(data, path, repo, commit, license, context_text, t0, context)
    except Exception as exc:  # a parser bug must not stop a harvest of thousands of files
        return [_failed(path, [internal_error("parser", exc)], repo, commit, license)]


def internal_error(where: str, exc: BaseException) -> str:
    """A catch-all's warning. "internal error:" marks a bug, counted apart from bad input (issue 14)."""
    tb = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno} in {tb[-1].name}" if tb else ""
    return f"internal error: {where}: {type(exc).__name__}: {str(exc)[:160]}{at}"


def _parse(data: bytes, path: str, repo: str | None, commit: str | None, license: str | None,
           context_text: str | None, t0: float, context: RepoContext | None = None) -> list[Summary]:
    args = (repo, commit, license)
    refused = _refused(data, path)
    if refused is not None:
        return [_failed(path, refused, *args)] if refused else []
    warnings: list[str] = []
    st = source_text(data, path)
    if not st.code.strip():
        if st.kind in ("md", "ipynb") and not st.warnings:
            return []
        return [_failed(path, list(st.warnings or ["no Python code found"]), *args)]
    st = _cap(st, warnings, len(data))
    script = Script(st, path=path, context=context)
    if context is not None and st.kind in ("py", "ipynb"):
        script = _with_imported_code(script, st, path, context)
    warnings[:0] = script.warnings
    partial = _code_warnings(script, st, warnings)
    fws = import_families(script)
    fragment = not fws and bool(_KERASISH.search(st.code))
    if fragment:
        _read_as_keras(script, fws, warnings)
    # names used without their import (a pasted fragment): read as the framework they imply
    fragment = bool(fragments.apply(script, fws, warnings).aliases) or fragment
    summaries, failed = _run_readers(script, fws, warnings)
    if fragment:
        summaries = fragments.add_listed(script, summaries, warnings)
    partial = partial or failed
    if not summaries:
        # a reader that crashed (an internal error) is reported even when no other reader found a model
        if st.kind != "md" and partial and (failed or script.has_errors
                                            or any("only the first" in w for w in warnings)):
            return [_failed(path, warnings + ["no model found in what could be read"], *args,
                            framework=_fw_name(fws))]
        return []
    try:
        annotate(script, summaries, context_text, repo)
    except Exception as exc:
        warnings.append(internal_error("dataset/task reader", exc))
    finish(summaries, script, path, repo, commit, license, warnings, partial)
    summaries = _without_skeletons(summaries, data, _error_lines(script, limit=200) if script.has_errors else [])
    summaries = _without_rebuilds(summaries)
    _annotate_outcomes(summaries, data, path, repo, commit, st)
    return summaries


# what an exercise leaves for the learner: "# YOUR CODE HERE", "<???>", "<build discriminator body>"
_TO_FILL_IN = re.compile(r"YOUR CODE|<\?+>|<[A-Za-z][\w ]{0,60}>", re.IGNORECASE)


def _without_skeletons(summaries: list[Summary], data: bytes, error_lines: list[int]) -> list[Summary]:
    """The summaries less the networks an exercise leaves to fill in (issue 11): a "YOUR CODE" marker, or a
    placeholder such as ``nn.Linear(<???>, 1)`` on a line tree-sitter could not read, within the model's lines
    (its definition and layers, and the line after them: a marker closing a layer list; a "YOUR CODE" marker
    above the layers is a solved exercise's). Such a network is not whole, so it is no example."""
    lines = data.decode("utf-8", "replace").splitlines()

    def filled_in(s: Summary) -> bool:
        at = [x.line for x in s.layers if x.line] + [s.source.line_start, s.source.line_end]
        at = [n for n in at if n]
        if not at:
            return True
        lo, hi = min(at), max(at) + 1
        last_layer = max((x.line for x in s.layers if x.line), default=0)
        for n in range(lo, min(hi, len(lines)) + 1):
            m = _TO_FILL_IN.search(lines[n - 1])
            if not m:
                continue
            if m.group(0).upper() != "YOUR CODE":
                if n in error_lines:
                    return False
            # a solved exercise keeps its marker above the code written under it, or an "END" marker after it
            elif n > last_layer and "END" not in lines[n - 1].upper():
                return False
        return True

    return [s for s in summaries if filled_in(s)]


def _without_rebuilds(summaries: list[Summary]) -> list[Summary]:
    """One example per network a file builds again without training it (issue 11's blind samples: a doc's
    ``model = models.resnet18()`` in each snippet, a notebook reloading a checkpoint to look at it, a tutorial
    building one model in several styles): of the copies with the same layers, the trained ones stay, else
    the first."""
    def shape(s: Summary) -> tuple:
        # (a Custom or a Pretrained layer is told apart by what it names; two classes of the file by their
        # names, as one may be the other's variant; a checkpoint loaded again under another name is a copy)
        only_loaded = all(x.type == "Pretrained" for x in s.layers)
        return s.framework, None if only_loaded else s.name, tuple(
            (x.type, x.activation, repr(sorted(x.args.items(), key=str)),
             x.raw if x.type in ("Custom", "Pretrained") else None) for x in s.layers)

    def trained(s: Summary) -> bool:
        hp = s.hyperparameters
        return any(v is not None for v in (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss,
                                          hp.steps))

    groups: dict[tuple, list[Summary]] = {}
    for s in summaries:
        if s.layers and s.parse.status != "failed":
            groups.setdefault(shape(s), []).append(s)
    drop: set[int] = set()
    for same in groups.values():
        if len(same) > 1:
            kept = [s for s in same if trained(s)] or same[:1]
            drop.update(id(s) for s in same if s not in kept)
    return [s for s in summaries if id(s) not in drop] if drop else summaries


def _refused(data: bytes, path: str) -> list[str] | None:
    """Why ``data`` is not parsed at all (``[]``: skipped without a word); None when it is parsed."""
    if not data or not data.strip():
        if path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py":
            return []  # an empty package marker is not a bad input
        return ["empty file: nothing to parse"]
    if len(data) > MAX_FILE_BYTES:
        return [f"file is {len(data) / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit: not parsed"]
    if looks_binary(data):
        return ["binary data, not a script: not parsed"]
    return None


def _code_warnings(script: Script, st: SourceText, warnings: list[str]) -> bool:
    """Warn of cut-off input, syntax errors and Python 2 code (into ``warnings``); True when the
    summaries are partial."""
    partial = bool(warnings and any("only the first" in w for w in warnings))
    if script.has_errors:
        lines = _error_lines(script)
        warnings.append("syntax errors near line(s) " + ", ".join(map(str, lines))
                        + ": tree-sitter recovered, code there may be missed")
        # Markdown code blocks are often shell lines or output, not Python
        partial = partial or st.kind != "md"
    if _looks_py2(st.code[:200_000]):
        warnings.append("Python 2 code (print statement or `except X, e`): read with Python 2 rules")
        partial = True
    return partial


def _annotate_outcomes(summaries: list[Summary], data: bytes, path: str, repo: str | None,
                       commit: str | None, st: SourceText) -> None:
    """Results the file reports (notebook outputs), placed after ``finish`` by the stored file's lines."""
    try:
        from corpus.readers.outcomes import annotate_file

        annotate_file(summaries, data, path, repo, commit, code=st.code, notebook=st.notebook)
    except Exception as exc:
        for s in summaries:
            s.parse.warnings.append(internal_error("outcomes reader", exc))


def _with_imported_code(script: Script, st: SourceText, path: str, context: RepoContext) -> Script:
    """The script with the training and data code it calls in other files read below it (see
    ``RepoContext.imported_code``); those lines map to no line of this file."""
    extra, constants = context.imported_code(script)
    if not extra:
        return script
    code = st.code + "\n\n" + extra
    added = code.count("\n") + 1 - len(st.orig_lines)
    grown = SourceText(code=code, orig_lines=[*st.orig_lines, *([None] * added)],
                       cells=[*st.cells, *([st.cells[-1]] * added)] if st.cells else None,
                       kind=st.kind, warnings=st.warnings, inlined_from=len(st.orig_lines) + 1)
    again = Script(grown, path=path, context=context)
    for k, v in constants.items():
        again.constants.setdefault(k, v)
    return again


def _read_as_keras(script: Script, fws: set[str], warnings: list[str]) -> None:
    """A pasted snippet without imports: Keras names are read as Keras."""
    script.aliases.setdefault("*keras.layers", "keras.layers")
    script.aliases.setdefault("*keras.models", "keras.models")
    for nm in ("Sequential", "Model", "Input"):
        script.aliases.setdefault(nm, "keras.models." + nm if nm != "Input" else "keras.layers.Input")
    fws.add("keras")
    warnings.append("no framework import found: read as Keras")


def _run_readers(script: Script, fws: set[str], warnings: list[str]) -> tuple[list[Summary], bool]:
    """Every registered reader the script's imports call for, in order; True when one of them failed."""
    summaries: list[Summary] = []
    failed = False
    for reader in READERS:
        if not reader.applies_to(fws):
            continue
        try:
            summaries.extend(reader.read(script))
        except Exception as exc:
            warnings.append(internal_error(f"{reader.name} reader", exc))
            failed = True
    return summaries, failed


def _fw_name(fws: set[str]) -> str:
    if "keras" in fws:
        return "keras"
    if "pytorch" in fws:
        return "pytorch"
    return "unknown"


def finish(summaries: list[Summary], script: Script, path: str, repo: str | None, commit: str | None,
           license: str | None, warnings: list[str], partial: bool) -> None:
    """Ids, sources, lines of the file as stored, and parse status, in place."""
    seen: dict[str, int] = {}
    for s in summaries:
        start = script.orig_line(s.source.line_start) if s.source.line_start else None
        end = script.orig_line(s.source.line_end) if s.source.line_end else None
        if start is None and s.source.line_start:
            start = _nearest(script, s.source.line_start, +1)
        if end is None and s.source.line_end:
            end = _nearest(script, s.source.line_end, -1)
        if start and end and end < start:
            end = start
        for layer in s.layers:
            if layer.line:
                layer.line = script.orig_line(layer.line) or _nearest(script, layer.line, -1)
        url = github_url(repo, commit, path, start, end) if repo else None
        s.source = Source(repo=repo, commit=commit, path=path, line_start=start, line_end=end,
                          license=license, url=url)
        s.id = make_id(repo, commit, path, s.name, start)
        # Two models of one name that start on one line (a builder called
        # twice, a notebook cell that rebuilds `model`) still get distinct
        # ids: the second and later take their order in the file.
        seen[s.id] = seen.get(s.id, 0) + 1
        if seen[s.id] > 1:
            s.id = make_id(repo, commit, path, f"{s.name}#{seen[s.id]}", start)
        for w in warnings:
            if w not in s.parse.warnings:
                s.parse.warnings.append(w)
        _no_empty_counts(s)
        if s.parse.status != "failed" and (partial or s.parse.status == "partial"):
            s.parse.status = "partial"


def _no_empty_counts(s: Summary) -> None:
    """A batch of no examples or a run of no epochs is never what a script trains with: a count of 0 was
    read from a value the script fills at run time (``batch_size = len(dataX)`` with ``dataX = []`` appended
    to in a loop), so it is unknown."""
    hp = s.hyperparameters
    for f in ("batch_size", "epochs", "steps"):
        v = getattr(hp, f)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v <= 0:
            setattr(hp, f, None)


def _nearest(script: Script, line: int, step: int) -> int | None:
    orig = script.source.orig_lines
    i = line - 1
    for _ in range(50):
        if 0 <= i < len(orig) and orig[i] is not None:
            return orig[i]
        i += step
    return None


def parse_path(path: str | Path, **kwargs: Any) -> list[Summary]:
    """Summaries of the models in a file on disk (see :func:`parse_bytes`).

    Args:
        path: the file.
        **kwargs: ``repo``, ``commit``, ``license``, ``context_text``; when
            ``context_text`` is not given, the README beside the file is used.

    Returns:
        As :func:`parse_bytes`; a file that cannot be opened gives one
        ``failed`` summary.
    """
    p = Path(path)
    shown = kwargs.pop("display_path", None) or str(path)
    repo, commit, lic = kwargs.get("repo"), kwargs.get("commit"), kwargs.get("license")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            return [_failed(shown, [f"file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit: "
                                    "not parsed"], repo, commit, lic)]
        data = p.read_bytes()
    except OSError as exc:
        return [_failed(shown, [f"cannot read file: {exc.strerror or exc}"], repo, commit, lic)]
    if kwargs.get("context_text") is None:
        kwargs["context_text"] = _readme_near(p)
    return parse_bytes(data, shown, **kwargs)


def _readme_near(p: Path) -> str | None:
    for name in ("README.md", "README.rst", "README.txt", "README"):
        r = p.parent / name
        if r.is_file() and r != p:
            try:
                return r.read_bytes()[:20000].decode("utf-8", "replace")
            except OSError:
                return None
    return None
