"""``python -m bot [run | migrate | grants ROLE | status | verify FILE]``."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import ConfigError, DatabaseSettings, LogSettings, Settings, load_settings
from bot.logs import configure_logging


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The agreement bot.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("migrate", help="apply the database migrations and exit")
    grants = commands.add_parser(
        "grants", help="give a PostgreSQL role what the bot needs (run as the tables' owner)"
    )
    grants.add_argument("role", help="the role the bot runs as; it must exist")
    commands.add_parser("status", help="print the state of the mail queue")
    verify = commands.add_parser(
        "verify", help="check a saved agreement email (.eml) or its record (.json)"
    )
    verify.add_argument("file", type=Path, nargs="?")
    verify.add_argument("--chain", type=int, metavar="CHAT_ID", help="check a chat's chain")
    verify.add_argument(
        "--no-dns",
        action="store_true",
        help="don't look up DKIM keys in DNS (check a signature only with the DKIM_* key)",
    )
    return parser.parse_args(argv)


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
    args = parse_arguments(argv)
    if args.command == "verify":  # a report on stdout, nothing logged
        from bot.evidence.verify.commands import verify_chain, verify_file
        from bot.telegram.formatting import entities_to_html

        if args.chain is not None:
            return verify_chain(args.chain)
        if args.file is None:
            print("verify needs a FILE or --chain CHAT_ID", file=sys.stderr)
            return 2
        return verify_file(args.file, entities_to_html, use_dns=not args.no_dns)
    try:
        logs = load_settings(LogSettings)
        configure_logging(logs.log_level, logs.log_format)
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
        # Settings first, the heavy imports after: a bad setting is reported at once.
        if args.command in {"migrate", "grants", "status"}:
            database_url = load_settings(DatabaseSettings).database_url
            if args.command == "grants":
                from bot.db.grants import grant_to

                return grant_to(database_url, args.role)
            if args.command == "migrate":
                from bot.db.migrate import upgrade

                upgrade(database_url)
            else:
                from bot.app import print_status
                from bot.db.migrate import NotMigrated

                try:
                    asyncio.run(print_status(database_url))
                except NotMigrated as exc:
                    print(exc, file=sys.stderr)
                    return 1
            return 0
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
