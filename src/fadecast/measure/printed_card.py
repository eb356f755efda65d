"""The printed photo card in a photo: its layout, and its patches found from its marker.

The card that ``fadecast card`` prints (``data/card.toml``) carries an ArUco marker and, at
known places beside it, an unprinted white patch and a mid-grey one. Once the marker is
found (:func:`fadecast.measure.scale.find_marker`), its four corners fix where every point
of the card lies in the photo (a perspective transform from the card's millimetres), so the
white reference is read where the card says it is, never guessed from a bright region.

The grey patch checks the exposure: printed at sRGB 119, it reflects about 0.18 of what
the paper does, so in a photo whose codes decode to linear light its luminance over the
white patch's is about 0.18 whatever the light's level and colour. A ratio outside
``grey_ratio_range`` says the phone bent its tone curve (HDR, a filter), glare lies on the
card, or the print is off (:func:`grey_reads_as_printed`).

Examples
--------
>>> card_layout().marker_mm, card_layout().white_patch_mm
(20.0, (26.0, 0.0, 20.0, 20.0))
>>> round(expected_grey_ratio(), 3), card_layout().grey_ratio_range
(0.184, (0.1, 0.32))
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast import data
from fadecast.measure import reference
from fadecast.measure.photo import Y_WEIGHTS, linear_from_srgb8
from fadecast.measure.scale import Marker, bounding_box

_Rect = tuple[int, int, int, int]

__all__ = [
    "CardLayout",
    "card_layout",
    "card_to_photo",
    "expected_grey_ratio",
    "grey_reads_as_printed",
    "printed_card_white",
]


@dataclass(frozen=True)
class CardLayout:
    """Where everything lies on the card, and what its grey must read (``data/card.toml``).

    Attributes
    ----------
    marker_mm
        Side of the ArUco marker. [mm]
    marker_id
        Its id in OpenCV's ``DICT_4X4_50``.
    quiet_zone_mm
        White margin around the marker. [mm]
    white_patch_mm, grey_patch_mm
        ``(x, y, width, height)`` of the white (unprinted) and mid-grey patches, from the
        marker's top-left corner. [mm]
    grey_srgb
        sRGB code of the grey patch. [1]
    grey_ratio_range
        Lowest and highest linear luminance of the grey patch over the white patch's in
        a photo that reads the card as printed. [1]
    ruler_mm
        ``(x, y, length)`` of the ruler, from the marker's top-left corner. [mm]
    cut_margin_mm
        Distance of the cutting line outside everything on the card. [mm]
    page_mm
        Page width and height. [mm]
    card_origin_mm
        Where the marker's top-left corner lies on the page. [mm]
    png_dpi
        Resolution of the PNG. [1/in]
    """

    marker_mm: float
    marker_id: int
    quiet_zone_mm: float
    white_patch_mm: tuple[float, float, float, float]
    grey_patch_mm: tuple[float, float, float, float]
    grey_srgb: int
    grey_ratio_range: tuple[float, float]
    ruler_mm: tuple[float, float, float]
    cut_margin_mm: float
    page_mm: tuple[float, float]
    card_origin_mm: tuple[float, float]
    png_dpi: int


@functools.cache
def card_layout() -> CardLayout:
    """The card's layout from ``data/card.toml`` (read once)."""
    table = data.toml_table("card.toml")

    def floats(name: str) -> tuple[float, ...]:
        return tuple(float(x) for x in table[name]["value"])

    white, grey = floats("white_patch_mm"), floats("grey_patch_mm")
    ruler, page, origin = floats("ruler_mm"), floats("page_mm"), floats("card_origin_mm")
    grey_range = floats("grey_ratio_range")
    return CardLayout(
        marker_mm=float(table["marker_mm"]["value"]),
        marker_id=int(table["marker_id"]["value"]),
        quiet_zone_mm=float(table["quiet_zone_mm"]["value"]),
        white_patch_mm=(white[0], white[1], white[2], white[3]),
        grey_patch_mm=(grey[0], grey[1], grey[2], grey[3]),
        grey_srgb=int(table["grey_srgb"]["value"]),
        grey_ratio_range=(grey_range[0], grey_range[1]),
        ruler_mm=(ruler[0], ruler[1], ruler[2]),
        cut_margin_mm=float(table["cut_margin_mm"]["value"]),
        page_mm=(page[0], page[1]),
        card_origin_mm=(origin[0], origin[1]),
        png_dpi=int(table["png_dpi"]["value"]),
    )


def card_to_photo(
    marker: Marker, points_mm: NDArray[np.float64], marker_mm: float
) -> NDArray[np.float64]:
    """Where points of the card (millimetres from the marker's top-left corner) lie in the photo.

    Parameters
    ----------
    marker
        The card's marker as found; its corners run top-left, top-right, bottom-right,
        bottom-left in the marker's own frame. [px]
    points_mm
        Points ``(x, y)`` on the card, shape ``(N, 2)``. [mm]
    marker_mm
        The marker's side. [mm]

    Returns
    -------
    ndarray
        The points in the photo, ``(N, 2)``. [px]

    Examples
    --------
    A marker seen square, 10 px to the millimetre, its corner at (100, 50):

    >>> from fadecast.measure.scale import Marker
    >>> corners = np.array([[100.0, 50.0], [300.0, 50.0], [300.0, 250.0], [100.0, 250.0]])
    >>> marker = Marker(corners=corners, side_px=200.0, mm_per_px=0.1, marker_id=1)
    >>> card_to_photo(marker, np.array([[26.0, 0.0], [46.0, 20.0]]), 20.0).tolist()
    [[360.0, 50.0], [560.0, 250.0]]
    """
    import cv2

    square = np.array([[0.0, 0.0], [marker_mm, 0.0], [marker_mm, marker_mm], [0.0, marker_mm]])
    transform = cv2.getPerspectiveTransform(
        square.astype(np.float32), np.asarray(marker.corners, dtype=np.float32)
    )
    points = np.asarray(points_mm, dtype=np.float64)
    homogeneous = np.c_[points, np.ones(len(points))] @ transform.T
    return np.asarray(homogeneous[:, :2] / homogeneous[:, 2:], dtype=np.float64)


def expected_grey_ratio() -> float:
    """The grey patch's reflectance over the paper's as printed: its sRGB code decoded to
    linear light (IEC 61966-2-1), 0.184 for sRGB 119. [1]"""
    code = np.array([card_layout().grey_srgb], dtype=np.uint8)
    return float(linear_from_srgb8(code)[0])


def grey_reads_as_printed(ratio: float) -> bool:
    """Whether a photo's grey-to-white luminance ratio of the card is within
    ``grey_ratio_range`` of ``data/card.toml``, as a linear photo of the print gives.

    Parameters
    ----------
    ratio
        Linear luminance of the grey patch over the white patch's. [1]

    Examples
    --------
    A photo read as printed, one with gamma 0.6 on its linear light, and a grey patch
    printed far too dark:

    >>> ratio = expected_grey_ratio()
    >>> grey_reads_as_printed(ratio), grey_reads_as_printed(ratio**0.6)
    (True, False)
    >>> grey_reads_as_printed(0.05)
    False
    """
    low, high = card_layout().grey_ratio_range
    return bool(low <= ratio <= high)


def _middle_half_px(marker: Marker, patch_mm: tuple[float, float, float, float]) -> _Rect:
    """The photo's bounding box of the middle half of a patch of the card. [px]"""
    x, y, w, h = patch_mm
    inner = np.array(
        [
            [x + w / 4, y + h / 4],
            [x + 3 * w / 4, y + h / 4],
            [x + 3 * w / 4, y + 3 * h / 4],
            [x + w / 4, y + 3 * h / 4],
        ]
    )
    return bounding_box(card_to_photo(marker, inner, card_layout().marker_mm))


def _readable(rect: _Rect, width: int, height: int) -> bool:
    """Whether a patch's box lies inside the photo and is large enough to read."""
    inside = rect[0] >= 0 and rect[1] >= 0 and rect[0] + rect[2] <= width
    inside = inside and rect[1] + rect[3] <= height
    return inside and min(rect[2], rect[3]) >= reference.MIN_CARD_SIDE_PX


def printed_card_white(
    rgb: reference.Colours, marker: Marker, *, reflectance: float
) -> reference.WhiteReference | None:
    """The card's white patch as the photo's white reference, or None if it is not in view.

    The middle half of the patch is read (its printed edge may blur); the whole card, from
    the marker's quiet zone to the grey patch, is what the measurement leaves out. The
    grey patch, read the same way where it is in view, gives ``grey_ratio``: its linear
    luminance over the white patch's (:func:`grey_reads_as_printed` tells whether it
    reads as printed).

    Parameters
    ----------
    rgb
        The photo's linear RGB, ``(H, W, 3)``. [1]
    marker
        The marker found in the photo; only the card's own id counts.
    reflectance
        The white patch's reflectance (the paper's). [1]

    Returns
    -------
    WhiteReference or None
        ``source="card"``; None when the marker is not the card's or the white patch lies
        partly outside the photo. Its ``grey_ratio`` is None when the grey patch does.

    Examples
    --------
    A card seen square at 10 px/mm, the marker's corner at (40, 40), its white patch at
    0.8 and its grey patch at 0.15 of full scale, linear:

    >>> from fadecast.measure.scale import Marker
    >>> corners = np.array([[40.0, 40.0], [240.0, 40.0], [240.0, 240.0], [40.0, 240.0]])
    >>> marker = Marker(corners=corners, side_px=200.0, mm_per_px=0.1, marker_id=1)
    >>> rgb = np.full((320, 820, 3), 0.3, dtype=np.float32)
    >>> rgb[40:240, 300:500] = 0.8  # the white patch, 26-46 mm right of the corner
    >>> rgb[40:240, 540:740] = 0.15  # the grey patch, 50-70 mm
    >>> white = printed_card_white(rgb, marker, reflectance=0.9)
    >>> white.source, white.rect, round(white.grey_ratio, 4)
    ('card', (350, 90, 100, 100), 0.1875)
    """
    layout = card_layout()
    if marker.marker_id != layout.marker_id:
        return None
    side = layout.marker_mm
    height, width = np.shape(rgb)[:2]
    rect = _middle_half_px(marker, layout.white_patch_mm)
    if not _readable(rect, width, height):
        return None
    gx, gy, gw, gh = layout.grey_patch_mm
    q = layout.quiet_zone_mm
    whole = np.array(
        [
            [-q, -q],
            [gx + gw + q, -q],
            [gx + gw + q, max(side, gy + gh) + q],
            [-q, max(side, gy + gh) + q],
        ]
    )
    ox, oy, ow, oh = bounding_box(card_to_photo(marker, whole, side))
    left, top = max(ox, 0), max(oy, 0)
    outer = (left, top, min(ox + ow, width) - left, min(oy + oh, height) - top)
    found = reference.white_reference_at(rgb, rect, reflectance=reflectance, source="card")
    grey_ratio = None
    grey_rect = _middle_half_px(marker, layout.grey_patch_mm)
    white_y = float(np.dot(found.rgb, Y_WEIGHTS))
    if _readable(grey_rect, width, height) and white_y > 0.0:
        grey = reference.white_reference_at(rgb, grey_rect, reflectance=reflectance, source="card")
        grey_ratio = float(np.dot(grey.rgb, Y_WEIGHTS)) / white_y
    return dataclasses.replace(found, outer=outer, grey_ratio=grey_ratio)
