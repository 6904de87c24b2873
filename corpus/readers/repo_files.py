"""Which files of a repository are read, and the README words beside them.

One policy for the harvest, ``examplenet parse DIR`` and a project uploaded
for comparison: code files (``.py``, ``.ipynb``, ``.md``) outside tests,
vendored and build folders, that import a deep-learning framework, are read
for models; the others are read only as data when code imports them (see
:mod:`corpus.readers.repo_context`).
"""

from __future__ import annotations

import re

from corpus.knowledge.frameworks import all_roots

EXTENSIONS = (".py", ".ipynb", ".md")

# Folders whose files are not examples (tests, vendored packages, build output).
SKIP_DIRS = frozenset({
    "test", "tests", "testing", "unittest", "unittests", "site-packages", "node_modules",
    ".github", "__pycache__", "build", "dist", ".ipynb_checkpoints", "venv", ".venv",
})
_TEST_DIR = re.compile(r"^\w+_tests?$")  # integration_tests/, unit_tests/
SKIP_NAMES = frozenset({"setup.py", "conftest.py", "conf.py", "noxfile.py"})
_TEST_FILE = re.compile(r"(^test_.*\.py$)|(^tests?\.py$)")
# ``x_test.py`` is a unit test when its code says so (flax's ``train_test.py``); else it is a script named
# for what it runs: TCN's experiments (``lambada_test.py``) and ``train_and_test.py`` train models
_TEST_NAME = re.compile(r"_tests?\.py$")
_UNIT_TEST_CODE = re.compile(
    rb"^[ \t]*(?:import[ \t]+(?:unittest|pytest)\b|from[ \t]+(?:unittest|pytest|absl\.testing)\b|"
    rb"from[ \t]+absl[ \t]+import[ \t]+testing\b|class[ \t]+\w+\([\w.]*TestCase\)|def[ \t]+test\w*\()", re.M)
# The cheap byte test: does the file import a deep-learning framework at all?
# (the readers' own table: a script importing only ``transformers`` or ``timm`` is read too)
DL_IMPORT = re.compile(
    rb"(?:^|[\s\"';])(?:import|from)\s+(?:" + b"|".join(r.encode() for r in all_roots()) + rb")\b"
)
# History is read for example files only: a library's deleted modules are not examples.
_EXAMPLE_DIR = re.compile(r"^(examples?|tutorials?|notebooks?|demos?|samples?|recipes|courses?|lessons?)$", re.I)
_README = re.compile(r"^readme(\.(md|rst|txt|markdown))?$", re.I)


def is_candidate(path: str) -> bool:
    """A .py / .ipynb / .md file outside tests, vendored and build folders."""
    if not path.lower().endswith(EXTENSIONS):
        return False
    parts = path.split("/")
    if any(p.lower() in SKIP_DIRS or _TEST_DIR.search(p.lower()) for p in parts[:-1]):
        return False
    name = parts[-1]
    return name not in SKIP_NAMES and not _TEST_FILE.search(name)


def is_history_candidate(path: str) -> bool:
    """A candidate file inside an examples/tutorials/notebooks-like folder."""
    return is_candidate(path) and any(_EXAMPLE_DIR.match(p) for p in path.split("/")[:-1])


def imports_dl(data: bytes) -> bool:
    """The cheap byte test: True when the bytes import a deep-learning framework."""
    return DL_IMPORT.search(data) is not None


def unit_test(path: str, data: bytes) -> bool:
    """Whether a ``*_test.py`` file is a unit test (imports a test framework, defines a TestCase or a test)."""
    return _TEST_NAME.search(path) is not None and _UNIT_TEST_CODE.search(data) is not None


def importers_pattern(stems: list[str]) -> re.Pattern[bytes] | None:
    """A byte pattern for code that imports a module named by one of ``stems`` (``from model import``,
    ``import utils.model``): a file that imports no framework but imports the repository's model code."""
    if not stems:
        return None
    names = b"|".join(re.escape(s.encode()) for s in stems[:500] if s.isidentifier())
    if not names:
        return None
    return re.compile(rb"^[ \t]*(?:from[ \t]+[\w.]*?\b(?:" + names + rb")\b|import[ \t]+[\w., \t]*?\b(?:"
                      + names + rb")\b)", re.M)


_SPACE = re.compile(r"\s+")
_MD_CODE = re.compile(r"```.*?```", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]{0,300}>")
_URL = re.compile(r"https?://\S+")


def readme_words(text: str, limit: int = 3000) -> str:
    """README prose for the parser's context: code blocks, links' targets, markup removed."""
    text = _MD_CODE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _URL.sub(" ", text)
    text = re.sub(r"[#*_`>|=-]{2,}", " ", text)
    return _SPACE.sub(" ", text).strip()[:limit]


def nearest_readme(path: str, readmes: dict[str, str]) -> str | None:
    """The README blob of the file's folder, else of the nearest folder above it, else the repo's.

    Tried: only the folder and its parent, and a large repository's root
    README only for its root files. That removed 55 wrong
    ``machine_translation`` tasks in tensorflow/docs (its root README speaks
    of "community translations") but lost the topic of ~100 models of
    single-purpose repositories with many files (time series,
    recommendation), so every ancestor counts.

    Args:
        path: the file's path in the repository.
        readmes: folder ("" for the root) -> README blob.

    Returns:
        The blob id, or None.
    """
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    while True:
        if folder in readmes:
            return readmes[folder]
        if not folder:
            return None
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
