"""Photos of the record: metadata stripped with the pixels untouched, a content-addressed
store, the consent they need, measured on import; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import stat
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import NOW
from PIL import Image, ImageCms, PngImagePlugin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.measurement import measure_photo
from fadecast.measure.photo import MAX_PHOTO_PIXELS, linear_from_srgb8, read_photo
from fadecast.measure.printed_card import card_layout
from fadecast.records import clinics, consents
from fadecast.records.audit import audit_entries
from fadecast.records.database import Database
from fadecast.records.models import AuditEntry, Client, Clinic, ConsentForm, Photo
from fadecast.records.photos import (
    MAX_PHOTO_BYTES,
    PHOTOS_ENV,
    add_photo,
    check_photo_size,
    open_photo,
    photo_path,
    photo_store_root,
    photos_of,
    prepare_photo,
    store_photo,
    strip_metadata,
)
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, render_profile
from fadecast.report.json import measurement_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
#: A street name hidden in the GPS data, XMP and comments of the test photos.
SECRET = b"12 Home Street"


# --- photos to import: renders of a forecast, photographed with a white card ---------


@functools.cache
def _renders(size_mm: float, px_per_mm: float, hairline_mm: float | None) -> Renders:
    example = EXAMPLES / "temperate-office-worker.toml"
    sc = scenario_from_profile(load_profile(example, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=size_mm, px_per_mm=px_per_mm, seed=3, hairline_mm=hairline_mm)
    return render_profile(sc, [1.0], settings)


@functools.cache
def _scalp() -> np.ndarray:
    """A 16 mm patch at 20 px/mm with some bare skin, photographed with a white card."""
    srgb = _renders(16.0, 20.0, 5.0).pictures[0].closeup_srgb
    photo = photograph(
        linear_from_srgb8(srgb), PhotoConditions(card_px=(10, 10, 60)), rng=np.random.default_rng(0)
    )
    photo.flags.writeable = False
    return photo


@functools.cache
def _scalp_with_printed_card() -> np.ndarray:
    """A 60 mm render at 10 px/mm with the printed card's marker and white patch on it."""
    ppm = 10.0
    scalp = _renders(60.0, ppm, 8.0).pictures[0].closeup_srgb.copy()
    layout = card_layout()

    def px(mm: float) -> int:
        return round(mm * ppm)

    quiet, side = layout.quiet_zone_mm, layout.marker_mm
    x, _, w, _ = layout.white_patch_mm
    card = np.full((px(side + 2 * quiet), px(x + w + 2 * quiet), 3), 235, dtype=np.uint8)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    marker = cv2.aruco.generateImageMarker(dictionary, layout.marker_id, px(side))
    card[px(quiet) : px(quiet) + px(side), px(quiet) : px(quiet) + px(side)] = np.where(
        marker > 127, 235, 25
    ).astype(np.uint8)[..., None]
    scalp[: card.shape[0], : card.shape[1]] = card
    return scalp


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Acme Phones"  # Make
    exif[0x0110] = "Model X"
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 28.0, 38.5)
    gps[3], gps[4] = "W", (0.0, 0.0, 5.31)
    gps[18] = "WGS-84 " + SECRET.decode()  # GPSMapDatum
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="51,28.6N" dc:description="' + SECRET + b'"/></rdf:RDF></x:xmpmeta>'
)


def _jpeg(
    srgb: np.ndarray, *, orientation: int = 1, progressive: bool = False, mode: str = "RGB"
) -> bytes:
    """A phone's JPEG: Exif with GPS, XMP, a comment and an sRGB ICC profile."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.fromarray(srgb).convert(mode).save(
        buffer,
        "JPEG",
        quality=95,
        exif=_exif_with_gps(orientation),
        icc_profile=icc,
        comment=b"note: " + SECRET,
        xmp=XMP,
        progressive=progressive,
    )
    return buffer.getvalue()


def _png(srgb: np.ndarray) -> bytes:
    """A PNG with text, compressed text, XMP, a time stamp and Exif with GPS."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Dr Smith")
    info.add_text("Location", SECRET.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add(b"tIME", bytes([7, 234, 11, 20, 10, 0, 0]))
    buffer = io.BytesIO()
    Image.fromarray(srgb).save(buffer, "PNG", pnginfo=info, exif=_exif_with_gps())
    return buffer.getvalue()


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image)


def _jpeg_segments(data: bytes) -> tuple[list[bytes], int]:
    """The marker segments of a JPEG up to its first scan, and where that scan starts."""
    segments, pos = [], 2
    while data[pos + 1] != 0xDA:
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segments.append(data[pos : pos + 2 + length])
        pos += 2 + length
    return segments, pos


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunks.append(data[pos : pos + 12 + length])
        pos += 12 + length
    return chunks


# --- stripping, without the records ---------------------------------------------------


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_loses_its_exif_gps_and_comments_and_keeps_its_pixels(progressive: bool) -> None:
    original = _jpeg(_scalp(), progressive=progressive)
    with Image.open(io.BytesIO(original)) as before:  # the test photo carries what it should
        assert before.getexif().get_ifd(0x8825)[2] == (51.0, 28.0, 38.5)
    assert SECRET in original and b"GPSLatitude" in original

    stripped = strip_metadata(original)

    assert stripped.removed == ("Exif", "GPS location", "XMP", "comment")
    assert stripped.had_location and stripped.orientation is None
    with Image.open(io.BytesIO(stripped.data)) as after:
        assert dict(after.getexif()) == {}
        assert after.getexif().get_ifd(0x8825) == {}
        assert "xmp" not in after.info and "comment" not in after.info
        assert after.info["icc_profile"] == Image.open(io.BytesIO(original)).info["icc_profile"]
    assert SECRET not in stripped.data
    assert b"GPSLatitude" not in stripped.data and b"Exif\x00\x00" not in stripped.data
    assert np.array_equal(_pixels(stripped.data), _pixels(original))
    # Not re-encoded: the kept segments and every scan's coded data byte for byte.
    kept, scan = _jpeg_segments(stripped.data)
    every, original_scan = _jpeg_segments(original)
    dropped = {0xE1, 0xFE}  # APP1 (Exif, XMP) and the comment
    assert kept == [s for s in every if s[1] not in dropped]
    assert stripped.data[scan:] == original[original_scan:]


def test_a_png_loses_its_text_exif_and_time_chunks_and_keeps_the_rest_as_it_was() -> None:
    original = _png(_scalp())
    assert SECRET in zlib.decompress(
        next(
            c[8 + len(b"Location\x00\x00") : -4] for c in _png_chunks(original) if c[4:8] == b"zTXt"
        )
    )

    stripped = strip_metadata(original)

    assert set(stripped.removed) == {"text", "XMP", "GPS location", "time stamp", "Exif"}
    dropped = {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"}
    assert _png_chunks(stripped.data) == [
        c for c in _png_chunks(original) if c[4:8] not in dropped
    ]  # each kept chunk with its checksum, untouched
    with Image.open(io.BytesIO(stripped.data)) as after:
        assert dict(after.getexif()) == {}
        assert not {"Author", "Location", "XML:com.adobe.xmp", "exif"} & set(after.info)
    with Image.open(io.BytesIO(stripped.data)) as after:
        after.verify()  # every checksum holds
    assert SECRET not in stripped.data and b"GPS" not in stripped.data
    assert np.array_equal(_pixels(stripped.data), _pixels(original))


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_a_turned_photo_keeps_its_orientation_alone(kind: str, tmp_path: Path) -> None:
    srgb = np.ascontiguousarray(_scalp()[:, :200])  # not square: a turn shows
    if kind == "jpeg":
        original = _jpeg(srgb, orientation=6)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Location", SECRET.decode())
        buffer = io.BytesIO()
        Image.fromarray(srgb).save(buffer, "PNG", pnginfo=info, exif=_exif_with_gps(6))
        original = buffer.getvalue()

    prepared = prepare_photo(original)

    assert prepared.stripped.orientation == 6 and "GPS location" in prepared.stripped.removed
    with Image.open(io.BytesIO(prepared.stripped.data)) as after:
        assert dict(after.getexif()) == {0x0112: 6}  # the orientation, nothing else
    assert SECRET not in prepared.stripped.data
    (tmp_path / "before").write_bytes(original)
    (tmp_path / "after").write_bytes(prepared.stripped.data)
    upright = read_photo(tmp_path / "after")
    assert np.array_equal(upright, read_photo(tmp_path / "before"))
    assert upright.shape[:2] == (200, 320)  # a quarter turn
    assert (prepared.width_px, prepared.height_px) == (320, 200)


def _with_segment(jpeg: bytes, segment: bytes, *, at: int = 2) -> bytes:
    return jpeg[:at] + segment + jpeg[at:]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def test_thumbnails_other_application_data_and_trailers_go_and_adobe_colour_stays() -> None:
    plain = io.BytesIO()
    Image.fromarray(_scalp()).save(plain, "JPEG", quality=90)
    original = plain.getvalue()
    segments, _ = _jpeg_segments(original)
    assert segments[0][4:9] == b"JFIF\x00"
    jfif = segments[0][4:16] + bytes((2, 2)) + bytes(range(12))  # with a 2 x 2 thumbnail
    crafted = (
        b"\xff\xd8"
        + _segment(0xE0, jfif)
        + _segment(0xED, b"Photoshop 3.0\x00" + SECRET)  # IPTC
        + _segment(0xE2, b"MPF\x00" + SECRET)  # a multi-picture index
        + _segment(0xE0, b"JFXX\x00\x10" + SECRET)  # an extension thumbnail
        + original[2 + len(segments[0]) :]
        + b"\xff\xd8"
        + SECRET  # a trailer after the end of the image
    )

    stripped = strip_metadata(crafted)

    assert stripped.removed == ("thumbnail", "IPTC", "MPF", "data after the image")
    assert SECRET not in stripped.data
    assert stripped.data.endswith(b"\xff\xd9")
    assert np.array_equal(_pixels(stripped.data), _pixels(original))
    with Image.open(io.BytesIO(stripped.data)) as after:
        assert after.info["jfif_density"] == (1, 1)

    cmyk = _jpeg(_scalp(), mode="CMYK")  # an Adobe segment says how its channels are coded
    assert b"\xff\xee\x00\x0eAdobe" in cmyk
    kept = strip_metadata(cmyk)
    assert b"\xff\xee\x00\x0eAdobe" in kept.data
    assert np.array_equal(_pixels(kept.data), _pixels(cmyk))


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 160, 140)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"name,date\nAna,2026-01-01\n", "it is not an image file"),
        (b"", "is empty"),
        (_image_bytes("GIF"), "it is a GIF file"),
        (_image_bytes("TIFF"), "it is a TIFF file"),
        (_image_bytes("WEBP"), "it is a WebP file"),
        (_image_bytes("BMP"), "it is a BMP file"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64), "it is a HEIC file"),
    ],
)
def test_files_that_are_not_jpeg_or_png_are_refused_naming_the_allowed_types(
    data: bytes, said: str
) -> None:
    with pytest.raises(InputError) as caught:
        prepare_photo(data, name="scan.jpg")
    assert caught.value.field == "photo"
    assert said in caught.value.message
    if data:
        assert caught.value.message.startswith("scan.jpg is not a JPEG or PNG image")
        assert "only JPEG and PNG photos are kept" in caught.value.message


def _with_ihdr_size(png: bytes, width: int, height: int) -> bytes:
    body = width.to_bytes(4, "big") + height.to_bytes(4, "big") + png[24:29]
    crc = zlib.crc32(b"IHDR" + body).to_bytes(4, "big")
    return png[:8] + (13).to_bytes(4, "big") + b"IHDR" + body + crc + png[33:]


def test_damaged_truncated_and_oversized_photos_are_refused() -> None:
    jpeg, png = _jpeg(_scalp()), _png(_scalp())
    with pytest.raises(InputError, match=r"damaged JPEG .*truncated"):
        prepare_photo(jpeg[: len(jpeg) // 2])
    with pytest.raises(InputError, match=r"damaged JPEG .*runs past the end"):
        prepare_photo(jpeg[:2] + b"\xff\xe1\xff\xff" + jpeg[2:40])
    idat = png.index(b"IDAT") + 10
    flipped = png[:idat] + bytes([png[idat] ^ 0xFF]) + png[idat + 1 :]
    with pytest.raises(InputError, match=r"damaged PNG .*IDAT chunk's checksum is wrong"):
        prepare_photo(flipped)
    with pytest.raises(InputError, match=r"damaged PNG .*runs past the end of the file"):
        prepare_photo(png[:-20])
    # A header claiming 60 megapixels is refused before anything is decoded.
    bomb = _with_ihdr_size(_image_bytes("PNG"), 10_000, 6_000)
    assert MAX_PHOTO_PIXELS < 10_000 * 6_000
    with pytest.raises(InputError, match="10000 x 6000 pixels, more than the 50 megapixels"):
        prepare_photo(bomb)
    with pytest.raises(InputError, match="declares far more than the 50 megapixels allowed"):
        prepare_photo(_with_ihdr_size(_image_bytes("PNG"), 20_000, 10_000))
    with pytest.raises(InputError, match=r"41\.0 MB, more than the 40 MB a photo may be"):
        check_photo_size(41_000_000)
    with pytest.raises(InputError, match="more than the 40 MB"):
        prepare_photo(jpeg + bytes(MAX_PHOTO_BYTES))
    check_photo_size(MAX_PHOTO_BYTES)


def test_the_store_is_beside_the_database_or_where_the_environment_says() -> None:
    assert photo_store_root("/srv/a/clinic.sqlite") == Path("/srv/a/clinic-photos")
    assert photo_store_root("sqlite:////srv/a/group.db") == Path("/srv/a/group-photos")
    postgres = "postgresql://me@127.0.0.1/group"
    assert photo_store_root(postgres, {PHOTOS_ENV: "/srv/photos"}) == Path("/srv/photos")
    assert photo_store_root(postgres, {"HOME": "/home/ana"}) == Path(
        "/home/ana/.local/share/fadecast/photos"
    )
    assert photo_store_root("sqlite://", {"XDG_DATA_HOME": "/d"}) == Path("/d/fadecast/photos")
    # The default database's store is beside it.
    assert photo_store_root(None, {"XDG_DATA_HOME": "/d"}) == Path("/d/fadecast/clinic-photos")


def test_the_store_writes_whole_files_once_and_checks_them_on_reading(tmp_path: Path) -> None:
    root = tmp_path / "store"
    data = _jpeg(_scalp())
    first = store_photo(root, data)
    sha = hashlib.sha256(data).hexdigest()
    assert (first.sha256, first.new) == (sha, True)
    assert first.path == root / sha[:2] / sha[2:] == photo_path(root, sha)
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600  # the owner's only
    assert store_photo(root, data).new is False
    assert [p for p in root.rglob("*") if p.is_file()] == [first.path]  # no temporary left
    assert open_photo(root, sha) == data

    first.path.write_bytes(data[:-1] + b"\x00")  # changed on disk
    with pytest.raises(InputError, match=r"is damaged .*restore it"):
        open_photo(root, sha)
    assert store_photo(root, data).new is True  # put right by storing it again
    assert open_photo(root, sha) == data
    first.path.unlink()
    with pytest.raises(InputError, match="moved or deleted"):
        open_photo(root, sha)
    with pytest.raises(InputError, match="sha256: must be 64 lower-case hex"):
        open_photo(root, "../../etc/passwd")


# --- the record ------------------------------------------------------------------------


def _clinic(session: Session, name: str = "Northside") -> Clinic:
    return clinics.add_clinic(session, name=name, actor="owner", now=NOW)


def _client(
    session: Session, clinic: Clinic, ref: str = "C-001", *, consent: bool = True
) -> Client:
    client = clinics.add_client(
        session,
        clinic_id=clinic.id,
        ref=ref,
        name="Ana Ruiz",
        birth_date=dt.date(1985, 4, 2),
        actor="owner",
        now=NOW,
    )
    if consent:
        _sign(session, client)
    return client


def _sign(session: Session, client: Client) -> None:
    exists = session.scalar(
        select(func.count())
        .select_from(ConsentForm)
        .where(ConsentForm.clinic_id == client.clinic_id, ConsentForm.scope == "photos_record")
    )
    if not exists:
        consents.add_form(
            session,
            clinic_id=client.clinic_id,
            scope="photos_record",
            version="1",
            text="Photos of the treated area are kept in my record.",
            actor="owner",
            now=NOW,
        )
    consents.sign_consent(
        session,
        client=client,
        scope="photos_record",
        signed_name=client.name,
        source="paper, in clinic",
        signed_at=NOW - dt.timedelta(days=30),
        actor="owner",
        now=NOW,
    )


def _root(records: Database, tmp_path: Path) -> Path:
    return photo_store_root(records.engine.url, {PHOTOS_ENV: str(tmp_path / "pg-photos")})


def _store_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _photo_entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "photo")))


def test_a_photo_is_stripped_stored_measured_and_recorded_with_its_consent(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    data = _jpeg(_scalp())
    with records.transaction() as session:
        client = _client(session, _clinic(session))
        consent = consents.consent_in_force(session, client=client, scope="photos_record")
        imported = add_photo(
            session,
            client=client,
            data=data,
            taken_on=dt.date(2026, 11, 20),
            store_root=root,
            mm_per_px=0.05,
            actor="Ana's practitioner",
            now=NOW,
        )
    assert consent is not None
    photo = imported.photo
    stored = open_photo(root, photo.sha256)
    assert stored == imported.prepared.stripped.data and SECRET not in stored
    assert _store_files(root) == [photo_path(root, photo.sha256)]
    assert imported.stored.new and imported.unmeasured is None
    with records.transaction() as session:  # as read back from the database
        row = session.scalars(select(Photo)).one()
        assert (row.consent_id, row.client_id, row.clinic_id) == (
            consent.id,
            client.id,
            client.clinic_id,
        )
        assert (row.media_type, row.width_px, row.height_px) == ("image/jpeg", 320, 320)
        assert (row.taken_on, row.mm_per_px, row.imported_at) == (dt.date(2026, 11, 20), 0.05, NOW)
        assert row.sha256 == hashlib.sha256(stored).hexdigest()
        # Exactly what `fadecast measure --json` says of the stored photo.
        (tmp_path / "again.jpg").write_bytes(stored)
        expected = measurement_dict(
            measure_photo(read_photo(tmp_path / "again.jpg"), mm_per_px=0.05)
        )
        assert row.measurement == expected
        assert json.loads(json.dumps(row.measurement, allow_nan=False)) == expected
        contrast = row.measurement["contrast"]["social_delta_e00"]
        picture = _renders(16.0, 20.0, 5.0).pictures[0]
        assert contrast == pytest.approx(picture.social_delta_e00, rel=0.1)  # the render's
        assert row.measurement["dots"]["density_per_cm2"] > 50
        assert photos_of(session, client=client)[0].id == row.id
        entries = _photo_entries(session)
        assert [(e.action, e.actor, e.entity_id) for e in entries] == [
            ("create", "Ana's practitioner", str(row.id))
        ]
        detail = entries[0].detail
        assert detail["sha256"] == row.sha256 and detail["client"] == "C-001"
        assert detail["removed"] == ["Exif", "GPS location", "XMP", "comment"]
        assert len(json.dumps(detail)) < 500  # what was done, never the picture


def test_the_same_photo_is_stored_once_and_recorded_once_per_clinic(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    data = _png(_scalp())
    day = dt.date(2026, 11, 20)
    with records.transaction() as session:
        north = _clinic(session)
        ana, ben = _client(session, north), _client(session, north, "C-002")
        first = add_photo(
            session, client=ana, data=data, taken_on=day, store_root=root, actor="o", now=NOW
        )
    for client in (ana, ben):
        with (
            pytest.raises(InputError, match="in the record already as a photo of client C-001"),
            records.transaction() as session,
        ):
            add_photo(
                session,
                client=client,
                data=data,
                taken_on=day,
                store_root=root,
                actor="o",
                now=NOW,
            )
    with records.transaction() as session:
        south = _clinic(session, "Southside")
        other = add_photo(
            session,
            client=_client(session, south),
            data=data,
            taken_on=day,
            store_root=root,
            measure=False,
            actor="o",
            now=NOW,
        )
    assert other.photo.sha256 == first.photo.sha256 and other.stored.new is False
    assert _store_files(root) == [first.stored.path]
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Photo)) == 2
        assert len(_photo_entries(session)) == 2


def test_a_photo_without_consent_or_out_of_dates_is_refused_and_nothing_is_written(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    with records.transaction() as session:
        clinic = _clinic(session)
        unsigned = _client(session, clinic, "C-001", consent=False)
        revoked, signed, anonymised = (_client(session, clinic, f"C-00{n}") for n in (2, 3, 4))
        consents.revoke_consent(session, client=revoked, scope="photos_record", actor="o", now=NOW)
        anonymised.anonymised_at = NOW
    cases = [
        (
            unsigned,
            None,
            "photo: client C-001 has no photos_record consent in force: sign one first",
        ),
        (revoked, None, "photo: client C-002 has no photos_record consent in force"),
        (signed, dt.date(1985, 4, 1), r"taken_on: must be from the client's birth \(1985-04-02\)"),
        (signed, dt.date(2026, 12, 2), r"taken_on: .* to today \(2026-12-01\), got 2026-12-02"),
        (anonymised, None, "client: client C-004 was anonymised"),
    ]
    for client, day, expected in cases:
        with pytest.raises(InputError, match=expected), records.transaction() as session:
            add_photo(
                session,
                client=client,
                data=_jpeg(_scalp()),
                taken_on=day or dt.date(2026, 11, 1),
                store_root=root,
                actor="o",
                now=NOW,
            )
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Photo)) == 0
        assert _photo_entries(session) == []
    assert _store_files(root) == []


def test_a_photo_that_cannot_be_measured_is_kept_without_figures_and_says_why(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    flat = np.full((200, 200, 3), (190, 150, 130), dtype=np.uint8)
    with records.transaction() as session:
        client = _client(session, _clinic(session))
        blank = add_photo(
            session,
            client=client,
            data=_jpeg(flat),
            taken_on=dt.date(2026, 11, 1),
            store_root=root,
            actor="o",
            now=NOW,
        )
        skipped = add_photo(
            session,
            client=client,
            data=_png(_scalp()),
            taken_on=dt.date(2026, 11, 2),
            store_root=root,
            mm_per_px=0.05,
            measure=False,
            actor="o",
            now=NOW,
        )
    assert blank.measurement is None
    assert blank.unmeasured is not None and "no SMP dots found" in blank.unmeasured
    assert skipped.unmeasured == "measuring was turned off"
    with records.transaction() as session:
        rows = photos_of(session, client=client)
        assert [(r.measurement, r.mm_per_px) for r in rows] == [(None, None), (None, 0.05)]
        assert [e.detail["measured"] for e in _photo_entries(session)] == [False, False]
    assert len(_store_files(root)) == 2


def test_without_a_given_scale_the_printed_cards_marker_gives_it(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    with records.transaction() as session:
        client = _client(session, _clinic(session))
        carded = add_photo(
            session,
            client=client,
            data=_jpeg(_scalp_with_printed_card()),
            taken_on=dt.date(2026, 11, 1),
            store_root=root,
            actor="o",
            now=NOW,
        )
        bare = add_photo(
            session,
            client=client,
            data=_jpeg(_scalp()),
            taken_on=dt.date(2026, 11, 2),
            store_root=root,
            actor="o",
            now=NOW,
        )
    assert carded.photo.measurement is not None and bare.photo.measurement is not None
    assert carded.photo.measurement["scale"]["source"] == "marker"
    assert carded.photo.measurement["white_reference"]["source"] == "card"
    assert carded.photo.mm_per_px == pytest.approx(0.1, rel=0.01)
    assert carded.photo.measurement["dots"]["density_per_cm2"] is not None
    assert bare.photo.measurement["scale"] == {"mm_per_px": None, "source": None}
    assert "no_scale" in bare.photo.measurement["flags"] and bare.photo.mm_per_px is None


def test_a_scale_that_cannot_be_right_is_refused_and_leaves_nothing(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    with records.transaction() as session:
        client = _client(session, _clinic(session))
    for scale, said in [
        (5.0, "mm_per_px: must be a number from 0.001 to 1 mm per pixel, got 5"),
        (0.001, "mm_per_px: at 0.001 mm per pixel this 320 x 320 photo spans"),  # measured
    ]:
        with pytest.raises(InputError, match=said), records.transaction() as session:
            add_photo(
                session,
                client=client,
                data=_jpeg(_scalp()),
                taken_on=dt.date(2026, 11, 1),
                store_root=root,
                mm_per_px=scale,
                actor="o",
                now=NOW,
            )
    assert _store_files(root) == []  # not even a temporary file
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Photo)) == 0


def test_a_failed_transaction_leaves_the_file_which_importing_again_reuses(
    records: Database, tmp_path: Path
) -> None:
    root = _root(records, tmp_path)
    data = _jpeg(_scalp())
    with records.transaction() as session:
        client = _client(session, _clinic(session))

    class Failed(Exception):
        pass

    with pytest.raises(Failed), records.transaction() as session:
        add_photo(
            session,
            client=client,
            data=data,
            taken_on=NOW.date(),
            store_root=root,
            actor="o",
            now=NOW,
        )
        raise Failed
    left = _store_files(root)
    assert len(left) == 1  # an unreferenced file: harmless, and documented
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Photo)) == 0
        assert len(audit_entries(session, clinic_id=client.clinic_id)) == 4  # no photo entry
        again = add_photo(
            session,
            client=client,
            data=data,
            taken_on=NOW.date(),
            store_root=root,
            actor="o",
            now=NOW,
        )
    assert again.stored.new is False and _store_files(root) == left


def test_photos_are_listed_per_client_and_clinic(records: Database, tmp_path: Path) -> None:
    root = _root(records, tmp_path)
    with records.transaction() as session:
        north, south = _clinic(session), _clinic(session, "Southside")
        ana, other = _client(session, north), _client(session, south)
        for day, picture in [(5, _scalp()), (3, _scalp()[:, ::-1].copy())]:
            add_photo(
                session,
                client=ana,
                data=_png(picture),
                taken_on=dt.date(2026, 11, day),
                store_root=root,
                measure=False,
                actor="o",
                now=NOW,
            )
        assert [p.taken_on.day for p in photos_of(session, client=ana)] == [3, 5]
        assert photos_of(session, client=other) == []
