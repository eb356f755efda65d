"""Tests of the skin tone inputs."""

from __future__ import annotations

import dataclasses
import tomllib
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from fadecast.skin import colour, optics, tone

# Facial cluster centroids, IADR 2009 abstract "Proposed shade guide for human facial skin".
IADR_2009_CLUSTERS = np.array(
    [
        [52.5, 17.0, 18.9],
        [49.4, 22.0, 12.3],
        [41.5, 25.5, 13.3],
        [37.7, 17.2, 14.7],
        [26.7, 14.6, 14.7],
    ]
)


def _data() -> dict[str, object]:
    text = resources.files("fadecast.data").joinpath("skin_tones.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_data_file_entries_are_documented() -> None:
    data = _data()
    entries = data["fitzpatrick"]
    assert isinstance(entries, list)
    assert [e["type"] for e in entries] == [1, 2, 3, 4, 5, 6]
    for entry in entries:
        assert len(entry["lab"]) == 3
        assert entry["source"]
        assert entry["confidence"] in ("L", "M")


@pytest.mark.parametrize("skin_type", tone.FITZPATRICK_TYPES)
def test_representative_colour_lies_in_its_ita_category(skin_type: int) -> None:
    entry = next(e for e in _data()["fitzpatrick"] if e["type"] == skin_type)  # type: ignore[attr-defined]
    lab = tone.skin_lab_from_fitzpatrick(skin_type)
    assert_allclose(lab, entry["lab"])
    assert tone.ita_category(float(colour.ita_deg(lab))) == entry["ita_category"]


def test_fitzpatrick_types_map_to_the_ita_scale_in_order() -> None:
    expected = ["very light", "light", "intermediate", "tan", "brown", "dark"]
    labs = np.stack([tone.skin_lab_from_fitzpatrick(t) for t in tone.FITZPATRICK_TYPES])
    itas = colour.ita_deg(labs)
    assert [tone.ita_category(float(a)) for a in itas] == expected
    assert np.all(np.diff(itas) < 0)
    assert np.all(np.diff(labs[:, 0]) < 0)  # L* falls from type I to VI


def test_darkest_types_match_the_iadr_anchors() -> None:
    # Type VI is the IADR "dark" cluster (37.7, 17.2, 14.7); types V and VI lie within the
    # L* span of the five cluster centroids.
    assert_allclose(tone.skin_lab_from_fitzpatrick(6), IADR_2009_CLUSTERS[3])
    l_v = tone.skin_lab_from_fitzpatrick(5)[0]
    assert IADR_2009_CLUSTERS[:, 0].min() <= l_v <= IADR_2009_CLUSTERS[:, 0].max()


def test_ita_categories_chardon_1991() -> None:
    # Chardon et al. 1991 / Del Bino et al. 2006 boundaries: 55, 41, 28, 10, -30 degrees.
    cases = {
        70.0: "very light",
        55.0: "very light",
        54.9: "light",
        41.0: "light",
        40.0: "intermediate",
        28.0: "intermediate",
        27.0: "tan",
        10.0: "tan",
        9.0: "brown",
        -30.0: "brown",
        -30.1: "dark",
        -90.0: "dark",
    }
    for ita, name in cases.items():
        assert tone.ita_category(ita) == name, ita
    assert tone.ita_category(float(colour.ita_deg(IADR_2009_CLUSTERS[4]))) == "dark"
    with pytest.raises(ValueError):
        tone.ita_category(95.0)


@pytest.mark.parametrize("bad", [0, 7, -1, 2.5, True, "2", None])
def test_invalid_fitzpatrick_type_names_the_choices(bad: object) -> None:
    with pytest.raises(ValueError, match="1, 2, 3, 4, 5, 6"):
        tone.skin_lab_from_fitzpatrick(bad)  # type: ignore[arg-type]


def test_numpy_integer_types_are_accepted() -> None:
    assert_allclose(tone.skin_lab_from_fitzpatrick(np.int64(3)), tone.skin_lab_from_fitzpatrick(3))


@settings(deadline=None, max_examples=100)
@given(st.floats(-90.0, 90.0))
def test_lab_from_ita_has_that_ita(ita: float) -> None:
    lab = tone.skin_lab_from_ita(ita)
    assert float(colour.ita_deg(lab)) == pytest.approx(ita, abs=1e-9)
    assert 0.0 <= lab[0] <= 100.0
    assert lab[2] >= -1e-12


def test_lab_from_ita_passes_through_the_fitzpatrick_colours() -> None:
    for t in tone.FITZPATRICK_TYPES:
        lab = tone.skin_lab_from_fitzpatrick(t)
        assert_allclose(tone.skin_lab_from_ita(colour.ita_deg(lab)), lab, atol=1e-9)


def test_lab_from_ita_is_vectorised_and_monotone_in_lightness() -> None:
    itas = np.linspace(-90.0, 90.0, 181)
    labs = tone.skin_lab_from_ita(itas)
    assert labs.shape == (181, 3)
    assert np.all(np.diff(labs[:, 0]) > 0)
    with pytest.raises(ValueError):
        tone.skin_lab_from_ita(91.0)


def test_skin_tone_from_each_input() -> None:
    by_type = tone.skin_tone(fitzpatrick=2)
    assert by_type.fitzpatrick == 2
    assert by_type.lab == (65.0, 8.0, 13.5)
    assert by_type.ita_deg == pytest.approx(float(colour.ita_deg(by_type.lab)))
    by_lab = tone.skin_tone(lab=by_type.lab)
    assert by_lab.fitzpatrick is None
    assert by_lab.melanin_fraction == pytest.approx(by_type.melanin_fraction)
    by_ita = tone.skin_tone(ita_deg=by_type.ita_deg)
    assert_allclose(by_ita.lab, by_type.lab, atol=1e-9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_type.melanin_fraction = 0.2  # type: ignore[misc]


def test_skin_tone_needs_exactly_one_input() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        tone.skin_tone()
    with pytest.raises(ValueError, match="exactly one"):
        tone.skin_tone(fitzpatrick=2, ita_deg=40.0)
    with pytest.raises(ValueError, match="exactly one"):
        tone.skin_tone(lab=(60.0, 10.0, 15.0), ita_deg=40.0)
    with pytest.raises(ValueError, match="1, 2, 3, 4, 5, 6"):
        tone.skin_tone(fitzpatrick=9)
    with pytest.raises(ValueError, match="L\\*"):
        tone.skin_tone(lab=(120.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="three"):
        tone.skin_tone(lab=(60.0, 10.0))


def test_melanin_fraction_reproduces_the_lightness() -> None:
    for t in tone.FITZPATRICK_TYPES:
        st_ = tone.skin_tone(fitzpatrick=t)
        model = colour.reflectance_to_lab(optics.skin_reflectance(st_.melanin_fraction))
        assert model[0] == pytest.approx(st_.lab[0], abs=1e-6)
    fractions = [tone.skin_tone(fitzpatrick=t).melanin_fraction for t in tone.FITZPATRICK_TYPES]
    assert np.all(np.diff(fractions) > 0)
    # Light skin falls inside the 1.3-6.3 % melanosome range of Jacques (1998).
    assert 0.013 <= fractions[1] <= 0.063


def test_uva_ratio_between_types_ii_and_vi_matches_kaidbey_1979() -> None:
    # Kaidbey et al. 1979 (J Am Acad Dermatol 1:249-260): about five times as much UV
    # reaches the upper dermis of white as of black skin. The calibrated effective form
    # reproduces this for the representative type II and VI skins; the plain Jacques
    # (1998) epidermis, uniform melanosomes over its whole thickness, overshoots by
    # nearly an order of magnitude.
    f_ii = tone.skin_tone(fitzpatrick=2).melanin_fraction
    f_vi = tone.skin_tone(fitzpatrick=6).melanin_fraction
    ratio = 1.0 / float(optics.uva_transmission_relative(f_vi, f_ii))
    assert ratio == pytest.approx(optics.KAIDBEY_UVA_RATIO, rel=0.05)
    plain = 1.0 / float(optics.uva_transmission_relative(f_vi, f_ii, model="jacques1998"))
    assert plain > 4.0 * optics.KAIDBEY_UVA_RATIO


@pytest.mark.parametrize("skin_type", tone.FITZPATRICK_TYPES)
def test_fitzpatrick_of_a_measured_colour_is_the_nearest_type(skin_type: int) -> None:
    measured = tone.skin_tone(lab=tone.skin_lab_from_fitzpatrick(skin_type))
    assert measured.fitzpatrick is None
    assert tone.fitzpatrick_of(measured) == skin_type
