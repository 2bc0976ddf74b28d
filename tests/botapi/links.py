"""URL checks with TDLib's rules (LinkManager::check_link and parse_url)."""

from __future__ import annotations

import re

_URL_PART_OK = re.compile(r"^(?:[A-Za-z0-9.\-_!$,~*'();&+=\x80-\U0010ffff]|%[0-9A-Fa-f]{2})*$")
_USERINFO_OK = re.compile(r"^(?:[A-Za-z0-9.\-_!$,~*'();&+=:\x80-\U0010ffff]|%[0-9A-Fa-f]{2})*$")


class LinkError(ValueError):
    """Carries TDLib's short reason, e.g. "Wrong HTTP URL"."""


def _split_scheme(link: str) -> tuple[str, str]:
    lowered = link.lower()
    for scheme in ("tg:", "ton:", "tonsite:"):
        if lowered.startswith(scheme):
            rest = link[len(scheme) :]
            return scheme[:-1], rest[2:] if rest.startswith("//") else rest
    return "", link


def _parse_http(link: str) -> tuple[str, str, str, int, str]:
    """Returns (protocol, userinfo, host, port, path); mirrors td::parse_url."""
    protocol = "http"
    rest = link
    match = re.match(r"^([^:/?#@\[\]]*)://", link)
    if match:
        protocol = match.group(1).lower()
        if protocol not in ("http", "https"):
            raise LinkError("Unsupported URL protocol")
        rest = link[match.end() :]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    path = rest[len(authority) :].rstrip(" \t\r\n\v")
    port = 0
    host_part = authority
    pos = len(authority) - 1
    while pos > 0 and authority[pos] not in ":]@":
        pos -= 1
    if pos > 0 and authority[pos] == ":":
        digits = authority[pos + 1 :].lstrip("0") or "0"
        port = int(digits) if digits.isascii() and digits.isdigit() and digits != "0" else -1
        host_part = authority[:pos]
    if port < 0 or port > 65535:
        raise LinkError("Wrong port number specified in the URL")
    userinfo, _, host = host_part.rpartition("@")
    if not host:
        raise LinkError("URL host is empty")
    if host == ".":
        raise LinkError("Host is invalid")
    if not path:
        path = "/"
    if not path.startswith("/"):
        path = "/" + path
    path = "".join(f"%{ord(c):02X}" if ord(c) <= 0x20 else c for c in path)
    host = host.lower()
    if not (host.startswith("[") and host.endswith("]")):
        if not _URL_PART_OK.match(host):
            raise LinkError("Disallowed character in URL host")
        if not _USERINFO_OK.match(userinfo):
            raise LinkError("Disallowed character in URL userinfo")
    return protocol, userinfo, host, port, path


def check_link(link: str) -> str:
    """The normalised link, or LinkError with TDLib's reason."""
    scheme, rest = _split_scheme(link)
    protocol, userinfo, host, port, path = _parse_http(rest)
    if scheme:
        if rest.lower().startswith("http://") or protocol == "https" or userinfo or port:
            raise LinkError("Wrong tg URL" if scheme == "tg" else "Wrong ton URL")
        allowed = "-_." if scheme == "tonsite" else "-_"
        if not all(c.isascii() and (c.isalnum() or c in allowed) for c in host):
            raise LinkError("Unallowed characters in URL host")
        query = path[1:] if path.startswith("/?") else path
        return f"{scheme}://{host}{query}"
    if "." not in host and not host.startswith("["):
        raise LinkError("Wrong HTTP URL")
    credentials = f"{userinfo}@" if userinfo else ""
    port_part = f":{port}" if port else ""
    return f"{protocol}://{credentials}{host}{port_part}{path}"


# Hosts a web app may be served from over plain http, as Telegram's test environment allows
# (production Telegram takes https only); the tests serve theirs on the loopback.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


def check_web_app_link(link: str) -> str:
    """A web_app button's URL (TDLib's check_link with http_only and https_only)."""
    checked = check_link(link)
    protocol, _, host, _, _ = _parse_http(link)
    if not checked.startswith(("http://", "https://")):
        raise LinkError("Only HTTP links are allowed")
    if protocol != "https" and host not in LOOPBACK_HOSTS:
        raise LinkError("Only HTTPS links are allowed")
    return checked


def checked_link(link: str) -> str | None:
    try:
        return check_link(link)
    except LinkError:
        return None


def link_user_id(url: str) -> int | None:
    """``tg://user?id=N`` links become text mentions instead of links."""
    lowered = url.lower()
    if not lowered.startswith("tg:"):
        return None
    rest = lowered[3:]
    rest = rest[2:] if rest.startswith("//") else rest
    if not rest.startswith("user") or (len(rest) > 4 and rest[4] not in "/?#"):
        return None
    rest = rest[4:].removeprefix("/")
    if not rest.startswith("?"):
        return None
    for parameter in rest[1:].split("#")[0].split("&"):
        key, _, value = parameter.partition("=")
        if key == "id":
            return int(value) if re.fullmatch(r"-?\d+", value) else None
    return None
