"""The records as one archive and back: everything exported, imported into empty records
with nothing lost (on SQLite, PostgreSQL and from one to the other), and damaged or
foreign archives refused with nothing imported."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import NOW, POSTGRES
from PIL import Image
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fadecast.errors import InputError, OutputError
from fadecast.records import clinics, consents, photos, treatments
from fadecast.records.archive import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    ENTITY_TABLES,
    MANIFEST_NAME,
    archive_differences,
    export_archive,
    import_archive,
    read_archive_tables,
)
from fadecast.records.audit import audit_entries
from fadecast.records.database import Database, head_revision, open_database, upgrade
from fadecast.records.models import (
    WEB_AUTH_TABLES,
    AuditEntry,
    Base,
    Client,
    Clinic,
    ForecastCache,
    Photo,
)
from fadecast.version import __version__

LATER = NOW + dt.timedelta(hours=1)
PROFILE = {
    "person": {"skin": {"fitzpatrick": 2}},
    "place": {"lat": 53.4808, "lon": -2.2426},
    "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
}
EmptyDatabase = Callable[[str], str]


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[EmptyDatabase]:
    """Makes empty records (the schema, no row) of a kind, as many as asked for."""
    made: list[str] = []
    admin_url = make_url(POSTGRES).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def make(kind: str) -> str:
        if kind == "sqlite":
            url = str(tmp_path / f"empty-{len(made)}" / "clinic.sqlite")
        else:
            name = f"fadecast_test_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(name)
            url = admin_url.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        return url

    try:
        yield make
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(session: Session, store: Path, name: str = "Northside") -> Clinic:
    """A clinic with a row in every table."""
    clinic = clinics.add_clinic(session, name=name, actor="owner", now=NOW)
    sam = clinics.add_practitioner(
        session, clinic_id=clinic.id, name="Sam Park", email="sam@example.org", actor="o", now=NOW
    )
    ana = clinics.add_client(
        session,
        clinic_id=clinic.id,
        ref="C-001",
        name="Ana Ruiz — Ñ",
        birth_date=dt.date(1985, 4, 2),
        email="ana@example.org",
        phone="+44 161 000",
        address="1 High St\nManchester",
        profile=PROFILE,
        profile_from=dt.date(2024, 1, 1),
        actor="o",
        now=NOW,
    )
    product = treatments.add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="SMP Black",
        pigment_class="carbon-black",
        ingredients="Carbon black (CI 77266), aqua",
        warnings="Contains no nickel",
        actor="o",
        now=NOW,
    )
    lot = treatments.add_lot(
        session,
        product=product,
        lot_number="L1",
        expiry=dt.date(2030, 1, 1),
        opened_on=dt.date(2024, 2, 1),
        actor="o",
        now=NOW,
    )
    course = treatments.add_course(
        session,
        client=ana,
        started_on=dt.date(2024, 3, 1),
        area_cm2=120.25,
        hairline="soft",
        actor="o",
        now=NOW,
    )
    for day, kind in ((dt.date(2024, 3, 1), "initial"), (dt.date(2024, 3, 15), "perfecting")):
        treatments.add_session(
            session,
            course=course,
            date=day,
            kind=kind,
            practitioner_id=sam.id,
            lot=lot,
            needle_config="3RL",
            dilution=0.8,
            notes="went well",
            actor="o",
            now=NOW,
        )
    for scope in ("procedure", "photos_record"):
        consents.add_form(
            session,
            clinic_id=clinic.id,
            scope=scope,
            version="1",
            text=f"{scope} text",
            actor="o",
            now=NOW,
        )
        consents.sign_consent(
            session,
            client=ana,
            scope=scope,
            signed_name="Ana Ruiz",
            source="tablet",
            signed_at=NOW - dt.timedelta(days=300),
            actor="o",
            now=NOW,
        )
    consents.add_health_screen(
        session,
        client=ana,
        taken_on=dt.date(2024, 3, 1),
        answers={q.key: q.key == "diabetes" for q in consents.HEALTH_QUESTIONS},
        actor="o",
        now=NOW,
    )
    photos.add_photo(
        session,
        client=ana,
        data=_png((190, 150, 130) if name == "Northside" else (90, 80, 70)),
        taken_on=dt.date(2024, 6, 1),
        store_root=store,
        measure=False,
        actor="o",
        now=NOW,
    )
    session.add(
        ForecastCache(
            client_id=ana.id,
            clinic_id=clinic.id,
            model_version="1.0",
            inputs_sha256="0" * 64,
            computed_at=NOW,
            p10=dt.date(2027, 1, 1),
            p50=dt.date(2028, 6, 1),
            p90=None,
            personal=True,
            summary={"p50_years": 4.25, "warnings": []},
        )
    )
    session.flush()
    return clinic


def _export(records: Database, out: Path, store: Path, clinic_id: int | None = None) -> str:
    with records.transaction() as session:
        if clinic_id is None and session.scalar(select(func.count()).select_from(Clinic)) == 1:
            clinic_id = session.scalar(select(Clinic.id))
        return export_archive(
            session, clinic_id=clinic_id, out_path=out, photo_root=store, actor="me", now=LATER
        ).manifest_sha256


def _counts(records: Database) -> dict[str, int]:
    with records.transaction() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name not in WEB_AUTH_TABLES
        }


def test_every_table_has_a_row_to_carry(records: Database, tmp_path: Path) -> None:
    with records.transaction() as session:
        _fill(session, tmp_path / "store")
    assert all(_counts(records).values()), _counts(records)


def test_export_then_import_then_export_loses_nothing(
    records: Database, db_url: str, tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    first = tmp_path / "first.zip"
    _export(records, first, store)
    kind = "sqlite" if "://" not in db_url else "postgresql"
    target_url = empty_database(kind)
    target = open_database(target_url)
    new_store = tmp_path / "new-store"
    try:
        summary = import_archive(target, first, new_store, actor="mover", now=LATER)
        assert summary.clinics == ("Northside",)
        assert summary.rows["treatment_session"] == 2 and summary.photos == 1
        second = tmp_path / "second.zip"
        _export(target, second, new_store)
        assert archive_differences(first, second) == []
        # the one difference the rule leaves out: the import's own entry, last
        a = read_archive_tables(first)
        b = read_archive_tables(second)
        assert b["audit_entry"][:-1] == a["audit_entry"]
        assert b["audit_entry"][-1]["action"] == "import"
        assert {k: v for k, v in a.items() if k != "audit_entry"} == {
            k: v for k, v in b.items() if k != "audit_entry"
        }
        # the photo's file came along, byte for byte
        (sha,) = [row["sha256"] for row in a["photo"]]
        assert photos.open_photo(new_store, sha) == photos.open_photo(store, sha)
        # ids carry on after the imported ones (PostgreSQL's sequences were moved)
        with target.transaction() as session:
            clinic = session.scalars(select(Clinic)).one()
            added = clinics.add_client(
                session,
                clinic_id=clinic.id,
                ref="C-002",
                name="Bo",
                birth_date=dt.date(1990, 1, 1),
                actor="o",
                now=LATER,
            )
            assert added.id == max(row["id"] for row in a["client"]) + 1
    finally:
        target.close()


def test_the_rule_sees_a_row_lost_or_changed(
    records: Database, tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    first = tmp_path / "first.zip"
    _export(records, first, store)
    with records.transaction() as session:
        clinic = session.scalars(select(Clinic)).one()
        clinics.add_client(
            session,
            clinic_id=clinic.id,
            ref="C-002",
            name="Bo",
            birth_date=dt.date(1990, 1, 1),
            actor="o",
            now=LATER,
        )
    second = tmp_path / "second.zip"
    _export(records, second, store)
    differences = archive_differences(first, second)
    assert any(d.startswith("client: 1 rows only in the second") for d in differences)
    assert any(d.startswith("audit_entry: ") for d in differences)


@pytest.mark.parametrize(("source", "target"), [("sqlite", "postgresql"), ("postgresql", "sqlite")])
def test_across_databases(
    tmp_path: Path, empty_database: EmptyDatabase, source: str, target: str
) -> None:
    store = tmp_path / "store"
    origin = open_database(empty_database(source))
    copy = open_database(empty_database(target))
    try:
        with origin.transaction() as session:
            _fill(session, store)
            _fill(session, store, "Southside")
        first = tmp_path / "first.zip"
        _export(origin, first, store)
        with zipfile.ZipFile(first) as archive:
            manifest = json.loads(archive.read(MANIFEST_NAME))
        assert manifest["all_clinics"] is True
        assert manifest["clinics"] == ["Northside", "Southside"]
        summary = import_archive(copy, first, tmp_path / "copy-store", actor="m", now=LATER)
        assert summary.photos == 2
        second = tmp_path / "second.zip"
        _export(copy, second, tmp_path / "copy-store")
        assert archive_differences(first, second) == []
        # the origin: what the archive holds and its 2 export entries; the copy: that, its
        # 2 import entries and its own 2 export entries
        assert _counts(copy)["audit_entry"] == _counts(origin)["audit_entry"] + 2
    finally:
        origin.close()
        copy.close()


def test_the_manifest_lists_every_file_with_its_hash(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    out = tmp_path / "a.zip"
    manifest_sha = _export(records, out, store)
    with zipfile.ZipFile(out) as archive:
        raw = archive.read(MANIFEST_NAME)
        manifest = json.loads(raw)
        members = {name: archive.read(name) for name in archive.namelist()}
    assert hashlib.sha256(raw).hexdigest() == manifest_sha
    assert manifest["format"] == ARCHIVE_FORMAT
    assert manifest["format_version"] == ARCHIVE_VERSION
    assert manifest["fadecast_version"] == __version__
    assert manifest["schema_revision"] == head_revision()
    assert manifest["created_at"] == LATER.isoformat()
    assert manifest["photos_missing"] == []
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members) - {MANIFEST_NAME}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
        assert entry["size"] == len(members[name])
    assert {f"tables/{t}.json" for t in ENTITY_TABLES} <= set(listed)
    assert {"csv/client.csv", "csv/treatment_session.csv", "csv/pigment_lot.csv"} <= set(listed)
    client_csv = members["csv/client.csv"].decode("utf-8-sig").splitlines()
    assert client_csv[0].startswith("id,clinic_id,ref,name,birth_date")
    assert "Ana Ruiz — Ñ" in members["csv/client.csv"].decode("utf-8-sig")
    photo_members = [n for n in members if n.startswith("photos/")]
    assert len(photo_members) == 1
    sha = photo_members[0].removeprefix("photos/").replace("/", "")
    assert hashlib.sha256(members[photo_members[0]]).hexdigest() == sha
    client = json.loads(members["tables/client.json"])
    assert client["columns"] == [c.name for c in Base.metadata.tables["client"].columns]
    assert client["rows"][0]["birth_date"] == "1985-04-02"
    assert client["rows"][0]["anonymised_at"] is None


def test_an_export_is_audited_after_what_it_holds(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        clinic_id = _fill(session, store).id
    out = tmp_path / "a.zip"
    manifest_sha = _export(records, out, store)
    with records.transaction() as session:
        last = audit_entries(session, clinic_id=clinic_id)[-1]
    assert (last.action, last.entity, last.actor) == ("export", "archive", "me")
    assert last.detail["manifest_sha256"] == manifest_sha
    held = read_archive_tables(out)["audit_entry"]
    assert all(row["action"] != "export" for row in held)
    assert len(held) == _counts(records)["audit_entry"] - 1


def test_one_clinic_of_several(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        north = _fill(session, store).id
        _fill(session, store, "Southside")
    out = tmp_path / "north.zip"
    _export(records, out, store, clinic_id=north)
    tables = read_archive_tables(out)
    assert [row["name"] for row in tables["clinic"]] == ["Northside"]
    for name in ENTITY_TABLES:
        key = "id" if name == "clinic" else "clinic_id"
        assert {row[key] for row in tables[name]} <= {north}, name
    assert len(tables["client"]) == 1
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if n.startswith("photos/")]) == 1


def test_a_photo_missing_from_the_store_is_listed_not_lost_silently(
    records: Database, tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
        sha = session.scalars(select(Photo.sha256)).one()
    photos.photo_path(store, sha).unlink()
    out = tmp_path / "a.zip"
    with records.transaction() as session:
        summary = export_archive(
            session, clinic_id=None, out_path=out, photo_root=store, actor="me", now=LATER
        )
    assert summary.photos_missing == (sha,) and summary.photos == 0
    target = open_database(empty_database("sqlite"))
    try:
        imported = import_archive(target, out, tmp_path / "new", actor="m", now=LATER)
    finally:
        target.close()
    assert imported.photos_missing == (sha,)


def test_an_archive_goes_only_into_empty_records(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    out = tmp_path / "a.zip"
    _export(records, out, store)
    before = _counts(records)
    with pytest.raises(InputError, match=r"^--db: the records are not empty \(1 clinic rows"):
        import_archive(records, out, tmp_path / "other-store", actor="m", now=LATER)
    assert _counts(records) == before
    assert not (tmp_path / "other-store").exists()


def _rewrite(
    source: Path,
    target: Path,
    change: Callable[[str, bytes], bytes | None],
    extra: tuple[str, bytes] | None = None,
) -> None:
    """A copy of a zip with each member changed (None: left out), and one added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        if extra is not None:
            new.writestr(*extra)


def _manifest_with(**changes: object) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != MANIFEST_NAME:
            return data
        return json.dumps({**json.loads(data), **changes}).encode()

    return change


def _flip_in_member(source: Path, target: Path) -> None:
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("tables/client.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x40
    target.write_bytes(bytes(data))


DAMAGES: dict[str, tuple[Callable[[Path, Path], object], str]] = {
    "a byte flipped": (_flip_in_member, r"is damaged \(tables/client\.json: "),
    "a member removed": (
        lambda s, t: _rewrite(s, t, lambda n, d: None if n == "tables/course.json" else d),
        "is damaged: the manifest lists tables/course.json, which is missing",
    ),
    "a member changed": (
        lambda s, t: _rewrite(
            s, t, lambda n, d: d.replace(b"Ana Ruiz", b"Ann Ruiz") if n.startswith("tables/") else d
        ),
        r"is damaged: tables/\w+\.json is not what the manifest says \(its sha256 differs\)",
    ),
    "a member added": (
        lambda s, t: _rewrite(s, t, lambda n, d: d, extra=("extra.txt", b"hello")),
        "holds extra.txt, which its manifest does not list",
    ),
    "a newer format": (
        lambda s, t: _rewrite(s, t, _manifest_with(format_version=ARCHIVE_VERSION + 1)),
        r"was made by a newer fadecast \(.*archive format 2; this one reads up to 1\)",
    ),
    "another schema": (
        lambda s, t: _rewrite(s, t, _manifest_with(schema_revision="0000")),
        "holds records of schema revision 0000, not this fadecast's",
    ),
    "a foreign manifest": (
        lambda s, t: _rewrite(s, t, _manifest_with(format="something-else")),
        r"is not a fadecast records archive \(its manifest\.json is foreign\)",
    ),
    "a zip of something else": (
        lambda s, t: _append(t, "photo.jpg", b"\xff\xd8\xff\xe0 not ours"),
        "is not a fadecast records archive: it has no manifest.json",
    ),
    "a text file": (
        lambda s, t: t.write_text("name,ref\nAna,C-1\n", encoding="utf-8"),
        r"is not a zip archive \(a fadecast records export is one\)",
    ),
    "a truncated file": (
        lambda s, t: t.write_bytes(s.read_bytes()[:-200]),
        r"is damaged: a zip archive cut short or broken",
    ),
}


def _append(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(name, data)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_or_foreign_archive_is_refused_with_nothing_imported(
    records: Database, tmp_path: Path, empty_database: EmptyDatabase, damage: str
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    good = tmp_path / "good.zip"
    _export(records, good, store)
    bad = tmp_path / "bad.zip"
    make, expected = DAMAGES[damage]
    make(good, bad)
    target_url = empty_database("sqlite")
    target = open_database(target_url)
    new_store = tmp_path / "new-store"
    try:
        with pytest.raises(InputError) as caught:
            import_archive(target, bad, new_store, actor="m", now=LATER)
        assert "\n" not in str(caught.value)
        assert str(caught.value).startswith("bad.zip: ")
        assert re.search(expected, str(caught.value)), str(caught.value)
        assert set(_counts(target).values()) == {0}
    finally:
        target.close()
    assert not new_store.exists() or not any(new_store.rglob("*"))
    with pytest.raises(InputError):
        read_archive_tables(bad)


def test_rows_that_do_not_fit_are_refused_whole(
    records: Database, db_url: str, tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    """An archive whose hashes agree but whose rows break the schema (a session of a
    course that is not there) imports nothing, and leaves no photo file behind."""
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    good = tmp_path / "good.zip"
    _export(records, good, store)
    bad = tmp_path / "bad.zip"

    def orphan(name: str, data: bytes) -> bytes:
        if name != "tables/treatment_session.json":
            return data
        table = json.loads(data)
        table["rows"][0]["course_id"] = 999
        return json.dumps(table).encode()

    _rewrite(good, bad, orphan)
    _rehash(bad)
    target = open_database(empty_database("postgresql" if "://" in db_url else "sqlite"))
    new_store = tmp_path / "new-store"
    try:
        with pytest.raises(InputError, match=r"^bad\.zip: its treatment_session rows do not fit"):
            import_archive(target, bad, new_store, actor="m", now=LATER)
        assert set(_counts(target).values()) == {0}
    finally:
        target.close()
    assert not any(p.is_file() for p in new_store.rglob("*"))


def _rehash(path: Path) -> None:
    """Make a changed archive's manifest agree with its members again."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(members.pop(MANIFEST_NAME))
    manifest["files"] = [
        {"path": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in members.items()
    ]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST_NAME, json.dumps(manifest))


def test_a_failed_export_leaves_nothing(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    before = _counts(records)
    out_folder = tmp_path / "out"
    (out_folder / "a.zip").mkdir(parents=True)  # a folder in the way of the archive
    with pytest.raises(OutputError, match=r"^--out: cannot write .*a\.zip"):
        _export(records, out_folder / "a.zip", store)
    assert [p.name for p in out_folder.iterdir()] == ["a.zip"]
    assert _counts(records) == before  # no export entry either
    with pytest.raises(OutputError, match=r"^--out: must name a \.zip file, got 'a\.tar'"):
        _export(records, out_folder / "a.tar", store)
    with pytest.raises(OutputError, match=r"^--out: the folder .* does not exist"):
        _export(records, tmp_path / "nowhere" / "a.zip", store)


def test_an_export_to_a_full_disk_leaves_nothing(
    records: Database, tmp_path: Path, full_disk: Path
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    before = _counts(records)
    with pytest.raises(OutputError, match=r"^--out: cannot write .*a\.zip: No space left"):
        _export(records, full_disk / "a.zip", store)
    assert [p.name for p in full_disk.iterdir()] == ["filler"]
    assert _counts(records) == before


def test_an_existing_archive_is_replaced_whole(records: Database, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    out = tmp_path / "a.zip"
    out.write_bytes(b"an older archive")
    _export(records, out, store)
    assert read_archive_tables(out)["client"][0]["ref"] == "C-001"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_empty_records_export_is_refused(records: Database, tmp_path: Path) -> None:
    with (
        records.transaction() as session,
        pytest.raises(InputError, match=r"^--clinic: the records hold no clinic: nothing"),
    ):
        export_archive(
            session,
            clinic_id=None,
            out_path=tmp_path / "a.zip",
            photo_root=tmp_path,
            actor="me",
            now=LATER,
        )
    assert not (tmp_path / "a.zip").exists()


def test_imported_audit_entries_stay_append_only(
    records: Database, tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    store = tmp_path / "store"
    with records.transaction() as session:
        _fill(session, store)
    out = tmp_path / "a.zip"
    _export(records, out, store)
    target = open_database(empty_database("sqlite"))
    try:
        import_archive(target, out, tmp_path / "s2", actor="m", now=LATER)
        with pytest.raises(Exception, match="append-only"), target.transaction() as session:
            session.execute(text("DELETE FROM audit_entry"))
        with target.transaction() as session:
            assert (session.scalar(select(func.count()).select_from(AuditEntry)) or 0) > 1
            assert session.scalar(select(Client.name)) == "Ana Ruiz — Ñ"
    finally:
        target.close()
