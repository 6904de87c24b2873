"""Shared test setup: the fixture files' loaders, and the browser tests' app, browser and page.

The browser fixtures are written once here for every ``test_*_browser.py``: a module gets the app
over :func:`browser.corpus.tiny_corpus` unless it defines its own ``engine`` fixture, and its
pages wait ``TIMEOUT`` ms (a module-level constant, 30 s unless the module sets another).
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_TIMEOUT = 30_000


def fixture_script(name: str, path: str | None = None):
    """A fixture file loaded as a :class:`~corpus.readers.script.Script` (named ``tests/fixtures/<name>``
    unless ``path`` is given)."""
    from corpus.readers.script import load

    return load((FIXTURES / name).read_bytes(), f"tests/fixtures/{name}" if path is None else path)


def parse_fixture(name: str, **kwargs) -> list:
    """The parser's summaries of a fixture file (``parse_path``'s keyword arguments pass through)."""
    from corpus.readers.parser import parse_path

    return parse_path(FIXTURES / name, **kwargs)


def by_name(summaries) -> dict:
    """Summaries by model name (a later one of the same name wins)."""
    return {s.name: s for s in summaries}


def layer_types(summary) -> list[str]:
    return [layer.type for layer in summary.layers]


# -- browser tests -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def engine():
    """The app's engine over the tiny hand-written corpus (a module may define its own)."""
    from browser.corpus import tiny_corpus

    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    return Engine(ExampleIndex.from_summaries(tiny_corpus(), embedder=HashEmbedder()))


@pytest.fixture(scope="module")
def url(engine):
    """The app served on a free loopback port for the module's tests."""
    from browser.chromium import running_app

    with running_app(engine) as u:
        yield u


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module (it takes seconds to start)."""
    from browser.chromium import chromium

    with chromium() as b:
        yield b


@pytest.fixture()
def page(request, url, browser):
    """A fresh page (its own session) on the app, ready for a question.

    ``page.requests`` holds every URL it asked for, ``page.dialogs`` the messages of the
    dialogs it opened (dismissed), and ``window.__pwned`` starts undefined.
    """
    from browser.chromium import new_page

    with new_page(browser, 1280, 800) as p:
        p.set_default_timeout(getattr(request.module, "TIMEOUT", PAGE_TIMEOUT))
        p.requests = []
        p.on("request", lambda r: p.requests.append(r.url))
        p.dialogs = []
        p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
        p.add_init_script("window.__pwned = undefined")
        p.goto(url)
        p.wait_for_selector("#msg textarea")
        yield p
