"""Clinics, practitioners, clients and their dated profiles.

A client's identity (name, date of birth, contacts) is kept apart from what the
forecast needs (skin, place, lifestyle, hair, goals), which is **versioned by date**:
:func:`set_profile` adds a version in force from a day on, and :func:`profile_content_at`
gives the one in force on any day, so that a forecast made in 2027 can be made again
after the client moved in 2029.

Every function takes the clinic it acts for; a client of another clinic is unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.fields import checked_text, required_text
from fadecast.records.models import Client, Clinic, Practitioner, ProfileVersion

__all__ = [
    "PROFILE_TABLES",
    "add_client",
    "add_clinic",
    "add_practitioner",
    "check_profile_content",
    "client_by_ref",
    "clinic_for",
    "clinic_named",
    "practitioner_named",
    "profile_content_at",
    "set_profile",
]

#: The profile's tables a profile version holds (the profile file's layout,
#: docs/profile.md); ``person`` without ``birth_year``, which is the client's.
PROFILE_TABLES = ("person", "place", "lifestyle", "hair", "goals", "costs", "forecast")
#: The earliest and latest birth dates a client may have.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def add_clinic(session: Session, *, name: str, actor: str, now: dt.datetime) -> Clinic:
    """Add a clinic (a tenant); its name must be new.

    Raises
    ------
    InputError
        For an empty or taken name.
    """
    name = required_text("clinic", name)
    if session.scalar(select(Clinic).where(Clinic.name == name)) is not None:
        raise InputError("clinic", f"a clinic named {name!r} exists already")
    clinic = Clinic(name=name, created_at=now.replace(microsecond=0))
    session.add(clinic)
    session.flush()
    audit(
        session,
        clinic_id=clinic.id,
        actor=actor,
        action="create",
        entity="clinic",
        entity_id=clinic.id,
        detail={"name": name},
        at=now,
    )
    return clinic


def clinic_for(session: Session, name: str | None) -> Clinic:
    """The clinic named, or when none is named the only one the records hold.

    Raises
    ------
    InputError
        For an unknown name, or no name where the records hold several clinics or none.
    """
    if name is not None:
        return clinic_named(session, name)
    clinics = list(session.scalars(select(Clinic).order_by(Clinic.name).limit(21)))
    if len(clinics) == 1:
        return clinics[0]
    if not clinics:
        raise InputError(
            "--clinic", "the records hold no clinic yet: fadecast clinic init --clinic NAME"
        )
    names = ", ".join(repr(c.name) for c in clinics[:20])
    raise InputError("--clinic", f"the records hold several clinics; name one of {names}")


def clinic_named(session: Session, name: str) -> Clinic:
    """The clinic of this name.

    Raises
    ------
    InputError
        For an unknown name (naming the known ones).
    """
    clinic = session.scalar(select(Clinic).where(Clinic.name == name))
    if clinic is None:
        known = list(session.scalars(select(Clinic.name).order_by(Clinic.name).limit(20)))
        hint = ", ".join(repr(k) for k in known) if known else "none yet (fadecast clinic init)"
        raise InputError("--clinic", f"unknown clinic {name!r}; known: {hint}")
    return clinic


def add_practitioner(
    session: Session,
    *,
    clinic_id: int,
    name: str,
    email: str | None = None,
    actor: str,
    now: dt.datetime,
) -> Practitioner:
    """Add a practitioner to a clinic (a name new to it)."""
    name = required_text("practitioner", name)
    taken = select(Practitioner).where(
        Practitioner.clinic_id == clinic_id, Practitioner.name == name
    )
    if session.scalar(taken) is not None:
        raise InputError("practitioner", f"{name!r} is a practitioner of this clinic already")
    person = Practitioner(
        clinic_id=clinic_id, name=name, email=checked_text("email", email), active=True
    )
    session.add(person)
    session.flush()
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="create",
        entity="practitioner",
        entity_id=person.id,
        detail={"name": name},
        at=now,
    )
    return person


def practitioner_named(session: Session, *, clinic_id: int, name: str) -> Practitioner:
    """The clinic's practitioner of this name (``InputError`` naming the known ones)."""
    person = session.scalar(
        select(Practitioner).where(Practitioner.clinic_id == clinic_id, Practitioner.name == name)
    )
    if person is None:
        known = session.scalars(
            select(Practitioner.name).where(Practitioner.clinic_id == clinic_id).limit(20)
        )
        hint = ", ".join(repr(k) for k in known) or "none yet"
        raise InputError("practitioner", f"unknown practitioner {name!r}; known: {hint}")
    return person


def check_profile_content(
    content: Mapping[str, Any], *, birth_date: dt.date, today: dt.date
) -> dict[str, Any]:
    """A profile version's content, checked as a profile would be (naming the field).

    Only the tables of :data:`PROFILE_TABLES` are kept; ``person.birth_year`` comes from
    the client's date of birth and may not be given.

    Examples
    --------
    >>> content = {
    ...     "person": {"skin": {"fitzpatrick": 2}},
    ...     "place": {"city": "Manchester"},
    ...     "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
    ... }
    >>> sorted(check_profile_content(
    ...     content, birth_date=dt.date(1988, 5, 1), today=dt.date(2026, 12, 1)))
    ['lifestyle', 'person', 'place']
    """
    from fadecast.inputs.profile import parse_profile

    unknown = sorted(set(content) - set(PROFILE_TABLES))
    if unknown:
        raise InputError(
            f"profile.{unknown[0]}",
            f"is not a table a client's profile keeps; allowed: {', '.join(PROFILE_TABLES)}",
        )
    person = content.get("person")
    if isinstance(person, Mapping) and "birth_year" in person:
        raise InputError(
            "profile.person.birth_year", "comes from the client's date of birth; leave it out"
        )
    kept = {k: v for k, v in content.items() if k in PROFILE_TABLES}
    tables = dict(kept)
    tables["person"] = {**dict(person or {}), "birth_year": birth_date.year}
    profile = parse_profile(tables, today=today)
    if profile.place.city is not None:  # a city the forecast cannot place is refused now
        from fadecast.inputs.places import resolve_city

        resolve_city(profile.place.city, field="profile.place.city")
    return kept


def _birth_date(value: dt.date, today: dt.date) -> dt.date:
    if not EARLIEST_BIRTH <= value <= today:
        raise InputError(
            "birth_date", f"must be from {EARLIEST_BIRTH} to today ({today}), got {value}"
        )
    return value


def add_client(
    session: Session,
    *,
    clinic_id: int,
    ref: str,
    name: str,
    birth_date: dt.date,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    profile: Mapping[str, Any] | None = None,
    profile_from: dt.date | None = None,
    actor: str,
    now: dt.datetime,
) -> Client:
    """Add a client, with a first profile version in force from ``profile_from`` (by
    default the day added) when ``profile`` is given.

    Raises
    ------
    InputError
        For a reference the clinic uses already, an empty name, a date of birth outside
        1900 to today, or a profile that does not validate.
    """
    ref_text = required_text("ref", ref, limit=64)
    today = now.date()
    existing = select(Client).where(Client.clinic_id == clinic_id, Client.ref == ref_text)
    if session.scalar(existing) is not None:
        raise InputError("ref", f"the clinic has a client {ref_text!r} already")
    client = Client(
        clinic_id=clinic_id,
        ref=ref_text,
        name=required_text("name", name),
        birth_date=_birth_date(birth_date, today),
        email=checked_text("email", email, limit=320),
        phone=checked_text("phone", phone, limit=64),
        address=checked_text("address", address, limit=1000),
        created_at=now.replace(microsecond=0),
    )
    session.add(client)
    try:
        session.flush()
    except IntegrityError:  # added at the same moment by another process
        raise InputError("ref", f"the clinic has a client {ref_text!r} already") from None
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="create",
        entity="client",
        entity_id=client.id,
        detail={"ref": ref_text},
        at=now,
    )
    if profile is not None:
        set_profile(
            session,
            client=client,
            content=profile,
            valid_from=profile_from or today,
            actor=actor,
            now=now,
        )
    return client


def client_by_ref(session: Session, *, clinic_id: int, ref: str) -> Client:
    """The clinic's client with this reference.

    Raises
    ------
    InputError
        For a reference the clinic does not know (a client of another clinic included).
    """
    client = session.scalar(select(Client).where(Client.clinic_id == clinic_id, Client.ref == ref))
    if client is None:
        raise InputError("client", f"no client {ref!r} in this clinic")
    return client


def set_profile(
    session: Session,
    *,
    client: Client,
    content: Mapping[str, Any],
    valid_from: dt.date,
    actor: str,
    now: dt.datetime,
) -> ProfileVersion:
    """Add a profile version in force from ``valid_from`` (replacing one of the same
    day, which the audit log keeps a note of).

    Raises
    ------
    InputError
        For content that does not validate (naming the field), or a day before the
        client's birth or after today.
    """
    today = now.date()
    if not client.birth_date <= valid_from <= today:
        raise InputError(
            "valid_from",
            f"must be from the client's birth ({client.birth_date}) to today ({today}), "
            f"got {valid_from}",
        )
    kept = check_profile_content(content, birth_date=client.birth_date, today=today)
    same_day = session.scalar(
        select(ProfileVersion).where(
            ProfileVersion.client_id == client.id, ProfileVersion.valid_from == valid_from
        )
    )
    if same_day is not None:
        same_day.content = kept
        same_day.created_at = now.replace(microsecond=0)
        version = same_day
        action = "change"
    else:
        version = ProfileVersion(
            clinic_id=client.clinic_id,
            client_id=client.id,
            valid_from=valid_from,
            content=kept,
            created_at=now.replace(microsecond=0),
        )
        session.add(version)
        action = "create"
    session.flush()
    audit(
        session,
        clinic_id=client.clinic_id,
        actor=actor,
        action=action,
        entity="profile_version",
        entity_id=version.id,
        detail={"client": client.ref, "valid_from": valid_from.isoformat()},
        at=now,
    )
    return version


def profile_content_at(session: Session, *, client: Client, day: dt.date) -> dict[str, Any] | None:
    """The client's profile in force on ``day``: the latest version from on or before
    it (None when there is none)."""
    version = session.scalar(
        select(ProfileVersion)
        .where(ProfileVersion.client_id == client.id, ProfileVersion.valid_from <= day)
        .order_by(ProfileVersion.valid_from.desc())
        .limit(1)
    )
    return None if version is None else dict(version.content)
