"""Property-based fuzzing of the parser and the comparison (issue 6).

Random and mutated scripts (garbled bytes, cut-off files, Python 2, deep
nesting, odd encodings) must always give summaries, never an exception, and
the comparison must accept whatever the parser returns, and no input may
reach a catch-all of the parser (an "internal error:" warning is a bug, not
bad input). Whole generated repositories (imports across files, cycles,
hostile configs) go through the repository pass the same way. `bench/fuzz.py` runs the same generators for longer and reports
the slowest input and the internal errors.
"""

from __future__ import annotations

import json

from fuzz_inputs import SEEDS, mutated_script, population, random_repository
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.compare import Finding, compare
from corpus.readers.parser import parse_bytes
from corpus.record.summary import Summary

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(summaries: list[Summary]) -> None:
    assert isinstance(summaries, list)
    for s in summaries:
        assert s.parse.status in ("ok", "partial", "failed")
        # The record stays serialisable whatever the input held.
        Summary.from_json(s.to_json())
        if s.parse.status == "failed":
            assert s.parse.warnings, "a failed parse must say why"
        # A catch-all in the parser caught a bug: bad input must never reach one (issue 14).
        bugs = [w for w in s.parse.warnings if str(w).startswith("internal error:")]
        assert not bugs, bugs


@SETTINGS
@given(data=st.binary(max_size=4096), ext=st.sampled_from([".py", ".ipynb", ".md"]))
def test_random_bytes_never_crash(data: bytes, ext: str) -> None:
    _check(parse_bytes(data, "fuzz" + ext))


@SETTINGS
@given(data=mutated_script())
def test_mutated_model_scripts_never_crash(data: bytes) -> None:
    _check(parse_bytes(data, "mutated.py"))


@SETTINGS
@given(data=mutated_script(), encoding=st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-8-sig"]))
def test_odd_encodings_never_crash(data: bytes, encoding: str) -> None:
    text = data.decode("utf-8", "replace")
    _check(parse_bytes(text.encode(encoding, "replace"), "encoded.py"))


@SETTINGS
@given(data=mutated_script())
def test_mutated_notebooks_never_crash(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    nb = json.dumps({"cells": [{"cell_type": "code", "source": text.splitlines(True)}], "nbformat": 4})
    cut = len(nb) // 2
    _check(parse_bytes(nb.encode(), "nb.ipynb"))
    _check(parse_bytes(nb[:cut].encode(), "cut.ipynb"))


@SETTINGS
@given(data=mutated_script())
def test_compare_accepts_whatever_the_parser_returns(data: bytes) -> None:
    pop = population()
    for model in parse_bytes(data, "user.py"):
        findings = compare(model, pop)
        assert all(isinstance(f, Finding) and f.kind and f.message for f in findings)


def test_seed_scripts_parse_to_models() -> None:
    # The mutation seeds themselves are real models: if they stopped parsing,
    # the fuzzing above would only ever test the failure path.
    for name, code in SEEDS.items():
        models = parse_bytes(code.encode(), name)
        assert models and models[0].layers, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
@example(seed=196930312)  # a class that holds itself (``self.block = Net0()``) made the join recurse
def test_generated_repositories_read_whole_never_reach_a_catch_all(seed: int) -> None:
    # The repository pass (imports across files and their cycles, configs sound and hostile, the join)
    # used by the harvest, `examplenet parse DIR` and the zip upload: bad repositories are bad input.
    import random

    from corpus.readers.repository import read_repository

    files = random_repository(random.Random(seed))
    got = read_repository(files)
    _check(got.summaries)
    pop = population()
    for model in got.summaries:
        assert all(isinstance(f, Finding) for f in compare(model, pop))
    assert all(isinstance(w, str) and "\n" not in w for w in got.warnings)


def test_generated_repositories_exercise_the_join_and_hostile_configs() -> None:
    # The generator must reach what it is for: models joined across files, blocks of another file
    # expanded in place, configs refused.
    import random

    from corpus.readers.repository import read_repository

    rng = random.Random(14)
    joined = expanded = refused = 0
    for _ in range(60):
        got = read_repository(random_repository(rng))
        joined += got.joined
        expanded += got.expanded
        refused += len(got.warnings)
    assert joined > 0 and expanded > 0 and refused > 0
