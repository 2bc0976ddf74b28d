"""Whether a person administers a group now, asked of Telegram every time (getChatMember).

Not cached, unlike membership (membership.py): setting or removing a chat's archive address
is rare, and a demoted administrator must not keep doing it for a minute."""

from __future__ import annotations

import logging
from enum import StrEnum

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError

logger = logging.getLogger(__name__)


class Standing(StrEnum):
    ADMIN = "admin"
    NOT_ADMIN = "not_admin"
    UNKNOWN = "unknown"  # Telegram could not be asked just now


ADMIN_STATUSES = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR}


async def administers(bot: Bot, chat_id: int, user_id: int) -> Standing:
    """ADMIN when the person is the group's creator or an administrator now; NOT_ADMIN
    when not (or the group is none the bot is in); UNKNOWN when Telegram can't be asked."""
    if chat_id >= 0:  # groups have negative ids: anything else is no group
        return Standing.NOT_ADMIN
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (TelegramBadRequest, TelegramForbiddenError) as exc:
        logger.info("admin check chat=%s user=%s: %s", chat_id, user_id, exc.message)
        return Standing.NOT_ADMIN
    except TelegramAPIError as exc:
        logger.warning("admin check chat=%s user=%s not made: %r", chat_id, user_id, exc)
        return Standing.UNKNOWN
    return Standing.ADMIN if member.status in ADMIN_STATUSES else Standing.NOT_ADMIN
