"""The example summary: the one record every part of ExampleNet shares.

The contract is ``shared/spec/summary.md``. Every layer (corpus, index,
assistant, app) passes these dataclasses, never ad hoc dicts. ``to_dict`` /
``from_dict`` give the JSON form of the spec; unknown hyperparameters travel
in ``Hyperparameters.extra`` and are flattened into the JSON object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA_VERSION = 1

FRAMEWORKS = ("keras", "tensorflow", "pytorch", "jax", "unknown")
PARSE_STATUSES = ("ok", "partial", "failed")
# The spec's canonical tasks (besides "unknown") and tricks, in its order:
# summaries list their tricks in this order.
TASKS = (
    "image_classification", "object_detection", "image_segmentation", "image_generation",
    "text_classification", "sequence_labeling", "machine_translation", "language_modeling",
    "text_generation", "question_answering", "speech_recognition", "audio_classification",
    "time_series_forecasting", "tabular_regression", "tabular_classification", "recommendation",
    "reinforcement_learning", "representation_learning", "graph_learning", "summarization",
    "image_captioning", "speech_synthesis", "anomaly_detection",
)
TRICKS = (
    "dropout", "batch_norm", "layer_norm", "attention", "residual", "data_augmentation",
    "early_stopping", "lr_schedule", "weight_decay", "gradient_clipping", "pretrained_weights",
    "transfer_learning", "bidirectional", "embedding_pretrained", "mixed_precision", "checkpointing",
)


@dataclass
class Source:
    repo: str | None = None  # "owner/name"
    commit: str | None = None  # 40 hex or None
    path: str = ""
    line_start: int | None = None
    line_end: int | None = None
    license: str | None = None  # SPDX id
    url: str | None = None  # opens the exact lines in a browser
    # where the model is built and trained in another file of the repository than the one defining it
    train_path: str | None = None
    train_line_start: int | None = None
    train_line_end: int | None = None
    train_url: str | None = None


@dataclass
class Layer:
    type: str  # canonical: Dense, Conv2D, LSTM, ... (spec list)
    raw: str = ""  # as written: nn.Conv2d, layers.Conv2D
    args: dict[str, Any] = field(default_factory=dict)
    activation: str | None = None  # canonical activation folded into this layer
    line: int | None = None
    repeat: int | None = None  # applied in a loop with a literal count

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["repeat"] is None:
            del d["repeat"]
        return d


_HP_FIELDS = (
    "optimizer",
    "learning_rate",
    "batch_size",
    "epochs",
    "loss",
    "loss_raw",
    "metrics",
    "steps",
)


# the values a training run writes: a model with none of them set is not trained by the code read
TRAINING_FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs", "steps", "loss")


@dataclass
class Hyperparameters:
    optimizer: str | None = None  # canonical: sgd, adam, ...
    learning_rate: float | None = None
    batch_size: int | None = None
    epochs: int | None = None
    loss: str | None = None  # canonical: categorical_crossentropy, mse, ...
    loss_raw: str | None = None  # as written
    metrics: list[str] | None = None
    steps: int | None = None  # iteration counts, which are not epochs
    extra: dict[str, Any] = field(default_factory=dict)  # momentum, weight_decay, ...

    def any_set(self, fields: tuple[str, ...] = TRAINING_FIELDS) -> bool:
        """Whether one of ``fields`` has a value."""
        return any(getattr(self, f) is not None for f in fields)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in _HP_FIELDS}
        for k, v in self.extra.items():
            d.setdefault(k, v)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Hyperparameters:
        d = dict(d or {})
        known = {k: d.pop(k) for k in _HP_FIELDS if k in d}
        return cls(**known, extra=d)


@dataclass
class Reported:
    """A result the example reports itself (a notebook output, a README table), read statically."""

    metric: str  # accuracy, loss, f1, ... (lower case)
    value: float  # accuracies as fractions in [0, 1]
    split: str  # train | val | test
    epoch: int | None = None
    where: str | None = None  # a link to the lines, as source.url


@dataclass
class Environment:
    """How the example runs, read statically from the repository and the code."""

    python: str | None = None  # a version where one is stated
    packages: dict[str, str] = field(default_factory=dict)  # name -> version spec ("" when unpinned)
    gpu: str | None = None  # required | optional | cpu | None (says nothing)
    data_download: bool | None = None  # the code fetches its data itself

    def to_dict(self) -> dict[str, Any]:
        return {"python": self.python, "packages": dict(self.packages), "gpu": self.gpu,
                "data_download": self.data_download}


# a status only the repository pass sees: a model read for another to use (a block, a restored copy), which the
# join drops and no output carries
ONLY_USED = "only used"


@dataclass
class ParseInfo:
    status: str = "ok"  # ok | partial | failed (| ONLY_USED, inside the repository pass)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    id: str
    name: str
    source: Source
    framework: str = "unknown"
    task: str = "unknown"
    datasets: list[str] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)
    input_shape: list[Any] | None = None
    tricks: list[str] = field(default_factory=list)
    preprocessing: list[str] = field(default_factory=list)
    parse: ParseInfo = field(default_factory=ParseInfo)
    reported: list[Reported] = field(default_factory=list)
    environment: Environment = field(default_factory=Environment)
    # where a value came from, for values read outside the definition's own lines:
    # field -> "train.py:12", "configs/train.yaml: optimizer.lr", "train.py" (file only)
    value_sources: dict[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    # -- JSON form -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": asdict(self.source),
            "framework": self.framework,
            "task": self.task,
            "datasets": list(self.datasets),
            "layers": [layer.to_dict() for layer in self.layers],
            "hyperparameters": self.hyperparameters.to_dict(),
            "input_shape": self.input_shape,
            "tricks": list(self.tricks),
            "preprocessing": list(self.preprocessing),
            "parse": asdict(self.parse),
            "reported": [asdict(r) for r in self.reported],
            "environment": self.environment.to_dict(),
            "value_sources": dict(self.value_sources),
            "schema_version": self.schema_version,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Summary:
        layer_keys = {f.name for f in fields(Layer)}
        return cls(
            id=d["id"],
            name=d.get("name", ""),
            source=Source(**{k: v for k, v in (d.get("source") or {}).items() if k in _SOURCE_KEYS}),
            framework=d.get("framework", "unknown"),
            task=d.get("task", "unknown"),
            datasets=list(d.get("datasets") or []),
            layers=[Layer(**{k: v for k, v in ld.items() if k in layer_keys}) for ld in d.get("layers") or []],
            hyperparameters=Hyperparameters.from_dict(d.get("hyperparameters")),
            input_shape=d.get("input_shape"),
            tricks=list(d.get("tricks") or []),
            preprocessing=list(d.get("preprocessing") or []),
            parse=ParseInfo(**(d.get("parse") or {})),
            reported=[Reported(**{k: v for k, v in r.items() if k in _REPORTED_KEYS})
                      for r in d.get("reported") or [] if isinstance(r, dict)],
            environment=Environment(**{k: v for k, v in (d.get("environment") or {}).items()
                                       if k in _ENVIRONMENT_KEYS}),
            value_sources=dict(d.get("value_sources") or {}),
            schema_version=d.get("schema_version", SCHEMA_VERSION),
        )

    @classmethod
    def from_json(cls, line: str) -> Summary:
        return cls.from_dict(json.loads(line))

    # -- conveniences used downstream -----------------------------------
    @property
    def layer_types(self) -> list[str]:
        return [layer.type for layer in self.layers]


_SOURCE_KEYS = {f.name for f in fields(Source)}
_REPORTED_KEYS = {f.name for f in fields(Reported)}
_ENVIRONMENT_KEYS = {f.name for f in fields(Environment)}


def make_id(repo: str | None, commit: str | None, path: str, name: str, line: int | None,
            train_path: str | None = None) -> str:
    """A stable id: the same repo, commit, path, model name and line give the same id.

    The line is part of the key because a notebook may define ``model`` twice;
    the training path is, where the model is trained in another file, because
    one model trained by two scripts is two examples.
    """
    parts = [repo or "", commit or "", path, name, str(line or 0)]
    if train_path:
        parts.append(train_path)
    key = "\x1f".join(parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def github_url(repo: str, commit: str | None, path: str, line_start: int | None, line_end: int | None) -> str:
    """A link that opens the exact lines on GitHub (a blob at a commit, or HEAD).

    Notebooks and Markdown get ``?plain=1``: GitHub renders them otherwise and
    ignores the line anchor.
    """
    from urllib.parse import quote

    ref = commit or "HEAD"
    url = f"https://github.com/{repo}/blob/{ref}/{quote(path)}"
    if line_start:
        if path.lower().endswith((".ipynb", ".md")):
            url += "?plain=1"
        url += f"#L{line_start}"
        if line_end and line_end != line_start:
            url += f"-L{line_end}"
    return url
