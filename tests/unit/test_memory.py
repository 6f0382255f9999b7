"""akhbar.memory.trim_heap gives freed glibc heap pages back (RSS measured with psutil, in a fresh
interpreter: inside the test session the heap already holds freed memory that new blocks would reuse)."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

from tests.conftest import REPO

PROBE = """
import json, psutil
from akhbar.memory import trim_heap
proc = psutil.Process()
before = proc.memory_info().rss
# 200 MB in 1 kB blocks: above CPython's small-object limit (512 bytes), so from glibc's heap; the last
# block stays alive, so the heap's top cannot simply shrink on its own
blocks = [bytearray(1000) for _ in range(200_000)]
keep = blocks[-1]
grown = proc.memory_info().rss
del blocks
freed_alone = grown - proc.memory_info().rss
trimmed = trim_heap()
after = proc.memory_info().rss
print(json.dumps({"grown": grown - before, "freed_alone": freed_alone, "trimmed": trimmed,
                  "released": grown - after, "keep": len(keep)}))
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_trim_heap_returns_freed_pages_to_the_os():
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    m = json.loads(r.stdout)
    mib = 2**20
    assert m["grown"] > 150 * mib
    assert m["freed_alone"] < 50 * mib  # freeing alone keeps the pages (the reason for trim_heap)
    assert m["trimmed"] is True
    assert m["released"] > 150 * mib, m
    assert m["keep"] == 1000
