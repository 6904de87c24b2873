"""Realistic synthetic summaries, for tests and benchmarks before (and beside) the real corpus.

Each task has a recipe (datasets, layer stacks, repository and file words,
tricks) in the style of the public tutorials, so an index built from these
behaves like one built from the harvest: tasks differ in their layers and
words, a few are rare. Deterministic for a given seed.
"""

from __future__ import annotations

import random

from corpus.record.summary import Hyperparameters, Layer, Source, Summary, github_url, make_id

# task -> (weight, datasets, layer stacks, file words, tricks likely)
RECIPES: dict[str, tuple[float, list[str], list[list[str]], list[str], list[str]]] = {
    "image_classification": (
        0.30, ["mnist", "cifar10", "fashion_mnist", "cifar100", "imagenet", "cats_vs_dogs", "svhn", "custom"],
        [["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"],
         ["Conv2D", "BatchNormalization", "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dense"],
         ["Flatten", "Dense", "Dropout", "Dense"],
         ["Pretrained", "GlobalAveragePooling2D", "Dense", "Dropout", "Dense"],
         ["Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization", "Add", "GlobalAveragePooling2D", "Dense"]],
        ["cnn", "classifier", "convnet", "digits", "resnet", "vgg", "image_classification", "train"],
        ["dropout", "batch_norm", "data_augmentation", "early_stopping", "pretrained_weights"],
    ),
    "text_classification": (
        0.16, ["imdb", "reuters", "ag_news", "sst2", "yelp", "custom"],
        [["Embedding", "LSTM", "Dense"], ["Embedding", "Bidirectional", "Dropout", "Dense"],
         ["Embedding", "Conv1D", "GlobalMaxPooling1D", "Dense", "Dropout", "Dense"],
         ["Embedding", "GlobalAveragePooling1D", "Dense", "Dense"],
         ["Pretrained", "Dropout", "Dense"]],
        ["sentiment", "text_classification", "imdb_lstm", "reviews", "textcnn", "nlp", "bert_finetune"],
        ["dropout", "embedding_pretrained", "early_stopping", "bidirectional"],
    ),
    "image_generation": (
        0.08, ["mnist", "celeba", "cifar10", "fashion_mnist"],
        [["Dense", "Reshape", "Conv2DTranspose", "BatchNormalization", "Conv2DTranspose"],
         ["Conv2D", "Dropout", "Conv2D", "Flatten", "Dense"],
         ["Dense", "BatchNormalization", "Dense", "Dense", "Reshape"]],
        ["gan", "dcgan", "generator", "discriminator", "wgan", "generate"],
        ["batch_norm", "dropout", "checkpointing"],
    ),
    "time_series_forecasting": (
        0.08, ["yahoo_finance", "airline_passengers", "jena_climate", "custom"],
        [["LSTM", "Dropout", "LSTM", "Dense"], ["LSTM", "Dense"], ["GRU", "Dense"],
         ["Conv1D", "MaxPooling1D", "Flatten", "Dense"]],
        ["stock", "forecast", "timeseries", "lstm_prediction", "weather", "price"],
        ["dropout", "early_stopping", "lr_schedule"],
    ),
    "representation_learning": (
        0.07, ["mnist", "fashion_mnist", "custom"],
        [["Dense", "Dense", "Dense", "Dense"], ["Conv2D", "MaxPooling2D", "Conv2D", "UpSampling2D", "Conv2D"],
         ["Dense", "Dense", "Dense"]],
        ["autoencoder", "vae", "denoising", "embedding", "anomaly"],
        ["batch_norm", "early_stopping"],
    ),
    "language_modeling": (
        0.05, ["ptb", "wikitext2", "shakespeare"],
        [["Embedding", "LSTM", "Dropout", "Dense"], ["Embedding", "TransformerEncoder", "Dense"]],
        ["language_model", "word_lm", "char_rnn", "lm"],
        ["dropout", "gradient_clipping", "lr_schedule"],
    ),
    "text_generation": (
        0.04, ["shakespeare", "custom"],
        [["Embedding", "GRU", "Dense"], ["LSTM", "Dense"], ["Embedding", "LSTM", "LSTM", "Dense"]],
        ["text_generation", "poetry", "char_rnn", "generate_text", "lyrics"],
        ["dropout", "checkpointing"],
    ),
    "machine_translation": (
        0.04, ["multi30k", "custom"],
        [["Embedding", "LSTM", "LSTM", "Dense"], ["Embedding", "GRU", "Attention", "GRU", "Dense"],
         ["Embedding", "TransformerEncoder", "TransformerDecoder", "Dense"]],
        ["seq2seq", "translation", "nmt", "translate", "encoder_decoder"],
        ["attention", "dropout", "gradient_clipping"],
    ),
    "image_segmentation": (
        0.04, ["voc", "coco", "custom"],
        [["Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "UpSampling2D", "Concatenate", "Conv2D"],
         ["Pretrained", "Conv2DTranspose", "Conv2D"]],
        ["unet", "segmentation", "mask", "fcn"],
        ["batch_norm", "data_augmentation"],
    ),
    "object_detection": (
        0.03, ["coco", "voc"],
        [["Pretrained", "Conv2D", "Conv2D", "Dense"], ["Conv2D", "BatchNormalization", "Conv2D", "Conv2D"]],
        ["yolo", "detector", "ssd", "faster_rcnn", "bbox"],
        ["pretrained_weights", "batch_norm", "data_augmentation"],
    ),
    "tabular_classification": (
        0.04, ["iris", "titanic", "custom"],
        [["Dense", "Dense", "Dense"], ["Dense", "Dropout", "Dense", "Dense"]],
        ["iris", "titanic", "churn", "classification", "tabular"],
        ["dropout", "early_stopping"],
    ),
    "tabular_regression": (
        0.03, ["boston_housing", "california_housing", "custom"],
        [["Dense", "Dense", "Dense"], ["Dense", "Dense"]],
        ["regression", "housing", "house_price", "mpg"],
        ["early_stopping"],
    ),
    "reinforcement_learning": (
        0.02, ["cartpole", "atari"],
        [["Dense", "Dense", "Dense"], ["Conv2D", "Conv2D", "Conv2D", "Flatten", "Dense", "Dense"]],
        ["dqn", "agent", "policy", "cartpole", "actor_critic"],
        ["gradient_clipping"],
    ),
    "speech_recognition": (
        0.01, ["librispeech", "speech_commands"],
        [["Conv2D", "Bidirectional", "Bidirectional", "Dense"], ["Conv1D", "GRU", "Dense"]],
        ["speech", "asr", "ctc", "deepspeech"],
        ["batch_norm", "dropout"],
    ),
    "graph_learning": (
        0.01, ["cora"],
        [["Custom", "Dropout", "Custom"]],
        ["gcn", "graph", "gnn", "node_classification"],
        ["dropout", "weight_decay"],
    ),
}

_OWNERS = ["alice", "bobdev", "keras-team", "pytorch", "ml-lab", "deepcourse", "tf-tutorials",
           "fastlearner", "nn-notes", "student42", "vision-group", "nlp-hub", "udacity", "aymericdamien"]
_RAW = {"pytorch": {"Dense": "nn.Linear", "Conv2D": "nn.Conv2d", "LSTM": "nn.LSTM"},
        "keras": {"Dense": "layers.Dense", "Conv2D": "layers.Conv2D", "LSTM": "layers.LSTM"}}


def synthetic_summaries(n: int, seed: int = 0) -> list[Summary]:
    """``n`` varied, deterministic summaries.

    Args:
        n: how many.
        seed: the random seed.

    Returns:
        Summaries with unique ids, tasks in realistic proportions.
    """
    rng = random.Random(seed)
    tasks = list(RECIPES)
    weights = [RECIPES[t][0] for t in tasks]
    out = []
    for i in range(n):
        task = rng.choices(tasks, weights)[0]
        _w, datasets, stacks, words, tricks = RECIPES[task]
        fw = rng.choices(["keras", "pytorch", "tensorflow"], [0.5, 0.4, 0.1])[0]
        ds = rng.choice(datasets)
        stack = list(rng.choice(stacks))
        if rng.random() < 0.3:
            stack = stack + ["Dropout", "Dense"]
        layers = []
        for j, t in enumerate(stack):
            args = {"layer": "LSTM"} if t == "Bidirectional" else {}
            act = "relu" if t in ("Dense", "Conv2D") and j < len(stack) - 1 else None
            layers.append(Layer(type=t, raw=_RAW.get(fw, {}).get(t, t), args=args, activation=act, line=10 + j))
        repo = f"{rng.choice(_OWNERS)}/{rng.choice(words).replace('_', '-')}-{rng.choice(['tutorial', 'examples', 'project', 'lab', 'demo'])}"
        path = f"{rng.choice(['', 'examples/', 'src/', 'notebooks/'])}{ds}_{rng.choice(words)}_{i}.{rng.choice(['py', 'ipynb'])}"
        name = rng.choice(["model", "Net", "Model", "classifier", "Generator", "Encoder", "RNN"])
        picked = sorted({t for t in tricks if rng.random() < 0.4})
        if "Dropout" in stack and "dropout" not in picked:
            picked.append("dropout")
        hp = Hyperparameters(
            optimizer=rng.choice(["adam", "sgd", "rmsprop", None]),
            learning_rate=rng.choice([1e-3, 1e-4, 1e-2, 2e-4, None]),
            batch_size=rng.choice([32, 64, 128, 256, None]),
            epochs=rng.choice([5, 10, 20, 50, 100, None]),
            loss=rng.choice(["categorical_crossentropy", "mse", "binary_crossentropy", None]),
        )
        sid = make_id(repo, None, path, name, 10 + i)
        out.append(Summary(
            id=sid, name=name,
            source=Source(repo=repo, commit=None, path=path, line_start=10, line_end=10 + len(stack),
                          license=rng.choice(["MIT", "Apache-2.0", None]),
                          url=github_url(repo, None, path, 10, 10 + len(stack))),
            framework=fw, task=task, datasets=[ds], layers=layers, hyperparameters=hp,
            tricks=sorted(picked), preprocessing=rng.sample(["normalize", "one_hot", "tokenize", "resize"], 1),
        ))
    return out
