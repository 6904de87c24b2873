"""Size limits: oversized code is refused with a clear message, quickly, never parsed (issue 6, item 3).

The limits: a pasted or uploaded model up to ``session.MAX_MODEL_BYTES``
(200 kB; the upload itself is refused by Gradio above ``app.MAX_UPLOAD``,
2 MB); ``examplenet compare`` up to ``compare_cli.MAX_FILE_BYTES`` (5 MB);
``examplenet parse`` up to ``parser.MAX_FILE_BYTES`` (32 MB, of which the
first 128 KB of code are analysed). "Clear" means the message names the
limit and a size over it, so the user knows what to change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser.corpus import FLAWED_KERAS_MODEL

from assistant import session
from assistant.compare_cli import MAX_FILE_BYTES as COMPARE_LIMIT
from corpus.readers.parser import MAX_FILE_BYTES as PARSE_LIMIT

ROOT = Path(__file__).resolve().parents[1]
LIMIT = session.MAX_MODEL_BYTES
# A subprocess that takes longer than this has hung; the limits answer at once.
HANG = 120


def stated_sizes(message: str) -> list[float]:
    """Every size a message states, in kB (``200 kB``, ``6.3 MB``), in order."""
    scale = {"kb": 1.0, "mb": 1000.0}
    return [float(n) * scale[u.lower()] for n, u in re.findall(r"(\d+(?:\.\d+)?)\s*(kB|MB)", message, re.I)]


def padded(model: str, size: int) -> bytes:
    """``model`` followed by comment lines up to exactly ``size`` bytes."""
    data = model.encode()
    filler = b"# padding\n" * ((size - len(data)) // 10 + 1)
    return (data + filler)[:size - 1] + b"\n"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("examplenet")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, timeout=HANG,
                          env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"})


# ---------------------------------------------------------------------------
# The web app's limit, through the function behind Compare


def test_a_model_at_the_limit_is_read() -> None:
    model, note = session.read_model(padded(FLAWED_KERAS_MODEL, LIMIT), "at_limit.py")
    assert model is not None, note
    assert [layer.type for layer in model.layers][:2] == ["Flatten", "Dense"]


@pytest.mark.parametrize("size", [LIMIT + 1, 2 * LIMIT, 50_000_000])
def test_code_over_the_limit_is_refused_with_the_limit_named(size: int) -> None:
    model, note = session.read_model(padded(FLAWED_KERAS_MODEL, size), "big.py")
    assert model is None
    assert "the limit is 200 kB" in note
    assert "Paste just the model definition" in note  # says what to do


def test_refusal_happens_before_parsing(monkeypatch) -> None:
    import corpus.readers.parser

    def boom(*args, **kwargs):
        raise AssertionError("oversized code reached the parser")

    monkeypatch.setattr(corpus.readers.parser, "parse_bytes", boom)
    model, note = session.read_model(b"x = 1\n" * 10_000_000, "huge.py")
    assert model is None and "limit" in note


def test_the_refusal_states_a_size_over_the_limit() -> None:
    _, note = session.read_model(padded(FLAWED_KERAS_MODEL, LIMIT + 1), "big.py")
    sizes = stated_sizes(note)
    assert len(sizes) >= 2 and sizes[0] > sizes[1], note


def test_the_note_on_a_file_of_many_models_stays_short() -> None:
    data = (FLAWED_KERAS_MODEL.encode() * 300)[:LIMIT - 1000]
    model, note = session.read_model(data, "many.py")
    assert model is not None
    assert len(note) < 400, f"{len(note)} characters: {note[:200]}..."


@pytest.fixture(scope="module")
def app_url():
    from browser.chromium import running_app
    from browser.corpus import tiny_corpus

    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    engine = Engine(ExampleIndex.from_summaries(tiny_corpus(), embedder=HashEmbedder()))
    with running_app(engine) as url:
        yield url


def compare_upload(url: str, path: Path) -> str:
    """Upload ``path`` through the app's API (as the upload control does) and return the findings text."""
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, httpx_kwargs={"timeout": HANG})
    out = client.predict("", handle_file(str(path)), [], api_name="/compare")
    return str(out[-2])  # the findings Markdown (the last output is the model's layer flow)


def test_an_upload_over_the_limit_is_refused_through_the_app(app_url: str, tmp_path: Path) -> None:
    path = tmp_path / "big_model.py"
    path.write_bytes(padded(FLAWED_KERAS_MODEL, 900_000))
    text = compare_upload(app_url, path)
    assert "the limit is 200 kB" in text, text


def test_an_upload_over_the_limit_is_reported_with_its_real_size(app_url: str, tmp_path: Path) -> None:
    path = tmp_path / "big_model.py"
    path.write_bytes(padded(FLAWED_KERAS_MODEL, 900_000))
    text = compare_upload(app_url, path)
    sizes = stated_sizes(text)
    assert sizes and sizes[0] >= 800, text


# ---------------------------------------------------------------------------
# The command line


def test_parse_refuses_a_40_mb_file_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "huge.py"
    path.write_bytes(b"x = 1  # filler\n" * 2_500_000)  # 40 MB of valid Python
    assert path.stat().st_size > PARSE_LIMIT
    out = run_cli("parse", str(path), cwd=tmp_path)
    assert "over the 32 MB limit" in out.stderr and "not parsed" in out.stderr, out.stderr
    assert '"status": "failed"' in out.stdout  # the record says so too, for a harvest


def test_compare_refuses_a_file_over_its_limit_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "big_model.py"
    path.write_bytes(padded(FLAWED_KERAS_MODEL, COMPARE_LIMIT + 1000))
    # no index is needed: the size is checked first
    out = run_cli("compare", str(path), "--index-dir", str(tmp_path / "no-index"), cwd=tmp_path)
    assert out.returncode != 0 and out.stdout == ""
    assert "compare reads model scripts up to 5 MB" in out.stderr, out.stderr


def test_compare_states_a_size_over_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "big_model.py"
    path.write_bytes(padded(FLAWED_KERAS_MODEL, COMPARE_LIMIT + 1000))
    out = run_cli("compare", str(path), "--index-dir", str(tmp_path / "no-index"), cwd=tmp_path)
    sizes = stated_sizes(out.stderr)
    assert len(sizes) >= 2 and sizes[0] > sizes[1], out.stderr  # its size, then the limit
