# policy-assistant — `make run` (set up, ingest corpus/, start the demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= indexes/demo
REF_INDEX ?= indexes/reference
SHARED ?= ../shared
# pure modules whose docstring examples run as tests (--doctest-modules); add a module here when you give it examples
DOCTESTS := assistant/vocab assistant/match/units.py assistant/match/matcher.py assistant/answer/answer_type.py assistant/answer/document_names.py assistant/match/profile.py assistant/documents/dates.py \
  assistant/documents/region.py assistant/documents/supersede.py assistant/documents/meta.py assistant/documents/parse.py \
  assistant/retrieve/fusion.py assistant/retrieve/filters.py assistant/retrieve/expand.py assistant/index/tokenize.py \
  assistant/index/store.py assistant/index/cache.py assistant/review/names.py assistant/review/exceptions.py assistant/review/lawful_context.py \
  assistant/review/detect.py assistant/review/concession.py assistant/compare/model.py assistant/compare/service.py \
  assistant/api/tokens.py assistant/app/audit.py assistant/app/users.py

.PHONY: run test test-fast setup setup-test ingest bench bench-app eval eval-quick eval-stard clean redteam review-model

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

ingest: setup  # the sample corpus; and, when ../shared is beside the repo, the reference corpus (with its overlay)
	@echo "== 导入示例文件 corpus/ → $(INDEX)"
	$(BIN)/policy-assistant ingest corpus --index $(INDEX) --quiet
	@if [ -f $(SHARED)/corpus/MANIFEST.tsv ]; then \
	  echo "== 导入参考语料 $(SHARED)/corpus（含元数据补记 eval/shared-metadata.yaml）与示例文件 → $(REF_INDEX)"; \
	  $(BIN)/policy-assistant ingest $(SHARED)/corpus corpus --index $(REF_INDEX) --meta eval/shared-metadata.yaml --quiet; \
	else echo "== 未找到 $(SHARED)/corpus：只导入示例文件"; fi

run: ingest  # serves the reference index when it was built, else the sample one
	@idx=$(INDEX); [ -f $(REF_INDEX)/index.json ] && idx=$(REF_INDEX); \
	echo "== 演示问答（知识库 $$idx）"; \
	$(BIN)/policy-assistant ask "招商引资项目能不能按地方财政贡献给企业奖励？" --index $$idx; \
	echo "== 启动网页应用（知识库 $$idx）"; \
	$(BIN)/policy-assistant serve --index $$idx

test: setup-test  # lint and type-check, then pytest (exit 5, no tests collected, is reported, not failed), then the quality gate
	$(BIN)/ruff check assistant tests eval
	$(BIN)/python -m mypy  # the boundary modules and result types listed in pyproject [tool.mypy]
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules $(DOCTESTS)
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; [ $$rc -eq 0 ] || exit $$rc
	@if [ -f $(SHARED)/corpus/MANIFEST.tsv ]; then \
	  $(BIN)/policy-assistant eval --quick --gate --out .eval-quick --history .eval-quick/history.jsonl > .eval-quick.log 2>&1; rc=$$?; \
	  tail -n 25 .eval-quick.log; exit $$rc; \
	else echo "eval gate skipped: $(SHARED)/corpus not found"; fi

eval: setup-test  # the full report: STARD + policy QA vs BM25 and naive LangChain, answers, review, match
	$(BIN)/policy-assistant eval

eval-quick: setup-test
	$(BIN)/policy-assistant eval --quick --gate

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow"

redteam: setup-test  # attacks through every channel (HTTP API, MCP, gradio_client, Chromium); per-row table of cases held
	$(BIN)/python -m eval.redteam_report

bench: setup-test
	$(BIN)/python -m eval.bench --shared $(SHARED)
	$(BIN)/python eval/bench_scale.py --shared $(SHARED)
	$(BIN)/python eval/bench_compare.py

eval-stard: setup
	$(BIN)/python eval/stard.py --stard $(SHARED)/benchmarks/stard

clean:
	rm -rf $(INDEX) .pytest_cache

bench-app: setup-test  # gradio_client concurrency; 30 API clients + 10 browsers for 2 min; API/MCP/CLI latency
	$(BIN)/python -m eval.bench_app --index $(INDEX)
	$(BIN)/python -m eval.bench_load --seconds 120 --api 30 --browsers 10
	$(BIN)/python -m eval.bench_api


review-model: setup  # rebuild the shipped review model from ../shared (commit assistant/review/data/review-model.npz)
	$(BIN)/python -m assistant.review.build_model --shared $(SHARED)
