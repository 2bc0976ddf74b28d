"""/agreements: the chat's agreements, newest first, paged."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.history import agreement_history
from bot.agreements.listing import ListingService
from bot.config import Settings
from bot.core.people import PRIVATE_CHAT
from bot.telegram.menu_button import mini_app_url
from bot.telegram.routers.filters import GROUPS, PRIVATE
from bot.telegram.views import agreements as texts
from bot.telegram.views import history as history_views
from bot.telegram.views.callbacks import AgreementsPage

PAGE_SIZE = 5


async def list_agreements(
    message: Message, listing: ListingService, settings: Settings, bot: Bot
) -> None:
    page = await listing.list_page(message.chat.id, 0, PAGE_SIZE)
    app = await _app_button(bot, settings, private=False)
    await message.answer(
        texts.agreements_list(page, settings.zone),
        reply_markup=texts.list_keyboard(page, app=app),
    )


async def list_mine(
    message: Message, listing: ListingService, settings: Settings, bot: Bot
) -> None:
    """In a private chat: the agreements this person is a party to, wherever they are.

    Only members see a chat's list; here nobody sees more than their own agreements.
    """
    assert message.from_user is not None
    page = await listing.list_for_party(message.from_user.id, 0, PAGE_SIZE)
    app = await _app_button(bot, settings, private=True)
    await message.answer(
        texts.party_agreements_list(page, settings.zone),
        reply_markup=texts.list_keyboard(page, mine=True, app=app),
    )


async def _app_button(
    bot: Bot, settings: Settings, *, private: bool
) -> InlineKeyboardButton | None:
    """The Mini App's button, when the pages are served. In a group it opens the bot's main
    Mini App, so it is offered only once that is set up in @BotFather."""
    if settings.web_base is None:
        return None
    me = await bot.me()
    if not private and not me.has_main_web_app:
        return None
    return texts.mini_app_button(
        mini_app_url(settings.web_base), me.username or "", private=private
    )


async def turn_page(
    query: CallbackQuery,
    callback_data: AgreementsPage,
    listing: ListingService,
    settings: Settings,
    bot: Bot,
) -> None:
    # An old list may be an InaccessibleMessage: it still has its chat and id.
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    # Callback data is the client's to choose: a person's own list is shown only in their
    # private chat, a chat's only in that chat, and only a list is turned into a list.
    in_private = query.message.chat.type == PRIVATE_CHAT
    if callback_data.mine != in_private or not _is_a_list(query):
        await query.answer(texts.button_not_here())
        return
    if callback_data.mine:
        page = await listing.list_for_party(query.from_user.id, callback_data.page, PAGE_SIZE)
        text = texts.party_agreements_list(page, settings.zone)
    else:
        page = await listing.list_page(chat_id, callback_data.page, PAGE_SIZE)
        text = texts.agreements_list(page, settings.zone)
    app = await _app_button(bot, settings, private=in_private)
    try:
        await bot.edit_message_text(
            text=text,
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=texts.list_keyboard(page, mine=callback_data.mine, app=app),
        )
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise
    finally:
        await query.answer()


def _is_a_list(query: CallbackQuery) -> bool:
    """Whether the pressed message carries page buttons (an inaccessible old one can't
    be looked at: it is taken for a list, as a list is what has these buttons)."""
    if not isinstance(query.message, Message):
        return True
    markup = query.message.reply_markup
    buttons = [b for row in markup.inline_keyboard for b in row] if markup else []
    return any(
        (b.callback_data or "").startswith(f"{AgreementsPage.__prefix__}:") for b in buttons
    )


async def history(
    message: Message, command: CommandObject, session: AsyncSession, settings: Settings
) -> None:
    argument = (command.args or "").strip().lstrip("#№")
    if not argument.isdigit():
        await message.reply(history_views.history_usage())
        return
    found = await agreement_history(session, message.chat.id, int(argument))
    if found is None:
        await message.reply(history_views.history_not_found(int(argument)))
        return
    await message.reply(history_views.history_text(found, settings.zone))


def build_router() -> Router:
    router = Router(name="listing")
    router.message.register(list_agreements, Command("agreements"), GROUPS)
    router.message.register(list_mine, Command("agreements"), PRIVATE, F.from_user)
    router.message.register(history, Command("history"), GROUPS)
    router.callback_query.register(turn_page, AgreementsPage.filter(), F.message)
    return router
