"""What each aftercare habit buys: the fade-driven touch-ups rerun with the habit.

Each habit of :data:`fadecast.planning.habits.HABITS` changes the profile; the changed
profile's fade-driven touch-ups are found with the **same draws**, the same hair-loss
paths and the same design sessions as the plan, so differences come from the habit alone:

- **years added**: P50 over draws of the next fade-driven touch-up after today (the
  horizon if none; one due now is not next) with the habit, minus the same without it; a
  floor when the habit moves the median past the horizon;
- **touch-ups avoided**: mean over draws of the difference in fade-driven touch-ups;
- **money saved**: mean over draws of the difference in their price.

The habits are weighed on an evenly spaced subset of at most :data:`WHAT_IF_DRAWS` of the
plan's draws, the plan as it is restricted to the same draws: the comparisons are paired,
so their error stays small (against the whole set of 2,000 draws, the touch-ups avoided
move by about 0.05 and the years added by about 0.1), and a lifetime of touch-ups is long
to rerun for every habit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.scenario import scenario_from_profile
from fadecast.inputs.profile import Profile
from fadecast.planning.costs import Pricing
from fadecast.planning.habits import HABITS, Habit
from fadecast.planning.result import WhatIf
from fadecast.planning.sessions import FadeSetting, PlanSpan, fade_sessions, scenario_rates

__all__ = [
    "WHAT_IF_DRAWS",
    "FadeBaseline",
    "next_touchup",
    "rank_what_ifs",
    "subset_of_draws",
    "weigh_habit",
    "weigh_habits",
]

#: The most draws the habits are weighed on (:func:`subset_of_draws`).
WHAT_IF_DRAWS = 500

Array = NDArray[np.float64]


def next_touchup(fade: Array, span: PlanSpan) -> Array:
    """Per draw, the first fade-driven touch-up after today (the horizon if none). [yr]

    A touch-up due today (overdue) is not "next": the one after it is.

    Examples
    --------
    >>> fade = np.array([[1.0, 4.0], [2.5, np.inf], [np.inf, np.inf]])
    >>> next_touchup(fade, PlanSpan(today_years=1.0, horizon_years=20.0)).tolist()
    [4.0, 2.5, 20.0]
    """
    later = np.where(fade > span.today_years, fade, np.inf)
    first = later.min(axis=1) if later.shape[1] else np.full(fade.shape[0], np.inf)
    return np.asarray(np.minimum(first, span.horizon_years), dtype=np.float64)


@dataclass(frozen=True)
class FadeBaseline:
    """The plan's own fade-driven touch-ups, which each habit is weighed against.

    Attributes
    ----------
    fade
        Touch-up times per draw, ``(n, K)``, inf-padded. [yr]
    count
        Touch-ups per draw before the horizon, ``(n,)``. [sessions]
    spend
        Their price per draw, ``(n,)``; nan when not priced. [currency]
    """

    fade: Array
    count: NDArray[np.int_]
    spend: Array


def weigh_habit(
    habit: Habit,
    profile: Profile,
    today: dt.date,
    setting: FadeSetting,
    pricing: Pricing,
    baseline: FadeBaseline,
) -> WhatIf:
    """What one habit buys against the plan as it is (same draws, same other sessions).

    Parameters
    ----------
    habit
        The habit.
    profile
        The client as they are.
    today
        The day the plan is made.
    setting
        The plan's draws, tables, span and other sessions.
    pricing
        The plan's prices and hair-loss stages.
    baseline
        The plan's own fade-driven touch-ups.

    Returns
    -------
    WhatIf
        Not applicable, with nothing bought, when the client already has the habit.
    """
    central = setting.params.central
    changed = habit.change(profile, central)
    if changed is None:
        return WhatIf(habit.key, habit.label, False, 0.0, False, 0.0, 0.0)
    horizon = setting.span.horizon_years
    sc = dataclasses.replace(
        scenario_from_profile(changed, today=today, central=central), horizon_years=horizon
    )
    fade = fade_sessions(sc, setting, scenario_rates(sc, setting.params, setting.cache))
    next_p50 = float(np.median(next_touchup(fade, setting.span)))
    spend = pricing.spend(fade)
    return WhatIf(
        key=habit.key,
        label=habit.label,
        applicable=True,
        years_added=next_p50 - float(np.median(next_touchup(baseline.fade, setting.span))),
        at_least=next_p50 >= horizon,
        touchups_avoided=float(np.mean(baseline.count - np.isfinite(fade).sum(axis=1))),
        money_saved=float(np.mean(baseline.spend - spend)),
    )


def rank_what_ifs(what_ifs: list[WhatIf]) -> tuple[WhatIf, ...]:
    """Best first: by touch-ups avoided, then years added; habits already kept last."""
    return tuple(
        sorted(
            what_ifs, key=lambda w: (not w.applicable, -w.touchups_avoided, -w.years_added, w.key)
        )
    )


def subset_of_draws(
    setting: FadeSetting, pricing: Pricing, baseline: FadeBaseline, *, draws: int
) -> tuple[FadeSetting, Pricing, FadeBaseline]:
    """The plan restricted to at most ``draws`` evenly spaced draws.

    Examples
    --------
    >>> np.linspace(0, 1999, 500).round().astype(int)[:4].tolist()  # the rows kept
    [0, 4, 8, 12]
    """
    n = setting.params.samples
    if n <= draws:
        return setting, pricing, baseline
    rows = np.unique(np.linspace(0, n - 1, draws).round().astype(np.intp))
    return (
        dataclasses.replace(
            setting, params=setting.params.rows(rows), other_sessions=setting.other_sessions[rows]
        ),
        dataclasses.replace(
            pricing, stage_paths=None if pricing.stage_paths is None else pricing.stage_paths[rows]
        ),
        FadeBaseline(baseline.fade[rows], baseline.count[rows], baseline.spend[rows]),
    )


def weigh_habits(
    profile: Profile,
    today: dt.date,
    setting: FadeSetting,
    pricing: Pricing,
    baseline: FadeBaseline,
) -> tuple[WhatIf, ...]:
    """Every habit of :data:`~fadecast.planning.habits.HABITS` weighed, best first
    (:func:`weigh_habit`, :func:`rank_what_ifs`), on at most :data:`WHAT_IF_DRAWS` of the
    draws (:func:`subset_of_draws`)."""
    setting, pricing, baseline = subset_of_draws(setting, pricing, baseline, draws=WHAT_IF_DRAWS)
    return rank_what_ifs(
        [weigh_habit(habit, profile, today, setting, pricing, baseline) for habit in HABITS]
    )
