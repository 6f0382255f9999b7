"""A private Prefect server for one warehouse: ``akhbar server start|stop|status``.

Prefect cannot schedule flows against the temporary in-process server a plain ``akhbar run`` starts
("Cannot schedule flows on an ephemeral server", ../shared/STACK_NOTES.md), and a Dask run needs
``PREFECT_API_URL`` of a real server (each Dask worker would otherwise start its own temporary server).
This module is a thin wrapper over the Prefect command line::

    prefect server start --host 127.0.0.1 --port PORT --no-ui --analytics-off

run as a detached process group with the project's offline environment (:data:`akhbar.settings.OFFLINE_ENV`)
and ``PREFECT_HOME=<warehouse>/prefect``, so the server's SQLite database sits beside the warehouse it
orchestrates. Its state (pid, port, API URL, log file) is kept in ``<warehouse>/prefect/akhbar-server.json``.

It only spawns the ``prefect`` executable: nothing here imports Prefect (importing it costs about a second
and would freeze Prefect's settings before ``PREFECT_API_URL`` is chosen).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from akhbar.errors import AkhbarError
from akhbar.settings import OFFLINE_ENV

__all__ = [
    "ServerError",
    "ServerInfo",
    "free_port",
    "is_healthy",
    "prefect_executable",
    "server_env",
    "server_status",
    "start_server",
    "state_path",
    "stop_server",
    "wait_healthy",
]

STATE_FILE = "akhbar-server.json"
LOG_FILE = "akhbar-server.log"


class ServerError(AkhbarError):
    """The Prefect server could not be started, reached or stopped (the message says what to do)."""


@dataclass(frozen=True)
class ServerInfo:
    """A Prefect server started by :func:`start_server`.

    Attributes:
        pid: process id of ``prefect server start`` (also its process-group id).
        host, port: where it listens (loopback by default).
        api_url: ``http://HOST:PORT/api``, the value for ``PREFECT_API_URL``.
        prefect_home: its ``PREFECT_HOME`` (holds ``prefect.db``).
        log_path: its standard output and error.
        started_at: Unix time the process was spawned.
    """

    pid: int
    host: str
    port: int
    api_url: str
    prefect_home: str
    log_path: str
    started_at: float


def prefect_home_for(warehouse_dir: Path | str) -> Path:
    """``<warehouse_dir>/prefect``, the same folder ``AkhbarSettings.prefect_home`` names."""
    return Path(warehouse_dir) / "prefect"


def state_path(warehouse_dir: Path | str) -> Path:
    """The state file of the warehouse's server: ``<warehouse_dir>/prefect/akhbar-server.json``."""
    return prefect_home_for(warehouse_dir) / STATE_FILE


def prefect_executable() -> str:
    """The ``prefect`` command of the running interpreter's environment (``<venv>/bin/prefect``).

    Raises:
        ServerError: no ``prefect`` executable beside the interpreter.
    """
    candidate = Path(sys.executable).with_name("prefect")
    if candidate.exists():
        return str(candidate)
    raise ServerError(f"no prefect executable beside {sys.executable}; is Prefect installed in this environment?")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (asked from the kernel with port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def server_env(prefect_home: Path | str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a server process: ``base`` (default ``os.environ``) plus the offline settings.

    ``PREFECT_HOME`` is set to ``prefect_home``; ``PREFECT_API_URL`` is removed (the server is the API).
    Offline values already in ``base`` win, as in :func:`akhbar.settings.apply_offline_env`.
    """
    env = dict(os.environ if base is None else base)
    for key, value in OFFLINE_ENV.items():
        env.setdefault(key, value)
    env["PREFECT_HOME"] = str(prefect_home)
    env.pop("PREFECT_API_URL", None)
    return env


def is_healthy(api_url: str, timeout_seconds: float = 2.0) -> bool:
    """True when ``GET {api_url}/health`` answers 200 (Prefect's health endpoint)."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout_seconds) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child still answers kill(0): look at its state where /proc exists
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _is_prefect_server(pid: int) -> bool:
    """Guard against a recycled pid: the process's command line must be a ``prefect server start``."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)  # no /proc (not Linux): trust the state file
    return any(part.endswith(b"prefect") for part in cmd) and b"server" in cmd and b"start" in cmd


def wait_healthy(api_url: str, timeout_seconds: float, pid: int | None = None) -> None:
    """Poll ``api_url`` until healthy.

    Raises:
        ServerError: not healthy after ``timeout_seconds``, or process ``pid`` exited meanwhile.
    """
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if is_healthy(api_url):
            return
        if pid is not None and not _alive(pid):
            raise ServerError(f"the Prefect server (pid {pid}) exited before answering at {api_url}")
        time.sleep(0.5)
    raise ServerError(f"the Prefect server did not answer at {api_url} within {timeout_seconds:.0f} s")


def _read_state(warehouse_dir: Path | str) -> ServerInfo | None:
    p = state_path(warehouse_dir)
    try:
        return ServerInfo(**json.loads(p.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def server_status(warehouse_dir: Path | str) -> tuple[ServerInfo | None, bool]:
    """The warehouse's recorded server and whether it answers now: ``(info or None, healthy)``.

    A state file whose process is gone is removed (the server died or the machine restarted).
    """
    info = _read_state(warehouse_dir)
    if info is None:
        return None, False
    if not (_alive(info.pid) and _is_prefect_server(info.pid)):
        state_path(warehouse_dir).unlink(missing_ok=True)
        return None, False
    return info, is_healthy(info.api_url)


def start_server(
    warehouse_dir: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout_seconds: float = 180.0,
    extra_env: dict[str, str] | None = None,
) -> ServerInfo:
    """Start ``prefect server start`` for the warehouse in its own process group and wait until healthy.

    Idempotent: when the warehouse's server is already running and healthy, its :class:`ServerInfo` is
    returned and nothing is spawned. A fresh database takes about 11 s to migrate, a warm one about 4 s
    (STACK_NOTES.md); on a busy 2-core machine allow much more, hence the 180 s default.

    Args:
        warehouse_dir: the warehouse; the server's ``PREFECT_HOME`` is ``<warehouse_dir>/prefect``.
        host: interface to bind; keep the default loopback unless the Dask workers run on other machines.
        port: TCP port; default a free one chosen by the kernel.
        timeout_seconds: how long to wait for ``/api/health``.
        extra_env: more environment for the server process (e.g. service loop intervals in tests).
    Returns:
        The running server.
    Raises:
        ServerError: it exited or did not answer in time (the process group is killed; see its log).
    """
    info, healthy = server_status(warehouse_dir)
    if info is not None:
        if healthy:
            return info
        wait_healthy(info.api_url, timeout_seconds, info.pid)
        return info
    home = prefect_home_for(warehouse_dir).resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port(host)
    log_path = home / LOG_FILE
    env = server_env(home)
    env.update(extra_env or {})
    cmd = [prefect_executable(), "server", "start", "--host", host, "--port", str(port), "--no-ui",
           "--analytics-off"]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=str(home), start_new_session=True)
    info = ServerInfo(pid=proc.pid, host=host, port=port, api_url=f"http://{host}:{port}/api",
                      prefect_home=str(home), log_path=str(log_path), started_at=time.time())
    tmp = state_path(warehouse_dir).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    os.replace(tmp, state_path(warehouse_dir))
    try:
        wait_healthy(info.api_url, timeout_seconds, proc.pid)
    except ServerError as exc:
        _kill_group(proc.pid, 10.0)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        state_path(warehouse_dir).unlink(missing_ok=True)
        tail = _tail(log_path)
        raise ServerError(f"{exc}; last lines of {log_path}:\n{tail}") from None
    return info


def _tail(path: Path, n_lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n_lines:])
    return ""


def _kill_group(pgid: int, timeout_seconds: float) -> None:
    """SIGTERM the process group ``pgid``, then SIGKILL whatever is left after ``timeout_seconds``."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            break
        if not _alive(pgid):
            break
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    # reap it when it is our child (a test or a long-lived caller started it)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pgid, os.WNOHANG)


def stop_server(warehouse_dir: Path | str, timeout_seconds: float = 20.0) -> ServerInfo | None:
    """Stop the warehouse's server (its whole process group: the CLI and its uvicorn child).

    Returns:
        The server that was stopped, or None when none was running.
    """
    info = _read_state(warehouse_dir)
    if info is None:
        return None
    if _alive(info.pid) and _is_prefect_server(info.pid):
        _kill_group(info.pid, timeout_seconds)
    else:
        info = None
    state_path(warehouse_dir).unlink(missing_ok=True)
    return info
