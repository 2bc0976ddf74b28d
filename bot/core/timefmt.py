"""Times as people read them: UTC always, plus the configured zone when it differs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_local(moment: datetime, zone: ZoneInfo) -> str | None:
    """``2026-11-29 12:33:28 MSK (Europe/Moscow)``, or None when the zone is UTC itself."""
    if zone.key in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu", "Etc/Zulu"}:
        return None
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({zone.key})"


def format_both(moment: datetime, zone: ZoneInfo) -> str:
    local = format_local(moment, zone)
    return format_utc(moment) if local is None else f"{format_utc(moment)} / {local}"


def format_clock(moment: datetime, zone: ZoneInfo) -> str:
    """``09:33:28 UTC / 12:33:28 MSK``: a time of day for chat answers."""
    utc = f"{moment.astimezone(UTC):%H:%M:%S} UTC"
    if format_local(moment, zone) is None:
        return utc
    local = moment.astimezone(zone)
    return f"{utc} / {local:%H:%M:%S} {local.tzname()}"
