# pqctrack developer entry points.  `make run` and `make test` work on a fresh clone: they create .venv from
# requirements.lock and start embedded PostgreSQL/valkey under .local/ unless DATABASE_URL/REDIS_URL are set.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.lock.installed
DEVSTACK := $(PY) scripts/devstack.py
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS ?=
# Wall-clock time make was launched at, so `make run` can report start-up time including the venv check.
LAUNCHED_AT := $(shell date +%s.%N)

.PHONY: help venv run test lint lint-django bench-gaps bench-api bench-ui clean

help:
	@echo "make run         start the dev stack (PostgreSQL, valkey, migrate + demo data, worker, beat, runserver)"
	@echo "make test        run the test suite (extra pytest args: make test ARGS=\"-k foo\")"
	@echo "make lint        ruff, mypy, makemigrations --check, check, check --deploy, spectacular --fail-on-warn"
	@echo "make bench-gaps  gap computation benchmark      make bench-api  API benchmark"
	@echo "make bench-ui    coalition matrix and common-ground page render benchmarks"
	@echo "make clean       stop leftover embedded servers and remove .local/"

# The venv is (re)built when missing or older than the lock; the stamp records a completed install.
venv: $(STAMP)
$(STAMP): requirements.lock
	@test -n "$(PYTHON)" || { echo "python3.11 not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

run: $(STAMP)
	DEVSTACK_LAUNCHED_AT=$(LAUNCHED_AT) $(DEVSTACK) run

# Debian's chromium for the Playwright browser tests (`playwright install` cannot download here).
$(CHROMIUM):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

# axe-core, which the browser journeys inject into every page they visit, from the npm lock (test tool only).
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(STAMP) $(CHROMIUM) $(AXE)
	PQCTRACK_CHROMIUM=$(CHROMIUM) $(DEVSTACK) test $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEVSTACK) exec -- $(MAKE) --no-print-directory lint-django

# Needs DATABASE_URL/REDIS_URL (`make lint` provides them through devstack).  The deploy check runs with the
# production settings, a throwaway random SECRET_KEY and, as production does, an unprivileged database role
# (scripts/app_role.py), so its database checks (a role that could rewrite the audit trail) pass.
lint-django:
	$(VENV)/bin/mypy apps pqctrack benchmarks
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py spectacular --fail-on-warn --validate --file /dev/null
	DEBUG=false SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=pqctrack.example DATABASE_URL="$$($(PY) scripts/app_role.py)" \
		$(PY) manage.py check --deploy --database default --fail-level WARNING

bench-gaps: $(STAMP)
	$(DEVSTACK) exec -- python -m benchmarks.gaps

bench-api: $(STAMP)
	$(DEVSTACK) exec -- python -m benchmarks.api

bench-ui: $(STAMP)
	$(DEVSTACK) exec -- sh -c 'python manage.py migrate -v0 && python manage.py load_reference \
		&& python manage.py recompute_gaps && python -m benchmarks.ui && python -m benchmarks.common_ground'

clean:
	if [ -x $(PY) ]; then $(DEVSTACK) clean; else rm -rf .local; fi
