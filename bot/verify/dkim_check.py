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

from bot.core.phrases import N_, Phrase, joined
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

    def __init__(self, why: Phrase) -> None:
        self.why = why
        super().__init__(str(why))


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

    @property
    def phrase(self) -> Phrase:
        if self.key is not None:
            return Phrase(N_("DKIM_DOMAIN %(domain)s"), {"domain": self.key.domain})
        return Phrase(N_("MAIL_FROM's domain %(domain)s"), {"domain": self.mail_from_domain})


def check_dkim(
    raw: bytes,
    verdict: Verdict,
    key: DkimKey | None,
    *,
    use_dns: bool,
    dns_lookup: Lookup = dkim.dnsplug.get_txt,
    unusable_key: Phrase | None = None,
    mail_from_domain: str | None = None,
    message: Message | None = None,
) -> None:
    """``message``: the mail parsed, if it already is (to rebuild a re-encoded body)."""
    bot = BotDomain(key, mail_from_domain)
    try:
        verifier = dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS)
    except MALFORMED as exc:
        verdict.fail(NAME, N_("the mail can't be read for DKIM (%(error)s)"), error=str(exc))
        return
    domains = _signing_domains(verifier)
    if not domains:
        if key is not None:
            verdict.fail(
                NAME,
                N_("the mail carries none, though this bot signs every mail (%(domain)s)"),
                domain=bot.phrase,
            )
        else:
            verdict.skip(NAME, N_("the mail carries none"))
        return
    trusted = [index for index, domain in enumerate(domains) if domain and bot.trusts(domain)]
    if bot.known and not trusted:
        named: list[str | Phrase] = [domain for domain in set(domains) if domain]
        if None in domains:
            named.append(Phrase(N_("a malformed signature")))
        others = joined(sorted(named, key=str), ", ")
        verdict.fail(
            NAME,
            N_("signed only by %(others)s, not by %(domain)s"),
            others=others,
            domain=bot.phrase,
        )
        return
    index = trusted[0] if trusted else 0
    sources: list[Phrase] = []
    lookup = _lookup(key, use_dns, dns_lookup, sources, unusable_key)
    try:
        holds, reencoded = _verify(verifier, index, raw, message, lookup)
    except _NoKey as exc:
        verdict.skip(NAME, exc.why)
        return
    except MALFORMED as exc:
        verdict.fail(NAME, N_("malformed (%(error)s)"), error=str(exc))
        return
    domain = bytes(verifier.domain).decode("ascii", "replace")
    selector = bytes(verifier.selector).decode("ascii", "replace")
    signed_by = Phrase(
        N_("%(domain)s (selector %(selector)s, %(source)s)"),
        {
            "domain": domain,
            "selector": selector,
            "source": sources[-1] if sources else Phrase(N_("no key")),
        },
    )
    if not holds:
        verdict.fail(
            NAME,
            N_("does not hold for %(signer)s: the signed headers or body changed"),
            signer=signed_by,
        )
    elif not bot.known:
        # Anyone can sign with a domain of their own: only the bot's domain vouches.
        verdict.skip(
            NAME,
            N_(
                "holds, signed by %(domain)s; whether %(domain)s is this bot's domain was not "
                "checked: set MAIL_FROM or DKIM_*"
            ),
            domain=domain,
        )
    elif reencoded:
        verdict.ok(
            NAME,
            N_(
                "holds: signed by %(signer)s; the parts were re-encoded after signing, their "
                "content was not changed"
            ),
            proves_origin=True,
            signer=signed_by,
        )
    else:
        verdict.ok(NAME, N_("holds: signed by %(signer)s"), proves_origin=True, signer=signed_by)


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
) -> tuple[bool, bool]:
    """Whether the signature holds over the mail as it is, else over its body encoded as the
    bot encodes one (and whether it took that): a client that re-encoded the parts changed
    bytes, not content."""
    try:
        return verifier.verify(index, dnsfunc=lookup), False
    except dkim.ValidationError as exc:
        if "body hash mismatch" not in str(exc):
            raise
    head = raw[: _body_start(raw)]
    parsed = message if message is not None else email.message_from_bytes(raw)
    rebuilt = head.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + _body(parsed)
    try:
        holds = dkim.DKIM(rebuilt, timeout=DNS_TIMEOUT_SECONDS).verify(index, dnsfunc=lookup)
    except dkim.ValidationError:
        return False, False
    return holds, True


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
    sources: list[Phrase],
    unusable_key: Phrase | None,
) -> Lookup:
    def lookup(name: bytes, timeout: int = DNS_TIMEOUT_SECONDS) -> bytes | None:
        if key is not None and name.lower() == key.dns_name:
            sources.append(Phrase(N_("the key of DKIM_PRIVATE_KEY_FILE")))
            return key.record
        if not use_dns:
            at_hand = unusable_key or Phrase(N_("no key at hand"))
            raise _NoKey(
                Phrase(N_("%(key)s (set DKIM_* or allow DNS: drop --no-dns)"), {"key": at_hand})
            )
        where = name.decode("ascii", "replace")
        try:
            record = dns_lookup(name, timeout=timeout)
        except (dkim.DnsTimeoutError, dns.exception.DNSException, OSError) as exc:
            raise _NoKey(
                Phrase(
                    N_("DNS could not be reached to look up %(name)s: %(error)s"),
                    {"name": where, "error": str(exc)},
                )
            ) from None
        if not record:
            raise _NoKey(Phrase(N_("no key is published at %(name)s"), {"name": where}))
        sources.append(Phrase(N_("the key published in DNS")))
        return record

    return lookup
