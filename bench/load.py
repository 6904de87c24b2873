"""Drive the running app with simulated users through gradio_client (issue 6).

    .venv/bin/python bench/load.py [--users 20] [--seconds 60] [--port 7861] [--url URL]

Starts `examplenet serve` on 127.0.0.1 (unless --url names a running app),
then each simulated user asks questions in a loop on its own client for the
given time. An answer counts as correct when the framework the user named is
the framework filter the app reports back (so answers are not mixed between
users). Prints requests, errors, wrong answers, p50/p95 latency. Loopback
only; bounded by --seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    ("classify handwritten digits with pytorch", "pytorch"),
    ("sentiment of movie reviews in keras", "keras"),
    ("image classification on cifar10 using pytorch", "pytorch"),
    ("forecast a time series with an lstm in keras", "keras"),
    ("generate faces with a gan in pytorch", "pytorch"),
    ("segment medical images with keras", "keras"),
]


def wait_up(url: str, seconds: float = 300) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the app did not answer at {url} within {seconds:.0f} s")


def user(url: str, n: int, stop: float, out: list, lock: threading.Lock) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    i = n
    while time.time() < stop:
        question, framework = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        t0 = time.perf_counter()
        try:
            result = client.predict(question, [], api_name="/ask")
            dt = time.perf_counter() - t0
            # outputs: msg, chat, status, dataset, framework, ... (State is not sent)
            got = result[4] if isinstance(result, (list, tuple)) and len(result) > 4 else None
            if isinstance(got, dict):  # a gr.update(...) comes back as {"value": ..., "__type__": "update"}
                got = got.get("value")
            ok = got == framework
            with lock:
                out.append((dt, "ok" if ok else f"wrong: asked {framework}, got {got!r}"))
        except Exception as exc:  # noqa: BLE001 - errors are what we count
            with lock:
                out.append((time.perf_counter() - t0, f"error: {exc}"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=7861)
    ap.add_argument("--url", default=None, help="a running app (default: start one on 127.0.0.1:--port)")
    args = ap.parse_args()
    url = args.url or f"http://127.0.0.1:{args.port}/"
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("load is driven on loopback only")
    proc = None
    if args.url is None:
        exe = Path(sys.executable).with_name("examplenet")
        proc = subprocess.Popen([str(exe), "serve", "--port", str(args.port)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url)
        results: list = []
        lock = threading.Lock()
        stop = time.time() + args.seconds
        threads = [threading.Thread(target=user, args=(url, n, stop, results, lock)) for n in range(args.users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 120)
        wall = time.perf_counter() - t0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    lat = sorted(dt for dt, _ in results)
    errors = [r for _, r in results if r.startswith("error")]
    wrong = [r for _, r in results if r.startswith("wrong")]
    print(f"users:      {args.users} for {args.seconds:.0f} s (wall {wall:.0f} s)")
    print(f"requests:   {len(results)} ({len(results) / wall:.1f}/s)")
    print(f"errors:     {len(errors)}")
    print(f"wrong:      {len(wrong)}")
    if lat:
        print(f"latency:    p50 {statistics.median(lat) * 1000:.0f} ms, "
              f"p95 {lat[max(0, int(len(lat) * 0.95) - 1)] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
    for r in (errors + wrong)[:5]:
        print("  " + r[:300])
    return 1 if errors or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
