"""What every benchmark part stands on: a database, the fake Bot API and SMTP servers in
this process, and the bot in a process of its own (``python -m bot``, as deployed).

The servers run here so that the bot's process holds only the bot: its CPU share and
peak memory are its own. Times on both sides are ``time.monotonic()`` (the event loop's
clock, which ``Mailbox`` stamps mails with), one clock for every process on the machine.

Not run directly; ``python -m bench`` uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pwd
import signal
import subprocess
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.models import EmailBinding
from bot.services import people
from bot.services.directory import remember_user
from tests.botapi import BotAPIServer, Person
from tests.botapi.updates import UpdateQueue
from tests.conftest import MAIL_FROM
from tests.e2e.conftest import TOKEN
from tests.support.mailbox import Mailbox

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
DATABASES = ("sqlite", "postgresql")


@contextlib.asynccontextmanager
async def fresh_database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """A migrated, empty database: a file in ``workdir``, or a PostgreSQL database, created
    for the run and removed after it."""
    if kind == "sqlite":
        path = workdir / f"agreements-{uuid.uuid4().hex[:12]}.db"
        url = f"sqlite+aiosqlite:///{path}"
        try:
            await asyncio.to_thread(upgrade, url)
            yield url
        finally:
            _remove_with_journals(path)
        return
    server = make_url(POSTGRES_URL)
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _remove_with_journals(database: Path) -> None:
    for file in database.parent.glob(f"{database.name}*"):  # with its -wal and -shm
        file.unlink()


class ServedClock:
    """Watches the fake's update queue: when each update was first handed out in a
    getUpdates answer, and when the bot confirmed it (a later getUpdates' offset).

    ``hold()`` parks the queued updates; ``release()`` feeds them back ``window`` at a
    time, so the fake never filters a queue of thousands on every call.
    """

    def __init__(self, api: BotAPIServer, window: int = 1000) -> None:
        self._api = api
        self._queue: UpdateQueue = api.updates
        self._take = self._queue.take
        self._confirm = self._queue.confirm
        self._queue.take = self._timed_take  # type: ignore[method-assign]
        self._queue.confirm = self._timed_confirm  # type: ignore[method-assign]
        self._window = window
        self._parked: deque[dict[str, Any]] = deque()
        self._feeding = True
        self.served: dict[int, float] = {}
        self.confirmed_offset = 0
        self.confirmed_at: dict[int, float] = {}  # offset -> when it first came
        self._confirmed = asyncio.Event()
        self._awaited = 0

    def hold(self) -> None:
        self._parked.extend(self._queue.pending)
        self._queue.pending.clear()
        self._feeding = False

    def release(self) -> None:
        self._feeding = True
        self._api.notifier.changed()  # wakes a waiting long poll

    def _timed_take(self, limit: int) -> list[dict[str, Any]]:
        if self._feeding:
            room = self._window - len(self._queue.pending)
            while self._parked and room > 0:
                self._queue.pending.append(self._parked.popleft())
                room -= 1
        taken = self._take(limit)
        now = time.monotonic()
        for update in taken:
            self.served.setdefault(int(update["update_id"]), now)
        return taken

    def _timed_confirm(self, offset: int) -> None:
        self._confirm(offset)
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
            self.confirmed_at.setdefault(offset, time.monotonic())
            if self._awaited and offset > self._awaited:
                self._confirmed.set()

    async def until_confirmed(self, update_id: int, timeout: float) -> float:
        """When the bot confirmed ``update_id`` (it asked for the updates after it)."""
        if self.confirmed_offset <= update_id:
            self._awaited = update_id
            self._confirmed.clear()
            await asyncio.wait_for(self._confirmed.wait(), timeout)
            self._awaited = 0
        return min(t for offset, t in self.confirmed_at.items() if offset > update_id)

    def window_of(self, first_id: int, last_id: int) -> float:
        """Seconds from the first update handed out to the last one confirmed."""
        end = min(t for offset, t in self.confirmed_at.items() if offset > last_id)
        return end - self.served[first_id]


@contextlib.asynccontextmanager
async def smtp_server() -> AsyncIterator[Mailbox]:
    mailbox = Mailbox()
    await mailbox.start()
    try:
        yield mailbox
    finally:
        await mailbox.stop()


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[BotAPIServer, Mailbox]]:
    """The fake Bot API (privacy mode off, as the README asks) and the SMTP server."""
    async with (
        smtp_server() as mailbox,
        BotAPIServer(
            token=TOKEN, bot_user={"username": "bench_bot"}, can_read_all_group_messages=True
        ) as api,
    ):
        yield api, mailbox


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
    }
    if api is not None:
        env["TELEGRAM_API_URL"] = api.base_url
    return env


class HasId(Protocol):
    @property
    def id(self) -> int: ...


def address_of(person: HasId) -> str:
    return f"user{person.id}@example.com"


def known_person(person: Person) -> people.Person:
    """A scenario's person as the bot's services know them."""
    user = person.user
    return people.Person(
        id=person.id,
        first_name=user["first_name"],
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


async def bind_addresses(database_url: str, persons: Sequence[people.Person]) -> None:
    """Verified addresses for these people, written directly as tests' ``bind`` does."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            for person in persons:
                await remember_user(session, person, now)
                session.add(
                    EmailBinding(user_id=person.id, address=address_of(person), verified_at=now)
                )
            await session.commit()
    finally:
        await engine.dispose()


class ForeignLoad:
    """CPU that other processes used while a part ran (PostgreSQL's own processes, which
    work for the bot, are not counted): a busy machine makes every number slower."""

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        busy = (sum(fields) - fields[3] - fields[4]) / ticks  # all but idle and iowait
        ours = os.times()
        mine = ours.user + ours.system + ours.children_user + ours.children_system
        return busy, mine, _postgres_seconds() / ticks, time.monotonic()

    def cores(self) -> float:
        """Other processes' CPU since creation, in cores (1.0: one core busy throughout)."""
        busy, mine, postgres, at = self._sample()
        start_busy, start_mine, start_postgres, start_at = self._start
        foreign = (busy - start_busy) - (mine - start_mine) - (postgres - start_postgres)
        return max(0.0, foreign) / max(1e-9, at - start_at)


async def until_quiet(limit: float = 900.0, window: float = 5.0) -> float:
    """Waits (up to ``limit`` seconds) until other processes use under 0.1 core over a
    ``window``; returns the load of the last window."""
    deadline = time.monotonic() + limit
    while True:
        load = ForeignLoad()
        await asyncio.sleep(window)
        cores = load.cores()
        if cores < 0.1 or time.monotonic() > deadline:
            return cores


def _postgres_seconds() -> int:
    """CPU ticks of the processes run by the postgres user (the database server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.parent.stat().st_uid != _postgres_uid():
                continue
            fields = stat.read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return total


@functools.cache
def _postgres_uid() -> int:
    try:
        return pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return -1


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
