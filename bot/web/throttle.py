"""Requests a minute per client on the pages that look things up or take uploads, so
nobody can walk the digests or load the verifier."""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from aiohttp import web

# Clients remembered at once; the longest idle are forgotten first.
TRACKED_CLIENTS = 10_000
WINDOW_SECONDS = 60.0


class Throttle:
    """At most ``per_minute`` requests from one client in any 60 seconds. Each process
    counts its own."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, client: str) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds to wait."""
        now = self._clock()
        times = self._seen.pop(client, None) or deque()
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        self._seen[client] = times  # most recent last
        if len(self._seen) > TRACKED_CLIENTS:
            self._seen.popitem(last=False)
        if len(times) >= self._limit:
            return times[0] + WINDOW_SECONDS - now
        times.append(now)
        return 0.0

    def check(self, request: web.Request) -> None:
        """Raise 429 with Retry-After when the client is over its limit."""
        wait = self.wait(client_address(request))
        if wait > 0:
            raise web.HTTPTooManyRequests(
                headers={"Retry-After": str(math.ceil(wait))}, text="Too many requests\n"
            )


def client_address(request: web.Request) -> str:
    """Whom the per-client limits count a request as: the peer's address (behind a reverse
    proxy on the same machine, a loopback peer, the address the proxy puts last in
    X-Forwarded-For), or for IPv6 its /64: one subscriber is given a whole /64, and would
    otherwise have a fresh limit for every address in it."""
    peer = request.remote or ""
    # The last line: a proxy that appends a header line of its own (rather than extending
    # the client's) still names the client last.
    forwarded = request.headers.getall("X-Forwarded-For", [])
    if forwarded and _is_loopback(peer):
        peer = forwarded[-1].rsplit(",", 1)[-1].strip()
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
