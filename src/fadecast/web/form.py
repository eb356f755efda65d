"""The calculator's form: its fields, how answers become a profile, and back.

The form is read from a query string or a posted form (every value a string). Its
answers are checked here for what only the form knows (a number typed as a number, a
share given in per cent, a city *or* coordinates); everything else is left to
:func:`fadecast.inputs.profile.parse_profile`, whose errors are mapped back to the form
field they concern (:func:`form_field`). The same answers always give the same
canonical query string (:func:`query_string`), which is the shareable link: nothing is
stored on the server.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from fadecast.errors import InputError
from fadecast.inputs.profile import PLACEMENTS, Profile, parse_profile
from fadecast.skin.pigments import pigment_names

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "SHARE_CHOICES",
    "SKIN_TYPES",
    "CalculatorForm",
    "check_form",
    "form_field",
    "profile_toml",
    "query_string",
    "read_form",
]

#: The form's fields, in the order of the form and of the shareable link.
FIELDS = (
    "birth_year",
    "skin",
    "city",
    "lat",
    "lon",
    "weekday_hours",
    "weekend_hours",
    "holiday_weeks",
    "hat",
    "spf",
    "sunscreen",
    "sunbeds",
    "pigment",
    "placement",
    "sessions",
    "price",
    "currency",
)

#: How each field is named to people (in the summary of errors).
FIELD_LABELS = {
    "birth_year": "Year of birth",
    "skin": "Skin tone",
    "city": "City",
    "lat": "Latitude",
    "lon": "Longitude",
    "weekday_hours": "Hours outdoors on a weekday",
    "weekend_hours": "Hours outdoors on a weekend day",
    "holiday_weeks": "Weeks of sunny holidays",
    "hat": "Hat",
    "spf": "Sunscreen SPF",
    "sunscreen": "How often you wear sunscreen",
    "sunbeds": "Sunbed sessions",
    "pigment": "Pigment",
    "placement": "Placement",
    "sessions": "Session dates",
    "price": "Price of a session",
    "currency": "Currency",
}

#: Fitzpatrick skin types with how each is described to people.
SKIN_TYPES = (
    (1, "I", "very fair: always burns, never tans"),
    (2, "II", "fair: burns easily, tans a little"),
    (3, "III", "light brown: sometimes burns, tans slowly"),
    (4, "IV", "olive: rarely burns, tans easily"),
    (5, "V", "brown: very rarely burns, tans darkly"),
    (6, "VI", "dark brown to black: never burns"),
)

#: The shares offered for the hat and the sunscreen, per cent, with their words.
SHARE_CHOICES = (
    (0, "never"),
    (25, "a quarter of the time"),
    (50, "half of the time"),
    (75, "three quarters of the time"),
    (100, "always"),
)

#: Longest answer read from one field (a list of session dates is the longest). [characters]
MAX_VALUE_CHARS = 1000
_TEXT_CHARS = 200
_DATE_SPLIT = re.compile(r"[\s,;]+")

# Where each profile field's errors are shown: the longest matching prefix wins.
_PROFILE_TO_FORM = {
    "person": "birth_year",
    "person.birth_year": "birth_year",
    "person.skin": "skin",
    "place": "city",
    "place.city": "city",
    "place.lat": "lat",
    "place.lon": "lon",
    "lifestyle": "weekday_hours",
    "lifestyle.outdoor_hours_weekday": "weekday_hours",
    "lifestyle.outdoor_hours_weekend": "weekend_hours",
    "lifestyle.holiday_weeks": "holiday_weeks",
    "lifestyle.hat_share": "hat",
    "lifestyle.sunscreen": "spf",
    "lifestyle.sunscreen.spf": "spf",
    "lifestyle.sunscreen.share": "sunscreen",
    "lifestyle.sunbed_sessions_per_year": "sunbeds",
    "treatment": "sessions",
    "treatment.pigment": "pigment",
    "treatment.placement": "placement",
    "treatment.sessions": "sessions",
    "costs": "price",
    "costs.price_per_session": "price",
    "costs.currency": "currency",
}


@dataclass(frozen=True)
class CalculatorForm:
    """The answers of the form, as typed, with any errors beside their fields.

    Attributes
    ----------
    values
        Each field's answer in its canonical spelling (blank answers left out).
    errors
        A message per field; ``""`` holds an error that concerns no one field.
    tables
        The profile the answers make (its TOML tables), or None while there are errors.
    """

    values: Mapping[str, str]
    errors: Mapping[str, str] = field(default_factory=dict)
    tables: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """Whether the answers make a profile (no error)."""
        return not self.errors and self.tables is not None

    def with_error(self, name: str, message: str) -> CalculatorForm:
        """The same answers with one more error (the first one of a field stays)."""
        errors = dict(self.errors)
        errors.setdefault(name, message)
        return replace(self, errors=errors, tables=None)


def form_field(profile_field: str) -> str:
    """The form field that shows an error of a profile field ("" for none).

    Examples
    --------
    >>> form_field("lifestyle.sunscreen.share"), form_field("treatment.sessions")
    ('sunscreen', 'sessions')
    >>> form_field("place"), form_field("measurements[0]")
    ('city', '')
    """
    path = profile_field
    while path:
        if path in _PROFILE_TO_FORM:
            return _PROFILE_TO_FORM[path]
        path = path.rpartition(".")[0]
    return ""


def _number_text(value: float) -> str:
    """A number in its shortest exact spelling: ``4`` for 4.0, ``53.48095`` as given."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class _Reader:
    """Reads the raw answers one field at a time, collecting errors."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.raw = {name: " ".join(str(data.get(name, "")).split()) for name in FIELDS}
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str) -> str | None:
        value = self.raw[name]
        if not value:
            return None
        self.values[name] = value[:MAX_VALUE_CHARS]
        if len(value) > MAX_VALUE_CHARS:
            self.error(name, f"is too long: at most {MAX_VALUE_CHARS} characters")
            return None
        return value

    def number(
        self, name: str, *, low: float | None = None, high: float | None = None
    ) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        spelled = value.replace(",", ".", 1) if value.count(",") == 1 else value
        try:
            number = float(spelled)
        except ValueError:
            self.error(name, f"must be a number, such as 1.5; got {value!r}"[:300])
            return None
        if not math.isfinite(number):
            self.error(name, f"must be a finite number, got {value!r}")
            return None
        self.values[name] = _number_text(number)
        if low is not None and high is not None and not low <= number <= high:
            self.error(name, f"must be between {low:g} and {high:g}, got {number:g}")
            return None
        return number

    def whole(self, name: str) -> int | None:
        number = self.number(name)
        if number is None:
            return None
        if not number.is_integer():
            self.error(name, f"must be a whole number, got {self.values[name]}")
            return None
        return int(number)

    def required(self, name: str, message: str) -> None:
        if not self.raw[name]:
            self.error(name, message)


def _dates(reader: _Reader) -> list[dt.date] | None:
    value = reader.text("sessions")
    if value is None:
        return None
    days: list[dt.date] = []
    for part in (p for p in _DATE_SPLIT.split(value) if p):
        try:
            days.append(dt.date.fromisoformat(part))
        except ValueError:
            reader.error(
                "sessions",
                f"must be dates as YYYY-MM-DD separated by commas, such as "
                f"2025-03-01, 2025-03-15; got {part[:40]!r}",
            )
            return None
        if len(days) > 40:
            reader.error("sessions", "at most 40 session dates")
            return None
    if days:
        reader.values["sessions"] = ",".join(day.isoformat() for day in days)
    return days or None


def read_form(data: Mapping[str, str]) -> CalculatorForm:
    """Read the calculator's answers into a profile's tables.

    Parameters
    ----------
    data
        The query string's or the posted form's fields (unknown ones are ignored).

    Returns
    -------
    CalculatorForm
        With ``tables`` when the answers make a profile as far as the form can tell
        (:func:`check_form` validates it against the profile's rules), else with the
        errors beside their fields.

    Examples
    --------
    >>> form = read_form({"birth_year": "1988", "skin": "2", "city": "Manchester",
    ...                   "weekday_hours": "1", "weekend_hours": "4", "hat": "50"})
    >>> form.ok, form.tables["lifestyle"]["hat_share"]
    (True, 0.5)
    >>> read_form({"birth_year": "1988", "skin": "9"}).errors["skin"]
    'choose one of the six skin tones'
    """
    r = _Reader(data)
    tables: dict[str, Any] = {}

    r.required("birth_year", "give your year of birth, such as 1988")
    birth_year = r.whole("birth_year")
    skin = r.text("skin")
    if skin is None:
        r.error("skin", "choose the skin tone closest to yours")
    elif skin not in {str(number) for number, _, _ in SKIN_TYPES}:
        r.error("skin", "choose one of the six skin tones")
    person: dict[str, Any] = {}
    if birth_year is not None:
        person["birth_year"] = birth_year
    if skin is not None and "skin" not in r.errors:
        person["skin"] = {"fitzpatrick": int(skin)}
    tables["person"] = person

    city = r.text("city")
    lat = r.number("lat", low=-90, high=90)
    lon = r.number("lon", low=-180, high=180)
    given_lat, given_lon = bool(r.raw["lat"]), bool(r.raw["lon"])
    if city is not None and len(city) > _TEXT_CHARS:
        r.error("city", f"is too long: at most {_TEXT_CHARS} characters")
    if city is not None and (given_lat or given_lon):
        r.error("city", "give a city, or latitude and longitude, not both")
    elif city is None and not (given_lat or given_lon):
        r.error("city", "give your city (or its latitude and longitude below)")
    elif city is None and given_lat != given_lon:
        r.error("lon" if given_lat else "lat", "give both latitude and longitude")
    tables["place"] = {"city": city} if city is not None else {"lat": lat, "lon": lon}

    lifestyle: dict[str, Any] = {}
    r.required("weekday_hours", "give the hours you spend outdoors on a weekday, such as 1")
    r.required("weekend_hours", "give the hours you spend outdoors on a weekend day, such as 3")
    for name, key in (
        ("weekday_hours", "outdoor_hours_weekday"),
        ("weekend_hours", "outdoor_hours_weekend"),
        ("holiday_weeks", "holiday_weeks"),
        ("sunbeds", "sunbed_sessions_per_year"),
    ):
        number = r.number(name)
        if number is not None:
            lifestyle[key] = number
    hat = r.number("hat", low=0, high=100)
    if hat is not None:
        lifestyle["hat_share"] = hat / 100.0
    spf = r.number("spf")
    sunscreen = r.number("sunscreen", low=0, high=100)
    if spf is not None and sunscreen is None and "sunscreen" not in r.errors:
        r.error("sunscreen", "choose how often you wear sunscreen on your scalp")
    elif spf is None and sunscreen and "spf" not in r.errors:
        r.error("spf", "give the SPF on your sunscreen's label, such as 30")
    elif spf is not None and sunscreen is not None:
        lifestyle["sunscreen"] = {"spf": spf, "share": sunscreen / 100.0}
    tables["lifestyle"] = lifestyle

    treatment: dict[str, Any] = {}
    pigment = r.text("pigment")
    if pigment is not None:
        if pigment not in pigment_names():
            r.error("pigment", f"must be one of {', '.join(pigment_names())}, or left blank")
        treatment["pigment"] = pigment
    placement = r.text("placement")
    if placement is not None:
        if placement not in PLACEMENTS:
            r.error("placement", f"must be one of {', '.join(PLACEMENTS)}, or left blank")
        treatment["placement"] = placement
    sessions = _dates(r)
    if sessions is not None:
        treatment["sessions"] = sessions
    if treatment:
        tables["treatment"] = treatment

    costs: dict[str, Any] = {}
    price = r.number("price")
    if price is not None:
        costs["price_per_session"] = price
    currency = r.text("currency")
    if currency is not None:
        currency = currency.upper()
        r.values["currency"] = currency
        costs["currency"] = currency
    if costs:
        tables["costs"] = costs

    if r.errors:
        return CalculatorForm(values=r.values, errors=r.errors)
    return CalculatorForm(values=r.values, tables=tables)


def check_form(form: CalculatorForm, *, today: dt.date) -> tuple[CalculatorForm, Profile | None]:
    """Validate the form's profile; an error goes beside the field it concerns.

    Examples
    --------
    >>> form = read_form({"birth_year": "1988", "skin": "2", "city": "Manchester",
    ...                   "weekday_hours": "30", "weekend_hours": "4"})
    >>> checked, profile = check_form(form, today=dt.date(2026, 6, 1))
    >>> profile is None, checked.errors["weekday_hours"]
    (True, 'must be less than or equal to 16, got 30.0')
    """
    if not form.ok or form.tables is None:
        return form, None
    try:
        return form, parse_profile(form.tables, today=today)
    except InputError as exc:
        return form.with_error(form_field(exc.field), exc.message), None


def query_string(form: CalculatorForm) -> str:
    """The answers as a canonical query string: the same answers, the same link.

    Examples
    --------
    >>> form = read_form({"skin": "2", "birth_year": " 1988 ", "city": "São  Paulo",
    ...                   "weekday_hours": "1.50", "weekend_hours": "4", "utm": "x"})
    >>> query_string(form)
    'birth_year=1988&skin=2&city=S%C3%A3o+Paulo&weekday_hours=1.5&weekend_hours=4'
    """
    return urlencode([(name, form.values[name]) for name in FIELDS if name in form.values])


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_tables(tables: Mapping[str, Any], prefix: str) -> Iterable[str]:
    plain = [(k, v) for k, v in tables.items() if not isinstance(v, Mapping)]
    nested = [(k, v) for k, v in tables.items() if isinstance(v, Mapping)]
    if prefix and (plain or not nested):
        yield f"[{prefix}]"
    for key, value in plain:
        yield f"{key} = {_toml_value(value)}"
    if plain:
        yield ""
    for key, value in nested:
        yield from _toml_tables(value, f"{prefix}.{key}" if prefix else key)


def profile_toml(tables: Mapping[str, Any], *, heading: str = "") -> str:
    """A profile's tables as a TOML file that ``fadecast forecast`` reads back.

    Parameters
    ----------
    tables
        The tables (:attr:`CalculatorForm.tables`): strings, numbers, booleans, dates
        and lists of them, in tables.
    heading
        Comment lines to put first (each line gets its ``#``).

    Examples
    --------
    >>> import tomllib
    >>> form = read_form({"birth_year": "1988", "skin": "2", "city": "Manchester",
    ...                   "weekday_hours": "1", "weekend_hours": "4",
    ...                   "sessions": "2025-03-01, 2025-03-15"})
    >>> text = profile_toml(form.tables)
    >>> print(text.splitlines()[0], text.splitlines()[-1], sep=" / ")
    [person] / sessions = [2025-03-01, 2025-03-15]
    >>> tomllib.loads(text) == form.tables
    True
    """
    lines = [f"# {line}".rstrip() for line in heading.splitlines()]
    if lines:
        lines.append("")
    lines.extend(_toml_tables(tables, ""))
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
