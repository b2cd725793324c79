# Quick start: `make demo` (set up, then run the whole job on the sample) and `make test`.
# Everything they need is in the repository. `make demo VENV=/path/to/venv INSTALL=no` uses an existing
# virtualenv as it is (nothing installed into it); the checkout's own code runs either way.
PYTHON  ?= python3
VENV    ?= .venv
INSTALL ?= yes
PY      := $(VENV)/bin/python
WF      := $(PY) -m workflow
STAMP   := $(VENV)/.installed-stamp
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

.PHONY: setup tools apertium demo test fuzz mutate lint bench screenshots clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch first: an unpinned torch (pulled in by argostranslate) is a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test,bench,cluster]'
	touch $(STAMP)

setup: $(if $(filter no,$(INSTALL)),,$(STAMP))

tools: apertium
	command -v msgfmt >/dev/null || ($(APT_INSTALL) gettext)
	# the review app's browser test drives Debian's Chromium (Playwright's own browser download is not used)
	command -v chromium >/dev/null || ($(APT_INSTALL) chromium fonts-noto-cjk fonts-noto-core)
	bash scripts/install-vnu.sh

# Apertium (rule-based MT, packaged by Debian) and its English->Spanish pair: installed where this runs
# as root with apt-get; elsewhere it says how, and the demo and tests go on without it.
apertium:
	@if command -v apertium >/dev/null && apertium -l | grep -x '[[:space:]]*eng-spa' >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  $(APT_INSTALL) apertium apertium-eng-spa || echo "apertium could not be installed; going on without it"; \
	else echo "Apertium is not installed: sudo apt-get install apertium apertium-eng-spa (Debian/Ubuntu)," \
	  "or see https://wiki.apertium.org/wiki/Installation; going on without it"; fi

# In demo/ (made afresh, ignored by git): the sample's memory and glossary fill the Chinese catalogs
# with no model installed, Apertium translates the Spanish ones; every unit stays fuzzy (needing
# review), so both editions are published as marked drafts. Ends with their paths.
demo: setup apertium
	bash scripts/demo.sh $(WF)

test: setup tools
	$(PY) -m pytest -q
	$(MAKE) lint

# A longer random exploration of the property tests (not part of `make test`, which CI runs with
# the derandomized `ci` profile). Add each find to tests/test_properties.py as an @example.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py

# Mutation testing (Cosmic Ray) of the modules that decide correctness: what and with which tests is
# mutation.toml; the score per target, survivors and equivalents are in docs/mutation.md. Not part of
# `make test` (about 20 minutes per 300 mutants on two cores). ARGS: e.g. --only files --show
mutate: setup
	$(PY) -m pip install -q -e '.[mutate]'
	$(PY) scripts/mutate.py $(ARGS)

lint: setup
	$(VENV)/bin/mypy workflow
	$(VENV)/bin/ruff check workflow tests bench

bench: setup apertium
	$(PY) bench/bench_extract.py
	$(PY) bench/bench_pretranslate.py
	$(PY) bench/bench_publish.py
	$(PY) bench/bench_apertium.py
	$(PY) bench/bench_scale.py

screenshots: setup
	bash scripts/install-chromium.sh
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo
