"""What the Mini App's API tells about agreements, as JSON: names, never addresses or user
ids; times as the pages show them (UTC and the configured zone)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.agreements.details import AgreementDetails, RecordEvidence
from bot.agreements.invited import InvitedAddress
from bot.agreements.overview import OverviewItem
from bot.agreements.record_status import StampInfo
from bot.agreements.visibility import ChatChoice
from bot.core.timefmt import format_both, format_utc


def moment(at: datetime, zone: ZoneInfo) -> dict[str, str]:
    """``shown`` in full (UTC and the configured zone); ``short`` to the minute and ``day``
    in the configured zone, where a list would drown in seconds."""
    local = at.astimezone(zone)
    return {
        "shown": format_both(at, zone),
        "short": f"{local:%Y-%m-%d %H:%M} {local.tzname()}",
        "day": local.date().isoformat(),
    }


def item_json(item: OverviewItem, zone: ZoneInfo) -> dict[str, Any]:
    view = item.view
    return {
        "id": view.id,
        "number": view.number,
        "title": view.title,
        "summary": view.summary,
        "chat": {"id": view.chat_id, "title": view.chat_title},
        "marked": moment(view.marked_at, zone),
        "state": item.state.value,
        "awaiting": item.awaiting,
        "deleted": item.deleted,
        "edits": view.edits,
        "amendment": view.amendment_label,
        "edits_since_amendment": view.edits_since_amendment,
        "parties": [party.name for party in view.parties],
        "digest": view.digest,
    }


def chat_json(choice: ChatChoice) -> dict[str, Any]:
    return {"id": choice.id, "title": choice.title, "whole": choice.whole}


def details_json(details: AgreementDetails, zone: ZoneInfo) -> dict[str, Any]:
    history = details.history
    amended = {a.version: a.label for a in history.amendments}
    return {
        "agreement": item_json(details.item, zone),
        "text": history.text,
        "topic": details.topic,
        "author": history.author,
        "marked_by": details.marked_by,
        "sent": moment(history.sent_at, zone),
        "versions": [
            {
                "number": version.number,
                "edited": moment(version.edited_at, zone),
                "editor": version.editor,
                "diff": [[op, piece] for op, piece in version.diff],
                "accepted_by": [
                    {"name": a.name, "at": moment(a.accepted_at, zone)}
                    for a in details.acceptances.get(version.number, [])
                ],
                "amendment": amended.get(version.number),
            }
            for version in history.versions
        ],
        "amendments": [
            {
                "label": a.label,
                "version": a.version,
                "recorded": moment(a.recorded_at, zone),
                "digest": a.digest,
            }
            for a in history.amendments
        ],
        "parties": [
            {
                "name": p.name,
                "username": p.username,
                "role": p.role.value,
                "joined": moment(p.joined_at, zone),
            }
            for p in details.parties
        ],
        "records": [record_json(r, zone) for r in details.records],
        "deleted": moment(details.deleted_at, zone) if details.deleted_at else None,
    }


def record_json(record: RecordEvidence, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "label": record.label,
        "is_amendment": record.is_amendment,
        "digest": record.digest,
        "recorded": moment(record.recorded_at, zone),
        "chain": {
            "position": record.chain.position,
            "length": record.chain.length,
            "holds": record.chain.holds,
        },
        "stamp": stamp_json(record.stamp),
    }


def stamp_json(stamp: StampInfo | None) -> dict[str, Any] | None:
    """None: none was asked for; "pending": the authority has not answered yet."""
    if stamp is None:
        return None
    if stamp.token is None:
        return {"state": "pending"}
    if not stamp.valid or stamp.stamped_at is None:
        return {"state": "invalid"}
    return {
        "state": "valid",
        "time": format_utc(stamp.stamped_at),
        "authority": stamp.authority,
        "trusted": stamp.trusted,
    }


def email_parties_json(listed: list[InvitedAddress]) -> list[dict[str, Any]]:
    """Addresses invited by email: masked, with their state (invited, confirmed, refused)."""
    return [{"address": item.address, "state": item.state.value} for item in listed]
