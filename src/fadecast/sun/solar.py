"""Solar position from the NOAA solar calculator formulas.

The NOAA Global Monitoring Laboratory solar calculator (and its spreadsheet) evaluates
a truncated form of the low-accuracy solar theory in Meeus (1998); NOAA states a
theoretical accuracy better than one arcminute (0.017 degrees) for years 1800-2100.
Everything here is a closed-form expression of plain numpy ufuncs, so a full hourly
year (8,760 times) for a place costs a few milliseconds.

Times are POSIX seconds (UTC, leap seconds ignored, as everywhere in POSIX), which are
treated as Universal Time; the difference between UT and Terrestrial Time (about 69 s
today) moves the sun by less than 0.001 degrees and is ignored, as in the NOAA
spreadsheet.

References
----------
Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed. Willmann-Bell, Richmond, VA.
ISBN 0-943396-61-1. Chapters 22 (nutation and obliquity), 25 (solar coordinates) and
28 (equation of time).

NOAA Global Monitoring Laboratory. *Solar Calculation Details* and the spreadsheet
``NOAA_Solar_Calculations_year.xls``, https://gml.noaa.gov/grad/solcalc/calcdetails.html
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "JULIAN_DAY_UNIX_EPOCH",
    "day_of_year_from_unix",
    "equation_of_time_minutes",
    "julian_century_from_unix",
    "julian_day_from_unix",
    "solar_declination_deg",
    "solar_position_noaa",
]

#: Julian day of the POSIX epoch, 1970-01-01 00:00 UTC. [days]
JULIAN_DAY_UNIX_EPOCH = 2440587.5

_SECONDS_PER_DAY = 86400.0
_JULIAN_DAY_J2000 = 2451545.0
_DAYS_PER_JULIAN_CENTURY = 36525.0


def _check_latitude(latitude_deg: NDArray[np.float64]) -> None:
    if np.any(np.abs(latitude_deg) > 90.0):
        raise ValueError("latitude_deg must be between -90 and 90 degrees")


def julian_day_from_unix(unix_seconds: ArrayLike) -> NDArray[np.float64]:
    """Julian day of POSIX times.

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]

    Returns
    -------
    ndarray
        Julian day (days since noon UT of 1 January 4713 BC, proleptic Julian
        calendar). [days]

    References
    ----------
    Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed., chapter 7. Willmann-Bell.

    Examples
    --------
    The POSIX epoch is JD 2440587.5 and J2000.0 (2000-01-01 12:00) is JD 2451545.0
    (Meeus 1998, chapter 7):

    >>> import datetime as dt
    >>> float(julian_day_from_unix(0.0))
    2440587.5
    >>> float(julian_day_from_unix(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC).timestamp()))
    2451545.0
    """
    t = np.asarray(unix_seconds, dtype=np.float64)
    return np.asarray(t / _SECONDS_PER_DAY + JULIAN_DAY_UNIX_EPOCH, dtype=np.float64)


def julian_century_from_unix(unix_seconds: ArrayLike) -> NDArray[np.float64]:
    """Julian centuries since J2000.0 (2000-01-01 12:00 UT).

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]

    Returns
    -------
    ndarray
        Time since J2000.0. [Julian centuries of 36525 days]

    References
    ----------
    Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed., eq. 25.1. Willmann-Bell.

    Examples
    --------
    >>> import datetime as dt
    >>> float(julian_century_from_unix(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC).timestamp()))
    0.0
    >>> float(julian_century_from_unix(dt.datetime(2100, 1, 1, 12, tzinfo=dt.UTC).timestamp()))
    1.0
    """
    jd = julian_day_from_unix(unix_seconds)
    return np.asarray((jd - _JULIAN_DAY_J2000) / _DAYS_PER_JULIAN_CENTURY, dtype=np.float64)


def day_of_year_from_unix(unix_seconds: ArrayLike) -> NDArray[np.float64]:
    """Calendar day of the year (1 = 1 January) of POSIX times, in UTC.

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]

    Returns
    -------
    ndarray
        Day of the year, a whole number from 1 to 366 stored as float. [days]

    Examples
    --------
    >>> import datetime as dt
    >>> day_of_year_from_unix([0.0, 59 * 86400.0]).tolist()  # 1 January and 1 March 1970
    [1.0, 60.0]
    >>> float(day_of_year_from_unix(dt.datetime(2024, 12, 31, 18, tzinfo=dt.UTC).timestamp()))
    366.0
    """
    t = np.asarray(unix_seconds, dtype=np.float64)
    days = np.floor(t / _SECONDS_PER_DAY).astype(np.int64).astype("datetime64[D]")
    year_start = days.astype("datetime64[Y]").astype("datetime64[D]")
    return np.asarray((days - year_start).astype(np.float64) + 1.0, dtype=np.float64)


def _sun_geometry(
    jc: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Declination [rad] and equation of time [min] at Julian century ``jc``.

    Follows the NOAA spreadsheet column by column (columns I to V).
    """
    # Geometric mean longitude and anomaly of the sun, eccentricity of Earth's orbit.
    mean_long = np.radians(np.mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0))
    mean_anom_deg = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    mean_anom = np.radians(mean_anom_deg)
    eccent = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    # Equation of centre and true longitude. [deg]
    centre = (
        np.sin(mean_anom) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + np.sin(2.0 * mean_anom) * (0.019993 - 0.000101 * jc)
        + np.sin(3.0 * mean_anom) * 0.000289
    )
    true_long_deg = np.degrees(mean_long) + centre
    # Apparent longitude: aberration and the main nutation term.
    omega = np.radians(125.04 - 1934.136 * jc)
    app_long = np.radians(true_long_deg - 0.00569 - 0.00478 * np.sin(omega))
    # Mean obliquity of the ecliptic and its nutation correction. [deg]
    mean_obliq = (
        23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0
    )
    obliq = np.radians(mean_obliq + 0.00256 * np.cos(omega))
    declination = np.arcsin(np.sin(obliq) * np.sin(app_long))
    # Equation of time (Meeus eq. 28.3, NOAA column V).
    y = np.tan(obliq / 2.0) ** 2
    eot_rad = (
        y * np.sin(2.0 * mean_long)
        - 2.0 * eccent * np.sin(mean_anom)
        + 4.0 * eccent * y * np.sin(mean_anom) * np.cos(2.0 * mean_long)
        - 0.5 * y * y * np.sin(4.0 * mean_long)
        - 1.25 * eccent * eccent * np.sin(2.0 * mean_anom)
    )
    eot_min = 4.0 * np.degrees(eot_rad)
    return np.asarray(declination, dtype=np.float64), np.asarray(eot_min, dtype=np.float64)


def solar_declination_deg(unix_seconds: ArrayLike) -> NDArray[np.float64]:
    """Apparent declination of the sun (NOAA solar calculator).

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]

    Returns
    -------
    ndarray
        Solar declination, north positive. [degrees]

    References
    ----------
    Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed., eq. 25.7. Willmann-Bell.
    NOAA Global Monitoring Laboratory, *Solar Calculation Details*.

    Examples
    --------
    Meeus (1998), example 25.a: on 1992 October 13.0 the apparent declination is
    -7.78507°. At the June solstice of 2024 (20 June, 20:51 UTC) it equals the obliquity
    of the ecliptic, 23.44°:

    >>> import datetime as dt
    >>> t = dt.datetime(1992, 10, 13, tzinfo=dt.UTC).timestamp()
    >>> round(float(solar_declination_deg(t)), 5)
    -7.78507
    >>> solstice = dt.datetime(2024, 6, 20, 20, 51, tzinfo=dt.UTC).timestamp()
    >>> round(float(solar_declination_deg(solstice)), 2)
    23.44
    """
    declination, _ = _sun_geometry(julian_century_from_unix(unix_seconds))
    return np.asarray(np.degrees(declination), dtype=np.float64)


def equation_of_time_minutes(unix_seconds: ArrayLike) -> NDArray[np.float64]:
    """Equation of time: apparent minus mean solar time (NOAA solar calculator).

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]

    Returns
    -------
    ndarray
        Equation of time, positive when the sundial is ahead of the clock
        (about +16.4 min in early November, -14.2 min in mid February). [minutes]

    References
    ----------
    Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed., eq. 28.3. Willmann-Bell.
    NOAA Global Monitoring Laboratory, *Solar Calculation Details*.

    Examples
    --------
    Meeus (1998), example 28.b: on 1992 October 13.0 the equation of time is 13.71 min:

    >>> import datetime as dt
    >>> t = dt.datetime(1992, 10, 13, tzinfo=dt.UTC).timestamp()
    >>> round(float(equation_of_time_minutes(t)), 2)
    13.71
    """
    _, eot_min = _sun_geometry(julian_century_from_unix(unix_seconds))
    return eot_min


def solar_position_noaa(
    unix_seconds: ArrayLike,
    latitude_deg: ArrayLike,
    longitude_deg: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Geometric solar zenith and azimuth angles by the NOAA solar calculator formulas.

    The chain is the one of the NOAA spreadsheet: Julian century, geometric mean
    longitude and anomaly, equation of centre, apparent longitude, obliquity with its
    nutation correction, declination, equation of time, true solar time and hour
    angle. The zenith angle is geometric (no atmospheric refraction). The azimuth is
    written with ``arctan2``, which equals the spreadsheet's ``arccos`` form but stays
    well defined at the poles and with the sun at the zenith.

    All three inputs broadcast against each other.

    Parameters
    ----------
    unix_seconds
        Seconds since 1970-01-01 00:00 UTC. [s]
    latitude_deg
        Latitude, north positive, in [-90, 90]. [degrees]
    longitude_deg
        Longitude, east positive; any value (taken modulo 360). [degrees]

    Returns
    -------
    zenith_deg : ndarray
        Geometric solar zenith angle, in [0, 180]; above 90 the sun is below the
        horizon. [degrees]
    azimuth_deg : ndarray
        Solar azimuth, clockwise from north, in [0, 360). [degrees]

    Raises
    ------
    ValueError
        If a latitude lies outside [-90, 90].

    References
    ----------
    Meeus, J. (1998). *Astronomical Algorithms*, 2nd ed. Willmann-Bell.
    NOAA Global Monitoring Laboratory, *Solar Calculation Details*,
    https://gml.noaa.gov/grad/solcalc/calcdetails.html

    Examples
    --------
    The worked example of the NREL solar position algorithm (Reda & Andreas 2004,
    NREL/TP-560-34302): Golden, Colorado (39.742476° N, 105.1786° W) on 2003-10-17 at
    12:30:30 local time (UTC-7). SPA gives a geometric zenith of 50.128° (50.112° with
    refraction) and an azimuth of 194.340°:

    >>> import datetime as dt
    >>> t = dt.datetime(2003, 10, 17, 19, 30, 30, tzinfo=dt.UTC).timestamp()
    >>> zenith, azimuth = solar_position_noaa(t, 39.742476, -105.1786)
    >>> round(float(zenith), 2), round(float(azimuth), 2)
    (50.13, 194.34)
    """
    t = np.asarray(unix_seconds, dtype=np.float64)
    lat_deg = np.asarray(latitude_deg, dtype=np.float64)
    lon_deg = np.asarray(longitude_deg, dtype=np.float64)
    _check_latitude(lat_deg)

    declination, eot_min = _sun_geometry(julian_century_from_unix(t))
    # True solar time [min] from UTC time of day; then the hour angle, 0 at solar noon.
    minutes_utc = np.mod(t, _SECONDS_PER_DAY) / 60.0
    true_solar_min = np.mod(minutes_utc + eot_min + 4.0 * lon_deg, 1440.0)
    hour_angle = np.radians(true_solar_min / 4.0 - 180.0)

    lat = np.radians(lat_deg)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    sin_dec, cos_dec = np.sin(declination), np.cos(declination)
    cos_zenith = sin_lat * sin_dec + cos_lat * cos_dec * np.cos(hour_angle)
    zenith_deg = np.degrees(np.arccos(np.clip(cos_zenith, -1.0, 1.0)))

    # Azimuth clockwise from north: components of the sun's direction towards east and
    # north in the horizontal plane.
    east = -cos_dec * np.sin(hour_angle)
    north = cos_lat * sin_dec - sin_lat * cos_dec * np.cos(hour_angle)
    azimuth_deg = np.mod(np.degrees(np.arctan2(east, north)), 360.0)
    return (
        np.asarray(zenith_deg, dtype=np.float64),
        np.asarray(azimuth_deg, dtype=np.float64),
    )
