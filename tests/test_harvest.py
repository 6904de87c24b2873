"""The harvest: git plumbing, licenses, filtering, dedup, ordering, resume, time bounds.

Repositories are tiny git repos built in tmp_path from the fixture scripts
in tests/fixtures/harvest (written for these tests). The parser is a stub
(tests/harvest_stub_parser.py) so these tests check the harvest alone; one
test at the end runs the real parser when it is present.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.harvest import gitread
from corpus.harvest import run as harvest
from corpus.harvest.licenses import license_of_text, pick_license_file

TESTS = Path(__file__).resolve().parent
FIX = TESTS / "fixtures" / "harvest"
STUB = "harvest_stub_parser:parse_bytes"

MIT = ("MIT License\n\nCopyright (c) 2020 Someone\n\nPermission is hereby granted, free of charge, "
       "to any person obtaining a copy\nof this software ...\n")
APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n"
BSD3 = ("Redistribution and use in source and binary forms, with or without modification, are permitted\n"
        "3. Neither the name of the copyright holder nor the names of its contributors may be used\n")
BSD2 = "Redistribution and use in source and binary forms, with or without\nmodification, are permitted\n"
GPL3 = "GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007\n"
LGPL3 = "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n ... the GNU General Public License ...\n"


@pytest.fixture(autouse=True)
def _stub_importable(monkeypatch):
    # spawned workers (and dask workers) must import the stub parser
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def make_repo(root: Path, name: str, commits: list[dict[str, str | bytes | None]],
              bare: bool = True) -> Path:
    """A repo ``owner/name`` with the given commits (path -> content, None deletes).

    Returns the fetch-style mirror folder ``root/owner+name`` (bare ``repo``
    inside), or the work tree when ``bare`` is False.
    """
    work = root / "src" / name.replace("/", "+")
    work.mkdir(parents=True)
    _git(work, "init", "-q", "-b", "main")
    for i, files in enumerate(commits):
        for path, content in files.items():
            p = work / path
            if content is None:
                _git(work, "rm", "-q", path)
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
            _git(work, "add", path)
        _git(work, "commit", "-q", "-m", f"commit {i}")
    if not bare:
        return work
    mirror = root / "mirror" / name.replace("/", "+")
    _git(root, "clone", "-q", "--bare", str(work), str(mirror / "repo"))
    return mirror


def fx(name: str) -> str:
    return (FIX / name).read_text()


@pytest.fixture
def two_repos(tmp_path: Path) -> tuple[Path, Path]:
    """A collection (3 DL files, MIT) and a project that vendors one of its files."""
    big = make_repo(tmp_path, "alice/dl-examples", [{
        "LICENSE": MIT,
        "README.md": "# Examples\n",
        "mnist/README.md": fx("README.md"),
        "mnist/torch_mnist.py": fx("torch_mnist.py"),
        "tabular/keras_mlp.py": fx("keras_mlp.py"),
        "gan/torch_gan.ipynb": fx("torch_gan.ipynb"),
        "mnist/plot_utils.py": fx("plot_utils.py"),
        "tests/test_model.py": fx("torch_mnist.py"),
    }])
    # the vendored copy differs only in comments and blank lines
    vendored = "# copied from alice/dl-examples\n\n" + fx("torch_mnist.py").replace("\n\n\n", "\n\n")
    small = make_repo(tmp_path, "bob/my-project", [{
        "LICENSE": APACHE,
        "third/torch_mnist.py": vendored,
        "train.py": "import torch\nimport torch.nn as nn\n\nclass Tiny(nn.Module):\n    pass\n",
    }])
    return big, small


def three_repos(tmp_path: Path, many: int, extra: dict[str, str] | None = None) -> list[Path]:
    """A collection, a project vendoring one of its files with a stub-partial file, and a
    repository of ``many`` tiny modules (so several parse tasks run): the harvest runs'
    shared input (the Dask and the interrupted-harvest tests)."""
    out = [
        make_repo(tmp_path, "alice/dl-examples", [{
            "LICENSE": MIT,
            "mnist/README.md": fx("README.md"),
            "mnist/torch_mnist.py": fx("torch_mnist.py"),
            "tabular/keras_mlp.py": fx("keras_mlp.py"),
            "gan/torch_gan.ipynb": fx("torch_gan.ipynb"),
            **(extra or {}),
        }]),
        make_repo(tmp_path, "bob/vendored", [{
            "LICENSE": APACHE,
            "copy/torch_mnist.py": "# vendored\n" + fx("torch_mnist.py"),
            "partial.py": "import torch\nimport torch.nn as nn\n# STUB_PARTIAL\nclass Half(nn.Module):\n    pass\n",
        }]),
    ]
    files = {f"nets/net{i:02d}.py": f"import torch\nimport torch.nn as nn\n\nclass Net{i}(nn.Module):\n"
             f"    width = {i}\n" for i in range(many)}
    out.append(make_repo(tmp_path, "carol/many", [files]))
    return out


def small_repos(tmp_path: Path, n: int, each: int = 4) -> list[Path]:
    """``n`` repositories of ``each`` one-model files (a kill of a harvest loses the repositories in flight)."""
    return [make_repo(tmp_path, f"dora/small{k:02d}", [{
        f"m{i}.py": f"import torch\nimport torch.nn as nn\n\nclass Small{k}x{i}(nn.Module):\n    pass\n"
        for i in range(each)}]) for k in range(n)]


def read_out(out: Path) -> list[dict]:
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- git plumbing -------------------------------------------------------------

def test_find_git_dir_and_repo_name(tmp_path: Path):
    mirror = make_repo(tmp_path, "alice/nets", [{"a.py": "import torch\n"}])
    git_dir = gitread.find_git_dir(mirror)
    assert git_dir == mirror / "repo"
    assert gitread.repo_name(git_dir) == "alice/nets"
    assert gitread.repo_name(git_dir, "x/y") == "x/y"
    work = make_repo(tmp_path, "carol/tree", [{"a.py": "x = 1\n"}], bare=False)
    _git(work, "remote", "add", "origin", "https://github.com/carol/real-name.git")
    wg = gitread.find_git_dir(work)
    assert wg == work / ".git"
    assert gitread.repo_name(wg) == "carol/real-name"
    assert gitread.find_git_dir(tmp_path / "nothing") is None


def test_list_tree_and_blob_reader_tolerates_missing(tmp_path: Path):
    mirror = make_repo(tmp_path, "alice/nets", [{"a.py": "import torch\n", "big/b.py": "import keras\n"}])
    g = gitread.find_git_dir(mirror)
    head = gitread.head_commit(g)
    files = gitread.list_tree(g, head)
    assert [f.path for f in files] == ["a.py", "big/b.py"]
    assert files[0].size == len("import torch\n") and files[0].commit == head
    # a fetched snapshot lacks big blobs: remove one object and read on
    blob = files[1].blob
    (g / "objects" / blob[:2] / blob[2:]).unlink()
    with gitread.BlobReader(g) as rd:
        assert rd.read(files[0].blob) == b"import torch\n"
        assert rd.read(blob) is None
        assert rd.read(files[0].blob) == b"import torch\n"  # the stream stays in step


def test_deleted_files_come_from_the_parent_of_the_deleting_commit(tmp_path: Path):
    mirror = make_repo(tmp_path, "keras/old", [
        {"examples/cnn.py": "import keras\nv = 1\n", "lib.py": "x = 1\n"},
        {"examples/cnn.py": "import keras\nv = 2\n"},
        {"examples/cnn.py": None, "examples/new.py": "import keras\n"},
    ])
    g = gitread.find_git_dir(mirror)
    log = _git(mirror / "repo", "log", "--format=%H").split()
    old = gitread.deleted_files(g, keep=["examples/new.py", "lib.py"])
    assert [f.path for f in old] == ["examples/cnn.py"]
    assert old[0].commit == log[1]  # the last version, before the deletion
    with gitread.BlobReader(g) as rd:
        assert rd.read(old[0].blob) == b"import keras\nv = 2\n"


def test_a_commit_deleting_many_files_is_read_in_runs_of_arguments(tmp_path: Path, monkeypatch):
    """A deletion of thousands of files once made `ls-tree` exceed the kernel's argument limit and the
    whole repository was skipped: the paths go to git in runs, and every deleted file is still found."""
    names = [f"data/sample_{i:03d}_with_a_long_name.py" for i in range(40)]
    mirror = make_repo(tmp_path, "data/heavy", [
        {n: f"import keras\nv = {i}\n" for i, n in enumerate(names)} | {"keep.py": "x = 1\n"},
        {n: None for n in names},
    ])
    assert [len(c) for c in gitread._arg_chunks(["abcd"] * 5, limit=10)] == [2, 2, 1]
    calls = []
    real = gitread._git
    monkeypatch.setattr(gitread, "_git", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    monkeypatch.setattr(gitread, "ARG_BYTES", 200)
    old = gitread.deleted_files(gitread.find_git_dir(mirror), keep=["keep.py"])
    assert [f.path for f in old] == sorted(names)
    assert sum(1 for a in calls if "ls-tree" in a) >= 8  # 40 paths of ~36 bytes in runs under 200 bytes


# -- licenses and filters -------------------------------------------------------

@pytest.mark.parametrize("text,spdx", [
    (MIT, "MIT"), (APACHE, "Apache-2.0"), (BSD3, "BSD-3-Clause"), (BSD2, "BSD-2-Clause"),
    (GPL3, "GPL-3.0"), (LGPL3, "LGPL-3.0"), ("All rights reserved.", None),
    ("SPDX-License-Identifier: MPL-2.0\n", "MPL-2.0"),
])
def test_license_signatures(text: str, spdx: str | None):
    assert license_of_text(text) == spdx


def test_pick_license_file_prefers_root_license():
    assert pick_license_file(["docs/LICENSE", "COPYING", "LICENSE.md"]) == "LICENSE.md"
    assert pick_license_file(["src/LICENSE", "a.py"]) is None
    assert pick_license_file(["license.txt"]) == "license.txt"


def test_candidates_and_the_byte_test():
    assert harvest.is_candidate("examples/mnist.py")
    assert harvest.is_candidate("nb/GAN.ipynb") and harvest.is_candidate("docs/guide.md")
    assert not harvest.is_candidate("tests/test_model.py")
    # ``x_test.py``: a unit test when its code says so; TCN's ``lambada_test.py`` trains a model
    from corpus.readers.repo_files import unit_test

    assert unit_test("pkg/model_test.py", b"from absl.testing import absltest\nimport train\n")
    assert unit_test("pkg/model_test.py", b"import tensorflow as tf\n\nclass T(tf.test.TestCase):\n    pass\n")
    assert unit_test("script_bin/embedding_context_tests.py", b"import torch\n\ndef test_shapes():\n    pass\n")
    assert not unit_test("TCN/lambada_language/lambada_test.py", b"import torch\nimport argparse\nmodel = TCN()\n")
    assert not unit_test("train.py", b"import unittest\n")  # (named for no test: read)
    assert harvest.is_candidate("ablation/contest.py")
    assert not harvest.is_candidate("integration_tests/numerical.py")
    assert not harvest.is_candidate("setup.py")
    assert not harvest.is_candidate("data/weights.h5")
    assert harvest.is_history_candidate("examples/old.py")
    assert not harvest.is_history_candidate("keras/layers/core.py")
    assert harvest.imports_dl(b"import torch.nn as nn\n")
    assert harvest.imports_dl(b"from tensorflow.keras import layers")
    assert harvest.imports_dl(b'{"source": ["import keras\\n"]}')
    assert not harvest.imports_dl(b"import torchvision_like_thing\nimport numpy")
    assert not harvest.imports_dl(b"# we do not import torchmetrics here\nx = 'keras'")


def test_content_hash_ignores_comments_and_whitespace():
    a = b"import torch\nx = nn.Linear(3, 4)  # layer\n"
    b = b"# header\nimport torch\n\nx = nn.Linear(3,4)\n"
    c = b"import torch\nx = nn.Linear(3, 5)\n"
    assert harvest.content_hash(a, "a.py") == harvest.content_hash(b, "b.py")
    assert harvest.content_hash(a, "a.py") != harvest.content_hash(c, "c.py")


def test_readme_words_and_nearest_readme():
    words = harvest.readme_words("# Title\n\nSee [the paper](http://x.org/p).\n```py\nimport torch\n```\n<b>bold</b>")
    assert "the paper" in words and "import torch" not in words and "http" not in words and "<b>" not in words
    readmes = {"": "root", "a": "a-readme"}
    assert harvest.nearest_readme("a/b/c.py", readmes) == "a-readme"
    assert harvest.nearest_readme("z/c.py", readmes) == "root"
    assert harvest.nearest_readme("c.py", {}) is None
    assert harvest.nearest_readme("a/b/c/d.py", readmes) == "a-readme"
    assert harvest.nearest_readme("z/y/x/c.py", readmes) == "root"


# -- the harvest end to end -----------------------------------------------------

def test_harvest_end_to_end(tmp_path: Path, two_repos):
    big, small = two_repos
    out = tmp_path / "data" / "summaries.jsonl.gz"
    stats = harvest.harvest([(small, None), (big, None)], out, workers=2, parser=STUB, progress=False)
    rows = read_out(out)
    where = [(r["source"]["repo"], r["source"]["path"], r["name"]) for r in rows]
    # sorted; the vendored copy is dropped in favour of the collection; tests and non-DL skipped
    assert where == [
        ("alice/dl-examples", "gan/torch_gan.ipynb", "Generator"),
        ("alice/dl-examples", "mnist/torch_mnist.py", "DigitNet"),
        ("alice/dl-examples", "tabular/keras_mlp.py", "model"),
        ("bob/my-project", "train.py", "Tiny"),
    ]
    mn = rows[1]["source"]
    head = _git(big / "repo", "rev-parse", "HEAD")
    assert mn["commit"] == head and mn["license"] == "MIT"
    assert mn["url"] == f"https://github.com/alice/dl-examples/blob/{head}/mnist/torch_mnist.py#L7-L10"
    assert rows[3]["source"]["license"] == "Apache-2.0"
    # the folder's README reached the parser as context (the stub reads "digits")
    assert rows[1]["task"] == "image_classification" and rows[2]["task"] == "unknown"
    assert stats.dl_files == 5 and stats.duplicate_files == 1 and stats.models == 4
    assert stats.status["ok"] == 5
    manifest = json.loads((out.parent / "manifest.json").read_text())
    assert [r["repo"] for r in manifest["repos"]] == ["alice/dl-examples", "bob/my-project"]
    bob = manifest["repos"][1]
    dup = next(f for f in bob["files"] if f["path"] == "third/torch_mnist.py")
    assert dup["duplicate_of"] == "alice/dl-examples:mnist/torch_mnist.py"
    assert bob["license"] == "Apache-2.0" and bob["commit"] == _git(small / "repo", "rev-parse", "HEAD")
    assert manifest["totals"]["models"] == 4
    text = (out.parent / "manifest.json").read_text()
    assert str(tmp_path) not in text  # no machine paths in what is committed


def test_harvest_is_deterministic_and_resume_gives_the_same_bytes(tmp_path: Path, two_repos):
    big, small = two_repos
    full = tmp_path / "full" / "s.jsonl.gz"
    harvest.harvest([(big, None), (small, None)], full, workers=2, parser=STUB, progress=False)
    again = tmp_path / "again" / "s.jsonl.gz"
    harvest.harvest([(small, None), (big, None)], again, workers=1, parser=STUB, progress=False)
    assert full.read_bytes() == again.read_bytes()
    assert (full.parent / "manifest.json").read_bytes() == (again.parent / "manifest.json").read_bytes()
    # resume: first the small project alone, then both; the collection wins the duplicate
    part = tmp_path / "part" / "s.jsonl.gz"
    harvest.harvest([(small, None)], part, workers=1, parser=STUB, progress=False)
    assert any(r["source"]["path"] == "third/torch_mnist.py" for r in read_out(part))
    st = harvest.harvest([(big, None), (small, None)], part, workers=1, parser=STUB, progress=False,
                         resume=True)
    assert st.repos == 1 and st.repos_skipped == 1
    assert part.read_bytes() == full.read_bytes()


def test_a_resumed_harvest_counts_the_near_duplicates_its_first_part_removed(tmp_path: Path):
    """Three copies of one model in three repositories (text differs, model does not): two go, and the
    manifest says two whether the run was whole or resumed after the first two repositories (a resume
    sees only the copy the first part kept, so its count alone said one; the shipped stats said 0)."""
    mirrors = [make_repo(tmp_path, f"{o}/copy{i}", [{f"net{i}.py": "import torch\nclass Net(nn.Module):\n    pass\n"
                                                     + "x = 1\n" * i}])
               for i, o in enumerate(["ann", "ben", "cat"])]
    whole = tmp_path / "whole" / "s.jsonl.gz"
    st = harvest.harvest([(m, None) for m in mirrors], whole, workers=1, parser=STUB, progress=False)
    assert st.near_duplicates == 2 and "2 near-duplicate models" in "\n".join(st.lines())
    part = tmp_path / "part" / "s.jsonl.gz"
    first = harvest.harvest([(m, None) for m in mirrors[:2]], part, workers=1, parser=STUB, progress=False)
    assert first.near_duplicates == 1
    st = harvest.harvest([(m, None) for m in mirrors], part, workers=1, parser=STUB, progress=False, resume=True)
    assert st.repos_skipped == 2 and st.near_duplicates == 2
    manifest = json.loads((part.parent / "manifest.json").read_text())
    assert manifest["dedup"]["removed"] == 2 and sum(manifest["dedup"]["by_repo"].values()) == 2
    assert part.read_bytes() == whole.read_bytes()
    assert (part.parent / "manifest.json").read_bytes() == (whole.parent / "manifest.json").read_bytes()


def test_the_time_bound_of_a_file_counts_its_computing_not_its_waiting(tmp_path: Path):
    # a busy machine stretches the wall-clock time of a file, not its CPU time: the bound is on the latter,
    # so the same files time out on a loaded machine as on an idle one
    mirror = make_repo(tmp_path, "erin/slow", [{
        "spin.py": "import torch\n# STUB_SPIN\n",
        "slow.py": "import torch\nimport torch.nn as nn\n# STUB_SLOW\nclass Late(nn.Module):\n    pass\n",
    }])
    out = tmp_path / "o" / "s.jsonl.gz"
    st = harvest.harvest([(mirror, None)], out, workers=2, parser=STUB, progress=False, file_timeout=2)
    files = {f["path"]: f for f in json.loads((out.parent / "manifest.json").read_text())["repos"][0]["files"]}
    assert files["spin.py"]["error"] == "timeout: parsing took over 2 s of CPU time" and st.timeouts == 1
    assert files["slow.py"]["status"] == "ok" and [r["name"] for r in read_out(out)] == ["Late"]


def test_missing_blobs_timeouts_and_crashes_are_counted(tmp_path: Path):
    mirror = make_repo(tmp_path, "dave/odd", [{
        "ok.py": fx("torch_mnist.py"),
        "hang.py": "import torch\n# STUB_HANG\n",
        "crash.py": "import torch\n# STUB_CRASH\n",
        "weird.py": "import torch\nimport torch.nn as nn\n# STUB_OBJECT\nclass Odd(nn.Module):\n    pass\n",
        "huge.py": "import torch\n" + "x = 1\n" * 10,
    }])
    g = gitread.find_git_dir(mirror)
    blob = _git(mirror / "repo", "rev-parse", "HEAD:huge.py")
    (g / "objects" / blob[:2] / blob[2:]).unlink()
    out = tmp_path / "o" / "s.jsonl.gz"
    st = harvest.harvest([(mirror, None)], out, workers=2, parser=STUB, progress=False, file_timeout=3)
    assert st.missing_blobs == 1 and st.dl_files == 4
    assert st.status["ok"] == 2 and st.status["failed"] == 2 and st.timeouts == 1
    files = {f["path"]: f for f in json.loads((out.parent / "manifest.json").read_text())["repos"][0]["files"]}
    assert files["hang.py"]["error"].startswith("timeout")
    assert "crashed on purpose" in files["crash.py"]["error"]
    rows = read_out(out)
    assert [r["name"] for r in rows] == ["DigitNet", "Odd"]
    # a value the parser could not give as JSON is dropped with a warning, never a crash
    assert rows[1]["layers"][0]["args"] == {}
    assert any("could not be written as JSON" in w for w in rows[1]["parse"]["warnings"])
    assert files["weird.py"]["error"].startswith("parser gave a value")
    # the crash is a bug (an internal error), counted apart from bad input, with its traceback;
    # the timeout and the missing blob are not
    assert files["crash.py"]["error"].startswith("internal error: RuntimeError: stub parser crashed on purpose at "
                                                 "harvest_stub_parser.py:")
    assert st.internal_errors == 1
    assert json.loads((out.parent / "manifest.json").read_text())["totals"]["internal_errors"] == 1
    lines = "\n".join(st.lines())
    assert "internal errors: 1 " in lines and "dave/odd:crash.py" in lines and "Traceback" in lines
    assert str(tmp_path) not in (out.parent / "manifest.json").read_text()


def internal_warning_parser(data: bytes, path: str, **kw):
    """A parser whose own catch-all caught a bug: the summary says so with an "internal error:" warning."""
    from harvest_stub_parser import parse_bytes

    out = parse_bytes(data, path, **kw)
    for s in out:
        s.parse.warnings.append("internal error: torch reader: KeyError: 'x' at torch_models.py:12 in build")
    return out


def test_internal_errors_the_parser_reports_are_counted(tmp_path: Path):
    mirror = make_repo(tmp_path, "erin/bug", [{"net.py": fx("torch_mnist.py")}])
    out = tmp_path / "o" / "s.jsonl.gz"
    st = harvest.harvest([(mirror, None)], out, workers=1, parser="test_harvest:internal_warning_parser",
                         progress=False)
    assert st.internal_errors == 1 and st.status["ok"] == 1 and st.models == 1
    files = json.loads((out.parent / "manifest.json").read_text())["repos"][0]["files"]
    assert files[0]["error"].startswith("internal error: torch reader: KeyError")
    assert "internal errors: 1 " in "\n".join(st.lines())


def test_history_reads_examples_removed_later(tmp_path: Path):
    mirror = make_repo(tmp_path, "keras/old", [
        {"examples/mlp.py": fx("keras_mlp.py"), "keras/core.py": "import keras\nmodel = Sequential()\n"},
        {"examples/mlp.py": None, "keras/core.py": None, "README.md": "moved\n"},
    ])
    out = tmp_path / "o" / "s.jsonl.gz"
    st = harvest.harvest([(mirror, None)], out, workers=1, parser=STUB, progress=False)
    assert st.models == 0
    st = harvest.harvest([(mirror, None)], out, workers=1, parser=STUB, progress=False, history=True)
    rows = read_out(out)
    first = _git(mirror / "repo", "rev-list", "--max-parents=0", "HEAD")
    assert [(r["source"]["path"], r["source"]["commit"]) for r in rows] == [("examples/mlp.py", first)]
    assert f"/blob/{first}/examples/mlp.py#L4" in rows[0]["source"]["url"]


def test_cli_harvest_with_mirror_and_repos_file(tmp_path: Path, two_repos, capsys):
    import cli

    repos_file = tmp_path / "repos.txt"
    repos_file.write_text("# collections first\nalice/dl-examples\nnobody/absent\n")
    out = tmp_path / "cli" / "s.jsonl.gz"
    rc = cli.main(["harvest", "--mirror", str(tmp_path / "mirror"), "--repos-file", str(repos_file),
                   "--out", str(out), "--workers", "1", "--parser", STUB, "--quiet"])
    assert rc == 0
    text = capsys.readouterr()
    assert "nobody/absent" in text.err
    assert "models            3 in the corpus" in text.out and "files/s" in text.out
    assert {r["source"]["repo"] for r in read_out(out)} == {"alice/dl-examples"}
    assert cli.main(["harvest", "--out", str(out)]) == 2


def test_real_parser_through_the_harvest(tmp_path: Path, two_repos):
    pytest.importorskip("corpus.readers.parser")
    big, _ = two_repos
    out = tmp_path / "real" / "s.jsonl.gz"
    st = harvest.harvest([(big, None)], out, workers=1, progress=False)
    rows = read_out(out)
    names = {(r["source"]["path"], r["name"]) for r in rows}
    assert ("mnist/torch_mnist.py", "DigitNet") in names
    assert all(r["source"]["url"].startswith("https://github.com/alice/dl-examples/blob/") for r in rows)
    assert st.status["failed"] == 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_one_worker_reads_a_repository_in_order_whatever_the_pool(tmp_path: Path):
    """A repository's files go to one worker in their order, so what its repository context read before
    a file (and so the file's summaries) is the same with 1 worker or 3: the stub names each model for
    how many files its context was given before it."""
    repos = [(p, None) for p in three_repos(tmp_path, many=12)]
    outs = []
    for workers in (3, 1):
        out = tmp_path / f"w{workers}" / "s.jsonl.gz"
        harvest.harvest(repos, out, workers=workers, parser="harvest_stub_parser:parse_in_order", progress=False)
        outs.append(out.read_bytes())
        many = sorted((r["source"]["path"], r["name"]) for r in read_out(out) if r["source"]["repo"] == "carol/many")
        assert many == [(f"nets/net{i:02d}.py", f"Net{i}_after{i}") for i in range(12)]
    assert outs[0] == outs[1]


def test_the_repository_queue_gives_each_repository_to_one_worker_in_order():
    """Workers finishing in any order: each repository's tasks go to one worker, in the order they came,
    every task once, and no worker waits while a repository nobody reads has files left."""
    import random
    from types import SimpleNamespace

    tasks = [SimpleNamespace(repo=r, path=f"{r}{i}") for r, n in (("a", 5), ("b", 1), ("c", 3), ("d", 7), ("e", 2))
             for i in range(n)]
    for seed in range(30):
        rng = random.Random(seed)
        queue = harvest._RepositoryQueue(iter(tasks))
        given: dict[str, list[tuple[int, str]]] = {}
        idle, busy = list(range(3)), []
        while True:
            for w in list(idle):
                t = queue.next_for(w)
                if t is not None:
                    idle.remove(w)
                    busy.append(w)
                    given.setdefault(t.repo, []).append((w, t.path))
            if not busy:
                break
            idle.append(busy.pop(rng.randrange(len(busy))))
        assert sum(len(v) for v in given.values()) == len(tasks)
        for repo, got in given.items():
            assert len({w for w, _ in got}) == 1, (seed, repo, got)
            assert [p for _, p in got] == [t.path for t in tasks if t.repo == repo]


def test_harvest_reads_each_repository_whole(tmp_path: Path):
    """A model defined in one file and trained in another is one example in the corpus too
    (the same pass as `examplenet parse DIR`), with values from a module the trainer imports."""
    from tests.test_repository import FILES

    files = dict(FILES)
    # a trainer importing no framework itself: read because it imports the repository's model code
    files["keras_model.py"] = (b"from tensorflow import keras\n\n\ndef build(n=2):\n"
                               b"    model = keras.Sequential([keras.layers.Dense(8), keras.layers.Dense(n)])\n"
                               b"    return model\n")
    files["fit.py"] = (b"from keras_model import build\nfrom settings import EPOCHS\nmodel = build()\n"
                       b"model.compile(optimizer='adam', loss='mse')\nmodel.fit(None, None, epochs=EPOCHS)\n")
    mirror = make_repo(tmp_path, "carol/whole", [files])
    out = tmp_path / "o" / "s.jsonl.gz"
    harvest.harvest([(mirror, None)], out, workers=1, progress=False)
    rows = {r["name"]: r for r in read_out(out)}
    assert set(rows) == {"Net", "Unused", "build"}  # Block is a part of Net, not an example
    net = rows["Net"]
    assert net["source"]["path"] == "pkg/models.py" and net["source"]["train_path"] == "train.py"
    assert [x["type"] for x in net["layers"]][:3] == ["Conv2D", "Conv2D", "BatchNormalization"]
    assert (net["hyperparameters"]["epochs"], net["hyperparameters"]["batch_size"]) == (7, 64)
    build = rows["build"]
    assert build["source"]["train_path"] == "fit.py" and build["hyperparameters"]["epochs"] == 7
    assert "not trained in this repository" in rows["Unused"]["parse"]["warnings"]
    manifest = json.loads((out.parent / "manifest.json").read_text())
    assert manifest["repos"][0]["first_commit_time"] > 0 and manifest["dedup"]["removed"] == 0


def test_reread_parses_the_given_repositories_again_and_keeps_the_others(tmp_path: Path, two_repos):
    """A corpus harvested across sessions: after a parser change, --resume --reread reads the repositories
    fetched this time again (same commit) and keeps the others as the earlier harvest wrote them."""
    big, small = two_repos
    out = tmp_path / "c" / "s.jsonl.gz"
    harvest.harvest([(big, None), (small, None)], out, workers=1, parser=STUB, progress=False)
    before = {(r["source"]["repo"], r["name"]) for r in read_out(out)}
    v2 = STUB.replace(":parse_bytes", ":parse_bytes_v2")
    st = harvest.harvest([(small, None)], out, workers=1, parser=v2, progress=False, resume=True)
    assert st.repos == 0 and st.repos_skipped == 1  # same commit: kept without --reread
    st = harvest.harvest([(small, None)], out, workers=1, parser=v2, progress=False, resume=True, reread=True)
    assert st.repos == 1 and st.repos_skipped == 0
    after = {(r["source"]["repo"], r["name"]) for r in read_out(out)}
    renamed = {(r, n) for r, n in after if n.endswith("_v2")}
    assert renamed and all(r != "alice/dl-examples" for r, _ in renamed)  # only the given repository
    assert {x for x in before if x[0] == "alice/dl-examples"} <= after  # the other stays as it was


def test_examples_joined_into_a_definition_file_that_reads_as_nothing_alone_are_kept(tmp_path: Path):
    # models.py's vocoder, read alone, is no model (a pure definition whose layers its own file never
    # builds as an example here); train.py builds and trains it: the repository pass joins the example
    # into models.py, a file whose own count of models is 0, and the harvest must keep it
    models = (
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils import spectral_norm, weight_norm\n\n\n"
        "class Generator(nn.Module):\n"
        "    def __init__(self, use_spectral_norm=False):\n"
        "        super().__init__()\n"
        "        norm_f = weight_norm if use_spectral_norm is False else spectral_norm\n"
        "        self.convs = nn.ModuleList([norm_f(nn.Conv2d(1, 32, (5, 1))), norm_f(nn.Conv2d(32, 1, (3, 1)))])\n\n"
        "    def forward(self, x):\n"
        "        x = x.view(x.shape[0], 1, -1, 2)\n"
        "        for conv in self.convs:\n"
        "            x = conv(x)\n"
        "        return torch.flatten(x, 1, -1)\n"
    )
    train = (
        "import torch\n\nfrom models import Generator\n\n"
        "generator = Generator()\n"
        "optimizer = torch.optim.AdamW(generator.parameters(), lr=2e-4)\n"
        "for epoch in range(3100):\n"
        "    for mel, audio in loader:\n"
        "        loss = torch.nn.functional.l1_loss(generator(mel), audio)\n"
        "        optimizer.zero_grad()\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
    )
    mirror = make_repo(tmp_path, "carol/vocoder", [{"LICENSE": MIT, "models.py": models, "train.py": train}])
    out = tmp_path / "out" / "summaries.jsonl.gz"
    harvest.harvest([(mirror, None)], out, workers=1, progress=False)
    got = read_out(out)
    assert [(d["name"], d["source"]["path"], d["source"]["train_path"]) for d in got] == \
        [("Generator", "models.py", "train.py")]
    assert got[0]["hyperparameters"]["epochs"] == 3100


def test_a_module_linked_from_a_sibling_recipe_is_the_file_it_points_at(tmp_path: Path):
    """icefall's recipes link ``model.py`` to another recipe's: the training script's ``from model import Net``
    finds the class there, so the model is one example joined to that script (the link is never parsed)."""
    work = tmp_path / "src" / "erin+recipes"
    (work / "recipes" / "a").mkdir(parents=True)
    (work / "recipes" / "b").mkdir(parents=True)
    (work / "recipes" / "a" / "model.py").write_text(
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(4, 8)\n        self.out = nn.Linear(8, 2)\n\n"
        "    def forward(self, x):\n        return self.out(self.fc(x).relu())\n")
    (work / "recipes" / "c").mkdir(parents=True)  # another model.py: the name alone does not say which
    (work / "recipes" / "c" / "model.py").write_text(
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.conv = nn.Conv2d(3, 8, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n")
    os.symlink("../a/model.py", work / "recipes" / "b" / "model.py")
    os.symlink("/etc/passwd", work / "recipes" / "b" / "outside.py")  # never followed
    (work / "recipes" / "b" / "train.py").write_text(
        "import torch\nfrom model import Net\n\nmodel = Net()\nopt = torch.optim.SGD(model.parameters(), lr=0.3)\n"
        "for epoch in range(4):\n    opt.zero_grad()\n    model(x).sum().backward()\n    opt.step()\n")
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "recipes")
    mirror = tmp_path / "mirror" / "erin+recipes"
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(mirror / "repo"))
    out = tmp_path / "o" / "s.jsonl.gz"
    harvest.harvest([(mirror, None)], out, workers=1, progress=False)
    net = next(r for r in read_out(out) if r["source"]["train_path"])
    assert (net["name"], net["source"]["path"], net["source"]["train_path"]) == \
        ("Net", "recipes/a/model.py", "recipes/b/train.py")
    assert [x["type"] for x in net["layers"]] == ["Dense", "Dense"]
    assert net["hyperparameters"]["learning_rate"] == 0.3 and net["hyperparameters"]["epochs"] == 4
