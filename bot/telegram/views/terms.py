"""The signing terms in the chat: the text with its version and digest, the notice that
sending the code back accepts them, and the answers to "I accept"."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.registration.terms_acceptance import TermsAnswer
from bot.telegram.views.callbacks import AcceptTerms
from bot.terms.texts import Terms


def page_url(web_base: str | None, language: str) -> str | None:
    return None if web_base is None else f"{web_base}/terms?lang={language}"


def terms_message(
    terms: Terms, web_base: str | None, *, may_accept: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The whole text (it fits one message), then its version and SHA-256, where to check
    it, and the other language's command; "I accept" for a person who may accept."""
    other = "en" if terms.language == "ru" else "ru"
    lines = [
        hd.quote(terms.text.strip()),
        "",
        _("Version {version}. SHA-256 of this text: <code>{sha256}</code>").format(
            version=terms.version, sha256=terms.sha256
        ),
    ]
    url = page_url(web_base, terms.language)
    if url is not None:
        lines.append(_("The page and the file to check it: {url}").format(url=hd.quote(url)))
    lines.append(_("English text: /terms en") if other == "en" else _("Russian text: /terms ru"))
    keyboard = None
    if may_accept:
        button = InlineKeyboardButton(
            text=_("✍️ I accept these terms"),
            callback_data=AcceptTerms(version=terms.version, language=terms.language).pack(),
        )
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
    return "\n".join(lines), keyboard


def acceptance_notice(terms: Terms) -> str:
    """Said before the code is sent back: that act accepts the terms."""
    return _(
        "<b>Sending the code back also accepts the signing terms, version {version}</b> "
        "(SHA-256 <code>{sha256}</code>). From then on, your <code>/agree</code>, "
        '"I agree" and "Accept new version" in chats, and confirmations from this address, '
        "count as your simple electronic signature, by agreement of the parties. It is not "
        "a qualified signature. Read the terms first: /terms"
    ).format(version=terms.version, sha256=terms.sha256)


def accepted(terms: Terms) -> str:
    return _(
        "✅ You accepted the signing terms, version {version} (SHA-256 <code>{sha256}</code>)."
    ).format(version=terms.version, sha256=terms.sha256)


def not_yet_accepted() -> str:
    return _(
        "You have not accepted the current signing terms yet: see /terms to read and accept them."
    )


def refusal(answer: TermsAnswer) -> str:
    """Why "I accept" recorded nothing (an alert: plain text, at most 200 characters)."""
    if answer is TermsAnswer.ALREADY_ACCEPTED:
        return _("You have accepted these terms already.")
    if answer is TermsAnswer.NO_ADDRESS:
        return _("The terms are accepted when you bind your email: send /email name@example.com.")
    return _("These terms were replaced by a newer version: see /terms.")
