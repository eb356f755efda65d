"""Tests of the tabulated inked-skin reflectance against adding-doubling itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.skin import colour, dot_optics, inked_column, optics, pigments

CARBON = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)


def test_sampled_rows_are_what_adding_doubling_gives() -> None:
    grid = inked_column.column_grid()
    for i, j, a in ((0, 0, None), (3, 4, 5), (9, 7, 15), (12, 2, 0)):
        made = inked_column.column_table_row(
            float(grid.melanin_fraction[i]),
            float(grid.dermis_above_mm[j]),
            None if a is None else float(grid.log10_mu_a_ink_per_mm[a]),
        )
        stored = grid.bare[i] if a is None else grid.inked[i, j, a]
        np.testing.assert_allclose(stored, made, atol=2e-6)


def test_the_bare_row_is_the_bare_column_of_dot_optics() -> None:
    grid = inked_column.column_grid()
    bare = dot_optics.column_reflectance_adding_doubling(0.045, 0.0, depth_mm=0.25)
    np.testing.assert_allclose(grid.bare[4], bare, atol=1e-5)


@pytest.mark.parametrize(
    ("melanin", "ink_mg_cm2", "depth_mm"),
    [(0.038, 1.695, 0.25), (0.1, 0.5, 0.2), (0.25, 3.0, 0.45), (0.01, 0.08, 0.16)],
)
def test_reading_between_nodes_matches_adding_doubling_within_half_a_jnd(
    melanin: float, ink_mg_cm2: float, depth_mm: float
) -> None:
    read = inked_column.inked_skin_reflectance(
        CARBON, [[ink_mg_cm2]], melanin_fraction=melanin, depth_mm=depth_mm, epidermis_mm=0.1
    )[0]
    direct = dot_optics.seen_reflectance(
        dot_optics.column_reflectance_adding_doubling(melanin, ink_mg_cm2, depth_mm=depth_mm)
    )
    delta = colour.delta_e_ciede2000(
        colour.reflectance_to_lab(read), colour.reflectance_to_lab(direct)
    )
    assert float(delta) < 0.5


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
    st.lists(st.floats(0.0, 200.0, allow_nan=False), min_size=2, max_size=6),
)
def test_more_ink_never_reflects_more(melanin: float, above: float, mu: list[float]) -> None:
    ordered = np.sort(np.asarray(mu))[:, None] * np.ones(optics.WAVELENGTHS_NM.size)
    r = inked_column.column_reflectance(melanin, ordered, above)
    assert np.all(np.diff(r, axis=0) <= 1e-12)
    assert np.all((r > 0.0) & (r < 1.0))


def test_denser_particles_cover_less_per_mg_so_iron_oxide_is_lighter_per_mass() -> None:
    iron = pigments.load_pigment("iron-oxide", optics.WAVELENGTHS_NM)
    kw = {"melanin_fraction": 0.038, "depth_mm": 0.25, "epidermis_mm": 0.1}
    black = inked_column.inked_skin_reflectance(CARBON, [[1.7]], **kw)
    rust = inked_column.inked_skin_reflectance(iron, [[1.53, 0.17]], **kw)
    assert colour.reflectance_to_lab(rust[0])[0] > colour.reflectance_to_lab(black[0])[0]


def test_lighter_skin_takes_less_melanin() -> None:
    f = [inked_column.melanin_fraction_for_lightness(x) for x in (75.0, 65.0, 50.0, 35.0)]
    assert f == sorted(f)
    # the table's bare skin, as seen, at that fraction has the asked lightness
    grid = inked_column.column_grid()
    i = 3
    seen = dot_optics.seen_reflectance(grid.bare[i], grid.surface_reflectance)
    lightness = colour.reflectance_to_lab(seen)[0]
    assert inked_column.melanin_fraction_for_lightness(float(lightness)) == pytest.approx(
        grid.melanin_fraction[i], abs=1e-9
    )


def test_an_epidermis_the_table_does_not_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="epidermis"):
        inked_column.inked_skin_reflectance(
            CARBON, [[1.0]], melanin_fraction=0.04, depth_mm=0.25, epidermis_mm=0.08
        )
    with pytest.raises(ValueError, match="outside"):
        inked_column.column_reflectance(0.04, np.ones((1, 31)), 0.9)


def test_the_table_holds_the_surface_reflection_adding_doubling_gives() -> None:
    grid = inked_column.column_grid()
    assert grid.surface_reflectance == pytest.approx(
        dot_optics.surface_reflectance_diffuse(), abs=1e-6
    )


def test_the_darkest_skins_of_the_gamut_are_reached() -> None:
    """Seen from straight on, skin can be as dark as L* 19, where only the surface is left."""
    assert inked_column.melanin_fraction_for_lightness(22.0) < 0.5
    seen = dot_optics.seen_reflectance(dot_optics.surface_reflectance_diffuse())
    assert float(colour.reflectance_to_lab(np.full(31, float(seen)))[0]) < 20.0
