"""Values that differ per recipient (a link that names their address) in a body rendered
once for every recipient: the templates see a placeholder for each, which each recipient's
value replaces in the rendered text and HTML before these are encoded.

Rendering is most of what a mail costs; encoding two text parts is little, and the
attachments, the bulk of a large mail, are still encoded once for every recipient.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from markupsafe import escape


@dataclass(frozen=True, slots=True)
class Blanks:
    """A rendered body's text and HTML, holding a placeholder per personal value."""

    text: str
    html: str
    placeholders: Mapping[str, str]  # the value's name in the templates -> its placeholder
    boundary: str  # of the multipart/alternative that holds the text and the HTML
    slot: bytes  # where that part goes in the body's bytes
    top: bool  # the part is the whole body (no attachments): its headers go in the slot


def placeholders(names: Collection[str]) -> dict[str, str]:
    """A placeholder per name: letters, digits and dashes, which no escaping changes, and
    random, so no text of a message can hold one."""
    return {name: f"personal-{secrets.token_hex(16)}" for name in names}


def filled(blanks: Blanks, values: Mapping[str, str]) -> tuple[str, str]:
    """The text and the HTML with a recipient's values, each escaped for the HTML."""
    missing = blanks.placeholders.keys() - values.keys()
    unknown = values.keys() - blanks.placeholders.keys()
    if missing or unknown:
        raise ValueError(f"personal values: missing {sorted(missing)}, unknown {sorted(unknown)}")
    text, html = blanks.text, blanks.html
    for name, placeholder in blanks.placeholders.items():
        text = text.replace(placeholder, values[name])
        html = html.replace(placeholder, str(escape(values[name])))
    return text, html
