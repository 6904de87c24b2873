"""Keras constructs, one fixture script each: exact layers, activations, hyperparameters."""

from __future__ import annotations

import pytest
from conftest import parse_fixture


def parse(name: str):
    return parse_fixture(name)


def seq(s) -> list[str]:
    return [f"{x.type}/{x.activation}" if x.activation else x.type for x in s.layers]


def test_sequential_add_with_activation_layers_folded():
    (s,) = parse("keras_sequential_add.py")
    assert s.framework == "keras" and s.name == "model"
    assert seq(s) == ["Conv2D/relu", "Conv2D/relu", "MaxPooling2D", "Dropout", "Flatten", "Dense/relu",
                      "Dropout", "Dense/softmax"]
    assert s.layers[0].args == {"filters": 32, "kernel_size": [3, 3]}
    assert s.layers[-1].args == {"units": 10}
    assert s.input_shape == [28, 28, 1]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.001, 64, 12)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "keras.losses.categorical_crossentropy"
    assert hp.metrics == ["accuracy"] and hp.extra["validation_split"] == 0.1
    assert s.parse.status == "ok"


def test_sequential_list_tf_keras_names():
    (s,) = parse("keras_sequential_list.py")
    assert seq(s) == ["Flatten", "Dense/relu", "Dropout", "Dense/softmax"]
    assert s.input_shape == [28, 28]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size) == ("adam", None, 5, None)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "sparse_categorical_crossentropy"


def test_functional_branches_in_source_order_then_merge():
    (s,) = parse("keras_functional_branches.py")
    assert seq(s) == ["Embedding", "Conv1D/relu", "GlobalMaxPooling1D", "Conv1D/relu", "GlobalMaxPooling1D",
                      "Conv1D/relu", "GlobalMaxPooling1D", "Concatenate", "Dense/sigmoid"]
    assert [x.args.get("kernel_size") for x in s.layers if x.type == "Conv1D"] == [3, 4, 5]
    assert s.input_shape == [100]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.001, 32, 3)


def test_subclassed_model_in_call_order_with_gradient_tape():
    (s,) = parse("keras_subclass.py")
    assert s.name == "MyModel" and s.framework == "keras"
    # d2 is defined before d1 in __init__ but applied last in call()
    assert seq(s) == ["Conv2D/relu", "Flatten", "Dense/relu", "Dense"]
    assert [x.args.get("units") for x in s.layers if x.type == "Dense"] == [128, 10]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size) == ("adam", 0.001, 5, 32)
    assert hp.loss == "categorical_crossentropy"


def test_keras1_names_and_arguments():
    (s,) = parse("keras_keras1.py")
    assert seq(s) == ["Conv2D/relu", "MaxPooling2D", "Flatten", "Dense/relu", "Dropout", "Dense/softmax"]
    assert s.layers[0].args == {"filters": 32, "kernel_size": [3, 3], "padding": "same",
                                "kernel_initializer": "he_normal"}
    assert s.layers[3].args == {"units": 512}
    assert s.layers[4].args == {"rate": 0.5}
    assert s.input_shape == [3, 32, 32]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 32, 200)
    assert hp.extra["momentum"] == 0.9
    assert "lr_schedule" in s.tricks  # the optimizer's decay


def test_builder_and_block_functions_expand_per_call_site():
    (s,) = parse("keras_builder_function.py")
    assert s.name == "net"
    assert seq(s) == ["Conv2D/relu", "MaxPooling2D", "Conv2D/relu", "MaxPooling2D", "Flatten", "Dense/softmax"]
    assert [x.args["filters"] for x in s.layers if x.type == "Conv2D"] == [32, 64]
    assert s.input_shape == [32, 32, 3]
    hp = s.hyperparameters
    # train(net, 50, args.batch_size): the call's argument wins over the default;
    # the learning rate is the argparse default
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 256, 50)


def test_gan_generator_and_discriminator():
    ss = parse("keras_gan.py")
    assert [s.name for s in ss] == ["generator", "discriminator"]
    gen, disc = ss
    assert seq(gen) == ["Dense/leaky_relu", "BatchNormalization", "Dense/tanh", "Reshape"]
    assert seq(disc) == ["Flatten", "Dense/leaky_relu", "Dropout", "Dense/sigmoid"]
    assert gen.input_shape == [100] and disc.input_shape == [28, 28, 1]
    for s in ss:
        hp = s.hyperparameters
        assert (hp.optimizer, hp.learning_rate, hp.loss, hp.epochs, hp.batch_size) == (
            "adam", 0.0002, "binary_crossentropy", 3000, 32)
    assert disc.hyperparameters.metrics == ["accuracy"]
    assert gen.id != disc.id


def test_pretrained_backbone_frozen_preprocessing_layers_and_callbacks():
    (s,) = parse("keras_transfer.py")
    assert seq(s) == ["Pretrained", "GlobalAveragePooling2D", "Dropout", "Dense/softmax"]
    assert s.layers[0].args["name"] == "ResNet50"
    assert {"pretrained_weights", "transfer_learning", "early_stopping", "checkpointing"} <= set(s.tricks)
    assert {"normalize", "augment"} <= set(s.preprocessing)
    hp = s.hyperparameters
    assert (hp.learning_rate, hp.batch_size, hp.epochs) == (0.0001, 16, 10)
    assert s.input_shape == [224, 224, 3]


def test_bidirectional_and_activation_layers_of_every_kind():
    (s,) = parse("keras_rnn_bidirectional.py")
    assert seq(s) == ["Embedding", "Bidirectional", "Bidirectional", "Dense/leaky_relu", "Dense/leaky_relu",
                      "Dense/elu", "Dense/sigmoid"]
    assert s.layers[1].args == {"layer": "LSTM", "units": 64, "return_sequences": True}
    assert s.layers[2].args == {"layer": "LSTM", "units": 32}
    assert s.input_shape == [100]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.loss, hp.batch_size, hp.epochs) == ("adam", "binary_crossentropy", 64, 4)


def test_layer_subclass_expanded_in_place_with_residual_add():
    (s,) = parse("keras_custom_layer.py")
    block = ["Conv2D", "BatchNormalization/relu", "Conv2D", "Add"]
    assert seq(s) == block + block + ["GlobalAveragePooling2D", "Dense/softmax"]
    hp = s.hyperparameters
    assert hp.optimizer == "rmsprop" and hp.learning_rate == 2 ** -10 and hp.epochs == 7
    assert hp.extra["steps_per_epoch"] == 100


def test_notebook_reusing_model_gives_two_summaries():
    a, b = parse("keras_notebook_two_models.py")
    assert (a.name, b.name) == ("model", "model") and a.id != b.id
    assert a.source.line_start != b.source.line_start
    assert seq(a) == ["Dense/relu", "Dense/sigmoid"] and a.hyperparameters.epochs == 20
    assert seq(b) == ["Dense/relu", "Dense/relu", "Dense/sigmoid"] and b.hyperparameters.epochs == 4


def test_layers_added_in_a_loop_count_once_with_repeat():
    (s,) = parse("keras_loop_layers.py")
    assert seq(s) == ["Dense/relu", "Dense/relu", "Dropout", "Dense"]
    assert [x.repeat for x in s.layers] == [None, 3, 3, None]
    assert s.input_shape == [20]
    assert s.hyperparameters.loss == "mse" and s.hyperparameters.metrics == ["mae"]


@pytest.mark.parametrize("style", [
    "from tensorflow.keras import layers\nL = layers.Dense",
    "from keras.layers import Dense\nL = Dense",
    "import tensorflow as tf\nL = tf.keras.layers.Dense",
    "import keras\nL = keras.layers.Dense",
    "from tensorflow.python.keras.layers import Dense\nL = Dense",
    "from keras.layers import *\nL = Dense",
])
def test_every_import_style(style):
    from corpus.readers.parser import parse_bytes

    code = style + "\nfrom keras.models import Sequential\nm = Sequential()\nm.add(L(8, input_dim=4))\nm.add(L(1))\n"
    (s,) = parse_bytes(code.encode(), "x.py")
    assert seq(s) == ["Dense", "Dense"] and s.input_shape == [4]


def test_layer_subclass_of_backend_ops_is_one_custom_block():
    from corpus.readers.parser import parse_bytes

    code = b"""from keras import backend as K
from keras.layers import Layer, Dense, Dropout
from keras.models import Sequential


class Antirectifier(Layer):
    def call(self, inputs):
        inputs -= K.mean(inputs, axis=1, keepdims=True)
        pos = K.relu(inputs)
        neg = K.relu(-inputs)
        return K.concatenate([pos, neg], axis=1)


model = Sequential()
model.add(Dense(256, input_shape=(784,)))
model.add(Antirectifier())
model.add(Dropout(0.1))
model.add(Dense(10, activation='softmax'))
"""
    (s,) = parse_bytes(code, "a.py")
    assert seq(s) == ["Dense", "Custom", "Dropout", "Dense/softmax"]
    assert s.layers[1].raw == "Antirectifier"


def test_loop_variable_tests_stay_unknown_and_sklearn_wrapper_trains():
    from corpus.readers.parser import parse_bytes

    code = b"""from keras.models import Sequential
from keras.layers import Dense, Dropout
from keras.wrappers.scikit_learn import KerasClassifier


def make_model(width=64):
    model = Sequential()
    model.add(Dense(width, activation='relu', input_dim=8))
    for i in range(3):
        if i > 0:
            model.add(Dropout(0.2))
        model.add(Dense(width, activation='relu'))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='adam')
    return model


clf = KerasClassifier(make_model, batch_size=16, epochs=40)
"""
    (s,) = parse_bytes(code, "a.py")
    assert seq(s) == ["Dense/relu", "Dropout", "Dense/relu", "Dense/sigmoid"]
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (16, 40)


def test_model_subclass_overriding_train_step_trains_the_models_it_holds():
    disc, gen = parse("keras_train_step_gan.py")
    assert (disc.name, gen.name) == ("discriminator", "generator")
    assert seq(disc) == ["Conv2D/leaky_relu", "Conv2D/leaky_relu", "Flatten", "Dropout", "Dense/sigmoid"]
    assert seq(gen) == ["Dense", "Reshape", "Conv2DTranspose/leaky_relu", "Conv2D/sigmoid"]
    for s in (disc, gen):
        hp = s.hyperparameters
        assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.loss) == ("adam", 0.0001, 30, "binary_crossentropy")


def test_hub_layer_and_applications_module_style():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
import tensorflow_hub as hub

feature_extractor = hub.KerasLayer("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5",
                                   input_shape=(224, 224, 3))
model = tf.keras.Sequential([feature_extractor, tf.keras.layers.Dense(5)])
model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_batches, epochs=6)

base = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights='imagenet')
for layer in base.layers[:100]:
    layer.trainable = False
head = tf.keras.Sequential([base, tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(1)])
head.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.0001), loss='binary_crossentropy')
head.fit(train_batches, epochs=10)
"""
    hubm, head = parse_bytes(code, "a.py")
    assert seq(hubm) == ["Pretrained", "Dense"] and hubm.input_shape == [224, 224, 3]
    assert hubm.layers[0].args["name"].startswith("https://tfhub.dev/")
    assert {"pretrained_weights", "transfer_learning"} <= set(hubm.tricks)
    assert seq(head) == ["Pretrained", "GlobalAveragePooling2D", "Dense"]
    assert head.layers[0].args["name"] == "MobileNetV2" and head.input_shape == [160, 160, 3]
    assert {"pretrained_weights", "transfer_learning"} <= set(head.tricks)
    assert (head.hyperparameters.optimizer, head.hyperparameters.learning_rate) == ("rmsprop", 0.0001)


def test_subclass_with_a_list_of_layer_blocks_applied_in_a_loop():
    (s,) = parse("keras_subclass_blocks.py")
    assert s.name == "Classifier"
    assert seq(s) == ["Conv2D", "BatchNormalization/relu", "MaxPooling2D", "Flatten", "Dropout", "Dense/softmax"]
    assert [x.repeat for x in s.layers] == [3, 3, 3, None, None, None]
    assert s.input_shape == [32, 32, 3]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adam", 3e-4, 20)


def test_application_trained_from_scratch_is_the_model():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
model = tf.keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
model.compile(optimizer=tf.keras.optimizers.SGD(0.1, momentum=0.9), loss='sparse_categorical_crossentropy')
model.fit(x_train, y_train, batch_size=128, epochs=30)
"""
    (s,) = parse_bytes(code, "a.py")
    assert s.name == "model" and seq(s) == ["Pretrained"]
    assert s.layers[0].args == {"name": "ResNet50", "weights": None}
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.1, 128, 30)
    assert hp.extra["momentum"] == 0.9 and s.input_shape == [32, 32, 3]


def test_called_names_counts_whole_words_before_a_parenthesis():
    from corpus.readers.keras_interp import _called_names

    code = ("def build(n):\n    pass\n\nmodel = build (3)\nrebuild (2)\nx.build\t(4)\n"
            "def helper():\n    pass\nhelper_two()\nprint('build')\n")
    got = _called_names(code, {"build", "helper", "unused", ""})
    # build: its def line, the spaced call, and the method call; never inside rebuild
    assert got == {"build": 3, "helper": 1, "unused": 0}
    # whole words: a class named model is not called by train_model(...)
    code = "class model(object):\n    def train_model(self):\n        pass\nm = x.train_model()\n"
    assert _called_names(code, {"model", "train_model"}) == {"model": 1, "train_model": 2}


def test_model_from_a_project_builder_trained_here_is_one_custom_block():
    (s,) = parse("keras_imported_builder.py")  # the scaler's fit() is not a Keras model
    assert s.framework == "keras" and s.name == "net"
    assert [(x.type, x.raw, x.line) for x in s.layers] == [("Custom", "make_regressor", 16)]
    hp = s.hyperparameters
    # the rate handed to the builder is the one it compiles with; the optimizer is not written here
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == (None, 0.0003, 50, 15)
    assert hp.loss is None and hp.extra["validation_split"] == 0.2
    assert s.tricks == ["early_stopping"]
    assert s.parse.status == "partial"
    assert s.parse.warnings == ["make_regressor is defined in another file: its layers are not read"]


def test_project_builder_trained_with_gradient_tape():
    (s,) = parse("keras_imported_builder_tape.py")
    assert s.framework == "keras" and s.name == "classifier"
    assert [(x.type, x.raw) for x in s.layers] == [("Custom", "small_resnet")]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.002, 128, 30)
    assert (hp.loss, hp.loss_raw) == ("categorical_crossentropy", "tf.losses.categorical_crossentropy")
    assert s.input_shape == [32, 32, 3]


def test_snippet_with_keras_and_layers_imports_left_out():
    (s,) = parse("keras_snippet_no_imports.py")
    assert s.name == "clf" and s.framework == "keras"
    assert seq(s) == ["Dense/relu", "Dropout", "Dense/softmax"]
    assert s.layers[0].args == {"units": 256} and s.input_shape == [784]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("rmsprop", None, 256, 4)
    assert (hp.loss, hp.loss_raw) == ("categorical_crossentropy", "sparse_categorical_crossentropy")


def test_test_class_reading_the_trained_model_not_the_predict_only_one():
    (s,) = parse("keras_test_class_fit.py")
    assert s.name == "TwoLayer" and seq(s) == ["Dense/tanh", "Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == ("sgd", 0.05, 16, 5, "mse")


def test_tape_loop_takes_the_differentiated_loss_and_repeat_epochs():
    (s,) = parse("keras_tape_repeat_hand_loss.py")
    assert s.name == "mlp" and seq(s) == ["Dense/relu", "Dense"]
    hp = s.hyperparameters
    # ds.batch(100).repeat(8) read by one step loop: 8 passes over the data
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.02, 100, 8)
    # the loss is the one handed to tape.gradient (a squared error written by hand),
    # not the cross-entropy computed only to print it
    assert (hp.loss, hp.loss_raw) == ("mse", "tf.reduce_sum(tf.square(out - yb)) / 100")


def test_same_file_layer_computing_a_weight_product_is_dense():
    (s,) = parse("keras_weight_layer.py")
    assert s.name == "Classifier"
    # x @ self.w with a weight of its own is a Dense; an elementwise squash stays Custom
    assert [(x.type, x.raw, x.activation) for x in s.layers] == [
        ("Dense", "Linear", "relu"), ("Custom", "Squash", None), ("Dense", "Linear", None)]


def test_loss_written_as_a_method_of_the_agent():
    (s,) = parse("keras_dqn_method_loss.py")
    assert s.name == "net" and seq(s) == ["Dense/relu", "Dense/relu", "Dense/linear"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate) == ("adam", 0.0005)
    # compile(loss=self._smooth_l1): quadratic under a threshold, linear above it
    assert (hp.loss, hp.loss_raw) == ("huber", "_smooth_l1")


def test_plain_fit_without_batch_size_keeps_it_null():
    (s,) = parse("keras_fit_default_batch.py")
    assert s.name == "model" and [x.type for x in s.layers] == ["Concatenate", "Dense", "Dense"]
    hp = s.hyperparameters
    # fit() on arrays with no batch_size: the library default, not the .batch(16) of another pipeline
    assert (hp.optimizer, hp.batch_size, hp.epochs, hp.loss) == ("adam", None, 3, "mse")


def test_project_model_only_compiled_to_predict_is_no_example():
    assert parse("keras_imported_eval_only.py") == []


def test_one_builder_trained_in_two_experiments_gives_two_models():
    first, second = parse("keras_builder_trained_twice.py")
    assert first.name == second.name == "net" and first.id != second.id
    assert seq(first) == seq(second) == ["Dense/relu", "Dense/softmax"]
    assert (first.hyperparameters.epochs, second.hyperparameters.epochs) == (5, 8)
    assert first.hyperparameters.batch_size == second.hyperparameters.batch_size == 25


def test_percentage_error_loss_is_other_not_mae():
    from corpus.knowledge.vocab import canonical_loss

    assert canonical_loss("mean_absolute_percentage_error") == "other"
    assert canonical_loss("mape") == "other"
    assert canonical_loss("mean_absolute_error") == "mae"


def test_subclassed_model_with_named_outputs_and_a_layer_returning_a_dict():
    # ``inputs["text"]``, a Layer whose call returns {"a": ..., "b": ...}, ``keras.ops.concatenate`` of the two
    # and a call returning a dict: one model, both branches joined, and its Sequential head no model of its own
    (s,) = parse("keras_named_outputs.py")
    assert s.name == "Whole"
    assert [x.type for x in s.layers] == ["Dense", "Dense", "Concatenate", "Dense", "Dense"]
    assert (s.hyperparameters.optimizer, s.hyperparameters.loss) == ("adam", "mse")


def test_sequential_parts_of_a_model_class_are_no_examples_even_when_its_call_cannot_be_read():
    # Simulator's call hands its two Sequentials to an outside function: the class cannot be read, and the
    # Sequentials it builds in __init__ are still its parts, not two models
    assert parse("keras_unread_model_parts.py") == []


def test_a_model_bound_to_two_names_at_once_is_one_model():
    from corpus.readers.parser import parse_bytes

    code = (b"from tensorflow import keras\n\n"
            b"model = m = keras.Sequential([keras.layers.Dense(8, activation='relu'), keras.layers.Dense(1)])\n"
            b"m.compile(optimizer='adam', loss='mse')\nmodel.fit(None, epochs=3)\n")
    (s,) = parse_bytes(code, "chained.py")
    assert (s.hyperparameters.optimizer, s.hyperparameters.loss, s.hyperparameters.epochs) == ("adam", "mse", 3)


def test_keras_ops_reshape_between_layers_is_read_as_tf_reshape_is():
    from corpus.readers.parser import parse_bytes

    code = (b"import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(5, 16))\n"
            b"x = layers.Dense(8, activation='relu')(inputs)\nx = keras.ops.reshape(x, (-1, 5, 8, 1))\n"
            b"x = layers.Conv2D(4, 3)(x)\nx = keras.ops.reshape(x, (-1, 24))\n"
            b"outputs = layers.Dense(3, activation='softmax')(x)\nmodel = keras.Model(inputs, outputs)\n"
            b"model.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(None, epochs=2)\n")
    (s,) = parse_bytes(code, "ops_reshape.py")
    assert [x.type for x in s.layers] == ["Dense", "Reshape", "Conv2D", "Flatten", "Dense"]


def test_a_tfds_dataset_loaded_batched_gives_the_batch_size():
    from corpus.readers.parser import parse_bytes

    code = (b"import tensorflow as tf\nimport tensorflow_datasets as tfds\n\n"
            b"train = tfds.load('mnist', split='train', as_supervised=True, batch_size=32)\n"
            b"model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation='softmax')])\n"
            b"model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')\nmodel.fit(train, epochs=5)\n")
    (s,) = parse_bytes(code, "tfds_batched.py")
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs, s.datasets) == (32, 5, ["mnist"])


@pytest.mark.parametrize("pairing", ["tf.data.Dataset.zip((horses, zebras))", "zip(horses, zebras)"])
def test_a_loop_over_zipped_datasets_has_their_batch_size(pairing):
    from corpus.readers.parser import parse_bytes

    code = (
        "import tensorflow as tf\n"
        "BATCH_SIZE = 1\n"
        "horses = tf.data.Dataset.from_tensor_slices(a).shuffle(1000).batch(BATCH_SIZE)\n"
        "zebras = tf.data.Dataset.from_tensor_slices(b).shuffle(1000).batch(BATCH_SIZE)\n"
        "test_horses = tf.data.Dataset.from_tensor_slices(c).batch(8)\n"
        "disc = tf.keras.Sequential([tf.keras.layers.Conv2D(64, 4), tf.keras.layers.Conv2D(1, 4)])\n"
        "opt = tf.keras.optimizers.Adam(2e-4)\n"
        "def train_step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean(tf.square(disc(x) - 1))\n"
        "    grads = tape.gradient(loss, disc.trainable_variables)\n"
        "    opt.apply_gradients(zip(grads, disc.trainable_variables))\n"
        "for epoch in range(10):\n"
        f"    for x, y in {pairing}:\n"
        "        train_step(x, y)\n"
    )
    (s,) = parse_bytes(code.encode(), "cyclegan.py")
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (1, 10)


def test_a_hashed_crossing_is_preprocessing_not_a_custom_layer():
    from corpus.readers.parser import parse_bytes

    code = (
        "from tensorflow import keras\nfrom tensorflow.keras.layers import HashedCrossing\n"
        "a = keras.Input(shape=(1,))\nb = keras.Input(shape=(1,))\n"
        "crossed = HashedCrossing(num_bins=100, output_mode='one_hot')((a, b))\n"
        "out = keras.layers.Dense(1, activation='sigmoid')(keras.layers.Dense(32, activation='relu')(crossed))\n"
        "model = keras.Model([a, b], out)\nmodel.compile(optimizer='adam', loss='binary_crossentropy')\n"
    )
    (s,) = parse_bytes(code.encode(), "wide_deep.py")
    assert seq(s) == ["Dense/relu", "Dense/sigmoid"]


def test_a_static_block_helper_called_through_self_is_expanded_at_each_call():
    from corpus.readers.parser import parse_bytes

    code = (
        "from tensorflow.keras.layers import Input, Conv2D, LeakyReLU\n"
        "from tensorflow.keras.models import Model\n"
        "class GAN:\n"
        "    def __init__(self):\n"
        "        self.df = 64\n"
        "        self.d = self.build_discriminator()\n"
        "        self.d.compile(loss='mse', optimizer='adam')\n"
        "    @staticmethod\n"
        "    def conv2d(layer_input, filters, f_size=4):\n"
        "        d = Conv2D(filters, kernel_size=f_size, strides=2, padding='same')(layer_input)\n"
        "        return LeakyReLU(alpha=0.2)(d)\n"
        "    def build_discriminator(self):\n"
        "        img = Input(shape=(128, 128, 3))\n"
        "        d1 = self.conv2d(img, self.df)\n"
        "        d2 = self.conv2d(d1, self.df * 2)\n"
        "        return Model(img, Conv2D(1, kernel_size=4)(d2))\n"
        "gan = GAN()\n"
    )
    (s,) = parse_bytes(code.encode(), "gan.py")
    assert seq(s) == ["Conv2D/leaky_relu", "Conv2D/leaky_relu", "Conv2D"]
    assert [x.args.get("filters") for x in s.layers] == [64, 128, 1]


def test_if_else_arms_each_start_from_the_names_before_the_if():
    from corpus.readers.parser import parse_bytes

    # "load the checkpoint if it exists, else train": the fit is the model built above
    code = (
        "import os\nfrom tensorflow import keras\nfrom tensorflow.keras.models import load_model\n"
        "model2 = keras.Sequential([keras.layers.Dense(64, activation='relu', input_shape=(9,)), keras.layers.Dense(1)])\n"
        "model2.compile(loss='mse', optimizer='rmsprop')\n"
        "if os.path.exists('model2.h5'):\n"
        "    model2 = load_model('model2.h5')\n"
        "else:\n"
        "    model2.fit(x, y, epochs=1000, batch_size=32)\n"
    )
    (s,) = parse_bytes(code.encode(), "regression.py")
    assert (s.hyperparameters.epochs, s.hyperparameters.batch_size) == (1000, 32)
    # a shortcut built in either arm is one layer after the same tensor, not both in a row
    code = (
        "from tensorflow.keras.layers import Input, Conv2D, Add, Dense, Flatten\n"
        "from tensorflow.keras.models import Model\n"
        "def block(x, k):\n"
        "    init = x\n"
        "    if x.shape[-1] != 16 * k:\n"
        "        init = Conv2D(16 * k, 1, activation='linear')(init)\n"
        "    else:\n"
        "        init = Conv2D(16 * k, 1, activation='linear', padding='same')(init)\n"
        "    y = Conv2D(16 * k, 3, padding='same')(x)\n"
        "    return Add()([init, y])\n"
        "inp = Input((32, 32, 3))\n"
        "model = Model(inp, Dense(10, activation='softmax')(Flatten()(block(inp, 2))))\n"
        "model.compile(loss='categorical_crossentropy', optimizer='sgd')\n"
    )
    (s,) = parse_bytes(code.encode(), "wrn.py")
    assert seq(s) == ["Conv2D/linear", "Conv2D", "Add", "Flatten", "Dense/softmax"]


def test_a_plain_list_of_blocks_iterated_through_layers_is_those_blocks():
    # d2l's TF port: ResnetBlock keeps Residual models in a plain list and iterates `self.listLayers.layers`
    from corpus.readers.parser import parse_bytes

    code = (
        "import tensorflow as tf\n"
        "class Residual(tf.keras.Model):\n"
        "    def __init__(self, n):\n        super().__init__()\n"
        "        self.conv = tf.keras.layers.Conv2D(n, 3, padding='same')\n"
        "    def call(self, X):\n        return tf.keras.activations.relu(self.conv(X) + X)\n"
        "class ResnetBlock(tf.keras.layers.Layer):\n"
        "    def __init__(self, n, k):\n        super().__init__()\n        self.listLayers = []\n"
        "        for i in range(k):\n            self.listLayers.append(Residual(n))\n"
        "    def call(self, X):\n        for layer in self.listLayers.layers:\n            X = layer(X)\n"
        "        return X\n"
        "class ResNet(tf.keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.block = ResnetBlock(64, 2)\n        self.gap = tf.keras.layers.GlobalAvgPool2D()\n"
        "        self.fc = tf.keras.layers.Dense(10, activation='softmax')\n"
        "    def call(self, x):\n        return self.fc(self.gap(self.block(x)))\n"
        "net = ResNet()\n"
        "net.compile(loss='sparse_categorical_crossentropy', optimizer='adam')\n"
        "net.fit(x, y, batch_size=64, epochs=5)\n"
    )
    (s,) = parse_bytes(code.encode(), "resnet.py")
    assert s.name == "ResNet"
    assert seq(s) == ["Conv2D", "Add/relu", "GlobalAveragePooling2D", "Dense/softmax"]


def test_dense_takes_its_activation_as_the_second_positional_argument():
    from corpus.readers.parser import parse_bytes

    code = ("import tensorflow as tf\n"
            "model = tf.keras.Sequential([tf.keras.layers.Dense(64, tf.nn.elu), tf.keras.layers.Dense(1, 'sigmoid')])\n"
            "model.compile(loss=tf.compat.v1.losses.log_loss, optimizer='adam')\n")
    (s,) = parse_bytes(code.encode(), "ffn.py")
    assert seq(s) == ["Dense/elu", "Dense/sigmoid"]
    assert s.hyperparameters.loss == "binary_crossentropy"


def test_a_fit_resumed_one_epoch_a_call_in_a_loop_has_the_loops_epochs():
    from corpus.readers.parser import parse_bytes

    code = ("from tensorflow import keras\n"
            "model = keras.Sequential([keras.layers.Dense(8, activation='relu'), keras.layers.Dense(1)])\n"
            "model.compile(loss='mse', optimizer='adam')\n"
            "for epoch in range(250):\n"
            "    model.fit(x, y, batch_size=32, epochs=epoch + 1, initial_epoch=epoch, verbose=0)\n")
    (s,) = parse_bytes(code.encode(), "trading.py")
    assert (s.hyperparameters.epochs, s.hyperparameters.batch_size) == (250, 32)


def test_lambda_layers_that_reshape_or_rescale_the_data_are_read_as_such():
    from corpus.readers.parser import parse_bytes

    code = (
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([\n"
        "    tf.keras.layers.Lambda(lambda x: x / 255.0, input_shape=(28, 28)),\n"
        "    tf.keras.layers.Lambda(lambda x: tf.expand_dims(x, axis=-1)),\n"
        "    tf.keras.layers.Conv2D(8, 3, activation='relu'),\n"
        "    tf.keras.layers.Lambda(lambda x: tf.nn.l2_normalize(x)),\n"
        "    tf.keras.layers.Flatten(),\n"
        "    tf.keras.layers.Dense(10, activation='softmax'),\n"
        "])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        "model.fit(x, y, epochs=2)\n"
    )
    (m,) = parse_bytes(code.encode(), "lam.py")
    assert seq(m) == ["Reshape", "Conv2D/relu", "Custom", "Flatten", "Dense/softmax"]
    assert "normalize" in m.preprocessing


def test_a_block_of_another_library_keeps_the_activation_it_is_given():
    from corpus.readers.parser import parse_bytes

    code = (
        "import tensorflow as tf\nfrom spektral.layers import ChebConv\n\n"
        "x_in = tf.keras.layers.Input(shape=(10,))\na_in = tf.keras.layers.Input(shape=(None,), sparse=True)\n"
        "x = ChebConv(16, activation='relu')([x_in, a_in])\nx = tf.keras.layers.Dropout(0.5)(x)\n"
        "out = ChebConv(7, activation='softmax')([x, a_in])\n"
        "model = tf.keras.Model(inputs=[x_in, a_in], outputs=out)\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(x, y, epochs=10)\n"
    )
    (m,) = parse_bytes(code.encode(), "cheb.py")
    assert seq(m) == ["Custom/relu", "Dropout", "Custom/softmax"]


def test_one_optimizer_stepping_an_encoder_and_a_decoder_in_a_tape_trains_both():
    from corpus.readers.parser import parse_bytes

    code = open(__file__.replace("test_keras.py", "fixtures/keras_tape_pair.py"), "rb").read()
    got = {s.name: s.hyperparameters for s in parse_bytes(code, "nmt.py")}
    for name in ("Encoder", "Decoder"):
        assert (got[name].optimizer, got[name].batch_size, got[name].epochs) == ("adam", 64, 30), name


def test_a_graph_loader_gives_the_batch_size_and_the_passes_of_a_gradient_tape_loop():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model
from spektral.data import DisjointLoader
from spektral.datasets import QM9

dataset = QM9(amount=1000)
loader_tr = DisjointLoader(dataset, batch_size=48, epochs=7)
x_in = Input(shape=(11,))
model = Model(x_in, Dense(19)(Dense(64, activation="relu")(x_in)))
opt = tf.keras.optimizers.Adam(1e-3)
loss_fn = tf.keras.losses.MeanSquaredError()

@tf.function
def train_step(inputs, target):
    with tf.GradientTape() as tape:
        loss = loss_fn(target, model(inputs, training=True))
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))

for batch in loader_tr:
    train_step(*batch)
"""
    (s,) = parse_bytes(code, "qm9_disjoint.py")
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (48, 7)


def test_a_model_subclass_training_the_models_it_is_handed_in_its_train_step_is_one_model():
    # keras.io's VAE(encoder, decoder): no call(), one optimizer in train_step: one model, encoder then decoder
    from corpus.readers.parser import parse_bytes

    (s,) = parse_bytes(VAE_SCRIPT, "vae.py")
    assert s.name == "VAE"
    assert seq(s) == ["Conv2D/relu", "Flatten", "Dense", "Dense/relu", "Reshape", "Conv2DTranspose/sigmoid"]
    assert (s.hyperparameters.optimizer, s.hyperparameters.epochs, s.hyperparameters.loss) == (
        "adam", 30, "binary_crossentropy")
    # a GAN's train_step steps the optimizers of its parts apart: its generator and discriminator stay examples
    assert len(parse("keras_train_step_gan.py")) == 2
    # a training wrapper of one model (CustomFit(model)) trains that model: still named for it
    one = VAE_SCRIPT.replace(b"vae = VAE(encoder, decoder)", b"vae = VAE(encoder, encoder)")
    got = {x.name: x for x in parse_bytes(one, "vae.py")}
    assert "VAE" not in got and got["encoder"].hyperparameters.epochs == 30


VAE_SCRIPT = b"""import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

latent_dim = 2
encoder_inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
x = layers.Flatten()(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
encoder = keras.Model(encoder_inputs, z_mean, name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
x = layers.Reshape((7, 7, 64))(x)
decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z = self.encoder(data)
            reconstruction = self.decoder(z)
            loss = tf.reduce_mean(keras.losses.binary_crossentropy(data, reconstruction))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": loss}

(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam())
vae.fit(x_train, epochs=30, batch_size=128)
"""


def test_a_block_function_returning_a_keras3_pipeline_is_expanded_inside_the_sequential():
    from corpus.readers.parser import parse_bytes

    code = b'''import keras
from keras import layers

def conv_ln(filters):
    return layers.Pipeline([layers.Conv2D(filters, 3, padding="same"), layers.LayerNormalization(),
                            layers.LeakyReLU()])

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    conv_ln(32),
    layers.MaxPooling2D(),
    conv_ln(64),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=4)
'''
    (s,) = parse_bytes(code, "pipeline_blocks.py")
    assert seq(s) == ["Conv2D", "LayerNormalization/leaky_relu", "MaxPooling2D", "Conv2D",
                      "LayerNormalization/leaky_relu", "GlobalAveragePooling2D", "Dense/softmax"]
    assert s.layers[3].args.get("filters") == 64


def test_a_segmentation_models_unet_is_one_pretrained_network_with_its_library_loss():
    from corpus.readers.parser import parse_bytes

    code = b'''import numpy as np
import segmentation_models as sm

BACKBONE = "resnet34"
X = np.load("images.npy")
Y = np.load("masks.npy")
model = sm.Unet(BACKBONE, encoder_weights="imagenet", classes=1, activation="sigmoid")
model.compile("Adam", loss=sm.losses.bce_jaccard_loss, metrics=[sm.metrics.iou_score])
model.fit(X, Y, batch_size=8, epochs=50)
'''
    (s,) = parse_bytes(code, "sm_unet.py")
    assert s.framework == "keras" and seq(s) == ["Pretrained"]
    assert s.layers[0].args["encoder"] == "resnet34" and s.layers[0].args["name"] == "Unet"
    hp = s.hyperparameters
    assert (hp.optimizer, hp.batch_size, hp.epochs, hp.loss) == ("adam", 8, 50, "other")
    assert hp.loss_raw == "sm.losses.bce_jaccard_loss" and s.task == "image_segmentation"


def test_a_softmax_layer_after_a_relu_dense_is_what_the_dense_outputs():
    from corpus.readers.parser import parse_bytes

    code = b'''from tensorflow import keras
from tensorflow.keras import layers

inp = keras.Input(shape=(16,))
x = layers.Dense(32, activation="relu")(inp)
x = layers.Dense(7, activation="relu")(x)
out = layers.Softmax()(x)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y, epochs=3)
'''
    (s,) = parse_bytes(code, "ppnp_head.py")
    # (the last activation is what the layer outputs, as the PyTorch reader folds nn.ReLU() then nn.Softmax())
    assert seq(s) == ["Dense/relu", "Dense/softmax"]


def test_a_layer_of_a_sibling_module_held_by_a_model_subclass_stays_in_place():
    from corpus.readers.parser import parse_bytes

    code = b'''from tensorflow.keras import Model
from tensorflow.keras.layers import Embedding, Dense, LSTM, Bidirectional
from attention import Attention


class TextAttBiRNN(Model):
    def __init__(self, maxlen, max_features, embedding_dims):
        super().__init__()
        self.embedding = Embedding(max_features, embedding_dims, input_length=maxlen)
        self.bi_rnn = Bidirectional(LSTM(128, return_sequences=True))
        self.attention = Attention(maxlen)
        self.classifier = Dense(1, activation="sigmoid")

    def call(self, inputs):
        x = self.bi_rnn(self.embedding(inputs))
        x = self.attention(x)
        return self.classifier(x)
'''
    (s,) = parse_bytes(code, "text_att_birnn.py")
    assert seq(s) == ["Embedding", "Bidirectional", "Custom", "Dense/sigmoid"]
    assert s.layers[2].raw == "Attention"


def test_a_static_builder_of_a_class_called_on_the_class_is_the_model_trained_below():
    from corpus.readers.parser import parse_bytes

    code = b'''from keras.models import Sequential
from keras.layers import Conv2D, Flatten, Dense


class LeNet:
    @staticmethod
    def build(classes):
        model = Sequential()
        model.add(Conv2D(20, 5, input_shape=(28, 28, 1), activation="relu"))
        model.add(Flatten())
        model.add(Dense(classes, activation="softmax"))
        return model


model = LeNet.build(classes=10)
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(X, y, batch_size=128, epochs=20)
'''
    (s,) = parse_bytes(code, "lenet_mnist.py")
    assert seq(s) == ["Conv2D/relu", "Flatten", "Dense/softmax"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.batch_size, hp.epochs, hp.loss) == ("adam", 128, 20, "categorical_crossentropy")


def test_a_transformers_backbone_called_as_a_layer_stays_pretrained_under_a_star_import_of_keras():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
from tensorflow.keras.layers import *
from tensorflow.keras.models import *
from transformers import TFBertModel

ids = Input((64,), dtype=tf.int32)
bert = TFBertModel.from_pretrained('bert-base-uncased')
x = GlobalAveragePooling1D()(bert(ids)[0])
model = Model(ids, Dense(3, activation='softmax')(x))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
model.fit(X, y, epochs=3, batch_size=8)
"""
    (s,) = parse_bytes(code, "siamese.py")
    assert [x.type for x in s.layers] == ["Pretrained", "GlobalAveragePooling1D", "Dense"]
    assert s.layers[0].args.get("name") == "bert-base-uncased"


def test_a_loop_over_no_items_builds_no_layers():
    from corpus.readers.parser import parse_bytes

    code = b"""from keras.models import Sequential
from keras.layers import Dense, Dropout

def build(n_maxout_layers=0):
    model = Sequential()
    model.add(Dense(64, input_dim=10))
    for i in range(n_maxout_layers) if n_maxout_layers > 0 else []:
        model.add(Dropout(0.5))
        model.add(Dense(2048))
    model.add(Dense(1))
    return model

m = build()
m.compile(optimizer='adam', loss='mse')
m.fit(X, y, epochs=3)
"""
    (s,) = parse_bytes(code, "maxout.py")
    assert [x.type for x in s.layers] == ["Dense", "Dense"]
