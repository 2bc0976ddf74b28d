"""Agreements go only to verified addresses; a new address replaces the old one only once
it is verified. Answers follow the user's Telegram language, regional tags included."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.mails import code_in, is_agreement, text_of


async def test_a_new_address_replaces_the_old_one_only_once_verified(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "old@example.com")

    ann.says_private("/email new@example.com")
    await world.bot_reply(ann)
    [code_mail] = await mailbox.wait_for(to="new@example.com")
    ann.says_private("/email")
    status = (await world.bot_reply(ann))["text"]
    assert "Your verified email: old@example.com" in status
    assert "A code was sent to new@example.com" in status

    first = ben.says(group, "Deal at 100")
    ann.says(group, "/agree", reply_to=first)
    await world.bot_reply(group)
    [to_old] = await mailbox.wait_for(to="old@example.com", where=is_agreement)
    assert "Deal at 100" in text_of(to_old.message)

    ann.says_private(f"/verify {code_in(code_mail.message)}")
    await world.bot_reply(ann, lambda m: "✅" in m.get("text", ""))
    second = ben.says(group, "Deal at 200")
    ann.says(group, "/agree", reply_to=second)
    await world.bot_reply(group)
    [to_new] = await mailbox.wait_for(to="new@example.com", where=is_agreement)
    assert "Deal at 200" in text_of(to_new.message)
    await harness.mail_barrier()
    assert len([m for m in mailbox.to("old@example.com") if is_agreement(m.message)]) == 1
    assert len([m for m in mailbox.to("new@example.com") if is_agreement(m.message)]) == 1


async def test_an_unverified_address_never_gets_agreement_mail(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    ben.says_private("/email ben@example.com")
    await world.bot_reply(ben)
    [code_mail] = await mailbox.wait_for(to="ben@example.com")
    ben.says_private(
        "/verify 000000" if code_in(code_mail.message) != "000000" else "/verify 111111"
    )
    await world.bot_reply(ben, lambda m: "Wrong code" in m.get("text", ""))

    offer = ben.says(group, "Deal at 300")
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)
    await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    await harness.mail_barrier()
    assert mailbox.to("ben@example.com") == [code_mail]

    # Held, not lost: verifying the address sends it.
    ben.says_private(f"/verify {code_in(code_mail.message)}")
    await world.bot_reply(ben, lambda m: "✅" in m.get("text", ""))
    [held] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    assert "Deal at 300" in text_of(held.message)


async def test_regional_language_tags_choose_the_language(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    for number, (tag, answer, subject) in enumerate(
        [
            ("ru-RU", "Я отправил 6-значный код", "Код подтверждения: "),
            ("ru", "Я отправил 6-значный код", "Код подтверждения: "),
            ("en-GB", "I've sent a 6-digit code", "Verification code: "),
            ("pt-BR", "I've sent a 6-digit code", "Verification code: "),
        ]
    ):
        person = world.user(f"User{number}", language_code=tag)
        address = f"user{number}@example.com"
        person.says_private(f"/email {address}")
        assert answer in (await world.bot_reply(person))["text"], tag
        [mail] = await mailbox.wait_for(to=address)
        assert str(mail.message["Subject"]).startswith(subject), tag
