"""Tests of the forecast: the claims the model must reproduce, and its contract.

The claims are those of the model brief (C1-C5): permanence, the 3-7-year spread, sun as
the largest factor, the other factors' directions, and what protection buys.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fadecast.errors import InputError
from fadecast.forecasting import FACTORS, ForecastResult, forecast, forecast_many
from fadecast.inputs.population import reference_population
from fadecast.inputs.profile import Profile, load_profile, parse_profile
from fadecast.report.json import forecast_dict

EXAMPLES = Path(__file__).parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
SAMPLES = 400


def example(name: str) -> Profile:
    return load_profile(EXAMPLES / f"{name}.toml", today=TODAY)


def run(profile: Profile, samples: int = SAMPLES, **kw: Any) -> ForecastResult:
    return forecast(profile, samples=samples, seed=0, today=TODAY, **kw)


def p50(profile: Profile, samples: int = 200) -> float:
    return run(profile, samples=samples, attribution=False).touchup_years[1]


@pytest.fixture(scope="module")
def office() -> ForecastResult:
    return run(example("temperate-office-worker"))


@pytest.fixture(scope="module")
def tropical() -> ForecastResult:
    return run(example("tropical-outdoor-worker"))


# ----------------------------------------------------------------------------- C1


@pytest.mark.parametrize(
    "name", ["temperate-office-worker", "tropical-outdoor-worker", "dark-skinned-client"]
)
def test_c1_carbon_black_is_still_perceptible_after_50_years(name: str) -> None:
    result = run(example(name), attribution=False)
    assert result.residual_social_p50 >= 0.8  # Paravina 2015 perceptibility
    assert result.residual_closeup_p50 > result.residual_social_p50 > 0.0


def test_c1_contrast_never_reaches_zero(office: ForecastResult) -> None:
    assert np.all(office.curve_social[0] > 0.0)
    assert "Permanent" in office.permanence_statement()


# ----------------------------------------------------------------------------- C2


def test_c2_temperate_office_worker_needs_a_touch_up_after_about_six_years(
    office: ForecastResult,
) -> None:
    p10, p50_, p90 = office.touchup_years
    assert 6.0 <= p50_ <= 7.2
    assert p10 < p50_ < p90


def test_c2_heavy_sun_without_protection_about_three_years_or_less(
    tropical: ForecastResult,
) -> None:
    assert tropical.touchup_years[1] <= 3.5


def test_c2_the_reference_population_has_its_median_at_six_to_seven_years_and_a_tail_to_three() -> (
    None
):
    population = reference_population(400, seed=1)  # as in docs/calibration.md
    results = forecast_many(population, samples=300, seed=0, today=TODAY, attribution=False)
    medians = np.array([r.touchup_years[1] for r in results])
    assert 6.0 <= np.median(medians) <= 7.0
    well_placed = np.array([r.scenario.placement == "optimal" for r in results])
    assert np.quantile(medians[well_placed], 0.05) <= 3.5  # heavy sun


def test_c3_a_client_who_never_goes_outdoors_lasts_years_longer(office: ForecastResult) -> None:
    data = example("temperate-office-worker").model_dump(mode="json", exclude_none=True)
    data["lifestyle"].update(outdoor_hours_weekday=0.0, outdoor_hours_weekend=0.0, holiday_weeks=0)
    indoors = run(parse_profile(data, today=TODAY), attribution=False)
    assert indoors.touchup_years[1] - office.touchup_years[1] >= 2.0
    sun = next(a.years for a in office.attribution if a.factor == "sun_exposure")
    assert sun <= -1.0  # at least a year for a temperate office worker


def test_c4_deep_placement_is_never_a_gain() -> None:
    deep = run(example("deep-placement"))
    procedure = next(a.years for a in deep.attribution if a.factor == "procedure")
    assert procedure < 0.0
    data = example("deep-placement").model_dump(mode="json", exclude_none=True)
    data["treatment"]["placement"] = "optimal"
    assert deep.touchup_years[1] < run(parse_profile(data, today=TODAY)).touchup_years[1]


# ----------------------------------------------------------------------------- C3


@pytest.mark.parametrize("name", ["temperate-office-worker", "tropical-outdoor-worker"])
def test_c3_sun_exposure_is_the_largest_factor_for_typical_profiles(name: str) -> None:
    result = run(example(name))
    top = result.attribution[0]
    assert top.factor == "sun_exposure"
    assert top.years < 0  # the sun costs years


def test_attribution_covers_every_factor_sorted_by_size(office: ForecastResult) -> None:
    assert {a.factor for a in office.attribution} == set(FACTORS)
    sizes = [abs(a.years) for a in office.attribution]
    assert sizes == sorted(sizes, reverse=True)
    by_factor = {a.factor: a.years for a in office.attribution}
    assert by_factor["pigment"] == 0.0  # already the reference
    assert by_factor["sunbeds"] == 0.0
    assert by_factor["sun_protection"] > 0.0  # protection gains years


def test_sunbeds_are_the_largest_factor_for_the_sunbed_user() -> None:
    result = run(example("sunbed-user"))
    assert result.attribution[0].factor == "sunbeds"
    assert result.attribution[0].years < 0


# ----------------------------------------------------------------------------- C3-C5 directions


BASE: dict[str, Any] = {
    "person": {"birth_year": 1985, "skin": {"fitzpatrick": 2}},
    "place": {"lat": 45.0, "lon": 0.0, "cloud_factor": 0.75},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 3.0,
        "holiday_weeks": 2,
        "hat_share": 0.2,
        "sunscreen": {"spf": 30, "share": 0.4, "mg_per_cm2": 1.0},
    },
    "treatment": {"sessions": ["2025-03-03", "2025-03-17", "2025-04-07"]},
}


def with_(**changes: Any) -> Profile:
    data: dict[str, Any] = {k: dict(v) for k, v in BASE.items()}
    data["lifestyle"]["sunscreen"] = dict(BASE["lifestyle"]["sunscreen"])
    for key, value in changes.items():
        section, name = key.split("__")
        data[section][name] = value
    return parse_profile(data, today=TODAY)


PROPERTY = settings(
    deadline=None, max_examples=12, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@PROPERTY
@given(st.floats(0.0, 8.0), st.floats(0.1, 8.0))
def test_more_outdoor_hours_means_an_earlier_touch_up(hours: float, extra: float) -> None:
    assert p50(with_(lifestyle__outdoor_hours_weekend=hours + extra)) <= p50(
        with_(lifestyle__outdoor_hours_weekend=hours)
    )


@PROPERTY
@given(st.floats(12.0, 65.0), st.floats(2.0, 20.0))
def test_lower_latitude_means_an_earlier_touch_up(lat: float, nearer: float) -> None:
    # Within about 10 degrees of the equator the annual UV is nearly flat (the sun passes
    # overhead twice a year), so "lower" is only meaningful from there poleward.
    equatorward = max(lat - nearer, 10.0)
    assert p50(with_(place__lat=equatorward)) <= p50(with_(place__lat=lat))


@PROPERTY
@given(st.floats(0.0, 3000.0), st.floats(100.0, 2500.0))
def test_higher_altitude_means_an_earlier_touch_up(alt: float, extra: float) -> None:
    assert p50(with_(place__altitude_m=alt + extra)) <= p50(with_(place__altitude_m=alt))


@PROPERTY
@given(st.floats(0.0, 100.0), st.floats(5.0, 100.0))
def test_sunbeds_mean_an_earlier_touch_up(sessions: float, extra: float) -> None:
    assert p50(with_(lifestyle__sunbed_sessions_per_year=sessions + extra)) <= p50(
        with_(lifestyle__sunbed_sessions_per_year=sessions)
    )


@PROPERTY
@given(st.floats(1.0, 50.0), st.floats(1.0, 50.0))
def test_more_spf_means_a_later_touch_up(spf: float, extra: float) -> None:
    screen = dict(BASE["lifestyle"]["sunscreen"])
    low, high = dict(screen, spf=spf), dict(screen, spf=spf + extra)
    assert p50(with_(lifestyle__sunscreen=high)) >= p50(with_(lifestyle__sunscreen=low))


@PROPERTY
@given(st.floats(0.0, 0.9), st.floats(0.05, 1.0))
def test_more_hat_means_a_later_touch_up(share: float, extra: float) -> None:
    assert p50(with_(lifestyle__hat_share=min(share + extra, 1.0))) >= p50(
        with_(lifestyle__hat_share=share)
    )


def test_sun_effects_are_strict_not_just_monotone() -> None:
    base = p50(with_())
    assert p50(with_(lifestyle__outdoor_hours_weekend=8.0)) < base
    assert p50(with_(lifestyle__sunbed_sessions_per_year=50)) < base
    assert p50(with_(place__lat=10.0)) < base
    assert p50(with_(lifestyle__hat_share=0.9)) > base
    screen = dict(BASE["lifestyle"]["sunscreen"], spf=50, share=0.9)
    assert p50(with_(lifestyle__sunscreen=screen)) > base


def test_c4_pigment_procedure_and_immune_system_matter_in_their_documented_direction() -> None:
    base = p50(with_(), samples=400)
    assert p50(with_(treatment__pigment="organic-blend"), samples=400) < base
    assert p50(with_(treatment__placement="shallow"), samples=400) < base
    assert p50(with_(person__immune="suppressed"), samples=400) > base
    assert p50(with_(person__smoker=True), samples=400) >= base


def test_packed_pigment_keeps_its_colour_and_organic_pigment_fades_sooner() -> None:
    """Photolysis changes an organic blend's mix, but packed in cells with its share of
    carbon black the blend is black at every wavelength, so its colour barely moves (well
    under the acceptability threshold); the pigment it loses makes it fade sooner."""
    from fadecast import forecasting as model
    from fadecast.skin import appearance

    for pigment in ("carbon-black", "organic-blend"):
        sc = model.scenario_from_profile(with_(treatment__pigment=pigment), today=TODAY)
        table = model.ModelCache().table(sc.skin, sc.pigment, sc.placement)
        progress = np.linspace(0.0, 3000.0, 7)
        change = appearance.discolouration(table, 1.7, progress, 0.18)
        assert change[0] == pytest.approx(0.0, abs=1e-9)
        if pigment == "carbon-black":
            assert np.all(change == 0.0)
        else:
            assert np.all(np.diff(change) >= 0.0) and 0.0 < change[-1] < 0.5
    assert p50(with_(treatment__pigment="organic-blend"), samples=400) < p50(with_(), samples=400)


def test_darker_skin_lets_less_uv_reach_the_pigment() -> None:
    light = run(with_(person__skin={"fitzpatrick": 2}), attribution=False)
    dark = run(with_(person__skin={"fitzpatrick": 6}), attribution=False)
    ratio = light.exposure["dermal_uva_kj_m2_per_year"] / dark.exposure["dermal_uva_kj_m2_per_year"]
    assert ratio == pytest.approx(5.0, rel=0.05)  # Kaidbey 1979
    assert dark.target_delta_e00 < light.target_delta_e00  # less contrast from the start


# ----------------------------------------------------------------------------- exposure sanity


def test_scalp_dose_is_a_few_percent_of_ambient_for_an_indoor_worker(
    office: ForecastResult,
) -> None:
    share = office.exposure["scalp_sed_per_year"] / office.exposure["ambient_sed_per_year"]
    assert 0.02 <= share <= 0.1  # Godar 2005: ~3 % on a badge; the vertex sees more


def test_outdoor_worker_gets_several_times_the_indoor_share(
    office: ForecastResult, tropical: ForecastResult
) -> None:
    office_share = office.exposure["scalp_sed_per_year"] / office.exposure["ambient_sed_per_year"]
    outdoor_share = (
        tropical.exposure["scalp_sed_per_year"] / tropical.exposure["ambient_sed_per_year"]
    )
    assert 2.0 <= outdoor_share / office_share <= 6.0


# ----------------------------------------------------------------------------- contract


def test_same_seed_same_result_other_seed_other_result() -> None:
    profile = example("temperate-office-worker")
    a = forecast_dict(forecast(profile, samples=300, seed=5, today=TODAY))
    b = forecast_dict(forecast(profile, samples=300, seed=5, today=TODAY))
    c = forecast_dict(forecast(profile, samples=300, seed=6, today=TODAY))
    assert a == b
    assert a != c


def test_dates_follow_the_years(office: ForecastResult) -> None:
    d = forecast_dict(office)["touchup"]
    first = dt.date.fromisoformat(forecast_dict(office)["first_session"])
    for q in ("p10", "p50", "p90"):
        years = d[f"{q}_years"]
        date = dt.date.fromisoformat(d[f"{q}_date"])
        assert abs((date - first).days / 365.25 - years) < 1 / 365


def test_curve_is_ordered_and_covers_the_horizon(office: ForecastResult) -> None:
    curve = forecast_dict(office)["curve"]
    assert curve["years"][0] == 0.0 and curve["years"][-1] == pytest.approx(30.0)
    lo, mid, hi = (np.array(curve[k]) for k in ("contrast_p10", "contrast_p50", "contrast_p90"))
    assert np.all(lo <= mid + 1e-9) and np.all(mid <= hi + 1e-9)
    assert curve["touchup_level_delta_e00"] < curve["target_delta_e00"]


def test_a_prospective_client_starts_a_standard_course_today() -> None:
    result = run(example("deep-placement"), attribution=False)
    sessions = result.scenario.session_dates
    assert sessions[0] == TODAY
    assert [(d - TODAY).days for d in sessions] == [0, 14, 35]
    assert any("deep placement" in w for w in result.warnings)


def test_touch_ups_beyond_the_horizon_are_reported_as_none() -> None:
    data = dict(BASE, forecast={"horizon_years": 5})
    result = forecast(parse_profile(data, today=TODAY), samples=200, seed=0, today=TODAY)
    d = forecast_dict(result)["touchup"]
    assert d["p90_years"] is None and d["p90_date"] is None
    assert math.isinf(result.touchup_years[2])


def test_overdue_touch_up_is_flagged() -> None:
    data = dict(BASE, treatment={"sessions": ["2012-01-09", "2012-01-23"]})
    result = forecast(parse_profile(data, today=TODAY), samples=200, seed=0, today=TODAY)
    assert any("due already" in w for w in result.warnings)


def test_forecast_many_agrees_with_forecast() -> None:
    profiles = [example(n) for n in ("temperate-office-worker", "sunbed-user", "deep-placement")]
    many = forecast_many(profiles, samples=300, seed=2, today=TODAY)
    for profile, result in zip(profiles, many, strict=True):
        single = forecast(profile, samples=300, seed=2, today=TODAY)
        for a, b in zip(result.touchup_years, single.touchup_years, strict=True):
            assert a == pytest.approx(b, abs=0.05)
        for x, y in zip(result.attribution, single.attribution, strict=True):
            assert x.factor == y.factor or abs(x.years - y.years) < 0.05


def test_samples_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="samples"):
        forecast(example("temperate-office-worker"), samples=5, today=TODAY)


def test_the_package_exposes_the_documented_api() -> None:
    import fadecast

    profile = fadecast.load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)
    result = fadecast.forecast(profile, samples=100, seed=0, today=TODAY)
    assert isinstance(result, fadecast.ForecastResult)
    assert set(forecast_dict(result)) >= {"touchup", "exposure", "curve", "residual", "attribution"}
    assert len(fadecast.forecast_many([profile, profile], samples=100, seed=0, today=TODAY)) == 2


def test_forecast_many_shares_like_profiles_and_still_agrees() -> None:
    """Enough like profiles enable the shared table over the clearance rate."""
    profiles = [
        with_(lifestyle__outdoor_hours_weekend=hours, person__birth_year=1960 + 5 * i)
        for i, hours in enumerate((0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0))
    ]
    many = forecast_many(profiles, samples=400, seed=1, today=TODAY)
    for profile, result in zip(profiles, many, strict=True):
        single = forecast(profile, samples=400, seed=1, today=TODAY)
        p10, p50_, p90 = result.touchup_years
        assert p50_ == pytest.approx(single.touchup_years[1], abs=0.05)
        # Within a month: the forecast is told to the month.
        assert p10 == pytest.approx(single.touchup_years[0], abs=1.0 / 12.0)
        assert p90 == pytest.approx(single.touchup_years[2], abs=1.0 / 12.0)
        assert (
            forecast_dict(result)["attribution"][0]["factor"]
            == (forecast_dict(single)["attribution"][0]["factor"])
        )
        # within 1 % of the healed contrast (the emulator interpolates between rates)
        gap = np.max(np.abs(result.curve_social[1] - single.curve_social[1]))
        assert gap < 0.01 * single.target_delta_e00
    # The table was used: results are close to, not identical with, single forecasts.
    singles = [forecast(p, samples=400, seed=1, today=TODAY) for p in profiles]
    assert any(m.touchup_years[1] != s.touchup_years[1] for m, s in zip(many, singles, strict=True))


def test_forecast_many_tabulates_photolabile_pigment_in_the_sun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An organic pigment in the sun is shared over age and dose at the pigment."""
    from fadecast.forecasting import emulator

    monkeypatch.setattr(emulator, "EMULATOR_RUNS_PER_NODE", 0.0)  # any group tabulates
    profiles = [
        with_(
            treatment__pigment="organic-blend",
            lifestyle__outdoor_hours_weekend=hours,
            person__birth_year=1958 + 7 * i,
        )
        for i, hours in enumerate((0.5, 2.0, 4.0, 8.0))
    ]
    many = forecast_many(profiles, samples=300, seed=3, today=TODAY)
    singles = [forecast(p, samples=300, seed=3, today=TODAY) for p in profiles]
    for result, single in zip(many, singles, strict=True):
        for a, b in zip(result.touchup_years, single.touchup_years, strict=True):
            assert a == pytest.approx(b, abs=0.05)
        mine = {x.factor: x.years for x in result.attribution}
        assert all(abs(mine[y.factor] - y.years) < 0.05 for y in single.attribution)
        assert np.max(np.abs(result.curve_social[1] - single.curve_social[1])) < 0.1
    assert any(m.touchup_years != s.touchup_years for m, s in zip(many, singles, strict=True))


def test_touch_up_is_the_earliest_criterion() -> None:
    """Fading and discolouration are detected apart; the touch-up is the earlier."""
    from fadecast import forecasting

    sc = forecasting.scenario_from_profile(
        with_(treatment__pigment="organic-blend", lifestyle__outdoor_hours_weekend=8.0),
        today=TODAY,
    )
    from fadecast.forecasting import chain, detection
    from fadecast.forecasting import run as runs

    cache = forecasting.ModelCache()
    params = forecasting.Params.sampled(200, 0)
    run = runs.simulate(sc, params, cache, curves=False)
    det = detection.detection_window(detection.detection(sc, cache))
    expo = chain.scalp_exposure(sc, params, cache)
    rates = chain.clearance_rates(sc, params, expo.dermal, cache, placement=sc.placement)
    curves = chain.contrast_curves(
        sc, params, rates, det.times, cache, placement=sc.placement, closeup=False
    )
    criteria = detection.touchup_criteria(curves, det)
    assert criteria.shape == (2, 200)
    np.testing.assert_array_equal(run.touchup_years, criteria.min(axis=0))
    # Packed in cells the blend stays black (see above): the fading decides.
    assert np.all(criteria[0] <= criteria[1])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 300), times=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_curve_quantiles_match_numpy(n: int, times: int, seed: int) -> None:
    from fadecast.forecasting.statistics import curve_quantiles

    curves = np.random.default_rng(seed).normal(3.0, 1.0, (n, times))
    expected = np.quantile(curves, [0.1, 0.5, 0.9], axis=0)
    # Sorted on a 16-bit code: agreement to half a code step of the curves' range.
    half_step = 0.5 * np.ptp(curves) / 65535
    got = curve_quantiles(curves, (0.1, 0.5, 0.9))
    assert np.all(np.abs(got - expected) <= half_step * (1 + 1e-9) + 1e-12)


@settings(max_examples=50, deadline=None)
@given(
    nodes=st.lists(
        st.floats(0.0, 1e4, allow_subnormal=False), min_size=1, max_size=12, unique=True
    ),
    share=st.floats(0.0, 1.0),
)
def test_bracket_reconstructs_points_between_nodes(nodes: list[float], share: float) -> None:
    from fadecast.forecasting.emulator import bracket

    grid = np.sort(np.array(nodes))
    x = np.array([grid[0] + share * (grid[-1] - grid[0])])
    low, high, weight = bracket(grid, x)
    assert np.all((weight >= 0.0) & (weight <= 1.0 + 1e-12))
    rebuilt = (1.0 - weight) * grid[low] + weight * grid[high]
    np.testing.assert_allclose(rebuilt, x, rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------------- hardening


def _strict(result: ForecastResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(forecast_dict(result), allow_nan=False))
    years = [data["touchup"][f"p{q}_years"] for q in (10, 50, 90)]
    finite = [y for y in years if y is not None]
    assert finite == sorted(finite) and years[: len(finite)] == finite
    return data


@pytest.mark.parametrize(
    ("sessions", "horizon", "extended_to"),
    [
        (["1995-03-01", "2025-03-01"], 30, 35.1),  # a course long ago, a recent touch-up
        (["2020-01-06", "2024-10-21"], 5, 9.8),  # sessions 4.8 years apart, 5-year horizon
    ],
)
def test_sessions_spanning_the_horizon_extend_it(
    sessions: list[str], horizon: float, extended_to: float
) -> None:
    data = dict(
        BASE,
        person={"birth_year": 1970, "skin": {"fitzpatrick": 2}},
        treatment={"sessions": sessions},
        forecast={"horizon_years": horizon},
    )
    profile = parse_profile(data, today=TODAY)
    result = run(profile, samples=100)
    assert result.scenario.horizon_years == pytest.approx(extended_to)
    assert result.warnings[0].startswith(
        f"the sessions span {result.scenario.session_years()[-1]:.1f} years, so the horizon "
        f"is extended from {horizon:g} to {extended_to:g} years"
    )
    assert result.curve_years[-1] == pytest.approx(extended_to)
    assert math.isfinite(result.touchup_years[0])
    assert result.touchup_years[0] >= result.scenario.session_years()[-1]
    _strict(result)
    (many,) = forecast_many([profile], samples=100, seed=0, today=TODAY)
    assert many.scenario.horizon_years == pytest.approx(extended_to)
    assert many.warnings[0] == result.warnings[0]


def test_a_horizon_well_past_the_sessions_is_kept() -> None:
    result = run(with_(), samples=100, attribution=False)
    assert result.scenario.horizon_years == 30
    assert not any("horizon is extended" in w for w in result.warnings)


def strict_observer(profile: Profile, perceptible: float) -> ForecastResult:
    """The forecast for an observer who needs ``perceptible`` ΔE00 to see a difference."""
    from fadecast.forecasting import ModelCache, Params, forecast_of_scenario, scenario_from_profile
    from fadecast.inputs.parameters import central_values

    cache = ModelCache({**central_values(), "perceptibility_delta_e00": perceptible})
    return forecast_of_scenario(
        scenario_from_profile(profile, today=TODAY),
        Params.sampled(100, 0),
        cache,
        samples=100,
        seed=0,
        today=TODAY,
        attribution=True,
    )


def test_smp_barely_shows_on_the_darkest_skin_of_the_gamut() -> None:
    """Skin of L* 20 sends back almost nothing from within: over it the darkest ink can only
    take away what little there is, and the surface's reflection stays (a dot no darker than
    L* 18), so the SMP is just perceptible and lasts long."""
    darkest = run(with_(person__skin={"lab": [20.0, 12.0, 10.0]}), samples=100)
    assert 0.8 < darkest.target_delta_e00 < 2.0
    type_vi = run(with_(person__skin={"fitzpatrick": 6}), samples=100, attribution=False)
    assert darkest.target_delta_e00 < type_vi.target_delta_e00
    assert darkest.touchup_years[1] > type_vi.touchup_years[1]


@pytest.mark.parametrize("lightness", [20.0, 23.0])
def test_smp_invisible_to_the_observer_has_no_window(lightness: float) -> None:
    result = strict_observer(with_(person__skin={"lab": [lightness, 12.0, 10.0]}), 4.0)
    assert result.target_delta_e00 < 4.0
    assert all(math.isinf(t) for t in result.touchup_years)
    assert result.touchup_dates == (None, None, None)
    (warning,) = [w for w in result.warnings if "hardly show" in w]
    assert f"L* {lightness:.0f}" in warning and "no touch-up window" in warning
    assert not any("no touch-up is needed within" in w for w in result.warnings)
    data = _strict(result)
    assert data["touchup"]["p50_date"] is None
    assert result.attribution == ()  # no window, nothing to attribute


def test_smp_visible_on_the_darkest_representative_skin_has_a_window() -> None:
    result = run(with_(person__skin={"fitzpatrick": 6}), samples=100, attribution=False)
    assert result.target_delta_e00 >= 0.8
    assert math.isfinite(result.touchup_years[1])
    assert not any("hardly show" in w for w in result.warnings)


@pytest.mark.parametrize("today", [dt.date(1979, 12, 31), dt.date(3000, 1, 1)])
def test_a_today_outside_the_calendar_the_forecast_covers_is_refused(today: dt.date) -> None:
    profile = with_()
    with pytest.raises(InputError) as info:
        forecast(profile, samples=20, seed=0, today=today)
    assert info.value.field == "today"


def test_a_far_future_today_still_gives_strict_json() -> None:
    data = dict(BASE, person={"birth_year": 2960, "skin": {"fitzpatrick": 2}}, treatment={})
    profile = parse_profile(data, today=dt.date(2999, 1, 1))
    result = forecast(profile, samples=40, seed=0, today=dt.date(2999, 12, 31))
    assert result.scenario.first_session == dt.date(2999, 12, 31)
    _strict(result)


def test_a_course_with_fewer_sessions_than_a_standard_one_says_it_is_unfinished() -> None:
    one = with_(treatment__sessions=[dt.date(2025, 3, 1)])
    warnings = forecast(one, samples=200, seed=0, today=TODAY).warnings
    assert warnings[0].startswith("the course is unfinished: 1 session of the usual 3")
    full = forecast(example("temperate-office-worker"), samples=200, seed=0, today=TODAY)
    assert not any("unfinished" in w for w in full.warnings)
