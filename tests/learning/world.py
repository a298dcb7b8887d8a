"""Objects the learning routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any


def objects(**_: Any) -> dict[str, Any]:
    return {}
