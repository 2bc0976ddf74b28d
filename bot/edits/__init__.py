"""Edits of agreed messages: the alerts they raise, amendments every party accepts, and the
scheduler that mails alerts. Nothing here knows aiogram."""
