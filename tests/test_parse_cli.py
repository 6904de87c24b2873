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


def test_parse_dir_reads_one_repository_with_its_git_metadata(tmp_path, capsys):
    import subprocess

    from tests.test_repository import FILES

    for path, data in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "remote", "add", "origin", "https://github.com/someone/project.git"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    assert main(["parse", str(tmp_path)]) == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    net = rows["Net"]["source"]
    assert net["path"] == "pkg/models.py" and net["train_path"] == "train.py"  # relative to the folder
    assert net["repo"] == "someone/project" and net["commit"] == head
    assert net["train_url"].startswith(f"https://github.com/someone/project/blob/{head}/train.py#L")


def test_parse_dir_outside_a_checkout_has_no_repo_unless_given(tmp_path, capsys):
    from tests.test_repository import FILES

    for path, data in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    assert main(["parse", str(tmp_path)]) == 0
    net = next(r for r in map(json.loads, capsys.readouterr().out.splitlines()) if r["name"] == "Net")
    assert net["source"]["repo"] is None and net["source"]["url"] is None
    assert main(["parse", "--repo", "me/mine", str(tmp_path)]) == 0
    net = next(r for r in map(json.loads, capsys.readouterr().out.splitlines()) if r["name"] == "Net")
    assert net["source"]["repo"] == "me/mine" and net["source"]["url"].startswith("https://github.com/me/mine/")
