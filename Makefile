# The README's two commands are `make run` and `make test`; the rest are for daily work.
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help run test lint typecheck format messages seed bootstrap

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## Install everything, seed demo data and serve the app on http://127.0.0.1:8000/
	@scripts/run

test: ## Install everything and run every check (ruff, mypy, pytest on SQLite and PostgreSQL 15)
	@scripts/test

bootstrap: ## Create .venv and install the pinned dependencies
	@scripts/bootstrap

lint: bootstrap ## ruff check and ruff format --check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: bootstrap ## mypy in strict mode
	.venv/bin/mypy expertpool e2e conftest.py

format: bootstrap ## Format and fix what ruff can fix
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages: bootstrap ## Update the zh_Hans catalogue (msgids are the English text) and compile it
	@scripts/system-packages gettext
	mkdir -p locale
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --no-obsolete
	.venv/bin/pybabel -q compile -d locale -D django

seed: bootstrap ## Migrate and load the demo data (does nothing if it is present)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
