"""Speed of a close-up render: 800 × 800 pixels (a 40 mm patch at 20 px/mm).

Target: the median time of one close-up, from the dots' widths and densities at a year
to 8-bit sRGB pixels (density field, optics colour, skin texture, stubble, encoding),
is at most 150 ms and faster than a naive baseline timed in the same run: Pillow
drawing the same dots as filled ellipses (2 sd across, each in its own colour) and then
blurring the picture with a Gaussian of the median dot width. The layout, texture and
optics table (drawn once per patch, shared by all years) are timed separately as extra
information, as is the social-distance view.

Run ``python benchmarks/render_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np

from fadecast.forecasting import dot_states, scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.render import raster
from fadecast.render.scene import (
    RenderSettings,
    closeup_linear_rgb,
    dot_widths_and_peaks,
    make_scene,
)
from fadecast.skin import colour
from harness import (
    EXAMPLE,
    TODAY,
    Row,
    fmt_ratio,
    fmt_time,
    progress,
    repeat_interleaved,
    repeats_main,
    results_table,
    verdict,
)

TARGET_SECONDS = 0.150
YEAR = 5.0


def report(repeats: int) -> str:
    """Time the close-up and the Pillow baseline; return the Markdown report."""
    from PIL import Image, ImageDraw, ImageFilter

    sc = scenario_from_profile(load_profile(EXAMPLE, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=40.0, px_per_mm=20.0, seed=0, stubble=True)
    states = dot_states(sc, [YEAR])
    start = time.perf_counter()
    scene = make_scene(sc, settings)
    sigma, peak = dot_widths_and_peaks(scene, states, 0)
    grid, xyz_grid = scene.tone(float(states.progress[0]))
    setup_seconds = time.perf_counter() - start
    n_px = settings.pixels
    ppm = settings.px_per_mm

    def ours() -> object:
        return raster.encode_srgb8(closeup_linear_rgb(scene, sigma, peak, grid, xyz_grid))

    rgb = closeup_linear_rgb(scene, sigma, peak, grid, xyz_grid)

    def social() -> object:
        return raster.encode_srgb8(raster.blur_linear(rgb, scene.social_sigma_mm * ppm))

    # The baseline draws the same dots, each as an ellipse in the colour of its centre.
    centres = scene.layout.centres_mm * ppm
    colours = raster.encode_srgb8(
        colour.xyz_to_linear_srgb(raster.xyz_from_density(peak, grid, xyz_grid))
    )
    skin = tuple(int(v) for v in raster.encode_srgb8(colour.xyz_to_linear_srgb(xyz_grid[0])))
    radius = sigma * ppm
    blur_px = float(np.median(radius))

    def pillow() -> object:
        image = Image.new("RGB", (n_px, n_px), skin)
        draw = ImageDraw.Draw(image)
        for (x, y), r, c in zip(centres, radius, colours, strict=True):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(int(c[0]), int(c[1]), int(c[2])))
        return np.asarray(image.filter(ImageFilter.GaussianBlur(blur_px)))

    progress(f"render_speed: {repeats} rounds of the close-up, the baseline and the social view")
    closeup, baseline, social_stats = repeat_interleaved(
        [(ours, 1), (pillow, 1), (social, 1)], rounds=repeats, warmup=2
    )
    met = closeup.median <= TARGET_SECONDS and closeup.median < baseline.median
    rows = [
        Row(
            f"close-up {n_px} × {n_px} px, {scene.layout.count:,} dots, stubble",
            closeup,
            fmt_ratio(baseline.median / closeup.median) + " faster",
            f"≤ {fmt_time(TARGET_SECONDS)} and faster than the baseline",
            verdict(met),
        ),
        Row(
            "Pillow ellipses + Gaussian blur (baseline)",
            baseline,
            "1×",
            "—",
            "baseline",
        ),
        Row(
            "social-distance view from the close-up (extra)",
            social_stats,
            "—",
            "—",
            "—",
        ),
    ]
    return "\n".join(
        [
            "### Close-up render (`benchmarks/render_speed.py`)",
            "",
            f"Example `examples/{EXAMPLE.name}` at year {YEAR:g}, a "
            f"{settings.size_mm:g} mm patch at {ppm:g} px/mm, seed 0. Timed: the close-up "
            "from the dots' widths and densities to 8-bit sRGB (every dot's Gaussian, the "
            "optics colour per pixel, skin texture, stubble), in alternation with the "
            "baseline, Pillow drawing the same dots as ellipses 2 sd across in their "
            f"centre colours and blurring by the median dot sd ({blur_px:.1f} px). "
            f"Drawing the patch once (layout, texture, optics table; shared by all "
            f"years, not timed above) took {fmt_time(setup_seconds)}. "
            "Ratio = baseline median / close-up median.",
            "",
            results_table(rows),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    return repeats_main(report, doc=__doc__, default_repeats=30, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
