"""RFC 3161 trusted timestamps: ask an authority to stamp a record, and check a stamp later.

A stamp is the authority's whole reply, the DER ``TimeStampResp`` (a ``.tsr`` file), so that
``openssl ts -verify -data record -in stamp.tsr -CAfile root.pem`` can check it without us.

``read_timestamp`` checks, and never raises on a damaged stamp:
- the reply granted a timestamp and can be parsed (rfc3161_client, strict DER, once its
  certificate set, which the signature does not cover, is put in DER order:
  ``tsa_certificates``; OpenSSL-based authorities send it unsorted);
- its message imprint is the hash of the record (SHA-256/384/512);
- the CMS signature, with the certificate the token embeds for its signer (``tsa_signature``:
  message digest, ESS signing-certificate hash, and the signature by that certificate's key);
- only when trusted roots are given: the signer's certificate chains to one of them, was valid
  at the stamped time and is a critical-EKU timeStamping certificate (rfc3161_client's Verifier;
  it accepts status "granted" only, so a "granted with mods" stamp is never ``trusted``).
  Without roots ``trusted`` stays False: anyone can make a key and a certificate that says
  "DigiCert", so a valid but untrusted stamp proves integrity, not who stamped it.
Not checked: revocation (CRL/OCSP), the TSA policy, the accuracy, RSA-PSS signatures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType

import aiohttp
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerifierBuilder,
    decode_timestamp_response,
)

from bot.core.phrases import N_
from bot.evidence.tsa_certificates import with_certificates_in_der_order
from bot.evidence.tsa_token import HASHES, verify_signer_info

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
_GRANTED = (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS)


class TimestampError(Exception):
    """The authority gave no usable timestamp; the message is one readable line."""


class TimestampProblem(StrEnum):
    """Why a stamp is not valid, in plain English (the values double as translation keys)."""

    DAMAGED = N_("the timestamp token is damaged")
    NOT_GRANTED = N_("the timestamp authority did not grant this timestamp")
    OTHER_RECORD = N_("the timestamp covers a different record")
    BAD_SIGNATURE = N_("the timestamp's signature does not verify")
    NO_CERTIFICATE = N_("the timestamp does not carry the authority's certificate")
    UNKNOWN_ALGORITHM = N_("the timestamp uses an algorithm this check does not know")
    UNTRUSTED = N_("the timestamp authority's certificate does not lead to a trusted root")


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """``valid``: every check asked for passed. ``trusted``: the chain to a given root was
    checked and holds; False whenever no roots were given. ``authority`` is the signer
    certificate's common name, filled in even when invalid: believe it only when ``trusted``."""

    valid: bool
    trusted: bool = False
    stamped_at: datetime | None = None  # genTime, timezone-aware UTC
    authority: str | None = None
    reasons: tuple[TimestampProblem, ...] = field(default=())


class TimestampAuthority:
    """An RFC 3161 authority over HTTP.

    Pass an ``aiohttp.ClientSession`` to share one; the caller then closes it. Without one the
    authority opens its own on first use (inside the running loop, where aiohttp wants it) and
    closes it in ``close()`` or on leaving ``async with``.
    """

    def __init__(
        self, url: str, session: aiohttp.ClientSession | None = None, timeout: float = 10.0
    ) -> None:
        self.url = url
        self.timeout = timeout
        self._session = session
        self._owns_session = session is None

    async def stamp(self, data: bytes) -> bytes:
        """Have ``data`` stamped; return the DER TimeStampResp, checked against ``data``."""
        request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
        query = request.cert_request(cert_request=True).build()  # nonce is on by default
        body = await self._post(query.as_bytes())
        try:
            response = decode_timestamp_response(with_certificates_in_der_order(body))
            if response.status not in _GRANTED:
                text = "; ".join(response.status_string) or PKIStatus(response.status).name
                raise TimestampError(f"timestamp authority {self.url} refused: {text}")
            nonce = response.tst_info.nonce
        except ValueError as error:
            problem = f"timestamp authority {self.url} sent no readable timestamp: {error}"
            raise TimestampError(problem) from error
        if nonce != query.nonce:
            raise TimestampError(f"timestamp authority {self.url} answered another request")
        check = read_timestamp(body, data)
        if not check.valid:
            raise TimestampError(f"timestamp authority {self.url}: {', '.join(check.reasons)}")
        return body

    async def _post(self, query: bytes) -> bytes:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        headers = {"Content-Type": QUERY_TYPE}
        try:
            async with self._session.post(
                self.url, data=query, headers=headers, timeout=timeout
            ) as reply:
                if reply.status != 200:
                    problem = f"HTTP {reply.status} {reply.reason or ''}".rstrip()
                elif reply.content_type != REPLY_TYPE:
                    problem = f"a {reply.content_type} reply instead of {REPLY_TYPE}"
                else:
                    return await reply.read()
        except TimeoutError:  # its str() is empty, so say what happened
            problem = f"no answer within {self.timeout:g} s"
        except aiohttp.ClientError as error:
            problem = str(error) or type(error).__name__
        raise TimestampError(f"timestamp authority {self.url} failed: {problem}")

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> TimestampAuthority:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def read_timestamp(
    token: bytes, data: bytes, ca_certificates: list[bytes] | None = None
) -> TimestampCheck:
    """Check that ``token`` (a DER TimeStampResp) stamps ``data``; see the module docstring.

    ``ca_certificates`` are trusted roots, PEM (bundles too) or DER; a bad one is a
    configuration mistake and raises ValueError. A bad token never raises.
    """
    roots = [cert for blob in ca_certificates or [] for cert in _load_certificates(blob)]
    token = with_certificates_in_der_order(token)  # every check below reads these bytes
    try:
        response = decode_timestamp_response(token)
        if response.status not in _GRANTED:
            return TimestampCheck(valid=False, reasons=(TimestampProblem.NOT_GRANTED,))
        info = response.tst_info
        stamped_at, imprint = info.gen_time, info.message_imprint
        imprint_algorithm, imprint_hash = imprint.hash_algorithm.dotted_string, imprint.message
        signer = _signer_certificate(response)
        # cryptography parses certificate fields lazily: read them here, where damage is caught
        authority = _common_name(signer) if signer is not None else None
    except Exception:  # the parsers raise assorted types; any of them means "damaged"
        return TimestampCheck(valid=False, reasons=(TimestampProblem.DAMAGED,))
    reasons = []
    digest = HASHES.get(imprint_algorithm)
    if digest is None:
        reasons.append(TimestampProblem.UNKNOWN_ALGORITHM)
    elif imprint_hash != hashlib.new(digest.name, data).digest():
        reasons.append(TimestampProblem.OTHER_RECORD)
    reasons += _signature_problems(token, signer)
    trusted = False
    if roots and not reasons:
        trusted = _chains_to(roots, response, data)
        if not trusted:
            reasons.append(TimestampProblem.UNTRUSTED)
    return TimestampCheck(
        valid=not reasons,
        trusted=trusted,
        stamped_at=stamped_at,
        authority=authority,
        reasons=tuple(reasons),
    )


def _load_certificates(blob: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in blob:
        return x509.load_pem_x509_certificates(blob)
    return [x509.load_der_x509_certificate(blob)]


def _signer_certificate(response: TimeStampResponse) -> x509.Certificate | None:
    (signer,) = response.signed_data.signer_infos  # a second signer counts as damage
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if cert.issuer == signer.issuer and cert.serial_number == signer.serial_number:
            return cert
    return None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _chains_to(roots: list[x509.Certificate], response: TimeStampResponse, data: bytes) -> bool:
    try:
        return VerifierBuilder(roots=roots).build().verify_message(response, data)
    except Exception:  # VerificationError, or a lazily parsed certificate field: not trusted
        return False


def _signature_problems(token: bytes, signer: x509.Certificate | None) -> list[TimestampProblem]:
    """What ``verify_signer_info`` raises, as problems."""
    if signer is None:
        return [TimestampProblem.NO_CERTIFICATE]
    try:
        verify_signer_info(token, signer)
    except InvalidSignature:
        return [TimestampProblem.BAD_SIGNATURE]
    except UnsupportedAlgorithm:
        return [TimestampProblem.UNKNOWN_ALGORITHM]
    except Exception:  # asn1crypto raises assorted types on damage, as it parses lazily
        return [TimestampProblem.DAMAGED]
    return []
