"""crash_loop: a container that crashes at start-up on bad or missing configuration."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_SETTING = re.compile(
    r"(?:environment variable|env var|setting|config key|KeyError:)\s*['\"]?([A-Z][A-Z0-9_]{2,})", re.IGNORECASE
)


def facts(case: Case) -> dict[str, Any]:
    """The setting the container is missing."""
    return {"setting": next((m.group(1) for t in case.texts if (m := _SETTING.search(t))), None)}


SIGNATURE = Signature(
    category="crash_loop",
    logs=(
        log(
            r"missing required (environment variable|env var|setting|config)|"
            r"environment variable \S+ (is )?(not set|required|missing)|KeyError: '[A-Z_]+'|"
            r"failed to load config|invalid configuration|required (setting|configuration) \S+ (is )?(missing|not set)|"
            # what Kubernetes says when the pod cannot start: a service account, ConfigMap or Secret it names
            # is missing (FailedCreate, FailedMount), the entrypoint cannot be run (runc), a Job gave up
            r"error looking up service account|(configmap|secret) \"[^\"]+\" not found|"
            r"executable file not found in \$PATH|exec format error|"
            r"reached the specified backoff limit|BackoffLimitExceeded",
            4,
        ),
        log(r"StackOverflowError|plugin/loop: Loop \(", 4),
    ),
    kube_reasons={
        "CrashLoopBackOff": 3,
        "CreateContainerConfigError": 5,
        "CreateContainerError": 4,
        "RunContainerError": 4,
        "StartError": 4,
        "ContainerCannotRun": 4,
        "BackoffLimitExceeded": 4,
    },  # fmt: skip
    advice=("crashes at start-up from bad or missing configuration", "supply the missing setting"),
    facts=facts,
    example="notifier-crashloop",
)
