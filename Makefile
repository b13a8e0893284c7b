# Two commands matter on a fresh machine: `make run` and `make test`. Everything else is a
# step they depend on, so each can also be run alone.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Python 3.12 or newer: the machine's plain `python3` may be older, so look for a suitable
# interpreter on PATH and then in pyenv's versions folder.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$c; break; fi; done)
ASSETS := imha/static/dist/app.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck check bench assets install clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13 or python3.12)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS): node_modules/.installed $(wildcard frontend/scss/*.scss) frontend/js/app.mjs frontend/build.mjs
	npm run --silent build

install: $(BIN)/.installed $(ASSETS)

assets: $(ASSETS)

run: install
	scripts/run-demo $(HOST) $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy imha

check: lint typecheck test

# Loopback load test against gunicorn; see docs/performance.md. BENCH_ARGS="--clients 1000
# --activities 10000 --seconds 5" gives a quick run.
bench: install
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules imha/static/dist staticfiles .pytest_cache .mypy_cache .ruff_cache
