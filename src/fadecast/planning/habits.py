"""Aftercare what-ifs: sun habits a client could adopt, as changes to their profile.

Each habit is a pure function from a profile (and the run's central parameter values,
for the sunscreen wear-off model) to the profile with that habit, or ``None`` when the
client already has it or it does not apply. The plan runs each changed profile with the
same draws (:mod:`fadecast.planning.whatifs`) and reports what the habit buys: years added
to the next touch-up, touch-ups avoided until the horizon, and money saved. Every habit
lowers the UV reaching the pigment, so each can only delay touch-ups.

A habit is applied over the whole simulated history, as the forecast takes a way of life
to be constant; for a client whose treatment is years old this slightly overstates
what adopting it today would buy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fadecast.inputs import places
from fadecast.inputs.profile import Lifestyle, Profile, Sunscreen
from fadecast.sun import exposure

__all__ = ["HABITS", "Habit", "ProfileChange", "apply_habit", "screen_transmission"]

#: A cool, cloudy holiday destination standing for "somewhere less sunny".
LESS_SUNNY_HOLIDAY_CITY = "Edinburgh"
#: Sunscreen that is put on once in the morning wears off over a day outdoors. [h]
ONCE_A_DAY_HOURS = 8.0
#: Reapplication interval of the "reapplied" habit, as sunscreen labels advise. [h]
REAPPLY_HOURS = 2.0
#: A habit's change: from a profile and the central parameter values [units of each
#: parameter] to the profile with the habit, or None when it does not apply.
ProfileChange = Callable[[Profile, Mapping[str, float]], Profile | None]


@dataclass(frozen=True)
class Habit:
    """One aftercare habit: a key, a label for people and how it changes a profile.

    Attributes
    ----------
    key
        Its name in the plan's JSON.
    label
        What it is, for people.
    change
        The profile with the habit, from a profile and the central parameter values; None
        when the client already has it or it does not apply.
    """

    key: str
    label: str
    change: ProfileChange


def _with_lifestyle(profile: Profile, **changes: object) -> Profile:
    life: Lifestyle = profile.lifestyle.model_copy(update=changes)
    return profile.model_copy(update={"lifestyle": life})


def screen_transmission(screen: Sunscreen | None, central: Mapping[str, float]) -> float:
    """Mean share of the UVA that reaches the pigment a sunscreen habit lets through over
    outdoor time. [1]

    Parameters
    ----------
    screen
        The habit (None: no sunscreen).
    central
        Central parameter values: ``sunscreen_reapply_hours`` (when the habit gives no
        interval) [h], ``sunscreen_half_life_h`` [h], ``sunscreen_missed_share`` [1] and
        ``sunscreen_applied_mg_per_cm2`` (when the habit gives no amount) [mg/cm²].

    Returns
    -------
    float
        1 without sunscreen; else ``(1 - share) + share · T``
        (:func:`fadecast.sun.exposure.sunscreen_over_outdoor_time`) with ``T`` the mean UVA
        transmission of :func:`fadecast.sun.exposure.sunscreen_transmission` at the
        sunscreen's UVA protection factor. [1]

    Examples
    --------
    >>> central = {"sunscreen_reapply_hours": 2.0, "sunscreen_half_life_h": 3.0,
    ...     "sunscreen_missed_share": 0.2, "sunscreen_applied_mg_per_cm2": 0.5}
    >>> screen_transmission(None, central)
    1.0
    >>> screen = Sunscreen(spf=30, share=1.0, mg_per_cm2=1.0, reapply_hours=2.0)
    >>> 0.2 < screen_transmission(screen, central) < 0.6
    True
    """
    if screen is None or screen.share == 0.0:
        return 1.0
    through = exposure.sunscreen_transmission(
        float(exposure.uva_protection_factor(screen.spf, screen.uva_pf)),
        screen.mg_per_cm2 or central["sunscreen_applied_mg_per_cm2"],
        reapply_hours=screen.reapply_hours or central["sunscreen_reapply_hours"],
        half_life_h=central["sunscreen_half_life_h"],
        missed_share=central["sunscreen_missed_share"],
    )
    return float(exposure.sunscreen_over_outdoor_time(screen.share, through))


def _sunscreen(spf: float, reapply_hours: float) -> ProfileChange:
    def change(profile: Profile, central: Mapping[str, float]) -> Profile | None:
        current = profile.lifestyle.sunscreen
        # The amount stays the client's (None: what people really put on).
        amount = current.mg_per_cm2 if current is not None else None
        screen = Sunscreen(spf=spf, share=1.0, mg_per_cm2=amount, reapply_hours=reapply_hours)
        if screen_transmission(screen, central) >= screen_transmission(current, central):
            return None  # already as well protected
        return _with_lifestyle(profile, sunscreen=screen)

    return change


def _hat(profile: Profile, central: Mapping[str, float]) -> Profile | None:
    if profile.lifestyle.hat_share >= 1.0:
        return None
    return _with_lifestyle(profile, hat_share=1.0)


def _no_sunbeds(profile: Profile, central: Mapping[str, float]) -> Profile | None:
    if profile.lifestyle.sunbed_sessions_per_year == 0:
        return None
    return _with_lifestyle(profile, sunbed_sessions_per_year=0.0)


def _hour_less_outdoors(profile: Profile, central: Mapping[str, float]) -> Profile | None:
    life = profile.lifestyle
    if life.outdoor_hours_weekday == 0 and life.outdoor_hours_weekend == 0:
        return None
    return _with_lifestyle(
        profile,
        outdoor_hours_weekday=max(life.outdoor_hours_weekday - 1.0, 0.0),
        outdoor_hours_weekend=max(life.outdoor_hours_weekend - 1.0, 0.0),
    )


def _less_sunny_holiday(profile: Profile, central: Mapping[str, float]) -> Profile | None:
    life = profile.lifestyle
    if life.holiday_weeks == 0:
        return None
    cool = places.resolve_city(LESS_SUNNY_HOLIDAY_CITY)
    if life.holiday_city is not None:
        where = places.resolve_city(life.holiday_city, field="lifestyle.holiday_city")
        latitude = where.latitude_deg
    elif profile.place.city is not None:
        latitude = places.resolve_city(profile.place.city).latitude_deg
    else:
        latitude = float(profile.place.lat or 0.0)
    # Only a destination nearer the equator than the cool one counts as sunnier.
    if abs(latitude) >= abs(cool.latitude_deg):
        return None
    return _with_lifestyle(profile, holiday_city=LESS_SUNNY_HOLIDAY_CITY)


HABITS: tuple[Habit, ...] = (
    Habit("daily_spf30", "daily SPF 30 (once in the morning)", _sunscreen(30.0, ONCE_A_DAY_HOURS)),
    Habit(
        "spf50_reapplied",
        f"daily SPF 50, reapplied every {REAPPLY_HOURS:g} hours",
        _sunscreen(50.0, REAPPLY_HOURS),
    ),
    Habit("hat_outdoors", "a hat whenever outdoors", _hat),
    Habit("no_sunbeds", "no sunbeds", _no_sunbeds),
    Habit("hour_less_outdoors", "an hour less outdoors a day", _hour_less_outdoors),
    Habit(
        "less_sunny_holiday",
        f"holidays somewhere less sunny (such as {LESS_SUNNY_HOLIDAY_CITY})",
        _less_sunny_holiday,
    ),
)
"""The what-ifs the plan weighs, in the order they are listed before ranking."""


def apply_habit(profile: Profile, key: str, central: Mapping[str, float]) -> Profile | None:
    """The profile with one habit adopted, or None if the client already has it.

    Parameters
    ----------
    profile
        The client.
    key
        The habit's key, one of those in :data:`HABITS`.
    central
        Central parameter values (a run's ``Params.central``). [units of each parameter]

    Returns
    -------
    Profile or None

    Raises
    ------
    ValueError
        For an unknown habit key.
    """
    for habit in HABITS:
        if habit.key == key:
            return habit.change(profile, central)
    allowed = ", ".join(h.key for h in HABITS)
    raise ValueError(f"habit must be one of {allowed}; got {key!r}")
