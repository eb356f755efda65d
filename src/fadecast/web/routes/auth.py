"""Signing in to the clinic dashboard, signing out, and the first run's setup link.

- ``/login``: e-mail and password; the records' rate limit answers 429 after
  :data:`~fadecast.records.users.LOGIN_FAILURES` failures for an e-mail from one
  address; a success begins a new session (a new token: never one a browser brought).
- ``/logout``: ends the session in the records and takes the cookie away.
- ``/setup/<token>``: while the records hold no user, the one-time link ``fadecast
  serve`` prints makes the clinic's owner (and the clinic, if none); the link ``fadecast
  clinic setup-link`` prints for a further clinic of a group makes that clinic's owner
  while it has no user, and no other clinic's. A used, expired or unknown token is a
  plain 404.

The sign-in and setup forms carry a token equal to their own cookie's (before any
session, the double-submit pattern); a POST without it is refused with 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fadecast.errors import InputError
from fadecast.web.security import (
    SESSION_COOKIE,
    PageError,
    Viewer,
    check_form_token,
    client_ip,
    csrf_guard,
    form_token,
    now_of,
    records_of,
    set_form_cookie,
    set_session_cookie,
    viewer_of,
)

__all__ = ["form_strings", "page", "router", "safe_next"]

router = APIRouter(tags=["clinic"], include_in_schema=False)

#: Where a signed-in user lands.
HOME = "/clinic/clients"
_SETUP_LABELS = {
    "clinic": "The clinic",
    "clinic_name": "The clinic's name",
    "display_name": "Your name",
    "email": "Your e-mail",
    "password": "Password",
    "password_again": "The password again",
}
_SETUP_GONE = (
    "This setup link has been used or has expired. If the clinic has an owner, ask them to "
    "add you; otherwise ask whoever runs the server for a new link (fadecast clinic "
    "setup-link)."
)


async def form_strings(request: Request) -> dict[str, str]:
    """A posted form's text fields (files left out), each value at most 10,000
    characters, without NUL characters (never typed; the databases refuse them)."""
    form = await request.form()
    return {k: v[:10_000].replace("\x00", "") for k, v in form.items() if isinstance(v, str)}


def page(
    request: Request,
    viewer: Viewer | None,
    name: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A page of the dashboard (``templates/clinic/<name>``)."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        f"clinic/{name}",
        {"viewer": viewer, **context},
        status_code=status_code,
        headers=dict(headers or {}),
    )
    return response


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard address on this site, else the clients.

    Examples
    --------
    >>> safe_next("/clinic/due?start=2027-01-01"), safe_next("//evil.example/clinic")
    ('/clinic/due?start=2027-01-01', '/clinic/clients')
    >>> safe_next("https://evil.example/"), safe_next(None)
    ('/clinic/clients', '/clinic/clients')
    """
    if (
        not target
        or not target.startswith("/clinic")
        or "//" in target
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return HOME
    return target[:1000]


def _login_page(
    request: Request,
    *,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    next_page: str,
    status_code: int = 200,
) -> HTMLResponse:
    token = form_token(request)
    response = page(
        request,
        None,
        "login.html",
        {"values": values, "errors": errors, "next": next_page, "form_token": token},
        status_code=status_code,
    )
    set_form_cookie(request, response, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form (a signed-in user goes on to the clients)."""
    records_of(request)
    if viewer_of(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, values={}, errors={}, next_page=safe_next(next))


def _login(request: Request, data: Mapping[str, str]) -> Response:
    from fadecast.records.users import authenticate, start_session

    records = records_of(request)
    now = now_of(request)
    email, password = data.get("email", ""), data.get("password", "")
    next_page = safe_next(data.get("next"))
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "give the e-mail address you sign in with"
    if not password:
        errors["password"] = "give your password"
    values = {"email": email.strip()[:320]}
    if errors:
        return _login_page(
            request, values=values, errors=errors, next_page=next_page, status_code=422
        )
    with records.transaction() as session:
        outcome = authenticate(
            session, email=email, password=password, ip=client_ip(request), now=now
        )
        started = (
            None if outcome.user is None else start_session(session, user=outcome.user, now=now)
        )
    if outcome.throttled:
        minutes = max(1, -(-outcome.retry_after // 60))
        raise PageError(
            429,
            f"Too many failed sign-ins for this e-mail from here. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if started is None:
        errors = {"password": "the e-mail or the password is wrong"}
        return _login_page(
            request, values=values, errors=errors, next_page=next_page, status_code=422
        )
    response = RedirectResponse(next_page, status_code=303)
    set_session_cookie(request, response, started.token)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login_post(request: Request) -> Response:
    """Sign in with an e-mail and password."""
    data = await form_strings(request)
    check_form_token(request, data.get("csrf_token"))
    return await run_in_threadpool(_login, request, data)


def _logout(request: Request) -> Response:
    from fadecast.records.users import end_session

    token = request.cookies.get(SESSION_COOKIE, "")
    with records_of(request).transaction() as session:
        end_session(session, token=token)
    response = RedirectResponse("/login", status_code=303)
    set_session_cookie(request, response, None)
    return response


@router.post("/logout", dependencies=[Depends(csrf_guard)])
async def logout(request: Request) -> Response:
    """Sign out: the session ends in the records, the cookie is taken away."""
    return await run_in_threadpool(_logout, request)


Token = Annotated[str, Path(max_length=100)]


def _clinic_choices(request: Request, token: str) -> list[tuple[int, str]]:
    """The clinics a setup link may make the owner of: the one it was made for, else
    (the first run's) every clinic of the records."""
    from sqlalchemy import select

    from fadecast.records.models import Clinic
    from fadecast.records.users import setup_token_clinic

    with records_of(request).transaction() as session:
        bound = setup_token_clinic(session, token=token, now=now_of(request))
        if bound is not None:
            return [(bound.id, bound.name)]
        return [(c.id, c.name) for c in session.scalars(select(Clinic).order_by(Clinic.name))]


def _setup_page(
    request: Request,
    token: str,
    *,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    form = form_token(request)
    response = page(
        request,
        None,
        "setup.html",
        {
            "token": token,
            "values": values,
            "errors": errors,
            "labels": _SETUP_LABELS,
            "clinics": _clinic_choices(request, token),
            "form_token": form,
        },
        status_code=status_code,
    )
    set_form_cookie(request, response, form)
    return response


def _check_setup_token(request: Request, token: str) -> None:
    from fadecast.records.users import setup_token_valid

    with records_of(request).transaction() as session:
        valid = setup_token_valid(session, token=token, now=now_of(request))
    if not valid:
        raise PageError(404, _SETUP_GONE)


def _setup_form(request: Request, token: str) -> Response:
    _check_setup_token(request, token)
    return _setup_page(request, token, values={}, errors={})


@router.get("/setup/{token}", response_class=HTMLResponse)
def setup_page(request: Request, token: Token) -> Response:
    """The first run's form: the clinic's owner (and the clinic, if none)."""
    return _setup_form(request, token)


def _setup(request: Request, token: str, data: Mapping[str, str]) -> Response:
    from fadecast.records.users import claim_setup, start_session

    _check_setup_token(request, token)
    values = {k: data.get(k, "") for k in ("clinic", "clinic_name", "display_name", "email")}
    password = data.get("password", "")
    if password != data.get("password_again", ""):
        errors = {"password_again": "is not the same as the password"}
        return _setup_page(request, token, values=values, errors=errors, status_code=422)
    chosen = data.get("clinic", "").strip()
    clinic_id = int(chosen) if chosen.isdigit() and len(chosen) < 10 else None
    now = now_of(request)
    has_clinics = bool(_clinic_choices(request, token))
    try:
        with records_of(request).transaction() as session:
            owner = claim_setup(
                session,
                token=token,
                email=data.get("email", ""),
                display_name=data.get("display_name", ""),
                password=password,
                clinic_id=clinic_id,
                clinic_name=data.get("clinic_name", ""),
                now=now,
            )
            started = start_session(session, user=owner, now=now)
    except InputError as error:
        if error.field == "token":
            raise PageError(404, _SETUP_GONE) from None
        field = error.field
        if field == "clinic" and not has_clinics:
            field = "clinic_name"
        errors = {field if field in _SETUP_LABELS else "": error.message}
        return _setup_page(request, token, values=values, errors=errors, status_code=422)
    response = RedirectResponse(HOME, status_code=303)
    set_session_cookie(request, response, started.token)
    return response


@router.post("/setup/{token}", response_class=HTMLResponse)
async def setup_post(request: Request, token: Token) -> Response:
    """Make the clinic's owner with the one-time link."""
    data = await form_strings(request)
    check_form_token(request, data.get("csrf_token"))
    return await run_in_threadpool(_setup, request, token, data)
