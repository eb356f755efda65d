"""The web dashboard's sign-in: users with roles, signed-in sessions, login attempts (for
the rate limit), the first run's setup link and each clinic's calendar feed secret.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _clinic(table: str, *, nullable: bool = False) -> tuple[sa.Column[int], sa.Constraint]:
    column: sa.Column[int] = sa.Column("clinic_id", sa.Integer(), nullable=nullable)
    fk = sa.ForeignKeyConstraint(
        ["clinic_id"], ["clinic.id"], name=op.f(f"fk_{table}_clinic_id_clinic")
    )
    return column, fk


def upgrade() -> None:
    column, fk = _clinic("web_user")
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        column,
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        fk,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_user")),
        sa.UniqueConstraint("email", name=op.f("uq_web_user_email")),
    )
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_user_clinic_id"), ["clinic_id"], unique=False)

    column, fk = _clinic("web_session")
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        column,
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        fk,
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_user.id"], name=op.f("fk_web_session_user_id_web_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_web_session_token_sha256")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    column, fk = _clinic("login_attempt", nullable=True)
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        column,
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        fk,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index("ix_login_attempt_email_ip_at", ["email", "ip", "at"], unique=False)

    column, fk = _clinic("setup_token", nullable=True)
    op.create_table(
        "setup_token",
        sa.Column("id", sa.Integer(), nullable=False),
        column,
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        fk,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_setup_token_token_sha256")),
    )
    with op.batch_alter_table("setup_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_setup_token_clinic_id"), ["clinic_id"], unique=False)

    column, fk = _clinic("calendar_feed")
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        column,
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        fk,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("clinic_id", name=op.f("uq_calendar_feed_clinic_id")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_calendar_feed_secret_sha256")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
    with op.batch_alter_table("setup_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setup_token_clinic_id"))
    op.drop_table("setup_token")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_email_ip_at")
        batch_op.drop_index(batch_op.f("ix_login_attempt_clinic_id"))
    op.drop_table("login_attempt")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_web_session_clinic_id"))
    op.drop_table("web_session")
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_user_clinic_id"))
    op.drop_table("web_user")
