"""Code is read, never run: a model whose import or any call would leave a
canary file is parsed and compared, and the canary never appears (issue 6)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.compare_population import image_population

from assistant.compare_cli import run_compare

ROOT = Path(__file__).resolve().parents[1]


def canary_model(canary: Path) -> str:
    # Every way a script could run code on import, on a call, on attribute
    # access or at interpreter exit writes the canary.
    c = repr(str(canary))
    return f"""\
import os, atexit
open({c}, "w").write("imported")
os.system("touch " + {c})
atexit.register(lambda: open({c}, "w").write("exit"))
__import__("pathlib").Path({c}).touch()
exec("open({c}, 'w')")
from tensorflow import keras
from tensorflow.keras import layers

class Evil:
    def __getattr__(self, name):
        open({c}, "w").write("getattr")

model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.Flatten(),
    layers.Dense(10, activation=eval("open({c}, 'w') or 'softmax'")),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train, epochs=int(open({c}, "w").write("x")), batch_size=32)
"""


@pytest.fixture
def script(tmp_path: Path) -> tuple[Path, Path]:
    canary = tmp_path / "canary.txt"
    path = tmp_path / "evil_model.py"
    path.write_text(canary_model(canary))
    return path, canary


def test_parse_command_never_runs_the_script(script, tmp_path):
    path, canary = script
    exe = Path(sys.executable).with_name("examplenet")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]
    out = subprocess.run([*cmd, "parse", str(path)], capture_output=True, text=True, cwd=tmp_path,
                         timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert '"name": "model"' in out.stdout  # it was really read
    assert '"Conv2D"' in out.stdout
    assert not canary.exists()


def test_compare_never_runs_the_script(script, capsys):
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    path, canary = script
    index = ExampleIndex.from_summaries(image_population(40), embedder=HashEmbedder())
    ns = argparse.Namespace(file=str(path), task=None, k=40, json=True, index_dir=None)
    assert run_compare(ns, index=index) == 0
    assert '"Conv2D"' in capsys.readouterr().out
    assert not canary.exists()
