"""One settings object for the whole project (pydantic-settings, environment prefix ``AKHBAR_``).

Nothing here runs at import time; flows and the CLI build an :class:`AkhbarSettings` and pass plain values
down to the library. Every setting can be given as an environment variable, e.g.
``AKHBAR_WAREHOUSE_DIR=/data/akhbar`` or ``AKHBAR_TASK_RUNNER=dask``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AkhbarSettings", "OFFLINE_ENV", "apply_offline_env"]

#: Environment that keeps Prefect and Great Expectations from calling out (see STACK_NOTES.md: without
#: these every run logs network errors, and a cold run printed a "database is locked" traceback).
OFFLINE_ENV: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    # the temporary server migrates a fresh SQLite database on first use (10-11 s idle, more on a busy
    # machine); Prefect's default 20 s start-up timeout is too tight for a cold run on 2 cores.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def apply_offline_env(prefect_home: Path | None = None) -> None:
    """Set the offline environment variables (and ``PREFECT_HOME`` when given and not already set).

    Must be called before ``prefect`` is imported. Values already present in the environment win.
    """
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    if prefect_home is not None and "PREFECT_HOME" not in os.environ:
        prefect_home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(prefect_home)


def default_in_flight(max_workers: int) -> int:
    """Batches in flight when none is set: ``max(2, max_workers)`` (one in the text workers while the flow
    validates and writes the other; measured on the scale corpus, docs/scaling.md)."""
    return max(2, max_workers)


class AkhbarSettings(BaseSettings):
    """All run-time settings. Units are in the field names."""

    model_config = SettingsConfigDict(env_prefix="AKHBAR_", extra="ignore")

    warehouse_dir: Path = Field(
        default=Path("warehouse"),
        description="Folder of the DuckDB file, the Parquet tables and run state.",
    )
    parquet_root: str | None = Field(
        default=None,
        description="Where Parquet tables live: a local folder or an fsspec URL; default <warehouse_dir>/parquet.",
    )
    batch_size_docs: int = Field(default=1000, ge=1, description="Documents per batch task.")
    task_runner: Literal["threads", "dask"] = Field(default="threads")
    max_workers: int = Field(default=2, ge=1, description="Threads (or Dask workers) for batch tasks.")
    word_cache_size: int = Field(
        default=40_000, ge=1,
        description="Entries per per-word cache in each text worker (read by akhbar.caches at import).")
    max_in_flight: int | None = Field(
        default=None, ge=1,
        description="Batches submitted and not yet drained (memory of the flow process); default max(2, max_workers).")
    worker_processes: int = Field(
        default=2, ge=1, description="Processes for the CPU-bound text stages under the thread runner (2 cores here).")
    dask_address: str | None = Field(default=None, description="tcp://HOST:PORT of a Dask scheduler.")
    max_file_bytes: int = Field(default=2 * 1024**3, ge=1, description="Largest input file read, bytes.")
    max_document_chars: int = Field(default=10_000_000, ge=1, description="Largest document, code points.")
    lock_timeout_seconds: float = Field(default=30.0, ge=0, description="Wait for another run's lock.")
    data_docs: bool = Field(default=True, description="Build Great Expectations Data Docs for every run.")
    storage_compatibility_version: str | None = Field(
        default="v1.0.0",
        description="DuckDB storage version so DuckDB 1.x clients can open the file; None for the newest.",
    )

    @property
    def batches_in_flight(self) -> int:
        """``max_in_flight``, or :func:`default_in_flight` of ``max_workers`` when it is not set."""
        return self.max_in_flight or default_in_flight(self.max_workers)

    @property
    def prefect_home(self) -> Path:
        """Prefect's home (its SQLite database) for runs against this warehouse."""
        return self.warehouse_dir / "prefect"
