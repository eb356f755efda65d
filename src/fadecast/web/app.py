"""The web app factory: :func:`create_app` builds a FastAPI app from :class:`WebSettings`.

There is no app at module level: ``fadecast serve`` makes one from its options and the
tests make their own. Every response carries the security headers of
:class:`SecurityHeaders` (a Content Security Policy that allows no inline script or
style, no framing, no referrer); request bodies are bounded by :class:`BodyLimit`.
The interactive API pages (Swagger UI, ReDoc) are left out: they load scripts from a
CDN and inline; the OpenAPI schema is at ``/api/v1/openapi.json``.

With :attr:`WebSettings.database_url` naming records whose schema is the code's, the
clinic dashboard (``/login``, ``/clinic/...``, ``/api/v1/clinic/...``, the calendar feed)
works on them; otherwise its pages answer 503 saying why, and the calculator and the
public API work as ever.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fadecast.report.templating import STYLE_PACKAGE, template_loader
from fadecast.version import __version__
from fadecast.web.security import PageError, viewer_of
from fadecast.web.settings import WebSettings

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "BodyLimit",
    "SecurityHeaders",
    "create_app",
    "first_run_link",
    "records_problem",
]

#: Scripts, styles, fonts and everything else from this server only; images also as
#: ``data:`` (the renders are embedded in the page); no plugin, no framing, forms post
#: here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Largest request body other than a photo upload (a profile in JSON is a few kB). [bytes]
MAX_BODY_BYTES = 1 << 20
#: Room for the form fields around an uploaded photo. [bytes]
UPLOAD_OVERHEAD_BYTES = 64 * 1024
#: The paths that take a photo (the public measure, a client's photo upload).
_UPLOAD_PATH = re.compile(r"/api/v1/measure|/clinic/clients/[0-9]+/photos")


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response.

    ``Content-Security-Policy`` (:data:`CONTENT_SECURITY_POLICY`),
    ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a shareable
    link holds the answers), ``X-Frame-Options: DENY``, ``Cross-Origin-Opener-Policy``,
    a ``Permissions-Policy`` that turns off camera, microphone and location, and
    ``Cache-Control: no-store`` on everything but the static files unless the route set
    its own; with ``hsts``, ``Strict-Transport-Security`` too.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """ASGI middleware refusing request bodies over a size before the app reads them.

    A photo upload may be ``upload_bytes`` (plus room for its form fields), any other
    body :data:`MAX_BODY_BYTES`. A body that says or turns out to be larger is answered
    422 before anything is parsed: under ``/api/`` naming the field (``photo`` for an
    upload), elsewhere as a page saying so; the body of an accepted request is read
    here and handed on whole.
    """

    def __init__(self, app: ASGIApp, *, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        upload = _UPLOAD_PATH.fullmatch(str(scope.get("path", ""))) is not None
        limit = self.upload_bytes + UPLOAD_OVERHEAD_BYTES if upload else MAX_BODY_BYTES
        page = not str(scope.get("path", "")).startswith("/api/")
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, upload, page=page)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, upload, page=page)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, upload: bool, *, page: bool = False) -> None:
        if page:  # a form of the dashboard: a page saying so, with the way back
            size = f"{self.upload_bytes / 1e6:g} MB" if upload else f"{MAX_BODY_BYTES // 1024} KiB"
            what = "The photo" if upload else "What was sent"
            text = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>Too large · fadecast</title>"
                '<link rel="stylesheet" href="/static/answer.css">'
                '<link rel="stylesheet" href="/static/app.css">'
                f'</head><body><main id="main"><h1>Too large</h1><p class="error">{what} is '
                f"larger than {size}: go back and send a smaller one.</p></main></body></html>"
            )
            await self._answer(send, text.encode(), b"text/html; charset=utf-8")
            return
        if upload:
            size = f"{self.upload_bytes / 1e6:g} MB"
            detail = [
                {
                    "loc": ["body", "photo"],
                    "msg": f"is larger than {size}; send a smaller photo",
                    "type": "value_error",
                }
            ]
        else:
            detail = [
                {
                    "loc": ["body"],
                    "msg": f"is larger than {MAX_BODY_BYTES // 1024} KiB",
                    "type": "value_error",
                }
            ]
        payload = json.dumps({"detail": detail}).encode()
        await self._answer(send, payload, b"application/json")

    @staticmethod
    async def _answer(send: Send, payload: bytes, content_type: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _templates() -> Jinja2Templates:
    """The pages' templates: the web's own, then the answer's, shared with the HTML
    report (:func:`fadecast.report.templating.template_loader`)."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader("fadecast.web", "templates"), template_loader()]),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["month"] = _month
    env.filters["sentence"] = _sentence
    return Jinja2Templates(env=env)


def _sentence(text: str | None) -> str:
    """The text with its first letter made a capital (the rest as it is)."""
    return "" if not text else text[:1].upper() + text[1:]


def _month(day: dt.date | None) -> str:
    from fadecast.records.forecasts import month_text

    return "" if day is None else month_text(day)


def _clock(settings: WebSettings) -> Callable[[], dt.datetime]:
    """Now, naive UTC: the real moment, on :attr:`WebSettings.today` when it is set."""

    def now() -> dt.datetime:
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        if settings.today is None:
            return moment
        return dt.datetime.combine(settings.today, moment.time())

    return now


def _open_records(app: FastAPI, settings: WebSettings) -> None:
    """Open the records the settings name (``app.state.records``), or keep why not
    (``app.state.records_problem``); the photo store beside them."""
    from fadecast.errors import InputError
    from fadecast.records.database import open_database
    from fadecast.records.photos import photo_store_root

    app.state.records = None
    app.state.photo_root = None
    app.state.records_problem = (
        "The clinic dashboard is off: this server was started without clinic records "
        "(fadecast serve --db)."
    )
    if settings.database_url is None:
        return
    try:
        app.state.records = open_database(settings.database_url)
    except InputError as error:
        app.state.records_problem = f"The clinic dashboard is off: {error.message}."
        return
    app.state.photo_root = photo_store_root(settings.database_url)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.uploads.close()
    if app.state.records is not None:
        app.state.records.close()


_TITLES = {
    401: "Sign in",
    403: "Not allowed",
    404: "Not found",
    422: "Please check the request",
    429: "Too many tries",
    503: "The clinic dashboard is off",
}


async def _page_error(request: Request, exc: Exception) -> Response:
    """A refusal of the dashboard as a page, a redirect, or (under ``/api/``) JSON."""
    assert isinstance(exc, PageError)
    if exc.status_code in (301, 302, 303, 307):
        return RedirectResponse(exc.headers.get("Location", "/login"), status_code=exc.status_code)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": exc.message}, exc.status_code, headers=exc.headers)
    from starlette.concurrency import run_in_threadpool

    viewer = None
    if exc.status_code not in (401, 503):
        viewer = await run_in_threadpool(viewer_of, request)
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        "clinic/error.html",
        {
            "viewer": viewer,
            "title": _TITLES.get(exc.status_code, "Refused"),
            "message": exc.message,
        },
        status_code=exc.status_code,
        headers=exc.headers,
    )
    return response


async def _unreadable_body(request: Request, exc: Exception) -> Response:
    """A body FastAPI could not parse (bytes that are not UTF-8, a broken form) as the
    API's 422 naming the body, like every other bad input; other HTTP errors as FastAPI
    answers them."""
    from fastapi.exception_handlers import http_exception_handler

    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and request.url.path.startswith("/api/"):
        detail = [{"loc": ["body"], "msg": "could not be read: send JSON", "type": "value_error"}]
        if "multipart/form-data" in request.headers.get("content-type", ""):
            detail[0]["msg"] = "could not be read: send a multipart form"
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, exc)


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The app's OpenAPI schema with the profile's own schema among its components."""
    from fastapi.openapi.utils import get_openapi

    from fadecast.inputs.profile import Profile
    from fadecast.web.schemas import PROFILE_MARK, PROFILE_SCHEMA_REF

    def point_to_profile(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get(PROFILE_MARK) is True:
                return {"$ref": PROFILE_SCHEMA_REF}
            return {k: point_to_profile(v) for k, v in node.items()}
        if isinstance(node, list):
            return [point_to_profile(v) for v in node]
        return node

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = point_to_profile(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
            profile = Profile.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(profile.pop("$defs", {}))
            profile["title"] = "Profile"
            components["Profile"] = profile
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app(settings: WebSettings) -> FastAPI:
    """Build the web app: the calculator's pages, the public API, the static files.

    Parameters
    ----------
    settings
        Where it listens is not its business (``fadecast serve`` runs it); the draws,
        the cache, the limits and the day are.

    Returns
    -------
    FastAPI

    Examples
    --------
    >>> app = create_app(WebSettings())
    >>> [p for p in sorted(app.openapi()["paths"]) if "clinic" not in p][:3]
    ['/', '/api/v1/forecast', '/api/v1/measure']
    >>> app.state.records is None  # no records named: the dashboard is off
    True
    """
    from fadecast.web.routes import api, auth, calculator, clinic, clinic_api
    from fadecast.web.service import Calculator
    from fadecast.web.uploads import UploadJobs

    app = FastAPI(
        lifespan=_lifespan,
        title="fadecast",
        version=__version__,
        description="Forecast how a scalp micropigmentation (SMP) treatment fades: the "
        "touch-up window, its reasons, the lifetime plan; measure a scalp photo.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.calculator = Calculator(settings)
    app.state.templates = _templates()
    app.state.clock = _clock(settings)
    _open_records(app, settings)
    app.state.uploads = UploadJobs(workers=settings.max_concurrent)
    app.add_exception_handler(PageError, _page_error)
    app.add_exception_handler(StarletteHTTPException, _unreadable_body)
    app.include_router(calculator.router)
    app.include_router(api.router)
    app.include_router(clinic_api.login_router)
    app.include_router(clinic_api.router)
    app.include_router(auth.router)
    app.include_router(clinic.router)
    app.include_router(clinic.feed_router)
    # The web's own files, then the answer's stylesheets shared with the HTML report.
    static = StaticFiles(packages=[("fadecast.web", "static"), STYLE_PACKAGE])
    app.mount("/static", static, name="static")
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, upload_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    return app


def records_problem(app: FastAPI) -> str | None:
    """Why the app's clinic dashboard is off (None: it is on)."""
    if app.state.records is not None:
        return None
    problem: str = app.state.records_problem
    return problem


def first_run_link(app: FastAPI, base_url: str) -> str | None:
    """The one-time setup link of records that hold no user yet (a new token each
    call, the earlier ones voided), or None when a user exists or the dashboard is off.

    Parameters
    ----------
    base_url
        Where the server is reached, such as ``http://127.0.0.1:8000``.
    """
    from fadecast.records.users import issue_setup_token

    records = app.state.records
    if records is None:
        return None
    with records.transaction() as session:
        token = issue_setup_token(session, now=app.state.clock())
    return None if token is None else f"{base_url.rstrip('/')}/setup/{token}"
