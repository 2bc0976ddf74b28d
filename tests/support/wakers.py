"""A waker that counts: what the services wake the mail worker with, in tests that run no
worker."""

from __future__ import annotations


class RecordingWaker:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1
