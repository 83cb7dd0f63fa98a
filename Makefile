# rnn-course: two commands do all the set-up on a fresh machine.
#   make book   — install the pinned environment, build the HTML book into _build/html
#   make test   — install the pinned environment (+ chromium) and run every test
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Use the copy of the novel beside the checkout when there is one (CI, this project's machines);
# otherwise d2lmini downloads it on first use and caches it.
ifneq ($(wildcard ../shared/data/timemachine.txt),)
export D2LMINI_DATA ?= $(abspath ../shared/data)
endif

.PHONY: env book serve test notebooks bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

env: $(STAMP)

book: env
	$(BIN)/jupyter-book build . -W -n --keep-going

serve: book
	$(BIN)/python -m http.server -d _build/html 8000

# regenerate every chapter's .ipynb from its .md (install cell from _config.yml, then execute),
# then the exercises' student and solution notebooks from exercises/*.md
notebooks: env
	$(BIN)/python tools/sync_install_cell.py
	$(BIN)/python tools/sync_notebooks.py
	$(BIN)/python tools/build_exercises.py

# tests/test_browser.py builds the book itself (incrementally; jupyter-cache keeps executions)
test: env
	bash tools/install_browser.sh
	$(BIN)/python -m pytest

bench: env
	$(BIN)/python benchmarks/bench_rnn_lm.py
	$(BIN)/python benchmarks/bench_grading.py

clean:
	rm -rf _build .jupyter_cache
