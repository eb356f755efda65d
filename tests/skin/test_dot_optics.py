"""Tests of the packaged-ink dot optics: sieve law, adding-doubling, Monte Carlo, colour."""

from __future__ import annotations

import itertools

import iadpython  # type: ignore[import-untyped]
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fadecast.skin import colour, dot_optics, optics, tone

MELANIN_II = 0.038
HEALED = float(dot_optics.healed_ink_mass())


def test_parameters_have_value_unit_source_and_confidence() -> None:
    for name, entry in dot_optics.PARAMETERS.items():
        assert {"value", "unit", "source", "confidence", "description"} <= set(entry), name
        assert entry["confidence"] in {"H", "M", "L"}, name
    assert dot_optics.PARAMETERS["tattoo_ink_mass"]["low"] == 0.60
    assert dot_optics.PARAMETERS["tattoo_ink_mass"]["high"] == 9.42


# ----------------------------------------------------------------------------- sieve law


@given(
    st.floats(0.0, 1.0, allow_nan=False),
    st.floats(0.0, 200.0, allow_nan=False),
)
def test_the_sieve_transmits_at_least_as_much_as_the_dispersed_ink(c: float, tau: float) -> None:
    t_sieve, t_dispersed = dot_optics.sieve_transmission_duysens1956(c, tau)
    assert 0.0 <= float(t_dispersed) <= float(t_sieve) + 1e-15 <= 1.0 + 1e-15
    # the sieve never absorbs more than the area its packets cover
    assert float(t_sieve) >= 1.0 - c - 1e-15


@given(st.floats(0.0, 1.0, allow_nan=False), st.floats(0.0, 50.0, allow_nan=False))
def test_the_sieve_law_tends_to_the_dispersed_result(c: float, tau: float) -> None:
    # thin packets: the packed and dispersed ink absorb alike
    # (they differ at second order, (c τ)² / 2 ≤ 1.3e-11 here)
    t_sieve, t_dispersed = dot_optics.sieve_transmission_duysens1956(c, tau * 1e-7)
    assert float(t_sieve) == pytest.approx(float(t_dispersed), abs=2e-11)
    # few packets: both tend to 1 - c (1 - e^-τ) ≈ 1 - c τ for the same first order
    t_sieve, t_dispersed = dot_optics.sieve_transmission_duysens1956(c * 1e-7, tau)
    assert 1.0 - float(t_sieve) == pytest.approx(c * 1e-7 * -np.expm1(-tau), abs=1e-15)
    assert 1.0 - float(t_dispersed) <= c * 1e-7 * tau + 1e-15
    # packets covering everything: a sieve is a uniform layer
    t_sieve, t_dispersed = dot_optics.sieve_transmission_duysens1956(1.0, tau)
    assert float(t_sieve) == pytest.approx(float(t_dispersed), abs=1e-15)


def test_thick_packets_absorb_their_area_share_only() -> None:
    t_sieve, t_dispersed = dot_optics.sieve_transmission_duysens1956(0.3, 190.0)
    assert float(t_sieve) == pytest.approx(0.7)
    assert float(t_dispersed) < 1e-20


def test_packet_efficiency_limits() -> None:
    tau = np.array([1e-8, 1e-4, 9.99e-4, 1.001e-3, 0.01])
    q = dot_optics.packet_absorption_efficiency(tau)
    np.testing.assert_allclose(q, 2.0 * tau / 3.0 - tau**2 / 4.0 + tau**3 / 15.0, rtol=1e-6)
    big = dot_optics.packet_absorption_efficiency([50.0, 500.0, 1e6])
    np.testing.assert_allclose(big, 1.0, atol=0.041)
    grid = np.geomspace(1e-6, 1e4, 400)
    assert np.all(np.diff(dot_optics.packet_absorption_efficiency(grid)) > 0.0)


def test_small_packets_absorb_like_the_dispersed_ink() -> None:
    packed = dot_optics.ink_layer_optics(HEALED, packet_um=1e-6)
    spread = dot_optics.ink_layer_optics(HEALED, dispersed=True)
    derm = dot_optics.skin_layer_optics(0.0)[1]
    # the packets' own absorption, without the dermis they displace
    ink_packed = packed.mu_a - derm.mu_a * (1.0 - HEALED / (1800.0 * 0.3 * 0.02))
    ink_spread = spread.mu_a - derm.mu_a * (1.0 - HEALED / (1800.0 * 0.02))
    np.testing.assert_allclose(ink_packed, ink_spread, rtol=1e-5)


def test_packets_absorb_far_less_than_dispersed_ink_and_follow_their_area() -> None:
    packed = dot_optics.ink_layer_optics(HEALED, [550.0])
    spread = dot_optics.ink_layer_optics(HEALED, [550.0], dispersed=True)
    assert float(spread.mu_a[0]) > 30.0 * float(packed.mu_a[0])
    # thick packets: absorption per mm = coverage / L, nearly wavelength-independent
    layer = dot_optics.ink_layer_optics(HEALED)
    assert float(layer.mu_a.max() / layer.mu_a.min()) < 1.2


def test_overfull_layer_is_refused() -> None:
    with pytest.raises(ValueError, match="fill"):
        dot_optics.ink_layer_optics(9.42, layer_mm=0.05)


# ----------------------------------------------------------------------------- adding-doubling


def _dermis_at(wavelength_nm: float) -> dot_optics.LayerOptics:
    return dot_optics.skin_layer_optics(MELANIN_II, [wavelength_nm])[1]


@pytest.mark.parametrize("wavelength_nm", [450.0, 600.0])
def test_energy_is_conserved_in_every_layer(wavelength_nm: float) -> None:
    epi, derm = dot_optics.skin_layer_optics(MELANIN_II, [wavelength_nm])
    ink = dot_optics.ink_layer_optics(HEALED, [wavelength_nm])
    for layer, d_mm in ((epi, 0.1), (derm, 0.15), (ink, 0.2)):
        mu_a, mu_s, g = float(layer.mu_a[0]), float(layer.mu_s[0]), float(layer.g[0])
        for absorbing in (mu_a, 0.0):
            sample = iadpython.Sample(
                a=mu_s / (mu_s + absorbing), b=(mu_s + absorbing) * d_mm, g=g, n=1.0, quad_pts=16
            )
            _, _, r, t = sample.rt()
            a = 1.0 - r - t
            assert 0.0 <= r <= 1.0 and 0.0 <= t <= 1.0
            assert a >= -1e-9
            if absorbing == 0.0:
                assert a == pytest.approx(0.0, abs=1e-6)
            else:
                assert a > 0.0


def test_identical_layers_stack_to_the_single_slab() -> None:
    derm = _dermis_at(550.0)
    split = dot_optics.stack_reflectance_adding_doubling([derm, derm, derm], [0.2, 0.3, 9.5])
    mu_t = float(derm.mu_a[0] + derm.mu_s[0])
    single = iadpython.Sample(
        a=float(derm.mu_s[0]) / mu_t, b=mu_t * 10.0, g=float(derm.g[0]), n=1.4, quad_pts=16
    )
    _, _, uru, _ = single.rt()
    assert float(split[0]) == pytest.approx(uru, rel=1e-6)


def test_a_thick_black_layer_leaves_the_reflectance_of_the_layers_above() -> None:
    derm = _dermis_at(600.0)
    one = np.ones(1)
    black = dot_optics.LayerOptics(mu_a=1000.0 * one, mu_s=0.0 * one, g=0.0 * one)
    white = dot_optics.LayerOptics(mu_a=0.0 * one, mu_s=50.0 * one, g=0.0 * one)
    above_black = dot_optics.stack_reflectance_adding_doubling([derm, black], [0.3, 1.0])
    below_too = dot_optics.stack_reflectance_adding_doubling([derm, black, white], [0.3, 1.0, 10.0])
    # reference: the dermis alone over an index-matched, absorbing bottom slide
    mu_t = float(derm.mu_a[0] + derm.mu_s[0])
    ref = iadpython.Sample(
        a=float(derm.mu_s[0]) / mu_t,
        b=mu_t * 0.3,
        g=float(derm.g[0]),
        n=1.4,
        n_above=1.0,
        n_below=1.4,
        quad_pts=16,
    )
    ref.b_below = 1000.0
    _, _, uru, _ = ref.rt()
    assert float(above_black[0]) == pytest.approx(uru, rel=1e-4)
    assert float(below_too[0]) == pytest.approx(float(above_black[0]), rel=1e-9)


def test_bare_column_matches_the_project_bare_skin_within_the_stated_tolerance() -> None:
    """With no ink the column is bare skin. The Kubelka-Munk skin of fadecast.skin.optics
    has no epidermal scattering and a surface reflecting 4 % (simple interface); the
    adding-doubling column has a scattering epidermis and Fresnel reflection of diffuse
    light (7.6 %) with internal reflections. Stated tolerance: L* within 8.5 over f_mel
    0.02-0.15 (measured: 7.8 darker at 0.02, 7.8 lighter at 0.15), and the same ordering
    of skins."""
    fractions = (0.02, 0.06, 0.15)
    ad = [
        float(
            colour.reflectance_to_lab(
                dot_optics.column_reflectance_adding_doubling(f_mel, 0.0, depth_mm=0.25)
            )[0]
        )
        for f_mel in fractions
    ]
    km = [float(colour.reflectance_to_lab(optics.skin_reflectance(f))[0]) for f in fractions]
    assert all(abs(a - k) < 8.5 for a, k in zip(ad, km, strict=True))
    assert ad[0] > ad[1] > ad[2]


def test_bare_column_does_not_depend_on_the_ink_depth() -> None:
    wl = [450.0, 650.0]
    a = dot_optics.column_reflectance_adding_doubling(
        MELANIN_II, 0.0, depth_mm=0.15, wavelength_nm=wl
    )
    b = dot_optics.column_reflectance_adding_doubling(
        MELANIN_II, 0.0, depth_mm=0.5, wavelength_nm=wl
    )
    np.testing.assert_allclose(a, b, rtol=1e-4)


def test_more_ink_is_darker() -> None:
    masses = [0.0, 0.05, 0.17, 0.42, 0.85, HEALED, 6.3]
    r = np.array(
        [
            dot_optics.column_reflectance_adding_doubling(
                MELANIN_II, m, depth_mm=0.25, wavelength_nm=[450.0, 550.0, 650.0]
            )
            for m in masses
        ]
    )
    assert np.all(np.diff(r, axis=0) < 0.0)


def test_deeper_ink_is_lighter_and_bluer() -> None:
    depths = [0.15, 0.25, 0.5]
    spectra = [
        dot_optics.column_reflectance_adding_doubling(MELANIN_II, HEALED, depth_mm=d)
        for d in depths
    ]
    bare = dot_optics.column_reflectance_adding_doubling(MELANIN_II, 0.0, depth_mm=0.25)
    lightness = [float(colour.reflectance_to_lab(s)[0]) for s in spectra]
    assert lightness[0] < lightness[1] < lightness[2]
    # the dot takes more of the skin's red than of its blue, the more so the deeper: the
    # dermis above returns blue light before it reaches the ink (Tyndall-like)
    blue, red = 5, 25  # 450 and 650 nm
    tilt = [float((1.0 - s[red] / bare[red]) / (1.0 - s[blue] / bare[blue])) for s in spectra]
    assert 1.0 < tilt[0] < tilt[1] < tilt[2]
    hue_shift = [
        float(colour.reflectance_to_lab(s)[2] - colour.reflectance_to_lab(bare)[2]) for s in spectra
    ]
    assert all(shift < 0.0 for shift in hue_shift)  # b* falls: a blue-grey dot


# ----------------------------------------------------------------------------- Monte Carlo


def _mc(seed: int, **kwargs: object) -> dot_optics.DotMonteCarlo:
    base: dict[str, object] = {
        "melanin_fraction": MELANIN_II,
        "ink_mg_cm2": HEALED,
        "depth_mm": 0.25,
        "dot_diameter_mm": 0.8,
        "radii_mm": [0.0],
        "n_photons": 6000,
    }
    base.update(kwargs)
    return dot_optics.dot_monte_carlo([550.0], rng=np.random.default_rng(seed), **base)  # type: ignore[arg-type]


def test_monte_carlo_is_reproducible_with_the_same_seed() -> None:
    a, b, c = _mc(7), _mc(7), _mc(8)
    np.testing.assert_array_equal(a.profile, b.profile)
    np.testing.assert_array_equal(a.absorbed, b.absorbed)
    assert not np.array_equal(a.absorbed, c.absorbed)


def test_monte_carlo_accounts_for_every_photon() -> None:
    run = _mc(3, pitch_mm=1.0)
    total = run.escaped_top + run.escaped_bottom + run.unfinished + run.absorbed.sum(axis=1)
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-12)
    assert float(run.absorbed[0, 2]) > 0.1  # the ink layer takes a good share
    assert np.isnan(run.far).all() and np.isfinite(run.mean).all()


@pytest.mark.parametrize("ink", [0.0, HEALED])
def test_monte_carlo_agrees_with_adding_doubling_for_an_infinite_layer(ink: float) -> None:
    wl = [500.0, 650.0]
    mc = dot_optics.dot_monte_carlo(
        wl,
        melanin_fraction=MELANIN_II,
        ink_mg_cm2=ink,
        depth_mm=0.25,
        dot_diameter_mm=np.inf,
        radii_mm=[0.0],
        n_photons=40_000,
        rng=np.random.default_rng(11),
    )
    ad = dot_optics.column_reflectance_adding_doubling(
        MELANIN_II, ink, depth_mm=0.25, wavelength_nm=wl
    )
    # both groups (centre and far) sample the same infinite layer: pool them
    r = 0.5 * (mc.profile[:, 0] + mc.far)
    np.testing.assert_allclose(r, ad, rtol=0.03)
    assert np.all(np.abs(r - ad) < 5.0 * mc.profile_se[:, 0])


def test_a_finite_dot_is_diluted_by_sideways_light() -> None:
    runs = {
        (diameter, depth): _mc(5, dot_diameter_mm=diameter, depth_mm=depth, n_photons=8000)
        for diameter, depth in ((0.3, 0.5), (1.0, 0.2), (np.inf, 0.5), (np.inf, 0.2))
    }
    bare = _mc(5, ink_mg_cm2=0.0, dot_diameter_mm=np.inf, n_photons=8000).profile[0, 0]

    def dilution(diameter: float, depth: float) -> float:
        deficit = bare - runs[(np.inf, depth)].profile[0, 0]
        return float((bare - runs[(diameter, depth)].profile[0, 0]) / deficit)

    small_deep, wide_shallow = dilution(0.3, 0.5), dilution(1.0, 0.2)
    assert small_deep < 0.6 < wide_shallow
    assert wide_shallow <= 1.05
    # far from a single dot the skin is bare
    assert float(runs[(0.3, 0.5)].far[0]) == pytest.approx(float(bare), abs=0.02)


# ----------------------------------------------------------------------------- colour


def test_healed_dot_is_dark_on_light_skin_subtle_on_dark_skin_and_fades_with_ink() -> None:
    light = tone.skin_tone(fitzpatrick=2)
    dark = tone.skin_tone(fitzpatrick=6)
    full = dot_optics.healed_dot_lab(light)
    np.testing.assert_allclose(full.skin_lab, light.lab, atol=1e-9)
    assert full.centre_lab[0] < light.lab[0] - 10.0  # a dark grey dot
    assert full.delta_e_centre > 15.0
    on_dark = dot_optics.healed_dot_lab(dark)
    assert 0.8 < on_dark.delta_e_centre < full.delta_e_centre / 2.0  # about half (0.47)
    contrast = [
        dot_optics.healed_dot_lab(light, HEALED * share).delta_e_centre
        for share in (1.0, 0.5, 0.25, 0.1, 0.0)
    ]
    assert all(a > b for a, b in itertools.pairwise(contrast))
    assert contrast[-1] == pytest.approx(0.0, abs=1e-9)
    # the lattice mean is between the skin and the dot centre
    assert 0.0 < full.delta_e_lattice < full.delta_e_centre


def test_healed_dot_with_monte_carlo_needs_an_rng_and_dilutes_the_centre() -> None:
    light = tone.skin_tone(fitzpatrick=2)
    with pytest.raises(ValueError, match="rng"):
        dot_optics.healed_dot_lab(light, lateral="monte_carlo")
    mc = dot_optics.healed_dot_lab(
        light,
        dot_diameter_mm=0.5,
        lateral="monte_carlo",
        rng=np.random.default_rng(2),
        n_photons=4000,
    )
    column = dot_optics.healed_dot_lab(light, dot_diameter_mm=0.5)
    assert mc.delta_e_centre < column.delta_e_centre
    assert np.all(mc.centre_dilution <= 1.0) and np.all(mc.centre_dilution > 0.3)
