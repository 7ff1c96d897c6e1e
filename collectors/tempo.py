"""Tempo: the traces that show the scope's failures. TraceQL search over the window for the scope's traces that
hold an error span, then for its slow server spans; then the few traces they name, whole (`/api/traces/<id>`).

Recorded as Tempo's own JSON: each search body and each trace body (OTLP JSON: `batches` or `resourceSpans`,
`scopeSpans` or the older `instrumentationLibrarySpans`; ids in base64, as Tempo writes them).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors._rest import json_object, retried
from collectors.base import ClusterContext, Document, Evidence, Scope, SourceKind, TraceSpan
from kernel import Problem

KINDS = {"1": "internal", "2": "server", "3": "client", "4": "producer", "5": "consumer"}


@dataclass(frozen=True, slots=True)
class TempoConfig:
    """`clusters[].tempo` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    url: str
    tenant: str | None = None  # sent as X-Scope-OrgID
    bearer_token_env: str | None = None
    service_attribute: str = "resource.service.name"
    slow_ms: Annotated[int, Ge(1)] = 1000  # a server span slower than this is searched for too
    max_traces: Annotated[int, Ge(1)] = 20  # traces fetched whole, error ones first
    timeout_seconds: Annotated[float, Gt(0)] = 15.0


class TempoSource:
    def __init__(self, cluster: str, service: str, config: TempoConfig, bearer_token: str | None) -> None:
        self.name, self.cluster, self.service, self.config = f"tempo:{cluster}", cluster, service, config
        self.url = config.url.rstrip("/")
        self.headers = {"X-Scope-OrgID": config.tenant} if config.tenant else {}
        if bearer_token:
            self.headers["Authorization"] = f"Bearer {bearer_token}"

    def queries(self) -> list[tuple[str, str]]:
        """(name, TraceQL): the scope's traces holding an error anywhere, then its slow server spans."""
        name = json.dumps(self.service)  # a quoted TraceQL string: a name cannot close it and add conditions
        own = f"{{ {self.config.service_attribute} = {name} }}"
        return [
            ("errors", f"{own} && {{ status = error }}"),
            ("slow", f"{{ {self.config.service_attribute} = {name} && kind = server && "
                     f"duration > {self.config.slow_ms}ms }}"),
        ]  # fmt: skip

    def fetch(self, scope: Scope) -> list[Document]:
        import requests

        start, end = int(scope.window.start_ts), int(scope.window.end_ts) + 1
        documents: list[Document] = []
        wanted: list[str] = []
        with requests.Session() as client:
            client.headers.update(self.headers)
            for name, query in self.queries():
                params = {"q": query, "start": str(start), "end": str(end), "limit": str(self.config.max_traces)}
                body = self._get(client, "/api/search", params)
                documents.append(Document("tempo", f"{self.cluster}-search-{name}",
                                          {"query": query, "cluster": self.cluster, "response": body}))  # fmt: skip
                wanted += [
                    str(t["traceID"]) for t in body.get("traces") or [] if isinstance(t, dict) and t.get("traceID")
                ]
            for trace_id in list(dict.fromkeys(wanted))[: self.config.max_traces]:
                body = self._get(client, f"/api/traces/{trace_id}", {})
                doc = {"trace_id": trace_id, "cluster": self.cluster, "response": body}
                documents.append(Document("tempo", f"{self.cluster}-trace-{trace_id}", doc))
        return documents

    def _get(self, client: Any, path: str, params: dict[str, str]) -> dict[str, Any]:
        return retried(functools.partial(self._call, client, path, params))

    def _call(self, client: Any, path: str, params: dict[str, str]) -> dict[str, Any]:
        response = client.get(f"{self.url}{path}", params=params, timeout=self.config.timeout_seconds)
        return json_object("Tempo", response, f"the JSON object {path} answers with")


def live(config: TempoConfig, cluster: ClusterContext) -> TempoSource:
    return TempoSource(cluster.name, cluster.service, config, cluster.secret(config.bearer_token_env))


def read(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`tempo/*.json`: a search body (kept for the record: what was asked) or a trace body, read into spans."""
    body = doc.get("response")
    if not isinstance(body, dict):
        problems.append(Problem(rel, "response", "required: the exact JSON body Tempo returned"))
        return
    if "query" in doc:
        if not isinstance(body.get("traces", []), list):
            problems.append(Problem(rel, "response.traces", "must be a list (a /api/search response)"))
        return
    trace: dict[str, Any] = body["trace"] if isinstance(body.get("trace"), dict) else body  # /api/v2 wraps it
    batches = trace.get("batches", trace.get("resourceSpans"))
    if not isinstance(batches, list):
        problems.append(Problem(rel, "response.batches", "must be a list (a /api/traces/<id> response)"))
        return
    for i, batch in enumerate(batches):
        if not isinstance(batch, dict):
            problems.append(Problem(rel, f"response.batches[{i}]", "must be an object"))
            continue
        resource: dict[str, Any] = batch["resource"] if isinstance(batch.get("resource"), dict) else {}
        service = _attributes(resource.get("attributes")).get("service.name", "unknown")
        scopes = batch.get("scopeSpans", batch.get("instrumentationLibrarySpans")) or []
        for j, group in enumerate(scopes if isinstance(scopes, list) else []):
            for k, span in enumerate(group.get("spans") or [] if isinstance(group, dict) else []):
                where = f"response.batches[{i}].scopeSpans[{j}].spans[{k}]"
                try:
                    ev.spans.append(_span(span, service))
                except KeyError as exc:
                    problems.append(Problem(rel, f"{where}.{exc.args[0]}", "required (an OTLP span has traceId, "
                                            "spanId, startTimeUnixNano and endTimeUnixNano)"))  # fmt: skip
                except ValueError:
                    digits = 'since the epoch, as a string of digits ("1795000000000000000")'
                    problems.append(
                        Problem(rel, where, f"startTimeUnixNano and endTimeUnixNano must be nanoseconds {digits}")
                    )
                except (TypeError, AttributeError):
                    problems.append(Problem(rel, where, "must be an OTLP span object (traceId, spanId, name, kind, "
                                            "times, status, attributes)"))  # fmt: skip


def _span(span: dict[str, Any], service: str) -> TraceSpan:
    start, end = int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"])
    status = span.get("status") or {}
    code = str(status.get("code", ""))
    error = code in ("STATUS_CODE_ERROR", "2")
    events = [e for e in span.get("events") or [] if isinstance(e, dict)]
    exceptions = [_attributes(e.get("attributes")) for e in events if e.get("name") == "exception"]
    parts = [str(status["message"])] if status.get("message") else []
    for e in exceptions:  # an exception the status message already quotes is not said twice
        said = f"{e.get('exception.type', 'exception')}: {e.get('exception.message', '')}".strip()
        if not any(said in p for p in parts):
            parts.append(said)
    message = "; ".join(parts)
    kind = str(span.get("kind", ""))
    kind = KINDS.get(kind, kind.removeprefix("SPAN_KIND_").lower() or "unspecified")
    return TraceSpan(
        trace_id=hex_id(span["traceId"]),
        span_id=hex_id(span["spanId"]),
        parent_id=hex_id(span.get("parentSpanId") or ""),
        service=service,
        name=str(span.get("name", "")),
        kind=kind,
        start=start / 1e9,
        duration_ms=max(end - start, 0) / 1e6,
        error=error,
        message=message,
        attributes=_attributes(span.get("attributes")),
    )


def hex_id(value: str) -> str:
    """Tempo writes ids in base64 (protobuf bytes); search answers and logs write them in hex."""
    if not value or all(c in "0123456789abcdef" for c in value.lower()) and len(value) in (16, 32):
        return value.lower()
    try:
        return base64.b64decode(value, validate=True).hex()
    except (binascii.Error, ValueError):
        return value


def _attributes(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and isinstance(item.get("value"), dict) and item["value"]:
            out[str(item.get("key"))] = str(next(iter(item["value"].values())))
    return out


SOURCE = SourceKind("tempo", TempoConfig, live, {"tempo": read})
