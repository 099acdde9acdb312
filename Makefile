PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# CI adds the ray extra (`make test EXTRAS=dev,ray`) so the Ray backend's test runs there.
EXTRAS ?= dev
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: test lint typecheck pytest demo bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

## test: lint, strict type check and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

## demo: run the default scenario end to end through the real MCP server
demo: $(STAMP)
	$(BIN)/vei demo

## bench: measure throughput against floors measured in the same run
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/claims.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
