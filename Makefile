# brandmap — set-up, run and test. Every step a fresh machine needs lives here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
ASSETS := web/node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench build assets dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

# Map assets (Leaflet and plugins) come from the npm registry, pinned by the lockfile.
$(ASSETS): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	touch $@

assets: $(ASSETS)

# A wheel and an sdist in dist/ that carry the map assets and data: installing them needs no Node.
dist: $(DEV_STAMP) $(ASSETS)
	$(BIN)/python -m build --outdir dist

build: $(STAMP) $(ASSETS)
	$(BIN)/brandmap build

run: build
	$(BIN)/brandmap serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP) $(ASSETS)
	$(BIN)/ruff check brandmap tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check brandmap tests benchmarks

bench: $(DEV_STAMP) $(ASSETS)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var web/node_modules dist
