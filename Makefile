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

.PHONY: help setup chromium book test run refresh report student bench compat lint clean

help:
	@echo "make book      set up, then build the site into _build/html from stored outputs"
	@echo "make test      set up, then run every test (offline)"
	@echo "make run CHAPTER=01 PROFILE=full   execute a chapter into _build/executed/"
	@echo "make refresh [CHAPTER=01] [FORCE=1] [ALL=1]  re-execute changed chapters in notebooks/ (book profile)"
	@echo "make compat    smoke-run every chapter with the oldest supported TensorFlow/Keras"
	@echo "make bench     measured speed ratios (benchmarks/results.json)"
	@echo "make student   write student copies (solutions replaced by stubs) to _build/student/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser test of the built site (needs apt; CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }

book: $(STAMP)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@test -f _build/html/index.html && echo "Site: _build/html/index.html"

NBVAL_METRICS := _build/metrics/nbval
PYTEST_JOBS ?= 2

# 1) unit tests, smoke runs, book build; 2) nbval re-executes the stored notebooks and records
# their metrics; 3) the chapters' lessons are asserted on those metrics.
test: $(STAMP) chromium
	@rm -rf $(NBVAL_METRICS)
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests --ignore=tests/lessons \
	    -n $(PYTEST_JOBS) --dist loadscope --durations=15
	COURSE_OFFLINE=1 COURSE_METRICS_DIR=$(abspath $(NBVAL_METRICS)) $(BIN)/python -m pytest \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	    --nbval-cell-timeout=600 -n $(PYTEST_JOBS) --dist loadscope notebooks/
	COURSE_OFFLINE=1 COURSE_LESSONS_METRICS_DIR=$(abspath $(NBVAL_METRICS)) \
	    $(BIN)/python -m pytest tests/lessons -v
	$(BIN)/ruff check .

run: $(STAMP)
	$(BIN)/python -m course_utils run --chapter $(CHAPTER) --profile $(PROFILE)

refresh: $(STAMP)
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

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

student: $(STAMP)
	$(BIN)/python -m course_utils student --chapter $(CHAPTER)

report: $(STAMP)
	$(BIN)/python -m course_utils report

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf _build
