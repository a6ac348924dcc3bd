# One set of entry points for people and CI. `make run` and `make test` do all
# the set-up themselves on a fresh clone (venv, packages, Neo4j from Maven).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# The exact versions installed everywhere (make, CI, the wheel check); [project] has ranges.
CONSTRAINTS := constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(CONSTRAINTS) | sha1sum | cut -c1-12)
SCALE ?= 0.01

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck unit neo4j-up neo4j-down neo4j-status neo4j-test-up neo4j-test-down \
        seed token schema bench bench-short clean install federation-deps pyright-deps

install: $(STAMP)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c $(CONSTRAINTS) -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## Local Neo4j (skipped when NEO4J_URI points at a running server)
neo4j-up: install
	@if [ -n "$$NEO4J_URI" ]; then echo "[neo4j] using NEO4J_URI=$$NEO4J_URI"; else $(PY) -m gateway.neo4j_local up --instance dev; fi

neo4j-down: install
	$(PY) -m gateway.neo4j_local down --instance dev

neo4j-status: install
	$(PY) -m gateway.neo4j_local status --instance dev

neo4j-test-up: install
	@if [ -n "$$NEO4J_TEST_URI" ]; then echo "[neo4j] tests use NEO4J_TEST_URI=$$NEO4J_TEST_URI"; else $(PY) -m gateway.neo4j_local up --instance test; fi

neo4j-test-down: install
	$(PY) -m gateway.neo4j_local down --instance test

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

## The committed copy of the served schema that tests/unit/test_contract.py guards:
## rewrite it on purpose when the contract changes (a breaking change fails the suite).
.PHONY: contract
contract: install
	@$(VENV)/bin/prm schema > docs/contract/schema.graphql

## Quality gates
## The import contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## mypy --strict everywhere; pyright strict on graph/, where it enforces LiteralString (every
## Cypher statement a literal, never spliced from a str: docs/architecture.md). mypy does not.
typecheck: install pyright-deps
	$(VENV)/bin/mypy
	$(PYRIGHT) -p pyproject.toml

## pyright, pinned with its lock file in tools/pyright (the npm package runs offline, unlike the
## pip wrapper, which fetches it when run): `npm ci` again only when the lock changes.
PYRIGHT_NODE := tools/pyright
PYRIGHT_STAMP := $(PYRIGHT_NODE)/node_modules/.package-lock.json
PYRIGHT := $(PYRIGHT_NODE)/node_modules/.bin/pyright

pyright-deps: $(PYRIGHT_STAMP)

$(PYRIGHT_STAMP): $(PYRIGHT_NODE)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Node >= 20) for pyright (make typecheck)"; exit 1; }
	npm ci --prefix $(PYRIGHT_NODE) --no-audit --no-fund
	@touch $@

test: lint typecheck neo4j-test-up federation-deps browser
	$(PY) -m pytest $(PYTEST_ARGS)

## The fuzzers at length (CI runs them short inside `make test`): FUZZ_EXAMPLES per test.
FUZZ_EXAMPLES ?= 1000
.PHONY: fuzz
fuzz: neo4j-test-up
	PRM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:randomly \
	  tests/db/test_schema_fuzz.py tests/db/test_random_queries_against_reference.py \
	  tests/db/test_random_queries_over_websocket.py \
	  tests/db/test_account_overlap_against_reference.py \
	  tests/db/test_network_against_reference.py \
	  tests/db/test_figures_against_reference.py \
	  tests/db/test_cost_bounds_fuzz.py

## The federation test's Node packages (@apollo/gateway and friends, docs/federation.md):
## `npm ci` from the committed lock file, again only when the lock changes.
FED_NODE := tests/federation
FED_STAMP := $(FED_NODE)/node_modules/.package-lock.json

federation-deps: $(FED_STAMP)

$(FED_STAMP): $(FED_NODE)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Node >= 20) for tests/federation"; exit 1; }
	npm ci --prefix $(FED_NODE) --no-audit --no-fund
	@touch $@

## Debian's Chromium for the /explore browser test (Playwright drives it; no browser
## download): installed with apt only when /usr/bin/chromium is missing.
.PHONY: browser
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; \
	fi

# pyright too: tests/unit/test_literal_string.py runs it on its fixtures.
unit: install pyright-deps
	$(PY) -m pytest -m "not db" $(PYTEST_ARGS)

## The unit tests (`-m "not db"`) under every Python the package supports (requires-python):
## 3.11 in .venv, the others each in its own .venv-3.X (git-ignored), all installed with
## constraints.txt. An interpreter: PYTHON_3_12=/path/to/python3.12, else pyenv's newest
## 3.12.x, else python3.12 on PATH. CI runs `make unit-other-pythons` after `make test`,
## which ran the whole suite (the database tests included) on 3.11.
OTHER_PYTHONS ?= 3.12 3.13
python_for = $(or $(PYTHON_$(subst .,_,$(1))),$(lastword $(shell ls -d $$HOME/.pyenv/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V)),python$(1))

.PHONY: unit-all-pythons unit-other-pythons $(addprefix unit-py,$(OTHER_PYTHONS))
unit-all-pythons: unit unit-other-pythons

unit-other-pythons: $(addprefix unit-py,$(OTHER_PYTHONS))

$(addprefix unit-py,$(OTHER_PYTHONS)): unit-py%: pyright-deps
	@v=$*; venv=.venv-$$v; stamp=$$venv/.installed-$(shell cat pyproject.toml $(CONSTRAINTS) | sha1sum | cut -c1-12); \
	if [ ! -f $$stamp ]; then \
	  test -x $$venv/bin/python || $(call python_for,$*) -m venv $$venv; \
	  $$venv/bin/python -m pip install -q --upgrade pip && \
	  $$venv/bin/python -m pip install -q -c $(CONSTRAINTS) -e '.[dev]' && \
	  rm -f $$venv/.installed-* && touch $$stamp; \
	fi; \
	echo "[unit] Python $$($$venv/bin/python -c 'import platform; print(platform.python_version())')"; \
	$$venv/bin/python -m pytest -q -m "not db" $(PYTEST_ARGS)

## The wheel as a new user installs it (scripts/wheel_check.py): built, installed with
## constraints.txt into a fresh virtualenv outside the checkout, and from there `prm schema`,
## `prm migrate`, `prm seed`, `prm serve`, one authorized query and /explore against the
## test Neo4j (whose graph it replaces, as the database tests do).
.PHONY: wheel-check
wheel-check: neo4j-test-up
	$(PY) -m scripts.wheel_check

## Benchmarks on the `bench` Neo4j (:7689): floor, gateway, @neo4j/graphql (docs/benchmarks.md).
## `make bench` is SF1 (`SCALE=10` on request), `make bench-short` the CI check (SF0.05):
## it asserts the three systems agree and never asserts a timing. WORKERS = gateway processes.
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat pyproject.toml $(CONSTRAINTS) | sha1sum | cut -c1-12)
BENCH_NODE := bench/neo4j_graphql
WORKERS ?= 2
BENCH_ARGS ?=

$(BENCH_STAMP): pyproject.toml $(CONSTRAINTS) | $(STAMP)
	$(PY) -m pip install -q -c $(CONSTRAINTS) -e '.[dev,bench]'
	@rm -f $(VENV)/.bench-installed-*
	@touch $@

# The Node system's packages, from its lock file, when it has one (npm ci only when it changed).
define bench_node_modules
	@if [ -f $(BENCH_NODE)/package-lock.json ] && command -v npm >/dev/null; then \
	  if [ ! -f $(BENCH_NODE)/node_modules/.package-lock.json ] || \
	     [ $(BENCH_NODE)/package-lock.json -nt $(BENCH_NODE)/node_modules/.package-lock.json ]; then \
	    npm ci --prefix $(BENCH_NODE) --no-audit --no-fund; \
	  fi; \
	fi
endef

bench: $(BENCH_STAMP)
	$(bench_node_modules)
	$(PY) -m scripts.bench --scale $(if $(filter command line,$(origin SCALE)),$(SCALE),1) \
	  --workers $(WORKERS) $(BENCH_ARGS)

bench-short: $(BENCH_STAMP)
	$(bench_node_modules)
	$(PY) -m scripts.bench --short --scale $(if $(filter command line,$(origin SCALE)),$(SCALE),0.05) \
	  --workers $(WORKERS) $(BENCH_ARGS)

## A mixed portal workload (reads and writes) against a served gateway on its own Neo4j
## (instance `load`, :7690): `make load` (60 s at concurrency 64, SF0.1) writes
## bench/results/load.json; `make load-short` (CI) runs 5 s and fails on any error or 5xx.
LOAD_ARGS ?=
.PHONY: load load-short
load: $(BENCH_STAMP)
	$(PY) -m scripts.load $(LOAD_ARGS)

load-short: $(BENCH_STAMP)
	$(PY) -m scripts.load --short $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .venv-3.* dist .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
