# Two commands a fresh machine needs: `make demo` and `make test`. `make bench` measures (docs/performance.md);
# `make docs` builds the documentation site into site/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_DEMO := $(VENV)/.installed-demo
STAMP_DEV  := $(VENV)/.installed-dev
STAMP_BENCH := $(VENV)/.installed-bench
# Extra arguments for every benchmark, e.g. `make bench BENCH_ARGS=--quick`.
BENCH_ARGS ?=

.PHONY: demo test lint typecheck imports pytest postgres mariadb jdk bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_DEMO): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[sql,xlsx,pdf,plot,http]'
	touch $@

$(STAMP_DEV): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	touch $@ $(STAMP_DEMO)

$(STAMP_BENCH): pyproject.toml $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(STAMP_DEMO)
	$(BIN)/python -m volunteer_core demo

test: $(STAMP_DEV) lint typecheck imports pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

imports: $(STAMP_DEV)
	$(BIN)/lint-imports

# The SQL tests start their own throwaway PostgreSQL and MariaDB servers; their binaries are installed
# when missing. The HTTP service's Java client (examples/java) is compiled and run by a test: a JDK ≥ 17 too.
postgres:
	@sh tools/ensure-postgres.sh

mariadb:
	@sh tools/ensure-mariadb.sh

jdk:
	@sh tools/ensure-jdk.sh

pytest: $(STAMP_DEV) postgres mariadb jdk
	$(BIN)/python -m pytest -q

# Never part of `make test`: numbers, not pass/fail. Tables on stdout, JSON in bench/results/, each file
# stamped with this run's id; bench/summary.py, last, prints one table of the targets from this run's files.
bench: export BENCH_RUN_ID := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
bench: $(STAMP_BENCH) postgres mariadb
	$(BIN)/python bench/bench_core.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_duckdb.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_sql.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_partitions.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_ingest.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_latency.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_http.py $(BENCH_ARGS)
	$(BIN)/python bench/summary.py

# The documentation site (mkdocs.yml) into site/; `make test` builds it too, strictly (tests/docs/test_site.py).
docs: $(STAMP_DEV)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache site
