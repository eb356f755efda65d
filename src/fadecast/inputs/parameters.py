"""The model's parameter table and the Monte Carlo priors drawn from it.

Every physical parameter lives in ``data/parameters.toml`` with its value, unit,
distribution, source and confidence. This module reads that table once, exposes it as
:class:`Parameter` records and draws samples by inverse-CDF transforms of uniform
numbers, so that one seed gives the same draws on every machine.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from fadecast import data

__all__ = [
    "DISTRIBUTION_KINDS",
    "Distribution",
    "Parameter",
    "central_values",
    "load_parameters",
    "quantile",
    "sample_parameters",
]

DistributionKind = Literal["fixed", "normal", "lognormal", "uniform", "beta"]
DISTRIBUTION_KINDS: tuple[str, ...] = ("fixed", "normal", "lognormal", "uniform", "beta")
CONFIDENCE_MARKS: tuple[str, ...] = ("H", "M", "L")


@dataclass(frozen=True)
class Distribution:
    """A prior distribution of one parameter.

    ``normal`` takes ``mean``/``sd``, ``lognormal`` ``median``/``gsd`` (geometric sd),
    ``uniform`` ``low``/``high``, ``beta`` ``mean``/``sd``; ``normal`` and ``lognormal``
    may be truncated by ``low``/``high``.
    """

    kind: DistributionKind
    args: Mapping[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """A short human-readable form, e.g. ``"lognormal(median 0.06, gsd 1.35)"``.

        Examples
        --------
        >>> Distribution("lognormal", {"median": 0.06, "gsd": 1.35}).describe()
        'lognormal(median 0.06, gsd 1.35)'
        >>> Distribution("fixed").describe()
        'fixed'
        """
        if self.kind == "fixed":
            return "fixed"
        inner = ", ".join(f"{k} {v:g}" for k, v in self.args.items())
        return f"{self.kind}({inner})"


@dataclass(frozen=True)
class Parameter:
    """One physical parameter of the model, with its provenance."""

    name: str
    stage: str
    description: str
    unit: str
    value: float
    distribution: Distribution
    source: str
    confidence: str


def _parse_parameter(name: str, raw: Mapping[str, Any]) -> Parameter:
    dist_raw = dict(raw.get("distribution", {"kind": "fixed"}))
    kind = dist_raw.pop("kind")
    if kind not in DISTRIBUTION_KINDS:
        raise ValueError(
            f"parameter {name}: distribution kind {kind!r} not in {DISTRIBUTION_KINDS}"
        )
    if raw["confidence"] not in CONFIDENCE_MARKS:
        raise ValueError(f"parameter {name}: confidence must be one of {CONFIDENCE_MARKS}")
    return Parameter(
        name=name,
        stage=str(raw["stage"]),
        description=str(raw["description"]),
        unit=str(raw["unit"]),
        value=float(raw["value"]),
        distribution=Distribution(kind, {k: float(v) for k, v in dist_raw.items()}),
        source=str(raw["source"]),
        confidence=str(raw["confidence"]),
    )


@functools.cache
def load_parameters() -> Mapping[str, Parameter]:
    """Read the packaged parameter table.

    Returns
    -------
    Mapping[str, Parameter]
        Parameters by name, in file order.

    Examples
    --------
    >>> epidermis = load_parameters()["epidermis_mm"]
    >>> epidermis.value, epidermis.unit, epidermis.distribution.kind, epidermis.confidence
    (0.1, 'mm', 'fixed', 'H')
    >>> load_parameters()["altitude_gain_per_km"].distribution.describe()
    'uniform(low 0.14, high 0.18)'
    """
    raw = data.toml_table("parameters.toml")
    return {name: _parse_parameter(name, entry) for name, entry in raw.items()}


@functools.cache
def load_render_parameters() -> Mapping[str, Parameter]:
    """Read the packaged table of picture parameters (``data/render.toml``).

    They shape the pictures only (skin texture, stubble, a hairline, the observer), never the
    forecast, so they are not drawn in the Monte Carlo.

    Returns
    -------
    Mapping[str, Parameter]
        Parameters by name, in file order.

    Examples
    --------
    >>> transition = load_render_parameters()["hairline_transition_mm"]
    >>> transition.stage, transition.value, transition.distribution.kind
    ('render', 8.0, 'fixed')
    """
    raw = data.toml_table("render.toml")
    return {name: _parse_parameter(name, entry) for name, entry in raw.items()}


def render_values() -> dict[str, float]:
    """The value of every picture parameter.

    Examples
    --------
    >>> render_values()["observer_distance_m"]
    2.0
    """
    return {name: p.value for name, p in load_render_parameters().items()}


def central_values() -> dict[str, float]:
    """The central value of every parameter, as used for reference runs.

    Examples
    --------
    >>> central = central_values()
    >>> central["epidermis_mm"], central["altitude_gain_per_km"]
    (0.1, 0.16)
    """
    return {name: p.value for name, p in load_parameters().items()}


def _truncate(u: NDArray[np.float64], low_cdf: float, high_cdf: float) -> NDArray[np.float64]:
    return low_cdf + u * (high_cdf - low_cdf)


def quantile(
    distribution: Distribution, u: NDArray[np.float64], value: float
) -> NDArray[np.float64]:
    """Inverse CDF of a prior distribution.

    Parameters
    ----------
    distribution
        The prior.
    u
        Probabilities in (0, 1). [1]
    value
        The parameter's central value, returned everywhere for ``fixed``.

    Returns
    -------
    ndarray
        Parameter values with the shape of ``u``.

    Examples
    --------
    The median and the 97.5th percentile of a normal prior (mean + 1.96 sd), and the
    median of a lognormal one:

    >>> u = np.array([0.5, 0.975])
    >>> quantile(Distribution("normal", {"mean": 1.0, "sd": 0.1}), u, 1.0).round(3).tolist()
    [1.0, 1.196]
    >>> lognormal = Distribution("lognormal", {"median": 0.06, "gsd": 1.35})
    >>> quantile(lognormal, np.array([0.5]), 0.06).round(6).tolist()
    [0.06]
    """
    a = distribution.args
    kind = distribution.kind
    if kind == "fixed":
        return np.full_like(u, value)
    if kind == "uniform":
        return a["low"] + u * (a["high"] - a["low"])
    if kind == "normal":
        mean, sd = a["mean"], a["sd"]
        lo = special.ndtr((a.get("low", -np.inf) - mean) / sd)
        hi = special.ndtr((a.get("high", np.inf) - mean) / sd)
        return np.asarray(mean + sd * special.ndtri(_truncate(u, lo, hi)), dtype=np.float64)
    if kind == "lognormal":
        mu, s = np.log(a["median"]), np.log(a["gsd"])
        lo = special.ndtr((np.log(a["low"]) - mu) / s) if "low" in a else 0.0
        hi = special.ndtr((np.log(a["high"]) - mu) / s) if "high" in a else 1.0
        return np.asarray(np.exp(mu + s * special.ndtri(_truncate(u, lo, hi))), dtype=np.float64)
    if kind == "beta":
        mean, sd = a["mean"], a["sd"]
        nu = mean * (1.0 - mean) / sd**2 - 1.0
        if nu <= 0:
            raise ValueError(f"beta prior with mean {mean} and sd {sd} is impossible")
        return np.asarray(special.betaincinv(mean * nu, (1.0 - mean) * nu, u), dtype=np.float64)
    raise ValueError(f"distribution kind {kind!r} not in {DISTRIBUTION_KINDS}")


def sample_parameters(n: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
    """Draw every parameter of the table ``n`` times.

    Parameters
    ----------
    n
        Number of Monte Carlo draws.
    rng
        Random generator; one uniform matrix of shape ``(n, n_parameters)`` is drawn, so
        the draws depend only on the seed and the table.

    Returns
    -------
    dict
        Arrays of shape ``(n,)`` by parameter name; fixed parameters are constant arrays.

    Examples
    --------
    >>> draws = sample_parameters(2000, np.random.default_rng(0))
    >>> draws["epidermis_mm"].shape, bool(np.all(draws["epidermis_mm"] == 0.1))
    ((2000,), True)
    >>> gain = draws["altitude_gain_per_km"]  # uniform on [0.14, 0.18]
    >>> bool(0.14 <= gain.min() and gain.max() <= 0.18), bool(abs(np.median(gain) - 0.16) < 0.01)
    (True, True)
    >>> again = sample_parameters(2000, np.random.default_rng(0))
    >>> all(np.array_equal(draws[name], again[name]) for name in draws)  # same seed
    True
    """
    params = load_parameters()
    # Keep u strictly inside (0, 1) so inverse CDFs stay finite.
    u = np.clip(rng.random((n, len(params))), 1e-12, 1.0 - 1e-12)
    return {
        name: quantile(p.distribution, u[:, j], p.value)
        for j, (name, p) in enumerate(params.items())
    }
