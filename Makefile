# İYS Portal — `make run` serves the portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and the e-Devlet simulator's address follow HOST and PORT (settings derive
# EDEVLET_BASE_URL from PORTAL_BASE_URL); set PORTAL_BASE_URL yourself behind a proxy.
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=

.PHONY: install run test lint format messages worker beat bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Development server (production runs gunicorn, see README): $(PORTAL_BASE_URL)/"
	PORTAL_BASE_URL=$(PORTAL_BASE_URL) DJANGO_RUNSERVER_HIDE_WARNING=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(BIN)/celery -A iys_portal worker --loglevel=INFO

beat: install
	PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(BIN)/celery -A iys_portal beat --loglevel=INFO

bench: install
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache
