# Quick start: `make demo` (set up, then run the whole job on the sample) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
WF     := $(VENV)/bin/workflow
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared/samples

.PHONY: setup tools demo test fuzz lint bench screenshots clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch first: an unpinned torch (pulled in by argostranslate) is a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

tools:
	command -v msgfmt >/dev/null || (apt-get update && apt-get install -y --no-install-recommends gettext)
	bash scripts/install-vnu.sh

# The sample's memory and glossary fill the Chinese catalogs with no model installed; the units stay
# fuzzy (needing review), so the edition is published as a marked draft.
demo: setup
	$(WF) tm import $(SHARED)/tm/ciftis-en-zh.tmx
	$(WF) glossary import $(SHARED)/glossary/en-zh.tsv
	$(WF) run zh --draft

test: setup tools
	$(PY) -m pytest -q
	$(MAKE) lint

# A longer random exploration of the property tests (not part of `make test`, which CI runs with
# the derandomized `ci` profile). Add each find to tests/test_properties.py as an @example.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py

lint: setup
	$(VENV)/bin/mypy workflow
	$(VENV)/bin/ruff check workflow tests bench

bench: setup
	$(PY) bench/bench_extract.py
	$(PY) bench/bench_pretranslate.py
	$(PY) bench/bench_publish.py

screenshots: setup
	bash scripts/install-chromium.sh
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
