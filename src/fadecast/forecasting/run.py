"""One Monte Carlo run of a scenario: exposure, curves and touch-up times of every draw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import (
    ScalpExposure,
    clearance_rates,
    contrast_curves,
    scalp_exposure,
)
from fadecast.forecasting.detection import detection, detection_window, touchup_times
from fadecast.forecasting.params import Params
from fadecast.forecasting.scenario import Scenario

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Run:
    """One Monte Carlo run of a scenario (:func:`simulate`)."""

    times: Array  # (T,)
    social: NDArray[np.floating[Any]]  # (n, T) [dE00]; (n, 0) unless curves are asked for
    closeup: NDArray[np.floating[Any]] | None  # (n, T) [dE00], only when curves are asked for
    touchup_years: Array  # (n,) since the first session, inf if beyond the horizon
    target: float  # target contrast [dE00]
    healed_years: float
    exposure: ScalpExposure
    #: (n, T) the look, the lower of mean tone and definition [dE00]; with the curves only
    look: NDArray[np.floating[Any]] | None = None


def simulate(sc: Scenario, params: Params, cache: ModelCache, *, curves: bool = True) -> Run:
    """One Monte Carlo run of a scenario: every draw's exposure, curves and touch-up time.

    Parameters
    ----------
    sc
        The scenario.
    params
        The run's parameters (``n`` draws).
    cache
        Shared work.
    curves
        Whether the whole curves are needed (the forecast's own run); without them only
        the touch-up times are computed, on the grid points where they are looked for.

    Returns
    -------
    Run
    """
    expo = scalp_exposure(sc, params, cache)
    det = detection(sc, cache)
    if not curves:
        det = detection_window(det)
    rates = clearance_rates(sc, params, expo.dermal, cache, placement=sc.placement)
    result = contrast_curves(
        sc, params, rates, det.times, cache, placement=sc.placement, closeup=curves
    )
    touchup = touchup_times(result, det)
    return Run(
        det.times,
        result.social,
        result.closeup,
        touchup,
        det.target,
        det.healed_years,
        expo,
        look=result.look if curves else None,
    )
