# Two commands on a bare machine with only python3:  make demo  and  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test lint install install-dev system-deps runtime-deps clean messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	bash scripts/install-system-deps.sh  # python-ldap (dev) compiles against OpenLDAP's headers
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

system-deps:
	bash scripts/install-system-deps.sh

runtime-deps:
	bash scripts/install-system-deps.sh runtime

demo: install runtime-deps
	$(PY) -m rongmei demo --port $(PORT)

lint: install-dev
	$(PY) -m ruff check rongmei bench tests tools

test: system-deps install-dev lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) var

# Collect Rongmei's own strings into rongmei/locale and compile (never touches rongmei/core/locale).
messages: install-dev
	$(PY) -m rongmei makemessages -l zh_Hans --add-location=file --no-obsolete \
	  -i "rongmei/core/locale" -i "tests" -i "var" -i "bench" -i "build" -i "scripts" -i "docs" -i "*.egg-info" -i ".venv"
	msgfmt --check -o rongmei/locale/zh_Hans/LC_MESSAGES/django.mo rongmei/locale/zh_Hans/LC_MESSAGES/django.po
	msgfmt --check -o rongmei/locale/zh_Hans/LC_MESSAGES/djangojs.mo rongmei/locale/zh_Hans/LC_MESSAGES/djangojs.po
