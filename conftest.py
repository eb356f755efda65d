"""Settings shared by the tests and the doctests of the package (which live in src/)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def numpy_prints_as_documented() -> Iterator[None]:
    """numpy's own print style in every test and example.

    colour-science sets numpy's legacy (1.13) print style when it is imported, as tests that
    compare against it do; the examples in the docstrings show numpy's current style.
    """
    with np.printoptions(legacy=False):
        yield
