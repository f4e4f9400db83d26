# Two commands: `make demo` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-faults audit lint install dev system-deps clean

demo: $(VENV)/.installed
	$(BIN)/ardesk demo

# The fault harness runs last and on its own: it starts its own servers and a dozen processes.
FAULT_REQUESTS ?= 1000

test: $(VENV)/.installed-dev system-deps
	$(BIN)/ruff check .
	$(BIN)/python scripts/audit-dependencies.py
	$(BIN)/pytest --ignore=tests/faults
	$(MAKE) test-faults

# Requests through IMAP and SMTP while workers, clocks, IMAP, SMTP and PostgreSQL fail
# (tests/faults/harness.py); FAULT_REQUESTS=5000 for the recorded run.
test-faults: $(VENV)/.installed-dev system-deps
	ARDESK_TEST_FAULT_REQUESTS=$(FAULT_REQUESTS) $(BIN)/pytest tests/faults -q -s

# The dependency audit alone, failing when nothing could be audited (needs PyPI's JSON API).
audit: $(VENV)/.installed-dev
	AUDIT_REQUIRED=1 $(BIN)/python scripts/audit-dependencies.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check core ardesk tests/core tests/support

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "ardesk needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# The real services the integration tests talk to (Debian packages, installed only when missing
# and only as root; elsewhere the tests say what to install, and fail under CI=true).
system-deps:
	@scripts/install-system-deps.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
