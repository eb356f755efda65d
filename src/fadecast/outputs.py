"""Writing results to disk: all files of a result or none of them.

Files are first written under temporary names in the target folder and only renamed
into place once every one of them has been written, so an error (a full disk, a bad
option found late) never leaves a half-written result behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError

__all__ = ["check_output_folder", "png_bytes", "write_files"]


def check_output_folder(folder: Path, *, option: str = "--out") -> Path:
    """Create the output folder if needed and make sure files can be written in it.

    Raises
    ------
    InputError
        Naming ``option`` when the folder cannot be created or written.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(option, f"{str(folder)!r} exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".fadecast-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(option, f"cannot write to folder {str(folder)!r} ({reason})") from None
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write several files into ``folder``, all or none.

    Parameters
    ----------
    folder
        An existing, writable folder (see :func:`check_output_folder`).
    files
        Contents by file name (names without folders).

    Returns
    -------
    list of Path
        The written files, in the order given.
    """
    folder = Path(folder)
    temporary: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            if Path(name).name != name:
                raise ValueError(f"file name must not contain folders: {name!r}")
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            temporary.append((Path(tmp_name), folder / name))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp_name, 0o666 & ~_umask())
        for tmp, final in temporary:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        raise
    return [final for _, final in temporary]


def png_bytes(image: NDArray[np.uint8]) -> bytes:
    """PNG encoding of an 8-bit RGB picture ``(H, W, 3)``; the same pixels give the same
    bytes (no time stamps or other metadata)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image), mode="RGB").save(
        buffer, format="PNG", optimize=False, compress_level=6
    )
    return buffer.getvalue()
