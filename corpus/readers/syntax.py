"""Tree helpers every reader uses: a node's text, dotted names, a call's callee and arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node


def ancestors(node: Node) -> Iterator[Node]:
    """The nodes ``node`` is inside, nearest first."""
    p = node.parent
    while p is not None:
        yield p
        p = p.parent


def enclosing(node: Node, node_type: str) -> Node | None:
    """The nearest node of ``node_type`` that ``node`` is inside (``function_definition``: its def)."""
    for p in ancestors(node):
        if p.type == node_type:
            return p
    return None


def undecorated(stmt: Node) -> Node | None:
    """The definition a statement is: ``stmt`` itself, or the function or class a ``decorated_definition`` wraps."""
    return stmt.child_by_field_name("definition") if stmt.type == "decorated_definition" else stmt


def returned_calls(fn: Node, limit: int = 50) -> list[Node]:
    """The calls a function returns (``return ResNet(...)``), in source order, nested functions, classes and
    lambdas left out (at most ``limit``)."""
    body = fn.child_by_field_name("body")
    found: list[Node] = []
    stack = list(body.named_children) if body is not None else []
    while stack and len(found) < limit:
        n = stack.pop()
        if n.type in ("function_definition", "class_definition", "lambda"):
            continue
        if n.type == "return_statement":
            found.extend(c for c in n.named_children if c.type == "call")
            continue
        stack.extend(n.named_children)
    found.sort(key=lambda c: c.start_byte)
    return found


def node_text(node: Node | None) -> str:
    # ``Node.text`` slices the source anew on each access: read it once
    if node is None:
        return ""
    raw = node.text
    return "" if raw is None else raw.decode("utf-8", "replace")


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


def returned_values(fnode: Node) -> list[Node]:
    """The expressions a function returns: its own ``return`` statements, in its branches and loops too, not
    nested functions' (stack order, not source order)."""
    out: list[Node] = []
    stack = [fnode.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None or n.type in ("function_definition", "class_definition", "lambda"):
            continue
        if n.type == "return_statement":
            out.extend(n.named_children[:1])
            continue
        stack.extend(n.named_children)
    return out
