"""Indexes for the lookups a clinic makes every day: a lot by its number within a clinic
(recall), a course's sessions by state and date (the next booked visit), a client's
health screens by date (what is missing).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pigment_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pigment_lot_lot_number"))
        batch_op.create_index("ix_pigment_lot_clinic_lot", ["clinic_id", "lot_number"])
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_treatment_session_course_state_date", ["course_id", "state", "date"]
        )
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.create_index("ix_health_screen_client_taken", ["client_id", "taken_on"])


def downgrade() -> None:
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.drop_index("ix_health_screen_client_taken")
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.drop_index("ix_treatment_session_course_state_date")
    with op.batch_alter_table("pigment_lot", schema=None) as batch_op:
        batch_op.drop_index("ix_pigment_lot_clinic_lot")
        batch_op.create_index(batch_op.f("ix_pigment_lot_lot_number"), ["lot_number"])
