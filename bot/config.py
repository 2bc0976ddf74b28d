"""Settings, read once in ``main()`` from the environment or a ``.env`` file."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.errors import HeaderParseError
from email.headerregistry import AddressHeader, HeaderRegistry
from pathlib import Path
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_PUBLIC_API = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/agreements.db"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# The web server's port in polling mode when WEB_PORT is unset.
DEFAULT_WEB_PORT = 8081
# Telegram's script that every Mini App loads (https://core.telegram.org/bots/webapps).
TELEGRAM_WEB_APP_SCRIPT = "https://telegram.org/js/telegram-web-app.js"


S = TypeVar("S", bound=BaseSettings)


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


# Every settings class reads the environment, then a .env file in the working directory.
# An empty value (SMTP_USERNAME= in a copied .env.example) means "not set".
SOURCES = SettingsConfigDict(
    env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
)


class LogSettings(BaseSettings):
    """How the process logs: read first, so that everything after is logged as asked."""

    model_config = SOURCES

    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.upper()
            if value not in logging.getLevelNamesMapping():
                raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.lower()
            if value not in {"text", "json"}:
                raise ValueError("use text or json")
        return value


class DatabaseSettings(BaseSettings):
    """Just the database, so that migrations run without the bot's secrets."""

    model_config = SOURCES

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
            )
        return value


class TimestampSettings(DatabaseSettings):
    """What ``verify`` needs too: the trusted-timestamp authority and its root."""

    # An RFC 3161 authority: with it, every record is timestamped and its mails carry the
    # token. Unset: no timestamps.
    tsa_url: AnyHttpUrl | None = None
    # The authority's root certificate (PEM), so that verify can tell who signed a token.
    tsa_ca_file: Path | None = None

    @field_validator("tsa_ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file {value}")
        return value

    def trusted_roots(self) -> list[bytes] | None:
        return [self.tsa_ca_file.read_bytes()] if self.tsa_ca_file else None


class DkimSettings(DatabaseSettings):
    """The DKIM signing key: the bot signs with it, and ``verify`` checks with its public
    half."""

    dkim_domain: str | None = None
    dkim_selector: str | None = None
    dkim_private_key_file: Path | None = None

    @model_validator(mode="after")
    def _dkim_all_or_nothing(self) -> DkimSettings:
        given = {
            "DKIM_DOMAIN": self.dkim_domain,
            "DKIM_SELECTOR": self.dkim_selector,
            "DKIM_PRIVATE_KEY_FILE": self.dkim_private_key_file,
        }
        missing = [name for name, value in given.items() if value is None]
        if missing and len(missing) < len(given):
            raise ValueError(f"DKIM signing needs {', '.join(missing)} as well")
        key = self.dkim_private_key_file
        if key is not None and not key.is_file():
            raise ValueError(f"DKIM_PRIVATE_KEY_FILE: no such file {key}")
        return self


class SenderSettings(DatabaseSettings):
    """The bot's From address: ``verify`` trusts DKIM signatures by its domain."""

    mail_from: str | None = None

    @field_validator("mail_from")
    @classmethod
    def _mail_from_is_an_address(cls, value: str | None) -> str | None:
        # Parsed the way every mail's From header will be, so a bad value fails at start.
        if value is None:
            return None
        try:
            header = cast(AddressHeader, HeaderRegistry()("From", value))
            [address] = header.addresses
        except (ValueError, IndexError, HeaderParseError):
            address = None
        if address is None or not address.username or not address.domain:
            raise ValueError("expected an address such as 'Agreements <bot@example.com>'")
        if not address.username.isascii():
            # Would need SMTPUTF8 in every mail's From header; the domain may be IDN.
            raise ValueError("the part before @ must be ASCII")
        return value

    @property
    def mail_from_domain(self) -> str | None:
        if self.mail_from is None:
            return None
        header = cast(AddressHeader, HeaderRegistry()("From", self.mail_from))
        # as DKIM's d= names it: IDNA, like the From header the bot writes
        return str(header.addresses[0].domain).encode("idna").decode("ascii").lower()


class Settings(TimestampSettings, DkimSettings, SenderSettings, LogSettings):
    bot_token: SecretStr
    telegram_api_url: AnyHttpUrl = AnyHttpUrl(TELEGRAM_PUBLIC_API)

    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    # Sessions open at once while the queue is long; providers often allow only a few.
    smtp_connections: int = Field(default=4, ge=1, le=32)
    # Unset: as fast as the server takes them.
    smtp_max_per_minute: int | None = Field(default=None, ge=1)
    mail_from: str
    # An inbox the operator reads: mails then offer unsubscribing by mail too (the bot reads
    # no mail; the operator acts on what arrives). Unset: the web link and /unsubscribe.
    mail_unsubscribe_mailto: str | None = None

    # An agreed message's file goes with the email up to this size; a larger one is
    # described and its SHA-256 given.
    # 7 MB grows to about 9.5 MB in base64: under the 10 MB many mail servers accept.
    mail_max_attachment_mb: float = Field(default=7.0, ge=0)
    timezone: str = "UTC"
    mail_retry_seconds: float = Field(default=30.0, gt=0)
    outbox_max_age: timedelta = Field(default=timedelta(days=7), gt=timedelta(0))
    edit_alert_coalesce_seconds: float = Field(default=60.0, ge=0)
    journal: bool = True
    # Webhook mode: Telegram (or a self-hosted Bot API server) POSTs updates to this URL;
    # the bot serves it on WEBHOOK_HOST:WEBHOOK_PORT at the URL's path. Unset: long polling.
    webhook_url: AnyHttpUrl | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # What Telegram sends in X-Telegram-Bot-Api-Secret-Token. Unset: an HMAC of the bot
    # token, the same in every replica (bot/telegram/webhook_endpoint.py); never no secret at all.
    webhook_secret: SecretStr | None = None
    # The web pages (the record page behind every mail, the verify page, the Mini App),
    # served by this process at WEB_HOST:WEB_PORT behind WEB_BASE_URL, their public address.
    # Unset: no links in mails and no server. WEB_PORT unset: the webhook's own server in
    # webhook mode, else 8081.
    web_base_url: AnyHttpUrl | None = None
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    # The script the Mini App page loads from Telegram: the one remote script any page
    # loads, and the only one its Content-Security-Policy lets in. Tests serve a stand-in.
    web_app_script_url: AnyHttpUrl = AnyHttpUrl(TELEGRAM_WEB_APP_SCRIPT)
    # Replicas migrate once before they start (python -m bot migrate) when this is off.
    auto_migrate: bool = True
    # A mail a worker took but did not report on within this time (its replica died) is
    # sent by another worker.
    outbox_claim_seconds: float = Field(default=60.0, gt=0)
    journal_retention_days: int = Field(default=30, ge=1)
    agree_reaction: str = Field(default="🤝", min_length=1)
    # Marks and joins (/agree, a reaction, "I agree") a minute: by one person in all chats,
    # and in one chat by everyone. Each process counts its own (see bot/agreements/limits.py).
    agree_limit_per_user: int = Field(default=20, ge=1)
    agree_limit_per_chat: int = Field(default=60, ge=1)
    # Megabytes of agreed files stored in 24 hours: for what one person marks, in all
    # chats, and for one chat. Counted in the database (see bot/agreements/file_budget.py).
    files_mb_per_user_per_day: float = Field(default=200.0, gt=0)
    files_mb_per_chat_per_day: float = Field(default=500.0, gt=0)
    # Invitations by email (/agree client@example.com, the Mini App): how long their
    # confirm and refuse links (and an edit alert's accept link) work, and how many one
    # person, and one chat, may send in 24 hours. Counted in the database (see
    # bot/agreements/invitations.py).
    invitation_link_days: int = Field(default=14, ge=1, le=365)
    invitations_per_user_day: int = Field(default=20, ge=1)
    invitations_per_chat_day: int = Field(default=50, ge=1)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        # What Telegram accepts as secret_token.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("1-256 characters: letters, digits, _ and - only")
        return value

    @field_validator("mail_unsubscribe_mailto")
    @classmethod
    def _plain_address(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError:
            raise ValueError(
                "expected a plain ASCII address such as unsubscribe@example.com"
            ) from None
        return checked.ascii_email or checked.normalized

    @field_validator("web_base_url")
    @classmethod
    def _public_https(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        # Telegram opens Mini Apps only over https; plain http only for a machine's own tests.
        if value is not None and value.scheme != "https" and value.host not in LOCAL_HOSTS:
            raise ValueError("must be an https:// address (Telegram opens Mini Apps only so)")
        return value

    @field_validator("web_app_script_url")
    @classmethod
    def _script_over_https(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        # Plain http would let anyone on the way run code in the page that holds initData.
        if value.scheme != "https" and value.host not in LOCAL_HOSTS:
            raise ValueError("must be an https:// address")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("expected the form 123456789:AA... as given by BotFather")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. Europe/Moscow") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def web_base(self) -> str | None:
        """WEB_BASE_URL without its trailing slash: links are this plus a path."""
        return None if self.web_base_url is None else str(self.web_base_url).rstrip("/")

    @property
    def shares_webhook_server(self) -> bool:
        """The pages are served by the webhook's server (one port to open)."""
        return self.webhook_url is not None and self.web_port in (None, self.webhook_port)

    @property
    def api_base_url(self) -> str:
        return str(self.telegram_api_url).rstrip("/")


def load_settings(cls: type[S] = Settings, **overrides: Any) -> S:  # type: ignore[assignment]
    """Build the settings, turning pydantic's report into one readable line."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        reason = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:  # a rule across settings; its message names them
            problems.append(reason)
            continue
        variable = str(error["loc"][0]).upper()
        if error["type"] == "missing":
            problems.append(f"{variable} is required but not set")
        else:
            problems.append(f"{variable} is invalid: {reason}")
    return "Configuration error: " + "; ".join(problems)
