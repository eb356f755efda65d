"""When a touch-up is due: the model's time grid, the touch-up level, and crossings."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import ContrastCurves, target_contrast
from fadecast.forecasting.scenario import Scenario

Array = NDArray[np.float64]


RESIDUAL_YEARS = 50.0


def time_grid(last_session_yr: float, horizon_years: float) -> Array:
    """Model times: fine through the course and healing, coarser as change slows. [yr]

    The grid covers the horizon, where touch-ups are detected, and ends with the
    residual time (50 years), where only the permanence figure is read.
    """
    healing_end = last_session_yr + 0.5
    parts: list[Array] = [
        np.arange(0.0, healing_end, 1.0 / 24.0),
        np.arange(healing_end, healing_end + 1.5, 1.0 / 12.0),
        np.arange(healing_end + 1.5, 15.0, 0.25),
        np.arange(15.0, horizon_years, 1.0),
        np.array([last_session_yr, horizon_years, RESIDUAL_YEARS]),
    ]
    grid = np.unique(np.round(np.concatenate(parts), 10))
    keep = (grid >= 0.0) & ((grid <= horizon_years) | (grid == RESIDUAL_YEARS))
    return np.asarray(grid[keep], dtype=np.float64)


def first_crossing(
    times: Array, curve: NDArray[np.floating[Any]], level: float, start: float | Array
) -> Array:
    """First time at or after ``start`` (one, or one per curve) when each curve falls
    below ``level``, interpolating linearly."""
    start = np.asarray(start, dtype=np.float64)
    below = (curve < level) & (times[None, :] >= start[..., None])
    any_below = below.any(axis=1)
    j = np.argmax(below, axis=1)
    rows = np.arange(curve.shape[0])
    jp = np.maximum(j - 1, 0)
    t0, t1 = times[jp], times[j]
    c0, c1 = curve[rows, jp], curve[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip((c0 - level) / (c0 - c1), 0.0, 1.0)
    crossing = np.where((j > 0) & (t0 >= start), t0 + frac * (t1 - t0), np.maximum(t1, start))
    return np.where(any_below, crossing, np.inf)


@dataclass(frozen=True)
class Detection:
    """Where and against what touch-ups are detected for one scenario."""

    times: Array  # model time grid [yr]
    within: NDArray[np.bool_]  # grid points inside the horizon
    healed_years: float  # detection starts when the course has healed [yr]
    target: float  # target contrast [dE00]
    level: float  # touch-up level, threshold x target; -inf if the target is invisible [dE00]
    acceptable: float  # discolouration past which a photolabile pigment needs one [dE00]


def can_show(target_delta_e00: float, perceptible_delta_e00: float) -> bool:
    """Whether SMP with this target contrast [ΔE00] is perceptible at all, against the
    perceptibility threshold [ΔE00] (else no touch-up is ever due).

    Examples
    --------
    >>> can_show(3.0, 1.0), can_show(0.5, 1.0)
    (True, False)
    """
    return target_delta_e00 >= perceptible_delta_e00


def detection(sc: Scenario, cache: ModelCache) -> Detection:
    """The time grid and touch-up level of a scenario (shared through ``cache``)."""
    last = float(sc.session_years()[-1])
    target = target_contrast(sc, cache)
    key = (last, sc.horizon_years, sc.touchup_threshold, target)
    if key not in cache.detections:
        times = time_grid(last, sc.horizon_years)
        within = times <= sc.horizon_years
        times.flags.writeable = within.flags.writeable = False  # shared: never changed
        cache.detections[key] = Detection(
            times=times,
            within=within,
            healed_years=last + cache.central["healed_after_years"],
            target=target,
            # An SMP invisible on this skin even when fresh never calls for a touch-up:
            # no session could make it show.
            level=sc.touchup_threshold * target
            if can_show(target, cache.central["perceptibility_delta_e00"])
            else -math.inf,
            acceptable=cache.central["acceptability_delta_e00"],
        )
    return cache.detections[key]


def detection_window(det: Detection) -> Detection:
    """The detection with only the grid points where touch-ups are looked for.

    Touch-up times computed on it are identical to those on the whole grid (no point
    before the course has healed takes part in :func:`first_crossing`); runs that need
    touch-up times only evaluate the model there.
    """
    keep = det.within & (det.times >= det.healed_years)
    times = det.times[keep]
    return dataclasses.replace(det, times=times, within=np.ones(len(times), dtype=bool))


def touchup_times(curves: ContrastCurves, det: Detection) -> Array:
    """First time each draw's SMP is due a touch-up, inf beyond the horizon. [yr]

    Due when the look's contrast (the lower of the mean tone's and the definition's)
    falls below the touch-up level or, for photolabile pigments, when photolysis has
    discoloured the tone past acceptability.
    """
    return np.asarray(np.min(touchup_criteria(curves, det), axis=0), dtype=np.float64)


def touchup_criteria(curves: ContrastCurves, det: Detection) -> Array:
    """When each criterion first calls for a touch-up, per draw, ``(criteria, n)``. [yr]

    The criteria are the look's contrast (:attr:`ContrastCurves.look`: the mean tone, or
    the definition of the dots once spreading or blur has taken it) falling below the
    touch-up level and, for photolabile pigments, the discolouration passing
    acceptability; inf beyond the horizon.
    """
    times, within = det.times[det.within], det.within
    faded = first_crossing(times, curves.look[:, within], det.level, det.healed_years)
    if curves.drift is None:
        return faded[None, :]
    shifted = first_crossing(times, -curves.drift[:, within], -det.acceptable, det.healed_years)
    return np.stack([faded, shifted])
