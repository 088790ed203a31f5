# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run   - install, ingest the bundled data into data/jixiao.duckdb, open the dashboard
#   make test  - install everything the tests need (Chromium, CJK fonts) and run the whole suite
PY ?= python3
UV := $(PY) -m uv
DB ?= data/jixiao.duckdb
PORT ?= 8501

.PHONY: run test setup setup-test sample ingest dashboard bench

setup:
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(UV) sync --frozen --quiet

setup-test: setup
	$(UV) sync --frozen --quiet --extra test
	bash scripts/install-browser.sh

sample: setup
	$(UV) run --frozen jixiao sample data/sample

ingest: sample
	$(UV) run --frozen jixiao ingest data/seeds data/sample --db $(DB)

run: ingest
	$(UV) run --frozen streamlit run dashboard/app.py --server.port $(PORT) --server.headless true -- --db $(DB)

test: setup-test
	$(UV) run --frozen pytest

bench: setup
	$(UV) run --frozen python bench/run.py
