"""The packaged data files and the one loader that reads them.

Every table the model uses ships in this folder: the parameter tables (TOML, each value with
its unit, source and confidence), spectra and climatologies (CSV, with ``#`` comment lines
giving their source above the header). Nothing else in fadecast opens a packaged table: the
stages ask this module for a table by its file name, and each file is read and parsed once
per process.

Examples
--------
>>> from fadecast import data
>>> data.toml_table("parameters.toml")["epidermis_mm"]["unit"]
'mm'
>>> data.csv_rows("cloud_climatology.csv")[0]["lat_min_deg"]
'-90'
>>> data.csv_array("skin_optics.csv").shape
(31, 3)
"""

from __future__ import annotations

import csv
import functools
import io
import tomllib
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["csv_array", "csv_header", "csv_rows", "file_names", "text", "toml_table"]


def file_names() -> tuple[str, ...]:
    """The names of every packaged data file, sorted.

    Examples
    --------
    >>> "pigments.toml" in file_names()
    True
    """
    folder = resources.files(__name__)
    return tuple(
        sorted(
            entry.name
            for entry in folder.iterdir()
            if entry.is_file() and entry.name.endswith((".toml", ".csv"))
        )
    )


@functools.cache
def text(name: str) -> str:
    """The text of a packaged data file.

    Parameters
    ----------
    name
        The file's name in the package's ``data`` folder, e.g. ``"pigments.toml"``.

    Raises
    ------
    FileNotFoundError
        If no such file is packaged.
    """
    if name not in file_names():
        raise FileNotFoundError(f"no packaged data file {name!r}; there are {file_names()}")
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def toml_table(name: str) -> dict[str, Any]:
    """A packaged TOML file, parsed; the same (shared, not to be changed) object each call."""
    return tomllib.loads(text(name))


def _data_lines(name: str) -> list[str]:
    """The lines of a packaged CSV file without its ``#`` comments and blank lines."""
    return [line for line in text(name).splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def csv_header(name: str) -> tuple[str, ...]:
    """The column names of a packaged CSV file.

    Examples
    --------
    >>> csv_header("skin_optics.csv")
    ('wavelength_nm', 'epsilon_hbo2', 'epsilon_hb')
    """
    return tuple(field.strip() for field in _data_lines(name)[0].split(","))


def csv_rows(name: str) -> list[dict[str, str]]:
    """The rows of a packaged CSV file as text by column name (a new list each call)."""
    return list(csv.DictReader(io.StringIO("\n".join(_data_lines(name)))))


@functools.cache
def csv_array(name: str) -> NDArray[np.float64]:
    """A packaged numeric CSV file as a read-only array ``(rows, columns)``.

    The column names are :func:`csv_header`'s.
    """
    rows = [[float(value) for value in line.split(",")] for line in _data_lines(name)[1:]]
    table = np.array(rows, dtype=np.float64)
    table.flags.writeable = False
    return table
