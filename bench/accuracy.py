"""Parser accuracy against hand labels, on real public scripts.

``bench/labels.jsonl`` holds one object per model, labelled by hand from the
source by reading it and applying the spec (shared/spec/summary.md): repo,
commit, path, name, framework, layer types in forward order, optimizer,
learning_rate, batch_size, epochs, loss, datasets and task (``null`` where the
script does not write the value). The labels are facts, never source text;
the scripts themselves are read from fetched bare git mirrors at run time.

For each labelled file the blob is read from its mirror, parsed with
``parse_bytes`` (``corpus.readers.parser``) and the parser's models are matched to the
labels: by name first (the k-th label named ``model`` in a file goes with the
k-th parsed ``model`` in source order), then the leftovers in source order
(the name then counts as a mismatch). A labelled model the parser did not
give is *missed* and counts as wrong on every field, as a hand-labelled check
would count it; a parsed model nobody labelled is *extra* (reported, not
scored: the labels cover the models a script trains).

Prints, overall and per framework: models found / missed / extra, layer
sequence exact match, each hyperparameter, datasets (as a set), task,
framework and name. ``--verbose`` prints every mismatch (file, model, field,
expected, got); ``--json FILE`` writes them for further grouping.

    .venv/bin/python bench/accuracy.py --mirror-list MIRRORS.tsv [--labels FILE] [--verbose] [--code CHECKOUT]

``--code CHECKOUT`` scores another checkout's parser (before and after a
change; see ``bench/parse.py``).

``--repos`` reads each labelled repository as a whole (its code, config and
README files at the labelled commit) through the checkout's repository pass
(``corpus.readers.repository.parse_files``), or, for a checkout without one,
file by file as the harvest did before it (every candidate code file parsed
alone). Labels are then matched to the models whose definition
(``source.path``) is the labelled ``path``, and two figures are added: the
hyperparameter fields together, and, among models trained in another file
with at least two labelled hyperparameters, the share that gets at least two
of them right (issue 11).

``MIRRORS.tsv`` is tab-separated with a header naming at least the columns
``repo`` (owner/name) and ``mirror`` (the bare git directory as the fetch
tool returned it); the environment variable ``EXAMPLENET_MIRROR_LIST`` may
give it instead of the flag.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import code_module, parse_bytes_of, stray_modules, use_code  # noqa: E402

if TYPE_CHECKING:
    from corpus.record.summary import Summary

HERE = Path(__file__).resolve().parent
DEFAULT_LABELS = HERE / "labels.jsonl"
ENV_MIRRORS = "EXAMPLENET_MIRROR_LIST"

# The scored fields, in the order they are printed.
HYPER_FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")
FIELDS = ("layers", *HYPER_FIELDS, "datasets", "task", "framework", "name")
# The targets (share of labelled models right), for the printout.
TARGETS = {"layers": 0.90, "datasets": 0.90, "task": 0.90, **{f: 0.95 for f in HYPER_FIELDS}}


@dataclass
class Mismatch:
    """One labelled field the parser got wrong."""

    repo: str
    path: str
    model: str
    framework: str
    field: str
    expected: Any
    got: Any


@dataclass
class Tally:
    """Counts for one group of labelled models (overall or one framework)."""

    labelled: int = 0
    found: int = 0
    extra: int = 0
    right: Counter = field(default_factory=Counter)
    layer_similarity: float = 0.0  # sum over found models of 1 - normalized edit distance


def load_labels(path: Path) -> list[dict[str, Any]]:
    """The hand labels, one dict per model, in file order."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{n}: not JSON: {exc}")
    return rows


def load_mirrors(tsv: Path) -> dict[str, Path]:
    """``owner/name`` -> git directory, from a TSV with ``repo`` and ``mirror`` columns."""
    mirrors: dict[str, Path] = {}
    with tsv.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if not reader.fieldnames or not {"repo", "mirror"} <= set(reader.fieldnames):
            sys.exit(f"{tsv}: needs a header with the columns 'repo' and 'mirror' (tab-separated)")
        for row in reader:
            repo, mirror = (row.get("repo") or "").strip(), (row.get("mirror") or "").strip()
            if not repo or not mirror:
                continue
            d = Path(mirror)
            # fetch returns either the bare directory itself or a work-tree path
            if (d / ".git").is_dir():
                d = d / ".git"
            mirrors[repo] = d
    return mirrors


def read_blob(git_dir: Path, commit: str, path: str) -> bytes | None:
    """The file at ``commit:path`` in a bare mirror, or None when it is absent."""
    try:
        out = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{commit}:{path}"],
                             capture_output=True, check=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return out.stdout


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def field_value(s: Summary, name: str) -> Any:
    """The parser's value for a scored field, in the labels' shape."""
    if name == "layers":
        return [layer.type for layer in s.layers]
    if name in HYPER_FIELDS:
        return getattr(s.hyperparameters, name)
    if name == "datasets":
        return sorted(s.datasets)
    return getattr(s, name)


def same(name: str, expected: Any, got: Any) -> bool:
    """Whether the parser's value counts as right for this field."""
    if name == "datasets":
        return sorted(expected or []) == sorted(got or [])
    if name == "learning_rate":
        if expected is None or got is None:
            return expected is None and got is None
        try:
            return math.isclose(float(expected), float(got), rel_tol=1e-6)
        except (TypeError, ValueError):
            return False
    if name in ("batch_size", "epochs"):
        if expected is None or got is None:
            return expected is None and got is None
        try:
            return int(expected) == int(got) and float(got) == int(got)
        except (TypeError, ValueError):
            return False
    if name == "layers":
        return list(expected) == list(got)
    return _norm(expected) == _norm(got)


def edit_similarity(a: list[str], b: list[str]) -> float:
    """1 - Levenshtein distance / longer length: partial credit for near-miss sequences."""
    if not a and not b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return 1.0 - prev[-1] / max(len(a), len(b))


def match(labels: list[dict[str, Any]], parsed: list[Summary]) -> tuple[list[tuple[dict, Summary | None]], list[Summary]]:
    """Pair a file's labels with its parsed models.

    Returns:
        (label, summary or None when missed) for every label, and the parsed models left over.
    """
    order = sorted(parsed, key=lambda s: (s.source.line_start or 0))
    left = list(order)
    pairs: list[tuple[dict, Summary | None]] = []
    pending: list[dict] = []
    for lab in labels:
        hit = next((s for s in left if s.name == lab["name"]), None)
        if hit is None:
            pending.append(lab)
            pairs.append((lab, None))
        else:
            left.remove(hit)
            pairs.append((lab, hit))
    # Leftover labels take leftover models in source order (a model named differently
    # than the labeller would have named it still gets its other fields scored).
    for lab in pending:
        if not left:
            break
        hit = left.pop(0)
        idx = next(i for i, (lb, s) in enumerate(pairs) if lb is lab and s is None)
        pairs[idx] = (lab, hit)
    return pairs, left


# files a repository pass may read besides code: settings, READMEs, requirements
_REPO_EXTS = (".py", ".ipynb", ".md", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".txt", ".rst")
_REPO_FILE_BYTES = 2 * 1024 * 1024


def repo_files(git_dir: Path, commit: str) -> dict[str, bytes]:
    """The repository's code, config and text files at ``commit`` (each under 2 MiB), by path."""
    try:
        listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-l", "-z", commit],
                                 capture_output=True, check=True, timeout=120).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return {}
    wanted: list[tuple[str, str]] = []
    for rec in listing.split(b"\0"):
        if not rec:
            continue
        meta, _, name = rec.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = name.decode("utf-8", "replace")
        if kind != b"blob" or mode == b"120000" or not path.lower().endswith(_REPO_EXTS):
            continue
        if size.isdigit() and int(size) < _REPO_FILE_BYTES:
            wanted.append((path, blob.decode()))
    if not wanted:
        return {}
    out = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                         input=b"".join(f"{b}\n".encode() for _, b in wanted), capture_output=True,
                         timeout=600).stdout
    files: dict[str, bytes] = {}
    pos = 0
    for path, _ in wanted:
        nl = out.index(b"\n", pos)
        size = int(out[pos:nl].split()[2])
        files[path] = out[nl + 1:nl + 1 + size]
        pos = nl + 1 + size + 1
    return files


def parse_repository_of() -> Callable[..., list[Summary]]:
    """The checkout's repository pass, or file-by-file parsing for a checkout without one."""
    try:
        return code_module("corpus.readers.repository").parse_files
    except (ImportError, AttributeError):
        pass
    parse_bytes = parse_bytes_of()
    is_candidate = code_module("corpus.harvest.run", "corpus.harvest").is_candidate

    def file_by_file(files: dict[str, bytes], *, repo: str, commit: str, **_: Any) -> list[Summary]:
        out: list[Summary] = []
        for path, data in sorted(files.items()):
            if path.lower().endswith((".py", ".ipynb")) and is_candidate(path):
                out.extend(parse_bytes(data, path, repo=repo, commit=commit))
        return out
    return file_by_file


def score_repos(labels: list[dict[str, Any]], mirrors: dict[str, Path]) -> tuple[dict[str, Tally], list[Mismatch],
                                                                                list[str], list[tuple[str, str, str]]]:
    """As :func:`score`, each repository read whole (see the module docstring)."""
    parse_repo = parse_repository_of()
    by_repo: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for lab in labels:
        by_repo[(lab["repo"], lab["commit"])].append(lab)
    parsed_by: dict[tuple[str, str, str], list[Summary]] = {}
    skipped: list[str] = []
    for (repo, commit), labs in sorted(by_repo.items()):
        git_dir = mirrors.get(repo)
        files = repo_files(git_dir, commit) if git_dir else {}
        if not files:
            skipped.append(f"{repo}@{commit[:10]}" + ("" if git_dir else " (no mirror listed)"))
            continue
        for s in parse_repo(files, repo=repo, commit=commit):
            if s.parse.status != "failed":
                parsed_by.setdefault((repo, commit, s.source.path), []).append(s)
        for lab in labs:
            parsed_by.setdefault((repo, commit, lab["path"]), [])
    done = {(r, c, p) for (r, c), labs in by_repo.items() for p in [lab["path"] for lab in labs]}
    tallies, mismatches, _, extras = score([lab for lab in labels if (lab["repo"], lab["commit"], lab["path"]) in done
                                            and (lab["repo"], lab["commit"], lab["path"]) in parsed_by],
                                           mirrors, parsed=parsed_by)
    return tallies, mismatches, skipped, extras


def other_file_share(labels: list[dict[str, Any]], mismatches: list[Mismatch]) -> tuple[int, int]:
    """Among models trained in another file with >= 2 labelled hyperparameters: (with >= 2 right, all)."""
    wrong = defaultdict(set)
    for m in mismatches:
        wrong[(m.repo, m.path, m.model)].add(m.field)
    hit = total = 0
    for lab in labels:
        if not lab.get("trained_in_other_file"):
            continue
        labelled = [f for f in HYPER_FIELDS if lab.get(f) is not None]
        if len(labelled) < 2:
            continue
        total += 1
        right = [f for f in labelled if f not in wrong[(lab["repo"], lab["path"], lab["name"])]]
        hit += len(right) >= 2
    return hit, total


def score(labels: list[dict[str, Any]], mirrors: dict[str, Path],
          parsed: dict[tuple[str, str, str], list[Summary]] | None = None
          ) -> tuple[dict[str, Tally], list[Mismatch], list[str], list[tuple[str, str, str]]]:
    """Parse every labelled file and tally the fields.

    Returns:
        tallies by group ("all" and each framework), the mismatches, the files
        skipped (mirror or blob absent) and the extra models (repo, path, name).
    """
    by_file: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for lab in labels:
        by_file[(lab["repo"], lab["commit"], lab["path"])].append(lab)
    parse_bytes = parse_bytes_of()
    tallies: dict[str, Tally] = defaultdict(Tally)
    mismatches: list[Mismatch] = []
    skipped: list[str] = []
    extras: list[tuple[str, str, str]] = []
    try:
        from tqdm import tqdm
        items = tqdm(by_file.items(), desc="parsing labelled files", unit="file", file=sys.stderr, disable=None)
    except ImportError:  # tqdm is a dependency; stay usable without it
        items = by_file.items()
    for (repo, commit, path), labs in items:
        if parsed is not None:
            models = parsed.get((repo, commit, path), [])
        else:
            git_dir = mirrors.get(repo)
            data = read_blob(git_dir, commit, path) if git_dir else None
            if data is None:
                skipped.append(f"{repo}:{path}@{commit[:10]}" + ("" if git_dir else " (no mirror listed)"))
                continue
            # a file the parser could not read gives one "failed" placeholder: not a model
            models = [s for s in parse_bytes(data, path, repo=repo, commit=commit) if s.parse.status != "failed"]
        pairs, left = match(labs, models)
        extras.extend((repo, path, s.name) for s in left)
        # an extra model is charged to its file's (first) labelled framework
        file_fw = sorted({lab["framework"] for lab in labs})[0]
        for g in ("all", file_fw):
            tallies[g].extra += len(left)
        for lab, s in pairs:
            for g in ("all", lab["framework"]):
                t = tallies[g]
                t.labelled += 1
                if s is not None:
                    t.found += 1
                    t.layer_similarity += edit_similarity(lab["layers"], field_value(s, "layers"))
            for f in FIELDS:
                expected = lab.get(f)
                got = field_value(s, f) if s is not None else "<missed>"
                ok = s is not None and same(f, expected, got)
                if ok:
                    tallies["all"].right[f] += 1
                    tallies[lab["framework"]].right[f] += 1
                else:
                    mismatches.append(Mismatch(repo, path, lab["name"], lab["framework"], f, expected, got))
    return tallies, mismatches, skipped, extras


def report(tallies: dict[str, Tally], mismatches: list[Mismatch], skipped: list[str],
           extras: list[tuple[str, str, str]], verbose: bool,
           labels: list[dict[str, Any]] | None = None) -> None:
    """Print the accuracy tables (and the mismatches when verbose)."""
    groups = ["all"] + sorted(g for g in tallies if g != "all")
    head = f"{'field':<16}" + "".join(f"{g:>15}" for g in groups) + f"{'target':>9}"
    print(head)
    print("-" * len(head))

    def cell(n: int, d: int) -> str:
        return f"{n / d:>7.1%} {n:>3}/{d:<3}" if d else f"{'-':>15}"

    rows = [("models labelled", None), ("found", None), ("missed", None), ("extra", None)]
    for label, _ in rows:
        line = f"{label:<16}"
        for g in groups:
            t = tallies[g]
            v = {"models labelled": t.labelled, "found": t.found, "missed": t.labelled - t.found,
                 "extra": t.extra}[label]
            line += f"{v:>15}"
        print(line)
    print("-" * len(head))
    for f in FIELDS:
        line = f"{f:<16}" + "".join(cell(tallies[g].right[f], tallies[g].labelled) for g in groups)
        tgt = TARGETS.get(f)
        line += f"{tgt:>9.0%}" if tgt else f"{'':>9}"
        print(line)
    line = f"{'layers (edit)':<16}"
    for g in groups:
        t = tallies[g]
        line += f"{t.layer_similarity / t.found:>15.1%}" if t.found else f"{'-':>15}"
    print(line + f"{'':>9}")
    print("(layers (edit): mean 1 - edit distance / length over found models, partial credit)")
    if labels is not None:
        t = tallies["all"]
        n = sum(t.right[f] for f in HYPER_FIELDS)
        d = t.labelled * len(HYPER_FIELDS)
        print(f"{'hp fields (all)':<16}{cell(n, d):>15}")
        hit, total = other_file_share(labels, mismatches)
        print(f"trained in another file, >= 2 labelled hyperparameters: {cell(hit, total).strip()} "
              "get >= 2 of them right")
    if skipped:
        print(f"\n{len(skipped)} labelled file(s) skipped, not readable from the mirrors:")
        for s in skipped:
            print(f"  {s}")
    if verbose:
        print(f"\nExtra models (parsed, not labelled): {len(extras)}")
        for repo, path, name in extras:
            print(f"  {repo}:{path}  {name}")
        print(f"\nMismatches: {len(mismatches)}")
        for m in mismatches:
            print(f"  {m.repo}:{m.path}  [{m.model}] {m.field}: expected {m.expected!r}, got {m.got!r}")


def main(argv: list[str] | None = None) -> int:
    """Command line: parse the labelled files and print per-field accuracy."""
    ap = argparse.ArgumentParser(
        description="Accuracy of the parser against hand labels on real public scripts "
                    "(read from fetched bare git mirrors).")
    ap.add_argument("--mirror-list", default=os.environ.get(ENV_MIRRORS),
                    help="TSV with columns 'repo' and 'mirror' (the fetched bare git directories); "
                         f"or set {ENV_MIRRORS}")
    ap.add_argument("--labels", default=str(DEFAULT_LABELS), help="hand labels, JSON Lines (default: %(default)s)")
    ap.add_argument("--framework", help="score only labels of this framework (keras, tensorflow, pytorch)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every mismatch and extra model")
    ap.add_argument("--json", metavar="FILE", help="also write the mismatches as JSON to FILE")
    ap.add_argument("--code", metavar="CHECKOUT", default=None,
                    help="score another checkout's parser (see bench/parse.py; default: this one)")
    ap.add_argument("--repos", action="store_true",
                    help="read each labelled repository whole (the repository pass; file by file for a "
                         "checkout without one) and add the whole-repository figures")
    args = ap.parse_args(argv)
    use_code(args.code)
    if not args.mirror_list:
        ap.error(f"give --mirror-list TSV (or set {ENV_MIRRORS}): the labelled scripts are read from "
                 "fetched mirrors and are not part of this repository")
    tsv = Path(args.mirror_list)
    if not tsv.is_file():
        ap.error(f"mirror list {tsv} does not exist; fetch the repositories first and list them "
                 "(columns repo, mirror)")
    labels = load_labels(Path(args.labels))
    if args.framework:
        labels = [lab for lab in labels if lab["framework"] == args.framework]
    mirrors = {r: d for r, d in load_mirrors(tsv).items() if d.is_dir()}
    needed = sorted({lab["repo"] for lab in labels})
    missing = [r for r in needed if r not in mirrors]
    if len(missing) == len(needed):
        print(f"error: none of the {len(needed)} labelled repositories has a mirror on this machine "
              f"(listed in {tsv} and present on disk); fetch them first", file=sys.stderr)
        return 2
    if missing:
        print(f"warning: {len(missing)} labelled repositories have no mirror here, their files are skipped: "
              + ", ".join(missing), file=sys.stderr)
    if args.repos:
        tallies, mismatches, skipped, extras = score_repos(labels, mirrors)
    else:
        tallies, mismatches, skipped, extras = score(labels, mirrors)
    if stray_modules():
        print(f"error: modules of another checkout were loaded: {', '.join(stray_modules())}", file=sys.stderr)
        return 2
    report(tallies, mismatches, skipped, extras, args.verbose, labels if args.repos else None)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "mismatches": [m.__dict__ for m in mismatches],
            "extras": [{"repo": r, "path": p, "name": n} for r, p, n in extras],
        }, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
