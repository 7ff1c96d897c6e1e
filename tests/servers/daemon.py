"""A server binary from a Debian package, run on loopback in a temporary directory of its own."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx


class Daemon:
    """Subclasses prepare `self.root`, then `_run` the binary; it is ready once `ready_url` answers 200."""

    name = "server"

    def __init__(self, prefix: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix=prefix))

    def _run(self, argv: list[str], ready_url: str, timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=(self.root / "log").open("wb"))
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"{self.name} did not start: {self.log()}")

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text()[-3000:] if path.exists() else ""

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
