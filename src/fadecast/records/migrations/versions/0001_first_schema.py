"""The records' first schema: every table of :mod:`fadecast.records.models`, and
triggers that keep the audit log append-only.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic")),
        sa.UniqueConstraint("name", name=op.f("uq_clinic_name")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_audit_entry_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_clinic_at", ["clinic_id", "at"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_client_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("clinic_id", "ref", name=op.f("uq_client_clinic_id_ref")),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "consent_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_consent_form_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_form")),
        sa.UniqueConstraint(
            "clinic_id", "scope", "version", name=op.f("uq_consent_form_clinic_id_scope_version")
        ),
    )
    with op.batch_alter_table("consent_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_form_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "pigment_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pigment_class", sa.String(length=64), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("ingredients", sa.Text(), nullable=True),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_pigment_product_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pigment_product")),
        sa.UniqueConstraint(
            "clinic_id", "brand", "name", name=op.f("uq_pigment_product_clinic_id_brand_name")
        ),
    )
    with op.batch_alter_table("pigment_product", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pigment_product_clinic_id"), ["clinic_id"], unique=False
        )

    op.create_table(
        "practitioner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_practitioner_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_practitioner_clinic_id_name")),
    )
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practitioner_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("signed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_consent_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_consent_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["consent_form.id"], name=op.f("fk_consent_form_id_consent_form")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("area_cm2", sa.Float(), nullable=False),
        sa.Column("placement", sa.String(length=16), nullable=False),
        sa.Column("hairline", sa.Text(), nullable=True),
        sa.Column("design_notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_course_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_course_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "forecast_cache",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("p10", sa.Date(), nullable=True),
        sa.Column("p50", sa.Date(), nullable=True),
        sa.Column("p90", sa.Date(), nullable=True),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_forecast_cache_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_forecast_cache_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_forecast_cache")),
    )
    with op.batch_alter_table("forecast_cache", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_cache_clinic_id"), ["clinic_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_forecast_cache_p10"), ["p10"], unique=False)
        batch_op.create_index(batch_op.f("ix_forecast_cache_p50"), ["p50"], unique=False)
        batch_op.create_index(batch_op.f("ix_forecast_cache_p90"), ["p90"], unique=False)

    op.create_table(
        "health_screen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_health_screen_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_health_screen_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_screen")),
    )
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_screen_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_health_screen_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "pigment_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(length=64), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_pigment_lot_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["pigment_product.id"],
            name=op.f("fk_pigment_lot_product_id_pigment_product"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pigment_lot")),
        sa.UniqueConstraint(
            "product_id", "lot_number", name=op.f("uq_pigment_lot_product_id_lot_number")
        ),
    )
    with op.batch_alter_table("pigment_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pigment_lot_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pigment_lot_lot_number"), ["lot_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_pigment_lot_product_id"), ["product_id"], unique=False)

    op.create_table(
        "profile_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_profile_version_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_profile_version_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_version")),
        sa.UniqueConstraint(
            "client_id", "valid_from", name=op.f("uq_profile_version_client_id_valid_from")
        ),
    )
    with op.batch_alter_table("profile_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_profile_version_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_profile_version_clinic_id"), ["clinic_id"], unique=False
        )

    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("width_px", sa.Integer(), nullable=False),
        sa.Column("height_px", sa.Integer(), nullable=False),
        sa.Column("mm_per_px", sa.Float(), nullable=True),
        sa.Column("measurement", sa.JSON(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_photo_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_photo_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_photo_consent_id_consent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo")),
        sa.UniqueConstraint("clinic_id", "sha256", name=op.f("uq_photo_clinic_id_sha256")),
    )
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photo_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "treatment_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("needle_config", sa.String(length=64), nullable=True),
        sa.Column("needle_lot", sa.String(length=64), nullable=True),
        sa.Column("pigment_lot_id", sa.Integer(), nullable=True),
        sa.Column("dilution", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_treatment_session_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_treatment_session_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["pigment_lot_id"],
            ["pigment_lot.id"],
            name=op.f("fk_treatment_session_pigment_lot_id_pigment_lot"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_treatment_session_practitioner_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_session")),
    )
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_treatment_session_clinic_date", ["clinic_id", "date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_session_clinic_id"), ["clinic_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_session_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_session_pigment_lot_id"), ["pigment_lot_id"], unique=False
        )

    _audit_append_only()


#: The audit log takes new rows only: the database itself refuses to change or delete one.
_REFUSAL = "the audit log is append-only"


def _audit_append_only() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_REFUSAL}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{event.lower()} BEFORE {event} ON audit_entry "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
            )


def _drop_audit_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_entry_no_{event}")


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_session_pigment_lot_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_session_course_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_session_clinic_id"))
        batch_op.drop_index("ix_treatment_session_clinic_date")

    op.drop_table("treatment_session")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_clinic_id"))
        batch_op.drop_index(batch_op.f("ix_photo_client_id"))

    op.drop_table("photo")
    with op.batch_alter_table("profile_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_version_clinic_id"))
        batch_op.drop_index(batch_op.f("ix_profile_version_client_id"))

    op.drop_table("profile_version")
    with op.batch_alter_table("pigment_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pigment_lot_product_id"))
        batch_op.drop_index(batch_op.f("ix_pigment_lot_lot_number"))
        batch_op.drop_index(batch_op.f("ix_pigment_lot_clinic_id"))

    op.drop_table("pigment_lot")
    with op.batch_alter_table("health_screen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_screen_clinic_id"))
        batch_op.drop_index(batch_op.f("ix_health_screen_client_id"))

    op.drop_table("health_screen")
    with op.batch_alter_table("forecast_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_cache_p90"))
        batch_op.drop_index(batch_op.f("ix_forecast_cache_p50"))
        batch_op.drop_index(batch_op.f("ix_forecast_cache_p10"))
        batch_op.drop_index(batch_op.f("ix_forecast_cache_clinic_id"))

    op.drop_table("forecast_cache")
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_clinic_id"))
        batch_op.drop_index(batch_op.f("ix_course_client_id"))

    op.drop_table("course")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_clinic_id"))
        batch_op.drop_index(batch_op.f("ix_consent_client_id"))

    op.drop_table("consent")
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioner_clinic_id"))

    op.drop_table("practitioner")
    with op.batch_alter_table("pigment_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pigment_product_clinic_id"))

    op.drop_table("pigment_product")
    with op.batch_alter_table("consent_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_form_clinic_id"))

    op.drop_table("consent_form")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_clinic_id"))

    op.drop_table("client")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_clinic_at")

    op.drop_table("audit_entry")
    op.drop_table("clinic")
