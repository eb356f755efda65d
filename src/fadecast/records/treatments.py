"""What was done: pigment products and lots, treatment courses and their sessions.

Rules a clinic's record keeps (software.md §6.4, EU REACH Annex XVII entry 75):

- a session is dated from the client's birth to two years ahead; one after today is
  *booked*, one on or before today *open* until its record is complete;
- a session may not use a lot that expired before the session's day;
- a session is *closed* (:func:`close_session`) only with its pigment lot (every kind but
  a design session, which draws without ink) and a signed procedure consent in force.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.fields import (
    checked_choice,
    checked_text,
    required_text,
    session_date_bounds,
)
from fadecast.records.models import (
    SESSION_KINDS,
    Client,
    Consent,
    ConsentForm,
    Course,
    PigmentLot,
    PigmentProduct,
    TreatmentSession,
)

__all__ = [
    "INKLESS_KINDS",
    "PLACEMENTS",
    "add_course",
    "add_lot",
    "add_product",
    "add_session",
    "close_session",
    "latest_course",
    "lot_by_number",
    "missing_for_closing",
    "product_named",
]

#: Placements the forecast knows (the depth the pigment went to).
PLACEMENTS = ("optimal", "shallow", "deep")
#: Session kinds that put no ink in (so need no pigment lot to be closed).
INKLESS_KINDS = ("design",)
#: Largest area a course may cover (a whole scalp is about 600 cm²). [cm²]
MAX_AREA_CM2 = 1500.0


def add_product(
    session: Session,
    *,
    clinic_id: int,
    brand: str,
    name: str,
    pigment_class: str,
    supplier: str | None = None,
    ingredients: str | None = None,
    warnings: str | None = None,
    actor: str,
    now: dt.datetime,
) -> PigmentProduct:
    """Add a pigment product with its label's ingredients and warnings.

    Raises
    ------
    InputError
        For a pigment class the forecast does not know, or a brand and name the clinic
        has already.
    """
    from fadecast.skin.pigments import pigment_names

    product = PigmentProduct(
        clinic_id=clinic_id,
        brand=required_text("brand", brand),
        name=required_text("product", name),
        pigment_class=checked_choice("pigment_class", pigment_class, pigment_names()),
        supplier=checked_text("supplier", supplier),
        ingredients=checked_text("ingredients", ingredients, limit=4000),
        warnings=checked_text("warnings", warnings, limit=4000),
    )
    taken = select(PigmentProduct).where(
        PigmentProduct.clinic_id == clinic_id,
        PigmentProduct.brand == product.brand,
        PigmentProduct.name == product.name,
    )
    if session.scalar(taken) is not None:
        raise InputError("product", f"{product.brand} {product.name} is in the records already")
    session.add(product)
    session.flush()
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="create",
        entity="pigment_product",
        entity_id=product.id,
        detail={"brand": product.brand, "name": product.name},
        at=now,
    )
    return product


def product_named(session: Session, *, clinic_id: int, brand: str, name: str) -> PigmentProduct:
    """The clinic's product of this brand and name (``InputError`` if none)."""
    product = session.scalar(
        select(PigmentProduct).where(
            PigmentProduct.clinic_id == clinic_id,
            PigmentProduct.brand == brand,
            PigmentProduct.name == name,
        )
    )
    if product is None:
        raise InputError("product", f"no pigment product {brand} {name} in this clinic")
    return product


def add_lot(
    session: Session,
    *,
    product: PigmentProduct,
    lot_number: str,
    expiry: dt.date,
    opened_on: dt.date | None = None,
    actor: str,
    now: dt.datetime,
) -> PigmentLot:
    """Add a lot (batch) of a product: its number, expiry and the day it was opened."""
    number = required_text("lot", lot_number, limit=64)
    if opened_on is not None and opened_on > now.date():
        raise InputError("opened_on", f"must not be after today ({now.date()}), got {opened_on}")
    exists = select(PigmentLot).where(
        PigmentLot.product_id == product.id, PigmentLot.lot_number == number
    )
    if session.scalar(exists) is not None:
        raise InputError("lot", f"lot {number} of {product.brand} {product.name} exists already")
    lot = PigmentLot(
        clinic_id=product.clinic_id,
        product_id=product.id,
        lot_number=number,
        expiry=expiry,
        opened_on=opened_on,
    )
    session.add(lot)
    session.flush()
    audit(
        session,
        clinic_id=product.clinic_id,
        actor=actor,
        action="create",
        entity="pigment_lot",
        entity_id=lot.id,
        detail={"lot": number, "product": f"{product.brand} {product.name}"},
        at=now,
    )
    return lot


def lot_by_number(session: Session, *, clinic_id: int, lot_number: str) -> PigmentLot:
    """The clinic's lot of this number.

    Raises
    ------
    InputError
        For an unknown lot, or a number that two products share (give the lot's id).
    """
    lots = list(
        session.scalars(
            select(PigmentLot).where(
                PigmentLot.clinic_id == clinic_id, PigmentLot.lot_number == lot_number
            )
        )
    )
    if not lots:
        raise InputError("lot", f"no pigment lot {lot_number!r} in this clinic")
    if len(lots) > 1:
        names = ", ".join(f"{lot.product.brand} {lot.product.name}" for lot in lots)
        raise InputError("lot", f"lot {lot_number!r} is a lot of several products ({names})")
    return lots[0]


def add_course(
    session: Session,
    *,
    client: Client,
    started_on: dt.date,
    area_cm2: float,
    placement: str = "optimal",
    hairline: str | None = None,
    design_notes: str | None = None,
    actor: str,
    now: dt.datetime,
) -> Course:
    """Start a treatment course for a client: the area, placement and design."""
    first, last = session_date_bounds(client.birth_date, now.date())
    if not first <= started_on <= last:
        raise InputError("started_on", f"must be from {first} to {last}, got {started_on}")
    if not 0.0 < area_cm2 <= MAX_AREA_CM2:
        raise InputError(
            "area_cm2", f"must be more than 0 and at most {MAX_AREA_CM2:g}, got {area_cm2}"
        )
    course = Course(
        clinic_id=client.clinic_id,
        client_id=client.id,
        started_on=started_on,
        area_cm2=float(area_cm2),
        placement=checked_choice("placement", placement, PLACEMENTS),
        hairline=checked_text("hairline", hairline, limit=1000),
        design_notes=checked_text("design_notes", design_notes, limit=4000),
    )
    session.add(course)
    session.flush()
    audit(
        session,
        clinic_id=client.clinic_id,
        actor=actor,
        action="create",
        entity="course",
        entity_id=course.id,
        detail={"client": client.ref, "area_cm2": course.area_cm2},
        at=now,
    )
    return course


def latest_course(session: Session, *, client: Client) -> Course | None:
    """The client's most recently started course (None: none yet)."""
    return session.scalar(
        select(Course)
        .where(Course.client_id == client.id)
        .order_by(Course.started_on.desc(), Course.id.desc())
        .limit(1)
    )


def add_session(
    session: Session,
    *,
    course: Course,
    date: dt.date,
    kind: str,
    practitioner_id: int | None = None,
    lot: PigmentLot | None = None,
    needle_config: str | None = None,
    needle_lot: str | None = None,
    dilution: float | None = None,
    notes: str | None = None,
    actor: str,
    now: dt.datetime,
) -> TreatmentSession:
    """Add a session to a course (booked when after today, open otherwise).

    Raises
    ------
    InputError
        For a day before the client's birth or more than two years ahead, an unknown
        kind, a lot of another clinic or one that expired before the day, or a dilution
        outside (0, 1].
    """
    client = course.client
    first, last = session_date_bounds(client.birth_date, now.date())
    if not first <= date <= last:
        raise InputError(
            "date",
            f"must be from the client's birth ({first}) to two years ahead ({last}), got {date}",
        )
    checked_choice("kind", kind, SESSION_KINDS)
    if lot is not None:
        if lot.clinic_id != course.clinic_id:
            raise InputError("lot", f"no pigment lot {lot.lot_number!r} in this clinic")
        if lot.expiry < date:
            raise InputError(
                "lot",
                f"lot {lot.lot_number} ({lot.product.brand} {lot.product.name}) expired on "
                f"{lot.expiry}, before the session ({date}); use another lot",
            )
    if dilution is not None and not 0.0 < dilution <= 1.0:
        raise InputError(
            "dilution", f"must be the pigment's share, more than 0 and at most 1, got {dilution}"
        )
    row = TreatmentSession(
        clinic_id=course.clinic_id,
        course_id=course.id,
        practitioner_id=practitioner_id,
        date=date,
        kind=kind,
        state="booked" if date > now.date() else "open",
        needle_config=checked_text("needle_config", needle_config, limit=64),
        needle_lot=checked_text("needle_lot", needle_lot, limit=64),
        pigment_lot_id=None if lot is None else lot.id,
        dilution=dilution,
        notes=checked_text("notes", notes, limit=4000),
    )
    session.add(row)
    session.flush()
    audit(
        session,
        clinic_id=course.clinic_id,
        actor=actor,
        action="create",
        entity="treatment_session",
        entity_id=row.id,
        detail={
            "client": client.ref,
            "date": date.isoformat(),
            "kind": kind,
            "lot": None if lot is None else lot.lot_number,
        },
        at=now,
    )
    return row


def missing_for_closing(session: Session, *, row: TreatmentSession) -> list[str]:
    """What a session's record lacks before it can be closed (empty: nothing)."""
    missing = []
    if row.kind not in INKLESS_KINDS and row.pigment_lot_id is None:
        missing.append("its pigment lot")
    consent = session.scalar(
        select(Consent)
        .join(ConsentForm)
        .where(
            Consent.client_id == row.course.client_id,
            ConsentForm.scope == "procedure",
            Consent.revoked_at.is_(None),
        )
        .limit(1)
    )
    if consent is None:
        missing.append("a signed procedure consent")
    return missing


def close_session(
    session: Session, *, row: TreatmentSession, actor: str, now: dt.datetime
) -> TreatmentSession:
    """Close a session whose record is complete.

    Raises
    ------
    InputError
        For a session not yet held (booked after today), or one whose record lacks its
        pigment lot or a procedure consent (naming what).
    """
    if row.state == "closed":
        return row
    if row.date > now.date():
        raise InputError("session", f"is booked for {row.date}: it can be closed once held")
    missing = missing_for_closing(session, row=row)
    if missing:
        raise InputError("session", "cannot be closed without " + " and ".join(missing))
    row.state = "closed"
    row.closed_at = now.replace(microsecond=0)
    session.flush()
    audit(
        session,
        clinic_id=row.clinic_id,
        actor=actor,
        action="change",
        entity="treatment_session",
        entity_id=row.id,
        detail={"state": "closed"},
        at=now,
    )
    return row
