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

Read inside its repository (``script.context`` set), the evaluator also
reads values that live in other files, statically (see "Values from the rest
of the repository" below): configuration files the code loads
(``yaml.safe_load(open("config.yaml"))``, ``json.load``, ``tomllib.load``,
``configparser``, ``OmegaConf.load``, ``@hydra.main``), read as plain data
(:class:`ConfigDict`: ``cfg["train"]["lr"]``, ``cfg.train.lr``,
``cfg.get("lr", 0.1)``), settings classes imported from another file
(:class:`SettingsClass`: ``Params().lr``) and ``SimpleNamespace``/``dict``
displays. A file read alone keeps what it always gave.

Also here, used by every reader: the parameters of a ``def`` and argument
binding (:func:`read_parameters`, :func:`bind_arguments`), module constants
(:func:`module_constants`) and command-line defaults (:func:`flag_defaults`).
See ``EVALUATOR.md`` beside the project notes for the API in one page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from corpus.readers.config import CONFIG_LOAD
from corpus.readers.syntax import (
    call_arguments,
    call_function_name,
    dotted_name,
    node_text,
    undecorated,
)

if TYPE_CHECKING:
    from corpus.readers.script import Script

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
    """``a op b`` on numbers (and ``+`` on strings and on lists: ``[obs_dim] + list(hidden_sizes) + [act_dim]``, its
    items unknown where they are), else :data:`UNKNOWN`. May raise on ``1 / 0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return UNKNOWN
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fn = _ARITH.get(op)
        return UNKNOWN if fn is None else fn(a, b)
    if isinstance(a, str) and isinstance(b, str) and op == "+":
        return a + b
    if isinstance(a, list) and isinstance(b, list) and op == "+" and len(a) + len(b) <= _MAX_JOINED:
        return a + b
    return UNKNOWN


_MAX_JOINED = 10_000  # a list built by repeated + stays bounded


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
        if stmt.type in ("with_statement", "if_statement"):
            _block_configs(stmt, value, into, 0)
            continue
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
        elif left.type in ("pattern_list", "tuple_pattern") and right.type == "call":
            into.update(unpacked(left, value(right)))
        elif left.type == "subscript":
            _set_item(left, value(right), value, into)


def unpacked(left: Node, got: Any) -> dict[str, Any]:
    """``model_args, data_args, training_args = parser.parse_args_into_dataclasses()``: each name of the pattern
    and the item of a call's list it is bound to; nothing when the lengths differ or the value is no list."""
    names = left.named_children
    if not isinstance(got, list) or len(got) != len(names):
        return {}
    return {node_text(k): v for k, v in zip(names, got, strict=True) if k.type == "identifier"}


def _set_item(left: Node, v: Any, value: Callable[[Node], Any], into: dict[str, Any]) -> None:
    """``config['epochs'] = 20`` at module level, after ``config = {...}``: a settings dict filled key by key.
    A new dict, so a value read from the old one earlier keeps what it saw."""
    obj, key_node = left.child_by_field_name("value"), left.child_by_field_name("subscript")
    if obj is None or obj.type != "identifier" or key_node is None:
        return
    held = into.get(node_text(obj))
    key = value(key_node)
    if isinstance(held, dict) and isinstance(key, str):
        into[node_text(obj)] = {**held, key: v}


def _block_configs(stmt: Node, value: Callable[[Node], Any], into: dict[str, Any], depth: int) -> None:
    """``with open("config.yaml") as f: cfg = yaml.safe_load(f)`` at module level (or under the main
    guard): names bound there to a configuration's data count as module constants. Only those: other
    values assigned in a block stay the readers' business (a branch may not run)."""
    if depth > 3:
        return
    if stmt.type == "if_statement":
        cond = stmt.child_by_field_name("condition")
        if cond is None or "__main__" not in node_text(cond):
            return
    body = stmt.child_by_field_name("body") if stmt.type != "if_statement" else stmt.child_by_field_name("consequence")
    for inner in body.named_children if body is not None else ():
        if inner.type in ("with_statement", "if_statement", "try_statement"):
            _block_configs(inner, value, into, depth + 1)
            continue
        node = inner.named_children[0] if inner.type == "expression_statement" and inner.named_children else None
        if node is None or node.type != "assignment":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and left.type == "identifier" and right.type == "call":
            v = value(right)
            if isinstance(v, ConfigDict):
                into[node_text(left)] = v


_FLAG_CALLS = ("add_argument", "set_defaults", "DEFINE_integer", "DEFINE_float", "DEFINE_string", "DEFINE_boolean", "DEFINE_bool")


def flag_defaults(calls: Iterable[Node], value: Callable[[Node], Any], into: dict[str, Any]) -> None:
    """Defaults of command-line options into ``into`` (``dest -> default``).

    ``parser.add_argument('--batch-size', default=32)`` gives ``batch_size: 32``
    (``dest=`` wins); absl / ``tf.app.flags`` ``DEFINE_integer('epochs', 10, ...)``
    gives ``epochs: 10``; ``parser.set_defaults(lr=0.1)`` gives ``lr: 0.1``. An option without a default gets
    ``None``.
    """
    for call in calls:
        fn = call_function_name(call)
        if not fn or not fn.endswith(_FLAG_CALLS):
            continue
        positional, keywords = call_arguments(call)
        if fn.endswith("add_argument"):
            dest = _argparse_dest(positional, keywords, value)
            if dest is not None:
                into[dest] = _typed_default(value(keywords["default"]), keywords.get("type")) \
                    if "default" in keywords else None
        elif fn.endswith("set_defaults"):
            # ``parser.set_defaults(lr=0.005)`` overrides an option's own default, wherever it is written
            for name, node in keywords.items():
                into[name] = value(node)
        elif len(positional) >= 2:  # absl / tf.app.flags: DEFINE_x("name", default, "help")
            name = value(positional[0])
            if isinstance(name, str):
                into[name] = value(positional[1])


def _typed_default(default: Any, type_node: Node | None) -> Any:
    """argparse passes a string default through ``type`` (``type=int, default='200'`` runs with 200)."""
    convert = {"int": int, "float": float}.get(node_text(type_node)) if type_node is not None else None
    if convert is None or not isinstance(default, str):
        return default
    try:
        return convert(default)
    except ValueError:
        return default


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

    def __init__(self, constants: dict[str, Any] | None = None, flags: dict[str, Any] | None = None,
                 script: Script | None = None) -> None:
        self.constants = constants if constants is not None else {}
        self.flags = flags if flags is not None else {}
        # the script read (its context: the repository around it, None for a file read alone)
        self.script = script
        self._hydra: list[tuple[int, int, str, Any]] | None = None
        self._loaders: dict[str, tuple[Node, Node]] | None = None
        self._own_settings: dict[str, SettingsClass] | None = None
        self._settings_funcs: dict[str, Node] | None = None
        self._in_settings_func: set[str] = set()
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
            if pair.type == "dictionary_splat" and pair.named_children:  # {**vars(args), "lr": 0.1}
                other = self.eval(pair.named_children[0], scope)
                if isinstance(other, dict):
                    d.update(other)
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
        v = self.constants.get(name, MISSING)
        if v is MISSING:
            return self.repo_identifier(n, name, scope) if self.in_repository else UNKNOWN
        return v

    def ATTRIBUTE(self, n: Node, scope: Any) -> Any:
        """``self.hidden`` bound in ``scope``; ``args.lr`` / ``FLAGS.lr`` / ``cfg.lr`` from the flags."""
        dn = dotted_name(n)
        if dn is not None:
            if scope and dn in scope:
                return scope[dn]
            if dn in self.constants:  # ``C.LR`` of ``import config as C`` (see repo_context)
                return self.constants[dn]
            if dn.endswith("config") and (self.script.resolve(dn) or dn) == "wandb.config":
                return self.wandb_config()
        obj = n.child_by_field_name("object")
        attr = node_text(n.child_by_field_name("attribute"))
        head = dn.split(".")[0] if dn is not None else None
        if obj is not None and (self.in_repository or head is not None and (
                head in self.constants or isinstance(scope, dict) and isinstance(scope.get(head), ConfigDict))):
            got = self.eval(obj, scope)
            if isinstance(got, ConfigDict):  # cfg.train.lr of a configuration, params.lr of a settings object
                return self.attribute_of_config(got, attr, n)
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

    def CONDITIONAL_EXPRESSION(self, n: Node, scope: Any) -> Any:
        """``a if cond else b`` with ``cond`` known statically (a flag's default, a loop's counter); else unknown."""
        kids = [c for c in n.named_children if c.type != "comment"]
        if len(kids) != 3:
            return UNKNOWN
        cond = self.eval(kids[1], scope)
        if cond is UNKNOWN or not isinstance(cond, (bool, int, float, str, type(None), list, dict)):
            return UNKNOWN
        return self.eval(kids[0] if cond else kids[2], scope)

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
        got = self.settings_call(n, scope, own=True)
        if got is MISSING:
            got = self.settings_function(n, scope)
        if got is not MISSING:
            return got
        if self.in_repository:
            got = self.repo_call(n, scope)
            if got is not MISSING:
                return got
        fn = call_function_name(n)
        if fn is not None and (self.script.resolve(fn) or fn) in OPTION_DEFAULTS:
            return self.option_default(n, scope)
        if fn is not None and (self.script.resolve(fn) or fn) == "docopt.docopt":
            return self.docopt_defaults(n)
        if fn == "dict" and "dict" not in self.constants:
            return self.plain_dict(n, scope)
        if fn == "getattr" and "getattr" not in self.constants:
            return self.call_getattr(n, scope)
        if fn == "vars" and "vars" not in self.constants:  # (a file read alone: the repository's calls are not asked)
            got = self.call_vars(n, scope)
            return UNKNOWN if got is MISSING else got
        if fn is not None and (self.script.resolve(fn) or fn) in _HF_PARSERS:
            positional, _ = call_arguments(n)
            classes = positional[0] if positional else None
            kids = classes.named_children if classes is not None and classes.type in ("tuple", "list") else \
                [classes] if classes is not None else []
            return HfParser(tuple(dotted_name(k) or "" for k in kids))
        if fn is not None and fn.endswith(".parse_args_into_dataclasses"):
            return self.hf_dataclasses(n, scope)
        read = STATIC_BUILTINS.get(fn) if fn is not None else None
        if read is None:
            return UNKNOWN
        positional, _ = call_arguments(n)
        if len(positional) != 1:
            return UNKNOWN
        return read(self.eval(positional[0], scope))

    def hf_dataclasses(self, n: Node, scope: Any) -> Any:
        """``model_args, data_args, training_args = parser.parse_args_into_dataclasses()`` of an
        ``HfArgumentParser((ModelArguments, DataArguments, TrainingArguments))``: each class's field defaults,
        as run with no arguments (a class not read here: unknown)."""
        fnode = n.child_by_field_name("function")
        obj = fnode.child_by_field_name("object") if fnode is not None and fnode.type == "attribute" else None
        parser = self.eval(obj, scope) if obj is not None else UNKNOWN
        if not isinstance(parser, HfParser):
            return UNKNOWN
        own = self.own_settings()
        return [ConfigDict(own[name], "", own[name].keys) if name in own else UNKNOWN for name in parser.classes]

    def call_getattr(self, n: Node, scope: Any) -> Any:
        """``getattr(args, "optimizer", "adam")``: the option's value when the script's options (or a
        configuration) have it, else the default given (a guard against an option the script lacks)."""
        positional, _ = call_arguments(n)
        if len(positional) not in (2, 3):
            return UNKNOWN
        obj, name = positional[0], self.eval(positional[1], scope)
        if not isinstance(name, str) or obj.type not in ("identifier", "attribute"):
            return UNKNOWN
        got = self.eval(obj, scope)
        if isinstance(got, ConfigDict):
            known = name in got
            value = got.get(name)
        elif name in self.flags:
            return self.flags[name]
        else:
            known, value = False, UNKNOWN
            if not self.flags:
                return UNKNOWN  # an object the script gives no options for: it may have the attribute
        if known:
            return value
        return self.eval(positional[2], scope) if len(positional) == 3 else UNKNOWN

    def wandb_config(self) -> Any:
        """``wandb.config`` after ``wandb.init(config=settings)``: those settings, read as attributes too
        (``config = wandb.config`` then ``config.lr``); unknown while being read (a config naming itself)."""
        cached = self.__dict__.get("_wandb_config", MISSING)
        if cached is not MISSING:
            return cached
        self.__dict__["_wandb_config"] = UNKNOWN
        got: Any = UNKNOWN
        if b"wandb" in self.script.code_bytes:
            for call in self.script.nodes("call"):
                fn = call_function_name(call)
                if fn is None or not fn.endswith("init") or (self.script.resolve(fn) or fn) != "wandb.init":
                    continue
                _, keywords = call_arguments(call)
                # (read by the script's own evaluator, on its constants: a reader's evaluator has scopes of its own)
                value = self.script.value(keywords["config"]) if "config" in keywords else UNKNOWN
                if isinstance(value, dict):
                    got = value if isinstance(value, ConfigDict) else ConfigDict(value)
                    break
        self.__dict__["_wandb_config"] = got
        return got

    def plain_dict(self, n: Node, scope: Any) -> Any:
        """``config = dict(lr=0.1, batch_size=1024)``: the settings dict a notebook writes before its training."""
        positional, keywords = call_arguments(n)
        if len(positional) > 1 or any(c.type in ("list_splat", "dictionary_splat") for c in positional):
            return UNKNOWN
        base = self.eval(positional[0], scope) if positional else {}
        if not isinstance(base, dict):
            return UNKNOWN
        out = dict(base)
        for k, node in keywords.items():
            out[k] = self.eval(node, scope)
        return out

    def option_default(self, n: Node, scope: Any) -> Any:
        """``lr: float = typer.Option(0.003, help=...)``: the value a command runs with when not given."""
        positional, keywords = call_arguments(n)
        node = keywords.get("default") or (positional[0] if positional else None)
        if node is None or node.type == "ellipsis":  # typer.Option(...): required, no default
            return UNKNOWN
        return self.eval(node, scope)

    def docopt_defaults(self, n: Node) -> Any:
        """``args = docopt(__doc__)``: the options the module's usage text gives a ``[default: 32]``, as docopt
        returns them when run with none (strings, keyed ``--batch-size``; an option with no default is None)."""
        positional, _ = call_arguments(n)
        if not positional or node_text(positional[0]) != "__doc__" or self.script is None:
            return UNKNOWN
        first = next((c for c in self.script.root.named_children if c.type != "comment"), None)
        doc = first.named_children[0] if first is not None and first.type == "expression_statement" \
            and first.named_children else None
        if doc is None or doc.type != "string":
            return UNKNOWN
        options: dict[str, Any] = {}
        for m in _DOCOPT_OPTION.finditer(node_text(doc)):
            options.setdefault(m.group(1), m.group(2).strip() if m.group(2) is not None else None)
        return ConfigDict(options) if options else UNKNOWN

    # -- values from the rest of the repository (script.context set) -------
    @property
    def in_repository(self) -> bool:
        """Whether the script is read inside its repository (else the handlers below are skipped)."""
        script = self.script
        return script is not None and script.context is not None

    def repo_identifier(self, n: Node, name: str, scope: Any) -> Any:
        """A name no scope binds: the config parameter of a ``@hydra.main`` function, else unknown."""
        if self._hydra is None:
            self._hydra = hydra_configs(self) if b"hydra" in self.script.code_bytes else []
        for start, end, param, cfg in self._hydra:
            if param == name and start <= n.start_byte < end:
                return cfg
        return UNKNOWN

    def attribute_of_config(self, obj: ConfigDict, attr: str, n: Node | None = None) -> Any:
        """``cfg.train.lr``: a key of a configuration read as an attribute (OmegaConf, EasyDict, a namespace)."""
        v = obj.lookup(attr)
        return UNKNOWN if v is MISSING else v

    def repo_call(self, n: Node, scope: Any) -> Any:
        """A call whose value comes from the repository (:data:`REPO_CALLS`), else :data:`MISSING`.

        Subclasses call it first in their own call handler (the Keras interpreter does), after
        :meth:`settings_call` (which :meth:`CALL` asks first here).
        """
        if not self.in_repository:
            return MISSING
        fn = call_function_name(n)
        if fn is None:  # cfg["train"].get("lr")
            fnode = n.child_by_field_name("function")
            attr = fnode.child_by_field_name("attribute") if fnode is not None and fnode.type == "attribute" else None
            last = node_text(attr) if attr is not None else ""
            return self.config_method(n, scope, last) if last in _CONFIG_METHODS else MISSING
        head, _, last = fn.rpartition(".")
        if head and last in _CONFIG_METHODS:
            return self.config_method(n, scope, last)
        full = self.script.resolve(fn) or fn
        handler = REPO_CALLS.get(full)
        if handler is not None:
            return handler(self, n, scope)
        fnode = n.child_by_field_name("function")
        if fnode is not None and fnode.type in ("identifier", "attribute"):
            # (a subclass with scopes of its own, the Keras interpreter, runs the function itself)
            if fnode.type == "identifier" and not isinstance(scope, Scope) and not (isinstance(scope, dict) and fn in scope):
                loader = self.loader_functions().get(fn)
                if loader is not None:
                    return self.call_loader_function(loader, n, scope)
            elif head and "." not in head and head in self.script.aliases and not isinstance(scope, Scope):
                # ``com.yaml_load()`` of ``import common as com``: the module's loader, inlined below the script
                loader = self.loader_functions().get(last)
                if loader is not None:
                    return self.call_loader_function(loader, n, scope)
        return MISSING

    def loader_functions(self) -> dict[str, tuple[Node, Node]]:
        """Top-level functions of the script that return a configuration they load
        (``def load_config(path): with open(path) as f: return yaml.safe_load(f)``): name -> (def, returned call)."""
        if self._loaders is not None:
            return self._loaders
        self._loaders = {}
        for stmt in self.script.root.named_children:
            fn = undecorated(stmt)
            if fn is None or fn.type != "function_definition" or not _LOADER_WORDS.search(fn.text or b""):
                continue
            body = fn.child_by_field_name("body")
            returned = _returned_load(body) if body is not None else None
            if returned is not None:
                self._loaders[node_text(fn.child_by_field_name("name"))] = (fn, returned)
        return self._loaders

    def call_loader_function(self, loader: tuple[Node, Node], n: Node, scope: Any) -> Any:
        """A call of a loader function: its returned load read with the call's arguments bound to its parameters."""
        fn, returned = loader
        positional, keywords = call_arguments(n)
        if any(c.type in ("list_splat", "dictionary_splat") for c in positional):
            return MISSING
        env = bind_arguments(read_parameters(fn), [self.eval(c, scope) for c in positional],
                             {k: self.eval(v, scope) for k, v in keywords.items()}, default=self.eval)
        got = self.eval(returned, {k: v for k, v in env.items() if v is not UNKNOWN})
        return got if isinstance(got, ConfigDict) else MISSING

    # handlers of REPO_CALLS: (evaluator, call node, scope) -> value or MISSING
    def call_open(self, n: Node, scope: Any) -> Any:
        """``open("config.yaml")`` of a configuration file of the repository: an :class:`OpenedFile`."""
        positional, keywords = call_arguments(n)
        arg = positional[0] if positional else keywords.get("file")
        path = self.path_value(arg, scope)
        if not isinstance(path, str) or not _CONFIG_NAME.search(path):
            return MISSING
        return OpenedFile(path)

    def call_load_stream(self, n: Node, scope: Any) -> Any:
        """``yaml.safe_load(f)`` / ``yaml.load(f, Loader=...)`` (read safely all the same), ``json.load(f)``,
        ``json.loads(f.read())``, ``tomllib.load(f)``, ``OmegaConf.load(path)``, ``toml.load(path)``."""
        positional, keywords = call_arguments(n)
        arg = positional[0] if positional else (keywords.get("stream") or keywords.get("fp")
                                                or keywords.get("file_") or keywords.get("f"))
        src = self.config_source(arg, scope)
        return MISSING if src is None else self.load_config_file(src)

    def call_configparser(self, n: Node, scope: Any) -> Any:
        """``config = configparser.ConfigParser()``: the INI file a ``config.read("settings.ini")`` of the
        script names (an :class:`IniFile`)."""
        parent = n.parent
        left = parent.child_by_field_name("left") if parent is not None and parent.type == "assignment" else None
        var = dotted_name(left)
        if var is None:
            return MISSING
        for call in self.script.nodes("call"):
            fn = call_function_name(call)
            if fn not in (f"{var}.read", f"{var}.read_file"):
                continue
            positional, _ = call_arguments(call)
            if not positional:
                continue
            names = self.eval(positional[0], scope)
            if fn.endswith("read_file"):
                src = self.config_source(positional[0], scope)
                names = [src] if src else []
            for name in names if isinstance(names, list) else [names if isinstance(names, str) else
                                                                   self.path_value(positional[0], scope)]:
                got = self.load_config_file(name) if isinstance(name, str) else MISSING
                if isinstance(got, ConfigDict):
                    return IniFile(got, got.file, "", got.reads)
        return MISSING

    def call_wrapper(self, n: Node, scope: Any) -> Any:
        """``EasyDict(cfg)``, ``OmegaConf.create(d)``, ``SimpleNamespace(lr=0.1)``, ``dict(lr=0.1)``: a mapping
        whose keys read as attributes (the wrapped configuration keeps where it came from)."""
        positional, keywords = call_arguments(n)
        if any(c.type in ("list_splat", "dictionary_splat") for c in positional):
            return MISSING
        base: Any = {}
        if positional:
            base = self.eval(positional[0], scope)
            if not isinstance(base, dict):
                return MISSING
        out = ConfigDict(base, base.file, base.keys, base.reads) if isinstance(base, ConfigDict) else ConfigDict(base)
        for k, node in keywords.items():
            out[k] = self.eval(node, scope)
        return out

    def call_vars(self, n: Node, scope: Any) -> Any:
        """``vars(args)``: the command-line defaults as a mapping (``config["lr"]``)."""
        positional, _ = call_arguments(n)
        if len(positional) != 1 or not self.flags or positional[0].type != "identifier":
            return MISSING
        return ConfigDict(self.flags)

    def config_method(self, n: Node, scope: Any, method: str) -> Any:
        """``cfg.get("lr", 0.1)`` on a configuration; ``config.getfloat("train", "lr")`` on an INI file."""
        fnode = n.child_by_field_name("function")
        obj_node = fnode.child_by_field_name("object") if fnode is not None else None
        if obj_node is None or (obj_node.type != "subscript" and dotted_name(obj_node) is None):
            return MISSING
        obj = self.eval(obj_node, scope)
        if not isinstance(obj, ConfigDict):
            return MISSING
        positional, keywords = call_arguments(n)
        if isinstance(obj, IniFile) and len(positional) >= 2:
            section = obj.lookup(self.eval(positional[0], scope))
            v = section.lookup(self.eval(positional[1], scope)) if isinstance(section, ConfigDict) else MISSING
            if v is MISSING:
                fallback = keywords.get("fallback") or (positional[2] if len(positional) > 2 else None)
                return self.eval(fallback, scope) if fallback is not None else UNKNOWN
            return _INI_GETTERS.get(method, _same)(v)
        if method != "get" or not positional:
            return MISSING
        v = obj.lookup(self.eval(positional[0], scope))
        if v is MISSING:
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            return self.eval(default, scope) if default is not None else None
        return v

    def own_settings(self) -> dict[str, SettingsClass]:
        """The settings classes the file itself defines (:func:`settings_classes`), computed once: every call the
        evaluator reads may ask."""
        if self._own_settings is None:
            self._own_settings = settings_classes(self.script) \
                if self.script is not None and b"class" in self.script.code_bytes else {}
        return self._own_settings

    def settings_call(self, n: Node, scope: Any, own: bool = False) -> Any:
        """A call that gives a settings object: ``Params(lr=0.1)``, ``tyro.cli(Args)`` of a settings class
        imported from the repository (in the constants) or, with ``own``, of this file; else :data:`MISSING`."""
        name = settings_class_of(self.script, n) if self.script is not None else None
        if name is None:
            return MISSING
        cls = scope[name] if isinstance(scope, dict) and name in scope else self.constants.get(name, MISSING)
        if cls is MISSING and own:
            cls = self.own_settings().get(name, MISSING)
        if not isinstance(cls, SettingsClass):
            return MISSING
        if name != call_function_name(n):  # tyro.cli(Args): the class's defaults, as run with no arguments
            return ConfigDict(cls, "", cls.keys)
        return self.settings_instance(cls, n, scope)

    def settings_function(self, n: Node, scope: Any) -> Any:
        """``cfg = get_args()`` of a function of the file that takes no argument and returns the settings it
        builds (a dict display, ``{**vars(args)}`` of its parsed flags); else :data:`MISSING`."""
        fn = call_function_name(n)
        if fn is None or "." in fn or fn in self.constants or (isinstance(scope, dict) and fn in scope) or \
                fn in self._in_settings_func:
            return MISSING
        if self._settings_funcs is None:
            self._settings_funcs = _settings_functions(self.script.root) if self.script is not None else {}
        fnode = self._settings_funcs.get(fn)
        if fnode is None:
            return MISSING
        positional, keywords = call_arguments(n)
        if positional or keywords:
            return MISSING
        self._in_settings_func.add(fn)
        try:
            got = self._returned(fnode)
        finally:
            self._in_settings_func.discard(fn)
        return got if isinstance(got, dict) else MISSING

    def _returned(self, fnode: Node) -> Any:
        """The value a function's straight-line body returns (its top-level assignments read in order)."""
        env: dict[str, Any] = {}
        body = fnode.child_by_field_name("body")
        for stmt in body.named_children if body is not None else ():
            if stmt.type == "return_statement":
                return self.eval(stmt.named_children[0], env) if stmt.named_children else MISSING
            a = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
            if a is not None and a.type == "assignment":
                left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
                if left is not None and right is not None and left.type == "identifier":
                    env[node_text(left)] = self.eval(right, env)
        return MISSING

    def settings_instance(self, cls: SettingsClass, n: Node, scope: Any) -> Any:
        """``Params(lr=0.1)`` of a settings class: its values, the call's arguments over them (in field order)."""
        positional, keywords = call_arguments(n)
        out = ConfigDict(cls, "", cls.keys)
        names = list(cls)
        for i, node in enumerate(positional):
            if node.type in ("list_splat", "dictionary_splat") or i >= len(names):
                break
            out[names[i]] = self.eval(node, scope)
        for k, node in keywords.items():
            out[k] = self.eval(node, scope)
        return out

    # -- reading configuration files ------------------------------------------
    def path_value(self, node: Node | None, scope: Any) -> Any:
        """A file name as written: a string, ``args.config``'s default, ``os.path.join(...)`` or
        ``Path(...) / "x.yaml"`` (parts built from ``__file__`` dropped: names resolve from the file's folder)."""
        if node is None:
            return UNKNOWN
        if "__file__" in node_text(node) and node.type not in ("call", "binary_operator"):
            return ""
        if node.type == "call":
            fn = self.script.resolve(call_function_name(node)) or ""
            positional, _ = call_arguments(node)
            if fn in ("os.path.join", "posixpath.join", "pathlib.Path", "Path", "pathlib.PurePath"):
                parts = [self.path_value(p, scope) for p in positional]
                if parts and all(isinstance(p, str) for p in parts):
                    return posixpath.join(*parts) if any(parts) else ""
                return UNKNOWN
            if fn in ("os.path.dirname", "os.path.abspath", "os.path.realpath") and "__file__" in node_text(node):
                return ""
        if node.type == "binary_operator" and node_text(node.child_by_field_name("operator")) == "/":
            a = self.path_value(node.child_by_field_name("left"), scope)
            b = self.path_value(node.child_by_field_name("right"), scope)
            if isinstance(a, str) and isinstance(b, str):
                return posixpath.join(a, b) if a else b
            return UNKNOWN
        if node.type == "attribute" and "__file__" in node_text(node):
            return ""  # Path(__file__).parent
        v = self.eval(node, scope)
        return v.path if isinstance(v, OpenedFile) else v

    def config_source(self, node: Node | None, scope: Any) -> str | None:
        """The repository file a loader reads: an opened file (``f`` of ``with open(...) as f``), ``f.read()``,
        or a path."""
        for _ in range(3):
            if node is None:
                return None
            if node.type == "call":  # f.read()
                fnode = node.child_by_field_name("function")
                if fnode is not None and fnode.type == "attribute" and node_text(
                        fnode.child_by_field_name("attribute")) in ("read", "read_text", "open"):
                    node = fnode.child_by_field_name("object")
                    continue
            v = self.eval(node, scope)
            if isinstance(v, OpenedFile):
                return v.path
            if isinstance(v, str) and _CONFIG_NAME.search(v):
                return v
            if node.type == "identifier" and v in (UNKNOWN, MISSING):
                node = _with_binding(node)
                continue
            if v is UNKNOWN:
                path = self.path_value(node, scope)
                return path if isinstance(path, str) and _CONFIG_NAME.search(path) else None
            return None
        return None

    def load_config_file(self, name: str) -> Any:
        """The data of a configuration file of the repository (read once per repository), wrapped."""
        ctx = self.script.context
        hit = ctx.config_file(name, self.script.path)
        if hit is None:
            return MISSING
        path, data = hit
        if isinstance(data, dict):
            return ConfigDict(data, path, "", ctx.config_reads)
        return MISSING if data is None else data


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
def _items(v: Any) -> Any:
    """``list(hidden_sizes)`` / ``tuple(x)`` of a static sequence (tuples read as lists)."""
    return list(v) if isinstance(v, list) else UNKNOWN


STATIC_BUILTINS: dict[str, Callable[[Any], Any]] = {"len": _len, "int": _number(int), "float": _number(float),
                                                    "list": _items, "tuple": _items}
# command-line option declarations used as a parameter's default: the option's own default is the value
OPTION_DEFAULTS = frozenset({"typer.Option", "typer.Argument"})
# an option line of a docopt usage text: ``--batch-size=<int>   batch size [default: 32]``
_DOCOPT_OPTION = re.compile(r"^[ \t]*(?:-\w[ ,]+)?(--[\w-]+)(?:[= ][<\w>.-]+)?[ \t]{2,}[^\n]*?(?:\[default:\s*([^\]\n]*)\])?[ \t]*$",
                            re.MULTILINE | re.IGNORECASE)


# ---------------------------------------------------------------------------
# Values from the rest of the repository: configuration files, settings objects
#
# Read only when the script is read inside its repository (``script.context``):
# nothing here runs the code or the configuration; files are read as data by
# ``corpus.readers.config.load_config`` through the repository's context.

MAX_READS = 10_000  # configuration values recorded per repository (for value_sources)
_CONFIG_NAME = re.compile(r"\.(ya?ml|json|toml|ini|cfg)$", re.IGNORECASE)


class ConfigDict(dict):
    """A mapping read from a configuration file of the repository, or a settings object.

    Keys also read as attributes (``cfg.train.lr``), as OmegaConf, EasyDict and
    ``SimpleNamespace`` do. ``file`` and ``keys`` say where it came from
    (``configs/train.yaml``, ``train``); a number or string read from a file's
    mapping is appended to ``reads`` (the repository's list) as ``(value,
    "configs/train.yaml: train.lr")``, for ``Summary.value_sources``.
    """

    __slots__ = ("file", "keys", "reads")

    def __init__(self, data: Any = (), file: str = "", keys: str = "", reads: list[tuple[Any, str]] | None = None
                 ) -> None:
        super().__init__(data)
        self.file, self.keys, self.reads = file, keys, reads

    def lookup(self, key: Any) -> Any:
        """The value under ``key`` (a nested mapping wrapped, a scalar recorded), else :data:`MISSING`."""
        try:
            v = dict.__getitem__(self, key)
        except (KeyError, TypeError):
            return MISSING
        where = f"{self.keys}.{key}" if self.keys else str(key)
        if isinstance(v, dict) and not isinstance(v, ConfigDict):
            return ConfigDict(v, self.file, where, self.reads)
        if self.file and self.reads is not None and isinstance(v, (int, float, str)) and len(self.reads) < MAX_READS:
            self.reads.append((v, f"{self.file}: {where}"))
        return v

    def __getitem__(self, key: Any) -> Any:
        v = self.lookup(key)
        if v is MISSING:
            raise KeyError(key)
        return v

    def get(self, key: Any, default: Any = None) -> Any:
        v = self.lookup(key)
        return default if v is MISSING else v


class SettingsClass(ConfigDict):
    """A class that only holds settings (``@dataclass class Params: lr: float = 1e-3``; ``class Config: LR = 0.01``):
    its values by name; calling it gives an instance (:meth:`Evaluator.settings_instance`)."""

    __slots__ = ()


@dataclass(frozen=True)
class HfParser:
    """``transformers.HfArgumentParser((ModelArguments, ...))``: the argument dataclasses it fills, by name."""

    classes: tuple[str, ...]


class IniFile(ConfigDict):
    """A ``configparser`` object with the INI file the script reads into it: sections of strings."""

    __slots__ = ()


@dataclass(frozen=True)
class OpenedFile:
    """``open("config.yaml")``: a configuration file of the repository, opened for reading."""

    path: str


def _same(v: Any) -> Any:
    return v


def _ini_bool(v: Any) -> Any:
    s = str(v).strip().lower()
    return True if s in ("1", "yes", "true", "on") else False if s in ("0", "no", "false", "off") else UNKNOWN


_INI_GETTERS: dict[str, Callable[[Any], Any]] = {"getfloat": _number(float), "getint": _number(int),
                                                "getboolean": _ini_bool, "get": _same}
_CONFIG_METHODS = frozenset(_INI_GETTERS)

# dotted origin of a call -> the handler reading its value from the repository
REPO_CALLS: dict[str, Callable[[Evaluator, Node, Any], Any]] = {
    **{name: Evaluator.call_open for name in ("open", "io.open", "codecs.open", "builtins.open")},
    **{name: Evaluator.call_load_stream for name in (
        "yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "json.load", "json.loads",
        "tomllib.load", "tomli.load", "toml.load", "omegaconf.OmegaConf.load")},
    **{name: Evaluator.call_configparser for name in (
        "configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser",
        "ConfigParser.ConfigParser", "ConfigParser.RawConfigParser", "ConfigParser.SafeConfigParser")},
    **{name: Evaluator.call_wrapper for name in (
        "easydict.EasyDict", "munch.Munch", "munch.munchify", "dotmap.DotMap", "addict.Dict", "attrdict.AttrDict",
        "box.Box", "ml_collections.ConfigDict", "omegaconf.OmegaConf.create", "omegaconf.DictConfig",
        "omegaconf.OmegaConf.to_container", "types.SimpleNamespace", "argparse.Namespace", "dict",
        # k2's icefall recipes build their settings in ``get_params()`` as an AttributeDict
        "icefall.utils.AttributeDict",
        # TF's hyperparameter bag, which Tacotron 2 and its many forks build in ``create_hparams()``
        "tensorflow.contrib.training.HParams", "tensorflow.contrib.training.python.training.hparam.HParams",
        "tensor2tensor.utils.hparam.HParams")},
    "vars": Evaluator.call_vars,
}


# functions returning a configuration: one they load, or one they build (``return HParams(lr=1e-3, ...)``)
_LOADER_WORDS = re.compile(CONFIG_LOAD.pattern + rb"|\bHParams\(")


def _returned_load(body: Node) -> Node | None:
    """The load call a function returns: ``return yaml.safe_load(f)``, or ``cfg = json.load(f)`` ... ``return cfg``
    (nested functions and classes left out)."""
    assigned: dict[str, Node] = {}
    stack = list(reversed(body.named_children))
    seen = 0
    while stack and seen < 500:
        n = stack.pop()
        seen += 1
        if n.type in ("function_definition", "class_definition", "decorated_definition"):
            continue
        if n.type == "return_statement":
            value = n.named_children[0] if n.named_children else None
            if value is not None and value.type == "identifier":
                value = assigned.get(node_text(value))
            if value is not None and value.type == "call":
                return value
            continue
        if n.type == "assignment":
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            if left is not None and right is not None and left.type == "identifier" and right.type == "call":
                assigned[node_text(left)] = right
            continue
        stack.extend(reversed(n.named_children))
    return None


def _with_binding(name_node: Node) -> Node | None:
    """The expression a ``with EXPR as NAME:`` around ``name_node`` binds to its name, else None."""
    name = node_text(name_node)
    p = name_node.parent
    for _ in range(60):
        if p is None or p.type == "module":
            return None
        if p.type == "with_statement":
            for clause in p.named_children:
                if clause.type != "with_clause":
                    continue
                for item in clause.named_children:
                    v = item.child_by_field_name("value")
                    if v is not None and v.type == "as_pattern":
                        alias = v.child_by_field_name("alias")
                        if alias is not None and node_text(alias) == name and v.named_children:
                            return v.named_children[0]
        p = p.parent
    return None


# ---------------------------------------------------------------------------
# Hydra and settings classes


def hydra_configs(ev: Evaluator) -> list[tuple[int, int, str, Any]]:
    """``@hydra.main(config_path="conf", config_name="config") def main(cfg)``: (function's bytes, its first
    parameter, the composed configuration); the defaults list is followed one level
    (``defaults: [{model: resnet}]`` puts ``conf/model/resnet.yaml`` under ``model``)."""
    out: list[tuple[int, int, str, Any]] = []
    script = ev.script
    for stmt in script.root.named_children:
        target = stmt
        if target.type == "if_statement":
            continue
        if target.type != "decorated_definition":
            continue
        fn = target.child_by_field_name("definition")
        if fn is None or fn.type != "function_definition":
            continue
        for dec in target.named_children:
            call = dec.named_children[0] if dec.type == "decorator" and dec.named_children else None
            if call is None or call.type != "call" or (script.resolve(call_function_name(call)) or "") != "hydra.main":
                continue
            positional, keywords = call_arguments(call)
            folder = script.value(keywords.get("config_path") or (positional[0] if positional else None)) or ""
            name = script.value(keywords.get("config_name") or (positional[1] if len(positional) > 1 else None))
            params = read_parameters(fn)
            if not isinstance(folder, str) or not isinstance(name, str) or not params:
                continue
            cfg = _hydra_compose(ev, folder, name)
            if cfg is not None:
                out.append((fn.start_byte, fn.end_byte, params[0].name, cfg))
    return out


def _hydra_compose(ev: Evaluator, folder: str, name: str) -> ConfigDict | None:
    stem = name if name.endswith((".yaml", ".yml")) else name + ".yaml"
    primary = ev.load_config_file(posixpath.join(folder, stem))
    if not isinstance(primary, ConfigDict):
        return None
    merged = ConfigDict({}, primary.file, "", primary.reads)
    defaults = dict.get(primary, "defaults")
    for entry in defaults if isinstance(defaults, list) else ():
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        ((group, option),) = entry.items()
        if not isinstance(group, str) or not isinstance(option, str) or group.startswith("override "):
            continue
        group = group.removeprefix("optional ").strip()
        sub = ev.load_config_file(posixpath.join(folder, group, option + ".yaml"))
        if isinstance(sub, ConfigDict) and "/" not in group:
            # the group's file keeps its own origin: cfg.model.lr records conf/model/resnet.yaml: lr
            merged[group] = sub
    for k, v in primary.items():  # the primary file's own keys override its defaults (Hydra >= 1.1)
        if k != "defaults":
            merged[k] = v
    return merged


_HF_PARSERS = frozenset({"transformers.HfArgumentParser", "HfArgumentParser", "trl.TrlParser"})
_PYDANTIC_BASES = frozenset({"BaseSettings"})  # not BaseModel: many repositories name their network base so
_SETTINGS_BASES = frozenset({"object", "NamedTuple", "Config", *_PYDANTIC_BASES})


def range_length(vals: list[Any]) -> int | None:
    """How many values ``range(*vals)`` gives, for one to three known ints; None otherwise (a zero step
    read from a setting the script computes at run time, ``range(0, n, args.minibatch_size)``, included)."""
    if not 1 <= len(vals) <= 3 or not all(isinstance(v, int) and not isinstance(v, bool) for v in vals) or \
            (len(vals) == 3 and vals[2] == 0):
        return None
    return len(range(*vals))


def _settings_functions(root: Node) -> dict[str, Node]:
    """Top-level functions of a script that take no argument and return something (``def get_args():``)."""
    out: dict[str, Node] = {}
    for stmt in root.named_children:
        fn = undecorated(stmt)
        if fn is None or fn.type != "function_definition" or read_parameters(fn) or b"return" not in (fn.text or b""):
            continue
        out[node_text(fn.child_by_field_name("name"))] = fn
    return out


# command-line parsers that build a settings class from its defaults: tyro.cli(Args), pyrallis.parse(config_class=C)
_SETTINGS_PARSERS = frozenset({"tyro.cli", "tyro.parse", "simple_parsing.parse", "pyrallis.parse", "draccus.parse",
                               "jsonargparse.CLI", "jsonargparse.auto_cli"})


def settings_class_of(script: Script, call: Node) -> str | None:
    """The name of the class whose settings a call gives: ``Args(...)`` itself, ``tyro.cli(Args)``,
    ``pyrallis.parse(config_class=TrainConfig)``; None for any other call."""
    fn = call_function_name(call)
    if fn is None:
        return None
    if (script.resolve(fn) or fn) not in _SETTINGS_PARSERS:
        return fn
    positional, keywords = call_arguments(call)
    arg = keywords.get("config_class") or (positional[0] if positional else None)
    return dotted_name(arg) if arg is not None else None


def settings_classes(script: Script) -> dict[str, SettingsClass]:
    """Top-level classes of a script that only hold settings: ``@dataclass`` (or pydantic settings) fields with
    defaults, or a plain class of class attributes (no methods). name -> their values."""
    out: dict[str, SettingsClass] = {}
    for stmt in script.root.named_children:
        node, decorated = stmt, False
        if node.type == "decorated_definition":
            decorated = any("dataclass" in node_text(d) or "attr" in node_text(d)
                            for d in node.named_children if d.type == "decorator")
            node = node.child_by_field_name("definition")
        if node is None or node.type != "class_definition":
            continue
        bases = node.child_by_field_name("superclasses")
        names = [(dotted_name(b) or "").rsplit(".", 1)[-1] for b in bases.named_children] if bases else []
        # (Hugging Face's argument dataclasses: ``class TrainingArguments(transformers.TrainingArguments)`` whose
        # fields, ``optim: str = field(default="adamw_torch")``, are the run's settings)
        arguments = decorated and bool(names) and all(b.endswith("Arguments") or b in _SETTINGS_BASES for b in names)
        if any(b not in _SETTINGS_BASES for b in names) and not arguments:
            continue
        body = node.child_by_field_name("body")
        values: dict[str, Any] = {}
        methods = False
        for inner in body.named_children if body is not None else ():
            if inner.type in ("function_definition", "decorated_definition"):
                methods = True
                continue
            a = inner.named_children[0] if inner.type == "expression_statement" and inner.named_children else None
            if a is None or a.type != "assignment":
                continue
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is None or right is None or left.type != "identifier":
                continue
            if right.type == "call" and (call_function_name(right) or "").endswith("field"):
                _, kw = call_arguments(right)
                right = kw.get("default")
                if right is None:
                    continue
            v = script.value(right, values)
            if v is not UNKNOWN and (v is None or isinstance(v, (bool, int, float, str, list))):
                values[node_text(left)] = v
        # a class with methods is a settings class only when declared so (a builder class with a few
        # class attributes stays a class: the join must still find it through its import)
        if values and (decorated or not methods or any(b in _PYDANTIC_BASES for b in names)):
            out[node_text(node.child_by_field_name("name"))] = SettingsClass(values, "", node_text(
                node.child_by_field_name("name")))
    return out

