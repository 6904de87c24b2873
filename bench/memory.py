"""Serving memory with a large index of synthetic examples (issue 14 item 4).

    .venv/bin/python bench/memory.py [--n 100000] [--rounds 3] [--keep DIR]

Writes an index of ``--n`` synthetic summaries with every field filled
(layers with their arguments, hyperparameters with extras, reported results,
environment, value sources, training file) to a temporary folder through
``index.store.save_index``, with random unit vectors of the model's
dimension (this bench measures memory, not relevance). Then starts the app
on it as ``examplenet serve`` does (``app.serve``, a subprocess on a free
loopback port), reads the server's VmRSS after start, drives it with
``--rounds`` rounds of mixed requests per kind (the users of
``bench/load.py``, answers checked), and reads VmRSS and the peak VmHWM at the
end. Target: <= 1.5 GB. Prints the figures and the index's sizes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py: the simulated users)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from corpus.record.summary import Environment, ParseInfo, Reported, Summary, github_url  # noqa: E402
from index.metadata import Metadata, frame_of  # noqa: E402
from index.search import ExampleIndex, _Records  # noqa: E402
from index.synthetic import synthetic_summaries  # noqa: E402

TARGET_MB = 1536
DIM = 384
_ARGS = {
    "Dense": lambda r: {"units": r.choice([32, 64, 128, 256, 512])},
    "Conv2D": lambda r: {"filters": r.choice([32, 64, 128]), "kernel_size": [3, 3], "padding": "same"},
    "Conv1D": lambda r: {"filters": r.choice([64, 128]), "kernel_size": 5},
    "LSTM": lambda r: {"units": r.choice([64, 128, 256]), "return_sequences": r.random() < 0.5},
    "GRU": lambda r: {"units": r.choice([64, 128])},
    "Embedding": lambda r: {"input_dim": r.choice([10000, 20000]), "output_dim": r.choice([64, 128, 300])},
    "Dropout": lambda r: {"rate": r.choice([0.2, 0.25, 0.5])},
    "MaxPooling2D": lambda r: {"pool_size": [2, 2]},
}
_PACKAGES = ["numpy", "pandas", "matplotlib", "scikit-learn", "tqdm", "pillow", "scipy", "seaborn", "h5py"]


def full_summary(base: Summary, i: int) -> Summary:
    """``base`` with every field a harvested summary can carry, filled deterministically from ``i``."""
    r = random.Random(i)
    commit = hashlib.sha1(f"commit{i // 7}".encode()).hexdigest()
    src = base.source
    src.commit = commit
    src.url = github_url(src.repo or "", commit, src.path, src.line_start, src.line_end)
    if r.random() < 0.4:
        src.train_path = f"train_{i % 13}.py"
        src.train_line_start, src.train_line_end = 20, 60
        src.train_url = github_url(src.repo or "", commit, src.train_path, 20, 60)
    for layer in base.layers:
        layer.args = {**layer.args, **_ARGS.get(layer.type, lambda _r: {})(r)}
    hp = base.hyperparameters
    hp.metrics = ["accuracy"] + (["top_5_accuracy"] if r.random() < 0.2 else [])
    hp.loss_raw = hp.loss
    hp.extra = {"momentum": 0.9, "weight_decay": 1e-4} if hp.optimizer == "sgd" else {"beta_1": 0.9}
    base.input_shape = [None, 28, 28, 1] if base.task.startswith("image") else [None, 100]
    where = f"{src.url.split('#')[0]}#L{r.randint(100, 400)}"
    base.reported = [Reported("accuracy", round(r.uniform(0.6, 0.99), 4), split, epoch=r.randint(1, 50), where=where)
                     for split in ("train", "val", "test")] + [Reported("loss", round(r.uniform(0.05, 1.5), 4),
                                                                        "val", epoch=r.randint(1, 50), where=where)]
    fw_pkg = {"pytorch": {"torch": ">=1.13", "torchvision": ""}, "keras": {"tensorflow": "==2.12.0", "keras": ""},
              "tensorflow": {"tensorflow": ">=2.4"}}.get(base.framework, {})
    base.environment = Environment(
        python=r.choice(["3.8", "3.9", "3.10", None]),
        packages={**fw_pkg, **{p: r.choice(["", ">=1.0", "==1.2.3"]) for p in r.sample(_PACKAGES, 5)}},
        gpu=r.choice(["required", "optional", "cpu", None]), data_download=r.random() < 0.6)
    base.value_sources = {"learning_rate": f"{src.train_path or src.path}:{r.randint(20, 80)}",
                          "epochs": "configs/train.yaml: trainer.max_epochs"}
    base.preprocessing = sorted({*base.preprocessing, "normalize"})
    base.parse = ParseInfo("partial" if r.random() < 0.1 else "ok",
                           ["a layer's arguments were read partly"] if r.random() < 0.1 else [])
    return base


class _Made(_Records):
    """Summaries made on demand, so the writer never holds all of them."""

    def __init__(self, n: int, chunk: int) -> None:
        self._n, self._chunk = n, chunk
        self._cached: tuple[int, list[Summary]] = (-1, [])

    def __len__(self) -> int:
        return self._n

    def get(self, row: int) -> Summary:
        c = row // self._chunk
        if self._cached[0] != c:
            self._cached = (c, make_chunk(c, self._chunk, self._n))
        return self._cached[1][row - c * self._chunk]


def make_chunk(c: int, chunk: int, n: int) -> list[Summary]:
    """Summaries c*chunk .. of the synthetic index (unique ids, full fields)."""
    base = synthetic_summaries(min(chunk, n - c * chunk), seed=1000 + c)
    out = []
    for j, s in enumerate(base):
        i = c * chunk + j
        s.id = f"{i:08x}{s.id[8:]}"  # unique across chunks (each chunk restarts its numbering)
        out.append(full_summary(s, i))
    return out


def write_index(n: int, index_dir: Path, chunk: int = 10_000) -> dict:
    """An index folder of ``n`` full synthetic summaries with random unit vectors."""
    from index.embed import MODEL_NAME
    from index.store import save_index

    frames = [frame_of(make_chunk(c, chunk, n)) for c in range((n + chunk - 1) // chunk)]
    frame = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    class _Name:  # the manifest records the model's name: queries embed with the real one
        name, dim = MODEL_NAME, DIM

    ix = ExampleIndex.from_parts(vectors, Metadata(frame), _Made(n, chunk), _Name(), kind="flat")
    return save_index(ix, index_dir, extra={"synthetic": True})


def serve(index_dir: Path, port: int, log) -> subprocess.Popen:  # noqa: ANN001 - a file
    """The app on ``index_dir`` as `examplenet serve` runs it; no corpus, so it is never rebuilt."""
    code = ("import sys, app; sys.exit(app.serve(port=int(sys.argv[1]), index_dir=sys.argv[2], "
            "corpus_path=sys.argv[3]))")
    return subprocess.Popen([sys.executable, "-c", code, str(port), str(index_dir), str(index_dir / "no-corpus")],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)


def drive(url: str, rounds: int, users: int) -> list[tuple[str, float, str]]:
    """``rounds`` requests of each kind per user, answers checked (bench/load.py's users)."""
    app = load.App(url)
    results: list = []
    lock = threading.Lock()

    def one(n: int) -> None:
        user = load.User(app, n, seed=7)
        for _ in range(rounds):
            for kind in load.MIX:
                t0 = time.perf_counter()
                try:
                    getattr(user, kind)()
                    res = "ok"
                except load.Wrong as w:
                    res = f"wrong: {w}"
                except Exception as exc:  # noqa: BLE001 - counted, not raised
                    res = f"error: {type(exc).__name__}: {exc}"
                with lock:
                    results.append((kind, time.perf_counter() - t0, res))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3, help="requests of each kind per user")
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--keep", default=None, help="write the index here and keep it (default: a temporary folder)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="examplenet-memory-"))
    index_dir = Path(args.keep) if args.keep else tmp / "index"
    proc = None
    try:
        t = time.perf_counter()
        made = not (index_dir / "manifest.json").exists()
        if made:
            write_index(args.n, index_dir)
        manifest = json.loads((index_dir / "manifest.json").read_text())
        sizes = manifest["files"]
        print(f"index: {manifest['count']:,} synthetic summaries "
              + (f"written in {time.perf_counter() - t:.0f} s; " if made else f"(reused {index_dir}); ")
              + ", ".join(f"{f} {s / 1e6:.0f} MB" for f, s in sizes.items())
              + f"; {sizes['summaries.jsonl'] / manifest['count']:,.0f} bytes a summary")
        port = load.free_port()
        url = f"http://127.0.0.1:{port}/"
        t = time.perf_counter()
        log = open(tmp / "serve.log", "w+")  # noqa: SIM115 - read back in the finally
        proc = serve(index_dir, port, log)
        load.wait_up(url, proc)
        up = time.perf_counter() - t
        m0 = load.memory(proc.pid)
        print(f"server up in {up:.1f} s: VmRSS {m0['VmRSS']} MB (VmHWM {m0['VmHWM']} MB)")
        results = drive(url, args.rounds, args.users)
        m1 = load.memory(proc.pid)
        bad = [r for _, _, r in results if r != "ok"]
        print(f"after {len(results)} requests ({args.users} users x {args.rounds} rounds x {len(load.MIX)} kinds, "
              f"{len(bad)} errors or wrong answers): VmRSS {m1['VmRSS']} MB, peak VmHWM {m1['VmHWM']} MB "
              f"(target <= {TARGET_MB} MB: {'met' if m1['VmHWM'] <= TARGET_MB else 'NOT met'})")
        for r in bad[:5]:
            print("  " + r[:300])
        return 0 if m1["VmHWM"] <= TARGET_MB and not bad else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            if proc.returncode not in (0, -15):
                print((tmp / "serve.log").read_text()[-2000:], file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
