"""Blind samples of the corpus: draw summaries at random, show their source to checkers, score their verdicts.

The corpus as users meet it is measured by summaries drawn at random and
checked against their source by someone who did not write the readers
(issue 11). Three steps, each a subcommand; write the seed down before
drawing:

    .venv/bin/python bench/blind_sample.py draw --seed 2026120750 --n 100 --out DIR \\
        [--summaries corpus/data/summaries.jsonl.gz] [--only-repos FILE] [--exclude bench/blind_samples.tsv]
    .venv/bin/python bench/blind_sample.py show --mirror DIR OWNER/NAME PATH [COMMIT]
    .venv/bin/python bench/blind_sample.py score DIR

``draw`` writes ``DIR/itemNNN.txt`` (one summary each, as the checker reads it)
and ``DIR/REPOS.txt``; it leaves out failed summaries and every repository of
``--exclude`` (the repositories of earlier samples, which a session fixed
against). ``show`` prints a file of a fetched mirror with the line numbers the
summaries use (a notebook: its code cells, numbered by their line in the
``.ipynb``), read from git, never run. The checkers follow
``bench/blind_check.md`` and write ``DIR/verdictNNN.txt``; ``score`` prints
how many are fully right, how many are not real examples, per framework and
per field. Verdicts quote code: keep DIR outside the repository; add the
sample's repositories to ``bench/blind_samples.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIELDS = ("layers", "task", "datasets", "optimizer", "learning_rate", "batch_size", "epochs", "loss")


def _layer(layer: dict) -> str:
    args = ",".join(f"{k}={v}" for k, v in (layer.get("args") or {}).items())
    act = f" act={layer['activation']}" if layer.get("activation") else ""
    return f"{layer['type']}({args}){act}  [line {layer.get('line')}]"


def item_text(i: int, r: dict) -> str:
    """One summary as a checker reads it."""
    s, hp = r["source"], r["hyperparameters"]
    lines = [f"# item {i:03d}  id {r['id']}", f"name: {r['name']}", f"framework: {r['framework']}",
             f"repo: {s['repo']}  commit: {s['commit']}",
             f"definition: {s['path']} lines {s['line_start']}-{s['line_end']}",
             f"training: {s['train_path']} lines {s['train_line_start']}-{s['train_line_end']}"
             if s.get("train_path") else "training: (same place / none named)",
             f"task: {r['task']}", f"datasets: {r['datasets']}",
             "hyperparameters: " + ", ".join(f"{k}={v}" for k, v in hp.items() if k != "loss_raw"),
             f"warnings: {r['parse']['warnings']}", "layers (forward order):"]
    return "\n".join(lines + ["  " + _layer(x) for x in r["layers"]]) + "\n"


def draw(args: argparse.Namespace) -> int:
    only = set(Path(args.only_repos).read_text().split()) if args.only_repos else None
    excluded: set[str] = set()
    if args.exclude and Path(args.exclude).exists():
        with open(args.exclude, newline="") as fh:
            excluded = {row["repo"] for row in csv.DictReader(fh, delimiter="\t")}
    with gzip.open(args.summaries, "rt") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if r["parse"]["status"] != "failed" and r["source"]["repo"] not in excluded
            and (only is None or r["source"]["repo"] in only)]
    pick = random.Random(args.seed).sample(range(len(rows)), args.n)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, k in enumerate(pick, 1):
        (out / f"item{i:03d}.txt").write_text(item_text(i, rows[k]))
    repos = sorted({rows[k]["source"]["repo"] for k in pick})
    (out / "REPOS.txt").write_text("\n".join(repos) + "\n")
    frameworks = Counter(rows[k]["framework"] for k in pick)
    print(f"{args.n} of {len(rows):,} summaries, {len(repos)} repositories; {dict(frameworks)}")
    return 0


def show(args: argparse.Namespace) -> int:
    from corpus.harvest import gitread
    from corpus.readers.script import source_text

    git_dir = gitread.find_git_dir(Path(args.mirror) / args.repo.replace("/", "+"))
    if git_dir is None:
        print(f"no mirror of {args.repo} under {args.mirror}", file=sys.stderr)
        return 1
    commit = args.commit or "HEAD"
    if subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", commit], capture_output=True).returncode:
        print(f"(commit {commit[:10]} is not in the mirror: HEAD shown, lines may differ)")
        commit = "HEAD"
    data = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{args.path}"],
                          capture_output=True).stdout
    if args.path.endswith(".ipynb"):
        st = source_text(data, args.path)
        cell = None
        for i, line in enumerate(st.code.split("\n")):
            c = st.cells[i] if st.cells and i < len(st.cells) else None
            if c != cell:
                print(f"----- cell {c}")
                cell = c
            print(f"{st.orig_line(i + 1) or '?':>6}  {line}")
    else:
        for i, line in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
            print(f"{i:>6}  {line}")
    return 0


def score(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    n = full = not_real = 0
    wrong: Counter[str] = Counter()
    right: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    by_framework: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in sorted(folder.glob("verdict*.txt")):
        text = verdict.read_text()
        num = re.search(r"item:\s*(\d+)", text)
        if num is None:
            continue
        item = (folder / f"item{int(num.group(1)):03d}.txt").read_text()
        framework = re.search(r"framework: (\w+)", item).group(1)
        n += 1
        by_framework[framework][1] += 1
        if re.search(r"^real:\s*NO", text, re.M):
            not_real += 1
            continue
        ok = re.search(r"^fully_right:\s*YES", text, re.M) is not None
        for f in FIELDS:
            m = re.search(rf"^{f}:\s*(RIGHT|WRONG|NA)", text, re.M)
            if m is None:
                continue
            if m.group(1) == "WRONG":
                wrong[f] += 1
                ok = False
            right[f] += m.group(1) == "RIGHT"
            judged[f] += m.group(1) != "NA"
        full += ok
        by_framework[framework][0] += ok
    print(f"{n} verdicts: fully right {full}, not real {not_real}")
    print("by framework:", {k: f"{a}/{b}" for k, (a, b) in sorted(by_framework.items())})
    print("wrong fields:", dict(wrong.most_common()))
    print("right among the real ones (judged):", {f: f"{right[f]}/{judged[f]}" for f in FIELDS})
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw", help="draw summaries at random (write the seed down first)")
    d.add_argument("--seed", type=int, required=True)
    d.add_argument("--n", type=int, default=100)
    d.add_argument("--out", required=True, help="folder for itemNNN.txt (outside the repository)")
    d.add_argument("--summaries", default=str(ROOT / "corpus" / "data" / "summaries.jsonl.gz"))
    d.add_argument("--only-repos", help="file of owner/name lines: draw only from these (a re-read's repositories)")
    d.add_argument("--exclude", default=str(ROOT / "bench" / "blind_samples.tsv"),
                   help="TSV with a repo column: repositories of earlier samples, left out")
    s = sub.add_parser("show", help="a file of a fetched mirror with the summaries' line numbers")
    s.add_argument("--mirror", required=True)
    s.add_argument("repo")
    s.add_argument("path")
    s.add_argument("commit", nargs="?")
    c = sub.add_parser("score", help="count the verdicts of a sample")
    c.add_argument("dir")
    args = ap.parse_args(argv)
    return {"draw": draw, "show": show, "score": score}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
