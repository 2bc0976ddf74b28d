"""Mails to an address with no Telegram user behind it (an invited client, a chat's
archive): ``mails.user_id`` may be empty, and such mails are one per address and topic,
as a user's are one per user and topic.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_USER = sa.text("user_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("mails") as batch:
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=True)
    op.create_index(
        "uq_mails_to_address_topic_no_user",
        "mails",
        ["to_address", "topic"],
        unique=True,
        sqlite_where=NO_USER,
        postgresql_where=NO_USER,
    )


def downgrade() -> None:
    op.drop_index("uq_mails_to_address_topic_no_user", table_name="mails")
    op.execute("DELETE FROM mails WHERE user_id IS NULL")
    with op.batch_alter_table("mails") as batch:
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=False)
