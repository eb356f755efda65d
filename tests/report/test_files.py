"""Tests of fadecast.report.files: only regular files, all or nothing, nothing made on a refusal."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from fadecast.errors import InputError, OutputError
from fadecast.report.files import (
    MAX_NAME_BYTES,
    check_output_file,
    check_output_folder,
    jpeg_bytes,
    jpeg_data_uri,
    png_bytes,
    write_files,
)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_folder_appears_whole_with_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "report"
    written = write_files(out, {"index.html": b"<p>", "plot.svg": b"<svg/>"})
    assert written == [out / "index.html", out / "plot.svg"]
    assert entries(out) == ["index.html", "plot.svg"]
    assert entries(tmp_path / "a" / "b") == ["report"]
    assert (out / "plot.svg").read_bytes() == b"<svg/>"


def test_an_existing_folder_keeps_its_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "index.html").write_text("old")
    write_files(tmp_path, {"index.html": b"new"})
    assert entries(tmp_path) == ["index.html", "notes.txt"]
    assert (tmp_path / "index.html").read_bytes() == b"new"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_checks_create_nothing(tmp_path: Path) -> None:
    check_output_folder(tmp_path / "x" / "y", names=["index.html"])
    check_output_file(tmp_path / "p" / "q" / "plan.ics", option="--ics", example="plan.ics")
    assert entries(tmp_path) == []


def test_files_are_written_with_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        write_files(tmp_path / "new", {"a": b"1"})
        write_files(tmp_path, {"b": b"2"})
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new" / "a").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o640


@pytest.mark.parametrize("kind", ["fifo", "dangling_link", "link_to_file", "folder"])
def test_what_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "plan.ics"
    victim = tmp_path / "victim.ics"
    victim.write_text("keep")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dangling_link":
        target.symlink_to(tmp_path / "nowhere.ics")
    elif kind == "link_to_file":
        target.symlink_to(victim)
    else:
        target.mkdir()
    before = os.lstat(target)
    with pytest.raises(InputError, match=r"^--ics: .*(FIFO|symbolic link|folder)"):
        check_output_file(target, option="--ics", example="plan.ics", suffix=".ics")
    with pytest.raises(InputError):
        write_files(tmp_path, {"plan.ics": b"BEGIN:VCALENDAR"}, option="--ics")
    assert os.lstat(target).st_mode == before.st_mode
    assert victim.read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dev_null_is_refused_and_stays_a_device() -> None:
    with pytest.raises(InputError, match=r"^--ics: must name a \.ics file"):
        check_output_file("/dev/null", option="--ics", example="plan.ics", suffix=".ics")
    with pytest.raises(InputError, match="a device"):
        check_output_file("/dev/null", option="--dots", example="dots.csv")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_named_like_a_png_is_refused(tmp_path: Path) -> None:
    node = tmp_path / "check.png"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device
    with pytest.raises(InputError, match=r"^--overlay: .* is a device"):
        check_output_file(node, option="--overlay", example="check.png", suffix=".png")
    with pytest.raises(InputError, match="a device"):
        write_files(tmp_path, {"check.png": b"x"}, option="--overlay")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_folder_given_as_a_link_to_a_folder_is_written_into(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    check_output_folder(tmp_path / "link", names=["index.html"])
    write_files(tmp_path / "link", {"index.html": b"x"})
    assert (real / "index.html").read_bytes() == b"x"
    assert (tmp_path / "link").is_symlink()


def test_a_file_in_a_report_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.html").symlink_to("/etc/hostname")
    with pytest.raises(InputError, match=r"^--out: .*index\.html' is a symbolic link"):
        check_output_folder(tmp_path, names=["index.html"])


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "report").write_text("a file")
    with pytest.raises(InputError, match=r"^--out: .* is a regular file|not a folder"):
        check_output_folder(tmp_path / "report")
    with pytest.raises(InputError, match="not a folder"):
        check_output_file(tmp_path / "report" / "plan.ics", option="--ics", example="plan.ics")


def test_names_up_to_the_limit_are_written_and_longer_refused(tmp_path: Path) -> None:
    longest = "a" * (MAX_NAME_BYTES - 4) + ".ics"
    check_output_file(tmp_path / longest, option="--ics", example="plan.ics", suffix=".ics")
    write_files(tmp_path, {longest: b"x"}, option="--ics")
    assert (tmp_path / longest).read_bytes() == b"x"
    too_long = "a" * (MAX_NAME_BYTES - 3) + ".ics"
    with pytest.raises(InputError, match=r"^--ics: the file name is 256 bytes long"):
        check_output_file(tmp_path / too_long, option="--ics", example="plan.ics")
    with pytest.raises(InputError, match="256 bytes"):
        check_output_folder(tmp_path, names=[too_long])


def test_a_read_only_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write into a read-only folder")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(InputError, match="permission denied"):
            check_output_folder(tmp_path / "new")
    finally:
        tmp_path.chmod(0o700)


def test_a_full_disk_leaves_nothing_behind(full_disk: Path) -> None:
    before = entries(full_disk)
    for target in (full_disk, full_disk / "new" / "report"):
        with pytest.raises(OutputError, match=r"^--out: cannot write .*No space left"):
            write_files(target, {"index.html": b"x" * 50_000, "plot.png": b"y" * 50_000})
        assert entries(full_disk) == before


def test_a_write_that_fails_midway_removes_the_folders_it_made(tmp_path: Path) -> None:
    def fail(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "rename", fail)
    try:
        with pytest.raises(OutputError, match="No space left on device"):
            write_files(tmp_path / "a" / "b" / "out", {"f": b"1"})
    finally:
        mp.undo()
    assert entries(tmp_path) == []


def test_names_with_folders_are_a_programming_error(tmp_path: Path) -> None:
    for name in ("a/b", "..", ""):
        with pytest.raises(ValueError, match="must not contain folders"):
            write_files(tmp_path, {name: b""})


def test_an_embedded_picture_looks_the_same_at_a_third_of_its_png() -> None:
    """A close-up render as the pages embed it (JPEG): within about one code value of
    each pixel on average, its dots' colour kept, well under half its PNG's size (about
    a third; at quality 60 the error is twice as large)."""
    import base64
    import datetime as dt
    import io
    from importlib import resources

    import numpy as np
    from PIL import Image

    from fadecast.forecasting import scenario_from_profile
    from fadecast.inputs.profile import load_profile
    from fadecast.render.scene import RenderSettings, render_profile

    today = dt.date(2026, 6, 1)
    example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    sc = scenario_from_profile(load_profile(Path(str(example)), today=today), today=today)
    renders = render_profile(sc, [1.0], RenderSettings(size_mm=10.0, px_per_mm=20.0, seed=3))
    picture = renders.pictures[0].closeup_srgb
    data = jpeg_bytes(picture)
    assert data == jpeg_bytes(picture.copy())  # the same pixels, the same bytes
    assert len(data) <= 0.4 * len(png_bytes(picture))
    back = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float64)
    error = np.abs(back - picture)
    assert error.mean() < 1.2 and np.percentile(error, 99) <= 5
    dark = picture.sum(axis=2) < np.percentile(picture.sum(axis=2), 5)  # the dots' cores
    assert np.abs(back[dark].mean(axis=0) - picture[dark].mean(axis=0)).max() < 2.0
    uri = jpeg_data_uri(picture)
    assert base64.b64decode(uri.removeprefix("data:image/jpeg;base64,")) == data
