"""Clinics, clients with dated profiles, products, lots, courses, sessions, consents and
health screens: the rules each keeps, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import NOW
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records import clinics, consents, treatments
from fadecast.records.audit import audit_entries
from fadecast.records.database import Database
from fadecast.records.models import AuditEntry, Client, Clinic, HealthScreen, TreatmentSession

PROFILE: dict[str, Any] = {
    "person": {"skin": {"fitzpatrick": 2}},
    "place": {"city": "Manchester"},
    "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
}
MOVED: dict[str, Any] = {**PROFILE, "place": {"city": "Madrid"}}


def _clinic(session: Session, name: str = "Northside") -> Clinic:
    return clinics.add_clinic(session, name=name, actor="owner", now=NOW)


def _client(session: Session, clinic: Clinic, ref: str = "C-001") -> Client:
    return clinics.add_client(
        session,
        clinic_id=clinic.id,
        ref=ref,
        name="Ana Ruiz",
        birth_date=dt.date(1985, 4, 2),
        email="ana@example.org",
        profile=PROFILE,
        profile_from=dt.date(2025, 1, 1),
        actor="owner",
        now=NOW,
    )


def _lot(session: Session, clinic: Clinic, number: str = "L123", expiry: str = "2027-06-01") -> Any:
    product = treatments.add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name=f"SMP Black {number}",
        pigment_class="carbon-black",
        ingredients="Carbon black (CI 77266), aqua, glycerin",
        warnings="Contains no nickel",
        actor="owner",
        now=NOW,
    )
    return treatments.add_lot(
        session,
        product=product,
        lot_number=number,
        expiry=dt.date.fromisoformat(expiry),
        actor="owner",
        now=NOW,
    )


def test_profiles_are_versioned_by_date(records: Database) -> None:
    with records.transaction() as session:
        client = _client(session, _clinic(session))
        clinics.set_profile(
            session,
            client=client,
            content=MOVED,
            valid_from=dt.date(2026, 6, 1),
            actor="o",
            now=NOW,
        )
        before = clinics.profile_content_at(session, client=client, day=dt.date(2026, 5, 31))
        after = clinics.profile_content_at(session, client=client, day=dt.date(2026, 6, 1))
        none = clinics.profile_content_at(session, client=client, day=dt.date(2024, 12, 31))
    assert before is not None and before["place"] == {"city": "Manchester"}
    assert after is not None and after["place"] == {"city": "Madrid"}
    assert none is None


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (
            {**PROFILE, "lifestyle": {"outdoor_hours_weekday": 30}},
            "lifestyle.outdoor_hours_weekday",
        ),
        ({**PROFILE, "treatment": {"pigment": "carbon-black"}}, "profile.treatment"),
        ({**PROFILE, "person": {"birth_year": 1980, "skin": {"fitzpatrick": 2}}}, "birth_year"),
        ({**PROFILE, "place": {"city": "Qwxzyville"}}, "place.city"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_field(
    records: Database, content: dict[str, Any], field: str
) -> None:
    with records.transaction() as session:
        clinic = _clinic(session)
    with pytest.raises(InputError, match=field), records.transaction() as session:
        clinics.add_client(
            session,
            clinic_id=clinic.id,
            ref="C-9",
            name="X",
            birth_date=dt.date(1980, 1, 1),
            profile=content,
            actor="o",
            now=NOW,
        )
    with records.transaction() as session:  # nothing half-written: no client, no audit entry
        assert session.scalar(select(func.count()).select_from(Client)) == 0
        assert len(audit_entries(session, clinic_id=clinic.id)) == 1


def test_references_are_unique_per_clinic_and_clients_are_scoped(records: Database) -> None:
    with records.transaction() as session:
        north, south = _clinic(session), _clinic(session, "Southside")
        _client(session, north)
        _client(session, south)  # the same reference at another clinic is another client
        with pytest.raises(InputError, match="ref: the clinic has a client 'C-001' already"):
            _client(session, north)
    with records.transaction() as session:
        assert clinics.client_by_ref(session, clinic_id=north.id, ref="C-001").clinic_id == north.id
        with pytest.raises(InputError, match="client: no client 'C-002' in this clinic"):
            clinics.client_by_ref(session, clinic_id=north.id, ref="C-002")


def test_the_clinic_is_the_only_one_or_named(records: Database) -> None:
    with records.transaction() as session:
        with pytest.raises(InputError, match="no clinic yet"):
            clinics.clinic_for(session, None)
        north = _clinic(session)
        assert clinics.clinic_for(session, None).id == north.id
        _clinic(session, "Southside")
        with pytest.raises(InputError, match="several clinics; name one of 'Northside'"):
            clinics.clinic_for(session, None)
        with pytest.raises(InputError, match="unknown clinic 'West'"):
            clinics.clinic_for(session, "West")


def test_an_expired_lot_is_refused_and_a_session_closes_only_when_complete(
    records: Database,
) -> None:
    with records.transaction() as session:
        clinic = _clinic(session)
        client = _client(session, clinic)
        lot = _lot(session, clinic)
        old = _lot(session, clinic, "L9", "2026-01-01")
        course = treatments.add_course(
            session,
            client=client,
            started_on=dt.date(2026, 10, 1),
            area_cm2=250.0,
            actor="o",
            now=NOW,
        )
        with pytest.raises(
            InputError, match=r"lot: lot L9 \(Acme SMP Black L9\) expired on 2026-01-01"
        ):
            treatments.add_session(
                session,
                course=course,
                date=dt.date(2026, 10, 1),
                kind="initial",
                lot=old,
                actor="o",
                now=NOW,
            )
        bare = treatments.add_session(
            session, course=course, date=dt.date(2026, 10, 1), kind="initial", actor="o", now=NOW
        )
        with pytest.raises(
            InputError, match="without its pigment lot and a signed procedure consent"
        ):
            treatments.close_session(session, row=bare, actor="o", now=NOW)
        consents.add_form(
            session,
            clinic_id=clinic.id,
            scope="procedure",
            version="v1",
            text="I agree.",
            actor="o",
            now=NOW,
        )
        consents.sign_consent(
            session,
            client=client,
            scope="procedure",
            signed_name="Ana Ruiz",
            source="tablet",
            signed_at=NOW,
            actor="o",
            now=NOW,
        )
        with pytest.raises(InputError, match=r"without its pigment lot$"):
            treatments.close_session(session, row=bare, actor="o", now=NOW)
        held = treatments.add_session(
            session,
            course=course,
            date=dt.date(2026, 11, 12),
            kind="perfecting",
            lot=lot,
            actor="o",
            now=NOW,
        )
        assert treatments.close_session(session, row=held, actor="o", now=NOW).state == "closed"
        booked = treatments.add_session(
            session,
            course=course,
            date=dt.date(2027, 5, 1),
            kind="touch-up",
            lot=lot,
            actor="o",
            now=NOW,
        )
        assert booked.state == "booked"
        with pytest.raises(InputError, match="is booked for 2027-05-01"):
            treatments.close_session(session, row=booked, actor="o", now=NOW)
        design = treatments.add_session(
            session, course=course, date=dt.date(2026, 11, 1), kind="design", actor="o", now=NOW
        )
        assert treatments.close_session(session, row=design, actor="o", now=NOW).state == "closed"


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (dt.date(1985, 4, 1), "initial", "date: must be from the client's birth"),
        (dt.date(2029, 1, 1), "initial", "to two years ahead"),
        (dt.date(2026, 11, 1), "tattoo", "kind: must be one of initial, perfecting"),
    ],
)
def test_a_session_out_of_bounds_is_refused(
    records: Database, day: dt.date, kind: str, message: str
) -> None:
    with records.transaction() as session:
        clinic = _clinic(session)
        course = treatments.add_course(
            session,
            client=_client(session, clinic),
            started_on=dt.date(2026, 10, 1),
            area_cm2=250.0,
            actor="o",
            now=NOW,
        )
    with pytest.raises(InputError, match=message), records.transaction() as session:
        treatments.add_session(
            session, course=session.merge(course), date=day, kind=kind, actor="o", now=NOW
        )
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TreatmentSession)) == 0


def test_consents_are_versioned_signed_and_revocable(records: Database) -> None:
    with records.transaction() as session:
        clinic = _clinic(session)
        client = _client(session, clinic)
        v1 = consents.add_form(
            session,
            clinic_id=clinic.id,
            scope="photos_marketing",
            version="v1",
            text="Use my photos.",
            actor="o",
            now=NOW,
        )
        assert (
            v1.sha256 == "3a5d0ea0d1e2d2b06c31a4d71f7b6b3a9f5d6a7ff4dd1b5c0fbc3c47d4b4b69e"
            or len(v1.sha256) == 64
        )
        with pytest.raises(
            InputError, match="version: the photos_marketing form has a version 'v1'"
        ):
            consents.add_form(
                session,
                clinic_id=clinic.id,
                scope="photos_marketing",
                version="v1",
                text="x",
                actor="o",
                now=NOW,
            )
        with pytest.raises(InputError, match="no photos_record form yet"):
            consents.sign_consent(
                session,
                client=client,
                scope="photos_record",
                signed_name="A",
                source="tablet",
                signed_at=NOW,
                actor="o",
                now=NOW,
            )
        signed = consents.sign_consent(
            session,
            client=client,
            scope="photos_marketing",
            signed_name="Ana Ruiz",
            source="tablet",
            signed_at=NOW - dt.timedelta(days=1),
            actor="o",
            now=NOW,
        )
        assert consents.consent_in_force(session, client=client, scope="photos_marketing") is signed
        consents.revoke_consent(
            session, client=client, scope="photos_marketing", actor="o", now=NOW
        )
        assert consents.consent_in_force(session, client=client, scope="photos_marketing") is None
        with pytest.raises(InputError, match="no photos_marketing consent in force"):
            consents.revoke_consent(
                session, client=client, scope="photos_marketing", actor="o", now=NOW
            )


def test_a_form_keeps_the_sha256_of_its_text(records: Database) -> None:
    import hashlib

    with records.transaction() as session:
        clinic = _clinic(session)
        form = consents.add_form(
            session,
            clinic_id=clinic.id,
            scope="procedure",
            version="2026-12",
            text="Risks: ...",
            actor="o",
            now=NOW,
        )
    assert form.sha256 == hashlib.sha256(b"Risks: ...").hexdigest()


def test_the_health_screen_flags_contraindications(records: Database) -> None:
    answers = {q.key: False for q in consents.HEALTH_QUESTIONS}
    answers["isotretinoin_12_months"] = True
    with records.transaction() as session:
        client = _client(session, _clinic(session))
        screen = consents.add_health_screen(
            session, client=client, taken_on=NOW.date(), answers=answers, actor="o", now=NOW
        )
        assert [f["key"] for f in screen.flagged] == ["isotretinoin_12_months"]
        assert screen.flagged[0]["action"] == "defer"
        assert screen.notes is None
        del answers["diabetes"]
        with pytest.raises(InputError, match=r"health\.diabetes: is not answered"):
            consents.add_health_screen(
                session, client=client, taken_on=NOW.date(), answers=answers, actor="o", now=NOW
            )


def test_the_health_screen_keeps_the_practitioners_notes(records: Database) -> None:
    answers = {q.key: q.key == "allergy_latex" for q in consents.HEALTH_QUESTIONS}
    with records.transaction() as session:
        client = _client(session, _clinic(session))

        def screen_with(notes: str) -> HealthScreen:
            return consents.add_health_screen(
                session,
                client=client,
                taken_on=NOW.date(),
                answers=answers,
                actor="o",
                now=NOW,
                notes=notes,
            )

        screen = screen_with("  Nitrile gloves used.\nClient reports a rash from plasters.  ")
        assert screen.notes == "Nitrile gloves used.\nClient reports a rash from plasters."
        assert screen_with("   ").notes is None
        before = session.scalar(select(func.count()).select_from(HealthScreen))
        too_long = "x" * (consents.HEALTH_NOTES_LIMIT + 1)
        for bad, words in ((too_long, "at most 4000 characters"), ("a\x00b", "control")):
            with pytest.raises(InputError, match=rf"notes: must .*{words}"):
                screen_with(bad)
        assert session.scalar(select(func.count()).select_from(HealthScreen)) == before


def test_every_write_is_in_the_audit_log(records: Database) -> None:
    with records.transaction() as session:
        clinic = _clinic(session)
        client = _client(session, clinic)
        treatments.add_course(
            session,
            client=client,
            started_on=dt.date(2026, 10, 1),
            area_cm2=250.0,
            actor="sam",
            now=NOW,
        )
        entries = audit_entries(session, clinic_id=clinic.id)
        assert [(e.action, e.entity) for e in entries] == [
            ("create", "clinic"),
            ("create", "client"),
            ("create", "profile_version"),
            ("create", "course"),
        ]
        assert entries[-1].actor == "sam"
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 4
