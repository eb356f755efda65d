"""From the sky at a place to the UV dose on a person's scalp and in their dermis.

The ambient clear-sky UV is computed hour by hour over a reference year, twice: the
erythemal UV index (:func:`clear_sky_uv_index_year`), which counts what burns and what
people know, in SED, and UVA (:func:`clear_sky_uva_year`), which counts the light that
reaches pigment in the dermis, in kJ/m². A person's outdoor time samples either through
activity windows (:data:`ACTIVITY_WINDOWS`), a seasonal cycle and holiday weeks
(:func:`everyday_dose`, :func:`holiday_dose`); protection (hat, sunscreen, hair) scales
what reaches the scalp, sunscreen by its SPF for the erythemal dose and by its UVA
protection for UVA (:func:`uva_protection_factor`). All functions are pure numpy.

Examples
--------
The activity windows come from ``data/activity_windows.toml`` and cannot be changed:

>>> {hour: round(weight, 4) for hour, weight in ACTIVITY_WINDOWS["weekday"].items()}
{7: 0.1667, 8: 0.1667, 12: 0.3333, 17: 0.1667, 18: 0.1667}
>>> ACTIVITY_WINDOWS["weekday"][12] = 1.0
Traceback (most recent call last):
    ...
TypeError: 'mappingproxy' object does not support item assignment
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data
from fadecast.sun.solar import solar_position_noaa
from fadecast.sun.uv import ozone_sbuv_v8, uv_index_madronich2007, uva_irradiance_bird1986

__all__ = [
    "ACTIVITY_WINDOWS",
    "SED_PER_UVI_HOUR",
    "UVA_KJ_PER_W_HOUR",
    "activity_uv_index",
    "ambient_dose",
    "ambient_dose_sed",
    "clear_sky_uv_index_year",
    "clear_sky_uva_year",
    "cos_zenith_year",
    "everyday_dose",
    "everyday_dose_sed",
    "hair_transmission",
    "hat_transmission",
    "holiday_dose",
    "holiday_dose_sed",
    "holiday_mask",
    "seasonal_weight",
    "sunbed_dose_sed",
    "sunscreen_over_outdoor_time",
    "sunscreen_transmission",
    "sunscreen_transmission_faurschou2007",
    "uva_protection_factor",
]

Array = NDArray[np.float64]

#: Erythemal dose of one hour at UV index 1: 0.025 W/m² · 3600 s / (100 J/m² per SED). [SED]
SED_PER_UVI_HOUR = 0.9

#: UVA radiant exposure of one hour at 1 W/m²: 3600 s · 1 W/m² = 3.6 kJ/m². [kJ/m²]
UVA_KJ_PER_W_HOUR = 3.6


def _activity_windows() -> Mapping[str, Mapping[int, float]]:
    """The windows of ``data/activity_windows.toml`` as read-only mappings."""
    windows: dict[str, Mapping[int, float]] = {}
    for name, entry in data.toml_table("activity_windows.toml").items():
        weights = {int(hour): float(weight) for hour, weight in entry["value"].items()}
        if any(not 0 <= hour < 24 for hour in weights) or any(w < 0 for w in weights.values()):
            raise ValueError(
                f"activity_windows.toml: window {name!r} must weigh hour bins 0-23 by "
                "non-negative weights"
            )
        windows[name] = MappingProxyType(weights)
    return MappingProxyType(windows)


#: When in the day each kind of outdoor time happens: weights over hour bins of local mean
#: solar time (bin h covers h:00-h+1:00), by activity (``"weekday"``, ``"weekend"``,
#: ``"outdoor_job"``, ``"holiday"``). Assumed patterns [L], read from
#: ``data/activity_windows.toml`` with their sources: a weekday of an indoor worker is
#: commuting and a lunch break; weekends and holidays spread over the middle of the day;
#: an outdoor job spans the working day. Read-only.
ACTIVITY_WINDOWS: Mapping[str, Mapping[int, float]] = _activity_windows()

_DAYS = 365
_SUMMER_SOLSTICE_DOY = {True: 172, False: 355}  # northern, southern hemisphere
_HOLIDAY_CENTRE_DOY = {True: 196, False: 15}  # mid-July, mid-January


def cos_zenith_year(latitude_deg: float, longitude_deg: float, *, year: int = 2025) -> Array:
    """Cosine of the solar zenith angle at the middle of every hour of local mean solar
    time of a year, ``(365, 24)``, negative with the sun down. [1]

    Examples
    --------
    >>> mu = cos_zenith_year(0.0, 0.0)
    >>> mu.shape, round(float(mu.max()), 3)
    ((365, 24), 0.995)
    """
    epoch = dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()
    day = np.arange(_DAYS, dtype=np.float64)[:, None]
    hour = np.arange(24, dtype=np.float64)[None, :] + 0.5
    utc_hours = day * 24.0 + hour - longitude_deg / 15.0
    zenith_deg, _ = solar_position_noaa(epoch + utc_hours * 3600.0, latitude_deg, longitude_deg)
    return np.asarray(np.cos(np.radians(zenith_deg)), dtype=np.float64)


def _given_or_computed(
    cos_zenith: ArrayLike | None, latitude_deg: float, longitude_deg: float, year: int
) -> Array:
    """The year's cosine of the zenith angle as given, or :func:`cos_zenith_year`. [1]"""
    if cos_zenith is None:
        return cos_zenith_year(latitude_deg, longitude_deg, year=year)
    return np.asarray(cos_zenith, dtype=np.float64)


def clear_sky_uv_index_year(
    latitude_deg: float,
    longitude_deg: float,
    *,
    year: int = 2025,
    aerosol_factor: float = 1.0,
    cos_zenith: ArrayLike | None = None,
) -> Array:
    """Clear-sky UV index at every hour of a reference year.

    Madronich (2007) with the NOAA SBUV v8 ozone climatology
    (:func:`fadecast.sun.uv.ozone_sbuv_v8`), at sea level, without clouds, at the middle of
    each hour of local mean solar time, times the aerosol transmission.

    Parameters
    ----------
    latitude_deg
        Latitude, north positive. [°]
    longitude_deg
        Longitude, east positive. [°]
    year
        A non-leap reference year whose solar geometry stands for every year.
    aerosol_factor
        Share of the aerosol-free UV that aerosols let through (1: a clean sky; the model
        takes the parameter table's ``aerosol_uv_factor``). [1]
    cos_zenith
        The year's :func:`cos_zenith_year` at this place and year, if already computed. [1]

    Returns
    -------
    ndarray
        UV index, shape ``(365, 24)``: day of year (0-based) by hour of local solar time. [1]

    Examples
    --------
    Manchester: the clean-sky UV index peaks at 7.3 around solar noon in early July, when
    the ozone column is thinner than at the solstice:

    >>> uvi = clear_sky_uv_index_year(53.48, -2.24)
    >>> uvi.shape
    (365, 24)
    >>> day, hour = np.unravel_index(np.argmax(uvi), uvi.shape)
    >>> round(float(uvi.max()), 1), int(day) + 1, int(hour)
    (7.3, 187, 12)
    """
    mu = _given_or_computed(cos_zenith, latitude_deg, longitude_deg, year)
    day_of_year = np.arange(_DAYS, dtype=np.float64) + 1.0
    ozone_du = ozone_sbuv_v8(latitude_deg, day_of_year)[:, None]
    return np.asarray(uv_index_madronich2007(mu, ozone_du) * aerosol_factor, dtype=np.float64)


def clear_sky_uva_year(
    latitude_deg: float,
    longitude_deg: float,
    *,
    year: int = 2025,
    aerosol_factor: float = 1.0,
    cos_zenith: ArrayLike | None = None,
) -> Array:
    """Clear-sky global UVA (315-400 nm) at every hour of a reference year.

    :func:`fadecast.sun.uv.uva_irradiance_bird1986` of the sun's height at the middle of
    each hour of local mean solar time, at sea level and without clouds. The table
    already holds a light aerosol load; ``aerosol_factor`` scales it further.

    Parameters
    ----------
    latitude_deg
        Latitude, north positive. [°]
    longitude_deg
        Longitude, east positive. [°]
    year
        A non-leap reference year whose solar geometry stands for every year.
    aerosol_factor
        Extra aerosol transmission. [1]
    cos_zenith
        The year's :func:`cos_zenith_year` at this place and year, if already computed. [1]

    Returns
    -------
    ndarray
        UVA irradiance, shape ``(365, 24)``. [W/m²]

    Examples
    --------
    UVA changes far less over the year than erythemal UV: in London the midsummer noon
    UVA is between five and six times the midwinter one, the UV index twenty times:

    >>> uva = clear_sky_uva_year(51.5, -0.13)
    >>> uvi = clear_sky_uv_index_year(51.5, -0.13)
    >>> round(float(uva[171, 12] / uva[354, 12]), 1), round(float(uvi[171, 12] / uvi[354, 12]))
    (5.6, 20)
    """
    mu = _given_or_computed(cos_zenith, latitude_deg, longitude_deg, year)
    return np.asarray(uva_irradiance_bird1986(mu) * aerosol_factor, dtype=np.float64)


def activity_uv_index(uv_index_year: ArrayLike, activity: str) -> Array:
    """Mean UV index during one kind of outdoor time, for each day.

    Parameters
    ----------
    uv_index_year
        Hourly UV index, shape ``(365, 24)``. [1]
    activity
        One of :data:`ACTIVITY_WINDOWS`.

    Returns
    -------
    ndarray
        Shape ``(365,)``. [1]

    Examples
    --------
    On a made-up day whose UV index equals the hour, each window's mean is its mean hour:

    >>> uvi = np.tile(np.arange(24.0), (365, 1))
    >>> float(activity_uv_index(uvi, "weekend")[0])  # 10:00-17:00
    13.0
    >>> round(float(activity_uv_index(uvi, "weekday")[0]), 3)  # commute and lunch
    12.333
    """
    if activity not in ACTIVITY_WINDOWS:
        raise ValueError(f"activity {activity!r} not in {tuple(ACTIVITY_WINDOWS)}")
    weights = np.zeros(24)
    for h, w in ACTIVITY_WINDOWS[activity].items():
        weights[h] = w
    return np.asarray(np.asarray(uv_index_year, dtype=np.float64) @ weights, dtype=np.float64)


def seasonal_weight(latitude_deg: float, amplitude: float) -> Array:
    """Relative outdoor time over the year: more in the local summer, away from the equator.

    ``1 + A(φ) cos(2π (d - d_solstice) / 365)``; the amplitude grows linearly from 0 at
    15° to its full value at 35° of latitude, so it has no jump at the tropics.

    Parameters
    ----------
    latitude_deg
        Latitude of home. [degrees]
    amplitude
        Relative amplitude at 35° of latitude and beyond. [1]

    Returns
    -------
    ndarray
        Weights with mean 1, shape ``(365,)``. [1]

    Examples
    --------
    At Manchester the weight peaks at the June solstice (day 172); on the equator it is
    flat, and at 25° it has half the amplitude:

    >>> w = seasonal_weight(53.5, 0.3)
    >>> round(float(w.max()), 2), int(np.argmax(w)) + 1, round(float(w.mean()), 3)
    (1.3, 172, 1.0)
    >>> float(seasonal_weight(1.3, 0.3).max()), round(float(seasonal_weight(25.0, 0.3).max()), 2)
    (1.0, 1.15)
    """
    taper = float(np.clip((abs(latitude_deg) - 15.0) / 20.0, 0.0, 1.0))
    solstice = _SUMMER_SOLSTICE_DOY[latitude_deg >= 0]
    day = np.arange(1, _DAYS + 1, dtype=np.float64)
    cycle = np.cos(2 * np.pi * (day - solstice) / _DAYS)
    return np.asarray(1.0 + amplitude * taper * cycle, dtype=np.float64)


def holiday_mask(home_latitude_deg: float, weeks: float) -> Array:
    """Share of each day spent on holiday: weeks centred on the home's midsummer.

    Parameters
    ----------
    home_latitude_deg
        Latitude of home, which sets the season of the holidays. [°]
    weeks
        Holiday weeks a year; fractional days are spread at the edges. [wk]

    Returns
    -------
    ndarray
        Share of each day on holiday, in [0, 1], summing to ``7 · weeks``, shape ``(365,)``. [1]

    Examples
    --------
    Two weeks centred on 15 July (day 196) in the north: half a day on 8 and 22 July and
    every day in between. One week centred on 15 January in the south:

    >>> mask = holiday_mask(53.5, 2.0)
    >>> days = np.flatnonzero(mask) + 1
    >>> float(mask.sum()), int(days[0]), int(days[-1]), float(mask[days[0] - 1])
    (14.0, 189, 203, 0.5)
    >>> days = np.flatnonzero(holiday_mask(-33.9, 1.0)) + 1
    >>> int(days[0]), int(days[-1])
    (12, 18)
    """
    days = min(7.0 * weeks, float(_DAYS))
    centre = _HOLIDAY_CENTRE_DOY[home_latitude_deg >= 0]
    day = np.arange(1, _DAYS + 1, dtype=np.float64)
    offset = (day - centre + _DAYS / 2) % _DAYS - _DAYS / 2  # circular, centre at 0
    # Overlap of each day [offset - 1/2, offset + 1/2] with the window [-days/2, days/2].
    overlap = np.minimum(offset + 0.5, days / 2.0) - np.maximum(offset - 0.5, -days / 2.0)
    return np.asarray(np.clip(overlap, 0.0, 1.0), dtype=np.float64)


def everyday_dose(
    irradiance_year: ArrayLike,
    latitude_deg: float,
    *,
    weekday_hours: float,
    weekend_hours: float,
    outdoor_job: bool,
    holiday_weeks: float,
    seasonal_amplitude: float,
    cloud_factor: float,
    dose_per_unit_hour: float,
) -> float:
    """Open-sky dose of a year of everyday life at home, in the unit of the irradiance.

    Each day weights the hourly irradiance by the time outdoors then: five weekdays (or
    working days outdoors) and two weekend days a week in their activity windows
    (:func:`activity_uv_index`), more in summer (:func:`seasonal_weight`), none on the
    days spent on holiday (:func:`holiday_mask`), under the place's clouds.

    Parameters
    ----------
    irradiance_year
        Hourly clear-sky irradiance of the year at home, shape ``(365, 24)``: the UV index
        (:func:`clear_sky_uv_index_year`) or UVA [W/m²] (:func:`clear_sky_uva_year`).
    latitude_deg
        Latitude of home (sets the seasons). [°]
    weekday_hours, weekend_hours
        Hours outdoors on a weekday and on a weekend day. [h]
    outdoor_job
        Whether weekdays follow the outdoor worker's window.
    holiday_weeks
        Weeks away a year. [wk]
    seasonal_amplitude
        Relative swing of time outdoors between winter and summer. [1]
    cloud_factor
        Cloud modification factor of the place. [1]
    dose_per_unit_hour
        Dose of one hour at unit irradiance: :data:`SED_PER_UVI_HOUR` [SED] for the UV
        index, :data:`UVA_KJ_PER_W_HOUR` [kJ/m²] for UVA.

    Returns
    -------
    float
        Dose per year [SED/yr or kJ/m²/yr].
    """
    irradiance = np.asarray(irradiance_year, dtype=np.float64)
    season = seasonal_weight(latitude_deg, seasonal_amplitude)
    at_home = 1.0 - holiday_mask(latitude_deg, holiday_weeks)
    weekday_kind = "outdoor_job" if outdoor_job else "weekday"
    daily_unit_hours = 5.0 / 7.0 * weekday_hours * activity_uv_index(
        irradiance, weekday_kind
    ) + 2.0 / 7.0 * weekend_hours * activity_uv_index(irradiance, "weekend")
    return float(np.sum(at_home * season * daily_unit_hours)) * dose_per_unit_hour * cloud_factor


def everyday_dose_sed(
    uv_index_year: ArrayLike,
    latitude_deg: float,
    *,
    weekday_hours: float,
    weekend_hours: float,
    outdoor_job: bool,
    holiday_weeks: float,
    seasonal_amplitude: float,
    cloud_factor: float,
) -> float:
    """Open-sky erythemal dose of a year of everyday life at home (:func:`everyday_dose`
    of the UV index). [SED/yr]

    Examples
    --------
    London, an hour out on weekdays and three on weekend days, two weeks away:

    >>> year = clear_sky_uv_index_year(51.5, -0.13, year=2025)
    >>> round(everyday_dose_sed(year, 51.5, weekday_hours=1.0, weekend_hours=3.0,
    ...     outdoor_job=False, holiday_weeks=2.0, seasonal_amplitude=0.5, cloud_factor=0.7))
    909
    """
    return everyday_dose(
        uv_index_year,
        latitude_deg,
        weekday_hours=weekday_hours,
        weekend_hours=weekend_hours,
        outdoor_job=outdoor_job,
        holiday_weeks=holiday_weeks,
        seasonal_amplitude=seasonal_amplitude,
        cloud_factor=cloud_factor,
        dose_per_unit_hour=SED_PER_UVI_HOUR,
    )


def holiday_dose(
    irradiance_year: ArrayLike,
    home_latitude_deg: float,
    *,
    holiday_weeks: float,
    hours_per_day: float,
    cloud_factor: float,
    dose_per_unit_hour: float,
) -> float:
    """Open-sky dose of a year's holidays at their destination, in the unit of the
    irradiance.

    Parameters
    ----------
    irradiance_year
        Hourly clear-sky irradiance of the year at the destination, shape ``(365, 24)``
        (UV index [1] or UVA [W/m²]).
    home_latitude_deg
        Latitude of home, which sets when the holidays fall (:func:`holiday_mask`). [°]
    holiday_weeks
        Weeks away a year. [wk]
    hours_per_day
        Hours outdoors a holiday day, in the holiday window. [h]
    cloud_factor
        Cloud modification factor of the destination. [1]
    dose_per_unit_hour
        Dose of one hour at unit irradiance [SED or kJ/m²] (see :func:`everyday_dose`).

    Returns
    -------
    float
        Dose per year [SED/yr or kJ/m²/yr].
    """
    irradiance = np.asarray(irradiance_year, dtype=np.float64)
    on_holiday = holiday_mask(home_latitude_deg, holiday_weeks)
    return (
        float(np.sum(on_holiday * hours_per_day * activity_uv_index(irradiance, "holiday")))
        * dose_per_unit_hour
        * cloud_factor
    )


def holiday_dose_sed(
    uv_index_year: ArrayLike,
    home_latitude_deg: float,
    *,
    holiday_weeks: float,
    hours_per_day: float,
    cloud_factor: float,
) -> float:
    """Open-sky erythemal dose of a year's holidays (:func:`holiday_dose` of the UV
    index). [SED/yr]

    Examples
    --------
    Two weeks in Cape Town in the northern summer, five hours out a day:

    >>> year = clear_sky_uv_index_year(-33.9, 18.4, year=2025)
    >>> round(holiday_dose_sed(year, 51.5, holiday_weeks=2.0, hours_per_day=5.0,
    ...     cloud_factor=0.8))
    113
    """
    return holiday_dose(
        uv_index_year,
        home_latitude_deg,
        holiday_weeks=holiday_weeks,
        hours_per_day=hours_per_day,
        cloud_factor=cloud_factor,
        dose_per_unit_hour=SED_PER_UVI_HOUR,
    )


def ambient_dose(
    irradiance_year: ArrayLike,
    *,
    cloud_factor: float,
    altitude_factor: float,
    dose_per_unit_hour: float,
) -> float:
    """Horizontal all-sky dose of a year at a place, the ambient dose, in the unit of the
    irradiance [SED/yr or kJ/m²/yr].

    Parameters
    ----------
    irradiance_year
        Hourly clear-sky irradiance of the year at sea level, shape ``(365, 24)``.
    cloud_factor
        Cloud modification factor of the place. [1]
    altitude_factor
        Gain of the place's altitude (:func:`fadecast.sun.uv.altitude_factor`). [1]
    dose_per_unit_hour
        Dose of one hour at unit irradiance [SED or kJ/m²].
    """
    irradiance = np.asarray(irradiance_year, dtype=np.float64)
    return float(irradiance.sum()) * dose_per_unit_hour * cloud_factor * altitude_factor


def ambient_dose_sed(
    uv_index_year: ArrayLike, *, cloud_factor: float, altitude_factor: float
) -> float:
    """Horizontal all-sky erythemal dose of a year at a place (:func:`ambient_dose` of the
    UV index). [SED/yr]

    Examples
    --------
    >>> year = clear_sky_uv_index_year(51.5, -0.13, year=2025)
    >>> round(ambient_dose_sed(year, cloud_factor=0.7, altitude_factor=1.0))
    5458
    """
    return ambient_dose(
        uv_index_year,
        cloud_factor=cloud_factor,
        altitude_factor=altitude_factor,
        dose_per_unit_hour=SED_PER_UVI_HOUR,
    )


def sunscreen_over_outdoor_time(share: ArrayLike, transmission: ArrayLike) -> Array:
    """Mean share of UV let through over outdoor time with sunscreen on part of it.

    ``(1 - share) + share · T``: bare for the rest of the time.

    Parameters
    ----------
    share
        Share of outdoor time with sunscreen on. [1]
    transmission
        The sunscreen's mean transmission (:func:`sunscreen_transmission`). [1]

    Returns
    -------
    ndarray
        Share let through. [1]

    Examples
    --------
    >>> float(sunscreen_over_outdoor_time(0.5, 0.2))
    0.6
    """
    s = np.asarray(share, dtype=np.float64)
    return np.asarray((1.0 - s) + s * np.asarray(transmission, dtype=np.float64))


def uva_protection_factor(spf: ArrayLike, uva_pf: ArrayLike | None = None) -> Array:
    """The UVA protection factor of a sunscreen: the label's, or the least the EU allows.

    The SPF is measured against sunburn, that is mostly against UVB. For UVA the EU
    Recommendation 2006/647/EC asks a UVA protection factor of at least a third of the
    labelled SPF (with a critical wavelength of at least 370 nm); without a UVA figure on
    the label that minimum is taken.

    Parameters
    ----------
    spf
        Labelled sun protection factor, >= 1. [1]
    uva_pf
        Labelled UVA protection factor, or None. [1]

    Returns
    -------
    ndarray
        UVA protection factor, at least 1. [1]

    Examples
    --------
    >>> uva_protection_factor([30.0, 50.0, 2.0]).round(1).tolist()
    [10.0, 16.7, 1.0]
    >>> float(uva_protection_factor(50.0, 25.0))
    25.0
    """
    spf_arr = np.asarray(spf, dtype=np.float64)
    if np.any(spf_arr < 1):
        raise ValueError("spf must be >= 1")
    if uva_pf is None:
        return np.asarray(np.maximum(spf_arr / 3.0, 1.0), dtype=np.float64)
    return np.asarray(np.maximum(np.asarray(uva_pf, dtype=np.float64), 1.0), dtype=np.float64)


def sunscreen_transmission_faurschou2007(spf: ArrayLike, mg_per_cm2: ArrayLike) -> Array:
    """Share of UV a sunscreen layer lets through: 1 / SPF_eff with SPF_eff = SPF^(m/2).

    Faurschou & Wulf (2007): the effective SPF grows exponentially with the amount
    applied, so at ``m`` mg/cm² (tested at 2) the SPF falls to its ``m/2`` power.

    Parameters
    ----------
    spf
        Labelled sun protection factor. [1]
    mg_per_cm2
        Amount on the skin. [mg/cm²]

    Returns
    -------
    ndarray
        Transmission in (0, 1]. [1]

    References
    ----------
    Faurschou A, Wulf HC. The relation between sun protection factor and amount of
    suncreen applied in vivo. Br J Dermatol 2007;156:716-719.

    Examples
    --------
    SPF 30 at the tested 2 mg/cm² lets 1/30 through; at the 1 mg/cm² people apply, its
    square root, an effective SPF of 5.5 (Faurschou & Wulf 2007):

    >>> sunscreen_transmission_faurschou2007(30.0, [2.0, 1.0]).round(4).tolist()
    [0.0333, 0.1826]
    >>> round(1 / float(sunscreen_transmission_faurschou2007(30.0, 1.0)), 1)
    5.5
    """
    spf_arr = np.asarray(spf, dtype=np.float64)
    if np.any(spf_arr < 1):
        raise ValueError("spf must be >= 1")
    return np.asarray(
        spf_arr ** (-np.asarray(mg_per_cm2, dtype=np.float64) / 2.0), dtype=np.float64
    )


def sunscreen_transmission(
    protection_factor: float,
    mg_per_cm2: float,
    *,
    reapply_hours: float,
    half_life_h: ArrayLike,
    missed_share: ArrayLike = 0.0,
) -> Array:
    """Time-averaged transmission of a sunscreen that wears off and misses some skin.

    The film decays as ``m(t) = m0 · 2^(-t / t½)`` and is renewed every ``R`` hours; the
    transmission ``PF^(-m(t)/2)`` (:func:`sunscreen_transmission_faurschou2007`) is
    averaged over ``[0, R]`` (midpoint rule, 16 nodes). The share of skin the application
    misses lets everything through (Heerfordt et al. 2018: 20 % after one application):
    ``T = missed + (1 - missed) · mean(PF^(-m(t)/2))``.

    Parameters
    ----------
    protection_factor
        Labelled protection factor: the SPF for the erythemal dose, the UVA protection
        factor (:func:`uva_protection_factor`) for UVA. [1]
    mg_per_cm2
        Amount applied. [mg/cm²]
    reapply_hours
        Interval between applications R. [h]
    half_life_h
        Half-life of the film, scalar or array of draws. [h]
    missed_share
        Share of the skin left bare, scalar or broadcasting with ``half_life_h``. [1]

    Returns
    -------
    ndarray
        Mean transmission, broadcast shape of ``half_life_h`` and ``missed_share``. [1]

    References
    ----------
    Heerfordt IM, Torsnes LR, Philipsen PA, Wulf HC. Sunscreen use optimized by two
    consecutive applications. PLoS One 2018;13:e0193916.

    Examples
    --------
    SPF 30 at 1 mg/cm², renewed every 2 hours: a film that wears off with a half-life of
    1 h or 2.5 h lets more through than one that stays (1/√30 = 0.183); missing a fifth
    of the skin lets far more through still:

    >>> t = sunscreen_transmission(30.0, 1.0, reapply_hours=2.0, half_life_h=[1.0, 2.5, 1e9])
    >>> t.round(3).tolist()
    [0.424, 0.277, 0.183]
    >>> round(float(sunscreen_transmission(30.0, 1.0, reapply_hours=2.0, half_life_h=1e9,
    ...     missed_share=0.2)), 3)
    0.346
    """
    half = np.asarray(half_life_h, dtype=np.float64)[..., None]
    t = (np.arange(16) + 0.5) / 16 * reapply_hours
    amount = mg_per_cm2 * 2.0 ** (-t / half)
    film = sunscreen_transmission_faurschou2007(protection_factor, amount).mean(axis=-1)
    missed = np.asarray(missed_share, dtype=np.float64)
    return np.asarray(missed + (1.0 - missed) * film, dtype=np.float64)


def hat_transmission(hat_share: ArrayLike, hat_upf: ArrayLike) -> Array:
    """Share of UV reaching the vertex given the share of outdoor time under a hat.

    Parameters
    ----------
    hat_share
        Share of outdoor time with a hat on. [1]
    hat_upf
        UPF of the hat's crown. [1]

    Returns
    -------
    ndarray
        ``(1 - share) + share / UPF``. [1]

    Examples
    --------
    A UPF 20 hat worn a fifth of the time outdoors:

    >>> round(float(hat_transmission(0.2, 20.0)), 4)
    0.81
    """
    share = np.asarray(hat_share, dtype=np.float64)
    return np.asarray(
        (1.0 - share) + share / np.asarray(hat_upf, dtype=np.float64), dtype=np.float64
    )


def hair_transmission(
    hair_length_mm: ArrayLike, *, upf_full: ArrayLike, length_scale_mm: float
) -> Array:
    """Share of UV that scalp hair lets through.

    ``1 / UPF_hair`` with ``UPF_hair = 1 + (UPF_full - 1)(1 - exp(-length / scale))``: a
    buzz cut barely protects, a full head of hair reaches UPF 5-17 (Parisi et al. 2009).

    Parameters
    ----------
    hair_length_mm
        Hair length. [mm]
    upf_full
        UPF of a full head of hair. [1]
    length_scale_mm
        Length over which hair approaches its full protection. [mm]

    Returns
    -------
    ndarray
        Transmission in (0, 1]. [1]

    Examples
    --------
    Bare scalp, a 0.5 mm buzz cut and 20 cm of hair whose full UPF is 8:

    >>> hair_transmission([0.0, 0.5, 200.0], upf_full=8.0, length_scale_mm=10.0).round(3).tolist()
    [1.0, 0.745, 0.125]
    """
    length = np.asarray(hair_length_mm, dtype=np.float64)
    upf = 1.0 + (np.asarray(upf_full, dtype=np.float64) - 1.0) * (
        1.0 - np.exp(-length / length_scale_mm)
    )
    return np.asarray(1.0 / upf, dtype=np.float64)


def sunbed_dose_sed(
    sessions_per_year: ArrayLike, minutes: ArrayLike, irradiance_w_m2: ArrayLike
) -> Array:
    """Erythemal dose from sunbed sessions.

    Parameters
    ----------
    sessions_per_year
        Sessions a year. [1/yr]
    minutes
        Length of a session. [min]
    irradiance_w_m2
        Erythemally weighted irradiance of the bed. [W/m²]

    Returns
    -------
    ndarray
        Dose a year. [SED/yr]

    Examples
    --------
    One 12-minute session at 0.56 W/m², the mean erythemal irradiance of sunbeds in an
    English survey of 402 beds (Tierney et al. 2013), is 4.03 SED:

    >>> round(float(sunbed_dose_sed(1, 12, 0.56)), 3)
    4.032
    """
    seconds = (
        np.asarray(sessions_per_year, dtype=np.float64)
        * np.asarray(minutes, dtype=np.float64)
        * 60.0
    )
    return np.asarray(
        seconds * np.asarray(irradiance_w_m2, dtype=np.float64) / 100.0, dtype=np.float64
    )
