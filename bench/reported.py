"""Reported results and environments on the shipped corpus (issue 13, items 1-2).

For every repository of the corpus whose mirror is on this machine, reads
its files at the corpus's commit (``git cat-file``, never copied into this
repository), and prints:

- how many of the corpus's notebooks report a result in their stored outputs
  (``reported.notebook_results``), by split;
- how many of the corpus's examples get a reported result once
  ``outcomes.annotate_file`` and ``outcomes.annotate_repository`` run over
  the stored summaries (notebook outputs and README tables);
- the environment those give: examples with packages, a Python version, each
  GPU need, a data download, a framework version (pinned / inferred).

    .venv/bin/python bench/reported.py --mirrors MIRROR_ROOT [--corpus corpus/data/summaries.jsonl.gz] [-v]

``MIRROR_ROOT`` holds one ``OWNER+NAME`` folder per fetched repository (a
bare git dir, or ``repo``/``repo/.git`` inside it). The repositories of the
blind repository set (``bench/labels_repos.jsonl``) are skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def git_dir(root: Path, repo: str) -> Path | None:
    base = root / repo.replace("/", "+")
    for cand in (base / "repo" / ".git", base / "repo", base):
        if (cand / "objects").is_dir():
            return cand
    return None


def blind_repos(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {json.loads(line)["repo"] for line in path.open() if line.strip()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", required=True, help="folder of OWNER+NAME mirrors")
    ap.add_argument("--corpus", default="corpus/data/summaries.jsonl.gz")
    ap.add_argument("--blind", default="bench/labels_repos.jsonl", help="repositories never read")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    from accuracy import repo_files

    from corpus.readers import environment as env_reader
    from corpus.readers.outcomes import annotate_file, annotate_repository
    from corpus.readers.reported import notebook_results
    from corpus.record.summary import Summary

    skip = blind_repos(Path(args.blind))
    by_repo: dict[tuple[str, str], list[Summary]] = defaultdict(list)
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            s = Summary.from_dict(json.loads(line))
            if s.source.repo and s.source.commit and s.source.repo not in skip:
                by_repo[(s.source.repo, s.source.commit)].append(s)
    root = Path(args.mirrors)
    corpus_notebooks = {(r, s.source.path) for (r, _), ss in by_repo.items() for s in ss
                        if s.source.path.endswith(".ipynb")}
    nb_total = nb_read = nb_reporting = 0
    nb_split: Counter[str] = Counter()
    ex_total = ex_read = 0
    ex_reported: Counter[str] = Counter()
    gpu: Counter[str] = Counter()
    download: Counter[str] = Counter()
    version: Counter[str] = Counter()
    packages = python = 0
    repos_read = 0
    for (repo, commit), summaries in sorted(by_repo.items()):
        gd = git_dir(root, repo)
        ex_total += len(summaries)
        nbs = sorted({s.source.path for s in summaries if s.source.path.endswith(".ipynb")})
        nb_total += len(nbs)
        if gd is None:
            continue
        files = repo_files(gd, commit)
        if not files:
            continue
        repos_read += 1
        ex_read += len(summaries)
        for path in nbs:
            data = files.get(path)
            if data is None:
                continue
            nb_read += 1
            results = notebook_results(data, path, repo, commit)
            if results:
                nb_reporting += 1
                for split in {r.split for _, r in results}:
                    nb_split[split] += 1
            if args.verbose:
                print(f"{repo}/{path}: " + "; ".join(f"{r.split} {r.metric} {r.value:g} @L{ln}"
                                                     for ln, r in results))
        by_path: dict[str, list[Summary]] = defaultdict(list)
        for s in summaries:
            by_path[s.source.path].append(s)
        for path, own in by_path.items():
            if path in files:
                annotate_file(own, files[path], path, repo, commit)
        annotate_repository(summaries, files, repo, commit)
        for s in summaries:
            splits = {r.split for r in s.reported}
            if splits:
                ex_reported["any"] += 1
            if any(r.metric == "accuracy" and r.split in ("test", "val") for r in s.reported):
                ex_reported["held-out accuracy"] += 1
            for sp in splits:
                ex_reported[sp] += 1
            if any("README" in (r.where or "") or "readme" in (r.where or "").lower() for r in s.reported):
                ex_reported["from a README"] += 1
            e = s.environment
            gpu[str(e.gpu)] += 1
            download[str(e.data_download)] += 1
            packages += bool(e.packages)
            python += bool(e.python)
            shown, inferred = env_reader.shown_framework_version(s)
            version["inferred" if inferred else "pinned" if shown else "none"] += 1
    print(f"repositories: {len(by_repo)} in the corpus (blind set skipped: {len(skip)}), {repos_read} read "
          "from mirrors")
    print(f"notebooks: {nb_total} in the corpus ({len(corpus_notebooks)} distinct), {nb_read} read; "
          f"{nb_reporting} report a result in their stored outputs "
          f"({100 * nb_reporting / max(nb_read, 1):.1f}% of those read)")
    print("  by split: " + ", ".join(f"{k} {nb_split[k]}" for k in ("train", "val", "test")))
    print(f"examples: {ex_total} in those repositories, {ex_read} read; with a reported result: "
          f"{ex_reported['any']} ({100 * ex_reported['any'] / max(ex_read, 1):.1f}%); "
          + ", ".join(f"{k} {ex_reported[k]}" for k in ("train", "val", "test", "held-out accuracy",
                                                            "from a README")))
    print(f"environment of the {ex_read} examples read: packages {packages}, python {python}; gpu "
          + ", ".join(f"{k} {v}" for k, v in gpu.most_common()) + "; data download "
          + ", ".join(f"{k} {v}" for k, v in download.most_common()) + "; framework version "
          + ", ".join(f"{k} {v}" for k, v in version.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
