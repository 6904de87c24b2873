"""The one text per summary that is embedded.

It reads like a short description so that plain-language questions land near
it: the task and dataset glosses of ``index.vocab`` ("IMDB movie reviews
sentiment"), the framework, the layer types in order, the tricks, and the
words of the model name, repository and path (``cifar10_resnet_train.py``
says a lot). ``TEXT_VERSION`` is part of the index manifest: change it when
the recipe changes so cached embeddings are recomputed.
"""

from __future__ import annotations

import hashlib
import re

from corpus.record.summary import Summary
from index.vocab import DATASETS, FRAMEWORKS, TASKS, TRICK_GLOSS

TEXT_VERSION = 2

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")
_NOISE = {"py", "ipynb", "md", "src", "master", "main", "the", "of", "and", "a", "to", "lib",
          "utils", "util", "code", "scripts", "script", "notebooks", "notebook", "examples", "example"}


def words(text: str) -> list[str]:
    """Split identifiers and paths into lower-case words.

    Args:
        text: e.g. ``"keras-team/keras-io"`` or ``"examples/vision/MnistConvNet.py"``.

    Returns:
        ``["keras", "team", "keras", "io"]``-style words, noise words removed.
    """
    out = []
    for chunk in _NON_WORD.split(text or ""):
        for w in _CAMEL.split(chunk):
            w = w.lower()
            if w and w not in _NOISE and not w.isdigit():
                out.append(w)
    return out


def _dedupe(seq: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in seq if not (x in seen or seen.add(x))]


def summary_text(s: Summary, max_layers: int = 12, max_words: int = 14) -> str:
    """The description of one summary that goes to the embedding model.

    Args:
        s: the summary.
        max_layers: distinct layer types kept.
        max_words: words kept from the model name, repository and path.

    Texts stay short (about 50 word pieces) because embedding time grows with
    them and the build must index at least 100 summaries a second.

    Returns:
        One line of text, e.g. ``"text classification: ... dataset: IMDB movie
        reviews sentiment. framework: Keras. layers: Embedding LSTM Dense. ..."``.
    """
    parts: list[str] = []
    task_gloss = TASKS.get(s.task, (s.task.replace("_", " "),))[0] if s.task != "unknown" else ""
    if task_gloss:
        parts.append(task_gloss + ".")
    ds = [DATASETS.get(d, (d.replace("_", " "),))[0] for d in s.datasets if d]
    if ds:
        parts.append("dataset: " + ", ".join(ds) + ".")
    if s.framework and s.framework != "unknown":
        parts.append(FRAMEWORKS.get(s.framework, (s.framework,))[0] + ".")
    layer_words = []
    for layer in s.layers:
        layer_words.append(layer.type)
        inner = layer.args.get("layer") if isinstance(layer.args, dict) else None
        if isinstance(inner, str):
            layer_words.append(inner)
    layer_words = _dedupe(layer_words)[:max_layers]
    if layer_words:
        parts.append("layers: " + " ".join(layer_words) + ".")
    if s.tricks:
        parts.append("tricks: " + ", ".join(TRICK_GLOSS.get(t, t.replace("_", " ")) for t in s.tricks) + ".")
    name_words = _dedupe(words(s.name) + words(s.source.repo or "") + words(s.source.path))
    if name_words:
        parts.append("source: " + " ".join(name_words[:max_words]) + ".")
    return " ".join(parts)


def text_hash(text: str) -> str:
    """A short stable hash of an embedded text (the embedding cache key with the id)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
