"""The signature catalogue: one module per category, each shown by its example bundle, its tables as before."""

from __future__ import annotations

import importlib
import json

import pytest

import analyzers
from analyzers.rules import KUBE_REASONS, METRIC_SIGNALS
from analyzers.signatures import ADVICE, LOG_SIGNATURES, REGISTRY, Signature
from bot.pipeline import collect_bundle, diagnose
from tests.conftest import INCIDENTS

# (category, weight, subject) of each log signature in match order, as analyzers/signatures.py listed them.
LOG_ORDER = [
    ("memory_exhaustion", 4, "emitter"),
    ("memory_exhaustion", 4, "named"),  # Redis' OOM reply: the Redis its client names or is known
    ("cpu_saturation", 1.5, "emitter"),
    ("capacity_limit", 4, "emitter"),
    ("db_connection_exhaustion", 4, "named"),  # MySQL's refusal
    ("db_connection_exhaustion", 4, "named"),  # PostgreSQL's refusal
    ("db_connection_exhaustion", 4, "named"),  # client pools
    ("disk_full", 4, "named"),
    ("disk_full", 4, "named"),  # Elasticsearch's flood-stage block
    ("timeout", 3, "emitter"),
    ("permission_denied", 4, "emitter"),
    ("rate_limited", 4, "named"),
    ("crash_loop", 4, "emitter"),
    ("crash_loop", 4, "emitter"),
    ("certificate_expired", 5, "named"),
    ("certificate_expired", 5, "emitter"),  # a server whose clients reject its expired certificate
    ("health_check_failure", 4, "emitter"),
    ("queue_backlog", 1.5, "emitter"),
    ("image_pull_failure", 5, "emitter"),
    ("scheduling_failure", 3, "emitter"),
    ("node_failure", 3, "emitter"),
    ("network_blocked", 2.5, "emitter"),
]


@pytest.mark.parametrize("signature", REGISTRY.values(), ids=list(REGISTRY))
def test_each_signature_diagnoses_its_example(signature: Signature) -> None:
    diagnosis = diagnose(collect_bundle(INCIDENTS / signature.example)).diagnosis
    assert diagnosis.category == signature.category, diagnosis.summary


def test_every_category_has_its_module_advice_and_example() -> None:
    assert analyzers.CATEGORIES == tuple(REGISTRY)
    for category, signature in REGISTRY.items():
        assert importlib.import_module(f"analyzers.signatures.{category}").SIGNATURE is signature
        assert signature.category == category
        assert all(signature.advice) and ADVICE[category] == signature.advice
        expected = json.loads((INCIDENTS / signature.example / "expected.json").read_text())
        assert expected["category"] == category, signature.example
    assert list(ADVICE) == list(REGISTRY)


def test_log_signatures_keep_their_order_and_no_signal_has_two_categories() -> None:
    assert [(s.category, s.weight, s.subject) for s in LOG_SIGNATURES] == LOG_ORDER
    for table, built in (("metric_kinds", METRIC_SIGNALS), ("kube_reasons", KUBE_REASONS)):
        claimed = [(key, s.category) for s in REGISTRY.values() for key in getattr(s, table)]
        assert len(claimed) == len(built), f"a {table} key is claimed by two signatures"
        assert all(built[key][0] == category for key, category in claimed)


@pytest.mark.parametrize(
    ("text", "permission", "member"),
    [
        (  # Cloud Storage's JSON API, as google-cloud-storage raises it
            "403 GET https://storage.googleapis.com/download/storage/v1/b/acme-exports/o/a.csv?alt=media: "
            "ledger-run@acme-prod.iam.gserviceaccount.com does not have storage.objects.get access to the Google "
            "Cloud Storage object. Permission 'storage.objects.get' denied on resource (or it may not exist).",
            "storage.objects.get",
            "ledger-run@acme-prod.iam.gserviceaccount.com",
        ),
        (  # Secret Manager over gRPC
            "google.api_core.exceptions.PermissionDenied: 403 Permission 'secretmanager.versions.access' denied "
            "for resource 'projects/acme-prod/secrets/db-password/versions/latest' (or it may not exist).",
            "secretmanager.versions.access",
            None,
        ),
        (  # BigQuery
            "403 Access Denied: Project acme-prod: User does not have bigquery.jobs.create permission in project "
            "acme-prod.",
            "bigquery.jobs.create",
            None,
        ),
    ],
    ids=["storage", "secret-manager", "bigquery"],
)
def test_a_gcp_denial_names_the_permission_and_the_account(text: str, permission: str, member: str | None) -> None:
    from analyzers.signatures.base import Case
    from analyzers.signatures.permission_denied import facts

    details = facts(Case("ledger", [], [text], [], None))  # type: ignore[arg-type]
    assert details.get("permission") == permission
    assert details.get("member") == member


@pytest.mark.parametrize(
    ("text", "auth"),
    [
        (  # containerd behind the kubelet, ghcr.io without credentials
            'Failed to pull image "ghcr.io/acme/ledger:2.0.1": rpc error: code = Unknown desc = failed to pull and '
            'unpack image "ghcr.io/acme/ledger:2.0.1": failed to resolve reference "ghcr.io/acme/ledger:2.0.1": '
            "failed to authorize: failed to fetch anonymous token: unexpected status from GET request to "
            "https://ghcr.io/token?scope=repository%3Aacme%2Fledger%3Apull&service=ghcr.io: 401 Unauthorized",
            True,
        ),
        ("Error response from daemon: Get https://registry.gitlab.com/v2/: no basic auth credentials", True),
        (  # a tag that does not exist is not a credentials problem
            'Failed to pull image "ghcr.io/acme/ledger:2.0.9": rpc error: code = NotFound desc = failed to pull and '
            'unpack image "ghcr.io/acme/ledger:2.0.9": failed to resolve reference "ghcr.io/acme/ledger:2.0.9": '
            "ghcr.io/acme/ledger:2.0.9: not found",
            False,
        ),
    ],
    ids=["401", "no-basic-auth", "not-found"],
)
def test_an_image_pull_refused_for_credentials_is_told_from_a_missing_tag(text: str, auth: bool) -> None:
    from analyzers.signatures.base import Case
    from analyzers.signatures.image_pull_failure import facts

    details = facts(Case("ledger", [], [text], [], None))  # type: ignore[arg-type]
    assert bool(details.get("registry_auth")) is auth
    if auth and "ghcr" in text:
        assert details["image"] == "ghcr.io/acme/ledger:2.0.1"


def _service_world(target_port, container_ports: list[int]) -> list:
    from collectors import KubeObject

    labels = {"app": "checkout"}
    service = {"spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": target_port}]}}
    endpoints = {"subsets": [{"addresses": [{"ip": "10.0.1.7"}], "ports": [{"port": 8080}]}]}
    ports = [{"containerPort": p, "protocol": "TCP"} for p in container_ports]
    pod = {
        "metadata": {"name": "checkout-7d9f-abcde", "labels": labels, "ownerReferences": [
            {"kind": "ReplicaSet", "name": "checkout-7d9f"}]},
        "spec": {"containers": [{"name": "checkout", "image": "ghcr.io/acme/checkout:1.0", "ports": ports}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }  # fmt: skip
    return [
        KubeObject("Service", "checkout", "shop", "prod", service),
        KubeObject("Endpoints", "checkout", "shop", "prod", endpoints),
        KubeObject("Pod", "checkout-7d9f-abcde", "shop", "prod", pod),
    ]


@pytest.mark.parametrize(
    ("target", "declared", "flagged"),
    [(8080, [3000], True), ("http", [3000], True), (3000, [3000], False), (8080, [], False), ("3000", [3000], False)],
    ids=["number", "unknown-name", "served", "undeclared", "digits"],
)
def test_a_service_sending_to_a_port_its_pods_do_not_declare_is_found(target, declared, flagged: bool) -> None:
    from analyzers.kube import kube_findings

    found = [
        f for f in kube_findings(_service_world(target, declared)) if f.attrs.get("reason") == "TargetPortMismatch"
    ]
    assert bool(found) is flagged
    if flagged:
        assert found[0].resource == "checkout" and found[0].attrs["container_ports"] == [3000]
        assert "targetPort" in found[0].text
