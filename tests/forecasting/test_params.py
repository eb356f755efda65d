"""Tests of the run's parameters (fadecast.forecasting.params)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.forecasting.params import Params
from fadecast.inputs import parameters


def test_sampled_draws_every_parameter_reproducibly() -> None:
    first, again = Params.sampled(50, 7), Params.sampled(50, 7)
    assert set(first.drawn) == set(parameters.load_parameters())
    assert first.samples == 50
    for name in first.drawn:
        np.testing.assert_array_equal(first.drawn[name], again.drawn[name])
    other = Params.sampled(50, 8)
    assert not np.array_equal(
        first.drawn["clearance_rate_per_year"], other.drawn["clearance_rate_per_year"]
    )


def test_central_values_are_the_tables() -> None:
    params = Params.sampled(10, 0)
    assert dict(params.central) == parameters.central_values()
    nominal = Params.central_only()
    assert nominal.samples == 1
    assert {k: float(v[0]) for k, v in nominal.drawn.items()} == parameters.central_values()


def test_params_cannot_be_changed() -> None:
    params = Params.central_only()
    with pytest.raises(TypeError):
        params.central["epidermis_mm"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        params.drawn["epidermis_mm"] = np.zeros(1)  # type: ignore[index]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_rows_keep_the_chosen_draws(n: int, seed: int, data: st.DataObject) -> None:
    params = Params.sampled(max(n, 2), seed)
    picks = np.array(data.draw(st.lists(st.integers(0, params.samples - 1), min_size=1)))
    chosen = params.rows(picks)
    assert chosen.samples == len(picks)
    assert chosen.central is params.central
    for name, values in chosen.drawn.items():
        np.testing.assert_array_equal(values, params.drawn[name][picks])
