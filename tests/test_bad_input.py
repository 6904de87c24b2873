"""Bad input never crashes or hangs the parser: it gives a failed or partial summary and a warning."""

from __future__ import annotations

import json

from corpus.readers.parser import parse_bytes

MODEL = b"from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n" \
        b"m.add(Dense(8, input_dim=4, activation='relu'))\nm.add(Dense(1))\nm.compile('adam', 'mse')\n"


def only(summaries):
    assert len(summaries) == 1
    s = summaries[0]
    json.loads(s.to_json())  # always serialisable
    return s


def test_binary_data():
    s = only(parse_bytes(bytes(range(256)) * 40, "weights.py"))
    assert s.parse.status == "failed" and "binary" in s.parse.warnings[0]
    assert s.name == "weights.py"


def test_empty_file():
    s = only(parse_bytes(b"   \n", "empty.py"))
    assert s.parse.status == "failed" and "empty" in s.parse.warnings[0]


def test_truncated_file_keeps_what_it_read():
    s = only(parse_bytes(MODEL[:-33], "cut.py"))  # cut inside m.add(Dense(1))
    assert s.parse.status == "partial"
    assert any("syntax error" in w for w in s.parse.warnings)
    assert [x.type for x in s.layers] == ["Dense"]


def test_truncated_file_without_a_model():
    s = only(parse_bytes(b"import keras\ndef f(x:\n    return (", "cut.py"))
    assert s.parse.status == "failed" and any("no model" in w for w in s.parse.warnings)


def test_python2_file():
    code = b"print 'training'\ntry:\n    import cPickle\nexcept ImportError, e:\n    print e\n" + MODEL + \
           b"m.fit(X, Y, nb_epoch=10, batch_size=16)\nprint 'done'\n"
    s = only(parse_bytes(code, "old.py"))
    assert s.parse.status == "partial" and any("Python 2" in w for w in s.parse.warnings)
    assert [x.type for x in s.layers] == ["Dense", "Dense"]
    assert s.hyperparameters.epochs == 10


def test_ten_megabytes_of_code():
    filler = b"x_%d = [1, 2, 3] * 4\n"
    body = b"".join(filler % i for i in range(600_000))
    assert len(body) > 10_000_000
    s = only(parse_bytes(MODEL + body, "huge.py"))
    assert s.parse.status == "partial"
    assert any("only the first" in w for w in s.parse.warnings)
    assert [x.type for x in s.layers] == ["Dense", "Dense"]


def test_five_thousand_nested_parentheses():
    deep = b"y = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    s = only(parse_bytes(MODEL + deep + b"z = Dense(" * 3000 + b"\n", "deep.py"))
    assert s.parse.status == "partial"
    assert any("nested deeper" in w for w in s.parse.warnings) or any("syntax error" in w for w in s.parse.warnings)
    s = only(parse_bytes(MODEL + deep, "deep.py"))
    assert s.parse.status == "partial" and any("nested deeper" in w for w in s.parse.warnings)
    assert [x.type for x in s.layers][:2] == ["Dense", "Dense"]


def test_deeply_nested_calls_and_blocks():
    code = MODEL + b"".join(b"    " * i + b"if x:\n" for i in range(90)) + b"    " * 90 + b"pass\n"
    s = only(parse_bytes(code, "nested.py"))
    assert s.parse.status in ("ok", "partial")


def test_broken_notebook():
    s = only(parse_bytes(b'{"cells": [{"cell_type": "code", "source": ["import ker', "nb.ipynb"))
    assert s.parse.status == "failed" and s.parse.warnings


def test_notebook_that_is_not_a_notebook():
    s = only(parse_bytes(b'{"hello": 1}', "nb.ipynb"))
    assert s.parse.status == "failed"


def test_latin1_file_still_reads():
    s = only(parse_bytes(b"# caf\xe9\n" + MODEL, "latin.py"))
    assert [x.type for x in s.layers] == ["Dense", "Dense"]
    assert any("Latin-1" in w for w in s.parse.warnings)


def test_recursive_user_functions_terminate():
    code = MODEL + b"def f(n):\n    return f(n - 1) + g(n)\ndef g(n):\n    return f(n)\nf(3)\n"
    s = only(parse_bytes(code, "rec.py"))
    assert [x.type for x in s.layers] == ["Dense", "Dense"]


def test_hostile_arithmetic_is_bounded():
    code = MODEL + b"E = 10 ** 10 ** 10\nm.fit(X, Y, epochs=E)\n"
    s = only(parse_bytes(code, "pow.py"))
    assert s.hyperparameters.epochs is None


def test_empty_package_marker_is_not_bad_input():
    assert parse_bytes(b"", "pkg/__init__.py") == []


def test_stray_return_at_module_level_keeps_reading():
    code = MODEL.replace(b"m = Sequential()\n", b"m = Sequential()\nreturn m\n") + b"m.fit(X, Y, epochs=3)\n"
    s = only(parse_bytes(code, "stray.py"))
    assert [x.type for x in s.layers] == ["Dense", "Dense"] and s.hyperparameters.epochs == 3
