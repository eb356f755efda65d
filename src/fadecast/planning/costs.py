"""Counting and pricing a plan's sessions, draw by draw, and their summary over draws.

A session costs ``price_per_session``, or with ``price_by_stage`` the price of the highest
listed stage at or below the hair-loss stage the session covers (the draw's stage that
year). Counts and money are per draw first (:class:`SessionCounts`, :class:`SessionSpend`),
then summarised as P10/P50/P90 over draws, money also as the mean by kind
(:class:`CostSummary`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from fadecast.inputs.profile import Costs
from fadecast.planning.sessions import SESSION_KINDS, SessionTimes

__all__ = [
    "CostSummary",
    "Pricing",
    "Quantiles",
    "SessionCounts",
    "SessionSpend",
    "cost_summary",
    "count_quantiles",
    "count_sessions",
    "price_for_stage",
    "spend_by_kind",
    "stage_at",
]

Array = NDArray[np.float64]
#: P10, P50 and P90 over draws.
Quantiles = tuple[float, float, float]


def count_quantiles(counts: NDArray[np.int_]) -> Quantiles:
    """P10, P50 and P90 of a count per draw. [sessions]

    Examples
    --------
    >>> count_quantiles(np.arange(11))
    (1.0, 5.0, 9.0)
    """
    q = np.quantile(counts, [0.1, 0.5, 0.9])
    return float(q[0]), float(q[1]), float(q[2])


@dataclass(frozen=True)
class SessionCounts:
    """Sessions per draw until the horizon, by kind, each of shape ``(n,)``. [sessions]"""

    fade: NDArray[np.int_]
    extension: NDArray[np.int_]
    design: NDArray[np.int_]

    @property
    def total(self) -> NDArray[np.int_]:
        """Sessions of every kind per draw. [sessions]"""
        return self.fade + self.extension + self.design

    def quantiles(self) -> dict[str, Quantiles]:
        """P10/P50/P90 per kind (in the order of :data:`SESSION_KINDS`) and ``"total"``."""
        by_kind = {"fade": self.fade, "extension": self.extension, "design": self.design}
        out = {kind: count_quantiles(by_kind[kind]) for kind in SESSION_KINDS}
        out["total"] = count_quantiles(self.total)
        return out


def count_sessions(times: SessionTimes) -> SessionCounts:
    """The sessions each draw has before the horizon, by kind.

    Examples
    --------
    >>> inf = np.inf
    >>> times = SessionTimes(
    ...     fade=np.array([[3.0, 7.0], [4.0, inf]]),
    ...     extension=np.full((2, 0), inf),
    ...     design=np.array([[10.0], [10.0]]),
    ... )
    >>> count_sessions(times).total.tolist()
    [3, 2]
    """
    return SessionCounts(
        fade=np.isfinite(times.fade).sum(axis=1),
        extension=np.isfinite(times.extension).sum(axis=1),
        design=np.full(times.design.shape[0], times.design.shape[1]),
    )


def price_for_stage(costs: Costs, stage: NDArray[np.int_] | None, n: int) -> Array:
    """The price of a session per draw, shape ``(n,)``. [currency]

    Parameters
    ----------
    costs
        The prices.
    stage
        The hair-loss stage the session covers, per draw; None without ``[hair]``.
    n
        Number of draws.

    Returns
    -------
    ndarray
        With ``price_by_stage`` and a stage, the price of the highest listed stage at or
        below the covered one (or of the lowest listed); else ``price_per_session``, else
        the lowest stage price; nan when no price is given.

    Examples
    --------
    >>> costs = Costs(price_by_stage={3: 500, 5: 800})
    >>> price_for_stage(costs, np.array([2, 3, 4, 6]), 4).tolist()
    [500.0, 500.0, 500.0, 800.0]
    >>> price_for_stage(Costs(), None, 2).tolist()
    [nan, nan]
    """
    if costs.price_by_stage and stage is not None:
        stages = np.array(sorted(costs.price_by_stage))
        prices = np.array([costs.price_by_stage[s] for s in stages])
        idx = np.clip(np.searchsorted(stages, stage, side="right") - 1, 0, len(stages) - 1)
        return np.asarray(prices[idx], dtype=np.float64)
    flat = costs.price_per_session
    if flat is None and costs.price_by_stage:
        flat = costs.price_by_stage[min(costs.price_by_stage)]
    return np.full(n, float(flat) if flat is not None else math.nan)


def stage_at(
    stage_paths: NDArray[np.int_] | None, times: Array, today_years: float, present_stage: int
) -> NDArray[np.int_] | None:
    """Each draw's hair-loss stage at a time of its own (the stage at that year's end).

    Parameters
    ----------
    stage_paths
        Stage at the end of each whole year from today, shape ``(n, years)``; or None.
    times
        One time per draw, since the first session. [yr]
    today_years
        Today, since the first session. [yr]
    present_stage
        The stage today, for times before the first year. [stage]

    Returns
    -------
    ndarray or None
        The stage per draw, None without paths. [stage]

    Examples
    --------
    >>> paths = np.array([[2, 3, 3], [2, 2, 4]])
    >>> stage_at(paths, np.array([1.5, 3.0]), 1.0, 2).tolist()
    [2, 4]
    """
    if stage_paths is None:
        return None
    year = np.clip(np.floor(times - today_years).astype(np.int64), -1, stage_paths.shape[1] - 1)
    rows = np.arange(stage_paths.shape[0])
    return np.where(year >= 0, stage_paths[rows, np.maximum(year, 0)], present_stage)


@dataclass(frozen=True)
class Pricing:
    """What sets the price of a draw's sessions: the prices and the hair-loss stages.

    Attributes
    ----------
    costs
        The prices (the profile's ``[costs]`` or those given to the plan).
    stage_paths
        Each draw's stage at the end of each whole year from today, or None.
    today_years
        Today, since the first session. [yr]
    present_stage
        The stage today (0 without ``[hair]``). [stage]
    """

    costs: Costs
    stage_paths: NDArray[np.int_] | None
    today_years: float
    present_stage: int

    def spend(self, times: Array) -> Array:
        """Money each draw spends on sessions at ``times`` (``(n, m)``, inf-padded).

        Returns
        -------
        ndarray
            Shape ``(n,)``; nan when sessions are not priced and a draw has one. [currency]
        """
        n = times.shape[0]
        per_draw = np.zeros(n)
        for column in times.T:
            happened = np.isfinite(column)
            when = np.where(happened, column, self.today_years)
            stage = stage_at(self.stage_paths, when, self.today_years, self.present_stage)
            per_draw += np.where(happened, price_for_stage(self.costs, stage, n), 0.0)
        return per_draw


@dataclass(frozen=True)
class SessionSpend:
    """Money spent per draw until the horizon, by kind, each of shape ``(n,)``. [currency]"""

    fade: Array
    extension: Array
    design: Array

    @property
    def total(self) -> Array:
        """Money spent on sessions of every kind, per draw. [currency]"""
        return self.fade + self.extension + self.design


def spend_by_kind(times: SessionTimes, pricing: Pricing) -> SessionSpend:
    """Each draw's money spent on each kind of session."""
    return SessionSpend(
        fade=pricing.spend(times.fade),
        extension=pricing.spend(times.extension),
        design=pricing.spend(times.design),
    )


@dataclass(frozen=True)
class CostSummary:
    """What the plan costs, over draws (the ``cost`` object of the plan's JSON).

    Attributes
    ----------
    currency
        ISO 4217 code.
    priced
        Whether every session has a price; when not, the other fields are None.
    price_per_session
        The flat price given, if any. [currency]
    price_by_stage
        The price table by hair-loss stage, if any. [currency]
    total_p10, total_p50, total_p90
        P10/P50/P90 over draws of the money spent until the horizon, to the cent.
        [currency]
    mean_by_kind
        Mean over draws of the money spent on each kind of session, to the cent.
        [currency]
    """

    currency: str
    priced: bool
    price_per_session: float | None = None
    price_by_stage: Mapping[int, float] | None = None
    total_p10: float | None = None
    total_p50: float | None = None
    total_p90: float | None = None
    mean_by_kind: Mapping[str, float] | None = None


def cost_summary(costs: Costs, spend: SessionSpend) -> CostSummary:
    """Summarise the money spent per draw: P10/P50/P90 of the total and the mean by kind.

    Examples
    --------
    >>> spend = SessionSpend(
    ...     fade=np.array([400.0, 800.0]), extension=np.zeros(2), design=np.array([400.0, 400.0])
    ... )
    >>> summary = cost_summary(Costs(price_per_session=400, currency="GBP"), spend)
    >>> summary.total_p50, dict(summary.mean_by_kind or {})
    (1000.0, {'fade': 600.0, 'extension': 0.0, 'design': 400.0})
    >>> cost_summary(Costs(), SessionSpend(*(np.full(2, np.nan) for _ in range(3)))).priced
    False
    """
    total = spend.total
    priced = bool(np.isfinite(total).all())
    if not priced:
        return CostSummary(currency=costs.currency, priced=False)
    q = np.quantile(total, [0.1, 0.5, 0.9])
    by_kind = {"fade": spend.fade, "extension": spend.extension, "design": spend.design}
    return CostSummary(
        currency=costs.currency,
        priced=True,
        price_per_session=costs.price_per_session,
        price_by_stage=(
            MappingProxyType(dict(costs.price_by_stage)) if costs.price_by_stage else None
        ),
        total_p10=round(float(q[0]), 2),
        total_p50=round(float(q[1]), 2),
        total_p90=round(float(q[2]), 2),
        mean_by_kind=MappingProxyType(
            {kind: round(float(by_kind[kind].mean()), 2) for kind in SESSION_KINDS}
        ),
    )
