"""The public verify page, ``/verify``: a saved mail (.eml), or a record (.json) with its
timestamp (.tsr), checked as ``python -m bot verify FILE`` checks it (one implementation,
bot/verify/checks.py), each line in the reader's language.

Nothing is kept: the files are read into memory, checked and dropped; no name, byte or
result of them is stored or logged.
"""

from __future__ import annotations

import asyncio
import gettext
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.core.people import SUPPORTED_LANGUAGES
from bot.paths import LOCALES_DIR
from bot.telegram.formatting import entities_to_html
from bot.telegram.i18n import DOMAIN as CHECKS_DOMAIN
from bot.verify.checks import CheckSetup, Saved, check_saved, dkim_key_of, saved_kind
from bot.verify.integrity import Evidence, check_store
from bot.verify.verdict import Verdict
from bot.web.pages import PageRenderer, page_language
from bot.web.throttle import Throttle, client_address
from bot.web.uploads import MemoryBudget, Upload, UploadRefused, read_files

# The largest mail this bot writes carries a 20 MB file (the most Telegram hands a bot) in
# base64, about 28 MB with its text and record: every mail it sends fits.
MAX_UPLOAD_MB = 32
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# An upload that takes longer is cut off: a slow sender would hold its share of the upload
# memory (and of the checks' slots) for as long as it kept the connection open.
UPLOAD_SECONDS = 120.0
# Checks run at once: a large mail's check takes a core for a while, and the bot comes first.
CHECKS_AT_ONCE = 2
# Uploads held in memory at once, across clients; more are asked to come back shortly.
UPLOADS_IN_MEMORY_BYTES = 4 * MAX_UPLOAD_BYTES
STATUS_WORDS = {"VALID": "valid", "INVALID": "invalid", "NOT CHECKED": "not_checked"}


@dataclass(frozen=True, slots=True)
class ShownLine:
    status: str  # "valid", "invalid" or "not_checked": the template words it
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class ShownVerdict:
    outcome: str  # Outcome's value
    failed: int
    not_checked: list[str]
    lines: list[ShownLine]
    notes: list[str]
    record_digest: str | None  # when the store holds exactly this record: its page


class VerifyPage:
    def __init__(
        self,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession],
        renderer: PageRenderer,
        throttle: Throttle,
    ) -> None:
        self._session_factory = session_factory
        self._renderer = renderer
        self._throttle = throttle
        key, unusable = dkim_key_of(settings)
        self._setup = CheckSetup(
            entities_to_html,
            dkim_key=key,
            dkim_problem=unusable,
            mail_from_domain=settings.mail_from_domain,
            trusted_roots=settings.trusted_roots(),
        )
        self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)
        self._memory = MemoryBudget(UPLOADS_IN_MEMORY_BYTES)
        self._wording = {
            language: gettext.translation(CHECKS_DOMAIN, LOCALES_DIR, languages=[language]).gettext
            for language in SUPPORTED_LANGUAGES
        }

    def register(self, app: web.Application) -> None:
        app.router.add_get("/verify", self.page)
        app.router.add_post("/verify", self.check)

    async def page(self, request: web.Request) -> web.Response:
        return self._answer(request)

    async def check(self, request: web.Request) -> web.Response:
        if self._throttle.wait(client_address(request)) > 0:
            return self._answer(request, refused="throttled", status=429)
        try:
            declared = min(request.content_length or MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES)
            with self._memory.reserve(declared):  # more than that is refused unread
                try:
                    async with asyncio.timeout(UPLOAD_SECONDS):
                        files = await read_files(request, MAX_UPLOAD_BYTES, most=2)
                except TimeoutError:
                    raise UploadRefused("too_slow") from None
                evidence, stamp, problem = _sorted(files)
                if problem is not None:
                    return self._answer(request, refused=problem, files=files, status=422)
                async with self._checks:
                    verdict = await check_saved(evidence, self._setup, self._store, stamp=stamp)
        except UploadRefused as exc:
            status = {"too_large": 413, "busy": 503, "too_slow": 408}.get(exc.reason, 400)
            return self._answer(request, refused=exc.reason, status=status)
        shown = self._shown(verdict, self._wording[page_language(request)])
        return self._answer(request, verdict=shown, files=files)

    async def _store(self, evidence: Evidence, verdict: Verdict) -> None:
        async with self._session_factory() as session:
            await check_store(session, evidence, verdict)

    def _answer(
        self,
        request: web.Request,
        *,
        refused: str | None = None,
        verdict: ShownVerdict | None = None,
        files: list[Upload] | None = None,
        status: int = 200,
    ) -> web.Response:
        language = page_language(request)
        asked = request.query.get("lang")
        return self._renderer.page(
            "verify.html",
            language,
            status=status,
            action="/verify" + (f"?lang={language}" if asked == language else ""),
            refused=refused,
            verdict=verdict,
            files=[upload.name for upload in files or ()],
            max_upload_mb=MAX_UPLOAD_MB,
        )

    @staticmethod
    def _shown(verdict: Verdict, translate: Callable[[str], str]) -> ShownVerdict:
        lines = [
            ShownLine(
                STATUS_WORDS[line.status], translate(line.name), line.phrase.translated(translate)
            )
            for line in verdict.lines
        ]
        return ShownVerdict(
            outcome=verdict.outcome.value,
            failed=sum(line.status == "invalid" for line in lines),
            not_checked=list(dict.fromkeys(translate(name) for name in verdict.not_checked)),
            lines=lines,
            notes=[note.translated(translate) for note in verdict.notes],
            record_digest=verdict.record_digest,
        )


def _sorted(files: list[Upload]) -> tuple[bytes, bytes | None, str | None]:
    """The mail or record, its timestamp, or why these files can't be checked together."""
    if not files:
        return b"", None, "no_file"
    kinds = {saved_kind(upload.content): upload.content for upload in files}
    if Saved.OTHER in kinds:
        return b"", None, "not_evidence"
    if len(kinds) < len(files):  # two of a kind
        return b"", None, "too_many"
    if Saved.MAIL in kinds and len(kinds) > 1:
        # A mail carries its own record and timestamp: it is checked alone.
        return b"", None, "stamp_with_mail" if Saved.TIMESTAMP in kinds else "too_many"
    if Saved.MAIL in kinds:
        return kinds[Saved.MAIL], None, None
    if Saved.RECORD in kinds:
        return kinds[Saved.RECORD], kinds.get(Saved.TIMESTAMP), None
    return b"", None, "stamp_alone"
