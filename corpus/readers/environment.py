"""How an example runs, read statically: packages, Python version, GPU need, data download.

Package files are read as data, never run: ``requirements*.txt`` line by
line, ``setup.py`` by a conservative regex over its ``install_requires``
literal, ``setup.cfg`` with configparser, ``pyproject.toml`` with tomllib,
``environment.yml`` with ``yaml.safe_load``; notebooks' ``!pip install``
cells by their words. The GPU need and the data download come from the code's
text (call spellings and the ``if`` around them).

Shapes::

    packages_from_file(path, text) -> ({"tensorflow": "==2.4.1", "numpy": ""}, "3.8" or None)
    gpu_need(code) -> "required" | "optional" | "cpu" | None
    downloads_data(code) -> True | False | None
    framework_version(env, framework, code) -> ("tensorflow 2.4.1", False) | ("tensorflow 1.x", True) | (None, False)
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterable, Iterator

from corpus.record.summary import Environment, Summary

# The files that name an example's packages, by file name.
PACKAGE_FILES = ("requirements.txt", "setup.py", "setup.cfg", "pyproject.toml", "environment.yml",
                 "environment.yaml", "conda.yml", "conda.yaml", "Pipfile")
MAX_PACKAGE_FILE = 512 * 1024  # bytes; larger "requirements" are not package lists
MAX_PACKAGES = 400
# A framework version inferred from the APIs is not a package the example names: it is kept in
# ``Summary.value_sources[INFERRED_KEY]`` as "tensorflow 1.x" + INFERRED_SUFFIX.
INFERRED_KEY = "environment.framework"
INFERRED_SUFFIX = ", inferred from the APIs used"
PACKAGES_KEY = "environment.packages"  # value_sources: the files the packages came from

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*((?:[<>=!~]=?|===?)\s*[^;#\s]+"
                  r"(?:\s*,\s*(?:[<>=!~]=?|===?)\s*[^;#,\s]+)*)?")
_PY_VERSION = re.compile(r"(\d+(?:\.\d+){0,2})")
_STRING = re.compile(r"""(?:'([^'\\\n]*)'|"([^"\\\n]*)")""")
_INSTALL_REQUIRES = re.compile(r"install_requires\s*=\s*\[([^\]]{0,20000})\]", re.DOTALL)
_PYTHON_REQUIRES = re.compile(r"python_requires\s*=\s*['\"]([^'\"]{1,40})['\"]")
_PIP_LINE = re.compile(r"^\s*[!%]\s*(?:pip3?|python3?\s+-m\s+pip|conda|mamba)\s+install\s+(.*)$")


def canonical_name(name: str) -> str:
    """PEP 503 form: ``Tensorflow_GPU`` -> ``tensorflow-gpu``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_package_file(path: str) -> bool:
    """Whether ``path`` is a file this module reads packages from (``requirements-dev.txt`` counts)."""
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    low = base.lower()
    if low.startswith("requirements") and low.endswith((".txt", ".in")):
        return True
    return low in PACKAGE_FILES or base in PACKAGE_FILES


def requirement(spec: str) -> tuple[str, str] | None:
    """``tensorflow-gpu==1.15 ; python_version<'3.8'`` -> (``tensorflow-gpu``, ``==1.15``); None for others."""
    spec = spec.strip()
    if not spec or spec.startswith(("-", "#", "git+", "http:", "https:", "file:", ".", "/")):
        return None
    m = _REQ.match(spec)
    if not m:
        return None
    rest = spec[m.end():].lstrip()
    if rest and not rest.startswith((";", "#")):
        return None  # something this reader does not understand: better nothing than a wrong name
    return canonical_name(m.group(1)), re.sub(r"\s+", "", m.group(3) or "")


def _requirements(lines: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        line = line.split(" #", 1)[0]
        got = requirement(line)
        if got and len(out) < MAX_PACKAGES:
            out.setdefault(*got)
    return out


def _python(spec: str | None) -> str | None:
    """A Python version as stated: ``>=3.6`` -> ``>=3.6``, ``python=3.7`` -> ``3.7``; None when not one."""
    if not spec:
        return None
    spec = str(spec).strip()
    if not _PY_VERSION.search(spec) or len(spec) > 40:
        return None
    return spec.lstrip("=") if re.fullmatch(r"=*\d+(?:\.\d+){0,2}(?:\.\*)?", spec) else spec


def _conda(spec: str) -> tuple[str, str] | None:
    """A conda dependency: ``tensorflow-gpu=1.15`` -> (tensorflow-gpu, ==1.15); ``conda-forge::numpy``."""
    spec = spec.split("::")[-1].strip()
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:=(?!=)\s*([^=\s]+)(?:=\S+)?|(\S.*))?$", spec)
    if not m:
        return None
    if m.group(2):
        return canonical_name(m.group(1)), "==" + m.group(2)
    if m.group(3):
        got = requirement(spec)
        return got
    return canonical_name(m.group(1)), ""


def packages_from_file(path: str, text: str) -> tuple[dict[str, str], str | None]:
    """The packages and Python version one package file names. Never raises on bad input.

    Args:
        path: the file's path (its name says how to read it).
        text: its text.

    Returns:
        ``({name: version spec}, python version or None)``; specs are ``""`` when unpinned.
    """
    base = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if len(text) > MAX_PACKAGE_FILE:
        return {}, None
    try:
        if base.endswith((".txt", ".in")):
            return _requirements(text.splitlines()), None
        if base == "setup.py":
            return _setup_py(text)
        if base == "setup.cfg":
            return _setup_cfg(text)
        if base == "pyproject.toml":
            return _pyproject(text)
        if base == "pipfile":
            return _pipfile(text)
        if base.endswith((".yml", ".yaml")):
            return _environment_yml(text)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, configparser.Error):
        return {}, None
    return {}, None


def _setup_py(text: str) -> tuple[dict[str, str], str | None]:
    # Only a literal list is read: a list built by code (open('requirements.txt')) says nothing here.
    pkgs: dict[str, str] = {}
    m = _INSTALL_REQUIRES.search(text)
    if m:
        pkgs = _requirements(a or b for a, b in _STRING.findall(m.group(1)))
    py = _PYTHON_REQUIRES.search(text)
    return pkgs, _python(py.group(1)) if py else None


def _setup_cfg(text: str) -> tuple[dict[str, str], str | None]:
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read_string(text)
    if not cp.has_section("options"):
        return {}, None
    reqs = cp.get("options", "install_requires", fallback="")
    return _requirements(reqs.splitlines()), _python(cp.get("options", "python_requires", fallback=None))


def _pyproject(text: str) -> tuple[dict[str, str], str | None]:
    doc = tomllib.loads(text)
    project = doc.get("project") or {}
    pkgs = _requirements(d for d in project.get("dependencies") or [] if isinstance(d, str))
    python = _python(project.get("requires-python"))
    poetry = ((doc.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
    if isinstance(poetry, dict):
        for name, ver in poetry.items():
            if isinstance(ver, dict):
                ver = ver.get("version", "")
            if not isinstance(ver, str):
                continue
            if name.lower() == "python":
                python = python or _python(ver)
            elif len(pkgs) < MAX_PACKAGES:
                pkgs.setdefault(canonical_name(name), "" if ver in ("*", "") else ver)
    return pkgs, python


def _pipfile(text: str) -> tuple[dict[str, str], str | None]:
    doc = tomllib.loads(text)
    pkgs: dict[str, str] = {}
    for name, ver in (doc.get("packages") or {}).items():
        if isinstance(ver, dict):
            ver = ver.get("version", "")
        if isinstance(ver, str):
            pkgs[canonical_name(name)] = "" if ver == "*" else ver
    python = _python((doc.get("requires") or {}).get("python_version"))
    return pkgs, python


def _environment_yml(text: str) -> tuple[dict[str, str], str | None]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}, None
    if not isinstance(doc, dict):
        return {}, None
    pkgs: dict[str, str] = {}
    python = None
    for dep in doc.get("dependencies") or []:
        if isinstance(dep, str):
            got = _conda(dep)
            if got is None:
                continue
            if got[0] == "python":
                python = _python(got[1].lstrip("=")) if got[1] else None
            elif got[0] != "pip" and len(pkgs) < MAX_PACKAGES:
                pkgs.setdefault(*got)
        elif isinstance(dep, dict) and isinstance(dep.get("pip"), list):
            for name, ver in _requirements(p for p in dep["pip"] if isinstance(p, str)).items():
                pkgs.setdefault(name, ver)
    return pkgs, python


def install_cells(lines: Iterable[str]) -> dict[str, str]:
    """Packages of notebook install lines: ``!pip install tensorflow==2.3 keras`` -> both, in order."""
    out: dict[str, str] = {}
    for line in lines:
        m = _PIP_LINE.match(line)
        if not m:
            continue
        words = m.group(1).split("#", 1)[0].split()
        skip = False
        for w in words:
            if skip:
                skip = False
                continue
            if w.startswith("-"):
                # options that take a value: -r file, -c channel, -i index, --target dir
                skip = w in ("-r", "-c", "-i", "-f", "-t", "--target", "--index-url", "--extra-index-url",
                             "--channel", "--find-links", "--requirement", "--constraint")
                continue
            w = w.strip("'\"")
            conda = re.search(r"(?<![<>=!~])=(?!=)", w) is not None
            got = _conda(w) if conda else requirement(w)
            if got and len(out) < MAX_PACKAGES:
                out[got[0]] = got[1]
    return out


# -- GPU need ------------------------------------------------------------------------------
# Moves to CUDA that do not ask first.
_CUDA_MOVE = re.compile(
    r"\.cuda\(\s*\d*\s*\)|torch\.device\(\s*['\"]cuda|\.to\(\s*['\"]cuda|device\s*=\s*['\"]cuda"
    r"|torch\.cuda\.\w*Tensor\b|\.to\(\s*device\s*=\s*['\"]cuda|multi_gpu_model\(|\bDataParallel\("
)
# Checks that pick CUDA only where it is there.
_CUDA_CHECK = re.compile(
    r"cuda\.is_available\(|list_physical_devices\(\s*['\"]GPU|is_gpu_available\(|gpu_device_name\("
    r"|\bjax\.devices\(\s*['\"]gpu|mps\.is_available\("
)
# Code that pins the CPU.
_CPU_PIN = re.compile(
    r"torch\.device\(\s*['\"]cpu['\"]\s*\)|device\s*=\s*['\"]cpu['\"]|CUDA_VISIBLE_DEVICES['\"]\s*\]\s*=\s*['\"](?:-1)?['\"]"
    r"|tf\.device\(\s*['\"]/?(?:device:)?cpu|\.to\(\s*['\"]cpu['\"]\s*\)\s*$"
)
_ANY_DEVICE = re.compile("|".join(f"(?:{p.pattern})" for p in (_CUDA_MOVE, _CUDA_CHECK, _CPU_PIN)), re.MULTILINE)
# Every match of _ANY_DEVICE starts with one of these words: the places they are found by
# ``str.find`` are the only ones the alternation is tried at (tried at every byte, it cost
# more than the rest of the GPU reading).
_DEVICE_STARTS = (".cuda(", "torch.", ".to(", "device", "multi_gpu_model(", "DataParallel(", "cuda.is_available(",
                  "list_physical_devices(", "is_gpu_available(", "gpu_device_name(", "jax.devices(",
                  "mps.is_available(", "CUDA_VISIBLE_DEVICES", "tf.device(")
_IF = re.compile(r"^\s*(?:if|elif|else|while|try|except)\b")
_GUARD = re.compile(r"\b(?:if|else)\b|\bor\b|\band\b")


def _conditional(lines: list[str], i: int) -> bool:
    """Whether line ``i`` runs only on a condition: a ternary on the line, or an enclosing ``if``/``try``."""
    line = lines[i]
    if re.search(r"\bif\b.*\belse\b", line) or _IF.match(line):
        return True
    indent = len(line) - len(line.lstrip())
    for j in range(i - 1, max(-1, i - 400), -1):
        prev = lines[j]
        if not prev.strip() or prev.lstrip().startswith("#"):
            continue
        ind = len(prev) - len(prev.lstrip())
        if ind < indent:
            if _IF.match(prev):
                return True
            if re.match(r"\s*(?:def|class)\b", prev):
                return False  # a function's body: its caller decides, read as unconditional
            indent = ind
            if indent == 0:
                return False
    return False


def _device_matches(code: str) -> Iterator[re.Match[str]]:
    """What ``_ANY_DEVICE.finditer(code)`` yields, trying the pattern only where a match can start."""
    starts: set[int] = set()
    for word in _DEVICE_STARTS:
        i = code.find(word)
        while i >= 0:
            starts.add(i)
            i = code.find(word, i + 1)
    end = 0
    for i in sorted(starts):
        if i < end:
            continue  # inside the previous match (finditer's matches do not overlap)
        m = _ANY_DEVICE.match(code, i)
        if m is not None:
            end = m.end()
            yield m


def gpu_need(code: str) -> str | None:
    """``required`` (moves to CUDA unconditionally), ``optional`` (only if available), ``cpu`` (pins the CPU), else None.

    Args:
        code: the script's Python code (a notebook's code cells joined).
    """
    if not re.search(r"cuda|CUDA|gpu|GPU|cpu|CPU|DataParallel", code):
        return None
    lines = code.split("\n")
    required = optional = cpu = False
    # only the lines a pattern matches are looked at (the rest of a long file costs one scan)
    line_no, last = 0, 0
    seen: set[int] = set()
    for m in _device_matches(code):
        line_no += code.count("\n", last, m.start())
        last = m.start()
        if line_no in seen:
            continue
        seen.add(line_no)
        i = line_no
        text = lines[i].split("#", 1)[0]
        if not text.strip():
            continue
        if _CUDA_CHECK.search(text):
            optional = True
        if _CUDA_MOVE.search(text):
            if _conditional(lines, i) or _GUARD.search(text.split("cuda", 1)[0]):
                optional = True
            else:
                required = True
        if _CPU_PIN.search(text) and not _conditional(lines, i):
            cpu = True
    if required:
        return "required"
    if optional:
        return "optional"
    if cpu:
        return "cpu"
    return None


# -- data download -------------------------------------------------------------------------
_DOWNLOAD = re.compile(
    r"\b(?:datasets|keras\.datasets)\.\w+\.load_data\(|\b(?:mnist|fashion_mnist|cifar10|cifar100|imdb|reuters"
    r"|boston_housing|california_housing)\.load_data\(|download\s*=\s*True|\btfds\.load\(|\btfds\.builder\("
    r"|\bload_dataset\(|\burlretrieve\(|\bget_file\(|\bfetch_(?:openml|california_housing|20newsgroups\w*|lfw_\w+"
    r"|olivetti_faces|covtype|kddcup99|rcv1|species_distributions)\(|\bgdown\.download\(|\bwget\.download\("
    r"|\bkaggle\.api\.|\bdownload_url\(|\bhub\.load\(|\brequests\.get\(\s*['\"]https?://[^'\"]*\.(?:zip|gz|tgz"
    r"|csv|tar|npz|json|txt)['\"]"
)
# _DOWNLOAD's alternatives, each after a word it needs: one scan by a large alternation
# (which the regex engine cannot skip ahead in) cost more than a few substring scans.
_DOWNLOAD_PARTS = tuple((word, re.compile(rx)) for word, rx in (
    ("load_data(", r"\b(?:datasets|keras\.datasets)\.\w+\.load_data\(|\b(?:mnist|fashion_mnist|cifar10|cifar100|imdb"
                   r"|reuters|boston_housing|california_housing)\.load_data\("),
    ("download", r"download\s*=\s*True|\bgdown\.download\(|\bwget\.download\(|\bdownload_url\("),
    ("tfds.", r"\btfds\.load\(|\btfds\.builder\("),
    ("load_dataset(", r"\bload_dataset\("),
    ("urlretrieve(", r"\burlretrieve\("),
    ("get_file(", r"\bget_file\("),
    ("fetch_", r"\bfetch_(?:openml|california_housing|20newsgroups\w*|lfw_\w+|olivetti_faces|covtype|kddcup99|rcv1"
               r"|species_distributions)\("),
    ("kaggle.api.", r"\bkaggle\.api\."),
    ("hub.load(", r"\bhub\.load\("),
    ("requests.get(", r"\brequests\.get\(\s*['\"]https?://[^'\"]*\.(?:zip|gz|tgz|csv|tar|npz|json|txt)['\"]"),
))
_SHELL_DOWNLOAD = re.compile(r"^\s*[!%]\s*(?:wget|curl|kaggle\s+(?:datasets|competitions)\s+download|gdown"
                             r"|git\s+clone|unzip\s+-?\S*\s*\S+\.zip)\b", re.MULTILINE)
_LOCAL_DATA = re.compile(
    r"\bread_csv\(\s*['\"](?!https?:)|ImageFolder\(|flow_from_directory\(|image_dataset_from_directory\("
    r"|\bnp\.load\(\s*['\"]|\bread_excel\(\s*['\"](?!https?:)|\bload_img\(|\bpd\.read_json\(\s*['\"](?!https?:)"
)
_KERAS_LOAD_DATA = re.compile(r"\.load_data\(")
# Plain words one of whose presence the patterns above need: a file without any costs a few
# substring scans, not a scan by a large alternation (which the regex engine cannot skip ahead in).
_DOWNLOAD_WORDS = ("load_data(", "download", "tfds.", "load_dataset(", "urlretrieve(", "get_file(", "fetch_",
                   "hub.load(", "kaggle.api", "requests.get(")
_LOCAL_WORDS = ("read_csv(", "ImageFolder(", "flow_from_directory(", "image_dataset_from_directory(", "np.load(",
                "read_excel(", "load_img(", "read_json(")


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def downloads_data(code: str, shell: str = "") -> bool | None:
    """True where the code fetches its data itself, False where it reads local files only, else None.

    Args:
        code: the Python code.
        shell: a notebook's shell and magic lines (``!wget ...``), which are not Python.
    """
    if shell and _SHELL_DOWNLOAD.search(shell):
        return True
    if _has_any(code, _DOWNLOAD_WORDS):
        if any(word in code and rx.search(code) for word, rx in _DOWNLOAD_PARTS):
            return True
        if _KERAS_LOAD_DATA.search(code) and re.search(r"\bkeras\b.*\bdatasets\b|from\s+\S*datasets\s+import",
                                                         code):
            return True
    if _has_any(code, _LOCAL_WORDS) and _LOCAL_DATA.search(code):
        return False
    return None


# -- framework version ---------------------------------------------------------------------
FRAMEWORK_PACKAGES = {
    "keras": ("keras", "tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tf-nightly", "tensorflow-macos"),
    "tensorflow": ("tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tf-nightly", "tensorflow-macos"),
    "pytorch": ("torch", "pytorch"),
    "jax": ("jax", "flax"),
}
# (frameworks, API spelling, package, version, words the spelling needs): APIs of one major version only.
# Each spelling opens with a look-ahead at the first characters of its alternatives, so the regex
# engine skips other positions in C (a leading \b alone makes it try the pattern at every one).
_API_VERSIONS: list[tuple[tuple[str, ...], re.Pattern[str], str, str, tuple[str, ...]]] = [
    (("keras",), re.compile(r"(?=[kfi])\bkeras\.ops\b|\bfrom keras import ops\b|\bimport keras_core\b|\bkeras\.src\b"),
     "keras", "3.x", ("ops", "keras_core", "keras.src")),
    (("keras", "tensorflow"), re.compile(r"(?=t)\btf\.contrib\b|\btf\.Session\(|\btf\.placeholder\(|\btf\.app\.flags\b"
                                         r"|\btf\.global_variables_initializer\(|\btf\.train\.\w+Optimizer\("),
     "tensorflow", "1.x", ("tf.contrib", "tf.Session", "tf.placeholder", "tf.app", "global_variables_initializer",
                            "tf.train.")),
    (("keras", "tensorflow"), re.compile(r"(?=[t@])\btf\.GradientTape\(|@tf\.function\b|\btf\.compat\.v1\b"
                                         r"|\btf\.keras\.layers\.experimental\b"),
     "tensorflow", "2.x", ("GradientTape", "tf.function", "compat.v1", "experimental")),
    (("pytorch",), re.compile(r"(?=[vl])\bvolatile\s*=\s*True|\bloss\w*\.data\[0\]"), "torch", "<0.4", ("volatile", ".data[0]")),
    (("pytorch",), re.compile(r"(?=t)\btorch\.compile\("), "torch", "2.x", ("torch.compile",)),
]


def framework_version(env: Environment, framework: str, code: str = "") -> tuple[str | None, bool]:
    """The framework version the example pins, else one its APIs imply.

    Args:
        env: the example's environment (``packages``).
        framework: ``keras``, ``tensorflow``, ``pytorch``, ``jax``.
        code: the code, for the inference (``tf.Session`` -> TF 1.x, ``keras.ops`` -> Keras 3).

    Returns:
        (``"tensorflow ==2.4.1"`` or ``"tensorflow 1.x"``, inferred?), or (None, False).
    """
    for pkg in FRAMEWORK_PACKAGES.get(framework, ()):
        if pkg in env.packages:
            spec = env.packages[pkg]
            if spec:
                return f"{pkg} {spec.removeprefix('==')}", False
    for fws, pattern, pkg, version, words in _API_VERSIONS:
        if framework in fws and code and _has_any(code, words) and pattern.search(code):
            return f"{pkg} {version}", True
    return None, False


def shown_framework_version(summary: Summary) -> tuple[str | None, bool]:
    """The framework version to show for an example, from its record alone: (text, inferred?)."""
    pinned, _ = framework_version(summary.environment, summary.framework)
    if pinned:
        return pinned, False
    note = summary.value_sources.get(INFERRED_KEY)
    if note:
        return note.removesuffix(INFERRED_SUFFIX), True
    return None, False
