"""Raw TensorFlow graphs (tf.nn, tf.layers, tf.contrib) in the common tutorial style."""

from __future__ import annotations

from conftest import FIXTURES as FIX

from corpus.readers.parser import parse_path


def seq(s) -> list[str]:
    return [f"{x.type}/{x.activation}" if x.activation else x.type for x in s.layers]


def test_raw_convnet_with_weight_dicts_and_steps():
    (s,) = parse_path(FIX / "tf_raw_convnet.py")
    assert s.framework == "tensorflow" and s.name == "conv_net"
    assert seq(s) == ["Reshape", "Conv2D/relu", "MaxPooling2D", "Conv2D/relu", "MaxPooling2D", "Flatten",
                      "Dense/relu", "Dropout", "Dense"]
    assert s.layers[1].args["kernel_size"] == [5, 5] and s.layers[1].args["filters"] == 32
    assert s.layers[3].args["filters"] == 64
    assert s.layers[2].args["pool_size"] == [2, 2]
    assert s.layers[-1].args == {"units": 10}
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size) == ("adam", 0.001, 128)
    # num_steps is an iteration count, not epochs
    assert (hp.epochs, hp.steps) == (None, 500)
    assert hp.loss == "categorical_crossentropy"
    assert s.input_shape == [784]


def test_tf_layers_and_contrib_lstm_cell_with_epochs():
    (s,) = parse_path(FIX / "tf_layers_rnn.py")
    assert s.framework == "tensorflow" and s.name == "lstm_net"
    assert seq(s) == ["LSTM", "Dense/relu", "Dense"]
    assert s.layers[0].args == {"units": 128}
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.steps) == ("sgd", 0.5, 20, None)
    assert s.input_shape == [28, 28]


def test_version_fallbacks_in_try_except_are_read_once():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
from tensorflow.contrib import rnn
X = tf.placeholder("float", [None, 28, 28])


def BiRNN(x):
    x = tf.unstack(x, 28, 1)
    fw = rnn.BasicLSTMCell(64)
    bw = rnn.BasicLSTMCell(64)
    try:
        outputs, _, _ = rnn.static_bidirectional_rnn(fw, bw, x, dtype=tf.float32)
    except Exception:
        outputs = rnn.static_bidirectional_rnn(fw, bw, x, dtype=tf.float32)
    n = tf.shape(outputs)[0]
    return tf.layers.dense(outputs[-1], 10)


logits = BiRNN(X)
"""
    (s,) = parse_bytes(code, "a.py")
    assert seq(s) == ["Bidirectional", "Dense"]
    assert s.layers[0].args == {"layer": "LSTM", "units": 64}


def test_tf2_raw_ops_with_a_hand_made_training_step():
    (s,) = parse_path(FIX / "tf2_raw_train_step.py")
    assert s.framework == "tensorflow" and s.name == "mlp"
    assert seq(s) == ["Dense/relu", "Dense/softmax"]
    assert [x.args.get("units") for x in s.layers] == [256, 10]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.steps, hp.epochs) == ("sgd", 0.01, 64, 1500, None)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "cross_entropy"


def test_slim_layers_with_their_relu_default():
    from corpus.readers.parser import parse_bytes

    code = b"""import tensorflow as tf
import tensorflow.contrib.slim as slim
x = tf.placeholder(tf.float32, [None, 28, 28, 1])


def lenet(images):
    net = slim.conv2d(images, 20, [5, 5], scope='conv1')
    net = slim.max_pool2d(net, [2, 2], scope='pool1')
    net = slim.flatten(net)
    net = slim.fully_connected(net, 500)
    return slim.fully_connected(net, 10, activation_fn=None)


logits = lenet(x)
"""
    (s,) = parse_bytes(code, "a.py")
    assert seq(s) == ["Conv2D/relu", "MaxPooling2D", "Flatten", "Dense/relu", "Dense"]
    assert s.layers[0].args == {"filters": 20, "kernel_size": [5, 5]}
    assert s.input_shape == [28, 28, 1]


def test_weight_shapes_with_unreadable_dimensions_leave_the_argument_out(tmp_path):
    # `n` and `vocab` cannot be read statically: their dimensions are left out,
    # and the summary still serialises (no placeholder object in the args).
    path = tmp_path / "tf_unknown_dims.py"
    path.write_text(
        "import tensorflow as tf\n"
        "n = get_n()\n"
        "x = tf.placeholder(tf.float32, [None, 28, 28, 1])\n"
        "W = tf.Variable(tf.random_normal([5, 5, 1, n]))\n"
        "E = tf.Variable(tf.random_uniform([vocab, 128]))\n"
        "h = tf.nn.relu(tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME'))\n"
        "e = tf.nn.embedding_lookup(E, h)\n"
        "logits = tf.layers.dense(tf.reshape(e, [-1, 100]), 10)\n"
        "loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))\n"
        "train = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
    )
    (model,) = parse_path(path)
    model.to_json()
    conv, emb = model.layers[0], model.layers[1]
    assert (conv.type, conv.args["kernel_size"], "filters" in conv.args) == ("Conv2D", [5, 5], False)
    assert (emb.type, emb.args) == ("Embedding", {"output_dim": 128})


def test_graph_from_a_project_layer_function_trained_here():
    (s,) = parse_path(FIX / "tf_imported_layer_fn.py")
    assert s.framework == "tensorflow" and s.name == "probs"
    assert [(x.type, x.raw, x.line) for x in s.layers] == [("Custom", "blocks.dense_layer", 12)]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.3, 64, None)
    assert hp.loss == "categorical_crossentropy"
    assert s.input_shape == [784]


def test_graph_built_by_a_class_method_with_helper_methods():
    (s,) = parse_path(FIX / "tf_class_method_graph.py")
    # one model named for the class; the helpers are read inside train_net, not alone
    assert s.framework == "tensorflow" and s.name == "digits"
    assert seq(s) == ["Reshape", "Conv2D/relu", "MaxPooling2D", "Flatten", "Dense"]
    assert s.layers[1].args["kernel_size"] == [3, 3] and s.layers[1].args["filters"] == 16
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size) == ("adam", 0.0005, 64)
    assert hp.loss == "categorical_crossentropy"


def test_gradient_step_written_by_hand_is_sgd():
    (s,) = parse_path(FIX / "tf2_assign_sub_sgd.py")
    assert s.framework == "tensorflow" and seq(s) == ["Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size) == ("sgd", 0.05, 60, None)
    assert (hp.loss, hp.loss_raw) == ("mse", "tf.reduce_mean(tf.square(target - pred))")


def test_batch_size_constant_of_a_graph_fed_by_hand():
    (s,) = parse_path(FIX / "tf_hand_batches.py")
    assert s.framework == "tensorflow" and seq(s) == ["Dense/sigmoid"]
    hp = s.hyperparameters
    # the slices features[i * batch_size:...] are cut with the module's batch_size
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 40, 200)
    assert hp.loss == "binary_crossentropy"


def test_neutral_loop_over_the_whole_fixed_data_counts_epochs():
    (s,) = parse_path(FIX / "tf_fullbatch_loop.py")
    assert s.name == "out" and seq(s) == ["Dense/relu", "Dense/sigmoid"]
    hp = s.hyperparameters
    # for i in range(2500) feeding all of x_data each time: 2500 passes, no batches
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.steps) == ("adam", 0.05, None, 2500, None)
    assert hp.loss == "binary_crossentropy"


def test_reshape_after_an_rnn_merges_time_into_batch():
    (s,) = parse_path(FIX / "tf_rnn_reshape.py")
    assert s.name == "logits"
    # tf.reshape(outputs, [-1, hidden]) after dynamic_rnn is a Reshape, not a Flatten
    assert [x.type for x in s.layers] == ["Embedding", "LSTM", "Reshape", "Dense"]


def test_seq2seq_sequence_loss_is_a_cross_entropy():
    (s,) = parse_path(FIX / "tf_seq2seq_loss.py")
    assert s.name == "outputs" and [x.type for x in s.layers] == ["LSTM"]
    hp = s.hyperparameters
    assert (hp.loss, hp.loss_raw) == ("categorical_crossentropy", "tf.contrib.seq2seq.sequence_loss")
    # the whole string is fed at each of the 400 iterations: 400 passes
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adam", 0.1, 400)


def test_epochs_written_as_a_factor_of_one_flat_loop():
    (s,) = parse_path(FIX / "tf_epoch_factor_loop.py")
    assert s.framework == "tensorflow" and [x.type for x in s.layers] == ["Dense"]
    hp = s.hyperparameters
    # for i in range(EPOCHS * per_epoch) with next_batch(self.BATCH_SIZE): 12 epochs of 128
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.steps) == ("sgd", 0.3, 128, 12, None)


def test_symbolic_gradients_and_assign_update_are_sgd_on_that_loss():
    (s,) = parse_path(FIX / "tf1_assign_gradients.py")
    assert s.name == "guess" and seq(s) == ["Dense/relu", "Dense"]
    hp = s.hyperparameters
    # w.assign(w - eta * grad) after tf.gradients(err, ...): SGD at eta on err
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("sgd", 0.0001, 300)
    assert (hp.loss, hp.loss_raw) == ("mse", "tf.reduce_sum((y - guess) ** 2)")


def test_values_read_through_a_settings_class_of_the_same_file():
    (s,) = parse_path(FIX / "tf_config_class.py")
    assert s.name == "CharCNN"
    assert [(x.type, x.args) for x in s.layers] == [
        ("Embedding", {"input_dim": 3000, "output_dim": 48}), ("Conv1D", {"filters": 96, "kernel_size": 4}),
        ("GlobalMaxPooling1D", {}), ("Dense", {"units": 6})]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.loss) == ("adam", 0.002, "categorical_crossentropy")


def test_reshape_laying_out_time_steps_before_an_rnn():
    (s,) = parse_path(FIX / "tf_reshape_before_rnn.py")
    # tf.reshape(x, [-1, cols]) feeding an LSTM is a Reshape, not a Flatten
    assert [(x.type, x.raw) for x in s.layers] == [
        ("Reshape", "tf.reshape"), ("LSTM", "rnn.BasicLSTMCell"), ("Dense", "tf.matmul")]


def test_reshape_of_the_labels_inside_the_loss_is_no_layer():
    (s,) = parse_path(FIX / "tf_label_reshape.py")
    # the images' reshape feeds the convolution (a layer); the labels' reshape feeds only the loss
    assert [x.type for x in s.layers] == ["Reshape", "Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert s.hyperparameters.loss == "categorical_crossentropy"


def test_loss_named_by_the_files_loss_function():
    (s,) = parse_path(FIX / "tf_loss_function_pattern.py")
    assert s.name == "inference" and seq(s) == ["Dense/relu", "Dense"]
    hp = s.hyperparameters
    # optimizer.minimize(loss) in training(): the file's loss() is a softmax cross-entropy
    assert (hp.optimizer, hp.loss, hp.loss_raw) == ("sgd", "categorical_crossentropy", "loss")


def test_pooling_off_the_data_path_is_left_out():
    (s,) = parse_path(FIX / "tf_dead_pool.py")
    # p2 is computed but flatten(c2) reads the convolution: p2 is not on the way to the output
    assert [x.type for x in s.layers] == ["Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense"]


def test_loss_kept_on_an_attribute_and_differentiated():
    (s,) = parse_path(FIX / "tf_attr_loss_gradients.py")
    assert s.name == "Critic" and seq(s) == ["Dense/relu", "Dense"]
    hp = s.hyperparameters
    # tf.gradients(self.c_loss, ...) with self.c_loss a mean squared TD error
    assert (hp.optimizer, hp.learning_rate) == ("rmsprop", 0.001)
    assert (hp.loss, hp.loss_raw) == ("mse", "tf.reduce_mean(tf.square(td_error))")


def test_matrix_product_operator_layers_and_a_written_out_update():
    (s,) = parse_path(FIX / "tf2_matmul_operator.py")
    assert s.framework == "tensorflow" and s.name == "scores"
    assert [(x.type, x.raw, x.activation, x.args) for x in s.layers] == [
        ("Dense", "@", "relu", {"units": 100}), ("Dense", "@", None, {"units": 10})]
    hp = s.hyperparameters
    # w = w - alpha * grad inside the loops: sgd at alpha; an outer loop around a batched one: epochs
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.002, 200, 6)
    assert hp.loss == "mse"


def test_a_nearest_neighbour_resize_in_a_generator_graph_is_an_up_sampling():
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf

def generator(z):
    h = tf.layers.dense(z, 4 * 4 * 64, activation=tf.nn.relu)
    h = tf.reshape(h, [-1, 4, 4, 64])
    h = tf.image.resize_nearest_neighbor(h, [8, 8])
    h = tf.layers.conv2d(h, 32, 3, padding="same", activation=tf.nn.relu)
    h = tf.image.resize_bilinear(h, [16, 16])
    return tf.layers.conv2d(h, 3, 3, padding="same", activation=tf.nn.tanh)

z = tf.placeholder(tf.float32, [None, 100])
x = tf.placeholder(tf.float32, [None, 16, 16, 3])
fake = generator(z)
train_op = tf.train.AdamOptimizer(2e-4).minimize(tf.reduce_mean(tf.square(fake - x)))
'''
    (s,) = parse_bytes(code, "dcgan_tf1.py")
    assert seq(s) == ["Dense/relu", "Reshape", "UpSampling2D", "Conv2D/relu", "UpSampling2D", "Conv2D/tanh"]


def test_batch_bounds_walked_with_zipped_ranges_give_the_batch_and_the_outer_loop_the_epochs():
    from corpus.readers.parser import parse_bytes

    code = b'''import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
trX, trY = mnist.train.images, mnist.train.labels
X = tf.placeholder("float", [None, 784])
Y = tf.placeholder("float", [None, 10])
w = tf.Variable(tf.random_normal([784, 10], stddev=0.01))
logits = tf.matmul(X, w)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
train_op = tf.train.GradientDescentOptimizer(0.05).minimize(cost)

with tf.Session() as sess:
    tf.global_variables_initializer().run()
    for i in range(30):
        for start, end in zip(range(0, len(trX), 128), range(128, len(trX) + 1, 128)):
            sess.run(train_op, feed_dict={X: trX[start:end], Y: trY[start:end]})
'''
    (s,) = parse_bytes(code, "logreg_tf1.py")
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.05, 128, 30)


def test_a_range_striding_over_the_data_by_a_batch_is_a_batch_not_a_count_of_passes():
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf

BATCH = 64
X = tf.placeholder(tf.float32, [None, 20])
Y = tf.placeholder(tf.float32, [None, 1])
pred = tf.layers.dense(tf.layers.dense(X, 32, activation=tf.nn.relu), 1)
train_op = tf.train.AdamOptimizer(1e-3).minimize(tf.reduce_mean(tf.square(pred - Y)))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(7):
        for start in range(0, len(train_x), BATCH):
            sess.run(train_op, feed_dict={X: train_x[start:start + BATCH], Y: train_y[start:start + BATCH]})
'''
    (s,) = parse_bytes(code, "reg_tf1.py")
    assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (64, 7)


def test_a_notebooks_graphs_one_after_another_are_one_model_each_with_its_own_values():
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 10])
y = tf.placeholder(tf.float32, [None, 1])
pred = tf.layers.dense(tf.layers.dense(x, 32, activation=tf.nn.relu), 1)
train_op = tf.train.AdamOptimizer(0.01).minimize(tf.reduce_mean(tf.square(pred - y)))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100):
        sess.run(train_op, feed_dict={x: X, y: Y})

graph = tf.Graph()
with graph.as_default():
    x2 = tf.placeholder(tf.float32, [None, 10])
    y2 = tf.placeholder(tf.int32, [None])
    logits = tf.layers.dense(tf.layers.dense(x2, 64, activation=tf.nn.tanh), 3)
    loss2 = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y2, logits=logits))
    train_op2 = tf.train.GradientDescentOptimizer(0.5).minimize(loss2)
with tf.Session(graph=graph) as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(20):
        sess.run(train_op2, feed_dict={x2: X, y2: Y2})
'''
    got = {s.name: s for s in parse_bytes(code, "two_graphs.py")}
    assert sorted(got) == ["logits", "pred"]
    assert seq(got["pred"]) == ["Dense/relu", "Dense"] and seq(got["logits"]) == ["Dense/tanh", "Dense"]
    first, second = got["pred"].hyperparameters, got["logits"].hyperparameters
    assert (first.optimizer, first.learning_rate, first.loss, first.epochs) == ("adam", 0.01, "mse", None)
    assert (second.optimizer, second.learning_rate, second.loss, second.epochs) == ("sgd", 0.5,
                                                                                   "categorical_crossentropy", 20)


def test_an_estimators_params_reach_its_model_function():
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf

def model_fn(features, labels, mode, params):
    net = tf.layers.dense(features["x"], 128, activation=tf.nn.relu)
    logits = tf.layers.dense(net, 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    train_op = tf.train.AdamOptimizer(learning_rate=params["learning_rate"]).minimize(loss)
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)

params = {"learning_rate": 1e-4}
model = tf.estimator.Estimator(model_fn=model_fn, params=params)
model.train(input_fn=train_input_fn, steps=2000)
'''
    (s,) = parse_bytes(code, "estimator.py")
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("adam", 1e-4)


def test_the_predictions_a_cell_adds_on_a_function_built_network_are_no_model_of_that_graph():
    from corpus.readers.parser import parse_bytes

    code = b'''import tensorflow as tf

graph = tf.Graph()
with graph.as_default():
    tf_train = tf.placeholder(tf.float32, shape=(128, 784))
    tf_labels = tf.placeholder(tf.float32, shape=(128, 10))
    weights = tf.Variable(tf.truncated_normal([784, 10]))
    biases = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(tf_train, weights) + biases
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf_labels, logits=logits))
    optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    train_prediction = tf.nn.softmax(logits)

graph = tf.Graph()
with graph.as_default():
    tf_train = tf.placeholder(tf.float32, shape=(128, 784))
    tf_labels = tf.placeholder(tf.float32, shape=(128, 10))
    tf_valid = tf.constant(valid_dataset)
    tf_test = tf.constant(test_dataset)
    w1 = tf.Variable(tf.truncated_normal([784, 1024]))
    b1 = tf.Variable(tf.zeros([1024]))
    w2 = tf.Variable(tf.truncated_normal([1024, 10]))
    b2 = tf.Variable(tf.zeros([10]))

    def forward_prop(x):
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        return tf.matmul(h, w2) + b2

    logits = forward_prop(tf_train)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf_labels, logits=logits))
    optimizer = tf.train.AdamOptimizer(0.001).minimize(loss)
    valid_prediction = tf.nn.softmax(forward_prop(tf_valid))
    test_prediction = tf.nn.softmax(forward_prop(tf_test))
'''
    got = [(s.name, seq(s), s.hyperparameters.optimizer) for s in parse_bytes(code, "udacity_3.py")]
    assert got == [("train_prediction", ["Dense/softmax"], "sgd"), ("forward_prop", ["Dense/relu", "Dense"], "adam")]
