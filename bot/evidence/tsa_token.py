"""The CMS signature of an RFC 3161 timestamp token (RFC 5652 5.4), checked with the signer
certificate's key: asn1crypto reads the token, cryptography checks hashes and signature.

rfc3161_client cannot do this alone: its Verifier refuses to run without a root, and the
OpenSSL PKCS7_verify under it checks the chain before the signature, so an unknown root hides
whether the signature is good. Call this only on a token rfc3161_client has parsed: its strict
DER parse is the gate, so the bytes asn1crypto hands back are the bytes that were signed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

HASHES: dict[str, hashes.HashAlgorithm] = {  # by OID, for imprints and signatures alike
    "2.16.840.1.101.3.4.2.1": hashes.SHA256(),
    "2.16.840.1.101.3.4.2.2": hashes.SHA384(),
    "2.16.840.1.101.3.4.2.3": hashes.SHA512(),
}
_KEY_TYPES: dict[str, type] = {  # the SignerInfo's signatureAlgorithm, by asn1crypto's name
    "rsassa_pkcs1v15": rsa.RSAPublicKey,  # rsaEncryption: the hash is the digest algorithm
    "sha256_rsa": rsa.RSAPublicKey,
    "sha384_rsa": rsa.RSAPublicKey,
    "sha512_rsa": rsa.RSAPublicKey,
    "sha256_ecdsa": ec.EllipticCurvePublicKey,
    "sha384_ecdsa": ec.EllipticCurvePublicKey,
    "sha512_ecdsa": ec.EllipticCurvePublicKey,
    "ed25519": ed25519.Ed25519PublicKey,
}


def verify_signer_info(token: bytes, signer: x509.Certificate) -> None:
    """Check the one SignerInfo of ``token`` (a DER TimeStampResp) against ``signer``.

    Its signed attributes' message digest must be the hash of the encapsulated TSTInfo, their
    ESS signing-certificate hash the hash of ``signer``, and the signature over them must
    verify with ``signer``'s key (RSA PKCS#1 v1.5, ECDSA, Ed25519).

    Raises InvalidSignature when a hash or the signature does not match, UnsupportedAlgorithm
    for an algorithm outside the tables above, and ValueError or another parsing error (they
    come in assorted types, as asn1crypto parses lazily) when the token is damaged.
    """
    signed_data = tsp.TimeStampResp.load(token, strict=True)["time_stamp_token"]["content"]
    (signer_info,) = signed_data["signer_infos"]  # a second signer counts as damage
    attributes = signer_info["signed_attrs"]
    if not isinstance(attributes, cms.CMSAttributes):  # RFC 3161 tokens always have them
        raise ValueError("no signed attributes")
    digest_algorithm = signer_info["digest_algorithm"]
    digest = HASHES.get(digest_algorithm["algorithm"].dotted)
    key_type = _KEY_TYPES.get(signer_info["signature_algorithm"]["algorithm"].native)
    key = signer.public_key()
    if digest is None or key_type is None or not isinstance(key, key_type):
        raise UnsupportedAlgorithm("the timestamp's digest or signature algorithm")
    listed = [algorithm.dump() for algorithm in signed_data["digest_algorithms"]]
    if digest_algorithm.dump() not in listed:
        raise ValueError("a digest algorithm SignedData does not list")
    values = {attribute["type"].native: _only(attribute["values"]) for attribute in attributes}
    tst_info = bytes(signed_data["encap_content_info"]["content"])
    ess_hash, certificate_hash = _ess_certificate_hash(values)
    certificate = signer.public_bytes(Encoding.DER)
    if (
        values["message_digest"].native != hashlib.new(digest.name, tst_info).digest()
        or hashlib.new(ess_hash, certificate).digest() != certificate_hash
    ):
        raise InvalidSignature("the signed attributes do not match the token")
    signed = attributes.untag().dump()  # signed as a SET OF, stored with the tag [0]
    signature = signer_info["signature"].native
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), digest)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, signed, ec.ECDSA(digest))
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, signed)


def _only(values: Any) -> Any:
    if len(values) != 1:
        raise ValueError("a signed attribute with other than one value")
    return values[0]


def _ess_certificate_hash(values: dict[str, Any]) -> tuple[str, bytes]:
    """The signed hash of the signer's certificate, from the signing-certificate attribute
    (RFC 2634 v1: SHA-1; RFC 5035 v2: its hashAlgorithm, which asn1crypto fills in with the
    default SHA-256 when absent)."""
    if "signing_certificate_v2" in values:
        first = values["signing_certificate_v2"]["certs"][0]
        return HASHES[first["hash_algorithm"]["algorithm"].dotted].name, first["cert_hash"].native
    return "sha1", values["signing_certificate"]["certs"][0]["cert_hash"].native
