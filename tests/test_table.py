"""The examples table: rows, safe links, CSV and JSON export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from assistant.table import (
    COLUMNS,
    DATATYPES,
    EXPORT_COLUMNS,
    escape_markdown,
    rows,
    safe_url,
    source_link,
    to_csv,
    to_json,
)
from corpus.record.summary import Hyperparameters, Layer, Source, Summary


def _s(id: str = "a1", repo: str = "alice/mnist-cnn", path: str = "train.py", url: str | None = None,
       license: str | None = "MIT", datasets: list[str] | None = None, n_layers: int = 3) -> Summary:
    return Summary(
        id=id, name="Net", framework="pytorch", task="image_classification",
        datasets=datasets if datasets is not None else ["mnist"],
        source=Source(repo=repo, commit="c" * 40, path=path, line_start=12, line_end=40, license=license,
                      url=url if url is not None else f"https://github.com/{repo}/blob/{'c' * 40}/{path}#L12-L40"),
        layers=[Layer(type="Conv2D"), Layer(type="Flatten"), Layer(type="Dense")][:n_layers],
        hyperparameters=Hyperparameters(learning_rate=0.01),
    )


def test_rows_columns_and_rank() -> None:
    df = rows([_s("a"), _s("b", repo="bob/cifar", datasets=["cifar10", "cifar100"], n_layers=2, license=None)])
    assert list(df.columns) == COLUMNS and len(DATATYPES) == len(COLUMNS)
    assert df["#"].tolist() == [1, 2]
    assert df.iloc[1].tolist()[:8] == [2, "bob/cifar", "train.py", "PyTorch", "cifar10, cifar100",
                                       "image classification", 2, ""]
    assert df.iloc[0]["source"] == (
        f"[lines 12-40](https://github.com/alice/mnist-cnn/blob/{'c' * 40}/train.py#L12-L40)")


def test_rows_empty() -> None:
    df = rows([])
    assert list(df.columns) == COLUMNS and len(df) == 0


def test_long_paths_keep_their_end() -> None:
    df = rows([_s(path="a/" * 40 + "model.py")])
    assert df.iloc[0]["file"].endswith("model.py") and len(df.iloc[0]["file"]) <= 48


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "vbscript:msgbox(1)",
    "",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_unsafe_urls_become_plain_text(url: str) -> None:
    assert safe_url(url) is None
    link = source_link(_s(url=url))
    assert "](" not in link and "javascript" not in link.lower()


def test_url_cannot_break_out_of_the_link() -> None:
    url = 'https://github.com/a/b/blob/c/x) [y](javascript:alert(1) "t" <img>.py#L1'
    got = safe_url(url)
    assert got is not None and got.startswith("https://github.com/a/b/blob/c/x")
    assert not re.search(r"[\s()\[\]<>\"']", got)


def test_link_text_names_the_lines() -> None:
    s = _s(path="<img src=x onerror=alert(1)>](javascript:x).py")
    assert source_link(s).startswith("[lines 12-40](https://github.com/")
    s.source.line_end = 12
    assert source_link(s).startswith("[line 12](")
    s.source.line_start = None
    assert source_link(s).startswith("[source](")


def test_file_cell_is_plain_text() -> None:
    # cells other than the link are shown as text by the table (datatype "str"), never parsed
    df = rows([_s(path="<img src=x onerror=alert(1)>.py")])
    assert df.iloc[0]["file"] == "<img src=x onerror=alert(1)>.py"
    assert DATATYPES[COLUMNS.index("file")] == "str"


ESCAPES = [
    ("<b>x</b>", "\\<b\\>x\\</b\\>"),
    ("[a](javascript:b)", "\\[a\\]\\(javascript:b\\)"),
    ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
    ("line\nbreak", "line break"),
    ("# title", "\\# title"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("a & b", "a \\& b"),
    ("plain words 1e-3", "plain words 1e-3"),
]


@pytest.mark.parametrize(("text", "expected"), ESCAPES)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_escape_markdown_keeps_newlines_when_asked() -> None:
    assert escape_markdown("- a\n- b", keep_newlines=True) == "\\- a\n\\- b"


def test_csv_export() -> None:
    text = to_csv([_s("a"), _s("b", repo="=cmd|' /C calc'!A0", license=None)], scores=[0.91234, 0.5])
    got = list(csv.DictReader(io.StringIO(text)))
    assert list(got[0].keys()) == EXPORT_COLUMNS
    assert got[0]["rank"] == "1" and got[0]["score"] == "0.9123" and got[0]["layers"] == "3"
    assert got[0]["layer_sequence"] == "Conv2D > Flatten > Dense"
    assert got[0]["url"].startswith("https://github.com/alice/mnist-cnn/blob/")
    # a cell a spreadsheet would run as a formula is quoted as text
    assert got[1]["repository"].startswith("'=")


def test_json_export_round_trips() -> None:
    items = json.loads(to_json([_s("a"), _s("b")], scores=[0.9, 0.8]))
    assert [i["rank"] for i in items] == [1, 2] and items[1]["score"] == 0.8
    back = Summary.from_dict({k: v for k, v in items[0].items() if k not in ("rank", "score")})
    assert back == _s("a")


def test_sorting_keeps_ranks_and_ties_in_retrieval_order() -> None:
    items = [_s("a", n_layers=2), _s("b", repo="zed/x", n_layers=3), _s("c", repo="Amy/y", n_layers=2),
             _s("d", repo="bob/z", n_layers=3)]
    assert rows(items)["#"].tolist() == [1, 2, 3, 4]
    assert rows(items, "most layers")["#"].tolist() == [2, 4, 1, 3]
    assert rows(items, "fewest layers")["#"].tolist() == [1, 3, 2, 4]
    assert rows(items, "repository")["repository"].tolist() == ["alice/mnist-cnn", "Amy/y", "bob/z", "zed/x"]
    assert rows(items, "no such order")["#"].tolist() == [1, 2, 3, 4]
    assert len(rows([], "most layers")) == 0
