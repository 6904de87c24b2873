"""Start the app on a free loopback port and drive it in Debian's headless Chromium.

PyPI playwright drives /usr/bin/chromium (never `playwright install`). The
launch arguments are the team's: no sandbox, no GPU, no background traffic.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import Iterator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's chromium, or None when it is not installed."""
    path = os.environ.get("EXAMPLENET_CHROMIUM", CHROMIUM)
    return path if os.path.exists(path) else shutil.which("chromium")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(engine) -> Iterator[str]:
    """Serve ``app.build_app(engine)`` in this process; yields its URL; closes it after."""
    import app

    demo = app.build_app(engine)
    port = free_port()
    app.launch(demo, port=port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@contextlib.contextmanager
def chromium() -> Iterator:
    """Headless Debian Chromium driven by playwright (one per test module: it takes seconds to start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def new_page(browser, width: int = 1280, height: int = 800) -> Iterator:
    """A page in a fresh browser context (its own cookies: its own app session)."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 800) -> Iterator:
    """A fresh page in its own headless Chromium at the given window size."""
    with chromium() as browser, new_page(browser, width, height) as page:
        yield page
