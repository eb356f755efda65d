"""Two lookups over a clinic's records: who got a pigment lot, and what is missing.

- **Recall by lot** (:func:`sessions_with_lot`): every session that used a lot, with
  the client, their contacts, the practitioner, and the client's next visit — the next
  booked session, else the touch-up date of their cached forecast (its median). This is
  what a clinic needs when a supplier or an authority recalls a lot (EU Safety Gate and
  FDA recalls name the lot). Showing the list shows clients' contacts beside what was
  done to them, so it is written to the audit log (``view``, or ``export`` for a file).
- **What is missing** (:func:`missing_records`): the held sessions whose record is not
  complete and the treated clients who lack a health screen or a data processing
  consent, each line saying in plain words what is missing (:data:`MISSING_RULES`).

Both are read in a few indexed queries whatever the size of the records: the sessions of
a lot through ``treatment_session.pigment_lot_id``, the clients through their primary
keys, the forecasts through ``forecast_cache``'s primary key.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, contains_eager
from sqlalchemy.sql.expression import Exists

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.fields import checked_choice, required_text
from fadecast.records.models import (
    Client,
    Consent,
    ConsentForm,
    Course,
    ForecastCache,
    HealthScreen,
    PigmentLot,
    PigmentProduct,
    Practitioner,
    TreatmentSession,
)
from fadecast.records.treatments import INKLESS_KINDS

__all__ = [
    "HEALTH_SCREEN_MONTHS",
    "MISSING_RULES",
    "RECALL_COLUMNS",
    "ClientGap",
    "MissingReport",
    "RecallRow",
    "missing_records",
    "months_before",
    "recall_csv",
    "recall_lot",
    "sessions_with_lot",
]

#: A health screen covers the sessions of the months after it (software.md §6.4: the
#: screen is taken before treatment; isotretinoin is asked about over 12 months). [month]
HEALTH_SCREEN_MONTHS = 12

#: What :func:`missing_records` checks, for people.
MISSING_RULES = (
    "A session held (dated today or before) and not yet closed needs its pigment lot "
    f"(except a {' or '.join(INKLESS_KINDS)} session, which puts no ink in) and a signed "
    "procedure consent of the client's that is not revoked.",
    "A client with a session held needs a health screen taken in the "
    f"{HEALTH_SCREEN_MONTHS} months up to the day of their latest session held, and a "
    "data processing consent that is not revoked.",
    "Clients whose identity was anonymised under the retention rule are left out.",
)

#: The recall CSV's columns, in order (its header row).
RECALL_COLUMNS = (
    "client_ref",
    "client_name",
    "email",
    "phone",
    "session_date",
    "session_kind",
    "practitioner",
    "product",
    "lot",
    "next_visit",
    "next_visit_source",
)

#: Where a recall row's next visit comes from.
NEXT_VISIT_SOURCES = ("booked", "forecast")


@dataclass(frozen=True)
class RecallRow:
    """One session that used a recalled lot, with its client and their next visit.

    Attributes
    ----------
    client_ref, client_name, email, phone
        The client and how to reach them (None: not recorded).
    session_id, session_date, session_kind
        The session that used the lot.
    practitioner
        Who treated (None: not recorded).
    product, lot_number
        The pigment: ``"brand name"`` and the lot's number.
    next_visit
        The client's next visit: their next booked session after today, else the median
        touch-up date of their cached forecast (None: neither).
    next_visit_source
        ``"booked"`` or ``"forecast"`` (None when there is no next visit).
    """

    client_ref: str
    client_name: str
    email: str | None
    phone: str | None
    session_id: int
    session_date: dt.date
    session_kind: str
    practitioner: str | None
    product: str
    lot_number: str
    next_visit: dt.date | None
    next_visit_source: str | None

    def next_visit_text(self) -> str:
        """The next visit in words: booked, or the forecast's median touch-up date.

        Examples
        --------
        >>> row = RecallRow("C-1", "Ana", None, None, 1, dt.date(2026, 5, 1), "initial",
        ...     None, "Acme Black", "L1", dt.date(2027, 2, 1), "forecast")
        >>> row.next_visit_text()
        'touch-up due about 2027-02-01 (forecast)'
        """
        if self.next_visit is None:
            return "none booked or forecast"
        if self.next_visit_source == "booked":
            return f"booked for {self.next_visit.isoformat()}"
        return f"touch-up due about {self.next_visit.isoformat()} (forecast)"


def _product_name(product: PigmentProduct) -> str:
    return f"{product.brand} {product.name}"


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def recall_lot(
    session: Session, *, clinic_id: int, lot_number: str, product: str | None = None
) -> PigmentLot:
    """The clinic's lot of this number (of ``product``, ``"brand name"``, when given).

    Raises
    ------
    InputError
        For a number the clinic has no lot of (another clinic's lots are unknown), a
        product that has no lot of that number, or a number two products share when no
        product is given (naming the products).
    """
    number = required_text("lot", lot_number, limit=64)
    lots = list(
        session.scalars(
            select(PigmentLot)
            .join(PigmentProduct, PigmentLot.product_id == PigmentProduct.id)
            .where(PigmentLot.clinic_id == clinic_id, PigmentLot.lot_number == number)
            .order_by(PigmentProduct.brand, PigmentProduct.name)
            .options(contains_eager(PigmentLot.product))
        )
    )
    if not lots:
        raise InputError("lot", f"no pigment lot {number!r} in this clinic")
    names = ", ".join(repr(_product_name(lot.product)) for lot in lots)
    if product is not None:
        chosen = [lot for lot in lots if _same_name(_product_name(lot.product), product)]
        if not chosen:
            raise InputError(
                "product", f"lot {number!r} is not a lot of {product!r}; it is a lot of {names}"
            )
        return chosen[0]
    if len(lots) > 1:
        raise InputError(
            "lot", f"lot {number!r} is a lot of several products ({names}): name one with --product"
        )
    return lots[0]


def sessions_with_lot(
    session: Session,
    *,
    clinic_id: int,
    lot_number: str,
    product: str | None = None,
    today: dt.date | None = None,
    actor: str,
    now: dt.datetime,
    action: str = "view",
) -> list[RecallRow]:
    """Every session of the clinic that used a lot, with its client and their next visit.

    Parameters
    ----------
    clinic_id
        The clinic acted for (a lot of the same number at another clinic is not seen).
    lot_number
        The recalled lot's number.
    product
        The product, as ``"brand name"``, when two products have lots of that number.
    today
        The day the next visit is counted from (default: the day of ``now``).
    actor, now
        Who looks, and when (for the audit log).
    action
        ``"view"`` (the list shown) or ``"export"`` (written to a file), for the audit log.

    Returns
    -------
    list of RecallRow
        Sorted by client (name, then reference), then by session date; empty when no
        session used the lot.

    Raises
    ------
    InputError
        As :func:`recall_lot`.
    """
    checked_choice("action", action, ("view", "export"))
    lot = recall_lot(session, clinic_id=clinic_id, lot_number=lot_number, product=product)
    day = now.date() if today is None else today
    product_name = _product_name(lot.product)
    found = session.execute(
        select(
            TreatmentSession.id,
            TreatmentSession.date,
            TreatmentSession.kind,
            Practitioner.name,
            Client.id,
            Client.ref,
            Client.name,
            Client.email,
            Client.phone,
        )
        .join(Course, TreatmentSession.course_id == Course.id)
        .join(Client, Course.client_id == Client.id)
        .outerjoin(Practitioner, TreatmentSession.practitioner_id == Practitioner.id)
        .where(TreatmentSession.clinic_id == clinic_id, TreatmentSession.pigment_lot_id == lot.id)
    ).all()
    treated = (
        select(Course.client_id)
        .join(TreatmentSession, TreatmentSession.course_id == Course.id)
        .where(TreatmentSession.clinic_id == clinic_id, TreatmentSession.pigment_lot_id == lot.id)
    )
    booked: dict[int, dt.date] = {}
    forecast: dict[int, dt.date] = {}
    if found:
        later = aliased(TreatmentSession)
        booked_query = (
            select(Course.client_id, func.min(later.date))
            .join(later, later.course_id == Course.id)
            .where(
                later.clinic_id == clinic_id,
                later.state == "booked",
                later.date > day,
                Course.client_id.in_(treated),
            )
            .group_by(Course.client_id)
        )
        booked = dict(session.execute(booked_query).tuples().all())
        forecast_query = select(ForecastCache.client_id, ForecastCache.p50).where(
            ForecastCache.clinic_id == clinic_id,
            ForecastCache.p50.is_not(None),
            ForecastCache.client_id.in_(treated),
        )
        forecast = {
            client_id: p50
            for client_id, p50 in session.execute(forecast_query).tuples()
            if p50 is not None
        }
    rows = []
    for sid, date, kind, practitioner, client_id, ref, name, email, phone in found:
        next_visit: dt.date | None = booked.get(client_id)
        source: str | None = "booked"
        if next_visit is None:
            next_visit = forecast.get(client_id)
            source = None if next_visit is None else "forecast"
        rows.append(
            RecallRow(
                client_ref=ref,
                client_name=name,
                email=email,
                phone=phone,
                session_id=sid,
                session_date=date,
                session_kind=kind,
                practitioner=practitioner,
                product=product_name,
                lot_number=lot.lot_number,
                next_visit=next_visit,
                next_visit_source=source,
            )
        )
    rows.sort(key=lambda r: (r.client_name.casefold(), r.client_ref, r.session_date, r.session_id))
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action=action,
        entity="pigment_lot",
        entity_id=lot.id,
        detail={
            "what": "recall",
            "lot": lot.lot_number,
            "product": product_name,
            "sessions": len(rows),
            "clients": len({r.client_ref for r in rows}),
        },
        at=now,
    )
    return rows


#: Text starting with + or - that a spreadsheet reads as a number, not a formula.
_PHONE_LIKE = re.compile(r"[+-][0-9 ()./-]*")


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not _PHONE_LIKE.fullmatch(text)
    ):
        return "'" + text
    return text


def recall_csv(rows: Iterable[RecallRow]) -> str:
    """The recall list as CSV text: a header row (:data:`RECALL_COLUMNS`), then one row a
    session; dates as YYYY-MM-DD, nothing recorded as an empty cell.

    A cell that a spreadsheet would take for a formula (starting with ``=``, ``@``, or a
    ``+`` or ``-`` in anything but a number) is written with a leading ``'``; phone
    numbers such as ``+44 161 ...`` are kept as they are.

    Examples
    --------
    >>> row = RecallRow("C-1", "Ana Ruiz", "ana@example.org", "+44 161 000", 7,
    ...     dt.date(2026, 5, 1), "initial", "Sam", "Acme Black", "L1",
    ...     dt.date(2027, 2, 1), "booked")
    >>> print(recall_csv([row]), end="")
    client_ref,client_name,email,phone,session_date,session_kind,practitioner,product,lot,next_visit,next_visit_source
    C-1,Ana Ruiz,ana@example.org,+44 161 000,2026-05-01,initial,Sam,Acme Black,L1,2027-02-01,booked
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECALL_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.client_ref,
                    r.client_name,
                    r.email,
                    r.phone,
                    r.session_date,
                    r.session_kind,
                    r.practitioner,
                    r.product,
                    r.lot_number,
                    r.next_visit,
                    r.next_visit_source,
                )
            ]
        )
    return buffer.getvalue()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` months before (the month's last day when it
    is shorter).

    Examples
    --------
    >>> months_before(dt.date(2026, 12, 1), 12)
    datetime.date(2025, 12, 1)
    >>> months_before(dt.date(2028, 2, 29), 12)
    datetime.date(2027, 2, 28)
    >>> months_before(dt.date(2026, 3, 31), 1)
    datetime.date(2026, 2, 28)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class SessionGap:
    """A held session whose record is incomplete.

    Attributes
    ----------
    session_id, date, kind, state
        The session (state ``open``, or ``booked`` when a booking's day has passed).
    client_ref, client_name
        Whose it is.
    missing
        What it lacks, in plain words.
    """

    session_id: int
    date: dt.date
    kind: str
    state: str
    client_ref: str
    client_name: str
    missing: tuple[str, ...]

    def line(self) -> str:
        """The gap as one line for people.

        Examples
        --------
        >>> SessionGap(3, dt.date(2026, 11, 20), "initial", "open", "C-1", "Ana Ruiz",
        ...     ("no pigment lot recorded",)).line()
        'C-1 Ana Ruiz: session of 2026-11-20 (initial): no pigment lot recorded'
        """
        what = "; ".join(self.missing)
        return f"{self.client_ref} {self.client_name}: session of {self.date} ({self.kind}): {what}"


@dataclass(frozen=True)
class ClientGap:
    """A client with a held session whose record lacks a health screen or a consent.

    Attributes
    ----------
    client_ref, client_name
        The client.
    latest_session
        The day of their latest session held.
    missing
        What their record lacks, in plain words.
    """

    client_ref: str
    client_name: str
    latest_session: dt.date
    missing: tuple[str, ...]

    def line(self) -> str:
        """The gap as one line for people.

        Examples
        --------
        >>> ClientGap("C-1", "Ana Ruiz", dt.date(2026, 11, 20), ("no health screen",)).line()
        'C-1 Ana Ruiz: no health screen'
        """
        return f"{self.client_ref} {self.client_name}: {'; '.join(self.missing)}"


@dataclass(frozen=True)
class MissingReport:
    """What a clinic's records lack up to a day (:data:`MISSING_RULES`).

    Attributes
    ----------
    today
        The day sessions count as held up to.
    sessions
        Held sessions not closed whose record is incomplete, by date.
    clients
        Clients with a held session lacking a health screen or data processing consent,
        by name.
    """

    today: dt.date
    sessions: tuple[SessionGap, ...]
    clients: tuple[ClientGap, ...]

    @property
    def empty(self) -> bool:
        """Whether nothing is missing."""
        return not self.sessions and not self.clients

    def lines(self) -> list[str]:
        """The report for people, one gap a line under a heading for each kind.

        Examples
        --------
        >>> MissingReport(dt.date(2026, 12, 1), (), ()).lines()[0][:60]
        'Nothing is missing: every session held up to 2026-12-01 has '
        """
        if self.empty:
            return [
                f"Nothing is missing: every session held up to {self.today} has its pigment "
                "lot and a procedure consent, and every client treated has a recent health "
                "screen and a data processing consent."
            ]
        lines: list[str] = []
        if self.sessions:
            lines.append(
                f"Sessions held up to {self.today} whose record is incomplete "
                f"({len(self.sessions)}):"
            )
            lines += [f"  {gap.line()}" for gap in self.sessions]
        if self.clients:
            if lines:
                lines.append("")
            lines.append(f"Clients whose record is incomplete ({len(self.clients)}):")
            lines += [f"  {gap.line()}" for gap in self.clients]
        return lines


def _in_force(scope: str, client_id: InstrumentedAttribute[int]) -> Exists:
    """An EXISTS clause: the client has a signature on ``scope`` that is not revoked."""
    return exists().where(
        Consent.client_id == client_id,
        Consent.revoked_at.is_(None),
        Consent.form_id == ConsentForm.id,
        ConsentForm.scope == scope,
    )


def _session_gaps(session: Session, clinic_id: int, today: dt.date) -> list[SessionGap]:
    needs_lot = and_(
        TreatmentSession.pigment_lot_id.is_(None), TreatmentSession.kind.not_in(INKLESS_KINDS)
    )
    consented = _in_force("procedure", Course.client_id)
    found = session.execute(
        select(
            TreatmentSession.id,
            TreatmentSession.date,
            TreatmentSession.kind,
            TreatmentSession.state,
            TreatmentSession.pigment_lot_id,
            Client.ref,
            Client.name,
            consented.label("consented"),
        )
        .join(Course, TreatmentSession.course_id == Course.id)
        .join(Client, Course.client_id == Client.id)
        .where(
            TreatmentSession.clinic_id == clinic_id,
            TreatmentSession.date <= today,
            TreatmentSession.state != "closed",
            Client.anonymised_at.is_(None),
            or_(needs_lot, ~consented),
        )
    ).all()
    gaps = []
    for sid, date, kind, state, lot_id, ref, name, has_consent in found:
        missing = []
        if lot_id is None and kind not in INKLESS_KINDS:
            missing.append("no pigment lot recorded")
        if not has_consent:
            missing.append("no procedure consent in force (signed and not revoked)")
        gaps.append(SessionGap(sid, date, kind, state, ref, name, tuple(missing)))
    gaps.sort(key=lambda g: (g.date, g.client_name.casefold(), g.client_ref, g.session_id))
    return gaps


def _client_gaps(session: Session, clinic_id: int, today: dt.date) -> list[ClientGap]:
    latest = (
        select(Course.client_id.label("client_id"), func.max(TreatmentSession.date).label("day"))
        .join(TreatmentSession, TreatmentSession.course_id == Course.id)
        .where(TreatmentSession.clinic_id == clinic_id, TreatmentSession.date <= today)
        .group_by(Course.client_id)
        .subquery()
    )
    screen_before = (
        select(func.max(HealthScreen.taken_on))
        .where(HealthScreen.client_id == Client.id, HealthScreen.taken_on <= latest.c.day)
        .scalar_subquery()
    )
    any_screen = (
        select(func.max(HealthScreen.taken_on))
        .where(HealthScreen.client_id == Client.id)
        .scalar_subquery()
    )
    found = session.execute(
        select(
            Client.ref,
            Client.name,
            latest.c.day,
            screen_before,
            any_screen,
            _in_force("data_processing", Client.id).label("data"),
        )
        .join(latest, latest.c.client_id == Client.id)
        .where(Client.clinic_id == clinic_id, Client.anonymised_at.is_(None))
    ).all()
    gaps = []
    for ref, name, day, before, last, data in found:
        missing = []
        if last is None:
            missing.append("no health screen")
        elif before is None:
            missing.append(f"no health screen taken before their latest session on {day}")
        elif before < months_before(day, HEALTH_SCREEN_MONTHS):
            missing.append(
                f"no health screen in the {HEALTH_SCREEN_MONTHS} months before their latest "
                f"session on {day} (the last one before it was taken on {before})"
            )
        if not data:
            missing.append("no data processing consent in force (signed and not revoked)")
        if missing:
            gaps.append(ClientGap(ref, name, day, tuple(missing)))
    gaps.sort(key=lambda g: (g.client_name.casefold(), g.client_ref))
    return gaps


def missing_records(session: Session, *, clinic_id: int, today: dt.date) -> MissingReport:
    """What the clinic's records lack up to ``today`` (:data:`MISSING_RULES`).

    Parameters
    ----------
    clinic_id
        The clinic acted for.
    today
        Sessions dated on or before it count as held.

    Returns
    -------
    MissingReport
        The incomplete sessions and clients, each saying what is missing.
    """
    return MissingReport(
        today=today,
        sessions=tuple(_session_gaps(session, clinic_id, today)),
        clients=tuple(_client_gaps(session, clinic_id, today)),
    )
