"""Which mails carry a way out (List-Unsubscribe and the footer's link): every one but a
code someone asked for, which an unsubscribed address still gets."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.mail.letters import Letters
from bot.mail.unsubscribe_links import UnsubscribeLinks, unsubscribe_key
from bot.paths import LOCALES_DIR, TEMPLATES_DIR
from bot.telegram.formatting import entities_to_html
from mailer import MailRenderer
from tests.support.identity import MAIL_FROM, TOKEN

PAGES = "https://agreements.example"
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


def letters() -> Letters:
    return Letters(
        MailRenderer(TEMPLATES_DIR, LOCALES_DIR),
        MAIL_FROM,
        ZoneInfo("UTC"),
        entities_html=entities_to_html,
        record_pages=PAGES,
        unsubscribe=UnsubscribeLinks(unsubscribe_key(TOKEN), PAGES, None),
    )


def test_an_archive_code_has_no_way_out() -> None:
    mail = letters().archive_code(7, "crm@example.com", "en", "123456", 15, NOW)
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
