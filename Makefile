# The README's two commands are `make demo` and `make test`; everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test check lint typecheck audit-deps unit integration e2e bench format clean

install: $(VENV)/.installed  ## create .venv from uv.lock (idempotent)

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.4"
	$(BIN)/uv sync --frozen --python $(BIN)/python
	@touch $@

demo: install  ## initialise a SQLite database, load the demo scenario, serve on http://127.0.0.1:$(PORT)
	$(BIN)/unforgotten demo --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

check: lint typecheck  ## static checks only

audit-deps: install  ## known vulnerabilities in the installed dependencies (says loudly when it cannot check)
	$(BIN)/python .ci/audit-deps $(BIN)/pip-audit

test: install lint typecheck audit-deps  ## every check: ruff, mypy, dependency audit, the whole test suite
	$(BIN)/python -m pytest -q

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install  ## all benchmarks (slow); results go to docs/benchmarks.md by hand
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache unforgotten.db
