"""Routers, one per thing users do. Handlers read the update, call a service, answer."""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import (
    agreements,
    archive,
    business,
    edits,
    listing,
    registration,
    start,
    subscription,
    terms,
    unknown_callbacks,
)
from bot.telegram.routers.reactions import build_router as reactions_router


def build_router(*, reactions: bool) -> Router:
    """``reactions``: mark by reaction (needs the journal, where their text comes from)."""
    router = Router(name="root")
    router.include_routers(
        archive.build_router(),  # before start: its /start link opens the private chat
        start.build_router(),
        registration.build_router(),
        subscription.build_router(),
        agreements.build_router(),
        edits.build_router(),
        listing.build_router(),
        business.build_router(),
        terms.build_router(),
    )
    if reactions:
        router.include_router(reactions_router())
    router.include_router(unknown_callbacks.build_router())  # last: what nothing else took
    return router
