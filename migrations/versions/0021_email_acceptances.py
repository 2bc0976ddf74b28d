"""Acceptances by email: a confirmed address accepts an edited version from its alert mail.

``email_acceptances`` holds each press (append-only, like ``acceptances``), with the
signing terms the press accepted. ``email_parties`` gains ``confirmed_at_version``: the
number of the message's latest version when the address confirmed (0: none yet). Its
acceptance is needed for later versions only; rows confirmed before this revision get the
number of versions the bot had received by then.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLE = "email_acceptances"
SET_TOGETHER = "(confirmed_at IS NULL) = (confirmed_at_version IS NULL)"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("email_parties") as batch:
        batch.add_column(sa.Column("confirmed_at_version", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE email_parties SET confirmed_at_version = ("
        "SELECT COALESCE(MAX(v.number), 0) FROM message_versions v "
        "WHERE v.agreement_id = email_parties.agreement_id "
        "AND v.received_at <= email_parties.confirmed_at"
        ") WHERE confirmed_at IS NOT NULL"
    )
    with op.batch_alter_table("email_parties") as batch:
        batch.create_check_constraint(
            op.f("ck_email_parties_version_when_confirmed"), SET_TOGETHER
        )
    op.create_table(
        TABLE,
        sa.Column("version_id", ID, nullable=False),
        sa.Column("email_party_id", ID, nullable=False),
        sa.Column("terms_acceptance_id", ID, nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "email_party_id", name=op.f("pk_email_acceptances")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["message_versions.id"],
            name=op.f("fk_email_acceptances_version_id_message_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["email_party_id"],
            ["email_parties.id"],
            name=op.f("fk_email_acceptances_email_party_id_email_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["terms_acceptance_id"],
            ["terms_acceptances.id"],
            name=op.f("fk_email_acceptances_terms_acceptance_id_terms_acceptances"),
        ),
    )
    if postgres:
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE "
            f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )
        return
    for event, name in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
        op.execute(
            f"CREATE TRIGGER {TABLE}_{name} BEFORE {event} ON {TABLE} BEGIN "
            f"SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_no_update")
        op.execute(f"DROP TRIGGER {TABLE}_no_delete")
    op.drop_table(TABLE)
    with op.batch_alter_table("email_parties") as batch:
        batch.drop_constraint(op.f("ck_email_parties_version_when_confirmed"), type_="check")
        batch.drop_column("confirmed_at_version")
