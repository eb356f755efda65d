"""The clinic's records as JSON, ``/api/v1/clinic``: the clients, a client's page,
adding a session, who is due, recall by lot.

Behind the same sign-in as the pages: the session cookie (``fadecast_session``), got by
signing in on the page or with ``POST /api/v1/clinic/login``; a call that changes
something sends the session's token in the ``X-CSRF-Token`` header (``GET
/api/v1/clinic/me`` and the login's answer give it). The same roles hold (a guest
practitioner gets no contacts), ids of another clinic are 404, and a bad input is a 422
in FastAPI's shape naming the field. The same records functions as the pages answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyCookie, APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from fadecast.errors import InputError
from fadecast.web.clinic_views import (
    client_forecast,
    client_in,
    client_photos,
    client_sessions,
    clients_matching,
    profile_for_page,
    record_session,
)
from fadecast.web.routes.api import input_error
from fadecast.web.security import (
    CSRF_HEADER,
    SESSION_COOKIE,
    PageError,
    Viewer,
    client_ip,
    csrf_guard,
    need,
    now_of,
    records_of,
    set_session_cookie,
)

__all__ = ["login_router", "router"]

_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The signed-in session's cookie (sign in on /login or with "
    "POST /api/v1/clinic/login).",
)
_csrf = APIKeyHeader(
    name=CSRF_HEADER,
    auto_error=False,
    description="The session's token against request forgery, on every call that changes "
    "something (from GET /api/v1/clinic/me).",
)


class Problem(BaseModel):
    """A refusal: what is wrong, in plain words."""

    detail: str


_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Not signed in"},
    403: {"model": Problem, "description": "The role may not, or no CSRF token"},
    404: {"model": Problem, "description": "No such record in the clinic"},
}

router = APIRouter(
    prefix="/api/v1/clinic",
    tags=["clinic"],
    dependencies=[Security(_cookie), Depends(csrf_guard)],
    responses=_REFUSALS,
)
login_router = APIRouter(prefix="/api/v1/clinic", tags=["clinic"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Me(_Out):
    """The signed-in user."""

    email: str
    display_name: str
    role: Literal["owner", "practitioner", "front_desk", "guest"]
    clinic: str
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header")


class LoginIn(BaseModel):
    """An e-mail and password."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class ClientSummary(_Out):
    """A client: the clinic's reference and name; contacts unless the role may not see
    them (None)."""

    id: int
    ref: str
    name: str
    birth_date: dt.date
    email: str | None = None
    phone: str | None = None


class ClientsOut(_Out):
    """The clients found."""

    query: str
    clients: list[ClientSummary]


class SessionOut(_Out):
    """A session of the client's."""

    id: int
    date: dt.date
    kind: str
    state: Literal["booked", "open", "closed"]
    lot: str | None
    practitioner: str | None
    missing: list[str] = Field(description="What a held session lacks to be closed")


class PhotoOut(_Out):
    """A photo of the record and its measurement."""

    id: int
    taken_on: dt.date
    contrast_delta_e00: float | None = Field(description="Measured contrast at 2 m [dE00]")
    dots: int | None


class WindowOut(_Out):
    """A touch-up window: 8 in 10 forecasts between P10 and P90."""

    p10: dt.date | None
    p50: dt.date | None
    p90: dt.date | None
    years: float | None = Field(description="P90 - P10 [yr]; None beyond the horizon")
    text: str


class ClientForecastOut(_Out):
    """The client's forecast: from the profile and sessions, and from their photos."""

    problem: str | None
    prior: WindowOut | None = None
    personal: WindowOut | None = None


class ClientDetail(ClientSummary):
    """A client's page as data."""

    address: str | None = None
    sessions: list[SessionOut]
    photos: list[PhotoOut]
    forecast: ClientForecastOut


class SessionIn(BaseModel):
    """A session to add (the course is started with it when the client has none)."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    kind: Literal["initial", "perfecting", "touch-up", "extension", "design", "correction"]
    lot_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    practitioner_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    needle_config: str | None = Field(default=None, max_length=64)
    needle_lot: str | None = Field(default=None, max_length=64)
    dilution: float | None = Field(default=None, gt=0.0, le=1.0)
    notes: str | None = Field(default=None, max_length=4000)
    close: bool = Field(default=False, description="Close it: its record is complete")
    area_cm2: float | None = Field(default=None, gt=0.0, le=1500.0)
    placement: Literal["optimal", "shallow", "deep"] | None = None


class DueRowOut(_Out):
    """A client whose touch-up is likely due in the span."""

    client_id: int
    ref: str
    name: str
    chance: float = Field(ge=0.0, le=1.0)
    p10: dt.date | None
    p50: dt.date
    p90: dt.date | None
    personal: bool
    email: str | None = None
    phone: str | None = None
    next_booked: dt.date | None
    next_booked_kind: str | None


class PerfectingOut(_Out):
    """A client whose perfecting session falls due in the span."""

    client_id: int
    ref: str
    name: str
    initial: dt.date
    due_from: dt.date
    due_until: dt.date
    email: str | None = None
    phone: str | None = None
    next_booked: dt.date | None


class DueOut(_Out):
    """Who is due from ``start`` to ``end``."""

    start: dt.date
    end: dt.date
    touchups: list[DueRowOut]
    perfecting: list[PerfectingOut]


class RecallRowOut(_Out):
    """A session that used the lot."""

    client_ref: str
    client_name: str
    email: str | None = None
    phone: str | None = None
    session_id: int
    session_date: dt.date
    session_kind: str
    practitioner: str | None
    product: str
    lot_number: str
    next_visit: dt.date | None
    next_visit_source: Literal["booked", "forecast"] | None


class RecallOut(_Out):
    """Every session of the clinic that used a lot."""

    lot: str
    rows: list[RecallRowOut]


def _me(viewer: Viewer) -> Me:
    return Me(
        email=viewer.email,
        display_name=viewer.display_name,
        role=viewer.role,
        clinic=viewer.clinic_name,
        csrf_token=viewer.csrf_token,
    )


def _login(request: Request, body: LoginIn) -> JSONResponse:
    from fadecast.records.models import Clinic
    from fadecast.records.users import authenticate, start_session

    now = now_of(request)
    with records_of(request).transaction() as session:
        outcome = authenticate(
            session, email=body.email, password=body.password, ip=client_ip(request), now=now
        )
        started = None
        if outcome.user is not None:
            started = start_session(session, user=outcome.user, now=now)
            clinic = session.get(Clinic, outcome.user.clinic_id)
            assert clinic is not None
            me = Me(
                email=outcome.user.email,
                display_name=outcome.user.display_name,
                role=outcome.user.role,
                clinic=clinic.name,
                csrf_token=started.row.csrf_token,
            )
    if outcome.throttled:
        raise PageError(
            429,
            "too many failed sign-ins for this e-mail from here; try again later",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if started is None:
        raise PageError(401, "the e-mail or the password is wrong")
    response = JSONResponse(me.model_dump())
    set_session_cookie(request, response, started.token)
    return response


@login_router.post(
    "/login",
    response_model=Me,
    responses={
        401: {"model": Problem, "description": "Wrong e-mail or password"},
        429: {"model": Problem, "description": "Too many failed sign-ins"},
    },
)
async def login(request: Request, body: LoginIn) -> JSONResponse:
    """Sign in: the answer sets the session cookie and gives the CSRF token.

    A JSON body only (a form of another site cannot send one)."""
    return await run_in_threadpool(_login, request, body)


@router.get("/me", response_model=Me)
def me(viewer: Annotated[Viewer, Depends(need("account.view"))]) -> Me:
    """The signed-in user, their role and the session's CSRF token."""
    return _me(viewer)


def _summary(viewer: Viewer, c: object) -> ClientSummary:
    from fadecast.records.models import Client

    assert isinstance(c, Client)
    return ClientSummary(
        id=c.id,
        ref=c.ref,
        name=c.name,
        birth_date=c.birth_date,
        email=c.email if viewer.sees_contacts else None,
        phone=c.phone if viewer.sees_contacts else None,
    )


@router.get("/clients", response_model=ClientsOut)
def clients(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("clients.view"))],
    q: Annotated[str, Query(max_length=200, description="Part of a name or reference")] = "",
) -> ClientsOut:
    """The clinic's clients whose name or reference holds ``q`` (at most 50)."""
    with records_of(request).transaction() as session:
        found = clients_matching(session, clinic_id=viewer.clinic_id, query=q)
        return ClientsOut(query=q, clients=[_summary(viewer, c) for c in found])


def _window(dates: tuple[dt.date | None, ...], years: float, text: str | None) -> WindowOut:
    import math

    return WindowOut(
        p10=dates[0],
        p50=dates[1],
        p90=dates[2],
        years=round(years, 3) if math.isfinite(years) else None,
        text=text or "",
    )


def _detail(request: Request, viewer: Viewer, client_id: int) -> ClientDetail:
    from fadecast.records.audit import audit

    today = now_of(request).date()
    with records_of(request).transaction() as session:
        client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
        summary = _summary(viewer, client)
        address = client.address if viewer.sees_contacts else None
        sessions = client_sessions(session, client=client, today=today)
        photos = client_photos(session, client=client) if viewer.can("photos.view") else []
        profile = profile_for_page(session, client=client, today=today)
        audit(
            session,
            clinic_id=viewer.clinic_id,
            actor=viewer.actor,
            action="view",
            entity="client",
            entity_id=client.id,
            detail={"what": "client (API)", "client": client.ref, "contacts": viewer.sees_contacts},
            at=now_of(request),
        )
    calculator = request.app.state.calculator
    shown = client_forecast(calculator, profile, today=today)
    forecast = ClientForecastOut(problem=shown.problem)
    if not isinstance(profile, str) and shown.problem is None:
        result = calculator.forecast(profile, today=today)
        from fadecast.web.clinic_views import window_years

        forecast.prior = _window(
            result.touchup_dates, window_years(result.touchup_years), shown.prior
        )
        if result.personal is not None and result.personal_dates is not None:
            forecast.personal = _window(
                result.personal_dates, window_years(result.personal.touchup_years), shown.personal
            )
    return ClientDetail(
        **summary.model_dump(),
        address=address,
        sessions=[
            SessionOut(
                id=s.id,
                date=s.date,
                kind=s.kind,
                state=s.state,
                lot=s.lot,
                practitioner=s.practitioner,
                missing=list(s.missing),
            )
            for s in sessions
        ],
        photos=[
            PhotoOut(id=p.id, taken_on=p.taken_on, contrast_delta_e00=p.contrast, dots=p.dots)
            for p in photos
        ],
        forecast=forecast,
    )


@router.get("/clients/{client_id}", response_model=ClientDetail)
def client_detail(
    request: Request, client_id: Id, viewer: Annotated[Viewer, Depends(need("clients.view"))]
) -> ClientDetail:
    """A client: contacts (as the role may see), sessions, photos with their measured
    contrast, and the touch-up window with and without the photos (the view is
    audited)."""
    return _detail(request, viewer, client_id)


def _add(request: Request, viewer: Viewer, client_id: int, body: SessionIn) -> SessionOut:
    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            client = client_in(session, clinic_id=viewer.clinic_id, client_id=client_id)
            row = record_session(
                session,
                viewer=viewer,
                client=client,
                day=body.date,
                kind=body.kind,
                lot_id=body.lot_id,
                practitioner_id=body.practitioner_id,
                needle_config=body.needle_config,
                needle_lot=body.needle_lot,
                dilution=body.dilution,
                notes=body.notes,
                close=body.close,
                area_cm2=body.area_cm2,
                placement=body.placement,
                today=now.date(),
                now=now,
            )
            line = next(
                s
                for s in client_sessions(session, client=client, today=now.date())
                if s.id == row.id
            )
    except InputError as error:
        field = {"lot": "lot_id", "practitioner": "practitioner_id"}.get(error.field, error.field)
        raise input_error(InputError(field, error.message), "body") from None
    return SessionOut(
        id=line.id,
        date=line.date,
        kind=line.kind,
        state=line.state,
        lot=line.lot,
        practitioner=line.practitioner,
        missing=list(line.missing),
    )


@router.post(
    "/clients/{client_id}/sessions",
    response_model=SessionOut,
    status_code=201,
    dependencies=[Security(_csrf)],
)
async def add_session(
    request: Request,
    client_id: Id,
    body: SessionIn,
    viewer: Annotated[Viewer, Depends(need("sessions.add"))],
) -> SessionOut:
    """Add a session to the client's latest course, as the role allows (the front desk
    books after today; a practitioner records sessions held, with their lot); ``close``
    closes it when its record is complete (a lot, a procedure consent in force)."""
    return await run_in_threadpool(_add, request, viewer, client_id, body)


def _due(request: Request, viewer: Viewer, start: dt.date, end: dt.date) -> DueOut:
    from fadecast.records.forecasts import due_clients, perfecting_due
    from fadecast.web.routes.clinic import refresh_forecasts_of

    for name, day in (("start", start), ("end", end)):
        if not dt.date(1900, 1, 1) <= day <= dt.date(2199, 12, 31):
            message = f"must be from 1900-01-01 to 2199-12-31, got {day}"
            raise input_error(InputError(name, message), "query")
    if end < start:
        raise input_error(InputError("end", f"must be on or after the start ({start})"), "query")
    today = now_of(request).date()
    refresh_forecasts_of(request, viewer, today)
    show = viewer.sees_contacts
    with records_of(request).transaction() as session:
        due = due_clients(session, clinic_id=viewer.clinic_id, start=start, end=end, today=today)
        perfecting = perfecting_due(
            session, clinic_id=viewer.clinic_id, start=start, end=end, today=today
        )
    return DueOut(
        start=start,
        end=end,
        touchups=[
            DueRowOut(
                client_id=r.client_id,
                ref=r.client_ref,
                name=r.name,
                chance=round(r.probability, 4),
                p10=r.p10,
                p50=r.p50,
                p90=r.p90,
                personal=r.personal,
                email=r.email if show else None,
                phone=r.phone if show else None,
                next_booked=r.next_booked,
                next_booked_kind=r.next_booked_kind,
            )
            for r in due
        ],
        perfecting=[
            PerfectingOut(
                client_id=r.client_id,
                ref=r.client_ref,
                name=r.name,
                initial=r.initial,
                due_from=r.due_from,
                due_until=r.due_until,
                email=r.email if show else None,
                phone=r.phone if show else None,
                next_booked=r.next_booked,
            )
            for r in perfecting
        ],
    )


@router.get("/due", response_model=DueOut)
def due(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("due.view"))],
    start: Annotated[dt.date, Query(description="The span's first day")],
    end: Annotated[dt.date, Query(description="The span's last day")],
) -> DueOut:
    """The clients whose touch-up is likely due in the span, most likely first, and the
    perfecting sessions due (the forecasts are brought up to date first)."""
    return _due(request, viewer, start, end)


def _recall(request: Request, viewer: Viewer, lot: str, product: str | None) -> RecallOut:
    from fadecast.records.lookups import sessions_with_lot

    now = now_of(request)
    try:
        with records_of(request).transaction() as session:
            rows = sessions_with_lot(
                session,
                clinic_id=viewer.clinic_id,
                lot_number=lot,
                product=product,
                today=now.date(),
                actor=viewer.actor,
                now=now,
            )
    except InputError as error:
        raise input_error(error, "query") from None
    show = viewer.sees_contacts
    return RecallOut(
        lot=lot,
        rows=[
            RecallRowOut(
                client_ref=r.client_ref,
                client_name=r.client_name,
                email=r.email if show else None,
                phone=r.phone if show else None,
                session_id=r.session_id,
                session_date=r.session_date,
                session_kind=r.session_kind,
                practitioner=r.practitioner,
                product=r.product,
                lot_number=r.lot_number,
                next_visit=r.next_visit,
                next_visit_source=r.next_visit_source,
            )
            for r in rows
        ],
    )


@router.get("/recall", response_model=RecallOut)
def recall(
    request: Request,
    viewer: Annotated[Viewer, Depends(need("recall.view"))],
    lot: Annotated[str, Query(min_length=1, max_length=64, description="The lot's number")],
    product: Annotated[
        str | None, Query(max_length=400, description='"Brand name", when lots share a number')
    ] = None,
) -> RecallOut:
    """Every session of the clinic that used a pigment lot, with its client and their
    next visit (the lookup is audited)."""
    return _recall(request, viewer, lot, product)
