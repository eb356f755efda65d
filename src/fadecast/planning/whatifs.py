"""What each aftercare habit buys: the fade-driven touch-ups rerun with the habit.

Each habit of :data:`fadecast.planning.habits.HABITS` changes the profile; the changed
profile's fade-driven touch-ups are found with the **same draws**, the same hair-loss
paths and the same design sessions as the plan, so differences come from the habit alone:

- **years added**: P50 over draws of the next fade-driven touch-up after today (the
  horizon if none; one due now is not next) with the habit, minus the same without it; a
  floor when the habit moves the median past the horizon;
- **touch-ups avoided**: mean over draws of the difference in fade-driven touch-ups;
- **money saved**: mean over draws of the difference in their price.
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

__all__ = ["FadeBaseline", "next_touchup", "rank_what_ifs", "weigh_habit", "weigh_habits"]

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


def weigh_habits(
    profile: Profile,
    today: dt.date,
    setting: FadeSetting,
    pricing: Pricing,
    baseline: FadeBaseline,
) -> tuple[WhatIf, ...]:
    """Every habit of :data:`~fadecast.planning.habits.HABITS` weighed, best first
    (:func:`weigh_habit`, :func:`rank_what_ifs`)."""
    return rank_what_ifs(
        [weigh_habit(habit, profile, today, setting, pricing, baseline) for habit in HABITS]
    )
