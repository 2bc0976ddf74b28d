"""The languages the mail templates are translated into."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"


def normalize_language(language: str) -> str:
    """Map a language tag ("ru", "ru-RU", "RU") to a supported language, else English."""
    primary = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
