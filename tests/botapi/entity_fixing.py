"""TDLib's entity normalisation (fix_entities, merge_new_entities), in a few plain steps.

- continuous entities (links, mentions, code, pre, custom emoji) never overlap: the one
  that sorts first wins and everything starting inside it is dropped;
- blockquotes never overlap each other and may only contain whole continuous entities;
- bold/italic/underline/strikethrough/spoiler of one kind are merged when they touch, cut
  at the borders of every other entity, and removed inside code and pre.
"""

from __future__ import annotations

import itertools

from .entities import PRE_LIKE, Entity, category, sort_entities


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    last_end = 0
    for entity in sort_entities(entities):
        if entity.offset >= last_end:
            kept.append(entity)
            last_end = entity.end
    return kept


def _fits_blockquotes(entity: Entity, blockquotes: list[Entity]) -> bool:
    for quote in blockquotes:
        inside = quote.offset <= entity.offset and entity.end <= quote.end
        apart = entity.end <= quote.offset or quote.end <= entity.offset
        if not (inside or apart):
            return False
    return True


def _merged_ranges(entities: list[Entity]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for entity in sorted(entities, key=lambda e: e.offset):
        if ranges and entity.offset <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], entity.end))
        else:
            ranges.append((entity.offset, entity.end))
    return ranges


def _split_formatting(formatting: list[Entity], others: list[Entity]) -> list[Entity]:
    cuts = sorted({point for other in others for point in (other.offset, other.end)})
    pre_ranges = [(e.offset, e.end) for e in others if e.type in PRE_LIKE]
    result: list[Entity] = []
    for kind in dict.fromkeys(e.type for e in formatting):
        for begin, end in _merged_ranges([e for e in formatting if e.type == kind]):
            points = [begin, *(c for c in cuts if begin < c < end), end]
            for start, stop in itertools.pairwise(points):
                if not any(a <= start and stop <= b for a, b in pre_ranges):
                    result.append(Entity(kind, start, stop - start))
    return result


def fix_entities(entities: list[Entity]) -> list[Entity]:
    entities = [e for e in entities if e.length > 0]
    groups: dict[str, list[Entity]] = {"splittable": [], "blockquote": [], "continuous": []}
    for entity in entities:
        groups[category(entity)].append(entity)
    blockquotes = _without_overlaps(groups["blockquote"])
    continuous = [
        e for e in _without_overlaps(groups["continuous"]) if _fits_blockquotes(e, blockquotes)
    ]
    others = continuous + blockquotes
    return sort_entities(others + _split_formatting(groups["splittable"], others))


def merge_new_entities(entities: list[Entity], found: list[Entity]) -> list[Entity]:
    """Adds auto-detected entities that do not collide with the sender's own ones."""
    blockquotes = [e for e in entities if category(e) == "blockquote"]
    continuous = [e for e in entities if category(e) == "continuous"]
    added = [
        e
        for e in found
        if _fits_blockquotes(e, blockquotes)
        and all(e.end <= c.offset or c.end <= e.offset for c in continuous)
    ]
    if not added:
        return sort_entities(entities)
    return fix_entities(entities + added)
