"""Relevance: precision@20 on the paths a question takes, against a BM25 keyword baseline.

For each plain-language question of bench/questions.jsonl (with the task(s)
it should bring back), precision@20 is the share of the top 20 whose task is
one of those (over the hits returned, fewer than 20 when a filter leaves
fewer). Three paths, all reading the question with ``index.understand``:

- ``chat``: the app's path: ``Engine.apply_message(State(), question)``, then
  the population the chat state retrieves (k = 100, the app's default);
- ``cli``: ``examplenet search QUESTION`` (``ExampleIndex.search``, k = 100);
- ``search@20``: the method of the README's earlier figure, ``search(question, k=20)``.

The baseline is BM25 (rank-bm25) over the very texts the index embeds
(``index.text.summary_text``), tokenized into lower-case words. Means are
reported over all questions and over those whose task has at least 20
examples in the corpus (the target: >= 0.85).

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


def _precision(summaries: list, want: set[str], k: int) -> float:
    top = summaries[:k]
    return sum(s.task in want for s in top) / max(1, len(top))


PATHS = ("chat", "cli", "search@20")


def top_by_path(ix: ExampleIndex, question: str, engine, k: int = 20) -> dict[str, tuple[list, dict]]:
    """The ranked summaries each path returns for a question, with the filters it applied."""
    from assistant.session import State

    out = {}
    pop = engine.population(engine.apply_message(State(), question))
    out["chat"] = (pop.summaries, dict(pop.filters))
    r = ix.search(question, k=100)
    out["cli"] = ([h.summary for h in r.hits], r.filters.as_dict())
    r = ix.search(question, k=k)
    out["search@20"] = ([h.summary for h in r.hits], r.filters.as_dict())
    return out


def evaluate(ix: ExampleIndex, qs: list[dict], k: int = 20, verbose: bool = True) -> dict[str, float]:
    """Precision@k of each path (:data:`PATHS`) and of BM25, per question and on average.

    Args:
        ix: the index.
        qs: ``{"question": str, "tasks": [str, ...]}`` rows.
        k: the cut-off (20).
        verbose: print one line per question.

    Returns:
        Means by name: each path and ``bm25`` over all questions, and the same
        with ``_eligible`` over questions whose tasks have >= k examples;
        ``questions``, ``eligible``; ``agree``: questions whose 100 examples
        are the same, in the same order, in the chat and on the command line.
    """
    from assistant.session import Engine

    engine = Engine(ix)
    task_counts = dict(ix.values("task"))
    tasks_of = ix.frame["task"].to_numpy()
    bm25 = BM25Baseline(ix)
    rows = []
    agree = 0
    if verbose:
        print("  ".join(f"{p:>9}" for p in (*PATHS, "BM25")) + f" {'n':>5}  question -> tasks   "
              "(n: examples of the tasks; [chat filters])")
    for q in qs:
        want = set(q["tasks"])
        n = sum(task_counts.get(t, 0) for t in want)
        got = top_by_path(ix, q["question"], engine, k)
        agree += [s.id for s in got["chat"][0]] == [s.id for s in got["cli"][0]]
        ps = [_precision(got[p][0], want, k) for p in PATHS]
        p_bm25 = sum(tasks_of[i] in want for i in bm25.top(q["question"], k)) / k
        rows.append((*ps, p_bm25, n >= k))
        if verbose:
            filters = got["chat"][1]
            print("  ".join(f"{v:9.2f}" for v in (*ps, p_bm25)) + f" {n:5d}  {q['question']} -> "
                  + ", ".join(sorted(want)) + ("" if n >= k else f"  (fewer than {k} examples)")
                  + (f"  [{filters}]" if filters else ""))
    a = np.array(rows, dtype=float)
    elig = a[a[:, -1] == 1]
    out: dict[str, float] = {"questions": len(a), "eligible": len(elig), "agree": agree}
    for i, name in enumerate((*PATHS, "bm25")):
        out[name] = a[:, i].mean()
        out[name + "_eligible"] = elig[:, i].mean() if len(elig) else float("nan")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index-dir", default=None, help="a built index (default: var/index, built if missing)")
    p.add_argument("--corpus", default=None, help="summaries file (default: the shipped corpus)")
    p.add_argument("--synthetic", type=int, default=0, help="index N synthetic summaries instead")
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("-k", type=int, default=20,
                   help="the cut-off (default 20; 100: the share of the hundred the chat shows that is on task)")
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
    m = evaluate(ix, qs, k=args.k)
    for label_, suffix, count in (("all", "", m["questions"]), (f">= {args.k} examples", "_eligible", m["eligible"])):
        print(f"\nmean precision@{args.k}, {count} questions ({label_}): "
              + "   ".join(f"{p} {m[p + suffix]:.3f}" for p in (*PATHS, "bm25"))
              + ("   (target >= 0.85)" if suffix else ""))
    print(f"chat and command line give the same 100 examples in the same order for {m['agree']} of "
          f"{m['questions']} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
