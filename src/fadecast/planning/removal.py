"""Laser-removal estimate on the Kirby–Desai scale.

The Kirby–Desai scale (Kirby et al. 2009, J Clin Aesthet Dermatol 2(3):32, PMC2923953)
scores six factors of a tattoo: Fitzpatrick skin type, location, colour, amount of ink,
scarring and ink layering. The sum of the points is roughly the number of Q-switched
laser sessions needed to clear it, give or take 2.5, with sessions 6–8 weeks apart.
Scores run from 4 to 26.

:func:`kirby_desai` scores any tattoo from its six categories. :func:`smp_removal_estimate`
scores a scalp micropigmentation (SMP) treatment, and :func:`removal_outlook` a client's,
today and after a plan's sessions: the scalp is head and neck, a standard
course is a minimal amount of ink (raised to moderate after several touch-ups), the colour
follows the pigment class, and there is no scarring nor layering. The mapping and its
reasons are in ``data/kirby_desai.toml``.

Smoking does not change the score; a smoker gets a warning from Bencini et al. 2012
(Arch Dermatol 148:1364): success within 10 sessions was 69.7 % less likely. Fitzpatrick
types V–VI get a warning that removal needs more conservative laser settings.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from fadecast import data
from fadecast.errors import InputError
from fadecast.forecasting.scenario import STANDARD_COURSE_DAYS, Scenario
from fadecast.skin import tone

__all__ = [
    "AMOUNTS",
    "COLOURS",
    "FACTORS",
    "FITZPATRICK_TYPES",
    "LAYERING",
    "LOCATIONS",
    "MONTHS_PER_WEEK",
    "SCARRING",
    "SKIN_TYPES",
    "SMP_PIGMENTS",
    "KirbyDesaiEstimate",
    "RemovalOutlook",
    "kirby_desai",
    "recorded_touchups",
    "removal_outlook",
    "smp_removal_estimate",
]

FACTORS: tuple[str, ...] = ("skin_type", "location", "colour", "amount", "scarring", "layering")
"""The six factors of the scale, in the order of :attr:`KirbyDesaiEstimate.points`."""

FITZPATRICK_TYPES: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
"""Allowed Fitzpatrick skin types, as ints (I–VI)."""

SKIN_TYPES: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI")
"""Skin-type categories as the data file names them (roman numerals of the types)."""

LOCATIONS: tuple[str, ...] = (
    "head_and_neck",
    "upper_trunk",
    "lower_trunk",
    "proximal_extremity",
    "distal_extremity",
)
COLOURS: tuple[str, ...] = (
    "black_only",
    "mostly_black_some_red",
    "mostly_black_and_red_some_other",
    "multiple_colours",
)
AMOUNTS: tuple[str, ...] = ("amateur", "minimal", "moderate", "significant")
SCARRING: tuple[str, ...] = ("none", "minimal", "moderate", "significant")
LAYERING: tuple[str, ...] = ("none", "layering")

SMP_PIGMENTS: tuple[str, ...] = ("carbon-black", "iron-oxide", "organic-blend")
"""Pigment classes the SMP mapping knows (the classes of ``data/pigments.toml``)."""

MONTHS_PER_WEEK: float = 12.0 / 52.1775
"""Months in a week: 12 months over 52.1775 weeks (a mean Gregorian year). [mo/wk]"""

_CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "skin_type": SKIN_TYPES,
        "location": LOCATIONS,
        "colour": COLOURS,
        "amount": AMOUNTS,
        "scarring": SCARRING,
        "layering": LAYERING,
    }
)


@dataclass(frozen=True)
class _Scale:
    """The contents of ``data/kirby_desai.toml``."""

    points: Mapping[str, Mapping[str, int]]  # factor -> category -> points [1]
    error_sessions: float  # [sessions]
    minimum_sessions: float  # [sessions]
    interval_weeks: tuple[float, float]  # [wk]
    smoking_warning: str
    dark_skin_from_type: int
    dark_skin_warning: str
    smp_category: Mapping[str, str]  # factor -> category, except colour
    smp_colour: Mapping[str, str]  # pigment class -> colour category
    smp_moderate_from_touchups: int
    smp_touchup_amount: str


@functools.cache
def _scale() -> _Scale:
    """Read and check the packaged data file (once)."""
    table = data.toml_table("kirby_desai.toml")
    points: dict[str, Mapping[str, int]] = {}
    for factor in FACTORS:
        entry = {str(k): int(v) for k, v in table[factor]["points"].items()}
        if tuple(entry) != _CATEGORIES[factor]:
            raise RuntimeError(
                f"kirby_desai.toml: {factor} categories {tuple(entry)} do not match "
                f"{_CATEGORIES[factor]}"
            )
        points[factor] = MappingProxyType(entry)
    smp = table["smp"]
    if tuple(smp["colour"]) != SMP_PIGMENTS:
        raise RuntimeError(
            f"kirby_desai.toml: smp.colour pigments {tuple(smp['colour'])} do not match "
            f"{SMP_PIGMENTS}"
        )
    low, high = (float(w) for w in table["interval"]["weeks"])
    return _Scale(
        points=MappingProxyType(points),
        error_sessions=float(table["sessions"]["error"]),
        minimum_sessions=float(table["sessions"]["minimum"]),
        interval_weeks=(low, high),
        smoking_warning=str(table["smoking"]["warning"]),
        dark_skin_from_type=int(table["dark_skin"]["from_type"]),
        dark_skin_warning=str(table["dark_skin"]["warning"]),
        smp_category=MappingProxyType(
            {f: str(smp[f]["category"]) for f in ("location", "amount", "scarring", "layering")}
        ),
        smp_colour=MappingProxyType(
            {name: str(entry["category"]) for name, entry in smp["colour"].items()}
        ),
        smp_moderate_from_touchups=int(smp["touchups"]["moderate_from"]),
        smp_touchup_amount=str(smp["touchups"]["category"]),
    )


@dataclass(frozen=True)
class KirbyDesaiEstimate:
    """A Kirby–Desai score and the laser course it implies.

    Attributes
    ----------
    points
        Points per factor, keys in the order of :data:`FACTORS`. [1]
    total
        Sum of the points, the central estimate of the number of sessions (4–26). [sessions]
    sessions_low, sessions_high
        ``max(total - 2.5, 1)`` and ``total + 2.5``. [sessions]
    interval_weeks
        Time between sessions, low and high (6, 8). [wk]
    months_low, months_high
        Time from the first to the last session: ``(sessions_low - 1)`` intervals of 6
        weeks and ``(sessions_high - 1)`` intervals of 8 weeks. [mo]
    warnings
        Plain-language warnings (smoking, dark skin), each one line.
    categories
        Category chosen per factor, keys as in ``points`` (the skin type as a roman
        numeral).
    """

    points: Mapping[str, int]
    total: int
    sessions_low: float
    sessions_high: float
    interval_weeks: tuple[float, float]
    months_low: float
    months_high: float
    warnings: tuple[str, ...]
    categories: Mapping[str, str]


def _category(field: str, value: object, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`InputError`."""
    if isinstance(value, str) and value in allowed:
        return value
    raise InputError(field, f"must be one of {', '.join(allowed)}; got {value!r}")


def _fitzpatrick(value: object) -> int:
    """Return a Fitzpatrick type 1–6, else raise :class:`InputError`."""
    if isinstance(value, int) and not isinstance(value, bool) and value in FITZPATRICK_TYPES:
        return value
    allowed = ", ".join(str(t) for t in FITZPATRICK_TYPES)
    raise InputError(
        "fitzpatrick", f"must be one of {allowed} (skin type I-VI as a whole number); got {value!r}"
    )


def kirby_desai(
    *,
    fitzpatrick: int,
    location: str = "head_and_neck",
    colour: str = "black_only",
    amount: str = "minimal",
    scarring: str = "none",
    layering: str = "none",
    smoker: bool = False,
) -> KirbyDesaiEstimate:
    """Score a tattoo on the Kirby–Desai scale.

    Parameters
    ----------
    fitzpatrick
        Fitzpatrick skin type, 1–6 (I–VI). [1]
    location
        One of :data:`LOCATIONS`; the scalp is ``"head_and_neck"``.
    colour
        One of :data:`COLOURS`.
    amount
        Amount of ink, one of :data:`AMOUNTS`.
    scarring
        Scarring or tissue change, one of :data:`SCARRING`.
    layering
        Ink layering (a cover-up), one of :data:`LAYERING`.
    smoker
        The client smokes: adds a warning (Bencini et al. 2012), not points.

    Returns
    -------
    KirbyDesaiEstimate

    Raises
    ------
    InputError
        For a value outside its allowed set; the field is the parameter's name.
    """
    skin = _fitzpatrick(fitzpatrick)
    chosen = {
        "skin_type": SKIN_TYPES[skin - 1],
        "location": _category("location", location, LOCATIONS),
        "colour": _category("colour", colour, COLOURS),
        "amount": _category("amount", amount, AMOUNTS),
        "scarring": _category("scarring", scarring, SCARRING),
        "layering": _category("layering", layering, LAYERING),
    }
    scale = _scale()
    points = {factor: scale.points[factor][chosen[factor]] for factor in FACTORS}
    total = sum(points.values())
    sessions_low = max(total - scale.error_sessions, scale.minimum_sessions)
    sessions_high = total + scale.error_sessions
    short, long = scale.interval_weeks
    warnings: list[str] = []
    if smoker:
        warnings.append(scale.smoking_warning)
    if skin >= scale.dark_skin_from_type:
        warnings.append(scale.dark_skin_warning)
    return KirbyDesaiEstimate(
        points=MappingProxyType(points),
        total=total,
        sessions_low=sessions_low,
        sessions_high=sessions_high,
        interval_weeks=(short, long),
        months_low=(sessions_low - 1.0) * short * MONTHS_PER_WEEK,
        months_high=(sessions_high - 1.0) * long * MONTHS_PER_WEEK,
        warnings=tuple(warnings),
        categories=MappingProxyType(chosen),
    )


def smp_removal_estimate(
    *,
    fitzpatrick: int,
    pigment: str,
    smoker: bool = False,
    touchup_sessions: int = 0,
) -> KirbyDesaiEstimate:
    """Score an SMP treatment on the Kirby–Desai scale.

    The mapping (``[smp]`` in ``data/kirby_desai.toml``, with reasons): location head and
    neck; amount minimal for a standard course; colour by pigment class (carbon-black and
    iron-oxide black only, organic-blend mostly black and red with some other colours);
    no scarring, no layering. From ``moderate_from`` touch-ups on (3, as many again as a
    typical course) the amount is raised once, to moderate, because the same dots hold at
    least twice the course's ink; it is never raised further, as the dots still cover only
    part of the scalp. This rule is our inference (confidence L). Touch-ups are not counted
    as layering: layering on the scale means a cover-up of an earlier tattoo.

    Parameters
    ----------
    fitzpatrick
        Fitzpatrick skin type, 1–6 (I–VI). [1]
    pigment
        Pigment class, one of :data:`SMP_PIGMENTS`.
    smoker
        The client smokes: adds a warning, not points.
    touchup_sessions
        Touch-up sessions done after the initial course. [sessions]

    Returns
    -------
    KirbyDesaiEstimate

    Raises
    ------
    InputError
        For an unknown pigment, a Fitzpatrick type outside 1–6, or a negative or
        non-integer number of touch-ups.
    """
    name = _category("pigment", pigment, SMP_PIGMENTS)
    if (
        not isinstance(touchup_sessions, int)
        or isinstance(touchup_sessions, bool)
        or touchup_sessions < 0
    ):
        raise InputError(
            "touchup_sessions", f"must be a whole number 0 or more; got {touchup_sessions!r}"
        )
    scale = _scale()
    smp = scale.smp_category
    amount = smp["amount"]
    if touchup_sessions >= scale.smp_moderate_from_touchups:
        amount = scale.smp_touchup_amount
    return kirby_desai(
        fitzpatrick=fitzpatrick,
        location=smp["location"],
        colour=scale.smp_colour[name],
        amount=amount,
        scarring=smp["scarring"],
        layering=smp["layering"],
        smoker=smoker,
    )


def recorded_touchups(sc: Scenario) -> int:
    """Touch-ups done so far: the recorded sessions beyond a standard course. [sessions]"""
    return max(len(sc.session_dates) - len(STANDARD_COURSE_DAYS), 0)


@dataclass(frozen=True)
class RemovalOutlook:
    """Laser removal of a client's SMP, today and at a plan's horizon.

    Attributes
    ----------
    now
        Of what is there today (the recorded sessions).
    at_horizon
        After the plan's sessions as well.
    """

    now: KirbyDesaiEstimate
    at_horizon: KirbyDesaiEstimate


def removal_outlook(sc: Scenario, planned_sessions: int) -> RemovalOutlook:
    """Score a client's SMP on the Kirby–Desai scale now and after ``planned_sessions``.

    Parameters
    ----------
    sc
        The client's scenario: skin (its Fitzpatrick type, or the nearest by ITA°),
        pigment, smoking and recorded sessions (:func:`recorded_touchups`).
    planned_sessions
        Sessions the plan adds until its horizon (its P50 count). [sessions]

    Returns
    -------
    RemovalOutlook
    """
    done = recorded_touchups(sc)
    skin_type = tone.fitzpatrick_of(sc.skin)
    now = smp_removal_estimate(
        fitzpatrick=skin_type, pigment=sc.pigment, smoker=sc.smoker, touchup_sessions=done
    )
    later = smp_removal_estimate(
        fitzpatrick=skin_type,
        pigment=sc.pigment,
        smoker=sc.smoker,
        touchup_sessions=done + planned_sessions,
    )
    return RemovalOutlook(now=now, at_horizon=later)
