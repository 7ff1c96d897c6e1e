"""An alert storm against the running bot: how fast every webhook is answered, and how many jobs it makes.

Usage: python bench/bench_webhooks.py [--alerts 500] [--services 5] [--clients 16] [--store sqlite|URL]
       python bench/bench_webhooks.py --one-body 10000 [--store sqlite|URL]
Starts `cloud-doctor serve` against the Slack stand-in and posts the storm (one alert per request,
Alertmanager v4 and Grafana payloads in turn, distinct alert names and pods) from N concurrent
clients; prints requests, errors, p50/p95/p99/max answer time, the jobs created, and the summary
messages Slack received once the storm was quiet. With --one-body, the N alerts come in one request
instead, while /healthz is asked every 20 ms: its answer times while that body is taken, against idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402

from bench._load import Request, Served, bot_server, cpu_seconds, latency_line, load  # noqa: E402
from bot.jobs.store import Store  # noqa: E402
from tests.bot.alerts.webhook_payloads import alert, alertmanager, grafana  # noqa: E402

WEBHOOK_TOKEN = "bench-webhook-token"
SERVICES = ["checkout", "inventory", "payments", "search", "ledger", "orders", "shipping", "catalog"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--services", type=int, default=5, choices=range(1, len(SERVICES) + 1))
    parser.add_argument("--clients", type=int, default=20, help="must divide --alerts")
    parser.add_argument("--store", default="sqlite")
    parser.add_argument("--one-body", type=int, default=0, metavar="N", help="N alerts in one request")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    store = f"sqlite:///{work / 'bench.db'}" if args.store == "sqlite" else args.store
    services = SERVICES[: args.services]
    config = work / "cloud-doctor.yaml"
    examples = ROOT / "examples" / "incidents"
    bundles = sorted(p.parent for p in examples.glob("*/incident.json"))
    incidents = {s: str(bundles[i % len(bundles)]) for i, s in enumerate([*services, "warmup"])}
    config.write_text(yaml.safe_dump({
        "slack": {"default_channel": "C0ALERTS"},
        "routes": [{"match": {"service": "warmup"}, "channel": "C0WARMUP"}],  # not part of the storm's summary
        "incidents": incidents,
        "webhooks": {"storm_settle": "2s", "max_body_bytes": 64_000_000},
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

    env = {"CLOUD_DOCTOR_CONFIG": str(config), "CLOUD_DOCTOR_WEBHOOK_TOKEN": WEBHOOK_TOKEN}
    if args.one_body:
        one_body(store, env, headers, services, args.one_body)
        return
    with bot_server(store, env) as served:
        wait_ready(served)
        # The steady state: the workers are up (one diagnosis done), so they run the storm's jobs meanwhile
        # and write to the store while the webhooks do.
        warmup = alertmanager(alert("Warmup", {"service": "warmup"}))
        httpx.post(f"{served.url}/webhooks/alertmanager", json=warmup, headers=headers, timeout=10).raise_for_status()
        jobs = Store(store)
        while time.perf_counter() - served.started < 90 and any(j.state != "done" for j in jobs.recent(1)):
            time.sleep(0.1)
        cpu = cpu_seconds(served.process.pid)
        latencies, errors, wall = asyncio.run(load(served.port, args.clients, request, per_client))
        cpu = cpu_seconds(served.process.pid) - cpu
        created = [j for j in jobs.recent(10_000) if j.service != "warmup"]
        deadline = time.time() + 60
        while time.time() < deadline and not any(m["state"] == "sent" for m in jobs.messages()):
            time.sleep(0.2)
        summaries = [m for m in jobs.messages() if m["kind"] == "storm"]
    print(f"store:            {store.split(':')[0]}")
    print(
        f"requests:         {len(latencies)} alerts for {len(services)} services from {args.clients} "
        f"concurrent clients in {wall:.2f} s, {errors} errors"
    )
    print(f"answer time:      {latency_line(latencies)}")
    print(f"jobs created:     {len(created)} ({', '.join(sorted(j.service for j in created))})")
    print(f"summaries:        {len(summaries)} ({', '.join(m['state'] for m in summaries)})")
    print(f"server CPU:       {cpu / len(latencies) * 1000:.2f} ms per webhook (web process, all threads)")


def wait_ready(served: Served, seconds: float = 30) -> None:
    """Until /readyz says a worker is alive (or `seconds` after the server was started)."""
    while time.perf_counter() - served.started < seconds:
        try:
            if httpx.get(f"{served.url}/readyz", timeout=1).is_success:
                return
        except httpx.HTTPError:
            time.sleep(0.05)


def one_body(store: str, env: dict[str, str], headers: dict[str, str], services: list[str], n: int) -> None:
    """One request of `n` alerts while a prober asks /healthz every 20 ms: how long the body took, and
    the health answers' times while it was taken against those before it."""
    many = [alert(f"Storm{i % 100}", {"service": services[i % len(services)], "pod": f"pod-{i}"}) for i in range(n)]
    body = json.dumps(alertmanager(*many)).encode()
    with bot_server(store, env) as served:
        wait_ready(served)
        probes: list[tuple[float, float]] = []  # (when asked, how long the answer took)
        stop = threading.Event()

        def probe() -> None:
            with httpx.Client(timeout=30) as client:
                while not stop.is_set():
                    t = time.perf_counter()
                    client.get(f"{served.url}/healthz").raise_for_status()
                    probes.append((t, time.perf_counter() - t))
                    time.sleep(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(2)  # idle answers first
        sent = time.perf_counter()
        answer = httpx.post(f"{served.url}/webhooks/alertmanager", content=body, headers=headers, timeout=120)
        done = time.perf_counter()
        time.sleep(0.5)
        stop.set()
        prober.join()
    idle = [d for t, d in probes if t < sent]
    during = [d for t, d in probes if sent <= t < done]
    print(f"store:            {store.split(':')[0]}")
    print(f"one body:         {n} alerts, {len(body) / 1e6:.1f} MB, answered {answer.status_code} "
          f"{answer.json().get('outcomes')} in {done - sent:.2f} s")  # fmt: skip
    print(f"/healthz idle:    {len(idle)} answers, {latency_line(idle)}")
    print(f"/healthz during:  {len(during)} answers, {latency_line(during) if len(during) > 1 else 'too few'}")


if __name__ == "__main__":
    main()
