"""Skin tone inputs: Fitzpatrick type, CIELAB or ITA° to a colour and a melanin content.

A client's skin may be given as a Fitzpatrick type (I-VI), as a measured CIELAB colour or
as an individual typology angle (ITA°). :func:`skin_tone` turns any one of them into a
:class:`SkinTone`: the CIELAB colour, its ITA° and the epidermal melanosome volume
fraction at which the optical model (:func:`fadecast.skin.optics.skin_reflectance`) has
the same lightness L*.

Representative colours per Fitzpatrick type live in ``data/skin_tones.toml``. The
Fitzpatrick scale grades the sunburn and tanning response, not colour; each type is
mapped to one ITA category of Chardon et al. (1991) and Del Bino et al. (2006) (very
light > 55°, light 41-55°, intermediate 28-41°, tan 10-28°, brown −30-10°, dark < −30°),
an approximate mapping with low to medium confidence.

References
----------
Chardon A., Cretois I., Hourseau C. (1991). Skin colour typology and suntanning
pathways. International Journal of Cosmetic Science 13:191-208.
Del Bino S., Sok J., Bessac E., Bernerd F. (2006). Relationship between skin response
to ultraviolet exposure and skin color type. Pigment Cell Research 19:606-614.
Fitzpatrick T. B. (1988). The validity and practicality of sun-reactive skin types I
through VI. Archives of Dermatology 124:869-871.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data
from fadecast.skin import colour, optics

__all__ = [
    "FITZPATRICK_TYPES",
    "SkinTone",
    "fitzpatrick_of",
    "ita_category",
    "skin_lab_from_fitzpatrick",
    "skin_lab_from_ita",
    "skin_lab_gamut",
    "skin_tone",
]

Array = NDArray[np.float64]

FITZPATRICK_TYPES: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
"""Allowed Fitzpatrick skin types."""


@dataclass(frozen=True)
class SkinTone:
    """A client's constitutive skin colour and the optical model's matching melanin.

    Attributes
    ----------
    lab
        CIELAB (D65, 2°) of the bare skin. [L*, a*, b*]
    ita_deg
        Individual typology angle of ``lab``. [°]
    melanin_fraction
        Epidermal melanosome volume fraction at which the optical model's bare skin has
        the lightness ``lab[0]`` (see
        :func:`fadecast.skin.optics.melanin_fraction_for_lightness`). [1]
    fitzpatrick
        The Fitzpatrick type the tone was derived from, if any.
    """

    lab: tuple[float, float, float]
    ita_deg: float
    melanin_fraction: float
    fitzpatrick: int | None = None


@functools.cache
def _table() -> dict[str, Any]:
    return data.toml_table("skin_tones.toml")


def skin_lab_gamut() -> dict[str, tuple[float, float]]:
    """The gamut of human skin: the range of each CIELAB coordinate a bare scalp may have.

    Returns
    -------
    dict
        ``{"L": (low, high), "a": (low, high), "b": (low, high)}`` from the ``[gamut]``
        tables of ``data/skin_tones.toml`` (sources and confidence there). [CIELAB]

    Examples
    --------
    >>> skin_lab_gamut()["L"]
    (20.0, 85.0)
    """
    table = _table()["gamut"]
    return {key: (float(table[key]["low"]), float(table[key]["high"])) for key in ("L", "a", "b")}


def _check_type(skin_type: object) -> int:
    allowed = ", ".join(str(t) for t in FITZPATRICK_TYPES)
    if (
        isinstance(skin_type, bool)
        or not isinstance(skin_type, int | np.integer)
        or int(skin_type) not in FITZPATRICK_TYPES
    ):
        raise ValueError(f"Fitzpatrick skin type must be one of {allowed}; got {skin_type!r}")
    return int(skin_type)


def skin_lab_from_fitzpatrick(skin_type: int | np.integer[Any]) -> Array:
    """Representative CIELAB of a Fitzpatrick skin type.

    Parameters
    ----------
    skin_type
        Fitzpatrick type, one of 1-6 (Python or NumPy integer).

    Returns
    -------
    ndarray
        ``(L*, a*, b*)`` from ``data/skin_tones.toml``, shape ``(3,)``. [CIELAB]

    Raises
    ------
    ValueError
        For a type outside 1-6 (the message lists the allowed values).

    Notes
    -----
    Type → ITA category is approximate (confidence L/M, see the data file): I very
    light, II light, III intermediate, IV tan, V brown, VI dark.

    Examples
    --------
    Type VI is a facial cluster centroid of the IADR 2009 shade guide (ITA -40°, dark):

    >>> skin_lab_from_fitzpatrick(6).tolist()
    [37.7, 17.2, 14.7]
    """
    t = _check_type(skin_type)
    for entry in _table()["fitzpatrick"]:
        if entry["type"] == t:
            return np.array(entry["lab"], dtype=np.float64)
    raise ValueError(f"no entry for Fitzpatrick type {t} in skin_tones.toml")  # pragma: no cover


def ita_category(ita_deg: float) -> str:
    """Skin colour category of an ITA° (Chardon 1991; Del Bino 2006).

    Parameters
    ----------
    ita_deg
        Individual typology angle in [−90, 90]. [°]

    Returns
    -------
    str
        ``"very light"`` (> 55°), ``"light"`` (41-55°), ``"intermediate"`` (28-41°),
        ``"tan"`` (10-28°), ``"brown"`` (−30-10°) or ``"dark"`` (< −30°); a value on a
        boundary belongs to the lighter category.

    Raises
    ------
    ValueError
        Outside [−90, 90].

    Examples
    --------
    >>> [ita_category(angle) for angle in (60.0, 55.0, 48.0, 20.0, 0.0, -40.0)]
    ['very light', 'very light', 'light', 'tan', 'brown', 'dark']
    """
    value = float(ita_deg)
    if not -90.0 <= value <= 90.0:
        raise ValueError(f"ITA must lie in [-90, 90] degrees; got {ita_deg!r}")
    for cat in sorted(_table()["ita_categories"], key=lambda c: -float(c["min_deg"])):
        if value >= float(cat["min_deg"]):
            return str(cat["name"])
    return str(_table()["ita_categories"][-1]["name"])  # pragma: no cover


@functools.cache
def _ita_anchors() -> tuple[Array, Array, Array]:
    """(ITA°, radius in the (b*, L*) plane about (0, 50), a*) of the types, by ITA."""
    labs = np.stack([skin_lab_from_fitzpatrick(t) for t in FITZPATRICK_TYPES])
    ita = _type_itas()
    radius = np.hypot(labs[:, 0] - 50.0, labs[:, 2])
    order = np.argsort(ita)
    return ita[order], radius[order], labs[order, 1]


@functools.cache
def _type_itas() -> Array:
    """ITA° of each Fitzpatrick type's representative colour, in type order. [°]"""
    labs = np.stack([skin_lab_from_fitzpatrick(t) for t in FITZPATRICK_TYPES])
    return np.asarray(colour.ita_deg(labs), dtype=np.float64)


def fitzpatrick_of(skin: SkinTone) -> int:
    """The client's Fitzpatrick type: as given, else the type whose ITA° is nearest.

    Examples
    --------
    >>> fitzpatrick_of(skin_tone(fitzpatrick=4))
    4
    >>> fitzpatrick_of(skin_tone(lab=[60.5, 10.5, 16.0]))  # ITA 33°, intermediate
    3
    """
    if skin.fitzpatrick is not None:
        return skin.fitzpatrick
    nearest = np.argmin(np.abs(_type_itas() - skin.ita_deg))
    return FITZPATRICK_TYPES[int(nearest)]


def skin_lab_from_ita(ita_deg: ArrayLike) -> Array:
    """A representative CIELAB colour with a given ITA°.

    ITA° fixes the direction of (b*, L* − 50); the colour is placed on that line at the
    distance from (b* = 0, L* = 50), and with the a*, interpolated linearly in ITA°
    between the representative Fitzpatrick colours (held constant beyond the lightest
    and darkest)::

        L* = 50 + r(ITA) sin(ITA),   b* = r(ITA) cos(ITA),   a* = a*(ITA)

    so the result has exactly the requested ITA° and reproduces the Fitzpatrick
    representatives at their own angles.

    Parameters
    ----------
    ita_deg
        Individual typology angle in [−90, 90], any shape. [°]

    Returns
    -------
    ndarray
        ``(L*, a*, b*)``, shape ``(*ita_deg.shape, 3)``. [CIELAB]

    Raises
    ------
    ValueError
        Outside [−90, 90] or not finite.

    Examples
    --------
    At the ITA° of the Fitzpatrick II colour it gives that colour back; ITA 0° is
    L* = 50:

    >>> ita_ii = float(colour.ita_deg(skin_lab_from_fitzpatrick(2)))
    >>> skin_lab_from_ita([ita_ii, 0.0]).round(2).tolist()
    [[65.0, 8.0, 13.5], [50.0, 14.62, 17.69]]
    """
    ita = np.asarray(ita_deg, dtype=np.float64)
    if np.any(~np.isfinite(ita)) or np.any(np.abs(ita) > 90.0):
        raise ValueError("ITA must be finite and lie in [-90, 90] degrees")
    anchor_ita, anchor_r, anchor_a = _ita_anchors()
    r = np.interp(ita, anchor_ita, anchor_r)
    a_star = np.interp(ita, anchor_ita, anchor_a)
    theta = np.radians(ita)
    return np.stack([50.0 + r * np.sin(theta), a_star, r * np.cos(theta)], axis=-1)


@functools.lru_cache(maxsize=4096)
def _melanin_for_lightness(lightness: float) -> float:
    """Cached inversion (an iterative solve); clients share few skin lightnesses."""
    return float(optics.melanin_fraction_for_lightness(lightness))


def _from_lab(lab: Array, fitzpatrick: int | None) -> SkinTone:
    f_mel = _melanin_for_lightness(float(lab[0]))
    ita = float(colour.ita_deg(lab))
    return SkinTone(
        lab=(float(lab[0]), float(lab[1]), float(lab[2])),
        ita_deg=ita,
        melanin_fraction=f_mel,
        fitzpatrick=fitzpatrick,
    )


def skin_tone(
    *,
    fitzpatrick: int | None = None,
    lab: ArrayLike | None = None,
    ita_deg: float | None = None,
) -> SkinTone:
    """A :class:`SkinTone` from exactly one of a Fitzpatrick type, a CIELAB or an ITA°.

    Parameters
    ----------
    fitzpatrick
        Fitzpatrick type 1-6 (colour from :func:`skin_lab_from_fitzpatrick`).
    lab
        Measured CIELAB (D65, 2°) of the bare scalp, three values, ``0 <= L* <= 100``.
        [CIELAB]
    ita_deg
        Individual typology angle (colour from :func:`skin_lab_from_ita`). [°]

    Returns
    -------
    SkinTone
        The colour, its ITA° and the model melanin fraction matching its L* (clipped to
        :data:`fadecast.skin.optics.MELANIN_FRACTION_RANGE` for lightness the model cannot
        reach).

    Raises
    ------
    ValueError
        Unless exactly one input is given, or for an invalid value.

    Examples
    --------
    >>> skin = skin_tone(fitzpatrick=2)
    >>> skin.lab, round(skin.ita_deg, 1), round(skin.melanin_fraction, 4)
    ((65.0, 8.0, 13.5), 48.0, 0.0379)
    >>> skin = skin_tone(ita_deg=-10.0)  # brown skin
    >>> [round(v, 1) for v in skin.lab], round(skin.melanin_fraction, 4)
    ([47.0, 16.0, 17.0], 0.0884)
    >>> skin_tone(fitzpatrick=2, ita_deg=48.0)
    Traceback (most recent call last):
        ...
    ValueError: give exactly one of fitzpatrick, lab or ita_deg; got fitzpatrick, ita_deg
    """
    given = [
        name
        for name, v in (("fitzpatrick", fitzpatrick), ("lab", lab), ("ita_deg", ita_deg))
        if v is not None
    ]
    if len(given) != 1:
        raise ValueError(
            "give exactly one of fitzpatrick, lab or ita_deg; "
            f"got {', '.join(given) if given else 'none'}"
        )
    if fitzpatrick is not None:
        return _from_lab(skin_lab_from_fitzpatrick(fitzpatrick), _check_type(fitzpatrick))
    if lab is not None:
        lab_arr = np.asarray(lab, dtype=np.float64)
        if lab_arr.shape != (3,) or np.any(~np.isfinite(lab_arr)):
            raise ValueError(f"lab must be three finite numbers (L*, a*, b*); got {lab!r}")
        if not 0.0 <= lab_arr[0] <= 100.0:
            raise ValueError(f"L* must lie in [0, 100]; got {lab_arr[0]}")
        return _from_lab(lab_arr, None)
    assert ita_deg is not None
    if not math.isfinite(float(ita_deg)):
        raise ValueError(f"ita_deg must be finite; got {ita_deg!r}")
    return _from_lab(skin_lab_from_ita(float(ita_deg)), None)
