"""Tenant isolation of the clinic dashboard, route by route, on SQLite and PostgreSQL: a
user of clinic A gets 404 for every id of clinic B on every route of the pages and the
API, and nothing of B's changes. The routes are read from the app itself, so a route
added later is checked too (and a path parameter this test does not know fails it)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from fadecast.records.clinics import add_client, add_clinic, add_practitioner
from fadecast.records.consents import HEALTH_QUESTIONS, add_form, add_health_screen, sign_consent
from fadecast.records.database import open_database, upgrade
from fadecast.records.models import (
    AuditEntry,
    Client,
    Consent,
    HealthScreen,
    Photo,
    PigmentLot,
    Practitioner,
    TreatmentSession,
    WebUser,
)
from fadecast.records.photos import PHOTOS_ENV, add_photo, photo_store_root
from fadecast.records.treatments import add_course, add_lot, add_product, add_session
from fadecast.records.users import add_user
from fadecast.web import WebSettings, create_app

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0, 0)
PASSWORD = "a long pass phrase"
#: Path parameters that are ids of a clinic's rows (or of its upload jobs).
TENANT_IDS = ("client_id", "session_id", "photo_id", "job_id", "product_id", "user_id")
#: Path parameters that are secrets, not ids: the setup link's token and the calendar
#: feed's secret (each is its own key; neither is tied to a signed-in clinic).
SECRETS = {"/setup/{token}": "token", "/feed/{secret}.ics": "secret"}


def small_jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 160, 140)).save(buffer, "JPEG")
    return buffer.getvalue()


def fill_clinic(session: Any, name: str, person: str, store: Path, shade: int) -> dict[str, int]:
    """A clinic with an owner, a second user, a practitioner, a client with a course, a
    session, a lot and a photo; the ids of its rows by path parameter."""
    clinic = add_clinic(session, name=name, actor="test", now=NOW)
    owner = add_user(
        session,
        clinic_id=clinic.id,
        email=f"owner@{name.lower()}.example",
        display_name=f"{name} owner",
        role="owner",
        password=PASSWORD,
        actor="test",
        now=NOW,
    )
    other = add_user(
        session,
        clinic_id=clinic.id,
        email=f"sam@{name.lower()}.example",
        display_name="Sam",
        role="practitioner",
        password=PASSWORD,
        actor="test",
        now=NOW,
    )
    practitioner = add_practitioner(
        session, clinic_id=clinic.id, name=f"{person} Lee", actor="t", now=NOW
    )
    client = add_client(
        session,
        clinic_id=clinic.id,
        ref="C-001",  # the same reference in both clinics
        name=f"{person} Ruiz",
        birth_date=dt.date(1988, 5, 1),
        email=f"{person.lower()}@example.org",
        phone="+44 161 555 0101",
        profile={
            "person": {"skin": {"fitzpatrick": 2}},
            "place": {"city": "Manchester"},
            "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
        },
        actor="test",
        now=NOW,
    )
    course = add_course(
        session, client=client, started_on=dt.date(2025, 3, 1), area_cm2=150, actor="t", now=NOW
    )
    product = add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="Scalp Black",
        pigment_class="carbon-black",
        actor="t",
        now=NOW,
    )
    lot = add_lot(
        session,
        product=product,
        lot_number=f"{name[:1]}-LOT",
        expiry=dt.date(2028, 1, 1),
        actor="t",
        now=NOW,
    )
    row = add_session(
        session,
        course=course,
        date=dt.date(2025, 3, 1),
        kind="initial",
        lot=lot,
        actor="t",
        now=NOW,
    )
    add_form(
        session,
        clinic_id=clinic.id,
        scope="photos_record",
        version="1",
        text="Photos kept.",
        actor="t",
        now=NOW,
    )
    sign_consent(
        session,
        client=client,
        scope="photos_record",
        signed_name=f"{person} Ruiz",
        source="paper",
        signed_at=NOW,
        actor="t",
        now=NOW,
    )
    add_health_screen(
        session,
        client=client,
        taken_on=dt.date(2025, 2, 20),
        answers={q.key: q.key == "diabetes" for q in HEALTH_QUESTIONS},
        actor="t",
        now=NOW,
    )
    photo = add_photo(
        session,
        client=client,
        data=small_jpeg(shade),
        taken_on=dt.date(2026, 3, 1),
        store_root=store,
        measure=False,
        actor="t",
        now=NOW,
    ).photo
    return {
        "clinic": clinic.id,
        "client_id": client.id,
        "session_id": row.id,
        "photo_id": photo.id,
        "product_id": product.id,
        "user_id": other.id,
        "owner": owner.id,
        "lot": lot.id,
        "practitioner": practitioner.id,
    }


@pytest.fixture
def two_clinics(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FastAPI, dict[str, int], dict[str, int]]]:
    """The app on records with clinics A (Northside, client Ana) and B (Southside,
    client Bea), each with an upload job; the ids of each."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    upgrade(db_url)
    store = photo_store_root(db_url)
    records = open_database(db_url)
    try:
        with records.transaction() as session:
            a = fill_clinic(session, "Northside", "Ana", store, 200)
            b = fill_clinic(session, "Southside", "Bea", store, 120)
    finally:
        records.close()
    app = create_app(WebSettings(samples=200, today=TODAY, database_url=db_url))
    for ids in (a, b):
        job = app.state.uploads.submit(
            clinic_id=ids["clinic"],
            user_id=ids["owner"],
            client_id=ids["client_id"],
            name="scalp.jpg",
            work=lambda _job, ids=ids: (ids["photo_id"], {"contrast": None, "dots": None}),
        )
        app.state.uploads.wait(job, timeout=30)
        ids["job_id"] = job.id
    yield app, a, b
    app.state.uploads.close()
    app.state.records.close()


def sign_in(client: TestClient, email: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    csrf: str = client.get("/api/v1/clinic/me").json()["csrf_token"]
    return csrf


def id_routes(app: FastAPI) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every (method, path, its parameters) of the app with a path parameter."""
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path_format or route.path or ""
        names = tuple(re.findall(r"{(\w+)(?::\w+)?}", path))
        if not names:
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, path, names))
    return sorted(found)


def b_state(app: FastAPI, b: dict[str, int]) -> dict[str, Any]:
    """What clinic B's records hold, to see that nothing of it changed."""
    with app.state.records.transaction() as session:
        clinic = b["clinic"]

        def rows(model: Any) -> int:
            query = select(func.count()).select_from(model).where(model.clinic_id == clinic)
            return int(session.scalar(query) or 0)

        return {
            "audit": rows(AuditEntry),
            "sessions": rows(TreatmentSession),
            "consents": rows(Consent),
            "health_screens": rows(HealthScreen),
            "photos": rows(Photo),
            "lots": rows(PigmentLot),
            "users": session.execute(
                select(WebUser.id, WebUser.role, WebUser.active, WebUser.password_hash)
                .where(WebUser.clinic_id == clinic)
                .order_by(WebUser.id)
            ).all(),
            "closed": session.scalar(
                select(TreatmentSession.state).where(TreatmentSession.id == b["session_id"])
            ),
        }


def form_for(path: str, csrf: str) -> dict[str, Any]:
    """A plausible answer to any of the dashboard's forms, with a valid token."""
    data = {
        "csrf_token": csrf,
        "date": "2026-05-20",
        "kind": "touch-up",
        "scope": "photos_record",
        "signed_name": "Someone",
        "source": "paper",
        "action": "role",
        "role": "owner",
        "password": "an overriding pass phrase",
        "lot": "NEW-1",
        "expiry": "2028-01-01",
        "taken_on": "2026-05-01",
        **{q.key: "no" for q in HEALTH_QUESTIONS},
    }
    found: dict[str, Any] = {"data": data}
    if path.endswith("/photos"):
        found["files"] = {"photo": ("scalp.jpg", small_jpeg(90), "image/jpeg")}
    return found


def test_every_route_with_an_id_answers_404_for_another_clinics(
    two_clinics: tuple[FastAPI, dict[str, int], dict[str, int]],
) -> None:
    app, a, b = two_clinics
    routes = id_routes(app)
    unknown = [
        (method, path)
        for method, path, names in routes
        if SECRETS.get(path) not in names and any(n not in TENANT_IDS for n in names)
    ]
    assert unknown == [], "a path parameter this test does not know: add it to TENANT_IDS"
    checked = [(m, p, n) for m, p, n in routes if SECRETS.get(p) not in n]
    assert len(checked) >= 15
    for route in (
        ("GET", "/clinic/clients/{client_id}/health"),
        ("POST", "/clinic/clients/{client_id}/health"),  # recording a health screen
    ):
        assert route in [(m, p) for m, p, _ in checked], route
    kinds = {name for _, _, names in checked for name in names}
    assert kinds == set(TENANT_IDS)  # each kind of id is tried
    before = b_state(app, b)
    with TestClient(app) as client:
        csrf = sign_in(client, "owner@northside.example")
        for method, path, _ in checked:
            theirs = path.format(**{k: b[k] for k in TENANT_IDS})
            if method == "GET":
                answer = client.get(theirs, follow_redirects=False)
            elif path.startswith("/api/"):
                answer = client.request(
                    method,
                    theirs,
                    json={"date": "2026-05-20", "kind": "touch-up"},
                    headers={"X-CSRF-Token": csrf},
                    follow_redirects=False,
                )
            else:
                answer = client.request(
                    method, theirs, follow_redirects=False, **form_for(path, csrf)
                )
            assert answer.status_code == 404, (method, path, answer.status_code, answer.text[:300])
            assert "Bea" not in answer.text and "Southside" not in answer.text
            if method == "GET":
                # The same route with the clinic's own ids is found: the ids were right.
                own = client.get(
                    path.format(**{k: a[k] for k in TENANT_IDS}), follow_redirects=False
                )
                assert own.status_code in (200, 303), (path, own.status_code, own.text[:300])
    assert b_state(app, b) == before


def test_ids_of_another_clinic_in_a_form_are_unknown(
    two_clinics: tuple[FastAPI, dict[str, int], dict[str, int]],
) -> None:
    app, a, b = two_clinics
    before = b_state(app, b)
    with app.state.records.transaction() as session:
        sessions_a = session.scalar(
            select(func.count())
            .select_from(TreatmentSession)
            .where(TreatmentSession.clinic_id == a["clinic"])
        )
    with TestClient(app) as client:
        csrf = sign_in(client, "owner@northside.example")
        address = f"/clinic/clients/{a['client_id']}/sessions"
        for field, value, words in (
            ("lot", b["lot"], "choose one of the clinic's lots"),
            ("practitioner", b["practitioner"], "choose one of the clinic's practitioners"),
        ):
            answer = client.post(
                address,
                data={"csrf_token": csrf, "date": "2026-05-20", "kind": "touch-up", field: value},
            )
            assert answer.status_code == 422, field
            assert words in html.unescape(answer.text)
        api = client.post(
            f"/api/v1/clinic/clients/{a['client_id']}/sessions",
            json={"date": "2026-05-20", "kind": "touch-up", "lot_id": b["lot"]},
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code == 422
        assert api.json()["detail"][0]["loc"] == ["body", "lot_id"]
        # Lists and lookups hold A's rows only.
        listed = client.get("/clinic/clients").text
        assert "Ana Ruiz" in listed and "Bea Ruiz" not in listed
        assert [c["name"] for c in client.get("/api/v1/clinic/clients").json()["clients"]] == [
            "Ana Ruiz"
        ]
        recall = client.get("/clinic/recall", params={"lot": "S-LOT"})
        assert recall.status_code == 422 and "no pigment lot" in recall.text
        due = client.get("/clinic/due", params={"start": "2025-01-01", "end": "2040-12-31"})
        assert "Bea" not in due.text
        assert "Bea" not in client.get("/clinic/missing").text
        pigments = client.get("/clinic/pigments").text
        assert "N-LOT" in pigments and "S-LOT" not in pigments
        users = client.get("/clinic/users").text
        assert "sam@northside.example" in users and "southside" not in users
    with app.state.records.transaction() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(TreatmentSession)
                .where(TreatmentSession.clinic_id == a["clinic"])
            )
            == sessions_a
        )
        assert session.scalar(select(func.count()).select_from(Practitioner)) == 2
        assert session.scalar(select(func.count()).select_from(Client)) == 2
    assert b_state(app, b) == before


def test_the_calendar_feed_of_a_clinic_holds_its_own_rows(
    two_clinics: tuple[FastAPI, dict[str, int], dict[str, int]],
) -> None:
    app, _, _ = two_clinics
    with TestClient(app) as client:
        csrf = sign_in(client, "owner@northside.example")
        page = client.post("/clinic/feed", data={"csrf_token": csrf}).text
        found = re.search(r'value="http://testserver(/feed/[^"]+\.ics)"', page)
        assert found is not None
        feed = client.get(found.group(1)).text
    assert "Ana Ruiz" in feed and "Bea" not in feed
