"""rate_limited: requests throttled at a service's rate limit or provisioned throughput."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="rate_limited",
    logs=(
        log(
            r"ThrottlingException|Rate exceeded|ProvisionedThroughputExceeded|TooManyRequests|"
            r"429 Too Many Requests|request was throttled|SlowDown|"
            # Lambda at its reserved or account concurrency
            r"ConcurrentInvocationLimitExceeded|ReservedFunctionConcurrentInvocationLimitExceeded",
            4,
            "named",
            # Elasticsearch answers 429 TOO_MANY_REQUESTS when its disk passed the flood stage: that is a full disk
            unless=r"cluster_block_exception|flood[- ]stage|disk usage exceeded",
        ),
    ),
    metric_kinds={"throttles": 4},
    advice=("is being throttled at its rate limit", "raise the limit or the provisioned capacity"),
    example="payments-throttle",
)
