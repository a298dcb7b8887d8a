"""`buddywerk serve` (issue 17, point 1): one command runs gunicorn, a task worker and the
scheduler, starts a crashed child again, and stops them all together on SIGTERM. A real
process tree on a free port, against the test database."""

import os
import signal
import time

import pytest

from tests.common.smtp import free_port
from tests.ops.processes import alive, child_env, descendants, get, start, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _children(pid: int) -> dict[str, list[int]]:
    tree = descendants(pid)
    kinds: dict[str, list[int]] = {"web": [], "worker": [], "scheduler": []}
    for child, command in tree.items():
        if "gunicorn" in command:
            kinds["web"].append(child)
        elif "db_worker" in command:
            kinds["worker"].append(child)
        elif "run_scheduled" in command:
            kinds["scheduler"].append(child)
    return kinds


def _wait_until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_serve_supervises_the_stack_and_stops_it_on_sigterm(tmp_path):
    port = free_port()
    serve = start(
        ["serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "2", "--scheduler-every", "3600"],
        child_env(tmp_path),
        tmp_path / "serve.log",
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        status, body, headers = get(f"{base}/privacy/")
        assert status == 200
        assert '<html lang="nl-be">' in body
        assert headers["X-Request-ID"]
        status, body, _ = get(f"{base}/readyz")
        assert status == 200, body

        kinds = _wait_until(lambda: (k := _children(serve.pid))["worker"] and k["scheduler"] and k)
        # gunicorn's master and its two workers
        assert len(kinds["web"]) == 3, kinds

        # a crashed task worker is started again (after a pause of 1 s)
        crashed = kinds["worker"][0]
        os.kill(crashed, signal.SIGKILL)
        restarted = _wait_until(lambda: [p for p in _children(serve.pid)["worker"] if p != crashed])
        assert restarted

        tree = list(descendants(serve.pid))
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        assert serve.returncode == 0
        # every child is gone with it
        _wait_until(lambda: not alive(tree), seconds=5)
    finally:
        stop(serve)
    log = (tmp_path / "serve.log").read_text()
    assert "task-worker-1 stopped (exit code -9" in log
    assert "Stopping (SIGTERM)" in log
