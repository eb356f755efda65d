"""The public API's requests and responses as pydantic models (its OpenAPI schema).

The responses are the JSON contracts of the command line (``fadecast forecast --json``,
``plan --json``, ``measure --json``; docs/json.md), made by the same functions of
:mod:`fadecast.report.json` and validated into these models, so that the schema states
every key, its type and its unit. A request's profile is the profile of a TOML file as
JSON: its schema is the profile's own (``fadecast schema``), under
``#/components/schemas/Profile``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

__all__ = [
    "PROFILE_MARK",
    "PROFILE_SCHEMA_REF",
    "ForecastOut",
    "ForecastRequest",
    "MeasurementOut",
    "PlaceOut",
    "PlacesOut",
    "PlanOut",
    "PlanRequest",
    "ProfileTables",
]

#: Where the OpenAPI document holds the profile's schema.
PROFILE_SCHEMA_REF = "#/components/schemas/Profile"
#: The key marking where the profile's schema goes: the app's OpenAPI document replaces
#: the schema that carries it by a reference to :data:`PROFILE_SCHEMA_REF`.
PROFILE_MARK = "x-fadecast-profile"

#: A profile's tables, as in a profile TOML file, in JSON (dates as "YYYY-MM-DD").
ProfileTables = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", "title": "Profile", PROFILE_MARK: True}),
]

Years = Annotated[float | None, Field(description="[years]; null beyond the horizon")]
Contrast = Annotated[float | None, Field(description="[ΔE00]")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ForecastRequest(_In):
    """A forecast of one profile."""

    profile: ProfileTables
    samples: int | None = Field(
        default=None,
        ge=10,
        description="Monte Carlo draws: the server's default (2000) when left out, at most "
        "the server's limit (5000 unless set otherwise)",
    )
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Random seed")
    today: dt.date | None = Field(
        default=None, description="Date taken as today, YYYY-MM-DD (default: today)"
    )


class PlanRequest(ForecastRequest):
    """A lifetime plan of one profile."""

    until_age: float | None = Field(
        default=None,
        gt=0,
        le=110,
        description="Plan until this age [years] (default 75, or ten years ahead past 65)",
    )


class TouchupOut(_Out):
    """When the touch-up falls due (P10/P50/P90)."""

    p10_years: Years
    p50_years: Years
    p90_years: Years
    p10_date: dt.date | None
    p50_date: dt.date | None
    p90_date: dt.date | None
    years_counted_from: dt.date
    may_be_due_now: bool
    threshold_share: float = Field(description="Touch-up level, share of the healed look [1]")


class CurveOut(_Out):
    """The contrast over the years."""

    years: list[float | None] = Field(description="Model times [years]")
    contrast_p10: list[float | None] = Field(description="[ΔE00] at 2 m, P10")
    contrast_p50: list[float | None] = Field(description="[ΔE00] at 2 m, median")
    contrast_p90: list[float | None] = Field(description="[ΔE00] at 2 m, P90")
    closeup_p50: list[float | None] = Field(description="[ΔE00] of a dot's centre, median")
    look_p50: list[float | None] = Field(description="[ΔE00] of the look, median")
    unit: str
    target_delta_e00: Contrast
    touchup_level_delta_e00: Contrast


class ResidualOut(_Out):
    """What is left after decades without touch-ups."""

    years: float = Field(description="[years]")
    delta_e00_p50: Contrast
    closeup_delta_e00_p50: Contrast


class AttributionOut(_Out):
    """Years a factor gains (+) or costs (−) against its reference."""

    factor: str
    years: float | None = Field(description="[years]")
    reference: str


class WindowOut(_Out):
    """A touch-up window (P10/P50/P90) in years and dates."""

    p10_years: Years
    p50_years: Years
    p90_years: Years
    p10_date: dt.date | None
    p50_date: dt.date | None
    p90_date: dt.date | None


class PersonalOut(_Out):
    """The window from the client's own photo measurements."""

    measurements: int
    effective_sample_size: float | None
    residual_sd: float | None
    touchup: WindowOut


class NarrowingOut(_Out):
    """What one photo at the next visit would do to the window."""

    photo_at_years: float | None = Field(description="[years]")
    photo_date: dt.date | None
    window_width_years_now: float | None = Field(description="[years]")
    window_width_years_after_photo: float | None = Field(description="[years]")
    window_width_years_after_photo_p10_p90: list[float | None] = Field(description="[years]")
    stand_in_clients: int


class ForecastOut(_Out):
    """A forecast: ``fadecast forecast --json`` (docs/json.md)."""

    fadecast_version: str
    model_version: str
    samples: int
    seed: int
    first_session: dt.date
    sessions: list[dt.date]
    touchup: TouchupOut
    exposure: dict[str, float | None] = Field(description="Yearly UV doses (SED, kJ/m²)")
    curve: CurveOut
    residual: ResidualOut
    attribution: list[AttributionOut]
    warnings: list[str]
    personal: PersonalOut | None
    narrowing: NarrowingOut | None


class PlannedSessionOut(_Out):
    """One session of the plan."""

    kind: Literal["fade", "extension", "design"]
    number: int
    reason: str
    share_of_draws: float = Field(description="Share of the simulated futures with it [1]")
    p10_date: dt.date | None
    p50_date: dt.date | None
    p90_date: dt.date | None
    p50_age: float | None = Field(description="[years]")


class QuantilesOut(_Out):
    """P10/P50/P90 of a count over the simulated futures."""

    p10: float
    p50: float
    p90: float


class CostOut(_Out):
    """What the plan costs (the amounts only when every session is priced)."""

    currency: str
    priced: bool
    price_per_session: float | None = None
    price_by_stage: dict[str, float] | None = None
    total_p10: float | None = None
    total_p50: float | None = None
    total_p90: float | None = None
    mean_by_kind: dict[str, float] | None = None


class HairOut(_Out):
    """Pattern hair loss at the plan's end."""

    scale: str
    stage_p50_at_horizon: float | None


class WhatIfOut(_Out):
    """What one aftercare habit would buy."""

    habit: str
    label: str
    applicable: bool
    years_added_to_next_touchup: float = Field(description="[years]")
    years_added_is_a_floor: bool
    touchups_avoided: float
    money_saved: float | None


class PermanenceReadingOut(_Out):
    """The contrast some years after the last session, without touch-ups."""

    years: float
    delta_e00_p10: float
    delta_e00_p50: float
    delta_e00_p90: float
    visible_p50: bool
    remaining_share_p50: float


class PermanenceOut(_Out):
    """What remains without touch-ups."""

    slow_share_p50: float
    perceptible_delta_e00: float
    after_last_session: list[PermanenceReadingOut]


class AccumulationOut(_Out):
    """Whether the sessions pile up into a tone darker than the healed look."""

    share_of_futures_darker: float
    darker_from_years_p50: float | None
    darker_from_date_p50: dt.date | None
    excess_delta_e00_p90: float | None
    acceptable_delta_e00: float
    haze_share_at_horizon_p50: float


class RemovalOut(_Out):
    """A laser removal estimate on the Kirby–Desai scale."""

    points: dict[str, int]
    categories: dict[str, str]
    total: int
    sessions_low: float
    sessions_high: float
    interval_weeks: list[float]
    months_low: float
    months_high: float
    warnings: list[str]


class RemovalsOut(_Out):
    """Removal today and after the planned sessions."""

    now: RemovalOut
    at_horizon: RemovalOut


class PlanPersonalOut(_Out):
    """How the client's photo measurements weigh the futures."""

    measurements: int
    effective_sample_size: float


class PlanOut(_Out):
    """A lifetime plan: ``fadecast plan --json`` (docs/json.md)."""

    until_age: float
    horizon_date: dt.date | None
    samples: int
    seed: int
    sessions: list[PlannedSessionOut]
    counts: dict[str, QuantilesOut]
    cost: CostOut
    hair: HairOut | None
    what_ifs: list[WhatIfOut]
    permanence: PermanenceOut
    accumulation: AccumulationOut | None
    removal: RemovalsOut
    personal: PlanPersonalOut | None


class SpreadOut(_Out):
    """A median with its quartiles."""

    median: float
    p25: float
    p75: float
    iqr: float


class PhotoOut(_Out):
    width_px: int
    height_px: int


class ScaleOut(_Out):
    mm_per_px: float | None
    source: str


class WhiteReferenceOut(_Out):
    source: str
    rect: list[int]
    rgb: list[float]
    reflectance: float
    grey_ratio: float | None


class DotsOut(_Out):
    count: int
    analysed_px: int
    density_per_cm2: float | None
    density_per_megapixel: float
    diameter_mm: SpreadOut | None
    diameter_px: SpreadOut | None
    edge_mm: SpreadOut | None
    edge_px: SpreadOut | None
    coverage: float


class MeasuredContrastOut(_Out):
    delta_e00: SpreadOut | None
    social_delta_e00: float | None
    skin_lab: list[float] | None
    mean_lab: list[float] | None


class MeasurementOut(_Out):
    """A measured photo: ``fadecast measure --json`` (docs/json.md), with its file name."""

    file: str
    fadecast_version: str
    photo: PhotoOut
    scale: ScaleOut
    white_reference: WhiteReferenceOut | None
    dots: DotsOut
    contrast: MeasuredContrastOut
    blur_px: float | None
    flags: list[str]
    advice: list[str]


class PlaceOut(_Out):
    """A city of the offline gazetteer."""

    label: str = Field(description='"Name (CC)", to give as the profile\'s place.city')
    name: str
    country_code: str
    latitude_deg: float = Field(description="[°], north positive")
    longitude_deg: float = Field(description="[°], east positive")
    population: int


class PlacesOut(_Out):
    """Cities whose name begins with the query, the most populous first."""

    query: str
    places: list[PlaceOut]
