"""The files of a render: PNGs per year, the strip and the manifest, as bytes.

Nothing here touches the disk; :func:`fadecast.report.files.write_files` writes the result
all at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence

from fadecast.forecasting import MODEL_VERSION, Scenario, scenario_from_profile
from fadecast.inputs.profile import Profile
from fadecast.render.scene import Renders, RenderSettings, manifest, render_profile
from fadecast.render.strip import year_strip
from fadecast.report.files import png_bytes
from fadecast.version import __version__

__all__ = ["picture_names", "render_files", "strip_png"]


def picture_names(year: float) -> dict[str, str]:
    """File names of one year's pictures.

    Examples
    --------
    >>> picture_names(2.5)
    {'closeup': 'closeup_y2.5.png', 'social': 'social_y2.5.png'}
    """
    return {"closeup": f"closeup_y{year:g}.png", "social": f"social_y{year:g}.png"}


def strip_png(renders: Renders) -> bytes:
    """The strip of all years (close-up and social-distance rows) as PNG.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.forecasting import scenario_from_profile
    >>> sc = scenario_from_profile(profile, today=today)
    >>> renders = render_profile(sc, [0.0, 5.0], RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> strip_png(renders)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    years = [p.year for p in renders.pictures]
    strip = year_strip(
        [[p.closeup_srgb for p in renders.pictures], [p.social_srgb for p in renders.pictures]],
        years,
        row_names=["close up", "at 2 m"],
    )
    return png_bytes(strip)


def render_files(
    profile: Profile | Scenario,
    years: Sequence[float],
    settings: RenderSettings,
    *,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> dict[str, bytes]:
    """Render a profile and encode every file of the result.

    Parameters
    ----------
    profile
        The client's profile, or its resolved scenario.
    years
        Years after the healed course, strictly increasing, in [0, 50]. [yr]
    settings
        What to draw.
    today
        The date taken as today: a prospective course in a profile starts then.
    progress
        Called with the number of years drawn so far, after each.

    Returns
    -------
    dict
        File contents by name: ``closeup_y{year}.png`` and ``social_y{year}.png`` per
        year, ``strip.png`` and ``manifest.json``.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> files = render_files(
    ...     profile, [0.0, 5.0], RenderSettings(size_mm=5.0, px_per_mm=10.0), today=today
    ... )
    >>> print(*sorted(files))
    closeup_y0.png closeup_y5.png manifest.json social_y0.png social_y5.png strip.png
    >>> json.loads(files["manifest.json"])["years"][1]["files"]
    {'closeup': 'closeup_y5.png', 'social': 'social_y5.png'}
    """
    sc = profile if isinstance(profile, Scenario) else scenario_from_profile(profile, today=today)
    renders = render_profile(sc, years, settings, progress=progress)
    files: dict[str, bytes] = {}
    names: dict[float, dict[str, str]] = {}
    for picture in renders.pictures:
        names[picture.year] = picture_names(picture.year)
        files[names[picture.year]["closeup"]] = png_bytes(picture.closeup_srgb)
        files[names[picture.year]["social"]] = png_bytes(picture.social_srgb)
    files["strip.png"] = strip_png(renders)
    truth = manifest(renders.scene, renders.pictures, names)
    truth = {"fadecast_version": __version__, "model_version": MODEL_VERSION, **truth}
    files["manifest.json"] = (
        json.dumps(truth, separators=(",", ":"), allow_nan=False) + "\n"
    ).encode("utf-8")
    return files
