"""Reading a script for static analysis: source text, tree-sitter tree, names, values.

A :class:`Script` is the one object every extractor (Keras, PyTorch, raw TF,
dataset/task inference) reads. It holds:

- the Python code to analyse (a ``.py`` file, a notebook's code cells joined,
  or a Markdown file's Python blocks joined) and a map from each of its lines
  back to the line of the file as stored, so links open the right place;
- the tree-sitter tree of that code (tree-sitter, not ``ast``: real scripts
  include Python 2 and half-broken files, which tree-sitter still parses);
- the import aliases (``nn`` -> ``torch.nn``) and module-level constants,
  so ``nn.Conv2d`` and ``Conv2D`` resolve to dotted names and ``lr = 1e-3``
  resolves to a number.

Nothing here executes or imports the code it reads.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from corpus.readers.evaluate import UNKNOWN, Evaluator, arith, flag_defaults, module_constants
from corpus.readers.syntax import (
    ancestors,
    call_arguments,
    call_function_name,
    dotted_name,
    node_text,
)

if TYPE_CHECKING:
    from corpus.readers.repo_context import RepoContext

# (re-exported: readers import these names from here)
__all__ = ["UNKNOWN", "Script", "SourceText", "arith", "call_arguments", "call_function_name", "dotted_name",
           "node_text", "load", "source_text"]
_arith = arith  # the old private name, still imported by a reader

# what json.dumps does to a str (ensure_ascii), without its dispatch
_json_str = json.encoder.encode_basestring_ascii

PY_LANGUAGE = Language(tree_sitter_python.language())


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(PY_LANGUAGE)


# Imports and argparse/absl flag calls, found by tree-sitter queries (in C)
# rather than a Python walk over every node: the walk dominated big files.
@lru_cache(maxsize=1)
def _names_query() -> Query:
    return Query(PY_LANGUAGE, """
        [(import_statement) (import_from_statement)] @imp
        (call function: (attribute attribute: (identifier) @m
            (#match? @m "^(add_argument|DEFINE_|set_defaults$)"))) @flagcall
        (call function: (identifier) @f (#match? @f "^DEFINE_")) @flagcall
    """)


def _captures(root: Node) -> dict[str, list[Node]]:
    caps = QueryCursor(_names_query()).captures(root)
    return {k: sorted(v, key=lambda n: n.start_byte) for k, v in caps.items()}


# Node kinds the extractors visit. One query pass (in C) per script finds them
# all, shared by every extractor: each pass is as costly as a third of the parse.
INDEXED_KINDS = ("call", "string", "comment", "assignment", "augmented_assignment", "comparison_operator",
                 "function_definition", "class_definition", "for_statement", "while_statement",
                 "import_statement", "import_from_statement")


@lru_cache(maxsize=1)
def _index_query() -> Query:
    patterns = " ".join(f"({kind}) @{kind}" for kind in INDEXED_KINDS)
    return Query(PY_LANGUAGE, patterns + ' (binary_operator operator: "/") @division')


# (a C getter: a Python function as the sort key cost a call per node of the index)
_start_byte = attrgetter("start_byte")


# Literal-first patterns: the regex engine scans for a literal prefix in C, while
# a leading ``\b`` makes it try every byte (ten times slower on a whole file).
# The word boundary before the keyword is checked by hand (:func:`_word_start`).
_IMPORT_WORD = re.compile(rb"import\b")
_FLAG_WORD = re.compile(rb"add_argument|DEFINE_|set_defaults")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _word_start(code: bytes, i: int) -> bool:
    """Whether a word starts at byte ``i`` (what ``\b`` before a word character tests)."""
    return i == 0 or code[i - 1] not in _WORD_BYTES


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` is what ``\\w`` matches in a ``str`` pattern."""
    return ch.isalnum() or ch == "_"


def word_positions(code: str, names: Iterable[str]) -> dict[str, list[int]]:
    """Where each name stands as a whole word (``\\bname\\b``) in ``code``, in order.

    ``str.find`` per name and a look at the characters around it: a regular
    expression alternating all names, or one compiled per name, cost the
    readers most of their own time. Names with none are left out.
    """
    at: dict[str, list[int]] = {}
    n = len(code)
    for name in names:
        if not name:
            continue
        first, last, size = is_word_char(name[0]), is_word_char(name[-1]), len(name)
        got: list[int] = []
        i = code.find(name)
        while i >= 0:
            j = i + size
            if ((i > 0 and is_word_char(code[i - 1])) != first) and ((j < n and is_word_char(code[j])) != last):
                got.append(i)
                i = code.find(name, j)
            else:
                i = code.find(name, i + 1)
        if got:
            at[name] = got
    return at


def _names_fast(root: Node, code: bytes) -> dict[str, list[Node]]:
    """What :func:`_captures` finds, from the keywords' byte offsets.

    The query visits every node (as costly as a third of the parse); imports
    and flag calls are few, and each holds its keyword, so looking the
    keyword's node up (and its parents) finds the same nodes. Only
    for trees without errors: a recovered tree may hold a zero-width
    (missing) ``import`` that no byte search finds.
    """
    imps: list[Node] = []
    for m in _IMPORT_WORD.finditer(code):
        if not _word_start(code, m.start()):
            continue
        # The keyword token is anonymous, so the smallest named node around it
        # is its statement (``Node.parent`` would search down from the root again).
        p = root.named_descendant_for_byte_range(m.start(), m.end())
        if p is not None and p.type in ("import_statement", "import_from_statement") and (
                not imps or imps[-1].start_byte != p.start_byte):
            imps.append(p)
    flags: list[Node] = []
    for m in _FLAG_WORD.finditer(code):
        if not _word_start(code, m.start()):
            continue
        ident = root.descendant_for_byte_range(m.start(), m.start() + 1)
        if ident is None or ident.type != "identifier" or ident.start_byte != m.start():
            continue
        p = ident.parent
        if p is None:
            continue
        if p.type == "attribute" and p.child_by_field_name("attribute") == ident:
            call = p.parent
            if call is not None and call.type == "call" and call.child_by_field_name("function") == p:
                flags.append(call)
        elif p.type == "call" and ident.text.startswith(b"DEFINE_") and p.child_by_field_name("function") == ident:
            flags.append(p)
    out: dict[str, list[Node]] = {}
    if imps:
        out["imp"] = imps
    if flags:
        out["flagcall"] = flags
    return out


# ---------------------------------------------------------------------------
# Source text: .py, .ipynb, .md -> code + line map


@dataclass
class SourceText:
    """Python code to analyse and where each of its lines came from."""

    code: str
    # orig_lines[i] is the 1-based line, in the file as stored, of code line i+1
    # (None where unknown, e.g. a notebook written on one line).
    orig_lines: list[int | None]
    # cells[i] is the 0-based notebook cell (or Markdown block) of code line i+1.
    cells: list[int] | None = None
    kind: str = "py"  # py | ipynb | md
    warnings: list[str] = field(default_factory=list)
    # a notebook's JSON as loaded and the text it was loaded from, when that text is the file's
    # bytes as they are (UTF-8, no BOM): the outcomes reader reads its outputs without loading it again
    notebook: tuple[Any, str] | None = field(default=None, repr=False, compare=False)
    # the first code line of other files' training code read below this file's (parser._with_imported_code)
    inlined_from: int | None = None

    def orig_line(self, line: int | None) -> int | None:
        """Map a 1-based line of ``code`` to the line of the file as stored."""
        if line is None or not self.orig_lines:
            return None
        i = min(max(line, 1), len(self.orig_lines)) - 1
        return self.orig_lines[i]


_MAGIC = re.compile(r"^\s*[!%]")
# shell commands of a notebook that fetch or unpack data (file_facts reads the line kept as a string)
SHELL_DATA_COMMANDS = r"(?:wget|curl|kaggle|unzip|tar|gdown|git\s+clone)\b"
_SHELL_DATA = re.compile(r"^\s*!\s*" + SHELL_DATA_COMMANDS)


def _magic_line(line: str) -> str:
    """An IPython magic or shell line as code: blank, except a shell line that fetches or unpacks data
    (``!wget .../cars_train.tgz``, ``!kaggle competitions download -c ...``), kept as a string so the names
    of the data it brings are read like a path in the code."""
    if not _SHELL_DATA.match(line):
        return ""
    indent = line[:len(line) - len(line.lstrip())]
    return indent + repr(line.strip())


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text, never failing: UTF-8 (with BOM), else Latin-1 with a warning."""
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        warnings.append("not valid UTF-8: decoded as Latin-1")
        return data.decode("latin-1"), warnings


def from_python(text: str) -> SourceText:
    n = text.count("\n") + 1
    return SourceText(code=text, orig_lines=list(range(1, n + 1)), kind="py")


def from_notebook(raw: str, keep: bool = False) -> SourceText:
    """Join a notebook's code cells; IPython magics and shell lines become blank lines.

    Line numbers map to the lines of the ``.ipynb`` JSON as stored (where the
    notebook is pretty-printed one source line per JSON line, as Jupyter
    writes it), so ``?plain=1#L..`` links open them.
    """
    nb = json.loads(raw)
    if isinstance(nb, dict) and "cells" in nb:
        cells = nb.get("cells") or []
    elif isinstance(nb, dict) and "worksheets" in nb:  # nbformat 3
        cells = [c for ws in nb.get("worksheets") or [] for c in ws.get("cells") or []]
    else:
        raise ValueError("not a notebook: no 'cells'")
    # Each source line is looked up in the raw JSON text (one C-level find
    # over a bounded window) rather than line by line in Python. Only the
    # stored lines the cursor passes are delimited (outputs can hold most of
    # the file's lines): ``start`` is where stored line ``cursor`` begins.
    n_raw = raw.count("\n") + 1
    index_box: list[Any] = []
    cursor = 0
    start = 0
    code_lines: list[str] = []
    orig: list[int | None] = []
    cell_of: list[int] = []
    for ci, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", cell.get("input", ""))
        if isinstance(src, list):
            try:
                src = "".join(src)
            except TypeError:  # a hand-edited notebook with a number among the lines
                src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            continue
        for line in src.split("\n"):
            # find this line's JSON spelling at or after the cursor
            where = None
            if line:
                # the JSON spelling with "\n" starts with the bare one, so finding
                # the bare one (cut at 200 chars) is the whole test; being escaped
                # it holds no newline, so a match never spans two stored lines
                bare = _json_str(line)[1:-1]
                found = _near_lookup(raw, bare[:200], start, cursor) if cursor < n_raw else None
                if found is None:
                    # long outputs between cells: look the line up further on
                    found = _far_lookup(raw, start, n_raw, index_box, (bare + "\\n", bare), cursor)
                if found is not None:
                    where, start = found
                    cursor = where + 1
            code_lines.append(_magic_line(line) if _MAGIC.match(line) else line)
            orig.append(where + 1 if where is not None else None)
            cell_of.append(ci)
        # a blank separator line so cells never run into each other
        code_lines.append("")
        orig.append(None)
        cell_of.append(ci)
    return SourceText(code="\n".join(code_lines), orig_lines=orig, cells=cell_of, kind="ipynb",
                      notebook=(nb, raw) if keep else None)


# How many stored lines from the cursor's the next source line is looked for in first.
_WINDOW = 400


def _near_lookup(raw: str, bare: str, start: int, cursor: int) -> tuple[int, int] | None:
    """The stored line, at ``cursor`` (beginning at ``start``) or in the window after it, that
    holds ``bare``, and where the line after it begins."""
    end = raw.find("\n", start)
    if end < 0:
        end = len(raw)
    if raw.find(bare, start, end) >= 0:
        return cursor, end + 1  # the usual case: a cell's lines are stored one after another
    # the first spelling after the cursor, if it is in the window (never spans two stored lines)
    pos = raw.find(bare, end)
    if pos >= 0:
        k = raw.count("\n", start, pos)
        if k < _WINDOW:
            return cursor + k, _next_line(raw, pos)
    return None


def _next_line(raw: str, at: int) -> int:
    """Where the stored line after the one holding offset ``at`` begins (past the end: none)."""
    end = raw.find("\n", at)
    return end + 1 if end >= 0 else len(raw) + 1


# Past this many look-ups beyond the window in one notebook, index every stored
# line once: each find-based look-up scans the rest of the file.
_FAR_FINDS = 32


def _far_lookup(raw: str, start: int, n_raw: int, box: list[Any], keys: tuple[str, str],
                cursor: int) -> tuple[int, int] | None:
    """The first stored line at or after ``cursor`` (which begins at offset ``start``) that is the
    JSON string of a source line, and where the line after it begins.

    A stored line matches a key when, stripped of blanks and trailing commas,
    it is the key in double quotes. Most notebooks need this a few times, so
    each look-up is a C-level find from the cursor; a notebook that needs it
    often gets a dict of its stored lines instead (``box`` holds the count,
    then the dict and the lines' offsets).
    """
    if not box:
        box.append(0)
    if isinstance(box[0], int) and box[0] < _FAR_FINDS:
        box[0] += 1
        return _find_lookup(raw, start, n_raw, keys, cursor)
    return _index_lookup(raw, box, keys, cursor)


def _find_lookup(raw: str, lo: int, n_raw: int, keys: tuple[str, str], cursor: int) -> tuple[int, int] | None:
    if cursor >= n_raw:
        return None
    for key in keys:
        quoted = f'"{key}"'
        pos = raw.find(quoted, lo)
        while pos >= 0:
            start = raw.rfind("\n", lo, pos) + 1 or lo
            end = raw.find("\n", pos)
            if end < 0:
                end = len(raw)
            if raw[start:end].strip().rstrip(",") == quoted:
                return cursor + raw.count("\n", lo, start), _next_line(raw, start)
            pos = raw.find(quoted, end)
    return None


def _index_lookup(raw: str, box: list[Any], keys: tuple[str, str], cursor: int) -> tuple[int, int] | None:
    if not isinstance(box[0], dict):
        index: dict[str, list[int]] = {}
        raw_lines = raw.split("\n")
        for j, line in enumerate(raw_lines):
            t = line.strip().rstrip(",")
            if len(t) >= 2 and t[0] == '"' and t[-1] == '"':
                index.setdefault(t[1:-1], []).append(j)
        box[0] = index
        # stored line i starts at offset starts[i] (the lengths before it plus their newlines)
        box.append([i + n for i, n in enumerate(accumulate(map(len, raw_lines), initial=0))])
    for key in keys:
        found = box[0].get(key)
        if found:
            # line numbers were appended in increasing order
            k = bisect_left(found, cursor)
            if k < len(found):
                return found[k], _next_line(raw, box[1][found[k]])
    return None


_FENCE = re.compile(r"^(\s*)(```|~~~)\s*([\w+-]*)")


def from_markdown(text: str) -> SourceText:
    """Join a Markdown file's Python code blocks (```python / ```py / unlabelled)."""
    lines = text.split("\n")
    code_lines: list[str] = []
    orig: list[int | None] = []
    cell_of: list[int] = []
    block = -1
    inside = False
    keep = False
    for i, line in enumerate(lines, start=1):
        m = _FENCE.match(line)
        if m and not inside:
            inside = True
            block += 1
            lang = m.group(3).lower()
            keep = lang in ("", "python", "py", "python3", "ipython", "pycon")
            continue
        if m and inside:
            inside = False
            if keep:
                code_lines.append("")
                orig.append(None)
                cell_of.append(block)
            continue
        if inside and keep:
            code_lines.append("" if _MAGIC.match(line) else line)
            orig.append(i)
            cell_of.append(block)
    return SourceText(code="\n".join(code_lines), orig_lines=orig, cells=cell_of, kind="md")


def source_text(data: bytes, path: str) -> SourceText:
    """Read file bytes as :class:`SourceText` by the file's extension. Never raises."""
    text, warnings = decode_bytes(data)
    lower = path.lower()
    try:
        if lower.endswith(".ipynb"):
            st = from_notebook(text, keep=not warnings and not data.startswith(b"\xef\xbb\xbf"))
        elif lower.endswith((".md", ".markdown")):
            st = from_markdown(text)
        else:
            st = from_python(text)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        st = SourceText(code="", orig_lines=[], kind="ipynb" if lower.endswith(".ipynb") else "md")
        warnings.append(f"could not read {path.rsplit('/', 1)[-1]}: {str(exc)[:200]}")
    st.warnings[:0] = warnings
    return st


# ---------------------------------------------------------------------------
# Tree helpers (iterative: real files nest deeply, and recursion would overflow)


def walk(node: Node) -> Iterator[Node]:
    """Every node below ``node`` (itself included) in source order, iteratively."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def error_nodes(node: Node) -> Iterator[Node]:
    """The ``ERROR`` and missing nodes below ``node`` (itself included), in source order.

    What a full :func:`walk` filtered on them gives, but it enters only
    subtrees that hold an error (``has_error``): a recovered file is mostly
    clean, and walking all of it in Python cost more than parsing it. Inside
    an ``ERROR`` node every child is entered: tree-sitter gives a skipped bad
    token an ``ERROR`` leaf whose ``has_error`` is false.
    """
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR":
            yield n
            stack.extend(reversed(n.children))
            continue
        if n.is_missing:
            yield n
        stack.extend(c for c in reversed(n.children) if c.has_error)


def nodes_of_type(node: Node, *types: str) -> Iterator[Node]:
    for n in walk(node):
        if n.type in types:
            yield n


def line_of(node: Node) -> int:
    """1-based line of a node in the analysed code."""
    return node.start_point[0] + 1


def end_line_of(node: Node) -> int:
    return node.end_point[0] + 1


# tree-sitter-python takes time quadratic in the length of a run of comment
# lines that follows code: 20,000 such lines (a 200 kB paste) took 40 s of CPU.
# Past this many comments in one run of comment and blank lines, the rest are
# blanked (lines kept, so line numbers do not move); no real script comes near.
MAX_COMMENT_RUN = 200
_COMMENT_OR_BLANK = re.compile(r"[ \t]*(#.*)?\r?$")


def thin_comment_runs(code: str, limit: int = MAX_COMMENT_RUN) -> str:
    """``code`` with comment lines past ``limit`` in one run blanked (same line count)."""
    if code.count("#") <= limit:
        return code
    lines = code.split("\n")
    run = 0
    changed = False
    for i, line in enumerate(lines):
        m = _COMMENT_OR_BLANK.match(line)
        if m is None:
            run = 0
        elif m.group(1) is not None:
            run += 1
            if run > limit:
                lines[i] = ""
                changed = True
    return "\n".join(lines) if changed else code


# ---------------------------------------------------------------------------
# The script: tree, imports, constants


class Script:
    """A parsed script with its imports and constants resolved. Build with :func:`load`."""

    def __init__(self, source: SourceText, path: str = "", context: RepoContext | None = None) -> None:
        self.source = source
        self.path = path
        # the repository around the file (None: the file alone): imported values, config files
        self.context = context
        self.code_bytes = thin_comment_runs(source.code).encode("utf-8", "replace")
        ahead = context.parsed_ahead(path, self.code_bytes) if context is not None else None
        self.tree: Tree = ahead.tree if ahead is not None else _parser().parse(self.code_bytes)
        self.root: Node = self.tree.root_node
        self.warnings: list[str] = list(source.warnings)
        self.aliases: dict[str, str] = {}  # local name -> dotted origin
        self.relative_imports: dict[str, int] = {}  # local name -> leading dots of its import (relative)
        self.constants: dict[str, Any] = {}  # module-level NAME -> value
        self.argparse_defaults: dict[str, Any] = {}  # dest -> default
        self._by_kind: dict[str, list[Node]] | None = ahead._by_kind if ahead is not None else None  # see nodes()
        self._by_target: dict[str, list[Node]] | None = None  # see assignments_to()
        # the one evaluator of static values, over this script's constants and flags
        self.evaluator = Evaluator(self.constants, self.argparse_defaults, script=self)
        if ahead is not None:
            self._caps = ahead._caps
        else:
            self._caps = _captures(self.root) if self.root.has_error else _names_fast(self.root, self.code_bytes)
            if context is not None:
                context.keep_parsed(self)
        self._read_imports()
        if context is not None:
            # what the script imports from its repository, read first so its own values win
            context._reading.add(path)
            try:
                constants, flags = context.imported_values(self)
            finally:
                context._reading.discard(path)
            self.constants.update(constants)
            self.argparse_defaults.update(flags)
            for name in constants:
                # a value now, not an imported symbol (readers look names up in the aliases first)
                self.aliases.pop(name, None)
        # Constants feed argparse defaults (default=BATCH) and argparse
        # defaults feed constants (LR = args.lr): read constants twice
        # (the second time only when there are flags to feed).
        self._read_constants()
        self._read_argparse()
        if self.argparse_defaults:
            self._read_constants()
        if context is not None:
            context.note_script(self)

    # -- nodes by kind -------------------------------------------------
    def nodes(self, kind: str) -> list[Node]:
        """Every node of one kind in the script, in source order, from one shared query pass.

        Args:
            kind: a node type of :data:`INDEXED_KINDS`, or ``"division"`` (a
                ``binary_operator`` whose operator is ``/``).

        Returns:
            The nodes sorted by start byte (a stable sort of tree-sitter's
            capture order: an outer node before an inner one that starts at
            the same byte). The list is shared by every caller: do not change it.

        Raises:
            KeyError: ``kind`` is not indexed (a typo would otherwise find nothing).
        """
        if self._by_kind is None:
            caps = QueryCursor(_index_query()).captures(self.root)
            self._by_kind = {k: sorted(v, key=_start_byte) for k, v in caps.items()}
        if kind not in INDEXED_KINDS and kind != "division":
            raise KeyError(f"{kind!r} is not an indexed node kind")
        return self._by_kind.get(kind) or []

    def assignments_to(self, target: str) -> list[Node]:
        """The ``assignment`` nodes with both sides whose left side is written ``target`` (``Model``,
        ``a, b``), in source order; the index is built once per script. The list is shared: do not change it."""
        if self._by_target is None:
            by_target: dict[str, list[Node]] = {}
            for a in self.nodes("assignment"):
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is not None and right is not None:
                    by_target.setdefault(node_text(left), []).append(a)
            self._by_target = by_target
        return self._by_target.get(target) or []

    # -- tree quality --------------------------------------------------
    @property
    def has_errors(self) -> bool:
        return self.root.has_error

    def error_count(self) -> int:
        return sum(1 for _ in error_nodes(self.root))

    # -- names ---------------------------------------------------------
    def _read_imports(self) -> None:
        for n in self._caps.get("imp", []):
            if n.type == "import_statement":
                for child in n.named_children:
                    if child.type == "dotted_name":
                        full = node_text(child)
                        self.aliases.setdefault(full.split(".")[0], full.split(".")[0])
                    elif child.type == "aliased_import":
                        full = node_text(child.child_by_field_name("name"))
                        alias = node_text(child.child_by_field_name("alias"))
                        self.aliases[alias] = full
            else:
                module_node = n.child_by_field_name("module_name")
                written = node_text(module_node)
                module = written.lstrip(".")
                dots = len(written) - len(module)
                for child in n.named_children:
                    if module_node is not None and child.start_byte == module_node.start_byte:
                        continue
                    local = None
                    if child.type == "dotted_name":
                        name = node_text(child)
                        local = name.split(".")[-1]
                        self.aliases[local] = f"{module}.{name}" if module else name
                    elif child.type == "aliased_import":
                        name = node_text(child.child_by_field_name("name"))
                        local = node_text(child.child_by_field_name("alias"))
                        self.aliases[local] = f"{module}.{name}" if module else name
                    elif child.type == "wildcard_import":
                        local = f"*{module}"
                        self.aliases.setdefault(local, module)
                    if dots and local:
                        self.relative_imports[local] = dots

    def repository_definition(self, dotted: str) -> tuple[str, str] | None:
        """The (file, name) of the repository a name written here is imported from (``get_model``,
        ``models.vit.ViT``), through the file's imports; None outside a repository or for a library's name."""
        head = dotted.split(".", 1)[0]
        if self.context is None or head not in self.aliases:
            return None
        return self.context.resolve(self.aliases[head] + dotted[len(head):], self.path,
                                    self.relative_imports.get(head, 0))

    def import_in_effect(self, name: str, at: Node) -> str | None:
        """The absolute origin ``name`` has at ``at`` when several imports of the file bind it: the nearest one
        before it whose block encloses it (``from models.vit import ViT`` at the top, ``from models.vit_small
        import ViT`` inside another branch of the same ``if``). None when one import binds it (``aliases``)."""
        bound: list[tuple[Node, str]] = []
        for n in self._caps.get("imp", []):
            if n.type != "import_from_statement":
                continue
            module_node = n.child_by_field_name("module_name")
            module = node_text(module_node) if module_node is not None else ""
            for child in n.named_children:
                if module_node is None or child.start_byte == module_node.start_byte or module.startswith("."):
                    continue
                if child.type == "dotted_name" and node_text(child).split(".")[-1] == name:
                    bound.append((n, f"{module}.{node_text(child)}"))
        if len(bound) < 2 or len({origin for _, origin in bound}) < 2:
            return None
        blocks = {a.id for a in ancestors(at)}
        best = None
        for n, origin in bound:
            if n.start_byte < at.start_byte and (n.parent is None or n.parent.id in blocks):
                best = origin
        return best

    @property
    def imported_modules(self) -> set[str]:
        """Dotted origins of every import (``torch.nn``, ``tensorflow.keras.layers.Dense``)."""
        return set(self.aliases.values())

    def resolve(self, dotted: str | None) -> str | None:
        """Expand the first segment of a dotted name through the imports.

        ``nn.Conv2d`` -> ``torch.nn.Conv2d``; ``Dense`` (from keras.layers) ->
        ``keras.layers.Dense``; an unimported name stays as written.
        """
        if not dotted:
            return dotted
        head, _, rest = dotted.partition(".")
        origin = self.aliases.get(head)
        if origin is None:
            return dotted
        return f"{origin}.{rest}" if rest else origin

    # -- values --------------------------------------------------------
    def _read_constants(self) -> None:
        module_constants(self.root, self.value, self.constants)

    def _read_argparse(self) -> None:
        flag_defaults(self._caps.get("flagcall", []), self.value, self.argparse_defaults)

    def value(self, node: Node | None, env: dict[str, Any] | None = None) -> Any:
        """The value of an expression read statically, or ``UNKNOWN`` (see :class:`Evaluator`).

        Reads literals, tuples/lists/dicts, unary and binary arithmetic,
        module constants (and ``env``, e.g. a function's defaults), and
        ``args.X`` / ``FLAGS.X`` / ``config['X']`` through argparse and flag
        defaults. Never executes anything.
        """
        return self.evaluator.eval(node, env)

    # -- convenience ---------------------------------------------------
    def orig_line(self, node_or_line: Node | int | None) -> int | None:
        """The line, in the file as stored, of a node or of a code line."""
        if node_or_line is None:
            return None
        line = node_or_line if isinstance(node_or_line, int) else line_of(node_or_line)
        return self.source.orig_line(line)


def load(data: bytes | str, path: str = "script.py", context: RepoContext | None = None) -> Script:
    """A :class:`Script` from file bytes (or text) and its path (for the file kind)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return Script(source_text(raw, path), path=path, context=context)
