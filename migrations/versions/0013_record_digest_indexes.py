"""Indexes that find a record by its digest: the record page behind every mail (/r/<digest>).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_agreements_digest", "agreements", ["digest"])
    op.create_index("ix_amendments_digest", "amendments", ["digest"])


def downgrade() -> None:
    op.drop_index("ix_amendments_digest", table_name="amendments")
    op.drop_index("ix_agreements_digest", table_name="agreements")
