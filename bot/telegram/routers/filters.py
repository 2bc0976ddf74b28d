"""Chat kinds, as filters shared by the routers."""

from aiogram import F

GROUP_TYPES = frozenset({"group", "supergroup"})
GROUPS = F.chat.type.in_(GROUP_TYPES)
PRIVATE = F.chat.type == "private"
