"""Digest throughput against plain drain3, end-to-end diagnose time and peak memory on a large bundle.

Usage: python bench/bench_digest.py [--lines 240000]
Prints one figure per line; the README quotes the latest run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_large_bundle import make  # noqa: E402

from analyzers.digest import build_digest  # noqa: E402
from analyzers.log_stream import incident_onset, mine  # noqa: E402
from bench._drain3 import drain3_only  # noqa: E402
from collectors import BundleCollector  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=240_000)
    args = parser.parse_args()
    bundle = make(ROOT / "bench" / "out" / "large-bundle", args.lines)

    t = time.perf_counter()
    evidence = BundleCollector(bundle).collect()
    load = time.perf_counter() - t
    lines = len(evidence.logs)
    messages = [r.message for r in evidence.logs]

    onset = incident_onset(evidence)
    t = time.perf_counter()
    templates = mine(evidence.logs, onset)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    clusters = drain3_only(messages)
    drain = time.perf_counter() - t
    t = time.perf_counter()
    digest, _ = build_digest(evidence)
    whole = time.perf_counter() - t

    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "diagnose", str(bundle), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    e2e = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(proc.stdout)
    culprit_in_digest = "OutOfMemoryError" in digest.text

    print(f"log lines:                      {lines}")
    print(f"bundle load:                    {load:.2f} s ({lines / load:,.0f} lines/s)")
    print(f"template mining (ours):         {ours:.2f} s ({lines / ours:,.0f} lines/s, {len(templates)} templates)")
    print(f"template mining (drain3 alone): {drain:.2f} s ({lines / drain:,.0f} lines/s, {clusters} clusters)")
    print(f"whole digest:                   {whole:.2f} s ({lines / whole:,.0f} lines/s)")
    print(
        f"digest tokens:                  {digest.tokens} (budget {digest.token_budget}); "
        f"culprit lines present: {culprit_in_digest}"
    )
    print(f"diagnose end to end:            {e2e:.2f} s wall, peak RSS {peak_mb:.0f} MB")
    print(
        f"diagnosis:                      {report['diagnosis']['category']} {report['diagnosis']['resource']}, "
        f"fix: {'yes' if report['fix'] else 'no'}"
    )


if __name__ == "__main__":
    main()
