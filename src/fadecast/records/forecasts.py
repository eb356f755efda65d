"""The forecasts a clinic's recalls run on: each client's profile from the records, the
forecast cache, and who is due when.

**A client's profile** is put together from the records (:func:`client_profile`): the
profile version in force on the day (:func:`fadecast.records.clinics.profile_content_at`),
the birth year from the client's date of birth, and the treatment of the client's latest
course started on or before the day: its placement, the pigment class of the product of
the first lot used, and the dates of its sessions that set the pigment's load (initial,
perfecting and touch-up) held on or before the day; booked sessions after it are not
part of the forecast. The measurements of the client's photos taken from the first
session to the day make the forecast personal with no extra step.

**The cache** (:class:`~fadecast.records.models.ForecastCache`) keeps each client's
touch-up dates (P10, median, P90) with the fadecast version that made them and the
sha256 of the profile they were made from (:func:`inputs_sha256`). A forecast is
recomputed when either changes, or when it was made with other draws (``samples`` or
``seed``); :func:`refresh_forecasts` recomputes every stale forecast of a clinic at once
with :func:`fadecast.forecasting.forecast_many`. Where the client's photos calibrate the
forecast, the personal dates are kept. :data:`DEFAULT_SAMPLES` draws keep a clinic group
of 20,000 clients feasible (a few hundredths of a second per client).

**Who is due** (:func:`due_clients`): the chance that a client's touch-up falls due in a
span of days, from the cached dates by a plain model: the time from the first session to
the touch-up is taken as **log-normal**, with its median at the cached P50 and its spread
fitted to the cached P10 and P90,

    sigma = (ln t90 - ln t10) / (2 z90),   z90 = 1.2816 (the normal's 90th percentile),

where ``t`` is the number of days from the first session. The chance of the span from
day ``a`` to day ``b`` (both included) is the difference of the distribution at the
span's ends, ``F(b + 1 day) - F(a)``, so the chances of adjacent spans add up. Clients
with a chance of :func:`least_chance` or more are listed, most likely first: 5 % for a
span of a year or more (:data:`MIN_PROBABILITY`), and as much less for a shorter span as
it is shorter (a month: 0.4 %), since a touch-up window spans years and a month holds
only a small share of it. Beside
it, the fixed clinical reminder (:func:`perfecting_due`): a perfecting session is due
6 to 8 weeks (:data:`PERFECTING_DAYS`) after the initial session of a course that has
had no perfecting session since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.models import (
    Client,
    Course,
    ForecastCache,
    Photo,
    PigmentLot,
    PigmentProduct,
    ProfileVersion,
    TreatmentSession,
)
from fadecast.version import __version__

if TYPE_CHECKING:
    from fadecast.forecasting import ForecastResult, Scenario
    from fadecast.inputs.profile import Profile

__all__ = [
    "DEFAULT_PIGMENT",
    "DEFAULT_SAMPLES",
    "FORECAST_KINDS",
    "MIN_PROBABILITY",
    "PERFECTING_DAYS",
    "PHOTO_LIMIT",
    "Z90",
    "ClientProfile",
    "DueRow",
    "PendingForecast",
    "PerfectingRow",
    "RefreshPlan",
    "RefreshSummary",
    "client_profile",
    "clinic_profiles",
    "compute_forecasts",
    "due_clients",
    "due_window_text",
    "inputs_sha256",
    "least_chance",
    "month_text",
    "next_booked_sessions",
    "perfecting_due",
    "plan_refresh",
    "refresh_forecasts",
    "store_forecasts",
    "touchup_lognormal",
    "touchup_probability",
]

#: Monte Carlo draws of a clinic's forecasts: enough for a touch-up window to a month or
#: two, few enough that a clinic group of 20,000 clients is recomputed in minutes.
DEFAULT_SAMPLES = 500
#: The least chance of falling due in a span of a year or more for a client to be listed
#: by ``due`` (a shorter span: as much less as it is shorter, :func:`least_chance`). [1]
MIN_PROBABILITY = 0.05
#: Session kinds the forecast follows: they build or restore the pigment's load.
FORECAST_KINDS = ("initial", "perfecting", "touch-up")
#: The pigment class taken when no session of the course records a lot.
DEFAULT_PIGMENT = "carbon-black"
#: The perfecting session is due from 6 to 8 weeks after the initial session. [d]
PERFECTING_DAYS = (42, 56)
#: The most photo measurements a profile takes (the latest are kept).
PHOTO_LIMIT = 100
#: The standard normal distribution's 90th percentile: P10 and P90 lie this many sigmas
#: either side of the median of a log-normal. [1]
Z90 = 1.2815515655446004
#: Client ids per ``IN (...)`` list of a query (well inside every database's limit).
_CHUNK = 500


# --- the profile from the records -------------------------------------------------


@dataclass(frozen=True)
class ClientProfile:
    """A client's profile as the records give it on a day.

    Attributes
    ----------
    client_id, ref
        The client.
    profile
        The validated profile (None when the records do not make a valid one).
    problem
        Why not, one line naming the field (None when ``profile`` is given).
    """

    client_id: int
    ref: str
    profile: Profile | None
    problem: str | None = None


@dataclass
class _Inputs:
    """What the records hold for one client's profile on a day (before validation)."""

    client_id: int
    ref: str
    birth_date: dt.date
    content: Mapping[str, Any] | None = None
    course_id: int | None = None
    placement: str = "optimal"
    sessions: list[dt.date] | None = None
    lot_ids: list[int] | None = None
    photos: list[tuple[dt.date, Mapping[str, Any]]] | None = None


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _gather(
    session: Session, *, clinic_id: int, today: dt.date, client_id: int | None
) -> list[_Inputs]:
    """The records behind the profiles of a clinic's clients (or of one), in a few
    queries whatever the number of clients."""

    def scoped(query: Any, column: Any) -> Any:
        return query if client_id is None else query.where(column == client_id)

    people = scoped(
        select(Client.id, Client.ref, Client.birth_date)
        .where(Client.clinic_id == clinic_id, Client.anonymised_at.is_(None))
        .order_by(Client.id),
        Client.id,
    )
    found = {cid: _Inputs(cid, ref, born) for cid, ref, born in session.execute(people)}
    versions = scoped(
        select(ProfileVersion.client_id, ProfileVersion.content)
        .where(ProfileVersion.clinic_id == clinic_id, ProfileVersion.valid_from <= today)
        .order_by(ProfileVersion.client_id, ProfileVersion.valid_from),
        ProfileVersion.client_id,
    )
    for cid, content in session.execute(versions):
        if cid in found:
            found[cid].content = content  # the latest one on or before today wins
    courses = scoped(
        select(Course.id, Course.client_id, Course.placement)
        .where(Course.clinic_id == clinic_id, Course.started_on <= today)
        .order_by(Course.client_id, Course.started_on, Course.id),
        Course.client_id,
    )
    by_course: dict[int, _Inputs] = {}
    for course_id, cid, placement in session.execute(courses):
        entry = found.get(cid)
        if entry is None:
            continue
        if entry.course_id is not None:
            del by_course[entry.course_id]  # a later course replaces it
        entry.course_id, entry.placement = course_id, placement
        entry.sessions, entry.lot_ids = [], []
        by_course[course_id] = entry
    held = select(
        TreatmentSession.course_id,
        TreatmentSession.date,
        TreatmentSession.kind,
        TreatmentSession.pigment_lot_id,
    ).where(TreatmentSession.clinic_id == clinic_id, TreatmentSession.date <= today)
    if client_id is not None:
        held = held.where(TreatmentSession.course_id.in_(list(by_course) or [-1]))
    held = held.order_by(TreatmentSession.course_id, TreatmentSession.date, TreatmentSession.id)
    for course_id, day, kind, lot_id in session.execute(held):
        entry = by_course.get(course_id)
        if entry is None:
            continue
        assert entry.sessions is not None and entry.lot_ids is not None
        if kind in FORECAST_KINDS and (not entry.sessions or entry.sessions[-1] != day):
            entry.sessions.append(day)
        if lot_id is not None:
            entry.lot_ids.append(lot_id)
    photos = scoped(
        select(Photo.client_id, Photo.taken_on, Photo.measurement)
        .where(Photo.clinic_id == clinic_id, Photo.taken_on <= today)
        .order_by(Photo.client_id, Photo.taken_on, Photo.id),
        Photo.client_id,
    )
    for cid, taken_on, measurement in session.execute(photos):
        entry = found.get(cid)
        if entry is not None and isinstance(measurement, Mapping):
            if entry.photos is None:
                entry.photos = []
            entry.photos.append((taken_on, measurement))
    return [e for e in found.values() if e.content is not None and e.sessions]


def _pigments(session: Session, *, clinic_id: int, lot_ids: Iterable[int]) -> dict[int, str]:
    """The pigment class of each lot, by lot id."""
    wanted = sorted(set(lot_ids))
    classes: dict[int, str] = {}
    for chunk in _chunks(wanted):
        query = (
            select(PigmentLot.id, PigmentProduct.pigment_class)
            .join(PigmentProduct, PigmentLot.product_id == PigmentProduct.id)
            .where(PigmentLot.clinic_id == clinic_id, PigmentLot.id.in_(chunk))
        )
        for lot_id, kind in session.execute(query).tuples():
            classes[lot_id] = kind
    return classes


def _photo_measurements(
    photos: Sequence[tuple[dt.date, Mapping[str, Any]]], first: dt.date
) -> list[dict[str, Any]]:
    """The profile's ``measurements`` from photos (``fadecast measure --json`` dicts):
    the contrast and flags of each photo from the first session on that was measured."""
    found = []
    for taken_on, measurement in photos:
        contrast = measurement.get("contrast")
        value = contrast.get("social_delta_e00") if isinstance(contrast, Mapping) else None
        if taken_on < first or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        flags = measurement.get("flags")
        found.append(
            {
                "date": taken_on,
                "social_delta_e00": float(value),
                "flags": [f for f in flags if isinstance(f, str)]
                if isinstance(flags, list)
                else [],
            }
        )
    return found[-PHOTO_LIMIT:]


def _tables(entry: _Inputs, pigment: str) -> dict[str, Any]:
    assert entry.content is not None and entry.sessions
    tables = {k: v for k, v in entry.content.items() if k not in ("treatment", "measurements")}
    person = tables.get("person")
    tables["person"] = {
        **(dict(person) if isinstance(person, Mapping) else {}),
        "birth_year": entry.birth_date.year,
    }
    tables["treatment"] = {
        "pigment": pigment,
        "placement": entry.placement,
        "sessions": list(entry.sessions),
    }
    measurements = _photo_measurements(entry.photos or [], entry.sessions[0])
    if measurements:
        tables["measurements"] = measurements
    return tables


def _profile_of(entry: _Inputs, lots: Mapping[int, str], today: dt.date) -> Profile:
    """Validate one client's profile (``InputError`` naming the field)."""
    from fadecast.inputs.profile import parse_profile

    first_lot = next((i for i in entry.lot_ids or () if i in lots), None)
    pigment = DEFAULT_PIGMENT if first_lot is None else lots[first_lot]
    return parse_profile(_tables(entry, pigment), today=today)


def _lots_of(session: Session, entries: Sequence[_Inputs], clinic_id: int) -> dict[int, str]:
    return _pigments(
        session, clinic_id=clinic_id, lot_ids=(i for e in entries for i in e.lot_ids or ())
    )


def client_profile(session: Session, *, client: Client, today: dt.date) -> Profile | None:
    """A client's profile on ``today``, from the records (see the module's documentation).

    Parameters
    ----------
    client
        The client (of the clinic acted for).
    today
        The day the profile is taken on: the profile version in force then, the
        sessions held and the photos taken by then.

    Returns
    -------
    Profile or None
        None when the client has no profile version in force on ``today``, or no
        initial, perfecting or touch-up session held by then in their latest course
        started by then.

    Raises
    ------
    InputError
        When the records do not make a valid profile, naming the profile's field (for
        example ``treatment.sessions`` for a first session before the client was 16).
    """
    entries = _gather(session, clinic_id=client.clinic_id, today=today, client_id=client.id)
    if not entries:
        return None
    return _profile_of(entries[0], _lots_of(session, entries, client.clinic_id), today)


def clinic_profiles(session: Session, *, clinic_id: int, today: dt.date) -> list[ClientProfile]:
    """The profile on ``today`` of every client of a clinic that has one (as
    :func:`client_profile`, in a few queries), by client id.

    Clients whose identity was anonymised are left out; a client whose records do not
    make a valid profile is listed with the reason (``problem``) instead.
    """
    entries = _gather(session, clinic_id=clinic_id, today=today, client_id=None)
    lots = _lots_of(session, entries, clinic_id)
    found = []
    for entry in entries:
        try:
            profile = _profile_of(entry, lots, today)
        except InputError as error:
            found.append(ClientProfile(entry.client_id, entry.ref, None, str(error)))
            continue
        found.append(ClientProfile(entry.client_id, entry.ref, profile))
    return found


def inputs_sha256(profile: Profile) -> str:
    """The sha256 of a profile's canonical JSON (every field, keys sorted): the key of
    the forecast cache, beside the fadecast version.

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.inputs.profile import parse_profile
    >>> tables = {
    ...     "person": {"birth_year": 1988, "skin": {"fitzpatrick": 2}},
    ...     "place": {"city": "Manchester"},
    ...     "lifestyle": {"outdoor_hours_weekday": 1.0, "outdoor_hours_weekend": 4.0},
    ... }
    >>> first = inputs_sha256(parse_profile(tables, today=dt.date(2026, 12, 1)))
    >>> len(first), first == inputs_sha256(parse_profile(tables, today=dt.date(2026, 12, 1)))
    (64, True)
    >>> tables["place"]["city"] = "Malaga"
    >>> inputs_sha256(parse_profile(tables, today=dt.date(2026, 12, 1))) == first
    False
    """
    text = json.dumps(
        profile.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the cache --------------------------------------------------------------------


@dataclass(frozen=True)
class PendingForecast:
    """A client whose cached forecast is missing or stale: the scenario to forecast and
    the hash of the profile it comes from."""

    client_id: int
    ref: str
    scenario: Scenario
    inputs_sha256: str


@dataclass(frozen=True)
class RefreshPlan:
    """What a refresh of a clinic's forecasts has to do (:func:`plan_refresh`).

    Attributes
    ----------
    pending
        The forecasts to (re)compute.
    up_to_date
        How many cached forecasts are current.
    remove
        Client ids whose cached forecast no longer stands (no profile any more, or one
        the records no longer make valid).
    failed
        ``(client ref, reason)`` of each client whose records do not make a forecast.
    """

    clinic_id: int
    today: dt.date
    samples: int
    seed: int
    pending: tuple[PendingForecast, ...]
    up_to_date: int
    remove: tuple[int, ...]
    failed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RefreshSummary:
    """What a refresh did: forecasts recomputed, found current, removed, and the clients
    left out with the reason."""

    clients: int
    recomputed: int
    up_to_date: int
    removed: int
    failed: tuple[tuple[str, str], ...]


def _checked_samples(samples: int) -> int:
    if isinstance(samples, bool) or not isinstance(samples, int) or not 10 <= samples <= 200_000:
        raise InputError("samples", f"must be a whole number from 10 to 200000, got {samples!r}")
    return samples


def plan_refresh(
    session: Session,
    *,
    clinic_id: int,
    today: dt.date,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> RefreshPlan:
    """Which of a clinic's forecasts are stale on ``today``: compares each client's
    cached forecast (fadecast version, inputs' sha256, draws) with the current ones.

    Only reads the records; the forecasts are computed by :func:`compute_forecasts`
    (no database needed, so that a long computation holds no lock) and stored by
    :func:`store_forecasts`.

    Raises
    ------
    InputError
        For ``samples`` outside 10-200000 or a ``today`` outside 1980-2999.
    """
    from fadecast.forecasting import scenario_from_profile
    from fadecast.forecasting.scenario import checked_today

    samples = _checked_samples(samples)
    today = checked_today(today)
    cached = {
        row.client_id: row
        for row in session.execute(
            select(
                ForecastCache.client_id,
                ForecastCache.model_version,
                ForecastCache.inputs_sha256,
                ForecastCache.summary,
            ).where(ForecastCache.clinic_id == clinic_id)
        )
    }
    pending: list[PendingForecast] = []
    failed: list[tuple[str, str]] = []
    keep: set[int] = set()
    for found in clinic_profiles(session, clinic_id=clinic_id, today=today):
        if found.profile is None:
            failed.append((found.ref, found.problem or "does not make a profile"))
            continue
        sha = inputs_sha256(found.profile)
        row = cached.get(found.client_id)
        summary = row.summary if row is not None and isinstance(row.summary, Mapping) else {}
        if (
            row is not None
            and row.model_version == __version__
            and row.inputs_sha256 == sha
            and summary.get("samples") == samples
            and summary.get("seed") == seed
        ):
            keep.add(found.client_id)
            continue
        try:
            scenario = scenario_from_profile(found.profile, today=today)
        except InputError as error:
            failed.append((found.ref, str(error)))
            continue
        pending.append(PendingForecast(found.client_id, found.ref, scenario, sha))
    leaving = set(cached) - keep - {p.client_id for p in pending}
    return RefreshPlan(
        clinic_id=clinic_id,
        today=today,
        samples=samples,
        seed=seed,
        pending=tuple(pending),
        up_to_date=len(keep),
        remove=tuple(sorted(leaving)),
        failed=tuple(failed),
    )


def compute_forecasts(
    plan: RefreshPlan, *, progress: Callable[[int], None] | None = None
) -> list[ForecastResult]:
    """The forecasts of a plan's pending clients, all at once with
    :func:`fadecast.forecasting.forecast_many` (no attribution), in the plan's order.

    ``progress`` is called with the number of clients done after each one.
    """
    if not plan.pending:
        return []
    from fadecast.forecasting import forecast_many

    return forecast_many(
        [p.scenario for p in plan.pending],
        samples=plan.samples,
        seed=plan.seed,
        today=plan.today,
        attribution=False,
        progress=progress,
    )


def _years(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def _cache_row(
    plan: RefreshPlan, pending: PendingForecast, result: ForecastResult, now: dt.datetime
) -> dict[str, Any]:
    from fadecast.forecasting import MODEL_VERSION

    personal = result.personal is not None and result.personal_dates is not None
    dates = result.personal_dates if personal else result.touchup_dates
    assert dates is not None
    sc = result.scenario
    summary = {
        "first_session": sc.first_session.isoformat(),
        "last_session": sc.session_dates[-1].isoformat(),
        "sessions": len(sc.session_dates),
        "touchup_years": [_years(y) for y in result.touchup_years],
        "personal": personal,
        "personal_touchup_years": None
        if result.personal is None
        else [_years(y) for y in result.personal.touchup_years],
        "measurements": len(sc.observations),
        "can_show": bool(result.can_show),
        "target_delta_e00": round(float(result.target_delta_e00), 3),
        "threshold_delta_e00": round(float(result.threshold_delta_e00), 3),
        "warnings": len(result.warnings),
        "samples": plan.samples,
        "seed": plan.seed,
        "today": plan.today.isoformat(),
        "model": MODEL_VERSION,
    }
    return {
        "client_id": pending.client_id,
        "clinic_id": plan.clinic_id,
        "model_version": __version__,
        "inputs_sha256": pending.inputs_sha256,
        "computed_at": now.replace(microsecond=0),
        "p10": dates[0],
        "p50": dates[1],
        "p90": dates[2],
        "personal": personal,
        "summary": summary,
    }


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the cache rows, replacing those of the same clients (atomic per row on
    both databases, so two refreshes at once never collide)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(ForecastCache)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(ForecastCache)  # type: ignore[assignment]
    columns = [c for c in rows[0] if c != "client_id"]
    statement = statement.on_conflict_do_update(
        index_elements=[ForecastCache.client_id],
        set_={c: statement.excluded[c] for c in columns},
    )
    session.execute(statement, rows)


def store_forecasts(
    session: Session,
    plan: RefreshPlan,
    results: Sequence[ForecastResult],
    *,
    actor: str,
    now: dt.datetime,
) -> RefreshSummary:
    """Store a plan's computed forecasts in the cache and remove the forecasts that no
    longer stand, with one audit entry (none when nothing changed).

    A client removed from the records since the plan was made is skipped.
    """
    if len(results) != len(plan.pending):
        raise ValueError(f"{len(plan.pending)} forecasts were planned, {len(results)} given")
    ids = [p.client_id for p in plan.pending]
    present: set[int] = set()
    for chunk in _chunks(ids):
        present.update(
            session.scalars(
                select(Client.id).where(Client.clinic_id == plan.clinic_id, Client.id.in_(chunk))
            )
        )
    rows = [
        _cache_row(plan, p, r, now)
        for p, r in zip(plan.pending, results, strict=True)
        if p.client_id in present
    ]
    _upsert(session, rows)
    removed = 0
    for chunk in _chunks(list(plan.remove)):
        result = session.execute(
            delete(ForecastCache).where(
                ForecastCache.clinic_id == plan.clinic_id, ForecastCache.client_id.in_(chunk)
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    if rows or removed:
        audit(
            session,
            clinic_id=plan.clinic_id,
            actor=actor,
            action="change",
            entity="forecast_cache",
            detail={
                "recomputed": len(rows),
                "removed": removed,
                "today": plan.today.isoformat(),
                "samples": plan.samples,
                "seed": plan.seed,
                "fadecast_version": __version__,
            },
            at=now,
        )
    session.flush()
    return RefreshSummary(
        clients=plan.up_to_date + len(plan.pending),
        recomputed=len(rows),
        up_to_date=plan.up_to_date,
        removed=removed,
        failed=plan.failed,
    )


def refresh_forecasts(
    session: Session,
    *,
    clinic_id: int,
    today: dt.date,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    actor: str,
    now: dt.datetime,
) -> RefreshSummary:
    """Bring a clinic's forecast cache up to date on ``today``: every stale forecast is
    recomputed, all together (:func:`plan_refresh`, :func:`compute_forecasts`,
    :func:`store_forecasts` in one session); current ones are left as they are.

    Parameters
    ----------
    clinic_id
        The clinic.
    today
        The day the profiles are taken on (sessions held, photos taken by then).
    samples
        Monte Carlo draws per client (default :data:`DEFAULT_SAMPLES`).
    seed
        The draws' seed.
    progress
        Called with the number of clients forecast so far.
    actor, now
        Who refreshes and when, for the audit log.

    Returns
    -------
    RefreshSummary
    """
    plan = plan_refresh(session, clinic_id=clinic_id, today=today, samples=samples, seed=seed)
    results = compute_forecasts(plan, progress=progress)
    return store_forecasts(session, plan, results, actor=actor, now=now)


# --- who is due -------------------------------------------------------------------


def _days(day: dt.date, origin: dt.date) -> int:
    return day.toordinal() - origin.toordinal()


def touchup_lognormal(
    first_session: dt.date,
    p10: dt.date | None,
    p50: dt.date | None,
    p90: dt.date | None,
) -> tuple[float, float] | None:
    """The log-normal of the time to the touch-up fitted to its P10/P50/P90 dates.

    Returns
    -------
    tuple of float or None
        ``(median, sigma)``: the median in days after the first session [d] and the
        sigma of the time's logarithm [1], from P10 and P90 (or from the median and
        whichever of them is known); None without a median (beyond the horizon).

    Examples
    --------
    >>> median, sigma = touchup_lognormal(
    ...     dt.date(2025, 3, 1), dt.date(2030, 3, 1), dt.date(2032, 3, 1), dt.date(2034, 9, 1))
    >>> median, round(sigma, 3)
    (2557.0, 0.251)
    """
    if p50 is None:
        return None
    floor = 0.5  # a day's half: no time is zero

    def log_days(day: dt.date) -> float:
        return math.log(max(float(_days(day, first_session)), floor))

    median = max(float(_days(p50, first_session)), floor)
    if p10 is not None and p90 is not None:
        sigma = (log_days(p90) - log_days(p10)) / (2.0 * Z90)
    elif p10 is not None:
        sigma = (math.log(median) - log_days(p10)) / Z90
    elif p90 is not None:
        sigma = (log_days(p90) - math.log(median)) / Z90
    else:
        sigma = 0.0
    return median, max(sigma, 0.0)


def _cdf(days: float, median: float, sigma: float) -> float:
    """The share of touch-ups due before ``days`` after the first session."""
    if days <= 0.0:
        return 0.0
    if sigma == 0.0:
        return 1.0 if days > median else 0.0
    z = (math.log(days) - math.log(median)) / sigma
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def touchup_probability(
    first_session: dt.date,
    p10: dt.date | None,
    p50: dt.date | None,
    p90: dt.date | None,
    start: dt.date,
    end: dt.date,
) -> float:
    """The chance that the touch-up falls due from ``start`` to ``end`` (both included).

    The time from the first session to the touch-up is log-normal, its median the P50
    and its sigma ``(ln t90 - ln t10) / (2 z90)`` (:func:`touchup_lognormal`); the
    chance is the difference of its distribution at the start of ``start`` and the end
    of ``end``. Without a median (beyond the forecast's horizon) it is 0; so it is for
    an empty span (``end`` before ``start``).

    Returns
    -------
    float
        In [0, 1]. [1]

    Examples
    --------
    >>> first = dt.date(2025, 3, 1)
    >>> p10, p50, p90 = dt.date(2030, 3, 1), dt.date(2032, 3, 1), dt.date(2034, 9, 1)
    >>> year = dt.date(2032, 1, 1), dt.date(2032, 12, 31)
    >>> round(touchup_probability(first, p10, p50, p90, *year), 3)
    0.212
    >>> touchup_probability(first, p10, p50, p90, first, p50 - dt.timedelta(days=1))
    0.5
    """
    fitted = touchup_lognormal(first_session, p10, p50, p90)
    if fitted is None or end < start:
        return 0.0
    median, sigma = fitted
    high = _cdf(float(_days(end, first_session) + 1), median, sigma)
    low = _cdf(float(_days(start, first_session)), median, sigma)
    return min(max(high - low, 0.0), 1.0)


def _contacts(email: str | None, phone: str | None) -> str:
    return ", ".join(c for c in (email, phone) if c) or "none recorded"


@dataclass(frozen=True)
class DueRow:
    """A client whose touch-up is likely due in a span.

    Attributes
    ----------
    p10, p50, p90
        The touch-up dates: 1 in 10 forecasts earlier, the median, 9 in 10 earlier
        (None beyond the horizon).
    personal
        Whether the client's photos calibrated the forecast.
    next_booked, next_booked_kind
        The client's next booked session and its kind (None: none booked).
    probability
        The chance that the touch-up falls due in the span. [1]
    """

    client_id: int
    client_ref: str
    name: str
    email: str | None
    phone: str | None
    p10: dt.date | None
    p50: dt.date
    p90: dt.date | None
    personal: bool
    next_booked: dt.date | None
    next_booked_kind: str | None
    probability: float

    @property
    def contacts(self) -> str:
        """The email and phone, or ``none recorded``."""
        return _contacts(self.email, self.phone)


@dataclass(frozen=True)
class PerfectingRow:
    """A client whose perfecting session falls due in a span (6-8 weeks after the
    initial session, with no perfecting session since)."""

    client_id: int
    client_ref: str
    name: str
    email: str | None
    phone: str | None
    initial: dt.date
    due_from: dt.date
    due_until: dt.date
    next_booked: dt.date | None
    next_booked_kind: str | None

    @property
    def contacts(self) -> str:
        """The email and phone, or ``none recorded``."""
        return _contacts(self.email, self.phone)


def _checked_span(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise InputError("start", f"must be on or before the end ({end}), got {start}")


def next_booked_sessions(
    session: Session, *, clinic_id: int, client_ids: Iterable[int], after: dt.date
) -> dict[int, tuple[dt.date, str]]:
    """Each client's earliest booked session on or after ``after``: its date and kind,
    by client id (clients with none are left out)."""
    found: dict[int, tuple[dt.date, str]] = {}
    for chunk in _chunks(sorted(set(client_ids))):
        query = (
            select(Course.client_id, TreatmentSession.date, TreatmentSession.kind)
            .join(Course, TreatmentSession.course_id == Course.id)
            .where(
                TreatmentSession.clinic_id == clinic_id,
                Course.clinic_id == clinic_id,
                TreatmentSession.state == "booked",
                TreatmentSession.date >= after,
                Course.client_id.in_(chunk),
            )
            .order_by(Course.client_id, TreatmentSession.date, TreatmentSession.id)
        )
        for cid, day, kind in session.execute(query):
            found.setdefault(cid, (day, kind))
    return found


def least_chance(start: dt.date, end: dt.date) -> float:
    """The least chance of falling due from ``start`` to ``end`` for ``due`` to list a
    client: :data:`MIN_PROBABILITY` for a span of a year or more, in proportion for a
    shorter one. [1]

    Examples
    --------
    >>> round(least_chance(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), 3)
    0.05
    >>> round(least_chance(dt.date(2027, 3, 1), dt.date(2027, 3, 31)), 4)
    0.0042
    """
    days = (end - start).days + 1
    return MIN_PROBABILITY * min(1.0, days / 365.25)


def due_clients(
    session: Session,
    *,
    clinic_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    min_probability: float | None = None,
) -> list[DueRow]:
    """The clients whose touch-up is likely due from ``start`` to ``end`` (both
    included), most likely first, from the cached forecasts.

    The chance is :func:`touchup_probability` of the cached P10/P50/P90 dates: a
    log-normal in the time since the first session with its median at P50 and sigma
    ``(ln t90 - ln t10) / (2 * 1.2816)``, its difference at the span's ends. Clients with
    a chance of ``min_probability`` (default :func:`least_chance`) or more are listed, ranked
    by it (then by the median date and the reference: the same list every time).
    Refresh the cache first (:func:`refresh_forecasts`).

    Parameters
    ----------
    today
        The next booked session is the first on or after it (default ``start``).

    Raises
    ------
    InputError
        When ``start`` is after ``end``.
    """
    _checked_span(start, end)
    least = least_chance(start, end) if min_probability is None else min_probability
    query = (
        select(
            ForecastCache.client_id,
            ForecastCache.p10,
            ForecastCache.p50,
            ForecastCache.p90,
            ForecastCache.personal,
            ForecastCache.summary,
            Client.ref,
            Client.name,
            Client.email,
            Client.phone,
        )
        .join(Client, Client.id == ForecastCache.client_id)
        .where(
            ForecastCache.clinic_id == clinic_id,
            Client.clinic_id == clinic_id,
            Client.anonymised_at.is_(None),
            ForecastCache.p50.is_not(None),
        )
    )
    likely = []
    for row in session.execute(query):
        summary = row.summary if isinstance(row.summary, Mapping) else {}
        try:
            first = dt.date.fromisoformat(str(summary.get("first_session")))
        except ValueError:
            continue  # not a cache row this code wrote: the next refresh replaces it
        chance = touchup_probability(first, row.p10, row.p50, row.p90, start, end)
        if chance >= least:
            likely.append((row, chance))
    likely.sort(key=lambda item: (-item[1], item[0].p50, item[0].ref))
    booked = next_booked_sessions(
        session,
        clinic_id=clinic_id,
        client_ids=[row.client_id for row, _ in likely],
        after=start if today is None else today,
    )
    rows = []
    for row, chance in likely:
        visit = booked.get(row.client_id)
        rows.append(
            DueRow(
                client_id=row.client_id,
                client_ref=row.ref,
                name=row.name,
                email=row.email,
                phone=row.phone,
                p10=row.p10,
                p50=row.p50,
                p90=row.p90,
                personal=bool(row.personal),
                next_booked=None if visit is None else visit[0],
                next_booked_kind=None if visit is None else visit[1],
                probability=chance,
            )
        )
    return rows


def _shifted(day: dt.date, days: int) -> dt.date:
    ordinal = min(max(day.toordinal() + days, dt.date.min.toordinal()), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal)


def perfecting_due(
    session: Session,
    *,
    clinic_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> list[PerfectingRow]:
    """The fixed clinical reminder: clients whose perfecting session falls due from
    ``start`` to ``end``.

    A course's perfecting session is due from 42 to 56 days (6 to 8 weeks,
    :data:`PERFECTING_DAYS`) after its initial session (its first, booked or held),
    unless the course has a perfecting session after it (booked or held). A client is
    listed when a day of the span is in that window; rows are ordered by the window's
    first day, then the reference.

    Parameters
    ----------
    today
        The next booked session is the first on or after it (default ``start``).

    Raises
    ------
    InputError
        When ``start`` is after ``end``.
    """
    _checked_span(start, end)
    low, high = PERFECTING_DAYS
    earliest, latest = _shifted(start, -high), _shifted(end, -low)
    first_initial = func.min(TreatmentSession.date)
    initials = session.execute(
        select(TreatmentSession.course_id, first_initial)
        .where(TreatmentSession.clinic_id == clinic_id, TreatmentSession.kind == "initial")
        .group_by(TreatmentSession.course_id)
        .having(first_initial >= earliest, first_initial <= latest)
    ).tuples()
    initial_of: dict[int, dt.date] = {}
    for course_id, day in initials:
        initial_of[course_id] = day
    perfected: set[int] = set()
    owners: dict[int, int] = {}
    for chunk in _chunks(sorted(initial_of)):
        for course_id, day in session.execute(
            select(TreatmentSession.course_id, TreatmentSession.date).where(
                TreatmentSession.clinic_id == clinic_id,
                TreatmentSession.kind == "perfecting",
                TreatmentSession.course_id.in_(chunk),
            )
        ):
            if day > initial_of[course_id]:
                perfected.add(course_id)
        owned = select(Course.id, Course.client_id).where(
            Course.clinic_id == clinic_id, Course.id.in_(chunk)
        )
        for course_id, cid in session.execute(owned).tuples():
            owners[course_id] = cid
    wanted = {cid for course_id, cid in owners.items() if course_id not in perfected}
    people: dict[int, Client] = {}
    for chunk in _chunks(sorted(wanted)):
        for known in session.scalars(
            select(Client).where(
                Client.clinic_id == clinic_id,
                Client.anonymised_at.is_(None),
                Client.id.in_(chunk),
            )
        ):
            people[known.id] = known
    booked = next_booked_sessions(
        session, clinic_id=clinic_id, client_ids=people, after=start if today is None else today
    )
    rows = []
    for course_id, initial in initial_of.items():
        person = people.get(owners.get(course_id, -1))
        if course_id in perfected or person is None:
            continue
        visit = booked.get(person.id)
        rows.append(
            PerfectingRow(
                client_id=person.id,
                client_ref=person.ref,
                name=person.name,
                email=person.email,
                phone=person.phone,
                initial=initial,
                due_from=_shifted(initial, low),
                due_until=_shifted(initial, high),
                next_booked=None if visit is None else visit[0],
                next_booked_kind=None if visit is None else visit[1],
            )
        )
    rows.sort(key=lambda r: (r.due_from, r.client_ref, r.initial))
    return rows


# --- plain words ------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_text(day: dt.date) -> str:
    """A day's month and year, as people say it.

    Examples
    --------
    >>> month_text(dt.date(2031, 7, 14))
    'July 2031'
    """
    return f"{_MONTHS[day.month - 1]} {day.year}"


def due_window_text(p10: dt.date | None, p50: dt.date | None, p90: dt.date | None) -> str:
    """A forecast touch-up window in months: between the P10 and P90 months, and the
    median's month.

    Examples
    --------
    >>> due_window_text(dt.date(2031, 3, 2), dt.date(2031, 7, 1), dt.date(2031, 11, 20))
    'likely due between March and November 2031, median July 2031'
    >>> due_window_text(dt.date(2030, 12, 2), dt.date(2031, 7, 1), dt.date(2032, 1, 20))
    'likely due between December 2030 and January 2032, median July 2031'
    >>> due_window_text(dt.date(2031, 3, 2), dt.date(2031, 7, 1), None)
    'likely due from March 2031 (the later end is beyond the forecast), median July 2031'
    >>> due_window_text(None, None, None)
    'no touch-up is forecast'
    """
    if p50 is None:
        if p10 is None:
            return "no touch-up is forecast"
        return f"likely due from {month_text(p10)}, the median beyond the forecast"
    median = month_text(p50)
    if p10 is None:
        return f"median {median}"
    if p90 is None:
        return (
            f"likely due from {month_text(p10)} (the later end is beyond the forecast), "
            f"median {median}"
        )
    if (p10.year, p10.month) == (p90.year, p90.month):
        return f"likely due in {median}"
    early = _MONTHS[p10.month - 1] if p10.year == p90.year else month_text(p10)
    return f"likely due between {early} and {month_text(p90)}, median {median}"
