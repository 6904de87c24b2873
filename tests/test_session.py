"""Conversation state: refinement phrases, filter relaxing, answers on a tiny index."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from assistant.session import (
    DEFAULT_K,
    MAX_K,
    State,
    apply_message,
    describe_filters,
    find_entities,
    related_datasets,
    relaxations,
    retrieve,
    with_model,
)
from corpus.record.summary import Layer, Source, Summary
from index.understand import Understanding, build_tables

BASE = State(query="classify images")
FULL = State(query="classify images", dataset="cifar10", framework="pytorch", trick="attention",
             layer_type="LSTM", max_layers=9, k=80)

# (start state, message, expected changes to the start state; None = a new task from the message)
REFINEMENTS = [
    (BASE, "only PyTorch", {"framework": "pytorch"}),
    (BASE, "just keras please", {"framework": "keras"}),
    (BASE, "what about TensorFlow?", {"framework": "tensorflow"}),
    (BASE, "with tf.keras", {"framework": "keras"}),
    (BASE, "on CIFAR-100 instead", {"dataset": "cifar100"}),
    (BASE, "on cifar 10", {"dataset": "cifar10"}),
    (BASE, "Fashion MNIST", {"dataset": "fashion_mnist"}),
    (BASE, "only fashion-mnist", {"dataset": "fashion_mnist"}),
    (BASE, "on MNIST with PyTorch", {"dataset": "mnist", "framework": "pytorch"}),
    (BASE, "with attention", {"trick": "attention"}),
    (BASE, "using batch norm", {"trick": "batch_norm"}),
    (BASE, "with early stopping", {"trick": "early_stopping"}),
    (BASE, "with an LSTM", {"layer_type": "LSTM"}),
    (BASE, "using LSTMs", {"layer_type": "LSTM"}),
    (BASE, "with convolutions", {"layer_type": "Conv2D"}),
    (BASE, "only image segmentation", {"task": "image_segmentation"}),
    (BASE, "fewer than 10 layers", {"max_layers": 9}),
    (BASE, "less than 5 layers", {"max_layers": 4}),
    (BASE, "at most 12 layers", {"max_layers": 12}),
    (BASE, "no more than 6 layers", {"max_layers": 6}),
    (BASE, "more than 20 layers", {"min_layers": 21}),
    (BASE, "at least 8 layers", {"min_layers": 8}),
    (BASE, "between 5 and 10 layers", {"min_layers": 5, "max_layers": 10}),
    (BASE, "show 50 examples", {"k": 50}),
    (BASE, "top 20", {"k": 20}),
    (BASE, "show 100000 examples", {"k": MAX_K}),
    (BASE, "more examples", {"k": 2 * DEFAULT_K}),
    (BASE, "with Adam", {"optimizer": "adam"}),
    (BASE, "using SGD with momentum", {"optimizer": "sgd"}),
    (BASE, "with mse loss", {"loss": "mse"}),
    (BASE, "with cross entropy loss", {"loss": "categorical_crossentropy"}),
    (replace(BASE, optimizer="adam"), "any optimizer", {"optimizer": None}),
    (BASE, "with an LSTM layer", {"layer_type": "LSTM"}),
    (BASE, "sort by most layers", {"sort": "most layers"}),
    (BASE, "order the table by repository", {"sort": "repository"}),
    (replace(BASE, sort="task"), "sort by relevance", {"sort": "best match"}),
    (BASE, "only PyTorch, fewer than 10 layers, 40 examples", {"framework": "pytorch", "max_layers": 9, "k": 40}),
    (FULL, "any framework", {"framework": None}),
    (FULL, "all datasets", {"dataset": None}),
    (FULL, "drop the dataset filter", {"dataset": None}),
    (FULL, "any number of layers", {"max_layers": None, "min_layers": None}),
    (FULL, "without attention", {"trick": None}),
    (FULL, "no LSTM", {"layer_type": None}),
    (FULL, "what about keras instead", {"framework": "keras"}),
    (FULL, "on MNIST", {"dataset": "mnist"}),
    # a new task replaces the query and every filter, keeping k
    (FULL, "classify movie reviews as positive or negative", None),
    (BASE, "predict stock prices", None),
]


@pytest.mark.parametrize(("start", "text", "changes"), REFINEMENTS, ids=[r[1] for r in REFINEMENTS])
def test_refinement_phrases(start: State, text: str, changes: dict | None) -> None:
    got = apply_message(start, text)
    if changes is None:
        assert got == State(query=text, k=start.k)
    else:
        assert got == replace(start, **changes)


# (message, expected new state): new tasks take the filters they name, but not their task
NEW_TASKS = [
    ("classify handwritten digits", State(query="classify handwritten digits")),
    ("digit recognition on MNIST with PyTorch",
     State(query="digit recognition on MNIST with PyTorch", dataset="mnist", framework="pytorch")),
    ("sentiment of tweets with an LSTM", State(query="sentiment of tweets with an LSTM")),
    ("text classification with attention on IMDB",
     State(query="text classification with attention on IMDB", dataset="imdb")),
    ("image classification with fewer than 10 layers",
     State(query="image classification with fewer than 10 layers", max_layers=9)),
    ("image classification", State(query="image classification")),
    ("mnist cnn", State(query="mnist cnn", dataset="mnist", layer_type="Conv2D")),
    ("PyTorch", State(query="PyTorch", framework="pytorch")),
]


@pytest.mark.parametrize(("text", "expected"), NEW_TASKS, ids=[t for t, _ in NEW_TASKS])
def test_new_tasks_from_empty_state(text: str, expected: State) -> None:
    assert apply_message(State(), text) == expected


def test_start_over_resets_filters_and_keeps_k() -> None:
    assert apply_message(FULL, "start over") == State(k=80)
    assert apply_message(FULL, "Reset") == State(k=80)
    assert apply_message(FULL, "start over: text classification with an LSTM") == State(
        query="text classification with an LSTM", k=80)


def test_empty_or_meaningless_message_keeps_state() -> None:
    assert apply_message(FULL, "") is FULL
    assert apply_message(FULL, "   ") is FULL
    assert apply_message(FULL, "ok thanks") == FULL


def test_refinement_clears_selected_example() -> None:
    picked = replace(BASE, selected="abc")
    assert apply_message(picked, "only keras").selected is None


def test_refinement_keeps_pasted_model() -> None:
    model = _summary("mine", ["Dense"])
    start = with_model(BASE, model, "my.py")
    after = apply_message(start, "only PyTorch")
    assert after.model is model and after.framework == "pytorch"
    after = apply_message(start, "classify movie reviews")
    assert after.model is model and after.query == "classify movie reviews"


def test_datasets_come_from_the_knowledge_table() -> None:
    # every dataset of corpus.knowledge.datasets is a word of the chat, without an index
    assert apply_message(BASE, "on Tiny-ImageNet").dataset == "tiny_imagenet"
    assert apply_message(BASE, "only omniglot").dataset == "omniglot"
    assert apply_message(BASE, "on digits instead").dataset == "digits"


def test_tables_learn_index_values() -> None:
    tables = build_tables(datasets=["lunar_rover_v9"])
    assert apply_message(BASE, "on lunar rover v9", tables).dataset == "lunar_rover_v9"
    # without the index's values the words are a new task
    assert apply_message(BASE, "on lunar rover v9").query == "on lunar rover v9"


def test_plain_word_datasets_do_not_filter_a_new_question() -> None:
    assert apply_message(State(), "classify handwritten digits") == State(query="classify handwritten digits")
    assert apply_message(State(), "classify tiny imagenet photos").dataset == "tiny_imagenet"
    assert apply_message(State(), "recognise mnist digits").dataset == "mnist"


def test_family_words_are_hints_not_filters() -> None:
    # "house prices" means the house-price family: a boost, as in `examplenet search`, not the
    # Kaggle set alone (which once left 6 examples)
    assert apply_message(State(), "predict house prices from a table of features").dataset is None
    assert apply_message(State(), "predict whether a passenger survived").dataset is None
    assert apply_message(State(), "predict prices on the kaggle house prices set").dataset == "house_prices"


def test_find_entities_longest_match_and_negation() -> None:
    found, rest = find_entities("fashion mnist without keras using LSTM for reviews")
    assert found == [("dataset", "fashion_mnist", False), ("framework", "keras", True),
                     ("layer_type", "LSTM", False)]
    assert rest == ["using", "for", "reviews"]


def test_describe_filters() -> None:
    assert describe_filters({"framework": "pytorch", "dataset": "cifar100"}) == "PyTorch + CIFAR-100"
    assert describe_filters({"max_layers": 9, "layer_type": "LSTM"}) == "LSTM layers + at most 9 layers"
    assert describe_filters({}) == ""


def test_related_datasets() -> None:
    known = ["mnist", "cifar10", "cifar100", "fashion_mnist", "imdb"]
    assert related_datasets("cifar100", known) == ["cifar10"]
    assert related_datasets("cifar10", known) == ["cifar100"]
    assert related_datasets("imdb", known) == []


def test_relaxations_order() -> None:
    wanted = {"framework": "pytorch", "dataset": "cifar100", "max_layers": 9}
    got = relaxations(wanted, ["cifar10", "cifar100", "mnist"])
    assert got[0] == {"framework": "pytorch", "dataset": "cifar100"}  # the layer bound gives way first
    assert got[1] == {"framework": "pytorch", "dataset": "cifar10", "max_layers": 9}  # then a sibling dataset
    assert got[2] == {"framework": "pytorch", "max_layers": 9}
    assert got[3] == {"dataset": "cifar100", "max_layers": 9}  # the framework last
    assert got[-1] == {}
    assert wanted not in got and len(got) == len({tuple(sorted(c.items())) for c in got})


# -- retrieval against a stand-in index (the real one is tested below) --------------


def _summary(id: str, types: list[str], framework: str = "keras", dataset: str = "mnist") -> Summary:
    return Summary(id=id, name="model", source=Source(repo=f"o/{id}", path="m.py"), framework=framework,
                   task="image_classification", datasets=[dataset], layers=[Layer(type=t) for t in types])


@dataclass
class _Hit:
    summary: Summary
    score: float


@dataclass
class _Result:
    hits: list
    total_matching: int


@dataclass
class StandInIndex:
    """Exact filtering over a list, in the SEAMS.md shape; records the calls."""

    summaries: list[Summary]
    calls: list = field(default_factory=list)

    def _match(self, f) -> list[Summary]:
        return [s for s in self.summaries
                if (f.framework is None or s.framework == f.framework)
                and (f.dataset is None or f.dataset in s.datasets)
                and (f.max_layers is None or len(s.layers) <= f.max_layers)]

    def search(self, query, k=100, filters=None, understand=True, fill=None):
        self.calls.append(("search", query, filters, understand))
        rows = self._match(filters)
        return _Result([_Hit(s, 1.0) for s in rows[:k]], len(rows))

    def count(self, filters) -> int:
        return len(self._match(filters))


def _stand_in() -> StandInIndex:
    return StandInIndex(
        [_summary(f"k{i}", ["Conv2D", "Dense"], "keras", "cifar100") for i in range(5)]
        + [_summary(f"p{i}", ["Conv2D"] * 12, "pytorch", "cifar10") for i in range(3)]
        + [_summary(f"m{i}", ["Dense"], "pytorch", "mnist") for i in range(4)]
    )


def test_retrieve_relaxes_to_sibling_dataset_and_says_so() -> None:
    index = _stand_in()
    state = State(query="classify images", framework="pytorch", dataset="cifar100")
    pop = retrieve(index, state, ["cifar10", "cifar100", "mnist"])
    assert [s.id for s in pop.summaries] == ["p0", "p1", "p2"]
    assert pop.filters == {"framework": "pytorch", "dataset": "cifar10"}
    assert pop.notices == ["No examples match PyTorch + CIFAR-100: showing the 3 PyTorch + CIFAR-10 "
                           "examples instead."]
    # filters are passed explicitly, with the question read as the command line reads it
    # (index.understand), the relaxed dataset only a boost
    assert all(isinstance(call[3], Understanding) for call in index.calls)
    assert index.calls[-1][3].filters == {"framework": "pytorch"} or not index.calls[-1][3].filters


def test_retrieve_drops_layer_bound_first() -> None:
    pop = retrieve(_stand_in(), State(query="x", framework="pytorch", dataset="cifar10", max_layers=5),
                   ["cifar10"])
    assert pop.filters == {"framework": "pytorch", "dataset": "cifar10"}
    assert "No examples match PyTorch + CIFAR-10 + at most 5 layers" in pop.notices[0]


def test_retrieve_says_when_fewer_than_k_match() -> None:
    pop = retrieve(_stand_in(), State(query="x", framework="pytorch", dataset="mnist"))
    assert len(pop.summaries) == 4
    assert pop.notices == ["Only 4 examples match PyTorch + MNIST. Say “any dataset” to see more."]


def test_retrieve_without_filters_has_no_notice() -> None:
    pop = retrieve(_stand_in(), State(query="x", k=5))
    assert len(pop.summaries) == 5 and pop.notices == [] and pop.filters == {}


def test_pasting_a_model_keeps_the_chats_filters(engine) -> None:
    from browser.corpus import FLAWED_KERAS_MODEL

    from assistant.session import read_model

    model, _ = read_model(FLAWED_KERAS_MODEL.encode(), "mine.py")
    chat = engine.apply_message(State(), "classify handwritten digits")
    chat = engine.apply_message(chat, "only PyTorch")
    pasted = with_model(chat, model, "mine.py")
    assert (pasted.query, pasted.framework) == (chat.query, "pytorch") and pasted.model is model
    ans = engine.answer(pasted)
    assert ans.population.summaries and all(s.framework == "pytorch" for s in ans.population.summaries)
    assert "with framework PyTorch" in ans.population.how
    # removing the model keeps them too
    assert with_model(pasted, None).framework == "pytorch"


def test_search_text_falls_back_to_filters_and_model() -> None:
    assert State(framework="pytorch", dataset="cifar10").search_text() == "CIFAR-10 PyTorch"
    model = _summary("mine", ["Conv2D", "Dense"])
    assert "Conv2D" in with_model(State(), model).search_text()
    assert State().search_text()


# -- answers on a real ExampleIndex over the tiny corpus -------------------------------


@pytest.fixture(scope="module")
def engine():
    from browser.corpus import tiny_corpus

    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    return Engine(ExampleIndex.from_summaries(tiny_corpus(), embedder=HashEmbedder()))


def test_answer_has_every_view(engine) -> None:
    ans = engine.answer(engine.apply_message(State(), "classify handwritten digits on MNIST"))
    pop = ans.population
    assert ans.error is None and pop.filters == {"dataset": "mnist"}
    assert pop.summaries and all("mnist" in s.datasets for s in pop.summaries)
    assert set(ans.figures) == {"sankey", "alignment", "tricks", "learning_rate", "batch_size", "epochs",
                                "optimizer", "loss"}
    assert ans.table["#"].tolist() == list(range(1, len(pop.summaries) + 1))
    assert ans.reply and ans.findings == []


def test_answer_relaxes_with_a_notice_in_the_reply(engine) -> None:
    state = State(query="classify images", framework="pytorch", dataset="cifar100")
    ans = engine.answer(state)
    assert ans.population.filters == {"framework": "pytorch", "dataset": "cifar10"}
    assert ans.reply.startswith("No examples match PyTorch + CIFAR-100: showing the 8 PyTorch + CIFAR-10")


def test_selected_example_is_highlighted(engine) -> None:
    state = State(query="classify handwritten digits", dataset="mnist")
    plain = engine.answer(state)
    picked = plain.population.summaries[2]
    ans = engine.answer(replace(state, selected=picked.id))
    assert ans.selected is picked
    assert ans.figures["sankey"].to_json() != plain.figures["sankey"].to_json()
    # a selection that is not among the results highlights nothing
    assert engine.answer(replace(state, selected="nope")).selected is None


def test_population_is_cached_by_what_decides_it(engine) -> None:
    state = State(query="sentiment of reviews", framework="keras")
    first = engine.population(state)
    assert engine.population(replace(state, selected="x")) is first
    assert engine.population(replace(state, k=10)) is not first


def test_corpus_text_in_the_reply_is_escaped(engine) -> None:
    ans = engine.answer(State(query="evil img onerror", dataset="<b>mnist</b>"))
    assert "<b>" not in ans.reply and "<img" not in ans.reply


def test_pasted_model_is_compared_with_its_task(engine) -> None:
    from browser.corpus import FLAWED_KERAS_MODEL

    from assistant.session import read_model

    model, note = read_model(FLAWED_KERAS_MODEL.encode(), "mine.py")
    assert model is not None and model.framework == "keras" and "4 layers" in note
    ans = engine.answer(with_model(State(query="digits"), model, "mine.py"))
    # the chat's question is kept; its own dataset on its task comes first, then its task
    assert ans.state.query == "digits" and ans.state.task is None
    tiers = [(t.what, t.filters) for t in ans.population.tiers]
    assert tiers[:2] == [("dataset", {"dataset": "mnist", "task": "image_classification"}),
                         ("task", {"task": "image_classification"})]
    first = ans.population.tiers[0].count
    assert all("mnist" in s.datasets for s in ans.population.summaries[:first])
    kinds = {f.kind for f in ans.findings}
    assert {"missing_activation", "huge_epochs", "huge_learning_rate", "missing_dropout"} <= kinds
    assert f"**mine.py** compared with these {len(ans.population.summaries)} examples: 4 finding(s)" in ans.reply
    assert f"How they were chosen: {first} MNIST image classification examples, then " in ans.reply
    # its values are marked in the plots, under its own name
    assert "your model" in ans.figures["learning_rate"].to_json()
    assert "your model" not in engine.answer(State(query="digits", task="image_classification")).figures[
        "learning_rate"].to_json()


@pytest.mark.parametrize(("data", "words"), [
    (b"", "Paste a Keras or PyTorch model"),
    (b"x" * 200_001, "the limit is 200 kB"),
    (b"print('hello')\n", "No Keras or PyTorch model found"),
])
def test_read_model_refusals(data: bytes, words: str) -> None:
    from assistant.session import read_model

    model, note = read_model(data, "x.py")
    assert model is None and words in note


def test_missing_index_answers_with_the_message() -> None:
    from assistant.session import Engine

    ans = Engine(None, error="No index. Rebuild it with: examplenet index build").answer(State(query="x"))
    assert ans.error and "examplenet index build" in ans.reply and ans.population is None


@pytest.mark.slow
def test_real_embedding_model_brings_the_right_task() -> None:
    from browser.corpus import tiny_corpus

    from assistant.session import Engine
    from index.search import ExampleIndex

    engine = Engine(ExampleIndex.from_summaries(tiny_corpus()))
    ans = engine.answer(engine.apply_message(State(), "classify movie reviews as positive or negative"))
    top = [s.task for s in ans.population.summaries[:10]]
    assert top.count("text_classification") >= 8


def test_hyperparameter_value_narrows_the_set(engine) -> None:
    ans = engine.answer(State(query="classify handwritten digits", dataset="mnist", optimizer="sgd"))
    pop = ans.population
    assert pop.summaries and {s.hyperparameters.optimizer for s in pop.summaries} == {"sgd"}
    assert {s.framework for s in pop.summaries} == {"pytorch"}  # in the tiny corpus only torch uses SGD
    assert pop.filters == {"dataset": "mnist", "optimizer": "sgd"}


def test_hyperparameter_narrowing_gives_way_first(engine) -> None:
    ans = engine.answer(State(query="reviews", dataset="imdb", optimizer="rmsprop"))
    assert ans.population.filters == {"dataset": "imdb"}
    assert ans.notices[0].startswith("No examples match IMDB + optimizer RMSprop: showing the 16 IMDB")


@pytest.mark.parametrize(("filters", "hint"), [
    ({"framework": "pytorch", "dataset": "cifar100"}, "any dataset"),
    ({"framework": "pytorch"}, "any framework"),
    ({"dataset": "mnist", "max_layers": 5}, "any number of layers"),
    ({"trick": "attention", "optimizer": "adam"}, "any optimizer"),
    ({}, None),
])
def test_widen_hint(filters: dict, hint: str | None) -> None:
    from assistant.session import widen_hint

    assert widen_hint(filters) == hint
    if hint:  # and the hint, said in the chat, drops that filter
        dropped = apply_message(replace(BASE, **filters), hint)
        assert len(dropped.filter_values()) < len(filters)


@pytest.mark.parametrize("text", ["house prices", "digits", "predict house prices"])
def test_a_first_message_of_plain_dataset_words_is_a_question(text: str) -> None:
    # read as `examplenet search` reads it: a family or a plain word boosts, it does not filter
    assert apply_message(State(), text) == State(query=text)


@pytest.mark.parametrize(("text", "dataset"), [("house prices", "house_prices"), ("digits", "digits")])
def test_later_in_the_chat_plain_dataset_words_name_the_dataset(text: str, dataset: str) -> None:
    assert apply_message(BASE, f"on {text} instead") == replace(BASE, dataset=dataset)


def test_a_thin_dataset_is_filled_up_and_the_reply_says_so() -> None:
    from test_index_search import thin_corpus

    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    engine = Engine(ExampleIndex.from_summaries(thin_corpus(), embedder=HashEmbedder()))
    state = engine.apply_message(replace(State(), k=20), "predict which Titanic passengers survived")
    assert state.dataset == "titanic"
    ans = engine.answer(state)
    assert len(ans.population.summaries) == 20 and ans.population.total_matching == 3
    assert ans.notices == ["Only 3 Titanic examples exist; the other 17 are tabular classification examples "
                           "of other datasets, retrieved as nearest."]
    assert ans.reply.startswith("Only 3 Titanic examples exist")
    # a thin task is said so too
    ans = engine.answer(engine.apply_message(replace(State(), k=20), "answer questions about a paragraph"))
    assert ans.notices[0].startswith("Only 5 question answering examples exist; the other 15 are ")


def test_a_filled_dataset_under_other_filters_names_them_in_words() -> None:
    from test_index_search import thin_corpus

    from assistant.session import Engine
    from index.embed import HashEmbedder
    from index.search import ExampleIndex

    engine = Engine(ExampleIndex.from_summaries(thin_corpus(), embedder=HashEmbedder()))
    ans = engine.answer(State(query="regression", dataset="house_prices", framework="keras", k=30))
    assert ans.notices[0].startswith("Only 5 house prices examples match Keras; the other 25 are "
                                     "California housing (12) and Boston housing (4) from its family, and ")
