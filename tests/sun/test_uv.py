"""Tests of the clear-sky UV models (fadecast.sun.uv)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fadecast.sun.solar import (
    day_of_year_from_unix,
    equation_of_time_minutes,
    solar_position_noaa,
)
from fadecast.sun.uv import (
    SED_J_PER_M2,
    UVI_W_PER_M2,
    altitude_factor,
    erythemal_action_cie1998,
    erythemal_dose_sed,
    ozone_vanheuklon1979,
    uv_index_madronich2007,
)

_ozones = st.floats(min_value=100.0, max_value=600.0)
_zeniths = st.floats(min_value=0.0, max_value=180.0)


# --- Madronich (2007) -----------------------------------------------------------------


def test_madronich_overhead_sun_at_300_du() -> None:
    # Madronich (2007), Photochem Photobiol 83:1537: UVI = 12.5 mu0^2.42 (O3/300)^-1.23,
    # so the sun overhead (mu0 = 1) through 300 DU gives exactly 12.5.
    assert float(uv_index_madronich2007(1.0, 300.0)) == pytest.approx(12.5, rel=1e-12)


def test_madronich_ozone_ratio() -> None:
    # 330 DU is 1.1 times 300 DU: the UVI ratio is 1.1^-1.23 = exp(-1.23 ln 1.1)
    # = exp(-0.117231) = 0.889379.
    ratio = uv_index_madronich2007(0.7, 330.0) / uv_index_madronich2007(0.7, 300.0)
    assert float(ratio) == pytest.approx(1.1**-1.23, rel=1e-12)
    assert float(ratio) == pytest.approx(0.889379, abs=1e-6)


def test_madronich_zenith_60_degrees() -> None:
    # mu0 = cos 60 deg = 0.5: 12.5 * 0.5^2.42 = 12.5 * exp(-2.42 ln 2) = 12.5 * 0.186856
    # = 2.33570 at 300 DU.
    assert float(uv_index_madronich2007(0.5, 300.0)) == pytest.approx(2.33570, abs=1e-5)


def test_madronich_zero_when_sun_below_horizon() -> None:
    cos_zenith = np.array([-1.0, -0.3, -1e-12, 0.0])
    np.testing.assert_array_equal(uv_index_madronich2007(cos_zenith, 300.0), np.zeros(4))


def test_madronich_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="ozone_du"):
        uv_index_madronich2007(0.5, 0.0)
    with pytest.raises(ValueError, match="cos_zenith"):
        uv_index_madronich2007(1.2, 300.0)


def test_madronich_broadcasts() -> None:
    uvi = uv_index_madronich2007(np.linspace(0.0, 1.0, 4)[:, None], np.array([250.0, 350.0]))
    assert uvi.shape == (4, 2)


@settings(deadline=None)
@given(zenith=_zeniths, ozone=_ozones)
def test_madronich_non_negative(zenith: float, ozone: float) -> None:
    uvi = float(uv_index_madronich2007(np.cos(np.radians(zenith)), ozone))
    assert uvi >= 0.0
    if zenith > 90.0 + 1e-9:
        assert uvi == 0.0
    if zenith < 89.0:
        assert uvi > 0.0


@settings(deadline=None)
@given(z1=_zeniths, z2=_zeniths, ozone=_ozones)
def test_madronich_non_increasing_with_zenith(z1: float, z2: float, ozone: float) -> None:
    low, high = sorted((z1, z2))
    uvi = uv_index_madronich2007(np.cos(np.radians([low, high])), ozone)
    assert uvi[0] >= uvi[1]


@settings(deadline=None)
@given(o1=_ozones, o2=_ozones, zenith=_zeniths)
def test_madronich_non_increasing_with_ozone(o1: float, o2: float, zenith: float) -> None:
    low, high = sorted((o1, o2))
    uvi = uv_index_madronich2007(np.cos(np.radians(zenith)), np.array([low, high]))
    assert uvi[0] >= uvi[1]


# --- van Heuklon (1979) ---------------------------------------------------------------

# Values from an independent implementation of the same paper: the tests of the
# ``vanHOzone`` package (Robin Wilson, 2015; github.com/robintw/vanHOzone,
# tests/test_vanHOzone.py), which take a calendar date; the day of the year is given
# here. Columns: latitude, longitude (east positive), day of year, ozone [DU].
_VANHOZONE_CASES = [
    (51.5, -0.1, 166, 383.85882587),  # London, 2015-06-15
    (-33.9, 151.2, 349, 313.50199155),  # Sydney, 2015-12-15
    (40.7, -74.0, 266, 316.87971504),  # New York, 2015-09-23
    (40.7, -74.0, 15, 330.35930121),  # New York, 2015-01-15
    (-37.8, 144.9, 196, 308.07017292),  # Melbourne, 2015-07-15
    (-37.8, 144.9, 288, 334.08756962),  # Melbourne, 2015-10-15
    (45.0, 120.0, 166, 374.73667068),  # east longitude, northern zonal phase 20
    (45.0, -120.0, 166, 362.38905981),  # west longitude, northern zonal phase 0
    (80.0, 0.0, 172, 402.56685809),
    (-80.0, 0.0, 172, 288.11037702),
    (52.5, 13.4, 140, 411.43655659),  # Berlin, 2015-05-20
    (-23.5, -46.6, 172, 267.86515712),  # Sao Paulo, 2015-06-21
    (0.0, -78.5, 80, 235.0),  # Quito: the equatorial value J
]


@pytest.mark.parametrize(("latitude", "longitude", "day", "expected"), _VANHOZONE_CASES)
def test_vanheuklon_matches_vanhozone(
    latitude: float, longitude: float, day: int, expected: float
) -> None:
    assert float(ozone_vanheuklon1979(latitude, longitude, day)) == pytest.approx(
        expected, abs=1e-6
    )


def test_vanheuklon_matches_broenkow_matlab_example() -> None:
    # A second independent implementation: W. Broenkow and S. Flora (1997), MATLAB
    # ``ozone_.m``, documented example ozone_(36, 122, 185) -> 321.2 DU, with longitude
    # 122 degrees WEST in its west-positive convention.
    assert float(ozone_vanheuklon1979(36.0, -122.0, 185)) == pytest.approx(321.2, abs=0.05)


def test_vanheuklon_vectorised_equals_scalar() -> None:
    lat = np.array([c[0] for c in _VANHOZONE_CASES])
    lon = np.array([c[1] for c in _VANHOZONE_CASES])
    day = np.array([c[2] for c in _VANHOZONE_CASES], dtype=np.float64)
    expected = np.array([c[3] for c in _VANHOZONE_CASES])
    np.testing.assert_allclose(ozone_vanheuklon1979(lat, lon, day), expected, atol=1e-6)


@pytest.fixture(scope="module")
def ozone_grid() -> NDArray[np.float64]:
    latitude = np.linspace(-90.0, 90.0, 181)[:, None, None]
    longitude = np.linspace(-180.0, 175.0, 72)[None, :, None]
    day = np.arange(1.0, 367.0)[None, None, :]
    return ozone_vanheuklon1979(latitude, longitude, day)


def test_vanheuklon_global_range(ozone_grid: NDArray[np.float64]) -> None:
    # Observed total ozone climatology spans roughly 230-460 DU outside the Antarctic
    # ozone hole (van Heuklon 1979, fig. 1; WMO ozone assessments). The model's own
    # extremes are 235 DU (J, on the equator) and 235 + 150 + 40 + 20 = 445 DU.
    assert ozone_grid.min() == pytest.approx(235.0, abs=1e-9)
    assert 440.0 < ozone_grid.max() <= 445.0 + 1e-9
    assert ozone_grid.min() >= 230.0
    assert ozone_grid.max() <= 460.0


def test_vanheuklon_tropics_lowest(ozone_grid: NDArray[np.float64]) -> None:
    latitude = np.linspace(-90.0, 90.0, 181)
    tropics = ozone_grid[np.abs(latitude) <= 20.0]
    # Mid-to-high latitudes; the southern polar cap is lower again in this model
    # (sin^2(1.5 lat) falls back to 0.5 at the South Pole).
    high = ozone_grid[(np.abs(latitude) >= 50.0) & (np.abs(latitude) <= 70.0)]
    assert tropics.max() < high.min()
    assert tropics.max() < 280.0


def test_vanheuklon_spring_maximum_at_high_latitudes() -> None:
    day = np.arange(1.0, 366.0)
    north = ozone_vanheuklon1979(70.0, 10.0, day)
    south = ozone_vanheuklon1979(-60.0, 10.0, day)
    # Seasonal peak where 0.9865 (day + F) = 90 deg: day 121 (1 May) in the north,
    # day 304 (31 October) in the south: spring in both hemispheres.
    assert int(day[np.argmax(north)]) == 121
    assert int(day[np.argmax(south)]) == 304
    # Amplitude of the seasonal cycle there: 2 C sin^2(B lat), about 80 DU in the north.
    assert 75.0 < float(np.ptp(north)) < 81.0


@settings(deadline=None)
@given(
    latitude=st.floats(min_value=-90.0, max_value=90.0),
    longitude=st.floats(min_value=-180.0, max_value=180.0),
)
def test_vanheuklon_longitude_periodic(latitude: float, longitude: float) -> None:
    # Away from the model's own steps at 0 and 180 degrees (northern zonal phase).
    assume(abs(longitude) > 1e-6 and abs(abs(longitude) - 180.0) > 1e-6)
    a = ozone_vanheuklon1979(latitude, longitude, 100)
    b = ozone_vanheuklon1979(latitude, longitude + 360.0, 100)
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_vanheuklon_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="latitude_deg"):
        ozone_vanheuklon1979(95.0, 0.0, 10)
    with pytest.raises(ValueError, match="day_of_year"):
        ozone_vanheuklon1979(45.0, 0.0, 0)
    with pytest.raises(ValueError, match="day_of_year"):
        ozone_vanheuklon1979(45.0, 0.0, 400)


# --- altitude ------------------------------------------------------------------------


def test_altitude_factor_values() -> None:
    # Blumthaler et al. (1997), J Photochem Photobiol B 39:130: +15-19 % per 1000 m for
    # erythemally weighted global irradiance on cloudless summer days. 1 + 0.16 * km:
    altitude = np.array([-500.0, 0.0, 1000.0, 3640.0, 9000.0])
    expected = np.array([0.92, 1.0, 1.16, 1.5824, 2.44])
    np.testing.assert_allclose(altitude_factor(altitude), expected, rtol=1e-12)
    # WHO (2002) range 5-20 % per km as an explicit gain.
    assert float(altitude_factor(2000.0, gain_per_km=0.2)) == pytest.approx(1.4)


@pytest.mark.parametrize("altitude", [-501.0, 9001.0, np.nan])
def test_altitude_factor_rejects_out_of_range(altitude: float) -> None:
    with pytest.raises(ValueError, match="altitude_m"):
        altitude_factor(altitude)


def test_altitude_factor_rejects_bad_gain() -> None:
    with pytest.raises(ValueError, match="gain_per_km"):
        altitude_factor(100.0, gain_per_km=-0.1)


@settings(deadline=None)
@given(
    a1=st.floats(min_value=-500.0, max_value=9000.0),
    a2=st.floats(min_value=-500.0, max_value=9000.0),
)
def test_altitude_factor_increasing(a1: float, a2: float) -> None:
    low, high = sorted((a1, a2))
    factors = altitude_factor(np.array([low, high]))
    assert factors[0] <= factors[1]
    assert factors[0] > 0.9


# --- erythema action spectrum ---------------------------------------------------------


def test_erythemal_action_spectrum_values() -> None:
    # CIE S 007/E-1998 (ISO 17166), by hand:
    #   250 nm, 298 nm: 1 (flat below 298 nm)
    #   300 nm: 10^(0.094 * (298 - 300)) = 10^-0.188 = 0.648634
    #   328 nm: 10^(0.094 * (298 - 328)) = 10^-2.82 = 1.513561e-3
    #   350 nm: 10^(0.015 * (140 - 350)) = 10^-3.15 = 7.079458e-4
    #   400 nm: 10^(0.015 * (140 - 400)) = 10^-3.9 = 1.258925e-4
    #   401 nm: 0
    wavelength = np.array([250.0, 298.0, 300.0, 328.0, 350.0, 400.0, 401.0])
    expected = np.array([1.0, 1.0, 0.648634, 1.513561e-3, 7.079458e-4, 1.258925e-4, 0.0])
    np.testing.assert_allclose(erythemal_action_cie1998(wavelength), expected, rtol=1e-6)


def test_erythemal_action_spectrum_continuous_at_328() -> None:
    # Both branches give 10^-2.82 at 328 nm: 0.094 * -30 = 0.015 * -188 = -2.82.
    left, right = erythemal_action_cie1998([328.0, 328.0 + 1e-9])
    assert right == pytest.approx(left, rel=1e-8)


@settings(deadline=None)
@given(w1=st.floats(200.0, 500.0), w2=st.floats(200.0, 500.0))
def test_erythemal_action_spectrum_non_increasing(w1: float, w2: float) -> None:
    low, high = sorted((w1, w2))
    action = erythemal_action_cie1998([low, high])
    assert 0.0 <= action[1] <= action[0] <= 1.0


def test_erythemal_action_spectrum_rejects_non_positive() -> None:
    with pytest.raises(ValueError, match="wavelength_nm"):
        erythemal_action_cie1998(0.0)


# --- dose ------------------------------------------------------------------------------


def test_dose_constants_and_one_hour() -> None:
    # WHO (2002): 1 UVI = 25 mW/m^2; CIE S 007: 1 SED = 100 J/m^2. One hour at UVI 1 is
    # 0.025 * 3600 / 100 = 0.9 SED.
    assert UVI_W_PER_M2 == 0.025
    assert SED_J_PER_M2 == 100.0
    assert float(erythemal_dose_sed(1.0, 1.0)) == pytest.approx(0.9)
    np.testing.assert_allclose(erythemal_dose_sed([0.0, 6.0, 10.0], 0.5), [0.0, 2.7, 4.5])


def test_dose_rejects_negative() -> None:
    with pytest.raises(ValueError, match="uv_index"):
        erythemal_dose_sed(-1.0, 1.0)
    with pytest.raises(ValueError, match="hours"):
        erythemal_dose_sed(1.0, -1.0)


# --- solar position + ozone + Madronich: plausibility -----------------------------------


def _noon_clear_sky_uvi(latitude: float, longitude: float, date: str) -> float:
    midnight = float(np.datetime64(date, "s").astype(np.int64))  # UTC [s]
    noon = np.asarray(midnight + (720.0 - 4.0 * longitude) * 60.0)
    for _ in range(2):
        noon = midnight + (720.0 - 4.0 * longitude - equation_of_time_minutes(noon)) * 60.0
    zenith, _ = solar_position_noaa(noon, latitude, longitude)
    ozone = ozone_vanheuklon1979(latitude, longitude, day_of_year_from_unix(noon))
    return float(uv_index_madronich2007(np.cos(np.radians(zenith)), ozone))


def test_noon_uvi_manchester_june_solstice() -> None:
    # Manchester 53.48 N: noon zenith 30.0 deg at the June solstice. UK Met Office public
    # guidance: the UV index in the UK rarely reaches 8 and reaches 7 only on exceptional
    # days, mostly in late June; southern English stations (Reading, Chilton, ~51 N)
    # record clear-sky summer maxima around 7-8 and Manchester lies 2 deg further north.
    # The van Heuklon climatology puts 385 DU over Manchester in late June, more than
    # typical satellite columns there (about 330-350 DU), which lowers the model value to
    # about 6.5 (it would be about 7.8 at 330 DU). The range is therefore 6-8.
    uvi = _noon_clear_sky_uvi(53.48, -2.24, "2024-06-20")
    assert 6.0 <= uvi <= 8.0


def test_noon_uvi_sydney_december_solstice() -> None:
    # Sydney 33.87 S: noon zenith 10.4 deg at the December solstice. Gies et al. (2004),
    # Photochem Photobiol 79(1):32-39, doi:10.1562/0031-8655(2004)79<32:GSUIAM>2.0.CO;2.
    # ARPANSA measurements show summer UVI in excess of 12-14 regularly recorded in
    # Australian cities (the more northerly ones occasionally 16-17); for clear-sky sea
    # level Sydney near the solstice noon 11-13 is the honest band.
    uvi = _noon_clear_sky_uvi(-33.87, 151.21, "2024-12-21")
    assert 11.0 <= uvi <= 13.0


def test_noon_uvi_winter_is_low() -> None:
    # At the December solstice the noon sun over Manchester is only 13 deg high; clear-sky
    # UVI is below 1 (WHO 2002: "low", 0-2).
    assert _noon_clear_sky_uvi(53.48, -2.24, "2024-12-21") < 1.0
