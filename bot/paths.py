"""Where the project's own files are, found from this file: the bot runs from a checkout."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOCALES_DIR = PROJECT_ROOT / "locales"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
STATIC_DIR = PROJECT_ROOT / "static"
TERMS_DIR = PROJECT_ROOT / "terms"
