"""The critique on real code: plant each of the seven mistakes into real scripts, count the catches.

Scripts are chosen at random (fixed seed) from the corpus's own files: the
distinct (repository, commit, path) of the Keras and PyTorch examples in the
index, read from the fetched bare mirrors (``git show``; never copied into
this repo; notebooks are read as their code cells). The shuffled list is split
in two halves by the seed: ``--half tune`` to look at while improving
``assistant/compare.py``, ``--half measure`` to report (never tuned on).

For each script the model ``examplenet compare`` would pick is compared with
the population it would choose (``assistant.compare.choose_population`` on the
index). Then each mistake is planted by a text edit in memory, the edited text
is parsed again, and the plant counts only when the parser sees the intended
change (e.g. the epochs read are 5000); the planted model is compared with the
population chosen for it. A kind is *caught* when a finding of that kind comes
back (``--strict``: only a warning counts).

    missing_activation   an activation removed from a hidden layer (a PyTorch
                         forward's F.relu, an nn.ReLU, a Keras activation=)
    missing_loss         the loss dropped from a Keras compile()
    huge_epochs          5,000 epochs
    huge_learning_rate   a learning rate of 10
    missing_dropout      every dropout removed (a model that had some, on a task
                         that uses dropout, with >= 4 layers)
    missing_dense        a classifier's output Dense layer removed
    unusual_layer_order  Flatten moved before the first convolution, or Dropout
                         moved before the first layer

False warnings: the unmodified scripts that draw a warning (any kind), out of
those a reader judged free of the seven mistakes (``--judged FILE``: lines of
``repo<TAB>path<TAB>kind<TAB>reason`` for scripts a reader found to really
have a mistake of that kind; they leave the denominator).

    .venv/bin/python bench/critique.py --mirror-root MIRRORS --half tune [-n 300] [--seed 13] [-v]
    .venv/bin/python bench/critique.py --mirror-root MIRRORS --half measure --judged bench/critique_judged.tsv

``--half fresh`` draws n/2 further scripts after the first n (a second measuring set, for a
change made after the measuring half was looked at). ``--half all --avoid bench/critique_drawn.tsv
--seed S`` draws n scripts that no earlier set drew (the file lists the (repository, path) of the
scripts seed 13's sets drew, from today's index and the corpus before its re-harvest), measured whole.
``--warned FILE`` writes the unmodified scripts that draw a warning (repo, commit, path, kind, message)
for a reader to judge without the runner looking at them.

``--exclude FILE`` (a TSV whose first column is ``owner/name``) leaves those
repositories out (the blind label set's mirrors list). Prints figures; exit 0.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = ("missing_activation", "missing_loss", "huge_epochs", "huge_learning_rate", "missing_dropout",
         "missing_dense", "unusual_layer_order")
EPOCHS, LR = 5000, 10.0
MAX_TRIES = 8  # candidate edits tried per kind and script
CLASSIFIERS = frozenset({"image_classification", "text_classification", "tabular_classification",
                         "audio_classification"})


# -- reading the corpus's files ------------------------------------------------------------
def mirror_dir(root: Path, repo: str) -> Path | None:
    base = root / repo.replace("/", "+")
    for cand in (base / "repo" / ".git", base / "repo", base):
        if (cand / "HEAD").is_file() or (cand / "objects").is_dir():
            return cand
    return None


def git_show(git_dir: Path, commit: str | None, path: str) -> bytes | None:
    for rev in ([commit] if commit else []) + ["HEAD"]:
        r = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{rev}:{path}"], capture_output=True)
        if r.returncode == 0:
            return r.stdout
    return None


def candidate_files(index: Any, exclude: set[str]) -> list[tuple[str, str | None, str]]:
    """Distinct (repo, commit, path) of the index's Keras and PyTorch examples, sorted."""
    seen: set[tuple[str, str | None, str]] = set()
    for i in range(len(index)):
        s = index.records.get(i)
        src = s.source
        if s.framework not in ("keras", "pytorch") or not src.repo or src.repo in exclude:
            continue
        if not src.path.endswith((".py", ".ipynb")) or len(s.layers) < 3:
            continue
        seen.add((src.repo, src.commit, src.path))
    return sorted(seen, key=lambda t: (t[0], t[2], t[1] or ""))


def code_of(data: bytes, path: str) -> str:
    """A script's code; a notebook's code cells (as the parser reads them)."""
    from corpus.readers.script import source_text

    return source_text(data, path).code


# -- parsing and picking --------------------------------------------------------------------
def parse_model(code: str, path: str, repo: str, commit: str | None, name: str | None = None) -> Any:
    """The model ``examplenet compare`` would pick from this code (or the one named), or None."""
    from assistant.compare_cli import pick_model
    from corpus.readers.parser import parse_bytes

    py = path[:-6] + ".py" if path.endswith(".ipynb") else path
    models = [s for s in parse_bytes(code.encode("utf-8"), py, repo=repo, commit=commit) if s.layers]
    if not models:
        return None
    if name:
        same = [m for m in models if m.name == name]
        if same:
            return max(same, key=lambda m: len(m.layers))
    return pick_model(models, path, None)[0]


# -- text edits ------------------------------------------------------------------------------
def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the parenthesis that closes the one at ``text[start]``."""
    depth = 0
    quote = None
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _arg_end(text: str, start: int) -> int:
    """End of one call argument starting at ``start`` (the next top-level comma or closing paren)."""
    depth = 0
    quote = None
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return i


def _unwrap_calls(text: str, pattern: str) -> Iterator[str]:
    """Each occurrence of ``NAME(ARG, ...)`` matching ``pattern`` (up to the paren) replaced by ``(ARG)``."""
    for m in re.finditer(pattern, text):
        open_at = m.end() - 1
        end = _balanced_end(text, open_at)
        if end is None:
            continue
        first_end = _arg_end(text, open_at + 1)
        inner = text[open_at + 1:first_end].strip()
        if not inner or "=" in inner.split("(")[0]:
            continue
        yield text[:m.start()] + "(" + inner + ")" + text[end:]


def _drop_kwarg(text: str, kw_pattern: str) -> Iterator[str]:
    """Each keyword argument matching ``kw_pattern`` (``\\bactivation\\s*=``) removed with its comma."""
    for m in re.finditer(kw_pattern, text):
        end = _arg_end(text, m.end())
        before = text[:m.start()].rstrip()
        if before.endswith(","):
            yield before[:-1] + text[end:]
        elif before.endswith("(") and end < len(text) and text[end] == ",":
            yield text[:m.start()] + text[end + 1:].lstrip()
        elif before.endswith("("):
            yield text[:m.start()] + text[end:]


def _set_number(text: str, patterns: list[str], value: str) -> Iterator[str]:
    """Each numeric literal captured (group ``n``) by one of ``patterns`` set to ``value``."""
    for p in patterns:
        for m in re.finditer(p, text, re.IGNORECASE | re.MULTILINE):
            yield text[:m.start("n")] + value + text[m.end("n"):]


def _replace_calls(text: str, pattern: str, new: str) -> str:
    """Every call matching ``pattern`` (up to its paren) replaced by ``new``."""
    out, pos = [], 0
    for m in re.finditer(pattern, text):
        if m.start() < pos:
            continue
        end = _balanced_end(text, m.end() - 1)
        if end is None:
            continue
        out.append(text[pos:m.start()] + new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _lines_move(text: str, src: int, dst: int) -> str | None:
    """Line ``src`` (1-based, a whole statement on one line) moved to before line ``dst``, re-indented."""
    lines = text.split("\n")
    if not (1 <= src <= len(lines) and 1 <= dst <= len(lines)) or src == dst:
        return None
    line = lines[src - 1]
    if line.count("(") != line.count(")"):
        return None
    indent = re.match(r"\s*", lines[dst - 1]).group(0)
    moved = indent + line.strip()
    del lines[src - 1]
    lines.insert(dst - 1 if dst < src else dst - 2, moved)
    return "\n".join(lines)


ACTS = r"(?:relu|relu6|tanh|sigmoid|leaky_relu|elu|selu|gelu|silu|softplus|mish)"


def plants_missing_activation(code: str, model: Any) -> Iterator[str]:
    # a PyTorch forward's functional activation: F.relu(self.fc1(x)) -> (self.fc1(x))
    yield from _unwrap_calls(code, rf"\b(?:F|torch|nn\.functional|torch\.nn\.functional)\.{ACTS}\(")
    yield from _unwrap_calls(code, r"\bself\.(?:relu|act|activation|tanh|sigmoid|lrelu|leaky_relu|elu)\w*\(")
    # an activation module: nn.ReLU() -> nn.Identity()
    for m in re.finditer(r"\bnn\.(?:ReLU|ReLU6|Tanh|Sigmoid|LeakyReLU|ELU|SELU|GELU|SiLU|PReLU)\(", code):
        end = _balanced_end(code, m.end() - 1)
        if end is not None:
            yield code[:m.start()] + "nn.Identity()" + code[end:]
    # a Keras layer's activation= (hidden layers: the output's softmax is not this mistake)
    yield from _drop_kwarg(code, r"\bactivation\s*=\s*(?![\"']?(?:softmax|sigmoid|linear)[\"'])")
    # a Keras Activation layer: model.add(Activation('relu')) -> pass
    for m in re.finditer(r"^([ \t]*)\w+\.add\(\s*(?:\w+\.)*(?:Activation\(\s*[\"']relu[\"']\s*\)|ReLU\(\s*\))\s*\)"
                         r"[ \t]*$", code, re.MULTILINE):
        yield code[:m.start()] + m.group(1) + "pass" + code[m.end():]


def plants_missing_loss(code: str, model: Any) -> Iterator[str]:
    for m in re.finditer(r"\.compile\(", code):
        end = _balanced_end(code, m.end() - 1)
        if end is None:
            continue
        call = code[m.start():end]
        for alt in _drop_kwarg(call, r"\bloss\s*="):
            yield code[:m.start()] + alt + code[end:]


EPOCH_PATTERNS = [
    r"\b(?:epochs|nb_epochs?|num_epochs|n_epochs|max_epochs|epoch_num|num_epoch|total_epochs|EPOCHS?|N_EPOCHS"
    r"|NUM_EPOCHS|NB_EPOCHS?|MAX_EPOCHS)\s*[:=]\s*(?P<n>\d+)\b",
    r"[\"'](?:epochs?|num_epochs|n_epochs|nb_epoch|max_epochs)[\"']\s*[:,]\s*(?P<n>\d+)\b",
    r"^[^\n#]*epoch[^\n#]*default\s*=\s*(?P<n>\d+)\b",
    r"^\s*for\s+\w*(?:epoch|ep|e)\w*\s+in\s+(?:tqdm\()?(?:range|trange)\(\s*(?:\d+\s*,\s*)?(?P<n>\d+)\s*\)",
]
LR_PATTERNS = [
    r"\b(?:lr|learning_rate|LR|LEARNING_RATE|learningrate|learningRate|base_lr|init_lr|initial_lr"
    r"|INIT_LR|LEARN_RATE|learn_rate|lr_rate|alpha)\s*[:=]\s*(?P<n>\d*\.?\d+(?:[eE][-+]?\d+)?)\b",
    r"[\"'](?:lr|learning_rate|learning-rate)[\"']\s*[:,]\s*(?P<n>\d*\.?\d+(?:[eE][-+]?\d+)?)\b",
    r"^[^\n#]*(?:\blr\b|learning.rate)[^\n#]*default\s*=\s*(?P<n>\d*\.?\d+(?:[eE][-+]?\d+)?)\b",
    r"\b(?:optim\.|optimizers\.)?(?:Adam|SGD|RMSprop|Adagrad|Adadelta|AdamW|Adamax|Nadam)\(\s*[\w.]+\.parameters\(\)"
    r"\s*,\s*(?P<n>\d*\.?\d+(?:[eE][-+]?\d+)?)\b",
    r"\b(?:optimizers\.|keras\.optimizers\.)(?:Adam|SGD|RMSprop|Adagrad|Adadelta|Adamax|Nadam)\(\s*"
    r"(?P<n>\d*\.?\d+(?:[eE][-+]?\d+)?)\b",
]


def plants_huge_epochs(code: str, model: Any) -> Iterator[str]:
    yield from _set_number(code, EPOCH_PATTERNS, str(EPOCHS))


def plants_huge_learning_rate(code: str, model: Any) -> Iterator[str]:
    yield from _set_number(code, LR_PATTERNS, "10")
    # a PyTorch optimizer without a learning rate: add one
    for m in re.finditer(r"\b(?:optim|torch\.optim)\.(?:Adam|SGD|RMSprop|Adagrad|AdamW|Adamax)\(", code):
        end = _balanced_end(code, m.end() - 1)
        if end is not None and "lr" not in code[m.end():end]:
            yield code[:end - 1].rstrip() + ", lr=10)" + code[end:]


def plants_missing_dropout(code: str, model: Any) -> Iterator[str]:
    text = code
    text = re.sub(r"^([ \t]*)\w+\.add\(\s*(?:\w+\.)*(?:Spatial)?Dropout\w*\([^()\n]*\)\s*\)[ \t]*$", r"\1pass", text,
                  flags=re.MULTILINE)
    text = re.sub(r"(?:\w+\.)*(?:Spatial)?Dropout\w*\([^()\n]*\)\(\s*(\w+)\s*\)", r"\1", text)
    text = re.sub(r"(?:\w+\.)*(?:Spatial)?Dropout\w*\([^()\n]*\)\s*,", "", text)
    text = _replace_calls(text, r"\bnn\.(?:Dropout|Dropout2d|Dropout3d|AlphaDropout)\(", "nn.Identity()")
    for _ in range(20):  # functional dropouts, one at a time until none is left
        alts = list(_unwrap_calls(text, r"\b(?:F|nn\.functional|torch\.nn\.functional)\.dropout\w*\("))
        if not alts:
            break
        text = alts[0]
    if text != code:
        yield text


def _layer_lines(model: Any, types: set[str]) -> list[int]:
    return [lay.line for lay in model.layers if lay.type in types and lay.line]


def plants_missing_dense(code: str, model: Any) -> Iterator[str]:
    if not model.layers or model.layers[-1].type != "Dense":
        return
    last = model.layers[-1]
    lines = code.split("\n")
    if last.line and 1 <= last.line <= len(lines):
        line = lines[last.line - 1]
        # Keras: model.add(Dense(...)) -> pass; x = Dense(...)(h) -> x = h; Dense(...), in a list -> gone
        m = re.match(r"^([ \t]*)\w+\.add\(.*Dense\(.*\)\s*\)[ \t]*$", line)
        if m:
            yield "\n".join(lines[:last.line - 1] + [m.group(1) + "pass"] + lines[last.line:])
        m = re.search(r"(?:\w+\.)*Dense\(", line)
        if m:
            end = _balanced_end(line, m.end() - 1)
            if end is not None:
                rest = line[end:]
                call = re.match(r"\(\s*(\w+)\s*\)", rest)
                if call:
                    new = line[:m.start()] + call.group(1) + rest[call.end():]
                    yield "\n".join(lines[:last.line - 1] + [new] + lines[last.line:])
                elif rest.strip() in (",", "", "])", "]", ")"):
                    new = line[:m.start()] + rest.lstrip(",")
                    yield "\n".join(lines[:last.line - 1] + [new] + lines[last.line:])
        # PyTorch: self.fc = nn.Linear(...) -> the forward's self.fc(x) becomes (x)
        m = re.match(r"^\s*self\.(\w+)\s*=\s*(?:nn|torch\.nn)\.Linear\(", line)
        if m:
            yield from _unwrap_calls(code, rf"\bself\.{m.group(1)}\(")
        if re.search(r"\bnn\.Linear\(", line) and not m:
            for mm in re.finditer(r"\bnn\.Linear\(", line):
                end = _balanced_end(line, mm.end() - 1)
                if end is not None:
                    new = line[:mm.start()] + "nn.Identity()" + line[end:]
                    yield "\n".join(lines[:last.line - 1] + [new] + lines[last.line:])


CONV = {"Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D"}


def plants_unusual_layer_order(code: str, model: Any) -> Iterator[str]:
    types = [lay.type for lay in model.layers]
    if model.framework == "keras":
        convs = _layer_lines(model, CONV)
        flats = _layer_lines(model, {"Flatten"})
        if convs and flats and flats[0] > convs[0]:
            alt = _lines_move(code, flats[0], convs[0])
            if alt:
                yield alt
        drops = _layer_lines(model, {"Dropout"})
        firsts = [lay.line for lay in model.layers if lay.line]
        if drops and firsts and types[0] != "Dropout" and drops[0] > firsts[0]:
            alt = _lines_move(code, drops[0], firsts[0])
            if alt:
                yield alt
    # PyTorch (or any): in a forward(), the flatten line moved before the first convolution's call
    for fm in re.finditer(r"^([ \t]*)def forward\(self[^\n]*\n", code, re.MULTILINE):
        body_start = fm.end()
        indent = None
        lines = code[body_start:].split("\n")
        body: list[int] = []
        for i, ln in enumerate(lines):
            if not ln.strip():
                continue
            ind = len(ln) - len(ln.lstrip())
            if indent is None:
                indent = ind
            if ind < indent:
                break
            body.append(i)
        first_line = code[:body_start].count("\n") + 1
        flat = [i for i in body if re.search(r"flatten|\.view\([^)]*-1|\.reshape\([^)]*-1", lines[i])
                and lines[i].count("(") == lines[i].count(")")]
        conv = [i for i in body if re.search(r"self\.(?:conv|cnn|features|encoder|layer)\w*\(", lines[i])]
        if flat and conv and flat[0] > conv[0]:
            alt = _lines_move(code, first_line + flat[0], first_line + conv[0])
            if alt:
                yield alt
        drop = [i for i in body if re.search(r"dropout|self\.drop\w*\(", lines[i], re.IGNORECASE)
                and lines[i].count("(") == lines[i].count(")")]
        if drop and body and drop[0] > body[0]:
            alt = _lines_move(code, first_line + drop[0], first_line + body[0])
            if alt:
                yield alt


PLANTS: dict[str, Callable[[str, Any], Iterator[str]]] = {
    "missing_activation": plants_missing_activation,
    "missing_loss": plants_missing_loss,
    "huge_epochs": plants_huge_epochs,
    "huge_learning_rate": plants_huge_learning_rate,
    "missing_dropout": plants_missing_dropout,
    "missing_dense": plants_missing_dense,
    "unusual_layer_order": plants_unusual_layer_order,
}


# -- did the parser see the plant? -----------------------------------------------------------
# Whether the parser sees a hidden layer without an activation is judged here by a frozen copy
# of compare's first rule (as of 2026-12-05), so the plants that count stay the same while
# compare's rules change.
def _hidden_weight_layers(lays: Any) -> list[int]:
    from assistant.compare import WEIGHT_TYPES

    return [i for i, lay in enumerate(lays) if lay.type in WEIGHT_TYPES][:-1]


def _activation_after(lays: Any, i: int) -> str | None:
    from assistant.compare import MERGE_TYPES, STOP_TYPES

    if lays[i].activation:
        return lays[i].activation
    residual = any(lay.type == "Add" for lay in lays)
    for k, nxt in enumerate(lays[i + 1:]):
        if nxt.type in STOP_TYPES:
            return None
        if nxt.activation:
            return nxt.activation
        if nxt.type in MERGE_TYPES:
            return "merge"
        if residual and k == 0 and nxt.type == "BatchNormalization":
            return "residual"
    return None


def _missing_acts(model: Any) -> int:
    return sum(1 for i in _hidden_weight_layers(model.layers) if not _activation_after(model.layers, i))


def applicable(kind: str, model: Any) -> bool:
    """Whether the mistake can be planted in this model at all (its preconditions)."""
    from assistant.aggregate import has_dropout
    from assistant.compare import DROPOUT_TASKS, MIN_LAYERS_FOR_DROPOUT

    hp = model.hyperparameters
    types = model.layer_types
    if kind == "missing_activation":
        return any(_activation_after(model.layers, i) not in (None, "merge", "residual")
                   for i in _hidden_weight_layers(model.layers))
    if kind == "huge_epochs":
        # an RL script's "epochs" are episodes: thousands of them are ordinary, not this mistake
        return hp.epochs is not None and model.task != "reinforcement_learning"
    if kind == "huge_learning_rate":
        return hp.learning_rate is not None or hp.optimizer is not None
    if kind == "unusual_layer_order":
        first_conv = next((i for i, t in enumerate(types) if t in CONV), None)
        return (first_conv is not None and "Flatten" in types[first_conv:]) or "Dropout" in types[1:]
    if kind == "missing_loss":
        return model.framework == "keras" and bool(hp.loss or hp.loss_raw)
    if kind == "missing_dropout":
        kept = [t for t in types if t not in ("Dropout", "SpatialDropout")]
        return has_dropout(model) and model.task in DROPOUT_TASKS and len(kept) >= MIN_LAYERS_FOR_DROPOUT
    if kind == "missing_dense":
        return model.task in CLASSIFIERS and bool(model.layers) and model.layers[-1].type == "Dense"
    return True


def took(kind: str, before: Any, after: Any | None) -> bool:
    """The parsed model after the edit shows the intended mistake, and the model is still there."""
    from assistant.aggregate import has_dropout, hyperparameter_value

    if after is None or not after.layers:
        return False
    tb, ta = before.layer_types, after.layer_types
    if kind == "missing_activation":
        weights = [t for t in tb if t in ("Dense", *CONV, "LSTM", "GRU")]
        return (_missing_acts(after) > _missing_acts(before)
                and [t for t in ta if t in ("Dense", *CONV, "LSTM", "GRU")] == weights)
    if kind == "missing_loss":
        return not (after.hyperparameters.loss or after.hyperparameters.loss_raw) and len(ta) == len(tb)
    if kind == "huge_epochs":
        return hyperparameter_value(after, "epochs") == EPOCHS
    if kind == "huge_learning_rate":
        return hyperparameter_value(after, "learning_rate") == LR
    if kind == "missing_dropout":
        return not has_dropout(after) and len(ta) >= len(tb) - tb.count("Dropout") - tb.count("SpatialDropout")
    if kind == "missing_dense":
        return bool(ta) and ta[-1] != "Dense" and ta.count("Dense") == tb.count("Dense") - 1
    if kind == "unusual_layer_order":
        def bad(types: list[str]) -> bool:
            if types and types[0] == "Dropout" and len(types) > 1:
                return True
            first_conv = next((i for i, t in enumerate(types) if t in CONV), None)
            return first_conv is not None and "Flatten" in types[:first_conv]
        return bad(ta) and not bad(tb) and sorted(ta) == sorted(tb)
    raise ValueError(kind)


# -- the run -----------------------------------------------------------------------------------
def findings_for(index: Any, model: Any, k: int) -> list[Any]:
    from assistant.compare import choose_population, compare

    choice = choose_population(index, model, k=k)
    return compare(model, choice.summaries, choice.reference)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from index.store import load_index

    index = load_index(args.index_dir, check_stale=False)
    exclude: set[str] = set()
    for f in args.exclude or []:
        for line in Path(f).read_text().splitlines()[1:]:
            if line.strip():
                exclude.add(line.split("\t")[0].strip())
    files = candidate_files(index, exclude)
    avoid: set[tuple[str, str]] = set()
    for f in args.avoid or []:
        for line in Path(f).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                repo, path = line.split("\t")[:2]
                avoid.add((repo, path))
    files = [t for t in files if (t[0], t[2]) not in avoid]
    rng = random.Random(args.seed)
    rng.shuffle(files)
    if args.half == "all":
        # a set of its own (with --avoid: scripts no earlier set drew), measured whole
        files = files[:args.n]
    elif args.half == "fresh":
        # scripts after the first n: neither tuned on nor looked at while judging the measuring half
        files = files[args.n:args.n + args.n // 2]
    else:
        files = files[:args.n]
        half = len(files) // 2
        files = files[:half] if args.half == "tune" else files[half:]
    judged: dict[tuple[str, str], set[str]] = {}
    if args.judged:
        for line in Path(args.judged).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                repo, path, kind = line.split("\t")[:3]
                judged.setdefault((repo, path), set()).add(kind)

    root = Path(args.mirror_root)
    planted, caught, caught_warn = Counter(), Counter(), Counter()
    tried, not_taken = Counter(), Counter()
    scripts, clean, warned_clean, warned_seven = 0, 0, 0, 0
    misses: list[dict[str, Any]] = []
    false_warn: list[dict[str, Any]] = []
    t0 = time.time()
    for repo, commit, path in files:
        git_dir = mirror_dir(root, repo)
        data = git_show(git_dir, commit, path) if git_dir else None
        if not data:
            continue
        code = code_of(data, path)
        model = parse_model(code, path, repo, commit)
        if model is None or len(model.layers) < 3:
            continue
        scripts += 1
        base = findings_for(index, model, args.k)
        warns = [f for f in base if f.severity == "warning"]
        if (repo, path) not in judged:
            clean += 1
            if warns:
                warned_clean += 1
                warned_seven += any(f.kind in KINDS for f in warns)
                false_warn.append({"repo": repo, "commit": commit, "path": path, "model": model.name,
                                   "warnings": [f"{f.kind}: {f.message}" for f in warns]})
        for kind in KINDS:
            if not applicable(kind, model):
                continue
            tried[kind] += 1
            edited = None
            for n, alt in enumerate(PLANTS[kind](code, model)):
                if n >= MAX_TRIES:
                    break
                after = parse_model(alt, path, repo, commit, model.name)
                if took(kind, model, after):
                    edited = after
                    break
            if edited is None:
                not_taken[kind] += 1
                continue
            planted[kind] += 1
            got = [f for f in findings_for(index, edited, args.k) if f.kind == kind]
            if got:
                caught[kind] += 1
                caught_warn[kind] += any(f.severity == "warning" for f in got)
            if not got or (args.strict and not any(f.severity == "warning" for f in got)):
                misses.append({"kind": kind, "repo": repo, "path": path, "model": edited.name,
                               "task": edited.task, "layers": edited.layer_types[:20],
                               "found": [f"{f.severity} {f.kind}: {f.message}" for f in got]})
    return {"half": args.half, "seed": args.seed, "files": len(files), "scripts": scripts,
            "tried": dict(tried), "not_taken": dict(not_taken), "planted": dict(planted),
            "caught": dict(caught), "caught_warning": dict(caught_warn),
            "clean": clean, "warned_clean": warned_clean, "warned_clean_seven": warned_seven,
            "seconds": round(time.time() - t0, 1), "misses": misses, "false_warnings": false_warn}


def report(r: dict[str, Any], verbose: bool) -> None:
    print(f"half {r['half']} (seed {r['seed']}): {r['files']} files, {r['scripts']} with a model of >= 3 layers "
          f"({r['seconds']} s)")
    print(f"{'kind':22s} {'tried':>5s} {'planted':>7s} {'caught':>14s} {'as warning':>14s}")
    for kind in KINDS:
        p, c, w = r["planted"].get(kind, 0), r["caught"].get(kind, 0), r["caught_warning"].get(kind, 0)
        pc = f"{100 * c / p:5.1f}% {c:3d}/{p:<3d}" if p else "    -"
        pw = f"{100 * w / p:5.1f}% {w:3d}/{p:<3d}" if p else "    -"
        print(f"{kind:22s} {r['tried'].get(kind, 0):5d} {p:7d} {pc:>14s} {pw:>14s}")
    n, w = r["clean"], r["warned_clean"]
    if n:
        print(f"unmodified scripts judged free of the seven mistakes: {n}; drawing a warning: {w} "
              f"({100 * w / n:.1f}%), of the seven kinds: {r['warned_clean_seven']} "
              f"({100 * r['warned_clean_seven'] / n:.1f}%)")
    if verbose:
        for m in r["misses"]:
            print("MISS", json.dumps(m, ensure_ascii=False)[:600])
        for f in r["false_warnings"]:
            print("WARN", json.dumps(f, ensure_ascii=False)[:600])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror-root", required=True, help="folder of fetched mirrors (OWNER+NAME/...)")
    ap.add_argument("--index-dir", default=None, help="index folder (default: var/index)")
    ap.add_argument("--half", choices=("tune", "measure", "fresh", "all"), required=True,
                    help="tune: the first half of the n drawn; measure: the second; fresh: the n/2 drawn after them; "
                         "all: the n drawn, whole")
    ap.add_argument("--avoid", action="append",
                    help="TSV of scripts (repo, path) to leave out before drawing: those earlier sets drew")
    ap.add_argument("-n", type=int, default=300, help="scripts drawn before the split (default 300)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("-k", type=int, default=100, help="population size (default 100)")
    ap.add_argument("--exclude", action="append", help="TSV of repositories to leave out (first column)")
    ap.add_argument("--judged", default=None, help="TSV: repo, path, kind, reason of real mistakes")
    ap.add_argument("--strict", action="store_true", help="list as misses the plants caught only as notes")
    ap.add_argument("--json", default=None, help="write the full result here")
    ap.add_argument("--warned", default=None, help="write the warned unmodified scripts here (TSV)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    r = run(args)
    report(r, args.verbose)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1, ensure_ascii=False))
    if args.warned:
        rows = ["repo\tcommit\tpath\tkind\twarning"]
        for f in r["false_warnings"]:
            for w in f["warnings"]:
                kind, _, msg = w.partition(": ")
                rows.append("\t".join([f["repo"], f["commit"] or "", f["path"], kind, " ".join(msg.split())]))
        Path(args.warned).write_text("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
