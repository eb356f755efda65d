"""The practitioner's notes on a health screen: how a yes was adapted to (a latex
allergy, nitrile gloves), what the client added.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.drop_column("notes")
