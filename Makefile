# The two commands of the README's quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: install run test lint typecheck format system-deps bench-smoke mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/passnum migrate
	$(BIN)/passnum demo
	$(BIN)/passnum serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Tools the tests call outside Python: pdftoppm (poppler-utils) to rasterise PDFs, Debian's
# Chromium for the browser tests (Playwright drives it; no browser download) and redis-server for
# the local geocoder the geocoding tests start (addok, tests/addok_server.py). Installed when missing.
system-deps:
	@missing=""; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing with apt-get:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# In parallel (pytest-xdist): each worker has its own SQLite file or PostgreSQL database
# (tests/databases.py); the tests of the live server share one worker. TEST_WORKERS=0: in series.
TEST_WORKERS ?= auto
test: install system-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) typecheck

# pyright in basic mode over the application code ([tool.pyright] in pyproject.toml): zero errors.
# The pinned wheel carries pyright; IGNORE_WARNINGS stops it asking PyPI for a newer version.
typecheck: install
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(BIN)/pyright

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each benchmark once, tiny, to prove it still runs (timings are not checked here).
bench-smoke: install
	$(BIN)/python -m bench.printing --smoke
	$(BIN)/python -m bench.redemption --smoke
	$(BIN)/python -m bench.vouchers_load --scenario handout --smoke
	$(BIN)/python -m bench.vouchers_load --scenario status --smoke
	$(BIN)/python -m bench.statistics --smoke
	$(BIN)/python -m bench.large_data --smoke

# Mutation testing of one module that decides money or availability (docs/mutation.md): by hand,
# never in CI. SQLite, one process, only the tests that run the mutated function, stopped after
# MUTATION_TIMEOUT. MODULE: vouchers.rules, vouchers.services.redemption, equipment.booking,
# equipment.availability, reimbursements.statements, reimbursements.credit_notes.
MODULE ?= vouchers.rules
MUTATION_TIMEOUT ?= 40m
mutation: install
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	rm -f mutants/var/test.template.sqlite
	@# mutmut copies a file into mutants/ only once: bring templates and data up to date.
	test ! -d mutants || for d in src/passnum composition organisations vouchers equipment \
	  printing reimbursements reporting territory; do find $$d -type f ! -name '*.py' \
	  ! -path '*/__pycache__/*' -exec cp -p --parents {} mutants/ \; ; done
	PASSNUM_TEST_KEEP_SCHEMA=1 timeout $(MUTATION_TIMEOUT) $(BIN)/mutmut run --max-children 1 '$(MODULE).*' || true
	@echo "$(MODULE):"; $(BIN)/mutmut results --all true | grep -F " $(MODULE).x" \
	  | sed 's/.*: //' | sort | uniq -c
