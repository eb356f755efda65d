"""Writing results to disk: regular files only, all files of a result or none of them.

The rules for every output path a user names (``--out``, ``--ics``, ``--overlay``,
``--dots``), documented for users in ``docs/limits.md``:

- **Only regular files are written.** An existing target that is a folder, a device
  (``/dev/null``), a FIFO or a socket is refused before any work is done.
- **Symbolic links are never written through or replaced.** A file path whose last
  part is a symbolic link (dangling or not) is refused: replacing the link would
  silently cut it, writing through it would touch a file the user did not name. A
  *folder* given as ``--out`` may be a link to a folder; the files are written inside.
- **Nothing is created before the result exists.** Checks only look; missing folders
  are created when the files are written, and removed again if writing fails.
- **All or nothing.** Files are written under short temporary names and renamed into
  place once every one of them is complete. A new folder is written as a hidden
  temporary folder beside it and renamed into place whole; an existing folder gets its
  files renamed in one after another, each replacement atomic. A failure (a full disk,
  a read-only folder) removes every temporary file and leaves what was there before.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError, OutputError

__all__ = [
    "JPEG_QUALITY",
    "MAX_NAME_BYTES",
    "check_output_file",
    "check_output_folder",
    "jpeg_bytes",
    "jpeg_data_uri",
    "png_bytes",
    "write_files",
]

#: Quality of the pictures a page embeds (Pillow's scale, 1-95), colour kept at full
#: resolution: a close-up render at this quality is about a third of its PNG's size (the
#: view from 2 m a fifth), within about one code value of each pixel on average. [1]
JPEG_QUALITY = 90

#: Longest file name most file systems take (ext4, XFS, APFS, NTFS). [bytes]
MAX_NAME_BYTES = 255

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _lstat(path: Path, option: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise InputError(option, f"cannot look at {str(path)!r} ({exc.strerror})") from None
    except ValueError:  # a NUL byte, or text the file system cannot encode
        raise InputError(option, f"{str(path)!r} is not a valid file name") from None


def _nearest_existing(folder: Path, option: str) -> Path:
    """The nearest folder at or above ``folder`` that exists; it must be a writable folder."""
    current = folder
    while True:
        try:
            info = os.stat(current)  # follows links: a linked folder is a folder
        except FileNotFoundError:
            parent = current.parent
            if parent == current:
                raise InputError(option, f"no folder to write {str(folder)!r} in") from None
            current = parent
            continue
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InputError(option, f"cannot write to {str(folder)!r} ({reason})") from None
        if not stat.S_ISDIR(info.st_mode):
            raise InputError(option, f"{str(current)!r} is {_kind(info.st_mode)}, not a folder")
        if not os.access(current, os.W_OK | os.X_OK):
            raise InputError(option, f"cannot write to folder {str(current)!r} (permission denied)")
        return current


def _check_name(name: str, option: str) -> None:
    size = len(os.fsencode(name))
    if size > MAX_NAME_BYTES:
        raise InputError(
            option, f"the file name is {size} bytes long; at most {MAX_NAME_BYTES} are allowed"
        )


def _check_target(path: Path, option: str) -> None:
    """Refuse an existing ``path`` that is anything but a regular file."""
    info = _lstat(path, option)
    if info is not None and not stat.S_ISREG(info.st_mode):
        hint = (
            "; give the path of the file itself"
            if stat.S_ISLNK(info.st_mode)
            else "; give a new file name or a regular file to replace"
        )
        raise InputError(option, f"{str(path)!r} is {_kind(info.st_mode)}{hint}")


def check_output_folder(
    folder: Path | str, *, option: str = "--out", names: Iterable[str] = ()
) -> Path:
    """Check that a result's files can be written into ``folder``; create nothing.

    Parameters
    ----------
    folder
        The folder; it need not exist yet (it is made when the files are written).
    option
        The option that named it, for the error message.
    names
        The file names that will be written into it: any that exists already must be a
        regular file (not a link, folder, device or FIFO).

    Returns
    -------
    Path
        ``folder`` as a path.

    Raises
    ------
    InputError
        Naming ``option`` when the folder or one of the files cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = check_output_folder(Path(tmp) / "report", names=["index.html"])
    ...     out.exists()  # nothing is created until the files are written
    False
    """
    folder = Path(folder)
    info = _lstat(folder, option)
    if info is not None and stat.S_ISLNK(info.st_mode):
        with contextlib.suppress(OSError):
            info = os.stat(folder)  # a link to a folder is a folder
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise InputError(option, f"{str(folder)!r} is {_kind(info.st_mode)}, not a folder")
    _nearest_existing(folder, option)
    for name in names:
        _check_name(name, option)
        if info is not None:
            _check_target(folder / name, option)
    return folder


def check_output_file(path: Path | str, *, option: str, example: str, suffix: str = "") -> Path:
    """Check that ``path`` names a regular file that can be written; create nothing.

    Parameters
    ----------
    path
        The file to write.
    option
        The option that named it, for the error message.
    example
        A file name to suggest when ``path`` is a folder, e.g. ``"plan.ics"``.
    suffix
        The ending the name must have, e.g. ``".ics"`` (any case); none when empty.

    Returns
    -------
    Path
        ``path`` as a path.

    Raises
    ------
    InputError
        Naming ``option``: a folder, device, FIFO, socket or symbolic link; a wrong
        suffix; a name too long; no writable folder to put it in.

    Examples
    --------
    >>> check_output_file("/dev/null", option="--ics", example="plan.ics", suffix=".ics")
    Traceback (most recent call last):
      ...
    fadecast.errors.InputError: --ics: must name a .ics file, got 'null'
    """
    path = Path(path)
    _check_name(path.name, option)
    info = _lstat(path, option)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(option, f"{str(path)!r} is a folder; give a file name such as {example}")
    if suffix and path.suffix.lower() != suffix:
        raise InputError(option, f"must name a {suffix} file, got {path.name!r}")
    _check_target(path, option)
    _nearest_existing(path.parent, option)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _make_parents(folder: Path) -> list[Path]:
    """Create the missing folders above ``folder``; return them, deepest last."""
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current):
        missing.append(current)
        current = current.parent
    made: list[Path] = []
    for path in reversed(missing):
        os.mkdir(path)
        made.append(path)
    return made


def _fill(
    folder: Path, files: Mapping[str, bytes], mode: int, written: list[tuple[Path, str]]
) -> None:
    """Write every file into ``folder`` under a short temporary name (a long final name
    would not leave room for the temporary one's prefix), listing each in ``written`` as
    soon as it exists."""
    for name, data in files.items():
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".fadecast-", suffix=".tmp")
        written.append((Path(tmp_name), name))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp_name, mode)


def _fill_new(folder: Path, files: Mapping[str, bytes], mode: int) -> None:
    """Write every file under its final name into a new, private ``folder``."""
    for name, data in files.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)


def write_files(
    folder: Path | str, files: Mapping[str, bytes], *, option: str = "--out"
) -> list[Path]:
    """Write several files into ``folder``, all or none.

    Parameters
    ----------
    folder
        The folder; it and the folders above it are created if missing. It should have
        been checked with :func:`check_output_folder` or :func:`check_output_file`.
    files
        Contents by file name (names without folders).
    option
        The option that named the output, for the error message.

    Returns
    -------
    list of Path
        The written files, in the order given.

    Raises
    ------
    OutputError
        Naming ``option`` when the files cannot be written (a full disk, permissions, a
        target that became a link or a device); nothing is left behind then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_files(Path(tmp) / "out", {"a.txt": b"a", "b.txt": b"b"})
    ...     [p.name for p in paths], (Path(tmp) / "out" / "b.txt").read_bytes()
    (['a.txt', 'b.txt'], b'b')
    """
    folder = Path(folder)
    for name in files:
        if not name or Path(name).name != name or name in (".", ".."):
            raise ValueError(f"file name must not contain folders: {name!r}")
    mode = 0o666 & ~_umask()
    made: list[Path] = []
    staging: Path | None = None
    temporary: list[tuple[Path, str]] = []
    try:
        if os.path.isdir(folder):
            for name in files:
                _check_target(folder / name, option)
            _fill(folder, files, mode, temporary)
            for tmp, name in temporary:
                os.replace(tmp, folder / name)
            temporary = []
        else:
            made = _make_parents(folder.parent)
            staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".fadecast-"))
            os.chmod(staging, 0o777 & ~_umask())
            _fill_new(staging, files, mode)
            os.rename(staging, folder)
            staging = None
    except InputError as exc:
        _clean(temporary, staging, made)
        raise OutputError(exc.field, exc.message) from None
    except OSError as exc:
        _clean(temporary, staging, made)
        reason = exc.strerror or type(exc).__name__
        raise OutputError(
            option, f"cannot write to {str(folder)!r} ({reason}); nothing was written"
        ) from None
    except BaseException:
        _clean(temporary, staging, made)
        raise
    return [folder / name for name in files]


def _clean(temporary: list[tuple[Path, str]], staging: Path | None, made: list[Path]) -> None:
    for tmp, _ in temporary:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    for path in reversed(made):
        with contextlib.suppress(OSError):
            path.rmdir()


def png_bytes(image: NDArray[np.uint8]) -> bytes:
    """PNG encoding of an 8-bit RGB picture ``(H, W, 3)``; the same pixels give the same
    bytes (no time stamps or other metadata).

    Examples
    --------
    >>> picture = np.zeros((4, 6, 3), dtype=np.uint8)
    >>> data = png_bytes(picture)
    >>> data[:8], data == png_bytes(picture.copy())
    (b'\\x89PNG\\r\\n\\x1a\\n', True)
    """
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image), mode="RGB").save(
        buffer, format="PNG", optimize=False, compress_level=6
    )
    return buffer.getvalue()


def jpeg_bytes(image: NDArray[np.uint8], *, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG encoding of an 8-bit RGB picture ``(H, W, 3)`` at ``quality``, colour not
    subsampled (the dots' colour edges stay sharp); the same pixels give the same bytes
    (no time stamps or other metadata).

    Examples
    --------
    >>> picture = np.full((8, 8, 3), 120, dtype=np.uint8)
    >>> data = jpeg_bytes(picture)
    >>> data[:3], data == jpeg_bytes(picture.copy())
    (b'\\xff\\xd8\\xff', True)
    """
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image), mode="RGB").save(
        buffer, format="JPEG", quality=quality, subsampling=0, optimize=False
    )
    return buffer.getvalue()


def jpeg_data_uri(image: NDArray[np.uint8]) -> str:
    """A picture as a ``data:`` URI of its JPEG (:func:`jpeg_bytes`), to embed in a page.

    Examples
    --------
    >>> jpeg_data_uri(np.zeros((2, 2, 3), dtype=np.uint8))[:23]
    'data:image/jpeg;base64,'
    """
    return "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes(image)).decode("ascii")
