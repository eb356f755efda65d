"""What a forecast returns: its window, curves, reasons and warnings (its JSON form is
:func:`fadecast.report.json.forecast_dict`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.detection import RESIDUAL_YEARS, can_show
from fadecast.forecasting.scenario import DAYS_PER_YEAR, Scenario

if TYPE_CHECKING:
    from fadecast.forecasting.narrowing import Narrowing

Array = NDArray[np.float64]


#: Version of the model (equations and parameter table); changes when results change.
MODEL_VERSION = "2.0"


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
    """The outcome of one forecast (:func:`fadecast.report.json.forecast_dict` gives its JSON)."""

    scenario: Scenario
    samples: int
    seed: int
    touchup_years: tuple[float, float, float]
    exposure: Mapping[str, float]
    curve_years: Array
    curve_social: tuple[Array, Array, Array]
    #: P50 of the look (the lower of the mean tone and the definition), the contrast the
    #: touch-up level is set against, on ``curve_years``. [ΔE00]
    curve_look_p50: Array
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
    #: What one photo at the next visit is expected to do to the window (None when that
    #: visit lies beyond the horizon).
    narrowing: Narrowing | None = None

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

    @property
    def may_be_due_now(self) -> bool:
        """Whether the touch-up window has already opened: its P10 date is on or before
        today for sessions that have happened (a touch-up may be due now)."""
        early = self.touchup_dates[0]
        return not self.scenario.prospective and early is not None and early <= self.today

    def permanence_statement(self) -> str:
        """One line on permanence: what would remain without any touch-up."""
        de = self.residual_social_p50
        perceptible = self.perceptible_delta_e00
        seen = "still be visible" if de >= perceptible else "be barely perceptible"
        return (
            f"Permanent: it fades but never goes away completely; without touch-ups it would "
            f"{seen} after {RESIDUAL_YEARS:.0f} years (ΔE00 {de:.1f} against bare skin, the "
            f"colour difference an eye sees; {perceptible:g} is just perceptible)."
        )


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
