"""The command line's output paths, dates and errors: one line and exit 2, nothing touched.

Most cases run :func:`fadecast.cli.main` in this process (the same code path as the
``fadecast`` command, much faster); a few run real processes where the process matters
(a file-size limit, a traceback).
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import fadecast.forecasting
from fadecast.cli import main

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"
OFFICE = EXAMPLES / "temperate-office-worker.toml"
TODAY = "2026-11-23"
REPORT_ARGS = ("--samples", "100", "--today", TODAY, "--years", "0")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: exit code, standard output, standard error."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), out, err


def assert_one_line_error(code: int, err: str, field: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith(f"fadecast: error: {field}: "), err


def plan_args(*extra: str) -> tuple[str, ...]:
    return ("plan", str(OFFICE), "--samples", "100", "--today", TODAY, *extra)


def test_plan_ics_dev_null_is_refused_and_stays_a_device(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = cli(capsys, *plan_args("--ics", "/dev/null"))
    assert_one_line_error(code, err, "--ics")
    assert "must name a .ics file" in err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("option", "name", "kind"),
    [
        ("--ics", "plan.ics", "fifo"),
        ("--ics", "plan.ics", "link"),
        ("--ics", "plan.ics", "dangling"),
        ("--overlay", "check.png", "fifo"),
        ("--dots", "dots.csv", "link"),
    ],
)
def test_fifos_and_links_are_never_replaced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, name: str, kind: str
) -> None:
    target = tmp_path / name
    victim = tmp_path / "victim"
    victim.write_text("keep")
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(victim if kind == "link" else tmp_path / "nowhere")
    before = os.lstat(target)
    if option == "--ics":
        args = plan_args(option, str(target))
    else:
        args = ("measure", str(tmp_path / "no-photo.jpg"), option, str(target))
    code, _, err = cli(capsys, *args)
    assert_one_line_error(code, err, option)
    assert os.lstat(target).st_mode == before.st_mode
    assert victim.read_text() == "keep"


def test_a_failing_plan_creates_no_folder_for_its_calendar(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "new" / "folder" / "plan.ics"
    code, _, err = cli(capsys, *plan_args("--ics", str(target), "--until-age", "500"))
    assert_one_line_error(code, err, "--until-age")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_report_creates_no_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "new" / "report"
    args = ("report", str(OFFICE), "--out", str(out), "--samples", "100", "--today", TODAY)
    code, _, err = cli(capsys, *args, "--until-age", "500")
    assert_one_line_error(code, err, "--until-age")
    assert list(tmp_path.iterdir()) == []


def test_a_long_calendar_name_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / ("p" * 246 + ".ics")  # 250 characters
    code, _, err = cli(capsys, *plan_args("--ics", str(target)))
    assert code == 0, err
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_full_disk_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], full_disk: Path
) -> None:
    before = sorted(p.name for p in full_disk.iterdir())
    code, _, err = cli(capsys, *plan_args("--ics", str(full_disk / "plan.ics")))
    assert_one_line_error(code, err, "--ics")
    assert "No space left on device" in err
    args = ("report", str(OFFICE), "--out", str(full_disk / "rep"), "--samples", "100")
    code, _, err = cli(capsys, *args, "--today", TODAY, "--years", "0")
    assert_one_line_error(code, err, "--out")
    assert sorted(p.name for p in full_disk.iterdir()) == before


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A rendered scalp patch photographed with a white card."""
    import datetime as dt

    import numpy as np
    from PIL import Image

    from fadecast.forecasting import scenario_from_profile
    from fadecast.inputs.profile import load_profile
    from fadecast.measure.photo import linear_from_srgb8
    from fadecast.render.degrade import PhotoConditions, photograph
    from fadecast.render.scene import RenderSettings, render_profile

    today = dt.date(2026, 11, 23)
    sc = scenario_from_profile(load_profile(OFFICE, today=today), today=today)
    settings = RenderSettings(size_mm=16.0, px_per_mm=20.0, seed=1)
    picture = render_profile(sc, [3.0], settings).pictures[0]
    srgb = photograph(
        linear_from_srgb8(picture.closeup_srgb),
        PhotoConditions(card_px=(10, 10, 60)),
        rng=np.random.default_rng(0),
    )
    path = tmp_path_factory.mktemp("photos") / "scalp.png"
    Image.fromarray(srgb).save(path)
    return path


def test_a_full_disk_on_the_overlay_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], full_disk: Path, photo: Path
) -> None:
    before = sorted(p.name for p in full_disk.iterdir())
    args = ("measure", str(photo), "--overlay", str(full_disk / "check.png"))
    code, _, err = cli(capsys, *args, "--dots", str(full_disk / "dots.csv"))
    assert_one_line_error(code, err, "--overlay")
    assert "No space left on device" in err
    assert sorted(p.name for p in full_disk.iterdir()) == before


def test_library_warnings_never_make_an_error_several_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    from fadecast.errors import InputError

    def noisy(*_: object, **__: object) -> None:
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)
        raise InputError("photo", "no SMP dots found in x.png; nothing to measure")

    monkeypatch.setattr(fadecast.forecasting, "forecast", noisy)
    code, _, err = cli(capsys, "forecast", str(OFFICE), "--today", TODAY)
    assert_one_line_error(code, err, "photo")


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_file_size_limit_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "fadecast", "report", str(OFFICE), "--out", str(out), *REPORT_ARGS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size,
    )
    assert_one_line_error(proc.returncode, proc.stderr, "--out")
    assert "File too large" in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("today", ["9990-06-01", "1900-01-01", "3000-01-01", "0001-01-01"])
def test_today_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], today: str) -> None:
    code, _, err = cli(capsys, "forecast", str(OFFICE), "--today", today)
    assert_one_line_error(code, err, "--today")
    assert "from 1980-01-01 to 2999-12-31" in err


def test_render_years_are_bounded_in_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    years = ",".join(str(y) for y in range(21))
    code, _, err = cli(
        capsys, "render", str(OFFICE), "--out", str(tmp_path / "r"), "--years", years
    )
    assert_one_line_error(code, err, "--years")
    assert "at most 20 years" in err


@pytest.mark.parametrize("price", ["1e400", "nan", "inf", "-1"])
def test_non_finite_or_negative_prices_are_refused(
    capsys: pytest.CaptureFixture[str], price: str
) -> None:
    code, _, err = cli(capsys, *plan_args("--price-per-session", price))
    assert_one_line_error(code, err, "--price-per-session")


def test_an_unexpected_error_is_a_bug_not_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("cannot reshape array of size 0 into shape (0)")

    monkeypatch.setattr(fadecast.forecasting, "forecast", broken)
    with pytest.raises(ValueError, match="cannot reshape"):
        main(["forecast", str(OFFICE), "--today", TODAY])


def test_a_bug_ends_with_a_traceback_and_not_exit_2(tmp_path: Path) -> None:
    script = (
        "import sys, fadecast.forecasting as f\n"
        "def broken(*a, **k): raise ValueError('internal')\n"
        "f.forecast = broken\n"
        "from fadecast.cli import main\n"
        f"main(['forecast', {str(OFFICE)!r}, '--today', {TODAY!r}])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr
    assert "ValueError: internal" in proc.stderr
