"""Measuring one photo end to end: scale, white balance, dots, figures.

The orchestrator of the measure stage; it works on decoded pixels (see
:func:`fadecast.measure.photo.read_photo` for files) and returns a
:class:`Measurement` whose ``to_dict()`` is the JSON of ``fadecast measure --json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast import __version__
from fadecast.errors import InputError
from fadecast.measure import dots, figures, reference
from fadecast.measure.photo import linear_from_srgb8, luminance
from fadecast.measure.scale import Marker, find_marker

__all__ = ["Measurement", "exclude_rectangle", "measure_photo"]

#: No SMP dot is narrower than this Gaussian width (0.25 mm across at half depth); with
#: a known scale, finer blobs are skin texture, hairs, noise or compression. [mm]
MIN_DOT_SIGMA_MM = 0.1
#: A card this bright in a linear channel is clipped: its colour is unknown. [1]
CLIPPED_CARD = 0.98
#: Margin kept clear around a reference card or a marker, as a share of its side. [1]
_MARGIN = 0.15


@dataclass(frozen=True)
class Measurement:
    """A measured photo: where its scale and colour came from, the dots, the figures."""

    width_px: int
    height_px: int
    scale_source: str | None  # "given", "marker" or None
    marker: Marker | None
    white: reference.WhiteReference | None
    found: dots.DotFinding
    figures: figures.Figures

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``fadecast measure --json``."""
        fig = self.figures

        def spread(value: figures.Spread | None) -> dict[str, float] | None:
            return None if value is None else value.to_dict()

        def lab(value: tuple[float, float, float] | None) -> list[float] | None:
            return None if value is None else [round(v, 3) for v in value]

        return {
            "fadecast_version": __version__,
            "photo": {"width_px": self.width_px, "height_px": self.height_px},
            "scale": {
                "mm_per_px": None if fig.mm_per_px is None else round(fig.mm_per_px, 6),
                "source": self.scale_source,
            },
            "white_reference": None
            if self.white is None
            else {
                "source": self.white.source,
                "rect": list(self.white.rect),
                "rgb": [round(v, 5) for v in self.white.rgb],
                "reflectance": self.white.reflectance,
            },
            "dots": {
                "count": fig.dot_count,
                "analysed_px": fig.analysed_px,
                "density_per_cm2": None
                if fig.density_per_cm2 is None
                else round(fig.density_per_cm2, 2),
                "density_per_megapixel": round(fig.density_per_megapixel, 2),
                "diameter_mm": spread(fig.diameter_mm),
                "diameter_px": spread(fig.diameter_px),
                "edge_mm": spread(fig.edge_mm),
                "edge_px": spread(fig.edge_px),
                "coverage": round(fig.coverage, 4),
            },
            "contrast": {
                "delta_e00": spread(fig.delta_e00),
                "social_delta_e00": None
                if fig.social_delta_e00 is None
                else round(fig.social_delta_e00, 3),
                "skin_lab": lab(fig.skin_lab),
                "mean_lab": lab(fig.mean_lab),
            },
            "blur_px": None if fig.blur_px is None else round(fig.blur_px, 3),
            "flags": list(fig.flags),
        }


def exclude_rectangle(mask: NDArray[np.bool_], rect: tuple[int, int, int, int]) -> None:
    """Leave a rectangle (with a margin) out of the analysed pixels, in place."""
    x, y, w, h = rect
    mx, my = math.ceil(_MARGIN * w), math.ceil(_MARGIN * h)
    mask[max(y - my, 0) : y + h + my, max(x - mx, 0) : x + w + mx] = False


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
        The photo as 8-bit sRGB, shape ``(H, W, 3)``.
    mm_per_px
        Its scale, if known. [mm/px]
    marker_mm
        Side of a printed ArUco marker in the photo, to read the scale from. [mm]
    white
        ``"auto"`` to look for a white card, a rectangle ``(x, y, w, h)`` where one
        is, or None for none. [px]
    card_reflectance
        Reflectance of the card. [1]

    Returns
    -------
    Measurement
    """
    if srgb.ndim != 3 or srgb.shape[2] != 3 or srgb.dtype != np.uint8:
        raise InputError("photo", "must be an 8-bit RGB picture")
    if min(srgb.shape[:2]) < 32:
        raise InputError("photo", f"{srgb.shape[1]} x {srgb.shape[0]} pixels is too small")
    if mm_per_px is not None and marker_mm is not None:
        raise InputError("--mm-per-px", "give either --mm-per-px or --marker-mm, not both")
    if mm_per_px is not None and not 0.0 < mm_per_px <= 1.0:
        raise InputError("--mm-per-px", f"must be in (0, 1] mm per pixel, got {mm_per_px:g}")
    if marker_mm is not None and not 2.0 <= marker_mm <= 200.0:
        raise InputError("--marker-mm", f"must be between 2 and 200 mm, got {marker_mm:g}")
    if not 0.02 <= card_reflectance <= 1.0:
        raise InputError(
            "--card-reflectance", f"must be between 0.02 and 1, got {card_reflectance:g}"
        )
    rgb = linear_from_srgb8(srgb)
    analysed = np.ones(srgb.shape[:2], dtype=bool)
    marker = None
    scale_source = "given" if mm_per_px is not None else None
    if marker_mm is not None:
        marker = find_marker(srgb, marker_mm)
        mm_per_px, scale_source = marker.mm_per_px, "marker"
        exclude_rectangle(analysed, marker.rect)
    y = luminance(rgb)
    card: reference.WhiteReference | None = None
    if white == "auto":
        card = reference.find_white_reference(rgb, y, reflectance=card_reflectance)
    elif isinstance(white, tuple):
        card = reference.white_reference_at(rgb, white, reflectance=card_reflectance)
    clipped_card = False
    if card is not None:
        exclude_rectangle(analysed, card.extent)
        clipped_card = max(card.rgb) >= CLIPPED_CARD
        if not clipped_card:
            rgb = np.asarray(rgb * card.gains.astype(np.float32), dtype=np.float32)
            y = luminance(rgb)
    clipped = (srgb >= 255).any(axis=2) & analysed
    min_sigma = 0.0 if mm_per_px is None else MIN_DOT_SIGMA_MM / mm_per_px
    found = dots.find_dots(y, rgb, analysed=analysed, min_sigma_px=min_sigma)
    fig = figures.figures_of(
        found,
        rgb,
        analysed,
        mm_per_px=mm_per_px,
        calibrated=card is not None and not clipped_card,
        clipped_card=clipped_card,
        clipped_share=float(clipped.sum() / max(int(analysed.sum()), 1)),
        card_edge_px=None if card is None else card.edge_px,
    )
    return Measurement(
        width_px=int(srgb.shape[1]),
        height_px=int(srgb.shape[0]),
        scale_source=scale_source,
        marker=marker,
        white=card,
        found=found,
        figures=fig,
    )
