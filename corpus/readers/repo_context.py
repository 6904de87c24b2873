"""What a file's readers may consult of the rest of its repository.

A training script rarely holds all its values: ``from config import EPOCHS``,
``import settings as S; S.LR``, an ``opts.py`` that defines the argparse
options, a ``config.yaml`` the script loads. A :class:`RepoContext` answers
those questions for one repository, statically:

- which file an import names (:meth:`RepoContext.resolve`): the importing
  file's folder first (a script's own folder is on ``sys.path``, and relative
  imports start there), then its ancestors, then literal ``sys.path``
  additions, then a module path found once anywhere in the repository;
  a package's ``__init__`` re-export is followed to the defining file;
- the module-level constants and command-line defaults of another file
  (:meth:`RepoContext.module_values`), read by the same evaluator, once per
  file, with import cycles cut;
- a configuration file's data (:meth:`RepoContext.config`), read with
  :func:`corpus.readers.config.load_config` (plain data only, bounded), once
  per repository; the values the evaluator reads from one are kept
  (``config_reads``) so a summary can say where its values came from
  (:meth:`RepoContext.record_value_sources`);
- the options a module uses but does not define (``args.lr`` in a
  ``trainer.py``): those of the entry script that imports it
  (:meth:`RepoContext.importer_flags`); settings classes another file
  defines (``from params import Params``).

Files are bytes handed in by the caller (a checkout, a git tree, a zip); the
context never opens a path outside them and never runs anything.
"""

from __future__ import annotations

import math
import posixpath
import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from corpus.knowledge.frameworks import all_roots
from corpus.readers.config import CONFIG_LOAD, is_config_path, load_config

if TYPE_CHECKING:
    from tree_sitter import Node

    from corpus.readers.script import Script
    from corpus.record.summary import Layer

# Bounds: a repository of 50,000 files must stay cheap. Module values are
# read for at most this many files (each a tree-sitter parse), and a chain of
# re-exports or imports is followed this deep.
MAX_MODULES_READ = 2000
MAX_CHAIN = 6
MAX_MODULE_BYTES = 512 * 1024
MAX_INLINED_BYTES = 64 * 1024
MAX_TREES_BYTES = 4 * 1024 * 1024  # code whose tree is kept for a later parse of the same file
_CAPITALIZED_CALL = re.compile(r"(?<!class )\b([A-Z]\w*)\(")  # (a class statement names itself: no call)
# a call that builds a model through a factory; words of a class that may be (part of) a network
_MODEL_FACTORY_CALL = re.compile(r"\b(?:build|get|create|make|load|init)_?(?:model|net|network|detector)\w*\(",
                                 re.IGNORECASE)
_LOSS_CLASS_SUFFIXES = ("Loss", "Criterion")
_NETWORKISH = re.compile(r"\bnn\.|\blayers\.|Module\b|Model\b|\btf\.|keras|flax|\bLayer\b")
# code that trains or loads data (worth reading where it is called), and code that defines a network
_TRAINS_OR_LOADS = re.compile(r"\.backward\(|\.fit\(|\.step\(|optim\.|[Oo]ptimizer|DataLoader\(|load_data\(|"
                              r"datasets\.|read_csv\(|\.compile\(|tfds\.|Trainer\(|load_dataset\(|\.batch\(|\bHParams\(|"
                              + CONFIG_LOAD.pattern.decode())
# a class is read where it is used only when it trains (a data class such as ``MNIST()`` is not), or when it is
# a Lightning data module (the data its trainer is given)
_TRAINS = re.compile(r"\.backward\(|\.fit\(|\.step\(|optim\.|[Oo]ptimizer|\.compile\(|Trainer\(|"
                     r"^class\s+\w+\s*\([^)]*DataModule\b")
# a script that trains a raw TF1 graph, and a class that builds one
_TRAINS_GRAPH = re.compile(rb"\.minimize\(|\.apply_gradients\(|\.compute_gradients\(")
_TF_GRAPH = re.compile(r"\btf\.(?:layers|nn|contrib|compat\.v1)\.|\btf\.(?:get_variable|placeholder|Variable)\(")
# a class that holds settings: ``self.batch_size = 16``, ``self.learning_rate = 0.0005`` in its ``__init__``
# (mltu's ``ModelConfigs()``): read where it is built, as the values its users read
_SETTING_ATTR = re.compile(r"^[ \t]+self\.(?:batch_size|lr|learning_rate|epochs|\w*epochs|n_epochs|num_epochs)"
                          r"[ \t]*(?::[^=\n]*)?=[ \t]*[-+\d.eE]+[ \t]*(?:#.*)?$", re.MULTILINE)
_DEFINES_NETWORK = re.compile(r"nn\.Module\b|\bSequential\(|keras\.(?:models\.)?Model\b|"
                              r"\bclass\s+\w+\s*\(\s*(?:[\w.]*\.)?Model\s*\)|layers\.Layer\b|\bModel\(inputs|"
                              r"\bModel\(\s*\w+\s*,|add\(\s*(layers\.)?(Dense|Conv\w*)\(")


@dataclass
class Definition:
    """A top-level class or function of a file, by the lines of the file as stored."""

    name: str
    kind: str  # "class" | "function"
    line_start: int
    line_end: int
    # a function's return statements that call a name (a factory: ``return ResNet(...)``)
    returns: list[str] = field(default_factory=list)


@dataclass
class ModuleFacts:
    """What the repository pass keeps of one file: small, so thousands can be held."""

    path: str
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted origin
    relative: dict[str, int] = field(default_factory=dict)  # local name -> leading dots of its import
    constants: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, Definition] = field(default_factory=dict)
    sys_paths: list[str] = field(default_factory=list)  # folders the file adds to sys.path, repo-relative
    settings: dict[str, Any] = field(default_factory=dict)  # settings classes: name -> SettingsClass


def _take_import(local: str, name: str, facts: ModuleFacts, constants: dict[str, Any],
                 flags: dict[str, Any]) -> None:
    """What one import (``local`` bound to ``name`` of the file ``facts``) gives a script, into its tables."""
    if local.startswith("*"):  # ``from config import *``: the module's public constants and its options
        constants.update({k: v for k, v in facts.constants.items() if not k.startswith("_")})
        for k, v in facts.flags.items():
            flags.setdefault(k, v)
        return
    if not name:  # a module: its constants under the local name, its options as the script's
        for k, v in facts.constants.items():
            constants[f"{local}.{k}"] = v
        for k, v in facts.settings.items():
            constants[f"{local}.{k}"] = v
        for k, v in facts.flags.items():
            flags.setdefault(k, v)
    elif name in facts.settings:  # ``from params import Params``: a settings class
        constants[local] = facts.settings[name]
    elif name in facts.constants:
        constants[local] = facts.constants[name]
    elif name in facts.definitions and facts.flags:
        # ``from opts import parse_args``: the options that function defines
        for k, v in facts.flags.items():
            flags.setdefault(k, v)


# packages that are never a folder of the repository under another name: the standard library, the frameworks
_LIBRARY_ROOTS = frozenset(sys.stdlib_module_names) | frozenset(all_roots()) | frozenset({
    "numpy", "pandas", "sklearn", "scipy", "matplotlib", "seaborn", "PIL", "cv2", "tqdm", "datasets", "yaml"})


def module_parts(path: str) -> tuple[str, ...] | None:
    """``pkg/sub/mod.py`` -> ``("pkg", "sub", "mod")``; a package's ``__init__.py`` -> the package. Folders need
    not be identifiers (``4.1 DDPG/main.py`` imports its sibling ``DDPG.py`` by its bare name)."""
    if not path.endswith(".py"):
        return None
    parts = tuple(path[:-3].split("/"))
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return parts if parts and parts[-1].isidentifier() else None


class RepoContext:
    """One repository's files, their modules and what they define.

    Args:
        files: repository-relative path -> bytes, for every file the pass may
            read (code, configuration, text). Paths use ``/``.
    """

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        # symbolic links of the tree -> the files they point at (GitFiles of a harvest; none for a folder read)
        self.links: dict[str, str] = dict(getattr(files, "links", {}) or {})
        self.facts: dict[str, ModuleFacts] = {}
        self._reading: set[str] = set()  # files whose values are being read (import cycles)
        self._read_count = 0
        self._configs: dict[str, Any] = {}
        # (value, "configs/train.yaml: train.lr") for each value the evaluator read from a configuration
        self.config_reads: list[tuple[Any, str]] = []
        self._named: list[str] | None = None  # configuration files a Python file names
        self._option_files: list[str] | None = None  # files that define command-line options (a byte prescan)
        self._importers: dict[str, list[str]] = {}  # path -> files that import it (a byte prescan, confirmed)
        self._incomplete: set[str] = set()  # importers_of answers given while an importer was being read
        # path -> the imports of other files' code read below it (imported_code): name -> dotted origin
        self.inlined_aliases: dict[str, dict[str, str]] = {}
        # script -> top-level name -> (file, name) of the definitions read below it (``import model`` then
        # ``model.Model(...)``: the join finds the class the script's model was read from)
        self.inlined_definitions: dict[str, dict[str, tuple[str, str]]] = {}
        self._import_words: dict[str, list[str]] | None = None  # a word of an import line -> files
        self.warnings: dict[str, list[str]] = {}  # path -> warnings of files read as data
        # module suffix -> files ending with it, for imports that name a module by a path
        # the repository does not spell from any folder on the way (a src/ layout)
        self._by_name: dict[str, list[str]] = {}
        self._resolved: dict[tuple[str, str, int, tuple[str, ...]], tuple[str, str] | None] = {}
        # files the pass will parse later -> their place in its order (read_repository sets them): a script
        # parsed ahead for one of them (its module facts, asked for by an importer) lends its tree and node
        # index to the file's own parse, up to a byte budget of code
        self.ahead: dict[str, int] = {}
        self._kept: dict[str, Script] = {}
        self._kept_bytes = 0
        self._first: dict[str, tuple[ModuleFacts, list[tuple[str, str, tuple[str, str] | None]]]] = {}
        for p in files:
            parts = module_parts(p)
            if parts:
                self._by_name.setdefault(parts[-1], []).append(p)

    def parsed_ahead(self, path: str, code: bytes) -> Script | None:
        """The script parsed ahead of a file's own parse, when it read the same code bytes (its tree and node
        index are a pure function of them: trees are not edited); None: parse. Given once."""
        kept = self._kept.pop(path, None)
        if kept is None:
            return None
        self._kept_bytes -= len(kept.code_bytes)
        return kept if kept.code_bytes == code else None

    def keep_parsed(self, script: Script) -> None:
        """Keep a script parsed ahead of its file's own parse. When the budget is full, the scripts of
        files read after this one give way, the last read first (the kept bytes are never over the budget)."""
        at = self.ahead.get(script.path)
        size = len(script.code_bytes)
        if at is None or size > MAX_TREES_BYTES:
            return
        if self._kept_bytes + size > MAX_TREES_BYTES:
            later = sorted((p for p in self._kept if self.ahead.get(p, -1) > at), key=self.ahead.__getitem__)
            if self._kept_bytes + size - sum(len(self._kept[p].code_bytes) for p in later) > MAX_TREES_BYTES:
                return
            while self._kept_bytes + size > MAX_TREES_BYTES:
                self._kept_bytes -= len(self._kept.pop(later.pop()).code_bytes)
        self._kept[script.path] = script
        self._kept_bytes += size

    # -- which file an import names ---------------------------------------
    def resolve(self, origin: str, from_path: str, dots: int = 0) -> tuple[str, str] | None:
        """The (file, name inside it) a dotted import origin names, or None outside the repository.

        Args:
            origin: ``models.resnet.ResNet`` (leading dots already stripped).
            from_path: the importing file.
            dots: the leading dots the import had (``from ..models import X``: 2).

        Returns:
            (path, name) where name is the attribute inside that file ("" when
            the origin is the module itself).
        """
        seen: set[tuple[str, str]] = set()
        hit = self._package_binding(self._resolve_once(origin, from_path, dots), origin, from_path)
        depth = 0
        while hit is not None and depth < MAX_CHAIN:
            path, name = hit
            if (path, name) in seen:
                return None
            seen.add((path, name))
            head, _, rest = name.partition(".")
            if not path.endswith("__init__.py") or not head:
                return hit
            facts = self.module_facts(path)
            if facts is None or head in facts.definitions:
                return hit
            if head not in facts.aliases:
                # ``from .transformer import *`` in __init__.py: the starred module that defines it
                nxt = self._star_export(facts, path, head, rest)
                if nxt is None:
                    return self._defined_below(path, head, rest, from_path) or hit
                hit = nxt
                depth += 1
                continue
            # a package re-export: ``from .resnet import ResNet`` in __init__.py
            again = facts.aliases[head] + (f".{rest}" if rest else "")
            nxt = self._resolve_once(again, path, facts.relative.get(head, 0))
            if nxt is None:
                return hit
            hit = nxt
            depth += 1
        return hit

    def _package_binding(self, hit: tuple[str, str] | None, origin: str, importer: str) -> tuple[str, str] | None:
        """``from models import iTransformer`` where models/__init__.py binds ``iTransformer`` (``from
        .iTransformer import iTransformer``): Python takes the package's attribute before the submodule of
        the same name, so the name is the class the package binds, not the module models/iTransformer.py."""
        if hit is None or hit[1] or hit[0].endswith("__init__.py"):
            return hit
        init = posixpath.join(posixpath.dirname(hit[0]), "__init__.py")
        name = origin.rsplit(".", 1)[-1]
        if init == importer or init not in self.files or posixpath.basename(hit[0]) != f"{name}.py":
            return hit
        facts = self.module_facts(init)
        if facts is None or (name not in facts.aliases and name not in facts.definitions):
            return hit
        return init, name

    def _defined_below(self, init: str, head: str, rest: str, importer: str) -> tuple[str, str] | None:
        """The one module under a package that defines ``head`` at its top level, when the package's
        ``__init__.py`` does not export it (``from models import MLPDecoder`` of a package whose re-export
        was lost, or is made at run time): the name can only mean that definition, or, of several, the one
        in the importing file's own folder (models/torch_models/ beside models/equinox_models/)."""
        table: dict[str, list[str]] | None = self.__dict__.get("_top_defs")
        if table is None:
            table = self.__dict__["_top_defs"] = {}
            for path, data in self.files.items():
                if path.endswith(".py") and data:
                    for m in _TOP_DEFINITION.finditer(data):
                        table.setdefault(m.group(1).decode(), []).append(path)
        folder = init[: -len("__init__.py")]
        found = {p for p in table.get(head, ()) if p.startswith(folder) and p != init}
        if len(found) > 1:
            found = {p for p in found if importer.startswith(posixpath.dirname(p) + "/")}
        return (found.pop(), head + (f".{rest}" if rest else "")) if len(found) == 1 else None

    def _star_export(self, facts: ModuleFacts, path: str, head: str, rest: str) -> tuple[str, str] | None:
        """The starred module of a package's ``__init__.py`` that defines ``head``, else one that imports it
        (``from .models import *`` where ``models/__init__.py`` has ``from .rect import RECT_L``)."""
        reexport = None
        for local, origin in facts.aliases.items():
            if not local.startswith("*"):
                continue
            module = self._resolve_once(origin, path, facts.relative.get(local, 0))
            if module is None or module[1] or module[0] == path:
                continue
            target = self.module_facts(module[0])
            if target is not None and head in target.definitions:
                return module[0], head + (f".{rest}" if rest else "")
            if reexport is None and target is not None and head in target.aliases \
                    and module[0].endswith("__init__.py"):
                reexport = module[0], head + (f".{rest}" if rest else "")
        return reexport

    def _resolve_once(self, origin: str, from_path: str, dots: int) -> tuple[str, str] | None:
        # a pure function of the file set, the importing file and its sys.path additions: kept per
        # repository pass (an import chain is resolved once, not once per alias per importer asked about)
        facts = None if dots else self.facts.get(from_path)
        extra = facts.sys_paths if facts else ()
        key = (origin, from_path, dots, tuple(extra) if extra else ())
        if key in self._resolved:
            return self._resolved[key]
        hit = self._resolve_uncached(origin, posixpath.dirname(from_path), dots, extra)
        if hit is not None and hit[0] in self.links:
            hit = self.links[hit[0]], hit[1]  # a symbolic link: the module is the file it points at
        self._resolved[key] = hit
        return hit

    def _resolve_uncached(self, origin: str, here: str, dots: int, sys_paths: list[str] | tuple[()]) \
            -> tuple[str, str] | None:
        parts = [p for p in origin.split(".") if p]
        if not parts:
            return None
        best: tuple[str, str] | None = None
        for base in _bases(here, dots, sys_paths):
            hit = self._in_folder(base, parts)
            if hit is None:
                continue
            # the nearest folder wins unless a farther one holds more of the dotted name: ``model.layers``
            # imported in model/model.py is model/layers.py (the root on the path), not an attribute
            # ``layers`` of model/model.py
            if best is None or _rest_parts(hit[1]) < _rest_parts(best[1]):
                best = hit
            if not best[1]:
                return best
        if best is not None:
            return best
        if dots:
            return None
        # a module named the same once in the whole repository (src/ layouts, PYTHONPATH conventions)
        for k in range(len(parts), 0, -1):
            found = [p for p in self._by_name.get(parts[k - 1], ())
                     if module_parts(p)[-k:] == tuple(parts[:k])]
            if len(found) == 1:
                return found[0], ".".join(parts[k:])
            if found:
                return None
        if len(parts) > 2 and parts[0] not in self._by_name and not self._is_folder(parts[0]) \
                and parts[0] not in _LIBRARY_ROOTS:
            # ``from ch4.model.gru import GRU`` in ``Chapter 04/gru_example.py``: a package name the repository
            # has nowhere (the author's install name for the folder): the rest, from the script's folder, when
            # it names a module there whole (``x.utils.data.DataLoader`` is no attribute path of a ``utils.py``)
            hit = self._in_folder(here, parts[1:])
            if hit is not None and "." not in hit[1]:
                return hit
        return None

    def _is_folder(self, name: str) -> bool:
        folders = self.__dict__.get("_folders")
        if folders is None:
            folders = self.__dict__["_folders"] = {part for p in self.files for part in p.split("/")[:-1]}
        return name in folders

    def _in_folder(self, base: str, parts: list[str]) -> tuple[str, str] | None:
        """The longest prefix of ``parts`` that is a module under ``base``."""
        files = self.files
        # the paths posixpath.join would give, joined by hand (a dotted name's parts hold no "/")
        plain = not any("/" in p for p in parts)
        head = base + "/" if base and not base.endswith("/") else base
        for k in range(len(parts), 0, -1):
            if plain:
                stem = head + "/".join(parts[:k])
            else:
                stem = posixpath.join(base, *parts[:k]) if base else posixpath.join(*parts[:k])
            if stem + ".py" in files or stem + ".py" in self.links:
                return stem + ".py", ".".join(parts[k:])
            if stem + "/__init__.py" in files:
                return stem + "/__init__.py", ".".join(parts[k:])
        return None

    # -- what a file defines and holds ---------------------------------------
    def star_origins(self, aliases: dict[str, str], relative: dict[str, int], path: str,
                     name: str) -> list[tuple[str, int]]:
        """(dotted origin, leading dots) of ``name`` through each wildcard import (``from model import *``) of a
        repository module that defines it, in import order."""
        out: list[tuple[str, int]] = []
        for local, origin in aliases.items():
            if not local.startswith("*"):
                continue
            dots = relative.get(local, 0)
            hit = self.resolve(origin, path, dots)
            where = self._provider(hit[0], name, 2) if hit is not None and not hit[1] else None
            if where is None or hit is None:
                continue
            if where == hit[0]:
                out.append((f"{origin}.{name}", dots))
            else:
                # through the package's own wildcard imports: name the module that has it (``model.SAE.SAE``,
                # not ``model.SAE``, which is the module of that name)
                out.append((f"{where[:-3].replace('/', '.')}.{name}", 0))
        return out

    def _provider(self, path: str, name: str, depth: int) -> str | None:
        """The module that defines or imports ``name``: this one, or one its wildcard imports reach (a package's
        ``__init__.py`` of ``from model.SAE import *`` lines), ``depth`` levels down; None if none does."""
        module = self.module_facts(path)
        if module is None:
            return None
        if name in module.definitions or name in module.aliases:
            return path
        for local, origin in module.aliases.items() if depth > 0 else ():
            if local.startswith("*"):
                hit = self.resolve(origin, path, module.relative.get(local, 0))
                if hit is not None and not hit[1] and hit[0] != path and \
                        (where := self._provider(hit[0], name, depth - 1)) is not None:
                    return where
        return None

    def module_facts(self, path: str) -> ModuleFacts | None:
        """The facts of a repository file (read once; None when it cannot be read as Python)."""
        if path in self.facts:
            return self.facts[path]
        data = self.files.get(path)
        if data is None or len(data) > MAX_MODULE_BYTES or path in self._reading:
            return None
        if self._read_count >= MAX_MODULES_READ:
            return None
        self._read_count += 1
        from corpus.readers.script import Script, source_text

        self._reading.add(path)
        try:
            Script(source_text(data, path), path=path, context=self)  # records its facts: note_script
        except (RecursionError, ValueError, UnicodeError):
            return None
        finally:
            self._reading.discard(path)
        return self.facts.get(path)

    def class_layers(self, path: str, name: str) -> list[Layer] | None:
        """The layers a PyTorch module class of a repository file builds with its defaults, read on demand for
        a block another file uses whose own file did not read it as a model (a ``LayerNorm`` wrapper, a
        ``ScaledConv2d``); None when it is no module class or the file is no PyTorch file (cached)."""
        from corpus.readers.torch_models import class_layers

        # (a block that names itself, read again while reading: Custom)
        return self._read_once("_class_layers", (path, name), path, lambda: self._torch_file(path),
                               lambda script: class_layers(script, name))

    def function_layers(self, path: str, name: str) -> list[Layer] | None:
        """The layers a Keras block function of a repository file applies to the tensor it is given
        (``def residual_block(x, filters, ...)`` of a ``model_utils.py``), read on demand for a model of another
        file that calls it: the file is read with one more line below it, a model over the function's output
        (a static reading like any other; nothing runs). None when it is no such function (cached)."""
        from corpus.readers.keras_models import extract_keras

        def probed() -> bytes | None:
            data = self.files.get(path)
            if not data or b"keras" not in data or len(data) > MAX_MODULE_BYTES or not path.endswith(".py") \
                    or not name.isidentifier():
                return None
            return data + (b"\n\nimport tensorflow as _examplenet_tf\n"
                           b"_examplenet_in = _examplenet_tf.keras.layers.Input(shape=(None,))\n"
                           b"_examplenet_block = _examplenet_tf.keras.Model(_examplenet_in, " + name.encode() +
                           b"(_examplenet_in))\n")

        def layers(script: Script) -> list[Layer] | None:
            got = [m for m in extract_keras(script) if m.name == "_examplenet_block"]
            return [x for x in got[0].layers if x.type != "InputLayer"] or None if got else None

        # (a block that calls itself while it is read: Custom)
        return self._read_once("_function_layers", (path, name), path, probed, layers)

    def _read_once(self, cache_name: str, key: tuple[str, str], path: str, code: Callable[[], bytes | None],
                   read: Callable[[Script], Any]) -> Any:
        """What ``read`` makes of a repository file's ``code``, kept under ``key`` in the cache ``cache_name``:
        None while it is being read (a cycle), when ``code`` gives nothing, or when it cannot be parsed."""
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault(cache_name, {})
        if key in cache:
            return cache[key]
        cache[key] = None
        data = code()
        if data is None:
            return None
        from corpus.readers.script import Script, source_text

        try:
            cache[key] = read(Script(source_text(data, path), path=path, context=self))
        except (RecursionError, ValueError, UnicodeError):
            cache[key] = None
        return cache[key]

    def _torch_file(self, path: str) -> bytes | None:
        """The bytes of a repository file whose PyTorch classes another file may build, None when it is no
        Python file naming torch or is over the size read for a module's facts."""
        data = self.files.get(path)
        if not data or b"torch" not in data or len(data) > MAX_MODULE_BYTES or not path.endswith(".py"):
            return None
        return data

    def torch_module_class(self, path: str, name: str) -> Any:
        """The PyTorch module class ``name`` of a repository file, to be built by another file's network with
        that network's arguments (``torch_models.module_classes``); None when it is none (cached per file)."""
        cache: dict[str, dict[str, Any]] = self.__dict__.setdefault("_module_classes", {})
        classes = cache.get(path)
        if classes is None:
            cache[path] = {}  # a file read again while it is read: nothing
            data = self._torch_file(path)
            if data is None:
                return None
            from corpus.readers.script import Script, source_text
            from corpus.readers.torch_models import module_classes

            try:
                classes = cache[path] = module_classes(Script(source_text(data, path), path=path, context=self))
            except (RecursionError, ValueError, UnicodeError):
                return None
        return classes.get(name)

    def read_with(self, path: str, reader: str, read: Callable[[Script], Any], marker: bytes = b"") -> Any:
        """What ``read`` makes of a repository Python file (a reader's index of its classes, which another
        file's code then builds or names), read once per reader and cached; None when the file is no Python
        file of the repository, does not hold ``marker``, is over the size read for a module's facts, cannot
        be parsed, or is being read already (a cycle).

        Args:
            path: the repository file.
            reader: the cache's key for ``read`` (a reader's name: ``jax``).
            read: a :class:`Script` (parsed with this context) -> what the caller keeps of it.
            marker: bytes the file must hold to be read at all (a cheap prescan: ``b"flax"``).
        """
        def code() -> bytes | None:
            data = self.files.get(path)
            ok = data and path.endswith(".py") and len(data) <= MAX_MODULE_BYTES and marker in data
            return data if ok else None

        # (a file read again while it is read: nothing)
        return self._read_once("_read_with", (reader, path), path, code, read)

    def call_parameters(self, path: str, name: str) -> list[tuple[str, Any]] | None:
        """The plain parameters a call of a repository function or class takes (a class's ``__init__`` after
        ``self``), with their default values (UNKNOWN where none is readable), read on demand: a data module
        another file builds (``LitMNISTDataset("./data")`` runs with ``batch_size: int = 32``), a data function
        it calls (``prepare_cifar100(BATCH_SIZE, ...)`` binds ``batch_size``); None when there is no such
        top-level definition. Each file is parsed once, alone (keras' ops modules are called thousands of times)."""
        by_file: dict[str, dict[str, list[tuple[str, Any]]]] = self.__dict__.setdefault("_call_params", {})
        if path not in by_file:
            by_file[path] = self._top_level_parameters(path)
        return by_file[path].get(name)

    def constructor_arguments(self, path: str, cls_name: str) -> tuple[list[Any], dict[str, Any]]:
        """The values another file of the repository builds a class of ``path`` with: the first call of
        ``cls_name(...)`` in a file importing ``path`` (``dqn = DQN(lr=LR, batch_size=BATCH_SIZE)`` in main.py),
        read on that file's own constants; unreadable arguments are unknown."""
        for where in self.importers_of(path):
            data = self.files.get(where)
            if data and cls_name.encode() in data:
                got = self._first_calls(where).get(cls_name)
                if got is not None:
                    return got
        return [], {}

    def _first_calls(self, where: str) -> dict[str, tuple[list[Any], dict[str, Any]]]:
        """Each capitalised callee of a file (by its last name) -> the values of its first call there, the file
        read alone (its own constants); read once per file."""
        cache: dict[str, dict[str, tuple[list[Any], dict[str, Any]]]] = self.__dict__.setdefault("_first_calls_of", {})
        if where in cache:
            return cache[where]
        out: dict[str, tuple[list[Any], dict[str, Any]]] = {}
        cache[where] = out
        script = self._script_alone(where)
        if script is None:
            return out
        from corpus.readers.evaluate import UNKNOWN
        from corpus.readers.script import call_arguments, call_function_name

        for call in script.nodes("call"):
            last = (call_function_name(call) or "").rsplit(".", 1)[-1]
            if not last[:1].isupper() or last in out:
                continue
            pos, kw = call_arguments(call)
            if any(a.type in ("list_splat", "dictionary_splat") for a in pos):
                continue
            out[last] = ([script.value(a) for a in pos],
                         {k: v for k, a in kw.items() if (v := script.value(a)) is not UNKNOWN})
        return out

    def _script_alone(self, path: str) -> Script | None:
        """A Python file of the repository parsed on its own (its own constants, no repository context: enough
        for the plain values another file asks of it); None when it is too big or cannot be parsed."""
        data = self.files.get(path)
        if not data or len(data) > MAX_MODULE_BYTES or not path.endswith(".py"):
            return None
        from corpus.readers.script import Script, source_text

        try:
            return Script(source_text(data, path), path=path)
        except (RecursionError, ValueError, UnicodeError):
            return None

    def _top_level_parameters(self, path: str) -> dict[str, list[tuple[str, Any]]]:
        from corpus.readers.evaluate import UNKNOWN, read_parameters
        from corpus.readers.syntax import node_text, undecorated

        script = self._script_alone(path)
        if script is None:
            return {}
        out: dict[str, list[tuple[str, Any]]] = {}
        for stmt in script.root.named_children:
            node = undecorated(stmt)
            if node is None or node.type not in ("function_definition", "class_definition"):
                continue
            fn = node if node.type == "function_definition" else _init_of(node)
            if fn is None:
                continue
            params = [p for p in read_parameters(fn) if p.kind == "plain"]
            params = params[1:] if node.type == "class_definition" else params
            out[node_text(node.child_by_field_name("name"))] = [
                (p.name, script.value(p.default) if p.default is not None else UNKNOWN) for p in params]
        return out

    def note_script(self, script: Script) -> ModuleFacts:
        """Record what a script of this repository defines (called by :class:`Script`)."""
        from corpus.readers.evaluate import settings_classes

        facts = ModuleFacts(path=script.path, aliases=dict(script.aliases), relative=dict(script.relative_imports),
                            constants=script.constants, flags=script.argparse_defaults,
                            definitions=read_definitions(script),
                            sys_paths=read_sys_paths(script), settings=settings_classes(script))
        self.facts[script.path] = facts
        return facts

    def imported_values(self, script: Script) -> tuple[dict[str, Any], dict[str, Any]]:
        """Constants and command-line defaults a script imports from files of its repository.

        ``from config import EPOCHS`` gives ``EPOCHS``; ``import config as C``
        gives ``C.EPOCHS`` for each constant of config; an imported module
        that defines command-line options gives its defaults (the script's
        own win: they are read after these).
        """
        constants: dict[str, Any] = {}
        flags: dict[str, Any] = {}
        if script.path in self._reading and len(self._reading) > MAX_CHAIN:
            return constants, flags
        for local, origin in script.aliases.items():
            hit = self.resolve(origin, script.path, script.relative_imports.get(local, 0))
            if hit is None or (local.startswith("*") and hit[1]):
                continue  # outside the repository, or a wildcard import of a name (nothing to take)
            facts = self.module_facts(hit[0])
            if facts is not None:
                _take_import(local, hit[1], facts, constants, flags)
        if not flags and not script._caps.get("flagcall") and _uses_options(script.code_bytes):
            flags.update(self.importer_flags(script.path))
        for holder, cfg in self.settings_holders(script.code_bytes).items():
            constants.setdefault(holder, cfg)
        return constants, flags

    # -- a settings object handed in (``self.config.epochs`` of a config.yaml loaded elsewhere) -------
    def settings_holders(self, code: bytes) -> dict[str, Any]:
        """``self.config`` / ``cfg`` / ``hparams`` a file reads keys of, bound to the configuration file of the
        repository that holds those keys, where the file itself does not say where they come from.

        A class given its settings (``Model(config)``, ``self.config = config``) reads
        ``self.config.lstm_batch_size``; the object is built in another file from a
        ``config.yaml`` the repository names. The file whose top-level keys cover the
        keys read (at least two, at least half, one best file) is taken; a file that
        defines command-line options is left to them.
        """
        if b"parse_args" in code or _defines_options(code):
            return {}
        if not any(w in code for w in _HOLDER_WORDS):
            return {}
        uses: dict[str, set[str]] = {}
        for m in _HOLDER_ATTR.finditer(code):
            uses.setdefault(m.group(1).decode(), set()).add(m.group(2).decode())
        out: dict[str, Any] = {}
        for holder, keys in uses.items():
            got = self._config_with_keys(keys)
            if got is not None:
                out[holder] = got
        return out

    def _config_with_keys(self, keys: set[str]) -> Any:
        from corpus.readers.evaluate import ConfigDict

        scored: list[tuple[int, str]] = []
        for path in self._named_configs():
            hit = self.config_file(path, "")
            data = hit[1] if hit else None
            if isinstance(data, dict):
                n = len(keys & {k for k in data if isinstance(k, str)})
                if n >= 2 and 2 * n >= len(keys):
                    scored.append((n, path))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None  # none, or two files as good: not a guess
        path = scored[0][1]
        return ConfigDict(self._configs[path], path, "", self.config_reads)

    def _named_configs(self) -> list[str]:
        """Configuration files of the repository whose name a Python file of it writes (read once)."""
        if self._named is None:
            configs = [p for p in self.files if is_config_path(p) and not p.startswith(".")][:MAX_NAMED_CONFIGS]
            names = {posixpath.basename(p).encode() for p in configs}
            found: set[bytes] = set()
            if names:
                pattern = re.compile(b"|".join(re.escape(n) for n in sorted(names)))
                for p, data in self.files.items():
                    if p.endswith((".py", ".ipynb")) and len(data) <= MAX_MODULE_BYTES:
                        found.update(pattern.findall(data))
                        if len(found) == len(names):
                            break
            self._named = [p for p in configs if posixpath.basename(p).encode() in found]
        return self._named

    # -- options defined elsewhere --------------------------------------------
    def importer_flags(self, path: str) -> dict[str, Any]:
        """The command-line defaults a module that uses options (``args.lr``) but defines none runs with.

        Those of the files that import it and define options, directly or
        through one more module (``main.py`` -> ``engine.py`` -> ``trainer.py``);
        else, when exactly one file of the repository defines options, that
        file's. Files are found by a byte prescan, confirmed by resolving their imports.
        """
        options = self.option_files()
        flags: dict[str, Any] = {}
        if not options:
            return flags
        direct = self.importers_of(path)
        found = [p for p in direct if p in options]
        if not found:
            found = [p for mid in direct[:20] for p in self.importers_of(mid) if p in options and p != path]
        if not found:
            others = [p for p in options if p != path]
            found = others if len(others) == 1 else []
        for p in sorted(set(found))[:8]:
            facts = self.module_facts(p)
            for k, v in (facts.flags if facts else {}).items():
                flags.setdefault(k, v)
        return flags

    def option_files(self) -> list[str]:
        """The repository's Python files that define command-line options (a byte prescan; read once)."""
        if self._option_files is None:
            self._option_files = [p for p, data in self.files.items()
                                  if p.endswith(".py") and len(data) <= MAX_MODULE_BYTES and _defines_options(data)]
        return self._option_files

    def named_by_importer(self, path: str, name: str) -> bool:
        """Whether another file may use ``name`` of ``path``: imports it by name, or imports the module and
        writes the name (a byte prescan, no resolving: a cheap gate before reading a block alone)."""
        if self._import_words is None:
            self._import_words = _import_words(self.files)
        if any(p != path for p in self._import_words.get(name, ())):
            return True
        parts = module_parts(path)
        word = name.encode()
        return bool(parts) and any(p != path and word in (self.files.get(p) or b"")
                                   for p in self._import_words.get(parts[-1], ()))

    def importers_of(self, path: str, final: bool = False) -> list[str]:
        """Files of the repository whose imports name ``path`` (prescan by the module's name, then resolved).

        An answer given while one of those files was itself being read lacks it; ``final`` (asked after every
        file was read: the join) reads again such an answer."""
        if path in self._importers and not (final and path in self._incomplete and not self._reading):
            return self._importers[path]
        self._incomplete.discard(path)
        self._importers[path] = []
        parts = module_parts(path)
        out: list[str] = []
        unread = False
        if parts:
            if self._import_words is None:
                self._import_words = _import_words(self.files)
            for p in self._import_words.get(parts[-1], ()):
                if p == path:
                    continue
                facts = self.module_facts(p)
                if facts is None:
                    unread = unread or p in self._reading
                    continue
                for local, origin, first in self._first_hits(p, facts):
                    # as resolve(): only a package's re-export is followed further (its facts read as resolve reads them)
                    if first is not None and first[1] and first[0].endswith("__init__.py"):
                        hit = self.resolve(origin, p, facts.relative.get(local, 0))
                    else:
                        hit = first
                    if hit is not None and hit[0] == path:
                        out.append(p)
                        break
                if len(out) >= 50:
                    break
        if unread:
            # asked while an importer is itself being read (its facts are not there yet): not the final answer
            self._incomplete.add(path)
        self._importers[path] = out
        return out

    def _first_hits(self, path: str, facts: ModuleFacts) -> list[tuple[str, str, tuple[str, str] | None]]:
        """(local, origin, the file and name its import names before any re-export is followed) for each
        import of a file: pure for one ModuleFacts (its imports and sys.path additions), kept while it stands."""
        kept = self._first.get(path)
        if kept is not None and kept[0] is facts:
            return kept[1]
        rows = [(local, origin, self._resolve_once(origin, path, facts.relative.get(local, 0)))
                for local, origin in facts.aliases.items()]
        self._first[path] = (facts, rows)
        return rows

    # -- code a script calls in another file --------------------------------------
    def imported_code(self, script: Script) -> tuple[str, dict[str, Any]]:
        """Training and data-loading code the script calls from other files of the repository.

        ``model = Net(); train(model, loader, args)`` with ``train`` in
        ``trainer.py``, or ``x, y = load_mnist()`` from ``data.py``: the values
        are in those functions, so their text is read as if written below the
        script (once, one level deep; their imports re-stated as plain
        imports the script's own win over; their module's constants beside).
        Classes and functions that define a network are left out: the join
        puts those together.

        Returns:
            (the code to append, the constants of the modules it comes from).
        """
        from corpus.readers.syntax import call_function_name

        # only an import of a file of the repository can give code: a script with none has its calls left unread
        # (resolve's first step is pure, and resolve is None where it is None)
        if not any(self._resolve_once(origin, script.path, script.relative_imports.get(local, 0)) is not None
                   for local, origin in script.aliases.items()):
            return "", {}
        called: set[str] = set()
        for call in script.nodes("call"):
            fn = call_function_name(call)
            if fn:
                called.add(fn.split(".", 1)[0])
                if fn.count(".") == 1:
                    called.add(fn)  # ``com.yaml_load()`` of ``import common as com``
        pieces: list[str] = []
        imports: dict[str, str] = {}
        constants: dict[str, Any] = {}
        size = 0
        # ``model = Caser(...)`` then ``optimizer.minimize(model.loss)``: a raw TF1 graph class trained by the
        # script is read below it, where its training is
        trains_graph = _TRAINS_GRAPH.search(script.code_bytes) is not None
        for local in sorted(called):
            hit = self._called_definition(script, local)
            if hit is None:
                continue
            facts = self.module_facts(hit[0])
            d = facts.definitions.get(hit[1]) if facts else None
            if d is None:
                continue
            # a class is read here too when it trains what it is given (``Trainer(model, args).train()``);
            # a class that builds the repository's network (an agent) is its own file's: the join reads it there
            text = file_lines(self.files.get(hit[0]) or b"", d.line_start, d.line_end)
            graph_trained_here = d.kind == "class" and trains_graph and _TF_GRAPH.search(text) is not None
            settings_class = d.kind == "class" and len(_SETTING_ATTR.findall(text)) >= 2 \
                and _NETWORKISH.search(text) is None
            if not (graph_trained_here or settings_class
                    or (_TRAINS if d.kind == "class" else _TRAINS_OR_LOADS).search(text)) \
                    or _DEFINES_NETWORK.search(text) \
                    or (not graph_trained_here and self._builds_repository_class(text, hit[0], facts)):
                continue
            if size + len(text) > MAX_INLINED_BYTES:
                break
            size += len(text)
            pieces.append(text)
            self.inlined_definitions.setdefault(script.path, {})[hit[1]] = hit
            for name, origin in facts.aliases.items():
                if not name.startswith("*") and name not in script.aliases and facts.relative.get(name, 0) == 0 \
                        and not self.star_origins(script.aliases, script.relative_imports, script.path, name):
                    # (a name the script's own ``from models import *`` gives is the script's)
                    imports.setdefault(name, origin)
            for k, v in facts.constants.items():
                constants.setdefault(k, v)
        if not pieces:
            return "", {}
        self.inlined_aliases[script.path] = imports
        head = "\n".join(f"import {origin} as {name}" for name, origin in sorted(imports.items())
                         if all(part.isidentifier() for part in origin.split(".")))
        return head + "\n\n" + "\n\n".join(pieces) + "\n", constants

    def _called_definition(self, script: Script, called: str) -> tuple[str, str] | None:
        """(file, top-level name) of the repository definition a script calls: ``train(...)`` of
        ``from trainer import train``, or ``com.yaml_load()`` of ``import common as com``."""
        head, _, attr = called.partition(".")
        if head not in script.aliases:
            return None
        hit = self.resolve(script.aliases[head], script.path, script.relative_imports.get(head, 0))
        if hit is not None and attr and not hit[1]:
            hit = (hit[0], attr)  # a function of an imported module
        elif attr:
            return None
        if hit is None or not hit[1] or "." in hit[1] or not hit[0].endswith(".py"):
            return None
        return hit

    def part_elsewhere(self, path: str, name: str) -> bool:
        """Whether another file of the repository uses a definition as a part of a network of its own:
        named inside a network class there (``self.conv = ConvNorm(...)``, ``layerspp.AttnBlockpp(...)``),
        or built there and handed to the constructor of another network of the repository
        (``decoder = MeshedDecoder(...)`` then ``Transformer(bos, encoder, decoder)``)."""
        if name in self._given_as_blocks():
            return True
        # the files that import it are read for their facts first: the join may come before they were parsed
        # (a harvest joins only the files that gave summaries)
        self.importers_of(path, final=True)
        for where, pattern in self._references().get((path, name), ()):
            if self._used_as_part(where, pattern, path, name):
                return True
        # a factory of its file that returns it (``def resnet50(...): return ResNet(...)``,
        # ``llama4_vision_projection_head()``): what the factory builds is a part where its call is one
        # (in its own file or in one that imports it: torchtune's _component_builders.py)
        for home, written in [(path, name), *self._references().get((path, name), ())]:
            for factory in self._factories_of(home, written):
                if self._used_as_part(home, factory, home, factory) or any(
                        self._used_as_part(where, pattern, home, factory)
                        for where, pattern in self._references().get((home, factory), ())):
                    return True
        # its own file counts too: a block that file's __main__ smoke-tests (``ClassCapsule()(torch.randn(...))``)
        # or builds for a shape check is still a part of the network beside it. For a class only a network
        # class of its file counts there: the file's own factories (``model = ConvNeXt(...)``) build it whole.
        # A builder function's result handed to a network of its file (``projection_head =
        # llama4_vision_projection_head(...)``) is a part of that network
        facts = self.module_facts(path)
        function = facts is not None and name in facts.definitions and facts.definitions[name].kind == "function"
        return path.endswith(".py") and self._used_as_part(path, name, path, name, handed=function)

    def _given_as_blocks(self) -> frozenset[str]:
        """Names the repository gives a network as the kind of block to build it from, by a keyword or a key
        named for that (``VisionTransformer(block_fn=ParallelThingsBlock)``, ``{'block': residual_block,
        'layers': [2, 2, 2, 2]}``, ``ResNet(block=BasicBlock, ...)``): read once per repository."""
        got: frozenset[str] | None = self.__dict__.get("_block_names")
        if got is None:
            names: set[str] = set()
            for where, data in self.files.items():
                if where.endswith(".py") and data and _BLOCK_KEY_BYTES.search(data):
                    names.update(m.group(1).decode() for m in _GIVEN_BLOCK.finditer(data))
            got = self.__dict__["_block_names"] = frozenset(names)
        return got

    def _factories_of(self, path: str, name: str) -> list[str]:
        """The top-level functions of a file that return the class it calls ``name`` (``return Name(...)``, or
        ``model = Name(...)`` ... ``return model``: the calls its module facts note a function returns)."""
        facts = self.module_facts(path)
        if facts is None:
            return []
        return [fname for fname, d in facts.definitions.items()
                if d.kind == "function" and fname != name and name in d.returns]

    def _references(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(file, definition) -> (file that names it, the name written there), over the files read so far."""
        got: dict[tuple[str, str], list[tuple[str, str]]] = self.__dict__.setdefault("_refs", {})
        done: set[str] = self.__dict__.setdefault("_refs_done", set())
        if len(done) == len(self.facts):
            return got
        # files read since the last call add theirs (facts grow as the pass reads on)
        for where, facts in list(self.facts.items()):
            if where in done:
                continue
            done.add(where)
            if not where.endswith(".py"):
                continue
            for local, origin in facts.aliases.items():
                hit = self.resolve(origin, where, facts.relative.get(local, 0))
                if local == origin and (hit is None or not hit[1]):
                    self._dotted_references(where, local, got)
                if hit is None or hit[0] == where or "." in hit[1]:
                    continue
                target = self.module_facts(hit[0])
                if target is None:
                    continue
                if hit[1]:
                    if not local.startswith("*"):
                        got.setdefault(hit, []).append((where, local))
                    continue
                for dname in target.definitions:
                    # (functions too: a factory of a module, ``models.resnet50(...)``)
                    written = dname if local.startswith("*") else f"{local}.{dname}"
                    got.setdefault((hit[0], dname), []).append((where, written))
        return got

    def dotted_written(self, where: str, name: str) -> str | None:
        """The full dotted name (``caption.decoders.vanilla.Decoder``) by which ``where`` names a class of the
        repository that its reader calls ``name``, when one such class is named so there."""
        refs = self._references()
        version = len(self.__dict__.get("_refs_done", ()))  # references grow as the pass reads more files
        if self.__dict__.get("_dotted_version") != version:
            table: dict[tuple[str, str], set[str]] = {}
            for targets in refs.values():
                for w, written in targets:
                    if written.count(".") >= 2:
                        table.setdefault((w, written.rsplit(".", 1)[-1]), set()).add(written)
            self.__dict__["_dotted_table"], self.__dict__["_dotted_version"] = table, version
        got = self.__dict__["_dotted_table"].get((where, name), set())
        return next(iter(got)) if len(got) == 1 else None

    def _dotted_references(self, where: str, head: str, got: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
        """``import caption.decoders.vanilla`` binds only ``caption``: the classes the file then names in full
        (``caption.decoders.vanilla.Decoder(cfg)``) are found by those dotted names."""
        data = self.files.get(where) or b""
        if head not in self._module_words() or f"{head}.".encode() not in data:
            return  # (``import torch``: no folder or module of the repository is so named)
        text = self._code_text(where, data)
        for dotted in dict.fromkeys(re.findall(rf"(?<![\w.]){re.escape(head)}(?:\.[A-Za-z_]\w*)+", text)):
            if dotted.count(".") < 2:
                continue  # ``caption.Model``: the package's own name, read as an ordinary import
            hit = self.resolve(dotted, where, 0)
            if hit is not None and hit[0] != where and hit[1] and "." not in hit[1]:
                got.setdefault(hit, []).append((where, dotted))

    def _module_words(self) -> frozenset[str]:
        """Every folder and module name of the repository's Python files (what an import's head can name)."""
        got = self.__dict__.get("_words")
        if got is None:
            got = self.__dict__["_words"] = frozenset(
                part.removesuffix(".py") for path in self.files if path.endswith(".py") for part in path.split("/"))
        return got

    def _used_as_part(self, where: str, written: str, path: str, name: str, *, handed: bool = True,
                      registry: bool = True) -> bool:
        facts = self.facts.get(where)
        data = self.files.get(where)
        if facts is None or not data or written.encode() not in data:
            return False
        text = self._code_text(where, data)
        names = [written]
        # ``ResnetBlock = layerspp.ResnetBlockDDPMpp``: the file's own name for it
        names += re.findall(rf"(?m)^([A-Za-z_]\w*)\s*=\s*{re.escape(written)}\s*$", text)
        classes = sorted((d.line_start, d.line_end, d.name) for d in facts.definitions.values() if d.kind == "class")
        for n in names:
            # inside a class any mention counts (``functools.partial(layerspp.AttnBlockpp, ...)``); outside,
            # a call whose result another network's constructor takes
            for m in re.finditer(rf"(?<![\w.]){re.escape(n)}\b(?!\s*\.)(\s*\()?", text):
                line = text.count("\n", 0, m.start()) + 1
                owner = next((c for c in classes if c[0] <= line <= c[1]), None)
                if owner is not None:
                    if (where, owner[2]) != (path, name) and not _in_loading_method(text, m.start(), owner[0]) \
                            and not _typed_or_based(text, m) and self._network_class(where, owner[2]):
                        return True
                    continue
                if handed and self._handed_to_network(text, m, where, facts, name):
                    return True
                if registry and self._registry_used_as_part(text, m.start(), path, name):
                    return True
        return False

    def _registry_used_as_part(self, text: str, at: int, path: str, name: str) -> bool:
        """Whether the mention at ``at`` is a value of a module-level registry (``SUBSAMPLE_CLASSES = {"conv2d":
        Conv2dSubsampling4, ...}``) that a network class of the repository indexes (``self.embed =
        SUBSAMPLE_CLASSES[input_layer](...)``): what it holds are parts of that network."""
        heads = list(_REGISTRY_HEAD.finditer(text, 0, at))
        head = heads[-1] if heads else None
        if head is None or re.search(r"(?m)^[^\s)}\]#]", text[head.end():at]):
            return False  # (a statement began after the registry's first line: the mention is not in it)
        reg = head.group(1)
        pattern = re.compile(rf"(?<![\w.]){re.escape(reg)}\s*\[".encode())
        return any(pattern.search(data) is not None and self.module_facts(where) is not None
                   and self._used_as_part(where, reg, path, name, registry=False)
                   for where, data in self.files.items() if where.endswith(".py") and reg.encode() in data)

    def _code_text(self, where: str, data: bytes) -> str:
        """A file's text with strings and comments blanked, offsets and lines kept: a class named in a
        docstring (``>>> cnn14 = Cnn14(120, 256)``) or a comment is not used there."""
        cache: dict[str, str] = self.__dict__.setdefault("_code_texts", {})
        got = cache.get(where)
        if got is None:
            got = cache[where] = code_only(data.decode("utf-8", "replace"))
        return got

    def handed_to_network_at(self, path: str, line: int | None, var: str) -> bool:
        """Whether the model a file binds to ``var`` at ``line`` (``output = nn.Sequential(...)``) is then given to
        the constructor of a network class of the repository."""
        facts = self.module_facts(path)
        data = self.files.get(path)
        if facts is None or not data or not line or not path.endswith(".py") or not var.isidentifier():
            return False
        text = self._code_text(path, data)
        start = 0
        for _ in range(line - 1):
            start = text.find("\n", start) + 1
            if start == 0:
                return False
        bound = re.compile(rf"[ \t]*{re.escape(var)}\s*=\s*").match(text, start)
        call = re.compile(r"[\w.]+(\s*\()").match(text, bound.end()) if bound else None
        return call is not None and self._handed_to_network(text, call, path, facts, var)

    def _handed_to_network(self, text: str, call: re.Match[str], where: str, facts: ModuleFacts, name: str) -> bool:
        """``decoder = Decoder(...)`` at ``call`` whose variable is an argument of another network's constructor,
        or the class itself given to one (``Encoder(3, attention_module=Attention)``)."""
        start = text.rfind("\n", 0, call.start()) + 1
        bound = re.match(r"\s*([A-Za-z_]\w*)\s*=\s*$", text[start:call.start()]) if call.group(1) else None
        if call.group(1) and bound is None:
            return False
        var = bound.group(1) if bound is not None else None
        for m in _CAPITALIZED_CALL_AT.finditer(text, call.end() if var else max(0, start - 2000)):
            if var is None and m.start() > call.start():
                break
            callee = m.group(1)
            head = callee.split(".")[0]
            if callee.endswith(name):
                continue
            args = _call_text(text, m.end() - 1)
            if var is None:
                if not m.end() <= call.start() < m.end() + len(args):
                    continue
            elif not re.search(rf"(?<![\w.]){re.escape(var)}\b(?!\s*\.)", args):
                continue
            if callee in facts.definitions:
                hit: tuple[str, str] | None = (where, callee)
            elif head in facts.aliases:
                hit = self.resolve(facts.aliases[head] + callee[len(head):], where, facts.relative.get(head, 0))
            else:
                hit = None
            if hit is not None and hit[1] and "." not in hit[1] and self._network_class(*hit):
                return True
        return False

    def _network_class(self, path: str, name: str, depth: int = 0) -> bool:
        """A class of the repository written on a network base (``nn.Module``, ``keras.Model``, ``Layer``), or on
        a class of the repository that is one (``class MLBNoAtt(AbstractNoAtt)``), not a trainer or a wrapper
        that only holds a model it is given."""
        facts = self.module_facts(path)
        d = facts.definitions.get(name) if facts else None
        if d is None or d.kind != "class" or _TRAINER_NAME.search(name):
            return False
        # (after any decorators: ``@register_model(name=...)``)
        head = file_lines(self.files.get(path) or b"", d.line_start, d.line_start + 8)
        bases = re.search(r"(?m)^\s*class\s+\w+\s*\(([^)]*)\)", head)
        if bases is None:
            return False
        if not _NETWORK_BASE.search(bases.group(1)):
            if depth >= 3 or not any(self._network_class(*hit, depth + 1)
                                     for hit in self._base_classes(path, facts, bases.group(1))):
                return False
        # a LightningModule or GAN wrapper that trains the networks it holds: they are its trained models
        return not _TRAINS_PARTS.search(file_lines(self.files.get(path) or b"", d.line_start, d.line_end))

    def _base_classes(self, path: str, facts: ModuleFacts, bases: str) -> list[tuple[str, str]]:
        """The repository classes a class statement's bases name: of its own file or imported."""
        got = []
        for base in re.findall(r"(?<![\w.=])([A-Za-z_][\w.]*)\s*(?:,|$)", bases.strip()):
            head = base.split(".")[0]
            if base in facts.definitions:
                got.append((path, base))
            elif head in facts.aliases:
                hit = self.resolve(facts.aliases[head] + base[len(head):], path, facts.relative.get(head, 0))
                if hit is not None and hit[1] and "." not in hit[1]:
                    got.append(hit)
        return got

    def is_network_class(self, path: str, name: str) -> bool:
        """Whether a top-level definition of a repository file is a class of a network (``nn.Module``,
        ``keras.Model``): what it is given builds a model, not data."""
        facts = self.module_facts(path)
        d = facts.definitions.get(name) if facts else None
        return d is not None and d.kind == "class" and _DEFINES_NETWORK.search(
            file_lines(self.files.get(path) or b"", d.line_start, d.line_end)) is not None

    def is_network_definition(self, path: str, name: str) -> bool | None:
        """Whether a top-level definition of a repository file is (or builds) a network: a class whose
        text holds network words, a function that builds a network of the repository or calls a model
        factory; None when the definition cannot be read."""
        facts = self.module_facts(path)
        d = facts.definitions.get(name) if facts else None
        if d is None:
            return None
        text = file_lines(self.files.get(path) or b"", d.line_start, d.line_end)
        if _NETWORKISH.search(text) or _DEFINES_NETWORK.search(text):
            return True
        if d.kind == "class":
            return False
        for called in set(_ANY_CALL.findall(text)) - {name}:
            if called in facts.definitions or (called in facts.aliases and self.resolve(
                    facts.aliases[called], path, facts.relative.get(called, 0))):
                return None  # ``return _unet(...)``: it calls code of the repository not read here
        # it returns what a library call gives (``return parser.parse_args()``): no network of the repository;
        # one that returns a variable it built may hold a library's model: unknown
        return False if d.returns else None

    def _builds_repository_class(self, text: str, path: str, facts: ModuleFacts) -> bool:
        """Whether code builds a network of the repository (read where it is, by the join).

        A helper class of the repository it calls (``AverageMeter()``, ``EarlyStopping()``)
        does not count: its text holds nothing of a network.
        """
        if _MODEL_FACTORY_CALL.search(text):
            return True
        for name in set(_CAPITALIZED_CALL.findall(text)):
            if name.endswith(_LOSS_CLASS_SUFFIXES):
                continue  # ``self.criterion = LabelSmoothingLoss(...)``: a loss module is no network
            where, d = path, facts.definitions.get(name)
            if d is None:
                hit = self.resolve(facts.aliases[name], path, facts.relative.get(name, 0)) \
                    if name in facts.aliases else None
                if hit is None and name not in facts.aliases:  # ``from dcgan import *`` then ``Generator()``
                    wild = self.star_origins(facts.aliases, facts.relative, path, name)
                    hit = self.resolve(wild[-1][0], path, wild[-1][1]) if wild else None
                if hit is None:
                    continue
                target = self.module_facts(hit[0]) if hit[1] and "." not in hit[1] else None
                d, where = (target.definitions.get(hit[1]) if target else None), hit[0]
                if d is None:
                    return True  # not followed: assume it may be a network
            if d.kind == "class" and _NETWORKISH.search(file_lines(self.files.get(where) or b"", d.line_start,
                                                                d.line_end)):
                return True
        return False

    # -- configuration files ----------------------------------------------------
    def config(self, name: str, from_path: str) -> Any:
        """The data of a configuration file the code names (relative to the file, then the root), or None."""
        hit = self.config_file(name, from_path)
        return None if hit is None else hit[1]

    def config_file(self, name: str, from_path: str) -> tuple[str, Any] | None:
        """(repository path, data) of a configuration file the code names, or None (as :meth:`config`)."""
        name = name.replace("\\", "/").removeprefix("./")
        if not is_config_path(name) or name.startswith("/"):
            return None
        here = posixpath.dirname(from_path)
        for cand in (posixpath.normpath(posixpath.join(here, name)), posixpath.normpath(name)):
            if cand.startswith("../") or cand not in self.files:
                continue
            if cand not in self._configs:
                got = load_config(self.files[cand], cand)
                self._configs[cand] = got.value
                if got.warnings:
                    self.warnings.setdefault(cand, []).extend(got.warnings)
            return cand, self._configs[cand]
        return None

    def record_value_sources(self, summary: Any) -> None:
        """``value_sources[field] = "configs/train.yaml: train.lr"`` for each hyperparameter read from a config key.

        A value counts as read from a key when the evaluator read that value
        there and the key names the field (``lr``, ``batch_size``, ``epochs``...).
        """
        if not self.config_reads:
            return
        hp = summary.hyperparameters
        for field_name, hint in _FIELD_HINTS.items():
            v = getattr(hp, field_name, None)
            if v is None or isinstance(v, (bool, list, dict)):
                continue
            origins = {origin for got, origin in self.config_reads
                       if hint.search(origin.rsplit(".", 1)[-1].rsplit(": ", 1)[-1]) and _same_value(got, v)}
            if len(origins) == 1:
                summary.value_sources[field_name] = origins.pop()


_FIELD_HINTS = {
    "learning_rate": re.compile(r"(^|[^a-z])lr($|[^a-z])|learning.?rate", re.IGNORECASE),
    "batch_size": re.compile(r"batch|(^|_)bs$", re.IGNORECASE),
    "epochs": re.compile(r"epoch", re.IGNORECASE),
    "optimizer": re.compile(r"optim", re.IGNORECASE),
    "loss": re.compile(r"loss|criterion", re.IGNORECASE),
    "steps": re.compile(r"step|iter", re.IGNORECASE),
}
# a prescan of a file's bytes: it defines command-line options; a script's: it reads some
_DEFINES_OPTIONS = re.compile(rb"add_argument\(|DEFINE_(?:integer|float|string|bool|boolean|enum)\b")
# ``self.config.epochs``, ``cfg.train``, ``hparams.lr``: keys read from a settings object
_HOLDER_ATTR = re.compile(rb"\b((?:self\.)?(?:config|cfg|conf|configs|hparams|hp|params|hyperparams|hyper_params|"
                          rb"settings|opt_config|train_config))\.([A-Za-z_]\w*)\b(?!\s*\()")
MAX_NAMED_CONFIGS = 300
_ANY_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_USES_OPTIONS = re.compile(rb"\b(?:args|opt|opts|FLAGS|flags|hparams|hp|cfg|config)\.[A-Za-z_]")
# Byte strings of which every match of _HOLDER_ATTR (of _USES_OPTIONS) holds one: a file with none is not searched
# (a pattern that opens with ``\b`` makes the regex engine try every byte; ``in`` scans in C)
_HOLDER_WORDS = (b"config.", b"configs.", b"conf.", b"cfg.", b"params.", b"hp.", b"settings.")
_OPTION_WORDS = (b"args.", b"opt.", b"opts.", b"FLAGS.", b"flags.", b"hparams.", b"hp.", b"cfg.", b"config.")


def _defines_options(code: bytes) -> bool:
    """Whether ``_DEFINES_OPTIONS`` finds something in ``code`` (its literals looked for first)."""
    if b"add_argument(" in code:
        return True
    return b"DEFINE_" in code and _DEFINES_OPTIONS.search(code) is not None


def _uses_options(code: bytes) -> bool:
    """Whether ``_USES_OPTIONS`` finds something in ``code``, or a class takes its settings as attributes from
    keyword arguments (``self.__dict__.update(kwargs)``, built with ``Agent(**vars(opt))``: ``self.a_lr``)."""
    return any(w in code for w in _OPTION_WORDS) and _USES_OPTIONS.search(code) is not None or \
        b"self.__dict__.update(" in code


_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]+[^\n]+|import[ \t]+[^\n]+)", re.MULTILINE)
_WORD = re.compile(rb"[A-Za-z_]\w*")


def _import_words(files: Mapping[str, bytes]) -> dict[str, list[str]]:
    """Each word of the import lines of the repository's Python files -> the files (read once per repository)."""
    out: dict[str, list[str]] = {}
    for p, data in files.items():
        if not p.endswith(".py") or len(data) > MAX_MODULE_BYTES:
            continue
        words: set[bytes] = set()
        for m in _IMPORT_LINE.finditer(data):
            words.update(_WORD.findall(m.group(0)))
        for w in words:
            out.setdefault(w.decode("ascii", "replace"), []).append(p)
    return out


def _same_value(got: Any, v: Any) -> bool:
    """A value read from a configuration is the hyperparameter's (numbers by value, names case-blind)."""
    if isinstance(got, bool):
        return False
    if isinstance(v, (int, float)):
        try:
            g = float(got)
        except (TypeError, ValueError):
            return False
        return math.isclose(g, float(v), rel_tol=1e-9)
    if isinstance(v, str) and isinstance(got, str):
        def norm(x: str) -> str:
            return re.sub(r"[^a-z0-9]", "", x.lower().rsplit(".", 1)[-1])
        return norm(got) == norm(v)
    return False


# ---------------------------------------------------------------------------
# Reading a script's definitions and sys.path additions


def read_definitions(script: Script) -> dict[str, Definition]:
    """Top-level classes and functions, with the lines of the file as stored."""
    from corpus.readers.syntax import call_function_name, node_text

    out: dict[str, Definition] = {}
    returned: list[Any] | None = None  # the script's calls written as a return's value (from the shared index)
    for stmt in script.root.named_children:
        node = stmt
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type not in ("class_definition", "function_definition"):
            continue
        name = node_text(node.child_by_field_name("name"))
        start = script.orig_line(stmt.start_point[0] + 1) or stmt.start_point[0] + 1
        end = script.orig_line(node.end_point[0] + 1) or node.end_point[0] + 1
        d = Definition(name=name, kind="class" if node.type == "class_definition" else "function",
                       line_start=start, line_end=end)
        if d.kind == "function":
            if returned is None:
                returned = [c for c in script.nodes("call") if c.parent.type == "return_statement"]
            for ret in _returns(node, returned) + _returned_through_a_name(script, node):
                fn = call_function_name(ret)
                if fn and fn not in d.returns:
                    d.returns.append(fn)
        out[name] = d
    # ``mae_vit_base_patch16 = mae_vit_base_patch16_dec512d8b``: another name of a definition of the file
    for stmt in script.root.named_children:
        a = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if a is None or a.type != "assignment":
            continue
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is not None and right is not None and left.type == "identifier" and right.type == "identifier" \
                and node_text(right) in out and node_text(left) not in out:
            target = out[node_text(right)]
            out[node_text(left)] = Definition(name=node_text(left), kind=target.kind, line_start=target.line_start,
                                              line_end=target.line_end, returns=list(target.returns))
    return out


def _returned_through_a_name(script: Any, fn: Any) -> list[Any]:
    """``model = VisionTransformer(...)`` then ``return model`` in a factory: the call that made what it returns."""
    from corpus.readers.syntax import node_text

    body = fn.child_by_field_name("body")
    if body is None:
        return []
    names = [node_text(r.named_children[0]) for r in body.named_children
             if r.type == "return_statement" and r.named_children and r.named_children[0].type == "identifier"]
    out: list[Any] = []
    for name in dict.fromkeys(names):
        for a in script.assignments_to(name):
            right = a.child_by_field_name("right")
            if right is not None and right.type == "call" and fn.start_byte < a.start_byte < fn.end_byte \
                    and _nearest_scope(a) == fn:
                out.append(right)
    return out


def _returns(fn: Any, returned: list[Any] | None = None) -> list[Any]:
    """The calls a function returns (``return ResNet(...)``), nested functions left out.

    ``returned``: the script's calls that are a return's value, by start byte; those inside ``fn`` and
    not inside a nested definition are the answer, without walking the function's body (up to 50: past
    that the walk decides which 50).
    """
    if returned is not None:
        lo = bisect_left(returned, fn.start_byte, key=_START_BYTE)
        hi = bisect_left(returned, fn.end_byte, lo, key=_START_BYTE)
        mine = [c for c in returned[lo:hi] if _nearest_scope(c) == fn]
        if len(mine) < 50:
            return mine
    from corpus.readers.syntax import returned_calls

    return returned_calls(fn)


def _nearest_scope(node: Any) -> Any:
    """The function, class or lambda a node is inside (None at module level)."""
    p = node.parent
    while p is not None and p.type not in _SCOPES:
        p = p.parent
    return p


_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})
_START_BYTE = attrgetter("start_byte")


def read_sys_paths(script: Script) -> list[str]:
    """Folders a script adds to ``sys.path`` with a literal: ``sys.path.append("src")``,
    ``sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))``; repository-relative."""
    from corpus.readers.syntax import call_arguments, call_function_name, node_text

    here = posixpath.dirname(script.path)
    out: list[str] = []
    code = script.code_bytes
    # the names of such a call are words of the file (written plainly or not): no call is read without them
    if b"sys" not in code or b"path" not in code or (b"append" not in code and b"insert" not in code):
        return out
    for call in script.nodes("call"):
        fn = call_function_name(call)
        if fn not in ("sys.path.append", "sys.path.insert"):
            continue
        positional, _ = call_arguments(call)
        arg = positional[-1] if positional else None
        if arg is None:
            continue
        text = node_text(arg)
        lit = script.value(arg)
        rel: str | None = None
        if isinstance(lit, str):
            rel = lit
        elif "__file__" in text:
            strings = [s.strip("\"'") for s in text.replace("(", ",").replace(")", ",").split(",")
                       if s.strip().startswith(("'", '"'))]
            rel = posixpath.join(*strings) if strings else "."
        if rel is None or rel.startswith("/"):
            continue
        for base in (here, ""):
            folder = posixpath.normpath(posixpath.join(base, rel))
            if folder == ".":
                folder = ""
            if not folder.startswith("..") and folder not in out:
                out.append(folder)
    return out


_TOP_DEFINITION = re.compile(rb"(?m)^(?:class|def)\s+([A-Za-z_]\w*)")
_NETWORK_BASE = re.compile(r"Module|Model|Layer|Network|Net\b|Block|Encoder|Decoder|Sequential")
_TRAINS_PARTS = re.compile(r"\bdef (?:training_step|configure_optimizers|train_step)\b|\.backward\(|\.zero_grad\(|"
                           r"\boptim\.\w+\(|\.minimize\(|apply_gradients\(|\.compile\(")
_TRAINER_NAME = re.compile(r"Trainer|Manager|Runner|Agent|Solver|Experiment|Learner|Factory|Builder")


_PROSE = re.compile(r'''(?s)[rRbBuUfF]{0,2}("""|\'\'\'|"|')(?:\\.|(?!\1).)*?(?:\1)|#[^\n]*''')


def code_only(text: str) -> str:
    """Python text with its strings and comments replaced by spaces (newlines kept), so that positions
    and line numbers stay those of ``text``. A quote left open runs to the end of the file, as Python reads it."""
    return _PROSE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _typed_or_based(text: str, m: re.Match[str]) -> bool:
    """A mention that uses no object of the class: a base of another class (``class C51Net(DQNet):``) or a
    type annotation (``net: DQNet | None``, ``-> DQNet``)."""
    if m.group(1):
        return False
    start = text.rfind("\n", 0, m.start()) + 1
    before = text[start:m.start()]
    return bool(re.match(r"\s*class\s+\w+\s*\(", before) or re.search(r"(?:\w\s*:|->|\|)\s*$", before)
                or re.match(r"\s*\|", text[m.end():]))


def _in_loading_method(text: str, at: int, class_line: int) -> bool:
    """Whether ``at`` is in a method that loads or copies weights (``load_pretrain_weights``: ``GMF(config)``
    built there to copy from, not a part of the network)."""
    start = 0
    for _ in range(class_line - 1):
        start = text.find("\n", start) + 1
    method = None
    for m in re.finditer(r"(?m)^[ \t]+def\s+(\w+)", text[start:at]):
        method = m.group(1)
    return method is not None and bool(_LOADING.search(method.lower()))


_LOADING = re.compile(r"load|pretrain|weight|restore|copy|export|convert|from_")


def _rest_parts(rest: str) -> int:
    return rest.count(".") + 1 if rest else 0


_CAPITALIZED_CALL_AT = re.compile(r"(?<![\w.])((?:[a-z_]\w*\.)*[A-Z]\w*)\s*\(")


def _call_text(text: str, open_at: int, limit: int = 4000) -> str:
    """The text of a call's arguments from its ``(`` at ``open_at`` to the matching ``)`` (at most ``limit``)."""
    depth = 0
    for i in range(open_at, min(len(text), open_at + limit)):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
    return text[open_at + 1:open_at + limit]


def _init_of(cls: Node) -> Node | None:
    """The ``__init__`` of a class node (None for another node, or a class without one)."""
    from corpus.readers.syntax import node_text, undecorated

    body = cls.child_by_field_name("body") if cls.type == "class_definition" else None
    for stmt in body.named_children if body is not None else ():
        fn = undecorated(stmt)
        if fn is not None and fn.type == "function_definition" and node_text(fn.child_by_field_name("name")) == "__init__":
            return fn
    return None


def file_lines(data: bytes, start: int, end: int) -> str:
    """Lines ``start``..``end`` (1-based) of a file, dedented to column 0 where the first line is."""
    lines = data.decode("utf-8", "replace").splitlines()[start - 1:end]
    if not lines:
        return ""
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines)


def _bases(here: str, dots: int, sys_paths: list[str] | tuple[()]) -> list[str]:
    """The folders an import is looked up in, nearest first (the importing file's, its parents, sys.path)."""
    base = here
    if dots:
        for _ in range(dots - 1):
            base = posixpath.dirname(base)
        return [base]
    bases: list[str] = []
    while True:
        bases.append(base)
        if not base:
            break
        base = posixpath.dirname(base)
    for extra in sys_paths:
        if extra not in bases:
            bases.append(extra)
    return bases


# the first line of a module-level dict (``SUBSAMPLE_CLASSES = {``, ``MODELS: dict = dict(``)
_REGISTRY_HEAD = re.compile(r"(?m)^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*(?:dict\(|\{)")


# a keyword or dict key that names the block class or function a network is built from, and the name given
_BLOCK_KEYS = rb"block|block_fn|block_cls|block_class|block_type|block_layer|basic_block|bottleneck|layer_fn|" \
              rb"mlp_layer|attn_layer|conv_layer|cell_fn|cell_type|unit_fn"
_BLOCK_KEY_BYTES = re.compile(rb"\b(?:" + _BLOCK_KEYS + rb")\b")
_GIVEN_BLOCK = re.compile(rb"(?:\b(?:" + _BLOCK_KEYS + rb")\s*=\s*|['\"](?:" + _BLOCK_KEYS + rb")['\"]\s*:\s*)"
                          rb"(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\s*[,)}\n]")
