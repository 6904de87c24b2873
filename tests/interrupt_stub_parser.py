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
from harvest_stub_parser import parse_in_order as _in_order


def parse_bytes(data: bytes, path: str, **kwargs):
    _log_and_sleep(path)
    return _stub(data, path, **kwargs)


def parse_in_order(data: bytes, path: str, *, context, **kwargs):
    """As the harvest stub's ``parse_in_order``: names say in which order one process read the repository."""
    _log_and_sleep(path)
    return _in_order(data, path, context=context, **kwargs)


def _log_and_sleep(path: str) -> None:
    log = os.environ.get("EXAMPLENET_PARSE_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (path + "\n").encode())
        finally:
            os.close(fd)
    time.sleep(float(os.environ.get("EXAMPLENET_PARSE_SLEEP", "0")))
