"""The forecast: from a profile to a touch-up window, its uncertainty and its reasons.

One orchestrator composes the pure stages: exposure (:mod:`fadecast.sun`), kinetics and
appearance (:mod:`fadecast.skin`). A Monte Carlo over the priors of
``data/parameters.toml`` gives every draw a contrast curve; the touch-up is due when the
social-distance contrast falls below a share θ of the target contrast (the healed look
of a well-placed course on that skin). Attribution reruns the same draws with one factor
group at its documented reference value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.forecasting.personal import (
    LOW_EFFECTIVE_SAMPLE_SIZE,
    MAX_RESIDUAL_SD,
    effective_sample_size,
    likelihood_weights,
    weighted_quantiles,
    weighted_rms_misfit,
)
from fadecast.inputs import parameters, places
from fadecast.inputs.measurements import Observation, measurement_sd
from fadecast.inputs.profile import Profile
from fadecast.skin import appearance, kinetics, optics, tone
from fadecast.skin.pigments import Pigment, load_pigment
from fadecast.sun import exposure, uv
from fadecast.version import __version__

__all__ = [
    "EARLIEST_TODAY",
    "FACTORS",
    "LATEST_TODAY",
    "MODEL_VERSION",
    "DotStates",
    "ForecastResult",
    "Scenario",
    "dot_states",
    "forecast",
    "forecast_many",
    "scenario_from_profile",
]

Array = NDArray[np.float64]

#: Version of the model (equations and parameter table); changes when results change.
MODEL_VERSION = "1.0"

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
RESIDUAL_YEARS = 50.0
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
_DAYS_PER_YEAR = 365.25


# ----------------------------------------------------------------------------- inputs


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
        return np.array(
            [(d - self.first_session).days / _DAYS_PER_YEAR for d in self.session_dates]
        )

    def age_at_first_session(self) -> float:
        """Age at the first session, from the birth year (mid-year birthday). [yr]"""
        first = self.first_session
        return first.year + (first.timetuple().tm_yday - 1) / 365.0 - (self.birth_year + 0.5)


def scenario_from_profile(profile: Profile, *, today: dt.date | None = None) -> Scenario:
    """Resolve a validated profile: places from the gazetteer, defaults from the table.

    Parameters
    ----------
    profile
        A validated profile.
    today
        The date a prospective course starts (default the real date).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        For an unknown city, naming the field and the closest known names, or a
        ``today`` outside :data:`EARLIEST_TODAY`-:data:`LATEST_TODAY`.
    """
    start = _checked_today(today)
    central = parameters.central_values()
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
        sunscreen_share=sunscreen.share if sunscreen else 0.0,
        sunscreen_mg_per_cm2=sunscreen.mg_per_cm2 if sunscreen else 1.0,
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
                years=(m.date - sessions[0]).days / _DAYS_PER_YEAR,
                social_delta_e00=m.social_delta_e00,
                sd_delta_e00=m.sd_delta_e00
                if m.sd_delta_e00 is not None
                else measurement_sd(m.social_delta_e00, m.flags),
            )
            for m in profile.measurements
        ),
    )


def _checked_today(today: dt.date | None) -> dt.date:
    """``today``, or the real date; refused outside EARLIEST_TODAY-LATEST_TODAY."""
    day = today or dt.date.today()
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise InputError(
            "today", f"must be a date from {EARLIEST_TODAY} to {LATEST_TODAY}, got {day}"
        )
    return day


def _covering_sessions(sc: Scenario) -> tuple[Scenario, str | None]:
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


def _reference_variant(scenario: Scenario, factor: str) -> Scenario:
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
        return replace(scenario, skin=_reference_skin())
    raise ValueError(f"factor {factor!r} not in {tuple(FACTORS)}")


# ----------------------------------------------------------------------------- shared work


@functools.cache
def _reference_skin() -> tone.SkinTone:
    """The reference skin of the attribution and of the dermal dose (Fitzpatrick II)."""
    return tone.skin_tone(fitzpatrick=REFERENCE_FITZPATRICK)


@dataclass
class ModelCache:
    """Work shared between forecasts: per-place UV years, pigments, contrast tables.

    One forecast builds its own; :func:`forecast_many` shares one across all profiles.
    """

    uv_years: dict[tuple[float, float], Array] = field(default_factory=dict)
    pigments: dict[str, Pigment] = field(default_factory=dict)
    tables: dict[tuple[Any, ...], appearance.ContrastTable] = field(default_factory=dict)
    targets: dict[tuple[Any, ...], float] = field(default_factory=dict)
    #: Ambient doses of a place and way of life, (everyday, holiday, ambient). [SED/yr]
    doses: dict[tuple[Any, ...], tuple[float, float, float]] = field(default_factory=dict)
    #: Sunscreen transmission per draw, keyed by the product, its use and the draws.
    screens: dict[tuple[Any, ...], Array] = field(default_factory=dict)
    #: UVA reaching the dermis through a skin's melanin, relative to the reference skin.
    skin_factors: dict[float, float] = field(default_factory=dict)
    #: Detection grids and levels of a course pattern, keyed by what they depend on.
    detections: dict[tuple[Any, ...], _Detection] = field(default_factory=dict)

    def skin_factor(self, melanin_fraction: float) -> float:
        if melanin_fraction not in self.skin_factors:
            reference = _reference_skin().melanin_fraction
            self.skin_factors[melanin_fraction] = float(
                optics.uva_transmission_relative(melanin_fraction, reference)
            )
        return self.skin_factors[melanin_fraction]

    def uv_year(self, place: places.Place) -> Array:
        key = (round(place.latitude_deg, 4), round(place.longitude_deg, 4))
        if key not in self.uv_years:
            year = int(parameters.central_values()["reference_year"])
            self.uv_years[key] = exposure.clear_sky_uv_index_year(*key, year=year)
        return self.uv_years[key]

    def pigment(self, name: str) -> Pigment:
        if name not in self.pigments:
            self.pigments[name] = load_pigment(name, optics.WAVELENGTHS_NM)
        return self.pigments[name]

    def table(self, skin: tone.SkinTone, pigment: str, placement: str) -> appearance.ContrastTable:
        key = (tuple(np.round(skin.lab, 6)), pigment, placement)
        if key not in self.tables:
            central = parameters.central_values()
            self.tables[key] = appearance.contrast_table(
                self.pigment(pigment),
                skin_lab=skin.lab,
                melanin_fraction=skin.melanin_fraction,
                depth_mm=central[f"depth_{placement}_mm"],
                epidermis_mm=central["epidermis_mm"],
                layer_mm=central["pigment_layer_mm"],
            )
        return self.tables[key]


# ----------------------------------------------------------------------------- the model


def _time_grid(last_session_yr: float, horizon_years: float) -> Array:
    """Model times: fine through the course and healing, coarser as change slows. [yr]

    The grid covers the horizon, where touch-ups are detected, and ends with the
    residual time (50 years), where only the permanence figure is read.
    """
    healing_end = last_session_yr + 0.5
    parts: list[Array] = [
        np.arange(0.0, healing_end, 1.0 / 24.0),
        np.arange(healing_end, healing_end + 1.5, 1.0 / 12.0),
        np.arange(healing_end + 1.5, 15.0, 0.25),
        np.arange(15.0, horizon_years, 1.0),
        np.array([last_session_yr, horizon_years, RESIDUAL_YEARS]),
    ]
    grid = np.unique(np.round(np.concatenate(parts), 10))
    keep = (grid >= 0.0) & ((grid <= horizon_years) | (grid == RESIDUAL_YEARS))
    return np.asarray(grid[keep], dtype=np.float64)


@dataclass(frozen=True)
class _Exposure:
    ambient_sed: float  # horizontal all-sky dose at home, central altitude gain [SED/yr]
    scalp_sed: Array  # (n,) [SED/yr]
    sunbed_sed: Array  # (n,) vertex dose from sunbeds [SED/yr]
    dermal: Array  # (n,) dermal dose at the reference depth [SED-equivalent/yr]


def _ambient_doses(sc: Scenario, cache: ModelCache) -> tuple[float, float, float]:
    """Open-sky doses of a way of life: everyday at home, on holiday, and ambient. [SED/yr]

    Everyday and holiday doses weight each hour's UV index by the time spent outdoors
    then (activity windows, season, holidays) with central values of the sharp
    parameters; ``ambient`` is the horizontal all-sky dose at home.
    """
    key = (
        sc.home,
        sc.home_cloud_factor,
        sc.home_altitude_m,
        sc.outdoor_job,
        sc.outdoor_hours_weekday,
        sc.outdoor_hours_weekend,
        sc.holiday_weeks,
        sc.holiday,
        sc.holiday_cloud_factor,
    )
    if key in cache.doses:
        return cache.doses[key]
    central = parameters.central_values()
    uvi_home = cache.uv_year(sc.home)
    home_lat = sc.home.latitude_deg
    season = exposure.seasonal_weight(home_lat, central["seasonal_outdoor_amplitude"])
    on_holiday = exposure.holiday_mask(home_lat, sc.holiday_weeks)
    at_home = 1.0 - on_holiday
    weekday_kind = "outdoor_job" if sc.outdoor_job else "weekday"
    daily_uvi_hours = 5.0 / 7.0 * sc.outdoor_hours_weekday * exposure.activity_uv_index(
        uvi_home, weekday_kind
    ) + 2.0 / 7.0 * sc.outdoor_hours_weekend * exposure.activity_uv_index(uvi_home, "weekend")
    sed = exposure.SED_PER_UVI_HOUR
    everyday = float(np.sum(at_home * season * daily_uvi_hours)) * sed * sc.home_cloud_factor
    holiday = 0.0
    if sc.holiday_weeks > 0:
        uvi_hol = cache.uv_year(sc.holiday or sc.home)
        hol_hours = central["holiday_outdoor_hours_per_day"]
        holiday = (
            float(np.sum(on_holiday * hol_hours * exposure.activity_uv_index(uvi_hol, "holiday")))
            * sed
            * sc.holiday_cloud_factor
        )
    ambient = (
        float(uvi_home.sum())
        * sed
        * sc.home_cloud_factor
        * float(uv.altitude_factor(sc.home_altitude_m, central["altitude_gain_per_km"]))
    )
    cache.doses[key] = (everyday, holiday, ambient)
    return cache.doses[key]


def _screen(sc: Scenario, draws: Mapping[str, Array], cache: ModelCache) -> Array:
    """Time-averaged sunscreen transmission per draw (wear-off drawn). [1]"""
    half_life = draws["sunscreen_half_life_h"]
    key = (
        sc.sunscreen_spf,
        sc.sunscreen_mg_per_cm2,
        sc.sunscreen_reapply_hours,
        id(half_life),
        len(half_life),
    )
    if key not in cache.screens:
        cache.screens[key] = exposure.sunscreen_transmission(
            sc.sunscreen_spf,
            sc.sunscreen_mg_per_cm2,
            reapply_hours=sc.sunscreen_reapply_hours,
            half_life_h=half_life,
        )
    return cache.screens[key]


def _exposure(sc: Scenario, draws: Mapping[str, Array], cache: ModelCache) -> _Exposure:
    central = parameters.central_values()
    everyday, holiday, ambient = _ambient_doses(sc, cache)

    gain = draws["altitude_gain_per_km"]
    alt_home = 1.0 + gain * sc.home_altitude_m / 1000.0
    alt_hol = 1.0 + gain * sc.holiday_altitude_m / 1000.0
    open_sky = (
        draws["outdoor_shade_factor"] * everyday * alt_home
        + draws["holiday_shade_factor"] * holiday * alt_hol
    )
    protection = exposure.hat_transmission(sc.hat_share, sc.hat_upf) * exposure.hair_transmission(
        sc.hair_length_mm,
        upf_full=draws["hair_upf_full"],
        length_scale_mm=central["hair_length_scale_mm"],
    )
    if sc.sunscreen_share > 0:
        screen = _screen(sc, draws, cache)
        protection = protection * ((1.0 - sc.sunscreen_share) + sc.sunscreen_share * screen)
    scalp = (
        draws["vertex_exposure_ratio"] * draws["cloud_factor_uncertainty"] * open_sky * protection
    )
    sunbed = (
        exposure.sunbed_dose_sed(
            sc.sunbed_sessions_per_year, sc.sunbed_minutes, draws["sunbed_irradiance_w_m2"]
        )
        * draws["sunbed_vertex_ratio"]
    )
    skin_factor = cache.skin_factor(sc.skin.melanin_fraction)
    dermal = (scalp + draws["sunbed_dermal_weight"] * sunbed) * skin_factor
    return _Exposure(ambient_sed=ambient, scalp_sed=scalp, sunbed_sed=sunbed, dermal=dermal)


@dataclass(frozen=True)
class _Curves:
    social: Array  # (n, T) mean-tone contrast against bare skin [dE00]
    drift: Array | None = None  # (n, T) discolouration by photolysis [dE00]
    closeup: Array | None = None  # (n, T) dot-centre contrast [dE00]


@dataclass(frozen=True)
class _Run:
    times: Array  # (T,)
    social: NDArray[np.floating[Any]]  # (n, T) [dE00]; (n, 0) unless curves are asked for
    closeup: NDArray[np.floating[Any]] | None  # (n, T) [dE00], only when curves are asked for
    touchup_years: Array  # (n,) since the first session, inf if beyond the horizon
    target: float  # target contrast [dE00]
    healed_years: float
    exposure: _Exposure


@dataclass(frozen=True)
class _Rates:
    """Per-draw rates of one scenario: clearance k(t) = k0 + k1 t and UV at the pigment."""

    k0: Array  # (n,) [1/yr]
    k1: Array  # (n,) [1/yr²]
    uv_at_pigment: Array  # (n,) dermal dose at the pigment's depth [SED-equivalent/yr]


def _uv_at_pigment(draws: Mapping[str, Array], dermal: Array, *, placement: str) -> Array:
    """Dermal dose reaching the pigment's depth, per draw. [SED-equivalent/yr]"""
    central = parameters.central_values()
    return dermal * kinetics.uv_depth_factor(
        draws[f"depth_{placement}_mm"],
        reference_depth_mm=central["depth_optimal_mm"],
        depth_scale_mm=central["uv_depth_scale_mm"],
    )


def _rates(
    sc: Scenario, draws: Mapping[str, Array], dermal: Array, cache: ModelCache, *, placement: str
) -> _Rates:
    uv_at_pigment = _uv_at_pigment(draws, dermal, placement=placement)
    return _rates_at(
        sc, draws, uv_at_pigment, sc.age_at_first_session(), cache, placement=placement
    )


def _rates_at(
    sc: Scenario,
    draws: Mapping[str, Array],
    uv_at_pigment: Array,
    age_years: float,
    cache: ModelCache,
    *,
    placement: str,
) -> _Rates:
    """Rates for a given UV at the pigment and age at the first session [yr]."""
    central = parameters.central_values()
    pigment = cache.pigment(sc.pigment)
    depth = draws[f"depth_{placement}_mm"]
    immune: Array | float = 1.0
    if sc.immune != "normal":
        immune = draws[f"immune_{sc.immune}_factor"]
    smoke: Array | float = draws["smoker_factor"] if sc.smoker else 1.0
    k_bio = draws["clearance_rate_per_year"] * pigment.clearance_factor * immune * smoke
    age_slope = draws["age_clearance_per_decade"] / 10.0
    age0 = age_years - central["reference_age_years"]
    k0 = (
        k_bio * (1.0 + age_slope * age0)
        + draws["uv_clearance_per_dermal_sed"] * uv_at_pigment
        + kinetics.junction_erosion_rate(
            depth,
            epidermis_mm=central["epidermis_mm"],
            rate_per_year=draws["junction_erosion_rate_per_year"],
            depth_scale_mm=central["junction_erosion_depth_mm"],
        )
    )
    return _Rates(k0=k0, k1=k_bio * age_slope, uv_at_pigment=uv_at_pigment)


def _contrast_curves(
    sc: Scenario,
    draws: Mapping[str, Array],
    dermal: Array,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
    closeup: bool = True,
) -> _Curves:
    rates = _rates(sc, draws, dermal, cache, placement=placement)
    return _curves_from_rates(sc, draws, rates, times, cache, placement=placement, closeup=closeup)


@dataclass(frozen=True)
class _DotState:
    """A dot per draw and time: what the appearance tables are read with."""

    peak: Array  # (n, T) peak density [mg/cm²]
    sigma_sq: Array  # (n, T) squared Gaussian width [mm²]
    sigma0: Array  # (n,) width of a fresh healed dot [mm]
    progress: Array  # (n, T) photolysis progress [SED-equivalent]


@dataclass(frozen=True)
class _Load:
    """Pigment in a dot per draw and time, from :func:`kinetics.pigment_load`."""

    per_component: Array  # (n, C, T) [mg/cm²]
    mean_age: Array  # (n, T) load-weighted mean time since deposition [yr]


def _kinetic_inputs(
    sc: Scenario, draws: Mapping[str, Array], rates: _Rates, cache: ModelCache, *, placement: str
) -> dict[str, Any]:
    """The per-draw arguments the kinetics laws share, for one scenario."""
    central = parameters.central_values()
    pigment = cache.pigment(sc.pigment)
    depth = draws[f"depth_{placement}_mm"]
    return {
        "component_shares": pigment.shares,
        "shallow_share": kinetics.shallow_share(
            depth, epidermis_mm=central["epidermis_mm"], depth_spread_mm=central["depth_spread_mm"]
        ),
        "healing_loss": draws["healing_loss"],
        "healing_time_yr": central["healing_time_days"] / _DAYS_PER_YEAR,
        "epidermal_time_yr": central["epidermal_turnover_days"] / _DAYS_PER_YEAR,
        "fixed_share": draws["fixed_share"],
        "clearance_rate_per_year": rates.k0,
        "clearance_slope_per_year2": rates.k1,
        "photolysis_rate_per_year": rates.uv_at_pigment[:, None]
        * pigment.photolysis_per_dermal_sed[None, :],
    }


def _session_deposit(sc: Scenario, draws: Mapping[str, Array], cache: ModelCache) -> Array:
    """Peak density one session leaves in a fresh dot, per draw. [mg/cm²]"""
    return np.asarray(
        cache.pigment(sc.pigment).typical_deposit_mg_cm2 * draws["deposit_multiplier"]
    )


def _course_load(
    sc: Scenario,
    draws: Mapping[str, Array],
    rates: _Rates,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
) -> _Load:
    sessions = sc.session_years()
    deposit = _session_deposit(sc, draws, cache)
    load, mean_age = kinetics.pigment_load(
        times,
        sessions,
        np.broadcast_to(deposit[:, None], (len(deposit), len(sessions))),
        **_kinetic_inputs(sc, draws, rates, cache, placement=placement),
    )
    return _Load(per_component=load, mean_age=mean_age)


def _state_of_load(
    sc: Scenario, draws: Mapping[str, Array], load: _Load, cache: ModelCache, *, placement: str
) -> _DotState:
    """Peak density, width and photolysis progress of a dot holding ``load``."""
    central = parameters.central_values()
    depth = draws[f"depth_{placement}_mm"]
    optimal = central["depth_optimal_mm"]
    total = load.per_component.sum(axis=1)
    diffusivity = kinetics.lateral_diffusivity(
        depth,
        diffusivity_mm2_per_year=draws["lateral_diffusivity_mm2_per_year"],
        reference_depth_mm=optimal,
        depth_exponent=central["diffusivity_depth_exponent"],
    )
    sigma0 = draws["dot_sigma_mm"] * (depth / optimal) ** central["dot_sigma_depth_exponent"]
    sigma_sq = kinetics.dot_width_sq(
        load.mean_age, sigma0_mm=sigma0, diffusivity_mm2_per_year=diffusivity
    )
    return _DotState(
        peak=total * sigma0[:, None] ** 2 / sigma_sq,
        sigma_sq=sigma_sq,
        sigma0=sigma0,
        progress=appearance.photolysis_progress(load.per_component, cache.pigment(sc.pigment)),
    )


def _dot_state(
    sc: Scenario,
    draws: Mapping[str, Array],
    rates: _Rates,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
) -> _DotState:
    load = _course_load(sc, draws, rates, times, cache, placement=placement)
    return _state_of_load(sc, draws, load, cache, placement=placement)


def _curves_from_rates(
    sc: Scenario,
    draws: Mapping[str, Array],
    rates: _Rates,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
    closeup: bool,
) -> _Curves:
    dot = _dot_state(sc, draws, rates, times, cache, placement=placement)
    return _curves_of_state(sc, dot, cache, placement=placement, closeup=closeup)


def _curves_of_state(
    sc: Scenario, dot: _DotState, cache: ModelCache, *, placement: str, closeup: bool
) -> _Curves:
    """Contrast curves of dot states, read from the scenario's appearance table."""
    pigment = cache.pigment(sc.pigment)
    width_ratio = np.sqrt(dot.sigma_sq) / parameters.central_values()["dot_spacing_mm"]
    table = cache.table(sc.skin, sc.pigment, placement)
    where = appearance.stencil(table, dot.peak, dot.progress, width_ratio)
    # One stacked read: social, then discolouration and close-up as needed.
    quantities = [table.social_delta_e00]
    if not pigment.is_lightfast:
        # Photolysis changes the pigment's mix and so the colour of the mean tone.
        quantities.append(table.discolouration_delta_e00)
    if closeup:
        quantities.append(table.closeup_delta_e00)
    read = list(appearance.interpolate(np.stack(quantities), where))
    social = read.pop(0)
    drift = read.pop(0) if not pigment.is_lightfast else None
    return _Curves(social=social, drift=drift, closeup=read.pop(0) if closeup else None)


def _target_contrast(sc: Scenario, cache: ModelCache) -> float:
    """Healed social-distance contrast of a well-placed standard course on this skin.

    It depends on the skin and the pigment only: the reference course is given at the
    reference age, with a normal immune system, no smoking and no UV.
    """
    key = (tuple(np.round(sc.skin.lab, 6)), sc.pigment)
    if key not in cache.targets:
        central = parameters.central_values()
        draws = {name: np.array([value]) for name, value in central.items()}
        course = tuple(sc.first_session + dt.timedelta(days=d) for d in STANDARD_COURSE_DAYS)
        reference = dataclasses.replace(
            sc,
            session_dates=course,
            birth_year=course[0].year - int(central["reference_age_years"]),
            immune="normal",
            smoker=False,
        )
        last = reference.session_years()[-1]
        healed = np.array([last + central["healed_after_years"]])
        curves = _contrast_curves(
            reference, draws, np.zeros(1), healed, cache, placement="optimal", closeup=False
        )
        cache.targets[key] = float(curves.social[0, 0])
    return cache.targets[key]


def _first_crossing(
    times: Array, curve: NDArray[np.floating[Any]], level: float, start: float | Array
) -> Array:
    """First time at or after ``start`` (one, or one per curve) when each curve falls
    below ``level``, interpolating linearly."""
    start = np.asarray(start, dtype=np.float64)
    below = (curve < level) & (times[None, :] >= start[..., None])
    any_below = below.any(axis=1)
    j = np.argmax(below, axis=1)
    rows = np.arange(curve.shape[0])
    jp = np.maximum(j - 1, 0)
    t0, t1 = times[jp], times[j]
    c0, c1 = curve[rows, jp], curve[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip((c0 - level) / (c0 - c1), 0.0, 1.0)
    crossing = np.where((j > 0) & (t0 >= start), t0 + frac * (t1 - t0), np.maximum(t1, start))
    return np.where(any_below, crossing, np.inf)


@dataclass(frozen=True)
class _Detection:
    """Where and against what touch-ups are detected for one scenario."""

    times: Array  # model time grid [yr]
    within: NDArray[np.bool_]  # grid points inside the horizon
    healed_years: float  # detection starts when the course has healed [yr]
    target: float  # target contrast [dE00]
    level: float  # touch-up level, threshold x target; -inf if the target is invisible [dE00]


def _can_show(target_delta_e00: float) -> bool:
    """Whether SMP with this target contrast is perceptible at all (else no touch-up)."""
    return target_delta_e00 >= parameters.central_values()["perceptibility_delta_e00"]


def _detection(sc: Scenario, cache: ModelCache) -> _Detection:
    last = float(sc.session_years()[-1])
    target = _target_contrast(sc, cache)
    key = (last, sc.horizon_years, sc.touchup_threshold, target)
    if key not in cache.detections:
        times = _time_grid(last, sc.horizon_years)
        within = times <= sc.horizon_years
        times.flags.writeable = within.flags.writeable = False  # shared: never changed
        cache.detections[key] = _Detection(
            times=times,
            within=within,
            healed_years=last + parameters.central_values()["healed_after_years"],
            target=target,
            # An SMP invisible on this skin even when fresh never calls for a touch-up:
            # no session could make it show.
            level=sc.touchup_threshold * target if _can_show(target) else -math.inf,
        )
    return cache.detections[key]


def _detection_window(det: _Detection) -> _Detection:
    """The detection with only the grid points where touch-ups are looked for.

    Touch-up times computed on it are identical to those on the whole grid (no point
    before the course has healed takes part in :func:`_first_crossing`); runs that need
    touch-up times only evaluate the model there.
    """
    keep = det.within & (det.times >= det.healed_years)
    times = det.times[keep]
    return dataclasses.replace(det, times=times, within=np.ones(len(times), dtype=bool))


def _touchup_times(curves: _Curves, det: _Detection) -> Array:
    """First time each draw's SMP is due a touch-up, inf beyond the horizon. [yr]

    Due when the social-distance contrast falls below the touch-up level or, for
    photolabile pigments, when photolysis has discoloured the tone past acceptability.
    """
    return np.asarray(np.min(_touchup_criteria(curves, det), axis=0), dtype=np.float64)


def _touchup_criteria(curves: _Curves, det: _Detection) -> Array:
    """When each criterion first calls for a touch-up, per draw, ``(criteria, n)``. [yr]

    The criteria are the contrast falling below the touch-up level and, for
    photolabile pigments, the discolouration passing acceptability; inf beyond the
    horizon.
    """
    times, within = det.times[det.within], det.within
    faded = _first_crossing(times, curves.social[:, within], det.level, det.healed_years)
    if curves.drift is None:
        return faded[None, :]
    acceptable = parameters.central_values()["acceptability_delta_e00"]
    shifted = _first_crossing(times, -curves.drift[:, within], -acceptable, det.healed_years)
    return np.stack([faded, shifted])


def _simulate(
    sc: Scenario, draws: Mapping[str, Array], cache: ModelCache, *, curves: bool = True
) -> _Run:
    expo = _exposure(sc, draws, cache)
    det = _detection(sc, cache)
    if not curves:
        det = _detection_window(det)
    result = _contrast_curves(
        sc,
        draws,
        expo.dermal,
        det.times,
        cache,
        placement=sc.placement,
        closeup=curves,
    )
    touchup = _touchup_times(result, det)
    return _Run(
        det.times, result.social, result.closeup, touchup, det.target, det.healed_years, expo
    )


#: Clearance rates at which a group of like lightfast profiles is tabulated. [1/yr]
_EMULATOR_K0 = np.geomspace(0.02, 8.0, 14)
#: A lightfast group is tabulated only when at least this many runs (profiles or
#: attribution variants) use it; fewer are cheaper to simulate one by one.
_EMULATOR_MIN_RUNS = 6
#: Doses at the pigment at which a group of like photolabile profiles in the sun is
#: tabulated: none, then geometrically spaced. [SED-equivalent/yr]
_EMULATOR_UV = np.concatenate([[0.0], np.geomspace(20.0, 20_000.0, 31)])
#: Widest spacing of the ages at which a photolabile group is tabulated (age changes
#: the clearance rate by a few per cent a decade). [yr]
_EMULATOR_AGE_STEP_YEARS = 60.0
#: A photolabile group is tabulated only when it has at least this many runs per node
#: of its table (a node costs about as much as one run).
_EMULATOR_RUNS_PER_NODE = 1.5

_GroupKey = tuple[Any, ...]
_Float32 = NDArray[np.float32]
#: Per draw, the table nodes around a run, with weights for touch-up rates and curves.
_Corners = list[tuple[NDArray[np.intp], Array, Array]]


def _bracket(nodes: Array, x: Array) -> tuple[NDArray[np.intp], NDArray[np.intp], Array]:
    """Indices of the nodes either side of each ``x`` and the weight of the upper one."""
    if len(nodes) == 1:
        zero = np.zeros(np.shape(x), dtype=np.intp)
        return zero, zero, np.zeros(np.shape(x))
    j = np.clip(np.searchsorted(nodes, x) - 1, 0, len(nodes) - 2)
    return j, j + 1, (x - nodes[j]) / (nodes[j + 1] - nodes[j])


class _ClearanceEmulator:
    """Shares the Monte Carlo between like profiles in :func:`forecast_many`.

    Profiles with the same skin, pigment, placement, session pattern, immune status,
    smoking, horizon and threshold form a group; within a group they differ, draw by
    draw, only in a few rates. For a group with enough runs (profiles and attribution
    variants) each draw's contrast curves and touch-up time are computed once on a grid
    of those rates and a profile interpolates at its own, draw by draw: curves
    linearly, touch-up times linearly in the rate 1/T (for a single clearing pool 1/T
    is exactly proportional to the clearance rate).

    - Lightfast pigments, and photolabile ones with no UV at all (the attribution's
      no-sun variant), differ only in the clearance rate k0 (through sun exposure and
      age): the grid is :data:`_EMULATOR_K0`, curves interpolated in log k0.
    - Photolabile pigments in the sun also differ in the dose at the pigment, which
      drives photolysis, and the touch-up criteria switch along it: the grid is the
      age at the first session (spanning the group's ages) by the dose at the pigment
      (:data:`_EMULATOR_UV`), from which each node's k0 follows.

    Profiles with a draw outside the grid take the exact path, as do the runs of
    groups too small to pay for their table.
    """

    def __init__(self, draws: Mapping[str, Array], cache: ModelCache) -> None:
        self.draws = draws
        self.cache = cache
        self.uses: dict[_GroupKey, int] = {}
        self.age_range: dict[_GroupKey, tuple[float, float]] = {}
        self.ages: dict[_GroupKey, Array] = {}
        self.enabled: set[_GroupKey] = set()
        self.touch: dict[_GroupKey, Array] = {}
        self.curves: dict[_GroupKey, tuple[_Float32, _Float32]] = {}
        #: Discolouration (times, curves) of photolabile groups in the sun, where
        #: touch-ups are detected.
        self.drift: dict[_GroupKey, tuple[Array, _Float32]] = {}

    def key(self, sc: Scenario) -> _GroupKey:
        in_sun = not self.cache.pigment(sc.pigment).is_lightfast and not self._without_uv(sc)
        offsets = tuple((d - sc.first_session).days for d in sc.session_dates)
        return (
            tuple(np.round(sc.skin.lab, 6)),
            sc.pigment,
            sc.placement,
            offsets,
            sc.immune,
            sc.smoker,
            sc.horizon_years,
            sc.touchup_threshold,
            "age-uv" if in_sun else "k0",
        )

    def _without_uv(self, sc: Scenario) -> bool:
        """No UV reaches the scalp (no time outdoors, no sunbeds): nothing photolyses."""
        everyday, holiday, _ = _ambient_doses(sc, self.cache)
        return everyday == 0.0 and holiday == 0.0 and sc.sunbed_sessions_per_year == 0.0

    def count(self, sc: Scenario) -> None:
        """Count one run (a profile or an attribution variant) of the group of ``sc``."""
        key = self.key(sc)
        self.uses[key] = self.uses.get(key, 0) + 1
        if key[-1] == "age-uv":
            age = sc.age_at_first_session()
            low, high = self.age_range.get(key, (age, age))
            self.age_range[key] = (min(low, age), max(high, age))

    def enable(self) -> None:
        """Tabulate the groups with enough runs to pay for their table."""
        for key, runs in self.uses.items():
            if key[-1] == "k0":
                if runs >= _EMULATOR_MIN_RUNS:
                    self.enabled.add(key)
                continue
            low, high = self.age_range[key]
            n_ages = (
                1 if high - low < 1e-6 else 1 + math.ceil((high - low) / _EMULATOR_AGE_STEP_YEARS)
            )
            if runs >= _EMULATOR_RUNS_PER_NODE * n_ages * len(_EMULATOR_UV):
                self.enabled.add(key)
                self.ages[key] = np.linspace(low, high, n_ages)

    def _node_rates(self, sc: Scenario, key: _GroupKey) -> list[_Rates]:
        n = len(self.draws["clearance_rate_per_year"])
        if key[-1] == "k0":
            k1 = _rates(sc, self.draws, np.zeros(n), self.cache, placement=sc.placement).k1
            return [
                _Rates(k0=np.full(n, k0), k1=k1, uv_at_pigment=np.zeros(n)) for k0 in _EMULATOR_K0
            ]
        return [
            _rates_at(sc, self.draws, np.full(n, uv), age, self.cache, placement=sc.placement)
            for age in self.ages[key]
            for uv in _EMULATOR_UV
        ]

    def _tabulate(self, sc: Scenario, key: _GroupKey, with_curves: bool) -> None:
        det = _detection(sc, self.cache)
        if not with_curves:
            det = _detection_window(det)
        window = det.within & (det.times >= det.healed_years)
        nodes = self._node_rates(sc, key)
        n = len(self.draws["clearance_rate_per_year"])
        touch = np.empty((len(nodes), n))
        social = np.empty((len(nodes), n, len(det.times)), dtype=np.float32)
        closeup = np.empty_like(social) if with_curves else social[:0]
        in_sun = key[-1] == "age-uv"
        drift = np.empty((len(nodes) if in_sun else 0, n, int(window.sum())), dtype=np.float32)
        for j, rates in enumerate(nodes):
            c = _curves_from_rates(
                sc,
                self.draws,
                rates,
                det.times,
                self.cache,
                placement=sc.placement,
                closeup=with_curves,
            )
            touch[j] = _touchup_criteria(c, det)[0]
            if in_sun:
                assert c.drift is not None
                drift[j] = c.drift[:, window]
            if with_curves:
                assert c.closeup is not None
                social[j], closeup[j] = c.social, c.closeup
        self.touch[key] = touch
        if in_sun:
            self.drift[key] = (det.times[window], drift)
        if with_curves:
            self.curves[key] = (social, closeup)

    def _corners(self, sc: Scenario, key: _GroupKey, dermal: Array) -> _Corners | None:
        """The table nodes around each draw of ``sc``, or None if one lies off the grid."""
        if key[-1] == "k0":
            k0 = _rates(sc, self.draws, dermal, self.cache, placement=sc.placement).k0
            grid = _EMULATOR_K0
            if k0.min() < grid[0] or k0.max() > grid[-1]:
                return None
            lower, upper, w_rate = _bracket(grid, k0)
            w_log = (np.log(k0) - np.log(grid[lower])) / (np.log(grid[upper]) - np.log(grid[lower]))
            return [(lower, 1.0 - w_rate, 1.0 - w_log), (upper, w_rate, w_log)]
        ages = self.ages[key]
        age = np.array(sc.age_at_first_session())
        uv = _uv_at_pigment(self.draws, dermal, placement=sc.placement)
        if not ages[0] - 1e-9 <= age <= ages[-1] + 1e-9 or uv.max() > _EMULATOR_UV[-1]:
            return None
        a_low, a_high, w_age = _bracket(ages, age)
        u_low, u_high, w_uv = _bracket(_EMULATOR_UV, uv)
        # Curves in log dose above the first positive node (photolysis progresses with
        # dose × time, and discolouration saturates with progress), linearly below it.
        low, high = _EMULATOR_UV[u_low], _EMULATOR_UV[u_high]
        positive = low > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            w_log = np.log(uv / np.where(positive, low, 1.0)) / np.log(
                high / np.where(positive, low, 1.0)
            )
        w_curve = np.where(positive, w_log, w_uv)
        n_uv = len(_EMULATOR_UV)
        corners: _Corners = []
        for a, wa in ((a_low, 1.0 - w_age), (a_high, w_age)):
            for u, w_rate, w_shape in ((u_low, 1.0 - w_uv, 1.0 - w_curve), (u_high, w_uv, w_curve)):
                corners.append((a * n_uv + u, wa * w_rate, wa * w_shape))
        return corners

    def run(self, sc: Scenario, *, curves: bool) -> _Run | None:
        """The run of one scenario from its group's table, or None to simulate it."""
        key = self.key(sc)
        if key not in self.enabled:
            return None
        expo = _exposure(sc, self.draws, self.cache)
        corners = self._corners(sc, key, expo.dermal)
        if corners is None:
            return None
        if key not in self.touch or (curves and key not in self.curves):
            self._tabulate(sc, key, with_curves=curves)
        rows = np.arange(len(expo.dermal))
        touch = self.touch[key]
        with np.errstate(divide="ignore"):
            rate = sum(w / touch[node, rows] for node, w, _ in corners)
            touchup = np.where(rate > 0.0, 1.0 / rate, np.inf)
        det = _detection(sc, self.cache)
        if key in self.drift:
            # Discolouration can peak near acceptability, so that its crossing time
            # jumps between nodes: its curves are interpolated instead, then crossed.
            times, table_drift = self.drift[key]
            curve = _interpolated(table_drift, rows, corners)
            acceptable = parameters.central_values()["acceptability_delta_e00"]
            shifted = _first_crossing(times, -curve, -acceptable, det.healed_years)
            touchup = np.minimum(touchup, shifted)
        social: NDArray[np.floating[Any]] = np.zeros((len(rows), 0), dtype=np.float32)
        closeup: NDArray[np.floating[Any]] | None = None
        if curves:
            # Interpolated in single precision, as tabulated.
            table_social, table_closeup = self.curves[key]
            social, closeup = (
                _interpolated(table_social, rows, corners),
                _interpolated(table_closeup, rows, corners),
            )
        return _Run(det.times, social, closeup, touchup, det.target, det.healed_years, expo)

    def release_curves(self) -> None:
        """Free the curve tables (they are large); touch-up tables stay."""
        self.curves.clear()


def _interpolated(table: _Float32, rows: NDArray[np.intp], corners: _Corners) -> _Float32:
    """Curves ``(n, T)`` weighted over the corner nodes of each draw, in single precision."""
    nodes, n, n_times = table.shape
    index = np.concatenate([node * n + rows for node, _, _ in corners])
    gathered = np.take(table.reshape(nodes * n, n_times), index, axis=0)
    weights = np.stack([weight for _, _, weight in corners]).astype(np.float32)
    parts = gathered.reshape(len(corners), len(rows), n_times)
    return np.asarray(np.einsum("cn,cnt->nt", weights, parts), dtype=np.float32)


def _draws(samples: int, seed: int) -> dict[str, Array]:
    return parameters.sample_parameters(samples, np.random.default_rng(seed))


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Attribution:
    """Years a factor group gains (+) or costs (−) against its reference."""

    factor: str
    years: float
    reference: str


@dataclass(frozen=True)
class Personal:
    """The forecast re-weighted by the client's own measurements (:mod:`.personal`)."""

    touchup_years: tuple[float, float, float]  # P10/P50/P90, inf beyond the horizon [yr]
    effective_sample_size: float  # of the re-weighted draws
    measurements: int
    residual_sd: float  # weighted rms misfit of the measurements, in their errors [1]


@dataclass(frozen=True)
class ForecastResult:
    """The outcome of one forecast. ``to_dict()`` gives the JSON contract."""

    scenario: Scenario
    samples: int
    seed: int
    touchup_years: tuple[float, float, float]
    exposure: Mapping[str, float]
    curve_years: Array
    curve_social: tuple[Array, Array, Array]
    curve_closeup_p50: Array
    target_delta_e00: float
    threshold_delta_e00: float
    residual_social_p50: float
    residual_closeup_p50: float
    attribution: tuple[Attribution, ...]
    warnings: tuple[str, ...]
    today: dt.date
    personal: Personal | None = None

    @property
    def touchup_dates(self) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        """The P10/P50/P90 touch-up dates (None beyond the horizon)."""
        return tuple(_date_after(self.scenario.first_session, y) for y in self.touchup_years)  # type: ignore[return-value]

    @property
    def personal_dates(self) -> tuple[dt.date | None, dt.date | None, dt.date | None] | None:
        """The personal P10/P50/P90 touch-up dates (None beyond the horizon), if any."""
        if self.personal is None:
            return None
        start = self.scenario.first_session
        return tuple(_date_after(start, y) for y in self.personal.touchup_years)  # type: ignore[return-value]

    @property
    def can_show(self) -> bool:
        """Whether a fresh, well-placed course would be perceptible at social distance on
        this skin at all; when not, no touch-up is ever forecast."""
        return _can_show(self.target_delta_e00)

    def permanence_statement(self) -> str:
        """One line on permanence: what would remain without any touch-up."""
        de = self.residual_social_p50
        perceptible = parameters.central_values()["perceptibility_delta_e00"]
        seen = "still be visible" if de >= perceptible else "be barely perceptible"
        return (
            f"Permanent: it fades but never goes away completely; without touch-ups it would "
            f"{seen} after {RESIDUAL_YEARS:.0f} years (ΔE00 {de:.1f} against bare skin; "
            f"{perceptible:g} is perceptible)."
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (keys are the public contract)."""
        p10, p50, p90 = self.touchup_years
        d10, d50, d90 = self.touchup_dates
        return {
            "fadecast_version": __version__,
            "model_version": MODEL_VERSION,
            "samples": self.samples,
            "seed": self.seed,
            "first_session": self.scenario.first_session.isoformat(),
            "sessions": [d.isoformat() for d in self.scenario.session_dates],
            "touchup": {
                "p10_years": _num(p10),
                "p50_years": _num(p50),
                "p90_years": _num(p90),
                "p10_date": None if d10 is None else d10.isoformat(),
                "p50_date": None if d50 is None else d50.isoformat(),
                "p90_date": None if d90 is None else d90.isoformat(),
                "years_counted_from": self.scenario.first_session.isoformat(),
                "threshold_share": round(self.scenario.touchup_threshold, 4),
            },
            "exposure": {k: _num(v, 1) for k, v in self.exposure.items()},
            "curve": {
                "years": [_num(v, 4) for v in self.curve_years],
                "contrast_p10": [_num(v) for v in self.curve_social[0]],
                "contrast_p50": [_num(v) for v in self.curve_social[1]],
                "contrast_p90": [_num(v) for v in self.curve_social[2]],
                "closeup_p50": [_num(v) for v in self.curve_closeup_p50],
                "unit": "CIEDE2000 against bare skin",
                "target_delta_e00": _num(self.target_delta_e00),
                "touchup_level_delta_e00": _num(self.threshold_delta_e00),
            },
            "residual": {
                "years": RESIDUAL_YEARS,
                "delta_e00_p50": _num(self.residual_social_p50),
                "closeup_delta_e00_p50": _num(self.residual_closeup_p50),
            },
            "attribution": [
                {"factor": a.factor, "years": _num(a.years, 2), "reference": a.reference}
                for a in self.attribution
            ],
            "warnings": list(self.warnings),
            "personal": None if self.personal is None else self._personal_dict(self.personal),
        }

    def _personal_dict(self, personal: Personal) -> dict[str, Any]:
        dates = self.personal_dates
        assert dates is not None
        return {
            "measurements": personal.measurements,
            "effective_sample_size": _num(personal.effective_sample_size, 1),
            "residual_sd": _num(personal.residual_sd),
            "touchup": {
                "p10_years": _num(personal.touchup_years[0]),
                "p50_years": _num(personal.touchup_years[1]),
                "p90_years": _num(personal.touchup_years[2]),
                "p10_date": None if dates[0] is None else dates[0].isoformat(),
                "p50_date": None if dates[1] is None else dates[1].isoformat(),
                "p90_date": None if dates[2] is None else dates[2].isoformat(),
            },
        }


def _observed(sc: Scenario, run: _Run) -> tuple[Array, Array, Array]:
    """Each draw's contrast at the measurements ``(n, m)``, the measured values and
    their errors ``(m,)``. [ΔE00]"""
    model = np.stack([_at(run.times, run.social, o.years) for o in sc.observations], axis=1)
    observed = np.array([o.social_delta_e00 for o in sc.observations])
    sd = np.array([o.sd_delta_e00 for o in sc.observations])
    return model, observed, sd


def personal_weights(sc: Scenario, run: _Run) -> Array:
    """Each draw's weight given the scenario's measurements (see fadecast.forecasting.personal)."""
    return likelihood_weights(*_observed(sc, run))


def _personal(sc: Scenario, run: _Run) -> Personal | None:
    """The run re-weighted by the scenario's measurements, or None without any."""
    if not sc.observations:
        return None
    model, observed, sd = _observed(sc, run)
    weights = likelihood_weights(model, observed, sd)
    q = weighted_quantiles(np.minimum(run.touchup_years, 1e9), weights, (0.1, 0.5, 0.9))
    p10, p50, p90 = (float(v) if v <= sc.horizon_years else math.inf for v in q)
    return Personal(
        touchup_years=(p10, p50, p90),
        effective_sample_size=effective_sample_size(weights),
        measurements=len(sc.observations),
        residual_sd=weighted_rms_misfit(model, observed, sd, weights),
    )


def _num(value: float, digits: int = 3) -> float | None:
    v = float(value)
    if not math.isfinite(v):
        return None
    return round(v, digits) + 0.0


def _date_after(start: dt.date, years: float) -> dt.date | None:
    """The date ``years`` after ``start``; None for never (inf) or past the calendar."""
    if not math.isfinite(years):
        return None
    try:
        return start + dt.timedelta(days=round(years * _DAYS_PER_YEAR))
    except OverflowError:
        return None


# ----------------------------------------------------------------------------- drivers


def _p50(touchup: Array, horizon_years: float) -> float:
    """Median touch-up time, counting those beyond the horizon as at the horizon."""
    return float(np.quantile(np.minimum(touchup, horizon_years), 0.5))


def _quantiles(touchup: Array, horizon_years: float) -> tuple[float, float, float]:
    """P10/P50/P90 touch-up times; inf where a quantile lies beyond the horizon."""
    q = np.quantile(np.minimum(touchup, 1e9), [0.1, 0.5, 0.9])
    p10, p50, p90 = (float(v) if v <= horizon_years else math.inf for v in q)
    return p10, p50, p90


#: Levels of the 16-bit code on which :func:`_curve_quantiles` sorts curves.
_QUANTILE_CODES = 65535


def _curve_quantiles(curves: NDArray[np.floating[Any]], q: Sequence[float]) -> Array:
    """Quantiles over draws of curves ``(n, T)`` at each time, shape ``(len(q), T)``.

    numpy's default (linear) quantile definition, computed by one sort per time of the
    curves coded on 16 bits over their range, which numpy sorts by radix, several times
    faster than sorting floats. The coding rounds each value by at most 1/131070 of the
    curves' range (2.3e-4 ΔE00 for a range of 30 ΔE00), below the three decimals the
    curves are reported to.
    """
    n = curves.shape[0]
    lowest, highest = float(np.min(curves)), float(np.max(curves))
    span = highest - lowest
    if not span > 0.0:
        return np.full((len(q), curves.shape[1]), lowest)
    step = span / _QUANTILE_CODES
    codes = np.empty((curves.shape[1], n), dtype=np.uint16)
    np.rint((curves.T - lowest) / step, out=codes, casting="unsafe")
    ordered = np.sort(codes, axis=1, kind="stable")
    position = np.asarray(q, dtype=np.float64) * (n - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    frac = (position - below)[:, None]
    lo = ordered[:, below].T.astype(np.float64)
    hi = ordered[:, above].T.astype(np.float64)
    return np.asarray(lowest + step * (lo + frac * (hi - lo)), dtype=np.float64)


def _differs(sc: Scenario, factor: str) -> bool:
    return _reference_variant(sc, factor) != sc


def _warnings(
    sc: Scenario,
    run: _Run,
    touchup: tuple[float, float, float],
    today: dt.date,
    *,
    pigment: Pigment,
    personal: Personal | None,
) -> list[str]:
    out: list[str] = []
    perceptible = parameters.central_values()["perceptibility_delta_e00"]
    visible = _can_show(run.target)
    if sc.placement == "deep":
        out.append("deep placement: expect blur and a blue-grey cast as the dots spread")
    if sc.placement == "shallow":
        out.append(
            "shallow placement: pigment near the surface is shed and eroded; "
            "expect early, patchy fading"
        )
    if not pigment.is_lightfast:
        out.append(
            f"{sc.pigment} pigment: its organic components fade in light and the colour can shift"
        )
    if sc.sunbed_sessions_per_year > 0:
        out.append(
            "sunbeds: their UVA-rich light reaches the pigment; every session shortens the interval"
        )
    if sc.immune != "normal":
        out.append(
            f"immune system {sc.immune}: its effect on fading is not measured; the window is wider"
        )
    healed_p50 = float(np.median(_at(run.times, run.social, run.healed_years)))
    if not visible:
        out.append(
            f"on this skin (L* {sc.skin.lab[0]:.0f}) even a well-placed {sc.pigment} course "
            f"would hardly show at social distance (ΔE00 {run.target:.2f} against bare skin; "
            f"{perceptible:g} is perceptible): no touch-up window is forecast, since no "
            "session could make it visible"
        )
    elif healed_p50 < perceptible:
        out.append(
            f"the healed result is likely to be invisible at social distance (median ΔE00 "
            f"{healed_p50:.2f} against bare skin; {perceptible:g} is perceptible)"
        )
    elif healed_p50 < sc.touchup_threshold * run.target:
        out.append(
            "the healed result is likely to look faint: expect a touch-up soon after healing"
        )
    _, p50, p90 = touchup
    if math.isfinite(p50):
        due = _date_after(sc.first_session, p50)
        if due is not None and due < today and not sc.prospective:
            out.append(f"a touch-up is probably due already (median date {due.isoformat()})")
    if visible and not math.isfinite(p90):
        out.append(
            f"in some scenarios no touch-up is needed within the {sc.horizon_years:g}-year horizon"
        )
    if personal is not None:
        out += _personal_warnings(sc, personal, today)
    return out


def _personal_warnings(sc: Scenario, personal: Personal, today: dt.date) -> list[str]:
    """What the photo measurements' fit says about the personal window."""
    out: list[str] = []
    these = "the photo measurements" if personal.measurements != 1 else "the photo measurement"
    if personal.residual_sd > MAX_RESIDUAL_SD:
        out.append(
            f"{these} contradict the model: even the draws that fit best miss them by "
            f"{personal.residual_sd:.1f} times their errors; check the photos (scale, white "
            "card, untreated skin in view) and the stated errors before trusting the personal "
            "window"
        )
    if personal.effective_sample_size < LOW_EFFECTIVE_SAMPLE_SIZE:
        out.append(
            f"the personal window rests on few of the model's draws (effective sample size "
            f"{personal.effective_sample_size:.1f}): {these} fit few of its futures, so the "
            "window is narrower than it should be"
        )
    p10, p50, _ = personal.touchup_years
    start = _date_after(sc.first_session, p10)
    if start is not None and start < today:
        median = _date_after(sc.first_session, p50)
        when = (
            f"the measured fading puts the median on {median.isoformat()}, so a touch-up is "
            "probably due already"
            if median is not None and median < today
            else "a touch-up may be due now"
        )
        out.append(
            f"the personal window starts in the past ({start.isoformat()}, before today, "
            f"{today.isoformat()}): {when}"
        )
    return out


def _at(times: Array, curves: NDArray[np.floating[Any]], t: float) -> Array:
    j = int(np.clip(np.searchsorted(times, t), 1, len(times) - 1))
    w = (t - times[j - 1]) / (times[j] - times[j - 1])
    return np.asarray(curves[:, j - 1] * (1 - w) + curves[:, j] * w, dtype=np.float64)


def _attribution(
    sc: Scenario,
    base_p50: float,
    draws: Mapping[str, Array],
    cache: ModelCache,
    emulator: _ClearanceEmulator | None = None,
) -> tuple[Attribution, ...]:
    """Years each factor group costs or gains against its reference, largest first.

    Empty for SMP that cannot show on the client's skin: with no touch-up ever due there
    is no window to attribute.
    """
    if not _can_show(_target_contrast(sc, cache)):
        return ()
    attributions: list[Attribution] = []
    for factor, reference in FACTORS.items():
        gained = 0.0
        if _differs(sc, factor):
            alternative = _reference_variant(sc, factor)
            variant = (emulator.run(alternative, curves=False) if emulator else None) or _simulate(
                alternative, draws, cache, curves=False
            )
            gained = base_p50 - _p50(variant.touchup_years, sc.horizon_years)
        attributions.append(Attribution(factor, gained, reference))
    attributions.sort(key=lambda a: (-abs(a.years), a.factor))
    return tuple(attributions)


def _result(
    sc: Scenario,
    draws: Mapping[str, Array],
    cache: ModelCache,
    *,
    samples: int,
    seed: int,
    today: dt.date,
    attribution: bool,
    notes: Sequence[str] = (),
) -> ForecastResult:
    """The forecast of one scenario; its attribution only if ``attribution``."""
    run = _simulate(sc, draws, cache)
    result = _result_of_run(sc, run, cache, samples=samples, seed=seed, today=today, notes=notes)
    if not attribution:
        return result
    base_p50 = _p50(run.touchup_years, sc.horizon_years)
    found = _attribution(sc, base_p50, draws, cache)
    return dataclasses.replace(result, attribution=found)


def _result_of_run(
    sc: Scenario,
    run: _Run,
    cache: ModelCache,
    *,
    samples: int,
    seed: int,
    today: dt.date,
    notes: Sequence[str] = (),
) -> ForecastResult:
    """The forecast read from a run, without attribution; ``notes`` lead its warnings."""
    touchup = _quantiles(run.touchup_years, sc.horizon_years)
    keep = run.times <= sc.horizon_years + 1e-9
    years = run.times[keep]
    social = run.social[:, keep]
    q_social = _curve_quantiles(social, (0.1, 0.5, 0.9))
    assert run.closeup is not None
    closeup_p50 = _curve_quantiles(run.closeup[:, keep], (0.5,))[0]
    residual_social = float(np.median(_at(run.times, run.social, RESIDUAL_YEARS)))
    residual_closeup = float(np.median(_at(run.times, run.closeup, RESIDUAL_YEARS)))
    personal = _personal(sc, run)
    warnings = _warnings(
        sc, run, touchup, today, pigment=cache.pigment(sc.pigment), personal=personal
    )
    expo = {
        "ambient_sed_per_year": run.exposure.ambient_sed,
        "scalp_sed_per_year": float(np.median(run.exposure.scalp_sed + run.exposure.sunbed_sed)),
        "dermal_dose_per_year": float(np.median(run.exposure.dermal)),
    }
    return ForecastResult(
        scenario=sc,
        samples=samples,
        seed=seed,
        touchup_years=touchup,
        exposure=expo,
        curve_years=years,
        curve_social=(q_social[0], q_social[1], q_social[2]),
        curve_closeup_p50=closeup_p50,
        target_delta_e00=run.target,
        threshold_delta_e00=sc.touchup_threshold * run.target,
        residual_social_p50=residual_social,
        residual_closeup_p50=residual_closeup,
        attribution=(),
        warnings=(*notes, *warnings),
        today=today,
        personal=personal,
    )


def _check_samples(samples: int) -> None:
    if not 10 <= samples <= 200_000:
        raise ValueError(f"samples must be between 10 and 200000, got {samples}")


def forecast(
    profile: Profile | Scenario,
    *,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date | None = None,
    attribution: bool = True,
) -> ForecastResult:
    """Forecast how one client's SMP fades.

    Parameters
    ----------
    profile
        A validated profile (or an already resolved scenario).
    samples
        Monte Carlo draws.
    seed
        Seed of the random generator; the same seed gives the same result.
    today
        The date taken as today (start of a prospective course, overdue warnings).
    attribution
        Whether to attribute the forecast to factor groups (reruns the draws per group).

    Returns
    -------
    ForecastResult
        Its scenario's horizon reaches at least 5 years past the last session (extended,
        with a warning saying so, when the sessions span more of it).

    Raises
    ------
    InputError
        For an unknown city, or a ``today`` outside 1980-01-01 to 2999-12-31.
    ValueError
        If ``samples`` is out of range.
    """
    _check_samples(samples)
    today = _checked_today(today)
    sc = profile if isinstance(profile, Scenario) else scenario_from_profile(profile, today=today)
    sc, note = _covering_sessions(sc)
    draws = _draws(samples, seed)
    return _result(
        sc,
        draws,
        ModelCache(),
        samples=samples,
        seed=seed,
        today=today,
        attribution=attribution,
        notes=() if note is None else (note,),
    )


def forecast_many(
    profiles: Iterable[Profile | Scenario],
    *,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date | None = None,
    attribution: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[ForecastResult]:
    """Forecast many clients at once (e.g. a clinic's whole client list).

    Results agree with ``forecast(profile, samples=samples, seed=seed)``: the work that
    profiles share (per-place UV years, contrast tables, target contrasts, the draws) is
    done once, and like profiles share their Monte Carlo through a table over the
    clearance rate (or, for a photolabile pigment in the sun, over age and the dose at
    the pigment; see :class:`_ClearanceEmulator`), which reproduces single forecasts to
    within a few hundredths of a year.

    Parameters
    ----------
    profiles
        Validated profiles or resolved scenarios.
    samples, seed, today, attribution
        As for :func:`forecast`.
    progress
        Called with the number of profiles done, after each one (with attribution,
        profiles are done in a second pass, after every profile's own run).

    Returns
    -------
    list of ForecastResult
        In the order of ``profiles``.
    """
    _check_samples(samples)
    today = _checked_today(today)
    cache = ModelCache()
    draws = _draws(samples, seed)
    covered = [
        _covering_sessions(p if isinstance(p, Scenario) else scenario_from_profile(p, today=today))
        for p in profiles
    ]
    scenarios = [sc for sc, _ in covered]
    emulator = _ClearanceEmulator(draws, cache)
    for sc in scenarios:
        emulator.count(sc)
        if attribution:
            for f in FACTORS:
                if _differs(sc, f):
                    emulator.count(_reference_variant(sc, f))
    emulator.enable()
    # First the profiles themselves, group by group, so that only one group's curve
    # table is held at a time; then their attribution variants, which need touch-up
    # times only, from the tables the first pass left (so no group is tabulated twice).
    order = sorted(range(len(scenarios)), key=lambda i: repr(emulator.key(scenarios[i])))
    results: list[ForecastResult | None] = [None] * len(scenarios)
    base_p50: dict[int, float] = {}
    previous: _GroupKey | None = None
    for done, i in enumerate(order, start=1):
        sc = scenarios[i]
        key = emulator.key(sc)
        if key != previous:
            emulator.release_curves()
            previous = key
        run = emulator.run(sc, curves=True) or _simulate(sc, draws, cache)
        base_p50[i] = _p50(run.touchup_years, sc.horizon_years)
        note = covered[i][1]
        results[i] = _result_of_run(
            sc,
            run,
            cache,
            samples=samples,
            seed=seed,
            today=today,
            notes=() if note is None else (note,),
        )
        if progress is not None and not attribution:
            progress(done)
    emulator.release_curves()
    if attribution:
        for done, i in enumerate(order, start=1):
            result = results[i]
            assert result is not None
            found = _attribution(scenarios[i], base_p50[i], draws, cache, emulator)
            results[i] = dataclasses.replace(result, attribution=found)
            if progress is not None:
                progress(done)
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class DotStates:
    """A nominal dot at chosen years, for pictures: the central forecast, no Monte Carlo.

    Attributes
    ----------
    years
        Years after the healed course (year 0 is the healed result), shape ``(Y,)``. [yr]
    times_yr
        The same moments as model times since the first session, shape ``(Y,)``. [yr]
    peak_density_mg_cm2
        Peak areal pigment density of a nominal dot, shape ``(Y,)``. [mg/cm²]
    sigma_mm
        Gaussian width (sd) of a nominal dot, shape ``(Y,)``. [mm]
    sigma0_mm
        Width of a fresh healed dot at this depth. [mm]
    progress
        Photolysis progress, shape ``(Y,)``; zeros for lightfast pigments. [SED-equivalent]
    social_delta_e00
        Social-distance contrast of the regular lattice, shape ``(Y,)``. [ΔE00]
    closeup_delta_e00
        Dot-centre contrast of the regular lattice, shape ``(Y,)``. [ΔE00]
    spacing_mm
        Nominal distance between dots. [mm]
    depth_mm
        Pigment depth of the placement. [mm]
    """

    years: Array
    times_yr: Array
    peak_density_mg_cm2: Array
    sigma_mm: Array
    sigma0_mm: float
    progress: Array
    social_delta_e00: Array
    closeup_delta_e00: Array
    spacing_mm: float
    depth_mm: float


def dot_states(
    profile: Profile | Scenario,
    years: Sequence[float],
    *,
    today: dt.date | None = None,
    cache: ModelCache | None = None,
) -> DotStates:
    """The state of a nominal dot at the given years after the healed course.

    Every parameter at its central value (one draw), with the client's exposure,
    pigment, placement and sessions: the same kinetics and tables as :func:`forecast`.

    Parameters
    ----------
    profile
        A validated profile or a resolved scenario.
    years
        Years after the healed course, each in ``[0, 50]``. [yr]
    today
        The date taken as today (start of a prospective course).
    cache
        Shared model tables (pigments, contrast tables).

    Returns
    -------
    DotStates
    """
    sc = profile if isinstance(profile, Scenario) else scenario_from_profile(profile, today=today)
    span = np.asarray(years, dtype=np.float64)
    if span.ndim != 1 or np.any(span < 0) or np.any(span > RESIDUAL_YEARS):
        raise ValueError(f"years must be a list of values in [0, {RESIDUAL_YEARS:g}]")
    cache = cache or ModelCache()
    central = parameters.central_values()
    draws = {name: np.array([value]) for name, value in central.items()}
    expo = _exposure(sc, draws, cache)
    times = float(sc.session_years()[-1]) + central["healed_after_years"] + span
    rates = _rates(sc, draws, expo.dermal, cache, placement=sc.placement)
    dot = _dot_state(sc, draws, rates, times, cache, placement=sc.placement)
    sigma = np.sqrt(dot.sigma_sq[0])
    table = cache.table(sc.skin, sc.pigment, sc.placement)
    where = appearance.stencil(
        table, dot.peak[0], dot.progress[0], sigma / central["dot_spacing_mm"]
    )
    social, closeup = appearance.interpolate(
        np.stack([table.social_delta_e00, table.closeup_delta_e00]), where
    )
    return DotStates(
        years=span,
        times_yr=times,
        peak_density_mg_cm2=dot.peak[0],
        sigma_mm=sigma,
        sigma0_mm=float(dot.sigma0[0]),
        progress=dot.progress[0],
        social_delta_e00=social,
        closeup_delta_e00=closeup,
        spacing_mm=central["dot_spacing_mm"],
        depth_mm=central[f"depth_{sc.placement}_mm"],
    )


def summarise_factors(result: ForecastResult, top: int = 3) -> Sequence[Attribution]:
    """The factors that move the forecast most (non-zero, largest first)."""
    return [a for a in result.attribution if abs(a.years) >= 0.05][:top]
