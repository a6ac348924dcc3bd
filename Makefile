# One set of entry points for people and CI. `make run` and `make test` do all
# the set-up themselves on a fresh clone (venv, packages, Neo4j from Maven).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
SCALE ?= 0.01

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck unit neo4j-up neo4j-down neo4j-status neo4j-test-up neo4j-test-down \
        seed token schema bench bench-short clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## Local Neo4j (skipped when NEO4J_URI points at a running server)
neo4j-up: install
	@if [ -n "$$NEO4J_URI" ]; then echo "[neo4j] using NEO4J_URI=$$NEO4J_URI"; else $(PY) -m scripts.neo4j_local up --instance dev; fi

neo4j-down: install
	$(PY) -m scripts.neo4j_local down --instance dev

neo4j-status: install
	$(PY) -m scripts.neo4j_local status --instance dev

neo4j-test-up: install
	@if [ -n "$$NEO4J_TEST_URI" ]; then echo "[neo4j] tests use NEO4J_TEST_URI=$$NEO4J_TEST_URI"; else $(PY) -m scripts.neo4j_local up --instance test; fi

neo4j-test-down: install
	$(PY) -m scripts.neo4j_local down --instance test

## The demo: migrations, deterministic demo graph (once), tokens, GraphiQL on :8000
run: neo4j-up
	$(VENV)/bin/prm migrate
	$(VENV)/bin/prm seed --scale $(SCALE) --if-empty
	$(VENV)/bin/prm demo-tokens
	$(VENV)/bin/prm serve

seed: neo4j-up
	$(VENV)/bin/prm migrate
	$(VENV)/bin/prm seed --scale $(SCALE)

token: install
	@$(VENV)/bin/prm token $(USER_ID)

schema: install
	@$(VENV)/bin/prm schema

## Quality gates
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

test: lint typecheck neo4j-test-up
	$(PY) -m pytest $(PYTEST_ARGS)

unit: install
	$(PY) -m pytest -m "not db" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
