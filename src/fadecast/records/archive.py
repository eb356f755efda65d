"""The records as one archive, and back: everything of a clinic (or of every clinic),
with nothing lost.

**The archive** is a zip file holding:

- ``tables/<table>.json``: every column of every row of each table of the records
  (:data:`ENTITY_TABLES`), rows ordered by their primary key, one JSON object a row:
  ``{"table": ..., "columns": [...], "rows": [{...}, ...]}``; dates are ``YYYY-MM-DD``,
  moments ``YYYY-MM-DDTHH:MM:SS`` (naive UTC), JSON columns as they are;
- ``csv/<table>.csv``: the same rows of the main tables (:data:`CSV_TABLES`) for a
  spreadsheet (UTF-8 with a byte-order mark; JSON columns left out);
- ``photos/ab/cdef...``: the photo files of the store (:mod:`fadecast.records.photos`)
  that the photo rows name, stored as they are;
- ``manifest.json``: the format's name and version (:data:`ARCHIVE_FORMAT`,
  :data:`ARCHIVE_VERSION`), the fadecast version and schema revision that made it,
  when, for which clinics, the row counts, and every other file with its sha256 and
  size. A photo file missing from the store (or damaged in it) is listed under
  ``photos_missing`` instead of being copied, and the export says so.

**Export** (:func:`export_archive`) reads the records as they are at one moment (the
transaction holds the write lock on SQLite; on PostgreSQL it locks the tables against
writers while it reads) and writes the zip to a temporary file beside the one named,
renamed into place only when whole: a failed export leaves nothing. It adds an
``export`` audit entry per clinic exported, *after* reading the tables, so an archive
never holds the entry of its own making.

**Import** (:func:`import_archive`) goes into **empty** records only (a database made
by ``fadecast clinic init`` without a clinic); the archive is checked whole first (a
zip, our manifest, a format and schema this fadecast reads, every file present with its
size and sha256, nothing else in it) and refused with one line otherwise, nothing
imported. The rows keep their ids, and go in dependency order in one transaction (on
PostgreSQL the id sequences are then moved past the ids imported); the photo files go
into the store, and are removed again if the import fails. The import then adds one
``import`` audit entry per clinic, whose detail names the archive's manifest sha256.

**Nothing lost.** Exporting the imported records gives the same tables as the original
archive, except for those ``import`` entries: :func:`archive_differences` compares two
archives by that rule (an empty list: the same records).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

from fadecast.errors import InputError, OutputError
from fadecast.records.audit import audit
from fadecast.records.database import Database, head_revision
from fadecast.records.models import WEB_AUTH_TABLES, Base
from fadecast.records.photos import open_photo, store_photo
from fadecast.version import __version__

__all__ = [
    "ARCHIVE_FORMAT",
    "ARCHIVE_VERSION",
    "CSV_TABLES",
    "ENTITY_TABLES",
    "MANIFEST_NAME",
    "ArchiveSummary",
    "archive_differences",
    "export_archive",
    "import_archive",
    "read_archive_tables",
]

#: The format's name, in the manifest.
ARCHIVE_FORMAT = "fadecast-records-archive"
#: The newest format version this fadecast writes and reads.
ARCHIVE_VERSION = 1
#: The manifest's name in the zip.
MANIFEST_NAME = "manifest.json"
#: The tables an archive holds, in dependency order (a row's parents come first): every
#: table of the clinic's records, but not the web app's sign-in tables (accounts and
#: their password hashes, sessions, login attempts, setup tokens, feed secrets), which
#: no archive should carry; restored records get their owner through a new setup link.
ENTITY_TABLES = tuple(
    table.name for table in Base.metadata.sorted_tables if table.name not in WEB_AUTH_TABLES
)
#: The tables also given as CSV, for spreadsheets.
CSV_TABLES = (
    "clinic",
    "practitioner",
    "client",
    "course",
    "treatment_session",
    "pigment_product",
    "pigment_lot",
    "consent_form",
    "consent",
    "photo",
)
#: Rows inserted per statement on import.
_CHUNK = 5000
_PHOTO_MEMBER = re.compile(r"photos/([0-9a-f]{2})/([0-9a-f]{62})")


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export wrote, or an import read.

    Attributes
    ----------
    path
        The archive.
    clinics
        The names of the clinics it holds.
    rows
        Rows per table.
    photos
        Photo files it holds.
    photos_missing
        The sha256 of the photos whose file the store lacked when exported.
    size_bytes
        The archive's size. [byte]
    manifest_sha256
        The sha256 of its manifest (what the import's audit entry names).
    """

    path: Path
    clinics: tuple[str, ...]
    rows: Mapping[str, int]
    photos: int
    photos_missing: tuple[str, ...]
    size_bytes: int
    manifest_sha256: str

    def describe(self) -> str:
        """The main counts in words, e.g. ``12 clients, 40 sessions, 3 photos``.

        Examples
        --------
        >>> summary = ArchiveSummary(Path("a.zip"), ("Northside",),
        ...     {"client": 1, "treatment_session": 40}, 3, (), 2_100_000, "0" * 64)
        >>> summary.describe()
        '1 client, 40 sessions, 3 photos'
        """
        return ", ".join(
            (
                _count(self.rows.get("client", 0), "client"),
                _count(self.rows.get("treatment_session", 0), "session"),
                _count(self.photos, "photo"),
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _encode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        assert isinstance(value, dt.datetime)
        return value.isoformat()
    if isinstance(column_type, Date):
        assert isinstance(value, dt.date)
        return value.isoformat()
    return value


def _scoped(table: Table, clinic_ids: Sequence[int] | None) -> Select[Any]:
    query = select(table).order_by(*table.primary_key.columns)
    if clinic_ids is None:
        return query
    if table.name == "clinic":
        return query.where(table.c.id.in_(clinic_ids))
    return query.where(table.c.clinic_id.in_(clinic_ids))


def _lock_for_reading(session: Session) -> None:
    """On PostgreSQL, hold off writers while the export reads (one consistent moment);
    SQLite's transactions hold the write lock already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("LOCK TABLE audit_entry IN SHARE ROW EXCLUSIVE MODE"))
    others = ", ".join(name for name in ENTITY_TABLES if name != "audit_entry")
    session.execute(text(f"LOCK TABLE {others} IN SHARE MODE"))


def _table_json(name: str, rows: list[dict[str, Any]]) -> bytes:
    columns = [c.name for c in _table(name).columns]
    head = json.dumps({"table": name, "columns": columns})[:-1]
    body = ",\n".join(
        json.dumps(row, sort_keys=True, ensure_ascii=False, allow_nan=False) for row in rows
    )
    return f'{head}, "rows": [\n{body}\n]}}\n'.encode()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _table_csv(name: str, rows: list[dict[str, Any]]) -> bytes:
    table = _table(name)
    columns = [c.name for c in table.columns if not isinstance(c.type, JSON)]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[c]) for c in columns])
    return out.getvalue().encode("utf-8-sig")


class _ZipWriter:
    """Members written with their sha256 and size noted for the manifest."""

    def __init__(self, file: zipfile.ZipFile, stamp: dt.datetime) -> None:
        self.file = file
        self.stamp = (max(stamp.year, 1980), *stamp.timetuple()[1:6])
        self.files: list[dict[str, Any]] = []

    def add(self, name: str, data: bytes, *, compress: bool = True) -> None:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o600 << 16
        self.file.writestr(info, data)
        self.files.append(
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        )


def export_archive(
    session: Session,
    *,
    clinic_id: int | None,
    out_path: str | Path,
    photo_root: Path,
    actor: str,
    now: dt.datetime,
) -> ArchiveSummary:
    """Write a clinic's records (or, with ``clinic_id`` None, every clinic's) to a zip
    archive, with an ``export`` audit entry per clinic.

    The archive is written to a temporary file beside ``out_path`` and renamed into
    place when whole (an existing file of that name is replaced); on any error nothing
    is left. The audit entries are added to the caller's transaction.

    Parameters
    ----------
    clinic_id
        The clinic exported, or None for all of them (and the audit entries of none).
    out_path
        The archive to write (a ``.zip`` file).
    photo_root
        The photo store (:func:`fadecast.records.photos.photo_store_root`).
    actor, now
        Who exports, and when (naive UTC): the audit entry and the manifest's
        ``created_at``.

    Raises
    ------
    InputError
        For an unknown clinic, or records holding no clinic.
    OutputError
        (field ``--out``) For a name not ending ``.zip``, a folder that does not exist,
        or an archive that cannot be written.
    """
    out = Path(out_path)
    if out.suffix.lower() != ".zip":
        raise OutputError("--out", f"must name a .zip file, got {out.name!r}")
    if not out.parent.is_dir():
        raise OutputError("--out", f"the folder {out.parent} does not exist")
    clinic_table = _table("clinic")
    query = select(clinic_table.c.id, clinic_table.c.name).order_by(clinic_table.c.id)
    if clinic_id is not None:
        query = query.where(clinic_table.c.id == clinic_id)
    clinics = list(session.execute(query))
    if not clinics:
        what = f"no clinic of id {clinic_id}" if clinic_id is not None else "no clinic"
        raise InputError("--clinic", f"the records hold {what}: nothing to export")
    ids = None if clinic_id is None else [clinic_id]
    _lock_for_reading(session)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in ENTITY_TABLES:
        table = _table(name)
        types = {c.name: c.type for c in table.columns}
        tables[name] = [
            {key: _encode(value, types[key]) for key, value in row.items()}
            for row in session.execute(_scoped(table, ids)).mappings()
        ]
    created = now.replace(microsecond=0)
    shas = sorted({row["sha256"] for row in tables["photo"]})
    missing: list[str] = []
    try:
        handle, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as error:
        raise OutputError("--out", f"cannot write in {out.parent}: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            writer = _ZipWriter(archive, created)
            for name in ENTITY_TABLES:
                writer.add(f"tables/{name}.json", _table_json(name, tables[name]))
            for name in CSV_TABLES:
                writer.add(f"csv/{name}.csv", _table_csv(name, tables[name]))
            for sha in shas:
                try:
                    data = open_photo(photo_root, sha)
                except InputError:
                    missing.append(sha)
                    continue
                writer.add(f"photos/{sha[:2]}/{sha[2:]}", data, compress=False)
            manifest = {
                "format": ARCHIVE_FORMAT,
                "format_version": ARCHIVE_VERSION,
                "fadecast_version": __version__,
                "schema_revision": head_revision(),
                "created_at": created.isoformat(),
                "clinics": [name for _, name in clinics],
                "all_clinics": clinic_id is None,
                "rows": {name: len(tables[name]) for name in ENTITY_TABLES},
                "photos_missing": missing,
                "files": writer.files,
            }
            manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
            info = zipfile.ZipInfo(MANIFEST_NAME, date_time=writer.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, manifest_bytes)
            photos = len(shas) - len(missing)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        rows = {name: len(tables[name]) for name in ENTITY_TABLES}
        for cid, _name in clinics:
            audit(
                session,
                clinic_id=cid,
                actor=actor,
                action="export",
                entity="archive",
                detail={
                    "file": out.name,
                    "manifest_sha256": manifest_sha,
                    "all_clinics": clinic_id is None,
                    "rows": sum(rows.values()),
                    "photos": photos,
                    "photos_missing": len(missing),
                },
                at=now,
            )
        session.flush()
        size = temp.stat().st_size
        os.replace(temp, out)
    except OSError as error:
        with suppress(OSError):
            temp.unlink()
        raise OutputError("--out", f"cannot write {out}: {error.strerror or error}") from None
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise
    return ArchiveSummary(
        path=out,
        clinics=tuple(name for _, name in clinics),
        rows=rows,
        photos=photos,
        photos_missing=tuple(missing),
        size_bytes=size,
        manifest_sha256=manifest_sha,
    )


@dataclass
class _Archive:
    """An archive checked whole: its manifest and its tables' rows (as JSON gives
    them)."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict[str, Any]
    manifest_sha256: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    photo_members: dict[str, str] = field(default_factory=dict)  # sha256 -> member


def _refuse(path: Path, message: str) -> InputError:
    return InputError(path.name, message)


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def _read_member(archive: _Archive, name: str) -> bytes:
    """A member's bytes."""
    try:
        with archive.zip.open(name) as member:
            data = member.read()
    except KeyError:
        raise _refuse(
            archive.path, f"is damaged: the manifest lists {name}, which is missing"
        ) from None
    except (*_ZIP_ERRORS, OSError) as error:
        raise _refuse(archive.path, f"is damaged ({name}: {error})") from None
    return data


def _open_archive(path: Path) -> _Archive:
    if not path.is_file():
        raise _refuse(path, "cannot be read: there is no such file")
    try:
        zip_file = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with path.open("rb") as file:
            zip_like = file.read(4) == b"PK\x03\x04"
        if zip_like:
            raise _refuse(path, "is damaged: a zip archive cut short or broken") from None
        raise _refuse(path, "is not a zip archive (a fadecast records export is one)") from None
    except OSError as error:
        raise _refuse(path, f"cannot be read: {error.strerror or error}") from None
    try:
        return _checked(path, zip_file)
    except BaseException:
        zip_file.close()
        raise


def _checked(path: Path, zip_file: zipfile.ZipFile) -> _Archive:
    names = zip_file.namelist()
    if MANIFEST_NAME not in names:
        raise _refuse(path, f"is not a fadecast records archive: it has no {MANIFEST_NAME}")
    archive = _Archive(path, zip_file, {}, "")
    raw = _read_member(archive, MANIFEST_NAME)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(path, f"is damaged: its {MANIFEST_NAME} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise _refuse(path, f"is not a fadecast records archive (its {MANIFEST_NAME} is foreign)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(path, f"is damaged: its {MANIFEST_NAME} has no format version")
    if version > ARCHIVE_VERSION:
        raise _refuse(
            path,
            f"was made by a newer fadecast ({manifest.get('fadecast_version')}, archive "
            f"format {version}; this one reads up to {ARCHIVE_VERSION}): upgrade fadecast "
            "to import it",
        )
    revision = manifest.get("schema_revision")
    if revision != head_revision():
        raise _refuse(
            path,
            f"holds records of schema revision {revision}, not this fadecast's "
            f"({head_revision()}): import it with the fadecast that made it "
            f"({manifest.get('fadecast_version')})",
        )
    archive.manifest = manifest
    archive.manifest_sha256 = hashlib.sha256(raw).hexdigest()
    _check_files(archive, names)
    return archive


def _check_files(archive: _Archive, names: list[str]) -> None:
    path, manifest = archive.path, archive.manifest
    listed = manifest.get("files")
    missing_photos = manifest.get("photos_missing", [])
    if not isinstance(listed, list) or not isinstance(missing_photos, list):
        raise _refuse(path, f"is damaged: its {MANIFEST_NAME} lists no files")
    if len(set(names)) != len(names):
        raise _refuse(path, "is damaged: it holds a file twice")
    expected: dict[str, tuple[str, int]] = {}
    for entry in listed:
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
        )
        if not ok:
            raise _refuse(path, f"is damaged: its {MANIFEST_NAME} lists a file unreadably")
        expected[entry["path"]] = (entry["sha256"], entry["size"])
    extra = sorted(set(names) - set(expected) - {MANIFEST_NAME})
    if extra:
        raise _refuse(path, f"holds {extra[0]}, which its manifest does not list")
    for name in ENTITY_TABLES:
        if f"tables/{name}.json" not in expected:
            raise _refuse(path, f"is damaged: it has no tables/{name}.json")
    for name, (sha, size) in expected.items():
        if name not in names:
            raise _refuse(path, f"is damaged: the manifest lists {name}, which is missing")
        digest, got = _digest(archive, name, size)
        if got != size or digest != sha:
            raise _refuse(
                path, f"is damaged: {name} is not what the manifest says (its sha256 differs)"
            )
        match = _PHOTO_MEMBER.fullmatch(name)
        if match is not None:
            if sha != match[1] + match[2]:
                raise _refuse(path, f"is damaged: {name} is not the photo it is named after")
            archive.photo_members[sha] = name
    for name in ENTITY_TABLES:
        archive.tables[name] = _table_rows(archive, name)
    recorded = {row.get("sha256") for row in archive.tables["photo"]}
    absent = sorted(str(sha) for sha in recorded - set(archive.photo_members) - set(missing_photos))
    if absent:
        raise _refuse(path, f"is damaged: it lacks the file of photo {absent[0][:12]}")


def _digest(archive: _Archive, name: str, size: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    got = 0
    try:
        with archive.zip.open(name) as member:
            while got <= size:
                block = member.read(1 << 20)
                if not block:
                    break
                digest.update(block)
                got += len(block)
    except (*_ZIP_ERRORS, OSError) as error:
        raise _refuse(archive.path, f"is damaged ({name}: {error})") from None
    return digest.hexdigest(), got


def _table_rows(archive: _Archive, name: str) -> list[dict[str, Any]]:
    member = f"tables/{name}.json"
    try:
        content = json.loads(_read_member(archive, member).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(archive.path, f"is damaged: {member} is not JSON") from None
    columns = [c.name for c in _table(name).columns]
    if (
        not isinstance(content, dict)
        or content.get("table") != name
        or not isinstance(content.get("rows"), list)
    ):
        raise _refuse(archive.path, f"is damaged: {member} is not a table of the records")
    if content.get("columns") != columns:
        raise _refuse(
            archive.path,
            f"{member} has the columns {content.get('columns')}, not the records' {columns}",
        )
    rows: list[dict[str, Any]] = content["rows"]
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or sorted(row) != sorted(columns):
            raise _refuse(archive.path, f"{member} row {number} does not have the table's columns")
    return rows


def read_archive_tables(archive_path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """The rows of each table an archive holds, as its JSON gives them, after checking
    the archive whole (as :func:`import_archive` does).

    Raises
    ------
    InputError
        Naming the archive's file: not a zip, not our archive, of a newer format or
        another schema, or damaged (a file missing, added, or not matching its sha256).
    """
    archive = _open_archive(Path(archive_path))
    archive.zip.close()
    return archive.tables


def _decoded(archive: _Archive, name: str) -> list[dict[str, Any]]:
    """A table's rows with the values the database takes (dates as dates)."""
    table = _table(name)
    columns = list(table.columns)
    out = []
    for number, row in enumerate(archive.tables[name], 1):
        values = {}
        for column in columns:
            value = row[column.name]
            try:
                values[column.name] = _decode(value, column.type, column.nullable)
            except (TypeError, ValueError):
                raise _refuse(
                    archive.path,
                    f"tables/{name}.json row {number}, column {column.name}: "
                    f"{value!r} is not a value of it",
                ) from None
        out.append(values)
    return out


def _decode(value: Any, column_type: Any, nullable: bool | None) -> Any:
    if value is None:
        if not nullable:
            raise ValueError
        return None
    if isinstance(column_type, JSON):
        return value
    if isinstance(column_type, DateTime):
        if not isinstance(value, str):
            raise TypeError
        return dt.datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise TypeError
        return dt.date.fromisoformat(value)
    if isinstance(column_type, Boolean):
        if not isinstance(value, bool):
            raise TypeError
        return value
    if isinstance(column_type, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError
        return value
    if isinstance(column_type, Float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError
        return float(value)
    if not isinstance(value, str):
        raise TypeError
    return value


def _emptiness(session: Session) -> dict[str, int]:
    counts = {}
    for name in ENTITY_TABLES:
        n = session.scalar(select(func.count()).select_from(_table(name))) or 0
        if n:
            counts[name] = n
    return counts


def _reset_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in ENTITY_TABLES:
        if "id" in _table(name).c:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                )
            )


def import_archive(
    database: Database,
    archive_path: str | Path,
    photo_root: Path,
    *,
    actor: str,
    now: dt.datetime,
) -> ArchiveSummary:
    """Import an archive into empty records, in one transaction, keeping every row's
    id, with an ``import`` audit entry per clinic after the rows copied.

    Parameters
    ----------
    database
        The records to import into: they must hold no row at all.
    archive_path
        An archive :func:`export_archive` wrote.
    photo_root
        The photo store of ``database``, where the photo files go.
    actor, now
        Who imports, and when (naive UTC), for the audit log.

    Raises
    ------
    InputError
        Naming the archive's file when it is refused (see :func:`read_archive_tables`),
        or its rows do not fit the records; naming ``--db`` when the records are not
        empty. Nothing is imported then, and no photo file is left behind.
    """
    path = Path(archive_path)
    archive = _open_archive(path)
    stored: list[Path] = []
    try:
        rows = {name: len(archive.tables[name]) for name in ENTITY_TABLES}
        decoded = {name: _decoded(archive, name) for name in ENTITY_TABLES}
        with database.transaction() as session:
            filled = _emptiness(session)
            if filled:
                shown = ", ".join(f"{n:,} {name} rows" for name, n in filled.items())
                raise InputError(
                    "--db",
                    f"the records are not empty ({shown}): an archive is imported only into "
                    "empty records; make new ones with 'fadecast clinic init --db ...' "
                    "(without --clinic)",
                )
            _insert_rows(session, archive, decoded)
            _reset_sequences(session)
            for sha, member in sorted(archive.photo_members.items()):
                data = _read_member(archive, member)
                if hashlib.sha256(data).hexdigest() != sha:
                    raise _refuse(path, f"is damaged: {member} changed while it was read")
                result = store_photo(photo_root, data)
                if result.new:
                    stored.append(result.path)
            for clinic in decoded["clinic"]:
                audit(
                    session,
                    clinic_id=clinic["id"],
                    actor=actor,
                    action="import",
                    entity="archive",
                    detail={
                        "file": path.name,
                        "manifest_sha256": archive.manifest_sha256,
                        "created_at": archive.manifest.get("created_at"),
                        "fadecast_version": archive.manifest.get("fadecast_version"),
                        "rows": sum(rows.values()),
                        "photos": len(archive.photo_members),
                    },
                    at=now,
                )
            session.flush()
    except BaseException:
        for file in stored:
            with suppress(OSError):
                file.unlink()
        raise
    finally:
        archive.zip.close()
    missing = archive.manifest.get("photos_missing", [])
    return ArchiveSummary(
        path=path,
        clinics=tuple(str(c["name"]) for c in decoded["clinic"]),
        rows=rows,
        photos=len(archive.photo_members),
        photos_missing=tuple(str(sha) for sha in missing),
        size_bytes=path.stat().st_size,
        manifest_sha256=archive.manifest_sha256,
    )


def _insert_rows(
    session: Session, archive: _Archive, decoded: Mapping[str, list[dict[str, Any]]]
) -> None:
    for name in ENTITY_TABLES:
        rows = decoded[name]
        table = _table(name)
        for start in range(0, len(rows), _CHUNK):
            try:
                session.execute(insert(table), rows[start : start + _CHUNK])
            except (DBAPIError, StatementError) as error:
                first = str(getattr(error, "orig", None) or error).strip().splitlines()
                raise _refuse(
                    archive.path,
                    f"its {name} rows do not fit the records: {first[0] if first else error}",
                ) from None


def _without_imports_of(
    rows: Iterable[dict[str, Any]], manifest_sha256: str
) -> list[dict[str, Any]]:
    return [
        row
        for row in rows
        if not (
            row.get("action") == "import"
            and row.get("entity") == "archive"
            and isinstance(row.get("detail"), dict)
            and row["detail"].get("manifest_sha256") == manifest_sha256
        )
    ]


def archive_differences(original: str | Path, other: str | Path) -> list[str]:
    """How the records of two archives differ, in words (empty: the same records).

    ``other`` is taken as an export of records imported from ``original``: the
    ``import`` audit entries naming ``original``'s manifest are left out of it before
    comparing. Everything else is compared, every column of every row of every table.

    Raises
    ------
    InputError
        When either archive is refused (see :func:`read_archive_tables`).
    """
    first = _open_archive(Path(original))
    first.zip.close()
    second = _open_archive(Path(other))
    second.zip.close()
    differences = []
    for name in ENTITY_TABLES:
        a = first.tables[name]
        b = second.tables[name]
        if name == "audit_entry":
            b = _without_imports_of(b, first.manifest_sha256)
        if a == b:
            continue
        key = [c.name for c in _table(name).primary_key.columns]
        a_by = {tuple(row[k] for k in key): row for row in a}
        b_by = {tuple(row[k] for k in key): row for row in b}
        only_a = sorted(set(a_by) - set(b_by))
        only_b = sorted(set(b_by) - set(a_by))
        changed = sorted(k for k in set(a_by) & set(b_by) if a_by[k] != b_by[k])
        parts = []
        if only_a:
            parts.append(f"{len(only_a)} rows only in the first (ids {_ids(only_a)})")
        if only_b:
            parts.append(f"{len(only_b)} rows only in the second (ids {_ids(only_b)})")
        for k in changed[:5]:
            columns = sorted(c for c in a_by[k] if a_by[k][c] != b_by[k].get(c))
            parts.append(f"row {_ids([k])} differs in {', '.join(columns)}")
        if not parts:
            parts.append("the rows are in another order")
        differences.append(f"{name}: {'; '.join(parts)}")
    return differences


def _ids(keys: Sequence[tuple[Any, ...]]) -> str:
    shown = ", ".join("/".join(str(v) for v in key) for key in keys[:5])
    return shown + (", ..." if len(keys) > 5 else "")
