"""Counterparts named by address and invited by mail, and the addresses whose owners
refused such mail.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SURROGATE_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "email_parties",
        sa.Column("id", SURROGATE_KEY, primary_key=True),
        sa.Column(
            "agreement_id",
            SURROGATE_KEY,
            sa.ForeignKey("agreements.id", name=op.f("fk_email_parties_agreement_id_agreements")),
            nullable=False,
        ),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column(
            "added_by_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", name=op.f("fk_email_parties_added_by_id_users")),
            nullable=False,
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_parties")),
        sa.UniqueConstraint(
            "agreement_id", "address", name=op.f("uq_email_parties_agreement_id_address")
        ),
        sa.CheckConstraint(
            "confirmed_at IS NULL OR refused_at IS NULL",
            name=op.f("ck_email_parties_confirmed_or_refused"),
        ),
    )
    op.create_index(
        "ix_email_parties_added_by_id_added_at", "email_parties", ["added_by_id", "added_at"]
    )
    op.create_table(
        "refused_addresses",
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column(
            "sender_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", name=op.f("fk_refused_addresses_sender_id_users")),
            nullable=False,
        ),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", "sender_id", name=op.f("pk_refused_addresses")),
    )


def downgrade() -> None:
    op.drop_table("refused_addresses")
    op.drop_index("ix_email_parties_added_by_id_added_at", table_name="email_parties")
    op.drop_table("email_parties")
