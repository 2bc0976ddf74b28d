"""RFC 3161 timestamps against a real local authority (openssl ts -reply on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st
from rfc3161_client import decode_timestamp_response

from bot.evidence.tsa_client import (
    TimestampAuthority,
    TimestampError,
    TimestampProblem,
    read_timestamp,
)
from tests.support.tsa import LocalTsa, TsaKeys, ed25519_stamp, make_tsa_keys, running_tsa

RECORD = b'{"agreement": 42, "text": "Ship on Friday", "parties": ["alice", "bob"]}'


@pytest.fixture(scope="session")
def stranger_keys(tmp_path_factory: pytest.TempPathFactory) -> TsaKeys:
    # an EC authority: fast to make, and its stamps take the ECDSA path
    return make_tsa_keys(tmp_path_factory.mktemp("stranger-keys"), "Stranger TSA", rsa=False)


@pytest.fixture
async def authority(tsa: LocalTsa) -> AsyncIterator[TimestampAuthority]:
    async with TimestampAuthority(tsa.url) as authority:
        yield authority


async def test_a_stamp_is_valid_and_trusted_with_the_authoritys_root(
    tsa: LocalTsa, authority: TimestampAuthority
) -> None:
    token = await authority.stamp(RECORD)

    check = read_timestamp(token, RECORD, [tsa.ca_certificate])
    assert check.valid and check.trusted and check.reasons == ()
    assert check.authority == "Test TSA"
    assert check.stamped_at is not None and check.stamped_at.tzinfo is not None
    assert abs(check.stamped_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert tsa.requests == 1


async def test_openssl_verifies_the_stamp_we_keep(
    tsa: LocalTsa, authority: TimestampAuthority, tmp_path: Path
) -> None:
    (tmp_path / "record.json").write_bytes(RECORD)
    (tmp_path / "record.tsr").write_bytes(await authority.stamp(RECORD))

    openssl = await asyncio.create_subprocess_exec(
        *["openssl", "ts", "-verify", "-data", str(tmp_path / "record.json")],
        *["-in", str(tmp_path / "record.tsr"), "-CAfile", str(tsa.ca_certificate_path)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await openssl.communicate()
    assert openssl.returncode == 0 and b"Verification: OK" in output, output.decode()


async def test_a_stamp_does_not_cover_another_record(
    tsa: LocalTsa, authority: TimestampAuthority
) -> None:
    token = await authority.stamp(RECORD)

    check = read_timestamp(token, RECORD + b" ", [tsa.ca_certificate])
    assert not check.valid and not check.trusted
    assert check.reasons == (TimestampProblem.OTHER_RECORD,)


async def test_without_roots_a_stamp_is_valid_but_not_trusted(
    authority: TimestampAuthority,
) -> None:
    check = read_timestamp(await authority.stamp(RECORD), RECORD)
    assert check.valid and not check.trusted and check.authority == "Test TSA"


async def test_an_unrelated_root_does_not_vouch_for_the_stamp(
    tsa: LocalTsa, authority: TimestampAuthority, stranger_keys: TsaKeys
) -> None:
    token = await authority.stamp(RECORD)
    stranger = stranger_keys.ca_certificate.read_bytes()

    check = read_timestamp(token, RECORD, [stranger])
    assert not check.valid and not check.trusted
    assert check.reasons == (TimestampProblem.UNTRUSTED,)
    # either root of a list may vouch, PEM or DER
    der = x509.load_pem_x509_certificate(tsa.ca_certificate).public_bytes(Encoding.DER)
    assert read_timestamp(token, RECORD, [stranger, der]).trusted


async def test_an_ecdsa_authority_stamps_too(stranger_keys: TsaKeys, tmp_path: Path) -> None:
    async with (
        running_tsa(tmp_path, stranger_keys) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        token = await authority.stamp(RECORD)

    check = read_timestamp(token, RECORD, [tsa.ca_certificate])
    assert check.valid and check.trusted and check.authority == "Stranger TSA"
    flipped = bytearray(token)
    flipped[-10] ^= 0x01
    assert read_timestamp(bytes(flipped), RECORD).reasons == (TimestampProblem.BAD_SIGNATURE,)


@pytest.mark.parametrize(
    "settings",
    [{"ess_cert_id_alg": "sha1"}, {"ess_cert_id_alg": "sha384"}, {"signer_digest": "sha512"}],
    ids=["ess-v1-sha1", "ess-v2-sha384", "sha512-signature"],
)
async def test_other_signing_settings_verify_too(
    tsa_keys: TsaKeys, tmp_path: Path, settings: dict[str, str]
) -> None:
    async with (
        running_tsa(tmp_path, tsa_keys, settings=settings) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        token = await authority.stamp(RECORD)

    check = read_timestamp(token, RECORD, [tsa.ca_certificate])
    assert check.valid and check.trusted


async def test_a_sha1_signature_is_an_unknown_algorithm(tsa_keys: TsaKeys, tmp_path: Path) -> None:
    async with (
        running_tsa(tmp_path, tsa_keys, settings={"signer_digest": "sha1"}) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        with pytest.raises(TimestampError, match=TimestampProblem.UNKNOWN_ALGORITHM.value):
            await authority.stamp(RECORD)


async def test_an_ed25519_signature_verifies(authority: TimestampAuthority) -> None:
    token = ed25519_stamp(await authority.stamp(RECORD))  # openssl ts cannot sign with Ed25519

    check = read_timestamp(token, RECORD)
    assert check.valid and not check.trusted and check.authority == "Ed25519 TSA"
    flipped = bytearray(token)
    flipped[-10] ^= 0x01
    assert read_timestamp(bytes(flipped), RECORD).reasons == (TimestampProblem.BAD_SIGNATURE,)


async def test_a_digest_algorithm_signed_data_does_not_list_is_damage(
    authority: TimestampAuthority,
) -> None:
    token = await authority.stamp(RECORD)
    sha256, sha384 = (
        bytes.fromhex("0609608648016503040201"),
        bytes.fromhex("0609608648016503040202"),
    )
    # the first SHA-256 is SignedData's digestAlgorithms, which the signature does not cover
    check = read_timestamp(token.replace(sha256, sha384, 1), RECORD)
    assert check.reasons == (TimestampProblem.DAMAGED,)


async def test_a_flipped_byte_in_the_signature_breaks_it(
    tsa: LocalTsa, authority: TimestampAuthority
) -> None:
    token = bytearray(await authority.stamp(RECORD))
    token[-10] ^= 0x01  # the SignerInfo's signature is the token's last field

    for roots in (None, [tsa.ca_certificate]):
        check = read_timestamp(bytes(token), RECORD, roots)
        assert not check.valid and not check.trusted
        assert check.reasons == (TimestampProblem.BAD_SIGNATURE,)


async def test_a_moved_time_breaks_the_signature(authority: TimestampAuthority) -> None:
    token = await authority.stamp(RECORD)
    stamped_at = read_timestamp(token, RECORD).stamped_at
    assert stamped_at is not None
    when = stamped_at.strftime("%Y%m%d%H%M%S").encode()
    earlier = (stamped_at - timedelta(days=365)).strftime("%Y%m%d%H%M%S").encode()

    check = read_timestamp(token.replace(when, earlier), RECORD)
    assert not check.valid
    assert check.reasons == (TimestampProblem.BAD_SIGNATURE,)


async def test_damaged_tokens_are_invalid_and_never_raise(authority: TimestampAuthority) -> None:
    token = await authority.stamp(RECORD)
    damaged = [b"", token[:-1], token[: len(token) // 2], b"\x30\x03\x02\x01", b"garbage" * 50]
    for bad in damaged:
        check = read_timestamp(bad, RECORD)
        assert not check.valid and check.reasons == (TimestampProblem.DAMAGED,)

    @settings(max_examples=200, deadline=None)
    @given(st.data())
    def any_change_is_survived(data: st.DataObject) -> None:
        changed = bytearray(token)
        at = data.draw(st.integers(0, len(token) - 1))
        changed[at] ^= data.draw(st.integers(1, 255))
        cut = data.draw(st.integers(0, len(token)))
        check = read_timestamp(bytes(changed[:cut]), RECORD)  # must not raise
        assert check.valid == (check.reasons == ())

    any_change_is_survived()
    random = read_timestamp(bytes(range(256)) * 4, RECORD)
    assert random.reasons == (TimestampProblem.DAMAGED,)


async def test_a_refusing_authority_is_a_readable_error(
    tsa: LocalTsa, authority: TimestampAuthority
) -> None:
    tsa.refuse(status=503)
    with pytest.raises(TimestampError, match=r"failed: HTTP 503 Service Unavailable$") as caught:
        await authority.stamp(RECORD)
    assert tsa.url in str(caught.value) and "\n" not in str(caught.value)

    tsa.accept()
    assert read_timestamp(await authority.stamp(RECORD), RECORD).valid


async def test_a_web_page_instead_of_a_reply_is_an_error(
    tsa: LocalTsa, authority: TimestampAuthority
) -> None:
    tsa.refuse(status=200)  # 200 with text/plain: a captive portal, a proxy's page
    with pytest.raises(TimestampError, match="text/plain reply instead of"):
        await authority.stamp(RECORD)


async def test_a_rejection_says_why(tsa: LocalTsa, authority: TimestampAuthority) -> None:
    tsa.reject()
    with pytest.raises(TimestampError, match="refused: Message digest algorithm is not supported"):
        await authority.stamp(RECORD)


async def test_an_unreachable_authority_is_a_readable_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    async with TimestampAuthority(url) as authority:
        with pytest.raises(TimestampError, match="Cannot connect") as caught:
            await authority.stamp(RECORD)
    assert str(caught.value).startswith(f"timestamp authority {url} failed:")


async def test_a_silent_authority_times_out(tsa: LocalTsa) -> None:
    tsa.stall()
    async with TimestampAuthority(tsa.url, timeout=0.2) as authority:
        with pytest.raises(TimestampError, match=r"failed: no answer within 0.2 s$"):
            await authority.stamp(RECORD)


async def test_a_shared_session_stays_open(tsa: LocalTsa) -> None:
    async with aiohttp.ClientSession() as session:
        async with TimestampAuthority(tsa.url, session=session) as authority:
            await authority.stamp(RECORD)
        assert not session.closed


async def openssl_verifies(token: bytes, record: bytes, ca: Path, folder: Path) -> bool:
    (folder / "record.json").write_bytes(record)
    (folder / "record.tsr").write_bytes(token)
    openssl = await asyncio.create_subprocess_exec(
        *["openssl", "ts", "-verify", "-data", str(folder / "record.json")],
        *["-in", str(folder / "record.tsr"), "-CAfile", str(ca)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await openssl.communicate()
    return openssl.returncode == 0 and b"Verification: OK" in output


def certificate_names(token: bytes) -> list[str]:
    signed_data = tsp.TimeStampResp.load(token)["time_stamp_token"]["content"]
    return [c.chosen.subject.native["common_name"] for c in signed_data["certificates"]]


@pytest.mark.parametrize("order", ["authority-then-root", "root-then-authority"])
async def test_an_openssl_chain_in_either_order_is_accepted(
    tsa_keys: TsaKeys, stranger_keys: TsaKeys, tmp_path: Path, order: str
) -> None:
    # openssl writes the SignedData certificate SET as given (signer, then the certs =
    # file): not DER order, which rfc3161_client's strict parser refuses on its own
    chain = [tsa_keys.certificate, tsa_keys.ca_certificate]
    if order == "root-then-authority":
        chain.reverse()
    async with (
        running_tsa(tmp_path, tsa_keys, certs=chain) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        token = await authority.stamp(RECORD)
    names = certificate_names(token)
    assert names[0] == "Test TSA" and sorted(names[1:]) == ["Test TSA", "Test TSA Root"]
    with pytest.raises(ValueError, match="InvalidSetOrdering"):
        decode_timestamp_response(token)

    check = read_timestamp(token, RECORD, [tsa.ca_certificate])
    assert check.valid and check.trusted and check.authority == "Test TSA"
    assert await openssl_verifies(token, RECORD, tsa.ca_certificate_path, tmp_path)

    # and every check that matters still holds: the imprint, the signature, the chain
    assert read_timestamp(token, RECORD + b" ").reasons == (TimestampProblem.OTHER_RECORD,)
    flipped = bytearray(token)
    flipped[-10] ^= 0x01  # the SignerInfo's signature is the token's last field
    for roots in (None, [tsa.ca_certificate]):
        check = read_timestamp(bytes(flipped), RECORD, roots)
        assert check.reasons == (TimestampProblem.BAD_SIGNATURE,)
    stranger = stranger_keys.ca_certificate.read_bytes()
    check = read_timestamp(token, RECORD, [stranger])
    assert not check.valid and check.reasons == (TimestampProblem.UNTRUSTED,)


async def test_a_strangers_certificates_beside_the_signers_vouch_for_nothing(
    tsa_keys: TsaKeys, stranger_keys: TsaKeys, tmp_path: Path
) -> None:
    # the stranger's authority and root ride along, unsorted; the signer is still ours
    chain = [stranger_keys.certificate, stranger_keys.ca_certificate, tsa_keys.ca_certificate]
    async with (
        running_tsa(tmp_path, tsa_keys, certs=chain) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        token = await authority.stamp(RECORD)
    assert read_timestamp(token, RECORD, [tsa.ca_certificate]).trusted
    check = read_timestamp(token, RECORD, [stranger_keys.ca_certificate.read_bytes()])
    assert check.reasons == (TimestampProblem.UNTRUSTED,)


async def test_only_the_order_of_the_certificates_is_mended(
    tsa_keys: TsaKeys, tmp_path: Path
) -> None:
    async with (
        running_tsa(tmp_path, tsa_keys, certs=[tsa_keys.ca_certificate]) as tsa,
        TimestampAuthority(tsa.url) as authority,
    ):
        token = await authority.stamp(RECORD)
    assert read_timestamp(token, RECORD).valid
    # the same reply with its outer length in a longer form than DER allows: damaged still
    assert token[:2] == b"\x30\x82"
    padded = b"\x30\x83\x00" + token[2:]
    assert read_timestamp(padded, RECORD).reasons == (TimestampProblem.DAMAGED,)
