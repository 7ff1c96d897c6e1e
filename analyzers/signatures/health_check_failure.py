"""health_check_failure: a serving resource marked unhealthy by its load balancer or probes."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_HEALTH_REQ = re.compile(r"\"(?:GET|HEAD) (/\S*) HTTP/[\d.]+\" (\d{3})")


def facts(case: Case) -> dict[str, Any]:
    """The path the health checker gets errors on, and a health path that answers 200."""
    bad: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for f in case.findings:
        if f.kind != "log_template" or case.resource not in f.attrs["resources"]:
            continue
        for example in f.attrs["examples"]:
            m = _HEALTH_REQ.search(example)
            if not m:
                continue
            path, code = m.group(1), m.group(2)
            if "HealthChecker" in example and code[0] in "45":
                bad[path] += f.attrs["during"]
            elif code == "200" and re.search(r"health|ready|live|status|ping", path):
                good[path] += f.attrs["during"]
    bad_path = bad.most_common(1)[0][0] if bad else None
    good.pop(bad_path or "", None)
    return {"bad_path": bad_path, "good_path": good.most_common(1)[0][0] if good else None}


SIGNATURE = Signature(
    category="health_check_failure",
    logs=(
        log(
            r"\" [45]\d\d .*ELB-HealthChecker|ELB-HealthChecker.*\" [45]\d\d |Health checks failed|"
            r"Target\.ResponseCodeMismatch|Readiness probe failed|Liveness probe failed",
            4,
        ),
    ),
    kube_reasons={"Unhealthy": 2},
    metric_kinds={"unhealthy_hosts": 3},
    advice=("is marked unhealthy by its health check while it serves traffic", "correct the health check"),
    facts=facts,
    example="catalog-healthcheck",
)
