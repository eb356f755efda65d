"""Tests of the spectral skin optics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import brentq

from fadecast.inputs.parameters import load_parameters
from fadecast.skin import colour, optics

GREY_K = np.full((1, 31), 10.0)  # carbon-black-like flat absorber [cm²/mg]
GREY_S = 0.1 * GREY_K
LIGHT = 0.038  # melanosome fraction of the representative Fitzpatrick II skin


def _lab(reflectance: np.ndarray) -> np.ndarray:
    return colour.reflectance_to_lab(reflectance)


def _tattoo(density: float, depth_mm: float, melanin: float = LIGHT) -> np.ndarray:
    return optics.pigmented_skin_reflectance(
        melanin, np.array([density]), GREY_K, GREY_S, depth_mm=depth_mm
    )


# ----------------------------------------------------------------------------- inputs


def test_wavelength_grid() -> None:
    assert optics.WAVELENGTHS_NM.shape == (31,)
    assert_allclose(optics.WAVELENGTHS_NM, np.arange(400, 701, 10))
    with pytest.raises(ValueError):
        optics.WAVELENGTHS_NM[0] = 0.0


def test_melanin_absorption_power_law() -> None:
    # Jacques 1998: 6.6e11 λ^-3.33; halving the wavelength multiplies it by 2^3.33.
    mu = optics.melanin_absorption_jacques1998([400.0, 800.0])
    assert mu[0] / mu[1] == pytest.approx(2.0**3.33, rel=1e-12)
    assert mu[0] == pytest.approx(6.6e11 * 400.0**-3.33, rel=1e-12)
    # ≈ 1.4e3 cm⁻¹ at 400 nm, ≈ 2.3e2 cm⁻¹ at 694 nm (ruby laser)
    assert mu[0] == pytest.approx(1428.0, rel=1e-3)
    assert float(optics.melanin_absorption_jacques1998(694.0)) == pytest.approx(228.0, rel=5e-3)


def test_baseline_absorption_closed_form() -> None:
    assert float(optics.skin_baseline_absorption_jacques1998(154.0)) == pytest.approx(0.244 + 85.3)
    far = float(optics.skin_baseline_absorption_jacques1998(1500.0))
    assert far == pytest.approx(0.244, abs=1e-6)


def test_epidermis_mixes_melanin_and_baseline() -> None:
    wl = optics.WAVELENGTHS_NM
    mu = optics.epidermis_absorption_jacques1998(np.array([0.0, 1.0]))
    assert_allclose(mu[0], optics.skin_baseline_absorption_jacques1998(wl))
    assert_allclose(mu[1], optics.melanin_absorption_jacques1998(wl))


def test_haemoglobin_table_isosbestic_points() -> None:
    # Oxy- and deoxyhaemoglobin spectra cross near 422, 452, 500, 529, 545, 570 and
    # 584 nm (Prahl 1999 compilation): the sign of ε_HbO2 - ε_Hb changes in exactly these
    # 10 nm intervals.
    oxy = optics.blood_absorption_prahl1999(1.0)
    deoxy = optics.blood_absorption_prahl1999(0.0)
    sign = np.sign(oxy - deoxy)
    changes = np.nonzero(np.diff(sign))[0]
    wl = optics.WAVELENGTHS_NM
    assert [int(wl[i]) for i in changes] == [420, 450, 500, 520, 540, 570, 580]


def test_blood_absorption_values() -> None:
    # Prahl's conversion: μa = ln10 · ε · 150 / 64500; ε_HbO2(550) = 43016,
    # ε_Hb(550) = 53412 cm⁻¹/M.
    mu = optics.blood_absorption_prahl1999(np.array([1.0, 0.0, 0.75]), [550.0])
    scale = np.log(10.0) * 150.0 / 64500.0
    assert_allclose(mu[:, 0], scale * np.array([43016.0, 53412.0, 0.75 * 43016 + 0.25 * 53412]))
    # Soret band: whole oxygenated blood absorbs ≈ 2.6e3 cm⁻¹ at 420 nm.
    assert float(optics.blood_absorption_prahl1999(1.0, [420.0])[0]) == pytest.approx(
        2572.0, rel=1e-3
    )
    with pytest.raises(ValueError, match="400-700"):
        optics.blood_absorption_prahl1999(0.75, [390.0])


def test_dermis_absorption_is_blood_plus_baseline() -> None:
    wl = optics.WAVELENGTHS_NM
    no_blood = optics.dermis_absorption_jacques1998(0.0)
    assert_allclose(no_blood, optics.skin_baseline_absorption_jacques1998(wl))
    more = optics.dermis_absorption_jacques1998(0.02)
    assert np.all(more > no_blood)


def test_reduced_scattering_models() -> None:
    # Jacques 1998 at 500 nm: 2e5·500^-1.5 + 2e12·500^-4 = 17.89 + 32.00 cm⁻¹.
    mus98 = optics.dermis_reduced_scattering([500.0], "jacques1998")
    assert mus98[0] == pytest.approx(2e5 * 500**-1.5 + 32.0, rel=1e-12)
    assert mus98[0] == pytest.approx(49.89, abs=0.01)
    # Jacques 2013 average skin: a' = 43.6 cm⁻¹ at 500 nm by construction.
    assert optics.dermis_reduced_scattering([500.0], "jacques2013")[0] == pytest.approx(43.6)
    for model in optics.SCATTERING_MODELS:
        mus = optics.dermis_reduced_scattering(optics.WAVELENGTHS_NM, model)  # type: ignore[arg-type]
        assert np.all(np.diff(mus) < 0)  # falls with wavelength
    with pytest.raises(ValueError, match="jacques1998"):
        optics.dermis_reduced_scattering([500.0], "mie")  # type: ignore[arg-type]


def test_km_coefficients() -> None:
    k, s = optics.kubelka_munk_coefficients_vangemert1987(np.array([1.0, 2.0]), 20.0)
    assert_allclose(k, [2.0, 4.0])
    assert_allclose(s, [15.0, 15.0])


# ----------------------------------------------------------------------------- Kubelka-Munk


def test_infinite_reflectance_formula_and_limits() -> None:
    k = np.array([0.5, 2.0, 10.0])
    s = np.array([20.0, 5.0, 1.0])
    q = k / s
    expected = 1.0 + q - np.sqrt(q * q + 2.0 * q)
    assert_allclose(optics.kubelka_munk_infinite(k, s), expected, rtol=1e-12)
    assert optics.kubelka_munk_infinite(0.0, 5.0) == 1.0  # no absorption: all returns
    assert optics.kubelka_munk_infinite(3.0, 0.0) == 0.0  # no scattering: nothing returns
    assert optics.kubelka_munk_infinite(0.0, 0.0) == 0.0
    # strong absorber: R∞ → S / 2K without cancellation
    assert optics.kubelka_munk_infinite(1e12, 1.0) == pytest.approx(0.5e-12, rel=1e-6)


def _layer_textbook(k: float, s: float, x: float) -> tuple[float, float]:
    a = 1.0 + k / s
    b = np.sqrt(a * a - 1.0)
    den = a * np.sinh(b * s * x) + b * np.cosh(b * s * x)
    return float(np.sinh(b * s * x) / den), float(b / den)


def test_layer_matches_the_hyperbolic_form() -> None:
    for k, s, x in ((1.0, 20.0, 0.05), (5.0, 2.0, 0.3), (0.3, 40.0, 0.01)):
        r, t = optics.kubelka_munk_layer(k, s, x)
        r_ref, t_ref = _layer_textbook(k, s, x)
        assert float(r) == pytest.approx(r_ref, rel=1e-12)
        assert float(t) == pytest.approx(t_ref, rel=1e-12)


def test_layer_limits() -> None:
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        # pure absorber: R = 0, T = exp(-KX)
        r, t = optics.kubelka_munk_layer(3.0, 0.0, 0.5)
        assert float(r) == 0.0
        assert float(t) == pytest.approx(np.exp(-1.5), rel=1e-14)
        # pure scatterer: R = SX/(1+SX), T = 1/(1+SX), R + T = 1
        r, t = optics.kubelka_munk_layer(0.0, 4.0, 0.5)
        assert float(r) == pytest.approx(2.0 / 3.0, rel=1e-14)
        assert float(t) == pytest.approx(1.0 / 3.0, rel=1e-14)
        # empty layer and a layer of nothing
        for k, s in ((3.0, 4.0), (0.0, 0.0)):
            x = 0.0 if k else 1.0
            r, t = optics.kubelka_munk_layer(k, s, x)
            assert (float(r), float(t)) == (0.0, 1.0)
        # thick layer: R → R∞, T → 0, no overflow
        r, t = optics.kubelka_munk_layer(2.0, 30.0, 1e6)
        assert float(r) == pytest.approx(float(optics.kubelka_munk_infinite(2.0, 30.0)), rel=1e-14)
        assert float(t) == 0.0
    # approaching the limits continuously
    r, t = optics.kubelka_munk_layer(3.0, 1e-9, 0.5)
    assert float(t) == pytest.approx(np.exp(-1.5), rel=1e-8)
    r, t = optics.kubelka_munk_layer(1e-12, 4.0, 0.5)
    assert float(r) == pytest.approx(2.0 / 3.0, rel=1e-9)


@settings(deadline=None, max_examples=200)
@given(st.floats(0.0, 1e4), st.floats(0.0, 1e4), st.floats(0.0, 10.0))
def test_layer_is_physical(k: float, s: float, x: float) -> None:
    r, t = optics.kubelka_munk_layer(k, s, x)
    assert np.isfinite(r) and np.isfinite(t)
    assert 0.0 <= r <= 1.0 and 0.0 <= t <= 1.0
    assert r + t <= 1.0 + 1e-12
    if k == 0.0:
        assert r + t == pytest.approx(1.0, abs=1e-12)  # no absorption: energy conserved


@settings(deadline=None, max_examples=100)
@given(st.floats(0.01, 50.0), st.floats(0.01, 200.0), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_stacking_splits_a_layer(k: float, s: float, x1: float, x2: float) -> None:
    # A homogeneous layer X1 + X2 over black is layer X1 over layer X2 (Kubelka 1954);
    # any layer over the same semi-infinite medium is that medium.
    r1, t1 = optics.kubelka_munk_layer(k, s, x1)
    r2, _ = optics.kubelka_munk_layer(k, s, x2)
    r12, _ = optics.kubelka_munk_layer(k, s, x1 + x2)
    assert float(optics.kubelka_munk_stack(r1, t1, r2)) == pytest.approx(float(r12), rel=1e-10)
    r_inf = optics.kubelka_munk_infinite(k, s)
    assert float(optics.kubelka_munk_stack(r1, t1, r_inf)) == pytest.approx(float(r_inf), rel=1e-10)


def test_stack_limits() -> None:
    assert optics.kubelka_munk_stack(0.3, 0.6, 0.0) == pytest.approx(0.3)
    assert optics.kubelka_munk_stack(0.0, 1.0, 0.4) == pytest.approx(0.4)
    assert optics.kubelka_munk_stack(1.0, 0.0, 1.0) == 1.0
    with pytest.raises(ValueError):
        optics.kubelka_munk_stack(-0.1, 0.5, 0.5)


# ----------------------------------------------------------------------------- bare skin


def test_skin_reflectance_structure() -> None:
    r = optics.skin_reflectance(np.array([[0.01, 0.05, 0.2], [0.0, 0.3, 0.5]]))
    assert r.shape == (2, 3, 31)
    assert np.all((r >= 0.0) & (r <= 1.0))
    # f_mel = 0: r_s + (1 - r_s) T_base² R∞ with T_base the bloodless epidermis
    k, s = optics.kubelka_munk_coefficients_vangemert1987(
        optics.dermis_absorption_jacques1998(), optics.dermis_reduced_scattering()
    )
    t = np.exp(-2.0 * optics.skin_baseline_absorption_jacques1998(optics.WAVELENGTHS_NM) * 0.01)
    expected = 0.04 + 0.96 * t * t * optics.kubelka_munk_infinite(k, s)
    assert_allclose(r[1, 0], expected, rtol=1e-12)
    # the surface reflection is a floor
    assert np.all(r > 0.04)


def test_skin_reflectance_options() -> None:
    simple = optics.skin_reflectance(0.03)
    saunderson = optics.skin_reflectance(0.03, interface="saunderson1942")
    assert np.all(saunderson < simple)
    assert np.all(saunderson > 0.04)
    s2013 = optics.skin_reflectance(0.03, scattering="jacques2013")
    assert not np.allclose(s2013, simple)
    with pytest.raises(ValueError, match="'simple', 'saunderson1942'"):
        optics.skin_reflectance(0.03, interface="fresnel")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="melanin_fraction"):
        optics.skin_reflectance(1.5)


def test_bare_skin_looks_like_skin() -> None:
    # Light skin is light and reddish-yellow, its reflectance rises towards the red, and
    # blood imprints the haemoglobin bands: relative to bloodless skin, dips at the Soret
    # band (420 nm) and the two Q bands (540, 580 nm) around a local maximum at 560 nm.
    r = optics.skin_reflectance(LIGHT)
    lab = _lab(r)
    assert 60.0 < lab[0] < 70.0
    assert lab[1] > 0.0 and lab[2] > 0.0
    assert r[-1] > 2.0 * r[0]
    ratio = r / optics.skin_reflectance(LIGHT, blood_fraction=0.0)
    at = dict(zip(optics.WAVELENGTHS_NM.astype(int), ratio, strict=True))
    assert at[420] < at[500] and at[540] < at[500]
    assert at[560] > at[540] and at[560] > at[580]
    assert at[580] < at[620] < at[700]
    assert np.all(ratio <= 1.0)


@settings(deadline=None, max_examples=40)
@given(st.floats(0.0, 0.49), st.floats(1e-3, 0.01))
def test_more_melanin_is_darker(f: float, df: float) -> None:
    l1 = _lab(optics.skin_reflectance(f))[0]
    l2 = _lab(optics.skin_reflectance(f + df))[0]
    assert l2 < l1


def test_bare_skin_lightness_range() -> None:
    l_star = _lab(optics.skin_reflectance(np.array([0.0, 0.02, 0.1, 0.3, 0.5])))[:, 0]
    assert np.all(np.diff(l_star) < 0)
    assert 80.0 < l_star[0] < 90.0
    assert 23.0 < l_star[-1] < 26.0  # floor set by the 4 % surface reflection (L* 23.7)


# ----------------------------------------------------------------------------- tattooed skin


def test_zero_pigment_is_bare_skin() -> None:
    f = np.array([0.01, 0.05, 0.2])
    bare = optics.skin_reflectance(f)
    for depth in (0.1, 0.14, 0.25, 0.6, 1.5):
        zero = optics.pigmented_skin_reflectance(
            f, np.zeros((3, 2)), np.ones((2, 31)), np.ones((2, 31)), depth_mm=depth
        )
        assert_allclose(zero, bare, rtol=1e-12, atol=0)


def test_tattooed_shapes_broadcast() -> None:
    density = np.linspace(0.0, 0.1, 12).reshape(3, 4, 1) * np.array([0.7, 0.3])
    k = np.vstack([GREY_K, 2.0 * GREY_K])
    s = np.vstack([GREY_S, GREY_S])
    r = optics.pigmented_skin_reflectance(0.05, density, k, s, depth_mm=0.25)
    assert r.shape == (3, 4, 31)
    r2 = optics.pigmented_skin_reflectance(
        np.array([0.02, 0.2]), np.full((2, 2), 0.05), k, s, depth_mm=np.array([0.25, 0.6])
    )
    assert r2.shape == (2, 31)
    single = optics.pigmented_skin_reflectance(0.2, np.full(2, 0.05), k, s, depth_mm=0.6)
    assert_allclose(r2[1], single)


def test_tattooed_input_validation() -> None:
    with pytest.raises(ValueError, match="shape"):
        optics.pigmented_skin_reflectance(0.05, np.ones(2), GREY_K, GREY_S, depth_mm=0.25)
    with pytest.raises(ValueError, match="non-negative"):
        optics.pigmented_skin_reflectance(0.05, np.array([-1.0]), GREY_K, GREY_S, depth_mm=0.25)
    with pytest.raises(ValueError, match="component axis"):
        optics.pigmented_skin_reflectance(0.05, 0.1, GREY_K, GREY_S, depth_mm=0.25)


def test_opaque_pigment_limit() -> None:
    # Very dense pigment: the pigment layer becomes semi-infinite with R∞(k, s) of the
    # pigment alone (0.1 / (1.1 + sqrt(1.2))), seen through the plain dermis and epidermis.
    depth = 0.4
    r = optics.pigmented_skin_reflectance(LIGHT, np.array([1e5]), GREY_K, GREY_S, depth_mm=depth)
    r_pig = 0.1 / (1.1 + np.sqrt(1.2))
    k, s = optics.kubelka_munk_coefficients_vangemert1987(
        optics.dermis_absorption_jacques1998(), optics.dermis_reduced_scattering()
    )
    r_plain, t_plain = optics.kubelka_munk_layer(k, s, (depth - 0.1) * 0.1)
    t_epi = optics.epidermal_transmission(LIGHT)
    expected = 0.04 + 0.96 * t_epi**2 * optics.kubelka_munk_stack(r_plain, t_plain, r_pig)
    assert_allclose(r, expected, rtol=1e-6)


def test_pigment_above_the_junction_is_placed_at_it() -> None:
    at = _tattoo(0.05, 0.1)
    above = _tattoo(0.05, 0.05)
    assert_allclose(above, at)


@settings(deadline=None, max_examples=60)
@given(
    st.floats(0.0, 0.5),
    st.floats(0.0, 5.0),
    st.floats(0.0, 2.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 100.0),
    st.floats(0.0, 100.0),
)
def test_tattooed_reflectance_is_bounded(
    f: float, density: float, depth: float, layer: float, epidermis: float, k: float, s: float
) -> None:
    r = optics.pigmented_skin_reflectance(
        f,
        np.array([density]),
        np.full((1, 31), k),
        np.full((1, 31), s),
        depth_mm=depth,
        layer_mm=layer,
        epidermis_mm=0.1 * epidermis,
    )
    assert np.all(np.isfinite(r))
    assert np.all((r >= 0.0) & (r <= 1.0))


@settings(deadline=None, max_examples=40)
@given(st.floats(0.0, 0.4), st.floats(0.0, 1.0), st.floats(1.01, 3.0), st.floats(0.1, 1.0))
def test_more_pigment_is_darker(f: float, density: float, factor: float, depth: float) -> None:
    dense = _lab(_tattoo(density * factor + 1e-4, depth, f))[0]
    sparse = _lab(_tattoo(density, depth, f))[0]
    assert dense < sparse


def test_deeper_pigment_is_lighter() -> None:
    for density in (0.01, 0.05, 0.2, 1.0):
        l_star = [_lab(_tattoo(density, d))[0] for d in (0.14, 0.25, 0.4, 0.6)]
        assert np.all(np.diff(l_star) > 0), (density, l_star)


def test_deeper_pigment_is_bluer_at_equal_darkness() -> None:
    # The dermis above the pigment back-scatters short wavelengths (μs' ∝ λ^-1.5...λ^-4),
    # so a deep dot of the same lightness is bluer (lower b*, lower a*) and its spectrum
    # relative to bare skin tilts towards the blue (the Tyndall effect).
    bare = optics.skin_reflectance(LIGHT)
    b_star, a_star, tilt = [], [], []
    for depth in (0.14, 0.25, 0.4, 0.6):
        rho = brentq(lambda x, d=depth: _lab(_tattoo(x, d))[0] - 61.0, 0.0, 10.0, xtol=1e-10)
        r = _tattoo(rho, depth)
        lab = _lab(r)
        b_star.append(lab[2])
        a_star.append(lab[1])
        ratio = r / bare
        tilt.append(ratio[5] / ratio[25])  # 450 nm vs 650 nm
    assert np.all(np.diff(b_star) < 0), b_star
    assert np.all(np.diff(a_star) < 0), a_star
    assert np.all(np.diff(tilt) > 0), tilt
    assert tilt[0] > 1.0


def test_darker_skin_is_darker_with_and_without_pigment() -> None:
    for f_light, f_dark in ((0.02, 0.05), (0.05, 0.15), (0.15, 0.35)):
        assert _lab(optics.skin_reflectance(f_dark))[0] < _lab(optics.skin_reflectance(f_light))[0]
        assert _lab(_tattoo(0.05, 0.25, f_dark))[0] < _lab(_tattoo(0.05, 0.25, f_light))[0]


def test_tattoo_contrast_is_weaker_on_dark_skin() -> None:
    def contrast(f: float) -> float:
        bare = _lab(optics.skin_reflectance(f))
        return float(colour.delta_e_ciede2000(_lab(_tattoo(0.05, 0.25, f)), bare))

    assert contrast(0.3) < contrast(0.1) < contrast(0.03)


# ----------------------------------------------------------------------------- inversions


@settings(deadline=None, max_examples=25)
@given(st.floats(0.0, 0.5))
def test_melanin_for_lightness_round_trip(f: float) -> None:
    l_star = _lab(optics.skin_reflectance(f))[0]
    f_back = float(optics.melanin_fraction_for_lightness(l_star))
    assert _lab(optics.skin_reflectance(f_back))[0] == pytest.approx(l_star, abs=1e-8)
    # L* flattens at the dark end, so f itself is recovered less tightly there
    assert f_back == pytest.approx(f, abs=1e-5 if f < 0.4 else 1e-3)


def test_melanin_for_lightness_clips_and_vectorises() -> None:
    f = optics.melanin_fraction_for_lightness(np.array([[99.0, 65.0], [37.7, 5.0]]))
    assert f.shape == (2, 2)
    assert f[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert f[1, 1] == pytest.approx(0.5, abs=1e-12)
    assert 0.0 < f[0, 1] < f[1, 0] < 0.5
    with pytest.raises(ValueError):
        optics.melanin_fraction_for_lightness(np.nan)


def test_melanin_for_lightness_scalar_and_array_optics_agree() -> None:
    # Scalar optics: table bracket and false position; array optics: bisection.
    targets = np.array([80.0, 70.0, 65.0, 47.0, 37.7, 26.0])
    scalar = optics.melanin_fraction_for_lightness(targets)
    array = optics.melanin_fraction_for_lightness(
        targets, epidermis_mm=np.full(targets.shape, optics.EPIDERMIS_MM)
    )
    assert_allclose(array, scalar, rtol=0, atol=1e-10)
    assert_allclose(_lab(optics.skin_reflectance(scalar))[..., 0], targets, rtol=0, atol=1e-9)


def test_default_epidermis_is_the_parameter_tables() -> None:
    assert optics.EPIDERMIS_MM == load_parameters()["epidermis_mm"].value == 0.1


def test_uva_transmission_relative() -> None:
    assert optics.uva_transmission_relative(0.1, 0.1) == pytest.approx(1.0)
    darker = optics.uva_transmission_relative(np.array([0.05, 0.1, 0.2]), 0.03)
    assert np.all(np.diff(darker) < 0) and np.all(darker < 1.0)
    # ratio is multiplicative: T(a)/T(c) = T(a)/T(b) · T(b)/T(c)
    ab = optics.uva_transmission_relative(0.2, 0.1)
    bc = optics.uva_transmission_relative(0.1, 0.03)
    assert optics.uva_transmission_relative(0.2, 0.03) == pytest.approx(ab * bc, rel=1e-12)
    # the plain Jacques epidermis shields much more than the calibrated effective form
    plain = optics.uva_transmission_relative(0.2, 0.03, model="jacques1998")
    assert plain < optics.uva_transmission_relative(0.2, 0.03)
    with pytest.raises(ValueError, match="kaidbey1979"):
        optics.uva_transmission_relative(0.2, 0.03, model="beer")  # type: ignore[arg-type]
