"""Give freed heap memory back to the operating system (glibc's ``malloc_trim``).

CPython keeps the memory of freed objects in its allocator's arenas and glibc keeps freed chunks in its
heaps, so a process that builds and drops large per-batch structures (token lists, pandas copies) keeps
its high-water mark as resident memory. ``malloc_trim(0)`` returns the free pages of every glibc heap with
``madvise``; it is cheap next to a batch (milliseconds) and a no-op where glibc is not the C library.
Source: glibc manual, "Memory Allocation Tunables" and malloc_trim(3).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["trim_heap"]


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def trim_heap() -> bool:
    """Return free heap pages to the operating system; True if glibc released any, False otherwise
    (including when the C library has no ``malloc_trim``)."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
