"""The one evaluator of static Python values, shared by every reader.

Nothing here executes the code it reads: values are computed from the
tree-sitter tree. An :class:`Evaluator` maps each expression node type to one
small handler (as pyflakes maps AST node types to methods: ``INTEGER``,
``BINARY_OPERATOR``...). The base class reads plain values (numbers, strings,
lists, dicts, ``None``/``True``/``False``), names through an environment and a
script's module constants, ``args.X``/``FLAGS.X`` through argparse and
absl/``tf.app.flags`` defaults, literal arithmetic and comparisons, and a few
builtins (``len``, ``int``, ``float``). What it cannot read is :data:`UNKNOWN`.

A framework reader with symbolic values (the Keras/TF interpreter's layers and
tensors) subclasses :class:`Evaluator` and overrides the handlers whose values
it extends (calls, attributes, operators on tensors); the literal, container
and unary handlers stay shared.

Also here, used by every reader: the parameters of a ``def`` and argument
binding (:func:`read_parameters`, :func:`bind_arguments`), module constants
(:func:`module_constants`) and command-line defaults (:func:`flag_defaults`).
See ``EVALUATOR.md`` beside the project notes for the API in one page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tree_sitter import Node

from corpus.readers.syntax import call_arguments, call_function_name, dotted_name, node_text

# ---------------------------------------------------------------------------
# Sentinels


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
# "no binding at all" (a name no scope holds), as opposed to UNKNOWN (bound, value unreadable)
MISSING: Any = object()

# Literal arithmetic and comparisons can raise on odd operands (1 / 0, "a" < 1).
EVAL_ERRORS = (ValueError, OverflowError, ZeroDivisionError, TypeError)


# ---------------------------------------------------------------------------
# Scopes


class Scope:
    """Names bound in one function call (or the module), with the enclosing scope.

    ``depth`` is the call depth that opened it (0 for the module), which
    readers use to prefer the outermost name of a value.
    """

    __slots__ = ("vars", "parent", "depth")

    def __init__(self, parent: Scope | None = None, depth: int = 0) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.depth = depth

    def get(self, name: str) -> Any:
        """The value bound to ``name`` here or in an enclosing scope, else :data:`MISSING`."""
        s: Scope | None = self
        while s is not None:
            if name in s.vars:
                return s.vars[name]
            s = s.parent
        return MISSING


# ---------------------------------------------------------------------------
# Literals, arithmetic, comparisons


def _integer(node: Node) -> Any:
    s = node_text(node).replace("_", "").rstrip("lL")
    # 0777 is Python 2 octal
    return int(s, 0) if not (len(s) > 1 and s[0] == "0" and s[1].isdigit()) else int(s, 8)


def _float(node: Node) -> Any:
    s = node_text(node).replace("_", "")
    return complex(s) if s.endswith(("j", "J")) else float(s)


def _string(node: Node) -> Any:
    # escape sequences are children of their own, left out; an f-string is unknown
    parts = []
    for c in node.named_children:
        ct = c.type
        if ct == "string_content":
            parts.append(node_text(c))
        elif ct == "interpolation":
            return UNKNOWN
    return "".join(parts)


def _concatenated(node: Node) -> Any:
    vals = [literal(c) for c in node.named_children]
    return "".join(vals) if all(isinstance(v, str) for v in vals) else UNKNOWN


_LITERAL_READERS: dict[str, Callable[[Node], Any]] = {
    "integer": _integer, "float": _float, "string": _string, "concatenated_string": _concatenated,
    "true": lambda _n: True, "false": lambda _n: False, "none": lambda _n: None,
}
LITERAL_TYPES = frozenset(_LITERAL_READERS)


def literal(node: Node | None) -> Any:
    """The value of a literal node (number, string, ``True``/``False``/``None``), else :data:`UNKNOWN`."""
    read = _LITERAL_READERS.get(node.type) if node is not None else None
    if read is None:
        return UNKNOWN
    try:
        return read(node)
    except EVAL_ERRORS:
        return UNKNOWN


def _power(a: Any, b: Any) -> Any:
    if abs(b) > 64 or abs(a) > 1e6:
        return UNKNOWN  # bounded: a hostile 10**10**10 must not hang us
    return a**b


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "//": lambda a, b: a // b, "%": lambda a, b: a % b, "**": _power,
}


def arith(a: Any, op: str, b: Any) -> Any:
    """``a op b`` on numbers (and ``+`` on strings), else :data:`UNKNOWN`. May raise on ``1 / 0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return UNKNOWN
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fn = _ARITH.get(op)
        return UNKNOWN if fn is None else fn(a, b)
    if isinstance(a, str) and isinstance(b, str) and op == "+":
        return a + b
    return UNKNOWN


def negate(v: Any, op: str) -> Any:
    """Unary ``-v`` / ``+v`` on a number, else :data:`UNKNOWN`."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return -v if op == "-" else (v if op == "+" else UNKNOWN)
    return UNKNOWN


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
    "is": lambda a, b: a is b, "is not": lambda a, b: a is not b,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def comparison_operators(node: Node) -> list[str]:
    """The operators of a ``comparison_operator`` node in order (``not in`` and ``is not`` as one)."""
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
    return [" ".join(node_text(o) for o in g) for g in groups]


def compare_chain(node: Node, value: Callable[[Node], Any]) -> Any:
    """``a < b <= c`` / ``x is None`` on static values (``value`` reads an operand), else UNKNOWN."""
    operands = [c for c in node.named_children if c.type != "comment"]
    ops = comparison_operators(node)
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


# ---------------------------------------------------------------------------
# Calls: argument nodes, parameters, binding


@dataclass(frozen=True)
class Param:
    """One parameter of a ``def``: ``kind`` is ``plain``, ``star`` (``*args``) or ``kw`` (``**kwargs``)."""

    name: str
    default: Node | None = None
    kind: str = "plain"


def read_parameters(fn: Node) -> list[Param]:
    """The parameters of a ``function_definition`` (or ``lambda``) node, in order.

    A bare ``*`` (keyword-only marker) is left out; type annotations are ignored.
    """
    params = fn.child_by_field_name("parameters")
    out: list[Param] = []
    for p in params.named_children if params is not None else ():
        t = p.type
        if t == "identifier":
            out.append(Param(node_text(p)))
        elif t in ("default_parameter", "typed_default_parameter"):
            out.append(Param(node_text(p.child_by_field_name("name")), p.child_by_field_name("value")))
        elif t == "typed_parameter":
            inner = p.named_children[0] if p.named_children else None
            if inner is None:
                continue
            if inner.type == "list_splat_pattern":
                out.append(Param(node_text(inner).lstrip("*"), kind="star"))
            elif inner.type == "dictionary_splat_pattern":
                out.append(Param(node_text(inner).lstrip("*"), kind="kw"))
            else:
                out.append(Param(node_text(inner)))
        elif t == "list_splat_pattern":
            out.append(Param(node_text(p).lstrip("*"), kind="star"))
        elif t == "dictionary_splat_pattern":
            out.append(Param(node_text(p).lstrip("*"), kind="kw"))
    return out


def bind_arguments(params: Iterable[Param], pos: list[Any], kw: dict[str, Any],
                   default: Callable[[Node], Any], missing: Any = UNKNOWN) -> dict[str, Any]:
    """Bind a call's arguments to parameters as Python does; values may be of any kind.

    Args:
        params: from :func:`read_parameters`.
        pos: positional argument values (or nodes) in order.
        kw: keyword argument values (or nodes) by name.
        default: reads a parameter's default node (called only for parameters
            no argument fills).
        missing: what a parameter with neither argument nor default gets.

    Returns:
        ``{name: value}`` for every parameter: ``*args`` gets the list of the
        positional values left, ``**kwargs`` a dict of the keywords that name
        no parameter. A keyword wins over a positional for the same name (a
        call Python would reject, read as leniently as possible).
    """
    out: dict[str, Any] = {}
    i = 0
    named = {p.name for p in params if p.kind == "plain"}
    for p in params:
        if p.kind == "star":
            out[p.name] = list(pos[i:])
            i = len(pos)
        elif p.kind == "kw":
            out[p.name] = {k: v for k, v in kw.items() if k not in named}
        elif p.name in kw:
            out[p.name] = kw[p.name]
        elif i < len(pos):
            out[p.name] = pos[i]
            i += 1
        elif p.default is not None:
            out[p.name] = default(p.default)
        else:
            out[p.name] = missing
    return out


# ---------------------------------------------------------------------------
# Module constants and command-line defaults


def module_constants(root: Node, value: Callable[[Node], Any], into: dict[str, Any]) -> None:
    """Module-level ``NAME = expr`` (and ``A, B = x, y``) into ``into``, in order.

    In order, so later ones win and constants built from earlier ones resolve
    (``EPOCHS = 2 * BASE``): ``value`` should read names from ``into``.
    """
    for stmt in root.named_children:
        node = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if node is None or node.type != "assignment":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            continue
        if left.type == "identifier":
            into[node_text(left)] = value(right)
        elif left.type in ("pattern_list", "tuple_pattern") and right.type in ("expression_list", "tuple"):
            names, vals = left.named_children, right.named_children
            if len(names) == len(vals):
                for name, val in zip(names, vals, strict=True):
                    if name.type == "identifier":
                        into[node_text(name)] = value(val)


_FLAG_CALLS = ("add_argument", "DEFINE_integer", "DEFINE_float", "DEFINE_string", "DEFINE_boolean", "DEFINE_bool")


def flag_defaults(calls: Iterable[Node], value: Callable[[Node], Any], into: dict[str, Any]) -> None:
    """Defaults of command-line options into ``into`` (``dest -> default``).

    ``parser.add_argument('--batch-size', default=32)`` gives ``batch_size: 32``
    (``dest=`` wins); absl / ``tf.app.flags`` ``DEFINE_integer('epochs', 10, ...)``
    gives ``epochs: 10``. An option without a default gets ``None``.
    """
    for call in calls:
        fn = call_function_name(call)
        if not fn or not fn.endswith(_FLAG_CALLS):
            continue
        positional, keywords = call_arguments(call)
        if fn.endswith("add_argument"):
            dest = _argparse_dest(positional, keywords, value)
            if dest is not None:
                into[dest] = value(keywords["default"]) if "default" in keywords else None
        elif len(positional) >= 2:  # absl / tf.app.flags: DEFINE_x("name", default, "help")
            name = value(positional[0])
            if isinstance(name, str):
                into[name] = value(positional[1])


def _argparse_dest(positional: list[Node], keywords: dict[str, Node], value: Callable[[Node], Any]) -> str | None:
    flags = [f for f in (value(p) for p in positional) if isinstance(f, str)]
    dest_node = keywords.get("dest")
    dest = value(dest_node) if dest_node is not None else None
    if isinstance(dest, str):
        return dest
    longs = [f for f in flags if f.startswith("--")]
    pick = longs[0] if longs else (flags[0] if flags else None)
    return None if pick is None else pick.lstrip("-").replace("-", "_")


# ---------------------------------------------------------------------------
# The evaluator


# node type -> handler method name (pyflakes style: the type in capitals)
def _handler_names(cls: type) -> dict[str, str]:
    return {name.lower(): name for name in dir(cls) if name.isupper() and callable(getattr(cls, name))}


class Evaluator:
    """Static values of expressions, one handler per node type.

    The base reads plain values. ``scope`` is whatever a subclass keeps names
    in; here it is an optional ``dict`` (name or dotted name -> value, e.g. a
    function's defaults or ``self.hidden`` bound by a reader) over the
    script's module ``constants`` and ``flags`` (argparse/absl defaults).

    Args:
        constants: module-level names and their values.
        flags: command-line option defaults (``dest -> default``).
    """

    max_depth = 50  # nested expressions read; deeper is UNKNOWN (a hostile ((((...)))) must not overflow)
    max_literal: int | None = None  # longer list/dict displays are data: UNKNOWN
    spread_splats = False  # [*a, b] reads a's items (else the *a element is UNKNOWN)

    def __init__(self, constants: dict[str, Any] | None = None, flags: dict[str, Any] | None = None) -> None:
        self.constants = constants if constants is not None else {}
        self.flags = flags if flags is not None else {}
        self.depth = 0
        table = {t: getattr(self, name) for t, name in _handler_names(type(self)).items()}
        for t in LITERAL_TYPES:
            table.setdefault(t, self.LITERAL)
        table.setdefault("tuple", self.LIST)
        table.setdefault("expression_list", self.LIST)
        self.handlers: dict[str, Callable[[Node, Any], Any]] = table

    def eval(self, node: Node | None, scope: Any = None) -> Any:
        """The value of an expression node, or :data:`UNKNOWN`. Never executes anything."""
        if node is None or self.depth > self.max_depth:
            return UNKNOWN
        handler = self.handlers.get(node.type)
        if handler is None:
            return UNKNOWN
        self.depth += 1
        try:
            return handler(node, scope)
        except EVAL_ERRORS:
            return UNKNOWN
        finally:
            self.depth -= 1

    # -- shared by every evaluator ---------------------------------------
    def LITERAL(self, n: Node, scope: Any) -> Any:
        return literal(n)

    def PARENTHESIZED_EXPRESSION(self, n: Node, scope: Any) -> Any:
        kids = n.named_children
        return self.eval(kids[0], scope) if kids else UNKNOWN

    def LIST(self, n: Node, scope: Any) -> Any:
        """``[a, b]``, ``(a, b)``, ``a, b`` -> a list."""
        if self.max_literal is not None and n.named_child_count > self.max_literal:
            return UNKNOWN
        out = []
        for c in n.named_children:
            ct = c.type
            if ct == "comment":
                continue
            if ct == "list_splat" and self.spread_splats:
                v = self.eval(c.named_children[0] if c.named_children else None, scope)
                if isinstance(v, list):
                    out.extend(v)
                continue
            out.append(self.eval(c, scope))
        return out

    def DICTIONARY(self, n: Node, scope: Any) -> Any:
        """``{k: v}`` with number or string keys (``**other`` is left out)."""
        if self.max_literal is not None and n.named_child_count > self.max_literal:
            return UNKNOWN
        d: dict[Any, Any] = {}
        for pair in n.named_children:
            if pair.type == "pair":
                k = self.eval(pair.child_by_field_name("key"), scope)
                v = self.eval(pair.child_by_field_name("value"), scope)
                if isinstance(k, (str, int, float)):
                    d[k] = v
        return d

    def UNARY_OPERATOR(self, n: Node, scope: Any) -> Any:
        v = self.eval(n.child_by_field_name("argument"), scope)
        return negate(v, node_text(n.child_by_field_name("operator")))

    # -- plain values (a subclass with symbolic values overrides these) ----
    def IDENTIFIER(self, n: Node, scope: Any) -> Any:
        name = node_text(n)
        if scope and name in scope:
            return scope[name]
        return self.constants.get(name, UNKNOWN)

    def ATTRIBUTE(self, n: Node, scope: Any) -> Any:
        """``self.hidden`` bound in ``scope``; ``args.lr`` / ``FLAGS.lr`` / ``cfg.lr`` from the flags."""
        dn = dotted_name(n)
        if dn is not None:
            if scope and dn in scope:
                return scope[dn]
            if dn in self.constants:  # ``C.LR`` of ``import config as C`` (see repo_context)
                return self.constants[dn]
        obj = n.child_by_field_name("object")
        attr = node_text(n.child_by_field_name("attribute"))
        if obj is not None and obj.type in ("identifier", "attribute") and attr in self.flags:
            return self.flags[attr]
        return UNKNOWN

    def NOT_OPERATOR(self, n: Node, scope: Any) -> Any:
        v = self.eval(n.child_by_field_name("argument"), scope)
        return UNKNOWN if v is UNKNOWN else (not v)

    def BOOLEAN_OPERATOR(self, n: Node, scope: Any) -> Any:
        """``a and b`` / ``a or b`` with Python's short circuit; unknown ``a`` is unknown."""
        a = self.eval(n.child_by_field_name("left"), scope)
        op = node_text(n.child_by_field_name("operator"))
        if a is UNKNOWN:
            return UNKNOWN
        if (op == "and" and not a) or (op == "or" and a):
            return a
        return self.eval(n.child_by_field_name("right"), scope)

    def COMPARISON_OPERATOR(self, n: Node, scope: Any) -> Any:
        return compare_chain(n, lambda c: self.eval(c, scope))

    def BINARY_OPERATOR(self, n: Node, scope: Any) -> Any:
        a = self.eval(n.child_by_field_name("left"), scope)
        b = self.eval(n.child_by_field_name("right"), scope)
        return arith(a, node_text(n.child_by_field_name("operator")), b)

    def SUBSCRIPT(self, n: Node, scope: Any) -> Any:
        obj = self.eval(n.child_by_field_name("value"), scope)
        key = self.eval(n.child_by_field_name("subscript"), scope)
        if isinstance(obj, dict) and key in obj:
            return obj[key]
        if isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            return obj[key]
        return UNKNOWN

    def CALL(self, n: Node, scope: Any) -> Any:
        """``len(x)``, ``int(x)``, ``float(x)`` of static values; any other call is unknown."""
        fn = call_function_name(n)
        read = STATIC_BUILTINS.get(fn) if fn is not None else None
        if read is None:
            return UNKNOWN
        positional, _ = call_arguments(n)
        if len(positional) != 1:
            return UNKNOWN
        return read(self.eval(positional[0], scope))


def _len(v: Any) -> Any:
    return len(v) if isinstance(v, (list, str, dict)) else UNKNOWN


def _number(kind: type) -> Callable[[Any], Any]:
    def convert(v: Any) -> Any:
        if isinstance(v, (int, float, str)) and not isinstance(v, bool):
            try:
                return int(float(v)) if kind is int else float(v)
            except ValueError:
                return UNKNOWN
        return UNKNOWN

    return convert


# the builtins a static value goes through (one argument each)
STATIC_BUILTINS: dict[str, Callable[[Any], Any]] = {"len": _len, "int": _number(int), "float": _number(float)}
