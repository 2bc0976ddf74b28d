"""``python -m bot``: settings, logging, then the bot or one of the commands in bot/cli.py."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable

from bot import cli
from bot.config import ConfigError, LogSettings, Settings, load_settings
from bot.logs import configure_logging


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (not on Windows): libuv's loop lets one process take
    about a tenth more /agree marks a second (bench/); else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def freeze_imported_heap() -> None:
    """Takes what the imports built out of the collector's sight for good.

    aiogram, SQLAlchemy, pydantic and the rest leave some 280 thousand objects that live
    as long as the process. Each full collection walked them all, stopping the bot for
    about 200 ms every 25 s at 50 marks a second (bench/). Frozen, they are still freed
    by reference counting; only a cycle among them would never be.
    """
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    args = cli.parse_arguments(argv)
    if args.command == "verify":
        return cli.verify(args)
    try:
        logs = load_settings(LogSettings)
        configure_logging(logs.log_level, logs.log_format)
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
        if args.command in cli.ONE_SHOT:
            return cli.operate(args)
        if args.command == "unsubscribe":
            return cli.unsubscribe(args)
        # Settings first, the heavy imports after: a bad setting is reported at once.
        settings = load_settings(Settings)
        from bot.app import run

        freeze_imported_heap()
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(run(settings))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
