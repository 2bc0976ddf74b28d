"""A group member typed an address into the chat (``/agree client@example.com``): every
member sees it. Where the bot may delete messages it deletes the command at once, so the
address stays in the chat for the moment it took to read it."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message

logger = logging.getLogger(__name__)


async def delete_command(bot: Bot, message: Message) -> bool:
    """Whether the message is gone. Asks first whether the bot may delete it (an
    administrator with the right, or the chat's creator), rather than try and fail."""
    try:
        member = await bot.get_chat_member(message.chat.id, bot.id)
    except TelegramAPIError as exc:
        logger.warning("could not check the bot's rights chat=%s: %s", message.chat.id, exc)
        return False
    allowed = member.status == ChatMemberStatus.CREATOR or (
        member.status == ChatMemberStatus.ADMINISTRATOR
        and bool(getattr(member, "can_delete_messages", False))
    )
    if not allowed:
        return False
    try:
        await message.delete()
    except TelegramAPIError as exc:
        logger.warning(
            "could not delete a command with an address chat=%s message=%s: %s",
            message.chat.id,
            message.message_id,
            exc,
        )
        return False
    return True
