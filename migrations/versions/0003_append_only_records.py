"""Append-only records: the database refuses to change or remove what was recorded.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns that make up what was recorded. agreements.answer_message_id (the bot's own chat
# message) is bookkeeping and may still be set.
AGREEMENT_RECORD = (
    "chat_id, number, message_id, thread_id, title, text, entities, author_id, author_name, "
    "author_username, message_date, message_edit_date, marked_by_id, marked_at, record, "
    "digest, content_hash"
)
# table -> the columns an UPDATE may not touch (None: no UPDATE at all)
PROTECTED = {
    "agreements": AGREEMENT_RECORD,
    "parties": None,
    "message_versions": None,
    "acceptances": None,
    "amendments": None,
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END
            $$
            """
        )
        for table, columns in PROTECTED.items():
            update = f"UPDATE OF {columns}" if columns else "UPDATE"
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE {update} OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
        return
    for table, columns in PROTECTED.items():
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        for event, name in ((update, "no_update"), ("DELETE", "no_delete")):
            op.execute(
                f"CREATE TRIGGER {table}_{name} BEFORE {event} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION refuse_change()")
        return
    for table in PROTECTED:
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"DROP TRIGGER {table}_no_delete")
