"""Each chat's chain in the order its links were made, and append-only guards for TRUNCATE.

``chain_entries`` gives every record (agreement or amendment) a place in its chat's chain,
taken under the chat's lock; its key refuses two records at one place. Existing records
get their places in the order the chain was read before: by time, agreements before
amendments, then by number.

On PostgreSQL the append-only tables also refuse TRUNCATE (statement triggers), which the
row triggers of 0003 and 0006 do not see. SQLite's REPLACE is refused by the DELETE
triggers once recursive triggers are on, which every connection of the bot turns on
(bot/db/engine.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Every table whose rows are records or what records rest on, this revision's included.
APPEND_ONLY = (
    "agreements",
    "parties",
    "message_versions",
    "acceptances",
    "amendments",
    "agreement_files",
    "message_deletions",
    "chain_entries",
)
PLACES_BY_THE_OLD_ORDER = """
INSERT INTO chain_entries (chat_id, position, digest, agreement_id, amendment_id)
SELECT chat_id,
       ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY at, kind, number, k),
       digest, agreement_id, amendment_id
FROM (
    SELECT chat_id, marked_at AS at, 0 AS kind, number, 0 AS k, digest,
           id AS agreement_id, CAST(NULL AS BIGINT) AS amendment_id
    FROM agreements
    UNION ALL
    SELECT a.chat_id, m.created_at, 1, a.number, m.number, m.digest,
           CAST(NULL AS BIGINT), m.id
    FROM amendments m JOIN agreements a ON a.id = m.agreement_id
) AS records
"""


def upgrade() -> None:
    op.create_table(
        "chain_entries",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", ID, nullable=True),
        sa.Column("amendment_id", ID, nullable=True),
        sa.CheckConstraint(
            "(agreement_id IS NULL) <> (amendment_id IS NULL)",
            name=op.f("ck_chain_entries_one_record"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_chain_entries_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendments.id"],
            name=op.f("fk_chain_entries_amendment_id_amendments"),
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_chain_entries_chat_id_chats")
        ),
        sa.PrimaryKeyConstraint("chat_id", "position", name=op.f("pk_chain_entries")),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_chain_entries_agreement_id")),
        sa.UniqueConstraint("amendment_id", name=op.f("uq_chain_entries_amendment_id")),
    )
    op.execute(PLACES_BY_THE_OLD_ORDER)
    # The chain's head is now the chat's last place, found by the primary key.
    op.drop_index("ix_agreements_chat_marked_at", table_name="agreements")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            "CREATE TRIGGER chain_entries_append_only BEFORE UPDATE OR DELETE ON chain_entries "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
            )
        return
    for event, name in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
        op.execute(
            f"CREATE TRIGGER chain_entries_{name} BEFORE {event} ON chain_entries BEGIN "
            "SELECT RAISE(ABORT, 'chain_entries is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER chain_entries_append_only ON chain_entries")
    else:
        op.execute("DROP TRIGGER chain_entries_no_update")
        op.execute("DROP TRIGGER chain_entries_no_delete")
    op.create_index("ix_agreements_chat_marked_at", "agreements", ["chat_id", "marked_at"])
    op.drop_table("chain_entries")
