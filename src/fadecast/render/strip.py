"""The years side by side: one picture with a labelled column per year."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["year_label", "year_strip"]

_BACKGROUND = (255, 255, 255)
_INK = (40, 40, 40)


def year_label(year: float) -> str:
    """How a year is named under its pictures: 'healed' for 0, else 'year N'.

    Examples
    --------
    >>> [year_label(y) for y in (0.0, 1.0, 2.5)]
    ['healed', 'year 1', 'year 2.5']
    """
    if year == 0:
        return "healed"
    return f"year {year:g}"


def year_strip(
    rows: Sequence[Sequence[NDArray[np.uint8]]],
    years: Sequence[float],
    *,
    row_names: Sequence[str],
    tile_px: int = 240,
    gap_px: int = 8,
) -> NDArray[np.uint8]:
    """Lay pictures out in a grid: a column per year, a row per view, with labels.

    Parameters
    ----------
    rows
        For each view (e.g. close-up, social distance), one RGB picture per year.
    years
        The years, for the column labels.
    row_names
        A name per view, written at the start of its row.
    tile_px
        Side of each picture in the strip (pictures are resampled to it). [px]
    gap_px
        Space between pictures. [px]

    Returns
    -------
    ndarray
        The strip, 8-bit RGB ``(H, W, 3)``.

    Raises
    ------
    ValueError
        Unless every row has one picture per year and there is one name per row.

    Examples
    --------
    Two views of three years, in tiles of 60 px: a label band of 16 px above the rows,
    a name column of 90 px, and 8 px gaps.

    >>> black = np.zeros((10, 10, 3), dtype=np.uint8)
    >>> picture = year_strip(
    ...     [[black] * 3, [black] * 3], [0.0, 1.0, 5.0], row_names=["close up", "at 2 m"],
    ...     tile_px=60,
    ... )
    >>> picture.shape, picture.dtype
    ((160, 302, 3), dtype('uint8'))
    """
    from PIL import Image, ImageDraw, ImageFont

    if len(rows) != len(row_names) or any(len(r) != len(years) for r in rows):
        raise ValueError("need one picture per year in every row, and one name per row")
    font = ImageFont.load_default(size=max(tile_px // 14, 10))
    label_h = max(tile_px // 8, 16)
    name_w = max(tile_px // 2, 90)
    width = name_w + len(years) * (tile_px + gap_px) + gap_px
    height = label_h + len(rows) * (tile_px + gap_px) + gap_px
    canvas = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    for j, year in enumerate(years):
        x = name_w + gap_px + j * (tile_px + gap_px)
        draw.text(
            (x + tile_px / 2, label_h / 2), year_label(year), fill=_INK, font=font, anchor="mm"
        )
    for i, (pictures, name) in enumerate(zip(rows, row_names, strict=True)):
        y = label_h + i * (tile_px + gap_px)
        draw.text((gap_px, y + tile_px / 2), name, fill=_INK, font=font, anchor="lm")
        for j, picture in enumerate(pictures):
            x = name_w + gap_px + j * (tile_px + gap_px)
            tile = Image.fromarray(np.ascontiguousarray(picture)).resize(
                (tile_px, tile_px), Image.Resampling.LANCZOS
            )
            canvas.paste(tile, (x, y))
    return np.asarray(canvas, dtype=np.uint8)
