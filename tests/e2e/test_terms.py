"""The signing terms in the chat: binding an address accepts them (once per version, in
the person's language, said before the code goes back), /terms shows them in Russian and
English, "I accept" serves whoever bound an address before, and records name what each
party had accepted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert, select

from bot.db.models import Agreement, EmailBinding, User
from tests.botapi import BotAPIServer
from tests.support.harness import Harness
from tests.support.mails import code_in, is_amendment, record_of, text_of
from tests.support.stored import connection_on, session_on
from tests.support.stories import agreement_mails, amended_between
from tests.support.terms import acceptances, shipped_digest


async def test_binding_an_address_accepts_the_terms_in_the_persons_language(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann", language_code="en")
    ben = world.user("Ben", language_code="ru")
    for person, address, language, notice, accepted in (
        (
            ann,
            "ann@example.com",
            "en",
            "also accepts the signing terms, version 1",
            "You accepted",
        ),
        (ben, "ben@example.com", "ru", "вы также принимаете условия подписания", "Вы приняли"),
    ):
        digest = shipped_digest(language)
        person.says_private(f"/email {address}")
        asked = (await world.bot_reply(person))["text"]
        assert notice in asked and digest in asked  # said before the act that accepts
        [code_mail] = await mailbox.wait_for(to=address)
        assert digest in text_of(code_mail.message)  # and to the mailbox's owner

        person.says_private(f"/verify {code_in(code_mail.message)}")
        answer = await world.bot_reply(person, lambda m: "✅" in m.get("text", ""))
        assert accepted in answer["text"] and digest in answer["text"]

    ann_row, ben_row = await acceptances(database_url)
    assert (ann_row.user_id, ann_row.address, ann_row.version) == (ann.id, "ann@example.com", 1)
    assert (ann_row.language, ann_row.sha256) == ("en", shipped_digest("en"))
    assert (ben_row.user_id, ben_row.address, ben_row.version) == (ben.id, "ben@example.com", 1)
    assert (ben_row.language, ben_row.sha256) == ("ru", shipped_digest("ru"))


async def test_a_second_binding_does_not_accept_again(harness: Harness, database_url: str) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann", language_code="en")
    await harness.register(ann, "old@example.com")

    ann.says_private("/email new@example.com")
    asked = (await world.bot_reply(ann))["text"]
    assert "I've sent a 6-digit code" in asked and "terms" not in asked
    [code_mail] = await mailbox.wait_for(to="new@example.com")
    assert "terms" not in text_of(code_mail.message)
    ann.says_private(f"/verify {code_in(code_mail.message)}")
    answer = await world.bot_reply(ann, lambda m: "✅" in m.get("text", ""))
    assert "terms" not in answer["text"]

    [row] = await acceptances(database_url)  # the first binding's, as it was
    assert row.address == "old@example.com"


async def test_terms_answer_in_russian_and_english(harness: Harness) -> None:
    world = harness.world
    ann = world.user("Ann", language_code="en")
    ben = world.user("Ben", language_code="ru-RU")
    group = world.group("Team")

    ann.says_private("/terms")
    english = (await world.bot_reply(ann))["text"]
    assert english.startswith("Signing terms, version 1")
    assert f"Version 1. SHA-256 of this text: {shipped_digest('en')}" in english
    assert "Russian text: /terms ru" in english
    assert "simple electronic signature" in english and "not an enhanced" in english

    ben.says_private("/terms")
    russian = (await world.bot_reply(ben))["text"]
    assert russian.startswith("Условия подписания, версия 1")
    assert f"Версия 1. SHA-256 этого текста: {shipped_digest('ru')}" in russian
    assert "простая электронная подпись" in russian

    ben.says(group, "/terms en")  # the other language on request, in a group too
    asked = (await world.bot_reply(group))["text"]
    assert asked.startswith("Signing terms, version 1") and shipped_digest("en") in asked
    assert "Текст на русском: /terms ru" in asked


async def test_a_person_bound_before_the_terms_accepts_them_with_the_button(
    harness: Harness, api: BotAPIServer, database_url: str
) -> None:
    world = harness.world
    ann = world.user("Ann", language_code="en")
    eve = world.user("Eve", language_code="en")
    # Her address was bound before the terms existed: the rows an older bot left.
    now = datetime.now(UTC)
    async with connection_on(database_url) as connection:
        await connection.execute(
            insert(User).values(id=ann.id, first_name="Ann", created_at=now, updated_at=now)
        )
        await connection.execute(
            insert(EmailBinding).values(user_id=ann.id, address="ann@example.com", verified_at=now)
        )
        await connection.commit()

    ann.says_private("/email")
    status = (await world.bot_reply(ann))["text"]
    assert "You have not accepted the current signing terms yet" in status
    ann.says_private("/terms")
    shown = await world.bot_reply(ann)
    ann.presses(shown, "✍️ I accept these terms")
    accepted = await world.bot_reply(ann, lambda m: "✅" in m.get("text", ""))
    assert f"version 1 (SHA-256 {shipped_digest('en')})" in accepted["text"]
    [row] = await acceptances(database_url)
    assert (row.user_id, row.address, row.language) == (ann.id, "ann@example.com", "en")

    again = ann.presses(shown, "✍️ I accept these terms")
    answer = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == again
    )
    assert answer.params["text"] == "You have accepted these terms already."
    ann.says_private("/terms")
    assert "reply_markup" not in await world.bot_reply(ann)  # nothing left to accept

    # Button data is the sender's to choose: an old version is refused, and one without an
    # address is sent to bind it; neither records anything.
    for data, refusal in (
        ("terms:2:en", "replaced by a newer version"),
        ("terms:1:ru", "accepted when you bind your email"),
    ):
        query = (ann if data == "terms:2:en" else eve).sends_callback(shown, data)
        answer = await api.wait_for_call(
            "answerCallbackQuery", lambda p, q=query: p["callback_query_id"] == q
        )
        assert refusal in answer.params["text"]
    assert len(await acceptances(database_url)) == 1


async def test_records_name_the_terms_each_party_had_accepted(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    _alice, _bob, group, _offer, _alert = await amended_between(harness)  # Alice en, Bob ru
    [agreement_mail] = await agreement_mails(mailbox, "alice@example.com")
    record = record_of(agreement_mail.message)
    terms = {party["name"]: party["terms"] for party in record["parties"]}
    assert terms["Alice"]["sha256"] == shipped_digest("en")
    assert terms["Bob"]["sha256"] == shipped_digest("ru")
    assert (terms["Alice"]["version"], terms["Bob"]["language"]) == (1, "ru")

    [amendment_mail] = await mailbox.wait_for(to="bob@example.com", where=is_amendment)
    amended = record_of(amendment_mail.message)
    assert {p["name"]: p["terms"]["sha256"] for p in amended["accepted_by"]} == {
        "Alice": shipped_digest("en"),
        "Bob": shipped_digest("ru"),
    }

    # People who never bound an address accepted nothing: the record says so.
    carl, dana = world.user("Carl"), world.user("Dana")
    offer = carl.says(group, "Delivery on Friday")
    dana.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)
    async with session_on(database_url) as session:
        stored = await session.scalar(select(Agreement.record).where(Agreement.number == 2))
    assert stored is not None
    assert [(p["name"], p["terms"]) for p in json.loads(stored)["parties"]] == [
        ("Carl", None),
        ("Dana", None),
    ]
