"""Who accepted which version of the signing terms (terms/), append-only like the records.

A party accepts once per version: a Telegram account by its id, an email-only party (no
account) by its address. The row names the version, the language read and the SHA-256 of
that text's exact bytes. The same guards as the records' (0003, 0009): UPDATE and DELETE
refused by row triggers, TRUNCATE by a statement trigger on PostgreSQL.

A code remembers the version its request said sending it back accepts, so that /verify
accepts exactly what the person was told (not a version shipped in between).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "terms_acceptances"
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR address IS NOT NULL", name=op.f("ck_terms_acceptances_someone")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_terms_acceptances_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_acceptances")),
        sa.UniqueConstraint(
            "user_id", "version", name=op.f("uq_terms_acceptances_user_id_version")
        ),
    )
    with op.batch_alter_table("email_verifications") as batch_op:
        batch_op.add_column(sa.Column("terms_version", sa.Integer(), nullable=True))
    op.create_index(
        "uq_terms_acceptances_address_version",
        TABLE,
        ["address", "version"],
        unique=True,
        sqlite_where=sa.text("user_id IS NULL"),
        postgresql_where=sa.text("user_id IS NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # refuse_change() is 0003's.
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
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
    op.drop_index("uq_terms_acceptances_address_version", table_name=TABLE)
    op.drop_table(TABLE)
    with op.batch_alter_table("email_verifications") as batch_op:
        batch_op.drop_column("terms_version")
