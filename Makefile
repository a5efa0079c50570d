# EdPool: `make run` serves the demo, `make test` runs the whole suite.
# Both create the virtualenv, install the project and migrate the database first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# Local development defaults; production sets DEBUG=false and SECRET_KEY (see README).
export DEBUG ?= true

.PHONY: run test fuzz setup migrate bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	@mkdir -p var

migrate: setup
	$(BIN)/edpool migrate --no-input

run: migrate
	$(BIN)/edpool demo --if-empty
	$(BIN)/edpool load-rules
	$(BIN)/edpool demo-logins
	$(BIN)/edpool runserver 127.0.0.1:$(PORT)

# The layers contract (pyproject.toml, README "Architecture") first: an upward import fails.
test: migrate
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Schemathesis against a live server on a throwaway database (see tests/fuzz/run.py):
# make fuzz FUZZ_ARGS="--postgres postgres://postgres@127.0.0.1:5432/postgres --seconds 60"
fuzz: setup
	$(BIN)/python tests/fuzz/run.py $(FUZZ_ARGS)

bench: migrate
	$(BIN)/edpool bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var *.egg-info
