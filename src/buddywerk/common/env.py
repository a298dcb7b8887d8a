"""Read settings from the environment; the default's type decides how a value is parsed.

One helper, so production differs from development only by environment variables
(ARCHITECTURE.md 9). This module, settings.py and the entry points (cli, wsgi, asgi) are
the only code that touches the environment.
"""

import os
from typing import overload

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env(name: str, default: bool) -> bool: ...
@overload
def env(name: str, default: int) -> int: ...
@overload
def env(name: str, default: list[str]) -> list[str]: ...
@overload
def env(name: str, default: str) -> str: ...


def env(name: str, default: bool | int | list[str] | str) -> bool | int | list[str] | str:
    """Return the variable `name` parsed as the type of `default`, or `default` if unset."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"{name} must be a boolean, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def env_export(name: str, value: str) -> None:
    """Set `name` for the processes this one starts (the demo's task worker and scheduler
    read their settings from it, like any other process)."""
    os.environ[name] = value
