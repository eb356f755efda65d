"""The forecast's public stages: scenario, chain, detection (fadecast.forecasting.*)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.forecasting import chain, detection
from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.forecasting.run import simulate
from fadecast.forecasting.scenario import (
    FACTORS,
    Scenario,
    checked_today,
    reference_variant,
    scenario_from_profile,
)
from fadecast.inputs.profile import load_profile

EXAMPLES = Path(__file__).parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


@functools.cache
def office() -> Scenario:
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)
    return scenario_from_profile(profile, today=TODAY)


@functools.cache
def params() -> Params:
    return Params.sampled(200, 0)


def test_the_clock_is_never_read() -> None:
    with pytest.raises(ValueError, match="today"):
        checked_today(None)


@pytest.mark.parametrize("factor", sorted(FACTORS))
def test_a_reference_variant_changes_only_its_factor_group(factor: str) -> None:
    sc = office()
    variant = reference_variant(sc, factor)
    changed = {
        f.name
        for f in dataclasses.fields(Scenario)
        if getattr(sc, f.name) != getattr(variant, f.name)
    }
    groups = {
        "sun_exposure": {
            "outdoor_hours_weekday",
            "outdoor_hours_weekend",
            "outdoor_job",
            "holiday_weeks",
        },
        "sun_protection": {"hat_share", "sunscreen_share", "hair_length_mm"},
        "sunbeds": {"sunbed_sessions_per_year"},
        "pigment": {"pigment"},
        "procedure": {"placement"},
        "biology": {"birth_year", "immune", "smoker"},
        "skin_tone": {"skin"},
    }
    assert changed <= groups[factor]
    assert reference_variant(variant, factor) == variant  # the reference is its own reference


@settings(max_examples=20, deadline=None)
@given(hours=st.floats(0.0, 6.0), more=st.floats(0.5, 6.0))
def test_more_time_outdoors_means_more_uv_and_faster_clearance(hours: float, more: float) -> None:
    cache = ModelCache(params().central)
    doses, rates = [], []
    for weekend in (hours, hours + more):
        sc = dataclasses.replace(office(), outdoor_hours_weekend=weekend)
        expo = chain.scalp_exposure(sc, params(), cache)
        doses.append(expo.dermal)
        rates.append(
            chain.clearance_rates(sc, params(), expo.dermal, cache, placement=sc.placement)
        )
    assert np.all(doses[1] > doses[0])
    assert np.all(rates[1].k0 > rates[0].k0)
    np.testing.assert_array_equal(rates[1].k1, rates[0].k1)  # the age drift is not the sun's


def test_contrast_fades_after_healing_and_the_level_is_a_share_of_the_target() -> None:
    sc, cache = office(), ModelCache(params().central)
    run = simulate(sc, params(), cache)
    det = detection.detection(sc, cache)
    assert det.level == pytest.approx(sc.touchup_threshold * det.target)
    healed = det.times >= det.healed_years
    assert run.look is not None
    look = np.median(run.look[:, healed], axis=0)
    assert np.all(np.diff(look) <= 1e-9)  # the look never comes back by itself
    # Packed ink saturates: a dot that spreads covers more skin, so spreading can hold the
    # mean tone for a while as pigment is lost, but it never visibly darkens it.
    tone = np.median(run.social[:, healed], axis=0)
    assert np.all(np.diff(tone) <= 0.05)
    assert tone[-1] < tone[0] and np.all(look > 0)


def test_the_chain_composes_to_the_run() -> None:
    """contrast_curves is course_load, then dot_state, then contrast_of_dots."""
    sc, cache = office(), ModelCache(params().central)
    times = np.array([1.0, 3.0, 8.0])
    expo = chain.scalp_exposure(sc, params(), cache)
    rates = chain.clearance_rates(sc, params(), expo.dermal, cache, placement=sc.placement)
    whole = chain.contrast_curves(
        sc, params(), rates, times, cache, placement=sc.placement, closeup=True
    )
    load = chain.course_load(sc, params(), rates, times, cache, placement=sc.placement)
    dots = chain.dot_state(sc, params(), load, cache, placement=sc.placement)
    parts = chain.contrast_of_dots(sc, dots, cache, placement=sc.placement, closeup=True)
    np.testing.assert_array_equal(whole.social, parts.social)
    assert whole.closeup is not None and parts.closeup is not None
    np.testing.assert_array_equal(whole.closeup, parts.closeup)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 10.0), min_size=2, max_size=30),
    level=st.floats(0.0, 10.0),
)
def test_first_crossing_is_where_the_curve_first_falls_below(
    values: list[float], level: float
) -> None:
    times = np.arange(len(values), dtype=np.float64)
    curve = np.array([values])
    crossing = float(detection.first_crossing(times, curve, level, 0.0)[0])
    below = [i for i, v in enumerate(values) if v < level]
    if not below:
        assert crossing == np.inf
    else:
        first = below[0]
        assert (first - 1 if first > 0 else 0) <= crossing <= first
