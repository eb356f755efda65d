"""Tests of profile loading and validation: the public contract."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fadecast.errors import InputError
from fadecast.profile import load_profile, parse_profile, profile_json_schema

EXAMPLES = sorted((Path(__file__).parents[1] / "src" / "fadecast" / "examples").glob("*.toml"))
TODAY = dt.date(2026, 11, 23)

BASE = """
[person]
birth_year = 1988
skin = { fitzpatrick = 2 }
smoker = false
immune = "normal"

[place]
city = "Manchester"
altitude_m = 40

[lifestyle]
outdoor_hours_weekday = 1.0
outdoor_hours_weekend = 4.0
outdoor_job = false
holiday_weeks = 2
holiday_city = "Malaga"
hat_share = 0.2
sunscreen = { spf = 30, share = 0.5, mg_per_cm2 = 1.0 }
sunbed_sessions_per_year = 0
hair_length_mm = 0.5

[treatment]
pigment = "carbon-black"
placement = "optimal"
sessions = ["2025-03-01", "2025-03-15", "2025-04-05"]
"""


def _data() -> dict[str, Any]:
    return tomllib.loads(BASE)


def test_there_are_at_least_five_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_load_and_match_the_schema(path: Path) -> None:
    profile = load_profile(path, today=TODAY)
    assert profile.person.birth_year > 1900
    with path.open("rb") as f:
        raw = tomllib.load(f)
    # TOML dates are strings in the examples, as in JSON.
    jsonschema.validate(raw, profile_json_schema())


def test_the_brief_profile_parses_with_all_fields() -> None:
    p = parse_profile(_data(), today=TODAY)
    assert p.place.city == "Manchester"
    assert p.lifestyle.sunscreen is not None and p.lifestyle.sunscreen.spf == 30
    assert p.treatment.sessions == (dt.date(2025, 3, 1), dt.date(2025, 3, 15), dt.date(2025, 4, 5))


def test_skin_forms_and_native_toml_dates() -> None:
    for skin in ({"lab": [62.0, 12.0, 17.0]}, {"ita_deg": 35}, {"fitzpatrick": 6}):
        d = _data()
        d["person"]["skin"] = skin
        parse_profile(d, today=TODAY)
    d = tomllib.loads(BASE.replace('["2025-03-01", "2025-03-15", "2025-04-05"]', "[2025-03-01]"))
    assert parse_profile(d, today=TODAY).treatment.sessions == (dt.date(2025, 3, 1),)


def test_optional_sections_default() -> None:
    d = _data()
    del d["treatment"]
    p = parse_profile(d, today=TODAY)
    assert p.treatment.pigment == "carbon-black" and p.treatment.sessions is None
    assert p.forecast.horizon_years == 30


def _set(path: str, value: Any) -> dict[str, Any]:
    d = _data()
    *parents, last = path.split(".")
    node = d
    for key in parents:
        node = node.setdefault(key, {})
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return d


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "hint"),
    [
        (
            "lifestyle.outdoor_hours_weekday",
            -1.0,
            "lifestyle.outdoor_hours_weekday",
            "greater than or equal to 0",
        ),
        (
            "lifestyle.outdoor_hours_weekend",
            30,
            "lifestyle.outdoor_hours_weekend",
            "less than or equal to 16",
        ),
        ("lifestyle.hat_share", 1.4, "lifestyle.hat_share", "less than or equal to 1"),
        ("lifestyle.sunscreen.spf", 0.5, "lifestyle.sunscreen.spf", "greater than or equal to 1"),
        (
            "lifestyle.sunscreen.share",
            -0.1,
            "lifestyle.sunscreen.share",
            "greater than or equal to 0",
        ),
        (
            "lifestyle.outdoor_hours_weekday",
            "lots",
            "lifestyle.outdoor_hours_weekday",
            "valid number",
        ),
        ("lifestyle.outdoor_job", "sometimes", "lifestyle.outdoor_job", "valid boolean"),
        (
            "lifestyle.sunscreen.colour",
            "blue",
            "lifestyle.sunscreen.colour",
            "spf, share, mg_per_cm2",
        ),
        ("lifestyle.tan", True, "lifestyle.tan", "outdoor_hours_weekday"),
        ("person.immune", "great", "person.immune", "'normal', 'weakened' or 'suppressed'"),
        ("person.birth_year", 2015, "person.birth_year", "16-110 years old"),
        ("person.birth_year", 1900, "person.birth_year", "16-110 years old"),
        ("person.skin", {"fitzpatrick": 7}, "person.skin.fitzpatrick", "less than or equal to 6"),
        ("person.skin", {"fitzpatrick": 2, "ita_deg": 30}, "person.skin", "exactly one"),
        ("person.birth_year", _DELETE, "person.birth_year", "required"),
        (
            "treatment.pigment",
            "india-ink",
            "treatment.pigment",
            "carbon-black, iron-oxide, organic-blend",
        ),
        ("treatment.placement", "medium", "treatment.placement", "'optimal', 'shallow' or 'deep'"),
        (
            "treatment.sessions",
            ["2025-03-15", "2025-03-01"],
            "treatment.sessions",
            "increasing order",
        ),
        ("treatment.sessions", ["2025-03-01", "2030-01-01"], "treatment.sessions", "2 years ahead"),
        ("treatment.sessions", ["2025-02-30"], "treatment.sessions.0", "YYYY-MM-DD"),
        ("place.lat", 50.0, "place", "city or lat and lon, not both"),
        ("forecast.touchup_threshold", 1.5, "forecast.touchup_threshold", "less than 1"),
        ("hair", {"stage": 0}, "hair.stage", "1-7 on the norwood scale"),
        ("hair", {"scale": "ludwig", "stage": 5}, "hair.stage", "0-3 on the ludwig scale"),
        ("hair", {"stage": 3, "treated_stage": 8}, "hair.treated_stage", "less than or equal to 7"),
        ("hair", {"scale": "hamilton", "stage": 3}, "hair.scale", "'norwood' or 'ludwig'"),
        ("hair", {"family_history": True}, "hair.stage", "required"),
        ("goals.mature_hairline_age", 12, "goals.mature_hairline_age", "greater than or equal"),
        ("goals.side_profile_age", 130, "goals.side_profile_age", "less than or equal to 110"),
        ("costs.currency", "euro", "costs.currency", "three-letter ISO 4217 code"),
        ("costs.price_per_session", -5, "costs.price_per_session", "greater than or equal to 0"),
        ("costs.price_by_stage", {"9": 300}, "costs.price_by_stage", "stages must be 0-7"),
        ("costs.price_by_stage", {"x": 300}, "costs.price_by_stage", "whole numbers 0-7"),
        ("costs.price_by_stage", {"3": -1}, "costs.price_by_stage", "at least 0"),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    path: str, value: Any, field: str, hint: str
) -> None:
    with pytest.raises(InputError) as info:
        parse_profile(_set(path, value), today=TODAY)
    err = info.value
    assert err.field == field
    assert hint in err.message
    assert "\n" not in str(err)


def test_latitude_out_of_range() -> None:
    d = _data()
    d["place"] = {"lat": 91.0, "lon": 0.0}
    with pytest.raises(InputError) as info:
        parse_profile(d, today=TODAY)
    assert info.value.field == "place.lat"
    assert "less than or equal to 90" in info.value.message


def test_malformed_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[person\nbirth_year = 1988\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_profile(bad)
    with pytest.raises(InputError, match="file not found"):
        load_profile(tmp_path / "missing.toml")
    with pytest.raises(InputError, match="is a directory"):
        load_profile(tmp_path)


def test_schema_describes_the_contract() -> None:
    schema = profile_json_schema()
    assert set(schema["required"]) == {"person", "place", "lifestyle"}
    jsonschema.Draft202012Validator.check_schema(schema)
