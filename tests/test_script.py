"""The script reader: source kinds, line maps, imports, static values."""

import json

from corpus.readers.script import (
    UNKNOWN,
    call_arguments,
    call_function_name,
    load,
    node_text,
    nodes_of_type,
)

CODE = """\
import argparse
import torch.nn as nn
from tensorflow.keras.layers import Dense, Conv2D as C2
from keras import layers
BATCH = 64 * 2
LR = 1e-3
EPOCHS = 2 ** 5
NAME = "mnist" + "_cnn"
SHAPE = (28, 28, 1)
p = argparse.ArgumentParser()
p.add_argument('--lr', type=float, default=0.01)
p.add_argument('--batch-size', default=BATCH)
p.add_argument('-e', '--num_epochs', dest='epochs', type=int, default=10)
args = p.parse_args()
STEP = args.lr
"""


def test_imports_resolve_every_style():
    s = load(CODE, "train.py")
    assert s.resolve("nn.Conv2d") == "torch.nn.Conv2d"
    assert s.resolve("C2") == "tensorflow.keras.layers.Conv2D"
    assert s.resolve("Dense") == "tensorflow.keras.layers.Dense"
    assert s.resolve("layers.LSTM") == "keras.layers.LSTM"
    assert s.resolve("unknown.Thing") == "unknown.Thing"


def test_constants_arithmetic_and_argparse_defaults():
    s = load(CODE, "train.py")
    assert s.constants["BATCH"] == 128
    assert s.constants["LR"] == 0.001
    assert s.constants["EPOCHS"] == 32
    assert s.constants["NAME"] == "mnist_cnn"
    assert s.constants["SHAPE"] == [28, 28, 1]
    assert s.argparse_defaults == {"lr": 0.01, "batch_size": 128, "epochs": 10}
    # a constant read from argparse resolves through the second pass
    assert s.constants["STEP"] == 0.01


def test_set_defaults_overrides_an_options_own_default():
    # deepsnap's train scripts declare bare options, then give every default in one set_defaults call
    s = load(
        "import argparse\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--lr', type=float, default=0.1)\n"
        "parser.add_argument('--epochs', type=int)\n"
        "parser.set_defaults(lr=0.005, epochs=40)\n",
        "train.py",
    )
    assert s.argparse_defaults == {"lr": 0.005, "epochs": 40}


def test_values_that_cannot_be_read_are_unknown_not_guessed():
    s = load("x = foo(3)\ny = 10 ** 10 ** 10\nz = a + 1\n", "v.py")
    assert s.constants["x"] is UNKNOWN
    assert s.constants["y"] is UNKNOWN  # bounded power: no hang
    assert s.constants["z"] is UNKNOWN


def test_call_helpers():
    s = load("model.fit(x, y, batch_size=32, epochs=E)\n", "f.py")
    call = next(nodes_of_type(s.root, "call"))
    assert call_function_name(call) == "model.fit"
    positional, keywords = call_arguments(call)
    assert [n.text.decode() for n in positional] == ["x", "y"]
    assert sorted(keywords) == ["batch_size", "epochs"]
    assert s.value(keywords["batch_size"]) == 32
    assert s.value(keywords["epochs"], env={"E": 7}) == 7


def test_notebook_lines_map_to_the_json_file_and_magics_are_blanked():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Title\n"]},
            {"cell_type": "code", "source": ["!pip install torch\n", "import torch\n", "x = 1"]},
            {"cell_type": "code", "source": ["y = 2\n"]},
        ],
        "nbformat": 4,
    }
    raw = json.dumps(nb, indent=1)
    s = load(raw, "nb.ipynb")
    lines = s.source.code.split("\n")
    assert lines[0] == ""  # the shell line is blanked, not parsed
    assert lines[1] == "import torch"
    raw_lines = raw.split("\n")
    assert '"import torch\\n"' in raw_lines[s.source.orig_line(2) - 1]
    y_line = lines.index("y = 2") + 1
    assert '"y = 2\\n"' in raw_lines[s.source.orig_line(y_line) - 1]
    assert s.constants == {"x": 1, "y": 2}


def test_markdown_python_blocks_only():
    md = "Intro\n\n```python\nimport keras\nA = 3\n```\n\n```bash\nB = 4\n```\n"
    s = load(md, "README.md")
    assert s.constants == {"A": 3}
    assert s.source.orig_line(2) == 5


def test_bad_input_never_raises():
    assert load(b"\xff\xfe\x00\x01garbage", "x.py").warnings == ["not valid UTF-8: decoded as Latin-1"]
    broken = load(b'{"cells": [', "broken.ipynb")
    assert broken.source.code == ""
    assert any("could not read" in w for w in broken.warnings)
    deep = load("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", "deep.py")
    assert "x" in deep.constants  # value reading is depth-bounded, not a crash
    py2 = load("print 'hello'\ntry:\n    pass\nexcept Exception, e:\n    pass\nN = 3\n", "py2.py")
    assert py2.constants["N"] == 3


def test_long_comment_runs_are_thinned_keeping_line_numbers():
    from corpus.readers.script import MAX_COMMENT_RUN, thin_comment_runs

    code = "x = 1\n" + "# a\n" * 300 + "\n" + "    # b\n" * 5 + "y = 2  # tail\n" + "# c\n" * 3
    out = thin_comment_runs(code)
    assert out.count("\n") == code.count("\n")
    # one run of comment and blank lines: its first MAX_COMMENT_RUN comments stay
    assert out.count("# a") == MAX_COMMENT_RUN and "# b" not in out
    assert "y = 2  # tail" in out and out.count("# c") == 3
    short = "x = 1\n" + "# a\n" * 50
    assert thin_comment_runs(short) is short


def test_a_script_padded_with_comments_still_reads_what_follows():
    # 20,000 comment lines would cost tree-sitter minutes; thinned, the
    # constant after them is read at its own line.
    s = load("A = 1\n" + "# pad\n" * 20_000 + "B = 2\n", "padded.py")
    assert s.constants == {"A": 1, "B": 2}
    assert s.source.orig_line(20_002) == 20_002


def _full_walk_errors(root):
    from corpus.readers.script import walk

    return [(n.start_byte, n.end_byte, n.type) for n in walk(root) if n.type == "ERROR" or n.is_missing]


def test_error_nodes_finds_what_a_full_walk_finds():
    from corpus.readers.script import error_nodes

    script = (
        "import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n\n"
        "    def forward(self, x):\n        return self.fc(x)\n\n\nmodel = Net()\nprint(model)\n"
    )
    broken = [
        "x = (1, 2\ny = 3\n",  # a missing parenthesis
        "def f(:\n    pass\nz = $ 4\n",  # a bad token: an ERROR leaf inside an ERROR
        "model.add(Dense(10, activation='relu')\nmodel.add(Dense(1))\n\x07\n",
        "class A(\n    def f(self): return 1\n",
    ]
    # every cut of a real-looking script, plus hand-broken ones
    broken += [script[:i] + "@@" + script[i:] for i in range(0, len(script), 7)]
    broken += [script[:i] for i in range(0, len(script), 5)]
    seen_errors = 0
    for code in broken:
        root = load(code, "x.py").root
        want = _full_walk_errors(root)
        got = [(n.start_byte, n.end_byte, n.type) for n in error_nodes(root)]
        assert got == want, code
        seen_errors += bool(want)
    assert seen_errors > 50  # the inputs above do break the tree


def test_flag_and_import_keywords_inside_longer_words_are_not_read():
    s = load(
        "reimport = 1\nfrom x import y as reimport_z\nimport numpy as np\n"
        "parser.myadd_argument('--lr', default=9)\nparser.add_argument('--lr', default=0.1)\n"
        "XDEFINE_integer('bs', 3, '')\nflags.DEFINE_integer('epochs', 5, '')\n",
        "flags.py",
    )
    assert s.aliases == {"reimport_z": "x.y", "np": "numpy"}
    assert s.argparse_defaults == {"lr": 0.1, "epochs": 5}


def test_notebook_lines_found_far_past_long_outputs():
    # Each code cell is followed by an output of 500 stored lines, past the
    # window searched near the cursor; more cells than _FAR_FINDS, so both
    # ways of looking lines up far away are used.
    from corpus.readers.script import _FAR_FINDS

    cells = []
    for i in range(_FAR_FINDS + 8):
        cells.append({"cell_type": "code", "source": [f"v{i} = {i}\n", f"print(v{i})"],
                      "outputs": [{"output_type": "stream", "name": "stdout",
                                   "text": [f"line {j}\n" for j in range(500)]}]})
    raw = json.dumps({"cells": cells, "nbformat": 4}, indent=1)
    # each cell's output lies between its code and the next cell's
    raw_lines = raw.split("\n")
    s = load(raw, "long.ipynb")
    code_lines = s.source.code.split("\n")
    for i in range(_FAR_FINDS + 8):
        at = code_lines.index(f"v{i} = {i}") + 1
        assert raw_lines[s.source.orig_line(at) - 1].strip() == json.dumps(f"v{i} = {i}\n") + ","
        assert raw_lines[s.source.orig_line(at + 1) - 1].strip() == json.dumps(f"print(v{i})")
    assert s.constants["v39"] == 39


def test_nodes_by_kind_in_source_order_from_one_shared_pass():
    s = load(
        "import torch\nfrom torch import nn\n\n"
        "# a comment\n"
        "class Net(nn.Module):\n"
        "    def forward(self, x):\n"
        "        return f(x)(g(x))  # nested calls\n\n"
        "n = 0\nn += 1\nr = n / 2 // 3\n"
        "for i in range(3):\n    while n < 10:\n        n = n * 2\n"
        "print('done')\n",
        "kinds.py",
    )
    calls = s.nodes("call")
    assert [node_text(c) for c in calls] == ["f(x)(g(x))", "f(x)", "g(x)", "range(3)", "print('done')"]
    assert calls is s.nodes("call")  # one pass, shared
    assert [node_text(n) for n in s.nodes("assignment")] == ["n = 0", "r = n / 2 // 3", "n = n * 2"]
    assert [node_text(n) for n in s.nodes("division")] == ["n / 2"]
    assert [node_text(n) for n in s.nodes("comment")] == ["# a comment", "# nested calls"]
    assert [n.type for n in s.nodes("import_statement") + s.nodes("import_from_statement")] == [
        "import_statement", "import_from_statement"]
    assert len(s.nodes("class_definition")) == len(s.nodes("function_definition")) == 1
    assert len(s.nodes("for_statement")) == len(s.nodes("while_statement")) == 1
    assert [node_text(n) for n in s.nodes("augmented_assignment")] == ["n += 1"]
    assert [node_text(n) for n in s.nodes("comparison_operator")] == ["n < 10"]
    assert [node_text(n) for n in s.nodes("string")] == ["'done'"]
    try:
        s.nodes("calls")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown kind must raise, not find nothing")


def test_keyword_scan_finds_what_the_names_query_finds():
    from corpus.readers.script import _captures, _names_fast

    code = (
        "from __future__ import print_function\nimport os, sys as system\n"
        "from . import sibling\nfrom .pkg.mod import (a as b,\n    c)  # import in a comment\n"
        "s = 'import x'\nimportlib = 1\nfrom keras.layers import *\n"
        "def f():\n    import torch.nn as nn\n    return nn\n"
        "parser.add_argument('--lr', type=float)\nflags.DEFINE_integer('bs', 2, '')\nDEFINE_string('d', '', '')\n"
        "x.add_argument_group('g')\nmy_add_argument(1)\nobj.DEFINE_x.y(1)\n"
    )
    root = load(code, "names.py").root
    assert not root.has_error

    def spans(caps):
        return {k: [(n.start_byte, n.end_byte) for n in v] for k, v in caps.items() if k in ("imp", "flagcall")}

    want = spans(_captures(root))
    assert spans(_names_fast(root, code.encode())) == want
    assert len(want["imp"]) == 5 and len(want["flagcall"]) == 4


def test_word_positions_are_whole_words_as_regex_word_boundaries_say():
    import re

    from corpus.readers.script import word_positions

    code = "model = Model(); train_model(model)\nmodels.model_x(model )+ é_model .model"
    for name in ("model", "Model", "model_x", ".model"):
        want = [m.start() for m in re.finditer(r"\b" + re.escape(name) + r"\b", code)]
        assert word_positions(code, [name]).get(name, []) == want, name
    assert word_positions(code, ["absent", ""]) == {}


def test_docopt_usage_defaults_are_the_options_values():
    # cs224n's run.py: options and their defaults live in the module docstring that docopt(__doc__) parses
    s = load(
        "#!/usr/bin/env python3\n"
        '"""\nUsage:\n    run.py train [options]\n\nOptions:\n'
        "    -h --help                 show this screen.\n"
        "    --cuda                    use GPU\n"
        "    --batch-size=<int>        batch size [default: 32]\n"
        "    --lr=<float>              learning rate [default: 0.001]\n"
        '"""\n'
        "from docopt import docopt\n"
        "args = docopt(__doc__)\n"
        "LR = float(args['--lr'])\n"
        "BATCH = int(args['--batch-size'])\n"
        "GPU = args['--cuda']\n",
        "run.py",
    )
    assert (s.constants["LR"], s.constants["BATCH"], s.constants["GPU"]) == (0.001, 32, None)


def test_conditional_expressions_and_list_arithmetic_are_read_when_their_parts_are():
    s = load(
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--big', action='store_true')\n"
        "args = p.parse_args()\nLR = 0.1 if args.big else 0.01\nSIZES = [784] + list((64, 64)) + [10]\n"
        "N = len(SIZES) - 1\nX = 1 if unknown_flag else 2\n",
        "train.py",
    )
    assert (s.constants["LR"], s.constants["SIZES"], s.constants["N"]) == (0.01, [784, 64, 64, 10], 3)
    assert s.constants["X"] is UNKNOWN


def test_getattr_of_the_options_reads_the_option_or_the_default_given():
    s = load(
        "import argparse\n"
        "p = argparse.ArgumentParser()\n"
        "p.add_argument('-optimizer', type=str, default='adam')\n"
        "args = p.parse_args()\n"
        "OPT = getattr(args, 'optimizer', 'sgd')\n"
        "MOM = getattr(args, 'momentum', 0.9)\n"
        "NONE = getattr(args, 'momentum')\n",
        "train.py",
    )
    assert (s.constants["OPT"], s.constants["MOM"]) == ("adam", 0.9)
    assert "NONE" not in s.constants or s.constants["NONE"] is UNKNOWN
