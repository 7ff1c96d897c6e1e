"""Write the example incident bundles under examples/incidents/ (deterministic: same seed, same bytes).

Run: python examples/generate.py. Each bundle is an invented incident with its own services, formats and
numbers, healthy noise, red herrings, metrics with real shapes, a terraform/ folder and expected.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _kit import Bundle, ago, k8s_time  # noqa: E402
from _parts import access, event, jlog, logback, logfmt, node, noise, pod, replicaset  # noqa: E402
from _tf import TF  # noqa: E402

ROOT = Path(__file__).parent / "incidents"
NS = "shop"
MI = 2**20


def checkout_oom() -> Bundle:
    b = Bundle("checkout-oom", "2026-11-20", 1)
    rs = "checkout-7d9f8b6c5d"
    pods = [f"{rs}-{s}" for s in ("x2x9k", "m4q7p", "t8n2c")]
    culprit = []
    for ts in b.spread(b.onset, b.end, 95):
        culprit.append((ts, logback(ts, "ERROR", "com.acme.checkout.PricingCache",
                                    "java.lang.OutOfMemoryError: Java heap space", thread="pricing-refresh-1")))
        culprit.append((ts + 1, logback(ts + 1, "WARN", "com.acme.checkout.App", "GC overhead: 97% of time in GC")))
    victims = [(ts, jlog(ts, "error", "upstream checkout unavailable", service="frontend", status=503,
                         upstream="http://checkout.shop.svc:8080/api/checkout"))
               for ts in b.spread(b.onset + 30, b.end, 0.6)]
    streams = [({"namespace": NS, "app": "checkout", "pod": p, "container": "checkout"},
                noise(b, "checkout", "logback", every=6, secrets=(i == 0)) + culprit[i::3]) for i, p in enumerate(pods)]
    streams.append(({"namespace": NS, "app": "frontend", "pod": "frontend-6c7b9d4f8-abcde", "container": "web"},
                    noise(b, "frontend", "json", every=2) + victims))
    streams.append(({"namespace": NS, "app": "catalog", "pod": "catalog-5f6d7c8b9-zzq1w", "container": "catalog"},
                    noise(b, "catalog", "access", every=3)))
    b.loki("shop", '{namespace="shop"}', streams, cluster="eks-prod")
    limit = 512 * MI
    mem = [({"namespace": NS, "pod": p, "container": "checkout"}, b.series(230 * MI, 508 * MI, ramp=3)) for p in pods]
    b.prom("memory", 'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="shop"})',
           mem + [({"namespace": NS, "pod": "frontend-6c7b9d4f8-abcde", "container": "web"}, b.series(180 * MI, 185 * MI))])
    b.prom("memory-limit", 'max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory",namespace="shop"})',
           [({"namespace": NS, "pod": p, "container": "checkout"}, b.series(limit, limit, noise=0)) for p in pods])
    items = [pod(p, NS, "checkout", "ip-10-0-2-17.ec2.internal", ready=(i != 0), restarts=4 + i,
                 last={"reason": "OOMKilled", "exitCode": 137, "finishedAt": k8s_time(b.onset + 400 * (i + 1))},
                 image="registry.acme.io/checkout:4.12.0", created=ago(b.start, 3)) for i, p in enumerate(pods)]
    items.append(event(NS, "Pod", pods[0], "BackOff", "Back-off restarting failed container checkout", b.onset + 600, 5))
    b.kube("pods-events", items, cluster="eks-prod")
    alert = b.alertmanager("HighErrorRate", {"service": "frontend", "severity": "critical", "namespace": NS},
                           "frontend 5xx ratio above 5% for 5 minutes")
    b.incident("frontend 5xx spike", service="frontend", alert=alert)
    b.terraform(TF["checkout_oom"])
    b.expect("memory_exhaustion", "checkout", True)
    return b


def search_cpu() -> Bundle:
    b = Bundle("search-cpu", "2026-11-18", 2)
    slow = [(ts, jlog(ts, "warn", "slow query", service="search-api", took_ms=b.rng.randint(1800, 4200),
                      index="products-v7")) for ts in b.spread(b.onset, b.end, 4)]
    victims = [(ts, logfmt(ts, "error", "search backend returned 503", upstream="search-api", path="/search"))
               for ts in b.spread(b.onset + 60, b.end, 2.5)]
    b.cw_logs("search-api", "/ecs/search-api",
              {"ecs/search-api/3f1c9a7e2b": noise(b, "search-api", "json", every=3) + slow})
    b.cw_logs("web-bff", "/ecs/web-bff", {"ecs/web-bff/9a8b7c6d5e": noise(b, "web-bff", "logfmt", every=2) + victims})
    dims = {"ClusterName": "prod-apps", "ServiceName": "search-api"}
    b.cw_metrics("ecs", [
        ("AWS/ECS", "CPUUtilization", dims, "Average", b.series(34, 99.2, ramp=5, noise=0.04)),
        ("AWS/ECS", "MemoryUtilization", dims, "Average", b.series(41, 44)),
        ("AWS/ECS", "CPUUtilization", {"ClusterName": "prod-apps", "ServiceName": "web-bff"}, "Average",
         b.series(22, 24)),
    ])
    alarm = b.cloudwatch_alarm("web-bff-5xx", "HTTPCode_Target_5XX_Count", "AWS/ApplicationELB",
                               {"LoadBalancer": "app/web-prod/50dc6c495c0c9188"}, "Threshold Crossed: 3 datapoints")
    b.incident("web-bff 5xx alarm", source="cloudwatch", alert=alarm)
    b.terraform(TF["search_cpu"])
    b.expect("cpu_saturation", "search-api", True)
    return b


def orders_capacity() -> Bundle:
    b = Bundle("orders-capacity", "2026-11-11", 3)
    lat = [(ts, logfmt(ts, "warn", "request queue wait above SLO", wait_ms=b.rng.randint(900, 3000), route="/orders"))
           for ts in b.spread(b.onset, b.end, 3)]
    b.loki("orders", '{namespace="shop", app="orders"}',
           [({"namespace": NS, "app": "orders", "pod": f"orders-85c7d9f6b4-{s}"},
             noise(b, "orders", "logfmt", every=5) + lat[i::3]) for i, s in enumerate(("a1b2c", "d3e4f", "g5h6i"))])
    cur = [min(6.0, 3 + max(0, int((i * 60 + b.start - b.onset) / 90))) for i in range(41)]
    b.prom("hpa", 'kube_horizontalpodautoscaler_status_current_replicas{namespace="shop"}',
           [({"namespace": NS, "horizontalpodautoscaler": "orders", "deployment": "orders"}, cur)])
    b.prom("hpa-max", 'kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop"}',
           [({"namespace": NS, "horizontalpodautoscaler": "orders", "deployment": "orders"}, [6.0] * 41)])
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "orders", "namespace": NS},
           "spec": {"minReplicas": 3, "maxReplicas": 6,
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "orders"}},
           "status": {"currentReplicas": 6, "desiredReplicas": 11, "conditions": [
               {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas",
                "message": "the desired replica count is more than the maximum replica count"}]}}
    b.kube("hpa", [hpa], cluster="gke-prod")
    alert = b.alertmanager("LatencySLOBurn", {"service": "orders", "severity": "warning"}, "orders p99 above 2s")
    b.incident("orders latency SLO burn", service="orders", alert=alert)
    b.terraform(TF["orders_capacity"])
    b.expect("capacity_limit", "orders", True)
    return b


def ledger_db_conns() -> Bundle:
    b = Bundle("ledger-db-conns", "2026-11-02", 4)
    app = [(ts, logback(ts, "ERROR", "com.zaxxer.hikari.pool.HikariPool",
                        "HikariPool-1 - Connection is not available, request timed out after 30000ms. "
                        "(jdbc:postgresql://ledger-db.c9akciq32.ap-northeast-2.rds.amazonaws.com:5432/ledger)"))
           for ts in b.spread(b.onset, b.end, 1.5)]
    db = [(ts, f"{datetime_pg(ts)} UTC:10.20.4.{b.rng.randint(2, 250)}(5{b.rng.randint(1000, 9999)}):ledger@ledger:"
               f"[{b.rng.randint(1000, 30000)}]:FATAL:  remaining connection slots are reserved for "
               "non-replication superuser connections") for ts in b.spread(b.onset + 20, b.end, 6)]
    b.cw_logs("ledger-api", "/ecs/ledger-api", {"ecs/ledger-api/0c1d2e3f4a": noise(b, "ledger-api", "logback", 3) + app})
    b.cw_logs("ledger-db", "/aws/rds/instance/ledger-db/postgresql", {"ledger-db.0": db})
    b.cw_logs("reports", "/ecs/reports", {"ecs/reports/77aa88bb99": noise(b, "reports", "json", 7, secrets=True)})
    b.cw_metrics("rds", [
        ("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": "ledger-db"}, "Maximum",
         [min(v, 100.0) for v in b.series(46, 100, ramp=6, noise=0.05)]),
        ("AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": "ledger-db"}, "Average", b.series(31, 38)),
    ])
    b.incident("ledger-api errors", source="slack", service="ledger-api")
    b.terraform(TF["ledger_db_conns"])
    b.expect("db_connection_exhaustion", "ledger-db", True)
    return b


def datetime_pg(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def reports_disk() -> Bundle:
    b = Bundle("reports-disk", "2026-10-28", 5)
    app = [(ts, jlog(ts, "error", "export failed", service="reports-worker", job=f"exp-{b.rng.randint(1000, 9999)}",
                     error="query on reports-db failed: ERROR: could not extend file \"base/16384/2619\": "
                           "No space left on device"))
           for ts in b.spread(b.onset, b.end, 9)]
    db = [(ts, f"{datetime_pg(ts)} UTC::@:[412]:PANIC:  could not write to file \"pg_wal/xlogtemp.412\": "
               "No space left on device") for ts in b.spread(b.onset + 40, b.end, 120)]
    b.cw_logs("worker", "/ecs/reports-worker", {"ecs/reports-worker/a1": noise(b, "reports-worker", "json", 4) + app})
    b.cw_logs("db", "/aws/rds/instance/reports-db/postgresql", {"reports-db.0": db})
    b.cw_logs("api", "/ecs/reports-api", {"ecs/reports-api/b2": noise(b, "reports-api", "access", 2)})
    gib = 2**30
    b.cw_metrics("rds", [
        ("AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier": "reports-db"}, "Minimum",
         b.series(9.2 * gib, 0.05 * gib, ramp=3, noise=0.01, floor=0.0)),
        ("AWS/RDS", "WriteLatency", {"DBInstanceIdentifier": "reports-db"}, "Average", b.series(0.002, 0.003)),
    ])
    alarm = b.cloudwatch_alarm("reports-db-low-storage", "FreeStorageSpace", "AWS/RDS",
                               {"DBInstanceIdentifier": "reports-db"}, "Threshold Crossed: below 1 GiB")
    b.incident("reports-db low storage", source="cloudwatch", alert=alarm)
    b.terraform(TF["reports_disk"])
    b.expect("disk_full", "reports-db", True)
    return b


def thumbnailer_timeout() -> Bundle:
    b = Bundle("thumbnailer-timeout", "2026-11-05", 6)
    lines = []
    for ts in b.spread(b.start, b.end, 8):
        rid = f"{b.rng.getrandbits(128):032x}"
        rid = f"{rid[:8]}-{rid[8:12]}-{rid[12:16]}-{rid[16:20]}-{rid[20:]}"
        late = ts >= b.onset
        took = 30000.0 if late and b.rng.random() < 0.7 else b.rng.uniform(900, 4000 if not late else 9000)
        lines.append((ts, f"START RequestId: {rid} Version: $LATEST"))
        lines.append((ts + 0.2, f"{ts_iso(ts)}\t{rid}\tINFO\tresizing s3://acme-uploads/u/{b.rng.randint(1, 9999)}.heic"))
        if took >= 30000:
            lines.append((ts + 30, f"{ts_iso(ts + 30)} {rid} Task timed out after 30.03 seconds"))
        lines.append((ts + took / 1000, f"END RequestId: {rid}"))
        lines.append((ts + took / 1000, f"REPORT RequestId: {rid}\tDuration: {took:.2f} ms\tBilled Duration: "
                                        f"{int(took)} ms\tMemory Size: 1024 MB\tMax Memory Used: 412 MB"))
    b.cw_logs("thumbnailer", "/aws/lambda/thumbnailer", {"2026/11/05/[$LATEST]8f2c": lines})
    b.cw_logs("upload-api", "/ecs/upload-api", {"ecs/upload-api/c3": noise(b, "upload-api", "logfmt", 3)})
    fn = {"FunctionName": "thumbnailer"}
    b.cw_metrics("lambda", [
        ("AWS/Lambda", "Duration", fn, "Maximum", [min(30000.0, v) for v in b.series(3900, 30000, ramp=2)]),
        ("AWS/Lambda", "Errors", fn, "Sum", b.series(0, 6, noise=0.2)),
    ])
    b.incident("thumbnailer errors", source="cli", service="thumbnailer")
    b.terraform(TF["thumbnailer_timeout"])
    b.expect("timeout", "thumbnailer", True)
    return b


def ts_iso(ts: float) -> str:
    from _parts import ts_text

    return ts_text(ts)


def invoices_denied() -> Bundle:
    b = Bundle("invoices-denied", "2026-11-14", 7)
    err = [(ts, jlog(ts, "error", "failed to store invoice PDF", service="invoice-service",
                     invoice=f"inv-{b.rng.randint(10000, 99999)}",
                     error="AccessDenied: User: arn:aws:sts::123456789012:assumed-role/invoice-service-task/"
                           "8d1e2f3a4b5c is not authorized to perform: s3:PutObject on resource: "
                           f"\"arn:aws:s3:::acme-invoices-prod/2026/11/14/inv-{b.rng.randint(10000, 99999)}.pdf\" "
                           "because no identity-based policy allows the s3:PutObject action"))
           for ts in b.spread(b.onset, b.end, 5)]
    b.cw_logs("invoice-service", "/ecs/invoice-service",
              {"ecs/invoice-service/5e6f": noise(b, "invoice-service", "json", 4) + err})
    b.cw_logs("billing-api", "/ecs/billing-api", {"ecs/billing-api/1a2b": noise(b, "billing-api", "logback", 2, secrets=True)})
    b.incident("invoices not generated", source="slack", service="billing-api")
    b.terraform(TF["invoices_denied"])
    b.expect("permission_denied", "invoice-service", True)
    return b


def payments_throttle() -> Bundle:
    b = Bundle("payments-throttle", "2026-10-30", 8)
    err = [(ts, f"{ts_iso(ts)}\t{b.rng.getrandbits(32):08x}\tERROR\tPutItem payments-ledger failed: "
                "ProvisionedThroughputExceededException: The level of configured provisioned throughput for the "
                "table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
           for ts in b.spread(b.onset, b.end, 2)]
    b.cw_logs("payment-events", "/aws/lambda/payment-events",
              {"2026/10/30/[$LATEST]11aa": noise(b, "payment-events", "json", 3) + err})
    b.cw_logs("checkout-api", "/ecs/checkout-api", {"ecs/checkout-api/9f": noise(b, "checkout-api", "access", 2)})
    table = {"TableName": "payments-ledger"}
    b.cw_metrics("dynamodb", [
        ("AWS/DynamoDB", "WriteThrottleEvents", table, "Sum", b.series(0, 340, ramp=2, noise=0.1)),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits", table, "Sum", [min(v, 3000.0) for v in b.series(1400, 3000)]),
        ("AWS/Lambda", "Errors", {"FunctionName": "payment-events"}, "Sum", b.series(0, 25, noise=0.2)),
    ])
    b.incident("payment events failing", source="cli")
    b.terraform(TF["payments_throttle"])
    b.expect("rate_limited", "payments-ledger", True)
    return b


BUILDERS = [checkout_oom, search_cpu, orders_capacity, ledger_db_conns, reports_disk, thumbnailer_timeout,
            invoices_denied, payments_throttle]


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        path = build().write(ROOT)
        print(f"wrote {path.relative_to(ROOT.parent.parent)}")


if __name__ == "__main__":
    main()
