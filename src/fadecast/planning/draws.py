"""The Monte Carlo draws a plan follows, and its random streams.

A plan uses the forecast's draws (the same seed gives the same parameters, so its first
fade-driven touch-up is the forecast's). Photo measurements in the profile re-weight them:
the draws are resampled in proportion to how well they explain the photos. The plan's
other randomness comes from streams spawned from the same seed (``SeedSequence`` spawn
keys), one per use, so adding a use never changes another's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.forecasting.personal import (
    effective_sample_size,
    personal_weights,
    systematic_resample,
)
from fadecast.forecasting.run import simulate
from fadecast.forecasting.scenario import Scenario

__all__ = [
    "HAIR_LOSS_STREAM",
    "RESAMPLING_STREAM",
    "PlanDraws",
    "personal_draws",
    "stream",
]

#: Spawn key of the hair-loss paths' stream.
HAIR_LOSS_STREAM = 4
#: Spawn key of the stream that resamples the draws by photo measurements.
RESAMPLING_STREAM = 5


def stream(seed: int, key: int) -> np.random.Generator:
    """The random stream ``key`` spawned from a plan's seed.

    Examples
    --------
    >>> a, b = stream(0, HAIR_LOSS_STREAM), stream(0, HAIR_LOSS_STREAM)
    >>> bool(a.random() == b.random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


@dataclass(frozen=True)
class PlanDraws:
    """The draws a plan follows.

    Attributes
    ----------
    params
        The parameter draws, resampled by photo measurements if the profile has any.
    effective_sample_size
        Kish's effective sample size of the measurement weights, None without
        measurements. [draws]
    """

    params: Params
    effective_sample_size: float | None


def personal_draws(sc: Scenario, params: Params, cache: ModelCache, seed: int) -> PlanDraws:
    """The draws re-weighted by the scenario's photo measurements, if it has any.

    Parameters
    ----------
    sc
        The client's scenario, its horizon the plan's.
    params
        The forecast's draws.
    cache
        The model's tables for the draws' central values.
    seed
        The plan's seed (the resampling uses :data:`RESAMPLING_STREAM`).

    Returns
    -------
    PlanDraws
        The draws unchanged when there are no measurements; else as many draws, taken in
        proportion to how well each explains the measured photos.
    """
    if not sc.observations:
        return PlanDraws(params, None)
    weights = personal_weights(sc, simulate(sc, params, cache))
    ess = effective_sample_size(weights)
    picks = systematic_resample(weights, stream(seed, RESAMPLING_STREAM))
    return PlanDraws(params.rows(picks), ess)
