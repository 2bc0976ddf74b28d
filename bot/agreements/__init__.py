"""Agreements: marking a message as agreed, joining, the pending ones, listing and history,
and the limits on how fast people may mark. Nothing here knows aiogram."""
