"""The photo card a clinic prints: a marker of known size, a white and a grey patch, a ruler.

A photo that shows the card gives ``fadecast measure`` its scale (the ArUco marker, side
``marker_mm``) and a reference white and grey in the same light as the scalp. Its layout
lives in ``data/card.toml``, in millimetres from the marker's top-left corner, so the patches
can be found from the marker in a photo. :func:`card_pdf` and :func:`card_png` draw the A4
page: the card with a dashed line to cut along, and how to print and use it.

Examples
--------
>>> layout = card_layout()
>>> layout.marker_mm, layout.white_patch_mm, layout.page_mm
(20.0, (26.0, 0.0, 20.0, 20.0), (210.0, 297.0))
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.printed_card import CardLayout, card_layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["INSTRUCTIONS", "CardLayout", "card_layout", "card_pdf", "card_png", "marker_image"]

#: What the page tells the person who prints and uses the card, one line each.
INSTRUCTIONS = (
    "Print at 100 % (actual size): switch off 'fit to page' and any scaling.",
    "Check the ruler: 80 mm on it must measure 80 mm. If not, print again.",
    "Cut along the dashed line. Keep the card flat, clean and dry; reprint it if it fades.",
    "Hold the card flat beside the treated area, in the same light, at the same distance.",
    "Keep the whole card and some untreated skin (e.g. the forehead) in the photo.",
    "Tap to focus on the card; avoid flash glare on the card and shadows across it.",
    "Turn off HDR, filters and beauty modes: the grey patch checks the photo reads as printed.",
    "Measure with: fadecast measure PHOTO --marker-mm {marker_mm:g}",
)


def marker_image(marker_id: int, cells_px: int = 1) -> NDArray[np.uint8]:
    """The ArUco marker (``DICT_4X4_50``) as a grey image, black border included.

    Parameters
    ----------
    marker_id
        Its id, 0-49.
    cells_px
        Pixels per cell; the marker is 6 cells on a side. [px]

    Returns
    -------
    ndarray
        ``(6 cells_px, 6 cells_px)`` uint8, 0 black and 255 white.

    Examples
    --------
    >>> image = marker_image(1)
    >>> image.shape, int(image[0].max()), int(image[:, 0].max())  # the border is black
    ((6, 6), 0, 0)
    """
    import cv2

    if not 0 <= marker_id < 50:
        raise ValueError("marker_id must be 0-49 (DICT_4X4_50)")
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    side = 6 * int(cells_px)
    return np.asarray(cv2.aruco.generateImageMarker(dictionary, marker_id, side), np.uint8)


def _page_figure(layout: CardLayout) -> Figure:
    """The A4 page as a matplotlib figure whose data units are millimetres (y down)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    width, height = layout.page_mm
    fig = Figure(figsize=(width / 25.4, height / 25.4))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(height, 0.0)
    ax.set_axis_off()
    x0, y0 = layout.card_origin_mm
    side = layout.marker_mm
    ax.imshow(
        marker_image(layout.marker_id),
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
        extent=(x0, x0 + side, y0 + side, y0),
    )
    grey = layout.grey_srgb / 255.0
    for (px, py, pw, ph), face in (
        (layout.white_patch_mm, "white"),
        (layout.grey_patch_mm, (grey,) * 3),
    ):
        ax.add_patch(
            Rectangle((x0 + px, y0 + py), pw, ph, facecolor=face, edgecolor="black", lw=0.3)
        )
    rx, ry, length = layout.ruler_mm
    ax.plot([x0 + rx, x0 + rx + length], [y0 + ry, y0 + ry], color="black", lw=0.6)
    for mm in range(int(length) + 1):
        tick = 4.0 if mm % 10 == 0 else 2.5 if mm % 5 == 0 else 1.5
        ax.plot([x0 + rx + mm] * 2, [y0 + ry, y0 + ry + tick], color="black", lw=0.3)
        if mm % 10 == 0:
            ax.text(x0 + rx + mm, y0 + ry + 6.5, f"{mm}", ha="center", va="center", fontsize=6)
    ax.text(x0 + rx + length + 2.0, y0 + ry + 1.5, "mm", va="center", fontsize=6)
    white_x, _, white_w, _ = layout.white_patch_mm
    grey_x, _, grey_w, _ = layout.grey_patch_mm
    for x, w, label in ((white_x, white_w, "white"), (grey_x, grey_w, "grey")):
        ax.text(x0 + x + w / 2, y0 + side + 2.0, label, ha="center", va="center", fontsize=6)
    margin = layout.quiet_zone_mm + layout.cut_margin_mm
    right = max(grey_x + grey_w, rx + length + 6.0)
    bottom = ry + 9.0
    ax.add_patch(
        Rectangle(
            (x0 - margin, y0 - margin),
            right + 2 * margin,
            bottom + 2 * margin,
            fill=False,
            edgecolor="0.4",
            lw=0.5,
            linestyle=(0, (4, 3)),
        )
    )
    ax.text(x0 - margin, y0 - margin - 8.0, "fadecast photo card", fontsize=14, weight="bold")
    top = y0 + bottom + margin + 14.0
    for i, line in enumerate(INSTRUCTIONS):
        ax.text(x0 - margin, top + 8.0 * i, f"{i + 1}. {line.format(marker_mm=side)}", fontsize=9)
    return fig


def card_pdf() -> bytes:
    """The page as a one-page PDF at actual size (A4).

    Examples
    --------
    >>> pdf = card_pdf()
    >>> pdf[:5], b"/MediaBox [ 0 0 595.2755905512 841.8897637795 ]" in pdf
    (b'%PDF-', True)
    """
    buffer = io.BytesIO()
    fig = _page_figure(card_layout())
    fig.savefig(buffer, format="pdf", metadata={"Creator": "fadecast", "CreationDate": None})
    return buffer.getvalue()


def card_png() -> bytes:
    """The page as a PNG at ``png_dpi`` (300 dpi: 2480 x 3508 px for A4).

    Examples
    --------
    >>> png = card_png()
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    layout = card_layout()
    buffer = io.BytesIO()
    _page_figure(layout).savefig(buffer, format="png", dpi=layout.png_dpi)
    return buffer.getvalue()
