"""Near-duplicates: forks, translations and copies of one tutorial counted once (corpus/harvest/dedup.py).

The summaries here are written by hand (no code is parsed): one small CNN
and its copies, moved, renamed, translated or re-tuned.
"""

from __future__ import annotations

from corpus.harvest.dedup import DedupStats, content_key, dedup, structure_key
from corpus.record.summary import Hyperparameters, Layer, Source, Summary

_CNN = [("Conv2D", "layers.Conv2D", {"filters": 32, "kernel_size": 3}, "relu"),
        ("MaxPooling2D", "layers.MaxPooling2D", {"pool_size": 2}, None),
        ("Flatten", "layers.Flatten", {}, None),
        ("Dense", "layers.Dense", {"units": 10}, "softmax")]


def _s(sid: str, repo: str, path: str, *, name: str = "model", line: int = 10, layers=None,
       lr: float | None = 0.001, epochs: int | None = 5, batch: int | None = 64, optimizer: str | None = "adam",
       commit: str | None = None, framework: str = "keras", datasets: list[str] | None = None,
       loss: str | None = "categorical_crossentropy") -> Summary:
    spec = _CNN if layers is None else layers
    return Summary(
        id=sid, name=name,
        source=Source(repo=repo, commit=commit or ("c" * 40), path=path, line_start=line, line_end=line + 8),
        framework=framework, task="image_classification", datasets=["mnist"] if datasets is None else datasets,
        layers=[Layer(type=t, raw=raw, args=dict(args), activation=act, line=line + i)
                for i, (t, raw, args, act) in enumerate(spec)],
        hyperparameters=Hyperparameters(optimizer=optimizer, learning_rate=lr, batch_size=batch, epochs=epochs,
                                        loss=loss),
    )


def _ids(summaries: list[Summary]) -> list[str]:
    return [s.id for s in summaries]


def test_a_fork_is_counted_once_and_the_oldest_repository_keeps_it():
    orig = _s("o", "alice/tutorial", "notebooks/mnist_cnn.ipynb", line=40)
    fork = _s("f", "bob/tutorial-fork", "mnist.py", line=3)  # other place, other lines, same model
    other = _s("x", "carol/cifar", "train.py", layers=_CNN[:2] + [("Dense", "layers.Dense", {"units": 100}, None)],
               datasets=["cifar10"])
    dates = {"alice/tutorial": 1_500_000_000, "bob/tutorial-fork": 1_600_000_000}
    kept, st = dedup([fork, other, orig], dates)
    assert _ids(kept) == ["x", "o"]  # input order kept
    assert st.removed == 1 and st.by_content == 1 and st.by_structure == 0
    assert st.by_repo == {"bob/tutorial-fork": 1} and st.kept_for == {"f": "o"}
    # without dates the shorter path wins: here the fork's
    kept, st = dedup([fork, other, orig])
    assert _ids(kept) == ["f", "x"] and st.kept_for == {"o": "f"}


def test_a_commit_date_is_looked_up_before_the_repository_date():
    a = _s("a", "alice/t", "a/model.py", commit="a" * 40)
    b = _s("b", "bob/t", "b/model.py", commit="b" * 40)
    dates = {"alice/t": 1, "bob/t": 2, "b" * 40: 0}  # bob's copy at that commit is older than alice's repository
    assert _ids(dedup([a, b], dates)[0]) == ["b"]
    # a copy with no date ranks after every dated one, whatever its path
    c = _s("c", "carol/t", "m.py")
    assert _ids(dedup([a, c], {"alice/t": 5})[0]) == ["a"]


def test_translations_in_one_repository_keep_one_language():
    en = _s("en", "tf/docs", "site/en/tutorials/quickstart.ipynb")
    ko = _s("ko", "tf/docs", "site/ko/tutorials/quickstart.ipynb")
    zh = _s("zh", "tf/docs", "site/zh-cn/tutorials/quickstart.ipynb")
    kept, st = dedup([zh, ko, en])
    assert _ids(kept) == ["en"] and st.removed == 2 and st.by_repo == {"tf/docs": 2}


def test_two_identical_models_of_one_file_both_stay():
    first = _s("1", "a/b", "compare.ipynb", line=10)
    again = _s("2", "a/b", "compare.ipynb", line=80)
    kept, st = dedup([first, again])
    assert _ids(kept) == ["1", "2"] and st.removed == 0


def test_values_written_differently_are_the_same_content():
    a = _s("a", "a/x", "m.py", lr=0.001)
    b = _s("b", "b/x", "m.py", lr=1e-3)
    b.layers[0].raw = "keras.layers.Conv2D"  # import style differs, the layer does not
    assert content_key(a) == content_key(b)
    assert dedup([a, b])[1].removed == 1


def test_a_different_backbone_under_the_same_head_is_not_a_copy():
    head = [("Dense", "Dense", {"units": 1}, "sigmoid")]
    a = _s("a", "a/x", "densenet.py", layers=[("Pretrained", "DenseNet121", {}, None)] + head, lr=None,
           epochs=None, batch=None)
    b = _s("b", "a/x", "vgg.py", layers=[("Pretrained", "VGG16", {}, None)] + head, lr=None, epochs=None,
           batch=None)
    assert content_key(a) != content_key(b)
    assert dedup([a, b])[1].removed == 0


def test_same_layer_types_and_hyperparameters_across_repositories_is_a_copy():
    a = _s("a", "alice/course", "lesson3.py")
    wider = [(t, raw, {**args, "filters": 64} if "filters" in args else args, act) for t, raw, args, act in _CNN]
    b = _s("b", "bob/notes", "cnn.py", name="net", layers=wider)  # renamed, widened: same structure
    assert content_key(a) != content_key(b) and structure_key(a) == structure_key(b)
    kept, st = dedup([a, b], {"alice/course": 1, "bob/notes": 2})
    assert _ids(kept) == ["a"] and st.by_structure == 1 and st.by_content == 0


def test_structure_within_one_repository_merges_only_same_named_files():
    wider = [(t, raw, {**args, "filters": 64} if "filters" in args else args, act) for t, raw, args, act in _CNN]
    step1 = _s("1", "a/course", "lesson1/train.py")
    step2 = _s("2", "a/course", "lesson2/tune.py", layers=wider)  # another lesson, same architecture: stays
    kept, st = dedup([step1, step2])
    assert st.removed == 0
    narrow = [(t, raw, {**args, "filters": 16} if "filters" in args else args, act) for t, raw, args, act in _CNN]
    copy = _s("3", "a/course", "old/lesson1/train.py", layers=narrow)  # the same file name elsewhere: a copy
    kept, st = dedup([step1, step2, copy])
    assert _ids(kept) == ["1", "2"] and st.by_structure == 1


def test_plain_models_are_not_merged_by_structure():
    two = _CNN[2:]
    a = _s("a", "a/x", "m.py", layers=two)
    b = _s("b", "b/x", "m.py", layers=[("Flatten", "Flatten", {}, None), ("Dense", "Dense", {"units": 5}, None)])
    assert structure_key(a) is None
    assert dedup([a, b])[1].removed == 0
    # three layers and two hyperparameters is still everyone's small network
    mlp = [("Dense", "Dense", {"units": 64}, "relu"), ("Dense", "Dense", {"units": 64}, "relu"),
           ("Dense", "Dense", {"units": 2}, None)]
    c = _s("c", "c/x", "policy.py", layers=mlp, epochs=None, batch=None, loss=None)
    d = _s("d", "d/x", "agent.py", layers=[(t, r, {"units": 128}, a) for t, r, _, a in mlp], epochs=None,
           batch=None, loss=None)
    assert structure_key(c) is None and dedup([c, d])[1].removed == 0


def test_summaries_without_layers_are_never_merged():
    a = _s("a", "a/x", "m.py", layers=[])
    b = _s("b", "b/x", "m.py", layers=[])
    assert content_key(a) is None and dedup([a, b])[1].removed == 0


def test_framework_and_dataset_are_part_of_the_model():
    a = _s("a", "a/x", "m.py")
    b = _s("b", "b/x", "m.py", framework="tensorflow")
    c = _s("c", "c/x", "m.py", datasets=["fashion_mnist"])
    assert dedup([a, b, c])[1].removed == 0


def test_stats_dict_for_the_manifest():
    st = DedupStats(removed=3, by_content=2, by_structure=1)
    st.by_repo.update({"z/z": 1, "a/a": 2})
    assert st.to_dict() == {"removed": 3, "by_content": 2, "by_structure": 1, "by_repo": {"a/a": 2, "z/z": 1}}
    assert dedup([])[0] == [] and dedup([])[1].to_dict()["removed"] == 0
