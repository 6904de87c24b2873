"""Blocks that are parts of another network of the repository are expanded there, not examples of their own,
however the network names them (fixtures: tests/fixtures/repo_parts/)."""

from __future__ import annotations

from pathlib import Path

from corpus.readers.repository import parse_files

FIX = Path(__file__).parent / "fixtures" / "repo_parts"


def _repo(name: str) -> dict[str, bytes]:
    root = FIX / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_block_held_by_a_subclass_of_a_network_class_is_a_part():
    # FusedHead is written on AbstractHead, itself an nn.Module: the fusion block it holds is a part
    got = {s.name: [x.type for x in s.layers] for s in parse_files(_repo("subclass_part"))}
    assert "PairFusion" not in got
    assert got["FusedHead"] == ["Dropout", "Dense", "Dropout", "Dense", "Dense"]


def test_a_name_the_package_does_not_re_export_means_its_one_definition_beside_the_importer():
    # ``from nets import TrajectoryHead``: nets/__init__.py exports no such name; of the two definitions
    # under nets/, the one in the importing file's own folder is meant
    got = {(s.name, s.source.path): [x.type for x in s.layers] for s in parse_files(_repo("lost_reexport"))}
    assert ("TrajectoryHead", "nets/torch_nets/head.py") not in got
    assert got[("Forecaster", "nets/torch_nets/forecaster.py")] == ["Dense", "GRU", "LayerNormalization", "Dense"]


def test_a_builder_of_a_block_another_network_is_made_of_gives_no_example():
    # projection_head() returns ProjectionHead(output=nn.Sequential(...)); vision_encoder() hands its result to
    # VisionEncoder: neither the Sequential, nor the head, nor the builder's join is an example
    got = [(s.name, s.source.path, s.source.train_path) for s in parse_files(_repo("builders"))]
    assert got == [("VisionEncoder", "vision/encoder.py", None)]


def test_a_class_a_module_factory_returns_is_a_part_where_another_network_calls_the_factory():
    # SegNet takes resnet18() of ``import nets.resnet as models`` apart: ResNet is its backbone, no example
    got = {s.name for s in parse_files(_repo("zoo"))}
    assert got == {"SegNet"}


def test_a_checkpoint_loaded_by_a_path_the_code_does_not_write_is_no_example():
    # serve.py loads whatever checkpoint it is given to generate; named.py loads gpt2 by name and stays
    got = {(s.source.path, s.layers[0].args.get("name")) for s in parse_files(_repo("checkpoint_runs"))}
    assert got == {("named.py", "gpt2")}


def test_a_model_its_author_calls_a_dummy_or_a_mock_is_no_example():
    files = {"sched.py": b"import torch\nimport torch.nn as nn\n\n"
                         b"dummy_model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))\n"
                         b"opt = torch.optim.SGD(dummy_model.parameters(), lr=0.1)\n"
                         b"for step in range(10):\n    opt.step()\n"
                         b"net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))\n"
                         b"opt2 = torch.optim.Adam(net.parameters(), lr=0.01)\n"
                         b"for step in range(10):\n    loss = net(torch.randn(2, 4)).sum()\n    loss.backward()\n"
                         b"    opt2.step()\n"}
    assert [s.name for s in parse_files(files)] == ["net"]


def test_a_trainer_object_handed_the_model_is_no_example():
    # the model comes from a package the repository does not hold (``AutoModel.from_name``); the trainer
    # object it is handed, stepped by ``trainer.train(...)``, is not that model
    files = {"run_forecast.py": (FIX / "trainer_object" / "run_forecast.py").read_bytes()}
    assert [s.name for s in parse_files(files)] == []


def test_a_joined_hugging_face_head_keeps_the_task_it_names():
    from corpus.readers.repository import _joined_task
    from corpus.record.summary import Hyperparameters, Layer, Source, Summary

    def summary(task: str, layers: list[Layer]) -> Summary:
        return Summary(id="", name="m", source=Source(path="x.py"), layers=layers,
                       hyperparameters=Hyperparameters(), task=task)

    causal = summary("unknown", [Layer(type="Pretrained", raw="AutoModelForCausalLM.from_pretrained")])
    # the training script's words (an image transform imported, a folder of files) say images
    assert _joined_task(causal, summary("image_classification", [])) == "language_modeling"
    # a bare backbone names no task: the training script's stands
    bare = summary("unknown", [Layer(type="Pretrained", raw="AutoModel.from_pretrained")])
    assert _joined_task(bare, summary("text_classification", [])) == "text_classification"


def test_a_keras_layer_class_of_another_file_is_expanded_where_it_is_applied():
    # blocks.py's ConvBlock is applied twice by train.py's functional model; nothing in blocks.py uses it
    (s,) = parse_files(_repo("keras_blocks"))
    assert (s.name, s.source.path) == ("model", "train.py")
    assert [x.type for x in s.layers] == ["Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D",
                                          "BatchNormalization", "GlobalAveragePooling2D", "Dense"]
    # read alone, the script names the block it cannot read
    from corpus.readers.parser import parse_bytes

    (alone,) = parse_bytes((FIX / "keras_blocks" / "train.py").read_bytes(), "train.py")
    assert [x.type for x in alone.layers][:2] == ["Custom", "MaxPooling2D"]


def test_a_keras_block_function_of_another_file_is_expanded_where_it_is_applied():
    # squeeze_block(x, filters) of a package of the repository, applied to tensors in a recipe's model: its
    # layers, not two Custom ones; the block is no example of its own
    got = {(s.name, s.source.path): [x.type for x in s.layers] for s in parse_files(_repo("keras_functions"))}
    block = ["Conv2D", "BatchNormalization", "Conv2D", "Add", "Dropout"]
    assert got[("build", "recipes/ocr/model.py")] == [*block, *block, "Reshape", "Bidirectional", "Dense"]
    assert not any(name == "squeeze_block" for name, _path in got)


def test_a_model_built_at_the_top_is_not_named_for_the_block_function_its_first_layer_is_in():
    # in a repository pass, notebook_style.py's model starts at conv_unit's Conv2D: it is still ``model``
    got = {(s.name, s.source.path) for s in parse_files(_repo("keras_functions"))}
    assert ("model", "recipes/ocr/notebook_style.py") in got
    assert ("conv_unit", "recipes/ocr/notebook_style.py") not in got


def test_classes_held_by_a_registry_a_network_indexes_are_parts():
    # SUBSAMPLE_CLASSES = {"conv2d": Conv2dSubsampling4, ...} in utils; the encoder builds
    # SUBSAMPLE_CLASSES[input_layer](...): both subsampling front-ends are parts of it
    got = [s.name for s in parse_files(_repo("registry_parts"))]
    assert got == ["TransformerEncoder"]


def test_a_class_around_one_recurrent_layer_that_nothing_trains_is_a_layer_not_an_example():
    got = {s.name: [x.type for x in s.layers] for s in parse_files(_repo("layer_wrapper"))}
    assert got == {"Tagger": ["Embedding", "LSTM", "Dense"]}


def test_a_block_given_to_a_network_as_the_kind_of_block_to_build_from_is_a_part():
    # vit_parallel() hands ParallelBlock (of another file) to VisionTransformer as block_fn= through a dict of
    # arguments: the block is a part of that network, not an example of its own
    got = [s.name for s in parse_files(_repo("given_blocks"))]
    assert got == ["VisionTransformer"]


def test_random_numbers_run_through_a_model_nothing_trains_are_no_dataset():
    # ``def test(): net(torch.randn(1, 3, 32, 32))`` beside a definition is a shape check
    (s,) = parse_files(_repo("shape_check"))
    assert (s.name, s.datasets) == ("SmallNet", []) and "not trained in this repository" in s.parse.warnings


def test_a_repository_class_built_at_the_top_with_the_layer_it_wraps_is_that_layer():
    # nn.Sequential(PackedEmbedding(nn.Embedding(100, 64)), nn.LSTM(...), FinalStep(...), nn.Linear(...)) with
    # both classes in helpers.py: the wrapper is read with the layer it is given; the last-step slice is no layer
    (s,) = parse_files(_repo("wrapped_layer"))
    assert [x.type for x in s.layers] == ["Embedding", "LSTM", "Dense"]


def test_a_static_builder_of_another_files_class_is_joined_with_its_training():
    # pyimagesearch's shape: ``model = LeNet.build(input_shape=..., classes=10)`` of nets/lenet.py, compiled
    # and fitted in train.py: one example, defined in lenet.py, trained in train.py
    (s,) = parse_files(_repo("static_builder"))
    assert (s.name, s.source.path, s.source.train_path) == ("LeNet", "nets/lenet.py", "train.py")
    assert (s.hyperparameters.epochs, s.hyperparameters.batch_size, s.datasets) == (20, 128, ["mnist"])
