"""The gettext catalogs (chat answers, emails, web pages) are complete, current and compiled."""

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
# domain -> (extraction config, where its strings live)
DOMAINS = {
    "bot": ("babel-bot.cfg", ROOT),
    "mail": ("babel-mail.cfg", ROOT / "templates"),
    "web": ("babel-web.cfg", ROOT / "templates" / "web"),
}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def read_catalog(domain: str, language: str) -> Catalog:
    with open(LOCALES / language / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        return read_po(po, locale=language)


def source_messages(domain: str) -> set[str]:
    """msgids found in the sources, extracted the way the domain's babel config says."""
    config, directory = DOMAINS[domain]
    with open(ROOT / config) as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(
        directory, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog_ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_catalog_matches_sources(domain: str, language: str) -> None:
    # Fails when a string changed without `make locales`.
    assert catalog_ids(read_catalog(domain, language)) == source_messages(domain)


@pytest.mark.parametrize("domain", DOMAINS)
def test_russian_is_complete_and_well_formed(domain: str) -> None:
    catalog = read_catalog(domain, "ru")
    assert catalog.num_plurals == 3
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
    # Placeholder checks (same %(name)s set in msgid and msgstr).
    assert list(catalog.check()) == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_mo_is_compiled_from_po(domain: str, language: str) -> None:
    # Fails when the .po was edited without compiling it (`make locales`).
    compiled = gettext.translation(domain, localedir=LOCALES, languages=[language])
    catalog = read_catalog(domain, language)
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
