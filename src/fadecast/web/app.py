"""The web app factory: :func:`create_app` builds a FastAPI app from :class:`WebSettings`.

There is no app at module level: ``fadecast serve`` makes one from its options and the
tests make their own. Every response carries the security headers of
:class:`SecurityHeaders` (a Content Security Policy that allows no inline script or
style, no framing, no referrer); request bodies are bounded by :class:`BodyLimit`.
The interactive API pages (Swagger UI, ReDoc) are left out: they load scripts from a
CDN and inline; the OpenAPI schema is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fadecast.version import __version__
from fadecast.web.settings import WebSettings

__all__ = ["CONTENT_SECURITY_POLICY", "BodyLimit", "SecurityHeaders", "create_app"]

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
_UPLOAD_PATHS = frozenset({"/api/v1/measure"})


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
    422 naming the field (``photo`` for an upload) before anything is parsed; the body
    of an accepted request is read here and handed on whole.
    """

    def __init__(self, app: ASGIApp, *, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in _UPLOAD_PATHS
        limit = self.upload_bytes + UPLOAD_OVERHEAD_BYTES if upload else MAX_BODY_BYTES
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, upload)
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
                await self._refuse(send, upload)
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

    async def _refuse(self, send: Send, upload: bool) -> None:
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
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("fadecast.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


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
    >>> sorted(app.openapi()["paths"])[:3]
    ['/', '/api/v1/forecast', '/api/v1/measure']
    """
    from fadecast.web.routes import api, calculator
    from fadecast.web.service import Calculator

    app = FastAPI(
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
    app.include_router(calculator.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(packages=[("fadecast.web", "static")]), name="static")
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, upload_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    return app
