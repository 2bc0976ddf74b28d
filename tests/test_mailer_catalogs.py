"""The gettext catalogs of the mail templates are complete and compiled."""

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"


def read_catalog(language: str) -> Catalog:
    with open(LOCALES / language / "LC_MESSAGES" / "mail.po", "rb") as po:
        return read_po(po, locale=language)


def template_messages() -> set[str]:
    """msgids found in the templates, extracted the way babel-mail.cfg says."""
    with open(ROOT / "babel-mail.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(ROOT / "templates", method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog_ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_catalog_matches_templates(language: str) -> None:
    # Fails when a template string changed without `pybabel extract` + `pybabel update`.
    assert catalog_ids(read_catalog(language)) == template_messages()


def test_russian_is_complete_and_well_formed() -> None:
    catalog = read_catalog("ru")
    assert catalog.num_plurals == 3
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
    # Placeholder checks (same %(name)s set in msgid and msgstr).
    assert list(catalog.check()) == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_mo_is_compiled_from_po(language: str) -> None:
    # Fails when the .po was edited without `pybabel compile -D mail -d locales`.
    compiled = gettext.translation("mail", localedir=LOCALES, languages=[language])
    catalog = read_catalog(language)
    plural_index = gettext.c2py(catalog.plural_expr)
    for message in catalog:
        if isinstance(message.id, tuple):
            for n in (1, 2, 5, 21):
                # An untranslated entry falls back to English singular/plural.
                if any(message.string):
                    expected = message.string[plural_index(n)]
                else:
                    expected = message.id[0] if n == 1 else message.id[1]
                assert compiled.ngettext(*message.id, n) == expected, (message.id, n)
        elif message.id:
            assert compiled.gettext(message.id) == (message.string or message.id), message.id
