"""The public API, ``/api/v1``: forecast, plan, measure and place suggestions.

Every bad input is answered 422 with FastAPI's error shape, naming the field:
``{"detail": [{"loc": ["body", "profile", "lifestyle", "hat_share"], "msg": ..., "type":
"value_error"}]}``; an error of the core (:class:`fadecast.errors.InputError`) is turned
into the same shape, so a client reads one kind of error whatever found it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import warnings
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile

from fadecast.errors import InputError
from fadecast.web.schemas import (
    ForecastOut,
    ForecastRequest,
    MeasurementOut,
    PlaceOut,
    PlacesOut,
    PlanOut,
    PlanRequest,
)
from fadecast.web.service import Calculator

__all__ = ["PHOTO_TYPES", "input_error", "photo_type", "router"]

router = APIRouter(prefix="/api/v1", tags=["api"])

#: The photo types accepted, by the bytes they start with.
PHOTO_TYPES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def input_error(exc: InputError, *where: str) -> HTTPException:
    """An error of the core as a 422 naming its field below ``where``.

    Examples
    --------
    >>> error = input_error(InputError("measurements[0].date", "must not be..."), "body", "profile")
    >>> error.status_code, error.detail[0]["loc"]
    (422, ['body', 'profile', 'measurements', 0, 'date'])
    """
    loc: list[str | int] = list(where)
    for name, index in _PATH_PART.findall(exc.field):
        loc.append(int(index) if index else name)
    detail = [{"loc": loc, "msg": exc.message, "type": "value_error"}]
    return HTTPException(status_code=422, detail=detail)


def photo_type(head: bytes) -> str | None:
    """The type of a photo by its first bytes (magic numbers), or None.

    Examples
    --------
    >>> photo_type(b"\\x89PNG\\r\\n\\x1a\\n...."), photo_type(b"RIFF\\x00\\x00\\x00\\x00WEBPVP8 ")
    ('PNG', 'WebP')
    >>> photo_type(b"<svg xmlns=...") is None
    True
    """
    for magic, name in PHOTO_TYPES:
        if head.startswith(magic):
            return name
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


def _calculator(request: Request) -> Calculator:
    calculator: Calculator = request.app.state.calculator
    return calculator


def _profile(request: Request, body: ForecastRequest) -> tuple[Any, dt.date, int]:
    from fadecast.forecasting import EARLIEST_TODAY, LATEST_TODAY
    from fadecast.inputs.profile import parse_profile

    calc = _calculator(request)
    today = body.today or calc.settings.today_date()
    if not EARLIEST_TODAY <= today <= LATEST_TODAY:
        raise input_error(
            InputError("today", f"must be from {EARLIEST_TODAY} to {LATEST_TODAY}"), "body"
        )
    samples = calc.settings.samples if body.samples is None else body.samples
    if samples > calc.settings.max_samples:
        message = f"must be at most {calc.settings.max_samples} on this server, got {samples}"
        raise input_error(InputError("samples", message), "body")
    try:
        profile = parse_profile(body.profile, today=today)
    except InputError as exc:
        raise input_error(exc, "body", "profile") from None
    return profile, today, samples


@router.post("/forecast", response_model=ForecastOut, response_model_exclude_unset=True)
def forecast_endpoint(request: Request, body: ForecastRequest) -> ForecastOut:
    """Forecast the touch-up window of a profile, with its reasons (as ``fadecast forecast
    --json``)."""
    from fadecast.report.json import forecast_dict

    profile, today, samples = _profile(request, body)
    try:
        result = _calculator(request).forecast(
            profile, today=today, samples=samples, seed=body.seed
        )
    except InputError as exc:  # an unknown city is found when the place is resolved
        raise input_error(exc, "body", "profile") from None
    return ForecastOut.model_validate(forecast_dict(result))


@router.post("/plan", response_model=PlanOut, response_model_exclude_unset=True)
def plan_endpoint(request: Request, body: PlanRequest) -> PlanOut:
    """Plan every session until an age, with costs, habits and removal (as ``fadecast
    plan --json``)."""
    from fadecast.report.json import plan_dict

    profile, today, samples = _profile(request, body)
    try:
        result = _calculator(request).plan(
            profile, today=today, until_age=body.until_age, samples=samples, seed=body.seed
        )
    except InputError as exc:
        if exc.field == "until_age":
            raise input_error(exc, "body") from None
        raise input_error(exc, "body", "profile") from None
    return PlanOut.model_validate(plan_dict(result))


def _photo_bytes(photo: UploadFile, limit: int) -> bytes:
    data = photo.file.read(limit + 1)
    if len(data) > limit:
        raise input_error(
            InputError("photo", f"is larger than {limit / 1e6:g} MB; send a smaller photo"),
            "body",
        )
    if not data:
        raise input_error(InputError("photo", "is empty"), "body")
    if photo_type(data[:16]) is None:
        raise input_error(InputError("photo", "must be a JPEG, PNG, WebP or TIFF photo"), "body")
    return data


def _check_pixels(data: bytes, limit: int) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Exception:  # unreadable: read_photo says why, naming the photo
        return
    if width * height > limit:
        message = (
            f"{width} x {height} pixels is more than the {limit / 1e6:g} megapixels "
            "allowed here; scale it down"
        )
        raise input_error(InputError("photo", message), "body")


@router.post("/measure", response_model=MeasurementOut, response_model_exclude_unset=True)
def measure_endpoint(
    request: Request,
    photo: Annotated[UploadFile, File(description="Scalp photo: JPEG, PNG, WebP or TIFF")],
    mm_per_px: Annotated[
        float | None, Form(description="Scale of the photo [mm per pixel]")
    ] = None,
    marker_mm: Annotated[
        float | None, Form(description="Side of a printed ArUco marker in the photo [mm]")
    ] = None,
    white: Annotated[
        str, Form(max_length=64, description="White card: auto, none, or x,y,w,h in pixels")
    ] = "auto",
    card_reflectance: Annotated[
        float, Form(description="Reflectance of the white card [1]")
    ] = 0.90,
) -> MeasurementOut:
    """Measure the dots of a scalp photo: count, density, size, contrast, blur (as
    ``fadecast measure --json``). The photo is measured and forgotten: nothing is kept."""
    from fadecast.measure.measurement import measure_photo
    from fadecast.measure.photo import read_photo
    from fadecast.measure.reference import parse_rectangle
    from fadecast.report.json import measurement_dict

    calc = _calculator(request)
    data = _photo_bytes(photo, calc.settings.max_upload_bytes)
    _check_pixels(data, calc.settings.max_upload_pixels)
    name = Path(photo.filename or "photo").name[:200] or "photo"

    def work() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="fadecast-photo-") as folder:
            path = Path(folder) / "upload"
            path.write_bytes(data)
            srgb = read_photo(path)
        choice: str | tuple[int, int, int, int] | None
        if white == "auto":
            choice = "auto"
        elif white == "none":
            choice = None
        else:
            choice = parse_rectangle(white, srgb.shape[:2])
        result = measure_photo(
            srgb,
            mm_per_px=mm_per_px,
            marker_mm=marker_mm,
            white=choice,
            card_reflectance=card_reflectance,
        )
        if result.figures.dot_count == 0:
            raise InputError("photo", "no SMP dots found in the photo; nothing to measure")
        return measurement_dict(result)

    try:
        figures = calc.run(work)
    except InputError as exc:
        if exc.field == "photo":
            exc = InputError("photo", exc.message.replace("upload", name))
        raise input_error(exc, "body") from None
    return MeasurementOut.model_validate({"file": name, **figures})


@router.get("/places", response_model=PlacesOut)
def places_endpoint(
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="The start of a city's name; a country after a comma narrows it "
            "('manch, us')",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=10, description="Most suggestions")] = 10,
) -> PlacesOut:
    """Cities of the offline gazetteer whose name begins with ``q``, the most populous
    first (:func:`fadecast.inputs.places.suggest_places`); each ``label`` is a valid
    ``place.city``."""
    from fadecast.web.places import suggest_places

    found = suggest_places(q, limit=limit)
    return PlacesOut(
        query=q,
        places=[
            PlaceOut(
                label=s.label,
                name=s.name,
                country_code=s.country_code,
                latitude_deg=s.latitude_deg,
                longitude_deg=s.longitude_deg,
                population=s.population,
            )
            for s in found
        ],
    )
