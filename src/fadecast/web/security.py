"""Who is signed in to the clinic dashboard, what their role lets them do, and the checks
every request of the dashboard passes.

- **Signed-in sessions** are server-side (:mod:`fadecast.records.users`): the browser's
  cookie :data:`SESSION_COOKIE` holds a random token, the records its sha256. The
  cookie is ``HttpOnly`` (no script reads it), ``SameSite=Lax`` (another site's form
  does not carry it) and ``Secure`` when :attr:`~fadecast.web.WebSettings.secure_cookies`
  says the app is served over HTTPS; it lasts as long as the session may
  (:data:`~fadecast.records.users.SESSION_LIFETIME`). Signing in always makes a new
  token; signing out ends the session in the records.
- **Cross-site request forgery**: every form of a signed-in page carries the session's
  own token (:data:`CSRF_FIELD`), and every API call that changes something sends it as
  the :data:`CSRF_HEADER` header; a POST without the right one is refused with 403
  before anything else is read (:func:`csrf_guard`). The sign-in and setup forms, before
  any session, carry a random token that must equal their own cookie's
  (:data:`FORM_COOKIE`, the double-submit pattern).
- **Roles** (:data:`PERMISSIONS`): each route needs one permission (:func:`need`); a
  signed-in user without it gets 403. A guest practitioner is never shown a client's
  contacts (:attr:`Viewer.sees_contacts`); the front desk never sees nor records a
  health answer (``health.view`` and ``health.record`` are for those who treat).
- **Tenant isolation**: a viewer acts for their own clinic only; every id in an address
  is looked up within it, so another clinic's ids are not found (404), whatever the
  route.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from fastapi import Depends, Request
from fastapi.responses import Response

from fadecast.records.models import USER_ROLES

if TYPE_CHECKING:
    from fadecast.records.database import Database

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "FORM_COOKIE",
    "PERMISSIONS",
    "ROLE_NAMES",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "PageError",
    "Viewer",
    "check_form_token",
    "client_ip",
    "csrf_guard",
    "form_token",
    "need",
    "now_of",
    "records_of",
    "set_form_cookie",
    "set_session_cookie",
    "signed_in",
    "viewer_of",
]

#: The cookie of a signed-in browser (its session's random token).
SESSION_COOKIE = "fadecast_session"
#: The cookie of the sign-in and setup forms' token, before any session.
FORM_COOKIE = "fadecast_form"
#: The form field, and the API header, carrying the token against request forgery.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: Methods that change nothing (no token asked).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Each role as people call it.
ROLE_NAMES = {
    "owner": "owner",
    "practitioner": "practitioner",
    "front_desk": "front desk",
    "guest": "guest practitioner",
}

_ALL = frozenset(USER_ROLES)
_TREATS = frozenset({"owner", "practitioner", "guest"})
_STAFF = frozenset({"owner", "practitioner", "front_desk"})
_OWNER = frozenset({"owner"})
#: What each role may do: a permission and the roles that have it.
PERMISSIONS: Mapping[str, frozenset[str]] = {
    "clients.view": _ALL,
    "clients.add": _STAFF,
    "contacts.view": _STAFF,
    "health.view": _TREATS,
    "health.record": _TREATS,
    "sessions.add": _ALL,
    "sessions.book": _STAFF,
    "sessions.record": _TREATS,
    "photos.view": _TREATS,
    "photos.add": _TREATS,
    "consents.record": _STAFF,
    "due.view": _ALL,
    "recall.view": _ALL,
    "missing.view": _STAFF,
    "passport.export": frozenset({"owner", "practitioner"}),
    "pigments.manage": frozenset({"owner", "practitioner"}),
    "forms.manage": _OWNER,
    "records.export": _OWNER,
    "users.manage": _OWNER,
    "feed.manage": _OWNER,
    "account.view": _ALL,
}


class PageError(Exception):
    """A request the dashboard refuses: the status, and a plain message for people.

    The app answers it as a page (or, under ``/api/``, as ``{"detail": message}``).
    """

    def __init__(
        self, status_code: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of a request, as plain values (no database row).

    Attributes
    ----------
    actor
        Who acts, for the audit log (the user's e-mail address, unique).
    """

    user_id: int
    clinic_id: int
    clinic_name: str
    email: str
    display_name: str
    role: str
    session_id: int
    csrf_token: str

    def can(self, permission: str) -> bool:
        """Whether the role has a permission of :data:`PERMISSIONS`.

        Examples
        --------
        >>> guest = Viewer(1, 1, "Northside", "g@x.org", "G", "guest", 1, "t")
        >>> guest.can("photos.add"), guest.can("contacts.view")
        (True, False)
        """
        return self.role in PERMISSIONS[permission]

    @property
    def sees_contacts(self) -> bool:
        """Whether the role is shown clients' contacts (a guest is not)."""
        return self.can("contacts.view")

    @property
    def actor(self) -> str:
        return self.email[:200]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


_FORGED = "This form has expired or did not come from this site: reload the page and try again."


def records_of(request: Request) -> Database:
    """The app's records, or a 503 page saying why the dashboard is off."""
    records: Database | None = request.app.state.records
    if records is None:
        problem: str = request.app.state.records_problem
        raise PageError(503, problem)
    return records


def now_of(request: Request) -> dt.datetime:
    """Now, naive UTC to the second, from the app's clock (``app.state.clock``)."""
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock().replace(microsecond=0)


def client_ip(request: Request) -> str:
    """The address a request came from (as the server sees it)."""
    return request.client.host if request.client is not None else "unknown"


def viewer_of(request: Request) -> Viewer | None:
    """The signed-in user of a request, or None (no cookie, or its session ended)."""
    from fadecast.records.models import Clinic
    from fadecast.records.users import session_for_token

    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    if not token or request.app.state.records is None:
        return None
    with records_of(request).transaction() as session:
        row = session_for_token(session, token=token, now=now_of(request))
        if row is None:
            return None
        clinic = session.get(Clinic, row.clinic_id)
        assert clinic is not None
        viewer = Viewer(
            user_id=row.user_id,
            clinic_id=row.clinic_id,
            clinic_name=clinic.name,
            email=row.user.email,
            display_name=row.user.display_name,
            role=row.user.role,
            session_id=row.id,
            csrf_token=row.csrf_token,
        )
    request.state.viewer = viewer
    return viewer


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _login_address(request: Request) -> str:
    from urllib.parse import quote

    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return "/login?next=" + quote(target, safe="/")


def _not_signed_in(request: Request) -> NoReturn:
    if _is_api(request):
        raise PageError(401, "sign in first", headers={"WWW-Authenticate": "Cookie"})
    login = _login_address(request)
    if request.headers.get("HX-Request") == "true":
        raise PageError(
            401, "Your session has ended: sign in again.", headers={"HX-Redirect": login}
        )
    raise PageError(303, "Sign in first.", headers={"Location": login})


def signed_in(request: Request) -> Viewer:
    """The signed-in user; a page asks them to sign in (303 to ``/login``), the API
    answers 401."""
    records_of(request)
    viewer = viewer_of(request)
    if viewer is None:
        _not_signed_in(request)
    return viewer


async def csrf_guard(
    request: Request,
    viewer: Viewer = Depends(signed_in),  # noqa: B008
) -> AsyncIterator[None]:
    """Refuse (403) a request that changes something without the session's token (a
    form's :data:`CSRF_FIELD` or the :data:`CSRF_HEADER` header). A form read for it is
    closed (its uploaded files removed) once the request is answered."""
    form = None
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        if given is None and not _is_api(request):
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                form = await request.form()
                value = form.get(CSRF_FIELD)
                given = value if isinstance(value, str) else None
        if not given or not hmac.compare_digest(given.encode(), viewer.csrf_token.encode()):
            if form is not None:
                await form.close()
            raise PageError(403, _FORGED)
    try:
        yield
    finally:
        if form is not None:
            await form.close()


def need(permission: str) -> Callable[..., Any]:
    """A dependency: the signed-in user, who must have ``permission`` (else 403)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def dependency(viewer: Viewer = Depends(signed_in)) -> Viewer:  # noqa: B008
        if not viewer.can(permission):
            raise PageError(403, f"A {viewer.role_name} may not do this.")
        return viewer

    dependency.__name__ = f"need_{permission.replace('.', '_')}"
    return dependency


def form_token(request: Request) -> str:
    """The sign-in and setup forms' token: the browser's :data:`FORM_COOKIE`, or a new
    one (set it with :func:`set_form_cookie`)."""
    token = request.cookies.get(FORM_COOKIE)
    if token and len(token) == 43:
        return token
    return secrets.token_urlsafe(32)


def set_form_cookie(request: Request, response: Response, token: str) -> None:
    """Keep a sign-in form's token in its cookie (for an hour)."""
    response.set_cookie(
        FORM_COOKIE,
        token,
        max_age=3600,
        path="/",
        secure=request.app.state.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def check_form_token(request: Request, given: object) -> None:
    """Refuse (403) a sign-in or setup form whose token is not its cookie's."""
    cookie = request.cookies.get(FORM_COOKIE)
    if not (
        isinstance(given, str) and cookie and hmac.compare_digest(given.encode(), cookie.encode())
    ):
        raise PageError(403, _FORGED)


def set_session_cookie(request: Request, response: Response, token: str | None) -> None:
    """Give the browser its session's token (None: take it away)."""
    from fadecast.records.users import SESSION_LIFETIME

    secure = bool(request.app.state.settings.secure_cookies)
    if token is None:
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax"
        )
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
