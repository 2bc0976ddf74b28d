"""A timestamp token's certificate set put in DER order, so rfc3161_client's strict parser
takes tokens that OpenSSL-based authorities make.

OpenSSL writes the SignedData ``certificates`` SET OF in the order it was given (the signer,
then the ``certs =`` chain), which is valid BER but not DER; rfc3161_client then refuses the
whole token ("InvalidSetOrdering"). The set is not covered by the signature (RFC 5652 5.4
signs the signed attributes, which hash the TSTInfo), so sorting it changes nothing a check
relies on. Everything else stays byte for byte as the authority sent it, and is still
parsed strictly: a token damaged anywhere else is refused as before.
"""

from __future__ import annotations

from asn1crypto import cms, tsp


def with_certificates_in_der_order(token: bytes) -> bytes:
    """``token`` (a DER TimeStampResp) with its certificates sorted as DER wants, or
    ``token`` itself when they already are, or when it cannot be read (the strict parse
    that follows reports the damage)."""
    try:
        response = tsp.TimeStampResp.load(token)
        signed_data = response["time_stamp_token"]["content"]
        certificates = signed_data["certificates"]
        if not isinstance(certificates, cms.CertificateSet):  # none sent: nothing to sort
            return token
        encodings = [certificate.dump() for certificate in certificates]
        ordered = sorted(encodings)  # X.690 11.6: ascending as octet strings
        if encodings == ordered:
            return token
        signed_data["certificates"] = cms.CertificateSet(
            [cms.CertificateChoices.load(encoding) for encoding in ordered]
        )
        resorted = response.dump()
    except Exception:  # asn1crypto parses lazily and raises assorted types on damage
        return token
    return resorted if _only_reordered(token, resorted, encodings, ordered) else token


def _only_reordered(
    token: bytes, resorted: bytes, encodings: list[bytes], ordered: list[bytes]
) -> bool:
    """True when ``resorted`` is ``token`` with the certificates' bytes, and nothing else,
    in another order: asn1crypto re-encoded no other part (a BER length, say)."""
    before, after = b"".join(encodings), b"".join(ordered)
    at = resorted.find(after)
    end = at + len(after)
    return (
        at >= 0
        and len(resorted) == len(token)
        and resorted[:at] == token[:at]
        and resorted[end:] == token[end:]
        and token[at:end] == before
    )
