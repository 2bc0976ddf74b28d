"""answerCallbackQuery: each delivered query can be answered once."""

from __future__ import annotations

import re

from ..errors import bad_request
from .context import Context, Handler

MAX_ANSWER_LENGTH = 200


async def answer_callback_query(ctx: Context) -> bool:
    state, params = ctx.state, ctx.params
    query_id = params.str("callback_query_id")
    text = params.str("text")
    url = params.str("url")
    if len(text) > MAX_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    username = re.escape(state.bot_user.get("username", ""))
    # only deep links to this bot (or games, which the fake does not have) are allowed
    if url and not re.fullmatch(rf"(https?://)?t\.me/{username}\?start=\S*", url, re.I):
        raise bad_request("URL_INVALID")
    if query_id not in state.delivered_queries or query_id in state.answered_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    state.delivered_queries.pop(query_id)
    state.answered_queries[query_id] = {
        "text": text,
        "show_alert": params.bool("show_alert"),
        "url": url,
        "cache_time": params.clamped("cache_time", 0, 0, 30 * 24 * 60 * 60),
    }
    ctx.notifier.changed()
    return True


METHODS: dict[str, Handler] = {"answerCallbackQuery": answer_callback_query}
