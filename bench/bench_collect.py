"""Collection time for a 30-minute window over all four sources, concurrent versus one after another.

Usage: python bench/bench_collect.py [--latency-ms 40]
Prometheus is real (Debian package, data backfilled with promtool) and CloudWatch is moto's server;
Loki and the Kubernetes API are the tests' stand-ins, which answer each request after `--latency-ms`
(loopback has none; a cluster in another region has tens of milliseconds per request).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from collectors import Scope, Window  # noqa: E402
from collectors.cloudwatch import CloudWatchSource  # noqa: E402
from collectors.kubernetes import KubernetesSource  # noqa: E402
from collectors.live import LiveCollector  # noqa: E402
from collectors.loki import LokiSource  # noqa: E402
from collectors.prometheus import PrometheusSource  # noqa: E402
from tests.servers.postgres import free_port  # noqa: E402
from tests.servers.prometheus import Prometheus  # noqa: E402
from tests.standins.kube_api import KubeApiStandIn  # noqa: E402
from tests.standins.loki import LokiStandIn  # noqa: E402

INCIDENTS = ROOT / "examples" / "incidents"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=40.0)
    args = parser.parse_args()
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    window = Window(end - timedelta(minutes=30), end)
    scope = Scope("bench", window, service="checkout")
    start = window.start_ts

    labels = (("container", "checkout"), ("namespace", "shop"), ("pod", "checkout-7d9f8b6c5d-x2x9k"))
    prometheus = Prometheus(
        {("container_memory_working_set_bytes", labels): [(start + k, 2.4e8 + k * 1e5) for k in range(0, 31 * 60, 15)]}
    )
    loki_doc = json.loads((INCIDENTS / "checkout-oom" / "loki" / "shop.json").read_text())
    incident = json.loads((INCIDENTS / "checkout-oom" / "incident.json").read_text())
    old_start = datetime.fromisoformat(incident["window"]["start"]).timestamp() + 10 * 60  # 30 of its 40 min
    shift = int((start - old_start) * 1e9)
    streams = [
        (s["stream"], [(int(ts) + shift, line) for ts, line in s["values"]])
        for s in loki_doc["response"]["data"]["result"]
    ]
    loki = LokiStandIn({"prod": streams})
    loki.hang_seconds = args.latency_ms / 1000
    kube_items = json.loads((INCIDENTS / "checkout-oom" / "kubernetes" / "pods-events.json").read_text())
    kube = KubeApiStandIn("t", kube_items["response"]["items"])
    kube.hang_seconds = args.latency_ms / 1000

    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    moto.start()
    moto_url = f"http://127.0.0.1:{port}"
    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=moto_url)
    logs.create_log_group(logGroupName="/ecs/checkout")
    logs.create_log_stream(logGroupName="/ecs/checkout", logStreamName="s")
    logs.put_log_events(
        logGroupName="/ecs/checkout",
        logStreamName="s",
        logEvents=[
            {"timestamp": int((start + i) * 1000), "message": f"ERROR call {i} failed"} for i in range(0, 1800, 2)
        ],
    )
    try:
        sources = [
            PrometheusSource("p", prometheus.url, "shop"),
            LokiSource("p", loki.url, '{namespace="shop"}', tenant="prod"),
            KubernetesSource("p", ["shop"], host=kube.url, token="t"),
            CloudWatchSource("p", "us-east-1", "checkout", ["/ecs/{service}"], ["AWS/ECS"], endpoint_url=moto_url),
        ]
        for concurrent in (True, False, True, False):
            t = time.perf_counter()
            evidence = LiveCollector(sources, concurrent=concurrent).collect(scope)
            took = time.perf_counter() - t
            print(
                f"{'concurrent' if concurrent else 'sequential':<11} {took:6.2f} s  {len(evidence.logs)} lines, "
                f"{len(evidence.metrics)} series, {len(evidence.kubernetes)} objects, "
                f"{len(evidence.missing_sources)} missing"
            )
    finally:
        prometheus.stop()
        loki.close()
        kube.close()
        moto.stop()


if __name__ == "__main__":
    main()
