"""The public half of a DKIM signing key, as its DNS TXT record would publish it."""

from __future__ import annotations

import base64

from asn1crypto import keys, pem


def public_record(private_pem: bytes) -> bytes:
    """``v=DKIM1; k=rsa; p=…`` for an RSA key in PEM (PKCS#1 or PKCS#8); ValueError if the
    file holds no such key."""
    try:
        _, _, der = pem.unarmor(private_pem)
        if b"BEGIN RSA PRIVATE KEY" in private_pem:
            rsa = keys.RSAPrivateKey.load(der)
        else:
            info = keys.PrivateKeyInfo.load(der)
            if info.algorithm != "rsa":
                raise ValueError(f"a {info.algorithm} key, not RSA")
            rsa = info["private_key"].parsed
        public = keys.RSAPublicKey(
            {"modulus": rsa["modulus"].native, "public_exponent": rsa["public_exponent"].native}
        )
        spki = keys.PublicKeyInfo({"algorithm": {"algorithm": "rsa"}, "public_key": public})
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(spki.dump())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RSA private key in PEM: {exc}") from None
