"""The warnings of a forecast, in words for the client: placement, pigment, visibility, dates."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from fadecast.forecasting.detection import can_show
from fadecast.forecasting.personal import LOW_EFFECTIVE_SAMPLE_SIZE, MAX_RESIDUAL_SD
from fadecast.forecasting.result import Personal, date_after
from fadecast.forecasting.run import Run
from fadecast.forecasting.scenario import STANDARD_COURSE_DAYS, Scenario
from fadecast.forecasting.statistics import curve_at
from fadecast.skin.pigments import Pigment


def forecast_warnings(
    sc: Scenario,
    run: Run,
    touchup: tuple[float, float, float],
    today: dt.date,
    *,
    pigment: Pigment,
    personal: Personal | None,
    perceptible_delta_e00: float,
) -> list[str]:
    """The warnings of a forecast, one sentence each, in the order they are shown.

    Parameters
    ----------
    sc
        The scenario.
    run
        Its Monte Carlo run.
    touchup
        The P10/P50/P90 touch-up times (inf beyond the horizon). [yr]
    today
        The date taken as today (for "due already").
    pigment
        The scenario's pigment.
    personal
        The personal window, if the profile has measurements.
    perceptible_delta_e00
        The perceptibility threshold. [ΔE00]
    """
    out: list[str] = []
    perceptible = perceptible_delta_e00
    visible = can_show(run.target, perceptible)
    standard = len(STANDARD_COURSE_DAYS)
    given = len(sc.session_dates)
    if not sc.prospective and given < standard:
        out.append(
            f"the course is unfinished: {given} session{'s' if given != 1 else ''} of the usual "
            f"{standard}; the first session the window calls for is the one that completes it"
        )
    if sc.placement == "deep":
        out.append(
            "deep placement: the dots heal wider and blurred, with a blue-grey cast, so they "
            "read less as separate stubble from the start; what falls due is a correction "
            "of the work, not only a touch-up"
        )
    if sc.placement == "shallow":
        out.append(
            "shallow placement: pigment near the surface is shed and eroded; "
            "expect early, patchy fading"
        )
    if not pigment.is_lightfast:
        out.append(
            f"{sc.pigment} pigment: its organic components break down in light, so it fades "
            "sooner than carbon black"
        )
    if sc.sunbed_sessions_per_year > 0:
        out.append(
            "sunbeds: their UVA-rich light reaches the pigment; every session shortens the interval"
        )
    if sc.immune != "normal":
        out.append(
            f"immune system {sc.immune}: its effect on fading is not measured; the window is wider"
        )
    healed_p50 = float(np.median(curve_at(run.times, run.social, run.healed_years)))
    if not visible:
        out.append(
            f"on this skin (L* {sc.skin.lab[0]:.0f}) even a well-placed {sc.pigment} course "
            f"would hardly show at social distance (ΔE00 {run.target:.2f} against bare skin; "
            f"{perceptible:g} is perceptible): no touch-up window is forecast, since no "
            "session could make it visible"
        )
    elif healed_p50 < perceptible:
        out.append(
            f"the healed result is likely to be invisible at social distance (median ΔE00 "
            f"{healed_p50:.2f} against bare skin; {perceptible:g} is perceptible)"
        )
    elif healed_p50 < sc.touchup_threshold * run.target:
        out.append(
            "the healed result is likely to look faint: expect a touch-up soon after healing"
        )
    _, p50, p90 = touchup
    if math.isfinite(p50):
        due = date_after(sc.first_session, p50)
        if due is not None and due < today and not sc.prospective:
            out.append(f"a touch-up is probably due already (median date {due.isoformat()})")
    if visible and not math.isfinite(p90):
        out.append(
            f"in some scenarios no touch-up is needed within the {sc.horizon_years:g}-year horizon"
        )
    if personal is not None:
        out += personal_warnings(sc, personal, today)
    return out


def personal_warnings(sc: Scenario, personal: Personal, today: dt.date) -> list[str]:
    """What the photo measurements' fit says about the personal window."""
    out: list[str] = []
    these = "the photo measurements" if personal.measurements != 1 else "the photo measurement"
    if personal.residual_sd > MAX_RESIDUAL_SD:
        out.append(
            f"{these} contradict the model: even the draws that fit best miss them by "
            f"{personal.residual_sd:.1f} times their errors; check the photos (scale, white "
            "card, untreated skin in view) and the stated errors before trusting the personal "
            "window"
        )
    if personal.effective_sample_size < LOW_EFFECTIVE_SAMPLE_SIZE:
        out.append(
            f"the personal window rests on few of the model's draws (effective sample size "
            f"{personal.effective_sample_size:.1f}): {these} fit few of its futures, so the "
            "window is narrower than it should be"
        )
    p10, p50, _ = personal.touchup_years
    start = date_after(sc.first_session, p10)
    if start is not None and start < today:
        median = date_after(sc.first_session, p50)
        when = (
            f"the measured fading puts the median on {median.isoformat()}, so a touch-up is "
            "probably due already"
            if median is not None and median < today
            else "a touch-up may be due now"
        )
        out.append(
            f"the personal window starts in the past ({start.isoformat()}, before today, "
            f"{today.isoformat()}): {when}"
        )
    return out
