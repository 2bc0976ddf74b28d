"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class Mailbox:
    """The SMTP handler and the inbox; can refuse mail to test failures."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.reject_with: str | None = None  # e.g. "451 4.3.0 try later", for everyone
        self.reject: dict[str, str] = {}  # per recipient
        self.connections = 0
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.reject_with or address in self.reject:
            return self.reject_with or self.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        async with self._changed:
            self.received.append(
                ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), content)
            )
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._new_session,
            host="127.0.0.1",
            port=self.port,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def _new_session(self) -> SMTP:
        self.connections += 1
        return SMTP(self, hostname="mail.test", decode_data=False)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.received if address in mail.recipients]

    async def wait_for(
        self,
        to: str,
        count: int = 1,
        where: Callable[[EmailMessage], bool] = lambda _m: True,
        timeout: float = 10,
    ) -> list[ReceivedMail]:
        """Wait until ``count`` mails to ``to`` (matching ``where``) have arrived."""

        def matching() -> list[ReceivedMail]:
            return [mail for mail in self.to(to) if where(mail.message)]

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(matching()) >= count), timeout
            )
        return matching()
