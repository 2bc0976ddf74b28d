"""Chat kinds, as filters shared by the routers."""

from aiogram import F

GROUPS = F.chat.type.in_({"group", "supergroup"})
PRIVATE = F.chat.type == "private"
