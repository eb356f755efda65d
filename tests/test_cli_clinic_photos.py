"""``fadecast clinic add-photo``: what it prints, and its refusals (one line, exit 2,
nothing written), on SQLite and PostgreSQL. Runs :func:`fadecast.cli.main` in this
process."""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from fadecast.cli import main
from fadecast.clinic_cli.app import now_utc
from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.photo import linear_from_srgb8
from fadecast.records import clinics, consents
from fadecast.records.database import open_database, upgrade
from fadecast.records.models import AuditEntry, Photo
from fadecast.records.photos import MAX_PHOTO_BYTES, PHOTOS_ENV, photo_store_root
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import RenderSettings, render_profile

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


@functools.cache
def _scalp(hairline_mm: float | None) -> bytes:
    """A JPEG of a 16 mm patch at 20 px/mm with a white card, its Exif holding a GPS
    position."""
    example = EXAMPLES / "temperate-office-worker.toml"
    sc = scenario_from_profile(load_profile(example, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=16.0, px_per_mm=20.0, seed=3, hairline_mm=hairline_mm)
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
def db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Records with a clinic and client C-001, whose photos consent is signed, of each
    kind; a PostgreSQL's photos go to ``tmp_path``."""
    monkeypatch.setenv(PHOTOS_ENV, str(tmp_path / "pg-photos"))
    _fill(db_url)
    return db_url


def _fill(url: str) -> None:
    upgrade(url)
    records = open_database(url)
    now = now_utc()
    try:
        with records.transaction() as session:
            clinic = clinics.add_clinic(session, name="Northside", actor="owner", now=now)
            client = clinics.add_client(
                session,
                clinic_id=clinic.id,
                ref="C-001",
                name="Ana Ruiz",
                birth_date=dt.date(1985, 4, 2),
                actor="owner",
                now=now,
            )
            consents.add_form(
                session,
                clinic_id=clinic.id,
                scope="photos_record",
                version="1",
                text="Photos of the treated area are kept in my record.",
                actor="owner",
                now=now,
            )
            consents.sign_consent(
                session,
                client=client,
                scope="photos_record",
                signed_name="Ana Ruiz",
                source="paper, in clinic",
                signed_at=now,
                actor="owner",
                now=now,
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


def _counts(url: str) -> tuple[int, int]:
    """Photos, and audit entries about photos."""
    records = open_database(url)
    try:
        with records.transaction() as session:
            photos = session.scalar(select(func.count()).select_from(Photo))
            entries = session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "photo")
            )
    finally:
        records.close()
    return int(photos or 0), int(entries or 0)


def _store_files(url: str) -> list[Path]:
    root = photo_store_root(url)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _add(tmp_path: Path, db: str, data: bytes, *extra: str) -> tuple[str, ...]:
    photo = tmp_path / "scalp.jpg"
    photo.write_bytes(data)
    day = (now_utc().date() - dt.timedelta(days=3)).isoformat()
    args = ("clinic", "add-photo", "--db", db, "--client", "C-001", "--file", str(photo))
    return (*args, "--taken-on", day, *extra)


def test_add_photo_prints_what_was_stored_and_measured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    code, out, err = cli(capsys, *_add(tmp_path, db, _scalp(None), "--mm-per-px", "0.05"))

    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("photo added to client C-001's record (photo 1, taken on ")
    stored = _store_files(db)
    assert len(stored) == 1
    sha = stored[0].parent.name + stored[0].name
    assert f"  stored        {sha[:12]}, " in out
    assert "  file          scalp.jpg: JPEG, 320 x 320 px" in lines
    assert "  EXIF stripped yes: removed Exif, GPS location; the pixels are as they were" in lines
    assert any(
        line.startswith("  consent       photos for the record, signed by Ana Ruiz on ")
        for line in lines
    )
    assert "  scale         50.0 µm per pixel (given)" in lines
    assert any(line.startswith("  density       ") and "per cm²" in line for line in lines)
    assert any(line.startswith("  at 2 m        ΔE00 ") for line in lines)
    assert "about 1\n  is just noticeable" in out  # ΔE00 explained
    # No bare skin in view: the flag, and below it what to do about it.
    flag = lines.index(next(line for line in lines if line.startswith("  ! no_bare_skin: ")))
    assert lines[flag + 1].startswith("    → include some untreated skin")
    assert _counts(db) == (1, 1)


def test_a_photo_with_nothing_to_measure_is_kept_and_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    flat = io.BytesIO()
    Image.new("RGB", (200, 200), (190, 150, 130)).save(flat, "PNG")
    code, out, err = cli(capsys, *_add(tmp_path, db, flat.getvalue()))
    assert code == 0, err
    assert "  EXIF stripped no: the file held none" in out
    assert "not measured: no SMP dots found: the photo is all one level" in out
    assert out.rstrip().endswith("the photo is kept in the record without figures")
    assert _counts(db) == (1, 1)
    code, out, err = cli(capsys, *_add(tmp_path, db, _scalp(5.0), "--no-measure"))
    assert code == 0, err
    assert "not measured: measuring was turned off; the photo is kept" in out
    assert "density" not in out
    code, out, err = cli(capsys, *_add(tmp_path, db, _scalp(None)))  # no scale given
    assert code == 0, err
    lines = out.splitlines()
    flag = lines.index("  ! no_scale: no scale: sizes and densities are per pixel")
    assert lines[flag + 1] == (
        "    → hold the printed card (fadecast card) flat beside the treated area, or give "
        "--mm-per-px"
    )
    assert "--marker-mm" not in out  # not an option of this command
    assert _counts(db) == (3, 3)


def assert_refused(code: int, err: str, start: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith(f"fadecast: error: {start}"), err


#: Each refusal, and how its line starts.
REFUSALS = {
    "missing": "--file: no such file: ",
    "text": "photo: scalp.jpg is not a JPEG or PNG image (it is not an image file)",
    "too big": "photo: scalp.jpg is 41.0 MB, more than the 40 MB a photo may be",
    "truncated": "photo: scalp.jpg is a damaged JPEG",
    "unknown client": "--client: no client 'C-002' in this clinic",
    "bad day": "--taken-on: must be a date as YYYY-MM-DD, got '20/11/2026'",
    "future": "--taken-on: must be from the client's birth (1985-04-02) to today",
    "scale": "--mm-per-px: must be a number from 0.001 to 1 mm per pixel, got 2",
}


def test_refusals_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    for case, start in REFUSALS.items():
        args = list(_add(tmp_path, db, _scalp(5.0)))
        photo = tmp_path / "scalp.jpg"
        if case == "missing":
            photo.unlink()
        elif case == "text":
            photo.write_text("ref,name\nC-001,Ana Ruiz\n")
        elif case == "too big":
            with photo.open("r+b") as file:  # a sparse file: nothing is read of it
                file.truncate(MAX_PHOTO_BYTES + 1_000_000)
        elif case == "truncated":
            photo.write_bytes(_scalp(5.0)[:5000])
        elif case == "unknown client":
            args[args.index("C-001")] = "C-002"
        elif case in ("bad day", "future"):
            later = (now_utc().date() + dt.timedelta(days=2)).isoformat()
            args[args.index("--taken-on") + 1] = "20/11/2026" if case == "bad day" else later
        else:
            args += ["--mm-per-px", "2"]

        code, out, err = cli(capsys, *args)

        assert_refused(code, err, start)
        assert out == "", case
        assert _counts(db) == (0, 0), case
        assert _store_files(db) == [], case


def test_a_client_whose_photos_consent_was_revoked_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    records = open_database(db)
    try:
        with records.transaction() as session:
            clinic = clinics.clinic_for(session, None)
            client = clinics.client_by_ref(session, clinic_id=clinic.id, ref="C-001")
            consents.revoke_consent(
                session, client=client, scope="photos_record", actor="owner", now=now_utc()
            )
    finally:
        records.close()
    code, out, err = cli(capsys, *_add(tmp_path, db, _scalp(5.0)))
    assert_refused(
        code, err, "photo: client C-001 has no photos_record consent in force: sign one first"
    )
    assert out == ""
    assert _counts(db) == (0, 0) and _store_files(db) == []


def test_the_same_photo_twice_is_refused_the_second_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    args = _add(tmp_path, db, _scalp(5.0), "--no-measure")
    assert cli(capsys, *args)[0] == 0
    code, _, err = cli(capsys, *args)
    assert_refused(
        code, err, "photo: scalp.jpg is in the record already as a photo of client C-001"
    )
    assert _counts(db) == (1, 1) and len(_store_files(db)) == 1
