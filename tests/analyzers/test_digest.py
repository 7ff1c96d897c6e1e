"""The digest: within its token budget, ranked so the culprit's own lines survive a flood of noise."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from analyzers import estimate_tokens
from analyzers.log_stream import mine
from analyzers.log_templates import mask
from bot.pipeline import digest_bundle
from collectors import BundleCollector
from tests.conftest import BUNDLES, ROOT

sys.path.insert(0, str(ROOT / "bench"))


@pytest.mark.parametrize("budget", [1500, 8000])
def test_digest_stays_within_budget(budget: int) -> None:
    for bundle in BUNDLES:
        digest = digest_bundle(bundle, budget)
        assert digest.tokens == estimate_tokens(digest.text) <= budget, bundle.name


def test_large_bundle_keeps_the_culprit_lines(tmp_path: Path) -> None:
    from make_large_bundle import make

    bundle = make(tmp_path / "large", 60_000)
    digest = digest_bundle(bundle)
    assert digest.log_lines > 60_000
    assert digest.tokens <= 8000
    assert "OutOfMemoryError" in digest.text
    ranked_kinds = [f.text for f in digest.findings[: digest.included]]
    assert any("OutOfMemoryError" in t for t in ranked_kinds)


def test_masking_keeps_words_and_hides_variables() -> None:
    assert (
        mask("took 312ms for user 8f3a9c2e1d at 10.0.0.12:5432 on 2026-11-20T10:00:01Z")
        == "took <*> for user <*> at <*> on <*>"
    )
    assert mask("x509: certificate has expired") == "x509: certificate has expired"
    assert mask("s3:PutObject denied") == "s3:PutObject denied"


def test_templates_report_rate_change_at_onset() -> None:
    evidence = BundleCollector(ROOT / "examples" / "incidents" / "checkout-oom").collect()  # every record kept
    onset = evidence.scope.window.start_ts + 20 * 60
    templates = {t.template: t for t in mine(evidence.logs, onset)}
    oom = next(t for k, t in templates.items() if "OutOfMemoryError" in k)
    assert oom.baseline == 0 and oom.during > 0 and oom.change(1200, 1200) == float("inf")
    noisy = next(t for k, t in templates.items() if "deprecated config key" in k)
    assert noisy.baseline > 0 and 0.5 < noisy.change(1200, 1200) < 2


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_digest_json_is_strict_json(bundle) -> None:
    """No NaN or Infinity (a new template's rate change): other tools parse this with strict parsers."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    text = json.dumps(digest_bundle(bundle).to_json())
    json.loads(text, parse_constant=refuse)


def test_kubernetes_objects_of_odd_shapes_are_read_as_far_as_they_go() -> None:
    from analyzers.kube import kube_findings
    from collectors import KubeObject

    def obj(kind: str, body: dict) -> KubeObject:
        return KubeObject(kind, "x", "shop", "c", body)

    odd = [
        obj("Event", {"type": "Warning", "series": None, "count": "many", "involvedObject": "x", "reason": "BackOff",
                      "message": "Back-off restarting failed container"}),
        obj("Pod", {"metadata": {"labels": ["a"], "ownerReferences": ["x"]}, "status": None}),
        obj("Pod", {"metadata": {"name": "api-5f7d8c9b6-q2w4z"}, "status": {"containerStatuses": ["x", {
            "name": "api", "restartCount": "4", "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}]}}),
        obj("Job", {"status": None}), obj("Job", {"status": {"conditions": ["x"]}}),
        obj("ResourceQuota", {"status": {"hard": [1], "used": [2]}}),
        obj("HorizontalPodAutoscaler", {"spec": {"maxReplicas": "5"}, "status": {"currentReplicas": "5"}}),
        obj("Service", {"spec": {"selector": ["a"]}}), obj("Endpoints", {"subsets": ["x", {"addresses": ["y"]}]}),
        obj("ReplicaSet", {"metadata": {"annotations": None}, "spec": {"template": "x"}}),
        obj("Node", {"status": None}),
        obj("Certificate", {"status": {"conditions": "x"}}),
    ]  # fmt: skip
    texts = [f.text for f in kube_findings(odd)]
    assert any("terminated: Error (exit code 1), 4 restarts" in t for t in texts)  # the readable parts still count
    assert any("HPA x at its maximum: 5/5" in t for t in texts)


def test_a_jvm_flag_naming_out_of_memory_is_no_out_of_memory() -> None:
    from analyzers.signatures import REGISTRY

    oom = REGISTRY["memory_exhaustion"].logs[0].pattern
    assert not oom.search("JVM arguments [-Xms1g, -XX:+HeapDumpOnOutOfMemoryError, -XX:+ExitOnOutOfMemoryError]")
    assert oom.search("java.lang.OutOfMemoryError: Java heap space")
