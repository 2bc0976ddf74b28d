"""Indexes that sum the files a person, and a chat, had stored within a day (the file budget).

0009 dropped the chat's index on marked_at when the chain moved to positions; the chat's
budget needs it again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_agreements_marked_by_marked_at", "agreements", ["marked_by_id", "marked_at"]
    )
    op.create_index("ix_agreements_chat_marked_at", "agreements", ["chat_id", "marked_at"])


def downgrade() -> None:
    op.drop_index("ix_agreements_chat_marked_at", table_name="agreements")
    op.drop_index("ix_agreements_marked_by_marked_at", table_name="agreements")
