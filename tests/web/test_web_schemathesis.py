"""The API against its own OpenAPI schema with schemathesis: for requests generated from
the schema (valid and not), no answer is a 5xx and every answer is inside the schema (a
documented status code and content type, a body matching its schema).

The public operations run on an app without records; the clinic's operations on a
SQLite file with one clinic, its owner signed in through ``POST /api/v1/clinic/login``.
A fixed number of examples per operation, derandomised and with no example database, so
a run is the same each time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fadecast.records.clinics import add_client, add_clinic, set_profile
from fadecast.records.database import open_database, upgrade
from fadecast.records.treatments import add_course, add_session
from fadecast.records.users import add_user
from fadecast.web import WebSettings, create_app

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0, 0)
EMAIL = "owner@north.example"
PASSWORD = "a long pass phrase"
#: Few draws, and few allowed, so a generated request costs little.
SETTINGS = WebSettings(samples=20, max_samples=100, today=TODAY)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

public_schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(SETTINGS))


@public_schema.include(path_regex=r"^/api/v1/(?!clinic/)").parametrize()
@BOUNDED
def test_the_public_api_keeps_its_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=CHECKS)


# The calculator's form and downloads are in the schema with the answers they take and
# every answer they give (the file, the form again as 422, no PDF printer as 501).
@public_schema.include(path_regex=r"^/(download/.*)?$").parametrize()
@settings(BOUNDED, max_examples=10)
def test_the_calculators_form_and_downloads_keep_their_schema(
    case: schemathesis.Case[Any],
) -> None:
    case.call_and_validate(checks=CHECKS)


#: Answers that make a profile (the generated ones rarely do).
ANSWERS = {
    "birth_year": "1988",
    "skin": "2",
    "city": "Manchester",
    "weekday_hours": "1",
    "weekend_hours": "4",
    "sessions": "2025-03-01",
}


CALCULATOR_PATHS = (
    "/",
    "/download/profile.toml",
    "/download/report.html",
    "/download/report.pdf",
    "/download/plan.ics",
)


@pytest.mark.parametrize("path", CALCULATOR_PATHS)
def test_the_calculators_files_are_the_documented_ones(path: str) -> None:
    case = public_schema[path]["GET"].Case(query=ANSWERS)
    answer = case.call_and_validate(checks=CHECKS)
    assert answer.status_code in ((200, 501) if path.endswith(".pdf") else (200,))
    wrong = public_schema[path]["GET"].Case(query={**ANSWERS, "birth_year": "2020"})
    refused = wrong.call_and_validate(checks=CHECKS)
    assert refused.status_code == (200 if path == "/" else 422)


def test_only_pages_that_document_each_answer_are_in_the_schema() -> None:
    """The result pages (HTML for people, a 422 form for bad answers) are left out; every
    other operation outside the API documents its answers' content types, and the
    downloads their 422."""
    paths = create_app(SETTINGS).openapi()["paths"]
    assert "/result" not in paths
    pages = {p: ops for p, ops in paths.items() if not p.startswith("/api/v1/")}
    assert set(pages) == {
        "/",
        "/download/profile.toml",
        "/download/report.html",
        "/download/report.pdf",
        "/download/plan.ics",
    }
    types = {
        "/": "text/html",
        "/download/profile.toml": "application/toml",
        "/download/report.html": "text/html",
        "/download/report.pdf": "application/pdf",
        "/download/plan.ics": "text/calendar",
    }
    for path, ops in pages.items():
        answers = ops["get"]["responses"]
        assert list(answers["200"]["content"]) == [types[path]], path
        if path.startswith("/download/"):
            assert list(answers["422"]["content"]) == ["text/html"], path
        names = {p["name"] for p in ops["get"]["parameters"]}
        assert {"birth_year", "city", "skin"} <= names, path


def clinic_app(folder: Path) -> FastAPI:
    """An app on a fresh SQLite file: clinic Northside, its owner, client C-001 with a
    profile and a course of two sessions."""
    url = f"sqlite:///{folder / 'records.sqlite'}"
    upgrade(url)
    records = open_database(url)
    try:
        with records.transaction() as session:
            clinic = add_clinic(session, name="Northside", actor="test", now=NOW)
            add_user(
                session,
                clinic_id=clinic.id,
                email=EMAIL,
                display_name="Owner",
                role="owner",
                password=PASSWORD,
                actor="test",
                now=NOW,
            )
            client = add_client(
                session,
                clinic_id=clinic.id,
                ref="C-001",
                name="Ana Ruiz",
                birth_date=dt.date(1988, 5, 1),
                actor="t",
                now=NOW,
            )
            content: dict[str, Any] = {
                "person": {"skin": {"fitzpatrick": 2}},
                "place": {"city": "Manchester"},
                "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
            }
            set_profile(
                session, client=client, content=content, valid_from=TODAY, actor="t", now=NOW
            )
            course = add_course(
                session,
                client=client,
                started_on=dt.date(2025, 3, 1),
                area_cm2=180.0,
                actor="t",
                now=NOW,
            )
            for day, kind in (
                (dt.date(2025, 3, 1), "initial"),
                (dt.date(2025, 3, 15), "perfecting"),
            ):
                add_session(session, course=course, date=day, kind=kind, actor="t", now=NOW)
    finally:
        records.close()
    return create_app(WebSettings(samples=20, max_samples=100, today=TODAY, database_url=url))


# Signing in is left out: generated sign-ins would only throttle the owner.
clinic_schema = schemathesis.pytest.from_fixture("clinic_api").include(
    path_regex=r"^/api/v1/clinic/(?!login$)"
)


@pytest.fixture(scope="module")
def clinic_api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = clinic_app(tmp_path_factory.mktemp("clinic"))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@pytest.fixture(scope="module")
def signed_in(clinic_api: Any) -> dict[str, str]:
    """The owner's session cookie and CSRF token, as headers for every generated call."""
    app = clinic_api.app
    with TestClient(app) as client:
        answer = client.post("/api/v1/clinic/login", json={"email": EMAIL, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        cookie = client.cookies.get("fadecast_session")
        assert cookie
        return {"Cookie": f"fadecast_session={cookie}", "X-CSRF-Token": answer.json()["csrf_token"]}


@clinic_schema.parametrize()
@BOUNDED
def test_the_clinic_api_keeps_its_schema(
    case: schemathesis.Case[Any], signed_in: dict[str, str]
) -> None:
    case.call_and_validate(headers=signed_in, checks=CHECKS)
