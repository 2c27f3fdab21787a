# The handbook's commands. Editors need two: `make html` and `make test`.
# The first run creates .venv and installs the pinned tools from requirements.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
JOBS ?= 2

.PHONY: html check pdf release pins policy test lint typecheck pytest browser serve clean lock help tree-record scenarios

help:
	@echo "For editors:"
	@echo "  make html      build the site into _build/html (nothing changes if a source has a problem)"
	@echo "  make check     check the sources and report every problem, publishing nothing"
	@echo "  make serve     serve the site on http://127.0.0.1:8000, rebuilding when a source changes"
	@echo "                 (another port: make serve PORT=8080)"
	@echo "  make pdf       build only the PDFs into _build/pdf/ (a school's edition: make pdf SCHOOL=\"...\")"
	@echo "  make policy    start a new policy: make policy NAME=code-of-conduct TITLE=\"Staff code of conduct\""
	@echo "  make release   publish a policy's changes as a new version:"
	@echo "                 make release POLICY=social-media VERSION=1.1 EFFECTIVE=YYYY-MM-DD [EDITORIAL=\"4.4 6.2\"]"
	@echo "  make pins      confirm the guidance after an amendment: make pins POLICY=social-media [ITEMS=\"quiz:logo\"]"
	@echo "  make tree-record  rewrite the record of every path through each decision tree"
	@echo "  make scenarios    check each policy's scenarios reach the verdicts they say"
	@echo "For developers:"
	@echo "  make test      run the tests, the linters and the type checks (lint, typecheck, pytest, browser)"
	@echo "  make lint      ruff: lint and format check"
	@echo "  make typecheck mypy"
	@echo "  make pytest    the Python tests"
	@echo "  make browser   the engine in Pyodide under Node, and the browser tests in headless Chromium"
	@echo "  make lock      re-pin the Python dependencies after editing requirements.in"
	@echo "  make clean     remove everything the build made"

html: $(STAMP) $(NODE_STAMP) pdf-libraries
	$(BIN)/python -m clausebook build

check: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m clausebook check

# The PDFs alone, into _build/pdf/. A school's edition: make pdf SCHOOL="Name as in conf.py".
pdf: $(STAMP) $(NODE_STAMP) pdf-libraries
	$(BIN)/python -m clausebook pdf --school="$(SCHOOL)"

# WeasyPrint needs Pango, HarfBuzz and fontconfig from the system; install them when missing.
.PHONY: pdf-libraries
pdf-libraries: $(STAMP)
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { echo "Installing WeasyPrint's system libraries..."; \
	  apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig >/dev/null; }

PORT ?= 8000

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m clausebook serve --port "$(PORT)"

test: lint typecheck pytest browser

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

# Strict for the pure parts (the model and the engine that runs on Pyodide).
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict src/clausebook/model.py src/clausebook/interactive

# A test module's builds are shared by its tests (module fixtures): keep a module on one worker,
# or each worker builds them again.
pytest: $(STAMP) $(NODE_STAMP) pdf-libraries test-tools
	$(BIN)/pytest -n $(JOBS) --dist loadfile

# The engine in real Pyodide (Node), and real headless Chromium, against the site `make html` built.
browser: html test-tools
	node --test tests/pyodide/
	node --test --test-concurrency=2 tests/browser/*.test.mjs

# Browser tests drive Debian's Chromium; the PDF tests read PDFs with poppler's pdftotext and
# pdftoppm. Install them when missing (CI runs as root).
.PHONY: test-tools
test-tools:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { \
	  echo "Installing Chromium and poppler-utils for the tests..."; \
	  apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; }

$(STAMP): requirements.lock pyproject.toml
	@echo "Installing the pinned build tools into $(VENV) (first run only, about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --no-deps --no-build-isolation --editable .
	@touch $@

$(NODE_STAMP): package-lock.json
	@echo "Installing the pinned JavaScript packages (Pyodide, test tools) with npm ci..."
	npm ci --no-audit --no-fund
	@touch $@

# Re-pin the Python dependencies after editing requirements.in.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile requirements.in --generate-hashes --python-version 3.11 \
	  --no-header --quiet -o requirements.lock

# release, policy and pins read their values (POLICY=..., TITLE=...) from the environment,
# where make puts what is given on its command line: a title with quotes or an apostrophe in
# it reaches the command as it was typed. Each value is taken as it was typed, not expanded
# by make, so a "$" in a title stays (make would read "$5" as a variable of its own).
# Only from the command line: a variable of the same name in the environment (WSL sets NAME to
# the computer's name) is not taken for one.
EDITOR_VALUES := POLICY VERSION EFFECTIVE EDITORIAL NAME TITLE ITEMS
$(foreach v,$(EDITOR_VALUES),$(if $(filter environment,$(origin $(v))),$(eval unexport $(v))))
$(foreach v,$(EDITOR_VALUES),$(if $(filter command line,$(origin $(v))),\
  $(eval override $(v) := $$(value $(v)))$(eval export $(v))))

# Publish an amendment as a new frozen version:
#   make release POLICY=social-media VERSION=1.1 EFFECTIVE=2026-12-01 [EDITORIAL="4.4 6.2"]
release: $(STAMP) $(NODE_STAMP) pdf-libraries
	@test -n "$${POLICY-}" -a -n "$${VERSION-}" -a -n "$${EFFECTIVE-}" || { \
	  echo 'Say which policy, version and date: make release POLICY=social-media VERSION=1.1 EFFECTIVE=YYYY-MM-DD'; exit 2; }
	$(BIN)/python -m clausebook release --policy="$${POLICY-}" --version="$${VERSION-}" \
	  --effective="$${EFFECTIVE-}" --editorial="$${EDITORIAL-}"
	@# Build it, then record what its readers see, so an engine change that alters it fails the tests.
	$(MAKE) --no-print-directory html
	$(BIN)/python tools/released_views.py

# Start a new policy: its folder, an index with the front matter the build needs, a first section:
#   make policy NAME=code-of-conduct TITLE="Staff code of conduct"
policy: $(STAMP)
	@test -n "$${NAME-}" -a -n "$${TITLE-}" || { \
	  echo 'Say the folder name and the title: make policy NAME=code-of-conduct TITLE="Staff code of conduct"'; exit 2; }
	$(BIN)/python -m clausebook policy --name="$${NAME-}" --title="$${TITLE-}"

# Confirm guidance against the clauses as they now read (new items, or ITEMS after an amendment):
#   make pins POLICY=social-media [ITEMS="quiz:logo rule:logo-in-profile"]
pins: $(STAMP) $(NODE_STAMP) pdf-libraries
	@test -n "$${POLICY-}" || { echo 'Say which policy: make pins POLICY=social-media'; exit 2; }
	$(BIN)/python -m clausebook pins --policy="$${POLICY-}" --items="$${ITEMS-}"

# After changing guidance rules: rewrite the record of every distinct verdict, then review the diff.
tree-record: html
	$(BIN)/python -m clausebook tree-record

# Walk each policy's scenarios (quizzes/<policy>.scenarios.yaml) through its guidance rules.
scenarios: html
	$(BIN)/python -m clausebook scenarios

clean:
	rm -rf _build
