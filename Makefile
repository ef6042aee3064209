# ocrbatch: `make up` runs the whole stack locally, `make test` runs the whole test suite.
# Both create .venv and install what they need from PyPI on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: up test lint protos check-protos bench clean system-packages images

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

up: $(STAMP)
	$(PY) -m services.local up

test: $(STAMP) check-protos system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

# Debian programs some tests drive: chromium (the console test), podman, runc and debootstrap (the image
# test), a font with Chinese characters (the test that renders a Chinese page) and DejaVu's (PDF exports: their
# text, and the recognised text in its fixed-width face). Installed here when missing and apt-get can; where they
# cannot be, those tests skip and say why.
DEBIAN_PACKAGES := chromium podman runc debootstrap uidmap fonts-wqy-zenhei fonts-dejavu-core
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
FIXED_WIDTH_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
system-packages:
	@missing="$$(for p in chromium podman runc debootstrap; do command -v $$p >/dev/null 2>&1 || echo $$p; done; \
		test -f $(CJK_FONT) || echo fonts-wqy-zenhei; test -f $(FIXED_WIDTH_FONT) || echo fonts-dejavu-core)"; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null \
			|| echo "could not install $$missing: the tests that need them will skip"; \
		else echo "not installed: $$missing (the tests that need them will skip)"; fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check services tests bench scripts
	$(VENV)/bin/ruff format --check services tests bench scripts
	$(VENV)/bin/mypy

protos: $(STAMP)
	$(PY) scripts/gen_protos.py

check-protos: $(STAMP)
	$(PY) scripts/gen_protos.py --check

images: $(STAMP)
	deploy/image/build.sh

bench: $(STAMP)
	$(PY) -m bench.pipeline

clean:
	rm -rf $(VENV) .ocrbatch .pytest_cache
