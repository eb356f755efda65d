"""The satellite ozone climatology (fadecast.sun.uv.ozone_sbuv_v8) against its sources."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast import data
from fadecast.sun.solar import solar_position_noaa
from fadecast.sun.uv import ozone_sbuv_v8, ozone_vanheuklon1979, uv_index_madronich2007

MID_MARCH, MID_JUNE, MID_OCTOBER = 75.0, 166.5, 288.5


def test_the_packaged_table_is_the_sbuv_2000_2015_mean() -> None:
    header = data.csv_header("ozone_sbuv_v8.csv")
    table = data.csv_array("ozone_sbuv_v8.csv")
    assert header[0] == "lat_centre_deg" and len(header) == 25
    np.testing.assert_array_equal(table[:, 0], np.arange(-87.5, 87.6, 5.0))
    counts = table[:, 13:]
    assert counts.max() == 16  # 2000-2015
    assert np.all(np.isnan(table[:, 1:13]) == (counts == 0))


@pytest.mark.parametrize(
    ("latitude", "day", "expected_du"),
    [
        # NOAA SBUV v8, 2000-2015 means (science notes §11.1, from the 10° bands).
        (45.0, MID_OCTOBER, 291.0),
        (45.0, MID_MARCH, 374.0),
        (55.0, MID_MARCH, 406.0),
        (-82.5, MID_OCTOBER, 185.0),  # the Antarctic ozone hole
    ],
)
def test_reference_values(latitude: float, day: float, expected_du: float) -> None:
    assert float(ozone_sbuv_v8(latitude, day)) == pytest.approx(expected_du, abs=2.0)


def test_the_tropics_stay_between_246_and_292_du() -> None:
    lat, day = np.meshgrid(np.arange(-20.0, 20.1, 2.5), np.arange(1.0, 366.0, 5.0))
    ozone = ozone_sbuv_v8(lat, day)
    assert ozone.min() >= 244.0 and ozone.max() <= 294.0


def test_van_heuklon_is_biased_as_documented() -> None:
    """Zonal means of van Heuklon (1979) against the satellite record (science notes
    §11.1): 20-30 DU too little in the tropics, about 40 DU too much at 45° S in summer and
    50-60 DU too much at 60° N in summer."""
    longitudes = np.arange(-180.0, 180.0, 5.0)

    def bias(latitude: float, day: float) -> float:
        zonal = ozone_vanheuklon1979(latitude, longitudes, day).mean()
        return float(zonal - ozone_sbuv_v8(latitude, day))

    assert -30.0 <= bias(0.0, MID_JUNE) <= -20.0
    assert 35.0 <= bias(-45.0, 15.0) <= 45.0
    assert 45.0 <= bias(60.0, 196.0) <= 60.0


def noon_uv_index(latitude: float, longitude: float, day: dt.date) -> float:
    """The clear-sky UV index at sea level at the day's highest sun, with SBUV ozone."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
    seconds = start + np.arange(0.0, 86400.0, 60.0) - longitude / 15.0 * 3600.0
    zenith, _ = solar_position_noaa(seconds, latitude, longitude)
    mu0 = float(np.cos(np.radians(zenith.min())))
    ozone = ozone_sbuv_v8(latitude, day.timetuple().tm_yday)
    return float(uv_index_madronich2007(mu0, ozone))


@pytest.mark.parametrize(
    ("latitude", "longitude", "day", "expected"),
    [
        # Madronich's formula with the SBUV ozone (science notes §11.1: derived figures,
        # for cross-checks; their dates and ozone bands are not given, hence 0.7).
        (-33.87, 151.21, dt.date(2025, 1, 15), 13.9),  # Sydney
        (51.51, -0.13, dt.date(2025, 6, 15), 7.2),  # London
        (59.91, 10.75, dt.date(2025, 6, 15), 5.7),  # Oslo
        (1.35, 103.82, dt.date(2025, 1, 15), 13.5),  # Singapore
        (1.35, 103.82, dt.date(2025, 6, 15), 12.0),
    ],
)
def test_noon_uv_index_with_the_satellite_ozone(
    latitude: float, longitude: float, day: dt.date, expected: float
) -> None:
    assert noon_uv_index(latitude, longitude, day) == pytest.approx(expected, abs=0.7)


def test_clear_aerosol_free_noon_in_singapore_and_australia() -> None:
    """Singapore's clear, aerosol-free noon peaks near its measured record of 15 (Meteorological
    Service Singapore; real skies, with aerosol and clouds, give 11-13); all of Australia is
    at 11 or more in January (Bureau of Meteorology climatology)."""
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=d) for d in range(0, 365, 7)]
    assert 14.5 <= max(noon_uv_index(1.35, 103.82, d) for d in days) <= 15.5
    for latitude, longitude in (
        (-12.46, 130.84),
        (-27.47, 153.03),
        (-37.81, 144.96),
        (-42.88, 147.33),
    ):
        assert noon_uv_index(latitude, longitude, dt.date(2025, 1, 15)) >= 11.0


@settings(max_examples=200, deadline=None)
@given(latitude=st.floats(-90.0, 90.0), day=st.floats(1.0, 366.99))
def test_ozone_is_bounded_and_continuous(latitude: float, day: float) -> None:
    ozone = float(ozone_sbuv_v8(latitude, day))
    assert 150.0 <= ozone <= 480.0
    later = float(ozone_sbuv_v8(latitude, min(day + 0.01, 366.999)))
    assert abs(later - ozone) < 0.5  # no jumps, across the new year too


def test_the_year_closes_on_itself() -> None:
    np.testing.assert_allclose(ozone_sbuv_v8(40.0, 366.0), ozone_sbuv_v8(40.0, 1.0), atol=1.5)


@pytest.mark.parametrize(("latitude", "day"), [(91.0, 10.0), (0.0, 0.5), (0.0, 367.0)])
def test_out_of_range_is_refused(latitude: float, day: float) -> None:
    with pytest.raises(ValueError):
        ozone_sbuv_v8(latitude, day)
