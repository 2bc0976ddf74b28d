"""Composing and sending the bot's emails. Knows nothing of where the data comes from."""

from .compose import compose
from .errors import MailDeliveryError
from .message_id import make_message_id
from .render import MailRenderer, RenderedMail
from .sender import SmtpConfig, SmtpSender
from .spec import Attachment, MailSpec

__all__ = [
    "Attachment",
    "MailDeliveryError",
    "MailRenderer",
    "MailSpec",
    "RenderedMail",
    "SmtpConfig",
    "SmtpSender",
    "compose",
    "make_message_id",
]
