"""The content types a record mail carries are defined once, for the letters that attach
them and for verify that reads them back."""

from __future__ import annotations

from bot.evidence import tsa_client
from bot.mail import parts
from bot.verify import mail_structure


def test_the_record_and_stamp_types_are_one_definition_each() -> None:
    assert parts.RECORD_TYPE == "application/json"
    assert mail_structure.RECORD_TYPE is parts.RECORD_TYPE
    assert parts.STAMP_TYPE is tsa_client.REPLY_TYPE
    assert mail_structure.STAMP_TYPE is tsa_client.REPLY_TYPE
