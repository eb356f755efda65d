"""Tests of the NOAA solar position (fadecast.sun.solar)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from pvlib import solarposition

from fadecast.sun.solar import (
    day_of_year_from_unix,
    equation_of_time_minutes,
    julian_day_from_unix,
    solar_declination_deg,
    solar_position_noaa,
)

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")

# Seconds in the years 1900-2100, well inside the range the NOAA formulas are meant for.
_unix_seconds = st.floats(min_value=-2.2e9, max_value=4.1e9, allow_nan=False)
_latitudes = st.floats(min_value=-90.0, max_value=90.0, allow_nan=False)
_longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)


def _unix(timestamps: pd.DatetimeIndex) -> NDArray[np.float64]:
    return np.asarray((timestamps - _EPOCH).total_seconds(), dtype=np.float64)


def _angle_difference_deg(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.abs(np.mod(a - b + 180.0, 360.0) - 180.0), dtype=np.float64)


# --- reference values -----------------------------------------------------------------


def test_julian_day_of_known_instants() -> None:
    # Meeus (1998), Astronomical Algorithms, ch. 7: J2000.0 = 2000-01-01 12:00 TT is
    # JD 2451545.0, and the POSIX epoch 1970-01-01 00:00 UT is JD 2440587.5.
    j2000 = (pd.Timestamp("2000-01-01 12:00", tz="UTC") - _EPOCH).total_seconds()
    assert julian_day_from_unix(j2000) == pytest.approx(2451545.0, abs=1e-9)
    assert julian_day_from_unix(0.0) == pytest.approx(2440587.5, abs=1e-9)


def test_nrel_spa_worked_example() -> None:
    # Reda & Andreas (2004), Solar position algorithm for solar radiation applications,
    # NREL/TP-560-34302 (Solar Energy 76(5):577-589), worked example: 2003-10-17
    # 12:30:30 local time at UTC-7, latitude 39.742476, longitude -105.1786. SPA gives a
    # topocentric zenith of 50.11162 deg and azimuth 194.34024 deg. Its zenith includes
    # atmospheric refraction for 820 mbar and 11 degC, 0.016332 deg at this elevation,
    # while the NOAA zenith here is geometric, so the geometric SPA zenith is 50.12795.
    local = pd.Timestamp("2003-10-17 12:30:30", tz="Etc/GMT+7")  # POSIX sign: UTC-7
    unix = (local - _EPOCH).total_seconds()
    zenith, azimuth = solar_position_noaa(unix, 39.742476, -105.1786)
    assert abs(float(zenith) - 50.11162) < 0.1
    assert abs(float(zenith) - (50.11162 + 0.016332)) < 0.005
    assert abs(float(azimuth) - 194.34024) < 0.01


def test_declination_at_2024_solstices_and_equinox() -> None:
    # Instants from the US Naval Observatory "Earth's Seasons" table for 2024: March
    # equinox 03-20 03:06 UTC, June solstice 06-20 20:51 UTC, December solstice
    # 12-21 09:20 UTC. At a solstice |declination| equals the true obliquity of the
    # ecliptic, 23.436 deg in 2024 (Meeus 1998, eq. 22.2 plus nutation).
    instants = pd.DatetimeIndex(
        ["2024-03-20 03:06", "2024-06-20 20:51", "2024-12-21 09:20"], tz="UTC"
    )
    declination = solar_declination_deg(_unix(instants))
    np.testing.assert_allclose(declination, [0.0, 23.436, -23.436], atol=0.01)


def test_equation_of_time_extremes() -> None:
    # Meeus (1998), ch. 28: the equation of time reaches about -14.2 min near
    # 11-12 February and about +16.4 min near 3 November.
    instants = pd.DatetimeIndex(["2024-02-11 12:00", "2024-11-03 12:00"], tz="UTC")
    np.testing.assert_allclose(equation_of_time_minutes(_unix(instants)), [-14.2, 16.4], atol=0.1)


# --- pvlib (NREL SPA) as an oracle over a full year -----------------------------------

_SITES = {
    # name: latitude, longitude, altitude [m]
    "Manchester": (53.48, -2.24, 40.0),
    "Singapore": (1.35, 103.82, 15.0),
    "Sydney": (-33.87, 151.21, 50.0),
    "Tromso": (69.65, 18.96, 10.0),
    "La Paz": (-16.50, -68.15, 3640.0),
}


@pytest.fixture(scope="module")
def hourly_2024() -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", "2025-01-01", freq="h", tz="UTC", inclusive="left")


@pytest.mark.parametrize("site", sorted(_SITES))
def test_matches_pvlib_spa_for_a_year(site: str, hourly_2024: pd.DatetimeIndex) -> None:
    latitude, longitude, altitude = _SITES[site]
    unix = _unix(hourly_2024)
    # Round trip through pandas the way callers build their times (no .asi8).
    times = pd.to_datetime(unix, unit="s", utc=True)
    assert times.equals(hourly_2024)
    spa = solarposition.get_solarposition(
        times, latitude, longitude, altitude=altitude, method="nrel_numpy"
    )
    spa_zenith = spa["zenith"].to_numpy(dtype=np.float64)  # geometric, not apparent
    spa_azimuth = spa["azimuth"].to_numpy(dtype=np.float64)

    zenith, azimuth = solar_position_noaa(unix, latitude, longitude)

    up = spa_zenith < 90.0
    assert np.count_nonzero(up) > 1000
    assert np.max(np.abs(zenith - spa_zenith)[up]) < 0.1

    # Azimuth: the angle on the sky is |d azimuth| * sin(zenith); plain azimuth is also
    # compared where it is well conditioned (not within 10 deg of the zenith).
    azimuth_error = _angle_difference_deg(azimuth, spa_azimuth)
    high = spa_zenith < 85.0
    assert np.max((azimuth_error * np.sin(np.radians(spa_zenith)))[high]) < 0.05
    conditioned = high & (spa_zenith > 10.0)
    assert np.max(azimuth_error[conditioned]) < 0.1

    # Equation of time agrees with SPA's too (to a few seconds).
    eot = equation_of_time_minutes(unix)
    assert np.max(np.abs(eot - spa["equation_of_time"].to_numpy(dtype=np.float64))) < 0.1


# --- properties ------------------------------------------------------------------------


@settings(deadline=None)
@given(unix=_unix_seconds, latitude=_latitudes, longitude=_longitudes)
def test_angles_in_range(unix: float, latitude: float, longitude: float) -> None:
    zenith, azimuth = solar_position_noaa(unix, latitude, longitude)
    assert 0.0 <= float(zenith) <= 180.0
    assert 0.0 <= float(azimuth) < 360.0


@settings(deadline=None)
@given(
    day=st.integers(min_value=0, max_value=365 * 200),
    latitude=st.floats(min_value=-89.0, max_value=89.0),
    longitude=_longitudes,
)
def test_noon_zenith_is_latitude_minus_declination(
    day: int, latitude: float, longitude: float
) -> None:
    # At solar noon the hour angle is 0 and the zenith angle is |latitude - declination|.
    midnight = (day - 365 * 70) * 86400.0  # days from 1900 on
    noon = np.asarray(midnight + 43200.0 - 240.0 * longitude)
    for _ in range(2):  # the equation of time shifts noon; refine it
        noon = midnight + (720.0 - 4.0 * longitude - equation_of_time_minutes(noon)) * 60.0
    zenith, azimuth = solar_position_noaa(noon, latitude, longitude)
    declination = solar_declination_deg(noon)
    assert float(zenith) == pytest.approx(abs(latitude - float(declination)), abs=1e-3)
    if abs(latitude - float(declination)) > 0.5:
        expected = 180.0 if latitude > declination else 0.0
        assert float(_angle_difference_deg(azimuth, np.asarray(expected))) < 0.01


@settings(deadline=None)
@given(unix=_unix_seconds, latitude=_latitudes)
def test_longitude_is_periodic(unix: float, latitude: float) -> None:
    a = solar_position_noaa(unix, latitude, 10.0)
    b = solar_position_noaa(unix, latitude, 370.0)
    np.testing.assert_allclose(a[0], b[0], atol=1e-9)


def test_morning_sun_in_the_east_and_evening_sun_in_the_west() -> None:
    # Manchester, 2024-06-21: 06:00 UTC is mid-morning, 18:00 UTC early evening.
    instants = pd.DatetimeIndex(["2024-06-21 06:00", "2024-06-21 18:00"], tz="UTC")
    _, azimuth = solar_position_noaa(_unix(instants), 53.48, -2.24)
    assert 0.0 < azimuth[0] < 180.0
    assert 180.0 < azimuth[1] < 360.0


def test_broadcasting_shapes() -> None:
    times = np.arange(24, dtype=np.float64)[:, None, None] * 3600.0 + 1.7e9
    latitudes = np.linspace(-60.0, 60.0, 5)[None, :, None]
    longitudes = np.array([-120.0, 0.0, 45.0])[None, None, :]
    zenith, azimuth = solar_position_noaa(times, latitudes, longitudes)
    assert zenith.shape == (24, 5, 3)
    assert azimuth.shape == (24, 5, 3)
    assert zenith.dtype == np.float64
    # Each element equals the scalar computation.
    z, a = solar_position_noaa(float(times[7, 0, 0]), float(latitudes[0, 2, 0]), 45.0)
    assert zenith[7, 2, 2] == pytest.approx(float(z), abs=1e-12)
    assert azimuth[7, 2, 2] == pytest.approx(float(a), abs=1e-12)


def test_scalar_inputs_give_zero_dimensional_arrays() -> None:
    zenith, azimuth = solar_position_noaa(1.7e9, 10.0, 20.0)
    assert np.shape(zenith) == ()
    assert np.shape(azimuth) == ()


def test_latitude_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="latitude_deg"):
        solar_position_noaa(0.0, 91.0, 0.0)


@settings(deadline=None)
@given(unix=st.lists(_unix_seconds, min_size=1, max_size=20))
def test_day_of_year_matches_pandas(unix: list[float]) -> None:
    times = pd.to_datetime(np.floor(unix), unit="s", utc=True)
    expected = np.asarray(times.day_of_year, dtype=np.float64)
    np.testing.assert_array_equal(day_of_year_from_unix(np.floor(unix)), expected)
