"""Composing and sending the bot's emails. Knows nothing of where the data comes from.

    renderer = MailRenderer(Path("templates"), Path("locales"))   # once per process
    # the same body for several recipients (rendered and encoded once), bytes with CRLF:
    body = compose_body(renderer, kind, language, context, attachments)
    raw = address_body(body, mail_from, to=..., message_id=...)
    await SmtpSender(SmtpConfig(host=...)).send_raw(sender, [to], raw)  # MailDeliveryError

Translations live in locales/{en,ru}/LC_MESSAGES/mail.po. After changing a template:

    pybabel extract -F babel-mail.cfg -o /tmp/mail.pot templates
    pybabel update -D mail -i /tmp/mail.pot -d locales --no-fuzzy-matching -w 99
    (translate the new entries in locales/ru/LC_MESSAGES/mail.po)
    pybabel compile -D mail -d locales

tests/test_mailer_catalogs.py fails when any of these steps was skipped.
"""

from .compose import MailBody, address_body, compose_body
from .dkim import DkimSigner
from .errors import MailDeliveryError, SmtpConnectionError
from .message_id import make_message_id
from .render import MailRenderer, RenderedMail
from .sender import SmtpBatch, SmtpConfig, SmtpSender
from .spec import Attachment

__all__ = [
    "Attachment",
    "DkimSigner",
    "MailBody",
    "MailDeliveryError",
    "MailRenderer",
    "RenderedMail",
    "SmtpBatch",
    "SmtpConfig",
    "SmtpConnectionError",
    "SmtpSender",
    "address_body",
    "compose_body",
    "make_message_id",
]
