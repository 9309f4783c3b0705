# Thin verbs over the project's tools. Settings are environment variables (see README); the
# defaults below make every tool use the same warehouse and landing folder.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export DUCKDB_DATABASE ?= $(CURDIR)/data/warehouse.duckdb
export LANDING_DIR ?= $(CURDIR)/data/landing
export CENTER_TIMEZONE ?= Asia/Shanghai
export CENTER_COUNTRY ?= CN
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROJECT_DIR := $(CURDIR)/dbt_project
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
export DAGSTER_HOME ?= $(CURDIR)/data/dagster

# uv if it is on PATH, else the copy `make install` bootstraps with pip.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN = $(UV) run --frozen
DBT = $(RUN) dbt

DEMO_DAYS ?= 90
DEMO_CALLS_PER_DAY ?= 5000

.PHONY: help install holidays generate load seed build check sql refresh orchestrator dashboard metrics mf docs demo test lint format bench reliability clean

help:  ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install:  ## install Python and every dependency from uv.lock (bootstraps uv with pip)
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

COUNTRIES ?= CN,IL,US,GB,HK,SG
holidays: install  ## regenerate the holiday seeds from chinese-calendar and holidays (COUNTRIES=CN,IL,...)
	$(RUN) python -m ingest.holiday_calendar --countries $(COUNTRIES)

generate: install  ## write the demo center's landing files (90 days ending yesterday)
	$(RUN) python -m ingest.demo --days $(DEMO_DAYS) --calls-per-day $(DEMO_CALLS_PER_DAY) --out "$(LANDING_DIR)" --clean

# By hand, the loader and dbt work on the refresh's store; `make refresh` publishes its marts.
load: install  ## load new landing files into the raw schema of the store (<warehouse>.store)
	$(RUN) python -m ingest load "$(LANDING_DIR)"

seed: install  ## load the reference seeds (districts, reasons, queues, SLA targets, holidays)
	DBT_DUCKDB_PATH="$(DUCKDB_DATABASE).store" $(DBT) seed --quiet

build: install  ## dbt build: seeds, models and tests on the store (make refresh publishes)
	DBT_DUCKDB_PATH="$(DUCKDB_DATABASE).store" $(DBT) build --quiet

check: install  ## every dbt test over the whole history of the store (the daily refresh tests the rebuilt days)
	DBT_DUCKDB_PATH="$(DUCKDB_DATABASE).store" $(DBT) test

dagster-home:
	@mkdir -p "$(DAGSTER_HOME)"
	@cp -n orchestration/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml" 2>/dev/null || true

refresh: install dagster-home  ## the daily refresh once, headless: load, dbt build, checks, publish
	$(RUN) python -m orchestration.refresh

report: install  ## write the managers' report again (the newest day; DAY=YYYY-MM-DD, EDITION=weekly|monthly) and send it
	$(RUN) python -m orchestration.reports.run $(if $(DAY),--day $(DAY)) $(if $(EDITION),--edition $(EDITION))

orchestrator: install dagster-home  ## Dagster UI on 127.0.0.1:3000 with the 02:00 schedule and the landing sensor
	$(RUN) dbt parse --quiet
	$(RUN) dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

sql: install  ## a read-only SQL prompt on the published warehouse (no file access, settings locked)
	$(RUN) python -m dashboards.sql

dashboard: install  ## serve the dashboards on http://127.0.0.1:8501
	$(RUN) streamlit run dashboards/streamlit_app.py --server.headless true --server.address 127.0.0.1 \
		--server.port 8501 --browser.gatherUsageStats false --client.toolbarMode viewer

metrics: install  ## rewrite what comes from the metric declarations (docs/metrics.md's tables, dbt's copy)
	$(RUN) python -m dashboards.metrics

# MetricFlow reads dbt's semantic manifest (dbt parse writes it) and queries the published marts,
# attached read-only (the analyst target of dbt_project/profiles.yml).
mf: install  ## the semantic layer: make mf ARGS="query --metrics connect_rate --group-by metric_time__day,call__district"
	@$(DBT) parse --quiet
	DBT_TARGET=analyst $(RUN) mf $(ARGS)

# The docs read the published warehouse read-only (analyst target) for the catalog, into their own
# target folder so that the refresh's manifest and parse state stay as they are.
docs: install  ## build the dbt docs site (models, columns, metrics, lineage, exposures) and serve it on :8080
	DBT_TARGET=analyst DBT_TARGET_PATH=target/docs $(DBT) docs generate --no-compile --quiet
	@echo "dbt docs: http://127.0.0.1:8080 (Ctrl-C to stop)"
	DBT_TARGET=analyst DBT_TARGET_PATH=target/docs $(DBT) docs serve --host 127.0.0.1 --port 8080 --no-browser

DEFAULT_WAREHOUSE := $(CURDIR)/data/warehouse.duckdb

demo: install  ## install, generate the demo, refresh, show yesterday's numbers, serve the dashboards
	@# A new demo is a new 90-day window: start its warehouse afresh (only at the default path).
	@if [ "$(DUCKDB_DATABASE)" = "$(DEFAULT_WAREHOUSE)" ]; then rm -f "$(DEFAULT_WAREHOUSE)" "$(DEFAULT_WAREHOUSE)".*; fi
	@$(MAKE) --no-print-directory generate refresh
	@$(RUN) python -m orchestration.summary
	@$(RUN) python -m dashboards.users demo
	@echo "Analysts: open $(DUCKDB_DATABASE) read-only (see README, Querying the warehouse)."
	@echo "The managers' report of yesterday: $(dir $(DUCKDB_DATABASE))reports/ (XLSX and PDF; docs/reports.md)."
	@echo "Dashboards: http://127.0.0.1:8501 (Ctrl-C to stop)"
	@$(MAKE) --no-print-directory dashboard

test: install  ## run the whole test suite (two workers: most tests wait on processes, not the CPU)
	$(RUN) pytest -q -n 2 --dist loadfile

lint: install  ## ruff (check + format check) and sqlfluff on the dbt models
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	DUCKDB_DATABASE=:memory: $(RUN) sqlfluff lint dbt_project/models dbt_project/tests

format: install  ## apply ruff format and sqlfluff fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .
	DUCKDB_DATABASE=:memory: $(RUN) sqlfluff fix dbt_project/models

bench: install  ## speed and memory ratios at BENCH_CALLS (default 2M; docs/performance.md); never asserted
	$(RUN) python -m tests.bench

reliability: install  ## inject faults (kills, bad files, re-deliveries, busy readers) and print what survived
	$(RUN) python -m tests.reliability

clean:  ## remove the generated warehouse, demo landing files and dbt artifacts
	rm -rf data/ dbt_project/target dbt_project/logs
