"""Which imports make a script a framework's: the top-level modules of each reader family.

One table for the readers' registry (which reader reads a script) and for the
byte test that chooses which files of a repository are read at all
(:data:`corpus.readers.repo_files.DL_IMPORT`): a fine-tuning script that imports
only ``transformers`` is PyTorch code, and must be read.
"""

from __future__ import annotations

# family -> the top-level modules whose import makes a script that family's
# (any dotted origin with a ``keras`` segment counts as Keras too: ``tf.keras``)
IMPORT_FAMILIES: dict[str, frozenset[str]] = {
    "keras": frozenset(("keras", "tensorflow", "tensorflow_hub", "tf_keras", "keras_core",
                        "segmentation_models")),
    "pytorch": frozenset(("torch", "torchvision", "torchtext", "torchaudio", "pytorch_lightning", "lightning",
                          "timm", "transformers", "accelerate", "segmentation_models_pytorch")),
    "jax": frozenset(("jax", "flax", "optax", "haiku", "equinox")),
}


def all_roots() -> list[str]:
    """Every framework's import roots, sorted."""
    return sorted({root for roots in IMPORT_FAMILIES.values() for root in roots})
