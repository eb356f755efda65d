"""Tests of the scale read from a printed ArUco marker (:mod:`fadecast.measure.scale`),
on markers drawn by OpenCV at known sides."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.errors import InputError
from fadecast.measure.measurement import measure_photo
from fadecast.measure.scale import MAX_EDGE_MISMATCH, find_marker

DICTIONARY = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)


def _marker(marker_id: int, side: int) -> np.ndarray:
    """The marker ``side`` pixels across its outer black border, 8-bit grey. Drawn large
    and reduced by area, as a camera sees it."""
    drawn = cv2.aruco.generateImageMarker(DICTIONARY, marker_id, 6 * side)
    return np.asarray(cv2.resize(drawn, (side, side), interpolation=cv2.INTER_AREA))


def _on_skin(shape: tuple[int, int], markers: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Light skin with markers ``(id, x, y, side)`` laid on white paper (a quiet zone of
    a fifth of their side), 8-bit sRGB."""
    photo = np.empty((*shape, 3), dtype=np.uint8)
    photo[...] = (205, 165, 145)
    for marker_id, x, y, side in markers:
        quiet = max(side // 5, 2)
        photo[y - quiet : y + side + quiet, x - quiet : x + side + quiet] = 250
        photo[y : y + side, x : x + side] = _marker(marker_id, side)[..., None]
    return photo


@pytest.mark.parametrize("side", [40, 90, 157, 300])
def test_the_marker_gives_the_scale_from_its_side(side: int) -> None:
    photo = _on_skin((480, 640), [(7, 100, 60, side)])
    marker = find_marker(photo, 20.0)
    assert marker.marker_id == 7
    assert marker.side_px == pytest.approx(side, abs=0.5)
    assert marker.mm_per_px == pytest.approx(20.0 / side, rel=0.5 / side)
    assert marker.mm_per_px * marker.side_px == pytest.approx(20.0)
    x, y, w, h = marker.rect
    assert abs(x - 100) <= 1 and abs(y - 60) <= 1
    assert abs(w - side) <= 1 and abs(h - side) <= 1
    # Corners in the photo's pixel convention, pixel (i, j) covering [i, i+1).
    np.testing.assert_allclose(marker.corners.min(axis=0), [100, 60], atol=0.5)
    np.testing.assert_allclose(marker.corners.max(axis=0), [100 + side, 60 + side], atol=0.5)


@settings(max_examples=20, deadline=None)
@given(
    side=st.integers(40, 200),
    x=st.integers(50, 400),
    y=st.integers(50, 250),
    marker_id=st.integers(0, 49),
    marker_mm=st.floats(2.0, 200.0),
)
def test_any_marker_anywhere_gives_its_scale(
    side: int, x: int, y: int, marker_id: int, marker_mm: float
) -> None:
    photo = _on_skin((500, 660), [(marker_id, x, y, side)])
    marker = find_marker(photo, marker_mm)
    assert marker.marker_id == marker_id
    assert marker.side_px == pytest.approx(side, abs=0.5)
    assert marker.mm_per_px == pytest.approx(marker_mm / marker.side_px, rel=1e-12)


def test_of_several_markers_the_largest_gives_the_scale() -> None:
    photo = _on_skin((400, 600), [(3, 60, 60, 60), (11, 250, 80, 150), (5, 60, 250, 90)])
    marker = find_marker(photo, 20.0)
    assert marker.marker_id == 11
    assert marker.side_px == pytest.approx(150, abs=0.5)


def test_a_photo_without_a_marker_is_refused_naming_the_option() -> None:
    photo = _on_skin((200, 300), [])
    with pytest.raises(InputError, match="no ArUco marker") as error:
        find_marker(photo, 20.0, field="--marker-mm")
    assert error.value.field == "--marker-mm"
    assert "--mm-per-px" in error.value.message


def test_a_marker_seen_at_a_slant_is_refused() -> None:
    """Its far edge shorter by more than MAX_EDGE_MISMATCH: the scale would vary across
    the photo."""
    photo = _on_skin((400, 400), [(7, 120, 120, 160)])
    near = np.array([[96, 96], [304, 96], [304, 304], [96, 304]], dtype=np.float32)
    shrink = 0.3 * 208  # the top edge 30 % shorter, as seen from below
    far = np.array(
        [[96 + shrink / 2, 96], [304 - shrink / 2, 96], [304, 304], [96, 304]], dtype=np.float32
    )
    warp = cv2.getPerspectiveTransform(near, far)
    slanted = np.asarray(
        cv2.warpPerspective(photo, warp, (400, 400), borderValue=(205, 165, 145)), np.uint8
    )
    with pytest.raises(InputError, match="slant") as error:
        find_marker(slanted, 20.0)
    assert error.value.field == "marker_mm"
    assert MAX_EDGE_MISMATCH < 0.3


def test_a_slight_tilt_is_measured() -> None:
    photo = _on_skin((400, 400), [(7, 120, 120, 160)])
    turn = cv2.getRotationMatrix2D((200.0, 200.0), 12.0, 1.0)
    turned = np.asarray(
        cv2.warpAffine(photo, turn, (400, 400), borderValue=(205, 165, 145)), np.uint8
    )
    marker = find_marker(turned, 20.0)
    assert marker.side_px == pytest.approx(160, abs=1.0)


def test_a_measurement_takes_its_scale_from_the_marker_and_leaves_the_marker_out() -> None:
    """Dots 0.8 mm apart (16 px) beside a 20 mm marker 100 px wide (0.2 mm a pixel):
    the density is per cm² at the marker's scale, and no dot is found on the marker."""
    rows, cols = np.mgrid[0:400, 0:560] % 16 - 7.5
    depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    photo = (np.array([205.0, 165.0, 145.0]) * (1 - depth[..., None])).astype(np.uint8)
    photo[20:160, 20:160] = 250
    photo[40:140, 40:140] = _marker(9, 100)[..., None]
    measured = measure_photo(photo, marker_mm=20.0, white=None)
    assert measured.scale_source == "marker" and measured.marker is not None
    assert measured.figures.mm_per_px is not None
    assert measured.figures.mm_per_px == pytest.approx(0.2, rel=0.01)
    rows_found, cols_found = measured.found.rows, measured.found.cols
    on_marker = (rows_found > 40) & (rows_found < 140) & (cols_found > 40) & (cols_found < 140)
    assert not on_marker.any()
    assert measured.figures.dot_count > 600  # the dots around it are found
    assert measured.figures.density_per_cm2 is not None
    spacing_mm = 16 * measured.figures.mm_per_px
    assert measured.figures.density_per_cm2 == pytest.approx(100.0 / spacing_mm**2, rel=0.05)
