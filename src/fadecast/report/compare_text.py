"""Photos of the same SMP at different visits, compared, as text and as JSON (the shell of
``fadecast compare``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fadecast.measure.compare import QUANTITIES, Change, Comparison
from fadecast.measure.flags import FLAGS
from fadecast.measure.measurement import Measurement
from fadecast.report.json import measurement_dict
from fadecast.version import __version__

__all__ = ["LABELS", "compare_dict", "format_comparison"]

#: What each quantity is called, in plain words, with its unit.
LABELS = {
    "density_per_cm2": "dot density (dots per cm²)",
    "diameter_mm": "median dot diameter (mm)",
    "social_delta_e00": "contrast at 2 m (ΔE00, colour difference; about 1 is just noticeable)",
}
#: Decimals each quantity is written with.
_DIGITS = {"density_per_cm2": 1, "diameter_mm": 2, "social_delta_e00": 1}
_MORE = "more than same-day repeat photos differ"
_NO_MORE = "no more than same-day repeat photos differ"


def _signed(value: float, digits: int) -> str:
    """``+1.2``, ``−1.2`` (a true minus) or ``0.0`` when it rounds to nothing."""
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0.0:
        return text
    return ("+" if value > 0 else "−") + text


def _photo_line(m: Measurement, name: str) -> str:
    fig = m.figures
    parts = [f"{m.width_px} x {m.height_px} px", f"{fig.dot_count} dots"]
    if fig.mm_per_px is not None:
        parts.append(f"{fig.mm_per_px * 1000:.1f} µm per pixel ({m.scale_source})")
    else:
        parts.append("no scale")
    if m.white is not None:
        how = "the printed card's white patch" if m.white.source == "card" else m.white.source
        parts.append(f"white card {how}")
    else:
        parts.append("no white card")
    return f"{name}: " + ", ".join(parts)


def _change_line(change: Change) -> str:
    digits = _DIGITS[change.quantity]
    assert change.before is not None and change.after is not None
    assert change.change is not None and change.uncertainty is not None
    text = (
        f"  {LABELS[change.quantity]}: {change.before:.{digits}f} → {change.after:.{digits}f}, "
        f"change {_signed(change.change, digits)} ± {change.uncertainty:.{digits}f}"
    )
    if change.quantity != "social_delta_e00" and change.relative_change is not None:
        text += f" ({_signed(100.0 * change.relative_change, 1)} %)"
    return text + ", " + (_MORE if change.exceeds_repeatability else _NO_MORE)


def _lacking(change: Change, names: tuple[str, str], what: str) -> str:
    """Which of the two photos lacks ``change``'s value: ``"x.jpg has no scale"``."""
    lacking = [
        name
        for name, value in zip(names, (change.before, change.after), strict=True)
        if value is None
    ]
    if len(lacking) == 1:
        return f"{lacking[0]} has {what}"
    return f"neither photo has {what.replace('no ', 'a ', 1)}"


def _names(comparison: Comparison, names: Sequence[str] | None) -> list[str]:
    count = len(comparison.measurements)
    if names is None:
        return [f"photo {k + 1}" for k in range(count)]
    if len(names) != count:
        raise ValueError(f"{count} names are needed, one per photo, got {len(names)}")
    return list(names)


def format_comparison(comparison: Comparison, *, names: Sequence[str] | None = None) -> str:
    """Several lines: the photos, then for each later one its changes since the first.

    Parameters
    ----------
    comparison
        The compared photos (:func:`fadecast.measure.compare.compare_measurements`).
    names
        What to call each photo (e.g. its file name); ``photo 1``, ``photo 2``, ... if
        None.

    Returns
    -------
    str
        A line per photo (size, dots, scale, white card), each followed by a line per
        quality flag starting with ``!``; then for each later photo a heading line
        ``first → later`` and one line per quantity: the values, the change ± its
        uncertainty (for density and diameter also as a percentage) and whether it is
        more than same-day repeat photos differ, or why it cannot be compared (density
        and diameter without a scale share one line); last, what the ± means.

    Examples
    --------
    A photo against itself:

    >>> import numpy as np
    >>> from fadecast.measure.compare import compare_measurements
    >>> from fadecast.measure.measurement import measure_photo
    >>> rows, cols = np.mgrid[0:240, 0:320] % 16 - 7.5
    >>> depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    >>> photo = (np.array([200.0, 160.0, 140.0]) * (1 - depth[..., None])).astype(np.uint8)
    >>> photo[:80] = (200, 160, 140)
    >>> photo[16:64, 16:64] = 235
    >>> measured = measure_photo(photo, mm_per_px=0.05)
    >>> comparison = compare_measurements([measured, measured])
    >>> print(format_comparison(comparison, names=["june.jpg", "june-again.jpg"]))
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    june.jpg: 320 x 240 px, 200 dots, 50.0 µm per pixel (given), white card auto
    june-again.jpg: 320 x 240 px, 200 dots, 50.0 µm per pixel (given), white card auto
    <BLANKLINE>
    june.jpg → june-again.jpg
      dot density (dots per cm²): 156... → 156..., change 0.0 ± ... (0.0 %), no more
        than same-day repeat photos differ
      median dot diameter (mm): 0.39 → 0.39, change 0.00 ± ... (0.0 %), no more than
        same-day repeat photos differ
      contrast at 2 m (ΔE00, colour difference; about 1 is just noticeable): 4.3 → 4.3,
        change 0.0 ± ..., no more than same-day repeat photos differ
    <BLANKLINE>
    ± : two photos of the same skin taken the same day differ by more only 1 time in 20.
    """
    labels = _names(comparison, names)
    lines = []
    for m, name in zip(comparison.measurements, labels, strict=True):
        lines.append(_photo_line(m, name))
        lines.extend(f"  ! {flag}: {FLAGS[flag]}" for flag in m.figures.flags)
    for later in comparison.changes:
        pair = (labels[later.before], labels[later.after])
        lines += ["", f"{pair[0]} → {pair[1]}"]
        density, diameter = later.of("density_per_cm2"), later.of("diameter_mm")
        unscaled = density.missing == "no_scale" and diameter.missing == "no_scale"
        for quantity in QUANTITIES:
            change = later.of(quantity)
            if unscaled and quantity == "diameter_mm":
                continue
            if unscaled and quantity == "density_per_cm2":
                lines.append(
                    "  density and diameter: cannot be compared, "
                    f"{_lacking(density, pair, 'no scale')} (give --mm-per-px, or "
                    "--marker-mm with the printed card in view)"
                )
            elif change.missing is not None:
                what = "no scale" if change.missing == "no_scale" else "no value for it"
                lines.append(
                    f"  {LABELS[quantity]}: cannot be compared, {_lacking(change, pair, what)}"
                )
            else:
                lines.append(_change_line(change))
    lines += [
        "",
        "± : two photos of the same skin taken the same day differ by more only 1 time in 20.",
    ]
    return "\n".join(lines)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _change_dict(change: Change) -> dict[str, Any]:
    digits = _DIGITS[change.quantity] + 3
    return {
        "unit": change.unit,
        "before": _round(change.before, digits),
        "after": _round(change.after, digits),
        "change": _round(change.change, digits),
        "relative_change": _round(change.relative_change, 5),
        "uncertainty": _round(change.uncertainty, digits),
        "exceeds_repeatability": change.exceeds_repeatability,
        "missing": change.missing,
    }


def compare_dict(comparison: Comparison, *, names: Sequence[str] | None = None) -> dict[str, Any]:
    """The compared photos as plain JSON-ready data: the contract of ``fadecast compare
    --json``.

    Parameters
    ----------
    comparison
        The compared photos.
    names
        Each photo's file name; ``photo 1``, ``photo 2``, ... if None.

    Returns
    -------
    dict
        ``fadecast_version``; ``against``: ``"first"``; ``photos``: each photo's
        ``file`` and its measurement (:func:`fadecast.report.json.measurement_dict`);
        ``changes``: for each later photo ``before`` and ``after`` (the files) and, by
        quantity, ``unit``, ``before``, ``after``, ``change``, ``relative_change``,
        ``uncertainty`` (± in the unit), ``exceeds_repeatability`` and ``missing``;
        ``repeatability``: the figures judged by (``relative``, ``sd``, ``limit``,
        ``unit``, ``photos``, ``source``).

    Examples
    --------
    >>> import numpy as np
    >>> from fadecast.measure.compare import compare_measurements
    >>> from fadecast.measure.measurement import measure_photo
    >>> rows, cols = np.mgrid[0:240, 0:320] % 16 - 7.5
    >>> depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    >>> photo = (np.array([200.0, 160.0, 140.0]) * (1 - depth[..., None])).astype(np.uint8)
    >>> measured = measure_photo(photo)
    >>> data = compare_dict(compare_measurements([measured, measured]), names=["a.png", "b.png"])
    >>> change = data["changes"][0]
    >>> change["before"], change["after"], change["density_per_cm2"]["missing"]
    ('a.png', 'b.png', 'no_scale')
    >>> change["social_delta_e00"]["change"], change["social_delta_e00"]["exceeds_repeatability"]
    (0.0, False)
    """
    labels = _names(comparison, names)
    return {
        "fadecast_version": __version__,
        "against": "first",
        "photos": [
            {"file": name, **measurement_dict(m)}
            for m, name in zip(comparison.measurements, labels, strict=True)
        ],
        "changes": [
            {
                "before": labels[later.before],
                "after": labels[later.after],
                **{change.quantity: _change_dict(change) for change in later.changes},
            }
            for later in comparison.changes
        ],
        "repeatability": {
            quantity: {
                "relative": figure.relative,
                "sd": figure.sd,
                "limit": figure.limit,
                "unit": figure.unit,
                "photos": figure.photos,
                "source": figure.source,
            }
            for quantity, figure in comparison.repeatability.items()
        },
    }
