# fupin: `make run` serves the demo, `make test` runs everything CI runs.
# Every install step lives here so that a fresh clone on a fresh machine works.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
FUPIN := $(VENV)/bin/fupin
export FUPIN_HOME := $(CURDIR)

.PHONY: run test setup lint format test-sqlite test-pg browser-deps spark-deps clean bench-import bench-warnings bench-dashboard

run: setup
	$(FUPIN) run --demo

test: setup spark-deps browser-deps lint test-sqlite test-pg

setup: $(VENV)/.installed node_modules/.installed
	bash scripts/ensure-fonts.sh
	$(FUPIN) setup

$(PY):
	$(PYTHON) -m venv $(VENV)

# uv installs in seconds what pip takes minutes for; it comes from the package index too.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --quiet --python $(PY) -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser-deps:
	bash scripts/ensure-chromium.sh

# The standards engine's golden set runs on local Spark too: PySpark and a Java 17 runtime.
spark-deps: $(VENV)/.spark
$(VENV)/.spark: pyproject.toml $(VENV)/.installed
	bash scripts/ensure-java.sh
	$(UV) pip install --quiet --python $(PY) -e '.[dev,spark]'
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test-sqlite: setup
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(VENV)/bin/pytest -p no:cacheprovider

test-pg: setup
	bash scripts/with-postgres.sh $(VENV)/bin/pytest -p no:cacheprovider

clean:
	rm -rf $(VENV) node_modules var/static var/test.sqlite3

# Benchmarks (figures printed; never part of `make test`).
bench-import: setup
	bash scripts/with-postgres.sh $(PY) bench/import_bench.py $(BENCH_ARGS)

bench-warnings: setup
	bash scripts/with-postgres.sh $(PY) bench/warnings_bench.py $(BENCH_ARGS)

bench-dashboard: setup
	$(PY) bench/dashboard_bench.py $(BENCH_ARGS)
	bash scripts/with-postgres.sh $(PY) bench/dashboard_bench.py $(BENCH_ARGS)
