FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
COPY mailer ./mailer
COPY alembic.ini ./
COPY migrations ./migrations
COPY templates ./templates
COPY locales ./locales
COPY terms ./terms
# Editable: the code finds its templates, catalogs and migrations next to itself in /app.
RUN pip install -c requirements.lock -e .

RUN useradd --system --uid 10001 --home-dir /app agreements \
    && mkdir -p /app/data \
    && chown agreements /app/data
USER agreements

# The SQLite default lives here; mount a volume to keep it.
VOLUME ["/app/data"]
ENV DATABASE_URL=sqlite+aiosqlite:////app/data/agreements.db

CMD ["python", "-m", "bot"]
