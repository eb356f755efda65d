"""The scenario: a client's profile resolved into the numbers the model needs.

Places are looked up in the gazetteer, defaults come from the parameter table, sessions
become years since the first session, and the attribution's reference variants are the
scenario with one factor group set to its documented reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.inputs import places
from fadecast.inputs.measurements import LOWER_BOUND_FLAGS, Observation, measurement_sd
from fadecast.inputs.parameters import central_values
from fadecast.inputs.profile import Profile
from fadecast.skin import tone

#: Factor groups of the attribution and the documented reference each is compared with.
FACTORS: Mapping[str, str] = {
    "sun_exposure": "no time outdoors and no sun holidays",
    "sun_protection": "no hat, no sunscreen, buzz-cut hair (0.5 mm)",
    "sunbeds": "no sunbed sessions",
    "pigment": "carbon-black pigment",
    "procedure": "optimal placement",
    "biology": "40 years old at the first session, normal immune system, non-smoker",
    "skin_tone": "Fitzpatrick type II skin",
}


STANDARD_COURSE_DAYS = (0, 14, 35)


REFERENCE_FITZPATRICK = 2


#: The horizon reaches at least this far past the last session (the shortest horizon a
#: profile may ask for): sessions spanning more than the horizon would leave nothing to
#: forecast. [yr]
MIN_YEARS_AFTER_LAST_SESSION = 5.0


#: The dates a forecast may take as today: from the earliest session a profile may have
#: to a date that leaves every date a forecast or plan computes (at most about 110 years
#: on) inside the calendar.
EARLIEST_TODAY = dt.date(1980, 1, 1)


LATEST_TODAY = dt.date(2999, 12, 31)


DAYS_PER_YEAR = 365.25


Array = NDArray[np.float64]


@dataclass(frozen=True)
class Scenario:
    """A profile resolved into the numbers the model needs (places looked up, defaults set)."""

    home: places.Place
    holiday: places.Place | None
    home_altitude_m: float
    holiday_altitude_m: float
    home_cloud_factor: float
    holiday_cloud_factor: float
    skin: tone.SkinTone
    birth_year: int
    smoker: bool
    immune: str
    outdoor_hours_weekday: float
    outdoor_hours_weekend: float
    outdoor_job: bool
    holiday_weeks: float
    hat_share: float
    hat_upf: float
    sunscreen_spf: float
    sunscreen_uva_pf: float | None
    sunscreen_share: float
    sunscreen_mg_per_cm2: float
    sunscreen_reapply_hours: float
    sunbed_sessions_per_year: float
    sunbed_minutes: float
    hair_length_mm: float
    pigment: str
    placement: str
    session_dates: tuple[dt.date, ...]
    touchup_threshold: float
    horizon_years: float
    prospective: bool
    observations: tuple[Observation, ...] = ()

    @property
    def first_session(self) -> dt.date:
        """Date of the first session: the model's time origin."""
        return self.session_dates[0]

    def session_years(self) -> Array:
        """Session times in years since the first session. [yr]"""
        return np.array([(d - self.first_session).days / DAYS_PER_YEAR for d in self.session_dates])

    def age_at_first_session(self) -> float:
        """Age at the first session, from the birth year (mid-year birthday). [yr]"""
        first = self.first_session
        return first.year + (first.timetuple().tm_yday - 1) / 365.0 - (self.birth_year + 0.5)


def scenario_from_profile(
    profile: Profile, *, today: dt.date, central: Mapping[str, float] | None = None
) -> Scenario:
    """Resolve a validated profile: places from the gazetteer, defaults from the table.

    Parameters
    ----------
    profile
        A validated profile.
    today
        The date taken as today: a prospective course starts then.
    central
        Central parameter values for the profile's defaults (hat UPF, sunscreen
        reapplication, sunbed minutes, touch-up threshold); default the table's.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        For an unknown city, naming the field and the closest known names, or a
        ``today`` outside :data:`EARLIEST_TODAY`-:data:`LATEST_TODAY`.
    """
    start = checked_today(today)
    central = central_values() if central is None else central
    p, life, treat = profile.place, profile.lifestyle, profile.treatment
    if p.city is not None:
        home = places.resolve_city(p.city, field="place.city")
    else:
        assert p.lat is not None and p.lon is not None
        home = places.place_from_coordinates(p.lat, p.lon, p.altitude_m)
    holiday = None
    if life.holiday_weeks > 0 and life.holiday_city is not None:
        holiday = places.resolve_city(life.holiday_city, field="lifestyle.holiday_city")
    home_alt = p.altitude_m if p.altitude_m is not None else (home.altitude_m or 0.0)
    hol_place = holiday or home
    hol_alt = home_alt if holiday is None else (holiday.altitude_m or 0.0)
    home_cmf = p.cloud_factor or float(places.cloud_modification_factor(home.latitude_deg))
    hol_cmf = (
        home_cmf
        if holiday is None
        else float(places.cloud_modification_factor(hol_place.latitude_deg))
    )
    skin_in = profile.person.skin
    skin = tone.skin_tone(
        fitzpatrick=skin_in.fitzpatrick,
        lab=None if skin_in.lab is None else tuple(skin_in.lab),
        ita_deg=skin_in.ita_deg,
    )
    sunscreen = life.sunscreen
    sessions = treat.sessions or tuple(start + dt.timedelta(days=d) for d in STANDARD_COURSE_DAYS)
    return Scenario(
        home=home,
        holiday=holiday,
        home_altitude_m=float(home_alt),
        holiday_altitude_m=float(hol_alt),
        home_cloud_factor=home_cmf,
        holiday_cloud_factor=hol_cmf,
        skin=skin,
        birth_year=profile.person.birth_year,
        smoker=profile.person.smoker,
        immune=profile.person.immune,
        outdoor_hours_weekday=life.outdoor_hours_weekday,
        outdoor_hours_weekend=life.outdoor_hours_weekend,
        outdoor_job=life.outdoor_job,
        holiday_weeks=life.holiday_weeks,
        hat_share=life.hat_share,
        hat_upf=life.hat_upf or central["hat_upf"],
        sunscreen_spf=sunscreen.spf if sunscreen else 1.0,
        sunscreen_uva_pf=sunscreen.uva_pf if sunscreen else None,
        sunscreen_share=sunscreen.share if sunscreen else 0.0,
        sunscreen_mg_per_cm2=(
            sunscreen.mg_per_cm2
            if sunscreen and sunscreen.mg_per_cm2 is not None
            else central["sunscreen_applied_mg_per_cm2"]
        ),
        sunscreen_reapply_hours=(
            sunscreen.reapply_hours
            if sunscreen and sunscreen.reapply_hours
            else central["sunscreen_reapply_hours"]
        ),
        sunbed_sessions_per_year=life.sunbed_sessions_per_year,
        sunbed_minutes=life.sunbed_minutes or central["sunbed_session_minutes"],
        hair_length_mm=life.hair_length_mm,
        pigment=treat.pigment,
        placement=treat.placement,
        session_dates=tuple(sessions),
        touchup_threshold=profile.forecast.touchup_threshold or central["touchup_threshold"],
        horizon_years=profile.forecast.horizon_years,
        prospective=treat.sessions is None,
        observations=tuple(
            Observation(
                years=(m.date - sessions[0]).days / DAYS_PER_YEAR,
                social_delta_e00=m.social_delta_e00,
                sd_delta_e00=m.sd_delta_e00
                if m.sd_delta_e00 is not None
                else measurement_sd(m.social_delta_e00, m.flags),
                lower_bound=bool(LOWER_BOUND_FLAGS & set(m.flags)),
            )
            for m in profile.measurements
        ),
    )


def checked_today(today: dt.date | None) -> dt.date:
    """``today`` as given, refused outside EARLIEST_TODAY-LATEST_TODAY.

    The core never reads the clock: the shells pass the date (the command line's
    ``--today``, else the real date), so every figure can be reproduced.

    Raises
    ------
    ValueError
        If ``today`` is None.
    InputError
        If it lies outside :data:`EARLIEST_TODAY`-:data:`LATEST_TODAY`.

    Examples
    --------
    >>> checked_today(dt.date(2026, 6, 1))
    datetime.date(2026, 6, 1)
    """
    if today is None:
        raise ValueError("today must be given: the date is passed in, never read from the clock")
    day = today
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise InputError(
            "today", f"must be a date from {EARLIEST_TODAY} to {LATEST_TODAY}, got {day}"
        )
    return day


def covering_sessions(sc: Scenario) -> tuple[Scenario, str | None]:
    """The scenario with a horizon reaching past its last session, and a note if extended.

    The horizon counts from the first session; sessions spanning nearly all of it (a
    course long ago and a recent touch-up) would leave no time to forecast, so it is
    extended to :data:`MIN_YEARS_AFTER_LAST_SESSION` past the last session (rounded up to
    a tenth of a year).
    """
    last = float(sc.session_years()[-1])
    least = math.ceil((last + MIN_YEARS_AFTER_LAST_SESSION) * 10.0 - 1e-9) / 10.0
    if sc.horizon_years >= least:
        return sc, None
    note = (
        f"the sessions span {last:.1f} years, so the horizon is extended from "
        f"{sc.horizon_years:g} to {least:g} years after the first session "
        f"({MIN_YEARS_AFTER_LAST_SESSION:g} years past the last session; "
        "forecast.horizon_years sets it)"
    )
    return dataclasses.replace(sc, horizon_years=least), note


def reference_variant(scenario: Scenario, factor: str) -> Scenario:
    """The scenario with one factor group set to its documented reference."""
    replace = dataclasses.replace
    if factor == "sun_exposure":
        return replace(
            scenario,
            outdoor_hours_weekday=0.0,
            outdoor_hours_weekend=0.0,
            outdoor_job=False,
            holiday_weeks=0.0,
        )
    if factor == "sun_protection":
        return replace(scenario, hat_share=0.0, sunscreen_share=0.0, hair_length_mm=0.5)
    if factor == "sunbeds":
        return replace(scenario, sunbed_sessions_per_year=0.0)
    if factor == "pigment":
        return replace(scenario, pigment="carbon-black")
    if factor == "procedure":
        return replace(scenario, placement="optimal")
    if factor == "biology":
        return replace(
            scenario, birth_year=scenario.first_session.year - 40, immune="normal", smoker=False
        )
    if factor == "skin_tone":
        return replace(scenario, skin=reference_skin())
    raise ValueError(f"factor {factor!r} not in {tuple(FACTORS)}")


@functools.cache
def reference_skin() -> tone.SkinTone:
    """The reference skin of the attribution and of the dermal dose (Fitzpatrick II)."""
    return tone.skin_tone(fitzpatrick=REFERENCE_FITZPATRICK)
