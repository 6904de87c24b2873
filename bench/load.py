"""Simulated users doing mixed work against `examplenet serve` over HTTP (issues 6, 14).

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--port 0] [--url URL] [--seed 1]

Starts ``examplenet serve`` on a free loopback port as a subprocess (unless
--url names a running app) and drives it the way the page does: each user
has its own Gradio session (``session_hash``) and calls the app's events
through the queue (``POST /gradio_api/queue/join`` then the
``/gradio_api/queue/data`` event stream), so the server keeps each user's
state between calls. The two public endpoints (``ask``, ``compare``) and the
page's private events (the filter dropdowns, the slider, a table row
selection) are called by their ``fn_index`` from ``/config``, like the
browser calls them.

Kinds of request, per user in a loop:

- ``question``: a new task in plain words, often naming a framework;
- ``follow_up``: a refinement in words (``only pytorch``, ``fewer than 10
  layers``, ``in keras instead``);
- ``control``: a filter dropdown or the slider changed;
- ``select``: a row of the examples table selected;
- ``paste``: a pasted model, half of them flawed on purpose with a known
  flaw (a learning rate of 10, 5,000 epochs, no loss).

Every answer is checked for its content, not only for HTTP 200: the framework
asked for is the filter reported and every table row's framework; a layer
limit holds for every row; the slider's count is the table's row count; a
selected row is named as selected in the status line; a flawed model draws
its finding (``huge_learning_rate`` ...) and an ordinary one draws none of
the planted kinds. Prints errors, wrong answers, p50/p95 per kind, requests
per second, and the server's VmRSS/VmHWM (``/proc/PID/status``) after start
and at the end. Loopback only; bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK_LABEL = {"pytorch": "PyTorch", "keras": "Keras", "tensorflow": "TensorFlow"}

# (question, framework named in it or None)
QUESTIONS = [
    ("classify handwritten digits with pytorch", "pytorch"),
    ("sentiment of movie reviews in keras", "keras"),
    ("image classification on cifar10 using pytorch", "pytorch"),
    ("forecast a time series with an lstm in keras", "keras"),
    ("generate faces with a gan in pytorch", "pytorch"),
    ("segment medical images with keras", "keras"),
    ("translate english to french", None),
    ("detect spam in emails", None),
    ("an autoencoder for mnist", None),
    ("classify images of clothes", None),
]
FOLLOW_UPS = ["only pytorch", "only keras", "in keras instead", "fewer than 10 layers", "fewer than 6 layers"]

# Pasted models: scripts written for this bench. The flaw is planted by the
# template's parameters, so the finding it must draw is known.
KERAS_CNN = '''from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255.0
model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense({units}, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate={lr}),{loss} metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs={epochs})
'''
TORCH_MLP = '''import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(784, {units})
        self.fc2 = nn.Linear({units}, 128)
        self.drop = nn.Dropout(0.2)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        x = self.flatten(x)
        x = torch.relu(self.fc1(x))
        x = self.drop(x)
        x = torch.relu(self.fc2(x))
        x = self.drop(x)
        return self.out(x)


train = datasets.FashionMNIST("data", train=True, download=True, transform=transforms.ToTensor())
loader = DataLoader(train, batch_size=64, shuffle=True)
model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr={lr}, momentum=0.9)
for epoch in range({epochs}):
    for images, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
'''
PLANTED = ("huge_learning_rate", "huge_epochs", "missing_loss")


def pasted_model(rng: random.Random) -> tuple[str, str | None]:
    """(code, the planted flaw's finding kind or None for an ordinary model)."""
    flaw = rng.choice(PLANTED) if rng.random() < 0.5 else None
    units = rng.choice([64, 128, 256])
    lr = 10 if flaw == "huge_learning_rate" else rng.choice([0.001, 0.0005])
    epochs = 5000 if flaw == "huge_epochs" else rng.choice([5, 10, 15])
    if rng.random() < 0.5 or flaw == "missing_loss":  # a Keras model can leave its loss out
        loss = "" if flaw == "missing_loss" else ' loss="sparse_categorical_crossentropy",'
        return KERAS_CNN.format(units=units, lr=lr, epochs=epochs, loss=loss), flaw
    return TORCH_MLP.format(units=units, lr=lr if flaw else lr * 10, epochs=epochs), flaw


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in MB (Linux /proc)."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key = line.split(":")[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(line.split()[1]) // 1024
    return out


def wait_up(url: str, proc: subprocess.Popen | None, seconds: float = 600) -> None:
    end = time.time() + seconds
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the app exited with status {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the app did not answer at {url} within {seconds:.0f} s")


class App:
    """The app's events by name, from its /config (shared by the users)."""

    def __init__(self, url: str) -> None:
        with urllib.request.urlopen(url + "config", timeout=30) as r:
            config = json.load(r)
        elem = {c["id"]: (c.get("props") or {}).get("elem_id") for c in config["components"]}
        self.url = url
        # "framework:input" -> (fn_index, trigger id, the elem_id of each output in order)
        self.events: dict[str, tuple[int, int, list[str | None]]] = {}
        for i, dep in enumerate(config["dependencies"]):
            for target, event in dep.get("targets") or []:
                name = f"{elem.get(target)}:{event}"
                outputs = [elem.get(o) for o in dep.get("outputs") or []]
                self.events.setdefault(name, (dep.get("id", i), target, outputs))


class Wrong(Exception):
    """The answer came back but says something else than was asked for."""


class User:
    """One simulated user: its own HTTP connection and Gradio session."""

    def __init__(self, app: App, n: int, seed: int) -> None:
        import httpx

        self.app = app
        self.http = httpx.Client(timeout=120)
        self.session = uuid.uuid4().hex
        self.rng = random.Random(seed * 1000 + n)
        self.history: list = []
        self.controls: list = ["any"] * 7 + [100]  # dataset ... loss, k: what the page shows
        self.table: list[list] = []
        self.asked = False
        self.selected: tuple | None = None
        self.last: Any = None  # the status line before this request (for the report)

    def call(self, event: str, data: list, event_data: Any = None) -> dict[str, Any]:
        """The event's outputs by elem_id (so new outputs of the app do not shift them)."""
        fn, trigger, names = self.app.events[event]
        r = self.http.post(self.app.url + "gradio_api/queue/join",
                           json={"data": data, "event_data": event_data, "fn_index": fn,
                                 "trigger_id": trigger, "session_hash": self.session})
        r.raise_for_status()
        event_id = r.json()["event_id"]
        with self.http.stream("GET", self.app.url + "gradio_api/queue/data",
                              params={"session_hash": self.session}) as s:
            s.raise_for_status()
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id or msg.get("msg") != "process_completed":
                    continue
                if not msg.get("success"):
                    raise RuntimeError(f"the app failed: {str(msg.get('output'))[:200]}")
                return {n: v for n, v in zip(names, msg["output"]["data"], strict=False) if n}
        raise RuntimeError("the event stream closed without the answer")

    def _read(self, out: dict[str, Any]) -> tuple[str, list[list]]:
        """Keep what the page would show; return (status line, table rows)."""
        if "chat" in out:
            self.history = out["chat"]
        status = _val(out["status"])
        self.last, last = status, self.last
        if not isinstance(status, str):  # gr.skip(): the app left the page as it was
            raise Wrong(f"the app ignored the request (status {out['status']!r}; before: {last!r})")
        self.controls = [_val(out[c]) for c in CONTROLS]
        table = out["examples"]
        rows = table["data"] if isinstance(table, dict) and table.get("data") else []
        if table is not None:
            self.table = rows
        return status, rows

    def question(self) -> None:
        q, fw = self.rng.choice(QUESTIONS)
        out = self.call("msg:submit", [q, self.history, None, None])
        status, rows = self._read(out)
        if not rows or "examples" not in status:
            raise Wrong(f"{q!r}: no examples ({status!r})")
        if fw is not None:
            _same_framework(q, fw, self.controls[1], rows)
        self.asked = True

    def follow_up(self) -> None:
        text = self.rng.choice(FOLLOW_UPS)
        out = self.call("msg:submit", [text, self.history, None, None])
        status, rows = self._read(out)
        if not rows:
            raise Wrong(f"{text!r}: no examples ({status!r})")
        if text.startswith(("only", "in ")):
            _same_framework(text, text.split()[1], self.controls[1], rows)
        else:
            limit = int(text.split()[2]) - 1
            # the status names the limit unless nothing matched it (then it says what it shows)
            if f"at most {limit} layers" in status and any(int(r[6]) > limit for r in rows):
                raise Wrong(f"{text!r}: a row has more than {limit} layers")
            if f"at most {limit} layers" not in status and "No examples match" not in _last_reply(self.history):
                raise Wrong(f"{text!r}: the limit is not applied ({status!r})")

    def control(self) -> None:
        controls = list(self.controls)
        if self.rng.random() < 0.3:
            k = self.rng.choice([k for k in (20, 50, 150) if k != controls[7]])  # an unchanged one is skipped
            controls[7], event, want = k, "k:release", ("k", k)
        else:
            fw = self.rng.choice([f for f in FRAMEWORK_LABEL if f != controls[1]])
            controls[1], event, want = fw, "framework:input", ("framework", fw)
        out = self.call(event, [*controls, self.history, None, None])
        status, rows = self._read(out)
        if want[0] == "framework":
            if rows:  # TensorFlow with a narrow dataset may match nothing; the status says so
                _same_framework(f"framework={want[1]}", want[1], self.controls[1], rows)
            elif "0 examples" not in status and "No " not in _last_reply(self.history):
                raise Wrong(f"framework={want[1]}: an empty table without a reason ({status!r})")
        else:
            n = int(status.split("**")[1].split()[0]) if status.startswith("**") else -1
            if len(rows) != n or n > want[1] or self.controls[7] != want[1]:
                raise Wrong(f"k={want[1]}: {len(rows)} rows, status {status!r}, slider {self.controls[7]}")

    def select(self) -> None:
        picks = [r for r in self.table[:20] if (r[1], r[2]) != self.selected]
        row = self.rng.choice(picks)
        i = self.table.index(row)
        out = self.call("examples:select", [None, None],
                        {"index": [i, 1], "value": row[1], "row_value": row, "col_value": None, "selected": True})
        try:
            status, _rows = self._read(out)
        except Wrong as w:
            raise Wrong(f"{w}: selected row {i} (rank {row[0]}) of {len(self.table)}") from None
        # the status escapes Markdown; a long repository name is cut with an ellipsis in the table
        repo = row[1].split("\u2026")[-1]
        if repo not in status.replace("\\", "") or "selected:" not in status:
            raise Wrong(f"selected row {row[0]} ({row[1]}), the status says {status!r}")
        self.selected = (row[1], row[2])

    def paste(self) -> None:
        code, flaw = pasted_model(self.rng)
        out = self.call("compare:click", [code, None, self.history, None, None])
        findings = (_val(out["findings"]) or "").replace("\\", "")  # kinds come Markdown-escaped (huge\_epochs)
        if "compared with" not in findings:
            raise Wrong(f"pasted model ({flaw or 'ordinary'}): no comparison ({findings[:120]!r})")
        if flaw is not None and f"**{flaw}**" not in findings:
            raise Wrong(f"pasted model with {flaw}: not found ({findings[:300]!r})")
        drawn = [k for k in PLANTED if f"**{k}**" in findings and k != flaw]
        if drawn:
            raise Wrong(f"pasted model ({flaw or 'ordinary'}) drew {drawn}")
        self._read(out)
        self.table = []  # a model's population replaces the table; ask again before selecting


CONTROLS = ["dataset", "framework", "task", "layer", "trick", "optimizer", "loss", "k"]  # elem_ids, input order


def _last_reply(history: list) -> str:
    content = history[-1]["content"] if history else ""
    return content if isinstance(content, str) else " ".join(c.get("text", "") for c in content)


def _val(x: Any) -> Any:
    return x.get("value") if isinstance(x, dict) and "__type__" in x else x


def _same_framework(what: str, fw: str, reported: Any, rows: list[list]) -> None:
    if reported != fw:
        raise Wrong(f"{what!r}: asked {fw}, the filter is {reported!r}")
    other = [r[3] for r in rows if r[3] != FRAMEWORK_LABEL[fw]]
    if other:
        raise Wrong(f"{what!r}: asked {fw}, {len(other)} rows are {sorted(set(other))}")


# kind -> weight in the mix (a user asks before refining; see run_user)
MIX = {"question": 3, "follow_up": 2, "control": 2, "select": 2, "paste": 2}


def run_user(app: App, n: int, seed: int, stop: float, out: list, lock: threading.Lock) -> None:
    user = User(app, n, seed)
    kinds, weights = list(MIX), list(MIX.values())
    while time.time() < stop:
        kind = "question" if not user.asked else user.rng.choices(kinds, weights)[0]
        if kind == "select" and not user.table:  # after a pasted model: ask again first
            kind = "question"
        t0 = time.perf_counter()
        try:
            getattr(user, kind)()
            result = "ok"
        except Wrong as w:
            result = f"wrong: {w}"
        except Exception as exc:  # noqa: BLE001 - errors are what we count
            result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            out.append((kind, time.perf_counter() - t0, result))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--port", type=int, default=0, help="port for the app it starts (default: a free one)")
    ap.add_argument("--url", default=None, help="a running app (default: start one on 127.0.0.1)")
    ap.add_argument("--index-dir", default=None, help="the index the app serves (default: var/index)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    port = args.port or free_port()
    url = (args.url or f"http://127.0.0.1:{port}").rstrip("/") + "/"
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("load is driven on loopback only")
    proc = None
    if args.url is None:
        exe = Path(sys.executable).with_name("examplenet")
        cmd = [str(exe), "serve", "--port", str(port)]
        if args.index_dir:
            cmd += ["--index-dir", args.index_dir]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t_start = time.perf_counter()
        wait_up(url, proc)
        print(f"server up in {time.perf_counter() - t_start:.1f} s on {url}")
        mem0 = memory(proc.pid) if proc else {}
        app = App(url)
        results: list = []
        lock = threading.Lock()
        stop = time.time() + args.seconds
        threads = [threading.Thread(target=run_user, args=(app, n, args.seed, stop, results, lock))
                   for n in range(args.users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 300)
        wall = time.perf_counter() - t0
        mem1 = memory(proc.pid) if proc else {}
        load = os.getloadavg()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    errors = [r for _, _, r in results if r.startswith("error")]
    wrong = [r for _, _, r in results if r.startswith("wrong")]
    print(f"users:      {args.users} for {args.seconds:.0f} s (wall {wall:.0f} s), {os.cpu_count()} CPUs, "
          f"load average at the end {load[0]:.1f}")
    print(f"requests:   {len(results)} ({len(results) / wall:.1f}/s)")
    print(f"errors:     {len(errors)}")
    print(f"wrong:      {len(wrong)}")
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, dt, _ in results:
        by_kind[kind].append(dt)
    for kind in MIX:
        lat = by_kind.get(kind)
        if lat:
            print(f"  {kind:<10} {len(lat):>5} requests, p50 {statistics.median(lat) * 1000:>6.0f} ms, "
                  f"p95 {pct(lat, 0.95) * 1000:>6.0f} ms, max {max(lat) * 1000:>6.0f} ms")
    if mem0:
        print(f"server memory: VmRSS {mem0['VmRSS']} MB after start -> {mem1['VmRSS']} MB at the end "
              f"(peak VmHWM {mem1['VmHWM']} MB)")
    for r in (errors + wrong)[:8]:
        print("  " + r[:400])
    return 1 if errors or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
