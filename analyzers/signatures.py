"""The rules engine's catalogue: failure signatures per category, and what a person should do about each."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogSignature:
    category: str
    pattern: re.Pattern[str]
    weight: float
    subject: str = "emitter"  # emitter: the resource that logs it; named: a known resource the line names


def _sig(category: str, pattern: str, weight: float, subject: str = "emitter") -> LogSignature:
    return LogSignature(category, re.compile(pattern, re.IGNORECASE), weight, subject)


LOG_SIGNATURES: tuple[LogSignature, ...] = (
    _sig(
        "memory_exhaustion",
        r"OutOfMemoryError|out of memory|heap out of memory|\bMemoryError\b|"
        r"Container killed due to memory usage|OOMKill|Runtime exited .*signal: killed|memory limit exceeded",
        4,
    ),
    _sig("cpu_saturation", r"cpu throttl|cpu (is )?saturated|event loop (lag|blocked)", 1.5),
    _sig(
        "capacity_limit",
        r"unable to place a task|Insufficient (cpu|memory)|exceeded quota|"
        r"at (its )?max(imum)? (capacity|replicas)|reached (the )?max(imum)? (capacity|replicas)",
        4,
    ),
    _sig(
        "db_connection_exhaustion",
        r"too many connections|too many clients|remaining connection slots|"
        r"Connection is not available, request timed out|QueuePool limit|connection pool (is )?exhausted|"
        r"timeout (waiting for|acquiring) (a )?connection",
        4,
        "named",
    ),
    _sig(
        "disk_full",
        r"No space left on device|\bENOSPC\b|disk (is )?full|could not extend file|storage full",
        4,
        "named",
    ),
    _sig(
        "timeout",
        r"Task timed out after|timed out after \d|exceeded (the )?(configured )?timeout|"
        r"context deadline exceeded|statement timeout",
        3,
    ),
    _sig(
        "permission_denied",
        r"AccessDenied|not authorized to perform|is forbidden|forbidden: User|"
        r"PERMISSION_DENIED|403 Forbidden",
        4,
    ),
    _sig(
        "rate_limited",
        r"ThrottlingException|Rate exceeded|ProvisionedThroughputExceeded|TooManyRequests|"
        r"429 Too Many Requests|request was throttled|SlowDown",
        4,
        "named",
    ),
    _sig(
        "crash_loop",
        r"missing required (environment variable|env var|setting|config)|"
        r"environment variable \S+ (is )?(not set|required|missing)|KeyError: '[A-Z_]+'|"
        r"failed to load config|invalid configuration|required (setting|configuration) \S+ (is )?(missing|not set)",
        4,
    ),
    _sig(
        "certificate_expired",
        r"certificate has expired|certificate (is )?expired|CERT_HAS_EXPIRED|"
        r"certificate is not yet valid",
        5,
        "named",
    ),
    _sig(
        "health_check_failure",
        r"\" [45]\d\d .*ELB-HealthChecker|ELB-HealthChecker.*\" [45]\d\d |Health checks failed|"
        r"Target\.ResponseCodeMismatch|Readiness probe failed|Liveness probe failed",
        4,
    ),
    _sig("queue_backlog", r"consumer lag|backlog (is )?growing|messages waiting", 1.5),
    _sig(
        "image_pull_failure",
        r"CannotPullContainerError|ErrImagePull|ImagePullBackOff|manifest unknown|"
        r"pull access denied|failed to pull (and unpack )?image",
        5,
    ),
    _sig(
        "scheduling_failure",
        r"didn't match Pod's node affinity|untolerated taint|"
        r"unbound immediate PersistentVolumeClaims|volume node affinity conflict",
        3,
    ),
    _sig("node_failure", r"NodeNotReady|Kubelet stopped posting|PLEG is not healthy", 3),
    _sig(
        "network_blocked",
        r"connect(ion)? (timed out|timeout)|\bETIMEDOUT\b|dial tcp \S+: i/o timeout|"
        r"No route to host",
        2.5,
    ),
)

# Lines a caller writes when something it depends on fails: symptoms, pointing at the peer they name.
VICTIM = re.compile(
    r"upstream (connect error|unavailable|error)|connection refused|ECONNREFUSED|503 Service Unavailable|"
    r"502 Bad Gateway|no healthy upstream|circuit (breaker )?(is )?open|returned (502|503|504)|"
    r"status(=| )5\d\d|service unavailable",
    re.IGNORECASE,
)
HOST = re.compile(
    r"(?:\b(?:to|from|upstream|host|calling|call to)[= ]\"?(?:https?://)?|https?://)"
    r"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)",
    re.IGNORECASE,
)
FLOW_REJECT = re.compile(r"^\d+ \d{12} eni-\S+ (\S+) (\S+) (\d+) (\d+) (\d+) \d+ \d+ \d+ \d+ REJECT")

# category -> (what happened, what to do), for the summary a person reads.
ADVICE: dict[str, tuple[str, str]] = {
    "memory_exhaustion": ("ran out of memory and was killed", "raise its memory limit (and look for a leak)"),
    "cpu_saturation": ("is saturated on CPU at its limit", "raise its CPU allocation or scale out"),
    "capacity_limit": ("hit a capacity ceiling (autoscaler maximum or quota)", "raise the maximum or the quota"),
    "db_connection_exhaustion": ("ran out of database connections", "raise max_connections or add a pooler"),
    "disk_full": ("ran out of storage", "grow the volume or enable storage autoscaling"),
    "timeout": ("is hitting its configured timeout", "raise the timeout, then find the slow call"),
    "permission_denied": ("is denied a permission it needs", "grant exactly the missing permission"),
    "rate_limited": ("is being throttled at its rate limit", "raise the limit or the provisioned capacity"),
    "crash_loop": ("crashes at start-up from bad or missing configuration", "supply the missing setting"),
    "bad_deploy": ("started failing right after a new version rolled out", "roll back to the last good version"),
    "network_blocked": ("cannot reach a peer: the network path is dropped", "open exactly that path"),
    "dependency_failure": (
        "is down or erroring, and its callers fail with it",
        "no change in our Terraform helps: contact the owner of that dependency",
    ),
    "certificate_expired": ("presents an expired TLS certificate", "renew or rotate the certificate"),
    "health_check_failure": (
        "is marked unhealthy by its health check while it serves traffic",
        "correct the health check",
    ),
    "queue_backlog": ("cannot keep up with its queue: the backlog grows", "scale the consumers out"),
    "image_pull_failure": ("cannot pull its container image", "point at an image that exists"),
    "scheduling_failure": ("has pods that cannot be scheduled", "correct or relax the placement rule"),
    "routing_misconfig": ("receives no traffic: its Service matches no ready pod", "correct the Service"),
    "node_failure": (
        "lost nodes: they are NotReady and their pods are evicted",
        "cordon and drain the node, then replace it from its node group",
    ),
}
