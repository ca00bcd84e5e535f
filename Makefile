# reviewq: `make run` to try it, `make test` to check it. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export REVIEWQ_ENV ?= development

.PHONY: run test lint bench clean

# The server's own dependencies for `make run`; test and lint tools only for the targets
# that use them.
$(BIN)/.runtime: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "reviewq needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(BIN)/.installed: $(BIN)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/.runtime  ## install, migrate, load demo data, serve on 127.0.0.1:5000
	$(BIN)/flask --app reviewq db upgrade
	$(BIN)/flask --app reviewq demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops)"
	$(BIN)/flask --app reviewq run --host 127.0.0.1 --port 5000

test: $(BIN)/.installed  ## the suite on SQLite, then on PostgreSQL
	$(BIN)/python -m pytest --db=sqlite
	$(BIN)/python -m pytest --db=postgresql

lint: $(BIN)/.installed
	$(BIN)/ruff check reviewq tests migrations bench
	$(BIN)/ruff format --check reviewq tests migrations bench
	$(BIN)/mypy reviewq

bench: $(BIN)/.installed  ## speed targets, each printed as a ratio against a same-run baseline
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/oversight.py
	$(BIN)/python bench/edits.py
	$(BIN)/python bench/pages.py --keep
	$(BIN)/python bench/export.py --drop
	$(BIN)/python -m pytest -m slow --db=sqlite tests/domain/test_oversight_heldout.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
