# The two README commands (`make run`, `make test`) do all set-up themselves:
# they create .venv if missing and install the project, pinned by constraints.txt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
EVAL   ?= ../shared/eval

.PHONY: setup run test bench-quality bench-speed bench-crawl clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[parquet,test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(VENV)/bin/newsclean clean seeds/ -o out/articles.jsonl

test: setup
	$(PY) -m pytest -q -n 2

bench-quality: setup
	$(PY) benchmarks/quality.py --data $(EVAL)

bench-speed: setup
	$(PY) benchmarks/speed.py --data $(EVAL)

bench-crawl: setup
	$(PY) benchmarks/crawl.py --data $(EVAL)

clean:
	rm -rf out .pytest_cache build *.egg-info
