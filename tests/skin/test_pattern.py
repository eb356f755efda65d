"""Tests of the hand-placed dot pattern and its packaged density distribution."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.inputs.parameters import central_values
from fadecast.skin.pattern import (
    DENSITY_NODES,
    PATTERN_PARAMETERS,
    DotPattern,
    dot_pattern,
    pattern_table,
    pattern_table_from_pattern,
    relative_density,
    table_parameters,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_pattern_table.py"


def test_the_packaged_table_is_what_its_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_pattern_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.table_text(*script.make_table()) == script.TABLE.read_text(encoding="utf-8")


def test_the_table_was_made_with_the_parameters_in_force() -> None:
    central = central_values()
    assert table_parameters() == {name: central[name] for name in PATTERN_PARAMETERS}


def test_the_table_has_ascending_nodes_at_every_width() -> None:
    table = pattern_table()
    assert table.density_nodes.shape == (len(table.width_ratio), DENSITY_NODES)
    assert np.all(np.diff(table.density_nodes, axis=1) >= 0.0)
    assert np.all(np.diff(table.width_ratio) > 0.0)
    # Wider dots hold more pigment everywhere on average, and at the median dot's centre.
    assert np.all(np.diff(table.density_nodes.mean(axis=1)) > 0.0)
    assert np.all(np.diff(table.centre_density) >= 0.0)


def test_the_table_conserves_pigment() -> None:
    """The mean density is what the dots hold: 2π w² each, times the pattern's density
    of dots and the mean of l s² (lognormal factors, independent)."""
    table = pattern_table()
    central = central_values()
    mean_load = np.exp(0.5 * np.log(central["dot_load_variation"]) ** 2)
    mean_area = np.exp(2.0 * np.log(central["dot_size_variation"]) ** 2)
    held = table.density_nodes.mean(axis=1) / (2.0 * np.pi * table.width_ratio**2)
    dots_per_spacing2 = held / (mean_load * mean_area)
    assert dots_per_spacing2 == pytest.approx(np.full_like(held, 0.963), abs=0.01)


def test_another_pattern_of_the_same_kind_gives_the_same_table() -> None:
    """The packaged table is a property of the pattern's statistics, not of one draw."""
    central = central_values()
    rng = np.random.default_rng(7)
    pattern = dot_pattern(
        30.0,
        disk_fraction=central["poisson_disk_fraction"],
        size_gsd=central["dot_size_variation"],
        load_gsd=central["dot_load_variation"],
        rng=rng,
    )
    packaged = pattern_table()
    rows = [0, 5, 11, 22]
    fresh = pattern_table_from_pattern(
        pattern, packaged.width_ratio[rows], margin=5.0, points=64 * DENSITY_NODES, rng=rng
    )
    for k, row in enumerate(rows):
        expected = packaged.density_nodes[row]
        assert fresh.density_nodes[k].mean() == pytest.approx(expected.mean(), rel=0.03)
        # The quartiles of the distribution agree too.
        for q in (DENSITY_NODES // 4, DENSITY_NODES // 2, 3 * DENSITY_NODES // 4):
            assert fresh.density_nodes[k][q] == pytest.approx(expected[q], rel=0.1, abs=0.01)
        assert fresh.centre_density[k] == pytest.approx(packaged.centre_density[row], rel=0.05)


def test_a_hand_placed_pattern_is_lumpier_than_a_lattice() -> None:
    """A lattice of the same dots spreads its density more evenly: its lowest tenth is
    denser and its highest tenth less dense than the pattern's."""
    table = pattern_table()
    row = int(np.argmin(np.abs(table.width_ratio - 0.4)))
    w = float(table.width_ratio[row])
    g = np.arange(-8, 9, dtype=float)
    cx, cy = np.meshgrid(g, g)
    lattice = DotPattern(17.0, np.c_[cx.ravel(), cy.ravel()], np.ones(cx.size), np.ones(cx.size))
    rng = np.random.default_rng(0)
    points = rng.uniform(-0.5, 0.5, size=(20_000, 2))
    on_lattice = np.sort(relative_density(lattice, points, w))
    pattern = table.density_nodes[row] / table.density_nodes[row].mean()
    lattice_share = on_lattice / on_lattice.mean()
    tenth = DENSITY_NODES // 10
    assert pattern[:tenth].mean() < np.quantile(lattice_share, 0.1)
    assert pattern[-tenth:].mean() > np.quantile(lattice_share, 0.9)


@settings(max_examples=30, deadline=None)
@given(
    scale=st.floats(0.1, 10.0),
    width=st.floats(0.1, 1.0),
    seed=st.integers(0, 2**16),
)
def test_density_is_linear_in_the_loads_and_never_negative(
    scale: float, width: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pattern = dot_pattern(6.0, disk_fraction=0.8, size_gsd=1.1, load_gsd=1.2, rng=rng)
    points = rng.uniform(0.0, 6.0, size=(50, 2))
    heavier = DotPattern(
        pattern.side, pattern.centres, pattern.size_factor, scale * pattern.load_factor
    )
    base = relative_density(pattern, points, width)
    assert np.all(base >= 0.0)
    np.testing.assert_allclose(relative_density(heavier, points, width), scale * base, rtol=1e-9)
