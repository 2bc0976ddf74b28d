"""Confirmations by email: an invited address confirmed an agreement from its mail.

Each is a record of its own (``email_confirmations``, append-only like the other records)
with a place in the chat's chain: ``chain_entries`` gains ``confirmation_id`` and its check
becomes "exactly one of the three ids". ``timestamps`` gains ``confirmation_id``, so a
confirmation is stamped like an amendment and its mails wait for the token.

On SQLite changing a check constraint rebuilds the table, which drops its triggers: the
append-only triggers of ``chain_entries`` are made again after it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ONE_OF_TWO = "(agreement_id IS NULL) <> (amendment_id IS NULL)"
ONE_OF_THREE = (
    "(CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN amendment_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN confirmation_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "email_confirmations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("agreement_id", ID, nullable=False),
        sa.Column("email_party_id", ID, nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("confirmed_digest", sa.String(64), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_confirmations")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_email_confirmations_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["email_party_id"],
            ["email_parties.id"],
            name=op.f("fk_email_confirmations_email_party_id_email_parties"),
        ),
        sa.UniqueConstraint("email_party_id", name=op.f("uq_email_confirmations_email_party_id")),
    )
    op.create_index("ix_email_confirmations_digest", "email_confirmations", ["digest"])
    op.create_index("ix_email_confirmations_agreement_id", "email_confirmations", ["agreement_id"])
    with op.batch_alter_table("chain_entries") as batch:
        batch.add_column(sa.Column("confirmation_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_chain_entries_confirmation_id_email_confirmations"),
            "email_confirmations",
            ["confirmation_id"],
            ["id"],
        )
        batch.create_unique_constraint(
            op.f("uq_chain_entries_confirmation_id"), ["confirmation_id"]
        )
        batch.drop_constraint(op.f("ck_chain_entries_one_record"), type_="check")
        batch.create_check_constraint(op.f("ck_chain_entries_one_record"), ONE_OF_THREE)
    with op.batch_alter_table("timestamps") as batch:
        batch.add_column(sa.Column("confirmation_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_timestamps_confirmation_id_email_confirmations"),
            "email_confirmations",
            ["confirmation_id"],
            ["id"],
        )
    if postgres:
        op.execute(
            "CREATE TRIGGER email_confirmations_append_only BEFORE UPDATE OR DELETE "
            "ON email_confirmations FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER email_confirmations_no_truncate BEFORE TRUNCATE "
            "ON email_confirmations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )
        return
    for table in ("email_confirmations", "chain_entries"):
        _sqlite_append_only(table)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER email_confirmations_no_truncate ON email_confirmations")
        op.execute("DROP TRIGGER email_confirmations_append_only ON email_confirmations")
    else:
        op.execute("DROP TRIGGER email_confirmations_no_update")
        op.execute("DROP TRIGGER email_confirmations_no_delete")
    with op.batch_alter_table("timestamps") as batch:
        batch.drop_constraint(
            op.f("fk_timestamps_confirmation_id_email_confirmations"), type_="foreignkey"
        )
        batch.drop_column("confirmation_id")
    # Fails while a confirmation holds a place: the chain can't lose a record.
    with op.batch_alter_table("chain_entries") as batch:
        batch.drop_constraint(op.f("ck_chain_entries_one_record"), type_="check")
        batch.create_check_constraint(op.f("ck_chain_entries_one_record"), ONE_OF_TWO)
        batch.drop_constraint(op.f("uq_chain_entries_confirmation_id"), type_="unique")
        batch.drop_constraint(
            op.f("fk_chain_entries_confirmation_id_email_confirmations"), type_="foreignkey"
        )
        batch.drop_column("confirmation_id")
    if not postgres:
        _sqlite_append_only("chain_entries")  # the rebuilt table lost them
    op.drop_index("ix_email_confirmations_agreement_id", table_name="email_confirmations")
    op.drop_index("ix_email_confirmations_digest", table_name="email_confirmations")
    op.drop_table("email_confirmations")


def _sqlite_append_only(table: str) -> None:
    for event, name in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
        op.execute(
            f"CREATE TRIGGER {table}_{name} BEFORE {event} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
