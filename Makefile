# alignscape: `make serve` and `make test` do all the set-up on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# What each target needs installed; a stamp per set, so changing pyproject.toml reinstalls.
SITE_STAMP  := $(VENV)/.installed-site
TEST_STAMP  := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
TEST_EXTRAS := dev,site,pipeline,model,ray,measure

.PHONY: help install install-test hooks serve build test test-fast lint bench bench-site validate clean chromium screenshots

help:
	@echo "make serve     install and serve the site on http://127.0.0.1:8000"
	@echo "make test      install everything and run the whole test suite"
	@echo "make validate  check the catalog"
	@echo "make test-fast the tests that need no browser, model or Ray (under a minute)"
	@echo "make lint      ruff, the layer contract (import-linter) and actionlint"
	@echo "make hooks     run the pre-commit hooks on every commit (.pre-commit-config.yaml)"
	@echo "make bench     benchmarks (ratios against a baseline measured in the same run);"
	@echo "               SIZES=2000 picks the catalog sizes (default 200,2000,10000)"
	@echo "make bench-site  build the site for a synthetic 10,000-entry catalog, timed"
	@echo "make screenshots PNGs of the main pages (desktop and phone, light and dark) in build/screenshots"

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(SITE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[site]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[$(TEST_EXTRAS)]'
	touch $@ $(SITE_STAMP)

$(BENCH_STAMP): pyproject.toml $(TEST_STAMP)
	$(BIN)/pip install -q -e '.[$(TEST_EXTRAS),bench]'
	touch $@

install: $(SITE_STAMP)

# What `make test` installs, alone (the pull-request workflow's install step).
install-test: $(TEST_STAMP)

# The hooks of .pre-commit-config.yaml on every commit (`make test` also runs them).
hooks: $(TEST_STAMP)
	$(BIN)/pre-commit install

validate: $(SITE_STAMP)
	$(BIN)/alignscape validate

serve: $(SITE_STAMP)
	$(BIN)/alignscape serve

build: $(SITE_STAMP)
	$(BIN)/alignscape build

test: $(TEST_STAMP) chromium
	$(BIN)/pytest

# The fast subset: no browser, model, Ray or slow tests (well under a minute).
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -m "not browser and not model and not ray and not slow"

# The browser tests need Debian's Chromium; the script installs it when missing.
chromium:
	bash scripts/ensure-chromium.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check tools tests
	$(BIN)/lint-imports
	$(BIN)/actionlint

# make bench SIZES=2000 (or 200,2000): the synthetic catalog sizes; the table goes to
# build/bench/latest.json too, and into README.md with `make bench-readme`.
SIZES ?= 200,2000,10000
bench: $(BENCH_STAMP)
	$(BIN)/python -m alignscape.bench --entries $(SIZES)

bench-readme: $(BENCH_STAMP)
	$(BIN)/python -m alignscape.bench --entries $(SIZES) --readme

# The site for a synthetic 10,000-entry catalog: generation and mkdocs times, peak memory.
bench-site: $(BENCH_STAMP)
	$(BIN)/python -m alignscape.bench.site --entries 10000

# The main pages at desktop (1280 px) and phone (390 px) sizes, light and dark, for review
# without a browser: build/screenshots/<page>-<size>-<scheme>.png.
screenshots: $(TEST_STAMP) chromium
	$(BIN)/alignscape build -q
	$(BIN)/python scripts/screenshots.py --site build/site --out build/screenshots

clean:
	rm -rf build .pytest_cache
