"""SmtpSender against a real aiosmtpd server on 127.0.0.1."""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from mailer import Attachment, MailDeliveryError, SmtpConfig, SmtpSender, make_message_id
from tests.support.agreement_context import agreement_context, person
from tests.support.mail_spec import MailSpec, compose, renderer
from tests.support.ports import free_port

MAIL_FROM = "Agreements <bot@example.com>"
RECORD = b'{"number": 7, "text": "line 1\\nline 2"}\n\r\n\x00\xfe'


@dataclass
class Handler:
    """Accepts everything except the recipients named in `refuse` (address -> reply)."""

    refuse: dict[str, str] = field(default_factory=dict)
    data_reply: str = "250 OK"
    received: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply.startswith("250"):
            self.received.append(envelope)
        return self.data_reply


@dataclass
class Server:
    handler: Handler
    port: int
    logins: list[tuple[bytes, bytes]]


def _start(handler: Handler, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def server() -> Iterator[Server]:
    handler = Handler(
        refuse={
            "gone@example.com": "550 5.1.1 No such user",
            "busy@example.com": "451 4.3.0 Try again later",
        }
    )
    controller, port = _start(handler)
    try:
        yield Server(handler, port, [])
    finally:
        controller.stop()


@pytest.fixture
def auth_server() -> Iterator[Server]:
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        # handled=False: let aiosmtpd send the standard 535 reply on failure.
        return AuthResult(success=data.password == b"s3cret", handled=False)

    handler = Handler()
    controller, port = _start(handler, authenticator=authenticate, auth_require_tls=False)
    try:
        yield Server(handler, port, logins)
    finally:
        controller.stop()


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A server that accepts connections and never says a word."""

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    tcp = await asyncio.start_server(hang, "127.0.0.1", 0)
    try:
        yield tcp.sockets[0].getsockname()[1]
    finally:
        tcp.close()


def message_to(to: str) -> EmailMessage:
    ivan = person("Иван", "ivan", 1)
    spec = MailSpec(
        kind="agreement",
        to=to,
        language="ru",
        context=agreement_context(
            chat_title="Закупки Q4 🚀",
            title=None,
            summary="Поставка 40 ноутбуков",
            text="Поставка 40 ноутбуков до 15 декабря <b>без</b> задержек\nمرحبا",
            author=ivan,
            marked_by=person("Анна", None, 2),
            parties=[ivan],
            message_time_local=None,
            message_link=None,
            digest=hashlib.sha256(RECORD).hexdigest(),
        ),
        message_id=make_message_id(MAIL_FROM),
        attachments=[Attachment("agreement--1001234-7.json", RECORD, "application/json")],
    )
    raw = compose(spec, MAIL_FROM, renderer(), now=datetime(2026, 11, 29, 9, 41, tzinfo=UTC))
    parsed = message_from_bytes(raw, policy=SMTP_POLICY)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def deliver(sender: SmtpSender, message: EmailMessage) -> None:
    """Send `message` as the outbox does: its stored bytes, with an explicit envelope."""
    raw = message.as_bytes(policy=SMTP_POLICY)
    await sender.send_raw("bot@example.com", [str(message["To"])], raw)


def plain_config(port: int, **overrides: Any) -> SmtpConfig:
    return SmtpConfig(**{"host": "127.0.0.1", "port": port, "security": "none", **overrides})


async def test_message_arrives_intact(server: Server) -> None:
    message = message_to("ivan@example.com")
    await deliver(SmtpSender(plain_config(server.port)), message)

    (envelope,) = server.handler.received
    assert envelope.mail_from == "bot@example.com"
    assert envelope.rcpt_tos == ["ivan@example.com"]
    assert isinstance(envelope.content, bytes)
    received = message_from_bytes(envelope.content, policy=default)
    assert received["Message-ID"] == message["Message-ID"]
    assert received["Subject"] == message["Subject"]
    (attachment,) = list(received.iter_attachments())  # type: ignore[attr-defined]
    assert hashlib.sha256(attachment.get_content()).digest() == hashlib.sha256(RECORD).digest()


async def test_send_raw_delivers_stored_bytes_unchanged(server: Server) -> None:
    # An outbox stores the serialized message and sends it later with an explicit envelope.
    raw = message_to("ivan@example.com").as_bytes(policy=SMTP_POLICY)
    await SmtpSender(plain_config(server.port)).send_raw(
        "bot@example.com", ["ivan@example.com"], raw
    )

    (envelope,) = server.handler.received
    assert envelope.mail_from == "bot@example.com"
    assert envelope.rcpt_tos == ["ivan@example.com"]
    assert envelope.content == raw


async def test_send_raw_refusal(server: Server) -> None:
    raw = message_to("gone@example.com").as_bytes(policy=SMTP_POLICY)
    sender = SmtpSender(plain_config(server.port))
    with pytest.raises(MailDeliveryError) as caught:
        await sender.send_raw("bot@example.com", ["gone@example.com"], raw)
    assert caught.value.temporary is False and caught.value.code == 550


async def test_permanent_refusal(server: Server) -> None:
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(plain_config(server.port)), message_to("gone@example.com"))
    assert caught.value.temporary is False
    assert caught.value.code == 550
    assert "550" in str(caught.value) and "No such user" in str(caught.value)
    assert server.handler.received == []


async def test_temporary_refusal(server: Server) -> None:
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(plain_config(server.port)), message_to("busy@example.com"))
    assert caught.value.temporary is True
    assert caught.value.code == 451
    assert "451" in str(caught.value)


@pytest.mark.parametrize("reply, temporary", [("554 5.6.0 Rejected", False), ("452 Full", True)])
async def test_refused_data(server: Server, reply: str, temporary: bool) -> None:
    server.handler.data_reply = reply
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(plain_config(server.port)), message_to("ivan@example.com"))
    assert caught.value.temporary is temporary
    assert reply.split()[0] in str(caught.value)


async def test_connection_refused() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(plain_config(port)), message_to("ivan@example.com"))
    assert caught.value.temporary is True
    assert f"127.0.0.1:{port}" in str(caught.value)


async def test_timeout(silent_port: int) -> None:
    sender = SmtpSender(plain_config(silent_port, timeout=0.3))
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(sender, message_to("ivan@example.com"))
    assert caught.value.temporary is True


async def test_starttls_required_but_not_offered(server: Server) -> None:
    # Configured for STARTTLS, the sender must not fall back to plaintext.
    config = SmtpConfig(host="127.0.0.1", port=server.port, security="starttls")
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(config), message_to("ivan@example.com"))
    assert server.handler.received == []
    # A settings problem, not the mail's: it stays queued until the settings are fixed.
    assert caught.value.temporary is True
    assert "STARTTLS" in str(caught.value)


async def test_login_when_username_is_set(auth_server: Server) -> None:
    config = plain_config(auth_server.port, username="bot", password="s3cret")
    await deliver(SmtpSender(config), message_to("ivan@example.com"))
    assert auth_server.logins == [(b"bot", b"s3cret")]
    assert len(auth_server.handler.received) == 1
    assert "s3cret" not in repr(config)


async def test_no_login_without_username(auth_server: Server) -> None:
    await deliver(SmtpSender(plain_config(auth_server.port)), message_to("ivan@example.com"))
    assert auth_server.logins == []
    assert len(auth_server.handler.received) == 1


async def test_bad_credentials_keep_the_mail_for_later(auth_server: Server) -> None:
    config = plain_config(auth_server.port, username="bot", password="wrong")
    with pytest.raises(MailDeliveryError) as caught:
        await deliver(SmtpSender(config), message_to("ivan@example.com"))
    assert caught.value.temporary is True
    assert caught.value.code == 535


def test_config_rejects_unknown_security() -> None:
    with pytest.raises(ValueError):
        SmtpConfig(host="smtp.example.com", security="ssl")  # type: ignore[arg-type]
