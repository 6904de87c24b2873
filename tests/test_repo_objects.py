"""Training reached through objects: a trainer class given the model, a registry picking the class,
a training function that uses a helper class of the repository (fixtures: tests/fixtures/repo_objects/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.readers.repository import NOT_TRAINED, parse_files
from corpus.readers.script import load
from corpus.readers.trainers import chosen_callee

FIX = Path(__file__).parent / "fixtures" / "repo_objects"


def _repo(name: str) -> dict[str, bytes]:
    root = FIX / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_trainer_class_given_the_model_trains_it():
    (s,) = parse_files(_repo("trainer_given"))
    assert (s.name, s.source.path, s.source.train_path) == ("SmallMLP", "nets.py", "run.py")
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size, hp.loss) == (
        "rmsprop", 0.002, 4, 50, "categorical_crossentropy")
    assert s.datasets == ["fashion_mnist"]
    assert NOT_TRAINED not in s.parse.warnings
    assert [x.type for x in s.layers] == ["Flatten", "Dense", "Dense"]


def test_registry_key_from_an_option_default_picks_the_class():
    summaries = parse_files(_repo("registry"))
    trained = [s for s in summaries if s.source.train_path == "main.py"]
    assert [s.name for s in trained] == ["Wide"]
    assert trained[0].hyperparameters.optimizer == "sgd"
    assert trained[0].hyperparameters.learning_rate == 0.03
    assert trained[0].hyperparameters.epochs == 6
    tiny = [s for s in summaries if s.name == "Tiny"]
    assert tiny and NOT_TRAINED in tiny[0].parse.warnings


def test_training_function_using_a_helper_class_is_read_where_called():
    (s,) = parse_files(_repo("helper_class"))
    assert (s.name, s.source.train_path) == ("Regressor", "train.py")
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.loss) == ("adam", 0.004, 15, "mse")


def _callee(code: str, flags: dict[str, object] | None = None) -> str | None:
    script = load(code, "t.py")
    script.argparse_defaults.update(flags or {})
    right = script.nodes("assignment")[-1].child_by_field_name("right")
    call = right if right.type == "call" else None
    if call is None:  # ``return d[k].Model(args)``
        call = next(c for c in script.nodes("call") if c.text.decode().startswith("d["))
    return chosen_callee(script, call)


def test_chosen_callee_forms():
    assert _callee('R = {"a": A, "b": pkg.B}\nm = R["b"]()') == "pkg.B"
    assert _callee('def build(self):\n    d = {"x": mx, "y": my}\n    return d[self.args.model].Model(self.args)',
                   {"model": "y"}) == "my.Model"
    assert _callee('import models\nk = "vgg"\nm = getattr(models, k)()') == "models.vgg"
    assert _callee('Model = eval("Cnn14")\nm = Model(3)') == "Cnn14"
    assert _callee('R = {"a": A}\nm = R[unknown]()') is None


def test_wildcard_import_of_a_repository_module_is_joined():
    summaries = parse_files(_repo("wildcard"))
    assert sorted((s.name, s.source.path, s.source.train_path) for s in summaries) == [
        ("Critic", "blocks.py", "toy_gan.py"), ("Maker", "blocks.py", "toy_gan.py")]
    for s in summaries:
        assert s.hyperparameters.learning_rate == 0.0005 and s.hyperparameters.epochs == 25
        assert all(x.type != "Custom" for x in s.layers)


def test_raw_tf_model_class_trained_in_another_file_is_one_joined_example():
    summaries = parse_files(_repo("tf_class"))
    assert [(s.name, s.source.path, s.source.train_path) for s in summaries] == [
        ("SentimentNet", "graph.py", "fit.py")]
    s = summaries[0]
    assert 4 <= s.source.line_start <= 19 and s.source.train_line_start == 5
    assert s.hyperparameters.optimizer == "adam" and s.hyperparameters.epochs == 3
    assert [x.type for x in s.layers][-2:] == ["Dense", "Dense"]


def test_a_script_that_only_restores_a_graph_class_gives_no_example():
    files = _repo("tf_class")
    files["predict.py"] = (b"import tensorflow as tf\nfrom graph import SentimentNet\n"
                           b"net = SentimentNet(5000, 2, 0.001)\nwith tf.Session() as sess:\n"
                           b"    tf.train.Saver().restore(sess, 'ckpt')\n    print(sess.run(net.logits))\n")
    assert sorted((s.name, s.source.train_path) for s in parse_files(files)) == [("SentimentNet", "fit.py")]


def test_settings_object_handed_to_a_class_reads_the_config_file_the_repository_names():
    (s,) = parse_files(_repo("settings_object"))
    hp = s.hyperparameters
    assert (hp.optimizer, hp.batch_size, hp.epochs, hp.loss) == ("rmsprop", 40, 9, "mae")
    assert [x.type for x in s.layers] == ["LSTM", "Dense"]
    assert s.layers[0].args.get("units") == 48


def test_settings_holder_needs_a_file_that_covers_the_keys():
    from corpus.readers.repo_context import RepoContext

    files = _repo("settings_object")
    ctx = RepoContext(files)
    assert set(ctx.settings_holders(files["forecaster.py"])) == {"self.config"}
    assert ctx.settings_holders(b"x = self.config.other + self.config.unknown") == {}
    assert ctx.settings_holders(b"parser.add_argument('--units')\ny = cfg.units + cfg.rate") == {}


def test_a_settings_object_read_as_trained_is_no_example():
    summaries = parse_files(_repo("module_import"))
    assert "Options" not in [s.name for s in summaries]
    # ``nets.Tagger()`` of ``import nets``: defined in nets.py, trained in train.py, one example joined across them
    assert [(s.name, s.source.path, s.source.train_path) for s in summaries] == [("Tagger", "nets.py", "train.py")]


def test_module_imported_by_a_written_path_is_followed():
    (s,) = parse_files(_repo("dynamic_import"))
    assert (s.name, s.source.path, s.source.train_path) == ("LeNet", "archs/lenet.py", "launch.py")
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs) == ("sgd", 0.05, 12)
    assert _callee('import importlib\nm = importlib.import_module("pkg." + "x")\nnet = m.Net()') == "pkg.x.Net"


def test_raw_tf_graph_class_with_no_optimizer_is_trained_by_the_script_that_builds_it():
    (s,) = parse_files(_repo("tf_graph_script"))
    assert (s.name, s.source.path, s.source.train_path) == ("SeqRanker", "ranker.py", "train_ranker.py")
    assert [x.type for x in s.layers] == ["Embedding", "Conv1D", "Flatten", "Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adam", 0.002, 300, 12, "binary_crossentropy")
    assert NOT_TRAINED not in s.parse.warnings


@pytest.mark.parametrize("style", ["module", "name"])
def test_a_tf_graph_class_with_its_own_optimizer_run_by_a_python2_script_is_one_joined_example(style):
    # ``import model; net = model.Model(784, learning_rate)`` (or ``from model import Model``), trained by
    # ``sess.run([net.cost, net.optimizer], ...)``: the class read below the script once (not again as a class
    # nobody built), joined at its definition with the script's values
    files = _repo("tf_graph_module")
    if style == "name":
        files["main.py"] = files["main.py"].replace(b"import model\n", b"from model import Model\n").replace(
            b"model.Model(", b"Model(")
    (s,) = parse_files(files)
    assert (s.name, s.source.path, s.source.train_path) == ("Model", "model.py", "main.py")
    assert [x.type for x in s.layers] == ["Dense", "Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.001, 5, 20)


def test_a_keras_model_class_holding_another_files_network_trains_that_network():
    # the class is given its batch size (no data function) and steps its optimizer (no trainer to read below)
    (s,) = parse_files(_repo("keras_wrapper"))
    assert (s.name, s.source.path, s.source.train_path) == ("make_unet", "unet.py", "main.py")
    assert [x.type for x in s.layers][:1] == ["Conv2D"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == ("adamw", 0.002, 16, 40, "mae")
    assert NOT_TRAINED not in s.parse.warnings


def test_a_lightning_module_of_another_file_built_from_the_parts_it_is_handed_is_one_joined_example():
    (s,) = parse_files(_repo("lit_parts"))
    assert (s.name, s.source.path, s.source.train_path) == ("LitPair", "lit.py", "run.py")
    assert s.source.line_start == 25 and s.source.train_line_start == 8
    assert [x.type for x in s.layers] == ["Dense", "Dense", "Dense", "Dense"]
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == ("adam", 0.003, 40, 7, "mse")
    assert s.datasets == ["mnist"]


def test_two_scripts_building_one_lightning_module_from_different_parts_keep_their_own_layers():
    files = _repo("lit_parts")
    files["run_conv.py"] = files["run.py"].replace(b"from lit import Expand, LitPair, Squeeze",
                                                  b"import torch.nn as nn\nfrom lit import Expand, LitPair") \
        .replace(b"LitPair(Squeeze(), Expand())", b"LitPair(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), "
                 b"nn.Linear(2704, 6)), Expand())")
    got = {s.source.train_path: [x.type for x in s.layers] for s in parse_files(files)}
    assert got["run.py"] == ["Dense", "Dense", "Dense", "Dense"]
    assert got["run_conv.py"] == ["Conv2D", "Flatten", "Dense", "Dense", "Dense"]


def test_a_model_unpacked_with_its_tokenizer_from_a_loader_of_another_file_is_joined():
    # ``model, tokenizer = load_model_and_tokenizer(None)`` then LoRA and Trainer: the loader's model is trained
    (s,) = parse_files(_repo("tuple_loader"))
    assert (s.name, s.source.path, s.source.train_path) == ("load_model_and_tokenizer", "loader.py", "train.py")
    hp = s.hyperparameters
    assert (hp.learning_rate, hp.batch_size, hp.epochs) == (1e-4, 4, 3)
    assert NOT_TRAINED not in s.parse.warnings


def test_a_network_an_agent_holds_and_steps_through_its_own_optimizer_is_joined_with_the_agent_file():
    # sac_torch.py's Agent builds self.value = ValueNetwork(beta, ...) of networks.py and trains it by
    # self.value.optimizer.zero_grad() ... .step(): the network is trained there (not "not trained")
    (s,) = parse_files(_repo("agent_networks"))
    assert (s.name, s.source.path, s.source.train_path) == ("ValueNetwork", "networks.py", "sac_torch.py")
    assert (s.hyperparameters.optimizer, s.hyperparameters.loss) == ("adam", "mse")
    assert s.task == "reinforcement_learning" and NOT_TRAINED not in s.parse.warnings
    # an optimizer a class holds (self.optimizer = create_optimizer_v2(...), self.optimizer.zero_grad()) is none
    files = _repo("agent_networks")
    files["optim_factory.py"] = b"""import torch


def create_optimizer_v2(model, name, lr):
    return torch.optim.SGD(model.parameters(), lr=lr)
"""
    files["bench.py"] = b"""import torch
from optim_factory import create_optimizer_v2


class Bench:
    def __init__(self, model):
        self.model = model
        self.optimizer = create_optimizer_v2(model, "sgd", lr=1e-4)

    def step(self, x):
        self.optimizer.zero_grad()
        self.model(x).sum().backward()
        self.optimizer.step()
"""
    assert [x.name for x in parse_files(files)] == ["ValueNetwork"]
