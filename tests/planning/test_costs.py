"""Tests of counting and pricing a plan's sessions (fadecast.planning.costs)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fadecast.inputs.profile import Costs, load_profile
from fadecast.planning import plan
from fadecast.planning.costs import (
    CostSummary,
    Pricing,
    SessionSpend,
    cost_summary,
    count_quantiles,
    count_sessions,
    price_for_stage,
    spend_by_kind,
    stage_at,
)
from fadecast.planning.sessions import SESSION_KINDS, SessionTimes
from fadecast.report.json import cost_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def random_times(rng: np.random.Generator, n: int, k: int, horizon: float) -> NDArray[np.float64]:
    """Session times per draw, increasing along each row, inf past the horizon."""
    raw = np.cumsum(rng.uniform(0.25, 12.0, (n, k)), axis=1)
    return np.where(raw <= horizon, raw, np.inf)


def random_session_times(seed: int, n: int, horizon: float = 40.0) -> SessionTimes:
    rng = np.random.default_rng(seed)
    design = np.tile(np.array([10.0, 20.0]), (n, 1))
    return SessionTimes(
        fade=random_times(rng, n, 5, horizon),
        extension=random_times(rng, n, 3, horizon),
        design=design,
    )


def random_paths(seed: int, n: int, years: int, present: int) -> NDArray[np.int_]:
    rng = np.random.default_rng(seed)
    return present + np.cumsum(rng.random((n, years)) < 0.2, axis=1)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_counts_add_up_by_kind(seed: int, n: int) -> None:
    times = random_session_times(seed, n)
    counts = count_sessions(times)
    for kind, column in times.by_kind():
        assert np.array_equal(getattr(counts, kind), np.isfinite(column).sum(axis=1))
    assert np.array_equal(counts.total, counts.fade + counts.extension + counts.design)
    quantiles = counts.quantiles()
    assert list(quantiles) == [*SESSION_KINDS, "total"]
    for p10, p50, p90 in quantiles.values():
        assert p10 <= p50 <= p90


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    short=st.floats(1.0, 40.0),
    extra=st.floats(0.0, 40.0),
)
def test_counts_are_monotone_in_the_horizon(seed: int, n: int, short: float, extra: float) -> None:
    times = random_session_times(seed, n, horizon=200.0)

    def until(horizon: float) -> SessionTimes:
        return SessionTimes(
            *(np.where(column <= horizon, column, np.inf) for _, column in times.by_kind())
        )

    fewer, more = count_sessions(until(short)), count_sessions(until(short + extra))
    for kind in SESSION_KINDS:
        assert np.all(getattr(fewer, kind) <= getattr(more, kind)), kind
    assert np.all(fewer.total <= more.total)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    price=st.floats(0.0, 5000.0),
    present=st.integers(1, 4),
)
def test_a_flat_price_charges_every_session_once(
    seed: int, n: int, price: float, present: int
) -> None:
    times = random_session_times(seed, n)
    pricing = Pricing(
        Costs(price_per_session=price), random_paths(seed, n, 40, present), 1.0, present
    )
    spend = spend_by_kind(times, pricing)
    counts = count_sessions(times)
    for kind in SESSION_KINDS:
        np.testing.assert_allclose(getattr(spend, kind), price * getattr(counts, kind))
    # The total is the sum of the kinds, draw by draw.
    np.testing.assert_array_equal(spend.total, spend.fade + spend.extension + spend.design)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    table=st.dictionaries(st.integers(0, 7), st.floats(1.0, 5000.0), min_size=1, max_size=4),
)
def test_the_summary_adds_up_and_is_ordered(seed: int, n: int, table: dict[int, float]) -> None:
    times = random_session_times(seed, n)
    costs = Costs(price_by_stage=table, currency="GBP")
    pricing = Pricing(costs, random_paths(seed, n, 40, 2), 0.5, 2)
    spend = spend_by_kind(times, pricing)
    summary = cost_summary(costs, spend)
    assert summary.priced and summary.currency == "GBP"
    assert summary.total_p10 is not None and summary.total_p50 is not None
    assert summary.total_p90 is not None and summary.mean_by_kind is not None
    assert summary.total_p10 <= summary.total_p50 <= summary.total_p90
    assert list(summary.mean_by_kind) == list(SESSION_KINDS)
    # The means by kind add up to the mean total, to the cents they are rounded to.
    assert sum(summary.mean_by_kind.values()) == pytest.approx(spend.total.mean(), abs=0.015)
    # Every session costs between the lowest and the highest price of the table.
    total = count_sessions(times).total
    assert np.all(spend.total >= min(table.values()) * total - 1e-6)
    assert np.all(spend.total <= max(table.values()) * total + 1e-6)


def test_a_session_is_charged_the_highest_listed_stage_at_or_below_its_own() -> None:
    costs = Costs(price_by_stage={2: 300.0, 4: 450.0, 6: 700.0})
    stages = np.arange(1, 8)
    prices = price_for_stage(costs, stages, len(stages))
    assert prices.tolist() == [300.0, 300.0, 300.0, 450.0, 450.0, 700.0, 700.0]
    # Without hair-loss stages, the flat price, else the lowest stage's.
    assert price_for_stage(costs, None, 2).tolist() == [300.0, 300.0]
    flat = Costs(price_per_session=250.0, price_by_stage={2: 300.0})
    assert price_for_stage(flat, None, 1).tolist() == [250.0]
    assert np.isnan(price_for_stage(Costs(), np.array([3]), 1)).all()


def test_the_stage_of_a_session_is_its_years_end_stage() -> None:
    paths = np.array([[3, 3, 4, 5], [3, 4, 4, 4]])
    today = 2.0
    times = np.array([1.0, 2.9])  # before today's first year ends: its end stage
    assert stage_at(paths, times, today, 3) is not None
    assert np.asarray(stage_at(paths, times, today, 3)).tolist() == [3, 3]
    later = np.asarray(stage_at(paths, np.array([4.5, 30.0]), today, 3))
    assert later.tolist() == [4, 4]  # year 2, and the last year beyond the paths
    assert stage_at(None, times, today, 3) is None


def test_unpriced_sessions_give_only_the_currency() -> None:
    times = random_session_times(0, 10)
    spend = spend_by_kind(times, Pricing(Costs(currency="USD"), None, 0.0, 0))
    assert np.isnan(spend.total).all()
    summary = cost_summary(Costs(currency="USD"), spend)
    assert summary == CostSummary(currency="USD", priced=False)
    assert cost_dict(summary) == {"currency": "USD", "priced": False}


def test_the_summarys_json_keeps_its_keys_and_their_order() -> None:
    spend = SessionSpend(np.array([100.0]), np.array([0.0]), np.array([50.0]))
    data = cost_dict(cost_summary(Costs(price_by_stage={3: 50.0, 1: 100.0}), spend))
    assert list(data) == [
        "currency",
        "priced",
        "price_per_session",
        "price_by_stage",
        "total_p10",
        "total_p50",
        "total_p90",
        "mean_by_kind",
    ]
    assert data["price_by_stage"] == {"3": 50.0, "1": 100.0}
    json.dumps(data, allow_nan=False)


def test_count_quantiles_are_floats_in_order() -> None:
    q = count_quantiles(np.array([0, 0, 1, 2, 2, 3, 9]))
    assert all(isinstance(v, float) for v in q) and q[0] <= q[1] <= q[2]


def test_a_longer_plan_has_at_least_as_many_fade_touchups() -> None:
    profile = load_profile(EXAMPLES / "tropical-outdoor-worker.toml", today=TODAY)
    medians, means = [], []
    for until_age in (50, 60, 75):
        planned = plan(
            profile, until_age=until_age, samples=150, seed=0, today=TODAY, what_ifs=False
        )
        medians.append(planned.counts["fade"][1])
        means.append(float(np.isfinite(planned.fade_years).sum(axis=1).mean()))
    assert medians == sorted(medians) and means == sorted(means)
