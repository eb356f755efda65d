"""The clinic dashboard's pages (signed in): clients, the client's page, sessions,
photos, consents, health screens, who is due, recall by lot, missing forms, passports, pigments,
consent forms, users, the calendar feed and the export; and the feed itself.

Every page is a plain HTML form or link (they work without JavaScript; htmx only
swaps parts in place). Every route needs a permission of its role
(:data:`fadecast.web.security.PERMISSIONS`) and every POST the session's form token
(:func:`fadecast.web.security.csrf_guard`). Every id in an address is looked up within
the viewer's clinic, so another clinic's is not found (404). A bad answer brings the
form back with the error beside its field (422), and nothing of it is kept: the work is
one transaction of the records' own functions, which write their audit entries in it.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.consents import HEALTH_NOTES_LIMIT, HEALTH_QUESTIONS
from fadecast.records.fields import checked_text
from fadecast.records.models import (
    CONSENT_SCOPES,
    SESSION_KINDS,
    USER_ROLES,
    Client,
    ConsentForm,
    HealthScreen,
    Photo,
    PigmentProduct,
)
from fadecast.web.clinic_views import (
    FormState,
    active_lots,
    client_consents,
    client_forecast,
    client_in,
    client_photos,
    client_sessions,
    clients_matching,
    form_scopes,
    photo_in,
    practitioners_of,
    profile_for_page,
    record_session,
    session_in,
)
from fadecast.web.routes.auth import form_strings, page
from fadecast.web.security import (
    ROLE_NAMES,
    PageError,
    Viewer,
    csrf_guard,
    need,
    now_of,
    records_of,
)

__all__ = [
    "HEALTH_ACTIONS",
    "HEALTH_LABELS",
    "MAX_ID",
    "PROFILE_FIELDS",
    "feed_router",
    "health_answers",
    "refresh_forecasts_of",
    "router",
]

router = APIRouter(tags=["clinic"], include_in_schema=False, dependencies=[Depends(csrf_guard)])
feed_router = APIRouter(tags=["clinic"], include_in_schema=False)

#: The largest id an address may hold (the databases' integer).
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
#: The calculator's fields a client's profile is made of on the add-client form.
PROFILE_FIELDS = (
    "skin",
    "city",
    "lat",
    "lon",
    "weekday_hours",
    "weekend_hours",
    "holiday_weeks",
    "hat",
    "spf",
    "sunscreen",
    "sunbeds",
)
_CLIENT_FIELDS = ("ref", "name", "birth_date", "email", "phone", "address")
CLIENT_LABELS = {
    "ref": "The clinic's reference",
    "name": "Name",
    "birth_date": "Date of birth",
    "email": "E-mail",
    "phone": "Phone",
    "address": "Address",
    "skin": "Skin tone",
    "city": "City",
    "lat": "Latitude",
    "lon": "Longitude",
    "weekday_hours": "Hours outdoors on a weekday",
    "weekend_hours": "Hours outdoors on a weekend day",
    "holiday_weeks": "Weeks of sunny holidays a year",
    "hat": "A hat outdoors",
    "spf": "Sunscreen SPF",
    "sunscreen": "How often sunscreen",
    "sunbeds": "Sunbed sessions a year",
}
SESSION_LABELS = {
    "date": "Day",
    "kind": "Kind",
    "lot": "Pigment lot",
    "practitioner": "Practitioner",
    "needle_config": "Needle",
    "needle_lot": "Needle lot",
    "dilution": "Dilution",
    "notes": "Notes",
    "area_cm2": "Area treated",
    "placement": "Placement",
    "close": "Close it",
}
PHOTO_LABELS = {"photo": "Photo", "taken_on": "Taken on", "mm_per_px": "Scale"}
CONSENT_LABELS = {"scope": "Consent", "signed_name": "Signed by", "source": "Where it came from"}
#: The health screen's fields: its day, then each question.
HEALTH_LABELS = {
    "taken_on": "Taken on",
    **{q.key: q.question for q in HEALTH_QUESTIONS},
    "notes": "Notes",
}
#: What a yes to a question of the health screen asks of the practitioner, in words.
HEALTH_ACTIONS = {
    "defer": "do not treat now",
    "doctor": "treat only with a doctor's approval",
    "note": "adapt and record",
}
#: Each session kind in plain words.
KIND_NAMES = {
    "initial": "initial",
    "perfecting": "perfecting",
    "touch-up": "touch-up",
    "extension": "extension",
    "design": "design (no ink)",
    "correction": "correction",
}
#: How long the due list looks ahead by default. [d]
DUE_DAYS = 90


def _today(request: Request) -> dt.date:
    return now_of(request).date()


#: The days a date typed into the dashboard may be (the records' own rules narrow it).
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _parse_date(field_name: str, value: str | None, *, required: bool = True) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise InputError(field_name, "give a date as YYYY-MM-DD")
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(field_name, f"must be a date as YYYY-MM-DD, got {text[:40]!r}") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputError(field_name, f"must be from {EARLIEST_DAY} to {LATEST_DAY}, got {day}")
    return day


def _parse_number(field_name: str, value: str | None) -> float | None:
    text = (value or "").strip().replace(",", ".", 1)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InputError(field_name, f"must be a number, got {text[:40]!r}") from None
    if not math.isfinite(number):
        raise InputError(field_name, "must be a finite number")
    return number


def _parse_id(field_name: str, value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 10 or int(text) > MAX_ID:
        raise InputError(field_name, "choose one of the list")
    return int(text)


def _error_of(error: InputError, known: Mapping[str, str]) -> dict[str, str]:
    return {error.field if error.field in known else "": error.message}


# --- clients -----------------------------------------------------------------------


@router.get("/clinic", response_class=HTMLResponse)
def home(viewer: Annotated[Viewer, Depends(need("clients.view"))]) -> Response:
    """The dashboard starts at the clients."""
    return RedirectResponse("/clinic/clients", status_code=303)


@router.get("/clinic/clients", response_class=HTMLResponse)
def clients_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("clients.view"))],
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The clients, searched by name or reference."""
    with records_of(request).transaction() as session:
        found = clients_matching(session, clinic_id=viewer.clinic_id, query=q)
        rows = [
            {
                "id": c.id,
                "ref": c.ref,
                "name": c.name,
                "birth_date": c.birth_date,
                "phone": c.phone if viewer.sees_contacts else None,
                "email": c.email if viewer.sees_contacts else None,
            }
            for c in found
        ]
    return page(request, viewer, "clients.html", {"rows": rows, "q": q})


def _new_client_page(
    request: Request, viewer: Viewer, form: FormState, *, status_code: int = 200
) -> HTMLResponse:
    from fadecast.web.form import SHARE_CHOICES, SKIN_TYPES

    return page(
        request,
        viewer,
        "client_new.html",
        {
            "values": form.values,
            "errors": form.errors,
            "labels": CLIENT_LABELS,
            "skin_types": [(n, f"Type {r}: {w}") for n, r, w in SKIN_TYPES],
            "share_choices": SHARE_CHOICES,
        },
        status_code=status_code,
    )


@router.get("/clinic/clients/new", response_class=HTMLResponse)
def new_client_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("clients.add"))]
) -> Response:
    """The form adding a client with their profile."""
    return _new_client_page(request, viewer, FormState())


def _client_profile(
    data: Mapping[str, str], birth: dt.date | None, today: dt.date
) -> tuple[Any, dict[str, str]]:
    """The profile's tables the form's answers make (without the birth year), or errors."""
    from fadecast.records.clinics import PROFILE_TABLES, check_profile_content
    from fadecast.web.form import form_field, read_form

    answers = {k: data.get(k, "") for k in PROFILE_FIELDS}
    answers["birth_year"] = str(birth.year) if birth is not None else "1980"
    form = read_form(answers)
    if not form.ok or form.tables is None:
        return None, {k: v for k, v in form.errors.items() if k in PROFILE_FIELDS}
    content = {k: v for k, v in form.tables.items() if k in PROFILE_TABLES}
    content["person"] = {k: v for k, v in content["person"].items() if k != "birth_year"}
    try:  # the profile's own rules, now, beside any error of the identity
        check_profile_content(content, birth_date=birth or dt.date(1980, 1, 1), today=today)
    except InputError as error:
        return None, {form_field(error.field.removeprefix("profile.")) or "": error.message}
    return content, {}


def _add_client(request: Request, viewer: Viewer, data: Mapping[str, str]) -> Response:
    from fadecast.records.clinics import add_client
    from fadecast.web.form import form_field

    values = {k: data.get(k, "") for k in (*_CLIENT_FIELDS, *PROFILE_FIELDS)}
    errors: dict[str, str] = {}
    birth = None
    try:
        birth = _parse_date("birth_date", data.get("birth_date"))
    except InputError as error:
        errors[error.field] = error.message
    content, problems = _client_profile(data, birth, _today(request))
    errors.update(problems)
    if errors or birth is None or content is None:
        return _new_client_page(request, viewer, FormState(values, errors), status_code=422)
    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            client = add_client(
                session,
                clinic_id=viewer.clinic_id,
                ref=data.get("ref", ""),
                name=data.get("name", ""),
                birth_date=birth,
                email=data.get("email"),
                phone=data.get("phone"),
                address=data.get("address"),
                profile=content,
                actor=viewer.actor,
                now=now,
            )
            client_id = client.id
    except InputError as error:
        name = (
            error.field
            if error.field in _CLIENT_FIELDS
            else form_field(error.field.removeprefix("profile."))
        )
        return _new_client_page(
            request, viewer, FormState(values, {name: error.message}), status_code=422
        )
    return RedirectResponse(f"/clinic/clients/{client_id}", status_code=303)


@router.post("/clinic/clients", response_class=HTMLResponse)
async def add_client_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("clients.add"))]
) -> Response:
    """Add a client with their profile."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_client, request, viewer, data)


@dataclass(frozen=True)
class ClientForms:
    """The client page's forms as they were sent back (values and errors)."""

    session: FormState = field(default_factory=FormState)
    photo: FormState = field(default_factory=FormState)
    consent: FormState = field(default_factory=FormState)
    timeline: FormState = field(default_factory=FormState)


def _client_page(
    request: Request,
    viewer: Viewer,
    client_id: int,
    forms: ClientForms | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    from fadecast.records.consents import consent_in_force
    from fadecast.records.photos import PHOTOS_CONSENT
    from fadecast.records.treatments import PLACEMENTS, latest_course

    forms = forms or ClientForms()
    today = _today(request)
    now = now_of(request)
    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
        sessions = client_sessions(session, client=client, today=today)
        photos = client_photos(session, client=client) if viewer.can("photos.view") else []
        context: dict[str, Any] = {
            "client": {
                "id": client.id,
                "ref": client.ref,
                "name": client.name,
                "birth_date": client.birth_date,
                "email": client.email if viewer.sees_contacts else None,
                "phone": client.phone if viewer.sees_contacts else None,
                "address": client.address if viewer.sees_contacts else None,
                "anonymised": client.anonymised_at is not None,
            },
            "sessions": sessions,
            "photos": photos,
            "consents": client_consents(session, client=client),
            "has_course": latest_course(session, client=client) is not None,
            "lots": [
                (
                    lot.id,
                    f"{lot.product.brand} {lot.product.name}, lot {lot.lot_number} "
                    f"(expires {lot.expiry})",
                )
                for lot in active_lots(session, clinic_id=viewer.clinic_id, on=today)
            ],
            "practitioners": [
                (p.id, p.name) for p in practitioners_of(session, clinic_id=viewer.clinic_id)
            ],
            "scopes": form_scopes(session, clinic_id=viewer.clinic_id),
            "photos_consent": consent_in_force(session, client=client, scope=PHOTOS_CONSENT)
            is not None,
            "procedure_consent": consent_in_force(session, client=client, scope="procedure")
            is not None,
        }
        profile = profile_for_page(session, client=client, today=today)
        audit(
            session,
            clinic_id=viewer.clinic_id,
            actor=viewer.actor,
            action="view",
            entity="client",
            entity_id=client.id,
            detail={
                "what": "client page",
                "client": client.ref,
                "contacts": viewer.sees_contacts,
                "photos": len(photos),
            },
            at=now,
        )
    context["forecast"] = client_forecast(request.app.state.calculator, profile, today=today)
    names = _scope_names()
    context.update(
        forms=forms,
        scope_choices=[(s, names.get(s, s)) for s in context["scopes"]],
        today=today,
        kinds=[(k, KIND_NAMES[k]) for k in SESSION_KINDS],
        placements=[(p, p) for p in PLACEMENTS],
        scope_names=names,
        session_labels=SESSION_LABELS,
        photo_labels=PHOTO_LABELS,
        consent_labels=CONSENT_LABELS,
        max_upload_mb=_upload_limit(request) / 1e6,
    )
    return page(request, viewer, "client.html", context, status_code=status_code)


def _scope_names() -> dict[str, str]:
    from fadecast.report.passport_html import CONSENT_LABELS as NAMES

    return dict(NAMES)


@router.get("/clinic/clients/{client_id}", response_class=HTMLResponse)
def client_page(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("clients.view"))]
) -> Response:
    """The client: sessions on a timeline, photos over the forecast, the window."""
    return _client_page(request, viewer, client_id)


# --- sessions ----------------------------------------------------------------------


def _add_session(
    request: Request, viewer: Viewer, client_id: int, data: Mapping[str, str]
) -> Response:
    values = {k: data.get(k, "") for k in SESSION_LABELS}
    try:
        day = _parse_date("date", data.get("date"))
        assert day is not None
        dilution = _parse_number("dilution", data.get("dilution"))
        area = _parse_number("area_cm2", data.get("area_cm2"))
        lot_id = _parse_id("lot", data.get("lot"))
        practitioner_id = _parse_id("practitioner", data.get("practitioner"))
        with records_of(request).transaction() as session:
            client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
            record_session(
                session,
                viewer=viewer,
                client=client,
                day=day,
                kind=data.get("kind", ""),
                lot_id=lot_id,
                practitioner_id=practitioner_id,
                needle_config=data.get("needle_config") or None,
                needle_lot=data.get("needle_lot") or None,
                dilution=dilution,
                notes=data.get("notes") or None,
                close=data.get("close") == "yes",
                area_cm2=area,
                placement=data.get("placement") or None,
                today=_today(request),
                now=now_of(request),
            )
    except InputError as error:
        forms = ClientForms(session=FormState(values, _error_of(error, SESSION_LABELS)))
        return _client_page(request, viewer, client_id, forms, status_code=422)
    return RedirectResponse(f"/clinic/clients/{client_id}#sessions", status_code=303)


@router.post("/clinic/clients/{client_id}/sessions", response_class=HTMLResponse)
async def add_session_post(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("sessions.add"))]
) -> Response:
    """Add a session, starting the client's course if they have none: a booking after
    today (the front desk, a practitioner), a session held with its lot (a
    practitioner, a guest practitioner)."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_session, request, viewer, client_id, data)


def _close_session(request: Request, viewer: Viewer, session_id: int) -> Response:
    from fadecast.records.treatments import close_session

    now = now_of(request)
    with records_of(request).transaction() as session:
        row = session_in(session, clinic_id=viewer.clinic_id, session_id=session_id)
        client_id = row.course.client_id
    try:
        with records_of(request).transaction() as session:
            row = session_in(session, clinic_id=viewer.clinic_id, session_id=session_id)
            close_session(session, row=row, actor=viewer.actor, now=now)
    except InputError as error:
        message = f"The session of {row.date} {error.message}"
        forms = ClientForms(timeline=FormState({}, {"": message}))
        return _client_page(request, viewer, client_id, forms, status_code=422)
    return RedirectResponse(f"/clinic/clients/{client_id}#sessions", status_code=303)


@router.post("/clinic/sessions/{session_id}/close", response_class=HTMLResponse)
async def close_session_post(
    request: Request, session_id: Id, viewer: Annotated[Viewer, Depends(need("sessions.record"))]
) -> Response:
    """Close a held session whose record is complete (its lot, a procedure consent)."""
    return await run_in_threadpool(_close_session, request, viewer, session_id)


# --- photos ------------------------------------------------------------------------


def _upload_limit(request: Request) -> int:
    from fadecast.records.photos import MAX_PHOTO_BYTES

    return min(int(request.app.state.settings.max_upload_bytes), MAX_PHOTO_BYTES)


def _upload(
    request: Request,
    viewer: Viewer,
    client_id: int,
    data: bytes | None,
    name: str,
    strings: Mapping[str, str],
) -> Response:
    from fadecast.measure.measurement import MM_PER_PX_RANGE
    from fadecast.records.consents import consent_in_force
    from fadecast.records.photos import PHOTOS_CONSENT, add_photo, prepare_photo

    values = {k: strings.get(k, "") for k in PHOTO_LABELS}
    errors: dict[str, str] = {}
    limit = _upload_limit(request)
    pixels = int(request.app.state.settings.max_upload_pixels)
    taken_on: dt.date | None = None
    scale: float | None = None
    try:
        taken_on = _parse_date("taken_on", strings.get("taken_on"))
    except InputError as error:
        errors[error.field] = error.message
    try:
        scale = _parse_number("mm_per_px", strings.get("mm_per_px"))
        low, high = MM_PER_PX_RANGE
        if scale is not None and not low <= scale <= high:
            raise InputError("mm_per_px", f"must be from {low:g} to {high:g} mm per pixel")
    except InputError as error:
        errors[error.field] = error.message
    prepared = None
    if not data:
        errors["photo"] = "choose a photo file (JPEG or PNG)"
    elif len(data) > limit:
        errors["photo"] = f"{name} is larger than {limit / 1e6:g} MB; send a smaller photo"
    else:
        try:
            prepared = prepare_photo(data, name=name)
            if prepared.width_px * prepared.height_px > pixels:
                errors["photo"] = (
                    f"{name} is {prepared.width_px} x {prepared.height_px} pixels, more than "
                    f"the {pixels / 1e6:g} megapixels allowed here; scale it down"
                )
        except InputError as error:
            errors["photo"] = error.message
    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
        if consent_in_force(session, client=client, scope=PHOTOS_CONSENT) is None:
            errors.setdefault(
                "photo",
                f"{client.name} has no consent to photos for the record in force: record "
                "their signature first",
            )
        elif prepared is not None:
            earlier = session.scalar(
                select(Photo).where(
                    Photo.clinic_id == viewer.clinic_id, Photo.sha256 == prepared.sha256
                )
            )
            if earlier is not None:
                errors.setdefault(
                    "photo",
                    f"{name} is in the record already (taken on {earlier.taken_on}); nothing added",
                )
        today = _today(request)
        if taken_on is not None and not client.birth_date <= taken_on <= today:
            errors.setdefault(
                "taken_on",
                f"must be from the client's birth ({client.birth_date}) to today ({today})",
            )
    if errors or data is None or taken_on is None:
        forms = ClientForms(photo=FormState(values, errors))
        return _client_page(request, viewer, client_id, forms, status_code=422)
    records = records_of(request)
    root = request.app.state.photo_root
    now = now_of(request)
    clinic_id, actor, day = viewer.clinic_id, viewer.actor, taken_on

    def work(_: Any) -> tuple[int, dict[str, Any]]:
        with records.transaction() as session:
            client = client_in(session, clinic_id=clinic_id, client_id=client_id)
            imported = add_photo(
                session,
                client=client,
                data=data,
                taken_on=day,
                store_root=root,
                mm_per_px=scale,
                name=name,
                actor=actor,
                now=now,
            )
            figures = imported.measurement.figures if imported.measurement else None
            return imported.photo.id, {
                "contrast": None if figures is None else figures.social_delta_e00,
                "dots": None if figures is None else figures.dot_count,
                "unmeasured": imported.unmeasured,
                "removed": list(imported.prepared.stripped.removed),
            }

    job = request.app.state.uploads.submit(
        clinic_id=viewer.clinic_id,
        user_id=viewer.user_id,
        client_id=client_id,
        name=name,
        work=work,
    )
    return RedirectResponse(f"/clinic/uploads/{job.id}", status_code=303)


@router.post("/clinic/clients/{client_id}/photos", response_class=HTMLResponse)
async def upload_photo(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("photos.add"))]
) -> Response:
    """Upload a photo: checked now, added to the record and measured in the background
    (the answer is the upload's progress page)."""
    form = await request.form()
    upload = form.get("photo")
    data: bytes | None = None
    name = "the photo"
    if isinstance(upload, UploadFile):
        data = await upload.read(_upload_limit(request) + 1)
        name = FilePath(upload.filename or "photo").name[:120] or "the photo"
    strings = {k: v[:200] for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_upload, request, viewer, client_id, data, name, strings)


@router.get("/clinic/uploads/{job_id}", response_class=HTMLResponse)
def upload_status(
    request: Request, job_id: Id, viewer: Annotated[Viewer, Depends(need("photos.add"))]
) -> Response:
    """An upload's progress: waiting, measuring, then what was measured."""
    job = request.app.state.uploads.get(job_id, clinic_id=viewer.clinic_id)
    if job is None:
        raise PageError(404, "Not found in this clinic's records.")
    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=job.client_id)
        client_name, client_ref = client.name, client.ref
    headers = {"HX-Trigger": "photo-added"} if job.state == "done" else {}
    return page(
        request,
        viewer,
        "upload.html",
        {"job": job, "client": {"id": job.client_id, "name": client_name, "ref": client_ref}},
        headers=headers,
    )


@router.get("/clinic/photos/{photo_id}")
def photo_file(
    request: Request, photo_id: Id, viewer: Annotated[Viewer, Depends(need("photos.view"))]
) -> Response:
    """A photo of the record as stored (its metadata stripped), checked against its
    sha256; the view is written to the audit log."""
    from fadecast.records.photos import open_photo

    with records_of(request).transaction() as session:
        photo = photo_in(session, clinic_id=viewer.clinic_id, photo_id=photo_id)
        try:
            data = open_photo(request.app.state.photo_root, photo.sha256)
        except InputError as error:
            raise PageError(404, error.message) from None
        audit(
            session,
            clinic_id=viewer.clinic_id,
            actor=viewer.actor,
            action="view",
            entity="photo",
            entity_id=photo.id,
            detail={"what": "photo file"},
            at=now_of(request),
        )
        media_type = photo.media_type
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="photo-{photo_id}"'},
    )


# --- consents and health -----------------------------------------------------------


def _sign(request: Request, viewer: Viewer, client_id: int, data: Mapping[str, str]) -> Response:
    from fadecast.records.consents import sign_consent

    values = {k: data.get(k, "") for k in CONSENT_LABELS}
    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
            sign_consent(
                session,
                client=client,
                scope=data.get("scope", ""),
                signed_name=data.get("signed_name", ""),
                source=data.get("source", ""),
                signed_at=now,
                actor=viewer.actor,
                now=now,
            )
    except InputError as error:
        forms = ClientForms(consent=FormState(values, _error_of(error, CONSENT_LABELS)))
        return _client_page(request, viewer, client_id, forms, status_code=422)
    return RedirectResponse(f"/clinic/clients/{client_id}#consents", status_code=303)


@router.post("/clinic/clients/{client_id}/consents", response_class=HTMLResponse)
async def sign_post(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("consents.record"))]
) -> Response:
    """Record a client's signature on the newest version of a consent form (now)."""
    data = await form_strings(request)
    return await run_in_threadpool(_sign, request, viewer, client_id, data)


def _health_page(
    request: Request,
    viewer: Viewer,
    client_id: int,
    form: FormState | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The client's health screens, newest first, and the form recording one; the view
    is written to the audit log (the screens are health data)."""
    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
        screens = session.scalars(
            select(HealthScreen)
            .where(HealthScreen.clinic_id == viewer.clinic_id, HealthScreen.client_id == client.id)
            .order_by(HealthScreen.taken_on.desc(), HealthScreen.id.desc())
        ).all()
        shown = [
            {
                "id": s.id,
                "taken_on": s.taken_on,
                "answers": [(q.question, bool(s.answers.get(q.key))) for q in HEALTH_QUESTIONS],
                "flagged": list(s.flagged),
                "notes": s.notes,
            }
            for s in screens
        ]
        audit(
            session,
            clinic_id=viewer.clinic_id,
            actor=viewer.actor,
            action="view",
            entity="health_screen",
            entity_id=client.id,
            detail={"client": client.ref, "screens": len(shown)},
            at=now_of(request),
        )
        who = {"id": client.id, "name": client.name, "ref": client.ref}
    today = _today(request)
    return page(
        request,
        viewer,
        "health.html",
        {
            "client": who,
            "screens": shown,
            "questions": [(q.key, q.question, HEALTH_ACTIONS[q.action]) for q in HEALTH_QUESTIONS],
            "actions": HEALTH_ACTIONS,
            "labels": HEALTH_LABELS,
            "notes_limit": HEALTH_NOTES_LIMIT,
            "form": form or FormState({"taken_on": today.isoformat()}),
            "today": today,
        },
        status_code=status_code,
    )


@router.get("/clinic/clients/{client_id}/health", response_class=HTMLResponse)
def health_page(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("health.view"))]
) -> Response:
    """The client's health screens and what each yes asks of the practitioner, and (for
    those who treat) the form recording a new one; the view is written to the audit log."""
    return _health_page(request, viewer, client_id)


def health_answers(data: Mapping[str, str]) -> tuple[dict[str, bool], dict[str, str]]:
    """The screen's answers a form gives (``yes`` or ``no`` for each question of
    :data:`~fadecast.records.consents.HEALTH_QUESTIONS`), and the error beside each
    question left unanswered or answered otherwise.

    Examples
    --------
    >>> answers, errors = health_answers({"diabetes": "yes", "keloid": "no"})
    >>> answers
    {'diabetes': True, 'keloid': False}
    >>> errors["allergy_latex"]
    'answer yes or no'
    """
    answers: dict[str, bool] = {}
    errors: dict[str, str] = {}
    for question in HEALTH_QUESTIONS:
        given = data.get(question.key, "").strip().lower()
        if given in ("yes", "no"):
            answers[question.key] = given == "yes"
        elif not given:
            errors[question.key] = "answer yes or no"
        else:
            errors[question.key] = f"must be yes or no, got {given[:20]!r}"
    return answers, errors


def _add_health(
    request: Request, viewer: Viewer, client_id: int, data: Mapping[str, str]
) -> Response:
    from fadecast.records.consents import add_health_screen

    values = {k: data.get(k, "")[:200] for k in HEALTH_LABELS}
    values["notes"] = data.get("notes", "")[: 2 * HEALTH_NOTES_LIMIT]
    answers, errors = health_answers(data)
    taken_on = None
    try:
        taken_on = _parse_date("taken_on", data.get("taken_on"))
    except InputError as error:
        errors[error.field] = error.message
    try:
        checked_text("notes", data.get("notes"), limit=HEALTH_NOTES_LIMIT)
    except InputError as error:
        errors["notes"] = error.message
    if errors or taken_on is None:
        ordered = {k: errors[k] for k in HEALTH_LABELS if k in errors}  # as on the form
        return _health_page(request, viewer, client_id, FormState(values, ordered), status_code=422)
    try:
        with records_of(request).transaction() as session:
            client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
            screen = add_health_screen(
                session,
                client=client,
                taken_on=taken_on,
                answers=answers,
                actor=viewer.actor,
                now=now_of(request),
                notes=data.get("notes"),
            )
            screen_id = screen.id
    except InputError as error:
        name = error.field.removeprefix("health.")
        errors = {name if name in HEALTH_LABELS else "": error.message}
        return _health_page(request, viewer, client_id, FormState(values, errors), status_code=422)
    return RedirectResponse(
        f"/clinic/clients/{client_id}/health#screen-{screen_id}", status_code=303
    )


@router.post("/clinic/clients/{client_id}/health", response_class=HTMLResponse)
async def add_health_post(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("health.record"))]
) -> Response:
    """Record the client's health screen of a day, every question answered yes or no;
    each yes is flagged with what it asks of the practitioner (written to the audit
    log)."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_health, request, viewer, client_id, data)


def _passport(request: Request, viewer: Viewer, client_id: int, file_format: str) -> Response:
    from fadecast.records.passport import client_passport
    from fadecast.report.passport_html import passport_html, passport_pdf

    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
        passport = client_passport(
            session,
            clinic_id=viewer.clinic_id,
            client_ref=client.ref,
            actor=viewer.actor,
            now=now_of(request),
            file_format=file_format,
        )
    if file_format == "pdf":
        content: bytes | str = passport_pdf(passport)
        media = "application/pdf"
    else:
        content = passport_html(passport)
        media = "text/html; charset=utf-8"
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="passport-{client_id}.{file_format}"'
        },
    )


@router.get("/clinic/clients/{client_id}/passport.html")
def passport_html_download(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("passport.export"))]
) -> Response:
    """The client's copy of their record, as one HTML page (an audited export)."""
    return _passport(request, viewer, client_id, "html")


@router.get("/clinic/clients/{client_id}/passport.pdf")
def passport_pdf_download(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("passport.export"))]
) -> Response:
    """The client's copy of their record, as PDF (an audited export)."""
    return _passport(request, viewer, client_id, "pdf")


# --- who is due, recall, missing ----------------------------------------------------


def refresh_forecasts_of(request: Request, viewer: Viewer, today: dt.date) -> None:
    """Bring the clinic's forecast cache up to date: read, compute outside any
    transaction (no lock held), store."""
    from fadecast.records.forecasts import compute_forecasts, plan_refresh, store_forecasts

    records = records_of(request)
    with records.transaction() as session:
        plan = plan_refresh(session, clinic_id=viewer.clinic_id, today=today)
    if not plan.pending and not plan.remove:
        return
    results = request.app.state.calculator.run(lambda: compute_forecasts(plan))
    with records.transaction() as session:
        store_forecasts(session, plan, results, actor=viewer.actor, now=now_of(request))


@router.get("/clinic/due", response_class=HTMLResponse)
def due_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("due.view"))],
    start: Annotated[str, Query(max_length=20)] = "",
    end: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Who is likely due for a touch-up in a span, and the perfecting sessions due."""
    from fadecast.records.forecasts import due_clients, due_window_text, perfecting_due

    today = _today(request)
    values = {"start": start, "end": end}
    try:
        first = _parse_date("start", start, required=False) or today
        last = _parse_date("end", end, required=False) or first + dt.timedelta(days=DUE_DAYS)
        if last < first:
            raise InputError("end", f"must be on or after the start ({first})")
    except InputError as error:
        return page(
            request,
            viewer,
            "due.html",
            {"values": values, "errors": {error.field: error.message}, "rows": None},
            status_code=422,
        )
    refresh_forecasts_of(request, viewer, today)
    with records_of(request).transaction() as session:
        due = due_clients(session, clinic_id=viewer.clinic_id, start=first, end=last, today=today)
        perfecting = perfecting_due(
            session, clinic_id=viewer.clinic_id, start=first, end=last, today=today
        )
    rows = [
        {
            "client_id": r.client_id,
            "ref": r.client_ref,
            "name": r.name,
            "chance": r.probability,
            "window": due_window_text(r.p10, r.p50, r.p90),
            "personal": r.personal,
            "contacts": r.contacts if viewer.sees_contacts else None,
            "booked": r.next_booked,
            "booked_kind": r.next_booked_kind,
        }
        for r in due
    ]
    reminders = [
        {
            "client_id": r.client_id,
            "ref": r.client_ref,
            "name": r.name,
            "initial": r.initial,
            "due_from": r.due_from,
            "due_until": r.due_until,
            "contacts": r.contacts if viewer.sees_contacts else None,
            "booked": r.next_booked,
        }
        for r in perfecting
    ]
    values = {"start": first.isoformat(), "end": last.isoformat()}
    return page(
        request,
        viewer,
        "due.html",
        {"values": values, "errors": {}, "rows": rows, "perfecting": reminders},
    )


def _recall_rows(request: Request, viewer: Viewer, lot: str, product: str, action: str) -> Any:
    from fadecast.records.lookups import sessions_with_lot

    with records_of(request).transaction() as session:
        return sessions_with_lot(
            session,
            clinic_id=viewer.clinic_id,
            lot_number=lot,
            product=product or None,
            today=_today(request),
            actor=viewer.actor,
            now=now_of(request),
            action=action,
        )


@router.get("/clinic/recall", response_class=HTMLResponse)
def recall_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("recall.view"))],
    lot: Annotated[str, Query(max_length=64)] = "",
    product: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    """Every session that used a pigment lot, its clients and their next visit (the
    lookup is written to the audit log)."""
    values = {"lot": lot, "product": product}
    if not lot.strip():
        return page(request, viewer, "recall.html", {"values": values, "errors": {}, "rows": None})
    try:
        rows = _recall_rows(request, viewer, lot, product, "view")
    except InputError as error:
        errors = {error.field if error.field in ("lot", "product") else "lot": error.message}
        return page(
            request,
            viewer,
            "recall.html",
            {"values": values, "errors": errors, "rows": None},
            status_code=422,
        )
    return page(request, viewer, "recall.html", {"values": values, "errors": {}, "rows": rows})


@router.get("/clinic/recall.csv")
def recall_csv_download(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("contacts.view"))],
    lot: Annotated[str, Query(max_length=64)] = "",
    product: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    """The recall list as CSV, guarded against spreadsheet formulas (an audited export)."""
    from fadecast.records.lookups import recall_csv

    try:
        rows = _recall_rows(request, viewer, lot, product, "export")
    except InputError as error:
        raise PageError(422, f"{error.field}: {error.message}") from None
    return Response(
        recall_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="recall.csv"'},
    )


@router.get("/clinic/missing", response_class=HTMLResponse)
def missing_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("missing.view"))]
) -> Response:
    """Held sessions and treated clients whose record lacks a form, a lot or a screen."""
    from fadecast.records.lookups import MISSING_RULES, missing_records

    with records_of(request).transaction() as session:
        report = missing_records(session, clinic_id=viewer.clinic_id, today=_today(request))
        refs = {
            c.ref: c.id
            for c in session.scalars(select(Client).where(Client.clinic_id == viewer.clinic_id))
        }
    return page(
        request, viewer, "missing.html", {"report": report, "rules": MISSING_RULES, "refs": refs}
    )


# --- pigments and consent forms ----------------------------------------------------


def _pigments_page(
    request: Request,
    viewer: Viewer,
    *,
    product_form: FormState | None = None,
    lot_form: FormState | None = None,
    lot_product: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from sqlalchemy.orm import selectinload

    from fadecast.skin.pigments import pigment_names

    with records_of(request).transaction() as session:
        products = [
            {
                "id": p.id,
                "name": f"{p.brand} {p.name}",
                "pigment_class": p.pigment_class,
                "lots": sorted(
                    ((lot.lot_number, lot.expiry, lot.opened_on) for lot in p.lots),
                    key=lambda item: (item[1], item[0]),
                ),
            }
            for p in session.scalars(
                select(PigmentProduct)
                .where(PigmentProduct.clinic_id == viewer.clinic_id)
                .order_by(PigmentProduct.brand, PigmentProduct.name)
                .options(selectinload(PigmentProduct.lots))
            )
        ]
    return page(
        request,
        viewer,
        "pigments.html",
        {
            "products": products,
            "classes": [(c, c.replace("-", " ")) for c in pigment_names()],
            "product_form": product_form or FormState(),
            "lot_form": lot_form or FormState(),
            "lot_product": lot_product,
            "today": _today(request),
        },
        status_code=status_code,
    )


@router.get("/clinic/pigments", response_class=HTMLResponse)
def pigments_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("pigments.manage"))]
) -> Response:
    """The clinic's pigment products and their lots."""
    return _pigments_page(request, viewer)


_PRODUCT_FIELDS = ("brand", "product", "pigment_class", "supplier", "ingredients", "warnings")


def _add_product(request: Request, viewer: Viewer, data: Mapping[str, str]) -> Response:
    from fadecast.records.treatments import add_product

    values = {k: data.get(k, "") for k in _PRODUCT_FIELDS}
    try:
        with records_of(request).transaction() as session:
            add_product(
                session,
                clinic_id=viewer.clinic_id,
                brand=data.get("brand", ""),
                name=data.get("product", ""),
                pigment_class=data.get("pigment_class", ""),
                supplier=data.get("supplier"),
                ingredients=data.get("ingredients"),
                warnings=data.get("warnings"),
                actor=viewer.actor,
                now=now_of(request),
            )
    except InputError as error:
        errors = {error.field if error.field in _PRODUCT_FIELDS else "": error.message}
        return _pigments_page(
            request, viewer, product_form=FormState(values, errors), status_code=422
        )
    return RedirectResponse("/clinic/pigments", status_code=303)


@router.post("/clinic/pigments", response_class=HTMLResponse)
async def add_product_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("pigments.manage"))]
) -> Response:
    """Add a pigment product with its label's information."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_product, request, viewer, data)


def _add_lot(
    request: Request, viewer: Viewer, product_id: int, data: Mapping[str, str]
) -> Response:
    from fadecast.records.treatments import add_lot

    values = {k: data.get(k, "") for k in ("lot", "expiry", "opened_on")}
    try:
        with records_of(request).transaction() as session:
            product = session.scalar(
                select(PigmentProduct).where(
                    PigmentProduct.clinic_id == viewer.clinic_id, PigmentProduct.id == product_id
                )
            )
            if product is None:
                raise PageError(404, "Not found in this clinic's records.")
            expiry = _parse_date("expiry", data.get("expiry"))
            assert expiry is not None
            add_lot(
                session,
                product=product,
                lot_number=data.get("lot", ""),
                expiry=expiry,
                opened_on=_parse_date("opened_on", data.get("opened_on"), required=False),
                actor=viewer.actor,
                now=now_of(request),
            )
    except InputError as error:
        errors = {error.field if error.field in values else "": error.message}
        return _pigments_page(
            request,
            viewer,
            lot_form=FormState(values, errors),
            lot_product=product_id,
            status_code=422,
        )
    return RedirectResponse("/clinic/pigments", status_code=303)


@router.post("/clinic/pigments/{product_id}/lots", response_class=HTMLResponse)
async def add_lot_post(
    request: Request, product_id: Id, viewer: Annotated[Viewer, Depends(need("pigments.manage"))]
) -> Response:
    """Add a lot (batch) of a product: its number, expiry and the day it was opened."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_lot, request, viewer, product_id, data)


def _forms_page(
    request: Request, viewer: Viewer, form: FormState | None = None, *, status_code: int = 200
) -> HTMLResponse:
    with records_of(request).transaction() as session:
        forms = [
            {"scope": f.scope, "version": f.version, "sha256": f.sha256, "created_at": f.created_at}
            for f in session.scalars(
                select(ConsentForm)
                .where(ConsentForm.clinic_id == viewer.clinic_id)
                .order_by(ConsentForm.scope, ConsentForm.created_at, ConsentForm.id)
            )
        ]
    names = _scope_names()
    return page(
        request,
        viewer,
        "forms.html",
        {
            "forms": forms,
            "scope_names": names,
            "scopes": [(s, names.get(s, s)) for s in CONSENT_SCOPES],
            "form": form or FormState(),
        },
        status_code=status_code,
    )


@router.get("/clinic/forms", response_class=HTMLResponse)
def forms_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("forms.manage"))]
) -> Response:
    """The clinic's consent forms, by scope and version."""
    return _forms_page(request, viewer)


def _add_form(request: Request, viewer: Viewer, data: Mapping[str, str]) -> Response:
    from fadecast.records.consents import add_form

    values = {k: data.get(k, "") for k in ("scope", "version", "text")}
    try:
        with records_of(request).transaction() as session:
            add_form(
                session,
                clinic_id=viewer.clinic_id,
                scope=data.get("scope", ""),
                version=data.get("version", ""),
                text=data.get("text", ""),
                actor=viewer.actor,
                now=now_of(request),
            )
    except InputError as error:
        errors = {error.field if error.field in values else "": error.message}
        return _forms_page(request, viewer, FormState(values, errors), status_code=422)
    return RedirectResponse("/clinic/forms", status_code=303)


@router.post("/clinic/forms", response_class=HTMLResponse)
async def add_form_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("forms.manage"))]
) -> Response:
    """Add a version of a consent form (kept with its sha256, never changed)."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_form, request, viewer, data)


# --- users, account ----------------------------------------------------------------


def _users_page(
    request: Request, viewer: Viewer, form: FormState | None = None, *, status_code: int = 200
) -> HTMLResponse:
    from fadecast.records.users import users_of

    with records_of(request).transaction() as session:
        users = [
            {
                "id": u.id,
                "email": u.email,
                "display_name": u.display_name,
                "role": u.role,
                "active": u.active,
            }
            for u in users_of(session, clinic_id=viewer.clinic_id)
        ]
    return page(
        request,
        viewer,
        "users.html",
        {
            "users": users,
            "roles": [(r, ROLE_NAMES[r]) for r in USER_ROLES],
            "role_names": ROLE_NAMES,
            "form": form or FormState(),
        },
        status_code=status_code,
    )


@router.get("/clinic/users", response_class=HTMLResponse)
def users_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("users.manage"))]
) -> Response:
    """The clinic's users and their roles."""
    return _users_page(request, viewer)


def _add_user(request: Request, viewer: Viewer, data: Mapping[str, str]) -> Response:
    from fadecast.records.users import add_user

    values = {k: data.get(k, "") for k in ("email", "display_name", "role")}
    try:
        with records_of(request).transaction() as session:
            add_user(
                session,
                clinic_id=viewer.clinic_id,
                email=data.get("email", ""),
                display_name=data.get("display_name", ""),
                role=data.get("role", ""),
                password=data.get("password", ""),
                actor=viewer.actor,
                now=now_of(request),
            )
    except InputError as error:
        errors = {error.field if error.field in (*values, "password") else "": error.message}
        return _users_page(request, viewer, FormState(values, errors), status_code=422)
    return RedirectResponse("/clinic/users", status_code=303)


@router.post("/clinic/users", response_class=HTMLResponse)
async def add_user_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("users.manage"))]
) -> Response:
    """Add a user to the clinic with a role and a first password."""
    data = await form_strings(request)
    return await run_in_threadpool(_add_user, request, viewer, data)


def _change_user(
    request: Request, viewer: Viewer, user_id: int, data: Mapping[str, str]
) -> Response:
    from fadecast.records.users import reset_password, set_active, set_role, user_of

    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            try:
                user = user_of(session, clinic_id=viewer.clinic_id, user_id=user_id)
            except InputError:
                raise PageError(404, "Not found in this clinic's records.") from None
            action = data.get("action", "")
            if action == "role":
                set_role(session, user=user, role=data.get("role", ""), actor=viewer.actor, now=now)
            elif action in ("activate", "deactivate"):
                set_active(
                    session, user=user, active=action == "activate", actor=viewer.actor, now=now
                )
            elif action == "password":
                reset_password(
                    session, user=user, new=data.get("password", ""), actor=viewer.actor, now=now
                )
            else:
                raise InputError("action", "choose what to change")
    except InputError as error:
        message = f"{error.field.replace('_', ' ')}: {error.message}"
        return _users_page(request, viewer, FormState({}, {"": message}), status_code=422)
    return RedirectResponse("/clinic/users", status_code=303)


@router.post("/clinic/users/{user_id}", response_class=HTMLResponse)
async def change_user_post(
    request: Request, user_id: Id, viewer: Annotated[Viewer, Depends(need("users.manage"))]
) -> Response:
    """Change a user's role, turn them off or on, or give them a new password."""
    data = await form_strings(request)
    return await run_in_threadpool(_change_user, request, viewer, user_id, data)


@router.get("/clinic/account", response_class=HTMLResponse)
def account_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("account.view"))]
) -> Response:
    """The signed-in user's account: their role, a new password."""
    return page(request, viewer, "account.html", {"form": FormState(), "done": False})


def _change_password(request: Request, viewer: Viewer, data: Mapping[str, str]) -> Response:
    from fadecast.records.users import change_password, user_of

    errors: dict[str, str] = {}
    if data.get("password", "") != data.get("password_again", ""):
        errors["password_again"] = "is not the same as the new password"
    else:
        try:
            with records_of(request).transaction() as session:
                user = user_of(session, clinic_id=viewer.clinic_id, user_id=viewer.user_id)
                change_password(
                    session,
                    user=user,
                    current=data.get("current", ""),
                    new=data.get("password", ""),
                    keep_session=viewer.session_id,
                    actor=viewer.actor,
                    now=now_of(request),
                )
        except InputError as error:
            errors[error.field] = error.message
    if errors:
        return page(
            request,
            viewer,
            "account.html",
            {"form": FormState({}, errors), "done": False},
            status_code=422,
        )
    return page(request, viewer, "account.html", {"form": FormState(), "done": True})


@router.post("/clinic/account/password", response_class=HTMLResponse)
async def change_password_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("account.view"))]
) -> Response:
    """Change one's own password (one's other sessions end)."""
    data = await form_strings(request)
    return await run_in_threadpool(_change_password, request, viewer, data)


# --- the calendar feed and the export ----------------------------------------------


def _feed_page(request: Request, viewer: Viewer, secret: str | None) -> HTMLResponse:
    from fadecast.records.users import feed_exists

    with records_of(request).transaction() as session:
        exists = feed_exists(session, clinic_id=viewer.clinic_id)
    address = None if secret is None else f"{str(request.base_url).rstrip('/')}/feed/{secret}.ics"
    return page(request, viewer, "feed.html", {"exists": exists, "address": address})


@router.get("/clinic/feed", response_class=HTMLResponse)
def feed_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("feed.manage"))]
) -> Response:
    """The clinic's calendar feed: whether it is on, and a new secret address."""
    return _feed_page(request, viewer, None)


def _rotate(request: Request, viewer: Viewer) -> Response:
    from fadecast.records.users import rotate_feed_secret

    with records_of(request).transaction() as session:
        secret = rotate_feed_secret(
            session, clinic_id=viewer.clinic_id, actor=viewer.actor, now=now_of(request)
        )
    return _feed_page(request, viewer, secret)


@router.post("/clinic/feed", response_class=HTMLResponse)
async def rotate_feed_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("feed.manage"))]
) -> Response:
    """A new secret address for the calendar feed (the old one stops working); it is
    shown this once."""
    return await run_in_threadpool(_rotate, request, viewer)


@router.get("/clinic/export", response_class=HTMLResponse)
def export_page(
    request: Request, viewer: Annotated[Viewer, Depends(need("records.export"))]
) -> Response:
    """What the export holds, and its button."""
    return page(request, viewer, "export.html", {})


def _export(request: Request, viewer: Viewer) -> Response:
    from fadecast.records.archive import export_archive

    folder = FilePath(tempfile.mkdtemp(prefix="fadecast-export-"))
    out = folder / "records.zip"
    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            export_archive(
                session,
                clinic_id=viewer.clinic_id,
                out_path=out,
                photo_root=request.app.state.photo_root,
                actor=viewer.actor,
                now=now,
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    from fastapi.responses import FileResponse

    return FileResponse(
        out,
        media_type="application/zip",
        filename=f"fadecast-records-{now.date().isoformat()}.zip",
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.post("/clinic/export")
async def export_post(
    request: Request, viewer: Annotated[Viewer, Depends(need("records.export"))]
) -> Response:
    """The clinic's records as one archive (tables as JSON and CSV, photos, a manifest
    with hashes), written to the audit log."""
    return await run_in_threadpool(_export, request, viewer)


def _feed(request: Request, secret: str) -> Response:
    from fadecast.records.calendar import clinic_calendar
    from fadecast.records.forecasts import compute_forecasts, plan_refresh, store_forecasts
    from fadecast.records.users import clinic_of_feed

    records = records_of(request)
    today = _today(request)
    with records.transaction() as session:
        clinic_id = clinic_of_feed(session, secret=secret)
        plan = (
            None if clinic_id is None else plan_refresh(session, clinic_id=clinic_id, today=today)
        )
    if clinic_id is None or plan is None:
        raise PageError(404, "Not found.")
    results = request.app.state.calculator.run(lambda: compute_forecasts(plan))
    with records.transaction() as session:
        if plan.pending or plan.remove:
            store_forecasts(session, plan, results, actor="calendar feed", now=now_of(request))
        data = clinic_calendar(
            session, clinic_id=clinic_id, today=today, actor="calendar feed", now=now_of(request)
        )
    return Response(
        data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="clinic.ics"'},
    )


@feed_router.get("/feed/{secret}.ics")
def calendar_feed(request: Request, secret: Annotated[str, Path(max_length=100)]) -> Response:
    """The clinic's booked sessions and forecast touch-ups for a calendar app, at the
    secret address (no sign-in: the secret is the key; an audited export)."""
    return _feed(request, secret)
