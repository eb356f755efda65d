"""Tests of the colorimetry: spectra to XYZ and CIELAB, CIEDE2000, ITA°."""

from __future__ import annotations

import time
from pathlib import Path

import colour as colour_science
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from fadecast.skin import colour, optics

DATA = Path(__file__).parent / "data"

lab_values = st.tuples(
    st.floats(0.0, 100.0), st.floats(-100.0, 100.0), st.floats(-100.0, 100.0)
).map(np.array)
spectra = hnp.arrays(np.float64, (31,), elements=st.floats(0.0, 1.0))


def _sharma_table() -> np.ndarray:
    return np.loadtxt(DATA / "sharma2005_ciede2000.csv", delimiter=",", skiprows=7)


# ----------------------------------------------------------------------------- CIEDE2000


def test_ciede2000_reproduces_sharma_2005_table_1() -> None:
    # Sharma, Wu & Dalal (2005), Color Res Appl 30:21-30, Table 1: all 34 pairs, published
    # to four decimals.
    table = _sharma_table()
    assert table.shape == (34, 8)
    assert_allclose(table[:, 0], np.arange(1, 35))
    de = colour.delta_e_ciede2000(table[:, 1:4], table[:, 4:7])
    assert_allclose(de, table[:, 7], atol=1e-4, rtol=0)


def test_ciede2000_pairwise_calls_match_the_vectorised_call() -> None:
    table = _sharma_table()
    for row in table[:5]:
        assert float(colour.delta_e_ciede2000(row[1:4], row[4:7])) == pytest.approx(
            row[7], abs=1e-4
        )


def test_ciede2000_broadcasts_leading_axes() -> None:
    rng = np.random.default_rng(1)
    labs = np.stack(
        [rng.uniform(0, 100, (4, 5)), rng.uniform(-50, 50, (4, 5)), rng.uniform(-50, 50, (4, 5))],
        axis=-1,
    )
    ref = np.array([60.0, 10.0, 15.0])
    de = colour.delta_e_ciede2000(labs, ref)
    assert de.shape == (4, 5)
    assert_allclose(de[2, 3], colour.delta_e_ciede2000(labs[2, 3], ref))


@settings(deadline=None, max_examples=100)
@given(lab_values, lab_values)
def test_ciede2000_is_symmetric_and_non_negative(lab1: np.ndarray, lab2: np.ndarray) -> None:
    d12 = colour.delta_e_ciede2000(lab1, lab2)
    d21 = colour.delta_e_ciede2000(lab2, lab1)
    assert d12 >= 0.0
    assert d12 == pytest.approx(d21, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(lab_values)
def test_ciede2000_of_a_colour_with_itself_is_zero(lab: np.ndarray) -> None:
    assert colour.delta_e_ciede2000(lab, lab) == pytest.approx(0.0, abs=1e-9)


def test_ciede2000_of_a_pure_lightness_step_is_closed_form() -> None:
    # Neutral colours differing in L* only: ΔE00 = ΔL / S_L with
    # S_L = 1 + 0.015 (L̄ - 50)² / sqrt(20 + (L̄ - 50)²) (Luo, Cui & Rigg 2001).
    l1, l2 = 40.0, 70.0
    mean = 0.5 * (l1 + l2)
    s_l = 1.0 + 0.015 * (mean - 50.0) ** 2 / np.sqrt(20.0 + (mean - 50.0) ** 2)
    de = colour.delta_e_ciede2000([l1, 0.0, 0.0], [l2, 0.0, 0.0])
    assert de == pytest.approx((l2 - l1) / s_l, rel=1e-12)


def test_ciede2000_rejects_non_lab_arrays() -> None:
    with pytest.raises(ValueError, match="3 components"):
        colour.delta_e_ciede2000(np.zeros(2), np.zeros(2))


# ----------------------------------------------------------------------------- XYZ and Lab


def test_weights_match_colour_sd_to_xyz_integration() -> None:
    shape = colour_science.SpectralShape(400, 700, 10)
    # aligned beforehand: colour-science warns when it aligns them itself
    cmfs = colour_science.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"].copy().align(shape)
    illuminant = colour_science.SDS_ILLUMINANTS["D65"].copy().align(shape)
    rng = np.random.default_rng(7)
    spectra_ = rng.uniform(0.0, 1.0, (6, 31))
    ours = colour.reflectance_to_xyz(spectra_)
    for r, xyz in zip(spectra_, ours, strict=True):
        sd = colour_science.SpectralDistribution(dict(zip(optics.WAVELENGTHS_NM, r, strict=True)))
        ref = (
            colour_science.sd_to_XYZ(sd, cmfs, illuminant, method="Integration", shape=shape) / 100
        )
        assert_allclose(xyz, ref, rtol=1e-6)
    ref_msds = (
        colour_science.msds_to_XYZ(spectra_, cmfs, illuminant, method="Integration", shape=shape)
        / 100
    )
    assert_allclose(ours, ref_msds, rtol=1e-6)


def test_perfect_white_is_l100_and_neutral() -> None:
    xyz = colour.reflectance_to_xyz(np.ones(31))
    assert xyz[1] == pytest.approx(1.0, abs=1e-12)
    assert_allclose(colour.reflectance_to_lab(np.ones(31)), [100.0, 0.0, 0.0], atol=1e-9)
    assert_allclose(colour.reflectance_to_lab(np.zeros(31)), [0.0, 0.0, 0.0], atol=1e-12)


def test_whitepoint_is_close_to_tabulated_d65() -> None:
    # CIE 015:2018: D65, 2° observer, x = 0.3127, y = 0.3290; the 10 nm, 400-700 nm sum
    # moves it by a few 1e-4.
    assert_allclose(colour.WHITEPOINT_D65, [0.3127, 0.3290], atol=5e-4)


def test_flat_grey_has_closed_form_lightness() -> None:
    # A spectrally flat reflectance ρ has Y = ρ, x, y of the white, and
    # L* = 116 ρ^(1/3) - 16; ρ = 0.18419 is the L* = 50 grey.
    for rho in (0.18419, 0.5, 0.9):
        lab = colour.reflectance_to_lab(np.full(31, rho))
        assert lab[0] == pytest.approx(116.0 * rho ** (1.0 / 3.0) - 16.0, abs=1e-9)
        assert_allclose(lab[1:], 0.0, atol=1e-9)
    assert colour.reflectance_to_lab(np.full(31, 0.18419))[0] == pytest.approx(50.0, abs=1e-3)


@settings(deadline=None, max_examples=50)
@given(spectra, spectra, st.floats(0.0, 1.0))
def test_xyz_is_linear_in_the_spectrum(r1: np.ndarray, r2: np.ndarray, w: float) -> None:
    mixed = colour.reflectance_to_xyz(w * r1 + (1.0 - w) * r2)
    expected = w * colour.reflectance_to_xyz(r1) + (1.0 - w) * colour.reflectance_to_xyz(r2)
    assert_allclose(mixed, expected, atol=1e-12)


@settings(deadline=None, max_examples=50)
@given(spectra)
def test_lab_xyz_round_trip(r: np.ndarray) -> None:
    xyz = colour.reflectance_to_xyz(r)
    assert_allclose(colour.lab_to_xyz(colour.xyz_to_lab(xyz)), xyz, atol=1e-10)


def test_monochromatic_spike_near_555nm_is_greenish() -> None:
    r = np.zeros(31)
    r[15] = 1.0  # 550 nm
    lab = colour.reflectance_to_lab(r)
    assert lab[1] < 0.0  # green


def test_reflectance_to_lab_keeps_leading_shape() -> None:
    r = np.full((2, 3, 31), 0.3)
    assert colour.reflectance_to_lab(r).shape == (2, 3, 3)
    assert colour.reflectance_to_xyz(r).shape == (2, 3, 3)


def test_wrong_grid_is_rejected() -> None:
    with pytest.raises(ValueError, match="31 samples"):
        colour.reflectance_to_xyz(np.ones(30))


def test_reflectance_to_lab_is_fast() -> None:
    # (2000, 31) spectra must convert in a few ms (a matrix product plus XYZ_to_Lab).
    r = np.random.default_rng(0).uniform(0.0, 1.0, (2000, 31))
    colour.reflectance_to_lab(r)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        colour.reflectance_to_lab(r)
        times.append(time.perf_counter() - t0)
    assert min(times) < 0.05


# ----------------------------------------------------------------------------- ITA


def test_ita_closed_form_values() -> None:
    labs = np.array(
        [
            [60.0, 5.0, 10.0],  # arctan(1) = 45°
            [50.0, 5.0, 20.0],  # 0°
            [40.0, 5.0, 10.0],  # -45°
            [70.0, 5.0, 0.0],  # b* = 0: +90°
            [30.0, 5.0, 0.0],  # -90°
            [60.0, 5.0, -10.0],  # formula as written: arctan(-1) = -45°
        ]
    )
    assert_allclose(colour.ita_deg(labs), [45.0, 0.0, -45.0, 90.0, -90.0, -45.0], atol=1e-12)


@settings(deadline=None, max_examples=100)
@given(st.floats(0.0, 100.0), st.floats(-50.0, 50.0), st.floats(1e-3, 60.0))
def test_ita_matches_the_chardon_formula_for_positive_b(
    l_star: float, a_star: float, b_star: float
) -> None:
    expected = np.degrees(np.arctan((l_star - 50.0) / b_star))
    assert colour.ita_deg([l_star, a_star, b_star]) == pytest.approx(expected, abs=1e-9)


def test_ita_of_published_skin_colours() -> None:
    # Alaluf et al. 2002 (Pigment Cell Res 15:112): European upper arm (65.0, 7.1, 13.3)
    # is "light" (ITA 48.4°); African dorsal forearm (38.14, 12.66, 15.04) is "dark".
    assert colour.ita_deg([65.0, 7.1, 13.3]) == pytest.approx(48.44, abs=0.01)
    assert colour.ita_deg([38.14, 12.66, 15.04]) == pytest.approx(-38.26, abs=0.01)


# The numpy colorimetry against colour-science itself (the package avoids importing
# colour-science at run time for start-up speed).
_lab_values = st.tuples(st.floats(0.0, 100.0), st.floats(-100.0, 100.0), st.floats(-100.0, 100.0))


@settings(deadline=None, max_examples=200)
@given(_lab_values, _lab_values)
def test_ciede2000_matches_colour_science(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float]
) -> None:
    expected = colour_science.difference.delta_E_CIE2000(np.array(lab1), np.array(lab2))
    assert colour.delta_e_ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(
        float(expected), abs=1e-9
    )


@settings(deadline=None, max_examples=100)
@given(st.floats(0.0, 1.2), st.floats(0.0, 1.2), st.floats(0.0, 1.2))
def test_lab_conversions_match_colour_science(x: float, y: float, z: float) -> None:
    xyz = np.array([x, y, z])
    expected = colour_science.XYZ_to_Lab(xyz, colour.WHITEPOINT_D65)
    np.testing.assert_allclose(colour.xyz_to_lab(xyz), expected, atol=1e-9)
    np.testing.assert_allclose(colour.lab_to_xyz(colour.xyz_to_lab(xyz)), xyz, atol=1e-9)


def test_packaged_weights_are_colour_sciences() -> None:
    import importlib.util

    path = Path(__file__).parents[2] / "scripts" / "make_colour_tables.py"
    spec = importlib.util.spec_from_file_location("make_colour_tables", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    np.testing.assert_allclose(colour.spectral_weights(), module.weights(), rtol=1e-15, atol=0)


def test_srgb_matches_colour_science_and_round_trips() -> None:
    import colour as colour_science

    from fadecast.skin import colour as fc_colour

    xyz = np.random.default_rng(0).uniform(0.02, 0.9, (200, 3))
    ours = fc_colour.xyz_to_srgb(xyz)
    reference = np.clip(colour_science.XYZ_to_sRGB(xyz), 0.0, 1.0)
    assert np.abs(ours - reference).max() < 2e-3  # realised vs tabulated D65 white
    inside = ((ours > 1e-6) & (ours < 1 - 1e-6)).all(axis=1)
    assert inside.sum() > 20
    assert np.allclose(fc_colour.srgb_to_xyz(ours[inside]), xyz[inside], atol=1e-12)
    white = fc_colour.xyz_to_srgb(fc_colour.lab_to_xyz([100.0, 0.0, 0.0]))
    assert np.allclose(white, 1.0)


def test_srgb_encoding_table_is_within_one_code_value() -> None:
    from fadecast.render.raster import encode_srgb8
    from fadecast.skin import colour as fc_colour

    linear = np.linspace(0.0, 1.0, 100_001).astype(np.float32)
    exact = np.rint(fc_colour.srgb_encode(linear) * 255.0)
    fast = encode_srgb8(linear).astype(np.float64)
    assert np.abs(fast - exact).max() <= 1.0
    bright = linear > 0.01  # skin and pigment live here
    assert np.mean(fast[bright] == exact[bright]) > 0.99
