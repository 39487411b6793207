# Blink to Backend. Every target sets up .venv first; `make help` lists them.
#
# The virtual environment is (re)installed only when pyproject.toml is newer than the
# stamp file .venv/.installed, so a second `make test` starts straight away.

PYTHON ?= python3
LAB_OPTS ?=          # extra options for jupyter lab, e.g. LAB_OPTS="--port=8890 --no-browser"
# The students' workspace that `make lab` opens (git-ignored); `grader workspace` makes it.
WORKSPACE ?= workspace
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help venv system-packages lab lab-instructor test lint serve-flask serve-django docs docs-build release grade bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP) ## create or update .venv from pyproject.toml

system-packages: ## install the Debian packages the course needs (bubblewrap), when missing
	@scripts/install-system-packages

# Both labs start in the folder they show (a terminal opened at the top of the file browser
# starts in the server's own folder) and put the course's tools (grader, python, flask)
# first on the PATH of their terminals.
LAB := PATH="$(CURDIR)/$(BIN):$$PATH" "$(CURDIR)/$(BIN)/jupyter" lab --notebook-dir=. \
	$(if $(filter 0,$(shell id -u)),--allow-root)

lab: venv ## open your workspace/ in JupyterLab (made on first use, never overwritten)
	$(PY) -m grader workspace --out "$(WORKSPACE)"
	cd "$(WORKSPACE)" && JUPYTER_CONFIG_PATH="$$PWD/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(LAB) $(LAB_OPTS)

lab-instructor: venv ## open the course sources in JupyterLab, with nbgrader's instructor tools
	$(LAB) $(LAB_OPTS)

test: venv system-packages ## run every test: quick benchmarks, the contract suite against each hub, the project's
	$(MAKE) --no-print-directory bench QUICK=1
	$(PY) -m pytest starter/contract --backend flask
	$(PY) -m pytest starter/contract --backend django
	$(PY) -m pytest -n auto --dist loadgroup --durations=30  # spread over the cores; a group's tests share a worker; the 30 slowest listed

lint: venv ## ruff over the whole repository
	$(BIN)/ruff check .

serve-flask: venv ## run the Flask hub on http://127.0.0.1:5000 with a dev database
	@cd starter/flask && ../../$(PY) -m flask --app wsgi serve-dev --host 127.0.0.1 --port 5000

serve-django: venv ## run the Django hub on http://127.0.0.1:8000 with a dev database
	@cd starter/django && ../../$(PY) manage.py serve 127.0.0.1:8000

docs: venv ## serve the course site on http://127.0.0.1:8001
	$(BIN)/mkdocs serve -a 127.0.0.1:8001

docs-build: venv ## build the course site into site/ (strict)
	$(BIN)/mkdocs build --strict

bench: venv ## measure ingestion, queries, grading, simulation, feedback loop (QUICK=1: < 1 min)
	$(PY) -m bench.run $(if $(filter 1 yes true,$(QUICK)),--quick,--publish)

release: venv ## make the student versions of every assignment into release/
	$(PY) -m grader release

grade: venv system-packages ## grade ./submitted/*/$(ASSIGNMENT)/ (ASSIGNMENT=flask-hub)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make grade ASSIGNMENT=<name>  (names: see course.toml)"; exit 2; }
	$(PY) -m grader grade $(ASSIGNMENT)

clean: ## remove build output (keeps .venv)
	rm -rf site build release .pytest_cache
