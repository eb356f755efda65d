"""A clinic's records: clients, courses, sessions with pigment lots, consents, photos,
and the recalls the forecast drives.

A shell at the edge of fadecast (the core never imports it), on SQLAlchemy 2 with
Alembic migrations: SQLite by default, PostgreSQL for a clinic group
(:mod:`fadecast.records.database`). Every function that reads or writes takes the
clinic it acts for and is scoped by it.
"""
