"""Callback data of the bot's buttons (Telegram allows 64 bytes).

The client sends callback data, so it can be anything: every number is bounded here to
what the database's keys hold, and data that does not parse matches no handler (then
bot/telegram/routers/unknown_callbacks.py answers it) instead of reaching a query.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Surrogate keys are BIGINT on PostgreSQL (and 64-bit on SQLite): larger ids don't exist.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Far more pages than any list has (a list clamps the page to its last one anyway).
PageNumber = Annotated[int, Field(ge=0, le=1_000_000)]


class JoinAgreement(CallbackData, prefix="join"):
    agreement_id: RowId


class AgreementsPage(CallbackData, prefix="list"):
    page: PageNumber
    mine: bool = False  # a person's own list in a private chat, not a chat's


class ShowChanges(CallbackData, prefix="diff"):
    agreement_id: RowId


class AcceptVersion(CallbackData, prefix="accept"):
    version_id: RowId


class AcceptTerms(CallbackData, prefix="terms"):
    version: Annotated[int, Field(ge=1, le=1000)]
    language: Literal["ru", "en"]  # of the text shown above the button


# A group's id: negative, and within the 52 bits Telegram's ids use.
GroupId = Annotated[int, Field(ge=-(2**53), le=-1)]


class RemoveArchive(CallbackData, prefix="archive-rm"):
    chat_id: GroupId
