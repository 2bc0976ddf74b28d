"""Answers about agreements, in the current locale."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.text_decorations import html_decoration as hd

from bot.agreements.marking import TITLE_MAX_LENGTH, Outcome, Refusal
from bot.agreements.views import AgreementPage, AgreementView
from bot.core.timefmt import format_both
from bot.telegram.views.callbacks import AgreementsPage, JoinAgreement
from bot.telegram.views.common import clip, email_deep_link, person_html

# Five of these and their parties must stay well under Telegram's 4096 characters.
LIST_LABEL_LENGTH = 100


def agreement_card(
    agreement: AgreementView, bot_username: str, zone: ZoneInfo, *, joinable: bool = True
) -> str:
    """The bot's answer under a marked message; edited as parties join (in groups:
    ``joinable``; a one-to-one chat has its two parties from the start)."""
    lines = [_("✅ <b>Agreement #{number} recorded</b>").format(number=agreement.number)]
    if agreement.title:
        lines.append(f"<i>{hd.quote(agreement.title)}</i>")
    lines.append(_("Message time: {time}").format(time=format_both(agreement.message_date, zone)))
    lines.append("")
    lines.append(_("<b>Parties:</b>"))
    link = email_deep_link(bot_username)
    for party in agreement.parties:
        who = person_html(party.name, party.username)
        if party.has_email:
            lines.append(_("• {who} — email on file").format(who=who))
        else:
            lines.append(
                _('• {who} — no email yet: <a href="{link}">register one</a>').format(
                    who=who, link=link
                )
            )
    lines.append("")
    if joinable:
        lines.append(
            _(
                "Each party with a verified email receives the record by email. "
                'Anyone else who agrees can press "I agree" or reply /agree to the message.'
            )
        )
    else:
        lines.append(_("Each party with a verified email receives the record by email."))
    lines.append(_("Digest: <code>{digest}</code>").format(digest=agreement.digest))
    return "\n".join(lines)


def edits_invisible_warning() -> str:
    return _(
        "⚠️ <b>I can't see edits in this chat.</b> Telegram tells a bot about edited messages "
        "only if it is an administrator or its privacy mode is off. Make me an administrator "
        "(no rights are needed), or turn privacy mode off with /setprivacy in @BotFather and "
        "add me to the chat again. Until then, edits of agreed messages go unnoticed; the "
        "records and emails stay valid."
    )


def join_keyboard(agreement: AgreementView) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("🤝 I agree"), callback_data=JoinAgreement(agreement_id=agreement.id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def joined_notice(outcome: Outcome, agreement: AgreementView) -> str:
    """Short, plain text: it is also used as a callback answer (no HTML there)."""
    if outcome is Outcome.JOINED:
        return _("You joined agreement #{number}.").format(number=agreement.number)
    return _("You are already a party to agreement #{number}.").format(number=agreement.number)


def refusal_text(refusal: Refusal) -> str:
    texts = {
        Refusal.NOT_GROUP: _(
            "Agreements are marked in group chats: add me to the work chat and reply "
            "/agree to the message that holds the agreement."
        ),
        Refusal.NO_TEXT: _(
            "Only a message with text (or a caption) can be recorded as an agreement."
        ),
        Refusal.FROM_BOT: _("A message sent by a bot can't be recorded as an agreement."),
        Refusal.SERVICE_MESSAGE: _(
            "This is a service message, not something a person wrote: it can't be "
            "recorded as an agreement."
        ),
        Refusal.UNKNOWN_AGREEMENT: _("This agreement no longer exists in this chat."),
        Refusal.EDIT_PENDING: _(
            "The agreed message was edited, and the edit awaits the parties' acceptance: "
            "nobody can join until they accept it."
        ),
        Refusal.TITLE_TOO_LONG: _(
            "The title is too long: at most {limit} characters. Nothing was recorded; send "
            "/agree again with a shorter title."
        ).format(limit=TITLE_MAX_LENGTH),
        Refusal.FILES_OVER_USER_BUDGET: _(
            "Your files of the last 24 hours use up what I may store for one person a day, "
            "and this file would go over it. Nothing was recorded; try again later."
        ),
        Refusal.FILES_OVER_CHAT_BUDGET: _(
            "This chat's files of the last 24 hours use up what I may store for one chat a "
            "day, and this file would go over it. Nothing was recorded; try again later."
        ),
        Refusal.ANONYMOUS_MARKER: _(
            "You are writing as the group (anonymous admin), so I can't tell who agrees. "
            "Send /agree from your own account."
        ),
    }
    return texts[refusal]


def button_not_here() -> str:
    return _("This button doesn't work here.")


def file_unavailable() -> str:
    return _(
        "Telegram did not hand over the message's file just now, so nothing was recorded. "
        "Please reply /agree to it again in a minute."
    )


def agree_usage() -> str:
    return _(
        "To record an agreement, reply to the message with <code>/agree</code>, "
        "optionally with a title: <code>/agree Stage 1: price and deadline</code>."
    )


def agreements_list(page: AgreementPage, zone: ZoneInfo) -> str:
    if not page.items:
        return _("No agreements in this chat yet. Reply /agree to a message to record one.")
    head = _("<b>Agreements in this chat</b> (page {page} of {pages})").format(
        page=page.page + 1, pages=page.pages
    )
    return "\n".join([head, *(_list_item(item, zone) for item in page.items)])


def party_agreements_list(page: AgreementPage, zone: ZoneInfo) -> str:
    """A private /agreements: the person's agreements in every chat."""
    if not page.items:
        return _("You are not a party to any agreement yet.")
    head = _("<b>Your agreements</b> (page {page} of {pages})").format(
        page=page.page + 1, pages=page.pages
    )
    return "\n".join([head, *(_list_item(item, zone, with_chat=True) for item in page.items)])


def status(item: AgreementView) -> str:
    if item.amendment_label:
        amended = _("amended: #{label}").format(label=item.amendment_label)
        if not item.edits_since_amendment:
            return amended
        since = ngettext(
            "edited {count} time since", "edited {count} times since", item.edits_since_amendment
        ).format(count=item.edits_since_amendment)
        return f"{amended}, {since}"
    if item.edits:
        return ngettext(
            "message edited {count} time", "message edited {count} times", item.edits
        ).format(count=item.edits)
    return _("intact")


def _list_item(item: AgreementView, zone: ZoneInfo, *, with_chat: bool = False) -> str:
    label = hd.quote(clip(item.title or item.summary, LIST_LABEL_LENGTH))
    parties = ", ".join(person_html(p.name, p.username) for p in item.parties)
    where = f" · {hd.quote(clip(item.chat_title or '', 40))}" if with_chat else ""
    details = _("{time} · parties: {parties}").format(
        time=format_both(item.message_date, zone), parties=parties
    )
    return f"\n<b>#{item.number}</b>{where} · {label} · <i>{status(item)}</i>\n{details}"


def list_keyboard(
    page: AgreementPage, *, mine: bool = False, app: InlineKeyboardButton | None = None
) -> InlineKeyboardMarkup | None:
    """Newer and older pages, and ``app`` (the Mini App) on a row of its own."""
    buttons = []
    if page.page > 0:
        buttons.append(
            InlineKeyboardButton(
                text=_("◀ Newer"),
                callback_data=AgreementsPage(page=page.page - 1, mine=mine).pack(),
            )
        )
    if page.page + 1 < page.pages:
        buttons.append(
            InlineKeyboardButton(
                text=_("Older ▶"),
                callback_data=AgreementsPage(page=page.page + 1, mine=mine).pack(),
            )
        )
    rows = [row for row in (buttons, [app] if app else []) if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def mini_app_button(app_url: str, bot_username: str, *, private: bool) -> InlineKeyboardButton:
    """Opens the Mini App: a web_app button in a private chat; in a group, where Telegram
    takes web_app buttons from no bot, a link that opens the bot's main Mini App."""
    text = _("📋 Review in the app")
    if private:
        return InlineKeyboardButton(text=text, web_app=WebAppInfo(url=app_url))
    return InlineKeyboardButton(text=text, url=f"https://t.me/{bot_username}?startapp")
