"""Make data/dot_pattern.csv: the density distribution of a hand-placed SMP pattern.

Draws one Poisson-disk pattern of 60 × 60 spacings with the pattern parameters of
``data/parameters.toml`` (``poisson_disk_fraction``, ``dot_size_variation``,
``dot_load_variation``) and, for each dot width the appearance tables use, samples the
relative pigment density at random points at least 5 spacings from the edges
(``fadecast.skin.pattern.pattern_table_from_pattern``): 2048 points to each of the 64
equal-probability nodes. Run ``python scripts/make_pattern_table.py`` (about a minute);
``--check`` re-makes the table and fails if the packaged one differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from fadecast.inputs.parameters import central_values
from fadecast.skin.pattern import (
    DENSITY_NODES,
    PATTERN_PARAMETERS,
    PatternTable,
    dot_pattern,
    pattern_table_from_pattern,
)

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "fadecast" / "data" / "dot_pattern.csv"
SEED = 20261201
SIDE = 60.0
MARGIN = 5.0
#: Dot width (Gaussian sd) over the spacing, from narrow dots to a blended tone. [1]
WIDTH_RATIO = np.linspace(0.12, 1.0, 23)


def make_table() -> tuple[PatternTable, dict[str, float]]:
    values = central_values()
    drawn = {name: values[name] for name in PATTERN_PARAMETERS}
    rng = np.random.default_rng(SEED)
    pattern = dot_pattern(
        SIDE,
        disk_fraction=drawn["poisson_disk_fraction"],
        size_gsd=drawn["dot_size_variation"],
        load_gsd=drawn["dot_load_variation"],
        rng=rng,
    )
    table = pattern_table_from_pattern(
        pattern, WIDTH_RATIO, margin=MARGIN, points=2048 * DENSITY_NODES, rng=rng
    )
    return table, drawn


def table_text(table: PatternTable, drawn: dict[str, float]) -> str:
    header = ["width_ratio", "centre_density", *(f"q{k:03d}" for k in range(DENSITY_NODES))]
    lines = [
        "# Pigment density over a hand-placed SMP pattern, relative to the peak of a nominal dot.",
        "# A Poisson-disk pattern (Bridson 2007) of Gaussian dots with lognormal width and load",
        "#   factors (fadecast.skin.pattern); lengths in nominal spacings. Per dot width over the",
        "#   spacing: the density at the centre of the median dot, then at 64 equal-probability",
        "#   quantiles over the skin (each the mean of 2048 random points), ascending.",
        "# Made by scripts/make_pattern_table.py.",
        "# drawn with: " + "; ".join(f"{k} = {v:g}" for k, v in drawn.items()),
        ",".join(header),
    ]
    for w, c, row in zip(table.width_ratio, table.centre_density, table.density_nodes, strict=True):
        lines.append(",".join([f"{w:.4f}", f"{c:.6g}", *(f"{v:.6g}" for v in row)]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the table is out of date")
    args = parser.parse_args(argv)
    text = table_text(*make_table())
    if args.check:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE.name} is out of date: run python scripts/make_pattern_table.py")
            return 1
        print(f"{TABLE.name} is up to date")
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
