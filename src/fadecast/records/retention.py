"""The retention period: anonymising the clients a clinic has not seen for years.

A jurisdiction sets how long a clinic keeps a client's personal data after their last
visit (3, 5, 7 or 10 years are common; any whole number of years from 1 is taken).
:func:`purge` anonymises every client of a clinic **last seen** before the cut-off,
``older_than_years`` before today: last seen is the day of their latest session (a
booked one counts), or the day they were added when they have none.

What anonymising does to a client:

- **identity**: the name becomes ``anonymised``; e-mail, phone and address are cleared;
  the date of birth is kept to its year (set to 1 January of it: the forecast needs the
  age, nothing more); the clinic's reference is kept (it is the clinic's own number,
  which the audit log names anyway), and ``anonymised_at`` is set;
- **signatures**: each consent's signed name becomes ``anonymised`` (what was signed,
  when and how is kept: the record that the treatment was agreed to);
- **health screens**: deleted (health data is kept no longer than needed);
- **photos**: their rows deleted, and their files removed from the photo store unless
  another row (of another clinic) uses the same file; a photo can show a face, and a
  measurement without its photo cannot be checked again;
- **free text**: the sessions' notes and the courses' design notes are cleared (they
  can hold anything); the structured treatment record stays (dates, kinds, areas,
  pigment lots, needles), so that a lot recall still finds what was done;
- **profile**: kept (skin, city, way of life: nothing that names anyone), but a home
  given as latitude and longitude is rounded to a tenth of a degree (about 11 km).

Each client anonymised gets an ``anonymise`` audit entry (the audit log itself is
append-only and is not changed). A dry run (``dry_run=True``) lists who would be
anonymised and changes nothing. The rows change in one transaction; the photo files are
removed only once it is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.database import Database
from fadecast.records.models import (
    Client,
    Clinic,
    Consent,
    Course,
    HealthScreen,
    Photo,
    ProfileVersion,
    TreatmentSession,
)
from fadecast.records.photos import photo_path

__all__ = [
    "ANONYMISED_NAME",
    "PurgeCandidate",
    "PurgeResult",
    "purge",
    "purge_candidates",
    "retention_cutoff",
]

#: What an anonymised client's name, and their signatures, read.
ANONYMISED_NAME = "anonymised"
#: Decimal places a home's latitude and longitude keep once anonymised (0.1°: ~11 km).
COORDINATE_DECIMALS = 1
#: Ids per statement (well under every database's limit on bound values).
_CHUNK = 500


def retention_cutoff(today: dt.date, older_than_years: int) -> dt.date:
    """The first day a client must have been seen on to be kept: ``older_than_years``
    before today (29 February going to the 28th).

    Raises
    ------
    InputError
        For fewer than one year (field ``older_than_years``).

    Examples
    --------
    >>> retention_cutoff(dt.date(2026, 12, 1), 7)
    datetime.date(2019, 12, 1)
    >>> retention_cutoff(dt.date(2028, 2, 29), 3)
    datetime.date(2025, 2, 28)
    """
    if isinstance(older_than_years, bool) or not isinstance(older_than_years, int):
        raise InputError(
            "older_than_years", f"must be a whole number of years, got {older_than_years!r}"
        )
    if older_than_years < 1:
        raise InputError("older_than_years", f"must be at least 1 year, got {older_than_years}")
    year = today.year - older_than_years
    if year < dt.MINYEAR:
        return dt.date.min
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


@dataclass(frozen=True)
class PurgeCandidate:
    """A client last seen before the cut-off.

    Attributes
    ----------
    client_id, ref, name
        Who.
    last_seen
        The day of their latest session, or the day they were added (``had_sessions``
        False).
    had_sessions
        Whether they have a session at all.
    photos, health_screens
        How many of each the anonymising removes.
    """

    client_id: int
    ref: str
    name: str
    last_seen: dt.date
    had_sessions: bool
    photos: int
    health_screens: int


@dataclass(frozen=True)
class PurgeResult:
    """What :func:`purge` did, or (a dry run) would do.

    Attributes
    ----------
    clinic
        The clinic's name.
    older_than_years
        The retention period. [yr]
    cutoff
        Clients last seen before this day are anonymised.
    dry_run
        True when nothing was changed.
    clients
        The clients anonymised (or that would be), by reference.
    photo_files_removed
        Photo files removed from the store (0 on a dry run).
    """

    clinic: str
    older_than_years: int
    cutoff: dt.date
    dry_run: bool
    clients: tuple[PurgeCandidate, ...]
    photo_files_removed: int

    @property
    def photos(self) -> int:
        """Photos removed (or that would be)."""
        return sum(c.photos for c in self.clients)

    @property
    def health_screens(self) -> int:
        """Health screens removed (or that would be)."""
        return sum(c.health_screens for c in self.clients)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _counts(session: Session, column: Any, clinic_id: int, model: Any) -> dict[int, int]:
    query = select(column, func.count()).where(model.clinic_id == clinic_id).group_by(column)
    return {int(key): int(n) for key, n in session.execute(query)}


def purge_candidates(
    session: Session, *, clinic_id: int, older_than_years: int, today: dt.date
) -> list[PurgeCandidate]:
    """The clinic's clients, not yet anonymised, last seen before the cut-off
    (:func:`retention_cutoff`), by reference.

    Raises
    ------
    InputError
        For fewer than one year.
    """
    cutoff = retention_cutoff(today, older_than_years)
    query = (
        select(Course.client_id, func.max(TreatmentSession.date))
        .join(TreatmentSession, TreatmentSession.course_id == Course.id)
        .where(Course.clinic_id == clinic_id)
        .group_by(Course.client_id)
    )
    last_sessions: dict[int, dt.date] = dict(session.execute(query).tuples().all())
    photos = _counts(session, Photo.client_id, clinic_id, Photo)
    screens = _counts(session, HealthScreen.client_id, clinic_id, HealthScreen)
    clients = session.execute(
        select(Client.id, Client.ref, Client.name, Client.created_at)
        .where(Client.clinic_id == clinic_id, Client.anonymised_at.is_(None))
        .order_by(Client.ref)
    )
    found = []
    for client_id, ref, name, created_at in clients:
        last = last_sessions.get(client_id)
        seen = last if last is not None else created_at.date()
        if seen < cutoff:
            found.append(
                PurgeCandidate(
                    client_id=client_id,
                    ref=ref,
                    name=name,
                    last_seen=seen,
                    had_sessions=last is not None,
                    photos=photos.get(client_id, 0),
                    health_screens=screens.get(client_id, 0),
                )
            )
    return found


def _rounded_home(content: dict[str, Any]) -> dict[str, Any] | None:
    """The profile with its home's coordinates rounded, or None when it has none."""
    place = content.get("place")
    if not isinstance(place, dict) or not any(k in place for k in ("lat", "lon")):
        return None
    rounded = {
        key: round(value, COORDINATE_DECIMALS)
        if key in ("lat", "lon") and isinstance(value, int | float)
        else value
        for key, value in place.items()
    }
    return {**content, "place": rounded}


def _anonymise(
    session: Session,
    candidates: Sequence[PurgeCandidate],
    *,
    clinic_id: int,
    older_than_years: int,
    cutoff: dt.date,
    actor: str,
    now: dt.datetime,
) -> set[str]:
    """Anonymise the candidates; returns the sha256 of the photo files no row uses."""
    stamp = now.replace(microsecond=0)
    ids = [c.client_id for c in candidates]
    removed_shas: set[str] = set()
    for chunk in _chunks(ids):
        for client in session.scalars(select(Client).where(Client.id.in_(chunk))):
            client.name = ANONYMISED_NAME
            client.email = client.phone = client.address = None
            client.birth_date = dt.date(client.birth_date.year, 1, 1)
            client.anonymised_at = stamp
        for version in session.scalars(
            select(ProfileVersion).where(ProfileVersion.client_id.in_(chunk))
        ):
            rounded = _rounded_home(dict(version.content))
            if rounded is not None:
                version.content = rounded
        session.execute(
            update(Consent).where(Consent.client_id.in_(chunk)).values(signed_name=ANONYMISED_NAME)
        )
        session.execute(delete(HealthScreen).where(HealthScreen.client_id.in_(chunk)))
        removed_shas.update(session.scalars(select(Photo.sha256).where(Photo.client_id.in_(chunk))))
        session.execute(delete(Photo).where(Photo.client_id.in_(chunk)))
        session.execute(update(Course).where(Course.client_id.in_(chunk)).values(design_notes=None))
        courses = select(Course.id).where(Course.client_id.in_(chunk)).scalar_subquery()
        session.execute(
            update(TreatmentSession)
            .where(TreatmentSession.course_id.in_(courses))
            .values(notes=None)
        )
        session.flush()
    for candidate in candidates:
        audit(
            session,
            clinic_id=clinic_id,
            actor=actor,
            action="anonymise",
            entity="client",
            entity_id=candidate.client_id,
            detail={
                "ref": candidate.ref,
                "last_seen": candidate.last_seen.isoformat(),
                "older_than_years": older_than_years,
                "cutoff": cutoff.isoformat(),
                "photos_removed": candidate.photos,
                "health_screens_removed": candidate.health_screens,
            },
            at=now,
        )
    session.flush()
    still_used: set[str] = set()
    shas = sorted(removed_shas)
    for start in range(0, len(shas), _CHUNK):
        part = shas[start : start + _CHUNK]
        still_used.update(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(part))))
    return removed_shas - still_used


def purge(
    database: Database,
    *,
    clinic_id: int,
    older_than_years: int,
    today: dt.date,
    photo_root: Path,
    dry_run: bool = False,
    actor: str,
    now: dt.datetime,
) -> PurgeResult:
    """Anonymise a clinic's clients last seen more than ``older_than_years`` before
    today (see the module's notes for what is kept and what goes), in one
    transaction, with an ``anonymise`` audit entry each; then remove their photo files
    from the store.

    Parameters
    ----------
    clinic_id
        The clinic acted for.
    older_than_years
        The retention period, a whole number of years from 1. [yr]
    today
        The day the period is counted back from.
    photo_root
        The photo store (:func:`fadecast.records.photos.photo_store_root`).
    dry_run
        List who would be anonymised, and change nothing.
    actor, now
        Who purges and when (naive UTC), for the audit log.

    Raises
    ------
    InputError
        For fewer than one year (field ``older_than_years``) or an unknown clinic.
    """
    cutoff = retention_cutoff(today, older_than_years)
    with database.transaction() as session:
        clinic = session.get(Clinic, clinic_id)
        if clinic is None:
            raise InputError("--clinic", f"no clinic of id {clinic_id}")
        candidates = purge_candidates(
            session, clinic_id=clinic_id, older_than_years=older_than_years, today=today
        )
        unused: set[str] = set()
        if not dry_run and candidates:
            unused = _anonymise(
                session,
                candidates,
                clinic_id=clinic_id,
                older_than_years=older_than_years,
                cutoff=cutoff,
                actor=actor,
                now=now,
            )
        name = clinic.name
    removed = 0
    for sha in sorted(unused):
        with suppress(FileNotFoundError):
            photo_path(photo_root, sha).unlink()
            removed += 1
    return PurgeResult(
        clinic=name,
        older_than_years=older_than_years,
        cutoff=cutoff,
        dry_run=dry_run,
        clients=tuple(candidates),
        photo_files_removed=removed,
    )
