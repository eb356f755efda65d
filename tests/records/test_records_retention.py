"""The retention period: who is anonymised, what goes and what stays, a dry run that
changes nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records import clinics, consents, photos, treatments
from fadecast.records.audit import audit_entries
from fadecast.records.database import Database
from fadecast.records.models import (
    Base,
    Client,
    Consent,
    Course,
    HealthScreen,
    Photo,
    ProfileVersion,
    TreatmentSession,
)
from fadecast.records.retention import ANONYMISED_NAME, purge, purge_candidates, retention_cutoff

TODAY = NOW.date()  # 2026-12-01: seven years back is 2019-12-01
LONG_AGO = dt.datetime(2015, 1, 5, 9, 0, 0)


def _png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 10), (shade, 120, 100)).save(out, "PNG")
    return out.getvalue()


def _client(
    session: Session,
    clinic_id: int,
    ref: str,
    *,
    sessions: tuple[dt.date, ...] = (),
    added: dt.datetime = NOW,
    photo: bytes | None = None,
    store: Path | None = None,
) -> Client:
    client = clinics.add_client(
        session,
        clinic_id=clinic_id,
        ref=ref,
        name=f"Name of {ref}",
        birth_date=dt.date(1980, 7, 14),
        email=f"{ref.lower()}@example.org",
        phone="+44 161 000",
        address="1 High St, Manchester",
        profile={
            "person": {"skin": {"fitzpatrick": 2}},
            "place": {"lat": 53.48083, "lon": -2.24263},
            "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
        },
        profile_from=added.date(),
        actor="owner",
        now=added,
    )
    for scope in ("procedure", "photos_record"):
        consents.sign_consent(
            session,
            client=client,
            scope=scope,
            signed_name=f"Name of {ref}",
            source="paper",
            signed_at=added,
            actor="owner",
            now=NOW,
        )
    consents.add_health_screen(
        session,
        client=client,
        taken_on=added.date(),
        answers={q.key: False for q in consents.HEALTH_QUESTIONS},
        actor="owner",
        now=NOW,
    )
    if sessions:
        lot = treatments.lot_by_number(session, clinic_id=clinic_id, lot_number="L1")
        course = treatments.add_course(
            session,
            client=client,
            started_on=sessions[0],
            area_cm2=100.0,
            design_notes="wants a soft line",
            actor="owner",
            now=NOW,
        )
        for day in sessions:
            treatments.add_session(
                session,
                course=course,
                date=day,
                kind="initial",
                lot=lot,
                notes="mentioned a new job",
                actor="owner",
                now=NOW,
            )
    if photo is not None:
        assert store is not None
        photos.add_photo(
            session,
            client=client,
            data=photo,
            taken_on=added.date(),
            store_root=store,
            measure=False,
            actor="owner",
            now=NOW,
        )
    return client


def _clinic(session: Session, name: str) -> int:
    clinic = clinics.add_clinic(session, name=name, actor="owner", now=LONG_AGO)
    for scope in ("procedure", "photos_record"):
        consents.add_form(
            session,
            clinic_id=clinic.id,
            scope=scope,
            version="1",
            text=f"{scope}.",
            actor="owner",
            now=LONG_AGO,
        )
    product = treatments.add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="Black",
        pigment_class="carbon-black",
        actor="owner",
        now=LONG_AGO,
    )
    treatments.add_lot(
        session,
        product=product,
        lot_number="L1",
        expiry=dt.date(2035, 1, 1),
        actor="owner",
        now=LONG_AGO,
    )
    return clinic.id


@pytest.fixture
def clinic_id(records: Database, tmp_path: Path) -> int:
    """Northside's clients: seen long ago (with a photo), recently, never treated since
    long ago, long ago but booked again, and added today; Southside's client has the
    same photo file as Northside's NEVER."""
    store = tmp_path / "store"
    with records.transaction() as session:
        north = _clinic(session, "Northside")
        _client(
            session,
            north,
            "OLD",
            sessions=(dt.date(2015, 2, 1), dt.date(2015, 2, 20)),
            photo=_png(1),
            store=store,
        )
        _client(
            session, north, "RECENT", sessions=(dt.date(2024, 5, 1),), photo=_png(3), store=store
        )
        _client(session, north, "NEVER", added=LONG_AGO, photo=_png(2), store=store)
        _client(session, north, "BOOKED", sessions=(dt.date(2016, 1, 1), dt.date(2027, 1, 1)))
        _client(session, north, "NEW")
        south = _clinic(session, "Southside")
        _client(
            session, south, "S-OLD", sessions=(dt.date(2014, 1, 1),), photo=_png(2), store=store
        )
    return north


def _snapshot(records: Database) -> dict[str, list[dict[str, Any]]]:
    with records.transaction() as session:
        return {
            table.name: [dict(row) for row in session.execute(select(table)).mappings()]
            for table in Base.metadata.sorted_tables
        }


def _purge(
    records: Database, clinic_id: int, tmp_path: Path, *, years: int = 7, dry_run: bool = False
) -> Any:
    return purge(
        records,
        clinic_id=clinic_id,
        older_than_years=years,
        today=TODAY,
        photo_root=tmp_path / "store",
        dry_run=dry_run,
        actor="dpo",
        now=NOW,
    )


def test_who_is_due_for_anonymising(records: Database, clinic_id: int) -> None:
    with records.transaction() as session:
        found = purge_candidates(session, clinic_id=clinic_id, older_than_years=7, today=TODAY)
    assert [(c.ref, c.last_seen, c.had_sessions) for c in found] == [
        ("NEVER", LONG_AGO.date(), False),
        ("OLD", dt.date(2015, 2, 20), True),
    ]
    assert [(c.photos, c.health_screens) for c in found] == [(1, 1), (1, 1)]
    with records.transaction() as session:
        twelve = purge_candidates(session, clinic_id=clinic_id, older_than_years=12, today=TODAY)
        assert twelve == []  # 2015 is within twelve years


def test_a_dry_run_lists_them_and_changes_nothing(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    before = _snapshot(records)
    files = sorted((tmp_path / "store").rglob("*"))
    result = _purge(records, clinic_id, tmp_path, dry_run=True)
    assert result.dry_run
    assert [c.ref for c in result.clients] == ["NEVER", "OLD"]
    assert (result.photos, result.health_screens, result.photo_files_removed) == (2, 2, 0)
    assert _snapshot(records) == before
    assert sorted((tmp_path / "store").rglob("*")) == files


def test_what_anonymising_does(records: Database, clinic_id: int, tmp_path: Path) -> None:
    with records.transaction() as session:
        old = clinics.client_by_ref(session, clinic_id=clinic_id, ref="OLD")
        old_id = old.id
        old_photo = session.scalars(select(Photo.sha256).where(Photo.client_id == old_id)).one()
        shared_photo = session.scalars(
            select(Photo.sha256).join(Client).where(Client.ref == "NEVER")
        ).one()
    result = _purge(records, clinic_id, tmp_path)
    assert [c.ref for c in result.clients] == ["NEVER", "OLD"]
    assert result.photo_files_removed == 1  # NEVER's file is Southside's too
    assert not photos.photo_path(tmp_path / "store", old_photo).exists()
    assert photos.open_photo(tmp_path / "store", shared_photo)
    with records.transaction() as session:
        anon = session.get(Client, old_id)
        assert anon is not None
        assert (anon.ref, anon.name, anon.email, anon.phone, anon.address) == (
            "OLD",
            ANONYMISED_NAME,
            None,
            None,
            None,
        )
        assert anon.birth_date == dt.date(1980, 1, 1)
        assert anon.anonymised_at == NOW
        signed = session.scalars(select(Consent.signed_name).where(Consent.client_id == old_id))
        assert set(signed) == {ANONYMISED_NAME}
        assert session.scalar(select(func.count()).where(HealthScreen.client_id == old_id)) == 0
        assert session.scalar(select(func.count()).where(Photo.client_id == old_id)) == 0
        course = session.scalars(select(Course).where(Course.client_id == old_id)).one()
        assert course.design_notes is None and course.area_cm2 == 100.0
        kept = [(s.date, s.kind, s.notes, s.pigment_lot_id is not None) for s in course.sessions]
        assert kept == [
            (dt.date(2015, 2, 1), "initial", None, True),
            (dt.date(2015, 2, 20), "initial", None, True),
        ]
        (profile,) = session.scalars(
            select(ProfileVersion.content).where(ProfileVersion.client_id == old_id)
        )
        assert profile["place"] == {"lat": 53.5, "lon": -2.2}
        assert profile["person"] == {"skin": {"fitzpatrick": 2}}
        entries = [
            e for e in audit_entries(session, clinic_id=clinic_id) if e.action == "anonymise"
        ]
        assert [(e.entity, e.entity_id, e.actor) for e in entries] == [
            ("client", str(session.scalar(select(Client.id).where(Client.ref == "NEVER"))), "dpo"),
            ("client", str(old_id), "dpo"),
        ]
        assert entries[1].detail["last_seen"] == "2015-02-20"
        assert entries[1].detail["older_than_years"] == 7
        assert entries[1].detail["photos_removed"] == 1


def test_the_others_stay_as_they_were(records: Database, clinic_id: int, tmp_path: Path) -> None:
    def others(snapshot: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return [c for c in snapshot["client"] if c["ref"] not in ("OLD", "NEVER")]

    def their_sessions(snapshot: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        ids = {c["id"] for c in others(snapshot)}
        courses = {c["id"] for c in snapshot["course"] if c["client_id"] in ids}
        return [s for s in snapshot["treatment_session"] if s["course_id"] in courses]

    before = _snapshot(records)
    _purge(records, clinic_id, tmp_path)
    after = _snapshot(records)
    assert others(after) == others(before)  # Southside's S-OLD among them: another clinic
    assert their_sessions(after) == their_sessions(before)
    assert len(after["audit_entry"]) == len(before["audit_entry"]) + 2
    assert after["audit_entry"][: len(before["audit_entry"])] == before["audit_entry"]


def test_a_second_purge_finds_nobody(records: Database, clinic_id: int, tmp_path: Path) -> None:
    _purge(records, clinic_id, tmp_path)
    again = _purge(records, clinic_id, tmp_path)
    assert again.clients == ()


def test_the_period_is_a_whole_number_of_years_from_one(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    for years in (0, -3):
        with pytest.raises(InputError, match=r"^older_than_years: must be at least 1 year"):
            _purge(records, clinic_id, tmp_path, years=years)
    assert retention_cutoff(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert retention_cutoff(TODAY, 10) == dt.date(2016, 12, 1)
    last_visit = {3: ["NEVER", "OLD"], 2: ["NEVER", "OLD", "RECENT"]}  # RECENT: 2024-05-01
    for years, refs in last_visit.items():
        result = _purge(records, clinic_id, tmp_path, years=years, dry_run=True)
        assert [c.ref for c in result.clients] == refs
    result = _purge(records, clinic_id, tmp_path, years=1, dry_run=True)
    assert "NEW" not in [c.ref for c in result.clients]  # added today
    assert "BOOKED" not in [c.ref for c in result.clients]  # booked for 2027


def test_an_anonymised_client_takes_no_photo(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    _purge(records, clinic_id, tmp_path)
    with records.transaction() as session:
        old = clinics.client_by_ref(session, clinic_id=clinic_id, ref="OLD")
        with pytest.raises(InputError, match="was anonymised"):
            photos.add_photo(
                session,
                client=old,
                data=_png(9),
                taken_on=TODAY,
                store_root=tmp_path / "store",
                measure=False,
                actor="o",
                now=NOW,
            )
    with records.transaction() as session:
        count = session.scalar(select(func.count()).select_from(TreatmentSession))
    assert count == 6
