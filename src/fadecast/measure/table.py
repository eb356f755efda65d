"""Every dot of a measurement as a table (CSV): where it is, how large, what colour.

Pure: a measurement in, text out; the CLI writes it (``fadecast measure --dots``).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from fadecast.measure.figures import lab_of
from fadecast.measure.measurement import Measurement

__all__ = ["DOT_COLUMNS", "dots_csv"]

#: Columns of the table, with their units.
DOT_COLUMNS = {
    "row_px": "centre, rows from the top (pixel i covers [i, i+1)) [px]",
    "col_px": "centre, columns from the left [px]",
    "diameter_px": "full width at half depth [px]",
    "diameter_mm": "the same in mm, empty without a scale [mm]",
    "edge_px": "width of the edge, 90 % to 10 % of the depth [px]",
    "depth": "darkness at the centre, 1 - Y / Y_skin [1]",
    "centre_L": "CIELAB L* at the centre (D65, white-balanced if a card was found)",
    "centre_a": "CIELAB a* at the centre",
    "centre_b": "CIELAB b* at the centre",
    "skin_L": "CIELAB L* of the local skin (the lightest of a ring around the dot)",
    "skin_a": "CIELAB a* of the local skin",
    "skin_b": "CIELAB b* of the local skin",
    "delta_e00": "CIEDE2000 of the centre against the skin the figures use (the untreated "
    "skin in view, else the local skin) [ΔE00]",
}


def dots_csv(measurement: Measurement) -> str:
    """The measurement's dots, one row each, with the columns of :data:`DOT_COLUMNS`."""
    found = measurement.found
    figures = measurement.figures
    centre = lab_of(found.centre_rgb)
    skin = lab_of(found.skin_rgb)
    scale = figures.mm_per_px
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DOT_COLUMNS)
    for k in range(found.count):
        diameter_mm = "" if scale is None else f"{found.diameter_px[k] * scale:.4f}"
        writer.writerow(
            [
                f"{found.rows[k]:.2f}",
                f"{found.cols[k]:.2f}",
                f"{found.diameter_px[k]:.2f}",
                diameter_mm,
                f"{found.edge_px[k]:.2f}",
                f"{found.depth[k]:.4f}",
                *_lab_cells(centre[k]),
                *_lab_cells(skin[k]),
                _number(figures.dot_delta_e00[k], 3) if k < len(figures.dot_delta_e00) else "",
            ]
        )
    return buffer.getvalue()


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if np.isfinite(value) else ""


def _lab_cells(lab: np.ndarray) -> list[str]:
    return [_number(float(v), 2) for v in lab]
