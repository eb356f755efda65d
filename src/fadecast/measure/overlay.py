"""The detections drawn on the photo, for a person to check them.

Each dot found gets a circle of its measured diameter (full width at half depth);
pixels taken for hairs are tinted; the white reference card and the scale marker are
outlined. Arrays in, an array out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.imaging import full_resolution
from fadecast.measure.measurement import Measurement

__all__ = ["overlay"]

DOT_COLOUR = (0, 230, 64)
HAIR_TINT = np.array([255, 0, 200], dtype=np.uint16)
CARD_COLOUR = (40, 120, 255)
MARKER_COLOUR = (255, 210, 0)


def overlay(srgb: NDArray[np.uint8], measurement: Measurement) -> NDArray[np.uint8]:
    """The photo with its detections drawn on, shape ``(H, W, 3)``.

    Each dot gets a circle of its diameter (at least 3 pixels across) in
    :data:`DOT_COLOUR`; pixels under a hair are halfway to :data:`HAIR_TINT`; the white
    card is outlined in :data:`CARD_COLOUR`, the marker in :data:`MARKER_COLOUR`. Lines
    are a pixel wide for every 800 pixels of the photo's shorter side (at least one),
    the card's and the marker's twice that.

    Parameters
    ----------
    srgb
        The photo measured, shape ``(H, W, 3)``; not changed.
    measurement
        Its measurement (:func:`~fadecast.measure.measurement.measure_photo`).

    Examples
    --------
    >>> from fadecast.measure.measurement import measure_photo
    >>> rows, cols = np.mgrid[0:160, 0:160] % 16 - 7.5
    >>> depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    >>> photo = (np.array([200.0, 160.0, 140.0]) * (1 - depth[..., None])).astype(np.uint8)
    >>> drawn = overlay(photo, measure_photo(photo))
    >>> drawn.shape, drawn.dtype
    ((160, 160, 3), dtype('uint8'))
    >>> tuple(int(v) for v in drawn[7, 4])  # on the first dot's circle
    (0, 230, 64)
    """
    from PIL import Image, ImageDraw

    found = measurement.found
    picture = np.array(srgb, dtype=np.uint8)
    hair = full_resolution(found.hair, found.working_factor, picture.shape[:2])
    # Half the pixel, half the tint (in whole levels, as the 8-bit picture holds them).
    tinted = (picture[hair].astype(np.uint16) + HAIR_TINT) // 2
    picture[hair] = tinted.astype(np.uint8)
    del hair, tinted
    image = Image.fromarray(picture)
    draw = ImageDraw.Draw(image)
    width = max(1, round(min(srgb.shape[:2]) / 800))
    for row, col, diameter in zip(found.rows, found.cols, found.diameter_px, strict=True):
        radius = max(float(diameter) / 2.0, 1.5)
        box = (col - radius, row - radius, col + radius, row + radius)
        draw.ellipse(box, outline=DOT_COLOUR, width=width)
    if measurement.white is not None:
        x, y, w, h = measurement.white.rect
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline=CARD_COLOUR, width=2 * width)
    if measurement.marker is not None:
        corners = [(float(x), float(y)) for x, y in measurement.marker.corners]
        draw.polygon(corners, outline=MARKER_COLOUR, width=2 * width)
    return np.asarray(image, dtype=np.uint8)
