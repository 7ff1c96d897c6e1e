"""Shared fixtures: the example bundles and a scratch copy helper."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "examples" / "incidents"
BUNDLES = sorted(p for p in INCIDENTS.iterdir() if (p / "incident.json").is_file())
# The parse cache (kernel/filecache.py) of this run, for it and the commands it starts: never a person's own.
os.environ["CLOUD_DOCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="cloud-doctor-cache-")
atexit.register(shutil.rmtree, os.environ["CLOUD_DOCTOR_CACHE_DIR"], True)


@pytest.fixture
def copy_bundle(tmp_path: Path):
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(INCIDENTS / name, dest)
        return dest

    return copy


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`cloud-doctor ARGS` in a process of its own, as a person runs it: exit code, stdout, stderr."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )


def start_server(start):
    """Start a real server the tests need; skip only when its binary is truly absent, and never in CI."""
    try:
        return start()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (.ci/run installs it; CI must not skip)")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres():
    from tests.servers.postgres import Postgres

    server = start_server(Postgres)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    """Every store test runs against SQLite and a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres").database()


@pytest.fixture(scope="session")
def moto_url():
    """moto in server mode on loopback: real boto3 over real HTTP (CloudWatch, STS)."""
    from moto.server import ThreadedMotoServer

    from tests.servers.postgres import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
