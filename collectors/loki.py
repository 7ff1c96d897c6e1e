"""Loki: every error-looking line in the window (paginated), plus a bounded sample of everything else."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors import reading
from collectors.base import ClusterContext, Document, Evidence, LogLine, Scope, SourceKind
from collectors.naming import parse_line, resource_from_labels
from kernel import Problem

if TYPE_CHECKING:  # requests loads with the first live fetch; a bundle replay never needs it
    import requests

SLICE_WORKERS = 4  # sample slices fetched at once (urllib3's pool is thread-safe; one connection each)
BATCH = 20_000  # lines of one stream handed to the evidence at once (a stream can hold millions)
ERRORS = r"(?i)(error|exception|fatal|panic|fail|timed? ?out|refused|denied|forbidden|killed|oom|unavailable|x509)"


@dataclass(frozen=True, slots=True)
class LokiConfig:
    """`clusters[].loki` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    url: str
    tenant: str | None = None  # sent as X-Scope-OrgID
    selector: str | None = None  # LogQL stream selector; default {namespace="<the cluster's namespace>"}
    bearer_token_env: str | None = None
    timeout_seconds: Annotated[float, Gt(0)] = 15.0
    max_error_lines: Annotated[int, Ge(100)] = 50_000
    sample_per_slice: Annotated[int, Ge(10)] = 1000


class LokiSource:
    """`selector` is a LogQL stream selector for the namespaces involved, e.g. `{namespace="shop"}`.

    Errors are never crowded out by volume: they are fetched first and paged to `max_error_lines`; the
    rest is a sample of `sample_per_slice` lines in each `slice_minutes` slice, for rates and context.
    """

    def __init__(
        self,
        cluster: str,
        url: str,
        selector: str,
        tenant: str | None = None,
        bearer_token: str | None = None,
        basic_auth: tuple[str, str] | None = None,
        timeout_seconds: float = 15.0,
        page_limit: int = 5000,
        max_error_lines: int = 50_000,
        sample_per_slice: int = 1000,
        slice_minutes: int = 5,
    ) -> None:
        self.name, self.url, self.cluster = f"loki:{cluster}", url.rstrip("/"), cluster
        self.selector, self.page_limit, self.max_error_lines = selector, page_limit, max_error_lines
        self.sample_per_slice, self.slice_ns = sample_per_slice, slice_minutes * 60 * 10**9
        headers = {"X-Scope-OrgID": tenant} if tenant else {}
        if bearer_token:
            headers["Authorization"] = f"Bearer {bearer_token}"
        self.headers, self.auth, self.timeout = headers, basic_auth, timeout_seconds

    def _session(self) -> requests.Session:
        import requests
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        session.headers.update(self.headers)
        session.auth = self.auth
        session.mount("http://", HTTPAdapter(pool_maxsize=SLICE_WORKERS))
        session.mount("https://", HTTPAdapter(pool_maxsize=SLICE_WORKERS))
        return session

    def fetch(self, scope: Scope) -> list[Document]:
        from collectors._loki_api import query_range

        start, end = int(scope.window.start_ts * 1e9), int(scope.window.end_ts * 1e9)
        documents = []
        with self._session() as client:
            errors = f'{self.selector} |~ "{ERRORS}"'
            cursor, fetched, page = start, 0, 0
            boundary: set[tuple[str, str, str]] = set()  # lines already kept at the cursor's nanosecond
            while cursor < end and fetched < self.max_error_lines:
                limit = min(self.page_limit, self.max_error_lines - fetched)
                body = query_range(client, self.url, errors, cursor, end, limit, timeout=self.timeout)
                returned = sum(len(s.get("values", [])) for s in body["data"]["result"])
                body, kept = _without(body, boundary)
                documents.append(self._document(f"errors-{page}", errors, body))
                fetched, page = fetched + len(kept), page + 1
                if returned < limit or not kept:
                    break
                # Forward paging resumes *at* the newest line's nanosecond, not after it: lines sharing that
                # nanosecond may not all have fitted in this page. Those already kept are skipped next time.
                newest = max(int(ts) for _, ts, _ in kept)
                if newest == cursor:  # the whole page shares one nanosecond: step past it, not ask again
                    cursor, boundary = newest + 1, set()
                else:
                    cursor, boundary = newest, {entry for entry in kept if int(entry[1]) == newest}
            rest = f'{self.selector} !~ "{ERRORS}"'
            slices = list(range(start, end, self.slice_ns))

            def sample(slice_start: int) -> dict[str, object]:
                stop = min(end, slice_start + self.slice_ns)
                return query_range(
                    client, self.url, rest, slice_start, stop, self.sample_per_slice, timeout=self.timeout
                )

            with ThreadPoolExecutor(max_workers=SLICE_WORKERS) as pool:  # slices are independent
                for n, body in enumerate(pool.map(sample, slices)):
                    documents.append(self._document(f"sample-{n}", rest, body))
        return documents

    def _document(self, name: str, query: str, body: dict[str, object]) -> Document:
        return Document("loki", f"{self.cluster}-{name}", {"query": query, "cluster": self.cluster, "response": body})


def _without(
    body: dict[str, Any], seen: set[tuple[str, str, str]]
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The page's body less the entries already kept, and the (stream, timestamp, line) entries it keeps."""
    kept: list[tuple[str, str, str]] = []
    result = []
    for stream in body["data"]["result"]:
        labels = json.dumps(stream.get("stream", {}), sort_keys=True)
        values = [v for v in stream.get("values", []) if (labels, v[0], v[1]) not in seen]
        kept += [(labels, v[0], v[1]) for v in values]
        if values:
            result.append({**stream, "values": values})
    return {**body, "data": {**body["data"], "result": result}}, kept


def live(config: LokiConfig, cluster: ClusterContext) -> LokiSource:
    selector = (config.selector or f'{{namespace="{cluster.namespace}"}}').replace("{service}", cluster.service)
    return LokiSource(
        cluster.name,
        config.url,
        selector,
        tenant=config.tenant,
        bearer_token=cluster.secret(config.bearer_token_env),
        timeout_seconds=config.timeout_seconds,
        max_error_lines=config.max_error_lines,
        sample_per_slice=config.sample_per_slice,
    )


def read_streams(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`loki/*.json`: a query_range streams body."""
    query, cluster = str(doc.get("query", "")), str(doc.get("cluster", ""))
    for i, stream in enumerate(reading.result(rel, doc, problems, "streams")):
        _read_stream(rel, i, stream, query, cluster, ev, problems)


def stream_streams(rel: str, text: str, ev: Evidence, problems: list[Problem]) -> bool:
    """`loki/*.json` read from its text a stream at a time, so a file of millions of lines is never decoded whole:
    each stream's values are decoded, read and let go before the next. The layout is the one Loki answers and
    `record` writes: the query before the response (the cluster may come after: it is only a label, set on the
    streams' labels at the end), its status before its data, the result type before the result, a stream's
    labels before its values. Any other layout returns False, before a line is read or when the layout turns
    out otherwise halfway (the caller drops what was read, and decodes the file whole)."""
    root: dict[str, Any] = {}
    body: dict[str, Any] = {}
    data: dict[str, Any] = {}
    read = False  # whether the result was reached
    made: list[dict[str, str]] = []  # every stream's labels, for a cluster named after the response

    def stream_at(i: int, at: int) -> int:
        stream: dict[str, Any] = {}

        def member(key: str, at: int) -> int:
            if key == "values" and "stream" not in stream:
                raise reading.Unstreamed("a stream's values before its labels")
            stream[key], end = reading.value_at(text, at)
            return end

        end = reading.walk_object(text, at, member)
        labels = _read_stream(rel, i, stream, str(root.get("query", "")), str(root.get("cluster", "")), ev, problems)
        if labels is not None:
            made.append(labels)
        return end

    def data_member(key: str, at: int) -> int:
        nonlocal read
        if key != "result":
            data[key], end = reading.value_at(text, at)
            return end
        if data.get("resultType") != "streams" or body.get("status") not in (None, "success"):
            raise reading.Unstreamed("the result before the result type, or a failed query")
        read = True
        return reading.walk_array(text, at, stream_at)

    def body_member(key: str, at: int) -> int:
        if key == "data":
            return reading.walk_object(text, at, data_member)
        body[key], end = reading.value_at(text, at)
        return end

    def root_member(key: str, at: int) -> int:
        if key == "response":
            root[key] = None
            return reading.walk_object(text, at, body_member)
        if "response" in root and key != "cluster":
            raise reading.Unstreamed("a key after the response")  # the query its lines needed
        root[key], end = reading.value_at(text, at)
        if key == "cluster" and "response" in root and str(root[key]):
            for labels in made:  # as read_streams sets it: after the stream's own labels, unless one is named so
                labels.setdefault("cluster", str(root[key]))
        return end

    try:
        end = reading.walk_object(text, 0, root_member)
    except reading.Unstreamed:
        return False
    return read and reading.only_blanks_after(text, end) and body.get("status") in (None, "success")


def _read_stream(
    rel: str, i: int, stream: Any, query: str, cluster: str, ev: Evidence, problems: list[Problem]
) -> dict[str, str] | None:
    """One stream's lines into the evidence; its labels (None for a stream that is not one)."""
    if not isinstance(stream, dict) or not isinstance(stream.get("values"), list):
        problems.append(Problem(rel, f"response.data.result[{i}].values", "must be a list of [ns, line]"))
        return None
    labels = reading.labels(stream.get("stream"))
    if cluster:
        labels.setdefault("cluster", cluster)
    stream_resource = resource_from_labels(labels)
    lines: list[LogLine] = []
    for j, entry in enumerate(stream["values"]):
        if not isinstance(entry, list) or len(entry) < 2 or not isinstance(entry[1], str):
            problems.append(Problem(rel, f"response.data.result[{i}].values[{j}]", 'must be ["ns", "line"]'))
            break
        try:
            ts = int(entry[0]) / 1e9
        except (TypeError, ValueError):
            problems.append(Problem(rel, f"response.data.result[{i}].values[{j}][0]", "must be nanoseconds"))
            break
        message, level, named = parse_line(entry[1])
        lines.append((ts, level, message, named or stream_resource))
        if len(lines) == BATCH:
            ev.logs.add("loki", query, labels, lines)
            lines = []
    ev.logs.add("loki", query, labels, lines)
    return labels


SOURCE = SourceKind("loki", LokiConfig, live, {"loki": read_streams}, {"loki": stream_streams})
