# Five Teams Training & Assessment Platform
#   make demo   - install everything, load demo data, serve http://127.0.0.1:8000
#   make test   - install what tests need and run the whole suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SYSTEM_STAMP := var/.system-packages
VENDOR := training_site/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: WeasyPrint's Pango stack, CJK fonts (Noto Serif/Sans SC
# for certificates, WenQuanYi as a small fallback), gettext for the
# catalogues, poppler for reading PDFs in tests, chromium for browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-cjk fonts-wqy-microhei gettext poppler-utils chromium

.PHONY: help install system-packages static-vendor messages messages-extract migrate demo demo-data \
	serve test test-fast lint bench bench-exam bench-certificates bench-reports clean

help:
	@echo "make demo    install, migrate the embedded SQLite db, load demo data, serve :$(PORT)"
	@echo "make test    install and run the whole test suite (lint, unit, browser)"
	@echo "make bench   run the benchmarks (see docs/benchmarks.md)"

$(SYSTEM_STAMP):
	@mkdir -p var
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

system-packages: $(SYSTEM_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	@touch $@

install: $(STAMP) $(SYSTEM_STAMP) static-vendor messages

# Front-end libraries come from npm and are served as static files.
static-vendor: $(VENDOR)/echarts/echarts.min.js

$(VENDOR)/echarts/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/echarts
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/echarts/LICENSE $(VENDOR)/echarts/

# Translation catalogues are compiled by the build, never committed.
messages: $(STAMP) $(SYSTEM_STAMP)
	@$(PY) manage.py compilemessages -v0 --ignore='.venv/*' --ignore='node_modules/*'

# Extract strings: site-wide ones (templates/, training_site/) into locale/,
# each app's own into <app>/locale/. Then translate the new msgids.
APPS := personnel courses assessments
messages-extract: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -e html,py,txt --no-obsolete \
		$(foreach a,$(APPS),--ignore='$(a)/*') --ignore='.venv/*' \
		--ignore='node_modules/*' --ignore='tests/*' --ignore='bench/*'
	for a in $(APPS); do (cd $$a && ../$(PY) ../manage.py makemessages \
		-l zh_Hans -e html,py,txt --no-obsolete); done

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

# Links in e-mails and certificate QR codes name the address the demo is
# served on (make demo PORT=8010 prints codes that scan on :8010).
demo-data demo: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

demo-data: migrate
	$(PY) manage.py load_demo

demo: demo-data
	@echo "Serving on http://$(HOST):$(PORT)  (accounts: see README.md)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# The whole suite on the embedded shape: SQLite, eager Celery, locmem cache.
test: install lint
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL \
		$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -x -m "not browser" $(PYTEST_ARGS)

bench: bench-exam bench-certificates bench-reports

# Each benchmark needs PostgreSQL (and Redis for exams): see docs/benchmarks.md.
bench-exam bench-certificates bench-reports: install
	$(PIP) install -q -e '.[dev,bench]'
	$(PY) bench/$(@:bench-%=%).py

clean:
	rm -rf var/static var/media var/db.sqlite3 $(VENDOR)
