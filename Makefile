# The README's two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint check hooks schema clean-db import generate

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## run: the gateway with every service in one process on http://127.0.0.1:8000/graphql
run: install
	$(PY) -m gateway

## test: the whole suite against a real SecantusDB server that the session starts
test: install
	$(PY) -m pytest -q

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
