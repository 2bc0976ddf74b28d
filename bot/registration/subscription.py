"""Stopping the bot's mail to an address, and starting it again: from a mail's link (by
the address the link names), or from the bot and the Mini App (the user's own address).

Unsubscribing removes mail only: a party keeps their records (record pages, packs, the
Mini App). Subscribing again mails the agreement records the address missed meanwhile, as
verifying an address does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.db.gate import session_gate
from bot.db.models import EmailBinding, User
from bot.logs import mask_address
from bot.mail.deliveries import agreements_awaiting_mail, queue_agreement_mails
from bot.mail.service import Service
from bot.mail.unsubscribes import is_unsubscribed, normalized, resubscribe, unsubscribe

logger = logging.getLogger(__name__)

VIA_LINK = "link"
VIA_BOT = "bot"
VIA_MINI_APP = "mini_app"
VIA_OPERATOR = "operator"  # python -m bot unsubscribe, for a mail to MAIL_UNSUBSCRIBE_MAILTO


@dataclass(frozen=True, slots=True)
class MailState:
    address: str | None  # the user's verified address; None: the bot mails them nothing
    subscribed: bool
    changed: bool = False  # this request changed it (else it already was so)
    released: int = 0  # agreement mails queued by subscribing again


class SubscriptionService(Service):
    async def state(self, user_id: int) -> MailState:
        binding = await self._session.get(EmailBinding, user_id)
        if binding is None:
            return MailState(None, subscribed=True)
        return MailState(
            binding.address, not await is_unsubscribed(self._session, binding.address)
        )

    async def stop_user(self, user_id: int, via: str) -> MailState:
        """No more mail to the user's verified address (if they have one)."""
        binding = await self._session.get(EmailBinding, user_id)
        if binding is None:
            return MailState(None, subscribed=True)
        changed = await self.stop(binding.address, via)
        return MailState(binding.address, subscribed=False, changed=changed)

    async def start_user(self, user_id: int) -> MailState:
        """Mail to the user's verified address again, with the records it missed."""
        binding = await self._session.get(EmailBinding, user_id)
        if binding is None:
            return MailState(None, subscribed=True)
        changed, released = await self.start(binding.address)
        return MailState(binding.address, subscribed=True, changed=changed, released=released)

    async def stop(self, address: str, via: str) -> bool:
        """No more mail to ``address`` but codes; False when it already was so."""
        async with session_gate(self._session).turn():
            changed = await unsubscribe(self._session, address, self._clock(), via)
            await self._session.commit()
        logger.info("unsubscribed address=%s via=%s new=%s", mask_address(address), via, changed)
        return changed

    async def start(self, address: str) -> tuple[bool, int]:
        """Mail to ``address`` again: whether it was unsubscribed, and how many agreement
        mails it missed are now queued (for every account bound to it)."""
        async with session_gate(self._session).turn():
            # The accounts' rows first, in order, as verifying takes them: a release here
            # and one by /verify take turns rather than both writing the same mails.
            users = await self._lock_users_of(address)
            changed = await resubscribe(self._session, address)
            released = 0
            if changed:
                now = self._clock()
                for user_id in users:
                    held = await agreements_awaiting_mail(self._session, user_id)
                    released += await queue_agreement_mails(
                        self._session, self._letters, held, now, only_user_id=user_id
                    )
            await self._session.commit()
        if released:
            self._mail_waker.wake()
        logger.info(
            "subscribed again address=%s new=%s released=%s",
            mask_address(address),
            changed,
            released,
        )
        return changed, released

    async def _lock_users_of(self, address: str) -> list[int]:
        bound = select(EmailBinding.user_id).where(
            func.lower(EmailBinding.address) == normalized(address)
        )
        rows = await self._session.scalars(
            select(User.id).where(User.id.in_(bound)).order_by(User.id).with_for_update()
        )
        return list(rows)
