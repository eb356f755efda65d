"""The profile: who the client is, where and how they live, and their treatment.

A profile is a TOML file (documented field by field in ``docs/profile.md``). It is
validated here with pydantic at the boundary; every problem becomes one
:class:`~fadecast.errors.InputError` naming the field and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import re
import reprlib
import stat
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from fadecast.errors import InputError
from fadecast.inputs.measurements import MIN_SD_DELTA_E00
from fadecast.skin.pigments import pigment_names
from fadecast.skin.tone import skin_lab_gamut

__all__ = [
    "IMMUNE_STATES",
    "PLACEMENTS",
    "Costs",
    "Forecasting",
    "Goals",
    "Hair",
    "Lifestyle",
    "Person",
    "Place",
    "Profile",
    "Skin",
    "Sunscreen",
    "Treatment",
    "load_profile",
    "parse_profile",
    "profile_json_schema",
    "read_measurement_file",
]

IMMUNE_STATES = ("normal", "weakened", "suppressed")
PLACEMENTS = ("optimal", "shallow", "deep")
MIN_AGE_YEARS = 16
MAX_AGE_YEARS = 110
MAX_YEARS_AHEAD = 2
#: Earliest session date a profile may give.
EARLIEST_SESSION = dt.date(1980, 1, 1)
MAX_SESSIONS = 40
MAX_MEASUREMENTS = 100
#: Highest price of one session, in any currency. SMP sessions cost hundreds to a few
#: thousand euros; in the currencies with the smallest units (IDR, VND) that is tens of
#: millions, so a billion leaves room, and every total of a plan (at most a few hundred
#: sessions) stays below 1e12, far from overflowing.
MAX_PRICE = 1e9
#: Longest text accepted for a name, a city or a measurement file. [characters]
MAX_TEXT_CHARS = 200
MAX_PATH_CHARS = 1000
#: Most quality flags a measurement may carry, and their longest name. [characters]
MAX_FLAGS = 32
MAX_FLAG_CHARS = 64
#: Largest profile or measurement file read: both are a few kilobytes. [bytes]
MAX_FILE_BYTES = 1 << 20

# Unicode categories of characters that control the terminal or break lines.
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# pydantic's "Input should be ...", "String should have ...": the start made "must".
_SHOULD = re.compile(r"^(Input|String|Tuple|List|Dictionary|Value) should")


def _no_control_characters(v: str) -> str:
    bad = next((ch for ch in v if unicodedata.category(ch) in _CONTROL_CATEGORIES), None)
    if bad is not None:
        raise ValueError(
            f"must be one line of printable text, got a control character (U+{ord(bad):04X})"
        )
    return v


def _iso_date(v: Any) -> Any:
    """An ISO date string (``YYYY-MM-DD``) as a date; anything else unchanged."""
    if isinstance(v, str) and _ISO_DATE.fullmatch(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


#: A number: an integer or a float, finite (never a boolean or a string).
Number = Annotated[float, Strict()]
#: A date (a TOML date or a ``YYYY-MM-DD`` string from JSON); never a time of day.
Date = Annotated[dt.date, Strict(), BeforeValidator(_iso_date)]
#: One line of text of at most MAX_TEXT_CHARS characters.
Text = Annotated[
    StrictStr,
    Field(min_length=1, max_length=MAX_TEXT_CHARS),
    AfterValidator(_no_control_characters),
]
#: A price of one session, 0 to MAX_PRICE.
Price = Annotated[Number, Field(ge=0, le=MAX_PRICE)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


def _cross_field(field: str, message: str) -> PydanticCustomError:
    """A check across fields, reported against ``field``."""
    return PydanticCustomError("cross_field", "{message}", {"field": field, "message": message})


#: The gamut of human skin, (low, high) per CIELAB coordinate (data/skin_tones.toml).
_GAMUT = skin_lab_gamut()


class Skin(_Model):
    """Skin tone: exactly one of a Fitzpatrick type, a measured CIELAB, or ITA°."""

    fitzpatrick: (
        Annotated[StrictInt, Field(ge=1, le=6, description="Fitzpatrick skin type 1-6")] | None
    ) = None
    lab: (
        Annotated[
            tuple[
                Annotated[Number, Field(ge=_GAMUT["L"][0], le=_GAMUT["L"][1])],
                Annotated[Number, Field(ge=_GAMUT["a"][0], le=_GAMUT["a"][1])],
                Annotated[Number, Field(ge=_GAMUT["b"][0], le=_GAMUT["b"][1])],
            ],
            Field(
                description="Measured scalp CIELAB (D65, 2°): [L*, a*, b*], within the gamut "
                "of human skin (data/skin_tones.toml)"
            ),
        ]
        | None
    ) = None
    ita_deg: (
        Annotated[Number, Field(ge=-90, le=90, description="Individual typology angle [°]")] | None
    ) = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Skin:
        given = [k for k in ("fitzpatrick", "lab", "ita_deg") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of fitzpatrick (1-6), lab ([L, a, b]) or ita_deg")
        return self


class Person(_Model):
    """The client."""

    birth_year: StrictInt = Field(
        ge=1000, le=9999, description="Year of birth; the client must be 16-110 years old"
    )
    skin: Skin
    smoker: StrictBool = False
    immune: Literal["normal", "weakened", "suppressed"] = "normal"

    @field_validator("birth_year")
    @classmethod
    def _plausible_age(cls, v: int, info: ValidationInfo) -> int:
        today = _today(info)
        age = today.year - v
        if not MIN_AGE_YEARS <= age <= MAX_AGE_YEARS:
            raise ValueError(
                f"must make the client {MIN_AGE_YEARS}-{MAX_AGE_YEARS} years old, i.e. between "
                f"{today.year - MAX_AGE_YEARS} and {today.year - MIN_AGE_YEARS}, got {v}"
            )
        return v


class Place(_Model):
    """Where the client lives: a city name, or latitude and longitude."""

    city: Text | None = Field(default=None, description="City name from the offline gazetteer")
    lat: Number | None = Field(
        default=None, ge=-90, le=90, description="Latitude, north positive [°]"
    )
    lon: Number | None = Field(
        default=None, ge=-180, le=180, description="Longitude, east positive [°]"
    )
    altitude_m: Number | None = Field(default=None, ge=-500, le=6000, description="Altitude [m]")
    cloud_factor: Number | None = Field(
        default=None,
        gt=0.2,
        le=1.0,
        description="Climatological cloud modification factor override (all-sky/clear-sky UV)",
    )

    @model_validator(mode="after")
    def _city_or_coordinates(self) -> Place:
        has_coords = self.lat is not None or self.lon is not None
        if self.city is None and not has_coords:
            raise ValueError("give city, or lat and lon")
        if self.city is not None and has_coords:
            raise ValueError("give city or lat and lon, not both")
        if has_coords and (self.lat is None or self.lon is None):
            raise ValueError("give both lat and lon")
        return self


class Sunscreen(_Model):
    """Sunscreen on the scalp."""

    spf: Number = Field(ge=1, le=100, description="Labelled sun protection factor")
    uva_pf: Number | None = Field(
        default=None,
        ge=1,
        le=100,
        description="UVA protection factor on the label (default: a third of the SPF, "
        "the least the EU allows)",
    )
    share: Number = Field(ge=0, le=1, description="Share of outdoor time with sunscreen on")
    mg_per_cm2: Number | None = Field(
        default=None,
        gt=0,
        le=4,
        description="Amount applied [mg/cm²]; SPF is tested at 2, people put on about 0.5 "
        "(the default)",
    )
    reapply_hours: Number | None = Field(
        default=None, gt=0, le=24, description="Hours between applications (default 2)"
    )


class Lifestyle(_Model):
    """How much sun the scalp sees, and what protects it."""

    outdoor_hours_weekday: Number = Field(ge=0, le=16, description="Hours outdoors on a weekday")
    outdoor_hours_weekend: Number = Field(
        ge=0, le=16, description="Hours outdoors on a weekend day"
    )
    outdoor_job: StrictBool = False
    holiday_weeks: Number = Field(default=0, ge=0, le=26, description="Sun-holiday weeks a year")
    holiday_city: Text | None = None
    hat_share: Number = Field(
        default=0, ge=0, le=1, description="Share of outdoor time under a hat"
    )
    hat_upf: Number | None = Field(default=None, ge=1, le=100, description="Hat UPF (default 20)")
    sunscreen: Sunscreen | None = None
    sunbed_sessions_per_year: Number = Field(default=0, ge=0, le=365)
    sunbed_minutes: Number | None = Field(
        default=None, gt=0, le=60, description="Minutes a session"
    )
    hair_length_mm: Number = Field(default=0.5, ge=0, le=300, description="Hair length [mm]")


class Treatment(_Model):
    """The SMP treatment."""

    pigment: StrictStr = Field(
        default="carbon-black", description="Pigment class from the catalogue"
    )
    placement: Literal["optimal", "shallow", "deep"] = "optimal"
    sessions: tuple[Date, ...] | None = Field(
        default=None,
        description="Session dates (ISO); without them, a standard three-session course from today",
    )

    @field_validator("pigment")
    @classmethod
    def _known_pigment(cls, v: str) -> str:
        names = pigment_names()
        if v not in names:
            raise ValueError(f"must be one of {', '.join(names)}, got {_shown(v)}")
        return v

    @field_validator("sessions")
    @classmethod
    def _ordered_sessions(
        cls, v: tuple[dt.date, ...] | None, info: ValidationInfo
    ) -> tuple[dt.date, ...] | None:
        if v is None:
            return v
        if len(v) == 0:
            raise ValueError("must list at least one date, or be left out")
        if len(v) > MAX_SESSIONS:
            raise ValueError(f"at most {MAX_SESSIONS} sessions, got {len(v)}")
        for a, b in itertools.pairwise(v):
            if b <= a:
                raise ValueError(f"dates must be in increasing order, got {a} then {b}")
        latest = _years_after(_today(info), MAX_YEARS_AHEAD)
        if v[-1] > latest:
            raise ValueError(
                f"dates may be at most {MAX_YEARS_AHEAD} years ahead (until {latest}), got {v[-1]}"
            )
        if v[0] < EARLIEST_SESSION:
            raise ValueError(f"dates must be from {EARLIEST_SESSION.year} on, got {v[0]}")
        return v


class Hair(_Model):
    """Pattern hair loss: the stage now, the area the SMP covers, and family history."""

    scale: Literal["norwood", "ludwig"] = Field(
        default="norwood", description="norwood (men, stages 1-7) or ludwig (women, 0-3)"
    )
    stage: StrictInt = Field(ge=0, le=7, description="Present stage on the scale")
    treated_stage: StrictInt | None = Field(
        default=None,
        ge=0,
        le=7,
        description="Stage whose area the SMP covers (default: the present stage)",
    )
    family_history: StrictBool = Field(default=False, description="A parent has pattern hair loss")

    @field_validator("stage", "treated_stage")
    @classmethod
    def _stage_on_scale(cls, v: int | None, info: ValidationInfo) -> int | None:
        scale = info.data.get("scale", "norwood")
        low, high = (1, 7) if scale == "norwood" else (0, 3)
        if v is not None and not low <= v <= high:
            raise ValueError(f"must be {low}-{high} on the {scale} scale, got {v}")
        return v


class Goals(_Model):
    """Design changes the client wants, each at an age (one session each)."""

    mature_hairline_age: StrictInt | None = Field(
        default=None, ge=16, le=110, description="Age at which to set a more mature hairline"
    )
    added_density_age: StrictInt | None = Field(
        default=None, ge=16, le=110, description="Age at which to add density"
    )
    side_profile_age: StrictInt | None = Field(
        default=None, ge=16, le=110, description="Age at which to change the side profile"
    )


class Costs(_Model):
    """Prices of sessions."""

    currency: StrictStr = Field(default="EUR", description="ISO 4217 code, e.g. EUR")
    price_per_session: Price | None = Field(
        default=None, description=f"Price of any session (at most {MAX_PRICE:,.0f})"
    )
    price_by_stage: dict[StrictInt, Number] | None = Field(
        default=None, description="Price of a session by the hair-loss stage it covers"
    )

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, v: str) -> str:
        if not (len(v) == 3 and v.isascii() and v.isalpha() and v.isupper()):
            raise ValueError(
                f"must be a three-letter ISO 4217 code such as EUR or USD, got {_shown(v)}"
            )
        return v

    @field_validator("price_by_stage", mode="before")
    @classmethod
    def _stage_keys(cls, v: Any) -> Any:
        if not isinstance(v, Mapping):
            return v
        keys = {}
        for key, price in v.items():
            if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 2:
                keys[int(key)] = price
            elif isinstance(key, int) and not isinstance(key, bool):
                keys[key] = price
            else:
                raise ValueError(f"stages must be whole numbers 0-7, got {_shown(key)}")
        return keys

    @field_validator("price_by_stage")
    @classmethod
    def _stage_prices(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        if v is None:
            return v
        if not v:
            raise ValueError("must list at least one stage, or be left out")
        for stage, price in v.items():
            if not 0 <= stage <= 7:
                raise ValueError(f"stages must be 0-7, got {_shown(stage)}")
            if not 0 <= price <= MAX_PRICE:
                raise ValueError(
                    f"prices must be at least 0 and at most {MAX_PRICE:,.0f}, got {price:g} "
                    f"for stage {stage}"
                )
        return dict(sorted(v.items()))


class Forecasting(_Model):
    """Options of the forecast itself."""

    touchup_threshold: Number | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Touch-up due when contrast falls below this share of the target (default 0.6)",
    )
    horizon_years: Number = Field(
        default=30,
        ge=5,
        le=60,
        description="Years the curve covers from the first session; at least the sessions "
        "plus 5 years",
    )


class PhotoMeasurement(_Model):
    """A dated measurement of the client's SMP from a photo (``fadecast measure``)."""

    date: Date = Field(description="When the photo was taken (ISO date)")
    social_delta_e00: Number = Field(
        ge=0.0,
        le=60.0,
        description="Measured social-distance contrast against the skin [dE00]",
    )
    sd_delta_e00: Number | None = Field(
        default=None,
        ge=MIN_SD_DELTA_E00,
        le=20.0,
        description="Its error [dE00]; default from the measurement's quality (docs/model.md)",
    )
    flags: tuple[Annotated[StrictStr, Field(max_length=MAX_FLAG_CHARS)], ...] = Field(
        default=(), max_length=MAX_FLAGS, description="Quality flags of the measurement"
    )
    file: Annotated[StrictStr, Field(max_length=MAX_PATH_CHARS)] | None = Field(
        default=None,
        description="A `fadecast measure --json` file (relative to the profile) to read the "
        "figures from",
    )

    @field_validator("date")
    @classmethod
    def _not_ahead(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        today = _today(info)
        if v > today:
            raise ValueError(f"must not be after today ({today}), got {v}")
        return v


class Profile(_Model):
    """A complete client profile."""

    person: Person
    place: Place
    lifestyle: Lifestyle
    treatment: Treatment = Treatment()
    forecast: Forecasting = Forecasting()
    hair: Hair | None = None
    goals: Goals = Goals()
    costs: Costs = Costs()
    measurements: tuple[PhotoMeasurement, ...] = Field(
        default=(),
        max_length=MAX_MEASUREMENTS,
        description="Dated measurements from photos (personal calibration)",
    )
    name: Text | None = Field(default=None, description="Optional label, e.g. a client reference")

    @model_validator(mode="after")
    def _sessions_after_birth(self) -> Profile:
        sessions = self.treatment.sessions
        born = self.person.birth_year
        if sessions and sessions[0].year - born < MIN_AGE_YEARS:
            raise _cross_field(
                "treatment.sessions",
                f"the first session ({sessions[0]}) is before the client was {MIN_AGE_YEARS} "
                f"(born {born}); sessions must be from {born + MIN_AGE_YEARS} on",
            )
        for i, m in enumerate(self.measurements):
            if not sessions:
                raise _cross_field(
                    f"measurements[{i}]", "measurements need the treatment's session dates"
                )
            if m.date < sessions[0]:
                raise _cross_field(
                    f"measurements[{i}].date",
                    f"{m.date} is before the first session ({sessions[0]})",
                )
        return self


def _today(info: ValidationInfo) -> dt.date:
    """The date validation treats as today, from the context (the clock is never read)."""
    ctx = info.context if isinstance(info.context, Mapping) else {}
    today = ctx.get("today")
    if not isinstance(today, dt.date):
        raise TypeError("a profile is validated with context={'today': <date>}: see parse_profile")
    return today


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February), or the last date."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year, or past the year 9999
        if day.year + years > dt.MAXYEAR:
            return dt.date.max
        return day.replace(year=day.year + years, day=28)


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlevel = 2
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


def _shown(value: Any) -> str:
    """A short, one-line repr of an input for an error message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = _REPR.repr(value)
    except (ValueError, RecursionError):  # an integer too long to print, deep nesting
        text = f"a {type(value).__name__}"
    return " ".join(text.split())


def _describe_error(err: Mapping[str, Any], model: type[BaseModel]) -> InputError:
    """Turn one pydantic error into a one-line InputError naming the field."""
    loc = ".".join(str(p) for p in err["loc"]) or "profile"
    kind = str(err["type"])
    msg = " ".join(str(err["msg"]).removeprefix("Value error, ").split())
    given = _shown(err.get("input"))
    if kind == "cross_field":
        return InputError(str(err["ctx"]["field"]), str(err["ctx"]["message"]))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, tuple(err["loc"][:-1]))
        return InputError(loc, f"unknown key; allowed keys here: {', '.join(allowed)}")
    if kind == "missing":
        return InputError(loc, "is required")
    if kind == "literal_error":
        return InputError(loc, f"{msg.replace('Input should be', 'must be one of')}, got {given}")
    if kind.startswith("date"):
        return InputError(loc, f"must be a date as YYYY-MM-DD, got {given}")
    should = _SHOULD.match(msg)
    if should is not None:
        return InputError(loc, f"must{msg[should.end() :]}, got {given}")
    return InputError(loc, msg)


def _allowed_keys(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            break
        current = _model_of(field.annotation)
    if hasattr(current, "model_fields"):
        return list(current.model_fields)
    return []


def _model_of(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def parse_profile(data: Mapping[str, Any], *, today: dt.date) -> Profile:
    """Validate a profile given as a mapping (e.g. parsed TOML or JSON).

    Numbers must be numbers (an integer for a float is fine), booleans booleans and
    dates dates or ``YYYY-MM-DD`` strings: nothing is coerced from another type.

    Parameters
    ----------
    data
        The profile's tables.
    today
        The date validation treats as today (ages, sessions ahead).

    Returns
    -------
    Profile

    Raises
    ------
    InputError
        For the first problem found, naming the field and what is allowed.

    Examples
    --------
    The smallest profile: a person, a place and a way of life; the treatment defaults
    to carbon black at the optimal depth:

    >>> import datetime as dt
    >>> tables = {
    ...     "person": {"birth_year": 1988, "skin": {"fitzpatrick": 2}},
    ...     "place": {"city": "Manchester"},
    ...     "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
    ... }
    >>> profile = parse_profile(tables, today=dt.date(2026, 11, 23))
    >>> profile.treatment.pigment, profile.treatment.placement, profile.lifestyle.hat_share
    ('carbon-black', 'optimal', 0)
    >>> tables["lifestyle"]["hat_share"] = 1.4
    >>> parse_profile(tables, today=dt.date(2026, 11, 23))
    Traceback (most recent call last):
        ...
    fadecast.errors.InputError: lifestyle.hat_share: must be less than or equal to 1, got 1.4
    """
    try:
        return Profile.model_validate(data, context={"today": today})
    except ValidationError as exc:
        raise _describe_error(exc.errors(include_url=False)[0], Profile) from None
    except RecursionError:
        raise InputError("profile", "is nested too deeply (tables inside tables)") from None


def load_profile(path: str | Path, *, today: dt.date) -> Profile:
    """Read and validate a profile TOML file.

    A UTF-8 byte-order mark at the start is ignored. ``[[measurements]]`` entries that
    name a ``file`` are filled from it (see :func:`read_measurement_file`).

    Parameters
    ----------
    path
        The TOML file, at most 1 MiB.
    today
        The date validation treats as today.

    Returns
    -------
    Profile

    Raises
    ------
    InputError
        If the file cannot be read, is not valid TOML, or does not validate.

    Examples
    --------
    The packaged example of a temperate-city office worker:

    >>> import datetime as dt
    >>> from importlib import resources
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=dt.date(2026, 11, 23))
    >>> profile.place.city, profile.person.skin.fitzpatrick, profile.treatment.pigment
    ('Manchester', 2, 'carbon-black')
    >>> [str(day) for day in profile.treatment.sessions or ()]
    ['2025-03-01', '2025-03-15', '2025-04-05']
    """
    p = Path(path)
    try:
        with open(p, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("profile", f"file not found: {p}") from None
    except IsADirectoryError:
        raise InputError("profile", f"is a directory, not a TOML file: {p}") from None
    except OSError as exc:
        raise InputError("profile", f"cannot read {p}: {exc.strerror}") from None
    except ValueError:  # a NUL character in the name
        raise InputError("profile", f"not a valid file name: {_shown(str(path))}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError("profile", f"is larger than 1 MiB, too large for a profile: {p}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("profile", f"not a UTF-8 text file: {p}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("profile", f"not valid TOML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise InputError(
            "profile", "not valid TOML for a profile: nested too deeply (arrays or tables)"
        ) from None
    except ValueError:  # an integer longer than Python converts (4300 digits)
        raise InputError(
            "profile", "not valid TOML for a profile: a number has more than 4300 digits"
        ) from None
    _read_measurement_files(data, p.parent)
    return parse_profile(data, today=today)


def _read_measurement_files(data: dict[str, Any], folder: Path) -> None:
    """Fill each ``[[measurements]]`` entry that names a ``file`` with its figures.

    The file is the JSON of ``fadecast measure --json``, relative to the profile's
    folder; figures written in the entry itself take precedence.
    """
    entries = data.get("measurements")
    if not isinstance(entries, list):
        return
    for i, entry in enumerate(entries[: MAX_MEASUREMENTS + 1]):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        field = f"measurements[{i}].file"
        figures = read_measurement_file(folder, entry["file"], field=field)
        entry.setdefault("social_delta_e00", figures[0])
        entry.setdefault("flags", list(figures[1]))


def read_measurement_file(
    folder: str | Path, name: str, *, field: str = "measurements.file"
) -> tuple[float, tuple[str, ...]]:
    """The contrast and flags of a ``fadecast measure --json`` file in a profile's folder.

    Only a regular file at or below ``folder`` is read (symbolic links resolved first),
    of at most 1 MiB, checked before it is opened: a device or a named pipe is never
    opened, and a path outside the folder is refused without saying whether it exists.

    Parameters
    ----------
    folder
        The profile's folder.
    name
        The file, relative to ``folder`` (or absolute, inside it).
    field
        Dotted path of the input, named in errors.

    Returns
    -------
    tuple
        ``contrast.social_delta_e00`` [ΔE00] and ``flags`` of the file.

    Raises
    ------
    InputError
        Naming ``field``, when the file cannot be read or is not a measure output.
    """
    base = Path(folder).resolve()
    if not name or len(name) > MAX_PATH_CHARS or "\0" in name:
        raise InputError(
            field, f"must name a JSON file in the profile's folder, got {_shown(name)}"
        )
    shown = repr(name)  # escaped: one line
    outside = InputError(
        field, f"must name a file in the profile's folder or below it, got {shown}"
    )
    try:
        target = (base / name).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise outside from None
    if not target.is_relative_to(base):
        raise outside
    try:
        info = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(field, f"file not found: {shown} in {base}") from None
    except OSError as exc:
        raise InputError(field, f"cannot read {shown}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(field, f"is not a regular file: {shown}")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(field, "is larger than 1 MiB, not a fadecast measure JSON file")
    raw = _read_regular_file(target, field)
    try:
        figures = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise InputError(field, "not a fadecast measure JSON file (nested too deeply)") from None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, over-long integers
        reason = " ".join(str(exc).split())[:200]
        raise InputError(field, f"not a fadecast measure JSON file ({reason})") from None
    contrast = figures.get("contrast") if isinstance(figures, dict) else None
    value = contrast.get("social_delta_e00") if isinstance(contrast, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InputError(
            field, "has no contrast.social_delta_e00; write it with fadecast measure --json"
        )
    number = float(value) if isinstance(value, float) or abs(value) < 10**6 else math.inf
    if not 0.0 <= number <= 60.0:
        raise InputError(
            field, f"contrast.social_delta_e00 must be a number 0-60, got {_shown(value)}"
        )
    flags = figures.get("flags", [])
    if not (isinstance(flags, list) and all(isinstance(f, str) for f in flags)):
        raise InputError(field, "flags must be a list of strings, as fadecast measure writes")
    return number, tuple(flags)


def _read_regular_file(path: Path, field: str) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of a file that is regular when opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(field, f"cannot read {path.name}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # changed since it was checked
            raise InputError(field, f"is not a regular file: {path.name}")
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(field, "is larger than 1 MiB, not a fadecast measure JSON file")
    return raw


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile (as printed by ``fadecast schema``).

    Examples
    --------
    >>> schema = profile_json_schema()
    >>> schema["title"], schema["required"]
    ('fadecast profile', ['person', 'place', 'lifestyle'])
    """
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fadecast profile"
    return schema
