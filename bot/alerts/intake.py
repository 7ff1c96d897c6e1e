"""Alerts into the store: firings, their groups and cool-downs, storm summaries and resolved notes.

Webhooks hand each request's alerts to `AlertIntake.record`, which stores them in one transaction and
decides what each one starts: a job, nothing (a repeat, a cool-down, its service's open job), a storm
summary, a note in a job's thread.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.alerts.base import Alert
from bot.jobs.args import JobArgs
from bot.jobs.store import Store, alert_firings, alert_groups, jobs, new_job_row, new_message_row, outbox


@dataclass(slots=True)
class AlertPolicy:
    """How alerts become jobs (from `webhooks` in the settings), in seconds."""

    cooldown: float
    group_window: float
    lookback: float
    storm_threshold: int
    storm_settle: float


# Built once: constructing them for every alert was three quarters of the intake's CPU (profiled).
_F, _G = alert_firings.c, alert_groups.c
_FIRING_REPEAT = (
    alert_firings.update()
    .where(_F.firing_key == sa.bindparam("key"))
    .values(repeats=_F.repeats + 1, last_seen=sa.bindparam("now"))
)
_FIRING_EARLIER = (
    sa.select(_F.job_id)
    .where(_F.identity == sa.bindparam("identity"), _F.started, _F.first_seen > sa.bindparam("since"))
    .order_by(_F.first_seen.desc())
    .limit(1)
)
_FIRING_JOB = (
    alert_firings.update()
    .where(_F.firing_key == sa.bindparam("key"))
    .values(job_id=sa.bindparam("job"), started=sa.bindparam("started"))
)
_GROUP_JOB = sa.select(_G.job_id).where(_G.group_key == sa.bindparam("key"))
_GROUP_OPENED = sa.select(_G.opened_at).where(_G.group_key == sa.bindparam("key"))
_GROUP_TAKE = (
    alert_groups.update()
    .where(_G.group_key == sa.bindparam("key"), _G.opened_at <= sa.bindparam("expired"))
    .values(job_id=sa.bindparam("job"), opened_at=sa.bindparam("now"))
)
_RECENT_FIRINGS = sa.select(sa.func.count()).where(
    _F.channel == sa.bindparam("channel"), _F.first_seen > sa.bindparam("since")
)


class _Upserts:
    """INSERT … ON CONFLICT DO NOTHING RETURNING, in the store's dialect: a row back means it was inserted."""

    def __init__(self, postgres: bool) -> None:
        insert = postgresql.insert if postgres else sqlite.insert
        self.firing_insert = (
            insert(alert_firings).on_conflict_do_nothing(index_elements=["firing_key"]).returning(_F.firing_key)
        )
        self.group_insert = (
            insert(alert_groups).on_conflict_do_nothing(index_elements=["group_key"]).returning(_G.group_key)
        )


class AlertIntake:
    """The alert side of the store (its tables live in bot/store.py with the rest of the schema)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sql = _Upserts(store.postgres)

    def record(self, alerts: list[tuple[Alert, str]], payload: dict[str, Any], policy: AlertPolicy) -> list[str]:
        """Store a webhook's alerts (each with its channel) in one transaction; the outcome of each:
        `new` (started a job), `grouped` (joined its service's job), `cooldown` (its identity started a job
        within the cool-down), `repeat` (a re-send of a firing already stored), `resolved` (a thread note is
        queued), `resolved-again` or `resolved-unknown`."""
        now = time.time()
        with self.store.transaction() as conn:
            outcomes = [
                self._firing(conn, alert, channel, payload, policy, now)
                if alert.status == "firing"
                else self._resolved(conn, alert, now)
                for alert, channel in alerts
            ]
            if "new" in outcomes or "grouped" in outcomes:
                self._storm(conn, {c for (a, c), o in zip(alerts, outcomes, strict=True) if o in ("new", "grouped")},
                            policy, now)  # fmt: skip
        return outcomes

    def _firing(
        self, conn: sa.Connection, alert: Alert, channel: str, payload: dict[str, Any], policy: AlertPolicy, now: float
    ) -> str:
        assert alert.service is not None
        row = {
            "firing_key": alert.firing, "identity": alert.identity, "source": alert.source,
            "alertname": alert.alertname, "service": alert.service, "cluster": alert.cluster, "channel": channel,
            "starts_at": alert.starts_at.timestamp(), "first_seen": now, "last_seen": now, "repeats": 0,
            "started": False,
        }  # fmt: skip
        if conn.execute(self._sql.firing_insert, row).first() is None:
            conn.execute(_FIRING_REPEAT, {"key": alert.firing, "now": now})
            return "repeat"
        earlier = conn.execute(_FIRING_EARLIER, {"identity": alert.identity, "since": now - policy.cooldown}).first()
        if earlier is not None:
            conn.execute(_FIRING_JOB, {"key": alert.firing, "job": earlier.job_id, "started": False})
            return "cooldown"
        group = hashlib.sha256(f"service\0{alert.service}\0{alert.cluster or ''}".encode()).hexdigest()
        job_id = str(uuid.uuid4())
        if self._open_group(conn, group, job_id, policy.group_window, now):
            args = JobArgs(
                alert=payload, alert_source=alert.source, alertname=alert.alertname, cluster=alert.cluster,
                severity=alert.severity, summary=alert.summary,
                window_start=alert.starts_at.timestamp() - policy.lookback,
            )  # fmt: skip
            job = new_job_row(f"alert:{group}:{now}", group, "analyze", alert.service, args, channel, alert.source, now)
            conn.execute(jobs.insert(), job | {"id": job_id})
            started, outcome = True, "new"
        else:
            job_id = conn.execute(_GROUP_JOB, {"key": group}).scalar_one()
            started, outcome = False, "grouped"
        conn.execute(_FIRING_JOB, {"key": alert.firing, "job": job_id, "started": started})
        return outcome

    def _open_group(self, conn: sa.Connection, key: str, job_id: str, window: float, now: float) -> bool:
        """Open the group `key` for `job_id` unless one is open (opened within `window`): whether we did."""
        params = {"group_key": key, "job_id": job_id, "opened_at": now}
        if conn.execute(self._sql.group_insert, params).first() is not None:
            return True
        # PostgreSQL re-checks the condition after a concurrent writer commits: one of two racers takes it over.
        taken = conn.execute(_GROUP_TAKE, {"key": key, "job": job_id, "now": now, "expired": now - window})
        return bool(taken.rowcount == 1)

    def _storm(self, conn: sa.Connection, channels: set[str], policy: AlertPolicy, now: float) -> None:
        """A channel with `storm_threshold` new firings in the last minute gets one summary message."""
        for channel in sorted(channels):
            key = f"storm:{channel}"
            opened = conn.execute(_GROUP_OPENED, {"key": key}).scalar()
            if opened is not None and opened > now - policy.group_window:
                continue  # this storm has its summary
            recent = conn.execute(_RECENT_FIRINGS, {"channel": channel, "since": now - 60}).scalar_one()
            summary = new_message_row("storm", channel, {"since": now - 60}, now, now + policy.storm_settle)
            if recent >= policy.storm_threshold and self._open_group(
                conn, key, summary["id"], policy.group_window, now
            ):
                conn.execute(outbox.insert(), summary)

    def _resolved(self, conn: sa.Connection, alert: Alert, now: float) -> str:
        f = alert_firings.c
        row = conn.execute(sa.select(alert_firings).where(f.firing_key == alert.firing)).first()
        if row is None:  # CloudWatch's OK names no start: the latest firing of that identity
            row = conn.execute(sa.select(alert_firings).where(f.identity == alert.identity)
                               .order_by(f.starts_at.desc()).limit(1)).first()  # fmt: skip
        if row is None:
            return "resolved-unknown"
        if row.resolved_at is not None:
            return "resolved-again"
        ended = alert.ends_at.timestamp() if alert.ends_at else now
        conn.execute(alert_firings.update().where(f.firing_key == row.firing_key).values(resolved_at=ended))
        if row.job_id is None:
            return "resolved"
        minutes = max(0, round((ended - row.starts_at) / 60))
        note = {"alertname": row.alertname, "service": row.service, "minutes": minutes, "source": row.source}
        conn.execute(outbox.insert(), new_message_row("resolved", row.channel, note, now, now, thread_job=row.job_id))
        return "resolved"

    def storm_summary(self, channel: str, since: float) -> list[dict[str, Any]]:
        """Per service: how many alerts since `since` in this channel, which names, and the job they joined."""
        f = alert_firings.c
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(f.service, f.alertname, f.job_id)
                                .where(f.channel == channel, f.first_seen >= since)).all()  # fmt: skip
        by: dict[str, dict[str, Any]] = {}
        for service, name, job_id in rows:
            entry = by.setdefault(service, {"service": service, "alerts": 0, "names": {}, "jobs": set()})
            entry["alerts"] += 1
            entry["names"][name] = entry["names"].get(name, 0) + 1
            if job_id:
                entry["jobs"].add(job_id)
        return sorted(by.values(), key=lambda e: -e["alerts"])

    def prune(self, keep_seconds: float, now: float | None = None) -> int:
        """Forget alert history older than `keep_seconds` (firings not seen since, closed groups, sent
        messages); jobs and the audit log are kept. How many rows went."""
        cutoff = (now or time.time()) - keep_seconds
        with self.store.transaction() as conn:
            gone = conn.execute(alert_firings.delete().where(_F.last_seen < cutoff)).rowcount
            gone += conn.execute(alert_groups.delete().where(_G.opened_at < cutoff)).rowcount
            gone += conn.execute(
                outbox.delete().where(outbox.c.state.in_(("sent", "failed")), outbox.c.created_at < cutoff)
            ).rowcount
        return int(gone)

    def last_alert_at(self, channel: str) -> float:
        """When this channel's newest firing arrived (0 when none has)."""
        f = alert_firings.c
        with self.store.engine.connect() as conn:
            latest = conn.execute(sa.select(sa.func.max(f.first_seen)).where(f.channel == channel)).scalar()
        return float(latest or 0.0)
