"""akhbar.memory.trim_heap gives freed glibc heap pages back (RSS measured with psutil)."""

from __future__ import annotations

import platform

import psutil
import pytest

from akhbar.memory import trim_heap


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_trim_heap_returns_freed_pages_to_the_os():
    proc = psutil.Process()
    before = proc.memory_info().rss
    # 200 MB in 1 kB blocks: above CPython's small-object limit (512 bytes), so from glibc's heap;
    # the last block allocated stays alive, so the heap top cannot simply shrink on its own
    blocks = [bytearray(1000) for _ in range(200_000)]
    keep = blocks[-1]
    grown = proc.memory_info().rss
    assert grown - before > 150 * 2**20
    del blocks
    assert trim_heap() is True
    after = proc.memory_info().rss
    assert grown - after > 150 * 2**20, (before, grown, after)
    assert len(keep) == 1000
