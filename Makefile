# Aegis: `make run` (everything on embedded SQLite with the bundled demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export LITELLM_LOCAL_MODEL_COST_MAP := True
export LITELLM_OFFLINE_MODE := true

.PHONY: install check test run bench score clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy engine db aegis bot dashboard jobs streamlit_app.py

test: check
	$(BIN)/pytest

run: install
	$(BIN)/aegis db upgrade
	$(BIN)/aegis demo load
	$(BIN)/aegis run

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

score: install
	$(BIN)/python ../shared/data/score.py ../shared/data/dev

clean:
	rm -rf $(VENV) data
