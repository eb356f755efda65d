"""The audit log: who created, changed, exported, viewed or deleted what, and when.

Entries are only ever added (the schema's triggers refuse to change or delete one, on
SQLite and PostgreSQL alike). Every function of :mod:`fadecast.records` that writes,
exports or shows health data adds its entry in the same transaction as the work, so
that the work and its record stand or fall together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fadecast.records.models import AuditEntry

__all__ = ["AUDIT_ACTIONS", "audit", "audit_entries"]

#: What an entry can say was done.
AUDIT_ACTIONS = ("create", "change", "delete", "export", "import", "view", "anonymise")


def audit(
    session: Session,
    *,
    clinic_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    detail: Mapping[str, Any] | None = None,
    at: dt.datetime,
) -> AuditEntry:
    """Add one entry to the audit log (flushed with the session's other work).

    Parameters
    ----------
    clinic_id
        The clinic acted for (None for what concerns no one clinic).
    actor
        Who did it: a practitioner's or user's name, or the command that did it.
    action
        One of :data:`AUDIT_ACTIONS`.
    entity, entity_id
        The table and the row (its id) acted on.
    detail
        What changed, as JSON-able values (never a health answer itself).
    at
        When (naive UTC).
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(AUDIT_ACTIONS)}, got {action!r}")
    entry = AuditEntry(
        clinic_id=clinic_id,
        at=at.replace(microsecond=0),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=dict(detail or {}),
    )
    session.add(entry)
    return entry


def audit_entries(session: Session, *, clinic_id: int) -> list[AuditEntry]:
    """A clinic's audit log, oldest first."""
    query = select(AuditEntry).where(AuditEntry.clinic_id == clinic_id).order_by(AuditEntry.id)
    return list(session.scalars(query))
