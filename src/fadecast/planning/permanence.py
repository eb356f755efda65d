"""What remains of the recorded sessions if no touch-up ever follows.

The model is read at the healed time and :data:`PERMANENCE_YEARS` after the last session:
the social-distance contrast over draws, against the perceptibility threshold, and the
dermal pigment left as a share of the healed load. What is left is mostly the slow pool,
the pigment the body clears only over many decades, whose contrast is what makes SMP
permanent.
"""

from __future__ import annotations

import numpy as np

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import ClearanceRates, contrast_of_dots, course_load, dot_state
from fadecast.forecasting.params import Params
from fadecast.forecasting.scenario import Scenario
from fadecast.planning.result import Permanence

__all__ = ["PERMANENCE_YEARS", "permanence"]

#: Years after the last session at which the no-touch-up visibility is read. [yr]
PERMANENCE_YEARS: tuple[float, ...] = (10.0, 20.0, 50.0)


def permanence(
    sc: Scenario, params: Params, cache: ModelCache, rates: ClearanceRates
) -> Permanence:
    """What remains of the recorded sessions if no touch-up ever follows.

    Parameters
    ----------
    sc
        The client's scenario (its recorded sessions only).
    params
        The draws.
    cache
        The model's tables for the draws' central values.
    rates
        The draws' clearance and photolysis rates.

    Returns
    -------
    Permanence
        Contrast P10/P50/P90 [ΔE00] and the P50 share of healed pigment left [1] at each
        of :data:`PERMANENCE_YEARS`, the P50 fixed share [1] and the perceptibility
        threshold [ΔE00].
    """
    placement = sc.placement
    last = float(sc.session_years()[-1])
    healed = last + params.central["healed_after_years"]
    times = np.array([healed, *(last + y for y in PERMANENCE_YEARS)])
    course = course_load(sc, params, rates, times, cache, placement=placement)
    state = dot_state(sc, params, course, cache, placement=placement)
    social = contrast_of_dots(sc, state, cache, placement=placement, closeup=False).social
    total = course.per_component.sum(axis=1)
    remaining = total[:, 1:] / np.where(total[:, :1] > 0, total[:, :1], 1.0)
    q = np.quantile(social[:, 1:], [0.1, 0.5, 0.9], axis=0)
    return Permanence(
        years=PERMANENCE_YEARS,
        delta_e00_p10=tuple(float(v) for v in q[0]),
        delta_e00_p50=tuple(float(v) for v in q[1]),
        delta_e00_p90=tuple(float(v) for v in q[2]),
        remaining_share_p50=tuple(float(v) for v in np.median(remaining, axis=0)),
        slow_share_p50=float(np.median(params.drawn["slow_share"])),
        perceptible_delta_e00=params.central["perceptibility_delta_e00"],
    )
