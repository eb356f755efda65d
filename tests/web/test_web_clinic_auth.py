"""Signing in to the clinic dashboard and what guards it, through FastAPI's test client on
SQLite and PostgreSQL: the first run's setup link (once, then never again), the login
rate limit, the session cookie's flags, signing out, CSRF tokens on every POST, sign-in
on every page, and the roles (a guest sees no contacts, the front desk no health
answers)."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fadecast.clinic_cli.setup import setup_link
from fadecast.errors import InputError
from fadecast.records.clinics import add_client, add_clinic
from fadecast.records.consents import HEALTH_QUESTIONS, add_form, add_health_screen, sign_consent
from fadecast.records.database import open_database, upgrade
from fadecast.records.models import (
    AuditEntry,
    Clinic,
    LoginAttempt,
    SetupToken,
    WebSession,
    WebUser,
)
from fadecast.records.photos import PHOTOS_ENV
from fadecast.records.users import (
    LOGIN_FAILURES,
    LOGIN_WINDOW,
    SETUP_LIFETIME,
    add_user,
    setup_token_valid,
    token_sha256,
)
from fadecast.web import WebSettings, create_app
from fadecast.web.app import first_run_link

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0, 0)
PASSWORD = "a long pass phrase"
ROLES = ("owner", "practitioner", "front_desk", "guest")


def make_app(db_url: str, **settings: Any) -> FastAPI:
    return create_app(WebSettings(samples=200, today=TODAY, database_url=db_url, **settings))


@pytest.fixture
def empty(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """The app on records with a schema and nothing else, of each kind."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    upgrade(db_url)
    app = make_app(db_url)
    yield app
    app.state.uploads.close()
    app.state.records.close()


@pytest.fixture
def clinic(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """The app on records with clinic Northside, a user of each role (``<role>@north
    .example``) and a client with contacts and a health screen, of each kind."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    upgrade(db_url)
    records = open_database(db_url)
    try:
        with records.transaction() as session:
            place = add_clinic(session, name="Northside", actor="test", now=NOW)
            for role in ROLES:
                add_user(
                    session,
                    clinic_id=place.id,
                    email=f"{role}@north.example",
                    display_name=role.replace("_", " ").title(),
                    role=role,
                    password=PASSWORD,
                    actor="test",
                    now=NOW,
                )
            person = add_client(
                session,
                clinic_id=place.id,
                ref="C-001",
                name="Ana Ruiz",
                birth_date=dt.date(1988, 5, 1),
                email="ana@example.org",
                phone="+44 161 555 0101",
                address="1 Deansgate, Manchester",
                profile={
                    "person": {"skin": {"fitzpatrick": 2}},
                    "place": {"city": "Manchester"},
                    "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
                },
                actor="test",
                now=NOW,
            )
            add_form(
                session,
                clinic_id=place.id,
                scope="photos_record",
                version="1",
                text="Photos kept in my record.",
                actor="t",
                now=NOW,
            )
            sign_consent(
                session,
                client=person,
                scope="photos_record",
                signed_name="Ana Ruiz",
                source="paper",
                signed_at=NOW,
                actor="t",
                now=NOW,
            )
            answers = {q.key: q.key == "diabetes" for q in HEALTH_QUESTIONS}
            add_health_screen(
                session, client=person, taken_on=TODAY, answers=answers, actor="t", now=NOW
            )
    finally:
        records.close()
    app = make_app(db_url)
    yield app
    app.state.uploads.close()
    app.state.records.close()


def form_token(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found is not None, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = form_token(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        follow_redirects=False,
    )


def session_csrf(client: TestClient) -> str:
    me = client.get("/api/v1/clinic/me")
    assert me.status_code == 200, me.text
    token: str = me.json()["csrf_token"]
    return token


def set_cookie_header(response: Any, name: str) -> str:
    for value in response.headers.get_list("set-cookie"):
        if value.startswith(f"{name}="):
            return str(value)
    raise AssertionError(f"no {name} cookie set")


def path_ids(app: FastAPI, client: TestClient) -> dict[str, int]:
    """An id of the signed-in clinic's own for each kind of path parameter."""
    with app.state.records.transaction() as session:
        from fadecast.records.models import Client

        client_id = session.scalar(select(func.min(Client.id)))
        user_id = session.scalar(select(func.min(WebUser.id)))
    assert client_id is not None and user_id is not None
    return {
        "client_id": client_id,
        "user_id": user_id,
        "session_id": 1,
        "photo_id": 1,
        "job_id": 1,
        "product_id": 1,
    }


def dashboard_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the dashboard: its pages, its API, signing out."""
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path_format or route.path or ""
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            if path.startswith(("/clinic", "/api/v1/clinic")) or path == "/logout":
                found.append((method, path))
    return sorted(found)


# The first run ----------------------------------------------------------------------


def claim(client: TestClient, link: str, **answers: str) -> Any:
    page = client.get(link)
    assert page.status_code == 200, page.text
    data = {
        "csrf_token": form_token(page.text),
        "clinic_name": "Northside",
        "display_name": "Sam Lee",
        "email": "sam@north.example",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **answers,
    }
    return client.post(link, data=data, follow_redirects=False)


def test_the_setup_link_makes_the_owner_once_and_nobody_else(empty: FastAPI) -> None:
    link = first_run_link(empty, "http://testserver")
    assert link is not None and re.fullmatch(r"http://testserver/setup/[A-Za-z0-9_-]{43}", link)
    path = link.removeprefix("http://testserver")
    with TestClient(empty) as client:
        mismatched = claim(client, path, password_again="another long phrase")
        assert mismatched.status_code == 422 and 'id="err-password_again"' in mismatched.text
        short = claim(client, path, password="short", password_again="short")
        assert short.status_code == 422 and "at least 12" in short.text
        with empty.state.records.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Clinic)) == 0  # kept nothing
        made = claim(client, path)
        assert made.status_code == 303 and made.headers["location"] == "/clinic/clients"
        assert client.get("/clinic/clients").status_code == 200  # signed in as the owner
        assert session_csrf(client)
    with TestClient(empty) as intruder:
        again = intruder.get(path)
        assert again.status_code == 404 and "used or has expired" in again.text
        token = form_token(intruder.get("/login").text)  # a form token of their own
        forced = intruder.post(
            path,
            data={
                "csrf_token": token,
                "clinic_name": "Elsewhere",
                "display_name": "Intruder",
                "email": "intruder@example.org",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert forced.status_code == 404
        assert intruder.get("/setup/" + "A" * 43).status_code == 404
    assert first_run_link(empty, "http://testserver") is None  # a user exists: no new link
    with empty.state.records.transaction() as session:
        users = session.execute(select(WebUser.email, WebUser.role)).all()
        clinics = session.scalars(select(Clinic.name)).all()
    assert [tuple(u) for u in users] == [("sam@north.example", "owner")]
    assert clinics == ["Northside"]


def test_a_setup_form_without_its_token_is_refused(empty: FastAPI) -> None:
    link = first_run_link(empty, "")
    assert link is not None
    with TestClient(empty) as client:
        client.get(link)
        refused = client.post(
            link,
            data={
                "clinic_name": "Northside",
                "display_name": "Sam",
                "email": "sam@north.example",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert refused.status_code == 403
    with empty.state.records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebUser)) == 0


def clinic_link(
    db_url: str, name: str, capsys: pytest.CaptureFixture[str], base: str = "http://testserver"
) -> str:
    """The one-time link ``fadecast clinic setup-link`` prints for a clinic (its path)."""
    setup_link(clinic=name, url=base, db=db_url, actor="it")
    printed = capsys.readouterr().out.strip()
    assert f"make the owner of {name} (it works once, for 24 hours" in printed
    found = re.search(r"(/setup/[A-Za-z0-9_-]{43})$", printed)
    assert found is not None and printed.endswith(base + found.group(1)), printed
    return found.group(1)


def test_a_further_clinic_gets_its_owner_through_its_own_link_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Northside has its owner, so no first-run link is made; Southside, added to the
    group later, gets its owner through a link made for it alone."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    upgrade(db_url)
    records = open_database(db_url)
    try:
        with records.transaction() as session:
            north = add_clinic(session, name="Northside", actor="test", now=NOW)
            south = add_clinic(session, name="Southside", actor="test", now=NOW)
            add_user(
                session,
                clinic_id=north.id,
                email="owner@north.example",
                display_name="North owner",
                role="owner",
                password=PASSWORD,
                actor="test",
                now=NOW,
            )
            north_id, south_id = north.id, south.id
    finally:
        records.close()
    app = make_app(db_url)
    try:
        assert first_run_link(app, "http://testserver") is None  # a user exists
        with pytest.raises(InputError, match="Northside has users already"):
            setup_link(clinic="Northside", url="http://testserver", db=db_url, actor="it")
        old = clinic_link(db_url, "Southside", capsys)
        link = clinic_link(db_url, "Southside", capsys)  # a new link voids the old one
        with TestClient(app) as client:
            assert client.get(old).status_code == 404
            page = client.get(link)
            assert page.status_code == 200
            assert "You become the owner of <strong>Southside</strong>" in page.text
            assert "Northside" not in page.text  # the other clinic is not offered
            # The link cannot be turned to another clinic...
            forged = claim(client, link, clinic=str(north_id), email="mallory@example.org")
            assert forged.status_code == 422
            assert "for another clinic" in forged.text
            with app.state.records.transaction() as session:
                assert session.scalar(select(func.count()).select_from(WebUser)) == 1
            # ...and makes Southside's owner once.
            made = claim(client, link, email="owner@south.example")
            assert made.status_code == 303 and made.headers["location"] == "/clinic/clients"
            me = client.get("/api/v1/clinic/me").json()
            assert (me["clinic"], me["role"]) == ("Southside", "owner")
        with TestClient(app) as intruder:
            again = intruder.get(link)
            assert again.status_code == 404 and "used or has expired" in again.text
            token = form_token(intruder.get("/login").text)
            forced = intruder.post(
                link,
                data={
                    "csrf_token": token,
                    "display_name": "Intruder",
                    "email": "intruder@example.org",
                    "password": PASSWORD,
                    "password_again": PASSWORD,
                },
            )
            assert forced.status_code == 404
        with pytest.raises(InputError, match="Southside has users already"):
            setup_link(clinic="Southside", url="http://testserver", db=db_url, actor="it")
        with app.state.records.transaction() as session:
            owners = session.execute(
                select(WebUser.email, WebUser.clinic_id, WebUser.role).order_by(WebUser.id)
            ).all()
            entries = session.execute(
                select(AuditEntry.clinic_id, AuditEntry.actor).where(
                    AuditEntry.entity == "setup_token"
                )
            ).all()
        assert [tuple(o) for o in owners] == [
            ("owner@north.example", north_id, "owner"),
            ("owner@south.example", south_id, "owner"),
        ]
        assert [tuple(e) for e in entries] == [(south_id, "it"), (south_id, "it")]
    finally:
        app.state.uploads.close()
        app.state.records.close()


def test_a_clinics_link_outlives_the_first_run_and_expires(
    empty: FastAPI, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with empty.state.records.transaction() as session:
        add_clinic(session, name="Northside", actor="test", now=NOW)
        add_clinic(session, name="Southside", actor="test", now=NOW)
    south = clinic_link(db_url, "Southside", capsys)
    first = first_run_link(empty, "")  # made after it: voids no clinic's link
    assert first is not None
    with TestClient(empty) as client:
        chooser = client.get(first).text
        assert "Northside" in chooser and "Southside" in chooser
        with empty.state.records.transaction() as session:
            north_id = session.scalar(select(Clinic.id).where(Clinic.name == "Northside"))
        assert claim(client, first, clinic=str(north_id)).status_code == 303
    with TestClient(empty) as other:
        assert other.get(first).status_code == 404
        page = other.get(south)
        assert page.status_code == 200 and "owner of <strong>Southside</strong>" in page.text
    token = south.removeprefix("/setup/")
    with empty.state.records.transaction() as session:
        made = session.scalar(
            select(SetupToken.created_at).where(SetupToken.token_sha256 == token_sha256(token))
        )
        assert made is not None
        later = made + SETUP_LIFETIME
        assert setup_token_valid(session, token=token, now=later - dt.timedelta(seconds=1))
        assert not setup_token_valid(session, token=token, now=later)


def test_fadecast_serve_prints_the_setup_link(tmp_path: Path) -> None:
    records = tmp_path / "clinic.sqlite"
    init = subprocess.run(
        [sys.executable, "-m", "fadecast", "clinic", "init", "--db", str(records)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    port = free_port()
    command = [sys.executable, "-m", "fadecast", "serve", "--port", str(port), "--db", str(records)]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert first.startswith(f"fadecast: serving on http://127.0.0.1:{port}/")
            second = proc.stdout.readline()
            found = re.search(r"(http://127\.0\.0\.1:\d+/setup/[A-Za-z0-9_-]{43})$", second.strip())
            assert found is not None, second
            assert "works once, for 24 hours" in second
            page = fetch_when_up(found.group(1))
            assert "Set up the clinic's dashboard" in page
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
    assert proc.returncode == 0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch_when_up(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text: str = response.read().decode("utf-8")
                return text
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# Signing in -------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_new_at_each_sign_in(clinic: FastAPI) -> None:
    with TestClient(clinic) as client:
        client.cookies.set("fadecast_session", "planted-by-someone-else")
        answer = sign_in(client, "owner@north.example")
        assert answer.status_code == 303
        header = set_cookie_header(answer, "fadecast_session")
        cookie = SimpleCookie()
        cookie.load(header)
        morsel = cookie["fadecast_session"]
        assert morsel["httponly"] and morsel["samesite"].lower() == "lax"
        assert not morsel["secure"]
        assert morsel.value != "planted-by-someone-else" and len(morsel.value) == 43
        with clinic.state.records.transaction() as session:
            kept = session.scalars(select(WebSession.token_sha256)).all()
        assert morsel.value not in kept  # only its sha256 is kept
    secure = make_app(str(clinic.state.settings.database_url), secure_cookies=True)
    with TestClient(secure, base_url="https://testserver") as client:
        answer = sign_in(client, "owner@north.example")
        header = set_cookie_header(answer, "fadecast_session")
        assert "Secure" in header and "HttpOnly" in header
        assert "strict-transport-security" in answer.headers


def test_wrong_sign_ins_are_refused_alike_then_rate_limited(clinic: FastAPI) -> None:
    moment = [NOW]
    clinic.state.clock = lambda: moment[0]
    with TestClient(clinic) as client:
        unknown = sign_in(client, "nobody@north.example")
        wrong = sign_in(client, "owner@north.example", "not the password")
        for answer in (unknown, wrong):
            assert answer.status_code == 422
            assert "the e-mail or the password is wrong" in answer.text
        for _ in range(LOGIN_FAILURES - 1):
            moment[0] += dt.timedelta(seconds=10)
            assert sign_in(client, "owner@north.example", "still wrong").status_code == 422
        moment[0] += dt.timedelta(seconds=10)
        stopped = sign_in(client, "owner@north.example")  # the right password, too late
        assert stopped.status_code == 429
        assert "Too many failed sign-ins" in stopped.text and "Try again in" in stopped.text
        assert 0 < int(stopped.headers["retry-after"]) <= LOGIN_WINDOW.total_seconds()
        api = client.post(
            "/api/v1/clinic/login", json={"email": "owner@north.example", "password": PASSWORD}
        )
        assert api.status_code == 429
        other = sign_in(client, "front_desk@north.example")  # another e-mail is not stopped
        assert other.status_code == 303
        client.cookies.clear()
        moment[0] += LOGIN_WINDOW
        assert sign_in(client, "owner@north.example").status_code == 303
    with clinic.state.records.transaction() as session:
        failures = session.scalar(select(func.count()).where(LoginAttempt.succeeded.is_(False)))
    assert failures == LOGIN_FAILURES + 1


def test_a_login_form_without_its_token_is_refused(clinic: FastAPI) -> None:
    with TestClient(clinic) as client:
        client.get("/login")
        refused = client.post("/login", data={"email": "owner@north.example", "password": PASSWORD})
        assert refused.status_code == 403
        forged = client.post(
            "/login",
            data={"csrf_token": "x" * 43, "email": "owner@north.example", "password": PASSWORD},
        )
        assert forged.status_code == 403


def test_signing_out_ends_the_session(clinic: FastAPI) -> None:
    with TestClient(clinic) as client:
        sign_in(client, "owner@north.example")
        token = client.cookies.get("fadecast_session")
        assert token
        csrf = session_csrf(client)
        out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
    with TestClient(clinic) as replay:
        replay.cookies.set("fadecast_session", token)
        again = replay.get("/clinic/clients", follow_redirects=False)
        assert again.status_code == 303  # the stolen cookie opens nothing
    with clinic.state.records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_every_page_asks_to_sign_in_and_the_api_answers_401(clinic: FastAPI) -> None:
    routes = dashboard_routes(clinic)
    assert len(routes) > 30
    with TestClient(clinic) as client:
        ids = path_ids(clinic, client)
        for method, path in routes:
            if path == "/api/v1/clinic/login":
                continue
            address = path.format(**ids)
            answer = client.request(method, address, follow_redirects=False)
            if path.startswith("/api/"):
                assert answer.status_code == 401, (method, path)
                assert answer.json() == {"detail": "sign in first"}
            else:
                assert answer.status_code == 303, (method, path, answer.status_code)
                assert answer.headers["location"].startswith("/login?next=")


def test_every_post_without_the_csrf_token_is_refused(clinic: FastAPI) -> None:
    posts = [(m, p) for m, p in dashboard_routes(clinic) if m != "GET"]
    posts = [(m, p) for m, p in posts if p != "/api/v1/clinic/login"]
    assert len(posts) > 12
    with TestClient(clinic) as client:
        sign_in(client, "owner@north.example")
        ids = path_ids(clinic, client)
        with clinic.state.records.transaction() as session:
            before = session.scalar(select(func.count()).select_from(WebUser))
        for method, path in posts:
            address = path.format(**ids)
            for data in ({}, {"csrf_token": "x" * 43}):
                answer = client.request(method, address, data=data, follow_redirects=False)
                assert answer.status_code == 403, (method, path, data, answer.status_code)
            wrong_header = client.request(
                method, address, headers={"X-CSRF-Token": "x" * 43}, follow_redirects=False
            )
            assert wrong_header.status_code == 403, (method, path)
        still = client.get("/clinic/clients")  # and the session goes on
        assert still.status_code == 200
        with clinic.state.records.transaction() as session:
            assert session.scalar(select(func.count()).select_from(WebUser)) == before


# Roles ------------------------------------------------------------------------------


def client_address(app: FastAPI) -> int:
    with app.state.records.transaction() as session:
        from fadecast.records.models import Client

        found = session.scalar(select(Client.id))
    assert found is not None
    return int(found)


def test_a_guest_practitioner_sees_no_contact_details(clinic: FastAPI) -> None:
    contacts = ("ana@example.org", "+44 161 555 0101", "Deansgate")
    cid = client_address(clinic)
    with TestClient(clinic) as owner:
        sign_in(owner, "owner@north.example")
        page = owner.get(f"/clinic/clients/{cid}").text
        assert all(c in page for c in contacts)  # the owner does
    with TestClient(clinic) as guest:
        sign_in(guest, "guest@north.example")
        shown = [
            guest.get("/clinic/clients").text,
            guest.get("/clinic/clients", params={"q": "ana"}).text,
            guest.get(f"/clinic/clients/{cid}").text,
            guest.get("/clinic/due", params={"start": "2026-01-01", "end": "2040-12-31"}).text,
            guest.get("/api/v1/clinic/clients").text,
            guest.get(f"/api/v1/clinic/clients/{cid}").text,
            guest.get(
                "/api/v1/clinic/due", params={"start": "2026-01-01", "end": "2040-12-31"}
            ).text,
        ]
        assert "Ana Ruiz" in shown[2]
        for text in shown:
            for contact in contacts:
                assert contact not in text
        assert guest.get(f"/clinic/clients/{cid}/health").status_code == 200  # they treat
        for refused in ("/clinic/recall.csv?lot=X", "/clinic/users", "/clinic/export"):
            assert guest.get(refused).status_code == 403, refused


def test_the_front_desk_sees_contacts_but_no_health_answers(clinic: FastAPI) -> None:
    cid = client_address(clinic)
    with TestClient(clinic) as desk:
        sign_in(desk, "front_desk@north.example")
        page = desk.get(f"/clinic/clients/{cid}")
        assert page.status_code == 200 and "+44 161 555 0101" in page.text
        assert "/health" not in page.text and "Health screen" not in page.text
        refused = desk.get(f"/clinic/clients/{cid}/health")
        assert refused.status_code == 403 and "diabetes" not in refused.text.lower()
        assert desk.get(f"/clinic/clients/{cid}/passport.html").status_code == 403
        assert 'id="photos"' not in page.text and 'id="upload"' not in page.text
    with clinic.state.records.transaction() as session:
        from fadecast.records.models import AuditEntry

        viewed = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.entity == "health_screen")
        ).all()
    assert "front_desk@north.example" not in viewed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("owner", {"/clinic/users", "/clinic/feed", "/clinic/export", "/clinic/forms"}),
        ("practitioner", {"/clinic/pigments", "/clinic/missing"}),
        ("front_desk", {"/clinic/missing"}),
        ("guest", set()),
    ],
)
def test_each_role_reaches_its_pages_only(clinic: FastAPI, role: str, allowed: set[str]) -> None:
    pages = {
        "/clinic/users",
        "/clinic/feed",
        "/clinic/export",
        "/clinic/forms",
        "/clinic/pigments",
        "/clinic/missing",
    }
    with TestClient(clinic) as client:
        sign_in(client, f"{role}@north.example")
        for address in sorted(pages):
            expected = 200 if address in allowed or role == "owner" else 403
            assert client.get(address).status_code == expected, (role, address)
        nav = client.get("/clinic/clients").text
        for address in sorted(pages):
            assert (f'href="{address}"' in nav) == (address in allowed or role == "owner")


def dependency_names(dependant: Any) -> set[str]:
    found: set[str] = set()
    for sub in dependant.dependencies:
        found.add(getattr(sub.call, "__name__", type(sub.call).__name__))
        found |= dependency_names(sub)
    return found


def test_every_dashboard_route_needs_a_role_and_the_csrf_guard(clinic: FastAPI) -> None:
    from fadecast.web.security import PERMISSIONS

    checked = 0
    for route in iter_route_contexts(clinic.routes):
        path = route.path_format or route.path or ""
        if not path.startswith(("/clinic", "/api/v1/clinic")) or path == "/api/v1/clinic/login":
            continue
        original = route.original_route
        assert isinstance(original, APIRoute), path
        names = dependency_names(original.dependant)
        needs = {n for n in names if n.startswith("need_")}
        assert len(needs) == 1, (path, names)  # one permission, checked before the work
        permission = needs.pop().removeprefix("need_").replace("_", ".", 1)
        assert permission in PERMISSIONS, (path, permission)
        assert "csrf_guard" in names and "signed_in" in names, path
        checked += 1
    assert checked > 30
