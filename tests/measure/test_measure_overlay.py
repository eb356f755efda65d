"""Tests of the detections drawn on the photo (:mod:`fadecast.measure.overlay`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from fadecast.measure import overlay as drawing
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import read_photo

SKIN = np.array([205.0, 165.0, 145.0])


def _photo(shape: tuple[int, int] = (240, 320), spacing: int = 20) -> np.ndarray:
    """Dots 20 px apart below untreated skin, a white card on the skin: 8-bit sRGB."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]] % spacing - (spacing - 1) / 2
    depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    depth[:80] = 0.0
    photo = np.asarray(SKIN * (1 - depth[..., None]), dtype=np.uint8)
    photo[16:64, 200:248] = 240
    return photo


def _colour(picture: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return np.asarray((picture == np.array(colour, dtype=np.uint8)).all(axis=-1))


def test_each_dot_gets_a_circle_of_its_diameter_and_the_card_an_outline() -> None:
    photo = _photo()
    measured = measure_photo(photo, mm_per_px=0.05)
    before = photo.copy()
    drawn = drawing.overlay(photo, measured)
    np.testing.assert_array_equal(photo, before)  # the photo itself is not changed
    assert drawn.shape == photo.shape and drawn.dtype == np.uint8
    found = measured.found
    assert found.count == 12 * 16 - 4 * 16  # rows of dots below the untreated skin
    on_circle = _colour(drawn, drawing.DOT_COLOUR)
    rows, cols = np.nonzero(on_circle)
    # Every circle pixel lies about a radius from its dot's centre, every dot has one.
    centres = np.c_[found.rows, found.cols]
    distance = np.hypot(
        rows[:, None] + 0.5 - centres[None, :, 0], cols[:, None] + 0.5 - centres[None, :, 1]
    )
    nearest = distance.argmin(axis=1)
    radius = np.maximum(found.diameter_px / 2.0, 1.5)
    assert np.all(np.abs(distance[np.arange(len(rows)), nearest] - radius[nearest]) < 1.5)
    assert len(np.unique(nearest)) == found.count
    # The card's outline, two lines wide, along its rectangle.
    assert measured.white is not None
    x, y, w, h = measured.white.rect
    card = _colour(drawn, drawing.CARD_COLOUR)
    assert card[y, x : x + w].all() and card[y + h - 1, x : x + w].all()
    assert card[y : y + h, x].all() and card[y : y + h, x + 1].all()
    assert not card[y + 3 : y + h - 3, x + 3 : x + w - 3].any()
    # Away from every dot and the card, the photo is as it was.
    untouched = ~on_circle & ~card
    np.testing.assert_array_equal(drawn[untouched], photo[untouched])


def test_pixels_under_hairs_are_tinted_halfway() -> None:
    photo = _photo()
    measured = measure_photo(photo, mm_per_px=0.05, white=None)
    hair = np.zeros_like(measured.found.hair)
    hair[100:104, :] = True  # a band of the working copy taken for a hair
    hairy = dataclasses.replace(measured, found=dataclasses.replace(measured.found, hair=hair))
    drawn = drawing.overlay(photo, hairy)
    factor = measured.found.working_factor
    band = slice(100 * factor, 104 * factor)
    expected = (photo[band].astype(np.uint16) + drawing.HAIR_TINT) // 2
    circles = _colour(drawn[band], drawing.DOT_COLOUR)
    np.testing.assert_array_equal(drawn[band][~circles], expected[~circles])
    assert np.array_equal(
        drawn[: 100 * factor - 6], drawing.overlay(photo, measured)[: 100 * factor - 6]
    )


def test_the_marker_is_outlined() -> None:
    photo = _photo((300, 400))
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    photo[10:130, 10:130] = 250
    photo[20:120, 20:120] = cv2.aruco.generateImageMarker(dictionary, 4, 100)[..., None]
    measured = measure_photo(photo, marker_mm=10.0, white=None)
    assert measured.marker is not None
    drawn = drawing.overlay(photo, measured)
    outline = _colour(drawn, drawing.MARKER_COLOUR)
    rows, cols = np.nonzero(outline)
    assert rows.min() >= 18 and rows.max() <= 121 and cols.min() >= 18 and cols.max() <= 121
    assert outline[20:120, 20].mean() > 0.9 and outline[70, 20:120].sum() <= 6


def test_lines_widen_with_the_photo() -> None:
    """A pixel wide for every 800 pixels of the shorter side, so that a large photo's
    circles can be seen when it is shown smaller."""
    photo = np.ascontiguousarray(np.tile(_photo(), (7, 6, 1))[:1680, :1920])
    measured: Measurement = measure_photo(photo, mm_per_px=0.05, white=None)
    drawn = drawing.overlay(photo, measured)
    # A horizontal cut through a dot's centre crosses its circle in runs of two pixels.
    row, col = round(measured.found.rows[500] - 0.5), round(measured.found.cols[500] - 0.5)
    cut = _colour(drawn[row : row + 1, col - 12 : col + 13], drawing.DOT_COLOUR)[0]
    runs = np.diff(np.flatnonzero(np.diff(np.r_[False, cut, False])))[::2]
    assert runs.tolist() == [2, 2]


def test_an_overlay_saved_and_read_back_is_the_same_picture(tmp_path: Path) -> None:
    photo = _photo()
    drawn = drawing.overlay(photo, measure_photo(photo, mm_per_px=0.05))
    path = tmp_path / "overlay.png"
    Image.fromarray(drawn).save(path)
    np.testing.assert_array_equal(read_photo(path), drawn)
