# The few commands a maintainer needs. ./scripts/run and ./scripts/test work without make.
PY := .venv/bin/python
BABEL := .venv/bin/pybabel

.PHONY: run test test-postgres lint format migration locales

run:
	./scripts/run

test:
	./scripts/test

test-postgres:
	TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres ./scripts/test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# make migration m="add something"
migration:
	.venv/bin/alembic revision --autogenerate -m "$(m)"

# Extract strings, merge them into both languages' catalogs, compile. Then translate the
# new Russian entries in locales/ru/LC_MESSAGES/*.po and run `make locales` again.
locales:
	$(BABEL) extract -F babel-bot.cfg -k N_ --no-location -o /tmp/bot.pot .
	$(BABEL) update -D bot -i /tmp/bot.pot -d locales --no-fuzzy-matching -w 99
	$(BABEL) extract -F babel-mail.cfg --no-location -o /tmp/mail.pot templates
	$(BABEL) update -D mail -i /tmp/mail.pot -d locales --no-fuzzy-matching -w 99
	$(BABEL) extract -F babel-web.cfg --no-location -o /tmp/web.pot templates/web
	$(BABEL) update -D web -i /tmp/web.pot -d locales --no-fuzzy-matching -w 99
	$(BABEL) compile -D bot -d locales
	$(BABEL) compile -D mail -d locales
	$(BABEL) compile -D web -d locales
