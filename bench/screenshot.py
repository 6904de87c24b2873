"""Take the README's screenshot: the app at 1280x800 on the shipped corpus.

    .venv/bin/python bench/screenshot.py [--out docs/screenshot.png] [--question "..."]

Serves the app in this process on a free 127.0.0.1 port (building the index
when it is missing), asks one question in Debian's headless Chromium and
saves the page once the layer flow and the table have drawn.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser.chromium import chromium, running_app  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    ap.add_argument("--question", default="classify movie reviews as positive or negative with keras")
    args = ap.parse_args()
    import app

    engine = app.load_engine()
    if engine.error:
        raise SystemExit(engine.error)
    with running_app(engine) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.locator("#msg textarea").fill(args.question)
        page.locator("#msg textarea").press("Enter")
        page.wait_for_selector("#sankey .js-plotly-plot", timeout=120_000)
        page.wait_for_timeout(1500)  # let plotly finish its layout transition
        page.screenshot(path=args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
