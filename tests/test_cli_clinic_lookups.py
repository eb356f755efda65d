"""``fadecast clinic recall``, ``missing`` and ``passport`` on real records, on SQLite and
PostgreSQL: what they print and write, and their one-line errors that write nothing.

The command line runs in this process (:func:`fadecast.cli.main`, the same code path as
the ``fadecast`` command); the records are made with :mod:`fadecast.records`.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from conftest import NOW

from fadecast.cli import main
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic, client_by_ref, clinic_for
from fadecast.records.consents import HEALTH_QUESTIONS, add_form, add_health_screen, sign_consent
from fadecast.records.database import open_database, upgrade
from fadecast.records.lookups import RECALL_COLUMNS
from fadecast.records.treatments import add_course, add_lot, add_product, add_session

TODAY = "2026-12-01"


@pytest.fixture
def db(db_url: str) -> str:
    """Records at the newest schema holding two clinics (see :func:`fill`), of each kind."""
    fill(db_url)
    return db_url


def fill(url: str) -> None:
    """Clinic "Fade" with two clients treated with lot LT-7 (and one with LT-8, and a
    lot GR-1 no session used); clinic "Other" with a client treated with its own LT-7."""
    upgrade(url)
    records = open_database(url)
    try:
        with records.transaction() as session:
            for clinic_name, clients in (
                ("Fade", (("C-1", "Ana Ruiz"), ("C-2", "Ben <b>Ode</b>"))),
                ("Other", (("C-9", "Far Away"),)),
            ):
                clinic = add_clinic(session, name=clinic_name, actor="t", now=NOW)
                product = add_product(
                    session,
                    clinic_id=clinic.id,
                    brand="Acme",
                    name="Scalp Black",
                    pigment_class="carbon-black",
                    ingredients="Aqua, CI 77266",
                    warnings="Keep away from eyes",
                    actor="t",
                    now=NOW,
                )
                lots = {
                    number: add_lot(
                        session,
                        product=product,
                        lot_number=number,
                        expiry=dt.date(2028, 1, 1),
                        actor="t",
                        now=NOW,
                    )
                    for number in ("LT-7", "LT-8", "GR-1")
                }
                for i, (ref, name) in enumerate(clients):
                    person = add_client(
                        session,
                        clinic_id=clinic.id,
                        ref=ref,
                        name=name,
                        birth_date=dt.date(1985, 3, 1),
                        email=f"{ref.lower()}@example.org",
                        phone="+44 161 000 000" + str(i),
                        actor="t",
                        now=NOW,
                    )
                    course = add_course(
                        session,
                        client=person,
                        started_on=dt.date(2026, 6, 1),
                        area_cm2=300.0,
                        actor="t",
                        now=NOW,
                    )
                    add_session(
                        session,
                        course=course,
                        date=dt.date(2026, 6, 1 + i),
                        kind="initial",
                        lot=lots["LT-7"],
                        actor="t",
                        now=NOW,
                    )
                    if i == 1:
                        add_session(
                            session,
                            course=course,
                            date=dt.date(2026, 7, 1),
                            kind="perfecting",
                            lot=lots["LT-8"],
                            actor="t",
                            now=NOW,
                        )
    finally:
        records.close()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: exit code, standard output, standard error."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), out, err


def assert_one_line_error(code: int, err: str, field: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith(f"fadecast: error: {field}: "), err


def audit_count(url: str) -> int:
    """How many entries clinic Fade's audit log holds."""
    records = open_database(url)
    try:
        with records.transaction() as session:
            return len(audit_entries(session, clinic_id=clinic_for(session, "Fade").id))
    finally:
        records.close()


def test_recall_prints_the_clients_and_writes_a_csv(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv = tmp_path / "out" / "recall.csv"
    before = audit_count(db)
    code, out, err = cli(
        capsys,
        "clinic", "recall", "--lot", "LT-7", "--db", db, "--clinic", "Fade",
        "--today", TODAY, "--csv", str(out_csv), "--actor", "desk",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Lot LT-7 of Acme Scalp Black: 2 sessions, 2 clients.")
    assert "C-1 Ana Ruiz" in out and "c-1@example.org" in out and "+44 161 000 0000" in out
    assert "C-2 Ben <b>Ode</b>" in out and "2026-06-02 initial" in out
    assert "Far Away" not in out  # the other clinic's lot of the same number
    assert "2026-07-01" not in out  # Ben's session with another lot
    assert f"recall list written to {out_csv} (2 sessions, with a header row)" in out
    with out_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(RECALL_COLUMNS)
    assert [(r[0], r[1], r[4], r[8]) for r in rows[1:]] == [
        ("C-1", "Ana Ruiz", "2026-06-01", "LT-7"),
        ("C-2", "Ben <b>Ode</b>", "2026-06-02", "LT-7"),
    ]
    assert [p.name for p in out_csv.parent.iterdir()] == ["recall.csv"]  # no temporary left
    assert audit_count(db) == before + 1


def test_recall_of_a_lot_no_session_used_says_so(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys, "clinic", "recall", "--lot", "GR-1", "--db", db, "--clinic", "Fade"
    )
    assert code == 0, err
    assert out == "no session used lot GR-1\n"


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (("--lot", "NOPE"), "lot", "no pigment lot 'NOPE' in this clinic"),
        (("--lot", "LT-7", "--product", "Bolt Grey"), "product", "is not a lot of 'Bolt Grey'"),
        (("--lot", "LT-7", "--today", "1 May"), "--today", "must be a date as YYYY-MM-DD"),
        (("--lot", "LT-7", "--clinic", "Nowhere"), "--clinic", "unknown clinic 'Nowhere'"),
    ],
)
def test_recall_errors_are_one_line_and_write_nothing(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    field: str,
    says: str,
) -> None:
    target = tmp_path / "out" / "recall.csv"
    before = audit_count(db)
    argv = ["clinic", "recall", "--db", db, "--csv", str(target), *args]
    if "--clinic" not in args:
        argv += ["--clinic", "Fade"]
    code, out, err = cli(capsys, *argv)
    assert_one_line_error(code, err, field)
    assert says in err
    assert out == ""
    assert not target.parent.exists()
    assert audit_count(db) == before


def test_recall_refuses_a_csv_of_another_kind_before_looking(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(
        capsys,
        "clinic", "recall", "--lot", "LT-7", "--db", db, "--clinic", "Fade",
        "--csv", str(tmp_path / "out" / "recall.txt"),
    )  # fmt: skip
    assert_one_line_error(code, err, "--csv")
    assert "must name a .csv file" in err
    assert not (tmp_path / "out").exists()


def test_missing_lists_the_gaps_then_nothing_once_filled(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys, "clinic", "missing", "--db", db, "--clinic", "Fade", "--today", TODAY
    )
    assert code == 0, err
    assert "Sessions held up to 2026-12-01 whose record is incomplete (3):" in out
    assert "C-1 Ana Ruiz: session of 2026-06-01 (initial): no procedure consent in force" in out
    assert "Clients whose record is incomplete (2):" in out
    assert "C-2 Ben <b>Ode</b>: no health screen; no data processing consent in force" in out
    assert "Far Away" not in out
    assert "What is checked:" in out
    records = open_database(db)
    try:
        with records.transaction() as session:
            clinic_id = clinic_for(session, "Fade").id
            for scope in ("procedure", "data_processing"):
                add_form(
                    session,
                    clinic_id=clinic_id,
                    scope=scope,
                    version="1",
                    text=scope,
                    actor="t",
                    now=NOW,
                )
            for ref in ("C-1", "C-2"):
                person = client_by_ref(session, clinic_id=clinic_id, ref=ref)
                for scope in ("procedure", "data_processing"):
                    sign_consent(
                        session,
                        client=person,
                        scope=scope,
                        signed_name=person.name,
                        source="paper",
                        signed_at=NOW,
                        actor="t",
                        now=NOW,
                    )
                add_health_screen(
                    session,
                    client=person,
                    taken_on=dt.date(2026, 5, 20),
                    answers=dict.fromkeys((q.key for q in HEALTH_QUESTIONS), False),
                    actor="t",
                    now=NOW,
                )
    finally:
        records.close()
    code, out, err = cli(
        capsys, "clinic", "missing", "--db", db, "--clinic", "Fade", "--today", TODAY
    )
    assert code == 0, err
    assert out.startswith("Nothing is missing: every session held up to 2026-12-01")
    assert out.count("\n") == 1


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_passport_writes_the_clients_copy(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    target = tmp_path / "copies" / f"ben{suffix}"
    before = audit_count(db)
    code, out, err = cli(
        capsys, "clinic", "passport", "C-2", "--out", str(target), "--db", db, "--clinic", "Fade"
    )
    assert code == 0, err
    assert out == f"passport of client C-2 written to {target}\n"
    data = target.read_bytes()
    if suffix == ".pdf":
        assert data.startswith(b"%PDF-")
        assert b"/Type /Page" in data
    else:
        page = data.decode("utf-8")
        assert "LT-7" in page and "LT-8" in page and "Aqua, CI 77266" in page
        assert "Keep away from eyes" in page
        assert "Ben &lt;b&gt;Ode&lt;/b&gt;" in page and "<b>" not in page
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    assert audit_count(db) == before + 1


@pytest.mark.parametrize(
    ("client", "out", "field", "says"),
    [
        ("C-2", "ben.txt", "--out", "must name a .html or .pdf file, got 'ben.txt'"),
        ("C-2", "ben", "--out", "must name a .html or .pdf file, got 'ben'"),
        ("C-404", "x.html", "client", "no client 'C-404' in this clinic"),
        ("C-9", "x.pdf", "client", "no client 'C-9' in this clinic"),  # another clinic's
    ],
)
def test_passport_errors_are_one_line_and_write_nothing(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    client: str,
    out: str,
    field: str,
    says: str,
) -> None:
    before = audit_count(db)
    code, printed, err = cli(
        capsys,
        "clinic", "passport", client, "--out", str(tmp_path / "out" / out),
        "--db", db, "--clinic", "Fade",
    )  # fmt: skip
    assert_one_line_error(code, err, field)
    assert says in err
    assert printed == ""
    assert not (tmp_path / "out").exists()
    assert audit_count(db) == before


def test_passport_refuses_a_folder_as_its_file(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ben.html"
    folder.mkdir()
    code, _, err = cli(
        capsys, "clinic", "passport", "C-2", "--out", str(folder), "--db", db, "--clinic", "Fade"
    )
    assert_one_line_error(code, err, "--out")
    assert "is a folder" in err
    assert list(folder.iterdir()) == []
