"""The calculator's pages: the form, the result, the downloads (no login).

Every page works as a plain HTML form (GET, or POST) without JavaScript; with it, htmx
swaps the result (or the form with its errors) into the page and keeps the address bar
on the shareable link. A result is always ``GET /result?<answers>``: the answers are the
link, nothing is stored on the server. Answers that make no profile bring the form back
with status 422 and each error beside its field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from fadecast.errors import InputError
from fadecast.web.form import (
    FIELD_LABELS,
    FIELDS,
    SHARE_CHOICES,
    SKIN_TYPES,
    CalculatorForm,
    check_form,
    form_field,
    profile_toml,
    query_string,
    read_form,
)
from fadecast.web.service import Calculator, PageResult

__all__ = ["router", "swatch_colours"]

router = APIRouter(tags=["calculator"])

#: How long a browser may keep the stylesheet of swatches. [s]
_STYLE_MAX_AGE = 3600

#: The calculator's answers as the query parameters of its pages and downloads (the
#: shareable link's), for the OpenAPI schema: every one optional, every one text.
_ANSWERS = {
    "parameters": [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": FIELD_LABELS[name],
            "schema": {"type": "string"},
        }
        for name in FIELDS
    ]
}
#: The answer of a download whose answers make no profile (documented in the schema).
_FORM_AGAIN: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "The answers make no profile: the calculator's form again (HTML), "
        "each error beside its field.",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
}


def _file(media_type: str, what: str, *, binary: bool = False) -> dict[int | str, dict[str, Any]]:
    """A download's documented answers: the file, or the form again (422)."""
    schema = {"type": "string", "format": "binary"} if binary else {"type": "string"}
    return {200: {"description": what, "content": {media_type: {"schema": schema}}}, **_FORM_AGAIN}


def _calculator(request: Request) -> Calculator:
    calculator: Calculator = request.app.state.calculator
    return calculator


def _is_partial(request: Request) -> bool:
    """Whether htmx asked for the page's main part only (not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _choices() -> dict[str, Any]:
    from fadecast.inputs.profile import PLACEMENTS
    from fadecast.skin.pigments import pigment_names
    from fadecast.web.places import largest_cities

    return {
        "field_labels": FIELD_LABELS,
        "skin_types": SKIN_TYPES,
        "share_choices": SHARE_CHOICES,
        "pigments": pigment_names(),
        "placements": PLACEMENTS,
        "cities": [c.label for c in largest_cities(40)],
    }


def _page(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    push_url: str | None = None,
) -> HTMLResponse:
    templates = request.app.state.templates
    partial = _is_partial(request)
    template = f"partials/{name}" if partial else f"{name}"
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {**_choices(), **context}, status_code=status_code
    )
    response.headers["Vary"] = "HX-Request"
    if partial:
        response.headers["HX-Push-Url"] = push_url or "false"
    return response


def _form_page(request: Request, form: CalculatorForm, *, status_code: int) -> HTMLResponse:
    return _page(
        request,
        "calculator.html",
        {"form": form, "values": form.values, "errors": form.errors},
        status_code=status_code,
    )


def _checked(request: Request, data: Mapping[str, str]) -> tuple[CalculatorForm, Any, dt.date]:
    today = _calculator(request).settings.today_date()
    form, profile = check_form(read_form(data), today=today)
    return form, profile, today


def _computed(
    request: Request, form: CalculatorForm, profile: Any, today: dt.date
) -> tuple[CalculatorForm, PageResult | None]:
    try:
        return form, _calculator(request).page(profile, today=today)
    except InputError as exc:  # an unknown city, found when the place is resolved
        return form.with_error(form_field(exc.field), exc.message), None


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k in FIELDS}


@router.get(
    "/", response_class=HTMLResponse, summary="The calculator's form", openapi_extra=_ANSWERS
)
def calculator_page(request: Request) -> HTMLResponse:
    """The form, filled with the answers in the query string (from "change answers")."""
    data = _query(request)
    form = read_form(data) if data else CalculatorForm(values={})
    return _page(request, "calculator.html", {"form": form, "values": form.values, "errors": {}})


def _result(request: Request, data: Mapping[str, str]) -> HTMLResponse:
    from fadecast.web.views import result_view

    form, profile, today = _checked(request, data)
    if profile is None:
        return _form_page(request, form, status_code=422)
    query = query_string(form)
    # The rendered page of the same answers is kept beside the forecast it shows: the
    # same link again (a shared one, a reload) is answered without rendering it anew.
    key = ("result page", _is_partial(request), query, str(request.base_url))
    calculator = _calculator(request)
    kept = calculator.cache.get(key)
    if isinstance(kept, bytes):
        return _kept_page(request, kept, f"/result?{query}")
    form, page = _computed(request, form, profile, today)
    if page is None:
        return _form_page(request, form, status_code=422)
    link = f"/result?{query}"
    context = {
        "form": form,
        "values": form.values,
        "errors": {},
        "page": page,
        "view": result_view(page.forecast, page.plan),
        "query": query,
        "share_url": f"{str(request.base_url).rstrip('/')}{link}",
    }
    response = _page(request, "result.html", context, push_url=link)
    calculator.cache.put(key, bytes(response.body))
    return response


def _kept_page(request: Request, body: bytes, link: str) -> HTMLResponse:
    """A result page rendered before, with the headers :func:`_page` gives it."""
    response = HTMLResponse(body)
    response.headers["Vary"] = "HX-Request"
    if _is_partial(request):
        response.headers["HX-Push-Url"] = link
    return response


# The result is a page for people (the form again, 422, for answers that make no
# profile); the documented interface for programs is /api/v1/forecast and /api/v1/plan.
@router.get("/result", response_class=HTMLResponse, include_in_schema=False)
def result_page(request: Request) -> HTMLResponse:
    """The answer, pictures, curve, reasons, plan and downloads of the answers in the query
    string (the shareable link); the form with its errors (422) when they make no profile."""
    return _result(request, _query(request))


@router.post("/result", response_class=HTMLResponse, include_in_schema=False)
async def result_post(request: Request) -> HTMLResponse:
    """As ``GET /result``, for the answers posted as a form."""
    posted = await request.form()
    data = {k: v for k, v in posted.items() if k in FIELDS and isinstance(v, str)}
    return await run_in_threadpool(_result, request, data)


@router.get("/partials/places", response_class=HTMLResponse, include_in_schema=False)
def places_partial(
    request: Request, city: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """``<option>`` elements for the city's ``<datalist>`` as the city is typed."""
    from fadecast.web.places import largest_cities, suggest_places

    found = suggest_places(city) if city.strip() else largest_cities(40)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, "partials/places.html", {"labels": [s.label for s in found]}
    )
    return response


def _profile_text(form: CalculatorForm, today: dt.date) -> str:
    assert form.tables is not None
    heading = (
        "An SMP client profile from the fadecast calculator, "
        f"{today.isoformat()}.\nForecast it with: fadecast forecast profile.toml"
    )
    return profile_toml(form.tables, heading=heading)


def _attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/download/profile.toml",
    summary="The answers as a profile TOML file",
    response_class=Response,
    responses=_file("application/toml", "The profile, a TOML file fadecast forecast reads."),
    openapi_extra=_ANSWERS,
)
def download_profile(request: Request) -> Response:
    """The profile the answers make, as a TOML file ``fadecast forecast`` reads."""
    form, profile, today = _checked(request, _query(request))
    if profile is None:
        return _form_page(request, form, status_code=422)
    return _attachment(
        _profile_text(form, today), "application/toml; charset=utf-8", "fadecast-profile.toml"
    )


def _downloaded_page(request: Request) -> tuple[CalculatorForm, PageResult | None, dt.date]:
    form, profile, today = _checked(request, _query(request))
    if profile is None:
        return form, None, today
    form, page = _computed(request, form, profile, today)
    return form, page, today


@router.get(
    "/download/report.html",
    summary="The report, as fadecast report writes it",
    response_class=Response,
    responses=_file("text/html", "The report: one self-contained HTML page."),
    openapi_extra=_ANSWERS,
)
def download_report(request: Request) -> Response:
    """One self-contained HTML page: window, pictures, curve, reasons and plan."""
    form, page, today = _downloaded_page(request)
    if page is None:
        return _form_page(request, form, status_code=422)
    text = _calculator(request).report_html(
        page, profile_text=_profile_text(form, today), today=today
    )
    return _attachment(text, "text/html; charset=utf-8", "fadecast-report.html")


@router.get(
    "/download/report.pdf",
    summary="The report as PDF",
    response_class=Response,
    responses={
        **_file("application/pdf", "The report printed to PDF.", binary=True),
        501: {
            "description": "This server cannot print PDF (its system lacks the libraries).",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
    },
    openapi_extra=_ANSWERS,
)
def download_pdf(request: Request) -> Response:
    """The HTML report printed to PDF."""
    form, page, today = _downloaded_page(request)
    if page is None:
        return _form_page(request, form, status_code=422)
    try:
        pdf = _calculator(request).report_pdf(
            page, profile_text=_profile_text(form, today), today=today
        )
    except OSError:  # WeasyPrint without its system libraries (Pango)
        return PlainTextResponse(
            "PDF is not available on this server; download the HTML report and print it.",
            status_code=501,
        )
    return _attachment(pdf, "application/pdf", "fadecast-report.pdf")


@router.get(
    "/download/plan.ics",
    summary="The lifetime plan as a calendar",
    response_class=Response,
    responses=_file("text/calendar", "The planned sessions, an iCalendar file."),
    openapi_extra=_ANSWERS,
)
def download_calendar(request: Request) -> Response:
    """Every planned session as an all-day event, to import into a calendar app."""
    from fadecast.report.ics import plan_calendar

    form, page, _ = _downloaded_page(request)
    if page is None:
        return _form_page(request, form, status_code=422)
    if page.plan is None:
        form = form.with_error("birth_year", "no lifetime plan reaches past this age")
        return _form_page(request, form, status_code=422)
    return _attachment(
        plan_calendar(page.plan, client=page.profile.name),
        "text/calendar; charset=utf-8",
        "fadecast-plan.ics",
    )


@functools.cache
def swatch_colours() -> tuple[tuple[int, str], ...]:
    """The colour of each Fitzpatrick skin type as CSS hex, from the model's skin tones.

    Examples
    --------
    >>> swatch_colours()[0][0], swatch_colours()[0][1].startswith("#")
    (1, True)
    """
    import numpy as np

    from fadecast.skin.colour import lab_to_xyz, xyz_to_srgb
    from fadecast.skin.tone import skin_lab_from_fitzpatrick

    found = []
    for number, _, _ in SKIN_TYPES:
        rgb = xyz_to_srgb(lab_to_xyz(skin_lab_from_fitzpatrick(number)))
        r, g, b = (int(v) for v in np.clip(np.rint(np.asarray(rgb) * 255.0), 0, 255))
        found.append((number, f"#{r:02x}{g:02x}{b:02x}"))
    return tuple(found)


@router.get("/swatches.css", include_in_schema=False)
def swatches_css() -> Response:
    """The skin tone swatches' colours (a stylesheet: the pages allow no inline style)."""
    css = "".join(f".chip-{n} {{ background-color: {hex_}; }}\n" for n, hex_ in swatch_colours())
    return Response(
        css,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": f"public, max-age={_STYLE_MAX_AGE}"},
    )
