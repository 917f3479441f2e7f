# Two entry points: `make demo` runs the main job, `make test` runs the test suite.
# Each creates .venv and installs imgzoo with its test extras on first use.
PYTHON ?= python3
# pytest-xdist workers for `make test` (CI machines have 2 cores); `make test TEST_WORKERS=auto` uses every core.
TEST_WORKERS ?= 2
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m imgzoo demo

test: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS)

clean:
	rm -rf $(VENV) .pytest_cache
