"""The signing terms as shipped in terms/: one file per version and language.

The SHA-256 is taken over the file's exact bytes, so ``sha256sum`` of the file (or of
the web page's download) gives the digest a party's acceptance and records name.
.gitattributes keeps git from changing the files' line ends.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from bot.core.people import SUPPORTED_LANGUAGES
from bot.paths import TERMS_DIR

# The version parties accept now; a new text is a new file and a new number, never an
# edit of a shipped one (parties accepted its digest).
CURRENT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Terms:
    version: int
    language: str
    content: bytes  # the file's bytes, UTF-8
    sha256: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    @property
    def file_name(self) -> str:
        return f"terms-v{self.version}.{self.language}.txt"


@functools.cache
def terms(version: int, language: str) -> Terms:
    """A shipped text; ValueError for a version or language there is none of."""
    if language not in SUPPORTED_LANGUAGES or not 1 <= version <= CURRENT_VERSION:
        raise ValueError(f"no terms v{version} in {language!r}")
    content = (TERMS_DIR / f"v{version}.{language}.txt").read_bytes()
    return Terms(version, language, content, hashlib.sha256(content).hexdigest())


def current_terms(language: str) -> Terms:
    return terms(CURRENT_VERSION, language)
