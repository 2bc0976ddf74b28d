"""The domain, verify, mail, evidence, db and mailer/ never load aiogram: each of their
modules is imported in a fresh interpreter, which then holds no aiogram module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module

import pytest

ROOT_PACKAGES = (
    "bot.agreements",
    "bot.business",
    "bot.core",
    "bot.db",
    "bot.edits",
    "bot.evidence",
    "bot.journal",
    "bot.mail",
    "bot.registration",
    "bot.terms",
    "bot.verify",
    "mailer",
)


def modules_of(package: str) -> list[str]:
    found = [package]
    path = import_module(package).__path__
    found += [info.name for info in pkgutil.walk_packages(path, package + ".")]
    return found


DOMAIN_MODULES = [name for package in ROOT_PACKAGES for name in modules_of(package)]

CHECK = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m == "aiogram" or m.startswith("aiogram."))
    if loaded:
        print(name, "loads", loaded[0])
        sys.exit(1)
"""


def test_every_domain_module_is_found() -> None:
    assert "bot.mail.letters" in DOMAIN_MODULES
    assert "bot.verify.mail_checks" in DOMAIN_MODULES
    assert not any(name.startswith("bot.telegram") for name in DOMAIN_MODULES)


@pytest.mark.parametrize("package", ROOT_PACKAGES)
def test_no_aiogram_in_a_fresh_interpreter(package: str) -> None:
    # Looked at after each import, so the first module that loads aiogram is the one named.
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *modules_of(package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
