"""The command line: ``python -m bot [run | migrate | grants ROLE | status | verify ...]``.

Parsing, and the commands that do one thing and exit; ``bot/__main__.py`` starts the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import DatabaseSettings, Settings, load_settings

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
    unsubscribe = commands.add_parser(
        "unsubscribe",
        help="stop the bot's mail to an address, as a mail to MAIL_UNSUBSCRIBE_MAILTO asks",
    )
    unsubscribe.add_argument(
        "who", help="the token in that mail's subject (only the bot makes one), or the address"
    )
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


def unsubscribe(args: argparse.Namespace) -> int:
    """What the operator runs for a request that reached MAIL_UNSUBSCRIBE_MAILTO (the bot
    reads no mail): its subject's token says the request came from a mail the bot sent to
    that address; an address alone is the operator's own decision. 0 done, 1 not a token."""
    who = args.who.strip().removeprefix("unsubscribe").strip()
    if "@" in who:
        database_url, address = load_settings(DatabaseSettings).database_url, who
    else:
        settings = load_settings(Settings)
        from bot.app import unsubscribe_links

        database_url, address = settings.database_url, unsubscribe_links(settings).address_of(who)
        if address is None:
            print("not an unsubscribe token this bot made (with this BOT_TOKEN)", file=sys.stderr)
            return 1
    from bot.app import unsubscribe_by_operator

    print(asyncio.run(unsubscribe_by_operator(database_url, address)))
    return 0


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
