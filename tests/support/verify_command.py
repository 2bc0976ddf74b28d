"""``python -m bot verify`` as a shell runs it, and what a test reads in its report.

The command runs an event loop of its own, so a test calls ``verify`` (it runs the command
in a thread); ``verify_command`` is for code already in a thread of its own.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.__main__ import main


def verify_command(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``python -m bot verify ARGS``: the exit code and what it printed."""
    code = main(["verify", *args])
    return code, capsys.readouterr().out


def verify_saved(
    content: bytes, folder: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str]:
    """``verify_command`` of ``content`` saved as folder/checked.eml, as a mail client
    saves a mail."""
    saved = folder / "checked.eml"
    saved.write_bytes(content)
    return verify_command(*flags, str(saved), capsys=capsys)


async def verify(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return await asyncio.to_thread(verify_command, *args, capsys=capsys)


async def verify_bytes(
    content: bytes, folder: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str]:
    return await asyncio.to_thread(verify_saved, content, folder, capsys, *flags)


def says(report: str, verdict: str, *words: str) -> bool:
    """Whether a line of the report starts with ``verdict`` and holds every one of ``words``."""
    return any(
        line.startswith(verdict) and all(word in line for word in words)
        for line in report.splitlines()
    )


def dkim_line(report: str) -> str:
    """The report's one line on the DKIM signature (the headline aside)."""
    [line] = [line for line in report.splitlines()[1:] if "DKIM" in line]
    return line
