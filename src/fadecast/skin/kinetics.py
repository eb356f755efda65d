"""Pigment kinetics: how much pigment stays in a dot, and how far it spreads.

Closed forms only (no ODE solver). Each session deposits pigment at a depth; the share
that lands in the epidermis is shed with the epidermal turnover; of the dermal share a
healing loss leaves within weeks; what heals in splits into a slow pool and a mobile
pool. The slow pool is the pigment that macrophages capture, release on dying and
recapture, and that fibroblasts hold (Baranska 2018; Strandt 2021): it clears at a small
rate ``k_s``, so it never vanishes on a human time scale yet every session's share of it
does fade. The mobile pool clears at a rate ``k(t) = k0 + k1 t`` (biology, age drift,
UV-driven inflammation, junction erosion). Photolabile components also decay with the
dermal UV dose. Lateral spread is diffusive: ``sigma(t)^2 = sigma0^2 + 2 D (t - t_i)``.

How sharp the dots still are is counted too: the part of each session's pigment that
still draws the dot pattern at its pitch ``p`` is its load times
``exp(-2 pi^2 (sigma^2 - sigma0^2) / p^2) = exp(-a (t - t_i))`` with ``a = 4 pi^2 D / p^2``
(the fundamental of a Gaussian dot lattice, :func:`sharpness_rate`), the *sharp load*.

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
    "definition_peak",
    "dot_width_sq",
    "healed_dot_sigma",
    "junction_erosion_rate",
    "lateral_diffusivity",
    "load_mean_age",
    "peak_density",
    "pigment_load",
    "session_load",
    "shallow_share",
    "sharpness_rate",
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


def sharpness_rate(diffusivity_mm2_per_year: ArrayLike, *, pitch_mm: float) -> Array:
    """Rate at which lateral spread blurs a lattice of dots: ``a = 4 π² D / p²``.

    A lattice of Gaussian dots of width σ and pitch ``p`` keeps a share
    ``exp(-2 π² σ² / p²)`` of its pigment in the fundamental, the modulation at the dot
    pitch that makes the dots read as separate stubble. As the width spreads
    diffusively, ``σ² = σ0² + 2 D t``, that share falls as ``exp(-a t)`` relative to
    the fresh dot.

    Parameters
    ----------
    diffusivity_mm2_per_year
        Lateral diffusivity D. [mm²/yr]
    pitch_mm
        Distance between neighbouring dots p. [mm]

    Returns
    -------
    ndarray
        Rate a. [1/yr]

    Examples
    --------
    With D = 0.0025 mm²/yr and dots 1 mm apart the pattern loses a tenth of its
    modulation a year:

    >>> round(float(sharpness_rate(0.0025, pitch_mm=1.0)), 4)
    0.0987
    """
    d = np.asarray(diffusivity_mm2_per_year, dtype=np.float64)
    return np.asarray(4.0 * np.pi**2 * d / pitch_mm**2, dtype=np.float64)


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
    slow_share: ArrayLike,
    slow_rate_per_year: ArrayLike,
    clearance_rate_per_year: ArrayLike,
    clearance_slope_per_year2: ArrayLike,
    photolysis_rate_per_year: ArrayLike,
    sharpness_rate_per_year: ArrayLike,
) -> tuple[Array, Array, Array]:
    """Pigment left in a dot per component, its mean age, and its sharp load.

    For a session at ``t_s`` with deposit ``D`` and ``Δ = t - t_s >= 0``::

        load = D · share_c · e^{-κ_c Δ} · [ f_sh e^{-Δ/τ_epi}
               + (1 - f_sh) ((1 - f_heal) + f_heal e^{-Δ/τ_heal})
                            (φ e^{-k_s Δ} + (1 - φ) e^{-(Λ(t) - Λ(t_s))}) ]

    summed over sessions; the sharp load weighs each session's dermal load by
    ``e^{-a Δ}`` (pigment in the epidermis is shed within weeks and counts as sharp).
    Every factor separates into a per-draw part and a per-(session, time) part
    (``e^{-κΔ} = e^{-κt} e^{κt_s}``, likewise for Λ, ``k_s`` and ``a``), so the sum over
    sessions is a small matrix product and no exponential is taken over
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
    slow_share
        Share of the healed pigment in the slow pool φ, shape ``(n,)``. [1]
    slow_rate_per_year
        Clearance rate of the slow pool k_s, shape ``(n,)``. [1/yr]
    clearance_rate_per_year
        Mobile-pool clearance rate at t = 0, k0, shape ``(n,)``. [1/yr]
    clearance_slope_per_year2
        Its change per year, k1, shape ``(n,)``. [1/yr²]
    photolysis_rate_per_year
        Photochemical decay rate of each component, shape ``(n, C)``. [1/yr]
    sharpness_rate_per_year
        Rate a at which spreading blurs the dot pattern (:func:`sharpness_rate`), shape
        ``(n,)``. [1/yr]

    Returns
    -------
    load : ndarray
        Peak-equivalent areal density per component, summed over sessions, shape
        ``(n, C, T)``. [mg/cm²]
    mean_age_yr : ndarray
        Load-weighted mean time since deposition, shape ``(n, T)``; it sets the spread. [yr]
    sharp : ndarray
        Sharp load, summed over components and sessions, shape ``(n, T)``. [mg/cm²]
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
    # Transients long gone are zero, not subnormal numbers (which make products slow).
    healing[healing < 1e-200] = 0.0
    epidermal[epidermal < 1e-200] = 0.0
    bases = np.stack(
        [np.concatenate([b, b * elapsed], axis=1) for b in (present, healing, epidermal)]
    )

    # Per-draw factors: clearance e^{-Λ(t)} e^{Λ(t_s)}, photolysis e^{-κt} e^{κt_s}, the
    # slow pool e^{-k_s t} e^{k_s t_s} and sharpness e^{-a t} e^{a t_s}.
    k0 = np.broadcast_to(np.asarray(clearance_rate_per_year, dtype=np.float64), (n,))
    k1 = np.broadcast_to(np.asarray(clearance_slope_per_year2, dtype=np.float64), (n,))
    grow_s = np.exp(np.minimum(clearance_integral(ts[None, :], k0[:, None], k1[:, None]), 700.0))
    k_slow = np.broadcast_to(np.asarray(slow_rate_per_year, dtype=np.float64), (n,))[:, None]
    a_sharp = np.broadcast_to(np.asarray(sharpness_rate_per_year, dtype=np.float64), (n,))
    a_sharp = a_sharp[:, None]
    # The three decays of time t at once, in place: mobile e^{-Λ(t)}, slow e^{-k_s t},
    # blur e^{-a t}, shape (3, n, T).
    decays = np.empty((3, n, n_t))
    # Λ(t) = k0 t + k1 t² / 2 (clearance_integral), built in place.
    np.multiply(0.5 * k1[:, None], (t * t)[None, :], out=decays[0])
    np.multiply(k0[:, None], t[None, :], out=decays[1])
    decays[0] += decays[1]
    np.multiply(k_slow, t[None, :], out=decays[1])
    np.multiply(a_sharp, t[None, :], out=decays[2])
    np.minimum(decays, 700.0, out=decays)
    np.negative(decays, out=decays)
    np.exp(decays, out=decays)
    decay_t, slow_decay, sharp_decay = decays
    kappa = np.broadcast_to(np.asarray(photolysis_rate_per_year, dtype=np.float64), (n, n_c))
    lightfast = not np.any(kappa)
    weight = deposit[:, None, :] * shares[None, :, None]  # (n, C, S)
    if not lightfast:
        weight = weight * np.exp(np.minimum(kappa[:, :, None] * ts[None, None, :], 700.0))

    f_sh, f_heal, phi = per_draw(shallow_share), per_draw(healing_loss), per_draw(slow_share)
    dermal = 1.0 - f_sh
    slow_grow = np.exp(np.minimum(k_slow * ts[None, :], 700.0))[:, None, :]  # (n, 1, S)
    sharp_grow = np.exp(np.minimum(a_sharp * ts[None, :], 700.0))  # (n, S)
    # Fold the per-draw coefficients into the weights and stack the bases along the
    # session axis, so each pool is a matrix product (rows, b*S) @ (b*S, 2T). The slow
    # and mobile pools share their bases: both are one product, and their sharp loads
    # (the same pools with weights grown by e^{a t_s}, loads only) another. Pigment still
    # in the epidermis is shed within weeks, long before it could spread: it counts as
    # sharp as it is.
    slow_w = weight * slow_grow * dermal * phi
    mobile_w = grow_s[:, None, :] * weight * dermal * (1.0 - phi)
    healed = np.stack([slow_w, mobile_w])
    healed = np.concatenate([healed * (1.0 - f_heal), healed * f_heal], axis=3)
    flat = bases[:2].reshape(-1, 2 * n_t)
    rows = healed.reshape(2 * n * n_c, -1)
    healed_part = (rows @ flat).reshape(2, n, n_c, 2, n_t)
    # e^{a t_s} per draw and session, for both healing bases, components and pools.
    grown = np.tile(sharp_grow, 2)[None, :, None, :]  # (1, n, 1, 2S)
    sharp_rows = (healed * grown).reshape(2 * n * n_c, -1)
    sharp_part = (sharp_rows @ np.ascontiguousarray(flat[:, :n_t])).reshape(2, n, n_c, n_t)
    epidermal_w = weight * f_sh
    both = (epidermal_w.reshape(n * n_c, -1) @ bases[2]).reshape(n, n_c, 2, n_t)
    # Each pool as (n, C, 2, T): loads in [:, :, 0], age-weighted loads in [:, :, 1].
    # In place: large temporaries cost more than the arithmetic.
    healed_part[0] *= slow_decay[:, None, None, :]
    healed_part[1] *= decay_t[:, None, None, :]
    sharp_part[0] *= slow_decay[:, None, :]
    sharp_part[1] *= decay_t[:, None, :]
    sharp_part[0] += sharp_part[1]
    sharp_part[0] *= sharp_decay[:, None, :]
    sharp_c = sharp_part[0]
    sharp_c += both[:, :, 0]  # the epidermal pool, before the photolysis of time t
    both += healed_part[0]
    both += healed_part[1]
    if not lightfast:
        for component in range(n_c):
            kept = np.exp(-np.minimum(kappa[:, component, None] * t[None, :], 700.0))
            sharp_c[:, component] *= kept
    sharp = sharp_c[:, 0] if n_c == 1 else sharp_c.sum(axis=1)
    if not lightfast:
        # Only components that photolyse (a stable one keeps e^0 = 1).
        for labile in np.flatnonzero(kappa.any(axis=0)):
            fade = np.exp(-np.minimum(kappa[:, labile, None] * t[None, :], 700.0))
            both[:, labile] *= fade[:, None, :]
    load = both[:, :, 0]
    # Sums over the few components, one at a time (cheaper than a strided reduction).
    load_sum = load[:, 0] if n_c == 1 else load[:, 0].copy()
    age_weighted = both[:, 0, 1] if n_c == 1 else both[:, 0, 1].copy()
    for c in range(1, n_c):
        load_sum += load[:, c]
        age_weighted += both[:, c, 1]
    return load, load_mean_age(age_weighted, load_sum), sharp


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
    slow_share: ArrayLike,
    slow_rate_per_year: ArrayLike,
    clearance_rate_per_year: ArrayLike,
    clearance_slope_per_year2: ArrayLike,
    photolysis_rate_per_year: ArrayLike,
    sharpness_rate_per_year: ArrayLike,
) -> tuple[Array, Array, Array]:
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
    slow_share, slow_rate_per_year, clearance_rate_per_year, clearance_slope_per_year2,
    photolysis_rate_per_year, sharpness_rate_per_year
        As for :func:`pigment_load`.

    Returns
    -------
    load : ndarray
        Peak-equivalent areal density per component, shape ``(n, C, T)``. [mg/cm²]
    age_weighted : ndarray
        Total load times the time since the session, shape ``(n, T)``. [mg/cm² · yr]
    sharp : ndarray
        Its sharp load, summed over components, shape ``(n, T)``. [mg/cm²]
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
    f_sh, f_heal, phi = per_draw(shallow_share), per_draw(healing_loss), per_draw(slow_share)
    slow = np.exp(-np.minimum(per_draw(slow_rate_per_year) * elapsed, 700.0))
    deposit = per_draw(deposit_mg_cm2) * active
    shed = deposit * f_sh * np.exp(-elapsed / epidermal_time_yr)
    dermal = (
        deposit
        * (1.0 - f_sh)
        * ((1.0 - f_heal) + f_heal * np.exp(-elapsed / healing_time_yr))
        * (phi * slow + (1.0 - phi) * cleared)
    )
    body = shed + dermal
    kappa = np.broadcast_to(
        np.asarray(photolysis_rate_per_year, dtype=np.float64), (n, len(shares))
    )
    load = np.empty((n, len(shares), t.shape[1]))
    for c, share in enumerate(shares):
        load[:, c] = body * share
        if np.any(kappa[:, c]):
            load[:, c] *= np.exp(-np.minimum(kappa[:, c, None] * elapsed, 700.0))
    # Pigment in the epidermis counts as sharp as it is (as in pigment_load).
    sharpness = np.exp(-np.minimum(per_draw(sharpness_rate_per_year) * elapsed, 700.0))
    sharp_body = shed + dermal * sharpness
    sharp = np.zeros_like(body)
    for c, share in enumerate(shares):
        part = sharp_body * share
        if np.any(kappa[:, c]):
            part *= np.exp(-np.minimum(kappa[:, c, None] * elapsed, 700.0))
        sharp += part
    return load, load.sum(axis=1) * elapsed, sharp


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
        Yearly UVA reaching the pigment, shape ``(n,)``. [kJ/m²/yr]
    uv_clearance_per_dose
        Clearance added per unit of that yearly dose, shape ``(n,)``. [m²/kJ]
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


def definition_peak(
    sharp_load_mg_cm2: ArrayLike,
    *,
    sigma0_mm: ArrayLike,
    reference_sigma_mm: ArrayLike,
    pitch_mm: float,
) -> Array:
    """Peak of the well-placed dot that would draw the pattern as sharply as this one.

    A lattice of Gaussian dots of width σ, pitch ``p`` and peak ``P`` has its fundamental
    (the modulation at the dot pitch) proportional to ``P σ² exp(-2 π² σ² / p²)``. The
    dot of reference width ``σ_ref`` with the same fundamental has the peak
    ``P (σ0² / σ_ref²) exp(-2 π² (σ0² - σ_ref²) / p²)``, here from the sharp load (whose
    spreading since healing is already counted, :func:`pigment_load`). A dot healed wider
    than the reference (placed too deep) carries less of its pigment in the pattern; a
    narrower one gains nothing (the factor is at most 1).

    Parameters
    ----------
    sharp_load_mg_cm2
        Sharp load as the peak of a dot of width ``σ0``, shape ``(n, T)``. [mg/cm²]
    sigma0_mm
        Healed width of this dot, shape ``(n,)``. [mm]
    reference_sigma_mm
        Healed width of a well-placed dot, shape ``(n,)`` or scalar. [mm]
    pitch_mm
        Distance between dots. [mm]

    Returns
    -------
    ndarray
        Peak of the equivalent well-placed dot, shape ``(n, T)``. [mg/cm²]

    Examples
    --------
    A dot healed 0.35 mm wide instead of 0.28 mm draws the pattern as a well-placed dot
    with two thirds of its pigment would:

    >>> definition_peak([[1.0]], sigma0_mm=[0.35], reference_sigma_mm=0.28,
    ...     pitch_mm=1.0).round(2).tolist()
    [[0.65]]
    """
    sigma0 = np.asarray(sigma0_mm, dtype=np.float64)
    ref = np.broadcast_to(np.asarray(reference_sigma_mm, dtype=np.float64), sigma0.shape)
    ratio = sigma0**2 / ref**2 * np.exp(-2.0 * np.pi**2 * (sigma0**2 - ref**2) / pitch_mm**2)
    factor = np.minimum(ratio, 1.0)
    return np.asarray(np.asarray(sharp_load_mg_cm2, dtype=np.float64) * factor[..., None])


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
