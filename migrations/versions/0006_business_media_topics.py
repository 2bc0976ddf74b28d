"""Business connections and chats, media and forwards of agreed messages, deletions, topics.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
# The agreement columns an UPDATE may not touch, now with what this revision adds.
RECORDED = (
    "chat_id, number, message_id, thread_id, title, text, entities, author_id, author_name, "
    "author_username, message_date, message_edit_date, marked_by_id, marked_at, record, "
    "digest, content_hash"
)
NEW_RECORDED = RECORDED + ", author_kind, media, forwarded_from, topic"
# What a record's file and a deletion notice rest on: never changed or removed.
APPEND_ONLY = ("agreement_files", "message_deletions")


def upgrade() -> None:
    with op.batch_alter_table("agreements", recreate="never") as batch:
        batch.add_column(
            sa.Column("author_kind", sa.String(16), server_default="user", nullable=False)
        )
        batch.add_column(sa.Column("media", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("forwarded_from", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("topic", sa.Text(), nullable=True))
    with op.batch_alter_table("message_versions", recreate="never") as batch:
        batch.add_column(sa.Column("media", sa.JSON(), nullable=True))
    _protect_agreements(NEW_RECORDED)
    op.create_table(
        "agreement_files",
        sa.Column("agreement_id", ID, nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_files_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_files")),
    )
    op.create_table(
        "business_connections",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("can_reply", sa.Boolean(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("connected_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_business_connections_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_connections")),
    )
    op.create_table(
        "business_chats",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_business_chats_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_chats")),
        sa.UniqueConstraint(
            "owner_id",
            "telegram_chat_id",
            name=op.f("uq_business_chats_owner_id_telegram_chat_id"),
        ),
    )
    op.create_table(
        "message_deletions",
        sa.Column("agreement_id", ID, nullable=False),
        sa.Column("deleted_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_message_deletions_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_message_deletions")),
    )
    for table in APPEND_ONLY:
        _refuse_changes(table)
    op.create_table(
        "forum_topics",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "thread_id", name=op.f("pk_forum_topics")),
    )


def downgrade() -> None:
    for table in APPEND_ONLY:
        _allow_changes(table)
    for table in ("forum_topics", "message_deletions", "business_chats"):
        op.drop_table(table)
    op.drop_table("business_connections")
    op.drop_table("agreement_files")
    _protect_agreements(RECORDED)
    with op.batch_alter_table("message_versions", recreate="never") as batch:
        batch.drop_column("media")
    with op.batch_alter_table("agreements", recreate="never") as batch:
        batch.drop_column("topic")
        batch.drop_column("forwarded_from")
        batch.drop_column("media")
        batch.drop_column("author_kind")


def _protect_agreements(columns: str) -> None:
    """Re-create the trigger that keeps the recorded columns of agreements unchanged."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER agreements_append_only ON agreements")
        op.execute(
            f"CREATE TRIGGER agreements_append_only BEFORE UPDATE OF {columns} OR DELETE "
            "ON agreements FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        return
    op.execute("DROP TRIGGER agreements_no_update")
    op.execute(
        f"CREATE TRIGGER agreements_no_update BEFORE UPDATE OF {columns} ON agreements BEGIN "
        "SELECT RAISE(ABORT, 'agreements is append-only'); END"
    )


def _refuse_changes(table: str) -> None:
    """The refuse_change() function and the trigger style of revision 0003."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        return
    for event, name in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
        op.execute(
            f"CREATE TRIGGER {table}_{name} BEFORE {event} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def _allow_changes(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        return
    op.execute(f"DROP TRIGGER {table}_no_update")
    op.execute(f"DROP TRIGGER {table}_no_delete")
