"""Reading one file right (issue 11, item 2): only real examples, each value from its own model,
dead branches skipped, raw-TF idioms read, and honest crash counts of the Keras/TF interpreter.

Each fixture is a small script written here for the case it shows.
"""

from __future__ import annotations

import textwrap

import pytest

from corpus.readers import keras_interp
from corpus.readers.parser import parse_bytes
from corpus.record.summary import Summary


def parse(code: str, path: str = "example.py") -> list[Summary]:
    return parse_bytes(textwrap.dedent(code).encode(), path)


def by_name(summaries: list[Summary]) -> dict[str, Summary]:
    return {s.name: s for s in summaries}


def types(s: Summary) -> list[str]:
    return [x.type for x in s.layers]


# -- only real examples ---------------------------------------------------------------


def test_mocks_in_unit_tests_are_not_models():
    got = parse("""
        import unittest
        from unittest import mock
        from unittest.mock import MagicMock

        from tensorflow import keras


        def build_model():
            model = keras.Sequential([
                keras.layers.Dense(64, activation="relu", input_shape=(20,)),
                keras.layers.Dense(1, activation="sigmoid"),
            ])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            return model


        class TrainerTest(unittest.TestCase):
            def test_fit_called(self):
                model = MagicMock()
                model.fit(x=None, epochs=3, batch_size=8)
                model.fit.assert_called_once()

            def test_patch(self):
                with mock.patch("keras.Model") as fake:
                    fake.compile(optimizer="sgd")
                    fake.fit(None, epochs=2)
        """, "tests/test_trainer.py")
    assert [(s.name, types(s)) for s in got] == [("model", ["Dense", "Dense"])]
    assert not any("MagicMock" in w for s in got for w in s.parse.warnings)


def test_intermediate_tensors_are_not_models():
    # a tutorial looks at a layer's output on a batch, then builds the model
    (s,) = parse("""
        import tensorflow as tf

        base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                                       weights="imagenet")
        image_batch = tf.zeros((32, 160, 160, 3))
        feature_batch = base_model(image_batch)
        global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
        feature_batch_average = global_average_layer(feature_batch)
        prediction_layer = tf.keras.layers.Dense(1)
        prediction_batch = prediction_layer(feature_batch_average)
        hidden = tf.keras.layers.Dense(16)(prediction_batch)

        inputs = tf.keras.Input(shape=(160, 160, 3))
        x = base_model(inputs, training=False)
        x = global_average_layer(x)
        x = tf.keras.layers.Dropout(0.2)(x)
        outputs = prediction_layer(x)
        model = tf.keras.Model(inputs, outputs)
        model.compile(optimizer=tf.keras.optimizers.Adam(1e-4), loss="binary_crossentropy")
        model.fit(None, epochs=10)
        """)
    assert s.name == "model"
    assert types(s) == ["Pretrained", "GlobalAveragePooling2D", "Dropout", "Dense"]


def test_a_block_function_used_by_the_model_is_not_a_model_of_its_own():
    # the attention step is checked on random tensors first, then used inside the model
    got = parse("""
        import tensorflow as tf
        from tensorflow.keras.layers import Activation, Bidirectional, Concatenate, Dense, Dot, Input, LSTM, RepeatVector
        from tensorflow.keras.models import Model

        Tx, Ty = 30, 10
        repeator = RepeatVector(Tx)
        concatenator = Concatenate(axis=-1)
        densor1 = Dense(10, activation="tanh")
        densor2 = Dense(1, activation="relu")
        activator = Activation("softmax")
        dotor = Dot(axes=1)


        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            e = densor1(concatenator([a, s_prev]))
            alphas = activator(densor2(e))
            return dotor([alphas, a])


        context = one_step_attention(tf.random.uniform((10, Tx, 64)), tf.random.uniform((10, 64)))
        cell = LSTM(64, return_state=True)
        output_layer = Dense(11, activation="softmax")


        def build(n_a=32, n_s=64):
            X = Input(shape=(Tx, 37))
            s0 = Input(shape=(n_s,))
            c0 = Input(shape=(n_s,))
            s, c, outputs = s0, c0, []
            a = Bidirectional(LSTM(n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = cell(context, initial_state=[s, c])
                outputs.append(output_layer(s))
            return Model(inputs=[X, s0, c0], outputs=outputs)


        model = build()
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(None, None, epochs=1, batch_size=100)
        """)
    assert [s.name for s in got] == ["model"]
    assert "RepeatVector" in types(got[0]) and "Dot" in types(got[0])


def test_a_layer_checked_alone_and_used_in_the_model_is_a_block():
    (s,) = parse("""
        import tensorflow as tf
        from tensorflow.keras import layers


        class Encoder(layers.Layer):
            def __init__(self, units=64):
                super().__init__()
                self.embedding = layers.Embedding(1000, units)
                self.dense1 = layers.Dense(units, activation="relu")
                self.dense2 = layers.Dense(units)
                self.norm = layers.LayerNormalization()

            def call(self, x):
                h = self.embedding(x)
                return self.norm(h + self.dense2(self.dense1(h)))


        class Classifier(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.encoder = Encoder()
                self.pool = layers.GlobalAveragePooling1D()
                self.out = layers.Dense(2, activation="softmax")

            def call(self, x):
                return self.out(self.pool(self.encoder(x)))


        # check the encoder alone on a random batch
        sample = Encoder()(tf.random.uniform((4, 20), maxval=1000, dtype=tf.int32))
        print(sample.shape)

        model = Classifier()
        optimizer = tf.keras.optimizers.Adam(1e-3)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()


        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))


        for epoch in range(5):
            train_step(None, None)
        """)
    assert s.name == "Classifier"
    assert types(s) == ["Embedding", "Dense", "Dense", "Add", "LayerNormalization", "GlobalAveragePooling1D", "Dense"]


def test_named_outputs_make_the_model():
    # Model(inputs, {"pitch": ..., "step": ...}): a model, not its last tensor
    (s,) = parse("""
        import tensorflow as tf

        inputs = tf.keras.Input((25, 3))
        x = tf.keras.layers.LSTM(128)(inputs)
        outputs = {
            "pitch": tf.keras.layers.Dense(128, name="pitch")(x),
            "step": tf.keras.layers.Dense(1, name="step")(x),
        }
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=0.005))
        model.fit(None, epochs=50)
        """)
    assert s.name == "model" and types(s) == ["LSTM", "Dense", "Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adam", 0.005, 50)


# -- each value from its own model ----------------------------------------------------------

GUIDE = """
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers

    # Part 1: a tiny regression on numbers we draw
    x = np.random.rand(200, 1)
    y = 3 * x + 1
    reg = keras.Sequential([layers.Dense(1, input_shape=(1,))])
    reg.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    reg.fit(x, y, epochs=10)

    # Part 2: a GAN on MNIST
    (x_train, _), _ = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0

    generator = keras.Sequential([
        layers.Dense(128, activation="relu", input_shape=(100,)),
        layers.Dense(784, activation="tanh"),
    ])
    discriminator = keras.Sequential([
        layers.Dense(128, activation="relu", input_shape=(784,)),
        layers.Dense(1, activation="sigmoid"),
    ])
    discriminator.compile(optimizer=keras.optimizers.Adam(2e-4), loss="binary_crossentropy")
    discriminator.trainable = False
    noise = keras.Input(shape=(100,))
    gan = keras.Model(noise, discriminator(generator(noise)))
    gan.compile(optimizer=keras.optimizers.Adam(2e-4), loss="binary_crossentropy")
    batch_size = 128
    for epoch in range(30):
        idx = np.random.randint(0, x_train.shape[0], batch_size)
        real = x_train[idx]
        z = np.random.normal(0, 1, (batch_size, 100))
        fake = generator.predict(z)
        discriminator.train_on_batch(np.concatenate([real, fake]), np.ones((2 * batch_size, 1)))
        gan.train_on_batch(z, np.ones((batch_size, 1)))
"""


def test_a_regression_does_not_take_the_gans_task_and_data():
    got = by_name(parse(GUIDE, "guides/two_parts.py"))
    assert set(got) == {"reg", "generator", "discriminator"}
    reg = got["reg"]
    assert reg.datasets == ["synthetic"] and reg.task == "tabular_regression"
    assert (reg.hyperparameters.optimizer, reg.hyperparameters.learning_rate, reg.hyperparameters.epochs) == \
        ("sgd", 0.1, 10)
    for name in ("generator", "discriminator"):
        assert got[name].datasets == ["mnist"] and got[name].task == "image_generation"
        assert got[name].hyperparameters.epochs == 30


def test_each_reused_model_name_is_fed_its_own_data():
    got = parse("""
        from tensorflow import keras
        from tensorflow.keras import layers

        (x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=10000)
        model = keras.Sequential([layers.Embedding(10000, 32), layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        model.fit(x_train, y_train, epochs=10)

        (x_train, y_train), _ = keras.datasets.boston_housing.load_data()
        model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mse")
        model.fit(x_train, y_train, epochs=80)
        """, "notebook_two_models.py")
    assert [s.datasets for s in got] == [["imdb"], ["boston_housing"]]


def test_one_variable_reused_for_two_model_classes_gets_each_its_data():
    got = by_name(parse("""
        import pandas as pd
        import tensorflow as tf
        from tensorflow.keras import layers, Model


        class Autoencoder(Model):
            def __init__(self):
                super().__init__()
                self.encoder = tf.keras.Sequential([layers.Flatten(), layers.Dense(64, activation="relu")])
                self.decoder = tf.keras.Sequential([layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28))])

            def call(self, x):
                return self.decoder(self.encoder(x))


        (x_train, _), (x_test, _) = tf.keras.datasets.fashion_mnist.load_data()
        autoencoder = Autoencoder()
        autoencoder.compile(optimizer="adam", loss="mse")
        autoencoder.fit(x_train, x_train, epochs=10)


        class AnomalyDetector(Model):
            def __init__(self):
                super().__init__()
                self.encoder = tf.keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(8)])
                self.decoder = tf.keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(140)])

            def call(self, x):
                return self.decoder(self.encoder(x))


        ecg = pd.read_csv("http://storage.googleapis.com/download.tensorflow.org/data/ecg.csv").values
        autoencoder = AnomalyDetector()
        autoencoder.compile(optimizer="adam", loss="mae")
        autoencoder.fit(ecg, ecg, epochs=20)
        """, "autoencoders.py"))
    assert got["Autoencoder"].datasets == ["fashion_mnist"]
    assert "fashion_mnist" not in got["AnomalyDetector"].datasets


def test_a_loss_object_of_the_file_is_a_loss_not_a_model():
    (s,) = parse("""
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers


        class PerceptualLoss(keras.losses.Loss):
            def __init__(self):
                super().__init__()
                vgg = keras.applications.VGG19(include_top=False, weights="imagenet")
                vgg.trainable = False
                self.features = keras.Model(vgg.input, vgg.get_layer("block3_conv3").output)

            def call(self, y_true, y_pred):
                return tf.reduce_mean(tf.square(self.features(y_true) - self.features(y_pred)))


        inputs = keras.Input(shape=(64, 64, 3))
        x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
        outputs = layers.Conv2D(3, 3, padding="same")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss=PerceptualLoss())
        model.fit(None, None, epochs=3)
        """)
    assert s.name == "model" and types(s) == ["Conv2D", "Conv2D"]
    assert (s.hyperparameters.loss, s.hyperparameters.loss_raw) == ("mse", "PerceptualLoss")


# -- dead branches -------------------------------------------------------------------------


def test_dead_branches_are_skipped_and_a_constant_picks_its_branch():
    (s,) = parse("""
        from tensorflow import keras
        from tensorflow.keras import layers

        CRF = True

        model = keras.Sequential()
        model.add(layers.Embedding(5000, 64, input_length=50))
        model.add(layers.Bidirectional(layers.LSTM(64, return_sequences=True)))
        if CRF:
            model.add(layers.TimeDistributed(layers.Dense(9)))
            loss = "mse"
        else:
            model.add(layers.TimeDistributed(layers.Dense(9, activation="softmax")))
            loss = "categorical_crossentropy"
        if 0:
            model.add(layers.Dropout(0.5))
            (x_train, y_train), _ = keras.datasets.cifar10.load_data()
        if False:
            model.add(layers.Dense(3))
        (x_train, y_train), _ = keras.datasets.reuters.load_data()
        model.compile(optimizer="adam", loss=loss)
        model.fit(x_train, y_train, epochs=4, batch_size=16)
        """)
    assert types(s) == ["Embedding", "Bidirectional", "Dense"]
    assert s.layers[-1].activation is None
    assert s.hyperparameters.loss == "mse"
    assert s.datasets == ["reuters"]  # the load in `if 0:` never runs


def test_a_literal_zero_argument_skips_its_branch():
    # MobileNetV3's first block has block_id=0: `if block_id:` does not expand it
    (s,) = parse("""
        from tensorflow.keras import layers, Model, Input


        def block(x, filters, block_id):
            if block_id:
                x = layers.Conv2D(filters * 6, 1, padding="same")(x)
                x = layers.BatchNormalization()(x)
            x = layers.DepthwiseConv2D(3, padding="same")(x)
            return layers.Conv2D(filters, 1)(x)


        inputs = Input(shape=(32, 32, 3))
        x = block(inputs, 16, 0)
        x = block(x, 24, 1)
        x = layers.GlobalAveragePooling2D()(x)
        model = Model(inputs, layers.Dense(10, activation="softmax")(x))
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        """)
    assert types(s) == ["DepthwiseConv2D", "Conv2D", "Conv2D", "BatchNormalization", "DepthwiseConv2D",
                        "Conv2D", "GlobalAveragePooling2D", "Dense"]


def test_a_builder_nobody_calls_takes_the_branch_its_module_constant_selects():
    (s,) = parse("""
        from keras.models import Sequential
        from keras.layers import Embedding, Bidirectional, LSTM, Dense, TimeDistributed, GRU

        USE_GRU = True


        def build_tagger(vocab=5000, tags=9):
            model = Sequential()
            model.add(Embedding(vocab, 100, input_length=75))
            if USE_GRU:
                model.add(Bidirectional(GRU(100, return_sequences=True)))
                model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
                return model
            else:
                model.add(Bidirectional(LSTM(100, return_sequences=True)))
                model.add(TimeDistributed(Dense(tags, activation="softmax")))
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                return model
        """)
    assert types(s) == ["Embedding", "Bidirectional"]
    assert s.layers[1].args.get("layer") == "GRU"
    assert s.hyperparameters.optimizer == "rmsprop"


def test_a_flag_default_picks_its_branch():
    (s,) = parse("""
        import argparse
        from tensorflow import keras
        from tensorflow.keras import layers

        parser = argparse.ArgumentParser()
        parser.add_argument("--bidirectional", type=int, default=0)
        args = parser.parse_args()

        model = keras.Sequential([layers.Embedding(1000, 32, input_length=40)])
        if args.bidirectional:
            model.add(layers.Bidirectional(layers.GRU(32)))
        else:
            model.add(layers.GRU(32))
        model.add(layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        """)
    assert types(s) == ["Embedding", "GRU", "Dense"]


# -- raw TF idioms -------------------------------------------------------------------------


def test_tf_app_flags_defaults_reach_the_graph():
    (s,) = parse("""
        import tensorflow as tf

        flags = tf.app.flags
        flags.DEFINE_integer("batch_size", 64, "batch size")
        flags.DEFINE_float("learning_rate", 0.01, "learning rate")
        FLAGS = flags.FLAGS

        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None, 10])


        def net(x):
            h = tf.layers.dense(x, 256, activation=tf.nn.relu)
            h = tf.layers.dense(h, 128, activation=tf.nn.relu)
            return tf.layers.dense(h, 10)


        logits = net(x)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train_op = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(loss)
        with tf.Session() as sess:
            for step in range(1000):
                bx, by = mnist.train.next_batch(FLAGS.batch_size)
                sess.run(train_op, feed_dict={x: bx, y: by})
        """)
    hp = s.hyperparameters
    assert (s.framework, hp.optimizer, hp.learning_rate, hp.batch_size, hp.steps) == \
        ("tensorflow", "adam", 0.01, 64, 1000)


def test_absl_flags_defaults_reach_the_graph():
    (s,) = parse("""
        import tensorflow as tf
        from absl import app, flags

        flags.DEFINE_float("lr", 0.003, "learning rate")
        FLAGS = flags.FLAGS

        x = tf.placeholder(tf.float32, [None, 784])
        h = tf.layers.dense(x, 100, activation=tf.nn.relu)
        logits = tf.layers.dense(h, 10)
        loss = tf.losses.sparse_softmax_cross_entropy(labels=None, logits=logits)
        train_op = tf.train.GradientDescentOptimizer(FLAGS.lr).minimize(loss)
        """)
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("sgd", 0.003)


DATASET_GRAPH = """
    import tensorflow as tf

    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.shuffle(1000).batch(32).repeat({repeat})
    images, labels = dataset.make_one_shot_iterator().get_next()
    images = tf.reshape(tf.cast(images, tf.float32), [-1, 784])
    h = tf.layers.dense(images, 512, activation=tf.nn.relu)
    h = tf.layers.dense(h, 256, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    train_op = tf.contrib.layers.optimize_loss(loss, tf.train.get_global_step(), optimizer="Adam",
                                               learning_rate=0.01)
    with tf.Session() as sess:
        while True:
            sess.run(train_op)
"""


def test_dataset_batch_repeat_and_optimize_loss():
    (s,) = parse(DATASET_GRAPH.replace("{repeat}", "3"))
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.01, 32, 3)
    assert hp.loss == "categorical_crossentropy"


def test_repeat_without_a_count_is_not_epochs():
    (s,) = parse(DATASET_GRAPH.replace("{repeat}", ""))
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (32, None)


def test_optimizer_object_minimize_chain():
    (s,) = parse("""
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        h = tf.layers.conv2d(x, 32, 3, activation=tf.nn.relu)
        h = tf.layers.flatten(h)
        logits = tf.layers.dense(h, 10)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=None, logits=logits))
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
        """)
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("adam", 0.001)


def test_a_while_loop_over_epochs_and_a_batch_filled_in_a_loop():
    # `while epoch <= hm_epochs` counts like range(); `if len(batch_x) >= batch_size` inside the loop is
    # reached once the list has grown (not decided by the first pass)
    (s,) = parse("""
        import numpy as np
        import tensorflow as tf

        hm_epochs = 10
        batch_size = 32
        x = tf.placeholder("float", [None, 423])
        y = tf.placeholder("float")


        def neural_network_model(data):
            l1 = tf.layers.dense(data, 500, activation=tf.nn.relu)
            l2 = tf.layers.dense(l1, 500, activation=tf.nn.relu)
            return tf.layers.dense(l2, 2)


        def train_neural_network(x):
            prediction = neural_network_model(x)
            cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=prediction, labels=y))
            optimizer = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                epoch = 1
                while epoch <= hm_epochs:
                    batch_x = []
                    batch_y = []
                    with open("train_set.csv") as f:
                        for line in f:
                            batch_x.append(line.split(",")[1:])
                            batch_y.append(line.split(",")[0])
                            if len(batch_x) >= batch_size:
                                sess.run([optimizer, cost], feed_dict={x: np.array(batch_x), y: np.array(batch_y)})
                                batch_x = []
                                batch_y = []
                    epoch += 1


        train_neural_network(x)
        """)
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size) == ("adam", 0.001, 10, 32)


# -- honest crash counts (issue 14, item 3) ---------------------------------------------------

SMALL = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = 1
    model.fit(None, None, epochs=2)
"""


def test_a_bug_caught_by_the_interpreter_is_an_internal_error(monkeypatch: pytest.MonkeyPatch):
    def broken(self, n, scope):  # a bug in a statement handler
        raise KeyError("boom")

    monkeypatch.setattr(keras_interp.Interpreter, "exec_augassign", broken)
    code = SMALL.replace("x = 1", "x = 1\nx += 1")
    (s,) = parse(code)
    assert types(s) == ["Dense", "Dense"]  # what was read before the bug is kept
    internal = [w for w in s.parse.warnings if w.startswith("internal error:")]
    assert internal and "KeyError" in internal[0] and "analysis stopped early" in internal[0]


def test_a_bound_stays_a_plain_warning(monkeypatch: pytest.MonkeyPatch):
    real_tick = keras_interp.Interpreter.tick

    def tick(self):  # the step budget runs out once the model is compiled
        if self.models and self.models[0].compiled:
            raise keras_interp.Budget
        real_tick(self)

    monkeypatch.setattr(keras_interp.Interpreter, "tick", tick)
    got = parse(SMALL)
    warnings = [w for s in got for w in s.parse.warnings]
    assert any("per-file budget" in w for w in warnings)
    assert not any(w.startswith("internal error:") for w in warnings)
