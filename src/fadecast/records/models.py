"""The clinic's records as SQLAlchemy 2 typed ORM classes, one table each.

Every row belongs to a clinic (the tenant): each table but ``clinic`` carries
``clinic_id``, and every query in :mod:`fadecast.records` is scoped by it. Dates are
calendar dates; moments (``*_at``) are naive UTC datetimes, to the second. Free text is
kept as given. The schema is created and changed only by the Alembic migrations in
``fadecast/records/migrations`` (:func:`fadecast.records.database.upgrade`), never by
``create_all``, so that a database always says which version of the schema it holds.

The tables, by what a clinic keeps:

- **who**: :class:`Clinic`, :class:`Practitioner`, :class:`Client` (identity) and
  :class:`ProfileVersion` (the forecast's inputs for a client, dated: the version in
  force on a day is the latest one from on or before it);
- **what was done**: :class:`Course` (a treatment course: area, design, placement) and
  its :class:`TreatmentSession` rows, each with its :class:`PigmentLot` of a
  :class:`PigmentProduct`;
- **what was agreed**: :class:`ConsentForm` (versioned text and its sha256),
  :class:`Consent` (signed, revocable) and :class:`HealthScreen`;
- **what was seen**: :class:`Photo` (a file of the photo store, with its measurement);
- **what was computed**: :class:`ForecastCache` (a client's forecast, with the model
  version and the hash of its inputs);
- **what happened**: :class:`AuditEntry` (append-only; the database refuses to change or
  delete a row of it);
- **who may sign in** (the web dashboard, :mod:`fadecast.records.users`):
  :class:`WebUser` (a login with a role at a clinic), :class:`WebSession` (a signed-in
  browser), :class:`LoginAttempt` (for the rate limit), :class:`SetupToken` (the first
  run's one-time link) and :class:`CalendarFeed` (the secret of a clinic's calendar
  feed). Tokens and secrets are kept only as their sha256, passwords as argon2id hashes;
  these tables (:data:`WEB_AUTH_TABLES`) are the web app's, not the clinic's records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "CONSENT_SCOPES",
    "SESSION_KINDS",
    "SESSION_STATES",
    "USER_ROLES",
    "WEB_AUTH_TABLES",
    "AuditEntry",
    "Base",
    "CalendarFeed",
    "Client",
    "Clinic",
    "Consent",
    "ConsentForm",
    "Course",
    "ForecastCache",
    "HealthScreen",
    "LoginAttempt",
    "Photo",
    "PigmentLot",
    "PigmentProduct",
    "Practitioner",
    "ProfileVersion",
    "SetupToken",
    "TreatmentSession",
    "WebSession",
    "WebUser",
]

#: What a session is for. The first three restore or build the look the forecast
#: follows (they set the pigment's load); the others change the design.
SESSION_KINDS = ("initial", "perfecting", "touch-up", "extension", "design", "correction")
#: A session's state: booked (a future appointment), open (done, record incomplete),
#: closed (its record complete: a pigment lot, its consents).
SESSION_STATES = ("booked", "open", "closed")
#: The separate things a client consents to (each signed and revoked on its own).
CONSENT_SCOPES = (
    "procedure",
    "aftercare_received",
    "data_processing",
    "photos_record",
    "photos_marketing",
)
#: What a user of the web dashboard may be: the clinic's owner (everything, users and
#: the calendar feed included), a practitioner (clients, sessions, photos), the front
#: desk (clients' contacts and bookings, no health answers) or a guest practitioner
#: (treats, sees no contact details).
USER_ROLES = ("owner", "practitioner", "front_desk", "guest")
#: The tables of the web app's sign-in (users, sessions, login attempts, the setup
#: link, the calendar feed's secret): not the clinic's records proper.
WEB_AUTH_TABLES = ("web_user", "web_session", "login_attempt", "setup_token", "calendar_feed")

#: Constraint names fixed by convention, so that migrations can name what they change.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The records' declarative base (one :class:`~sqlalchemy.MetaData`)."""

    metadata = MetaData(naming_convention=NAMING)


def _clinic_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("clinic.id"), index=True)


class Clinic(Base):
    """A clinic: the tenant every other row belongs to (a group has several)."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Practitioner(Base):
    """Someone who treats clients at a clinic."""

    __tablename__ = "practitioner"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Client(Base):
    """A client's identity and contacts (what the forecast needs is in
    :class:`ProfileVersion`). ``ref`` is the clinic's own reference, unique within it."""

    __tablename__ = "client"
    __table_args__ = (UniqueConstraint("clinic_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    ref: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: When the client's identity was anonymised under the retention rule (None: not).
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    profiles: Mapped[list[ProfileVersion]] = relationship(
        back_populates="client", order_by="ProfileVersion.valid_from"
    )
    courses: Mapped[list[Course]] = relationship(
        back_populates="client", order_by="Course.started_on"
    )


class ProfileVersion(Base):
    """A client's forecast inputs from ``valid_from`` on: the profile's ``person``
    (less the birth year, which is the client's), ``place``, ``lifestyle``, ``hair``,
    ``goals``, ``costs`` and ``forecast`` tables as JSON, in the profile file's layout
    (docs/profile.md). The treatment (pigment, placement, session dates) and the
    measurements come from the records themselves."""

    __tablename__ = "profile_version"
    __table_args__ = (UniqueConstraint("client_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    client: Mapped[Client] = relationship(back_populates="profiles")


class Course(Base):
    """A treatment course: the area treated and its design, and its sessions."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    area_cm2: Mapped[float] = mapped_column(Float)
    #: Depth the pigment is placed at, as the forecast takes it (optimal, shallow, deep).
    placement: Mapped[str] = mapped_column(String(16), default="optimal")
    hairline: Mapped[str | None] = mapped_column(Text)
    design_notes: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship(back_populates="courses")
    sessions: Mapped[list[TreatmentSession]] = relationship(
        back_populates="course", order_by="TreatmentSession.date"
    )


class PigmentProduct(Base):
    """A pigment as sold: brand and name, the fadecast pigment class it behaves as, and
    its label (EU REACH Annex XVII entry 75: ingredients and warnings, to be given to
    the client)."""

    __tablename__ = "pigment_product"
    __table_args__ = (UniqueConstraint("clinic_id", "brand", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    brand: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    #: A pigment class of the forecast's catalogue (carbon-black, iron-oxide, ...).
    pigment_class: Mapped[str] = mapped_column(String(64))
    supplier: Mapped[str | None] = mapped_column(String(200))
    ingredients: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[str | None] = mapped_column(Text)

    lots: Mapped[list[PigmentLot]] = relationship(back_populates="product")


class PigmentLot(Base):
    """A batch of a pigment product: its lot number (unique per product), expiry and
    the day the bottle was opened."""

    __tablename__ = "pigment_lot"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_number"),
        Index("ix_pigment_lot_clinic_lot", "clinic_id", "lot_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("pigment_product.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(64))
    expiry: Mapped[dt.date] = mapped_column(Date)
    opened_on: Mapped[dt.date | None] = mapped_column(Date)

    product: Mapped[PigmentProduct] = relationship(back_populates="lots")


class TreatmentSession(Base):
    """One session of a course: when, by whom, what kind, with what needle and pigment."""

    __tablename__ = "treatment_session"
    __table_args__ = (
        Index("ix_treatment_session_clinic_date", "clinic_id", "date"),
        Index("ix_treatment_session_course_state_date", "course_id", "state", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8), default="open")
    needle_config: Mapped[str | None] = mapped_column(String(64))
    needle_lot: Mapped[str | None] = mapped_column(String(64))
    pigment_lot_id: Mapped[int | None] = mapped_column(ForeignKey("pigment_lot.id"), index=True)
    #: Pigment share of the mixture (1: undiluted). [1]
    dilution: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship(back_populates="sessions")
    pigment_lot: Mapped[PigmentLot | None] = relationship()
    practitioner: Mapped[Practitioner | None] = relationship()


class ConsentForm(Base):
    """One version of a consent form's text, with its sha256 (what was signed)."""

    __tablename__ = "consent_form"
    __table_args__ = (UniqueConstraint("clinic_id", "scope", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    scope: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Consent(Base):
    """A client's signature on one form: who signed, when, and where it came from (in
    clinic on paper, a tablet, a link); revocable (``revoked_at``)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("consent_form.id"))
    signed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    form: Mapped[ConsentForm] = relationship()


class HealthScreen(Base):
    """A client's answers to the health screen on a day, the contraindications they
    raise (:data:`fadecast.records.consents.HEALTH_QUESTIONS`) and the practitioner's
    notes."""

    __tablename__ = "health_screen"
    __table_args__ = (Index("ix_health_screen_client_taken", "client_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    flagged: Mapped[list[Any]] = mapped_column(JSON)
    #: What the practitioner noted: how a yes was adapted to, what the client added.
    notes: Mapped[str | None] = mapped_column(Text)


class Photo(Base):
    """A photo of the record: a file of the content-addressed store (named by the
    sha256 of its stripped bytes), the consent that allows it, and its measurement
    (``fadecast measure``'s figures, None when it could not be measured)."""

    __tablename__ = "photo"
    __table_args__ = (UniqueConstraint("clinic_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    taken_on: Mapped[dt.date] = mapped_column(Date)
    width_px: Mapped[int] = mapped_column(Integer)
    height_px: Mapped[int] = mapped_column(Integer)
    mm_per_px: Mapped[float | None] = mapped_column(Float)
    measurement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ForecastCache(Base):
    """A client's latest forecast: its touch-up dates (P10, median, P90, personal when
    photos calibrated it), kept with the model version and the sha256 of the inputs it
    was made from, so that it is recomputed when either changes."""

    __tablename__ = "forecast_cache"

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    model_version: Mapped[str] = mapped_column(String(32))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    p10: Mapped[dt.date | None] = mapped_column(Date, index=True)
    p50: Mapped[dt.date | None] = mapped_column(Date, index=True)
    p90: Mapped[dt.date | None] = mapped_column(Date, index=True)
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEntry(Base):
    """One thing done to the records: who, what, to which row, when. Rows are only
    ever added (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_clinic_at", "clinic_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    #: create, change, delete, export, import, view, anonymise.
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class WebUser(Base):
    """Someone who signs in to the web dashboard: an e-mail address (unique across the
    records, so that signing in needs no clinic name), a name to show, a role
    (:data:`USER_ROLES`) at one clinic, and the argon2id hash of their password."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    #: Kept in lower case, as typed otherwise.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    #: argon2id, in its PHC string form (algorithm, parameters, salt and hash).
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser: the sha256 of the random token its cookie holds (the token
    itself is never stored), its user, when it began, was last seen and ends, and the
    token its forms must carry (against cross-site request forgery)."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = _clinic_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)

    user: Mapped[WebUser] = relationship()


class LoginAttempt(Base):
    """One try at signing in: the e-mail given (lower case), the address it came from,
    when, and whether it succeeded (the rate limit counts the failures)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_ip_at", "email", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The clinic of the user the e-mail names (None: no such user).
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class SetupToken(Base):
    """A one-time setup link: the sha256 of its random token, when it was made, when it
    expires, and when it was used (and for which clinic). The first run's link may
    claim any clinic (``clinic_id`` None until used); a link made for one clinic of a
    group (``fadecast clinic setup-link``) holds its clinic from the start."""

    __tablename__ = "setup_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The clinic whose owner it makes or made (the first run's: None until used).
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CalendarFeed(Base):
    """A clinic's calendar feed: the sha256 of the secret in its address (one per
    clinic; rotating it makes the old address stop working)."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
