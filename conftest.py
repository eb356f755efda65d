"""Settings shared by the tests (tests/) and the examples in the docstrings (src/).

The records' fixtures (``db_url``, ``records``) give each test an empty database of each
kind: a fresh SQLite file and a fresh PostgreSQL database (on the server at
``FADECAST_TEST_POSTGRES``, by default ``postgresql://postgres@127.0.0.1:5432/test``,
which ``.ci/run`` starts), made for the test and dropped after it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from fadecast.records.database import Database, open_database, upgrade

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# colour-science warns about optional dependencies on import; the project does not use them.
os.environ.setdefault("COLOUR_SCIENCE__FILTER_USAGE_WARNINGS", "1")

# Hypothesis keeps no example database, and its caches go to the temporary folder: tests
# never write into the working directory.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fadecast-hypothesis")
)
# The default run is bounded and the same every time (CI); FADECAST_FUZZ=release draws
# afresh and twenty times as many examples (docs/limits.md).
settings.register_profile("bounded", database=None, derandomize=True, max_examples=100)
settings.register_profile("release", database=None, max_examples=2000)
settings.load_profile(os.environ.get("FADECAST_FUZZ", "bounded"))


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with no space left: a small tmpfs filled to the last block."""
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        with contextlib.suppress(OSError), (folder / "filler").open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture(autouse=True)
def numpy_prints_as_documented() -> Iterator[None]:
    """numpy's own print style in every test and example.

    colour-science sets numpy's legacy (1.13) print style when it is imported, as tests that
    compare against it do; the examples in the docstrings show numpy's current style.
    """
    with np.printoptions(legacy=False):
        yield


#: The server the PostgreSQL runs use (its database ``test`` is where new ones are made).
POSTGRES = os.environ.get("FADECAST_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: The moment the tests take as now (naive UTC).
NOW = dt.datetime(2026, 12, 1, 10, 0, 0)


def _admin_url() -> URL:
    return make_url(POSTGRES).set(drivername="postgresql+psycopg")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "records" / "clinic.sqlite")
        return
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"fadecast_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is part of the test set-up: say so plainly
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES} is needed for the records tests: {error}")
    try:
        yield _admin_url().set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def records(db_url: str) -> Iterator[Database]:
    """Open records at the newest schema, of each kind."""
    upgrade(db_url)
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()


#: Alembic's migration scripts run only under Alembic (its environment reads the
#: migration context on import): they are not modules to collect doctests from.
collect_ignore_glob = ["src/fadecast/records/migrations/*"]


#: Debian's Chromium, which the browser tests drive (never a browser Playwright downloads).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# The size each shown text is drawn at, in CSS px, of every element holding its own text:
# its computed font size, times the scale its SVG is drawn at for text in a chart (a
# chart's text is sized in the chart's own units).
_DRAWN_FONT_SIZES_JS = """() => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden' || box.width <= 1) continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGGraphicsElement) {
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    found.push([el.tagName.toLowerCase(), size, el.textContent.trim().slice(0, 40)]);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def drawn_font_sizes() -> Callable[[Page], list[tuple[str, float, str]]]:
    """A function giving every shown text of a page as (tag, drawn size [CSS px], its
    first 40 characters)."""

    def sizes(page: Page) -> list[tuple[str, float, str]]:
        found = page.evaluate(_DRAWN_FONT_SIZES_JS)
        return [(str(tag), float(size), str(text)) for tag, size, text in found]

    return sizes
