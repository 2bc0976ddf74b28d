"""Checks a saved mail's DKIM signature: with the bot's own key (DKIM_*) when it is at hand,
else with the key its domain publishes in DNS.

A key that can't be had (no settings, DNS not allowed or not reachable, nothing published)
leaves the signature NOT CHECKED; a signature that does not hold is INVALID.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

import dkim
import dkim.dnsplug
import dns.exception

from bot.services.verdict import Verdict
from mailer.compose import recompose_body

NAME = "DKIM signature"
DNS_TIMEOUT_SECONDS = 5
Lookup = Callable[..., bytes | None]


@dataclass(frozen=True, slots=True)
class DkimKey:
    """The bot's signing key, from DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE."""

    domain: str
    selector: str
    record: bytes  # the TXT record that publishes its public half

    @property
    def dns_name(self) -> bytes:
        return f"{self.selector}._domainkey.{self.domain}.".encode().lower()


class _NoKey(Exception):
    """No key to check with: a reason to say "not checked". Not a DKIMException, so that
    dkimpy lets it through instead of calling the signature bad."""


def check_dkim(
    raw: bytes,
    verdict: Verdict,
    key: DkimKey | None,
    *,
    use_dns: bool,
    dns_lookup: Lookup = dkim.dnsplug.get_txt,
    unusable_key: str | None = None,
) -> None:
    signer = dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS)
    if not signer.present():
        if key is not None:
            verdict.skip(NAME, f"the mail carries none, though DKIM_DOMAIN is {key.domain}")
        else:
            verdict.notes.append("the mail carries no DKIM signature")
        return
    sources: list[str] = []
    lookup = _lookup(key, use_dns, dns_lookup, sources, unusable_key)
    try:
        signer.verify_headerprep()  # reads d= and s=
        holds, how = _verify(raw, lookup)
    except _NoKey as exc:
        verdict.skip(NAME, str(exc))
        return
    except dkim.DKIMException as exc:
        verdict.fail(NAME, f"malformed ({exc})")
        return
    domain = bytes(signer.domain).decode("ascii", "replace")
    selector = bytes(signer.selector).decode("ascii", "replace")
    signed_by = f"{domain} (selector {selector}, {sources[-1] if sources else 'no key'})"
    if not holds:
        verdict.fail(NAME, f"does not hold for {signed_by}: the signed headers or body changed")
    elif key is not None and domain.lower() != key.domain.lower():
        verdict.fail(NAME, f"holds, but was made by {domain}, not by DKIM_DOMAIN {key.domain}")
    elif key is None and not _aligned(domain, raw):
        # Anyone can sign with a domain of their own: only the sender's domain vouches.
        verdict.fail(NAME, f"holds, but was made by {domain}, not by the From address's domain")
    else:
        verdict.ok(NAME, f"holds: signed by {signed_by}{how}")


def _verify(raw: bytes, lookup: Lookup) -> tuple[bool, str]:
    """The signature over the mail as it is, else over its body encoded as the bot encodes
    one: a client that re-encoded the parts changed bytes, not content."""
    try:
        return dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS).verify(dnsfunc=lookup), ""
    except dkim.ValidationError as exc:
        if "body hash mismatch" not in str(exc):
            raise
    head = raw[: _body_start(raw)]
    parsed = email.message_from_bytes(raw)
    rebuilt = head.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + _body(parsed)
    try:
        holds = dkim.DKIM(rebuilt, timeout=DNS_TIMEOUT_SECONDS).verify(dnsfunc=lookup)
    except dkim.ValidationError:
        return False, ""
    return holds, "; the parts were re-encoded after signing, their content was not changed"


def _aligned(domain: str, raw: bytes) -> bool:
    """The signing domain is the From address's domain or one it belongs to."""
    sender = email.message_from_bytes(raw, policy=email.policy.default)["From"]
    addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    domains = {address.domain.lower() for address in addresses}
    return any(d == domain.lower() or d.endswith(f".{domain.lower()}") for d in domains)


def _body(message: Message) -> bytes:
    try:
        return recompose_body(message)
    except (ValueError, LookupError, AssertionError):
        return b""  # not a structure the bot writes: nothing to rebuild


def _body_start(raw: bytes) -> int:
    ends = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (i := raw.find(sep)) >= 0]
    return min(ends) if ends else len(raw)


def _lookup(
    key: DkimKey | None,
    use_dns: bool,
    dns_lookup: Lookup,
    sources: list[str],
    unusable_key: str | None,
) -> Lookup:
    def lookup(name: bytes, timeout: int = DNS_TIMEOUT_SECONDS) -> bytes | None:
        if key is not None and name.lower() == key.dns_name:
            sources.append("the key of DKIM_PRIVATE_KEY_FILE")
            return key.record
        if not use_dns:
            at_hand = unusable_key or "no key at hand"
            raise _NoKey(f"{at_hand} (set DKIM_* or allow DNS: drop --no-dns)")
        try:
            record = dns_lookup(name, timeout=timeout)
        except (dkim.DnsTimeoutError, dns.exception.DNSException, OSError) as exc:
            raise _NoKey(f"DNS could not be reached to look up {name.decode()}: {exc}") from None
        if not record:
            raise _NoKey(f"no key is published at {name.decode()}")
        sources.append("the key published in DNS")
        return record

    return lookup
