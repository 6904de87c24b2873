"""What an example reports and how it runs: fills ``reported`` and ``environment`` in place.

Two entry points, both static and never raising on bad input:

- :func:`annotate_file` reads one file's bytes: the results its notebook
  outputs report (each to the model trained before it), its install cells,
  the GPU need and data download of its code, and the framework version its
  APIs imply where no package file pins one;
- :func:`annotate_repository` reads a repository's package files (a summary
  takes those of the nearest folder at or above its file that has any) and
  its README result tables that name a model or its file.

A framework version inferred from the APIs is not a package the example
names, so it is kept in ``value_sources["environment.framework"]`` (for
example ``"tensorflow 1.x, inferred from the APIs used"``), never in
``environment.packages``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any

from corpus.readers import environment as env_reader
from corpus.readers.reported import attach, readme_results, results_of
from corpus.readers.script import source_text
from corpus.record.summary import Environment, Summary

INFERRED_KEY = env_reader.INFERRED_KEY
PACKAGES_KEY = env_reader.PACKAGES_KEY
INFERRED_SUFFIX = env_reader.INFERRED_SUFFIX
MAX_README = 1024 * 1024
MAX_CODE = 4 * 1024 * 1024
_GPU_RANK = {None: 0, "cpu": 1, "optional": 2, "required": 3}
_PY_FILES = (".python-version", "runtime.txt")


def _mine(summaries: Sequence[Summary], path: str) -> list[Summary]:
    """The summaries defined or trained in ``path`` (all of them when none names it: a pasted file)."""
    own = [s for s in summaries if path in (s.source.path, s.source.train_path)]
    return own or list(summaries)


def _notebook(data: bytes) -> tuple[Any, str] | None:
    try:
        raw = data.decode("utf-8", errors="replace")
        return json.loads(raw), raw
    except (ValueError, RecursionError):
        return None


def _shell_lines(nb: Any) -> list[str]:
    """A notebook's shell and magic lines (``!pip install``, ``!wget``), which the code reader blanks."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) and isinstance(nb, dict) and isinstance(nb.get("worksheets"), list):
        cells = [c for ws in nb["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    out = []
    for c in cells if isinstance(cells, list) else []:
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        src = c.get("source", c.get("input", ""))
        if isinstance(src, list):
            src = "".join(x for x in src if isinstance(x, str))
        if isinstance(src, str):
            out.extend(ln for ln in src.split("\n") if ln.lstrip().startswith(("!", "%")))
    return out


def annotate_file(summaries: list[Summary], data: bytes, path: str, repo: str | None, commit: str | None,
                  *, code: str | None = None, notebook: tuple[Any, str] | None = None) -> None:
    """Fill ``reported`` (notebook outputs) and ``environment`` (GPU, data download, install cells) in place.

    Args:
        summaries: the models read from this file (or defined elsewhere and trained here).
        data: the file as stored.
        path: its path in the repository.
        repo: ``owner/name`` for links; None for a pasted file.
        commit: 40-hex commit for links.
        code: the file's Python code when the caller has extracted it already (the parser);
            else it is extracted here.
        notebook: a notebook's JSON as loaded from ``data`` decoded, and that text, when the caller has
            loaded it already (``SourceText.notebook``); else it is loaded here.
    """
    own = _mine(summaries, path)
    if not own or not data:
        return
    shell: list[str] = []
    if path.lower().endswith(".ipynb"):
        loaded = notebook if notebook is not None else _notebook(data)
        if loaded is not None:
            nb, raw = loaded
            named = any(path in (s.source.path, s.source.train_path) for s in own)
            attach(own, results_of(nb, raw, path, repo, commit), path=path if named else None)
            shell = _shell_lines(nb)
    if code is None:
        code = source_text(data[:MAX_CODE], path).code
    gpu = env_reader.gpu_need(code)
    download = env_reader.downloads_data(code, "\n".join(shell))
    installs = env_reader.install_cells(shell)
    inferred_of: dict[str, tuple[str | None, bool]] = {}  # framework -> its inference from this file's code
    for s in own:
        e = s.environment
        if _GPU_RANK.get(gpu, 0) > _GPU_RANK.get(e.gpu, 0):
            e.gpu = gpu
        if download is True or (download is False and e.data_download is None):
            e.data_download = download
        for name, spec in installs.items():
            e.packages[name] = spec
        if installs:
            s.value_sources.setdefault(PACKAGES_KEY, f"{path} (install cells)")
        pinned, _ = env_reader.framework_version(e, s.framework)
        if pinned is None and INFERRED_KEY not in s.value_sources:
            if s.framework not in inferred_of:
                inferred_of[s.framework] = env_reader.framework_version(Environment(), s.framework, code)
            version, inferred = inferred_of[s.framework]
            if version and inferred:
                s.value_sources[INFERRED_KEY] = version + INFERRED_SUFFIX


def _dir(path: str) -> str:
    return posixpath.dirname(path.replace("\\", "/"))


def _ancestors(path: str) -> list[str]:
    """``a/b/c.py`` -> ``["a/b", "a", ""]``."""
    d = _dir(path)
    out = [d]
    while d:
        d = _dir(d)
        out.append(d)
    return out


def _decode(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def _python_file(name: str, text: str) -> str | None:
    m = re.search(r"(\d+\.\d+(?:\.\d+)?)", text[:200])
    return m.group(1) if m else None


def annotate_repository(summaries: list[Summary], files: Mapping[str, bytes], repo: str | None,
                        commit: str | None) -> None:
    """Fill ``environment.packages``/``python`` from package files and ``reported`` from README tables, in place.

    Args:
        summaries: the repository's models.
        files: ``{path relative to the repository: bytes}`` (only package files and READMEs are read).
        repo: ``owner/name`` for links.
        commit: 40-hex commit for links.
    """
    if not summaries:
        return
    by_dir: dict[str, list[tuple[str, dict[str, str], str | None]]] = {}
    readmes: list[str] = []
    for path in files:
        base = path.rsplit("/", 1)[-1]
        low = base.lower()
        if env_reader.is_package_file(path) or low in _PY_FILES:
            data = files[path]
            if not data or len(data) > env_reader.MAX_PACKAGE_FILE:
                continue
            text = _decode(data)
            if low in _PY_FILES:
                by_dir.setdefault(_dir(path), []).append((path, {}, _python_file(low, text)))
            else:
                pkgs, python = env_reader.packages_from_file(path, text)
                if pkgs or python:
                    by_dir.setdefault(_dir(path), []).append((path, pkgs, python))
        elif low.startswith("readme") and low.endswith((".md", ".markdown")):
            readmes.append(path)
    for s in summaries:
        _packages(s, by_dir)
    for readme in sorted(readmes):
        _readme(summaries, readme, files[readme], repo, commit)


def _packages(s: Summary, by_dir: Mapping[str, list[tuple[str, dict[str, str], str | None]]]) -> None:
    for d in _ancestors(s.source.train_path or s.source.path):
        found = by_dir.get(d)
        if not found:
            continue
        e = s.environment
        names = []
        for path, pkgs, python in sorted(found):
            for name, spec in pkgs.items():
                # install cells of the notebook itself are more specific than the repository's files
                e.packages.setdefault(name, spec)
            e.python = e.python or python
            names.append(path)
        s.value_sources.setdefault(PACKAGES_KEY, ", ".join(names))
        if env_reader.framework_version(e, s.framework)[0] is not None:
            s.value_sources.pop(INFERRED_KEY, None)
        return


def _readme(summaries: Sequence[Summary], readme: str, data: bytes, repo: str | None, commit: str | None) -> None:
    if not data or len(data) > MAX_README:
        return
    where = _dir(readme)
    prefix = where + "/" if where else ""
    names: dict[int, tuple[str, str]] = {}
    for i, s in enumerate(summaries):
        for p in (s.source.path, s.source.train_path):
            if p and p.startswith(prefix):
                names[i] = (s.name, p[len(prefix):])
                break
    if not names:
        return
    for i, reps in readme_results(_decode(data), readme, repo, commit, names).items():
        got = summaries[i].reported
        for r in reps:
            if not any((g.metric, g.split) == (r.metric, r.split) for g in got):
                got.append(r)

