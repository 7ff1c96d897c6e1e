"""Log lines reduced as they are read (analyzers.log_stream) give exactly the templates of the sorted records.

The reference below is the miner as it was before lines were reduced (every record kept, sorted by time, added
one by one): the reduction must agree with it on every field, whatever the order lines come in, however they
are split into batches and files (worker processes), wherever the onset falls (a change point, the alert's
start, the window's start), with ties in time, lines on bin edges, lines before the window, and resources, pods
and queries that first appear out of read order.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from analyzers.log_stream import LogReduction, reduce_records
from analyzers.log_templates import BASELINE_MARGIN, MAX_CHARS, LogTemplate, mask, merge_templates
from analyzers.onset import BIN_SECONDS, alert_started_at
from collectors import LogRecord, LogRecords, Scope, Window

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@dataclass(slots=True)
class _Old:
    """LogTemplate.add as it was: one record at a time, in sorted order."""

    template: LogTemplate
    refs: set[tuple[str, str]] = field(default_factory=set)

    def add(self, record: LogRecord, before: bool) -> None:
        t = self.template
        t.count += 1
        if before:
            t.baseline += 1
        else:
            t.during += 1
        t.first_seen = min(t.first_seen, record.ts)
        t.last_seen = max(t.last_seen, record.ts)
        t.resources[record.resource] += 1
        if record.labels.get("pod"):
            t.pods[record.labels["pod"]] += 1
        if len(t.refs) < 4:
            t.refs.add((record.source, record.ref))
        if len(t.examples) < 3 and (not before or not t.examples):
            example = record.message[:MAX_CHARS]
            if example not in t.examples:
                t.examples.append(example)


def reference(records: list[LogRecord], onset: float, service: str | None) -> list[LogTemplate]:
    ordered = sorted(records, key=lambda r: r.ts)
    cutoff = onset - BASELINE_MARGIN
    exact: dict[tuple[str, str], _Old] = {}
    for record in ordered:
        resource = service if record.resource == "unknown" and service else record.resource
        record = LogRecord(record.ts, record.source, record.ref, resource, record.level, record.message, record.labels)
        key = (record.level, mask(record.message))
        if key not in exact:
            exact[key] = _Old(LogTemplate(key[1], record.level))
        exact[key].add(record, record.ts < cutoff)
    templates = [o.template for o in exact.values()]
    return merge_templates(templates) if len(templates) > 1 else templates


def reference_onset(records: list[LogRecord], scope: Scope, alert: dict[str, object]) -> float:
    """The onset as analyzers/onset.py computed it from the sorted records (lines before the window aside)."""
    errors = [r.ts for r in records if r.level == "error" and r.ts <= scope.window.end_ts]
    first = min(scope.window.start_ts, min(r.ts for r in records))
    if len(errors) >= 5:
        last = max(errors)
        n_bins = max(2, int((last - first) // BIN_SECONDS) + 1)
        counts = [0] * n_bins
        for ts in errors:
            counts[min(n_bins - 1, int((ts - first) // BIN_SECONDS))] += 1
        total, before, best = len(errors), 0, (0.0, None)

        def loglik(n: int, bins: int) -> float:
            return n * math.log(n / bins) if n else 0.0

        for k in range(1, n_bins):
            before += counts[k - 1]
            after = total - before
            if after / (n_bins - k) <= before / k:
                continue
            gain = loglik(before, k) + loglik(after, n_bins - k) - loglik(total, n_bins)
            if gain > best[0]:
                best = (gain, k)
        if best[1] is not None and best[0] >= 3.0:
            return first + best[1] * BIN_SECONDS
    started = alert_started_at(alert)
    return started if started is not None else scope.window.start_ts


def as_fields(templates: list[LogTemplate]) -> list[tuple[object, ...]]:
    """Every field, Counters with the order of their keys (most_common breaks ties by it)."""
    return [(t.template, t.level, t.count, t.baseline, t.during, t.first_seen, t.last_seen,
             list(t.resources.items()), list(t.pods.items()), sorted(t.refs), t.examples)
            for t in templates]  # fmt: skip


WORDS = ("checkout", "cart", "payment", "ledger", "Started", "Stopped", "upstream", "timeout", "refused")


def incident(rng: random.Random) -> tuple[list[list[LogRecord]], Scope, dict[str, object]]:
    """Files of batches of records, as readers hand them in: streams with their own labels, out of time order."""
    minutes = rng.choice((10, 30, 60))
    scope = Scope("t", Window(START, START + timedelta(minutes=minutes)), service=rng.choice((None, "checkout")))
    window = minutes * 60.0
    onset_at = START.timestamp() + rng.uniform(0.2, 0.8) * window
    alert: dict[str, object] = {}
    if rng.random() < 0.5:
        alert = {"alerts": [{"startsAt": datetime.fromtimestamp(onset_at + rng.uniform(-90, 90), UTC).isoformat()}]}
    kinds = [
        (rng.choice(("error", "warn", "info", "debug")), " ".join(rng.sample(WORDS, rng.randint(1, 4))))
        for _ in range(rng.randint(2, 12))
    ]
    files = []
    for _ in range(rng.randint(1, 4)):
        batches = []
        for _ in range(rng.randint(1, 5)):
            labels = {"pod": f"checkout-7d9f8b6c5d-{rng.choice('abcde')}x2x9"} if rng.random() < 0.7 else {}
            if rng.random() < 0.1:
                labels = {"pod": ""}  # counted as no pod
            source, ref = rng.choice((("loki", '{app="a"}'), ("loki", '{app="b"}'), ("cloudwatch", "/ecs/x")))
            batch = []
            for _ in range(rng.randint(1, 120)):
                level, words = rng.choice(kinds)
                if level == "error" and rng.random() < 0.6:
                    ts = rng.uniform(onset_at, START.timestamp() + window * 1.05)
                else:
                    ts = rng.uniform(START.timestamp() - (window * 0.1 if rng.random() < 0.1 else 0), onset_at + 600)
                if rng.random() < 0.1:
                    ts = START.timestamp() + BIN_SECONDS * rng.randint(0, int(window // BIN_SECONDS))  # on an edge
                if rng.random() < 0.1 and batch:
                    ts = batch[-1].ts  # a tie
                message = f"{words} id={rng.randint(1, 4 if rng.random() < 0.5 else 500)} took {rng.randint(1, 9)}ms"
                resource = rng.choice(("checkout", "cart", "unknown", ""))  # "": a span with no service name
                batch.append(LogRecord(ts, source, ref, resource, level, message, labels))
            if rng.random() < 0.5:
                batch.sort(key=lambda r: -r.ts)  # Loki's backward direction
            batches.append(batch)
        files.append(batches)
    return files, scope, alert


def reduce_files(files: list[list[list[LogRecord]]], scope: Scope, alert: dict[str, object]) -> LogReduction:
    """Each file reduced apart (as a worker process does), then joined in read order."""
    whole = LogReduction(scope, alert)
    for batches in files:
        whole.extend(reduce_records([r for batch in batches for r in batch], scope, alert))
    return whole


@pytest.mark.parametrize("seed", range(150))
def test_reduction_is_the_sorted_records_mined(seed: int) -> None:
    rng = random.Random(seed)
    files, scope, alert = incident(rng)
    records = [r for batches in files for batch in batches for r in batch]
    reduction = reduce_files(files, scope, alert)
    onset = reduction.onset(alert)
    if min(r.ts for r in records) >= scope.window.start_ts:  # lines before the window: whole bins before it
        assert onset == reference_onset(records, scope, alert)
    assert len(reduction) == len(records)
    assert reduction.first_ts == min(r.ts for r in records)
    assert as_fields(reduction.templates(onset)) == as_fields(reference(records, onset, scope.service))


@pytest.mark.parametrize("seed", range(40))
def test_later_lines_join_as_read_after(seed: int) -> None:
    """`templates(onset, also=...)`: the failing spans of traces, read after every line, and neither changed."""
    rng = random.Random(1000 + seed)
    files, scope, alert = incident(rng)
    *logs, spans = files if len(files) > 1 else [*files, [[]]]
    log_records = [r for batches in logs for batch in batches for r in batch]
    span_records = [r for batch in spans for r in batch]
    reduction = reduce_files(logs, scope, alert)
    onset = reduction.onset(alert)
    later = reduce_records(span_records, scope, alert)
    before = as_fields(reduction.templates(onset))
    joined = as_fields(reduction.templates(onset, also=later))
    expected = reference([*log_records, *span_records], onset, scope.service)
    assert joined == as_fields(expected)
    assert as_fields(reduction.templates(onset)) == before  # joining changed nothing kept


def test_a_list_of_records_is_the_same_sink() -> None:
    """LogRecords (what tests and `validate` keep) reduce to what the pipeline's sink reduced as it read."""
    files, scope, alert = incident(random.Random(7))
    kept, reduced = LogRecords(), LogReduction(scope, alert)
    for batches in files:
        for batch in batches:
            lines = [(r.ts, r.level, r.message, r.resource) for r in batch]
            kept.add(batch[0].source, batch[0].ref, batch[0].labels, lines)
            reduced.add(batch[0].source, batch[0].ref, batch[0].labels, lines)
    kept.done()
    assert [r.ts for r in kept] == sorted(r.ts for r in kept)
    again = reduce_records(kept, scope, alert)
    onset = reduced.onset(alert)
    assert onset == again.onset(alert)
    assert as_fields(again.templates(onset)) == as_fields(reduced.templates(onset))


def test_memory_follows_kinds_of_lines_not_their_number() -> None:
    """Ten times the lines of the same kinds keep no more: counts per bin and three examples each."""
    scope = Scope("t", Window(START, START + timedelta(minutes=30)))

    def kept(n: int) -> int:
        reduction = LogReduction(scope, {})
        rng = random.Random(3)
        lines = [(START.timestamp() + rng.uniform(0, 1800), "info", f"served order {rng.randint(1, 10**9)}", "cart")
                 for _ in range(n)]  # fmt: skip
        reduction.add("loki", "q", {"pod": "cart-1"}, lines)
        return sum(len(b.examples) for e in reduction._exact.values() for b in e.bins.values())

    assert kept(20_000) == kept(2_000) == 3 * 60
