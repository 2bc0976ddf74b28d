"""The e2e tests' reading of a bot's log file for ERRORs and tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.bot_errors import errors_in_file, unexpected

TEXT_LOG = """\
2026-12-07 17:55:38,442 INFO bot.app: started
2026-12-07 17:55:38,500 WARNING bot.mail.stamper: timestamp deferred digest=ab
2026-12-07 17:55:39,001 ERROR bot.mail.stamper: stamping failed
Traceback (most recent call last):
  File "bot/mail/stamper.py", line 1, in stamp_pending
sqlalchemy.exc.IntegrityError: UNIQUE constraint failed: mails.user_id, mails.topic
2026-12-07 17:55:39,100 INFO bot.app: still here
2026-12-07 17:55:40,000 WARNING asyncio: Task exception was never retrieved
Traceback (most recent call last):
ValueError: lost
2026-12-07 17:55:41,000 CRITICAL bot.app: giving up
"""


def test_a_text_log_yields_its_errors_with_their_tracebacks(tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    log.write_text(TEXT_LOG)
    errors = errors_in_file(log)
    assert [error.splitlines()[0][24:] for error in errors] == [
        "ERROR bot.mail.stamper: stamping failed",
        "WARNING asyncio: Task exception was never retrieved",
        "CRITICAL bot.app: giving up",
    ]
    assert "IntegrityError" in errors[0] and "ValueError: lost" in errors[1]
    assert unexpected(errors, [r"IntegrityError", r"giving up"]) == [errors[1]]


def test_a_traceback_before_any_log_line_counts(tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    log.write_text("Traceback (most recent call last):\nImportError: no bot\n")
    assert errors_in_file(log) == ["Traceback (most recent call last):\nImportError: no bot"]
    assert errors_in_file(tmp_path / "never-started.log") == []


def test_a_json_log_yields_its_errors(tmp_path: Path) -> None:
    events = [
        {"level": "INFO", "message": "started"},
        {"level": "ERROR", "message": "mail rejected mail=2"},
        {"level": "WARNING", "message": "odd", "exception": "Traceback (most recent call last)"},
    ]
    log = tmp_path / "bot.log"
    log.write_text("".join(json.dumps(event) + "\n" for event in events))
    assert [json.loads(error)["message"] for error in errors_in_file(log)] == [
        "mail rejected mail=2",
        "odd",
    ]
