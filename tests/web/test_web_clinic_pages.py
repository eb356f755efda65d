"""The clinic dashboard's pages and its JSON API through FastAPI's test client, on SQLite
and PostgreSQL: clients, sessions with the records' rules, a photo rendered by fadecast
uploaded, measured in the background and narrowing the client's window, who is due,
recall, missing forms, the passport, the calendar feed, the export, users, and every bad
answer a 422 beside its field with nothing kept."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from PIL import Image
from sqlalchemy import func, select

from fadecast.forecasting import forecast, scenario_from_profile
from fadecast.inputs.profile import parse_profile
from fadecast.measure.photo import linear_from_srgb8
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic, add_practitioner, set_profile
from fadecast.records.consents import (
    HEALTH_QUESTIONS,
    add_form,
    add_health_screen,
    flagged_answers,
    sign_consent,
)
from fadecast.records.database import Database, open_database, upgrade
from fadecast.records.forecasts import due_window_text
from fadecast.records.models import (
    AuditEntry,
    Client,
    HealthScreen,
    Photo,
    PigmentLot,
    TreatmentSession,
)
from fadecast.records.photos import PHOTOS_ENV, open_photo
from fadecast.records.treatments import add_course, add_lot, add_product, add_session
from fadecast.records.users import add_user
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import RenderSettings, render_profile
from fadecast.web import WebSettings, create_app

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0, 0)
PASSWORD = "a long pass phrase"
#: The packaged example "temperate office worker" as a profile version holds it.
CONTENT: dict[str, Any] = {
    "person": {"skin": {"fitzpatrick": 2}, "smoker": False, "immune": "normal"},
    "place": {"city": "Manchester", "altitude_m": 40},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 4.0,
        "outdoor_job": False,
        "holiday_weeks": 2,
        "holiday_city": "Malaga",
        "hat_share": 0.2,
        "sunscreen": {"spf": 30, "share": 0.5, "mg_per_cm2": 1.0},
        "sunbed_sessions_per_year": 0,
        "hair_length_mm": 0.5,
    },
}
SESSIONS = (
    (dt.date(2025, 3, 1), "initial"),
    (dt.date(2025, 3, 15), "perfecting"),
    (dt.date(2025, 4, 5), "perfecting"),
)
PHOTO_DAY = dt.date(2026, 4, 5)


@functools.cache
def scalp_jpeg() -> bytes:
    """A JPEG of the example's SMP a year after healing, rendered by fadecast and
    photographed with a white card (20 px/mm) and bare skin beyond a hairline, its Exif
    holding a GPS position."""
    tables = {
        **CONTENT,
        "person": {**CONTENT["person"], "birth_year": 1988},
        "treatment": {"sessions": [d for d, _ in SESSIONS]},
    }
    sc = scenario_from_profile(parse_profile(tables, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=16.0, px_per_mm=20.0, seed=3, hairline_mm=4.0)
    srgb = render_profile(sc, [1.0], settings).pictures[0].closeup_srgb
    photo = photograph(
        linear_from_srgb8(srgb), PhotoConditions(card_px=(10, 10, 60)), rng=np.random.default_rng(0)
    )
    exif = Image.Exif()
    exif[0x010F] = "Acme Phones"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 28.0, 38.5)
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def app(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """The app on fresh records of each kind: clinic Northside with its owner, a
    practitioner, the front desk and a guest; forms, a product with a good and an
    expired lot, and client C-001 (the example's profile and sessions, consents signed
    and a health screen)."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    upgrade(db_url)
    records = open_database(db_url)
    try:
        with records.transaction() as session:
            fill(session)
    finally:
        records.close()
    made = create_app(WebSettings(samples=200, today=TODAY, database_url=db_url))
    yield made
    made.state.uploads.close()
    made.state.records.close()


def fill(session: Any) -> None:
    clinic = add_clinic(session, name="Northside", actor="test", now=NOW)
    for email, role in (
        ("owner@north.example", "owner"),
        ("sam@north.example", "practitioner"),
        ("desk@north.example", "front_desk"),
        ("guest@north.example", "guest"),
    ):
        add_user(
            session,
            clinic_id=clinic.id,
            email=email,
            display_name=email.split("@")[0].title(),
            role=role,
            password=PASSWORD,
            actor="test",
            now=NOW,
        )
    add_practitioner(session, clinic_id=clinic.id, name="Sam Lee", actor="test", now=NOW)
    for scope in ("procedure", "photos_record", "data_processing"):
        add_form(
            session,
            clinic_id=clinic.id,
            scope=scope,
            version="1",
            text=f"The {scope} form.",
            actor="test",
            now=NOW,
        )
    product = add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="Scalp Black",
        pigment_class="carbon-black",
        actor="test",
        now=NOW,
    )
    add_lot(
        session, product=product, lot_number="SB-1", expiry=dt.date(2028, 1, 1), actor="t", now=NOW
    )
    add_lot(
        session, product=product, lot_number="OLD-1", expiry=dt.date(2026, 1, 1), actor="t", now=NOW
    )
    client = add_client(
        session,
        clinic_id=clinic.id,
        ref="C-001",
        name="Ana Ruiz",
        birth_date=dt.date(1988, 5, 1),
        email="ana@example.org",
        phone="+44 161 555 0101",
        actor="test",
        now=NOW,
    )
    set_profile(
        session, client=client, content=CONTENT, valid_from=dt.date(2025, 1, 1), actor="t", now=NOW
    )
    course = add_course(
        session, client=client, started_on=SESSIONS[0][0], area_cm2=180.0, actor="t", now=NOW
    )
    for day, kind in SESSIONS:
        add_session(session, course=course, date=day, kind=kind, actor="t", now=NOW)
    for scope in ("photos_record", "data_processing"):
        sign_consent(
            session,
            client=client,
            scope=scope,
            signed_name="Ana Ruiz",
            source="paper, in the clinic",
            signed_at=NOW,
            actor="t",
            now=NOW,
        )
    answers = {q.key: q.key == "diabetes" for q in HEALTH_QUESTIONS}
    add_health_screen(
        session, client=client, taken_on=dt.date(2025, 2, 20), answers=answers, actor="t", now=NOW
    )


def sign_in(client: TestClient, email: str) -> str:
    """Sign in through the form; the session's CSRF token."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    me = client.get("/api/v1/clinic/me")
    assert me.status_code == 200
    csrf: str = me.json()["csrf_token"]
    return csrf


@pytest.fixture
def owner(app: FastAPI) -> Iterator[tuple[TestClient, str]]:
    with TestClient(app) as client:
        yield client, sign_in(client, "owner@north.example")


def records_of(app: FastAPI) -> Database:
    records: Database = app.state.records
    return records


def client_id(app: FastAPI, ref: str = "C-001") -> int:
    with records_of(app).transaction() as session:
        found = session.scalar(select(Client.id).where(Client.ref == ref))
    assert found is not None
    return int(found)


def count(app: FastAPI, model: Any) -> int:
    with records_of(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def error_beside(text: str, field: str) -> str:
    """The error shown beside a field of a page (its ``err-<field>`` paragraph)."""
    found = re.search(rf'<p class="error" id="err-{re.escape(field)}">(.*?)</p>', text, re.S)
    assert found is not None, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


# Clients ----------------------------------------------------------------------------


def test_add_a_client_with_the_errors_beside_the_fields(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    answers = {
        "csrf_token": csrf,
        "ref": "C-002",
        "name": "Ben Okafor",
        "birth_date": "1979-02-30",
        "email": "ben@example.org",
        "skin": "4",
        "city": "Nowhereville",
        "weekday_hours": "2",
        "weekend_hours": "30",
    }
    before = count(app, Client)
    bad = client.post("/clinic/clients", data=answers)
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in error_beside(bad.text, "birth_date")
    assert "16" in error_beside(bad.text, "weekend_hours")
    assert 'value="Ben Okafor"' in bad.text  # the answers are kept
    answers.update(birth_date="1979-02-28", weekend_hours="3")
    city = client.post("/clinic/clients", data=answers)
    assert city.status_code == 422
    assert "unknown place" in error_beside(city.text, "city")
    answers.update(ref="C-001", city="Leeds")
    taken = client.post("/clinic/clients", data=answers)
    assert "already" in error_beside(taken.text, "ref")
    assert count(app, Client) == before  # nothing was kept
    answers.update(ref="C-002")
    made = client.post("/clinic/clients", data=answers, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "Ben Okafor" in page.text
    assert "No forecast yet" in page.text  # a profile, but no session held yet
    found = client.get("/clinic/clients", params={"q": "okaf"})
    assert "Ben Okafor" in found.text and "Ana Ruiz" not in found.text
    assert "Ana Ruiz" in client.get("/clinic/clients", params={"q": "c-001"}).text


# Sessions ---------------------------------------------------------------------------


def test_a_session_keeps_the_records_rules(app: FastAPI, owner: tuple[TestClient, str]) -> None:
    client, csrf = owner
    cid = client_id(app)
    page = client.get(f"/clinic/clients/{cid}")
    assert "lot SB-1" in page.text and "OLD-1" not in page.text  # unexpired lots only
    with records_of(app).transaction() as session:
        lots = dict(session.execute(select(PigmentLot.lot_number, PigmentLot.id)).tuples().all())
    before = count(app, TreatmentSession)
    expired = client.post(
        f"/clinic/clients/{cid}/sessions",
        data={"csrf_token": csrf, "date": "2026-05-20", "kind": "touch-up", "lot": lots["OLD-1"]},
    )
    assert expired.status_code == 422
    assert "expired on 2026-01-01" in error_beside(expired.text, "lot")
    # Closing needs a procedure consent: refused, and the session is not kept either.
    unconsented = client.post(
        f"/clinic/clients/{cid}/sessions",
        data={
            "csrf_token": csrf,
            "date": "2026-05-20",
            "kind": "touch-up",
            "lot": lots["SB-1"],
            "close": "yes",
        },
    )
    assert unconsented.status_code == 422
    assert "procedure consent" in error_beside(unconsented.text, "close")
    far = client.post(
        f"/clinic/clients/{cid}/sessions",
        data={"csrf_token": csrf, "date": "2031-01-01", "kind": "touch-up"},
    )
    assert "two years ahead" in error_beside(far.text, "date")
    assert count(app, TreatmentSession) == before
    signed = client.post(
        f"/clinic/clients/{cid}/consents",
        data={
            "csrf_token": csrf,
            "scope": "procedure",
            "signed_name": "Ana Ruiz",
            "source": "paper, in the clinic",
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303
    held = client.post(
        f"/clinic/clients/{cid}/sessions",
        data={
            "csrf_token": csrf,
            "date": "2026-05-20",
            "kind": "touch-up",
            "lot": lots["SB-1"],
            "needle_config": "1RL 0.30",
            "close": "yes",
        },
        follow_redirects=False,
    )
    assert held.status_code == 303
    booked = client.post(
        f"/clinic/clients/{cid}/sessions",
        data={"csrf_token": csrf, "date": "2026-09-01", "kind": "touch-up"},
        follow_redirects=False,
    )
    assert booked.status_code == 303
    page = client.get(f"/clinic/clients/{cid}")
    timeline = page.text[page.text.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert (
        timeline.index("2025-03-01") < timeline.index("2026-05-20") < timeline.index("2026-09-01")
    )
    assert 'class="closed"' in timeline and 'class="booked"' in timeline
    assert "Acme Scalp Black, lot SB-1" in timeline


def test_the_front_desk_books_and_a_guest_records(app: FastAPI) -> None:
    cid = client_id(app)
    with TestClient(app) as desk:
        csrf = sign_in(desk, "desk@north.example")
        held = desk.post(
            f"/clinic/clients/{cid}/sessions",
            data={"csrf_token": csrf, "date": "2026-05-30", "kind": "touch-up"},
        )
        assert held.status_code == 422
        assert "books sessions after today" in error_beside(held.text, "date")
        booked = desk.post(
            f"/clinic/clients/{cid}/sessions",
            data={"csrf_token": csrf, "date": "2026-07-01", "kind": "touch-up"},
            follow_redirects=False,
        )
        assert booked.status_code == 303
    with TestClient(app) as guest:
        csrf = sign_in(guest, "guest@north.example")
        ahead = guest.post(
            f"/clinic/clients/{cid}/sessions",
            data={"csrf_token": csrf, "date": "2026-07-02", "kind": "touch-up"},
        )
        assert "records sessions held" in error_beside(ahead.text, "date")


# Photos -----------------------------------------------------------------------------


def wait_for_upload(client: TestClient, address: str) -> str:
    """The upload's progress page once it says the photo was added (or failed)."""
    deadline = time.monotonic() + 120
    while True:
        page = client.get(address)
        assert page.status_code == 200
        if 'class="status done"' in page.text or 'class="status failed"' in page.text:
            return page.text
        assert 'http-equiv="refresh"' in page.text  # without JavaScript, it reloads
        assert time.monotonic() < deadline, "the photo was not measured in time"
        time.sleep(0.2)


def test_a_photo_is_measured_in_the_background_and_narrows_the_window(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    before = client.get(f"/clinic/clients/{cid}")
    assert "With the photos" not in before.text and 'id="narrowed"' not in before.text
    answer = client.post(
        f"/clinic/clients/{cid}/photos",
        data={"csrf_token": csrf, "taken_on": PHOTO_DAY.isoformat(), "mm_per_px": "0.05"},
        files={"photo": ("scalp.jpg", scalp_jpeg(), "image/jpeg")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    progress = answer.headers["location"]
    assert re.fullmatch(r"/clinic/uploads/\d+", progress)
    done = wait_for_upload(client, progress)
    assert 'class="status done"' in done, done
    measured = re.search(r'<strong class="measured">([0-9.]+) ΔE00</strong>', done)
    assert measured is not None
    assert "GPS location" in done  # said what was removed
    # The page that polls is told to refresh the forecast and the photos.
    assert client.get(progress).headers.get("HX-Trigger") == "photo-added"

    with records_of(app).transaction() as session:
        photo = session.scalars(select(Photo)).one()
        assert photo.measurement is not None
        contrast = photo.measurement["contrast"]["social_delta_e00"]
        stored = open_photo(app.state.photo_root, photo.sha256)
    assert f"{contrast:.1f}" == measured.group(1)
    # What is kept, and served, has no Exif and no GPS position.
    served = client.get(f"/clinic/photos/{photo.id}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.content == stored
    assert b"Acme Phones" not in served.content
    with Image.open(io.BytesIO(served.content)) as image:
        assert 0x8825 not in image.getexif()

    page = client.get(f"/clinic/clients/{cid}")
    assert f"{contrast:.1f} ΔE00</strong> at 2 m" in page.text
    assert 'class="photo"' in page.text  # drawn over the band
    # The window, with and without the photo, is the forecast's own.
    tables = {
        **CONTENT,
        "person": {**CONTENT["person"], "birth_year": 1988},
        "treatment": {"pigment": "carbon-black", "sessions": [d for d, _ in SESSIONS]},
        "measurements": [
            {"date": PHOTO_DAY, "social_delta_e00": contrast, "flags": photo.measurement["flags"]}
        ],
    }
    result = forecast(parse_profile(tables, today=TODAY), samples=200, seed=0, today=TODAY)
    assert result.personal is not None and result.personal_dates is not None
    personal = due_window_text(*result.personal_dates)
    prior = due_window_text(*result.touchup_dates)
    shown = re.search(r'<dd id="personal-window">(.*?)</dd>', page.text)
    assert shown is not None and shown.group(1).startswith(personal)
    assert re.search(r'<dd id="prior-window">' + re.escape(prior), page.text)
    narrowed = re.search(r'<p id="narrowed" class="narrowed">(.*?)</p>', page.text)
    assert narrowed is not None
    low, _, high = result.touchup_years
    p_low, _, p_high = result.personal.touchup_years
    assert p_high - p_low < high - low  # the photo narrowed the window
    assert narrowed.group(1).startswith(
        f"The 1 photo narrowed the window from {high - low:.1f} to {p_high - p_low:.1f} years."
    )
    # The API says the same.
    detail = client.get(f"/api/v1/clinic/clients/{cid}").json()
    assert detail["photos"][0]["contrast_delta_e00"] == pytest.approx(contrast)
    personal_p50, prior_p50 = result.personal_dates[1], result.touchup_dates[1]
    assert personal_p50 is not None and prior_p50 is not None
    assert detail["forecast"]["personal"]["p50"] == personal_p50.isoformat()
    assert detail["forecast"]["prior"]["p50"] == prior_p50.isoformat()
    with records_of(app).transaction() as session:
        entries = [(e.action, e.entity) for e in audit_entries(session, clinic_id=photo.clinic_id)]
    assert ("create", "photo") in entries and ("view", "photo") in entries


def test_bad_uploads_come_back_beside_the_field_and_keep_nothing(db_url: str, app: FastAPI) -> None:
    small = create_app(
        WebSettings(samples=200, today=TODAY, database_url=db_url, max_upload_pixels=40_000)
    )  # closed as its test client stops
    cid = client_id(app)
    with TestClient(small) as client:
        csrf = sign_in(client, "owner@north.example")
        big = io.BytesIO()
        Image.new("RGB", (300, 200), (200, 160, 140)).save(big, "PNG")
        cases = [
            (b"GIF89a" + bytes(64), "not a JPEG or PNG"),
            (scalp_jpeg()[:2000], "damaged"),
            (big.getvalue(), "megapixels"),
            (b"", "choose a photo"),
        ]
        for data, words in cases:
            answer = client.post(
                f"/clinic/clients/{cid}/photos",
                data={"csrf_token": csrf, "taken_on": "2026-04-05"},
                files={"photo": ("scalp.png", data, "image/png")},
            )
            assert answer.status_code == 422, words
            assert words in error_beside(answer.text, "photo")
        late = client.post(
            f"/clinic/clients/{cid}/photos",
            data={"csrf_token": csrf, "taken_on": "someday", "mm_per_px": "lots"},
            files={"photo": ("scalp.jpg", scalp_jpeg(), "image/jpeg")},
        )
        assert late.status_code == 422
        assert "YYYY-MM-DD" in error_beside(late.text, "taken_on")
        assert "number" in error_beside(late.text, "mm_per_px")
    assert count(app, Photo) == 0
    root = app.state.photo_root
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def test_a_photo_without_the_clients_consent_is_refused(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    made = client.post(
        "/clinic/clients",
        data={
            "csrf_token": csrf,
            "ref": "C-009",
            "name": "Cy Doe",
            "birth_date": "1990-01-01",
            "skin": "3",
            "city": "Leeds",
            "weekday_hours": "1",
            "weekend_hours": "2",
        },
        follow_redirects=False,
    )
    address = made.headers["location"]
    answer = client.post(
        f"{address}/photos",
        data={"csrf_token": csrf, "taken_on": "2026-04-05"},
        files={"photo": ("scalp.jpg", scalp_jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 422
    assert "no consent to photos" in error_beside(answer.text, "photo")


# Due, recall, missing, passport, health ---------------------------------------------


def test_due_recall_and_missing(app: FastAPI, owner: tuple[TestClient, str]) -> None:
    client, csrf = owner
    cid = client_id(app)
    with records_of(app).transaction() as session:
        lot = session.scalar(select(PigmentLot.id).where(PigmentLot.lot_number == "SB-1"))
    client.post(
        f"/clinic/clients/{cid}/sessions",
        data={"csrf_token": csrf, "date": "2026-05-01", "kind": "touch-up", "lot": str(lot)},
    )
    due = client.get("/clinic/due", params={"start": "2026-06-01", "end": "2035-12-31"})
    assert due.status_code == 200
    assert "Ana Ruiz" in due.text and "+44 161 555 0101" in due.text
    assert re.search(r"<strong>\d+ %</strong> chance", due.text)
    bad = client.get("/clinic/due", params={"start": "2027-01-01", "end": "2026-01-01"})
    assert bad.status_code == 422 and "on or after" in error_beside(bad.text, "end")
    recall = client.get("/clinic/recall", params={"lot": "SB-1"})
    assert recall.status_code == 200
    assert "2026-05-01 touch-up" in recall.text and "ana@example.org" in recall.text
    unknown = client.get("/clinic/recall", params={"lot": "NOPE"})
    assert unknown.status_code == 422 and "no pigment lot" in error_beside(unknown.text, "lot")
    csv_file = client.get("/clinic/recall.csv", params={"lot": "SB-1"})
    assert csv_file.status_code == 200
    assert csv_file.text.splitlines()[0].startswith("client_ref,client_name,email")
    missing = client.get("/clinic/missing")
    assert missing.status_code == 200
    assert "no procedure consent in force" in missing.text
    with records_of(app).transaction() as session:
        clinic_id = session.scalar(select(Client.clinic_id).where(Client.id == cid))
        assert clinic_id is not None
        entries = [(e.action, e.entity) for e in audit_entries(session, clinic_id=clinic_id)]
    assert ("view", "pigment_lot") in entries and ("export", "pigment_lot") in entries


def test_the_passport_and_the_health_screen_are_audited(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, _ = owner
    cid = client_id(app)
    passport = client.get(f"/clinic/clients/{cid}/passport.html")
    assert passport.status_code == 200
    assert passport.headers["content-disposition"].startswith("attachment")
    assert "Ana Ruiz" in passport.text and "diabetes" not in passport.text.lower()
    pdf = client.get(f"/clinic/clients/{cid}/passport.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    health = client.get(f"/clinic/clients/{cid}/health")
    assert health.status_code == 200 and "Do you have diabetes?" in health.text
    assert "treat only with a doctor" in health.text
    with records_of(app).transaction() as session:
        clinic_id = session.scalar(select(Client.clinic_id).where(Client.id == cid))
        assert clinic_id is not None
        entries = [(e.action, e.entity) for e in audit_entries(session, clinic_id=clinic_id)]
    assert entries.count(("export", "client")) == 2
    assert ("view", "health_screen") in entries


def health_form(csrf: str, **answers: str) -> dict[str, str]:
    """The health screen's form: every question answered no, but for ``answers``."""
    return {
        "csrf_token": csrf,
        "taken_on": "2026-05-30",
        **{q.key: "no" for q in HEALTH_QUESTIONS},
        **answers,
    }


def test_a_health_screen_is_recorded_with_its_flags(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    page = client.get(f"/clinic/clients/{cid}")
    assert f'href="/clinic/clients/{cid}/health#new-screen"' in page.text
    form = client.get(f"/clinic/clients/{cid}/health")
    assert form.status_code == 200
    assert f'action="/clinic/clients/{cid}/health"' in form.text
    assert 'name="csrf_token"' in form.text and 'value="2026-06-01"' in form.text  # today
    for question in HEALTH_QUESTIONS:
        assert f'id="f-{question.key}"' in form.text
    before = count(app, HealthScreen)
    assert 'id="f-notes"' in form.text
    answers = health_form(csrf, pregnant_or_breastfeeding="yes", allergy_latex="Yes")
    answers["notes"] = "Nitrile gloves.\nTreat after the baby is weaned <b>not before</b>."
    made = client.post(f"/clinic/clients/{cid}/health", data=answers, follow_redirects=False)
    assert made.status_code == 303
    assert re.fullmatch(rf"/clinic/clients/{cid}/health#screen-\d+", made.headers["location"])
    assert count(app, HealthScreen) == before + 1
    with records_of(app).transaction() as session:
        screen = session.scalars(select(HealthScreen).order_by(HealthScreen.id.desc())).first()
        assert screen is not None
        assert screen.taken_on == dt.date(2026, 5, 30)
        assert screen.answers == {
            q.key: q.key in ("pregnant_or_breastfeeding", "allergy_latex") for q in HEALTH_QUESTIONS
        }
        assert [f["key"] for f in screen.flagged] == ["allergy_latex", "pregnant_or_breastfeeding"]
        assert screen.flagged == flagged_answers(screen.answers)
        assert screen.notes == answers["notes"]
        entries = [
            (e.action, e.entity, e.actor, e.entity_id)
            for e in audit_entries(session, clinic_id=screen.clinic_id)
        ]
    assert ("create", "health_screen", "owner@north.example", str(screen.id)) in entries
    shown = client.get(made.headers["location"].partition("#")[0]).text
    newest = shown[shown.index(f'id="screen-{screen.id}"') :]
    newest = newest[: newest.index("</section>")]
    assert "Taken on 2026-05-30" in newest
    assert "Are you pregnant or breastfeeding?</strong> Yes: do not treat now." in newest
    assert "Are you allergic to latex?</strong> Yes: adapt and record." in html.unescape(newest)
    # The notes as written, line breaks kept and markup shown as text.
    assert "Nitrile gloves.\nTreat after the baby is weaned &lt;b&gt;not before" in newest
    # The newest screen comes first, the earlier one (diabetes) after it.
    assert shown.index(f'id="screen-{screen.id}"') < shown.index("Taken on 2025-02-20")


def test_a_health_screen_with_a_bad_answer_comes_back_and_keeps_nothing(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    address = f"/clinic/clients/{cid}/health"
    before = count(app, HealthScreen)
    with records_of(app).transaction() as session:
        screens_before = session.scalars(select(HealthScreen.id)).all()
    unanswered = health_form(csrf, diabetes="yes", taken_on="30/05/2026")
    del unanswered["keloid"], unanswered["intoxicated"]
    unanswered["anticoagulants"] = "maybe"
    bad = client.post(address, data=unanswered)
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in error_beside(bad.text, "taken_on")
    assert error_beside(bad.text, "keloid") == "Error: answer yes or no"
    assert error_beside(bad.text, "intoxicated") == "Error: answer yes or no"
    assert "must be yes or no, got 'maybe'" in error_beside(bad.text, "anticoagulants")
    assert 'class="error-summary"' in bad.text and 'href="#f-keloid"' in bad.text
    chosen = re.search(r'<select id="f-diabetes".*?</select>', bad.text, re.S)
    assert chosen is not None and '<option value="yes" selected>' in chosen.group(0)
    assert 'value="30/05/2026"' in bad.text  # the answers are kept on the form
    long_notes = health_form(csrf, notes="n" * 4001)
    refused = client.post(address, data=long_notes)
    assert refused.status_code == 422
    assert "at most 4000 characters, got 4001" in error_beside(refused.text, "notes")
    assert "n" * 4001 in refused.text  # kept on the form to be shortened
    for day, words in (
        ("2026-06-02", "to today (2026-06-01)"),  # after today
        ("1980-01-01", "must be from 1988-05-01"),  # before the client's birth
        ("1850-01-01", "must be from 1900-01-01"),
    ):
        late = client.post(address, data=health_form(csrf, taken_on=day))
        assert late.status_code == 422, day
        assert words in error_beside(late.text, "taken_on"), day
    assert count(app, HealthScreen) == before
    with records_of(app).transaction() as session:
        assert session.scalars(select(HealthScreen.id)).all() == screens_before
        clinic = session.scalar(select(Client.clinic_id).where(Client.id == cid))
        assert clinic is not None
        created = [
            e.actor
            for e in audit_entries(session, clinic_id=clinic)
            if (e.action, e.entity) == ("create", "health_screen")
        ]
    assert created == ["t"]  # the screen of the records' own fill, and no other


def test_who_may_record_a_health_screen(app: FastAPI) -> None:
    cid = client_id(app)
    address = f"/clinic/clients/{cid}/health"
    before = count(app, HealthScreen)
    with TestClient(app) as desk:
        csrf = sign_in(desk, "desk@north.example")
        refused = desk.post(address, data=health_form(csrf), follow_redirects=False)
        assert refused.status_code == 403 and "front desk may not" in refused.text
        assert "Record a health screen" not in desk.get(f"/clinic/clients/{cid}").text
    assert count(app, HealthScreen) == before
    for email in ("guest@north.example", "sam@north.example"):
        with TestClient(app) as treating:
            csrf = sign_in(treating, email)
            page = treating.get(f"/clinic/clients/{cid}").text
            assert "Record a health screen" in page
            made = treating.post(address, data=health_form(csrf), follow_redirects=False)
            assert made.status_code == 303, email
            assert "Nothing flagged" in treating.get(address).text
    assert count(app, HealthScreen) == before + 2


# The calendar feed, the export, users -------------------------------------------------


def test_the_calendar_feed_is_at_a_secret_address_the_owner_rotates(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    client.post(
        f"/clinic/clients/{cid}/sessions",
        data={"csrf_token": csrf, "date": "2026-08-01", "kind": "touch-up"},
    )
    assert "The feed is off" in client.get("/clinic/feed").text
    made = client.post("/clinic/feed", data={"csrf_token": csrf})
    address = re.search(r'id="feed-address" type="text" readonly value="([^"]+)"', made.text)
    assert address is not None
    path = address.group(1).removeprefix("http://testserver")
    with TestClient(app) as calendar_app:  # no sign-in
        feed = calendar_app.get(path)
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("text/calendar")
        events = Calendar.from_ical(feed.content).walk("VEVENT")
        summaries = sorted(str(e["SUMMARY"]) for e in events)
        assert "SMP touch-up session: Ana Ruiz (C-001)" in summaries
        assert any(s.startswith("SMP touch-up likely due: Ana Ruiz") for s in summaries)
        again = client.post("/clinic/feed", data={"csrf_token": csrf})
        assert "The new address" in again.text
        assert calendar_app.get(path).status_code == 404  # the old secret stopped working
        assert calendar_app.get("/feed/" + "x" * 43 + ".ics").status_code == 404
        assert calendar_app.get("/feed/..%2F..%2Fetc%2Fpasswd.ics").status_code == 404


def test_the_owner_exports_the_records(app: FastAPI, owner: tuple[TestClient, str]) -> None:
    client, csrf = owner
    assert "Download the archive" in client.get("/clinic/export").text
    archive = client.post("/clinic/export", data={"csrf_token": csrf})
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        clients = json.loads(opened.read("tables/client.json"))
    assert manifest["clinics"] == ["Northside"]
    assert [row["ref"] for row in clients["rows"]] == ["C-001"]
    with records_of(app).transaction() as session:
        entity = session.scalars(
            select(AuditEntry.entity).where(AuditEntry.action == "export")
        ).all()
    assert "archive" in entity


def test_the_owner_manages_users_and_a_user_turned_off_is_signed_out(app: FastAPI) -> None:
    from fadecast.records.models import WebUser

    with TestClient(app) as owner_client, TestClient(app) as sam:
        csrf = sign_in(owner_client, "owner@north.example")
        sign_in(sam, "sam@north.example")
        assert sam.get("/clinic/clients").status_code == 200
        bad = owner_client.post(
            "/clinic/users",
            data={
                "csrf_token": csrf,
                "email": "no address",
                "display_name": "Jo",
                "role": "practitioner",
                "password": PASSWORD,
            },
        )
        assert bad.status_code == 422 and "e-mail address" in error_beside(bad.text, "email")
        short = owner_client.post(
            "/clinic/users",
            data={
                "csrf_token": csrf,
                "email": "jo@north.example",
                "display_name": "Jo",
                "role": "practitioner",
                "password": "short",
            },
        )
        assert "at least 12" in error_beside(short.text, "password")
        added = owner_client.post(
            "/clinic/users",
            data={
                "csrf_token": csrf,
                "email": "jo@north.example",
                "display_name": "Jo",
                "role": "practitioner",
                "password": PASSWORD,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303
        with records_of(app).transaction() as session:
            sam_id = session.scalar(select(WebUser.id).where(WebUser.email == "sam@north.example"))
        off = owner_client.post(
            f"/clinic/users/{sam_id}",
            data={"csrf_token": csrf, "action": "deactivate"},
            follow_redirects=False,
        )
        assert off.status_code == 303
        gone = sam.get("/clinic/clients", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
        assert "(turned off)" in owner_client.get("/clinic/users").text


def test_a_user_changes_their_password(app: FastAPI) -> None:
    with TestClient(app) as here, TestClient(app) as elsewhere:
        csrf = sign_in(here, "sam@north.example")
        sign_in(elsewhere, "sam@north.example")
        wrong = here.post(
            "/clinic/account/password",
            data={
                "csrf_token": csrf,
                "current": "not it",
                "password": "a newer pass phrase",
                "password_again": "a newer pass phrase",
            },
        )
        assert wrong.status_code == 422
        assert "not the current password" in error_beside(wrong.text, "current")
        done = here.post(
            "/clinic/account/password",
            data={
                "csrf_token": csrf,
                "current": PASSWORD,
                "password": "a newer pass phrase",
                "password_again": "a newer pass phrase",
            },
        )
        assert done.status_code == 200 and "Your password is changed" in done.text
        assert here.get("/clinic/clients").status_code == 200
        assert elsewhere.get("/clinic/clients", follow_redirects=False).status_code == 303


# The API ------------------------------------------------------------------------------


def validate(openapi: dict[str, Any], component: str, instance: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def test_the_clinic_api(app: FastAPI, owner: tuple[TestClient, str]) -> None:
    client, csrf = owner
    openapi = client.get("/api/v1/openapi.json").json()
    paths = openapi["paths"]
    for path in (
        "/api/v1/clinic/clients",
        "/api/v1/clinic/clients/{client_id}",
        "/api/v1/clinic/clients/{client_id}/sessions",
        "/api/v1/clinic/due",
        "/api/v1/clinic/recall",
        "/api/v1/clinic/login",
    ):
        assert path in paths, path
    schemes = openapi["components"]["securitySchemes"]
    assert {"in": "cookie", "name": "fadecast_session"}.items() <= schemes["APIKeyCookie"].items()
    cid = client_id(app)
    listed = client.get("/api/v1/clinic/clients", params={"q": "ana"}).json()
    validate(openapi, "ClientsOut", listed)
    assert [c["ref"] for c in listed["clients"]] == ["C-001"]
    assert listed["clients"][0]["phone"] == "+44 161 555 0101"
    detail = client.get(f"/api/v1/clinic/clients/{cid}").json()
    validate(openapi, "ClientDetail", detail)
    assert [s["date"] for s in detail["sessions"]] == [d.isoformat() for d, _ in SESSIONS]
    body = {"date": "2026-09-01", "kind": "touch-up"}
    refused = client.post(f"/api/v1/clinic/clients/{cid}/sessions", json=body)
    assert refused.status_code == 403  # no CSRF header
    added = client.post(
        f"/api/v1/clinic/clients/{cid}/sessions", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert added.status_code == 201, added.text
    validate(openapi, "SessionOut", added.json())
    assert added.json()["state"] == "booked"
    bad = client.post(
        f"/api/v1/clinic/clients/{cid}/sessions",
        json={"date": "2031-01-01", "kind": "touch-up"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "date"]
    unknown_kind = client.post(
        f"/api/v1/clinic/clients/{cid}/sessions",
        json={"date": "2026-09-01", "kind": "tattoo"},
        headers={"X-CSRF-Token": csrf},
    )
    assert unknown_kind.status_code == 422
    due = client.get("/api/v1/clinic/due", params={"start": "2026-06-01", "end": "2035-12-31"})
    assert due.status_code == 200
    validate(openapi, "DueOut", due.json())
    assert [r["ref"] for r in due.json()["touchups"]] == ["C-001"]
    backwards = client.get(
        "/api/v1/clinic/due", params={"start": "2027-01-01", "end": "2026-01-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["query", "end"]
    recall = client.get("/api/v1/clinic/recall", params={"lot": "SB-1"})
    assert recall.status_code == 200 and recall.json()["rows"] == []
    validate(openapi, "RecallOut", recall.json())
    unknown = client.get("/api/v1/clinic/recall", params={"lot": "NOPE"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "lot"]
    with TestClient(app) as stranger:
        assert stranger.get("/api/v1/clinic/clients").status_code == 401
        wrong = stranger.post(
            "/api/v1/clinic/login", json={"email": "owner@north.example", "password": "wrong"}
        )
        assert wrong.status_code == 401
        signed = stranger.post(
            "/api/v1/clinic/login", json={"email": "owner@north.example", "password": PASSWORD}
        )
        assert signed.status_code == 200
        validate(openapi, "Me", signed.json())
        assert stranger.get("/api/v1/clinic/clients").status_code == 200


def test_odd_input_is_a_clear_answer_never_a_server_error(
    db_url: str, app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    answers = [
        client.get("/clinic/clients", params={"q": "Ana\x00 Ruiz"}),
        client.get("/clinic/due", params={"start": "9999-12-31"}),
        client.get("/clinic/due", params={"start": "2026-01-01", "end": "tomorrow"}),
        client.get("/clinic/recall", params={"lot": "SB\x00-1"}),
        client.get("/clinic/clients/99999999999"),
        client.get("/clinic/clients/abc"),
        client.get("/clinic/photos/..%2F..%2Fetc%2Fpasswd"),
        client.get("/api/v1/clinic/due", params={"start": "0001-01-01", "end": "9999-12-31"}),
        client.post(
            "/clinic/forms",
            data={"csrf_token": csrf, "scope": "procedure", "version": "2", "text": "a\x00b"},
        ),
        client.post(
            f"/clinic/clients/{cid}/sessions",
            data={
                "csrf_token": csrf,
                "date": "2026-05-01",
                "kind": "touch-up",
                "notes": "x" * 5000,
            },
        ),
        client.post(
            f"/clinic/clients/{cid}/sessions",
            data={"csrf_token": csrf, "date": "2026-05-01", "kind": "tattoo", "lot": "-1"},
        ),
        client.post(
            f"/clinic/clients/{cid}/photos",
            data={"csrf_token": csrf, "taken_on": "1950-01-01", "mm_per_px": "9"},
            files={"photo": ("scalp.jpg", scalp_jpeg(), "image/jpeg")},
        ),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500 or answer.status_code == 200, answer.request.url
    assert answers[0].status_code == 200 and "Ana Ruiz" in answers[0].text  # NUL dropped
    assert answers[1].status_code == 422 and "2199-12-31" in error_beside(answers[1].text, "start")
    assert answers[4].status_code == 422 and answers[6].status_code in (404, 422)
    assert "1900-01-01" in answers[7].json()["detail"][0]["msg"]
    assert "at most 4000" in error_beside(answers[9].text, "notes")
    photo = answers[11]
    assert "the client's birth" in error_beside(photo.text, "taken_on")
    assert "mm per pixel" in error_beside(photo.text, "mm_per_px")
    with TestClient(app) as stranger:
        form = stranger.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        odd = stranger.post(
            "/login",
            data={
                "csrf_token": token.group(1),
                "email": "owner\x00@north.example",
                "password": "x",
            },
        )
        assert odd.status_code == 422
        api = stranger.post("/api/v1/clinic/login", json={"email": "a\x00b", "password": "x"})
        assert api.status_code == 401
    assert count(app, Photo) == 0


def test_an_upload_too_large_is_refused_before_it_is_read(db_url: str, app: FastAPI) -> None:
    small = create_app(
        WebSettings(samples=200, today=TODAY, database_url=db_url, max_upload_bytes=30_000)
    )
    cid = client_id(app)
    with TestClient(small) as client:
        csrf = sign_in(client, "owner@north.example")
        answer = client.post(
            f"/clinic/clients/{cid}/photos",
            data={"csrf_token": csrf, "taken_on": "2026-04-05"},
            files={"photo": ("scalp.jpg", bytes(200_000), "image/jpeg")},
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("text/html")
        assert "larger than 0.03 MB" in answer.text
        just_over = client.post(
            f"/clinic/clients/{cid}/photos",
            data={"csrf_token": csrf, "taken_on": "2026-04-05"},
            files={"photo": ("scalp.jpg", b"\xff\xd8\xff" + bytes(40_000), "image/jpeg")},
        )
        assert just_over.status_code == 422
    assert count(app, Photo) == 0


def test_the_same_photo_twice_is_refused_at_once(
    app: FastAPI, owner: tuple[TestClient, str]
) -> None:
    client, csrf = owner
    cid = client_id(app)
    data = {"csrf_token": csrf, "taken_on": PHOTO_DAY.isoformat(), "mm_per_px": "0.05"}
    first = client.post(
        f"/clinic/clients/{cid}/photos",
        data=data,
        files={"photo": ("scalp.jpg", scalp_jpeg(), "image/jpeg")},
        follow_redirects=False,
    )
    assert first.status_code == 303
    assert 'class="status done"' in wait_for_upload(client, first.headers["location"])
    second = client.post(
        f"/clinic/clients/{cid}/photos",
        data=data,
        files={"photo": ("again.jpg", scalp_jpeg(), "image/jpeg")},
    )
    assert second.status_code == 422
    assert "in the record already" in error_beside(second.text, "photo")
    assert count(app, Photo) == 1
