"""Accepting the signing terms with a button, for a person whose address was bound before
they accepted the current version (bound before the terms existed, or a new version).

Binding an address accepts the terms by itself (service.py): this is the way to accept
without binding again. Acceptance stays tied to an address: without one, the person is
sent to bind it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from bot.core.people import Person
from bot.db.gate import session_gate
from bot.db.models import EmailBinding, User
from bot.mail.service import Service
from bot.terms.acceptances import has_accepted, record_acceptance
from bot.terms.texts import CURRENT_VERSION, Terms, terms


class TermsAnswer(enum.StrEnum):
    ACCEPTED = "accepted"
    ALREADY_ACCEPTED = "already_accepted"
    NO_ADDRESS = "no_address"  # binding the address accepts them
    OUTDATED = "outdated"  # a button under terms that a newer version replaced


@dataclass(frozen=True, slots=True)
class TermsStanding:
    has_address: bool
    accepted: bool  # the current version

    @property
    def may_accept(self) -> bool:
        return self.has_address and not self.accepted


class TermsService(Service):
    async def standing(self, user_id: int) -> TermsStanding:
        binding = await self._session.get(EmailBinding, user_id)
        accepted = await has_accepted(self._session, user_id, CURRENT_VERSION)
        return TermsStanding(binding is not None, accepted)

    async def accept(self, person: Person, version: int, language: str) -> TermsAnswer:
        """``version`` and ``language`` come from the button: the sender's to choose, so
        only the current version is taken (any shipped language of it)."""
        if version != CURRENT_VERSION:
            return TermsAnswer.OUTDATED
        async with session_gate(self._session).turn():
            # Takes turns with the account's /email and /verify (their lock).
            await self._session.execute(
                select(User.id).where(User.id == person.id).with_for_update()
            )
            answer = await self._accept(person, terms(version, language))
            await self._session.commit()
            return answer

    async def _accept(self, person: Person, accepted: Terms) -> TermsAnswer:
        binding = await self._session.get(EmailBinding, person.id)
        if binding is None:
            return TermsAnswer.NO_ADDRESS
        if await has_accepted(self._session, person.id, accepted.version):
            return TermsAnswer.ALREADY_ACCEPTED
        await record_acceptance(
            self._session,
            user_id=person.id,
            address=binding.address,
            terms=accepted,
            at=self._clock(),
        )
        return TermsAnswer.ACCEPTED
