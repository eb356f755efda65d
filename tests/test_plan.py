"""Tests of the lifetime plan."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fadecast.forecasting import forecast
from fadecast.plan import PlanResult, plan
from fadecast.profile import Profile, parse_profile

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
SAMPLES = 400


def profile_data(name: str = "temperate-office-worker", **sections: Any) -> dict[str, Any]:
    data = tomllib.loads((EXAMPLES / f"{name}.toml").read_text("utf-8"))
    data.update(sections)
    return data


def make(name: str = "temperate-office-worker", **sections: Any) -> Profile:
    return parse_profile(profile_data(name, **sections), today=TODAY)


def run(profile: Profile, **kw: Any) -> PlanResult:
    return plan(profile, samples=SAMPLES, seed=0, today=TODAY, **kw)


@pytest.mark.parametrize(
    "name", ["temperate-office-worker", "tropical-outdoor-worker", "sunbed-user"]
)
def test_first_fade_touchup_is_the_forecasts(name: str) -> None:
    profile = make(name)
    planned = run(profile)
    first = next(s for s in planned.sessions if s.kind == "fade" and s.number == 1)
    expected = forecast(profile, samples=SAMPLES, seed=0, today=TODAY, attribution=False)
    for got, want in zip(
        (first.p10_years, first.p50_years), expected.touchup_years[:2], strict=True
    ):
        # Same draws and the same grid up to 15 years: the same times.
        assert got == pytest.approx(want, abs=1e-9)


def test_fade_touchups_repeat_and_come_in_order() -> None:
    planned = run(make("tropical-outdoor-worker"))
    fade = planned.fade_years
    assert fade.shape[1] >= 3
    finite = np.isfinite(fade)
    # A draw's k-th touch-up comes after its (k-1)-th, at least the healing time later.
    gaps = np.diff(np.where(finite, fade, np.nan), axis=1)
    assert np.all(gaps[~np.isnan(gaps)] >= 0.25 - 1e-9)
    # Once a draw has none left before the horizon it has no later ones.
    assert np.all(finite[:, 1:] <= finite[:, :-1])
    assert np.all(fade[finite] <= planned.horizon_years)


def test_more_sun_gives_more_touchups() -> None:
    indoors = make(lifestyle={**profile_data()["lifestyle"], "outdoor_hours_weekend": 0.5})
    outdoors = make(
        lifestyle={
            **profile_data()["lifestyle"],
            "outdoor_hours_weekday": 4.0,
            "outdoor_hours_weekend": 8.0,
        }
    )
    few = np.isfinite(run(indoors).fade_years).sum(axis=1).mean()
    many = np.isfinite(run(outdoors).fade_years).sum(axis=1).mean()
    assert many > few


def test_hair_loss_schedules_extensions_and_a_treated_area_delays_them() -> None:
    progressing = run(make(hair={"stage": 3, "family_history": True}))
    covered = run(make(hair={"stage": 3, "treated_stage": 6}))
    assert progressing.counts["extension"][1] >= 1
    assert covered.counts["extension"][1] <= progressing.counts["extension"][1]
    none = run(make(hair={"stage": 7}))
    assert none.counts["extension"] == (0.0, 0.0, 0.0)


def test_goals_become_design_sessions_at_their_age() -> None:
    planned = run(make(goals={"mature_hairline_age": 50, "side_profile_age": 60}))
    design = [s for s in planned.sessions if s.kind == "design"]
    assert [s.reason for s in design] == ["a more mature hairline", "a changed side profile"]
    age0 = planned.scenario.age_at_first_session()
    assert [round(age0 + s.p50_years, 6) for s in design] == [50.0, 60.0]
    assert planned.counts["design"] == (2.0, 2.0, 2.0)


def test_costs_follow_the_counts() -> None:
    planned = run(make(hair={"stage": 3}, costs={"price_per_session": 400, "currency": "GBP"}))
    cost = planned.cost
    assert cost["currency"] == "GBP" and cost["priced"]
    assert cost["total_p50"] == pytest.approx(400 * planned.counts["total"][1], abs=400)
    assert cost["total_p10"] <= cost["total_p50"] <= cost["total_p90"]
    unpriced = run(make())
    assert unpriced.cost == {"currency": "EUR", "priced": False}


def test_stage_prices_charge_the_covered_stage() -> None:
    table = {"3": 500, "5": 800}
    planned = run(make(hair={"stage": 4}, costs={"price_by_stage": table}))
    # Every session covers stage 4 or more: at least the stage-3 price, at most stage 5's.
    total = planned.counts["total"]
    assert 500 * total[0] <= planned.cost["total_p10"]
    assert planned.cost["total_p90"] <= 800 * total[2]


def test_plan_is_reproducible_and_serialises() -> None:
    profile = make(hair={"stage": 2}, goals={"added_density_age": 45})
    a, b = run(profile).to_dict(), run(profile).to_dict()
    assert a == b
    assert {s["kind"] for s in a["sessions"]} >= {"fade", "design"}
    for s in a["sessions"]:
        dates = [s[k] for k in ("p10_date", "p50_date", "p90_date") if s[k]]
        assert dates == sorted(dates)


def test_horizon_must_be_after_today() -> None:
    profile = make()
    age_now = TODAY.year - profile.person.birth_year
    with pytest.raises(ValueError, match="until_age"):
        run(profile, until_age=age_now - 1)
    assert math.isfinite(run(profile, until_age=age_now + 5).horizon_years)
