"""Data Docs stage: Great Expectations' Data Docs pages for the run that just committed."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from akhbar.datadocs import build_data_docs


@task(name="build-data-docs", cache_policy=NO_CACHE)
def build_run_data_docs(warehouse_dir: str, run_id: str) -> str | None:
    """See :func:`akhbar.datadocs.build_data_docs`; returns the site index, or None when it failed.

    A failure here is logged and does not fail the run: the data is already committed.
    """
    try:
        return str(build_data_docs(warehouse_dir, run_id))
    except Exception as exc:  # noqa: BLE001 - documentation must never undo a committed load
        get_run_logger().warning("Data Docs not built for run %s: %s", run_id, exc)
        return None
