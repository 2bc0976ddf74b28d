"""The bot in a process of its own, started the way it is deployed (``python -m bot``
with its settings in the environment), and its peak memory.

Not run directly; ``python -m bench`` uses it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

from tests.botapi import BotAPIServer
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.mailbox import Mailbox

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bot_environment(
    api: BotAPIServer | None, mailbox: Mailbox, database_url: str
) -> dict[str, str]:
    """The settings ``python -m bot`` reads; everything else keeps its default."""
    env = {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mailbox.port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": MAIL_FROM,
        "TIMEZONE": "Europe/Moscow",
        "LOG_LEVEL": "INFO",
        # The benchmarks mark as fast as they measure, from few people in few chats.
        "AGREE_LIMIT_PER_USER": "1000000",
        "AGREE_LIMIT_PER_CHAT": "1000000",
    }
    if api is not None:
        env["TELEGRAM_API_URL"] = api.base_url
    return env


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM: the most resident memory the process has had, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


class BotProcess:
    """``python -m <module>`` with the given settings, its output in ``log``.

    With BENCH_PY_SPY set to a py-spy binary, a sampling profile of the process is
    written next to the log (raw/collapsed stacks). BENCH_BOT_MODULE runs another module
    in the bot's place (an instrumented wrapper, say; an existing PYTHONPATH is kept).
    """

    def __init__(self, module: str, env: dict[str, str], log: Path) -> None:
        self._module = os.environ.get("BENCH_BOT_MODULE", module) if module == "bot" else module
        self._env = env
        self.log = log
        self._process: asyncio.subprocess.Process | None = None
        self._spy: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> BotProcess:
        # An existing PYTHONPATH stays after the project (for experiments run by hand).
        path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        environment = os.environ | self._env | {"PYTHONPATH": path}
        with self.log.open("ab") as output:
            self._process = await asyncio.create_subprocess_exec(
                str(PROJECT_ROOT / ".venv/bin/python"),
                "-m",
                self._module,
                cwd=self.log.parent,  # no stray .env is read
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
            )
        spy = os.environ.get("BENCH_PY_SPY")
        if spy:
            raw = self.log.with_suffix(".spy.txt")
            self._spy = await asyncio.create_subprocess_exec(
                spy, "record", "--pid", str(self.pid), "-f", "raw", "-r", "200",
                "--idle", "-o", str(raw), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.pid)

    async def wait(self) -> None:
        """Until the process exits by itself; fails if it failed."""
        assert self._process is not None
        if await self._process.wait() != 0:
            raise RuntimeError(f"{self._module} failed; see {self.log}")

    async def until_polling(self, api: BotAPIServer, timeout: float = 60) -> None:
        """Returns once the process waits in a getUpdates long poll; fails if it died."""
        assert self._process is not None
        waiting = asyncio.ensure_future(api.wait_until_polling(timeout))
        died = asyncio.ensure_future(self._process.wait())
        await asyncio.wait({waiting, died}, return_when=asyncio.FIRST_COMPLETED)
        if died.done():
            waiting.cancel()
            raise RuntimeError(f"{self._module} exited at start; see {self.log}")
        died.cancel()
        await waiting

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._process is not None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._process.wait(), 20)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        if self._spy is not None:
            await self._spy.wait()  # py-spy writes its file once the process is gone
