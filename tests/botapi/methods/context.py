"""What a method handler gets: the request's parameters and the fake's state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..notifier import Notifier
from ..params import Params
from ..state import State
from ..updates import UpdateQueue


@dataclass
class Context:
    params: Params
    state: State
    updates: UpdateQueue
    notifier: Notifier
    now: Callable[[], int]


Handler = Callable[[Context], Awaitable[Any]]
