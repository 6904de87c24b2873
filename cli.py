"""The `examplenet` command line: the only module that reads arguments.

Each subcommand parses its options here and calls one function of the
package that owns the feature; heavy imports happen inside those calls so
that `examplenet --help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys

# Nothing reaches the internet: no hub downloads, no Gradio telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

EPILOG = """\
examples:
  examplenet parse train.py notebooks/          one JSON summary per model found
  examplenet index build                        embed corpus/data into var/index
  examplenet search "classify movie reviews" --framework pytorch -k 20
  examplenet compare my_model.py --task "digit recognition"
  examplenet compare my_project/ --model Net      a folder (or .zip) read as one repository
  examplenet serve --port 7860                  the web app on 127.0.0.1
"""


# -- corpus ---------------------------------------------------------------
def _cmd_parse(args: argparse.Namespace) -> int:
    from corpus.readers.parse_cli import run_parse

    return run_parse(args.paths, pretty=args.pretty, repo=args.repo)


def _cmd_harvest(args: argparse.Namespace) -> int:
    from corpus.harvest.run import run_harvest

    return run_harvest(args)


def _cmd_corpus_stats(args: argparse.Namespace) -> int:
    from corpus.harvest.stats import run_stats

    return run_stats(args.corpus, as_json=args.json)


# -- index ----------------------------------------------------------------
def _cmd_index_build(args: argparse.Namespace) -> int:
    from index.build import run_build

    return run_build(corpus_path=args.corpus, index_dir=args.index_dir, force=args.force,
                     ship_vectors=args.ship_vectors)


def _cmd_search(args: argparse.Namespace) -> int:
    from index.search_cli import run_search

    return run_search(args)


# -- assistant ------------------------------------------------------------
def _cmd_compare(args: argparse.Namespace) -> int:
    from assistant.compare_cli import run_compare

    return run_compare(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    import app

    return app.serve(port=args.port, index_dir=args.index_dir)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="examplenet",
        description="See about a hundred real example neural networks at once for the task you describe.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sp = sub.add_parser("parse", help="parse model scripts (.py, .ipynb, .md) into JSON Lines summaries",
                        description="Statically parse model scripts (never runs them) and print one JSON "
                                    "summary per model, one per line. A file that cannot be read gives a "
                                    "summary with parse.status = failed and a warning.")
    sp.add_argument("paths", nargs="+", metavar="PATH",
                    help="files or folders; a folder is read as ONE repository (a model defined in one file and "
                         "trained in another is one example; paths relative to the folder; repo and commit from "
                         "its git metadata); a file is read alone")
    sp.add_argument("--pretty", action="store_true", help="indented JSON instead of one line per summary")
    sp.add_argument("--repo", default=None,
                    help="owner/name to record in source.repo (and to link to GitHub); default: from the "
                         "folder's git remote, else none")
    sp.set_defaults(func=_cmd_parse)

    sp = sub.add_parser("harvest", help="parse public repositories (bare git dirs or work trees) into the corpus")
    _harvest_arguments(sp)
    sp.set_defaults(func=_cmd_harvest)

    sp = sub.add_parser("corpus", help="inspect the corpus")
    csub = sp.add_subparsers(dest="corpus_command", metavar="SUBCOMMAND")
    cs = csub.add_parser("stats", help="counts by framework, task, dataset and parse status")
    cs.add_argument("--corpus", default=None, help="summaries file (default: the shipped corpus)")
    cs.add_argument("--json", action="store_true", help="print the counts as JSON")
    cs.set_defaults(func=_cmd_corpus_stats)

    sp = sub.add_parser("index", help="build the search index")
    isub = sp.add_subparsers(dest="index_command", metavar="SUBCOMMAND")
    ib = isub.add_parser("build", help="embed the corpus and write the FAISS index (adds only new summaries)")
    ib.add_argument("--corpus", default=None, help="summaries file (default: the shipped corpus)")
    ib.add_argument("--index-dir", default=None, help="where to write the index (default: var/index)")
    ib.add_argument("--force", action="store_true", help="re-embed everything")
    ib.add_argument("--ship-vectors", action="store_true",
                    help="then write the vectors beside the corpus (float16 NAME.vectors.npz) so a fresh "
                         "clone builds its index without embedding")
    ib.set_defaults(func=_cmd_index_build)

    sp = sub.add_parser("search", help="retrieve the examples for a task described in plain words")
    sp.add_argument("query", metavar="TASK", help='e.g. "classify movie reviews as positive or negative"')
    sp.add_argument("--dataset", help="only examples on this dataset (e.g. mnist, cifar10, imdb)")
    sp.add_argument("--framework", help="only this framework: keras, tensorflow, pytorch")
    sp.add_argument("--task", help="only this task (e.g. image_classification)")
    sp.add_argument("-k", type=int, default=100, help="how many examples (default 100)")
    sp.add_argument("--json", action="store_true", help="one JSON array of summaries, best first, each with a score")
    sp.add_argument("--index-dir", default=None, help="index folder (default: var/index)")
    sp.set_defaults(func=_cmd_search)

    sp = sub.add_parser("compare", help="how a model differs from the common choices of similar examples")
    sp.add_argument("file", metavar="FILE", help="a Keras or PyTorch script or notebook, or a folder (or .zip) "
                    "read as one repository (parsed, never run)")
    sp.add_argument("--model", default=None, metavar="NAME",
                    help="in a folder or file of several models, the one to compare (default: the trained one "
                         "with the most layers; the others are listed)")
    sp.add_argument("--task", help='describe the task in words, e.g. "digit recognition" (default: inferred)')
    sp.add_argument("-k", type=int, default=100, help="how many examples to compare with (default 100)")
    sp.add_argument("--json", action="store_true", help="one JSON object: model, population, findings")
    sp.add_argument("--index-dir", default=None, help="index folder (default: var/index)")
    sp.set_defaults(func=_cmd_compare)

    sp = sub.add_parser("serve", help="start the web app on 127.0.0.1")
    sp.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    sp.add_argument("--index-dir", default=None, help="index folder (default: var/index)")
    sp.set_defaults(func=_cmd_serve)
    return p


def _harvest_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("repos", nargs="*", metavar="REPO_DIR",
                    help="bare git directories or work trees (default: those in corpus/repos.txt found under --mirror)")
    sp.add_argument("--out", default=None, help="summaries file to write (default: corpus/data/summaries.jsonl.gz)")
    sp.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    sp.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                    help="run the parsing on this dask.distributed cluster instead of local processes")
    sp.add_argument("--history", action="store_true", help="also read example files that only older commits hold")
    sp.add_argument("--resume", action="store_true", help="skip repositories already harvested into --out")
    sp.add_argument("--reread", action="store_true",
                    help="with --resume: read the repositories given again even at the same commit (after a "
                         "parser change); the others of --out stay as they were")
    sp.add_argument("--mirror", default=None, metavar="DIR",
                    help="folder of fetch mirrors (owner+name/); with no REPO_DIR, harvest those listed in --repos-file")
    sp.add_argument("--repos-file", default=None, metavar="FILE",
                    help="lines owner/name to harvest from --mirror (default: corpus/repos.txt)")
    sp.add_argument("--file-timeout", type=float, default=None, metavar="SECONDS",
                    help="time one file may take before it is recorded as failed (default 30)")
    sp.add_argument("--parser", default=None, metavar="MODULE:FUNC",
                    help="parse function (default corpus.readers.parser:parse_bytes)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        # `examplenet index` etc. without a subcommand: show that level's help.
        parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "--help"])
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
