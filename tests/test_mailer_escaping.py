"""User text in the edit-alert, amendment and deletion mails: escaped in HTML, verbatim in text.

The agreement mail and the diffs have their own escaping tests (test_mailer_compose.py,
test_mailer_new_kinds.py); these cover the other places where chat text lands in a mail.
"""

from typing import Any

import pytest

from bot.telegram.formatting import entities_to_html
from tests.support.edit_contexts import amendment_context, edit_alert_context
from tests.support.hostile_text import AGREED, CHAT, LATEST, TITLE, assert_escaped
from tests.support.mail_spec import renderer


def deletion_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "number": 7,
        "chat_title": "Procurement Q4",
        "title": "Laptop delivery",
        "summary": "Поставка до 15 декабря",
        "message_link": "https://t.me/c/1001234/45",
        "topic": None,
        "deleted_at_utc": "2026-11-29 10:02:11 UTC",
        "agreed_text": "Поставка до 15 декабря",
        "digest": "9f2c" * 16,
    }
    context.update(overrides)
    return context


# kind -> (its context with hostile text, the payloads the mail must show)
CASES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "edit_alert": (
        edit_alert_context(title=TITLE, chat_title=CHAT, agreed_text=AGREED, latest_text=LATEST),
        (TITLE, CHAT, AGREED, LATEST),
    ),
    "amendment": (
        # The bot hands the new text as HTML made from its entities (none here).
        amendment_context(
            title=TITLE, chat_title=CHAT, text=LATEST, text_html=entities_to_html(LATEST, [])
        ),
        (TITLE, CHAT, LATEST),
    ),
    "amendment, text without entities": (
        amendment_context(title=TITLE, chat_title=CHAT, text=LATEST),
        (TITLE, CHAT, LATEST),
    ),
    "deletion": (
        deletion_context(title=TITLE, chat_title=CHAT, agreed_text=AGREED),
        (TITLE, CHAT, AGREED),
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_user_text_is_escaped_in_html_and_verbatim_in_text(case: str, language: str) -> None:
    context, payloads = CASES[case]
    kind = case.split(",")[0]
    rendered = renderer().render(kind, language, context)
    assert_escaped(rendered.text, rendered.html, payloads)
