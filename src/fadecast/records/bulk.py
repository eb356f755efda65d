"""Bulk import from CSV: the way a clinic leaves its old software.

One file holds one kind of row (:data:`CSV_KINDS`): clients (with their profile as flat
columns), pigment products, lots, courses, sessions or consents, with the columns of
:data:`CSV_COLUMNS` (docs/records-csv.md). A file is UTF-8 (with or without a
byte-order mark), comma-separated, with a header row naming its columns in any order;
a column the kind does not have, or a required one missing, is refused naming them and
the allowed ones.

Every row goes through the records' own ``add_*`` functions, so every rule of a row
added by hand holds (an expired lot, a session before the client's birth, a duplicate
reference are refused), and each adds its own audit entry; the import adds one more
entry of its own (action ``import``, the file's name, sha256 and row count). A
malformed row is refused naming the file, the line and the column, e.g.
``clients.csv line 14, column birth_date: must be a date as YYYY-MM-DD, got
'31/02/1980'``, and the whole import is one transaction: a bad row anywhere leaves the
records as they were (:func:`import_csv` adds to the caller's transaction, which the
caller rolls back on the error).

Lookups are made once per import (the clinic's clients, courses, lots, products and
practitioners are read into memory before the rows), so that tens of thousands of rows
cost no query each beyond the inserts themselves.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.clinics import add_client, add_practitioner
from fadecast.records.consents import sign_consent
from fadecast.records.models import (
    Client,
    Course,
    PigmentLot,
    PigmentProduct,
    Practitioner,
)
from fadecast.records.treatments import (
    add_course,
    add_lot,
    add_product,
    add_session,
    close_session,
)

__all__ = [
    "CELL_TYPES",
    "CSV_COLUMNS",
    "CSV_KINDS",
    "CsvColumn",
    "CsvImport",
    "import_csv",
    "parse_csv",
    "read_csv",
]

#: The kinds of row a CSV file can hold, in the order a clinic imports them (a later
#: kind refers to rows of an earlier one).
CSV_KINDS = ("clients", "products", "lots", "courses", "sessions", "consents")

#: What a cell may hold, by the name the documentation gives it.
CELL_TYPES = ("text", "date", "date and time", "integer", "number", "yes/no", "L a b")


@dataclass(frozen=True)
class CsvColumn:
    """One column of a kind of CSV file.

    Attributes
    ----------
    name
        Its name in the header row (lower case).
    cell
        What a cell holds, one of :data:`CELL_TYPES`.
    required
        Whether the header must name it (a required cell must also not be empty).
    meaning
        What it is, as the documentation says.
    profile
        For a client's profile column, the path of its value in the profile's tables
        (docs/profile.md), e.g. ``("lifestyle", "sunscreen", "spf")``.
    """

    name: str
    cell: str
    required: bool
    meaning: str
    profile: tuple[str, ...] | None = None


def _col(name: str, cell: str, meaning: str, *, required: bool = False) -> CsvColumn:
    return CsvColumn(name, cell, required, meaning)


def _pro(name: str, cell: str, path: str, meaning: str) -> CsvColumn:
    return CsvColumn(name, cell, False, meaning, tuple(path.split(".")))


_PROFILE_COLUMNS = (
    _pro("skin_fitzpatrick", "integer", "person.skin.fitzpatrick", "Fitzpatrick type, 1-6"),
    _pro("skin_ita_deg", "number", "person.skin.ita_deg", "individual typology angle [°]"),
    _pro("skin_lab", "L a b", "person.skin.lab", "measured scalp CIELAB, e.g. '62.5 9.1 17'"),
    _pro("smoker", "yes/no", "person.smoker", "smokes"),
    _pro("immune", "text", "person.immune", "normal, weakened or suppressed"),
    _pro("city", "text", "place.city", "home city (or lat and lon)"),
    _pro("lat", "number", "place.lat", "home latitude, north positive [°]"),
    _pro("lon", "number", "place.lon", "home longitude, east positive [°]"),
    _pro("altitude_m", "number", "place.altitude_m", "home altitude [m]"),
    _pro("cloud_factor", "number", "place.cloud_factor", "all-sky / clear-sky UV"),
    _pro(
        "outdoor_hours_weekday",
        "number",
        "lifestyle.outdoor_hours_weekday",
        "hours outdoors on a weekday [h]",
    ),
    _pro(
        "outdoor_hours_weekend",
        "number",
        "lifestyle.outdoor_hours_weekend",
        "hours outdoors on a weekend day [h]",
    ),
    _pro("outdoor_job", "yes/no", "lifestyle.outdoor_job", "works outdoors"),
    _pro("holiday_weeks", "number", "lifestyle.holiday_weeks", "weeks of sun holidays a year"),
    _pro("holiday_city", "text", "lifestyle.holiday_city", "where the holidays are spent"),
    _pro("hat_share", "number", "lifestyle.hat_share", "share of outdoor time under a hat, 0-1"),
    _pro("hat_upf", "number", "lifestyle.hat_upf", "UPF of the hat's crown"),
    _pro("sunscreen_spf", "number", "lifestyle.sunscreen.spf", "sunscreen's labelled SPF"),
    _pro("sunscreen_uva_pf", "number", "lifestyle.sunscreen.uva_pf", "sunscreen's UVA-PF"),
    _pro(
        "sunscreen_share",
        "number",
        "lifestyle.sunscreen.share",
        "share of outdoor time with sunscreen on, 0-1",
    ),
    _pro(
        "sunscreen_mg_per_cm2",
        "number",
        "lifestyle.sunscreen.mg_per_cm2",
        "amount of sunscreen applied [mg/cm²]",
    ),
    _pro(
        "sunscreen_reapply_hours",
        "number",
        "lifestyle.sunscreen.reapply_hours",
        "hours between applications [h]",
    ),
    _pro(
        "sunbed_sessions_per_year",
        "number",
        "lifestyle.sunbed_sessions_per_year",
        "sunbed sessions a year",
    ),
    _pro("sunbed_minutes", "number", "lifestyle.sunbed_minutes", "minutes a sunbed session"),
    _pro("hair_length_mm", "number", "lifestyle.hair_length_mm", "hair length [mm]"),
    _pro("hair_scale", "text", "hair.scale", "norwood or ludwig"),
    _pro("hair_stage", "integer", "hair.stage", "hair-loss stage now"),
    _pro("hair_treated_stage", "integer", "hair.treated_stage", "stage the SMP covers"),
    _pro("hair_family_history", "yes/no", "hair.family_history", "a parent has hair loss"),
)

#: The columns of each kind of file, as docs/records-csv.md lists them.
CSV_COLUMNS: Mapping[str, tuple[CsvColumn, ...]] = {
    "clients": (
        _col("ref", "text", "the clinic's own reference, unique in it", required=True),
        _col("name", "text", "full name", required=True),
        _col("birth_date", "date", "date of birth", required=True),
        _col("email", "text", "e-mail address"),
        _col("phone", "text", "phone number"),
        _col("address", "text", "postal address"),
        _col("profile_from", "date", "day the profile is in force from (default: today)"),
        *_PROFILE_COLUMNS,
    ),
    "products": (
        _col("brand", "text", "the pigment's brand", required=True),
        _col("name", "text", "the product's name", required=True),
        _col(
            "pigment_class",
            "text",
            "the forecast's pigment class (carbon-black, iron-oxide, organic-blend)",
            required=True,
        ),
        _col("supplier", "text", "who supplies it"),
        _col("ingredients", "text", "the label's ingredients"),
        _col("warnings", "text", "the label's warnings"),
    ),
    "lots": (
        _col("brand", "text", "the product's brand", required=True),
        _col("product", "text", "the product's name", required=True),
        _col("lot", "text", "the lot (batch) number on the label", required=True),
        _col("expiry", "date", "the lot's expiry date", required=True),
        _col("opened_on", "date", "the day the bottle was opened"),
    ),
    "courses": (
        _col("client_ref", "text", "the client's reference", required=True),
        _col("started_on", "date", "the day the course started", required=True),
        _col("area_cm2", "number", "the area treated [cm²]", required=True),
        _col("placement", "text", "optimal, shallow or deep (default optimal)"),
        _col("hairline", "text", "the hairline's design"),
        _col("design_notes", "text", "notes on the design"),
    ),
    "sessions": (
        _col("client_ref", "text", "the client's reference", required=True),
        _col("date", "date", "the session's day", required=True),
        _col(
            "kind",
            "text",
            "initial, perfecting, touch-up, extension, design or correction",
            required=True,
        ),
        _col("practitioner", "text", "who treated (added to the clinic when new)"),
        _col("lot", "text", "the pigment lot number used"),
        _col("brand", "text", "the lot's product brand, when a lot number is shared"),
        _col("product", "text", "the lot's product name, when a lot number is shared"),
        _col("needle_config", "text", "the needle configuration"),
        _col("needle_lot", "text", "the needle's lot number"),
        _col("dilution", "number", "the pigment's share of the mixture, more than 0 to 1"),
        _col("notes", "text", "notes"),
        _col("closed", "yes/no", "close the session's record (needs its lot and consent)"),
    ),
    "consents": (
        _col("client_ref", "text", "the client's reference", required=True),
        _col(
            "scope",
            "text",
            "procedure, aftercare_received, data_processing, photos_record or photos_marketing",
            required=True,
        ),
        _col("version", "text", "the form's version signed (default: the newest)"),
        _col("signed_name", "text", "the name signed", required=True),
        _col("signed_at", "date and time", "when it was signed (UTC)", required=True),
        _col("source", "text", "where it came from: paper, tablet, link", required=True),
    ),
}

#: Fields the records' functions name, by the column of each kind they come from.
_FIELD_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "clients": {
        "valid_from": "profile_from",
        "person.birth_year": "birth_date",
        "person": "skin_fitzpatrick/skin_ita_deg/skin_lab",
        "person.skin": "skin_fitzpatrick/skin_ita_deg/skin_lab",
        "place": "city/lat/lon",
        "lifestyle": "outdoor_hours_weekday/outdoor_hours_weekend",
        "lifestyle.sunscreen": "sunscreen_spf/sunscreen_share",
        "hair": "hair_stage",
    },
    "products": {"product": "name"},
    "lots": {},
    "courses": {},
    "sessions": {"session": "closed"},
    "consents": {},
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")
_CHOICE_COLUMNS = frozenset({"kind", "placement", "scope", "pigment_class", "immune", "hair_scale"})
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class CsvImport:
    """What an import added.

    Attributes
    ----------
    kind
        The kind of rows (one of :data:`CSV_KINDS`).
    file
        The file's name.
    rows
        How many rows were added.
    new_practitioners
        Practitioners a sessions file named that the clinic did not have, added.
    """

    kind: str
    file: str
    rows: int
    new_practitioners: tuple[str, ...] = ()


def _cell(column: CsvColumn, raw: str) -> Any:
    """A cell's value (None when empty); ``ValueError`` with the message otherwise."""
    text = raw.strip()
    if not text:
        return None
    if column.cell == "text":
        return text.lower() if column.name in _CHOICE_COLUMNS else text
    if column.cell == "date":
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"must be a date as YYYY-MM-DD, got {text!r}") from None
    if column.cell == "date and time":
        try:
            if not _DATETIME.fullmatch(text):
                raise ValueError
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"must be a date as YYYY-MM-DD or a moment as YYYY-MM-DD HH:MM, got {text!r}"
            ) from None
    if column.cell == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"must be a whole number, got {text!r}")
        return int(text)
    if column.cell == "number":
        return _number(text)
    if column.cell == "yes/no":
        word = text.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError(f"must be yes or no, got {text!r}")
    parts = text.replace(",", " ").split()  # "L a b"
    if len(parts) != 3:
        raise ValueError(f"must be three numbers L* a* b* separated by spaces, got {text!r}")
    return [_number(part) for part in parts]


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        hint = " (with a point for decimals)" if "," in text else ""
        raise ValueError(f"must be a number{hint}, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {text!r}")
    return value


def read_csv(path: str | Path, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a CSV file of ``kind`` (as :func:`parse_csv`, named by the file's name).

    Raises
    ------
    InputError
        For a file that cannot be read, and as :func:`parse_csv`.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path.name, f"cannot be read: {error.strerror or error}") from None
    return parse_csv(data, kind, name=path.name)


def parse_csv(data: bytes, kind: str, *, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of CSV text of ``kind``, each as its line number and its values by
    column (None for an empty cell; only the columns the header names).

    Blank lines and rows whose cells are all empty are skipped.

    Parameters
    ----------
    data
        The file's bytes: UTF-8, with or without a byte-order mark.
    kind
        One of :data:`CSV_KINDS`.
    name
        The file's name, for the errors.

    Raises
    ------
    InputError
        For an unknown kind, text that is not UTF-8, a header naming an unknown column
        or missing a required one, a row with more or fewer cells than the header, or a
        cell that does not read as its column's type; the field names the file, the line
        and the column.

    Examples
    --------
    >>> data = "brand,product,lot,expiry\\nAcme,SMP Black,L7,2027-06-01\\n".encode()
    >>> for line, values in parse_csv(data, "lots", name="lots.csv"):
    ...     print(line, values["lot"], values["expiry"])
    2 L7 2027-06-01
    >>> try:
    ...     list(parse_csv(data.replace(b"2027-06-01", b"1/6/27"), "lots", name="lots.csv"))
    ... except InputError as error:
    ...     print(error.field, "|", error.message)
    lots.csv line 2, column expiry | must be a date as YYYY-MM-DD, got '1/6/27'
    """
    columns = _columns_of(kind)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{name} line {line}", "is not UTF-8 text: save the file as CSV in UTF-8"
        ) from None
    return _rows(text, kind, name, columns)


def _rows(
    text: str, kind: str, name: str, columns: tuple[CsvColumn, ...]
) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    by_name = {c.name: c for c in columns}
    header: list[CsvColumn] | None = None
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise InputError(f"{name} line {line}", f"is not valid CSV: {error}") from None
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _header(name, start, kind, cells, by_name)
            continue
        if len(cells) != len(header):
            raise InputError(
                f"{name} line {start}",
                f"has {len(cells)} cells where the header names {len(header)} columns",
            )
        values: dict[str, Any] = {}
        for column, raw in zip(header, cells, strict=True):
            try:
                values[column.name] = _cell(column, raw)
            except ValueError as error:
                raise InputError(f"{name} line {start}, column {column.name}", str(error)) from None
            if values[column.name] is None and column.required:
                raise InputError(f"{name} line {start}, column {column.name}", "must not be empty")
        yield start, values
    if header is None:
        raise InputError(
            name, "is empty: its first line must name the columns (docs/records-csv.md)"
        )


def _columns_of(kind: str) -> tuple[CsvColumn, ...]:
    if kind not in CSV_COLUMNS:
        raise InputError("kind", f"must be one of {', '.join(CSV_KINDS)}, got {kind!r}")
    return CSV_COLUMNS[kind]


def _header(
    name: str, line: int, kind: str, cells: list[str], by_name: Mapping[str, CsvColumn]
) -> list[CsvColumn]:
    names = [cell.strip().lower() for cell in cells]
    where = f"{name} line {line}"
    allowed = ", ".join(by_name)
    required = [c for c, column in by_name.items() if column.required]
    unknown = [n for n in names if n not in by_name]
    for mark, what in ((";", "semicolons"), ("\t", "tabs")):
        if len(names) == 1 and mark in names[0]:
            raise InputError(
                where, f"is separated by {what}, not commas: save the file as comma-separated CSV"
            )
    if unknown:
        shown = ", ".join(repr(n) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise InputError(where, f"unknown column{plural} {shown}; the {kind} columns are {allowed}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(where, f"column {twice[0]!r} is named twice")
    missing = [n for n in required if n not in names]
    if missing:
        shown = ", ".join(repr(n) for n in missing)
        plural = "s" if len(missing) > 1 else ""
        raise InputError(
            where,
            f"missing required column{plural} {shown}; the {kind} columns are {allowed} "
            f"(required: {', '.join(required)})",
        )
    return [by_name[n] for n in names]


def import_csv(
    session: Session,
    *,
    clinic_id: int,
    kind: str,
    path: str | Path,
    actor: str,
    now: dt.datetime,
) -> CsvImport:
    """Add every row of a CSV file of ``kind`` to a clinic's records.

    Each row is added with the records' own function for it (the rules of a row added
    by hand hold, and each row has its audit entry); the import adds one more entry,
    action ``import``, naming the file, its sha256 and the rows added. Nothing is
    committed here: the caller's transaction holds the import whole, and a raised error
    means rolling it back.

    - clients: a row with any profile column filled in gets a profile (checked as a
      profile file is) in force from ``profile_from``, by default today;
    - sessions: a session goes to the client's latest course started on or before its
      day; a practitioner the clinic does not have is added; a lot number two products
      share needs the ``product`` (and, if need be, ``brand``) column;
    - consents: the form of the scope (its ``version``, by default the newest) must be
      in the records already.

    Raises
    ------
    InputError
        For any row the records refuse, the field naming the file, the line and the
        column (see :func:`read_csv` for what a file must be).
    """
    path = Path(path)
    _columns_of(kind)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path.name, f"cannot be read: {error.strerror or error}") from None
    add_row = _Importer(session, clinic_id=clinic_id, kind=kind, actor=actor, now=now)
    rows = 0
    for line, values in parse_csv(data, kind, name=path.name):
        try:
            add_row(values)
        except InputError as error:
            column = add_row.column_of(error.field)
            raise InputError(f"{path.name} line {line}, column {column}", error.message) from None
        rows += 1
    if rows == 0:
        raise InputError(path.name, "holds no rows below its header: nothing to import")
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="import",
        entity=_ENTITIES[kind],
        detail={
            "file": path.name,
            "kind": kind,
            "rows": rows,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        at=now,
    )
    session.flush()
    return CsvImport(kind, path.name, rows, tuple(add_row.new_practitioners))


_ENTITIES = {
    "clients": "client",
    "products": "pigment_product",
    "lots": "pigment_lot",
    "courses": "course",
    "sessions": "treatment_session",
    "consents": "consent",
}


class _Importer:
    """Adds one row of a kind at a time, with the clinic's lookups read once."""

    def __init__(
        self, session: Session, *, clinic_id: int, kind: str, actor: str, now: dt.datetime
    ) -> None:
        self.session = session
        self.clinic_id = clinic_id
        self.kind = kind
        self.actor = actor
        self.now = now
        self.new_practitioners: list[str] = []
        self._clients: dict[str, Client] = {}
        self._courses: dict[int, list[Course]] = defaultdict(list)
        self._lots: dict[str, list[PigmentLot]] = defaultdict(list)
        self._products: dict[tuple[str, str], PigmentProduct] = {}
        self._practitioners: dict[str, int] = {}
        adders: dict[str, Callable[[dict[str, Any]], None]] = {
            "clients": self._client,
            "products": self._product,
            "lots": self._lot,
            "courses": self._course,
            "sessions": self._session,
            "consents": self._consent,
        }
        self._add = adders[kind]
        self._load()

    def __call__(self, values: dict[str, Any]) -> None:
        self._add(values)

    def column_of(self, field: str) -> str:
        """The column a field named by the records' functions comes from."""
        field = field.removeprefix("profile.")
        known = _FIELD_COLUMNS[self.kind]
        if field in known:
            return known[field]
        names = [c.name for c in CSV_COLUMNS[self.kind]]
        if field in names:
            return field
        path = tuple(field.split("."))
        for column in CSV_COLUMNS[self.kind]:
            if column.profile == path:
                return column.name
        under = [c.name for c in CSV_COLUMNS[self.kind] if (c.profile or ())[: len(path)] == path]
        return "/".join(under) if under else field

    def _load(self) -> None:
        session, clinic_id = self.session, self.clinic_id
        if self.kind in ("courses", "sessions", "consents"):
            for client in session.scalars(select(Client).where(Client.clinic_id == clinic_id)):
                self._clients[client.ref] = client
        if self.kind == "sessions":
            courses = session.scalars(
                select(Course)
                .where(Course.clinic_id == clinic_id)
                .order_by(Course.client_id, Course.started_on, Course.id)
            )
            for course in courses:
                self._courses[course.client_id].append(course)
            for person in session.scalars(
                select(Practitioner).where(Practitioner.clinic_id == clinic_id)
            ):
                self._practitioners[person.name] = person.id
        if self.kind in ("lots", "sessions"):
            for product in session.scalars(
                select(PigmentProduct).where(PigmentProduct.clinic_id == clinic_id)
            ):
                self._products[(product.brand, product.name)] = product
        if self.kind == "sessions":
            for lot in session.scalars(select(PigmentLot).where(PigmentLot.clinic_id == clinic_id)):
                self._lots[lot.lot_number].append(lot)

    def _client_of(self, ref: str) -> Client:
        client = self._clients.get(ref)
        if client is None:
            raise InputError("client_ref", f"no client {ref!r} in this clinic")
        return client

    def _client(self, values: dict[str, Any]) -> None:
        profile: dict[str, Any] = {}
        for column in CSV_COLUMNS["clients"]:
            value = values.get(column.name)
            if column.profile is None or value is None:
                continue
            table = profile
            for key in column.profile[:-1]:
                table = table.setdefault(key, {})
            table[column.profile[-1]] = value
        if not profile and values.get("profile_from") is not None:
            raise InputError(
                "profile_from", "is given but no profile column is: give the profile or leave it"
            )
        add_client(
            self.session,
            clinic_id=self.clinic_id,
            ref=values["ref"],
            name=values["name"],
            birth_date=values["birth_date"],
            email=values.get("email"),
            phone=values.get("phone"),
            address=values.get("address"),
            profile=profile or None,
            profile_from=values.get("profile_from"),
            actor=self.actor,
            now=self.now,
        )

    def _product(self, values: dict[str, Any]) -> None:
        add_product(
            self.session,
            clinic_id=self.clinic_id,
            brand=values["brand"],
            name=values["name"],
            pigment_class=values["pigment_class"],
            supplier=values.get("supplier"),
            ingredients=values.get("ingredients"),
            warnings=values.get("warnings"),
            actor=self.actor,
            now=self.now,
        )

    def _lot(self, values: dict[str, Any]) -> None:
        product = self._products.get((values["brand"], values["product"]))
        if product is None:
            raise InputError(
                "product",
                f"no pigment product {values['brand']} {values['product']} in this clinic: "
                "import the products first",
            )
        add_lot(
            self.session,
            product=product,
            lot_number=values["lot"],
            expiry=values["expiry"],
            opened_on=values.get("opened_on"),
            actor=self.actor,
            now=self.now,
        )

    def _course(self, values: dict[str, Any]) -> None:
        add_course(
            self.session,
            client=self._client_of(values["client_ref"]),
            started_on=values["started_on"],
            area_cm2=values["area_cm2"],
            placement=values.get("placement") or "optimal",
            hairline=values.get("hairline"),
            design_notes=values.get("design_notes"),
            actor=self.actor,
            now=self.now,
        )

    def _course_on(self, client: Client, day: dt.date) -> Course:
        courses = self._courses.get(client.id, [])
        if not courses:
            raise InputError(
                "client_ref", f"client {client.ref} has no course: import the courses first"
            )
        at = bisect.bisect_right([c.started_on for c in courses], day)
        if at == 0:
            raise InputError(
                "date",
                f"is before client {client.ref}'s first course (started {courses[0].started_on})",
            )
        return courses[at - 1]

    def _lot_of(self, values: dict[str, Any]) -> PigmentLot | None:
        number = values.get("lot")
        if number is None:
            return None
        lots = self._lots.get(number, [])
        brand, product = values.get("brand"), values.get("product")
        if product is not None:
            lots = [lot for lot in lots if lot.product.name == product]
        if brand is not None:
            lots = [lot for lot in lots if lot.product.brand == brand]
        if not lots:
            named = " ".join(p for p in (brand, product) if p is not None)
            of = f" of {named}" if named else ""
            raise InputError("lot", f"no pigment lot {number!r}{of} in this clinic")
        if len(lots) > 1:
            names = ", ".join(f"{lot.product.brand} {lot.product.name}" for lot in lots)
            raise InputError(
                "lot",
                f"lot {number!r} is a lot of several products ({names}): fill in its product "
                "(and brand) column",
            )
        return lots[0]

    def _practitioner_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        if name not in self._practitioners:
            person = add_practitioner(
                self.session, clinic_id=self.clinic_id, name=name, actor=self.actor, now=self.now
            )
            self._practitioners[name] = person.id
            self.new_practitioners.append(name)
        return self._practitioners[name]

    def _session(self, values: dict[str, Any]) -> None:
        client = self._client_of(values["client_ref"])
        course = self._course_on(client, values["date"])
        lot = self._lot_of(values)
        row = add_session(
            self.session,
            course=course,
            date=values["date"],
            kind=values["kind"],
            practitioner_id=self._practitioner_id(values.get("practitioner")),
            lot=lot,
            needle_config=values.get("needle_config"),
            needle_lot=values.get("needle_lot"),
            dilution=values.get("dilution"),
            notes=values.get("notes"),
            actor=self.actor,
            now=self.now,
        )
        if values.get("closed"):
            close_session(self.session, row=row, actor=self.actor, now=self.now)

    def _consent(self, values: dict[str, Any]) -> None:
        sign_consent(
            self.session,
            client=self._client_of(values["client_ref"]),
            scope=values["scope"],
            signed_name=values["signed_name"],
            source=values["source"],
            version=values.get("version"),
            signed_at=values["signed_at"],
            actor=self.actor,
            now=self.now,
        )
