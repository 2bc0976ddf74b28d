"""Telegram's initData, signed in the test with the bot token exactly as Telegram signs it
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app): the
fields sorted by name and joined as ``key=value`` lines, HMAC-SHA256 under the key
HMAC-SHA256("WebAppData", bot token), hex, as ``hash``."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode


def sign_init_data(
    token: str,
    user: dict[str, Any],
    *,
    auth_date: int | None = None,
    **fields: str,
) -> str:
    """The query string a Mini App gets as ``Telegram.WebApp.initData``."""
    shown = {key: user[key] for key in _USER_FIELDS if user.get(key) is not None}
    values = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(shown, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        **fields,
    }
    values["hash"] = init_data_hash(token, values)
    return urlencode(values, quote_via=quote)


def init_data_hash(token: str, values: dict[str, str]) -> str:
    check_string = "\n".join(f"{key}={values[key]}" for key in sorted(values) if key != "hash")
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()


_USER_FIELDS = ("id", "first_name", "last_name", "username", "language_code", "is_premium")
