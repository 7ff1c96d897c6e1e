"""Recorded model answers, keyed by exactly what was asked: `--record` writes them, `--replay` reads them.

Evaluation and tests replay real model behaviour without a network; a request that differs in any
byte (prompt, model, digest) misses, so a replay never answers a question it was not asked.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from kernel import CloudDoctorError


class Cassette:
    def __init__(self, folder: str | Path, mode: Literal["record", "replay"]) -> None:
        self.folder, self.mode = Path(folder), mode
        if mode == "record":
            self.folder.mkdir(parents=True, exist_ok=True)
        elif not self.folder.is_dir():
            raise CloudDoctorError(f"--replay {self.folder}: no such folder; record one first with --record")

    @staticmethod
    def key(*parts: Any) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]

    @property
    def replaying(self) -> bool:
        return self.mode == "replay"

    def get(self, key: str, what: str) -> Any:
        path = self.folder / f"{key}.json"
        if not path.is_file():
            raise CloudDoctorError(
                f"{self.folder}: no recorded answer for this {what} request ({key}); the "
                "prompt or model changed since recording: record again"
            )
        return json.loads(path.read_text())

    def put(self, key: str, answer: Any) -> None:
        (self.folder / f"{key}.json").write_text(json.dumps(answer, indent=1, sort_keys=True))
