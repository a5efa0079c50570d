# EdPool: `make run` serves the demo (and runs a background worker), `make test` runs the whole suite.
# Both create the virtualenv and install the project first; `make run` also migrates the database.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# Test processes side by side (pytest-xdist): one per core by default; JOBS=0 runs in one process.
# worksteal: a process that runs out of tests takes some of the other's, so the long browser
# tests at the end do not leave one core idle.
JOBS   ?= auto
# Local development defaults; production sets DEBUG=false and SECRET_KEY (see README).
export DEBUG ?= true

.PHONY: run test fuzz setup migrate bench load lint clean ocds-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -qq -e '.[test]'
	touch $(STAMP)

# Local development settings, so `.venv/bin/edpool ...` works outside make too (never in production).
.env:
	printf '# Written by make for local development; production sets its environment instead.\n# The development secret key and bid-sealing key are generated under var/.\nDEBUG=true\n' > .env

setup: $(STAMP) .env
	@mkdir -p var

migrate: setup
	$(BIN)/edpool migrate --no-input

run: migrate
	$(BIN)/edpool demo --if-empty
	$(BIN)/edpool load-rules
	$(BIN)/edpool demo-logins
	@echo; echo "EdPool is starting at http://127.0.0.1:$(PORT)/ - sign in with one of the logins above."; echo
	@# A background worker (award plans, the matrix export) beside the web server, stopped with it.
	$(BIN)/edpool worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	  $(BIN)/edpool runserver 127.0.0.1:$(PORT)

# The layers contract (pyproject.toml, README "Architecture") first: an upward import fails.
# The tests make their own databases (migrated by each test process): the development database
# is not touched, so `make test` does not migrate it.
test: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

# Schemathesis against a live server on a throwaway database (see tests/fuzz/run.py):
# make fuzz FUZZ_ARGS="--postgres postgres://postgres@127.0.0.1:5432/postgres --seconds 60"
fuzz: setup
	$(BIN)/python tests/fuzz/run.py $(FUZZ_ARGS)

# The demo's whole OCDS export, validated offline against the schema and extensions kept in
# opendata/schema (tests/test_demo.py does the same on the test database).
ocds-check: migrate
	$(BIN)/edpool demo --if-empty
	$(BIN)/edpool export-ocds -o var/ocds-export --validate

bench: migrate
	$(BIN)/edpool bench $(BENCH_ARGS)

# Load over HTTP (bench/README.md "Load over HTTP"): nginx + two gunicorn servers on a throwaway
# PostgreSQL database, Locust headless for LOAD_SECONDS, CSV statistics under var/load/. Not in CI.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
LOAD_SECONDS ?= 150
load: setup
	$(BIN)/pip install -q -e '.[load]'
	DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/edpool bench load --run-time $(LOAD_SECONDS) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var *.egg-info
