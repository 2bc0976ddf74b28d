"""Whom a request is counted as, for the pages' per-client limits."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from bot.web.throttle import client_address


def request_from(peer: str, *forwarded: str) -> web.Request:
    headers = CIMultiDict(("X-Forwarded-For", value) for value in forwarded)
    request = make_mocked_request("GET", "/r/x", headers=headers)
    return request.clone(remote=peer)


def test_behind_a_local_proxy_the_client_is_the_last_address_it_names() -> None:
    assert client_address(request_from("127.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    # A proxy that appends its own header line: the client can't choose by sending one first.
    assert client_address(request_from("::1", "6.6.6.6", "203.0.113.9")) == "203.0.113.9"


def test_a_direct_client_is_counted_as_itself_whatever_it_claims() -> None:
    assert client_address(request_from("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


def test_ipv6_clients_are_counted_by_their_64() -> None:
    one = client_address(request_from("2001:db8:1:2::10"))
    assert one == client_address(request_from("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"
    assert client_address(request_from("2001:db8:1:3::10")) != one
    # The same through a local proxy, and an IPv4 client seen over IPv6 as itself.
    assert client_address(request_from("::1", "2001:db8:1:2::99")) == one
    assert client_address(request_from("::ffff:198.51.100.4")) == "198.51.100.4"
