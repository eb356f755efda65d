"""What a forecast returns: its window, curves, reasons and warnings, and their JSON form."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.detection import RESIDUAL_YEARS, can_show
from fadecast.forecasting.scenario import DAYS_PER_YEAR, Scenario
from fadecast.version import __version__

Array = NDArray[np.float64]


#: Version of the model (equations and parameter table); changes when results change.
MODEL_VERSION = "1.0"


@dataclass(frozen=True)
class Attribution:
    """Years a factor group gains (+) or costs (−) against its reference."""

    factor: str
    years: float
    reference: str


@dataclass(frozen=True)
class Personal:
    """The forecast re-weighted by the client's own measurements (:mod:`.personal`)."""

    touchup_years: tuple[float, float, float]  # P10/P50/P90, inf beyond the horizon [yr]
    effective_sample_size: float  # of the re-weighted draws
    measurements: int
    residual_sd: float  # weighted rms misfit of the measurements, in their errors [1]


@dataclass(frozen=True)
class ForecastResult:
    """The outcome of one forecast. ``to_dict()`` gives the JSON contract."""

    scenario: Scenario
    samples: int
    seed: int
    touchup_years: tuple[float, float, float]
    exposure: Mapping[str, float]
    curve_years: Array
    curve_social: tuple[Array, Array, Array]
    curve_closeup_p50: Array
    target_delta_e00: float
    threshold_delta_e00: float
    residual_social_p50: float
    residual_closeup_p50: float
    attribution: tuple[Attribution, ...]
    warnings: tuple[str, ...]
    today: dt.date
    #: The perceptibility threshold the result was read against. [ΔE00]
    perceptible_delta_e00: float
    personal: Personal | None = None

    @property
    def touchup_dates(self) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        """The P10/P50/P90 touch-up dates (None beyond the horizon)."""
        return tuple(date_after(self.scenario.first_session, y) for y in self.touchup_years)  # type: ignore[return-value]

    @property
    def personal_dates(self) -> tuple[dt.date | None, dt.date | None, dt.date | None] | None:
        """The personal P10/P50/P90 touch-up dates (None beyond the horizon), if any."""
        if self.personal is None:
            return None
        start = self.scenario.first_session
        return tuple(date_after(start, y) for y in self.personal.touchup_years)  # type: ignore[return-value]

    @property
    def can_show(self) -> bool:
        """Whether a fresh, well-placed course would be perceptible at social distance on
        this skin at all; when not, no touch-up is ever forecast."""
        return can_show(self.target_delta_e00, self.perceptible_delta_e00)

    def permanence_statement(self) -> str:
        """One line on permanence: what would remain without any touch-up."""
        de = self.residual_social_p50
        perceptible = self.perceptible_delta_e00
        seen = "still be visible" if de >= perceptible else "be barely perceptible"
        return (
            f"Permanent: it fades but never goes away completely; without touch-ups it would "
            f"{seen} after {RESIDUAL_YEARS:.0f} years (ΔE00 {de:.1f} against bare skin; "
            f"{perceptible:g} is perceptible)."
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (keys are the public contract)."""
        p10, p50, p90 = self.touchup_years
        d10, d50, d90 = self.touchup_dates
        return {
            "fadecast_version": __version__,
            "model_version": MODEL_VERSION,
            "samples": self.samples,
            "seed": self.seed,
            "first_session": self.scenario.first_session.isoformat(),
            "sessions": [d.isoformat() for d in self.scenario.session_dates],
            "touchup": {
                "p10_years": json_number(p10),
                "p50_years": json_number(p50),
                "p90_years": json_number(p90),
                "p10_date": None if d10 is None else d10.isoformat(),
                "p50_date": None if d50 is None else d50.isoformat(),
                "p90_date": None if d90 is None else d90.isoformat(),
                "years_counted_from": self.scenario.first_session.isoformat(),
                "threshold_share": round(self.scenario.touchup_threshold, 4),
            },
            "exposure": {k: json_number(v, 1) for k, v in self.exposure.items()},
            "curve": {
                "years": [json_number(v, 4) for v in self.curve_years],
                "contrast_p10": [json_number(v) for v in self.curve_social[0]],
                "contrast_p50": [json_number(v) for v in self.curve_social[1]],
                "contrast_p90": [json_number(v) for v in self.curve_social[2]],
                "closeup_p50": [json_number(v) for v in self.curve_closeup_p50],
                "unit": "CIEDE2000 against bare skin",
                "target_delta_e00": json_number(self.target_delta_e00),
                "touchup_level_delta_e00": json_number(self.threshold_delta_e00),
            },
            "residual": {
                "years": RESIDUAL_YEARS,
                "delta_e00_p50": json_number(self.residual_social_p50),
                "closeup_delta_e00_p50": json_number(self.residual_closeup_p50),
            },
            "attribution": [
                {"factor": a.factor, "years": json_number(a.years, 2), "reference": a.reference}
                for a in self.attribution
            ],
            "warnings": list(self.warnings),
            "personal": None if self.personal is None else self._personal_dict(self.personal),
        }

    def _personal_dict(self, personal: Personal) -> dict[str, Any]:
        dates = self.personal_dates
        assert dates is not None
        return {
            "measurements": personal.measurements,
            "effective_sample_size": json_number(personal.effective_sample_size, 1),
            "residual_sd": json_number(personal.residual_sd),
            "touchup": {
                "p10_years": json_number(personal.touchup_years[0]),
                "p50_years": json_number(personal.touchup_years[1]),
                "p90_years": json_number(personal.touchup_years[2]),
                "p10_date": None if dates[0] is None else dates[0].isoformat(),
                "p50_date": None if dates[1] is None else dates[1].isoformat(),
                "p90_date": None if dates[2] is None else dates[2].isoformat(),
            },
        }


def json_number(value: float, digits: int = 3) -> float | None:
    v = float(value)
    if not math.isfinite(v):
        return None
    return round(v, digits) + 0.0


def date_after(start: dt.date, years: float) -> dt.date | None:
    """The date ``years`` after ``start``; None for never (inf) or past the calendar."""
    if not math.isfinite(years):
        return None
    try:
        return start + dt.timedelta(days=round(years * DAYS_PER_YEAR))
    except OverflowError:
        return None


def summarise_factors(result: ForecastResult, top: int = 3) -> Sequence[Attribution]:
    """The factors that move the forecast most (non-zero, largest first)."""
    return [a for a in result.attribution if abs(a.years) >= 0.05][:top]
