# policy-assistant — `make run` (set up, ingest corpus/, start the demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= indexes/demo
SHARED ?= ../shared

.PHONY: run test test-fast setup setup-test ingest bench bench-app eval-stard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install -q -r requirements/base.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test: $(VENV)/.base requirements/test.lock
	$(BIN)/pip install -q -r requirements/test.lock
	touch $@

setup: $(VENV)/.base
setup-test: $(VENV)/.test

ingest: setup
	$(BIN)/policy-assistant ingest corpus --index $(INDEX)

run: ingest
	$(BIN)/policy-assistant demo --index $(INDEX) --once "招商引资项目能不能按地方财政贡献给企业奖励？"
	$(BIN)/policy-assistant serve --index $(INDEX)

test: setup-test  # pytest exit 5 (no tests collected) is reported, not failed
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; exit 0; fi; exit $$rc

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup-test
	$(BIN)/python -m eval.bench --shared $(SHARED)

eval-stard: setup
	$(BIN)/python eval/stard.py --stard $(SHARED)/benchmarks/stard

clean:
	rm -rf $(INDEX) .pytest_cache

bench-app: setup-test
	$(BIN)/python -m eval.bench_app --index $(INDEX)
