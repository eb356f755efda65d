"""Tests of the strip: the years side by side, a labelled column per year and a row per view."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from fadecast.render.strip import year_label, year_strip

WHITE = (255, 255, 255)


def solid(rgb: tuple[int, int, int], side: int = 30) -> NDArray[np.uint8]:
    return np.full((side, side, 3), rgb, dtype=np.uint8)


def layout(tile_px: int, gap_px: int) -> tuple[int, int]:
    """Height of the label band and width of the name column. [px]"""
    return max(tile_px // 8, 16), max(tile_px // 2, 90)


def tile_origin(i: int, j: int, tile_px: int, gap_px: int) -> tuple[int, int]:
    """Top-left (row, col) of the picture of view ``i`` and year ``j``. [px]"""
    label_h, name_w = layout(tile_px, gap_px)
    return label_h + i * (tile_px + gap_px), name_w + gap_px + j * (tile_px + gap_px)


def is_ink(region: NDArray[np.uint8]) -> bool:
    return bool(np.any(region != 255))


@pytest.mark.parametrize(
    ("year", "label"),
    [(0.0, "healed"), (0, "healed"), (1.0, "year 1"), (2.5, "year 2.5"), (10.0, "year 10")],
)
def test_years_are_labelled_healed_or_by_number(year: float, label: str) -> None:
    assert year_label(year) == label


@settings(max_examples=25, deadline=None)
@given(
    years=st.integers(1, 4),
    views=st.integers(1, 3),
    tile_px=st.integers(16, 120),
    gap_px=st.integers(0, 12),
)
def test_the_strip_is_a_grid_of_tiles_with_a_label_band_and_a_name_column(
    years: int, views: int, tile_px: int, gap_px: int
) -> None:
    rows = [[solid((10 * i, 20 * j, 200)) for j in range(years)] for i in range(views)]
    strip = year_strip(
        rows,
        [float(j) for j in range(years)],
        row_names=[f"view {i}" for i in range(views)],
        tile_px=tile_px,
        gap_px=gap_px,
    )
    label_h, name_w = layout(tile_px, gap_px)
    assert strip.dtype == np.uint8
    assert strip.shape == (
        label_h + views * (tile_px + gap_px) + gap_px,
        name_w + years * (tile_px + gap_px) + gap_px,
        3,
    )
    for i in range(views):
        for j in range(years):
            top, left = tile_origin(i, j, tile_px, gap_px)
            tile = strip[top : top + tile_px, left : left + tile_px]
            assert np.all(tile == (10 * i, 20 * j, 200))  # an even picture stays even
    # Between and around the tiles: the white background.
    top, left = tile_origin(0, 0, tile_px, gap_px)
    assert np.all(strip[top:, name_w : name_w + gap_px] == 255)
    if gap_px:
        assert np.all(strip[-gap_px:, name_w:] == 255)


def test_each_year_is_labelled_above_its_column_and_each_view_at_its_row() -> None:
    tile, gap = 120, 8
    years = [0.0, 1.0, 5.0]
    strip = year_strip(
        [[solid((0, 0, 0))] * 3, [solid((0, 0, 0))] * 3],
        years,
        row_names=["close up", "at 2 m"],
        tile_px=tile,
        gap_px=gap,
    )
    label_h, name_w = layout(tile, gap)
    for j in range(len(years)):
        _, left = tile_origin(0, j, tile, gap)
        assert is_ink(strip[:label_h, left : left + tile])
        # Centred: ink on both sides of the column's middle.
        band = strip[:label_h, left : left + tile]
        cols = np.flatnonzero(np.any(band != 255, axis=(0, 2)))
        assert cols.min() < tile // 2 < cols.max()
    assert not is_ink(strip[:label_h, :name_w])  # no label over the names
    for i in range(2):
        top, _ = tile_origin(i, 0, tile, gap)
        assert is_ink(strip[top : top + tile, :name_w])
    # The healed column's label differs from the others'.
    lefts = [tile_origin(0, j, tile, gap)[1] for j in range(3)]
    labels = [strip[:label_h, x : x + tile] for x in lefts]
    assert not np.array_equal(labels[0], labels[1]) and not np.array_equal(labels[1], labels[2])


def test_pictures_are_resampled_to_the_tile() -> None:
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 256, (37, 37, 3), dtype=np.uint8)
    tile = 64
    strip = year_strip([[picture]], [3.0], row_names=["close up"], tile_px=tile, gap_px=4)
    top, left = tile_origin(0, 0, tile, 4)
    expected = np.asarray(
        Image.fromarray(picture).resize((tile, tile), Image.Resampling.LANCZOS), dtype=np.uint8
    )
    np.testing.assert_array_equal(strip[top : top + tile, left : left + tile], expected)


def test_the_same_pictures_give_the_same_strip() -> None:
    rng = np.random.default_rng(1)
    rows = [[rng.integers(0, 256, (50, 50, 3), dtype=np.uint8) for _ in range(2)]]
    first = year_strip(rows, [0.0, 1.0], row_names=["close up"])
    assert np.array_equal(first, year_strip(rows, [0.0, 1.0], row_names=["close up"]))


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        ([[solid(WHITE)] * 2], ["close up"]),  # two pictures, three years
        ([[solid(WHITE)] * 3], ["close up", "at 2 m"]),  # a name without a row
        ([[solid(WHITE)] * 3, [solid(WHITE)] * 2], ["close up", "at 2 m"]),
    ],
)
def test_a_picture_or_a_name_missing_is_refused(
    rows: list[list[NDArray[np.uint8]]], names: list[str]
) -> None:
    with pytest.raises(ValueError, match="one picture per year"):
        year_strip(rows, [0.0, 1.0, 5.0], row_names=names)
