"""Edits of agreed messages: versions, alerts, acceptances, amendments; the chat journal.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("author_first_name", sa.Text(), nullable=True),
        sa.Column("author_last_name", sa.Text(), nullable=True),
        sa.Column("author_username", sa.String(length=64), nullable=True),
        sa.Column("author_is_bot", sa.Boolean(), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edit_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
        sa.UniqueConstraint(
            "chat_id",
            "message_id",
            "version_at",
            "content_hash",
            name=op.f("uq_journal_chat_id_message_id_version_at_content_hash"),
        ),
    )
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.create_index("ix_journal_seen_at", ["seen_at"], unique=False)

    op.create_table(
        "edit_alerts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chat_message_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_edit_alerts_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edit_alerts")),
    )
    with op.batch_alter_table("edit_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_edit_alerts_due", ["mailed_at", "due_at"], unique=False)

    op.create_table(
        "message_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("editor_id", sa.BigInteger(), nullable=True),
        sa.Column("edit_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_message_versions_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["edit_alerts.id"], name=op.f("fk_message_versions_alert_id_edit_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_versions")),
        sa.UniqueConstraint(
            "agreement_id", "number", name=op.f("uq_message_versions_agreement_id_number")
        ),
    )
    op.create_table(
        "acceptances",
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_acceptances_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["message_versions.id"],
            name=op.f("fk_acceptances_version_id_message_versions"),
        ),
        sa.PrimaryKeyConstraint("version_id", "user_id", name=op.f("pk_acceptances")),
    )
    op.create_table(
        "amendments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("previous_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_amendments_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["message_versions.id"],
            name=op.f("fk_amendments_version_id_message_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
        sa.UniqueConstraint(
            "agreement_id", "number", name=op.f("uq_amendments_agreement_id_number")
        ),
        sa.UniqueConstraint("version_id", name=op.f("uq_amendments_version_id")),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
    _backfill_content_hashes()
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("content_hash", nullable=False)


def _backfill_content_hashes() -> None:
    # Same rule as bot.evidence.records.content_hash, written out so this revision keeps
    # meaning what it meant even if the application's code changes later.
    agreements = sa.table(
        "agreements",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("entities", sa.JSON),
        sa.column("content_hash", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(agreements.c.id, agreements.c.text, agreements.c.entities))
    keys = ("type", "offset", "length", "url", "language", "custom_emoji_id")
    for agreement_id, text, entities in rows.all():
        visible = []
        for entity in entities or []:
            shown = {key: entity[key] for key in keys if key in entity}
            if "user" in entity:
                shown["user_id"] = entity["user"].get("id")
            visible.append(shown)
        visible.sort(key=lambda e: (e["offset"], e["length"], e["type"]))
        document = {"entities": visible, "text": text}
        canonical = json.dumps(
            document, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()
        connection.execute(
            agreements.update()
            .where(agreements.c.id == agreement_id)
            .values(content_hash=hashlib.sha256(canonical).hexdigest())
        )


def downgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    op.drop_table("amendments")
    op.drop_table("acceptances")
    op.drop_table("message_versions")
    with op.batch_alter_table("edit_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_edit_alerts_due")

    op.drop_table("edit_alerts")
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_seen_at")

    op.drop_table("journal")
