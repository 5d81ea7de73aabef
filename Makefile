# The two commands of the README's Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve worker test install lint format migrations-check clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes, so `make run` stays quick.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The compiled catalogues (README "Languages"): made from the committed .po files,
# remade when one changes, by Babel (a dependency: no GNU gettext needed to run the
# site; `make messages` and the catalogue tests use gettext's tools).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po $(VENV)/.installed
	$(BIN)/pybabel --quiet compile --input-file=$< --output-file=$@

install: $(VENV)/.installed $(MO_FILES)

# Re-extracts every message (Python, Django and Jinja2 templates) into each
# locale/<lang>/LC_MESSAGES/django.po; translate the new ones, then `make install`.
messages: install .env
	$(BIN)/python manage.py makemessages --all --add-location=file --no-obsolete
	$(BIN)/python manage.py makemessages --all --add-location=file --no-obsolete -d djangojs

# Marks this checkout as a development one: manage.py run by hand gets DEBUG=1.
# Only the development targets write it; make serve never does.
.env:
	printf '# Development checkout (written by make; never copy to a server)\nDEBUG=1\n' > $@

# Links the site prints and mails (the demo's admin link, moderation mails) go to the
# address the development server listens on, unless SITE_URL is set in the
# environment or in .env (settings read the environment first, then .env).
RUN_SITE_URL = $(or $(SITE_URL),$(shell sed -n 's/^[[:space:]]*SITE_URL[[:space:]]*=//p' .env 2>/dev/null | tail -n 1 | tr -d '[:space:]'),http://$(HOST):$(PORT))

run: install .env
	$(BIN)/python manage.py migrate --noinput
	SITE_URL='$(RUN_SITE_URL)' $(BIN)/python manage.py load_demo
	@# A task worker beside the development server, as in production: it sends the
	@# moderators' mail and makes the photos' smaller copies. It stops with the server.
	SITE_URL='$(RUN_SITE_URL)' $(BIN)/python manage.py worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	SITE_URL='$(RUN_SITE_URL)' $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production server: set SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL first (see README).
# gthread workers keep connections alive, so a client that asks again, such
# as the proxy, pays for no new connection. One thread each by default: pages
# are CPU work, and threads of one process contending for Python's lock cost
# a rendered page about 40 % more CPU (docs/performance.md). Run it behind a
# buffering proxy such as deploy/nginx.conf all the same (slow clients, TLS).
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) + 1 )))
THREADS ?= 1
# nginx in front keeps the access log; ACCESS_LOG=- (or a file) makes gunicorn
# log every request too, at about a third of its cache-hit throughput.
ACCESS_LOG ?=
serve: export DEBUG := $(if $(DEBUG),$(DEBUG),0)
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn advocacy.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--worker-class gthread --threads $(THREADS) --timeout 30 --graceful-timeout 20 --keep-alive 5 \
		--max-requests 5000 --max-requests-jitter 500 $(if $(ACCESS_LOG),--access-logfile $(ACCESS_LOG))

# The background task worker of a server (see deploy/advocacy-worker.service): run
# one or more beside `make serve`, on any machine that reaches the database.
worker: export DEBUG := $(if $(DEBUG),$(DEBUG),0)
worker: install
	$(BIN)/python manage.py worker --no-reload

test: install .env
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install .env
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
