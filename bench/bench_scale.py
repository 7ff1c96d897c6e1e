"""How the whole diagnosis scales with log lines, against a plain JSON load and drain3 alone, in one run.

Usage: python bench/bench_scale.py [--lines 100000,1000000,3000000] [--before CHECKOUT]
For each size it writes the checkout-oom incident buried in that many lines (bench/make_large_bundle.py) and
runs, each in a fresh process: `cloud-doctor diagnose --format json` (ours, end to end), a process that only
loads the bundle's Loki files with json (the floor any reader of this format pays) and one that loads them and
feeds every line to drain3 (the miner others use). It prints wall seconds, lines/s, CPU seconds (the process
and its workers), peak RSS of the process and of its largest worker, and our ratio to each. `--before` runs the
same diagnosis from another checkout (`git worktree add /tmp/before <rev>`) on the same bundle in the same run.
The README's table quotes the latest run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each child prints, on its last stderr line, its peak RSS (VmHWM: of its own memory since it started; ru_maxrss
# would carry the RSS of the process that forked it), its largest worker's (ru_maxrss of its children: a worker
# forked from it counts the pages it shares with it), in KiB, and the CPU seconds of both.
RSS = """import atexit, resource, sys
def _usage():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(hwm, kids.ru_maxrss, cpu, file=sys.stderr)
atexit.register(_usage)
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


def run(code: str, bundle: Path, cwd: Path = ROOT) -> tuple[float, float, float, float, str]:
    """(wall seconds, peak RSS MiB, largest worker's peak RSS MiB, CPU seconds, stdout) of `code` in a fresh
    interpreter started in `cwd` (whose code it runs)."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(bundle)], capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"failed: {proc.stderr[-2000:]}")
    rss, workers, cpu = proc.stderr.strip().splitlines()[-1].split()
    return wall, int(rss) / 1024, int(workers) / 1024, float(cpu), proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", default="100000,1000000,3000000")
    parser.add_argument("--before", type=Path, help="another checkout to run the same diagnosis from")
    args = parser.parse_args()
    print(f"{'lines':>10} {'':>6} {'ours s':>7} {'lines/s':>9} {'CPU s':>6} {'RSS MiB':>8} {'worker':>7} "
          f"{'json s':>7} {'x json':>7} {'RSS MiB':>8} {'drain3 s':>9} {'x drain3':>9} {'RSS MiB':>8}  "
          "diagnosis")  # fmt: skip
    for size in (int(n) for n in args.lines.split(",")):
        bundle = ROOT / "bench" / "out" / "scale-bundle"  # written by a process of its own, as large as the lines
        subprocess.run([sys.executable, "bench/make_large_bundle.py", str(bundle), "--lines", str(size)], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
        load, load_rss, _, _, counted = run(LOAD, bundle)
        drain, drain_rss, _, _, _ = run(DRAIN, bundle)
        lines = int(counted)  # the bulk and the incident's own lines
        runs = [("before", args.before)] if args.before else []
        for name, cwd in [*runs, ("now", ROOT)]:
            ours, ours_rss, worker_rss, cpu, out = run(OURS, bundle, cwd)
            d = json.loads(out)["diagnosis"]
            print(f"{lines:>10,} {name:>6} {ours:>7.2f} {lines / ours:>9,.0f} {cpu:>6.1f} {ours_rss:>8.0f} "
                  f"{worker_rss:>7.0f} {load:>7.2f} {ours / load:>7.1f} {load_rss:>8.0f} {drain:>9.2f} "
                  f"{ours / drain:>9.2f} {drain_rss:>8.0f}  {d['category']} {d['resource']}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
