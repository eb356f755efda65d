"""The physical chain of one scenario, draw by draw: exposure, clearance, the dot, contrast.

Each function composes the pure stages of :mod:`fadecast.sun` and :mod:`fadecast.skin`
for one scenario and the draws of :class:`~fadecast.forecasting.params.Params`:

1. :func:`scalp_exposure`: the erythemal dose (SED) on the scalp, and the UVA dose on the
   scalp and at the pigment, per year;
2. :func:`clearance_rates`: how fast the pigment clears, ``k(t) = k0 + k1 t``, and the UVA
   reaching the pigment's depth;
3. :func:`course_load` then :func:`dot_state`: the pigment each session leaves and what stays,
   then the dot it makes (peak density, width, photolysis, how much still draws sharp dots);
4. :func:`contrast_of_dots`: the contrasts read from the appearance table, the mean tone's
   and the definition's; :func:`contrast_curves` composes 3 and 4 from the rates.
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

    ambient_sed: float  # horizontal all-sky erythemal dose at home [SED/yr]
    scalp_sed: Array  # (n,) erythemal dose on the vertex from the sun [SED/yr]
    sunbed_sed: Array  # (n,) erythemal dose on the vertex from sunbeds [SED/yr]
    ambient_uva_kj_m2: float  # horizontal all-sky UVA at home [kJ/m²/yr]
    scalp_uva_kj_m2: Array  # (n,) UVA on the vertex, sun and sunbeds [kJ/m²/yr]
    dermal: Array  # (n,) UVA past the epidermis at the reference depth [kJ/m²/yr]


@dataclass(frozen=True)
class OpenSkyDoses:
    """Open-sky doses of a way of life, central values (:func:`ambient_doses`)."""

    everyday_sed: float  # [SED/yr]
    holiday_sed: float  # [SED/yr]
    ambient_sed: float  # [SED/yr]
    everyday_uva_kj_m2: float  # [kJ/m²/yr]
    holiday_uva_kj_m2: float  # [kJ/m²/yr]
    ambient_uva_kj_m2: float  # [kJ/m²/yr]

    @property
    def any_sun(self) -> bool:
        """Whether the way of life takes the person outdoors at all."""
        return self.everyday_sed > 0.0 or self.holiday_sed > 0.0


def ambient_doses(sc: Scenario, cache: ModelCache) -> OpenSkyDoses:
    """Open-sky doses of a way of life: everyday at home, on holiday, and ambient.

    Everyday and holiday doses weight each hour's UV index (for SED) and UVA (for kJ/m²)
    by the time spent outdoors then (activity windows, season, holidays) with central
    values of the sharp parameters; ``ambient`` is the horizontal all-sky dose at home,
    at home's altitude.
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
    doses: dict[str, float] = {}
    for name, year_of, per_hour, gain in (
        ("sed", cache.uv_year, exposure.SED_PER_UVI_HOUR, central["altitude_gain_per_km"]),
        (
            "uva_kj_m2",
            cache.uva_year,
            exposure.UVA_KJ_PER_W_HOUR,
            central["uva_altitude_gain_per_km"],
        ),
    ):
        home_year = year_of(sc.home)
        doses[f"everyday_{name}"] = exposure.everyday_dose(
            home_year,
            sc.home.latitude_deg,
            weekday_hours=sc.outdoor_hours_weekday,
            weekend_hours=sc.outdoor_hours_weekend,
            outdoor_job=sc.outdoor_job,
            holiday_weeks=sc.holiday_weeks,
            seasonal_amplitude=central["seasonal_outdoor_amplitude"],
            cloud_factor=sc.home_cloud_factor,
            dose_per_unit_hour=per_hour,
        )
        doses[f"holiday_{name}"] = 0.0
        if sc.holiday_weeks > 0:
            doses[f"holiday_{name}"] = exposure.holiday_dose(
                year_of(sc.holiday or sc.home),
                sc.home.latitude_deg,
                holiday_weeks=sc.holiday_weeks,
                hours_per_day=central["holiday_outdoor_hours_per_day"],
                cloud_factor=sc.holiday_cloud_factor,
                dose_per_unit_hour=per_hour,
            )
        doses[f"ambient_{name}"] = exposure.ambient_dose(
            home_year,
            cloud_factor=sc.home_cloud_factor,
            altitude_factor=float(uv.altitude_factor(sc.home_altitude_m, gain)),
            dose_per_unit_hour=per_hour,
        )
    cache.doses[key] = OpenSkyDoses(**doses)
    return cache.doses[key]


def sunscreen_screen(sc: Scenario, params: Params, cache: ModelCache, *, band: str) -> Array:
    """Time-averaged sunscreen transmission per draw (wear-off and missed skin drawn). [1]

    ``band`` is ``"erythemal"`` (the SPF counts) or ``"uva"`` (the UVA protection factor
    counts, :func:`fadecast.sun.exposure.uva_protection_factor`).
    """
    half_life = params.drawn["sunscreen_half_life_h"]
    missed = params.drawn["sunscreen_missed_share"]
    factor = (
        sc.sunscreen_spf
        if band == "erythemal"
        else float(exposure.uva_protection_factor(sc.sunscreen_spf, sc.sunscreen_uva_pf))
    )
    key = (
        factor,
        sc.sunscreen_mg_per_cm2,
        sc.sunscreen_reapply_hours,
        id(half_life),
        id(missed),
        len(half_life),
    )
    if key not in cache.screens:
        cache.screens[key] = exposure.sunscreen_transmission(
            factor,
            sc.sunscreen_mg_per_cm2,
            reapply_hours=sc.sunscreen_reapply_hours,
            half_life_h=half_life,
            missed_share=missed,
        )
    return cache.screens[key]


def scalp_exposure(sc: Scenario, params: Params, cache: ModelCache) -> ScalpExposure:
    """The UV doses of each draw at the scalp's vertex and in the dermis.

    Open-sky doses at home and on holiday (:func:`ambient_doses`), with each draw's
    altitude gain and shade, through hat, hair and sunscreen, plus sunbeds. The erythemal
    dose passes sunscreen by its SPF; the UVA dose by its UVA protection. The dermal
    dose is the UVA, sunbeds' included, that passes the epidermis's melanin.

    Parameters
    ----------
    sc
        The scenario.
    params
        The run's parameters (drawn: altitude gains, shade, vertex ratio, hair UPF, sunbed
        irradiance and UVA, sunscreen half-life and missed skin).
    cache
        Shared work (UV years, doses, sunscreen transmissions).

    Returns
    -------
    ScalpExposure
        Doses per year of every draw. [SED/yr, kJ/m²/yr]
    """
    central = params.central
    sky = ambient_doses(sc, cache)
    protection = exposure.hat_transmission(sc.hat_share, sc.hat_upf) * exposure.hair_transmission(
        sc.hair_length_mm,
        upf_full=params.drawn["hair_upf_full"],
        length_scale_mm=central["hair_length_scale_mm"],
    )
    on_vertex = params.drawn["vertex_exposure_ratio"] * params.drawn["cloud_factor_uncertainty"]

    def on_scalp(everyday: float, holiday: float, gain: Array, band: str) -> Array:
        open_sky = params.drawn["outdoor_shade_factor"] * everyday * uv.altitude_factor(
            sc.home_altitude_m, gain
        ) + params.drawn["holiday_shade_factor"] * holiday * uv.altitude_factor(
            sc.holiday_altitude_m, gain
        )
        through = protection
        if sc.sunscreen_share > 0:
            screen = sunscreen_screen(sc, params, cache, band=band)
            through = through * exposure.sunscreen_over_outdoor_time(sc.sunscreen_share, screen)
        return np.asarray(on_vertex * open_sky * through, dtype=np.float64)

    scalp_sed = on_scalp(
        sky.everyday_sed, sky.holiday_sed, params.drawn["altitude_gain_per_km"], "erythemal"
    )
    scalp_uva = on_scalp(
        sky.everyday_uva_kj_m2,
        sky.holiday_uva_kj_m2,
        params.drawn["uva_altitude_gain_per_km"],
        "uva",
    )
    sunbed = (
        exposure.sunbed_dose_sed(
            sc.sunbed_sessions_per_year, sc.sunbed_minutes, params.drawn["sunbed_irradiance_w_m2"]
        )
        * params.drawn["sunbed_vertex_ratio"]
    )
    # Sunbed lamps give more UVA per SED than sunlight.
    sunbed_uva = sunbed * central["sunlight_uva_per_sed_kj_m2"] * params.drawn["sunbed_uva_weight"]
    scalp_uva = scalp_uva + sunbed_uva
    dermal = scalp_uva * cache.skin_factor(sc.skin.melanin_fraction)
    return ScalpExposure(
        ambient_sed=sky.ambient_sed,
        scalp_sed=scalp_sed,
        sunbed_sed=sunbed,
        ambient_uva_kj_m2=sky.ambient_uva_kj_m2,
        scalp_uva_kj_m2=scalp_uva,
        dermal=dermal,
    )


@dataclass(frozen=True)
class ClearanceRates:
    """Per-draw rates of one scenario: clearance k(t) = k0 + k1 t and UV at the pigment."""

    k0: Array  # (n,) [1/yr]
    k1: Array  # (n,) [1/yr²]
    uv_at_pigment: Array  # (n,) UVA at the pigment's depth [kJ/m²/yr]


def uv_at_pigment(params: Params, dermal: Array, *, placement: str) -> Array:
    """UVA reaching the pigment's depth, per draw. [kJ/m²/yr]"""
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
        UVA past the epidermis at the reference depth per draw
        (:attr:`ScalpExposure.dermal`), shape ``(n,)``. [kJ/m²/yr]
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
    """Rates for a given UVA dose at the pigment [kJ/m²/yr] and age at the first session
    [yr] (:func:`fadecast.skin.kinetics.clearance_rate`)."""
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
        uv_clearance_per_dose=params.drawn["uv_clearance_per_uva_kj_m2"],
        erosion_rate_per_year=erosion,
    )
    return ClearanceRates(k0=k0, k1=k1, uv_at_pigment=dose_at_pigment)


@dataclass(frozen=True)
class PigmentLoad:
    """Pigment in a dot per draw and time, from :func:`kinetics.pigment_load`."""

    per_component: Array  # (n, C, T) [mg/cm²]
    mean_age: Array  # (n, T) load-weighted mean time since deposition [yr]
    sharp: Array  # (n, T) the part that still draws the dot pattern (sharp load) [mg/cm²]


@dataclass(frozen=True)
class DotState:
    """A dot per draw and time: what the appearance tables are read with."""

    peak: Array  # (n, T) peak density [mg/cm²]
    sigma_sq: Array  # (n, T) squared Gaussian width [mm²]
    sigma0: Array  # (n,) width of a fresh healed dot [mm]
    progress: Array  # (n, T) photolysis progress [SED-equivalent]
    definition_peak: Array  # (n, T) peak of a well-placed dot holding the sharp load [mg/cm²]


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
        "slow_share": params.drawn["slow_share"],
        "slow_rate_per_year": params.drawn["slow_clearance_rate_per_year"],
        "clearance_rate_per_year": rates.k0,
        "clearance_slope_per_year2": rates.k1,
        # Photolysis rates are given per SED of sunlight's UVA at the pigment.
        "photolysis_rate_per_year": rates.uv_at_pigment[:, None]
        / central["sunlight_uva_per_sed_kj_m2"]
        * pigment.photolysis_per_dermal_sed[None, :],
        "sharpness_rate_per_year": kinetics.sharpness_rate(
            diffusivity(params, placement=placement), pitch_mm=central["dot_spacing_mm"]
        ),
    }


def diffusivity(params: Params, *, placement: str) -> Array:
    """Lateral diffusivity of each draw's pigment at the placement's depth. [mm²/yr]"""
    return kinetics.lateral_diffusivity(
        params.drawn[f"depth_{placement}_mm"],
        diffusivity_mm2_per_year=params.drawn["lateral_diffusivity_mm2_per_year"],
        reference_depth_mm=params.central["depth_optimal_mm"],
        depth_exponent=params.central["diffusivity_depth_exponent"],
    )


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
    load, mean_age, sharp = kinetics.pigment_load(
        times,
        sessions,
        np.broadcast_to(deposit[:, None], (len(deposit), len(sessions))),
        **kinetic_inputs(sc, params, rates, cache, placement=placement),
    )
    return PigmentLoad(per_component=load, mean_age=mean_age, sharp=sharp)


def dot_state(
    sc: Scenario, params: Params, load: PigmentLoad, cache: ModelCache, *, placement: str
) -> DotState:
    """Peak density, width, photolysis progress and definition of a dot holding ``load``.

    The definition is what the sharp load would give as a dot of the width a well-placed
    dot heals to: a dot placed deeper heals wider and so carries less of its pigment in
    the pattern (:func:`fadecast.skin.kinetics.definition_peak`); a narrower dot gains
    nothing.
    """
    central = params.central
    depth = params.drawn[f"depth_{placement}_mm"]
    optimal = central["depth_optimal_mm"]
    total = load.per_component.sum(axis=1)
    sigma0 = kinetics.healed_dot_sigma(
        params.drawn["dot_sigma_mm"],
        depth,
        reference_depth_mm=optimal,
        depth_exponent=central["dot_sigma_depth_exponent"],
    )
    sigma_sq = kinetics.dot_width_sq(
        load.mean_age,
        sigma0_mm=sigma0,
        diffusivity_mm2_per_year=diffusivity(params, placement=placement),
    )
    definition = kinetics.definition_peak(
        load.sharp,
        sigma0_mm=sigma0,
        reference_sigma_mm=params.drawn["dot_sigma_mm"],
        pitch_mm=central["dot_spacing_mm"],
    )
    return DotState(
        peak=kinetics.peak_density(total, sigma0_mm=sigma0, sigma_sq_mm2=sigma_sq),
        sigma_sq=sigma_sq,
        sigma0=sigma0,
        progress=appearance.photolysis_progress(load.per_component, cache.pigment(sc.pigment)),
        definition_peak=definition,
    )


@dataclass(frozen=True)
class ContrastCurves:
    """Contrast curves per draw and time (:func:`contrast_of_dots`)."""

    social: Array  # (n, T) mean-tone contrast against bare skin [dE00]
    definition: Array  # (n, T) contrast the still-sharp dot pattern carries [dE00]
    drift: Array | None = None  # (n, T) discolouration by photolysis [dE00]
    closeup: Array | None = None  # (n, T) dot-centre contrast [dE00]

    @property
    def look(self) -> Array:
        """The contrast that decides the look, the lower of the tone's and the
        definition's, ``(n, T)``: the definition, which :func:`contrast_of_dots` never
        lets above the tone. [ΔE00]"""
        return self.definition


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
    """Contrast curves of dot states, read from the scenario's appearance table.

    The definition is the social-distance contrast of the well-placed dot that would draw
    the pattern as sharply (:attr:`DotState.definition_peak`): when spreading, blur or a
    too-deep placement has taken the pattern's modulation, the dots no longer read as
    separate stubble even if the mean tone is still dark.
    """
    pigment = cache.pigment(sc.pigment)
    spacing = cache.central["dot_spacing_mm"]
    width_ratio = np.sqrt(dot.sigma_sq) / spacing
    table = cache.table(sc.skin, sc.pigment, placement)
    where = appearance.stencil(table, dot.peak, dot.progress, width_ratio)
    well_placed = cache.central["dot_sigma_mm"] / spacing  # one width for every draw
    sharp_where = appearance.stencil(table, dot.definition_peak, dot.progress, well_placed)
    definition = appearance.interpolate(table.social_delta_e00[None], sharp_where)[0]
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
    return ContrastCurves(
        social=social,
        definition=np.minimum(definition, social),
        drift=drift,
        closeup=read.pop(0) if closeup else None,
    )


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
