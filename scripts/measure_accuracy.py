"""Regenerate docs/measure.md: how well ``fadecast measure`` reads renders with known truth.

Renders the examples (three skin tones and deep placement) fresh and faded, photographs
each render under the conditions a phone meets (noise, JPEG compression, uneven coloured
light, defocus and blur, stubble), measures the photos as ``fadecast measure`` does, and
scores each measurement against the renderer's ground truth
(``fadecast.measure.accuracy``); measures every example's central forecast over 15 years
with and without untreated skin in view against the model's social-distance contrast,
and feeds one such photo back into the forecast; then measures photos of 12 to 48
megapixels (one render tiled) against their truth, and
states what photos are read, refused and flagged, and the bound on a measurement's
memory. Every table of docs/measure.md comes from this script; run
``python scripts/measure_accuracy.py`` (about ten minutes). ``--check`` fails if the
page is out of date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fadecast import __version__
from fadecast.forecasting import Scenario, forecast, scenario_from_profile
from fadecast.inputs.profile import load_profile, parse_profile
from fadecast.measure.accuracy import Score, match_detections, score
from fadecast.measure.figures import MAX_SPACING_DIAMETERS
from fadecast.measure.flags import FLAGS
from fadecast.measure.measurement import (
    CARD_REFLECTANCE_RANGE,
    MARKER_MM_RANGE,
    MM_PER_PX_RANGE,
    Measurement,
    measure_photo,
)
from fadecast.measure.photo import MAX_PHOTO_PIXELS, linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, YearPicture, render_profile

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "measure.md"
EXAMPLES = ROOT / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
PX_PER_MM = 20.0
SIZE_MM = 32.0
HAIRLINE_MM = 8.0
YEARS = (0.0, 5.0, 15.0)
SKINS = (
    "temperate-office-worker",
    "tropical-outdoor-worker",
    "dark-skinned-client",
    "deep-placement",
)
#: Every example, for the loop from forecast to photo and back.
EXAMPLE_NAMES = (
    "temperate-office-worker",
    "tropical-outdoor-worker",
    "sunbed-user",
    "dark-skinned-client",
    "deep-placement",
)
LOOP_YEARS = (0.0, 1.0, 5.0, 10.0, 15.0)
#: The personal check measures a photo this long after the first session. [yr]
PERSONAL_YEARS = 1.0
PERSONAL_SAMPLES = 2000
CARD = (16, 16, 100)
TARGETS = {"f1": 0.95, "density": 0.05, "diameter": 0.10, "delta_e00": 1.5}
#: Large photos: sides of square photos tiled from one render of this size. [px] [mm]
LARGE_SIDES = (3464, 4000, 4899, 6928)
LARGE_TILE_MM = 40.0
CONDITIONS = {
    "clean": PhotoConditions(card_px=CARD),
    "noise (sd 0.02 at white)": PhotoConditions(card_px=CARD, noise=0.02),
    "JPEG quality 70": PhotoConditions(card_px=CARD, jpeg_quality=70),
    "light ± 20 %, warm": PhotoConditions(card_px=CARD, gradient=0.2, light_rgb=(1.05, 1.0, 0.8)),
    "defocus (sd 1 px)": PhotoConditions(card_px=CARD, blur_px=1.0),
    "blurred (sd 2 px)": PhotoConditions(card_px=CARD, blur_px=2.0),
    "all of the above": PhotoConditions(
        card_px=CARD,
        noise=0.02,
        jpeg_quality=70,
        gradient=0.2,
        light_rgb=(1.05, 1.0, 0.8),
        blur_px=1.0,
    ),
}


@dataclass(frozen=True)
class Case:
    skin: str
    year: float
    condition: str
    stubble: bool
    measurement: Measurement
    score: Score

    def passes(self) -> bool:
        s = self.score
        return (
            s.f1 >= TARGETS["f1"]
            and abs(s.density_error) <= TARGETS["density"]
            and abs(s.diameter_error) <= TARGETS["diameter"]
            and abs(s.delta_e00_error) <= TARGETS["delta_e00"]
        )


def _renders(
    skin: str,
    *,
    stubble: bool,
    hairline: float | None,
    years: tuple[float, ...] = YEARS,
    sc: Scenario | None = None,
) -> Renders:
    if sc is None:
        profile = load_profile(EXAMPLES / f"{skin}.toml", today=TODAY)
        sc = scenario_from_profile(profile, today=TODAY)
    settings = RenderSettings(
        size_mm=SIZE_MM, px_per_mm=PX_PER_MM, seed=3, stubble=stubble, hairline_mm=hairline
    )
    return render_profile(sc, list(years), settings)


def run_cases() -> list[Case]:
    cases = []
    rng = np.random.default_rng(20261124)
    for skin in SKINS:
        for stubble in (False, True):
            renders = _renders(skin, stubble=stubble, hairline=HAIRLINE_MM)
            conditions = CONDITIONS if not stubble else {"clean": CONDITIONS["clean"]}
            for picture in renders.pictures:
                scene_rgb = linear_from_srgb8(picture.closeup_srgb)
                for name, condition in conditions.items():
                    photo = photograph(scene_rgb, condition, rng=rng)
                    measured = measure_photo(photo, mm_per_px=1.0 / PX_PER_MM)
                    cases.append(
                        Case(
                            skin,
                            picture.year,
                            name,
                            stubble,
                            measured,
                            score(measured, renders.scene, picture),
                        )
                    )
    return cases


def _row(case: Case) -> str:
    s = case.score
    mark = "yes" if case.passes() else "**no**"
    return (
        f"| {case.skin} | {case.year:g} | {case.condition}{' + stubble' if case.stubble else ''} "
        f"| {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.density_error:+.1%} "
        f"| {s.diameter_error:+.1%} | {s.delta_e00_error:+.2f} "
        f"| {', '.join(case.measurement.figures.flags) or '—'} | {mark} |"
    )


def _social(picture: YearPicture) -> tuple[float, tuple[str, ...]]:
    """The social-distance contrast a clean photo of a picture (white card) measures."""
    photo = photograph(
        linear_from_srgb8(picture.closeup_srgb), CONDITIONS["clean"], rng=np.random.default_rng(0)
    )
    figures = measure_photo(photo, mm_per_px=1.0 / PX_PER_MM).figures
    return float(figures.social_delta_e00 or 0.0), figures.flags


def _loop() -> tuple[list[str], list[str], dict[bool, float]]:
    """Renders of each example's central forecast, measured, against the model's
    social-distance contrast; and the largest error with untreated skin in view."""
    lines = [
        "| example | year | model | measured, untreated skin in view | error "
        "| measured, none in view (a lower bound) | error |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    worst = {False: 0.0, True: 0.0}  # by whether the example is deep placement
    for name in EXAMPLE_NAMES:
        with_skin = _renders(name, stubble=False, hairline=HAIRLINE_MM, years=LOOP_YEARS)
        without = _renders(name, stubble=False, hairline=None, years=LOOP_YEARS)
        for seen, unseen in zip(with_skin.pictures, without.pictures, strict=True):
            model = seen.social_delta_e00
            measured, _ = _social(seen)
            bound, flags = _social(unseen)
            assert "no_bare_skin" in flags
            deep = name == "deep-placement"
            worst[deep] = max(worst[deep], abs(measured - model))
            lines.append(
                f"| {name} | {seen.year:g} | {model:.2f} | {measured:.2f} "
                f"| {measured - model:+.2f} | {bound:.2f} | {bound - model:+.2f} |"
            )
    personal = [
        "| example | forecast median | measured at 1 year, untreated skin in view "
        "| personal median | moved | measured, none in view | personal median | moved |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in EXAMPLE_NAMES:
        personal.append(_personal_row(name))
    return lines, personal, worst


def _with_sessions(text: str) -> str:
    """A prospective example given sessions two years before the reference date, so that
    a photo at one year can be fed back."""
    if "\nsessions = " in text:
        return text
    start = TODAY - dt.timedelta(days=730)
    dates = [start + dt.timedelta(days=d) for d in (0, 14, 35)]
    listed = ", ".join(f'"{d.isoformat()}"' for d in dates)
    return text.replace("[treatment]\n", f"[treatment]\nsessions = [{listed}]\n", 1)


def _personal_row(name: str) -> str:
    """The personal median after a render of the central forecast is fed back."""
    text = _with_sessions((EXAMPLES / f"{name}.toml").read_text("utf-8"))
    profile = parse_profile(tomllib.loads(text), today=TODAY)
    sc = scenario_from_profile(profile, today=TODAY)
    prior = forecast(profile, samples=PERSONAL_SAMPLES, seed=0, today=TODAY, attribution=False)
    cells = [name, f"{prior.touchup_years[1]:.2f}"]
    date = sc.session_dates[0] + dt.timedelta(days=round(PERSONAL_YEARS * 365.25))
    for hairline in (HAIRLINE_MM, None):
        picture = _renders(
            name, stubble=False, hairline=hairline, years=(PERSONAL_YEARS,), sc=sc
        ).pictures[0]
        measured, flags = _social(picture)
        entry = (
            f'\n[[measurements]]\ndate = "{date.isoformat()}"\n'
            f"social_delta_e00 = {measured:.3f}\nflags = {list(flags)!r}\n".replace("'", '"')
        )
        calibrated = parse_profile(tomllib.loads(text + entry), today=TODAY)
        after = forecast(
            calibrated, samples=PERSONAL_SAMPLES, seed=0, today=TODAY, attribution=False
        )
        assert after.personal is not None
        median = after.personal.touchup_years[1]
        cells += [f"{measured:.2f}", f"{median:.2f}", f"{median - prior.touchup_years[1]:+.2f}"]
    return "| " + " | ".join(cells) + " |"


def _large() -> list[str]:
    """Photos of 12 to 48 megapixels, tiled from one render, against their truth."""
    profile = load_profile(EXAMPLES / f"{SKINS[0]}.toml", today=TODAY)
    sc = scenario_from_profile(profile, today=TODAY)
    settings = RenderSettings(size_mm=LARGE_TILE_MM, px_per_mm=PX_PER_MM, seed=3)
    renders = render_profile(sc, [0.0], settings)
    picture = renders.pictures[0]
    tile = picture.closeup_srgb
    centres = renders.scene.layout.centres_mm[:, ::-1] * PX_PER_MM  # (row, col) [px]
    true_diameter = float(np.median(picture.diameter_mm))
    lines = [
        "| photo | megapixels | dots found | true dots | F1 | density | diameter | flags |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for side in LARGE_SIDES:
        reps = -(-side // tile.shape[0])
        photo = np.ascontiguousarray(np.tile(tile, (reps, reps, 1))[:side, :side])
        offsets = np.arange(reps) * tile.shape[0]
        grid = np.stack(np.meshgrid(offsets, offsets, indexing="ij"), -1).reshape(-1, 1, 2)
        truth = (centres[None] + grid).reshape(-1, 2)
        truth = truth[(truth < side).all(axis=1)]
        measured = measure_photo(photo, mm_per_px=1.0 / PX_PER_MM)
        fig = measured.figures
        found = np.c_[measured.found.rows, measured.found.cols]
        f1 = match_detections(found, truth, 0.5 * PX_PER_MM)[2]  # half the 1 mm spacing
        true_density = len(truth) / (side / PX_PER_MM / 10.0) ** 2
        density = (fig.density_per_cm2 or 0.0) / true_density - 1.0
        diameter = (fig.diameter_mm.median if fig.diameter_mm else 0.0) / true_diameter - 1.0
        lines.append(
            f"| {side} × {side} | {side * side / 1e6:.1f} | {fig.dot_count:,} | "
            f"{len(truth):,} | {f1:.3f} | {density:+.1%} | {diameter:+.1%} | "
            f"{', '.join(fig.flags) or '—'} |"
        )
    return lines


def _photos_read() -> list[str]:
    """What photos are read, refused and flagged, and what a measurement costs."""
    low, high = MM_PER_PX_RANGE
    return [
        "## What photos are read, refused and flagged",
        "",
        "**Files.** Whatever Pillow reads (JPEG, PNG, TIFF, WebP, GIF, BMP, ...), up to "
        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels (larger files are refused before "
        "they are decoded), with the camera's orientation applied and the first frame "
        "of an animation. Everything becomes 8-bit sRGB, the precision of a phone's "
        "JPEG: 16-bit samples are scaled from 0–65535, 32-bit integers from the "
        "smallest of 0–255, 0–65535 and 0–2³²−1 that holds them, floating-point samples "
        "from 0–1 (or from 0 to their largest value when it exceeds 1, an HDR export); "
        "samples that are not finite are refused. Palette, alpha, CMYK and the other "
        "modes are converted by Pillow; transparency is dropped. A greyscale photo is "
        "measured with three equal channels and flagged `greyscale`. A colour TIFF of "
        "floating-point samples is not read (Pillow cannot).",
        "",
        "**Refused, with one line naming the option.** `photo`: not 8-bit RGB, under 32 "
        "pixels on a side, or with nothing to measure: all one level (its grey levels "
        "between the 0.1st and 99.9th percentiles span fewer than 3 of 255), too dark "
        "(99.9th percentile under 10) or clipped white (0.1st at or above 250), each "
        'said as "no SMP dots found" before any filtering, so a 49-megapixel black '
        f"PNG is refused in about a second. `mm_per_px`: {low:g} to {high:g} mm per "
        "pixel, and fine enough for a dot 0.1 mm wide to fit the photo. `marker_mm`: "
        f"{MARKER_MM_RANGE[0]:g} to {MARKER_MM_RANGE[1]:g} mm. `card_reflectance`: "
        f"{CARD_REFLECTANCE_RANGE[0]:g} to {CARD_REFLECTANCE_RANGE[1]:g}. `white`: a "
        "rectangle x,y,w,h at least 4 × 4 pixels inside the photo that is a card "
        "(uniform: luminance sd at most 12 % of its mean over its inner half; no "
        "channel under 0.01 of full scale) and leaves, with its 15 % margin, at least "
        "10 % of the photo to measure. Finite numbers only.",
        "",
        "**Pure noise.** A candidate dot must stand out of the photo's own noise by 4 "
        "standard deviations, or more on a photo large enough that noise alone would "
        "stand out that far in more than half a place (the expected Euler "
        "characteristic of the filtered noise, Worsley et al. 1996; docs/model.md "
        "§6d.2). Detections too few (under 20) or too far apart for an SMP pattern "
        f"(median spacing over {MAX_SPACING_DIAMETERS:g} diameters) are flagged "
        "`too_few_dots`.",
        "",
        "**Flags.**",
        "",
        *[f"- `{name}`: {text}" for name, text in FLAGS.items()],
        "",
        "**Memory and time.** The photo is held as its 8-bit codes and decoded to "
        "linear light where read; every filter runs on the working copy (the photo "
        "reduced so that a dot is 3–6 pixels wide) in single precision (OpenCV's filters "
        "with scipy's kernels). Peak memory "
        "is about 30 bytes per pixel of the working copy plus 12 per pixel of the photo "
        "(its codes, luminance and masks), plus Python's own (about 0.1 GB): at most "
        "about 2 GB for a 50-megapixel photo (1.9 GB measured on 48 megapixels), reached "
        "only when its dots are under 6 "
        "pixels wide so that the working copy is the photo itself. Time grows with the "
        "working copy and with the number of dots (chunks of dots are measured side by "
        "side on the processors there are). `python benchmarks/measure_speed.py` "
        "measures both, each in a fresh process, on a 48-megapixel photo of that worst "
        "case and on a 49-megapixel black one, and times a set of 12-megapixel photos of "
        "different content against the speed target (docs/benchmarks.md).",
        "",
    ]


def page(cases: list[Case]) -> str:
    loop, personal, worst = _loop()
    passed = sum(c.passes() for c in cases)
    plain = [c for c in cases if not c.stubble]
    plain_passed = sum(c.passes() for c in plain)
    lines = [
        "# Measuring photos: accuracy on renders with known truth",
        "",
        "<!-- Generated by scripts/measure_accuracy.py; do not edit by hand. -->",
        "",
        f"fadecast {__version__}. Each row is one render of an example, fresh (year 0) or "
        "faded (5 and 15 years after the first session; the deep-placement example's "
        "dots are wide and merge from the start), "
        f"a {SIZE_MM:g} mm patch at {PX_PER_MM:g} px/mm with a hairline {HAIRLINE_MM:g} mm "
        "from the top (untreated skin in view, the reference for contrast) and a white card "
        "(reflectance 0.9) in a corner, photographed under the condition named "
        "(`fadecast.render.degrade`) and measured as `fadecast measure --mm-per-px 0.05` "
        "does. The truth is the renderer's manifest: every dot's centre, its visible "
        "diameter (full width at half depth), the colour at its centre and of the skin "
        "around it.",
        "",
        "A detection matches a true dot within half the dot spacing, one to one; dots "
        "whose centre is under a hair count neither way, every other true dot in the "
        "photo (off the card) counts. Density is dots per cm² of the treated area: the "
        "measured one (dots found over the treated area they span) against the true one "
        "(the true dots over the area they span, by the same rule, "
        "`fadecast.measure.figures.treated_by_distance`). Diameter is the median full "
        "width at half depth; ΔE00 is the median per-dot CIEDE2000 between the dot's "
        "centre and the skin.",
        "",
        f"**Targets:** F1 ≥ {TARGETS['f1']}, density within ± {TARGETS['density']:.0%}, "
        f"median diameter within ± {TARGETS['diameter']:.0%}, median ΔE00 within "
        f"± {TARGETS['delta_e00']} (with a white reference). "
        f"**{plain_passed} of {len(plain)}** photos without stubble meet all four; "
        f"{passed} of {len(cases)} with the stubble rows.",
        "",
        "| skin | year | photo | F1 | precision | recall | density | diameter | ΔE00 | flags "
        "| all targets |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
        *[_row(c) for c in cases],
        "",
        "## The forecast's contrast, measured",
        "",
        "Personal calibration compares a photo's social-distance contrast with the "
        "forecast's, so a photo must read the quantity the forecast means: the mean tone "
        "of the full treatment against bare skin. Each row renders an example's central "
        f"forecast at a year after its first session ({SIZE_MM:g} mm at {PX_PER_MM:g} "
        "px/mm, clean, with the white card) and measures it twice: with a hairline "
        f"{HAIRLINE_MM:g} mm from the top, so that untreated skin is in view and a "
        "feathered hairline too (its thinning dots are left out of the tone, "
        "`fadecast.measure.figures.fully_treated`), and without one. Without untreated "
        "skin no skin between the dots is bare, so the contrast is taken against the "
        "lightest skin between them and understates the truth, the more the more the "
        "dots have spread; the photo is flagged `no_bare_skin` and personal calibration "
        "takes it as a lower bound (docs/model.md §5.7). Photograph some untreated skin "
        "(the forehead, behind an ear) with the treated area.",
        "",
        "With untreated skin in view the largest error is "
        f"**{max(worst.values()):.2f} ΔE00** over the five examples: "
        f"{worst[False]:.2f} ΔE00 for the four whose dots stand apart, "
        f"{worst[True]:.2f} ΔE00 for deep placement, whose dots merge. The dots' width is "
        "read where the most scale-space maxima of the Laplacian fall per area of their "
        "own size (`measure.scale_selection`), so merged dots are still told apart and "
        "clumps under a feathered hairline are not taken for single dots; where dots "
        "merge the width read is the one at which they part, a little under their own.",
        "",
        *loop,
        "",
        "Fed back into the forecast as a measurement "
        f"({PERSONAL_SAMPLES:,} draws, seed 0), a photo of the central forecast taken "
        f"{PERSONAL_YEARS:g} year after the first session should leave the median where "
        "it was. The deep-placement example, which has no sessions, is given three two "
        "years before the reference date.",
        "",
        *personal,
        "",
        "## Large photos",
        "",
        f"A {LARGE_TILE_MM:g} mm render of {SKINS[0]} (year 0, no hairline, no card) "
        f"at {PX_PER_MM:g} px/mm repeated to square photos of 12 to 48 megapixels, "
        f"measured as `fadecast measure --mm-per-px {1 / PX_PER_MM:g}` does: the dots, "
        "about 5 pixels wide, are small against the photo, and are looked for at the "
        "photo's own resolution whatever its size. Matching, density and diameter as "
        "above (the truth is the render's dots repeated likewise; density against "
        "the true dots over the whole photo).",
        "",
        *_large(),
        "",
        *_photos_read(),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/measure.md differs")
    args = parser.parse_args(argv)
    text = page(run_cases())
    if args.check:
        if DOC.read_text("utf-8") != text:
            print("docs/measure.md is out of date: run python scripts/measure_accuracy.py")
            return 1
        return 0
    DOC.write_text(text, "utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
