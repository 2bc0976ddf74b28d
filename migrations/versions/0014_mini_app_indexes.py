"""Indexes for the Mini App's list: a chat's agreements newest first (one short index scan
per chat a person may see), a person's agreements newest first (the index on parties' user
grows the agreement's id: without it PostgreSQL walked the whole primary key backwards to
read them in order), and the chats where the journal has seen a person write (the groups to
ask Telegram about).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_agreements_chat_id_id", "agreements", ["chat_id", "id"])
    op.create_index("ix_parties_user_id_agreement_id", "parties", ["user_id", "agreement_id"])
    op.drop_index("ix_parties_user_id", table_name="parties")
    op.create_index("ix_journal_author_id_chat_id", "journal", ["author_id", "chat_id"])


def downgrade() -> None:
    op.drop_index("ix_journal_author_id_chat_id", table_name="journal")
    op.create_index("ix_parties_user_id", "parties", ["user_id"])
    op.drop_index("ix_parties_user_id_agreement_id", table_name="parties")
    op.drop_index("ix_agreements_chat_id_id", table_name="agreements")
