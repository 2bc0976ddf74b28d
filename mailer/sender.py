"""Delivering composed messages to an SMTP relay."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

import aiosmtplib

from .errors import MailDeliveryError


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    security: Literal["starttls", "tls", "none"] = "starttls"
    timeout: float = 30.0

    def __repr__(self) -> str:
        # Configs end up in logs; the password must not.
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, username={self.username!r}, "
            f"password={'***' if self.password else None}, security={self.security!r}, "
            f"timeout={self.timeout})"
        )


class SmtpSender:
    """Sends each message over its own connection. A batch method can reuse
    `_connection()` and `_deliver()` to send several messages over one."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, message: EmailMessage) -> None:
        async with self._connection() as client:
            await self._deliver(client, message)

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
    async def _connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        client = self._client()
        where = f"{self._config.host}:{self._config.port}"
        try:
            await client.connect()
        except Exception as exc:
            error = _translate(exc, f"cannot connect to SMTP server {where}")
            if error is None:
                raise
            raise error from exc
        try:
            yield client
        finally:
            await _close(client)

    async def _deliver(self, client: aiosmtplib.SMTP, message: EmailMessage) -> None:
        try:
            await client.send_message(message)
        except ValueError as exc:
            # No usable sender or recipient in the message: retrying cannot help.
            raise MailDeliveryError(f"message cannot be sent: {exc}", temporary=False) from exc
        except Exception as exc:
            error = _translate(exc, f"sending {message['Message-ID']} failed")
            if error is None:
                raise
            raise error from exc


async def _close(client: aiosmtplib.SMTP) -> None:
    """QUIT politely; the message is already accepted (or failed), so errors here are
    not delivery errors."""
    if not client.is_connected:
        return
    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _translate(exc: Exception, context: str) -> MailDeliveryError | None:
    """Map aiosmtplib/network errors to MailDeliveryError; None for anything else (a bug
    to propagate as is)."""
    match exc:
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
        case aiosmtplib.SMTPNotSupported():
            # The server lacks something we require (STARTTLS, SMTPUTF8): a config issue.
            return MailDeliveryError(f"{context}: {exc}", temporary=False)
        case aiosmtplib.SMTPException() | OSError() | TimeoutError():
            # Refused/reset connections, timeouts, dropped sessions: worth retrying.
            return MailDeliveryError(f"{context}: {str(exc) or type(exc).__name__}", temporary=True)
        case _:
            return None


def _is_temporary_code(code: int) -> bool:
    # 4xx is transient by RFC 5321. Odd codes (aiosmtplib uses -1 for garbage replies)
    # are treated as transient too: a confused server is more likely than a final "no".
    return not 500 <= code < 600
