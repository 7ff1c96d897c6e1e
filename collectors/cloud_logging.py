"""Cloud Logging: the entries of the scope's workloads in the window, warnings and errors first (paged),
then a bounded sample of the rest, through the REST API `entries:list` with the service account's token.

GKE containers and Cloud Run revisions write here by default; most GCP users have no Loki. An entry is a
`LogEntry` (textPayload, jsonPayload or protoPayload, severity, resource.labels), read by the same line
parser as a LogEntry Grafana Alloy forwards to Loki. Recorded as the API's own response bodies.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors import reading
from collectors._google import METADATA_URL, MetadataToken
from collectors._rest import json_object, retried
from collectors.base import ClusterContext, Document, Evidence, Scope, SourceKind
from collectors.naming import parse_line
from kernel import CloudDoctorError, Problem

LOGGING_URL = "https://logging.googleapis.com"
PAGE_SIZE = 1000  # the API's maximum


@dataclass(frozen=True, slots=True)
class CloudLoggingConfig:
    """`clusters[].cloud_logging` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    project: str | None = None  # default: the cluster's project
    # Which entries are the service's; `{service}` is filled in. Default: a GKE container or a Cloud Run
    # service of that name.
    filter: str | None = None
    url: str = LOGGING_URL  # the API endpoint (a private one, or the tests' stand-in)
    metadata_url: str = METADATA_URL
    timeout_seconds: Annotated[float, Gt(0)] = 15.0
    max_error_entries: Annotated[int, Ge(100)] = 20_000
    max_other_entries: Annotated[int, Ge(0)] = 2_000


class CloudLoggingSource:
    def __init__(self, cluster: str, project: str, selector: str, config: CloudLoggingConfig) -> None:
        self.name, self.cluster, self.project, self.selector = f"cloud_logging:{cluster}", cluster, project, selector
        self.config, self.url = config, config.url.rstrip("/")
        self.token = MetadataToken(config.metadata_url, timeout=config.timeout_seconds)

    def fetch(self, scope: Scope) -> list[Document]:
        import requests

        window = (
            f'timestamp>="{scope.window.start.astimezone(UTC).isoformat()}" '
            f'AND timestamp<="{scope.window.end.astimezone(UTC).isoformat()}"'
        )
        documents = []
        with requests.Session() as client:
            for name, severity, cap in (("errors", "severity>=WARNING", self.config.max_error_entries),
                                        ("rest", "severity<WARNING", self.config.max_other_entries)):  # fmt: skip
                if cap == 0:
                    continue
                query = f"({self.selector}) AND {window} AND {severity}"
                for n, body in enumerate(self._pages(client, query, cap)):
                    doc = {"project": self.project, "filter": query, "response": body}
                    documents.append(Document("cloud_logging", f"{self.cluster}-{name}-{n}", doc))
        return documents

    def _pages(self, client: Any, query: str, cap: int) -> list[dict[str, Any]]:
        pages, fetched, token = [], 0, ""
        while fetched < cap:
            request: dict[str, Any] = {
                "resourceNames": [f"projects/{self.project}"], "filter": query, "orderBy": "timestamp asc",
                "pageSize": min(PAGE_SIZE, cap - fetched),
            }  # fmt: skip
            if token:
                request["pageToken"] = token
            body = retried(functools.partial(self._call, client, request))
            entries = body.get("entries") or []
            pages.append(body)
            fetched += len(entries)
            token = str(body.get("nextPageToken") or "")
            if not token or not entries:
                break
        return pages

    def _call(self, client: Any, request: dict[str, Any]) -> dict[str, Any]:
        response = client.post(
            f"{self.url}/v2/entries:list", json=request, headers={"Authorization": f"Bearer {self.token()}"},
            timeout=self.config.timeout_seconds,
        )  # fmt: skip
        return json_object("Cloud Logging", response, "an entries:list body")


def live(config: CloudLoggingConfig, cluster: ClusterContext) -> CloudLoggingSource:
    project = config.project or cluster.project
    if not project:
        raise CloudDoctorError(f"cluster {cluster.name}: cloud_logging needs a project (the cluster's or its own)")
    selector = config.filter or (
        '(resource.type="k8s_container" AND resource.labels.container_name="{service}") OR '
        '(resource.type="cloud_run_revision" AND resource.labels.service_name="{service}")'
    )
    return CloudLoggingSource(cluster.name, project, selector.replace("{service}", cluster.service), config)


def read_entries(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`cloud_logging/*.json`: an entries:list response body."""
    entries = reading.listed(rel, doc, problems, "entries:list", "entries")
    if entries is None:
        return
    query = str(doc.get("filter", ""))
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(Problem(rel, f"response.entries[{i}]", "must be a LogEntry object"))
            continue
        stamp = entry.get("timestamp") or entry.get("receiveTimestamp")
        try:
            ts = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
        except ValueError:
            problems.append(Problem(rel, f"response.entries[{i}].timestamp", "must be an RFC 3339 time"))
            continue
        message, level, named = parse_line(json.dumps(entry))
        resource: dict[str, Any] = entry["resource"] if isinstance(entry.get("resource"), dict) else {}
        labels = {**reading.labels(resource.get("labels")), **reading.labels(entry.get("labels"))}
        pod = labels.get("pod_name")
        if pod:
            labels.setdefault("pod", pod)
        ev.logs.add("cloud_logging", query, labels, [(ts, level, message, named or "unknown")])


SOURCE = SourceKind("cloud_logging", CloudLoggingConfig, live, {"cloud_logging": read_entries})
