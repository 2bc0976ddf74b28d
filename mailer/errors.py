"""The one exception the sender raises."""


class MailDeliveryError(Exception):
    """Sending failed. `temporary` says whether trying the same message later may work
    (network trouble, 4xx replies) or not (5xx replies, a message the server refuses)."""

    def __init__(self, message: str, *, temporary: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.code = code  # the SMTP reply code, when there was one

    def __str__(self) -> str:
        kind = "temporary" if self.temporary else "permanent"
        return f"{self.args[0]} ({kind} failure)"


class SmtpConnectionError(MailDeliveryError):
    """The server could not be reached or refused the session (before any mail was sent):
    every mail would fail the same way, so a sender should stop and try again later."""
