"""Tests of the Kirby–Desai laser-removal estimate and its SMP mapping."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.errors import InputError
from fadecast.forecasting.scenario import Scenario, scenario_from_profile
from fadecast.inputs.profile import parse_profile
from fadecast.planning import removal
from fadecast.report.json import removal_dict
from fadecast.skin import tone
from fadecast.skin.pigments import pigment_names

# Keyword name of each categorical factor in kirby_desai(), with its allowed values.
NAMED = {
    "location": removal.LOCATIONS,
    "colour": removal.COLOURS,
    "amount": removal.AMOUNTS,
    "scarring": removal.SCARRING,
    "layering": removal.LAYERING,
}


OUTLOOK_TODAY = dt.date(2026, 11, 23)


def _data() -> dict[str, Any]:
    text = resources.files("fadecast.data").joinpath("kirby_desai.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_published_example_a_scores_6() -> None:
    # Type III skin, face, amateur, black, no layering, no scarring.
    est = removal.kirby_desai(fitzpatrick=3, location="head_and_neck", amount="amateur")
    assert dict(est.points) == {
        "skin_type": 3,
        "location": 1,
        "colour": 1,
        "amount": 1,
        "scarring": 0,
        "layering": 0,
    }
    assert est.total == 6


def test_published_example_b_scores_11() -> None:
    # Light skin type II, chest, multicolour, moderate amount, no scarring or layering.
    est = removal.kirby_desai(
        fitzpatrick=2, location="upper_trunk", colour="multiple_colours", amount="moderate"
    )
    assert est.total == 11


def test_scalp_is_head_and_neck_for_one_point() -> None:
    est = removal.smp_removal_estimate(fitzpatrick=2, pigment="carbon-black")
    assert est.categories["location"] == "head_and_neck"
    assert est.points["location"] == 1


def test_points_are_in_factor_order() -> None:
    est = removal.kirby_desai(fitzpatrick=1)
    assert tuple(est.points) == removal.FACTORS
    assert tuple(est.categories) == removal.FACTORS


@pytest.mark.parametrize("field", list(NAMED))
def test_points_rise_strictly_along_each_category_order(field: str) -> None:
    chosen: list[dict[str, Any]] = [{field: c} for c in NAMED[field]]
    totals = [removal.kirby_desai(fitzpatrick=1, **kw).total for kw in chosen]
    assert all(a < b for a, b in itertools.pairwise(totals))
    skin = [removal.kirby_desai(fitzpatrick=t).total for t in removal.FITZPATRICK_TYPES]
    assert all(a < b for a, b in itertools.pairwise(skin))


_index = {name: st.integers(0, len(values) - 1) for name, values in NAMED.items()}


@settings(max_examples=200, deadline=None)
@given(
    fitzpatrick=st.sampled_from(removal.FITZPATRICK_TYPES),
    idx=st.fixed_dictionaries(_index),
    factor=st.sampled_from(["fitzpatrick", *NAMED]),
    smoker=st.booleans(),
)
def test_raising_one_factor_never_lowers_the_total(
    fitzpatrick: int, idx: dict[str, int], factor: str, smoker: bool
) -> None:
    kwargs: dict[str, Any] = {name: NAMED[name][i] for name, i in idx.items()}
    before = removal.kirby_desai(fitzpatrick=fitzpatrick, smoker=smoker, **kwargs)
    if factor == "fitzpatrick":
        fitzpatrick = min(fitzpatrick + 1, 6)
    else:
        kwargs[factor] = NAMED[factor][min(idx[factor] + 1, len(NAMED[factor]) - 1)]
    after = removal.kirby_desai(fitzpatrick=fitzpatrick, smoker=smoker, **kwargs)
    assert after.total >= before.total
    for est in (before, after):
        assert est.sessions_low >= 1.0
        assert est.sessions_high == est.total + 2.5
        assert est.sessions_low == max(est.total - 2.5, 1.0)
        assert 0.0 <= est.months_low <= est.months_high


def test_total_ranges_from_4_to_26_over_all_combinations() -> None:
    totals = {
        removal.kirby_desai(
            fitzpatrick=t, location=lo, colour=co, amount=am, scarring=sc, layering=la
        ).total
        for t, lo, co, am, sc, la in itertools.product(
            removal.FITZPATRICK_TYPES,
            removal.LOCATIONS,
            removal.COLOURS,
            removal.AMOUNTS,
            removal.SCARRING,
            removal.LAYERING,
        )
    }
    assert min(totals) == 4  # 1+1+1+1+0+0
    assert max(totals) == 26  # 6+5+4+4+5+2


def test_sessions_and_months_of_a_hand_worked_case() -> None:
    # Type II carbon-black SMP: total 6, sessions 3.5-8.5;
    # low: 2.5 intervals x 6 wk = 15 wk = 180/52.1775 mo; high: 7.5 x 8 wk = 60 wk.
    est = removal.smp_removal_estimate(fitzpatrick=2, pigment="carbon-black")
    assert est.total == 6
    assert (est.sessions_low, est.sessions_high) == (3.5, 8.5)
    assert est.interval_weeks == (6.0, 8.0)
    assert est.months_low == pytest.approx(3.4497628, rel=1e-7)
    assert est.months_high == pytest.approx(13.7990513, rel=1e-7)


@pytest.mark.parametrize("field", list(NAMED))
def test_bad_category_names_the_field_and_the_allowed_values(field: str) -> None:
    bad: dict[str, Any] = {field: "scalp"}
    with pytest.raises(InputError) as info:
        removal.kirby_desai(fitzpatrick=2, **bad)
    assert info.value.field == field
    assert field in str(info.value)
    assert ", ".join(NAMED[field]) in info.value.message
    assert "'scalp'" in info.value.message
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("bad", [0, 7, -1, "III", 3.0, True, None])
def test_bad_fitzpatrick_is_refused(bad: object) -> None:
    with pytest.raises(InputError, match="fitzpatrick") as info:
        removal.kirby_desai(fitzpatrick=bad)  # type: ignore[arg-type]
    assert info.value.field == "fitzpatrick"
    with pytest.raises(InputError, match="fitzpatrick"):
        removal.smp_removal_estimate(fitzpatrick=bad, pigment="carbon-black")  # type: ignore[arg-type]


def test_smp_colour_follows_the_pigment_class() -> None:
    colour = {
        p: removal.smp_removal_estimate(fitzpatrick=2, pigment=p).categories["colour"]
        for p in removal.SMP_PIGMENTS
    }
    assert colour == {
        "carbon-black": "black_only",
        "iron-oxide": "black_only",
        "organic-blend": "mostly_black_and_red_some_other",
    }


def test_type_ii_carbon_black_smp_scores_6() -> None:
    est = removal.smp_removal_estimate(fitzpatrick=2, pigment="carbon-black")
    assert dict(est.points) == {
        "skin_type": 2,
        "location": 1,
        "colour": 1,
        "amount": 2,
        "scarring": 0,
        "layering": 0,
    }
    assert est.total == 6
    assert est.warnings == ()


def test_smoker_gets_the_bencini_warning_but_no_points() -> None:
    plain = removal.smp_removal_estimate(fitzpatrick=2, pigment="carbon-black")
    smoker = removal.smp_removal_estimate(fitzpatrick=2, pigment="carbon-black", smoker=True)
    assert smoker.total == plain.total
    assert len(smoker.warnings) == 1
    assert "Bencini" in smoker.warnings[0] and "69.7 %" in smoker.warnings[0]


@pytest.mark.parametrize(("fitzpatrick", "warned"), [(1, False), (4, False), (5, True), (6, True)])
def test_dark_skin_gets_a_laser_safety_warning(fitzpatrick: int, warned: bool) -> None:
    est = removal.kirby_desai(fitzpatrick=fitzpatrick)
    assert any("conservative" in w for w in est.warnings) is warned


@pytest.mark.parametrize(
    ("touchups", "amount"), [(0, "minimal"), (2, "minimal"), (3, "moderate"), (20, "moderate")]
)
def test_touchups_raise_the_amount_once(touchups: int, amount: str) -> None:
    est = removal.smp_removal_estimate(
        fitzpatrick=2, pigment="carbon-black", touchup_sessions=touchups
    )
    assert est.categories["amount"] == amount


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_bad_touchup_count_is_refused(bad: object) -> None:
    with pytest.raises(InputError, match="touchup_sessions"):
        removal.smp_removal_estimate(
            fitzpatrick=2,
            pigment="carbon-black",
            touchup_sessions=bad,  # type: ignore[arg-type]
        )


def test_unknown_pigment_is_refused() -> None:
    with pytest.raises(InputError, match="carbon-black, iron-oxide, organic-blend") as info:
        removal.smp_removal_estimate(fitzpatrick=2, pigment="india-ink")
    assert info.value.field == "pigment"


def test_smp_mapping_covers_the_pigment_catalogue() -> None:
    assert set(removal.SMP_PIGMENTS) == set(pigment_names())


def test_data_file_matches_the_constants_and_documents_every_value() -> None:
    data = _data()
    constants = {"skin_type": removal.SKIN_TYPES, **NAMED}
    for factor in removal.FACTORS:
        assert tuple(data[factor]["points"]) == constants[factor]
    smp = [v for k, v in data["smp"].items() if k != "colour"]
    smp += list(data["smp"]["colour"].values())
    documented = [data[k] for k in (*removal.FACTORS, "sessions", "interval")]
    documented += [data["smoking"], data["dark_skin"], *smp]
    for entry in documented:
        assert entry["source"]
        assert entry["confidence"] in {"H", "M", "L"}
    for entry in smp:
        assert entry["reason"]
    assert data["smp"]["amount"]["confidence"] == "L"
    assert data["smp"]["touchups"]["confidence"] == "L"


def test_removal_dict_is_plain_json() -> None:
    est = removal.smp_removal_estimate(fitzpatrick=5, pigment="organic-blend", smoker=True)
    data = removal_dict(est)
    assert json.loads(json.dumps(data)) == data
    assert data["total"] == 5 + 1 + 3 + 2 + 0 + 0
    assert data["interval_weeks"] == [6.0, 8.0]
    assert len(data["warnings"]) == 2


# ----------------------------------------------------------------------------- a client's outlook


def _scenario(sessions: list[str]) -> Scenario:
    text = resources.files("fadecast").joinpath("examples", "temperate-office-worker.toml")
    data = tomllib.loads(text.read_text("utf-8"))
    data["treatment"] = {**data["treatment"], "sessions": sessions}
    return scenario_from_profile(parse_profile(data, today=OUTLOOK_TODAY), today=OUTLOOK_TODAY)


def test_touchups_so_far_are_the_sessions_beyond_a_standard_course() -> None:
    course = ["2025-03-01", "2025-03-15", "2025-04-05"]
    assert removal.recorded_touchups(_scenario(course)) == 0
    assert removal.recorded_touchups(_scenario(course[:1])) == 0
    assert removal.recorded_touchups(_scenario([*course, "2026-01-10", "2026-06-01"])) == 2


@pytest.mark.parametrize("planned", [0, 1, 3, 10])
def test_the_outlook_scores_today_and_after_the_planned_sessions(planned: int) -> None:
    sc = _scenario(["2025-03-01", "2025-03-15", "2025-04-05"])
    outlook = removal.removal_outlook(sc, planned)
    skin = tone.fitzpatrick_of(sc.skin)
    assert outlook.now == removal.smp_removal_estimate(
        fitzpatrick=skin, pigment=sc.pigment, smoker=sc.smoker
    )
    assert outlook.at_horizon == removal.smp_removal_estimate(
        fitzpatrick=skin, pigment=sc.pigment, smoker=sc.smoker, touchup_sessions=planned
    )
    assert outlook.at_horizon.total >= outlook.now.total
