# Two commands on a fresh machine: `make run` (set up, build the index if
# missing, start the app) and `make test` (set up, run every test).
# Both are idempotent: the venv is rebuilt only when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test setup chromium lint vectors

setup: $(STAMP)

# torch first and pinned: that takes the CPU wheel on this disk; unpinned it
# resolves to a CUDA build of several GB.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/examplenet serve

# The browser tests drive Debian's chromium; install it when it is missing
# (as root, as on CI) rather than letting playwright download a browser.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

test: $(STAMP) chromium
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# After a harvest: rebuild the index and refresh the vectors shipped beside the
# corpus, so a fresh clone's `make run` builds its index without embedding.
vectors: $(STAMP)
	$(BIN)/examplenet index build --ship-vectors
