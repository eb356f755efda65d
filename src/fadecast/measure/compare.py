"""Photos of the same SMP at different visits, compared: what changed beyond repeat photos.

Each later photo is compared with the first (the baseline, usually the healed result),
never with the one before it, so that every change reads against the same reference.
For the dot density [per cm²], the median dot diameter [mm] and the contrast at social
distance (:attr:`fadecast.measure.figures.Figures.social_delta_e00`, ΔE00) it gives
the change, its uncertainty and whether it is larger than what two photos of the same
skin taken the same day differ by: the repeatability figure, measured on re-photographed
renders by ``scripts/measure_repeatability.py`` and packaged in
``data/repeatability.toml`` (read through :func:`fadecast.data.toml_table`; the figures
and how they were measured: docs/compare.md).

The uncertainty of a change is that figure: the smallest change that two same-day
photos exceed only 5 % of the time, ``1.96 · √2 · sd`` of one photo's within-day
spread (:func:`change_limit`), a share of the first photo's value for density and
diameter, in ΔE00 for contrast. A change is larger than repeat photos when it is larger
than its uncertainty. Pure: measurements in, a frozen :class:`Comparison` out.

Examples
--------
The packaged figures:

>>> figures = packaged_repeatability()
>>> sorted(figures) == sorted(QUANTITIES)
True
>>> figures["social_delta_e00"].relative, figures["density_per_cm2"].relative
(False, True)

A contrast that fell from 15.2 to 12.9 against repeat photos that differ by at most
0.6 ΔE00 95 % of the time:

>>> same_day = Repeatability("social_delta_e00", "contrast", False, 0.22, 0.6, "ΔE00", 1, 1, "")
>>> change = change_of("social_delta_e00", 15.2, 12.9, repeatability=same_day)
>>> round(change.change, 2), change.uncertainty, change.exceeds_repeatability
(-2.3, 0.6, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fadecast import data
from fadecast.errors import InputError
from fadecast.measure.measurement import Measurement

__all__ = [
    "NORMAL_95",
    "QUANTITIES",
    "TABLE",
    "UNITS",
    "Change",
    "Comparison",
    "PhotoChange",
    "Repeatability",
    "change_limit",
    "change_of",
    "compare_measurements",
    "packaged_repeatability",
    "repeatability_from",
]

#: The packaged file the repeatability figures are read from.
TABLE = "repeatability.toml"
#: The quantities compared, in the order they are reported: the figures of
#: :class:`~fadecast.measure.figures.Figures` by name.
QUANTITIES = ("density_per_cm2", "diameter_mm", "social_delta_e00")
#: The unit each quantity is reported in.
UNITS = {"density_per_cm2": "per cm²", "diameter_mm": "mm", "social_delta_e00": "ΔE00"}
#: Quantities that depend on the photo's scale (absent without one).
_SCALED = frozenset({"density_per_cm2", "diameter_mm"})
#: The two-sided 95 % point of the standard normal distribution: a difference of two
#: independent photos, each with sd ``s``, exceeds ``1.96 · √2 · s`` 5 % of the time. [1]
NORMAL_95 = 1.959964
#: The fields of every entry of :data:`TABLE`.
_FIELDS = frozenset({"description", "kind", "unit", "sd", "value", "photos", "renders", "source"})


@dataclass(frozen=True)
class Repeatability:
    """How much one quantity differs between photos of the same skin taken the same day.

    Attributes
    ----------
    quantity
        One of :data:`QUANTITIES`.
    description
        What it is, in words.
    relative
        Whether ``sd`` and ``limit`` are shares of the quantity's value (density and
        diameter) rather than in its unit (contrast).
    sd
        The within-day standard deviation of one photo. [1] if relative, else [``unit``]
    limit
        The smallest change two same-day photos exceed only 5 % of the time (the
        uncertainty of a change). [1] if relative, else [``unit``]
    unit
        The unit of ``sd`` and ``limit``: ``"1"`` for a share.
    photos
        Photos it was measured on.
    renders
        Renders those photos were taken of.
    source
        How it was measured.
    """

    quantity: str
    description: str
    relative: bool
    sd: float
    limit: float
    unit: str
    photos: int
    renders: int
    source: str


def change_limit(sd: float) -> float:
    """The smallest change two photos exceed only 5 % of the time, each photo with ``sd``.

    Parameters
    ----------
    sd
        The within-day standard deviation of one photo's value. [any unit]

    Returns
    -------
    float
        ``1.96 · √2 · sd``, in the unit of ``sd``.

    Examples
    --------
    >>> round(change_limit(1.0), 3)
    2.772
    """
    return NORMAL_95 * math.sqrt(2.0) * sd


def repeatability_from(table: Mapping[str, Any]) -> dict[str, Repeatability]:
    """The repeatability figures of a parsed ``repeatability.toml``, checked.

    Parameters
    ----------
    table
        The parsed file: one entry per quantity of :data:`QUANTITIES`, each with
        description, kind (``"relative"`` or ``"absolute"``), unit, sd, value (the
        limit), photos, renders and source.

    Returns
    -------
    dict[str, Repeatability]
        By quantity.

    Raises
    ------
    ValueError
        If a quantity or a field is missing or unknown, or a figure is not a positive
        finite number.

    Examples
    --------
    >>> from fadecast import data
    >>> repeatability_from(data.toml_table("repeatability.toml")) == packaged_repeatability()
    True
    >>> repeatability_from({})
    Traceback (most recent call last):
    ...
    ValueError: repeatability.toml: quantities missing: density_per_cm2, diameter_mm, ...
    """
    missing = [q for q in QUANTITIES if q not in table]
    unknown = [q for q in table if q not in QUANTITIES]
    if missing or unknown:
        what = ", ".join(missing) if missing else ", ".join(unknown)
        kind = "missing" if missing else "unknown"
        raise ValueError(f"{TABLE}: quantities {kind}: {what}")
    figures = {}
    for quantity in QUANTITIES:
        entry = table[quantity]
        if set(entry) != _FIELDS:
            raise ValueError(
                f"{TABLE}: {quantity} must have the fields {', '.join(sorted(_FIELDS))}"
            )
        if entry["kind"] not in ("relative", "absolute"):
            raise ValueError(f"{TABLE}: {quantity}.kind must be 'relative' or 'absolute'")
        sd, limit = float(entry["sd"]), float(entry["value"])
        if not (math.isfinite(sd) and math.isfinite(limit) and sd > 0.0 and limit > 0.0):
            raise ValueError(f"{TABLE}: {quantity}: sd and value must be positive numbers")
        figures[quantity] = Repeatability(
            quantity=quantity,
            description=str(entry["description"]),
            relative=entry["kind"] == "relative",
            sd=sd,
            limit=limit,
            unit=str(entry["unit"]),
            photos=int(entry["photos"]),
            renders=int(entry["renders"]),
            source=str(entry["source"]),
        )
    return figures


@functools.cache
def packaged_repeatability() -> dict[str, Repeatability]:
    """The packaged repeatability figures (``data/repeatability.toml``), by quantity.

    Read once; the same (shared, not to be changed) dictionary each call.
    """
    return repeatability_from(data.toml_table(TABLE))


@dataclass(frozen=True)
class Change:
    """The change of one quantity from an earlier photo to a later one.

    Attributes
    ----------
    quantity
        One of :data:`QUANTITIES`.
    unit
        Its unit (:data:`UNITS`).
    before, after
        Its value in the earlier and the later photo, or None where not measured.
        [``unit``]
    change
        ``after - before``, or None if either is missing. [``unit``]
    relative_change
        ``change / before``, or None. [1]
    uncertainty
        The change that same-day repeat photos exceed only 5 % of the time, in the
        quantity's unit (for density and diameter, the repeatability's share of
        ``before``): the change is ``change ± uncertainty``. [``unit``]
    exceeds_repeatability
        Whether ``|change|`` is larger than ``uncertainty``: larger than same-day
        repeat photos differ. None if not compared.
    missing
        Why it is not compared: ``"no_scale"`` (a photo without a scale has no density
        or diameter in mm) or ``"not_measured"``; None if compared.
    """

    quantity: str
    unit: str
    before: float | None
    after: float | None
    change: float | None
    relative_change: float | None
    uncertainty: float | None
    exceeds_repeatability: bool | None
    missing: str | None


def _usable(value: float | None, relative: bool) -> bool:
    return value is not None and math.isfinite(value) and (value > 0.0 or not relative)


def change_of(
    quantity: str,
    before: float | None,
    after: float | None,
    *,
    repeatability: Repeatability | None = None,
    missing: str = "not_measured",
) -> Change:
    """The change of one quantity between two photos, judged against repeat photos.

    Parameters
    ----------
    quantity
        One of :data:`QUANTITIES`.
    before, after
        Its value in the earlier and the later photo, or None. [its unit]
    repeatability
        Its same-day repeatability; the packaged figure if None.
    missing
        What to give as the reason when a value is missing (or, for a relative
        quantity, not positive).

    Returns
    -------
    Change

    Examples
    --------
    A density 4 % lower, against repeat photos within 4.7 % of each other 95 % of the
    time:

    >>> same_day = Repeatability("density_per_cm2", "", True, 0.017, 0.047, "1", 1, 1, "")
    >>> c = change_of("density_per_cm2", 100.0, 96.0, repeatability=same_day)
    >>> round(c.change, 2), round(c.relative_change, 3), round(c.uncertainty, 2)
    (-4.0, -0.04, 4.7)
    >>> c.exceeds_repeatability
    False
    >>> change_of("density_per_cm2", None, 96.0, missing="no_scale").missing
    'no_scale'
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {', '.join(QUANTITIES)}, got {quantity!r}")
    figure = packaged_repeatability()[quantity] if repeatability is None else repeatability
    unit = UNITS[quantity]
    if not (_usable(before, figure.relative) and _usable(after, figure.relative)):
        return Change(quantity, unit, before, after, None, None, None, None, missing)
    assert before is not None and after is not None
    change = after - before
    relative = change / before if before > 0.0 else None
    uncertainty = figure.limit * before if figure.relative else figure.limit
    return Change(
        quantity=quantity,
        unit=unit,
        before=before,
        after=after,
        change=change,
        relative_change=relative,
        uncertainty=uncertainty,
        exceeds_repeatability=abs(change) > uncertainty,
        missing=None,
    )


@dataclass(frozen=True)
class PhotoChange:
    """A later photo against the first: one :class:`Change` per quantity.

    Attributes
    ----------
    before, after
        Indices of the two photos in :attr:`Comparison.measurements`.
    changes
        In the order of :data:`QUANTITIES`.
    """

    before: int
    after: int
    changes: tuple[Change, ...]

    def of(self, quantity: str) -> Change:
        """The change of ``quantity`` (one of :data:`QUANTITIES`)."""
        return self.changes[QUANTITIES.index(quantity)]


@dataclass(frozen=True)
class Comparison:
    """Photos of the same SMP at different visits: every later one against the first.

    Attributes
    ----------
    measurements
        The measured photos, in the order of the visits.
    changes
        One per later photo, in order (``changes[k]`` is photo ``k + 1`` against photo 0).
    repeatability
        The figures the changes were judged by, by quantity.
    """

    measurements: tuple[Measurement, ...]
    changes: tuple[PhotoChange, ...]
    repeatability: Mapping[str, Repeatability]


def _value(m: Measurement, quantity: str) -> float | None:
    fig = m.figures
    if quantity == "density_per_cm2":
        return fig.density_per_cm2
    if quantity == "diameter_mm":
        return None if fig.diameter_mm is None else fig.diameter_mm.median
    return fig.social_delta_e00


def compare_measurements(
    measurements: Sequence[Measurement],
    *,
    repeatability: Mapping[str, Repeatability] | None = None,
) -> Comparison:
    """Compare photos of the same SMP at different visits, each later one with the first.

    Parameters
    ----------
    measurements
        Two or more measured photos (:func:`fadecast.measure.measurement.measure_photo`),
        in the order of the visits.
    repeatability
        The same-day repeatability by quantity; the packaged figures if None.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        Naming ``photos``: fewer than two.

    Examples
    --------
    A photo against itself changes nothing:

    >>> import numpy as np
    >>> from fadecast.measure.measurement import measure_photo
    >>> rows, cols = np.mgrid[0:240, 0:320] % 16 - 7.5
    >>> depth = 0.4 * np.exp(-(rows**2 + cols**2) / 18.0)
    >>> photo = (np.array([200.0, 160.0, 140.0]) * (1 - depth[..., None])).astype(np.uint8)
    >>> photo[:80] = (200, 160, 140)
    >>> measured = measure_photo(photo, mm_per_px=0.05)
    >>> same = compare_measurements([measured, measured]).changes[0]
    >>> [(c.quantity, c.change, c.exceeds_repeatability) for c in same.changes]
    [('density_per_cm2', 0.0, False), ('diameter_mm', 0.0, False), ('social_delta_e00', 0.0, False)]
    >>> compare_measurements([measured])
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: photos: give at least two photos to compare, got 1
    """
    photos = tuple(measurements)
    if len(photos) < 2:
        raise InputError("photos", f"give at least two photos to compare, got {len(photos)}")
    figures = packaged_repeatability() if repeatability is None else repeatability
    first = photos[0]
    later = []
    for index, m in enumerate(photos[1:], start=1):
        changes = []
        for quantity in QUANTITIES:
            unscaled = quantity in _SCALED and (
                first.figures.mm_per_px is None or m.figures.mm_per_px is None
            )
            changes.append(
                change_of(
                    quantity,
                    _value(first, quantity),
                    _value(m, quantity),
                    repeatability=figures[quantity],
                    missing="no_scale" if unscaled else "not_measured",
                )
            )
        later.append(PhotoChange(before=0, after=index, changes=tuple(changes)))
    return Comparison(measurements=photos, changes=tuple(later), repeatability=figures)
