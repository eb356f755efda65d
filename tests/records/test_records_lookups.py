"""Recall by lot and what the records lack, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from conftest import NOW
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic, add_practitioner
from fadecast.records.consents import (
    HEALTH_QUESTIONS,
    add_form,
    add_health_screen,
    revoke_consent,
    sign_consent,
)
from fadecast.records.database import Database
from fadecast.records.lookups import (
    RECALL_COLUMNS,
    RecallRow,
    missing_records,
    recall_csv,
    sessions_with_lot,
)
from fadecast.records.models import (
    Client,
    Clinic,
    Course,
    ForecastCache,
    PigmentLot,
    TreatmentSession,
)
from fadecast.records.treatments import (
    add_course,
    add_lot,
    add_product,
    add_session,
    close_session,
)

TODAY = NOW.date()
NO = dict.fromkeys((q.key for q in HEALTH_QUESTIONS), False)


@dataclass
class Shop:
    """A clinic with a practitioner, a product and a lot, and its consent forms."""

    clinic: Clinic
    lot: PigmentLot
    other_lot: PigmentLot
    practitioner_id: int


def shop(session: Session, name: str) -> Shop:
    clinic = add_clinic(session, name=name, actor="test", now=NOW)
    person = add_practitioner(session, clinic_id=clinic.id, name="Sam Lee", actor="test", now=NOW)
    product = add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="Scalp Black",
        pigment_class="carbon-black",
        ingredients="Aqua, CI 77266",
        warnings="Keep away from eyes",
        actor="test",
        now=NOW,
    )
    lot = add_lot(
        session, product=product, lot_number="LT-7", expiry=dt.date(2028, 1, 1), actor="t", now=NOW
    )
    other = add_lot(
        session, product=product, lot_number="LT-8", expiry=dt.date(2028, 1, 1), actor="t", now=NOW
    )
    for scope in ("procedure", "data_processing"):
        add_form(
            session,
            clinic_id=clinic.id,
            scope=scope,
            version="1",
            text=f"{scope} form",
            actor="t",
            now=NOW,
        )
    return Shop(clinic, lot, other, person.id)


def client(
    session: Session,
    at: Shop,
    ref: str,
    name: str,
    email: str | None = None,
    phone: str | None = None,
) -> Client:
    return add_client(
        session,
        clinic_id=at.clinic.id,
        ref=ref,
        name=name,
        birth_date=dt.date(1985, 3, 1),
        email=email,
        phone=phone,
        actor="t",
        now=NOW,
    )


def course(session: Session, person: Client) -> Course:
    return add_course(
        session, client=person, started_on=dt.date(2026, 1, 5), area_cm2=300.0, actor="t", now=NOW
    )


def complete(session: Session, person: Client, *, screened: dt.date = TODAY) -> None:
    """Sign the client's procedure and data processing consents and screen them."""
    for scope in ("procedure", "data_processing"):
        sign_consent(
            session,
            client=person,
            scope=scope,
            signed_name=person.name,
            source="paper in clinic",
            signed_at=NOW,
            actor="t",
            now=NOW,
        )
    add_health_screen(session, client=person, taken_on=screened, answers=NO, actor="t", now=NOW)


def test_recall_finds_exactly_the_sessions_with_the_lot(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        there = shop(session, "There")  # the same lot number at another clinic
        zoe = client(session, here, "C-2", "Zoe Adams", email="zoe@example.org", phone="+44 1")
        ana = client(session, here, "C-1", "Ana Ruiz", email="ana@example.org")
        ben = client(session, here, "C-3", "Ben Ode")
        far = client(session, there, "C-1", "Ana Elsewhere")
        zc, ac, bc, fc = (course(session, p) for p in (zoe, ana, ben, far))
        z1 = add_session(
            session,
            course=zc,
            date=dt.date(2026, 2, 1),
            kind="initial",
            lot=here.lot,
            practitioner_id=here.practitioner_id,
            actor="t",
            now=NOW,
        )
        a2 = add_session(
            session,
            course=ac,
            date=dt.date(2026, 3, 1),
            kind="perfecting",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        a1 = add_session(
            session,
            course=ac,
            date=dt.date(2026, 1, 10),
            kind="initial",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=bc,
            date=dt.date(2026, 2, 1),
            kind="initial",
            lot=here.other_lot,
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=fc,
            date=dt.date(2026, 2, 1),
            kind="initial",
            lot=there.lot,
            actor="t",
            now=NOW,
        )
        # Ana's next visit is booked; Zoe's comes from her forecast; a past booking and
        # a booking at the other clinic do not count.
        add_session(
            session, course=ac, date=dt.date(2027, 4, 1), kind="touch-up", actor="t", now=NOW
        )
        add_session(
            session, course=ac, date=dt.date(2027, 2, 1), kind="touch-up", actor="t", now=NOW
        )
        session.add(
            ForecastCache(
                client_id=zoe.id,
                clinic_id=here.clinic.id,
                model_version="1",
                inputs_sha256="0" * 64,
                computed_at=NOW,
                p10=dt.date(2028, 1, 1),
                p50=dt.date(2029, 6, 1),
                p90=dt.date(2031, 1, 1),
                personal=False,
                summary={},
            )
        )
        session.flush()
        ids = (z1.id, a1.id, a2.id)
        clinic_id = here.clinic.id
    with records.transaction() as session:
        rows = sessions_with_lot(
            session, clinic_id=clinic_id, lot_number="LT-7", actor="desk", now=NOW
        )
    assert [r.session_id for r in rows] == [ids[1], ids[2], ids[0]]  # Ana by date, then Zoe
    assert [r.client_ref for r in rows] == ["C-1", "C-1", "C-2"]
    ana_row, _, zoe_row = rows
    assert (ana_row.email, ana_row.phone, ana_row.session_kind) == (
        "ana@example.org",
        None,
        "initial",
    )
    assert (ana_row.next_visit, ana_row.next_visit_source) == (dt.date(2027, 2, 1), "booked")
    assert (zoe_row.next_visit, zoe_row.next_visit_source) == (dt.date(2029, 6, 1), "forecast")
    assert zoe_row.practitioner == "Sam Lee" and ana_row.practitioner is None
    assert zoe_row.product == "Acme Scalp Black" and zoe_row.lot_number == "LT-7"
    assert zoe_row.phone == "+44 1" and zoe_row.session_date == dt.date(2026, 2, 1)
    # Counted from a later day, the February booking is past: April is next.
    with records.transaction() as session:
        later = sessions_with_lot(
            session,
            clinic_id=clinic_id,
            lot_number="LT-7",
            today=dt.date(2027, 2, 1),
            actor="desk",
            now=NOW,
        )
    assert later[0].next_visit == dt.date(2027, 4, 1)


def test_a_lot_with_no_session_gives_an_empty_list_and_an_unknown_lot_is_refused(
    records: Database,
) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        other = add_clinic(session, name="Other", actor="t", now=NOW)
        clinic_id, other_id = here.clinic.id, other.id
    with records.transaction() as session:
        assert (
            sessions_with_lot(session, clinic_id=clinic_id, lot_number="LT-8", actor="t", now=NOW)
            == []
        )
        with pytest.raises(InputError, match="no pigment lot 'NOPE' in this clinic"):
            sessions_with_lot(session, clinic_id=clinic_id, lot_number="NOPE", actor="t", now=NOW)
        # Another clinic does not see this clinic's lot.
        with pytest.raises(InputError, match="no pigment lot 'LT-7'"):
            sessions_with_lot(session, clinic_id=other_id, lot_number="LT-7", actor="t", now=NOW)
        with pytest.raises(InputError, match="lot: must not be empty"):
            sessions_with_lot(session, clinic_id=clinic_id, lot_number=" ", actor="t", now=NOW)


def test_a_lot_number_two_products_share_needs_the_product(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        grey = add_product(
            session,
            clinic_id=here.clinic.id,
            brand="Bolt",
            name="Soft Grey",
            pigment_class="iron-oxide",
            actor="t",
            now=NOW,
        )
        twin = add_lot(
            session, product=grey, lot_number="LT-7", expiry=dt.date(2028, 1, 1), actor="t", now=NOW
        )
        person = client(session, here, "C-1", "Ana Ruiz")
        add_session(
            session,
            course=course(session, person),
            date=dt.date(2026, 2, 1),
            kind="initial",
            lot=twin,
            actor="t",
            now=NOW,
        )
        clinic_id = here.clinic.id
    with records.transaction() as session:
        with pytest.raises(InputError) as refused:
            sessions_with_lot(session, clinic_id=clinic_id, lot_number="LT-7", actor="t", now=NOW)
        assert refused.value.field == "lot"
        assert "'Acme Scalp Black'" in refused.value.message
        assert "'Bolt Soft Grey'" in refused.value.message
        assert "--product" in refused.value.message
        acme = sessions_with_lot(
            session,
            clinic_id=clinic_id,
            lot_number="LT-7",
            product="Acme Scalp Black",
            actor="t",
            now=NOW,
        )
        bolt = sessions_with_lot(
            session,
            clinic_id=clinic_id,
            lot_number="LT-7",
            product="bolt  soft grey",
            actor="t",
            now=NOW,
        )
        with pytest.raises(InputError, match="is not a lot of 'Cobalt Ink'"):
            sessions_with_lot(
                session,
                clinic_id=clinic_id,
                lot_number="LT-7",
                product="Cobalt Ink",
                actor="t",
                now=NOW,
            )
    assert acme == []
    assert [r.product for r in bolt] == ["Bolt Soft Grey"]


def test_showing_or_exporting_the_recall_list_is_audited(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        person = client(session, here, "C-1", "Ana Ruiz")
        add_session(
            session,
            course=course(session, person),
            date=dt.date(2026, 2, 1),
            kind="initial",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        clinic_id, lot_id = here.clinic.id, here.lot.id
    with records.transaction() as session:
        before = len(audit_entries(session, clinic_id=clinic_id))
        sessions_with_lot(session, clinic_id=clinic_id, lot_number="LT-7", actor="desk", now=NOW)
        sessions_with_lot(
            session, clinic_id=clinic_id, lot_number="LT-7", actor="desk", now=NOW, action="export"
        )
        with pytest.raises(InputError, match="action"):
            sessions_with_lot(
                session, clinic_id=clinic_id, lot_number="LT-7", actor="d", now=NOW, action="delete"
            )
    with records.transaction() as session:
        entries = audit_entries(session, clinic_id=clinic_id)[before:]
    assert [(e.action, e.actor, e.entity, e.entity_id) for e in entries] == [
        ("view", "desk", "pigment_lot", str(lot_id)),
        ("export", "desk", "pigment_lot", str(lot_id)),
    ]
    assert entries[0].detail == {
        "what": "recall",
        "lot": "LT-7",
        "product": "Acme Scalp Black",
        "sessions": 1,
        "clients": 1,
    }


def test_the_recall_csv_round_trips_through_csv_reader() -> None:
    rows = [
        RecallRow(
            "C-1",
            'Ana "Nita", Ruiz',
            "ana@example.org",
            "+44 161 000 0000",
            1,
            dt.date(2026, 2, 1),
            "initial",
            "Sam Lee",
            "Acme Scalp Black",
            "LT-7",
            dt.date(2027, 2, 1),
            "booked",
        ),
        RecallRow(
            "C-2",
            "Line\nbreak",
            None,
            None,
            2,
            dt.date(2026, 3, 1),
            "touch-up",
            None,
            "Acme Scalp Black",
            "LT-7",
            None,
            None,
        ),
    ]
    read = list(csv.reader(io.StringIO(recall_csv(rows))))
    assert read[0] == list(RECALL_COLUMNS)
    assert read[1] == [
        "C-1",
        'Ana "Nita", Ruiz',
        "ana@example.org",
        "+44 161 000 0000",
        "2026-02-01",
        "initial",
        "Sam Lee",
        "Acme Scalp Black",
        "LT-7",
        "2027-02-01",
        "booked",
    ]
    assert read[2] == [
        "C-2",
        "Line\nbreak",
        "",
        "",
        "2026-03-01",
        "touch-up",
        "",
        "Acme Scalp Black",
        "LT-7",
        "",
        "",
    ]
    assert len(read) == 3


def test_a_cell_a_spreadsheet_would_run_is_quoted() -> None:
    row = RecallRow(
        "C-1",
        '=HYPERLINK("x")',
        None,
        "-2+3+cmd",
        1,
        dt.date(2026, 2, 1),
        "initial",
        "@sum",
        "Acme Scalp Black",
        "LT-7",
        None,
        None,
    )
    cells = list(csv.reader(io.StringIO(recall_csv([row]))))[1]
    assert cells[1] == '\'=HYPERLINK("x")'
    assert cells[3] == "'-2+3+cmd"
    assert cells[6] == "'@sum"


def test_missing_lists_each_gap_and_clears_when_filled(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        there = shop(session, "There")
        ana = client(session, here, "C-1", "Ana Ruiz")
        ben = client(session, here, "C-2", "Ben Ode")
        cara = client(session, here, "C-3", "Cara Diaz")  # nothing held yet
        far = client(session, there, "C-1", "Elsewhere")  # another clinic's gaps
        ana_course, ben_course = course(session, ana), course(session, ben)
        no_lot = add_session(
            session,
            course=ana_course,
            date=dt.date(2026, 11, 1),
            kind="initial",
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=ana_course,
            date=dt.date(2026, 11, 20),
            kind="design",
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=ben_course,
            date=dt.date(2026, 11, 2),
            kind="initial",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=course(session, cara),
            date=dt.date(2027, 1, 10),
            kind="initial",
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=course(session, far),
            date=dt.date(2026, 11, 1),
            kind="initial",
            actor="t",
            now=NOW,
        )
        # Ben: consents signed, then the procedure consent revoked; screened too long ago.
        complete(session, ben, screened=dt.date(2025, 10, 1))
        revoke_consent(session, client=ben, scope="procedure", actor="t", now=NOW)
        clinic_id = here.clinic.id
        ids = (no_lot.id,)
    with records.transaction() as session:
        report = missing_records(session, clinic_id=clinic_id, today=TODAY)
    assert not report.empty
    by_session = {(g.client_ref, g.date): g.missing for g in report.sessions}
    assert by_session == {
        ("C-1", dt.date(2026, 11, 1)): (
            "no pigment lot recorded",
            "no procedure consent in force (signed and not revoked)",
        ),
        # a design session needs no lot, but the procedure consent all the same
        ("C-1", dt.date(2026, 11, 20)): ("no procedure consent in force (signed and not revoked)",),
        ("C-2", dt.date(2026, 11, 2)): ("no procedure consent in force (signed and not revoked)",),
    }
    assert report.sessions[0].session_id == ids[0]
    by_client = {g.client_ref: g.missing for g in report.clients}
    assert by_client == {
        "C-1": ("no health screen", "no data processing consent in force (signed and not revoked)"),
        "C-2": (
            "no health screen in the 12 months before their latest session on 2026-11-02 "
            "(the last one before it was taken on 2025-10-01)",
        ),
    }
    text = "\n".join(report.lines())
    assert "C-1 Ana Ruiz: session of 2026-11-01 (initial): no pigment lot recorded;" in text
    assert "Elsewhere" not in text and "Cara" not in text
    # Fill every gap: the report clears.
    with records.transaction() as session:
        ana_now = session.get(Client, ana.id)
        ben_now = session.get(Client, ben.id)
        assert ana_now is not None and ben_now is not None
        complete(session, ana_now, screened=dt.date(2026, 10, 1))
        sign_consent(
            session,
            client=ben_now,
            scope="procedure",
            signed_name="Ben Ode",
            source="tablet",
            signed_at=NOW,
            actor="t",
            now=NOW,
        )
        add_health_screen(
            session, client=ben_now, taken_on=dt.date(2026, 11, 2), answers=NO, actor="t", now=NOW
        )
        row = session.get(TreatmentSession, ids[0])
        assert row is not None
        row.pigment_lot_id = here.lot.id
        session.flush()
    with records.transaction() as session:
        report = missing_records(session, clinic_id=clinic_id, today=TODAY)
    assert report.empty, report.lines()
    assert report.lines()[0].startswith("Nothing is missing")


def test_missing_counts_only_sessions_held_and_not_closed(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        ana = client(session, here, "C-1", "Ana Ruiz")
        complete(session, ana, screened=dt.date(2026, 1, 5))
        held = add_session(
            session,
            course=course(session, ana),
            date=dt.date(2026, 1, 5),
            kind="initial",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        close_session(session, row=held, actor="t", now=NOW)
        clinic_id = here.clinic.id
    with records.transaction() as session:
        assert missing_records(session, clinic_id=clinic_id, today=TODAY).empty
        # A procedure consent revoked after the session was closed leaves it closed.
        person = session.get(Client, ana.id)
        assert person is not None
        revoke_consent(session, client=person, scope="procedure", actor="t", now=NOW)
        report = missing_records(session, clinic_id=clinic_id, today=TODAY)
    assert report.sessions == ()
    assert report.clients == ()
    # Seen from before the session, nothing was held yet.
    with records.transaction() as session:
        assert missing_records(session, clinic_id=clinic_id, today=dt.date(2026, 1, 4)).empty


def test_a_screen_taken_only_after_the_latest_session_does_not_cover_it(records: Database) -> None:
    with records.transaction() as session:
        here = shop(session, "Here")
        ana = client(session, here, "C-1", "Ana Ruiz")
        add_session(
            session,
            course=course(session, ana),
            date=dt.date(2026, 6, 1),
            kind="initial",
            lot=here.lot,
            actor="t",
            now=NOW,
        )
        complete(session, ana, screened=dt.date(2026, 7, 1))
        clinic_id = here.clinic.id
    with records.transaction() as session:
        report = missing_records(session, clinic_id=clinic_id, today=TODAY)
    assert [g.missing for g in report.clients] == [
        ("no health screen taken before their latest session on 2026-06-01",)
    ]
    assert report.sessions == ()
    # Exactly 12 months before counts.
    with records.transaction() as session:
        person = session.get(Client, ana.id)
        assert person is not None
        add_health_screen(
            session, client=person, taken_on=dt.date(2025, 6, 1), answers=NO, actor="t", now=NOW
        )
    with records.transaction() as session:
        assert missing_records(session, clinic_id=clinic_id, today=TODAY).empty
