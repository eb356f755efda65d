"""Tests of the aftercare habits and their weighing (fadecast.planning.habits, .whatifs)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.inputs.profile import Costs, Sunscreen, load_profile
from fadecast.planning import plan
from fadecast.planning.costs import Pricing
from fadecast.planning.habits import HABITS, Habit, apply_habit, screen_transmission
from fadecast.planning.result import WhatIf
from fadecast.planning.sessions import FadeSetting, PlanSpan
from fadecast.planning.whatifs import FadeBaseline, next_touchup, rank_what_ifs, weigh_habit

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
CENTRAL = Params.central_only().central


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 30),
    k=st.integers(0, 4),
    today=st.floats(0.0, 10.0),
)
def test_the_next_touchup_is_after_today_and_by_the_horizon(
    seed: int, n: int, k: int, today: float
) -> None:
    rng = np.random.default_rng(seed)
    horizon = today + 30.0
    raw = today + np.cumsum(rng.uniform(0.0, 12.0, (n, k)), axis=1)
    fade = np.where(raw <= horizon, raw, np.inf)
    nxt = next_touchup(fade, PlanSpan(today, horizon))
    assert nxt.shape == (n,)
    assert np.all(nxt > today) and np.all(nxt <= horizon)
    later = np.where(fade > today, fade, np.inf)
    expected = later.min(axis=1) if k else np.full(n, np.inf)
    np.testing.assert_array_equal(nxt, np.minimum(expected, horizon))


def test_stronger_and_reapplied_sunscreen_lets_less_through() -> None:
    def through(spf: float, reapply: float) -> float:
        screen = Sunscreen(spf=spf, share=1.0, mg_per_cm2=1.0, reapply_hours=reapply)
        return screen_transmission(screen, CENTRAL)

    assert screen_transmission(None, CENTRAL) == 1.0
    assert through(50.0, 2.0) < through(30.0, 2.0) < 1.0
    assert through(30.0, 2.0) < through(30.0, 8.0)


def test_the_sunscreen_model_reads_the_central_values_it_is_given() -> None:
    screen = Sunscreen(spf=30, share=1.0, mg_per_cm2=1.0, reapply_hours=None)
    slow = {**CENTRAL, "sunscreen_half_life_h": 2.0 * CENTRAL["sunscreen_half_life_h"]}
    assert screen_transmission(screen, slow) < screen_transmission(screen, CENTRAL)


def test_every_habit_applies_to_a_client_without_any() -> None:
    profile = load_profile(EXAMPLES / "sunbed-user.toml", today=TODAY)
    for habit in HABITS:
        changed = apply_habit(profile, habit.key, CENTRAL)
        assert changed is not None and changed != profile, habit.key


def test_ranking_puts_habits_already_kept_last_and_the_best_first() -> None:
    def what_if(key: str, applicable: bool, avoided: float, years: float) -> WhatIf:
        return WhatIf(key, key, applicable, years, False, avoided, math.nan)

    ranked = rank_what_ifs(
        [
            what_if("kept", False, 0.0, 0.0),
            what_if("small", True, 0.1, 0.5),
            what_if("big", True, 1.0, 0.1),
            what_if("tie_b", True, 0.1, 0.5),
        ]
    )
    assert [w.key for w in ranked] == ["big", "small", "tie_b", "kept"]


def test_a_habit_already_kept_buys_nothing_and_runs_nothing() -> None:
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)
    no_sunbeds = next(h for h in HABITS if h.key == "no_sunbeds")
    params = Params.sampled(10, 0)
    setting = FadeSetting(
        params, ModelCache(params.central), PlanSpan(1.0, 40.0), np.full((10, 0), np.inf)
    )
    baseline = FadeBaseline(np.full((10, 0), np.inf), np.zeros(10, dtype=np.int64), np.zeros(10))
    pricing = Pricing(Costs(), None, 1.0, 0)
    got = weigh_habit(no_sunbeds, profile, TODAY, setting, pricing, baseline)
    assert got == WhatIf("no_sunbeds", no_sunbeds.label, False, 0.0, False, 0.0, 0.0)


def test_weighing_uses_the_plans_draws() -> None:
    # A habit weighed on a plan's own fade-driven touch-ups moves them by the habit alone:
    # without the habit's change (the same profile), nothing is bought.
    profile = load_profile(EXAMPLES / "tropical-outdoor-worker.toml", today=TODAY)
    planned = plan(profile, samples=60, seed=0, today=TODAY, what_ifs=False)
    params = Params.sampled(60, 0)
    span = PlanSpan(planned.today_years, planned.horizon_years)
    setting = FadeSetting(params, ModelCache(params.central), span, np.full((60, 0), np.inf))
    fade = planned.fade_years
    baseline = FadeBaseline(fade, np.isfinite(fade).sum(axis=1), np.zeros(60))
    pricing = Pricing(Costs(price_per_session=100.0), None, span.today_years, 0)
    unchanged = Habit("same", "the same habits", lambda p, central: p)
    got = weigh_habit(unchanged, profile, TODAY, setting, pricing, baseline)
    assert got.applicable
    assert got.years_added == pytest.approx(0.0, abs=1e-12)
    assert got.touchups_avoided == pytest.approx(0.0, abs=1e-12)
