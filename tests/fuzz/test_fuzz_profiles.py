"""Fuzzing profiles: field by field, valid and not, through the Python API and as TOML.

Every outcome is either a clean :class:`~fadecast.errors.InputError` (one line naming
the field) or a forecast and a plan that pass the sanity checks of ``fuzz_checks``.
The number of examples comes from the hypothesis profile (``conftest.py``): a
bounded run by default, a long one with ``FADECAST_FUZZ=release``.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from pathlib import Path
from typing import Any

from fuzz_checks import check_forecast, check_input_error, check_sane, strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fadecast
from fadecast.errors import InputError
from fadecast.inputs.profile import load_profile, parse_profile
from fadecast.planning import default_until_age, plan
from fadecast.report.json import forecast_dict, plan_dict

TODAY = dt.date(2026, 11, 23)
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

CITIES = ["Manchester", "Malaga", "Sydney", "Quito", "Reykjavik", "Singapore", "Denver, US"]
PIGMENTS = ["carbon-black", "iron-oxide", "organic-blend"]


# ------------------------------------------------------------------ values of every kind
finite = st.floats(allow_nan=False, allow_infinity=False)
weird_floats = st.sampled_from(
    [float("nan"), float("inf"), float("-inf"), -0.0, 5e-324, 1e308, -1e308]
)
huge_ints = st.sampled_from([10**400, -(10**400), 2**63, 2**64 + 1])
deep = st.integers(min_value=30, max_value=1200).map(lambda n: _nest(n))
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "{0}", "0", "a", "x", "\n", "\x00", "Москва", "東京", "القاهرة", "😀"]
    ),
    st.text(alphabet=string.printable, min_size=200, max_size=400),
)
any_value: st.SearchStrategy[Any] = st.one_of(
    st.integers(0, 100),
    st.floats(0, 100),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    huge_ints,
    finite,
    weird_floats,
    texts,
    st.dates(),
    st.dates().map(dt.date.isoformat),
    st.lists(st.integers(min_value=-200, max_value=200), max_size=4),
    st.dictionaries(st.sampled_from(["a", "spf", "share", "city"]), st.integers(), max_size=2),
    deep,
)


def _nest(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value} if levels % 2 else [value]
    return value


# ------------------------------------------------------------------ plausible profiles
@st.composite
def sessions(draw: st.DrawFn, today: dt.date) -> list[dt.date]:
    """Increasing session dates from 1980 to two years ahead."""
    latest = today + dt.timedelta(days=720)
    start = draw(st.dates(min_value=dt.date(1980, 1, 1), max_value=latest))
    gaps = draw(st.lists(st.integers(min_value=1, max_value=4000), max_size=5))
    days = [start]
    for gap in gaps:
        if days[-1] + dt.timedelta(days=gap) <= latest:
            days.append(days[-1] + dt.timedelta(days=gap))
    return days


@st.composite
def valid_profiles(draw: st.DrawFn, today: dt.date = TODAY) -> dict[str, Any]:
    """Profiles that should mostly validate: each field drawn within or near its range."""
    skin = draw(
        st.one_of(
            st.builds(lambda t: {"fitzpatrick": t}, st.integers(1, 6)),
            st.builds(lambda i: {"ita_deg": i}, st.floats(-90, 90)),
            st.builds(
                lambda lab: {"lab": list(lab)},
                st.tuples(st.floats(25, 85), st.floats(0, 25), st.floats(5, 35)),
            ),
        )
    )
    place = draw(
        st.one_of(
            st.builds(lambda c: {"city": c}, st.sampled_from(CITIES)),
            st.builds(
                lambda la, lo: {"lat": la, "lon": lo}, st.floats(-90, 90), st.floats(-180, 180)
            ),
        )
    )
    if draw(st.booleans()):
        place["altitude_m"] = draw(st.floats(-500, 6000))
    lifestyle: dict[str, Any] = {
        "outdoor_hours_weekday": draw(st.floats(0, 16)),
        "outdoor_hours_weekend": draw(st.floats(0, 16)),
        "outdoor_job": draw(st.booleans()),
        "holiday_weeks": draw(st.floats(0, 26)),
        "hat_share": draw(st.floats(0, 1)),
        "sunbed_sessions_per_year": draw(st.sampled_from([0, 0, 10, 365])),
        "hair_length_mm": draw(st.floats(0, 300)),
    }
    if draw(st.booleans()):
        lifestyle["sunscreen"] = {"spf": draw(st.floats(1, 100)), "share": draw(st.floats(0, 1))}
        if draw(st.booleans()):
            lifestyle["sunscreen"]["uva_pf"] = draw(st.floats(1, 100))
        if draw(st.booleans()):
            lifestyle["sunscreen"]["mg_per_cm2"] = draw(st.floats(0.01, 4))
    data: dict[str, Any] = {
        "person": {
            "birth_year": draw(st.integers(today.year - 110, today.year - 16)),
            "skin": skin,
            "smoker": draw(st.booleans()),
            "immune": draw(st.sampled_from(["normal", "weakened", "suppressed"])),
        },
        "place": place,
        "lifestyle": lifestyle,
        "treatment": {
            "pigment": draw(st.sampled_from(PIGMENTS)),
            "placement": draw(st.sampled_from(["optimal", "shallow", "deep"])),
        },
    }
    if draw(st.booleans()):
        data["treatment"]["sessions"] = draw(sessions(today))
    if draw(st.booleans()):
        data["forecast"] = {"horizon_years": draw(st.floats(5, 60))}
    if draw(st.booleans()):
        data["hair"] = {"stage": draw(st.integers(1, 7)), "family_history": draw(st.booleans())}
    if draw(st.booleans()):
        data["costs"] = {"price_per_session": draw(st.floats(0, 5000))}
    if draw(st.booleans()):
        letters = string.ascii_letters + string.digits + " -'"
        data["name"] = draw(st.text(letters, min_size=1, max_size=60))
    return data


#: Every field a mutation may set or remove, as a path of keys.
PATHS: list[tuple[str, ...]] = [
    ("person", "birth_year"),
    ("person", "skin"),
    ("person", "skin", "fitzpatrick"),
    ("person", "skin", "lab"),
    ("person", "skin", "ita_deg"),
    ("person", "smoker"),
    ("person", "immune"),
    ("place",),
    ("place", "city"),
    ("place", "lat"),
    ("place", "lon"),
    ("place", "altitude_m"),
    ("place", "cloud_factor"),
    ("lifestyle", "outdoor_hours_weekday"),
    ("lifestyle", "outdoor_hours_weekend"),
    ("lifestyle", "outdoor_job"),
    ("lifestyle", "holiday_weeks"),
    ("lifestyle", "holiday_city"),
    ("lifestyle", "hat_share"),
    ("lifestyle", "hat_upf"),
    ("lifestyle", "sunscreen"),
    ("lifestyle", "sunscreen", "spf"),
    ("lifestyle", "sunscreen", "uva_pf"),
    ("lifestyle", "sunscreen", "mg_per_cm2"),
    ("lifestyle", "sunbed_sessions_per_year"),
    ("lifestyle", "sunbed_minutes"),
    ("lifestyle", "hair_length_mm"),
    ("treatment", "pigment"),
    ("treatment", "placement"),
    ("treatment", "sessions"),
    ("forecast", "touchup_threshold"),
    ("forecast", "horizon_years"),
    ("hair", "stage"),
    ("hair", "scale"),
    ("goals", "mature_hairline_age"),
    ("costs", "currency"),
    ("costs", "price_per_session"),
    ("costs", "price_by_stage"),
    ("measurements",),
    ("name",),
    ("unknown_key",),
]


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any, remove: bool) -> None:
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    if remove:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


measurement_entries = st.lists(
    st.fixed_dictionaries(
        {"date": st.one_of(st.dates(), any_value)},
        optional={
            "social_delta_e00": st.one_of(finite, weird_floats, any_value),
            "sd_delta_e00": st.one_of(st.sampled_from([1e-300, 0.0, 1e-3, 0.5, 30.0]), any_value),
            "flags": st.one_of(st.lists(st.sampled_from(["no_bare_skin", "x"])), any_value),
        },
    ),
    max_size=3,
)


@st.composite
def mutated_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A plausible profile with one to three fields set to anything, or removed."""
    data = draw(valid_profiles())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        value = draw(measurement_entries) if path == ("measurements",) else draw(any_value)
        _set(data, path, value, remove=draw(st.booleans()) and len(path) > 1)
    return data


# ------------------------------------------------------------------ the outcome
def outcome(data: Any, today: dt.date = TODAY, *, with_plan: bool = False) -> str:
    """Validate, forecast and (optionally) plan; check whatever comes out."""
    try:
        profile = parse_profile(data, today=today)
    except InputError as error:
        check_input_error(error)
        return "refused"
    try:
        result = fadecast.forecast(profile, samples=40, seed=0, today=today)
    except InputError as error:
        check_input_error(error)
        return "refused by the forecast"
    check_forecast(forecast_dict(result), today)
    if with_plan:
        try:
            lifetime = plan(
                profile,
                until_age=default_until_age(profile, today),
                samples=30,
                seed=0,
                today=today,
            )
        except InputError as error:
            check_input_error(error)
            return "plan refused"
        data_plan = plan_dict(lifetime)
        check_sane(data_plan, earliest=dt.date(1900, 1, 1), latest=dt.date(2300, 1, 1))
        for key in ("p10", "p50", "p90"):
            assert data_plan["counts"]["total"][key] >= 0
    return "forecast"


@SLOW
@given(valid_profiles())
def test_fuzz_plausible_profiles_forecast_cleanly(data: dict[str, Any]) -> None:
    outcome(data)


@SLOW
@given(mutated_profiles())
def test_fuzz_mutated_profiles_are_refused_cleanly_or_forecast(data: dict[str, Any]) -> None:
    outcome(data)


@settings(SLOW, max_examples=max(5, settings().max_examples // 4))
@given(valid_profiles())
def test_fuzz_plausible_profiles_plan_cleanly(data: dict[str, Any]) -> None:
    outcome(data, with_plan=True)


@SLOW
@given(valid_profiles(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_fuzz_any_today_in_range(data: dict[str, Any], today: dt.date) -> None:
    outcome(data, today)


@SLOW
@given(
    st.one_of(
        any_value,
        st.lists(any_value, max_size=3),
        st.dictionaries(st.text(max_size=8), any_value, max_size=4),
    )
)
def test_fuzz_a_profile_that_is_not_a_table(data: Any) -> None:
    outcome(data)


# ------------------------------------------------------------------ TOML text
toml_texts = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
    st.integers(1, 2000).map(lambda n: "a = " + "[" * n + "]" * n),
    st.integers(1, 2000).map(lambda n: "a = " + "{b = " * n + "1" + "}" * n),
    st.integers(4000, 6000).map(lambda n: "[person]\nbirth_year = " + "9" * n),
    st.just("\ufeff[person]\nbirth_year = 1980\n"),
)


@SLOW
@given(toml_texts, st.booleans())
def test_fuzz_toml_text_is_refused_cleanly_or_read(
    tmp_path_factory: Any, text: str, bom: bool
) -> None:
    path = Path(tmp_path_factory.mktemp("toml")) / "profile.toml"
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8", "surrogatepass"))
    try:
        load_profile(path, today=TODAY)
    except InputError as error:
        check_input_error(error)


@SLOW
@given(valid_profiles(), st.booleans())
def test_fuzz_written_profiles_read_back_the_same(data: dict[str, Any], bom: bool) -> None:
    """A profile written as TOML (optionally with a byte-order mark) reads back to the
    same validated profile as the mapping it came from."""
    import tempfile

    try:
        expected = parse_profile(data, today=TODAY)
    except InputError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.toml"
        path.write_text(("\ufeff" if bom else "") + _toml(data), encoding="utf-8")
        assert load_profile(path, today=TODAY) == expected
    strict_json(expected.model_dump(mode="json"))


def _toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for the profiles drawn here (tables, scalars, arrays, dates)."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(f"\n[{prefix}{key}]\n" + _toml(value, f"{prefix}{key}."))
        else:
            lines.append(f"{key} = {_scalar(value)}")
    return "\n".join(lines) + "".join(tables) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return (
            '"'
            + "".join(
                c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in value
            )
            + '"'
        )
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_the_toml_writer_round_trips_an_example() -> None:
    data = tomllib.loads(
        (Path(fadecast.__file__).parent / "examples" / "sunbed-user.toml").read_text()
    )
    assert tomllib.loads(_toml(data)) == data
