"""Configuration files of a repository (YAML, JSON, TOML, INI/``.cfg``), read within bounds.

Training scripts often take their hyperparameters from a ``config.yaml``;
the repository pass reads those files with :func:`load_config`. They are
written by strangers, so nothing in one is trusted:

- only plain data is built (``yaml.SafeLoader``): a tag such as
  ``!!python/object/apply:os.system`` is refused, never constructed;
- anchors and aliases are counted as the reader would see them expanded,
  so a "billion laughs" file (each level nine aliases of the one before) is
  refused before anything walks it;
- nesting deeper than ``max_depth`` is refused before the document is
  built (the YAML events are counted first, without recursion), and JSON or
  TOML nested too deep for Python's own readers is refused the same way;
- files over ``max_bytes`` are not read;
- INI files (``configparser``) are read without interpolation: a section is
  a mapping of strings, as ``config["train"]["lr"]`` gives them.

A refused file gives ``value=None`` and a warning saying why; nothing raises.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_CONFIG_BYTES = 1024 * 1024
MAX_NODES = 100_000  # scalars, lists and mappings, aliases expanded
MAX_DEPTH = 64
# the calls that parse a configuration (a function whose text holds one is a loader: evaluate, repo_context);
# a JSON file is as often data, so settings-only readers leave json out (SETTINGS_LOAD)
CONFIG_LOAD = re.compile(rb"safe_load|yaml\.(?:full_|unsafe_)?load|json\.load|toml\w*\.load|OmegaConf\.load")
SETTINGS_LOAD = re.compile(rb"safe_load|yaml\.(?:full_|unsafe_)?load|toml\w*\.load|OmegaConf\.load")
CONFIG_EXTENSIONS = (".yaml", ".yml", ".json", ".toml", ".ini", ".cfg")


@dataclass
class ConfigResult:
    """What reading one configuration file gave."""

    value: Any = None  # plain data (dict, list, str, int, float, bool, None, date); None when refused
    warnings: list[str] = field(default_factory=list)


def is_config_path(path: str) -> bool:
    """A ``.yaml``/``.yml``/``.json``/``.toml``/``.ini``/``.cfg`` file."""
    return path.lower().endswith(CONFIG_EXTENSIONS)


def load_config(data: bytes, path: str, *, max_bytes: int = MAX_CONFIG_BYTES, max_nodes: int = MAX_NODES,
                max_depth: int = MAX_DEPTH) -> ConfigResult:
    """Read a configuration file's bytes as plain data, within bounds.

    Args:
        data: the file's bytes.
        path: its name (the extension picks the reader; YAML when unknown).
        max_bytes: bigger files are not read.
        max_nodes: most values the document may hold, aliases expanded.
        max_depth: deepest nesting of lists and mappings.

    Returns:
        The value, or None with a warning naming the bound or the refused construct.
    """
    name = path.rsplit("/", 1)[-1]
    if len(data) > max_bytes:
        return ConfigResult(None, [f"{name}: {len(data):,} bytes, over the {max_bytes:,}-byte limit: not read"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ConfigResult(None, [f"{name}: not UTF-8 text: not read"])
    lower = path.lower()
    try:
        if lower.endswith(".json"):
            return _bounded(json.loads(text), name, max_nodes, max_depth)
        if lower.endswith(".toml"):
            return _bounded(tomllib.loads(text), name, max_nodes, max_depth)
        if lower.endswith((".ini", ".cfg")):
            return _bounded(_ini(text), name, max_nodes, max_depth)
        return _yaml(text, name, max_nodes, max_depth)
    except RecursionError:
        return ConfigResult(None, [f"{name}: nested deeper than {max_depth} levels: not read"])
    except (ValueError, tomllib.TOMLDecodeError, configparser.Error) as exc:
        return ConfigResult(None, [f"{name}: not valid {lower.rsplit('.', 1)[-1].upper()}: {_first_line(exc)[:160]}"])


def _ini(text: str) -> dict[str, dict[str, str]]:
    """An INI file's sections as plain mappings of strings (no interpolation: values as written)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    out = {name: dict(parser[name]) for name in parser.sections()}
    if parser.defaults():
        out["DEFAULT"] = dict(parser.defaults())
    return out


def _flow_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` brackets, counted on the characters alone (quotes ignored:
    only a depth past the bound matters, which no sound config reaches)."""
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _yaml(text: str, name: str, max_nodes: int, max_depth: int) -> ConfigResult:
    # 0. PyYAML's scanner is quadratic in the depth of flow collections (it keeps a possible key per
    # open bracket and rescans them per token: 20,000 "[" took 0.3 s, 1 MB of them would take minutes)
    if _flow_depth(text) > max_depth:
        return ConfigResult(None, [f"{name}: nested deeper than {max_depth} levels: not read"])
    # 1. events, iteratively: depth and count bounded before any tree is built
    depth = events = 0
    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            events += 1
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    return ConfigResult(None, [f"{name}: nested deeper than {max_depth} levels: not read"])
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if events > 2 * max_nodes + 10:
                return ConfigResult(None, [f"{name}: more than {max_nodes:,} values: not read"])
    except yaml.YAMLError as exc:
        return ConfigResult(None, [f"{name}: not valid YAML: {_first_line(exc)}"])
    # 2. the node graph (aliases share nodes): its expanded size is bounded before construction
    loader = yaml.SafeLoader(text)
    try:
        docs: list[Any] = []
        while loader.check_node():
            node = loader.get_node()
            why = _expanded_size(node, max_nodes)
            if why:
                return ConfigResult(None, [f"{name}: {why}: not read"])
            # 3. plain data only: SafeLoader refuses !!python/... and unknown tags
            docs.append(loader.construct_document(node))
    except yaml.constructor.ConstructorError as exc:
        return ConfigResult(None, [f"{name}: refused: {_first_line(exc)}"])
    except yaml.YAMLError as exc:
        return ConfigResult(None, [f"{name}: not valid YAML: {_first_line(exc)}"])
    finally:
        loader.dispose()
    return ConfigResult(docs[0] if len(docs) == 1 else (docs or None))


def _expanded_size(root: yaml.Node, max_nodes: int) -> str | None:
    """Why the document is too big once its aliases are expanded (None when it is not)."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise _Recursive
        open_.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > max_nodes:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > max_nodes:
                    break
        open_.discard(key)
        sizes[key] = total
        return total

    try:
        n = size(root)
    except _Recursive:
        return "an alias refers to the structure that holds it"
    return f"more than {max_nodes:,} values once its aliases are expanded" if n > max_nodes else None


class _Recursive(Exception):
    pass


def _bounded(value: Any, name: str, max_nodes: int, max_depth: int) -> ConfigResult:
    """JSON and TOML have no aliases: count values and depth on the built data."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    n = 0
    while stack:
        v, d = stack.pop()
        n += 1
        if n > max_nodes:
            return ConfigResult(None, [f"{name}: more than {max_nodes:,} values: not read"])
        if isinstance(v, (dict, list)):
            if d > max_depth:
                return ConfigResult(None, [f"{name}: nested deeper than {max_depth} levels: not read"])
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return ConfigResult(value)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
