"""RFC 3161 timestamps of records, when TSA_URL is set.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "timestamps",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "amendment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=True),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_timestamps_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendments.id"], name=op.f("fk_timestamps_amendment_id_amendments")
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_timestamps")),
    )
    op.create_index("ix_timestamps_pending", "timestamps", ["stamped_at", "given_up_at"])


def downgrade() -> None:
    op.drop_index("ix_timestamps_pending", table_name="timestamps")
    op.drop_table("timestamps")
