"""compare(): each of the seed study's mistakes is caught; ordinary models get no warning.

Every fixture script tests/fixtures/compare_*.py has its summary written out
here (what the parser gives for it, per the spec), so the checks are tested
now on the synthetic population; when the parser is installed, the scripts
themselves are parsed and must give the same verdicts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.compare_population import (
    image_population,
    layer,
    random_summaries,
    summary,
    text_population,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.compare import (
    INFO,
    KNOWN_WRONG_ORDERS,
    WARNING,
    Finding,
    compare,
)
from corpus.record.summary import Summary

FIXTURES = Path(__file__).parent / "fixtures"


def cnn(*extra_head, dropout=True):
    head = [layer("Dense", "relu", units=128)]
    if dropout:
        head.append(layer("Dropout", rate=0.5))
    return [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"), *head,
            *extra_head, layer("Dense", "softmax", units=10)]


def keras(sid, layers, **kw):
    kw.setdefault("loss_raw", "categorical_crossentropy")
    return summary(sid, layers, framework="keras", **kw)


# Summaries of the fixture scripts, as the parser reads them (spec: activations
# fold into the layer before; functional ops are layers).
FLAWED: dict[str, tuple[Summary, str]] = {
    "compare_missing_activation": (keras(
        "f_act", [layer("Flatten"), layer("Dense", units=256), layer("Dense", units=128),
                  layer("Dropout"), layer("Dense", "softmax")], batch_size=128, epochs=10),
        "missing_activation"),
    "compare_missing_output_activation": (keras(
        "f_out", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                  layer("Dense", "relu"), layer("Dropout"), layer("Dense", units=10)],
        learning_rate=None, epochs=12), "missing_activation"),
    "compare_huge_epochs": (keras("f_ep", cnn(), learning_rate=None, epochs=5000), "huge_epochs"),
    "compare_missing_loss": (keras("f_loss", cnn(), learning_rate=None, loss=None, loss_raw=None),
                             "missing_loss"),
    "compare_missing_dropout": (keras(
        "f_drop", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Conv2D", "relu"),
                   layer("MaxPooling2D"), layer("Flatten"), layer("Dense", "relu"),
                   layer("Dense", "softmax")], learning_rate=None, batch_size=128),
        "missing_dropout"),
    "compare_missing_dense": (keras(
        "f_dense", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Dropout"),
                    layer("Flatten", "softmax")], learning_rate=None), "missing_dense"),
    "compare_huge_learning_rate": (keras("f_lr", cnn(), learning_rate=0.5), "huge_learning_rate"),
    "compare_layer_order": (keras(
        "f_order", [layer("Dropout"), layer("Conv2D", "relu"), layer("MaxPooling2D"),
                    layer("Flatten"), layer("Dense", "relu"), layer("Dense", "softmax")],
        learning_rate=None), "unusual_layer_order"),
}

ORDINARY: dict[str, Summary] = {
    "compare_ordinary_keras_cnn": keras(
        "o_kcnn", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Conv2D", "relu"),
                   layer("MaxPooling2D"), layer("Flatten"), layer("Dense", "relu"), layer("Dropout"),
                   layer("Dense", "softmax")], learning_rate=None, batch_size=128, epochs=15),
    "compare_ordinary_torch_cnn": summary(
        "o_tcnn", [layer("Conv2D", "relu"), layer("Conv2D", "relu"), layer("MaxPooling2D"),
                   layer("Dropout"), layer("Flatten"), layer("Dense", "relu"), layer("Dropout"),
                   layer("Dense", "log_softmax")], framework="pytorch", optimizer="adadelta",
        learning_rate=1.0, batch_size=64, epochs=14, loss_raw="F.nll_loss"),
    "compare_ordinary_torch_mlp": summary(
        "o_tmlp", [layer("Flatten"), layer("Dense", "relu"), layer("Dropout"), layer("Dense", "relu"),
                   layer("Dropout"), layer("Dense")], framework="pytorch", datasets=("fashion_mnist",),
        optimizer="sgd", learning_rate=0.01, batch_size=64, epochs=10, loss_raw="nn.CrossEntropyLoss"),
    "compare_ordinary_keras_lstm": keras(
        "o_lstm", [layer("Embedding"), layer("LSTM"), layer("Dropout"), layer("Dense", "sigmoid")],
        task="text_classification", datasets=("imdb",), learning_rate=None, epochs=5,
        loss="binary_crossentropy", loss_raw="binary_crossentropy"),
}


@pytest.fixture(scope="module")
def images():
    return image_population(100)


@pytest.fixture(scope="module")
def texts():
    return text_population(60)


def population_for(model: Summary, images, texts):
    return texts if model.task == "text_classification" else images


def kinds(findings: list[Finding], severity: str | None = None) -> set[str]:
    return {f.kind for f in findings if severity is None or f.severity == severity}


@pytest.mark.parametrize("name", sorted(FLAWED))
def test_each_flawed_fixture_gives_exactly_its_finding(name, images, texts):
    model, kind = FLAWED[name]
    assert (FIXTURES / f"{name}.py").exists()
    findings = compare(model, population_for(model, images, texts))
    assert kinds(findings) == {kind}, [f.message for f in findings]
    f = findings[0]
    assert f.severity == WARNING and f.message and f.evidence


def test_every_hidden_layer_without_activation_is_named(images):
    model, _ = FLAWED["compare_missing_activation"]
    (f,) = compare(model, images)
    # Dense 2 feeds Dense 3 directly; Dense 3 feeds the output through Dropout:
    # the output's softmax is its own, not Dense 3's.
    assert f.evidence["layers"] == [2, 3]
    assert f.message.startswith("hidden Dense (layer 2), Dense (layer 3) have no activation")


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_ordinary_fixtures_get_no_warning(name, images, texts):
    model = ORDINARY[name]
    assert (FIXTURES / f"{name}.py").exists()
    findings = compare(model, population_for(model, images, texts))
    assert kinds(findings, WARNING) == set(), [f.message for f in findings]


@pytest.mark.parametrize("which", ["images", "texts"])
def test_ordinary_members_of_the_population_get_no_warning(which, images, texts):
    """Every member compared with the rest: the population is, by definition, ordinary.

    The one exception is by design: a member without dropout, where most use it.
    """
    pop = images if which == "images" else texts
    noisy = []
    for s in pop:
        warnings = [f for f in compare(s, pop) if f.severity == WARNING]
        if [f for f in warnings if f.kind != "missing_dropout"]:
            noisy.append((s.id, [f.message for f in warnings]))
        if any(f.kind == "missing_dropout" for f in warnings):
            assert "Dropout" not in s.layer_types
    assert noisy == []


def test_huge_epochs_evidence_quotes_the_population(images):
    model, _ = FLAWED["compare_huge_epochs"]
    (f,) = compare(model, images)
    epochs = sorted(s.hyperparameters.epochs for s in images)
    assert f.evidence["value"] == 5000
    assert f.evidence["examples_below"] == 100 and f.evidence["set_by"] == 100
    assert f.evidence["median"] == pytest.approx(epochs[49] / 2 + epochs[50] / 2)
    assert f.message.startswith("your 5000 epochs is more than 100 of 100 examples (median ")


def test_huge_learning_rate_message(images):
    model, _ = FLAWED["compare_huge_learning_rate"]
    (f,) = compare(model, images)
    n_adam = sum(1 for s in images if s.hyperparameters.optimizer == "adam" and s.hyperparameters.learning_rate)
    assert f.message == f"your learning rate 0.5 is higher than {n_adam} of {n_adam} examples using adam (median 1e-3)"
    assert f.evidence["compared_with"] == "examples using adam"


def test_learning_rate_is_judged_against_its_optimizer(images):
    # 0.1 with SGD is ordinary (the sgd examples use up to 0.1) ...
    sgd = keras("sgd", cnn(), optimizer="sgd", learning_rate=0.1)
    assert kinds(compare(sgd, images), WARNING) == set()
    # ... 0.05 with Adam is far above every Adam example.
    adam = keras("adam", cnn(), optimizer="adam", learning_rate=0.05)
    assert kinds(compare(adam, images)) == {"huge_learning_rate"}


def test_without_population_values_absolute_fallbacks_apply():
    few = image_population(5)
    assert kinds(compare(keras("e", cnn(), epochs=5000), few), WARNING) == {"huge_epochs"}
    assert kinds(compare(keras("l", cnn(), learning_rate=0.5), few), WARNING) == {"huge_learning_rate"}
    assert kinds(compare(keras("ok", cnn(), epochs=30, learning_rate=1e-3), few), WARNING) == set()


def test_output_activation_follows_the_loss(images):
    logits = cnn()[:-1] + [layer("Dense", units=10)]
    # Keras with from_logits=True: raw scores are right.
    m = keras("l1", logits, loss_raw="SparseCategoricalCrossentropy(from_logits=True)")
    assert "missing_activation" not in kinds(compare(m, images))
    # torch CrossEntropyLoss applies log-softmax itself.
    m = summary("l2", logits, framework="pytorch", loss_raw="nn.CrossEntropyLoss()")
    assert "missing_activation" not in kinds(compare(m, images))
    # torch NLLLoss needs log_softmax.
    m = summary("l3", logits, framework="pytorch", loss_raw="nn.NLLLoss()")
    (f,) = [f for f in compare(m, images) if f.kind == "missing_activation"]
    assert "log_softmax" in f.message and f.evidence["expects"] == "log_probabilities"
    # BCELoss needs a sigmoid; BCEWithLogitsLoss does not.
    binary = cnn()[:-1] + [layer("Dense", units=1)]
    m = summary("l4", binary, framework="pytorch", loss="binary_crossentropy", loss_raw="nn.BCELoss()")
    assert "missing_activation" in kinds(compare(m, images))
    m = summary("l5", binary, framework="pytorch", loss="binary_crossentropy",
                loss_raw="nn.BCEWithLogitsLoss()")
    assert "missing_activation" not in kinds(compare(m, images))


def test_output_checks_only_apply_to_classifiers(images):
    # A GAN generator ends in tanh; the script's BCELoss belongs to its discriminator.
    gen = summary("gen", [layer("Dense", "relu"), layer("Reshape"), layer("Conv2DTranspose", "relu"),
                          layer("Conv2DTranspose", "tanh")], task="image_generation", framework="pytorch",
                  loss="binary_crossentropy", loss_raw="nn.BCELoss")
    assert kinds(compare(gen, images), WARNING) == set()


def test_keras_loss_objects_without_their_arguments_are_not_judged(images):
    logits = cnn()[:-1] + [layer("Dense", units=10)]
    # The parser may not record from_logits=True on a loss object: unknown, no finding.
    m = keras("obj", logits, loss_raw="tf.keras.losses.SparseCategoricalCrossentropy")
    assert "missing_activation" not in kinds(compare(m, images))
    # When it says from_logits=False, the output needs a softmax.
    m.hyperparameters.extra["from_logits"] = False
    assert "missing_activation" in kinds(compare(m, images))


def test_residual_branches_are_not_missing_activations(images):
    # conv -> BN feeds the Add; the parser lists the shortcut conv between them.
    res = summary("res", [layer("Conv2D", "relu"), layer("Conv2D"), layer("BatchNormalization", "relu"),
                          layer("Conv2D"), layer("BatchNormalization"), layer("Conv2D"),
                          layer("BatchNormalization"), layer("Add", "relu"), layer("Flatten"),
                          layer("Dense", "relu"), layer("Dropout"), layer("Dense")],
                  framework="pytorch", loss_raw="nn.CrossEntropyLoss")
    assert "missing_activation" not in kinds(compare(res, images))


def test_pretrained_model_may_compute_its_own_loss(texts):
    hf = summary("hf", [layer("Pretrained", name="bert-base-uncased")], task="text_classification",
                 framework="pytorch", optimizer="adamw", learning_rate=2e-5, loss=None, loss_raw=None)
    findings = compare(hf, texts)
    assert kinds(findings, WARNING) == set()
    assert [f.kind for f in findings if f.severity == INFO][0] == "missing_loss"


def test_long_but_not_huge_training_is_not_a_warning(images):
    # 120 epochs is long for MNIST (a note), but not the thousands the study saw.
    m = keras("long", cnn(), epochs=120)
    findings = compare(m, images)
    assert "huge_epochs" not in kinds(findings)
    assert kinds(findings) == {"unusual_hyperparameter"}


def test_dropout_is_not_expected_of_generators(images):
    gens = [summary(f"g{i}", [layer("Dense", "relu"), layer("Dropout"), layer("Dense", "relu"),
                              layer("Reshape"), layer("Conv2DTranspose", "tanh")],
                    task="image_generation", loss="binary_crossentropy") for i in range(20)]
    gen = summary("gen", [layer("Dense", "relu"), layer("Dense", "relu"), layer("Reshape"),
                          layer("Conv2DTranspose", "tanh")], task="image_generation", loss="binary_crossentropy")
    assert "missing_dropout" not in kinds(compare(gen, gens))


def test_activation_after_batchnorm_or_pooling_counts(images):
    # Conv -> BN(relu) and F.relu(F.max_pool2d(conv(x))) fold the activation into the next layer.
    m = keras("bn", [layer("Conv2D"), layer("BatchNormalization", "relu"), layer("Conv2D"),
                     layer("MaxPooling2D", "relu"), layer("Flatten"), layer("Dense", "relu"),
                     layer("Dropout"), layer("Dense", "softmax")])
    assert "missing_activation" not in kinds(compare(m, images))


ORDER_CASES = {
    "flatten_before_conv": [layer("Flatten"), layer("Conv2D", "relu"), layer("MaxPooling2D"),
                            layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")],
    "pool_before_conv": [layer("MaxPooling2D"), layer("Conv2D", "relu"), layer("Flatten"),
                         layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")],
    "bn_after_output": [*cnn(), layer("BatchNormalization")],
    "softmax_in_middle": [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                          layer("Dense", "softmax"), layer("Dropout"), layer("Dense", "softmax")],
    "pool_after_flatten": [layer("Conv2D", "relu"), layer("Flatten"), layer("MaxPooling2D"),
                           layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")],
    "embedding_not_first": [layer("Dense", "relu"), layer("Embedding"), layer("Flatten"),
                            layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")],
    "dense_before_conv": [layer("Dense", "relu"), layer("Conv2D", "relu"), layer("MaxPooling2D"),
                          layer("Flatten"), layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")],
}


def test_flattening_the_output_is_fine(images):
    # A DCGAN discriminator ends conv(sigmoid) -> view(-1): a reshape, not a misplaced layer.
    d = summary("disc", [layer("Conv2D", "leaky_relu"), layer("Conv2D", "leaky_relu"), layer("Dropout"),
                         layer("Conv2D", "sigmoid"), layer("Flatten")], task="image_generation",
                framework="pytorch", loss="binary_crossentropy", loss_raw="nn.BCELoss")
    assert "unusual_layer_order" not in kinds(compare(d, images), WARNING)


@pytest.mark.parametrize("rule", sorted(ORDER_CASES))
def test_known_wrong_orders(rule, images):
    assert rule in {r.name for r in KNOWN_WRONG_ORDERS}
    findings = compare(keras(rule, ORDER_CASES[rule]), images)
    order = [f for f in findings if f.kind == "unusual_layer_order" and f.severity == WARNING]
    assert [f.evidence["rule"] for f in order] == [rule], [f.message for f in findings]
    assert order[0].evidence["population_with"] == 0
    assert "0 of 100 examples do this" in order[0].message


def test_a_known_wrong_order_the_population_uses_is_not_flagged(images):
    # If a fifth of the examples start with Dropout, it is a practice here.
    pop = [summary(s.id, [layer("Dropout"), *s.layers]) if i < 20 else s for i, s in enumerate(images)]
    model, _ = FLAWED["compare_layer_order"]
    assert "unusual_layer_order" not in kinds(compare(model, pop), WARNING)


def test_never_seen_bigram_is_info(images):
    # Flatten -> Conv2D is caught by the table; MaxPooling2D -> Dense (no Flatten) is only data-driven.
    m = keras("bg", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Dense", "relu"),
                     layer("Dropout"), layer("Dense", "softmax")])
    findings = compare(m, images)
    info = [f for f in findings if f.kind == "unusual_layer_order"]
    assert info and info[0].severity == INFO and info[0].evidence["bigram"] == ["MaxPooling2D", "Dense"]
    assert "appears in none of the 100 examples" in info[0].message


def test_unusual_hyperparameters(images):
    big = keras("bs", cnn(), batch_size=4096)
    (f,) = compare(big, images)
    # a choice outside the seven mistakes (a multi-GPU script's 4,096): a note that says how far
    assert (f.kind, f.severity, f.evidence["hyperparameter"]) == ("unusual_hyperparameter", INFO, "batch_size")
    assert "larger than 100 of 100 examples" in f.message and "far above" in f.message
    (f,) = compare(keras("bs2", cnn(), batch_size=1024), images)
    assert (f.kind, f.severity) == ("unusual_hyperparameter", INFO)
    mse = keras("mse", cnn(), loss="mse", loss_raw="mse")
    (f,) = compare(mse, images)
    assert (f.kind, f.severity, f.evidence["value"]) == ("unusual_hyperparameter", WARNING, "mse")
    assert "does not fit image classification" in f.message
    rare = keras("opt", cnn(), optimizer="adagrad", learning_rate=0.01)
    (f,) = compare(rare, images)
    assert (f.kind, f.severity) == ("unusual_hyperparameter", INFO)
    assert "adagrad is used by 0 of 100 examples" in f.message


def test_missing_dropout_respects_batch_norm_practice(images):
    pop = list(images)
    bn_models = [keras(f"bn{i}", [layer("Conv2D"), layer("BatchNormalization", "relu"),
                                  layer("MaxPooling2D"), layer("Flatten"), layer("Dense", "relu"),
                                  layer("Dense", "softmax")]) for i in range(12)]
    model = keras("mine", [layer("Conv2D"), layer("BatchNormalization", "relu"), layer("MaxPooling2D"),
                           layer("Flatten"), layer("Dense", "relu"), layer("Dense", "softmax")])
    assert "missing_dropout" not in kinds(compare(model, pop + bn_models))
    assert "missing_dropout" in kinds(compare(model, pop))


def test_model_only_script_missing_loss_is_info(images):
    bare = keras("bare", cnn(), optimizer=None, learning_rate=None, batch_size=None, epochs=None,
                 loss=None, loss_raw=None)
    findings = compare(bare, images)
    assert kinds(findings, WARNING) == set() and kinds(findings, INFO) == {"missing_loss"}


def test_empty_population_and_empty_model():
    assert compare(summary("x", []), []) == [] or all(isinstance(f, Finding) for f in compare(summary("x", []), []))
    findings = compare(keras("ok", cnn()), [])
    assert kinds(findings, WARNING) == set()


def test_findings_serialise(images):
    model, _ = FLAWED["compare_huge_epochs"]
    d = compare(model, images)[0].to_dict()
    assert set(d) == {"kind", "severity", "message", "evidence"}
    json.dumps(d)


# -- end to end through the parser, once it exists --------------------------------
def _parse(name: str) -> Summary:
    parser = pytest.importorskip("corpus.readers.parser")
    path = FIXTURES / f"{name}.py"
    models = [s for s in parser.parse_bytes(path.read_bytes(), str(path.name)) if s.layers]
    assert models, f"the parser found no model in {name}"
    return max(models, key=lambda s: len(s.layers))


@pytest.mark.parametrize("name", sorted(FLAWED))
def test_parsed_flawed_fixture(name, images, texts):
    model = _parse(name)
    findings = compare(model, population_for(model, images, texts))
    assert FLAWED[name][1] in kinds(findings, WARNING), [f.message for f in findings]


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_parsed_ordinary_fixture(name, images, texts):
    model = _parse(name)
    findings = compare(model, population_for(model, images, texts))
    assert kinds(findings, WARNING) == set(), [f.message for f in findings]


# -- never raises, whatever the summaries hold ---------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_summaries(), st.lists(random_summaries(), max_size=30))
def test_compare_never_raises(model, population):
    findings = compare(model, population)
    for f in findings:
        assert f.severity in (WARNING, INFO) and f.kind and f.message
        json.dumps(f.to_dict(), allow_nan=True)


# -- tuned on real scripts (bench/critique.py, the tuning half) ---------------------------------


def test_population_words_leave_out_what_the_checks_judge():
    from assistant.compare import inferred_query

    m = keras("q", [layer("Conv2D", "relu"), layer("BatchNormalization"), layer("MaxPooling2D"),
                    layer("Dropout"), layer("Flatten"), layer("Activation", "relu")])
    # no Dropout, BatchNormalization or Activation; a classifier always names its Dense head
    assert inferred_query(m) == "image classification mnist Conv2D MaxPooling2D Flatten Dense"
    with_dropout = keras("q2", [*m.layers, layer("Dense", "softmax")])
    assert inferred_query(with_dropout) == inferred_query(m)


def test_huge_epochs_beyond_a_few_outliers(images):
    # 10% of the examples read step counts as epochs: 5,000 is still huge (10x the median)
    pop = [keras(f"e{i}", cnn(), epochs=50_000 if i % 10 == 0 else 100) for i in range(40)]
    (f,) = [f for f in compare(keras("mine", cnn(), epochs=5000), pop) if f.kind == "huge_epochs"]
    assert f.severity == WARNING
    # an agent's "epochs" are episodes: a note
    agent = summary("rl", [layer("Dense", "relu"), layer("Dense", "relu"), layer("Dense")],
                    task="reinforcement_learning", epochs=5000, loss="mse")
    rl = [summary(f"r{i}", agent.layers, task="reinforcement_learning", epochs=100, loss="mse")
          for i in range(20)]
    findings = compare(agent, rl)
    assert "huge_epochs" not in kinds(findings)
    assert ("unusual_hyperparameter", INFO) in {(f.kind, f.severity) for f in findings}


def test_a_linear_projection_into_a_recurrent_layer_is_a_design(texts):
    m = summary("proj", [layer("Embedding"), layer("Dense", units=64), layer("LSTM"), layer("Dense", "sigmoid")],
                task="text_classification", loss="binary_crossentropy")
    assert "missing_activation" not in kinds(compare(m, texts))


def test_parallel_heads_are_not_missing_activations(images):
    # a VAE's mean and log-variance read the same input: side by side, not one under the other
    vae = summary("vae", [layer("Dense", "relu", in_features=784, units=400),
                          layer("Dense", in_features=400, units=20), layer("Dense", in_features=400, units=20),
                          layer("Dense", "relu", in_features=20, units=400),
                          layer("Dense", "sigmoid", in_features=400, units=784)],
                  task="representation_learning", loss="binary_crossentropy")
    assert "missing_activation" not in kinds(compare(vae, images))


def test_two_linear_layers_in_a_row_are_one_linear_map():
    # where linear hidden layers are common (autoencoders' codes), a chain of them still is a slip
    codes = [summary(f"ae{i}", [layer("Dense", "relu"), layer("Dense"), layer("Dense", "relu"),
                                layer("Dense", "sigmoid")], task="representation_learning", loss="mse")
             for i in range(20)]
    chain = summary("chain", [layer("Dense", in_features=784, units=256), layer("Dense", in_features=256, units=64),
                              layer("Dense", "relu"), layer("Dense", "sigmoid")],
                    task="representation_learning", loss="mse")
    (f,) = [f for f in compare(chain, codes) if f.kind == "missing_activation"]
    assert f.evidence["layers"][0] == 1
    one = summary("one", [layer("Dense", "relu"), layer("Dense"), layer("Dense", "relu"), layer("Dense", "sigmoid")],
                  task="representation_learning", loss="mse")
    assert "missing_activation" not in kinds(compare(one, codes))


def test_missing_activation_in_a_model_with_branches_is_a_note(images):
    branchy = keras("br", [layer("Conv2D", "relu"), layer("Conv2D"), layer("Conv2D"), layer("Add", "relu"),
                           layer("Flatten"), layer("Dense"), layer("Dense", "softmax")])
    (f,) = [f for f in compare(branchy, images) if f.kind == "missing_activation"]
    assert f.severity == INFO
    plain = keras("pl", [layer("Conv2D", "relu"), layer("Flatten"), layer("Dense"), layer("Dense", "softmax")])
    (f,) = [f for f in compare(plain, images) if f.kind == "missing_activation"]
    assert f.severity == WARNING


def test_pytorch_loss_not_read_is_a_note(images):
    m = summary("pt", cnn(), framework="pytorch", optimizer="adam", loss=None, loss_raw=None)
    findings = [f for f in compare(m, images) if f.kind == "missing_loss"]
    assert [f.severity for f in findings] == [INFO] and "computed elsewhere" in findings[0].message
    k = keras("k", cnn(), loss=None, loss_raw=None)
    assert ("missing_loss", WARNING) in {(f.kind, f.severity) for f in compare(k, images)}


def test_a_classifier_ending_in_dropout_has_no_output_layer(images):
    no_head = keras("nh", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                           layer("Dense", "relu"), layer("Dropout")])
    assert "missing_dense" in kinds(compare(no_head, images), WARNING)
    # dropout after the output is an order slip, not a missing head
    after = keras("af", [layer("Conv2D", "relu"), layer("MaxPooling2D"), layer("Flatten"),
                         layer("Dense", "relu"), layer("Dense", "softmax"), layer("Dropout")])
    assert "missing_dense" not in kinds(compare(after, images))
    # a head removed from a residual net leaves conv -> BN -> Add: still features
    res = keras("rs", [layer("Conv2D", "relu"), layer("Conv2D"), layer("BatchNormalization"), layer("Add", "relu")])
    assert "missing_dense" in kinds(compare(res, images))


def test_dropout_share_comes_from_the_reference(images):
    # the population ranked by the model's own layers leans towards models like it
    like_mine = [keras(f"n{i}", cnn(dropout=False)) for i in range(30)]
    mine = keras("mine", cnn(dropout=False))
    assert "missing_dropout" not in kinds(compare(mine, like_mine))
    task_sample = [keras(f"t{i}", cnn(dropout=i % 2 == 0)) for i in range(30)]
    (f,) = [f for f in compare(mine, like_mine, task_sample) if f.kind == "missing_dropout"]
    assert f.severity == INFO and f.evidence["share"] == 0.5


def test_order_slip_in_a_model_with_branches_is_a_note(images):
    branchy = keras("ob", [layer("Flatten"), layer("Conv2D", "relu"), layer("Conv2D", "relu"), layer("Add"),
                           layer("Dense", "relu"), layer("Dropout"), layer("Dense", "softmax")])
    found = [f for f in compare(branchy, images) if f.kind == "unusual_layer_order"]
    assert found and all(f.severity == INFO for f in found)


def test_keras_compile_without_a_loss_needs_no_majority(images):
    # examples of segmentation rarely state a loss the reader can see; fit() still needs one
    quiet = [keras(f"s{i}", cnn(), loss=None, loss_raw=None, optimizer=None) for i in range(20)]
    m = keras("seg", cnn(), loss=None, loss_raw=None, optimizer="adam")
    assert ("missing_loss", WARNING) in {(f.kind, f.severity) for f in compare(m, quiet)}
    pt = summary("pt", cnn(), framework="pytorch", loss=None, loss_raw=None, optimizer="adam")
    assert "missing_loss" not in kinds(compare(pt, quiet))


def test_an_untrained_model_without_a_head_may_be_a_block(images):
    stage = keras("stage", [layer("Conv2D", "relu"), layer("Conv2D"), layer("BatchNormalization"), layer("Add", "relu")],
                  optimizer=None, learning_rate=None, batch_size=None, epochs=None, loss=None, loss_raw=None)
    (f,) = [f for f in compare(stage, images) if f.kind == "missing_dense"]
    assert f.severity == INFO


def test_a_loss_function_called_without_its_arguments_read_is_not_judged(images):
    logits = cnn()[:-1] + [layer("Dense", units=10)]
    # tf.losses.categorical_crossentropy(y, out, from_logits=True) in a GradientTape loop,
    # recorded without its arguments: what it expects is unknown
    m = keras("fn", logits, loss="categorical_crossentropy", loss_raw="tf.losses.categorical_crossentropy")
    assert "missing_activation" not in kinds(compare(m, images))
    # a compile() string has no from_logits: the output needs a softmax
    m = keras("str", logits, loss="categorical_crossentropy", loss_raw="categorical_crossentropy")
    assert "missing_activation" in kinds(compare(m, images))
