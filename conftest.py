"""Settings shared by the tests (tests/) and the examples in the docstrings (src/)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

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
