# Coachreel: `make demo` runs the service with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coachreel demo

test: install
	bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/pipeline.py

# Uploaders and viewers against gunicorn for 60 s beside a bare WSGI app, and a 2 GB upload's RSS.
bench-load: install
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) instance .pytest_cache
