"""An alert storm against the running bot: how fast every webhook is answered, and how many jobs it makes.

Usage: python bench/bench_webhooks.py [--alerts 500] [--services 5] [--clients 16] [--store sqlite|URL]
Starts `cloud-doctor serve` against the Slack stand-in and posts the storm (one alert per request,
Alertmanager v4 and Grafana payloads in turn, distinct alert names and pods) from N concurrent
clients; prints requests, errors, p50/p95/p99/max answer time, the jobs created, and the summary
messages Slack received once the storm was quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402

from bench._load import Request, cpu_seconds, load, server, slack_standin  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.bot.conftest import SECRET, TOKEN  # noqa: E402
from tests.bot.webhook_payloads import alert, alertmanager, grafana  # noqa: E402
from tests.postgres import free_port  # noqa: E402

WEBHOOK_TOKEN = "bench-webhook-token"
SERVICES = ["checkout", "inventory", "payments", "search", "ledger", "orders", "shipping", "catalog"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--services", type=int, default=5, choices=range(1, len(SERVICES) + 1))
    parser.add_argument("--clients", type=int, default=20, help="must divide --alerts")
    parser.add_argument("--store", default="sqlite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    store = f"sqlite:///{work / 'bench.db'}" if args.store == "sqlite" else args.store
    services = SERVICES[: args.services]
    config = work / "cloud-doctor.yaml"
    examples = ROOT / "examples" / "incidents"
    bundles = sorted(p.parent for p in examples.glob("*/incident.json"))
    config.write_text(yaml.safe_dump({
        "slack": {"default_channel": "C0ALERTS"},
        "incidents": {s: str(bundles[i % len(bundles)]) for i, s in enumerate(services)},
        "webhooks": {"storm_settle": "2s"},
    }))  # fmt: skip
    headers = {"Authorization": f"Bearer {WEBHOOK_TOKEN}", "Content-Type": "application/json"}
    # Built before the clock starts: the bench measures the server, not the building of JSON.
    bodies = []
    for i in range(args.alerts):
        one = alert(f"Storm{i % 100}", {"service": services[i % len(services)], "pod": f"pod-{i}"})
        kind, doc = ("grafana", grafana(one)) if i % 2 else ("alertmanager", alertmanager(one))
        bodies.append((f"/webhooks/{kind}", json.dumps(doc).encode()))
    if args.alerts % args.clients:
        parser.error(f"--clients {args.clients} does not divide --alerts {args.alerts}")
    per_client = args.alerts // args.clients

    def request(i: int, k: int) -> Request:
        path, payload = bodies[i * per_client + k]
        return path, headers, payload

    port = free_port()
    with slack_standin(TOKEN) as slack_url:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack_url}/api/",
            "CLOUD_DOCTOR_STORE": store,
            "CLOUD_DOCTOR_CONFIG": str(config),
            "CLOUD_DOCTOR_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
        }
        with server(port, env) as proc:
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).is_success:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            cpu = cpu_seconds(proc.pid)
            latencies, errors, wall = asyncio.run(load(port, args.clients, request, per_client))
            cpu = cpu_seconds(proc.pid) - cpu
            jobs = Store(store)
            created = jobs.recent(10_000)
            deadline = time.time() + 60
            while time.time() < deadline and not any(m["state"] == "sent" for m in jobs.messages()):
                time.sleep(0.2)
            summaries = [m for m in jobs.messages() if m["kind"] == "storm"]
    q = statistics.quantiles(latencies, n=100)
    print(f"store:            {store.split(':')[0]}")
    print(
        f"requests:         {len(latencies)} alerts for {len(services)} services from {args.clients} "
        f"concurrent clients in {wall:.2f} s, {errors} errors"
    )
    print(
        f"answer time:      p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    print(f"jobs created:     {len(created)} ({', '.join(sorted(j.service for j in created))})")
    print(f"summaries:        {len(summaries)} ({', '.join(m['state'] for m in summaries)})")
    print(f"server CPU:       {cpu / len(latencies) * 1000:.2f} ms per webhook (web process, all threads)")


if __name__ == "__main__":
    main()
