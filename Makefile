# alignscape: `make serve` and `make test` do all the set-up on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# What each target needs installed; a stamp per set, so changing pyproject.toml reinstalls.
BASE_STAMP := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test
TEST_EXTRAS := dev,model,ray

.PHONY: help install serve build test lint bench bench-site validate clean chromium

help:
	@echo "make serve     install and serve the site on http://127.0.0.1:8000"
	@echo "make test      install everything and run the whole test suite"
	@echo "make validate  check the catalog"
	@echo "make lint      ruff"
	@echo "make bench     benchmarks (ratios against a baseline measured in the same run)"
	@echo "make bench-site  build the site for a synthetic 10,000-entry catalog, timed"

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(BASE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[$(TEST_EXTRAS)]'
	touch $@

install: $(BASE_STAMP)

validate: $(BASE_STAMP)
	$(BIN)/alignscape validate

serve: $(BASE_STAMP)
	$(BIN)/alignscape serve

build: $(BASE_STAMP)
	$(BIN)/alignscape build

test: $(TEST_STAMP) chromium
	$(BIN)/pytest

# The browser tests need Debian's Chromium; the script installs it when missing.
chromium:
	bash scripts/ensure-chromium.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check tools tests

bench: $(TEST_STAMP)
	$(BIN)/python -m alignscape.bench

# The site for a synthetic 10,000-entry catalog: generation and mkdocs times, peak memory.
bench-site: $(TEST_STAMP)
	$(BIN)/python -m alignscape.bench.site --entries 10000

clean:
	rm -rf build .pytest_cache
