"""Chat kinds, as filters shared by the routers."""

from aiogram import F

from bot.core.people import GROUP_TYPES, PRIVATE_CHAT

GROUPS = F.chat.type.in_(GROUP_TYPES)
PRIVATE = F.chat.type == PRIVATE_CHAT
NOT_PRIVATE = F.chat.type != PRIVATE_CHAT
