"""An agreement's file stored once: each mail keeps where its base64 goes, not the bytes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import base64
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mails", recreate="never") as batch:
        batch.add_column(sa.Column("file_at", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Mails still to be sent get their file back: the older worker sends raw as it is.
    bind = op.get_bind()
    unsent = bind.execute(
        sa.text(
            "SELECT mails.id, mails.raw, mails.file_at, agreement_files.content FROM mails"
            " JOIN agreement_files ON agreement_files.agreement_id = mails.agreement_id"
            " WHERE mails.file_at IS NOT NULL AND mails.status = 'pending'"
        )
    ).all()
    for mail_id, raw, at, content in unsent:
        payload = base64.encodebytes(content).replace(b"\n", b"\r\n")
        bind.execute(
            sa.text("UPDATE mails SET raw = :raw WHERE id = :id"),
            {"raw": raw[:at] + payload + raw[at:], "id": mail_id},
        )
    with op.batch_alter_table("mails") as batch:
        batch.drop_column("file_at")
