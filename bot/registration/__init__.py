"""Registration: a person's email address, confirmed with a code sent to it.
Nothing here knows aiogram."""
