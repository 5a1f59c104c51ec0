# 乡镇干部作风整顿问题清单汇总 — make targets. Every target sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
AS_OF  ?=
PERIOD ?= year
DEMO   ?= demo

.PHONY: setup demo monthly receive received restore templates summary audit test lint bench render-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project with its test extras

demo: $(STAMP)  ## sample campaign, every month from March to November, then the half-year and year reports; outputs under demo/out/
	$(BIN)/python -m pipeline --data $(DEMO) demo

monthly: $(STAMP)  ## the real run: make monthly [AS_OF=2022-04-30] [DATA=data]
	$(BIN)/python -m pipeline --data $(DATA) monthly $(if $(AS_OF),--as-of $(AS_OF))

receive: $(STAMP)  ## register the inbox's new files as received now (run it on the days files come in)
	$(BIN)/python -m pipeline --data $(DATA) receive

received: $(STAMP)  ## state a file's received time: make received FILE=附件2.xlsx AT=2022-04-20
	$(BIN)/python -m pipeline --data $(DATA) received --file "$(FILE)" --at "$(AT)"

restore: $(STAMP)  ## put the newest backup of the ledger back (missing, damaged or edited ledger)
	$(BIN)/python -m pipeline --data $(DATA) restore

templates: $(STAMP)  ## blank templates for every unit of the roster
	$(BIN)/python -m pipeline --data $(DATA) templates

summary: $(STAMP)  ## leaders' report: make summary PERIOD=half|year [AS_OF=...]
	$(BIN)/python -m pipeline --data $(DATA) summary --period $(PERIOD) $(if $(AS_OF),--as-of $(AS_OF))

audit: $(STAMP)  ## verify the audit trail and the archive
	$(BIN)/python -m pipeline --data $(DATA) audit verify

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint  ## ruff, mypy, pytest
	$(BIN)/python -m pytest

bench: $(STAMP)  ## timings at township and county scale
	$(BIN)/python -m tools.bench

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache
