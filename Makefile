# The two commands a newcomer needs: `make up` (run the hospital locally) and `make test` (every test tier).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := $(patsubst services/%/pyproject.toml,%,$(wildcard services/*/pyproject.toml))
PROJECT_FILES := shared/pyproject.toml shared/testing/pyproject.toml $(wildcard services/*/pyproject.toml) requirements-dev.txt
appointment ?= 2

.PHONY: help system-deps install up down status logs scale admin test unit integration e2e lint format bench clean
.PHONY: frontend vitest browser browser-deps compose-deps monitoring-deps api-types bundle-size

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

system-deps: ## install missing Debian packages (nginx, Redis server, Node, python3-venv)
	@bash tools/install-system-deps.sh python-venv nginx redis node

$(VENV)/.installed: $(PROJECT_FILES)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -r requirements-dev.txt -e shared -e shared/testing $(foreach s,$(SERVICES),-e services/$(s))
	@touch $@

SWAGGER_UI := gateway/swagger/node_modules/.package-lock.json
$(SWAGGER_UI): gateway/swagger/package-lock.json
	@cd gateway/swagger && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: system-deps $(VENV)/.installed $(SWAGGER_UI) ## create .venv with every service and tool, and the API docs UI

# The SPA: node_modules from the lock file (stamped like the API docs UI), then frontend/dist, rebuilt when
# anything the build reads is newer than the last build's index.html.
FRONTEND_MODULES := frontend/node_modules/.package-lock.json
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/*.json frontend/*.config.*)

$(FRONTEND_MODULES): frontend/package-lock.json
	@cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(FRONTEND_BUILT): $(FRONTEND_MODULES) $(FRONTEND_SOURCES)
	@cd frontend && npm run build
	@touch $@

frontend/package-lock.json:
	@echo "frontend/package-lock.json is missing: run 'npm install' in frontend/ and commit the lock file" >&2
	@exit 1

ifneq ($(wildcard frontend/package.json),)
frontend: system-deps $(FRONTEND_BUILT) ## build the SPA into frontend/dist (npm ci from the lock file, vite build)

vitest: system-deps $(FRONTEND_MODULES) ## the SPA's unit tests (vitest)
	@cd frontend && npm test
else
frontend vitest:
	@echo "frontend/package.json does not exist yet: no SPA to build or test (the gateway serves its placeholder)"
endif

# MONITORING=1: Debian's Prometheus too (kept by later `make up`/`scale` until MONITORING=0 or `make down`).
MONITORING ?=
export MONITORING

up: install frontend $(if $(filter 1,$(MONITORING)),monitoring-deps) ## start the whole stack at http://localhost:8080 (idempotent; MONITORING=1 adds Prometheus)
	@$(PY) -m tools.stack up

down: ## stop everything `make up` started
	@test -x $(PY) && $(PY) -m tools.stack down || echo "nothing to stop"

status: ## what runs and whether each service is ready
	@$(PY) -m tools.stack status

logs: ## the last lines of every service's log
	@$(PY) -m tools.stack logs

scale: ## change the Appointment-MS replicas: make scale appointment=3
	@$(PY) -m tools.stack scale $(appointment)

admin: install ## create or reset an admin: make admin EMAIL=a@b.c PASSWORD=...
	@test -n "$(EMAIL)" -a -n "$(PASSWORD)" || { echo "usage: make admin EMAIL=... PASSWORD=..."; exit 2; }
	@$(PY) -m tools.stack admin --email "$(EMAIL)" --password "$(PASSWORD)"

lint: $(VENV)/.installed ## ruff check and format check over the whole repository
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## apply ruff's formatting and safe fixes
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

compose-deps: ## install Debian's docker-compose, which checks docker-compose.yml without a Docker engine
	@bash tools/install-system-deps.sh docker-compose

monitoring-deps: ## install Debian's Prometheus and promtool (make up MONITORING=1, the monitoring tests)
	@bash tools/install-system-deps.sh prometheus

browser-deps: ## install Debian's Chromium and fonts, which the browser tests drive through Playwright
	@bash tools/install-system-deps.sh chromium

# The test tiers: the root conftest.py gives each test one marker by its path, so `pytest -m unit` and the rest
# work too. `make test` runs them one after another, each in a pytest of its own, and stops at the first to fail.
PYTEST := $(VENV)/bin/pytest
TESTS := shared/tests $(foreach s,$(SERVICES),services/$(s)/tests) tests
UNIT_TESTS := shared/tests/unit $(foreach s,$(SERVICES),services/$(s)/tests/unit)

unit: $(VENV)/.installed ## unit tests: no PostgreSQL, Redis, network or other process (a socket fails the test)
	@$(PYTEST) -m unit $(UNIT_TESTS)

integration: install compose-deps monitoring-deps $(FRONTEND_MODULES) ## one service or tool at a time on real PostgreSQL, Redis, nginx
	@$(PYTEST) -m integration $(TESTS)

# e2e test modules run E2E_WORKERS at a time (pytest-xdist, one module per worker: each starts a stack of its own on
# free ports); most of their time is waiting on stacks, receivers and timeouts, not CPU. The fault and fuzz runs
# after them measure under load of their own, so they run alone.
E2E_WORKERS ?= 3
e2e: install chaos-deps monitoring-deps frontend ## the whole stack on test ports, through the gateway (and the short chaos and fuzz runs)
	@$(PYTEST) -m e2e tests/e2e -n $(E2E_WORKERS) --dist loadfile
	@$(PYTEST) -m e2e tests/chaos tests/fuzz

test: install browser-deps compose-deps monitoring-deps frontend lint vitest unit integration e2e browser ## every tier: lint, vitest, unit, integration, e2e, browser

api-types: install $(FRONTEND_MODULES) ## regenerate frontend/src/api/generated/ from the services' OpenAPI documents
	@rm -rf .stack/openapi && $(PY) -m tools.openapi .stack/openapi >/dev/null
	@cd frontend && node scripts/api-types.mjs ../.stack/openapi

bundle-size: frontend ## the web app's download size (gzip): patient path, each lazy area, whole app
	@$(PY) -m tools.bundle_size

browser: install browser-deps frontend ## the browser tests (Playwright + Chromium against a stack of their own)
	@$(PYTEST) -m browser tests/browser

clean: ## remove the venv and local state (stop the stack first)
	rm -rf $(VENV) .stack

.PHONY: bench-deps seed-bench
bench-deps: ## install wrk (Debian package), which make bench drives the load with
	@bash tools/install-system-deps.sh wrk

bench: install bench-deps ## wrk load on slots, booking, directory vs healthz (own stack); ARGS="--replicas 1"
	@$(PY) -m tests.load.bench $(ARGS)

seed-bench: install ## add the bench hospital (2,000 doctors, 200,000+ bookings) to the running stack
	@$(PY) -m tests.load.seed_bench $(ARGS)

.PHONY: chaos chaos-deps
test: chaos-deps  # make test's short chaos run (tests/chaos/test_faults.py) starts a private cluster too
chaos-deps: ## install Debian's PostgreSQL, whose initdb and pg_ctl the chaos run's private cluster uses
	@bash tools/install-system-deps.sh postgresql

chaos: install chaos-deps ## faults under load (scaling, reload, kill, Redis/PostgreSQL restart, SMTP stop); report
	@$(PY) -m tests.chaos $(ARGS)

.PHONY: fuzz
fuzz: install ## schemathesis on the four specs as every caller, longer than make test's (own stack); report file
	@$(PY) -m tests.fuzz $(ARGS)
