"""Acknowledgement latency under load, and cold start to the first acknowledgement.

Usage: python bench/bench_slack.py [--clients 50] [--requests 40] [--store sqlite|URL]
Starts `cloud-doctor serve` (uvicorn) against the Slack stand-in, sends signed /analyze-logs commands
from N concurrent clients (every one a new job, so the workers run diagnoses meanwhile) and prints
p50/p95/p99 acknowledgement latency, errors and the cold start.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench._load import Request, bot_server, cpu_seconds, latency_line, load  # noqa: E402
from bot.jobs.store import Store  # noqa: E402
from tests.bot.conftest import sign  # noqa: E402


def body(user: str, trigger: str, text: str = "checkout") -> bytes:
    from urllib.parse import urlencode

    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C0BENCH",
            "user_id": user,
            "command": "/analyze-logs",
            "text": text,
            "trigger_id": trigger,
            "response_url": "http://127.0.0.1:9/x",
            "api_app_id": "A1",
        }
    ).encode()


def command(i: int, k: int) -> Request:
    """Client i's k-th command: every one a new job."""
    payload = body(f"U{i:04d}", f"t{i}-{k}", text=f"checkout since={k + 1}m")
    return "/slack/events", sign(payload), payload


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--store", default="sqlite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    store = f"sqlite:///{work / 'bench.db'}" if args.store == "sqlite" else args.store
    config = work / "bench.yaml"  # every command a new job: no per-person cap on open jobs here
    config.write_text("jobs:\n  max_open_per_user: 1000000\n")
    with bot_server(store, env={"CLOUD_DOCTOR_CONFIG": str(config)}) as served:
        cold = None
        while cold is None and time.perf_counter() - served.started < 30:
            try:
                payload = body("U0COLD", "cold")
                response = httpx.post(f"{served.url}/slack/events", content=payload, headers=sign(payload), timeout=2)
                if response.is_success:
                    cold = time.perf_counter() - served.started
            except httpx.HTTPError:
                time.sleep(0.01)
        # Measure the steady state: the worker processes are up once the cold command's job is done.
        jobs = Store(store)
        while time.perf_counter() - served.started < 60 and any(j.state != "done" for j in jobs.recent(1)):
            time.sleep(0.1)
        jobs.engine.dispose()
        cpu = cpu_seconds(served.process.pid)
        latencies, errors, wall = asyncio.run(load(served.port, args.clients, command, args.requests))
        cpu = cpu_seconds(served.process.pid) - cpu
    print(f"store:            {store.split(':')[0]}")
    print(
        f"cold start:       {cold:.2f} s from process start to the first acknowledgement"
        if cold
        else "cold start:       no acknowledgement within 30 s"
    )
    print(f"requests:         {len(latencies)} from {args.clients} concurrent clients in {wall:.1f} s, {errors} errors")
    print(f"ack latency:      {latency_line(latencies)}")
    print(f"server CPU:       {cpu / len(latencies) * 1000:.2f} ms per acknowledgement (web process, all threads)")


if __name__ == "__main__":
    main()
