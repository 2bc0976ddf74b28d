"""Telegram bot that turns agreements made in work chats into email records."""
