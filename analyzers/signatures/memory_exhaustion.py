"""memory_exhaustion: out-of-memory errors and kills, memory pinned at its limit."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="memory_exhaustion",
    logs=(
        log(
            # not the JVM flag -XX:+HeapDumpOnOutOfMemoryError that Elasticsearch and others log at start
            r"(?<![+:\w])OutOfMemoryError|out of memory|heap out of memory|\bMemoryError\b|"
            r"Container killed due to memory usage|OOM-?kill|Runtime exited .*signal: killed|memory limit exceeded|"
            # kubelet's eviction message; Cloud Run's instance limit
            r"low on resource: memory|Memory limit of \S+ \S+ exceeded|"
            # Lambda: the runtime's error type, and a REPORT line whose max memory used is its memory size
            r"Runtime\.OutOfMemory|Memory Size: (\d+) MB\s+Max Memory Used: \1 MB",
            4,
        ),
        # Redis refusing writes at maxmemory, as its clients log its reply: Redis is charged, not the client
        log(r"OOM command not allowed", 4, server=("redis", "valkey", "keydb")),
    ),
    kube_reasons={"OOMKilled": 6, "OOMKilling": 6},
    metric_kinds={"memory_ratio": 3, "memory_bytes": 3, "memory_percent": 3},
    advice=("ran out of memory", "raise its memory limit (and look for a leak)"),
    example="checkout-oom",
)
