"""Time from starting the app to its first answer on the port (issue 12 item 5).

    .venv/bin/python bench/app_start.py [--port 7893] [--index-dir DIR] [--keep]

Starts ``examplenet serve`` as `make run` does (a fresh clone has no
``var/index``: by default the index folder is a new temporary one, so the
index is built exactly as on a fresh clone), waits until the port serves the
page, then asks one question through ``gradio_client`` and checks that
examples come back. Prints the seconds to the page, to the first answer, and
the load average before and after (the machine may be shared). Loopback only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=7893)
    ap.add_argument("--index-dir", default=None, help="index folder (default: a new empty temporary folder)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--question", default="classify movie reviews as positive or negative")
    ap.add_argument("--log", default=None, help="write the app's stderr here")
    args = ap.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    tmp = None
    index_dir = args.index_dir
    if index_dir is None:
        tmp = tempfile.mkdtemp(prefix="examplenet-start-")
        index_dir = str(Path(tmp) / "index")
    exe = Path(sys.executable).with_name("examplenet")
    load_before = os.getloadavg()
    log = open(args.log, "w") if args.log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), "serve", "--port", str(args.port), "--index-dir", index_dir],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        t_page = None
        while time.perf_counter() - t0 < args.timeout:
            if proc.poll() is not None:
                raise SystemExit(f"the app exited with status {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        t_page = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.25)
        if t_page is None:
            raise SystemExit(f"the app did not answer at {url} within {args.timeout:.0f} s")
        from gradio_client import Client

        client = Client(url, verbose=False)
        result = client.predict(args.question, [], api_name="/ask")
        t_answer = time.perf_counter() - t0
        chat = result[1] if isinstance(result, (list, tuple)) and len(result) > 1 else None
        ok = bool(chat)
    finally:
        proc.terminate()
        proc.wait(30)
        if log is not subprocess.DEVNULL:
            log.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"page served after   {t_page:.1f} s")
    print(f"first answer after  {t_answer:.1f} s ({'ok' if ok else 'EMPTY ANSWER'})")
    print(f"load average        {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min; {os.cpu_count()} cores)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
