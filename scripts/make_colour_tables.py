"""Regenerate the packaged colorimetric weights with colour-science.

Writes ``src/fadecast/data/cie1931_2deg_d65_weights.csv``: the CIE 1931 2° colour-matching
functions times the D65 spectral power distribution on the package grid (400-700 nm, 10 nm),
normalised so the Y weights sum to 1, i.e. exactly what
``colour.sd_to_XYZ(..., method="Integration", shape=...)`` sums (CIE 015:2018). Packaging the
31 x 3 table spares every forecast the cost of importing colour-science (about a second,
with its plotting package); tests check the table against colour-science.
Run ``python scripts/make_colour_tables.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("COLOUR_SCIENCE__FILTER_USAGE_WARNINGS", "1")

import colour

OUT = Path(__file__).resolve().parents[1] / "src" / "fadecast" / "data"
OUT = OUT / "cie1931_2deg_d65_weights.csv"
OBSERVER = "CIE 1931 2 Degree Standard Observer"


def weights() -> np.ndarray:
    shape = colour.SpectralShape(400, 700, 10)
    cmfs = colour.MSDS_CMFS[OBSERVER].copy().align(shape)
    illuminant = colour.SDS_ILLUMINANTS["D65"].copy().align(shape)
    w = np.asarray(cmfs.values, dtype=np.float64) * np.asarray(illuminant.values)[:, None]
    return np.asarray(w / w[:, 1].sum(), dtype=np.float64)


def main() -> int:
    w = weights()
    header = (
        "# CIE 1931 2-degree colour-matching functions x D65 on 400-700 nm at 10 nm, normalised\n"
        "# so that the Y column sums to 1 (XYZ = R @ W, perfect white Y = 1).\n"
        f"# Computed with colour-science {colour.__version__} (CIE 015:2018 summation,\n"
        "# sd_to_XYZ method 'Integration') by scripts/make_colour_tables.py; do not edit.\n"
        "wavelength_nm,x_bar_d65,y_bar_d65,z_bar_d65\n"
    )
    rows = [f"{400 + 10 * i},{a:.17g},{b:.17g},{c:.17g}" for i, (a, b, c) in enumerate(w)]
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
