"""The one evaluator of static values: one fixture per construct (tests/fixtures/evaluate_*.py)."""


from conftest import fixture_script

from corpus.readers.evaluate import (
    MISSING,
    UNKNOWN,
    Evaluator,
    Param,
    Scope,
    arith,
    bind_arguments,
    literal,
    read_parameters,
)
from corpus.readers.script import Script, load


def _script(name: str) -> Script:
    return fixture_script(name, path=name)


def test_module_constants_in_order() -> None:
    c = _script("evaluate_constants.py").constants
    assert c["EPOCHS"] == 40  # 2 * 16, then + 8: later assignments win
    assert (c["HIDDEN"], c["LAYERS"]) == (128, 3)
    assert c["SIZES"] == [16, 32, 64]
    assert c["NAME"] == "mnist_cnn"
    assert c["RATE"] == 1e-3 and c["RATIO"] == 3.5 and c["NEG"] == -16
    assert c["FLAG"] is False
    assert (c["HEX"], c["OCTAL"]) == (16, 15)
    assert (c["N_SIZES"], c["AS_INT"]) == (3, 12)
    assert c["CONFIG"] == {"lr": 1e-3, "units": [128]}
    assert (c["FIRST"], c["UNITS"]) == (16, 128)


def test_comparisons_and_boolean_operators() -> None:
    c = _script("evaluate_compare.py").constants
    assert c["SMALL"] is True and c["IS_NONE"] is True
    assert c["MEMBER"] is True and c["NOT_MEMBER"] is True
    assert c["PICKED"] == 32 and c["BOTH"] is False
    assert c["UNKNOWN_SIDE"] is UNKNOWN


def test_argparse_defaults() -> None:
    s = _script("evaluate_argparse.py")
    assert s.argparse_defaults == {"lr": 0.01, "batch_size": 64, "epochs": 10, "data": None}
    assert s.constants["STEP"] == 0.02  # constants read args.lr through the defaults


def test_absl_flag_defaults() -> None:
    s = _script("evaluate_absl_flags.py")
    assert s.argparse_defaults == {"epochs": 20, "learning_rate": 0.5, "optimizer": "adam"}
    assert s.constants["HALF"] == 0.25


def test_hostile_values_stay_unknown() -> None:
    c = _script("evaluate_bounded.py").constants
    assert c["HUGE"] is UNKNOWN and c["ZERO"] is UNKNOWN and c["GREETING"] is UNKNOWN


def test_value_reads_an_environment_first() -> None:
    s = load("x = units * 2\ny = self.hidden + 1\n")
    x, y = (stmt.named_children[0].child_by_field_name("right") for stmt in s.root.named_children)
    assert s.value(x) is UNKNOWN
    assert s.value(x, {"units": 4}) == 8
    assert s.value(y, {"self.hidden": 9}) == 10


def test_parameters_and_binding() -> None:
    s = _script("evaluate_binding.py")
    build, method = s.nodes("function_definition")
    params = read_parameters(build)
    assert [(p.name, p.kind) for p in params] == [("units", "plain"), ("depth", "plain"), ("rest", "star"),
                                                  ("activation", "plain"), ("options", "kw")]
    bound = bind_arguments(params, [64, 3, "a", "b"], {"activation": "tanh", "extra": 1}, default=s.value)
    assert bound == {"units": 64, "depth": 3, "rest": ["a", "b"], "activation": "tanh", "options": {"extra": 1}}
    bound = bind_arguments(params, [64], {}, default=s.value)
    assert bound["depth"] == 2 and bound["rest"] == [] and bound["activation"] == "relu"
    assert bind_arguments(params, [], {}, default=s.value)["units"] is UNKNOWN
    typed = read_parameters(method)
    assert typed == [Param("self"), Param("x"), Param("scale", typed[2].default), Param("args", kind="star"),
                     Param("kw", kind="kw")]


def test_helpers() -> None:
    assert arith(2, "**", 10) == 1024 and arith(10, "**", 100) is UNKNOWN and arith(True, "+", 1) is UNKNOWN
    assert arith("a", "+", "b") == "ab" and arith("a", "*", 2) is UNKNOWN
    assert literal(None) is UNKNOWN
    scope = Scope()
    scope.vars["a"] = 1
    assert Scope(scope).get("a") == 1 and Scope(scope).get("b") is MISSING


def test_handler_table_is_built_from_capitalised_methods() -> None:
    class Doubling(Evaluator):
        def INTEGER(self, n, scope):  # noqa: N802 (handlers are named after node types)
            return 2 * literal(n)

    s = load("x = [1, 2]\n")
    right = s.root.named_children[0].named_children[0].child_by_field_name("right")
    assert Doubling().eval(right) == [2, 4]
    assert Evaluator().eval(right) == [1, 2]


# -- values from the rest of the repository ---------------------------------------------------------

REPO_SCRIPT = b'''import yaml
from params import Params, Builder

with open("c.yaml") as f:
    cfg = yaml.safe_load(f)
LR = cfg["opt"]["lr"]
P = Params()
BS = P.batch_size
'''


def test_repository_handlers_are_no_ops_for_a_file_read_alone() -> None:
    alone = load(REPO_SCRIPT, "train.py")
    assert "cfg" not in alone.constants and alone.constants["LR"] is UNKNOWN and alone.constants["BS"] is UNKNOWN


def test_configuration_values_and_settings_classes_in_a_repository() -> None:
    from corpus.readers.evaluate import ConfigDict, SettingsClass
    from corpus.readers.repo_context import RepoContext

    files = {"train.py": REPO_SCRIPT, "c.yaml": b"opt:\n  lr: 0.5\n",
             "params.py": b"from dataclasses import dataclass\n\n\n@dataclass\nclass Params:\n    batch_size: int = 3\n"
                          b"\n    def describe(self):\n        return 1\n\n\n"
                          b"class Builder(object):\n    units = 4\n\n    def build(self):\n        return None\n"}
    ctx = RepoContext(files)
    s = load(files["train.py"], "train.py", context=ctx)
    assert isinstance(s.constants["cfg"], ConfigDict) and s.constants["LR"] == 0.5 and s.constants["BS"] == 3
    assert ctx.config_reads == [(0.5, "c.yaml: opt.lr")]
    # a dataclass is a settings class even with methods; a class with methods and no declaration is not
    # (a builder class: the join must still find it through its import)
    assert isinstance(s.constants["Params"], SettingsClass)
    assert "Builder" not in s.constants and s.aliases["Builder"] == "params.Builder"


def test_a_configuration_file_is_read_once_per_repository(monkeypatch) -> None:
    from corpus.readers import repo_context
    from corpus.readers.repository import parse_files

    calls: list[str] = []
    real = repo_context.load_config

    def counting(data: bytes, path: str):
        calls.append(path)
        return real(data, path)

    monkeypatch.setattr(repo_context, "load_config", counting)
    code = b'import yaml\nimport torch\ncfg = yaml.safe_load(open("c.yaml"))\nLR = cfg["lr"]\n'
    parse_files({"a.py": code, "b.py": code, "c.yaml": b"lr: 1\n"})
    assert calls == ["c.yaml"]


def test_a_hostile_configuration_is_refused_and_the_value_stays_unknown() -> None:
    from corpus.readers.repo_context import RepoContext

    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]\n" for i in range(1, 10))
    files = {"t.py": b'import yaml\ncfg = yaml.safe_load(open("bomb.yaml"))\nN = cfg["a9"]\n',
             "bomb.yaml": laughs.encode()}
    ctx = RepoContext(files)
    s = load(files["t.py"], "t.py", context=ctx)
    assert s.constants["N"] is UNKNOWN and "not read" in ctx.warnings["bomb.yaml"][0]


def test_a_settings_dict_filled_key_by_key_at_module_level() -> None:
    s = load("config = {'lr': 1e-3}\nbefore = config\nconfig['epochs'] = 20\nconfig[KEY] = 5\nother['x'] = 1\n",
             "settings.py")
    assert s.constants["config"] == {"lr": 1e-3, "epochs": 20}
    assert s.constants["before"] == {"lr": 1e-3}  # (what was read earlier keeps what it saw)
    assert "other" not in s.constants



def test_a_value_chosen_by_whether_a_gpu_is_there_stays_unread() -> None:
    # the labelled sets (Lightning's hello-world, written blind) leave 256-if-CUDA-else-64 empty: the value
    # depends on the machine it runs on
    s = load("import torch\nBATCH = 256 if torch.cuda.is_available() else 64\nN = 3 if True else 4\n", "settings.py")
    assert s.constants["BATCH"] is UNKNOWN and s.constants["N"] == 3
