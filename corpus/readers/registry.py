"""The readers of model code, registered in one place.

A :class:`Reader` is one row: its name (used in warnings), the framework
family of imports it applies to, and the function that reads a
:class:`~corpus.readers.script.Script` into summaries. The parser runs, in
the order of :data:`READERS`, every reader whose family the script imports.
Adding a framework is one module with its ``extract_*`` function, its import
roots in :data:`IMPORT_FAMILIES` and one row here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from corpus.readers.jax_models import extract_jax
from corpus.readers.keras_models import extract_keras
from corpus.readers.script import Script
from corpus.readers.tf_models import extract_tf
from corpus.readers.torch_models import extract_torch
from corpus.record.summary import Summary

# family -> the top-level modules whose import makes a script that family's
# (any dotted origin with a ``keras`` segment counts as Keras too: ``tf.keras``)
IMPORT_FAMILIES: dict[str, frozenset[str]] = {
    "keras": frozenset(("keras", "tensorflow", "tensorflow_hub", "tf_keras", "keras_core")),
    "pytorch": frozenset(("torch", "torchvision", "torchtext", "torchaudio", "pytorch_lightning", "lightning",
                          "timm", "transformers", "accelerate")),
    "jax": frozenset(("jax", "flax", "optax", "haiku", "equinox")),
}


def import_families(script: Script) -> set[str]:
    """Which families the script's imports belong to: ``keras`` (Keras and raw TF), ``pytorch``, ``jax``.

    In a repository, a script that imports no framework but imports a module
    of the repository that does (``from model import build_model`` then
    ``model.fit``) is of that module's families.
    """
    found = _families(script.aliases.values())
    ctx = script.context
    if not found and ctx is not None:
        for local, origin in script.aliases.items():
            hit = ctx.resolve(origin, script.path, script.relative_imports.get(local, 0))
            facts = ctx.module_facts(hit[0]) if hit else None
            if facts is not None:
                found |= _families(facts.aliases.values())
    return found


def _families(origins: Iterable[str]) -> set[str]:
    found: set[str] = set()
    keras_roots = IMPORT_FAMILIES["keras"]
    for origin in origins:
        parts = origin.split(".")
        if parts[0] in keras_roots or "keras" in parts:
            found.add("keras")
            continue
        for family, roots in IMPORT_FAMILIES.items():
            if parts[0] in roots:
                found.add(family)
    return found


@dataclass(frozen=True)
class Reader:
    """A reader of one framework's model code.

    Attributes:
        name: its name in warnings and summaries (``keras``, ``tensorflow``, ``pytorch``, ``jax``).
        family: the import family (:data:`IMPORT_FAMILIES`) of the scripts it applies to.
        read: a script -> one summary per model it finds (ids and sources are filled by the parser).
    """

    name: str
    family: str
    read: Callable[[Script], list[Summary]]

    def applies_to(self, families: set[str]) -> bool:
        """Whether a script importing these families is this reader's."""
        return self.family in families


# In order: a script of two families is read by each of their readers, Keras before raw TF before PyTorch
# before JAX.
READERS: tuple[Reader, ...] = (
    Reader("keras", "keras", extract_keras),
    Reader("tensorflow", "keras", extract_tf),
    Reader("pytorch", "pytorch", extract_torch),
    Reader("jax", "jax", extract_jax),
)
