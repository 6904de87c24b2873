"""The harvest stub parser, slowed down and counting its calls (tests/test_interrupted.py).

Each call appends the file's path to ``$EXAMPLENET_PARSE_LOG`` (one short
O_APPEND write, so lines from both workers never mix) and sleeps
``$EXAMPLENET_PARSE_SLEEP`` seconds, so a kill lands while files are parsed
and the test can count how many were parsed twice.
"""

from __future__ import annotations

import os
import time

from harvest_stub_parser import parse_bytes as _stub


def parse_bytes(data: bytes, path: str, **kwargs):
    log = os.environ.get("EXAMPLENET_PARSE_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (path + "\n").encode())
        finally:
            os.close(fd)
    time.sleep(float(os.environ.get("EXAMPLENET_PARSE_SLEEP", "0")))
    return _stub(data, path, **kwargs)
