"""Pattern hair loss over the years: a Markov chain on the Norwood or Ludwig stages.

A share ``s`` of people is susceptible. A susceptible person starts at the first stage
at ``start_age_years`` and advances at most one stage a year, with probability ``p``
each year; the others never advance. ``s`` and ``p`` of each scale are fitted (least
squares, deterministic) so that the chain reproduces the published share at or beyond
a threshold stage by age (``data/hair_loss.toml``, with sources). A family history of
hair loss multiplies the odds of being susceptible by a published odds ratio.

For a client, the chain starts from their present stage: anyone past the first stage
is susceptible; for someone still at the first stage, susceptibility is updated by
Bayes' rule on not having advanced yet.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data

__all__ = [
    "SCALES",
    "HairLossModel",
    "hair_loss_model",
    "sample_stages",
    "share_at_or_beyond",
    "susceptible_probability",
]

Array = NDArray[np.float64]

SCALES: tuple[str, ...] = ("norwood", "ludwig")


@dataclass(frozen=True)
class HairLossModel:
    """A fitted chain for one scale, with the table it was fitted to."""

    scale: str
    label: str
    first_stage: int
    last_stage: int
    threshold_stage: int
    start_age_years: float  # the chain starts at the first stage at this age [yr]
    ages: Array  # ages of the published table [yr]
    published_share: Array  # share at or beyond the threshold stage [1]
    susceptible_share: float  # s [1]
    advance_per_year: float  # p [1/yr]
    family_odds_ratio: float  # odds ratio of susceptibility with a family history [1]
    source: str
    confidence: str


def _binomial_pmf(k: NDArray[np.int_], n: Array, p: ArrayLike) -> Array:
    """P(Binomial(n, p) = k), shape ``(len(n), len(k))`` (with ``p`` one value), or
    ``(len(p), len(n), len(k))`` for an array of ``p``; ``n`` are whole numbers."""
    prob = np.asarray(p, dtype=np.float64)[..., None, None]
    whole = n.astype(np.int64)
    comb = np.array([[math.comb(int(m), int(j)) for j in k] for m in whole], dtype=np.float64)
    fewer = np.maximum(whole[:, None] - k[None, :], 0)
    pmf = comb * prob ** k[None, :] * (1.0 - prob) ** fewer
    return np.asarray(np.where(k[None, :] <= whole[:, None], pmf, 0.0), dtype=np.float64)


def _stage_shares(
    model: HairLossModel, ages_years: Array, susceptible: float, advance: float
) -> Array:
    """Share of a population at each stage by age, shape ``(len(ages), stages)``."""
    n_stages = model.last_stage - model.first_stage + 1
    years = np.maximum(np.floor(ages_years) - model.start_age_years, 0.0)
    steps = np.arange(n_stages)
    # Number of advances after n years: binomial, the last stage absorbing the rest.
    pmf = _binomial_pmf(steps, years, advance)
    pmf[:, -1] = np.maximum(1.0 - pmf[:, :-1].sum(axis=1), 0.0)
    shares = susceptible * pmf
    shares[:, 0] += 1.0 - susceptible
    return np.asarray(shares)


def share_at_or_beyond(
    model: HairLossModel, ages_years: ArrayLike, *, family_history: bool = False
) -> Array:
    """Share of a population at or beyond the model's threshold stage by age. [1]

    Parameters
    ----------
    model
        The chain.
    ages_years
        Ages (whole years; fractions are dropped). [yr]
    family_history
        Everyone has a family history of hair loss.

    Returns
    -------
    ndarray
        Share, one per age. [1]
    """
    ages = np.atleast_1d(np.asarray(ages_years, dtype=np.float64))
    s = _with_family(model.susceptible_share, model.family_odds_ratio, family_history)
    shares = _stage_shares(model, ages, s, model.advance_per_year)
    return np.asarray(shares[:, model.threshold_stage - model.first_stage :].sum(axis=1))


def _with_family(share: float, odds_ratio: float, family_history: bool) -> float:
    if not family_history:
        return share
    odds = odds_ratio * share / (1.0 - share)
    return odds / (1.0 + odds)


def susceptible_probability(
    model: HairLossModel, stage: int, age_years: float, *, family_history: bool
) -> float:
    """Probability that a client at ``stage`` and ``age_years`` is susceptible. [1]

    One past the first stage is; one still at the first stage is less likely to be the
    older they are (Bayes' rule on not having advanced).
    """
    prior = _with_family(model.susceptible_share, model.family_odds_ratio, family_history)
    if stage > model.first_stage:
        return 1.0
    years = max(np.floor(age_years) - model.start_age_years, 0.0)
    stayed = (1.0 - model.advance_per_year) ** years
    return float(prior * stayed / (prior * stayed + 1.0 - prior))


#: Bounds of the fitted susceptible share and yearly advance probability.
_SHARE_BOUNDS = (0.01, 0.999)
_ADVANCE_BOUNDS = (0.001, 0.9)


def _fit(model: HairLossModel) -> tuple[float, float]:
    """Least-squares ``(s, p)`` of the share at or beyond the threshold by age.

    That share is ``s · P(Binomial(n, p) ≥ m)`` with ``m`` the threshold's distance from
    the first stage, so for a given ``p`` the best ``s`` is linear least squares; ``p`` is
    found on a grid refined around its best point until the step is below 1e-12.
    """
    years = np.maximum(np.floor(model.ages) - model.start_age_years, 0.0)
    reach = model.threshold_stage - model.first_stage
    below = np.arange(reach)
    target = model.published_share

    def best(p: Array) -> tuple[Array, Array]:
        tail = 1.0 - _binomial_pmf(below, years, p).sum(axis=-1)  # (len(p), ages)
        share = (tail @ target) / np.maximum((tail * tail).sum(axis=-1), 1e-300)
        share = np.clip(share, *_SHARE_BOUNDS)
        misfit = ((share[:, None] * tail - target) ** 2).sum(axis=-1)
        return share, misfit

    lo, hi = _ADVANCE_BOUNDS
    while True:
        grid = np.linspace(lo, hi, 201)
        share, misfit = best(grid)
        i = int(np.argmin(misfit))
        step = grid[1] - grid[0]
        if step < 1e-12:
            return float(share[i]), float(grid[i])
        lo, hi = max(grid[i] - 2 * step, _ADVANCE_BOUNDS[0]), min(grid[i] + 2 * step, hi)


@functools.cache
def hair_loss_model(scale: str) -> HairLossModel:
    """The fitted chain of a scale (``"norwood"`` or ``"ludwig"``).

    Raises
    ------
    ValueError
        For an unknown scale.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    table = data.toml_table("hair_loss.toml")
    entry = table[scale]
    model = HairLossModel(
        scale=scale,
        label=str(entry["label"]),
        first_stage=int(entry["first_stage"]),
        last_stage=int(entry["last_stage"]),
        threshold_stage=int(entry["threshold_stage"]),
        start_age_years=float(entry["start_age_years"]),
        ages=np.asarray(entry["ages"], dtype=np.float64),
        published_share=np.asarray(entry["share_at_or_beyond"], dtype=np.float64),
        susceptible_share=0.5,
        advance_per_year=0.1,
        family_odds_ratio=float(table["family_history"]["odds_ratio"]),
        source=str(entry["source"]),
        confidence=str(entry["confidence"]),
    )
    s, p = _fit(model)
    return replace(model, susceptible_share=s, advance_per_year=p)


def sample_stages(
    model: HairLossModel,
    stage: int,
    age_years: float,
    years: int,
    *,
    family_history: bool,
    rng: np.random.Generator,
    draws: int,
) -> NDArray[np.int_]:
    """Sample stage paths from the present stage, one per Monte Carlo draw.

    Parameters
    ----------
    model
        The chain.
    stage
        Present stage.
    age_years
        Present age. [yr]
    years
        Number of whole years to sample.
    family_history
        The client has a family history of hair loss.
    rng
        Source of randomness.
    draws
        Number of paths.

    Returns
    -------
    ndarray of int
        Stage at the end of each coming year, shape ``(draws, years)``.
    """
    if not model.first_stage <= stage <= model.last_stage:
        raise ValueError(
            f"stage must be {model.first_stage}-{model.last_stage} on the {model.scale} "
            f"scale, got {stage}"
        )
    susceptible = rng.random(draws) < susceptible_probability(
        model, stage, age_years, family_history=family_history
    )
    steps = (rng.random((draws, years)) < model.advance_per_year) & susceptible[:, None]
    paths: NDArray[np.int_] = np.minimum(stage + np.cumsum(steps, axis=1), model.last_stage)
    return paths
