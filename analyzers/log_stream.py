"""The log lines of an incident reduced as they are read, so no line is kept: memory grows with the kinds of
lines and the window's length, never with their number.

Mining needs the onset, and the onset needs every error line; so what a template needs later is kept per
30-second bin, on the one grid every onset falls on (the window's start plus whole bins, or the alert's start):
per bin, how many lines and the earliest three distinct messages. Whatever the onset turns out to be, the
templates are then exactly those `mine` makes of the sorted records (tests/analyzers/test_log_stream.py checks
them against the records, line for line): the same counts before and after, the same examples, and resources,
pods and refs in the order their first lines came.

A batch's lines are grouped by template first (a dictionary lookup and a masked text per line, the masks of
repeated messages looked up), and each group is then handled in bulk, sorted by time once.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from analyzers import log_templates
from analyzers.log_templates import BASELINE_MARGIN, MAX_CHARS, LogTemplate
from analyzers.onset import BIN_SECONDS, MIN_ERRORS, alert_started_at, change_point
from collectors import Evidence, LogLine, LogRecord, LogSink, Scope, Window
from collectors.base import Level

EXAMPLES = 3  # a template's examples: its first line, then the first distinct lines from the onset on
REFS = 4  # (source, query) pairs a template remembers, first come first
_MASKS = 50_000  # masked texts remembered (then forgotten at once): repeated messages are masked once


@dataclass(slots=True)
class _Bin:
    count: int
    examples: list[tuple[float, int, str]]  # (ts, read order, message) of its earliest distinct lines


@dataclass(slots=True)
class _Exact:
    """Lines of one level whose masked texts are the same, reduced."""

    first: tuple[float, int, str]  # the earliest line: (ts, read order, message cut to MAX_CHARS)
    last: float
    count: int
    bins: dict[float, _Bin]  # by the time the bin starts
    resources: dict[str, list[Any]]  # name -> [lines, ts, read order] of its first line
    pods: dict[str, list[Any]]
    refs: dict[tuple[str, str], tuple[float, int]]  # (source, query) -> its first line's (ts, read order)


class LogReduction:
    """A LogSink (collectors.base) that reduces lines as they come; `templates(onset)` mines them."""

    def __init__(self, scope: Scope, alert: dict[str, Any], origin: float | None = None) -> None:
        self.start = scope.window.start_ts if origin is None else origin
        self.end = scope.window.end_ts
        self.service = scope.service
        started = alert_started_at(alert)
        # an onset that is the alert's start puts its cutoff off the grid: that bin is split there
        self.cut = started - BASELINE_MARGIN if started is not None else None
        self.lines = 0
        self.first_ts = math.inf  # the earliest line's time
        self.errors: Counter[int] = Counter()  # error lines up to the window's end, per bin from its start
        self._exact: dict[tuple[str, str], _Exact] = {}
        self._masks: dict[str, str] = {}

    def __len__(self) -> int:
        return self.lines

    def done(self) -> None:
        return None

    def extend(self, later: LogSink) -> None:
        """Another reduction's lines, as if read after these (a file read apart, in another process)."""
        if not isinstance(later, LogReduction):
            raise TypeError(f"a LogReduction extends only with another, not {type(later).__name__}")
        _join(self._exact, later._exact, self.lines)
        self.errors.update(later.errors)
        self.first_ts = min(self.first_ts, later.first_ts)
        self.lines += later.lines

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_masks": {}}  # what a worker process sends back: the reduction, not its cache

    def add(self, source: str, ref: str, labels: dict[str, str], lines: Sequence[LogLine]) -> None:
        base = self.lines
        self.lines += len(lines)
        masks = self._masks
        mask = log_templates.mask  # looked up per batch: bench/bench_templates.py swaps in the old mask
        groups: dict[tuple[Level, str, str], list[int]] = {}
        for i, (_ts, level, message, resource) in enumerate(lines):
            masked = masks.get(message)
            if masked is None:
                masked = mask(message)
                if len(masks) >= _MASKS:
                    masks.clear()
                masks[message] = masked
            key = (level, masked, resource)
            group = groups.get(key)
            if group is None:
                groups[key] = [i]
            else:
                group.append(i)
        pod = labels.get("pod")
        for (level, masked, resource), positions in groups.items():
            if resource == "unknown" and self.service:  # a stream no label names is the scope's service
                resource = self.service
            self._group(level, masked, resource, pod, (source, ref), positions, lines, base)

    def _group(
        self,
        level: Level,
        masked: str,
        resource: str,
        pod: str | None,
        ref: tuple[str, str],
        positions: list[int],
        lines: Sequence[LogLine],
        base: int,
    ) -> None:
        stamps = [lines[i][0] for i in positions]
        order = sorted(range(len(stamps)), key=stamps.__getitem__)  # by time, then as read
        times = [stamps[k] for k in order]
        if level == "error":
            for ts in times:
                if ts <= self.end:
                    self.errors[int((ts - self.start) // BIN_SECONDS)] += 1
        first = (times[0], base + positions[order[0]], lines[positions[order[0]]][2][:MAX_CHARS])
        self.first_ts = min(self.first_ts, times[0])
        exact = self._exact.get((level, masked))
        if exact is None:
            exact = self._exact[(level, masked)] = _Exact(first, times[-1], 0, {}, {}, {}, {})
        elif first < exact.first:
            exact.first = first
        exact.last = max(exact.last, times[-1])
        exact.count += len(times)
        _tally(exact.resources, resource, len(times), first[0], first[1])  # a resource may be ""
        if pod:  # a pod may not
            _tally(exact.pods, pod, len(times), first[0], first[1])
        known_ref = exact.refs.get(ref)
        if known_ref is None or (first[0], first[1]) < known_ref:
            exact.refs[ref] = (first[0], first[1])
        at, n, bins = 0, len(times), exact.bins
        while at < n:  # bin by bin: its count, and its earliest distinct messages
            lower, upper = self._bin(times[at])
            stop = bisect_left(times, upper, at)
            kept = bins.get(lower)
            if (
                kept is not None
                and len(kept.examples) == EXAMPLES
                and kept.examples[-1] < (times[at], base + positions[order[at]])
            ):
                kept.count += stop - at  # all of these come after the bin's examples: none would be one
                at = stop
                continue
            picked: list[tuple[float, int, str]] = []
            seen: list[str] = []
            for p in range(at, stop):
                message = lines[positions[order[p]]][2][:MAX_CHARS]
                if message not in seen:
                    seen.append(message)
                    picked.append((times[p], base + positions[order[p]], message))
                    if len(seen) == EXAMPLES:
                        break
            if kept is None:
                bins[lower] = _Bin(stop - at, picked)
            else:
                kept.count += stop - at
                kept.examples = _earliest([*kept.examples, *picked])
            at = stop

    def _bin(self, ts: float) -> tuple[float, float]:
        """The bin `ts` falls in, as (start, end): the grid's bins start where a cutoff can be (an onset less the
        baseline margin), computed exactly as the digest computes it, so a bin is all before or all after."""
        k = math.floor((ts - self.start + BASELINE_MARGIN) / BIN_SECONDS)
        while self._edge(k) > ts:
            k -= 1
        while self._edge(k + 1) <= ts:
            k += 1
        lower, upper = self._edge(k), self._edge(k + 1)
        if self.cut is not None and lower < self.cut < upper:
            return (self.cut, upper) if ts >= self.cut else (lower, self.cut)
        return lower, upper

    def _edge(self, k: int) -> float:
        return (self.start + k * BIN_SECONDS) - BASELINE_MARGIN

    def onset(self, alert: dict[str, Any]) -> float:
        """The incident's onset: the change point of the error lines' rate, else the alert's start, else the
        window's start (analyzers.onset)."""
        if self.lines and self.first_ts < self.start:  # lines before the window: whole bins before it too
            before = math.ceil((self.start - self.first_ts) / BIN_SECONDS)
        else:
            before = 0
        split = change_point(self.errors, before, self.start) if self.errors.total() >= MIN_ERRORS else None
        if split is not None:
            return split
        started = alert_started_at(alert)
        return started if started is not None else self.start

    def templates(self, onset: float, also: LogReduction | None = None) -> list[LogTemplate]:
        """The exact templates as `mine` makes them (then merged), with `also`'s lines read after these."""
        cutoff = onset - BASELINE_MARGIN
        exacts = dict(self._exact)
        if also is not None:
            _join(exacts, also._exact, self.lines)  # into a copy: nothing this reduction keeps changes
        made = []
        for (level, masked), exact in sorted(exacts.items(), key=lambda kv: kv[1].first[:2]):
            template = LogTemplate(masked, level, count=exact.count, first_seen=exact.first[0])
            template.last_seen = max(0.0, exact.last)
            template.baseline = sum(b.count for lower, b in exact.bins.items() if lower < cutoff)
            template.during = exact.count - template.baseline
            template.resources = _ordered(exact.resources)
            template.pods = _ordered(exact.pods)
            template.refs = set(sorted(exact.refs, key=exact.refs.__getitem__)[:REFS])
            examples = [exact.first[2]]
            for lower in sorted(exact.bins):
                if lower < cutoff or len(examples) == EXAMPLES:
                    continue
                for ts, _, message in exact.bins[lower].examples:
                    if ts >= cutoff and message not in examples and len(examples) < EXAMPLES:
                        examples.append(message)
            template.examples = examples
            made.append(template)
        return log_templates.merge_templates(made) if len(made) > 1 else made


def _ordered(counts: dict[str, list[Any]]) -> Counter[str]:
    """A Counter whose keys come in the order their first lines came (Counter.most_common breaks ties so)."""
    return Counter({name: c[0] for name, c in sorted(counts.items(), key=lambda kv: (kv[1][1], kv[1][2]))})


def _earliest(examples: list[tuple[float, int, str]]) -> list[tuple[float, int, str]]:
    """The earliest examples with distinct messages, at most EXAMPLES."""
    out: list[tuple[float, int, str]] = []
    seen: list[str] = []
    for example in sorted(examples):
        if example[2] not in seen:
            seen.append(example[2])
            out.append(example)
            if len(out) == EXAMPLES:
                break
    return out


def _tally(into: dict[str, list[Any]], name: str, count: int, ts: float, seq: int) -> None:
    """`count` more lines of `name`, the first of them at (ts, seq): its count, and its first line's (ts, seq)."""
    known = into.get(name)
    if known is None:
        into[name] = [count, ts, seq]
        return
    known[0] += count
    if (ts, seq) < (known[1], known[2]):
        known[1], known[2] = ts, seq


def _join(into: dict[tuple[str, str], _Exact], later: dict[tuple[str, str], _Exact], by: int) -> None:
    """`later`'s templates into `into`, their lines read `by` lines after (new objects: `later`'s stay as they are)."""
    for key, extra in later.items():
        known = into.get(key)
        into[key] = _shifted(extra, by) if known is None else _joined(known, extra, by)


def _shifted(exact: _Exact, by: int) -> _Exact:
    """`exact` as if its lines had been read `by` lines later."""
    return _Exact(
        (exact.first[0], exact.first[1] + by, exact.first[2]),
        exact.last,
        exact.count,
        {k: _Bin(b.count, [(t, s + by, m) for t, s, m in b.examples]) for k, b in exact.bins.items()},
        {k: [c, t, s + by] for k, (c, t, s) in exact.resources.items()},
        {k: [c, t, s + by] for k, (c, t, s) in exact.pods.items()},
        {k: (t, s + by) for k, (t, s) in exact.refs.items()},
    )


def _joined(a: _Exact, later: _Exact, by: int) -> _Exact:
    """Both reduced into one; `later`'s lines read `by` lines after `a`'s (neither is changed)."""
    b = _shifted(later, by)
    bins = {k: _Bin(v.count, list(v.examples)) for k, v in a.bins.items()}
    for lower, part in b.bins.items():
        had = bins.get(lower)
        bins[lower] = part if had is None else _Bin(had.count + part.count, _earliest([*had.examples, *part.examples]))

    def counts(x: dict[str, list[Any]], y: dict[str, list[Any]]) -> dict[str, list[Any]]:
        out = {k: list(v) for k, v in x.items()}
        for k, (c, t, s) in y.items():
            _tally(out, k, c, t, s)
        return out

    refs = dict(a.refs)
    for ref, when in b.refs.items():
        refs[ref] = min(refs[ref], when) if ref in refs else when
    return _Exact(min(a.first, b.first), max(a.last, b.last), a.count + b.count, bins,
                  counts(a.resources, b.resources), counts(a.pods, b.pods), refs)  # fmt: skip


def reduce_records(
    records: Iterable[LogRecord], scope: Scope, alert: dict[str, Any], origin: float | None = None
) -> LogReduction:
    """Records already read (a list of them, the failing spans of traces), reduced in their order."""
    reduction = LogReduction(scope, alert, origin)
    batch: list[LogLine] = []
    head: LogRecord | None = None
    for record in records:  # a batch per run of records of one source, query and labels
        if head is not None and (
            record.labels is not head.labels or record.ref != head.ref or record.source != head.source
        ):
            reduction.add(head.source, head.ref, head.labels, batch)
            batch = []
        if not batch:
            head = record
        batch.append((record.ts, record.level, record.message, record.resource))
    if head is not None and batch:
        reduction.add(head.source, head.ref, head.labels, batch)
    return reduction


def reduced_logs(evidence: Evidence) -> LogReduction:
    """The evidence's lines reduced: as they were read when the pipeline collected them, else now."""
    if isinstance(evidence.logs, LogReduction):
        return evidence.logs
    return reduce_records(evidence.logs, evidence.scope, evidence.alert)  # type: ignore[arg-type]


def mine(records: Iterable[LogRecord], onset: float) -> list[LogTemplate]:
    """Records grouped into templates around a known onset (their order and times as given)."""
    moment = datetime.fromtimestamp(onset, UTC)
    scope = Scope("", Window(moment, moment + timedelta(seconds=1)))
    return reduce_records(records, scope, {}, origin=onset).templates(onset)
