"""How a fadecast process sets up its memory allocator (used by the command line).

A forecast works on arrays of a few megabytes (2,000 draws by a hundred times), made and
freed many times over. glibc's allocator hands blocks that large to the system and asks
for them again each time, and touching fresh pages costs more than the arithmetic on
them. :func:`keep_freed_memory` raises its thresholds so freed blocks are kept for reuse
(``mallopt`` with ``M_MMAP_THRESHOLD``, ``M_TRIM_THRESHOLD`` and ``M_TOP_PAD``), the usual
setting for numerical programs. It changes speed only, never a result, and does nothing
where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["KEPT_BYTES", "keep_freed_memory"]

#: Blocks up to this size are taken from and returned to the process's own heap. [bytes]
KEPT_BYTES = 256 * 1024 * 1024

# mallopt parameters of glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3


@functools.cache
def keep_freed_memory() -> bool:
    """Keep freed large blocks for reuse instead of returning them to the system.

    Returns
    -------
    bool
        Whether the allocator took the setting (False off glibc). The setting lasts for the
        process; calling again does nothing more.

    Examples
    --------
    >>> isinstance(keep_freed_memory(), bool)
    True
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return all(
        mallopt(option, value) == 1
        for option, value in (
            (_M_MMAP_THRESHOLD, KEPT_BYTES),
            (_M_TRIM_THRESHOLD, 2 * KEPT_BYTES),
            (_M_TOP_PAD, 64 * 1024 * 1024),
        )
    )
