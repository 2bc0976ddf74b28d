"""Routers, one per thing users do. Handlers read the update, call a service, answer."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import agreements, edits, listing, registration, start


def build_router() -> Router:
    router = Router(name="root")
    router.include_routers(
        start.build_router(),
        registration.build_router(),
        agreements.build_router(),
        edits.build_router(),
        listing.build_router(),
    )
    return router
