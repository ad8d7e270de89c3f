# Dialogue Portal — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev assets migrate seed serve worker bench mutation messages check clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed assets
install-dev: $(VENV)/.installed-dev assets

# Front-end assets come from the npm registry at set-up and are served locally (no CDN).
static/vendor/.copied: package.json package-lock.json scripts/copy_assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/copy_assets.sh
	touch $@

assets: static/vendor/.copied

# The compiled catalogues are committed; recompile when gettext is there.
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; fi

migrate: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput

# Start the portal on SQLite with the embedded scheduler and worker (no Redis needed).
run: install messages migrate
	@if [ ! -f var/.demo-seeded ]; then $(PY) manage.py seed_demo && touch var/.demo-seeded; fi
	$(PY) manage.py runportal --host $(HOST) --port $(PORT)

# Installs everything and runs the whole suite. scripts/test.sh starts PostgreSQL and Redis on
# loopback when it can (as root: apt-get), and falls back to SQLite otherwise.
test: install-dev messages
	bash scripts/test.sh

bench: install-dev
	$(PY) manage.py benchmark

# Mutation testing of the legal clock, the deadline states and the deadline engine (mutmut, fast
# settings: SQLite in memory migrated once). Not part of `make test`; see docs/MUTATION.md.
mutation: install-dev
	rm -rf mutants
	$(PY) scripts/mutation.py run
	$(PY) scripts/mutation.py score

check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
