# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv and install the pinned dependencies in requirements.lock first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
EXAMPLE ?= scenarios/lighthouse-small.yaml
OUT     ?= out/$(basename $(notdir $(EXAMPLE)))

.PHONY: run test lint venv lock clean browser

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

## The HTML view's test opens the page in Debian's Chromium: install it where apt can.
## Without it (no apt, not root, no network) that one test is skipped and says why.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: could not install chromium; the browser test will be skipped"; \
	  else \
	    echo "note: /usr/bin/chromium is missing and apt-get (as root) is not available; the browser test will be skipped"; \
	  fi; \
	fi

## Lint and run the test suite.
test: $(STAMP) browser
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
