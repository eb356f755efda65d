"""The documented reference population of SMP clients used for calibration.

``data/reference_population.toml`` states the assumed mix of places, lifestyles, sun
care, skin types, sunbed use, pigments, placements, smoking, immune status and ages;
:func:`reference_population` draws profiles from it reproducibly.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from fadecast import data
from fadecast.inputs.profile import Profile, parse_profile

__all__ = ["population_definition", "reference_population"]

COURSE_START = dt.date(2025, 3, 3)


@functools.cache
def population_definition() -> Mapping[str, Any]:
    """The population's definition as read from the packaged TOML file.

    Examples
    --------
    >>> sorted(population_definition())[:4]
    ['age', 'holidays', 'immune', 'lifestyles']
    """
    return data.toml_table("reference_population.toml")


def _choice(rng: np.random.Generator, weights: Mapping[str, Any]) -> str:
    keys = list(weights)
    w = np.array(
        [float(weights[k]["weight"] if isinstance(weights[k], dict) else weights[k]) for k in keys]
    )
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _latitude(city: str) -> float:
    from fadecast.inputs.places import resolve_city

    return resolve_city(city).latitude_deg


def _uniform(rng: np.random.Generator, bounds: Any) -> float:
    if isinstance(bounds, list):
        return round(float(rng.uniform(bounds[0], bounds[1])), 2)
    return float(bounds)


def reference_population(n: int, *, seed: int = 0) -> list[Profile]:
    """Draw ``n`` client profiles from the reference population.

    Parameters
    ----------
    n
        Number of profiles.
    seed
        Seed; the same seed gives the same population.

    Returns
    -------
    list of Profile
        Profiles whose treatment is a standard course starting on ``COURSE_START``.
    """
    spec = population_definition()
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        life = spec["lifestyles"][_choice(rng, spec["lifestyles"])]
        care = spec["protection"][_choice(rng, spec["protection"])]
        age_low, age_high = spec["age"]["range"]
        age = float(rng.uniform(age_low, age_high))
        lifestyle: dict[str, Any] = {
            "outdoor_hours_weekday": _uniform(rng, life["outdoor_hours_weekday"]),
            "outdoor_hours_weekend": _uniform(rng, life["outdoor_hours_weekend"]),
            "outdoor_job": bool(life["outdoor_job"]),
            "holiday_weeks": round(_uniform(rng, life["holiday_weeks"])),
            "hat_share": _uniform(rng, care["hat_share"]),
            "sunbed_sessions_per_year": float(_choice(rng, spec["sunbeds"])),
            "hair_length_mm": 0.5,
        }
        if "sunscreen" in care:
            s = care["sunscreen"]
            lifestyle["sunscreen"] = {
                "spf": float(s["spf"]),
                "share": _uniform(rng, s["share"]),
                "mg_per_cm2": _uniform(rng, s["mg_per_cm2"]),
            }
        city = _choice(rng, spec["places"])
        holidays = spec["holidays"]
        abroad = rng.random() < holidays["abroad_share_north_of_45"]
        destination = _choice(rng, holidays["destinations"])
        if lifestyle["holiday_weeks"] > 0 and abroad and _latitude(city) > 45.0:
            lifestyle["holiday_city"] = destination
        entry = {
            "name": f"reference-{i:04d}",
            "person": {
                "birth_year": round(COURSE_START.year - age),
                "skin": {"fitzpatrick": int(_choice(rng, spec["skin"]))},
                "smoker": _choice(rng, spec["smoker"]) == "true",
                "immune": _choice(rng, spec["immune"]),
            },
            "place": {"city": city},
            "lifestyle": lifestyle,
            "treatment": {
                "pigment": _choice(rng, spec["pigment"]),
                "placement": _choice(rng, spec["placement"]),
                "sessions": [
                    (COURSE_START + dt.timedelta(days=d)).isoformat() for d in (0, 14, 35)
                ],
            },
        }
        out.append(parse_profile(entry, today=COURSE_START))
    return out
