"""The printed photo card in a photo: its layout, and its white patch found from its marker.

The card that ``fadecast card`` prints (``data/card.toml``) carries an ArUco marker and, at
known places beside it, an unprinted white patch and a mid-grey one. Once the marker is
found (:func:`fadecast.measure.scale.find_marker`), its four corners fix where every point
of the card lies in the photo (a perspective transform from the card's millimetres), so the
white reference is read where the card says it is, never guessed from a bright region.

Examples
--------
>>> card_layout().marker_mm, card_layout().white_patch_mm
(20.0, (26.0, 0.0, 20.0, 20.0))
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast import data
from fadecast.measure import reference
from fadecast.measure.scale import Marker, bounding_box

__all__ = ["CardLayout", "card_layout", "card_to_photo", "printed_card_white"]


@dataclass(frozen=True)
class CardLayout:
    """Where everything lies on the card (``data/card.toml``).

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
    return CardLayout(
        marker_mm=float(table["marker_mm"]["value"]),
        marker_id=int(table["marker_id"]["value"]),
        quiet_zone_mm=float(table["quiet_zone_mm"]["value"]),
        white_patch_mm=(white[0], white[1], white[2], white[3]),
        grey_patch_mm=(grey[0], grey[1], grey[2], grey[3]),
        grey_srgb=int(table["grey_srgb"]["value"]),
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


def printed_card_white(
    rgb: reference.Colours, marker: Marker, *, reflectance: float
) -> reference.WhiteReference | None:
    """The card's white patch as the photo's white reference, or None if it is not in view.

    The middle half of the patch is read (its printed edge may blur); the whole card, from
    the marker's quiet zone to the grey patch, is what the measurement leaves out.

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
        ``source="card"``; None when the marker is not the card's or the patch lies partly
        outside the photo.
    """
    layout = card_layout()
    if marker.marker_id != layout.marker_id:
        return None
    side = layout.marker_mm
    x, y, w, h = layout.white_patch_mm
    inner = np.array(
        [
            [x + w / 4, y + h / 4],
            [x + 3 * w / 4, y + h / 4],
            [x + 3 * w / 4, y + 3 * h / 4],
            [x + w / 4, y + 3 * h / 4],
        ]
    )
    rect = bounding_box(card_to_photo(marker, inner, side))
    height, width = np.shape(rgb)[:2]
    if rect[0] < 0 or rect[1] < 0 or rect[0] + rect[2] > width or rect[1] + rect[3] > height:
        return None
    if min(rect[2], rect[3]) < reference.MIN_CARD_SIDE_PX:
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
    return dataclasses.replace(found, outer=outer)
