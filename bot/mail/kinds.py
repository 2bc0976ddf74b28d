"""What a mail is (``mails.kind``, also the name of its templates) and what it is about
(``mails.topic``: one mail per recipient and topic), each spelled in this one place."""

from __future__ import annotations

AGREEMENT = "agreement"
EDIT_ALERT = "edit_alert"
DELETION = "deletion"
AMENDMENT = "amendment"
VERIFICATION_CODE = "verification_code"
# The mail that invites an address to an agreement (sent by the invitations' queue); a
# confirmed address's later mails thread under it.
INVITATION = "invitation"
EMAIL_CONFIRMATION = "email_confirmation"
ARCHIVE_CODE = "archive_code"
# A chat archive's copy of a mail has its topic under this prefix: never the same topic as
# a party's mail to the same address, and what a removal withdraws (bot/mail/archive_copies).
ARCHIVE_PREFIX = "archive:"


def agreement_topic(agreement_id: int) -> str:
    return f"agreement:{agreement_id}"


def edit_alert_topic(alert_id: int) -> str:
    return f"edit-alert:{alert_id}"


def deletion_topic(agreement_id: int) -> str:
    return f"deletion:{agreement_id}"


def amendment_topic(amendment_id: int) -> str:
    return f"amendment:{amendment_id}"


def confirmation_topic(confirmation_id: int) -> str:
    return f"email-confirmation:{confirmation_id}"


def verification_topic(verification_id: int) -> str:
    return f"verification:{verification_id}"


def invitation_topic(email_party_id: int) -> str:
    return f"invitation:{email_party_id}"


def archive_code_topic(code_id: int) -> str:
    return f"archive-code:{code_id}"


def archive_topic(topic: str) -> str:
    """The topic of a chat archive's copy of the mail about ``topic``."""
    return ARCHIVE_PREFIX + topic


def refused_topic(mail_id: int, topic: str) -> str:
    """The topic a refused mail keeps as the record of what bounced, freeing its own topic
    for the next attempt."""
    return f"{topic}:refused:{mail_id}"
