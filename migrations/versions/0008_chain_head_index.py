"""An index that finds a chat's newest agreement without reading its history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_agreements_chat_marked_at", "agreements", ["chat_id", "marked_at"])


def downgrade() -> None:
    op.drop_index("ix_agreements_chat_marked_at", table_name="agreements")
