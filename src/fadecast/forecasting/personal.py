"""Personal calibration: a client's measured contrasts re-weight the Monte Carlo draws.

Each draw of the forecast is a possible client; dated measurements of the client's own
SMP (the social-distance contrast read from photos by ``fadecast measure``) say how
likely each draw is. With a Gaussian measurement error, draw ``d`` gets the weight

    w_d ∝ Π_i exp(-(y_i - c_d(t_i))² / (2 s_i²))

where ``y_i`` is the contrast measured at ``t_i`` years after the first session,
``c_d(t_i)`` the draw's contrast then, and ``s_i`` the measurement's error (importance
sampling with the prior as proposal). A measurement that is only a lower bound (a photo
without untreated skin in view, whose contrast is understated) counts one-sidedly: a draw
above it is not held against, one below it is, by the same Gaussian. Weighted quantiles
of the draws' touch-up times give the personal window; the effective sample size
``(Σw)² / Σw²`` says how many of the draws still carry it (a handful means the
measurements contradict the prior).

Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast.forecasting.result import Personal
from fadecast.forecasting.run import Run
from fadecast.forecasting.scenario import Scenario
from fadecast.forecasting.statistics import curve_at

__all__ = [
    "LOW_EFFECTIVE_SAMPLE_SIZE",
    "MAX_RESIDUAL_SD",
    "ObservedContrasts",
    "effective_sample_size",
    "likelihood_weights",
    "log_likelihoods",
    "normalised_weights",
    "observed_contrasts",
    "personal_weights",
    "personal_window",
    "systematic_resample",
    "weighted_quantiles",
    "weighted_rms_misfit",
]

Array = NDArray[np.float64]

#: Below this effective sample size the personal window rests on too few draws to trust:
#: the measurements fit few of the model's futures. [1]
LOW_EFFECTIVE_SAMPLE_SIZE = 30.0
#: Above this weighted rms misfit (in units of the measurements' errors; about 1 when the
#: errors are right) even the best-fitting draws miss the measurements: they contradict
#: the prior, or their errors are understated. [1]
MAX_RESIDUAL_SD = 2.0
#: Misfits are held at this many errors: a draw that far off weighs nothing against one
#: that fits at all, and the square of a larger one could overflow. [1]
_MAX_STANDARD_SCORE = 1e150


def log_likelihoods(
    model: ArrayLike,
    observed: ArrayLike,
    sd: ArrayLike,
    *,
    lower_bound: ArrayLike | None = None,
) -> Array:
    """Log-likelihood of each draw given measured values, up to a common constant.

    Parameters
    ----------
    model
        Each draw's value at each measurement, shape ``(n, m)``. [ΔE00]
    observed, sd
        The measured values and their errors (each > 0), shape ``(m,)``. [ΔE00]
    lower_bound
        Which measurements are only lower bounds, shape ``(m,)``: a draw above one is
        not held against (one-sided: its misfit counts only below the bound). None for
        none.

    Returns
    -------
    ndarray
        ``-χ²/2`` per draw, shape ``(n,)``; always finite (a misfit is held at 1e150
        errors, which weighs nothing against a draw that fits at all).

    Raises
    ------
    ValueError
        For values that are not finite, errors that are not positive, or shapes that
        do not match.
    """
    z = _standard_scores(model, observed, sd, lower_bound)
    return np.asarray(-0.5 * np.sum(z * z, axis=1), dtype=np.float64)


def _standard_scores(
    model: ArrayLike, observed: ArrayLike, sd: ArrayLike, lower_bound: ArrayLike | None = None
) -> Array:
    """Misfits ``(c - y) / s``, shape ``(n, m)``, held at ± 1e150 (see log_likelihoods);
    0 above a lower bound."""
    c = np.asarray(model, dtype=np.float64)
    y = np.asarray(observed, dtype=np.float64)
    s = np.asarray(sd, dtype=np.float64)
    if c.ndim != 2 or y.shape != (c.shape[1],) or s.shape != y.shape:
        raise ValueError(
            f"model must be (n, m) and observed and sd (m,); got {c.shape}, {y.shape}, {s.shape}"
        )
    if not (np.isfinite(c).all() and np.isfinite(y).all() and np.isfinite(s).all()):
        raise ValueError("model, observed and sd must be finite")
    if np.any(s <= 0.0):
        raise ValueError("measurement errors (sd) must be positive")
    with np.errstate(over="ignore"):
        z = (c - y[None, :]) / s[None, :]
    if lower_bound is not None:
        bound = np.asarray(lower_bound, dtype=bool)
        if bound.shape != y.shape:
            raise ValueError(f"lower_bound must be (m,) = {y.shape}; got {bound.shape}")
        z = np.where(bound[None, :], np.minimum(z, 0.0), z)
    return np.asarray(np.clip(z, -_MAX_STANDARD_SCORE, _MAX_STANDARD_SCORE), dtype=np.float64)


def normalised_weights(log_weights: ArrayLike) -> Array:
    """Weights summing to 1 from finite log-weights (log-sum-exp: no under- or overflow).

    The largest log-weight is subtracted before exponentiating, so the best draw has
    weight 1 before normalising and the sum is at least 1.

    Raises
    ------
    ValueError
        For an empty or non-finite input.
    """
    log_w = np.asarray(log_weights, dtype=np.float64)
    if log_w.size == 0 or not np.isfinite(log_w).all():
        raise ValueError("log-weights must be a non-empty array of finite values")
    w = np.exp(log_w - np.max(log_w))
    return np.asarray(w / w.sum(), dtype=np.float64)


def likelihood_weights(
    model: ArrayLike,
    observed: ArrayLike,
    sd: ArrayLike,
    *,
    lower_bound: ArrayLike | None = None,
) -> Array:
    """Normalised weights of the draws given measured values.

    Parameters
    ----------
    model
        Each draw's value at each measurement, shape ``(n, m)``. [ΔE00]
    observed, sd
        The measured values and their errors (each > 0), shape ``(m,)``. [ΔE00]
    lower_bound
        Which measurements are only lower bounds (see :func:`log_likelihoods`).

    Returns
    -------
    ndarray
        Finite weights summing to 1, shape ``(n,)`` (computed from
        :func:`log_likelihoods` by :func:`normalised_weights`).

    Raises
    ------
    ValueError
        As :func:`log_likelihoods`.
    """
    return normalised_weights(log_likelihoods(model, observed, sd, lower_bound=lower_bound))


def weighted_rms_misfit(
    model: ArrayLike,
    observed: ArrayLike,
    sd: ArrayLike,
    weights: ArrayLike,
    *,
    lower_bound: ArrayLike | None = None,
) -> float:
    """Root mean square over measurements of each one's weighted mean squared misfit. [1]

    ``sqrt(mean_i Σ_d w_d ((c_di - y_i) / s_i)²)`` with the weights normalised: about 1
    when the draws explain the measurements within their errors, much more when even the
    best draws miss them. Always finite (misfits held as in :func:`log_likelihoods`).

    Raises
    ------
    ValueError
        As :func:`log_likelihoods`, or for weights that are not one per draw.
    """
    z = _standard_scores(model, observed, sd, lower_bound)
    w = _checked_weights(weights)
    if w.shape != (z.shape[0],):
        raise ValueError(f"weights must be one per draw ({z.shape[0]}), got {w.shape}")
    # A weighted mean of squares each at most 1e300: no overflow.
    squares = np.sum((w / w.sum())[:, None] * z * z, axis=0)
    return float(np.sqrt(np.mean(squares)))


def _checked_weights(weights: ArrayLike) -> Array:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or not np.isfinite(w).all() or np.any(w < 0.0):
        raise ValueError("weights must be a non-empty 1-D array of finite values >= 0")
    top = float(np.max(w))
    if top <= 0.0:
        raise ValueError("weights must not all be 0")
    return np.asarray(w / top, dtype=np.float64)  # scaled: no overflow in the squares


def effective_sample_size(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²``, between 1 and ``len(weights)``. [1]

    Raises
    ------
    ValueError
        For weights that are negative, not finite, or all 0.
    """
    w = _checked_weights(weights)
    return float(w.sum() ** 2 / np.sum(w**2))


def weighted_quantiles(values: ArrayLike, weights: ArrayLike, q: Sequence[float]) -> Array:
    """Quantiles of weighted values (the weighted empirical distribution, midpoint rule).

    With equal weights this is numpy's ``"hazen"`` quantile. Infinite values sort last,
    so a quantile among them is infinite. The quantiles are in the order of ``q`` when
    ``q`` is sorted.

    Raises
    ------
    ValueError
        For weights that are negative, not finite, all 0, or not one per value, or a
        value that is NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    w = _checked_weights(weights)
    if v.shape != w.shape or np.isnan(v).any():
        raise ValueError("values must be one number (not NaN) per weight")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    out = np.empty(len(q))
    for k, p in enumerate(q):
        j = int(np.searchsorted(cumulative, p))
        if j <= 0:
            out[k] = v[0]
        elif j >= len(v):
            out[k] = v[-1]
        else:
            lo, hi = v[j - 1], v[j]
            if np.isinf(hi):
                out[k] = hi
            else:
                frac = (p - cumulative[j - 1]) / (cumulative[j] - cumulative[j - 1])
                out[k] = lo + frac * (hi - lo)
    return out


def systematic_resample(weights: ArrayLike, rng: np.random.Generator) -> NDArray[np.intp]:
    """Indices of ``len(weights)`` draws taken in proportion to their weights.

    Systematic resampling (Kitagawa 1996): one uniform offset, then evenly spaced
    points through the cumulative weights; each draw is taken ``n·w`` times, give or
    take one. Resampled draws carry equal weights, so any statistic of them is a
    weighted statistic of the originals.
    """
    w = _checked_weights(weights)
    n = len(w)
    points = (rng.random() + np.arange(n)) / n
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0
    return np.asarray(np.searchsorted(cumulative, points, side="right"), dtype=np.intp)


@dataclass(frozen=True)
class ObservedContrasts:
    """The draws' contrasts at a scenario's measurements, beside the measurements.

    Attributes
    ----------
    model
        Each draw's social-distance contrast at each measurement, shape ``(n, m)``. [ΔE00]
    observed, sd
        The measured contrasts and their errors, shape ``(m,)``. [ΔE00]
    lower_bound
        Which measurements are only lower bounds, shape ``(m,)``.
    """

    model: Array
    observed: Array
    sd: Array
    lower_bound: NDArray[np.bool_]

    def weights(self) -> Array:
        """The draws' weights given the measurements (:func:`likelihood_weights`)."""
        return likelihood_weights(self.model, self.observed, self.sd, lower_bound=self.lower_bound)


def observed_contrasts(sc: Scenario, run: Run) -> ObservedContrasts:
    """Each draw's contrast at the scenario's measurements, beside the measurements."""
    model = np.stack([curve_at(run.times, run.social, o.years) for o in sc.observations], axis=1)
    return ObservedContrasts(
        model=model,
        observed=np.array([o.social_delta_e00 for o in sc.observations]),
        sd=np.array([o.sd_delta_e00 for o in sc.observations]),
        lower_bound=np.array([o.lower_bound for o in sc.observations], dtype=bool),
    )


def measured_due_years(sc: Scenario, target_delta_e00: float) -> float | None:
    """The earliest photo that shows the contrast clearly below the touch-up level, or None.

    Clearly: by more than the photo's error. Such a photo says by itself that a touch-up
    was due by then, whatever the model's draws say; a lower bound (a photo without
    untreated skin in view) never does.

    Parameters
    ----------
    sc
        The scenario, with its photo measurements and touch-up threshold.
    target_delta_e00
        The target contrast of this skin and pigment. [ΔE00]

    Returns
    -------
    float or None
        Time of that photo since the first session [yr], or None.

    Examples
    --------
    >>> import dataclasses, datetime
    >>> from importlib import resources
    >>> from fadecast.inputs.measurements import Observation
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.forecasting.scenario import scenario_from_profile
    >>> today = datetime.date(2026, 6, 1)
    >>> path = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(path, today=today), today=today)
    >>> sc = dataclasses.replace(sc, observations=(Observation(2.0, 5.0, 0.5),))
    >>> measured_due_years(sc, 14.0), measured_due_years(sc, 7.0)  # level 9.8, then 4.9
    (2.0, None)
    """
    level = sc.touchup_threshold * target_delta_e00
    below = [
        o.years
        for o in sc.observations
        if not o.lower_bound and o.social_delta_e00 + o.sd_delta_e00 < level
    ]
    return min(below) if below else None


def personal_weights(sc: Scenario, run: Run) -> Array:
    """Each draw's weight given the scenario's measurements (:func:`likelihood_weights`)."""
    return observed_contrasts(sc, run).weights()


def personal_window(sc: Scenario, run: Run) -> Personal | None:
    """The run re-weighted by the scenario's measurements, or None without any."""
    if not sc.observations:
        return None
    seen = observed_contrasts(sc, run)
    weights = seen.weights()
    q = weighted_quantiles(np.minimum(run.touchup_years, 1e9), weights, (0.1, 0.5, 0.9))
    # A photo that shows the look clearly below the touch-up level (by more than its
    # error) says by itself that the touch-up was due by then, whatever the draws say.
    due = measured_due_years(sc, run.target)
    if due is not None:
        q = np.minimum(q, due)
    p10, p50, p90 = (float(v) if v <= sc.horizon_years else math.inf for v in q)
    return Personal(
        touchup_years=(p10, p50, p90),
        effective_sample_size=effective_sample_size(weights),
        measurements=len(sc.observations),
        residual_sd=weighted_rms_misfit(
            seen.model, seen.observed, seen.sd, weights, lower_bound=seen.lower_bound
        ),
    )
