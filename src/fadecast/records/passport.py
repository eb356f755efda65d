"""The client's copy of their record (a "treatment passport"): what was done, with what,
what they agreed to, and how to look after the treated scalp.

It gathers, for one client: their identity; each course and its sessions (date, kind,
practitioner, needle configuration and lot, pigment and lot, dilution); the label of
each pigment lot used (brand, name, lot, expiry, ingredients and warnings — EU REACH
Annex XVII entry 75 requires the practitioner to give the client the label's
information; Austria asks that the client is given a copy of the record of the batch
numbers used); the consents signed (scope, form version and fingerprint, when, revoked or
not); and general aftercare (:data:`AFTERCARE_HEALING`, :data:`AFTERCARE_HEALED`).

Health answers are not part of it. Making one is an export of the client's record and
is written to the audit log. :mod:`fadecast.report.passport_html` renders it as HTML or
PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from fadecast.records.audit import audit
from fadecast.records.clinics import client_by_ref
from fadecast.records.fields import checked_choice
from fadecast.records.models import (
    Clinic,
    Consent,
    Course,
    PigmentLot,
    TreatmentSession,
)

__all__ = [
    "AFTERCARE_HEALED",
    "AFTERCARE_HEALING",
    "AFTERCARE_NOTE",
    "AFTERCARE_SOURCES",
    "PASSPORT_FORMATS",
    "Passport",
    "PassportConsent",
    "PassportCourse",
    "PassportSession",
    "PigmentLabel",
    "client_passport",
]

#: The files a passport is made as.
PASSPORT_FORMATS = ("html", "pdf")

#: While the scalp heals (the first weeks after each session).
AFTERCARE_HEALING = (
    "For the first 4 to 5 days, keep the treated scalp dry: do not wash it, swim or do "
    "anything that makes you sweat.",
    "For about 10 days, avoid hard exercise and anything else that makes you sweat heavily.",
    "Keep the scalp out of the sun while it heals (about 2 to 4 weeks): stay in the shade "
    "or wear a loose hat.",
    "For about a month, stay out of swimming pools, saunas, steam rooms and sunbeds.",
    "Do not pick, scratch or rub the small scabs: let them fall off by themselves, as a "
    "scab pulled off takes pigment with it.",
    "Shave the treated area only when your practitioner says you may (often after about a "
    "week, with an electric foil shaver, going round any scabs).",
)
#: Once healed, for as long as the pigment is there.
AFTERCARE_HEALED = (
    "Sun is what fades scalp micropigmentation most. Whenever you are outdoors for more "
    "than half an hour, wear a hat or a sunscreen of SPF 30 or more on the scalp, and "
    "put the sunscreen on again every 2 hours.",
    "Avoid sunbeds: their light is rich in UVA, which fades the pigment.",
)
#: Said after the advice.
AFTERCARE_NOTE = (
    "This is general advice. Follow your practitioner's own instructions where they "
    "differ, and contact the clinic if you are worried about how your scalp is healing."
)
#: Where the advice comes from.
AFTERCARE_SOURCES = (
    "The healing advice is what scalp micropigmentation practitioners commonly publish "
    "(for example enhancedscalp.com, dermmicro.com and newagespa.ca); EN 17169:2020 "
    "(tattooing and permanent make-up: safe and hygienic practice) asks that clients are "
    "given aftercare information. The sun advice follows the research on UV and tattoo "
    "pigment that fadecast's forecast is built on."
)


@dataclass(frozen=True)
class PigmentLabel:
    """A pigment lot as its label tells it (None: not recorded).

    Attributes
    ----------
    brand, name
        The product.
    pigment_class
        What kind of pigment it is (carbon-black, iron-oxide, organic-blend).
    supplier
        Who supplied it.
    lot_number, expiry, opened_on
        The lot (batch), its expiry and the day its bottle was opened.
    ingredients, warnings
        The label's text.
    """

    brand: str
    name: str
    pigment_class: str
    supplier: str | None
    lot_number: str
    expiry: dt.date
    opened_on: dt.date | None
    ingredients: str | None
    warnings: str | None


@dataclass(frozen=True)
class PassportSession:
    """One session as the client's copy shows it.

    Attributes
    ----------
    date, kind, state
        When, what for, and whether it is booked (not yet held), open or closed.
    practitioner
        Who treated (None: not recorded).
    pigment
        The pigment lot used (None: none recorded, or a session that puts no ink in).
    needle_config, needle_lot
        The needle (None: not recorded).
    dilution
        The pigment's share of the mixture (1: undiluted; None: not recorded). [1]
    """

    date: dt.date
    kind: str
    state: str
    practitioner: str | None
    pigment: PigmentLabel | None
    needle_config: str | None
    needle_lot: str | None
    dilution: float | None


@dataclass(frozen=True)
class PassportCourse:
    """A treatment course and its sessions, by date.

    Attributes
    ----------
    started_on
        The day it started.
    area_cm2
        The area treated. [cm²]
    placement
        The depth the pigment is placed at (optimal, shallow, deep).
    hairline
        The hairline's description (None: not recorded).
    sessions
        Its sessions, by date.
    """

    started_on: dt.date
    area_cm2: float
    placement: str
    hairline: str | None
    sessions: tuple[PassportSession, ...]


@dataclass(frozen=True)
class PassportConsent:
    """A consent the client signed.

    Attributes
    ----------
    scope
        What it is for (:data:`~fadecast.records.models.CONSENT_SCOPES`).
    version, sha256
        The form's version and the sha256 of its text (what exactly was signed).
    signed_name, signed_at, source
        The name signed, when (UTC) and where it came from.
    revoked_at
        When it was revoked (None: in force).
    """

    scope: str
    version: str
    sha256: str
    signed_name: str
    signed_at: dt.datetime
    source: str
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class Passport:
    """A client's copy of their record.

    Attributes
    ----------
    clinic
        The clinic's name.
    made_on
        The day it was made.
    client_ref, client_name, birth_date
        The client.
    courses
        Their courses, by start.
    pigments
        Each pigment lot used on them, in the order first used.
    consents
        Their signatures, by time signed.
    aftercare_healing, aftercare_healed, aftercare_note, aftercare_sources
        The aftercare advice and where it comes from.
    """

    clinic: str
    made_on: dt.date
    client_ref: str
    client_name: str
    birth_date: dt.date
    courses: tuple[PassportCourse, ...]
    pigments: tuple[PigmentLabel, ...]
    consents: tuple[PassportConsent, ...]
    aftercare_healing: tuple[str, ...] = AFTERCARE_HEALING
    aftercare_healed: tuple[str, ...] = AFTERCARE_HEALED
    aftercare_note: str = AFTERCARE_NOTE
    aftercare_sources: str = AFTERCARE_SOURCES


def _label(lot: PigmentLot) -> PigmentLabel:
    product = lot.product
    return PigmentLabel(
        brand=product.brand,
        name=product.name,
        pigment_class=product.pigment_class,
        supplier=product.supplier,
        lot_number=lot.lot_number,
        expiry=lot.expiry,
        opened_on=lot.opened_on,
        ingredients=product.ingredients,
        warnings=product.warnings,
    )


def client_passport(
    session: Session,
    *,
    clinic_id: int,
    client_ref: str,
    actor: str,
    now: dt.datetime,
    file_format: str = "html",
) -> Passport:
    """The client's copy of their record, written to the audit log as an export.

    Parameters
    ----------
    clinic_id
        The clinic acted for (a client of another clinic is unknown).
    client_ref
        The client's reference.
    actor, now
        Who makes it, and when (for the audit log; ``now`` also dates it).
    file_format
        What it is made as (:data:`PASSPORT_FORMATS`), for the audit log.

    Returns
    -------
    Passport

    Raises
    ------
    InputError
        For an unknown client or format.
    """
    checked_choice("format", file_format, PASSPORT_FORMATS)
    client = client_by_ref(session, clinic_id=clinic_id, ref=client_ref)
    clinic = session.get(Clinic, clinic_id)
    assert clinic is not None  # the client was found in it
    courses = session.scalars(
        select(Course)
        .where(Course.clinic_id == clinic_id, Course.client_id == client.id)
        .order_by(Course.started_on, Course.id)
        .options(
            selectinload(Course.sessions).options(
                joinedload(TreatmentSession.practitioner),
                joinedload(TreatmentSession.pigment_lot).joinedload(PigmentLot.product),
            )
        )
    ).all()
    pigments: dict[int, PigmentLabel] = {}
    passport_courses = []
    for course in courses:
        rows = []
        for row in sorted(course.sessions, key=lambda s: (s.date, s.id)):
            label = None
            if row.pigment_lot is not None:
                label = pigments.setdefault(row.pigment_lot.id, _label(row.pigment_lot))
            rows.append(
                PassportSession(
                    date=row.date,
                    kind=row.kind,
                    state=row.state,
                    practitioner=None if row.practitioner is None else row.practitioner.name,
                    pigment=label,
                    needle_config=row.needle_config,
                    needle_lot=row.needle_lot,
                    dilution=row.dilution,
                )
            )
        passport_courses.append(
            PassportCourse(
                started_on=course.started_on,
                area_cm2=course.area_cm2,
                placement=course.placement,
                hairline=course.hairline,
                sessions=tuple(rows),
            )
        )
    signed = session.scalars(
        select(Consent)
        .where(Consent.clinic_id == clinic_id, Consent.client_id == client.id)
        .order_by(Consent.signed_at, Consent.id)
        .options(joinedload(Consent.form))
    ).all()
    consents = tuple(
        PassportConsent(
            scope=c.form.scope,
            version=c.form.version,
            sha256=c.form.sha256,
            signed_name=c.signed_name,
            signed_at=c.signed_at,
            source=c.source,
            revoked_at=c.revoked_at,
        )
        for c in signed
    )
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="export",
        entity="client",
        entity_id=client.id,
        detail={"what": "passport", "client": client.ref, "format": file_format},
        at=now,
    )
    return Passport(
        clinic=clinic.name,
        made_on=now.date(),
        client_ref=client.ref,
        client_name=client.name,
        birth_date=client.birth_date,
        courses=tuple(passport_courses),
        pigments=tuple(pigments.values()),
        consents=consents,
    )
