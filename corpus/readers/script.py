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
from typing import Any

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

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
            (#match? @m "^(add_argument|DEFINE_)"))) @flagcall
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


def _start_byte(node: Node) -> int:
    return node.start_byte


# Literal-first patterns: the regex engine scans for a literal prefix in C, while
# a leading ``\b`` makes it try every byte (ten times slower on a whole file).
# The word boundary before the keyword is checked by hand (:func:`_word_start`).
_IMPORT_WORD = re.compile(rb"import\b")
_FLAG_WORD = re.compile(rb"add_argument|DEFINE_")
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


class _Unknown:
    """The value of an expression that cannot be read statically."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


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

    def orig_line(self, line: int | None) -> int | None:
        """Map a 1-based line of ``code`` to the line of the file as stored."""
        if line is None or not self.orig_lines:
            return None
        i = min(max(line, 1), len(self.orig_lines)) - 1
        return self.orig_lines[i]


_MAGIC = re.compile(r"^\s*[!%]")


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


def from_notebook(raw: str) -> SourceText:
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
    raw_lines = raw.split("\n")
    # Each source line is looked up in the raw JSON text (one C-level find
    # over a bounded window) rather than line by line in Python.
    # stored line i starts at offset cum[i] + i (its length sum plus newlines)
    cum = [0, *accumulate(map(len, raw_lines))]
    n_raw = len(raw_lines)
    index_box: list[Any] = []
    cursor = 0
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
                if cursor < n_raw and bare[:200] in raw_lines[cursor]:
                    # the usual case: a cell's lines are stored one after another
                    where = cursor
                    cursor += 1
                elif cursor < n_raw:
                    hi = min(n_raw, cursor + 400)
                    lo = cum[cursor] + cursor
                    pos = raw.find(bare[:200], lo, cum[hi] + hi - 1)
                    if pos >= 0:
                        where = cursor + raw.count("\n", lo, pos)
                        cursor = where + 1
                if where is None:
                    # long outputs between cells: look the line up further on
                    j = _far_lookup(raw, cum, raw_lines, index_box, (bare + "\\n", bare), cursor)
                    if j is not None:
                        where = j
                        cursor = j + 1
            code_lines.append("" if _MAGIC.match(line) else line)
            orig.append(where + 1 if where is not None else None)
            cell_of.append(ci)
        # a blank separator line so cells never run into each other
        code_lines.append("")
        orig.append(None)
        cell_of.append(ci)
    return SourceText(code="\n".join(code_lines), orig_lines=orig, cells=cell_of, kind="ipynb")


# Past this many look-ups beyond the window in one notebook, index every stored
# line once: each find-based look-up scans the rest of the file.
_FAR_FINDS = 32


def _far_lookup(raw: str, cum: list[int], raw_lines: list[str], box: list[Any], keys: tuple[str, str],
                cursor: int) -> int | None:
    """The first stored line at or after ``cursor`` that is the JSON string of a source line.

    A stored line matches a key when, stripped of blanks and trailing commas,
    it is the key in double quotes. Most notebooks need this a few times, so
    each look-up is a C-level find from the cursor; a notebook that needs it
    often gets a dict of its stored lines instead (``box`` holds the count,
    then the dict).
    """
    if not box:
        box.append(0)
    if isinstance(box[0], int) and box[0] < _FAR_FINDS:
        box[0] += 1
        return _find_lookup(raw, cum, len(raw_lines), keys, cursor)
    return _index_lookup(raw_lines, box, keys, cursor)


def _find_lookup(raw: str, cum: list[int], n_raw: int, keys: tuple[str, str], cursor: int) -> int | None:
    if cursor >= n_raw:
        return None
    lo = cum[cursor] + cursor
    for key in keys:
        quoted = f'"{key}"'
        pos = raw.find(quoted, lo)
        while pos >= 0:
            start = raw.rfind("\n", lo, pos) + 1 or lo
            end = raw.find("\n", pos)
            if end < 0:
                end = len(raw)
            if raw[start:end].strip().rstrip(",") == quoted:
                return cursor + raw.count("\n", lo, start)
            pos = raw.find(quoted, end)
    return None


def _index_lookup(raw_lines: list[str], box: list[Any], keys: tuple[str, str], cursor: int) -> int | None:
    if not isinstance(box[0], dict):
        index: dict[str, list[int]] = {}
        for j, raw in enumerate(raw_lines):
            t = raw.strip().rstrip(",")
            if len(t) >= 2 and t[0] == '"' and t[-1] == '"':
                index.setdefault(t[1:-1], []).append(j)
        box[0] = index
    for key in keys:
        found = box[0].get(key)
        if found:
            # line numbers were appended in increasing order
            k = bisect_left(found, cursor)
            if k < len(found):
                return found[k]
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
            st = from_notebook(text)
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


def node_text(node: Node | None) -> str:
    # ``Node.text`` slices the source anew on each access: read it once
    if node is None:
        return ""
    raw = node.text
    return "" if raw is None else raw.decode("utf-8", "replace")


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


_DOTTED = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_LITERAL_HEADS = (b"None.", b"True.", b"False.")


def dotted_name(node: Node | None) -> str | None:
    """``a.b.c`` for identifier/attribute chains, else None (calls, subscripts...)."""
    if node is None:
        return None
    t = node.type
    if t == "identifier":
        return node_text(node)
    if t != "attribute":
        return None
    raw = node.text
    # Most chains are written plainly (no spaces, comments or calls): their
    # text is the answer, without a Python step per segment.
    if raw is not None and _DOTTED.fullmatch(raw) and not raw.startswith(_LITERAL_HEADS) and not node.has_error:
        return raw.decode("ascii")
    return _dotted_slow(node)


def _dotted_slow(node: Node | None) -> str | None:
    parts: list[str] = []
    while node is not None:
        if node.type == "identifier":
            parts.append(node_text(node))
            return ".".join(reversed(parts))
        if node.type == "attribute":
            parts.append(node_text(node.child_by_field_name("attribute")))
            node = node.child_by_field_name("object")
            continue
        return None
    return None


def call_function_name(call: Node) -> str | None:
    """The dotted name of what a ``call`` node calls (``nn.Conv2d``), if plain."""
    return dotted_name(call.child_by_field_name("function"))


def call_arguments(call: Node) -> tuple[list[Node], dict[str, Node]]:
    """Positional argument nodes and keyword argument nodes of a ``call``."""
    args = call.child_by_field_name("arguments")
    positional: list[Node] = []
    keywords: dict[str, Node] = {}
    if args is None:
        return positional, keywords
    if args.type == "generator_expression":
        return [args], keywords
    for child in args.named_children:
        if child.type == "keyword_argument":
            name = node_text(child.child_by_field_name("name"))
            value = child.child_by_field_name("value")
            if value is not None:
                keywords[name] = value
        elif child.type == "comment":
            continue
        else:
            positional.append(child)
    return positional, keywords


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

    def __init__(self, source: SourceText, path: str = "") -> None:
        self.source = source
        self.path = path
        self.code_bytes = thin_comment_runs(source.code).encode("utf-8", "replace")
        self.tree: Tree = _parser().parse(self.code_bytes)
        self.root: Node = self.tree.root_node
        self.warnings: list[str] = list(source.warnings)
        self.aliases: dict[str, str] = {}  # local name -> dotted origin
        self.constants: dict[str, Any] = {}  # module-level NAME -> value
        self.argparse_defaults: dict[str, Any] = {}  # dest -> default
        self._by_kind: dict[str, list[Node]] | None = None  # see nodes()
        self._caps = _captures(self.root) if self.root.has_error else _names_fast(self.root, self.code_bytes)
        self._read_imports()
        # Constants feed argparse defaults (default=BATCH) and argparse
        # defaults feed constants (LR = args.lr): read constants twice
        # (the second time only when there are flags to feed).
        self._read_constants()
        self._read_argparse()
        if self.argparse_defaults:
            self._read_constants()

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
                module = node_text(module_node).lstrip(".")
                for child in n.named_children:
                    if module_node is not None and child.start_byte == module_node.start_byte:
                        continue
                    if child.type == "dotted_name":
                        name = node_text(child)
                        self.aliases[name.split(".")[-1]] = f"{module}.{name}" if module else name
                    elif child.type == "aliased_import":
                        name = node_text(child.child_by_field_name("name"))
                        alias = node_text(child.child_by_field_name("alias"))
                        self.aliases[alias] = f"{module}.{name}" if module else name
                    elif child.type == "wildcard_import":
                        self.aliases.setdefault(f"*{module}", module)

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
        # Module-level simple assignments, in order, so later ones win and
        # constants built from earlier constants resolve (EPOCHS = 2 * BASE).
        for stmt in self.root.named_children:
            node = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
            if node is None or node.type != "assignment":
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if left.type == "identifier":
                self.constants[node_text(left)] = self.value(right)
            elif left.type in ("pattern_list", "tuple_pattern") and right.type in ("expression_list", "tuple"):
                names = [c for c in left.named_children]
                vals = [c for c in right.named_children]
                if len(names) == len(vals):
                    for name, val in zip(names, vals, strict=True):
                        if name.type == "identifier":
                            self.constants[node_text(name)] = self.value(val)

    def _read_argparse(self) -> None:
        for call in self._caps.get("flagcall", []):
            fn = call_function_name(call)
            if not fn or not fn.endswith(("add_argument", "DEFINE_integer", "DEFINE_float",
                                          "DEFINE_string", "DEFINE_boolean", "DEFINE_bool")):
                continue
            positional, keywords = call_arguments(call)
            if fn.endswith("add_argument"):
                flags = [self.value(p) for p in positional]
                flags = [f for f in flags if isinstance(f, str)]
                dest_node = keywords.get("dest")
                dest = self.value(dest_node) if dest_node is not None else None
                if not isinstance(dest, str):
                    longs = [f for f in flags if f.startswith("--")]
                    pick = longs[0] if longs else (flags[0] if flags else None)
                    if pick is None:
                        continue
                    dest = pick.lstrip("-").replace("-", "_")
                default = self.value(keywords["default"]) if "default" in keywords else None
                self.argparse_defaults[dest] = default
            else:  # absl / tf.app.flags: DEFINE_x("name", default, "help")
                if len(positional) >= 2:
                    name = self.value(positional[0])
                    if isinstance(name, str):
                        self.argparse_defaults[name] = self.value(positional[1])

    def value(self, node: Node | None, env: dict[str, Any] | None = None, _depth: int = 0) -> Any:
        """The value of an expression read statically, or ``UNKNOWN``.

        Reads literals, tuples/lists/dicts, unary and binary arithmetic,
        module constants (and ``env``, e.g. a function's defaults), and
        ``args.X`` / ``FLAGS.X`` / ``config['X']`` through argparse and flag
        defaults. Never executes anything.
        """
        if node is None or _depth > 50:
            return UNKNOWN
        t = node.type
        d = _depth + 1
        try:
            if t == "integer":
                s = node_text(node).replace("_", "").rstrip("lL")
                return int(s, 0) if not (len(s) > 1 and s[0] == "0" and s[1].isdigit()) else int(s, 8)
            if t == "float":
                s = node_text(node).replace("_", "")
                return complex(s) if s.endswith(("j", "J")) else float(s)
            if t == "string":
                # (escape sequences are children of their own, left out)
                parts = []
                for c in node.named_children:
                    ct = c.type
                    if ct == "string_content":
                        parts.append(node_text(c))
                    elif ct == "interpolation":
                        return UNKNOWN
                return "".join(parts)
            if t == "concatenated_string":
                vals = [self.value(c, env, d) for c in node.named_children]
                return "".join(vals) if all(isinstance(v, str) for v in vals) else UNKNOWN
            if t == "true":
                return True
            if t == "false":
                return False
            if t == "none":
                return None
            if t == "parenthesized_expression":
                inner = node.named_children
                return self.value(inner[0], env, d) if inner else UNKNOWN
            if t in ("tuple", "list", "expression_list"):
                return [self.value(c, env, d) for c in node.named_children if c.type != "comment"]
            if t == "dictionary":
                out = {}
                for pair in node.named_children:
                    if pair.type == "pair":
                        k = self.value(pair.child_by_field_name("key"), env, d)
                        if isinstance(k, (str, int, float)):
                            out[k] = self.value(pair.child_by_field_name("value"), env, d)
                return out
            if t == "unary_operator":
                v = self.value(node.child_by_field_name("argument"), env, d)
                op = node_text(node.child_by_field_name("operator"))
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    return -v if op == "-" else (v if op == "+" else UNKNOWN)
                return UNKNOWN
            if t == "not_operator":
                v = self.value(node.child_by_field_name("argument"), env, d)
                return UNKNOWN if v is UNKNOWN else (not v)
            if t == "boolean_operator":
                a = self.value(node.child_by_field_name("left"), env, d)
                op = node_text(node.child_by_field_name("operator"))
                if a is UNKNOWN:
                    return UNKNOWN
                if (op == "and" and not a) or (op == "or" and a):
                    return a
                return self.value(node.child_by_field_name("right"), env, d)
            if t == "comparison_operator":
                return _compare(node, lambda c: self.value(c, env, d))
            if t == "binary_operator":
                a = self.value(node.child_by_field_name("left"), env, d)
                b = self.value(node.child_by_field_name("right"), env, d)
                op = node_text(node.child_by_field_name("operator"))
                return _arith(a, op, b)
            if t == "identifier":
                name = node_text(node)
                if env and name in env:
                    return env[name]
                return self.constants.get(name, UNKNOWN)
            if t == "attribute":
                if env:
                    # ``self.hidden`` bound by an extractor (an instance's constants)
                    dn = dotted_name(node)
                    if dn is not None and dn in env:
                        return env[dn]
                obj = node.child_by_field_name("object")
                attr = node_text(node.child_by_field_name("attribute"))
                if obj is not None and obj.type in ("identifier", "attribute") and attr in self.argparse_defaults:
                    return self.argparse_defaults[attr]
                return UNKNOWN
            if t == "subscript":
                obj = self.value(node.child_by_field_name("value"), env, d)
                key = self.value(node.child_by_field_name("subscript"), env, d)
                if isinstance(obj, dict) and key in obj:
                    return obj[key]
                if isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
                    return obj[key]
                return UNKNOWN
            if t == "call":
                fn = call_function_name(node)
                if fn not in ("len", "int", "float"):
                    return UNKNOWN
                positional, _ = call_arguments(node)
                if fn == "len" and len(positional) == 1:
                    v = self.value(positional[0], env, d)
                    return len(v) if isinstance(v, (list, str, dict)) else UNKNOWN
                if fn in ("int", "float") and len(positional) == 1:
                    v = self.value(positional[0], env, d)
                    if isinstance(v, (int, float, str)) and not isinstance(v, bool):
                        try:
                            return int(float(v)) if fn == "int" else float(v)
                        except ValueError:
                            return UNKNOWN
                return UNKNOWN
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            return UNKNOWN
        return UNKNOWN

    # -- convenience ---------------------------------------------------
    def orig_line(self, node_or_line: Node | int | None) -> int | None:
        """The line, in the file as stored, of a node or of a code line."""
        if node_or_line is None:
            return None
        line = node_or_line if isinstance(node_or_line, int) else line_of(node_or_line)
        return self.source.orig_line(line)


_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
    "is": lambda a, b: a is b, "is not": lambda a, b: a is not b,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def _compare(node: Node, value: Any) -> Any:
    """``a < b <= c`` / ``x is None`` on static values, else UNKNOWN."""
    operands = [c for c in node.named_children if c.type != "comment"]
    ops = [" ".join(node_text(o) for o in op) for op in _operator_groups(node)]
    if len(ops) != len(operands) - 1 or not ops:
        return UNKNOWN
    vals = [value(c) for c in operands]
    if any(v is UNKNOWN for v in vals):
        return UNKNOWN
    for a, op, b in zip(vals, ops, vals[1:], strict=False):
        fn = _COMPARE.get(op)
        if fn is None:
            return UNKNOWN
        try:
            if not fn(a, b):
                return False
        except TypeError:
            return UNKNOWN
    return True


def _operator_groups(node: Node) -> list[list[Node]]:
    groups: list[list[Node]] = []
    prev_named = True
    for c in node.children:
        if c.is_named:
            prev_named = True
            continue
        if prev_named:
            groups.append([c])
        else:
            groups[-1].append(c)
        prev_named = False
    return groups


def _arith(a: Any, op: str, b: Any) -> Any:
    num = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return UNKNOWN
    if isinstance(a, num) and isinstance(b, num):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "//":
            return a // b
        if op == "%":
            return a % b
        if op == "**":
            if abs(b) > 64 or abs(a) > 1e6:
                return UNKNOWN  # bounded: a hostile 10**10**10 must not hang us
            return a**b
        return UNKNOWN
    if isinstance(a, str) and isinstance(b, str) and op == "+":
        return a + b
    return UNKNOWN


def load(data: bytes | str, path: str = "script.py") -> Script:
    """A :class:`Script` from file bytes (or text) and its path (for the file kind)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return Script(source_text(raw, path), path=path)
