"""End-to-end fixtures: a Prefect test harness (temporary API, private database) shared by the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, SHARED


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seed_warehouse(prefect_harness, tmp_path_factory) -> tuple[Path, dict]:
    """The seed article run once into a temporary warehouse: (warehouse folder, run summary)."""
    from flows.ingest import ingest_flow

    wh = tmp_path_factory.mktemp("seed-wh")
    summary = ingest_flow(paths=[str(SEEDS)], warehouse_dir=str(wh), batch_size_docs=50)
    return wh, summary


@pytest.fixture(scope="session")
def dev_warehouse(prefect_harness, tmp_path_factory) -> tuple[Path, dict]:
    """All of ../shared/corpus/dev run once into a temporary warehouse: (warehouse folder, run summary)."""
    from flows.ingest import ingest_flow

    wh = tmp_path_factory.mktemp("dev-wh")
    summary = ingest_flow(paths=[str(SHARED / "corpus" / "dev")], warehouse_dir=str(wh), batch_size_docs=400)
    return wh, summary
