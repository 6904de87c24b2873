"""The environment reader: packages, Python version, GPU need, data download (issue 13, item 2).

Package files and scripts are written here for the tests; none is run.
"""

from __future__ import annotations

import json

import pytest

from corpus.readers.environment import (
    INFERRED_KEY,
    downloads_data,
    framework_version,
    gpu_need,
    install_cells,
    is_package_file,
    packages_from_file,
    requirement,
    shown_framework_version,
)
from corpus.readers.outcomes import annotate_file, annotate_repository
from corpus.readers.parser import parse_bytes
from corpus.record.summary import Environment, Source, Summary

REQUIREMENTS = """# training
tensorflow-gpu==1.15.0
Keras>=2.2,<2.4
numpy
scikit_learn ~= 0.24  # metrics
-r extra.txt
git+https://github.com/someone/lib.git
-e .
torch==1.7.1; python_version >= "3.6"
"""

SETUP_PY = """from setuptools import setup
import os

setup(
    name="cnnkit",
    python_requires=">=3.7",
    install_requires=[
        "torch>=1.8",
        'torchvision',
        "tqdm==4.62.0",
    ],
    extras_require={"dev": ["pytest"]},
)
"""

SETUP_CFG = """[metadata]
name = rnnkit

[options]
python_requires = >=3.8
install_requires =
    tensorflow>=2.4
    pandas
"""

PYPROJECT = """[project]
name = "jaxkit"
requires-python = ">=3.10"
dependencies = ["jax[cpu]==0.4.13", "flax>=0.7", "optax"]
"""

POETRY = """[tool.poetry.dependencies]
python = "^3.9"
torch = "^2.0"
lightning = {version = "2.1.0", extras = ["extra"]}
"""

ENV_YML = """name: gan
channels:
  - conda-forge
dependencies:
  - python=3.7
  - pytorch=1.4.0
  - conda-forge::numpy
  - pip
  - pip:
    - tensorboardX==2.0
"""


@pytest.mark.parametrize(("path", "text", "packages", "python"), [
    ("requirements.txt", REQUIREMENTS, {"tensorflow-gpu": "==1.15.0", "keras": ">=2.2,<2.4", "numpy": "",
                                        "scikit-learn": "~=0.24", "torch": "==1.7.1"}, None),
    ("setup.py", SETUP_PY, {"torch": ">=1.8", "torchvision": "", "tqdm": "==4.62.0"}, ">=3.7"),
    ("setup.cfg", SETUP_CFG, {"tensorflow": ">=2.4", "pandas": ""}, ">=3.8"),
    ("pyproject.toml", PYPROJECT, {"jax": "==0.4.13", "flax": ">=0.7", "optax": ""}, ">=3.10"),
    ("pyproject.toml", POETRY, {"torch": "^2.0", "lightning": "2.1.0"}, "^3.9"),
    ("environment.yml", ENV_YML, {"pytorch": "==1.4.0", "numpy": "", "tensorboardx": "==2.0"}, "3.7"),
])
def test_package_files(path: str, text: str, packages: dict, python: str | None) -> None:
    assert packages_from_file(path, text) == (packages, python)


@pytest.mark.parametrize("text", ["[project\nbroken", "dependencies: [", "install_requires = {", "\x00\x01"])
def test_broken_package_files_give_nothing(text: str) -> None:
    for path in ("pyproject.toml", "environment.yml", "setup.cfg", "setup.py", "requirements.txt"):
        pkgs, python = packages_from_file(path, text)
        assert python is None and all(isinstance(v, str) for v in pkgs.values())


def test_setup_py_built_by_code_is_not_run() -> None:
    code = "import os\nos.system('touch PWNED')\nsetup(install_requires=open('requirements.txt').read().split())\n"
    assert packages_from_file("setup.py", code) == ({}, None)


def test_yaml_is_read_safely() -> None:
    hostile = "dependencies: !!python/object/apply:os.system ['touch PWNED']\n"
    assert packages_from_file("environment.yml", hostile) == ({}, None)


def test_which_files_are_package_files() -> None:
    assert is_package_file("requirements-gpu.txt") and is_package_file("sub/environment.yml")
    assert is_package_file("setup.py") and not is_package_file("train.py") and not is_package_file("notes.txt")


def test_requirement_lines() -> None:
    assert requirement("Pillow>=8 ; sys_platform != 'win32'") == ("pillow", ">=8")
    assert requirement("opencv-python==4.5.1.48") == ("opencv-python", "==4.5.1.48")
    assert requirement("--extra-index-url https://x") is None
    assert requirement("this is prose, not a requirement") is None


def test_notebook_install_cells() -> None:
    lines = ["!pip install -q tensorflow==2.3.0 keras-tuner", "%pip install --upgrade 'transformers>=4.0'",
             "!conda install -c conda-forge -y librosa=0.8", "!ls data", "!pip install -r requirements.txt"]
    assert install_cells(lines) == {"tensorflow": "==2.3.0", "keras-tuner": "", "transformers": ">=4.0",
                                    "librosa": "==0.8"}


@pytest.mark.parametrize(("code", "want"), [
    ("model = Net().cuda()\nx = x.cuda()\n", "required"),
    ("device = torch.device('cuda:0')\nmodel.to(device)\n", "required"),
    ("device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\nmodel.to(device)\n", "optional"),
    ("if torch.cuda.is_available():\n    model.cuda()\n", "optional"),
    ("use_cuda = args.cuda\nif use_cuda:\n    model = model.cuda()\n", "optional"),
    ("gpus = tf.config.list_physical_devices('GPU')\nif gpus:\n    tf.config.experimental.set_memory_growth(gpus[0], True)\n",
     "optional"),
    ("device = torch.device('cpu')\nmodel.to(device)\n", "cpu"),
    ("os.environ['CUDA_VISIBLE_DEVICES'] = '-1'\nimport tensorflow as tf\n", "cpu"),
    ("model = keras.Sequential()\nmodel.fit(x, y)\n", None),
    ("# model.cuda()\nmodel.fit(x, y)\n", None),
    ("def train(model):\n    model.cuda()\n", "required"),
])
def test_gpu_need(code: str, want: str | None) -> None:
    assert gpu_need(code) == want


@pytest.mark.parametrize(("code", "shell", "want"), [
    ("(x, y), (xt, yt) = keras.datasets.mnist.load_data()", "", True),
    ("from keras.datasets import cifar10\n(x, y), _ = cifar10.load_data()", "", True),
    ("ds = torchvision.datasets.CIFAR10('./data', train=True, download=True)", "", True),
    ("ds = tfds.load('mnist', split='train')", "", True),
    ("from datasets import load_dataset\nds = load_dataset('imdb')", "", True),
    ("urllib.request.urlretrieve(URL, 'data.zip')", "", True),
    ("df = pd.read_csv('data.csv')", "!wget https://example.org/data.csv", True),
    ("df = pd.read_csv('data/train.csv')", "", False),
    ("ds = datasets.ImageFolder('photos/', transform=t)", "", False),
    ("model.fit(x, y)", "", None),
])
def test_data_download(code: str, shell: str, want: bool | None) -> None:
    assert downloads_data(code, shell) is want


def test_framework_version_pinned_or_inferred() -> None:
    env = Environment(packages={"tensorflow-gpu": "==1.15.0", "numpy": ""})
    assert framework_version(env, "keras", "tf.Session()") == ("tensorflow-gpu 1.15.0", False)
    empty = Environment()
    assert framework_version(empty, "tensorflow", "sess = tf.Session()\n") == ("tensorflow 1.x", True)
    assert framework_version(empty, "keras", "x = tf.contrib.layers.flatten(x)") == ("tensorflow 1.x", True)
    assert framework_version(empty, "keras", "from keras import ops\ny = ops.relu(x)") == ("keras 3.x", True)
    assert framework_version(empty, "pytorch", "x = Variable(x, volatile=True)") == ("torch <0.4", True)
    assert framework_version(empty, "keras", "model.fit(x, y)") == (None, False)
    assert framework_version(Environment(packages={"torch": ">=1.8"}), "pytorch") == ("torch >=1.8", False)


TORCH_SCRIPT = b"""import torch
import torch.nn as nn
import torchvision

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.view(-1, 784))))

data = torchvision.datasets.MNIST('data', train=True, download=True)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
model = Net().to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(5):
    x = torch.autograd.Variable(torch.zeros(1, 784), volatile=True)
    loss = nn.functional.cross_entropy(model(x), torch.zeros(1, dtype=torch.long))
    print(loss.data[0])
"""


def test_annotate_file_and_repository_fill_the_environment() -> None:
    path = "src/mnist/train.py"
    summaries = parse_bytes(TORCH_SCRIPT, path, repo="a/b", commit=None)
    assert summaries
    annotate_file(summaries, TORCH_SCRIPT, path, "a/b", None)
    s = summaries[0]
    assert s.environment.gpu == "optional"
    assert s.environment.data_download is True
    assert s.value_sources[INFERRED_KEY].startswith("torch <0.4")
    assert shown_framework_version(s) == ("torch <0.4", True)
    files = {"requirements.txt": b"numpy\n", "src/requirements.txt": b"torch==0.3.1\ntorchvision\n",
             "src/other/requirements.txt": b"jax\n", "src/runtime.txt": b"python-3.6.8\n", path: TORCH_SCRIPT}
    annotate_repository(summaries, files, "a/b", None)
    assert s.environment.packages == {"torch": "==0.3.1", "torchvision": ""}
    assert s.environment.python == "3.6.8"
    assert INFERRED_KEY not in s.value_sources  # a pin replaces the inference
    assert shown_framework_version(s) == ("torch 0.3.1", False)
    assert s.value_sources["environment.packages"] == "src/requirements.txt, src/runtime.txt"


def test_notebook_install_cells_win_over_the_repositorys_files() -> None:
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
                     "source": ["!pip install tensorflow==2.8.0\n"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
                     "source": ["import tensorflow as tf\n", "model = tf.keras.Sequential([\n",
                                "    tf.keras.layers.Dense(64, activation='relu'),\n",
                                "    tf.keras.layers.Dense(1)])\n", "model.compile(optimizer='adam', loss='mse')\n",
                                "model.fit(x, y, epochs=2)\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    data = json.dumps(nb, indent=1).encode()
    summaries = parse_bytes(data, "nb.ipynb", repo="a/b")
    assert summaries
    annotate_file(summaries, data, "nb.ipynb", "a/b", None)
    annotate_repository(summaries, {"requirements.txt": b"tensorflow==2.1\nnumpy\n"}, "a/b", None)
    assert summaries[0].environment.packages == {"tensorflow": "==2.8.0", "numpy": ""}
    assert summaries[0].environment.gpu is None and summaries[0].environment.data_download is None


def test_a_summary_without_files_is_left_alone() -> None:
    s = Summary(id="x", name="x", source=Source(path="a.py"))
    annotate_repository([s], {}, None, None)
    annotate_file([s], b"", "a.py", None, None)
    assert s.environment == Environment() and s.reported == []
