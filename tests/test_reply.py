"""describe(): sentences whose every number comes from the aggregate."""

from __future__ import annotations

from fixtures.compare_population import image_population, layer, summary, text_population

from assistant.aggregate import aggregate
from assistant.reply import ReplyContext, article, best_motif, describe, fmt_rate, human


def test_text_population_reads_like_the_issue_example():
    pop = text_population(60)
    agg = aggregate(pop)
    lstm = sum(1 for s in pop if s.layer_types[:2] == ["Embedding", "LSTM"])
    dropout = round(100 * sum(1 for s in pop if "Dropout" in s.layer_types) / 60)
    text = describe(agg, {"query": "classify movie reviews", "filters": {"dataset": "imdb"},
                          "total_matching": 300})
    assert text.startswith(f"Of 60 examples for “classify movie reviews” (imdb), the closest of 300, "
                           f"{lstm} use an Embedding then an LSTM.")
    assert "the median learning rate is 1e-3 (set by 60)" in text.lower()
    assert f"{dropout}% use dropout" in text
    assert "the usual loss is binary cross-entropy (60 of 60)" in text
    assert "use Adam" in text and "_" not in text
    # 7.5 at the median of 60 counts is said as a whole number.
    assert "batch size 64 and 8 epochs at the median" in text


def test_canonical_names_read_as_prose():
    pop = image_population(100)
    for s in pop[:30]:
        s.tricks = ["batch_norm", "lr_schedule", "embedding_pretrained"]
    text = describe(aggregate(pop), {"query": "cifar", "filters": {"framework": "pytorch", "trick": "batch_norm"}})
    assert "(PyTorch, batch normalization)" in text
    assert "the usual loss is categorical cross-entropy" in text
    assert "30% batch normalization" in text or "30% use batch normalization" in text
    assert "pretrained embeddings" in text or "learning-rate schedules" in text
    assert "frameworks: 71 Keras, 29 PyTorch" in text
    for raw in ("crossentropy", "batch_norm", "lr_schedule", "embedding pretrained", "keras", "adam"):
        assert raw not in text, raw
    assert human("categorical_crossentropy") == "categorical cross-entropy"
    assert human("some_new_trick") == "some new trick"


def test_depth_of_one_is_not_said_as_layers():
    pop = [summary(f"s{i}", [layer("LSTM")]) for i in range(10)]
    text = describe(aggregate(pop))
    assert "most are single-layer models" in text.lower() and "1 layers" not in text
    pop = [summary(f"s{i}", [layer("Dense")] * 4) for i in range(10)]
    assert "Most have 4 layers." in describe(aggregate(pop))


def test_structural_motifs_lose_to_architectural_ones():
    agg = aggregate(image_population(100))
    m = best_motif(agg)
    assert m is not None and m.layers == ("Conv2D", "MaxPooling2D")


def test_values_set_by_few_examples_are_not_quoted():
    pop = [summary(f"s{i}", [layer("Dense"), layer("Dense")], learning_rate=0.1 if i < 2 else None,
                   optimizer=None) for i in range(10)]
    text = describe(aggregate(pop), ReplyContext(query="tiny"))
    assert "learning rate" not in text and "optimizer" not in text
    # "Dense then Dense" is depth, not a pattern worth a sentence.
    assert text.startswith("Here are 10 examples for “tiny”; no layer pattern")


def test_repeats_of_one_layer_are_not_a_pattern():
    pop = [summary(f"m{i}", [layer("Dense"), layer("Dense"), layer("Dense")]) for i in range(8)]
    pop += [summary(f"e{i}", [layer("Embedding"), layer("LSTM"), layer("Dense")]) for i in range(3)]
    assert describe(aggregate(pop)).startswith("Of 11 examples, 3 use an Embedding then an LSTM")


def test_no_pattern_and_no_examples():
    pop = [summary(f"s{i}", [layer(t)]) for i, t in enumerate(["Dense", "LSTM", "Conv2D", "GRU"])]
    assert "no layer pattern is shared" in describe(aggregate(pop))
    assert describe(aggregate([]), "cats") == "No examples match “cats”."


def test_filters_object_and_long_query():
    class F:
        def as_dict(self):
            return {"framework": "pytorch", "max_layers": 10}

    text = describe(aggregate(image_population(20)), {"query": "x " * 80, "filters": F()})
    assert "(PyTorch, at most 10 layers)" in text and "…" in text


def test_article():
    assert [article(t) for t in ["Embedding", "LSTM", "GRU", "Conv2D", "MaxPooling2D", "RNN"]] == \
        ["an", "an", "a", "a", "a", "an"]


def test_learning_rates_use_one_notation():
    assert [fmt_rate(x) for x in (0.001, 0.01, 0.0025, 0.1, 0.5)] == ["1e-3", "1e-2", "2.5e-3", "0.1", "0.5"]
    pop = [summary(f"s{i}", [layer("Dense")], learning_rate=0.01) for i in range(6)]
    assert "the median learning rate is 1e-2 (set by 6)" in describe(aggregate(pop)).lower()
