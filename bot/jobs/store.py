"""The job and approval store: SQLite by default, PostgreSQL when several instances share one queue."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.jobs.args import JobArgs

OPEN_STATES = ("queued", "running")
ALERT_USERS = ("alertmanager", "grafana", "cloudwatch")  # an alert job's user_id: the source that raised it
DUPLICATE_WINDOW = 60.0  # a second identical command within a minute is the same request

metadata = sa.MetaData()
jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("idempotency_key", sa.String(128), nullable=False, unique=True),
    sa.Column("dedupe_key", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # analyze | terraform | question (a thread's)
    sa.Column("service", sa.String(200), nullable=False),
    sa.Column("args", sa.Text, nullable=False, default="{}"),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),  # queued | running | done | failed
    sa.Column("stage", sa.String(32), nullable=False, default="queued"),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("message_ts", sa.String(64), nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.Column("category", sa.String(64), nullable=True),  # of the diagnosis, for metrics
)
# A person's open jobs in a channel, counted on every command (the cap): without it each insert would scan
# every open job. Created on stores made before it too (create_all adds tables, not indexes).
OPEN_OF_PERSON_INDEX = sa.Index("jobs_open_of_person", jobs.c.user_id, jobs.c.channel, jobs.c.state)
# A job by its Slack message: every reply in a thread asks which job the thread is.
BY_MESSAGE_INDEX = sa.Index("jobs_by_message", jobs.c.channel, jobs.c.message_ts)
stage_timings = sa.Table(
    "stage_timings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), nullable=False),
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
)
model_usage = sa.Table(
    "model_usage",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), nullable=False),
    sa.Column("engine", sa.String(32), nullable=False),
    sa.Column("model", sa.String(300), nullable=False),
    sa.Column("input_tokens", sa.Integer, nullable=False),
    sa.Column("output_tokens", sa.Integer, nullable=False),
    sa.Column("latency_ms", sa.Integer, nullable=False),
    sa.Column("fallback", sa.String(32), nullable=True),
)


# One decision per fix (the job that wrote it): the first approve or reject stands; the audit log below is
# append-only and records that decision once.
def _decision_columns() -> list[sa.Column[Any]]:
    """What a decision is, in the decisions table and in the audit log alike."""
    return [
        sa.Column("action", sa.String(16), nullable=False),  # approve | reject
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("diff_sha256", sa.String(64), nullable=False),
    ]


decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), primary_key=True),
    *_decision_columns(),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), nullable=False, index=True),
    *_decision_columns(),
)

# A fix's pull request (one per approved fix): where it went, and what became of it.
pull_requests = sa.Table(
    "pull_requests",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), primary_key=True),
    sa.Column("repo", sa.String(200), nullable=False),
    sa.Column("branch", sa.String(200), nullable=False),
    sa.Column("number", sa.Integer, nullable=True, index=True),
    sa.Column("url", sa.String(500), nullable=True),
    sa.Column("state", sa.String(16), nullable=False),  # open | merged | closed | refused
    sa.Column("commit_sha", sa.String(40), nullable=True),
    sa.Column("detail", sa.Text, nullable=False, default=""),  # the refusal, or the last plan's summary
    sa.Column("updated_at", sa.Float, nullable=False),
)
# GitHub webhook deliveries already handled: a redelivery changes nothing.
github_deliveries = sa.Table(
    "github_deliveries",
    metadata,
    sa.Column("delivery_id", sa.String(64), primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)

# One row per firing of an alert (repeats and re-sends of it update the row): what it started or joined.
alert_firings = sa.Table(
    "alert_firings",
    metadata,
    sa.Column("firing_key", sa.String(32), primary_key=True),
    sa.Column("identity", sa.String(32), nullable=False, index=True),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("alertname", sa.String(200), nullable=False),
    sa.Column("service", sa.String(200), nullable=False),
    sa.Column("cluster", sa.String(200), nullable=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("starts_at", sa.Float, nullable=False),
    sa.Column("first_seen", sa.Float, nullable=False, index=True),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("repeats", sa.Integer, nullable=False, default=0),
    sa.Column("job_id", sa.String(36), nullable=True),
    sa.Column("started", sa.Boolean, nullable=False, default=False),  # this firing created its job
    sa.Column("resolved_at", sa.Float, nullable=True),
)
# A service's open alert group (and a channel's storm): alerts inside the window join its job.
alert_groups = sa.Table(
    "alert_groups",
    metadata,
    sa.Column("group_key", sa.String(64), primary_key=True),
    sa.Column("job_id", sa.String(36), nullable=False),
    sa.Column("opened_at", sa.Float, nullable=False),
)
# What people said of a diagnosis (👍 / 👎 and, for 👎, what it really was): one answer per person per job,
# the latest standing; the engine that made the diagnosis is kept so agreement is reported per engine.
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("verdict", sa.String(8), nullable=False),  # up | down
    sa.Column("engine", sa.String(32), nullable=False),
    sa.Column("category", sa.String(64), nullable=True),  # 👎: the actual category and resource, as they said
    sa.Column("resource", sa.String(200), nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("at", sa.Float, nullable=False),
)
# What a live job collected (the sources' documents, zlib-compressed JSON): a judged incident is exported from
# it as a bundle. A job that replayed a bundle names the bundle in its result instead.
job_evidence = sa.Table(
    "job_evidence",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), primary_key=True),
    sa.Column("documents", sa.LargeBinary, nullable=False),
)

# Slack messages that are not a job's own: "resolved after N min" in a job's thread, a storm's summary.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # resolved | storm | final (a job's finished message) | pull_request (open it) | note (a line in a thread)
    # | postmortem (a draft uploaded in a job's thread)
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("thread_job", sa.String(36), nullable=True),  # post in this job's thread (final: this job's)
    sa.Column("args", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),  # pending | sent | failed
    sa.Column("not_before", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("sent_ts", sa.String(64), nullable=True),
)


class AtCapacity(Exception):
    """The person already has as many jobs open in the channel as they may: nothing was stored."""


class StoreBusy(Exception):
    """The store could not take a write in time (a lock held elsewhere): nothing was written; try again."""


@dataclass(slots=True)
class Message:
    id: str
    kind: str
    channel: str
    thread_job: str | None
    args: dict[str, Any]
    attempts: int


# Built once: constructing SQLAlchemy statements per request costs more than running them (profiled).
_SAME_REQUEST = sa.or_(
    jobs.c.idempotency_key == sa.bindparam("ikey"),
    sa.and_(jobs.c.dedupe_key == sa.bindparam("dkey"), jobs.c.created_at > sa.bindparam("since")),
)
_EXISTING = sa.select(jobs).where(_SAME_REQUEST).order_by(jobs.c.created_at).limit(1)
_NEW_COLUMNS = (
    "id", "idempotency_key", "dedupe_key", "kind", "service", "args", "channel", "user_id", "state", "stage",
    "attempts", "created_at", "updated_at",
)  # fmt: skip
# The person's open jobs in the channel, counted inside the insert: the cap costs no round trip of its own.
_OPEN_OF_PERSON = (
    sa.select(sa.func.count())
    .where(jobs.c.state.in_(OPEN_STATES), jobs.c.user_id == sa.bindparam("user_id"),
           jobs.c.channel == sa.bindparam("channel"))
    .scalar_subquery()
)  # fmt: skip
# One statement on the acknowledgement's path: insert unless the same request is already stored, or the
# person already has `open_limit` jobs queued or running in the channel.
_INSERT_NEW = jobs.insert().from_select(
    _NEW_COLUMNS,
    sa.select(*(sa.bindparam(c, type_=jobs.c[c].type) for c in _NEW_COLUMNS)).where(
        ~sa.exists().where(_SAME_REQUEST), _OPEN_OF_PERSON < sa.bindparam("open_limit")
    ),
)
# SQLite reports the inserted row in rowcount; through SQLAlchemy psycopg does not (-1), so PostgreSQL returns it.
_INSERT_NEW_RETURNING = _INSERT_NEW.returning(jobs.c.id)


@dataclass(slots=True)
class Job:
    id: str
    kind: str
    service: str
    args: JobArgs
    channel: str
    user_id: str
    state: str
    stage: str
    error: str | None
    message_ts: str | None
    result: dict[str, Any] | None
    attempts: int
    created_at: float
    updated_at: float
    finished_at: float | None

    @classmethod
    def from_row(cls, row: Any) -> Job:
        return cls.from_mapping(row._mapping)

    @classmethod
    def from_mapping(cls, m: Any) -> Job:
        return cls(
            m["id"], m["kind"], m["service"], JobArgs.from_json(json.loads(m["args"] or "{}")), m["channel"],
            m["user_id"], m["state"], m["stage"], m["error"], m["message_ts"],
            json.loads(m["result"]) if m["result"] else None, m["attempts"], m["created_at"], m["updated_at"],
            m["finished_at"],
        )  # fmt: skip


def sqlalchemy_url(url: str) -> str:
    """postgresql://… uses psycopg 3 (the driver we ship), whatever SQLAlchemy's default would be."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def new_job_row(
    idempotency_key: str,
    dedupe: str,
    kind: str,
    service: str,
    args: JobArgs,
    channel: str,
    user_id: str,
    now: float,
) -> dict[str, Any]:
    """A queued job's row, as every way of starting a job writes it."""
    return {
        "id": str(uuid.uuid4()), "idempotency_key": idempotency_key, "dedupe_key": dedupe, "kind": kind,
        "service": service, "args": json.dumps(args.to_json()), "channel": channel, "user_id": user_id,
        "state": "queued", "stage": "queued", "attempts": 0, "created_at": now, "updated_at": now,
    }  # fmt: skip


def new_message_row(
    kind: str, channel: str, args: dict[str, Any], now: float, not_before: float, thread_job: str | None = None
) -> dict[str, Any]:
    """A pending outbox message's row: a note in `thread_job`'s thread, or a message of its own."""
    return {
        "id": str(uuid.uuid4()), "kind": kind, "channel": channel, "thread_job": thread_job, "args": json.dumps(args),
        "state": "pending", "not_before": not_before, "attempts": 0, "created_at": now,
    }  # fmt: skip


def dedupe_key(channel: str, user: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{channel}\0{user}\0{kind}\0{' '.join(text.split())}".encode()).hexdigest()


class Store:
    """Jobs (written before the acknowledgement, claimed under a lease) and the approval audit log."""

    def __init__(self, url: str, *, pre_ping: bool = True, write_wait: float = 30.0) -> None:
        """`pre_ping=False` (the web process): no round trip before each use of a pooled PostgreSQL
        connection; a connection found dead is dropped with the pool and the job insert tried once more
        (measured at 50 concurrent clients: ack p99 98-140 ms against 144-173 ms with the ping).
        `write_wait`: how long a write waits for a lock another process holds (SQLite's busy timeout,
        PostgreSQL's lock_timeout) before StoreBusy; the web process keeps it short, it answers people."""
        self.url = url
        self.postgres = url.startswith("postgresql")
        # A burst of commands needs more connections than SQLAlchemy's default 5 (profiled: half the
        # acknowledgement time was spent waiting for one).
        kwargs: dict[str, Any] = {"pool_size": 20, "max_overflow": 20}
        if self.postgres:
            kwargs["pool_pre_ping"] = pre_ping
            kwargs["pool_recycle"] = 300  # before proxies and managed databases drop idle connections
            kwargs["connect_args"] = {"options": f"-c lock_timeout={int(write_wait * 1000)}"}
        else:
            kwargs["connect_args"] = {"timeout": write_wait, "check_same_thread": False}
        # SQLite has one writer at a time and its busy handler sleeps in growing steps; queueing this
        # process's writers on a lock instead keeps the tail short. PostgreSQL needs no such thing.
        self._writer = threading.Lock() if not self.postgres else contextlib.nullcontext()
        self.engine = sa.create_engine(sqlalchemy_url(url), **kwargs)
        if not self.postgres:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas(write_wait))
        metadata.create_all(self.engine)
        OPEN_OF_PERSON_INDEX.create(self.engine, checkfirst=True)
        BY_MESSAGE_INDEX.create(self.engine, checkfirst=True)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def create_job(
        self,
        *,
        idempotency_key: str,
        kind: str,
        service: str,
        args: JobArgs,
        channel: str,
        user_id: str,
        text: str = "",
        open_limit: int = 1_000_000,
    ) -> tuple[Job, bool]:
        """The job for this request, and whether it is new: retries and double clicks get the first one.
        AtCapacity when it is new but the person already has `open_limit` jobs open in the channel."""
        key = dedupe_key(channel, user_id, kind, text or service)
        now = time.time()
        row = new_job_row(idempotency_key, key, kind, service, args, channel, user_id, now)
        same = {"ikey": idempotency_key, "dkey": key, "since": now - DUPLICATE_WINDOW, "open_limit": open_limit}
        try:
            inserted = self._insert_unless_stored({**row, **same})
        except IntegrityError:  # the same request raced us in (PostgreSQL): theirs stands
            inserted = False
        except sa.exc.OperationalError as exc:  # another process holds the lock past `write_wait`
            raise StoreBusy(str(exc.orig)) from None
        if inserted:
            return Job.from_mapping({**row, "error": None, "message_ts": None, "result": None,
                                     "finished_at": None}), True  # fmt: skip
        with self.engine.connect() as conn:
            existing = conn.execute(_EXISTING, same).first()
        if existing is None:
            raise AtCapacity(f"{user_id} has {open_limit} jobs open in {channel}")
        return Job.from_row(existing), False

    def _insert_unless_stored(self, params: dict[str, Any]) -> bool:
        try:
            return self._insert_once(params)
        except sa.exc.DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        # A pooled connection the server had closed: SQLAlchemy has dropped the pool, a new one will do.
        return self._insert_once(params)

    def _insert_once(self, params: dict[str, Any]) -> bool:
        with self.transaction() as conn:
            if self.postgres:
                return conn.execute(_INSERT_NEW_RETURNING, params).first() is not None
            return conn.execute(_INSERT_NEW, params).rowcount == 1

    def claim(self, worker: str, lease_seconds: float) -> Job | None:
        """Take the oldest open job nobody holds (or whose holder's lease ran out), for `lease_seconds`."""
        now = time.time()
        claimable = sa.and_(
            jobs.c.state.in_(OPEN_STATES), sa.or_(jobs.c.lease_until.is_(None), jobs.c.lease_until < now)
        )
        # Questions in a thread first (someone is waiting in it, and an offline answer takes milliseconds), then
        # alert jobs (an incident in progress), then everyone's in the order they came: a person's burst of
        # commands cannot hold an alert's diagnosis back (each person has few open: open_limit).
        order = (
            sa.case((jobs.c.kind == "question", 0), (jobs.c.user_id.in_(ALERT_USERS), 1), else_=2),
            jobs.c.created_at,
        )
        found = self._claim(jobs, claimable, order, {"state": "running", "updated_at": now},
                            worker, now + lease_seconds)  # fmt: skip
        return self.get(found) if found else None

    def claim_message(self, worker: str, lease_seconds: float, message_id: str | None = None) -> Message | None:
        """Take the oldest pending message that is due (or this one), for `lease_seconds`."""
        now = time.time()
        o = outbox.c
        claimable = sa.and_(o.state == "pending", o.not_before <= now,
                            sa.or_(o.lease_until.is_(None), o.lease_until < now))  # fmt: skip
        if message_id is not None:
            claimable = sa.and_(claimable, o.id == message_id)
        found = self._claim(outbox, claimable, (o.not_before,), {}, worker, now + lease_seconds)
        if found is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(outbox).where(o.id == found)).one()
        return Message(row.id, row.kind, row.channel, row.thread_job, json.loads(row.args), row.attempts)

    def _claim(
        self,
        table: sa.Table,
        claimable: Any,
        order: tuple[Any, ...],
        values: dict[str, Any],
        worker: str,
        until: float,
    ) -> str | None:
        with self.transaction() as conn:
            query = sa.select(table.c.id).where(claimable).order_by(*order).limit(1)
            if self.postgres:  # several instances: each row goes to exactly one of them
                query = query.with_for_update(skip_locked=True)
            found = conn.execute(query).first()
            if found is None:
                return None
            updated = conn.execute(
                table.update().where(table.c.id == found.id, claimable)
                .values(lease_owner=worker, lease_until=until, attempts=table.c.attempts + 1, **values)
            )  # fmt: skip
            # SQLite: another worker's write got there first
            return str(found.id) if updated.rowcount == 1 else None

    def message_done(self, message_id: str, worker: str, ts: str | None, failed: bool = False) -> None:
        with self.transaction() as conn:
            conn.execute(outbox.update().where(outbox.c.id == message_id, outbox.c.lease_owner == worker)
                         .values(state="failed" if failed else "sent", sent_ts=ts, lease_until=None))  # fmt: skip

    def message_later(self, message_id: str, worker: str, seconds: float) -> None:
        """Not yet (the thread it belongs in has no message yet): try again in `seconds`."""
        with self.transaction() as conn:
            conn.execute(outbox.update().where(outbox.c.id == message_id, outbox.c.lease_owner == worker)
                         .values(not_before=time.time() + seconds, lease_until=None))  # fmt: skip

    def messages(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(outbox).order_by(outbox.c.created_at)).all()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction (in this process, one writer at a time on SQLite)."""
        with self._writer, self.engine.begin() as conn:
            yield conn

    def alert_firings(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(alert_firings)).all()]

    def renew(self, job_id: str, worker: str, lease_seconds: float) -> bool:
        return self._update(job_id, worker, lease_until=time.time() + lease_seconds)

    def set_stage(self, job_id: str, worker: str, stage: str, **extra: Any) -> bool:
        return self._update(job_id, worker, stage=stage, **extra)

    def finish(
        self,
        job_id: str,
        worker: str,
        result: dict[str, Any],
        timings: dict[str, float],
        final: Message | None = None,
        documents: bytes | None = None,
    ) -> bool:
        """Done exactly once: only the worker that still holds the lease can finish the job. `final`, the job's
        finished message, is queued in the same transaction: a crash or a Slack outage right after this
        delays the message; it cannot lose it. `documents`: what a live collection returned (compressed)."""
        category = (result.get("diagnosis") or {}).get("category")
        with self.transaction() as conn:
            done = conn.execute(
                jobs.update().where(jobs.c.id == job_id, jobs.c.lease_owner == worker, jobs.c.state == "running")
                .values(state="done", stage="done", result=json.dumps(result), category=category,
                        finished_at=time.time(), updated_at=time.time(), lease_until=None)
            )  # fmt: skip
            usages = [
                u
                for u in (
                    (result.get("diagnosis") or {}).get("usage"),
                    (result.get("fix") or {}).get("usage"),
                    result.get("usage"),  # a thread question's answer
                )
                if u
            ]
            if done.rowcount == 1 and usages:
                conn.execute(model_usage.insert(), [{
                    "job_id": job_id, "engine": str(u.get("engine", "")), "model": str(u.get("model", "")),
                    "input_tokens": int(u.get("input_tokens", 0)), "output_tokens": int(u.get("output_tokens", 0)),
                    "latency_ms": int(u.get("latency_ms", 0)), "fallback": u.get("fallback"),
                } for u in usages])  # fmt: skip
            if done.rowcount == 1 and timings:
                conn.execute(
                    stage_timings.insert(), [{"job_id": job_id, "stage": k, "seconds": v} for k, v in timings.items()]
                )
            if done.rowcount == 1 and documents is not None:
                conn.execute(job_evidence.insert().values(job_id=job_id, documents=documents))
            if done.rowcount == 1 and final is not None:
                now = time.time()
                row = new_message_row(final.kind, final.channel, final.args, now, now, thread_job=job_id)
                conn.execute(outbox.insert(), row | {"id": final.id})
        return done.rowcount == 1

    def set_message_ts(self, job_id: str, ts: str) -> None:
        """The job's one message, first posted once the job was already done (Slack was down until then)."""
        with self.transaction() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.message_ts.is_(None)).values(message_ts=ts))

    def fail(self, job_id: str, worker: str, error: str) -> bool:
        return self._update(
            job_id, worker, state="failed", stage="failed", error=error, finished_at=time.time(), lease_until=None
        )

    def _update(self, job_id: str, worker: str, **values: Any) -> bool:
        with self.transaction() as conn:
            done = conn.execute(
                jobs.update().where(jobs.c.id == job_id, jobs.c.lease_owner == worker, jobs.c.state == "running")
                .values(updated_at=time.time(), **values)
            )  # fmt: skip
        return done.rowcount == 1

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
        return Job.from_row(row) if row else None

    def find(self, prefix: str) -> Job | None:
        """A job by its id or an unambiguous prefix of it (people type the first few characters)."""
        query = sa.select(jobs).where(jobs.c.id.startswith(prefix, autoescape=True)).limit(2)
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except sa.exc.OperationalError as exc:
            raise StoreBusy(str(exc.orig)) from None
        return Job.from_row(rows[0]) if len(rows) == 1 else None

    def by_message(self, channel: str, ts: str) -> Job | None:
        """The job whose one message is `ts` in `channel` (a thread's parent), if any."""
        query = sa.select(jobs).where(jobs.c.channel == channel, jobs.c.message_ts == ts, jobs.c.kind != "question")
        with self.engine.connect() as conn:
            row = conn.execute(query.limit(1)).first()
        return Job.from_row(row) if row else None

    def stages(self, job_id: str) -> list[tuple[str, float]]:
        """A finished job's stages in the order they ran, with their seconds."""
        query = sa.select(stage_timings.c.stage, stage_timings.c.seconds).where(stage_timings.c.job_id == job_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(stage_timings.c.id)).all()
        return [(str(stage), float(secs)) for stage, secs in rows]

    def latest_for(self, service: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.service == service, jobs.c.state == "done",
                                                     jobs.c.kind != "question")
                               .order_by(jobs.c.created_at.desc()).limit(1)).first()  # fmt: skip
        return Job.from_row(row) if row else None

    def recent(self, limit: int = 50) -> list[Job]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs).order_by(jobs.c.created_at.desc()).limit(limit)).all()
        return [Job.from_row(r) for r in rows]

    def counts_by_state(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all()
        return {str(state): int(n) for state, n in rows}

    def diagnoses_by_category(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs.c.category, sa.func.count()).where(jobs.c.category.is_not(None))
                                .group_by(jobs.c.category)).all()  # fmt: skip
        return {str(category): int(n) for category, n in rows}

    def stage_totals(self) -> dict[str, tuple[int, float]]:
        """stage -> (how many times it ran, seconds in all), over every finished job."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(stage_timings.c.stage, sa.func.count(), sa.func.sum(stage_timings.c.seconds))
                                .group_by(stage_timings.c.stage)).all()  # fmt: skip
        return {str(stage): (int(n), float(total or 0.0)) for stage, n, total in rows}

    def model_totals(self) -> list[tuple[str, str, int, int, int, float]]:
        """(engine, model, calls, input tokens, output tokens, seconds) over every finished job."""
        u = model_usage.c
        query = sa.select(u.engine, u.model, sa.func.count(), sa.func.sum(u.input_tokens), sa.func.sum(u.output_tokens),
                          sa.func.sum(u.latency_ms)).group_by(u.engine, u.model)  # fmt: skip
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(str(e), str(m), int(n), int(i or 0), int(o or 0), float(ms or 0) / 1000) for e, m, n, i, o, ms in rows]

    def record_decision(
        self, job_id: str, action: str, user_id: str, diff: str, then: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], bool]:
        """The fix's one decision, and whether it is this one: a second click, a Slack retry or a later
        reject gets the decision that stands, and writes nothing. `then` (an outbox row) is queued in the same
        transaction as the first decision: an approval's pull request is never lost between the two."""
        entry = {
            "job_id": job_id,
            "action": action,
            "user_id": user_id,
            "at": time.time(),
            "diff_sha256": hashlib.sha256(diff.encode()).hexdigest(),
        }
        try:
            with self.transaction() as conn:
                unless_decided = sa.select(*(sa.literal(v) for v in entry.values())).where(
                    ~sa.exists().where(decisions.c.job_id == job_id)
                )
                taken = conn.execute(  # RETURNING: psycopg reports no rowcount for INSERT ... SELECT
                    decisions.insert().from_select(list(entry), unless_decided).returning(decisions.c.job_id)
                )
                first = taken.first() is not None
                if first:
                    conn.execute(audit.insert().values(**entry))
                    if then is not None:
                        conn.execute(outbox.insert(), then)
        except IntegrityError:  # a concurrent click got there first (its insert committed before ours)
            first = False
        if first:
            return entry, True
        with self.engine.connect() as conn:
            standing = conn.execute(sa.select(decisions).where(decisions.c.job_id == job_id)).one()
        return dict(standing._mapping), False

    def decision(self, job_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(decisions).where(decisions.c.job_id == job_id)).first()
        return dict(row._mapping) if row else None

    def record_event(self, job_id: str, action: str, who: str, diff_sha256: str) -> None:
        """One more line of a fix's audit trail after its decision (the pull request opened, a plan, merged)."""
        with self.transaction() as conn:
            conn.execute(audit.insert().values(job_id=job_id, action=action[:16], user_id=who[:64], at=time.time(),
                                               diff_sha256=diff_sha256))  # fmt: skip

    def pull_request(self, job_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(pull_requests).where(pull_requests.c.job_id == job_id)).first()
        return dict(row._mapping) if row else None

    def pull_request_by_number(self, repo: str, number: int) -> dict[str, Any] | None:
        query = sa.select(pull_requests).where(pull_requests.c.repo == repo, pull_requests.c.number == number)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def save_pull_request(self, job_id: str, note: tuple[str, str] | None = None, **values: Any) -> None:
        """The pull request's row, and (in the same transaction) the note that tells the thread: a retry that
        finds the row saved knows the thread was told."""
        values["updated_at"] = now = time.time()
        with self.transaction() as conn:
            done = conn.execute(pull_requests.update().where(pull_requests.c.job_id == job_id).values(**values))
            if not done.rowcount:
                conn.execute(pull_requests.insert().values(job_id=job_id, **values))
            if note is not None:
                channel, text = note
                conn.execute(outbox.insert(), new_message_row("note", channel, {"text": text}, now, now, job_id))

    def apply_delivery(
        self, delivery_id: str, job_id: str, note: tuple[str, str], event: tuple[str, str, str], **values: Any
    ) -> bool:
        """A GitHub delivery's whole effect in one transaction: the delivery remembered, the pull request's row
        updated, the thread's note queued and the audit line `event` (action, who, diff SHA-256) written; False,
        and nothing written, for a delivery already applied."""
        now = time.time()
        channel, text = note
        action, who, sha = event
        try:
            with self.transaction() as conn:
                conn.execute(github_deliveries.insert().values(delivery_id=(delivery_id or str(uuid.uuid4()))[:64],
                                                               at=now))  # fmt: skip
                conn.execute(pull_requests.update().where(pull_requests.c.job_id == job_id)
                             .values(updated_at=now, **values))  # fmt: skip
                conn.execute(outbox.insert(), new_message_row("note", channel, {"text": text}, now, now, job_id))
                conn.execute(audit.insert().values(job_id=job_id, action=action[:16], user_id=who[:64], at=now,
                                                   diff_sha256=sha))  # fmt: skip
        except IntegrityError:
            return False
        return True

    def record_feedback(
        self,
        job_id: str,
        user_id: str,
        verdict: str,
        engine: str,
        category: str | None = None,
        resource: str | None = None,
        note: str = "",
    ) -> None:
        """A person's answer on a diagnosis; a later answer of theirs replaces the earlier one."""
        row = {
            "job_id": job_id, "user_id": user_id[:64], "verdict": verdict, "engine": engine[:32],
            "category": category[:64] if category else None, "resource": resource[:200] if resource else None,
            "note": note[:3000], "at": time.time(),
        }  # fmt: skip
        mine = sa.and_(feedback.c.job_id == job_id, feedback.c.user_id == row["user_id"])
        try:
            for _ in range(2):  # a double click's two inserts race on PostgreSQL: the second updates instead
                try:
                    with self.transaction() as conn:
                        if not conn.execute(feedback.update().where(mine).values(**row)).rowcount:
                            conn.execute(feedback.insert().values(**row))
                    return
                except IntegrityError:
                    continue
        except sa.exc.OperationalError as exc:  # another process holds the lock past `write_wait`
            raise StoreBusy(str(exc.orig)) from None

    def feedback(self, job_id: str | None = None) -> list[dict[str, Any]]:
        """Every answer (of one job, or of all), oldest first."""
        query = sa.select(feedback).order_by(feedback.c.at)
        if job_id:
            query = query.where(feedback.c.job_id == job_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query).all()]

    def agreement(self) -> dict[str, tuple[int, int]]:
        """engine -> (answers agreeing, answers in all): how often people said the engine was right."""
        f = feedback.c
        query = sa.select(f.engine, f.verdict, sa.func.count()).group_by(f.engine, f.verdict)
        totals: dict[str, tuple[int, int]] = {}
        with self.engine.connect() as conn:
            for engine, verdict, n in conn.execute(query).all():
                up, all_ = totals.get(str(engine), (0, 0))
                totals[str(engine)] = (up + (int(n) if verdict == "up" else 0), all_ + int(n))
        return totals

    def prune_evidence(self, keep_seconds: float, now: float | None = None) -> int:
        """Drop the kept collections of jobs finished more than `keep_seconds` ago that nobody judged."""
        cutoff = (now or time.time()) - keep_seconds
        old = sa.select(jobs.c.id).where(jobs.c.finished_at < cutoff)
        judged = sa.select(feedback.c.job_id)
        with self.transaction() as conn:
            gone = conn.execute(
                job_evidence.delete().where(job_evidence.c.job_id.in_(old), job_evidence.c.job_id.not_in(judged))
            )
        return int(gone.rowcount or 0)

    def evidence_documents(self, job_id: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(job_evidence.c.documents).where(job_evidence.c.job_id == job_id)).first()
        return bytes(row[0]) if row else None

    def queue_message(self, kind: str, channel: str, thread_job: str | None, args: dict[str, Any]) -> str:
        """One outbox message (a postmortem draft, a note), sent by a worker."""
        now = time.time()
        row = new_message_row(kind, channel, args, now, now, thread_job)
        try:
            with self.transaction() as conn:
                conn.execute(outbox.insert(), row)
        except sa.exc.OperationalError as exc:
            raise StoreBusy(str(exc.orig)) from None
        return str(row["id"])

    def message_state(self, kind: str, thread_job: str) -> str | None:
        """The state of a job's outbox message of this kind (pending before sent, sent before failed), if any."""
        query = sa.select(outbox.c.state).where(outbox.c.kind == kind, outbox.c.thread_job == thread_job)
        with self.engine.connect() as conn:
            states = {str(r[0]) for r in conn.execute(query).all()}
        return next((s for s in ("pending", "sent", "failed") if s in states), None)

    def audit_trail(self, job_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(audit).order_by(audit.c.id)
        if job_id:
            query = query.where(audit.c.job_id == job_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query).all()]


def _sqlite_pragmas(write_wait: float) -> Any:
    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(write_wait * 1000)}")
        cursor.close()

    return pragmas
