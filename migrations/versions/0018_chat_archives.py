"""A chat's archive address: the archives set (and ended) by administrators, the chat each
is setting one up for, and the codes mailed to would-be archive addresses.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SURROGATE_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
IN_FORCE = sa.text("removed_at IS NULL")
MOMENT = sa.DateTime(timezone=True)


def _chat(table: str) -> sa.Column[int]:
    fk = sa.ForeignKey("chats.id", name=op.f(f"fk_{table}_chat_id_chats"))
    return sa.Column("chat_id", sa.BigInteger(), fk, nullable=False)


def _user(table: str, column: str, *, nullable: bool = False) -> sa.Column[int]:
    fk = sa.ForeignKey("users.id", name=op.f(f"fk_{table}_{column}_users"))
    return sa.Column(column, sa.BigInteger(), fk, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "chat_archives",
        sa.Column("id", SURROGATE_KEY, primary_key=True),
        _chat("chat_archives"),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        _user("chat_archives", "set_by_id"),
        sa.Column("set_at", MOMENT, nullable=False),
        _user("chat_archives", "removed_by_id", nullable=True),
        sa.Column("removed_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_archives")),
        sa.CheckConstraint(
            "removed_by_id IS NULL OR removed_at IS NOT NULL",
            name=op.f("ck_chat_archives_removed_by_whom"),
        ),
    )
    op.create_index(
        "uq_chat_archives_chat_id_in_force",
        "chat_archives",
        ["chat_id"],
        unique=True,
        sqlite_where=IN_FORCE,
        postgresql_where=IN_FORCE,
    )
    op.create_table(
        "archive_setups",
        _user("archive_setups", "user_id"),
        _chat("archive_setups"),
        sa.Column("started_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_archive_setups")),
    )
    op.create_table(
        "archive_codes",
        sa.Column("id", SURROGATE_KEY, primary_key=True),
        _chat("archive_codes"),
        _user("archive_codes", "admin_id"),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("attempts_left", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("confirmed_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_codes")),
        sa.CheckConstraint(
            "attempts_left >= 0", name=op.f("ck_archive_codes_attempts_not_negative")
        ),
    )
    op.create_index(
        "ix_archive_codes_admin_id_created_at", "archive_codes", ["admin_id", "created_at"]
    )
    op.create_index(
        "ix_archive_codes_address_created_at", "archive_codes", ["address", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_archive_codes_address_created_at", table_name="archive_codes")
    op.drop_index("ix_archive_codes_admin_id_created_at", table_name="archive_codes")
    op.drop_table("archive_codes")
    op.drop_table("archive_setups")
    op.drop_index("uq_chat_archives_chat_id_in_force", table_name="chat_archives")
    op.drop_table("chat_archives")
