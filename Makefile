# Deep Learning Step by Step: CNNs - the two contract commands are `make book` and `make test`.
# Both set everything up on a fresh machine that has Python 3.11.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHAPTER ?= all
PROFILE ?= book
FORCE  ?=

# TensorFlow quiet and reproducible; oneDNN stays on (it is ~2.6x faster on CPU).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_NUM_INTRAOP_THREADS ?= 2
export TF_NUM_INTEROP_THREADS ?= 2
export OMP_NUM_THREADS ?= 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help setup chromium data mathjax book pdf bundle test run refresh report student bench compat colab rehearse lint clean ci-lint retarget release

help:
	@echo "make book      set up, then build the site into _build/html from stored outputs"
	@echo "make test      set up, then run every test (offline)"
	@echo "make run CHAPTER=01 PROFILE=full   execute a chapter into _build/executed/"
	@echo "make refresh [CHAPTER=01] [FORCE=1] [ALL=1]  re-execute changed chapters in notebooks/ (book profile)"
	@echo "make compat    smoke-run every chapter with the oldest supported TensorFlow/Keras"
	@echo "make colab     smoke-run every student notebook in Colab's package set, installed from a wheel"
	@echo "make rehearse  run every chapter's full profile, epochs and sample counts capped (CPU)"
	@echo "make bench     measured speed ratios (benchmarks/results.json)"
	@echo "make student   update the committed student copies in notebooks/student/ (never overwrites edits)"
	@echo "make retarget URL=https://github.com/<owner>/<repo> [BRANCH=main]  point a fork's links at it"
	@echo "make pdf       the whole book as one PDF in _build/pdf/ (offline)"
	@echo "make bundle    the site, chapters and student copies in one zip (offline)"
	@echo "make release VERSION=x.y.z  set the version, pin every install line to @vx.y.z, commit and tag"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# $(call apt,PACKAGE,COMMAND): apt-get install PACKAGE unless COMMAND exists (CI runs as root).
apt = command -v $(2) >/dev/null 2>&1 || { \
	  SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get install -y -q $(1) >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $(1) >/dev/null; }; }

# Debian's Chromium for the browser test of the built site and for the PDF, and poppler's
# pdftotext for the PDF's test (needs apt; CI runs as root).
chromium:
	@$(call apt,chromium,chromium)
	@$(call apt,poppler-utils,pdftotext)

# Debian's Fashion-MNIST, the real data of the book profile offline (needs apt; CI runs as root).
FASHION_MNIST := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
data:
	@test -f $(FASHION_MNIST) || { \
	  SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO apt-get install -y -q dataset-fashion-mnist >/dev/null; }; }

# MathJax, pinned in book/vendor/package-lock.json, is served from the site itself so that
# math renders offline (a downloaded site, the bundle, the PDF). Needs npm (apt-get install npm).
MATHJAX := book/vendor/node_modules/mathjax/es5/tex-mml-chtml.js
mathjax: $(MATHJAX)
$(MATHJAX): book/vendor/package-lock.json
	@$(call apt,npm,npm)
	npm ci --prefix book/vendor --no-audit --no-fund --loglevel=error
	@touch $@

book: $(STAMP) mathjax
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@test -f _build/html/index.html && echo "Site: _build/html/index.html"

NBVAL_METRICS := _build/metrics/nbval
PYTEST_JOBS ?= 2
# nbval executes one chapter at a time: each chapter's recorded time is then its own, which
# the timing table reports against the 3-minute budget (in calibration units).
NBVAL_JOBS ?= 1

# 1) unit tests and book build, then the smoke runs one chapter at a time (each one timed,
# with a calibration workload timed once beside them); 2) nbval re-executes the stored
# notebooks and records their metrics; 3) the chapters' lessons are asserted on those
# metrics; 4) the timing table: every chapter's smoke and book time in seconds and in
# calibration units, the budgets checked in those units and reported, never asserted.
test: $(STAMP) chromium data mathjax ci-lint
	@rm -rf $(NBVAL_METRICS) _build/metrics/smoke _build/metrics/calibration.json _build/report/timings.md
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests --ignore=tests/lessons \
	    --ignore=tests/test_notebooks.py -n $(PYTEST_JOBS) --dist loadscope --durations=15
	COURSE_OFFLINE=1 MPLBACKEND=Agg COURSE_TIMINGS_DIR=$(abspath _build/metrics) \
	    $(BIN)/python -m pytest tests/test_notebooks.py --durations=10
	COURSE_OFFLINE=1 MPLBACKEND=module://matplotlib_inline.backend_inline \
	    COURSE_METRICS_DIR=$(abspath $(NBVAL_METRICS)) $(BIN)/python -m pytest \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	    --nbval-cell-timeout=600 -n $(NBVAL_JOBS) --dist loadscope notebooks/0*.ipynb
	COURSE_OFFLINE=1 COURSE_LESSONS_METRICS_DIR=$(abspath $(NBVAL_METRICS)) \
	    $(BIN)/python -m pytest tests/lessons -v
	$(BIN)/python -m course_utils timings --metrics _build/metrics --write _build/report/timings.md
	$(BIN)/ruff check .
	@$(MAKE) --no-print-directory colab

# The whole book as one PDF: the single-page HTML build printed by Debian's Chromium (offline,
# math rendered, bookmarks from the headings) into _build/pdf/.
pdf: $(STAMP) chromium mathjax
	$(BIN)/python -m course_utils pdf

# One zip that opens offline: the built site, the seven chapters and the seven student copies.
bundle: book
	$(BIN)/python -m course_utils bundle

run: $(STAMP) data
	$(BIN)/python -m course_utils run --chapter $(CHAPTER) --profile $(PROFILE) $(if $(SET),--set $(SET),)

refresh: $(STAMP) data
	COURSE_OFFLINE=1 $(BIN)/python -m course_utils refresh --chapter $(CHAPTER) $(if $(FORCE),--force,) $(if $(ALL),--all,)

# Compatibility lane: the oldest TensorFlow/Keras we claim (tests/compat-constraints.txt), in
# its own venv, runs every chapter's smoke profile.
COMPAT := .venv-compat
compat:
	@test -x $(COMPAT)/bin/python || $(PYTHON) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT)/bin/python -m pip install --quiet -c tests/compat-constraints.txt -e . \
	    papermill==2.7.0 ipykernel==7.4.0 nbformat==5.11.1 pytest==9.2.0 pyyaml
	$(COMPAT)/bin/python -c "import tensorflow as tf, keras; print('compat lane: TF', tf.__version__, 'Keras', keras.__version__)"
	PATH=$(abspath $(COMPAT))/bin:$$PATH COURSE_OFFLINE=1 $(COMPAT)/bin/python -m pytest \
	    tests/test_notebooks.py -k smoke_run -v

# Colab lane: Colab's own package set (tests/colab-constraints.txt) in its own venv, rebuilt only
# when that file changes; course_utils installed from a clean copy of the tree as pip installs it
# from git; every student notebook runs its smoke profile from a folder outside the checkout.
COLAB := .venv-colab
COLAB_PINS := tests/colab-constraints.txt
COLAB_STAMP := $(COLAB)/.installed-$(firstword $(shell sha256sum $(COLAB_PINS) 2>/dev/null | cut -c1-16))
$(COLAB_STAMP):
	rm -rf $(COLAB)
	$(PYTHON) -m venv $(COLAB) || python3 -m venv $(COLAB)
	$(COLAB)/bin/python -m pip install --quiet -r $(COLAB_PINS)
	@touch $@
colab: $(COLAB_STAMP) data
	COURSE_OFFLINE=1 $(COLAB)/bin/python -m course_utils.tooling.colab_lane --constraints $(COLAB_PINS)

# The full profile on CPU with epochs and sample counts capped: wall time and peak memory per
# chapter into benchmarks/rehearsal.json and the report page (book/report.md).
rehearse: $(STAMP) data
	COURSE_OFFLINE=1 $(BIN)/python -m course_utils rehearse --chapter $(CHAPTER)

bench: $(STAMP) data
	$(BIN)/python benchmarks/run.py

student: $(STAMP)
	$(BIN)/python -m course_utils student --chapter $(CHAPTER)

report: $(STAMP)
	$(BIN)/python -m course_utils report

lint: $(STAMP)
	$(BIN)/ruff check .

# The GitHub workflows: valid against the workflow JSON schema, and zizmor's offline audit
# finds nothing of medium severity or above (part of `make test`).
ci-lint: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress --color never --min-severity medium .github/workflows

# Point every repository link (config, install lines, Colab links, student copies, docs) at a
# fork: make retarget URL=https://github.com/<owner>/<repo> [BRANCH=main]
URL    ?=
BRANCH ?= main
retarget: $(STAMP)
	$(BIN)/python -m course_utils retarget --url '$(URL)' --branch '$(BRANCH)'

# One commit and tag: the version in pyproject, CITATION.cff and course_utils, every install
# line pinned to @vVERSION, the CHANGELOG's Unreleased notes moved under it.
VERSION ?=
release: $(STAMP)
	$(BIN)/python -m course_utils release --version '$(VERSION)'

clean:
	rm -rf _build
