"""White balance from a white or grey card in the photo.

A card of known reflectance seen under the same light as the scalp gives, per channel,
the factor that turns the camera's linear RGB into reflectance (a von Kries scaling in
the sRGB primaries): ``gain_c = reflectance / card_c``. It fixes both the colour of the
light and the exposure, so that CIELAB values are those of the skin itself.

Found automatically as the largest bright, uniform region clearly lighter than the
skin, or given as a rectangle. Pure numpy and scipy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.errors import InputError
from fadecast.measure.dots import block_mean

__all__ = [
    "DEFAULT_CARD_REFLECTANCE",
    "WhiteReference",
    "edge_width_px",
    "find_white_reference",
    "parse_rectangle",
    "white_reference_at",
]

Float32 = NDArray[np.float32]

#: Reflectance assumed for the reference card: a white card (a grey card is 0.18). [1]
DEFAULT_CARD_REFLECTANCE = 0.90
#: Smallest card found automatically, as a share of the picture. [1]
MIN_CARD_SHARE = 0.002
#: A card must be at least this much lighter than the median of the picture. [1]
MIN_CARD_CONTRAST = 1.4
#: Largest relative spread (sd/mean of luminance) inside a card. [1]
MAX_CARD_SPREAD = 0.06


@dataclass(frozen=True)
class WhiteReference:
    """A reference card in the photo.

    Attributes
    ----------
    rect
        ``(x, y, width, height)`` of the card. [px]
    rgb
        Its mean linear RGB as photographed. [1]
    reflectance
        The card's reflectance. [1]
    source
        ``"auto"`` or ``"given"``.
    """

    rect: tuple[int, int, int, int]
    rgb: tuple[float, float, float]
    reflectance: float
    source: str
    edge_px: float | None = None  # 10-90 % width of the card's edges (its blur) [px]
    outer: tuple[int, int, int, int] | None = None  # the whole card, edges included [px]

    @property
    def extent(self) -> tuple[int, int, int, int]:
        """The rectangle to leave out of the measurement: the whole card. [px]"""
        return self.outer if self.outer is not None else self.rect

    @property
    def gains(self) -> NDArray[np.float64]:
        """Per-channel factors from photographed linear RGB to reflectance. [1]"""
        return self.reflectance / np.maximum(np.asarray(self.rgb, dtype=np.float64), 1e-6)


def parse_rectangle(
    text: str, shape: tuple[int, int], *, field: str = "--white"
) -> tuple[int, int, int, int]:
    """``"x,y,w,h"`` in pixels, checked against a picture of ``shape`` (rows, cols)."""
    parts = text.split(",")
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        raise InputError(
            field, f"must be auto, none or x,y,w,h in whole pixels, got {text!r}"
        ) from None
    rows, cols = shape
    if w < 4 or h < 4 or x < 0 or y < 0 or x + w > cols or y + h > rows:
        raise InputError(
            field,
            f"rectangle {x},{y},{w},{h} must be at least 4 x 4 pixels and inside the "
            f"{cols} x {rows} photo",
        )
    return x, y, w, h


def white_reference_at(
    rgb: Float32,
    rect: tuple[int, int, int, int],
    *,
    reflectance: float = DEFAULT_CARD_REFLECTANCE,
    source: str = "given",
) -> WhiteReference:
    """The card in ``rect``: the mean of its inner half (its edges may blur into skin)."""
    x, y, w, h = rect
    inner = rgb[y + h // 4 : y + h - h // 4, x + w // 4 : x + w - w // 4]
    mean = inner.reshape(-1, 3).mean(axis=0, dtype=np.float64)
    return WhiteReference(
        rect=rect,
        rgb=(float(mean[0]), float(mean[1]), float(mean[2])),
        reflectance=reflectance,
        source=source,
    )


def find_white_reference(
    rgb: Float32, luminance: Float32, *, reflectance: float = DEFAULT_CARD_REFLECTANCE
) -> WhiteReference | None:
    """The largest bright, uniform region clearly lighter than the picture, or None.

    Looked for on a copy reduced to about 100,000 pixels: pixels lighter than
    :data:`MIN_CARD_CONTRAST` times the median and locally uniform; their largest
    connected region, if it covers at least :data:`MIN_CARD_SHARE` of the picture and
    is uniform inside, is the card (its bounding box, shrunk by a margin).
    """
    factor = max(1, int(np.sqrt(luminance.size / 1.0e5)))
    small = block_mean(luminance, factor)
    median = float(np.median(small))
    if median <= 0.0:
        return None
    mean = ndimage.uniform_filter(small, 5)
    spread = np.sqrt(np.maximum(ndimage.uniform_filter(small**2, 5) - mean**2, 0.0))
    bright = (small > MIN_CARD_CONTRAST * median) & (
        spread < MAX_CARD_SPREAD * np.maximum(mean, 1e-6)
    )
    labels, count = ndimage.label(bright)
    if count == 0:
        return None
    sizes = ndimage.sum_labels(np.ones_like(small), labels, index=np.arange(1, count + 1))
    best = int(np.argmax(sizes)) + 1
    if sizes[best - 1] < MIN_CARD_SHARE * small.size:
        return None
    rows, cols = np.nonzero(labels == best)
    top, bottom = rows.min() * factor, (rows.max() + 1) * factor
    left, right = cols.min() * factor, (cols.max() + 1) * factor
    margin_r, margin_c = (bottom - top) // 8, (right - left) // 8
    rect = (
        int(left + margin_c),
        int(top + margin_r),
        int(right - left - 2 * margin_c),
        int(bottom - top - 2 * margin_r),
    )
    if rect[2] < 4 or rect[3] < 4:
        return None
    found = white_reference_at(rgb, rect, reflectance=reflectance, source="auto")
    outer = (int(left), int(top), int(right - left), int(bottom - top))
    return dataclasses.replace(found, edge_px=edge_width_px(luminance, outer), outer=outer)


def _rise(profile: NDArray[np.float64]) -> float | None:
    """10-90 % width of a rising step profile, by linear interpolation. [px]"""
    k = max(2, len(profile) // 6)
    low, high = float(np.median(profile[:k])), float(np.median(profile[-k:]))
    if high - low <= 0.0:
        return None
    level = (profile - low) / (high - low)
    positions = []
    for target in (0.1, 0.9):
        above = np.nonzero(level >= target)[0]
        if len(above) == 0 or above[0] == 0:
            return None
        j = int(above[0])
        a, b = level[j - 1], level[j]
        positions.append(j - 1 + (target - a) / (b - a) if b > a else float(j))
    return positions[1] - positions[0]


def edge_width_px(luminance: Float32, outer: tuple[int, int, int, int]) -> float | None:
    """Median 10-90 % width of a card's four edges, skin to card, in pixels.

    A printed card's edge is a sharp step, so its width in the photo is the optics'
    blur: about 0.8 px when in focus, 2.56 σ for a Gaussian blur of σ pixels. Edges at
    the photo's border are skipped. [px]
    """
    x, y, w, h = outer
    rows, cols = luminance.shape
    k = max(6, min(w, h) // 6)
    widths = []
    middle_r = slice(y + h // 4, y + h - h // 4)
    middle_c = slice(x + w // 4, x + w - w // 4)
    if x - k >= 0:
        widths.append(_rise(luminance[middle_r, x - k : x + k].mean(axis=0, dtype=np.float64)))
    if x + w + k <= cols:
        strip = luminance[middle_r, x + w - k : x + w + k].mean(axis=0, dtype=np.float64)
        widths.append(_rise(strip[::-1]))
    if y - k >= 0:
        widths.append(_rise(luminance[y - k : y + k, middle_c].mean(axis=1, dtype=np.float64)))
    if y + h + k <= rows:
        strip = luminance[y + h - k : y + h + k, middle_c].mean(axis=1, dtype=np.float64)
        widths.append(_rise(strip[::-1]))
    found = [v for v in widths if v is not None]
    return float(np.median(found)) if found else None
