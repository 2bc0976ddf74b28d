"""One mail for one recipient, composed the way the bot composes it: ``compose_body`` for the
body, then ``address_body`` for the recipient. Lets mailer tests state a mail in one value,
rendered by ``renderer()``, the project's templates and catalogs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from mailer import Attachment, MailRenderer, address_body, compose_body

ROOT = Path(__file__).resolve().parents[2]


@cache
def renderer() -> MailRenderer:
    return MailRenderer(ROOT / "templates", ROOT / "locales")


@dataclass(frozen=True, slots=True)
class MailSpec:
    kind: str  # template name: "verification_code" | "agreement"
    to: str  # a single addr-spec: every party gets a mail of its own
    language: str  # "ru" | "en"; anything else falls back to "en"
    context: Mapping[str, Any]  # template variables
    message_id: str  # "<...@domain>" from make_message_id()
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    attachments: Sequence[Attachment] = ()
    in_reply_to: str | None = None  # Message-ID of an earlier mail, for threading


def compose(
    spec: MailSpec, mail_from: str, renderer: MailRenderer, now: datetime | None = None
) -> bytes:
    """`spec` rendered and addressed: the bytes that go on the wire, with CRLF."""
    body = compose_body(renderer, spec.kind, spec.language, spec.context, spec.attachments)
    return address_body(
        body,
        mail_from,
        to=spec.to,
        message_id=spec.message_id,
        now=now,
        in_reply_to=spec.in_reply_to,
        extra_headers=spec.extra_headers,
    )
