"""Tests of the parameter table and the prior sampling."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fadecast.inputs import parameters
from fadecast.inputs.parameters import Distribution


def test_every_parameter_is_documented() -> None:
    table = parameters.load_parameters()
    assert len(table) > 30
    for name, p in table.items():
        assert p.description and p.unit and p.source, name
        assert p.confidence in {"H", "M", "L"}, name
        assert p.stage in {"exposure", "kinetics", "appearance", "forecast"}, name


def test_central_value_lies_inside_the_prior() -> None:
    rng = np.random.default_rng(1)
    draws = parameters.sample_parameters(4000, rng)
    for name, p in parameters.load_parameters().items():
        lo, hi = np.quantile(draws[name], [0.001, 0.999])
        assert lo - 1e-12 <= p.value <= hi + 1e-12, name


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    a = parameters.sample_parameters(50, np.random.default_rng(7))
    b = parameters.sample_parameters(50, np.random.default_rng(7))
    c = parameters.sample_parameters(50, np.random.default_rng(8))
    for name in a:
        assert_allclose(a[name], b[name])
    assert not np.allclose(a["clearance_rate_per_year"], c["clearance_rate_per_year"])


@pytest.mark.parametrize(
    ("dist", "check"),
    [
        (
            Distribution("uniform", {"low": 2.0, "high": 4.0}),
            lambda x: (x.min() >= 2) & (x.max() <= 4),
        ),
        (
            Distribution("normal", {"mean": 1.0, "sd": 0.1, "low": 0.9, "high": 1.3}),
            lambda x: (x.min() >= 0.9) & (x.max() <= 1.3),
        ),
        (
            Distribution("lognormal", {"median": 0.5, "gsd": 1.3, "high": 0.6}),
            lambda x: x.max() <= 0.6,
        ),
        (Distribution("beta", {"mean": 0.3, "sd": 0.07}), lambda x: (x.min() > 0) & (x.max() < 1)),
    ],
)
def test_truncation_and_support(dist: Distribution, check: object) -> None:
    u = np.random.default_rng(0).random(20000)
    x = parameters.quantile(dist, u, 1.0)
    assert check(x)  # type: ignore[operator]


def test_moments_match_the_stated_distributions() -> None:
    u = np.random.default_rng(0).random(200_000)
    logn = parameters.quantile(Distribution("lognormal", {"median": 0.06, "gsd": 1.35}), u, 0.06)
    assert np.median(logn) == pytest.approx(0.06, rel=0.01)
    assert np.std(np.log(logn)) == pytest.approx(np.log(1.35), rel=0.01)
    beta = parameters.quantile(Distribution("beta", {"mean": 0.33, "sd": 0.06}), u, 0.33)
    assert beta.mean() == pytest.approx(0.33, abs=0.002)
    assert beta.std() == pytest.approx(0.06, abs=0.002)


def test_impossible_beta_is_refused() -> None:
    with pytest.raises(ValueError, match="impossible"):
        parameters.quantile(Distribution("beta", {"mean": 0.5, "sd": 0.6}), np.array([0.5]), 0.5)


def test_picture_parameters_are_documented_and_fixed() -> None:
    from fadecast.inputs.parameters import load_render_parameters, render_values

    table = load_render_parameters()
    assert table, "render.toml must not be empty"
    for name, p in table.items():
        assert p.stage == "render", name
        assert p.distribution.kind == "fixed", name  # pictures use the central forecast
        assert p.unit and p.source and p.description, name
    assert render_values()["observer_distance_m"] == pytest.approx(2.0)
    # Kept apart from the Monte Carlo table, whose draws they must not shift.
    from fadecast.inputs.parameters import load_parameters

    assert not set(table) & set(load_parameters())
