"""The profile: who the client is, where and how they live, and their treatment.

A profile is a TOML file (documented field by field in ``docs/profile.md``). It is
validated here with pydantic at the boundary; every problem becomes one
:class:`~fadecast.errors.InputError` naming the field and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fadecast.errors import InputError
from fadecast.skin.pigments import pigment_names

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
]

IMMUNE_STATES = ("normal", "weakened", "suppressed")
PLACEMENTS = ("optimal", "shallow", "deep")
MIN_AGE_YEARS = 16
MAX_AGE_YEARS = 110
MAX_YEARS_AHEAD = 2


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Skin(_Model):
    """Skin tone: exactly one of a Fitzpatrick type, a measured CIELAB, or ITA°."""

    fitzpatrick: (
        Annotated[int, Field(ge=1, le=6, description="Fitzpatrick skin type 1-6")] | None
    ) = None
    lab: (
        Annotated[
            tuple[
                Annotated[float, Field(ge=0, le=100)],
                Annotated[float, Field(ge=-128, le=127)],
                Annotated[float, Field(ge=-128, le=127)],
            ],
            Field(description="Measured scalp CIELAB (D65, 2°): [L*, a*, b*]"),
        ]
        | None
    ) = None
    ita_deg: (
        Annotated[float, Field(ge=-90, le=90, description="Individual typology angle [°]")] | None
    ) = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Skin:
        given = [k for k in ("fitzpatrick", "lab", "ita_deg") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of fitzpatrick (1-6), lab ([L, a, b]) or ita_deg")
        return self


class Person(_Model):
    """The client."""

    birth_year: int = Field(description="Year of birth; the client must be 16-110 years old")
    skin: Skin
    smoker: bool = False
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

    city: str | None = Field(default=None, description="City name from the offline gazetteer")
    lat: float | None = Field(
        default=None, ge=-90, le=90, description="Latitude, north positive [°]"
    )
    lon: float | None = Field(
        default=None, ge=-180, le=180, description="Longitude, east positive [°]"
    )
    altitude_m: float | None = Field(default=None, ge=-500, le=6000, description="Altitude [m]")
    cloud_factor: float | None = Field(
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

    spf: float = Field(ge=1, le=100, description="Labelled sun protection factor")
    share: float = Field(ge=0, le=1, description="Share of outdoor time with sunscreen on")
    mg_per_cm2: float = Field(
        default=1.0, gt=0, le=4, description="Amount applied [mg/cm²]; SPF is tested at 2"
    )
    reapply_hours: float | None = Field(
        default=None, gt=0, le=24, description="Hours between applications (default 2)"
    )


class Lifestyle(_Model):
    """How much sun the scalp sees, and what protects it."""

    outdoor_hours_weekday: float = Field(ge=0, le=16, description="Hours outdoors on a weekday")
    outdoor_hours_weekend: float = Field(ge=0, le=16, description="Hours outdoors on a weekend day")
    outdoor_job: bool = False
    holiday_weeks: float = Field(default=0, ge=0, le=26, description="Sun-holiday weeks a year")
    holiday_city: str | None = None
    hat_share: float = Field(default=0, ge=0, le=1, description="Share of outdoor time under a hat")
    hat_upf: float | None = Field(default=None, ge=1, le=100, description="Hat UPF (default 20)")
    sunscreen: Sunscreen | None = None
    sunbed_sessions_per_year: float = Field(default=0, ge=0, le=365)
    sunbed_minutes: float | None = Field(default=None, gt=0, le=60, description="Minutes a session")
    hair_length_mm: float = Field(default=0.5, ge=0, le=300, description="Hair length [mm]")


class Treatment(_Model):
    """The SMP treatment."""

    pigment: str = Field(default="carbon-black", description="Pigment class from the catalogue")
    placement: Literal["optimal", "shallow", "deep"] = "optimal"
    sessions: tuple[dt.date, ...] | None = Field(
        default=None,
        description="Session dates (ISO); without them, a standard three-session course from today",
    )

    @field_validator("pigment")
    @classmethod
    def _known_pigment(cls, v: str) -> str:
        names = pigment_names()
        if v not in names:
            raise ValueError(f"must be one of {', '.join(names)}, got {v!r}")
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
        if len(v) > 40:
            raise ValueError(f"at most 40 sessions, got {len(v)}")
        for a, b in itertools.pairwise(v):
            if b <= a:
                raise ValueError(f"dates must be in increasing order, got {a} then {b}")
        today = _today(info)
        latest = (
            today.replace(year=today.year + MAX_YEARS_AHEAD)
            if not (today.month == 2 and today.day == 29)
            else today + dt.timedelta(days=365 * MAX_YEARS_AHEAD)
        )
        if v[-1] > latest:
            raise ValueError(
                f"dates may be at most {MAX_YEARS_AHEAD} years ahead (until {latest}), got {v[-1]}"
            )
        if v[0].year < 1980:
            raise ValueError(f"dates must be from 1980 on, got {v[0]}")
        return v


class Hair(_Model):
    """Pattern hair loss: the stage now, the area the SMP covers, and family history."""

    scale: Literal["norwood", "ludwig"] = Field(
        default="norwood", description="norwood (men, stages 1-7) or ludwig (women, 0-3)"
    )
    stage: int = Field(ge=0, le=7, description="Present stage on the scale")
    treated_stage: int | None = Field(
        default=None,
        ge=0,
        le=7,
        description="Stage whose area the SMP covers (default: the present stage)",
    )
    family_history: bool = Field(default=False, description="A parent has pattern hair loss")

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

    mature_hairline_age: int | None = Field(
        default=None, ge=16, le=110, description="Age at which to set a more mature hairline"
    )
    added_density_age: int | None = Field(
        default=None, ge=16, le=110, description="Age at which to add density"
    )
    side_profile_age: int | None = Field(
        default=None, ge=16, le=110, description="Age at which to change the side profile"
    )


class Costs(_Model):
    """Prices of sessions."""

    currency: str = Field(default="EUR", description="ISO 4217 code, e.g. EUR")
    price_per_session: float | None = Field(default=None, ge=0, description="Price of any session")
    price_by_stage: dict[int, float] | None = Field(
        default=None, description="Price of a session by the hair-loss stage it covers"
    )

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, v: str) -> str:
        if not (len(v) == 3 and v.isascii() and v.isalpha() and v.isupper()):
            raise ValueError(f"must be a three-letter ISO 4217 code such as EUR or USD, got {v!r}")
        return v

    @field_validator("price_by_stage", mode="before")
    @classmethod
    def _stage_keys(cls, v: Any) -> Any:
        if not isinstance(v, Mapping):
            return v
        keys = {}
        for key, price in v.items():
            try:
                keys[int(key)] = price
            except (TypeError, ValueError):
                raise ValueError(f"stages must be whole numbers 0-7, got {key!r}") from None
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
                raise ValueError(f"stages must be 0-7, got {stage}")
            if price < 0:
                raise ValueError(f"prices must be at least 0, got {price} for stage {stage}")
        return dict(sorted(v.items()))


class Forecasting(_Model):
    """Options of the forecast itself."""

    touchup_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Touch-up due when contrast falls below this share of the target (default 0.6)",
    )
    horizon_years: float = Field(default=30, ge=5, le=60, description="Years the curve covers")


class PhotoMeasurement(_Model):
    """A dated measurement of the client's SMP from a photo (``fadecast measure``)."""

    date: dt.date = Field(description="When the photo was taken (ISO date)")
    social_delta_e00: float = Field(
        ge=0.0,
        le=60.0,
        description="Measured social-distance contrast against the skin [dE00]",
    )
    sd_delta_e00: float | None = Field(
        default=None,
        gt=0.0,
        le=20.0,
        description="Its error [dE00]; default from the measurement's quality (docs/model.md)",
    )
    flags: tuple[str, ...] = Field(default=(), description="Quality flags of the measurement")
    file: str | None = Field(
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
        default=(), description="Dated measurements from photos (personal calibration)"
    )
    name: str | None = Field(default=None, description="Optional label, e.g. a client reference")

    @model_validator(mode="after")
    def _sessions_after_birth(self) -> Profile:
        sessions = self.treatment.sessions
        if sessions and sessions[0].year - self.person.birth_year < MIN_AGE_YEARS - 1:
            raise ValueError(
                f"treatment.sessions: the first session ({sessions[0]}) is before the client "
                f"was {MIN_AGE_YEARS}"
            )
        for i, m in enumerate(self.measurements):
            if sessions and m.date < sessions[0]:
                raise ValueError(
                    f"measurements[{i}].date: {m.date} is before the first session ({sessions[0]})"
                )
            if not sessions:
                raise ValueError(
                    f"measurements[{i}]: measurements need the treatment's session dates"
                )
        return self


def _today(info: ValidationInfo) -> dt.date:
    ctx = info.context if isinstance(info.context, Mapping) else {}
    today = ctx.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


def _describe_error(err: Mapping[str, Any], model: type[BaseModel]) -> InputError:
    """Turn one pydantic error into a one-line InputError naming the field."""
    loc = ".".join(str(p) for p in err["loc"])
    kind = str(err["type"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    given = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, tuple(err["loc"][:-1]))
        return InputError(loc, f"unknown key; allowed keys here: {', '.join(allowed)}")
    if kind == "missing":
        return InputError(loc, "is required")
    if kind == "literal_error":
        return InputError(loc, f"{msg.replace('Input should be', 'must be one of')}, got {given!r}")
    if kind.startswith("date"):
        return InputError(loc, f"must be a date as YYYY-MM-DD, got {given!r}")
    if msg.startswith("Input should"):
        return InputError(loc, f"{msg.replace('Input should', 'must')}, got {given!r}")
    return InputError(loc or "profile", msg)


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


def parse_profile(data: Mapping[str, Any], *, today: dt.date | None = None) -> Profile:
    """Validate a profile given as a mapping (e.g. parsed TOML).

    Parameters
    ----------
    data
        The profile's tables.
    today
        The date validation treats as today (ages, sessions ahead); default the real date.

    Returns
    -------
    Profile

    Raises
    ------
    InputError
        For the first problem found, naming the field and what is allowed.
    """
    try:
        return Profile.model_validate(data, context={"today": today or dt.date.today()})
    except ValidationError as exc:
        raise _describe_error(exc.errors(include_url=False)[0], Profile) from None


def load_profile(path: str | Path, *, today: dt.date | None = None) -> Profile:
    """Read and validate a profile TOML file.

    Parameters
    ----------
    path
        The TOML file.
    today
        The date validation treats as today; default the real date.

    Returns
    -------
    Profile

    Raises
    ------
    InputError
        If the file cannot be read, is not valid TOML, or does not validate.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("profile", f"file not found: {p}") from None
    except IsADirectoryError:
        raise InputError("profile", f"is a directory, not a TOML file: {p}") from None
    except UnicodeDecodeError:
        raise InputError("profile", f"not a UTF-8 text file: {p}") from None
    except OSError as exc:
        raise InputError("profile", f"cannot read {p}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("profile", f"not valid TOML ({exc})") from None
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
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        field = f"measurements[{i}].file"
        path = folder / entry["file"]
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(field, f"file not found: {path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(field, f"not a fadecast measure JSON file ({exc})") from None
        contrast = figures.get("contrast") if isinstance(figures, dict) else None
        value = contrast.get("social_delta_e00") if isinstance(contrast, dict) else None
        if not isinstance(value, int | float):
            raise InputError(
                field, "has no contrast.social_delta_e00; write it with fadecast measure --json"
            )
        entry.setdefault("social_delta_e00", float(value))
        flags = figures.get("flags", [])
        if isinstance(flags, list):
            entry.setdefault("flags", [str(f) for f in flags])


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile (as printed by ``fadecast schema``)."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fadecast profile"
    return schema
