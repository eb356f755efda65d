"""Personal calibration: a client's measured contrasts re-weight the Monte Carlo draws.

Each draw of the forecast is a possible client; dated measurements of the client's own
SMP (the social-distance contrast read from photos by ``fadecast measure``) say how
likely each draw is. With a Gaussian measurement error, draw ``d`` gets the weight

    w_d ∝ Π_i exp(-(y_i - c_d(t_i))² / (2 s_i²))

where ``y_i`` is the contrast measured at ``t_i`` years after the first session,
``c_d(t_i)`` the draw's contrast then, and ``s_i`` the measurement's error (importance
sampling with the prior as proposal). Weighted quantiles of the draws' touch-up times
give the personal window; the effective sample size ``(Σw)² / Σw²`` says how many of
the draws still carry it (a handful means the measurements contradict the prior).

Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ABSOLUTE_SD_DELTA_E00",
    "FLAG_SD_FACTOR",
    "RELATIVE_SD",
    "SD_FLAGS",
    "Observation",
    "effective_sample_size",
    "likelihood_weights",
    "measurement_sd",
    "systematic_resample",
    "weighted_quantiles",
]

Array = NDArray[np.float64]

#: Error of a social-distance contrast measured from a calibrated photo (white card,
#: untreated skin in view), absolute part. Assumed from the render accuracy tests
#: (docs/measure.md), where per-dot median contrasts land within about ± 0.7 ΔE00 of
#: the truth; no clinical photo series exists to set it. [ΔE00]
ABSOLUTE_SD_DELTA_E00 = 0.5
#: ... and the part proportional to the contrast (lighting, exposure). [1]
RELATIVE_SD = 0.10
#: Quality flags that bias a measured contrast, each multiplying its error by
#: :data:`FLAG_SD_FACTOR`: no white card, no untreated skin in view (the contrast is
#: understated), an overexposed card, blur.
SD_FLAGS = frozenset(
    {"no_white_reference", "white_reference_clipped", "no_bare_skin", "out_of_focus"}
)
FLAG_SD_FACTOR = 2.0


@dataclass(frozen=True)
class Observation:
    """One measured contrast.

    Attributes
    ----------
    years
        Time after the first session. [yr]
    social_delta_e00
        The measured social-distance contrast. [ΔE00]
    sd_delta_e00
        Its error (standard deviation). [ΔE00]
    """

    years: float
    social_delta_e00: float
    sd_delta_e00: float


def measurement_sd(social_delta_e00: float, flags: Sequence[str] = ()) -> float:
    """Default error of a measured contrast, widened for each biasing flag. [ΔE00]"""
    sd = math.hypot(ABSOLUTE_SD_DELTA_E00, RELATIVE_SD * social_delta_e00)
    return sd * FLAG_SD_FACTOR ** sum(1 for f in set(flags) if f in SD_FLAGS)


def likelihood_weights(model: ArrayLike, observed: ArrayLike, sd: ArrayLike) -> Array:
    """Normalised weights of draws given measured values.

    Parameters
    ----------
    model
        Each draw's value at each measurement, shape ``(n, m)``. [ΔE00]
    observed, sd
        The measured values and their errors, shape ``(m,)``. [ΔE00]

    Returns
    -------
    ndarray
        Weights summing to 1, shape ``(n,)``.
    """
    c = np.asarray(model, dtype=np.float64)
    y = np.asarray(observed, dtype=np.float64)
    s = np.asarray(sd, dtype=np.float64)
    log_w = -0.5 * np.sum(((c - y[None, :]) / s[None, :]) ** 2, axis=1)
    log_w -= np.max(log_w)  # log-sum-exp: the best draw gets weight 1 before normalising
    w = np.exp(log_w)
    return np.asarray(w / w.sum(), dtype=np.float64)


def effective_sample_size(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²``."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.sum(w**2))


def weighted_quantiles(values: ArrayLike, weights: ArrayLike, q: Sequence[float]) -> Array:
    """Quantiles of weighted values (the weighted empirical distribution, midpoint rule).

    With equal weights this is numpy's ``"hazen"`` quantile. Infinite values sort last,
    so a quantile among them is infinite.
    """
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
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
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    points = (rng.random() + np.arange(n)) / n
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0
    return np.asarray(np.searchsorted(cumulative, points, side="right"), dtype=np.intp)
