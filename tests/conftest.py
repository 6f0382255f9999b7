"""Shared test set-up: offline environment (set before anything imports Prefect) and shared-data paths."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
SEED_ARTICLE = SEEDS / "000_8ac1bda8dfbd2172.txt"

# Tests never depend on the user's environment: no telemetry, a private Prefect home.
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["GX_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="akhbar-test-prefect-"))
for key in list(os.environ):
    if key.startswith("AKHBAR_"):
        del os.environ[key]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared data not found at {SHARED} (it must sit beside the repository)")
    return SHARED
