# The two commands of the README: `make demo` and `make test`. Both bootstrap .venv from the
# pinned constraints.txt on a fresh machine (Python 3.11, pip, make).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SALESDW_HOME ?= $(CURDIR)/warehouse

.PHONY: install demo test spark-test bench benchmark dagster-dev docs clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,spark]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/salesdw demo

# One pytest-xdist worker per core (at most 4: each build takes 3 GiB), whole files per worker
# so that a module's fixtures are built once; the slow files first (tests/conftest.py).
# PYTEST_ARGS="-n0" runs in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The dbt project on Spark with every data test (docs/scale-out.md): the raw zone of
# $SALESDW_HOME (after `make demo`), the Spark warehouse under $SALESDW_HOME/build/spark.
spark-test: $(STAMP)
	SALESDW_DBT_TARGET=spark $(BIN)/dbt build --project-dir dbt_project --profiles-dir dbt_project \
		--exclude-resource-type unit_test --threads 4

# Figures, not tests (benchmarks/README.md): ingest rows/s against DuckDB's readers, then the
# build at 1M and 10M order lines against the hand-written floor. BENCH_LINES to choose sizes.
BENCH_LINES ?= --lines 1000000 --lines 10000000
bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/xlsx_throughput.py
	$(BIN)/python benchmarks/build_scale.py $(BENCH_LINES)

benchmark: bench

dagster-dev: $(STAMP)
	$(BIN)/dagster dev -m orchestration.definitions

docs: $(STAMP)
	$(BIN)/salesdw docs

clean:
	rm -rf $(VENV) warehouse dbt_project/target dbt_project/logs
