"""How the whole diagnosis scales with log lines, against a plain JSON load and drain3 alone, in one run.

Usage: python bench/bench_scale.py [--lines 100000,1000000,3000000]
For each size it writes the checkout-oom incident buried in that many lines (bench/make_large_bundle.py) and
runs, each in a fresh process: `cloud-doctor diagnose --format json` (ours, end to end), a process that only
loads the bundle's Loki files with json (the floor any reader of this format pays) and one that loads them and
feeds every line to drain3 (the miner others use). It prints wall seconds, lines/s, peak RSS and our ratio to
each. The README's table quotes the latest run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_large_bundle import make  # noqa: E402

# Each child prints its own peak RSS (ru_maxrss of itself, KiB on Linux) on its last stderr line.
RSS = """import atexit, resource, sys
atexit.register(lambda: print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))
"""
OURS = (
    RSS
    + """import runpy
sys.argv = ["cloud-doctor", "diagnose", sys.argv[1], "--format", "json"]
runpy.run_module("bot.cli", run_name="__main__")
"""
)
LOAD = (
    RSS
    + """import json, sys, pathlib
n = 0
for f in sorted(pathlib.Path(sys.argv[1], 'loki').glob('*.json')):
    for s in json.loads(f.read_text())['response']['data']['result']:
        n += len(s['values'])
print(n)
"""
)
DRAIN = (
    RSS
    + """import json, sys, pathlib
sys.path.insert(0, 'bench')
from _drain3 import miner
m = miner()
for f in sorted(pathlib.Path(sys.argv[1], 'loki').glob('*.json')):
    for s in json.loads(f.read_text())['response']['data']['result']:
        for _ts, line in s['values']:
            m.add_log_message(line)
print(len(m.drain.clusters))
"""
)


def run(code: str, bundle: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of `code` in a fresh interpreter."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(bundle)], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"failed: {proc.stderr[-2000:]}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", default="100000,1000000,3000000")
    args = parser.parse_args()
    print(f"{'lines':>10} {'ours s':>8} {'lines/s':>9} {'RSS MiB':>8} {'json s':>7} {'x json':>7} {'RSS MiB':>8} "
          f"{'drain3 s':>9} {'x drain3':>9} {'RSS MiB':>8}  diagnosis")  # fmt: skip
    for size in (int(n) for n in args.lines.split(",")):
        bundle = make(ROOT / "bench" / "out" / "scale-bundle", size)
        ours, ours_rss, out = run(OURS, bundle)
        load, load_rss, counted = run(LOAD, bundle)
        drain, drain_rss, _ = run(DRAIN, bundle)
        lines = int(counted)  # the bulk and the incident's own lines
        d = json.loads(out)["diagnosis"]
        print(f"{lines:>10,} {ours:>8.2f} {lines / ours:>9,.0f} {ours_rss:>8.0f} {load:>7.2f} {ours / load:>7.1f} "
              f"{load_rss:>8.0f} {drain:>9.2f} {ours / drain:>9.2f} {drain_rss:>8.0f}  {d['category']} {d['resource']}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
