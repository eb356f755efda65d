"""Regenerate the repeatability figures of ``fadecast compare`` and docs/compare.md.

How much do two photos of the same SMP taken the same day differ once measured? Renders
of the examples (three skin tones, fresh and faded) are each photographed several times
(``fadecast.render.degrade.photograph``), every photo with its own independent
variation of what changes between two photos taken minutes apart: the framing and the
camera's angle (a shift of the view, a small rotation and a slight perspective tilt),
the light (its gradient across the photo, its colour, the exposure), the focus (blur)
and the sensor and encoder (noise, JPEG quality). Each photo is measured as
``fadecast measure --mm-per-px 0.05`` does. Per quantity (dot density, median dot
diameter, contrast at 2 m) the within-day standard deviation is pooled over the renders
from the photos that vary in all of these at once, and the smallest change that two
repeat photos exceed only 5 % of the time is ``1.96 · √2 · sd``
(``fadecast.measure.compare.change_limit``): a share of the value for density and
diameter, whose spread grows with them, and in ΔE00 for contrast, whose spread does not
(the table shows both).

Writes ``src/fadecast/data/repeatability.toml`` (the figures, which ``fadecast
compare`` reads) and ``docs/compare.md`` (the spreads per example and variation, and
what the figures mean). Fixed seeds: the same run gives the same files. Run ``python
scripts/measure_repeatability.py`` (about two minutes); ``--check`` fails if either file
is out of date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast import __version__
from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.compare import (
    NORMAL_95,
    QUANTITIES,
    Repeatability,
    change_limit,
    compare_measurements,
    repeatability_from,
)
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import RenderSettings, YearPicture, render_profile

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "compare.md"
TABLE = ROOT / "src" / "fadecast" / "data" / "repeatability.toml"
EXAMPLES = ROOT / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
SKINS = ("temperate-office-worker", "tropical-outdoor-worker", "dark-skinned-client")
YEARS = (0.0, 5.0)
PX_PER_MM = 20.0
#: The photo's field of view, and the render it is framed in (a margin on every side for
#: the framing to move in). [mm]
VIEW_MM = 32.0
RENDER_MM = 36.0
#: Hairline this far below the render's top edge (untreated skin above it). [mm]
HAIRLINE_MM = 10.0
CARD = (16, 16, 100)
SEED = 20261125

# What varies between two photos taken the same day, each drawn uniformly and
# independently for every photo.
#: The framing moves by up to this much each way. [mm]
SHIFT_MM = 2.0
#: The camera turns about its axis by up to this much each way. [degree]
ROTATION_DEG = 5.0
#: The camera is up to this far off square (PhotoConditions.tilt; 0.03 is about 10°
#: at 10 cm). [1]
TILT = 0.03
#: The light falls off across the photo by up to this much at its edges, either way. [1]
GRADIENT = 0.15
#: The exposure (the light's level, the card's white at its centre 0.9 of this). [1]
EXPOSURE = (0.7, 0.9)
#: The light's colour: red and blue against green (from a cool to a warm light). [1]
RED = (0.92, 1.0)
BLUE = (0.8, 1.0)
#: Defocus, a Gaussian sd. [px]
BLUR_PX = (0.0, 1.0)
#: Sensor noise at full white, and the JPEG quality (inclusive). [1]
NOISE = (0.01, 0.03)
JPEG_QUALITY = (70, 95)
#: Photos per render: those varying in everything at once give the figures; those
#: varying in one thing alone show what each contributes.
ALL = "all of them"
REPEATS = {ALL: 10, "framing and angle": 5, "light": 5, "focus": 5, "noise and JPEG": 5}
SHARE = 0.05  # the share of repeat-photo pairs a change may exceed [1]

NAMES = {
    "density_per_cm2": "dot density",
    "diameter_mm": "median dot diameter",
    "social_delta_e00": "contrast at 2 m",
}
DESCRIPTIONS = {
    "density_per_cm2": "dots per cm² of the treated area, as a share of its value",
    "diameter_mm": "the dots' median full width at half depth, as a share of its value",
    "social_delta_e00": (
        "the mean tone of the treated area against untreated skin (CIEDE2000), in ΔE00"
    ),
}
RELATIVE = {"density_per_cm2": True, "diameter_mm": True, "social_delta_e00": False}


@dataclass(frozen=True)
class Repeats:
    """The repeat photos of one render varying in one thing (or all)."""

    skin: str
    year: float
    variation: str
    measurements: tuple[Measurement, ...]
    model_contrast: float  # the render's own contrast at 2 m [ΔE00]

    def values(self, quantity: str) -> NDArray[np.float64]:
        out = []
        for m in self.measurements:
            fig = m.figures
            value = {
                "density_per_cm2": fig.density_per_cm2,
                "diameter_mm": None if fig.diameter_mm is None else fig.diameter_mm.median,
                "social_delta_e00": fig.social_delta_e00,
            }[quantity]
            out.append(math.nan if value is None else value)
        return np.array(out)

    def spread(self, quantity: str) -> float:
        """The sd of one photo: a share of the mean if relative. [1] or [ΔE00]"""
        values = self.values(quantity)
        sd = float(np.std(values, ddof=1))
        return sd / float(np.mean(values)) if RELATIVE[quantity] else sd

    def pair_differences(self, quantity: str) -> NDArray[np.float64]:
        """|difference| of every pair of these photos, a share of the mean if relative."""
        values = self.values(quantity)
        pairs = np.array([abs(a - b) for a, b in itertools.combinations(values, 2)])
        return pairs / float(np.mean(values)) if RELATIVE[quantity] else pairs

    def flags(self) -> set[str]:
        return {flag for m in self.measurements for flag in m.figures.flags}


def draw(rng: np.random.Generator, variation: str) -> tuple[tuple[int, int], PhotoConditions]:
    """A photo's framing (its offset in the render [px]) and its conditions."""
    every = variation == ALL
    margin = round((RENDER_MM - VIEW_MM) / 2.0 * PX_PER_MM)
    offset = (margin, margin)
    conditions = PhotoConditions(card_px=CARD)
    if every or variation == "framing and angle":
        shift = round(SHIFT_MM * PX_PER_MM)
        row, col = (margin + int(rng.integers(-shift, shift + 1)) for _ in range(2))
        offset = (row, col)
        conditions = replace(
            conditions,
            rotation_deg=float(rng.uniform(-ROTATION_DEG, ROTATION_DEG)),
            tilt=float(rng.uniform(-TILT, TILT)),
        )
    if every or variation == "light":
        level = float(rng.uniform(*EXPOSURE))
        red, blue = float(rng.uniform(*RED)), float(rng.uniform(*BLUE))
        conditions = replace(
            conditions,
            gradient=float(rng.uniform(-GRADIENT, GRADIENT)),
            light_rgb=(level * red, level, level * blue),
        )
    if every or variation == "focus":
        conditions = replace(conditions, blur_px=float(rng.uniform(*BLUR_PX)))
    if every or variation == "noise and JPEG":
        conditions = replace(
            conditions,
            noise=float(rng.uniform(*NOISE)),
            jpeg_quality=int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1)),
        )
    return offset, conditions


def _pictures(skin: str) -> tuple[YearPicture, ...]:
    profile = load_profile(EXAMPLES / f"{skin}.toml", today=TODAY)
    sc = scenario_from_profile(profile, today=TODAY)
    settings = RenderSettings(
        size_mm=RENDER_MM, px_per_mm=PX_PER_MM, seed=3, hairline_mm=HAIRLINE_MM
    )
    return render_profile(sc, list(YEARS), settings).pictures


def repeat_photos(
    scene: NDArray[np.floating[Any]], variation: str, count: int, rng: np.random.Generator
) -> tuple[Measurement, ...]:
    """``count`` photos of one render, each drawn afresh, measured."""
    side = round(VIEW_MM * PX_PER_MM)
    out = []
    for _ in range(count):
        (row, col), conditions = draw(rng, variation)
        view = scene[row : row + side, col : col + side]
        photo = photograph(view, conditions, rng=rng)
        out.append(measure_photo(photo, mm_per_px=1.0 / PX_PER_MM))
    return tuple(out)


def run(progress: Callable[[str], None] = lambda _: None) -> list[Repeats]:
    cases = []
    for s, skin in enumerate(SKINS):
        for y, picture in enumerate(_pictures(skin)):
            scene = linear_from_srgb8(picture.closeup_srgb)
            for v, (variation, count) in enumerate(REPEATS.items()):
                rng = np.random.default_rng([SEED, s, y, v])
                photos = repeat_photos(scene, variation, count, rng)
                cases.append(
                    Repeats(skin, picture.year, variation, photos, picture.social_delta_e00)
                )
            progress(f"{skin} year {picture.year:g}")
    return cases


def pooled_sd(cases: list[Repeats], quantity: str) -> float:
    """The within-day sd pooled over renders (equal photos each: the RMS of their sds)."""
    every = [c for c in cases if c.variation == ALL]
    return math.sqrt(float(np.mean([c.spread(quantity) ** 2 for c in every])))


def figures(cases: list[Repeats]) -> dict[str, Repeatability]:
    every = [c for c in cases if c.variation == ALL]
    photos = sum(len(c.measurements) for c in every)
    out = {}
    for quantity in QUANTITIES:
        sd = float(f"{pooled_sd(cases, quantity):.3g}")
        out[quantity] = Repeatability(
            quantity=quantity,
            description=DESCRIPTIONS[quantity],
            relative=RELATIVE[quantity],
            sd=sd,
            limit=float(f"{change_limit(sd):.3g}"),
            unit="1" if RELATIVE[quantity] else "ΔE00",
            photos=photos,
            renders=len(every),
            source=(
                f"scripts/measure_repeatability.py (fadecast {__version__}): the sd pooled "
                f"over {len(every)} renders of {len(SKINS)} examples (fresh and 5 years "
                f"faded), {REPEATS[ALL]} photos of each varying at once in framing, angle, "
                "light, focus, noise and JPEG, measured with the scale given; value = "
                f"{NORMAL_95:.2f} × √2 × sd (docs/compare.md)"
            ),
        )
    return out


def toml_text(table: dict[str, Repeatability]) -> str:
    lines = [
        "# Repeatability of photo measurement: how much two photos of the same SMP taken the",
        "# same day differ once measured, the figure `fadecast compare` judges a change",
        "# between visits by (fadecast.measure.compare).",
        "# Written by scripts/measure_repeatability.py from repeat photos of renders",
        "# (docs/compare.md); do not edit by hand.",
        "#",
        "# Each entry: description; kind (relative: sd and value are shares of the",
        "# quantity's value; absolute: in its unit); unit (of sd and value); sd (the",
        "# within-day standard deviation of one photo); value (the smallest change two",
        "# same-day photos exceed only 5 % of the time, 1.96 × √2 × sd); photos and renders",
        "# it was measured on; source.",
    ]
    for quantity, figure in table.items():
        lines += [
            "",
            f"[{quantity}]",
            f'description = "{figure.description}"',
            f'kind = "{"relative" if figure.relative else "absolute"}"',
            f'unit = "{figure.unit}"',
            f"sd = {figure.sd!r}",
            f"value = {figure.limit!r}",
            f"photos = {figure.photos}",
            f"renders = {figure.renders}",
            f'source = "{figure.source}"',
        ]
    return "\n".join(lines) + "\n"


def _spread_text(value: float, relative: bool) -> str:
    return f"{value:.1%}" if relative else f"{value:.2f}"


def _spread_table(cases: list[Repeats]) -> list[str]:
    lines = [
        "| skin | year | photos vary in | photos | density [per cm²] | sd | diameter [mm] "
        "| sd | contrast at 2 m [ΔE00] | sd | flags |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in cases:
        cells = []
        for quantity, digits in zip(QUANTITIES, (1, 3, 2), strict=True):
            cells.append(f"{float(np.mean(c.values(quantity))):.{digits}f}")
            cells.append(_spread_text(c.spread(quantity), RELATIVE[quantity]))
        lines.append(
            f"| {c.skin} | {c.year:g} | {c.variation} | {len(c.measurements)} | "
            + " | ".join(cells)
            + f" | {', '.join(sorted(c.flags())) or '—'} |"
        )
    return lines


def _figure_table(cases: list[Repeats], table: dict[str, Repeatability]) -> list[str]:
    every = [c for c in cases if c.variation == ALL]
    lines = [
        "| quantity | sd of one photo | larger than repeat photos beyond | pairs beyond it "
        "| 95th percentile of pairs | largest sd of one render |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for quantity, figure in table.items():
        pairs = np.concatenate([c.pair_differences(quantity) for c in every])
        beyond = float(np.mean(pairs > figure.limit))
        largest = max(c.spread(quantity) for c in every)
        relative = figure.relative
        unit = "" if relative else " ΔE00"
        lines.append(
            f"| {NAMES[quantity]} | {_spread_text(figure.sd, relative)}{unit} "
            f"| ± {_spread_text(figure.limit, relative)}{unit} "
            f"| {beyond:.1%} of {len(pairs)} "
            f"| {_spread_text(float(np.quantile(pairs, 1 - SHARE)), relative)}{unit} "
            f"| {_spread_text(largest, relative)}{unit} |"
        )
    return lines


def _model_contrasts(cases: list[Repeats]) -> str:
    every = [c for c in cases if c.variation == ALL]
    return "; ".join(
        f"{skin} " + " → ".join(f"{c.model_contrast:.1f}" for c in every if c.skin == skin)
        for skin in SKINS
    )


def _visits_table(cases: list[Repeats], table: dict[str, Repeatability]) -> list[str]:
    """Each example's faded render against its fresh one, first photos varying in all."""
    lines = [
        "| skin | density, fresh → 5 years | diameter [mm] | contrast at 2 m [ΔE00] |",
        "|---|---|---|---|",
    ]
    for skin in SKINS:
        fresh, faded = (
            next(c for c in cases if c.skin == skin and c.year == year and c.variation == ALL)
            for year in YEARS
        )
        changes = compare_measurements(
            [fresh.measurements[0], faded.measurements[0]], repeatability=table
        ).changes[0]
        cells = []
        for quantity, digits in zip(QUANTITIES, (1, 2, 1), strict=True):
            c = changes.of(quantity)
            assert c.before is not None and c.after is not None and c.change is not None
            assert c.uncertainty is not None
            more = "**more**" if c.exceeds_repeatability else "no more"
            cells.append(
                f"{c.before:.{digits}f} → {c.after:.{digits}f}: {c.change:+.{digits}f} "
                f"± {c.uncertainty:.{digits}f}, {more}"
            )
        lines.append(f"| {skin} | " + " | ".join(cells) + " |")
    return lines


def page(cases: list[Repeats], table: dict[str, Repeatability]) -> str:
    density, diameter, contrast = (table[q] for q in QUANTITIES)
    variations = ", ".join(f"{name} ({count})" for name, count in REPEATS.items())
    lines = [
        "# Comparing visits: what changed beyond repeat photos",
        "",
        "<!-- Generated by scripts/measure_repeatability.py; do not edit by hand. -->",
        "",
        "`fadecast compare OLD NEW [NEWER ...]` measures each photo as `fadecast measure` "
        "does (with the same options: `--mm-per-px` or `--marker-mm`, `--white`, "
        "`--card-reflectance`, `--json`) and compares **each later photo with the first** "
        "(the baseline, usually the healed result), so that every change reads against "
        "the same reference. For the dot density, the median dot diameter and the "
        "contrast at 2 m (the mean tone of the treated area against untreated skin, "
        "ΔE00) it says the values, the change with its uncertainty, and whether the "
        "change is larger than what two photos of the same skin taken the same day "
        "differ by. Density and diameter need a scale in both photos; without one they "
        "are not compared (sizes in pixels depend on how far the phone was). Every "
        "photo's quality flags are shown, one line each.",
        "",
        "```console",
        "$ fadecast compare visit1.jpg visit2.jpg --mm-per-px 0.05",
        "```",
        "",
        "## The repeatability figure",
        "",
        f"fadecast {__version__}. **A change is larger than same-day repeat photos when it "
        f"exceeds ± {density.limit:.1%} in density, ± {diameter.limit:.1%} in diameter or "
        f"± {contrast.limit:.2f} ΔE00 in contrast at 2 m**: two photos of the same skin "
        "taken the same day differ by more only 5 % of the time. That range is also the "
        "uncertainty given with each change (for density and diameter, its share of the "
        f"first photo's value). It is {NORMAL_95:.2f} × √2 × the within-day standard "
        "deviation of one photo (the 95 % range of the difference of two independent "
        "photos), the deviation pooled over the renders below from the photos varying "
        "in everything at once; relative for density and diameter, whose spread grows "
        "with their value, and absolute for contrast, whose spread shows no clear trend "
        "with its value between ΔE00 7 and 15 (the table below). The figures are "
        "packaged in "
        "`src/fadecast/data/repeatability.toml`.",
        "",
        *_figure_table(cases, table),
        "",
        "*Pairs beyond it*: the share of all pairs of same-day photos of one render (all "
        "variations at once) that differ by more than the figure, about 5 % if it is "
        "right; *95th percentile of pairs*: the same read directly off those pairs.",
        "",
        "## How it was measured",
        "",
        f"Renders of three examples, fresh (year 0) and faded (5 years after healing), "
        f"{RENDER_MM:g} mm patches at {PX_PER_MM:g} px/mm with a hairline "
        f"{HAIRLINE_MM:g} mm from the top (untreated skin in view), are each photographed "
        f"(`fadecast.render.degrade.photograph`) through a {VIEW_MM:g} mm view with a "
        "white card (reflectance 0.9) in its corner, and measured as `fadecast measure "
        f"--mm-per-px {1 / PX_PER_MM:g}` does. Every photo draws its own variation, "
        "uniformly and independently, of what changes between two photos taken minutes "
        f"apart: **framing and angle**, the view moved by up to ± {SHIFT_MM:g} mm each "
        f"way, turned by up to ± {ROTATION_DEG:g}° and tilted in perspective by up to "
        f"± {TILT:g} (the scale at the top and bottom edges {TILT:.0%} off the middle's, "
        f"a phone about 10° off square at 10 cm); **light**, a gradient of up to "
        f"± {GRADIENT:.0%} across the photo either way, an exposure of "
        f"{EXPOSURE[0]:g}–{EXPOSURE[1]:g} and a colour from cool to warm (red "
        f"{RED[0]:g}–{RED[1]:g} and blue {BLUE[0]:g}–{BLUE[1]:g} of green); **focus**, "
        f"a defocus of {BLUR_PX[0]:g}–{BLUR_PX[1]:g} px (Gaussian sd); **noise and "
        f"JPEG**, sensor noise of {NOISE[0]:g}–{NOISE[1]:g} at white and JPEG quality "
        f"{JPEG_QUALITY[0]}–{JPEG_QUALITY[1]}. Photos per render, by what they vary in: "
        f"{variations}. Fixed seeds; `python scripts/measure_repeatability.py` "
        "regenerates this page and the figures, `--check` fails if either is out of "
        "date.",
        "",
        "Each row is one render's repeat photos: the mean of each quantity and the "
        "standard deviation of one photo (a share of the mean for density and "
        "diameter).",
        "",
        *_spread_table(cases),
        "",
        "The framing and the angle move the density and the diameter most (the tilt "
        "makes dots smaller and closer on one side of the photo than the given scale "
        "says, the framing brings other dots into view); the light moves the contrast "
        "most (the card that balances the colour is lit a little more or less than the "
        "skin on average, so the balanced photo is a little lighter or darker, and ΔE00 "
        "grows with lightness).",
        "",
        "## Fresh against faded",
        "",
        "Each example's render 5 years after healing against its fresh one, as "
        "`fadecast compare` says it (the first photo of each, varying in everything): "
        "the change ± its uncertainty, and whether it is more than same-day repeat "
        "photos differ. The dots stay where they were drawn, so a change of density is "
        "the photos' own; the diameter and the contrast change as the model's fading "
        "makes them (the renders' own contrast at 2 m, fresh and faded: "
        f"{_model_contrasts(cases)}).",
        "",
        *_visits_table(cases, table),
        "",
        "## What it does not cover",
        "",
        "The figure is for photos like those above: with the scale known (given, or read "
        "from the printed card's marker), a white card and untreated skin in view, about "
        f"{PX_PER_MM:g} pixels per mm, and without stubble. Photos without a card "
        "(flagged `no_white_reference`), without untreated skin (`no_bare_skin`) or "
        "flagged otherwise differ more, as do photos taken with different phones, of "
        "another part of the treated area, or of skin flushed or freshly shaved on one "
        "day and not the other: read a change near the figure as no change. On real "
        "skin, redness after shaving or in the heat changes the contrast from one day to "
        "the next; compare photos taken the same way.",
        "",
        "## JSON",
        "",
        '`fadecast compare --json` prints `fadecast_version`; `against`: `"first"`; '
        "`photos`: each photo's `file` with its measurement as `fadecast measure "
        "--json` gives it; `changes`: for each later photo, `before` and `after` (the "
        "files) and for each of `density_per_cm2`, `diameter_mm` and "
        "`social_delta_e00`: `unit`, `before`, `after`, `change`, `relative_change`, "
        "`uncertainty` (± in the unit), `exceeds_repeatability` (true, false, or null "
        'when not compared) and `missing` (`"no_scale"`, `"not_measured"` or null); '
        "`repeatability`: the figures by quantity (`relative`, `sd`, `limit`, `unit`).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if the figures or docs/compare.md differ"
    )
    args = parser.parse_args(argv)
    cases = run(lambda done: print(f"  {done}", file=sys.stderr))
    table = figures(cases)
    toml = toml_text(table)
    import tomllib

    assert repeatability_from(tomllib.loads(toml)) == table  # the file reads back as made
    text = page(cases, table)
    outputs = {TABLE: toml, DOC: text}
    if args.check:
        stale = [
            path.relative_to(ROOT).as_posix()
            for path, content in outputs.items()
            if not path.is_file() or path.read_text("utf-8") != content
        ]
        if stale:
            print(f"{', '.join(stale)} out of date: run python scripts/measure_repeatability.py")
            return 1
        return 0
    for path, content in outputs.items():
        path.write_text(content, "utf-8")
        print(f"wrote {path.relative_to(ROOT).as_posix()}")
    for quantity, figure in table.items():
        unit = "" if figure.relative else " ΔE00"
        print(
            f"  {quantity}: sd {_spread_text(figure.sd, figure.relative)}{unit}, "
            f"larger than repeat photos beyond ± {_spread_text(figure.limit, figure.relative)}"
            f"{unit}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
