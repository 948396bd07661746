"""catalog snapshots for the next process, and indexes behind the programs table's change stamp

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_snapshots",
        sa.Column("stamp", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("cutoff_from", db.types.UTCDateTime(), nullable=True),
        sa.Column("cutoff_until", db.types.UTCDateTime(), nullable=True),
        sa.Column("built_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("stamp"),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_programs_closed_at"), ["closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_closed_at"))
        batch_op.drop_index(batch_op.f("ix_programs_updated_at"))
    op.drop_table("catalog_snapshots")
