"""Pigment kinetics: how much pigment stays in a dot, and how far it spreads.

Closed forms only (no ODE solver). Each session deposits pigment at a depth; the share
that lands in the epidermis is shed with the epidermal turnover; of the dermal share a
healing loss leaves within weeks; what heals in splits into a fixed pool, never cleared
by biology (macrophage capture-release-recapture, Baranska 2018), and a mobile pool
cleared at a rate ``k(t) = k0 + k1 t`` (biology, age drift, UV-driven inflammation, junction
erosion). Photolabile components also decay with the dermal UV dose. Lateral spread is
diffusive: ``sigma(t)^2 = sigma0^2 + 2 D (t - t_i)``.

Shapes: ``n`` draws, ``S`` sessions, ``T`` times, ``C`` pigment components. Time is in
years since the first session.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "clearance_integral",
    "clearance_rate",
    "dot_width_sq",
    "healed_dot_sigma",
    "junction_erosion_rate",
    "lateral_diffusivity",
    "load_mean_age",
    "peak_density",
    "pigment_load",
    "session_load",
    "shallow_share",
    "uv_depth_factor",
]

Array = NDArray[np.float64]


def shallow_share(depth_mm: ArrayLike, *, epidermis_mm: float, depth_spread_mm: float) -> Array:
    """Share of a deposit that lands in the epidermis, above the dermo-epidermal junction.

    The deposit is spread normally around its depth; the part above the junction is
    shed with the epidermis.

    Parameters
    ----------
    depth_mm
        Depth of the deposit's centre. [mm]
    epidermis_mm
        Epidermal thickness. [mm]
    depth_spread_mm
        Standard deviation of the deposit's depth. [mm]

    Returns
    -------
    ndarray
        Share in [0, 1]. [1]
    """
    z = np.asarray(depth_mm, dtype=np.float64)
    return np.asarray(special.ndtr((epidermis_mm - z) / depth_spread_mm), dtype=np.float64)


def junction_erosion_rate(
    depth_mm: ArrayLike, *, epidermis_mm: float, rate_per_year: ArrayLike, depth_scale_mm: float
) -> Array:
    """Extra clearance of pigment lying near the dermo-epidermal junction.

    ``rate · exp(-(z - z_epi) / scale)`` for pigment below the junction; the full rate at
    or above it.

    Parameters
    ----------
    depth_mm
        Pigment depth. [mm]
    epidermis_mm
        Epidermal thickness. [mm]
    rate_per_year
        Erosion rate at the junction. [1/yr]
    depth_scale_mm
        Depth over which the erosion falls by 1/e. [mm]

    Returns
    -------
    ndarray
        Erosion rate. [1/yr]
    """
    below = np.maximum(np.asarray(depth_mm, dtype=np.float64) - epidermis_mm, 0.0)
    return np.asarray(rate_per_year, dtype=np.float64) * np.exp(-below / depth_scale_mm)


def uv_depth_factor(
    depth_mm: ArrayLike, *, reference_depth_mm: float, depth_scale_mm: float
) -> Array:
    """Relative UV-driven clearance at a depth, 1 at the reference (optimal) depth.

    Parameters
    ----------
    depth_mm
        Pigment depth. [mm]
    reference_depth_mm
        Depth at which the factor is 1. [mm]
    depth_scale_mm
        1/e depth of the factor. [mm]

    Returns
    -------
    ndarray
        Factor > 1 for shallower pigment, < 1 for deeper. [1]
    """
    z = np.asarray(depth_mm, dtype=np.float64)
    return np.asarray(np.exp(-(z - reference_depth_mm) / depth_scale_mm), dtype=np.float64)


def lateral_diffusivity(
    depth_mm: ArrayLike,
    *,
    diffusivity_mm2_per_year: ArrayLike,
    reference_depth_mm: float,
    depth_exponent: float,
) -> Array:
    """Lateral pigment diffusivity at a depth: deeper pigment spreads more.

    ``D(z) = D_ref · (z / z_ref)^p``.

    Parameters
    ----------
    depth_mm
        Pigment depth. [mm]
    diffusivity_mm2_per_year
        Diffusivity at the reference depth. [mm²/yr]
    reference_depth_mm
        Reference (optimal) depth. [mm]
    depth_exponent
        Exponent p. [1]

    Returns
    -------
    ndarray
        Diffusivity. [mm²/yr]
    """
    z = np.asarray(depth_mm, dtype=np.float64)
    return (
        np.asarray(diffusivity_mm2_per_year, dtype=np.float64)
        * (z / reference_depth_mm) ** depth_exponent
    )


def clearance_integral(
    time_yr: ArrayLike, rate_per_year: ArrayLike, slope_per_year2: ArrayLike
) -> Array:
    """Integral of a clearance rate that changes linearly in time.

    ``Λ(t) = ∫₀ᵗ (k0 + k1 u) du = k0 t + k1 t² / 2``.

    Parameters
    ----------
    time_yr
        Times since the first session, broadcast against the rates. [yr]
    rate_per_year
        Rate at t = 0, k0. [1/yr]
    slope_per_year2
        Change of the rate per year, k1 (e.g. from ageing). [1/yr²]

    Returns
    -------
    ndarray
        Λ(t). [1]
    """
    t = np.asarray(time_yr, dtype=np.float64)
    return np.asarray(
        np.asarray(rate_per_year) * t + 0.5 * np.asarray(slope_per_year2) * t * t, dtype=np.float64
    )


def load_mean_age(age_weighted: Array, load_total: Array) -> Array:
    """Load-weighted mean time since deposition, zero where there is no load. [yr]

    Parameters
    ----------
    age_weighted
        Sum over sessions of each session's load times its age. [mg/cm² · yr]
    load_total
        Total load, same shape. [mg/cm²]

    Returns
    -------
    ndarray
        Mean age. [yr]
    """
    return np.divide(age_weighted, load_total, out=np.zeros_like(load_total), where=load_total > 0)


def pigment_load(
    time_yr: ArrayLike,
    session_time_yr: ArrayLike,
    deposit_mg_cm2: ArrayLike,
    *,
    component_shares: ArrayLike,
    shallow_share: ArrayLike,
    healing_loss: ArrayLike,
    healing_time_yr: float,
    epidermal_time_yr: float,
    fixed_share: ArrayLike,
    clearance_rate_per_year: ArrayLike,
    clearance_slope_per_year2: ArrayLike,
    photolysis_rate_per_year: ArrayLike,
) -> tuple[Array, Array]:
    """Pigment left in a dot per component, and its mean age.

    For a session at ``t_s`` with deposit ``D`` and ``Δ = t - t_s >= 0``::

        load = D · share_c · e^{-κ_c Δ} · [ f_sh e^{-Δ/τ_epi}
               + (1 - f_sh) ((1 - f_heal) + f_heal e^{-Δ/τ_heal})
                            (φ + (1 - φ) e^{-(Λ(t) - Λ(t_s))}) ]

    summed over sessions. Every factor separates into a per-draw part and a
    per-(session, time) part (``e^{-κΔ} = e^{-κt} e^{κt_s}``, likewise for Λ), so the
    sum over sessions is a small matrix product and no exponential is taken over
    draws × sessions × times.

    Parameters
    ----------
    time_yr
        Output times, shape ``(T,)``. [yr]
    session_time_yr
        Session times, shape ``(S,)``. [yr]
    deposit_mg_cm2
        Peak areal density each session leaves in a fresh dot, shape ``(n, S)``. [mg/cm²]
    component_shares
        Mass share of each pigment component, shape ``(C,)``. [1]
    shallow_share
        Share of each deposit landing in the epidermis, shape ``(n,)``. [1]
    healing_loss
        Share of the dermal deposit lost in healing, shape ``(n,)``. [1]
    healing_time_yr
        Time constant of the healing loss. [yr]
    epidermal_time_yr
        Time constant of epidermal shedding. [yr]
    fixed_share
        Share of the healed pigment in the fixed pool, shape ``(n,)``. [1]
    clearance_rate_per_year
        Mobile-pool clearance rate at t = 0, k0, shape ``(n,)``. [1/yr]
    clearance_slope_per_year2
        Its change per year, k1, shape ``(n,)``. [1/yr²]
    photolysis_rate_per_year
        Photochemical decay rate of each component, shape ``(n, C)``. [1/yr]

    Returns
    -------
    load : ndarray
        Peak-equivalent areal density per component, summed over sessions, shape
        ``(n, C, T)``. [mg/cm²]
    mean_age_yr : ndarray
        Load-weighted mean time since deposition, shape ``(n, T)``; it sets the spread. [yr]
    """
    t = np.asarray(time_yr, dtype=np.float64)
    ts = np.asarray(session_time_yr, dtype=np.float64)
    deposit = np.asarray(deposit_mg_cm2, dtype=np.float64)
    shares = np.asarray(component_shares, dtype=np.float64)
    n, n_c, n_t = deposit.shape[0], len(shares), len(t)

    def per_draw(x: ArrayLike) -> Array:  # (n,) or scalar -> (n, 1, 1)
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)).reshape(n, 1, 1)

    delta = t[None, :] - ts[:, None]  # (S, T)
    active = (delta >= 0.0).astype(np.float64)
    elapsed = delta * active
    # Per-(session, time) bases: present, healing transient, epidermal transient; each
    # also weighted by the time since deposit (for the mean age): shape (3, S, 2T).
    present = active
    healing = active * np.exp(-elapsed / healing_time_yr)
    epidermal = active * np.exp(-elapsed / epidermal_time_yr)
    bases = np.stack(
        [np.concatenate([b, b * elapsed], axis=1) for b in (present, healing, epidermal)]
    )

    # Per-draw factors: clearance e^{-Λ(t)} e^{Λ(t_s)}, photolysis e^{-κt} e^{κt_s}.
    k0 = np.broadcast_to(np.asarray(clearance_rate_per_year, dtype=np.float64), (n,))
    k1 = np.broadcast_to(np.asarray(clearance_slope_per_year2, dtype=np.float64), (n,))
    decay_t = np.exp(-np.minimum(clearance_integral(t[None, :], k0[:, None], k1[:, None]), 700.0))
    grow_s = np.exp(np.minimum(clearance_integral(ts[None, :], k0[:, None], k1[:, None]), 700.0))
    kappa = np.broadcast_to(np.asarray(photolysis_rate_per_year, dtype=np.float64), (n, n_c))
    lightfast = not np.any(kappa)
    weight = deposit[:, None, :] * shares[None, :, None]  # (n, C, S)
    if not lightfast:
        weight = weight * np.exp(np.minimum(kappa[:, :, None] * ts[None, None, :], 700.0))

    f_sh, f_heal, phi = per_draw(shallow_share), per_draw(healing_loss), per_draw(fixed_share)
    dermal = 1.0 - f_sh
    # Fold the per-draw coefficients into the weights and stack the bases along the
    # session axis, so each pool is one matrix product (n*C, b*S) @ (b*S, 2T).
    fixed_w = np.concatenate(
        [weight * dermal * phi * (1.0 - f_heal), weight * dermal * phi * f_heal, weight * f_sh],
        axis=2,
    )
    mobile_w = grow_s[:, None, :] * weight
    mobile_w = np.concatenate(
        [
            mobile_w * dermal * (1.0 - phi) * (1.0 - f_heal),
            mobile_w * dermal * (1.0 - phi) * f_heal,
        ],
        axis=2,
    )
    # Both pools as (n, C, 2, T): loads in [:, :, 0], age-weighted loads in [:, :, 1].
    both = (fixed_w.reshape(n * n_c, -1) @ bases.reshape(-1, 2 * n_t)).reshape(n, n_c, 2, n_t)
    mobile = (mobile_w.reshape(n * n_c, -1) @ bases[:2].reshape(-1, 2 * n_t)).reshape(
        n, n_c, 2, n_t
    )
    mobile *= decay_t[:, None, None, :]
    both += mobile
    if not lightfast:
        # Only components that photolyse (a stable one keeps e^0 = 1).
        for labile in np.flatnonzero(kappa.any(axis=0)):
            fade = np.exp(-np.minimum(kappa[:, labile, None] * t[None, :], 700.0))
            both[:, labile] *= fade[:, None, :]
    load = both[:, :, 0]
    # Sums over the few components, one at a time (cheaper than a strided reduction).
    load_sum = load[:, 0].copy()
    age_weighted = both[:, 0, 1].copy()
    for c in range(1, n_c):
        load_sum += load[:, c]
        age_weighted += both[:, c, 1]
    return load, load_mean_age(age_weighted, load_sum)


def session_load(
    time_yr: ArrayLike,
    session_time_yr: ArrayLike,
    deposit_mg_cm2: ArrayLike,
    *,
    component_shares: ArrayLike,
    shallow_share: ArrayLike,
    healing_loss: ArrayLike,
    healing_time_yr: float,
    epidermal_time_yr: float,
    fixed_share: ArrayLike,
    clearance_rate_per_year: ArrayLike,
    clearance_slope_per_year2: ArrayLike,
    photolysis_rate_per_year: ArrayLike,
) -> tuple[Array, Array]:
    """Pigment left by one session whose date differs draw by draw.

    The same law as :func:`pigment_load` for a single session at ``t_s`` per draw (a
    touch-up whose date follows from each draw's own fading); a session at ``inf``
    leaves nothing.

    Parameters
    ----------
    time_yr
        Output times, shape ``(T,)``. [yr]
    session_time_yr
        Session time per draw, shape ``(n,)``; ``inf`` for none. [yr]
    deposit_mg_cm2
        Peak areal density the session leaves in a fresh dot, shape ``(n,)``. [mg/cm²]
    component_shares, shallow_share, healing_loss, healing_time_yr, epidermal_time_yr,
    fixed_share, clearance_rate_per_year, clearance_slope_per_year2, photolysis_rate_per_year
        As for :func:`pigment_load`.

    Returns
    -------
    load : ndarray
        Peak-equivalent areal density per component, shape ``(n, C, T)``. [mg/cm²]
    age_weighted : ndarray
        Total load times the time since the session, shape ``(n, T)``. [mg/cm² · yr]
    """
    t = np.asarray(time_yr, dtype=np.float64)[None, :]
    ts = np.asarray(session_time_yr, dtype=np.float64)
    n = len(ts)
    shares = np.asarray(component_shares, dtype=np.float64)

    def per_draw(x: ArrayLike) -> Array:  # (n,) or scalar -> (n, 1)
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))[:, None]

    happened = np.isfinite(ts)
    start = np.where(happened, ts, 0.0)[:, None]
    active = happened[:, None] & (t >= start)
    elapsed = np.where(active, t - start, 0.0)  # (n, T)
    k0, k1 = per_draw(clearance_rate_per_year), per_draw(clearance_slope_per_year2)
    # Λ(t) - Λ(t_s) = (t - t_s) (k0 + k1 (t + t_s) / 2)
    cleared = np.exp(-np.minimum(elapsed * (k0 + 0.5 * k1 * (t + start)), 700.0))
    f_sh, f_heal, phi = per_draw(shallow_share), per_draw(healing_loss), per_draw(fixed_share)
    body = f_sh * np.exp(-elapsed / epidermal_time_yr) + (1.0 - f_sh) * (
        (1.0 - f_heal) + f_heal * np.exp(-elapsed / healing_time_yr)
    ) * (phi + (1.0 - phi) * cleared)
    body *= per_draw(deposit_mg_cm2) * active
    kappa = np.broadcast_to(
        np.asarray(photolysis_rate_per_year, dtype=np.float64), (n, len(shares))
    )
    load = np.empty((n, len(shares), t.shape[1]))
    for c, share in enumerate(shares):
        load[:, c] = body * share
        if np.any(kappa[:, c]):
            load[:, c] *= np.exp(-np.minimum(kappa[:, c, None] * elapsed, 700.0))
    return load, load.sum(axis=1) * elapsed


def dot_width_sq(
    mean_age_yr: ArrayLike, *, sigma0_mm: ArrayLike, diffusivity_mm2_per_year: ArrayLike
) -> Array:
    """Squared Gaussian width of a dot: ``σ² = σ0² + 2 D ā``.

    Each session's pigment spreads as ``σ0² + 2 D (t - t_s)``; the dot's width is the
    load-weighted mean, i.e. the spread at the load-weighted mean age ``ā``. Spreading
    conserves pigment, so a dot with peak-equivalent load ``L`` has peak density
    ``L σ0² / σ²``.

    Parameters
    ----------
    mean_age_yr
        Load-weighted mean age of the pigment, shape ``(n, T)``. [yr]
    sigma0_mm
        Fresh dot width, shape ``(n,)``. [mm]
    diffusivity_mm2_per_year
        Lateral diffusivity, shape ``(n,)``. [mm²/yr]

    Returns
    -------
    ndarray
        σ², shape ``(n, T)``. [mm²]
    """
    age = np.asarray(mean_age_yr, dtype=np.float64)
    sigma0_sq = np.asarray(sigma0_mm, dtype=np.float64) ** 2
    d = np.asarray(diffusivity_mm2_per_year, dtype=np.float64)
    return np.asarray(sigma0_sq[..., None] + 2.0 * d[..., None] * age, dtype=np.float64)


def clearance_rate(
    biological_rate_per_year: ArrayLike,
    *,
    age_offset_years: float,
    age_slope_per_decade: ArrayLike,
    uv_dose: ArrayLike,
    uv_clearance_per_dose: ArrayLike,
    erosion_rate_per_year: ArrayLike,
) -> tuple[Array, Array]:
    """Clearance rate of the mobile pool, ``k(t) = k0 + k1 t``.

    ``k0 = k_bio (1 + s Δa) + c_UV · H + k_erosion`` and ``k1 = k_bio s``: the biological
    rate drifts with age (``s`` per year, from the slope per decade, ``Δa`` the age at the
    first session less the reference age), the UV dose at the pigment ``H`` adds clearance
    through inflammation, and pigment near the junction erodes (:func:`junction_erosion_rate`).

    Parameters
    ----------
    biological_rate_per_year
        Biological clearance rate at the reference age (the pigment's, immune and smoking
        factors applied), shape ``(n,)``. [1/yr]
    age_offset_years
        Age at the first session less the reference age. [yr]
    age_slope_per_decade
        Relative change of the biological rate per decade of age, shape ``(n,)``. [1/decade]
    uv_dose
        Dermal UV dose reaching the pigment, shape ``(n,)``. [SED-equivalent/yr]
    uv_clearance_per_dose
        Clearance per unit of that dose, shape ``(n,)``. [1/SED-equivalent]
    erosion_rate_per_year
        Junction erosion rate at the pigment's depth, shape ``(n,)``. [1/yr]

    Returns
    -------
    k0, k1 : ndarray
        The rate at the first session [1/yr] and its change per year [1/yr²].

    Examples
    --------
    >>> k0, k1 = clearance_rate(0.06, age_offset_years=10.0, age_slope_per_decade=0.1,
    ...                         uv_dose=100.0, uv_clearance_per_dose=1e-4,
    ...                         erosion_rate_per_year=0.0)
    >>> round(float(k0), 4), round(float(k1), 5)
    (0.076, 0.0006)
    """
    k_bio = np.asarray(biological_rate_per_year, dtype=np.float64)
    age_slope = np.asarray(age_slope_per_decade, dtype=np.float64) / 10.0
    k0 = (
        k_bio * (1.0 + age_slope * age_offset_years)
        + np.asarray(uv_clearance_per_dose, dtype=np.float64)
        * np.asarray(uv_dose, dtype=np.float64)
        + np.asarray(erosion_rate_per_year, dtype=np.float64)
    )
    return np.asarray(k0, dtype=np.float64), np.asarray(k_bio * age_slope, dtype=np.float64)


def healed_dot_sigma(
    sigma_at_reference_mm: ArrayLike,
    depth_mm: ArrayLike,
    *,
    reference_depth_mm: float,
    depth_exponent: float,
) -> Array:
    """Gaussian width of a freshly healed dot at a depth: ``σ0 = σ_ref (z / z_ref)^p``.

    Deeper pigment is deposited in a wider column and blurs more through the dermis above
    it, so the healed dot widens with depth as a power law.

    Parameters
    ----------
    sigma_at_reference_mm
        Healed width at the reference (optimal) depth. [mm]
    depth_mm
        Pigment depth. [mm]
    reference_depth_mm
        The reference depth. [mm]
    depth_exponent
        Exponent ``p``. [1]

    Returns
    -------
    ndarray
        ``σ0``. [mm]

    Examples
    --------
    >>> round(float(healed_dot_sigma(0.2, 0.8, reference_depth_mm=0.4, depth_exponent=0.5)), 6)
    0.282843
    """
    depth = np.asarray(depth_mm, dtype=np.float64)
    return np.asarray(
        np.asarray(sigma_at_reference_mm, dtype=np.float64)
        * (depth / reference_depth_mm) ** depth_exponent,
        dtype=np.float64,
    )


def peak_density(load_mg_cm2: ArrayLike, *, sigma0_mm: ArrayLike, sigma_sq_mm2: ArrayLike) -> Array:
    """Peak areal density of a dot that spread from ``σ0`` to ``σ``: ``L σ0² / σ²``.

    Spreading conserves pigment: a Gaussian dot's mass is ``2π σ² × peak``, so the peak
    falls as the width grows.

    Parameters
    ----------
    load_mg_cm2
        Peak-equivalent load (the peak the dot would have at width ``σ0``), shape
        ``(n, T)``. [mg/cm²]
    sigma0_mm
        Healed width, shape ``(n,)``. [mm]
    sigma_sq_mm2
        Squared width now (:func:`dot_width_sq`), shape ``(n, T)``. [mm²]

    Returns
    -------
    ndarray
        Peak density, shape ``(n, T)``. [mg/cm²]

    Examples
    --------
    >>> peak_density([[1.0]], sigma0_mm=[0.2], sigma_sq_mm2=[[0.08]]).tolist()
    [[0.5000000000000001]]
    """
    sigma0 = np.asarray(sigma0_mm, dtype=np.float64)
    return np.asarray(
        np.asarray(load_mg_cm2, dtype=np.float64)
        * sigma0[..., None] ** 2
        / np.asarray(sigma_sq_mm2, dtype=np.float64),
        dtype=np.float64,
    )
