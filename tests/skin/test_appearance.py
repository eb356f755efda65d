"""Tests of the appearance tables and their interpolation."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import ndimage

from fadecast.skin import appearance, optics
from fadecast.skin.pigments import load_pigment


@functools.cache
def _table(pigment: str) -> appearance.ContrastTable:
    return appearance.contrast_table(
        load_pigment(pigment, optics.WAVELENGTHS_NM),
        skin_lab=np.array([66.0, 11.0, 16.0]),
        depth_mm=0.55,
        epidermis_mm=0.1,
    )


def _reference(
    table: appearance.ContrastTable,
    values: np.ndarray,
    rho: np.ndarray,
    progress: np.ndarray,
    width: np.ndarray,
) -> np.ndarray:
    """scipy's order-1 spline (multilinear) on fractional grid indices, as a reference."""

    def index(grid: np.ndarray, x: np.ndarray) -> np.ndarray:
        if len(grid) == 1:
            return np.zeros_like(x)
        return np.asarray(np.clip((x - grid[0]) / (grid[1] - grid[0]), 0, len(grid) - 1))

    coords = (
        index(table.log10_density, np.log10(rho)),
        index(table.progress, progress),
        index(table.width_ratio, width),
    )
    out = ndimage.map_coordinates(values, coords, order=1, mode="nearest")
    floor = 10.0 ** table.log10_density[0]
    return np.asarray(np.where(rho < floor, out * rho / floor, out))


@pytest.mark.parametrize("pigment", ["carbon-black", "organic-blend"])
def test_interpolation_matches_scipy_multilinear(pigment: str) -> None:
    table = _table(pigment)
    rng = np.random.default_rng(3)
    m = 500
    rho = 10.0 ** rng.uniform(-6.0, 1.0, m)  # below, inside and above the grid
    progress = rng.uniform(-10.0, 1.2 * table.progress[-1] + 1.0, m)
    width = rng.uniform(0.0, 1.2, m)
    for values in (table.social_delta_e00, table.closeup_delta_e00):
        expected = _reference(table, values, rho, progress, width)
        assert_allclose(appearance.lookup(table, values, rho, progress, width), expected, atol=1e-9)


def test_one_stencil_reads_several_quantities() -> None:
    table = _table("organic-blend")
    rho = np.full((4, 3), 0.003)
    progress = np.linspace(0.0, 500.0, 3)[None, :]
    width = np.linspace(0.2, 0.5, 4)[:, None]
    where = appearance.stencil(table, rho, progress, width)
    assert where.shape == (4, 3)
    for values in (table.social_delta_e00, table.discolouration_delta_e00):
        assert_allclose(
            appearance.interpolate(values, where),
            appearance.lookup(table, values, rho, progress, width),
        )


def test_stacked_quantities_read_as_each_alone() -> None:
    table = _table("organic-blend")
    rng = np.random.default_rng(3)
    rho = 10.0 ** rng.uniform(-4.0, -1.0, (5, 7))
    progress = rng.uniform(0.0, table.progress[-1], (5, 7))
    width = rng.uniform(0.1, 0.9, (5, 7))
    where = appearance.stencil(table, rho, progress, width)
    quantities = (
        table.social_delta_e00,
        table.discolouration_delta_e00,
        table.closeup_delta_e00,
    )
    stacked = appearance.interpolate(np.stack(quantities), where)
    assert stacked.shape == (3, 5, 7)
    for got, values in zip(stacked, quantities, strict=True):
        assert_allclose(got, appearance.interpolate(values, where), rtol=0, atol=0)


def test_nodes_are_reproduced_exactly() -> None:
    table = _table("carbon-black")
    i, k = 20, 7
    rho = 10.0 ** table.log10_density[i]
    value = appearance.lookup(table, table.social_delta_e00, rho, 0.0, table.width_ratio[k])
    assert float(value) == pytest.approx(table.social_delta_e00[i, 0, k], abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    log_rho=st.floats(-5.0, 0.4),
    width=st.floats(0.12, 1.0),
    factor=st.floats(1.01, 3.0),
)
def test_contrast_grows_with_density(log_rho: float, width: float, factor: float) -> None:
    table = _table("carbon-black")
    rho = 10.0**log_rho
    low = appearance.lookup(table, table.social_delta_e00, rho, 0.0, width)
    high = appearance.lookup(table, table.social_delta_e00, min(rho * factor, 3.0), 0.0, width)
    assert float(high) >= float(low) - 1e-9
