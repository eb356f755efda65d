"""The physical chain of one scenario, draw by draw: exposure, clearance, the dot, contrast.

Each function composes the pure stages of :mod:`fadecast.sun` and :mod:`fadecast.skin`
for one scenario and the draws of :class:`~fadecast.forecasting.params.Params`:

1. :func:`scalp_exposure`: the UV dose at the scalp and in the dermis per year;
2. :func:`clearance_rates`: how fast the pigment clears, ``k(t) = k0 + k1 t``, and the dose
   reaching the pigment's depth;
3. :func:`course_load` then :func:`dot_state`: the pigment each session leaves and what stays,
   then the dot it makes (peak density, width, photolysis);
4. :func:`contrast_of_dots`: the contrasts read from the appearance table;
   :func:`contrast_curves` composes 3 and 4 from the rates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.forecasting.scenario import DAYS_PER_YEAR, STANDARD_COURSE_DAYS, Scenario
from fadecast.skin import appearance, kinetics
from fadecast.sun import exposure, uv

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ScalpExposure:
    """The UV doses of one scenario per year, draw by draw (:func:`scalp_exposure`)."""

    ambient_sed: float  # horizontal all-sky dose at home, central altitude gain [SED/yr]
    scalp_sed: Array  # (n,) [SED/yr]
    sunbed_sed: Array  # (n,) vertex dose from sunbeds [SED/yr]
    dermal: Array  # (n,) dermal dose at the reference depth [SED-equivalent/yr]


def ambient_doses(sc: Scenario, cache: ModelCache) -> tuple[float, float, float]:
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
    central = cache.central
    uvi_home = cache.uv_year(sc.home)
    everyday = exposure.everyday_dose_sed(
        uvi_home,
        sc.home.latitude_deg,
        weekday_hours=sc.outdoor_hours_weekday,
        weekend_hours=sc.outdoor_hours_weekend,
        outdoor_job=sc.outdoor_job,
        holiday_weeks=sc.holiday_weeks,
        seasonal_amplitude=central["seasonal_outdoor_amplitude"],
        cloud_factor=sc.home_cloud_factor,
    )
    holiday = 0.0
    if sc.holiday_weeks > 0:
        holiday = exposure.holiday_dose_sed(
            cache.uv_year(sc.holiday or sc.home),
            sc.home.latitude_deg,
            holiday_weeks=sc.holiday_weeks,
            hours_per_day=central["holiday_outdoor_hours_per_day"],
            cloud_factor=sc.holiday_cloud_factor,
        )
    ambient = exposure.ambient_dose_sed(
        uvi_home,
        cloud_factor=sc.home_cloud_factor,
        altitude_factor=float(
            uv.altitude_factor(sc.home_altitude_m, central["altitude_gain_per_km"])
        ),
    )
    cache.doses[key] = (everyday, holiday, ambient)
    return cache.doses[key]


def sunscreen_screen(sc: Scenario, params: Params, cache: ModelCache) -> Array:
    """Time-averaged sunscreen transmission per draw (wear-off drawn). [1]"""
    half_life = params.drawn["sunscreen_half_life_h"]
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


def scalp_exposure(sc: Scenario, params: Params, cache: ModelCache) -> ScalpExposure:
    """The UV dose of each draw at the scalp's vertex and in the dermis.

    Open-sky doses at home and on holiday (:func:`ambient_doses`), with each draw's
    altitude gain and shade, through hat, hair and sunscreen, plus sunbeds; the dermal
    dose weights sunbed UVA and passes the skin's melanin.

    Parameters
    ----------
    sc
        The scenario.
    params
        The run's parameters (drawn: altitude gain, shade, vertex ratio, hair UPF, sunbed
        irradiance and weights, sunscreen half-life).
    cache
        Shared work (UV years, doses, sunscreen transmissions).

    Returns
    -------
    ScalpExposure
        Doses per year of every draw. [SED/yr]
    """
    central = params.central
    everyday, holiday, ambient = ambient_doses(sc, cache)

    gain = params.drawn["altitude_gain_per_km"]
    alt_home = uv.altitude_factor(sc.home_altitude_m, gain)
    alt_hol = uv.altitude_factor(sc.holiday_altitude_m, gain)
    open_sky = (
        params.drawn["outdoor_shade_factor"] * everyday * alt_home
        + params.drawn["holiday_shade_factor"] * holiday * alt_hol
    )
    protection = exposure.hat_transmission(sc.hat_share, sc.hat_upf) * exposure.hair_transmission(
        sc.hair_length_mm,
        upf_full=params.drawn["hair_upf_full"],
        length_scale_mm=central["hair_length_scale_mm"],
    )
    if sc.sunscreen_share > 0:
        screen = sunscreen_screen(sc, params, cache)
        protection = protection * ((1.0 - sc.sunscreen_share) + sc.sunscreen_share * screen)
    scalp = (
        params.drawn["vertex_exposure_ratio"]
        * params.drawn["cloud_factor_uncertainty"]
        * open_sky
        * protection
    )
    sunbed = (
        exposure.sunbed_dose_sed(
            sc.sunbed_sessions_per_year, sc.sunbed_minutes, params.drawn["sunbed_irradiance_w_m2"]
        )
        * params.drawn["sunbed_vertex_ratio"]
    )
    skin_factor = cache.skin_factor(sc.skin.melanin_fraction)
    dermal = (scalp + params.drawn["sunbed_dermal_weight"] * sunbed) * skin_factor
    return ScalpExposure(ambient_sed=ambient, scalp_sed=scalp, sunbed_sed=sunbed, dermal=dermal)


@dataclass(frozen=True)
class ClearanceRates:
    """Per-draw rates of one scenario: clearance k(t) = k0 + k1 t and UV at the pigment."""

    k0: Array  # (n,) [1/yr]
    k1: Array  # (n,) [1/yr²]
    uv_at_pigment: Array  # (n,) dermal dose at the pigment's depth [SED-equivalent/yr]


def uv_at_pigment(params: Params, dermal: Array, *, placement: str) -> Array:
    """Dermal dose reaching the pigment's depth, per draw. [SED-equivalent/yr]"""
    central = params.central
    return dermal * kinetics.uv_depth_factor(
        params.drawn[f"depth_{placement}_mm"],
        reference_depth_mm=central["depth_optimal_mm"],
        depth_scale_mm=central["uv_depth_scale_mm"],
    )


def clearance_rates(
    sc: Scenario, params: Params, dermal: Array, cache: ModelCache, *, placement: str
) -> ClearanceRates:
    """Each draw's clearance rates for the scenario's dermal dose and age.

    Parameters
    ----------
    sc
        The scenario (pigment, immune status, smoking, age at the first session).
    params
        The run's parameters.
    dermal
        Dermal UV dose at the reference depth per draw (:attr:`ScalpExposure.dermal`),
        shape ``(n,)``. [SED-equivalent/yr]
    cache
        Shared work (pigments).
    placement
        Placement whose depth is used: ``"optimal"``, ``"shallow"`` or ``"deep"``.

    Returns
    -------
    ClearanceRates
    """
    dose = uv_at_pigment(params, dermal, placement=placement)
    return clearance_rates_at(
        sc, params, dose, sc.age_at_first_session(), cache, placement=placement
    )


def clearance_rates_at(
    sc: Scenario,
    params: Params,
    dose_at_pigment: Array,
    age_years: float,
    cache: ModelCache,
    *,
    placement: str,
) -> ClearanceRates:
    """Rates for a given UV dose at the pigment [SED-equivalent/yr] and age at the first
    session [yr] (:func:`fadecast.skin.kinetics.clearance_rate`)."""
    central = params.central
    pigment = cache.pigment(sc.pigment)
    depth = params.drawn[f"depth_{placement}_mm"]
    immune: Array | float = 1.0
    if sc.immune != "normal":
        immune = params.drawn[f"immune_{sc.immune}_factor"]
    smoke: Array | float = params.drawn["smoker_factor"] if sc.smoker else 1.0
    k_bio = params.drawn["clearance_rate_per_year"] * pigment.clearance_factor * immune * smoke
    erosion = kinetics.junction_erosion_rate(
        depth,
        epidermis_mm=central["epidermis_mm"],
        rate_per_year=params.drawn["junction_erosion_rate_per_year"],
        depth_scale_mm=central["junction_erosion_depth_mm"],
    )
    k0, k1 = kinetics.clearance_rate(
        k_bio,
        age_offset_years=age_years - central["reference_age_years"],
        age_slope_per_decade=params.drawn["age_clearance_per_decade"],
        uv_dose=dose_at_pigment,
        uv_clearance_per_dose=params.drawn["uv_clearance_per_dermal_sed"],
        erosion_rate_per_year=erosion,
    )
    return ClearanceRates(k0=k0, k1=k1, uv_at_pigment=dose_at_pigment)


@dataclass(frozen=True)
class PigmentLoad:
    """Pigment in a dot per draw and time, from :func:`kinetics.pigment_load`."""

    per_component: Array  # (n, C, T) [mg/cm²]
    mean_age: Array  # (n, T) load-weighted mean time since deposition [yr]


@dataclass(frozen=True)
class DotState:
    """A dot per draw and time: what the appearance tables are read with."""

    peak: Array  # (n, T) peak density [mg/cm²]
    sigma_sq: Array  # (n, T) squared Gaussian width [mm²]
    sigma0: Array  # (n,) width of a fresh healed dot [mm]
    progress: Array  # (n, T) photolysis progress [SED-equivalent]


def kinetic_inputs(
    sc: Scenario, params: Params, rates: ClearanceRates, cache: ModelCache, *, placement: str
) -> dict[str, Any]:
    """The per-draw arguments the kinetics laws share, for one scenario."""
    central = params.central
    pigment = cache.pigment(sc.pigment)
    depth = params.drawn[f"depth_{placement}_mm"]
    return {
        "component_shares": pigment.shares,
        "shallow_share": kinetics.shallow_share(
            depth, epidermis_mm=central["epidermis_mm"], depth_spread_mm=central["depth_spread_mm"]
        ),
        "healing_loss": params.drawn["healing_loss"],
        "healing_time_yr": central["healing_time_days"] / DAYS_PER_YEAR,
        "epidermal_time_yr": central["epidermal_turnover_days"] / DAYS_PER_YEAR,
        "fixed_share": params.drawn["fixed_share"],
        "clearance_rate_per_year": rates.k0,
        "clearance_slope_per_year2": rates.k1,
        "photolysis_rate_per_year": rates.uv_at_pigment[:, None]
        * pigment.photolysis_per_dermal_sed[None, :],
    }


def session_deposit(sc: Scenario, params: Params, cache: ModelCache) -> Array:
    """Peak density one session leaves in a fresh dot, per draw. [mg/cm²]"""
    return np.asarray(
        cache.pigment(sc.pigment).typical_deposit_mg_cm2 * params.drawn["deposit_multiplier"]
    )


def course_load(
    sc: Scenario,
    params: Params,
    rates: ClearanceRates,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
) -> PigmentLoad:
    """The pigment the scenario's sessions leave in a dot at ``times`` [yr], per draw.

    Each session deposits :func:`session_deposit`; what stays follows
    :func:`fadecast.skin.kinetics.pigment_load` with the draws' ``rates``.
    """
    sessions = sc.session_years()
    deposit = session_deposit(sc, params, cache)
    load, mean_age = kinetics.pigment_load(
        times,
        sessions,
        np.broadcast_to(deposit[:, None], (len(deposit), len(sessions))),
        **kinetic_inputs(sc, params, rates, cache, placement=placement),
    )
    return PigmentLoad(per_component=load, mean_age=mean_age)


def dot_state(
    sc: Scenario, params: Params, load: PigmentLoad, cache: ModelCache, *, placement: str
) -> DotState:
    """Peak density, width and photolysis progress of a dot holding ``load``."""
    central = params.central
    depth = params.drawn[f"depth_{placement}_mm"]
    optimal = central["depth_optimal_mm"]
    total = load.per_component.sum(axis=1)
    diffusivity = kinetics.lateral_diffusivity(
        depth,
        diffusivity_mm2_per_year=params.drawn["lateral_diffusivity_mm2_per_year"],
        reference_depth_mm=optimal,
        depth_exponent=central["diffusivity_depth_exponent"],
    )
    sigma0 = kinetics.healed_dot_sigma(
        params.drawn["dot_sigma_mm"],
        depth,
        reference_depth_mm=optimal,
        depth_exponent=central["dot_sigma_depth_exponent"],
    )
    sigma_sq = kinetics.dot_width_sq(
        load.mean_age, sigma0_mm=sigma0, diffusivity_mm2_per_year=diffusivity
    )
    return DotState(
        peak=kinetics.peak_density(total, sigma0_mm=sigma0, sigma_sq_mm2=sigma_sq),
        sigma_sq=sigma_sq,
        sigma0=sigma0,
        progress=appearance.photolysis_progress(load.per_component, cache.pigment(sc.pigment)),
    )


@dataclass(frozen=True)
class ContrastCurves:
    """Contrast curves per draw and time (:func:`contrast_of_dots`)."""

    social: Array  # (n, T) mean-tone contrast against bare skin [dE00]
    drift: Array | None = None  # (n, T) discolouration by photolysis [dE00]
    closeup: Array | None = None  # (n, T) dot-centre contrast [dE00]


def contrast_curves(
    sc: Scenario,
    params: Params,
    rates: ClearanceRates,
    times: Array,
    cache: ModelCache,
    *,
    placement: str,
    closeup: bool,
) -> ContrastCurves:
    """Contrast curves of the scenario's course at ``times`` [yr] for given rates.

    Composes :func:`course_load`, :func:`dot_state` and :func:`contrast_of_dots`.

    Parameters
    ----------
    sc
        The scenario (sessions, pigment, skin).
    params
        The run's parameters.
    rates
        Each draw's clearance rates (:func:`clearance_rates`).
    times
        Model times since the first session, shape ``(T,)``. [yr]
    cache
        Shared work (pigments, appearance tables).
    placement
        Placement whose depth and appearance table are used.
    closeup
        Whether to read the close-up contrast too.

    Returns
    -------
    ContrastCurves
        Curves of shape ``(n, T)``. [ΔE00]
    """
    load = course_load(sc, params, rates, times, cache, placement=placement)
    dot = dot_state(sc, params, load, cache, placement=placement)
    return contrast_of_dots(sc, dot, cache, placement=placement, closeup=closeup)


def contrast_of_dots(
    sc: Scenario, dot: DotState, cache: ModelCache, *, placement: str, closeup: bool
) -> ContrastCurves:
    """Contrast curves of dot states, read from the scenario's appearance table."""
    pigment = cache.pigment(sc.pigment)
    width_ratio = np.sqrt(dot.sigma_sq) / cache.central["dot_spacing_mm"]
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
    return ContrastCurves(social=social, drift=drift, closeup=read.pop(0) if closeup else None)


def target_contrast(sc: Scenario, cache: ModelCache) -> float:
    """Healed social-distance contrast of a well-placed standard course on this skin.

    It depends on the skin and the pigment only: the reference course is given at the
    reference age, with a normal immune system, no smoking and no UV.
    """
    key = (tuple(np.round(sc.skin.lab, 6)), sc.pigment)
    if key not in cache.targets:
        central = cache.central
        params = Params.central_only(central)
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
        rates = clearance_rates(reference, params, np.zeros(1), cache, placement="optimal")
        curves = contrast_curves(
            reference, params, rates, healed, cache, placement="optimal", closeup=False
        )
        cache.targets[key] = float(curves.social[0, 0])
    return cache.targets[key]
