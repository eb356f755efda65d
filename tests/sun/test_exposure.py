"""Tests of the personal exposure stage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from fadecast import data
from fadecast.sun import exposure


@pytest.mark.parametrize(
    ("spf", "mg", "expected"),
    [
        # Faurschou & Wulf 2007: at 2 mg/cm2 the labelled SPF; at 1 mg/cm2 its square root;
        # at 0.5 mg/cm2 its fourth root.
        (30.0, 2.0, 1 / 30.0),
        (30.0, 1.0, 1 / np.sqrt(30.0)),
        (30.0, 0.5, 30.0**-0.25),
        (50.0, 4.0, 1 / 2500.0),
        (1.0, 1.0, 1.0),
    ],
)
def test_effective_spf_faurschou2007(spf: float, mg: float, expected: float) -> None:
    assert exposure.sunscreen_transmission_faurschou2007(spf, mg) == pytest.approx(expected)


def test_spf_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="spf"):
        exposure.sunscreen_transmission_faurschou2007(0.5, 1.0)


@settings(deadline=None)
@given(
    spf=st.floats(1.0, 100.0),
    mg=st.floats(0.1, 4.0),
    reapply=st.floats(0.5, 12.0),
    half=st.floats(0.5, 10.0),
)
def test_wearing_off_sunscreen_protects_less_than_fresh(
    spf: float, mg: float, reapply: float, half: float
) -> None:
    fresh = exposure.sunscreen_transmission_faurschou2007(spf, mg)
    mean = exposure.sunscreen_transmission(spf, mg, reapply_hours=reapply, half_life_h=half)
    assert fresh - 1e-12 <= mean <= 1.0


@settings(deadline=None)
@given(spf1=st.floats(1.0, 100.0), spf2=st.floats(1.0, 100.0))
def test_more_spf_lets_less_through(spf1: float, spf2: float) -> None:
    lo, hi = sorted((spf1, spf2))
    t_lo = exposure.sunscreen_transmission(lo, 1.0, reapply_hours=2.0, half_life_h=2.5)
    t_hi = exposure.sunscreen_transmission(hi, 1.0, reapply_hours=2.0, half_life_h=2.5)
    assert t_hi <= t_lo


def test_hat_transmission() -> None:
    assert exposure.hat_transmission(0.0, 20.0) == pytest.approx(1.0)
    assert exposure.hat_transmission(1.0, 20.0) == pytest.approx(0.05)
    assert exposure.hat_transmission(0.2, 20.0) == pytest.approx(0.81)


def test_hair_transmission_from_buzz_cut_to_full_hair() -> None:
    buzz = exposure.hair_transmission(0.5, upf_full=8.0, length_scale_mm=10.0)
    full = exposure.hair_transmission(200.0, upf_full=8.0, length_scale_mm=10.0)
    assert 0.7 < buzz < 1.0
    assert full == pytest.approx(1 / 8.0)
    assert exposure.hair_transmission(0.0, upf_full=8.0, length_scale_mm=10.0) == 1.0


def test_sunbed_dose() -> None:
    # 12 min at the England survey mean of 0.56 W/m2 (Tierney 2013): 403.2 J/m2 = 4.03 SED.
    assert exposure.sunbed_dose_sed(1, 12, 0.56) == pytest.approx(4.032)
    assert exposure.sunbed_dose_sed(40, 12, 0.3) == pytest.approx(40 * 2.16)


@pytest.mark.parametrize("weeks", [0.0, 0.5, 1.0, 2.0, 3.5, 8.0])
@pytest.mark.parametrize("lat", [53.5, -33.9])
def test_holiday_mask_counts_the_days(weeks: float, lat: float) -> None:
    mask = exposure.holiday_mask(lat, weeks)
    assert mask.sum() == pytest.approx(7 * weeks)
    assert mask.min() >= 0 and mask.max() <= 1
    if weeks:
        centre = 196 if lat > 0 else 15
        offset = (np.arange(1, 366) - centre + 182.5) % 365 - 182.5
        assert np.sum(mask * offset) / mask.sum() == pytest.approx(0.0, abs=1e-9)


def test_seasonal_weight() -> None:
    north = exposure.seasonal_weight(53.5, 0.3)
    south = exposure.seasonal_weight(-33.9, 0.3)
    assert north.mean() == pytest.approx(1.0, abs=1e-3)
    assert np.argmax(north) + 1 == 172 and np.argmax(south) + 1 == 355
    assert_allclose(exposure.seasonal_weight(1.3, 0.3), 1.0)
    # The amplitude tapers in between, without a jump at the tropics.
    half = exposure.seasonal_weight(25.0, 0.3)
    assert half.max() == pytest.approx(1.15, abs=1e-3)
    assert (
        np.abs(exposure.seasonal_weight(23.5, 0.3) - exposure.seasonal_weight(23.3, 0.3)).max()
        < 0.01
    )


def test_activity_windows_are_distributions() -> None:
    for name, window in exposure.ACTIVITY_WINDOWS.items():
        assert sum(window.values()) == pytest.approx(1.0), name
        assert all(0 <= h < 24 for h in window), name


def test_activity_windows_come_from_the_data_file() -> None:
    table = data.toml_table("activity_windows.toml")
    assert list(exposure.ACTIVITY_WINDOWS) == list(table)
    for name, entry in table.items():
        assert entry["description"] and entry["source"], name
        assert entry["unit"] == "1", name
        assert entry["confidence"] in {"H", "M", "L"}, name
        weights = {int(hour): weight for hour, weight in entry["value"].items()}
        assert dict(exposure.ACTIVITY_WINDOWS[name]) == weights, name


def test_activity_windows_are_exactly_the_documented_fractions() -> None:
    windows = {name: dict(window) for name, window in exposure.ACTIVITY_WINDOWS.items()}
    assert windows == {
        "weekday": {7: 1 / 6, 8: 1 / 6, 12: 1 / 3, 17: 1 / 6, 18: 1 / 6},
        "weekend": dict.fromkeys(range(10, 17), 1 / 7),
        "outdoor_job": dict.fromkeys(range(8, 17), 1 / 9),
        "holiday": dict.fromkeys(range(10, 16), 1 / 6),
    }


def test_activity_windows_are_read_only() -> None:
    with pytest.raises(TypeError):
        exposure.ACTIVITY_WINDOWS["weekday"][12] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        exposure.ACTIVITY_WINDOWS["nap"] = {0: 1.0}  # type: ignore[index]


def test_activity_uv_index_is_the_weighted_mean() -> None:
    uvi = np.tile(np.arange(24, dtype=float), (365, 1))
    weekend = exposure.activity_uv_index(uvi, "weekend")
    assert_allclose(weekend, np.mean(np.arange(10, 17)) + 0.0)
    with pytest.raises(ValueError, match="activity"):
        exposure.activity_uv_index(uvi, "nap")
