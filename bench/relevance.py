"""Relevance: precision@20 of the search against a BM25 keyword baseline, question by question.

For each plain-language question of bench/questions.jsonl (with the task(s)
it should bring back), precision@20 is the share of the top 20 whose task is
one of those (over the hits returned, fewer than 20 when the question names a
dataset or framework that has fewer examples: a hard filter). The baseline is BM25 (rank-bm25) over the very texts the index
embeds (``index.text.summary_text``), tokenized into lower-case words. The
mean is reported over all questions and over those whose task has at least
20 examples in the corpus (the target: >= 0.85).

    .venv/bin/python bench/relevance.py                     # the shipped corpus
    .venv/bin/python bench/relevance.py --index-dir DIR      # another built index
    .venv/bin/python bench/relevance.py --synthetic 3000     # before the corpus lands
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from index.search import ExampleIndex  # noqa: E402
from index.text import summary_text  # noqa: E402

QUESTIONS = Path(__file__).with_name("questions.jsonl")
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    """Rows ``{"question": str, "tasks": [str, ...]}`` (``"task": str`` is accepted too)."""
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            tasks = d.get("tasks") or [d["task"]]
            out.append({"question": d["question"], "tasks": [tasks] if isinstance(tasks, str) else list(tasks)})
    return out


class BM25Baseline:
    """BM25 over the embedded texts of an index, rows in index order."""

    def __init__(self, ix: ExampleIndex) -> None:
        from rank_bm25 import BM25Okapi

        self.bm25 = BM25Okapi([tokens(summary_text(ix.records.get(r))) or ["_"] for r in range(len(ix))])

    def top(self, question: str, k: int) -> list[int]:
        scores = self.bm25.get_scores(tokens(question))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top], kind="stable")].tolist()


def evaluate(ix: ExampleIndex, qs: list[dict], k: int = 20, verbose: bool = True) -> dict[str, float]:
    """Precision@k of the search and of BM25, per question and on average.

    Args:
        ix: the index.
        qs: ``{"question": str, "tasks": [str, ...]}`` rows.
        k: the cut-off (20).
        verbose: print one line per question.

    Returns:
        Means: ``search``, ``bm25`` (all questions) and ``search_eligible``,
        ``bm25_eligible`` (questions whose tasks have >= k examples).
    """
    task_counts = dict(ix.values("task"))
    tasks_of = ix.frame["task"].to_numpy()
    bm25 = BM25Baseline(ix)
    rows = []
    if verbose:
        print(f"{'P@' + str(k):>6} {'BM25':>6} {'n':>5} {'got':>4}  question -> tasks   "
              "(n: examples of the tasks; got: hits returned)")
    for q in qs:
        want = set(q["tasks"])
        n = sum(task_counts.get(t, 0) for t in want)
        r = ix.search(q["question"], k=k)
        # a dataset or framework named in the question is a hard filter and may
        # leave fewer than k examples: precision is over what was returned
        got = max(1, len(r.hits))
        p_search = sum(h.summary.task in want for h in r.hits) / got
        p_bm25 = sum(tasks_of[i] in want for i in bm25.top(q["question"], k)) / k
        rows.append((p_search, p_bm25, n >= k))
        if verbose:
            print(f"{p_search:6.2f} {p_bm25:6.2f} {n:5d} {len(r.hits):4d}  {q['question']} -> {', '.join(sorted(want))}"
                  + ("" if n >= k else "  (fewer than 20 examples)")
                  + (f"  [filters: {r.filters.as_dict()}]" if r.filters.as_dict() else ""))
    a = np.array(rows, dtype=float)
    elig = a[a[:, 2] == 1]
    out = {"search": a[:, 0].mean(), "bm25": a[:, 1].mean(), "questions": len(a),
           "eligible": len(elig),
           "search_eligible": elig[:, 0].mean() if len(elig) else float("nan"),
           "bm25_eligible": elig[:, 1].mean() if len(elig) else float("nan")}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index-dir", default=None, help="a built index (default: var/index, built if missing)")
    p.add_argument("--corpus", default=None, help="summaries file (default: the shipped corpus)")
    p.add_argument("--synthetic", type=int, default=0, help="index N synthetic summaries instead")
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    args = p.parse_args(argv)
    qs = load_questions(args.questions)
    if args.synthetic:
        from corpus.record.store import write_summaries
        from index.build import build_index
        from index.synthetic import synthetic_summaries

        tmp = Path(tempfile.mkdtemp(prefix="relevance-"))
        write_summaries(tmp / "c.jsonl.gz", synthetic_summaries(args.synthetic, seed=0))
        ix, _ = build_index(tmp / "c.jsonl.gz", tmp / "index", progress=True)
        label = f"{args.synthetic} synthetic summaries"
    else:
        from index.store import ensure_index

        ix = ensure_index(args.corpus, args.index_dir)
        label = f"{len(ix)} summaries ({ix.manifest.get('corpus_path', 'corpus')})"
    print(f"relevance on {label}, {len(qs)} questions\n")
    m = evaluate(ix, qs)
    print(f"\nmean precision@20, all {m['questions']} questions:      search {m['search']:.3f}   BM25 {m['bm25']:.3f}")
    print(f"mean precision@20, {m['eligible']} questions with >= 20 examples: "
          f"search {m['search_eligible']:.3f}   BM25 {m['bm25_eligible']:.3f}   (target >= 0.85)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
