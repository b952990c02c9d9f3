"""A real ``redis-server`` for the tests: started on a free port on 127.0.0.1, without
persistence (a restart comes back empty, as a lost Redis would), stopped at the end."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

# Loopback only, nothing saved: a restart comes back empty.
OPTIONS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning")


class RedisServer:
    """One ``redis-server`` process; :meth:`stop` and :meth:`start` again keep its port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        for _ in range(5):  # a free port can be taken between finding it and binding it
            port = self.port or _free_port()
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--dir", str(self.directory), *OPTIONS],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _wait_ready(self.process, port):
                self.port = port
                return
            self.stop()
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        """Stop it at once (SIGKILL: no goodbye to its clients, no save)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 10.0) -> bool:
    """True once the server answers PING; False if it exited (port taken) or never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return True
        except OSError:
            pass
        time.sleep(0.01)
    return False
