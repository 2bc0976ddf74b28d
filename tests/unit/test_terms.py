"""The shipped signing terms: their digests are the files' own, both languages say the
same things, and a record made before the terms names nobody's."""

from __future__ import annotations

import pytest

from bot.evidence.records import seal
from bot.terms.in_records import TermsNote, named_in_record
from bot.terms.texts import CURRENT_VERSION, current_terms, terms
from bot.web.terms_page import blocks
from tests.support.terms import shipped_digest


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_digest_is_the_shipped_files_own(language: str) -> None:
    shown = current_terms(language)
    assert shown.version == CURRENT_VERSION == 1
    assert shown.sha256 == shipped_digest(language)
    assert shown.content.decode("utf-8") == shown.text  # UTF-8, no BOM, as served


def test_both_languages_name_the_same_acts_and_law() -> None:
    en, ru = current_terms("en").text, current_terms("ru").text
    for needle_en, needle_ru in (
        ("/agree", "/agree"),
        ('"I agree"', "«Согласен»"),
        ('"Accept new version"', "«Принять новую редакцию»"),
        ("160(1)", "160 (п. 1)"),
        ("434(2)", "434 (п. 2)"),
        ("63-FZ", "63-ФЗ"),
        ("not an enhanced electronic signature", "не усиленная электронная подпись"),
    ):
        assert needle_en in en and needle_ru in ru
    assert [b.kind for b in blocks(en)] == [b.kind for b in blocks(ru)]


def test_only_shipped_versions_and_languages_exist() -> None:
    for version, language in ((2, "en"), (0, "ru"), (1, "de")):
        with pytest.raises(ValueError, match="no terms"):
            terms(version, language)


def test_records_name_what_each_party_accepted_and_old_ones_nothing() -> None:
    accepted = {"version": 1, "language": "ru", "sha256": "a" * 64, "accepted_at": "x"}
    new = seal({"parties": [{"id": 7, "terms": accepted}, {"id": 8, "terms": None}]})
    assert named_in_record(new.canonical) == {7: TermsNote(1, "a" * 64), 8: None}
    amendment = seal({"accepted_by": [{"id": 7, "terms": None}]})
    assert named_in_record(amendment.canonical) == {7: None}
    old = seal({"format": "agreement-record/1", "author": {"id": 7}})
    assert named_in_record(old.canonical) == {}
    old_amendment = seal({"accepted_by": [{"id": 7, "name": "Ann", "accepted_at": "x"}]})
    assert named_in_record(old_amendment.canonical) == {}
