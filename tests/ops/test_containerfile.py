"""The container image cannot be built here (no docker or podman in CI), so CI checks the
Containerfile against what it does run: the entry point is `buddywerk serve` (run for real
by tests/ops/test_serve.py), the health check asks /healthz on the port `serve` binds, the
user is not root, every variable it sets is one the settings read, and its build step
(collectstatic with the production storage) works."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

# The autouse cache fixture (tests/conftest.py) uses the database cache.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = (ROOT / "Containerfile").read_text()
FINAL_STAGE = CONTAINERFILE.rsplit("\nFROM ", 1)[1]


def _instruction(name: str) -> str:
    lines = re.findall(rf"^{name} ((?:[^\n]*\\\n)*[^\n]*)", FINAL_STAGE, re.MULTILINE)
    assert lines, f"no {name} in the final stage"
    return lines[-1].replace("\\\n", " ")


def _env() -> dict[str, str]:
    pairs = re.findall(r"([A-Z_]+)=(\S+)", _instruction("ENV"))
    return dict(pairs)


def test_the_image_runs_buddywerk_serve_as_a_user():
    assert _instruction("ENTRYPOINT") == '["tini", "--", "buddywerk"]'
    assert _instruction("CMD") == '["serve"]'
    assert "serve" in get_commands()
    user = _instruction("USER")
    assert user not in ("root", "0")


def test_the_health_check_asks_healthz_where_serve_listens():
    env = _env()
    port = env["SERVE_BIND"].rsplit(":", 1)[1]
    health = _instruction("HEALTHCHECK")
    assert f"http://127.0.0.1:{port}/healthz" in health
    assert f"EXPOSE {port}" in FINAL_STAGE


def test_every_variable_the_image_sets_is_read_by_the_settings():
    settings_source = (ROOT / "src/buddywerk/settings.py").read_text()
    ours = set(_env()) - {"PATH", "PYTHONUNBUFFERED"}
    unknown = [name for name in ours if not re.search(rf'env\(\s*"{name}"', settings_source)]
    assert not unknown, f"set in the Containerfile, read nowhere: {unknown}"


@pytest.mark.django_db
def test_the_build_step_collects_the_static_files(tmp_path):
    env = {**os.environ, **_env(), "PATH": os.environ["PATH"]}
    env.update(
        SECRET_KEY="collectstatic-only",
        BUDDYWERK_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path}/unused.sqlite3",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    done = subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "buddywerk.cli", "collectstatic", "--no-input", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "bootstrap/css/bootstrap.min.css" in manifest
    assert list((tmp_path / "static").rglob("*.css.gz"))  # compressed for whitenoise
