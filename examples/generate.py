"""Write the example incident bundles under examples/incidents/ (deterministic: same seed, same bytes).

Run: python examples/generate.py. Each bundle is an invented incident with its own services, formats and
numbers, healthy noise, red herrings, metrics with real shapes, a terraform/ folder and expected.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from typing import Any  # noqa: E402

from _kit import Bundle, ago, iso_ms, k8s_time  # noqa: E402
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
        culprit.append(
            (
                ts,
                logback(
                    ts,
                    "ERROR",
                    "com.acme.checkout.PricingCache",
                    "java.lang.OutOfMemoryError: Java heap space",
                    thread="pricing-refresh-1",
                ),
            )
        )
        culprit.append((ts + 1, logback(ts + 1, "WARN", "com.acme.checkout.App", "GC overhead: 97% of time in GC")))
    victims = [
        (
            ts,
            jlog(
                ts,
                "error",
                "upstream checkout unavailable",
                service="frontend",
                status=503,
                upstream="http://checkout.shop.svc:8080/api/checkout",
            ),
        )
        for ts in b.spread(b.onset + 30, b.end, 0.6)
    ]
    streams = [
        (
            {"namespace": NS, "app": "checkout", "pod": p, "container": "checkout"},
            noise(b, "checkout", "logback", every=6, secrets=(i == 0)) + culprit[i::3],
        )
        for i, p in enumerate(pods)
    ]
    streams.append(
        (
            {"namespace": NS, "app": "frontend", "pod": "frontend-6c7b9d4f8-abcde", "container": "web"},
            noise(b, "frontend", "json", every=2) + victims,
        )
    )
    streams.append(
        (
            {"namespace": NS, "app": "catalog", "pod": "catalog-5f6d7c8b9-zzq1w", "container": "catalog"},
            noise(b, "catalog", "access", every=3),
        )
    )
    b.loki("shop", '{namespace="shop"}', streams, cluster="eks-prod")
    limit = 512 * MI
    mem = [
        (
            {"namespace": NS, "pod": p, "container": "checkout"},
            [min(v, 510 * MI) for v in b.series(230 * MI, 508 * MI, ramp=3)],
        )
        for p in pods
    ]
    b.prom(
        "memory",
        'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="shop"})',
        mem
        + [({"namespace": NS, "pod": "frontend-6c7b9d4f8-abcde", "container": "web"}, b.series(180 * MI, 185 * MI))],
    )
    b.prom(
        "memory-limit",
        'max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory",namespace="shop"})',
        [({"namespace": NS, "pod": p, "container": "checkout"}, b.series(limit, limit, noise=0)) for p in pods],
    )
    items = [
        pod(
            p,
            NS,
            "checkout",
            "ip-10-0-2-17.ec2.internal",
            ready=(i != 0),
            restarts=4 + i,
            last={"reason": "OOMKilled", "exitCode": 137, "finishedAt": k8s_time(b.onset + 400 * (i + 1))},
            image="registry.acme.io/checkout:4.12.0",
            created=ago(b.start, 3),
        )
        for i, p in enumerate(pods)
    ]
    items.append(
        event(NS, "Pod", pods[0], "BackOff", "Back-off restarting failed container checkout", b.onset + 600, 5)
    )
    b.kube("pods-events", items, cluster="eks-prod")
    alert = b.alertmanager(
        "HighErrorRate",
        {"service": "frontend", "severity": "critical", "namespace": NS},
        "frontend 5xx ratio above 5% for 5 minutes",
    )
    b.incident("frontend 5xx spike", service="frontend", alert=alert)
    b.terraform(TF["checkout_oom"])
    b.expect("memory_exhaustion", "checkout", True)
    return b


def search_cpu() -> Bundle:
    b = Bundle("search-cpu", "2026-11-18", 2)
    slow = [
        (
            ts,
            jlog(
                ts, "warn", "slow query", service="search-api", took_ms=b.rng.randint(1800, 4200), index="products-v7"
            ),
        )
        for ts in b.spread(b.onset, b.end, 4)
    ]
    victims = [
        (ts, logfmt(ts, "error", "search backend returned 503", upstream="search-api", path="/search"))
        for ts in b.spread(b.onset + 60, b.end, 2.5)
    ]
    b.cw_logs(
        "search-api", "/ecs/search-api", {"ecs/search-api/3f1c9a7e2b": noise(b, "search-api", "json", every=3) + slow}
    )
    b.cw_logs("web-bff", "/ecs/web-bff", {"ecs/web-bff/9a8b7c6d5e": noise(b, "web-bff", "logfmt", every=2) + victims})
    dims = {"ClusterName": "prod-apps", "ServiceName": "search-api"}
    b.cw_metrics(
        "ecs",
        [
            ("AWS/ECS", "CPUUtilization", dims, "Average", b.series(34, 99.2, ramp=5, noise=0.04)),
            ("AWS/ECS", "MemoryUtilization", dims, "Average", b.series(41, 44)),
            (
                "AWS/ECS",
                "CPUUtilization",
                {"ClusterName": "prod-apps", "ServiceName": "web-bff"},
                "Average",
                b.series(22, 24),
            ),
        ],
    )
    alarm = b.cloudwatch_alarm(
        "web-bff-5xx",
        "HTTPCode_Target_5XX_Count",
        "AWS/ApplicationELB",
        {"LoadBalancer": "app/web-prod/50dc6c495c0c9188"},
        "Threshold Crossed: 3 datapoints",
    )
    b.incident("web-bff 5xx alarm", source="cloudwatch", alert=alarm)
    b.terraform(TF["search_cpu"])
    b.expect("cpu_saturation", "search-api", True)
    return b


def orders_capacity() -> Bundle:
    b = Bundle("orders-capacity", "2026-11-11", 3)
    lat = [
        (ts, logfmt(ts, "warn", "request queue wait above SLO", wait_ms=b.rng.randint(900, 3000), route="/orders"))
        for ts in b.spread(b.onset, b.end, 3)
    ]
    b.loki(
        "orders",
        '{namespace="shop", app="orders"}',
        [
            (
                {"namespace": NS, "app": "orders", "pod": f"orders-85c7d9f6b4-{s}"},
                noise(b, "orders", "logfmt", every=5) + lat[i::3],
            )
            for i, s in enumerate(("a1b2c", "d3e4f", "g5h6i"))
        ],
    )
    cur = [min(6.0, 3 + max(0, int((i * 60 + b.start - b.onset) / 90))) for i in range(41)]
    b.prom(
        "hpa",
        'kube_horizontalpodautoscaler_status_current_replicas{namespace="shop"}',
        [({"namespace": NS, "horizontalpodautoscaler": "orders", "deployment": "orders"}, cur)],
    )
    b.prom(
        "hpa-max",
        'kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop"}',
        [({"namespace": NS, "horizontalpodautoscaler": "orders", "deployment": "orders"}, [6.0] * 41)],
    )
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "orders", "namespace": NS},
        "spec": {
            "minReplicas": 3,
            "maxReplicas": 6,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "orders"},
        },
        "status": {
            "currentReplicas": 6,
            "desiredReplicas": 11,
            "conditions": [
                {
                    "type": "ScalingLimited",
                    "status": "True",
                    "reason": "TooManyReplicas",
                    "message": "the desired replica count is more than the maximum replica count",
                }
            ],
        },
    }
    b.kube("hpa", [hpa], cluster="gke-prod")
    alert = b.alertmanager("LatencySLOBurn", {"service": "orders", "severity": "warning"}, "orders p99 above 2s")
    b.incident("orders latency SLO burn", service="orders", alert=alert)
    b.terraform(TF["orders_capacity"])
    b.expect("capacity_limit", "orders", True)
    return b


def ledger_db_conns() -> Bundle:
    b = Bundle("ledger-db-conns", "2026-11-02", 4)
    app = [
        (
            ts,
            logback(
                ts,
                "ERROR",
                "com.zaxxer.hikari.pool.HikariPool",
                "HikariPool-1 - Connection is not available, request timed out after 30000ms. "
                "(jdbc:postgresql://ledger-db.c9akciq32.ap-northeast-2.rds.amazonaws.com:5432/ledger)",
            ),
        )
        for ts in b.spread(b.onset, b.end, 1.5)
    ]
    db = [
        (
            ts,
            f"{datetime_pg(ts)} UTC:10.20.4.{b.rng.randint(2, 250)}(5{b.rng.randint(1000, 9999)}):ledger@ledger:"
            f"[{b.rng.randint(1000, 30000)}]:FATAL:  remaining connection slots are reserved for "
            "non-replication superuser connections",
        )
        for ts in b.spread(b.onset + 20, b.end, 6)
    ]
    b.cw_logs(
        "ledger-api", "/ecs/ledger-api", {"ecs/ledger-api/0c1d2e3f4a": noise(b, "ledger-api", "logback", 3) + app}
    )
    b.cw_logs("ledger-db", "/aws/rds/instance/ledger-db/postgresql", {"ledger-db.0": db})
    b.cw_logs("reports", "/ecs/reports", {"ecs/reports/77aa88bb99": noise(b, "reports", "json", 7, secrets=True)})
    b.cw_metrics(
        "rds",
        [
            (
                "AWS/RDS",
                "DatabaseConnections",
                {"DBInstanceIdentifier": "ledger-db"},
                "Maximum",
                [min(v, 100.0) for v in b.series(46, 100, ramp=6, noise=0.05)],
            ),
            ("AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": "ledger-db"}, "Average", b.series(31, 38)),
        ],
    )
    b.incident("ledger-api errors", source="slack", service="ledger-api")
    b.terraform(TF["ledger_db_conns"])
    b.expect("db_connection_exhaustion", "ledger-db", True)
    return b


def datetime_pg(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def reports_disk() -> Bundle:
    b = Bundle("reports-disk", "2026-10-28", 5)
    app = [
        (
            ts,
            jlog(
                ts,
                "error",
                "export failed",
                service="reports-worker",
                job=f"exp-{b.rng.randint(1000, 9999)}",
                error='query on reports-db failed: ERROR: could not extend file "base/16384/2619": '
                "No space left on device",
            ),
        )
        for ts in b.spread(b.onset, b.end, 9)
    ]
    db = [
        (
            ts,
            f'{datetime_pg(ts)} UTC::@:[412]:PANIC:  could not write to file "pg_wal/xlogtemp.412": '
            "No space left on device",
        )
        for ts in b.spread(b.onset + 40, b.end, 120)
    ]
    b.cw_logs("worker", "/ecs/reports-worker", {"ecs/reports-worker/a1": noise(b, "reports-worker", "json", 4) + app})
    b.cw_logs("db", "/aws/rds/instance/reports-db/postgresql", {"reports-db.0": db})
    b.cw_logs("api", "/ecs/reports-api", {"ecs/reports-api/b2": noise(b, "reports-api", "access", 2)})
    gib = 2**30
    b.cw_metrics(
        "rds",
        [
            (
                "AWS/RDS",
                "FreeStorageSpace",
                {"DBInstanceIdentifier": "reports-db"},
                "Minimum",
                b.series(9.2 * gib, 0.05 * gib, ramp=3, noise=0.01, floor=0.0),
            ),
            ("AWS/RDS", "WriteLatency", {"DBInstanceIdentifier": "reports-db"}, "Average", b.series(0.002, 0.003)),
        ],
    )
    alarm = b.cloudwatch_alarm(
        "reports-db-low-storage",
        "FreeStorageSpace",
        "AWS/RDS",
        {"DBInstanceIdentifier": "reports-db"},
        "Threshold Crossed: below 1 GiB",
    )
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
        lines.append(
            (ts + 0.2, f"{ts_iso(ts)}\t{rid}\tINFO\tresizing s3://acme-uploads/u/{b.rng.randint(1, 9999)}.heic")
        )
        if took >= 30000:
            lines.append((ts + 30, f"{ts_iso(ts + 30)} {rid} Task timed out after 30.03 seconds"))
        lines.append((ts + took / 1000, f"END RequestId: {rid}"))
        lines.append(
            (
                ts + took / 1000,
                f"REPORT RequestId: {rid}\tDuration: {took:.2f} ms\tBilled Duration: "
                f"{int(took)} ms\tMemory Size: 1024 MB\tMax Memory Used: 412 MB",
            )
        )
    b.cw_logs("thumbnailer", "/aws/lambda/thumbnailer", {"2026/11/05/[$LATEST]8f2c": lines})
    b.cw_logs("upload-api", "/ecs/upload-api", {"ecs/upload-api/c3": noise(b, "upload-api", "logfmt", 3)})
    fn = {"FunctionName": "thumbnailer"}
    b.cw_metrics(
        "lambda",
        [
            ("AWS/Lambda", "Duration", fn, "Maximum", [min(30000.0, v) for v in b.series(3900, 30000, ramp=2)]),
            ("AWS/Lambda", "Errors", fn, "Sum", b.series(0, 6, noise=0.2)),
        ],
    )
    b.incident("thumbnailer errors", source="cli", service="thumbnailer")
    b.terraform(TF["thumbnailer_timeout"])
    b.expect("timeout", "thumbnailer", True)
    return b


def ts_iso(ts: float) -> str:
    from _parts import ts_text

    return ts_text(ts)


def invoices_denied() -> Bundle:
    b = Bundle("invoices-denied", "2026-11-14", 7)
    err = [
        (
            ts,
            jlog(
                ts,
                "error",
                "failed to store invoice PDF",
                service="invoice-service",
                invoice=f"inv-{b.rng.randint(10000, 99999)}",
                error="AccessDenied: User: arn:aws:sts::123456789012:assumed-role/invoice-service-task/"
                "8d1e2f3a4b5c is not authorized to perform: s3:PutObject on resource: "
                f'"arn:aws:s3:::acme-invoices-prod/2026/11/14/inv-{b.rng.randint(10000, 99999)}.pdf" '
                "because no identity-based policy allows the s3:PutObject action",
            ),
        )
        for ts in b.spread(b.onset, b.end, 5)
    ]
    b.cw_logs(
        "invoice-service",
        "/ecs/invoice-service",
        {"ecs/invoice-service/5e6f": noise(b, "invoice-service", "json", 4) + err},
    )
    b.cw_logs(
        "billing-api", "/ecs/billing-api", {"ecs/billing-api/1a2b": noise(b, "billing-api", "logback", 2, secrets=True)}
    )
    b.incident("invoices not generated", source="slack", service="billing-api")
    b.terraform(TF["invoices_denied"])
    b.expect("permission_denied", "invoice-service", True)
    return b


def payments_throttle() -> Bundle:
    b = Bundle("payments-throttle", "2026-10-30", 8)
    err = [
        (
            ts,
            f"{ts_iso(ts)}\t{b.rng.getrandbits(32):08x}\tERROR\tPutItem payments-ledger failed: "
            "ProvisionedThroughputExceededException: The level of configured provisioned throughput for the "
            "table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
        )
        for ts in b.spread(b.onset, b.end, 2)
    ]
    b.cw_logs(
        "payment-events",
        "/aws/lambda/payment-events",
        {"2026/10/30/[$LATEST]11aa": noise(b, "payment-events", "json", 3) + err},
    )
    b.cw_logs("checkout-api", "/ecs/checkout-api", {"ecs/checkout-api/9f": noise(b, "checkout-api", "access", 2)})
    table = {"TableName": "payments-ledger"}
    b.cw_metrics(
        "dynamodb",
        [
            ("AWS/DynamoDB", "WriteThrottleEvents", table, "Sum", b.series(0, 340, ramp=2, noise=0.1)),
            (
                "AWS/DynamoDB",
                "ConsumedWriteCapacityUnits",
                table,
                "Sum",
                [min(v, 3000.0) for v in b.series(1400, 3000)],
            ),
            ("AWS/Lambda", "Errors", {"FunctionName": "payment-events"}, "Sum", b.series(0, 25, noise=0.2)),
        ],
    )
    b.incident("payment events failing", source="cli")
    b.terraform(TF["payments_throttle"])
    b.expect("rate_limited", "payments-ledger", True)
    return b


def notifier_crashloop() -> Bundle:
    b = Bundle("notifier-crashloop", "2026-11-09", 9)
    rs = "notifier-6b8d7f9c4"
    pods = [f"{rs}-{s}" for s in ("kq2wz", "pl9xm")]
    crash = []
    for ts in b.spread(b.onset, b.end, 75):
        crash += [
            (ts, jlog(ts, "info", "starting notifier", version="5.4.2", service="notifier")),
            (
                ts + 0.4,
                jlog(
                    ts + 0.4,
                    "fatal",
                    "config: missing required environment variable SMTP_RELAY_HOST",
                    service="notifier",
                ),
            ),
            (ts + 0.5, "panic: config validation failed"),
        ]
    streams = [
        ({"namespace": NS, "app": "notifier", "pod": p}, noise(b, "notifier", "json", 6, t_to=b.onset) + crash[i::2])
        for i, p in enumerate(pods)
    ]
    streams.append(
        (
            {"namespace": NS, "app": "accounts", "pod": "accounts-55d4c8b7f-q1w2e"},
            noise(b, "accounts", "logfmt", 2, secrets=True)
            + [
                (
                    ts,
                    logfmt(
                        ts,
                        "warn",
                        "notification enqueue failed, will retry",
                        target="notifier:9000",
                        error="connection refused",
                    ),
                )
                for ts in b.spread(b.onset + 30, b.end, 3)
            ],
        )
    )
    b.loki("shop", '{namespace="shop"} |= ""', streams, cluster="gke-prod")
    items = [
        pod(
            p,
            NS,
            "notifier",
            "gke-prod-pool-1-a",
            ready=False,
            restarts=7 + i,
            waiting={
                "reason": "CrashLoopBackOff",
                "message": f"back-off 5m0s restarting failed container=notifier pod={p}",
            },
            last={"reason": "Error", "exitCode": 1},
            image="registry.acme.io/notifier:5.4.2",
            created=ago(b.start, 6),
        )
        for i, p in enumerate(pods)
    ]
    items.append(
        event(NS, "Pod", pods[0], "BackOff", "Back-off restarting failed container notifier", b.onset + 300, 12)
    )
    b.kube("pods", items, cluster="gke-prod")
    b.incident("notifier down", source="slack", service="accounts")
    b.terraform(TF["notifier_crashloop"])
    b.expect("crash_loop", "notifier", True)
    return b


def cart_bad_deploy() -> Bundle:
    b = Bundle("cart-bad-deploy", "2026-11-16", 10)
    old, new = "cart-5d8b9c7f4", "cart-7f9c6d5b8"
    rolled = b.onset - 150
    old_pods = [f"{old}-{s}" for s in ("aa1bb", "cc2dd", "ee3ff")]
    new_pods = [f"{new}-{s}" for s in ("gg4hh", "ii5jj", "kk6ll")]
    streams = [({"namespace": NS, "app": "cart", "pod": p}, noise(b, "cart", "json", 5, t_to=rolled)) for p in old_pods]
    for p in new_pods:
        lines = noise(b, "cart", "json", 5, t_from=rolled)
        lines += [
            (
                ts,
                jlog(
                    ts,
                    "error",
                    "unhandled error in POST /cart/items",
                    service="cart",
                    error="TypeError: Cannot read properties of undefined (reading 'currency')",
                    stack="at priceLine (/app/dist/pricing.js:88:31)",
                ),
            )
            for ts in b.spread(b.onset, b.end, 4)
        ]
        streams.append(({"namespace": NS, "app": "cart", "pod": p}, lines))
    streams.append(
        (
            {"namespace": NS, "app": "storefront", "pod": "storefront-7c9d8e6f5-mn0pq"},
            noise(b, "storefront", "access", 1.5)
            + [
                (ts, logfmt(ts, "error", "cart call failed", upstream="cart", status=500, path="/cart/items"))
                for ts in b.spread(b.onset + 10, b.end, 1.0)
            ],
        )
    )
    b.loki("shop", '{namespace="shop"}', streams, cluster="eks-prod")
    items = [
        replicaset(old, NS, "cart", "registry.acme.io/cart:2.14.0", 11, 0, ago(b.start, 9)),
        replicaset(new, NS, "cart", "registry.acme.io/cart:2.15.0", 12, 3, rolled),
    ]
    items += [
        pod(p, NS, "cart", "ip-10-0-1-5.ec2.internal", image="registry.acme.io/cart:2.15.0", created=rolled)
        for p in new_pods
    ]
    items.append(
        event(NS, "Deployment", "cart", "ScalingReplicaSet", f"Scaled up replica set {new} to 3", rolled, warning=False)
    )
    b.kube("workloads", items, cluster="eks-prod")
    alert = b.alertmanager(
        "StorefrontErrors", {"service": "storefront", "severity": "critical"}, "storefront 5xx above 2%"
    )
    b.incident("storefront errors", service="storefront", alert=alert)
    b.terraform(TF["cart_bad_deploy"])
    b.expect("bad_deploy", "cart", True)
    return b


def settlement_network() -> Bundle:
    b = Bundle("settlement-network", "2026-10-21", 11)
    err = [
        (
            ts,
            logfmt(
                ts,
                "error",
                "ledger store unavailable",
                error="failed to connect to `host=ledger-db.internal user=settle database=ledger`: "
                "dial error (dial tcp ledger-db.internal:5432: i/o timeout)",
            ),
        )
        for ts in b.spread(b.onset, b.end, 6)
    ]
    flows = [
        (
            ts,
            f"2 123456789012 eni-0f3e2d1c0b9a8 10.40.1.{b.rng.randint(20, 30)} 10.40.3.17 "
            f"{b.rng.randint(32768, 60999)} 5432 6 1 60 {int(ts)} {int(ts) + 60} REJECT OK",
        )
        for ts in b.spread(b.onset, b.end, 20)
    ]
    flows += [
        (
            ts,
            f"2 123456789012 eni-0a9b8c7d6e5f4 10.40.2.{b.rng.randint(2, 200)} 10.40.5.9 "
            f"{b.rng.randint(32768, 60999)} 443 6 12 4200 {int(ts)} {int(ts) + 60} ACCEPT OK",
        )
        for ts in b.spread(b.start, b.end, 15)
    ]
    b.cw_logs("settlement", "/ecs/settlement", {"ecs/settlement/4d5e": noise(b, "settlement", "logfmt", 4) + err})
    b.cw_logs("flow", "/vpc/flow-logs/prod", {"eni-0f3e2d1c0b9a8-all": flows})
    b.cw_logs("payouts", "/ecs/payouts", {"ecs/payouts/6f7a": noise(b, "payouts", "logback", 3)})
    b.incident("settlement batch failing", source="cli", service="settlement")
    b.terraform(TF["settlement_network"])
    b.expect("network_blocked", "settlement", True)
    return b


def paygate_dependency() -> Bundle:
    b = Bundle("paygate-dependency", "2026-11-03", 12)
    err = [
        (
            ts,
            jlog(
                ts,
                "error",
                "charge failed",
                service="checkout-api",
                error="POST https://api.paygate.example.com/v2/charges returned 503 Service Unavailable",
                attempt=b.rng.randint(1, 3),
            ),
        )
        for ts in b.spread(b.onset, b.end, 1.2)
    ]
    err2 = [
        (
            ts,
            logback(
                ts,
                "ERROR",
                "com.acme.refunds.PaygateClient",
                "refund failed: 503 Service Unavailable from https://api.paygate.example.com/v2/refunds",
            ),
        )
        for ts in b.spread(b.onset + 40, b.end, 15)
    ]
    b.cw_logs("checkout-api", "/ecs/checkout-api", {"ecs/checkout-api/ab12": noise(b, "checkout-api", "json", 2) + err})
    b.cw_logs("refunds", "/ecs/refunds", {"ecs/refunds/cd34": noise(b, "refunds", "logback", 6, secrets=True) + err2})
    b.cw_metrics(
        "ecs",
        [
            (
                "AWS/ECS",
                "CPUUtilization",
                {"ClusterName": "prod-apps", "ServiceName": "checkout-api"},
                "Average",
                b.series(28, 25),
            )
        ],
    )
    b.incident("checkout payments failing", source="slack", service="checkout-api")
    b.terraform(TF["paygate_dependency"])
    b.expect("dependency_failure", "api.paygate.example.com", False)
    return b


def ledger_cert() -> Bundle:
    b = Bundle("ledger-cert", "2026-11-20", 13)
    expiry = b.onset
    callers = [
        (
            ts,
            logfmt(
                ts,
                "error",
                "ledger call failed",
                error='Post "https://ledger.internal:8443/v1/entries": tls: failed to verify certificate: '
                f"x509: certificate has expired or is not yet valid: current time {k8s_time(ts)} is "
                f"after {k8s_time(expiry)}",
            ),
        )
        for ts in b.spread(b.onset, b.end, 2)
    ]
    server = [
        (
            ts,
            f"{k8s_time(ts)} http: TLS handshake error from 10.0.4.{b.rng.randint(2, 250)}:"
            f"{b.rng.randint(30000, 60000)}: remote error: tls: bad certificate",
        )
        for ts in b.spread(b.onset, b.end, 3)
    ]
    b.loki(
        "payments",
        '{namespace="payments"}',
        [
            (
                {"namespace": "payments", "app": "billing", "pod": "billing-6d5c4b3a2-r4t5y"},
                noise(b, "billing", "logfmt", 3) + callers,
            ),
            (
                {"namespace": "payments", "app": "ledger", "pod": "ledger-7e6f5d4c3-u6i7o"},
                noise(b, "ledger", "access", 4) + server,
            ),
        ],
        cluster="eks-prod",
    )
    alert = b.alertmanager("BillingErrors", {"service": "billing", "severity": "critical"}, "billing error ratio > 10%")
    b.incident("billing errors", service="billing", alert=alert)
    b.terraform(TF["ledger_cert"])
    b.expect("certificate_expired", "ledger", True)
    return b


def catalog_healthcheck() -> Bundle:
    b = Bundle("catalog-healthcheck", "2026-11-07", 14)
    lines = []
    for ts in b.spread(b.start, b.end, 10):
        code = 200 if ts < b.onset else 404
        lines.append((ts, access(ts, "/health", code, 2, ua="ELB-HealthChecker/2.0", ip="10.30.0.14")))
    for ts in b.spread(b.onset - 60, b.end, 30):
        lines.append((ts, access(ts, "/healthz", 200, 1, ua="curl/8.5.0", ip="127.0.0.1")))
    lines.append(
        (b.onset - 60, logfmt(b.onset - 60, "info", "catalog v3.0.0 listening", addr=":8080", routes="/api/*,/healthz"))
    )
    b.cw_logs("catalog", "/ecs/catalog", {"ecs/catalog/aa": noise(b, "catalog", "access", 2) + lines})
    b.cw_logs(
        "gateway",
        "/ecs/api-gateway",
        {
            "ecs/api-gateway/bb": noise(b, "api-gateway", "json", 2)
            + [
                (ts, jlog(ts, "error", "upstream returned 503", service="api-gateway", upstream="catalog"))
                for ts in b.spread(b.onset + 200, b.end, 4)
            ]
        },
    )
    tg = {"TargetGroup": "targetgroup/catalog-tg/6d0ecf831eec9f09", "LoadBalancer": "app/prod-web/50dc6c495c0c9188"}
    b.cw_metrics(
        "alb",
        [
            ("AWS/ApplicationELB", "UnHealthyHostCount", tg, "Maximum", b.series(0, 3, noise=0, ramp=3)),
            ("AWS/ApplicationELB", "HealthyHostCount", tg, "Minimum", b.series(3, 0, noise=0, ramp=3)),
        ],
    )
    b.incident("catalog 503s", source="cli", service="api-gateway")
    b.terraform(TF["catalog_healthcheck"])
    b.expect("health_check_failure", "catalog", True)
    return b


def invoice_queue() -> Bundle:
    b = Bundle("invoice-queue", "2026-11-12", 15)
    worker = [
        (
            ts,
            jlog(
                ts,
                "info",
                "processed message from invoice-jobs",
                service="invoice-worker",
                took_ms=b.rng.randint(400, 900),
            ),
        )
        for ts in b.spread(b.start, b.end, 1.5)
    ]
    producer = [
        (ts, jlog(ts, "info", "enqueued job to invoice-jobs", service="billing-api"))
        for ts in b.spread(b.start, b.onset, 3) + b.spread(b.onset, b.end, 0.5)
    ]
    b.cw_logs(
        "worker", "/ecs/invoice-worker", {"ecs/invoice-worker/ee": worker + noise(b, "invoice-worker", "json", 30)}
    )
    b.cw_logs("billing", "/ecs/billing-api", {"ecs/billing-api/ff": producer + noise(b, "billing-api", "logback", 3)})
    q = {"QueueName": "invoice-jobs"}
    age = [
        max(4.0, (i * 60 + b.start - b.onset)) if i * 60 + b.start > b.onset else 4.0 + b.rng.random()
        for i in range(41)
    ]
    b.cw_metrics(
        "sqs",
        [
            ("AWS/SQS", "ApproximateAgeOfOldestMessage", q, "Maximum", age),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", q, "Maximum", b.series(12, 2400, ramp=20, noise=0.05)),
        ],
    )
    alarm = b.cloudwatch_alarm(
        "invoice-jobs-age",
        "ApproximateAgeOfOldestMessage",
        "AWS/SQS",
        q,
        "Threshold Crossed: oldest message older than 600 s",
    )
    b.incident("invoice-jobs backlog", source="cloudwatch", alert=alarm)
    b.terraform(TF["invoice_queue"])
    b.expect("queue_backlog", "invoice-worker", True)
    return b


def recommender_image() -> Bundle:
    b = Bundle("recommender-image", "2026-11-19", 16)
    old, new = "recommender-9c8b7a6d5", "recommender-4f5e6d7c8"
    rolled = b.onset - 60
    items = [
        replicaset(old, NS, "recommender", "registry.acme.io/recommender:1.9.2", 20, 2, ago(b.start, 12)),
        replicaset(new, NS, "recommender", "registry.acme.io/recommender:1.9.3", 21, 1, rolled),
    ]
    items += [
        pod(
            f"{old}-{s}",
            NS,
            "recommender",
            "ip-10-0-2-9.ec2.internal",
            image="registry.acme.io/recommender:1.9.2",
            created=ago(b.start, 12),
        )
        for s in ("q1q1q", "w2w2w")
    ]
    bad = f"{new}-e3e3e"
    items.append(
        pod(
            bad,
            NS,
            "recommender",
            "ip-10-0-2-9.ec2.internal",
            ready=False,
            phase="Pending",
            waiting={
                "reason": "ImagePullBackOff",
                "message": 'Back-off pulling image "registry.acme.io/recommender:1.9.3"',
            },
            image="registry.acme.io/recommender:1.9.3",
            created=rolled,
        )
    )
    items.append(
        event(
            NS,
            "Pod",
            bad,
            "Failed",
            'Failed to pull image "registry.acme.io/recommender:1.9.3": '
            "rpc error: code = NotFound desc = failed to pull and unpack image: manifest unknown",
            rolled + 20,
            6,
        )
    )
    b.kube("workloads", items, cluster="eks-prod")
    b.loki(
        "shop",
        '{namespace="shop"}',
        [
            ({"namespace": NS, "app": "recommender", "pod": f"{old}-q1q1q"}, noise(b, "recommender", "logback", 4)),
            ({"namespace": NS, "app": "homepage", "pod": "homepage-5b4c3d2e1-z9z9z"}, noise(b, "homepage", "json", 2)),
        ],
        cluster="eks-prod",
    )
    b.incident("recommender rollout stuck", source="slack", service="recommender")
    b.terraform(TF["recommender_image"])
    b.expect("image_pull_failure", "recommender", True)
    return b


def pdf_scheduling() -> Bundle:
    b = Bundle("pdf-scheduling", "2026-11-06", 17)
    rs = "pdf-renderer-8d7c6b5a4"
    msg = (
        "0/6 nodes are available: 2 node(s) had untolerated taint {dedicated: batch}, 4 node(s) didn't match "
        "Pod's node affinity/selector. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling."
    )
    items = [
        pod(
            f"{rs}-{s}",
            NS,
            "pdf-renderer",
            "",
            ready=False,
            phase="Pending",
            created=b.onset,
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": msg}],
        )
        for s in ("a9a9a", "b8b8b")
    ]
    items.append(event(NS, "Pod", f"{rs}-a9a9a", "FailedScheduling", msg, b.onset + 30, 9))
    items += [
        node(
            f"ip-10-0-5-{i}.ec2.internal",
            "batch",
            taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}],
            labels={"pool": "batch"},
        )
        for i in (11, 12)
    ]
    items += [node(f"ip-10-0-1-{i}.ec2.internal", "general", labels={"pool": "general"}) for i in (21, 22, 23, 24)]
    b.kube("scheduling", items, cluster="eks-prod")
    b.loki(
        "shop",
        '{namespace="shop"}',
        [
            (
                {"namespace": NS, "app": "documents", "pod": "documents-6a5b4c3d2-k1k1k"},
                noise(b, "documents", "logfmt", 3)
                + [
                    (ts, logfmt(ts, "warn", "render queue waiting for pdf-renderer", pending=b.rng.randint(10, 90)))
                    for ts in b.spread(b.onset + 60, b.end, 20)
                ],
            ),
        ],
        cluster="eks-prod",
    )
    b.incident("PDF exports stuck", source="slack", service="documents")
    b.terraform(TF["pdf_scheduling"])
    b.expect("scheduling_failure", "pdf-renderer", True)
    return b


def inventory_routing() -> Bundle:
    b = Bundle("inventory-routing", "2026-11-13", 18)
    items = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "inventory", "namespace": NS},
            "spec": {"selector": {"app": "inventory-api"}, "ports": [{"port": 80, "targetPort": 8080}]},
        },
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "inventory", "namespace": NS}, "subsets": []},
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "storefront", "namespace": NS},
            "spec": {"selector": {"app": "storefront"}, "ports": [{"port": 80, "targetPort": 8080}]},
        },
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "storefront", "namespace": NS},
            "subsets": [{"addresses": [{"ip": "10.0.1.40"}], "ports": [{"port": 8080}]}],
        },
    ]
    items += [
        pod(
            f"inventory-7b6c5d4e3-{s}",
            NS,
            "inventory",
            "ip-10-0-1-7.ec2.internal",
            image="registry.acme.io/inventory:8.1.0",
            created=ago(b.start, 2),
        )
        for s in ("r1r1r", "s2s2s")
    ]
    b.kube("services", items, cluster="eks-prod")
    envoy = [
        (
            ts,
            f'[{k8s_time(ts)}] "GET /inventory/sku/{b.rng.randint(1000, 9999)} HTTP/1.1" 503 UH '
            'no_healthy_upstream 0 19 0 - "10.0.1.40" "storefront" upstream=inventory',
        )
        for ts in b.spread(b.onset, b.end, 0.8)
    ]
    b.loki(
        "shop",
        '{namespace="shop"}',
        [
            (
                {"namespace": NS, "app": "storefront", "pod": "storefront-7c9d8e6f5-mn0pq"},
                noise(b, "storefront", "access", 2) + envoy,
            ),
            (
                {"namespace": NS, "app": "inventory", "pod": "inventory-7b6c5d4e3-r1r1r"},
                noise(b, "inventory", "json", 6),
            ),
        ],
        cluster="eks-prod",
    )
    alert = b.alertmanager(
        "StorefrontErrors", {"service": "storefront", "severity": "critical"}, "storefront 5xx above 2%"
    )
    b.incident("storefront 503s", service="storefront", alert=alert)
    b.terraform(TF["inventory_routing"])
    b.expect("routing_misconfig", "inventory", True)
    return b


def node_failure() -> Bundle:
    b = Bundle("node-failure", "2026-10-25", 19)
    lost = "ip-10-0-3-44.ec2.internal"
    items = [
        node(
            lost, "general-c", ready=False, reason="NodeStatusUnknown", message="Kubelet stopped posting node status."
        ),
        node("ip-10-0-3-45.ec2.internal", "general-c"),
        node("ip-10-0-1-12.ec2.internal", "general-a"),
    ]
    for app in ("orders", "search", "cart"):
        p = f"{app}-6f5e4d3c2-{app[:2]}x1y"
        items.append(event(NS, "Pod", p, "NodeNotReady", "Node is not ready", b.onset + 40))
        items.append(
            event(
                NS, "Pod", p, "TaintManagerEviction", f"Marking for deletion Pod {NS}/{p}", b.onset + 340, warning=False
            )
        )
    items.append(event("", "Node", lost, "NodeNotReady", f"Node {lost} status is now: NodeNotReady", b.onset + 40))
    b.kube("nodes", items, cluster="eks-prod")
    b.loki(
        "shop",
        '{namespace="shop"}',
        [
            (
                {"namespace": NS, "app": "orders", "pod": "orders-85c7d9f6b4-d3e4f"},
                noise(b, "orders", "logfmt", 3)
                + [
                    (
                        ts,
                        logfmt(
                            ts,
                            "error",
                            "request to search failed",
                            error="upstream connect error: connection refused",
                            upstream="search",
                        ),
                    )
                    for ts in b.spread(b.onset + 20, b.onset + 400, 2)
                ],
            ),
            (
                {"namespace": NS, "app": "search", "pod": "search-6f5e4d3c2-sex1y"},
                noise(b, "search", "json", 4, t_to=b.onset),
            ),
        ],
        cluster="eks-prod",
    )
    b.incident("pods evicted in eks-prod", source="slack")
    b.terraform(TF["node_failure"])
    b.expect("node_failure", "general-c", False)
    return b


def stock_traces() -> Bundle:
    """Only the traces say it: inventory's spans fail with OutOfMemoryError while its own logs stay quiet (the
    JVM survives a heap OOM in a request thread; no restart, no OOM kill), and storefront, whose errors and
    alert make all the noise, only relays the failure."""
    b = Bundle("stock-traces", "2026-11-18", 21)
    sku = lambda: b.rng.randint(1000, 9999)  # noqa: E731
    traces = []
    for ts in sorted(b.rng.uniform(b.onset + 30, b.end - 60) for _ in range(20)):
        item, ms = sku(), b.rng.randint(180, 900)
        traces.append([
            {"service": "storefront", "span": 0, "parent": None, "name": "GET /api/cart", "kind": "server",
             "start": ts, "ms": ms + 12, "error": True, "message": "Request failed with status code 500",
             "attrs": {"http.request.method": "GET", "http.route": "/api/cart", "http.response.status_code": "500"}},
            {"service": "storefront", "span": 1, "parent": 0, "name": "GET", "kind": "client", "start": ts + 0.004,
             "ms": ms, "error": True, "message": "Request failed with status code 500",
             "attrs": {"server.address": "inventory.shop.svc.cluster.local", "http.response.status_code": "500"}},
            {"service": "inventory", "span": 2, "parent": 1, "name": f"GET /api/stock/{item}", "kind": "server",
             "start": ts + 0.006, "ms": ms - 8, "error": True,
             "message": "Handler dispatch failed; nested exception is java.lang.OutOfMemoryError: Java heap space",
             "exception": ("java.lang.OutOfMemoryError", "Java heap space"),
             "attrs": {"http.route": "/api/stock/{sku}", "http.response.status_code": "500"}},
        ])  # fmt: skip
    b.tempo(traces, '{ resource.service.name = "storefront" } && { status = error }', cluster="gke-prod")
    failing = [
        (
            ts,
            f"[Nest] 1  - {k8s_time(ts)}   ERROR [CartService] Request failed with status code 500 "
            f"(GET http://inventory.shop.svc.cluster.local:8080/api/stock/{sku()})",
        )
        for ts in b.spread(b.onset, b.end, 1.5)
    ]
    b.loki(
        "shop",
        '{namespace="shop"}',
        [
            (
                {"namespace": NS, "app": "storefront", "pod": "storefront-5d8c7b9f4-k2k2k"},
                noise(b, "storefront", "json", 2) + failing,
            ),
            (
                {"namespace": NS, "app": "inventory", "pod": "inventory-6f7a8b9c0-p4p4p"},
                noise(b, "inventory", "logback", 5),
            ),
        ],
        cluster="gke-prod",
    )
    items = [
        pod(f"inventory-6f7a8b9c0-{s}", NS, "inventory", "gke-prod-pool-1-a1b2",
            image="europe-docker.pkg.dev/acme/apps/inventory:4.2.0", created=ago(b.start, 3))
        for s in ("p4p4p", "q5q5q")
    ] + [
        pod("storefront-5d8c7b9f4-k2k2k", NS, "storefront", "gke-prod-pool-1-c3d4",
            image="europe-docker.pkg.dev/acme/apps/storefront:11.0.3", created=ago(b.start, 5))
    ]  # fmt: skip
    b.kube("pods", items, cluster="gke-prod")
    alert = b.alertmanager(
        "StorefrontErrors", {"service": "storefront", "severity": "critical"}, "storefront 5xx above 5%"
    )
    b.incident("storefront 500s on cart", service="storefront", alert=alert)
    b.terraform(TF["stock_traces"])
    b.expect("memory_exhaustion", "inventory", True)
    return b


def render_cloudrun() -> Bundle:
    """A Cloud Run service on GCP's own telemetry only (no Loki, no Prometheus): Cloud Logging carries the
    platform's memory-limit message and the 503s, Cloud Monitoring the memory utilisation pressed at its limit."""
    b = Bundle("render-cloudrun", "2026-11-19", 22)
    svc, revision = "pdf-render", "pdf-render-00042-vex"
    run = {"type": "cloud_run_revision", "labels": {"service_name": svc, "revision_name": revision,
           "location": "europe-west1", "configuration_name": svc, "project_id": "acme-prod"}}  # fmt: skip
    other = {"type": "cloud_run_revision", "labels": {"service_name": "thumbs", "revision_name": "thumbs-00007-kip",
             "location": "europe-west1", "configuration_name": "thumbs", "project_id": "acme-prod"}}  # fmt: skip

    def entry(ts: float, resource: dict[str, Any], severity: str, log: str, **payload: Any) -> dict[str, Any]:
        at = iso_ms(ts)
        n = b.rng.getrandbits(48)
        out = {"insertId": f"{n:012x}", "timestamp": at, "receiveTimestamp": at, "severity": severity,
               "resource": resource, "logName": f"projects/acme-prod/logs/run.googleapis.com%2F{log}"}  # fmt: skip
        out.update(payload)
        return out

    entries = []
    for ts in b.spread(b.start, b.end, 3):
        for res in (run, other):
            status = 200 if ts < b.onset or res is other or b.rng.random() > 0.45 else 503
            latency = f"{b.rng.uniform(0.2, 1.8) if status == 200 else b.rng.uniform(9, 12):.6f}s"
            entries.append(entry(ts, res, "INFO" if status == 200 else "ERROR", "requests", httpRequest={
                "requestMethod": "POST", "requestUrl": f"https://{res['labels']['service_name']}-x7k2.a.run.app/render",
                "status": status, "latency": latency, "userAgent": "Go-http-client/2.0"}))  # fmt: skip
    for ts in b.spread(b.onset, b.end, 40):
        entries.append(entry(ts, run, "ERROR", "varlog%2Fsystem", textPayload=(
            f"Memory limit of 512 MiB exceeded with {b.rng.randint(513, 540)} MiB used. Consider increasing the "
            "memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits")))  # fmt: skip
    for ts in b.spread(b.start, b.end, 300):  # a warning that was there all along
        entries.append(
            entry(ts, run, "WARNING", "stderr", textPayload="font cache is being rebuilt; this may take a while")
        )
    b.cloud_logging("run-prod-errors-0", entries, '(resource.type="cloud_run_revision")')
    memory = b.series(0.52, 0.995, noise=0.02, ramp=3)
    b.cloud_monitoring(
        "run-prod-run-memory-0",
        f'metric.type="run.googleapis.com/container/memory/utilizations" AND resource.labels.service_name="{svc}"',
        "ALIGN_PERCENTILE_99",
        [
            (
                {"type": "run.googleapis.com/container/memory/utilizations", "labels": {}},
                run,
                [min(v, 1.0) for v in memory],
            )
        ],
    )
    b.cloud_monitoring(
        "run-prod-run-5xx-0",
        f'metric.type="run.googleapis.com/request_count" AND metric.labels.response_code_class="5xx" AND '
        f'resource.labels.service_name="{svc}"',
        "ALIGN_DELTA",
        [
            (
                {"type": "run.googleapis.com/request_count", "labels": {"response_code_class": "5xx"}},
                run,
                b.series(0, 9, noise=0.0, ramp=2),
            )
        ],  # fmt: skip
        value_type="INT64",
    )
    b.incident("pdf-render 503s", source="cli", service=svc)
    b.terraform(TF["render_cloudrun"])
    b.expect("memory_exhaustion", svc, True)
    return b


BUILDERS = [
    checkout_oom,
    search_cpu,
    orders_capacity,
    ledger_db_conns,
    reports_disk,
    thumbnailer_timeout,
    invoices_denied,
    payments_throttle,
    notifier_crashloop,
    cart_bad_deploy,
    settlement_network,
    paygate_dependency,
    ledger_cert,
    catalog_healthcheck,
    invoice_queue,
    recommender_image,
    pdf_scheduling,
    inventory_routing,
    node_failure,
    stock_traces,
    render_cloudrun,
]


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        path = build().write(ROOT)
        print(f"wrote {path.relative_to(ROOT.parent.parent)}")


if __name__ == "__main__":
    main()
