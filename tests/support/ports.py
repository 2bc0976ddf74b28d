"""A port nothing listens on yet, for a server the test starts (the bot's webhook site, an
SMTP server that hangs)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
