"""Tables. Telegram ids are 64-bit; every timestamp is aware and stored in UTC."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
SurrogateKey = BigInteger().with_variant(Integer(), "sqlite")


class User(Base):
    """A Telegram user the bot has met, with the profile last seen."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    email: Mapped[EmailBinding | None] = relationship(lazy="raise")


class EmailBinding(Base):
    """The verified address bound to a user; only these ever receive agreements."""

    __tablename__ = "email_bindings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320))
    verified_at: Mapped[datetime]


class Unsubscribe(Base):
    """An address that asked for no more mail from the bot: nothing but the codes it asks
    for goes there until it subscribes again (a row removed). Keyed by the address in
    lower case (bot/mail/unsubscribes.py), so each is stored once however it is written."""

    __tablename__ = "unsubscribes"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    unsubscribed_at: Mapped[datetime]
    # How: "link" (the page's button or a mail program's one-click POST), "bot", "mini_app",
    # "operator" (python -m bot unsubscribe).
    via: Mapped[str] = mapped_column(String(16))


class EmailVerification(Base):
    """A code sent to an address; it binds the address once confirmed."""

    __tablename__ = "email_verifications"
    __table_args__ = (
        Index("ix_email_verifications_user_created", "user_id", "created_at"),
        CheckConstraint("attempts_left >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str] = mapped_column(String(320))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts_left: Mapped[int]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # The signing terms' version that the request's answer and the code mail said sending
    # the code back accepts (None: they said nothing, the person had accepted it already).
    terms_version: Mapped[int | None]


class TermsAcceptance(Base):
    """A party accepted a version of the signing terms (terms/), in one language: once per
    version for a Telegram account, or for an address with no account. Never changed."""

    __tablename__ = "terms_acceptances"
    __table_args__ = (
        UniqueConstraint("user_id", "version"),
        CheckConstraint("user_id IS NOT NULL OR address IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str | None] = mapped_column(String(320))  # the confirmed one, if any
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))  # of the text's exact bytes
    accepted_at: Mapped[datetime]


# An email-only party (no account) accepts once per version and address (as confirmed).
Index(
    "uq_terms_acceptances_address_version",
    TermsAcceptance.address,
    TermsAcceptance.version,
    unique=True,
    sqlite_where=TermsAcceptance.user_id.is_(None),
    postgresql_where=TermsAcceptance.user_id.is_(None),
)


class Chat(Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(64))
    is_forum: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Agreement(Base):
    """A marked message. The record bytes and their digest never change."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        UniqueConstraint("chat_id", "number"),
        # the day's files of a person and of a chat (bot/agreements/file_budget.py)
        Index("ix_agreements_chat_marked_at", "chat_id", "marked_at"),
        Index("ix_agreements_marked_by_marked_at", "marked_by_id", "marked_at"),
        Index("ix_agreements_digest", "digest"),  # the record page (bot/web/record_pages.py)
        # a chat's newest first: the Mini App's list (bot/agreements/overview.py)
        Index("ix_agreements_chat_id_id", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    number: Mapped[int]
    message_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(Text)
    author_username: Mapped[str | None] = mapped_column(String(64))
    message_date: Mapped[datetime]
    message_edit_date: Mapped[datetime | None]
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime]
    record: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    # The bot's answer in the chat, edited as parties join; in the marker's language.
    answer_message_id: Mapped[int | None] = mapped_column(BigInteger)
    answer_language: Mapped[str] = mapped_column(String(8))
    # "user", or "chat"/"channel" for a message sent on behalf of one (author_id is then
    # the chat's id and the author is no party).
    author_kind: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # kind, file, size, sha256
    forwarded_from: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # forward_origin
    topic: Mapped[str | None] = mapped_column(Text)  # the forum topic's name, if known

    chat: Mapped[Chat] = relationship(lazy="raise")
    parties: Mapped[list[Party]] = relationship(
        lazy="raise", order_by=lambda: _party_order(), back_populates="agreement"
    )


class PartyRole(enum.StrEnum):
    AUTHOR = "author"
    MARKER = "marker"
    JOINED = "joined"


class Party(Base):
    __tablename__ = "parties"
    __table_args__ = (
        # a person's agreements, newest first (the private /agreements, the Mini App)
        Index("ix_parties_user_id_agreement_id", "user_id", "agreement_id"),
    )

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[PartyRole] = mapped_column(
        Enum(
            PartyRole, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    joined_at: Mapped[datetime]

    agreement: Mapped[Agreement] = relationship(lazy="raise", back_populates="parties")
    user: Mapped[User] = relationship(lazy="raise")


class EmailParty(Base):
    """A counterpart named by address (``/agree client@example.com``, or the Mini App),
    invited by mail. Confirming from the mail makes the address a party of this agreement;
    "not me" refuses it. Either is set once."""

    __tablename__ = "email_parties"
    __table_args__ = (
        UniqueConstraint("agreement_id", "address"),  # one invitation per agreement and address
        Index("ix_email_parties_added_by_id_added_at", "added_by_id", "added_at"),  # the limits
        CheckConstraint("confirmed_at IS NULL OR refused_at IS NULL", name="confirmed_or_refused"),
        CheckConstraint(
            "(confirmed_at IS NULL) = (confirmed_at_version IS NULL)",
            name="version_when_confirmed",
        ),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    address: Mapped[str] = mapped_column(String(320))  # normalized (bot/core/addresses)
    language: Mapped[str] = mapped_column(String(8))  # the invitation's: the adder's
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]
    # The message's latest version number when it confirmed (0: unedited). Its acceptance
    # is needed for later versions only (bot/mail/email_acceptors.py).
    confirmed_at_version: Mapped[int | None]


class RefusedAddress(Base):
    """An address whose owner said "this is not me / don't write to me again" to mail
    about what ``sender_id`` added. No invitation ever goes to an address with a row here,
    and nothing more goes to it for that sender."""

    __tablename__ = "refused_addresses"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    refused_at: Mapped[datetime]


class ChatArchive(Base):
    """A group's archive address: a copy of every record, alert and amendment of the chat
    goes there while it is set. Set by an administrator with a mailed code; a change or a
    removal ends the row (``removed_at``) and keeps it, so who set what, and when, stays."""

    __tablename__ = "chat_archives"
    __table_args__ = (
        # One archive in force per chat.
        Index(
            "uq_chat_archives_chat_id_in_force",
            "chat_id",
            unique=True,
            sqlite_where=sql_text("removed_at IS NULL"),
            postgresql_where=sql_text("removed_at IS NULL"),
        ),
        CheckConstraint("removed_by_id IS NULL OR removed_at IS NOT NULL", name="removed_by_whom"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    address: Mapped[str] = mapped_column(String(320))  # normalized (bot/core/addresses)
    language: Mapped[str] = mapped_column(String(8))  # its mails': the setter's
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime]
    # Who ended it: an administrator; None for an end nobody in Telegram asked for (the
    # address's owner refusing the mail, say).
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]


class ArchiveSetup(Base):
    """The chat an administrator is setting an archive address for, chosen by the link
    from the group: their next address in the private chat is for it."""

    __tablename__ = "archive_setups"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    started_at: Mapped[datetime]


class ArchiveCode(Base):
    """A code mailed to a would-be archive address; confirming it sets the archive. Kept
    like the codes of /email: hashed with the code key, tries counted down."""

    __tablename__ = "archive_codes"
    __table_args__ = (
        Index("ix_archive_codes_admin_id_created_at", "admin_id", "created_at"),
        Index("ix_archive_codes_address_created_at", "address", "created_at"),
        CheckConstraint("attempts_left >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    admin_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str] = mapped_column(String(320))  # normalized
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts_left: Mapped[int]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


def _party_order() -> tuple[Any, ...]:
    # Author first, then whoever marked it, then the others in the order they joined.
    role_rank = case({PartyRole.AUTHOR: 0, PartyRole.MARKER: 1}, value=Party.role, else_=2)
    return (role_rank, Party.joined_at, Party.user_id)


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Mail(Base):
    """An email written in the same transaction as its cause, then sent by the worker.

    ``topic`` names what the mail is about ("agreement:12", "edit-alert:5"); one mail per
    recipient and topic at most, which keeps a held mail, released on verification, from
    ever going out twice.
    """

    __tablename__ = "mails"
    __table_args__ = (
        UniqueConstraint("user_id", "topic"),
        # The same rule for a mail to an address with no Telegram user behind it.
        Index(
            "uq_mails_to_address_topic_no_user",
            "to_address",
            "topic",
            unique=True,
            sqlite_where=sql_text("user_id IS NULL"),
            postgresql_where=sql_text("user_id IS NULL"),
        ),
        Index("ix_mails_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_mails_agreement_id", "agreement_id"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(64))
    # None for an address that is nobody's Telegram account (an invited client, an archive).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    to_address: Mapped[str] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The mail as it goes out, less the agreement's file when ``file_at`` is set: the file's
    # base64 goes back in there from agreement_files at sending (stored once, not per mail).
    # Once sent, kept for the kinds a party's evidence pack holds (bot/mail/files.py
    # KEPT_KINDS), emptied for the others (a code mail's secret).
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    file_at: Mapped[int | None]
    status: Mapped[MailStatus] = mapped_column(
        Enum(
            MailStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=MailStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    # A mail that is useless after a while (a verification code) is not sent late.
    expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Taken by a worker until then; a replica that died leaves a claim that runs out.
    claimed_until: Mapped[datetime | None]


class MessageVersion(Base):
    """A later version of an agreed message, as Telegram reported an edit. Never changed."""

    __tablename__ = "message_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    number: Mapped[int]  # 1 for the first edit after marking, then 2, ...
    text: Mapped[str] = mapped_column(Text)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    editor_id: Mapped[int | None] = mapped_column(BigInteger)
    edit_date: Mapped[datetime]  # Telegram's
    received_at: Mapped[datetime]  # ours
    alert_id: Mapped[int] = mapped_column(ForeignKey("edit_alerts.id"))
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EditAlert(Base):
    """One chat alert and one email per party for a burst of edits of one message."""

    __tablename__ = "edit_alerts"
    __table_args__ = (Index("ix_edit_alerts_due", "mailed_at", "due_at"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    opened_at: Mapped[datetime]
    # Edits until then join this alert; its emails go out once it has passed.
    due_at: Mapped[datetime]
    mailed_at: Mapped[datetime | None]
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))


class Acceptance(Base):
    """A party accepted a given version as the new agreed text."""

    __tablename__ = "acceptances"

    version_id: Mapped[int] = mapped_column(ForeignKey("message_versions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    accepted_at: Mapped[datetime]


class EmailAcceptance(Base):
    """A confirmed address accepted a given version from its alert mail (the button on the
    page behind its link), under the signing terms the page showed. Never changed."""

    __tablename__ = "email_acceptances"

    version_id: Mapped[int] = mapped_column(ForeignKey("message_versions.id"), primary_key=True)
    email_party_id: Mapped[int] = mapped_column(ForeignKey("email_parties.id"), primary_key=True)
    terms_acceptance_id: Mapped[int] = mapped_column(ForeignKey("terms_acceptances.id"))
    accepted_at: Mapped[datetime]


class Amendment(Base):
    """A version every party accepted: a new immutable record naming the previous digest."""

    __tablename__ = "amendments"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        UniqueConstraint("version_id"),
        Index("ix_amendments_digest", "digest"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    number: Mapped[int]  # N.1, N.2, ...
    version_id: Mapped[int] = mapped_column(ForeignKey("message_versions.id"))
    text: Mapped[str] = mapped_column(Text)
    record: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    previous_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class EmailConfirmation(Base):
    """An invited address confirmed the agreement from its mail (the button on the page
    behind the invitation's link): a record of its own in the chat's chain. Never changed."""

    __tablename__ = "email_confirmations"
    __table_args__ = (
        UniqueConstraint("email_party_id"),  # an invitation is confirmed once
        Index("ix_email_confirmations_digest", "digest"),  # the record page
        Index("ix_email_confirmations_agreement_id", "agreement_id"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    email_party_id: Mapped[int] = mapped_column(ForeignKey("email_parties.id"))
    address: Mapped[str] = mapped_column(String(320))  # normalized, as the invitation's
    # The record that stood when the button was pressed: the agreement's, or its latest
    # amendment's.
    confirmed_digest: Mapped[str] = mapped_column(String(64))
    record: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ChainEntry(Base):
    """A record's place in its chat's hash chain: the order links were made in, under the
    chat's lock. The key refuses two records at one place; the record names the digest of
    the entry before it."""

    __tablename__ = "chain_entries"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN amendment_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN confirmation_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_record",
        ),
        UniqueConstraint("agreement_id"),
        UniqueConstraint("amendment_id"),
        UniqueConstraint("confirmation_id"),
    )

    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 1, 2, ...
    digest: Mapped[str] = mapped_column(String(64))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("email_confirmations.id"))

    # Set instead of the ids, so the record and its place are written in one flush.
    agreement: Mapped[Agreement | None] = relationship(lazy="raise")
    amendment: Mapped[Amendment | None] = relationship(lazy="raise")
    confirmation: Mapped[EmailConfirmation | None] = relationship(lazy="raise")


class JournalEntry(Base):
    """A message seen in a chat, kept for a while so its history and reactions can be used."""

    __tablename__ = "journal"
    __table_args__ = (
        # One row per version: the same content at the same moment is a redelivery or a
        # phantom edit; the same content later (a revert) is a version of its own.
        UniqueConstraint("chat_id", "message_id", "version_at", "content_hash"),
        Index("ix_journal_seen_at", "seen_at"),
        # the groups where a person wrote (bot/agreements/visibility.py)
        Index("ix_journal_author_id_chat_id", "author_id", "chat_id"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    author_first_name: Mapped[str | None] = mapped_column(Text)
    author_last_name: Mapped[str | None] = mapped_column(Text)
    author_username: Mapped[str | None] = mapped_column(String(64))
    author_is_bot: Mapped[bool] = mapped_column(default=False)
    date: Mapped[datetime]
    edit_date: Mapped[datetime | None]
    version_at: Mapped[datetime]  # edit_date, or date for the message as first sent
    text: Mapped[str | None] = mapped_column(Text)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime]


class HandledUpdate(Base):
    """An update whose handler ran: Telegram may deliver it again after a crash."""

    __tablename__ = "handled_updates"
    __table_args__ = (Index("ix_handled_updates_handled_at", "handled_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime]


class Timestamp(Base):
    """An RFC 3161 timestamp of a record (agreement, amendment or email confirmation),
    keyed by its digest.

    Pending while neither ``token`` nor ``given_up_at`` is set: the record's mails wait for
    it, so that they carry the token.
    """

    __tablename__ = "timestamps"
    __table_args__ = (Index("ix_timestamps_pending", "stamped_at", "given_up_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The stamped record: one of the three.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("email_confirmations.id"))
    requested_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    # The authority's whole DER reply (a .tsr file); its own time is inside.
    token: Mapped[bytes | None] = mapped_column(LargeBinary)
    stamped_at: Mapped[datetime | None]
    given_up_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class AgreementFile(Base):
    """The agreed message's file, kept to attach to emails written later (late parties)."""

    __tablename__ = "agreement_files"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class BusinessConnection(Base):
    """A Telegram Business account that connected the bot to its one-to-one chats."""

    __tablename__ = "business_connections"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the account's owner
    user_chat_id: Mapped[int] = mapped_column(BigInteger)  # the owner's chat with the bot
    can_reply: Mapped[bool]
    is_enabled: Mapped[bool]
    connected_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BusinessChat(Base):
    """An owner's chat with one client. Telegram names it by the client's id, the same for
    every owner, so each (owner, chat) gets a chat key of its own: BUSINESS_CHAT_BASE plus
    this row's id, beyond Telegram's 52-bit ids. Keyed by the owner, not the connection, so
    a reconnection continues the same chat (numbers, chain, tracked messages)."""

    __tablename__ = "business_chats"
    __table_args__ = (UniqueConstraint("owner_id", "telegram_chat_id"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    telegram_chat_id: Mapped[int] = mapped_column(BigInteger)


class MessageDeletion(Base):
    """Telegram reported the agreed message deleted; the record stands."""

    __tablename__ = "message_deletions"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    deleted_at: Mapped[datetime]  # when Telegram told the bot


class ForumTopic(Base):
    """A forum topic's name, learnt from the messages in it, for the emails."""

    __tablename__ = "forum_topics"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
