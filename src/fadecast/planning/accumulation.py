"""Whether the pigment that touch-ups pile up makes the treatment darker than it should be.

Every session adds pigment, and part of it stays for decades in the slow pool, spread out
between the dots. Touch-ups keep the dots sharp, but the mean tone can grow darker than the
healed look the treatment was designed for: then a lightening session or a redesign may
serve the client better than another touch-up. The plan reads the mean tone of all its
sessions together, draw by draw, against the target (the healed look of a well-placed
standard course on this skin) and reports how often, and from when, it passes the target
by more than the acceptability threshold of a colour difference (Paravina et al. 2015); and
how much of the tone at the horizon is haze rather than dots (the share of the mean tone
the definition no longer carries).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fadecast.forecasting.chain import contrast_of_dots, dot_state
from fadecast.forecasting.detection import detection
from fadecast.forecasting.scenario import Scenario
from fadecast.planning.sessions import FadeCourse, FadeSetting

__all__ = ["Accumulation", "accumulation"]


@dataclass(frozen=True)
class Accumulation:
    """How the plan's sessions together weigh on the look (:func:`accumulation`).

    Attributes
    ----------
    share
        Share of draws whose mean tone passes the target by more than ``acceptable``
        before the horizon. [1]
    first_years_p50
        Median over those draws of the time it first does, since the first session; inf
        when no draw does. [yr]
    excess_p90_delta_e00
        P90 over draws of the most the mean tone passes the target by (0 if it never
        does). [ΔE00]
    acceptable_delta_e00
        The colour difference taken as acceptable. [ΔE00]
    haze_share_p50
        Median over draws, at the horizon, of the share of the mean tone that the dots'
        definition no longer carries. [1]
    """

    share: float
    first_years_p50: float
    excess_p90_delta_e00: float
    acceptable_delta_e00: float
    haze_share_p50: float


def accumulation(sc: Scenario, setting: FadeSetting, course: FadeCourse) -> Accumulation:
    """Read the mean tone of all the plan's sessions against the target look.

    Parameters
    ----------
    sc
        The client's scenario, its horizon the plan's.
    setting
        The plan's draws and tables.
    course
        The plan's sessions and their pigment (:func:`fadecast.planning.sessions.fade_course`).

    Returns
    -------
    Accumulation
    """
    params, cache = setting.params, setting.cache
    placement = sc.placement
    det = detection(sc, cache)
    state = dot_state(sc, params, course.load, cache, placement=placement)
    curves = contrast_of_dots(sc, state, cache, placement=placement, closeup=False)
    acceptable = float(params.central["acceptability_delta_e00"])
    healed = course.grid >= det.healed_years
    excess = curves.social[:, healed] - det.target
    over = excess > acceptable
    darker = over.any(axis=1)
    first = course.grid[healed][np.argmax(over, axis=1)]
    tone, sharp = curves.social[:, -1], curves.definition[:, -1]
    haze = np.divide(tone - sharp, tone, out=np.zeros_like(tone), where=tone > 0.0)
    return Accumulation(
        share=float(np.mean(darker)),
        first_years_p50=float(np.median(first[darker])) if darker.any() else float("inf"),
        excess_p90_delta_e00=float(np.quantile(np.maximum(excess.max(axis=1), 0.0), 0.9)),
        acceptable_delta_e00=acceptable,
        haze_share_p50=float(np.median(haze)),
    )
