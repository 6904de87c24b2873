"""The orchestrator: ids, sources, links, line mapping, notebooks, Markdown, status."""

from __future__ import annotations

import json

from corpus.readers.parser import parse_bytes
from corpus.record.summary import Summary

CODE = """import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(8,)),
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss='binary_crossentropy')
model.fit(x, y, epochs=3, batch_size=8)
"""


def test_python_file_source_and_stable_id():
    (s,) = parse_bytes(CODE.encode(), "src/train.py", repo="someone/demo", commit="a" * 40, license="MIT")
    assert s.source.repo == "someone/demo" and s.source.license == "MIT"
    assert (s.source.line_start, s.source.line_end) == (2, 4)
    assert s.source.url == f"https://github.com/someone/demo/blob/{'a' * 40}/src/train.py#L2-L4"
    assert [x.line for x in s.layers] == [3, 4]
    (again,) = parse_bytes(CODE.encode(), "src/train.py", repo="someone/demo", commit="a" * 40)
    assert again.id == s.id and len(s.id) == 16
    assert Summary.from_json(s.to_json()).to_dict() == s.to_dict()


def test_notebook_lines_map_to_the_stored_file():
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A model\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": [line + "\n" for line in CODE.splitlines()[:-1]] + [CODE.splitlines()[-1]]},
    ]
    nb = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    (s,) = parse_bytes(nb.encode(), "nb/demo.ipynb", repo="someone/demo")
    stored = nb.split("\n")
    first_layer = s.layers[0].line
    assert "tf.keras.layers.Dense(64" in stored[first_layer - 1]
    assert "?plain=1#L" in s.source.url
    assert "Sequential" in stored[s.source.line_start - 1]
    assert s.hyperparameters.epochs == 3


def test_markdown_python_blocks():
    md = "# Tutorial\n\nSome words.\n\n```python\n" + CODE + "```\n\n```bash\npip install x\n```\n"
    (s,) = parse_bytes(md.encode(), "README.md")
    assert [x.type for x in s.layers] == ["Dense", "Dense"]
    assert md.split("\n")[s.layers[0].line - 1].strip().startswith("tf.keras.layers.Dense(64")


def test_readable_file_without_model_gives_nothing():
    assert parse_bytes(b"import os\nprint(os.getcwd())\n", "util.py") == []
    assert parse_bytes(b"import tensorflow as tf\nx = tf.constant(1)\n", "t.py") == []


def test_snippet_without_imports_is_read_as_keras():
    code = b"model = Sequential()\nmodel.add(Dense(10, activation='relu', input_shape=(4,)))\nmodel.add(Dense(3))\n"
    (s,) = parse_bytes(code, "paste.py")
    assert [x.type for x in s.layers] == ["Dense", "Dense"] and s.framework == "keras"


def test_argparse_defaults_and_constants():
    code = b"""import argparse
from keras.models import Sequential
from keras.layers import Dense
p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=30)
p.add_argument('--lr', type=float, default=3e-4)
args = p.parse_args()
BASE = 16
m = Sequential()
m.add(Dense(BASE * 4, input_dim=10))
m.add(Dense(2, activation='softmax'))
from keras.optimizers import Adam
m.compile(optimizer=Adam(lr=args.lr), loss='categorical_crossentropy')
m.fit(x, y, epochs=args.epochs, batch_size=BASE * 2)
"""
    (s,) = parse_bytes(code, "a.py")
    hp = s.hyperparameters
    assert (hp.epochs, hp.learning_rate, hp.batch_size) == (30, 3e-4, 32)
    assert s.layers[0].args["units"] == 64


def test_static_conditions_pick_the_branch():
    code = b"""from keras.models import Sequential
from keras.layers import Dense, LSTM, GRU
CELL = 'gru'
m = Sequential()
if CELL == 'lstm':
    m.add(LSTM(32, input_shape=(10, 4)))
else:
    m.add(GRU(32, input_shape=(10, 4)))
m.add(Dense(1))
"""
    (s,) = parse_bytes(code, "a.py")
    assert [x.type for x in s.layers] == ["GRU", "Dense"]


def test_readme_with_shell_blocks_gives_nothing():
    md = "# Setup\n\n```\npip install -r requirements.txt\npython train.py --epochs 3\n```\n"
    assert parse_bytes(md.encode(), "README.md") == []


def test_models_of_one_name_on_one_line_get_distinct_ids():
    from corpus.readers.parser import parse_bytes

    # One base class builds `self.model`; two subclasses call it with other
    # layer types: two models named `model` that start on the same line.
    code = (
        "from tensorflow.keras.models import Sequential\n"
        "from tensorflow.keras.layers import LSTM, GRU, Dense\n"
        "class Base:\n"
        "    def build(self, cell, units):\n"
        "        self.model = Sequential()\n"
        "        self.model.add(cell(units, input_shape=(10, 1)))\n"
        "        self.model.add(Dense(1))\n"
        "        self.model.compile(optimizer='adam', loss='mse')\n"
        "class WithLSTM(Base):\n"
        "    def __init__(self):\n"
        "        self.build(LSTM, 32)\n"
        "class WithGRU(Base):\n"
        "    def __init__(self):\n"
        "        self.build(GRU, 64)\n"
    )
    models = parse_bytes(code.encode(), "twice.py", repo="o/r", commit="0" * 40)
    assert len(models) >= 2, [(m.name, m.layer_types) for m in models]
    assert len({m.source.line_start for m in models}) == 1
    ids = [m.id for m in models]
    assert len(set(ids)) == len(ids)


def test_python2_statements_only_count_at_the_start_of_a_line():
    from corpus.readers.parser import _looks_py2

    for code in ("print 'hi'\n", "x = 1\n\tprint  total\n", "try:\n    f()\nexcept IOError, err:\n    pass\n",
                 "exec 'x = 1'\n", "a = 1\r\nprint 'b'\n"):
        assert _looks_py2(code), code
    for code in ("print('hi')\n", "x = 1; print 'a'\n", "# print 'a'\n", "reprint 'a'\n", "\u00a0print 'a'\n",
                 "except (IOError, OSError) as e:\n", "exec('x = 1')\n", "s = 'print x'\n", ""):
        assert not _looks_py2(code), code


def test_readers_are_registered_in_one_place_and_picked_by_imports():
    from corpus.readers.registry import READERS, import_families
    from corpus.readers.script import load

    assert [(r.name, r.family) for r in READERS] == [("keras", "keras"), ("tensorflow", "keras"),
                                                      ("pytorch", "pytorch"), ("jax", "jax")]
    both = load("import torch.nn as nn\nfrom tensorflow.keras import layers\nimport numpy as np\n")
    assert import_families(both) == {"keras", "pytorch"}
    assert import_families(load("import tf_keras\n")) == {"keras"}
    assert import_families(load("import numpy as np\n")) == set()
    assert [r.name for r in READERS if r.applies_to({"pytorch"})] == ["pytorch"]


def test_a_failing_reader_becomes_a_warning(monkeypatch):
    from corpus.readers import parser, registry

    def broken(script):
        raise ValueError("boom")

    working = registry.READERS[0]
    monkeypatch.setattr(parser, "READERS", (registry.Reader("keras", "keras", broken), working))
    (s,) = parse_bytes(CODE.encode(), "train.py")  # the second reader still reads the model
    assert s.parse.status == "partial"
    assert any(w.startswith("internal error: keras reader: ValueError: boom") for w in s.parse.warnings)
