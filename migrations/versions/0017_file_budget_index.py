"""An index that sums the files a person had stored within a day (the file budget).

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_agreements_marked_by_marked_at", "agreements", ["marked_by_id", "marked_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_agreements_marked_by_marked_at", table_name="agreements")
