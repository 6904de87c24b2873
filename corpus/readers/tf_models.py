"""Raw TensorFlow models (``tf.layers``, ``tf.nn``, ``tf.contrib``) -> summaries.

Raw TF has no model object: the model is the graph a function builds
(``def conv_net(x, weights, biases)``) or the module's top-level graph. The
symbolic reading is shared with Keras (:mod:`corpus.readers.keras_interp`); layers
applied outside any Keras model are grouped by the outermost function that
builds two or more layers (its first call only: a discriminator called on
real and fake images is one model), else into one module-level model.
"""

from __future__ import annotations

from corpus.readers.keras_models import analyse
from corpus.readers.script import Script
from corpus.record.summary import Summary


def extract_tf(script: Script) -> list[Summary]:
    """Summaries of the raw TensorFlow graphs the script builds.

    Args:
        script: the loaded script.

    Returns:
        One summary per model graph (framework ``tensorflow``), ``id`` empty.
    """
    return [s for s in analyse(script)["all"] if s.framework == "tensorflow"]
