"""Telegram Business chats: an owner agrees with a client in the owner's private chat.
Nothing here knows aiogram."""
