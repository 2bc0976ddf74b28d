"""Delivering composed messages to an SMTP relay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Literal

import aiosmtplib

from .errors import MailDeliveryError, SmtpConnectionError

QUIT_TIMEOUT = 2.0
# A batch's connection is kept this long for the next batch. Servers wait minutes before
# dropping an idle client (RFC 5321 asks for 5); reconnecting per batch (TCP, greeting,
# EHLO, maybe STARTTLS and AUTH) was most of the work of sending a mail or two.
KEEP_IDLE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # configs end up in logs
    security: Literal["starttls", "tls", "none"] = "starttls"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        # A typo here ("ssl") would otherwise silently mean plaintext.
        if self.security not in ("starttls", "tls", "none"):
            raise ValueError(f"unknown SMTP security {self.security!r}")


class SmtpSender:
    """Sends each call over its own connection, or a batch over one (``batch()``); a
    batch's connection is kept for the next batches for up to ``keep_idle`` seconds."""

    def __init__(self, config: SmtpConfig, keep_idle: float = KEEP_IDLE_SECONDS) -> None:
        self._config = config
        self._keep_idle = keep_idle
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []  # (connection, idle since)

    async def send_raw(self, sender: str, recipients: Sequence[str], raw: bytes) -> None:
        """Send an already serialized message (e.g. one stored by an outbox) unchanged."""
        async with self._connection() as client:
            await self._deliver_raw(client, sender, recipients, raw)

    def _client(self) -> aiosmtplib.SMTP:
        config = self._config
        return aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            # aiosmtplib logs in on connect exactly when a username is given.
            username=config.username,
            password=config.password if config.username is not None else None,
            timeout=config.timeout,
            use_tls=config.security == "tls",
            # True, not None: never fall back to plaintext when STARTTLS is configured.
            start_tls=config.security == "starttls",
        )

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[SmtpBatch]:
        """Several messages over one connection: a kept one, or one opened at the first
        send. It is kept for the next batch unless a send failed on it."""
        batch = SmtpBatch(self, await self._take_idle())
        try:
            yield batch
        finally:
            client = batch.detach()
            if client is not None and client.is_connected and not batch.failed:
                self._idle.append((client, time.monotonic()))
            elif client is not None:
                await _close(client)

    async def close(self) -> None:
        """QUIT the connections kept between batches (at a stop)."""
        while self._idle:
            client, _ = self._idle.pop()
            await _close(client)

    async def _take_idle(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            client, since = self._idle.pop()
            if client.is_connected and time.monotonic() - since < self._keep_idle:
                return client
            await _close(client)
        return None

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        client = await self._open()
        try:
            yield client
        finally:
            await _close(client)

    async def _open(self) -> aiosmtplib.SMTP:
        client = self._client()
        # A server that can't be reached, won't log us in or lacks STARTTLS is a problem of
        # the server or its settings, not of the mail: once fixed, the mail must still go.
        with _delivery_errors(
            f"cannot connect to SMTP server {self._config.host}:{self._config.port}",
            connecting=True,
        ):
            await client.connect()
        return client

    async def _deliver_raw(
        self, client: aiosmtplib.SMTP, sender: str, recipients: Sequence[str], raw: bytes
    ) -> None:
        addresses = [sender, *recipients]
        # Internationalized addresses need SMTPUTF8; aiosmtplib's sendmail won't add it.
        options = [] if all(a.isascii() for a in addresses) else ["SMTPUTF8"]
        with _delivery_errors(f"sending to {', '.join(recipients)} failed"):
            await client.sendmail(sender, list(recipients), raw, mail_options=options)


class SmtpBatch:
    """One SMTP session for a run of messages; reconnects if the server hung up."""

    def __init__(self, sender: SmtpSender, kept: aiosmtplib.SMTP | None = None) -> None:
        self._sender = sender
        self._client = kept
        self._untried = kept is not None  # a kept connection nothing was sent over yet
        self.failed = False  # a send failed: the session's state is unknown, not kept

    async def send_raw(self, sender: str, recipients: Sequence[str], raw: bytes) -> None:
        try:
            await self._send_raw(sender, recipients, raw)
        except BaseException:
            self.failed = True
            raise

    async def _send_raw(self, sender: str, recipients: Sequence[str], raw: bytes) -> None:
        if self._client is None or not self._client.is_connected:
            self._client = await self._sender._open()
        elif self._untried:
            self._untried = False
            try:
                await self._sender._deliver_raw(self._client, sender, recipients, raw)
            except MailDeliveryError as exc:
                if not isinstance(exc.__cause__, _DROPPED):
                    raise
                # The server dropped the kept connection while it was idle (at MAIL FROM,
                # before any of the message went): once more, on a new one.
                self._client.close()
                self._client = await self._sender._open()
            else:
                return
        await self._sender._deliver_raw(self._client, sender, recipients, raw)

    def detach(self) -> aiosmtplib.SMTP | None:
        client, self._client = self._client, None
        return client


_DROPPED = (aiosmtplib.SMTPServerDisconnected, ConnectionError)


@contextmanager
def _delivery_errors(context: str, *, connecting: bool = False) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        error = _translate(exc, context)
        if error is None:
            raise
        if connecting:
            error = SmtpConnectionError(error.args[0], temporary=True, code=error.code)
        raise error from exc


async def _close(client: aiosmtplib.SMTP) -> None:
    """QUIT politely; the message is already accepted (or failed), so errors here are
    not delivery errors."""
    if not client.is_connected:
        return
    try:
        # Bounded: a server stuck mid-transaction must not hold up a stop.
        await asyncio.wait_for(client.quit(), QUIT_TIMEOUT)
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        client.close()


def _translate(exc: Exception, context: str) -> MailDeliveryError | None:
    """Map aiosmtplib/network errors to MailDeliveryError; None for anything else (a bug
    to propagate as is)."""
    match exc:
        case ValueError():
            # aiosmtplib found no usable sender or recipient: retrying cannot help.
            return MailDeliveryError(f"{context}: {exc}", temporary=False)
        case aiosmtplib.SMTPRecipientsRefused(recipients=refused):
            details = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refused)
            temporary = all(_is_temporary_code(r.code) for r in refused)
            code = refused[0].code if refused else None
            return MailDeliveryError(
                f"{context}: recipient refused ({details})", temporary=temporary, code=code
            )
        case aiosmtplib.SMTPResponseException(code=code, message=text):
            return MailDeliveryError(
                f"{context}: server replied {code} {text}",
                temporary=_is_temporary_code(code),
                code=code,
            )
        case (
            aiosmtplib.SMTPServerDisconnected()
            | aiosmtplib.SMTPConnectError()
            | aiosmtplib.SMTPTimeoutError()
            | OSError()
            | TimeoutError()
        ):
            # Refused/reset connections, timeouts, dropped sessions: worth retrying.
            return MailDeliveryError(
                f"{context}: {str(exc) or type(exc).__name__}", temporary=True
            )
        case aiosmtplib.SMTPException():
            # What remains is a capability mismatch (no STARTTLS or AUTH offered, SMTPUTF8
            # needed): retrying against the same server cannot help.
            return MailDeliveryError(f"{context}: {exc}", temporary=False)
        case _:
            return None


def _is_temporary_code(code: int) -> bool:
    # 4xx is transient by RFC 5321. Odd codes (aiosmtplib uses -1 for garbage replies)
    # are treated as transient too: a confused server is more likely than a final "no".
    return not 500 <= code < 600
