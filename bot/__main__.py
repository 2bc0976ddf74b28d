"""``python -m bot`` runs the bot; ``python -m bot migrate`` only applies migrations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from bot.app import run
from bot.config import ConfigError, DatabaseSettings, load_settings
from bot.db.migrate import upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "migrate"])
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "migrate":
            upgrade(load_settings(DatabaseSettings).database_url)
            return 0
        asyncio.run(run(load_settings()))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
