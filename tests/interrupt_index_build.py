"""`examplenet index build`, paused at one chosen point so tests/test_interrupted.py can SIGKILL it there.

``$EXAMPLENET_PAUSE_AT`` names the point: ``start`` (the build called, nothing
locked or read yet), ``embedding`` (the first batch about to be embedded),
``written`` (the new folder complete and synced, before the first rename) or
``swap`` (the old index renamed aside, the new one not yet in place). There
the process writes the point's name to ``$EXAMPLENET_PAUSE_MARK`` and waits
for the kill, so the test kills it at that point exactly, however loaded
the machine is (an earlier version polled for the temporary folder and, when
it missed that window, met a finished build). Without a point the build
runs to its end. The embedder is the tests' HashEmbedder: what is checked is
the build's writing and swapping, not the model.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn


def _pause(point: str) -> NoReturn:
    Path(os.environ["EXAMPLENET_PAUSE_MARK"]).write_text(point)
    while True:
        signal.pause()


def main() -> int:
    import index.build as build
    import index.store as store
    from index.embed import HashEmbedder

    point = os.environ.get("EXAMPLENET_PAUSE_AT", "")
    build.get_embedder = lambda: HashEmbedder()
    if point == "start":
        build.build_index = lambda *a, **k: _pause(point)
    elif point == "embedding":
        real_bulk = build.bulk_embedder

        class Paused:
            def __init__(self, inner: Any) -> None:
                self.inner = inner
                self.dim, self.name = inner.dim, inner.name

            def embed(self, *a: Any, **k: Any) -> Any:
                _pause(point)

        build.bulk_embedder = lambda emb, n: Paused(real_bulk(emb, n))
    elif point == "written":
        store._swap_in = lambda new, target: _pause(point)
    elif point == "swap":
        real_rename = os.rename

        def rename(src: Any, dst: Any, *a: Any, **k: Any) -> None:
            real_rename(src, dst, *a, **k)
            if ".old-" in Path(dst).name:
                _pause(point)

        os.rename = rename
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import cli

    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
