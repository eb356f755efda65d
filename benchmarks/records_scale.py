"""A clinic group's records at scale: 20,000 clients and 100,000 sessions over 10 clinics.

The group is generated (seeded, the same every run): each clinic's clients with varied
profiles (30 cities, every skin type, habits), a course each and five sessions each (an
initial session, two perfecting sessions, touch-ups years later, a few booked ahead),
every session with a pigment lot of one of three products, and a procedure consent
each. It is written as the CSV files a clinic leaving its old software would bring, and
on SQLite and on PostgreSQL it is timed:

- **bulk import**: ``fadecast.records.bulk.import_csv`` of each clinic's files (clients,
  products, lots, courses, consents, sessions), one transaction per file, as
  ``fadecast clinic import-csv`` does; PostgreSQL's statistics are then gathered
  (``ANALYZE``, what its autovacuum does after a bulk load);
- **every forecast recomputed** (on SQLite): the records read into profiles
  (``plan_refresh``), every client forecast with ``forecast_many`` (500 draws, no
  attribution, as ``fadecast clinic due`` does), the cache written; the time per client
  beside ``forecast`` called one client at a time on 200 of them with the same draws
  (the baseline). The same forecasts are then stored on PostgreSQL;
- **interactive lookups on the cached forecasts**: ``due`` for a month
  (``due_clients`` and ``perfecting_due`` for one clinic, 2,000 clients) and ``recall``
  of a lot (``sessions_with_lot``), the median of repeated runs, PostgreSQL beside
  SQLite. Target: well under a second on PostgreSQL.

Needs the PostgreSQL server (``FADECAST_BENCH_POSTGRES``, by default
``postgresql://postgres@127.0.0.1:5432/test``; a database ``fadecast_bench`` is made
and dropped). Run ``python benchmarks/records_scale.py``; it prints Markdown and takes
about 20 minutes (``--clinics 2 --clients 500`` for a quick look).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fadecast.records.bulk import import_csv
from fadecast.records.clinics import add_clinic
from fadecast.records.consents import add_form
from fadecast.records.database import Database, open_database, upgrade
from fadecast.records.forecasts import (
    compute_forecasts,
    due_clients,
    perfecting_due,
    plan_refresh,
    store_forecasts,
)
from fadecast.records.lookups import sessions_with_lot
from harness import machine_facts, progress

POSTGRES = os.environ.get("FADECAST_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DATABASE = "fadecast_bench"
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 0, 0)
SEED = 20261202
#: Monte Carlo draws of each client's forecast (as ``fadecast clinic due``).
SAMPLES = 500
#: Target of the lookups on PostgreSQL. [s]
TARGET_LOOKUP_S = 1.0
#: Clients of the baseline: ``forecast`` called one client at a time.
LOOP_CLIENTS = 200
#: Repeats of each lookup (the median is shown).
LOOKUP_RUNS = 7
CITIES = (
    "London",
    "Manchester",
    "Glasgow",
    "Dublin",
    "Madrid",
    "Seville",
    "Lisbon",
    "Paris",
    "Marseille",
    "Berlin",
    "Munich",
    "Rome",
    "Athens",
    "Istanbul",
    "Oslo",
    "Stockholm",
    "New York",
    "Miami",
    "Los Angeles",
    "Toronto",
    "Mexico City",
    "Bogota",
    "Lagos",
    "Nairobi",
    "Cape Town",
    "Dubai",
    "Mumbai",
    "Singapore",
    "Sydney",
    "Brisbane",
)
PRODUCTS = (
    ("Acme", "Scalp Black", "carbon-black"),
    ("Nordpig", "Umber", "iron-oxide"),
    ("Vivid", "Soft Charcoal", "organic-blend"),
)


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return path


def make_clinic_files(
    folder: Path, clinic: int, clients: int, rng: np.random.Generator
) -> dict[str, Path]:
    """One clinic's CSV files: clients, products, lots, courses, consents, sessions."""
    years = range(2010, 2029)
    lots = [
        (b, p, f"{b[:2].upper()}{clinic:02d}-{y}", f"{y + 2}-12-31")
        for b, p, _ in PRODUCTS
        for y in years
    ]
    files = {
        "products": _write(
            folder / "products.csv",
            ("brand", "name", "pigment_class", "ingredients"),
            [(b, p, c, "pigment, aqua, glycerin") for b, p, c in PRODUCTS],
        ),
        "lots": _write(folder / "lots.csv", ("brand", "product", "lot", "expiry"), lots),
    }
    client_rows, course_rows, consent_rows, session_rows = [], [], [], []
    for i in range(clients):
        ref = f"K{clinic:02d}-{i:05d}"
        birth = dt.date(
            int(rng.integers(1950, 2004)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        weekday = float(rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 6.0, 8.0]))
        client_rows.append(
            (
                ref,
                f"Client {clinic}-{i}",
                birth.isoformat(),
                f"{ref.lower()}@example.org",
                f"+44 161 {rng.integers(1000000, 9999999)}",
                "2010-01-01",
                int(rng.integers(1, 7)),
                str(rng.choice(CITIES)),
                weekday,
                round(weekday + float(rng.uniform(0, 4)), 1),
                int(rng.integers(0, 5)),
                round(float(rng.uniform(0, 0.8)), 2),
                int(rng.choice([0, 0, 0, 10, 30])),
            )
        )
        first = dt.date(
            int(rng.integers(2012, 2027)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        if first > TODAY:
            first = TODAY - dt.timedelta(days=int(rng.integers(60, 400)))
        first = max(first, dt.date(birth.year + 18, 1, 1))
        course_rows.append(
            (ref, first.isoformat(), float(rng.choice([150.0, 250.0, 400.0, 600.0])))
        )
        consent_rows.append(
            (ref, "procedure", f"Client {clinic}-{i}", f"{first.isoformat()} 09:00", "paper")
        )
        brand, product, _ = PRODUCTS[int(rng.integers(0, len(PRODUCTS)))]
        dates = [first, first + dt.timedelta(days=14), first + dt.timedelta(days=42)]
        later = first + dt.timedelta(days=int(rng.integers(900, 2400)))
        dates += [later, later + dt.timedelta(days=int(rng.integers(900, 2400)))]
        for k, day in enumerate(dates):
            if day > TODAY + dt.timedelta(days=700):
                day = TODAY + dt.timedelta(days=int(rng.integers(1, 700)))
            kind = ("initial", "perfecting", "perfecting", "touch-up", "touch-up")[k]
            lot = f"{brand[:2].upper()}{clinic:02d}-{day.year}"
            session_rows.append(
                (ref, day.isoformat(), kind, f"Practitioner {k % 3}", lot, brand, product)
            )
    files["clients"] = _write(
        folder / "clients.csv",
        (
            "ref",
            "name",
            "birth_date",
            "email",
            "phone",
            "profile_from",
            "skin_fitzpatrick",
            "city",
            "outdoor_hours_weekday",
            "outdoor_hours_weekend",
            "holiday_weeks",
            "hat_share",
            "sunbed_sessions_per_year",
        ),
        client_rows,
    )
    files["courses"] = _write(
        folder / "courses.csv", ("client_ref", "started_on", "area_cm2"), course_rows
    )
    files["consents"] = _write(
        folder / "consents.csv",
        ("client_ref", "scope", "signed_name", "signed_at", "source"),
        consent_rows,
    )
    files["sessions"] = _write(
        folder / "sessions.csv",
        ("client_ref", "date", "kind", "practitioner", "lot", "brand", "product"),
        session_rows,
    )
    return files


ORDER = ("clients", "products", "lots", "courses", "consents", "sessions")


def import_group(database: Database, group: list[dict[str, Path]]) -> tuple[float, int, int]:
    """Seconds to import every clinic's files, and the clients and sessions imported."""
    clients = sessions = 0
    start = time.perf_counter()
    for number, files in enumerate(group, start=1):
        with database.transaction() as session:
            clinic = add_clinic(session, name=f"Clinic {number}", actor="bench", now=NOW)
            add_form(
                session,
                clinic_id=clinic.id,
                scope="procedure",
                version="1",
                text="I consent to the procedure.",
                actor="bench",
                now=NOW,
            )
            clinic_id = clinic.id
        for kind in ORDER:
            with database.transaction() as session:
                done = import_csv(
                    session,
                    clinic_id=clinic_id,
                    kind=kind,
                    path=files[kind],
                    actor="bench",
                    now=NOW,
                )
            clients += done.rows if kind == "clients" else 0
            sessions += done.rows if kind == "sessions" else 0
        progress(f"  clinic {number} imported ({time.perf_counter() - start:.0f} s)")
    return time.perf_counter() - start, clients, sessions


def median_time(work: Callable[[], object], runs: int = LOOKUP_RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def lookups(database: Database) -> dict[str, float]:
    """Median seconds of ``due`` for a month and ``recall`` of a lot, for clinic 1."""
    with database.transaction() as session:
        clinic_id = 1
        lot = "AC01-2019"

        def due() -> object:
            start, end = dt.date(2027, 3, 1), dt.date(2027, 3, 31)
            return (
                due_clients(session, clinic_id=clinic_id, start=start, end=end, today=TODAY),
                perfecting_due(session, clinic_id=clinic_id, start=start, end=end),
            )

        def recall() -> object:
            return sessions_with_lot(
                session, clinic_id=clinic_id, lot_number=lot, today=TODAY, actor="bench", now=NOW
            )

        due_rows = len(due()[0])  # type: ignore[index]
        recall_rows = len(recall())  # type: ignore[arg-type]
        return {
            "due": median_time(due),
            "recall": median_time(recall),
            "due_rows": due_rows,
            "recall_rows": recall_rows,
        }


def postgres_url() -> tuple[str, Callable[[], None]]:
    admin = make_url(POSTGRES).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        engine.dispose()

    return admin.set(database=BENCH_DATABASE).render_as_string(hide_password=False), drop


def loop_seconds_per_client(plan: Any, count: int) -> float:
    """Seconds per client of ``forecast`` called one client at a time on the first
    ``count`` clients of a plan (the baseline: what the cache would cost without
    ``forecast_many``)."""
    import fadecast

    chosen = [p.scenario for p in plan.pending[:count]]
    start = time.perf_counter()
    for scenario in chosen:
        fadecast.forecast(scenario, samples=SAMPLES, seed=0, today=TODAY, attribution=False)
    return (time.perf_counter() - start) / max(len(chosen), 1)


def report(clinics: int, clients: int, *, machine: bool = True) -> str:
    rng = np.random.default_rng(SEED)
    folder = Path(tempfile.mkdtemp(prefix="fadecast-bench-"))
    group = []
    for number in range(1, clinics + 1):
        sub = folder / f"clinic-{number}"
        sub.mkdir()
        group.append(make_clinic_files(sub, number, clients, rng))
    progress(f"generated {clinics} clinics x {clients} clients in {folder}")
    figures: dict[str, dict[str, Any]] = {}
    sqlite_url = str(folder / "group.sqlite")
    pg_url, drop = postgres_url()
    try:
        for name, url in (("SQLite", sqlite_url), ("PostgreSQL", pg_url)):
            progress(f"{name}: importing")
            upgrade(url)
            database = open_database(url)
            seconds, n_clients, n_sessions = import_group(database, group)
            if name == "PostgreSQL":
                with database.engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            figures[name] = {
                "import": seconds,
                "clients": n_clients,
                "sessions": n_sessions,
                "database": database,
            }
        progress("forecasting every client (SQLite)")
        sqlite_db: Database = figures["SQLite"]["database"]
        pg_db: Database = figures["PostgreSQL"]["database"]
        plan_s = compute_s = store_s = 0.0
        forecast_count = 0
        stored_pg = 0.0
        for clinic_id in range(1, clinics + 1):
            start = time.perf_counter()
            with sqlite_db.transaction() as session:
                plan = plan_refresh(session, clinic_id=clinic_id, today=TODAY, samples=SAMPLES)
            plan_s += time.perf_counter() - start
            start = time.perf_counter()
            results = compute_forecasts(plan)
            compute_s += time.perf_counter() - start
            start = time.perf_counter()
            with sqlite_db.transaction() as session:
                store_forecasts(session, plan, results, actor="bench", now=NOW)
            store_s += time.perf_counter() - start
            forecast_count += len(results)
            by_ref = {p.ref: r for p, r in zip(plan.pending, results, strict=True)}
            start = time.perf_counter()
            with pg_db.transaction() as session:
                pg_plan = plan_refresh(session, clinic_id=clinic_id, today=TODAY, samples=SAMPLES)
                store_forecasts(
                    session,
                    pg_plan,
                    [by_ref[p.ref] for p in pg_plan.pending],
                    actor="bench",
                    now=NOW,
                )
            stored_pg += time.perf_counter() - start
            progress(f"  clinic {clinic_id}: {len(results)} forecasts ({compute_s:.0f} s)")
        with sqlite_db.transaction() as session:  # clinic 1 again, forecast one by one
            replan = plan_refresh(session, clinic_id=1, today=TODAY, samples=SAMPLES + 1)
        baseline = loop_seconds_per_client(replan, LOOP_CLIENTS)
        for name in ("SQLite", "PostgreSQL"):
            figures[name].update(lookups(figures[name]["database"]))
    finally:
        for entry in figures.values():
            entry["database"].close()
        drop()
    per_client = (plan_s + compute_s + store_s) / max(forecast_count, 1)
    sq, pg = figures["SQLite"], figures["PostgreSQL"]
    lines = [
        "### Clinic records at scale (`benchmarks/records_scale.py`)",
        "",
        *([machine_facts()] if machine else []),
        f"- PostgreSQL {_server_version()}; SQLite {_sqlite_version()}",
        "",
        f"A generated clinic group: {clinics} clinics, {sq['clients']:,} clients, "
        f"{sq['sessions']:,} sessions (seed {SEED}). Lookups on clinic 1 "
        f"({clients:,} clients), the median of {LOOKUP_RUNS} runs.",
        "",
        "| measurement | SQLite | PostgreSQL | target | result |",
        "|---|---:|---:|---|---|",
        _row(
            "bulk import of every clinic's CSV files",
            f"{sq['import']:.0f} s",
            f"{pg['import']:.0f} s",
        ),
        _row(
            "per client (with its course, 5 sessions and a consent)",
            f"{1000 * sq['import'] / sq['clients']:.1f} ms",
            f"{1000 * pg['import'] / pg['clients']:.1f} ms",
        ),
        _row(
            f"`due` for a month ({sq['due_rows']} clients listed)",
            f"{1000 * sq['due']:.0f} ms",
            f"{1000 * pg['due']:.0f} ms",
            met=pg["due"] <= TARGET_LOOKUP_S,
        ),
        _row(
            f"`recall` of a lot ({sq['recall_rows']} sessions)",
            f"{1000 * sq['recall']:.0f} ms",
            f"{1000 * pg['recall']:.0f} ms",
            met=pg["recall"] <= TARGET_LOOKUP_S,
        ),
        "",
        f"Every forecast recomputed ({forecast_count:,} clients, {SAMPLES} draws each, on "
        f"SQLite): reading the records {plan_s:.0f} s, forecasting {compute_s:.0f} s, "
        f"storing {store_s:.0f} s; **{1000 * per_client:.1f} ms per client** against "
        f"**{1000 * baseline:.1f} ms** per client for `forecast` called one client at a "
        f"time on {LOOP_CLIENTS} of them (the baseline, measured after on the same "
        f"machine){_sharing(baseline, per_client)}. "
        f"Storing the same forecasts on PostgreSQL took {stored_pg:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def _sharing(baseline: float, per_client: float) -> str:
    """What the per-client time says beside one forecast's."""
    ratio = per_client / baseline
    if ratio < 0.9:
        return (
            f": {1 / ratio:.1f}× less per client, as `forecast_many` shares the work of "
            "the clients' places and like profiles"
        )
    if ratio <= 1.1:
        return ": about the same per client"
    return (
        f": {ratio:.1f}× as much per client, the clients' profiles differing too much for "
        "`forecast_many` to share their draws"
    )


def _row(measurement: str, sqlite: str, postgres: str, *, met: bool | None = None) -> str:
    if met is None:
        return f"| {measurement} | {sqlite} | {postgres} | — | — |"
    verdict = "**PASS**" if met else "**FAIL**"
    return f"| {measurement} | {sqlite} | {postgres} | ≤ 1 s on PostgreSQL | {verdict} |"


def _server_version() -> str:
    engine = create_engine(make_url(POSTGRES).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clinics", type=int, default=10)
    parser.add_argument("--clients", type=int, default=2000, help="clients per clinic")
    parser.add_argument("--no-machine", action="store_true", help="leave out the machine facts")
    args = parser.parse_args(argv)
    sys.stdout.write(report(args.clinics, args.clients, machine=not args.no_machine))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
