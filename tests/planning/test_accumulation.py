"""What the pigment a lifetime of sessions piles up does to the look."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np

from fadecast.inputs.profile import load_profile
from fadecast.planning import PlanResult, plan
from fadecast.report.json import plan_dict
from fadecast.report.plan_text import accumulation_lines, format_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def run(name: str, **kw: object) -> PlanResult:
    profile = load_profile(EXAMPLES / f"{name}.toml", today=TODAY)
    return plan(profile, samples=400, seed=0, today=TODAY, what_ifs=False, **kw)  # type: ignore[arg-type]


def test_the_accumulation_is_a_share_of_futures_from_a_time_after_healing() -> None:
    result = run("temperate-office-worker")
    found = result.accumulation
    assert found is not None
    assert 0.0 <= found.share <= 1.0
    assert 0.0 <= found.haze_share_p50 < 1.0
    assert found.excess_p90_delta_e00 >= 0.0
    if found.share > 0.0:
        assert result.today_years - 1.0 < found.first_years_p50 <= result.horizon_years
    else:
        assert math.isinf(found.first_years_p50)


def test_a_short_plan_piles_up_less_than_a_lifetime() -> None:
    short = run("temperate-office-worker", until_age=45).accumulation
    lifetime = run("temperate-office-worker", until_age=80).accumulation
    assert short is not None and lifetime is not None
    assert short.share <= lifetime.share


def test_deep_placement_is_never_a_gain_over_a_lifetime() -> None:
    """Deep dots heal wide and blurred, so every deep session is due again soon: over the
    plan they need touch-ups far more often than well-placed dots; and seen through more
    dermis they never grow darker than the healed look of good placement."""
    deep = run("deep-placement")
    good = run("temperate-office-worker")
    deep_fades = [s for s in deep.sessions if s.kind == "fade" and math.isfinite(s.p50_years)]
    good_fades = [s for s in good.sessions if s.kind == "fade" and math.isfinite(s.p50_years)]
    assert deep_fades[0].p50_years < 1.0 < good_fades[0].p50_years
    deep_rate = len(deep_fades) / (deep.horizon_years - deep.today_years)
    good_rate = len(good_fades) / (good.horizon_years - good.today_years)
    assert deep_rate >= 2.0 * good_rate
    assert deep.accumulation is not None and good.accumulation is not None
    assert deep.accumulation.share <= good.accumulation.share


def test_the_text_and_the_json_say_the_same() -> None:
    result = run("tropical-outdoor-worker")
    found = result.accumulation
    assert found is not None
    lines = accumulation_lines(result)
    assert lines[1] == "What the sessions add up to:"
    assert "\n".join(lines[1:]) in format_plan(result)
    data = json.loads(json.dumps(plan_dict(result), allow_nan=False))["accumulation"]
    assert data["share_of_futures_darker"] == round(found.share, 3)
    assert data["acceptable_delta_e00"] == found.acceptable_delta_e00
    assert np.isclose(data["haze_share_at_horizon_p50"], found.haze_share_p50, atol=5e-4)
    if found.share >= 0.1:
        assert f"in {found.share:.0%} of futures" in lines[2]
