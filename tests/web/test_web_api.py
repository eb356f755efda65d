"""The public API through FastAPI's test client: the same answers as the command line's
JSON, every bad input a 422 naming its field, uploads bounded and type-checked, and
responses inside the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import io
import json
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jsonschema
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from fadecast.forecasting import forecast, scenario_from_profile
from fadecast.inputs.places import resolve_city, suggest_places
from fadecast.inputs.profile import parse_profile
from fadecast.measure.measurement import measure_photo
from fadecast.planning import default_until_age, plan
from fadecast.render.scene import RenderSettings, render_profile
from fadecast.report.files import png_bytes
from fadecast.report.json import forecast_dict, measurement_dict, plan_dict
from fadecast.web import WebSettings, create_app

TODAY = dt.date(2026, 6, 1)
SAMPLES = 200
PX_PER_MM = 20.0
SETTINGS = WebSettings(samples=200, today=TODAY)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A test client of one app for the module, at a fixed day and with few draws."""
    with TestClient(create_app(SETTINGS)) as test_client:
        yield test_client


def example_tables(name: str = "temperate-office-worker.toml") -> dict[str, Any]:
    """A packaged example profile as JSON would carry it (dates as strings)."""
    text = resources.files("fadecast").joinpath("examples", name).read_text("utf-8")
    loaded = tomllib.loads(text)
    tables: dict[str, Any] = json.loads(json.dumps(loaded, default=lambda v: v.isoformat()))
    return tables


def as_json(data: Any) -> Any:
    return json.loads(json.dumps(data, allow_nan=False))


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A close-up render of the example profile a year after healing, as PNG."""
    tables = example_tables()
    profile = parse_profile(tables, today=TODAY)
    sc = scenario_from_profile(profile, today=TODAY)
    renders = render_profile(sc, [1.0], RenderSettings(size_mm=12.0, px_per_mm=PX_PER_MM))
    return png_bytes(renders.pictures[0].closeup_srgb)


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def validate(openapi: dict[str, Any], component: str, instance: Any) -> None:
    """Check ``instance`` against a component of the OpenAPI document (JSON Schema 2020-12)."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def error_locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["detail"]]


# Forecast and plan ----------------------------------------------------------------


def test_the_forecast_is_the_command_lines_json(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    tables = example_tables()
    response = client.post(
        "/api/v1/forecast", json={"profile": tables, "samples": SAMPLES, "today": "2026-06-01"}
    )
    assert response.status_code == 200, response.text
    got = response.json()
    expected = forecast_dict(
        forecast(parse_profile(tables, today=TODAY), samples=SAMPLES, seed=0, today=TODAY)
    )
    assert got == as_json(expected)
    validate(openapi, "ForecastOut", got)


def test_the_plan_is_the_command_lines_json(client: TestClient, openapi: dict[str, Any]) -> None:
    tables = example_tables()
    tables["costs"] = {"price_per_session": 350, "currency": "GBP"}
    response = client.post(
        "/api/v1/plan",
        json={"profile": tables, "samples": SAMPLES, "seed": 3, "today": "2026-06-01"},
    )
    assert response.status_code == 200, response.text
    got = response.json()
    profile = parse_profile(tables, today=TODAY)
    expected = plan(
        profile,
        until_age=default_until_age(profile, TODAY),
        samples=SAMPLES,
        seed=3,
        today=TODAY,
    )
    assert got == as_json(plan_dict(expected))
    assert got["cost"]["priced"] is True
    validate(openapi, "PlanOut", got)


def test_an_unpriced_plan_keeps_the_contracts_short_cost(client: TestClient) -> None:
    response = client.post(
        "/api/v1/plan",
        json={"profile": example_tables(), "samples": SAMPLES, "today": "2026-06-01"},
    )
    assert response.status_code == 200
    assert response.json()["cost"] == {"currency": "EUR", "priced": False}


@pytest.mark.parametrize(
    ("change", "loc", "words"),
    [
        ({"lifestyle": {"hat_share": 1.4}}, ["lifestyle", "hat_share"], "less than or equal to 1"),
        ({"place": {"city": "Nowhereville"}}, ["place", "city"], "unknown place"),
        ({"person": {"skin": {"fitzpatrick": 9}}}, ["person", "skin", "fitzpatrick"], "6"),
        (
            {"treatment": {"sessions": ["2025-03-15", "2025-03-01"]}},
            ["treatment", "sessions"],
            "increasing",
        ),
        ({"lifestyle": {"colour": "blue"}}, ["lifestyle", "colour"], "unknown key"),
    ],
)
def test_a_bad_profile_is_a_422_naming_the_field(
    client: TestClient, change: dict[str, Any], loc: list[str], words: str
) -> None:
    tables = example_tables()
    for table, values in change.items():
        tables[table] = {**tables.get(table, {}), **values}
    response = client.post(
        "/api/v1/forecast", json={"profile": tables, "samples": SAMPLES, "today": "2026-06-01"}
    )
    assert error_locs(response) == [["body", "profile", *loc]]
    assert words in response.json()["detail"][0]["msg"]


def test_bad_request_fields_are_named(client: TestClient) -> None:
    tables = example_tables()
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"profile": tables, "samples": 5}, ["body", "samples"]),
        ({"profile": tables, "samples": SETTINGS.max_samples + 1}, ["body", "samples"]),
        ({"profile": tables, "seed": -1}, ["body", "seed"]),
        ({"profile": tables, "today": "someday"}, ["body", "today"]),
        ({"profile": tables, "today": "1900-01-01"}, ["body", "today"]),
        ({"profile": tables, "colour": "blue"}, ["body", "colour"]),
        ({"profile": "a profile"}, ["body", "profile"]),
        ({}, ["body", "profile"]),
    ]
    for body, loc in cases:
        response = client.post("/api/v1/forecast", json=body)
        assert loc in error_locs(response), (body, response.json())
    response = client.post(
        "/api/v1/plan", json={"profile": tables, "samples": SAMPLES, "until_age": 20}
    )
    assert error_locs(response) == [["body", "until_age"]]


def test_a_body_that_is_not_json_or_too_large_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/forecast", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    huge = json.dumps({"profile": {"name": "x" * (2 << 20)}})
    response = client.post(
        "/api/v1/forecast", content=huge, headers={"content-type": "application/json"}
    )
    assert error_locs(response) == [["body"]]


# Measure --------------------------------------------------------------------------


def test_measure_a_photo_rendered_by_fadecast(
    client: TestClient, photo: bytes, openapi: dict[str, Any]
) -> None:
    response = client.post(
        "/api/v1/measure",
        files={"photo": ("visit.png", photo, "image/png")},
        data={"mm_per_px": str(1 / PX_PER_MM), "white": "none"},
    )
    assert response.status_code == 200, response.text
    got = response.json()
    srgb = np.asarray(Image.open(io.BytesIO(photo)).convert("RGB"))
    expected = measurement_dict(measure_photo(srgb, mm_per_px=1 / PX_PER_MM, white=None))
    assert got == as_json({"file": "visit.png", **expected})
    assert got["dots"]["count"] > 50
    validate(openapi, "MeasurementOut", got)


def test_measure_checks_the_type_by_its_bytes(client: TestClient, photo: bytes) -> None:
    cases = [
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"GIF89a" + b"\x00" * 64,
        b"%PDF-1.7 ...",
        b"",
    ]
    for content in cases:
        # The name and the declared type claim a PNG: only the bytes count.
        response = client.post(
            "/api/v1/measure", files={"photo": ("photo.png", content, "image/png")}
        )
        assert error_locs(response) == [["body", "photo"]], content
    truncated = client.post(
        "/api/v1/measure", files={"photo": ("cut.png", photo[:400], "image/png")}
    )
    assert error_locs(truncated) == [["body", "photo"]]
    assert "cut.png" in truncated.json()["detail"][0]["msg"]


def test_measure_bounds_bytes_and_pixels(photo: bytes) -> None:
    small = create_app(
        WebSettings(samples=200, today=TODAY, max_upload_bytes=20_000, max_upload_pixels=10_000)
    )
    with TestClient(small) as client:
        big = client.post("/api/v1/measure", files={"photo": ("p.png", b"\x89PNG" + bytes(30_000))})
        assert error_locs(big) == [["body", "photo"]]
        assert "larger than" in big.json()["detail"][0]["msg"]
        tiny = png_bytes(np.full((120, 120, 3), 200, dtype=np.uint8))  # 14,400 pixels
        assert len(tiny) < 20_000
        wide = client.post("/api/v1/measure", files={"photo": ("p.png", tiny, "image/png")})
        assert error_locs(wide) == [["body", "photo"]]
        assert "megapixels" in wide.json()["detail"][0]["msg"]


def test_measure_options_are_named(client: TestClient, photo: bytes) -> None:
    for data, loc in (
        ({"mm_per_px": "100"}, ["body", "mm_per_px"]),
        ({"mm_per_px": "a lot"}, ["body", "mm_per_px"]),
        ({"white": "1,2,3"}, ["body", "white"]),
        ({"card_reflectance": "7"}, ["body", "card_reflectance"]),
    ):
        response = client.post(
            "/api/v1/measure", files={"photo": ("p.png", photo, "image/png")}, data=data
        )
        assert error_locs(response) == [loc], data
    missing = client.post("/api/v1/measure", data={"white": "none"})
    assert error_locs(missing) == [["body", "photo"]]


def test_a_photo_without_dots_is_named(client: TestClient) -> None:
    skin = np.empty((200, 200, 3), dtype=np.uint8)
    skin[...] = (200, 160, 140)
    skin[::2, ::2] = (198, 158, 139)
    response = client.post(
        "/api/v1/measure",
        files={"photo": ("bare.png", png_bytes(skin), "image/png")},
        data={"mm_per_px": "0.05", "white": "none"},
    )
    assert error_locs(response) == [["body", "photo"]]


# Places ---------------------------------------------------------------------------


def test_place_suggestions_resolve_as_cities(client: TestClient, openapi: dict[str, Any]) -> None:
    response = client.get("/api/v1/places", params={"q": "sao p"})
    assert response.status_code == 200
    got = response.json()
    validate(openapi, "PlacesOut", got)
    labels = [p["label"] for p in got["places"]]
    assert labels[0] == "São Paulo (BR)"
    for place in got["places"]:
        found = resolve_city(place["label"])
        assert (found.name, found.country_code) == (place["name"], place["country_code"])
    assert client.get("/api/v1/places", params={"q": "x"}).json()["places"] == []
    narrowed = client.get("/api/v1/places", params={"q": "manchester, us", "limit": 3}).json()
    assert [p["country_code"] for p in narrowed["places"]] == ["US"]


def test_place_suggestions_are_the_gazetteers_own(client: TestClient) -> None:
    for query, limit in (("manch", 10), ("lon", 4), ("manch, united states", 10)):
        got = client.get("/api/v1/places", params={"q": query, "limit": limit}).json()
        assert got["query"] == query
        assert [p["label"] for p in got["places"]] == [
            s.label for s in suggest_places(query, limit=limit)
        ]
    named = client.get("/api/v1/places", params={"q": "manch, united states"}).json()
    assert {p["country_code"] for p in named["places"]} == {"US"}
    assert client.get("/api/v1/places", params={"q": "paris, atlantis"}).json()["places"] == []


def test_place_queries_are_bounded(client: TestClient) -> None:
    assert error_locs(client.get("/api/v1/places", params={"q": "a" * 201})) == [["query", "q"]]
    assert error_locs(client.get("/api/v1/places", params={"q": "lon", "limit": 50})) == [
        ["query", "limit"]
    ]
    assert error_locs(client.get("/api/v1/places")) == [["query", "q"]]


# The schema -----------------------------------------------------------------------


def test_the_openapi_schema_is_precise_and_whole(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    assert {"/api/v1/forecast", "/api/v1/plan", "/api/v1/measure", "/api/v1/places"} <= set(paths)
    ok = paths["/api/v1/forecast"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/ForecastOut"}
    request = openapi["components"]["schemas"]["ForecastRequest"]["properties"]["profile"]
    assert request == {"$ref": "#/components/schemas/Profile"}
    # Every reference resolves inside the document.
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi)
    names = set(openapi["components"]["schemas"])
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= names
    # The profile's own schema takes the packaged examples.
    for name in ("temperate-office-worker.toml", "sunbed-user.toml", "deep-placement.toml"):
        validate(openapi, "Profile", example_tables(name))


def test_the_api_pages_that_load_a_cdn_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_api_errors_carry_the_security_headers(client: TestClient) -> None:
    response = client.post("/api/v1/forecast", json={})
    assert response.status_code == 422
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
