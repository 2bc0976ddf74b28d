"""Telegram's error answers: an exception that carries the HTTP code and description."""

from __future__ import annotations


class ApiError(Exception):
    """Raised by method handlers; the server turns it into ``{"ok": false, ...}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def forbidden(message: str) -> ApiError:
    return ApiError(403, f"Forbidden: {message}")


def conflict(message: str) -> ApiError:
    return ApiError(409, f"Conflict: {message}")


def unauthorized(message: str = "") -> ApiError:
    return ApiError(401, f"Unauthorized: {message}" if message else "Unauthorized")


def not_found() -> ApiError:
    # api.telegram.org answers unknown methods with a bare "Not Found"
    return ApiError(404, "Not Found")


def lower_first(message: str) -> str:
    """The Bot API lowercases TDLib messages unless they are SCREAMING_CODES."""
    if len(message) >= 2 and (message[1] == "_" or message[1].isupper()):
        return message
    return message[:1].lower() + message[1:]
