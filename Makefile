# The README's two commands are `make demo` and `make test`; everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test check lint typecheck audit-deps unit integration e2e bench format i18n clean

install: $(VENV)/.installed  ## create .venv from uv.lock (idempotent)

# Bytecode is compiled here, once: where PYTHONDONTWRITEBYTECODE is set (this CI machine, many containers) Python
# never writes it, and every fresh process — each `unforgotten import`, each CLI test — compiled pandas, Splink and
# SQLAlchemy from source again: 4.3 of the 11.0 s a profiled daily list took (docs/benchmarks.md, "Bytecode").
$(VENV)/.installed: pyproject.toml uv.lock Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.4"
	$(BIN)/uv sync --frozen --python $(BIN)/python --compile-bytecode
	$(BIN)/python -m compileall -q src bench
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

# The suite runs on every core (pytest-xdist), a test file per worker at a time: a file's browser world or
# scratch database is built once, and the CLI tests' subprocesses overlap. 2 cores: 24 minutes instead of 85.
test: install lint typecheck audit-deps  ## every check: ruff, mypy, dependency audit, the whole test suite
	$(BIN)/python -m pytest -q -n auto --dist loadfile

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Page strings: extract into the template (.pot), merge into the uk and ru catalogues, compile the .mo files that
# are committed beside them (no line numbers, sorted: a rerun after a merge changes only what changed). New strings
# arrive untranslated; tests/unit/test_translations.py fails until each has a uk and a ru translation.
LOCALES := src/unforgotten/web/locales
i18n: install  ## re-extract the page strings, update the uk/ru catalogues and compile them
	$(BIN)/pybabel extract -F babel.cfg -o $(LOCALES)/unforgotten.pot --add-location=file --sort-output \
		-k tr -k Text --project=Unforgotten --version=0.1 --msgid-bugs-address=- --copyright-holder=Unforgotten --omit-header .
	$(BIN)/pybabel update -i $(LOCALES)/unforgotten.pot -d $(LOCALES) -D unforgotten --no-fuzzy-matching \
		--ignore-obsolete
	@# update stamps the time of the run into each .po (and so each .mo); a fixed stamp lets a rerun change nothing.
	sed -i 's/^"POT-Creation-Date: .*/"POT-Creation-Date: 1970-01-01 00:00+0000\\n"/' $(LOCALES)/*/LC_MESSAGES/unforgotten.po
	$(BIN)/pybabel compile -d $(LOCALES) -D unforgotten --statistics

bench: install  ## all benchmarks (slow); results go to docs/benchmarks.md by hand
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache unforgotten.db
