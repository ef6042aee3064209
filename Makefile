# ocrbatch: `make up` runs the whole stack locally, `make test` runs the whole test suite.
# Both create .venv and install what they need from PyPI on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: up test lint protos check-protos bench clean browser

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

up: $(STAMP)
	$(PY) -m services.local up

test: $(STAMP) check-protos browser
	$(PY) -m pytest $(PYTEST_ARGS)

# The console test drives Debian's chromium; installed here when missing and apt-get can (else it skips).
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
		|| echo "chromium not installed: the console test will skip"; }

lint: $(STAMP)
	$(VENV)/bin/ruff check services tests bench scripts
	$(VENV)/bin/ruff format --check services tests bench scripts
	$(VENV)/bin/mypy

protos: $(STAMP)
	$(PY) scripts/gen_protos.py

check-protos: $(STAMP)
	$(PY) scripts/gen_protos.py --check

bench: $(STAMP)
	$(PY) -m bench.pipeline

clean:
	rm -rf $(VENV) .ocrbatch .pytest_cache
