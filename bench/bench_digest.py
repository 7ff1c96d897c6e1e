"""Digest throughput against plain drain3, end-to-end diagnose time and peak memory on a large bundle.

Usage: python bench/bench_digest.py [--lines 240000]
Prints one figure per line; the README quotes the latest run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import OURS, run  # noqa: E402
from make_large_bundle import make  # noqa: E402

from analyzers.digest import build_digest  # noqa: E402
from analyzers.log_stream import LogReduction  # noqa: E402
from bench._drain3 import drain3_only  # noqa: E402
from collectors import BundleCollector, LogLine  # noqa: E402


class Batches:
    """A LogSink that keeps the batches the readers hand in, to mine them again with nothing else timed."""

    def __init__(self, _scope: object = None, _alert: object = None) -> None:
        self.batches: list[tuple[str, str, dict[str, str], list[LogLine]]] = []

    def add(self, source: str, ref: str, labels: dict[str, str], lines: list[LogLine]) -> None:
        self.batches.append((source, ref, labels, list(lines)))

    def extend(self, later: Batches) -> None:
        self.batches += later.batches

    def done(self) -> None:
        return None

    def __len__(self) -> int:
        return sum(len(b[3]) for b in self.batches)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=240_000)
    args = parser.parse_args()
    bundle = make(ROOT / "bench" / "out" / "large-bundle", args.lines)

    t = time.perf_counter()
    evidence = BundleCollector(bundle, logs=Batches).collect()
    load = time.perf_counter() - t
    sink: Batches = evidence.logs  # type: ignore[assignment]
    lines = len(sink)
    messages = [message for *_, batch in sink.batches for _, _, message, _ in batch]

    t = time.perf_counter()  # mining as the pipeline does it: each batch reduced as read, then the templates
    reduction = LogReduction(evidence.scope, evidence.alert)
    for batch in sink.batches:
        reduction.add(*batch)
    templates = reduction.templates(reduction.onset(evidence.alert))
    ours = time.perf_counter() - t
    t = time.perf_counter()
    clusters = drain3_only(messages)
    drain = time.perf_counter() - t
    evidence.logs = reduction
    t = time.perf_counter()
    digest, _ = build_digest(evidence)
    whole = time.perf_counter() - t

    e2e, peak_mb, worker_mb, _cpu, out = run(OURS, bundle)
    report = json.loads(out)
    culprit_in_digest = "OutOfMemoryError" in digest.text

    print(f"log lines:                      {lines}")
    print(f"bundle read and parsed:         {load:.2f} s ({lines / load:,.0f} lines/s)")
    print(f"template mining (ours):         {ours:.2f} s ({lines / ours:,.0f} lines/s, {len(templates)} templates)")
    print(f"template mining (drain3 alone): {drain:.2f} s ({lines / drain:,.0f} lines/s, {clusters} clusters)")
    print(f"whole digest (lines reduced):   {whole:.2f} s")
    print(
        f"digest tokens:                  {digest.tokens} (budget {digest.token_budget}); "
        f"culprit lines present: {culprit_in_digest}"
    )
    print(f"diagnose end to end:            {e2e:.2f} s wall, peak RSS {peak_mb:.0f} MiB (workers {worker_mb:.0f} MiB)")
    print(
        f"diagnosis:                      {report['diagnosis']['category']} {report['diagnosis']['resource']}, "
        f"fix: {'yes' if report['fix'] else 'no'}"
    )


if __name__ == "__main__":
    main()
