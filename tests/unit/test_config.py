"""Settings: the documented example loads, and each mistake names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, LogSettings, Settings, load_settings
from bot.web.security import mini_app_policy

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_env_file_loads_with_empty_values_meaning_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("BOT_TOKEN", "MAIL_FROM", "SMTP_USERNAME", "SMTP_PASSWORD", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(Settings, _env_file=ROOT / ".env.example")
    assert settings.smtp_username is None and settings.smtp_password is None
    assert settings.smtp_security == "starttls" and settings.timezone == "UTC"
    assert settings.edit_alert_coalesce_seconds == 60
    assert settings.log_level == "INFO" and settings.log_format == "text"
    assert (settings.invitation_link_days, settings.invitations_per_user_day) == (14, 20)
    assert settings.invitations_per_chat_day == 50


def test_log_settings_take_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    logs = load_settings(LogSettings, _env_file=None)
    assert logs.log_level == "WARNING" and logs.log_format == "json"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bot_token": "not-a-token"}, "BOT_TOKEN is invalid"),
        ({"mail_from": "Agreements"}, "MAIL_FROM is invalid"),
        ({"mail_from": "a@example.com, b@example.com"}, "MAIL_FROM is invalid"),
        ({"mail_from": "бот@example.com"}, "MAIL_FROM is invalid"),
        ({"timezone": "Europe/Atlantis"}, "TIMEZONE is invalid"),
        ({"edit_alert_coalesce_seconds": -1}, "EDIT_ALERT_COALESCE_SECONDS is invalid"),
        ({"log_level": "chatty"}, "LOG_LEVEL is invalid: use DEBUG, INFO, WARNING or ERROR"),
        ({"log_format": "xml"}, "LOG_FORMAT is invalid: use text or json"),
        ({"webhook_secret": "has space"}, "WEBHOOK_SECRET is invalid: 1-256 characters"),
        ({"webhook_secret": "ключ"}, "WEBHOOK_SECRET is invalid: 1-256 characters"),
        ({"webhook_secret": "a" * 257}, "WEBHOOK_SECRET is invalid: 1-256 characters"),
        (
            {"web_base_url": "http://agreements.example.com"},
            "WEB_BASE_URL is invalid: must be an https:// address",
        ),
        ({"web_port": 0}, "WEB_PORT is invalid"),
        ({"invitation_link_days": 0}, "INVITATION_LINK_DAYS is invalid"),
        ({"invitation_link_days": 400}, "INVITATION_LINK_DAYS is invalid"),
        ({"invitations_per_user_day": "many"}, "INVITATIONS_PER_USER_DAY is invalid"),
        ({"invitations_per_chat_day": 0}, "INVITATIONS_PER_CHAT_DAY is invalid"),
        (
            {"web_app_script_url": "http://cdn.example.com/telegram-web-app.js"},
            "WEB_APP_SCRIPT_URL is invalid: must be an https:// address",
        ),
        (
            {"dkim_domain": "example.com"},
            "DKIM signing needs DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE",
        ),
        (
            {"dkim_domain": "a.b", "dkim_selector": "s", "dkim_private_key_file": "/nonexistent"},
            "DKIM_PRIVATE_KEY_FILE: no such file /nonexistent",
        ),
    ],
)
def test_mistakes_name_the_variable(overrides: dict[str, object], message: str) -> None:
    values = {"bot_token": "123:abc", "mail_from": "bot@example.com"} | overrides
    with pytest.raises(ConfigError) as caught:
        load_settings(Settings, _env_file=None, **values)
    assert str(caught.value).startswith(f"Configuration error: {message}")
    assert "\n" not in str(caught.value)


def test_the_pages_share_the_webhooks_server_unless_given_their_own_port() -> None:
    base = {"bot_token": "123:abc", "mail_from": "bot@example.com", "_env_file": None}
    local = load_settings(Settings, **base, web_base_url="http://127.0.0.1:8081/")
    assert local.web_base == "http://127.0.0.1:8081" and not local.shares_webhook_server
    hooked = {"webhook_url": "https://bot.example.com/hook", "webhook_port": 8443}
    assert load_settings(Settings, **base, **hooked).shares_webhook_server
    assert load_settings(Settings, **base, **hooked, web_port=8443).shares_webhook_server
    assert not load_settings(Settings, **base, **hooked, web_port=8081).shares_webhook_server


def test_the_mini_app_loads_telegrams_script_and_its_policy_names_that_file() -> None:
    base = {"bot_token": "123:abc", "mail_from": "bot@example.com", "_env_file": None}
    settings = load_settings(Settings, **base)
    assert str(settings.web_app_script_url) == "https://telegram.org/js/telegram-web-app.js"
    versioned = mini_app_policy("https://telegram.org/js/telegram-web-app.js?57")
    assert "script-src 'self' https://telegram.org/js/telegram-web-app.js;" in versioned
    assert "connect-src 'self';" in versioned and "'unsafe-inline'" not in versioned
