"""A sender's file name, whatever it holds, gives a name the mailer can attach a file under."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.mail.file_names import clean_file_name, file_name
from mailer.compose import FILENAME_LIMIT
from mailer.text import one_line


def test_names_of_nothing_visible_are_made_from_the_kind_chat_and_number() -> None:
    for bad in ("\u202e", "   ", "\u200b\u2066\t\n", "..", ". .", None, ""):
        media = {"kind": "document", "file_name": bad, "mime_type": "application/pdf"}
        assert file_name(media, -1001, 7) == "document--1001-7.pdf"
    assert file_name({"kind": "photo"}, 5, 1) == "photo-5-1.jpg"


def test_a_name_keeps_its_words_and_loses_what_could_disguise_it() -> None:
    assert clean_file_name("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert clean_file_name("  Смета\tэтап  1.xlsx ") == "Смета этап 1.xlsx"
    assert clean_file_name("../../etc/passwd") == "_.._etc_passwd"
    assert file_name({"kind": "document", "file_name": "agreement-1-1.json"}, 1, 1) == (
        "file-agreement-1-1.json"
    )


@given(st.text(max_size=40))
def test_every_name_can_be_attached(name: str) -> None:
    made = file_name({"kind": "document", "file_name": name}, -100, 3)
    # what the mailer keeps of a name (it refuses an empty one), and the name is all of it
    assert one_line(made, FILENAME_LIMIT) == made != ""
    assert "/" not in made and "\\" not in made and not made.startswith(".")


def test_a_name_like_the_records_in_any_case_or_width_is_set_apart() -> None:
    for name in ("Agreement--1001-2.json", "AGREEMENT-1-1.json", "Ａｇｒｅｅｍｅｎｔ-1-1.json"):
        made = file_name({"kind": "document", "file_name": name}, 1, 1)
        assert made == f"file-{name}", name


def test_letters_drawn_as_nothing_and_unassigned_code_points_count_as_blank() -> None:
    for blank in ("\u3164", "\u115f\u1160", "\uffa0 \u2800", "\U000e0080", "\u0378"):
        media = {"kind": "document", "file_name": blank, "mime_type": "application/pdf"}
        assert file_name(media, -1001, 7) == "document--1001-7.pdf", repr(blank)
    assert clean_file_name("plan\u3164.pdf") == "plan.pdf"
