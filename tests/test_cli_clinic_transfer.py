"""``fadecast clinic import-csv``, ``export``, ``import`` and ``purge``, run as real
processes on real files: what each prints, and a refusal as one line with exit code 2
(the rules themselves are tested on both databases in tests/records)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from fadecast.records.archive import archive_differences

CSV = {
    "clients": "ref,name,birth_date,email,skin_fitzpatrick,city,outdoor_hours_weekday,"
    "outdoor_hours_weekend\n"
    "C-001,Ana Ruiz,1985-04-02,ana@example.org,2,Manchester,1,4\n"
    "C-002,Bo Li,1970-01-01,bo@example.org,,,,\n",
    "products": "brand,name,pigment_class\nAcme,SMP Black,carbon-black\n",
    "lots": "brand,product,lot,expiry\nAcme,SMP Black,L1,2030-01-01\n",
    "courses": "client_ref,started_on,area_cm2\nC-001,2024-03-01,120\nC-002,2014-05-01,80\n",
    "sessions": "client_ref,date,kind,practitioner,lot\n"
    "C-001,2024-03-01,initial,Sam Park,L1\n"
    "C-001,2024-03-15,perfecting,Sam Park,L1\n"
    "C-002,2014-05-01,initial,Kim,L1\n",
    "consents": "client_ref,scope,signed_name,signed_at,source\n"
    "C-001,photos_record,Ana Ruiz,2024-03-01 09:30,tablet\n",
}


def clinic(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", "clinic", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(*args: str) -> str:
    proc = clinic(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


def refused(*args: str) -> str:
    proc = clinic(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fadecast: error: "), proc.stderr
    return lines[0].removeprefix("fadecast: error: ")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic's records made from CSV files, with a photo, in a folder of its own."""
    folder = tmp_path_factory.mktemp("built")
    db = str(folder / "clinic.sqlite")
    ok("init", "--clinic", "Northside", "--db", db)
    (folder / "form.txt").write_text("Photos for my record may be kept.\n", encoding="utf-8")
    ok(
        "add-form",
        "--scope",
        "photos_record",
        "--version",
        "1",
        "--text",
        str(folder / "form.txt"),
        "--db",
        db,
    )
    for kind, text in CSV.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
        ok("import-csv", kind, str(folder / f"{kind}.csv"), "--db", db)
    photo = io.BytesIO()
    Image.new("RGB", (20, 16), (180, 140, 120)).save(photo, "PNG")
    (folder / "scalp.png").write_bytes(photo.getvalue())
    ok(
        "add-photo",
        "--client",
        "C-001",
        "--file",
        str(folder / "scalp.png"),
        "--taken-on",
        "2024-06-01",
        "--no-measure",
        "--db",
        db,
    )
    return folder


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    """The built records, copied for a test to change (the database file and its photo
    store)."""
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    return folder / "clinic.sqlite"


def test_import_csv_says_what_it_imported(tmp_path: Path) -> None:
    db = str(tmp_path / "clinic.sqlite")
    ok("init", "--clinic", "Northside", "--db", db)
    lines = []
    for kind in ("clients", "products", "lots", "courses", "sessions"):
        path = tmp_path / f"{kind}.csv"
        path.write_text(CSV[kind], encoding="utf-8")
        lines.append(ok("import-csv", kind, str(path), "--db", db, "--actor", "mover").strip())
    assert lines == [
        "imported 2 clients from clients.csv into Northside",
        "imported 1 pigment product from products.csv into Northside",
        "imported 1 pigment lot from lots.csv into Northside",
        "imported 2 courses from courses.csv into Northside",
        "imported 3 sessions from sessions.csv into Northside "
        "(new practitioners added: Sam Park, Kim)",
    ]


def test_import_csv_refuses_a_bad_row_in_one_line(copy: Path) -> None:
    bad = copy.parent / "more.csv"
    bad.write_text("ref,name,birth_date\nC-003,Cy,1980-01-01\nC-004,Di,31/02/1980\n", "utf-8")
    assert refused("import-csv", "clients", str(bad), "--db", str(copy)) == (
        "more.csv line 3, column birth_date: must be a date as YYYY-MM-DD, got '31/02/1980'"
    )
    again = copy.parent / "again.csv"
    again.write_text("ref,name,birth_date\nC-003,Cy,1980-01-01\n", "utf-8")
    # C-003 of the refused file was not kept: importing it now works
    assert ok("import-csv", "clients", str(again), "--db", str(copy)).startswith(
        "imported 1 client "
    )
    assert refused("import-csv", "visits", str(again), "--db", str(copy)).startswith(
        "KIND: must be one of clients, products, lots, courses, sessions, consents"
    )
    assert refused("import-csv", "clients", str(copy.parent / "no.csv"), "--db", str(copy)) == (
        f"FILE: {copy.parent / 'no.csv'} is not a file"
    )
    header = copy.parent / "header.csv"
    header.write_text("ref,name,birthday\nC-005,Ed,1980-01-01\n", "utf-8")
    assert refused("import-csv", "clients", str(header), "--db", str(copy)).startswith(
        "header.csv line 1: unknown column 'birthday'; the clients columns are ref, name, "
    )


def test_export_import_and_export_again(built: Path, tmp_path: Path) -> None:
    archive = tmp_path / "northside.zip"
    out = ok("export", "--out", str(archive), "--db", str(built / "clinic.sqlite"))
    assert out.startswith(f"exported 2 clients, 3 sessions, 1 photo to {archive} (")
    assert out.rstrip().endswith(" kB)")
    with zipfile.ZipFile(archive) as zipped:
        assert "manifest.json" in zipped.namelist()
    target = tmp_path / "new" / "clinic.sqlite"
    ok("init", "--db", str(target))
    imported = ok("import", str(archive), "--db", str(target))
    assert imported.strip() == (
        f"imported 2 clients, 3 sessions, 1 photo of Northside from northside.zip into "
        f"sqlite:///{target}"
    )
    assert [p.name for p in (tmp_path / "new").glob("clinic-photos/*/*")]  # the photo's file
    second = tmp_path / "second.zip"
    ok("export", "--out", str(second), "--db", str(target))
    assert archive_differences(archive, second) == []
    assert refused("import", str(archive), "--db", str(target)).startswith(
        "--db: the records are not empty ("
    )


def test_an_archive_goes_into_postgresql_too(built: Path, db_url: str, tmp_path: Path) -> None:
    archive = tmp_path / "northside.zip"
    ok("export", "--out", str(archive), "--db", str(built / "clinic.sqlite"))
    ok("init", "--db", db_url)
    env_photos = tmp_path / "photos"
    proc = subprocess.run(
        [sys.executable, "-m", "fadecast", "clinic", "import", str(archive), "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "FADECAST_PHOTOS_DIR": str(env_photos)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 2 clients, 3 sessions, 1 photo of Northside from ")
    if "://" in db_url:
        assert len([p for p in env_photos.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda p: p.write_text("not an archive", "utf-8"),
            "is not a zip archive (a fadecast records export is one)",
        ),
        (
            lambda p: zipfile.ZipFile(p, "w").close(),
            "is not a fadecast records archive: it has no manifest.json",
        ),
    ],
)
def test_import_refuses_what_is_not_an_archive(
    tmp_path: Path, make: Callable[[Path], object], expected: str
) -> None:
    target = tmp_path / "new.sqlite"
    ok("init", "--db", str(target))
    path = tmp_path / "thing.zip"
    make(path)
    assert refused("import", str(path), "--db", str(target)) == f"thing.zip: {expected}"


def test_export_refuses_a_bad_target_and_leaves_nothing(built: Path, tmp_path: Path) -> None:
    db = str(built / "clinic.sqlite")
    assert refused("export", "--out", str(tmp_path / "a.tar"), "--db", db) == (
        "--out: must name a .zip file, got 'a.tar'"
    )
    assert refused("export", "--out", str(tmp_path / "no" / "a.zip"), "--db", db).startswith(
        "--out: the folder "
    )
    (tmp_path / "in-the-way.zip").mkdir()
    assert refused("export", "--out", str(tmp_path / "in-the-way.zip"), "--db", db).startswith(
        "--out: cannot write "
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-the-way.zip"]


def test_export_of_several_clinics(copy: Path, tmp_path: Path) -> None:
    ok("add-clinic", "Southside", "--db", str(copy))
    message = refused("export", "--out", str(tmp_path / "a.zip"), "--db", str(copy))
    assert message.startswith("--clinic: the records hold several clinics")
    assert message.endswith("(or --all-clinics)")
    out = ok("export", "--out", str(tmp_path / "a.zip"), "--all-clinics", "--db", str(copy))
    assert out.startswith("exported 2 clients, 3 sessions, 1 photo to ")
    out = ok("export", "--out", str(tmp_path / "s.zip"), "--clinic", "Southside", "--db", str(copy))
    assert out.startswith("exported 0 clients, 0 sessions, 0 photos to ")


def test_purge_dry_run_then_for_real(copy: Path) -> None:
    db = str(copy)
    dry = ok("purge", "--older-than", "10", "--dry-run", "--today", "2026-12-01", "--db", db)
    assert dry.splitlines() == [
        "would anonymise 1 client of Northside last seen before 2016-12-01 (10 years ago):",
        "  C-002  Bo Li  last session 2014-05-01  (0 photos, 0 health screens)",
    ]
    done = ok("purge", "--older-than", "10", "--today", "2026-12-01", "--db", db)
    assert done.strip() == (
        "anonymised 1 client of Northside last seen before 2016-12-01 (10 years ago): names, "
        "contacts, signatures and notes cleared; 0 photos and 0 health screens removed"
    )
    again = ok("purge", "--older-than", "10", "--today", "2026-12-01", "--db", db)
    assert again.strip() == (
        "no client of Northside was last seen before 2016-12-01 (10 years ago): nothing to "
        "anonymise"
    )


def test_purge_refuses_less_than_a_year(copy: Path) -> None:
    assert refused("purge", "--older-than", "0", "--db", str(copy)) == (
        "--older-than: must be at least 1 year, got 0"
    )
    assert refused("purge", "--older-than", "3", "--today", "1/12/2026", "--db", str(copy)) == (
        "--today: must be a date as YYYY-MM-DD, got '1/12/2026'"
    )
