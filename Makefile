# Moselle: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1
export PYTHONUNBUFFERED := 1

.PHONY: run test lint bench fuzz browser install messages migrate seed demo clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (looked for $(PYTHON))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	@$(PY) -m moselle.core.compilemessages

migrate: install
	$(PY) manage.py migrate --noinput

run: install
	@MOSELLE_DEMO=1 MOSELLE_REQUIRE_STAFF_MFA=$${MOSELLE_REQUIRE_STAFF_MFA:-0} $(PY) manage.py migrate --noinput
	@MOSELLE_DEMO=1 $(PY) manage.py seed --demo
	@MOSELLE_DEMO=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Demo: multi-factor authentication is not required for hub staff (MOSELLE_REQUIRE_STAFF_MFA=0)."
	MOSELLE_DEMO=1 MOSELLE_REQUIRE_STAFF_MFA=$${MOSELLE_REQUIRE_STAFF_MFA:-0} $(PY) manage.py serve

# The suite runs on every core (pytest-xdist; MOSELLE_TEST_WORKERS=0 runs it in one process).
WORKERS := -n $${MOSELLE_TEST_WORKERS:-auto}

test: install
	$(BIN)/pytest $(WORKERS) $(PYTEST_ARGS)

# Installs Debian's Chromium and the pinned axe-core if missing (never a Playwright browser download).
browser: install
	bash tests/browser/setup.sh
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

fuzz: install
	MOSELLE_FUZZ_EXAMPLES=$${MOSELLE_FUZZ_EXAMPLES:-200} $(BIN)/pytest $(WORKERS) -m fuzz -p no:randomly $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/moselle
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var
