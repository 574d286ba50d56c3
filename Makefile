# Pathways: two commands. `make run` serves the demo; `make test` runs the linters and every test.
# Each bootstraps .venv and node_modules from nothing and is safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint pytest demo clean audit wheel

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The front end the app serves, built into the package so that a wheel carries it.
FRONTEND := pathways/frontend
$(FRONTEND)/.built: node_modules/.installed deploy/build-frontend.sh $(wildcard pathways/core/scss/*.scss)
	deploy/build-frontend.sh

install: $(VENV)/.installed node_modules/.installed $(FRONTEND)/.built

# A laptop demo over plain http on 127.0.0.1: secure cookies off, DEBUG stays off.
run: install
	PATHWAYS_SECURE=false $(BIN)/pathways migrate --no-input -v 0
	PATHWAYS_SECURE=false $(BIN)/pathways collectstatic --no-input -v 0
	PATHWAYS_SECURE=false $(BIN)/pathways areas load-shipped
	PATHWAYS_SECURE=false $(BIN)/pathways demo
	PATHWAYS_SECURE=false $(BIN)/pathways run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pathways makemigrations --check --dry-run -v 0

# The suite on SQLite; with PATHWAYS_TEST_POSTGRES holding a URL, on PostgreSQL too, side by
# side (about half the time on two cores). The SQLite run prints as it goes; the PostgreSQL run's
# output follows when both have ended. Each run has its own test database and receipt folder.
test: lint
	@if [ -z "$$PATHWAYS_TEST_POSTGRES" ]; then \
		$(BIN)/pytest || exit $$?; \
		echo "PATHWAYS_TEST_POSTGRES is not set: the PostgreSQL run was skipped."; \
	else \
		mkdir -p var; \
		DATABASE_URL="$$PATHWAYS_TEST_POSTGRES" PATHWAYS_PRIVATE_FILES_DIR="$$PWD/var/test-private-postgres" \
			$(BIN)/pytest -p no:cacheprovider >var/test-postgres.log 2>&1 & postgres=$$!; \
		echo "== The suite on SQLite (PostgreSQL runs beside it: var/test-postgres.log) =="; \
		$(BIN)/pytest; sqlite=$$?; \
		wait $$postgres; postgres=$$?; \
		echo "== The same suite on PostgreSQL =="; \
		cat var/test-postgres.log; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	fi

# A wheel for a server (docs/deploy.md): the app with its built front end, no Node needed there.
wheel: install
	rm -rf dist && $(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

# Known vulnerabilities in the installed (pinned) dependencies, from PyPI's advisory data.
# Needs the internet; --strict fails if any package could not be checked.
audit: install
	$(BIN)/python -m pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) node_modules build dist $(FRONTEND) var/staticfiles .pytest_cache .ruff_cache
