"""The offline diagnoser: signatures over logs, metrics, Kubernetes state and the alert, culprit over victims."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from analyzers import _details
from analyzers.base import Diagnosis, Digest, EvidenceLine, Finding, Hypothesis
from analyzers.kube import pod_addresses
from analyzers.signatures import ADVICE, DNS_FAILURE, DNS_SERVERS, HOST, LOG_SIGNATURES, REGISTRY, VICTIM
from analyzers.signatures.capacity_limit import CAPACITY_WORDS
from analyzers.signatures.queue_backlog import CONSUMER_WORDS
from collectors import Evidence

# kind -> (category, weight) when the series is saturated, pinned or far off its baseline
METRIC_SIGNALS: dict[str, tuple[str, float]] = {
    kind: (s.category, weight) for s in REGISTRY.values() for kind, weight in s.metric_kinds.items()
}
KUBE_REASONS: dict[str, tuple[str, float]] = {
    reason: (s.category, weight) for s in REGISTRY.values() for reason, weight in s.kube_reasons.items()
}


@dataclass
class Candidate:
    category: str
    resource: str
    score: float = 0.0
    support: list[tuple[float, Finding]] = field(default_factory=list)

    def add(self, weight: float, finding: Finding) -> None:
        self.score += weight
        self.support.append((weight, finding))


class RulesDiagnoser:
    """Deterministic diagnosis from the catalogue in `signatures/`; no model, no network."""

    name = "rules"

    def diagnose(self, digest: Digest, evidence: Evidence) -> Diagnosis:
        return self.assess(digest, evidence).verdict(digest, evidence, self.name)

    def assess(self, digest: Digest, evidence: Evidence) -> Board:
        """Score every (category, resource) candidate the findings support."""
        board = Board(
            known_resources(digest.findings), digest.findings, evidence.scope.window.start_ts,
            pod_addresses(evidence.kubernetes),
        )  # fmt: skip
        for f in digest.findings:
            if f.kind == "log_template":
                board.log(f)
            elif f.kind == "metric":
                board.metric(f)
            elif f.kind == "kubernetes":
                board.kube(f)
        board.probe_kills()
        board.bad_deploy(digest.findings, digest.onset)
        board.victims()
        hinted = {evidence.scope.service} if evidence.scope.service else set()
        board.prior(_alert_resources(digest.findings) | hinted)
        return board


CRASH_REASONS = {"CrashLoopBackOff", "Error", "OOMKilled", "StartError", "RunContainerError", "BackoffLimitExceeded"}
# A caller's line of these categories that names a failing peer is the peer's symptom, not the caller's fault.
PEER_SYMPTOMS = ("timeout", "network_blocked")
# Categories an event or status message can name as its cause. A probe's "context deadline exceeded" or
# "connection refused" describes the check, not a timeout or a blocked network, so those are not read there.
_MESSAGE_CATEGORIES = {c for c in REGISTRY if c not in ("timeout", "network_blocked", "dependency_failure")}


def _named_causes(message: str) -> dict[str, float]:
    """The category a Kubernetes message names as its cause, with its signature's weight."""
    found: dict[str, tuple[int, float]] = {}  # category -> (longest match, weight)
    if not message:
        return {}
    for sig in LOG_SIGNATURES:
        if sig.category in _MESSAGE_CATEGORIES and (m := sig.pattern.search(message)):
            longest, weight = found.get(sig.category, (0, 0.0))
            found[sig.category] = (max(longest, len(m.group(0))), max(weight, sig.weight))
    if not found:
        return {}
    # One message names one cause: the most specific match ("is forbidden: exceeded quota" is a quota,
    # "is forbidden: error looking up service account" a missing account, not a permission).
    best = max(found, key=lambda c: found[c][0])
    return {best: found[best][1]}


# A Celery worker's own lines (celery/app/trace.py, celery/worker/strategy.py, celery/apps/worker.py)
_CELERY_WORKER = re.compile(r"Task [\w.]+\[[0-9a-f-]{36}\] (succeeded|raised|retry)|Received task: |celery@\S+ ready")
CONSUMER_NAMES = re.compile(r"worker|consumer|processor|celery|tasks|jobs|listener|subscriber", re.IGNORECASE)
_LIVENESS = re.compile(r"Liveness probe failed|failed liveness probe", re.IGNORECASE)
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def known_resources(findings: list[Finding]) -> set[str]:
    names = {f.resource for f in findings if f.resource and f.resource != "unknown"}
    for f in findings:
        names.update(r for r in f.attrs.get("resources", {}) if r != "unknown")
    return names


def _alert_resources(findings: list[Finding]) -> set[str]:
    return {f.resource for f in findings if f.kind == "alert" and f.resource}


class Board:
    """Scores (category, resource) candidates as signals arrive."""

    def __init__(
        self, known: set[str], findings: list[Finding], since: float = 0.0, addresses: dict[str, str] | None = None
    ) -> None:
        self.known = known
        self.addresses = addresses or {}  # pod IP -> its workload
        # A known name as a whole token: not inside another name (`web` in `prod-web`) nor a dotted code path
        # (`web` in `c.a.wordpress.web.RequestLogger`); a host name it starts (`ledger-db.shop.svc`) counts.
        names = sorted((r for r in known if len(r) > 2), key=len, reverse=True)
        self._by_lower = {r.lower(): r for r in names}
        self._names = (
            re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])", re.IGNORECASE)
            if names else None
        )  # fmt: skip
        self.since = since  # the window's start: a Kubernetes event last seen before it is history
        self.findings = findings
        self.candidates: dict[tuple[str, str], Candidate] = {}
        self.callers: defaultdict[str, list[Finding]] = defaultdict(list)  # peer -> victim lines naming it
        # A caller's timeout or blocked connection that names its peer: (category, caller, weight, line, peer).
        self.symptoms: list[tuple[str, str, float, Finding, str]] = []
        self.probe_spent: dict[str, float] = {}  # resource -> weight its failed probes have added
        self.templates_seen: defaultdict[tuple[str, str], int] = defaultdict(int)
        self.relays: dict[str, str] = {}  # a caller whose error lines were charged to the server it names
        self.measured = {f.resource for f in findings if f.kind == "metric"}
        # Workloads whose containers crash: their logs repeat with every restart, before the onset too, and
        # are the strongest evidence there is, not a baseline to discount.
        self.crashing = {
            f.resource for f in findings
            if f.kind == "kubernetes" and str(f.attrs.get("reason")) in CRASH_REASONS
        }  # fmt: skip

    def add(self, category: str, resource: str, weight: float, finding: Finding) -> None:
        key = (category, resource)
        if key not in self.candidates:
            self.candidates[key] = Candidate(category, resource)
        self.candidates[key].add(weight, finding)

    def log(self, f: Finding) -> None:
        attrs = f.attrs
        novelty = 1.0 if attrs["new"] else 0.8 if attrs["change"] >= 3 else 0.4 if attrs["change"] >= 1.5 else 0.08
        if not attrs.get("baseline_known", True):  # nothing before the onset to compare with: not "steady",
            # but only errors, or a flood, count as news (a retry warning every five minutes does not)
            novelty = max(novelty, 0.8 if attrs["level"] == "error" or attrs["during"] >= 50 else 0.3)
        if f.resource in self.crashing and attrs["level"] == "error":
            novelty = max(novelty, 0.8)
        if attrs["level"] not in ("error", "warn"):
            novelty *= 0.5
        text = " ".join([attrs["template"], *attrs["examples"]])
        matched = False
        for sig in LOG_SIGNATURES:
            if sig.pattern.search(text) and not (sig.unless and sig.unless.search(text)):
                matched = True
                # A server's reply names the server first (the line may name an index or a table too)
                subject = self.server_named(sig.server, f.resource) if sig.server else None
                if subject is None and sig.subject == "named":
                    subject = self.named(text, f.resource)
                # One signal in many spellings (a template per URL or method) is one signal: each further
                # template of the same (category, resource) counts half the one before.
                key = (sig.category, subject or f.resource)
                weight = sig.weight * novelty * 0.5 ** self.templates_seen[key]
                self.templates_seen[key] += 1
                self.add(sig.category, subject or f.resource, weight, f)
                if subject and subject != f.resource:  # its errors are another's: it relays that failure
                    self.relays[f.resource] = subject
                if sig.category in PEER_SYMPTOMS and (peer := self.named(text, f.resource)):
                    self.symptoms.append((sig.category, f.resource, weight, f, peer))
        if matched or novelty < 0.4:
            return
        if dns := DNS_FAILURE.search(text):  # the resolver failed, or the name is gone: not the peer's own fault
            resolver = next((r for r in self.known if r in DNS_SERVERS), None)
            name = next((g for g in dns.groups() if g), None)
            peer = resolver or (name.split(".")[0].lower() if name else None)
            if peer:
                self.callers[peer].append(f)
        elif VICTIM.search(text):
            peer = self.named(text, f.resource) or _host(text)
            if peer:
                self.callers[peer].append(f)

    def named(self, text: str, emitter: str) -> str | None:
        """The longest known resource the line names, other than the one that wrote it; else the workload
        whose pod address it names (a proxy's `upstream: "http://10.1.4.7:8080/"`)."""
        hits = {m.lower() for m in self._names.findall(text)} - {emitter.lower()} if self._names else set()
        if hits:
            return self._by_lower[max(hits, key=len)]
        owners = [self.addresses[ip] for ip in _IPV4.findall(text) if self.addresses.get(ip, emitter) != emitter]
        return owners[0] if owners else None

    def server_named(self, words: tuple[str, ...], emitter: str) -> str | None:
        """The one known resource (not the emitter) one of whose name's words says it is such a server
        (`cart-redis`, `billing-db-postgresql`, `logs-es-data`); None when none or several do."""
        hits = {r for r in self.known if r != emitter and set(words) & set(re.split(r"[-_.]", r.lower()))}
        measured = hits & self.measured  # a server whose own metrics are in the evidence
        hits = measured or hits
        if len(hits) == 1:
            return hits.pop()
        counts = {r: sum(1 for f in self.findings if f.resource == r) for r in hits}
        ranked = sorted(counts, key=lambda r: -counts[r])
        return ranked[0] if len(ranked) > 1 and counts[ranked[0]] > counts[ranked[1]] else None

    def metric(self, f: Finding) -> None:
        kind = str(f.attrs["kind"])
        if kind not in METRIC_SIGNALS:
            return
        category, weight = METRIC_SIGNALS[kind]
        saturation = f.attrs.get("saturation")
        saturated = (saturation or 0) >= 0.9
        if saturation is not None and kind != "free_storage":
            strength = 1.0 if saturated else 0.5 if saturation >= 0.75 else 0.1
        else:
            z = abs(f.attrs["z"])
            strength = 1.0 if saturated or f.attrs["pinned"] or z >= 50 else 0.6 if z >= 6 else 0.3
        if kind == "hpa_current" and not saturated:
            return
        if (
            kind == "latency" and not f.attrs["pinned"]
        ):  # slow is a symptom of many things; flat at a limit is a timeout
            return
        resource = f.resource
        if category == "queue_backlog":
            resource = self.consumer_of(f.resource)
        elif resource.startswith("targetgroup/"):  # an ALB target group is named after the service behind it
            group = resource.split("/")[1].lower()  # `catalog-tg`, `prod-catalog-api-tg-2`
            inside = [r for r in self.known if len(r) > 2 and not r.startswith("targetgroup/") and r.lower() in group]
            resource = max(inside, key=len) if inside else resource
        self.add(category, resource, weight * strength, f)

    def consumer_of(self, queue: str) -> str:
        """The service whose logs name the queue: the consumer that must keep up with it."""
        readers: defaultdict[str, int] = defaultdict(int)
        for f in self.findings:
            if f.kind == "log_template" and f.resource != queue:
                text = " ".join([f.attrs["template"], *f.attrs["examples"]])
                if queue in text:
                    consuming = CONSUMER_WORDS.search(text) is not None
                    readers[f.resource] += (f.attrs["during"] + f.attrs["baseline"]) * (3 if consuming else 1)
        if readers:
            return max(readers, key=lambda r: readers[r])
        # No log names it: the one known consumer whose name carries the queue's stem (media.default → media-worker)
        stem = re.split(r"[._:/-]", queue)[0].lower()
        named = [r for r in self.known if r != queue and stem in r.lower() and CONSUMER_NAMES.search(r)]
        if len(stem) > 2 and len(named) == 1:
            return named[0]
        # Celery's default queue is `celery`: the one workload whose lines are a Celery worker's is its consumer
        workers = {f.resource for f in self.findings if f.kind == "log_template" and f.resource != queue
                   and _CELERY_WORKER.search(" ".join([f.attrs["template"], *f.attrs["examples"]]))}  # fmt: skip
        return workers.pop() if len(workers) == 1 else queue

    def kube(self, f: Finding) -> None:
        """A Kubernetes reason, and the cause its message names: a sandbox OOM-kill, an eviction for
        ephemeral storage, a missing service account or ConfigMap, the autoscaler's max node group size."""
        reason = str(f.attrs.get("reason", ""))
        message = str(f.attrs.get("message", ""))
        at = f.attrs.get("at")
        weight_of = 0.1 if isinstance(at, float) and at < self.since else 1.0  # last seen before the window
        given: set[str] = set()

        def add(category: str, weight: float) -> None:
            given.add(category)
            self.add(category, f.resource, weight * weight_of, f)

        if reason in ("FailedScheduling", "Unschedulable", "FailedCreate", "NotTriggerScaleUp"):
            if any(w.lower() in message.lower() for w in CAPACITY_WORDS):
                add("capacity_limit", 5)
            elif reason in ("FailedScheduling", "Unschedulable"):
                add("scheduling_failure", 6)
        else:
            if reason == "Error" and f.attrs.get("exit_code") == 137:  # SIGKILL: an OOM kill the runtime did not
                add("memory_exhaustion", 2.5)  # name, or the kubelet's kill after a probe or an eviction
                reason = ""
            if reason == "BackOff" and "pulling image" in message:
                reason = "ImagePullBackOff"
            if reason in KUBE_REASONS:
                category, weight = KUBE_REASONS[reason]
                if reason == "NodeNotReady" and f.attrs.get("involved_kind") == "Pod":
                    weight = 0.5  # the pod is a victim of its node; the node's own state names the culprit
                if reason == "Unhealthy":
                    weight = self.probe_weight(f, weight)
                add(category, weight)
            elif reason == "Error" and f.attrs.get("restarts", 0) >= 3:
                add("crash_loop", 2)
        for category, weight in _named_causes(message).items():
            if category not in given:
                add(category, weight)

    def probe_weight(self, f: Finding, weight: float) -> float:
        """A failed probe counts by how often it failed; a readiness blip of a pod that is ready now (start-up,
        a rollout) barely counts; and however many pods report it, a workload's probes add up to 3 at most."""
        message = str(f.attrs.get("message", ""))
        weight *= min(1.0, int(f.attrs.get("count") or 1) / 3)
        if message.startswith("Readiness probe failed") and f.attrs.get("pod_ready"):
            weight *= 0.2
        spent = self.probe_spent.get(f.resource, 0.0)
        weight = max(0.0, min(weight, 3.0 - spent))
        self.probe_spent[f.resource] = spent + weight
        return weight

    def probe_kills(self) -> None:
        """Restarts of a workload whose liveness probe fails are the probe's doing: the probe is the cause."""
        for (category, resource), candidate in list(self.candidates.items()):
            if category != "health_check_failure":
                continue
            if any(_LIVENESS.search(f.text) for _w, f in candidate.support):
                crashes = self.candidates.get(("crash_loop", resource))
                if crashes is not None:
                    candidate.add(min(3.0, crashes.score * 0.7), crashes.support[0][1])
                    crashes.score *= 0.3

    def bad_deploy(self, findings: list[Finding], onset: float) -> None:
        """A new ReplicaSet shortly before the onset, and new errors coming from its pods alone."""
        rollout = _details.recent_rollouts(findings, onset)
        for owner, (new_rs, _old_rs) in rollout.items():
            fresh = [
                f
                for f in findings
                if f.kind == "log_template"
                and f.attrs["new"]
                and f.attrs["level"] == "error"
                and owner in f.attrs["resources"]
            ]
            from_new = [f for f in fresh if _details.pods_from(f, str(new_rs.attrs["pod_hash"])) >= 0.8]
            if not from_new:
                continue
            crashing = any(
                c.category in ("crash_loop", "image_pull_failure") and c.resource == owner
                for c in self.candidates.values()
            )
            weight = 7.0 * (0.4 if crashing else 1.0)
            self.add("bad_deploy", owner, weight, new_rs)
            for f in from_new[:3]:
                self.add("bad_deploy", owner, 0.5, f)

    def victims(self) -> None:
        """Callers' errors corroborate a failing peer; a peer nobody else explains is a failed dependency."""
        explained = {c.resource for c in self.candidates.values() if c.score >= 3}
        # Workloads whose pods sit on a node that failed: their callers' errors are the node's doing.
        nodes = [c for c in self.candidates.values() if c.category == "node_failure" and c.score >= 3]
        on_failed_nodes = {
            c.resource for c in self.candidates.values()
            if c.category == "node_failure" and any(f.attrs.get("involved_kind") == "Pod" for _w, f in c.support)
        } if nodes else set()  # fmt: skip
        for peer in on_failed_nodes & set(self.callers):
            self.callers[max(nodes, key=lambda c: c.score).resource] += self.callers.pop(peer)
        for category, caller, weight, line, peer in self.symptoms:  # waiting on a peer that has failed
            if peer in on_failed_nodes:
                peer = max(nodes, key=lambda c: c.score).resource
            if peer in explained and (blamed := self.candidates.get((category, caller))) is not None:
                blamed.score -= weight * 0.75
                self.callers[peer].append(line)
        for peer in [p for p in self.callers if p not in explained and self.relays.get(p) in explained]:
            self.callers[self.relays[peer]] += self.callers.pop(peer)  # a caller's callers: the server's victims too
        for peer, lines in self.callers.items():
            if peer in explained:
                best = max((c for c in self.candidates.values() if c.resource == peer), key=lambda c: c.score)
                best.add(1.0, lines[0])
            elif peer not in self.known or not any(c.resource == peer for c in self.candidates.values()):
                for n, f in enumerate(lines[:3]):
                    self.add("dependency_failure", peer, 2.0 * 0.5**n, f)

    def prior(self, named: set[str]) -> None:
        """What the alert or the person named gets a nudge, never enough to outweigh real evidence."""
        for c in self.candidates.values():
            if c.resource in named and c.score >= 1.0:  # a nudge between real candidates, never a verdict
                c.score += 0.5

    def details(self, category: str, resource: str, digest: Digest, evidence: Evidence) -> dict[str, Any]:
        """What a fix needs for a verdict reached elsewhere (a model's choice), from the same findings."""
        candidate = self.candidates.get((category, resource))
        support = candidate.support if candidate else []
        return _details.extract(category, resource, support, digest.findings, evidence)

    def verdict(self, digest: Digest, evidence: Evidence, engine: str) -> Diagnosis:
        ranked = sorted(self.candidates.values(), key=lambda c: (-c.score, c.category, c.resource))
        ranked = [c for c in ranked if c.score >= 0.3]
        if not ranked or ranked[0].score < 1.0:
            return _inconclusive(digest, evidence, engine)
        total = sum(c.score for c in ranked[:6]) + 2.0
        top = ranked[0]
        details: dict[str, Any] = _details.extract(top.category, top.resource, top.support, digest.findings, evidence)
        what, todo = ADVICE[top.category]
        lines = _evidence(top)
        summary = f"{top.resource} {what}: {lines[0].text[:220].rstrip('. ')}. Next step: {todo}."
        if digest.missing_sources:
            summary += f" Missing sources: {'; '.join(digest.missing_sources)}."
        return Diagnosis(
            category=top.category,
            resource=top.resource,
            summary=summary,
            confidence=min(0.99, top.score / total),
            engine=engine,
            evidence=lines,
            hypotheses=[Hypothesis(c.category, c.resource, c.score / total) for c in ranked[1:6]],
            details=details,
        )


def _evidence(candidate: Candidate) -> list[EvidenceLine]:
    seen, out = set(), []
    for _weight, f in sorted(candidate.support, key=lambda s: -s[0]):
        examples = f.attrs.get("examples") or []
        text = examples[-1] if examples else f.text
        if text in seen:
            continue
        seen.add(text)
        ref = f.ref if f.kind != "log_template" else f"{f.ref} ({f.resource})"
        out.append(EvidenceLine(f.source, ref, text[:400]))
        if len(out) == 5:
            break
    return out


NOT_HOSTS = {
    "returned",
    "error",
    "errors",
    "connect",
    "request",
    "requests",
    "call",
    "service",
    "server",
    "unavailable",
    "the",
    "a",
    "an",
    "upstream",
    "downstream",
    "backend",
    "disconnect",
    "reset",
}


def _host(text: str) -> str | None:
    for match in HOST.finditer(text):
        host = match.group(1).lower()
        if host not in NOT_HOSTS:
            return host
    return None


def _inconclusive(digest: Digest, evidence: Evidence, engine: str) -> Diagnosis:
    top = digest.findings[0] if digest.findings else None
    resource = evidence.scope.service or (top.resource if top else "unknown")
    summary = "No known failure signature matched the evidence. " + (
        f"Strongest finding: {top.text[:200]}." if top else "No findings at all: check that the sources have data."
    )
    if digest.missing_sources:
        summary += f" Missing sources: {'; '.join(digest.missing_sources)}."
    return Diagnosis("unknown", resource, summary, 0.0, engine, [], [])
