"""The command line: ``python -m bot [run | migrate | grants ROLE | status | verify ...]``.

Parsing, and the commands that do one thing and exit; ``bot/__main__.py`` starts the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import DatabaseSettings, load_settings

# The commands that do one thing and exit, besides verify.
ONE_SHOT = frozenset({"migrate", "grants", "status"})


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


def verify(args: argparse.Namespace) -> int:
    """A report on stdout, nothing logged; 0 valid, 1 not, 2 used wrongly."""
    from bot.telegram.formatting import entities_to_html
    from bot.verify.commands import verify_chain, verify_file

    if args.chain is not None:
        return verify_chain(args.chain)
    if args.file is None:
        print("verify needs a FILE or --chain CHAT_ID", file=sys.stderr)
        return 2
    return verify_file(args.file, entities_to_html, use_dns=not args.no_dns)


def operate(args: argparse.Namespace) -> int:
    """migrate, grants or status: each needs only the database's URL, read first so that a
    bad setting is reported before the heavy imports."""
    database_url = load_settings(DatabaseSettings).database_url
    if args.command == "grants":
        from bot.db.grants import grant_to

        return grant_to(database_url, args.role)
    if args.command == "migrate":
        from bot.db.migrate import upgrade

        upgrade(database_url)
        return 0
    from bot.app import print_status
    from bot.db.migrate import NotMigrated

    try:
        asyncio.run(print_status(database_url))
    except NotMigrated as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
