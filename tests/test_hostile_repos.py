"""Hostile repositories, folders, configs and zips (issue 14): skipped or read within bounds, with a warning.

Each fixture is a small git repository built here with plumbing (``git
mktree`` accepts names a checkout never would: ``..``, control characters,
bytes that are not UTF-8). Every blob that could be read holds a model
whose code, if it were ever run, would write a canary file, and a "secret"
model sits outside the repository behind symlinks: the tests check that
the hostile entries are listed as warnings in the manifest, that the
secret model never appears, and that no canary is written.

The 2 GB file is a real 2 GiB blob of zeros (a 9 MB loose object written in
~5 s here without touching the disk for the 2 GB): the harvest asks its
size and never reads it; the test process's peak memory shows it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import stat
import subprocess
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

from corpus.harvest import gitread
from corpus.harvest import run as harvest
from corpus.harvest.archive import extract_zip
from corpus.harvest.paths import path_problem, shown, walk_files
from corpus.readers.config import load_config

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GIB2 = 2 * 1024 ** 3


def _model(name: str, canary: Path) -> bytes:
    # Harmless when read; writes the canary only if something ran it.
    return (f"import torch\nimport torch.nn as nn\nopen({str(canary)!r}, 'w').write('ran')\n\n"
            f"class {name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            f"        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n").encode()


def _git(cwd: Path, *args: str, input_: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, input=input_, check=True,
                          capture_output=True).stdout.strip()


def _blob(repo: Path, data: bytes) -> str:
    return _git(repo, "hash-object", "-w", "--stdin", input_=data).decode()


def _tree(repo: Path, entries: list[tuple[str, str, str, bytes]]) -> str:
    """``git mktree -z`` of (mode, type, object id, raw name) entries: any name git can store."""
    payload = b"".join(f"{mode} {kind} {oid}\t".encode() + name + b"\0" for mode, kind, oid, name in entries)
    return _git(repo, "mktree", "-z", input_=payload).decode()


def _huge_zero_blob(repo: Path, size: int) -> str:
    """A real blob of ``size`` zero bytes, written as a loose object (git's own id, ~1000:1 deflated)."""
    header = b"blob %d\0" % size
    sha, z = hashlib.sha1(header), zlib.compressobj(1)
    parts = [z.compress(header)]
    chunk = bytes(64 * 1024 * 1024)
    left = size
    while left:
        piece = chunk if left >= len(chunk) else chunk[:left]
        sha.update(piece)
        parts.append(z.compress(piece))
        left -= len(piece)
    parts.append(z.flush())
    oid = sha.hexdigest()
    folder = repo / ".git" / "objects" / oid[:2]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / oid[2:]).write_bytes(b"".join(parts))
    return oid


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """A repository holding one of each hostile entry, beside a secret model outside it."""
    root = tmp_path_factory.mktemp("hostile")
    canary = root / "CANARY"
    secret = root / "secret.py"
    secret.write_bytes(_model("SecretNet", canary))
    repo = root / "eve+hostile"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    m = lambda name: _blob(repo, _model(name, canary))  # noqa: E731
    sub_tree = _tree(repo, [("100644", "blob", m("DotDotNet"), b"x.py")])
    deep_nb = (b'{"cells": [{"cell_type": "code", "source": "import torch"}], "metadata": '
               + b"[" * 100_000 + b"]" * 100_000 + b"}")
    many_cells = b'{"metadata": {"k": "import torch"}, "cells": [' + b"{}," * 999_999 + b"{}]}"
    lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 123456789\n"
    entries = [
        ("100644", "blob", m("GoodNet"), b"good.py"),
        ("100644", "blob", _blob(repo, b"MIT License\n\nPermission is hereby granted, free of charge"), b"LICENSE"),
        ("120000", "blob", _blob(repo, b"/etc/passwd"), b"passwd.py"),
        ("120000", "blob", _blob(repo, b"../../secret.py"), b"secret_link.py"),
        ("040000", "tree", sub_tree, b".."),
        ("100644", "blob", m("EscapeNet"), b"esc\x1b[2Jape.py"),
        ("100644", "blob", m("NewlineNet"), b"new\nline.py"),
        ("100644", "blob", m("LatinNet"), b"caf\xe9.py"),
        ("100644", "blob", _blob(repo, b""), b"Icon\r"),  # macOS folder icons: odd, never read, not listed
        ("160000", "commit", "1" * 40, b"vendor_sub"),
        ("100644", "blob", _blob(repo, lfs), b"weights_model.ipynb"),
        ("100644", "blob", _huge_zero_blob(repo, GIB2), b"huge.py"),
        ("100644", "blob", _blob(repo, deep_nb), b"deep.ipynb"),
        ("100644", "blob", _blob(repo, many_cells), b"many_cells.ipynb"),
    ]
    corrupt = _blob(repo, _model("CorruptNet", canary) * 50)
    loose = repo / ".git" / "objects" / corrupt[:2] / corrupt[2:]
    raw = loose.read_bytes()
    loose.chmod(0o644)
    loose.write_bytes(raw[: len(raw) // 2] + b"garbage")  # git reads its header, then dies inflating it
    entries.append(("100644", "blob", corrupt, b"corrupt.py"))
    tree = _tree(repo, entries)
    commit = _git(repo, "commit-tree", tree, "-m", "hostile", input_=b"").decode()
    _git(repo, "update-ref", "refs/heads/main", commit)
    return {"root": root, "repo": repo, "canary": canary, "commit": Path(commit)}


@pytest.fixture(scope="module")
def harvested(hostile, tmp_path_factory) -> tuple[harvest.HarvestStats, dict, list[dict]]:
    out = tmp_path_factory.mktemp("out") / "summaries.jsonl.gz"
    stats = harvest.harvest([(hostile["repo"], "eve/hostile")], out, workers=1, progress=False)
    manifest = json.loads((out.parent / "manifest.json").read_text(encoding="utf-8"))
    import gzip

    with gzip.open(out, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return stats, manifest, rows


def test_hostile_entries_are_skipped_with_warnings_in_the_manifest(harvested, hostile):
    stats, manifest, rows = harvested
    rec = manifest["repos"][0]
    warnings = "\n".join(rec["warnings"])
    assert "passwd.py: symlink: not followed" in warnings
    assert "secret_link.py: symlink: not followed" in warnings
    assert "../x.py: '..' or '.' in the path" in warnings
    assert "esc\\x1b[2Jape.py: control characters in the name" in warnings
    assert "new\\x0aline.py: control characters in the name" in warnings
    assert "caf\\xe9.py: name is not UTF-8" in warnings
    assert "vendor_sub: submodule: not entered" in warnings
    assert "weights_model.ipynb: Git LFS pointer" in warnings
    assert "huge.py: 2,048.0 MiB, over the 4 MiB limit: not read" in warnings
    assert "corrupt.py: its git object is corrupt: not read" in warnings
    assert "\x1b" not in json.dumps(manifest, ensure_ascii=False) and "Icon" not in warnings
    assert stats.skipped_entries == len(rec["warnings"]) == 10
    # only the one good file gave a model; the secret behind the symlinks never appears
    assert [(r["source"]["path"], r["name"]) for r in rows] == [("good.py", "GoodNet")]
    text = json.dumps(manifest) + json.dumps(rows)
    assert "SecretNet" not in text and "DotDotNet" not in text and "CorruptNet" not in text and "root:" not in text
    assert not hostile["canary"].exists()  # nothing was executed


def test_huge_blob_is_never_read_into_memory(harvested, hostile):
    # ru_maxrss is the peak of this test process (kB on Linux): the 2 GiB blob would be >= 2 GiB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000
    g = gitread.find_git_dir(hostile["repo"])
    files = {f.path: f for f in gitread.list_tree(g, "HEAD")}
    assert files["huge.py"].size == GIB2
    with gitread.BlobReader(g) as rd:
        assert rd.read_capped(files["huge.py"].blob) == (None, "too_big")
        assert rd.read(files["good.py"].blob).startswith(b"import torch")  # the stream stays in step
        assert rd.read_capped("HEAD:good.py") == (None, "missing")  # object ids only, no revision syntax


def test_broken_notebooks_are_read_within_bounds(harvested):
    stats, manifest, _ = harvested
    files = {f["path"]: f for f in manifest["repos"][0]["files"]}
    # 100,000 levels of nesting: refused by the notebook reader, a clean failure (bad input, not a bug)
    assert files["deep.ipynb"]["status"] == "failed" and "could not read deep.ipynb" in files["deep.ipynb"]["error"]
    # a million (empty) cells: read, no model
    assert files["many_cells.ipynb"]["status"] == "empty"
    assert stats.internal_errors == 0 and stats.timeouts == 0
    assert manifest["totals"]["internal_errors"] == 0


def test_tree_listing_stops_at_its_cap(hostile):
    g = gitread.find_git_dir(hostile["repo"])
    skipped: list[tuple[str, str]] = []
    files = gitread.list_tree(g, "HEAD", skipped, max_entries=3)
    assert len(files) <= 3
    assert skipped[-1][1].startswith("tree has more than 3 entries")


def test_path_policy():
    for bad in ("../x.py", "a/../../x.py", "/etc/passwd", "C:/x.py", "a/./b.py", "a//b.py", ".git/config",
                "a\x1b[31m.py", "a\nb.py", "caf\udce9.py", "x" * 2000):
        assert path_problem(bad), bad
    for good in ("examples/mnist/train.py", "notebooks/GAN (1).ipynb", "docs/über.md", "a..b.py"):
        assert path_problem(good) is None, good
    assert shown("a\x1b[2Jb\n") == "a\\x1b[2Jb\\x0a"


# -- examplenet parse DIR on a checkout folder -----------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_parse_dir_never_leaves_the_folder(tmp_path: Path):
    canary = tmp_path / "CANARY"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_bytes(_model("SecretNet", canary))
    (outside / "pkg").mkdir()
    (outside / "pkg" / "other.py").write_bytes(_model("OtherSecretNet", canary))
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "good.py").write_bytes(_model("GoodNet", canary))
    (work / "inside_link.py").symlink_to(work / "good.py")
    (work / "secret_link.py").symlink_to(outside / "secret.py")
    (work / "passwd.py").symlink_to("/etc/passwd")
    (work / "up.py").symlink_to("../outside/secret.py")
    (work / "linked_dir").symlink_to(outside / "pkg")
    (work / "loop.py").symlink_to(work / "loop.py")
    os.mkfifo(work / "fifo.py")  # opening it would block for ever
    (work / "esc\x1b[2J.py").write_bytes(_model("EscNet", canary))
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "parse", str(work)], capture_output=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    names = sorted(json.loads(line)["name"] for line in proc.stdout.decode().splitlines())
    # good.py; the symlink to it, inside the folder, is that file where an import names it (as in the
    # harvest), not a second file read for models
    assert names == ["GoodNet"]
    err = proc.stderr.decode()
    for name, why in [("secret_link.py", "symlink out of the folder"), ("passwd.py", "symlink out of the folder"),
                      ("up.py", "symlink out of the folder"), ("fifo.py", "not a regular file"),
                      ("loop.py", "cannot read"), ("esc\\x1b[2J.py", "control characters in the name")]:
        assert f"{name}: skipped ({why}" in err, (name, err)
    assert "\x1b" not in err and "Secret" not in proc.stdout.decode()
    assert not canary.exists()


def test_walk_files_skips_non_utf8_names(tmp_path: Path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    bad = os.fsencode(tmp_path) + b"/caf\xe9.py"
    try:
        with open(bad, "wb") as fh:
            fh.write(b"x = 1\n")
    except OSError:
        pytest.skip("this filesystem refuses names that are not UTF-8")
    got = list(walk_files(tmp_path, (".py",)))
    assert [p.name for p, w in got if p] == ["ok.py"]
    assert any(w and "caf\\xe9.py: skipped (name is not UTF-8)" in w for _, w in got)


# -- config files: plain data only, within bounds -----------------------------------

def test_config_tags_are_refused_and_nothing_runs(tmp_path: Path):
    canary = tmp_path / "CANARY"
    for doc in (f"!!python/object/apply:os.system ['touch {canary}']",
                f"cfg: !!python/object/apply:builtins.exec [\"open('{canary}', 'w')\"]",
                f"cfg: !!python/object/new:subprocess.Popen [['touch', '{canary}']]",
                "lr: !custom 0.1"):
        res = load_config(doc.encode(), "config.yaml")
        assert res.value is None and "refused" in res.warnings[0], doc
    assert not canary.exists()
    ok = load_config(b"model:\n  lr: 0.001\n  layers: [64, 64]\ndefaults: &d {epochs: 5}\nrun: *d\n", "c.yml")
    assert ok.value == {"model": {"lr": 0.001, "layers": [64, 64]}, "defaults": {"epochs": 5},
                        "run": {"epochs": 5}} and not ok.warnings


def test_config_bombs_are_refused_before_they_expand():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
    res = load_config(laughs.encode(), "laughs.yaml")  # 9**10 values once expanded
    assert res.value is None and "once its aliases are expanded" in res.warnings[0]
    assert "refers to the structure" in load_config(b"&a [*a]", "loop.yaml").warnings[0]
    for name, data in [("deep.yaml", b"[" * 100_000 + b"]" * 100_000), ("deep.json", b"[" * 100_000 + b"]" * 100_000),
                       ("deep.toml", b"a = " + b"[" * 100_000 + b"]" * 100_000)]:
        res = load_config(data, name)
        assert res.value is None and "nested deeper than" in res.warnings[0], name
    assert "over the" in load_config(b"a: 1\n" * 300_000, "big.yaml").warnings[0]
    assert "not valid JSON" in load_config(b"{", "c.json").warnings[0]
    assert load_config(b"[a]\nlr = 0.1\n", "c.toml").value == {"a": {"lr": 0.1}}


# -- zip uploads: extracted only inside the folder, within bounds -----------------

def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # a duplicate name is one of the hostile cases
        for info, data in entries:
            z.writestr(info, data)
    return buf.getvalue()


def test_zip_entries_that_escape_are_skipped(tmp_path: Path):
    link = zipfile.ZipInfo("link.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _zip([("proj/model.py", b"import torch\n"), ("../evil.py", b"x"), ("a/../../evil2.py", b"x"),
                 ("/abs.py", b"x"), ("a\\..\\evil3.py", b"x"), (link, b"/etc/passwd"), ("esc\x1b.py", b"x"),
                 (".git/hooks/post-checkout", b"x"), ("proj/model.py", b"dup")])
    dest = tmp_path / "up"
    dest.mkdir()
    res = extract_zip(io.BytesIO(data), dest)
    assert res.files == [dest / "proj" / "model.py"] and res.files[0].read_bytes() == b"import torch\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == \
        ["up", "up/proj", "up/proj/model.py"]
    text = "\n".join(res.warnings)
    for what in ("../evil.py: '..'", "a/../../evil2.py: '..'", "/abs.py: absolute path", "a\\..\\evil3.py: '..'",
                 "link.py: symlink", "esc\\x1b.py: control characters", ".git/hooks/post-checkout: '.git'",
                 "proj/model.py: a second entry"):
        assert what in text, what


def test_zip_bombs_and_caps(tmp_path: Path):
    bomb = _zip([("zeros.py", bytes(3_000_000)), ("ok.py", b"import torch\n")])  # ~1000:1, under the size cap
    dest = tmp_path / "a"
    dest.mkdir()
    res = extract_zip(io.BytesIO(bomb), dest)
    assert [p.name for p in res.files] == ["ok.py"]
    assert "zeros.py: compressed" in res.warnings[0] and "over the 200:1 limit" in res.warnings[0]
    many = _zip([(f"m{i}.py", b"x = 1\n") for i in range(30)])
    dest = tmp_path / "b"
    dest.mkdir()
    res = extract_zip(io.BytesIO(many), dest, max_entries=10, max_total_bytes=30)
    assert len(res.files) == 5 and "30 entries, over the 10 limit" in res.warnings[0]
    assert "pass 30 bytes in all" in res.warnings[1]
    dest = tmp_path / "c"
    dest.mkdir()
    assert "not a readable zip" in extract_zip(io.BytesIO(b"PK\x03\x04garbage"), dest).warnings[0]


def test_a_repository_config_that_would_run_commands_is_never_triggered(tmp_path: Path, monkeypatch):
    # git runs commands named in a repository's own config for some operations (fsmonitor on
    # index reads, an external diff, a pager, hooks): the plumbing the harvest uses triggers none.
    canary = tmp_path / "CANARY"
    repo = tmp_path / "mallory+cfg"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "examples").mkdir()
    (repo / "examples" / "old.py").write_bytes(_model("OldNet", canary))
    (repo / "train.py").write_bytes(_model("TrainNet", canary))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")
    _git(repo, "rm", "-q", "examples/old.py")
    _git(repo, "commit", "-q", "-m", "two")
    hook = f"touch {canary}"
    hooks = repo / "hooks"
    hooks.mkdir()
    for name in ("post-checkout", "post-merge", "pre-commit", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\n{hook}\n")
        (hooks / name).chmod(0o755)
    for key, value in [("core.fsmonitor", hook), ("core.pager", hook), ("diff.external", hook),
                       ("core.hooksPath", str(hooks)), ("diff.python.textconv", hook),
                       ("core.askPass", hook), ("credential.helper", f"!{hook}")]:
        _git(repo, "config", key, value)
    (repo / ".gitattributes").write_text("*.py diff=python\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    out = tmp_path / "o" / "summaries.jsonl.gz"
    st = harvest.harvest([(repo, "mallory/cfg")], out, workers=1, progress=False, history=True,
                         parser="harvest_stub_parser:parse_bytes")
    assert st.models == 2  # TrainNet at HEAD, OldNet from history
    assert not canary.exists()
    subprocess.run(["git", "status"], cwd=repo, capture_output=True)  # porcelain does trigger it:
    assert canary.exists()  # the trap was armed


# -- hostile configuration files, read by the repository pass (repo_context), in all three paths --

_CONFIG_TRAIN = """import json
import torch
import torch.nn as nn
import yaml

open({canary!r}, "w").write("ran")
cfg = yaml.safe_load(open("config.yaml"))
tags = yaml.safe_load(open("tags.yaml"))
laughs = yaml.safe_load(open("laughs.yaml"))
deep = json.load(open("deep.json"))
huge = yaml.safe_load(open("huge.yaml"))
broken = yaml.safe_load(open("broken.yaml"))


class ConfNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, cfg["hidden"])

    def forward(self, x):
        return self.fc(x)


model = ConfNet()
opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
for epoch in range(tags["epochs"]):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
"""


def _hostile_configs(canary: Path) -> dict[str, bytes]:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
    return {
        "train.py": _CONFIG_TRAIN.format(canary=str(canary)).encode(),
        "config.yaml": b"lr: 0.01\nhidden: 8\n",
        "tags.yaml": f"epochs: !!python/object/apply:os.system ['touch {canary}']\n".encode(),
        "laughs.yaml": laughs.encode(),  # 9**10 values once expanded
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "huge.yaml": b"k: " + b"v" * (3 * 1024 * 1024) + b"\n",  # over every config bound (1 MiB)
    }


_CONFIG_WARNINGS = ("tags.yaml: refused", "laughs.yaml: more than 100,000 values once its aliases are expanded",
                    "deep.json: nested deeper than 64 levels")


def test_hostile_configs_in_a_harvested_repository_are_refused_with_warnings_in_the_manifest(tmp_path: Path):
    canary = tmp_path / "CANARY"
    repo = tmp_path / "eve+configs"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    files = _hostile_configs(canary)
    entries = [("100644", "blob", _blob(repo, data), name.encode()) for name, data in files.items()]
    # a config whose git object is corrupt: git dies inflating it (this was a KeyError, an internal error)
    broken = _blob(repo, "".join(f"key{i}: {i * 7919 % 10007}\n" for i in range(3000)).encode())
    loose = repo / ".git" / "objects" / broken[:2] / broken[2:]
    raw = loose.read_bytes()
    loose.chmod(0o644)
    loose.write_bytes(raw[: len(raw) // 2] + b"garbage")
    entries.append(("100644", "blob", broken, b"broken.yaml"))
    commit = _git(repo, "commit-tree", _tree(repo, entries), "-m", "configs", input_=b"").decode()
    _git(repo, "update-ref", "refs/heads/main", commit)
    out = tmp_path / "out" / "summaries.jsonl.gz"
    stats = harvest.harvest([(repo, "eve/configs")], out, workers=1, progress=False)
    manifest = json.loads((out.parent / "manifest.json").read_text(encoding="utf-8"))
    rec = manifest["repos"][0]
    text = "\n".join(rec.get("warnings", []))
    for what in (*_CONFIG_WARNINGS, "huge.yaml: 3.0 MiB, over the 1 MiB limit: not read",
                 "broken.yaml: its git object is corrupt: not read"):
        assert what in text, (what, text)
    assert stats.internal_errors == 0 and manifest["totals"]["internal_errors"] == 0
    import gzip

    with gzip.open(out, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    # the model is read, with the values of the one sound config
    assert [(r["name"], r["hyperparameters"]["learning_rate"]) for r in rows] == [("ConfNet", 0.01)]
    assert not canary.exists()


def _config_folder(root: Path, canary: Path) -> Path:
    work = root / "checkout"
    work.mkdir()
    for name, data in _hostile_configs(canary).items():
        (work / name).write_bytes(data)
    return work


def test_hostile_configs_in_parse_dir_are_refused_with_warnings(tmp_path: Path):
    canary = tmp_path / "CANARY"
    work = _config_folder(tmp_path, canary)
    deep_nb = b'{"cells": [{"cell_type": "code", "source": "import torch"}], "metadata": ' + \
        b"[" * 100_000 + b"]" * 100_000 + b"}"
    (work / "deep.ipynb").write_bytes(deep_nb)
    (work / "many_cells.ipynb").write_bytes(b'{"metadata": {"k": "import torch"}, "cells": ['
                                            + b"{}," * 999_999 + b"{}]}")
    with open(work / "weights.py", "wb") as fh:  # a sparse 2 GiB file: its size is asked, it is never read
        fh.truncate(GIB2)
    (work / "model.ipynb").write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64
                                       + b"\nsize 123456789\n")
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "parse", str(work)], capture_output=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.decode()
    for what in (*_CONFIG_WARNINGS, "huge.yaml: 3,145,732 bytes, over the", "weights.py: over 4 MiB: not read",
                 "could not read deep.ipynb", "model.ipynb: Git LFS pointer"):
        assert what in err, (what, err)
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(r["name"], r["hyperparameters"]["learning_rate"]) for r in rows if r["parse"]["status"] != "failed"] \
        == [("ConfNet", 0.01)]
    assert "internal error" not in err
    # the child never held the 2 GiB file (ru_maxrss: the biggest child waited for, kB on Linux)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_500_000
    assert not canary.exists()


def test_hostile_configs_in_an_uploaded_zip_are_refused_and_reported(tmp_path: Path):
    from assistant.compare_cli import read_zip
    from assistant.session import read_zip_model

    canary = tmp_path / "CANARY"
    files = _hostile_configs(canary)
    files["notebooks/deep.ipynb"] = (b'{"cells": [{"cell_type": "code", "source": "import torch"}], "metadata": '
                                     + b"[" * 100_000 + b"]" * 100_000 + b"}")
    upload = tmp_path / "project.zip"
    stored = []  # stored, not deflated: else the ratio cap (200:1) would refuse the repetitive ones first
    for name, data in files.items():
        info = zipfile.ZipInfo(f"project/{name}")
        info.compress_type = zipfile.ZIP_STORED
        stored.append((info, data))
    lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"b" * 64 + b"\nsize 9\n"
    upload.write_bytes(_zip([*stored, ("../evil.py", b"x"), ("project/lfs_model.py", lfs)]))
    summaries, notes = read_zip(upload)
    text = "\n".join(notes)
    for what in ("../evil.py: '..'", *_CONFIG_WARNINGS, "huge.yaml: 3,145,732 bytes, over the",
                 "deep.ipynb: could not read deep.ipynb", "lfs_model.py: Git LFS pointer"):
        assert what in text, (what, text)
    assert [(s.name, s.hyperparameters.learning_rate) for s in summaries if s.layers] == [("ConfNet", 0.01)]
    model, note = read_zip_model(str(upload))
    assert model is not None and model.name == "ConfNet"
    assert "../evil.py" in note and "deep.json: nested deeper" in note  # the user is told what was left out
    assert not canary.exists()


def test_a_bug_in_the_repository_pass_is_counted_as_an_internal_error(tmp_path: Path, monkeypatch):
    # The join runs after every file of a repository was parsed; a bug there keeps the files as read
    # (one bug must not lose a repository) and is counted in the stats and the manifest like a parser's.
    import corpus.readers.repository as repository

    def broken_join(*a, **k):
        raise RuntimeError("join broke on purpose")

    monkeypatch.setattr(repository, "join", broken_join)
    repo = tmp_path / "eve+joinbug"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    entries = [("100644", "blob", _blob(repo, _model("JoinNet", tmp_path / "CANARY")), b"net.py")]
    _git(repo, "update-ref", "refs/heads/main",
         _git(repo, "commit-tree", _tree(repo, entries), "-m", "one", input_=b"").decode())
    out = tmp_path / "out" / "summaries.jsonl.gz"
    stats = harvest.harvest([(repo, "eve/joinbug")], out, workers=1, progress=False)
    manifest = json.loads((out.parent / "manifest.json").read_text(encoding="utf-8"))
    assert stats.internal_errors == 1 and manifest["totals"]["internal_errors"] == 1
    assert manifest["repos"][0]["internal_error"].startswith(
        "internal error: repository pass: RuntimeError: join broke on purpose")
    lines = "\n".join(stats.lines())
    assert "internal errors: 1 " in lines and "eve/joinbug:(repository pass)" in lines
    assert stats.models == 1  # the file's model is kept as read


def test_deep_flow_brackets_are_refused_before_yaml_scans_them(monkeypatch):
    # PyYAML's scanner is quadratic in the depth of [ and { (1 MB of "[" would take minutes of CPU in
    # a zip upload): that depth is counted on the characters first, and YAML never sees the file.
    import corpus.readers.config as config

    def scanned(*a, **k):
        raise AssertionError("the YAML scanner was given the file")

    monkeypatch.setattr(config.yaml, "parse", scanned)
    for data in (b"[" * 500_000 + b"]" * 500_000, b"a: " + b"{b: " * 200_000 + b"}" * 200_000,
                 b"x: [" * 70 + b"1" + b"]" * 70):
        res = load_config(data, "deep.yaml")
        assert res.value is None and "nested deeper than 64 levels" in res.warnings[0]
    monkeypatch.undo()
    assert load_config(b"a: [1, {b: [2, 3]}]\nre: '[a-z'\n", "ok.yaml").value == {"a": [1, {"b": [2, 3]}],
                                                                                    "re": "[a-z"}
