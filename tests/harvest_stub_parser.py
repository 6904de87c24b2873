"""A stand-in for corpus.readers.parser.parse_bytes, for the harvest tests only.

It finds models by two regular expressions (a ``class X(nn.Module)`` and a
``name = Sequential(``), so the harvest's own behaviour (git reading,
filtering, dedup, ordering, resume, timeouts) is tested apart from the parser.
Markers in a file drive the odd cases: ``STUB_HANG`` sleeps forever, ``STUB_SPIN`` computes forever,
``STUB_SLOW`` sleeps three seconds (waiting, not computing) then reads the file,
``STUB_CRASH`` raises, ``STUB_PARTIAL`` gives a partial summary, ``STUB_OBJECT`` a value JSON cannot hold.
"""

from __future__ import annotations

import re
import time

from corpus.record.summary import Layer, ParseInfo, Source, Summary, github_url, make_id

_MODEL = re.compile(rb"^[ \t]*\"?class (\w+)\(nn\.Module\)|^[ \t]*\"?(\w+) = (?:keras\.)?Sequential\(", re.M)


def parse_bytes(data: bytes, path: str, *, repo=None, commit=None, license=None, context_text=None):
    if b"STUB_HANG" in data:
        time.sleep(3600)
    if b"STUB_SPIN" in data:
        while True:
            pass
    if b"STUB_SLOW" in data:
        time.sleep(3)
    if b"STUB_CRASH" in data:
        raise RuntimeError("stub parser crashed on purpose")
    if b"\x00" in data:
        return [Summary(id=make_id(repo, commit, path, path, 0), name=path.rsplit("/", 1)[-1],
                        source=Source(repo=repo, commit=commit, path=path, license=license),
                        parse=ParseInfo("failed", ["binary data"]))]
    out = []
    weird = {"units": object()} if b"STUB_OBJECT" in data else {}
    for m in _MODEL.finditer(data):
        name = (m.group(1) or m.group(2)).decode()
        line = data.count(b"\n", 0, m.start()) + 1
        framework = "pytorch" if m.group(1) else "keras"
        src = Source(repo=repo, commit=commit, path=path, license=license, line_start=line, line_end=line + 3)
        if repo:
            src.url = github_url(repo, commit, path, line, line + 3)
        status = "partial" if b"STUB_PARTIAL" in data else "ok"
        task = "unknown"
        if context_text and "digits" in context_text.lower():
            task = "image_classification"
        # a Sequential gets two layers: one layer built in a script and never trained is a shape
        # demonstration, which the repository pass drops
        layers = [Layer("Dense", "nn.Linear", args=dict(weird)) for _ in range(1 if m.group(1) else 2)]
        out.append(Summary(id=make_id(repo, commit, path, name, line), name=name, source=src,
                           framework=framework, task=task, layers=layers, parse=ParseInfo(status, [])))
    return out


def parse_bytes_v2(data: bytes, path: str, **kw):
    """The stub as a newer parser would answer: the same models, their names marked ``_v2``."""
    out = parse_bytes(data, path, **kw)
    for s in out:
        s.name += "_v2"
    return out


def parse_in_order(data: bytes, path: str, *, context, **kw):
    """The stub, each model's name marked with how many files its repository context was given before
    this one: the order in which one process read the repository."""
    seen = context.__dict__.setdefault("stub_seen", [])
    out = parse_bytes(data, path, **kw)
    for s in out:
        s.name += f"_after{len(seen)}"
    seen.append(path)
    return out
