"""What the clinic dashboard's pages show, read from the records within one clinic.

Every lookup here takes the clinic acted for and finds only its rows: an id of another
clinic is not found (:class:`~fadecast.web.security.PageError` 404), exactly as an id
that does not exist. The forecast of a client's page is the records' own
(:func:`fadecast.records.forecasts.client_profile`, which takes the client's photos'
measurements), computed through the app's cache; its prior window is the forecast from
the profile and sessions alone, its personal window the same forecast re-weighted by
the photos (:attr:`fadecast.forecasting.ForecastResult.personal`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from fadecast.errors import InputError
from fadecast.records.forecasts import due_window_text, month_text
from fadecast.records.models import (
    Client,
    Consent,
    ConsentForm,
    Course,
    Photo,
    PigmentLot,
    PigmentProduct,
    Practitioner,
    TreatmentSession,
)
from fadecast.web.security import PageError, Viewer

if TYPE_CHECKING:
    from fadecast.forecasting import ForecastResult
    from fadecast.inputs.profile import Profile
    from fadecast.web.service import Calculator

__all__ = [
    "ClientForecast",
    "ConsentLine",
    "FormState",
    "PhotoLine",
    "SessionLine",
    "active_lots",
    "client_consents",
    "client_forecast",
    "client_in",
    "client_photos",
    "client_sessions",
    "clients_matching",
    "describe_forecast",
    "form_scopes",
    "lot_in",
    "photo_contrast",
    "photo_in",
    "practitioner_in",
    "practitioners_of",
    "profile_for_page",
    "record_session",
    "session_in",
    "window_years",
]


@dataclass(frozen=True)
class FormState:
    """A form as it was sent back: the values given and the error beside each field
    (``""`` for one that concerns no one field)."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


#: Most clients a search lists.
SEARCH_LIMIT = 50
_NOT_FOUND = "Not found in this clinic's records."


def clients_matching(
    session: Session, *, clinic_id: int, query: str, limit: int = SEARCH_LIMIT
) -> list[Client]:
    """The clinic's clients whose name or reference holds ``query`` (any case), by name;
    every client when it is empty. Anonymised clients are left out."""
    found = select(Client).where(Client.clinic_id == clinic_id, Client.anonymised_at.is_(None))
    words = "".join(c for c in " ".join(query.split()) if ord(c) >= 32)[:200]
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        found = found.where(
            or_(Client.name.ilike(pattern, escape="\\"), Client.ref.ilike(pattern, escape="\\"))
        )
    return list(session.scalars(found.order_by(Client.name, Client.ref).limit(limit)))


def client_in(session: Session, *, clinic_id: int, client_id: int) -> Client:
    """The clinic's client of this id (404 otherwise)."""
    client = session.scalar(
        select(Client).where(Client.clinic_id == clinic_id, Client.id == client_id)
    )
    if client is None:
        raise PageError(404, _NOT_FOUND)
    return client


def session_in(session: Session, *, clinic_id: int, session_id: int) -> TreatmentSession:
    """The clinic's treatment session of this id (404 otherwise)."""
    row = session.scalar(
        select(TreatmentSession).where(
            TreatmentSession.clinic_id == clinic_id, TreatmentSession.id == session_id
        )
    )
    if row is None:
        raise PageError(404, _NOT_FOUND)
    return row


def photo_in(session: Session, *, clinic_id: int, photo_id: int) -> Photo:
    """The clinic's photo of this id (404 otherwise)."""
    photo = session.scalar(select(Photo).where(Photo.clinic_id == clinic_id, Photo.id == photo_id))
    if photo is None:
        raise PageError(404, _NOT_FOUND)
    return photo


def lot_in(session: Session, *, clinic_id: int, lot_id: int) -> PigmentLot:
    """The clinic's lot of this id (``InputError`` on ``lot``; whether it expired before
    a session is :func:`fadecast.records.treatments.add_session`'s to say)."""
    lot = session.scalar(
        select(PigmentLot).where(PigmentLot.clinic_id == clinic_id, PigmentLot.id == lot_id)
    )
    if lot is None:
        raise InputError("lot", "choose one of the clinic's lots")
    return lot


def practitioner_in(session: Session, *, clinic_id: int, practitioner_id: int) -> Practitioner:
    """The clinic's practitioner of this id (``InputError`` on ``practitioner``)."""
    person = session.scalar(
        select(Practitioner).where(
            Practitioner.clinic_id == clinic_id, Practitioner.id == practitioner_id
        )
    )
    if person is None:
        raise InputError("practitioner", "choose one of the clinic's practitioners")
    return person


def active_lots(session: Session, *, clinic_id: int, on: dt.date) -> list[PigmentLot]:
    """The clinic's lots that have not expired by ``on``, by product and expiry."""
    query = (
        select(PigmentLot)
        .join(PigmentProduct, PigmentLot.product_id == PigmentProduct.id)
        .where(PigmentLot.clinic_id == clinic_id, PigmentLot.expiry >= on)
        .order_by(PigmentProduct.brand, PigmentProduct.name, PigmentLot.expiry, PigmentLot.id)
        .options(joinedload(PigmentLot.product))
    )
    return list(session.scalars(query))


def practitioners_of(session: Session, *, clinic_id: int) -> list[Practitioner]:
    """The clinic's active practitioners, by name."""
    query = select(Practitioner).where(
        Practitioner.clinic_id == clinic_id, Practitioner.active.is_(True)
    )
    return list(session.scalars(query.order_by(Practitioner.name)))


@dataclass(frozen=True)
class SessionLine:
    """A session on the client's timeline."""

    id: int
    date: dt.date
    kind: str
    state: str
    lot: str | None
    practitioner: str | None
    missing: tuple[str, ...]

    @property
    def booked(self) -> bool:
        return self.state == "booked"


def client_sessions(session: Session, *, client: Client, today: dt.date) -> list[SessionLine]:
    """The client's sessions of every course, by date, with what a held one lacks to
    be closed (its pigment lot, a procedure consent)."""
    from fadecast.records.treatments import missing_for_closing

    rows = session.scalars(
        select(TreatmentSession)
        .join(Course, TreatmentSession.course_id == Course.id)
        .where(
            TreatmentSession.clinic_id == client.clinic_id,
            Course.clinic_id == client.clinic_id,
            Course.client_id == client.id,
        )
        .order_by(TreatmentSession.date, TreatmentSession.id)
        .options(
            joinedload(TreatmentSession.pigment_lot).joinedload(PigmentLot.product),
            joinedload(TreatmentSession.practitioner),
        )
    ).all()
    lines = []
    for row in rows:
        lot = row.pigment_lot
        missing: tuple[str, ...] = ()
        if row.state != "closed" and row.date <= today:
            missing = tuple(missing_for_closing(session, row=row))
        lines.append(
            SessionLine(
                id=row.id,
                date=row.date,
                kind=row.kind,
                state=row.state,
                lot=None
                if lot is None
                else f"{lot.product.brand} {lot.product.name}, lot {lot.lot_number}",
                practitioner=None if row.practitioner is None else row.practitioner.name,
                missing=missing,
            )
        )
    return lines


def photo_contrast(measurement: Mapping[str, Any] | None) -> float | None:
    """The contrast at 2 m of a photo's measurement (ΔE00), or None. [ΔE00]

    Examples
    --------
    >>> photo_contrast({"contrast": {"social_delta_e00": 15.404}})
    15.404
    >>> photo_contrast(None) is None
    True
    """
    if not isinstance(measurement, Mapping):
        return None
    contrast = measurement.get("contrast")
    value = contrast.get("social_delta_e00") if isinstance(contrast, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class PhotoLine:
    """A photo of the client's record, with its measured contrast and dots."""

    id: int
    taken_on: dt.date
    width_px: int
    height_px: int
    contrast: float | None
    dots: int | None
    flags: tuple[str, ...]


def client_photos(session: Session, *, client: Client) -> list[PhotoLine]:
    """The client's photos, oldest first."""
    from fadecast.records.photos import photos_of

    lines = []
    for photo in photos_of(session, client=client):
        measured = photo.measurement if isinstance(photo.measurement, Mapping) else None
        dots = measured.get("dots") if measured else None
        count = dots.get("count") if isinstance(dots, Mapping) else None
        flags = measured.get("flags") if measured else None
        lines.append(
            PhotoLine(
                id=photo.id,
                taken_on=photo.taken_on,
                width_px=photo.width_px,
                height_px=photo.height_px,
                contrast=photo_contrast(measured),
                dots=count if isinstance(count, int) and not isinstance(count, bool) else None,
                flags=tuple(f for f in flags if isinstance(f, str))
                if isinstance(flags, list)
                else (),
            )
        )
    return lines


@dataclass(frozen=True)
class ConsentLine:
    """A signature of the client's."""

    scope: str
    version: str
    signed_name: str
    signed_at: dt.datetime
    source: str
    revoked_at: dt.datetime | None


def client_consents(session: Session, *, client: Client) -> list[ConsentLine]:
    """The client's signatures, newest first."""
    rows = session.scalars(
        select(Consent)
        .where(Consent.clinic_id == client.clinic_id, Consent.client_id == client.id)
        .order_by(Consent.signed_at.desc(), Consent.id.desc())
        .options(joinedload(Consent.form))
    ).all()
    return [
        ConsentLine(
            scope=c.form.scope,
            version=c.form.version,
            signed_name=c.signed_name,
            signed_at=c.signed_at,
            source=c.source,
            revoked_at=c.revoked_at,
        )
        for c in rows
    ]


def form_scopes(session: Session, *, clinic_id: int) -> list[str]:
    """The consent scopes the clinic has a form for (signatures can be recorded)."""
    query = select(ConsentForm.scope).where(ConsentForm.clinic_id == clinic_id).distinct()
    return sorted(session.scalars(query))


def window_years(years: tuple[float, float, float]) -> float:
    """The width of a P10-P90 window (inf when its later end is beyond the horizon). [yr]

    Examples
    --------
    >>> window_years((5.0, 6.8, 9.2))
    4.2
    """
    low, _, high = years
    return round(high - low, 6) if math.isfinite(low) and math.isfinite(high) else math.inf


@dataclass(frozen=True)
class ClientForecast:
    """The client's forecast on the page: the window in words, from the photos and from
    the profile and sessions alone, and the curve with the photos' contrasts.

    Attributes
    ----------
    problem
        Why there is no forecast (None: there is one).
    window
        The window the clinic goes by (the personal one when photos calibrate it).
    prior
        The window from the profile and sessions alone.
    personal
        The window from the photos too (None: no measured photo since the first session).
    narrowed
        How the photos changed the window, in words (None: no personal window).
    """

    problem: str | None
    window: str | None = None
    prior: str | None = None
    personal: str | None = None
    narrowed: str | None = None
    svg: str | None = None
    prior_years: float | None = None
    personal_years: float | None = None


def _years_text(years: float) -> str:
    return "beyond the forecast" if not math.isfinite(years) else f"{years:.1f} years"


def describe_forecast(
    result: ForecastResult, photos: Sequence[tuple[dt.date, float]]
) -> ClientForecast:
    """A forecast of the records in the page's words."""
    from fadecast.web.charts import fade_curve_svg

    d10, d50, d90 = result.touchup_dates
    prior = due_window_text(d10, d50, d90)
    prior_years = window_years(result.touchup_years)
    svg = fade_curve_svg(result, ident="client-fade", photos=photos)
    if result.personal is None or result.personal_dates is None:
        return ClientForecast(
            problem=None,
            window=prior,
            prior=f"{prior} (from the profile and sessions; a window of "
            f"{_years_text(prior_years)}, 8 in 10 forecasts inside it)",
            svg=svg,
            prior_years=prior_years,
        )
    p10, p50, p90 = result.personal_dates
    personal = due_window_text(p10, p50, p90)
    personal_years = window_years(result.personal.touchup_years)
    count = result.personal.measurements
    photo_words = f"{count} photo{'s' if count != 1 else ''}"
    if math.isfinite(prior_years) and math.isfinite(personal_years):
        change = prior_years - personal_years
        if change >= 0.05:
            narrowed = (
                f"The {photo_words} narrowed the window from {prior_years:.1f} to "
                f"{personal_years:.1f} years."
            )
        elif change <= -0.05:
            narrowed = (
                f"The {photo_words} widened the window from {prior_years:.1f} to "
                f"{personal_years:.1f} years: they fit the forecast less well than expected."
            )
        else:
            narrowed = (
                f"The {photo_words} left the window about as wide ({personal_years:.1f} years)."
            )
    else:
        narrowed = f"With the {photo_words}: {personal}; without them: {prior}."
    when = "" if p50 is None else f" The median moved to {month_text(p50)}."
    return ClientForecast(
        problem=None,
        window=personal,
        prior=f"{prior} (a window of {_years_text(prior_years)})",
        personal=f"{personal} (a window of {_years_text(personal_years)})",
        narrowed=narrowed
        + (when if d50 is None or p50 is None or month_text(d50) != month_text(p50) else ""),
        svg=svg,
        prior_years=prior_years,
        personal_years=personal_years,
    )


def profile_for_page(session: Session, *, client: Client, today: dt.date) -> Profile | str:
    """The client's profile from the records, or why there is no forecast (in words)."""
    from fadecast.records.forecasts import client_profile

    try:
        profile = client_profile(session, client=client, today=today)
    except InputError as error:
        return f"The records do not make a forecast: {error}."
    if profile is None:
        return (
            "No forecast yet: it needs the client's profile and an initial, perfecting or "
            "touch-up session held."
        )
    return profile


def client_forecast(
    calculator: Calculator, profile: Profile | str, *, today: dt.date
) -> ClientForecast:
    """The client's forecast (:func:`profile_for_page`'s profile, through the app's
    cache; computed outside any transaction), or why there is none."""
    if isinstance(profile, str):
        return ClientForecast(problem=profile)
    try:
        result = calculator.forecast(profile, today=today)
    except InputError as error:
        return ClientForecast(problem=f"The records do not make a forecast: {error}.")
    photos = [(m.date, m.social_delta_e00) for m in profile.measurements]
    return describe_forecast(result, photos)


def record_session(
    session: Session,
    *,
    viewer: Viewer,
    client: Client,
    day: dt.date,
    kind: str,
    lot_id: int | None = None,
    practitioner_id: int | None = None,
    needle_config: str | None = None,
    needle_lot: str | None = None,
    dilution: float | None = None,
    notes: str | None = None,
    close: bool = False,
    area_cm2: float | None = None,
    placement: str | None = None,
    today: dt.date,
    now: dt.datetime,
) -> TreatmentSession:
    """Add a session to the client's latest course (started with it when there is
    none), as the viewer's role allows, and close it when asked (the records' consent
    check).

    The front desk books sessions after today, without a lot or needle (those are the
    practitioner's to record); a guest practitioner records sessions held, on or before
    today. The lot and the practitioner are looked up within the clinic.

    Raises
    ------
    InputError
        Naming the field: a day the role may not add, no area for a first course, a lot
        or practitioner not of the clinic, and as
        :func:`fadecast.records.treatments.add_session`; ``close`` when the session
        cannot be closed (no lot, no procedure consent in force).
    """
    from fadecast.records.treatments import add_course, add_session, close_session, latest_course

    records_held = viewer.can("sessions.record")
    if day <= today and not records_held:
        raise InputError(
            "date",
            f"the front desk books sessions after today ({today}); a practitioner records "
            "the sessions held",
        )
    if day > today and not viewer.can("sessions.book"):
        raise InputError(
            "date", f"a {viewer.role_name} records sessions held, on or before today ({today})"
        )
    if not records_held and (
        lot_id is not None or needle_config or needle_lot or dilution is not None or close
    ):
        raise InputError(
            "lot", "the front desk books the session; its lot and needle are recorded when held"
        )
    course = latest_course(session, client=client)
    if course is None:
        if area_cm2 is None:
            raise InputError(
                "area_cm2", "give the area treated, such as 150 cm², to start the course"
            )
        course = add_course(
            session,
            client=client,
            started_on=day,
            area_cm2=area_cm2,
            placement=placement or "optimal",
            actor=viewer.actor,
            now=now,
        )
    lot = None if lot_id is None else lot_in(session, clinic_id=client.clinic_id, lot_id=lot_id)
    by = (
        None
        if practitioner_id is None
        else practitioner_in(
            session, clinic_id=client.clinic_id, practitioner_id=practitioner_id
        ).id
    )
    row = add_session(
        session,
        course=course,
        date=day,
        kind=kind,
        practitioner_id=by,
        lot=lot,
        needle_config=needle_config,
        needle_lot=needle_lot,
        dilution=dilution,
        notes=notes,
        actor=viewer.actor,
        now=now,
    )
    if close:
        try:
            close_session(session, row=row, actor=viewer.actor, now=now)
        except InputError as error:
            raise InputError("close", error.message) from None
    return row
