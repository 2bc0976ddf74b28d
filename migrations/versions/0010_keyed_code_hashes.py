"""Verification codes hashed with a key, and no code left readable in the outbox.

Codes waiting at the upgrade were hashed without the key: they are expired rather than
kept working for their last minutes (ask for a new one), and their unsent mails are
given up. Every code mail's bytes are wiped: sent, refused or given up, none is needed.
A downgrade leaves the data as it is (the wiped bytes are gone; new codes won't match the
old code's hashing until requested again).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INVALIDATED = "code invalidated by the upgrade to keyed code hashes"

verifications = sa.table(
    "email_verifications",
    sa.column("confirmed_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)
mails = sa.table(
    "mails",
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("raw", sa.LargeBinary),
    sa.column("last_error", sa.Text),
    sa.column("claimed_until", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    now = datetime.now(UTC)
    op.execute(
        verifications.update()
        .where(verifications.c.confirmed_at.is_(None), verifications.c.expires_at > now)
        .values(expires_at=now)
    )
    codes = mails.c.kind == "verification_code"
    op.execute(
        mails.update()
        .where(codes, mails.c.status == "pending")
        .values(status="failed", last_error=INVALIDATED, claimed_until=None)
    )
    op.execute(mails.update().where(codes).values(raw=b""))


def downgrade() -> None:
    pass  # nothing to restore: the old hashes and the wiped bytes are gone for good
