"""describe(): sentences whose every number comes from the aggregate."""

from __future__ import annotations

from fixtures.compare_population import image_population, layer, summary, text_population

from assistant.aggregate import aggregate
from assistant.reply import ReplyContext, article, best_motif, describe


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
    assert "binary_crossentropy (60 of 60)" in text


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
    assert "(pytorch, at most 10 layers)" in text and "…" in text


def test_article():
    assert [article(t) for t in ["Embedding", "LSTM", "GRU", "Conv2D", "MaxPooling2D", "RNN"]] == \
        ["an", "an", "a", "a", "a", "an"]
