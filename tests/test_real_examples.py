"""Only real examples (issue 11, item 2): a block, a sub-model or a stage of a bigger network is expanded where
the network uses it and is no example of its own. Fixtures: tests/fixtures/real_examples/ (scripts written here)."""

from __future__ import annotations

from pathlib import Path

from corpus.readers.parser import parse_path
from corpus.readers.repository import NOT_TRAINED, parse_files

FIXTURES = Path(__file__).parent / "fixtures" / "real_examples"


def types(s) -> list[str]:
    return [x.type for x in s.layers]


def test_sequential_stages_are_parts_of_the_sequential_that_joins_them():
    got = parse_path(FIXTURES / "torch_sequential_of_blocks.py")
    assert [s.name for s in got] == ["net"]
    net = got[0]
    assert types(net) == ["Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "Concatenate", "MaxPooling2D",
                          "Conv2D", "Conv2D", "Concatenate", "GlobalAveragePooling2D", "Flatten", "Dense"]
    # values a training helper is handed by name: d2l.train_ch6(net, ..., num_epochs, lr)
    hp = net.hyperparameters
    assert (hp.learning_rate, hp.epochs, hp.batch_size) == (0.05, 7, 64)
    assert net.datasets == ["fashion_mnist"]


def test_keras_autoencoder_trained_whole_is_the_model_not_its_halves():
    got = parse_path(FIXTURES / "keras_encoder_decoder_parts.py")
    assert [s.name for s in got] == ["autoencoder"]
    ae = got[0]
    assert types(ae) == ["Conv2D", "Flatten", "Dense", "Dense", "Reshape", "Conv2DTranspose"]
    assert (ae.hyperparameters.epochs, ae.hyperparameters.batch_size, ae.hyperparameters.loss) == (12, 48, "mse")


def test_keras_vae_subclass_holds_its_parts():
    got = parse_path(FIXTURES / "keras_vae_subclass_parts.py")
    assert [s.name for s in got] == ["VAE"]


def _repo(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.py")}


def test_blocks_named_by_another_files_network_are_not_examples():
    got = parse_files(_repo(FIXTURES / "repo_blocks"))
    by_name = {s.name: s for s in got}
    # ConvNorm and GatedUnit (model/layers.py) are parts of SpeechNet; WordDecoder is handed to the
    # Captioner that train.py trains; MemoryAttention is given to WordDecoder
    assert sorted(by_name) == ["Captioner", "SpeechNet"]
    speech = by_name["SpeechNet"]
    # ``from model.layers import ConvNorm`` in model/model.py is the package's layers.py, expanded in place
    assert types(speech)[0] == "Conv1D"
    assert speech.source.train_path == "train.py"
    assert all(NOT_TRAINED not in s.parse.warnings for s in got)


def test_token_and_position_embeddings_do_not_vote_recommendation():
    dec = parse_path(FIXTURES / "torch_token_position_decoder.py")[0]
    assert dec.task != "recommendation"
    mf = parse_path(FIXTURES / "torch_user_item_mf.py")[0]
    assert mf.task == "recommendation"


def test_class_reached_through_an_imported_module_is_joined_with_its_training():
    (s,) = parse_files(_repo(FIXTURES / "repo_module_attr"))
    assert (s.name, s.source.path, s.source.train_path) == ("ModelActor", "lib/model.py", "train.py")
    assert types(s) == ["Dense", "Dense"]
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.batch_size) == \
        ("adam", 0.0001, 64)


def test_a_model_handed_to_a_trainer_class_is_no_block():
    nets = (b"from torch import nn\n\n\nclass Small(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            b"        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n")
    trainer = (b"import torch\nfrom torch import nn\n\n\nclass Trainer:\n    def __init__(self, model):\n"
               b"        self.model = model\n        self.loss = nn.MSELoss()\n")
    main = b"from nets import Small\nfrom trainer import Trainer\n\n# t = Trainer(Small())\nmodel = Small()\nt = Trainer(model)\n"
    got = parse_files({"nets.py": nets, "trainer.py": trainer, "main.py": main})
    assert [s.name for s in got] == ["Small"]


def test_networks_handed_to_a_module_that_trains_them_stay_examples():
    nets = (b"from torch import nn\n\n\nclass Gen(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            b"        self.fc = nn.Linear(8, 4)\n\n    def forward(self, z):\n        return self.fc(z)\n\n\n"
            b"class Disc(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            b"        self.fc = nn.Linear(4, 1)\n\n    def forward(self, x):\n        return self.fc(x)\n")
    runner = (b"import pytorch_lightning as pl\nimport torch\n\n\nclass GAN(pl.LightningModule):\n"
              b"    def __init__(self, g, d):\n        super().__init__()\n        self.g, self.d = g, d\n\n"
              b"    def configure_optimizers(self):\n        return torch.optim.Adam(self.g.parameters())\n")
    main = (b"import pytorch_lightning as pl\nfrom nets import Disc, Gen\nfrom runner import GAN\n\n"
            b"g = Gen()\nd = Disc()\nrunner = GAN(g, d)\npl.Trainer(max_epochs=3).fit(runner)\n")
    got = parse_files({"nets.py": nets, "runner.py": runner, "main.py": main})
    assert {"Gen", "Disc"} <= {s.name for s in got}


def test_a_network_built_only_to_copy_its_weights_is_no_block():
    small = (b"from torch import nn\n\n\nclass Small(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             b"        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n")
    big = (b"from torch import nn\nfrom small import Small\n\n\nclass Big(nn.Module):\n    def __init__(self):\n"
           b"        super().__init__()\n        self.fc = nn.Linear(4, 2)\n        self.out = nn.Linear(2, 1)\n\n"
           b"    def forward(self, x):\n        return self.out(self.fc(x))\n\n"
           b"    def load_pretrain_weights(self):\n        small = Small()\n        self.fc.weight.data = small.fc.weight.data\n")
    got = parse_files({"small.py": small, "big.py": big})
    assert sorted(s.name for s in got) == ["Big", "Small"]


def test_a_network_left_to_fill_in_is_no_example():
    # "# YOUR CODE HERE" where the layers should go; the solved networks of the same file stay
    got = parse_path(FIXTURES / "keras_fill_in_exercise.py")
    assert [s.name for s in got] == ["solution", "solved"]
    assert types(got[1]) == ["Embedding", "GlobalAveragePooling1D", "Dense"]
    # nn.Linear(<???>, 1): a placeholder tree-sitter cannot read, in the discriminator only
    got = parse_path(FIXTURES / "torch_fill_in_placeholder.py")
    assert [s.name for s in got] == ["generator"]


def test_a_helper_that_adds_layers_does_not_name_the_model():
    # up_stage() (above build_generator) adds the first Conv2DTranspose: the model's lines stay the builder's
    got = parse_path(FIXTURES / "repo_gan_builders" / "models.py")
    assert [(s.source.line_start, s.source.line_end) for s in got] == [(14, 18), (23, 27)]


def test_a_variable_bound_to_an_imported_builder_is_expanded():
    # G = build_generator(z_dim); combined = Model(z, D(G(z))): G is the repository's generator, not Custom
    files = {p.name: p.read_bytes() for p in (FIXTURES / "repo_gan_builders").iterdir()}
    got = {s.name: s for s in parse_files(files)}
    assert sorted(got) == ["build_discriminator", "combined"]
    assert types(got["combined"]) == ["Dense", "Reshape", "Conv2DTranspose", "BatchNormalization",
                                      "Conv2DTranspose", "Conv2D", "Flatten", "Dense"]
    assert got["build_discriminator"].source.train_path == "train.py"


def test_an_in_file_layer_of_plain_ops_is_no_layer():
    # a one-hot, a noise and a loss-adding endpoint are expanded in place to nothing (the endpoint's softmax
    # folds into the Dense before it); a layer with a weight of its own stays one Custom layer
    got = {s.name: s for s in parse_path(FIXTURES / "keras_ops_only_layers.py")}
    assert types(got["text_model"]) == ["Bidirectional", "Dense"]
    assert types(got["reg_model"]) == ["Dense", "Dense"]
    assert types(got["cls_model"]) == ["Custom", "Dense"]
    assert got["cls_model"].layers[-1].activation == "softmax"


def test_a_gan_trained_by_a_train_function_with_n_batch():
    # train(..., n_epochs=100, n_batch=256); the generator built first only for summary() is not the example
    got = {s.name: s for s in parse_path(FIXTURES / "keras_gan_train_function.py")}
    assert sorted(got) == ["d_model", "g_model"]
    for s in got.values():
        assert (s.hyperparameters.batch_size, s.hyperparameters.epochs) == (256, 100)


def test_numbers_typed_into_xs_and_ys_are_synthetic_data():
    got = parse_path(FIXTURES / "keras_xs_ys_numbers.py")
    assert [s.datasets for s in got] == [["synthetic"]]


def test_an_in_file_module_of_plain_ops_is_no_layer():
    # class Trim(nn.Module) only slices: expanded to nothing, the sigmoid after it folds into the ConvTranspose
    got = {s.name: s for s in parse_path(FIXTURES / "torch_ops_only_modules.py")}
    dec = got["decoder"]
    assert types(dec) == ["Dense", "Reshape", "Conv2DTranspose", "Conv2DTranspose"]
    assert dec.layers[-1].activation == "sigmoid"
    # a module with a parameter of its own stays one Custom layer
    assert types(got["head"]) == ["Dense", "Custom", "Dense"]


def test_small_models_built_only_to_show_the_api_are_no_examples():
    # in a file that trains a model, one or two layers nothing compiles or trains are a demo
    got = parse_path(FIXTURES / "keras_api_demo_models.py")
    assert [s.name for s in got] == ["model"]


def test_a_class_a_package_re_exports_through_a_starred_import_is_joined():
    # from mypkg.nn import RectL: mypkg/nn/__init__.py has `from .models import *`, models/__init__.py
    # `from .rect import RectL`: the examples/ script trains the class of mypkg/nn/models/rect.py
    root = FIXTURES / "repo_star_reexport"
    files = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.py")}
    (got,) = parse_files(files)
    assert (got.name, got.source.path, got.source.train_path) == ("RectL", "mypkg/nn/models/rect.py",
                                                                   "examples/rect.py")
    assert types(got) == ["Dense", "Dropout", "Dense"]
    assert (got.hyperparameters.optimizer, got.hyperparameters.epochs) == ("adam", 200)


def test_a_batch_size_of_zero_read_from_a_list_filled_at_run_time_is_unknown():
    # batch_size = len(dataX) where dataX = [] is appended to in a loop: not 0
    (got,) = parse_path(FIXTURES / "torch_batch_of_all_rows.py")
    assert (got.hyperparameters.batch_size, got.hyperparameters.epochs) == (None, 500)


def test_helper_functions_returning_sequentials_are_blocks_of_the_class_that_calls_them():
    got = parse_path(FIXTURES / "torch_helper_sequential_blocks.py")
    assert [s.name for s in got] == ["TinyInception"]
    assert types(got[0]) == ["Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Concatenate",
                             "GlobalAveragePooling2D", "Dense"]
    assert got[0].hyperparameters.learning_rate == 0.001


def test_layers_collected_in_a_list_are_parts_of_the_model_built_from_the_list():
    got = parse_path(FIXTURES / "torch_flow_layers_in_list.py")
    assert [s.name for s in got] == ["Flow"]
    assert "Dense" in types(got[0])
    assert got[0].hyperparameters.learning_rate == 3e-4


def test_a_builders_extend_and_insert_fill_the_list_a_model_is_built_from():
    got = parse_path(FIXTURES / "torch_builder_extend_insert.py")
    assert [s.name for s in got] == ["Stack"]
    # the inserted stem first, then the Block read once (the loop over the list)
    assert types(got[0]) == ["Conv1D", "Conv1D", "BatchNormalization"]
    assert got[0].hyperparameters.learning_rate == 0.05


def test_a_class_on_the_packages_own_base_holds_its_heads():
    # ``from . import BaseNet``: the registry's base class hides nn.Module; the heads it holds are blocks
    got = parse_files(_repo(FIXTURES / "repo_registry_base"))
    assert [s.name for s in got] == ["MultiHeadNet"]
    assert types(got[0]) == ["Dense", "Dense", "Concatenate", "Dense", "Dense"]
    assert NOT_TRAINED in got[0].parse.warnings


def test_keras_helper_sequentials_are_blocks_even_when_a_loop_is_read_once():
    got = parse_path(FIXTURES / "keras_helper_sequential_blocks.py")
    assert len(got) == 1
    assert types(got[0])[0] == "Conv2D" and types(got[0])[-1] == "Conv2DTranspose"


def test_keras_helper_sequentials_applied_at_module_level_are_blocks():
    # no builder function calls the helpers here: the blocks are known by their lines inside the model
    got = parse_path(FIXTURES / "keras_module_level_helper_blocks.py")
    assert [s.name for s in got] == ["generator"]


def test_keras_helper_sequentials_built_in_a_comprehension_are_blocks():
    # the comprehension's blocks never reach the model's flattened parts: only the builder calling the
    # helper says they are blocks
    got = parse_path(FIXTURES / "keras_helper_blocks_in_comprehension.py")
    assert len(got) == 1
    assert types(got[0])[-1] == "Conv2DTranspose"


def test_an_untrained_definition_with_nothing_read_inside_is_no_example():
    got = parse_files(_repo(FIXTURES / "repo_opaque_untrained"))
    assert sorted(s.name for s in got) == ["EncoderDecoder"]
    assert all(NOT_TRAINED in s.parse.warnings for s in got)
    # BeamDecoder (one Custom from another library) is dropped; EncoderDecoder's Custom parts are the
    # repository's own, unresolved, so it stays; GreedyHead, a head nothing trains, is a part (session 11)
    assert types(next(s for s in got if s.name == "EncoderDecoder")) == ["Custom", "Custom"]


def test_a_model_on_a_hugging_face_base_class_holds_its_head():
    got = parse_path(FIXTURES / "torch_hf_subclass_head.py")
    assert [s.name for s in got] == ["SegmentationModel"]
    assert types(got[0]) == ["Pretrained", "Conv2D"]
    assert got[0].hyperparameters.learning_rate == 5e-5


def test_keras_helper_models_returned_beside_a_stack_stay_models():
    got = parse_path(FIXTURES / "keras_helper_models_beside_stack.py")
    assert sorted(types(s)[-1] for s in got) == ["Dense", "Dense"] and len(got) == 2
    assert any(types(s) == ["Dense", "Dropout", "Dense"] for s in got)


def test_linear_heads_trained_beside_a_network_are_parts_of_it():
    got = {s.name: s for s in parse_path(FIXTURES / "torch_heads_beside_network.py")}
    assert sorted(got) == ["Encoder", "baseline"]
    assert (got["Encoder"].hyperparameters.optimizer, got["Encoder"].hyperparameters.epochs) == ("adam", 100)
    # the heads' optimizers are theirs: the baseline keeps its own
    assert (got["baseline"].hyperparameters.optimizer, got["baseline"].hyperparameters.learning_rate) == ("sgd", 0.1)


def test_keras_parts_chained_into_an_untrained_whole_are_its_blocks():
    got = parse_path(FIXTURES / "keras_untrained_autoencoder_parts.py")
    assert [s.name for s in got] == ["autoencoder"]
    assert types(got[0]) == ["Conv2D", "MaxPooling2D", "GlobalMaxPooling2D", "Reshape", "Conv2DTranspose",
                             "UpSampling2D"]


def test_models_listed_in_main_and_trained_one_by_one_stay_models():
    # a list counts as parts only when it goes into a model (Flow(parts)); here nothing takes it
    got = parse_path(FIXTURES / "torch_models_listed_in_main.py")
    assert sorted(s.name for s in got) == ["SmallCNN", "Tagger"]


def test_a_baseline_looped_over_beside_a_network_is_no_head():
    got = {s.name: s for s in parse_path(FIXTURES / "torch_baseline_beside_network.py")}
    assert sorted(got) == ["Enc", "baseline"]
    assert (got["baseline"].hyperparameters.optimizer, got["baseline"].hyperparameters.learning_rate) == ("sgd", 0.1)


def test_a_factory_picking_a_class_by_flag_trains_each_class_it_returns():
    # the package is called torchtab (not torch); run.py's build() returns one of two classes by --net
    got = parse_files(_repo(FIXTURES / "repo_dispatch_torch_package"))
    by_name = {s.name: s for s in got}
    assert sorted(by_name) == ["DeepTabular", "LinearTabular"]
    for s in got:
        assert s.source.train_path == "run.py"
        hp = s.hyperparameters
        assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == \
            ("adagrad", 0.02, 512, 7, "binary_crossentropy")
    # the package's blocks expanded (a Sequential of a ``list()`` filled in a loop); shifting ids by a
    # new tensor is no residual Add
    assert types(by_name["DeepTabular"]) == ["Embedding", "Flatten", "Dense", "Dropout", "Dense"]
    assert types(by_name["LinearTabular"]) == ["Embedding"]


def test_another_torch_librarys_layers_are_custom():
    got = parse_path(FIXTURES / "torch_graph_library_layers.py")
    assert [s.name for s in got] == ["NodeClassifier"]
    assert types(got[0]) == ["Custom", "Dropout", "Custom"]
    assert [x.raw for x in got[0].layers if x.type == "Custom"] == ["SAGEConv", "SAGEConv"]
    assert got[0].hyperparameters.learning_rate == 0.005


def test_a_normalization_written_by_hand_is_that_normalization():
    got = parse_path(FIXTURES / "torch_handwritten_layernorm.py")
    assert [s.name for s in got] == ["Tagger"]
    assert types(got[0]) == ["Embedding", "LayerNormalization", "Custom", "Dense"]
    assert [x.raw for x in got[0].layers][1:3] == ["BertStyleLayerNorm", "ScaleOnly"]


def test_a_model_class_given_as_a_parameters_default_is_trained_by_that_function():
    # def reinforce(env_name, net_cls=nets.PolicyValueNet, ...): agent = net_cls(...) builds the default
    got = parse_files(_repo(FIXTURES / "repo_class_as_default"))
    assert [s.name for s in got] == ["PolicyValueNet"]
    s = got[0]
    assert s.source.train_path == "rl/reinforce.py"
    assert NOT_TRAINED not in s.parse.warnings
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("rmsprop", 7e-4, 40)
    assert types(s) == ["Dense", "Dense"]


def test_typer_options_defaults_are_the_values_a_command_runs_with():
    torch_model = parse_path(FIXTURES / "torch_typer_options.py")[0]
    hp = torch_model.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adamw", 0.004, 15)
    keras_model = parse_path(FIXTURES / "keras_typer_options.py")[0]
    hp = keras_model.hyperparameters
    assert (hp.optimizer, hp.batch_size, hp.epochs) == ("rmsprop", 40, 6)


def test_a_librarys_layers_that_nothing_trains_are_parts_not_examples():
    # gnnkit/nn/conv/edge_conv.py is a layer for the library's users, gnnkit/nn/models/common.py the blocks its
    # models share; gnnkit/nn/models holds a whole model
    got = parse_files(_repo(FIXTURES / "repo_library_parts"))
    # demo/modules.py's DigitNet is named as a whole network: the file's name does not make it a part
    assert sorted(s.name for s in got) == ["DigitNet", "EdgeNet"]
    assert all(NOT_TRAINED in s.parse.warnings for s in got)


def test_each_model_of_a_lesson_keeps_the_values_of_its_own_training():
    # a line fitted to drawn numbers, then a CNN on CIFAR-10 loaders: nothing of the CNN's goes to the line
    got = {s.name: s for s in parse_path(FIXTURES / "torch_toy_fit_then_cnn.py")}
    line, cnn = got["line"].hyperparameters, got["SmallCNN"].hyperparameters
    assert (line.optimizer, line.learning_rate, line.loss, line.batch_size, line.epochs, line.steps) == \
        ("sgd", 0.02, "mae", None, None, 200)
    assert got["line"].datasets == ["synthetic"]
    assert (cnn.optimizer, cnn.learning_rate, cnn.loss, cnn.batch_size, cnn.epochs) == \
        ("adam", 5e-4, "categorical_crossentropy", 50, 6)
    # the CNN's one-off shape check on drawn numbers is not its data
    assert got["SmallCNN"].datasets == ["cifar10"]


def test_a_factory_that_can_return_the_files_own_class_trains_that_class():
    got = parse_path(FIXTURES / "torch_factory_with_local_class.py")
    assert [s.name for s in got] == ["TinyNet"]
    hp = got[0].hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("sgd", 0.3, 9)


def test_each_model_takes_the_batch_of_the_loader_its_loop_iterates():
    # the test loader (batch 500) is made first and checked each epoch; training iterates batches of 48
    got = {s.name: s.hyperparameters for s in parse_path(FIXTURES / "torch_two_models_test_loader_first.py")}
    assert (got["Wide"].batch_size, got["Wide"].epochs, got["Wide"].optimizer) == (48, 4, "sgd")
    assert (got["Deep"].batch_size, got["Deep"].epochs, got["Deep"].optimizer) == (48, 7, "adam")


def test_models_created_in_one_tuple_assignment_keep_their_own_training(tmp_path):
    # ``wide, deep = Wide(), Deep()``: each name is its own model (the second took the first's optimizer)
    src = (FIXTURES / "torch_two_models_test_loader_first.py").read_text()
    src = src.replace("wide = Wide()\ndeep = Deep()", "wide, deep = Wide(), Deep()")
    assert "wide, deep = Wide(), Deep()" in src
    script = tmp_path / "two_in_one_line.py"
    script.write_text(src)
    got = {s.name: s.hyperparameters for s in parse_path(script)}
    assert (got["Wide"].optimizer, got["Wide"].learning_rate, got["Wide"].epochs) == ("sgd", 0.05, 4)
    assert (got["Deep"].optimizer, got["Deep"].learning_rate, got["Deep"].epochs) == ("adam", 0.002, 7)


def test_a_block_smoke_tested_in_its_own_file_is_still_a_part():
    got = parse_files(_repo(FIXTURES / "repo_own_file_blocks"))
    by_name = {s.name: s for s in got}
    # ClassCapsule is built by the file's __main__ for a shape check, and the file's margin loss reads as a
    # loss: still a part of CapsuleNet beside it. DQNet is only a base and an annotation elsewhere: a model
    assert sorted(by_name) == ["CapsuleNet", "DQNet"]
    assert types(by_name["DQNet"]) == ["Conv2D", "Conv2D", "Flatten", "Dense"]
    assert NOT_TRAINED in by_name["DQNet"].parse.warnings


def test_a_block_is_a_part_even_when_its_users_were_not_read_yet():
    from corpus.readers.repo_context import RepoContext

    files = _repo(FIXTURES / "repo_blocks")
    context = RepoContext(files)
    # a harvest joins only the files that gave summaries: the file whose network holds the block is unread
    context.module_facts("model/layers.py")
    assert context.part_elsewhere("model/layers.py", "ConvNorm")


def test_an_optimizer_a_loss_or_a_parallel_wrapper_is_no_example():
    from corpus.readers.parser import parse_bytes
    from corpus.record.summary import Layer

    files = {"train.py": b"import torch\nmodel = torch.nn.Linear(4, 1)\n"
                         b"opt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor _ in range(3):\n"
                         b"    opt.zero_grad()\n    model(torch.rand(2, 4)).sum().backward()\n    opt.step()\n"}

    def reader(data, path, **kw):
        # what the readers give for an optimizer whose file cannot be read (icefall's optim.py is a symlink):
        # an imported class stepped in the loop, so "trained"
        got = parse_bytes(data, path, **kw)
        for name in ("ScaledAdam", "PerceptualLoss", "DDP"):
            extra = parse_bytes(data, path, **kw)[0]
            extra.name, extra.layers = name, [Layer(type="Custom", raw=f"optim.{name}", line=3)]
            got.append(extra)
        return got

    got = parse_files(files, parse=reader)
    assert [s.name for s in got] == ["model"]


def test_a_model_reloaded_for_inference_takes_no_values_of_the_trained_one():
    got = {s.name: s for s in parse_path(FIXTURES / "hf_reloaded_for_inference.py")}
    trained, clf = got["model"], got["clf"]
    hp = trained.hyperparameters
    assert (hp.learning_rate, hp.batch_size, hp.epochs) == (2e-05, 16, 3)
    assert trained.datasets == ["imdb"]
    # the checkpoint loaded afterwards only predicts: nothing of the Trainer's run is its
    assert clf.hyperparameters.to_dict() == type(clf.hyperparameters)().to_dict()
    assert clf.datasets == []


def test_a_pretrained_network_run_once_beside_a_trained_cnn_is_not_trained_on_its_data():
    got = {s.name: s for s in parse_path(FIXTURES / "torch_pretrained_beside_trained.py")}
    cnn, vgg = got["ConvNet"], got["vgg"]
    assert (cnn.hyperparameters.batch_size, cnn.hyperparameters.epochs, cnn.datasets) == (64, 30, ["cifar10"])
    assert (vgg.hyperparameters.batch_size, vgg.hyperparameters.loss) == (None, None)
    # not the CNN's CIFAR-10: the data of the ImageNet weights it loads, as the spec gives a definition-only model
    assert vgg.datasets == ["imagenet"]


def test_self_supervised_pretraining_is_representation_learning_not_the_datasets_task():
    (got,) = parse_path(FIXTURES / "torch_self_supervised_pair.py")
    # CIFAR-10 votes image classification; SimSiam's name says what is learned: an embedding, no labels
    assert (got.name, got.task, got.datasets) == ("SimSiam", "representation_learning", ["cifar10"])


def test_a_forward_flag_takes_its_default_branch():
    (got,) = parse_path(FIXTURES / "torch_kv_cache_flag.py")
    # forward(..., use_cache=False): the cache's torch.cat and the position counter are not layers
    assert types(got) == ["Embedding", "Embedding", "Add", "Dense", "Dense", "Dense"]


def test_blocks_no_file_reads_as_a_model_are_expanded_where_they_are_used():
    (net,) = parse_files(_repo(FIXTURES / "repo_wrapper_blocks"))
    # nets/blocks.py's classes are parts only (no model of their own): a subclass of nn.Conv2d is a Conv2D,
    # an activation class folds into the layer before, instead of two Custom layers
    assert (net.name, net.source.train_path) == ("Net", "train.py")
    assert types(net) == ["Conv2D", "GlobalAveragePooling2D", "LayerNormalization", "Dense"]
    assert net.layers[2].activation == "sigmoid"


def test_a_factory_of_another_file_choosing_by_flag_trains_each_model_it_can_build():
    got = parse_files(_repo(FIXTURES / "repo_flag_factory"))
    # train.py: net = get_network(args); utils.get_network imports and builds VGG (through vgg11_bn) or MLP
    # by -net: one example per model, each with train.py's values, instead of an opaque get_network
    assert sorted((s.name, s.source.path, s.source.train_path) for s in got) == [
        ("MLP", "models/mlp.py", "train.py"), ("VGG", "models/vgg.py", "train.py")]
    for s in got:
        hp = s.hyperparameters
        assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.1, 128, 200)
        assert s.datasets == ["cifar100"] and NOT_TRAINED not in s.parse.warnings
    assert len({s.id for s in got}) == 2


def test_a_registry_of_model_functions_picked_by_name_trains_each_model():
    got = parse_files(_repo(FIXTURES / "repo_registry_factory"))
    # gnn_model(args.model, ...) picks from {"GCN": GCN, "MLP": MLP}, functions that return GCNNet / MLPNet
    assert sorted((s.name, s.source.train_path, s.hyperparameters.epochs) for s in got) == [
        ("GCNNet", "main_graphs.py", 50), ("MLPNet", "main_graphs.py", 50)]


def test_models_built_in_the_branches_of_an_if_are_each_trained_by_what_follows():
    got = parse_files(_repo(FIXTURES / "repo_branch_models"))
    # which branch runs depends on the environment, at run time: both classes are trained by train.py
    assert sorted((s.name, s.source.train_path) for s in got) == [("DiscretePolicy", "train.py"),
                                                                  ("Policy", "train.py")]
    assert all((s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs)
               == ("adam", 3e-4, 10) for s in got)


def test_a_trainer_class_of_any_library_gives_its_max_epochs():
    (got,) = parse_path(FIXTURES / "torch_monai_supervised_trainer.py")
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 1e-3, 10, 10)


def test_both_splits_of_a_dataset_from_directory_keep_its_batch():
    (got,) = parse_path(FIXTURES / "keras_both_splits_batched.py")
    assert (got.hyperparameters.batch_size, got.hyperparameters.epochs) == (64, 10)


def test_a_training_helper_given_the_model_by_keyword_gives_its_epochs():
    (got,) = parse_files(_repo(FIXTURES / "repo_helper_by_keyword"))
    # engine.train(model=pretrained_vit, ..., epochs=10) of the repository's going_modular/engine.py
    assert (got.name, got.hyperparameters.epochs, got.hyperparameters.learning_rate) == ("pretrained_vit", 10, 1e-3)


def test_runs_repeating_the_whole_training_are_not_its_epochs():
    (got,) = parse_path(FIXTURES / "torch_runs_around_epochs.py")
    # for run in range(args.runs): ... for epoch in range(1, 1 + args.epochs): 200 epochs, run 10 times
    assert got.hyperparameters.epochs == 200


def test_a_replay_buffers_minibatch_is_the_batch_size():
    (got,) = parse_files(_repo(FIXTURES / "repo_replay_batch"))
    # buffer.sample(params['batch_size']) with params = common.HYPERPARAMS['pong'] of lib/common.py
    assert (got.name, got.hyperparameters.batch_size, got.hyperparameters.learning_rate) == ("DQN", 32, 1e-4)


def test_a_minibatch_size_named_for_the_optimisation_is_the_batch_size():
    (got,) = parse_path(FIXTURES / "torch_ppo_minibatch.py")
    assert (got.hyperparameters.batch_size, got.hyperparameters.epochs) == (64, 10)


def test_a_settings_dict_built_with_dict_gives_its_values():
    (lit,) = parse_path(FIXTURES / "torch_lightning_settings_dict.py")
    hp = lit.hyperparameters
    # config = dict(lr=0.1, batch_size=1024, epochs=5): self.lr, the loader's batch and max_epochs read from it
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 0.1, 1024, 5)
    (k,) = parse_path(FIXTURES / "keras_settings_dict.py")
    assert (k.hyperparameters.learning_rate, k.hyperparameters.batch_size, k.hyperparameters.epochs) == (0.003, 64, 7)


def test_wandb_config_holds_the_settings_given_to_wandb_init():
    (t,) = parse_path(FIXTURES / "torch_wandb_config.py")
    # wandb.init(config=config); config = wandb.config; config.batch_size, config.learning_rate, config.epochs
    assert (t.hyperparameters.learning_rate, t.hyperparameters.batch_size, t.hyperparameters.epochs) == (0.1, 128, 5)
    (k,) = parse_path(FIXTURES / "keras_wandb_config.py")
    assert (k.hyperparameters.learning_rate, k.hyperparameters.batch_size, k.hyperparameters.epochs) == (0.01, 16, 4)


def test_a_policy_term_added_to_a_value_loss_is_a_sum_of_several():
    (got,) = parse_path(FIXTURES / "torch_actor_critic_sum.py")
    # -log(pi(a)) * delta + smooth_l1(v, target): the spec's ``other``, not the huber loss alone
    assert got.hyperparameters.loss == "other"


def test_a_registry_picked_by_a_required_option_trains_each_model_it_holds():
    got = parse_files(_repo(FIXTURES / "repo_required_registry"))
    # model_dict[args.model].Model(args), --model required (no default): run.py trains models/a.py's Model or
    # models/b.py's, one example each; the definitions are not examples of their own beside them
    assert sorted((s.source.path, s.source.train_path) for s in got) == [("models/a.py", "run.py"),
                                                                       ("models/b.py", "run.py")]
    assert all((s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs)
               == ("adam", 0.005, 10) for s in got)
    # LTSF-Linear's ``--model`` is required AND has a default: argparse never uses it, each run names the model
    files = _repo(FIXTURES / "repo_required_registry")
    files["run.py"] = files["run.py"].replace(b'required=True, help="a or b"', b'required=True, default="a"')
    assert b'default="a"' in files["run.py"]
    got = parse_files(files)
    assert sorted((s.source.path, s.source.train_path) for s in got) == [("models/a.py", "run.py"),
                                                                       ("models/b.py", "run.py")]
    # an option that is not required picks its default's class alone
    files["run.py"] = files["run.py"].replace(b'required=True, default="a"', b'default="a"')
    got = parse_files(files)
    assert [(s.source.path, s.source.train_path) for s in got if s.source.train_path] == [("models/a.py", "run.py")]


def test_flag_defaults_a_file_sees_through_opt_are_no_training_of_its_own():
    got = {s.name: s for s in parse_files(_repo(FIXTURES / "repo_flag_leak"))}
    # net/Layers.py's blocks and net/model.py's Net read opt.d_model: the repository's -lr default reached them,
    # and made each look trained. Net is main.py's; the blocks are parts; Spare is untrained, with no value
    assert sorted(got) == ["Net", "Spare"]
    assert got["Net"].source.train_path == "main.py" and got["Net"].hyperparameters.learning_rate == 1e-5
    assert NOT_TRAINED in got["Spare"].parse.warnings and got["Spare"].hyperparameters.learning_rate is None


def test_a_settings_class_given_by_tyro_gives_a_jax_scripts_values():
    (got,) = parse_path(FIXTURES / "jax_tyro_dqn.py")
    # args = tyro.cli(Args) of a dataclass: optax.adam(learning_rate=args.learning_rate), rb.sample(args.batch_size),
    # and the squared error of the mse_loss nested in the jitted update
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.loss) == ("adam", 1e-4, 32, "mse")


def test_a_variable_bound_again_to_another_model_keeps_each_models_data_and_loader():
    got = {s.name: s for s in parse_path(FIXTURES / "torch_notebook_rebound_model.py")}
    # model = nn.Linear(1, 1) fitted on typed points through loader (batch 3); then model = WineNet() and loader
    # bound again (batch 16) for the wine data: neither model takes the other's data or batch
    assert got["model"].datasets == ["synthetic"] and got["model"].hyperparameters.batch_size == 3
    assert got["WineNet"].datasets == ["wine"] and got["WineNet"].hyperparameters.batch_size == 16


def test_each_lightning_model_takes_the_trainer_and_data_module_that_fit_it():
    got = {s.name: s.hyperparameters for s in parse_path(FIXTURES / "lightning_two_trainers.py")}
    # LitDigits: Trainer(max_epochs=2) and its own loader (128); LitFashion: Trainer(max_epochs=5) and
    # FashionData(batch_size=32), not the first trainer's epochs or the first loader's batch
    assert (got["LitDigits"].epochs, got["LitDigits"].batch_size) == (2, 128)
    assert (got["LitFashion"].epochs, got["LitFashion"].batch_size) == (5, 32)


def test_a_builder_taken_through_a_wildcard_import_is_one_example_with_its_training():
    got = parse_files(_repo(FIXTURES / "repo_star_builder"))
    # fit.py: from net import * then model = small_unet(); model.fit(..., epochs=7). net.py's builder compiles
    # what it returns (an optimizer, no run of its own): one example, joined, not also the bare definition
    assert [(s.source.path, s.source.train_path) for s in got] == [("net.py", "fit.py")]
    assert (got[0].hyperparameters.optimizer, got[0].hyperparameters.learning_rate, got[0].hyperparameters.epochs) \
        == ("adam", 3e-4, 7)


def test_an_agent_class_takes_the_values_it_is_constructed_with():
    (got,) = parse_path(FIXTURES / "torch_agent_constructor.py")
    # Agent(3, 1, lr=LR_ACTOR, batch_size=BATCH): its __init__ makes Adam(..., lr=lr), not the default 1e-3
    assert (got.hyperparameters.learning_rate, got.hyperparameters.batch_size) == (3e-4, 256)


def test_settings_a_function_returns_reach_the_agent_built_with_them():
    (got,) = parse_path(FIXTURES / "torch_agent_settings.py")
    # cfg = get_args() returning {**vars(args)}; Learner(cfg) builds RMSprop(lr=cfg["policy_lr"]) and samples
    # cfg["batch_size"]; the loop over cfg["train_eps"] counts episodes (steps), not epochs
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.steps) == ("rmsprop", 5e-4, 96, None, 250)


def test_a_lightning_module_fitted_by_another_file_takes_its_trainer_and_imported_data_module():
    got = parse_files(_repo(FIXTURES / "repo_lightning_modules"))
    # train.py: Trainer(max_epochs=6).fit(model=net, datamodule=dm), dm = data.py's DigitData("./data") with its
    # default batch_size 48; models.py's configure_optimizers is no run of its own: one joined example
    assert [(s.source.path, s.source.train_path) for s in got] == [("models.py", "train.py")]
    hp = got[0].hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adam", 5e-4, 48, 6)
    assert got[0].datasets == ["mnist"]


def test_a_keras_hub_task_model_fed_by_a_repository_data_function_is_read():
    (got,) = parse_files(_repo(FIXTURES / "repo_keras_hub_finetune"))
    # keras_hub's ImageClassifier around Backbone.from_preset(...) is a pretrained network (its preprocessor is not
    # a model); D.flower_batches(24, ...) binds data.py's batch_size parameter: the fit's data comes in 24s
    assert [x.type for x in got.layers] == ["Pretrained"]
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.01, 24, 4)


def test_a_module_list_of_deep_copies_holds_the_copied_block():
    (got,) = parse_path(FIXTURES / "torch_deepcopy_layers.py")
    # Stack: nn.ModuleList([copy.deepcopy(block) for _ in range(n)]) (vendored BERT encoders build so); the block is
    # read, not left Custom
    assert [x.type for x in got.layers] == ["Embedding", "Dense", "Add", "LayerNormalization", "Dense"]


def test_a_trainer_class_building_a_wildcard_imported_network_is_read_in_its_own_file_only():
    got = parse_files(_repo(FIXTURES / "repo_star_trainer_class"))
    # runner.py's Runner builds Critic (from nets import *) and trains it: one example joined there; main.py only
    # runs the Runner and is not read as a second training of Critic
    assert [(s.source.path, s.source.train_path) for s in got] == [("nets.py", "runner.py")]


def test_a_loop_whose_step_a_setting_leaves_zero_until_run_time_is_no_error():
    (got,) = parse_path(FIXTURES / "torch_tyro_runtime_zero.py")
    # Args.minibatch_size = 0 is computed in __main__ (cleanrl's PPO scripts): range(0, n, 0) is no count
    assert not any(w.startswith("internal error") for w in got.parse.warnings)
    assert (got.hyperparameters.learning_rate, got.hyperparameters.epochs) == (3e-4, 4)


def test_models_an_experiment_class_picks_by_a_chain_of_ifs_are_each_trained_there():
    got = parse_files(_repo(FIXTURES / "repo_exp_if_chain"))
    # exp/runner.py: if self.model_name == "Alpha": self.model = Alpha(args) / if ... "Beta": ... (separate ifs on
    # one flag), the names taken through models/__init__.py's wildcard imports; trained by Exp.train with main.py's
    # flag defaults: each model once, joined with the runner
    assert sorted((s.source.path, s.source.train_path) for s in got) == [("models/alpha.py", "exp/runner.py"),
                                                                       ("models/beta.py", "exp/runner.py")]
    assert all((s.hyperparameters.learning_rate, s.hyperparameters.epochs, s.hyperparameters.loss)
               == (0.003, 7, "mse") for s in got)


def test_a_block_that_sees_the_repositorys_settings_is_still_a_block():
    got = parse_files(_repo(FIXTURES / "repo_vendored_blocks"))
    # lib/modeling.py's __main__ batches toy data (a batch size, no optimizer) and smoke-tests TinyLayer: TinyLayer,
    # a part of TinyModel with no optimizer of its own, is no example (vendored transformers' layers saw batches so)
    assert [s.name for s in got] == ["TinyModel"]


def test_a_block_shown_on_its_own_before_the_network_that_holds_it_is_no_example():
    got = parse_path(FIXTURES / "torch_block_demo_then_network.py")
    # ffn = PositionalFFN(4, 8) only prints a shape; Encoder holds a PositionalFFN and is trained: one example
    assert [s.name for s in got] == ["Encoder"]


def test_a_notebooks_shell_lines_that_fetch_data_name_it():
    (got,) = parse_path(FIXTURES / "torch_notebook_wget_data.ipynb")
    # !wget .../cifar-100-python.tar.gz then ImageFolder('data/train'): the data is CIFAR-100, not a folder of
    # one's own; the model's lines still point at the notebook's stored lines
    assert got.datasets == ["cifar100"]
    assert got.source.line_start is not None and got.hyperparameters.batch_size == 50


def test_an_elif_chain_of_builders_with_one_built_branch_trains_each_model_once():
    got = parse_files(_repo(FIXTURES / "repo_elif_chain_builders"))
    # train.py picks by --net in an if/elif chain; one branch builds timm's ViT here: the other branches' classes are
    # still trained there (ResNet18() and ResNet34() are one training of ResNet); --n_epochs type=int, default="150"
    where = sorted((s.source.path, s.source.train_path) for s in got)
    assert where == [("models/mixer.py", "train.py"), ("models/resnet.py", "train.py"), ("train.py", None)]
    assert all((s.hyperparameters.optimizer, s.hyperparameters.learning_rate, s.hyperparameters.epochs)
               == ("adam", 3e-4, 150) for s in got)


def test_a_keras_model_trained_by_a_helper_of_another_file_called_in_its_main_guard():
    (got,) = parse_files(_repo(FIXTURES / "repo_keras_helper_below"))
    # train_model(model, 3, epochs=400, batch_size=64) of utils/keras_utils.py compiles (Adam at its default rate)
    # and fits: its code is read with the call's arguments, though it comes below the file's own
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == \
        ("adam", 1e-3, 64, 400, "categorical_crossentropy")
    assert got.task != "image_segmentation"  # LSTM-FCN is a time-series classifier, not a segmentation FCN


def test_optimizers_of_other_libraries_a_keras_model_compiles_with():
    got = {s.name: s.hyperparameters for s in parse_path(FIXTURES / "keras_private_and_addons_optimizers.py")}
    # tensorflow_privacy's DPKerasSGDOptimizer(learning_rate=0.25) is SGD; tensorflow_addons' AdamW is AdamW
    assert (got["model"].optimizer, got["model"].learning_rate) == ("sgd", 0.25)
    assert (got["model2"].optimizer, got["model2"].learning_rate) == ("adamw", 3e-4)
    # a PyTorch optimizer of the same notebook trains no Keras model
    assert (got["model3"].optimizer, got["model3"].learning_rate) == ("rmsprop", None)


def test_library_parts_layer_named_classes_and_converted_checkpoints_are_no_examples():
    got = parse_files(_repo(FIXTURES / "repo_parts_by_name"))
    # fairseq/modules/ holds a library's parts; CoordConv1d is named for a layer; a conversion tool's
    # BertModel.from_pretrained is weights to convert: none is an example. SpeechClassifier, never trained, is one
    assert [s.name for s in got] == ["SpeechClassifier"] and NOT_TRAINED in got[0].parse.warnings


def test_a_transformers_tf_backbone_inside_a_keras_model_is_its_first_layer():
    (got,) = parse_path(FIXTURES / "keras_tf_transformers_backbone.py")
    # bert = TFAutoModel.from_pretrained(...); bert.bert(input_ids, attention_mask=mask)[1] feeds the Dense head
    assert [x.type for x in got.layers] == ["Pretrained", "Dense", "Dense"]


def test_a_progress_bar_around_the_epoch_range_keeps_the_epochs():
    (got,) = parse_path(FIXTURES / "keras_tape_tqdm_epochs.py")
    # for epoch in tqdm(range(10)): a GradientTape step per batch; tqdm passes the range through
    assert got.hyperparameters.epochs == 10


def test_flags_parsed_in_another_file_and_a_repository_loss_reach_a_keras_training():
    (got,) = parse_files(_repo(FIXTURES / "repo_keras_args_module"))
    # from argparser import args (defaults from settings.py); compile(loss=dice_loss) of model.py, written by hand
    hp = got.hyperparameters
    assert (got.source.train_path, hp.batch_size, hp.epochs, hp.loss) == ("train.py", 8, 40, "other")


def test_a_training_helper_reached_through_a_function_of_the_file_gives_its_epochs():
    (got,) = parse_path(FIXTURES / "torch_helper_through_a_function.py")
    # train_fine_tuning(scratch_net, optimizer) runs d2l.train(..., net, ..., num_epochs) with num_epochs=5
    assert (got.hyperparameters.epochs, got.hyperparameters.batch_size) == (5, 128)


def test_each_model_a_helper_trains_takes_its_own_calls_epochs_and_loader():
    got = {s.name: s.hyperparameters for s in parse_path(FIXTURES / "torch_helper_two_calls.py")}
    # train_network(first, ..., small_loader, epochs=1) then train_network(second, ..., seg_loader, epochs=10)
    assert (got["first"].epochs, got["first"].batch_size) == (1, 128)
    assert (got["second"].epochs, got["second"].batch_size) == (10, 16)


def test_a_linear_regression_written_with_its_own_parameters_is_a_dense_layer():
    (got,) = parse_path(FIXTURES / "torch_handwritten_linear.py")
    # nn.Parameter weights and bias, forward: self.weights * x + self.bias (a course's first model)
    assert [x.type for x in got.layers] == ["Dense"]


def test_a_loop_named_for_epochs_wins_over_an_unnamed_loop_around_it():
    (got,) = parse_path(FIXTURES / "torch_split_loop_then_epochs.py")
    # for i in range(2) (data splits) around for epoch in range(num_epoch): 20 epochs, not 2
    assert got.hyperparameters.epochs == 20


def test_a_raw_tf_loss_held_by_an_attribute_is_read_where_it_is_minimized():
    (got,) = parse_path(FIXTURES / "tf_attribute_loss_minimized.py")
    # self.loss = tf.reduce_mean(tf.squared_difference(...)); RMSPropOptimizer(lr).minimize(self.loss): mse
    assert (got.hyperparameters.optimizer, got.hyperparameters.loss) == ("rmsprop", "mse")


def test_numbers_drawn_by_an_imported_random_function_are_synthetic_data():
    (got,) = parse_path(FIXTURES / "torch_imported_random_data.py")
    # from numpy.random import random; x = random((30, 2)): the data is drawn, not a benchmark a README names
    assert got.datasets == ["synthetic"]


def test_a_class_named_in_full_through_a_dotted_module_import_is_a_part_expanded_in_place():
    (got,) = parse_files(_repo(FIXTURES / "repo_dotted_parts"))
    # import captioning.decoders.plain; self.decoder = captioning.decoders.plain.WordDecoder(...) in Captioner:
    # WordDecoder is a part, expanded where Captioner holds it, and no example of its own
    assert (got.name, got.source.train_path) == ("Captioner", "train.py")
    assert types(got) == ["Dense", "Embedding", "LSTM", "Dense"]


def test_each_branch_builds_the_class_its_own_import_binds_and_an_uncalled_factory_is_a_definition():
    got = {s.source.path: s for s in parse_files(_repo(FIXTURES / "repo_branch_imports"))}
    # ``from models.vit import ViT`` at the top, ``from models.vit_small import ViT`` inside one branch: each
    # branch trains its own ViT; ``def Mixer(dim, depth): return nn.Sequential(...)`` is joined where it is called
    assert sorted(got) == ["models/mixer.py", "models/vit.py", "models/vit_small.py"]
    assert "LayerNormalization" in types(got["models/vit.py"]) and "Dropout" in types(got["models/vit_small.py"])
    assert types(got["models/mixer.py"]) == ["Conv2D", "BatchNormalization", "GlobalAveragePooling2D", "Flatten",
                                             "Dense"]
    assert all(s.source.train_path == "train.py" and s.hyperparameters.epochs == 50 for s in got.values())


def test_pooling_and_lora_classes_nothing_trains_are_parts_not_examples():
    got = parse_files(_repo(FIXTURES / "repo_part_names"))
    # MaskedAvgPool1d (a pooling utility) and LinearWithLoRAMerged (a layer wrapper) are parts, and so are the
    # LoRA classes of the training file that swaps them into the graph classifier; the positional encoder,
    # never trained, is a definition (an encoder nothing uses is labelled so)
    assert sorted(s.name for s in got) == ["GraphClassifier", "SignNetNodeEncoder"]
    assert [s.source.train_path for s in got if s.name == "GraphClassifier"] == ["finetune/lora_train.py"]


def test_a_one_layer_model_built_to_show_its_shapes_is_no_example():
    got = parse_files({"rnn_shapes.py": (FIXTURES / "keras_one_layer_shape_demo.py").read_bytes()})
    # Sequential() + one SimpleRNN, then summary(): shape demonstrations; the stack of two stays (a definition)
    assert [types(s) for s in got] == [["SimpleRNN", "SimpleRNN"]]


def test_a_pretrained_model_only_asked_takes_no_data_and_no_loss_from_its_evaluation():
    (got,) = parse_path(FIXTURES / "torch_pretrained_asked_only.py")
    # gpt2 from_pretrained, scored with a CrossEntropyLoss on boolq questions and generating text: nothing trains it
    assert got.datasets == [] and got.hyperparameters.loss is None


def test_a_raw_tf_network_built_again_for_its_target_copy_counts_once():
    (got,) = parse_path(FIXTURES / "tf_eval_and_target_nets.py")
    # build_net(s, "eval_net") and build_net(s_, "target_net"): one network, not two; nor is the TD target
    # r + GAMMA * max(q_next) a layer of it
    assert types(got) == ["Dense", "Dense", "Dense"]
    assert (got.hyperparameters.optimizer, got.hyperparameters.loss) == ("rmsprop", "mse")


def test_the_full_sum_a_model_trains_on_after_a_warm_up_is_its_loss():
    got = {s.name: s.hyperparameters.loss for s in parse_path(FIXTURES / "torch_warmup_then_sum_loss.py")}
    # loss_pixel.backward() for five warm-up epochs, then (loss_pixel + 0.005 * loss_gan).backward(): a sum of
    # several, which the spec calls other
    assert got == {"generator": "other", "discriminator": "binary_crossentropy"}


def test_a_loaders_batch_for_a_forward_pass_is_no_training_value():
    (got,) = parse_path(FIXTURES / "torch_forward_over_loader_only.py")
    # DataLoader(batch_size=1024) feeds model(batch) under no_grad; nothing in the file trains the model
    assert got.hyperparameters.batch_size is None


def test_a_captioner_trained_on_coco_keeps_the_task_its_definition_names():
    (got,) = parse_files(_repo(FIXTURES / "repo_captioner_on_coco"))
    # model.py's HybridModel has get_caption (a CNN feeding an LSTM over words); train.py fits it on COCO,
    # whose default task (detection) would otherwise win
    assert (got.task, got.datasets, got.source.train_path) == ("image_captioning", ["coco"], "train.py")


def test_a_factory_builds_the_branch_its_flags_default_picks():
    got = {s.name: s for s in parse_files(_repo(FIXTURES / "repo_factory_flag_default"))}
    # net_factory(net_type=args.model) with --model enet; get_network(args) reading args.net, --net resnet:
    # each script trains the model its default picks; the other branches' models are definitions
    assert (got["ENet"].source.train_path, got["ENet"].hyperparameters.batch_size) == ("train_seg.py", 12)
    assert (got["ResNet"].source.train_path, got["ResNet"].hyperparameters.epochs) == ("train_cls.py", 200)
    assert NOT_TRAINED in got["UNet"].parse.warnings and NOT_TRAINED in got["VGG"].parse.warnings


def test_a_loader_given_a_batch_sampler_takes_the_samplers_batch():
    got = parse_files({"train.py": (FIXTURES / "torch_batch_sampler_loader.py").read_bytes()})
    # DataLoader(train_set, batch_sampler=TwoStreamBatchSampler(a, b, batch_size, ...)) with --batch_size 24
    # iterated by training; the validation loader's batch_size=1 is not the training's
    assert [s.hyperparameters.batch_size for s in got] == [24]


def test_a_parameter_typed_with_a_settings_class_holds_its_defaults():
    (got,) = parse_path(FIXTURES / "torch_pyrallis_typed_config.py")
    # @pyrallis.wrap() def train(config: TrainConfig), called with no arguments: Adam(..., config.qf_lr)
    assert (got.hyperparameters.learning_rate, got.hyperparameters.batch_size) == (3e-4, 256)


def test_a_head_given_labels_computes_the_loss_and_a_bert_port_optimizer_is_adamw():
    (got,) = parse_files(_repo(FIXTURES / "repo_head_loss_bertadam"))
    # loss, _ = model(input_ids, label_ids); loss.mean().backward(): the CrossEntropyLoss of modeling.py's
    # forward; BERTAdam of the repository's optimization.py is Adam with the weight-decay fix
    hp = got.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.loss) == ("adamw", 5e-5, "categorical_crossentropy")


def test_a_class_on_a_project_base_holding_only_another_files_network_is_a_model():
    (got,) = parse_files(_repo(FIXTURES / "repo_project_base_parts"))
    # FwdDiffusion(BaseModule) of model/vc.py holds model/encoder.py's MelEncoder and no torch layer of its own:
    # it is the network train_enc.py trains, expanded
    assert (got.name, got.source.path, got.source.train_path) == ("FwdDiffusion", "model/vc.py", "train_enc.py")
    assert types(got) == ["Conv1D", "BatchNormalization", "Conv1D"]


def test_a_torchvision_backbone_loaded_with_its_weights_and_not_trained_has_their_dataset():
    (got,) = parse_path(FIXTURES / "torch_pretrained_vgg_traced.py")
    # models.vgg16(pretrained=True) traced for serving: a definition-only model with ImageNet weights
    assert got.datasets == ["imagenet"]


def test_a_flax_block_stacked_by_nnx_sequential_is_no_example():
    got = parse_path(FIXTURES / "jax_blocks_in_nnx_sequential.py")
    # nnx.Sequential(NoisyLinear(4, 8), NoisyLinear(8, 2)): the blocks are that stack's layers; MLP is trained
    assert [s.name for s in got] == ["MLP"]


def test_layers_wrapped_in_weight_norm_or_spectral_norm_are_read():
    (got,) = parse_path(FIXTURES / "torch_weight_norm_layers.py")
    # weight_norm(nn.Conv1d(...)), nn.utils.weight_norm(nn.ConvTranspose1d(...)), spectral_norm(nn.Conv1d(...))
    assert types(got) == ["Conv1D", "Conv1DTranspose", "Conv1D"]


def test_a_custom_keras_layer_returning_extras_is_expanded_in_the_model_and_no_example():
    got = parse_path(FIXTURES / "keras_layer_class_in_functional_model.py")
    # x, attention_scores = TransformerBlock(...)(x): the block's layers are the model's; the layer class, whose
    # call() builds them, is a part, not an example of its own
    assert [(s.name, types(s)) for s in got] == [("model", [
        "Embedding", "MultiHeadAttention", "Dropout", "Add", "LayerNormalization", "Dense", "Dense", "Dropout",
        "Add", "LayerNormalization", "Dense"])]


def test_weights_a_layer_demo_a_pipeline_component_an_encoding_and_a_regularizer_are_no_examples():
    got = parse_files(_repo(FIXTURES / "repo_not_networks"))
    # state_dict = load_state_dict_from_url(...) (weights), embedding_layer = nn.Embedding(10, 3) (a layer shown on
    # its own), unet handed to DiffusionPipeline.from_pretrained(..., unet=unet), PositionEmbeddingLearned (a
    # transformer's positional encoding) and CO2Regularizer (a loss term): only MobileNet is a network
    assert [(s.name, s.source.path) for s in got] == [("MobileNet", "mobilenet.py")]


def test_statistics_an_input_is_normalised_by_are_no_pooling_and_no_residual():
    forecaster, squeeze = parse_path(FIXTURES / "torch_forecaster_instance_norm.py")
    # mu = x.mean(1, keepdim=True); x = x - mu; ...; y = y + mu[...]: instance normalisation written as maths
    assert types(forecaster) == ["Dense", "Dense"]
    # s = x.mean((2, 3), keepdim=True) fed to a Linear: a squeeze, still a pooling
    assert types(squeeze) == ["Conv2D", "GlobalAveragePooling2D", "Flatten", "Dense", "GlobalAveragePooling2D", "Dense"]


def test_pubmed_articles_to_summarize_are_scientific_papers_not_the_citation_graph():
    (got,) = parse_path(FIXTURES / "hf_led_scientific_papers.py")
    # load_dataset("scientific_papers", "pubmed"): the long-document summarization set, not Planetoid's PubMed
    assert (got.task, got.datasets) == ("summarization", ["scientific_papers"])


def test_data_folders_and_files_named_for_a_benchmark_name_it():
    folder = FIXTURES / "named_data_folders"
    got = {p.name: parse_path(p)[0] for p in sorted(folder.glob("*.py"))}
    assert got["dogcat_transfer.py"].datasets == ["cats_vs_dogs"]  # "dogcat-data/train"
    # --dataset UCSD_P2_256: the UCSD Ped2 surveillance videos, and the task is the benchmark's
    assert (got["memory_ae.py"].datasets, got["memory_ae.py"].task) == (["ucsd_ped2"], "anomaly_detection")


def test_repository_blocks_built_from_blocks_they_are_given_are_expanded_with_them():
    (got,) = parse_files(_repo(FIXTURES / "repo_blocks_given_blocks"))
    # Encoder([EncoderLayer(Projected(SparseScores(5), ...), ...) for ...], norm_layer=nn.LayerNorm(...)), all
    # of layers/: each block is read with the blocks this call gives it. SparseScores has no weights and
    # computes attention by hand (its helper's max and sum are no pooling): one Attention. SinusoidalPosition
    # keeps only a buffer: nothing trained, no layer (its sum with the values is the Add)
    assert (got.name, types(got)) == ("Forecaster", [
        "Conv1D", "Add", "Dropout", "Dense", "Dense", "Dense", "Attention", "Dense", "Dropout", "Add",
        "LayerNormalization", "Conv1D", "Dropout", "Conv1D", "LayerNormalization", "Dense"])
    assert got.layers[11].activation == "gelu"


def test_a_blocks_forward_takes_the_branch_its_call_names():
    (got,) = parse_path(FIXTURES / "torch_block_mode_argument.py")
    # self.block1(x, pool_type="max") then self.block2(x) with forward(..., pool_type="avg"): one pooling each,
    # not the layers of every branch of the block
    assert types(got) == ["Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "BatchNormalization",
                          "AveragePooling2D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Dense"]


def test_a_keras_model_fitted_through_its_scikit_learn_wrapper_takes_that_fit():
    (got,) = parse_path(FIXTURES / "keras_sklearn_wrapper_fit.py")
    # regressor = KerasRegressor(build_model); regressor.fit(..., epochs=100, batch_size=64)
    assert (got.name, got.hyperparameters.epochs, got.hyperparameters.batch_size) == ("model", 100, 64)


def test_a_transformer_built_from_a_checkpoint_is_pretrained_and_a_keras_like_fit_gives_epochs():
    (got,) = parse_path(FIXTURES / "torch_bert4torch_checkpoint_fit.py")
    # build_transformer_model(config_path=..., checkpoint_path=...): the pretrained BERT; model.fit(..., epochs=20)
    assert types(got) == ["Pretrained", "Dropout", "Dense"]
    assert (got.hyperparameters.epochs, got.task) == (20, "text_classification")


def test_a_model_a_script_picks_from_a_modules_dict_by_its_flag_is_joined_and_trained_there():
    got = parse_files(_repo(FIXTURES / "repo_model_by_dict_key"))
    # models_mae.__dict__[args.model](...) with --model mae_base, an alias of a factory that returns through a
    # name (model = MaskedAE(...); return model); AdamW over param_groups_lrd(model_without_ddp) trains the
    # model (the function gives parameters, it is no network); PatchEmbedWide set into the model is a part
    assert [(s.name, s.source.path, s.source.train_path) for s in got] == [
        ("MaskedAE", "models_mae.py", "main_pretrain.py")]
    hp = got[0].hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("adamw", 1.5e-4, 64, 400)


def test_one_hot_labels_times_log_probabilities_written_by_hand_is_categorical_cross_entropy():
    (got,) = parse_path(FIXTURES / "tf_softmax_regression_by_hand.py")
    # -tf.reduce_mean(Y_ * tf.log(Y)) * 1000.0 over a softmax: categorical, not binary (no (1 - y) term)
    assert (got.hyperparameters.loss, got.hyperparameters.batch_size) == ("categorical_crossentropy", 100)


_BLOCKS = b"""
import torch.nn as nn
import torch.nn.functional as F

WIDTH = 512


class Base(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.proj = nn.Linear(d, d)


class Pool(Base):
    def forward(self, x, pool_type="avg"):
        x = self.proj(x)
        if pool_type == "max":
            return F.max_pool1d(x, 2)
        return F.avg_pool1d(x, 2)


class Enc(nn.Module):
    def __init__(self, d=WIDTH, pool=Pool):
        super().__init__()
        self.pool = pool(d)
        self.norm = nn.LayerNorm(d)

    def forward(self, x):
        return self.norm(self.pool(x, pool_type="max"))


class Stack(nn.Module):
    def __init__(self, block, width):
        super().__init__()
        self.block = block(width)

    def forward(self, x):
        return self.block(x)
"""

_TRAIN = b"""
import torch
import torch.nn as nn

from blocks import Enc, Stack

WIDTH = 64
HIDDEN = 128


class Pool(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.conv = nn.Conv1d(d, d, 3)

    def forward(self, x):
        return self.conv(x)


class Mine(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.up = nn.Linear(width, HIDDEN)
        self.down = nn.Linear(HIDDEN, width)

    def forward(self, x):
        return self.down(self.up(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = Enc()
        self.mine = Stack(Mine, 32)
        self.fc = nn.Linear(WIDTH, 10)

    def forward(self, x):
        return self.fc(self.mine(self.enc(x)))


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
"""


def test_a_block_of_another_file_is_read_in_its_own_files_names_and_one_of_this_file_in_this_ones():
    got = {s.name: s for s in parse_files({"blocks.py": _BLOCKS, "train.py": _TRAIN})}
    net = got["Net"]
    # Enc(): its default d=WIDTH is blocks.py's 512 and pool=Pool is blocks.py's Pool, whose base's __init__
    # builds the Linear and whose inherited forward takes the max branch the call names; Stack(Mine, 32) builds
    # train.py's Mine, whose HIDDEN is train.py's 128
    assert [(x.type, x.args.get("units") or x.args.get("normalized_shape")) for x in net.layers] == [
        ("Dense", 512), ("MaxPooling1D", None), ("LayerNormalization", 512), ("Dense", 128), ("Dense", 32),
        ("Dense", 10)]


def test_a_network_set_on_a_plain_object_stays_a_model_and_a_factory_named_for_params_is_joined():
    agent = parse_files({"agent.py": b"""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 2)

    def forward(self, x):
        return self.fc(x)


class Agent:
    pass


agent = Agent()
agent.net = Net()
opt = torch.optim.Adam(agent.net.parameters(), lr=1e-3)
for epoch in range(5):
    loss = agent.net(torch.randn(4, 10)).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
"""})
    # agent.net = Net(): Agent is no network, so Net is not a part of one
    assert [(s.name, s.hyperparameters.epochs) for s in agent] == [("Net", 5)]
    factory = parse_files({"models.py": b"""
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.fc = nn.Linear(8, width)

    def forward(self, x):
        return self.fc(x)


def model_from_params(params):
    return Net(params["width"])
""", "train.py": b"""
import torch

from models import model_from_params

model = model_from_params({"width": 4})
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    optimizer.zero_grad()
    model(torch.randn(2, 8)).sum().backward()
    optimizer.step()
"""})
    # model_from_params is a factory, not a function that gathers an optimizer's parameter groups
    assert [(s.name, s.source.train_path, s.hyperparameters.optimizer) for s in factory] == [("Net", "train.py", "sgd")]


def test_layers_a_statistic_is_computed_from_stay_and_a_policy_gradient_written_by_hand_is_no_cross_entropy():
    got = parse_path(FIXTURES / "torch_forecaster_instance_norm.py")[0]  # (the statistics of the input itself)
    assert types(got) == ["Dense", "Dense"]
    (proj,) = parse_files({"m.py": b"""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(8, 32)
        self.proj = nn.Linear(32, 32)
        self.out = nn.Linear(32, 2)

    def forward(self, x):
        h = self.inp(x)
        mu = self.proj(h).mean(dim=1, keepdim=True)
        return self.out(h - mu)


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
"""})
    # mu = self.proj(h).mean(...): the projection is applied, the mean is no pooling
    assert types(proj) == ["Dense", "Dense", "Dense"]
    from corpus.readers.keras_interp import hand_loss
    assert hand_loss("-tf.reduce_mean(log_prob * advantages)") == "other"
    assert hand_loss("-tf.reduce_mean(tf.log(pi) * discounted_rewards)") == "other"
    assert hand_loss("return -tf.reduce_mean(y * tf.log(p))") == "categorical_crossentropy"


def test_a_keras_like_fit_of_another_model_gives_this_one_no_epochs():
    (_, net) = parse_files({"m.py": b"""
import numpy as np
import torch
import torch.nn as nn
from tensorflow import keras

X, Y = np.random.rand(100, 4), np.random.randint(0, 3, 100)
baseline = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
baseline.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
baseline.fit(X, Y, epochs=50)

net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
for step in range(1000):
    opt.zero_grad()
    nn.functional.cross_entropy(net(torch.tensor(X).float()), torch.tensor(Y)).backward()
    opt.step()
"""})
    assert (net.name, net.hyperparameters.epochs, net.hyperparameters.steps) == ("net", None, 1000)


def test_a_hub_text_embedding_has_no_imagenet_weights_and_a_named_ner_corpus_beats_a_readme():
    (hub,) = parse_path(FIXTURES / "keras_hub_text_embedding.py")
    # hub.KerasLayer(".../gnews-swivel-20dim/1"): a text embedding, not an ImageNet backbone
    assert (hub.datasets, hub.task) == ([], "text_classification")
    from corpus.readers.parser import parse_bytes
    data = (FIXTURES / "torch_ner_people_daily.py").read_bytes()
    # the data path names the People's Daily corpus; a collection README naming only alpaca does not
    (ner,) = parse_bytes(data, "examples/ner.py", context_text="Examples: instruction tuning on alpaca, and more.")
    assert (ner.datasets, ner.task) == (["people_daily_ner"], "sequence_labeling")


def test_a_loop_over_a_list_of_different_layers_applies_each_and_one_of_copies_counts_once():
    got = parse_path(FIXTURES / "torch_layers_list_loop.py")
    # for l in self.layers: x = l(x) over [nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10)] (a list or a ModuleList)
    assert [types(s) for s in got] == [["Dense", "Dense"], ["Dense", "Dense"]]
    (stack,) = parse_files({"m.py": b"""
import torch
import torch.nn as nn


class Deep(nn.Module):
    def __init__(self, h=64, n=4):
        super().__init__()
        self.hidden = nn.ModuleList([nn.Linear(h, h) for _ in range(n)])
        self.out = nn.Linear(h, 1)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.relu(layer(x))
        return self.out(x)


model = Deep()
opt = torch.optim.Adam(model.parameters())
"""})
    # n copies of one Linear(h, h) in a loop: one layer, as the spec counts a layer applied in a loop
    assert types(stack) == ["Dense", "Dense"]


def test_what_forward_computes_its_loss_from_is_no_layer():
    tagger, scorer = parse_path(FIXTURES / "torch_loss_in_forward.py")
    # loss = sum(loss_fct(lg.view(-1, n), labels[:, i].reshape(-1)) ...) and loss = ce(out.view(-1, 4), ...) + ...:
    # no Flatten, Reshape or Add of the network
    assert types(tagger) == ["Embedding", "LSTM", "Dropout", "Dense"]
    assert types(scorer) == ["Dense"]


def test_a_keras_helpers_optional_layer_is_left_out_where_its_parameter_keeps_its_none_default():
    (got,) = parse_path(FIXTURES / "keras_block_optional_dropout.py")
    # block(inp, 32) leaves dropout_rate=None: `if dropout_rate:` adds nothing; block(x, 64, dropout_rate=0.5) adds it
    assert types(got) == ["Conv2D", "Conv2D", "Dropout", "Flatten", "Dense"]


def test_a_network_built_again_untrained_in_one_file_is_one_example():
    """A doc builds ``models.resnet18()`` in each snippet and a notebook reloads a checkpoint to look at it:
    one example per network; a trained copy is the one kept. Two classes alike stay two."""
    from corpus.readers.parser import parse_bytes

    doc = (b"import torch\nimport torchvision.models as models\n\nmodel = models.resnet18()\nprint(model)\n\n"
           b"model = models.resnet18()\nmodel.eval()\n\nmodel = models.resnet18()\n")
    assert len(parse_bytes(doc, "profiler.py")) == 1
    nb = (b"from transformers import AutoModelForCausalLM, Trainer, TrainingArguments\n"
          b"base_model = AutoModelForCausalLM.from_pretrained('google/gemma-3-270m-it')\nprint(base_model.dtype)\n"
          b"base_model = AutoModelForCausalLM.from_pretrained('google/gemma-3-270m-it')\n"
          b"Trainer(model=base_model, args=TrainingArguments(output_dir='o', num_train_epochs=2)).train()\n")
    (s,) = parse_bytes(nb, "finetune.py")
    assert s.hyperparameters.epochs == 2
