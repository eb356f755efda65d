"""Measuring one photo end to end: scale, white balance, dots, figures.

The orchestrator of the measure stage; it works on decoded pixels (see
:func:`fadecast.measure.photo.read_photo` for files) and returns a
:class:`Measurement` (:func:`fadecast.report.json.measurement_dict` gives the JSON of
``fadecast measure --json``).

Every user error (a bad option, a photo with nothing to measure) is an
:class:`~fadecast.errors.InputError` naming the option's parameter (``photo``,
``mm_per_px``, ``marker_mm``, ``white``, ``card_reflectance``) and what is allowed.
A photo that is all one level, too dark or all clipped white is refused before any
filtering, and numerical warnings of odd pictures are not let out.

With the printed card in view, its grey patch checks the exposure: a grey that does not
read as printed against the card's white
(:func:`fadecast.measure.printed_card.grey_reads_as_printed`) adds the flag
``card_grey_off`` to the figures' flags, unless the white is clipped (then
``white_reference_clipped`` already says the colour is uncalibrated).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.measure import dots, figures, reference
from fadecast.measure.photo import MAX_PHOTO_PIXELS, LinearRGB
from fadecast.measure.printed_card import grey_reads_as_printed, printed_card_white
from fadecast.measure.scale import Marker, find_marker

__all__ = [
    "CARD_REFLECTANCE_RANGE",
    "MARKER_MM_RANGE",
    "MM_PER_PX_RANGE",
    "Measurement",
    "exclude_rectangle",
    "measure_photo",
]

#: No SMP dot is narrower than this Gaussian width (0.25 mm across at half depth); with
#: a known scale, finer blobs are skin texture, hairs, noise or compression. [mm]
MIN_DOT_SIGMA_MM = 0.1
#: A card this bright in a linear channel is clipped: its colour is unknown. [1]
CLIPPED_CARD = 0.98
#: Margin kept clear around a reference card or a marker, as a share of its side. [1]
_MARGIN = 0.15
#: Scales allowed: from a dermatoscope's 1000 px/mm to a whole-head view at 1 px/mm.
#: [mm/px]
MM_PER_PX_RANGE = (0.001, 1.0)
#: Printed sides of an ArUco marker allowed. [mm]
MARKER_MM_RANGE = (2.0, 200.0)
#: Reflectances of a card allowed: from a dark grey card to a perfect white. [1]
CARD_REFLECTANCE_RANGE = (0.02, 1.0)
#: Shortest side of a photo. [px]
MIN_PHOTO_SIDE_PX = 32
#: Share of the photo a card and a marker (with their margins) must leave to measure. [1]
MIN_ANALYSED_SHARE = 0.1
#: A photo's grey levels (8-bit) are read on an even sample of at most this many
#: pixels, for the refusals below and the greyscale test. [px]
LEVEL_SAMPLE_PX = 1_000_000
#: Share of the photo's pixels at either end left out of its range of levels (a few
#: specks do not make a photo measurable). [1]
LEVEL_TAIL = 0.001
#: A photo whose range of levels is narrower than this has nothing to measure. [8-bit]
MIN_LEVEL_RANGE = 3
#: ... whose brightest levels are below this is too dark, ... [8-bit]
MIN_BRIGHT_LEVEL = 10
#: ... and whose darkest levels are at or above this is clipped white. [8-bit]
MAX_DARK_LEVEL = 250
#: A photo whose pixels' channels all lie within this many levels of each other (but
#: for the tail above) is greyscale. [8-bit]
GREY_LEVELS = 2


@dataclass(frozen=True)
class Measurement:
    """A measured photo: where its scale and colour came from, the dots, the figures.

    ``white`` is the white reference used (its ``grey_ratio`` the printed card's grey
    check, where read); ``figures.flags`` carries every quality flag, ``card_grey_off``
    included.
    """

    width_px: int
    height_px: int
    scale_source: str | None  # "given", "marker" or None
    marker: Marker | None
    white: reference.WhiteReference | None
    found: dots.DotFinding
    figures: figures.Figures


def exclude_rectangle(mask: NDArray[np.bool_], rect: tuple[int, int, int, int]) -> None:
    """Leave a rectangle (with a margin) out of the analysed pixels, in place."""
    x, y, w, h = rect
    mx, my = math.ceil(_MARGIN * w), math.ceil(_MARGIN * h)
    mask[max(y - my, 0) : max(y + h + my, 0), max(x - mx, 0) : max(x + w + mx, 0)] = False


def _number(value: object, field: str, bounds: tuple[float, float], unit: str) -> float:
    """``value`` as a float within ``bounds`` (inclusive), or an InputError naming
    ``field`` and the range allowed."""
    low, high = bounds
    allowed = f"must be a number from {low:g} to {high:g}{unit}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(field, f"{allowed}, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(field, f"{allowed}, got {number:g}")
    return number


def _check_photo(srgb: object) -> NDArray[np.uint8]:
    """The photo as an 8-bit RGB array of an allowed size, or an InputError."""
    if (
        not isinstance(srgb, np.ndarray)
        or srgb.ndim != 3
        or srgb.shape[2] != 3
        or srgb.dtype != np.uint8
    ):
        raise InputError("photo", "must be an 8-bit RGB picture, shape (height, width, 3)")
    rows, cols = int(srgb.shape[0]), int(srgb.shape[1])
    if min(rows, cols) < MIN_PHOTO_SIDE_PX:
        raise InputError(
            "photo",
            f"{cols} x {rows} pixels is too small; at least {MIN_PHOTO_SIDE_PX} pixels on "
            "each side are needed",
        )
    if rows * cols > MAX_PHOTO_PIXELS:
        raise InputError(
            "photo",
            f"{cols} x {rows} pixels is more than the {MAX_PHOTO_PIXELS // 1_000_000} "
            "megapixels allowed; scale it down",
        )
    return srgb


def _levels(srgb: NDArray[np.uint8]) -> tuple[int, int, int, bool]:
    """The photo's darkest and brightest grey levels (but for :data:`LEVEL_TAIL` at each
    end), its median level, and whether it is greyscale, read on an even sample. [8-bit]"""
    step = max(1, math.ceil(math.sqrt(srgb.shape[0] * srgb.shape[1] / LEVEL_SAMPLE_PX)))
    sample = srgb[::step, ::step].reshape(-1, 3).astype(np.int32)
    # Rec. 709 luma weights in 256ths (54 + 183 + 19 = 256), on the codes.
    grey = (sample @ np.array([54, 183, 19], dtype=np.int32) + 128) // 256
    low, median, high = (float(v) for v in np.quantile(grey, [LEVEL_TAIL, 0.5, 1 - LEVEL_TAIL]))
    red, green, blue = sample[:, 0], sample[:, 1], sample[:, 2]
    spread = np.maximum(np.maximum(red, green), blue) - np.minimum(np.minimum(red, green), blue)
    greyscale = float(np.quantile(spread, 1.0 - LEVEL_TAIL)) <= GREY_LEVELS
    return round(low), round(median), round(high), greyscale


def _refuse_unmeasurable(low: int, median: int, high: int) -> None:
    """An InputError for a photo with no usable contrast: all one level, too dark or
    clipped white (no SMP dot can show in it)."""
    nothing = "no SMP dots found: the photo"
    if high - low < MIN_LEVEL_RANGE:
        raise InputError(
            "photo",
            f"{nothing} is all one level ({median} of 255), with nothing standing out to measure",
        )
    if high < MIN_BRIGHT_LEVEL:
        raise InputError(
            "photo",
            f"{nothing} is too dark (its brightest pixels at {high} of 255; at least "
            f"{MIN_BRIGHT_LEVEL} is needed); expose it longer or light the scalp",
        )
    if low >= MAX_DARK_LEVEL:
        raise InputError(
            "photo",
            f"{nothing} is clipped white (its darkest pixels at {low} of 255); expose it shorter",
        )


def _leaves_enough(analysed: NDArray[np.bool_]) -> bool:
    return int(np.count_nonzero(analysed)) >= MIN_ANALYSED_SHARE * analysed.size


def measure_photo(
    srgb: NDArray[np.uint8],
    *,
    mm_per_px: float | None = None,
    marker_mm: float | None = None,
    white: str | tuple[int, int, int, int] | None = "auto",
    card_reflectance: float = reference.DEFAULT_CARD_REFLECTANCE,
) -> Measurement:
    """Measure an SMP from a scalp photo.

    Parameters
    ----------
    srgb
        The photo as 8-bit sRGB, shape ``(H, W, 3)``, at least
        :data:`MIN_PHOTO_SIDE_PX` on a side and at most
        :data:`~fadecast.measure.photo.MAX_PHOTO_PIXELS` in all. [px]
    mm_per_px
        Its scale, if known, within :data:`MM_PER_PX_RANGE`. [mm/px]
    marker_mm
        Side of a printed ArUco marker in the photo, to read the scale from, within
        :data:`MARKER_MM_RANGE`. [mm]
    white
        ``"auto"`` to take the white patch of the printed card (``fadecast card``) when
        its marker is found, else to look for a white card; a rectangle ``(x, y, w, h)``
        where one is (inside the photo, at least 4 × 4); or None for none. [px]
    card_reflectance
        Reflectance of the card, within :data:`CARD_REFLECTANCE_RANGE`. [1]

    Returns
    -------
    Measurement

    Raises
    ------
    InputError
        Naming ``photo``, ``mm_per_px``, ``marker_mm``, ``white`` or
        ``card_reflectance``: an option out of its range, a photo with nothing to
        measure (all one level, too dark, clipped white), a card or marker that is not
        one or leaves too little of the photo.

    Examples
    --------
    Dots 16 pixels apart (0.8 mm at 0.05 mm a pixel) below untreated skin, with a white
    card on the skin:

    >>> rows, cols = np.mgrid[0:240, 0:320] % 16 - 7.5
    >>> depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    >>> photo = (np.array([200.0, 160.0, 140.0]) * (1 - depth[..., None])).astype(np.uint8)
    >>> photo[:80] = (200, 160, 140)
    >>> photo[16:64, 16:64] = 235
    >>> measured = measure_photo(photo, mm_per_px=0.05)
    >>> figures = measured.figures
    >>> figures.dot_count, round(figures.density_per_cm2), figures.flags  # 156 per cm²
    (200, 156, ())
    >>> measured.white.source, round(figures.diameter_mm.median, 2)
    ('auto', 0.39)
    >>> from fadecast.report.json import measurement_dict
    >>> measurement_dict(measured)["contrast"]["social_delta_e00"]
    4.299
    """
    srgb = _check_photo(srgb)
    if mm_per_px is not None and marker_mm is not None:
        raise InputError("mm_per_px", "give either mm_per_px or marker_mm, not both")
    if mm_per_px is not None:
        mm_per_px = _number(mm_per_px, "mm_per_px", MM_PER_PX_RANGE, " mm per pixel")
    if marker_mm is not None:
        marker_mm = _number(marker_mm, "marker_mm", MARKER_MM_RANGE, " mm")
    card_reflectance = _number(card_reflectance, "card_reflectance", CARD_REFLECTANCE_RANGE, "")
    rect: tuple[int, int, int, int] | None = None
    if isinstance(white, str):
        if white != "auto":
            raise InputError("white", f"must be 'auto', None or (x, y, w, h), got {white!r}")
    elif white is not None:
        rect = reference.check_rectangle(white, srgb.shape)
    if mm_per_px is not None:
        _check_scale_fits(srgb.shape, mm_per_px)
    low, median, high, greyscale = _levels(srgb)
    _refuse_unmeasurable(low, median, high)
    return _measure(
        srgb,
        mm_per_px=mm_per_px,
        marker_mm=marker_mm,
        white=white,
        rect=rect,
        card_reflectance=card_reflectance,
        greyscale=greyscale,
    )


def _check_scale_fits(shape: tuple[int, ...], mm_per_px: float) -> None:
    """An InputError if at ``mm_per_px`` no SMP dot could fit the photo's dot scales."""
    least_sigma = MIN_DOT_SIGMA_MM / mm_per_px
    largest = min(shape[:2]) / 8.0  # the widest dot looked for (scale_selection.dot_scale_px)
    if least_sigma > largest:
        raise InputError(
            "mm_per_px",
            f"at {mm_per_px:g} mm per pixel this {shape[1]} x {shape[0]} photo spans "
            f"{min(shape[:2]) * mm_per_px:.2g} mm on its shorter side, too little for SMP "
            f"dots (a pattern of dots at least {2.5 * MIN_DOT_SIGMA_MM:g} mm across needs "
            f"{8 * MIN_DOT_SIGMA_MM:g} mm); check the scale",
        )


def _measure(
    srgb: NDArray[np.uint8],
    *,
    mm_per_px: float | None,
    marker_mm: float | None,
    white: str | tuple[int, int, int, int] | None,
    rect: tuple[int, int, int, int] | None,
    card_reflectance: float,
    greyscale: bool,
) -> Measurement:
    """:func:`measure_photo` once its options are checked."""
    photo = LinearRGB(srgb)
    analysed = np.ones(srgb.shape[:2], dtype=bool)
    marker = None
    scale_source = "given" if mm_per_px is not None else None
    if marker_mm is not None:
        marker = find_marker(srgb, marker_mm, field="marker_mm")
        mm_per_px, scale_source = marker.mm_per_px, "marker"
        exclude_rectangle(analysed, marker.rect)
        if not _leaves_enough(analysed):
            raise InputError(
                "marker_mm",
                f"the marker covers too much of the photo: with its margin at least "
                f"{MIN_ANALYSED_SHARE:.0%} of the photo must be left to measure",
            )
        _check_scale_fits(srgb.shape, mm_per_px)
    y = photo.luminance()
    card: reference.WhiteReference | None = None
    if white == "auto" and marker is not None:
        # The printed card's white patch, where its marker says it is.
        card = printed_card_white(photo, marker, reflectance=card_reflectance)
    if white == "auto" and card is None:
        card = reference.find_white_reference(photo, y, reflectance=card_reflectance)
    elif rect is not None:
        card = reference.white_reference_at(photo, rect, reflectance=card_reflectance)
    clipped_card = False
    if card is not None:
        left = analysed.copy()
        exclude_rectangle(left, card.extent)
        if _leaves_enough(left):
            analysed = left
        elif card.source == "given":
            x, y0, w, h = card.rect
            raise InputError(
                "white",
                f"the card at {x},{y0},{w},{h} covers too much of the photo: with its "
                f"margin ({_MARGIN:.0%} of its sides) at least {MIN_ANALYSED_SHARE:.0%} of "
                "the photo must be left to measure; give the card's own rectangle, or none",
            )
        else:
            card = None  # what was found is most of the photo, not a card in it
        del left
    if card is not None:
        clipped_card = max(card.rgb) >= CLIPPED_CARD
        if not clipped_card:
            photo = photo.with_gains(card.gains)
            del y
            y = photo.luminance()
    clipped = np.count_nonzero(
        ((srgb[..., 0] == 255) | (srgb[..., 1] == 255) | (srgb[..., 2] == 255)) & analysed
    )
    min_sigma = 0.0 if mm_per_px is None else MIN_DOT_SIGMA_MM / mm_per_px
    found = dots.find_dots(y, photo, analysed=analysed, min_sigma_px=min_sigma)
    del y
    fig = figures.figures_of(
        found,
        photo,
        analysed,
        mm_per_px=mm_per_px,
        calibrated=card is not None and not clipped_card,
        clipped_card=clipped_card,
        clipped_share=float(clipped / max(int(np.count_nonzero(analysed)), 1)),
        card_edge_px=None if card is None else card.edge_px,
        greyscale=greyscale,
    )
    grey_ratio = None if card is None or clipped_card else card.grey_ratio
    if grey_ratio is not None and not grey_reads_as_printed(grey_ratio):
        fig = dataclasses.replace(fig, flags=(*fig.flags, "card_grey_off"))
    return Measurement(
        width_px=int(srgb.shape[1]),
        height_px=int(srgb.shape[0]),
        scale_source=scale_source,
        marker=marker,
        white=card,
        found=found,
        figures=fig,
    )
