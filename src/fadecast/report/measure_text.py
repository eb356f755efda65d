"""A measured photo as readable text (the shell of ``fadecast measure``)."""

from __future__ import annotations

from fadecast.measure.figures import Spread
from fadecast.measure.flags import ADVICE, FLAGS
from fadecast.measure.measurement import Measurement
from fadecast.measure.printed_card import card_layout, expected_grey_ratio

__all__ = ["format_measurement"]


def _spread(value: Spread | None, unit: str, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value.median:.{digits}f} {unit} (IQR {value.p25:.{digits}f}–{value.p75:.{digits}f})"


def format_measurement(m: Measurement, *, name: str = "photo") -> str:
    """Several lines: the dots, their size, their contrast, and what to be wary of.

    Parameters
    ----------
    m
        The measured photo.
    name
        What to call the photo on the first line (e.g. its file name).

    Returns
    -------
    str
        The size of the photo, then one line per figure: scale, white card, the printed
        card's grey patch against its white, dot count, density, diameter, edge,
        coverage, contrast close up and at 2 m, skin colour, blur; then two lines per
        quality flag: what it means, starting with ``!``, and below it what to do for a
        better photo, starting with ``→``.

    Examples
    --------
    A render of a 12 mm patch at 20 px/mm measured with its scale given:

    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.forecasting import scenario_from_profile
    >>> sc = scenario_from_profile(profile, today=today)
    >>> from fadecast.measure.measurement import measure_photo
    >>> from fadecast.render.scene import RenderSettings, render_profile
    >>> renders = render_profile(sc, [1.0], RenderSettings(size_mm=12.0, px_per_mm=20.0))
    >>> measured = measure_photo(renders.pictures[0].closeup_srgb, mm_per_px=0.05)
    >>> lines = format_measurement(measured, name="closeup_y1.png").splitlines()
    >>> print("\\n".join(lines[:2]))
    closeup_y1.png: 240 x 240 px
      scale         50.0 µm per pixel (given)
    >>> [line.split(":")[0] for line in lines if line.startswith("  !")]
    ['  ! no_white_reference', '  ! no_bare_skin']
    >>> print("\\n".join(lines[-4:-2]))
      ! no_white_reference: no white reference: colour is uncalibrated
        → hold the printed card (fadecast card) flat beside the treated area, in the same light
    """
    fig = m.figures
    lines = [f"{name}: {m.width_px} x {m.height_px} px"]
    if fig.mm_per_px is not None:
        lines.append(f"  scale         {fig.mm_per_px * 1000:.1f} µm per pixel ({m.scale_source})")
    if m.white is not None:
        where = ",".join(map(str, m.white.rect))
        how = "the printed card's white patch" if m.white.source == "card" else m.white.source
        lines.append(f"  white card    {how} at x,y,w,h = {where}")
        if m.white.grey_ratio is not None:
            low, high = card_layout().grey_ratio_range
            lines.append(
                f"  grey patch    {m.white.grey_ratio:.2f} of the white, linear (printed "
                f"{expected_grey_ratio():.2f}; {low:.2f}–{high:.2f} reads as printed)"
            )
    lines.append(f"  dots          {fig.dot_count}")
    if fig.density_per_cm2 is not None:
        lines.append(f"  density       {fig.density_per_cm2:.1f} per cm²")
    else:
        lines.append(f"  density       {fig.density_per_megapixel:.0f} per megapixel (no scale)")
    if fig.diameter_mm is not None:
        lines.append(f"  diameter      {_spread(fig.diameter_mm, 'mm')}")
        lines.append(f"  edge (10-90%) {_spread(fig.edge_mm, 'mm')}")
    else:
        lines.append(f"  diameter      {_spread(fig.diameter_px, 'px', 1)}")
        lines.append(f"  edge (10-90%) {_spread(fig.edge_px, 'px', 1)}")
    lines.append(f"  coverage      {fig.coverage:.0%} of the area")
    lines.append(f"  dot contrast  {_spread(fig.delta_e00, 'ΔE00', 1)} against the skin")
    if fig.social_delta_e00 is not None:
        lines.append(
            f"  at 2 m        ΔE00 {fig.social_delta_e00:.1f} (mean tone against the skin)"
        )
    if fig.skin_lab is not None:
        # + 0.0 after rounding: a grey's a* and b* of -1e-14 print as 0.0, not -0.0
        lab = ", ".join(f"{round(v, 1) + 0.0:.1f}" for v in fig.skin_lab)
        lines.append("  skin L*a*b*   " + lab)
    if fig.blur_px is not None:
        lines.append(f"  blur          {fig.blur_px:.1f} px (from the card's edge)")
    for flag in fig.flags:
        lines.append(f"  ! {flag}: {FLAGS[flag]}")
        lines.append(f"    → {ADVICE[flag]}")
    return "\n".join(lines)
