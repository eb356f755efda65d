"""Build ``data/inked_column.csv``: adding-doubling reflectance of skin holding packed ink.

One row per melanin fraction, plain dermis above the ink and packed ink absorption (bare
skin first), each the reflectance spectrum that
:func:`fadecast.skin.inked_column.column_table_row` computes with Prahl's adding-doubling
(``iadpython``). 1,768 spectra; some four minutes on two cores.

    python scripts/make_column_table.py            # writes the table
    python scripts/make_column_table.py --check    # re-makes 12 sampled rows, exit 1 if they differ
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # 16 x 16 matrices: threads only cost

import numpy as np

from fadecast.skin import dot_optics, inked_column, optics

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "fadecast" / "data" / inked_column.TABLE_FILE
DIGITS = 6


def header() -> str:
    layer = float(dot_optics.PARAMETERS["ink_layer_thickness"]["value"])
    return (
        "# Total diffuse reflectance of skin holding a layer of packed ink, by adding-doubling.\n"
        "# Column: epidermis, plain dermis, ink layer, 10 mm of dermis\n"
        "#   (fadecast.skin.dot_optics); the ink layer is given by the packets' absorption\n"
        "#   coefficient mu_a_ink [1/mm], their scattering and volume share following from it\n"
        "#   (fadecast.skin.inked_column).\n"
        "# Method: Prahl S. A. et al. (1993), Applied Optics 32:559 (adding-doubling), as\n"
        "#   iadpython, 16 quadrature angles, Henyey-Greenstein with delta-M; optical properties\n"
        "#   of Jacques (1998) and Prahl (1999) as in fadecast.skin.optics. Confidence M (the\n"
        "#   method is exact for layered media; the skin's and the packets' coefficients carry\n"
        "#   the uncertainty).\n"
        f"# holds: epidermis_mm = {optics.EPIDERMIS_MM}; layer_mm = {layer}; "
        f"surface_reflectance = {dot_optics.surface_reflectance_diffuse():.6f}\n"
        "# Reflectances are total (the surface's own reflection, surface_reflectance for\n"
        "#   diffuse light, included). Built by scripts/make_column_table.py; do not edit.\n"
        "# log10_mu_a_ink = -99 marks bare skin.\n"
    )


def grid() -> list[tuple[float, float, float | None]]:
    return [
        (m, h, a)
        for m, h in itertools.product(
            inked_column.MELANIN_NODES, inked_column.DERMIS_ABOVE_NODES_MM
        )
        for a in (None, *inked_column.LOG10_ABSORPTION_NODES)
    ]


def row(point: tuple[float, float, float | None]) -> str:
    m, h, a = point
    r = inked_column.column_table_row(m, h, a)
    values = ",".join(f"{x:.{DIGITS}f}" for x in r)
    return f"{m:g},{h:g},{-99 if a is None else a:g},{values}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="re-make sampled rows, do not write")
    args = parser.parse_args(argv)
    points = grid()
    columns = "melanin_fraction,dermis_above_mm,log10_mu_a_ink," + ",".join(
        f"r{int(w)}" for w in optics.WAVELENGTHS_NM
    )
    if args.check:
        lines = TABLE.read_text(encoding="utf-8").splitlines()
        body = [line for line in lines if not line.startswith("#")][1:]
        if len(body) != len(points) or not TABLE.read_text(encoding="utf-8").startswith(header()):
            print(f"{TABLE.name}: grid or header differs from the script's", file=sys.stderr)
            return 1
        sample = np.random.default_rng(0).choice(len(points), 12, replace=False)
        worst = 0.0
        for i in sorted(int(j) for j in sample):
            made = np.array(row(points[i]).split(","), dtype=float)
            stored = np.array(body[i].split(","), dtype=float)
            worst = max(worst, float(np.max(np.abs(made - stored))))
        if worst > 2 * 10.0**-DIGITS:
            print(f"{TABLE.name}: sampled rows differ by up to {worst:.2g}", file=sys.stderr)
            return 1
        print(f"{TABLE.name}: 12 sampled rows unchanged (largest difference {worst:.1g})")
        return 0
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = list(pool.map(row, points, chunksize=16))
    TABLE.write_text(header() + columns + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
