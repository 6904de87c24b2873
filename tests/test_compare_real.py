"""compare(): rules fixed on real scripts (bench/critique.py, the development halves).

Each test is a summary written here by hand in the shape the parser gives for the
kind of script that was missed or wrongly warned about (no corpus code is copied).
"""

from __future__ import annotations

import pytest
from fixtures.compare_population import image_population, layer, summary

from assistant.compare import INFO, WARNING, compare
from corpus.record.summary import Layer


@pytest.fixture(scope="module")
def images():
    return image_population()


def kinds(findings, severity=None):
    return {f.kind for f in findings if severity is None or f.severity == severity}


def found(findings, kind):
    return [f for f in findings if f.kind == kind]


def own(type_: str, raw: str, **args) -> Layer:
    """A layer of the script's own class, typed by what it subclasses."""
    return Layer(type=type_, raw=raw, args=args, activation=None)


def linear_codes(n: int = 20, task: str = "representation_learning"):
    """A population where linear hidden Dense layers are common (autoencoders' codes)."""
    return [summary(f"ae{i}", [layer("Dense", "relu"), layer("Dense"), layer("Dense", "relu"),
                               layer("Dense", "sigmoid")], task=task, loss="mse")
            for i in range(n)]


# -- missing activation ------------------------------------------------------------------------
def test_a_layer_unlike_the_models_own_others_is_missing_its_activation():
    # the first Dense lost its relu; the population's Dense layers are often linear, the model's own are not
    m = summary("ad", [layer("Dense", units=32), layer("Dense", "relu", units=16), layer("Dense", "relu", units=8),
                       layer("Dense", "relu", units=16), layer("Dense", "sigmoid", units=140)],
                task="representation_learning", loss="mae")
    (f,) = found(compare(m, linear_codes()), "missing_activation")
    assert f.severity == WARNING and f.evidence["why"] == "own" and f.evidence["layers"] == [1]
    assert "your other hidden Dense layers have one" in f.message


def test_a_narrow_linear_code_between_wider_layers_is_a_design():
    m = summary("code", [layer("Dense", "relu", units=128), layer("Dense", units=16), layer("Dense", "relu", units=128),
                         layer("Dense", "relu", units=256), layer("Dense", "sigmoid", units=784)],
                task="representation_learning", loss="mse")
    assert "missing_activation" not in kinds(compare(m, linear_codes()))
    # sizes unknown: no evidence either way, the population's practice decides
    unknown = summary("code2", [layer("Dense", "relu"), layer("Dense"), layer("Dense", "relu"),
                                layer("Dense", "relu"), layer("Dense", "sigmoid")],
                      task="representation_learning", loss="mse")
    assert "missing_activation" not in kinds(compare(unknown, linear_codes()))


def test_two_linear_layers_before_the_output_or_a_shortcut_are_one_map():
    # fc1 then fc (the logits) with nothing between
    m = summary("fc", [layer("Embedding"), layer("LSTM"), layer("Dense", in_features=256, out_features=64),
                       layer("Dense", in_features=64, out_features=5)],
                task="text_classification", framework="pytorch", loss="categorical_crossentropy",
                loss_raw="nn.CrossEntropyLoss")
    (f,) = found(compare(m, linear_codes(task="text_classification")), "missing_activation")
    assert f.evidence["why"] == "chain" and f.evidence["layers"] == [3]
    # a feed-forward block whose two Dense layers meet only at the residual Add: a note (branches)
    ffn = summary("ffn", [layer("Embedding"), layer("MultiHeadAttention"), layer("Add"), layer("LayerNormalization"),
                          layer("Dense", units=512), layer("Dense", units=128), layer("Dropout"), layer("Add"),
                          layer("LayerNormalization"), layer("Dense", "softmax", units=100)],
                  task="text_generation", loss="categorical_crossentropy")
    (f,) = found(compare(ffn, linear_codes(task="text_generation")), "missing_activation")
    assert f.severity == INFO and f.evidence["layers"][0] == 5


def test_an_autoencoder_code_into_the_decoders_reshape_is_not_a_chain():
    m = summary("cae", [layer("Conv1D", "relu"), layer("Conv1D", "relu"), layer("Flatten"), layer("Dense"),
                        layer("Dense"), layer("Reshape"), layer("Conv1DTranspose", "relu"),
                        layer("Conv1DTranspose")], task="representation_learning", framework="pytorch", loss="mse")
    assert "missing_activation" not in kinds(compare(m, linear_codes()))


def test_activation_linear_is_no_activation():
    m = summary("lin", [layer("Dense", "relu", units=64), layer("Dense", "linear", units=32),
                        layer("Dense", "linear", units=16), layer("Dense", "softmax", units=10)])
    (f,) = found(compare(m, image_population()), "missing_activation")
    assert f.evidence["layers"][0] == 2


def test_the_scripts_own_layer_class_may_hold_the_nonlinearity(images):
    # Dense -> Antirectifier (a Layer subclass with weights, read as Dense) -> Dense -> ...
    m = summary("anti", [layer("Dense", units=256), own("Dense", "Antirectifier"), layer("Dense", units=256),
                         own("Dense", "Antirectifier"), layer("Dropout"), layer("Dense", "softmax", units=10)])
    assert "missing_activation" not in kinds(compare(m, images))


def test_siblings_need_different_lines_and_a_shape_a_stack_cannot_have(images):
    # one helper line builds every convolution (same in_channels variable read as the same value):
    # a stack, not siblings; conv -> BN with the helper's relu removed everywhere is caught
    def conv(n):
        return Layer(type="Conv2D", raw="nn.Conv2d", args={"in_channels": 64, "out_channels": 64}, line=15)

    def bn():
        return Layer(type="BatchNormalization", raw="nn.BatchNorm2d", args={}, line=16)

    m = summary("yolo", [conv(1), bn(), layer("MaxPooling2D"), conv(2), bn(), conv(3), bn(), layer("Flatten"),
                         layer("Dense", "softmax", units=10)], framework="pytorch")
    assert "missing_activation" in kinds(compare(m, images))
    # a square stack 64 -> 64, 64 -> 64 on two lines is no evidence of siblings either
    a = Layer(type="Dense", raw="nn.Linear", args={"in_features": 64, "out_features": 64}, line=3)
    b = Layer(type="Dense", raw="nn.Linear", args={"in_features": 64, "out_features": 64}, line=4)
    stack = summary("sq", [layer("Dense", "relu", in_features=784, out_features=64), a, b,
                           layer("Dense", "softmax", in_features=64, out_features=10)], framework="pytorch")
    assert "missing_activation" in kinds(compare(stack, images))


def test_several_keras_outputs_in_a_row_are_heads_not_hidden_layers():
    m = summary("heads", [layer("Conv1D", "relu", filters=64), layer("MaxPooling1D"), layer("Flatten"),
                          layer("Dense", "relu", units=50), layer("Dense", units=1), layer("Dense", units=1),
                          layer("Dense", units=1)], task="time_series_forecasting", loss="mse")
    assert "missing_activation" not in kinds(compare(m, image_population()))


def test_residual_or_attention_seen_only_as_a_trick_makes_branches(images):
    # residual blocks whose Add the reader did not list: conv -> BN feeds the shortcut
    res = summary("res", [layer("Conv2D"), layer("BatchNormalization", "relu"), layer("Conv2D"),
                          layer("BatchNormalization"), layer("Conv2D"), layer("BatchNormalization", "relu"),
                          layer("Conv2D", "tanh")], task="image_generation", tricks=("residual",))
    assert "missing_activation" not in kinds(compare(res, images), WARNING)
    att = summary("att", [layer("Dense", units=512), layer("Dense", units=512), layer("Dense", units=512),
                          layer("Dense", units=512)], task="machine_translation", tricks=("attention",))
    assert "missing_activation" not in kinds(compare(att, images), WARNING)


@pytest.mark.parametrize("model", [
    # an agent's policy and value heads, listed one after the other
    summary("a2c", [layer("Dense", "relu"), layer("Dense", "relu"), layer("Dense"), layer("Dense", units=1)],
            task="reinforcement_learning", loss="mse"),
    # PyTorch with no activation read anywhere (a forward the reader did not follow)
    summary("none", [layer("Dense", in_features=4, out_features=256), layer("Dense", in_features=256, out_features=2)],
            framework="pytorch", task="tabular_classification", loss_raw="nn.CrossEntropyLoss"),
    # a 1x1 convolution: a linear projection by design (MobileNetV2's bottleneck)
    summary("proj", [layer("Conv2D", "relu"), layer("Conv2D", kernel_size=1), layer("BatchNormalization"),
                     layer("Conv2D", "relu"), layer("GlobalAveragePooling2D"), layer("Dense", "softmax")]),
])
def test_missing_activations_that_may_be_designs_are_notes(model, images):
    (f,) = found(compare(model, images), "missing_activation")
    assert f.severity == INFO and f.evidence["note"]


def test_the_activation_rate_counts_plain_models_only():
    # attention projections (Dense, Dense, Dense in a row, linear) do not make linear Dense layers common
    att = [summary(f"t{i}", [layer("Embedding"), layer("Dense"), layer("Dense"), layer("Dense"),
                             layer("MultiHeadAttention"), layer("Dense", "softmax")], task="text_classification")
           for i in range(30)]
    mlp = [summary(f"m{i}", [layer("Embedding"), layer("GlobalAveragePooling1D"), layer("Dense", "relu"),
                             layer("Dense", "relu"), layer("Dense", "softmax")], task="text_classification")
           for i in range(12)]
    m = summary("mine", [layer("Embedding"), layer("GlobalAveragePooling1D"), layer("Dense"),
                         layer("Dense", "relu"), layer("Dense", "softmax")], task="text_classification")
    (f,) = found(compare(m, att + mlp), "missing_activation")
    assert f.severity == WARNING and f.evidence["population_examples"] == 12


# -- missing dropout ---------------------------------------------------------------------------
def test_dropout_judged_against_the_tasks_models_as_deep_as_yours():
    # few time-series models use dropout (small ones), but most of the deep ones do: a note
    small = [summary(f"s{i}", [layer("LSTM"), layer("Dense")], task="time_series_forecasting", loss="mse")
             for i in range(60)]
    deep = [summary(f"d{i}", [layer("Conv1D", "relu"), layer("Conv1D", "relu"), layer("MaxPooling1D"),
                              layer("Flatten"), layer("Dense", "relu"), layer("Dropout"), layer("Dense")],
                    task="time_series_forecasting", loss="mse") for i in range(12)]
    m = summary("mine", [layer("Conv1D", "relu"), layer("Conv1D", "relu"), layer("MaxPooling1D"), layer("Flatten"),
                         layer("Dense", "relu"), layer("Dense")], task="time_series_forecasting", loss="mse")
    (f,) = found(compare(m, small + deep), "missing_dropout")
    assert f.severity == INFO and "at least as deep as yours" in f.message and f.evidence["population"] == 12
    assert "missing_dropout" not in kinds(compare(m, small))


# -- huge epochs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kw,why", [
    ({"tricks": ("early_stopping",)}, "early stopping"),
    ({"datasets": ("synthetic",)}, "generated"),
    ({"task": "image_generation"}, "iterations"),
])
def test_many_epochs_that_need_not_be_a_slip_are_notes(kw, why):
    task = kw.get("task", "image_classification")
    pop = [summary(f"p{i}", [layer("Conv2D", "relu"), layer("Flatten"), layer("Dense", "softmax")], task=task,
                   epochs=20 + i) for i in range(30)]
    m = summary("mine", [layer("Conv2D", "relu"), layer("Flatten"), layer("Dense", "softmax")], epochs=5000,
                **kw)
    (f,) = found(compare(m, pop), "huge_epochs")
    assert f.severity == INFO and why in f.message


# -- missing loss --------------------------------------------------------------------------------
def test_an_optimizer_alone_is_no_evidence_the_compile_was_read(images):
    # OPTIMIZER = Adam() read, compile()/fit() of this model not: a note
    m = summary("lenet", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                          layer("Dense", "softmax")], loss=None, epochs=None, batch_size=None, learning_rate=None)
    (f,) = found(compare(m, images), "missing_loss")
    assert f.severity == INFO
    # compile(optimizer='adam', metrics=['accuracy']) without a loss: the warning
    m.hyperparameters.metrics = ["accuracy"]
    (f,) = found(compare(m, images), "missing_loss")
    assert f.severity == WARNING


# -- loss fit ------------------------------------------------------------------------------------
def test_a_loss_misfit_needs_the_models_own_task(images):
    unknown = summary("u", [layer("Dense"), layer("Dropout"), layer("Dense")], task="unknown", loss="mse")
    assert "unusual_hyperparameter" not in kinds(compare(unknown, images))
    # cross-entropy on a task read as regression: the task is more likely misread, a note
    reg = [summary(f"r{i}", [layer("Dense", "relu"), layer("Dense")], task="tabular_regression", loss="mse")
           for i in range(20)]
    bce = summary("b", [layer("Dense", "relu"), layer("Dense")], task="tabular_regression",
                  loss="binary_crossentropy")
    (f,) = [f for f in compare(bce, reg) if f.kind == "unusual_hyperparameter"]
    assert f.severity == INFO


# -- missing dense -------------------------------------------------------------------------------
def test_a_classifier_ending_in_a_hidden_dense_layer_lacks_its_output(images):
    m = summary("hd", [layer("Conv2D", "relu", filters=32), layer("MaxPooling2D"), layer("Flatten"),
                       layer("Dense", "relu", units=256), layer("Dropout"), layer("Dense", "relu", units=128),
                       layer("BatchNormalization")])
    (f,) = found(compare(m, images), "missing_dense")
    assert f.severity == WARNING and "hidden Dense" in f.message
    # the narrowest layer last, with relu: maybe the output with an odd activation, a note
    out = summary("hd2", [layer("Flatten"), layer("Dense", "relu", units=200), layer("Dense", "relu", units=200),
                          layer("Dense", "leaky_relu", units=10)])
    (f,) = found(compare(out, images), "missing_dense")
    assert f.severity == INFO


@pytest.mark.parametrize("ending", [
    # network in network: a 1x1 convolution to the classes, then global pooling
    [layer("Conv2D", "relu", out_channels=192), layer("Conv2D", "relu", out_channels=192),
     layer("Conv2D", "relu", out_channels=10), layer("AveragePooling2D"), layer("Flatten")],
    # a Dense per frame, averaged over time
    [layer("Pretrained"), layer("Dense", units=10), layer("GlobalAveragePooling3D")],
])
def test_class_scores_pooled_at_the_end_are_a_note(ending, images):
    (f,) = found(compare(summary("pool", ending), images), "missing_dense")
    assert f.severity == INFO and f.evidence["note"] == "pooled"


# -- the parser: Activation(activation='relu') -------------------------------------------------
def test_an_activation_layer_given_by_keyword_is_read():
    from corpus.readers.parser import parse_bytes

    code = (b"from keras.layers import Input, Dense, BatchNormalization, Activation\n"
            b"from keras.models import Model\n"
            b"x = Input((100,))\n"
            b"h = Dense(64)(x)\n"
            b"h = BatchNormalization()(h)\n"
            b"h = Activation(activation='relu')(h)\n"
            b"h = Dense(32)(h)\n"
            b"h = Activation('tanh')(h)\n"
            b"out = Dense(10, activation='softmax')(h)\n"
            b"model = Model(x, out)\n"
            b"model.compile(loss='categorical_crossentropy', optimizer='adam')\n")
    (m,) = [s for s in parse_bytes(code, "gen.py") if s.layers]
    assert [(lay.type, lay.activation) for lay in m.layers] == [
        ("Dense", None), ("BatchNormalization", "relu"), ("Dense", "tanh"), ("Dense", "softmax")]


def test_one_record_of_many_flattened_models_does_not_set_the_rate():
    # a dispatcher building ten models is read as one long list with many linear Dense layers
    dispatcher = summary("kws", [layer("Dense"), layer("Dense"), layer("Dense")] * 10 + [layer("Dense", "softmax")],
                         task="audio_classification")
    cnns = [summary(f"c{i}", [layer("Conv2D", "relu"), layer("GlobalAveragePooling2D"), layer("Dense", "relu"),
                              layer("Dense", "softmax")], task="audio_classification") for i in range(12)]
    m = summary("mine", [layer("Conv2D", "relu"), layer("GlobalAveragePooling2D"), layer("Dense"), layer("Dropout"),
                         layer("Dense", "softmax")], task="audio_classification")
    (f,) = found(compare(m, cnns + [dispatcher]), "missing_activation")
    assert f.severity == WARNING and f.evidence["population_examples"] == 13


def test_a_sibling_is_judged_in_list_order():
    # attention's output projection (768 -> 768), then the feed-forward's first layer (768 -> 3072): a
    # chain is possible, so they are not siblings; the block's missing GELU is found
    def lin(i, o, line):
        return Layer(type="Dense", raw="nn.Linear", args={"in_features": i, "out_features": o}, line=line)

    m = summary("gpt", [layer("Embedding"), lin(768, 768, 10), layer("Dropout"), layer("Add"),
                        layer("LayerNormalization"), lin(768, 3072, 20), lin(3072, 768, 21), layer("Dropout"),
                        layer("Add"), layer("LayerNormalization"), lin(768, 50257, 30)],
                task="language_modeling", framework="pytorch", loss_raw="nn.CrossEntropyLoss")
    (f,) = found(compare(m, linear_codes(task="language_modeling")), "missing_activation")
    assert f.evidence["layers"][0] == 6


def test_shortcuts_do_not_excuse_a_model_with_no_activation_at_all(images):
    # a MobileNet whose conv helper lost its ReLU6: every conv -> BN is linear
    convs = []
    for _ in range(4):
        convs += [layer("Conv2D", kernel_size=3), layer("BatchNormalization")]
    m = summary("mb", [*convs, layer("GlobalAveragePooling2D"), layer("Dense", "softmax")], framework="pytorch",
                tricks=("residual",))
    assert "missing_activation" in kinds(compare(m, images))


def test_a_classifier_ending_in_its_last_blocks_residual_sum_lacks_its_output(images):
    # a transformer classifier whose output Linear was removed: ... Dense -> Add -> LayerNorm
    block = [layer("MultiHeadAttention"), layer("Add"), layer("LayerNormalization"), layer("Dense", "relu"),
             layer("Dense"), layer("Add"), layer("LayerNormalization")]
    m = summary("tr", [layer("Embedding"), *block], task="text_classification", loss_raw="nn.CrossEntropyLoss")
    (f,) = found(compare(m, images), "missing_dense")
    assert f.severity == WARNING and "residual sum" in f.message
    # the script's own final norm class (RMSNorm) is looked past like LayerNormalization
    own_norm = summary("tr2", [layer("Embedding"), *block[:-1], own("Custom", "RMSNorm")],
                       task="text_classification", loss_raw="nn.CrossEntropyLoss")
    assert "missing_dense" in kinds(compare(own_norm, images))
    # with its output layer: nothing
    whole = summary("tr3", [layer("Embedding"), *block, layer("Dense", units=2)], task="text_classification",
                    loss_raw="nn.CrossEntropyLoss")
    assert "missing_dense" not in kinds(compare(whole, images))
