"""The fix as one commit on its own branch, with real git: a clone kept per repository, the reviewed diff applied
to the base as it is now (`git apply --check` first: a base that moved under it refuses, it is never merged by
hand), committed with the approval's time so a retry builds the very same commit, and pushed."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kernel import CloudDoctorError


class GitError(CloudDoctorError):
    pass


@dataclass(frozen=True, slots=True)
class Built:
    sha: str | None  # the commit, or None when the patch does not apply
    base_sha: str
    problem: str = ""  # why it does not apply, in git's words


class Checkout:
    def __init__(self, root: Path, url: str, token: Callable[[], str] | None = None) -> None:
        self.root, self.url, self.token = root, url, token

    def _git(self, *args: str, stdin: str | None = None, check: bool = True, cwd: Path | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
        extra = dict(env or {})
        if self.token is not None and self.url.startswith("https://"):
            # The credential goes through git's environment config: not on a command line anyone can read in
            # /proc, not in .git/config, not in an error message that quotes the command.
            basic = base64.b64encode(f"x-access-token:{self.token()}".encode()).decode()
            extra |= {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraHeader",
                      "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}"}  # fmt: skip
        try:
            result = subprocess.run(
                ["git", *args], cwd=cwd or self.root, input=stdin, capture_output=True, text=True, timeout=120,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **extra},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish within 120 s") from None
        except OSError as exc:
            raise GitError(f"git could not be run ({exc.strerror})") from None
        if check and result.returncode != 0:
            raise GitError(f"git {args[0]} failed: {(result.stderr or result.stdout).strip()[:400]}")
        return result

    def sync(self, base: str) -> str:
        """The clone, fetched: the base branch's newest commit."""
        if not (self.root / ".git").is_dir():
            self.root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._git("clone", "--quiet", "--no-tags", self.url, str(self.root), cwd=self.root.parent)
        else:
            self._git("remote", "set-url", "origin", self.url)  # the settings may have moved the remote
        self._git("fetch", "--quiet", "--prune", "origin", f"+refs/heads/{base}:refs/remotes/origin/{base}")
        return self._git("rev-parse", f"refs/remotes/origin/{base}").stdout.strip()

    def build(self, branch: str, base: str, folder: str, diff: str, files: dict[str, str], message: str,
              who: tuple[str, str], when: float) -> Built:  # fmt: skip
        """One commit on `branch` from the base's head holding exactly `files` (paths under `folder`)."""
        base_sha = self.sync(base)
        self._git("checkout", "--quiet", "--force", "-B", branch, base_sha)
        self._git("clean", "--quiet", "-fdx")
        where = ["--directory", folder.strip("/")] if folder.strip("/") else []
        check = self._git("apply", "--check", *where, "-", stdin=diff, check=False)
        if check.returncode != 0:
            return Built(None, base_sha, (check.stderr or check.stdout).strip()[:600])
        self._git("apply", "--index", *where, "-", stdin=diff)
        stamp = f"@{int(when)} +0000"
        name, email = who
        self._git("-c", f"user.name={name}", "-c", f"user.email={email}", "commit", "--quiet", "--no-verify",
                  "-m", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})  # fmt: skip
        sha = self._git("rev-parse", "HEAD").stdout.strip()
        prefix = folder.strip("/")
        changed = set(self._git("diff", "--name-only", "-z", base_sha, sha).stdout.split("\0")) - {""}
        wanted = {f"{prefix}/{p.lstrip('/')}".lstrip("/"): text for p, text in files.items()}
        if changed != set(wanted):
            raise GitError(f"the commit changes {sorted(changed)}, not the reviewed {sorted(wanted)}")
        differ = [p for p, text in wanted.items() if self._git("show", f"{sha}:{p}").stdout != text]
        if differ:  # the patch applied, but around lines the base changed since the fix was written
            return Built(None, base_sha, f"{', '.join(differ)} changed on {base} since the fix was written")
        return Built(sha, base_sha)

    def push(self, branch: str, sha: str) -> None:
        """The branch to the remote at `sha` (the branch is Cloud Doctor's own: a rebuilt commit replaces it)."""
        self._git("push", "--quiet", "--force", "origin", f"{sha}:refs/heads/{branch}")
