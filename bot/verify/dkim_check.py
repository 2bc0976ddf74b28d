"""Checks a saved mail's DKIM signature: with the bot's own key (DKIM_*) when it is at hand,
else with the key its domain publishes in DNS.

Only a signature by the bot's own domain vouches for a mail: with DKIM_* set (the bot signs
every mail) a mail without a signature by DKIM_DOMAIN is INVALID; with MAIL_FROM known, one
signed only by other domains is. With neither, a signature that holds is NOT CHECKED: anyone
can sign with a domain of their own. A key that can't be had (DNS not allowed or not
reachable, nothing published) leaves it NOT CHECKED; a signature that does not hold is
INVALID.
"""

from __future__ import annotations

import email
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

import dkim
import dkim.dnsplug
import dns.exception

from bot.verify.verdict import Verdict
from mailer.compose import recompose_body

NAME = "DKIM signature"
# What dkimpy raises on a mail or signature it can't read; not only its own DKIMException.
MALFORMED = (dkim.DKIMException, ValueError, IndexError, KeyError, TypeError)
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


@dataclass(frozen=True, slots=True)
class BotDomain:
    """Whose signature vouches for a mail: DKIM_DOMAIN when the bot signs (DKIM_*), else
    MAIL_FROM's domain (or a domain it belongs to), else nobody's is known."""

    key: DkimKey | None
    mail_from_domain: str | None = None

    def trusts(self, domain: str) -> bool:
        domain = domain.lower()
        if self.key is not None:
            return domain == self.key.domain.lower()
        own = (self.mail_from_domain or "").lower()
        return bool(own) and (own == domain or ("." in domain and own.endswith(f".{domain}")))

    @property
    def known(self) -> bool:
        return self.key is not None or bool(self.mail_from_domain)

    def __str__(self) -> str:
        if self.key is not None:
            return f"DKIM_DOMAIN {self.key.domain}"
        return f"MAIL_FROM's domain {self.mail_from_domain}"


def check_dkim(
    raw: bytes,
    verdict: Verdict,
    key: DkimKey | None,
    *,
    use_dns: bool,
    dns_lookup: Lookup = dkim.dnsplug.get_txt,
    unusable_key: str | None = None,
    mail_from_domain: str | None = None,
    message: Message | None = None,
) -> None:
    """``message``: the mail parsed, if it already is (to rebuild a re-encoded body)."""
    bot = BotDomain(key, mail_from_domain)
    try:
        verifier = dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS)
    except MALFORMED as exc:
        verdict.fail(NAME, f"the mail can't be read for DKIM ({exc})")
        return
    domains = _signing_domains(verifier)
    if not domains:
        if key is not None:
            verdict.fail(NAME, f"the mail carries none, though this bot signs every mail ({bot})")
        else:
            verdict.skip(NAME, "the mail carries none")
        return
    trusted = [index for index, domain in enumerate(domains) if domain and bot.trusts(domain)]
    if bot.known and not trusted:
        others = ", ".join(sorted({domain or "a malformed signature" for domain in domains}))
        verdict.fail(NAME, f"signed only by {others}, not by {bot}")
        return
    index = trusted[0] if trusted else 0
    sources: list[str] = []
    lookup = _lookup(key, use_dns, dns_lookup, sources, unusable_key)
    try:
        holds, how = _verify(verifier, index, raw, message, lookup)
    except _NoKey as exc:
        verdict.skip(NAME, str(exc))
        return
    except MALFORMED as exc:
        verdict.fail(NAME, f"malformed ({exc})")
        return
    domain = bytes(verifier.domain).decode("ascii", "replace")
    selector = bytes(verifier.selector).decode("ascii", "replace")
    signed_by = f"{domain} (selector {selector}, {sources[-1] if sources else 'no key'})"
    if not holds:
        verdict.fail(NAME, f"does not hold for {signed_by}: the signed headers or body changed")
    elif not bot.known:
        # Anyone can sign with a domain of their own: only the bot's domain vouches.
        verdict.skip(
            NAME,
            f"holds, signed by {domain}; whether {domain} is this bot's domain was not "
            "checked: set MAIL_FROM or DKIM_*",
        )
    else:
        verdict.ok(NAME, f"holds: signed by {signed_by}{how}", proves_origin=True)


def _signing_domains(verifier: dkim.DKIM) -> list[str | None]:
    """d= of each DKIM-Signature, top first; None for one that can't be read."""
    count = sum(name.lower() == b"dkim-signature" for name, _ in verifier.headers)
    domains: list[str | None] = []
    for index in range(count):
        try:
            verifier.verify_headerprep(index)
            domains.append(bytes(verifier.domain).decode("ascii", "replace"))
        except MALFORMED:
            domains.append(None)
    return domains


def _verify(
    verifier: dkim.DKIM, index: int, raw: bytes, message: Message | None, lookup: Lookup
) -> tuple[bool, str]:
    """The signature over the mail as it is, else over its body encoded as the bot encodes
    one: a client that re-encoded the parts changed bytes, not content."""
    try:
        return verifier.verify(index, dnsfunc=lookup), ""
    except dkim.ValidationError as exc:
        if "body hash mismatch" not in str(exc):
            raise
    head = raw[: _body_start(raw)]
    parsed = message if message is not None else email.message_from_bytes(raw)
    rebuilt = head.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + _body(parsed)
    try:
        holds = dkim.DKIM(rebuilt, timeout=DNS_TIMEOUT_SECONDS).verify(index, dnsfunc=lookup)
    except dkim.ValidationError:
        return False, ""
    return holds, "; the parts were re-encoded after signing, their content was not changed"


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
