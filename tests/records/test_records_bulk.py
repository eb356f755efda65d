"""Bulk import from CSV: each kind of file, each kind of bad row (named by its line and
column, the records left as they were), the header's checks and the documented
columns, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import NOW
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records import clinics, consents, treatments
from fadecast.records.bulk import CSV_COLUMNS, CSV_KINDS, import_csv, parse_csv
from fadecast.records.database import Database
from fadecast.records.models import (
    AuditEntry,
    Base,
    Client,
    Clinic,
    Practitioner,
    ProfileVersion,
    TreatmentSession,
)

DOCS = Path(__file__).parents[2] / "docs" / "records-csv.md"

CLIENTS = (
    "ref,name,birth_date,email,phone,address,skin_fitzpatrick,city,outdoor_hours_weekday,"
    "outdoor_hours_weekend,hat_share,sunscreen_spf,sunscreen_share,smoker,hair_stage,"
    "profile_from\n"
    'C-001,Ana Ruiz,1985-04-02,ana@example.org,+44 161 000,"1 High St, Manchester",2,'
    "Manchester,1,4,0.5,30,0.8,no,3,2025-01-01\n"
    "C-002,Bo Li,1990-01-01,,,,,,,,,,,,,\n"
)
PRODUCTS = (
    "brand,name,pigment_class,supplier,ingredients,warnings\n"
    'Acme,SMP Black,carbon-black,Acme Ltd,"Carbon black (CI 77266), aqua",Contains no nickel\n'
    "Acme,SMP Grey,iron-oxide,,,\n"
    "Other,SMP Black,carbon-black,,,\n"
)
LOTS = (
    "brand,product,lot,expiry,opened_on\n"
    "Acme,SMP Black,L1,2030-01-01,2024-02-01\n"
    "Acme,SMP Grey,L2,2030-01-01,\n"
    "Acme,SMP Black,OLD,2024-01-31,\n"
    "Other,SMP Black,L1,2030-01-01,\n"
)
COURSES = (
    "client_ref,started_on,area_cm2,placement,hairline,design_notes\n"
    "C-001,2024-03-01,120,optimal,soft,\n"
    "C-001,2025-06-01,40.5,Shallow,,crown added\n"
)
SESSIONS = (
    "client_ref,date,kind,practitioner,lot,brand,product,needle_config,dilution,notes,closed\n"
    "C-001,2024-03-01,initial,Sam Park,L2,,,3RL,1,,no\n"
    "C-001,2024-03-15,Perfecting,Sam Park,L1,Acme,,3RL,0.8,,\n"
    "C-001,2025-06-01,extension,Kim,L2,,,,,new crown,\n"
    "C-001,2027-01-10,touch-up,,,,,,,,\n"
)


def _clinic(session: Session, name: str = "Northside") -> Clinic:
    return clinics.add_clinic(session, name=name, actor="owner", now=NOW)


def _write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _import(records: Database, clinic_id: int, kind: str, path: Path) -> int:
    with records.transaction() as session:
        return import_csv(
            session, clinic_id=clinic_id, kind=kind, path=path, actor="importer", now=NOW
        ).rows


def _counts(records: Database) -> dict[str, int]:
    with records.transaction() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def clinic_id(records: Database) -> int:
    with records.transaction() as session:
        return _clinic(session).id


@pytest.fixture
def stocked(records: Database, clinic_id: int, tmp_path: Path) -> int:
    """A clinic with the clients, products, lots and courses above imported."""
    for kind, text in (
        ("clients", CLIENTS),
        ("products", PRODUCTS),
        ("lots", LOTS),
        ("courses", COURSES),
    ):
        _import(records, clinic_id, kind, _write(tmp_path, f"{kind}.csv", text))
    return clinic_id


def test_clients_with_and_without_a_profile(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    path = _write(tmp_path, "clients.csv", CLIENTS, bom=True)
    assert _import(records, clinic_id, "clients", path) == 2
    with records.transaction() as session:
        ana = clinics.client_by_ref(session, clinic_id=clinic_id, ref="C-001")
        assert (ana.name, ana.birth_date, ana.email) == ("Ana Ruiz", dt.date(1985, 4, 2), ana.email)
        assert ana.address == "1 High St, Manchester"
        assert ana.phone == "+44 161 000"
        profile = clinics.profile_content_at(session, client=ana, day=dt.date(2025, 1, 1))
        assert profile == {
            "person": {"skin": {"fitzpatrick": 2}, "smoker": False},
            "place": {"city": "Manchester"},
            "lifestyle": {
                "outdoor_hours_weekday": 1.0,
                "outdoor_hours_weekend": 4.0,
                "hat_share": 0.5,
                "sunscreen": {"spf": 30.0, "share": 0.8},
            },
            "hair": {"stage": 3},
        }
        assert clinics.profile_content_at(session, client=ana, day=dt.date(2024, 12, 31)) is None
        bo = clinics.client_by_ref(session, clinic_id=clinic_id, ref="C-002")
        assert bo.email is None
        versions = session.scalar(select(func.count()).where(ProfileVersion.client_id == bo.id))
        assert versions == 0
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    imports = [e for e in entries if e.action == "import"]
    assert len(imports) == 1
    assert imports[0].detail["file"] == "clients.csv"
    assert imports[0].detail["rows"] == 2
    assert re.fullmatch(r"[0-9a-f]{64}", imports[0].detail["sha256"])
    creates = [(e.entity, e.actor) for e in entries if e.action == "create"]
    assert creates.count(("client", "importer")) == 2
    assert creates.count(("profile_version", "importer")) == 1
    assert entries[-1].action == "import"  # the import's entry after its rows'


def test_products_lots_courses_sessions_and_consents(
    records: Database, stocked: int, tmp_path: Path
) -> None:
    clinic_id = stocked
    with records.transaction() as session:
        ana = clinics.client_by_ref(session, clinic_id=clinic_id, ref="C-001")
        black = treatments.product_named(
            session, clinic_id=clinic_id, brand="Acme", name="SMP Black"
        )
        assert black.ingredients == "Carbon black (CI 77266), aqua"
        assert [lot.lot_number for lot in black.lots] == ["L1", "OLD"]
        assert black.lots[0].opened_on == dt.date(2024, 2, 1)
        placements = [(c.started_on, c.area_cm2, c.placement) for c in ana.courses]
        assert placements == [
            (dt.date(2024, 3, 1), 120.0, "optimal"),
            (dt.date(2025, 6, 1), 40.5, "shallow"),
        ]
        consents.add_form(
            session,
            clinic_id=clinic_id,
            scope="procedure",
            version="2024-1",
            text="I agree to the procedure.",
            actor="owner",
            now=NOW,
        )
    signed = _write(
        tmp_path,
        "consents.csv",
        "client_ref,scope,signed_name,signed_at,source\n"
        "C-001,Procedure,Ana Ruiz,2024-03-01 09:30,paper in clinic\n",
    )
    assert _import(records, clinic_id, "consents", signed) == 1
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    assert _import(records, clinic_id, "sessions", sessions) == 4
    with records.transaction() as session:
        ana = clinics.client_by_ref(session, clinic_id=clinic_id, ref="C-001")
        first, second = ana.courses
        assert [(s.date, s.kind) for s in first.sessions] == [
            (dt.date(2024, 3, 1), "initial"),
            (dt.date(2024, 3, 15), "perfecting"),
        ]
        assert [s.state for s in first.sessions] == ["open", "open"]
        on_l1 = first.sessions[1].pigment_lot
        assert on_l1 is not None and on_l1.product.brand == "Acme"  # not Other's L1
        assert first.sessions[1].dilution == 0.8
        assert [(s.kind, s.state, s.notes) for s in second.sessions] == [
            ("extension", "open", "new crown"),
            ("touch-up", "booked", None),
        ]
        names = set(session.scalars(select(Practitioner.name)))
        assert names == {"Sam Park", "Kim"}
        consent = consents.consent_in_force(session, client=ana, scope="procedure")
        assert consent is not None and consent.signed_at == dt.datetime(2024, 3, 1, 9, 30)
    closing = _write(
        tmp_path,
        "closed.csv",
        "client_ref,date,kind,lot,brand,product,closed\n"
        "C-001,2026-01-05,touch-up,L1,Other,SMP Black,yes\n",
    )
    assert _import(records, clinic_id, "sessions", closing) == 1
    with records.transaction() as session:
        closed = session.scalars(
            select(TreatmentSession).where(TreatmentSession.date == dt.date(2026, 1, 5))
        ).one()
        assert closed.state == "closed"
        assert closed.pigment_lot is not None and closed.pigment_lot.product.brand == "Other"


def test_the_outcome_names_the_practitioners_added(
    records: Database, stocked: int, tmp_path: Path
) -> None:
    with records.transaction() as session:
        clinics.add_practitioner(session, clinic_id=stocked, name="Kim", actor="o", now=NOW)
        result = import_csv(
            session,
            clinic_id=stocked,
            kind="sessions",
            path=_write(tmp_path, "sessions.csv", SESSIONS),
            actor="importer",
            now=NOW,
        )
    assert result.new_practitioners == ("Sam Park",)


NEW_CLIENTS = CLIENTS.replace("C-00", "N-00")
BAD_ROWS = [
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy Dee,31/02/1980,,,,,,,,,,,,,\n",
        "clients.csv line 4, column birth_date: must be a date as YYYY-MM-DD, got '31/02/1980'",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy Dee,1980-02-31,,,,,,,,,,,,,\n",
        "clients.csv line 4, column birth_date: must be a date as YYYY-MM-DD, got '1980-02-31'",
    ),
    ("clients", NEW_CLIENTS + "N-001,Again,1980-01-01,,,,,,,,,,,,,\n", "line 4, column ref: "),
    ("clients", NEW_CLIENTS + "N-003,,1980-01-01,,,,,,,,,,,,,\n", "line 4, column name: must not"),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,2,Manchester,1,4,1.4,,,,,\n",
        "line 4, column hat_share: must be less than or equal to 1, got 1.4",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,2,Atlantis Xq,1,4,,,,,,\n",
        "line 4, column city: unknown place 'Atlantis Xq'",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,,Manchester,1,4,,,,,,\n",
        "line 4, column skin_fitzpatrick/skin_ita_deg/skin_lab: is required",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,2,Manchester,1,4,,30,,,,\n",
        "line 4, column sunscreen_share: is required",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,two,Manchester,1,4,,,,,,\n",
        "line 4, column skin_fitzpatrick: must be a whole number, got 'two'",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,2,Manchester,1,4,,,,maybe,,\n",
        "line 4, column smoker: must be yes or no, got 'maybe'",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,2015-01-01,,,,2,Manchester,1,4,,,,,,\n",
        "line 4, column birth_date: must make the client 16-110 years old",
    ),
    (
        "clients",
        NEW_CLIENTS + "N-003,Cy,1980-01-01,,,,,,,,,,,,,2025-01-01\n",
        "line 4, column profile_from: is given but no profile column is",
    ),
    ("clients", NEW_CLIENTS + "N-003,Cy,1980-01-01\n", "clients.csv line 4: has 3 cells where"),
    ("clients", NEW_CLIENTS + 'N-003,"Cy,1980-01-01,,,,,,,,,,,,,\n', "clients.csv line 4: is not"),
    (
        "products",
        "brand,name,pigment_class\nAcme,Blue,blue-ink\n",
        "products.csv line 2, column pigment_class: must be one of carbon-black",
    ),
    (
        "products",
        "brand,name,pigment_class\nAcme,New Black,carbon-black\nAcme,New Black,iron-oxide\n",
        "products.csv line 3, column name: Acme New Black is in the records already",
    ),
    (
        "lots",
        "brand,product,lot,expiry\nAcme,SMP Red,R1,2030-01-01\n",
        "lots.csv line 2, column product: no pigment product Acme SMP Red in this clinic",
    ),
    (
        "lots",
        "brand,product,lot,expiry,opened_on\nAcme,SMP Black,L9,2030-01-01,2027-05-01\n",
        "lots.csv line 2, column opened_on: must not be after today",
    ),
    (
        "courses",
        "client_ref,started_on,area_cm2\nC-009,2024-01-01,100\n",
        "courses.csv line 2, column client_ref: no client 'C-009' in this clinic",
    ),
    (
        "courses",
        'client_ref,started_on,area_cm2\nC-001,2024-01-01,"1,5"\n',
        "courses.csv line 2, column area_cm2: must be a number (with a point for decimals)",
    ),
    (
        "courses",
        "client_ref,started_on,area_cm2\nC-001,2024-01-01,0\n",
        "courses.csv line 2, column area_cm2: must be more than 0",
    ),
    (
        "courses",
        "client_ref,started_on,area_cm2,placement\nC-001,2024-01-01,10,middle\n",
        "courses.csv line 2, column placement: must be one of optimal, shallow, deep",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,touch-up,Sam Park,OLD,,,,,,\n",
        "sessions.csv line 6, column lot: lot OLD (Acme SMP Black) expired on 2024-01-31",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-02-01,initial,,L2,,,,,,\n",
        "sessions.csv line 6, column date: is before client C-001's first course",
    ),
    (
        "sessions",
        SESSIONS + "C-002,2024-02-01,initial,,L2,,,,,,\n",
        "sessions.csv line 6, column client_ref: client C-002 has no course",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,tattoo,,L2,,,,,,\n",
        "sessions.csv line 6, column kind: must be one of initial, perfecting",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,touch-up,,L1,,,,,,\n",
        "sessions.csv line 6, column lot: lot 'L1' is a lot of several products",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,touch-up,,L7,,,,,,\n",
        "sessions.csv line 6, column lot: no pigment lot 'L7' in this clinic",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,touch-up,,L2,,,,2,,\n",
        "sessions.csv line 6, column dilution: must be the pigment's share",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2024-03-20,touch-up,,L2,,,,,,yes\n",
        "sessions.csv line 6, column closed: cannot be closed without a signed procedure",
    ),
    (
        "sessions",
        SESSIONS + "C-001,2031-03-20,touch-up,,L2,,,,,,\n",
        "sessions.csv line 6, column date: must be from the client's birth",
    ),
    (
        "consents",
        "client_ref,scope,signed_name,signed_at,source\nC-001,tattoos,Ana,2024-01-01,paper\n",
        "consents.csv line 2, column scope: must be one of procedure",
    ),
    (
        "consents",
        "client_ref,scope,signed_name,signed_at,source\nC-001,procedure,Ana,2024-01-01,paper\n",
        "consents.csv line 2, column scope: the clinic has no procedure form yet",
    ),
    (
        "consents",
        "client_ref,scope,signed_name,signed_at,source\nC-001,procedure,Ana,01.01.2024,paper\n",
        "consents.csv line 2, column signed_at: must be a date as YYYY-MM-DD or a moment",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"), BAD_ROWS, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD_ROWS)]
)
def test_a_bad_row_names_its_line_and_column_and_leaves_the_records_as_they_were(
    records: Database, stocked: int, tmp_path: Path, kind: str, text: str, expected: str
) -> None:
    path = _write(tmp_path, f"{kind}.csv", text)
    before = _counts(records)
    with pytest.raises(InputError) as caught:
        _import(records, stocked, kind, path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(f"{kind}.csv line ")
    assert _counts(records) == before


def test_a_bad_last_row_after_many_good_ones_leaves_nothing(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    good = "".join(f"C-{i:04},Client {i},1980-01-01,,,,,,,,,,,,,\n" for i in range(300))
    header = CLIENTS.splitlines()[0] + "\n"
    path = _write(tmp_path, "clients.csv", header + good + "C-9999,Late,1980-13-01,,,,,,,,,,,,,\n")
    before = _counts(records)
    with pytest.raises(InputError, match=r"^clients\.csv line 302, column birth_date: "):
        _import(records, clinic_id, "clients", path)
    assert _counts(records) == before


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    text = (
        "ref,name,birth_date,address\n"
        '\nC-1,Ana,1980-01-01,"1 High St\nManchester"\n'
        ",,,\n"
        "C-2,Bo,1980-01-01,\n"
        "C-3,Cy,1980-00-01,\n"
    )
    with pytest.raises(InputError, match=r"^clients\.csv line 7, column birth_date: "):
        _import(records, clinic_id, "clients", _write(tmp_path, "clients.csv", text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ref,name,birth_date,surname\n",
            "clients.csv line 1: unknown column 'surname'; the clients columns are ref, name, "
            "birth_date, email",
        ),
        (
            "ref,birth_date\n",
            "clients.csv line 1: missing required column 'name'; the clients columns are ref",
        ),
        ("ref,name,Name,birth_date\n", "clients.csv line 1: column 'name' is named twice"),
        (
            "ref;name;birth_date\nC-1;Ana;1980-01-01\n",
            "clients.csv line 1: is separated by semicolons, not commas: save the file as "
            "comma-separated CSV",
        ),
        ("", "clients.csv: is empty: its first line must name the columns"),
        ("\n\n", "clients.csv: is empty"),
        ("ref,name,birth_date\n", "clients.csv: holds no rows below its header"),
    ],
)
def test_the_header_is_checked(
    records: Database, clinic_id: int, tmp_path: Path, text: str, expected: str
) -> None:
    path = _write(tmp_path, "clients.csv", text)
    with pytest.raises(InputError) as caught:
        _import(records, clinic_id, "clients", path)
    assert str(caught.value).startswith(expected)
    if "required" in expected:
        assert "(required: ref, name, birth_date)" in str(caught.value)


def test_text_that_is_not_utf8_is_refused_naming_its_line(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(
        "ref,name,birth_date\nC-1,Ana,1980-01-01\nC-2,Jos\xe9,1980-01-01\n".encode("latin-1")
    )
    with pytest.raises(InputError, match=r"^clients\.csv line 3: is not UTF-8 text"):
        _import(records, clinic_id, "clients", path)


def test_an_unknown_kind_or_file(records: Database, clinic_id: int, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^kind: must be one of clients, products"):
        _import(records, clinic_id, "visits", _write(tmp_path, "v.csv", "a\n1\n"))
    with pytest.raises(InputError, match=r"^nothing\.csv: cannot be read"):
        _import(records, clinic_id, "clients", tmp_path / "nothing.csv")


def test_another_clinics_clients_and_lots_are_unknown(
    records: Database, stocked: int, tmp_path: Path
) -> None:
    with records.transaction() as session:
        other = _clinic(session, "Southside").id
    sessions = _write(tmp_path, "s.csv", "client_ref,date,kind\nC-001,2024-03-01,initial\n")
    with pytest.raises(InputError, match="column client_ref: no client 'C-001' in this clinic"):
        _import(records, other, "sessions", sessions)
    lots = _write(tmp_path, "l.csv", "brand,product,lot,expiry\nAcme,SMP Black,L5,2030-01-01\n")
    with pytest.raises(InputError, match="no pigment product Acme SMP Black in this clinic"):
        _import(records, other, "lots", lots)


def test_a_sessions_import_makes_no_query_per_row(
    records: Database, stocked: int, tmp_path: Path
) -> None:
    """The lookups are read once: importing 40 sessions queries as much as 2 do."""
    row = "C-001,2024-03-{day:02},touch-up,Sam Park,L2,,,,,,\n"
    header = SESSIONS.splitlines()[0] + "\n"

    def selects(rows: int) -> int:
        path = _write(
            tmp_path,
            f"s{rows}.csv",
            header + "".join(row.format(day=1 + d % 28) for d in range(rows)),
        )
        seen: list[str] = []

        def count(*args: object) -> None:
            statement = str(args[2])
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(records.engine, "before_cursor_execute", count)
        try:
            _import(records, stocked, "sessions", path)
        finally:
            event.remove(records.engine, "before_cursor_execute", count)
        return len(seen)

    selects(2)  # the practitioner added
    assert selects(40) == selects(2)


def _documented_columns() -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    kind = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"### `(\w+)`", line)
        if heading:
            kind = heading[1]
            found[kind] = []
        row = re.fullmatch(r"\| `(\w+)` \| (yes)? *\|.*", line)
        if kind is not None and row:
            found[kind].append((row[1], row[2] == "yes"))
    return found


def test_the_documented_columns_are_the_columns() -> None:
    documented = _documented_columns()
    assert list(documented) == list(CSV_KINDS)
    for kind, columns in CSV_COLUMNS.items():
        assert documented[kind] == [(c.name, c.required) for c in columns], kind


def test_the_documented_example_error_is_what_a_row_gives() -> None:
    data = b"ref,name,birth_date\n" + b"C-1,Ana,1980-01-01\n" * 12 + b"C-13,Bo,31/02/1980\n"
    with pytest.raises(InputError) as caught:
        list(parse_csv(data, "clients", name="clients.csv"))
    message = f"fadecast: error: {caught.value}"
    assert message in DOCS.read_text(encoding="utf-8")


def test_clients_of_the_import_are_the_clinics(
    records: Database, clinic_id: int, tmp_path: Path
) -> None:
    _import(records, clinic_id, "clients", _write(tmp_path, "clients.csv", CLIENTS))
    with records.transaction() as session:
        clinic_ids = set(session.scalars(select(Client.clinic_id)))
    assert clinic_ids == {clinic_id}
