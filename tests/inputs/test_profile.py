"""Tests of profile loading and validation: the public contract."""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fadecast.errors import InputError
from fadecast.inputs.profile import MAX_PRICE, load_profile, parse_profile, profile_json_schema

EXAMPLES = sorted((Path(__file__).parents[2] / "src" / "fadecast" / "examples").glob("*.toml"))
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
            "lifestyle.sunscreen.uva_pf",
            0.5,
            "lifestyle.sunscreen.uva_pf",
            "greater than or equal to 1",
        ),
        (
            "lifestyle.sunscreen.mg_per_cm2",
            0.0,
            "lifestyle.sunscreen.mg_per_cm2",
            "greater than 0",
        ),
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
            "spf, uva_pf, share, mg_per_cm2",
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
        load_profile(bad, today=TODAY)
    with pytest.raises(InputError, match="file not found"):
        load_profile(tmp_path / "missing.toml", today=TODAY)
    with pytest.raises(InputError, match="is a directory"):
        load_profile(tmp_path, today=TODAY)


def test_schema_describes_the_contract() -> None:
    schema = profile_json_schema()
    assert set(schema["required"]) == {"person", "place", "lifestyle"}
    jsonschema.Draft202012Validator.check_schema(schema)


# --- Hardening: strict types, bounds, odd files -----------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field", "hint"),
    [
        ("lifestyle.hat_share", True, "lifestyle.hat_share", "valid number"),
        ("lifestyle.hat_share", "0.5", "lifestyle.hat_share", "valid number"),
        ("person.smoker", "yes", "person.smoker", "valid boolean"),
        ("person.smoker", 1, "person.smoker", "valid boolean"),
        ("person.skin", {"fitzpatrick": "3"}, "person.skin.fitzpatrick", "valid integer"),
        ("person.skin", {"fitzpatrick": 3.0}, "person.skin.fitzpatrick", "valid integer"),
        ("person.birth_year", "1988", "person.birth_year", "valid integer"),
        ("treatment.sessions", [1740787200], "treatment.sessions.0", "YYYY-MM-DD"),
        ("treatment.sessions", ["20250301"], "treatment.sessions.0", "YYYY-MM-DD"),
        (
            "treatment.sessions",
            [dt.datetime(2025, 3, 1, 10, 0)],
            "treatment.sessions.0",
            "YYYY-MM-DD",
        ),
        ("costs.price_by_stage", {True: 300}, "costs.price_by_stage", "whole numbers 0-7"),
        ("costs.price_by_stage", {"3.7": 300}, "costs.price_by_stage", "whole numbers 0-7"),
    ],
)
def test_values_are_not_coerced_from_other_types(
    path: str, value: Any, field: str, hint: str
) -> None:
    with pytest.raises(InputError) as info:
        parse_profile(_set(path, value), today=TODAY)
    assert info.value.field == field
    assert hint in info.value.message


def test_an_integer_for_a_number_and_iso_strings_for_dates_are_fine() -> None:
    d = _set("lifestyle.hat_share", 1)
    d["treatment"]["sessions"] = ["2025-03-01", dt.date(2025, 3, 15)]
    p = parse_profile(d, today=TODAY)
    assert p.lifestyle.hat_share == 1.0
    assert p.treatment.sessions == (dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    # The JSON the web app sends: dates as strings, round-tripped through the model.
    again = parse_profile(json.loads(p.model_dump_json()), today=TODAY)
    assert again == p


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize(
    "path",
    [
        "lifestyle.outdoor_hours_weekday",
        "lifestyle.hat_share",
        "lifestyle.sunscreen.spf",
        "lifestyle.sunscreen.uva_pf",
        "lifestyle.sunscreen.mg_per_cm2",
        "place.altitude_m",
        "forecast.horizon_years",
        "forecast.touchup_threshold",
        "costs.price_per_session",
        "person.skin.ita_deg",
    ],
)
def test_non_finite_numbers_are_refused_everywhere(path: str, bad: float) -> None:
    d = _set("person.skin", {"ita_deg": 30.0}) if path == "person.skin.ita_deg" else _data()
    node = d
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = bad
    with pytest.raises(InputError) as info:
        parse_profile(d, today=TODAY)
    assert info.value.field == path
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("costs", "field"),
    [
        ({"price_per_session": math.inf}, "costs.price_per_session"),
        ({"price_per_session": 1e308}, "costs.price_per_session"),
        ({"price_by_stage": {"3": math.nan}}, "costs.price_by_stage.3"),
        ({"price_by_stage": {"3": 1e308}}, "costs.price_by_stage"),
    ],
)
def test_prices_are_finite_and_bounded(costs: dict[str, Any], field: str) -> None:
    d = _data()
    d["costs"] = costs
    with pytest.raises(InputError) as info:
        parse_profile(d, today=TODAY)
    assert info.value.field == field
    d["costs"] = {"price_per_session": MAX_PRICE, "price_by_stage": {"2": MAX_PRICE}}
    assert parse_profile(d, today=TODAY).costs.price_per_session == MAX_PRICE


@pytest.mark.parametrize(
    ("lab", "field"),
    [
        ([10.0, 15.0, 14.0], "person.skin.lab.0"),  # darker than any skin
        ([95.0, 5.0, 10.0], "person.skin.lab.0"),  # lighter than skin without melanin
        ([60.0, -20.0, 15.0], "person.skin.lab.1"),  # green
        ([60.0, 10.0, -30.0], "person.skin.lab.2"),  # blue
        ([60.0, 10.0, 80.0], "person.skin.lab.2"),
    ],
)
def test_skin_lab_must_lie_in_the_gamut_of_human_skin(lab: list[float], field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_profile(_set("person.skin", {"lab": lab}), today=TODAY)
    assert info.value.field == field


def test_the_skin_gamut_holds_every_representative_colour() -> None:
    from fadecast.skin.tone import FITZPATRICK_TYPES, skin_lab_from_fitzpatrick, skin_lab_gamut

    gamut = skin_lab_gamut()
    for t in FITZPATRICK_TYPES:
        for value, (low, high) in zip(skin_lab_from_fitzpatrick(t), gamut.values(), strict=True):
            assert low <= value <= high
    schema = profile_json_schema()["$defs"]["Skin"]["properties"]["lab"]["anyOf"][0]
    assert schema["prefixItems"][0]["minimum"] == gamut["L"][0]


def test_huge_integers_name_their_field() -> None:
    with pytest.raises(InputError) as info:
        parse_profile(_set("person.birth_year", 10**5000), today=TODAY)
    assert info.value.field == "person.birth_year"
    assert "5000 digits" in info.value.message and len(str(info.value)) < 200
    with pytest.raises(InputError) as info:
        parse_profile(_set("lifestyle.hat_share", 10**5000), today=TODAY)
    assert info.value.field == "lifestyle.hat_share"


def test_huge_integers_in_toml_are_a_profile_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(BASE.replace("birth_year = 1988", "birth_year = " + "9" * 5000), "utf-8")
    with pytest.raises(InputError) as info:
        load_profile(path, today=TODAY)
    assert info.value.field == "profile" and "4300 digits" in info.value.message


@pytest.mark.parametrize(
    "text", ["x = " + "[" * 1000 + "]" * 1000, "x = " + "{a = " * 1000 + "1" + "}" * 1000]
)
def test_deeply_nested_toml_is_a_profile_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        load_profile(path, today=TODAY)
    assert info.value.field == "profile" and "nested too deeply" in info.value.message


def test_deeply_nested_mappings_are_named_in_one_short_line() -> None:
    value: Any = 1
    for _ in range(1000):
        value = [{"a": value}]
    with pytest.raises(InputError) as info:
        parse_profile(_set("person.skin", value), today=TODAY)
    assert info.value.field == "person.skin"
    assert len(str(info.value)) < 200


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert load_profile(path, today=TODAY) == parse_profile(_data(), today=TODAY)


def test_a_profile_file_is_bounded_in_size(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(BASE + "#" * (1 << 20), "utf-8")
    with pytest.raises(InputError, match="larger than 1 MiB"):
        load_profile(path, today=TODAY)


def test_the_first_session_must_be_at_16_or_later() -> None:
    d = _set("person.birth_year", 2009)
    d["treatment"]["sessions"] = ["2024-06-01"]  # the year the client turns 15
    with pytest.raises(InputError) as info:
        parse_profile(d, today=TODAY)
    assert info.value.field == "treatment.sessions"
    assert "before the client was 16" in info.value.message
    d["treatment"]["sessions"] = ["2025-06-01"]
    assert parse_profile(d, today=TODAY).treatment.sessions == (dt.date(2025, 6, 1),)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Client\nsecond line", "control character"),
        ("bell\x07", "control character"),
        ("escape\x1b[31m", "control character"),
        ("x" * 201, "at most 200 characters"),
        ("", "at least 1 character"),
    ],
)
def test_a_name_is_one_line_of_printable_text(name: str, hint: str) -> None:
    with pytest.raises(InputError) as info:
        parse_profile(_set("name", name), today=TODAY)
    assert info.value.field == "name"
    assert hint in info.value.message
    assert "\n" not in str(info.value)


def test_names_in_any_script_are_fine() -> None:
    assert parse_profile(_set("name", "Jürgen Müller 東京 #12"), today=TODAY).name


def test_a_far_today_does_not_break_validation() -> None:
    d = _set("person.birth_year", 9950)
    d["treatment"]["sessions"] = ["9999-01-01"]
    p = parse_profile(d, today=dt.date(9999, 12, 31))
    assert p.treatment.sessions == (dt.date(9999, 1, 1),)
