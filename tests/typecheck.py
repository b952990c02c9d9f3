"""Type-checking a sample of user code with mypy, in a subprocess, for the typing tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WAIT = 300  # seconds mypy may take on a loaded machine, at most


def mypy_errors(directory: Path, source: str) -> tuple[list[str], str]:
    """Run ``mypy --strict`` on ``source``, written as ``sample.py`` in ``directory`` (its
    cache there too): mypy's error lines (``sample.py:LINE: error: ...``), and all it
    printed, for a failing test's message."""
    (directory / "sample.py").write_text(source)
    cache = str(directory / ".mypy_cache")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, "sample.py"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    return errors, result.stdout + result.stderr
