"""Clear-sky UV: the erythemal UV index, UVA, total ozone, altitude and dose.

Two measures of the same sunlight serve two purposes. The UV index is the erythemally
weighted irradiance on a horizontal surface, in units of 25 mW/m² (WHO 2002): what burns
the skin, mostly UVB, and what people know. Clear-sky values come from the analytic fit of
Madronich (2007) with the total ozone column of the NOAA SBUV v8 satellite climatology
(:func:`ozone_sbuv_v8`). UVA (315-400 nm) is the light that reaches pigment in the
dermis; its clear-sky irradiance depends on the sun's height and hardly on ozone
(:func:`uva_irradiance_bird1986`, from the SPECTRL2 spectral model). Both rise with the
altitude of the place, the erythemal UV twice as fast as UVA (Blumthaler et al. 1997).

References
----------
Madronich, S. (2007). Analytic formula for the clear-sky UV index. *Photochemistry
and Photobiology* 83(6), 1537-1538. doi:10.1111/j.1751-1097.2007.00200.x

van Heuklon, T. K. (1979). Estimating atmospheric ozone for solar radiation models.
*Solar Energy* 22(1), 63-68. doi:10.1016/0038-092X(79)90060-4

Blumthaler, M., Ambach, W., Ellinger, R. (1997). Increase in solar UV radiation with
altitude. *Journal of Photochemistry and Photobiology B: Biology* 39(2), 130-134.
doi:10.1016/S1011-1344(96)00018-8

Bird, R. E., Riordan, C. (1986). Simple solar spectral model for direct and diffuse
irradiance on horizontal and tilted planes at the Earth's surface for cloudless
atmospheres. *Journal of Climate and Applied Meteorology* 25(1), 87-97.

World Health Organization (2002). *Global Solar UV Index: A Practical Guide*.
WHO/SDE/OEH/02.2, Geneva. ISBN 92-4-159007-6.

CIE (1998). *Erythema reference action spectrum and standard erythema dose*.
CIE S 007/E-1998 (also ISO 17166:1999).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data

__all__ = [
    "ALTITUDE_GAIN_PER_KM_BLUMTHALER1997",
    "ALTITUDE_RANGE_M",
    "SED_J_PER_M2",
    "UVA_ALTITUDE_GAIN_PER_KM_BLUMTHALER1997",
    "UVI_W_PER_M2",
    "altitude_factor",
    "erythemal_action_cie1998",
    "erythemal_dose_sed",
    "ozone_sbuv_v8",
    "ozone_vanheuklon1979",
    "uv_index_madronich2007",
    "uva_irradiance_bird1986",
]

#: One standard erythema dose: 100 J/m² of erythemally weighted radiant exposure
#: (CIE S 007/E-1998). [J/m²]
SED_J_PER_M2 = 100.0

#: Erythemally weighted irradiance of one UV index unit: 25 mW/m² (WHO 2002). [W/m²]
UVI_W_PER_M2 = 0.025

#: Relative increase of global erythemal UV irradiance per km of altitude measured in the
#: Alps on cloudless summer days by Blumthaler et al. (1997): 15.1 % per 1000 m with the
#: sun 60° high, 18.6 % at 20°, daily totals 18 ± 2 %; the middle of that range. [1/km]
ALTITUDE_GAIN_PER_KM_BLUMTHALER1997 = 0.16

#: The same for UVA (315-400 nm), which the air above scatters less: 9 ± 2 % per 1000 m
#: in daily totals (Blumthaler et al. 1997). [1/km]
UVA_ALTITUDE_GAIN_PER_KM_BLUMTHALER1997 = 0.09

#: Altitudes accepted by :func:`altitude_factor`: from the shore of the Dead Sea
#: (about -430 m) to above the summit of Everest. [m]
ALTITUDE_RANGE_M = (-500.0, 9000.0)

# Madronich (2007) constants.
_MADRONICH_UVI_OVERHEAD = 12.5
_MADRONICH_MU_EXPONENT = 2.42
_MADRONICH_OZONE_REF_DU = 300.0
_MADRONICH_OZONE_EXPONENT = -1.23


def uv_index_madronich2007(cos_zenith: ArrayLike, ozone_du: ArrayLike) -> NDArray[np.float64]:
    """Clear-sky UV index at sea level from the Madronich (2007) analytic formula.

    ``UVI = 12.5 * mu0**2.42 * (ozone / 300 DU)**-1.23`` for ``mu0 > 0`` and 0 when the
    sun is at or below the horizon. It approximates the UV index at sea level under
    cloud-free, unpolluted, low-surface-albedo conditions, with coefficients tuned to a
    detailed radiative transfer model (Madronich 2007).

    Parameters
    ----------
    cos_zenith
        Cosine of the solar zenith angle, ``mu0``; values at or below 0 (sun below the
        horizon) give 0. Values above 1 + 1e-9 are rejected. [1]
    ozone_du
        Total ozone column, positive. [DU]

    Returns
    -------
    ndarray
        UV index, the broadcast shape of the inputs, non-negative. [1]

    Raises
    ------
    ValueError
        If an ozone value is not positive or a cosine exceeds 1.

    References
    ----------
    Madronich, S. (2007). Analytic formula for the clear-sky UV index. *Photochemistry
    and Photobiology* 83(6), 1537-1538. doi:10.1111/j.1751-1097.2007.00200.x

    Examples
    --------
    With the sun overhead and 300 DU of ozone the formula gives its leading constant,
    12.5; at a zenith angle of 60° (mu0 = 0.5) and with the sun below the horizon:

    >>> uv_index_madronich2007([1.0, 0.5, -0.1], 300.0).round(3).tolist()
    [12.5, 2.336, 0.0]
    >>> round(float(uv_index_madronich2007(1.0, 250.0)), 2)  # less ozone, more UV
    15.64
    """
    mu0 = np.asarray(cos_zenith, dtype=np.float64)
    ozone = np.asarray(ozone_du, dtype=np.float64)
    if np.any(ozone <= 0.0):
        raise ValueError("ozone_du must be positive")
    if np.any(mu0 > 1.0 + 1e-9):
        raise ValueError("cos_zenith must not exceed 1")
    mu0 = np.clip(mu0, 0.0, 1.0)
    uvi = (
        _MADRONICH_UVI_OVERHEAD
        * mu0**_MADRONICH_MU_EXPONENT
        * (ozone / _MADRONICH_OZONE_REF_DU) ** _MADRONICH_OZONE_EXPONENT
    )
    return np.asarray(uvi, dtype=np.float64)


#: First day of each month (1-based day of a common year) and its length. [days]
_MONTH_START_DOY = np.array([1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335], float)
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.float64)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.cache
def _sbuv_climatology() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Zone centres ``(Z,)`` [°] and total ozone ``(Z, 12)`` [DU] with the polar night filled.

    A zone's months without a retrieval are filled by periodic linear interpolation between
    the months it has (the sun is low or down then, so they hardly weigh in a UV dose); a
    zone without any (87.5° S) takes the nearest zone's values.
    """
    header = data.csv_header("ozone_sbuv_v8.csv")
    if header[:13] != ("lat_centre_deg", *(m for m in _MONTH_NAMES)):
        raise ValueError(f"unexpected columns in ozone_sbuv_v8.csv: {header[:13]}")
    table = data.csv_array("ozone_sbuv_v8.csv")
    zones, ozone = table[:, 0], np.array(table[:, 1:13])
    centres = _MONTH_START_DOY + _MONTH_DAYS / 2.0
    has = np.isfinite(ozone)
    for z in range(len(zones)):
        if has[z].any() and not has[z].all():
            ozone[z] = np.interp(centres, centres[has[z]], ozone[z, has[z]], period=365.0)
    empty = ~has.any(axis=1)
    filled = np.flatnonzero(~empty)
    for zone in np.flatnonzero(empty):
        ozone[zone] = ozone[filled[np.argmin(np.abs(filled - zone))]]
    ozone.flags.writeable = False
    return zones, ozone


def ozone_sbuv_v8(latitude_deg: ArrayLike, day_of_year: ArrayLike) -> NDArray[np.float64]:
    """Total ozone column from the NOAA SBUV v8 monthly zonal-mean climatology, 2000–2015.

    The packaged table (``data/ozone_sbuv_v8.csv``, built by ``scripts/make_ozone_table.py``
    from the NOAA SBUV/SBUV-2 Version 8 merged monthly 5° zonal means) is interpolated
    linearly in latitude between zone centres (held constant beyond ±87.5°) and in time
    between mid-month values, round the year. Months of the polar night, which have no
    retrieval, are filled from the months around them (the sun is then low or down).

    Parameters
    ----------
    latitude_deg
        Latitude, north positive, in [-90, 90]. [degrees]
    day_of_year
        Day of the year, 1 = 1 January, fractions allowed, in [1, 367). [days]

    Returns
    -------
    ndarray
        Total ozone column, the broadcast shape of the inputs. [DU]

    Raises
    ------
    ValueError
        If a latitude or a day lies outside its range.

    References
    ----------
    NOAA SBUV/SBUV-2 Version 8 merged ozone data set (Frith et al. 2014, *J. Geophys. Res.
    Atmos.* 119, 9735-9751, doi:10.1002/2014JD021889), monthly zonal means as shipped in
    the source archive of ``lotus_regression`` 0.8.3.

    Examples
    --------
    The tropics stay between about 250 and 290 DU; at 55° N ozone peaks in spring and is
    lowest in autumn; the Antarctic ozone hole shows in October:

    >>> round(float(ozone_sbuv_v8(0.0, 196.0)))
    262
    >>> ozone_sbuv_v8(55.0, [75.0, 288.0]).round().tolist()
    [406.0, 306.0]
    >>> round(float(ozone_sbuv_v8(-82.5, 288.5)))
    185
    """
    lat = np.asarray(latitude_deg, dtype=np.float64)
    day = np.asarray(day_of_year, dtype=np.float64)
    if np.any(~((lat >= -90.0) & (lat <= 90.0))):
        raise ValueError("latitude_deg must be between -90 and 90")
    if np.any(~((day >= 1.0) & (day < 367.0))):
        raise ValueError("day_of_year must be in [1, 367)")
    zones, ozone = _sbuv_climatology()
    step = zones[1] - zones[0]
    position = np.clip((lat - zones[0]) / step, 0.0, len(zones) - 1.0)
    low = np.minimum(np.floor(position).astype(np.intp), len(zones) - 2)
    w_lat = position - low
    centres = _MONTH_START_DOY + _MONTH_DAYS / 2.0
    # Months before January and after December, round the year.
    ring = np.concatenate([[centres[-1] - 365.0], centres, [centres[0] + 365.0]])
    month = np.clip(np.searchsorted(ring, day, side="right") - 1, 0, len(ring) - 2)
    w_day = (day - ring[month]) / (ring[month + 1] - ring[month])
    first, second = (month - 1) % 12, month % 12

    def at(zone: NDArray[np.intp]) -> NDArray[np.float64]:
        return np.asarray(
            (1.0 - w_day) * ozone[zone, first] + w_day * ozone[zone, second], dtype=np.float64
        )

    return np.asarray((1.0 - w_lat) * at(low) + w_lat * at(low + 1), dtype=np.float64)


def ozone_vanheuklon1979(
    latitude_deg: ArrayLike, longitude_deg: ArrayLike, day_of_year: ArrayLike
) -> NDArray[np.float64]:
    """Total ozone column from the van Heuklon (1979) climatology.

    ``ozone = J + (A + C sin(D (E + F)) + G sin(H (lon + I))) sin²(B lat)``, with the
    angles in degrees, ``E`` the day of the year and ``lon`` east-positive longitude.
    The constants are

    ======================  ==========================  =====================
    constant                northern (lat >= 0)         southern (lat < 0)
    ======================  ==========================  =====================
    J, equatorial ozone     235 DU                      235 DU
    A, latitudinal          150 DU                      100 DU
    B, latitude scale       1.28                        1.5
    C, seasonal amplitude   40 DU                       30 DU
    D, days to degrees      0.9865                      0.9865
    F, seasonal phase       -30 days                    152.625 days
    G, zonal amplitude      20 DU                       20 DU
    H, zonal wavenumber     3                           2
    I, zonal phase          20° east, 0° west of        -75°
                            Greenwich (lon <= 0)
    ======================  ==========================  =====================

    The northern zonal phase changes at the Greenwich meridian, so the model has a step
    of up to about 17 DU there (and at 180°), as in the original. The minimum, 235 DU,
    lies on the equator; the maximum, about 445 DU, near 70° N in late April/early May
    (northern spring); the southern maximum, about 385 DU, is near 60° S in late
    October (southern spring).

    Parameters
    ----------
    latitude_deg
        Latitude, north positive, in [-90, 90]. [degrees]
    longitude_deg
        Longitude, east positive; any value (taken modulo 360, with 180 counted as
        east). [degrees]
    day_of_year
        Day of the year, 1 = 1 January, fractions allowed, in [1, 367). [days]

    Returns
    -------
    ndarray
        Total ozone column, the broadcast shape of the inputs. [DU]

    Raises
    ------
    ValueError
        If a latitude lies outside [-90, 90] or a day outside [1, 367).

    References
    ----------
    van Heuklon, T. K. (1979). Estimating atmospheric ozone for solar radiation models.
    *Solar Energy* 22(1), 63-68. doi:10.1016/0038-092X(79)90060-4

    Examples
    --------
    The equatorial minimum, the northern spring maximum (1 May at 70° N) and Manchester
    on 1 January, 10 April and 19 July:

    >>> float(ozone_vanheuklon1979(0.0, 0.0, 100.0))
    235.0
    >>> round(float(ozone_vanheuklon1979(70.0, 10.0, 121.0)))
    445
    >>> ozone_vanheuklon1979(53.48, -2.24, [1.0, 100.0, 200.0]).round(1).tolist()
    [346.2, 395.1, 370.1]
    """
    lat = np.asarray(latitude_deg, dtype=np.float64)
    lon = np.asarray(longitude_deg, dtype=np.float64)
    day = np.asarray(day_of_year, dtype=np.float64)
    if np.any(np.abs(lat) > 90.0):
        raise ValueError("latitude_deg must be between -90 and 90 degrees")
    if np.any((day < 1.0) | (day >= 367.0)):
        raise ValueError("day_of_year must be in [1, 367)")
    # Longitude in (-180, 180], so that 180 counts as east.
    lon = 180.0 - np.mod(180.0 - lon, 360.0)

    south = lat < 0.0
    a = np.where(south, 100.0, 150.0)
    b = np.where(south, 1.5, 1.28)
    c = np.where(south, 30.0, 40.0)
    f = np.where(south, 152.625, -30.0)
    h = np.where(south, 2.0, 3.0)
    i = np.where(south, -75.0, np.where(lon > 0.0, 20.0, 0.0))
    d, g, j = 0.9865, 20.0, 235.0

    seasonal = c * np.sin(np.radians(d * (day + f)))
    zonal = g * np.sin(np.radians(h * (lon + i)))
    shape = np.sin(np.radians(b * lat)) ** 2
    return np.asarray(j + (a + seasonal + zonal) * shape, dtype=np.float64)


def altitude_factor(
    altitude_m: ArrayLike, gain_per_km: ArrayLike = ALTITUDE_GAIN_PER_KM_BLUMTHALER1997
) -> NDArray[np.float64]:
    """Multiplicative increase of clear-sky erythemal UV with altitude.

    ``factor = 1 + gain_per_km * altitude_m / 1000``. Places below sea level (down to
    -500 m) get a factor slightly below 1.

    Parameters
    ----------
    altitude_m
        Altitude above mean sea level, in [-500, 9000]. [m]
    gain_per_km
        Relative increase per km, in [0, 1]; 0.16 for erythemal UV after Blumthaler et
        al. (1997) (15-19 %), 0.09 for UVA. [1/km]

    Returns
    -------
    ndarray
        Factor multiplying a sea-level UV index, always positive. [1]

    Raises
    ------
    ValueError
        If an altitude lies outside [-500, 9000] m or a gain outside [0, 1].

    References
    ----------
    Blumthaler, M., Ambach, W., Ellinger, R. (1997). Increase in solar UV radiation with
    altitude. *Journal of Photochemistry and Photobiology B: Biology* 39(2), 130-134.
    doi:10.1016/S1011-1344(96)00018-8

    World Health Organization (2002). *Global Solar UV Index: A Practical Guide*.
    WHO/SDE/OEH/02.2, Geneva.

    Examples
    --------
    Denver (1609 m) gets 26 % more erythemal UV than the coast, and the shore of the Dead
    Sea (-430 m) 7 % less; Denver's UVA is 14 % more:

    >>> altitude_factor([1609.0, -430.0]).round(3).tolist()
    [1.257, 0.931]
    >>> round(float(altitude_factor(1609.0, UVA_ALTITUDE_GAIN_PER_KM_BLUMTHALER1997)), 2)
    1.14
    >>> round(float(altitude_factor(2500.0, gain_per_km=0.1)), 2)  # WHO: +10 % per km
    1.25
    """
    altitude = np.asarray(altitude_m, dtype=np.float64)
    gain = np.asarray(gain_per_km, dtype=np.float64)
    low, high = ALTITUDE_RANGE_M
    if np.any(~((altitude >= low) & (altitude <= high))):
        raise ValueError(f"altitude_m must be between {low:g} and {high:g} m")
    if np.any(~((gain >= 0.0) & (gain <= 1.0))):
        raise ValueError("gain_per_km must be between 0 and 1")
    return np.asarray(1.0 + gain * altitude / 1000.0, dtype=np.float64)


def erythemal_action_cie1998(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Erythema reference action spectrum of CIE S 007/E-1998 (ISO 17166).

    ======================  ===============================
    wavelength              relative effectiveness
    ======================  ===============================
    λ <= 298 nm             1
    298 < λ <= 328 nm       10^(0.094 (298 - λ))
    328 < λ <= 400 nm       10^(0.015 (140 - λ))
    λ > 400 nm              0
    ======================  ===============================

    Parameters
    ----------
    wavelength_nm
        Wavelength, positive. [nm]

    Returns
    -------
    ndarray
        Relative erythemal effectiveness, in [0, 1]. [1]

    Raises
    ------
    ValueError
        If a wavelength is not positive.

    References
    ----------
    McKinlay, A. F., Diffey, B. L. (1987). A reference action spectrum for ultraviolet
    induced erythema in human skin. *CIE Journal* 6(1), 17-22.

    CIE (1998). *Erythema reference action spectrum and standard erythema dose*.
    CIE S 007/E-1998; ISO 17166:1999.

    Examples
    --------
    Full effect up to 298 nm, 10^-0.94 = 0.115 at 308 nm, 10^-3.15 = 7.08e-4 at 350 nm and
    nothing beyond 400 nm:

    >>> [float(f"{a:.3g}") for a in erythemal_action_cie1998([290.0, 298.0, 308.0, 350.0, 450.0])]
    [1.0, 1.0, 0.115, 0.000708, 0.0]
    """
    wl = np.asarray(wavelength_nm, dtype=np.float64)
    if np.any(wl <= 0.0):
        raise ValueError("wavelength_nm must be positive")
    # Clip the exponents to their own band so that no branch can overflow.
    uvb = 10.0 ** (0.094 * (298.0 - np.clip(wl, 298.0, 328.0)))
    uva = 10.0 ** (0.015 * (140.0 - np.clip(wl, 328.0, 400.0)))
    action = np.where(wl <= 298.0, 1.0, np.where(wl <= 328.0, uvb, np.where(wl <= 400.0, uva, 0.0)))
    return np.asarray(action, dtype=np.float64)


def erythemal_dose_sed(uv_index: ArrayLike, hours: ArrayLike) -> NDArray[np.float64]:
    """Erythemal radiant exposure of a constant UV index held for some hours.

    ``dose = uv_index * 0.025 W/m² * hours * 3600 s / 100 J/m²``, so one hour at
    UV index 1 is 0.9 SED.

    Parameters
    ----------
    uv_index
        UV index, non-negative. [1]
    hours
        Exposure duration, non-negative. [h]

    Returns
    -------
    ndarray
        Erythemal dose in standard erythema doses. [SED]

    Raises
    ------
    ValueError
        If a UV index or a duration is negative.

    References
    ----------
    World Health Organization (2002). *Global Solar UV Index: A Practical Guide*.
    WHO/SDE/OEH/02.2, Geneva.

    CIE (1998). *Erythema reference action spectrum and standard erythema dose*.
    CIE S 007/E-1998.

    Examples
    --------
    One hour at UV index 1 is 0.9 SED; two hours at UV index 8, a clear midsummer noon in
    southern Europe, are 14.4 SED:

    >>> float(erythemal_dose_sed(1.0, 1.0)), float(erythemal_dose_sed(8.0, 2.0))
    (0.9, 14.4)
    """
    uvi = np.asarray(uv_index, dtype=np.float64)
    duration_h = np.asarray(hours, dtype=np.float64)
    if np.any(uvi < 0.0):
        raise ValueError("uv_index must be non-negative")
    if np.any(duration_h < 0.0):
        raise ValueError("hours must be non-negative")
    return np.asarray(uvi * UVI_W_PER_M2 * duration_h * 3600.0 / SED_J_PER_M2, dtype=np.float64)


@functools.cache
def _uva_table() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cosines of the zenith angle (ascending) and clear-sky UVA [W/m²] of the table."""
    if data.csv_header("uva_clear_sky.csv") != ("zenith_deg", "uva_w_m2"):
        raise ValueError("unexpected columns in uva_clear_sky.csv")
    table = data.csv_array("uva_clear_sky.csv")
    mu = np.cos(np.radians(table[::-1, 0]))
    uva = np.array(table[::-1, 1])
    return np.concatenate([[0.0], mu]), np.concatenate([[0.0], uva])


def uva_irradiance_bird1986(cos_zenith: ArrayLike) -> NDArray[np.float64]:
    """Clear-sky global UVA (315-400 nm) on a horizontal plane at sea level.

    Interpolated (linearly in the cosine of the solar zenith angle) in a table computed
    with the SPECTRL2 spectral model of Bird & Riordan (1986) by
    ``scripts/make_uva_table.py`` (``data/uva_clear_sky.csv``: a standard atmosphere,
    aerosol optical depth 0.1). SPECTRL2 is sound in the UVA though not in the UVB, and
    UVA hardly depends on ozone, so one curve serves every place and season. Zero with
    the sun below the horizon.

    Parameters
    ----------
    cos_zenith
        Cosine of the solar zenith angle; values <= 0 (sun down) give 0. [1]

    Returns
    -------
    ndarray
        UVA irradiance, shape of ``cos_zenith``. [W/m²]

    Examples
    --------
    About 60 W/m² with the sun overhead, half that at 50°, little near the horizon:

    >>> uva_irradiance_bird1986(np.cos(np.radians([0.0, 50.0, 80.0, 95.0]))).round(1).tolist()
    [60.1, 32.8, 5.7, 0.0]
    """
    mu = np.asarray(cos_zenith, dtype=np.float64)
    grid, uva = _uva_table()
    return np.asarray(np.interp(np.clip(mu, 0.0, 1.0), grid, uva), dtype=np.float64)
