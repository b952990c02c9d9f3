"""The json_independent list in conftest names real test modules: a renamed module would
silently lose its marker and run in CI's pure-JSON pass again."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import _JSON_INDEPENDENT


def test_every_json_independent_module_exists() -> None:
    here = Path(__file__).parent
    missing = sorted(name for name in _JSON_INDEPENDENT if not (here / f"{name}.py").is_file())
    assert missing == []
