"""What narrows the window: how much one measured photo is expected to teach us.

A forecast gives a client a window, P10 to P90, for their touch-up. One photo at a
follow-up visit, its contrast measured (``fadecast measure``), re-weights the forecast's
draws (:mod:`fadecast.forecasting.personal`) and usually narrows that window. How much
depends on the photo's reading, which we do not know before it is taken; but the run
itself says what readings to expect. This is a *preposterior analysis*: what we expect
to learn from a photo before taking it.

The method, in plain words:

1. Pick some of the run's draws as stand-in clients ("truths"), at random.
2. For each, simulate the photo: its contrast at the visit, plus a measurement error
   of the documented size (:func:`fadecast.inputs.measurements.measurement_sd` of the
   true contrast).
3. Re-weight *all* the run's draws by how well each explains that reading (the same
   Gaussian likelihood weights as a real measurement) and read the personal P10-P90
   width from the weighted touch-up times.
4. Summarise the widths over the stand-in clients: their median is the expected width
   after one photo, their 10th and 90th percentiles the spread between clients.

Everything is done at once for all stand-in clients: a (truths, n) matrix of
log-likelihoods, normalised per row, and weighted quantiles per row over the touch-up
times sorted once (:func:`weighted_quantiles_rows`, which reproduces
:func:`fadecast.forecasting.personal.weighted_quantiles` row by row).

The stand-in clients are themselves draws of the run, so each one's own draw is among
those re-weighted: with a very precise photo the posterior collapses onto it and the
width goes to 0 even where the contrast says little about the touch-up. With errors of
the documented size the posterior keeps many draws and this bias is small.

Pure numpy: a run in, a summary out; randomness only through the generator passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast.forecasting.personal import weighted_quantiles
from fadecast.forecasting.run import Run
from fadecast.forecasting.statistics import curve_at
from fadecast.inputs.measurements import measurement_sd

__all__ = [
    "TOUCHUP_CAP_YEARS",
    "Narrowing",
    "expected_narrowing",
    "weighted_quantiles_rows",
]

Array = NDArray[np.float64]

#: Touch-up times beyond the horizon (inf) are held at this many years before taking
#: quantiles, as :func:`fadecast.forecasting.personal.personal_window` does; a quantile
#: beyond the horizon is then reported as inf. [yr]
TOUCHUP_CAP_YEARS = 1e9
#: Misfits are held at this many errors, as in
#: :func:`fadecast.forecasting.personal.log_likelihoods` (no overflow in the squares). [1]
MAX_STANDARD_SCORE = 1e150


@dataclass(frozen=True)
class Narrowing:
    """How much one measured photo is expected to narrow the touch-up window.

    Widths are P10-P90 of the touch-up time; a width whose P90 lies beyond the
    horizon is inf.

    Attributes
    ----------
    measured_at_years
        When the photo is taken, since the first session. [yr]
    prior_p10_p90_years
        The run's own P10-P90 width, every draw weighing the same. [yr]
    expected_p10_p90_years
        The median over stand-in clients of the P10-P90 width after the photo. [yr]
    expected_range_years
        The 10th and 90th percentiles over stand-in clients of that width. [yr]
    truths
        The number of stand-in clients averaged over. [1]
    """

    measured_at_years: float  # [yr] since the first session
    prior_p10_p90_years: float  # [yr], inf if the prior P90 is beyond the horizon
    expected_p10_p90_years: float  # [yr], median width after one photo
    expected_range_years: tuple[float, float]  # [yr], 10th and 90th percentile widths
    truths: int  # [1]


def weighted_quantiles_rows(
    values: ArrayLike, weights_rows: ArrayLike, q: Sequence[float]
) -> Array:
    """Weighted quantiles of one set of values under many sets of weights, at once.

    Row ``i`` of the result equals
    ``weighted_quantiles(values, weights_rows[i], q)``
    (:func:`fadecast.forecasting.personal.weighted_quantiles`): the weighted empirical
    distribution with the midpoint rule, infinite values sorting last (a quantile
    among them is infinite). The values are sorted once; the cumulative weights are
    computed per row, and each quantile is found by the same binary search as
    ``numpy.searchsorted`` on every row together.

    Parameters
    ----------
    values
        The values, shape ``(n,)``; not NaN (inf allowed). [any unit]
    weights_rows
        One set of weights per row, shape ``(r, n)``; finite, >= 0, not all 0 in a
        row. [1]
    q
        The quantiles' probabilities, each in ``[0, 1]``. [1]

    Returns
    -------
    ndarray
        Shape ``(r, len(q))``, in the unit of ``values``.

    Raises
    ------
    ValueError
        For shapes that do not match, a NaN value, or weights that are negative, not
        finite, or all 0 in some row.

    Examples
    --------
    >>> w = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0], [0.1, 0.1, 0.8]])
    >>> weighted_quantiles_rows([1.0, 2.0, np.inf], w, [0.5]).ravel().tolist()
    [2.0, 2.0, inf]
    """
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights_rows, dtype=np.float64)
    if v.ndim != 1 or w.ndim != 2 or w.shape[1] != v.shape[0] or v.size == 0:
        raise ValueError(
            f"values must be (n,) and weights_rows (r, n) with n > 0; got {v.shape}, {w.shape}"
        )
    if np.isnan(v).any():
        raise ValueError("values must not be NaN")
    if not np.isfinite(w).all() or np.any(w < 0.0):
        raise ValueError("weights must be finite and >= 0")
    top = np.max(w, axis=1, keepdims=True) if w.shape[0] else np.ones((0, 1))
    if np.any(top <= 0.0):
        raise ValueError("weights must not all be 0 in a row")
    p = np.asarray(q, dtype=np.float64)
    n, rows = v.shape[0], w.shape[0]
    order = np.argsort(v, kind="stable")
    v = v[order]
    w = np.ascontiguousarray(w[:, order] / top)  # scaled by each row's largest weight
    cumulative = (np.cumsum(w, axis=1) - 0.5 * w) / w.sum(axis=1, keepdims=True)
    out = np.empty((rows, p.size))
    every = np.arange(rows)
    for k, pk in enumerate(p):
        j = _search_left(cumulative, float(pk))
        lo_index = np.clip(j - 1, 0, n - 1)
        hi_index = np.clip(j, 0, n - 1)
        lo, hi = v[lo_index], v[hi_index]
        c_lo = cumulative[every, lo_index]
        c_hi = cumulative[every, hi_index]
        inside = (j > 0) & (j < n) & np.isfinite(hi)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            frac = (pk - c_lo) / (c_hi - c_lo)
            between = lo + frac * (hi - lo)
        out[:, k] = np.where(inside, between, np.where(j <= 0, v[0], np.where(j >= n, v[-1], hi)))
    return out


def _search_left(sorted_rows: Array, key: float) -> NDArray[np.intp]:
    """``numpy.searchsorted(row, key)`` for every row, by numpy's own binary search."""
    rows, n = sorted_rows.shape
    lo = np.zeros(rows, dtype=np.intp)
    hi = np.full(rows, n, dtype=np.intp)
    every = np.arange(rows)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = lo + ((hi - lo) >> 1)
        below = sorted_rows[every, np.minimum(mid, n - 1)] < key
        lo = np.where(active & below, mid + 1, lo)
        hi = np.where(active & ~below, mid, hi)


def expected_narrowing(
    run: Run,
    *,
    measured_at_years: float = 1.0,
    truths: int = 200,
    rng: np.random.Generator,
    sd_delta_e00: float | None = None,
    horizon_years: float | None = None,
) -> Narrowing:
    """The touch-up window expected after one measured photo (preposterior analysis).

    ``truths`` of the run's draws are taken at random as stand-in clients (without
    replacement, or with it if there are more than draws); each one's photo at
    ``measured_at_years`` is simulated as its contrast then plus a Gaussian error, and
    every draw of the run re-weighted by it (Gaussian likelihood, as a real
    measurement). The P10-P90 width of the weighted touch-up times is summarised over
    the stand-in clients.

    Parameters
    ----------
    run
        A Monte Carlo run with its curves (``run.social`` of shape ``(n, T)``).
    measured_at_years
        When the photo is taken, since the first session; within ``run.times``. [yr]
    truths
        How many stand-in clients to average over (>= 1). [1]
    rng
        The only source of randomness: which draws stand in, and their photos' errors.
    sd_delta_e00
        The photo's error, the same for every stand-in client; None for the documented
        default, :func:`fadecast.inputs.measurements.measurement_sd` of each stand-in's
        true contrast at the visit. [ΔE00]
    horizon_years
        The forecast's horizon, since the first session (``Scenario.horizon_years``): a
        quantile beyond it is reported as inf. None for the latest finite touch-up time
        of the run (a run does not carry its horizon), which counts any quantile drawn
        past every touch-up the run saw as beyond. [yr]

    Returns
    -------
    Narrowing
        The prior width, and the median and 10th/90th percentiles of the widths after
        one photo (midpoint-rule quantiles over the stand-ins, as
        :func:`fadecast.forecasting.personal.weighted_quantiles` with equal weights).
        A width whose P90 lies beyond the horizon is inf; widths are otherwise taken
        from the touch-up times with those beyond the horizon held at
        :data:`TOUCHUP_CAP_YEARS`.

    Raises
    ------
    ValueError
        For a measurement time outside ``run.times``, a run without its curves, fewer
        than one stand-in client, or an error that is not a positive number.

    Examples
    --------
    Fifty clients whose contrast decays exponentially, each at its own rate, due a
    touch-up when it halves (at ``ln 2 / rate`` years): the contrast at a visit says
    when, to within the photo's error.

    >>> import dataclasses
    >>> from fadecast.forecasting.chain import ScalpExposure
    >>> times = np.linspace(0.0, 20.0, 81)  # [yr]
    >>> rates = np.linspace(0.1, 0.6, 50)  # [1/yr]
    >>> social = 8.0 * np.exp(-rates[:, None] * times[None, :])  # [ΔE00]
    >>> fields = dataclasses.fields(ScalpExposure)  # not read here: zero doses will do
    >>> doses = {f.name: 0.0 if f.type == "float" else np.zeros(50) for f in fields}
    >>> exposure = ScalpExposure(**doses)
    >>> run = Run(times, social, None, np.log(2.0) / rates, 8.0, 0.3, exposure)
    >>> rng = np.random.default_rng(0)
    >>> found = expected_narrowing(run, truths=100, rng=rng, horizon_years=10.0)
    >>> round(found.prior_p10_p90_years, 1)  # the forecast's window [yr]
    3.5
    >>> round(found.expected_p10_p90_years, 1)  # expected after a photo at year 1 [yr]
    1.9
    >>> later = expected_narrowing(run, measured_at_years=3.0, rng=rng, horizon_years=10.0)
    >>> round(later.expected_p10_p90_years, 1)  # a later photo tells more [yr]
    0.9
    """
    t1 = float(measured_at_years)
    times = np.asarray(run.times, dtype=np.float64)
    if times.ndim != 1 or times.size < 2:
        raise ValueError("the run's times must be a grid of at least 2 points")
    if not (math.isfinite(t1) and times[0] <= t1 <= times[-1]):
        raise ValueError(
            f"measured_at_years must lie within the run's times "
            f"[{times[0]:g}, {times[-1]:g}] years, got {measured_at_years!r}"
        )
    social = np.asarray(run.social)
    n = run.touchup_years.shape[0]
    if social.shape != (n, times.size):
        raise ValueError(
            f"the run must carry its curves, shape {(n, times.size)}; got {social.shape} "
            "(simulate with curves=True)"
        )
    if truths < 1:
        raise ValueError(f"truths must be at least 1, got {truths}")
    if sd_delta_e00 is not None and not (math.isfinite(sd_delta_e00) and sd_delta_e00 > 0.0):
        raise ValueError(f"sd_delta_e00 must be a positive number, got {sd_delta_e00!r}")

    touchup = np.asarray(run.touchup_years, dtype=np.float64)
    capped = np.minimum(touchup, TOUCHUP_CAP_YEARS)
    finite = touchup[np.isfinite(touchup)]
    if horizon_years is not None:
        beyond = float(horizon_years)
    else:
        beyond = float(np.max(finite)) if finite.size else -math.inf

    contrast = curve_at(times, social, t1)  # (n,) [ΔE00]
    if not np.isfinite(contrast).all():
        raise ValueError(f"the run's contrasts at {t1:g} years must be finite")
    chosen = rng.choice(n, size=truths, replace=truths > n)
    truth = contrast[chosen]
    if sd_delta_e00 is None:
        sd = np.array([measurement_sd(float(c)) for c in truth])
    else:
        sd = np.full(truths, float(sd_delta_e00))
    if not (np.isfinite(sd).all() and np.all(sd > 0.0)):
        raise ValueError("measurement errors must be positive")
    observed = truth + sd * rng.standard_normal(truths)

    with np.errstate(over="ignore"):
        z = (contrast[None, :] - observed[:, None]) / sd[:, None]
    z = np.clip(z, -MAX_STANDARD_SCORE, MAX_STANDARD_SCORE)
    log_w = -0.5 * z * z  # (truths, n)
    weights = np.exp(log_w - np.max(log_w, axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)

    window = weighted_quantiles_rows(capped, weights, (0.1, 0.9))
    widths = np.where(window[:, 1] <= beyond, window[:, 1] - window[:, 0], math.inf)
    prior = weighted_quantiles(capped, np.ones(n), (0.1, 0.9))
    prior_width = float(prior[1] - prior[0]) if prior[1] <= beyond else math.inf
    p10, p50, p90 = (float(x) for x in weighted_quantiles(widths, np.ones(truths), (0.1, 0.5, 0.9)))
    return Narrowing(
        measured_at_years=t1,
        prior_p10_p90_years=prior_width,
        expected_p10_p90_years=p50,
        expected_range_years=(p10, p90),
        truths=truths,
    )
