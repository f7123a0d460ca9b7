# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv and install the pinned dependencies in requirements.lock first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
EXAMPLE ?= scenarios/lighthouse-small.yaml
OUT     ?= out/$(basename $(notdir $(EXAMPLE)))

.PHONY: run test lint venv lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

## Solve the default example scenario, write its roster and views, and verify it.
run: $(STAMP)
	$(BIN)/iop-roster solve $(EXAMPLE) -o $(OUT) --time-limit 30
	$(BIN)/iop-roster check $(EXAMPLE) $(OUT)/roster.json

## Lint and run the test suite.
test: $(STAMP)
	$(BIN)/ruff check optimizer tests benchmarks
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check optimizer tests benchmarks
	$(BIN)/ruff format --check optimizer tests benchmarks

## Re-pin dependencies from the current environment.
lock: $(STAMP)
	(echo "# Pinned dependencies (pip freeze of a working environment); regenerate with 'make lock'."; \
	 echo "setuptools==$$($(BIN)/python -c 'import setuptools; print(setuptools.__version__)')"; \
	 $(BIN)/python -m pip freeze --exclude-editable | grep -v '^iop-roster') > requirements.lock

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
