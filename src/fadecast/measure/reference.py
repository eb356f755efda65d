"""White balance from a white or grey card in the photo.

A card of known reflectance seen under the same light as the scalp gives, per channel,
the factor that turns the camera's linear RGB into reflectance (a von Kries scaling in
the sRGB primaries): ``gain_c = reflectance / card_c``. It fixes both the colour of the
light and the exposure, so that CIELAB values are those of the skin itself.

Found automatically as the largest bright, uniform region clearly lighter than the
skin (the lightest of the rest of the picture: dark, dense dots pull the picture's median
far below the skin, and bare skin between them must not pass for a card), or given as a
rectangle. Pure numpy and scipy.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.errors import InputError
from fadecast.measure.photo import LinearRGB, block_mean

__all__ = [
    "DEFAULT_CARD_REFLECTANCE",
    "MIN_CARD_SIDE_PX",
    "WhiteReference",
    "check_rectangle",
    "edge_width_px",
    "find_white_reference",
    "parse_rectangle",
    "white_reference_at",
]

Float32 = NDArray[np.float32]
Colours = Float32 | LinearRGB

#: Reflectance assumed for the reference card: a white card (a grey card is 0.18). [1]
DEFAULT_CARD_REFLECTANCE = 0.90
#: Smallest card found automatically, as a share of the picture. [1]
MIN_CARD_SHARE = 0.002
#: A card must be at least this much lighter than the median of the picture, and than
#: the skin: the :data:`SKIN_QUANTILE` of the rest of the picture. [1]
MIN_CARD_CONTRAST = 1.4
#: The skin a card is compared with: this quantile of the luminance of the picture
#: without the card (the lightest twentieth: bare skin between the dots, however dark
#: and dense they are). [1]
SKIN_QUANTILE = 0.95
#: Bright regions tried as the card, the largest first. [1]
MAX_CARD_CANDIDATES = 8
#: Largest relative spread (sd/mean of luminance) inside a card. [1]
MAX_CARD_SPREAD = 0.06
#: Largest relative spread over the inner half of a card given as a rectangle (the
#: whole of it, where the spread above is over 5 × 5 pixels: a little light falloff
#: and noise pass, dots and skin do not). [1]
MAX_GIVEN_CARD_SPREAD = 2.0 * MAX_CARD_SPREAD
#: Least linear value of a card in every channel: darker gives no usable balance. [1]
MIN_CARD_LEVEL = 0.01
#: Shortest side of a card given as a rectangle (its inner half is averaged). [px]
MIN_CARD_SIDE_PX = 4


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
        ``"auto"`` (found as a bright card), ``"given"`` (a rectangle given) or ``"card"``
        (the printed card's white patch, placed by its marker).
    edge_px
        10-90 % width of the card's edges (its blur), where read. [px]
    outer
        The whole card, edges included, where known. [px]
    grey_ratio
        For the printed card, the linear luminance of its grey patch over that of its
        white patch as photographed (about 0.18 when the photo reads as printed,
        :func:`fadecast.measure.printed_card.grey_reads_as_printed`); None otherwise. [1]
    """

    rect: tuple[int, int, int, int]
    rgb: tuple[float, float, float]
    reflectance: float
    source: str
    edge_px: float | None = None
    outer: tuple[int, int, int, int] | None = None
    grey_ratio: float | None = None

    @property
    def extent(self) -> tuple[int, int, int, int]:
        """The rectangle to leave out of the measurement: the whole card. [px]"""
        return self.outer if self.outer is not None else self.rect

    @property
    def gains(self) -> NDArray[np.float64]:
        """Per-channel factors from photographed linear RGB to reflectance. [1]"""
        return self.reflectance / np.maximum(np.asarray(self.rgb, dtype=np.float64), 1e-6)


def parse_rectangle(
    text: str, shape: tuple[int, ...], *, field: str = "white"
) -> tuple[int, int, int, int]:
    """``"x,y,w,h"`` in pixels, checked against a picture of ``shape`` (rows, cols)
    by :func:`check_rectangle`. [px]

    Raises
    ------
    InputError
        Naming ``field``: not four whole numbers, or not a rectangle inside the picture.

    Examples
    --------
    >>> parse_rectangle("10,20,30,40", (100, 120))
    (10, 20, 30, 40)
    >>> parse_rectangle("10,20,30", (100, 120))
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: white: must be auto, none or x,y,w,h in whole pixels, got '10,20,30'
    """
    parts = text.split(",")
    try:
        if len(parts) != 4:
            raise ValueError(text)
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        raise InputError(
            field, f"must be auto, none or x,y,w,h in whole pixels, got {text!r}"
        ) from None
    return check_rectangle((x, y, w, h), shape, field=field)


def check_rectangle(
    rect: object, shape: tuple[int, ...], *, field: str = "white"
) -> tuple[int, int, int, int]:
    """A card's rectangle ``(x, y, width, height)`` checked against a picture of
    ``shape`` (rows, cols): four whole numbers, at least :data:`MIN_CARD_SIDE_PX` on a
    side, inside the picture. [px]

    Raises
    ------
    InputError
        Naming ``field`` and what is allowed.

    Examples
    --------
    >>> check_rectangle([0, 0, 4, 4], (10, 10))
    (0, 0, 4, 4)
    >>> check_rectangle((8, 0, 4, 4), (10, 10))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: white: must be x,y,w,h in whole pixels: ... got 8,0,4,4
    """
    rows, cols = int(shape[0]), int(shape[1])
    allowed = (
        f"must be x,y,w,h in whole pixels: a rectangle at least {MIN_CARD_SIDE_PX} x "
        f"{MIN_CARD_SIDE_PX} pixels inside the {cols} x {rows} photo (x + w <= {cols}, "
        f"y + h <= {rows})"
    )
    if not isinstance(rect, tuple | list) or len(rect) != 4:
        raise InputError(field, f"{allowed}, got {rect!r}")
    if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in rect):
        raise InputError(field, f"{allowed}, got {rect!r}")
    x, y, w, h = (int(v) for v in rect)
    side = MIN_CARD_SIDE_PX
    if w < side or h < side or x < 0 or y < 0 or x + w > cols or y + h > rows:
        raise InputError(field, f"{allowed}, got {x},{y},{w},{h}")
    return x, y, w, h


def _inner_half(rgb: Colours, rect: tuple[int, int, int, int]) -> Float32:
    """Linear RGB of the inner half of a rectangle, shape ``(n, 3)``. [1]"""
    x, y, w, h = rect
    top, left, height, width = y + h // 4, x + w // 4, h - 2 * (h // 4), w - 2 * (w // 4)
    if isinstance(rgb, LinearRGB):
        inner = rgb.crop(top, left, height, width)
    else:
        inner = rgb[top : top + height, left : left + width]
    return np.asarray(inner, dtype=np.float32).reshape(-1, 3)


def white_reference_at(
    rgb: Colours,
    rect: tuple[int, int, int, int],
    *,
    reflectance: float = DEFAULT_CARD_REFLECTANCE,
    source: str = "given",
    field: str = "white",
) -> WhiteReference:
    """The card in ``rect``: the mean of its inner half (its edges may blur into skin).

    A card given by hand (``source="given"``) must be one: uniform (relative spread
    of luminance at most :data:`MAX_GIVEN_CARD_SPREAD`) and not black (at least
    :data:`MIN_CARD_LEVEL` in every channel).

    Parameters
    ----------
    rgb
        The photo's linear RGB, shape ``(H, W, 3)``, as an array or a
        :class:`~fadecast.measure.photo.LinearRGB`. [1]
    rect
        ``(x, y, width, height)`` of the card. [px]
    reflectance
        The card's reflectance. [1]
    source
        ``"given"`` (checked to be a card) or ``"auto"`` (found as one).
    field
        The option named in an error.

    Raises
    ------
    InputError
        Naming ``field``: the rectangle is not inside the photo, or not a card.

    Examples
    --------
    A card photographed under warm light: its gains turn it back to grey 0.9.

    >>> rgb = np.full((40, 40, 3), 0.3, dtype=np.float32)
    >>> rgb[10:30, 10:30] = (0.8, 0.72, 0.6)
    >>> card = white_reference_at(rgb, (10, 10, 20, 20))
    >>> card.gains.round(3)
    array([1.125, 1.25 , 1.5  ])
    >>> white_reference_at(rgb, (0, 0, 30, 30))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: white: the rectangle 0,0,30,30 is not a uniform card ...
    """
    x, y, w, h = check_rectangle(rect, rgb.shape, field=field)
    inner = _inner_half(rgb, (x, y, w, h))
    mean = inner.mean(axis=0, dtype=np.float64)
    if source == "given":
        y_inner = inner.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])
        level = float(y_inner.mean())
        spread = float(y_inner.std()) / level if level > 0.0 else math.inf
        where = f"the rectangle {x},{y},{w},{h}"
        if float(mean.min()) < MIN_CARD_LEVEL:
            raise InputError(
                field,
                f"{where} is too dark to be a white or grey card (a channel at "
                f"{float(mean.min()):.3f} of full scale, linear; at least {MIN_CARD_LEVEL:g} "
                "is needed); give the card's rectangle, auto or none",
            )
        if spread > MAX_GIVEN_CARD_SPREAD:
            raise InputError(
                field,
                f"{where} is not a uniform card (its luminance varies by {spread:.0%}, "
                f"at most {MAX_GIVEN_CARD_SPREAD:.0%} is allowed); give the rectangle of "
                "a white or grey card, auto or none",
            )
    return WhiteReference(
        rect=rect,
        rgb=(float(mean[0]), float(mean[1]), float(mean[2])),
        reflectance=reflectance,
        source=source,
    )


def find_white_reference(
    rgb: Colours, luminance: Float32, *, reflectance: float = DEFAULT_CARD_REFLECTANCE
) -> WhiteReference | None:
    """The largest bright, uniform region clearly lighter than the skin, or None.

    Looked for on a copy reduced to about 100,000 pixels: pixels lighter than
    :data:`MIN_CARD_CONTRAST` times the median and locally uniform; of their connected
    regions covering at least :data:`MIN_CARD_SHARE` of the picture (the largest
    :data:`MAX_CARD_CANDIDATES`), the largest whose median is also
    :data:`MIN_CARD_CONTRAST` times the skin (the :data:`SKIN_QUANTILE` of the rest of
    the picture) is the card: a patch of bare skin among dark dots is lighter than the
    picture's median, not than the skin. The card is its bounding box, shrunk by an
    eighth of its sides on each; the whole box is its ``outer``, and the blur of its
    edges its ``edge_px``.

    Parameters
    ----------
    rgb
        The photo's linear RGB, shape ``(H, W, 3)``, as an array or a
        :class:`~fadecast.measure.photo.LinearRGB`. [1]
    luminance
        Its linear luminance, shape ``(H, W)``. [1]
    reflectance
        The card's reflectance. [1]

    Examples
    --------
    >>> from fadecast.measure.photo import luminance
    >>> rgb = np.full((120, 160, 3), (0.45, 0.3, 0.25), dtype=np.float32)
    >>> rgb[20:60, 30:90] = (0.8, 0.78, 0.7)
    >>> card = find_white_reference(rgb, luminance(rgb))
    >>> card.source, card.rect, card.outer
    ('auto', (39, 26, 42, 28), (32, 22, 56, 36))
    >>> [round(v, 2) for v in card.rgb], round(card.edge_px, 2)
    ([0.8, 0.78, 0.7], 0.8)
    >>> find_white_reference(rgb * 0 + 0.3, luminance(rgb * 0 + 0.3)) is None
    True

    Bare skin among dark dots is far lighter than the picture's median, but not a card:

    >>> dotted = np.full((120, 160, 3), (0.2, 0.13, 0.11), dtype=np.float32)
    >>> dotted[20:60, 30:90] = (0.45, 0.3, 0.25)
    >>> dotted[::7, :] = (0.45, 0.3, 0.25)  # the skin between the dots
    >>> find_white_reference(dotted, luminance(dotted)) is None
    True
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
    best = _card_region(small, labels, sizes)
    if best is None:
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
    if rect[2] < MIN_CARD_SIDE_PX or rect[3] < MIN_CARD_SIDE_PX:
        return None
    found = white_reference_at(rgb, rect, reflectance=reflectance, source="auto")
    if min(found.rgb) < MIN_CARD_LEVEL:
        return None  # bright but saturated: a coloured patch, not a white or grey card
    outer = (int(left), int(top), int(right - left), int(bottom - top))
    return dataclasses.replace(found, edge_px=edge_width_px(luminance, outer), outer=outer)


def _card_region(
    small: Float32, labels: NDArray[np.int32], sizes: NDArray[np.float64]
) -> int | None:
    """The label of the largest region large enough and :data:`MIN_CARD_CONTRAST` times
    lighter than the skin (the :data:`SKIN_QUANTILE` of the picture without it), or
    None."""
    order = np.argsort(-sizes, kind="stable")[:MAX_CARD_CANDIDATES]
    for index in order:
        if sizes[index] < MIN_CARD_SHARE * small.size:
            break
        label = int(index) + 1
        inside = labels == label
        rest = small[~inside]
        if rest.size == 0:
            continue
        skin = float(np.quantile(rest, SKIN_QUANTILE))
        if float(np.median(small[inside])) >= MIN_CARD_CONTRAST * skin:
            return label
    return None


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

    Parameters
    ----------
    luminance
        Linear luminance, shape ``(H, W)``. [1]
    outer
        The whole card, ``(x, y, width, height)``. [px]

    Returns
    -------
    float or None
        None where no edge can be read (all at the border, or no rise).

    Examples
    --------
    >>> from scipy import ndimage
    >>> y = np.full((200, 240), 0.3, dtype=np.float32)
    >>> y[50:150, 60:180] = 0.9
    >>> round(edge_width_px(y, (60, 50, 120, 100)), 2)  # in focus
    0.8
    >>> blurred = ndimage.gaussian_filter(y, 3.0)
    >>> round(edge_width_px(blurred, (60, 50, 120, 100)) / 3.0, 1)  # 2.56 sd
    2.6
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
