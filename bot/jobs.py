"""Workers: claim jobs from the store under a lease, run the pipeline, keep the job's one Slack message current."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from bot import blocks
from bot.metrics import Metrics
from bot.pipeline import collect_bundle, diagnose
from bot.settings import Settings
from bot.store import Job, Store
from collectors import CloudDoctorError

if TYPE_CHECKING:
    from slack_sdk import WebClient

log = logging.getLogger("cloud_doctor.jobs")


class LeaseLost(Exception):
    """Another worker owns the job now (ours was presumed dead): stop without touching it."""


class Workers:
    """A few threads per process; any number of processes may share one store."""

    def __init__(self, store: Store, settings: Settings, slack: WebClient, metrics: Metrics) -> None:
        self.store, self.settings, self.slack, self.metrics = store, settings, slack, metrics
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.settings.jobs.workers):
            thread = threading.Thread(target=self._loop, name=f"worker-{i}", args=(f"{self.name}/{i}",), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def wake(self) -> None:
        self._wake.set()

    def _loop(self, worker: str) -> None:
        lease = self.settings.jobs.lease_seconds
        while not self._stop.is_set():
            try:
                job = self.store.claim(worker, lease)
            except Exception:  # the store is down: keep the process alive, retry on the next tick
                log.exception("claiming a job failed")
                job = None
            if job is None:
                self._wake.wait(self.settings.jobs.poll_seconds)
                self._wake.clear()
                continue
            Run(self, job, worker).execute()


class Run:
    """One attempt at one job."""

    def __init__(self, workers: Workers, job: Job, worker: str) -> None:
        self.w, self.job, self.worker = workers, job, worker
        self.started = time.monotonic()
        self.lease = workers.settings.jobs.lease_seconds
        self._beat = threading.Event()

    def execute(self) -> None:
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True)
        heartbeat.start()
        try:
            result = self._compute()
            self._deliver(result)
        except LeaseLost:
            log.warning("job %s: lease lost, another worker has it", self.job.id)
        except CloudDoctorError as exc:
            self._failed(str(exc))
        except Exception as exc:  # a bug or an outage: the person still gets an answer
            log.exception("job %s failed", self.job.id)
            self._failed(f"internal error ({type(exc).__name__}); the operators have the details in the logs")
        finally:
            self._beat.set()

    def _heartbeat(self) -> None:
        while not self._beat.wait(self.lease / 3):
            self.w.store.renew(self.job.id, self.worker, self.lease)

    def _stage(self, stage: str, detail: str = "") -> None:
        elapsed = time.monotonic() - self.started
        if not self.w.store.set_stage(self.job.id, self.worker, stage):
            raise LeaseLost
        text, message = blocks.progress(self.job, stage, elapsed)
        self._show(text, message)

    def _show(self, text: str, message: blocks.Blocks) -> None:
        """Post the job's one message the first time, edit it ever after (also across restarts)."""
        if self.job.message_ts is None:
            response = self.w.slack.chat_postMessage(channel=self.job.channel, text=text, blocks=message)
            self.job.message_ts = str(response["ts"])
            if not self.w.store.set_stage(self.job.id, self.worker, self.job.stage, message_ts=self.job.message_ts):
                raise LeaseLost
        else:
            self.w.slack.chat_update(channel=self.job.channel, ts=self.job.message_ts, text=text, blocks=message)

    def _compute(self) -> dict[str, Any]:
        settings = self.w.settings
        bundle = settings.incident_bundles().get(self.job.service)
        if bundle is None:
            raise CloudDoctorError(f"no incident source is configured for {self.job.service!r}")
        timer = self.w.metrics.stage_seconds
        self._stage("collecting")
        with timer.labels("collecting").time():
            evidence = collect_bundle(bundle)
        current, since = "digesting", time.monotonic()

        def progress(stage: str, detail: str) -> None:
            nonlocal current, since
            timer.labels(current).observe(time.monotonic() - since)
            current, since = stage, time.monotonic()
            self._stage(stage, detail)

        self._stage("digesting")
        report = diagnose(
            evidence,
            settings.digest.token_budget,
            settings.engines.diagnoser,
            settings.engines.prescriber,
            progress=progress,
        )
        timer.labels(current).observe(time.monotonic() - since)
        result = report.to_json()
        result["missing_sources"] = report.digest.missing_sources
        self.w.metrics.diagnoses.labels(report.diagnosis.category).inc()
        return result

    def _deliver(self, result: dict[str, Any]) -> None:
        elapsed = time.monotonic() - self.started
        text, message = blocks.diagnosis(self.job, result, elapsed)
        self._show(text, message)
        fix = result.get("fix")
        if self.job.kind == "terraform" and fix:
            self.w.slack.files_upload_v2(
                channel=self.job.channel, thread_ts=self.job.message_ts, content=fix["diff"],
                filename=f"cloud-doctor-{self.job.service}-{self.job.id[:8]}.diff", title=fix["summary"][:200],
            )  # fmt: skip
        if not self.w.store.finish(self.job.id, self.worker, result):
            raise LeaseLost

    def _failed(self, error: str) -> None:
        try:
            text, message = blocks.failed(self.job, error, time.monotonic() - self.started)
            self._show(text, message)
        finally:
            self.w.store.fail(self.job.id, self.worker, error)
