"""Two harvests side by side: what reading repositories whole changed (issue 11, Deliver 3).

    .venv/bin/python bench/corpus_compare.py OLD_SUMMARIES NEW_SUMMARIES

Each argument is a ``summaries.jsonl.gz`` with its ``manifest.json`` beside
it. Prints, for each: models, repositories with models, examples made only
of ``Custom`` layers, examples with no hyperparameter (and how many of those
carry the warning "not trained in this repository"), models joined across
files; and, for files that gave no model, how many of each kind
(``__init__.py``, data and utility modules, scripts that only train,
Markdown, notebooks, other).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

HP = ("optimizer", "learning_rate", "batch_size", "epochs", "loss", "steps")
_DATA_UTIL = re.compile(r"(data|dataset|loader|util|helper|preprocess|config|setting|param|option|arg|metric|"
                        r"visual|plot|eval|log|io|common|tool)", re.I)
_TRAIN = re.compile(r"(train|main|run|fit|finetune|solver|trainer|experiment)", re.I)


def load(path: Path) -> tuple[list[dict], dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    manifest = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
    return rows, manifest


def empty_kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name == "__init__.py":
        return "__init__.py"
    if name.endswith(".md"):
        return "Markdown"
    if name.endswith(".ipynb"):
        return "notebook"
    stem = name.rsplit(".", 1)[0]
    if _TRAIN.search(stem):
        return "training/driver script"
    if _DATA_UTIL.search(stem):
        return "data/utility module"
    return "other module"


def figures(rows: list[dict], manifest: dict) -> dict[str, object]:
    custom_only = sum(1 for r in rows if r["layers"] and all(x["type"] == "Custom" for x in r["layers"]))
    no_hp = [r for r in rows if not any((r.get("hyperparameters") or {}).get(k) is not None for k in HP)]
    untrained = sum(1 for r in no_hp if "not trained in this repository" in r["parse"]["warnings"])
    joined = sum(1 for r in rows if (r.get("source") or {}).get("train_path"))
    empties = Counter(empty_kind(f["path"]) for repo in manifest.get("repos", []) for f in repo.get("files", [])
                      if f.get("status") == "empty")
    by_fw = Counter(r["framework"] for r in rows)
    return {
        "models": len(rows),
        "repositories with models": len({r["source"]["repo"] for r in rows}),
        "frameworks": dict(by_fw.most_common()),
        "only Custom layers": custom_only,
        "no hyperparameter": len(no_hp),
        "  of which 'not trained in this repository'": untrained,
        "joined across files (train_path)": joined,
        "near-duplicates removed": (manifest.get("dedup") or {}).get("removed", 0),
        "files with no model, by kind": dict(empties.most_common()),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cols = [figures(*load(Path(a))) for a in argv]
    width = max(len(k) for k in cols[0])
    print(f"{'':<{width}}  {'before':>14}  {'after':>14}")
    for key in cols[0]:
        a, b = cols[0][key], cols[1].get(key)
        if isinstance(a, dict):
            print(key)
            for sub in sorted(set(a) | set(b or {}), key=lambda k: -(a.get(k, 0))):
                print(f"  {sub:<{width - 2}}  {a.get(sub, 0):>14,}  {(b or {}).get(sub, 0):>14,}")
            continue
        print(f"{key:<{width}}  {a:>14,}  {b:>14,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
