# Quick start: `make site` builds the linted offline site; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[site,dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check tools tests
	$(BIN)/ruff format --check tools tests

typecheck: $(STAMP)
	$(BIN)/mypy --strict tools

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf $(VENV) site .cache

# -- the offline site ------------------------------------------------------------------------
# `assets` fetches the pinned third-party JavaScript (mermaid, iframe-worker) from the npm
# registry into git-ignored folders and checks its sha256; a no-op when already verified.
# `site` lints the library, then builds with --strict (never -q: strict counts warnings).
.PHONY: assets site serve

assets: $(STAMP)
	$(BIN)/python scripts/fetch-site-assets.py

# NO_MKDOCS_2_WARNING: the theme's notice about its end of life is not about this build.
site: $(STAMP) assets
	$(BIN)/runbook-lint check runbooks schemas docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

serve: $(STAMP) assets
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# The site and browser tests build the site, which needs the pinned JavaScript in place.
pytest: assets
