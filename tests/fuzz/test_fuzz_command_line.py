"""Fuzzing the command line: options and output paths.

Each command line either succeeds (exit 0) or ends with exactly one line
``fadecast: error: FIELD: ...`` and exit 2; a refused command leaves the folder it was
pointed at as it was. Runs :func:`fadecast.cli.main` in this process.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fadecast.cli import main
from fadecast.errors import InputError
from fadecast.report.files import check_output_file, write_files

EXAMPLES = Path(__file__).parents[2] / "src" / "fadecast" / "examples"
OFFICE = EXAMPLES / "temperate-office-worker.toml"
TODAY = "2026-11-23"
SLOW = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ERROR_LINE = re.compile(r"^fadecast: error: \S+.{8,}\n$", re.DOTALL)

numbers_as_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        ["", " ", "1e400", "-0", "0x10", "1_000", "nan", "inf", "9" * 5000, "1,5", "١٢"]
    ),
    st.text(max_size=12),
)
dates_as_text = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9990-06-01", "0001-01-01", "2026-02-30", "2026-11-23T10:00", "today", ""]),
    st.text(max_size=12),
)


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    out, err = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), out, err


def check(code: int, err: str) -> None:
    if code == 0:
        return
    assert code == 2, err
    assert ERROR_LINE.match(err), repr(err)


@SLOW
@given(
    st.one_of(st.none(), dates_as_text),
    st.one_of(st.none(), numbers_as_text),
    st.one_of(st.none(), numbers_as_text),
)
def test_fuzz_forecast_options(
    capsys: pytest.CaptureFixture[str], today: str | None, samples: str | None, seed: str | None
) -> None:
    argv = ["forecast", str(OFFICE), "--json"]
    argv += ["--today", today] if today is not None else ["--today", TODAY]
    argv += ["--samples", samples] if samples is not None else ["--samples", "20"]
    if seed is not None:
        argv += ["--seed", seed]
    if samples is not None and samples.strip().isdigit() and int(samples) > 2000:
        argv[argv.index("--samples") + 1] = "2000"
    check(*run(capsys, argv)[::2])


@SLOW
@given(
    st.one_of(st.none(), numbers_as_text),
    st.one_of(st.none(), numbers_as_text),
    st.one_of(st.none(), st.text(max_size=5), st.sampled_from(["EUR", "eur", "€", "US$"])),
)
def test_fuzz_plan_options(
    capsys: pytest.CaptureFixture[str],
    until_age: str | None,
    price: str | None,
    currency: str | None,
) -> None:
    argv = ["plan", str(OFFICE), "--samples", "20", "--today", TODAY, "--json"]
    for option, value in (
        ("--until-age", until_age),
        ("--price-per-session", price),
        ("--currency", currency),
    ):
        if value is not None:
            argv += [option, value]
    check(*run(capsys, argv)[::2])


years_text = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6).map(
        lambda v: ",".join(map(repr, v))
    ),
    st.text(alphabet="0123456789,.- e", max_size=20),
)


@SLOW
@given(years_text, st.one_of(st.none(), numbers_as_text), st.one_of(st.none(), numbers_as_text))
def test_fuzz_render_options(
    capsys: pytest.CaptureFixture[str], years: str, size_mm: str | None, hairline_mm: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "render"
        argv = ["render", str(OFFICE), "--out", str(out), "--years", years, "--px-per-mm", "2"]
        argv += ["--size-mm", size_mm if size_mm is not None else "5"]
        if hairline_mm is not None:
            argv += ["--hairline-mm", hairline_mm]
        if size_mm is not None:
            try:
                if float(size_mm) > 20:
                    argv[argv.index("--size-mm") + 1] = "20"  # keep the pictures small
            except ValueError:
                pass
        code, _, err = run(capsys, argv)
        check(code, err)
        if code != 0:
            assert not out.exists()


@pytest.fixture(scope="module")
def small_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(0)
    skin = np.array([205, 160, 135], dtype=np.float64)
    image = np.broadcast_to(skin, (120, 120, 3)).copy()
    yy, xx = np.mgrid[0:120, 0:120]
    image[((yy % 10) - 5) ** 2 + ((xx % 10) - 5) ** 2 <= 5] *= 0.35
    image += rng.normal(0.0, 2.0, image.shape)
    path = tmp_path_factory.mktemp("photo") / "scalp.png"
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(path)
    return path


@SLOW
@given(
    st.one_of(st.none(), numbers_as_text),
    st.one_of(st.none(), numbers_as_text),
    st.one_of(
        st.none(),
        st.sampled_from(["auto", "none", "0,0,10,10", "-1,0,5,5", "0,0,0,0", "5,5,500,5"]),
        st.text(max_size=15),
    ),
    st.one_of(st.none(), numbers_as_text),
    st.sampled_from(["measure", "compare"]),
)
def test_fuzz_measure_options(
    capsys: pytest.CaptureFixture[str],
    small_photo: Path,
    mm_per_px: str | None,
    marker_mm: str | None,
    white: str | None,
    reflectance: str | None,
    command: str,
) -> None:
    """measure and compare (which measures each photo the same way) take the same
    options: each combination succeeds or is refused in one line."""
    photos = [str(small_photo)] if command == "measure" else [str(small_photo)] * 2
    argv = [command, *photos, "--json"]
    for option, value in (
        ("--mm-per-px", mm_per_px),
        ("--marker-mm", marker_mm),
        ("--white", white),
        ("--card-reflectance", reflectance),
    ):
        if value is not None:
            argv += [option, value]
    check(*run(capsys, argv)[::2])


# ------------------------------------------------------------------ output paths
names = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(
        lambda s: s + ".ics"
    ),
    st.sampled_from(
        [
            "plan.ics",
            ".ics",
            "..",
            ".",
            "a/b.ics",
            "a\x00b.ics",
            "x" * 251 + ".ics",
            "x" * 252 + ".ics",
        ]
    ),
)
kinds = st.sampled_from(["missing", "file", "folder", "fifo", "link", "dangling", "link_to_folder"])


def make(path: Path, kind: str, victim: Path) -> None:
    if kind == "file":
        path.write_text("old")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        path.symlink_to(victim)
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere")
    elif kind == "link_to_folder":
        path.symlink_to(path.parent)


@SLOW
@given(names, kinds)
def test_fuzz_output_paths_are_regular_files_or_refused(name: str, kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        victim = folder / "victim.txt"
        victim.write_text("keep")
        target = folder / name
        try:
            if kind != "missing" and target.parent == folder and name not in (".", ".."):
                make(target, kind, victim)
        except (OSError, ValueError):
            kind = "missing"  # a name the file system takes no file of
        try:
            path = check_output_file(target, option="--ics", example="plan.ics", suffix=".ics")
            write_files(path.parent, {path.name: b"BEGIN:VCALENDAR"}, option="--ics")
        except InputError as error:
            assert "\n" not in str(error) and error.field == "--ics"
            assert victim.read_text() == "keep"
            return
        assert path.read_bytes() == b"BEGIN:VCALENDAR"
        assert victim.read_text() == "keep"
        assert not [p for p in path.parent.iterdir() if p.name.startswith(".fadecast-")]


card_names = st.one_of(
    st.tuples(
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12),
        st.sampled_from([".pdf", ".PNG", ".png", ".svg", ".pdf.txt", "", "/", "."]),
    ).map("".join),
    st.sampled_from(["", ".", "..", "/", "a\x00b.pdf", "card.pdf/", "x" * 300 + ".pdf"]),
)


@settings(SLOW, max_examples=25)
@given(card_names)
def test_fuzz_card_output(capsys: pytest.CaptureFixture[str], name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = run(capsys, ["card", "--out", os.path.join(tmp, name)])
        check(code, err)
        if code != 0:
            assert not any(Path(tmp).iterdir())


@pytest.fixture(scope="module")
def screened_records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Clinic records with one client, and a file answering every question of the health
    screen no: the records :func:`test_fuzz_health_notes` records screens in."""
    from fadecast.records.consents import HEALTH_QUESTIONS

    folder = tmp_path_factory.mktemp("fuzz-health")
    db = folder / "clinic.sqlite"
    profile = folder / "profile.toml"
    profile.write_text(OFFICE.read_text(encoding="utf-8"), encoding="utf-8")
    answers = folder / "answers.toml"
    answers.write_text("\n".join(f"{q.key} = false" for q in HEALTH_QUESTIONS), encoding="utf-8")
    for argv in (
        ["clinic", "init", "--clinic", "North", "--db", str(db)],
        [
            *("clinic", "add-client", "--ref", "C-1", "--name", "Ana Ruiz"),
            *("--birth-date", "1985-04-02", "--profile", str(profile), "--db", str(db)),
        ],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code in (0, None)
    return db, answers


def _screens(db: Path) -> int:
    from sqlalchemy import func, select

    from fadecast.records.database import open_database
    from fadecast.records.models import HealthScreen

    records = open_database(str(db))
    try:
        with records.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(HealthScreen)) or 0)
    finally:
        records.close()


@settings(SLOW, max_examples=40)
@given(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(["", "   ", "a\x00b", "line\r\nbreak", "x" * 4000, "x" * 4001, "é" * 4001]),
    )
)
def test_fuzz_health_notes(
    capsys: pytest.CaptureFixture[str], screened_records: tuple[Path, Path], notes: str
) -> None:
    """Any notes are recorded, or refused in one line naming ``notes`` with nothing
    recorded."""
    db, answers = screened_records
    before = _screens(db)
    argv = ["clinic", "health", "C-1", "--answers", str(answers), "--notes", notes]
    code, _, err = run(capsys, [*argv, "--db", str(db)])
    check(code, err)
    assert _screens(db) == before + (code == 0)
    if code != 0:
        assert err.startswith("fadecast: error: notes: "), err
