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
    at: float = 0.0  # the event loop's clock when the server accepted it

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
        # Replies for the next DATA transactions, one each (e.g. "451 4.7.1 try later"):
        # the whole message was sent, then refused; kept in ``refused``.
        self.refuse_data: list[str] = []
        self.refused: list[ReceivedMail] = []
        self.connections = 0
        # While ``hold`` is set to an unset Event, DATA waits for it: an SMTP transaction
        # under way, for tests of what happens meanwhile.
        self.hold: asyncio.Event | None = None
        self.in_data = 0
        self.most_in_data = 0  # the most transactions under way at once
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._sessions: list[SMTP] = []
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
            self.in_data += 1
            self.most_in_data = max(self.most_in_data, self.in_data)
            self._changed.notify_all()
        try:
            if self.hold is not None:
                await self.hold.wait()
        finally:
            self.in_data -= 1
        refusal = self.refuse_data.pop(0) if self.refuse_data else None
        async with self._changed:
            mail = ReceivedMail(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                content,
                asyncio.get_running_loop().time(),
            )
            (self.received if refusal is None else self.refused).append(mail)
            self._changed.notify_all()
        return refusal or "250 Message accepted for delivery"

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
        session = SMTP(self, hostname="mail.test", decode_data=False)
        self._sessions.append(session)
        return session

    def hang_up(self) -> None:
        """Close every open client connection, as a server's idle timeout does."""
        for session in self._sessions:
            if session.transport is not None and not session.transport.is_closing():
                session.transport.close()
        self._sessions.clear()

    async def stop(self) -> None:
        """Down, as a server that stops: no new connections, and the open ones closed."""
        self.hang_up()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def wait_for_transactions(self, count: int, timeout: float = 10) -> None:
        """Wait until ``count`` DATA transactions are under way at once (see ``hold``)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.in_data >= count), timeout)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.received if address in mail.recipients]

    async def wait_for(
        self,
        to: str,
        count: int = 1,
        where: Callable[[EmailMessage], bool] | None = None,
        timeout: float = 10,
    ) -> list[ReceivedMail]:
        """Wait until ``count`` mails to ``to`` (matching ``where``) have arrived."""

        def matching() -> list[ReceivedMail]:
            # Parsed only to test ``where``: parsing every mail on every arrival took
            # most of the benchmark's own CPU, which the bot under test then lacked.
            mails = self.to(to)
            return mails if where is None else [mail for mail in mails if where(mail.message)]

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(matching()) >= count), timeout
            )
        return matching()
