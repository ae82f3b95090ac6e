# JoinedUp: `make demo` and `make test` each set up everything they need on a fresh machine.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
WHEELS := $(shell [ -d /opt/wheels ] && echo --find-links /opt/wheels)
PYTEST_ARGS ?=

.PHONY: setup system-deps node-deps demo test lint typecheck bench clean

setup: $(VENV)/.installed node-deps

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(WHEELS) -c constraints.txt -e '.[learning,spark,eval,dev]'
	touch $@

# Debian's chromium drives the browser tests (no browser downloads on these machines).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; }

node-deps:
	@if [ -f package.json ]; then [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; fi

demo: setup
	$(VENV)/bin/joinedup demo

test: setup system-deps
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests bench research
	$(VENV)/bin/ruff format --check src tests bench research

typecheck: setup
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
