"""Issue 13, item 8: the JSON export carries the new fields (reported results, environment,
training code, value sources), as the CSV export does (tests/test_outcomes_views.py)."""

from __future__ import annotations

import json

from assistant.table import to_json
from corpus.record.summary import Environment, Hyperparameters, Layer, Reported, Source, Summary

URL = "https://github.com/a/b/blob/" + "c" * 40


def _joined() -> Summary:
    return Summary(
        id="j1", name="SmallNet", framework="pytorch", task="image_classification", datasets=["cifar10"],
        source=Source(repo="a/b", commit="c" * 40, path="cifar/models.py", line_start=10, line_end=40,
                      url=f"{URL}/cifar/models.py#L10-L40", train_path="cifar/train.py", train_line_start=5,
                      train_line_end=80, train_url=f"{URL}/cifar/train.py#L5-L80"),
        layers=[Layer(type="Conv2D"), Layer(type="Flatten"), Layer(type="Dense")],
        hyperparameters=Hyperparameters(learning_rate=0.1, epochs=30),
        reported=[Reported("accuracy", 0.91, "test", None, f"{URL}/nb.ipynb?plain=1#L212"),
                  Reported("loss", 0.3, "val", 30, f"{URL}/README.md?plain=1#L7-L9")],
        environment=Environment(python=">=3.8", packages={"torch": ">=1.8", "numpy": ""}, gpu="required",
                                data_download=True),
        value_sources={"learning_rate": "cifar/train.py:22", "epochs": "configs/train.yaml: train.epochs"},
    )


def _plain() -> Summary:
    return Summary(id="p1", name="Net", framework="keras", task="image_classification", datasets=["mnist"],
                   source=Source(repo="c/d", commit="d" * 40, path="m.py", line_start=1, line_end=9),
                   layers=[Layer(type="Dense")])


def test_json_export_carries_results_environment_and_training_code() -> None:
    items = json.loads(to_json([_joined(), _plain()], scores=[0.9, 0.5]))
    joined, plain = items
    assert joined["reported"] == [
        {"metric": "accuracy", "value": 0.91, "split": "test", "epoch": None,
         "where": f"{URL}/nb.ipynb?plain=1#L212"},
        {"metric": "loss", "value": 0.3, "split": "val", "epoch": 30, "where": f"{URL}/README.md?plain=1#L7-L9"},
    ]
    assert joined["environment"] == {"python": ">=3.8", "packages": {"torch": ">=1.8", "numpy": ""},
                                     "gpu": "required", "data_download": True}
    src = joined["source"]
    assert (src["train_path"], src["train_line_start"], src["train_line_end"]) == ("cifar/train.py", 5, 80)
    assert src["train_url"].endswith("/cifar/train.py#L5-L80")
    assert joined["value_sources"]["epochs"] == "configs/train.yaml: train.epochs"
    # an example that reports nothing and says nothing about how it runs: empty, not missing
    assert plain["reported"] == []
    assert plain["environment"] == {"python": None, "packages": {}, "gpu": None, "data_download": None}


def test_json_export_round_trips_the_new_fields() -> None:
    item = json.loads(to_json([_joined()], scores=[0.9]))[0]
    back = Summary.from_dict({k: v for k, v in item.items() if k not in ("rank", "score")})
    assert back == _joined()
