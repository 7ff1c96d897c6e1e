"""A real git repository for the fixes to land in: a bare one (what the remote is), seeded on `main` with the
checkout-oom bundle's Terraform under infra/live, and a GitHub stand-in reading its branches."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import INCIDENTS
from tests.standins.github import GitHubStandIn

REPO = "acme/infra"
TOKEN = "ghp_standin_token"


def git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@acme.io", "GIT_COMMITTER_NAME": "Ann",
           "GIT_COMMITTER_EMAIL": "ann@acme.io", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(cwd)}  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "infra.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(bare), str(seed))
    for file in (INCIDENTS / "checkout-oom" / "terraform").rglob("*.tf"):
        target = seed / "infra" / "live" / file.relative_to(INCIDENTS / "checkout-oom" / "terraform")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.read_text())
    (seed / "README.md").write_text("# infra\n")
    git(seed, "checkout", "--quiet", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "--quiet", "-m", "infra as it runs")
    git(seed, "push", "--quiet", "origin", "main")
    return bare


def push_to_main(tmp_path: Path, remote: Path, rel: str, old: str, new: str) -> None:
    """Someone else's commit on main (the base moves under a fix)."""
    work = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(work))
    path = work / rel
    path.write_text(path.read_text().replace(old, new))
    git(work, "commit", "--quiet", "-am", "someone else's change")
    git(work, "push", "--quiet", "origin", "main")


@pytest.fixture
def github(remote: Path):
    standin = GitHubStandIn(REPO, remote, TOKEN)
    yield standin
    standin.close()
