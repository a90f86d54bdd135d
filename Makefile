# Coachreel: `make demo` runs the service with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test test-deps lint bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coachreel demo

# Debian's chromium, fonts-dejavu-core, pocketsphinx-testdata and docker-compose, installed with
# apt-get when missing; the browser, speech and compose checks fail rather than skip without them.
test-deps:
	bash scripts/test-deps.sh

test: test-deps install
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
