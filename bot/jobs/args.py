"""What a job was asked to look at: written when a command or an alert starts it, read by the worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class JobArgs:
    since: str | None = None  # a person's window, e.g. 30m (default 30m)
    env: str | None = None
    cluster: str | None = None  # only this configured cluster
    from_job: str | None = None  # a fix for an earlier job's diagnosis looks where that one looked
    alert: dict[str, Any] | None = None  # the alert payload that started the job, as received
    alert_source: str | None = None  # alertmanager | grafana | cloudwatch
    alertname: str | None = None
    severity: str | None = None
    summary: str | None = None
    window_start: float | None = None  # unix seconds: the alert's start less the settings' lookback
    question: str | None = None  # a question asked in the thread of job `from_job`
    thread_ts: str | None = None  # where the question was asked (the thread's parent message)
    asked_ts: str | None = None  # the question's own message (its reaction)

    def to_json(self) -> dict[str, Any]:
        """What is stored: the arguments that were given (none is written as null)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> JobArgs:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})

    def over(self, earlier: JobArgs) -> JobArgs:
        """An earlier job's arguments with this job's own on top (a fix looks at the diagnosis's window)."""
        return replace(earlier, **{k: v for k, v in asdict(self).items() if v is not None})
