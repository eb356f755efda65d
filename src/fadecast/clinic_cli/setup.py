"""``fadecast clinic init`` and ``upgrade``, and the commands that add to the records
one row at a time: clinics, practitioners, clients and their profiles, pigment products
and lots, courses, sessions, consent forms, signatures and health screens; and
``setup-link``, the one-time link that makes a further clinic's owner on the web."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fadecast.clinic_cli.app import (
    ActorOpt,
    ClinicOpt,
    DbOpt,
    clinic_app,
    default_actor,
    now_utc,
    open_records,
    parse_date,
)
from fadecast.errors import InputError

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from fadecast.records.models import Client, Clinic

__all__ = [
    "add_client",
    "add_clinic_command",
    "add_course",
    "add_form",
    "add_lot",
    "add_practitioner",
    "add_product",
    "add_session",
    "close_session",
    "health",
    "init",
    "revoke",
    "set_profile",
    "setup_link",
    "sign",
    "upgrade",
]


@clinic_app.command("init")
def init(
    db: DbOpt = None,
    clinic: Annotated[
        str | None, typer.Option("--clinic", help="Name of a first clinic to add.")
    ] = None,
    actor: ActorOpt = None,
) -> None:
    """Make the records (the newest schema) and, if named, a first clinic."""
    from fadecast.records.clinics import add_clinic
    from fadecast.records.database import database_url, open_database
    from fadecast.records.database import upgrade as upgrade_schema

    url = database_url(db)
    revision = upgrade_schema(url)
    if clinic is not None:
        records = open_database(url)
        try:
            with records.transaction() as session:
                add_clinic(session, name=clinic, actor=default_actor(actor), now=now_utc())
        finally:
            records.close()
    where = url.render_as_string(hide_password=True)
    typer.echo(f"records ready at {where} (schema {revision})")
    if clinic is not None:
        typer.echo(f"clinic added: {clinic}")


@clinic_app.command("upgrade")
def upgrade(db: DbOpt = None) -> None:
    """Bring the records' schema to this fadecast's (a newer one is refused)."""
    from fadecast.records.database import database_url
    from fadecast.records.database import upgrade as upgrade_schema

    url = database_url(db)
    typer.echo(f"records at schema {upgrade_schema(url)}")


@contextmanager
def _acting(db: str | None, clinic: str | None) -> Iterator[tuple[Session, Clinic]]:
    """One transaction on the records, for the clinic named (all or nothing)."""
    from fadecast.records.clinics import clinic_for

    records = open_records(db)
    try:
        with records.transaction() as session:
            yield session, clinic_for(session, clinic)
    finally:
        records.close()


def _read_tables(path: Path, field: str) -> dict[str, Any]:
    """The tables of a TOML file (a profile's, or health answers)."""
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(field, f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(field, f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(field, f"{path} is not valid TOML: {error}") from None


def _profile_tables(path: Path) -> dict[str, Any]:
    """A profile file's tables a client's profile keeps (``[person]`` without the birth
    year, ``[place]``, ``[lifestyle]``, ...; ``[treatment]`` and measurements are the
    records' own and are left out)."""
    from fadecast.records.clinics import PROFILE_TABLES

    tables = _read_tables(path, "--profile")
    kept = {k: v for k, v in tables.items() if k in PROFILE_TABLES}
    person = kept.get("person")
    if isinstance(person, dict):
        kept["person"] = {k: v for k, v in person.items() if k != "birth_year"}
    return kept


def _date_or_none(field: str, value: str | None) -> dt.date | None:
    return None if value is None else parse_date(field, value)


def _client(session: Session, clinic: Clinic, ref: str) -> Client:
    from fadecast.records.clinics import client_by_ref

    return client_by_ref(session, clinic_id=clinic.id, ref=ref)


@clinic_app.command("add-clinic")
def add_clinic_command(
    name: Annotated[str, typer.Argument(help="The clinic's name (new to the records).")],
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a clinic (a group keeps several in one database)."""
    from fadecast.records.clinics import add_clinic

    records = open_records(db)
    try:
        with records.transaction() as session:
            clinic = add_clinic(session, name=name, actor=default_actor(actor), now=now_utc())
    finally:
        records.close()
    typer.echo(f"clinic added: {clinic.name}")


#: Where ``fadecast serve`` is reached by default.
DEFAULT_SERVER_URL = "http://127.0.0.1:8000"


def _server_url(url: str) -> str:
    """The server's address as given to ``--url`` (``http://`` or ``https://``, a host,
    maybe a port and a path), without a trailing slash."""
    from urllib.parse import urlsplit

    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in text)
    ):
        raise InputError(
            "--url",
            f"give where the server is reached, such as {DEFAULT_SERVER_URL} or "
            f"https://clinic.example, got {url!r}",
        )
    return text


@clinic_app.command("setup-link")
def setup_link(
    clinic: ClinicOpt = None,
    url: Annotated[
        str,
        typer.Option(
            "--url",
            help="Where the server is reached, as its users open it (default: "
            f"{DEFAULT_SERVER_URL}, as fadecast serve; the HTTPS address behind a proxy).",
        ),
    ] = DEFAULT_SERVER_URL,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Print a one-time link that makes the owner of a clinic with no user yet (a further
    clinic of a group): it works once, for 24 hours, for that clinic only; a new link
    voids the clinic's earlier ones."""
    from fadecast.records.users import SETUP_LIFETIME, issue_clinic_setup_token

    base = _server_url(url)
    try:
        with _acting(db, clinic) as (session, where):
            token = issue_clinic_setup_token(
                session, clinic_id=where.id, actor=default_actor(actor), now=now_utc()
            )
            name = where.name
    except InputError as error:
        if error.field != "clinic":
            raise
        raise InputError("--clinic", error.message) from None
    hours = int(SETUP_LIFETIME.total_seconds() // 3600)
    typer.echo(
        f"Open this link to make the owner of {name} (it works once, for {hours} hours, "
        f"while {name} has no user): {base}/setup/{token}"
    )


@clinic_app.command("add-practitioner")
def add_practitioner(
    name: Annotated[str, typer.Argument(help="The practitioner's name.")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a practitioner to the clinic."""
    from fadecast.records import clinics

    with _acting(db, clinic) as (session, where):
        person = clinics.add_practitioner(
            session,
            clinic_id=where.id,
            name=name,
            email=email,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"practitioner added to {where.name}: {person.name}")


ProfileOpt = Annotated[
    Path | None,
    typer.Option(
        "--profile",
        help="A profile TOML file ([person] skin, [place], [lifestyle], [hair], [goals]); "
        "the birth year comes from --birth-date.",
    ),
]


@clinic_app.command("add-client")
def add_client(
    ref: Annotated[str, typer.Option("--ref", help="The clinic's reference for the client.")],
    name: Annotated[str, typer.Option("--name")],
    birth_date: Annotated[str, typer.Option("--birth-date", help="YYYY-MM-DD.")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    profile: ProfileOpt = None,
    profile_from: Annotated[
        str | None, typer.Option("--profile-from", help="YYYY-MM-DD (default: today).")
    ] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a client: identity, contacts and (optionally) a first profile."""
    from fadecast.records import clinics

    born = parse_date("--birth-date", birth_date)
    since = _date_or_none("--profile-from", profile_from)
    tables = None if profile is None else _profile_tables(profile)
    with _acting(db, clinic) as (session, where):
        client = clinics.add_client(
            session,
            clinic_id=where.id,
            ref=ref,
            name=name,
            birth_date=born,
            email=email,
            phone=phone,
            address=address,
            profile=tables,
            profile_from=since,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"client added: {client.ref} ({client.name})")


@clinic_app.command("set-profile")
def set_profile(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    profile: Annotated[Path, typer.Option("--profile", help="A profile TOML file.")],
    valid_from: Annotated[
        str | None, typer.Option("--from", help="In force from YYYY-MM-DD (default: today).")
    ] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a profile version (the client moved, changed habits): earlier ones are kept,
    so that past forecasts can be made again."""
    from fadecast.records import clinics

    tables = _profile_tables(profile)
    now = now_utc()
    since = _date_or_none("--from", valid_from) or now.date()
    with _acting(db, clinic) as (session, where):
        version = clinics.set_profile(
            session,
            client=_client(session, where, client),
            content=tables,
            valid_from=since,
            actor=default_actor(actor),
            now=now,
        )
    typer.echo(f"profile of {client} in force from {version.valid_from}")


@clinic_app.command("add-product")
def add_product(
    brand: Annotated[str, typer.Option("--brand")],
    name: Annotated[str, typer.Option("--name")],
    pigment_class: Annotated[
        str, typer.Option("--pigment-class", help="carbon-black, iron-oxide or organic-blend.")
    ],
    supplier: Annotated[str | None, typer.Option("--supplier")] = None,
    ingredients: Annotated[
        str | None, typer.Option("--ingredients", help="As on the label.")
    ] = None,
    warnings: Annotated[str | None, typer.Option("--warnings", help="As on the label.")] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a pigment product with its label's ingredients and warnings."""
    from fadecast.records import treatments

    with _acting(db, clinic) as (session, where):
        product = treatments.add_product(
            session,
            clinic_id=where.id,
            brand=brand,
            name=name,
            pigment_class=pigment_class,
            supplier=supplier,
            ingredients=ingredients,
            warnings=warnings,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"pigment product added: {product.brand} {product.name} ({product.pigment_class})")


@clinic_app.command("add-lot")
def add_lot(
    lot: Annotated[str, typer.Argument(help="The lot (batch) number on the label.")],
    brand: Annotated[str, typer.Option("--brand")],
    product: Annotated[str, typer.Option("--product", help="The product's name.")],
    expiry: Annotated[str, typer.Option("--expiry", help="YYYY-MM-DD.")],
    opened_on: Annotated[str | None, typer.Option("--opened-on", help="YYYY-MM-DD.")] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a lot of a pigment product: its number, expiry and the day it was opened."""
    from fadecast.records import treatments

    ends = parse_date("--expiry", expiry)
    opened = _date_or_none("--opened-on", opened_on)
    with _acting(db, clinic) as (session, where):
        found = treatments.product_named(session, clinic_id=where.id, brand=brand, name=product)
        row = treatments.add_lot(
            session,
            product=found,
            lot_number=lot,
            expiry=ends,
            opened_on=opened,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"lot added: {row.lot_number} of {brand} {product}, expires {row.expiry}")


@clinic_app.command("add-course")
def add_course(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    started_on: Annotated[str, typer.Option("--started-on", help="YYYY-MM-DD.")],
    area_cm2: Annotated[float, typer.Option("--area-cm2", help="Area treated [cm²].")],
    placement: Annotated[
        str, typer.Option("--placement", help="optimal, shallow or deep.")
    ] = "optimal",
    hairline: Annotated[str | None, typer.Option("--hairline")] = None,
    design_notes: Annotated[str | None, typer.Option("--design-notes")] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Start a treatment course for a client."""
    from fadecast.records import treatments

    started = parse_date("--started-on", started_on)
    with _acting(db, clinic) as (session, where):
        course = treatments.add_course(
            session,
            client=_client(session, where, client),
            started_on=started,
            area_cm2=area_cm2,
            placement=placement,
            hairline=hairline,
            design_notes=design_notes,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"course {course.id} started for {client} on {course.started_on}")


@clinic_app.command("add-session")
def add_session(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    date: Annotated[str, typer.Option("--date", help="YYYY-MM-DD (after today: booked).")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="initial, perfecting, touch-up, extension, design or correction."
        ),
    ],
    lot: Annotated[str | None, typer.Option("--lot", help="The pigment lot used.")] = None,
    practitioner: Annotated[str | None, typer.Option("--practitioner")] = None,
    needle_config: Annotated[str | None, typer.Option("--needle")] = None,
    needle_lot: Annotated[str | None, typer.Option("--needle-lot")] = None,
    dilution: Annotated[
        float | None, typer.Option("--dilution", help="Pigment share of the mix (0-1].")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    close: Annotated[
        bool, typer.Option("--close", help="Close it: its record is complete.")
    ] = False,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a session to the client's latest course (and close it with --close)."""
    from fadecast.records import clinics, treatments

    day = parse_date("--date", date)
    now = now_utc()
    who = default_actor(actor)
    with _acting(db, clinic) as (session, where):
        person = _client(session, where, client)
        course = treatments.latest_course(session, client=person)
        if course is None:
            raise InputError("client", f"{client} has no course yet: fadecast clinic add-course")
        used = (
            None
            if lot is None
            else treatments.lot_by_number(session, clinic_id=where.id, lot_number=lot)
        )
        by = None
        if practitioner is not None:
            by = clinics.practitioner_named(session, clinic_id=where.id, name=practitioner).id
        row = treatments.add_session(
            session,
            course=course,
            date=day,
            kind=kind,
            practitioner_id=by,
            lot=used,
            needle_config=needle_config,
            needle_lot=needle_lot,
            dilution=dilution,
            notes=notes,
            actor=who,
            now=now,
        )
        if close:
            treatments.close_session(session, row=row, actor=who, now=now)
    typer.echo(f"session {row.id} ({row.kind}, {row.date}) for {client}: {row.state}")


@clinic_app.command("close-session")
def close_session(
    session_id: Annotated[int, typer.Argument(help="The session's number.")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Close a held session whose record is complete (a pigment lot, a consent)."""
    from sqlalchemy import select

    from fadecast.records import treatments
    from fadecast.records.models import TreatmentSession

    with _acting(db, clinic) as (session, where):
        row = session.scalar(
            select(TreatmentSession).where(
                TreatmentSession.clinic_id == where.id, TreatmentSession.id == session_id
            )
        )
        if row is None:
            raise InputError("session", f"no session {session_id} in this clinic")
        treatments.close_session(session, row=row, actor=default_actor(actor), now=now_utc())
    typer.echo(f"session {session_id} closed")


@clinic_app.command("add-form")
def add_form(
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help="procedure, aftercare_received, data_processing, photos_record or "
            "photos_marketing.",
        ),
    ],
    version: Annotated[str, typer.Option("--version")],
    text: Annotated[Path, typer.Option("--text", help="A UTF-8 file with the form's text.")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a version of a consent form (kept with its sha256, never changed)."""
    from fadecast.records import consents

    try:
        body = text.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("--text", f"file not found: {text}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("--text", f"cannot read {text}: {error}") from None
    with _acting(db, clinic) as (session, where):
        form = consents.add_form(
            session,
            clinic_id=where.id,
            scope=scope,
            version=version,
            text=body,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"{form.scope} form {form.version} added (sha256 {form.sha256[:12]})")


@clinic_app.command("sign")
def sign(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    scope: Annotated[str, typer.Option("--scope")],
    signed_name: Annotated[str, typer.Option("--name", help="The name signed.")],
    source: Annotated[
        str, typer.Option("--source", help="Where it came from: paper in clinic, tablet, ...")
    ],
    version: Annotated[str | None, typer.Option("--version", help="Default: the newest.")] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Record a client's signature on a consent form (now)."""
    from fadecast.records import consents

    now = now_utc()
    with _acting(db, clinic) as (session, where):
        consent = consents.sign_consent(
            session,
            client=_client(session, where, client),
            scope=scope,
            signed_name=signed_name,
            source=source,
            version=version,
            signed_at=now,
            actor=default_actor(actor),
            now=now,
        )
        version_signed = consent.form.version
    typer.echo(f"{client} signed the {scope} form {version_signed}")


@clinic_app.command("revoke")
def revoke(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    scope: Annotated[str, typer.Option("--scope")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Revoke a client's consent on a scope (from now on)."""
    from fadecast.records import consents

    with _acting(db, clinic) as (session, where):
        ended = consents.revoke_consent(
            session,
            client=_client(session, where, client),
            scope=scope,
            actor=default_actor(actor),
            now=now_utc(),
        )
    typer.echo(f"{client}: {len(ended)} {scope} consent(s) revoked")


@clinic_app.command("health")
def health(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    answers: Annotated[
        Path,
        typer.Option("--answers", help="A TOML file: each question's key = true or false."),
    ],
    taken_on: Annotated[
        str | None, typer.Option("--taken-on", help="YYYY-MM-DD (default: today).")
    ] = None,
    notes: Annotated[
        str | None,
        typer.Option("--notes", help="How a yes was adapted to, what the client added (optional)."),
    ] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Record a health screen, with the practitioner's notes; prints the
    contraindications it flags."""
    from fadecast.records import consents

    given = _read_tables(answers, "--answers")
    now = now_utc()
    day = _date_or_none("--taken-on", taken_on) or now.date()
    with _acting(db, clinic) as (session, where):
        screen = consents.add_health_screen(
            session,
            client=_client(session, where, client),
            taken_on=day,
            answers=given,
            actor=default_actor(actor),
            now=now,
            notes=notes,
        )
    typer.echo(f"health screen of {client} on {screen.taken_on}: {len(screen.flagged)} flagged")
    words = {
        "defer": "do not treat now",
        "doctor": "only with a doctor's approval",
        "note": "adapt and record",
    }
    for flag in screen.flagged:
        typer.echo(f"  {flag['question']} yes: {words[flag['action']]}")
