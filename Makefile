# The README's two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint check hooks schema clean-db import generate python-version docs

# The project runs on Python 3.11 only (lleaves pins llvmlite < 0.44, which has no wheel for newer Pythons). The
# check runs on the venv's interpreter when there is one, else on $(PYTHON), before anything is installed.
# System packages (Debian names): python3.11 with python3.11-venv, make, and libgomp1 (LightGBM's OpenMP runtime).
PYTHON_CHECK := import sys; v = sys.version_info[:2]; sys.exit(None if v == (3, 11) else \
	"Python 3.11 is required, found %d.%d: install python3.11 (with its venv module), then \
	rm -rf $(VENV) and run make PYTHON=python3.11" % v)

python-version:
	@if test -x $(PY); then $(PY) -c '$(PYTHON_CHECK)'; else $(PYTHON) -c '$(PYTHON_CHECK)'; fi

$(STAMP): requirements.txt requirements-train.txt requirements-dev.txt | python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## system packages (Debian) the platform and its tests need beside Python: Noto CJK and fontconfig (invoice and
## certificate PDFs print Chinese with them), chromium (the console's browser tests), redis-server (shared budgets
## and the scheduler lease, tested against a real server), nodejs and npm (graphql-http's GraphQL-over-HTTP audit).
## Installed with apt-get when missing and run as root, else named.
SYSTEM_PACKAGES := fonts-noto-cjk fontconfig chromium redis-server nodejs npm
SYSTEM_STAMP := $(VENV)/.system-packages
$(SYSTEM_STAMP): Makefile
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  case $$p in nodejs) command -v node >/dev/null && continue;; npm) command -v npm >/dev/null && continue;; esac; \
	  dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing Debian packages (install them):" $$missing; fi; \
	fi
	touch $@

## the GraphQL-over-HTTP audit's pinned npm packages (tools/graphql-http-audit), from its lock file
AUDIT_TOOL := tools/graphql-http-audit
AUDIT_STAMP := $(AUDIT_TOOL)/node_modules/.installed
$(AUDIT_STAMP): $(AUDIT_TOOL)/package-lock.json | $(SYSTEM_STAMP)
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --silent --prefix $(AUDIT_TOOL) && touch $@; \
	else echo "npm is missing: the graphql-http audit test will be skipped"; fi

install: $(STAMP) $(SYSTEM_STAMP) $(AUDIT_STAMP)

## run: the gateway with every service in one process on http://127.0.0.1:8000/graphql
run: install
	$(PY) -m gateway

## test: the whole suite on one pytest-xdist worker more than the machine has cores (each worker waits on the
## SecantusDB server it starts, another process: a third worker on two cores fills those waits, 631 -> 540 s);
## a file's tests stay on one worker, so a module's expensive fixture (an imported dump) is built once; the longest
## modules are handed out first (tests/conftest.py), in collection order
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1)')
test: install
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## check: what CI checks besides the tests: formatting, lint, types
check: install
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy .

## hooks: ruff format and check before each commit (.pre-commit-config.yaml), with the venv's pinned ruff
hooks: install
	$(VENV)/bin/pre-commit install

## docs: write docs/settings.md from the settings class (a test fails when it is stale)
docs: install
	$(PY) -m infra.settings_doc > docs/settings.md

## schema: write the public GraphQL schema to schema.graphql (a test fails when it is stale)
schema: install
	$(PY) -m gateway.export_schema > schema.graphql

## clean-db: delete the embedded database's data under var/ (it must not be running)
clean-db:
	rm -rf var/mongodb-data var/mongodb.uri

## import: a Stack Exchange dump, e.g. make import DUMP=../shared/data/stackexchange/cardano SLUG=cardano
import: install
	$(PY) -m composition.importers.stackexchange $(DUMP) --community $(SLUG)

## generate: a synthetic community, e.g. make generate SLUG=big MEMBERS=100000 DAYS=365 SEED=1
generate: install
	$(PY) -m composition.generate --community $(SLUG) --members $(MEMBERS) --days $(DAYS) --seed $(SEED)
