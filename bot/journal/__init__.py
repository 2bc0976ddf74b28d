"""The journal: messages seen in a chat, kept for a while so an agreement can be made from one,
and the hourly housekeeping that forgets old entries. Nothing here knows aiogram."""
