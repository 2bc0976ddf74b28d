"""The markup the bot's mail templates (templates/*.html) and its formatting of message
text (bot/telegram/formatting.py) write, and nothing else: what ``verify`` accepts in an HTML part.

A mail client shows what the HTML says, not what a checker reads: a <style> element, a class,
a CSS property the templates never use (visibility, position, opacity ...) or an unknown tag
could hide the agreed text and show another. Allowing only the bot's own tags, attributes
and style declarations leaves nothing to hide it with but the few hiding declarations the
templates use themselves, whose elements may then hold text only (mail_view.py).
tests/unit/test_mail_markup.py renders every record mail and checks it fits this list.
"""

from __future__ import annotations

import re

AGREED_TEXT_ID = "agreed-text"  # the box of the agreed text (templates: id="agreed-text")
# The schemes bot/telegram/formatting.py links; inside the agreed text, hrefs are compared exactly.
_ANY_LINK = re.compile(r"(?:https?|tg|mailto):.*", re.IGNORECASE | re.DOTALL)

# Tag -> attribute -> its values (a set, or a pattern); "style" is checked by declaration.
TAGS: dict[str, dict[str, frozenset[str] | re.Pattern[str]]] = {
    "html": {
        "lang": re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"),
        "dir": frozenset({"ltr"}),
        "xmlns": frozenset({"http://www.w3.org/1999/xhtml"}),
    },
    "head": {},
    "title": {},
    "meta": {
        "charset": frozenset({"utf-8"}),
        "name": frozenset(
            {
                "viewport",
                "x-apple-disable-message-reformatting",
                "format-detection",
                "color-scheme",
                "supported-color-schemes",
            }
        ),
        "content": frozenset(
            {
                "width=device-width, initial-scale=1",
                "telephone=no, date=no, address=no, email=no",
                "light",
            }
        ),
    },
    "body": {},
    "table": {
        "role": frozenset({"presentation"}),
        "width": frozenset({"100%"}),
        "cellpadding": frozenset({"0"}),
        "cellspacing": frozenset({"0"}),
        "border": frozenset({"0"}),
    },
    "tr": {},
    "td": {
        "align": frozenset({"center"}),
        "valign": frozenset({"top"}),
        "width": frozenset({"34%"}),
    },
    "div": {"dir": frozenset({"auto"}), "id": frozenset({AGREED_TEXT_ID})},
    "p": {"dir": frozenset({"auto"})},
    "span": {"dir": frozenset({"auto"})},
    "strong": {"dir": frozenset({"auto"})},
    "h1": {},
    "a": {"href": _ANY_LINK},
    "br": {},
    **{tag: {} for tag in ("b", "i", "u", "s", "code", "pre", "blockquote", "del", "ins")},
}
VOID = frozenset({"meta", "br"})
IN_HEAD = frozenset({"meta", "title"})

# Every style declaration the templates and the formatting write, as they write them.
DECLARATIONS = frozenset(
    {
    '-ms-text-size-adjust:100%',
    '-webkit-text-size-adjust:100%',
    'background-color:#1d4f7c',
    'background-color:#e3f4e6',
    'background-color:#eaf2fa',
    'background-color:#eef1f5',
    'background-color:#f5f7fa',
    'background-color:#f7f7f7',
    'background-color:#fafbfc',
    'background-color:#fde7e9',
    'background-color:#fff7e0',
    'background-color:#ffffff',
    'border-bottom:1px solid #e6e9ee',
    'border-bottom:2px solid #7cc48d',
    'border-collapse:collapse',
    'border-collapse:separate',
    'border-left:3px solid #b8c2cc',
    'border-left:4px solid #1d4f7c',
    'border-left:4px solid #8a94a3',
    'border-left:4px solid #9aa5b1',
    'border-radius:0 4px 4px 0',
    'border-radius:3px',
    'border-radius:3px 3px 0 0',
    'border-radius:4px',
    'border-radius:6px',
    'border-radius:6px 6px 0 0',
    'border:1px solid #c9dcee',
    'border:1px solid #d9dee5',
    'border:1px solid #dfe3e9',
    'border:1px solid #edd48e',
    'color:#173e61',
    'color:#1a2230',
    'color:#1d4f7c',
    'color:#1e6b2f',
    'color:#3d4a5c',
    'color:#5a4300',
    'color:#5b6675',
    'color:#6b7583',
    'color:#b3261e',
    'color:#eef1f5',
    'display:none',
    "font-family:-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, "
    "sans-serif",
    "font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
    'font-size:0',
    'font-size:12px',
    'font-size:13px',
    'font-size:14px',
    'font-size:15px',
    'font-size:18px',
    'font-size:1px',
    'font-size:24px',
    'font-weight:600',
    'font-weight:700',
    'height:5px',
    'letter-spacing:0.04em',
    'letter-spacing:0.06em',
    'line-height:0',
    'line-height:16px',
    'line-height:18px',
    'line-height:19px',
    'line-height:1px',
    'line-height:20px',
    'line-height:21px',
    'line-height:23px',
    'line-height:25px',
    'line-height:30px',
    'margin:0',
    'margin:0 0 10px 0',
    'margin:0 0 16px 0',
    'margin:0 0 18px 0',
    'margin:0 0 6px 0',
    'margin:0 0 8px 0',
    'margin:10px 0 0 0',
    'margin:10px 0 6px 0',
    'margin:12px 0 0 0',
    'margin:14px 0 6px 0',
    'margin:18px 0 0 0',
    'margin:26px 0 8px 0',
    'margin:4px 0',
    'margin:6px 0 0 0',
    'max-height:0',
    'max-width:0',
    'max-width:640px',
    'mso-hide:all',
    'opacity:0',
    'overflow-wrap:anywhere',
    'overflow:hidden',
    'padding-top:8px',
    'padding:0',
    'padding:0 0 0 10px',
    'padding:0 2px',
    'padding:10px 12px',
    'padding:10px 14px',
    'padding:12px 24px 28px 24px',
    'padding:14px 16px',
    'padding:16px 24px',
    'padding:1px 4px',
    'padding:20px 24px 0 24px',
    'padding:24px 8px',
    'padding:8px 10px',
    'padding:9px 0',
    'padding:9px 12px 9px 0',
    'text-decoration:line-through',
    'text-decoration:none',
    'text-decoration:underline',
    'text-transform:uppercase',
    'white-space:nowrap',
    'white-space:pre-wrap',
    'width:100%',
    'width:34%',
    'word-break:break-all',
    'word-break:break-word',
    }
)  # fmt: skip

# Declarations that hide what they style, or nearly: the inbox preview text and the accent
# bar use them. Elements styled with one may hold text only, which no reader sees.
HIDING = frozenset(
    {
        "display:none", "opacity:0", "max-height:0", "max-width:0", "mso-hide:all",
        "font-size:0", "font-size:1px", "line-height:0", "line-height:1px",
        "color:#eef1f5", "background-color:#1d4f7c",
    }
)  # fmt: skip

# The agreed-text box's own style: no other, so nothing restyles what it shows.
BOX_STYLE = (
    "font-size:15px", "line-height:23px", "color:#1a2230", "white-space:pre-wrap",
    "word-break:break-word", "overflow-wrap:anywhere",
)  # fmt: skip

# Outlook shows what its conditional comments hold: only the layout's two are allowed.
COMMENTS = frozenset(
    {
        '[if mso]><table role="presentation" width="640" cellpadding="0" cellspacing="0" '
        'border="0" align="center"><tr><td><![endif]',
        "[if mso]></td></tr></table><![endif]",
    }
)
DOCTYPE = "doctype html"


def declarations(style: str) -> list[str]:
    """A style attribute's declarations as the lists above write them."""
    found = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        if name.strip() or value.strip():
            found.append(f"{name.strip()}{colon}{' '.join(value.split())}")
    return found
