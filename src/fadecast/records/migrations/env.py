"""Alembic's environment for the records: migrations run on the engine that
:func:`fadecast.records.database.upgrade` hands over (never from a config file)."""

from __future__ import annotations

from alembic import context

from fadecast.records.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
