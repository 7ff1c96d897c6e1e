"""Which workload a label set is about: never the exporter or the scrape job that carried it."""

from __future__ import annotations

import pytest

from collectors.naming import pod_owner, workload_of

KSM = {"job": "kube-state-metrics", "service": "kube-state-metrics", "namespace": "shop", "instance": "10.1.4.7:8080"}


@pytest.mark.parametrize(
    ("labels", "workload"),
    [
        ({**KSM, "deployment": "checkout-api"}, "checkout-api"),  # kube_deployment_status_replicas_unavailable
        ({**KSM, "pod": "orders-7d9f8b6c5d-x2x9k", "container": "orders"}, "orders"),  # kube_pod_container_*
        ({**KSM, "job_name": "nightly-report-28963020"}, "nightly-report-28963020"),  # kube_job_status_failed
        ({**KSM, "statefulset": "ledger-db"}, "ledger-db"),
        ({"job": "kubelet", "service": "kubelet", "pod": "search-6c9b-abcde", "container": "POD"}, "search-6c9b"),
        ({"job": "integrations/kubernetes/cadvisor", "pod": "cart-5f7d8c9b6-q2w3e"}, "cart"),
        ({"job": "redis_exporter", "instance": "redis://cache-main:6379"}, "cache-main"),
        ({"job": "postgres-exporter", "instance": "10.0.3.9:9187", "service": "ledger-db-exporter"}, "ledger-db"),
        ({"job": "checkout", "instance": "10.0.0.3:8080"}, "checkout"),  # an app's own scrape job
        ({"service": "payments", "job": "kubernetes-pods"}, "payments"),
        ({"job": "node-exporter", "instance": "10.0.0.1:9100"}, None),
    ],
)
def test_the_workload_not_the_carrier(labels: dict[str, str], workload: str | None) -> None:
    assert workload_of(labels) == workload


def test_pod_owner_strips_hashes_and_ordinals() -> None:
    assert pod_owner("checkout-7d9f8b6c5d-x2x9k") == "checkout"
    assert pod_owner("ledger-db-2") == "ledger-db"


def test_a_cloud_logging_entry_reads_its_payload_severity_and_service() -> None:
    from collectors.naming import parse_line

    request_log = (
        '{"textPayload": "The request was aborted because there was no available instance.", "severity": "ERROR", '
        '"httpRequest": {"requestMethod": "POST", "status": 429}, '
        '"resource": {"type": "cloud_run_revision", "labels": {"service_name": "pdf-api", "location": "europe-west1"}}}'
    )
    assert parse_line(request_log) == (
        "The request was aborted because there was no available instance. status=429",
        "error",
        "pdf-api",
    )
    structured = (
        '{"jsonPayload": {"message": "publish failed", "error": "7 PERMISSION_DENIED: User not authorized"}, '
        '"severity": "WARNING", "resource": {"type": "k8s_container", "labels": {"container_name": "notifier"}}}'
    )
    assert parse_line(structured) == (
        "publish failed error=7 PERMISSION_DENIED: User not authorized",
        "warn",
        "notifier",
    )


def test_an_ecs_task_state_change_keeps_its_nested_reason() -> None:
    from collectors.naming import parse_line

    event = (
        '{"version": "0", "detail-type": "ECS Task State Change", "source": "aws.ecs", "detail": {'
        '"group": "service:checkout-api", "lastStatus": "STOPPED", "stopCode": "EssentialContainerExited", '
        '"stoppedReason": "OutOfMemoryError: Container killed due to memory usage", '
        '"containers": [{"name": "app", "exitCode": 137, "lastStatus": "STOPPED"}]}}'
    )
    text, level, resource = parse_line(event)
    assert "stoppedReason=OutOfMemoryError: Container killed due to memory usage" in text
    assert "container app exitCode=137" in text and (level, resource) == ("error", "checkout-api")


def test_pino_numeric_levels() -> None:
    from collectors.naming import parse_line

    assert parse_line('{"level": 50, "time": 1, "msg": "payment failed"}')[1] == "error"
    assert parse_line('{"level": 30, "time": 1, "msg": "listening"}')[1] == "info"


@pytest.mark.parametrize(
    ("labels", "workload"),
    [
        (
            {"pod": "checkout-7d9f8b6c5d-x2x9k", "service": "kube-prometheus-stack-kubelet", "job": "kubelet"},
            "checkout",
        ),
        ({"pod": "checkout-7d9f8b6c5d-x2x9k", "service": "monitoring-kube-prometheus-kubelet"}, "checkout"),
        ({"job": "kube-state-metrics", "horizontalpodautoscaler": "checkout"}, "checkout"),
        ({"job": "kube-state-metrics", "service": "kube-state-metrics"}, None),  # never "kube-state"
        ({"job": "kube-prometheus-stack-prometheus-node-exporter", "instance": "10.1.1.1:9100"}, None),
    ],
)
def test_kube_prometheus_stack_services_are_carriers(labels: dict[str, str], workload: str | None) -> None:
    assert workload_of(labels) == workload


def test_odd_json_lines_are_read_as_text_never_a_traceback() -> None:
    from collectors.naming import parse_line

    assert parse_line('{"detail-type": "x", "detail": {"containers": 5}}')[0].startswith("x")
    assert parse_line('{"err":' * 5000)[1] == "error"  # nested deeper than json reads: the plain line
    assert parse_line('{"jsonPayload": 5, "severity": []}')[0] == '{"jsonPayload": 5, "severity": []}'
