"""``python -m bot`` runs the bot; ``python -m bot migrate`` only applies migrations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from bot.config import ConfigError, DatabaseSettings, Settings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate", "status"],
        help="run the bot (default), only apply migrations, or print the mail queue's state",
    )
    args = parser.parse_args(argv)
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        print(
            "Configuration error: LOG_LEVEL is invalid: use DEBUG, INFO, WARNING or ERROR",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
    try:
        # Settings first, the heavy imports after: a bad setting is reported at once.
        if args.command == "migrate":
            database_url = load_settings(DatabaseSettings).database_url
            from bot.db.migrate import upgrade

            upgrade(database_url)
            return 0
        if args.command == "status":
            database_url = load_settings(DatabaseSettings).database_url
            from bot.app import print_status

            asyncio.run(print_status(database_url))
            return 0
        settings = load_settings(Settings)
        from bot.app import run

        asyncio.run(run(settings))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
