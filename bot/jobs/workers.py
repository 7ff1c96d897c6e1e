"""Workers: claim jobs from the store under a lease, run the pipeline, keep the job's one Slack message current."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from bot.alerts.intake import AlertIntake
from bot.jobs.store import OPEN_STATES, Job, Message, Store
from bot.pipeline import collect_bundle, diagnose
from bot.settings import Settings, use_cloud_identity
from bot.slack import blocks
from bot.slack.threads import thread_replies
from bot.thread.answering import ANSWER_EVENT
from bot.thread.context import job_context
from bot.thread.export import pack_collection
from collectors import Evidence
from kernel import CloudDoctorError
from kernel.durations import seconds

if TYPE_CHECKING:
    from slack_sdk import WebClient

log = logging.getLogger("cloud_doctor.jobs")
FINAL_TRIES = 60  # a finished job's message is tried for about an hour (back-off capped at a minute)


class LeaseLost(Exception):
    """Another worker owns the job now (ours was presumed dead): stop without touching it."""


class Workers:
    """Worker processes beside the web process; any number of instances may share one store.

    Diagnoses are CPU-bound: run as threads of the web process they held the GIL against the
    acknowledgements (measured: ack p99 1.3 s at 50 concurrent clients), so they get processes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ctx = multiprocessing.get_context("spawn")
        self._wake = self._ctx.Event()
        self._procs: list[Any] = []
        self._stopping = threading.Event()
        self.respawned = 0

    def start(self) -> None:
        self._procs = [self._spawn(i) for i in range(self.settings.jobs.workers)]
        threading.Thread(target=self._supervise, name="cloud-doctor-supervisor", daemon=True).start()

    def _spawn(self, index: int) -> Any:
        proc = self._ctx.Process(
            target=worker_main,
            args=(self.settings, self._wake, os.getpid(), index),
            name=f"cloud-doctor-worker-{index}",
            daemon=True,
        )
        proc.start()
        return proc

    def _supervise(self) -> None:
        """A worker that died (killed, out of memory, a bug) is replaced within a second; its job's lease
        runs out and the new worker, or another instance's, takes the job again."""
        while not self._stopping.wait(1.0):
            for index, proc in enumerate(self._procs):
                if not proc.is_alive() and not self._stopping.is_set():
                    log.warning("worker %d (pid %s) died with exit code %s; starting another",
                                index, proc.pid, proc.exitcode)  # fmt: skip
                    self._procs[index] = self._spawn(index)
                    self.respawned += 1

    def alive(self) -> int:
        return sum(proc.is_alive() for proc in self._procs)

    def stop(self) -> None:
        self._stopping.set()
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.join(timeout=5)

    def wake(self) -> None:
        self._wake.set()


def worker_main(settings: Settings, wake: Any, parent: int, index: int) -> None:
    """Entry point of a worker process: it dies with the web process that started it."""
    _die_with_parent()
    # Acknowledgements in the web process come first (Slack's 3 s); diagnoses take what CPU is left.
    # Measured at 50 concurrent clients on 2 cores: nice 19 kept ack p99 68-100 ms where 10 gave 82-124.
    os.nice(19)
    from bot.slack.client import slack_client

    use_cloud_identity(settings)

    from bot.logs import configure

    configure()
    worker = Worker(
        Store(settings.store_url), settings, slack_client(settings), f"{socket.gethostname()}:{os.getpid()}/{index}"
    )
    while os.getppid() == parent:
        try:
            busy = worker.run_once()
        except Exception:  # whatever one job or message did, the worker lives on for the next
            log.exception("worker %s: a job or message failed unexpectedly", worker.name)
            busy = False
        if not busy:
            wake.wait(settings.jobs.poll_seconds)
            wake.clear()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so an orphan never holds a lease."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # elsewhere the getppid() check in the loop ends it between jobs


class Worker:
    """Claims one job at a time under a lease and runs it."""

    def __init__(self, store: Store, settings: Settings, slack: WebClient, name: str) -> None:
        self.store, self.settings, self.slack, self.name = store, settings, slack, name
        self.intake = AlertIntake(store)
        self._next_prune = 0.0  # monotonic time of the next pruning of alert history

    def run_once(self) -> bool:
        try:
            job = self.store.claim(self.name, self.settings.jobs.lease_seconds)
        except Exception:  # the store is down: keep the process alive, retry on the next tick
            log.exception("claiming a job failed")
            return False
        if job is not None:
            run = Run(self, job, self.name)
            if job.attempts > self.settings.jobs.max_attempts:
                run.give_up()
            else:
                run.execute()
            return True
        try:
            message = self.store.claim_message(self.name, self.settings.jobs.lease_seconds)
        except Exception:
            log.exception("claiming a message failed")
            return False
        if message is None:
            self._prune()
            return False
        self.send(message)
        return True

    def _prune(self) -> None:
        """When idle, at most hourly: alert history past `webhooks.retention` goes (any worker may do it)."""
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + 3600
        try:
            self.intake.prune(seconds(self.settings.webhooks.retention))
            self.store.prune_evidence(seconds(self.settings.feedback.keep_evidence))
        except Exception:
            log.exception("pruning alert history failed")

    def send(self, message: Message) -> None:
        """Post an outbox message, or put it back for later (its thread has no first message yet, its storm
        is still landing). A failed post (the client has already retried with back-off) is tried again later:
        a job's finished message for up to an hour of outage, notes five times."""
        try:
            if message.kind == "final":
                self._final(message)
                return
            if message.kind == "pull_request":
                self._pull_request(message)
                return
            if message.kind == "answer":
                self._answer(message)
                return
            if message.kind == "postmortem":
                self._postmortem(message)
                return
            if message.kind == "note":
                ready = self._thread_note(message)
            elif message.kind == "resolved":
                ready = self._resolved_note(message)
            else:
                ready = self._storm_summary(message)
            if ready is None:
                return
            text, content, thread_ts = ready
            response = self.slack.chat_postMessage(
                channel=message.channel, text=text, blocks=content, thread_ts=thread_ts
            )
            self.store.message_done(message.id, self.name, str(response["ts"]))
        except Exception:
            log.exception("message %s (%s) failed", message.id, message.kind)
            tries = FINAL_TRIES if message.kind == "final" else 5
            if message.attempts >= tries:
                self.store.message_done(message.id, self.name, None, failed=True)
            else:
                self.store.message_later(message.id, self.name, min(60.0, 5.0 * message.attempts))

    def _final(self, message: Message) -> None:
        """A finished job's message: its one message edited to the diagnosis (posted if it never was), and for
        a fix the diff in its thread. Editing again is harmless and the diff is uploaded only when the thread
        does not hold it yet, so a retry after a crash shows each once."""
        job = self.store.get(message.thread_job or "")
        if job is None or job.result is None:
            self.store.message_done(message.id, self.name, None, failed=True)
            return
        text, content = blocks.diagnosis(job, job.result, float(message.args.get("elapsed", 0.0)))
        if job.message_ts is None:  # never posted, or posted by a worker that died before it was stored
            job.message_ts = posted_before(self.slack, job)
        if job.message_ts is None:
            meta = job_metadata(job)
            posted = self.slack.chat_postMessage(channel=job.channel, text=text, blocks=content, metadata=meta)
            job.message_ts = str(posted["ts"])
            self.store.set_message_ts(job.id, job.message_ts)
        else:
            self.store.set_message_ts(job.id, job.message_ts)
            self.slack.chat_update(channel=job.channel, ts=job.message_ts, text=text, blocks=content)
        fix = job.result.get("fix") if job.kind == "terraform" else None
        chart = (job.result.get("context") or {}).get("chart")
        # what an earlier attempt already shared in the thread, read once for the diff and the chart
        shared = shared_files(self.slack, job.channel, job.message_ts) if fix or chart else set()
        filename = f"cloud-doctor-{job.service}-{job.id[:8]}.diff"
        if fix and filename not in shared:
            self.slack.files_upload_v2(
                channel=job.channel, thread_ts=job.message_ts, content=fix["diff"], filename=filename,
                title=fix["summary"][:200],
            )  # fmt: skip
        if chart:
            try:
                self._chart(job, chart, shared)
            except Exception:  # a chart that cannot be drawn or shared leaves the diagnosis as it is
                log.exception("job %s: the chart was not shared", job.id)
        self.store.message_done(message.id, self.name, job.message_ts)

    def _chart(self, job: Job, chart: dict[str, Any], shared: set[str]) -> None:
        """The deciding metric's chart in the diagnosis's thread, once; rendered here, never on the ack path."""
        filename = f"cloud-doctor-{job.service}-{job.id[:8]}-chart.png"
        if filename in shared:
            return
        from bot.chart import render_chart

        png = render_chart(chart)
        self.slack.files_upload_v2(
            channel=job.channel, thread_ts=job.message_ts, content=png, filename=filename,
            title=str(chart["title"])[:200],
            initial_comment=f"What decided it: {blocks.escape(chart.get('finding', ''))}"[:900],
        )  # fmt: skip

    def _answer(self, message: Message) -> None:
        """A thread question's answer, posted in the thread once: a retry finds the answer an earlier attempt
        posted by its metadata before posting again."""
        job = self.store.get(message.thread_job or "")
        if job is None or job.result is None or not job.args.thread_ts:
            self.store.message_done(message.id, self.name, None, failed=True)
            return
        ts = answered_before(self.slack, job)
        if ts is None:
            posted = self.slack.chat_postMessage(
                channel=job.channel, thread_ts=job.args.thread_ts, text=str(job.result["answer"])[:3000],
                blocks=blocks.answer(job.result), metadata={"event_type": ANSWER_EVENT,
                                                            "event_payload": {"job_id": job.id}},
            )  # fmt: skip
            ts = str(posted["ts"])
        self.store.message_done(message.id, self.name, ts)

    def _postmortem(self, message: Message) -> None:
        """A postmortem draft of the job, uploaded in its thread once."""
        from bot.thread.postmortem import postmortem

        job = self.store.get(message.thread_job or "")
        if job is None or job.result is None or "diagnosis" not in job.result or job.message_ts is None:
            self.store.message_done(message.id, self.name, None, failed=True)
            return
        filename = f"cloud-doctor-postmortem-{job.service}-{job.id[:8]}.md"
        if filename not in shared_files(self.slack, job.channel, job.message_ts):
            draft = postmortem(job, self.store)
            self.slack.files_upload_v2(
                channel=job.channel, thread_ts=job.message_ts, content=draft, filename=filename,
                title=f"Postmortem draft: {job.service}"[:200],
            )  # fmt: skip
        self.store.message_done(message.id, self.name, job.message_ts)

    def _pull_request(self, message: Message) -> None:
        """Open an approved fix's pull request. GitHub down, rate limited or slow: later (with its Retry-After),
        for as long as a finished message waits for Slack; refused for good (credentials, a missing repository):
        the thread says why, once."""
        from bot.repository.github import GitHubError
        from bot.repository.pull import open_pull_request

        job = self.store.get(message.thread_job or "")
        if job is None:
            self.store.message_done(message.id, self.name, None, failed=True)
            return
        try:
            open_pull_request(self.settings, self.store, job)
        except GitHubError as exc:
            if exc.transient and message.attempts < FINAL_TRIES:
                self.store.message_later(message.id, self.name, min(600.0, exc.retry_after or 5.0 * message.attempts))
                return
            self._pull_failed(job, message, str(exc))
            return
        except CloudDoctorError as exc:  # git refused (the remote, the credentials): it will not get better alone
            self._pull_failed(job, message, str(exc))
            return
        self.store.message_done(message.id, self.name, None)

    def _pull_failed(self, job: Job, message: Message, why: str) -> None:
        log.warning("job %s: the pull request was not opened: %s", job.id, why)
        from bot.repository.pull import branch_name

        note = f"The pull request was not opened: {blocks.escape(why)}"
        values: dict[str, Any] = {"state": "failed", "detail": why[:2000]}
        repo = self.settings.repository_for(job.service)
        if self.store.pull_request(job.id) is None:  # a first row names where it was meant to go; a kept one keeps it
            values |= {"repo": repo.repo if repo else "", "branch": branch_name(job)}
        self.store.save_pull_request(job.id, note=(job.channel, note), **values)
        self.store.message_done(message.id, self.name, None, failed=True)

    def _thread_note(self, message: Message) -> tuple[str, blocks.Blocks | None, str | None] | None:
        """A line in a job's thread (its pull request, a plan, merged): once the job's message exists."""
        job = self.store.get(message.thread_job or "")
        if job is not None and job.message_ts is None and message.attempts < 100:
            self.store.message_later(message.id, self.name, 3.0)
            return None
        return str(message.args.get("text", "")), None, job.message_ts if job else None

    def _resolved_note(self, message: Message) -> tuple[str, blocks.Blocks | None, str | None] | None:
        """In the job's thread once the job has posted its message (top level if it never will)."""
        job = self.store.get(message.thread_job or "")
        if job is not None and job.message_ts is None and job.state in OPEN_STATES and message.attempts < 100:
            self.store.message_later(message.id, self.name, 3.0)
            return None
        return blocks.resolved(message.args), None, job.message_ts if job else None

    def _storm_summary(self, message: Message) -> tuple[str, blocks.Blocks | None, str | None] | None:
        """Once the storm has been quiet for `webhooks.storm_settle` (at most three minutes after it began)."""
        settle = seconds(self.settings.webhooks.storm_settle)
        quiet = time.time() - self.intake.last_alert_at(message.channel)
        if quiet < settle and time.time() - message.args["since"] < 180:
            self.store.message_later(message.id, self.name, settle - quiet)
            return None
        text, content = blocks.storm(self.intake.storm_summary(message.channel, message.args["since"]))
        return text, content, None


METADATA_EVENT = "cloud_doctor_job"


def job_metadata(job: Job) -> dict[str, Any]:
    """Slack message metadata naming the job a message belongs to (chat.postMessage `metadata`)."""
    return {"event_type": METADATA_EVENT, "event_payload": {"job_id": job.id}}


def answered_before(slack: WebClient, job: Job) -> str | None:
    """The ts of an answer an earlier attempt posted for this question job (by its metadata in the thread)."""
    for item in thread_replies(slack, job.channel, job.args.thread_ts or "", metadata=True):
        meta = item.get("metadata") or {}
        if meta.get("event_type") == ANSWER_EVENT and (meta.get("event_payload") or {}).get("job_id") == job.id:
            return str(item["ts"])
    return None


def shared_files(slack: WebClient, channel: str, thread_ts: str) -> set[str]:
    """The names of the files already shared in a thread (an earlier attempt's uploads)."""
    return {str(f.get("name")) for item in thread_replies(slack, channel, thread_ts) for f in item.get("files") or []}


def posted_before(slack: WebClient, job: Job) -> str | None:
    """The ts of a message an earlier attempt posted for this job, found by its metadata in the channel's
    history since the job was created (conversations.history, newest first, a few pages at most)."""
    cursor = None
    for _ in range(5):
        page = slack.conversations_history(
            channel=job.channel, oldest=f"{job.created_at - 60:.6f}", include_all_metadata=True, limit=200,
            cursor=cursor,
        )  # fmt: skip
        for item in page.get("messages") or []:
            meta = item.get("metadata") or {}
            if meta.get("event_type") == METADATA_EVENT and (meta.get("event_payload") or {}).get("job_id") == job.id:
                return str(item["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


class Run:
    """One attempt at one job."""

    def __init__(self, workers: Worker, job: Job, worker: str) -> None:
        self.w, self.job, self.worker = workers, job, worker
        self.started = time.monotonic()
        self.lease = workers.settings.jobs.lease_seconds
        self.timings: dict[str, float] = {}
        self._beat = threading.Event()
        self.bundle: str | None = None  # the bundle replayed, if one was
        self.documents: bytes | None = None  # what a live collection returned, compressed

    def execute(self) -> None:
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True)
        heartbeat.start()
        try:
            result = self._answer() if self.job.kind == "question" else self._compute()
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

    def _stage(self, stage: str) -> None:
        """The stage is stored; showing it is best effort: a Slack outage delays the message, not the job."""
        elapsed = time.monotonic() - self.started
        if not self.w.store.set_stage(self.job.id, self.worker, stage):
            raise LeaseLost
        text, message = blocks.progress(self.job, stage, elapsed)
        try:
            self._show(text, message)
        except LeaseLost:
            raise
        except Exception:
            log.warning("job %s: Slack did not take the %r update; the job goes on", self.job.id, stage, exc_info=True)

    def _show(self, text: str, message: blocks.Blocks) -> None:
        """Post the job's one message the first time, edit it ever after (also across restarts). The post
        carries the job id as message metadata: a worker that died with the post in flight left a message
        Slack has and the store does not, and the next attempt finds it instead of posting a second."""
        if self.job.message_ts is None and self.job.attempts > 1:
            self.job.message_ts = posted_before(self.w.slack, self.job)
            if self.job.message_ts and not self.w.store.set_stage(
                self.job.id, self.worker, self.job.stage, message_ts=self.job.message_ts
            ):
                raise LeaseLost
        if self.job.message_ts is None:
            response = self.w.slack.chat_postMessage(
                channel=self.job.channel, text=text, blocks=message, metadata=job_metadata(self.job)
            )
            self.job.message_ts = str(response["ts"])
            if not self.w.store.set_stage(self.job.id, self.worker, self.job.stage, message_ts=self.job.message_ts):
                raise LeaseLost
        else:
            self.w.slack.chat_update(channel=self.job.channel, ts=self.job.message_ts, text=text, blocks=message)

    def _answer(self) -> dict[str, Any]:
        """A thread question: no stages and no message of its own, only the answer in the thread."""
        from bot.thread.answering import answer_question

        self._react()
        return answer_question(self.w.settings, self.w.store, self.w.slack, self.job)

    def _react(self) -> None:
        """:eyes: on the question (the web process adds it on arrival; this is for a retry that lost it)."""
        if self.job.args.asked_ts and self.job.attempts > 1:
            with contextlib.suppress(Exception):
                self.w.slack.reactions_add(channel=self.job.channel, timestamp=self.job.args.asked_ts, name="eyes")

    def _compute(self) -> dict[str, Any]:
        settings = self.w.settings
        current, since = "collecting", time.monotonic()
        self._stage(current)
        evidence = self._collect(settings)
        if evidence.documents:  # a live collection: kept, so feedback can export the incident as a bundle
            self.documents = pack_collection(evidence)

        def progress(stage: str, _detail: str) -> None:  # the pipeline names each stage once, as it starts
            nonlocal current, since
            self.timings[current] = time.monotonic() - since
            current, since = stage, time.monotonic()
            self._stage(stage)

        report = diagnose(
            evidence,
            settings.digest.token_budget,
            settings.engines.diagnoser,
            settings.engines.prescriber,
            progress=progress,
            options=settings.engine_options(),
        )
        self.timings[current] = time.monotonic() - since
        result = report.to_json()
        result["missing_sources"] = report.digest.missing_sources
        runbook = settings.runbooks.get(self.job.service)
        result["context"] = job_context(report, bundle=self.bundle, runbook=runbook)
        return result

    def _collect(self, settings: Settings) -> Evidence:
        """Live telemetry when a cluster serves the service (preferred), else its incident bundle."""
        service, args = self.job.service, self.job.args
        earlier = self.w.store.get(args.from_job) if args.from_job else None
        if earlier is not None:  # a fix for an earlier diagnosis looks at what that one looked at
            args = args.over(earlier.args)
        if settings.serves_live(service):
            from bot.sources import job_scope, live_collector

            # the payload as received (the alert that started this job) goes in before the lines are read:
            # the onset can be its start, and the lines are reduced on that grid as they come
            evidence = live_collector(settings, service, args.cluster).collect(job_scope(service, args), args.alert)
            if settings.terraform.path:
                evidence.terraform_dir = str(settings.terraform.path)
        else:
            bundle = settings.incident_bundles().get(service)
            if bundle is None:
                raise CloudDoctorError(f"no incident source is configured for {service!r}")
            evidence = collect_bundle(bundle, args.alert)  # the embedded default replays the recorded incident
            self.bundle = str(bundle)
        return evidence

    def _deliver(self, result: dict[str, Any]) -> None:
        """Stored first, shown second: whoever sees "done" in Slack finds the job done in the store. The finished
        message is queued with the result in one transaction and sent at once; if Slack is down it goes out
        when Slack is back, by this worker or any other."""
        kind = "answer" if self.job.kind == "question" else "final"
        final = Message(str(uuid.uuid4()), kind, self.job.channel, self.job.id,
                        {"elapsed": time.monotonic() - self.started}, 0)  # fmt: skip
        if not self.w.store.finish(self.job.id, self.worker, result, self.timings, final=final,
                                   documents=self.documents):  # fmt: skip
            raise LeaseLost
        message = self.w.store.claim_message(self.worker, self.lease, message_id=final.id)
        if message is not None:
            self.w.send(message)

    def _failed(self, error: str) -> None:
        """Failed once, with its reason, in the store first; the notice in Slack is best effort."""
        if not self.w.store.fail(self.job.id, self.worker, error):
            return  # another worker holds the job now, or it is already decided
        if self.job.kind == "question":  # no message of its own: the reason goes in the thread
            with contextlib.suppress(Exception):
                self.w.slack.chat_postMessage(channel=self.job.channel, thread_ts=self.job.args.thread_ts,
                                              text=f"I could not answer that: {blocks.escape(error)}")  # fmt: skip
            return
        try:
            text, message = blocks.failed(self.job, error, time.monotonic() - self.started)
            self._show(text, message)
        except Exception:
            log.warning("job %s failed (%s); Slack did not take the notice", self.job.id, error, exc_info=True)

    def give_up(self) -> None:
        """A job whose workers kept dying under it (killed, out of memory) fails with that reason, once."""
        attempts = self.job.attempts - 1
        self._failed(f"gave up after {attempts} attempts: the worker stopped each time before finishing")
