"""A local RFC 3161 timestamp authority: ``openssl ts -reply`` behind aiohttp on 127.0.0.1.

Keys come from ``make_tsa_keys`` (sync, about 0.2 s: make them once per session and share
them); ``running_tsa`` serves them. The authority can be told to refuse (an HTTP status), to
reject (a real PKI "rejection" reply from openssl) or to stall (no answer until it stops).
``ed25519_stamp`` signs a stamp's TSTInfo again with Ed25519, which ``openssl ts`` cannot.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
POLICY = "1.3.6.1.4.1.99999.1"  # an arbitrary private OID; openssl needs a policy
_P256 = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")

_EXTENSIONS = """\
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass(frozen=True, slots=True)
class TsaKeys:
    ca_certificate: Path  # PEM: the root a checker trusts
    ca_key: Path
    certificate: Path  # PEM: the authority's own, issued by the root
    key: Path
    name: str  # the authority certificate's common name


def make_tsa_keys(folder: Path, name: str = "Test TSA", *, rsa: bool = True) -> TsaKeys:
    """An EC P-256 root and an RSA-2048 (or, ``rsa=False``, a P-256) timestamping certificate
    under it. RSA is what public authorities use; its key takes openssl 0.1-0.8 s to make."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "x509.cnf"
    config.write_text(_EXTENSIONS)
    keys = TsaKeys(
        folder / "ca.pem", folder / "ca.key", folder / "tsa.pem", folder / "tsa.key", name
    )
    request: list[str | Path] = ["openssl", "req", "-x509", "-new", "-noenc", "-days", "3650"]
    request += ["-config", config]
    _run(
        *request,
        *(*_P256, "-extensions", "ca"),
        *("-subj", f"/O=Agreement Bot Tests/CN={name} Root"),
        *("-keyout", keys.ca_key, "-out", keys.ca_certificate),
    )
    _run(
        *request,
        *(("-newkey", "rsa:2048") if rsa else _P256),
        *("-extensions", "tsa"),
        *("-CA", keys.ca_certificate, "-CAkey", keys.ca_key),
        *("-subj", f"/O=Agreement Bot Tests/CN={name}"),
        *("-keyout", keys.key, "-out", keys.certificate),
    )
    return keys


def _run(*arguments: str | Path) -> None:
    subprocess.run([str(argument) for argument in arguments], check=True, capture_output=True)


_SETTINGS = {  # the granting authority's openssl ts settings; running_tsa can change them
    "crypto_device": "builtin",
    "signer_digest": "sha256",
    "default_policy": POLICY,
    "other_policies": POLICY,
    "digests": "sha256, sha384, sha512",
    "accuracy": "secs:1",
    "ordering": "no",
    "tsa_name": "yes",
    "ess_cert_id_chain": "no",
    "ess_cert_id_alg": "sha256",
}


def _tsa_config(serial: Path, settings: Mapping[str, str]) -> str:
    """Two authorities: one grants SHA-256 queries, the other only takes SHA-1, so it rejects."""
    sections = "[ tsa ]\ndefault_tsa = granting\n"
    granting, rejecting = {**_SETTINGS, **settings}, {**_SETTINGS, "digests": "sha1"}
    for section, values in (("granting", granting), ("rejecting", rejecting)):
        sections += f"\n[ {section} ]\nserial = {serial}\n"
        sections += "".join(f"{name} = {value}\n" for name, value in values.items())
    return sections


class LocalTsa:
    """The running authority: its ``url``, the root to trust, and switches for failures."""

    def __init__(
        self, keys: TsaKeys, folder: Path, settings: Mapping[str, str] | None = None
    ) -> None:
        self.keys = keys
        self.url = ""
        self.requests = 0
        self._config = folder / "tsa.cnf"
        self._config.write_text(_tsa_config(folder / "serial", settings or {}))
        self._section = "granting"
        self._refuse_with: int | None = None
        self._stalling = False
        self._released = asyncio.Event()
        self._lock = asyncio.Lock()  # openssl bumps one serial file: one reply at a time

    @property
    def ca_certificate_path(self) -> Path:
        return self.keys.ca_certificate

    @property
    def ca_certificate(self) -> bytes:
        return self.keys.ca_certificate.read_bytes()

    def refuse(self, status: int = 503) -> None:
        """Answer every query with this HTTP status and a text/plain body."""
        self._refuse_with = status

    def reject(self) -> None:
        """Answer with openssl's own PKI rejection (unsupported digest algorithm)."""
        self._section = "rejecting"

    def stall(self) -> None:
        """Hold every query unanswered until ``accept()`` or shutdown."""
        self._stalling = True
        self._released.clear()

    def accept(self) -> None:
        """Back to granting timestamps."""
        self._refuse_with, self._section, self._stalling = None, "granting", False
        self._released.set()

    async def answer(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self._stalling:
            await self._released.wait()
        if self._refuse_with is not None:
            return web.Response(status=self._refuse_with, text="refused by the test")
        if request.content_type != QUERY_TYPE:
            return web.Response(status=415, text=f"expected {QUERY_TYPE}")
        query = await request.read()
        async with self._lock:
            process = await asyncio.create_subprocess_exec(
                *["openssl", "ts", "-reply", "-config", str(self._config)],
                *["-section", self._section, "-queryfile", "/dev/stdin"],
                *["-inkey", str(self.keys.key), "-signer", str(self.keys.certificate)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            reply, errors = await process.communicate(query)
        if process.returncode != 0 or not reply:  # a broken setup: pass on openssl's words
            return web.Response(status=500, text=errors.decode(errors="replace"))
        return web.Response(body=reply, content_type=REPLY_TYPE)


@asynccontextmanager
async def running_tsa(
    folder: Path,
    keys: TsaKeys | None = None,
    *,
    certs: Sequence[Path] = (),
    settings: Mapping[str, str] | None = None,
) -> AsyncIterator[LocalTsa]:
    """Serve an authority on 127.0.0.1 (a free port) until the block ends.

    ``folder`` holds its config and serial file; ``keys`` default to new ones made there.
    ``certs`` (PEM files) go into each reply after the signer's certificate, in this order,
    through the config's ``certs =`` file, as OpenSSL-based public authorities send their
    chain: openssl keeps the order it was given, so the SET OF is not in DER order.
    ``settings`` change the openssl ts settings it grants with (``signer_digest``, ...).
    """
    if keys is None:
        keys = await asyncio.to_thread(make_tsa_keys, folder / "keys")
    if certs:
        chain = folder / "certs.pem"
        chain.write_bytes(b"".join(path.read_bytes() for path in certs))
        settings = {**(settings or {}), "certs": str(chain)}
    tsa = LocalTsa(keys, folder, settings)
    app = web.Application()
    app.router.add_post("/", tsa.answer)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    tsa.url = f"http://{host}:{port}/"
    try:
        yield tsa
    finally:
        tsa.accept()  # let stalled handlers finish, or cleanup would wait for them
        await runner.cleanup()


def ed25519_stamp(token: bytes, name: str = "Ed25519 TSA") -> bytes:
    """``token`` (a TimeStampResp) with its TSTInfo signed again by a new Ed25519 key under a
    self-signed certificate named ``name``, as RFC 8419 says: SHA-512 digest, no chain."""
    key = ed25519.Ed25519PrivateKey.generate()
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    builder = x509.CertificateBuilder(
        issuer_name=subject,
        subject_name=subject,
        public_key=key.public_key(),
        serial_number=1,
        not_valid_before=now - timedelta(minutes=1),
        not_valid_after=now + timedelta(days=1),
    )
    der = builder.sign(key, None).public_bytes(Encoding.DER)
    certificate = asn1_x509.Certificate.load(der)
    content = tsp.TimeStampResp.load(token)["time_stamp_token"]["content"]["encap_content_info"]
    digest = hashlib.sha512(bytes(content["content"])).digest()
    certificate_id = {"cert_hash": hashlib.sha256(der).digest()}  # ESS v2, default SHA-256
    attributes = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [digest]},
            {"type": "signing_certificate_v2", "values": [{"certs": [certificate_id]}]},
        ]
    )
    signer = cms.IssuerAndSerialNumber(
        {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
    )
    signer_info = {
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": signer}),
        "digest_algorithm": {"algorithm": "sha512"},
        "signed_attrs": attributes,
        "signature_algorithm": {"algorithm": "ed25519"},
        "signature": key.sign(attributes.dump()),  # over the SET OF, as the checker rebuilds it
    }
    signed_data = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha512"}],
        "encap_content_info": content,
        "certificates": [certificate],
        "signer_infos": [signer_info],
    }
    token_info = {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
    return tsp.TimeStampResp(
        {"status": {"status": "granted"}, "time_stamp_token": token_info}
    ).dump()
