"""Tests of the lifetime plan."""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fadecast.forecasting import forecast
from fadecast.forecasting.params import Params
from fadecast.inputs.profile import MAX_PRICE, Profile, parse_profile
from fadecast.planning import PlanResult, habits, plan
from fadecast.report.json import cost_dict, plan_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
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
        # Same draws and the same grid up to 15 years: the same times, except that a
        # touch-up the forecast puts before today is due today in the plan.
        assert got == pytest.approx(max(want, planned.today_years), abs=1e-9)


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


def test_touchups_keep_coming_for_life_and_the_sun_sets_how_often() -> None:
    """Until 75 a heavily exposed client gets clearly more fade touch-ups than an office
    worker, and both keep getting them into old age (no floor stops them)."""
    office = run(make(), until_age=75)
    roofer = run(make("tropical-outdoor-worker"), until_age=75)
    office_count = np.isfinite(office.fade_years).sum(axis=1)
    roofer_count = np.isfinite(roofer.fade_years).sum(axis=1)
    assert np.median(roofer_count) >= 1.4 * np.median(office_count)
    assert np.median(office_count) >= 4
    for result in (office, roofer):
        last = np.where(np.isfinite(result.fade_years), result.fade_years, -np.inf).max(axis=1)
        # Most futures still have a touch-up within the last 15 years before 75.
        assert np.mean(last >= result.horizon_years - 15.0) >= 0.8


def test_a_photo_that_shows_the_look_below_the_level_makes_the_first_touch_up_due_now() -> None:
    data = profile_data()
    data["measurements"] = [{"date": "2026-06-01", "social_delta_e00": 1.0}]
    profile = parse_profile(data, today=TODAY)
    planned = run(profile)
    first = next(s for s in planned.sessions if s.kind == "fade" and s.number == 1)
    assert first.p10_years == first.p90_years == pytest.approx(planned.today_years)
    personal = forecast(profile, samples=SAMPLES, seed=0, today=TODAY, attribution=False)
    assert personal.personal_dates is not None
    due = personal.personal_dates[1]
    assert due is not None and due <= dt.date(2026, 6, 1)  # due by the photo's date


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
    cost = planned.cost_summary
    assert cost.currency == "GBP" and cost.priced
    assert cost.total_p10 is not None and cost.total_p50 is not None
    assert cost.total_p90 is not None
    assert cost.total_p50 == pytest.approx(400 * planned.counts["total"][1], abs=400)
    assert cost.total_p10 <= cost.total_p50 <= cost.total_p90
    assert plan_dict(planned)["cost"] == cost_dict(cost)
    unpriced = run(make())
    assert cost_dict(unpriced.cost_summary) == {"currency": "EUR", "priced": False}


def test_stage_prices_charge_the_covered_stage() -> None:
    table = {"3": 500, "5": 800}
    planned = run(make(hair={"stage": 4}, costs={"price_by_stage": table}))
    # Every session covers stage 4 or more: at least the stage-3 price, at most stage 5's.
    total = planned.counts["total"]
    cost = planned.cost_summary
    assert cost.total_p10 is not None and cost.total_p90 is not None
    assert 500 * total[0] <= cost.total_p10
    assert cost.total_p90 <= 800 * total[2]


def test_plan_is_reproducible_and_serialises() -> None:
    profile = make(hair={"stage": 2}, goals={"added_density_age": 45})
    a, b = plan_dict(run(profile)), plan_dict(run(profile))
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


# ----------------------------------------------------------------------------- what-ifs


def test_each_habit_delays_touchups_and_saves_money() -> None:
    profile = make(
        "sunbed-user",
        costs={"currency": "GBP", "price_per_session": 300.0},
    )
    planned = run(profile)
    by_key = {w.key: w for w in planned.what_ifs}
    assert set(by_key) == {h.key for h in habits.HABITS}
    # Every habit applies to a sunbed user with no sunscreen, no hat and a sunny holiday.
    for what_if in planned.what_ifs:
        assert what_if.applicable, what_if.key
        assert what_if.years_added > 0.0, what_if.key
        assert what_if.touchups_avoided >= 0.0, what_if.key
        assert what_if.money_saved == pytest.approx(300.0 * what_if.touchups_avoided)
    # Stronger sunscreen, reapplied, buys more than a morning coat of SPF 30.
    assert by_key["spf50_reapplied"].years_added > by_key["daily_spf30"].years_added


def test_habits_are_ranked_and_those_already_kept_come_last() -> None:
    planned = run(make())  # no sunbeds: that habit is already kept
    ranked = planned.what_ifs
    keys = [(not w.applicable, -w.touchups_avoided, -w.years_added) for w in ranked]
    assert keys == sorted(keys)
    no_sunbeds = next(w for w in ranked if w.key == "no_sunbeds")
    assert not no_sunbeds.applicable and ranked[-1] is no_sunbeds
    assert math.isnan(no_sunbeds.money_saved) or no_sunbeds.money_saved == 0.0


def test_habits_a_client_already_has_do_not_apply() -> None:
    life = {
        **profile_data()["lifestyle"],
        "hat_share": 1.0,
        "sunscreen": {"spf": 50, "share": 1.0, "mg_per_cm2": 2.0, "reapply_hours": 1.0},
        "holiday_city": "Reykjavik",
    }
    profile = make(lifestyle=life)
    central = Params.central_only().central
    for key in ("hat_outdoors", "daily_spf30", "spf50_reapplied", "less_sunny_holiday"):
        assert habits.apply_habit(profile, key, central) is None, key
    with pytest.raises(ValueError, match="habit must be one of"):
        habits.apply_habit(profile, "sunhat", central)


# ----------------------------------------------------------------------------- permanence


def test_permanence_fades_with_the_slow_pool_but_stays_visible() -> None:
    permanence = run(make()).permanence
    assert permanence.years == (10.0, 20.0, 50.0)
    assert np.all(np.diff(permanence.delta_e00_p50) <= 0.0)
    assert np.all(np.diff(permanence.remaining_share_p50) <= 0.0)
    # What is left after 50 years is most of the slow pool, which clears over many
    # decades (claim C1).
    assert 0.4 * permanence.slow_share_p50 <= permanence.remaining_share_p50[-1]
    assert permanence.remaining_share_p50[-1] < permanence.slow_share_p50
    assert permanence.delta_e00_p50[-1] >= permanence.perceptible_delta_e00
    for p10, p50, p90 in zip(
        permanence.delta_e00_p10,
        permanence.delta_e00_p50,
        permanence.delta_e00_p90,
        strict=True,
    ):
        assert p10 <= p50 <= p90


def test_removal_scores_the_scalp_as_head_and_neck_and_grows_with_touchups() -> None:
    planned = run(make("tropical-outdoor-worker"))
    now, later = planned.removal_now, planned.removal_at_horizon
    assert now.points["location"] == 1
    assert now.points["skin_type"] == planned.scenario.skin.fitzpatrick
    assert later.total >= now.total
    data = plan_dict(planned)["removal"]
    assert data["now"]["total"] == now.total


# ----------------------------------------------------------------------------- hardening


def test_money_stays_finite_at_the_highest_price() -> None:
    profile = make(
        hair={"stage": 2, "family_history": True},
        costs={"price_per_session": MAX_PRICE, "price_by_stage": {"0": 1.0, "4": MAX_PRICE}},
    )
    planned = plan(profile, samples=150, seed=0, today=TODAY)
    data = json.loads(json.dumps(plan_dict(planned), allow_nan=False))
    assert data["cost"]["priced"] is True
    assert 0 <= data["cost"]["total_p10"] <= data["cost"]["total_p90"] < 1e12
    for what_if in data["what_ifs"]:
        assert what_if["money_saved"] is None or abs(what_if["money_saved"]) < 1e12


def test_a_plan_for_sessions_decades_apart_works() -> None:
    profile = make(
        person={"birth_year": 1970, "skin": {"fitzpatrick": 2}},
        treatment={"sessions": ["1995-03-01", "2025-03-01"]},
    )
    planned = plan(profile, samples=100, seed=0, today=TODAY, what_ifs=False)
    first = next(s for s in planned.sessions if s.kind == "fade")
    assert first.p10_years >= planned.today_years
    json.dumps(plan_dict(planned), allow_nan=False)


def test_no_fade_touch_ups_are_due_for_smp_that_cannot_show() -> None:
    """The plan's fade touch-ups cross the forecast's level, which is -inf when the SMP
    cannot show (here to an observer who needs ΔE00 4 on the darkest skin)."""
    from fadecast.forecasting import ModelCache, scenario_from_profile
    from fadecast.forecasting.detection import detection
    from fadecast.inputs.parameters import central_values

    profile = make(person={"birth_year": 1988, "skin": {"lab": [21.0, 12.0, 10.0]}})
    sc = scenario_from_profile(profile, today=TODAY)
    strict = ModelCache({**central_values(), "perceptibility_delta_e00": 4.0})
    assert detection(sc, strict).level == -math.inf
    assert detection(sc, ModelCache()).level > 0.0  # it barely shows to a normal eye
