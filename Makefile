PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench plan dev clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (make PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,ducklake]'
	touch $(STAMP)

# The demo's runs go into the Dagster instance `make dev` opens (dagster_home/).
demo: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(PY) -m pipelines.cli demo

# pytest exits 5 when it collects nothing; any non-zero exit fails make.
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(PY) -m pipelines.bench
	$(PY) -m pipelines.bench_quota

# The API calls and least wall time of a backfill, calling nothing: the last 30 days by default.
PLAN_END ?= $(shell $(PYTHON) -c "import datetime as d; print(d.date.today() - d.timedelta(days=1))")
PLAN_START ?= $(shell $(PYTHON) -c "import datetime as d; print(d.date.today() - d.timedelta(days=30))")
plan: $(STAMP)
	$(PY) -m pipelines.cli plan --start $(PLAN_START) --end $(PLAN_END)

# With no credentials or accounts file of yours, the UI shows the demo's sandbox accounts.
DEV_ACCOUNTS := $(if $(SPAPI_ACCOUNTS_FILE)$(SPAPI_CLIENT_ID),,SPAPI_ACCOUNTS_FILE=pipelines/demo_accounts.toml)
dev: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(DEV_ACCOUNTS) $(VENV)/bin/dagster dev -w workspace.yaml

clean:
	rm -rf $(VENV) data/
