"""Traces reduced to what they decide: per service edge (caller → callee) how many calls failed and how slow they
were, and where each failing trace's failure starts (the deepest failing span, whose children all succeeded).

The deepest failing spans are also given to the log signatures as lines of the service that owns them, so a
callee whose own logs are quiet is still diagnosed from what its spans say (`OutOfMemoryError`, `too many
clients`); its callers' failures are never lines of theirs: they only relay it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from analyzers.base import Finding
from collectors import LogRecord, TraceSpan

PEER_KEYS = ("service.peer.name", "peer.service", "db.system.name", "db.system", "server.address", "net.peer.name",
             "messaging.system", "rpc.service")  # fmt: skip


@dataclass
class Edge:
    caller: str
    callee: str
    calls: int = 0
    errors: int = 0
    durations: list[float] = field(default_factory=list)
    traces: set[str] = field(default_factory=set)

    @property
    def p95(self) -> float:
        ranked = sorted(self.durations)
        return ranked[min(len(ranked) - 1, math.ceil(0.95 * len(ranked)) - 1)] if ranked else 0.0


def origins(spans: list[TraceSpan]) -> list[TraceSpan]:
    """Per trace, the failing spans none of whose children failed: where the failure starts."""
    failing_children = {(s.trace_id, s.parent_id) for s in spans if s.error and s.parent_id}
    return [s for s in spans if s.error and (s.trace_id, s.span_id) not in failing_children]


def callee_of(span: TraceSpan, parent: TraceSpan | None) -> tuple[str, str] | None:
    """(caller, callee) when the span crosses a service boundary: a server span under another service's span,
    or a client span with no instrumented callee (a database, a third party), named by its peer attributes."""
    if parent is not None and parent.service != span.service:
        return parent.service, span.service
    if span.kind in ("client", "producer"):
        peer = next((span.attributes[k] for k in PEER_KEYS if span.attributes.get(k)), "")
        if peer and peer != span.service:
            return span.service, peer.split(":")[0]
    return None


def trace_findings(spans: list[TraceSpan]) -> list[Finding]:
    by_id = {(s.trace_id, s.span_id): s for s in spans}
    served = {(s.trace_id, s.parent_id) for s in spans if s.parent_id}  # spans that have an instrumented child
    edges: dict[tuple[str, str], Edge] = {}
    for span in spans:
        parent = by_id.get((span.trace_id, span.parent_id))
        if span.kind in ("client", "producer") and (span.trace_id, span.span_id) in served:
            continue  # the callee's server span counts this call
        pair = callee_of(span, parent)
        if pair is None:
            continue
        edge = edges.setdefault(pair, Edge(*pair))
        edge.calls += 1
        edge.errors += span.error
        edge.durations.append(span.duration_ms)
        edge.traces.add(span.trace_id)
    starts: dict[str, list[TraceSpan]] = defaultdict(list)
    for span in origins(spans):
        starts[span.service].append(span)
    findings = []
    for edge in sorted(edges.values(), key=lambda e: (-e.errors, -e.p95)):
        if not edge.errors and edge.p95 < 1000:
            continue
        rate = edge.errors / edge.calls
        text = (f"trace edge {edge.caller} -> {edge.callee}: {edge.errors} of {edge.calls} calls failed, "
                f"p95 {edge.p95:.0f} ms")  # fmt: skip
        first = starts.get(edge.callee) or []
        if first:
            text += f"; the failure starts in {edge.callee}: {first[0].name}" + (
                f": {first[0].message}" if first[0].message else ""
            )
        traces = sorted(edge.traces)[:5]
        attrs = {"caller": edge.caller, "callee": edge.callee, "calls": edge.calls, "errors": edge.errors,
                 "error_rate": round(rate, 3), "p95_ms": round(edge.p95, 1), "origin": bool(first),
                 "traces": traces}  # fmt: skip
        score = 1.5 + 4 * rate + (1.5 if first else 0) + (1.0 if edge.p95 >= 1000 else 0)
        findings.append(Finding("trace", "tempo", ",".join(traces), edge.callee, text, round(score, 3), attrs))
    return findings


def trace_records(spans: list[TraceSpan]) -> list[LogRecord]:
    """The deepest failing spans as error lines of the service that owns them (for the log signatures)."""
    out = []
    for span in origins(spans):
        what = span.message or "status error"
        labels = {"trace_id": span.trace_id, "span": span.name, **{k: v for k, v in span.attributes.items()
                                                                     if k in PEER_KEYS}}  # fmt: skip
        # the trace id is in the line (masked in its template, kept in its examples): the evidence quoted is then
        # always the trace to open, whichever line of the template it quotes
        line = f"{span.name} failed: {what} (trace {span.trace_id})"
        out.append(LogRecord(span.start, "tempo", "traces", span.service, "error", line, labels))
    return out
