"""The coordinator's stack on one machine: a Prefect server (SQLite under the data folder), the
``dondoc`` process work pool, the deployments of prefect.yaml and a worker.

Everything runs as child processes started here, each in its own process group, recorded in
``<data>/prefect/stack.json``; ``down`` stops exactly those. This module does not import Prefect
(it drives the ``prefect`` CLI), so callers can point ``PREFECT_API_URL`` at the server before
Prefect is first imported in their process.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from dondoc.configuration.settings import PROJECT_ROOT, get_settings
from dondoc.errors import DondocError

WORK_POOL = "dondoc"
DEFAULT_PORT = 4200
SERVER_START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0

# The server's own settings. Task runs reach the server as events and its task-run recorder writes
# them; Prefect's default writes one row per transaction, which on SQLite is a write lock per task
# run: a 100-directive sweep (~30,000 task-run events) then spends most of its time queued behind
# the recorder. Batches of 100, flushed at least every 5 s, write the same rows in ~1 % of the
# transactions. Retryable API errors (a busy SQLite answered with 503 and retried by the client) are
# logged, so an operator sees them in server.log instead of never; the server itself runs through
# ``prefect_server`` so that its SQLite writes queue instead of producing them.
SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "5",
    "PREFECT_SERVER_LOG_RETRYABLE_ERRORS": "true",
}


@dataclass
class Stack:
    home: str
    url: str
    server_pid: int | None = None
    worker_pid: int | None = None

    @property
    def api_url(self) -> str:
        return self.url + "/api"


def prefect_home() -> Path:
    return (get_settings().data_dir / "prefect").resolve()


def _state_file(home: Path) -> Path:
    return home / "stack.json"


def _prefect_bin() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


def stack_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """Environment for the server, the CLI and the worker (whose flow runs inherit it): Prefect's
    home and API, and dondoc's database resolved to an absolute URL so every process shares it."""
    settings = get_settings()
    env = dict(os.environ)
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_CLI_PROMPT": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_LOGGING_COLORS": "false",
            "DONDOC_DATA_DIR": str(settings.data_dir.resolve()),
            "DONDOC_DATABASE_URL": _absolute_url(settings.effective_database_url),
        }
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _absolute_url(url: str) -> str:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str(Path(url.removeprefix("sqlite:///")).resolve())
    return url


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        return httpx.get(url.rstrip("/") + "/api/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise DondocError(f"{what}: not ready after {timeout:.0f} s")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_stack(home: Path | None = None) -> Stack | None:
    """The stack recorded under ``home`` if its server still answers."""
    home = home or prefect_home()
    path = _state_file(home)
    if not path.exists():
        return None
    stack = Stack(**json.loads(path.read_text(encoding="utf-8")))
    if not healthy(stack.url):
        return None
    if not _alive(stack.worker_pid):
        stack.worker_pid = None
    return stack


def _write(stack: Stack) -> None:
    _state_file(Path(stack.home)).write_text(json.dumps(asdict(stack), indent=2), encoding="utf-8")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> int:
    with log.open("ab") as out:
        process = subprocess.Popen(  # own process group: `down` stops it and its children
            args, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process.pid


def start_server(home: Path, port: int | None = None) -> Stack:
    home.mkdir(parents=True, exist_ok=True)
    if port is None:
        port = DEFAULT_PORT if port_free(DEFAULT_PORT) else free_port()
    elif not port_free(port):
        raise DondocError(f"--port {port}: already in use on 127.0.0.1; choose another port or stop what uses it")
    url = f"http://127.0.0.1:{port}"
    env = stack_env(home) | SERVER_SETTINGS
    env["PREFECT_UI_API_URL"] = url + "/api"
    # Prefect's CLI with SQLite write transactions begun IMMEDIATE (dondoc/orchestration/prefect_server.py)
    server = [sys.executable, "-m", "dondoc.orchestration.prefect_server", "server", "start"]
    pid = _spawn([*server, "--host", "127.0.0.1", "--port", str(port)], env, home / "server.log")
    stack = Stack(str(home), url, server_pid=pid)
    _write(stack)
    try:
        wait_until(lambda: healthy(url) or not _alive(pid), SERVER_START_TIMEOUT, f"Prefect server on {url}")
    except DondocError:
        stop(stack)
        raise
    if not healthy(url):
        raise DondocError(f"Prefect server on {url} exited; see {home / 'server.log'}")
    return stack


def _cli(stack: Stack, *args: str) -> None:
    env = stack_env(Path(stack.home), stack.api_url)
    done = subprocess.run([_prefect_bin(), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise DondocError(f"`prefect {' '.join(args)}` failed (exit {done.returncode}):\n{tail}")


def deploy(stack: Stack) -> None:
    """Create the process work pool (idempotent) and apply every deployment of prefect.yaml."""
    _cli(stack, "work-pool", "create", WORK_POOL, "--type", "process", "--overwrite")
    _cli(stack, "--no-prompt", "deploy", "--all")


def start_worker(stack: Stack) -> Stack:
    env = stack_env(Path(stack.home), stack.api_url)
    stack.worker_pid = _spawn(
        [_prefect_bin(), "worker", "start", "--pool", WORK_POOL, "--type", "process"], env, Path(stack.home) / "worker.log"
    )
    _write(stack)
    return stack


def up(*, port: int | None = None, with_deployments: bool = True, with_worker: bool = True) -> tuple[Stack, bool]:
    """Start what is missing (server, deployments, worker); returns the stack and whether it was reused."""
    home = prefect_home()
    stack = read_stack(home)
    reused = stack is not None
    if stack is None:
        stack = start_server(home, port)
        if with_deployments:
            deploy(stack)
    if with_worker and stack.worker_pid is None:
        start_worker(stack)
    return stack, reused


def _stop_group(pid: int | None) -> bool:
    if not _alive(pid):
        return False
    assert pid is not None
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        _reap(pid)
        time.sleep(0.2)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(stack: Stack) -> list[str]:
    stopped = []
    if _stop_group(stack.worker_pid):
        stopped.append(f"worker (pid {stack.worker_pid})")
    if _stop_group(stack.server_pid):
        stopped.append(f"Prefect server (pid {stack.server_pid})")
    _state_file(Path(stack.home)).unlink(missing_ok=True)
    return stopped


def down(home: Path | None = None) -> list[str]:
    """Stop the worker and the server recorded under ``home`` (only those processes)."""
    home = home or prefect_home()
    path = _state_file(home)
    if not path.exists():
        return []
    return stop(Stack(**json.loads(path.read_text(encoding="utf-8"))))
