"""Scheduled runs: serve a deployment of ``akhbar-ingest`` over an inbox folder (``akhbar serve``).

Each scheduled run reads every file under the inbox and loads only documents whose content hash
(``doc_id``, sha256 of the decoded text) is not yet in the warehouse, so a run picks up exactly the new
articles; a file dropped twice, renamed or copied is skipped. Runs of one warehouse never overlap in their
writes: each holds the warehouse lock (``Warehouse.lock``) for its whole duration, and a run that finds
the lock taken waits up to ``lock_timeout_seconds``.

Prefect schedules only against a real server (``flow.serve`` refuses the temporary one: "Cannot schedule
flows on an ephemeral server", ../shared/STACK_NOTES.md), so :func:`resolve_api_url` finds one first:
``PREFECT_API_URL`` when set, otherwise the warehouse's own server started by ``akhbar server start``
(:mod:`flows.server`). Prefect is imported only after ``PREFECT_API_URL`` is in the environment, because
Prefect freezes its settings on import.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from akhbar.errors import ConfigError
from akhbar.settings import default_in_flight
from flows.server import ServerError, is_healthy, server_status

__all__ = ["DEPLOYMENT_NAME", "resolve_api_url", "serve_parameters", "serve_ingest"]

#: Name of the served deployment; its full name is ``akhbar-ingest/akhbar-inbox``.
DEPLOYMENT_NAME = "akhbar-inbox"


def resolve_api_url(warehouse_dir: Path | str) -> str:
    """The Prefect API to schedule against: ``PREFECT_API_URL`` if set, else the warehouse's server.

    Returns:
        An API URL that answered ``/health`` just now (``http://HOST:PORT/api``).
    Raises:
        ServerError: nothing answers; the message gives the command that fixes it.
    """
    hint = (f"start one with `akhbar server start --warehouse {warehouse_dir}` (it prints the URL), "
            "or set PREFECT_API_URL to a running Prefect server, then run this command again")
    url = os.environ.get("PREFECT_API_URL")
    if url:
        if is_healthy(url):
            return url
        raise ServerError(f"PREFECT_API_URL={url} does not answer; {hint}")
    info, healthy = server_status(warehouse_dir)
    if info is not None and healthy:
        return info.api_url
    if info is not None:
        raise ServerError(f"the warehouse's Prefect server (pid {info.pid}, {info.api_url}) is not answering yet; "
                          f"wait, check `akhbar server status --warehouse {warehouse_dir}`, or see {info.log_path}")
    raise ServerError("no Prefect server is reachable, and Prefect cannot schedule flows on the temporary "
                      f"server a plain run starts; {hint}")


def serve_parameters(
    inbox: Path | str,
    *,
    warehouse_dir: Path | str,
    published: date | None = None,
    batch_size_docs: int = 1000,
    parquet_root: str | None = None,
    max_in_flight: int = 2,
    lock_timeout_seconds: float = 30.0,
    max_file_bytes: int = 2 * 1024**3,
    max_document_chars: int = 10_000_000,
    storage_compatibility_version: str | None = "v1.0.0",
    worker_processes: int = 1,
    data_docs: bool = True,
) -> dict[str, Any]:
    """The ``akhbar-ingest`` parameters every scheduled run gets (JSON values; paths made absolute).

    Raises:
        ConfigError: ``inbox`` exists and is not a folder.
    """
    inbox_path = Path(inbox).expanduser().resolve()
    if inbox_path.exists() and not inbox_path.is_dir():
        raise ConfigError(f"the inbox {inbox_path} is not a folder; serve watches a folder of articles")
    params: dict[str, Any] = {
        "paths": [str(inbox_path)],
        "warehouse_dir": str(Path(warehouse_dir).expanduser().resolve()),
        "batch_size_docs": batch_size_docs,
        "max_in_flight": max_in_flight,
        "lock_timeout_seconds": lock_timeout_seconds,
        "max_file_bytes": max_file_bytes,
        "max_document_chars": max_document_chars,
        "storage_compatibility_version": storage_compatibility_version,
        "worker_processes": worker_processes,
        "data_docs": data_docs,
    }
    if published is not None:
        params["published"] = published.isoformat()
    if parquet_root is not None:
        params["parquet_root"] = parquet_root
    return params


def serve_ingest(
    inbox: Path | str,
    *,
    warehouse_dir: Path | str,
    cron: str | None = None,
    interval_seconds: float | None = None,
    max_workers: int = 2,
    max_in_flight: int | None = None,
    deployment_name: str = DEPLOYMENT_NAME,
    limit: int | None = 1,
    **flow_parameters: Any,
) -> None:
    """Serve ``akhbar-ingest`` on a schedule over ``inbox``; blocks until interrupted (Ctrl-C, SIGTERM).

    Each scheduled run is executed by Prefect's runner in its own subprocess (thread task runner with
    ``max_workers`` threads). On SIGTERM Prefect pauses the deployment; serving again resumes it.

    Args:
        inbox: folder watched (created when missing, so a run of an empty inbox loads nothing).
        warehouse_dir: the warehouse every run loads into.
        cron: a cron expression (server's time zone: UTC), e.g. ``"*/15 * * * *"``.
        interval_seconds: or an interval in seconds; exactly one of ``cron`` / ``interval_seconds``.
        max_in_flight: batches in flight per run (default :func:`akhbar.settings.default_in_flight`).
        deployment_name: the deployment's name (``akhbar-ingest/<deployment_name>``).
        limit: most scheduled runs executing at once in this process; default 1, since runs of one
            warehouse serialise on its lock anyway (a run queued behind another would only wait).
        flow_parameters: passed to :func:`serve_parameters` (published, batch_size_docs, ...).
    Raises:
        ConfigError: neither or both of cron and interval, or a non-positive interval.
        ServerError: no Prefect server is reachable (see :func:`resolve_api_url`).
    """
    if (cron is None) == (interval_seconds is None):
        raise ConfigError("give exactly one of --cron or --interval")
    if interval_seconds is not None and interval_seconds <= 0:
        raise ConfigError(f"--interval must be a positive number of seconds, not {interval_seconds}")
    params = serve_parameters(inbox, warehouse_dir=warehouse_dir,
                              max_in_flight=max_in_flight or default_in_flight(max_workers), **flow_parameters)
    Path(params["paths"][0]).mkdir(parents=True, exist_ok=True)
    url = resolve_api_url(warehouse_dir)
    os.environ["PREFECT_API_URL"] = url
    # the runner's flow-run subprocesses inherit this environment: size their thread pool
    os.environ["PREFECT_TASK_RUNNER_THREAD_POOL_MAX_WORKERS"] = str(max_workers)

    from prefect import serve
    from prefect.deployments.runner import EntrypointType

    from flows.ingest import ingest_flow

    schedule: dict[str, Any] = {"cron": cron} if cron is not None else {"interval": interval_seconds}
    deployment = ingest_flow.to_deployment(
        name=deployment_name,
        parameters=params,
        description=f"akhbar-ingest over the inbox {params['paths'][0]} into {params['warehouse_dir']}",
        tags=["akhbar", "inbox"],
        paused=False,
        # each run re-imports flows.ingest by module path in a fresh `python -m prefect.engine` process;
        # works from any working directory (flows/ is on the package path)
        entrypoint_type=EntrypointType.MODULE_PATH,
        **schedule,
    )
    # `serve(deployment)` rather than `ingest_flow.serve(...)`: the latter cloudpickles the flow function
    # by value into each run's process, which loses names used only in its string annotations
    # (`published: date | None` under `from __future__ import annotations`): every run then failed with
    # "Ingest_FlowModel is not fully defined; you should define `date`" (Prefect 3.9.1).
    serve(deployment, limit=limit, pause_on_shutdown=True)

if __name__ == "__main__":  # pragma: no cover
    import sys

    serve_ingest(sys.argv[1], warehouse_dir=sys.argv[2], interval_seconds=float(sys.argv[3]))
