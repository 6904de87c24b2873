"""Fragments: framework names used without their import are read as the framework they imply."""

from __future__ import annotations

import pytest

from corpus.readers.fragments import infer
from corpus.readers.parser import parse_bytes

SEQUENTIAL_NO_DENSE = """from keras.models import Sequential
model = Sequential()
model.add(Dense(64, activation='relu', input_shape=(10,)))
model.add(Dropout(0.5))
model.add(Dense(32, activation='relu'))
model.add(Dense(3, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam')
model.fit(x, y, epochs=5)
"""

TORCH_NO_NN = """import torch
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.fc = nn.Linear(32 * 24 * 24, 10)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = torch.flatten(x, 1)
        return self.fc(x)
"""

TF_NO_IMPORT = """def build(x):
    x = tf.keras.layers.Conv2D(32, 3, activation='relu')(x)
    x = tf.keras.layers.MaxPooling2D()(x)
    x = tf.keras.layers.Flatten()(x)
    return tf.keras.layers.Dense(10, activation='softmax')(x)

inputs = tf.keras.Input(shape=(28, 28, 1))
model = tf.keras.Model(inputs, build(inputs))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
"""

LISTED = """def make_model():
    model = Sequential()
    tf.keras.layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1))
    tf.keras.layers.ReLU()
    tf.keras.layers.MaxPooling2D(pool_size=(2, 2))
    tf.keras.layers.Flatten()
    tf.keras.layers.Dense(10, activation='softmax')
    return model
"""

COMPLETE = """import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)
    def forward(self, x):
        return self.fc2(self.fc1(x).relu())
"""


def _best(code: str):
    summaries = parse_bytes(code.encode(), "snippet.py")
    return max(summaries, key=lambda s: len(s.layers))


def test_sequential_without_dense_is_keras_with_a_note():
    s = _best(SEQUENTIAL_NO_DENSE)
    assert s.framework == "keras"
    assert [x.type for x in s.layers] == ["Dense", "Dropout", "Dense", "Dense"]
    assert any(w.startswith("no import of Dense, Dropout: read as Keras layers") for w in s.parse.warnings)


def test_pytorch_without_nn_import():
    s = _best(TORCH_NO_NN)
    assert s.framework == "pytorch"
    assert [x.type for x in s.layers] == ["Conv2D", "Conv2D", "Flatten", "Dense"]
    assert [x.activation for x in s.layers[:2]] == ["relu", "relu"]
    assert "no import of nn: read as torch.nn" in s.parse.warnings
    assert "no import of F: read as torch.nn.functional" in s.parse.warnings


def test_tf_used_without_import():
    s = _best(TF_NO_IMPORT)
    assert s.framework == "keras"
    assert [x.type for x in s.layers] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert "no import of tf: read as tensorflow" in s.parse.warnings


def test_layers_listed_without_wiring_are_read_in_order():
    s = _best(LISTED)
    assert s.name == "make_model" and s.framework == "keras"
    assert [(x.type, x.activation) for x in s.layers] == [
        ("Conv2D", "relu"), ("MaxPooling2D", None), ("Flatten", None), ("Dense", "softmax")]
    assert any("not connected" in w for w in s.parse.warnings)
    assert s.parse.status == "partial"


def test_complete_script_gets_no_note():
    s = _best(COMPLETE)
    assert not any(w.startswith("no import of") for w in s.parse.warnings)
    assert not any("not connected" in w for w in s.parse.warnings)


def test_infer_is_pure_and_respects_bound_and_defined_names():
    inf = infer({"tf", "Dense"}, {}, ())
    assert inf.aliases == {"tf": "tensorflow", "Dense": "keras.layers.Dense"}
    assert inf.families == {"keras"}
    # a name the script defines itself, or imports, is never replaced
    assert infer({"Dense"}, {}, {"Dense"}).aliases == {}
    assert infer({"nn"}, {"nn": "mylib.nn"}).aliases == {}
    # F alone could be anything; with torch in sight it is torch.nn.functional
    assert infer({"F"}, {}).aliases == {}
    assert infer({"F"}, {"torch": "torch"}).aliases == {"F": "torch.nn.functional"}
    # layer names of both frameworks follow the framework the script shows
    assert infer({"Dropout", "LSTM"}, {"torch": "torch"}).aliases == {
        "Dropout": "torch.nn.Dropout", "LSTM": "torch.nn.LSTM"}
    assert infer({"Dropout"}, {"Sequential": "keras.models.Sequential"}).aliases == {
        "Dropout": "keras.layers.Dropout"}
    # a wildcard import of keras.layers already binds the layer names
    assert infer({"Dense"}, {"*keras.layers": "keras.layers"}).aliases == {}


@pytest.fixture(scope="module")
def small_index():
    from fixtures.compare_population import image_population, text_population

    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    return ExampleIndex.from_summaries(image_population(40) + text_population(20), embedder=HashEmbedder())


def test_the_paste_note_and_the_compare_report_say_how_a_fragment_was_read(small_index):
    from assistant.compare_cli import compare_with_index, format_report
    from assistant.session import read_model

    model, note = read_model(SEQUENTIAL_NO_DENSE.encode(), "snippet.py")
    assert model is not None
    assert "Read as a fragment: no import of Dense, Dropout: read as Keras layers" in note
    _, complete_note = read_model(COMPLETE.encode(), "net.py")
    assert "fragment" not in complete_note

    report = compare_with_index(model, small_index)
    text = format_report(report, "snippet.py")
    assert "note: read as a fragment: no import of Dense, Dropout: read as Keras layers" in text
    listed = _best(LISTED)
    assert any("not connected" in n for n in compare_with_index(listed, small_index).notes)
