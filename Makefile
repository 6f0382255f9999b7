# akhbar: `make run` sets up and runs the pipeline on seeds/; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
UV_HOME := .tools/uv
UV := $(UV_HOME)/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.akhbar-synced
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
# use the operating system's certificate store (machines behind a TLS-inspecting proxy)
export UV_SYSTEM_CERTS ?= 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false

.PHONY: setup run test bench clean

setup: $(STAMP)

# uv is bootstrapped with pip into .tools/ (uv on PATH is used when present); the venv comes only from
# the committed uv.lock (--frozen), with bytecode compiled (PYTHONDONTWRITEBYTECODE is set on these machines).
$(UV):
	@if command -v uv >/dev/null 2>&1; then \
	  mkdir -p $(UV_HOME)/bin && ln -sf "$$(command -v uv)" $(UV); \
	else \
	  $(PYTHON) -m venv $(UV_HOME) && $(UV_HOME)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); \
	fi

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $(STAMP)

run: setup
	$(VENV)/bin/akhbar run seeds/

test: setup
	$(VENV)/bin/python -m pytest -q

bench: setup
	$(VENV)/bin/python bench/bench_pipeline.py

clean:
	rm -rf $(VENV) .tools warehouse/akhbar.duckdb warehouse/akhbar.duckdb.wal warehouse/parquet warehouse/prefect \
		warehouse/gx warehouse/data_docs warehouse/staging
