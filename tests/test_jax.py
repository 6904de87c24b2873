"""The JAX reader (Flax linen and nnx models, optax training) on fixture scripts written for these tests."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, by_name, parse_fixture
from conftest import layer_types as seq

from corpus.knowledge import jax_layers, layers
from corpus.readers.jax_models import extract_jax
from corpus.readers.parser import parse_bytes
from corpus.readers.registry import IMPORT_FAMILIES, READERS, import_families
from corpus.readers.repository import NOT_TRAINED, parse_files
from corpus.readers.script import load


def parse(name: str) -> dict:
    return by_name(parse_fixture(name, context_text=""))


def read(code: str) -> dict:
    return {s.name: s for s in extract_jax(load(code, "snippet.py"))}


def acts(s) -> list[str | None]:
    return [layer.activation for layer in s.layers]


HEAD = "import flax.linen as nn\nimport jax.numpy as jnp\nimport optax\n"


# -- the registry -----------------------------------------------------------

def test_one_reader_row_and_its_import_roots():
    assert [r.name for r in READERS if r.family == "jax"] == ["jax"]
    assert IMPORT_FAMILIES["jax"] == {"jax", "flax", "optax", "haiku", "equinox"}
    assert import_families(load("from flax import linen as nn\n")) == {"jax"}
    assert import_families(load("import haiku as hk\n")) == import_families(load("import equinox as eqx\n")) == {"jax"}
    assert import_families(load("import torch\nimport optax\n")) == {"pytorch", "jax"}


def test_the_readers_types_are_canonical():
    tables = list(jax_layers.LAYERS.values())
    emitted = {t for table in tables for t, _ in table.values()} | set(jax_layers.FUNCTIONAL.values())
    for t in list(emitted):
        emitted |= {t.replace("2D", "1D"), t.replace("2D", "3D")} & set(layers.BY_NAME)
    assert emitted <= set(layers.BY_NAME)
    assert all(loss in ("categorical_crossentropy", "binary_crossentropy", "mse", "huber", "hinge", "ctc", "cosine",
                        "kl_divergence", "other") for loss in jax_layers.LOSSES.values())


# -- @nn.compact ------------------------------------------------------------

def test_compact_cnn_layers_in_call_order_with_folded_activations():
    m = parse("jax_flax_cnn.py")["CNN"]
    assert m.framework == "jax"
    assert seq(m) == ["Conv2D", "AveragePooling2D", "Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten",
                      "Dense", "Dropout", "Dense"]
    assert acts(m) == ["relu", None, None, "relu", None, None, "relu", None, None]
    assert m.layers[0].args == {"features": 32, "kernel_size": [3, 3], "filters": 32}
    assert m.layers[1].args == {"window_shape": [2, 2], "strides": [2, 2]}
    assert m.layers[-1].args["units"] == 10  # self.num_classes, a dataclass field's default
    assert m.layers[-2].args == {"rate": 0.5}


def test_compact_cnn_optax_training():
    m = parse("jax_flax_cnn.py")["CNN"]
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 1e-3, 128, 10)
    assert hp.loss == "categorical_crossentropy"
    assert hp.loss_raw == "optax.softmax_cross_entropy_with_integer_labels"
    assert m.input_shape == [28, 28, 1]  # model.init(rng, jnp.ones([1, 28, 28, 1]))
    assert m.task == "image_classification" and m.datasets == ["mnist"]
    assert {"dropout", "batch_norm"} <= set(m.tricks)


def test_creation_arguments_override_field_defaults():
    code = HEAD + (
        "class MLP(nn.Module):\n    hidden: int = 64\n    out: int = 10\n"
        "    @nn.compact\n    def __call__(self, x):\n"
        "        x = nn.tanh(nn.Dense(self.hidden)(x))\n        return nn.Dense(self.out)(x)\n"
        "model = MLP(out=3)\n")
    m = read(code)["MLP"]
    assert [x.args["units"] for x in m.layers] == [64, 3]
    assert acts(m) == ["tanh", None]


# -- setup(), blocks, loops ---------------------------------------------------

def test_setup_style_with_a_list_of_layers_a_block_and_a_schedule():
    found = parse("jax_flax_setup.py")
    assert list(found) == ["MLP"]  # ResidualBlock is only a part of MLP
    m = found["MLP"]
    assert seq(m) == ["Embedding", "GlobalAveragePooling1D", "Dense", "Dense",
                      "Dense", "LayerNormalization", "Add", "Dense"]
    assert m.layers[0].args == {"num_embeddings": 1000, "features": 64}
    assert [x.args.get("units") for x in m.layers if x.type == "Dense"] == [256, 128, 128, 1]
    assert acts(m)[2:6] == ["relu", "relu", None, "gelu"]
    hp = m.hyperparameters
    assert hp.optimizer == "sgd" and hp.learning_rate == 0.1  # the schedule's init_value
    assert hp.extra["momentum"] == 0.9
    assert hp.loss == "mse" and hp.loss_raw == "optax.l2_loss"
    assert hp.steps == 5000 and hp.epochs is None  # steps are not epochs
    assert hp.batch_size == 64
    assert {"lr_schedule", "gradient_clipping", "residual", "layer_norm"} <= set(m.tricks)


def test_class_valued_fields_and_partials_as_in_flax_examples():
    code = HEAD + (
        "from functools import partial\n"
        "class Block(nn.Module):\n    filters: int\n    conv: nn.Module = nn.Conv\n    act: object = nn.relu\n"
        "    @nn.compact\n    def __call__(self, x):\n"
        "        y = self.act(self.conv(self.filters, (3, 3))(x))\n        return x + y\n"
        "class Net(nn.Module):\n    sizes: tuple\n    block_cls: nn.Module\n"
        "    @nn.compact\n    def __call__(self, x):\n"
        "        conv = partial(nn.Conv, use_bias=False)\n"
        "        x = conv(16, (3, 3))(x)\n"
        "        for i, n in enumerate(self.sizes):\n"
        "            for j in range(n):\n"
        "                x = self.block_cls(16 * 2 ** i, conv=conv)(x)\n"
        "        x = jnp.mean(x, axis=(1, 2))\n        return nn.Dense(10)(x)\n"
        "Net18 = partial(Net, [1, 2], Block)\n")
    found = read(code)
    assert list(found) == ["Net"]
    m = found["Net"]
    assert seq(m) == ["Conv2D"] + ["Conv2D", "Add"] * 3 + ["GlobalAveragePooling2D", "Dense"]
    assert [x.args.get("filters") for x in m.layers if x.type == "Conv2D"] == [16, 16, 32, 32]
    assert all(x.args.get("use_bias") is False for x in m.layers if x.type == "Conv2D")
    assert acts(m)[1] == "relu"


def test_sequential_and_rnn_wrappers():
    code = HEAD + (
        "class Tagger(nn.Module):\n    @nn.compact\n    def __call__(self, tokens):\n"
        "        x = nn.Embed(5000, 128)(tokens)\n"
        "        x = nn.Bidirectional(nn.RNN(nn.LSTMCell(64)), nn.RNN(nn.LSTMCell(64)))(x)\n"
        "        return nn.Sequential([nn.Dense(64), nn.relu, nn.Dense(9)])(x)\n"
        "model = Tagger()\n")
    m = read(code)["Tagger"]
    assert seq(m) == ["Embedding", "Bidirectional", "Dense", "Dense"]
    assert m.layers[1].args["layer"] == "LSTM" and m.layers[1].args["features"] == 64
    assert acts(m) == [None, None, "relu", None]


def test_hand_written_loss_and_call_site_epochs():
    code = HEAD + (
        "class Reg(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(1)(x)\n"
        "def mse_loss(params, x, y):\n    return jnp.mean((Reg().apply(params, x) - y) ** 2)\n"
        "def fit(state, num_epochs=5):\n    for epoch in range(num_epochs):\n        pass\n"
        "tx = optax.rmsprop(0.01)\nfit(state, num_epochs=40)\n")
    hp = read(code)["Reg"].hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.loss) == ("rmsprop", 0.01, 40, "mse")


# -- nnx --------------------------------------------------------------------

def test_nnx_module_layers_from_init_and_adamw():
    m = parse("jax_nnx.py")["CNN"]
    assert seq(m) == ["Conv2D", "AveragePooling2D", "Conv2D", "AveragePooling2D", "Flatten", "Dense", "Dropout",
                      "Dense"]
    assert acts(m) == ["relu", None, "relu", None, None, "relu", None, None]
    assert m.layers[0].args["filters"] == 32 and m.layers[5].args["units"] == 256
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.steps) == ("adamw", 0.005, 1200)
    assert hp.extra["weight_decay"] == 1e-4 and "weight_decay" in m.tricks
    assert hp.loss == "categorical_crossentropy"


# -- haiku ------------------------------------------------------------------

HK = "import haiku as hk\nimport jax\nimport jax.numpy as jnp\nimport optax\n"


def test_haiku_module_layers_inline_with_folded_jax_activations_and_optax_training():
    found = parse("jax_haiku.py")
    assert list(found) == ["ConvNet", "mlp_forward"]  # conv_forward only creates ConvNet: the model is the class
    m = found["ConvNet"]
    assert seq(m) == ["Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "AveragePooling2D", "Flatten",
                      "Dropout", "LayerNormalization", "Dense"]
    assert acts(m)[:4] == ["relu", None, None, "gelu"]
    assert m.layers[0].args == {"output_channels": 32, "kernel_shape": 3, "kernel_size": 3, "filters": 32}
    assert m.layers[3].args["stride"] == 2 and m.layers[3].args["filters"] == 64
    assert m.layers[6].args == {"rate": 0.25}  # hk.dropout(rng, self.dropout_rate, x)
    assert m.layers[-1].args["units"] == 10
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 3e-4, 64, 12)
    assert hp.loss == "categorical_crossentropy"
    assert m.input_shape == [28, 28, 1]  # conv_net.init(rng, jnp.zeros([1, 28, 28, 1]), True)
    assert m.datasets == ["fashion_mnist"] and m.task == "image_classification"
    assert {"dropout", "batch_norm", "layer_norm"} <= set(m.tricks)


def test_a_transformed_forward_function_is_the_model_and_hk_nets_mlp_is_dense_layers():
    m = parse("jax_haiku.py")["mlp_forward"]
    assert seq(m) == ["Flatten", "Dense", "Dense", "Dense"]
    assert [x.args.get("units") for x in m.layers[1:]] == [300, 100, 10]
    assert acts(m) == [None, "tanh", None, None]  # an MLP's last layer is not activated unless activate_final
    assert m.source.line_start == 39


def test_haiku_layers_bound_in_init_recurrent_unrolls_attention_and_zoo_networks():
    code = HK + (
        "class Tagger(hk.Module):\n"
        "    def __init__(self, vocab, name=None):\n        super().__init__(name=name)\n"
        "        self.embed = hk.Embed(vocab, 128)\n        self.lstm = hk.LSTM(256)\n"
        "        self.attn = hk.MultiHeadAttention(num_heads=4, key_size=32, w_init_scale=1.0)\n"
        "        self.head = hk.nets.MLP([64, 9], activate_final=True)\n"
        "    def __call__(self, tokens):\n        x = self.embed(tokens)\n"
        "        x, _ = hk.dynamic_unroll(self.lstm, x, self.lstm.initial_state(1))\n"
        "        x = self.attn(x, x, x)\n        return self.head(x)\n"
        "@hk.transform\ndef tag(tokens):\n    return Tagger(5000)(tokens)\n"
        "@hk.transform_with_state\ndef classify(images, is_training):\n"
        "    return hk.nets.ResNet50(num_classes=100)(images, is_training)\n"
        "tx = optax.sgd(0.1, momentum=0.9)\n")
    found = read(code)
    assert list(found) == ["Tagger", "classify"]
    m = found["Tagger"]
    assert seq(m) == ["Embedding", "LSTM", "MultiHeadAttention", "Dense", "Dense"]
    assert m.layers[0].args == {"vocab_size": 5000, "embed_dim": 128}  # Tagger(5000) in the transformed function
    assert m.layers[1].args == {"hidden_size": 256}
    assert m.layers[2].args["num_heads"] == 4
    assert acts(m)[-2:] == ["relu", "relu"]
    (backbone,) = found["classify"].layers
    assert backbone.type == "Pretrained" and backbone.args == {"name": "ResNet50", "pretrained": False,
                                                                "num_classes": 100}
    assert found["classify"].hyperparameters.optimizer == "sgd"


def test_a_haiku_forward_function_nothing_here_transforms_is_a_model_of_a_models_file():
    code = HK + ("def forward(x):\n    x = hk.Linear(128)(x)\n    x = jax.nn.relu(x)\n    return hk.Linear(2)(x)\n"
                 "def helper(x):\n    return x * 2\n")
    (m,) = read(code).values()
    assert m.name == "forward" and seq(m) == ["Dense", "Dense"] and acts(m) == ["relu", None]


# -- equinox ------------------------------------------------------------------

EQX = "import equinox as eqx\nimport jax\nimport jax.numpy as jnp\nimport optax\n"


def test_equinox_list_of_layers_applied_in_a_loop_and_filtered_optax_training():
    found = parse("jax_equinox.py")
    m = found["CNN"]
    assert seq(m) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense", "Dense"]
    assert acts(m) == [None, "relu", None, "sigmoid", None, "relu", "log_softmax"]  # jax.nn.* in the list fold
    assert m.layers[0].args == {"in_channels": 1, "out_channels": 3, "kernel_size": 4, "filters": 3}
    assert [x.args["units"] for x in m.layers if x.type == "Dense"] == [512, 64, 10]
    assert m.layers[4].args == {"p": 0.2, "rate": 0.2}
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.steps, hp.epochs) == ("adamw", 3e-4, 64, 300, None)
    assert hp.loss == "categorical_crossentropy"  # -mean(take_along_axis(log_probs, y)): negative log-likelihood
    assert m.datasets == ["mnist"] and "dropout" in m.tricks


def test_equinox_vmapped_layers_a_scanned_cell_and_an_mlp_of_depth_two():
    m = parse("jax_equinox.py")["TextEncoder"]
    assert seq(m) == ["Embedding", "LSTM", "MultiHeadAttention", "LayerNormalization", "Dense", "Dense", "Dense"]
    assert m.layers[0].args == {"num_embeddings": 20000, "embedding_size": 64}  # TextEncoder(vocab_size=20000, ...)
    assert m.layers[1].args == {"input_size": 64, "hidden_size": 64}  # stepped by jax.lax.scan(step, ...)
    assert [x.args["units"] for x in m.layers[-3:]] == [32, 32, 2]  # eqx.nn.MLP(hidden, 2, 32, depth=2)
    assert acts(m)[-3:] == ["gelu", "gelu", None]


def test_equinox_sequential_lambda_slices_of_a_layer_list_and_stateful_batch_norm():
    code = EQX + (
        "class MLP(eqx.Module):\n    layers: list\n    bn: eqx.nn.BatchNorm\n    extra: eqx.nn.Sequential\n"
        "    def __init__(self, sizes, key):\n"
        "        keys = jax.random.split(key, len(sizes))\n"
        "        self.layers = [eqx.nn.Linear(a, b, key=k) for a, b, k in zip(sizes[:-1], sizes[1:], keys)]\n"
        "        self.bn = eqx.nn.BatchNorm(input_size=sizes[-1], axis_name='batch')\n"
        "        self.extra = eqx.nn.Sequential([eqx.nn.Linear(4, 4, key=key), eqx.nn.Lambda(jax.nn.tanh)])\n"
        "    def __call__(self, x, state):\n"
        "        for layer in self.layers[:-1]:\n            x = jax.nn.relu(layer(x))\n"
        "        x = self.layers[-1](x)\n        x, state = self.bn(x, state)\n"
        "        return self.extra(x), state\n"
        "model, state = eqx.nn.make_with_state(MLP)([8, 16, 4], jax.random.PRNGKey(0))\n"
        "opt = optax.adam(1e-3)\nopt_state = opt.init(eqx.filter(model, eqx.is_array))\n")
    m = read(code)["MLP"]
    # a comprehension over sizes not read is one Dense standing for each: its slice and its last item are too
    assert seq(m) == ["Dense", "Dense", "BatchNormalization", "Dense"]
    assert acts(m) == ["relu", None, None, "tanh"]
    assert m.hyperparameters.optimizer == "adam" and m.hyperparameters.learning_rate == 1e-3


def test_a_slice_of_a_known_list_of_equinox_layers_and_a_layer_mapped_twice():
    code = EQX + (
        "class Net(eqx.Module):\n    layers: list\n"
        "    def __init__(self, key):\n"
        "        self.layers = [eqx.nn.Linear(2, 8, key=key), eqx.nn.Linear(8, 8, key=key), eqx.nn.Linear(8, 1, key=key)]\n"
        "    def __call__(self, x):\n"
        "        for layer in self.layers[:-1]:\n            x = jax.nn.tanh(layer(x))\n"
        "        return jax.nn.sigmoid(jax.vmap(jax.vmap(self.layers[-1]))(x))\n"
        "model = Net(jax.random.PRNGKey(1))\n")
    m = read(code)["Net"]
    assert [x.args["units"] for x in m.layers] == [8, 8, 1]
    assert acts(m) == ["tanh", "tanh", "sigmoid"]


# -- a repository: defined in one file, trained in another -----------------------------------

def repo_files(**changes: tuple[str, bytes, bytes]) -> dict[str, bytes]:
    """The jax_repo fixture's files by repository path, with ``path=(old, new)`` replacements."""
    root = FIXTURES / "jax_repo"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}
    for path, (old, new) in changes.items():
        assert old in files[path]
        files[path] = files[path].replace(old, new)
    return files


def test_flax_haiku_and_equinox_models_of_models_files_are_joined_with_their_training_files():
    got = {s.name: s for s in parse_files(repo_files(), repo="o/n")}
    assert sorted(got) == ["CNN", "MLPNet", "forward"]
    cnn, mlp, fwd = got["CNN"], got["MLPNet"], got["forward"]
    assert (cnn.source.path, cnn.source.train_path) == ("models/cnn.py", "train.py")
    assert (mlp.source.path, mlp.source.train_path) == ("models/eqx_net.py", "train_eqx.py")
    assert (fwd.source.path, fwd.source.train_path) == ("models/haiku_net.py", "train_haiku.py")
    assert cnn.source.train_line_start == 22  # model = MODELS[args.arch](num_classes=10)
    assert cnn.source.url.startswith("https://github.com/o/n/blob/") and cnn.source.train_url
    hp = cnn.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == \
        ("sgd", 0.05, 128, 30, "categorical_crossentropy")
    assert cnn.datasets == ["cifar10"] and cnn.input_shape == [32, 32, 3]
    assert (fwd.hyperparameters.optimizer, fwd.hyperparameters.epochs, fwd.datasets) == ("adam", 8, ["mnist"])
    assert (mlp.hyperparameters.optimizer, mlp.hyperparameters.steps) == ("adamw", 2000)
    assert mlp.datasets == ["fashion_mnist"]
    assert all(not s.parse.warnings for s in got.values())  # neither "defined in another file" nor NOT_TRAINED


def test_the_definition_is_built_with_the_arguments_the_training_file_gives():
    files = repo_files()
    files["main.py"] = b"import train\n\ntrain.main(train.parser.parse_args())\n"  # an entry read before models/
    cnn = next(s for s in parse_files(files) if s.name == "CNN")
    # --arch defaults to "small": SmallCNN = partial(CNN, widths=(16,)), created with num_classes=10
    assert seq(cnn) == ["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dense"]
    assert cnn.layers[0].args["filters"] == 16 and cnn.layers[-1].args["units"] == 10
    cnn = next(s for s in parse_files(repo_files(**{"train.py": (b'default="small"', b'default="cnn"')}))
               if s.name == "CNN")
    assert [x.args["filters"] for x in cnn.layers if x.type == "Conv2D"] == [32, 64]  # the class itself


def test_a_registry_of_partials_picked_by_a_key_not_written_trains_each():
    files = {
        "nets/__init__.py": b"",
        "nets/a.py": HEAD.encode() + b"class A(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n"
                                     b"        return nn.Dense(3)(x)\n",
        "nets/b.py": HEAD.encode() + b"from functools import partial\n"
                                     b"class B(nn.Module):\n    depth: int = 1\n    @nn.compact\n"
                                     b"    def __call__(self, x):\n        for _ in range(self.depth):\n"
                                     b"            x = nn.Dense(8)(x)\n        return x\n"
                                     b"BTiny = partial(B, depth=2)\n",
        "main.py": HEAD.encode() + b"from functools import partial\nimport nets.a\nimport nets.b\n"
                                   b"def make(config):\n"
                                   b"    fn = {'a': nets.a.A, 'b': partial(nets.b.BTiny, depth=3)}[config.arch]\n"
                                   b"    return fn()\n"
                                   b"def main(config):\n    model = make(config)\n    tx = optax.adam(0.01)\n"
                                   b"    for epoch in range(7):\n        pass\n",
    }
    got = {s.name: s for s in parse_files(files)}
    assert sorted(got) == ["A", "B"]
    assert all(s.source.train_path == "main.py" and s.hyperparameters.epochs == 7 for s in got.values())


def test_a_library_class_the_training_file_gives_the_definition_is_built_in():
    files = {
        "net.py": HEAD.encode() + b"from typing import Any\n"
                                  b"class Net(nn.Module):\n    norm: Any = nn.LayerNorm\n    act: Any = nn.relu\n"
                                  b"    @nn.compact\n    def __call__(self, x):\n"
                                  b"        return self.act(self.norm()(nn.Dense(8)(x)))\n",
        "train.py": HEAD.encode() + b"from net import Net\n"
                                    b"def make(norm=nn.BatchNorm):\n    return Net(norm=norm, act=nn.tanh)\n"
                                    b"model = make()\ntx = optax.adam(0.001)\n",
    }
    (s,) = parse_files(files)
    assert s.source.train_path == "train.py"
    assert seq(s) == ["Dense", "BatchNormalization"] and acts(s) == [None, "tanh"]


def test_a_script_that_only_restores_another_files_model_trains_none():
    files = repo_files()
    files["predict.py"] = b"import jax\nfrom models.eqx_net import MLPNet\nmodel = MLPNet(784, key=jax.random.PRNGKey(0))\n"
    del files["train_eqx.py"]
    (mlp,) = [s for s in parse_files(files) if s.name == "MLPNet"]
    assert mlp.source.train_path is None and NOT_TRAINED in mlp.parse.warnings


def test_main_guard_values_and_a_loss_handed_to_vmap():
    code = HEAD + "import jaxopt\nimport jax\n" + (
        "class Net(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(10)(x)\n"
        "if __name__ == '__main__':\n    num_epochs = 8\n    batch_size = 256\n"
        "    loader = make_loader(data, batch_size=batch_size)\n    model = Net()\n"
        "    loss = jax.vmap(jaxopt.loss.multiclass_logistic_loss)\n"
        "    for epoch in range(num_epochs):\n        pass\n")
    hp = read(code)["Net"].hyperparameters
    assert (hp.epochs, hp.batch_size, hp.loss) == (8, 256, "categorical_crossentropy")
    assert hp.loss_raw == "jaxopt.loss.multiclass_logistic_loss"


# -- bounds and neighbours ------------------------------------------------------

def test_a_flax_module_is_not_read_as_torch_when_both_are_imported():
    code = "import torch\nfrom torch.utils.data import DataLoader\n" + HEAD + (
        "class MLP(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(10)(x)\n"
        "loader = DataLoader(ds, batch_size=32)\ntx = optax.sgd(0.01)\n")
    got = parse_bytes(code.encode(), "mixed.py")
    assert [(s.name, s.framework) for s in got] == [("MLP", "jax")]
    assert got[0].hyperparameters.batch_size == 32


def test_no_flax_module_no_summary():
    assert read("import jax.numpy as jnp\nimport optax\ntx = optax.adam(1e-3)\n") == {}


def test_a_module_of_only_weightless_ops_is_no_model():
    code = HEAD + ("class Squeeze(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n"
                   "        return x.reshape(x.shape[0], 2, -1)\nm = Squeeze()\n")
    assert read(code) == {}


@pytest.mark.parametrize("depth", [30, 200])
def test_deeply_nested_blocks_stay_bounded(depth: int):
    lines = [HEAD]
    for i in range(depth):
        inner = f"B{i - 1}()(x)" if i else "nn.Dense(4)(x)"
        lines.append(f"class B{i}(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n"
                     f"        x = {inner}\n        return {inner}\n")
    lines.append(f"model = B{depth - 1}()\n")
    got = read("".join(lines))
    assert list(got) == [f"B{depth - 1}"]
    assert len(got[f"B{depth - 1}"].layers) <= 2 ** 12
