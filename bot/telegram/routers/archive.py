"""/archive: a group's archive address, set and removed by its administrators in their
private chat with the bot (the group is never shown the address). Who administers the
chat is asked of Telegram at every step (admins.py), never cached."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.archives.service import ArchiveService, Confirmation
from bot.config import Settings
from bot.telegram.adapters import chat_from, person_from
from bot.telegram.admins import Standing, administers
from bot.telegram.routers.filters import GROUPS, PRIVATE
from bot.telegram.views import archive as texts
from bot.telegram.views.callbacks import RemoveArchive

logger = logging.getLogger(__name__)

DEEP_LINK = rf"^{texts.DEEP_LINK_PREFIX}-\d{{1,16}}$"


async def in_group(message: Message, archives: ArchiveService, bot: Bot) -> None:
    assert message.from_user is not None
    if message.sender_chat is not None:  # an anonymous admin: nobody to check
        await message.reply(texts.anonymous_admin())
        return
    standing = await administers(bot, message.chat.id, message.from_user.id)
    view = await archives.in_group(chat_from(message.chat))
    text = texts.in_group(view, admin=standing is Standing.ADMIN)
    if standing is not Standing.ADMIN:
        await message.reply(text)
        return
    username = (await bot.me()).username or ""
    await message.reply(text, reply_markup=texts.group_keyboard(username, message.chat.id))


async def chosen(
    message: Message,
    command: CommandObject,
    archives: ArchiveService,
    bot: Bot,
    settings: Settings,
) -> None:
    """Arrived from the group's button: the chat is in the link, for anyone to change, so
    who administers it is asked again."""
    assert message.from_user is not None and command.args is not None
    chat_id = int(command.args.removeprefix(texts.DEEP_LINK_PREFIX))
    if not await _admin(message, bot, chat_id):
        return
    view = await archives.choose(person_from(message.from_user), chat_id)
    if view is None:
        await message.answer(texts.unknown_chat())
        return
    await message.answer(
        texts.chosen(view, settings.zone), reply_markup=texts.remove_keyboard([view])
    )


async def in_private(
    message: Message,
    command: CommandObject,
    archives: ArchiveService,
    bot: Bot,
    settings: Settings,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    args = (command.args or "").strip()
    if not args:
        await _list(message, archives, bot, settings)
    elif "@" in args:
        await _request_code(message, args, archives, bot, settings)
    else:
        await _confirm(message, args, archives, bot, i18n)


async def _list(message: Message, archives: ArchiveService, bot: Bot, settings: Settings) -> None:
    """The archives of the chats the person administers now (asked of Telegram each)."""
    assert message.from_user is not None
    user_id = message.from_user.id
    near = await archives.near(user_id)
    standings = await asyncio.gather(*(administers(bot, v.chat_id, user_id) for v in near))
    mine = [
        view for view, standing in zip(near, standings, strict=True) if standing is Standing.ADMIN
    ]
    await message.answer(
        texts.archive_list(mine, settings.zone), reply_markup=texts.remove_keyboard(mine)
    )


async def _request_code(
    message: Message, address: str, archives: ArchiveService, bot: Bot, settings: Settings
) -> None:
    assert message.from_user is not None
    chat_id = await archives.chosen_chat(message.from_user.id)
    if chat_id is None:
        await message.answer(texts.choose_first())
        return
    if not await _admin(message, bot, chat_id):
        return
    result = await archives.request_code(person_from(message.from_user), chat_id, address)
    await message.answer(texts.code_request(result, settings.zone))


async def _confirm(
    message: Message, code: str, archives: ArchiveService, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    chat_id = await archives.pending_chat(message.from_user.id)
    if chat_id is None:
        await message.answer(texts.no_code_waiting())
        return
    if not await _admin(message, bot, chat_id):
        return
    result = await archives.confirm(person_from(message.from_user), chat_id, code)
    await message.answer(texts.confirmation(result))
    if result.outcome is Confirmation.SET:
        with i18n.use_locale(result.language):  # the archive's language
            await _tell_group(bot, chat_id, texts.group_notice_set())


async def remove(
    query: CallbackQuery, callback_data: RemoveArchive, archives: ArchiveService, bot: Bot
) -> None:
    chat_id = callback_data.chat_id
    standing = await administers(bot, chat_id, query.from_user.id)
    if standing is not Standing.ADMIN:
        text = texts.admin_unknown() if standing is Standing.UNKNOWN else texts.not_admin()
        await query.answer(text, show_alert=True)
        return
    removed = await archives.remove(person_from(query.from_user), chat_id)
    await query.answer(texts.removed_short() if removed else None)
    if query.message is not None:
        await bot.send_message(query.message.chat.id, texts.removed(removed))
    if removed is not None:
        await _tell_group(bot, chat_id, texts.group_notice_removed())


async def _admin(message: Message, bot: Bot, chat_id: int) -> bool:
    """Whether the sender administers the chat now; if not, told so."""
    assert message.from_user is not None
    standing = await administers(bot, chat_id, message.from_user.id)
    if standing is Standing.ADMIN:
        return True
    await message.answer(
        texts.admin_unknown() if standing is Standing.UNKNOWN else texts.not_admin()
    )
    return False


async def _tell_group(bot: Bot, chat_id: int, text: str) -> None:
    """Everyone in the group learns that an archive was set or removed (never its address).
    Best effort: the bot may have been removed from the group meanwhile."""
    try:
        await bot.send_message(chat_id, text)
    except TelegramAPIError as exc:
        logger.warning("archive notice not posted chat=%s: %s", chat_id, exc)


def build_router() -> Router:
    router = Router(name="archive")
    router.message.register(in_group, Command("archive"), GROUPS, F.from_user)
    router.message.register(
        chosen, CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)), PRIVATE
    )
    router.message.register(in_private, Command("archive"), PRIVATE, F.from_user)
    router.callback_query.register(remove, RemoveArchive.filter())
    return router
