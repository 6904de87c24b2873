"""`examplenet parse`: JSON Lines on stdout, warnings on stderr, folders walked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli import main

FIX = Path(__file__).parent / "fixtures"


def test_parse_folder_prints_one_json_line_per_model(tmp_path, capsys):
    shutil.copy(FIX / "keras_gan.py", tmp_path / "gan.py")
    shutil.copy(FIX / "tf_raw_convnet.py", tmp_path / "raw.py")
    (tmp_path / "notes.txt").write_text("not parsed")
    (tmp_path / "bad.py").write_bytes(b"\x00\x01\x02binary")
    hidden = tmp_path / ".venv"
    hidden.mkdir()
    shutil.copy(FIX / "keras_gan.py", hidden / "skip.py")
    assert main(["parse", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    names = sorted(r["name"] for r in rows)
    assert names == ["bad.py", "conv_net", "discriminator", "generator"]
    bad = next(r for r in rows if r["name"] == "bad.py")
    assert bad["parse"]["status"] == "failed"
    assert "binary" in err and "4 file(s)" not in err and "3 file(s)" in err


def test_missing_path_is_an_error_not_a_crash(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.py")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_pretty_output(tmp_path, capsys):
    shutil.copy(FIX / "keras_sequential_list.py", tmp_path / "m.py")
    assert main(["parse", "--pretty", str(tmp_path / "m.py")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n") and json.loads(out)["layers"][0]["type"] == "Flatten"
